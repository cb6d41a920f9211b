/*
 * Unit suite for common/: check digits of EAN-13, EAN-8 and UPC-A, UPC-A
 * normalised to GTIN-13, internal (Code 128) codes taken as given; money
 * as people read it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "barcode.h"
#include "money.h"

/* Check digits computed by hand (and on real packs). */
START_TEST(test_check_digit)
{
	static const struct {
		const char *code;
	} good[] = {{"6901234567892"}, {"4006381333931"}, {"6920152400012"},
	    {"6901028075831"}, {"96385074"}, {"036000291452"}, {"012345678905"},
	    {"0036000291452"}, {"0000000000000"}};
	size_t i, n;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		n = strlen(good[i].code);
		ck_assert_msg(barcode_check_digit(good[i].code, n - 1) ==
		        good[i].code[n - 1] - '0',
		    "check digit of %s", good[i].code);
	}
	ck_assert_int_eq(barcode_check_digit("690123456789", 12), 2);
	ck_assert_int_eq(barcode_check_digit("9638507", 7), 4);
	ck_assert_int_eq(barcode_check_digit("03600029145", 11), 2);
	/* A digit sum that is a multiple of 10 gives 0, not 10. */
	ck_assert_int_eq(barcode_check_digit("000000000000", 12), 0);
	ck_assert_int_eq(barcode_check_digit("692015240001", 12), 2);
}
END_TEST

static void
check_barcode_ok(const char *in, const char *want, enum barcode_sym kind)
{
	char out[64];
	enum barcode_sym k = (enum barcode_sym) - 1;

	memset(out, 'Z', sizeof out);
	ck_assert_msg(
	    barcode_normalize(in, out, sizeof out, &k) == 0, "%s refused", in);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(k, kind);
}

static void
check_barcode_bad(const char *in)
{
	char out[64];
	enum barcode_sym k;

	ck_assert_msg(barcode_normalize(in, out, sizeof out, &k) == -1,
	    "'%s' accepted", in);
}

START_TEST(test_normalize_gtin)
{
	check_barcode_ok("6901234567892", "6901234567892", BARCODE_EAN13);
	check_barcode_ok("96385074", "96385074", BARCODE_EAN8);
	/* UPC-A is kept and found as its GTIN-13: a leading 0. */
	check_barcode_ok("036000291452", "0036000291452", BARCODE_UPCA);
	check_barcode_ok("012345678905", "0012345678905", BARCODE_UPCA);
	/* Its 13-digit form is an EAN-13 already, the same stored text. */
	check_barcode_ok("0036000291452", "0036000291452", BARCODE_EAN13);
}
END_TEST

START_TEST(test_normalize_bad_check)
{
	const char *base[] = {
	    "6901234567892", "96385074", "036000291452", "4006381333931"};
	char code[16];
	size_t i, n;
	int d;

	/* Every wrong last digit of every code is refused. */
	for (i = 0; i < sizeof base / sizeof base[0]; i++) {
		n = strlen(base[i]);
		for (d = 0; d < 10; d++) {
			memcpy(code, base[i], n + 1);
			if (code[n - 1] == '0' + d)
				continue;
			code[n - 1] = (char)('0' + d);
			check_barcode_bad(code);
		}
	}
	/* A swap of two neighbouring digits (a common misread). */
	check_barcode_bad("6901234567829");
	check_barcode_bad("9063412567892");
}
END_TEST

START_TEST(test_normalize_internal)
{
	check_barcode_ok("CS-RICE-0001", "CS-RICE-0001", BARCODE_CODE128);
	check_barcode_ok("a b~!", "a b~!", BARCODE_CODE128);
	/* Digits of other lengths are not GTINs: internal, as given. */
	check_barcode_ok("12345", "12345", BARCODE_CODE128);
	check_barcode_ok("123456789", "123456789", BARCODE_CODE128);
	/* Not plain printable ASCII: not Code 128 text. */
	check_barcode_bad("");
	check_barcode_bad("CS\t1");
	check_barcode_bad("CS\n1");
	check_barcode_bad("\x7f");
	check_barcode_bad("大米");
	check_barcode_bad("caf\xc3\xa9");
}
END_TEST

START_TEST(test_normalize_bounds)
{
	char in[BARCODE_MAX + 8], out[BARCODE_MAX + 8];
	enum barcode_sym k;

	/* The longest code the database holds, and one more. */
	memset(in, 'A', sizeof in);
	in[BARCODE_MAX - 1] = '\0';
	ck_assert_int_eq(barcode_normalize(in, out, sizeof out, &k), 0);
	ck_assert_str_eq(out, in);
	in[BARCODE_MAX - 1] = 'A';
	in[BARCODE_MAX] = '\0';
	ck_assert_int_eq(barcode_normalize(in, out, sizeof out, &k), -1);
	/* An output too small for the GTIN-13 of a UPC-A is refused. */
	memset(out, 'Z', sizeof out);
	ck_assert_int_eq(barcode_normalize("036000291452", out, 13, &k), -1);
	ck_assert_int_eq(out[13], 'Z');
	ck_assert_int_eq(barcode_normalize("036000291452", out, 14, &k), 0);
	ck_assert_str_eq(out, "0036000291452");
}
END_TEST

START_TEST(t_money)
{
	char out[48];

	money_format(0, out, sizeof(out));
	ck_assert_str_eq(out, "¥0.00");
	money_format(5, out, sizeof(out));
	ck_assert_str_eq(out, "¥0.05");
	money_format(99999, out, sizeof(out));
	ck_assert_str_eq(out, "¥999.99");
	money_format(100000, out, sizeof(out));
	ck_assert_str_eq(out, "¥1,000.00");
	money_format(10000000000LL, out, sizeof(out));
	ck_assert_str_eq(out, "¥100,000,000.00");
	money_format(-123456, out, sizeof(out));
	ck_assert_str_eq(out, "-¥1,234.56");
	money_format(INT64_MIN, out, sizeof(out));
	ck_assert_str_eq(out, "-¥92,233,720,368,547,758.08");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("check_common");
	TCase *tc = tcase_create("barcode");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_check_digit);
	tcase_add_test(tc, test_normalize_gtin);
	tcase_add_test(tc, test_normalize_bad_check);
	tcase_add_test(tc, test_normalize_internal);
	tcase_add_test(tc, test_normalize_bounds);
	tcase_add_test(tc, t_money);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
