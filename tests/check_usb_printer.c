/* check_usb_printer: the real printer code against emulated printers. */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "drivers.h"
#include "usbemu.h"
#include "usbemu_loop.h"

/* Generated independently (Python's GBK codec), not by escpos.c. */
static const uint8_t receipt_expected[] = {
    0x1b,
    0x40,
    0x1c,
    0x26,
    0x1b,
    0x61,
    0x01,
    0x1b,
    0x45,
    0x01,
    0x1d,
    0x21,
    0x11,
    0xb4,
    0xc8,
    0xc9,
    0xc6,
    0xb3,
    0xac,
    0xca,
    0xd0,
    0x0a,
    0x1d,
    0x21,
    0x00,
    0x1b,
    0x45,
    0x00,
    0xc6,
    0xd6,
    0xb6,
    0xab,
    0xd0,
    0xc2,
    0xc7,
    0xf8,
    0x20,
    0xb5,
    0xda,
    0xd2,
    0xbb,
    0xc3,
    0xc5,
    0xb5,
    0xea,
    0x0a,
    0x1b,
    0x61,
    0x00,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x0a,
    0xb4,
    0xf3,
    0xc3,
    0xd7,
    0x20,
    0x35,
    0x6b,
    0x67,
    0x20,
    0x78,
    0x31,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x33,
    0x30,
    0xb7,
    0xd6,
    0x0a,
    0xca,
    0xb3,
    0xd3,
    0xc3,
    0xd3,
    0xcd,
    0x20,
    0x31,
    0x2e,
    0x38,
    0x4c,
    0x20,
    0x78,
    0x32,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x34,
    0x30,
    0xb7,
    0xd6,
    0x0a,
    0xbc,
    0xdb,
    0xd6,
    0xb5,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0xa3,
    0xa4,
    0x35,
    0x39,
    0x2e,
    0x39,
    0x30,
    0x0a,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x2d,
    0x0a,
    0xba,
    0xcf,
    0xbc,
    0xc6,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x37,
    0x30,
    0xb7,
    0xd6,
    0x0a,
    0xd3,
    0xe0,
    0xb6,
    0xee,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x20,
    0x31,
    0x33,
    0x30,
    0xb7,
    0xd6,
    0x0a,
    0x1b,
    0x61,
    0x01,
    0x1d,
    0x28,
    0x6b,
    0x04,
    0x00,
    0x31,
    0x41,
    0x32,
    0x00,
    0x1d,
    0x28,
    0x6b,
    0x03,
    0x00,
    0x31,
    0x43,
    0x06,
    0x1d,
    0x28,
    0x6b,
    0x03,
    0x00,
    0x31,
    0x45,
    0x31,
    0x1d,
    0x28,
    0x6b,
    0x29,
    0x00,
    0x31,
    0x50,
    0x30,
    0x68,
    0x74,
    0x74,
    0x70,
    0x73,
    0x3a,
    0x2f,
    0x2f,
    0x63,
    0x69,
    0x73,
    0x68,
    0x61,
    0x6e,
    0x2e,
    0x65,
    0x78,
    0x61,
    0x6d,
    0x70,
    0x6c,
    0x65,
    0x2f,
    0x72,
    0x2f,
    0x32,
    0x30,
    0x32,
    0x34,
    0x30,
    0x31,
    0x30,
    0x31,
    0x2d,
    0x30,
    0x30,
    0x30,
    0x31,
    0x1d,
    0x28,
    0x6b,
    0x03,
    0x00,
    0x31,
    0x51,
    0x30,
    0x1b,
    0x64,
    0x04,
};

static struct usbemu *emu;
static struct event_base *base;
static struct drv_ctx *ctx;
static struct printer *pr;

static struct {
	int done, err, status, attached, detached;
	struct escpos_status st;
} got;

static void
on_done(int err, void *arg)
{
	(void)arg;
	got.err = err;
	got.done++;
}

static void
on_status(const struct escpos_status *st, void *arg)
{
	(void)arg;
	got.st = *st;
	got.status++;
}

static void
on_state(enum printer_state st, void *arg)
{
	(void)arg;
	if (st == PRINTER_ATTACHED)
		got.attached++;
	else
		got.detached++;
}

static const struct printer_cbs cbs = {on_state, NULL};

