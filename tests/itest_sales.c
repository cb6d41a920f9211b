/*
 * Charity sales (慈善义卖) against the real server: an item's sale price;
 * goods sold only from lots whose donation line allowed it, first-
 * expiring first, never from bought goods; cash and QR payments (a QR
 * payment needs its reference); the receipt number per till; replay by
 * client_id; refusals that change nothing; the income in the operating
 * line and in no fund; the whole-sale refund by a manager, once, that
 * puts the goods back where they came from; the list by period; and
 * `verify` naming a sale taken from a lot that did not allow it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct itest_roles itest_sales_r;
static int64_t itest_sales_donor;

static void
itest_sales_setup(void)
{
	itest_setup();
	itest_sales_r = itest_roles();
	itest_sales_donor = itest_donor(itest_admin, "爱心企业", "enterprise");
}

/* A donated lot of QTY of ITEM, sale allowed or not. Its id. */
static int64_t
itest_sales_lot(int64_t item, int64_t qty, int allowed, const char *expires)
{
	cJSON *d = itest_donation(itest_sales_r.mgr, itest_sales_donor,
	    itest_f("{'item_id':%lld,'quantity':%lld,'sale_allowed':%s%s%s%s}",
	        (long long)item, (long long)qty, allowed ? "true" : "false",
	        expires ? ",'expires_on':'" : "", expires ? expires : "",
	        expires ? "'" : ""));
	const cJSON *l = cJSON_GetArrayItem(itest_arr(d, "lines"), 0);

	ck_assert_int_eq(
	    cJSON_IsTrue(cJSON_GetObjectItem(l, "sale_allowed")), allowed);
	return itest_int(l, "lot_id");
}

static void
itest_sales_price(int64_t item, int64_t fen)
{
	cJSON *j = itest_ok("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)item),
	    itest_sales_r.mgr,
	    itest_f("{'sale_price_fen':%lld}", (long long)fen), 200);

	ck_assert_int_eq(itest_int(j, "sale_price_fen"), fen);
}

static const char *
itest_sales_body(
    const char *cid, const char *till, const char *lines, const char *payment)
{
	return itest_f("{'client_id':'%s','till_id':'%s','lines':[%s],"
	               "'payment':%s}",
	    cid, till, lines, payment);
}

static int64_t
itest_sales_operating(const char *code)
{
	cJSON *j = itest_ok(
	    "GET", "/api/v1/operating/accounts", itest_sales_r.mgr, NULL, 200);
	const cJSON *a = itest_find_str(itest_arr(j, "accounts"), "code", code);

	ck_assert_ptr_nonnull(a);
	return itest_int(a, "total_fen");
}

/* A sale of two items, FEFO from the allowed lots only; replay; the
 * receipt numbers; the income in 'sales'; the funds untouched. */
