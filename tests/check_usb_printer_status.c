/*
 * check_usb_printer_status: what an emulated printer says about itself:
 * DLE EOT status (paper end, cover open), silence and a printer without
 * a status channel as unknown, the profile its IEEE 1284 device id
 * picks, and cishan-usb run as a real process on the same devices
 * (scan stopped by SIGTERM, SIGHUP or SIGINT gives the scanner back).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "usbemu_check.h"

static const struct printer_cbs cbs = {usbemu_check_printer_state, NULL};

START_TEST(t_status_paper_end_cover_open)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);

	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_OK);
	usbemu_set_status(d, 0x12, 0x32, 0x72);
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 2, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_PAPER_END);
	usbemu_set_status(d, 0x1a, 0x16, 0x12);
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 3, 2000));
	ck_assert_int_eq(got.st.state, ESCPOS_COVER_OPEN);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_never_answers_status)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER58);
	long t0;

	printer_set_timeouts(pr, 1000, 5000, 200);
	usbemu_fault(d, USBEMU_MUTE, 0);
	t0 = usbemu_now_ms();
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 3000));
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	ck_assert_int_eq(got.st.answered, 0);
	ck_assert(usbemu_now_ms() - t0 >= 150);
	usbemu_check_stop();
}
END_TEST

START_TEST(t_no_status_channel)
{
	struct usbemu_dev *d = usbemu_check_printer(USBEMU_PRINTER_NOSTATUS);

	printer_write(pr, "\x1b\x40hi\n", 5, usbemu_check_done, NULL);
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.done, 1);
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_UNKNOWN);
	/* No query was sent to a printer that cannot answer. */
	usbemu_check_out(d, "\x1b\x40hi\n", 5);
	usbemu_check_stop();
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

	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	unk = usbemu_add(emu, USBEMU_PRINTER_UNKNOWN, 4);
	known = usbemu_add(emu, USBEMU_PRINTER58, 2);
	set_devid(unk, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;");
	set_devid(known, "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;");
	usbemu_check_setup();
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
	printer_write(pr, "\x1b\x40", 2, usbemu_check_done, NULL);
	printer_status(pr, usbemu_check_status, NULL);
	ck_assert(usbemu_run_until(base, &got.status, 1, 2000));
	ck_assert_int_eq(got.err, DRV_OK);
	ck_assert_int_eq(got.st.state, ESCPOS_COVER_OPEN);
	usbemu_check_stop();
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

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* scan stopped by SIGTERM (a service stop) or SIGHUP gives the scanner
 * back to usbhid, as SIGINT does: it types again without a replug. */
START_TEST(t_cishan_usb_scan_signals)
{
	static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};
	const char *tool = getenv("CISHAN_USB");
	struct usbemu_dev *d;
	char *out;
	double t0;
	size_t k;
	pid_t pid;
	int st;

	ck_assert_msg(tool != NULL, "CISHAN_USB not set");
	emu = usbemu_new();
	ck_assert_ptr_nonnull(emu);
	d = usbemu_add(emu, USBEMU_HIDPOS, 3);
	out = run_tool("--help");
	ck_assert_msg(strstr(out, "--scanner") && strstr(out, "--printer") &&
	        strstr(out, "--profile") && strstr(out, "SIGTERM"),
	    "%s", out);
	free(out);
	for (k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) {
		ck_assert_int_eq(usbemu_driver_bound(d), 1);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			int fd = open("/dev/null", O_WRONLY);

			dup2(fd, 1);
			dup2(fd, 2);
			execl(tool, tool, "scan", "--scanner", "usb",
			    (char *)NULL);
			_exit(127);
		}
		t0 = now_s();
		while (!usbemu_claimed(d) && now_s() - t0 < 5)
			usleep(10000);
		ck_assert_msg(usbemu_claimed(d), "scan never claimed it");
		ck_assert_int_eq(usbemu_driver_bound(d), 0);
		kill(pid, sigs[k]);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "signal %d: status %d", sigs[k], st);
		ck_assert_int_eq(usbemu_claimed(d), 0);
		ck_assert_msg(usbemu_driver_bound(d) == 1,
		    "signal %d left usbhid detached", sigs[k]);
	}
	usbemu_free(emu);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("usb_printer_status");
	TCase *tc = tcase_create("emulated");

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, t_status_paper_end_cover_open);
	tcase_add_test(tc, t_never_answers_status);
	tcase_add_test(tc, t_no_status_channel);
	tcase_add_test(tc, t_profile_from_device_id);
	tcase_add_test(tc, t_cishan_usb_tool);
	tcase_add_test(tc, t_cishan_usb_scan_signals);
	suite_add_tcase(s, tc);
	return usbemu_check_run(s);
}
