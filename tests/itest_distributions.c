/*
 * The till's transaction against the real server: first-expiring-first-out
 * lots (expired ones never), every refusal with its details and nothing
 * changed, idempotent retries, voids, listing; 16 tills at once against one
 * household and scarce goods; and a SIGKILL in the middle of a burst, after
 * which every acknowledged distribution is still there. Every test ends
 * with `verify` passing.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static int
itest_distributions_count(const char *query)
{
	cJSON *j =
	    itest_ok("GET", itest_f("/api/v1/distributions?limit=500%s", query),
	        itest_admin, NULL, 200);

	return cJSON_GetArraySize(itest_items(j));
}

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
	s->count = itest_distributions_count("");
	s->ledger = cJSON_GetArraySize(itest_items(itest_ok("GET",
	    itest_f(
	        "/api/v1/households/%lld/ledger?limit=500", (long long)hh[0]),
	    itest_admin, NULL, 200)));
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
	ck_assert_int_eq(itest_distributions_count(""), 1);

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
	ck_assert_int_eq(itest_distributions_count(""), 2);

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
	j = itest_req(itest_s, "POST", path, cashier, vbody, &st);
	itest_assert_error(j, st, 403, "forbidden", NULL);
	j = itest_req(itest_s, "POST", "/api/v1/distributions/99999/void", mgr,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), &st);
	itest_assert_error(j, st, 404, "not_found", NULL);
	j = itest_req(itest_s, "POST", path, mgr,
	    itest_f("{'client_id':'%s'}", itest_uuid()), &st);
	itest_assert_error(j, st, 400, "missing_field", "reason");

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
	j = itest_req(itest_s, "POST", path, mgr,
	    itest_f("{'client_id':'%s','reason':'again'}", itest_uuid()), &st);
	itest_assert_error(j, st, 409, "conflict", NULL);
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
	j = itest_req(itest_s, "POST",
	    itest_f("/api/v1/distributions/%lld/void", (long long)d2), mgr,
	    vbody, &st);
	itest_assert_error(j, st, 409, "client_id_reused", NULL);
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
	int st, i, n = 0, pages = 0;

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
	ck_assert_int_eq(itest_distributions_count("&till_id=T09"), 0);
	ck_assert_int_eq(itest_distributions_count(itest_f(
	                     "&from=%s&to=%s", itest_date(0), itest_date(0))),
	    4);
	ck_assert_int_eq(
	    itest_distributions_count(itest_f("&from=%s", itest_date(1))), 0);
	ck_assert_int_eq(
	    itest_distributions_count(itest_f("&to=%s", itest_date(-1))), 0);
	ck_assert_int_eq(itest_distributions_count(
	                     itest_f("&from=%s&till_id=T02", itest_date(-3))),
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

	j = itest_req(itest_s, "GET", "/api/v1/distributions?from=2026-13-01",
	    cashier, NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "from");
	j = itest_req(itest_s, "GET", "/api/v1/distributions?household_id=x",
	    cashier, NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "household_id");
	j = itest_req(
	    itest_s, "GET", "/api/v1/distributions/99999", cashier, NULL, &st);
	itest_assert_error(j, st, 404, "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Many tills at once: each thread posts its baskets over its own sockets
 * and keeps every answer; the main thread judges them. */
#define ITEST_TILLS     16
#define ITEST_PER_TILL  6
#define ITEST_MAX_LINES 2

struct itest_distributions_try {
	char body[512];
	int status;    /* 0: not sent; -1: sent, no answer */
	char code[40]; /* error code of a refusal */
	int64_t id, total, balance, seq;
	char till[8];
	int64_t item[ITEST_MAX_LINES], qty[ITEST_MAX_LINES];
	int nlines;
};

struct itest_distributions_worker {
	pthread_barrier_t *go;
	struct itest_srv *srv;
	const char *token;
	struct itest_distributions_try *tries;
	int n;
	atomic_int *acked; /* 2xx answers, all workers */
	atomic_int *stop;
	const char *path; /* NULL: POST /api/v1/distributions */
};

