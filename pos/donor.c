/*
 * donor.c: the donor-receipt chain.  The donation, then its donor (the
 * donors come as a list only: paged through), for cash its fund, for
 * goods each item's name (once an item), one request at a time; then
 * the paper, through the print queue.  Any step that fails says why and
 * ends the chain; nothing is half printed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"
#include "app.h"

#define DONOR_PAGES 100 /* of donors (500 a page) looked through */

/* A donor receipt on its way; a->don while it is. */
struct donor {
	struct app *a;
	int64_t id;
	struct wire_donation w;
	char donor[256], fund[256], purpose[256];
	size_t next; /* the line whose item name is asked next */
	int pages;   /* of donors asked */
};

static void donor_item(struct donor *);

static void
donor_end(struct donor *d)
{
	struct app *a = d->a;

	a->don = NULL;
	donor_free(d);
	app_changed(a);
	app_busy_dec(a);
}

/* A request of the chain did not give what it needed: say why, stop. */
static void
donor_fail(struct donor *d, const struct client_reply *r)
{
	struct app *a = d->a;
	struct till *t = &a->t;
	struct wire_err we;

	if (r->status == 403)
		till_msg(t, "forbidden", "%s",
		    till_tr(t, "打印捐赠收据需要店长或管理员登录",
		        "a donor receipt needs a manager or admin to log in"));
	else if (r->status == 401)
		net_expired(a);
	else if (!net_answered(r)) {
		net_offline(a);
		till_msg(t, "server_unreachable", "%s",
		    till_tr(t, "无法连接服务器，捐赠收据未打印",
		        "cannot reach the server: no donor receipt printed"));
	} else if (r->status == 200)
		till_msg(t, "bad_reply", "%s",
		    till_tr(t, "服务器的回答无法读取，捐赠收据未打印",
		        "the server's answer cannot be read: nothing printed"));
	else {
		wire_error(r->json, &we);
		till_msg(t, we.code, "%s %s",
		    till_tr(t, "捐赠收据未打印:", "no donor receipt:"),
		    we.text);
	}
	donor_end(d);
}

static void
donor_print(struct donor *d)
{
	struct app *a = d->a;
	struct slip_gift *g;
	struct slip_donation s;
	struct escpos *e;
	size_t i;

	if ((g = calloc(d->w.nlines + 1, sizeof(*g))) == NULL ||
	    (e = escpos_new(printer_profile(a->pr))) == NULL) {
		free(g);
		donor_end(d);
		return;
	}
	for (i = 0; i < d->w.nlines; i++) {
		g[i].name = d->w.lines[i].name;
		g[i].qty = d->w.lines[i].qty;
		g[i].unit_value_fen = d->w.lines[i].unit_value_fen;
	}
	memset(&s, 0, sizeof(s));
	s.store = a->o.store;
	s.receipt_code = d->w.code;
	s.address = a->store.address;
	s.donor = d->donor;
	s.date = d->w.date;
	s.lines = g;
	s.nlines = d->w.nlines;
	s.cash_fen = d->w.cash_fen;
	s.fund = d->fund;
	s.purpose = d->purpose;
	slip_donation(e, &s);
	free(g);
	if (escpos_error(e) != 0) {
		till_msg(&a->t, "bad_reply", "%s",
		    till_tr(&a->t, "捐赠收据无法排版，未打印",
		        "the donor receipt cannot be laid out: nothing "
		        "printed"));
		escpos_free(e);
	} else {
		till_msg(&a->t, "donation_receipt", "%s %s",
		    till_tr(&a->t, "打印捐赠收据", "printing donor receipt"),
		    d->w.code);
		print_queue(a, e);
	}
	donor_end(d);
}

static void
donor_item_done(const struct client_reply *r, void *arg)
{
	struct donor *d = arg;
	struct wire_gift *l = &d->w.lines[d->next];

	if (r->status != 200 ||
	    wire_strcpy(r->json, "name", l->name, sizeof(l->name)) < 0) {
		donor_fail(d, r);
		return;
	}
	d->next++;
	donor_item(d);
}

