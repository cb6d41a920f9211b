/*
 * check_usb_printer: jobs through the real printer code to emulated
 * printers: the receipt's exact bytes, chunks resumed after a stall or
 * a timeout and never sent twice, the job deadline, unplug and replug,
 * an idle till that sleeps; and the file, TCP and memory transports.
 * Status and identity: check_usb_printer_status.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "usbemu_check.h"

/* Generated independently (Python's GBK codec), not by escpos.c. */
static const uint8_t receipt_expected[] = {0x1b, 0x40, 0x1c, 0x26, 0x1b, 0x61,
    0x01, 0x1b, 0x45, 0x01, 0x1d, 0x21, 0x11, 0xb4, 0xc8, 0xc9, 0xc6, 0xb3,
    0xac, 0xca, 0xd0, 0x0a, 0x1d, 0x21, 0x00, 0x1b, 0x45, 0x00, 0xc6, 0xd6,
    0xb6, 0xab, 0xd0, 0xc2, 0xc7, 0xf8, 0x20, 0xb5, 0xda, 0xd2, 0xbb, 0xc3,
    0xc5, 0xb5, 0xea, 0x0a, 0x1b, 0x61, 0x00, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x0a, 0xb4, 0xf3, 0xc3, 0xd7, 0x20, 0x35, 0x6b, 0x67,
    0x20, 0x78, 0x31, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x33, 0x30, 0xb7, 0xd6,
    0x0a, 0xca, 0xb3, 0xd3, 0xc3, 0xd3, 0xcd, 0x20, 0x31, 0x2e, 0x38, 0x4c,
    0x20, 0x78, 0x32, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x34, 0x30, 0xb7, 0xd6, 0x0a, 0xbc, 0xdb,
    0xd6, 0xb5, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0xa3,
    0xa4, 0x35, 0x39, 0x2e, 0x39, 0x30, 0x0a, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d, 0x2d,
    0x2d, 0x2d, 0x2d, 0x0a, 0xba, 0xcf, 0xbc, 0xc6, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x37, 0x30, 0xb7, 0xd6,
    0x0a, 0xd3, 0xe0, 0xb6, 0xee, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
    0x20, 0x20, 0x20, 0x20, 0x31, 0x33, 0x30, 0xb7, 0xd6, 0x0a, 0x1b, 0x61,
    0x01, 0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00, 0x1d, 0x28,
    0x6b, 0x03, 0x00, 0x31, 0x43, 0x06, 0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31,
    0x45, 0x31, 0x1d, 0x28, 0x6b, 0x29, 0x00, 0x31, 0x50, 0x30, 0x68, 0x74,
    0x74, 0x70, 0x73, 0x3a, 0x2f, 0x2f, 0x63, 0x69, 0x73, 0x68, 0x61, 0x6e,
    0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x2f, 0x72, 0x2f, 0x32,
    0x30, 0x32, 0x34, 0x30, 0x31, 0x30, 0x31, 0x2d, 0x30, 0x30, 0x30, 0x31,
    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30, 0x1b, 0x64, 0x04};

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

START_TEST(t_chinese_receipt_bytes)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	struct escpos *e = escpos_new(printer_profile(pr));
	const uint8_t *b;
	size_t n;

	ck_assert_str_eq(printer_profile(pr)->name, "generic58");
	build_receipt(e);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	ck_assert_uint_eq(n, sizeof(receipt_expected));
	ck_assert_mem_eq(b, receipt_expected, n);
	ck_assert_int_eq(printer_write(pr, b, n, usbemu_check_done, NULL), 0);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	usbemu_check_out(d, receipt_expected, sizeof(receipt_expected));
	/* usblp was detached to claim the interface. */
	ck_assert_int_eq(usbemu_driver_bound(d), 0);
	escpos_free(e);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_stall_cleared)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	uint8_t *b = usbemu_check_job(3000);

	usbemu_fault(d, USBEMU_STALL, 0);
	printer_write(pr, b, 3000, usbemu_check_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_uint_eq(usbemu_stalls_cleared(d), 1);
	usbemu_check_out(d, b, 3000);
	free(b);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_timeout_resumes_without_duplicates)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	uint8_t *b = usbemu_check_job(10000);

	printer_set_timeouts(pr, 100, 5000, 300);
	/* The first 4 KiB chunk: 1000 bytes go out, then nothing. */
	usbemu_fault(d, USBEMU_TIMEOUT, 1000);
	printer_write(pr, b, 10000, usbemu_check_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 3000));
	ck_assert_int_eq(got.err, DRV_OK);
	usbemu_check_out(d, b, 10000);
	free(b);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_job_deadline)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	uint8_t *b = usbemu_check_job(5000);

	/* A chunk that never finishes within the job's deadline. */
	printer_set_timeouts(pr, 5000, 200, 300);
	usbemu_fault(d, USBEMU_TIMEOUT, 10);
	printer_write(pr, b, 5000, usbemu_check_done, NULL);
	ck_assert(usbemu_run_until(base, &got.done, 1, 3000));
	ck_assert_int_eq(got.err, DRV_ETIMEDOUT);
	free(b);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_unplug_mid_job_and_replug)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	uint8_t *b = usbemu_check_job(9000);

	usbemu_fault(d, USBEMU_TIMEOUT, 500);
	printer_write(pr, b, 9000, usbemu_check_done, NULL);
	printer_write(pr, b, 100, usbemu_check_done, NULL);
	usbemu_run_until(base, &got.done, 1, 100);
	ck_assert_int_eq(got.done, 0);
	usbemu_unplug(d);
	ck_assert(usbemu_run_until(base, &got.done, 2, 2000));
	ck_assert_int_eq(got.err, DRV_ENODEV);
	ck_assert(usbemu_run_until(base, &got.detached, 1, 2000));
	ck_assert_int_eq(printer_attached(pr), 0);
	ck_assert_int_eq(
	    printer_write(pr, b, 10, usbemu_check_done, NULL), DRV_ENODEV);
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	usbemu_replug(d);
	ck_assert(usbemu_run_until(base, &got.attached, 2, 3000));
	got.done = 0;
	ck_assert_int_eq(printer_write(pr, b, 100, usbemu_check_done, NULL), 0);
	ck_assert(usbemu_run_until(base, &got.done, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	free(b);
	usbemu_check_stop();
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

START_TEST(t_idle_till_sleeps)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	struct usbemu_dev *sd = usbemu_add(emu, USBEMU_WEDGE, 1);
	const struct scanner_cbs scbs = {usbemu_check_scan, NULL, NULL};
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
	printer_status(pr, usbemu_check_status, NULL);
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
	usbemu_check_stop();
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
	printer_write(m, "abc", 3, usbemu_check_done, NULL);
	printer_mem_answer(m, (const uint8_t *)"\x12\x12\x1e", 3);
	printer_status(m, usbemu_check_status, NULL);
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
	printer_write(f, "lp0", 3, usbemu_check_done, NULL);
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
	printer_write(t, "9100", 4, usbemu_check_done, NULL);
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

int
main(void)
{
	Suite *s = suite_create("usb_printer");
	TCase *tc = tcase_create("emulated");

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, t_chinese_receipt_bytes);
	tcase_add_test(tc, t_stall_cleared);
	tcase_add_test(tc, t_timeout_resumes_without_duplicates);
	tcase_add_test(tc, t_job_deadline);
	tcase_add_test(tc, t_unplug_mid_job_and_replug);
	tcase_add_test(tc, t_idle_till_sleeps);
	tcase_add_test(tc, t_mem_file_tcp_transports);
	suite_add_tcase(s, tc);
	return usbemu_check_run(s);
}