/* Parse an answer into T (no assertions: runs in a thread). */
static void
itest_distributions_take(struct itest_distributions_try *t, const char *body)
{
	cJSON *j = cJSON_Parse(body), *e, *c;
	const char *rn;

	if (j == NULL)
		return;
	if (t->status == 200 || t->status == 201) {
		e = cJSON_GetObjectItem(j, "id");
		t->id = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : 0;
		e = cJSON_GetObjectItem(j, "points_total");
		t->total = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : -1;
		e = cJSON_GetObjectItem(j, "points_balance");
		t->balance = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : -1;
		e = cJSON_GetObjectItem(j, "receipt_no");
		rn = cJSON_IsString(e) ? e->valuestring : "";
		if (strlen(rn) > 7 && rn[strlen(rn) - 7] == '-')
			t->seq = strtoll(rn + strlen(rn) - 6, NULL, 10);
		if (strncmp(rn, t->till, strlen(t->till)) != 0)
			t->seq = -1;
	} else {
		c = cJSON_GetObjectItem(
		    cJSON_GetObjectItem(j, "error"), "code");
		if (cJSON_IsString(c))
			snprintf(t->code, sizeof t->code, "%s", c->valuestring);
	}
	cJSON_Delete(j);
}

static void *
itest_distributions_work(void *arg)
{
	struct itest_distributions_worker *w = arg;
	struct itest_reply rep;
	int i;

	if (w->go != NULL)
		pthread_barrier_wait(w->go);
	for (i = 0; i < w->n; i++) {
		struct itest_distributions_try *t = &w->tries[i];

		if (atomic_load(w->stop))
			break;
		t->status = -1; /* sent, not (yet) answered */
		if (itest_http(w->srv, "POST",
		        w->path ? w->path : "/api/v1/distributions", w->token,
		        "application/json", NULL, t->body, strlen(t->body),
		        &rep) != 0) {
			/* The server is gone (killed): stop here. */
			free(rep.body);
			free(rep.headers);
			break;
		}
		t->status = rep.status;
		itest_distributions_take(t, rep.body);
		if (rep.status == 200 || rep.status == 201)
			atomic_fetch_add(w->acked, 1);
		free(rep.body);
		free(rep.headers);
	}
	return NULL;
}

/* Fill T's body: one basket of NLINES (item, qty) pairs. */
static void
itest_distributions_basket(struct itest_distributions_try *t, const char *till,
    const char *card, int nlines, const int64_t *item, const int64_t *qty)
{
	int k, len;

	memset(t, 0, sizeof *t);
	snprintf(t->till, sizeof t->till, "%s", till);
	t->nlines = nlines;
	len = snprintf(t->body, sizeof t->body,
	    "{\"client_id\":\"%s\",\"till_id\":\"%s\","
	    "\"household_card\":\"%s\",\"lines\":[",
	    itest_uuid(), till, card);
	for (k = 0; k < nlines; k++) {
		t->item[k] = item[k];
		t->qty[k] = qty[k];
		len += snprintf(t->body + len, sizeof t->body - (size_t)len,
		    "%s{\"item_id\":%lld,\"quantity\":%lld}", k ? "," : "",
		    (long long)item[k], (long long)qty[k]);
	}
	snprintf(t->body + len, sizeof t->body - (size_t)len, "]}");
}

/* Each till's receipts of the answered tries run 1..n without a gap. */
static void
itest_distributions_no_gaps(
    struct itest_distributions_try *tries, int n, const char *till)
{
	char *have = calloc((size_t)n + 2, 1);
	int i, count = 0;

	ck_assert_ptr_nonnull(have);
	for (i = 0; i < n; i++) {
		if (tries[i].id <= 0 || strcmp(tries[i].till, till) != 0)
			continue;
		ck_assert_msg(tries[i].seq >= 1 && tries[i].seq <= n &&
		        !have[tries[i].seq],
		    "till %s: receipt %lld out of line", till,
		    (long long)tries[i].seq);
		have[tries[i].seq] = 1;
		count++;
	}
	for (i = 1; i <= count; i++)
		ck_assert_msg(have[i], "till %s: receipt %d missing of %d",
		    till, i, count);
	free(have);
}

