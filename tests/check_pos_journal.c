/* check_pos_journal: rows survive a reopen, replay order, held sums. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pos.h"

static char path[64];

static void
setup(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_pos_journal.XXXXXX");
	ck_assert((fd = mkstemp(path)) >= 0);
	close(fd);
	unlink(path);
}

static void
teardown(void)
{
	char p[80];

	unlink(path);
	snprintf(p, sizeof(p), "%s-wal", path);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", path);
	unlink(p);
}

static void
line(struct till_line *l, int64_t id, int64_t points, int64_t qty)
{
	memset(l, 0, sizeof(*l));
	l->item.id = id;
	l->item.points = points;
	l->qty = qty;
}

START_TEST(t_order_state_reopen)
{
	struct journal *j;
	struct journal_entry e;
	struct till_line l[2];
	int64_t n, pts, off, qty;

	ck_assert_int_eq(journal_open(path, &j), 0);
	line(&l[0], 7, 10, 2);
	line(&l[1], 8, 5, 1);
	ck_assert_int_eq(
	    journal_add(j, "cid-1", "TC1", "{\"a\":1}", 0, 25, 3, l, 2, 100),
	    0);
	ck_assert_int_eq(
	    journal_add(j, "cid-2", "TC1", "{\"a\":2}", 1, 10, 1, l, 1, 101),
	    0);
	/* The same client_id twice is refused: one row, one distribution. */
	ck_assert_int_lt(
	    journal_add(j, "cid-1", "TC1", "{}", 0, 1, 1, l, 1, 102), 0);
	ck_assert_int_eq(journal_held(j, "TC1", 7, &pts, &off, &qty), 0);
	ck_assert_int_eq(pts, 35);
	ck_assert_int_eq(off, 10);
	ck_assert_int_eq(qty, 4);
	journal_close(j);

	ck_assert_int_eq(journal_open(path, &j), 0);
	ck_assert_int_eq(journal_next(j, &e), 1);
	ck_assert_str_eq(e.client_id, "cid-1");
	ck_assert_str_eq(e.body, "{\"a\":1}");
	journal_entry_free(&e);
	ck_assert_int_eq(journal_set(j, "cid-1", JOURNAL_POSTED, "{}"), 0);
	ck_assert_int_eq(journal_next(j, &e), 1);
	ck_assert_str_eq(e.client_id, "cid-2");
	ck_assert_int_eq(e.offline, 1);
	journal_entry_free(&e);
	ck_assert_int_eq(
	    journal_set(j, "cid-2", JOURNAL_CONFLICT, "{\"e\":1}"), 0);
	ck_assert_int_eq(journal_next(j, &e), 0);
	ck_assert_int_eq(journal_count(j, JOURNAL_CONFLICT, &n), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(journal_count(j, JOURNAL_PENDING, &n), 0);
	ck_assert_int_eq(n, 0);
	/* Answered after the household was cached: still held (the cache
	 * does not count them), offline points apart. */
	ck_assert_int_eq(journal_held(j, "TC1", 7, &pts, &off, &qty), 0);
	ck_assert_int_eq(pts, 35);
	ck_assert_int_eq(off, 0);
	ck_assert_int_eq(qty, 4);
	/* A household cached after them counts them: none held. */
	ck_assert_int_eq(
	    journal_cache_put(j, JOURNAL_HOUSEHOLD, "TC1", "{}"), 0);
	ck_assert_int_eq(journal_held(j, "TC1", 7, &pts, &off, &qty), 0);
	ck_assert_int_eq(pts + off + qty, 0);
	ck_assert_int_eq(journal_shift(j, 100, &n, &pts, &qty), 0);
	ck_assert_int_eq(n, 1); /* the posted one; the conflict is not given */
	ck_assert_int_eq(pts, 25);
	journal_close(j);
}
END_TEST

START_TEST(t_cache)
{
	struct journal *j;
	char *s;

	ck_assert_int_eq(journal_open(path, &j), 0);
	ck_assert_ptr_null(journal_cache_get(j, JOURNAL_ITEM, "690"));
	ck_assert_int_eq(journal_cache_put(j, JOURNAL_ITEM, "690", "{1}"), 0);
	ck_assert_int_eq(journal_cache_put(j, JOURNAL_ITEM, "690", "{2}"), 0);
	s = journal_cache_get(j, JOURNAL_ITEM, "690");
	ck_assert_str_eq(s, "{2}");
	free(s);
	ck_assert_ptr_null(journal_cache_get(j, JOURNAL_HOUSEHOLD, "690"));
	journal_close(j);
	journal_close(NULL);
}
END_TEST

START_TEST(t_bad_path)
{
	struct journal *j;

	ck_assert_int_lt(journal_open("/nonexistent/dir/j.db", &j), 0);
	ck_assert_ptr_nonnull(strstr(journal_error(j), "journal"));
	journal_close(j);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_journal");
	TCase *tc = tcase_create("journal");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_order_state_reopen);
	tcase_add_test(tc, t_cache);
	tcase_add_test(tc, t_bad_path);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
