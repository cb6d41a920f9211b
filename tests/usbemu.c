/*
 * usbemu.c: device models behind umockdev's usbfs ioctl emulation.
 *
 * The handler runs on umockdev's worker thread; the test thread queues
 * reports and faults; one mutex guards everything.  umockdev makes the
 * device node a regular file, always "ready" to poll() and refused by
 * epoll, so each node is replaced by a FIFO kept full while no URB is
 * reapable: libusb's fd is writable exactly when a kernel's would be.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/usbdevice_fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <umockdev.h>

#include "usbemu.h"

#define EMU_MAXQ 256

struct emu_urb {
	UMockdevIoctlData *data; /* struct usbdevfs_urb, resolved */
	UMockdevIoctlData *buf;
	size_t partial; /* bytes taken before a timeout */
	struct emu_urb *next;
};

struct emu_pkt {
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
	struct emu_urb *pending, *done;
	struct emu_pkt q[EMU_MAXQ];
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

static const char *const emu_hex[] = {
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

static const char *const emu_ids[][5] = {
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
static const char emu_devid[] = "MFG:Winbond;CMD:ESC/POS;MDL:POS58;";

static int
emu_is_printer(const struct usbemu_dev *d)
{
	return d->model == USBEMU_PRINTER58 ||
	    d->model == USBEMU_PRINTER_NOSTATUS ||
	    d->model == USBEMU_PRINTER_UNKNOWN;
}

/* Printers with a bulk IN endpoint answer DLE EOT. */
static int
emu_has_status(const struct usbemu_dev *d)
{
	return d->model == USBEMU_PRINTER58 ||
	    d->model == USBEMU_PRINTER_UNKNOWN;
}

/* The FIFO has a free page exactly while some URB is reapable. */
static void
emu_sync_fifo(struct usbemu_dev *d)
{
	static char page[4096];
	int want = d->done != NULL || d->unplugged;

	if (d->fifo_fd < 0)
		return;
	if (want && !d->slot_open) {
		if (read(d->fifo_fd, page, sizeof(page)) == sizeof(page))
			d->slot_open = 1;
	} else if (!want && d->slot_open) {
		if (write(d->fifo_fd, page, sizeof(page)) == sizeof(page))
			d->slot_open = 0;
	}
}

static void
emu_make_fifo(struct usbemu_dev *d)
{
	static char page[4096];
	char *root = umockdev_testbed_get_root_dir(d->emu->tb);

	snprintf(d->fifo, sizeof(d->fifo), "%s%s", root, d->node);
	g_free(root);
	if (d->fifo_fd >= 0)
		close(d->fifo_fd);
	unlink(d->fifo);
	if (mkfifo(d->fifo, 0666) != 0) {
		perror("usbemu: mkfifo");
		abort();
	}
	if ((d->fifo_fd = open(d->fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
		perror("usbemu: open fifo");
		abort();
	}
	while (write(d->fifo_fd, page, sizeof(page)) == sizeof(page))
		;
	d->slot_open = 0;
}

static void
emu_finish(struct usbemu_dev *d, struct emu_urb *u, int status, size_t actual)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
	struct emu_urb **pp;

	urb->status = status;
	urb->actual_length = (int)actual;
	for (pp = &d->done; *pp != NULL; pp = &(*pp)->next)
		;
	u->next = NULL;
	*pp = u;
	emu_sync_fifo(d);
}

static void
emu_urb_free(struct emu_urb *u)
{
	if (u == NULL)
		return;
	umockdev_ioctl_data_unref(u->data);
	if (u->buf != NULL)
		umockdev_ioctl_data_unref(u->buf);
	free(u);
}

static void
emu_capture(struct usbemu_dev *d, const uint8_t *p, size_t n)
{
	if (d->outlen + n > d->outcap) {
		d->outcap = (d->outlen + n) * 2;
		d->out = realloc(d->out, d->outcap);
	}
	memcpy(d->out + d->outlen, p, n);
	d->outlen += n;
	/* Answer real-time status queries found in the stream. */
	for (size_t i = 0; i + 2 < n; i++) {
		if (p[i] != 0x10 || p[i + 1] != 0x04)
			continue;
		if (!emu_has_status(d) || d->mute)
			continue;
		if (d->qlen < EMU_MAXQ) {
			struct emu_pkt *k =
			    &d->q[(d->qhead + d->qlen++) % EMU_MAXQ];

			k->n = 1;
			k->b[0] = p[i + 2] == 1 ? d->status[0]
			    : p[i + 2] == 2     ? d->status[1]
			                        : d->status[2];
		}
	}
}

/* Give queued IN packets to pending IN URBs. */
static void
emu_feed_in(struct usbemu_dev *d)
{
	struct emu_urb **pp = &d->pending;

	while (*pp != NULL && d->qlen > 0) {
		struct emu_urb *u = *pp;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
		size_t n = 0;

		if (!(urb->endpoint & 0x80)) {
			pp = &u->next;
			continue;
		}
		/* Printers: status bytes coalesce into one bulk packet. */
		do {
			struct emu_pkt *k = &d->q[d->qhead];
			size_t take = k->n;

			if (n + take > (size_t)urb->buffer_length)
				break;
			memcpy(u->buf->data + n, k->b, take);
			n += take;
			d->qhead = (d->qhead + 1) % EMU_MAXQ;
			d->qlen--;
		} while (emu_is_printer(d) && d->qlen > 0);
		*pp = u->next;
		emu_finish(d, u, 0, n);
	}
}

static const char *
emu_string(struct usbemu_dev *d, int idx)
{
	return idx >= 1 && idx <= 3 ? emu_ids[d->model][idx + 1] : NULL;
}

/* Control transfers answered at once: strings, GET_DEVICE_ID, HID. */
static void
emu_control(struct usbemu_dev *d, struct emu_urb *u)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
	uint8_t *b = u->buf != NULL ? u->buf->data : NULL;
	uint8_t rt, rq;
	uint16_t val, len;
	uint8_t ans[256];
	size_t n = 0;

	if (b == NULL || urb->buffer_length < 8) {
		emu_finish(d, u, -EPIPE, 0);
		return;
	}
	rt = b[0], rq = b[1];
	val = (uint16_t)(b[2] | b[3] << 8);
	len = (uint16_t)(b[6] | b[7] << 8);
	if (rt == 0x80 && rq == 6 && (val >> 8) == 3) {
		const char *s = emu_string(d, val & 0xff);

		if ((val & 0xff) == 0) {
			memcpy(ans, "\x04\x03\x09\x04", 4);
			n = 4;
		} else if (s != NULL) {
			ans[1] = 3;
			for (n = 2; *s != '\0' && n + 2 <= sizeof(ans); s++) {
				ans[n++] = (uint8_t)*s;
				ans[n++] = 0;
			}
			ans[0] = (uint8_t)n;
		} else {
			emu_finish(d, u, -EPIPE, 0);
			return;
		}
	} else if (rt == 0xa1 && rq == 0 && emu_is_printer(d)) {
		d->devid_asked++;
		if (d->devid_len == 0) {
			emu_finish(d, u, -EPIPE, 0);
			return;
		}
		memcpy(ans, d->devid, d->devid_len);
		n = d->devid_len;
	} else if ((rt & 0x80) == 0) {
		n = 0; /* SET_IDLE, SET_PROTOCOL and the like */
	} else {
		emu_finish(d, u, -EPIPE, 0);
		return;
	}
	if (n > len)
		n = len;
	if (n > (size_t)urb->buffer_length - 8)
		n = (size_t)urb->buffer_length - 8;
	memcpy(b + 8, ans, n);
	emu_finish(d, u, 0, n);
}

static void
emu_submit(struct usbemu_dev *d, struct emu_urb *u)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		emu_control(d, u);
		return;
	}
	if (urb->endpoint & 0x80) {
		u->next = d->pending;
		d->pending = u;
		emu_feed_in(d);
		return;
	}
	/* OUT: a printer's bulk endpoint. */
	if (d->stall_next) {
		d->stall_next = 0;
		d->halted = 1;
	}
	if (d->halted) {
		emu_finish(d, u, -EPIPE, 0);
		return;
	}
	if (d->timeout_next) {
		size_t take = d->timeout_next - 1;

		if (take > (size_t)urb->buffer_length)
			take = (size_t)urb->buffer_length;
		d->timeout_next = 0;
		emu_capture(d, u->buf->data, take);
		u->partial = take;
		u->next = d->pending;
		d->pending = u;
		return;
	}
	if (urb->buffer_length > 0)
		emu_capture(d, u->buf->data, (size_t)urb->buffer_length);
	emu_finish(d, u, 0, (size_t)urb->buffer_length);
	emu_feed_in(d);
}

static UMockdevIoctlData *
emu_resolve(UMockdevIoctlClient *c, size_t len)
{
	return umockdev_ioctl_data_resolve(
	    umockdev_ioctl_client_get_arg(c), 0, len, NULL);
}

static gboolean
emu_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *c, gpointer arg)
{
	struct usbemu *emu = arg;
	struct usbemu_dev *d = NULL;
	const char *node = umockdev_ioctl_client_get_devnode(c);
	unsigned long req = umockdev_ioctl_client_get_request(c);
	UMockdevIoctlData *data;
	long ret = 0;
	int err = 0;

	(void)base;
	g_mutex_lock(&emu->lock);
	emu->ioctls++;
	for (int i = 0; i < 10; i++)
		if (emu->devs[i] != NULL &&
		    strcmp(emu->devs[i]->node, node) == 0)
			d = emu->devs[i];
	if (d == NULL) {
		ret = -1, err = ENODEV;
		goto out;
	}
	if (d->unplugged && req != USBDEVFS_REAPURBNDELAY) {
		ret = -1, err = ENODEV;
		goto out;
	}
	switch (req) {
	case USBDEVFS_GET_CAPABILITIES:
		data = emu_resolve(c, sizeof(uint32_t));
		*(uint32_t *)data->data = USBDEVFS_CAP_ZERO_PACKET |
		    USBDEVFS_CAP_BULK_CONTINUATION |
		    USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		break;
	case USBDEVFS_GETDRIVER: {
		struct usbdevfs_getdriver *g;

		data = emu_resolve(c, sizeof(*g));
		g = (struct usbdevfs_getdriver *)data->data;
		if (!d->bound) {
			ret = -1, err = ENODATA;
			break;
		}
		snprintf(g->driver, sizeof(g->driver), "%s",
		    emu_is_printer(d) ? "usblp" : "usbhid");
		break;
	}
	case USBDEVFS_IOCTL: {
		struct usbdevfs_ioctl *io;

		data = emu_resolve(c, sizeof(*io));
		io = (struct usbdevfs_ioctl *)data->data;
		if (io->ioctl_code == (int)USBDEVFS_DISCONNECT) {
			if (!d->bound)
				ret = -1, err = ENODATA;
			d->bound = 0;
		} else if (io->ioctl_code == (int)USBDEVFS_CONNECT) {
			d->bound = 1;
			ret = 1;
		} else
			ret = -1, err = ENOTTY;
		break;
	}
	case USBDEVFS_DISCONNECT_CLAIM:
		d->bound = 0;
		d->claimed = 1;
		break;
	case USBDEVFS_CLAIMINTERFACE:
		if (d->bound)
			ret = -1, err = EBUSY;
		else
			d->claimed = 1;
		break;
	case USBDEVFS_RELEASEINTERFACE:
		d->claimed = 0;
		break;
	case USBDEVFS_SETCONFIGURATION:
	case USBDEVFS_SETINTERFACE:
	case USBDEVFS_RESET:
		break;
	case USBDEVFS_CLEAR_HALT:
		if (d->halted)
			d->stalls_cleared++;
		d->halted = 0;
		break;
	case USBDEVFS_CONNECTINFO: {
		struct usbdevfs_connectinfo *ci;

		data = emu_resolve(c, sizeof(*ci));
		ci = (struct usbdevfs_connectinfo *)data->data;
		ci->devnum = (unsigned)d->n + 1;
		ci->slow = 0;
		break;
	}
	case USBDEVFS_SUBMITURB: {
		struct emu_urb *u = calloc(1, sizeof(*u));
		struct usbdevfs_urb *urb;

		data = emu_resolve(c, sizeof(*urb));
		urb = (struct usbdevfs_urb *)data->data;
		u->data = umockdev_ioctl_data_ref(data);
		if (urb->buffer_length > 0)
			u->buf =
			    umockdev_ioctl_data_ref(umockdev_ioctl_data_resolve(
			        data, offsetof(struct usbdevfs_urb, buffer),
			        (size_t)urb->buffer_length, NULL));
		emu_submit(d, u);
		break;
	}
	case USBDEVFS_DISCARDURB: {
		unsigned long addr =
		    *(unsigned long *)umockdev_ioctl_client_get_arg(c)->data;
		struct emu_urb **pp;

		ret = -1, err = EINVAL;
		for (pp = &d->pending; *pp != NULL; pp = &(*pp)->next) {
			struct emu_urb *u = *pp;

			if (u->data->client_addr != addr)
				continue;
			*pp = u->next;
			emu_finish(d, u, -ENOENT, u->partial);
			ret = 0, err = 0;
			break;
		}
		break;
	}
	case USBDEVFS_REAPURBNDELAY: {
		struct emu_urb *u = d->done;

		if (u == NULL) {
			ret = -1, err = d->unplugged ? ENODEV : EAGAIN;
			break;
		}
		d->done = u->next;
		data = emu_resolve(c, sizeof(void *));
		umockdev_ioctl_data_set_ptr(data, 0, u->data);
		emu_urb_free(u);
		emu_sync_fifo(d);
		break;
	}
	default:
		ret = -1, err = ENOTTY;
	}
out:
	g_mutex_unlock(&emu->lock);
	umockdev_ioctl_client_complete(c, ret, err);
	return TRUE;
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
	    emu->handler, "handle-ioctl", G_CALLBACK(emu_ioctl), emu);
	return emu;
}

