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

/*
 * Lot and quantity pairs, gathered while a query runs and written after
 * it: rows are not inserted into a table that is being read.
 */
struct distribution_lots {
	int64_t (*v)[2];
	size_t n, cap;
	int64_t want;
};

static int
distribution_lots_add(struct distribution_lots *ls, int64_t lot, int64_t n)
{
	void *p;

	if (ls->n == ls->cap) {
		ls->cap = ls->cap ? ls->cap * 2 : 16;
		if ((p = reallocarray(ls->v, ls->cap, sizeof(*ls->v))) == NULL)
			log_fatalx("out of memory");
		ls->v = p;
	}
	ls->v[ls->n][0] = lot;
	ls->v[ls->n++][1] = n;
	return 0;
}

/* Takes from each lot, first-expiring first, until the line is met. */
static int
distribution_take_lot(const void *row, void *arg)
{
	const struct db_lot *l = row;
	struct distribution_lots *ls = arg;
	int64_t n = l->on_hand < ls->want ? l->on_hand : ls->want;

	distribution_lots_add(ls, l->id, -n);
	ls->want -= n;
	return ls->want == 0;
}

static int
distribution_keep_lot(const void *row, void *arg)
{
	const int64_t *lot = row;

	return distribution_lots_add(arg, lot[0], lot[1]);
}

/* Writes one movement per gathered pair; mv carries the rest. */
static int
distribution_move(
    struct db *db, struct db_movement *mv, const struct distribution_lots *ls)
{
	size_t i;

	for (i = 0; i < ls->n; i++) {
		mv->lot_id = ls->v[i][0];
		mv->quantity = ls->v[i][1];
		if (db_movement_insert(db, mv) != DB_OK)
			return -1;
	}
	return 0;
}

/* The fault is about field of the basket's line: the caller names it. */
static int
distribution_line_fault(struct fault *f, int line, const char *field)
{
	snprintf(f->field, sizeof(f->field), "%s", field);
	fault_num(f, "line", line);
	return fault_elem(f, line);
}

/* Resolves the basket into items, merging repeated ones. */
static int
distribution_resolve(struct db *db, const struct dist_request *in,
    struct db_item *items, int64_t *qty, int *line, int *n, struct fault *f)
{
	enum barcode_sym kind;
	struct db_item it;
	char code[DB_BARCODE_MAX + 2];
	int i, j, rc;

	*n = 0;
	for (i = 0; i < in->nlines; i++) {
		if (in->lines[i].barcode[0] != '\0') {
			if (barcode_normalize(in->lines[i].barcode, code,
			        sizeof(code), &kind) != 0) {
				fault_set(f, FAULT_BAD, "bad_barcode",
				    "%s is not a valid barcode",
				    in->lines[i].barcode);
				return distribution_line_fault(f, i, "barcode");
			}
			rc = db_item_by_barcode(db, code, &it);
		} else
			rc = db_item_by_id(db, in->lines[i].item_id, &it);
		if (rc == DB_NONE) {
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "line %d: no such item", i);
			return distribution_line_fault(f, i,
			    in->lines[i].barcode[0] ? "barcode" : "item_id");
		}
		if (rc != DB_OK)
			return fault_db(f, rc);
		for (j = 0; j < *n && items[j].id != it.id; j++)
			;
		if (j == *n) {
			items[(*n)++] = it;
			qty[j] = 0;
		}
		line[j] = i; /* faults about the item name its last line */
		if (__builtin_add_overflow(
		        qty[j], in->lines[i].quantity, &qty[j]) ||
		    qty[j] > LIMIT_QUANTITY) {
			fault_set(f, FAULT_BAD, "bad_field",
			    "line %d: quantity too large", i);
			return distribution_line_fault(f, i, "quantity");
		}
	}
	return 0;
}

