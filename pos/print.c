/*
 * print.c: the print queue and the receipts.  Receipts, shift summaries
 * and donor receipts wait in one queue, oldest first; before each the
 * printer is asked its status, and a job is kept, asked again every
 * 300 ms, while the paper is out or the cover open: the distribution is
 * already committed, so its paper waits rather than being lost.  A job
 * is dropped only once written.  The last receipt is kept whole to be
 * reprinted.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "drivers.h"
#include "app.h"

static void print_pump(struct app *);

struct print_job {
	uint8_t *bytes;
	size_t len;
	struct print_job *next;
};

void
print_queue(struct app *a, struct escpos *e)
{
	struct print_job *job, **tail;
	const uint8_t *b;
	size_t len;

	b = escpos_bytes(e, &len);
	if (escpos_error(e) != 0 || (job = calloc(1, sizeof(*job))) == NULL)
		goto out;
	if ((job->bytes = malloc(len)) == NULL) {
		free(job);
		goto out;
	}
	memcpy(job->bytes, b, len);
	job->len = len;
	for (tail = &a->jobs; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = job;
out:
	escpos_free(e);
	print_pump(a);
}

/* A charity sale's receipt (义卖小票). */
static void
print_sale(struct app *a, const struct rcpt *rc, int reprint)
{
	struct slip_sale_line sl[TILL_MAX_LINES];
	struct slip_sale s;
	struct escpos *e;
	size_t i;

	memset(&s, 0, sizeof(s));
	for (i = 0; i < rc->nlines; i++) {
		sl[i].name = rc->lines[i].name;
		sl[i].qty = rc->lines[i].qty;
		sl[i].amount_fen = rc->lines[i].amount_fen;
	}
	s.store = a->o.store;
	s.till = a->o.till_id;
	s.cashier = rc->cashier;
	s.receipt_no = rc->receipt_no;
	s.when = rc->when;
	s.offline = rc->offline;
	s.reprint = reprint;
	s.lines = sl;
	s.nlines = rc->nlines;
	s.total_fen = rc->total;
	s.method = rc->method;
	s.reference = rc->reference;
	s.lang = a->t.lang;
	if ((e = escpos_new(printer_profile(a->pr))) == NULL)
		return;
	slip_sale(e, &s);
	print_queue(a, e);
}

void
print_receipt(struct app *a, const struct rcpt *rc, int reprint)
{
	struct slip_line sl[TILL_MAX_LINES];
	struct slip_limit lim[TILL_MAX_LIMITS];
	struct slip s;
	struct escpos *e;
	size_t i;

	if (a->pr == NULL)
		return;
	if (rc->sale) {
		print_sale(a, rc, reprint);
		return;
	}
	memset(&s, 0, sizeof(s));
	for (i = 0; i < rc->nlines; i++) {
		sl[i].name = rc->lines[i].name;
		sl[i].qty = rc->lines[i].qty;
		sl[i].points = rc->lines[i].points;
	}
	for (i = 0; i < rc->nlimits; i++) {
		lim[i].name = rc->limits[i].name;
		lim[i].remaining = rc->limits[i].remaining;
	}
	s.store = a->o.store;
	s.till = a->o.till_id;
	s.cashier = rc->cashier;
	s.receipt_no = rc->receipt_no;
	s.when = rc->when;
	s.card = rc->card;
	s.offline = rc->offline;
	s.reprint = reprint;
	s.lines = sl;
	s.nlines = rc->nlines;
	s.total = rc->total;
	s.balance_after = rc->balance;
	s.limits = lim;
	s.nlimits = rc->nlimits;
	s.lang = a->t.lang;
	if ((e = escpos_new(printer_profile(a->pr))) == NULL)
		return;
	slip_build(e, &s);
	print_queue(a, e);
}

static void
print_job_pop(struct app *a)
{
	struct print_job *job = a->jobs;

	if (job == NULL)
		return;
	a->jobs = job->next;
	free(job->bytes);
	free(job);
}

