/*
 * A distribution at the till: the household's card, the basket, every
 * rule checked (active household, priority-only items, monthly limits,
 * unexpired stock first-expiring-first-out, points), then the rows: the
 * distribution, its lines, the stock movements and the points transfer.
 * It runs in a transaction of its own (a savepoint when the group commit
 * holds one), so it posts whole or not at all. Voids put goods and points
 * back by new rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* An item of the basket while it is checked, beside its struct
 * basket_item (basket_resolve). */
struct distribution_item {
	struct db_item it;
	int64_t taken; /* this period, if it has a monthly limit */
};

/* Looks a line's item up for basket_resolve. */
struct distribution_find {
	struct db *db;
	int64_t household;
	const char *period;
	struct distribution_item *items;
};

static int
distribution_find(void *arg, int k, const char *code, int64_t id, int64_t *item)
{
	struct distribution_find *a = arg;
	struct distribution_item *x = &a->items[k];
	int rc;

	rc = db_dist_item(
	    a->db, code, id, a->household, a->period, &x->it, &x->taken);
	*item = x->it.id;
	return rc;
}

/*
 * The item's rules: priority, the monthly limit, stock. Its lots are
 * taken here, into r->lots, so that stock is read once; nothing is
 * written until every line passes.
 */
static int
distribution_check(struct db *db, const struct dist_request *in,
    const struct db_household *h, const char *today,
    const struct distribution_item *x, const struct basket_item *b,
    struct dist_line_out *out, struct dist_result *r, struct fault *f)
{
	struct basket_take t = {&r->lots, b->qty};
	int64_t avail;

	if (in->override)
		goto stock; /* goods that left: only the stock is asked */
	if (!x->it.active) {
		fault_set(f, FAULT_RULE, "item_inactive",
		    "%s is retired; a manager can take it back into use",
		    x->it.name);
		fault_num(f, "item_id", x->it.id);
		return basket_line_fault(
		    f, b->line, basket_line_field(in->lines, b->line));
	}
	if (x->it.priority_only && household_priority(h->category) != 1) {
		fault_set(f, FAULT_RULE, "priority_only",
		    "%s is kept for priority households (特困, 应急, 因病)",
		    x->it.name);
		fault_num(f, "item_id", x->it.id);
		return basket_line_fault(
		    f, b->line, basket_line_field(in->lines, b->line));
	}
	if (x->it.monthly_limit > 0 &&
	    x->taken + b->qty > x->it.monthly_limit) {
		fault_set(f, FAULT_RULE, "limit_exceeded",
		    "%s: %lld a month; %lld taken already, %lld asked",
		    x->it.name, (long long)x->it.monthly_limit,
		    (long long)x->taken, (long long)b->qty);
		fault_num(f, "item_id", x->it.id);
		fault_num(f, "limit", x->it.monthly_limit);
		fault_num(f, "taken", x->taken);
		fault_num(f, "over", x->taken + b->qty - x->it.monthly_limit);
		return basket_line_fault(f, b->line, "quantity");
	}
stock:
	out->lot0 = r->lots.n;
	if (db_dist_lots(db, x->it.id, today, basket_take_lot, &t) != DB_OK)
		return fault_db(f, DB_ERR);
	if (t.want > 0) {
		/* Every lot was read and taken whole: that is the stock. */
		avail = b->qty - t.want;
		fault_set(f, FAULT_RULE, "insufficient_stock",
		    "%s: %lld in stock, %lld asked", x->it.name,
		    (long long)avail, (long long)b->qty);
		fault_num(f, "item_id", x->it.id);
		fault_num(f, "available", avail);
		fault_num(f, "shortfall", t.want);
		return basket_line_fault(f, b->line, "quantity");
	}
	out->nlots = r->lots.n - out->lot0;
	out->item_id = x->it.id;
	memcpy(out->name, x->it.name, sizeof(out->name));
	out->quantity = b->qty;
	if (__builtin_mul_overflow(b->qty, x->it.points, &out->points))
		return fault_set(
		    f, FAULT_BAD, "bad_field", "the basket's points overflow");
	if (__builtin_mul_overflow(
	        b->qty, x->it.unit_value_fen, &out->value_fen))
		return fault_set(
		    f, FAULT_BAD, "bad_field", "the line's value overflows");
	return 0;
}

/*
 * Writes the lines and a movement per lot each takes from, in the
 * basket's order, and all that follows from them and from the transfer t
 * (NULL: no points), through db_redeem_write.
 */