static int
distribution_post_tx(struct db *db, const struct actor *who,
    const struct dist_request *in, struct db_distribution *out, int *replayed,
    struct fault *f)
{
	static struct db_item items[LIMIT_LINES];
	static int64_t qty[LIMIT_LINES];
	static int at[LIMIT_LINES];
	struct db_household h;
	struct db_transfer t;
	struct db_dist_line line;
	struct db_movement mv;
	struct distribution_lots lots = {NULL, 0, 0, 0};
	char today[CLOCK_DATE_LEN];
	int64_t taken, avail, pts, total = 0, value;
	int i, n, rc;

	*replayed = 0;
	if ((rc = db_dist_by_client(db, in->client_id, out)) == DB_OK) {
		if (memcmp(out->req_hash, in->req_hash, 32) != 0)
			return fault_field(f, FAULT_CONFLICT,
			    "client_id_reused", "client_id",
			    "client_id %s was used before with another body",
			    in->client_id);
		*replayed = 1;
		return 0;
	}
	if (rc != DB_NONE)
		return fault_db(f, rc);
	if ((rc = db_household_by_card(db, in->card, &h)) != DB_OK)
		return rc == DB_NONE ? fault_field(f, FAULT_NOT_FOUND,
		                           "not_found", "household_card",
		                           "no household has card %s", in->card)
		                     : fault_db(f, rc);
	clock_today(today);
	if (!household_active(&h, today)) {
		fault_field(f, FAULT_RULE, "household_inactive",
		    "household_card",
		    "the household is %s; nothing can be "
		    "handed out",
		    household_status(&h));
		fault_num(f, "household_id", h.id);
		fault_str(f, "status", household_status(&h));
		return -1;
	}
	if (distribution_resolve(db, in, items, qty, at, &n, f) != 0)
		return -1;
	memset(out, 0, sizeof(*out));
	clock_period_now(out->period);
	for (i = 0; i < n; i++) {
		if (items[i].priority_only &&
		    household_priority(h.category) != 1) {
			fault_set(f, FAULT_RULE, "priority_only",
			    "%s is kept for priority households (特困, 应急, "
			    "因病)",
			    items[i].name);
			fault_num(f, "item_id", items[i].id);
			return distribution_line_fault(f, at[i],
			    in->lines[at[i]].barcode[0] ? "barcode"
			                                : "item_id");
		}
		if (items[i].monthly_limit > 0) {
			if (db_taken(db, h.id, items[i].id, out->period,
			        &taken) != DB_OK)
				return fault_db(f, DB_ERR);
			if (taken + qty[i] > items[i].monthly_limit) {
				fault_set(f, FAULT_RULE, "limit_exceeded",
				    "%s: %lld a month; %lld taken already, "
				    "%lld asked",
				    items[i].name,
				    (long long)items[i].monthly_limit,
				    (long long)taken, (long long)qty[i]);
				fault_num(f, "item_id", items[i].id);
				fault_num(f, "limit", items[i].monthly_limit);
				fault_num(f, "taken", taken);
				fault_num(f, "over",
				    taken + qty[i] - items[i].monthly_limit);
				return distribution_line_fault(
				    f, at[i], "quantity");
			}
		}
		if (db_stock_available(db, items[i].id, today, &avail) != DB_OK)
			return fault_db(f, DB_ERR);
		if (avail < qty[i]) {
			fault_set(f, FAULT_RULE, "insufficient_stock",
			    "%s: %lld in stock, %lld asked", items[i].name,
			    (long long)avail, (long long)qty[i]);
			fault_num(f, "item_id", items[i].id);
			fault_num(f, "available", avail);
			fault_num(f, "shortfall", qty[i] - avail);
			return distribution_line_fault(f, at[i], "quantity");
		}
		if (__builtin_mul_overflow(qty[i], items[i].points, &pts) ||
		    __builtin_add_overflow(total, pts, &total))
			return fault_set(f, FAULT_BAD, "bad_field",
			    "the basket's points overflow");
	}
	if (total > h.balance) {
		fault_field(f, FAULT_RULE, "insufficient_points", "lines",
		    "the basket needs %lld points; the household has %lld",
		    (long long)total, (long long)h.balance);
		fault_num(f, "points_total", total);
		fault_num(f, "balance", h.balance);
		fault_num(f, "shortfall", total - h.balance);
		return -1;
	}

