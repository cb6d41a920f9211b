/* check_escpos: ESC/POS bytes and status decoding, byte for byte. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

static struct escpos *e;

static void
setup(void)
{
	e = escpos_new(devices_profile("generic58"));
	ck_assert_ptr_nonnull(e);
}

static void
teardown(void)
{
	escpos_free(e);
	e = NULL;
}

#define ASSERT_BYTES(lit)                                                      \
	do {                                                                   \
		size_t n_;                                                     \
		const uint8_t *b_ = escpos_bytes(e, &n_);                      \
		ck_assert_uint_eq(n_, sizeof(lit) - 1);                        \
		ck_assert_mem_eq(b_, lit, sizeof(lit) - 1);                    \
	} while (0)

START_TEST(t_init_align_bold_size)
{
	escpos_init(e);
	escpos_align(e, ESCPOS_CENTER);
	escpos_bold(e, 1);
	escpos_size(e, 2, 2);
	ck_assert_int_eq(escpos_columns(e), 16);
	escpos_size(e, 1, 3);
	escpos_bold(e, 0);
	ASSERT_BYTES("\x1b\x40\x1c\x26\x1b\x61\x01\x1b\x45\x01\x1d\x21\x11"
	             "\x1d\x21\x02\x1b\x45\x00");
	ck_assert_int_eq(escpos_columns(e), 32);
}
END_TEST

START_TEST(t_text_gbk)
{
	escpos_text(e, "中文 ok\n");
	ASSERT_BYTES("\xd6\xd0\xce\xc4 ok\n");
}
END_TEST

START_TEST(t_text_yen_and_unknown)
{
	/* ¥ is not in GBK: the full-width ￥ (A3 A4); an emoji is '?'. */
	escpos_text(e,
	    "\xc2\xa5"
	    "5 \xef\xbf\xa5"
	    "6 \xf0\x9f\x98\x80\x1b");
	ASSERT_BYTES("\xa3\xa4"
	             "5 \xa3\xa4"
	             "6 ??");
}
END_TEST

START_TEST(t_text_bad_utf8)
{
	escpos_text(e, "a\xff\xe4\xb8");
	ASSERT_BYTES("a??");
}
END_TEST

START_TEST(t_feed_cut_by_profile)
{
	struct escpos *e80 = escpos_new(devices_profile("generic80"));
	size_t n;
	const uint8_t *b;

	/* 58 mm has no cutter: feed anyway. */
	escpos_cut(e, ESCPOS_CUT_FULL, 4);
	ASSERT_BYTES("\x1b\x64\x04");
	escpos_cut(e80, ESCPOS_CUT_FULL, 3);
	b = escpos_bytes(e80, &n);
	ck_assert_uint_eq(n, 4);
	ck_assert_mem_eq(b, "\x1d\x56\x42\x03", 4);
	escpos_free(e80);
}
END_TEST

START_TEST(t_ean13)
{
	escpos_ean13(e, "6936983800013", 60);
	ASSERT_BYTES("\x1d\x48\x02\x1d\x68\x3c\x1d\x77\x02"
	             "\x1d\x6b\x43\x0c"
	             "693698380001");
	ck_assert_int_eq(escpos_error(e), 0);
	escpos_ean13(e, "69369838x001", 60);
	ck_assert_int_eq(escpos_error(e), DRV_EINVAL);
}
END_TEST

START_TEST(t_code128)
{
	escpos_code128(e, "A{1", 50);
	ASSERT_BYTES("\x1d\x48\x02\x1d\x68\x32\x1d\x77\x02"
	             "\x1d\x6b\x49\x06{BA{{1");
}
END_TEST

START_TEST(t_qr)
{
	escpos_qr(e, "HH-0001", 6, 'M');
	ASSERT_BYTES("\x1d\x28\x6b\x04\x00\x31\x41\x32\x00"
	             "\x1d\x28\x6b\x03\x00\x31\x43\x06"
	             "\x1d\x28\x6b\x03\x00\x31\x45\x31"
	             "\x1d\x28\x6b\x0a\x00\x31\x50\x30HH-0001"
	             "\x1d\x28\x6b\x03\x00\x31\x51\x30");
}
END_TEST

START_TEST(t_qr_long_length_bytes)
{
	char *d = malloc(301);
	size_t n;
	const uint8_t *b;

	memset(d, 'x', 300);
	d[300] = '\0';
	escpos_qr(e, d, 4, 'H');
	b = escpos_bytes(e, &n);
	/* pL + 256 pH = 303 */
	ck_assert_uint_eq(b[25 + 3], 303 & 0xff);
	ck_assert_uint_eq(b[25 + 4], 1);
	ck_assert_uint_eq(b[17 + 7], 0x33);
	free(d);
}
END_TEST

START_TEST(t_drawer)
{
	escpos_drawer(e);
	ASSERT_BYTES("\x1b\x70\x00\x32\x32");
}
END_TEST

START_TEST(t_status_ok)
{
	static const uint8_t b[3] = {0x12, 0x12, 0x12};
	struct escpos_status st;

	escpos_status_decode(b, 3, &st);
	ck_assert_int_eq(st.state, ESCPOS_OK);
	ck_assert_int_eq(st.answered, 3);
}
END_TEST

