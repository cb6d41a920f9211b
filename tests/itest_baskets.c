/*
 * Baskets larger than one statement writes against the real server: a
 * redemption writes its lines and movements DB_ROWS_MAX (4) rows a
 * statement, so a basket of 6 lines, one of them over 6 lots, crosses
 * every boundary. Each line keeps its own lots (as stored, read back
 * through the movements that name the line), stock and points add up, a
 * void gives everything back, and `verify` passes (chain included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define ITEST_BASKETS_N 6

/* The lot ids of line K of a distribution; their count. */
static int
itest_baskets_lots(const cJSON *d, int k, int64_t *out, int max)
{
	cJSON *l = cJSON_GetArrayItem(itest_arr(d, "lines"), k), *e;
	int n = 0;

	ck_assert_ptr_nonnull(l);
	cJSON_ArrayForEach(e, itest_arr(l, "lot_ids"))
	{
		ck_assert(cJSON_IsNumber(e));
		ck_assert_int_lt(n, max);
		out[n++] = (int64_t)e->valuedouble;
	}
	return n;
}

START_TEST(test_many_rows)
{
	int64_t h, items[ITEST_BASKETS_N], first[ITEST_BASKETS_N], lots[8];
	const char *lines = "", *path;
	cJSON *j, *g, *l;
	int64_t id, total = 0;
	int i, n;

	h = itest_household("B-1", "dibao", 2, -5, 300);
	itest_grant(h, 1000);
	for (i = 0; i < ITEST_BASKETS_N; i++)
		items[i] = itest_item(itest_f("货品%d", i),
		    itest_f("CS-BASKET-%d", i), i + 1, 0, 0);
	/* The first item in six lots of one, latest-expiring first. */
	for (i = 0; i < 6; i++)
		first[5 - i] = itest_lot(items[0], 1, itest_date(60 - 10 * i));
	for (i = 1; i < ITEST_BASKETS_N; i++)
		itest_lot(items[i], 10, NULL);
	for (i = 0; i < ITEST_BASKETS_N; i++) {
		lines = itest_f("%s%s%s", lines, i ? "," : "",
		    itest_line(items[i], i == 0 ? 6 : i));
		total += (i + 1) * (i == 0 ? 6 : i);
	}

	j = itest_basket(itest_admin, NULL, "T01", "B-1", lines, NULL);
	id = itest_int(j, "id");
	ck_assert_int_eq(itest_int(j, "points_total"), total);
	ck_assert_int_eq(itest_int(j, "points_balance"), 1000 - total);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(j, "lines")), ITEST_BASKETS_N);
	n = itest_baskets_lots(j, 0, lots, 8);
	ck_assert_int_eq(n, 6);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(lots[i], first[i]);
	for (i = 0; i < ITEST_BASKETS_N; i++) {
		l = cJSON_GetArrayItem(itest_arr(j, "lines"), i);
		ck_assert_int_eq(itest_int(l, "item_id"), items[i]);
		ck_assert_int_eq(itest_int(l, "quantity"), i == 0 ? 6 : i);
		ck_assert_int_eq(
		    itest_int(l, "points"), (i + 1) * (i == 0 ? 6 : i));
		if (i > 0)
			ck_assert_int_eq(itest_baskets_lots(j, i, lots, 8), 1);
	}
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(itest_lot_on_hand(items[0], first[i]), 0);
	ck_assert_int_eq(itest_hh_points(h), 1000 - total);

	/* As stored: each line's lots are the movements that name it. */
	g = itest_ok("GET",
	    itest_f("/api/v1/distributions/%lld", (long long)id), itest_admin,
	    NULL, 200);
	ck_assert_str_eq(itest_text(itest_arr(g, "lines")),
	    itest_text(itest_arr(j, "lines")));
	itest_verify(itest_s->db, 1, NULL);

	/* A void puts back every lot of every line. */
	path = itest_f("/api/v1/distributions/%lld/void", (long long)id);
	itest_ok("POST", path, itest_admin,
	    itest_f("{'client_id':'%s','reason':'退回'}", itest_uuid()), 201);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(itest_lot_on_hand(items[0], first[i]), 1);
	ck_assert_int_eq(itest_hh_points(h), 1000);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * A redemption writes its own figures (server/db_redeem.c): the month's
 * goods by item and household category are its lines, its points the
 * redeemed ones; `verify` passes, and names a figure nudged off its lines.
 */
START_TEST(test_figures)
{
	const char *db = itest_s->db, *out;
	int64_t h, a, b, points;
	cJSON *j;

	h = itest_household("B-2", "dibao", 2, -5, 300);
	itest_grant(h, 1000);
	a = itest_item("米", "CS-FIG-A", 2, 0, 0);
	b = itest_item_new(
	    itest_admin, "油", "oil", "'CS-FIG-B'", 250, 3, NULL);
	itest_lot(a, 10, NULL);
	itest_lot(b, 10, NULL);
	j = itest_basket(itest_admin, NULL, "T02", "B-2",
	    itest_f("%s,%s", itest_line(a, 2), itest_line(b, 3)), NULL);
	points = itest_int(j, "points_total");
	ck_assert_int_eq(points, 2 * 2 + 3 * 3);
	itest_s->own_dir = 0; /* keep the files past the stop */
	itest_stop(itest_s);
	itest_verify(db, 1, NULL);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT qty * 100000 + value FROM stats WHERE "
	                     "metric = 'distributed' AND k1 = 'grain' AND "
	                     "k2 = 'dibao'"),
	    2 * 100000 + 2 * 200);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT qty * 100000 + value FROM stats WHERE "
	                     "metric = 'distributed' AND k1 = 'oil' AND "
	                     "k2 = 'dibao'"),
	    3 * 100000 + 3 * 250);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT value FROM stats WHERE metric = 'points' "
	                     "AND k1 = 'redeem'"),
	    points);
	itest_sql(db,
	    "UPDATE stats SET qty = qty + 1 WHERE metric = "
	    "'distributed' AND k1 = 'oil'");
	out = itest_verify(db, 0, ", oil to dibao: the figures say 4 units");
	ck_assert_ptr_null(strstr(out, "grain to dibao"));
	itest_remove_dir(itest_s->dir);
}
END_TEST

static Suite *
itest_baskets_suite(void)
{
	Suite *s = suite_create("baskets");
	TCase *tc = itest_tcase("baskets");

	tcase_add_test(tc, test_many_rows);
	tcase_add_test(tc, test_figures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_baskets_suite());
}
