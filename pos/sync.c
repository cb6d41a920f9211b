/*
 * sync.c: confirm, post and replay.  Confirm writes the basket to the
 * journal first and only then posts it; the journal is posted one row at
 * a time, oldest first, by the same code whether the basket is live or
 * being replayed, and the server's client_id idempotency makes a repeat
 * harmless.  A row refused live stays with the cashier; refused on
 * replay it becomes a conflict for a manager.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "money.h"

int
sync_confirming(const struct app *a)
{
	return a->sync == SYNC_WAIT || a->sync == SYNC_BEHIND ||
	    a->sync == SYNC_LIVE;
}

int
sync_sending(const struct app *a)
{
	return a->sync == SYNC_REPLAY || a->sync == SYNC_BEHIND ||
	    a->sync == SYNC_LIVE;
}

/* The row in flight is answered (or failed): none is in flight now. */
static void
sync_landed(struct app *a)
{
	a->sync = a->sync == SYNC_REPLAY ? SYNC_IDLE : SYNC_WAIT;
}

/* The basket no longer waits: recorded, posted or refused. */
static void
sync_release(struct app *a)
{
	if (a->sync == SYNC_WAIT)
		a->sync = SYNC_IDLE;
	a->sync_cid[0] = '\0';
}

/* The basket is done: its receipt from the basket and the server's
 * reply, or (reply NULL) recorded offline under a local number; the row
 * seq is then still pending, to be replayed. */
static void
sync_finish(struct app *a, const struct cJSON *reply, int64_t seq)
{
	struct rcpt *rc = &a->last;

	memset(rc, 0, sizeof(*rc));
	print_rcpt_basket(a, rc);
	if (reply != NULL) {
		rc->offline = 0;
		if (rc->sale)
			wire_sale(reply, rc);
		else
			wire_distribution(reply, rc);
		if (rc->when[0] == '\0')
			app_now(rc->when, sizeof(rc->when));
	} else {
		rc->offline = 1;
		snprintf(rc->receipt_no, sizeof(rc->receipt_no),
		    "L-%s-%" PRId64, a->o.till_id, seq);
		app_now(rc->when, sizeof(rc->when));
	}
	if (rc->sale) {
		char total[MONEY_LEN];

		money_format(rc->total, total, sizeof(total));
		till_msg(&a->t, rc->offline ? "confirmed_offline" : "sold",
		    "%s %s, %s %s",
		    rc->offline
		        ? till_tr(&a->t, "已离线记录", "recorded offline")
		        : till_tr(&a->t, "已售出", "sold"),
		    rc->receipt_no, till_tr(&a->t, "合计", "total"), total);
	} else
		till_msg(&a->t, rc->offline ? "confirmed_offline" : "confirmed",
		    "%s %s, %s %" PRId64,
		    rc->offline
		        ? till_tr(&a->t, "已离线记录", "recorded offline")
		        : till_tr(&a->t, "已发放", "distributed"),
		    rc->receipt_no, till_tr(&a->t, "余额", "balance"),
		    rc->balance);
	till_cancel(&a->t);
	a->nresults = 0; /* the search was for this basket */
	sync_release(a);
	print_receipt(a, rc, 0);
}

/* The server's refusal in the till's words, with its figures. */
static void
sync_refusal_text(
    struct app *a, const struct client_reply *r, char *out, size_t size)
{
	static const char *const keys[][3] = {
	    {"limit", "taken", "over"},
	    {"points_total", "balance", ""},
	    {"available", "shortfall", ""},
	};
	struct wire_err we;
	const char *name = "";
	int64_t item, v[3] = {0, 0, 0};
	int k = 0, i, idx;

	wire_error(r->json, &we);
	if (wire_detail(r->json, "item_id", &item) == 0 &&
	    (idx = till_find(&a->t, item)) >= 0)
		name = a->t.lines[idx].item.name;
	if (strcmp(we.code, "insufficient_points") == 0)
		k = 1;
	else if (strcmp(we.code, "insufficient_stock") == 0)
		k = 2;
	for (i = 0; i < 3; i++)
		if (keys[k][i][0] != '\0')
			wire_detail(r->json, keys[k][i], &v[i]);
	if (k == 0) /* asked: the limit and what is over it, less taken */
		v[2] = v[0] + v[2] - v[1];
	else if (k == 2) /* asked: what is there and what is short */
		v[1] += v[0];
	till_refusal(&a->t, we.code, name, v, we.text, out, size);
}