static void
print_written(int err, void *arg)
{
	struct app *a = arg;

	a->print = PRINT_IDLE;
	if (err == DRV_OK) {
		print_job_pop(a);
		snprintf(a->printer_state, sizeof(a->printer_state), "ok");
	} else {
		/* Kept: it prints in full when the printer is back. */
		snprintf(a->printer_state, sizeof(a->printer_state), "%s",
		    err == DRV_ENODEV ? "detached" : "error");
		till_msg(&a->t, "printer_error", "%s",
		    till_tr(&a->t, "打印失败，打印机恢复后重打",
		        "printing failed: it prints again when the printer "
		        "is back"));
	}
	app_changed(a);
	print_pump(a);
	app_busy_dec(a);
}

/* The printer is not ready: ask again in 300 ms, the job kept. */
static void
print_retry(struct app *a)
{
	struct timeval tv = {0, 300000};

	a->print = PRINT_WAIT;
	evtimer_add(a->prtimer, &tv);
}

static void
print_status_done(const struct escpos_status *st, void *arg)
{
	struct app *a = arg;
	const char *was = a->printer_state;
	int bad = st->state == ESCPOS_PAPER_END ||
	    st->state == ESCPOS_COVER_OPEN || st->state == ESCPOS_OFFLINE ||
	    st->state == ESCPOS_ERROR;

	if (bad) {
		if (strcmp(was, escpos_state_name(st->state)) != 0)
			till_msg(&a->t, "printer_trouble", "%s: %s",
			    till_tr(&a->t, "打印机故障，小票稍后打印",
			        "printer trouble, the receipt prints later"),
			    escpos_state_name(st->state));
		snprintf(a->printer_state, sizeof(a->printer_state), "%s",
		    escpos_state_name(st->state));
		print_retry(a);
		app_changed(a);
		app_busy_dec(a);
		return;
	}
	if (strcmp(was, "ok") != 0 && strcmp(was, "unknown") != 0 &&
	    strcmp(was, "paper_near_end") != 0)
		till_msg(&a->t, "printer_ok", "%s",
		    till_tr(&a->t, "打印机已恢复", "printer is back"));
	/* Silence (unknown) is not "fine", but a printer without a status
	 * channel must still print: send, and let the job report. */
	snprintf(a->printer_state, sizeof(a->printer_state), "%s",
	    st->state == ESCPOS_UNKNOWN ? "unknown"
	                                : escpos_state_name(st->state));
	a->print = PRINT_WRITING;
	if (a->jobs == NULL ||
	    printer_write(
	        a->pr, a->jobs->bytes, a->jobs->len, print_written, a) != 0) {
		a->print = PRINT_IDLE;
		if (a->jobs != NULL)
			print_retry(a);
		app_busy_dec(a);
	}
	app_changed(a);
}

static void
print_pump(struct app *a)
{
	if (a->pr == NULL || a->print != PRINT_IDLE || a->jobs == NULL)
		return;
	if (!printer_attached(a->pr)) {
		snprintf(
		    a->printer_state, sizeof(a->printer_state), "detached");
		return; /* the attach callback pumps again */
	}
	a->print = PRINT_STATUS;
	app_busy_inc(a);
	if (printer_status(a->pr, print_status_done, a) != 0) {
		print_retry(a);
		app_busy_dec(a);
	}
}

static void
print_timer(evutil_socket_t fd, short ev, void *arg)
{
	struct app *a = arg;

	(void)fd;
	(void)ev;
	a->print = PRINT_IDLE;
	print_pump(a);
}

/* Plugged or unplugged: a plugged printer takes the queue at once. */
static void
print_printer_cb(enum printer_state st, void *arg)
{
	struct app *a = arg;

	if (st == PRINTER_DETACHED) {
		snprintf(
		    a->printer_state, sizeof(a->printer_state), "detached");
		till_msg(&a->t, "printer_detached", "%s",
		    till_tr(&a->t, "打印机已断开", "printer unplugged"));
	} else {
		snprintf(a->printer_state, sizeof(a->printer_state), "ok");
		till_msg(&a->t, "printer_attached", "%s",
		    till_tr(&a->t, "打印机已连接", "printer connected"));
		print_pump(a);
	}
	app_changed(a);
}

void
print_reprint(struct app *a)
{
	if (!a->last.valid) {
		till_msg(&a->t, "no_receipt", "%s",
		    till_tr(
		        &a->t, "没有可补打的小票", "no receipt to reprint"));
		app_changed(a);
		return;
	}
	print_receipt(a, &a->last, 1);
	till_msg(&a->t, "reprint", "%s %s",
	    till_tr(&a->t, "补打小票", "reprinting"), a->last.receipt_no);
	app_changed(a);
}

