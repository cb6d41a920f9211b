/*
 * Unit suite for server/basket.c: a basket's lines resolved to items
 * (barcodes normalized, repeated items merged, quantities bounded, the
 * faults that name a line), and the lots taken and kept as they are read.
 * The look-up is a table here: basket_resolve asks its caller for an
 * item, and the integration suites (itest_distributions, itest_sales)
 * drive it with the database's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "server.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The table's items: one by its GTIN-13 (UPC-A 036000291452 as stored),
 * one by an internal label; id 666 fails as the database would. */
static const struct {
	int64_t id;
	const char *code;
} table[] = {{7, "0036000291452"}, {9, "LABEL-9"}, {666, "BROKEN"}};

/* What find was asked: the slot of each call. */
struct finds {
	int k[16];
	int n;
};

static int
find(void *arg, int k, const char *code, int64_t id, int64_t *item)
{
	struct finds *fs = arg;
	size_t i;

	ck_assert_int_lt(fs->n, (int)N(fs->k));
	fs->k[fs->n++] = k;
	for (i = 0; i < N(table); i++)
		if (code != NULL ? strcmp(code, table[i].code) == 0
		                 : id == table[i].id) {
			*item = table[i].id;
			return table[i].id == 666 ? DB_ERR : DB_OK;
		}
	return DB_NONE;
}

static void
line(struct dist_line_in *l, const char *barcode, int64_t id, int64_t qty)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->barcode, sizeof(l->barcode), "%s", barcode);
	l->item_id = id;
	l->quantity = qty;
}

/* The detail key's number; fails if it is not there. */
static int64_t
detail(const struct fault *f, const char *key)
{
	int i;

	for (i = 0; i < f->ndetails; i++)
		if (strcmp(f->details[i].key, key) == 0)
			return f->details[i].num;
	ck_abort_msg("no detail %s", key);
	return -1;
}

/* Resolves l[0 .. n) into b with a fresh fault; find's calls in fs. */
static int
resolve(const struct dist_line_in *l, int n, struct basket_item *b, int *nb,
    struct finds *fs, struct fault *f)
{
	memset(f, 0, sizeof(*f));
	memset(fs, 0, sizeof(*fs));
	return basket_resolve(l, n, find, fs, b, nb, f);
}

/* The fault about line elem - 1, as the client sees it. */
static void
line_fault_is(const struct fault *f, enum fault_kind kind, const char *code,
    const char *message, const char *field, int elem)
{
	ck_assert_int_eq(f->kind, kind);
	ck_assert_str_eq(f->code, code);
	ck_assert_str_eq(f->message, message);
	ck_assert_str_eq(f->field, field);
	ck_assert_int_eq(f->elem, elem);
	ck_assert_int_eq(detail(f, "line"), elem - 1);
}

static void
item_is(const struct basket_item *b, int64_t id, int64_t qty, int line_no)
{
	ck_assert_int_eq(b->id, id);
	ck_assert_int_eq(b->qty, qty);
	ck_assert_int_eq(b->line, line_no);
}

static void
lot_is(const struct dist_lot *l, int64_t id, int64_t qty, int64_t unit)
{
	ck_assert_int_eq(l->lot_id, id);
	ck_assert_int_eq(l->quantity, qty);
	ck_assert_int_eq(l->unit_value_fen, unit);
}

START_TEST(test_merge)
{
	struct dist_line_in l[4];
	struct basket_item b[4];
	struct finds fs;
	struct fault f;
	int n = -1;

	line(&l[0], "036000291452", 0, 2);
	line(&l[1], "", 9, 1);
	line(&l[2], "", 7, 3);
	line(&l[3], "LABEL-9", 0, 4);
	ck_assert_int_eq(resolve(l, 4, b, &n, &fs, &f), 0);
	ck_assert_int_eq(n, 2);
	item_is(&b[0], 7, 5, 2);
	item_is(&b[1], 9, 5, 3);
	/* Each look-up goes to the next free slot: a repeat's is reused. */
	ck_assert_int_eq(fs.n, 4);
	ck_assert_int_eq(fs.k[0], 0);
	ck_assert_int_eq(fs.k[1], 1);
	ck_assert_int_eq(fs.k[2], 2);
	ck_assert_int_eq(fs.k[3], 2);
	ck_assert_int_eq(f.kind, FAULT_NONE);
}
END_TEST

