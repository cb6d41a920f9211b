/*
 * check_drv_tty: scanners and printers without USB.  A CDC-ACM scanner
 * and a serial/lp printer are stood in for by pseudo-terminals (the
 * test holds the master side, the driver opens the slave through a
 * symlink the test controls); a spool file and /dev/null for what can
 * never answer; the wedge scanner fed keys with their times.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>

#include "drivers.h"
#include "usbemu_check.h"

static const struct scanner_cbs cbs = {
    usbemu_check_scan, usbemu_check_scanner_state, NULL};

/* A new pseudo-terminal: the master fd, the slave's path in slave. */
static int
pty_new(char *slave, size_t sz)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);

	ck_assert_int_ge(m, 0);
	ck_assert_int_eq(grantpt(m), 0);
	ck_assert_int_eq(unlockpt(m), 0);
	ck_assert_int_eq(ptsname_r(m, slave, sz), 0);
	return m;
}

/* Point link at target, atomically (as udev replaces a symlink). */
static void
relink(const char *target, const char *link)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s.new", link);
	unlink(tmp);
	ck_assert_int_eq(symlink(target, tmp), 0);
	ck_assert_int_eq(rename(tmp, link), 0);
}

static void
put(int fd, const char *s)
{
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void
idle(int ms)
{
	int never = 0;

	usbemu_run_until(base, &never, 1, ms);
}

START_TEST(t_tty_scanner_scans_and_comes_back)
{
	char dir[] = "/tmp/cishan-ttyXXXXXX", link[256], spec[300];
	char slave[128];
	struct scanner *sc;
	int m;
	long t0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/scanner", dir);
	snprintf(spec, sizeof(spec), "tty:%s", link);
	m = pty_new(slave, sizeof(slave));
	relink(slave, link);
	sc = scanner_open(ctx, spec, &cbs);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(scanner_attached(sc), 1);
	ck_assert_int_eq(got.attached, 1);

	/* EAN-13 ended by CR: one event, valid check digit. */
	put(m, "6901234567892\r");
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	ck_assert_str_eq(got.code[0], "6901234567892");
	ck_assert_uint_eq(got.len[0], 13);
	ck_assert_int_eq(got.sym[0], BARCODE_EAN13);
	ck_assert_int_eq(got.check[0], 1);
	/* Doubled digits, CR LF as one end, a code split over two reads,
	 * a bad check digit reported as bad. */
	put(m, "4006381333931\r\n");
	ck_assert(usbemu_run_until(base, &got.n, 2, 2000));
	put(m, "69012345");
	idle(30);
	ck_assert_int_eq(got.n, 2);
	put(m, "67893\n");
	ck_assert(usbemu_run_until(base, &got.n, 3, 2000));
	idle(30);
	ck_assert_int_eq(got.n, 3);
	ck_assert_str_eq(got.code[1], "4006381333931");
	ck_assert_int_eq(got.check[1], 1);
	ck_assert_str_eq(got.code[2], "6901234567893");
	ck_assert_int_eq(got.check[2], 0);

	/* The device goes away: master closed, its node gone. */
	close(m);
	unlink(link);
	ck_assert(usbemu_run_until(base, &got.detached, 1, 2000));
	ck_assert_int_eq(scanner_attached(sc), 0);
	/* A retry finds nothing; it keeps looking. */
	idle(1100);
	ck_assert_int_eq(scanner_attached(sc), 0);
	ck_assert_int_eq(got.attached, 1);
	/* Plugged back in: a new tty at the same path, reopened within
	 * the 1 s retry. */
	m = pty_new(slave, sizeof(slave));
	relink(slave, link);
	t0 = usbemu_now_ms();
	ck_assert(usbemu_run_until(base, &got.attached, 2, 2500));
	ck_assert_int_le(usbemu_now_ms() - t0, 1500);
	ck_assert_int_eq(scanner_attached(sc), 1);
	put(m, "6936983800013\r");
	ck_assert(usbemu_run_until(base, &got.n, 4, 2000));
	ck_assert_str_eq(got.code[3], "6936983800013");
	ck_assert_int_eq(got.check[3], 1);
	ck_assert_int_eq(got.detached, 1);
	scanner_close(sc);
	close(m);
	unlink(link);
	rmdir(dir);
}
END_TEST

START_TEST(t_tty_scanner_absent_and_overlong)
{
	char dir[] = "/tmp/cishan-ttyXXXXXX", link[256], spec[300];
	char slave[128], *big;
	struct scanner *sc;
	int m;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(link, sizeof(link), "%s/scanner", dir);
	snprintf(spec, sizeof(spec), "tty:%s", link);
	/* Not there yet at open: not attached, found when it comes. */
	sc = scanner_open(ctx, spec, &cbs);
	ck_assert_ptr_nonnull(sc);
	ck_assert_int_eq(scanner_attached(sc), 0);
	m = pty_new(slave, sizeof(slave));
	relink(slave, link);
	ck_assert(usbemu_run_until(base, &got.attached, 1, 2500));
	/* A code longer than HIDSCAN_MAX is dropped, not cut short; the
	 * next one is whole. */
	big = malloc(HIDSCAN_MAX + 3);
	memset(big, 'A', HIDSCAN_MAX + 1);
	memcpy(big + HIDSCAN_MAX + 1, "\r", 2);
	for (size_t off = 0; off < strlen(big);) {
		ssize_t w = write(m, big + off, strlen(big) - off);

		if (w < 0 && errno == EAGAIN) {
			idle(10);
			continue;
		}
		ck_assert_int_gt(w, 0);
		off += (size_t)w;
		idle(10);
	}
	free(big);
	put(m, "1100\r");
	ck_assert(usbemu_run_until(base, &got.n, 1, 2000));
	idle(30);
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.code[0], "1100");
	ck_assert_int_eq(got.check[0], -1);
	scanner_close(sc);
	close(m);
	unlink(link);
	rmdir(dir);
}
END_TEST

