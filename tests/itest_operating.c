/*
 * The operating line (收支两条线) against the real server: its accounts
 * and balance; costs and other income by a manager, idempotent, never
 * below zero; a month's statement; the sales income in it and in no
 * fund; the funds refusing an operating kind; transfers between the two
 * lines, proposed with a reason by a manager and confirmed by another
 * user, an admin, with nothing moving before; and `verify` naming a fund
 * that took money from the operating line, or an account edited,
 * behind the server's back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct itest_roles itest_op_r;

static void
itest_op_setup(void)
{
	itest_setup();
	itest_op_r = itest_roles();
}

static cJSON *
itest_op_accounts(void)
{
	return itest_ok(
	    "GET", "/api/v1/operating/accounts", itest_op_r.auditor, NULL, 200);
}

static int64_t
itest_op_balance(void)
{
	return itest_int(itest_op_accounts(), "balance_fen");
}

static int64_t
itest_op_account(const char *code)
{
	const cJSON *a = itest_find_str(
	    itest_arr(itest_op_accounts(), "accounts"), "code", code);

	ck_assert_msg(a != NULL, "no account %s", code);
	return itest_int(a, "total_fen");
}

static const char *
itest_op_entry_body(
    const char *cid, const char *account, int64_t fen, const char *note)
{
	return itest_f(
	    "{'client_id':'%s','account':'%s','amount_fen':%lld%s%s%s}", cid,
	    account, (long long)fen, *note ? ",'note':'" : "", note,
	    *note ? "'" : "");
}

static cJSON *
itest_op_entry(const char *account, int64_t fen)
{
	return itest_ok("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), account, fen, ""), 201);
}

static int64_t
itest_op_fund_balance(int64_t fund)
{
	return itest_int(itest_find(itest_items(itest_ok("GET", "/api/v1/funds",
	                                itest_admin, NULL, 200)),
	                     "id", fund),
	    "balance_fen");
}

/* A sale of QTY units at PRICE of a fresh item: its total. */
static int64_t
itest_op_sale(int64_t price, int64_t qty)
{
	static int n;
	int64_t donor = itest_donor(itest_admin, "义卖捐赠人", "individual");
	int64_t item = itest_item_new(
	    itest_admin, itest_f("义卖品%d", ++n), "misc", "", 100, 1, NULL);

	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':%lld,'sale_allowed':true}",
	        (long long)item, (long long)qty));
	itest_ok("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)item),
	    itest_admin, itest_f("{'sale_price_fen':%lld}", (long long)price),
	    200);
	return itest_int(
	    itest_ok("POST", "/api/v1/sales", itest_op_r.cashier,
	        itest_f("{'client_id':'%s','till_id':'T9','lines':[{'item_id':"
	                "%lld,'quantity':%lld}],'payment':{'method':'cash'}}",
	            itest_uuid(), (long long)item, (long long)qty),
	        201),
	    "total_fen");
}