static int
distribution_write_lines(struct db *db, const struct actor *who,
    const struct dist_result *r, const struct distribution_item *items, int n,
    const struct db_transfer *t)
{
	struct db_redeem w;
	struct db_dist_line *line;
	struct db_movement *mv;
	const struct dist_line_out *out;
	const char **cats;
	int64_t *uv;
	int *mvline;
	int i, rc = -1;
	size_t l, k = 0;

	line = calloc((size_t)n, sizeof(*line));
	cats = calloc((size_t)n, sizeof(*cats));
	mv = calloc(r->lots.n, sizeof(*mv));
	uv = calloc(r->lots.n, sizeof(*uv));
	mvline = calloc(r->lots.n, sizeof(*mvline));
	if (line == NULL || cats == NULL || mv == NULL || uv == NULL ||
	    mvline == NULL)
		log_fatalx("out of memory");
	for (i = 0; i < n; i++) {
		out = &r->lines[i];
		line[i].distribution_id = r->d.id;
		line[i].item_id = out->item_id;
		line[i].quantity = out->quantity;
		line[i].points = out->points;
		line[i].value_fen = out->value_fen;
		line[i].monthly_limit = items[i].it.monthly_limit;
		cats[i] = items[i].it.category;
		for (l = out->lot0; l < out->lot0 + out->nlots; l++, k++) {
			mv[k].item_id = out->item_id;
			memcpy(mv[k].kind, "distribute", sizeof("distribute"));
			memcpy(mv[k].reason, "distribution",
			    sizeof("distribution"));
			mvline[k] = i;
			mv[k].at = r->d.created_at;
			mv[k].user_id = who->user_id;
			mv[k].lot_id = r->lots.v[l].lot_id;
			mv[k].quantity = -r->lots.v[l].quantity;
			uv[k] = r->lots.v[l].unit_value_fen;
		}
	}
	w = (struct db_redeem){&r->d, t, line, cats, n, mv, mvline, uv, (int)k};
	if (db_redeem_write(db, &w) == DB_OK)
		rc = 0;
	free(line);
	free(cats);
	free(mv);
	free(mvline);
	free(uv);
	return rc;
}

/*
 * An override's points the balance lacks: taken off the lines from the
 * last, so that the lines still sum to what the household paid, and kept
 * in r->shortfall. Its lines carry no monthly limit: none applied.
 */
static void
distribution_short(struct dist_result *r, struct distribution_item *items,
    int n, int64_t lack, int64_t *total)
{
	int64_t cut;
	int i;

	r->shortfall = lack;
	*total -= lack;
	for (i = n - 1; i >= 0 && lack > 0; i--) {
		cut = r->lines[i].points < lack ? r->lines[i].points : lack;
		r->lines[i].points -= cut;
		lack -= cut;
	}
	for (i = 0; i < n; i++)
		items[i].it.monthly_limit = 0;
}

static int
distribution_post_tx(struct db *db, const struct actor *who,
    const struct dist_request *in, struct dist_result *r,
    struct distribution_item *items, struct basket_item *b, int *replayed,
    struct fault *f)
{
	struct db_distribution *out = &r->d;
	struct distribution_find find = {db, 0, NULL, items};
	struct db_household h;
	struct db_transfer t;
	char today[CLOCK_DATE_LEN], period[sizeof(out->period)];
	int64_t total = 0;
	int i, n, rc;

	rc = db_dist_by_client(db, in->client_id, out);
	if (replay_check(rc, out->req_hash, in->req_hash, 1, in->client_id,
	        replayed, f) != 0 ||
	    *replayed)
		return *replayed ? 0 : -1;
	if ((rc = db_household_by_card(db, in->card, &h)) != DB_OK)
		return rc == DB_NONE ? fault_field(f, FAULT_NOT_FOUND,
		                           "not_found", "household_card",
		                           "no household has card %s", in->card)
		                     : fault_db(f, rc);
	clock_today(today);
	if (!in->override && !household_active(&h, today)) {
		fault_field(f, FAULT_RULE, "household_inactive",
		    "household_card",
		    "the household is %s; nothing can be "
		    "handed out",
		    household_status(&h));
		fault_num(f, "household_id", h.id);
		fault_str(f, "status", household_status(&h));
		return -1;
	}
	clock_period_now(period);
	find.household = h.id;
	find.period = period;
	if (basket_resolve(
	        in->lines, in->nlines, distribution_find, &find, b, &n, f) != 0)
		return -1;
	r->nlines = 0;
	for (i = 0; i < n; i++) {
		if (distribution_check(db, in, &h, today, &items[i], &b[i],
		        &r->lines[i], r, f) != 0)
			return -1;
		r->nlines++;
		if (__builtin_add_overflow(total, r->lines[i].points, &total))
			return fault_set(f, FAULT_BAD, "bad_field",
			    "the basket's points overflow");
	}
	if (total > h.balance && in->override)
		distribution_short(r, items, n, total - h.balance, &total);
	if (total > h.balance) {
		fault_field(f, FAULT_RULE, "insufficient_points", "lines",
		    "the basket needs %lld points; the household has %lld",
		    (long long)total, (long long)h.balance);
		fault_num(f, "points_total", total);
		fault_num(f, "balance", h.balance);
		fault_num(f, "shortfall", total - h.balance);
		return -1;
	}

