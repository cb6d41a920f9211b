/*
 * usb.h: every libusb call of drivers/ (internal).  libusb runs on the
 * caller's libevent loop; scanner.c and printer_usb.c see transfers and
 * devices only through these functions, never libusb's own types.
 */
#ifndef CISHAN_DRIVERS_USB_H
#define CISHAN_DRIVERS_USB_H

#include "drivers.h"

struct usb;
struct usb_handle; /* libusb's device and handle: only usb.c looks in */
struct usb_xfer;   /* one asynchronous transfer, reused */

/* An opened device with its interface claimed (h NULL: closed). */
struct usb_dev {
	struct usb_handle *h;
	int iface;
	uint8_t ep_in, ep_out;
	uint16_t in_max;
	int id_known; /* info.profile from the id table (VID:PID) */
	struct drv_devinfo info;
};

/* Hotplug listener, called from libusb's event handling (never open a
 * device from here, schedule it): every arrival, and the departure of
 * ud's device while it is open. */
struct usb_watch {
	void (*cb)(int arrived, void *arg);
	const struct usb_dev *ud;
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

/* How a transfer ended. */
enum usb_xfer_status {
	USB_XFER_OK,
	USB_XFER_TIMEDOUT,
	USB_XFER_STALL,
	USB_XFER_CANCELLED,
	USB_XFER_NODEV,
	USB_XFER_ERROR, /* anything else (overflow, I/O error) */
};
/* Called from libusb's event handling, the transfer no longer busy; b
 * is the buffer it was submitted with, n the bytes moved. */
typedef void (*usb_xfer_cb)(
    enum usb_xfer_status, uint8_t *b, size_t n, void *arg);

struct usb *usb_new(struct event_base *);
void usb_free(struct usb *);
int usb_has_hotplug(const struct usb *);
void usb_watch_add(struct usb *, struct usb_watch *);
void usb_watch_del(struct usb *, struct usb_watch *);
unsigned long usb_wakeups(const struct usb *);

int usb_spec_parse(const char *s, struct usb_spec *);
/* Find, open, detach the kernel driver, claim.  0 or DRV_ENODEV. */
int usb_open(
    struct usb *, const struct usb_spec *, int printer, struct usb_dev *);
/* Printers (open, interface claimed): GET_DEVICE_ID into info.devid;
 * when the id table did not know the VID:PID, info.profile follows
 * it (devid_profile).  0, or a negative error (info.devid empty). */
int usb_ident(struct usb_dev *);
/* Release (re-attaching the kernel driver) and close; closed is fine. */
void usb_close(struct usb_dev *);
/* Clear a halted (stalled) endpoint. */
int usb_clear_halt(struct usb_dev *, uint8_t ep);
/* Every attached scanner and printer (drv_list); the count or DRV_EIO. */
int usb_list(
    struct usb *, void (*cb)(const struct drv_devinfo *, void *), void *arg);

struct usb_xfer *usb_xfer_new(struct usb *, usb_xfer_cb, void *arg);
void usb_xfer_free(struct usb_xfer *);
/* Submit n bytes of b (IN: room for n) on ep; ms 0 waits forever.
 * 0, or -1 when libusb refuses it (the device is gone). */
int usb_xfer_bulk(struct usb_xfer *, struct usb_dev *, uint8_t ep, uint8_t *b,
    size_t n, unsigned ms);
int usb_xfer_interrupt(struct usb_xfer *, struct usb_dev *, uint8_t ep,
    uint8_t *b, size_t n, unsigned ms);
/* These three accept NULL (a transfer never made is never busy). */
int usb_xfer_busy(const struct usb_xfer *);
/* Ask a busy transfer to end: its callback gets USB_XFER_CANCELLED. */
void usb_xfer_cancel(struct usb_xfer *);
/* Run libusb's events until the transfer is back (bounded): closing
 * needs it. */
void usb_xfer_wait(struct usb_xfer *);

#endif
