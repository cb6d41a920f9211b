/*
 * usbemu.c: the emulated devices: their sysfs descriptions and
 * descriptors, plugging and unplugging, and what a test queues (reports,
 * status answers, faults) or reads back (OUT bytes).  usbemu_io.c
 * answers the usbfs requests.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usbemu_int.h"

static const char *const usbemu_hex[] = {
    [USBEMU_WEDGE] =
        "1201000200000040E005001200010102030109022200010100A0320904000001"
        "03010100092111010001223F000705810308000A",
    [USBEMU_HIDPOS] =
        "1201000200000040E005001300010102030109022200010100A0320904000001"
        "0300000009211101000122400007058103400001",
    [USBEMU_PRINTER58] =
        "12010002000000401604115000010102030109022000010100A0320904000002"
        "070102000705010240000007058202400000",
    [USBEMU_PRINTER_NOSTATUS] =
        "12010002000000408304435700010102030109021900010100A0320904000001"
        "0701010007050102400000",
    [USBEMU_PRINTER_UNKNOWN] =
        "1201000200000040E60F1E8100010102030109022000010100A0320904000002"
        "070102000705010240000007058202400000",
};

static const char *const usbemu_ids[][5] = {
    [USBEMU_WEDGE] = {"05e0", "1200", "Symbol Technologies", "Barcode Scanner",
        "SCAN0001"},
    [USBEMU_HIDPOS] = {"05e0", "1300", "Symbol Technologies", "HID POS Scanner",
        "POS0001"},
    [USBEMU_PRINTER58] = {"0416", "5011", "Winbond", "POS58 Printer",
        "PRN58001"},
    [USBEMU_PRINTER_NOSTATUS] = {"0483", "5743", "Xprinter", "XP-T58H",
        "XP0001"},
    [USBEMU_PRINTER_UNKNOWN] = {"0fe6", "811e", "ICS", "POS Printer",
        "UNK0001"},
};

/* What every emulated printer answers to GET_DEVICE_ID by default. */
static const char usbemu_devid[] = "MFG:Winbond;CMD:ESC/POS;MDL:POS58;";

int
usbemu_is_printer(const struct usbemu_dev *d)
{
	return d->model == USBEMU_PRINTER58 ||
	    d->model == USBEMU_PRINTER_NOSTATUS ||
	    d->model == USBEMU_PRINTER_UNKNOWN;
}

/* Printers with a bulk IN endpoint answer DLE EOT. */
int
usbemu_has_status(const struct usbemu_dev *d)
{
	return d->model == USBEMU_PRINTER58 ||
	    d->model == USBEMU_PRINTER_UNKNOWN;
}

const char *
usbemu_string(struct usbemu_dev *d, int idx)
{
	return idx >= 1 && idx <= 3 ? usbemu_ids[d->model][idx + 1] : NULL;
}

int
usbemu_available(void)
{
	const char *pre = getenv("LD_PRELOAD");

	/* Not umockdev_in_mock_environment(): it caches FALSE before a
	 * testbed exists, and "add" events stop. */
	if (pre == NULL || strstr(pre, "libumockdev-preload") == NULL) {
		fprintf(stderr,
		    "usbemu: needs LD_PRELOAD=libumockdev-preload"
		    ".so.0 (or umockdev-wrapper)\n");
		return 0;
	}
	return 1;
}

struct usbemu *
usbemu_new(void)
{
	struct usbemu *emu;

	if (!usbemu_available())
		return NULL;
	emu = calloc(1, sizeof(*emu));
	g_mutex_init(&emu->lock);
	emu->tb = umockdev_testbed_new();
	emu->handler = umockdev_ioctl_base_new();
	g_signal_connect(
	    emu->handler, "handle-ioctl", G_CALLBACK(usbemu_io_ioctl), emu);
	return emu;
}

void
usbemu_free(struct usbemu *emu)
{
	if (emu == NULL)
		return;
	for (int i = 0; i < 10; i++) {
		struct usbemu_dev *d = emu->devs[i];

		if (d == NULL)
			continue;
		umockdev_testbed_detach_ioctl(emu->tb, d->node, NULL);
		if (d->fifo_fd >= 0)
			close(d->fifo_fd);
		usbemu_io_drop(d->pending);
		usbemu_io_drop(d->done);
		free(d->out);
		free(d->desc);
		g_free(d->syspath);
		free(d);
	}
	g_object_unref(emu->handler);
	g_object_unref(emu->tb);
	g_mutex_clear(&emu->lock);
	free(emu);
}