static void
sync_refused(struct app *a, const struct client_reply *r)
{
	struct wire_err we;
	char text[200];

	wire_error(r->json, &we);
	sync_refusal_text(a, r, text, sizeof(text));
	till_msg(&a->t, we.code, "%s：%s",
	    till_tr(&a->t, "服务器拒绝，未发放", "refused, nothing given"),
	    text);
	sync_release(a);
}

/* The basket of client_id cid is recorded offline; 0, or -1 if its
 * journal row cannot be read back (then it is not finished). */
static int
sync_offline(struct app *a, const char *cid)
{
	struct journal_entry e;

	if (journal_get(a->j, cid, &e) != 1)
		return -1;
	sync_finish(a, NULL, e.seq);
	journal_entry_free(&e);
	return 0;
}

struct sync_call {
	struct app *a;
	char cid[37];
	int64_t seq;
};

static void
sync_sent(const struct client_reply *r, void *arg)
{
	struct sync_call *sd = arg;
	struct app *a = sd->a;
	int live = a->sync == SYNC_LIVE;
	struct wire_err we;
	int more = 0;

	sync_landed(a);
	if (r->status == 200 || r->status == 201) {
		journal_set(a->j, sd->cid, JOURNAL_POSTED, r->body);
		if (live)
			sync_finish(a, r->json, sd->seq);
		else {
			char no[64];

			/* The local number beside the server's receipt. */
			wire_reply_str(r->body, "receipt_no", no, sizeof(no));
			till_msg(&a->t, "replayed", "%s L-%s-%" PRId64 " → %s",
			    till_tr(&a->t, "离线记录已上传",
			        "offline entry posted"),
			    a->o.till_id, sd->seq, no[0] ? no : "?");
		}
		more = 1;
		net_online(a);
	} else if (!net_answered(r) || r->status == 401) {
		/* Still pending: replayed later with the same client_id. */
		if (r->status == 401) {
			client_token(a->cl, NULL);
			net_expired(a);
		} else
			net_offline(a);
		if (live)
			sync_finish(a, NULL, sd->seq);
		else if (a->sync == SYNC_WAIT &&
		    sync_offline(a, a->sync_cid) == 0)
			/* It waited behind this row: recorded offline like a
			 * live one, not left busy until the server is back. */
			app_busy_dec(a);
	} else if (live) {
		journal_set(a->j, sd->cid, JOURNAL_REFUSED, r->body);
		sync_refused(a, r);
		more = 1;
	} else {
		journal_set(a->j, sd->cid, JOURNAL_CONFLICT, r->body);
		wire_error(r->json, &we);
		till_msg(&a->t, "conflict", "%s #%" PRId64 ": %s",
		    till_tr(&a->t, "离线记录被拒绝，请店长处理",
		        "an offline entry was refused: for the manager"),
		    sd->seq, we.code);
		more = 1;
	}
	free(sd);
	if (live)
		app_busy_dec(a);
	app_changed(a);
	if (more)
		sync_pump(a);
}

static void sync_report(struct app *);

static void
sync_reported(const struct client_reply *r, void *arg)
{
	struct sync_call *sd = arg;
	struct app *a = sd->a;
	struct wire_err we;
	int more = 0;

	a->reporting = 0;
	if (r->status == 200 || r->status == 201) {
		journal_reported(a->j, sd->cid, 1);
		till_msg(&a->t, "conflict_reported", "L-%s-%" PRId64 " %s",
		    a->o.till_id, sd->seq,
		    till_tr(&a->t, "离线冲突已报店长处理",
		        "conflict reported to the manager"));
		more = 1;
	} else if (r->status == 401) {
		client_token(a->cl, NULL);
		net_expired(a);
	} else if (!net_answered(r)) {
		net_offline(a);
	} else {
		/* Refused (posted after all, or not a basket it knows): kept
		 * here for --list-conflicts, not sent again. */
		journal_reported(a->j, sd->cid, 2);
		wire_error(r->json, &we);
		till_msg(&a->t, we.code, "L-%s-%" PRId64 ": %s", a->o.till_id,
		    sd->seq, we.text);
		more = 1;
	}
	free(sd);
	app_changed(a);
	if (more)
		sync_report(a);
}

/* Upload the oldest conflict not yet reported, one at a time: the goods
 * left the shop, the server must know. */
