/*
 * printer.c: receipt printer jobs and status over one transport seam:
 * USB (libusb bulk), a device file or TCP 9100 (an fd), or memory.
 *
 * Jobs go out in chunks of at most 4 KiB, each with its own timeout,
 * under a deadline for the whole job.  A chunk that timed out may have
 * sent part of itself: the next one starts at `transferred`, so nothing
 * prints twice.  Status queries run between jobs, never inside one.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "drv.h"

#define PRINTER_CHUNK 4096
#define PRINTER_AGAIN 1 /* chunk timed out or stalled: resume */

enum printer_tr { PRINTER_USB, PRINTER_FD, PRINTER_MEM };
enum printer_opk { PRINTER_OP_WRITE, PRINTER_OP_STATUS };
enum printer_phase { PRINTER_DRAIN, PRINTER_QUERY, PRINTER_READ };

struct printer_op {
	enum printer_opk kind;
	uint8_t *buf;
	size_t len, off;
	int started;
	void (*done)(int, void *);
	void (*scb)(const struct escpos_status *, void *);
	void *arg;
	struct printer_op *next;
};

struct printer {
	struct drv_ctx *ctx;
	struct printer_cbs cbs;
	const struct devices_profile *prof;
	int prof_fixed;
	enum printer_tr tr;
	int attached;
	/* usb */
	struct usb_spec spec;
	struct usb_dev ud;
	struct usb_watch watch;
	struct usb_xfer *out, *in;
	int stalls;
	uint8_t inbuf[64];
	/* fd: file or tcp */
	int fd;
	int fd_status; /* readable and pollable: a status query can work */
	const uint8_t *wbuf;
	size_t wlen;
	struct event *wev, *rev;
	/* mem */
	uint8_t *mem;
	size_t memlen, memcap;
	uint8_t ans[8];
	size_t anslen;
	/* the job engine */
	struct printer_op *q, *cur;
	enum printer_phase phase;
	int drains;
	uint8_t st[3];
	size_t stn;
	unsigned chunk_ms, job_ms, status_ms;
	int expired;
	struct event *deadline, *kick, *retry, *gone;
	int retries;
};

static void printer_out_done(struct printer *, size_t n, int err);
static void printer_in_done(struct printer *, const uint8_t *, size_t, int err);

static void
printer_tv(struct timeval *tv, unsigned ms)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

static void
printer_later(struct printer *p)
{
	event_active(p->kick, 0, 0);
}

/* The transports: start one write or one read; completion is reported
 * through printer_out_done / printer_in_done. */

static void
printer_usb_out_cb(enum usb_xfer_status st, uint8_t *b, size_t n, void *arg)
{
	struct printer *p = arg;

	(void)b;
	switch (st) {
	case USB_XFER_OK:
		p->stalls = 0;
		printer_out_done(p, n, 0);
		break;
	case USB_XFER_TIMEDOUT:
		printer_out_done(p, n, PRINTER_AGAIN);
		break;
	case USB_XFER_STALL:
		/* Clear the halt and resume; a printer that keeps stalling
		 * is broken. */
		usb_clear_halt(&p->ud, p->ud.ep_out);
		printer_out_done(
		    p, n, ++p->stalls > 5 ? DRV_EIO : PRINTER_AGAIN);
		break;
	case USB_XFER_CANCELLED:
		printer_out_done(
		    p, n, p->expired ? DRV_ETIMEDOUT : DRV_ECANCELED);
		break;
	case USB_XFER_NODEV:
		printer_out_done(p, n, DRV_ENODEV);
		event_active(p->gone, 0, 0);
		break;
	default:
		printer_out_done(p, n, DRV_EIO);
	}
}

static void
printer_usb_in_cb(enum usb_xfer_status st, uint8_t *b, size_t n, void *arg)
{
	struct printer *p = arg;

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
		event_active(p->gone, 0, 0);
		break;
	default:
		printer_in_done(p, NULL, 0, DRV_EIO);
	}
}

static void
printer_fd_wcb(evutil_socket_t fd, short what, void *arg)
{
	struct printer *p = arg;
	ssize_t r;

	(void)what;
	if (p->cur == NULL)
		return;
	if ((r = write(fd, p->wbuf, p->wlen)) < 0) {
		if ((errno == EAGAIN || errno == EINTR) &&
		    event_add(p->wev, NULL) == 0)
			return;
		printer_out_done(p, 0, errno == ENODEV ? DRV_ENODEV : DRV_EIO);
		return;
	}
	printer_out_done(p, (size_t)r, 0);
}