/* The receipt of the basket on screen; rc->receipt_no etc. set by the
 * caller.  What is left of limits counts this basket. */
void
print_rcpt_basket(struct app *a, struct rcpt *rc)
{
	const struct till *t = &a->t;
	size_t i, k;

	rc->valid = 1;
	if (t->sale) {
		snprintf(rc->cashier, sizeof(rc->cashier), "%s", a->cashier);
		rc->sale = 1;
		snprintf(rc->method, sizeof(rc->method), "%s", t->pay_method);
		snprintf(
		    rc->reference, sizeof(rc->reference), "%s", t->pay_ref);
		rc->nlines = t->nlines;
		for (i = 0; i < t->nlines; i++) {
			snprintf(rc->lines[i].name, sizeof(rc->lines[i].name),
			    "%s", t->lines[i].item.name);
			rc->lines[i].qty = t->lines[i].qty;
			rc->lines[i].amount_fen =
			    t->lines[i].qty * t->lines[i].item.sale_price_fen;
		}
		rc->total = till_sale_total(t);
		return;
	}
	snprintf(rc->card, sizeof(rc->card), "%s", t->hh.card);
	snprintf(rc->cashier, sizeof(rc->cashier), "%s", a->cashier);
	rc->nlines = t->nlines;
	for (i = 0; i < t->nlines; i++) {
		snprintf(rc->lines[i].name, sizeof(rc->lines[i].name), "%s",
		    t->lines[i].item.name);
		rc->lines[i].qty = t->lines[i].qty;
		rc->lines[i].points = t->lines[i].qty * t->lines[i].item.points;
	}
	rc->total = till_total(t);
	rc->balance = till_balance_after(t);
	rc->nlimits = 0;
	for (i = 0; i < t->hh.nlimits && rc->nlimits < TILL_MAX_LIMITS; i++) {
		int idx = till_find(t, t->hh.limits[i].item_id);
		int64_t rem = t->hh.limits[i].remaining;

		if (idx >= 0)
			rem -= t->lines[idx].qty + t->lines[idx].item.held;
		snprintf(rc->limits[rc->nlimits].name,
		    sizeof(rc->limits[0].name), "%s", t->hh.limits[i].name);
		rc->limits[rc->nlimits++].remaining = rem > 0 ? rem : 0;
	}
	/* Limited items the household has not taken this month (absent
	 * from its list): the whole limit, less what is held and taken now. */
	for (i = 0; i < t->nlines && rc->nlimits < TILL_MAX_LIMITS; i++) {
		const struct till_item *it = &t->lines[i].item;
		int64_t rem;

		if (it->monthly_limit < 0)
			continue;
		for (k = 0; k < t->hh.nlimits; k++)
			if (t->hh.limits[k].item_id == it->id)
				break;
		if (k < t->hh.nlimits)
			continue;
		rem = it->monthly_limit - it->held - t->lines[i].qty;
		snprintf(rc->limits[rc->nlimits].name,
		    sizeof(rc->limits[0].name), "%s", it->name);
		rc->limits[rc->nlimits++].remaining = rem > 0 ? rem : 0;
	}
}

#define PRINT_SHIFT_OFFLINE 200 /* offline receipts listed on the slip */

struct print_offline {
	struct app *a;
	char (*text)[96];
	const char *ptr[PRINT_SHIFT_OFFLINE + 1];
	size_t n, more;
	char rest[64];
};

/* "L-T1-3 → T1-000002", or what became of it. */
static void
print_offline_row(const struct journal_entry *e, void *arg)
{
	struct print_offline *po = arg;
	const struct till *t = &po->a->t;
	char no[64];

	if (po->n == PRINT_SHIFT_OFFLINE) {
		po->more++;
		return;
	}
	if (e->state == JOURNAL_POSTED)
		wire_reply_str(e->reply, "receipt_no", no, sizeof(no));
	else
		snprintf(no, sizeof(no), "%s",
		    e->state == JOURNAL_PENDING
		        ? till_tr(t, "待上传", "not yet posted")
		        : till_tr(t, "被拒，店长处理", "refused: manager"));
	snprintf(po->text[po->n], sizeof(po->text[0]), "L-%s-%" PRId64 " → %s",
	    po->a->o.till_id, e->seq, no[0] ? no : "?");
	po->ptr[po->n] = po->text[po->n];
	po->n++;
}