	if (in->override)
		for (i = 0; i < n; i++)
			items[i].it.monthly_limit = 0;
	/* Every rule holds: write. */
	memset(out, 0, sizeof(*out));
	memcpy(out->period, period, sizeof(out->period));
	snprintf(out->client_id, sizeof(out->client_id), "%s", in->client_id);
	memcpy(out->req_hash, in->req_hash, 32);
	snprintf(out->till_id, sizeof(out->till_id), "%s", in->till_id);
	out->household_id = h.id;
	memcpy(out->hcategory, h.category, sizeof(out->hcategory));
	out->points_total = total;
	out->points_balance = h.balance - total;
	out->user_id = who->user_id;
	out->created_at = clock_now();
	if (db_till_next(db, in->till_id, &out->receipt_seq) != DB_OK)
		return fault_db(f, DB_ERR);
	snprintf(out->receipt_no, sizeof(out->receipt_no), "%s-%06lld",
	    in->till_id, (long long)out->receipt_seq);
	if (total > 0) {
		memset(&t, 0, sizeof(t));
		t.debit_account = h.account_id;
		t.credit_account = DB_ACCOUNT_REDEEMED;
		t.amount = total;
		memcpy(t.kind, "redeem", sizeof("redeem"));
		t.household_id = h.id;
		memcpy(t.period, out->period, sizeof(t.period));
		snprintf(
		    t.reason, sizeof(t.reason), "receipt %s", out->receipt_no);
		t.at = out->created_at;
		t.user_id = who->user_id;
		if (db_transfer_insert(db, &t) != DB_OK)
			return fault_db(f, DB_ERR);
		out->transfer_id = t.id;
	}
	if (db_dist_insert(db, out) != DB_OK)
		return fault_db(f, DB_ERR);
	if (distribution_write_lines(
	        db, who, r, items, n, total > 0 ? &t : NULL) != 0)
		return fault_db(f, DB_ERR);
	if (auth_audit(db, who, "distribute", "distribution", out->id,
	        out->receipt_no) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

static int
distribution_post_own(struct db *db, const struct actor *who,
    const struct dist_request *in, struct dist_result *r, int *replayed,
    struct fault *f, int own)
{
	struct distribution_item *items;
	struct basket_item *b;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (in->nlines < 0 || in->nlines > LIMIT_LINES)
		return fault_set(f, FAULT_BAD, "bad_field", "too many lines");
	/* Per call, sized to the basket: a till's basket is a few lines. */
	if ((items = calloc((size_t)in->nlines + 1, sizeof(*items))) == NULL ||
	    (b = calloc((size_t)in->nlines + 1, sizeof(*b))) == NULL ||
	    (r->lines = calloc((size_t)in->nlines + 1, sizeof(*r->lines))) ==
	        NULL)
		log_fatalx("out of memory");
	if (own && db_tx_begin(db) != DB_OK) {
		fault_db(f, DB_ERR);
		goto done;
	}
	if (distribution_post_tx(db, who, in, r, items, b, replayed, f) != 0) {
		if (own)
			db_tx_rollback(db);
		goto done;
	}
	if (own && db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		fault_db(f, DB_ERR);
		goto done;
	}
	if (*replayed)
		r->nlines = 0;
	rc = 0;
done:
	free(items);
	free(b);
	return rc;
}

/*
 * Posts the basket and keeps in r what it wrote (r->d alone when it
 * replays); r is zeroed first and freed by distribution_result_free,
 * whatever the outcome.
 */
int
distribution_post_result(struct db *db, const struct actor *who,
    const struct dist_request *in, struct dist_result *r, int *replayed,
    struct fault *f)
{
	return distribution_post_own(db, who, in, r, replayed, f, 1);
}

/* The same where the caller holds the transaction (and undoes it on -1). */
int
distribution_post_nested(struct db *db, const struct actor *who,
    const struct dist_request *in, struct dist_result *r, int *replayed,
    struct fault *f)
{
	return distribution_post_own(db, who, in, r, replayed, f, 0);
}

void
distribution_result_free(struct dist_result *r)
{
	if (r == NULL)
		return;
	free(r->lines);
	free(r->lots.v);
	r->lines = NULL;
	r->lots.v = NULL;
	r->nlines = 0;
	r->lots.n = r->lots.cap = 0;
}

/* As distribution_post_result, for callers that need only the row. */
int
distribution_post(struct db *db, const struct actor *who,
    const struct dist_request *in, struct db_distribution *out, int *replayed,
    struct fault *f)
{
	struct dist_result r;
	int rc;

	rc = distribution_post_result(db, who, in, &r, replayed, f);
	if (rc == 0)
		*out = r.d;
	distribution_result_free(&r);
	return rc;
}

/* Lines are read first: a statement is not stepped while it is reused. */
struct distribution_lines {
	struct db_dist_line l[LIMIT_LINES];
	int n;
};

static int
distribution_collect(const void *row, void *arg)
{
	struct distribution_lines *ls = arg;

	if (ls->n == LIMIT_LINES)
		return 1;
	ls->l[ls->n++] = *(const struct db_dist_line *)row;
	return 0;
}

int
distribution_void(struct db *db, const struct actor *who, int64_t id,
    struct db_void *v, int *replayed, struct fault *f)
{
	struct distribution_lines *ls = NULL;
	struct db_distribution d;
	struct db_household h;
	struct db_void had;
	struct db_transfer t;
	struct db_movement mv;
	struct basket_lots lots = {NULL, 0, 0};
	int i, rc;

	*replayed = 0;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_void_by_client(db, v->client_id, &had);
	if (replay_check(rc, had.req_hash, v->req_hash,
	        rc == DB_OK && had.distribution_id == id, v->client_id,
	        replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*v = had;
		return *replayed ? 0 : -1;
	}
	if ((rc = db_dist_by_id(db, id, &d)) != DB_OK) {
		if (rc != DB_NONE)
			goto fail;
		db_tx_rollback(db);
		return fault_set(f, FAULT_NOT_FOUND, "not_found",
		    "no distribution %lld", (long long)id);
	}
	if (d.void_id != 0) {
		db_tx_rollback(db);
		fault_set(f, FAULT_CONFLICT, "conflict",
		    "distribution %s is voided already", d.receipt_no);
		fault_num(f, "void_id", d.void_id);
		return -1;
	}
	if (db_household_by_id(db, d.household_id, &h) != DB_OK)
		goto fail;
	/* Per call: a distribution may have LIMIT_LINES lines. */
	if ((ls = malloc(sizeof(*ls))) == NULL)
		log_fatalx("out of memory");
	ls->n = 0;
	if (db_dist_lines(db, d.id, distribution_collect, ls) != DB_OK)
		goto fail;
	memset(&mv, 0, sizeof(mv));
	memcpy(mv.kind, "void", sizeof("void"));
	memcpy(mv.reason, "void", sizeof("void"));
	mv.at = clock_now();
	mv.user_id = who->user_id;
	for (i = 0; i < ls->n; i++) {
		/* Each lot gets back what the line took from it. */
		lots.n = 0;
		mv.item_id = ls->l[i].item_id;
		mv.ref_id = ls->l[i].id;
		if (db_dist_line_lots(
		        db, ls->l[i].id, basket_keep_lot, &lots) != DB_OK)
			goto fail;
		if (basket_move(db, &mv, &lots) != 0)
			goto fail;
	}
	v->transfer_id = 0;
	if (d.points_total > 0) {
		memset(&t, 0, sizeof(t));
		t.debit_account = DB_ACCOUNT_REDEEMED;
		t.credit_account = h.account_id;
		t.amount = d.points_total;
		memcpy(t.kind, "void", sizeof("void"));
		t.household_id = h.id;
		snprintf(t.reason, sizeof(t.reason), "void of receipt %s",
		    d.receipt_no);
		t.ref_id = d.id;
		t.at = mv.at;
		t.user_id = who->user_id;
		if (db_transfer_insert(db, &t) != DB_OK)
			goto fail;
		v->transfer_id = t.id;
	}
	v->distribution_id = d.id;
	v->user_id = who->user_id;
	v->created_at = mv.at;
	if (db_void_insert(db, v) != DB_OK ||
	    auth_audit(db, who, "void", "distribution", d.id, v->reason) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	free(ls);
	free(lots.v);
	return 0;
fail:
	free(ls);
	free(lots.v);
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}
