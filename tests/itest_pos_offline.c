/*
 * itest_pos_offline: the real cishan-pos (--script -) against the real
 * server, offline without leaking goods: the till's own online sale
 * counts against the household it caches, so an offline basket cannot
 * take the same limited goods again or spend the same points twice.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "pos_itest.h"

#define RICE  "6901234567014" /* 40 points, limit 1 a month */
#define FLOUR "6901234567021" /* 18 points, limit 2 */
#define SOAP  "6901234567151" /* 4 points, limit 3 */

static struct pos_itest T;

static const char *const args[] = {
    "--scanner", "none", "--printer", "mem", "--probe", "600000", NULL};

static void
setup(void)
{
	pos_itest_store(&T);
}

static void
teardown(void)
{
	pos_itest_done(&T);
}

static double
nget(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(cJSON_IsNumber(v), "no number %s", k);
	return v->valuedouble;
}

static const cJSON *
line(const cJSON *s, int i)
{
	return cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(s, "lines"), i);
}

static int
flagged(const cJSON *l, const char *flag)
{
	const cJSON *f;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(l, "flags"))
	{
		if (cJSON_IsString(f) && strcmp(f->valuestring, flag) == 0)
			return 1;
	}
	return 0;
}

/* The case: an online sale, the server gone, the same household
 * again from the cache written before that sale. */
START_TEST(t_stale_cache_after_online_sale)
{
	cJSON *s, *hh;

	pos_itest_start(&T, args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card); /* cached: 200 points */
	pos_itest_cmd(&T, "scan %s", RICE);
	pos_itest_cmd(&T, "scan %s", FLOUR);
	s = pos_itest_cmd(&T, "confirm"); /* online: 58 points */
	ck_assert_msg(pos_itest_msg(s, "confirmed"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_count(&T), 1);
	pos_itest_kill(&T);
	s = pos_itest_cmd(&T, "scan %s", T.card); /* from the cache */
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(hh, "cached")));
	ck_assert_int_eq(nget(hh, "points"), 200 - 58);
	s = pos_itest_cmd(&T, "scan %s", RICE); /* taken already this month */
	ck_assert_msg(
	    flagged(line(s, 0), "limit_exceeded"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "limit_exceeded"), "%s", itest_text(s));
	ck_assert_int_eq(nget(s, "pending"), 0);
	/* Flour: one of its two is left, not two. */
	pos_itest_cmd(&T, "remove");
	pos_itest_cmd(&T, "scan %s", FLOUR);
	s = pos_itest_cmd(&T, "scan %s", FLOUR);
	ck_assert_msg(
	    flagged(line(s, 0), "limit_exceeded"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "qty 1");
	ck_assert_msg(
	    !flagged(line(s, 0), "limit_exceeded"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	ck_assert_int_eq(nget(s, "pending"), 1);
	/* Offline again: both the posted sale and the journalled one held. */
	s = pos_itest_cmd(&T, "scan %s", T.card);
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert_int_eq(nget(hh, "points"), 200 - 58 - 18);
	s = pos_itest_cmd(&T, "scan %s", FLOUR);
	ck_assert_msg(
	    flagged(line(s, 0), "limit_exceeded"), "%s", itest_text(s));
	pos_itest_cmd(&T, "cancel");
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

/* Back online, the server's answer replaces what the journal held. */
START_TEST(t_online_again_counts_once)
{
	cJSON *s, *hh;

	pos_itest_start(&T, args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card);
	pos_itest_cmd(&T, "scan %s", SOAP);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "confirmed"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "scan %s", T.card); /* online: the server's */
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert(
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(hh, "cached")));
	ck_assert_int_eq(nget(hh, "points"), 200 - 4);
	pos_itest_cmd(&T, "cancel");
	pos_itest_kill(&T);
	s = pos_itest_cmd(&T, "scan %s", T.card); /* the cache, not twice */
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert_int_eq(nget(hh, "points"), 200 - 4);
	pos_itest_cmd(&T, "cancel");
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_offline");
	TCase *tc = tcase_create("offline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_stale_cache_after_online_sale);
	tcase_add_test(tc, t_online_again_counts_once);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
