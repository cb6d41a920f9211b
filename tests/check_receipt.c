/* check_receipt: receipt layout by display width (CJK = 2 columns). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

START_TEST(t_width)
{
	ck_assert_int_eq(receipt_width("abc"), 3);
	ck_assert_int_eq(receipt_width("大米5kg"), 7);
	ck_assert_int_eq(receipt_width("\xc2\xa5"
	                               "1"),
	    3); /* ¥ prints as ￥ */
	ck_assert_int_eq(receipt_width("\xf0\x9f\x98\x80"), 1);
}
END_TEST

START_TEST(t_lr_fits)
{
	char b[128];

	receipt_line_lr(b, sizeof(b), "大米5kg", "12分", 20);
	ck_assert_str_eq(b, "大米5kg         12分\n");
	/* 20 columns, plus the newline counted as one. */
	ck_assert_int_eq(receipt_width(b), 21);
}
END_TEST

START_TEST(t_lr_wraps_long_left)
{
	char b[256];

	/* 12 CJK chars = 24 columns on a 16-column line. */
	receipt_line_lr(b, sizeof(b), "一二三四五六七八九十甲乙", "30", 16);
	ck_assert_str_eq(b,
	    "一二三四五六七八\n"
	    "九十甲乙      30\n");
	receipt_line_lr(b, sizeof(b), "一二三四五六七八", "30", 16);
	ck_assert_str_eq(b,
	    "一二三四五六七八\n"
	    "              30\n");
}
END_TEST

START_TEST(t_lr_odd_column)
{
	char b[64];

	/* A wide character never straddles the edge. */
	receipt_line_lr(b, sizeof(b), "a一二三", "", 6);
	ck_assert_str_eq(b, "a一二\n三    \n");
}
END_TEST

START_TEST(t_lr_length_without_buffer)
{
	char b[8];
	size_t n = receipt_line_lr(NULL, 0, "abc", "def", 32);

	ck_assert_uint_eq(n, 33);
	ck_assert_uint_eq(receipt_line_lr(b, sizeof(b), "abc", "def", 32), 33);
	ck_assert_uint_eq(strlen(b), 7);
}
END_TEST

START_TEST(t_center_rule_fit)
{
	char b[64];

	receipt_line_center(b, sizeof(b), "慈善超市", 16);
	ck_assert_str_eq(b, "    慈善超市\n");
	receipt_line_rule(b, sizeof(b), '-', 8);
	ck_assert_str_eq(b, "--------\n");
	receipt_fit(b, sizeof(b), "中文abc", 5);
	ck_assert_str_eq(b, "中文a");
}
END_TEST

START_TEST(t_cols)
{
	char b[128];
	const char *cells[] = {"食用油", "2", "40"};
	const int w[] = {10, 4, 6};

	receipt_line_cols(b, sizeof(b), cells, w, "lrr", 3);
	ck_assert_str_eq(b, "食用油      2     40\n");
	ck_assert_int_eq(receipt_width(b), 20 + 1);
}
END_TEST

START_TEST(t_escpos_wrappers)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	size_t n;
	const uint8_t *p;

	receipt_lr(e, "中", "1");
	p = escpos_bytes(e, &n);
	ck_assert_uint_eq(n, 33);
	ck_assert_mem_eq(p, "\xd6\xd0", 2);
	ck_assert_uint_eq(p[31], '1');
	ck_assert_uint_eq(p[32], '\n');
	escpos_reset(e);
	escpos_size(e, 2, 2);
	receipt_rule(e, '=');
	p = escpos_bytes(e, &n);
	ck_assert_uint_eq(n, 3 + 16 + 1);
	escpos_free(e);
	/* 80 mm: 48 columns. */
	e = escpos_new(devices_profile("generic80"));
	receipt_center(e, "ab");
	p = escpos_bytes(e, &n);
	ck_assert_uint_eq(n, 23 + 2 + 1);
	escpos_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("receipt");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, t_width);
	tcase_add_test(tc, t_lr_fits);
	tcase_add_test(tc, t_lr_wraps_long_left);
	tcase_add_test(tc, t_lr_odd_column);
	tcase_add_test(tc, t_lr_length_without_buffer);
	tcase_add_test(tc, t_center_rule_fit);
	tcase_add_test(tc, t_cols);
	tcase_add_test(tc, t_escpos_wrappers);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
