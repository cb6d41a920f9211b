/*
 * A charity sale (慈善义卖) at the till: no household card, a price per
 * item, goods only from lots whose donation line allowed a sale, taken
 * first-expiring-first-out as a distribution takes them; the total goes
 * to the operating account 'sales', never to a donation fund. A refund
 * is a new row that puts the goods back into the lots they came from and
 * takes the income back out. Each runs in its own transaction (a
 * savepoint inside the group commit), whole or not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* A payment reference: 1 to 63 printable ASCII characters, no spaces. */
int
sale_reference_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] < 0x21 || s[i] > 0x7e || i >= 63)
			return 0;
	return i > 0;
}

/* Looks a line's item up for basket_resolve, into items[k]. */
struct sale_find {
	struct db *db;
	const char *today;
	struct db_sale_item *items;
};

static int
sale_find(void *arg, int k, const char *code, int64_t id, int64_t *item)
{
	struct sale_find *a = arg;
	int rc;

	rc = db_sale_item(a->db, code, id, a->today, &a->items[k]);
	*item = a->items[k].id;
	return rc;
}

/* The item's rules (in use, priced, in stock that may be sold) and its
 * lots, taken into r->lots; nothing is written until every line passes. */
static int
sale_check(struct db *db, const struct sale_request *in, const char *today,
    const struct db_sale_item *it, const struct basket_item *b,
    struct sale_line_out *out, struct sale_result *r, struct fault *f)
{
	struct basket_take t = {&r->lots, b->qty};

	if (!it->active || it->sale_price_fen <= 0) {
		fault_set(f, FAULT_RULE,
		    it->active ? "not_for_sale" : "item_inactive",
		    it->active ? "%s has no sale price"
		               : "%s is retired; a manager can take it back "
		                 "into use",
		    it->name);
		fault_num(f, "item_id", it->id);
		return basket_line_fault(
		    f, b->line, basket_line_field(in->lines, b->line));
	}
	out->lot0 = r->lots.n;
	if (db_sale_lots(db, it->id, today, basket_take_lot, &t) != DB_OK)
		return fault_db(f, DB_ERR);
	if (t.want > 0) {
		fault_set(f, FAULT_RULE, "insufficient_stock",
		    "%s: %lld may be sold, %lld asked", it->name,
		    (long long)(b->qty - t.want), (long long)b->qty);
		fault_num(f, "item_id", it->id);
		fault_num(f, "available", b->qty - t.want);
		fault_num(f, "shortfall", t.want);
		return basket_line_fault(f, b->line, "quantity");
	}
	out->nlots = r->lots.n - out->lot0;
	out->item_id = it->id;
	memcpy(out->name, it->name, sizeof(out->name));
	out->quantity = b->qty;
	out->unit_price_fen = it->sale_price_fen;
	if (__builtin_mul_overflow(
	        b->qty, it->sale_price_fen, &out->amount_fen) ||
	    out->amount_fen > LIMIT_FEN) {
		fault_set(f, FAULT_BAD, "bad_field",
		    "line %d: the amount is too large", b->line);
		return basket_line_fault(f, b->line, "quantity");
	}
	return 0;
}

static int
sale_write_line(struct db *db, const struct actor *who,
    const struct sale_result *r, const struct sale_line_out *out)
{
	struct db_sale_line line;
	struct db_movement mv;
	size_t i;

	memset(&line, 0, sizeof(line));
	line.sale_id = r->s.id;
	line.item_id = out->item_id;
	line.quantity = out->quantity;
	line.unit_price_fen = out->unit_price_fen;
	line.amount_fen = out->amount_fen;
	if (db_sale_line_insert(db, &line) != DB_OK)
		return -1;
	memset(&mv, 0, sizeof(mv));
	mv.item_id = out->item_id;
	memcpy(mv.kind, "sell", sizeof("sell"));
	memcpy(mv.reason, "sale", sizeof("sale"));
	mv.ref_id = line.id;
	mv.at = r->s.created_at;
	mv.user_id = who->user_id;
	for (i = out->lot0; i < out->lot0 + out->nlots; i++) {
		mv.lot_id = r->lots.v[i].lot_id;
		mv.quantity = -r->lots.v[i].quantity;
		if (db_movement_insert(db, &mv) != DB_OK)
			return -1;
	}
	return 0;
}

static int
sale_post_tx(struct db *db, const struct actor *who,
    const struct sale_request *in, struct sale_result *r,
    struct db_sale_item *items, struct basket_item *b, int *replayed,
    struct fault *f)
{
	struct db_sale *s = &r->s;
	struct sale_find find = {db, NULL, items};
	struct db_op_entry e;
	char today[CLOCK_DATE_LEN];
	int64_t total = 0;
	int i, n, rc;

