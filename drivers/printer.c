/*
 * printer.c: receipt printer jobs and status, whatever the transport
 * (struct printer_ops in printer.h: USB, a device file, TCP 9100 or
 * memory; the spec's prefix picks one).
 *
 * Jobs go out in chunks of at most 4 KiB, each with its own timeout,
 * under a deadline for the whole job.  A chunk that timed out may have
 * sent part of itself: the next one starts at `transferred`, so nothing
 * prints twice.  Status queries run between jobs, never inside one.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "printer.h"

#define PRINTER_CHUNK 4096

/* The spec's prefix picks one (no prefix is another's). */
static const struct printer_ops *const printer_transports[] = {
    &printer_mem_ops,
    &printer_file_ops,
    &printer_tcp_ops,
    &printer_usb_ops,
};

static void
printer_tv(struct timeval *tv, unsigned ms)
{
	tv->tv_sec = ms / 1000;
	tv->tv_usec = (ms % 1000) * 1000;
}

void
printer_later(struct printer *p)
{
	event_active(p->kick, 0, 0);
}

static int
printer_can_status(const struct printer *p)
{
	return p->prof->status && p->ops->can_status(p);
}

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
		p->phase = p->ops->drain(p) ? PRINTER_DRAIN : PRINTER_QUERY;
		if (p->phase == PRINTER_DRAIN) {
			p->ops->read(p, 10);
			return;
		}
	}
	if (op->kind == PRINTER_OP_STATUS) {
		if (p->phase == PRINTER_QUERY)
			p->ops->write(p, escpos_status_query,
			    sizeof(escpos_status_query));
		else if (p->phase == PRINTER_READ)
			p->ops->read(p, p->status_ms);
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
	p->ops->write(p, op->buf + op->off,
	    op->len - op->off > PRINTER_CHUNK ? PRINTER_CHUNK
	                                      : op->len - op->off);
}

void
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

void
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
	if (p->ops->expire(p))
		return;
	printer_finish(p, DRV_ETIMEDOUT);
}

void
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

void
printer_state(struct printer *p, enum printer_state st)
{
	p->attached = st == PRINTER_ATTACHED;
	if (p->cbs.state != NULL)
		p->cbs.state(st, p->cbs.arg);
}

static const struct printer_ops *
printer_transport(const char *spec)
{
	for (size_t i = 0;
	     i < sizeof(printer_transports) / sizeof(printer_transports[0]);
	     i++) {
		const char *pre = printer_transports[i]->prefix;

		if (strncmp(spec, pre, strlen(pre)) == 0)
			return printer_transports[i];
	}
	return NULL;
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
	p->chunk_ms = 5000;
	p->job_ms = 60000;
	p->status_ms = 1000;
	p->prof = devices_profile(profile != NULL ? profile : "generic58");
	p->prof_fixed = profile != NULL;
	if (p->prof == NULL)
		goto fail;
	p->kick = event_new(ctx->base, -1, 0, printer_kick_cb, p);
	p->deadline = evtimer_new(ctx->base, printer_deadline_cb, p);
	if (p->kick == NULL || p->deadline == NULL)
		goto fail;
	if ((p->ops = printer_transport(spec)) == NULL)
		goto fail;
	if (p->ops->open(p, spec) != 0)
		goto fail;
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
	if (p->ops != NULL)
		p->ops->close(p);
	p->attached = 0;
	printer_fail_all(p, DRV_ECANCELED);
	if (p->kick != NULL)
		event_free(p->kick);
	if (p->deadline != NULL)
		event_free(p->deadline);
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