static void
sync_report(struct app *a)
{
	struct journal_entry e;
	struct sync_call *sd;
	char local[64], *body;

	if (a->reporting || !client_has_token(a->cl) || !net_up(a) ||
	    journal_unreported(a->j, &e) != 1)
		return;
	if (e.card[0] == '\0') {
		/* A sale (no card) refused on replay: not a basket the server
		 * takes as a conflict; kept for --list-conflicts. */
		journal_reported(a->j, e.client_id, 2);
		till_msg(&a->t, "sale_conflict", "L-%s-%" PRId64 " %s",
		    a->o.till_id, e.seq,
		    till_tr(&a->t, "离线义卖被拒绝，请店长处理",
		        "an offline sale was refused: for the manager"));
		journal_entry_free(&e);
		sync_report(a);
		return;
	}
	snprintf(local, sizeof(local), "L-%s-%" PRId64, a->o.till_id, e.seq);
	body = wire_conflict_req(e.body, local, e.reply);
	if (body == NULL || (sd = calloc(1, sizeof(*sd))) == NULL) {
		free(body);
		journal_entry_free(&e);
		return;
	}
	sd->a = a;
	sd->seq = e.seq;
	memcpy(sd->cid, e.client_id, sizeof(sd->cid));
	journal_entry_free(&e);
	a->reporting = 1;
	if (client_req(a->cl, "POST", "/api/v1/offline-conflicts", body,
	        sync_reported, sd) < 0) {
		struct client_reply r = {0};

		sync_reported(&r, sd);
	}
	free(body);
}

/* Send the oldest unsent journal row, one at a time, in order; then
 * report the conflicts. */
void
sync_pump(struct app *a)
{
	struct journal_entry e;
	struct sync_call *sd;

	if ((a->sync != SYNC_IDLE && a->sync != SYNC_WAIT) ||
	    !client_has_token(a->cl) || !net_up(a))
		return;
	if (journal_next(a->j, &e) != 1) {
		sync_report(a);
		return;
	}
	if ((sd = calloc(1, sizeof(*sd))) == NULL) {
		journal_entry_free(&e);
		return;
	}
	sd->a = a;
	sd->seq = e.seq;
	memcpy(sd->cid, e.client_id, sizeof(sd->cid));
	if (a->sync == SYNC_IDLE)
		a->sync = SYNC_REPLAY;
	else
		a->sync = strcmp(e.client_id, a->sync_cid) == 0 ? SYNC_LIVE
		                                                : SYNC_BEHIND;
	/* A row without a card is a charity sale. */
	if (client_req(a->cl, "POST",
	        e.card[0] == '\0' ? "/api/v1/sales" : "/api/v1/distributions",
	        e.body, sync_sent, sd) < 0) {
		struct client_reply r = {0};

		sync_sent(&r, sd);
	}
	journal_entry_free(&e);
}

void
sync_confirm(struct app *a)
{
	struct till *t = &a->t;
	char *body = NULL, cid[37];

	if (sync_confirming(a) || till_can_confirm(t) != 0)
		goto out;
	wire_uuid(cid);
	if (t->sale)
		body = wire_sale_req(cid, a->o.till_id, t->lines, t->nlines,
		    t->pay_method, t->pay_ref);
	else
		body = wire_distribution_req(
		    cid, a->o.till_id, t->hh.card, t->lines, t->nlines);
	if (body == NULL)
		goto out;
	/* Durable before anything is sent: nothing confirmed is lost. A
	 * sale's row has no card (and no points). */
	if (journal_add(a->j, cid, t->sale ? "" : t->hh.card, body, !net_up(a),
	        t->sale ? 0 : till_total(t), till_goods(t), t->lines, t->nlines,
	        (int64_t)time(NULL)) < 0) {
		till_msg(t, "journal_failed", "%s: %s",
		    till_tr(t, "本地记录失败，未发放",
		        "could not write the journal, nothing given"),
		    journal_error(a->j));
		goto out;
	}
	if (!net_up(a) || !client_has_token(a->cl)) {
		sync_offline(a, cid);
		net_probe_soon(a);
		goto out;
	}
	a->sync = a->sync == SYNC_REPLAY ? SYNC_BEHIND : SYNC_WAIT;
	memcpy(a->sync_cid, cid, sizeof(cid));
	app_busy_inc(a);
	sync_pump(a);
out:
	free(body);
	app_changed(a);
}

static void
sync_conflict_line(const struct journal_entry *e, void *arg)
{
	char *s;

	(void)arg;
	if ((s = wire_conflict(e)) != NULL)
		printf("%s\n", s);
	free(s);
}

int
sync_conflicts(struct app *a)
{
	return journal_conflicts(a->j, sync_conflict_line, a);
}
