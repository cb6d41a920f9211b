/*
 * usbemu_io.c: the usbfs ioctl loop behind the emulated devices.
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

#include "usbemu_int.h"

/* The FIFO has a free page exactly while some URB is reapable. */
void
usbemu_io_sync_fifo(struct usbemu_dev *d)
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

void
usbemu_io_make_fifo(struct usbemu_dev *d)
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

void
usbemu_io_finish(
    struct usbemu_dev *d, struct usbemu_urb *u, int status, size_t actual)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
	struct usbemu_urb **pp;

	urb->status = status;
	urb->actual_length = (int)actual;
	for (pp = &d->done; *pp != NULL; pp = &(*pp)->next)
		;
	u->next = NULL;
	*pp = u;
	usbemu_io_sync_fifo(d);
}

static void
usbemu_io_urb_free(struct usbemu_urb *u)
{
	if (u == NULL)
		return;
	umockdev_ioctl_data_unref(u->data);
	if (u->buf != NULL)
		umockdev_ioctl_data_unref(u->buf);
	free(u);
}

static void
usbemu_io_capture(struct usbemu_dev *d, const uint8_t *p, size_t n)
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
		if (!usbemu_has_status(d) || d->mute)
			continue;
		if (d->qlen < USBEMU_MAXQ) {
			struct usbemu_pkt *k =
			    &d->q[(d->qhead + d->qlen++) % USBEMU_MAXQ];

			k->n = 1;
			k->b[0] = p[i + 2] == 1 ? d->status[0]
			    : p[i + 2] == 2     ? d->status[1]
			                        : d->status[2];
		}
	}
}

/* Give queued IN packets to pending IN URBs. */
void
usbemu_io_feed_in(struct usbemu_dev *d)
{
	struct usbemu_urb **pp = &d->pending;

	while (*pp != NULL && d->qlen > 0) {
		struct usbemu_urb *u = *pp;
		struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
		size_t n = 0;

		if (!(urb->endpoint & 0x80)) {
			pp = &u->next;
			continue;
		}
		/* Printers: status bytes coalesce into one bulk packet. */
		do {
			struct usbemu_pkt *k = &d->q[d->qhead];
			size_t take = k->n;

			if (n + take > (size_t)urb->buffer_length)
				break;
			memcpy(u->buf->data + n, k->b, take);
			n += take;
			d->qhead = (d->qhead + 1) % USBEMU_MAXQ;
			d->qlen--;
		} while (usbemu_is_printer(d) && d->qlen > 0);
		*pp = u->next;
		usbemu_io_finish(d, u, 0, n);
	}
}

/* Control transfers answered at once: strings, GET_DEVICE_ID, HID. */
static void
usbemu_io_control(struct usbemu_dev *d, struct usbemu_urb *u)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;
	uint8_t *b = u->buf != NULL ? u->buf->data : NULL;
	uint8_t rt, rq;
	uint16_t val, len;
	uint8_t ans[256];
	size_t n = 0;

	if (b == NULL || urb->buffer_length < 8) {
		usbemu_io_finish(d, u, -EPIPE, 0);
		return;
	}
	rt = b[0], rq = b[1];
	val = (uint16_t)(b[2] | b[3] << 8);
	len = (uint16_t)(b[6] | b[7] << 8);
	if (rt == 0x80 && rq == 6 && (val >> 8) == 3) {
		const char *s = usbemu_string(d, val & 0xff);

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
			usbemu_io_finish(d, u, -EPIPE, 0);
			return;
		}
	} else if (rt == 0xa1 && rq == 0 && usbemu_is_printer(d)) {
		d->devid_asked++;
		if (d->devid_len == 0) {
			usbemu_io_finish(d, u, -EPIPE, 0);
			return;
		}
		memcpy(ans, d->devid, d->devid_len);
		n = d->devid_len;
	} else if ((rt & 0x80) == 0) {
		n = 0; /* SET_IDLE, SET_PROTOCOL and the like */
	} else {
		usbemu_io_finish(d, u, -EPIPE, 0);
		return;
	}
	if (n > len)
		n = len;
	if (n > (size_t)urb->buffer_length - 8)
		n = (size_t)urb->buffer_length - 8;
	memcpy(b + 8, ans, n);
	usbemu_io_finish(d, u, 0, n);
}