static void
build_receipt(struct escpos *e)
{
	escpos_init(e);
	escpos_align(e, ESCPOS_CENTER);
	escpos_bold(e, 1);
	escpos_size(e, 2, 2);
	escpos_line(e, "慈善超市");
	escpos_size(e, 1, 1);
	escpos_bold(e, 0);
	escpos_line(e, "浦东新区 第一门店");
	escpos_align(e, ESCPOS_LEFT);
	receipt_rule(e, '-');
	receipt_lr(e, "大米 5kg x1", "30分");
	receipt_lr(e, "食用油 1.8L x2", "40分");
	receipt_lr(e, "价值",
	    "\xc2\xa5"
	    "59.90");
	receipt_rule(e, '-');
	receipt_lr(e, "合计", "70分");
	receipt_lr(e, "余额", "130分");
	escpos_align(e, ESCPOS_CENTER);
	escpos_qr(e, "https://cishan.example/r/20240101-0001", 6, 'M');
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}

static struct usbemu_dev *
start(enum usbemu_model m)
{
	struct usbemu_dev *d;

	memset(&got, 0, sizeof(got));
	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	d = usbemu_add(emu, m, 2);
	base = event_base_new();
	ctx = drv_new(base);
	ck_assert_ptr_nonnull(ctx);
	pr = printer_open(ctx, "usb", NULL, &cbs);
	ck_assert_ptr_nonnull(pr);
	ck_assert_int_eq(printer_attached(pr), 1);
	return d;
}

static void
stop(void)
{
	printer_close(pr);
	drv_free(ctx);
	event_base_free(base);
	usbemu_free(emu);
}

static uint8_t *
job(size_t n)
{
	uint8_t *b = malloc(n);

	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)(i * 7 + i / 251);
	return b;
}

START_TEST(t_chinese_receipt_bytes)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	struct escpos *e = escpos_new(printer_profile(pr));
	const uint8_t *b;
	uint8_t *out;
	size_t n, on;

	ck_assert_str_eq(printer_profile(pr)->name, "generic58");
	build_receipt(e);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	ck_assert_uint_eq(n, sizeof(receipt_expected));
	ck_assert_mem_eq(b, receipt_expected, n);
	ck_assert_int_eq(printer_write(pr, b, n, on_done, NULL), 0);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	out = usbemu_out(d, &on);
	ck_assert_uint_eq(on, sizeof(receipt_expected));
	ck_assert_mem_eq(out, receipt_expected, on);
	/* usblp was detached to claim the interface. */
	ck_assert_int_eq(usbemu_driver_bound(d), 0);
	free(out);
	escpos_free(e);
	stop();
}
END_TEST

START_TEST(t_status_paper_end_cover_open)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);

	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_OK);
	usbemu_set_status(d, 0x12, 0x32, 0x72);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 2, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_PAPER_END);
	usbemu_set_status(d, 0x1a, 0x16, 0x12);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 3, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_COVER_OPEN);
	stop();
}
END_TEST

START_TEST(t_stall_cleared)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	uint8_t *b = job(3000), *out;
	size_t on;

	usbemu_fault(d, USBEMU_STALL, 0);
	printer_write(pr, b, 3000, on_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_uint_eq(usbemu_stalls_cleared(d), 1);
	out = usbemu_out(d, &on);
	ck_assert_uint_eq(on, 3000);
	ck_assert_mem_eq(out, b, 3000);
	free(out);
	free(b);
	stop();
}
END_TEST

START_TEST(t_timeout_resumes_without_duplicates)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	uint8_t *b = job(10000), *out;
	size_t on;

	printer_set_timeouts(pr, 100, 5000, 300);
	/* The first 4 KiB chunk: 1000 bytes go out, then nothing. */
	usbemu_fault(d, USBEMU_TIMEOUT, 1000);
	printer_write(pr, b, 10000, on_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 3000));
	ck_assert_int_eq(got.err, DRV_OK);
	out = usbemu_out(d, &on);
	ck_assert_uint_eq(on, 10000);
	ck_assert_mem_eq(out, b, 10000);
	free(out);
	free(b);
	stop();
}
END_TEST

START_TEST(t_job_deadline)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	uint8_t *b = job(5000);

	/* A chunk that never finishes within the job's deadline. */
	printer_set_timeouts(pr, 5000, 200, 300);
	usbemu_fault(d, USBEMU_TIMEOUT, 10);
	printer_write(pr, b, 5000, on_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 3000));
	ck_assert_int_eq(got.err, DRV_ETIMEDOUT);
	free(b);
	stop();
}
END_TEST

