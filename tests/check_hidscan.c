/* check_hidscan: boot keyboard and HID POS decoding, wedge timing. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

/* Press then release, one report each, as scanners send them. */
static int
type(struct hidscan_boot *st, const char *s)
{
	int done = 0;

	for (; *s != '\0'; s++) {
		uint8_t r[8] = {0};
		uint8_t u = 0;
		int shift = 0;

		for (int k = 0x04; k <= 0x38 && u == 0; k++) {
			if (hidscan_usage_ascii((uint8_t)k, 0) == *s)
				u = (uint8_t)k;
			else if (hidscan_usage_ascii((uint8_t)k, 1) == *s)
				u = (uint8_t)k, shift = 1;
		}
		ck_assert_uint_ne(u, 0);
		r[0] = shift ? 0x02 : 0;
		r[2] = u;
		done |= hidscan_boot_feed(st, r, 8);
		memset(r, 0, 8);
		done |= hidscan_boot_feed(st, r, 8);
	}
	return done;
}

START_TEST(t_boot_ean13)
{
	struct hidscan_boot st;

	hidscan_boot_reset(&st);
	ck_assert_int_eq(type(&st, "6936983800013\r"), 1);
	ck_assert_str_eq(st.code, "6936983800013");
	ck_assert_uint_eq(st.len, 13);
}
END_TEST

START_TEST(t_boot_doubled_digits)
{
	struct hidscan_boot st;
	static const uint8_t k0[8] = {0, 0, 0x27}, rel[8] = {0};
	static const uint8_t ent[8] = {0, 0, 0x28};

	hidscan_boot_reset(&st);
	/* "00": press, release, press, release. */
	hidscan_boot_feed(&st, k0, 8);
	hidscan_boot_feed(&st, rel, 8);
	hidscan_boot_feed(&st, k0, 8);
	/* A repeated report of a held key is not a new key. */
	hidscan_boot_feed(&st, k0, 8);
	hidscan_boot_feed(&st, rel, 8);
	ck_assert_int_eq(hidscan_boot_feed(&st, ent, 8), 1);
	ck_assert_str_eq(st.code, "00");
}
END_TEST

START_TEST(t_boot_shift)
{
	struct hidscan_boot st;

	hidscan_boot_reset(&st);
	ck_assert_int_eq(type(&st, "HH-0001/aB!\t"), 1);
	ck_assert_str_eq(st.code, "HH-0001/aB!");
	/* Right shift counts too. */
	{
		static const uint8_t a[8] = {0x20, 0, 0x04}, rel[8] = {0};
		static const uint8_t ent[8] = {0, 0, 0x28};

		hidscan_boot_feed(&st, a, 8);
		hidscan_boot_feed(&st, rel, 8);
		ck_assert_int_eq(hidscan_boot_feed(&st, ent, 8), 1);
		ck_assert_str_eq(st.code, "A");
	}
}
END_TEST

START_TEST(t_boot_rollover_and_report_id)
{
	struct hidscan_boot st;
	static const uint8_t roll[8] = {0, 0, 1, 1, 1, 1, 1, 1};
	static const uint8_t k1[9] = {0x02, 0, 0, 0x1e}, rel[9] = {0x02};
	static const uint8_t ent[9] = {0x02, 0, 0, 0x28};

	hidscan_boot_reset(&st);
	hidscan_boot_feed(&st, k1, 9);
	/* ErrorRollOver between press and release changes nothing. */
	ck_assert_int_eq(hidscan_boot_feed(&st, roll, 8), 0);
	hidscan_boot_feed(&st, k1, 9);
	hidscan_boot_feed(&st, rel, 9);
	hidscan_boot_feed(&st, k1, 9);
	hidscan_boot_feed(&st, rel, 9);
	ck_assert_int_eq(hidscan_boot_feed(&st, ent, 9), 1);
	ck_assert_str_eq(st.code, "11");
}
END_TEST

START_TEST(t_boot_empty_terminator_and_ctrl)
{
	struct hidscan_boot st;
	static const uint8_t ent[8] = {0, 0, 0x28}, rel[8] = {0};
	static const uint8_t ctrl_a[8] = {0x01, 0, 0x04};

	hidscan_boot_reset(&st);
	ck_assert_int_eq(hidscan_boot_feed(&st, ent, 8), 0);
	hidscan_boot_feed(&st, rel, 8);
	hidscan_boot_feed(&st, ctrl_a, 8);
	hidscan_boot_feed(&st, rel, 8);
	ck_assert_int_eq(st.len, 0);
}
END_TEST

