/*
 * usb.c: libusb driven from the caller's event_base, and the only file
 * that calls it.  Each libusb fd is one persistent event; when one
 * fires, libusb handles events with a zero timeout; a timer follows
 * libusb_get_next_timeout.  No thread, no polling: an idle till sleeps
 * in epoll.
 */
#include <libusb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "usb.h"

struct usb_fd {
	int fd;
	struct event *ev;
	struct usb_fd *next;
};

struct usb_handle {
	libusb_device_handle *lh;
	libusb_device *dev; /* referenced while open */
};

struct usb_xfer {
	struct usb *u;
	struct libusb_transfer *x;
	int busy;
	usb_xfer_cb cb;
	void *arg;
};

struct usb {
	libusb_context *lu;
	struct event_base *base;
	struct event *timer;
	struct usb_fd *fds;
	libusb_hotplug_callback_handle hp;
	int has_hp;
	struct usb_watch *watches;
	unsigned long wakeups;
};

static void usb_kick(struct usb *);

static void
usb_handle(struct usb *u)
{
	struct timeval zero = {0, 0};

	libusb_handle_events_timeout_completed(u->lu, &zero, NULL);
	usb_kick(u);
}

static void
usb_fd_cb(evutil_socket_t fd, short what, void *arg)
{
	struct usb *u = arg;

	(void)fd, (void)what;
	u->wakeups++;
	usb_handle(u);
}

static void
usb_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	usb_handle(arg);
}

static void
usb_kick(struct usb *u)
{
	struct timeval tv;

	/* With timerfd (Linux) this is 0: the timeout is one of the fds. */
	if (libusb_get_next_timeout(u->lu, &tv) == 1)
		evtimer_add(u->timer, &tv);
	else
		evtimer_del(u->timer);
}

static void
usb_fd_added(int fd, short events, void *arg)
{
	struct usb *u = arg;
	struct usb_fd *f;
	short what = EV_PERSIST;

	if (events & POLLIN)
		what |= EV_READ;
	if (events & POLLOUT)
		what |= EV_WRITE;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return;
	f->fd = fd;
	if ((f->ev = event_new(u->base, fd, what, usb_fd_cb, u)) == NULL ||
	    event_add(f->ev, NULL) != 0) {
		if (f->ev != NULL)
			event_free(f->ev);
		free(f);
		return;
	}
	f->next = u->fds;
	u->fds = f;
}

static void
usb_fd_removed(int fd, void *arg)
{
	struct usb *u = arg;

	for (struct usb_fd **pp = &u->fds; *pp != NULL; pp = &(*pp)->next) {
		struct usb_fd *f = *pp;

		if (f->fd != fd)
			continue;
		*pp = f->next;
		event_free(f->ev);
		free(f);
		return;
	}
}

static int
usb_hotplug_cb(
    libusb_context *lu, libusb_device *dev, libusb_hotplug_event ev, void *arg)
{
	struct usb *u = arg;

	(void)lu;
	for (struct usb_watch *w = u->watches; w != NULL; w = w->next) {
		if (ev == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
			w->cb(1, w->arg);
		else if (w->ud->h != NULL && w->ud->h->dev == dev)
			w->cb(0, w->arg);
	}
	return 0;
}

struct usb *
usb_new(struct event_base *base)
{
	struct usb *u;
	const struct libusb_pollfd **pfds = NULL;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	u->base = base;
	if (libusb_init(&u->lu) != 0) {
		u->lu = NULL;
		goto fail;
	}
	if ((u->timer = evtimer_new(base, usb_timer_cb, u)) == NULL)
		goto fail;
	/* Set the notifiers first, then register the fds libusb_init made. */
	libusb_set_pollfd_notifiers(u->lu, usb_fd_added, usb_fd_removed, u);
	if ((pfds = libusb_get_pollfds(u->lu)) == NULL)
		goto fail;
	for (int i = 0; pfds[i] != NULL; i++)
		usb_fd_added(pfds[i]->fd, pfds[i]->events, u);
	libusb_free_pollfds(pfds);
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG) &&
	    libusb_hotplug_register_callback(u->lu,
	        LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED |
	            LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT,
	        0, LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY,
	        LIBUSB_HOTPLUG_MATCH_ANY, usb_hotplug_cb, u, &u->hp) == 0)
		u->has_hp = 1;
	return u;
fail:
	usb_free(u);
	return NULL;
}