static void
emu_drop(struct emu_urb *u)
{
	while (u != NULL) {
		struct emu_urb *next = u->next;

		emu_urb_free(u);
		u = next;
	}
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
		emu_drop(d->pending);
		emu_drop(d->done);
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
emu_plug(struct usbemu_dev *d)
{
	GError *err = NULL;

	if (!umockdev_testbed_add_from_string(d->emu->tb, d->desc, &err)) {
		fprintf(stderr, "usbemu: %s\n", err->message);
		abort();
	}
	emu_make_fifo(d);
}

struct usbemu_dev *
usbemu_add(struct usbemu *emu, enum usbemu_model model, int n)
{
	struct usbemu_dev *d = calloc(1, sizeof(*d));
	const char *const *id = emu_ids[model];
	GError *err = NULL;
	char buf[2048];

	d->emu = emu;
	d->model = model;
	d->n = n;
	d->fifo_fd = -1;
	d->bound = 1; /* usbhid or usblp got it first, as on a real till */
	memcpy(d->status, "\x12\x12\x12", 3);
	d->devid[0] = 0;
	d->devid[1] = (uint8_t)(sizeof(emu_devid) - 1 + 2);
	memcpy(d->devid + 2, emu_devid, sizeof(emu_devid) - 1);
	d->devid_len = sizeof(emu_devid) - 1 + 2;
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
	    emu_hex[model]);
	d->desc = strdup(buf);
	d->syspath = g_strdup_printf(
	    "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-%d", n);
	g_mutex_lock(&emu->lock);
	emu->devs[n] = d;
	g_mutex_unlock(&emu->lock);
	emu_plug(d);
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
		struct emu_urb *u = d->pending;

		d->pending = u->next;
		emu_finish(d, u, -ESHUTDOWN, u->partial);
	}
	emu_sync_fifo(d);
	g_mutex_unlock(&d->emu->lock);
	umockdev_testbed_uevent(d->emu->tb, d->syspath, "remove");
	umockdev_testbed_remove_device(d->emu->tb, d->syspath);
}

