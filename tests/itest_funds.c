/*
 * Funds and cash against the real server: funds of every kind, restricted
 * funds (定向捐赠) that need their purpose and are spent only on it, cash
 * donations into a fund (receipt code, balance, idempotent replay),
 * expenses that buy goods (lots whose source is the purchase), refusals
 * that change nothing, the donor's printable receipt, one fund and its
 * entries with the running balance across pages, and `verify`:
 * passing, then failing and naming the chain entry and the fund once a
 * fund entry is edited behind the server's back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const char *itest_funds_mgr; /* a manager's token */

static void
itest_funds_setup(void)
{
	itest_setup();
	itest_funds_mgr = itest_user(itest_s, "mgr", "manager");
}

/* The fund as GET /api/v1/funds lists it. */
static cJSON *
itest_funds_get(int64_t fund)
{
	cJSON *j = itest_ok("GET", "/api/v1/funds", itest_funds_mgr, NULL, 200);
	cJSON *f = itest_find(itest_items(j), "id", fund);

	ck_assert_msg(f != NULL, "fund %lld not listed: %s", (long long)fund,
	    itest_print(j));
	return f;
}

static int64_t
itest_funds_balance(int64_t fund)
{
	return itest_int(itest_funds_get(fund), "balance_fen");
}

/* Funds of each kind; a restricted fund needs its purpose; bad kinds,
 * duplicate names and roles are refused. */
START_TEST(test_fund_kinds)
{
	static const char *const kinds[] = {"donations", "government_purchase",
	    "lottery", "community_foundation"};
	int64_t ids[4], r;
	cJSON *j, *items;
	size_t i;

	for (i = 0; i < 4; i++)
		ids[i] = itest_fund(
		    itest_funds_mgr, itest_f("基金%zu", i), kinds[i], 0, NULL);
	r = itest_fund(
	    itest_funds_mgr, "助学定向", "community_foundation", 1, "助学");
	j = itest_funds_get(r);
	ck_assert_str_eq(itest_str(j, "purpose"), "助学");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "restricted")));

	items = itest_items(
	    itest_ok("GET", "/api/v1/funds", itest_funds_mgr, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 5);
	for (i = 0; i < 4; i++) {
		j = itest_find(items, "id", ids[i]);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(itest_str(j, "kind"), kinds[i]);
		ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "restricted")));
	}

	/* Restricted without a purpose (absent or empty). */
	itest_refused("POST", "/api/v1/funds", itest_funds_mgr,
	    "{'name':'定向无用途','kind':'donations','restricted':true}", 400,
	    "missing_field", "purpose");
	itest_refused("POST", "/api/v1/funds", itest_funds_mgr,
	    "{'name':'定向空用途','kind':'donations','restricted':true,"
	    "'purpose':''}",
	    400, "bad_field", "purpose");
	/* Unknown kind, missing restricted, duplicate name. */
	itest_refused("POST", "/api/v1/funds", itest_funds_mgr,
	    "{'name':'x','kind':'casino','restricted':false}", 400, "bad_field",
	    "kind");
	itest_refused("POST", "/api/v1/funds", itest_funds_mgr,
	    "{'name':'x','kind':'lottery'}", 400, "missing_field",
	    "restricted");
	itest_refused("POST", "/api/v1/funds", itest_funds_mgr,
	    "{'name':'基金0','kind':'lottery','restricted':false}", 409,
	    "conflict", NULL);
	/* A cashier may not create funds; nobody without a token. */
	itest_refused("POST", "/api/v1/funds",
	    itest_user(itest_s, "till", "cashier"),
	    "{'name':'y','kind':'lottery','restricted':false}", 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/funds", NULL,
	    "{'name':'y','kind':'lottery','restricted':false}", 401,
	    "unauthenticated", NULL);
	itest_refused(
	    "GET", "/api/v1/funds", NULL, NULL, 401, "unauthenticated", NULL);
	/* Nothing of the refused ones was made. */
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(itest_ok(
	                     "GET", "/api/v1/funds", itest_admin, NULL, 200))),
	    5);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A cash donation goes into its fund, with a receipt code; a replay
 * answers the same; another body with the same client_id is refused. */
