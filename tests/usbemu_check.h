/*
 * usbemu_check.h: what the driver suites share (header only, one copy
 * per test program): `got`, what the drivers' callbacks gave, to wait
 * on with usbemu_run_until; the loop and context a test runs on; an
 * emulated printer opened as "usb"; and main's runner.
 */
#ifndef CISHAN_USBEMU_CHECK_H
#define CISHAN_USBEMU_CHECK_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "drivers.h"
#include "usbemu.h"
#include "usbemu_loop.h"

#define USBEMU_CHECK_SCANS 8

static struct {
	int n; /* scans, also past USBEMU_CHECK_SCANS */
	char code[USBEMU_CHECK_SCANS][512];
	size_t len[USBEMU_CHECK_SCANS];
	enum barcode_sym sym[USBEMU_CHECK_SCANS];
	int check[USBEMU_CHECK_SCANS];
	int attached, detached; /* scanner or printer */
	int done, err;          /* jobs ended; the last one's error */
	int status;             /* status answers; the last one in st */
	struct escpos_status st;
} got;

static struct event_base *base;
static struct drv_ctx *ctx;
static struct usbemu *emu;
static struct printer *pr;

static inline void
usbemu_check_scan(const struct scanner_scan *s, void *arg)
{
	(void)arg;
	if (got.n < USBEMU_CHECK_SCANS) {
		snprintf(got.code[got.n], sizeof(got.code[0]), "%s", s->code);
		got.len[got.n] = s->len;
		got.sym[got.n] = s->sym;
		got.check[got.n] = s->check_ok;
	}
	got.n++;
}

static inline void
usbemu_check_scanner_state(enum scanner_state st, void *arg)
{
	(void)arg;
	if (st == SCANNER_ATTACHED)
		got.attached++;
	else
		got.detached++;
}

static inline void
usbemu_check_done(int err, void *arg)
{
	(void)arg;
	got.err = err;
	got.done++;
}

static inline void
usbemu_check_status(const struct escpos_status *st, void *arg)
{
	(void)arg;
	got.st = *st;
	got.status++;
}

static inline void
usbemu_check_printer_state(enum printer_state st, void *arg)
{
	(void)arg;
	if (st == PRINTER_ATTACHED)
		got.attached++;
	else
		got.detached++;
}

/* got emptied, a loop and a driver context (after the emulated devices:
 * libusb sees at init only those already there). */
static inline void
usbemu_check_setup(void)
{
	memset(&got, 0, sizeof(got));
	base = event_base_new();
	ck_assert_ptr_nonnull(base);
	ctx = drv_new(base);
	ck_assert_ptr_nonnull(ctx);
}

static inline void
usbemu_check_teardown(void)
{
	drv_free(ctx);
	event_base_free(base);
}

/* One emulated printer of model m at port 2, opened as "usb". */
static inline struct usbemu_dev *
usbemu_check_printer(enum usbemu_model m)
{
	static const struct printer_cbs cbs = {
	    usbemu_check_printer_state, NULL};
	struct usbemu_dev *d;

	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	d = usbemu_add(emu, m, 2);
	usbemu_check_setup();
	pr = printer_open(ctx, "usb", NULL, &cbs);
	ck_assert_ptr_nonnull(pr);
	ck_assert_int_eq(printer_attached(pr), 1);
	return d;
}

/* Close pr (NULL is fine), the context and the emulator. */
static inline void
usbemu_check_stop(void)
{
	printer_close(pr);
	pr = NULL;
	usbemu_check_teardown();
	usbemu_free(emu);
	emu = NULL;
}

/* The printer d got exactly n bytes, b's: nothing twice, nothing
 * more (no query after a job that cannot be answered). */
static inline void
usbemu_check_out(struct usbemu_dev *d, const void *b, size_t n)
{
	size_t on;
	uint8_t *out = usbemu_out(d, &on);

	ck_assert_uint_eq(on, n);
	ck_assert_mem_eq(out, b, n);
	free(out);
}

/* n bytes of a job that repeats no short pattern (caller frees). */
static inline uint8_t *
usbemu_check_job(size_t n)
{
	uint8_t *b = malloc(n);

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + i / 251);
	return b;
}

/* main's end: run the suite; the exit status. */
static inline int
usbemu_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
