/* check_usb_scanner: the real scanner code against emulated devices. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usbemu_check.h"

static struct scanner *sc;

static const struct scanner_cbs cbs = {
    usbemu_check_scan, usbemu_check_scanner_state, NULL};

static struct usbemu_dev *
start(enum usbemu_model m)
{
	struct usbemu_dev *d;

	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	d = usbemu_add(emu, m, 1);
	usbemu_check_setup();
	sc = scanner_open(ctx, "usb", &cbs);
	ck_assert_ptr_nonnull(sc);
	ck_assert(usbemu_run_until(base, &got.attached, 1, 2000));
	return d;
}

static void
stop(void)
{
	scanner_close(sc);
	sc = NULL;
	usbemu_check_stop();
}

START_TEST(t_ean13)
{
	struct usbemu_dev *d = start(USBEMU_WEDGE);

	/* usbhid detached while we read, the interface ours. */
	ck_assert_int_eq(usbemu_driver_bound(d), 0);
	ck_assert_int_eq(usbemu_claimed(d), 1);
	usbemu_type(d, "6936983800013\r");
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.code[0], "6936983800013");
	ck_assert_int_eq(got.sym[0], BARCODE_EAN13);
	ck_assert_int_eq(got.check[0], 1);
	scanner_close(sc);
	sc = NULL;
	/* Closing gives the scanner back to the keyboard driver. */
	ck_assert_int_eq(usbemu_driver_bound(d), 1);
	stop();
}
END_TEST

START_TEST(t_doubled_digits)
{
	struct usbemu_dev *d = start(USBEMU_WEDGE);

	usbemu_type(d, "4006381333931\r1100\r");
	ck_assert(usbemu_run_until(base, &got.n, 2, 2000));
	ck_assert_str_eq(got.code[0], "4006381333931");
	ck_assert_int_eq(got.check[0], 1);
	ck_assert_str_eq(got.code[1], "1100");
	stop();
}
END_TEST

START_TEST(t_shifted)
{
	struct usbemu_dev *d = start(USBEMU_WEDGE);

	usbemu_type(d, "HH-0001/Ab:Z\t");
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	ck_assert_str_eq(got.code[0], "HH-0001/Ab:Z");
	ck_assert_int_eq(got.sym[0], BARCODE_UNKNOWN);
	ck_assert_int_eq(got.check[0], -1);
	stop();
}
END_TEST

START_TEST(t_hidpos_qr_multi_report)
{
	struct usbemu_dev *d = start(USBEMU_HIDPOS);
	char payload[201];

	for (int i = 0; i < 200; i++)
		payload[i] = (char)('0' + i % 43);
	payload[200] = '\0';
	/* 200 bytes: four reports of at most 56. */
	usbemu_pos_scan(d, "]Q1", payload);
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.code[0], payload);
	ck_assert_int_eq(got.sym[0], BARCODE_QR);
	usbemu_pos_scan(d, "]E0", "6936983800014");
	ck_assert(usbemu_run_until(base, &got.n, 2, 2000));
	ck_assert_int_eq(got.sym[1], BARCODE_EAN13);
	ck_assert_int_eq(got.check[1], 0); /* wrong check digit, reported */
	stop();
}
END_TEST

START_TEST(t_unplug_mid_scan_and_replug)
{
	struct usbemu_dev *d = start(USBEMU_WEDGE);

	usbemu_type(d, "693698");
	usbemu_run_until(base, &got.n, 1, 100);
	usbemu_unplug(d);
	ck_assert(usbemu_run_until(base, &got.detached, 1, 2000));
	ck_assert_int_eq(got.n, 0);
	ck_assert_int_eq(scanner_attached(sc), 0);
	usbemu_replug(d);
	ck_assert(usbemu_run_until(base, &got.attached, 2, 3000));
	ck_assert_int_eq(scanner_attached(sc), 1);
	/* The half scan before the unplug is gone, not glued on. */
	usbemu_type(d, "6936983800013\r");
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	ck_assert_str_eq(got.code[0], "6936983800013");
	stop();
}
END_TEST

START_TEST(t_wedge_and_tty_specs)
{
	struct event_base *b = event_base_new();
	struct drv_ctx *c;
	struct scanner *w;
	const char *s = "6936983800013\r";
	uint64_t t = 0;

	memset(&got, 0, sizeof(got));
	emu = usbemu_new();
	c = drv_new(b);
	w = scanner_open(c, "wedge", &cbs);
	ck_assert_ptr_nonnull(w);
	for (; *s; s++, t += 5)
		scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.code[0], "6936983800013");
	ck_assert_ptr_null(scanner_open(c, "usb:zz", &cbs));
	ck_assert_ptr_null(scanner_open(c, "usb@", &cbs));
	scanner_close(w);
	drv_free(c);
	event_base_free(b);
	usbemu_free(emu);
}
END_TEST

START_TEST(t_identical_scanners_by_serial_and_port)
{
	struct usbemu_dev *d1, *d3;
	struct scanner *a, *b;

	emu = usbemu_new();
	d1 = usbemu_add(emu, USBEMU_WEDGE, 1);
	d3 = usbemu_add(emu, USBEMU_HIDPOS, 3);
	usbemu_check_setup();
	/* By serial, and by bus-port path. */
	a = scanner_open(ctx, "usb:05e0:1300:POS0001", &cbs);
	b = scanner_open(ctx, "usb@1-1", &cbs);
	ck_assert_int_eq(scanner_attached(a), 1);
	ck_assert_int_eq(scanner_attached(b), 1);
	ck_assert_int_eq(usbemu_claimed(d1), 1);
	ck_assert_int_eq(usbemu_claimed(d3), 1);
	scanner_close(a);
	ck_assert_int_eq(usbemu_claimed(d3), 0);
	ck_assert_int_eq(usbemu_claimed(d1), 1);
	scanner_close(b);
	/* A serial that is not there opens nothing (yet). */
	a = scanner_open(ctx, "usb:05e0:1300:NOPE", &cbs);
	ck_assert_int_eq(scanner_attached(a), 0);
	scanner_close(a);
	sc = NULL;
	stop();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("usb_scanner");
	TCase *tc = tcase_create("emulated");

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, t_ean13);
	tcase_add_test(tc, t_doubled_digits);
	tcase_add_test(tc, t_shifted);
	tcase_add_test(tc, t_hidpos_qr_multi_report);
	tcase_add_test(tc, t_unplug_mid_scan_and_replug);
	tcase_add_test(tc, t_wedge_and_tty_specs);
	tcase_add_test(tc, t_identical_scanners_by_serial_and_port);
	suite_add_tcase(s, tc);
	return usbemu_check_run(s);
}
