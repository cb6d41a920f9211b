/* check_pos_till: the till's rules, before anything is sent. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "pos.h"

static struct till t;

static struct till_item
item(int64_t id, int64_t points, int64_t limit, int prio)
{
	struct till_item it;

	memset(&it, 0, sizeof(it));
	it.id = id;
	it.points = points;
	it.monthly_limit = limit;
	it.priority_only = prio;
	snprintf(it.name, sizeof(it.name), "item%lld", (long long)id);
	return it;
}

static void
setup(void)
{
	struct till_household h;

	memset(&h, 0, sizeof(h));
	till_init(&t, TILL_ZH, 50);
	till_login(&t, "cashier", "cashier");
	snprintf(h.card, sizeof(h.card), "TC1");
	snprintf(h.status, sizeof(h.status), "active");
	h.points = 100;
	h.nlimits = 1;
	h.limits[0].item_id = 2;
	h.limits[0].monthly_limit = 3;
	h.limits[0].remaining = 1;
	till_household(&t, &h);
}

START_TEST(t_repeat_scan_adds_quantity)
{
	struct till_item a = item(1, 10, -1, 0);

	ck_assert_int_eq(t.stage, TILL_BASKET);
	ck_assert_int_eq(till_add(&t, &a), 0);
	ck_assert_int_eq(till_add(&t, &a), 0);
	ck_assert_uint_eq(t.nlines, 1);
	ck_assert_int_eq(t.lines[0].qty, 2);
	ck_assert_int_eq(till_total(&t), 20);
	ck_assert_int_eq(till_balance_after(&t), 80);
	ck_assert_int_eq(till_can_confirm(&t), 0);
}
END_TEST

START_TEST(t_rules_flag_lines)
{
	struct till_item lim = item(2, 5, 3, 0), pri = item(3, 1, -1, 1);
	struct till_item big = item(4, 99, -1, 0);

	till_add(&t, &lim);
	ck_assert_uint_eq(t.lines[0].flags, 0);
	till_add(&t, &lim); /* 1 left this month */
	ck_assert_uint_eq(t.lines[0].flags, TILL_F_LIMIT);
	ck_assert_int_ne(till_can_confirm(&t), 0);
	ck_assert_str_eq(t.msgs[t.nmsgs - 1].code, "limit_exceeded");
	till_qty(&t, 0, 1);
	ck_assert_uint_eq(t.lines[0].flags, 0);
	till_add(&t, &pri);
	ck_assert_uint_eq(t.lines[1].flags, TILL_F_PRIORITY);
	till_remove(&t, 1);
	till_add(&t, &big); /* 5 + 99 > 100: the line that passes it */
	ck_assert_uint_eq(t.lines[0].flags, 0);
	ck_assert_uint_eq(t.lines[1].flags, TILL_F_POINTS);
	ck_assert_int_eq(till_balance_after(&t), -4);
}
END_TEST

START_TEST(t_journal_held_counts)
{
	struct till_item lim = item(2, 5, 3, 0);

	lim.held = 1; /* the unsent journal already holds the last one */
	till_add(&t, &lim);
	ck_assert_uint_eq(t.lines[0].flags, TILL_F_LIMIT);
	ck_assert_int_eq(till_remaining(&t, &lim), 0);
}
END_TEST

START_TEST(t_offline_cap)
{
	struct till_item a = item(1, 30, -1, 0);

	t.online = 0;
	till_add(&t, &a);
	ck_assert_uint_eq(t.lines[0].flags, 0);
	till_add(&t, &a); /* 60 > cap 50 */
	ck_assert_uint_eq(t.lines[0].flags, TILL_F_OFFCAP);
	t.online = 1;
	till_check(&t);
	ck_assert_uint_eq(t.lines[0].flags, 0);
}
END_TEST

START_TEST(t_bounds_and_cancel)
{
	struct till_item a = item(1, 1, -1, 0);
	int64_t i;

	till_add(&t, &a);
	ck_assert_int_lt(till_qty(&t, 0, TILL_MAX_QTY + 1), 0);
	ck_assert_int_lt(till_qty(&t, 0, -1), 0);
	ck_assert_int_lt(till_qty(&t, 5, 1), 0);
	ck_assert_int_eq(till_qty(&t, 0, TILL_MAX_QTY), 0);
	ck_assert_int_lt(till_add(&t, &a), 0);
	for (i = 2; i <= TILL_MAX_LINES; i++) {
		struct till_item b = item(i, 1, -1, 0);

		ck_assert_int_ge(till_add(&t, &b), 0);
	}
	a.id = 999;
	ck_assert_int_lt(till_add(&t, &a), 0);
	ck_assert_str_eq(t.msgs[t.nmsgs - 1].code, "basket_full");
	ck_assert_int_eq(till_qty(&t, 0, 0), 0); /* 0 removes */
	ck_assert_uint_eq(t.nlines, TILL_MAX_LINES - 1);
	till_cancel(&t);
	ck_assert_uint_eq(t.nlines, 0);
	ck_assert_int_eq(t.stage, TILL_CARD);
	ck_assert_int_ne(till_can_confirm(&t), 0);
	ck_assert_str_eq(t.msgs[t.nmsgs - 1].code, "no_household");
}
END_TEST

START_TEST(t_inactive_household)
{
	struct till_item a = item(1, 1, -1, 0);

	snprintf(t.hh.status, sizeof(t.hh.status), "suspended");
	till_add(&t, &a);
	ck_assert_uint_eq(t.lines[0].flags, TILL_F_INACTIVE);
	ck_assert_int_ne(till_can_confirm(&t), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_till");
	TCase *tc = tcase_create("rules");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, t_repeat_scan_adds_quantity);
	tcase_add_test(tc, t_rules_flag_lines);
	tcase_add_test(tc, t_journal_held_counts);
	tcase_add_test(tc, t_offline_cap);
	tcase_add_test(tc, t_bounds_and_cancel);
	tcase_add_test(tc, t_inactive_household);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