START_TEST(t_never_answers_status)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	long t0;

	printer_set_timeouts(pr, 1000, 5000, 200);
	usbemu_fault(d, USBEMU_MUTE, 0);
	t0 = usbemu_now_ms();
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 3000));
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(got.st.answered, 0);
	ck_assert(usbemu_now_ms() - t0 >= 150);
	stop();
}
END_TEST

START_TEST(t_no_status_channel)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER_NOSTATUS);
	uint8_t *out;
	size_t on;

	printer_write(pr, "\x1b\x40hi\n", 5, on_done, NULL);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.done, 1);
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	out = usbemu_out(d, &on);
	/* No query was sent to a printer that cannot answer. */
	ck_assert_uint_eq(on, 5);
	ck_assert_mem_eq(out, "\x1b\x40hi\n", 5);
	free(out);
	stop();
}
END_TEST

START_TEST(t_unplug_mid_job_and_replug)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	uint8_t *b = job(9000);

	usbemu_fault(d, USBEMU_TIMEOUT, 500);
	printer_write(pr, b, 9000, on_done, NULL);
	printer_write(pr, b, 100, on_done, NULL);
	usbemu_run_until(base, &got.done, 1, 100);
	ck_assert_int_eq(got.done, 0);
	usbemu_unplug(d);
	ck_assert(usbemu_run_until(base, &got.done, 2, 2000));
	ck_assert_int_eq(got.err, DRV_ENODEV);
	ck_assert(usbemu_run_until(base, &got.detached, 1, 2000));
	ck_assert_int_eq(printer_attached(pr), 0);
	ck_assert_int_eq(printer_write(pr, b, 10, on_done, NULL), DRV_ENODEV);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	usbemu_replug(d);
	ck_assert(usbemu_run_until(base, &got.attached, 2, 3000));
	got.done = 0;
	ck_assert_int_eq(printer_write(pr, b, 100, on_done, NULL), 0);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	free(b);
	stop();
}
END_TEST

static long
cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000;
}

static void
on_scan(const struct scanner_scan *s, void *arg)
{
	(void)s, (void)arg;
}

START_TEST(t_idle_till_sleeps)
{
	struct usbemu_dev *d = start(USBEMU_PRINTER58);
	struct usbemu_dev *sd = usbemu_add(emu, USBEMU_WEDGE, 1);
	const struct scanner_cbs scbs = {on_scan, NULL, NULL};
	struct scanner *sc;
	unsigned long io0;
	long c0;
	struct timeval sec = {1, 0};

	(void)sd;
	/* The scanner was added after libusb_init: it comes by hotplug. */
	usbemu_announce(sd);
	sc = scanner_open(ctx, "usb", &scbs);
	ck_assert_ptr_nonnull(sc);
	{
		int one = 0;

		usbemu_run_until(base, &one, 1, 300);
	}
	ck_assert_int_eq(scanner_attached(sc), 1);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	io0 = usbemu_ioctls(emu);
	c0 = cpu_ms();
	event_base_loopexit(base, &sec);
	event_base_dispatch(base);
	/* A second of idleness: the interrupt IN stays pending, no poll. */
	ck_assert_uint_le(usbemu_ioctls(emu) - io0, 2);
	ck_assert_int_le(cpu_ms() - c0, 50);
	(void)d;
	scanner_close(sc);
	stop();
}
END_TEST