	rc = db_sale_by_client(db, in->client_id, s);
	if (replay_check(rc, s->req_hash, in->req_hash, 1, in->client_id,
	        replayed, f) != 0 ||
	    *replayed)
		return *replayed ? 0 : -1;
	clock_today(today);
	find.today = today;
	if (basket_resolve(in->lines, in->nlines, sale_find, &find, b, &n, f) !=
	    0)
		return -1;
	r->nlines = 0;
	for (i = 0; i < n; i++) {
		if (sale_check(db, in, today, &items[i], &b[i], &r->lines[i], r,
		        f) != 0)
			return -1;
		r->nlines++;
		if (__builtin_add_overflow(
		        total, r->lines[i].amount_fen, &total) ||
		    total > LIMIT_FEN)
			return fault_field(f, FAULT_BAD, "bad_field", "lines",
			    "the sale's total is too large");
	}

	memset(s, 0, sizeof(*s));
	snprintf(s->client_id, sizeof(s->client_id), "%s", in->client_id);
	memcpy(s->req_hash, in->req_hash, 32);
	snprintf(s->till_id, sizeof(s->till_id), "%s", in->till_id);
	s->total_fen = total;
	snprintf(s->method, sizeof(s->method), "%s", in->method);
	snprintf(s->reference, sizeof(s->reference), "%s", in->reference);
	s->user_id = who->user_id;
	s->created_at = clock_now();
	if (db_sale_till_next(db, in->till_id, &s->receipt_seq) != DB_OK)
		return fault_db(f, DB_ERR);
	snprintf(s->receipt_no, sizeof(s->receipt_no), "%s-S%06lld",
	    in->till_id, (long long)s->receipt_seq);
	if (db_sale_insert(db, s) != DB_OK)
		return fault_db(f, DB_ERR);
	for (i = 0; i < n; i++)
		if (sale_write_line(db, who, r, &r->lines[i]) != 0)
			return fault_db(f, DB_ERR);
	/* The income: the operating line's, never a fund's. */
	memset(&e, 0, sizeof(e));
	memcpy(e.account, "sales", sizeof("sales"));
	memcpy(e.kind, "sale", sizeof("sale"));
	e.amount_fen = total;
	e.sale_id = s->id;
	e.at = s->created_at;
	e.user_id = who->user_id;
	if (db_operating_entry_insert(db, &e) != DB_OK ||
	    auth_audit(db, who, "sell", "sale", s->id, s->receipt_no) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/*
 * Posts the sale and keeps in r what it wrote (r->s alone when it
 * replays); r is zeroed first and freed by sale_result_free, whatever
 * the outcome.
 */
int
sale_post(struct db *db, const struct actor *who, const struct sale_request *in,
    struct sale_result *r, int *replayed, struct fault *f)
{
	struct db_sale_item *items;
	struct basket_item *b;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	*replayed = 0;
	if (in->nlines < 1 || in->nlines > LIMIT_LINES)
		return fault_field(f, FAULT_BAD, "bad_field", "lines",
		    "a sale has 1 to %d lines", LIMIT_LINES);
	if ((items = calloc((size_t)in->nlines, sizeof(*items))) == NULL ||
	    (b = calloc((size_t)in->nlines, sizeof(*b))) == NULL ||
	    (r->lines = calloc((size_t)in->nlines, sizeof(*r->lines))) == NULL)
		log_fatalx("out of memory");
	if (db_tx_begin(db) != DB_OK) {
		fault_db(f, DB_ERR);
		goto done;
	}
	if (sale_post_tx(db, who, in, r, items, b, replayed, f) != 0) {
		db_tx_rollback(db);
		goto done;
	}
	if (db_tx_commit(db) != DB_OK) {
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

void
sale_result_free(struct sale_result *r)
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

/* A sale's lines, read before any is written back. */
struct sale_lines {
	struct db_sale_line l[LIMIT_LINES];
	int n;
};

static int
sale_collect(const void *row, void *arg)
{
	struct sale_lines *ls = arg;

	if (ls->n == LIMIT_LINES)
		return 1;
	ls->l[ls->n++] = *(const struct db_sale_line *)row;
	return 0;
}

/* Puts each line's goods back into the lots it took them from. */
static int
sale_restock(struct db *db, const struct actor *who,
    const struct sale_lines *ls, int64_t at)
{
	struct basket_lots lots = {NULL, 0, 0};
	struct db_movement mv;
	int i, rc = -1;

	memset(&mv, 0, sizeof(mv));
	memcpy(mv.kind, "refund", sizeof("refund"));
	memcpy(mv.reason, "refund", sizeof("refund"));
	mv.at = at;
	mv.user_id = who->user_id;
	for (i = 0; i < ls->n; i++) {
		lots.n = 0;
		mv.item_id = ls->l[i].item_id;
		mv.ref_id = ls->l[i].id;
		if (db_sale_line_lots(
		        db, ls->l[i].id, basket_keep_lot, &lots) != DB_OK ||
		    basket_move(db, &mv, &lots) != 0)
			goto done;
	}
	rc = 0;
done:
	free(lots.v);
	return rc;
}

static int
sale_refund_tx(struct db *db, const struct actor *who, int64_t id,
    struct db_sale_refund *rf, struct sale_lines *ls, int *replayed,
    struct fault *f)
{
	struct db_sale_refund had;
	struct db_sale s;
	struct db_op_entry e;
	int64_t balance;
	int rc;

	rc = db_sale_refund_by_client(db, rf->client_id, &had);
	if (replay_check(rc, had.req_hash, rf->req_hash,
	        rc == DB_OK && had.sale_id == id, rf->client_id, replayed,
	        f) != 0)
		return -1;
	if (*replayed) {
		*rf = had;
		return 0;
	}
	if ((rc = db_sale_by_id(db, id, &s)) != DB_OK)
		return rc == DB_NONE
		    ? fault_set(f, FAULT_NOT_FOUND, "not_found", "no sale %lld",
		          (long long)id)
		    : fault_db(f, rc);
	if (s.refund_id != 0) {
		fault_set(f, FAULT_CONFLICT, "conflict",
		    "sale %s is refunded already", s.receipt_no);
		fault_num(f, "refund_id", s.refund_id);
		return -1;
	}
	if (db_operating_balance(db, &balance) != DB_OK)
		return fault_db(f, DB_ERR);
	if (balance < s.total_fen) {
		fault_set(f, FAULT_RULE, "insufficient_operating_funds",
		    "the operating line holds %lld fen; the refund is %lld",
		    (long long)balance, (long long)s.total_fen);
		fault_num(f, "balance_fen", balance);
		return -1;
	}
	ls->n = 0;
	if (db_sale_lines(db, s.id, sale_collect, ls) != DB_OK)
		return fault_db(f, DB_ERR);
	rf->sale_id = s.id;
	rf->user_id = who->user_id;
	rf->created_at = clock_now();
	rf->amount_fen = s.total_fen;
	if (sale_restock(db, who, ls, rf->created_at) != 0 ||
	    db_sale_refund_insert(db, rf) != DB_OK)
		return fault_db(f, DB_ERR);
	memset(&e, 0, sizeof(e));
	memcpy(e.account, "sales", sizeof("sales"));
	memcpy(e.kind, "refund", sizeof("refund"));
	e.amount_fen = -s.total_fen;
	e.sale_id = s.id;
	e.at = rf->created_at;
	e.user_id = who->user_id;
	if (db_operating_entry_insert(db, &e) != DB_OK ||
	    auth_audit(db, who, "refund", "sale", s.id, rf->reason) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/* Refunds a whole sale, once; rf carries client_id, req_hash, reason. */
int
sale_refund(struct db *db, const struct actor *who, int64_t id,
    struct db_sale_refund *rf, int *replayed, struct fault *f)
{
	struct sale_lines *ls;
	int rc = -1;

	*replayed = 0;
	/* Per call: a sale may have LIMIT_LINES lines. */
	if ((ls = malloc(sizeof(*ls))) == NULL)
		log_fatalx("out of memory");
	if (db_tx_begin(db) != DB_OK) {
		fault_db(f, DB_ERR);
		goto done;
	}
	if (sale_refund_tx(db, who, id, rf, ls, replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		rc = *replayed ? 0 : -1;
		goto done;
	}
	if (db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		fault_db(f, DB_ERR);
		goto done;
	}
	rc = 0;
done:
	free(ls);
	return rc;
}

/* Sets (price > 0) or clears (0) an item's sale price. */
int
sale_price_set(struct db *db, const struct actor *who, int64_t item,
    int64_t price_fen, struct fault *f)
{
	char detail[32];
	int rc;

	if (price_fen < 0 || price_fen > LIMIT_UNIT_FEN)
		return fault_field(f, FAULT_BAD, "bad_field", "sale_price_fen",
		    "sale_price_fen is 1 to %lld fen, or null",
		    (long long)LIMIT_UNIT_FEN);
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_sale_price_set(db, item, price_fen)) != DB_OK) {
		db_tx_rollback(db);
		return rc == DB_NONE
		    ? fault_set(f, FAULT_NOT_FOUND, "not_found", "no item %lld",
		          (long long)item)
		    : fault_db(f, rc);
	}
	snprintf(detail, sizeof(detail), "sale_price_fen=%lld",
	    (long long)price_fen);
	if (auth_audit(db, who, "price", "item", item, detail) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}