void
usb_free(struct usb *u)
{
	if (u == NULL)
		return;
	if (u->lu != NULL) {
		if (u->has_hp)
			libusb_hotplug_deregister_callback(u->lu, u->hp);
		libusb_set_pollfd_notifiers(u->lu, NULL, NULL, NULL);
	}
	while (u->fds != NULL) {
		struct usb_fd *f = u->fds;

		u->fds = f->next;
		event_free(f->ev);
		free(f);
	}
	if (u->timer != NULL)
		event_free(u->timer);
	if (u->lu != NULL)
		libusb_exit(u->lu);
	free(u);
}

int
usb_has_hotplug(const struct usb *u)
{
	return u->has_hp;
}

unsigned long
usb_wakeups(const struct usb *u)
{
	return u->wakeups;
}

void
usb_watch_add(struct usb *u, struct usb_watch *w)
{
	w->next = u->watches;
	u->watches = w;
}

void
usb_watch_del(struct usb *u, struct usb_watch *w)
{
	for (struct usb_watch **pp = &u->watches; *pp != NULL;
	     pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			return;
		}
}

int
usb_spec_parse(const char *s, struct usb_spec *sp)
{
	char buf[128], *at;
	unsigned v, p;
	int n = 0;

	memset(sp, 0, sizeof(*sp));
	if (strlen(s) >= sizeof(buf))
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	if ((at = strchr(buf, '@')) != NULL) {
		*at++ = '\0';
		if (*at == '\0' || strlen(at) >= sizeof(sp->port))
			return -1;
		memcpy(sp->port, at, strlen(at) + 1);
	}
	if (strcmp(buf, "usb") == 0) {
		sp->any = 1;
		return 0;
	}
	if (sscanf(buf, "usb:%4x:%4x%n", &v, &p, &n) != 2)
		return -1;
	sp->vid = (uint16_t)v;
	sp->pid = (uint16_t)p;
	if (buf[n] == ':')
		snprintf(sp->serial, sizeof(sp->serial), "%s", buf + n + 1);
	else if (buf[n] != '\0')
		return -1;
	return 0;
}

/* Kind and endpoints of a device from its descriptors (no I/O).  A
 * HID device the id table does not know is a scanner only when the spec
 * names it: a keyboard is never taken for a scanner. */
static enum devices_kind
usb_probe(libusb_device *dev, const struct usb_spec *sp, struct usb_dev *ud)
{
	struct libusb_device_descriptor dd;
	struct libusb_config_descriptor *cfg = NULL;
	const struct devices_id *id;
	enum devices_kind kind = DEVICES_NONE;
	uint8_t ports[8];
	int np, off;

	memset(ud, 0, sizeof(*ud));
	if (libusb_get_device_descriptor(dev, &dd) != 0)
		return DEVICES_NONE;
	if (sp != NULL && !sp->any &&
	    (dd.idVendor != sp->vid || dd.idProduct != sp->pid))
		return DEVICES_NONE;
	if (libusb_get_active_config_descriptor(dev, &cfg) != 0 &&
	    libusb_get_config_descriptor(dev, 0, &cfg) != 0)
		return DEVICES_NONE;
	id = devices_lookup(dd.idVendor, dd.idProduct);
	for (int i = 0; i < cfg->bNumInterfaces && kind == DEVICES_NONE; i++) {
		const struct libusb_interface_descriptor *in;

		if (cfg->interface[i].num_altsetting < 1)
			continue;
		in = &cfg->interface[i].altsetting[0];
		for (int e = 0; e < in->bNumEndpoints; e++) {
			const struct libusb_endpoint_descriptor *ep =
			    &in->endpoint[e];
			int type = ep->bmAttributes & 3;

			if (in->bInterfaceClass == LIBUSB_CLASS_PRINTER &&
			    type == LIBUSB_TRANSFER_TYPE_BULK) {
				if (ep->bEndpointAddress & 0x80)
					ud->ep_in = ep->bEndpointAddress;
				else
					ud->ep_out = ep->bEndpointAddress;
			}
			if (in->bInterfaceClass == LIBUSB_CLASS_HID &&
			    type == LIBUSB_TRANSFER_TYPE_INTERRUPT &&
			    (ep->bEndpointAddress & 0x80) && ud->ep_in == 0) {
				ud->ep_in = ep->bEndpointAddress;
				ud->in_max = ep->wMaxPacketSize;
			}
		}
		if (in->bInterfaceClass == LIBUSB_CLASS_PRINTER && ud->ep_out) {
			kind = DEVICES_PRINTER;
		} else if (in->bInterfaceClass == LIBUSB_CLASS_HID &&
		    ud->ep_in) {
			if (id != NULL && id->kind != DEVICES_PRINTER)
				kind = id->kind;
			else if (sp != NULL && !sp->any)
				kind = in->bInterfaceProtocol == 1
				    ? DEVICES_SCANNER_KBD
				    : DEVICES_SCANNER_POS;
		}
		if (kind == DEVICES_NONE)
			ud->ep_in = ud->ep_out = 0, ud->in_max = 0;
		else
			ud->iface = in->bInterfaceNumber;
	}
	libusb_free_config_descriptor(cfg);
	if (kind == DEVICES_NONE)
		return kind;
	ud->info.kind = kind;
	ud->info.vid = dd.idVendor;
	ud->info.pid = dd.idProduct;
	ud->info.bus = libusb_get_bus_number(dev);
	ud->info.name = id != NULL ? id->name : NULL;
	ud->info.has_status = kind == DEVICES_PRINTER && ud->ep_in != 0;
	ud->id_known = id != NULL && id->profile != NULL;
	if (kind == DEVICES_PRINTER)
		ud->info.profile = id != NULL && id->profile != NULL
		    ? id->profile
		    : "generic58";
	off =
	    snprintf(ud->info.port, sizeof(ud->info.port), "%u", ud->info.bus);
	np = libusb_get_port_numbers(dev, ports, sizeof(ports));
	for (int i = 0;
	     i < np && off > 0 && (size_t)off < sizeof(ud->info.port); i++)
		off += snprintf(ud->info.port + off,
		    sizeof(ud->info.port) - (size_t)off, "%c%u",
		    i == 0 ? '-' : '.', ports[i]);
	return kind;
}