static int
itest_distributions_by_id(const void *a, const void *b)
{
	const struct itest_distributions_try *x = *(const void *const *)a;
	const struct itest_distributions_try *y = *(const void *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

START_TEST(test_concurrent_tills)
{
	enum { N = ITEST_TILLS * ITEST_PER_TILL };
	static struct itest_distributions_try tries[N];
	struct itest_distributions_worker w[ITEST_TILLS];
	struct itest_distributions_try *ok[N];
	pthread_t th[ITEST_TILLS];
	pthread_barrier_t go;
	atomic_int acked = 0, stop = 0;
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, s, p, t, lot_s, lot_p, lot_t, item[2], qty[2];
	int64_t spent = 0, took_s = 0, took_p = 0, took_t = 0, bal;
	int i, k, nok = 0, refused = 0;
	cJSON *j, *e;

	/* 100 points; S: 5 points, 10 in stock, 8 a month; P: 7 points,
	 * plenty; T: 1 point, 3 in stock. */
	h = itest_household("CON-1", "tekun", 4, -5, 300);
	itest_grant(h, 100);
	s = itest_item("稀缺奶粉", "CS-SCARCE-S", 5, 8, 0);
	p = itest_item("大米", "CS-PLENTY-P", 7, 0, 0);
	t = itest_item("食用油", "CS-TINY-T", 1, 0, 0);
	lot_s = itest_lot(s, 10, itest_date(30));
	lot_p = itest_lot(p, 100, NULL);
	lot_t = itest_lot(t, 3, NULL);

	for (i = 0; i < N; i++) {
		const char *till = itest_f("T%02d", i % 4 + 1);

		switch (i % 4) {
		case 0:
			item[0] = s;
			qty[0] = 1 + i % 3;
			itest_distributions_basket(
			    &tries[i], till, "CON-1", 1, item, qty);
			break;
		case 1:
			item[0] = p;
			qty[0] = 1;
			itest_distributions_basket(
			    &tries[i], till, "CON-1", 1, item, qty);
			break;
		case 2:
			item[0] = s;
			item[1] = t;
			qty[0] = qty[1] = 1;
			itest_distributions_basket(
			    &tries[i], till, "CON-1", 2, item, qty);
			break;
		default:
			item[0] = t;
			item[1] = p;
			qty[0] = 1;
			qty[1] = 2;
			itest_distributions_basket(
			    &tries[i], till, "CON-1", 2, item, qty);
			break;
		}
	}
	pthread_barrier_init(&go, NULL, ITEST_TILLS);
	for (k = 0; k < ITEST_TILLS; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].go = &go;
		w[k].srv = itest_s;
		w[k].token = cashier;
		w[k].tries = &tries[k * ITEST_PER_TILL];
		w[k].n = ITEST_PER_TILL;
		w[k].acked = &acked;
		w[k].stop = &stop;
		ck_assert_int_eq(pthread_create(&th[k], NULL,
		                     itest_distributions_work, &w[k]),
		    0);
	}
	for (k = 0; k < ITEST_TILLS; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&go);

	for (i = 0; i < N; i++) {
		struct itest_distributions_try *x = &tries[i];

		if (x->status == 201) {
			ck_assert_int_gt(x->id, 0);
			ok[nok++] = x;
			spent += x->total;
			for (k = 0; k < x->nlines; k++) {
				if (x->item[k] == s)
					took_s += x->qty[k];
				else if (x->item[k] == p)
					took_p += x->qty[k];
				else
					took_t += x->qty[k];
			}
			continue;
		}
		ck_assert_msg(x->status == 422 &&
		        (strcmp(x->code, "insufficient_points") == 0 ||
		            strcmp(x->code, "limit_exceeded") == 0 ||
		            strcmp(x->code, "insufficient_stock") == 0),
		    "basket %d: status %d code '%s' (%s)", i, x->status,
		    x->code, x->body);
		refused++;
	}
	/* More was asked than there is: some were refused, some served. */
	ck_assert_int_gt(nok, 0);
	ck_assert_int_gt(refused, 0);
	/* Never overdrawn, never over the limit, never below zero. */
	ck_assert_int_le(spent, 100);
	ck_assert_int_le(took_s, 8);
	ck_assert_int_le(took_t, 3);
	bal = itest_hh_points(h);
	ck_assert_int_eq(bal, 100 - spent);
	ck_assert_int_eq(itest_lot_on_hand(s, lot_s), 10 - took_s);
	ck_assert_int_eq(itest_lot_on_hand(p, lot_p), 100 - took_p);
	ck_assert_int_eq(itest_lot_on_hand(t, lot_t), 3 - took_t);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/CON-1", cashier, NULL, 200);
	e = itest_find(itest_arr(j, "limits"), "item_id", s);
	if (took_s > 0) {
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(itest_int(e, "taken"), took_s);
	}
	/* Each answer's balance is the one before it less its points. */
	qsort(ok, (size_t)nok, sizeof ok[0], itest_distributions_by_id);
	for (i = 0, bal = 100; i < nok; i++) {
		ck_assert_msg(ok[i]->balance == bal - ok[i]->total,
		    "distribution %lld: balance %lld after %lld, before %lld",
		    (long long)ok[i]->id, (long long)ok[i]->balance,
		    (long long)ok[i]->total, (long long)bal);
		bal = ok[i]->balance;
	}
	for (k = 1; k <= 4; k++)
		itest_distributions_no_gaps(tries, N, itest_f("T%02d", k));
	ck_assert_int_eq(itest_distributions_count(""), nok);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The same basket from 8 clients at once (a till retrying on several
 * connections): posted once, every answer the same. */
START_TEST(test_same_client_id_at_once)
{
	enum { K = 8 };
	static struct itest_distributions_try tries[K];
	struct itest_distributions_worker w[K];
	pthread_t th[K];
	pthread_barrier_t go;
	atomic_int acked = 0, stop = 0;
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, item, lot, qty = 2;
	int k, created = 0;

	h = itest_household("SAME-1", "tekun", 2, -5, 300);
	itest_grant(h, 100);
	item = itest_item("大米", "CS-SAME-RICE", 10, 0, 0);
	lot = itest_lot(item, 10, NULL);
	itest_distributions_basket(&tries[0], "T01", "SAME-1", 1, &item, &qty);
	for (k = 1; k < K; k++)
		tries[k] = tries[0];
	pthread_barrier_init(&go, NULL, K);
	for (k = 0; k < K; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].go = &go;
		w[k].srv = itest_s;
		w[k].token = cashier;
		w[k].tries = &tries[k];
		w[k].n = 1;
		w[k].acked = &acked;
		w[k].stop = &stop;
		ck_assert_int_eq(pthread_create(&th[k], NULL,
		                     itest_distributions_work, &w[k]),
		    0);
	}
	for (k = 0; k < K; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&go);
	for (k = 0; k < K; k++) {
		ck_assert_msg(tries[k].status == 201 || tries[k].status == 200,
		    "client %d: status %d (%s)", k, tries[k].status,
		    tries[k].code);
		created += tries[k].status == 201;
		ck_assert_int_eq(tries[k].id, tries[0].id);
		ck_assert_int_eq(tries[k].seq, 1);
		ck_assert_int_eq(tries[k].balance, 80);
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(itest_hh_points(h), 80);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 8);
	ck_assert_int_eq(itest_distributions_count(""), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Eight managers void the same distribution at once: once. */
START_TEST(test_void_race)
{
	enum { K = 8 };
	static struct itest_distributions_try tries[K];
	struct itest_distributions_worker w[K];
	pthread_t th[K];
	pthread_barrier_t go;
	atomic_int acked = 0, stop = 0;
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	int64_t h, item, lot, d;
	int k, created = 0, conflicts = 0;

	h = itest_household("VR-1", "tekun", 2, -5, 300);
	itest_grant(h, 100);
	item = itest_item("大米", "CS-VOID-RICE", 10, 0, 0);
	lot = itest_lot(item, 10, NULL);
	d = itest_int(itest_basket(itest_admin, NULL, "T01", "VR-1",
	                  itest_line(item, 3), NULL),
	    "id");
	pthread_barrier_init(&go, NULL, K);
	for (k = 0; k < K; k++) {
		memset(&tries[k], 0, sizeof tries[k]);
		snprintf(tries[k].body, sizeof tries[k].body,
		    "{\"client_id\":\"%s\",\"reason\":\"race %d\"}",
		    itest_uuid(), k);
		memset(&w[k], 0, sizeof w[k]);
		w[k].go = &go;
		w[k].srv = itest_s;
		w[k].token = mgr;
		w[k].tries = &tries[k];
		w[k].n = 1;
		w[k].acked = &acked;
		w[k].stop = &stop;
		w[k].path =
		    itest_f("/api/v1/distributions/%lld/void", (long long)d);
		ck_assert_int_eq(pthread_create(&th[k], NULL,
		                     itest_distributions_work, &w[k]),
		    0);
	}
	for (k = 0; k < K; k++)
		pthread_join(th[k], NULL);
	pthread_barrier_destroy(&go);
	for (k = 0; k < K; k++) {
		if (tries[k].status == 201)
			created++;
		else if (tries[k].status == 409 &&
		    strcmp(tries[k].code, "conflict") == 0)
			conflicts++;
		else
			ck_abort_msg("void %d: status %d (%s)", k,
			    tries[k].status, tries[k].code);
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(conflicts, K - 1);
	ck_assert_int_eq(itest_hh_points(h), 100);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 10);
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
	j = itest_ok("GET",
	    itest_f("/api/v1/households/%lld/ledger", (long long)h),
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * Checkpoints run off the loop, every --checkpoint-pages pages of log (8
 * here, so a few baskets cross many steps); the writer makes the log
 * start over past 16 steps and never lets it pass 64. Nothing is lost,
 * and the server says what it did when it stops.
 */
START_TEST(test_checkpoints)
{
	struct itest_srv *old = itest_s, *s2;
	unsigned long bg = 0, inl = 0;
	int64_t h, item, lot;
	const char *log;
	struct stat sb;
	int i, most = 0, rc;

	h = itest_household("WAL-1", "tekun", 2, -5, 300);
	itest_grant(h, 1000);
	item = itest_item("挂面", "CS-WAL-1", 1, 0, 0);
	lot = itest_lot(item, 1000, NULL);
	old->own_dir = 0; /* its database goes on */
	itest_stop(old);

	/* A bad step is refused before anything is opened. */
	rc = system(itest_f("%s serve --db %s --checkpoint-pages 0 "
	                    "2>%s/bad.log",
	    itest_bin(), old->db, old->dir));
	ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	ck_assert(itest_file_has(itest_f("%s/bad.log", old->dir),
	    "--checkpoint-pages 0: not a number from 1 to 100000"));

	s2 = itest_start_with(old->db, "--checkpoint-pages", "8");
	itest_s = s2;
	itest_admin = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	for (i = 0; i < 200; i++) {
		itest_basket(itest_admin, NULL, "T01", "WAL-1",
		    itest_line(item, 1), NULL);
		ck_assert_int_eq(stat(itest_f("%s-wal", s2->db), &sb), 0);
		/* 64 steps, and the last commit's pages (well under 100). */
		ck_assert_msg(sb.st_size <= 32 + (64 * 8 + 100) * (4096 + 24),
		    "the log grew to %lld bytes", (long long)sb.st_size);
	}
	ck_assert_int_eq(itest_hh_points(h), 800);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 800);
	s2->own_dir = 0; /* its log is read after it stops */
	itest_stop(s2);
	log = strstr(itest_slurp(itest_f("%s/server.log", s2->dir)),
	    "checkpoints in the background");
	ck_assert_ptr_nonnull(log);
	for (log--; log[-1] >= '0' && log[-1] <= '9'; log--)
		; /* back to the number before it */
	ck_assert_int_eq(sscanf(log,
	                     "%lu checkpoints in the background, %lu in a "
	                     "commit; the log reached %d pages",
	                     &bg, &inl, &most),
	    3);
	ck_assert_msg(
	    bg >= 1 && inl >= 1 && most >= 16 * 8 && most <= 64 * 8 + 100,
	    "%lu in the background, %lu in a commit, %d pages", bg, inl, most);
	itest_remove_dir(s2->dir);
	itest_verify(old->db, 1, NULL);
	itest_s = old;
	itest_remove_dir(old->dir);
}
END_TEST

#define ITEST_BURST_CLIENTS 8
#define ITEST_BURST_EACH    50

START_TEST(test_crash_durability)
{
	enum { N = ITEST_BURST_CLIENTS * ITEST_BURST_EACH };
	static struct itest_distributions_try tries[N];
	struct itest_distributions_worker w[ITEST_BURST_CLIENTS];
	pthread_t th[ITEST_BURST_CLIENTS];
	atomic_int acked = 0, stop = 0;
	struct itest_srv *old = itest_s, *s2;
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, item, qty = 1, lot;
	int i, k, st, before_kill, answered = 0, posted = 0;
	double t0;
	cJSON *j, *items;

	h = itest_household("CR-1", "tekun", 2, -5, 300);
	itest_grant(h, 100000);
	item = itest_item("面条", "CS-BURST", 1, 0, 0);
	lot = itest_lot(item, 100000, NULL);
	for (i = 0; i < N; i++)
		itest_distributions_basket(&tries[i],
		    itest_f("K%d", i / ITEST_BURST_EACH), "CR-1", 1, &item,
		    &qty);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].srv = itest_s;
		w[k].token = cashier;
		w[k].tries = &tries[k * ITEST_BURST_EACH];
		w[k].n = ITEST_BURST_EACH;
		w[k].acked = &acked;
		w[k].stop = &stop;
		ck_assert_int_eq(pthread_create(&th[k], NULL,
		                     itest_distributions_work, &w[k]),
		    0);
	}
	/* In the middle of the burst. */
	t0 = itest_now();
	while (atomic_load(&acked) < N / 4 && itest_now() - t0 < 30)
		usleep(500);
	before_kill = atomic_load(&acked);
	itest_kill(itest_s);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++)
		pthread_join(th[k], NULL);
	ck_assert_msg(
	    before_kill >= N / 4, "only %d answers in 30 s", before_kill);
	for (i = 0; i < N; i++)
		if (tries[i].status == 201)
			answered++;
	ck_assert_int_ge(answered, before_kill);
	ck_assert_msg(answered < N, "the burst ended before the kill");

	/* Restart on the same database. */
	s2 = itest_start(old->db);
	itest_s = s2;
	itest_admin = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_ok(
	    "GET", "/api/v1/distributions?limit=500", itest_admin, NULL, 200);
	items = itest_items(j);
	for (i = 0; i < N; i++) {
		struct itest_distributions_try *x = &tries[i];
		struct itest_distributions_try again = *x;
		struct itest_reply *r;
		cJSON *d;

		if (x->status == 201) {
			/* Acknowledged: it is there, as answered. */
			d = itest_find(items, "id", x->id);
			ck_assert_msg(d != NULL,
			    "acknowledged distribution %lld (%s) lost",
			    (long long)x->id, x->body);
			ck_assert_int_eq(
			    itest_int(d, "points_balance"), x->balance);
			r = itest_raw(s2, "POST", "/api/v1/distributions",
			    itest_admin, "application/json", x->body,
			    strlen(x->body));
			ck_assert_msg(r->status == 200,
			    "replay of acknowledged %s: %d %s", x->body,
			    r->status, r->body);
			again.status = 200;
			again.id = 0;
			itest_distributions_take(&again, r->body);
			ck_assert_int_eq(again.id, x->id);
			ck_assert_int_eq(again.seq, x->seq);
			posted++;
			continue;
		}
		if (x->status == 0)
			continue; /* never sent: its client had stopped */
		ck_assert_msg(x->status == -1, "basket %d: status %d %s", i,
		    x->status, x->body);
		/* Unanswered: committed or not, a retry settles it. */
		r = itest_raw(s2, "POST", "/api/v1/distributions", itest_admin,
		    "application/json", x->body, strlen(x->body));
		ck_assert_msg(r->status == 200 || r->status == 201,
		    "retry of unanswered %s: %d %s", x->body, r->status,
		    r->body);
		again.status = r->status;
		itest_distributions_take(&again, r->body);
		*x = again;
		posted++;
	}
	ck_assert_int_eq(itest_distributions_count(""), posted);
	ck_assert_int_eq(itest_hh_points(h), 100000 - posted);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 100000 - posted);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++)
		itest_distributions_no_gaps(tries, N, itest_f("K%d", k));
	j = itest_req(s2, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	itest_verify(s2->db, 1, NULL);

	/* Stop the second server, then drop the first one's files. */
	itest_stop(s2);
	itest_verify(old->db, 1, NULL);
	itest_s = old;
	itest_remove_dir(old->dir);
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
	tcase_add_test(tc, test_concurrent_tills);
	tcase_add_test(tc, test_same_client_id_at_once);
	tcase_add_test(tc, test_zero_points);
	tcase_add_test(tc, test_void_race);
	tcase_add_test(tc, test_crash_durability);
	tcase_add_test(tc, test_checkpoints);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_distributions_suite());
}
