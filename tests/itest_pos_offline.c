/*
 * itest_pos_offline: the real cishan-pos (--script -) against the real
 * server, offline without leaking goods: the till's own online sale
 * counts against the household it caches, so an offline basket cannot
 * take the same limited goods again or spend the same points twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200 - 58);
	s = pos_itest_cmd(&T, "scan %s", RICE); /* taken already this month */
	ck_assert_msg(
	    flagged(line(s, 0), "limit_exceeded"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "limit_exceeded"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
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
	ck_assert_int_eq(pos_itest_num(s, "pending"), 1);
	/* Offline again: both the posted sale and the journalled one held. */
	s = pos_itest_cmd(&T, "scan %s", T.card);
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200 - 58 - 18);
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
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200 - 4);
	pos_itest_cmd(&T, "cancel");
	pos_itest_kill(&T);
	s = pos_itest_cmd(&T, "scan %s", T.card); /* the cache, not twice */
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(cJSON_IsObject(hh), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200 - 4);
	pos_itest_cmd(&T, "cancel");
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

/* The server's open conflicts, once the till has reported n of them. */
static cJSON *
conflicts_open(int n)
{
	cJSON *l = NULL;
	int st, i;

	for (i = 0; i < 50; i++) {
		l = itest_req(&T.srv, "GET", "/api/v1/offline-conflicts",
		    T.manager, NULL, &st);
		ck_assert_int_eq(st, 200);
		if (cJSON_GetArraySize(itest_items(l)) >= n)
			break;
		pos_itest_cmd(&T, "wait 100");
	}
	return l;
}

/*
 * This till offline and another till online sell to the same households:
 * the replays are refused, the till reports both baskets, a manager
 * resolves one by override and one as a write-off, and verify passes.
 */
START_TEST(t_two_tills_conflicts_resolved)
{
	char card2[32];
	cJSON *s, *l, *c;
	const cJSON *x;
	int64_t id[2] = {0, 0};
	int st, k = 0;

	pos_itest_household(&T, "dibao", card2);
	pos_itest_start(&T, args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card); /* both cached */
	pos_itest_cmd(&T, "cancel");
	pos_itest_cmd(&T, "scan %s", card2);
	pos_itest_cmd(&T, "cancel");
	pos_itest_kill(&T);
	pos_itest_cmd(&T, "scan %s", T.card);
	pos_itest_cmd(&T, "scan %s", RICE);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	pos_itest_cmd(&T, "scan %s", card2);
	pos_itest_cmd(&T, "scan %s", RICE);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "pending"), 2);
	/* Meanwhile the other till, online, gave both their month's rice. */
	pos_itest_serve(&T);
	itest_req(&T.srv, "POST", "/api/v1/distributions", T.manager,
	    itest_f("{'client_id':'%s','till_id':'T2','household_card':'%s',"
	            "'lines':[{'barcode':'%s','quantity':1}]}",
	        itest_uuid(), T.card, RICE),
	    &st);
	ck_assert_int_eq(st, 201);
	itest_req(&T.srv, "POST", "/api/v1/distributions", T.manager,
	    itest_f("{'client_id':'%s','till_id':'T2','household_card':'%s',"
	            "'lines':[{'barcode':'%s','quantity':1}]}",
	        itest_uuid(), card2, RICE),
	    &st);
	ck_assert_int_eq(st, 201);
	pos_itest_cmd(&T, "scan %s", T.card); /* online again: replay */
	s = pos_itest_until(&T, pos_itest_nothing_pending, 10);
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_num(s, "conflicts"), 2);
	ck_assert_int_eq(pos_itest_count(&T), 0);
	/* Reported: the goods that left are on the server's record. */
	l = conflicts_open(2);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(l)), 2);
	cJSON_ArrayForEach(x, itest_items(l))
	{
		ck_assert_str_eq(itest_str(x, "till_id"), "T1");
		ck_assert_str_eq(
		    itest_str(x, "local_no"), itest_f("L-T1-%d", k + 1));
		ck_assert_str_eq(itest_str(itest_obj(x, "refusal"), "code"),
		    "limit_exceeded");
		id[k++] = itest_int(x, "id");
	}
	itest_verify(T.srv.db, 0, "not resolved");
	c = itest_req(&T.srv, "POST",
	    itest_f("/api/v1/offline-conflicts/%lld/resolve", (long long)id[0]),
	    T.manager, "{'as':'override','reason':'断网时已发放'}", &st);
	ck_assert_int_eq(st, 200);
	ck_assert_str_eq(
	    itest_str(itest_obj(c, "resolution"), "receipt_no"), "T1-000001");
	c = itest_req(&T.srv, "POST",
	    itest_f("/api/v1/offline-conflicts/%lld/resolve", (long long)id[1]),
	    T.manager, "{'as':'write_off','reason':'断网超发'}", &st);
	ck_assert_int_eq(st, 200);
	ck_assert_int_eq(itest_int(itest_obj(c, "resolution"), "unmatched"), 0);
	/* Reported once: a later run of the till sends nothing again. */
	ck_assert_int_eq(pos_itest_end(&T), 0);
	pos_itest_start(&T, args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "wait 300");
	ck_assert_int_eq(pos_itest_end(&T), 0);
	l = itest_req(&T.srv, "GET", "/api/v1/offline-conflicts?status=all",
	    T.manager, NULL, &st);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(l)), 2);
	itest_verify(T.srv.db, 1, NULL);
}
END_TEST

