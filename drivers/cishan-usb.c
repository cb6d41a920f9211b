/*
 * cishan-usb: what a technician runs when installing a till.
 *   cishan-usb list
 *   cishan-usb print-test [--profile NAME] [--printer SPEC]
 *   cishan-usb scan [--scanner SPEC]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "drivers.h"

static int done_err = 1, have_done, have_status;
static struct escpos_status status;

/* Every option docs/drivers.md lists; --help to stdout and exit 0. */
static void
usage(int ok)
{
	fprintf(ok ? stdout : stderr,
	    "usage: cishan-usb list\n"
	    "       cishan-usb print-test [--profile generic58|generic80|"
	    "tm-t20ii]\n"
	    "                             [--printer usb|usb:VVVV:PPPP|"
	    "file:PATH|tcp:HOST:PORT]\n"
	    "       cishan-usb scan [--scanner usb|usb:VVVV:PPPP|"
	    "tty:PATH]\n"
	    "       cishan-usb --help\n"
	    "scan runs until SIGINT, SIGTERM or SIGHUP, then gives the "
	    "scanner back to the kernel.\n");
	exit(ok ? 0 : 2);
}

static const char *
kind_name(enum devices_kind k)
{
	switch (k) {
	case DEVICES_SCANNER_KBD:
		return "scanner(keyboard)";
	case DEVICES_SCANNER_POS:
		return "scanner(hid-pos)";
	case DEVICES_PRINTER:
		return "printer";
	case DEVICES_NONE:
		break;
	}
	return "?";
}

static void
list_cb(const struct drv_devinfo *d, void *arg)
{
	char id[160] = "-";

	(void)arg;
	/* The printer's own IEEE 1284 id: what picks a profile for a
	 * VID:PID the table does not know. */
	if (d->devid.mfg[0] != '\0' || d->devid.mdl[0] != '\0')
		snprintf(
		    id, sizeof(id), "\"%s/%s\"", d->devid.mfg, d->devid.mdl);
	printf(
	    "%-18s %04x:%04x serial=%-12s port=%-8s profile=%-10s %s%s%s%s\n",
	    kind_name(d->kind), d->vid, d->pid, d->serial[0] ? d->serial : "-",
	    d->port, d->profile ? d->profile : "-",
	    d->name ? d->name : (d->product[0] ? d->product : ""),
	    d->kind == DEVICES_PRINTER && !d->has_status ? " (no status)" : "",
	    d->kind == DEVICES_PRINTER ? " id=" : "",
	    d->kind == DEVICES_PRINTER ? id : "");
}

static void
on_done(int err, void *arg)
{
	(void)arg;
	done_err = err;
	have_done = 1;
}

static void
on_status(const struct escpos_status *st, void *arg)
{
	struct event_base *base = arg;

	status = *st;
	have_status = 1;
	event_base_loopbreak(base);
}

static void
test_receipt(struct escpos *e)
{
	const char *cells[] = {"食用油 1.8L", "2", "40分"};
	int widths[3];
	int cols = escpos_columns(e);

	widths[0] = cols - 12, widths[1] = 4, widths[2] = 8;
	escpos_init(e);
	escpos_align(e, ESCPOS_CENTER);
	escpos_bold(e, 1);
	escpos_size(e, 2, 2);
	escpos_line(e, "慈善超市");
	escpos_size(e, 1, 1);
	escpos_bold(e, 0);
	escpos_line(e, "打印测试 / print test");
	escpos_align(e, ESCPOS_LEFT);
	receipt_rule(e, '-');
	receipt_lr(e, "大米 5kg", "30分");
	receipt_cols(e, cells, widths, "lrr", 3);
	receipt_lr(e, "价值",
	    "\xc2\xa5"
	    "59.90");
	receipt_rule(e, '-');
	escpos_align(e, ESCPOS_CENTER);
	escpos_ean13(e, "6936983800013", 60);
	escpos_feed(e, 1);
	escpos_qr(e, "https://cishan.example/test", 6, 'M');
	escpos_line(e, "");
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}