/* The accounts; entries, their replay and refusals; the balance. */
START_TEST(test_entries)
{
	const char *cid = itest_uuid(), *body, *before;
	cJSON *j, *again;

	j = itest_op_accounts();
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "accounts")), 8);
	ck_assert_int_eq(itest_int(j, "balance_fen"), 0);
	ck_assert_str_eq(
	    itest_str(itest_find_str(itest_arr(j, "accounts"), "code", "rent"),
	        "side"),
	    "cost");

	body = itest_op_entry_body(cid, "service_fees", 5000, "场地服务费");
	j = itest_ok(
	    "POST", "/api/v1/operating/entries", itest_op_r.mgr, body, 201);
	ck_assert_int_eq(itest_int(j, "amount_fen"), 5000);
	ck_assert_str_eq(itest_str(j, "kind"), "entry");
	ck_assert_str_eq(itest_str(j, "period"), itest_period(0));
	again = itest_ok(
	    "POST", "/api/v1/operating/entries", itest_op_r.mgr, body, 200);
	ck_assert_int_eq(itest_int(again, "id"), itest_int(j, "id"));
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(cid, "service_fees", 5001, "场地服务费"), 409,
	    "client_id_reused", "client_id");
	j = itest_op_entry("rent", 3000);
	ck_assert_int_eq(itest_int(j, "amount_fen"), -3000);
	ck_assert_int_eq(itest_op_balance(), 2000);
	ck_assert_int_eq(itest_op_account("rent"), 3000);
	ck_assert_int_eq(itest_op_account("service_fees"), 5000);

	before = itest_state("/api/v1/operating/accounts");
	/* A cost past the balance. */
	j = itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), "wages", 2001, ""), 422,
	    "insufficient_operating_funds", NULL);
	ck_assert_int_eq(
	    itest_int(itest_error_details(j), "balance_fen"), 2000);
	/* Sales come from the till; transfers by decision; unknown. */
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), "sales", 100, ""), 400,
	    "bad_field", "account");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), "transfers", 100, ""), 400,
	    "bad_field", "account");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), "casino", 100, ""), 400,
	    "bad_field", "account");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(itest_uuid(), "rent", 0, ""), 400, "bad_field",
	    "amount_fen");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(
	        itest_uuid(), "other_income", 10000000001LL, ""),
	    400, "bad_field", "amount_fen");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_op_entry_body(
	        itest_uuid(), "other_income", 9223372036854775807LL, ""),
	    400, "bad_field", "amount_fen");
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.mgr,
	    itest_f("{'client_id':'%s','account':'rent'}", itest_uuid()), 400,
	    "missing_field", "amount_fen");
	/* Roles. */
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.cashier,
	    itest_op_entry_body(itest_uuid(), "rent", 1, ""), 403, "forbidden",
	    NULL);
	itest_refused("POST", "/api/v1/operating/entries", itest_op_r.auditor,
	    itest_op_entry_body(itest_uuid(), "rent", 1, ""), 403, "forbidden",
	    NULL);
	itest_refused("GET", "/api/v1/operating/accounts", itest_op_r.cashier,
	    NULL, 403, "forbidden", NULL);
	ck_assert_str_eq(itest_state("/api/v1/operating/accounts"), before);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_items(itest_ok("GET",
	        itest_f("/api/v1/operating/entries?period=%s", itest_period(0)),
	        itest_op_r.mgr, NULL, 200))),
	    2);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The month's statement: opening, income and costs by account (sales
 * and their refunds included), transfers, closing. */
