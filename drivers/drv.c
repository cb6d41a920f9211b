/* drv.c: the context every device of one till shares. */
#include <stdlib.h>

#include <event2/event.h>

#include "drv.h"

struct drv_ctx *
drv_new(struct event_base *base)
{
	struct drv_ctx *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->base = base;
	if ((c->usb = usb_new(base)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
drv_free(struct drv_ctx *c)
{
	if (c == NULL)
		return;
	usb_free(c->usb);
	free(c);
}

struct event_base *
drv_base(const struct drv_ctx *c)
{
	return c->base;
}

int
drv_list(struct drv_ctx *c, void (*cb)(const struct drv_devinfo *, void *),
    void *arg)
{
	libusb_device **list = NULL;
	struct usb_spec any = {.any = 1};
	ssize_t n;
	int count = 0;

	if ((n = libusb_get_device_list(usb_ctx(c->usb), &list)) < 0)
		return DRV_EIO;
	for (ssize_t i = 0; i < n; i++) {
		struct usb_dev ud;
		libusb_device_handle *h;

		if (usb_probe(list[i], &any, &ud) == DEVICES_NONE)
			continue;
		/* Strings need the device open; without permission, skip. */
		if (libusb_open(list[i], &h) == 0) {
			usb_strings(h, &ud.info);
			/* The device id needs the interface: only when no
			 * program holds it (usblp is detached for a moment
			 * and re-attached on release). */
			if (ud.info.kind == DEVICES_PRINTER) {
				ud.h = h;
				libusb_set_auto_detach_kernel_driver(h, 1);
				if (libusb_claim_interface(h, ud.iface) == 0) {
					usb_ident(&ud);
					libusb_release_interface(h, ud.iface);
				}
				ud.h = NULL;
			}
			libusb_close(h);
		}
		cb(&ud.info, arg);
		count++;
	}
	libusb_free_device_list(list, 1);
	return count;
}
