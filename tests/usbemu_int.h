/*
 * usbemu_int.h: what usbemu.c (the device models and the tests' side)
 * and usbemu_io.c (the usbfs ioctl loop) share.  One mutex, usbemu's
 * lock, guards all of it: the loop runs on umockdev's worker thread.
 */
#ifndef CISHAN_USBEMU_INT_H
#define CISHAN_USBEMU_INT_H

#include <umockdev.h>

#include "usbemu.h"

#define USBEMU_MAXQ 256

struct usbemu_urb {
	UMockdevIoctlData *data; /* struct usbdevfs_urb, resolved */
	UMockdevIoctlData *buf;
	size_t partial; /* bytes taken before a timeout */
	struct usbemu_urb *next;
};

struct usbemu_pkt {
	uint8_t b[64];
	size_t n;
};

struct usbemu_dev {
	struct usbemu *emu;
	enum usbemu_model model;
	int n;
	char *desc, *syspath, node[64], fifo[512];
	int fifo_fd, slot_open;
	int unplugged, bound, claimed;
	struct usbemu_urb *pending, *done;
	struct usbemu_pkt q[USBEMU_MAXQ];
	size_t qhead, qlen;
	uint8_t *out;
	size_t outlen, outcap;
	uint8_t status[3];
	int halted, stall_next, mute;
	size_t timeout_next; /* 0: none, else bytes to take (+1) */
	unsigned stalls_cleared;
	uint8_t devid[256]; /* GET_DEVICE_ID answer */
	size_t devid_len;
	unsigned devid_asked;
};

struct usbemu {
	UMockdevTestbed *tb;
	UMockdevIoctlBase *handler;
	GMutex lock;
	unsigned long ioctls;
	struct usbemu_dev *devs[10];
};

/* usbemu.c: the models. */
int usbemu_is_printer(const struct usbemu_dev *);
int usbemu_has_status(const struct usbemu_dev *);
const char *usbemu_string(struct usbemu_dev *, int idx);

/* usbemu_io.c: the loop (lock held, except usbemu_io_ioctl). */
gboolean usbemu_io_ioctl(
    UMockdevIoctlBase *, UMockdevIoctlClient *, gpointer emu);
void usbemu_io_make_fifo(struct usbemu_dev *);
void usbemu_io_sync_fifo(struct usbemu_dev *);
void usbemu_io_finish(
    struct usbemu_dev *, struct usbemu_urb *, int status, size_t actual);
void usbemu_io_feed_in(struct usbemu_dev *);
void usbemu_io_drop(struct usbemu_urb *);

#endif
