/*
 * The till's transaction against the real server: first-expiring-first-out
 * lots (expired ones never), every refusal with its details and nothing
 * changed, idempotent retries, voids, listing, free goods. Many tills at
 * once and a crash are itest_tills. Every test ends with `verify` passing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* The lot ids of line K of a distribution, as numbers. */
static int
itest_distributions_lots(const cJSON *d, int k, int64_t *out, int max)
{
	cJSON *l = cJSON_GetArrayItem(itest_arr(d, "lines"), k), *e;
	int n = 0;

	ck_assert_ptr_nonnull(l);
	cJSON_ArrayForEach(e, itest_arr(l, "lot_ids"))
	{
		ck_assert(cJSON_IsNumber(e));
		ck_assert_int_lt(n, max);
		out[n++] = (int64_t)e->valuedouble;
	}
	return n;
}

/*
 * The distribution records who posted it: its cashier_id is the user the
 * audit log names for it.
 */
static void
itest_distributions_cashier(int64_t id, const char *username)
{
	cJSON *d = itest_ok("GET",
	    itest_f("/api/v1/distributions/%lld", (long long)id), itest_admin,
	    NULL, 200);
	cJSON *a =
	    itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	cJSON *e;
	const cJSON *act, *eid;
	int found = 0;

	cJSON_ArrayForEach(e, itest_items(a))
	{
		act = cJSON_GetObjectItem(e, "action");
		eid = cJSON_GetObjectItem(e, "entity_id");
		if (!cJSON_IsString(act) ||
		    strcmp(act->valuestring, "distribute") != 0 ||
		    !cJSON_IsNumber(eid) || (int64_t)eid->valuedouble != id)
			continue;
		found++;
		ck_assert_str_eq(itest_str(e, "username"), username);
		ck_assert_int_eq(
		    itest_int(e, "user_id"), itest_int(d, "cashier_id"));
	}
	ck_assert_msg(found == 1, "distribution %lld: %d audit entries",
	    (long long)id, found);
}

