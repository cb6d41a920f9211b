/*
 * printer_usb.c: the USB transport, bulk OUT for jobs and bulk IN (when
 * the printer has one) for status answers, through usb.c.  A stalled
 * chunk has its halt cleared and is resumed; an unplugged printer fails
 * its jobs and is opened again when it comes back.
 */
#include <stdlib.h>

#include <event2/event.h>

#include "printer.h"

struct printer_usb {
	struct printer *p;
	struct usb_spec spec;
	struct usb_dev ud;
	struct usb_watch watch;
	struct usb_xfer *out, *in;
	int stalls;
	uint8_t inbuf[64];
	struct event *retry, *gone;
	int retries;
};

static void
printer_usb_out_cb(enum usb_xfer_status st, uint8_t *b, size_t n, void *arg)
{
	struct printer_usb *u = arg;
	struct printer *p = u->p;

	(void)b;
	switch (st) {
	case USB_XFER_OK:
		u->stalls = 0;
		printer_out_done(p, n, 0);
		break;
	case USB_XFER_TIMEDOUT:
		printer_out_done(p, n, PRINTER_AGAIN);
		break;
	case USB_XFER_STALL:
		/* Clear the halt and resume; a printer that keeps stalling
		 * is broken. */
		usb_clear_halt(&u->ud, u->ud.ep_out);
		printer_out_done(
		    p, n, ++u->stalls > 5 ? DRV_EIO : PRINTER_AGAIN);
		break;
	case USB_XFER_CANCELLED:
		printer_out_done(
		    p, n, p->expired ? DRV_ETIMEDOUT : DRV_ECANCELED);
		break;
	case USB_XFER_NODEV:
		printer_out_done(p, n, DRV_ENODEV);
		event_active(u->gone, 0, 0);
		break;
	default:
		printer_out_done(p, n, DRV_EIO);
	}
}

static void
printer_usb_in_cb(enum usb_xfer_status st, uint8_t *b, size_t n, void *arg)
{
	struct printer_usb *u = arg;
	struct printer *p = u->p;

	switch (st) {
	case USB_XFER_OK:
		printer_in_done(p, b, n, 0);
		break;
	case USB_XFER_TIMEDOUT:
	case USB_XFER_CANCELLED:
		printer_in_done(p, b, n, PRINTER_AGAIN);
		break;
	case USB_XFER_NODEV:
		printer_in_done(p, NULL, 0, DRV_ENODEV);
		event_active(u->gone, 0, 0);
		break;
	default:
		printer_in_done(p, NULL, 0, DRV_EIO);
	}
}

static void
printer_usb_write(struct printer *p, const uint8_t *b, size_t n)
{
	struct printer_usb *u = p->tr;

	/* OUT: libusb only reads the buffer. */
	if (usb_xfer_bulk(u->out, &u->ud, u->ud.ep_out, (uint8_t *)b, n,
	        p->chunk_ms) != 0)
		printer_out_done(p, 0, DRV_ENODEV);
}

static void
printer_usb_read(struct printer *p, unsigned ms)
{
	struct printer_usb *u = p->tr;

	if (usb_xfer_bulk(u->in, &u->ud, u->ud.ep_in, u->inbuf,
	        sizeof(u->inbuf), ms) != 0)
		printer_in_done(p, NULL, 0, DRV_ENODEV);
}

static int
printer_usb_can_status(const struct printer *p)
{
	const struct printer_usb *u = p->tr;

	return u->ud.ep_in != 0;
}

/* Stale bytes on bulk IN are drained by short reads (the engine). */
static int
printer_usb_drain(struct printer *p)
{
	(void)p;
	return 1;
}

static int
printer_usb_expire(struct printer *p)
{
	struct printer_usb *u = p->tr;

	if (!usb_xfer_busy(u->out))
		return 0;
	usb_xfer_cancel(u->out);
	return 1;
}

static int
printer_usb_attach(struct printer_usb *u)
{
	struct printer *p = u->p;

	if (usb_open(p->ctx->usb, &u->spec, 1, &u->ud) != 0)
		return -1;
	/* Once per open: shown to the technician, and the profile of a
	 * printer the id table does not know.  Failure is no matter. */
	usb_ident(&u->ud);
	if (!p->prof_fixed && u->ud.info.profile != NULL &&
	    devices_profile(u->ud.info.profile) != NULL)
		p->prof = devices_profile(u->ud.info.profile);
	u->stalls = 0;
	printer_state(p, PRINTER_ATTACHED);
	if (p->q != NULL)
		printer_later(p);
	return 0;
}