START_TEST(test_cash_donation)
{
	int64_t fund =
	    itest_fund(itest_funds_mgr, "爱心捐款", "donations", 0, NULL);
	int64_t other =
	    itest_fund(itest_funds_mgr, "福彩公益金", "lottery", 0, NULL);
	int64_t donor = itest_donor(itest_funds_mgr, "某某公司", "enterprise");
	const char *cid = itest_uuid(), *body, *code, *before;
	cJSON *j, *again, *cash;

	body = itest_cash_body(cid, donor, fund, 12345);
	j = itest_ok("POST", "/api/v1/donations", itest_funds_mgr, body, 201);
	code = itest_str(j, "receipt_code");
	ck_assert_msg(strlen(code) >= 6, "receipt code '%s'", code);
	cash = cJSON_GetObjectItem(j, "cash");
	ck_assert_msg(cJSON_IsObject(cash), "no cash in %s", itest_print(j));
	ck_assert_int_eq(itest_int(cash, "amount_fen"), 12345);
	ck_assert_int_eq(itest_int(cash, "fund_id"), fund);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "lines")), 0);
	ck_assert_int_eq(itest_funds_balance(fund), 12345);
	ck_assert_int_eq(itest_funds_balance(other), 0);

	/* Replay: 200, the same donation, no second entry. */
	again =
	    itest_ok("POST", "/api/v1/donations", itest_funds_mgr, body, 200);
	ck_assert_int_eq(itest_int(again, "id"), itest_int(j, "id"));
	ck_assert_str_eq(itest_str(again, "receipt_code"), code);
	ck_assert_int_eq(itest_funds_balance(fund), 12345);
	/* The same client_id with another amount or fund: 409. */
	before = itest_state("/api/v1/funds");
	itest_refused("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_cash_body(cid, donor, fund, 12346), 409, "client_id_reused",
	    NULL);
	itest_refused("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_cash_body(cid, donor, other, 12345), 409, "client_id_reused",
	    NULL);
	/* Zero; goods and cash at once. */
	itest_refused("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_cash_body(itest_uuid(), donor, fund, 0), 400, "bad_field",
	    "amount_fen");
	itest_refused("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'cash':{'amount_fen':100,'fund_id':%lld},'lines':[]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)fund),
	    400, "bad_field", "lines");
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);

	/* The donation reads back with its cash. */
	j = itest_ok("GET",
	    itest_f(
	        "/api/v1/donations/%lld", (long long)itest_int(again, "id")),
	    itest_funds_mgr, NULL, 200);
	ck_assert_str_eq(itest_str(j, "receipt_code"), code);
	ck_assert_int_eq(
	    itest_int(cJSON_GetObjectItem(j, "cash"), "amount_fen"), 12345);
	/* Two more add up. */
	itest_cash(itest_funds_mgr, donor, fund, 55);
	itest_cash(itest_funds_mgr, donor, other, 700);
	ck_assert_int_eq(itest_funds_balance(fund), 12400);
	ck_assert_int_eq(itest_funds_balance(other), 700);
	itest_verify(itest_s->db, 1, NULL);
	/* No such fund: 404 naming the field, and nothing changes. */
	before = itest_state("/api/v1/funds");
	itest_refused("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_cash_body(itest_uuid(), donor, 999, 100), 404, "not_found",
	    "fund_id");
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);
}
END_TEST

/* An expense within the balance buys goods: lots whose source is the
 * purchase, in stock; the fund goes down by the amount. */