void
usbemu_replug(struct usbemu_dev *d)
{
	g_mutex_lock(&d->emu->lock);
	emu_drop(d->done);
	d->done = NULL;
	d->unplugged = 0;
	d->bound = 1;
	d->qlen = 0;
	emu_plug(d);
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
emu_queue(struct usbemu_dev *d, const void *rep, size_t n)
{
	struct emu_pkt *k;

	if (d->qlen >= EMU_MAXQ || n > sizeof(k->b))
		abort();
	k = &d->q[(d->qhead + d->qlen++) % EMU_MAXQ];
	memcpy(k->b, rep, n);
	k->n = n;
}

void
usbemu_report(struct usbemu_dev *d, const void *rep, size_t n)
{
	g_mutex_lock(&d->emu->lock);
	emu_queue(d, rep, n);
	emu_feed_in(d);
	g_mutex_unlock(&d->emu->lock);
}

/* US layout, the inverse of the scanner's table. */
static int
emu_usage(char c, int *shift)
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

		r[2] = (uint8_t)emu_usage(*s, &shift);
		r[0] = shift ? 0x02 : 0;
		emu_queue(d, r, 8);
		memset(r, 0, 8);
		emu_queue(d, r, 8);
	}
	emu_feed_in(d);
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
		emu_queue(d, r, 64);
	} while (off < len);
	emu_feed_in(d);
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