START_TEST(test_statement)
{
	int64_t total = itest_op_sale(450, 4), other;
	const cJSON *s, *a;
	cJSON *j;

	itest_op_entry("other_income", 700);
	itest_op_entry("utilities", 1200);
	other = itest_op_sale(100, 2);
	ck_assert_int_eq(itest_op_account("sales"), total + other);
	j = itest_ok("GET",
	    itest_f("/api/v1/operating/statement?period=%s", itest_period(0)),
	    itest_op_r.auditor, NULL, 200);
	ck_assert_int_eq(itest_int(j, "opening_fen"), 0);
	a = itest_find_str(itest_arr(j, "income"), "account", "sales");
	ck_assert_int_eq(itest_int(a, "amount_fen"), 1800 + 200);
	a = itest_find_str(itest_arr(j, "costs"), "account", "utilities");
	ck_assert_int_eq(itest_int(a, "amount_fen"), 1200);
	ck_assert_int_eq(itest_int(j, "income_total_fen"), 2000 + 700);
	ck_assert_int_eq(itest_int(j, "cost_total_fen"), 1200);
	ck_assert_int_eq(itest_int(j, "closing_fen"), 2700 - 1200);
	ck_assert_int_eq(itest_int(j, "closing_fen"), itest_op_balance());
	s = itest_obj(j, "sales");
	ck_assert_int_eq(itest_int(s, "count"), 2);
	ck_assert_int_eq(itest_int(s, "net_fen"), 2000);
	/* Last month: nothing; a bad period. */
	j = itest_ok("GET",
	    itest_f("/api/v1/operating/statement?period=%s", itest_period(-1)),
	    itest_op_r.mgr, NULL, 200);
	ck_assert_int_eq(itest_int(j, "closing_fen"), 0);
	ck_assert_int_eq(itest_int(j, "income_total_fen"), 0);
	itest_refused("GET", "/api/v1/operating/statement?period=2026-1",
	    itest_op_r.mgr, NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/operating/statement", itest_op_r.cashier,
	    NULL, 403, "forbidden", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Sales income never reaches a fund; the funds take no operating kind. */
START_TEST(test_separation)
{
	int64_t fund =
	    itest_fund(itest_op_r.mgr, "爱心捐款", "donations", 0, NULL);
	int64_t donor = itest_donor(itest_op_r.mgr, "张先生", "individual");

	itest_cash(itest_op_r.mgr, donor, fund, 3000);
	itest_op_sale(1000, 3);
	ck_assert_int_eq(itest_op_fund_balance(fund), 3000);
	ck_assert_int_eq(itest_op_balance(), 3000);
	itest_refused("POST", "/api/v1/funds", itest_op_r.mgr,
	    "{'name':'经营','kind':'operating','restricted':false}", 400,
	    "bad_field", "kind");
	itest_refused("POST", "/api/v1/funds", itest_op_r.mgr,
	    "{'name':'义卖','kind':'sales','restricted':false}", 400,
	    "bad_field", "kind");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static const char *
itest_op_transfer_body(const char *cid, const char *dir, int64_t fund,
    int64_t fen, const char *reason)
{
	return itest_f("{'client_id':'%s','direction':'%s','fund_id':%lld,"
	               "'amount_fen':%lld,'reason':'%s'}",
	    cid, dir, (long long)fund, (long long)fen, reason);
}

/* A transfer is a manager's proposal with its reason, confirmed by an
 * admin who did not propose it; nothing moves before. */
START_TEST(test_transfers)
{
	const char *admin2 = itest_user(itest_s, "admin2", "admin");
	int64_t fund =
	    itest_fund(itest_op_r.mgr, "爱心捐款", "donations", 0, NULL);
	int64_t held = itest_fund(
	    itest_op_r.mgr, "助学定向", "community_foundation", 1, "助学");
	int64_t donor = itest_donor(itest_op_r.mgr, "某公司", "enterprise");
	const char *cid = itest_uuid(), *body, *before;
	int64_t id, own, big;
	cJSON *j;

	itest_cash(itest_op_r.mgr, donor, fund, 10000);
	itest_cash(itest_op_r.mgr, donor, held, 10000);
	body = itest_op_transfer_body(
	    cid, "from_fund", fund, 4000, "理事会决议：补贴房租");
	j = itest_ok(
	    "POST", "/api/v1/operating/transfers", itest_op_r.mgr, body, 201);
	id = itest_int(j, "id");
	ck_assert_str_eq(itest_str(j, "status"), "proposed");
	ck_assert_int_eq(
	    itest_int(itest_ok("POST", "/api/v1/operating/transfers",
	                  itest_op_r.mgr, body, 200),
	        "id"),
	    id);
	/* Before the confirmation nothing moved. */
	ck_assert_int_eq(itest_op_fund_balance(fund), 10000);
	ck_assert_int_eq(itest_op_balance(), 0);

	before = itest_state("/api/v1/operating/accounts");
	/* A manager may not confirm; an admin may not confirm their own. */
	itest_refused("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)id),
	    itest_op_r.mgr, NULL, 403, "forbidden", NULL);
	own = itest_int(
	    itest_ok("POST", "/api/v1/operating/transfers", itest_admin,
	        itest_op_transfer_body(
	            itest_uuid(), "from_fund", fund, 1, "测试"),
	        201),
	    "id");
	itest_refused("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)own),
	    itest_admin, NULL, 403, "own_proposal", NULL);
	/* Refusals of proposals. */
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(
	        itest_uuid(), "from_fund", held, 100, "挪用"),
	    422, "restricted_fund", "fund_id");
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(itest_uuid(), "sideways", fund, 100, "x"),
	    400, "bad_field", "direction");
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(itest_uuid(), "to_fund", 999, 100, "x"), 404,
	    "not_found", "fund_id");
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(itest_uuid(), "to_fund", fund, 100, ""), 400,
	    "bad_field", "reason");
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_f("{'client_id':'%s','direction':'to_fund','fund_id':%lld,"
	            "'amount_fen':100}",
	        itest_uuid(), (long long)fund),
	    400, "missing_field", "reason");
	itest_refused("POST", "/api/v1/operating/transfers", itest_op_r.cashier,
	    itest_op_transfer_body(itest_uuid(), "to_fund", fund, 100, "x"),
	    403, "forbidden", NULL);
	itest_refused("POST", "/api/v1/operating/transfers/999/confirm",
	    itest_admin, NULL, 404, "not_found", NULL);
	ck_assert_int_eq(itest_op_fund_balance(fund), 10000);

	/* The admin who did not propose it confirms: the money moves. */
	j = itest_ok("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)id),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "confirmed");
	ck_assert_int_eq(itest_op_fund_balance(fund), 6000);
	ck_assert_int_eq(itest_op_balance(), 4000);
	ck_assert_int_eq(itest_op_account("transfers"), 4000);
	itest_refused("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)id),
	    admin2, NULL, 409, "conflict", NULL);
	/* Back to the fund, more than the line holds: refused at confirm. */
	big = itest_int(
	    itest_ok("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	        itest_op_transfer_body(itest_uuid(), "to_fund", fund, 4001,
	            "义卖收入转入慈善基金"),
	        201),
	    "id");
	before = itest_state("/api/v1/operating/accounts");
	itest_refused("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)big),
	    itest_admin, NULL, 422, "insufficient_operating_funds", NULL);
	ck_assert_str_eq(itest_state("/api/v1/operating/accounts"), before);
	j = itest_ok("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(
	        itest_uuid(), "to_fund", fund, 1500, "义卖收入转入慈善基金"),
	    201);
	itest_ok("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm",
	        (long long)itest_int(j, "id")),
	    admin2, NULL, 200);
	ck_assert_int_eq(itest_op_fund_balance(fund), 7500);
	ck_assert_int_eq(itest_op_balance(), 2500);
	j = itest_ok("GET",
	    itest_f("/api/v1/operating/statement?period=%s", itest_period(0)),
	    itest_op_r.mgr, NULL, 200);
	ck_assert_int_eq(itest_int(j, "transfers_fen"), 2500);
	ck_assert_int_eq(itest_int(j, "closing_fen"), 2500);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_items(itest_ok("GET",
	        "/api/v1/operating/transfers", itest_op_r.auditor, NULL, 200))),
	    4);
	ck_assert_int_eq(itest_audits("confirm", "operating_transfer", id), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Sales income moved into a fund, behind the server's back: verify
 * names the fund entry; an account's total edited: verify names it. */
START_TEST(test_verify_separation)
{
	int64_t fund =
	    itest_fund(itest_op_r.mgr, "爱心捐款", "donations", 0, NULL);
	int64_t donor = itest_donor(itest_op_r.mgr, "某公司", "enterprise");
	int64_t total, id;
	cJSON *j;

	itest_cash(itest_op_r.mgr, donor, fund, 10000);
	total = itest_op_sale(1000, 2);
	j = itest_ok("POST", "/api/v1/operating/transfers", itest_op_r.mgr,
	    itest_op_transfer_body(
	        itest_uuid(), "from_fund", fund, 500, "补贴"),
	    201);
	id = itest_int(j, "id");
	itest_ok("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)id),
	    itest_admin, NULL, 200);
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_verify(itest_s->db, 1, NULL);
	itest_sql(itest_s->db,
	    itest_f("DROP TRIGGER fund_entries_no_update; UPDATE fund_entries "
	            "SET amount_fen = amount_fen + %lld WHERE kind = "
	            "'operating'; UPDATE funds SET balance_fen = balance_fen + "
	            "%lld WHERE id = %lld;",
	        (long long)total, (long long)total, (long long)fund));
	itest_verify(itest_s->db, 0, "no confirmed transfer moves it");
	itest_sql(itest_s->db,
	    "UPDATE operating_accounts SET total_fen = total_fen + 1 WHERE "
	    "code = 'sales';");
	itest_verify(itest_s->db, 0,
	    "an operating account's total is the sum of its entries: "
	    "operating account sales");
	itest_remove_dir(itest_s->dir);
}
END_TEST

static Suite *
itest_op_suite(void)
{
	Suite *s = suite_create("operating");
	TCase *tc =
	    itest_tcase_with("operating", itest_op_setup, itest_teardown);

	tcase_add_test(tc, test_entries);
	tcase_add_test(tc, test_statement);
	tcase_add_test(tc, test_separation);
	tcase_add_test(tc, test_transfers);
	tcase_add_test(tc, test_verify_separation);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_op_suite());
}