static void
printer_usb_detach(struct printer_usb *u)
{
	struct printer *p = u->p;

	usb_xfer_cancel(u->out);
	usb_xfer_cancel(u->in);
	usb_xfer_wait(u->out);
	usb_xfer_wait(u->in);
	usb_close(&u->ud);
	if (p->attached)
		printer_state(p, PRINTER_DETACHED);
	/* The cashier must know: every job not printed fails now. */
	printer_fail_all(p, DRV_ENODEV);
	if (!usb_has_hotplug(p->ctx->usb)) {
		struct timeval tv = {1, 0};

		evtimer_add(u->retry, &tv);
	}
}

static void
printer_usb_gone_cb(evutil_socket_t fd, short what, void *arg)
{
	struct printer_usb *u = arg;

	(void)fd, (void)what;
	if (u->ud.h != NULL)
		printer_usb_detach(u);
}

static void
printer_usb_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct printer_usb *u = arg;
	struct timeval tv = {0, 100000};

	(void)fd, (void)what;
	if (u->p->attached || printer_usb_attach(u) == 0)
		return;
	if (!usb_has_hotplug(u->p->ctx->usb))
		tv.tv_sec = 1, tv.tv_usec = 0;
	else if (u->retries-- <= 0)
		return;
	evtimer_add(u->retry, &tv);
}

static void
printer_usb_hotplug(int arrived, void *arg)
{
	struct printer_usb *u = arg;
	struct timeval tv = {0, 20000};

	if (arrived && !u->p->attached) {
		/* Not from inside the callback: udev may not be done. */
		u->retries = 30;
		evtimer_add(u->retry, &tv);
	} else if (!arrived && u->p->attached)
		event_active(u->gone, 0, 0);
}

static void
printer_usb_close(struct printer *p)
{
	struct printer_usb *u = p->tr;

	if (u == NULL)
		return;
	if (u->watch.cb != NULL)
		usb_watch_del(p->ctx->usb, &u->watch);
	usb_xfer_cancel(u->out);
	usb_xfer_cancel(u->in);
	usb_xfer_wait(u->out);
	usb_xfer_wait(u->in);
	usb_close(&u->ud);
	usb_xfer_free(u->out);
	usb_xfer_free(u->in);
	if (u->retry != NULL)
		event_free(u->retry);
	if (u->gone != NULL)
		event_free(u->gone);
	free(u);
	p->tr = NULL;
}

static int
printer_usb_open(struct printer *p, const char *spec)
{
	struct printer_usb *u;

	if ((u = p->tr = calloc(1, sizeof(*u))) == NULL)
		return -1;
	u->p = p;
	if (usb_spec_parse(spec, &u->spec) != 0)
		return -1;
	u->retry = evtimer_new(p->ctx->base, printer_usb_retry_cb, u);
	u->gone = event_new(p->ctx->base, -1, 0, printer_usb_gone_cb, u);
	u->out = usb_xfer_new(p->ctx->usb, printer_usb_out_cb, u);
	u->in = usb_xfer_new(p->ctx->usb, printer_usb_in_cb, u);
	if (u->retry == NULL || u->gone == NULL || u->out == NULL ||
	    u->in == NULL)
		return -1;
	u->watch.cb = printer_usb_hotplug;
	u->watch.ud = &u->ud;
	u->watch.arg = u;
	usb_watch_add(p->ctx->usb, &u->watch);
	if (printer_usb_attach(u) != 0 && !usb_has_hotplug(p->ctx->usb)) {
		struct timeval tv = {1, 0};

		evtimer_add(u->retry, &tv);
	}
	return 0;
}

const struct printer_ops printer_usb_ops = {
    .prefix = "usb",
    .open = printer_usb_open,
    .close = printer_usb_close,
    .write = printer_usb_write,
    .read = printer_usb_read,
    .can_status = printer_usb_can_status,
    .drain = printer_usb_drain,
    .expire = printer_usb_expire,
};