START_TEST(test_sale_flow)
{
	int64_t soap = itest_item("香皂", "6901234567892", 3, 0, 0);
	int64_t book = itest_item("图书", "96385074", 5, 0, 0);
	int64_t fund =
	    itest_fund(itest_sales_r.mgr, "爱心款", "donations", 0, NULL);
	int64_t late, early, closed, books;
	const char *cid = itest_uuid(), *body;
	cJSON *j, *again, *l, *pay;

	late = itest_sales_lot(soap, 5, 1, itest_date(60));
	early = itest_sales_lot(soap, 2, 1, itest_date(10));
	closed = itest_sales_lot(soap, 50, 0, itest_date(5));
	books = itest_sales_lot(book, 3, 1, NULL);
	itest_sales_price(soap, 450);
	itest_sales_price(book, 1000);
	j = itest_ok("GET",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)soap),
	    itest_sales_r.cashier, NULL, 200);
	ck_assert_int_eq(itest_int(j, "sellable"), 7);

	body = itest_sales_body(cid, "T1",
	    itest_f("{'item_id':%lld,'quantity':3},{'barcode':'96385074',"
	            "'quantity':1}",
	        (long long)soap),
	    "{'method':'cash'}");
	j = itest_ok("POST", "/api/v1/sales", itest_sales_r.cashier, body, 201);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T1-S000001");
	ck_assert_int_eq(itest_int(j, "total_fen"), 3 * 450 + 1000);
	pay = (cJSON *)itest_obj(j, "payment");
	ck_assert_str_eq(itest_str(pay, "method"), "cash");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(pay, "reference")));
	l = cJSON_GetArrayItem(itest_arr(j, "lines"), 0);
	ck_assert_int_eq(itest_int(l, "unit_price_fen"), 450);
	ck_assert_int_eq(itest_int(l, "amount_fen"), 1350);
	/* First-expiring first, and never the lot that was not allowed. */
	ck_assert_int_eq(
	    cJSON_GetArrayItem(itest_arr(l, "lot_ids"), 0)->valueint, early);
	ck_assert_int_eq(
	    cJSON_GetArrayItem(itest_arr(l, "lot_ids"), 1)->valueint, late);
	ck_assert_int_eq(itest_lot_on_hand(soap, early), 0);
	ck_assert_int_eq(itest_lot_on_hand(soap, late), 4);
	ck_assert_int_eq(itest_lot_on_hand(soap, closed), 50);
	ck_assert_int_eq(itest_lot_on_hand(book, books), 2);
	ck_assert_int_eq(itest_sales_operating("sales"), 2350);

	/* Replay: 200, the same sale, nothing moves twice. */
	again =
	    itest_ok("POST", "/api/v1/sales", itest_sales_r.cashier, body, 200);
	ck_assert_int_eq(itest_int(again, "id"), itest_int(j, "id"));
	ck_assert_str_eq(itest_str(again, "receipt_no"), "T1-S000001");
	ck_assert_int_eq(itest_lot_on_hand(soap, late), 4);
	ck_assert_int_eq(itest_sales_operating("sales"), 2350);
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(cid, "T1",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)soap),
	        "{'method':'cash'}"),
	    409, "client_id_reused", "client_id");

	/* QR with its reference; the till's next number. */
	j = itest_ok("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)book),
	        "{'method':'qr','reference':'WX4200001234'}"),
	    201);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T1-S000002");
	ck_assert_str_eq(
	    itest_str(itest_obj(j, "payment"), "reference"), "WX4200001234");
	ck_assert_int_eq(itest_sales_operating("sales"), 3350);
	/* The funds hold none of it. */
	ck_assert_int_eq(
	    itest_int(itest_find(itest_items(itest_ok("GET", "/api/v1/funds",
	                             itest_admin, NULL, 200)),
	                  "id", fund),
	        "balance_fen"),
	    0);
	/* Reads back whole; the list of this month holds both. */
	again = itest_ok("GET",
	    itest_f("/api/v1/sales/%lld", (long long)itest_int(j, "id")),
	    itest_sales_r.auditor, NULL, 200);
	ck_assert_str_eq(itest_text(itest_arr(again, "lines")),
	    itest_text(itest_arr(j, "lines")));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_items(itest_ok("GET",
	        itest_f("/api/v1/sales?period=%s", itest_period(0)),
	        itest_sales_r.mgr, NULL, 200))),
	    2);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_items(itest_ok("GET",
	        itest_f("/api/v1/sales?period=%s", itest_period(-1)),
	        itest_sales_r.mgr, NULL, 200))),
	    0);
	itest_refused("GET", "/api/v1/sales?period=2026-13", itest_sales_r.mgr,
	    NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/sales/999", itest_sales_r.mgr, NULL, 404,
	    "not_found", NULL);
	ck_assert_int_eq(itest_audits("sell", "sale", itest_int(j, "id")), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Bad input and rules: each refused with its status and code, and
 * nothing changes. */
START_TEST(test_sale_refusals)
{
	int64_t soap = itest_item("香皂", "6901234567892", 3, 0, 0);
	int64_t tea = itest_item("茶叶", "96385074", 3, 0, 0);
	int64_t rice = itest_item("大米", "4006381333931", 3, 0, 0);
	int64_t fund =
	    itest_fund(itest_sales_r.mgr, "采购款", "donations", 0, NULL);
	const char *before, *one;
	int st;

	itest_sales_lot(soap, 3, 1, NULL);
	itest_sales_lot(tea, 9, 0, NULL); /* not allowed */
	itest_sales_price(soap, 300);
	itest_sales_price(tea, 300);
	/* Goods bought with a fund are never sold. */
	itest_cash(itest_sales_r.mgr, itest_sales_donor, fund, 100000);
	itest_expense(itest_sales_r.mgr, fund,
	    itest_expense_body(itest_uuid(), 1000, "采购",
	        itest_f("{'item_id':%lld,'quantity':10}", (long long)rice)),
	    &st);
	ck_assert_int_eq(st, 201);
	itest_sales_price(rice, 200);
	one = itest_f("{'item_id':%lld,'quantity':1}", (long long)soap);

	before = itest_state("/api/v1/operating/accounts");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)rice),
	        "{'method':'cash'}"),
	    422, "insufficient_stock", "quantity");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)tea),
	        "{'method':'cash'}"),
	    422, "insufficient_stock", "quantity");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':4}", (long long)soap),
	        "{'method':'cash'}"),
	    422, "insufficient_stock", "quantity");
	/* A QR payment without its reference; a bad reference; a method. */
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", one, "{'method':'qr'}"), 400,
	    "missing_field", "reference");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(
	        itest_uuid(), "T1", one, "{'method':'qr','reference':'a b'}"),
	    400, "bad_field", "reference");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", one,
	        itest_f("{'method':'qr','reference':'%0100d'}", 7)),
	    400, "bad_field", "reference");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", one, "{'method':'card'}"), 400,
	    "bad_field", "method");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_f("{'client_id':'%s','till_id':'T1','lines':[%s]}",
	        itest_uuid(), one),
	    400, "missing_field", "payment");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T 1", one, "{'method':'cash'}"),
	    400, "bad_field", "till_id");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", "", "{'method':'cash'}"), 400,
	    "bad_field", "lines");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':0}", (long long)soap),
	        "{'method':'cash'}"),
	    400, "bad_field", "quantity");
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", "{'item_id':999,'quantity':1}",
	        "{'method':'cash'}"),
	    404, "not_found", "item_id");
	/* No price: not for sale. */
	ck_assert_int_eq(
	    itest_int(
	        itest_ok("PUT",
	            itest_f("/api/v1/items/%lld/sale-price", (long long)soap),
	            itest_sales_r.mgr, "{'sale_price_fen':null}", 200),
	        "sellable"),
	    3);
	itest_refused("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1", one, "{'method':'cash'}"), 422,
	    "not_for_sale", "item_id");
	itest_refused("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)soap),
	    itest_sales_r.mgr, "{'sale_price_fen':0}", 400, "bad_field",
	    "sale_price_fen");
	itest_refused("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)soap),
	    itest_sales_r.cashier, "{'sale_price_fen':100}", 403, "forbidden",
	    NULL);
	itest_refused("PUT", "/api/v1/items/999/sale-price", itest_sales_r.mgr,
	    "{'sale_price_fen':100}", 404, "not_found", NULL);
	/* Roles: an auditor does not sell; nobody without a token. */
	itest_refused("POST", "/api/v1/sales", itest_sales_r.auditor,
	    itest_sales_body(itest_uuid(), "T1", one, "{'method':'cash'}"), 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/sales", NULL,
	    itest_sales_body(itest_uuid(), "T1", one, "{'method':'cash'}"), 401,
	    "unauthenticated", NULL);
	ck_assert_str_eq(itest_state("/api/v1/operating/accounts"), before);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(itest_ok(
	                     "GET", "/api/v1/sales", itest_admin, NULL, 200))),
	    0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A refund by a manager puts the goods back into their lots and takes
 * the income back; once; a cashier may not; replay answers the same. */
