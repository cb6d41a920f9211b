/* usb.h: libusb on a libevent loop, and device matching (internal). */
#ifndef CISHAN_DRIVERS_USB_H
#define CISHAN_DRIVERS_USB_H

#include <libusb.h>

#include "drivers.h"

struct usb;

/* Hotplug listener: called from libusb's event handling; never open a
 * device from here, schedule it. */
struct usb_watch {
	void (*cb)(libusb_device *, int arrived, void *arg);
	void *arg;
	struct usb_watch *next;
};

/* "usb[@PORT]" or "usb:VVVV:PPPP[:SERIAL][@PORT]"; PORT as in
 * cishan-usb list ("1-2.3"): identical devices without serials. */
struct usb_spec {
	int any;
	uint16_t vid, pid;
	char serial[64];
	char port[32];
};

/* An opened device with its interface claimed. */
struct usb_dev {
	libusb_device_handle *h;
	libusb_device *dev;
	int iface;
	uint8_t ep_in, ep_out;
	uint16_t in_max;
	int id_known; /* info.profile from the id table (VID:PID) */
	struct drv_devinfo info;
};

struct usb *usb_new(struct event_base *);
void usb_free(struct usb *);
libusb_context *usb_ctx(struct usb *);
int usb_has_hotplug(const struct usb *);
/* Re-arm the timeout timer; call after submitting a transfer. */
void usb_kick(struct usb *);
/* Run libusb events until *busy is 0 (bounded): closing needs it. */
void usb_wait(struct usb *, const int *busy);
void usb_watch_add(struct usb *, struct usb_watch *);
void usb_watch_del(struct usb *, struct usb_watch *);
unsigned long usb_wakeups(const struct usb *);

int usb_spec_parse(const char *s, struct usb_spec *);
/* Kind and endpoints of a device from its descriptors (no I/O).  A
 * HID device the id table does not know is a scanner only when the spec
 * names it: a keyboard is never taken for a scanner. */
enum devices_kind usb_probe(
    libusb_device *, const struct usb_spec *, struct usb_dev *);
/* Find, open, detach the kernel driver, claim.  0 or DRV_ENODEV. */
int usb_open(
    struct usb *, const struct usb_spec *, int printer, struct usb_dev *);
/* Serial and product strings into info (device open). */
void usb_strings(libusb_device_handle *, struct drv_devinfo *);
/* Printers (open, interface claimed): GET_DEVICE_ID into info.devid;
 * when the id table did not know the VID:PID, info.profile follows
 * it (devid_profile).  0, or a libusb error (info.devid empty). */
int usb_ident(struct usb_dev *);
/* Release (re-attaching the kernel driver) and close. */
void usb_close(struct usb_dev *);

#endif