START_TEST(test_expense_buys_lots)
{
	int64_t fund = itest_fund(
	    itest_funds_mgr, "政府购买服务", "government_purchase", 0, NULL);
	int64_t donor =
	    itest_donor(itest_funds_mgr, "街道办事处", "government");
	int64_t rice = itest_item("大米", "6901234567892", 40, 0, 0);
	int64_t oil = itest_item("食用油", "96385074", 45, 0, 0);
	const char *cid = itest_uuid(), *body;
	int64_t lot1, lot2;
	cJSON *j, *l, *lines, *again;
	int st;

	itest_cash(itest_funds_mgr, donor, fund, 100000);
	body = itest_expense_body(cid, 30000, "采购米面油",
	    itest_f("{'item_id':%lld,'quantity':10,'expires_on':'%s'},"
	            "{'item_id':%lld,'quantity':4}",
	        (long long)rice, itest_date(90), (long long)oil));
	j = itest_expense(itest_funds_mgr, fund, body, &st);
	ck_assert_msg(st == 201, "expense: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_int(j, "amount_fen"), 30000);
	ck_assert_int_eq(itest_int(j, "fund_id"), fund);
	ck_assert_str_eq(itest_str(j, "purpose"), "采购米面油");
	lines = itest_arr(j, "lines");
	ck_assert_int_eq(cJSON_GetArraySize(lines), 2);
	l = itest_find(lines, "item_id", rice);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "quantity"), 10);
	lot1 = itest_int(l, "lot_id");
	l = itest_find(lines, "item_id", oil);
	ck_assert_ptr_nonnull(l);
	lot2 = itest_int(l, "lot_id");
	ck_assert_int_eq(itest_funds_balance(fund), 70000);

	/* The lots are in stock, their source the purchase. */
	l = itest_stock_lot(rice, lot1);
	ck_assert_msg(
	    l != NULL, "lot %lld not in /api/v1/stock", (long long)lot1);
	ck_assert_int_eq(itest_int(l, "on_hand"), 10);
	ck_assert_str_eq(itest_str(l, "source"), "purchase");
	ck_assert_str_eq(itest_str(l, "expires_on"), itest_date(90));
	l = itest_stock_lot(oil, lot2);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "on_hand"), 4);
	ck_assert_str_eq(itest_str(l, "source"), "purchase");

	/* Replay: 200, same expense, no second effect; reuse: 409. */
	again = itest_expense(itest_funds_mgr, fund, body, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(again));
	ck_assert_int_eq(itest_int(again, "id"), itest_int(j, "id"));
	ck_assert_int_eq(itest_funds_balance(fund), 70000);
	ck_assert_int_eq(itest_lot_on_hand(rice, lot1), 10);
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(cid, 30001, "采购米面油", NULL), &st);
	itest_assert_error(j, st, 409, "client_id_reused", NULL);
	ck_assert_int_eq(itest_funds_balance(fund), 70000);

	/* An expense without goods (rent, transport) is money only. */
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 70000, "运输费", NULL), &st);
	ck_assert_msg(st == 201, "expense: %d %s", st, itest_print(j));
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "lines")), 0);
	ck_assert_int_eq(itest_funds_balance(fund), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* More than the fund holds: 422 insufficient_funds with the shortfall,
 * and nothing changes (no money, no lots, no movements). */
START_TEST(test_expense_over_balance)
{
	int64_t fund =
	    itest_fund(itest_funds_mgr, "爱心捐款", "donations", 0, NULL);
	int64_t rich = itest_fund(itest_funds_mgr, "福彩", "lottery", 0, NULL);
	int64_t donor = itest_donor(itest_funds_mgr, "王先生", "individual");
	int64_t rice = itest_item("大米", "6901234567892", 40, 0, 0);
	const char *before, *cid = itest_uuid(), *lines;
	const cJSON *d;
	cJSON *j;
	int st;

	itest_cash(itest_funds_mgr, donor, fund, 5000);
	itest_cash(itest_funds_mgr, donor, rich, 900000);
	lines = itest_f("{'item_id':%lld,'quantity':3}", (long long)rice);
	before = itest_state("/api/v1/funds");
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(cid, 5001, "采购", lines), &st);
	itest_assert_error(j, st, 422, "insufficient_funds", NULL);
	d = itest_error_details(j);
	ck_assert_int_eq(itest_int(d, "balance_fen"), 5000);
	ck_assert_int_eq(itest_int(d, "shortfall_fen"), 1);
	ck_assert_int_eq(itest_int(d, "fund_id"), fund);
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);
	/* No such fund: 404, and nothing either. */
	j = itest_expense(itest_funds_mgr, 9999,
	    itest_expense_body(itest_uuid(), 1, "采购", NULL), &st);
	itest_assert_error(j, st, 404, "not_found", NULL);
	/* A line of no such item refuses the whole expense. */
	j = itest_expense(itest_funds_mgr, rich,
	    itest_expense_body(itest_uuid(), 100, "采购",
	        itest_f("%s,{'item_id':987,'quantity':1}", lines)),
	    &st);
	itest_assert_error(j, st, 404, "not_found", "item_id");
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);

	/* The refused client_id was not spent: the same id, within the
	 * balance, now goes through. */
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(cid, 5000, "采购", lines), &st);
	ck_assert_msg(st == 201, "expense: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_funds_balance(fund), 0);
	/* Empty fund: even 1 fen is refused. */
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 1, "采购", NULL), &st);
	itest_assert_error(j, st, 422, "insufficient_funds", NULL);
	ck_assert_int_eq(itest_int(itest_error_details(j), "shortfall_fen"), 1);
	ck_assert_int_eq(itest_funds_balance(fund), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A restricted fund is spent only on its donor's purpose. */
START_TEST(test_restricted_fund)
{
	int64_t fund = itest_fund(
	    itest_funds_mgr, "助学定向", "community_foundation", 1, "助学");
	int64_t donor =
	    itest_donor(itest_funds_mgr, "社区基金会", "social_org");
	int64_t bag = itest_item("书包", "6901234567892", 30, 0, 0);
	const char *before;
	cJSON *j;
	int st;

	itest_cash(itest_funds_mgr, donor, fund, 10000);
	before = itest_state("/api/v1/funds");
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 4000, "采购米面油",
	        itest_f("{'item_id':%lld,'quantity':2}", (long long)bag)),
	    &st);
	itest_assert_error(j, st, 422, "restricted_fund", "purpose");
	ck_assert_str_eq(
	    itest_str(itest_error_details(j), "fund_purpose"), "助学");
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);
	/* Over the balance on the wrong purpose: still nothing. */
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 99999, "其他", NULL), &st);
	ck_assert_msg(st == 422, "%d %s", st, itest_print(j));
	ck_assert_str_eq(itest_state("/api/v1/funds"), before);

	/* On its purpose it is spent like any fund. */
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 4000, "助学",
	        itest_f("{'item_id':%lld,'quantity':2}", (long long)bag)),
	    &st);
	ck_assert_msg(st == 201, "expense: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_funds_balance(fund), 6000);
	j = itest_expense(itest_funds_mgr, fund,
	    itest_expense_body(itest_uuid(), 6001, "助学", NULL), &st);
	itest_assert_error(j, st, 422, "insufficient_funds", NULL);
	ck_assert_int_eq(itest_funds_balance(fund), 6000);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The donor's printable receipt: HTML with the code, donor and amount. */
START_TEST(test_receipt_html)
{
	int64_t fund =
	    itest_fund(itest_funds_mgr, "爱心捐款", "donations", 0, NULL);
	int64_t donor =
	    itest_donor(itest_funds_mgr, "上海某某食品有限公司", "enterprise");
	int64_t rice = itest_item("大米", "6901234567892", 40, 0, 0);
	struct itest_reply *r;
	cJSON *j;

	j = itest_cash(itest_funds_mgr, donor, fund, 123456);
	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/donations/%lld/receipt",
	        (long long)itest_int(j, "id")),
	    itest_funds_mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->headers, "content-type: text/html") != NULL,
	    "receipt headers:\n%s", r->headers);
	ck_assert_msg(strstr(r->body, itest_str(j, "receipt_code")) != NULL,
	    "receipt code %s not in the receipt", itest_str(j, "receipt_code"));
	ck_assert_msg(strstr(r->body, "1,234.56") != NULL,
	    "amount ¥1,234.56 not in the receipt: %.1500s",
	    strstr(r->body, "<body") ? strstr(r->body, "<body") : r->body);
	ck_assert_msg(strstr(r->body, "上海某某食品有限公司") != NULL,
	    "donor not on the receipt");
	ck_assert_msg(
	    strstr(r->body, itest_date(0)) != NULL, "date not on the receipt");

	/* Goods: the item, its quantity and the total value. */
	j = itest_ok("POST", "/api/v1/donations", itest_funds_mgr,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'lines':[{'item_id':%lld,'quantity':3,"
	            "'unit_value_fen':1999}]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)rice),
	    201);
	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/donations/%lld/receipt",
	        (long long)itest_int(j, "id")),
	    itest_funds_mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->body, itest_str(j, "receipt_code")) != NULL);
	ck_assert_msg(strstr(r->body, "大米") != NULL, "item not on receipt");
	ck_assert_msg(strstr(r->body, "59.97") != NULL,
	    "total ¥59.97 not on the receipt");

	/* No such donation; no token. */
	r = itest_raw(itest_s, "GET", "/api/v1/donations/999/receipt",
	    itest_funds_mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 404);
	itest_refused("GET", "/api/v1/donations/1/receipt", NULL, NULL, 401,
	    "unauthenticated", NULL);
}
END_TEST