/* Now in zone tz, "YYYY-MM-DD HH:" (the till's machine stays UTC). */
static const char *
hour_in(const char *tz)
{
	char buf[32];
	time_t now = time(NULL);
	struct tm tm;

	setenv("TZ", tz, 1);
	tzset();
	localtime_r(&now, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:", &tm);
	setenv("TZ", "UTC", 1);
	tzset();
	return itest_f("%s", buf);
}

/* The till's machine on UTC: its offline receipt is in the store's time
 * and under the store's name, both as the server told it at log-in. */
START_TEST(t_store_time_and_name)
{
	const char *paper = itest_f("%s/paper", T.srv.dir);
	const char *fargs[] = {"--scanner", "none", "--printer",
	    itest_f("file:%s", paper), "--probe", "600000", NULL};
	const char *before, *after;
	cJSON *s;
	FILE *f;
	int st;

	itest_req(&T.srv, "PATCH", "/api/v1/store", T.manager,
	    "{'name':'慈善超市南京路'}", &st);
	ck_assert_int_eq(st, 200);
	f = fopen(paper, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	setenv("TZ", "UTC", 1);
	tzset();
	before = hour_in("Asia/Shanghai");
	pos_itest_start(&T, fargs);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card);
	pos_itest_kill(&T);
	pos_itest_cmd(&T, "scan %s", SOAP);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_end(&T), 0);
	after = hour_in("Asia/Shanghai");
	ck_assert_msg(
	    itest_file_has(paper, before) || itest_file_has(paper, after),
	    "no %s in the receipt", before);
	ck_assert(!itest_file_has(paper, hour_in("UTC")));
	/* 慈善超市南京路 in GBK. */
	ck_assert(itest_file_has(
	    paper, "\xb4\xc8\xc9\xc6\xb3\xac\xca\xd0\xc4\xcf\xbe\xa9\xc2\xb7"));
	/* Offline from the start, the till keeps the store it was told. */
	f = fopen(paper, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	pos_itest_start(&T, fargs);
	pos_itest_cmd(&T, "shift");
	ck_assert_int_eq(pos_itest_end(&T), 0);
	ck_assert(itest_file_has(
	    paper, "\xb4\xc8\xc9\xc6\xb3\xac\xca\xd0\xc4\xcf\xbe\xa9\xc2\xb7"));
	ck_assert(
	    itest_file_has(paper, before) || itest_file_has(paper, after));
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
	tcase_add_test(tc, t_two_tills_conflicts_resolved);
	tcase_add_test(tc, t_store_time_and_name);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