START_TEST(t_wedge_scanner_timing)
{
	struct scanner *w = scanner_open(ctx, "wedge", &cbs);
	char big[300];
	uint64_t t = 10000;
	int r = 0;

	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(scanner_attached(w), 1);
	/* A person typing at 150 ms a key: never a scan. */
	for (const char *s = "12345\r"; *s; s++, t += 150)
		r += scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(r, 0);
	ck_assert_int_eq(got.n, 0);
	/* Exactly 100 ms apart is still a scanner; 101 ms is not. */
	t += 1000;
	for (const char *s = "6936983800013\r"; *s; s++, t += 100)
		r += scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(got.n, 1);
	ck_assert_str_eq(got.code[0], "6936983800013");
	ck_assert_int_eq(got.sym[0], BARCODE_EAN13);
	ck_assert_int_eq(got.check[0], 1);
	t += 1000;
	for (const char *s = "6936983800013\r"; *s; s++, t += 101)
		r += scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(got.n, 1);
	/* Four characters is the shortest scan; three is typing. */
	t += 1000;
	for (const char *s = "abc\r"; *s; s++, t += 5)
		r += scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(got.n, 1);
	for (const char *s = "abcd\t"; *s; s++, t += 5)
		r += scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(got.n, 2);
	ck_assert_str_eq(got.code[1], "abcd");
	ck_assert_int_eq(got.check[1], -1);
	/* A slow start, then the scan: only the fast part counts. */
	t += 1000;
	scanner_wedge_key(w, '9', t);
	t += 500;
	for (const char *s = "4006381333931\n"; *s; s++, t += 8)
		scanner_wedge_key(w, *s, t);
	ck_assert_int_eq(got.n, 3);
	ck_assert_str_eq(got.code[2], "4006381333931");
	/* A clock going backwards starts afresh rather than glue: "1"
	 * then "234" is three keys, not the four of a scan. */
	scanner_wedge_key(w, '1', t);
	scanner_wedge_key(w, '2', t - 50);
	for (const char *s = "34\r"; *s; s++)
		scanner_wedge_key(w, *s, t - 50);
	ck_assert_int_eq(got.n, 3);
	/* Longer than the wedge buffer: dropped, never cut short. */
	t += 1000;
	memset(big, '7', sizeof(big));
	for (size_t i = 0; i < sizeof(big); i++, t += 2)
		scanner_wedge_key(w, big[i], t);
	ck_assert_int_eq(scanner_wedge_key(w, '\r', t), 0);
	ck_assert_int_eq(got.n, 3);
	scanner_close(w);
}
END_TEST

START_TEST(t_file_printer_regular_file_unknown_at_once)
{
	char path[] = "/tmp/cishan-lpXXXXXX", rd[64], spec[64];
	struct printer *p;
	int fd = mkstemp(path);
	long t0;

	ck_assert_int_ge(fd, 0);
	snprintf(spec, sizeof(spec), "file:%s", path);
	p = printer_open(ctx, spec, NULL, NULL);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(printer_attached(p), 1);
	printer_write(p, "abc\n", 4, usbemu_check_done, NULL);
	t0 = usbemu_now_ms();
	ck_assert_int_eq(printer_status(p, usbemu_check_status, NULL), 0);
	ck_assert(usbemu_run_until(base, &got.status, 1, 3000));
	/* Before the 1 s status timeout: at once, and unknown. */
	ck_assert_int_lt(usbemu_now_ms() - t0, 300);
	ck_assert_int_eq(got.done, 1);
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(got.st.answered, 0);
	/* No DLE EOT written into the file: only the job. */
	ck_assert_int_eq(read(fd, rd, sizeof(rd)), 4);
	ck_assert_mem_eq(rd, "abc\n", 4);
	/* Again: it does not hang the second time either. */
	printer_status(p, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 2, 300));
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	printer_close(p);
	close(fd);
	unlink(path);

	/* A character device epoll refuses: unknown at once too. */
	p = printer_open(ctx, "file:/dev/null", NULL, NULL);
	ck_assert_ptr_nonnull(p);
	printer_write(p, "x", 1, usbemu_check_done, NULL);
	t0 = usbemu_now_ms();
	printer_status(p, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 3, 3000));
	ck_assert_int_lt(usbemu_now_ms() - t0, 300);
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(got.done, 2);
	ck_assert_int_eq(got.err, DRV_OK);
	printer_close(p);
}
END_TEST