/* Serial and product strings into info (device open). */
static void
usb_strings(libusb_device_handle *h, struct drv_devinfo *info)
{
	struct libusb_device_descriptor dd;

	if (libusb_get_device_descriptor(libusb_get_device(h), &dd) != 0)
		return;
	if (dd.iSerialNumber != 0)
		libusb_get_string_descriptor_ascii(h, dd.iSerialNumber,
		    (unsigned char *)info->serial, sizeof(info->serial));
	if (dd.iProduct != 0)
		libusb_get_string_descriptor_ascii(h, dd.iProduct,
		    (unsigned char *)info->product, sizeof(info->product));
}

int
usb_ident(struct usb_dev *ud)
{
	uint8_t b[DEVID_MAX];
	const char *prof;
	int n;

	memset(&ud->info.devid, 0, sizeof(ud->info.devid));
	/* Class request to the interface: wValue = configuration index,
	 * wIndex = interface << 8 | alternate setting (0). */
	n = libusb_control_transfer(ud->h->lh,
	    LIBUSB_ENDPOINT_IN | LIBUSB_REQUEST_TYPE_CLASS |
	        LIBUSB_RECIPIENT_INTERFACE,
	    0, 0, (uint16_t)(ud->iface << 8), b, sizeof(b), 1000);
	if (n < 0)
		return n;
	if (devid_parse(b, (size_t)n, &ud->info.devid) != 0)
		return DRV_EINVAL;
	if (!ud->id_known && (prof = devid_profile(&ud->info.devid)) != NULL)
		ud->info.profile = prof;
	return 0;
}

int
usb_open(
    struct usb *u, const struct usb_spec *sp, int printer, struct usb_dev *out)
{
	libusb_device **list = NULL;
	libusb_device_handle *lh;
	struct usb_handle *h;
	ssize_t n;
	int ret = DRV_ENODEV;

	if ((n = libusb_get_device_list(u->lu, &list)) < 0)
		return DRV_ENODEV;
	for (ssize_t i = 0; i < n; i++) {
		struct usb_dev ud;
		enum devices_kind k = usb_probe(list[i], sp, &ud);

		if (k == DEVICES_NONE || (k == DEVICES_PRINTER) != !!printer)
			continue;
		if (sp->port[0] != '\0' && strcmp(sp->port, ud.info.port) != 0)
			continue;
		if (libusb_open(list[i], &lh) != 0)
			continue;
		usb_strings(lh, &ud.info);
		if (sp->serial[0] != '\0' &&
		    strcmp(sp->serial, ud.info.serial) != 0)
			goto next;
		/* usbhid/usblp hold the interface: detach, re-attach on close.
		 */
		libusb_set_auto_detach_kernel_driver(lh, 1);
		if (libusb_claim_interface(lh, ud.iface) != 0)
			goto next;
		if ((h = malloc(sizeof(*h))) == NULL) {
			libusb_release_interface(lh, ud.iface);
			goto next;
		}
		h->lh = lh;
		h->dev = libusb_ref_device(list[i]);
		ud.h = h;
		*out = ud;
		ret = 0;
		break;
	next:
		libusb_close(lh);
	}
	libusb_free_device_list(list, 1);
	return ret;
}