START_TEST(test_fefo)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, rice, late, soon, expired, never, today, lots[8];
	cJSON *j, *g, *l;
	int st, n;

	h = itest_household("F-1", "tekun", 2, -5, 300);
	itest_grant(h, 500);
	rice = itest_item("大米", "6901234567892", 10, 0, 0);
	late = itest_lot(rice, 5, itest_date(30));
	soon = itest_lot(rice, 5, itest_date(10));
	expired = itest_lot(rice, 5, itest_date(-1));
	never = itest_lot(rice, 5, NULL);
	today = itest_lot(rice, 2, itest_date(0));

	/* 8 by barcode: today's 2, the 5 due in 10 days, 1 of the late. */
	j = itest_basket(cashier, itest_uuid(), "T01", "F-1",
	    "{'barcode':'6901234567892','quantity':8}", &st);
	ck_assert_msg(st == 201, "%d %s", st, itest_print(j));
	ck_assert_int_gt(itest_int(j, "id"), 0);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000001");
	ck_assert_str_eq(itest_str(j, "till_id"), "T01");
	ck_assert_int_eq(itest_int(j, "household_id"), h);
	ck_assert_str_eq(itest_str(j, "period"), itest_period(0));
	ck_assert_int_eq(itest_int(j, "points_total"), 80);
	ck_assert_int_eq(itest_int(j, "points_balance"), 420);
	ck_assert_msg(
	    strncmp(itest_str(j, "created_at"), itest_date(0), 10) == 0,
	    "created_at %s is not today", itest_str(j, "created_at"));
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "lines")), 1);
	l = cJSON_GetArrayItem(itest_arr(j, "lines"), 0);
	ck_assert_int_eq(itest_int(l, "item_id"), rice);
	ck_assert_str_eq(itest_str(l, "name"), "大米");
	ck_assert_int_eq(itest_int(l, "quantity"), 8);
	ck_assert_int_eq(itest_int(l, "points"), 80);
	ck_assert_int_eq(itest_int(l, "value_fen"), 8 * 1000);
	n = itest_distributions_lots(j, 0, lots, 8);
	ck_assert_msg(
	    n == 3 && lots[0] == today && lots[1] == soon && lots[2] == late,
	    "lots taken %s, want [%lld,%lld,%lld]",
	    itest_print(itest_arr(l, "lot_ids")), (long long)today,
	    (long long)soon, (long long)late);
	ck_assert_int_eq(itest_lot_on_hand(rice, today), 0);
	ck_assert_int_eq(itest_lot_on_hand(rice, soon), 0);
	ck_assert_int_eq(itest_lot_on_hand(rice, late), 4);
	ck_assert_int_eq(itest_lot_on_hand(rice, expired), 5);
	ck_assert_int_eq(itest_lot_on_hand(rice, never), 5);
	ck_assert_int_eq(itest_hh_points(h), 420);

	/* The same as stored. */
	g = itest_ok("GET",
	    itest_f(
	        "/api/v1/distributions/%lld", (long long)itest_int(j, "id")),
	    cashier, NULL, 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(g, "voided")));
	ck_assert_str_eq(itest_str(g, "receipt_no"), "T01-000001");
	ck_assert_str_eq(itest_text(itest_arr(g, "lines")),
	    itest_text(itest_arr(j, "lines")));
	ck_assert_int_eq(itest_int(g, "points_total"), 80);
	itest_distributions_cashier(itest_int(j, "id"), "cash");

	/* 6 by item id at another till: the late 4, then the undated. */
	j = itest_basket(
	    itest_admin, NULL, "T02", "F-1", itest_line(rice, 6), NULL);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T02-000001");
	n = itest_distributions_lots(j, 0, lots, 8);
	ck_assert_msg(n == 2 && lots[0] == late && lots[1] == never,
	    "lots taken %s, want [%lld,%lld]",
	    itest_print(cJSON_GetArrayItem(itest_arr(j, "lines"), 0)),
	    (long long)late, (long long)never);
	ck_assert_int_eq(itest_lot_on_hand(rice, late), 0);
	ck_assert_int_eq(itest_lot_on_hand(rice, never), 3);
	ck_assert_int_eq(itest_int(j, "points_balance"), 360);
	itest_distributions_cashier(itest_int(j, "id"), ITEST_ADMIN);

	/* The expired lot is never used: 3 left, not 8. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "F-1", itest_line(rice, 4), &st);
	itest_assert_error(j, st, 422, "insufficient_stock", "quantity");
	ck_assert_int_eq(itest_int(itest_error_details(j), "item_id"), rice);
	ck_assert_int_eq(itest_int(itest_error_details(j), "available"), 3);
	ck_assert_int_eq(itest_int(itest_error_details(j), "shortfall"), 1);
	j = itest_basket(
	    itest_admin, NULL, "T01", "F-1", itest_line(rice, 3), NULL);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000002");
	n = itest_distributions_lots(j, 0, lots, 8);
	ck_assert(n == 1 && lots[0] == never);
	ck_assert_int_eq(itest_lot_on_hand(rice, expired), 5);
	ck_assert_int_eq(itest_lot_on_hand(rice, never), 0);
	ck_assert_int_eq(itest_hh_points(h), 330);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The item's movement log (harness-owned); its sum in *SUM. Rows in
 * BEFORE (an earlier log, or NULL) must all be there, unchanged. */
static cJSON *
itest_distributions_moves(int64_t item, const cJSON *before, int64_t *sum)
{
	cJSON *j = itest_items(itest_ok("GET",
	    itest_f("/api/v1/stock/movements?item_id=%lld&limit=500",
	        (long long)item),
	    itest_admin, NULL, 200));
	const cJSON *e, *now;

	*sum = 0;
	cJSON_ArrayForEach(e, j)
	{
		*sum += itest_int(e, "quantity");
		itest_str(e, "kind");
	}
	cJSON_ArrayForEach(e, before)
	{
		now = itest_find(j, "id", itest_int(e, "id"));
		ck_assert_msg(now != NULL, "movement gone: %s", itest_print(e));
		ck_assert_str_eq(itest_text(now), itest_text(e));
	}
	return j;
}

/* What a refusal must leave alone. */
struct itest_distributions_snap {
	int64_t points[3];
	int64_t lots[3];
	int count;
	int ledger;
};