/* The device side of a pty printer: every byte kept, each DLE EOT n
 * answered with ans[n] unless mute. */
static struct {
	uint8_t buf[4096];
	size_t len, scanned;
	uint8_t ans[5];
	int mute;
} dev;

static void
dev_cb(evutil_socket_t fd, short what, void *arg)
{
	ssize_t r;

	(void)what, (void)arg;
	while (dev.len < sizeof(dev.buf) &&
	    (r = read(fd, dev.buf + dev.len, sizeof(dev.buf) - dev.len)) > 0)
		dev.len += (size_t)r;
	for (; dev.scanned + 2 < dev.len; dev.scanned++) {
		const uint8_t *q = dev.buf + dev.scanned;

		if (q[0] != 0x10 || q[1] != 0x04 || q[2] < 1 || q[2] > 4)
			continue;
		if (!dev.mute)
			ck_assert_int_eq(write(fd, &dev.ans[q[2]], 1), 1);
		dev.scanned += 2;
	}
}

START_TEST(t_file_printer_pty_answers_status)
{
	static const uint8_t query[] = {
	    0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04};
	char slave[128], spec[160];
	struct printer *p;
	struct event *ev;
	struct stat sb;
	int m = pty_new(slave, sizeof(slave));
	long t0;

	memset(&dev, 0, sizeof(dev));
	/* Cover open: n=2 bit 2. */
	dev.ans[1] = 0x12, dev.ans[2] = 0x16, dev.ans[4] = 0x12;
	ev = event_new(base, m, EV_READ | EV_PERSIST, dev_cb, NULL);
	event_add(ev, NULL);
	ck_assert_int_eq(stat(slave, &sb), 0);
	ck_assert(S_ISCHR(sb.st_mode)); /* like /dev/usb/lp0 */
	snprintf(spec, sizeof(spec), "file:%s", slave);
	p = printer_open(ctx, spec, NULL, NULL);
	ck_assert_ptr_nonnull(p);
	printer_write(p, "hi\n", 3, usbemu_check_done, NULL);
	printer_status(p, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 3000));
	ck_assert_int_eq(got.done, 1);
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_COVER_OPEN);
	ck_assert_int_eq(got.st.answered, 3);
	ck_assert(got.st.flags & ESCPOS_F_COVER_OPEN);
	/* The job as sent (raw: no LF -> CR LF), then the query. */
	ck_assert_uint_eq(dev.len, 3 + sizeof(query));
	ck_assert_mem_eq(dev.buf, "hi\n", 3);
	ck_assert_mem_eq(dev.buf + 3, query, sizeof(query));

	/* Stale bytes from the printer before the query are not taken
	 * for answers; paper end (n=4 0x60, n=2 bit 5). */
	dev.ans[2] = 0x32, dev.ans[4] = 0x72;
	ck_assert_int_eq(write(m, "\x00\x00\x00", 3), 3);
	idle(50);
	printer_status(p, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 2, 3000));
	ck_assert_int_eq(got.st.state, ESCPOS_PAPER_END);
	ck_assert_int_eq(got.st.answered, 3);

	/* A device that stays silent: unknown after status_ms. */
	dev.mute = 1;
	printer_set_timeouts(p, 1000, 5000, 200);
	t0 = usbemu_now_ms();
	printer_status(p, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 3, 3000));
	ck_assert_int_ge(usbemu_now_ms() - t0, 150);
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(got.st.answered, 0);
	printer_close(p);
	event_free(ev);
	close(m);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("drv_tty");
	TCase *tc = tcase_create("tty");

	tcase_set_timeout(tc, 20);
	tcase_add_checked_fixture(
	    tc, usbemu_check_setup, usbemu_check_teardown);
	tcase_add_test(tc, t_tty_scanner_scans_and_comes_back);
	tcase_add_test(tc, t_tty_scanner_absent_and_overlong);
	tcase_add_test(tc, t_wedge_scanner_timing);
	tcase_add_test(tc, t_file_printer_regular_file_unknown_at_once);
	tcase_add_test(tc, t_file_printer_pty_answers_status);
	suite_add_tcase(s, tc);
	return usbemu_check_run(s);
}