START_TEST(t_mem_file_tcp_transports)
{
	struct event_base *b = event_base_new();
	struct drv_ctx *c = drv_new(b);
	struct printer *m, *f, *t;
	const uint8_t *mb;
	char path[] = "/tmp/cishan-lpXXXXXX", rd[64];
	struct sockaddr_in sa = {0};
	socklen_t sl = sizeof(sa);
	int fd, ls, cs;
	size_t n;
	char spec[64];

	memset(&got, 0, sizeof(got));
	m = printer_open(c, "mem", "generic80", NULL);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(printer_profile(m)->cols_a, 48);
	printer_write(m, "abc", 3, on_done, NULL);
	printer_mem_answer(m, (const uint8_t *)"\x12\x12\x1e", 3);
	printer_status(m, on_status, NULL);
	ck_assert(usbemu_run_until(b, &got.status, 1, 1000));
	ck_assert_int_eq(got.st.state, ESCPOS_PAPER_NEAR_END);
	mb = printer_mem_bytes(m, &n);
	/* The job, then the status query after it, never inside. */
	ck_assert_uint_eq(n, 12);
	ck_assert_mem_eq(mb, "abc\x10\x04\x01\x10\x04\x02\x10\x04\x04", 12);
	ck_assert_ptr_null(printer_open(c, "mem", "no-such-profile", NULL));

	fd = mkstemp(path);
	snprintf(spec, sizeof(spec), "file:%s", path);
	f = printer_open(c, spec, NULL, NULL);
	ck_assert_ptr_nonnull(f);
	printer_write(f, "lp0", 3, on_done, NULL);
	ck_assert(usbemu_run_until(b, &got.done, 2, 1000));
	ck_assert_int_eq(read(fd, rd, sizeof(rd)), 3);
	ck_assert_mem_eq(rd, "lp0", 3);
	close(fd);
	unlink(path);

	ls = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	listen(ls, 1);
	getsockname(ls, (struct sockaddr *)&sa, &sl);
	snprintf(spec, sizeof(spec), "tcp:127.0.0.1:%u", ntohs(sa.sin_port));
	t = printer_open(c, spec, NULL, NULL);
	ck_assert_ptr_nonnull(t);
	printer_write(t, "9100", 4, on_done, NULL);
	ck_assert(usbemu_run_until(b, &got.done, 3, 1000));
	ck_assert_int_eq(got.err, DRV_OK);
	cs = accept(ls, NULL, NULL);
	ck_assert_int_eq(read(cs, rd, sizeof(rd)), 4);
	ck_assert_mem_eq(rd, "9100", 4);
	close(cs);
	close(ls);
	printer_close(t);
	printer_close(f);
	printer_close(m);
	drv_free(c);
	event_base_free(b);
}
END_TEST

/* A GET_DEVICE_ID answer: big-endian length counting itself. */
static void
set_devid(struct usbemu_dev *d, const char *id)
{
	uint8_t b[256];
	size_t n = strlen(id) + 2;

	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	memcpy(b + 2, id, n - 2);
	usbemu_set_device_id(d, b, n);
}

static const char *
open_profile(const char *spec, const char *profile)
{
	const char *name;

	pr = printer_open(ctx, spec, profile, &cbs);
	ck_assert_ptr_nonnull(pr);
	ck_assert_int_eq(printer_attached(pr), 1);
	name = printer_profile(pr)->name;
	printer_close(pr);
	pr = NULL;
	return name;
}