static void
itest_distributions_snap(struct itest_distributions_snap *s, const int64_t *hh,
    const int64_t *items, const int64_t *lots)
{
	int i;

	for (i = 0; i < 3; i++) {
		s->points[i] = itest_hh_points(hh[i]);
		s->lots[i] = itest_lot_on_hand(items[i], lots[i]);
	}
	s->count = itest_basket_count("");
	s->ledger = cJSON_GetArraySize(itest_ledger(hh[0]));
}

START_TEST(test_refusals)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	struct itest_distributions_snap before, after;
	int64_t hh[3], items[3], lots[3];
	const char *kept = itest_uuid();
	cJSON *j, *e;
	int st;

	hh[0] = itest_household("R-TK", "tekun", 2, -5, 300);
	hh[1] = itest_household("R-DB", "dibao", 2, -5, 300);
	hh[2] = itest_household("R-SUS", "dibao", 2, -5, 300);
	itest_grant(hh[0], 100);
	itest_grant(hh[1], 100);
	itest_grant(hh[2], 100);
	itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)hh[2]),
	    itest_admin, "{'status':'suspended'}", 200);
	items[0] = itest_item("大米", "6901234567892", 10, 3, 0);
	items[1] = itest_item("奶粉", "CS-MILKPOWDER", 30, 0, 1);
	items[2] = itest_item("盐", "CS-SALT", 1, 0, 0);
	lots[0] = itest_lot(items[0], 20, itest_date(90));
	lots[1] = itest_lot(items[1], 10, itest_date(90));
	lots[2] = itest_lot(items[2], 2, NULL);
	j = itest_basket(
	    itest_admin, NULL, "T01", "R-TK", itest_line(items[0], 1), NULL);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000001");
	itest_distributions_snap(&before, hh, items, lots);
	ck_assert_int_eq(before.points[0], 90);

	/* An unknown card. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "NOPE", itest_line(items[0], 1), &st);
	itest_assert_error(j, st, 404, "not_found", "household_card");
	/* A suspended household. */
	j = itest_basket(cashier, itest_uuid(), "T01", "R-SUS",
	    itest_line(items[2], 1), &st);
	itest_assert_error(j, st, 422, "household_inactive", NULL);
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "household_id"), hh[2]);
	/* A priority-only item for a dibao household. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-DB", itest_line(items[1], 1), &st);
	itest_assert_error(j, st, 422, "priority_only", NULL);
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "item_id"), items[1]);
	/* Over the monthly limit: 1 taken, 3 asked, limit 3. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-TK", itest_line(items[0], 3), &st);
	itest_assert_error(j, st, 422, "limit_exceeded", "quantity");
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "item_id"), items[0]);
	ck_assert_int_eq(itest_int(itest_error_details(j), "limit"), 3);
	ck_assert_int_eq(itest_int(itest_error_details(j), "taken"), 1);
	ck_assert_int_eq(itest_int(itest_error_details(j), "over"), 1);
	/* The same, split over two lines of one basket. */
	j = itest_basket(cashier, itest_uuid(), "T01", "R-TK",
	    "{'barcode':'6901234567892','quantity':1},"
	    "{'barcode':'6901234567892','quantity':2}",
	    &st);
	itest_assert_error(j, st, 422, "limit_exceeded", NULL);
	ck_assert_int_eq(itest_int(itest_error_details(j), "over"), 1);
	/* Short of stock. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-TK", itest_line(items[2], 3), &st);
	itest_assert_error(j, st, 422, "insufficient_stock", "quantity");
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "item_id"), items[2]);
	ck_assert_int_eq(itest_int(itest_error_details(j), "available"), 2);
	ck_assert_int_eq(itest_int(itest_error_details(j), "shortfall"), 1);
	/* A good line, then a short one: neither is taken. */
	j = itest_basket(cashier, itest_uuid(), "T01", "R-TK",
	    itest_f("%s,%s", itest_line(items[0], 1), itest_line(items[2], 5)),
	    &st);
	itest_assert_error(j, st, 422, "insufficient_stock", NULL);
	ck_assert_int_eq(itest_int(itest_error_details(j), "line"), 1);
	ck_assert_int_eq(itest_int(itest_error_details(j), "shortfall"), 3);
	/* Short of points: 4 × 30 = 120 against 90. */
	j = itest_basket(
	    cashier, kept, "T01", "R-TK", itest_line(items[1], 4), &st);
	itest_assert_error(j, st, 422, "insufficient_points", NULL);
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "points_total"), 120);
	ck_assert_int_eq(itest_int(itest_error_details(j), "balance"), 90);
	ck_assert_int_eq(itest_int(itest_error_details(j), "shortfall"), 30);

	/* Items that are not there, and malformed baskets. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-TK", itest_line(99999, 1), &st);
	itest_assert_error(j, st, 404, "not_found", "item_id");
	j = itest_basket(cashier, itest_uuid(), "T01", "R-TK",
	    "{'barcode':'6920152400012','quantity':1}", &st);
	itest_assert_error(j, st, 404, "not_found", "barcode");
	j = itest_basket(cashier, itest_uuid(), "T01", "R-TK",
	    "{'barcode':'6901234567890','quantity':1}", &st);
	itest_assert_error(j, st, 400, "bad_barcode", "barcode");
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-TK", itest_line(items[2], 0), &st);
	itest_assert_error(j, st, 400, "bad_field", "quantity");
	j = itest_basket(cashier, itest_uuid(), "T01", "R-TK", "", &st);
	itest_assert_error(j, st, 400, "bad_field", "lines");
	j = itest_basket(
	    cashier, itest_uuid(), "T 1", "R-TK", itest_line(items[2], 1), &st);
	itest_assert_error(j, st, 400, "bad_field", "till_id");
	j = itest_basket(cashier, "not a uuid;", "T01", "R-TK",
	    itest_line(items[2], 1), &st);
	itest_assert_error(j, st, 400, "bad_field", "client_id");
	j = itest_basket(
	    auditor, itest_uuid(), "T01", "R-TK", itest_line(items[2], 1), &st);
	itest_assert_error(j, st, 403, "forbidden", NULL);

	/* Nothing changed. */
	itest_distributions_snap(&after, hh, items, lots);
	ck_assert_mem_eq(&before, &after, sizeof before);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/R-TK", cashier, NULL, 200);
	e = itest_find(itest_arr(j, "limits"), "item_id", items[0]);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(itest_int(e, "taken"), 1);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/R-DB", cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "limits")), 0);
	itest_verify(itest_s->db, 1, NULL);

	/* A refused client_id recorded nothing: it posts now, and the
	 * receipt follows without a gap. A priority household may take
	 * the priority-only item. */
	j = itest_basket(
	    cashier, kept, "T01", "R-TK", itest_line(items[1], 3), &st);
	ck_assert_msg(
	    st == 201, "refused client_id reused: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000002");
	ck_assert_int_eq(itest_int(j, "points_balance"), 0);
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-DB", itest_line(items[2], 2), &st);
	ck_assert_int_eq(st, 201);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000003");
	/* A zero balance still refuses points, not stock. */
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "R-TK", itest_line(items[0], 1), &st);
	itest_assert_error(j, st, 422, "insufficient_points", NULL);
	ck_assert_int_eq(itest_int(itest_error_details(j), "balance"), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_idempotent)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cid = itest_uuid(), *lines;
	int64_t h, item, lot;
	cJSON *first, *j;
	int st;

	h = itest_household("I-1", "illness", 1, -5, 300);
	itest_grant(h, 100);
	item = itest_item("米线", "CS-RICE-NOODLE", 10, 0, 0);
	lot = itest_lot(item, 10, NULL);
	lines = itest_line(item, 2);

	first = itest_basket(cashier, cid, "T01", "I-1", lines, &st);
	ck_assert_int_eq(st, 201);
	/* The answer was lost; the till sends it again. */
	j = itest_basket(cashier, cid, "T01", "I-1", lines, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_text(j), itest_text(first));
	ck_assert_int_eq(itest_hh_points(h), 80);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 8);
	ck_assert_int_eq(itest_basket_count(""), 1);

	/* Another body under the same client_id. */
	j = itest_basket(cashier, cid, "T01", "I-1", itest_line(item, 3), &st);
	itest_assert_error(j, st, 409, "client_id_reused", "client_id");
	j = itest_basket(cashier, cid, "T02", "I-1", lines, &st);
	itest_assert_error(j, st, 409, "client_id_reused", "client_id");

	/* The answer stands even once the household is suspended, and for
	 * whoever asks. */
	itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)h), mgr,
	    "{'status':'suspended'}", 200);
	j = itest_basket(mgr, cid, "T01", "I-1", lines, &st);
	ck_assert_msg(
	    st == 200, "replay after suspension: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_text(j), itest_text(first));
	itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)h), mgr,
	    "{'status':'active'}", 200);

	ck_assert_int_eq(itest_hh_points(h), 80);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 8);
	j = itest_basket(itest_admin, NULL, "T01", "I-1", lines, NULL);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000002");
	ck_assert_int_eq(itest_basket_count(""), 2);

	/* A client_id is unique per kind of write: the same one serves a
	 * one-off grant and a void. */
	itest_ok("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':5,"
	            "'reason':'x'}",
	        cid, (long long)h),
	    201);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(first, "id")),
	    mgr, itest_f("{'client_id':'%s','reason':'x'}", cid), 201);
	ck_assert_int_eq(itest_hh_points(h), 60 + 5 + 20);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 8);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_void)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *vcid = itest_uuid(), *vbody, *path;
	int64_t h, rice, soap, a, b, c, d1, d2, lots[4], moves;
	cJSON *j, *v, *e, *log;
	int st, n;

	h = itest_household("V-1", "tekun", 3, -5, 300);
	itest_grant(h, 200);
	rice = itest_item("大米", "6901234567892", 10, 2, 0);
	soap = itest_item("肥皂", "CS-SOAP-1", 3, 0, 0);
	a = itest_lot(rice, 1, itest_date(5));
	b = itest_lot(rice, 5, itest_date(20));
	c = itest_lot(soap, 10, NULL);

	j = itest_basket(itest_admin, NULL, "T01", "V-1",
	    itest_f("%s,%s", itest_line(rice, 2), itest_line(soap, 3)), NULL);
	d1 = itest_int(j, "id");
	ck_assert_int_eq(itest_int(j, "points_total"), 29);
	ck_assert_int_eq(itest_int(j, "points_balance"), 171);
	n = itest_distributions_lots(j, 0, lots, 4);
	ck_assert(n == 2 && lots[0] == a && lots[1] == b);
	j = itest_basket(
	    cashier, itest_uuid(), "T01", "V-1", itest_line(rice, 1), &st);
	itest_assert_error(j, st, 422, "limit_exceeded", NULL);

	path = itest_f("/api/v1/distributions/%lld/void", (long long)d1);
	vbody = itest_f("{'client_id':'%s','reason':'顾客退回'}", vcid);
	itest_refused("POST", path, cashier, vbody, 403, "forbidden", NULL);
	itest_refused("POST", "/api/v1/distributions/99999/void", mgr,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), 404,
	    "not_found", NULL);
	itest_refused("POST", path, mgr,
	    itest_f("{'client_id':'%s'}", itest_uuid()), 400, "missing_field",
	    "reason");

	log = itest_distributions_moves(rice, NULL, &moves);
	ck_assert_int_eq(moves, 4);
	v = itest_ok("POST", path, mgr, vbody, 201);
	ck_assert_int_gt(itest_int(v, "id"), 0);
	ck_assert_str_eq(itest_str(v, "client_id"), vcid);
	ck_assert_int_eq(itest_int(v, "distribution_id"), d1);
	ck_assert_str_eq(itest_str(v, "reason"), "顾客退回");
	itest_str(v, "created_at");

	/* New rows, nothing edited: two void movements, one per lot. */
	n = cJSON_GetArraySize(log);
	log = itest_distributions_moves(rice, log, &moves);
	ck_assert_int_eq(cJSON_GetArraySize(log), n + 2);
	ck_assert_int_eq(moves, 6);
	/* Goods back to the same lots, points back, the limit freed. */
	ck_assert_int_eq(itest_lot_on_hand(rice, a), 1);
	ck_assert_int_eq(itest_lot_on_hand(rice, b), 5);
	ck_assert_int_eq(itest_lot_on_hand(soap, c), 10);
	ck_assert_int_eq(itest_hh_points(h), 200);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/V-1", cashier, NULL, 200);
	e = itest_find(itest_arr(j, "limits"), "item_id", rice);
	if (e != NULL) {
		ck_assert_int_eq(itest_int(e, "taken"), 0);
		ck_assert_int_eq(itest_int(e, "remaining"), 2);
	}
	j = itest_ok("GET",
	    itest_f("/api/v1/distributions/%lld", (long long)d1), mgr, NULL,
	    200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "voided")));
	ck_assert_int_eq(itest_int(j, "points_total"), 29);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "lines")), 2);

	/* A retry answers the same; a second void is a conflict. */
	j = itest_ok("POST", path, mgr, vbody, 200);
	ck_assert_str_eq(itest_text(j), itest_text(v));
	itest_refused("POST", path, mgr,
	    itest_f("{'client_id':'%s','reason':'again'}", itest_uuid()), 409,
	    "conflict", NULL);
	ck_assert_int_eq(itest_hh_points(h), 200);
	ck_assert_int_eq(itest_lot_on_hand(rice, a), 1);

	/* The limit is free again; the receipt number is new. */
	j = itest_basket(
	    itest_admin, NULL, "T01", "V-1", itest_line(rice, 2), NULL);
	d2 = itest_int(j, "id");
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000002");
	n = itest_distributions_lots(j, 0, lots, 4);
	ck_assert(n == 2 && lots[0] == a && lots[1] == b);
	/* The void's client_id on another distribution. */
	itest_refused("POST",
	    itest_f("/api/v1/distributions/%lld/void", (long long)d2), mgr,
	    vbody, 409, "client_id_reused", NULL);
	j = itest_ok("GET",
	    itest_f("/api/v1/distributions/%lld", (long long)d2), mgr, NULL,
	    200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "voided")));

	/* The ledger shows the void as points into the household. */
	j = itest_ok("GET",
	    itest_f("/api/v1/households/%lld/ledger", (long long)h), mgr, NULL,
	    200);
	e = cJSON_GetArrayItem(itest_items(j), 1);
	ck_assert_str_eq(itest_str(e, "kind"), "void");
	ck_assert_int_eq(itest_int(e, "points"), 29);
	ck_assert_int_eq(itest_hh_points(h), 180);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_listing)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t ha, hb, item, ids[4], seen[4];
	const char *path;
	cJSON *j, *e, *next;
	int i, n = 0, pages = 0;

	ha = itest_household("L-A", "dibao", 1, -5, 300);
	hb = itest_household("L-B", "dibao", 1, -5, 300);
	itest_grant(ha, 100);
	itest_grant(hb, 100);
	item = itest_item("豆油", "CS-SOY-OIL", 5, 0, 0);
	itest_lot(item, 50, NULL);
	ids[0] = itest_int(itest_basket(itest_admin, NULL, "T01", "L-A",
	                       itest_line(item, 1), NULL),
	    "id");
	ids[1] = itest_int(itest_basket(itest_admin, NULL, "T02", "L-B",
	                       itest_line(item, 2), NULL),
	    "id");
	ids[2] = itest_int(itest_basket(itest_admin, NULL, "T01", "L-B",
	                       itest_line(item, 3), NULL),
	    "id");
	ids[3] = itest_int(itest_basket(itest_admin, NULL, "T02", "L-A",
	                       itest_line(item, 4), NULL),
	    "id");

	j = itest_ok("GET",
	    itest_f("/api/v1/distributions?household_id=%lld", (long long)ha),
	    cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", ids[0]));
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", ids[3]));
	cJSON_ArrayForEach(e, itest_items(j))
	    ck_assert_int_eq(itest_int(e, "household_id"), ha);
	j = itest_ok(
	    "GET", "/api/v1/distributions?till_id=T01", cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	cJSON_ArrayForEach(e, itest_items(j))
	{
		ck_assert_str_eq(itest_str(e, "till_id"), "T01");
		itest_str(e, "receipt_no");
		itest_arr(e, "lines");
	}
	j = itest_ok("GET",
	    itest_f("/api/v1/distributions?till_id=T02&household_id=%lld",
	        (long long)hb),
	    cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", ids[1]));
	ck_assert_int_eq(itest_basket_count("&till_id=T09"), 0);
	ck_assert_int_eq(itest_basket_count(itest_f(
	                     "&from=%s&to=%s", itest_date(0), itest_date(0))),
	    4);
	ck_assert_int_eq(
	    itest_basket_count(itest_f("&from=%s", itest_date(1))), 0);
	ck_assert_int_eq(
	    itest_basket_count(itest_f("&to=%s", itest_date(-1))), 0);
	ck_assert_int_eq(
	    itest_basket_count(itest_f("&from=%s&till_id=T02", itest_date(-3))),
	    2);

	/* Pages of three, each distribution once. */
	path = "/api/v1/distributions?limit=3";
	for (;;) {
		j = itest_ok("GET", path, itest_admin, NULL, 200);
		cJSON_ArrayForEach(e, itest_items(j))
		{
			ck_assert_int_lt(n, 4);
			seen[n] = itest_int(e, "id");
			for (i = 0; i < n; i++)
				ck_assert_int_ne(seen[i], seen[n]);
			n++;
		}
		next = cJSON_GetObjectItem(j, "next");
		if (!cJSON_IsString(next))
			break;
		ck_assert_int_lt(++pages, 5);
		path = itest_f("/api/v1/distributions?limit=3&cursor=%s",
		    next->valuestring);
	}
	ck_assert_int_eq(n, 4);

	itest_refused("GET", "/api/v1/distributions?from=2026-13-01", cashier,
	    NULL, 400, "bad_field", "from");
	itest_refused("GET", "/api/v1/distributions?household_id=x", cashier,
	    NULL, 400, "bad_field", "household_id");
	itest_refused("GET", "/api/v1/distributions/99999", cashier, NULL, 404,
	    "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Free goods (0 points) go to a household with no points; the void of
 * such a basket gives the goods back and moves no points. */
START_TEST(test_zero_points)
{
	int64_t h, bag, lot, d;
	cJSON *j;

	h = itest_household("ZERO-1", "low_income", 1, -5, 300);
	bag = itest_item("环保袋", "CS-BAG-0", 0, 0, 0);
	lot = itest_lot(bag, 5, NULL);
	j = itest_basket(
	    itest_admin, NULL, "T01", "ZERO-1", itest_line(bag, 2), NULL);
	d = itest_int(j, "id");
	ck_assert_int_eq(itest_int(j, "points_total"), 0);
	ck_assert_int_eq(itest_int(j, "points_balance"), 0);
	ck_assert_int_eq(itest_lot_on_hand(bag, lot), 3);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void", (long long)d),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), 201);
	ck_assert_int_eq(itest_lot_on_hand(bag, lot), 5);
	ck_assert_int_eq(itest_hh_points(h), 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_ledger(h)), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* ?receipt_no= finds one receipt exactly, also with the other filters;
 * a malformed one is refused, an unknown one lists nothing. */
START_TEST(test_by_receipt)
{
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t ha, hb, item, d[3];
	const char *today = itest_date(0);
	cJSON *j, *e;

	ha = itest_household("R-A", "dibao", 1, -5, 300);
	hb = itest_household("R-B", "dibao", 1, -5, 300);
	itest_grant(ha, 100);
	itest_grant(hb, 100);
	item = itest_item("面粉", "CS-FLOUR-R", 5, 0, 0);
	itest_lot(item, 50, NULL);
	d[0] = itest_int(itest_basket(itest_admin, NULL, "T1", "R-A",
	                     itest_line(item, 1), NULL),
	    "id");
	d[1] = itest_int(itest_basket(itest_admin, NULL, "T1", "R-B",
	                     itest_line(item, 1), NULL),
	    "id");
	d[2] = itest_int(itest_basket(itest_admin, NULL, "T-9", "R-A",
	                     itest_line(item, 1), NULL),
	    "id");

	j = itest_ok("GET", "/api/v1/distributions?receipt_no=T1-000002",
	    auditor, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	e = cJSON_GetArrayItem(itest_items(j), 0);
	ck_assert_int_eq(itest_int(e, "id"), d[1]);
	ck_assert_str_eq(itest_str(e, "receipt_no"), "T1-000002");
	ck_assert_int_eq(itest_int(e, "household_id"), hb);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	/* A till id with '-' in it. */
	j = itest_ok("GET", "/api/v1/distributions?receipt_no=T-9-000001",
	    cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 0), "id"), d[2]);
	/* With the other filters: all must hold. */
	ck_assert_int_eq(itest_basket_count(itest_f(
	                     "&receipt_no=T1-000001&household_id=%lld&till_id="
	                     "T1&from=%s&to=%s",
	                     (long long)ha, today, today)),
	    1);
	ck_assert_int_eq(
	    itest_basket_count(itest_f(
	        "&receipt_no=T1-000001&household_id=%lld", (long long)hb)),
	    0);
	ck_assert_int_eq(
	    itest_basket_count("&receipt_no=T1-000001&till_id=T-9"), 0);
	ck_assert_int_eq(itest_basket_count(itest_f(
	                     "&receipt_no=T1-000001&from=%s", itest_date(1))),
	    0);
	ck_assert_int_eq(
	    itest_basket_count(
	        itest_f("&receipt_no=T1-000001&cursor=%lld", (long long)d[0])),
	    0);
	/* No such receipt: an empty list. */
	ck_assert_int_eq(itest_basket_count("&receipt_no=T1-000004"), 0);
	ck_assert_int_eq(itest_basket_count("&receipt_no=T7-000001"), 0);
	ck_assert_int_eq(itest_basket_count("&receipt_no=T1-0000001"), 0);
	/* A number past int64: no receipt has it. */
	ck_assert_int_eq(
	    itest_basket_count("&receipt_no=T1-9999999999999999999"), 0);
	/* Each other filter through its own statement, combined. */
	ck_assert_int_eq(itest_basket_count(itest_f("&household_id=%lld&from="
	                                            "%s&to=%s&till_id=T-9",
	                     (long long)ha, today, today)),
	    1);
	ck_assert_int_eq(itest_basket_count(itest_f(
	                     "&till_id=T1&from=%s&to=%s", today, today)),
	    2);
	ck_assert_int_eq(itest_basket_count(
	                     itest_f("&from=%s&to=%s", itest_date(-2), today)),
	    3);
	ck_assert_int_eq(itest_basket_count(itest_f(
	                     "&from=%s&to=%s", itest_date(-2), itest_date(-1))),
	    0);
	j = itest_ok("GET",
	    itest_f(
	        "/api/v1/distributions?from=%s&to=%s&limit=2", today, today),
	    auditor, NULL, 200);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 0), "id"), d[0]);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 1), "id"), d[1]);
	j = itest_ok("GET",
	    itest_f("/api/v1/distributions?from=%s&to=%s&limit=2&cursor=%s",
	        today, today, itest_str(j, "next")),
	    auditor, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 0), "id"), d[2]);

	itest_refused("GET", "/api/v1/distributions?receipt_no=T1-00001",
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?receipt_no=T1000001",
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?receipt_no=-000001",
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?receipt_no=T1-00000a",
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?receipt_no=T%201-000001",
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?receipt_no=", auditor, NULL,
	    400, "bad_field", "receipt_no");
	itest_refused("GET",
	    itest_f("/api/v1/distributions?receipt_no=%033d-000001", 1),
	    auditor, NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET",
	    "/api/v1/distributions?receipt_no=T1-00000000000000000001", auditor,
	    NULL, 400, "bad_field", "receipt_no");
	itest_refused("GET", "/api/v1/distributions?till_id=T%201", auditor,
	    NULL, 400, "bad_field", "till_id");
	itest_refused("GET", "/api/v1/distributions?till_id=", auditor, NULL,
	    400, "bad_field", "till_id");
	itest_refused("GET", "/api/v1/distributions?to=2026-02-30", auditor,
	    NULL, 400, "bad_field", "to");
}
END_TEST

static Suite *
itest_distributions_suite(void)
{
	Suite *s = suite_create("itest_distributions");
	TCase *tc = itest_tcase("distributions");

	tcase_add_test(tc, test_fefo);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_idempotent);
	tcase_add_test(tc, test_void);
	tcase_add_test(tc, test_listing);
	tcase_add_test(tc, test_zero_points);
	tcase_add_test(tc, test_by_receipt);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_distributions_suite());
}
