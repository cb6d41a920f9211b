/*
 * Stock management against the real server: stocktakes (a count of lots
 * whose differences become count corrections) and adjustments with a
 * note. Each: who may call it, what it refuses (and that a refusal
 * changes nothing), its replay; `verify` passes after.
 */
#include <stdio.h>
#include <string.h>

#include "itest.h"

static const char *
itest_mg_count_body(const char *cid, const char *note, const char *lines)
{
	return itest_f("{'client_id':'%s'%s%s%s,'lines':[%s]}", cid,
	    note ? ",'note':'" : "", note ? note : "", note ? "'" : "", lines);
}

static const char *
itest_mg_count_line(int64_t lot, int64_t counted)
{
	return itest_f("{'lot_id':%lld,'counted':%lld}", (long long)lot,
	    (long long)counted);
}

START_TEST(test_stock_count)
{
	struct itest_roles r = itest_roles();
	int64_t rice, oil, l1, l2, l3, id;
	const char *cid = itest_uuid(), *body, *lines, *before;
	cJSON *j, *a, *m;
	int st, n = 0;

	rice = itest_item_new(itest_admin, "大米", "grain", "", 3000, 30, NULL);
	oil = itest_item_new(itest_admin, "油", "oil", "", 5000, 50, NULL);
	l1 = itest_lot(rice, 10, NULL);
	l2 = itest_lot(rice, 5, NULL);
	l3 = itest_lot(oil, 7, NULL);
	lines = itest_f("%s,%s,%s", itest_mg_count_line(l1, 8),
	    itest_mg_count_line(l2, 5), itest_mg_count_line(l3, 9));
	body = itest_mg_count_body(cid, "月末盘点", lines);

	/* Refused first: each leaves stock and movements as they were,
	 * and its client_id free. */
	before = itest_state("/api/v1/audit?limit=500");
	itest_refused("POST", "/api/v1/stock/counts", r.cashier, body, 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/stock/counts", r.auditor, body, 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL,
	        itest_f("%s,%s", itest_mg_count_line(l1, 8),
	            itest_mg_count_line(l1, 9))),
	    400, "bad_field", "lines[1].lot_id");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL,
	        itest_f("%s,%s", itest_mg_count_line(l1, 8),
	            itest_mg_count_line(999999, 1))),
	    404, "not_found", "lines[1].lot_id");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, itest_mg_count_line(l1, -1)), 400,
	    "bad_field", "lines[0].counted");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, itest_mg_count_line(l1, 1000001)),
	    400, "bad_field", "lines[0].counted");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, "{'lot_id':0,'counted':1}"), 400,
	    "bad_field", "lines[0].lot_id");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, "{'lot_id':1}"), 400,
	    "missing_field", "lines[0].counted");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, "7"), 400, "bad_field", "lines[0]");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, NULL, ""), 400, "bad_field", "lines");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_f("{'client_id':'%s'}", cid), 400, "missing_field", "lines");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_f("{'lines':[%s]}", lines), 400, "missing_field",
	    "client_id");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body("bad id!", NULL, lines), 400, "bad_field",
	    "client_id");
	itest_refused("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(cid, itest_f("%0201d", 0), lines), 400,
	    "bad_field", "note");
	ck_assert_str_eq(itest_state("/api/v1/audit?limit=500"), before);

	/* As the manager: one count_correction a lot that differs. */
	j = itest_ok("POST", "/api/v1/stock/counts", r.mgr, body, 201);
	id = itest_int(j, "id");
	ck_assert_int_gt(id, 0);
	ck_assert_str_eq(itest_str(j, "client_id"), cid);
	ck_assert_str_eq(itest_str(j, "note"), "月末盘点");
	ck_assert_int_eq(itest_int(j, "lots"), 3);
	ck_assert_int_eq(itest_int(j, "delta"), 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "adjustments")), 2);
	a = cJSON_GetArrayItem(itest_arr(j, "adjustments"), 0);
	ck_assert_int_eq(itest_int(a, "lot_id"), l1);
	ck_assert_int_eq(itest_int(a, "before"), 10);
	ck_assert_int_eq(itest_int(a, "counted"), 8);
	ck_assert_int_eq(itest_int(a, "delta"), -2);
	a = cJSON_GetArrayItem(itest_arr(j, "adjustments"), 1);
	ck_assert_int_eq(itest_int(a, "lot_id"), l3);
	ck_assert_int_eq(itest_int(a, "before"), 7);
	ck_assert_int_eq(itest_int(a, "counted"), 9);
	ck_assert_int_eq(itest_int(a, "delta"), 2);
	ck_assert_int_eq(itest_lot_on_hand(rice, l1), 8);
	ck_assert_int_eq(itest_lot_on_hand(rice, l2), 5);
	ck_assert_int_eq(itest_lot_on_hand(oil, l3), 9);
	ck_assert_int_eq(itest_audits("adjust", "stocktake", id), 1);
	/* The movements name the stocktake and carry its note. */
	cJSON_ArrayForEach(m,
	    itest_items(itest_ok("GET", "/api/v1/stock/movements?limit=500",
	        itest_admin, NULL, 200)))
	{
		if (strcmp(itest_str(m, "kind"), "adjust") != 0)
			continue;
		ck_assert_str_eq(itest_str(m, "reason"), "count_correction");
		ck_assert_int_eq(itest_int(m, "stocktake_id"), id);
		ck_assert_str_eq(itest_str(m, "note"), "月末盘点");
		n++;
	}
	ck_assert_int_eq(n, 2);

	/* The same body again: 200, the first answer, nothing more; the
	 * client_id with another body: 409. */
	before = itest_state("/api/v1/audit?limit=500");
	m = itest_req(
	    itest_s, "POST", "/api/v1/stock/counts", r.mgr, body, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(m));
	ck_assert_str_eq(itest_text(m), itest_text(j));
	itest_refused("POST", "/api/v1/stock/counts", r.mgr,
	    itest_mg_count_body(cid, "月末盘点", itest_mg_count_line(l1, 8)),
	    409, "client_id_reused", "client_id");
	ck_assert_str_eq(itest_state("/api/v1/audit?limit=500"), before);

	/* A count that matches everywhere is recorded, with no adjustment. */
	j = itest_ok("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(itest_uuid(), NULL, lines), 201);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "adjustments")), 0);
	ck_assert_str_eq(itest_str(j, "note"), "");
	ck_assert_int_eq(itest_lot_on_hand(rice, l1), 8);
	ck_assert_int_eq(itest_lot_on_hand(oil, l3), 9);
	/* Down to zero, and more than there was. */
	j = itest_ok("POST", "/api/v1/stock/counts", itest_admin,
	    itest_mg_count_body(itest_uuid(), "2 号库",
	        itest_f("%s,%s", itest_mg_count_line(l2, 0),
	            itest_mg_count_line(l1, 1000000))),
	    201);
	ck_assert_int_eq(itest_int(j, "delta"), -5 + (1000000 - 8));
	ck_assert_int_eq(itest_lot_on_hand(rice, l2), 0);
	ck_assert_int_eq(itest_int(itest_stock(rice), "on_hand"), 1000000);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_adjustment_note)
{
	struct itest_roles r = itest_roles();
	int64_t item, lot;
	const char *cid = itest_uuid(), *body, *note200 = "", *before;
	cJSON *j, *m, *found = NULL;
	int st, i;

	item = itest_item_new(itest_admin, "牛奶", "dairy", "", 500, 5, NULL);
	lot = itest_lot(item, 30, NULL);
	for (i = 0; i < 200; i++)
		note200 = itest_f("%s%s", note200, "破");
	body = itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	               "'reason':'damaged','note':'%s'}",
	    cid, (long long)lot, note200);

	/* 201 characters are too many, in bytes or in characters; so is a
	 * control character. Nothing changes. */
	before = itest_state("/api/v1/audit?limit=500");
	itest_refused("POST", "/api/v1/stock/adjustments", r.mgr,
	    itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	            "'reason':'damaged','note':'%s破'}",
	        cid, (long long)lot, note200),
	    400, "bad_field", "note");
	itest_refused("POST", "/api/v1/stock/adjustments", r.mgr,
	    itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	            "'reason':'damaged','note':'%0201d'}",
	        cid, (long long)lot, 0),
	    400, "bad_field", "note");
	itest_refused("POST", "/api/v1/stock/adjustments", r.mgr,
	    itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	            "'reason':'damaged','note':'a\\nb'}",
	        cid, (long long)lot),
	    400, "bad_field", "note");
	itest_refused("POST", "/api/v1/stock/adjustments", r.mgr,
	    itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	            "'reason':'damaged','note':5}",
	        cid, (long long)lot),
	    400, "bad_field", "note");
	itest_refused("POST", "/api/v1/stock/adjustments", r.cashier, body, 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/stock/adjustments", r.auditor, body, 403,
	    "forbidden", NULL);
	ck_assert_str_eq(itest_state("/api/v1/audit?limit=500"), before);

	/* 200 characters (600 bytes) are fine; shown where it is shown. */
	j = itest_ok("POST", "/api/v1/stock/adjustments", r.mgr, body, 201);
	ck_assert_str_eq(itest_str(j, "note"), note200);
	cJSON_ArrayForEach(m,
	    itest_items(itest_ok("GET",
	        itest_f(
	            "/api/v1/stock/movements?item_id=%lld", (long long)item),
	        r.auditor, NULL, 200)))
	{
		if (strcmp(itest_str(m, "kind"), "adjust") == 0)
			found = m;
		else
			ck_assert_ptr_null(cJSON_GetObjectItem(m, "note"));
	}
	ck_assert_ptr_nonnull(found);
	ck_assert_str_eq(itest_str(found, "note"), note200);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(found, "stocktake_id")));
	ck_assert_int_eq(itest_int(found, "ref_id"), itest_int(j, "id"));

	/* Replay: the first answer; the note is part of the body. */
	before = itest_state("/api/v1/audit?limit=500");
	m = itest_req(
	    itest_s, "POST", "/api/v1/stock/adjustments", r.mgr, body, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(m));
	ck_assert_str_eq(itest_text(m), itest_text(j));
	itest_refused("POST", "/api/v1/stock/adjustments", r.mgr,
	    itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-2,"
	            "'reason':'damaged','note':'another'}",
	        cid, (long long)lot),
	    409, "client_id_reused", NULL);
	ck_assert_str_eq(itest_state("/api/v1/audit?limit=500"), before);

	/* Without a note: "". */
	j = itest_adjust(lot, -1, "lost", NULL);
	ck_assert_str_eq(itest_str(j, "note"), "");
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 27);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_manage_stock_suite(void)
{
	Suite *s = suite_create("itest_manage_stock");
	TCase *tc = itest_tcase("manage_stock");

	tcase_add_test(tc, test_stock_count);
	tcase_add_test(tc, test_adjustment_note);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_manage_stock_suite());
}