START_TEST(t_profile_from_device_id)
{
	struct usbemu_dev *unk, *known;

	memset(&got, 0, sizeof(got));
	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	unk = usbemu_add(emu, USBEMU_PRINTER_UNKNOWN, 4);
	known = usbemu_add(emu, USBEMU_PRINTER58, 2);
	set_devid(unk, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;");
	set_devid(known, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;");
	base = event_base_new();
	ctx = drv_new(base);
	ck_assert_ptr_nonnull(ctx);
	/* 0FE6:811E is not in the table: the device id names Epson. */
	ck_assert_str_eq(open_profile("usb:0fe6:811e", NULL), "tm-t20ii");
	ck_assert_uint_eq(usbemu_devid_asked(unk), 1); /* once per open */
	/* --profile wins; so does the table for a VID:PID it knows. */
	ck_assert_str_eq(
	    open_profile("usb:0fe6:811e", "generic58"), "generic58");
	ck_assert_str_eq(open_profile("usb:0416:5011", NULL), "generic58");
	/* An 80 mm Chinese id, a broken answer, none at all. */
	set_devid(unk,
	    "MANUFACTURER:Gprinter;COMMAND SET:ESC/POS;"
	    "MODEL:GP-80250IVN;");
	ck_assert_str_eq(open_profile("usb:0fe6:811e", NULL), "generic80");
	usbemu_set_device_id(unk, "\x00\x05MFG:", 6);
	ck_assert_str_eq(open_profile("usb:0fe6:811e", NULL), "generic58");
	usbemu_set_device_id(unk, NULL, 0); /* stalls */
	ck_assert_str_eq(open_profile("usb:0fe6:811e", NULL), "generic58");
	/* It still prints and answers status with the profile it got. */
	set_devid(unk, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;");
	pr = printer_open(ctx, "usb:0fe6:811e", NULL, &cbs);
	ck_assert_ptr_nonnull(pr);
	ck_assert_str_eq(printer_profile(pr)->name, "tm-t20ii");
	usbemu_set_status(unk, 0x12, 0x16, 0x12);
	printer_write(pr, "\x1b\x40", 2, on_done, NULL);
	printer_status(pr, on_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_COVER_OPEN);
	stop();
}
END_TEST

/* The technician's tool, run as a real process on the same devices. */
static char *
run_tool(const char *args)
{
	const char *tool = getenv("CISHAN_USB");
	char cmd[512], *buf = calloc(1, 8192);
	size_t n = 0;
	FILE *f;

	ck_assert_msg(tool != NULL, "CISHAN_USB not set");
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", tool, args);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (n < 8191 && fgets(buf + n, (int)(8192 - n), f) != NULL)
		n = strlen(buf);
	pclose(f);
	return buf;
}

START_TEST(t_cishan_usb_tool)
{
	struct usbemu_dev *d;
	char *out;
	uint8_t *bytes;
	size_t n;

	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	d = usbemu_add(emu, USBEMU_PRINTER58, 2);
	usbemu_add(emu, USBEMU_HIDPOS, 3);
	out = run_tool("list");
	ck_assert_msg(strstr(out, "printer") && strstr(out, "0416:5011") &&
	        strstr(out, "serial=PRN58001") &&
	        strstr(out, "profile=generic58") && strstr(out, "port=1-2"),
	    "list: %s", out);
	ck_assert_msg(
	    strstr(out, "scanner(hid-pos)") && strstr(out, "05e0:1300"),
	    "list: %s", out);
	ck_assert_msg(strstr(out, "id=\"Winbond/POS58\""), "list: %s", out);
	free(out);
	/* list asked for the device id and gave the printer back to usblp. */
	ck_assert_uint_eq(usbemu_devid_asked(d), 1);
	ck_assert_int_eq(usbemu_driver_bound(d), 1);
	ck_assert_int_eq(usbemu_claimed(d), 0);
	usbemu_set_status(d, 0x12, 0x12, 0x1e);
	out = run_tool("print-test");
	ck_assert_msg(
	    strstr(out, "job: sent") && strstr(out, "status: paper_near_end"),
	    "print-test: %s", out);
	free(out);
	bytes = usbemu_out(d, &n);
	ck_assert_uint_gt(n, 100);
	ck_assert_mem_eq(bytes, "\x1b\x40\x1c\x26", 4);
	ck_assert_ptr_nonnull(memmem(bytes, n, "\x1d\x6b\x43\x0c", 4));
	ck_assert_ptr_nonnull(
	    memmem(bytes, n, "https://cishan.example/test", 27));
	ck_assert_ptr_nonnull(memmem(bytes, n, "\xb4\xf2\xd3\xa1", 4));
	free(bytes);
	out = run_tool("print-test --profile nope");
	ck_assert_ptr_nonnull(strstr(out, "unknown profile"));
	free(out);
	/* A printer the table does not know: its id picks the profile. */
	d = usbemu_add(emu, USBEMU_PRINTER_UNKNOWN, 4);
	set_devid(d, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;");
	usbemu_announce(d);
	out = run_tool("list");
	ck_assert_msg(strstr(out, "0fe6:811e") &&
	        strstr(out, "profile=tm-t20ii") &&
	        strstr(out, "id=\"EPSON/TM-T20II\""),
	    "list: %s", out);
	free(out);
	usbemu_free(emu);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("usb_printer");
	TCase *tc = tcase_create("emulated");
	SRunner *sr;
	int nf;

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, t_chinese_receipt_bytes);
	tcase_add_test(tc, t_status_paper_end_cover_open);
	tcase_add_test(tc, t_stall_cleared);
	tcase_add_test(tc, t_timeout_resumes_without_duplicates);
	tcase_add_test(tc, t_job_deadline);
	tcase_add_test(tc, t_never_answers_status);
	tcase_add_test(tc, t_no_status_channel);
	tcase_add_test(tc, t_unplug_mid_job_and_replug);
	tcase_add_test(tc, t_idle_till_sleeps);
	tcase_add_test(tc, t_mem_file_tcp_transports);
	tcase_add_test(tc, t_profile_from_device_id);
	tcase_add_test(tc, t_cishan_usb_tool);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