static void
printer_fd_rcb(evutil_socket_t fd, short what, void *arg)
{
	struct printer *p = arg;
	uint8_t b[64];
	ssize_t r;

	if (what & EV_TIMEOUT) {
		printer_in_done(p, NULL, 0, PRINTER_AGAIN);
		return;
	}
	if ((r = read(fd, b, sizeof(b))) <= 0) {
		printer_in_done(p, NULL, 0, PRINTER_AGAIN);
		return;
	}
	printer_in_done(p, b, (size_t)r, 0);
}

/* Bytes already waiting on the fd are not answers to our query. */
static void
printer_fd_drain(struct printer *p)
{
	uint8_t b[64];

	for (int i = 0; i < 16 && read(p->fd, b, sizeof(b)) > 0; i++)
		;
}

/* Write the current op from op->off, one chunk. */
static void
printer_tr_write(struct printer *p, const uint8_t *b, size_t n)
{
	switch (p->tr) {
	case PRINTER_USB:
		if (usb_xfer_bulk(p->out, &p->ud, p->ud.ep_out, (uint8_t *)b, n,
		        p->chunk_ms) != 0)
			printer_out_done(p, 0, DRV_ENODEV);
		break;
	case PRINTER_FD:
		p->wbuf = b;
		p->wlen = n;
		printer_fd_wcb(p->fd, EV_WRITE, p);
		break;
	case PRINTER_MEM:
		if (p->memlen + n > p->memcap) {
			size_t cap = (p->memlen + n) * 2;
			uint8_t *m = realloc(p->mem, cap);

			if (m == NULL) {
				printer_out_done(p, 0, DRV_ENOMEM);
				return;
			}
			p->mem = m;
			p->memcap = cap;
		}
		memcpy(p->mem + p->memlen, b, n);
		p->memlen += n;
		printer_out_done(p, n, 0);
		break;
	}
}

static void
printer_tr_read(struct printer *p, unsigned ms)
{
	struct timeval tv;

	switch (p->tr) {
	case PRINTER_USB:
		if (usb_xfer_bulk(p->in, &p->ud, p->ud.ep_in, p->inbuf,
		        sizeof(p->inbuf), ms) != 0)
			printer_in_done(p, NULL, 0, DRV_ENODEV);
		break;
	case PRINTER_FD:
		printer_tv(&tv, ms);
		if (event_add(p->rev, &tv) != 0)
			printer_in_done(
			    p, NULL, 0, PRINTER_AGAIN); /* unknown */
		break;
	case PRINTER_MEM:
		/* Canned answer, once; else silence. */
		printer_in_done(
		    p, p->ans, p->anslen, p->anslen ? 0 : PRINTER_AGAIN);
		p->anslen = 0;
		break;
	}
}

static int
printer_can_status(const struct printer *p)
{
	if (!p->prof->status)
		return 0;
	if (p->tr == PRINTER_FD)
		return p->fd_status;
	return p->tr != PRINTER_USB || p->ud.ep_in != 0;
}

/* The engine. */

static void
printer_op_free(struct printer_op *op)
{
	if (op == NULL)
		return;
	free(op->buf);
	free(op);
}

static void
printer_finish(struct printer *p, int err)
{
	struct printer_op *op = p->cur;
	struct escpos_status st;

	p->cur = NULL;
	evtimer_del(p->deadline);
	p->expired = 0;
	if (op == NULL)
		return;
	if (op->kind == PRINTER_OP_WRITE) {
		if (op->done != NULL)
			op->done(err, op->arg);
	} else {
		escpos_status_decode(p->st, err == 0 ? p->stn : 0, &st);
		op->scb(&st, op->arg);
	}
	printer_op_free(op);
	if (p->q != NULL)
		printer_later(p);
}