START_TEST(test_sale_refund)
{
	int64_t soap = itest_item("香皂", "6901234567892", 3, 0, 0);
	int64_t a = itest_sales_lot(soap, 2, 1, itest_date(5));
	int64_t b = itest_sales_lot(soap, 5, 1, itest_date(50));
	const char *cid = itest_uuid(), *body, *before;
	int64_t sale;
	cJSON *j, *again;

	itest_sales_price(soap, 500);
	sale = itest_int(
	    itest_ok("POST", "/api/v1/sales", itest_sales_r.cashier,
	        itest_sales_body(itest_uuid(), "T2",
	            itest_f("{'item_id':%lld,'quantity':4}", (long long)soap),
	            "{'method':'cash'}"),
	        201),
	    "id");
	ck_assert_int_eq(itest_sales_operating("sales"), 2000);
	body = itest_f("{'client_id':'%s','reason':'顾客退货'}", cid);
	before = itest_state("/api/v1/operating/accounts");
	itest_refused("POST",
	    itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    itest_sales_r.cashier, body, 403, "forbidden", NULL);
	itest_refused("POST", "/api/v1/sales/999/refund", itest_sales_r.mgr,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), 404,
	    "not_found", NULL);
	itest_refused("POST",
	    itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    itest_sales_r.mgr, itest_f("{'client_id':'%s'}", itest_uuid()), 400,
	    "missing_field", "reason");
	ck_assert_str_eq(itest_state("/api/v1/operating/accounts"), before);

	j = itest_ok("POST",
	    itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    itest_sales_r.mgr, body, 201);
	ck_assert_int_eq(itest_int(j, "sale_id"), sale);
	ck_assert_int_eq(itest_int(j, "amount_fen"), 2000);
	ck_assert_int_eq(itest_lot_on_hand(soap, a), 2);
	ck_assert_int_eq(itest_lot_on_hand(soap, b), 5);
	ck_assert_int_eq(itest_sales_operating("sales"), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(
	    itest_ok("GET", itest_f("/api/v1/sales/%lld", (long long)sale),
	        itest_sales_r.mgr, NULL, 200),
	    "refunded")));
	/* Replay: 200, the same refund. Twice: refused. */
	again = itest_ok("POST",
	    itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    itest_sales_r.mgr, body, 200);
	ck_assert_int_eq(itest_int(again, "id"), itest_int(j, "id"));
	before = itest_state("/api/v1/operating/accounts");
	itest_refused("POST",
	    itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    itest_sales_r.mgr,
	    itest_f("{'client_id':'%s','reason':'再退'}", itest_uuid()), 409,
	    "conflict", NULL);
	ck_assert_str_eq(itest_state("/api/v1/operating/accounts"), before);
	ck_assert_int_eq(itest_audits("refund", "sale", sale), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A sale's movement moved onto a lot that did not allow a sale, behind
 * the server's back: verify names it. */
START_TEST(test_verify_sale_lot)
{
	int64_t soap = itest_item("香皂", "6901234567892", 3, 0, 0);
	int64_t closed;

	itest_sales_lot(soap, 3, 1, NULL);
	closed = itest_sales_lot(soap, 3, 0, NULL);
	itest_sales_price(soap, 100);
	itest_ok("POST", "/api/v1/sales", itest_sales_r.cashier,
	    itest_sales_body(itest_uuid(), "T1",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)soap),
	        "{'method':'cash'}"),
	    201);
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_verify(itest_s->db, 1, NULL);
	itest_sql(itest_s->db,
	    itest_f("UPDATE lots SET sale_allowed = 1 WHERE id = %lld; "
	            "UPDATE lots SET sale_allowed = 0 WHERE id <> %lld;",
	        (long long)closed, (long long)closed));
	itest_verify(
	    itest_s->db, 0, "whose donation line did not allow a sale");
	itest_remove_dir(itest_s->dir);
}
END_TEST

static Suite *
itest_sales_suite(void)
{
	Suite *s = suite_create("sales");
	TCase *tc =
	    itest_tcase_with("sales", itest_sales_setup, itest_teardown);

	tcase_add_test(tc, test_sale_flow);
	tcase_add_test(tc, test_sale_refusals);
	tcase_add_test(tc, test_sale_refund);
	tcase_add_test(tc, test_verify_sale_lot);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_sales_suite());
}