/* verify passes on funds; an entry edited behind the server's back is
 * named: its chain entry and its fund. */
START_TEST(test_verify_names_entry)
{
	int64_t a =
	    itest_fund(itest_funds_mgr, "爱心捐款", "donations", 0, NULL);
	int64_t b = itest_fund(itest_funds_mgr, "福彩", "lottery", 0, NULL);
	int64_t donor = itest_donor(itest_funds_mgr, "王先生", "individual");
	int64_t rice = itest_item("大米", "6901234567892", 40, 0, 0);
	int64_t seq, fund, n;
	const char *out;
	int st;

	/* Ledger rows of every kind around the fund entries. */
	itest_lot(rice, 5, NULL);
	itest_cash(itest_funds_mgr, donor, a, 5000);
	itest_cash(itest_funds_mgr, donor, b, 7000);
	itest_lot(rice, 2, NULL);
	itest_expense(itest_funds_mgr, b,
	    itest_expense_body(itest_uuid(), 100, "采购",
	        itest_f("{'item_id':%lld,'quantity':1}", (long long)rice)),
	    &st);
	ck_assert_int_eq(st, 201);
	itest_verify(itest_s->db, 1, NULL);
	itest_s->own_dir = 0; /* keep the files past the stop */
	itest_stop(itest_s);
	itest_verify(itest_s->db, 1, NULL);

	seq = itest_sql_int(itest_s->db,
	    "SELECT seq FROM chain WHERE kind = 'fund_entry' AND row_id = 1");
	fund = itest_sql_int(
	    itest_s->db, "SELECT fund_id FROM fund_entries WHERE id = 1");
	n = itest_sql_int(itest_s->db, "SELECT max(seq) FROM chain");
	ck_assert_int_eq(fund, a);
	ck_assert_msg(seq > 1 && seq < n, "fund entry 1 at %lld of %lld",
	    (long long)seq, (long long)n);
	itest_sql(itest_s->db,
	    "DROP TRIGGER fund_entries_no_update; UPDATE fund_entries SET "
	    "amount_fen = amount_fen + 1 WHERE id = 1;");
	out = itest_verify(itest_s->db, 0,
	    itest_f("chain entry %lld (fund_entry 1)", (long long)seq));
	/* The first mismatch only: later entries chain from stored hashes. */
	ck_assert_msg(
	    strstr(out, itest_f("chain entry %lld ", (long long)seq + 1)) ==
	        NULL,
	    "verify names an entry after the edited one:\n%s", out);
	ck_assert_msg(
	    strstr(out, itest_f("fund %lld", (long long)fund)) != NULL,
	    "verify does not name fund %lld:\n%s", (long long)fund, out);
	itest_remove_dir(itest_s->dir);
}
END_TEST