void
print_shift(struct app *a)
{
	struct print_offline po;
	struct slip_shift s;
	struct escpos *e;
	char to[32];

	memset(&s, 0, sizeof(s));
	if (journal_shift(a->j, a->shift_start, &s.distributions, &s.points,
	        &s.goods) < 0)
		return;
	if (journal_shift_apart(a->j, a->shift_start, s.voids, s.refused) < 0)
		return;
	/* Net of the voids made at this till this shift. */
	s.distributions -= s.voids[0];
	s.points -= s.voids[1];
	s.goods -= s.voids[2];
	s.pending = app_pending(a);
	s.conflicts = app_conflicts(a);
	memset(&po, 0, sizeof(po));
	po.a = a;
	if ((po.text = calloc(PRINT_SHIFT_OFFLINE, sizeof(*po.text))) == NULL)
		return;
	journal_offline_each(a->j, a->shift_start, print_offline_row, &po);
	if (po.more > 0) {
		snprintf(po.rest, sizeof(po.rest), "… +%zu", po.more);
		po.ptr[po.n++] = po.rest;
	}
	s.offline = po.ptr;
	s.noffline = po.n;
	app_now(to, sizeof(to));
	s.store = a->o.store;
	s.till = a->o.till_id;
	s.cashier = a->cashier;
	s.from = a->shift_from;
	s.to = to;
	s.lang = a->t.lang;
	till_msg(&a->t, "shift",
	    "%s %" PRId64 ", %s %" PRId64 ", %s %" PRId64 "; %s %" PRId64
	    ", %s %" PRId64,
	    till_tr(&a->t, "本班发放笔数", "distributions"), s.distributions,
	    till_tr(&a->t, "积分", "points"), s.points,
	    till_tr(&a->t, "物品件数", "goods"), s.goods,
	    till_tr(&a->t, "作废", "voided"), s.voids[0],
	    till_tr(&a->t, "离线被拒", "refused offline"), s.refused[0]);
	if (a->pr != NULL && (e = escpos_new(printer_profile(a->pr))) != NULL) {
		slip_shift(e, &s);
		print_queue(a, e);
	}
	free(po.text);
	app_changed(a);
}

size_t
print_queued(const struct app *a)
{
	const struct print_job *j;
	size_t n = 0;

	for (j = a->jobs; j != NULL; j = j->next)
		n++;
	return n;
}

int
print_open(struct app *a, char *err, size_t errsz)
{
	const struct app_opts *o = &a->o;
	struct printer_cbs pcb;

	a->print = PRINT_IDLE;
	if (strcmp(o->printer, "none") == 0) {
		snprintf(a->printer_state, sizeof(a->printer_state), "none");
		return 0;
	}
	snprintf(a->printer_state, sizeof(a->printer_state), "unknown");
	if ((a->prtimer = evtimer_new(a->base, print_timer, a)) == NULL) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	pcb.state = print_printer_cb;
	pcb.arg = a;
	/* Say which is to blame: the profile's name, or the printer (with
	 * the system's reason when it has one). */
	if (o->profile != NULL && devices_profile(o->profile) == NULL) {
		snprintf(err, errsz, "unknown --profile %s", o->profile);
		return -1;
	}
	errno = 0;
	if ((a->pr = printer_open(a->drv, o->printer, o->profile, &pcb)) ==
	    NULL) {
		snprintf(err, errsz, "cannot open --printer %s: %s", o->printer,
		    errno ? strerror(errno) : "not a printer spec");
		return -1;
	}
	snprintf(a->printer_state, sizeof(a->printer_state), "%s",
	    printer_attached(a->pr) ? "ok" : "detached");
	return 0;
}

void
print_close(struct app *a)
{
	while (a->jobs != NULL)
		print_job_pop(a);
	printer_close(a->pr);
	if (a->prtimer != NULL)
		event_free(a->prtimer);
}
