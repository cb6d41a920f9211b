/*
 * A donation's public trace against the real server: per item, what was
 * received equals what was distributed, written off and is in stock, by
 * month and household category, a count correction included; it names
 * nobody.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* A donation's trace: per item, received = distributed + written off +
 * in stock, by month and household category; nobody's identity. */
START_TEST(test_trace)
{
	const char *now = itest_period(0), *code, *body;
	int64_t donor, rice, egg, fund;
	const cJSON *it, *d, *dist;
	cJSON *gift, *t, *basket, *cash;
	int64_t sum;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	egg = itest_item_new(
	    itest_admin, "鸡蛋", "副食", "'NT-EGG'", 300, 3, NULL);
	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10},"
	            "{'item_id':%lld,'quantity':6}",
	        (long long)rice, (long long)egg));
	code = itest_str(gift, "receipt_code");
	itest_household_granted("TR-T1", "tekun", 1, 1000);
	itest_household_granted("TR-D1", "dibao", 2, 1000);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-T1", itest_line(rice, 3), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-D1", itest_line(rice, 2), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-D1", itest_line(egg, 1), NULL);
	basket = itest_basket(
	    itest_admin, NULL, "T1", "TR-T1", itest_line(egg, 1), NULL);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(basket, "id")),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), 201);
	itest_adjust(itest_donation_lot(gift, 1), -2, "expired", NULL);

	itest_new_day(itest_s); /* the trace, as of the start of a day */
	t = itest_ok(
	    "GET", itest_f("/public/donations/%s", code), NULL, NULL, 200);
	body = itest_text(t);
	ck_assert_str_eq(itest_str(t, "receipt_code"), code);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(t, "items")), 2);
	cJSON_ArrayForEach(it, itest_arr(t, "items"))
	{
		sum = itest_int(it, "written_off") + itest_int(it, "in_stock");
		cJSON_ArrayForEach(d, itest_arr(it, "distributed"))
		{
			ck_assert_str_eq(itest_str(d, "period"), now);
			sum += itest_int(d, "quantity");
		}
		ck_assert_msg(sum == itest_int(it, "received"),
		    "%s: distributed + written off + in stock = %lld, "
		    "received %lld",
		    itest_str(it, "item"), (long long)sum,
		    (long long)itest_int(it, "received"));
	}
	it = itest_find_str(itest_arr(t, "items"), "item", "大米");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "received"), 10);
	ck_assert_int_eq(itest_int(it, "in_stock"), 5);
	ck_assert_int_eq(itest_int(it, "written_off"), 0);
	/* One tekun and one dibao household this month: neither category
	 * is named (fewer than 5), both folded into one 其他 line. */
	dist = itest_arr(it, "distributed");
	ck_assert_msg(cJSON_GetArraySize(dist) == 1, "rice distributed: %s",
	    itest_print(dist));
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(dist, 0), "household_category"),
	    "other");
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(dist, 0), "label"), "其他");
	ck_assert_int_eq(itest_int(cJSON_GetArrayItem(dist, 0), "quantity"), 5);
	it = itest_find_str(itest_arr(t, "items"), "item", "鸡蛋");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "received"), 6);
	ck_assert_int_eq(itest_int(it, "written_off"), 2);
	ck_assert_int_eq(itest_int(it, "in_stock"), 3);
	dist = itest_arr(it, "distributed");
	/* The voided basket left nothing behind. */
	ck_assert_msg(cJSON_GetArraySize(dist) == 1, "egg distributed: %s",
	    itest_print(dist));
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(dist, 0), "household_category"),
	    "other");
	ck_assert_msg(
	    strstr(body, "tekun") == NULL && strstr(body, "dibao") == NULL,
	    "the trace names a category of fewer than 5 households: %s", body);
	ck_assert_msg(strstr(body, "TR-T1") == NULL &&
	        strstr(body, "TR-D1") == NULL &&
	        strstr(body, "王建国") == NULL &&
	        strstr(body, "梅陇镇") == NULL,
	    "the trace names a household: %s", body);
	ck_assert_msg(strstr(body, "某公司") == NULL,
	    "the public trace names the donor: %s", body);

	/* A cash donation: its amount and fund, no goods. */
	cash = itest_cash(itest_admin, donor, fund, 4321);
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(cash, "receipt_code")),
	    NULL, NULL, 200);
	ck_assert_int_eq(itest_int(itest_obj(t, "cash"), "amount_fen"), 4321);
	ck_assert_str_eq(itest_str(itest_obj(t, "cash"), "fund"), "爱心捐款");
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(t, "items")), 0);
	/* Unknown codes. */
	itest_refused("GET", "/public/donations/JZ20200101-NOSUCH", NULL, NULL,
	    404, "not_found", NULL);
	itest_refused("GET",
	    "/public/donations/"
	    "JZ20200101-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	    NULL, NULL, 404, "not_found", NULL);
}
END_TEST

/* A count found in a lot (count_correction +1) is accounted for: what a
 * trace shows still adds up (received + corrections = distributed +
 * written off + in stock). */
START_TEST(test_trace_count_correction)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	cJSON *gift, *t;
	const cJSON *it, *d, *corr;
	int64_t sum, received;

	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_adjust(itest_donation_lot(gift, 0), 1, "count_correction", NULL);
	itest_adjust(itest_donation_lot(gift, 0), -3, "expired", NULL);
	itest_new_day(itest_s);
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(gift, "receipt_code")),
	    NULL, NULL, 200);
	it = cJSON_GetArrayItem(itest_arr(t, "items"), 0);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "in_stock"), 8);
	received = itest_int(it, "received");
	corr = cJSON_GetObjectItem(it, "corrected");
	if (cJSON_IsNumber(corr))
		received += (int64_t)corr->valuedouble;
	sum = itest_int(it, "written_off") + itest_int(it, "in_stock");
	cJSON_ArrayForEach(d, itest_arr(it, "distributed")) sum +=
	    itest_int(d, "quantity");
	ck_assert_msg(sum == received,
	    "after a +1 count correction the trace does not add up: "
	    "received (+ corrected) %lld, distributed + written off + in "
	    "stock %lld: %s",
	    (long long)received, (long long)sum, itest_print(it));
}
END_TEST

static Suite *
itest_trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = itest_tcase("trace");

	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_trace_count_correction);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_trace_suite());
}