/* A fund entry deleted behind the server's back breaks the chain too. */
START_TEST(test_verify_deleted_entry)
{
	int64_t a =
	    itest_fund(itest_funds_mgr, "爱心捐款", "donations", 0, NULL);
	int64_t donor = itest_donor(itest_funds_mgr, "王先生", "individual");
	int64_t seq;

	itest_cash(itest_funds_mgr, donor, a, 5000);
	itest_cash(itest_funds_mgr, donor, a, 6000);
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	seq = itest_sql_int(itest_s->db,
	    "SELECT seq FROM chain WHERE kind = 'fund_entry' AND row_id = 2");
	itest_sql(itest_s->db,
	    "DROP TRIGGER fund_entries_no_delete; "
	    "DELETE FROM fund_entries WHERE id = 2;");
	itest_verify(itest_s->db, 0,
	    itest_f("chain entry %lld (fund_entry 2)", (long long)seq));
	itest_remove_dir(itest_s->dir);
}
END_TEST

/*
 * GET /api/v1/funds/{id} and its entries: gifts and expenses oldest
 * first, each with the balance after it, which runs on across pages
 * (another fund's entries between them count for nothing) and ends at
 * the fund's balance.
 */
START_TEST(test_fund_entries)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	int64_t fund =
	    itest_fund(itest_funds_mgr, "社区基金", "donations", 0, NULL);
	int64_t other = itest_fund(itest_funds_mgr, "福彩", "lottery", 0, NULL);
	int64_t empty =
	    itest_fund(itest_funds_mgr, "空基金", "lottery", 0, NULL);
	int64_t donor = itest_donor(itest_funds_mgr, "张先生", "individual");
	int64_t want[7] = {10000, 25000, -12000, 7000, 3001, -1, -31000};
	const char *codes[7], *path, *token;
	int64_t id, last = 0, balance = 0;
	cJSON *j, *e, *next, *one;
	int i, n = 0, pages = 0;

	for (i = 0; i < 7; i++) {
		if (want[i] > 0) {
			j = itest_cash(itest_funds_mgr, donor, fund, want[i]);
			codes[i] = itest_str(j, "receipt_code");
		} else {
			itest_expense(itest_funds_mgr, fund,
			    itest_expense_body(itest_uuid(), -want[i],
			        itest_f("采购%d", i), NULL),
			    NULL);
			codes[i] = NULL;
		}
		itest_cash(itest_funds_mgr, donor, other, 500 + i);
	}
	ck_assert_int_eq(itest_funds_balance(fund), 2000);

	/* The fund alone, as listed; any reading role. */
	one = itest_ok("GET", itest_f("/api/v1/funds/%lld", (long long)fund),
	    auditor, NULL, 200);
	ck_assert_str_eq(itest_text(one), itest_text(itest_funds_get(fund)));
	ck_assert_int_eq(itest_int(one, "balance_fen"), 2000);

	/* Pages of three: 3, 3, 1. */
	path = itest_f("/api/v1/funds/%lld/entries?limit=3", (long long)fund);
	for (;;) {
		j = itest_ok("GET", path, itest_admin, NULL, 200);
		cJSON_ArrayForEach(e, itest_items(j))
		{
			ck_assert_int_lt(n, 7);
			id = itest_int(e, "id");
			ck_assert_int_gt(id, last);
			last = id;
			ck_assert_int_eq(itest_int(e, "amount_fen"), want[n]);
			balance += want[n];
			ck_assert_int_eq(itest_int(e, "balance_fen"), balance);
			ck_assert_str_eq(itest_str(e, "date"), itest_date(0));
			ck_assert_int_eq(strlen(itest_str(e, "at")), 25);
			if (want[n] > 0) {
				ck_assert_str_eq(
				    itest_str(e, "kind"), "cash_donation");
				ck_assert_str_eq(
				    itest_str(e, "description"), "张先生");
				ck_assert_str_eq(
				    itest_str(e, "receipt_code"), codes[n]);
				ck_assert_int_eq(
				    itest_int(e, "donor_id"), donor);
				ck_assert_int_gt(
				    itest_int(e, "donation_id"), 0);
			} else {
				ck_assert_str_eq(
				    itest_str(e, "kind"), "expense");
				ck_assert_str_eq(itest_str(e, "description"),
				    itest_f("采购%d", n));
				ck_assert_int_gt(itest_int(e, "expense_id"), 0);
				ck_assert_ptr_null(
				    cJSON_GetObjectItem(e, "receipt_code"));
			}
			n++;
		}
		next = cJSON_GetObjectItem(j, "next");
		if (!cJSON_IsString(next))
			break;
		ck_assert_int_lt(++pages, 4);
		path = itest_f("/api/v1/funds/%lld/entries?limit=3&cursor=%s",
		    (long long)fund, next->valuestring);
	}
	ck_assert_int_eq(n, 7);
	ck_assert_int_eq(pages, 2);
	ck_assert_int_eq(balance, itest_funds_balance(fund));

	/* A page that ends on the last entry is followed by an empty one. */
	j = itest_ok("GET",
	    itest_f("/api/v1/funds/%lld/entries?limit=7", (long long)fund),
	    itest_funds_mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 7);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 6), "balance_fen"),
	    2000);
	next = cJSON_GetObjectItem(j, "next");
	ck_assert(cJSON_IsString(next));
	j = itest_ok("GET",
	    itest_f("/api/v1/funds/%lld/entries?limit=7&cursor=%s",
	        (long long)fund, next->valuestring),
	    auditor, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	/* The other fund's own ledger runs to its own balance. */
	j = itest_ok("GET",
	    itest_f("/api/v1/funds/%lld/entries", (long long)other), auditor,
	    NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 7);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 6), "balance_fen"),
	    itest_funds_balance(other));
	j = itest_ok("GET",
	    itest_f("/api/v1/funds/%lld/entries", (long long)empty),
	    itest_funds_mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));

	/* Roles, unknown funds, bad pages. */
	token = cashier;
	itest_refused("GET", itest_f("/api/v1/funds/%lld", (long long)fund),
	    token, NULL, 403, "forbidden", NULL);
	itest_refused("GET",
	    itest_f("/api/v1/funds/%lld/entries", (long long)fund), token, NULL,
	    403, "forbidden", NULL);
	itest_refused("GET", itest_f("/api/v1/funds/%lld", (long long)fund),
	    NULL, NULL, 401, "unauthenticated", NULL);
	itest_refused(
	    "GET", "/api/v1/funds/999", auditor, NULL, 404, "not_found", NULL);
	itest_refused(
	    "GET", "/api/v1/funds/0", auditor, NULL, 404, "not_found", NULL);
	itest_refused(
	    "GET", "/api/v1/funds/x1", auditor, NULL, 404, "not_found", NULL);
	itest_refused("GET", "/api/v1/funds/999/entries", auditor, NULL, 404,
	    "not_found", NULL);
	itest_refused("GET",
	    itest_f("/api/v1/funds/%lld/entries?limit=0", (long long)fund),
	    auditor, NULL, 400, "bad_field", "limit");
	itest_refused("GET",
	    itest_f("/api/v1/funds/%lld/entries?limit=501", (long long)fund),
	    auditor, NULL, 400, "bad_field", "limit");
	itest_refused("GET",
	    itest_f("/api/v1/funds/%lld/entries?cursor=-1", (long long)fund),
	    auditor, NULL, 400, "bad_field", "cursor");
	itest_refused("POST",
	    itest_f("/api/v1/funds/%lld/entries", (long long)fund),
	    itest_funds_mgr, "{}", 405, "method_not_allowed", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_funds_suite(void)
{
	Suite *s = suite_create("funds");
	TCase *tc =
	    itest_tcase_with("funds", itest_funds_setup, itest_teardown);

	tcase_add_test(tc, test_fund_kinds);
	tcase_add_test(tc, test_cash_donation);
	tcase_add_test(tc, test_expense_buys_lots);
	tcase_add_test(tc, test_expense_over_balance);
	tcase_add_test(tc, test_restricted_fund);
	tcase_add_test(tc, test_receipt_html);
	tcase_add_test(tc, test_verify_names_entry);
	tcase_add_test(tc, test_verify_deleted_entry);
	tcase_add_test(tc, test_fund_entries);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_funds_suite());
}