START_TEST(t_status_paper_end)
{
	static const uint8_t b[3] = {0x1a, 0x32, 0x72};
	struct escpos_status st;

	escpos_status_decode(b, 3, &st);
	ck_assert_int_eq(st.state, ESCPOS_PAPER_END);
	ck_assert(st.flags & ESCPOS_F_PAPER_END);
	ck_assert(st.flags & ESCPOS_F_PAPER_STOP);
	ck_assert_str_eq(escpos_state_name(st.state), "paper_end");
}
END_TEST

START_TEST(t_status_cover_open)
{
	static const uint8_t b[3] = {0x1a, 0x16, 0x12};
	struct escpos_status st;

	escpos_status_decode(b, 3, &st);
	ck_assert_int_eq(st.state, ESCPOS_COVER_OPEN);
	ck_assert(st.flags & ESCPOS_F_OFFLINE);
}
END_TEST

START_TEST(t_status_near_end)
{
	static const uint8_t b[3] = {0x12, 0x12, 0x1e};
	struct escpos_status st;

	escpos_status_decode(b, 3, &st);
	ck_assert_int_eq(st.state, ESCPOS_PAPER_NEAR_END);
}
END_TEST

START_TEST(t_status_silence_is_unknown)
{
	static const uint8_t noise[3] = {0xff, 0x00, 0x12};
	struct escpos_status st;

	escpos_status_decode(NULL, 0, &st);
	ck_assert_int_eq(st.state, ESCPOS_UNKNOWN);
	escpos_status_decode(noise, 3, &st);
	ck_assert_int_eq(st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(st.answered, 0);
	/* Partial answers: unknown, unless a fault already shows. */
	escpos_status_decode((const uint8_t *)"\x12\x12", 2, &st);
	ck_assert_int_eq(st.state, ESCPOS_UNKNOWN);
	escpos_status_decode((const uint8_t *)"\x12\x32", 2, &st);
	ck_assert_int_eq(st.state, ESCPOS_PAPER_END);
}
END_TEST

START_TEST(t_query_bytes)
{
	ck_assert_mem_eq(
	    escpos_status_query, "\x10\x04\x01\x10\x04\x02\x10\x04\x04", 9);
}
END_TEST

START_TEST(t_barcode_checks)
{
	char g[14];

	ck_assert_int_eq(barcode_check_digit("693698380001", 12), 3);
	ck_assert_int_eq(barcode_check_ok("6936983800013", 13), 1);
	ck_assert_int_eq(barcode_check_ok("6936983800014", 13), 0);
	ck_assert_int_eq(barcode_check_ok("96385074", 8), 1);
	ck_assert_int_eq(barcode_check_ok("96385075", 8), 0);
	ck_assert_int_eq(barcode_check_ok("036000291452", 12), 1);
	ck_assert_int_eq(barcode_gtin13("036000291452", 12, g), 0);
	ck_assert_str_eq(g, "0036000291452");
	ck_assert_int_eq(barcode_check_ok(g, 13), 1);
	ck_assert_int_eq(barcode_guess("96385074", 8), BARCODE_EAN8);
	ck_assert_int_eq(barcode_guess("HH-1", 4), BARCODE_UNKNOWN);
}
END_TEST

START_TEST(t_profiles_and_ids)
{
	const struct devices_id *id;

	ck_assert_int_eq(devices_profile("generic58")->cols_a, 32);
	ck_assert_int_eq(devices_profile("generic80")->cols_a, 48);
	ck_assert_ptr_nonnull(devices_profile("tm-t20ii"));
	ck_assert_ptr_null(devices_profile("nope"));
	id = devices_lookup(0x04b8, 0x0e15);
	ck_assert_str_eq(id->profile, "tm-t20ii");
	ck_assert_int_eq(
	    devices_lookup(0x05e0, 0x1300)->kind, DEVICES_SCANNER_POS);
	/* Any Honeywell product falls back to the vendor's entry. */
	ck_assert_int_eq(
	    devices_lookup(0x0c2e, 0x1234)->kind, DEVICES_SCANNER_KBD);
	ck_assert_ptr_null(devices_lookup(0x1234, 0x5678));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("escpos");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t_init_align_bold_size);
	tcase_add_test(tc, t_text_gbk);
	tcase_add_test(tc, t_text_yen_and_unknown);
	tcase_add_test(tc, t_text_bad_utf8);
	tcase_add_test(tc, t_feed_cut_by_profile);
	tcase_add_test(tc, t_ean13);
	tcase_add_test(tc, t_code128);
	tcase_add_test(tc, t_qr);
	tcase_add_test(tc, t_qr_long_length_bytes);
	tcase_add_test(tc, t_drawer);
	tcase_add_test(tc, t_status_ok);
	tcase_add_test(tc, t_status_paper_end);
	tcase_add_test(tc, t_status_cover_open);
	tcase_add_test(tc, t_status_near_end);
	tcase_add_test(tc, t_status_silence_is_unknown);
	tcase_add_test(tc, t_query_bytes);
	tcase_add_test(tc, t_barcode_checks);
	tcase_add_test(tc, t_profiles_and_ids);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