/* The name of each line's item (once an item), then the paper. */
static void
donor_item(struct donor *d)
{
	struct client_reply none = {0};
	char path[64];
	size_t k;

	for (; d->next < d->w.nlines; d->next++) {
		struct wire_gift *l = &d->w.lines[d->next];

		for (k = 0; k < d->next; k++)
			if (d->w.lines[k].item_id == l->item_id)
				break;
		if (k == d->next)
			break;
		memcpy(l->name, d->w.lines[k].name, sizeof(l->name));
	}
	if (d->next == d->w.nlines) {
		donor_print(d);
		return;
	}
	snprintf(path, sizeof(path), "/api/v1/items/%" PRId64,
	    d->w.lines[d->next].item_id);
	if (client_req(d->a->cl, "GET", path, NULL, donor_item_done, d) < 0)
		donor_fail(d, &none);
}

static void
donor_funds_done(const struct client_reply *r, void *arg)
{
	struct donor *d = arg;

	if (r->status != 200) {
		donor_fail(d, r);
		return;
	}
	if (wire_listed(r->json, d->w.fund_id, d->fund, sizeof(d->fund),
	        d->purpose, sizeof(d->purpose)) == 0) {
		donor_print(d);
		return;
	}
	till_msg(&d->a->t, "unknown_fund", "%s %" PRId64,
	    till_tr(&d->a->t, "服务器没有这笔捐赠的资金:",
	        "the server lists no fund with id"),
	    d->w.fund_id);
	donor_end(d);
}

static void donor_donors(struct donor *, const char *cursor);

static void
donor_donors_done(const struct client_reply *r, void *arg)
{
	struct donor *d = arg;
	struct client_reply none = {0};
	char next[256];

	if (r->status != 200) {
		donor_fail(d, r);
		return;
	}
	if (wire_listed(r->json, d->w.donor_id, d->donor, sizeof(d->donor),
	        NULL, 0) == 0) {
		if (d->w.cash_fen == 0)
			donor_item(d);
		else if (client_req(d->a->cl, "GET", "/api/v1/funds", NULL,
		             donor_funds_done, d) < 0)
			donor_fail(d, &none);
		return;
	}
	if (wire_next(r->json, next, sizeof(next)) && d->pages < DONOR_PAGES) {
		donor_donors(d, next);
		return;
	}
	till_msg(&d->a->t, "unknown_donor", "%s %" PRId64,
	    till_tr(&d->a->t, "服务器没有这笔捐赠的捐赠方:",
	        "the server lists no donor with id"),
	    d->w.donor_id);
	donor_end(d);
}

/* Donors come as a list only: page through it to the donation's. */
static void
donor_donors(struct donor *d, const char *cursor)
{
	struct client_reply none = {0};
	char path[1024];

	d->pages++;
	client_page("/api/v1/donors", cursor, path, sizeof(path));
	if (client_req(d->a->cl, "GET", path, NULL, donor_donors_done, d) < 0)
		donor_fail(d, &none);
}

static void
donor_got(const struct client_reply *r, void *arg)
{
	struct donor *d = arg;
	struct till *t = &d->a->t;

	if (r->status == 404) {
		till_msg(t, "unknown_donation", "%s %" PRId64,
		    till_tr(t, "没有这笔捐赠:", "no donation has id"), d->id);
		donor_end(d);
		return;
	}
	if (r->status != 200 || wire_donation(r->json, &d->w) < 0) {
		donor_fail(d, r);
		return;
	}
	net_online(d->a);
	donor_donors(d, NULL);
}

void
donor_start(struct app *a, int64_t id)
{
	struct till *t = &a->t;
	struct client_reply none = {0};
	struct donor *d;
	char path[64];

	if (t->stage == TILL_LOGIN)
		till_msg(t, "login_first", "%s",
		    till_tr(t, "请先登录", "log in first"));
	else if (a->pr == NULL)
		till_msg(t, "no_printer", "%s",
		    till_tr(t, "没有打印机，无法打印捐赠收据",
		        "no printer: cannot print a donor receipt"));
	else if (a->don != NULL)
		till_msg(t, "busy", "%s",
		    till_tr(t, "上一张捐赠收据还在准备，请稍候",
		        "the last donor receipt is still on its way: wait"));
	else if ((d = calloc(1, sizeof(*d))) != NULL) {
		d->a = a;
		d->id = id;
		a->don = d;
		app_busy_inc(a);
		snprintf(path, sizeof(path), "/api/v1/donations/%" PRId64, id);
		if (client_req(a->cl, "GET", path, NULL, donor_got, d) < 0)
			donor_fail(d, &none);
		return;
	}
	app_changed(a);
}

void
donor_free(struct donor *d)
{
	free(d);
}
