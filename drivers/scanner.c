/*
 * scanner.c: barcode scanners as one event per scan.  USB HID scanners
 * are read directly (usbhid detached, one interrupt transfer always in
 * flight); CDC-ACM scanners through their tty; wedge keys from the POS.
 * An unplugged scanner is reopened from a timer once it comes back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "drv.h"

enum scanner_mode { SCANNER_USB, SCANNER_TTY, SCANNER_WEDGE };

struct scanner {
	struct drv_ctx *ctx;
	struct scanner_cbs cbs;
	enum scanner_mode mode;
	struct usb_spec spec;
	struct usb_dev ud;
	enum devices_kind kind;
	int attached;
	struct usb_xfer *xfer; /* one interrupt IN always in flight */
	int lost;              /* device gone: close once xfer is back */
	uint8_t buf[64];
	size_t buflen; /* the endpoint's packet size, at most buf's */
	struct hidscan_boot boot;
	struct hidscan_pos pos;
	struct wedge wedge;
	struct usb_watch watch;
	struct event *retry, *gone;
	int retries;
	char *path; /* tty */
	int fd;
	struct event *ttyev;
	char line[HIDSCAN_MAX + 1];
	size_t linelen;
	int lineover; /* line longer than HIDSCAN_MAX: dropped */
};

static void
scanner_deliver(
    struct scanner *s, const char *code, size_t len, enum barcode_sym sym)
{
	struct scanner_scan sc;

	if (len == 0)
		return;
	if (sym == BARCODE_UNKNOWN)
		sym = barcode_guess(code, len);
	/* AIM ]E0 covers UPC-A too; tell them apart by length. */
	if (sym == BARCODE_EAN13 && len == 12)
		sym = BARCODE_UPCA;
	sc.code = code;
	sc.len = len;
	sc.sym = sym;
	if (sym == BARCODE_EAN13 || sym == BARCODE_EAN8 || sym == BARCODE_UPCA)
		sc.check_ok = barcode_check_ok(code, len);
	else
		sc.check_ok = -1;
	s->cbs.scan(&sc, s->cbs.arg);
}

static void
scanner_state(struct scanner *s, enum scanner_state st)
{
	s->attached = st == SCANNER_ATTACHED;
	if (s->cbs.state != NULL)
		s->cbs.state(st, s->cbs.arg);
}

static void
scanner_retry_in(struct scanner *s, int ms)
{
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	evtimer_add(s->retry, &tv);
}

static int
scanner_submit(struct scanner *s)
{
	return usb_xfer_interrupt(
	    s->xfer, &s->ud, s->ud.ep_in, s->buf, s->buflen, 0);
}

/* After unplug: close the handle; a half-read code is dropped. */
static void
scanner_detach(struct scanner *s)
{
	if (usb_xfer_busy(s->xfer)) {
		usb_xfer_cancel(s->xfer);
		usb_xfer_wait(s->xfer);
	}
	usb_close(&s->ud);
	s->lost = 0;
	hidscan_boot_reset(&s->boot);
	hidscan_pos_reset(&s->pos);
	if (s->attached)
		scanner_state(s, SCANNER_DETACHED);
	/* Without hotplug events, look for it now and then. */
	if (!usb_has_hotplug(s->ctx->usb))
		scanner_retry_in(s, 1000);
}

static void
scanner_gone_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	scanner_detach(arg);
}

static void
scanner_xfer_cb(enum usb_xfer_status st, uint8_t *b, size_t n, void *arg)
{
	struct scanner *s = arg;

	switch (st) {
	case USB_XFER_OK:
		if (s->kind == DEVICES_SCANNER_KBD) {
			if (hidscan_boot_feed(&s->boot, b, n))
				scanner_deliver(s, s->boot.code, s->boot.len,
				    BARCODE_UNKNOWN);
		} else if (hidscan_pos_feed(&s->pos, b, n))
			scanner_deliver(s, s->pos.code, s->pos.len,
			    hidscan_aim_sym(s->pos.aim));
		break;
	case USB_XFER_TIMEDOUT:
		break;
	case USB_XFER_STALL:
		usb_clear_halt(&s->ud, s->ud.ep_in);
		break;
	case USB_XFER_CANCELLED:
		return;
	default: /* NO_DEVICE, ERROR, OVERFLOW */
		s->lost = 1;
	}
	if (!s->lost && s->ud.h != NULL && scanner_submit(s) == 0)
		return;
	/* Gone: close outside libusb's event handling. */
	s->lost = 1;
	event_active(s->gone, 0, 0);
}

static int
scanner_usb_open(struct scanner *s)
{
	if (usb_open(s->ctx->usb, &s->spec, 0, &s->ud) != 0)
		return -1;
	s->kind = s->ud.info.kind;
	s->buflen = s->ud.in_max > sizeof(s->buf) || s->ud.in_max == 0
	    ? sizeof(s->buf)
	    : s->ud.in_max;
	hidscan_boot_reset(&s->boot);
	hidscan_pos_reset(&s->pos);
	if (scanner_submit(s) != 0) {
		usb_close(&s->ud);
		return -1;
	}
	scanner_state(s, SCANNER_ATTACHED);
	return 0;
}

static void scanner_tty_cb(evutil_socket_t, short, void *);