	/* Every rule holds: write. */
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
	for (i = 0; i < n; i++) {
		memset(&line, 0, sizeof(line));
		line.distribution_id = out->id;
		line.item_id = items[i].id;
		line.quantity = qty[i];
		line.points = qty[i] * items[i].points;
		line.monthly_limit = items[i].monthly_limit;
		if (__builtin_mul_overflow(
		        qty[i], items[i].unit_value_fen, &value))
			return fault_set(f, FAULT_BAD, "bad_field",
			    "the line's value overflows");
		line.value_fen = value;
		if (db_dist_line_insert(db, &line) != DB_OK)
			return fault_db(f, DB_ERR);
		memset(&mv, 0, sizeof(mv));
		mv.item_id = items[i].id;
		memcpy(mv.kind, "distribute", sizeof("distribute"));
		memcpy(mv.reason, "distribution", sizeof("distribution"));
		mv.ref_id = line.id;
		mv.at = out->created_at;
		mv.user_id = who->user_id;
		lots.n = 0;
		lots.want = qty[i];
		if (db_lots_available(db, items[i].id, today,
		        distribution_take_lot, &lots) != DB_OK ||
		    lots.want != 0 || distribution_move(db, &mv, &lots) != 0)
			goto fail;
	}
	free(lots.v);
	if (auth_audit(db, who, "distribute", "distribution", out->id,
	        out->receipt_no) != 0)
		return fault_db(f, DB_ERR);
	return 0;
fail:
	free(lots.v);
	return fault_db(f, DB_ERR);
}

int
distribution_post(struct db *db, const struct actor *who,
    const struct dist_request *in, struct db_distribution *out, int *replayed,
    struct fault *f)
{
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (distribution_post_tx(db, who, in, out, replayed, f) != 0) {
		db_tx_rollback(db);
		return -1;
	}
	if (db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
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
	static struct distribution_lines ls;
	struct db_distribution d;
	struct db_household h;
	struct db_void had;
	struct db_transfer t;
	struct db_movement mv;
	struct distribution_lots lots = {NULL, 0, 0, 0};
	int i, rc;

	*replayed = 0;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_void_by_client(db, v->client_id, &had)) == DB_OK) {
		db_tx_rollback(db);
		if (had.distribution_id != id ||
		    memcmp(had.req_hash, v->req_hash, 32) != 0)
			return fault_field(f, FAULT_CONFLICT,
			    "client_id_reused", "client_id",
			    "client_id %s was used before with another body",
			    v->client_id);
		*v = had;
		*replayed = 1;
		return 0;
	}
	if (rc != DB_NONE)
		goto fail;
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
	ls.n = 0;
	if (db_dist_lines(db, d.id, distribution_collect, &ls) != DB_OK)
		goto fail;
	memset(&mv, 0, sizeof(mv));
	memcpy(mv.kind, "void", sizeof("void"));
	memcpy(mv.reason, "void", sizeof("void"));
	mv.at = clock_now();
	mv.user_id = who->user_id;
	for (i = 0; i < ls.n; i++) {
		/* Each lot gets back what the line took from it. */
		lots.n = 0;
		mv.item_id = ls.l[i].item_id;
		mv.ref_id = ls.l[i].id;
		if (db_dist_line_lots(
		        db, ls.l[i].id, distribution_keep_lot, &lots) != DB_OK)
			goto fail;
		if (distribution_move(db, &mv, &lots) != 0)
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
	free(lots.v);
	return 0;
fail:
	free(lots.v);
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}
