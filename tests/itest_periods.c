/*
 * The month a donation or expense counts in, against the real server:
 * the month it was received or spent while that month is unpublished; a
 * later month, listed as 补记 with its real date, once it is published,
 * which then stays as it was; verify agrees with the figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static cJSON *
itest_periods_cash(int64_t donor, int64_t fund, int64_t amount, const char *on)
{
	return itest_ok("POST", "/api/v1/donations", itest_admin,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'cash':{'amount_fen':%lld,'fund_id':%lld}}",
	        itest_uuid(), (long long)donor, on, (long long)amount,
	        (long long)fund),
	    201);
}

static int64_t
itest_periods_total(const cJSON *n, const char *part, const char *key)
{
	return itest_int(itest_obj(n, part), key);
}

/* Back-dated into last month, not published: it counts there. */
START_TEST(test_backdated_unpublished)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t donor, fund, rice;
	cJSON *n;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'PR-RICE'", 500, 5, NULL);
	itest_periods_cash(donor, fund, 7000, itest_day(-1, 20));
	itest_ok("POST", "/api/v1/donations", itest_admin,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'channel':'walk_in','lines':[{'item_id':%lld,"
	            "'quantity':4}]}",
	        itest_uuid(), (long long)donor, itest_day(-1, 21),
	        (long long)rice),
	    201);
	itest_expense(itest_admin, fund,
	    itest_f("{'client_id':'%s','amount_fen':1500,'purpose':'运输',"
	            "'spent_on':'%s'}",
	        itest_uuid(), itest_day(-1, 22)),
	    NULL);

	n = itest_notice(last);
	ck_assert_int_eq(
	    itest_periods_total(n, "sources", "cash_total_fen"), 7000);
	ck_assert_int_eq(
	    itest_periods_total(n, "sources", "in_kind_total_fen"), 2000);
	ck_assert_int_eq(
	    itest_periods_total(n, "uses", "fund_expenses_total_fen"), 1500);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(n, "late")), 0);
	n = itest_notice(now);
	ck_assert_int_eq(
	    itest_periods_total(n, "sources", "cash_total_fen"), 0);
	ck_assert_int_eq(
	    itest_periods_total(n, "sources", "in_kind_total_fen"), 0);
	ck_assert_int_eq(
	    itest_periods_total(n, "uses", "fund_expenses_total_fen"), 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(n, "late")), 0);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Back-dated into a published month: the month stays as published; the
 * entry counts now, listed as late with its real date, on the page too. */
START_TEST(test_backdated_published)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *mgr, *json1, *page;
	const cJSON *e;
	int64_t donor, fund;
	cJSON *n, *late;

	mgr = itest_user(itest_s, "mgr", "manager");
	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	itest_periods_cash(donor, fund, 1000, itest_day(-1, 10));
	itest_ok("POST", itest_f("/api/v1/notices/%s/publish", last), mgr, NULL,
	    201);
	json1 = itest_public_raw(itest_f("/public/notices/%s", last))->body;

	itest_periods_cash(donor, fund, 2500, itest_day(-1, 20));
	itest_expense(itest_admin, fund,
	    itest_f("{'client_id':'%s','amount_fen':300,'purpose':'运输',"
	            "'spent_on':'%s'}",
	        itest_uuid(), itest_day(-1, 25)),
	    NULL);
	/* Received this month: not late. */
	itest_periods_cash(donor, fund, 40, itest_date(0));

	ck_assert_str_eq(
	    itest_public_raw(itest_f("/public/notices/%s", last))->body, json1);
	n = itest_notice(now);
	ck_assert_int_eq(
	    itest_periods_total(n, "sources", "cash_total_fen"), 2540);
	ck_assert_int_eq(
	    itest_periods_total(n, "uses", "fund_expenses_total_fen"), 300);
	late = itest_arr(n, "late");
	ck_assert_msg(
	    cJSON_GetArraySize(late) == 2, "late: %s", itest_print(late));
	e = itest_find_str(late, "kind", "donation");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(itest_str(e, "date"), itest_day(-1, 20));
	ck_assert_str_eq(itest_str(e, "label"), "企业");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 2500);
	e = itest_find_str(late, "kind", "expense");
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(itest_str(e, "date"), itest_day(-1, 25));
	ck_assert_str_eq(itest_str(e, "label"), "运输");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 300);
	/* The page lists them with their dates. */
	page = itest_public_raw(itest_f("/notices/%s", now))->body;
	ck_assert_msg(strstr(page, "<section id=late>") != NULL &&
	        strstr(page,
	            itest_f("<tr class=late><td>%s</td><td>捐赠（企业）"
	                    "</td><td class=n>¥25.00</td>",
	                itest_day(-1, 20))) != NULL,
	    "the page does not list the late donation: %s", page);
	/* Last month's page: as published, no 补记 section. */
	page = itest_public_raw(itest_f("/notices/%s", last))->body;
	ck_assert_msg(strstr(page, "<section id=late>") == NULL, "%s", page);
	ck_assert_msg(strstr(page, "<b id=in>¥10.00</b>") != NULL,
	    "the published month changed: %.1200s", page);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* verify catches a donation counted in a month other than its own. */
START_TEST(test_verify_periods)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t fund =
	    itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);

	itest_periods_cash(donor, fund, 1000, itest_day(-1, 10));
	itest_s->own_dir = 0; /* keep the files past the stop */
	itest_stop(itest_s);
	itest_verify(itest_s->db, 1, NULL);
	itest_sql(itest_s->db,
	    "UPDATE stats SET value = value + 1 WHERE metric = 'cash'");
	itest_verify(itest_s->db, 0,
	    "per-period money figures add up to the donations and expenses");
}
END_TEST

static Suite *
itest_periods_suite(void)
{
	Suite *s = suite_create("periods");
	TCase *tc = itest_tcase("periods");

	tcase_add_test(tc, test_backdated_unpublished);
	tcase_add_test(tc, test_backdated_published);
	tcase_add_test(tc, test_verify_periods);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_periods_suite());
}