static void
printer_step(struct printer *p)
{
	struct printer_op *op;
	struct timeval tv;

	if (p->cur == NULL) {
		if ((op = p->q) == NULL)
			return;
		p->q = op->next;
		p->cur = op;
	}
	op = p->cur;
	if (!p->attached) {
		printer_finish(p, DRV_ENODEV);
		return;
	}
	if (op->kind == PRINTER_OP_STATUS && !op->started) {
		op->started = 1;
		p->stn = 0;
		p->drains = 0;
		if (!printer_can_status(p)) {
			printer_finish(p, DRV_EIO); /* unknown */
			return;
		}
		/* Stale bytes first, so the answers are ours. */
		if (p->tr == PRINTER_FD)
			printer_fd_drain(p);
		p->phase = p->tr == PRINTER_USB ? PRINTER_DRAIN : PRINTER_QUERY;
		if (p->phase == PRINTER_DRAIN) {
			printer_tr_read(p, 10);
			return;
		}
	}
	if (op->kind == PRINTER_OP_STATUS) {
		if (p->phase == PRINTER_QUERY)
			printer_tr_write(p, escpos_status_query,
			    sizeof(escpos_status_query));
		else if (p->phase == PRINTER_READ)
			printer_tr_read(p, p->status_ms);
		return;
	}
	if (!op->started) {
		op->started = 1;
		printer_tv(&tv, p->job_ms);
		evtimer_add(p->deadline, &tv);
	}
	if (op->off >= op->len) {
		printer_finish(p, 0);
		return;
	}
	printer_tr_write(p, op->buf + op->off,
	    op->len - op->off > PRINTER_CHUNK ? PRINTER_CHUNK
	                                      : op->len - op->off);
}

static void
printer_out_done(struct printer *p, size_t n, int err)
{
	struct printer_op *op = p->cur;

	if (op == NULL)
		return;
	if (op->kind == PRINTER_OP_STATUS) {
		if (err != 0 && err != PRINTER_AGAIN) {
			printer_finish(p, err);
			return;
		}
		if (err == 0)
			p->phase = PRINTER_READ;
		printer_later(p);
		return;
	}
	op->off += n;
	if (err == PRINTER_AGAIN && p->expired)
		err = DRV_ETIMEDOUT;
	if (err != 0 && err != PRINTER_AGAIN) {
		printer_finish(p, err);
		return;
	}
	/* Next chunk, or the rest of this one, from the event loop. */
	printer_later(p);
}

static void
printer_in_done(struct printer *p, const uint8_t *b, size_t n, int err)
{
	struct printer_op *op = p->cur;

	if (op == NULL || op->kind != PRINTER_OP_STATUS)
		return;
	if (p->phase == PRINTER_DRAIN) {
		if (err != 0 && err != PRINTER_AGAIN) {
			printer_finish(p, err);
			return;
		}
		/* Keep draining while stale bytes come, a few times. */
		if (n == 0 || ++p->drains > 4)
			p->phase = PRINTER_QUERY;
		printer_later(p);
		return;
	}
	for (size_t i = 0; i < n && p->stn < 3; i++)
		p->st[p->stn++] = b[i];
	if (err == 0 && p->stn < 3 && n > 0) {
		printer_later(p); /* more answers to come */
		return;
	}
	printer_finish(p, err == DRV_ENODEV ? err : 0);
}

static void
printer_kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd, (void)what;
	printer_step(arg);
}

static void
printer_deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	struct printer *p = arg;

	(void)fd, (void)what;
	p->expired = 1;
	if (p->tr == PRINTER_USB && usb_xfer_busy(p->out)) {
		usb_xfer_cancel(p->out);
		return;
	}
	if (p->tr == PRINTER_FD)
		event_del(p->wev);
	printer_finish(p, DRV_ETIMEDOUT);
}

static void
printer_fail_all(struct printer *p, int err)
{
	if (p->cur != NULL)
		printer_finish(p, err);
	while (p->q != NULL) {
		p->cur = p->q;
		p->q = p->cur->next;
		printer_finish(p, err);
	}
}

/* Attach and detach. */

static void
printer_state(struct printer *p, enum printer_state st)
{
	p->attached = st == PRINTER_ATTACHED;
	if (p->cbs.state != NULL)
		p->cbs.state(st, p->cbs.arg);
}

static int
printer_usb_open(struct printer *p)
{
	if (usb_open(p->ctx->usb, &p->spec, 1, &p->ud) != 0)
		return -1;
	/* Once per open: shown to the technician, and the profile of a
	 * printer the id table does not know.  Failure is no matter. */
	usb_ident(&p->ud);
	if (!p->prof_fixed && p->ud.info.profile != NULL &&
	    devices_profile(p->ud.info.profile) != NULL)
		p->prof = devices_profile(p->ud.info.profile);
	p->stalls = 0;
	printer_state(p, PRINTER_ATTACHED);
	if (p->q != NULL)
		printer_later(p);
	return 0;
}

static void
printer_detach(struct printer *p)
{
	usb_xfer_cancel(p->out);
	usb_xfer_cancel(p->in);
	usb_xfer_wait(p->out);
	usb_xfer_wait(p->in);
	usb_close(&p->ud);
	if (p->attached)
		printer_state(p, PRINTER_DETACHED);
	/* The cashier must know: every job not printed fails now. */
	printer_fail_all(p, DRV_ENODEV);
	if (!usb_has_hotplug(p->ctx->usb)) {
		struct timeval tv = {1, 0};

		evtimer_add(p->retry, &tv);
	}
}