static int
scanner_tty_open(struct scanner *s)
{
	struct termios t;

	if ((s->fd = open(
	         s->path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) < 0)
		return -1;
	/* Raw bytes; CDC-ACM ignores the speed, serial bridges do not. */
	if (tcgetattr(s->fd, &t) == 0) {
		cfmakeraw(&t);
		cfsetspeed(&t, B9600);
		tcsetattr(s->fd, TCSANOW, &t);
	}
	s->ttyev = event_new(
	    s->ctx->base, s->fd, EV_READ | EV_PERSIST, scanner_tty_cb, s);
	if (s->ttyev == NULL || event_add(s->ttyev, NULL) != 0) {
		if (s->ttyev != NULL)
			event_free(s->ttyev);
		s->ttyev = NULL;
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->linelen = 0;
	s->lineover = 0;
	scanner_state(s, SCANNER_ATTACHED);
	return 0;
}

static void
scanner_tty_close(struct scanner *s)
{
	if (s->ttyev != NULL)
		event_free(s->ttyev);
	s->ttyev = NULL;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void
scanner_tty_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scanner *s = arg;
	char b[256];
	ssize_t n;

	(void)what;
	if ((n = read(fd, b, sizeof(b))) <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		scanner_tty_close(s);
		scanner_state(s, SCANNER_DETACHED);
		scanner_retry_in(s, 1000);
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (b[i] == '\r' || b[i] == '\n') {
			s->line[s->linelen] = '\0';
			/* CR LF is one end; a cut-off code is no code. */
			if (!s->lineover)
				scanner_deliver(
				    s, s->line, s->linelen, BARCODE_UNKNOWN);
			s->linelen = 0;
			s->lineover = 0;
		} else if (s->linelen < HIDSCAN_MAX)
			s->line[s->linelen++] = b[i];
		else
			s->lineover = 1;
	}
}

static void
scanner_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct scanner *s = arg;
	int ok;

	(void)fd, (void)what;
	if (s->attached)
		return;
	ok = s->mode == SCANNER_TTY ? scanner_tty_open(s) == 0
	                            : scanner_usb_open(s) == 0;
	if (ok)
		return;
	/* Hotplug can come before udev has set permissions: retry. */
	if (s->mode == SCANNER_TTY || !usb_has_hotplug(s->ctx->usb))
		scanner_retry_in(s, 1000);
	else if (s->retries-- > 0)
		scanner_retry_in(s, 100);
}

static void
scanner_hotplug(int arrived, void *arg)
{
	struct scanner *s = arg;

	if (arrived && !s->attached) {
		s->retries = 30;
		scanner_retry_in(s, 20);
	} else if (!arrived && s->attached) {
		s->lost = 1;
		event_active(s->gone, 0, 0);
	}
}

struct scanner *
scanner_open(
    struct drv_ctx *ctx, const char *spec, const struct scanner_cbs *cbs)
{
	struct scanner *s;

	if (cbs == NULL || cbs->scan == NULL)
		return NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->ctx = ctx;
	s->cbs = *cbs;
	s->fd = -1;
	wedge_reset(&s->wedge);
	if (strcmp(spec, "wedge") == 0) {
		s->mode = SCANNER_WEDGE;
		s->attached = 1;
		return s;
	}
	s->retry = evtimer_new(ctx->base, scanner_retry_cb, s);
	s->gone = event_new(ctx->base, -1, 0, scanner_gone_cb, s);
	if (s->retry == NULL || s->gone == NULL)
		goto fail;
	if (strncmp(spec, "tty:", 4) == 0) {
		s->mode = SCANNER_TTY;
		if ((s->path = strdup(spec + 4)) == NULL)
			goto fail;
		if (scanner_tty_open(s) != 0)
			scanner_retry_in(s, 1000);
		return s;
	}
	s->mode = SCANNER_USB;
	if (usb_spec_parse(spec, &s->spec) != 0)
		goto fail;
	if ((s->xfer = usb_xfer_new(ctx->usb, scanner_xfer_cb, s)) == NULL)
		goto fail;
	s->watch.cb = scanner_hotplug;
	s->watch.ud = &s->ud;
	s->watch.arg = s;
	usb_watch_add(ctx->usb, &s->watch);
	if (scanner_usb_open(s) != 0 && !usb_has_hotplug(ctx->usb))
		scanner_retry_in(s, 1000);
	return s;
fail:
	scanner_close(s);
	return NULL;
}

void
scanner_close(struct scanner *s)
{
	if (s == NULL)
		return;
	if (s->mode == SCANNER_USB && s->xfer != NULL) {
		usb_watch_del(s->ctx->usb, &s->watch);
		if (usb_xfer_busy(s->xfer)) {
			usb_xfer_cancel(s->xfer);
			usb_xfer_wait(s->xfer);
		}
		usb_close(&s->ud);
		usb_xfer_free(s->xfer);
	}
	scanner_tty_close(s);
	if (s->retry != NULL)
		event_free(s->retry);
	if (s->gone != NULL)
		event_free(s->gone);
	free(s->path);
	free(s);
}

int
scanner_attached(const struct scanner *s)
{
	return s->attached;
}

int
scanner_wedge_key(struct scanner *s, int ch, uint64_t ms)
{
	if (!wedge_key(&s->wedge, ch, ms))
		return 0;
	scanner_deliver(
	    s, s->wedge.code, strlen(s->wedge.code), BARCODE_UNKNOWN);
	return 1;
}