void
usb_close(struct usb_dev *ud)
{
	if (ud->h == NULL)
		return;
	libusb_release_interface(ud->h->lh, ud->iface);
	libusb_close(ud->h->lh);
	libusb_unref_device(ud->h->dev);
	free(ud->h);
	ud->h = NULL;
}

int
usb_clear_halt(struct usb_dev *ud, uint8_t ep)
{
	return libusb_clear_halt(ud->h->lh, ep);
}

int
usb_list(
    struct usb *u, void (*cb)(const struct drv_devinfo *, void *), void *arg)
{
	libusb_device **list = NULL;
	struct usb_spec any = {.any = 1};
	ssize_t n;
	int count = 0;

	if ((n = libusb_get_device_list(u->lu, &list)) < 0)
		return DRV_EIO;
	for (ssize_t i = 0; i < n; i++) {
		struct usb_dev ud;
		struct usb_handle h = {NULL, list[i]};

		if (usb_probe(list[i], &any, &ud) == DEVICES_NONE)
			continue;
		/* Strings need the device open; without permission, skip. */
		if (libusb_open(list[i], &h.lh) == 0) {
			usb_strings(h.lh, &ud.info);
			/* The device id needs the interface: only when no
			 * program holds it (usblp is detached for a moment
			 * and re-attached on release). */
			if (ud.info.kind == DEVICES_PRINTER) {
				ud.h = &h;
				libusb_set_auto_detach_kernel_driver(h.lh, 1);
				if (libusb_claim_interface(h.lh, ud.iface) ==
				    0) {
					usb_ident(&ud);
					libusb_release_interface(
					    h.lh, ud.iface);
				}
				ud.h = NULL;
			}
			libusb_close(h.lh);
		}
		cb(&ud.info, arg);
		count++;
	}
	libusb_free_device_list(list, 1);
	return count;
}

/* Transfers. */

static void
usb_xfer_done(struct libusb_transfer *x)
{
	struct usb_xfer *t = x->user_data;
	enum usb_xfer_status st;

	t->busy = 0;
	switch (x->status) {
	case LIBUSB_TRANSFER_COMPLETED:
		st = USB_XFER_OK;
		break;
	case LIBUSB_TRANSFER_TIMED_OUT:
		st = USB_XFER_TIMEDOUT;
		break;
	case LIBUSB_TRANSFER_STALL:
		st = USB_XFER_STALL;
		break;
	case LIBUSB_TRANSFER_CANCELLED:
		st = USB_XFER_CANCELLED;
		break;
	case LIBUSB_TRANSFER_NO_DEVICE:
		st = USB_XFER_NODEV;
		break;
	default:
		st = USB_XFER_ERROR;
	}
	t->cb(st, x->buffer, (size_t)x->actual_length, t->arg);
}

struct usb_xfer *
usb_xfer_new(struct usb *u, usb_xfer_cb cb, void *arg)
{
	struct usb_xfer *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->x = libusb_alloc_transfer(0)) == NULL) {
		free(t);
		return NULL;
	}
	t->u = u;
	t->cb = cb;
	t->arg = arg;
	return t;
}

void
usb_xfer_free(struct usb_xfer *t)
{
	if (t == NULL)
		return;
	libusb_free_transfer(t->x);
	free(t);
}

static int
usb_xfer_submit(struct usb_xfer *t)
{
	if (libusb_submit_transfer(t->x) != 0)
		return -1;
	t->busy = 1;
	usb_kick(t->u);
	return 0;
}

int
usb_xfer_bulk(struct usb_xfer *t, struct usb_dev *ud, uint8_t ep, uint8_t *b,
    size_t n, unsigned ms)
{
	libusb_fill_bulk_transfer(
	    t->x, ud->h->lh, ep, b, (int)n, usb_xfer_done, t, ms);
	return usb_xfer_submit(t);
}

int
usb_xfer_interrupt(struct usb_xfer *t, struct usb_dev *ud, uint8_t ep,
    uint8_t *b, size_t n, unsigned ms)
{
	libusb_fill_interrupt_transfer(
	    t->x, ud->h->lh, ep, b, (int)n, usb_xfer_done, t, ms);
	return usb_xfer_submit(t);
}

int
usb_xfer_busy(const struct usb_xfer *t)
{
	return t != NULL && t->busy;
}

void
usb_xfer_cancel(struct usb_xfer *t)
{
	if (t != NULL && t->busy)
		libusb_cancel_transfer(t->x);
}

void
usb_xfer_wait(struct usb_xfer *t)
{
	struct timeval tv = {0, 100000};

	if (t == NULL)
		return;
	for (int i = 0; t->busy && i < 20; i++)
		libusb_handle_events_timeout_completed(t->u->lu, &tv, NULL);
	usb_kick(t->u);
}
