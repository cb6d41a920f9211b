/*
 * Unit suite for server/retain.c: which dated backups `backup --into`
 * keeps (the newest of each of the DAILY latest days, then the newest of
 * each of the WEEKLY latest Monday-to-Sunday weeks before them), and the
 * dates it reads from the files' names.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server.h"

static int64_t
day(const char *date)
{
	int64_t d;

	ck_assert_msg(retain_day(date, &d) == 0, "date %s", date);
	return d;
}

START_TEST(test_day)
{
	int64_t d;

	ck_assert_int_eq(day("1970-01-01"), 0);
	ck_assert_int_eq(day("1970-01-02"), 1);
	ck_assert_int_eq(day("1969-12-31"), -1);
	ck_assert_int_eq(day("2000-03-01") - day("2000-02-28"), 2);
	ck_assert_int_eq(day("2100-03-01") - day("2100-02-28"), 1);
	ck_assert_int_eq(day("2024-01-01") - day("2023-01-01"), 365);
	ck_assert_int_eq(day("2025-01-01") - day("2024-01-01"), 366);
	ck_assert_int_eq(day("2026-12-06"), 20793);
	ck_assert_int_eq(retain_day("2026-02-29", &d), -1);
	ck_assert_int_eq(retain_day("2026-13-01", &d), -1);
	ck_assert_int_eq(retain_day("2026-00-10", &d), -1);
	ck_assert_int_eq(retain_day("2026-04-31", &d), -1);
	ck_assert_int_eq(retain_day("2026-4-30", &d), -1);
	ck_assert_int_eq(retain_day("2026-04-300", &d), -1);
	ck_assert_int_eq(retain_day("2026/04/30", &d), -1);
	ck_assert_int_eq(retain_day("", &d), -1);
	ck_assert_int_eq(retain_day("2024-02-29", &d), 0);
}
END_TEST

/* Keeps of DATES (newest first in the expectations' order) as a string
 * of 0/1, one a date, in the order given. */
static const char *
keeps(const char *const *dates, size_t n, int daily, int weekly)
{
	static char out[128];
	int64_t days[64];
	int keep[64];
	size_t i;

	for (i = 0; i < n; i++)
		days[i] = day(dates[i]);
	ck_assert_int_eq(retain_keep(days, n, daily, weekly, keep), 0);
	for (i = 0; i < n; i++)
		out[i] = keep[i] ? '1' : '0';
	out[n] = '\0';
	return out;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(test_daily_weekly)
{
	/* 2026-12-06 is a Sunday; its week began Monday 11-30. */
	static const char *const d[] = {"2026-12-06", "2026-12-05",
	    "2026-12-04", "2026-12-03", "2026-12-02", "2026-12-01",
	    "2026-11-30", "2026-11-29", "2026-11-28", "2026-11-23",
	    "2026-11-22", "2026-11-16", "2026-11-09", "2026-11-02"};

	/* 3 daily: 12-06..12-04; weekly: 12-03 (week of 11-30), 11-29
	 * (week of 11-23), 11-22 (week of 11-16). */
	ck_assert_str_eq(keeps(d, N(d), 3, 3), "11110001001000");
}
END_TEST

START_TEST(test_few_and_none)
{
	static const char *const d[] = {"2026-12-06", "2026-12-01",
	    "2026-11-01", "2026-10-01", "2026-09-01"};
	int64_t x = 0;
	int k = 7;

	ck_assert_str_eq(keeps(d, N(d), 14, 8), "11111");
	/* Weekly 0: the daily ones alone. */
	ck_assert_str_eq(keeps(d, N(d), 2, 0), "11000");
	ck_assert_int_eq(retain_keep(&x, 0, 14, 8, &k), 0);
	ck_assert_int_eq(k, 7);
}
END_TEST

/* Any order in; two copies of one day count once, the first kept. */
START_TEST(test_order_and_duplicates)
{
	static const char *const d[] = {
	    "2026-12-01", "2026-12-03", "2026-12-03", "2026-11-01"};

	ck_assert_str_eq(keeps(d, N(d), 1, 1), "1100");
	ck_assert_str_eq(keeps(d, N(d), 2, 0), "1100");
	ck_assert_str_eq(keeps(d, N(d), 3, 0), "1101");
}
END_TEST

/* Counted over the copies there are: after a month off, the last
 * DAILY + WEEKLY are still kept. */
START_TEST(test_gap)
{
	static const char *const d[] = {
	    "2026-12-06", "2026-10-01", "2026-09-30", "2026-09-20"};

	ck_assert_str_eq(keeps(d, N(d), 2, 1), "1110");
	ck_assert_str_eq(keeps(d, N(d), 2, 2), "1111");
}
END_TEST

/* Weeks run Monday to Sunday, across a year's end. */
START_TEST(test_year_end)
{
	static const char *const d[] = {
	    "2026-01-05", "2026-01-04", "2025-12-29", "2025-12-28"};

	ck_assert_str_eq(keeps(d, N(d), 1, 3), "1101");
}
END_TEST

static Suite *
check_retain_suite(void)
{
	Suite *s = suite_create("check_retain");
	TCase *tc = tcase_create("retain");

	tcase_add_test(tc, test_day);
	tcase_add_test(tc, test_daily_weekly);
	tcase_add_test(tc, test_few_and_none);
	tcase_add_test(tc, test_order_and_duplicates);
	tcase_add_test(tc, test_gap);
	tcase_add_test(tc, test_year_end);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(check_retain_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