static void
usbemu_plug(struct usbemu_dev *d)
{
	GError *err = NULL;

	if (!umockdev_testbed_add_from_string(d->emu->tb, d->desc, &err)) {
		fprintf(stderr, "usbemu: %s\n", err->message);
		abort();
	}
	usbemu_io_make_fifo(d);
}

struct usbemu_dev *
usbemu_add(struct usbemu *emu, enum usbemu_model model, int n)
{
	struct usbemu_dev *d = calloc(1, sizeof(*d));
	const char *const *id = usbemu_ids[model];
	GError *err = NULL;
	char buf[2048];

	d->emu = emu;
	d->model = model;
	d->n = n;
	d->fifo_fd = -1;
	d->bound = 1; /* usbhid or usblp got it first, as on a real till */
	memcpy(d->status, "\x12\x12\x12", 3);
	d->devid[0] = 0;
	d->devid[1] = (uint8_t)(sizeof(usbemu_devid) - 1 + 2);
	memcpy(d->devid + 2, usbemu_devid, sizeof(usbemu_devid) - 1);
	d->devid_len = sizeof(usbemu_devid) - 1 + 2;
	snprintf(d->node, sizeof(d->node), "/dev/bus/usb/001/%03d", n + 1);
	snprintf(buf, sizeof(buf),
	    "P: /devices/pci0000:00/0000:00:14.0/usb1/1-%d\n"
	    "N: bus/usb/001/%03d\n"
	    "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n"
	    "E: DEVNAME=/dev/bus/usb/001/%03d\n"
	    "E: BUSNUM=001\nE: DEVNUM=%03d\n"
	    "A: busnum=1\\n\nA: devnum=%d\\n\nA: speed=12\\n\n"
	    "A: bConfigurationValue=1\\n\n"
	    "A: idVendor=%s\\n\nA: idProduct=%s\\n\n"
	    "A: manufacturer=%s\nA: product=%s\nA: serial=%s\n"
	    "H: descriptors=%s\n",
	    n, n + 1, n + 1, n + 1, n + 1, id[0], id[1], id[2], id[3], id[4],
	    usbemu_hex[model]);
	d->desc = strdup(buf);
	d->syspath = g_strdup_printf(
	    "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d", n);
	g_mutex_lock(&emu->lock);
	emu->devs[n] = d;
	g_mutex_unlock(&emu->lock);
	usbemu_plug(d);
	if (!umockdev_testbed_attach_ioctl(
	        emu->tb, d->node, emu->handler, &err)) {
		fprintf(stderr, "usbemu: %s\n", err->message);
		abort();
	}
	return d;
}

void
usbemu_unplug(struct usbemu_dev *d)
{
	g_mutex_lock(&d->emu->lock);
	d->unplugged = 1;
	d->claimed = 0;
	while (d->pending != NULL) {
		struct usbemu_urb *u = d->pending;

		d->pending = u->next;
		usbemu_io_finish(d, u, -ESHUTDOWN, u->partial);
	}
	usbemu_io_sync_fifo(d);
	g_mutex_unlock(&d->emu->lock);
	umockdev_testbed_uevent(d->emu->tb, d->syspath, "remove");
	umockdev_testbed_remove_device(d->emu->tb, d->syspath);
}

void
usbemu_replug(struct usbemu_dev *d)
{
	g_mutex_lock(&d->emu->lock);
	usbemu_io_drop(d->done);
	d->done = NULL;
	d->unplugged = 0;
	d->bound = 1;
	d->qlen = 0;
	usbemu_plug(d);
	g_mutex_unlock(&d->emu->lock);
	umockdev_testbed_uevent(d->emu->tb, d->syspath, "add");
}

void
usbemu_announce(struct usbemu_dev *d)
{
	umockdev_testbed_uevent(d->emu->tb, d->syspath, "add");
}

unsigned long
usbemu_ioctls(struct usbemu *emu)
{
	unsigned long n;

	g_mutex_lock(&emu->lock);
	n = emu->ioctls;
	g_mutex_unlock(&emu->lock);
	return n;
}

int
usbemu_driver_bound(struct usbemu_dev *d)
{
	int r;

	g_mutex_lock(&d->emu->lock);
	r = d->bound;
	g_mutex_unlock(&d->emu->lock);
	return r;
}

int
usbemu_claimed(struct usbemu_dev *d)
{
	int r;

	g_mutex_lock(&d->emu->lock);
	r = d->claimed;
	g_mutex_unlock(&d->emu->lock);
	return r;
}

