/*
 * notice_suppress: which counts of households a public notice hides.
 * Counts 1..4 are hidden ("<5"); when exactly one is, the smallest other
 * non-zero count is hidden too, so the total minus the shown cells never
 * gives a hidden one away. Fixed cases, then every array of up to five
 * counts from a small alphabet against the rule written out here.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server.h"

#define CHECK_NOTICE_MAX 8

/* Runs notice_suppress on COUNT and compares with WANT (0/1 each). */
static void
check_notice_case(const int64_t *count, int n, const int *want)
{
	int hide[CHECK_NOTICE_MAX], i;
	char got_s[64] = "", want_s[64] = "";

	/* Poison: every cell must be written. */
	for (i = 0; i < CHECK_NOTICE_MAX; i++)
		hide[i] = 7;
	notice_suppress(count, n, hide);
	for (i = 0; i < n; i++) {
		got_s[i] = hide[i] == 1 ? 'H' : hide[i] == 0 ? '.' : '?';
		want_s[i] = want[i] ? 'H' : '.';
	}
	ck_assert_msg(strcmp(got_s, want_s) == 0,
	    "counts %lld %lld %lld %lld %lld (n=%d): hidden %s, want %s",
	    (long long)(n > 0 ? count[0] : 0),
	    (long long)(n > 1 ? count[1] : 0),
	    (long long)(n > 2 ? count[2] : 0),
	    (long long)(n > 3 ? count[3] : 0),
	    (long long)(n > 4 ? count[4] : 0), n, got_s, want_s);
	for (i = n; i < CHECK_NOTICE_MAX; i++)
		ck_assert_msg(hide[i] == 7, "wrote past n=%d at %d", n, i);
}

#define CASE(c, w)                                                             \
	do {                                                                   \
		static const int64_t c_[] = c;                                 \
		static const int w_[] = w;                                     \
		ck_assert_int_eq(                                              \
		    sizeof c_ / sizeof c_[0], sizeof w_ / sizeof w_[0]);       \
		check_notice_case(c_, (int)(sizeof c_ / sizeof c_[0]), w_);    \
	} while (0)
#define L(...)                                                                 \
	{                                                                      \
		__VA_ARGS__                                                    \
	}

START_TEST(test_nothing_small)
{
	CASE(L(10, 6, 0, 7), L(0, 0, 0, 0));
	CASE(L(5, 5), L(0, 0));
	CASE(L(0), L(0));
	CASE(L(0, 0, 0), L(0, 0, 0));
	CASE(L(1000000), L(0));
	check_notice_case(NULL, 0, NULL);
}
END_TEST

START_TEST(test_small_hidden)
{
	CASE(L(1, 2, 3, 4), L(1, 1, 1, 1));
	CASE(L(2, 3, 9), L(1, 1, 0));
	CASE(L(4, 0, 4, 50), L(1, 0, 1, 0));
	/* 4 is small, 5 is not. */
	CASE(L(4, 9, 5), L(1, 0, 1));
}
END_TEST

START_TEST(test_second_cell)
{
	/* One small cell: the smallest other non-zero one goes with it. */
	CASE(L(2, 6, 10), L(1, 1, 0));
	CASE(L(10, 6, 2), L(0, 1, 1));
	CASE(L(0, 3, 0, 8, 12), L(0, 1, 0, 1, 0));
	CASE(L(30, 1, 0, 5, 7), L(0, 1, 0, 1, 0));
	CASE(L(6, 2), L(1, 1));
	/* Alone (the total is then as small and hidden by itself). */
	CASE(L(3), L(1));
	CASE(L(0, 4, 0), L(0, 1, 0));
}
END_TEST

START_TEST(test_tie)
{
	int64_t c[3] = {1, 7, 7};
	int hide[3], n;

	notice_suppress(c, 3, hide);
	n = hide[0] + hide[1] + hide[2];
	ck_assert_int_eq(hide[0], 1);
	ck_assert_msg(n == 2, "{1,7,7}: %d hidden, want 2", n);
}
END_TEST

/*
 * Every array of N counts from {0, 1, 3, 4, 5, 6, 9}, N = 1..5: the rule,
 * and what it is for. Whatever is shown, total - shown is never exactly
 * one hidden cell unless that cell is the only non-zero one (and then
 * the total is as small as it, and hidden itself).
 */
START_TEST(test_all_small_arrays)
{
	static const int64_t alphabet[] = {0, 1, 3, 4, 5, 6, 9};
	const int na = (int)(sizeof alphabet / sizeof alphabet[0]);
	int64_t c[5], total, shown;
	int hide[5], n, i, k, idx, small, hidden, nonzero, extra, one = -1;
	long combos, m;

	for (n = 1; n <= 5; n++) {
		combos = 1;
		for (i = 0; i < n; i++)
			combos *= na;
		for (m = 0; m < combos; m++) {
			idx = (int)m;
			total = shown = 0;
			small = hidden = nonzero = extra = 0;
			for (i = 0; i < n; i++) {
				c[i] = alphabet[idx % na];
				idx /= na;
				total += c[i];
				nonzero += c[i] > 0;
				small += c[i] > 0 && c[i] < 5;
			}
			notice_suppress(c, n, hide);
			for (i = 0; i < n; i++) {
				ck_assert(hide[i] == 0 || hide[i] == 1);
				if (c[i] > 0 && c[i] < 5)
					ck_assert_msg(hide[i],
					    "count %lld shown",
					    (long long)c[i]);
				if (c[i] == 0)
					ck_assert_msg(!hide[i], "a 0 hidden");
				if (hide[i]) {
					hidden++;
					one = i;
				} else
					shown += c[i];
				if (hide[i] && c[i] >= 5)
					extra++;
			}
			/* At most one cell beyond the small ones, and only
			 * when one small cell would stand alone. */
			ck_assert_int_le(extra, 1);
			if (extra == 1) {
				ck_assert_int_eq(small, 1);
				for (k = 0; k < n; k++)
					for (i = 0; i < n; i++)
						if (hide[i] && c[i] >= 5 &&
						    !hide[k] && c[k] >= 5)
							ck_assert_int_le(
							    c[i], c[k]);
			} else if (small == 1)
				ck_assert_int_eq(nonzero, 1);
			if (hidden == 1)
				ck_assert_msg(nonzero == 1 && total < 5 &&
				        total - shown == c[one],
				    "one cell hidden among %d non-zero",
				    nonzero);
		}
	}
}
END_TEST

static Suite *
check_notice_suite(void)
{
	Suite *s = suite_create("notice_suppress");
	TCase *tc = tcase_create("suppress");

	tcase_add_test(tc, test_nothing_small);
	tcase_add_test(tc, test_small_hidden);
	tcase_add_test(tc, test_second_cell);
	tcase_add_test(tc, test_tie);
	tcase_add_test(tc, test_all_small_arrays);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(check_notice_suite());
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