START_TEST(test_faults)
{
	struct dist_line_in l[3];
	struct basket_item b[3];
	struct finds fs;
	struct fault f;
	int n;

	line(&l[0], "", 7, 1);
	line(&l[1], "4006381333932", 0, 1); /* its check digit is 1 */
	ck_assert_int_eq(resolve(l, 2, b, &n, &fs, &f), -1);
	line_fault_is(&f, FAULT_BAD, "bad_barcode",
	    "4006381333932 is not a valid barcode", "barcode", 2);
	ck_assert_int_eq(fs.n, 1); /* the bad code was not looked up */

	line(&l[0], "", 42, 1);
	ck_assert_int_eq(resolve(l, 1, b, &n, &fs, &f), -1);
	line_fault_is(&f, FAULT_NOT_FOUND, "not_found", "line 0: no such item",
	    "item_id", 1);
	line(&l[0], "", 7, 1);
	line(&l[1], "NO-SUCH", 0, 1);
	ck_assert_int_eq(resolve(l, 2, b, &n, &fs, &f), -1);
	line_fault_is(&f, FAULT_NOT_FOUND, "not_found", "line 1: no such item",
	    "barcode", 2);

	/* A merged item's quantity is bounded, and its sum may not
	 * overflow. */
	line(&l[0], "", 7, LIMIT_QUANTITY);
	line(&l[1], "", 9, 1);
	line(&l[2], "036000291452", 0, 1);
	ck_assert_int_eq(resolve(l, 2, b, &n, &fs, &f), 0);
	ck_assert_int_eq(b[0].qty, LIMIT_QUANTITY);
	ck_assert_int_eq(resolve(l, 3, b, &n, &fs, &f), -1);
	line_fault_is(&f, FAULT_BAD, "bad_field", "line 2: quantity too large",
	    "quantity", 3);
	line(&l[0], "", 7, 1);
	line(&l[1], "", 7, INT64_MAX);
	ck_assert_int_eq(resolve(l, 2, b, &n, &fs, &f), -1);
	line_fault_is(&f, FAULT_BAD, "bad_field", "line 1: quantity too large",
	    "quantity", 2);

	/* The database's failure is not the line's. */
	line(&l[0], "BROKEN", 0, 1);
	ck_assert_int_eq(resolve(l, 1, b, &n, &fs, &f), -1);
	ck_assert_int_eq(f.kind, FAULT_INTERNAL);
	ck_assert_str_eq(f.code, "internal");
	ck_assert_int_eq(f.elem, 0);
}
END_TEST

START_TEST(test_line_field)
{
	struct dist_line_in l[2];

	line(&l[0], "LABEL-9", 0, 1);
	line(&l[1], "", 9, 1);
	ck_assert_str_eq(basket_line_field(l, 0), "barcode");
	ck_assert_str_eq(basket_line_field(l, 1), "item_id");
}
END_TEST

/* Lots are taken until the line is met, the array growing as it must. */
START_TEST(test_take)
{
	struct dist_lots lots = {NULL, 0, 0};
	struct basket_take t = {&lots, 25};
	int64_t row[3];
	int i;

	for (i = 0; i < 20; i++) {
		row[0] = 100 + i;
		row[1] = 1;
		row[2] = 50;
		ck_assert_int_eq(basket_take_lot(row, &t), 0);
	}
	ck_assert_uint_eq(lots.n, 20);
	ck_assert_uint_ge(lots.cap, 20);
	ck_assert_int_eq(t.want, 5);
	row[0] = 200;
	row[1] = 10;
	row[2] = 75;
	ck_assert_int_eq(basket_take_lot(row, &t), 1);
	ck_assert_int_eq(t.want, 0);
	ck_assert_uint_eq(lots.n, 21);
	lot_is(&lots.v[0], 100, 1, 50);
	lot_is(&lots.v[19], 119, 1, 50);
	lot_is(&lots.v[20], 200, 5, 75);
	free(lots.v);
}
END_TEST

START_TEST(test_keep)
{
	struct basket_lots ls = {NULL, 0, 0};
	int64_t row[2];
	int i;

	for (i = 0; i < 40; i++) {
		row[0] = i;
		row[1] = 3 * i;
		ck_assert_int_eq(basket_keep_lot(row, &ls), 0);
	}
	ck_assert_uint_eq(ls.n, 40);
	ck_assert_uint_ge(ls.cap, 40);
	for (i = 0; i < 40; i++) {
		ck_assert_int_eq(ls.v[i][0], i);
		ck_assert_int_eq(ls.v[i][1], 3 * i);
	}
	free(ls.v);
}
END_TEST

static Suite *
check_basket_suite(void)
{
	Suite *s = suite_create("check_basket");
	TCase *tc = tcase_create("basket");

	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_line_field);
	tcase_add_test(tc, test_take);
	tcase_add_test(tc, test_keep);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(check_basket_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