static void
usbemu_queue(struct usbemu_dev *d, const void *rep, size_t n)
{
	struct usbemu_pkt *k;

	if (d->qlen >= USBEMU_MAXQ || n > sizeof(k->b))
		abort();
	k = &d->q[(d->qhead + d->qlen++) % USBEMU_MAXQ];
	memcpy(k->b, rep, n);
	k->n = n;
}

void
usbemu_report(struct usbemu_dev *d, const void *rep, size_t n)
{
	g_mutex_lock(&d->emu->lock);
	usbemu_queue(d, rep, n);
	usbemu_io_feed_in(d);
	g_mutex_unlock(&d->emu->lock);
}

/* US layout, the inverse of the scanner's table. */
static int
usbemu_usage(char c, int *shift)
{
	static const char plain[] = "1234567890\r\0\0\t -=[]\\\0;'`,./";
	static const char shifted[] = "!@#$%^&*()\r\0\0\t _+{}|\0:\"~<>?";

	*shift = 0;
	if (c >= 'a' && c <= 'z')
		return 0x04 + (c - 'a');
	if (c >= 'A' && c <= 'Z') {
		*shift = 1;
		return 0x04 + (c - 'A');
	}
	for (int i = 0; i < (int)sizeof(plain) - 1; i++) {
		if (plain[i] != '\0' && plain[i] == c)
			return 0x1e + i;
		if (shifted[i] != '\0' && shifted[i] == c) {
			*shift = 1;
			return 0x1e + i;
		}
	}
	return 0;
}

void
usbemu_type(struct usbemu_dev *d, const char *s)
{
	g_mutex_lock(&d->emu->lock);
	for (; *s != '\0'; s++) {
		uint8_t r[8] = {0};
		int shift;

		r[2] = (uint8_t)usbemu_usage(*s, &shift);
		r[0] = shift ? 0x02 : 0;
		usbemu_queue(d, r, 8);
		memset(r, 0, 8);
		usbemu_queue(d, r, 8);
	}
	usbemu_io_feed_in(d);
	g_mutex_unlock(&d->emu->lock);
}

void
usbemu_pos_scan(struct usbemu_dev *d, const char *aim, const char *code)
{
	size_t len = strlen(code), off = 0;

	g_mutex_lock(&d->emu->lock);
	do {
		uint8_t r[64] = {0};
		size_t n = len - off > 56 ? 56 : len - off;

		r[0] = 0x02;
		r[1] = (uint8_t)n;
		memcpy(r + 2, aim, 3);
		memcpy(r + 5, code + off, n);
		off += n;
		r[63] = off < len ? 1 : 0;
		usbemu_queue(d, r, 64);
	} while (off < len);
	usbemu_io_feed_in(d);
	g_mutex_unlock(&d->emu->lock);
}

uint8_t *
usbemu_out(struct usbemu_dev *d, size_t *n)
{
	uint8_t *p;

	g_mutex_lock(&d->emu->lock);
	p = malloc(d->outlen + 1);
	memcpy(p, d->out != NULL ? d->out : (uint8_t *)"", d->outlen);
	*n = d->outlen;
	g_mutex_unlock(&d->emu->lock);
	return p;
}

void
usbemu_set_status(struct usbemu_dev *d, uint8_t s1, uint8_t s2, uint8_t s4)
{
	g_mutex_lock(&d->emu->lock);
	d->status[0] = s1, d->status[1] = s2, d->status[2] = s4;
	g_mutex_unlock(&d->emu->lock);
}

void
usbemu_fault(struct usbemu_dev *d, enum usbemu_fault f, size_t arg)
{
	g_mutex_lock(&d->emu->lock);
	if (f == USBEMU_STALL)
		d->stall_next = 1;
	else if (f == USBEMU_TIMEOUT)
		d->timeout_next = arg + 1;
	else
		d->mute = 1;
	g_mutex_unlock(&d->emu->lock);
}

unsigned
usbemu_stalls_cleared(struct usbemu_dev *d)
{
	unsigned n;

	g_mutex_lock(&d->emu->lock);
	n = d->stalls_cleared;
	g_mutex_unlock(&d->emu->lock);
	return n;
}

void
usbemu_set_device_id(struct usbemu_dev *d, const void *answer, size_t n)
{
	g_mutex_lock(&d->emu->lock);
	if (n > sizeof(d->devid))
		n = sizeof(d->devid);
	if (n > 0)
		memcpy(d->devid, answer, n);
	d->devid_len = n;
	g_mutex_unlock(&d->emu->lock);
}

unsigned
usbemu_devid_asked(struct usbemu_dev *d)
{
	unsigned n;

	g_mutex_lock(&d->emu->lock);
	n = d->devid_asked;
	g_mutex_unlock(&d->emu->lock);
	return n;
}