static int
print_test(struct drv_ctx *ctx, struct event_base *base, const char *spec,
    const char *profile)
{
	struct printer *p;
	struct escpos *e = NULL;
	const uint8_t *b;
	size_t n;
	int ret = 1;

	errno = 0;
	if ((p = printer_open(ctx, spec, profile, NULL)) == NULL) {
		/* The profile was checked already: the device is to blame. */
		fprintf(stderr, "cishan-usb: cannot open printer %s: %s\n",
		    spec, errno ? strerror(errno) : "not a printer spec");
		return 1;
	}
	if (!printer_attached(p)) {
		fprintf(stderr,
		    "cishan-usb: no printer found (%s); see "
		    "'cishan-usb list' and the udev rules\n",
		    spec);
		goto out;
	}
	printf("profile: %s (%s)\n", printer_profile(p)->name,
	    printer_profile(p)->desc);
	if ((e = escpos_new(printer_profile(p))) == NULL)
		goto out;
	test_receipt(e);
	b = escpos_bytes(e, &n);
	if (escpos_error(e) != 0 || printer_write(p, b, n, on_done, NULL) != 0)
		goto out;
	printer_status(p, on_status, base);
	event_base_dispatch(base);
	printf("job: %s (%zu bytes)\n",
	    have_done && done_err == 0 ? "sent" : "FAILED", n);
	printf("status: %s\n",
	    have_status ? escpos_state_name(status.state) : "unknown");
	ret = have_done && done_err == 0 ? 0 : 1;
out:
	escpos_free(e);
	printer_close(p);
	return ret;
}

static void
on_scan(const struct scanner_scan *s, void *arg)
{
	(void)arg;
	printf("%s %s check=%s\n", barcode_sym_name(s->sym), s->code,
	    s->check_ok < 0   ? "-"
	        : s->check_ok ? "ok"
	                      : "BAD");
	fflush(stdout);
}

static void
on_scanner_state(enum scanner_state st, void *arg)
{
	(void)arg;
	fprintf(stderr, "scanner %s\n",
	    st == SCANNER_ATTACHED ? "attached" : "detached");
}

static void
on_sigint(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	event_base_loopbreak(arg);
}

static int
scan(struct drv_ctx *ctx, struct event_base *base, const char *spec)
{
	const struct scanner_cbs cbs = {on_scan, on_scanner_state, NULL};
	static const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	struct event *sig[3] = {NULL, NULL, NULL};
	struct scanner *s = NULL;
	int i, ret = 1;

	/* SIGTERM (a service stop) and SIGHUP (the terminal gone) end it as
	 * SIGINT does: through scanner_close, which re-attaches the kernel
	 * driver it detached, so the scanner types again. Watched before the
	 * scanner is claimed, so no signal finds it claimed and unwatched. */
	for (i = 0; i < 3; i++) {
		sig[i] = evsignal_new(base, sigs[i], on_sigint, base);
		if (sig[i] == NULL || event_add(sig[i], NULL) != 0) {
			fprintf(stderr, "cishan-usb: cannot watch signals\n");
			goto out;
		}
	}
	if ((s = scanner_open(ctx, spec, &cbs)) == NULL) {
		fprintf(stderr, "cishan-usb: bad scanner spec %s\n", spec);
		goto out;
	}
	if (!scanner_attached(s))
		fprintf(stderr, "waiting for a scanner (%s)...\n", spec);
	event_base_dispatch(base);
	ret = 0;
out:
	for (i = 0; i < 3; i++)
		if (sig[i] != NULL)
			event_free(sig[i]);
	scanner_close(s);
	return ret;
}

int
main(int argc, char **argv)
{
	struct event_base *base;
	struct drv_ctx *ctx;
	const char *profile = NULL, *printer = "usb", *scanner = "usb";
	int ret = 2;

	if (argc < 2)
		usage(0);
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			usage(1);
	for (int i = 2; i < argc; i++) {
		if (i + 1 < argc && strcmp(argv[i], "--profile") == 0)
			profile = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--printer") == 0)
			printer = argv[++i];
		else if (i + 1 < argc && strcmp(argv[i], "--scanner") == 0)
			scanner = argv[++i];
		else
			usage(0);
	}
	if (profile != NULL && devices_profile(profile) == NULL) {
		fprintf(
		    stderr, "cishan-usb: unknown profile %s; known:", profile);
		for (size_t i = 0; devices_profile_at(i) != NULL; i++)
			fprintf(stderr, " %s", devices_profile_at(i)->name);
		fprintf(stderr, "\n");
		return 2;
	}
	if ((base = event_base_new()) == NULL ||
	    (ctx = drv_new(base)) == NULL) {
		fprintf(stderr, "cishan-usb: cannot start libusb\n");
		return 1;
	}
	if (strcmp(argv[1], "list") == 0)
		ret = drv_list(ctx, list_cb, NULL) < 0;
	else if (strcmp(argv[1], "print-test") == 0)
		ret = print_test(ctx, base, printer, profile);
	else if (strcmp(argv[1], "scan") == 0)
		ret = scan(ctx, base, scanner);
	else
		usage(0);
	drv_free(ctx);
	event_base_free(base);
	return ret;
}