static void
printer_gone_cb(evutil_socket_t fd, short what, void *arg)
{
	struct printer *p = arg;

	(void)fd, (void)what;
	if (p->ud.h != NULL)
		printer_detach(p);
}

static void
printer_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	struct printer *p = arg;
	struct timeval tv = {0, 100000};

	(void)fd, (void)what;
	if (p->attached || printer_usb_open(p) == 0)
		return;
	if (!usb_has_hotplug(p->ctx->usb))
		tv.tv_sec = 1, tv.tv_usec = 0;
	else if (p->retries-- <= 0)
		return;
	evtimer_add(p->retry, &tv);
}

static void
printer_hotplug(int arrived, void *arg)
{
	struct printer *p = arg;
	struct timeval tv = {0, 20000};

	if (arrived && !p->attached) {
		/* Not from inside the callback: udev may not be done. */
		p->retries = 30;
		evtimer_add(p->retry, &tv);
	} else if (!arrived && p->attached) {
		event_active(p->gone, 0, 0);
	}
}

static int
printer_pollable(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int ep = epoll_create1(EPOLL_CLOEXEC), ok;

	if (ep < 0)
		return 1; /* cannot tell: try, the status timeout holds */
	ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 || errno != EPERM;
	close(ep);
	return ok;
}

static int
printer_fd_open(struct printer *p, const char *spec)
{
	struct stat sb;
	struct termios t;

	p->fd_status = 1;
	if (strncmp(spec, "file:", 5) == 0) {
		p->fd =
		    open(spec + 5, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		if (p->fd < 0) {
			p->fd = open(spec + 5,
			    O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
			p->fd_status = 0; /* cannot read an answer */
		}
		/* A regular file (a spool, a test) never answers. */
		if (p->fd >= 0 && fstat(p->fd, &sb) == 0 &&
		    !S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode) &&
		    !S_ISSOCK(sb.st_mode))
			p->fd_status = 0;
		/* A serial printer: bytes as they are, no CR/LF games. */
		if (p->fd >= 0 && tcgetattr(p->fd, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(p->fd, TCSANOW, &t);
		}
	} else {
		struct addrinfo hints = {0}, *res = NULL;
		char host[256];
		const char *colon = strrchr(spec + 4, ':');
		size_t hl;

		if (colon == NULL || (hl = (size_t)(colon - (spec + 4))) == 0 ||
		    hl >= sizeof(host))
			return -1;
		memcpy(host, spec + 4, hl);
		host[hl] = '\0';
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
			return -1;
		p->fd = socket(res->ai_family,
		    res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (p->fd >= 0 &&
		    connect(p->fd, res->ai_addr, res->ai_addrlen) != 0 &&
		    errno != EINPROGRESS) {
			close(p->fd);
			p->fd = -1;
		}
		freeaddrinfo(res);
	}
	if (p->fd < 0)
		return -1;
	p->wev = event_new(p->ctx->base, p->fd, EV_WRITE, printer_fd_wcb, p);
	p->rev = event_new(p->ctx->base, p->fd, EV_READ, printer_fd_rcb, p);
	if (p->wev == NULL || p->rev == NULL)
		return -1;
	/* What epoll refuses (/dev/null and the like) can never answer:
	 * find out now, quietly, rather than wait for a read that never
	 * comes (libevent would only log a warning). */
	if (p->fd_status && !printer_pollable(p->fd))
		p->fd_status = 0;
	return 0;
}

struct printer *
printer_open(struct drv_ctx *ctx, const char *spec, const char *profile,
    const struct printer_cbs *cbs)
{
	struct printer *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->ctx = ctx;
	if (cbs != NULL)
		p->cbs = *cbs;
	p->fd = -1;
	p->chunk_ms = 5000;
	p->job_ms = 60000;
	p->status_ms = 1000;
	p->prof = devices_profile(profile != NULL ? profile : "generic58");
	p->prof_fixed = profile != NULL;
	if (p->prof == NULL)
		goto fail;
	p->kick = event_new(ctx->base, -1, 0, printer_kick_cb, p);
	p->deadline = evtimer_new(ctx->base, printer_deadline_cb, p);
	p->retry = evtimer_new(ctx->base, printer_retry_cb, p);
	p->gone = event_new(ctx->base, -1, 0, printer_gone_cb, p);
	if (p->kick == NULL || p->deadline == NULL || p->retry == NULL ||
	    p->gone == NULL)
		goto fail;
	if (strcmp(spec, "mem") == 0) {
		p->tr = PRINTER_MEM;
		p->attached = 1;
	} else if (strncmp(spec, "file:", 5) == 0 ||
	    strncmp(spec, "tcp:", 4) == 0) {
		p->tr = PRINTER_FD;
		if (printer_fd_open(p, spec) != 0)
			goto fail;
		p->attached = 1;
	} else {
		p->tr = PRINTER_USB;
		if (usb_spec_parse(spec, &p->spec) != 0)
			goto fail;
		p->out = usb_xfer_new(ctx->usb, printer_usb_out_cb, p);
		p->in = usb_xfer_new(ctx->usb, printer_usb_in_cb, p);
		if (p->out == NULL || p->in == NULL)
			goto fail;
		p->watch.cb = printer_hotplug;
		p->watch.ud = &p->ud;
		p->watch.arg = p;
		usb_watch_add(ctx->usb, &p->watch);
		if (printer_usb_open(p) != 0 && !usb_has_hotplug(ctx->usb)) {
			struct timeval tv = {1, 0};

			evtimer_add(p->retry, &tv);
		}
	}
	return p;
fail:
	printer_close(p);
	return NULL;
}

void
printer_close(struct printer *p)
{
	if (p == NULL)
		return;
	if (p->tr == PRINTER_USB && p->out != NULL) {
		usb_watch_del(p->ctx->usb, &p->watch);
		usb_xfer_cancel(p->out);
		usb_xfer_cancel(p->in);
		usb_xfer_wait(p->out);
		usb_xfer_wait(p->in);
	}
	p->attached = 0;
	printer_fail_all(p, DRV_ECANCELED);
	usb_close(&p->ud);
	usb_xfer_free(p->out);
	usb_xfer_free(p->in);
	if (p->wev != NULL)
		event_free(p->wev);
	if (p->rev != NULL)
		event_free(p->rev);
	if (p->fd >= 0)
		close(p->fd);
	if (p->kick != NULL)
		event_free(p->kick);
	if (p->deadline != NULL)
		event_free(p->deadline);
	if (p->retry != NULL)
		event_free(p->retry);
	if (p->gone != NULL)
		event_free(p->gone);
	free(p->mem);
	free(p);
}

const struct devices_profile *
printer_profile(const struct printer *p)
{
	return p->prof;
}

int
printer_attached(const struct printer *p)
{
	return p->attached;
}

static void
printer_enqueue(struct printer *p, struct printer_op *op)
{
	struct printer_op **pp;

	for (pp = &p->q; *pp != NULL; pp = &(*pp)->next)
		;
	*pp = op;
	if (p->cur == NULL)
		printer_later(p);
}

int
printer_write(struct printer *p, const void *bytes, size_t len,
    void (*done)(int, void *), void *arg)
{
	struct printer_op *op;

	if (!p->attached)
		return DRV_ENODEV;
	if ((op = calloc(1, sizeof(*op))) == NULL ||
	    (op->buf = malloc(len ? len : 1)) == NULL) {
		free(op);
		return DRV_ENOMEM;
	}
	op->kind = PRINTER_OP_WRITE;
	memcpy(op->buf, bytes, len);
	op->len = len;
	op->done = done;
	op->arg = arg;
	printer_enqueue(p, op);
	return 0;
}

int
printer_status(struct printer *p,
    void (*cb)(const struct escpos_status *, void *), void *arg)
{
	struct printer_op *op;

	if ((op = calloc(1, sizeof(*op))) == NULL)
		return DRV_ENOMEM;
	op->kind = PRINTER_OP_STATUS;
	op->scb = cb;
	op->arg = arg;
	printer_enqueue(p, op);
	return 0;
}

void
printer_set_timeouts(
    struct printer *p, unsigned chunk_ms, unsigned job_ms, unsigned status_ms)
{
	p->chunk_ms = chunk_ms;
	p->job_ms = job_ms;
	p->status_ms = status_ms;
}

const uint8_t *
printer_mem_bytes(const struct printer *p, size_t *len)
{
	*len = p->memlen;
	return p->mem;
}

void
printer_mem_answer(struct printer *p, const uint8_t *b, size_t n)
{
	p->anslen = n > sizeof(p->ans) ? sizeof(p->ans) : n;
	memcpy(p->ans, b, p->anslen);
}