static void
pos_report(uint8_t r[64], const char *aim, const char *data, size_t n, int more)
{
	memset(r, 0, 64);
	r[0] = 0x02;
	r[1] = (uint8_t)n;
	memcpy(r + 2, aim, 3);
	memcpy(r + 5, data, n);
	r[61] = 0x31;
	r[63] = more ? 1 : 0;
}

START_TEST(t_pos_ean13)
{
	struct hidscan_pos st;
	uint8_t r[64];

	hidscan_pos_reset(&st);
	pos_report(r, "]E0", "6936983800013", 13, 0);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 1);
	ck_assert_str_eq(st.code, "6936983800013");
	ck_assert_int_eq(hidscan_aim_sym(st.aim), BARCODE_EAN13);
}
END_TEST

START_TEST(t_pos_multi_report_qr)
{
	struct hidscan_pos st;
	uint8_t r[64];
	char payload[151];

	for (int i = 0; i < 150; i++)
		payload[i] = (char)('A' + i % 26);
	payload[150] = '\0';
	hidscan_pos_reset(&st);
	pos_report(r, "]Q1", payload, 56, 1);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 0);
	pos_report(r, "]Q1", payload + 56, 56, 1);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 0);
	pos_report(r, "]Q1", payload + 112, 38, 0);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 1);
	ck_assert_uint_eq(st.len, 150);
	ck_assert_str_eq(st.code, payload);
	ck_assert_int_eq(hidscan_aim_sym(st.aim), BARCODE_QR);
	/* The next report starts a new code. */
	pos_report(r, "]E4", "96385074", 8, 0);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 1);
	ck_assert_str_eq(st.code, "96385074");
	ck_assert_int_eq(hidscan_aim_sym(st.aim), BARCODE_EAN8);
}
END_TEST

START_TEST(t_pos_bad_length)
{
	struct hidscan_pos st;
	uint8_t r[64];

	hidscan_pos_reset(&st);
	pos_report(r, "]C0", "ABC", 3, 0);
	r[1] = 200; /* clamped to 56 */
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 64), 1);
	ck_assert_uint_eq(st.len, 56);
	ck_assert_int_eq(hidscan_pos_feed(&st, r, 4), 0);
}
END_TEST

START_TEST(t_wedge_timing)
{
	static const int scan[] = {'6', '9', '3', '6', '\r'};
	static const uint64_t fast[] = {0, 10, 20, 30, 40};
	static const uint64_t slow[] = {0, 150, 300, 450, 600};
	struct wedge w;
	const char *s = "6936983800013\r";
	uint64_t t = 1000;
	int got = 0;

	ck_assert_int_eq(wedge_classify(scan, fast, 5), 1);
	ck_assert_int_eq(wedge_classify(scan, slow, 5), 0);
	ck_assert_int_eq(wedge_classify(scan, fast, 4), 0);
	wedge_reset(&w);
	/* A person types "12" slowly, then a scan arrives. */
	ck_assert_int_eq(wedge_key(&w, '1', 0), 0);
	ck_assert_int_eq(wedge_key(&w, '2', 400), 0);
	for (; *s; s++, t += 8)
		got += wedge_key(&w, *s, t);
	ck_assert_int_eq(got, 1);
	ck_assert_str_eq(w.code, "6936983800013");
	/* Typing "abcd" then Enter at human speed is not a scan. */
	ck_assert_int_eq(wedge_key(&w, 'a', 5000), 0);
	ck_assert_int_eq(wedge_key(&w, 'b', 5200), 0);
	ck_assert_int_eq(wedge_key(&w, 'c', 5400), 0);
	ck_assert_int_eq(wedge_key(&w, 'd', 5600), 0);
	ck_assert_int_eq(wedge_key(&w, '\r', 5800), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hidscan");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, t_boot_ean13);
	tcase_add_test(tc, t_boot_doubled_digits);
	tcase_add_test(tc, t_boot_shift);
	tcase_add_test(tc, t_boot_rollover_and_report_id);
	tcase_add_test(tc, t_boot_empty_terminator_and_ctrl);
	tcase_add_test(tc, t_pos_ean13);
	tcase_add_test(tc, t_pos_multi_report_qr);
	tcase_add_test(tc, t_pos_bad_length);
	tcase_add_test(tc, t_wedge_timing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
