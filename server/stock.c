/*
 * The goods ledger's rules: items and their barcodes, donors, donations
 * (each line a lot, filled by a receive movement), and adjustments that
 * never take a lot below zero. Every write is one transaction with its
 * audit row; a write with a client_id happens once, however often sent.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

static const char *const stock_reasons[] = {
    "expired", "damaged", "lost", "count_correction", NULL};

/* Commits, or rolls back and reports the failure. */
static int
stock_commit(struct db *db, struct fault *f)
{
	if (db_tx_commit(db) == DB_OK)
		return 0;
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}

static int
stock_abort(struct db *db, struct fault *f, int rc)
{
	db_tx_rollback(db);
	return rc == 0 ? fault_db(f, DB_ERR) : -1;
}

int
stock_item_create(
    struct db *db, const struct actor *who, struct db_item *it, struct fault *f)
{
	enum barcode_sym kind;
	char codes[DB_BARCODES_MAX][DB_BARCODE_MAX];
	int i, j, rc;

	for (i = 0; i < it->nbarcodes; i++) {
		if (barcode_normalize(it->barcodes[i], codes[i],
		        sizeof(codes[i]), &kind) != 0) {
			fault_set(f, FAULT_BAD, "bad_barcode",
			    "%s is not a valid barcode (check digit or "
			    "characters)",
			    it->barcodes[i]);
			fault_str(f, "barcode", it->barcodes[i]);
			return fault_elem(f, i);
		}
		for (j = 0; j < i; j++)
			if (strcmp(codes[j], codes[i]) == 0) {
				fault_set(f, FAULT_BAD, "bad_field",
				    "barcode %s is listed twice",
				    it->barcodes[i]);
				return fault_elem(f, i);
			}
	}
	memcpy(it->barcodes, codes, sizeof(codes));
	it->created_at = clock_now();
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_item_insert(db, it)) != DB_OK)
		return stock_abort(db, f, fault_db(f, rc));
	for (i = 0; i < it->nbarcodes; i++) {
		rc = db_barcode_insert(db, it->barcodes[i], it->id);
		if (rc == DB_CONFLICT) {
			fault_set(f, FAULT_CONFLICT, "conflict",
			    "barcode %s belongs to another item already",
			    it->barcodes[i]);
			return stock_abort(db, f, fault_elem(f, i));
		}
		if (rc != DB_OK)
			return stock_abort(db, f, 0);
	}
	if (auth_audit(db, who, "create", "item", it->id, it->name) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

int
stock_donor_create(
    struct db *db, const struct actor *who, struct db_donor *d, struct fault *f)
{
	d->created_at = clock_now();
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (db_donor_insert(db, d) != DB_OK ||
	    auth_audit(db, who, "create", "donor", d->id, d->kind) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

/* JZ + the day received + six random characters: unique, unguessable. */
void
stock_receipt_code(const char *day, char *out, size_t size)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char r[6];
	char tail[7];
	int i;

	randombytes_buf(r, sizeof(r));
	for (i = 0; i < 6; i++)
		tail[i] = alphabet[r[i] & 31];
	tail[6] = '\0';
	snprintf(out, size, "JZ%.4s%.2s%.2s-%s", day, day + 5, day + 8, tail);
}

/*
 * Lots for lines of a donation or a purchase, each filled by its receive
 * movement, inside the caller's transaction. A refusal sets f; a
 * database failure leaves f->kind FAULT_NONE.
 */
int
stock_lots_add(struct db *db, const struct actor *who, const char *source,
    int64_t donation, int64_t expense, const char *received_on,
    const struct stock_line *lines, int n, int64_t at, struct fault *f)
{
	struct db_item it;
	struct db_lot lot;
	struct db_movement mv;
	int64_t value, total, on_hand;
	int i, rc;

	for (i = 0; i < n; i++) {
		if ((rc = db_item_by_id(db, lines[i].item_id, &it)) != DB_OK) {
			if (rc != DB_NONE)
				return -1;
			fault_field(f, FAULT_NOT_FOUND, "not_found", "item_id",
			    "no item %lld", (long long)lines[i].item_id);
			return fault_elem(f, i);
		}
		if (!it.active) {
			fault_field(f, FAULT_RULE, "item_inactive", "item_id",
			    "%s is retired; a manager can take it back into "
			    "use",
			    it.name);
			return fault_elem(f, i);
		}
		memset(&lot, 0, sizeof(lot));
		lot.item_id = it.id;
		snprintf(lot.source, sizeof(lot.source), "%s", source);
		lot.donation_id = donation;
		lot.expense_id = expense;
		/* Bought goods are never sold: fund money stays charity's. */
		lot.sale_allowed =
		    donation != 0 ? lines[i].sale_allowed != 0 : 0;
		lot.quantity = lines[i].quantity;
		lot.unit_value_fen = lines[i].unit_value_fen >= 0
		    ? lines[i].unit_value_fen
		    : it.unit_value_fen;
		if (db_stock_of(db, it.id, &on_hand, &total) != DB_OK)
			return -1;
		if (__builtin_mul_overflow(
		        lot.quantity, lot.unit_value_fen, &value) ||
		    __builtin_add_overflow(total, value, &total) ||
		    __builtin_add_overflow(on_hand, lot.quantity, &on_hand)) {
			fault_field(f, FAULT_BAD, "bad_field", "quantity",
			    "the line would take the item's stock or its value "
			    "past what can be counted");
			return fault_elem(f, i);
		}
		memcpy(lot.expires_on, lines[i].expires_on,
		    sizeof(lot.expires_on));
		snprintf(lot.received_on, sizeof(lot.received_on), "%s",
		    received_on);
		lot.created_at = at;
		if (db_lot_insert(db, &lot) != DB_OK)
			return -1;
		memset(&mv, 0, sizeof(mv));
		mv.lot_id = lot.id;
		mv.item_id = it.id;
		snprintf(mv.kind, sizeof(mv.kind), "receive");
		snprintf(mv.reason, sizeof(mv.reason), "%s", source);
		mv.quantity = lot.quantity;
		mv.ref_id = donation != 0 ? donation : expense;
		mv.at = at;
		mv.user_id = who->user_id;
		if (db_movement_insert(db, &mv) != DB_OK)
			return -1;
	}
	return 0;
}

int
stock_donation_post(struct db *db, const struct actor *who,
    const struct stock_donation *in, struct db_donation *out, int *replayed,
    struct fault *f)
{
	struct db_donor donor;
	struct db_fund fund;
	struct db_fund_entry e;
	int rc;

	*replayed = 0;
	memset(f, 0, sizeof(*f));
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_donation_by_client(db, in->client_id, out);
	if (replay_check(rc, out->req_hash, in->req_hash, 1, in->client_id,
	        replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		return *replayed ? 0 : -1;
	}
	if ((rc = db_donor_by_id(db, in->donor_id, &donor)) != DB_OK) {
		if (rc == DB_NONE)
			fault_field(f, FAULT_NOT_FOUND, "not_found", "donor_id",
			    "no donor %lld", (long long)in->donor_id);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	if (in->cash_fen > 0 &&
	    (rc = db_fund_by_id(db, in->fund_id, &fund)) != DB_OK) {
		if (rc == DB_NONE)
			fault_field(f, FAULT_NOT_FOUND, "not_found",
			    "cash.fund_id", "no fund %lld",
			    (long long)in->fund_id);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->client_id, sizeof(out->client_id), "%s", in->client_id);
	memcpy(out->req_hash, in->req_hash, 32);
	out->donor_id = in->donor_id;
	memcpy(out->received_on, in->received_on, sizeof(out->received_on));
	snprintf(out->channel, sizeof(out->channel), "%s", in->channel);
	out->created_at = clock_now();
	out->user_id = who->user_id;
	out->fund_id = in->cash_fen > 0 ? in->fund_id : 0;
	out->cash_fen = in->cash_fen;
	stock_receipt_code(
	    in->received_on, out->receipt_code, sizeof(out->receipt_code));
	if (db_donation_insert(db, out) != DB_OK)
		return stock_abort(db, f, 0);
	if (in->cash_fen > 0) {
		memset(&e, 0, sizeof(e));
		e.fund_id = fund.id;
		memcpy(e.kind, "cash_donation", sizeof("cash_donation"));
		e.amount_fen = in->cash_fen;
		e.donation_id = out->id;
		e.at = out->created_at;
		e.user_id = who->user_id;
		if (fund.balance_fen > INT64_MAX - in->cash_fen) {
			fault_field(f, FAULT_BAD, "bad_field",
			    "cash.amount_fen",
			    "the fund's balance would overflow");
			return stock_abort(db, f, -1);
		}
		if (db_fund_entry_insert(db, &e) != DB_OK)
			return stock_abort(db, f, 0);
	} else if (stock_lots_add(db, who, "donation", out->id, 0,
	               in->received_on, in->lines, in->nlines, out->created_at,
	               f) != 0)
		return stock_abort(db, f, f->kind != FAULT_NONE ? -1 : 0);
	if (auth_audit(
	        db, who, "create", "donation", out->id, out->receipt_code) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

int
stock_adjust(struct db *db, const struct actor *who, struct db_adjustment *a,
    int *replayed, struct fault *f)
{
	struct db_adjustment had;
	struct db_lot lot;
	struct db_movement mv;
	char detail[80];
	int i, rc;

	*replayed = 0;
	for (i = 0; stock_reasons[i] != NULL; i++)
		if (strcmp(a->reason, stock_reasons[i]) == 0)
			break;
	if (stock_reasons[i] == NULL)
		return fault_field(f, FAULT_BAD, "bad_field", "reason",
		    "reason must be expired, damaged, lost or "
		    "count_correction");
	if (a->quantity_delta == 0 ||
	    (a->quantity_delta > 0 && strcmp(a->reason, "count_correction")))
		return fault_field(f, FAULT_BAD, "bad_field", "quantity_delta",
		    "quantity_delta must be negative (only a count "
		    "correction may add goods) and not zero");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_adjustment_by_client(db, a->client_id, &had);
	if (replay_check(rc, had.req_hash, a->req_hash, 1, a->client_id,
	        replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*a = had;
		return *replayed ? 0 : -1;
	}
	if ((rc = db_lot_by_id(db, a->lot_id, &lot)) != DB_OK) {
		if (rc == DB_NONE)
			fault_field(f, FAULT_NOT_FOUND, "not_found", "lot_id",
			    "no lot %lld", (long long)a->lot_id);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	if (lot.on_hand + a->quantity_delta < 0) {
		fault_field(f, FAULT_RULE, "insufficient_stock",
		    "quantity_delta", "lot %lld holds %lld, cannot remove %lld",
		    (long long)lot.id, (long long)lot.on_hand,
		    (long long)-a->quantity_delta);
		fault_num(f, "lot_id", lot.id);
		fault_num(f, "item_id", lot.item_id);
		fault_num(f, "on_hand", lot.on_hand);
		fault_num(f, "shortfall", -(lot.on_hand + a->quantity_delta));
		return stock_abort(db, f, -1);
	}
	a->created_at = clock_now();
	a->user_id = who->user_id;
	if (db_adjustment_insert(db, a) != DB_OK)
		return stock_abort(db, f, 0);
	memset(&mv, 0, sizeof(mv));
	mv.lot_id = lot.id;
	mv.item_id = lot.item_id;
	snprintf(mv.kind, sizeof(mv.kind), "adjust");
	snprintf(mv.reason, sizeof(mv.reason), "%s", a->reason);
	mv.quantity = a->quantity_delta;
	mv.ref_id = a->id;
	mv.at = a->created_at;
	mv.user_id = who->user_id;
	snprintf(detail, sizeof(detail), "lot %lld %+lld %s", (long long)lot.id,
	    (long long)a->quantity_delta, a->reason);
	if (db_movement_insert(db, &mv) != DB_OK ||
	    auth_audit(db, who, "adjust", "lot", lot.id, detail) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

int
stock_item_update(struct db *db, const struct actor *who,
    const struct db_item *it, const char *changed, struct fault *f)
{
	int rc;

	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_item_update(db, it)) != DB_OK) {
		if (rc == DB_NONE)
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "no item %lld", (long long)it->id);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	if (auth_audit(db, who, "update", "item", it->id, changed) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

/*
 * One more barcode for an item. *had is set when the item carries the
 * code already: nothing is written and that is no error.
 */
int
stock_barcode_add(struct db *db, const struct actor *who, int64_t item,
    const char *given, struct db_item *it, int *had, struct fault *f)
{
	struct db_item owner;
	enum barcode_sym kind;
	char code[DB_BARCODE_MAX + 2], detail[DB_BARCODE_MAX + 16];
	int rc;

	*had = 0;
	if (barcode_normalize(given, code, sizeof(code), &kind) != 0 ||
	    strlen(code) >= DB_BARCODE_MAX) {
		fault_field(f, FAULT_BAD, "bad_barcode", "code",
		    "%s is not a valid barcode (check digit or characters)",
		    given);
		fault_str(f, "barcode", given);
		return -1;
	}
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_item_by_id(db, item, it)) != DB_OK) {
		if (rc == DB_NONE)
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "no item %lld", (long long)item);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	rc = db_item_by_barcode(db, code, &owner);
	if (rc == DB_OK && owner.id == item) {
		*had = 1;
		db_tx_rollback(db);
		return 0;
	}
	if (rc == DB_OK) {
		fault_field(f, FAULT_CONFLICT, "barcode_taken", "code",
		    "barcode %s belongs to item %lld already", code,
		    (long long)owner.id);
		fault_num(f, "item_id", owner.id);
		return stock_abort(db, f, -1);
	}
	if (rc != DB_NONE)
		return stock_abort(db, f, 0);
	if (it->nbarcodes >= DB_BARCODES_MAX) {
		fault_field(f, FAULT_RULE, "limit_exceeded", "code",
		    "an item carries at most %d barcodes", DB_BARCODES_MAX);
		fault_num(f, "limit", DB_BARCODES_MAX);
		return stock_abort(db, f, -1);
	}
	snprintf(detail, sizeof(detail), "barcode %s", code);
	if (db_barcode_insert(db, code, item) != DB_OK ||
	    auth_audit(db, who, "update", "item", item, detail) != 0 ||
	    db_item_by_id(db, item, it) != DB_OK)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

int
stock_donor_update(struct db *db, const struct actor *who,
    const struct db_donor *d, const char *changed, struct fault *f)
{
	int rc;

	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_donor_update(db, d)) != DB_OK) {
		if (rc == DB_NONE)
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "no donor %lld", (long long)d->id);
		return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
	}
	if (auth_audit(db, who, "update", "donor", d->id, changed) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}

/* A note is at most 200 characters (code points) of UTF-8. */
int
stock_note_valid(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n <= 200;
}

/* Writes one adjustment of a stocktake, with its movement. */
static int
stock_count_adjust(struct db *db, const struct actor *who,
    const struct db_stocktake *s, struct db_count_line *c, int i,
    struct fault *f)
{
	struct db_adjustment a;
	struct db_movement mv;
	struct db_lot lot;
	int64_t on_hand, total, value;

	if (db_lot_by_id(db, c->lot_id, &lot) != DB_OK ||
	    db_stock_of(db, lot.item_id, &on_hand, &total) != DB_OK)
		return -1;
	if (c->delta > 0 &&
	    (__builtin_mul_overflow(c->delta, lot.unit_value_fen, &value) ||
	        __builtin_add_overflow(total, value, &total) ||
	        __builtin_add_overflow(on_hand, c->delta, &on_hand))) {
		fault_field(f, FAULT_BAD, "bad_field", "counted",
		    "the count would take the item's stock or its value past "
		    "what can be counted");
		return fault_elem(f, i);
	}
	memset(&a, 0, sizeof(a));
	/* ':' is in no client's client_id, so these never collide. */
	snprintf(a.client_id, sizeof(a.client_id), "stocktake:%lld:%lld",
	    (long long)s->id, (long long)lot.id);
	memcpy(a.req_hash, s->req_hash, 32);
	a.lot_id = lot.id;
	a.quantity_delta = c->delta;
	memcpy(a.reason, "count_correction", sizeof("count_correction"));
	a.created_at = s->created_at;
	a.user_id = who->user_id;
	a.stocktake_id = s->id;
	memcpy(a.note, s->note, sizeof(a.note));
	if (db_adjustment_insert(db, &a) != DB_OK)
		return -1;
	c->adjustment_id = a.id;
	memset(&mv, 0, sizeof(mv));
	mv.lot_id = lot.id;
	mv.item_id = lot.item_id;
	memcpy(mv.kind, "adjust", sizeof("adjust"));
	memcpy(mv.reason, a.reason, sizeof(a.reason));
	mv.quantity = a.quantity_delta;
	mv.ref_id = a.id;
	mv.at = a.created_at;
	mv.user_id = who->user_id;
	return db_movement_insert(db, &mv) == DB_OK ? 0 : -1;
}

static int
stock_count_line(const void *row, void *arg)
{
	struct stock_count_result *r = arg;

	if (r->n == LIMIT_LINES)
		return 1;
	r->lines[r->n++] = *(const struct db_count_line *)row;
	return 0;
}

/*
 * A stocktake: every lot counted, and for each whose count differs from
 * its on-hand a count_correction by the difference; all or nothing.
 */
int
stock_count(struct db *db, const struct actor *who,
    const struct stock_count *in, struct stock_count_result *r, int *replayed,
    struct fault *f)
{
	struct db_lot lot;
	struct db_count_line *c;
	char detail[96];
	int i, j, rc, n = 0;

	*replayed = 0;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < in->nlines; i++)
		for (j = 0; j < i; j++)
			if (in->lines[j].lot_id == in->lines[i].lot_id) {
				fault_field(f, FAULT_BAD, "bad_field", "lot_id",
				    "lot %lld is counted twice",
				    (long long)in->lines[i].lot_id);
				return fault_elem(f, i);
			}
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_stocktake_by_client(db, in->client_id, &r->s);
	if (replay_check(rc, r->s.req_hash, in->req_hash, 1, in->client_id,
	        replayed, f) != 0)
		return stock_abort(db, f, -1);
	if (*replayed) {
		rc = db_stocktake_lines(db, r->s.id, stock_count_line, r);
		db_tx_rollback(db);
		return rc == DB_OK ? 0 : fault_db(f, DB_ERR);
	}
	memset(&r->s, 0, sizeof(r->s));
	for (i = 0; i < in->nlines; i++) {
		if ((rc = db_lot_by_id(db, in->lines[i].lot_id, &lot)) !=
		    DB_OK) {
			if (rc == DB_NONE) {
				fault_field(f, FAULT_NOT_FOUND, "not_found",
				    "lot_id", "no lot %lld",
				    (long long)in->lines[i].lot_id);
				fault_elem(f, i);
			}
			return stock_abort(db, f, rc == DB_NONE ? -1 : 0);
		}
		if (lot.on_hand == in->lines[i].counted)
			continue;
		c = &r->lines[n++];
		c->lot_id = lot.id;
		c->before = lot.on_hand;
		c->delta = in->lines[i].counted - lot.on_hand;
		if (__builtin_add_overflow(r->s.delta, c->delta, &r->s.delta))
			return stock_abort(db, f, 0);
	}
	r->n = n;
	snprintf(r->s.client_id, sizeof(r->s.client_id), "%s", in->client_id);
	memcpy(r->s.req_hash, in->req_hash, 32);
	memcpy(r->s.note, in->note, sizeof(r->s.note));
	r->s.lots = in->nlines;
	r->s.created_at = clock_now();
	r->s.user_id = who->user_id;
	if (db_stocktake_insert(db, &r->s) != DB_OK)
		return stock_abort(db, f, 0);
	for (i = 0, j = 0; i < n; i++) {
		/* The line's index in the request, for a fault's path. */
		while (in->lines[j].lot_id != r->lines[i].lot_id)
			j++;
		if (stock_count_adjust(db, who, &r->s, &r->lines[i], j, f) != 0)
			return stock_abort(
			    db, f, f->kind != FAULT_NONE ? -1 : 0);
	}
	snprintf(detail, sizeof(detail),
	    "%lld lots counted, %d corrected, %+lld", (long long)r->s.lots, n,
	    (long long)r->s.delta);
	if (auth_audit(db, who, "adjust", "stocktake", r->s.id, detail) != 0)
		return stock_abort(db, f, 0);
	return stock_commit(db, f);
}