static void
usbemu_io_submit(struct usbemu_dev *d, struct usbemu_urb *u)
{
	struct usbdevfs_urb *urb = (struct usbdevfs_urb *)u->data->data;

	if (urb->type == USBDEVFS_URB_TYPE_CONTROL) {
		usbemu_io_control(d, u);
		return;
	}
	if (urb->endpoint & 0x80) {
		u->next = d->pending;
		d->pending = u;
		usbemu_io_feed_in(d);
		return;
	}
	/* OUT: a printer's bulk endpoint. */
	if (d->stall_next) {
		d->stall_next = 0;
		d->halted = 1;
	}
	if (d->halted) {
		usbemu_io_finish(d, u, -EPIPE, 0);
		return;
	}
	if (d->timeout_next) {
		size_t take = d->timeout_next - 1;

		if (take > (size_t)urb->buffer_length)
			take = (size_t)urb->buffer_length;
		d->timeout_next = 0;
		usbemu_io_capture(d, u->buf->data, take);
		u->partial = take;
		u->next = d->pending;
		d->pending = u;
		return;
	}
	if (urb->buffer_length > 0)
		usbemu_io_capture(d, u->buf->data, (size_t)urb->buffer_length);
	usbemu_io_finish(d, u, 0, (size_t)urb->buffer_length);
	usbemu_io_feed_in(d);
}

static UMockdevIoctlData *
usbemu_io_resolve(UMockdevIoctlClient *c, size_t len)
{
	return umockdev_ioctl_data_resolve(
	    umockdev_ioctl_client_get_arg(c), 0, len, NULL);
}

gboolean
usbemu_io_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *c, gpointer arg)
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
		data = usbemu_io_resolve(c, sizeof(uint32_t));
		*(uint32_t *)data->data = USBDEVFS_CAP_ZERO_PACKET |
		    USBDEVFS_CAP_BULK_CONTINUATION |
		    USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
		break;
	case USBDEVFS_GETDRIVER: {
		struct usbdevfs_getdriver *g;

		data = usbemu_io_resolve(c, sizeof(*g));
		g = (struct usbdevfs_getdriver *)data->data;
		if (!d->bound) {
			ret = -1, err = ENODATA;
			break;
		}
		snprintf(g->driver, sizeof(g->driver), "%s",
		    usbemu_is_printer(d) ? "usblp" : "usbhid");
		break;
	}
	case USBDEVFS_IOCTL: {
		struct usbdevfs_ioctl *io;

		data = usbemu_io_resolve(c, sizeof(*io));
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

		data = usbemu_io_resolve(c, sizeof(*ci));
		ci = (struct usbdevfs_connectinfo *)data->data;
		ci->devnum = (unsigned)d->n + 1;
		ci->slow = 0;
		break;
	}
	case USBDEVFS_SUBMITURB: {
		struct usbemu_urb *u = calloc(1, sizeof(*u));
		struct usbdevfs_urb *urb;

		data = usbemu_io_resolve(c, sizeof(*urb));
		urb = (struct usbdevfs_urb *)data->data;
		u->data = umockdev_ioctl_data_ref(data);
		if (urb->buffer_length > 0)
			u->buf =
			    umockdev_ioctl_data_ref(umockdev_ioctl_data_resolve(
			        data, offsetof(struct usbdevfs_urb, buffer),
			        (size_t)urb->buffer_length, NULL));
		usbemu_io_submit(d, u);
		break;
	}
	case USBDEVFS_DISCARDURB: {
		unsigned long addr =
		    *(unsigned long *)umockdev_ioctl_client_get_arg(c)->data;
		struct usbemu_urb **pp;

		ret = -1, err = EINVAL;
		for (pp = &d->pending; *pp != NULL; pp = &(*pp)->next) {
			struct usbemu_urb *u = *pp;

			if (u->data->client_addr != addr)
				continue;
			*pp = u->next;
			usbemu_io_finish(d, u, -ENOENT, u->partial);
			ret = 0, err = 0;
			break;
		}
		break;
	}
	case USBDEVFS_REAPURBNDELAY: {
		struct usbemu_urb *u = d->done;

		if (u == NULL) {
			ret = -1, err = d->unplugged ? ENODEV : EAGAIN;
			break;
		}
		d->done = u->next;
		data = usbemu_io_resolve(c, sizeof(void *));
		umockdev_ioctl_data_set_ptr(data, 0, u->data);
		usbemu_io_urb_free(u);
		usbemu_io_sync_fifo(d);
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

void
usbemu_io_drop(struct usbemu_urb *u)
{
	while (u != NULL) {
		struct usbemu_urb *next = u->next;

		usbemu_io_urb_free(u);
		u = next;
	}
}
