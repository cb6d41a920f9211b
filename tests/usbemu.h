/*
 * usbemu: emulated USB scanners and printers for the driver tests, on
 * umockdev's in-process ioctl API (see docs/drivers.md).  Create the
 * emulation before libusb_init(); run under libumockdev-preload.
 */
#ifndef CISHAN_USBEMU_H
#define CISHAN_USBEMU_H

#include <stddef.h>
#include <stdint.h>

enum usbemu_model {
	USBEMU_WEDGE,     /* Symbol 05E0:1200, HID boot keyboard */
	USBEMU_HIDPOS,    /* Symbol 05E0:1300, HID POS 64-byte reports */
	USBEMU_PRINTER58, /* 0416:5011, bulk OUT 01 + IN 82, answers status */
	USBEMU_PRINTER_NOSTATUS, /* 0483:5743, bulk OUT 01 only */
	USBEMU_PRINTER_UNKNOWN,  /* 0FE6:811E, not in the id table; bulk OUT
	                          * 01 + IN 82, answers status */
};

enum usbemu_fault {
	USBEMU_STALL,   /* next OUT transfer: -EPIPE until CLEAR_HALT */
	USBEMU_TIMEOUT, /* next OUT: take arg bytes, then never finish */
	USBEMU_MUTE,    /* status queries are never answered */
};

struct usbemu;
struct usbemu_dev;

/* 0 (and a message) when the umockdev preload is missing. */
int usbemu_available(void);
/* NULL when the preload is missing. */
struct usbemu *usbemu_new(void);
void usbemu_free(struct usbemu *);
/* Device n (1..9) on bus 1, port n. */
struct usbemu_dev *usbemu_add(struct usbemu *, enum usbemu_model, int n);
void usbemu_unplug(struct usbemu_dev *);
void usbemu_replug(struct usbemu_dev *);
/* "add" uevent for a device added after libusb_init (hotplug). */
void usbemu_announce(struct usbemu_dev *);
unsigned long usbemu_ioctls(struct usbemu *); /* all devices, so far */
int usbemu_driver_bound(struct usbemu_dev *); /* usbhid/usblp attached */
int usbemu_claimed(struct usbemu_dev *);

/* Scanners: queue one IN report (delivered to the next IN transfer). */
void usbemu_report(struct usbemu_dev *, const void *rep, size_t n);
/* Wedge: press/release boot reports typing s (US layout). */
void usbemu_type(struct usbemu_dev *, const char *s);
/* HID POS: code split over 56-byte reports with the "more" bit. */
void usbemu_pos_scan(struct usbemu_dev *, const char *aim, const char *code);

/* Printers: every OUT byte so far (caller frees), answers to DLE EOT
 * 1, 2, 4 and faults. */
uint8_t *usbemu_out(struct usbemu_dev *, size_t *n);
void usbemu_set_status(struct usbemu_dev *, uint8_t s1, uint8_t s2, uint8_t s4);
void usbemu_fault(struct usbemu_dev *, enum usbemu_fault, size_t arg);
unsigned usbemu_stalls_cleared(struct usbemu_dev *);
/* Printers: the whole answer to GET_DEVICE_ID, length bytes included
 * (default "MFG:Winbond;CMD:ESC/POS;MDL:POS58;" with a correct length);
 * n == 0: the request stalls.  usbemu_devid_asked: requests so far. */
void usbemu_set_device_id(struct usbemu_dev *, const void *answer, size_t n);
unsigned usbemu_devid_asked(struct usbemu_dev *);

#endif
