/*
 * itest_cache: the read cache of the console's Today page (http_cache.c).
 * An answer asked again is served again, but never after a write (this
 * server's or another connection's), never to another user or role, and
 * the server's last log line counts the answers it served again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define LOW "/api/v1/stock?low=true&limit=500"

/* The read cache's count at the server's stop: "answered H of N". */
static void
cache_counts(struct itest_srv *s, long *hits, long *reads)
{
	const char *log, *p;

	s->own_dir = 0;
	itest_stop(s);
	log = itest_slurp(itest_f("%s/server.log", s->dir));
	p = strstr(log, "the read cache answered ");
	ck_assert_msg(p != NULL, "no cache line in the log:\n%s", log);
	ck_assert_int_eq(
	    sscanf(p, "the read cache answered %ld of %ld", hits, reads), 2);
	itest_remove_dir(s->dir);
}

/* Whether the low-stock list holds item. */
static int
low_has(const char *token, int64_t item)
{
	cJSON *j = itest_ok("GET", LOW, token, NULL, 200);

	return itest_find(itest_items(j), "item_id", item) != NULL;
}

START_TEST(t_writes_drop_answers)
{
	struct itest_roles r = itest_roles();
	int64_t item = itest_item("大米", "6901234567892", 10, 0, 0);
	int64_t hh;
	cJSON *a, *b, *d;
	long hits, reads;
	int i;

	itest_ok("PATCH", itest_f("/api/v1/items/%lld", (long long)item), r.mgr,
	    "{'min_stock':5}", 200);
	ck_assert(low_has(r.mgr, item));
	/* Asked again and again with nothing written: the same answer. */
	a = itest_ok("GET", LOW, r.mgr, NULL, 200);
	for (i = 0; i < 5; i++) {
		b = itest_ok("GET", LOW, r.mgr, NULL, 200);
		ck_assert_str_eq(itest_print(a), itest_print(b));
	}
	/* A write through the API: seen at once. */
	itest_lot(item, 8, NULL);
	ck_assert(!low_has(r.mgr, item));
	/* A write by another connection (an operator's sqlite3): too. */
	itest_sql(itest_s->db,
	    itest_f("UPDATE items SET min_stock = 50 WHERE id = %lld",
	        (long long)item));
	ck_assert(low_has(r.mgr, item));
	/* The day's distributions: a redemption shows in the next answer. */
	hh = itest_household("C-CACHE-1", "dibao", 2, -30, 300);
	itest_grant(hh, 100);
	d = itest_ok("GET",
	    itest_f("/api/v1/distributions?from=%s&to=%s&limit=500",
	        itest_date(0), itest_date(0)),
	    r.mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(d)), 0);
	itest_basket(
	    r.cashier, NULL, "T1", "C-CACHE-1", itest_line(item, 1), NULL);
	d = itest_ok("GET",
	    itest_f("/api/v1/distributions?from=%s&to=%s&limit=500",
	        itest_date(0), itest_date(0)),
	    r.mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(d)), 1);
	cache_counts(itest_s, &hits, &reads);
	/* The five asked again with nothing written between were served
	 * again; every answer after a write was computed. */
	ck_assert_int_ge(hits, 5);
	ck_assert_int_le(hits, reads - 5);
}
END_TEST

START_TEST(t_answers_are_per_user)
{
	struct itest_roles r = itest_roles();
	const char *q = "/api/v1/households?limit=500";
	const char *mgr2 = itest_user(itest_s, "manager2", "manager");
	cJSON *m, *a, *m2;
	const cJSON *hm, *ha;
	int i, st;

	itest_household("C-CACHE-2", "dibao", 3, -30, 300);
	/* The auditor checks figures, not people: its answer is masked,
	 * the manager's is not, asked in any order and again. */
	for (i = 0; i < 3; i++) {
		m = itest_ok("GET", q, r.mgr, NULL, 200);
		a = itest_ok("GET", q, r.auditor, NULL, 200);
		m2 = itest_ok("GET", q, mgr2, NULL, 200);
		hm = cJSON_GetArrayItem(itest_items(m), 0);
		ha = cJSON_GetArrayItem(itest_items(a), 0);
		ck_assert_ptr_nonnull(hm);
		ck_assert_ptr_nonnull(ha);
		ck_assert_str_ne(itest_print(hm), itest_print(ha));
		ck_assert_str_eq(itest_print(m), itest_print(m2));
	}
	/* A token that has ended is refused, though its answer was kept. */
	itest_req(itest_s, "DELETE", "/api/v1/sessions/current", r.auditor,
	    NULL, &st);
	ck_assert_int_eq(st, 204);
	itest_refused("GET", q, r.auditor, NULL, 401, "unauthenticated", NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = itest_tcase("cache");

	tcase_add_test(tc, t_writes_drop_answers);
	tcase_add_test(tc, t_answers_are_per_user);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
