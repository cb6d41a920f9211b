/*
 * conflict.c: offline conflicts. A basket a till handed out offline and
 * the server refused on replay is uploaded here, so the goods that left
 * are on record; a manager resolves it once, either as a distribution
 * posted by override (distribution.c) or as a write-off of the goods
 * (movements of reason offline_loss). Either way the goods are in the
 * ledger; verify names every conflict still open.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

static int
conflict_abort(struct db *db, struct fault *f, int rc)
{
	db_tx_rollback(db);
	if (rc != DB_OK && f->kind == FAULT_NONE)
		fault_db(f, rc);
	return -1;
}

int
conflict_record(struct db *db, const struct actor *who,
    const struct conflict_in *in, struct db_conflict *out, int *replayed,
    struct fault *f)
{
	struct db_distribution d;
	struct db_household h;
	struct db_item it;
	int64_t qty[LIMIT_LINES];
	int i, j, n = 0, rc, idx[LIMIT_LINES];

	*replayed = 0;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_conflict_by_client(db, in->client_id, out);
	if (replay_check(rc, out->req_hash, in->req_hash, 1, in->client_id,
	        replayed, f) != 0)
		return conflict_abort(db, f, DB_OK);
	if (*replayed) {
		db_tx_rollback(db);
		return 0;
	}
	/* Posted after all: no goods are unaccounted for. */
	if ((rc = db_dist_by_client(db, in->client_id, &d)) == DB_OK) {
		fault_field(f, FAULT_CONFLICT, "already_distributed",
		    "client_id", "the basket %s was posted as receipt %s",
		    in->client_id, d.receipt_no);
		fault_str(f, "receipt_no", d.receipt_no);
		return conflict_abort(db, f, DB_OK);
	}
	if (rc != DB_NONE)
		return conflict_abort(db, f, rc);
	memset(out, 0, sizeof(*out));
	/* The goods left whether or not the card is known: kept either way. */
	rc = db_household_by_card(db, in->card, &h);
	if (rc != DB_OK && rc != DB_NONE)
		return conflict_abort(db, f, rc);
	out->household_id = rc == DB_OK ? h.id : 0;
	for (i = 0; i < in->nlines; i++) {
		if ((rc = db_item_by_id(db, in->lines[i].item_id, &it)) !=
		    DB_OK) {
			if (rc == DB_NONE) {
				fault_set(f, FAULT_NOT_FOUND, "not_found",
				    "line %d: no item %lld", i,
				    (long long)in->lines[i].item_id);
				snprintf(f->field, sizeof(f->field), "item_id");
				fault_elem(f, i);
			}
			return conflict_abort(
			    db, f, rc == DB_NONE ? DB_OK : rc);
		}
		for (j = 0;
		     j < n && in->lines[idx[j]].item_id != in->lines[i].item_id;
		     j++)
			;
		if (j == n) {
			idx[n] = i;
			qty[n++] = 0;
		}
		if (__builtin_add_overflow(
		        qty[j], in->lines[i].quantity, &qty[j]) ||
		    qty[j] > LIMIT_QUANTITY) {
			fault_set(f, FAULT_BAD, "bad_field",
			    "line %d: quantity too large", i);
			snprintf(f->field, sizeof(f->field), "quantity");
			fault_elem(f, i);
			return conflict_abort(db, f, DB_OK);
		}
	}
	memcpy(out->client_id, in->client_id, sizeof(out->client_id));
	memcpy(out->req_hash, in->req_hash, 32);
	memcpy(out->till_id, in->till_id, sizeof(out->till_id));
	memcpy(out->local_no, in->local_no, sizeof(out->local_no));
	memcpy(out->card, in->card, sizeof(out->card));
	memcpy(out->code, in->code, sizeof(out->code));
	memcpy(out->message, in->message, sizeof(out->message));
	out->created_at = clock_now();
	out->user_id = who->user_id;
	if ((rc = db_conflict_insert(db, out)) != DB_OK)
		return conflict_abort(db, f, rc);
	for (j = 0; j < n; j++)
		if ((rc = db_conflict_line_insert(db, out->id,
		         in->lines[idx[j]].item_id, qty[j])) != DB_OK)
			return conflict_abort(db, f, rc);
	if (auth_audit(db, who, "offline_conflict", "offline_conflict", out->id,
	        out->local_no) != 0 ||
	    db_tx_commit(db) != DB_OK)
		return conflict_abort(db, f, DB_ERR);
	return 0;
}

/* A conflict's lines, read before anything is written. */
struct conflict_lines {
	struct db_conflict_line l[LIMIT_LINES];
	int n;
};

static int
conflict_line(const void *row, void *arg)
{
	struct conflict_lines *ls = arg;

	if (ls->n == LIMIT_LINES)
		return 1;
	ls->l[ls->n++] = *(const struct db_conflict_line *)row;
	return 0;
}

/* Lots of an item to write off from, first-expiring first, gathered
 * while the query runs and written after it. */
struct conflict_take {
	int64_t (*v)[2];
	size_t n, cap;
	int64_t want;
};

static int
conflict_take_lot(const void *row, void *arg)
{
	const int64_t *lot = row;
	struct conflict_take *t = arg;
	int64_t n = lot[1] < t->want ? lot[1] : t->want;
	void *p;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		if ((p = reallocarray(t->v, t->cap, sizeof(*t->v))) == NULL)
			log_fatalx("out of memory");
		t->v = p;
	}
	t->v[t->n][0] = lot[0];
	t->v[t->n++][1] = n;
	t->want -= n;
	return t->want == 0;
}

/* The goods off the lots that hold them; what none holds is unmatched. */
static int
conflict_write_off(struct db *db, const struct actor *who,
    struct db_conflict *c, const struct conflict_lines *ls)
{
	struct conflict_take t = {NULL, 0, 0, 0};
	struct db_movement mv;
	char today[CLOCK_DATE_LEN];
	int i, rc = DB_OK;
	size_t k;

	clock_today(today);
	memset(&mv, 0, sizeof(mv));
	memcpy(mv.kind, "adjust", sizeof("adjust"));
	memcpy(mv.reason, "offline_loss", sizeof("offline_loss"));
	mv.at = clock_now();
	mv.user_id = who->user_id;
	for (i = 0; i < ls->n && rc == DB_OK; i++) {
		t.n = 0;
		t.want = ls->l[i].quantity;
		if ((rc = db_dist_lots(db, ls->l[i].item_id, today,
		         conflict_take_lot, &t)) != DB_OK)
			break;
		c->unmatched += t.want;
		mv.item_id = ls->l[i].item_id;
		for (k = 0; k < t.n && rc == DB_OK; k++) {
			mv.lot_id = t.v[k][0];
			mv.quantity = -t.v[k][1];
			if ((rc = db_movement_insert(db, &mv)) == DB_OK)
				rc = db_conflict_writeoff(db, c->id, mv.id);
		}
	}
	free(t.v);
	return rc;
}

/* The basket posted by override, in this transaction. */
static int
conflict_override(struct db *db, const struct actor *who, struct db_conflict *c,
    const struct conflict_lines *ls, struct fault *f)
{
	struct dist_request *in;
	struct dist_result r;
	int i, replayed, rc = 0;

	if (c->household_id == 0)
		return fault_field(f, FAULT_RULE, "unknown_household", "as",
		    "no household has card %s: write the goods off instead",
		    c->card);
	if ((in = calloc(1, sizeof(*in))) == NULL)
		log_fatalx("out of memory");
	snprintf(in->client_id, sizeof(in->client_id), "offline-conflict-%lld",
	    (long long)c->id);
	memcpy(in->req_hash, c->req_hash, 32);
	snprintf(in->till_id, sizeof(in->till_id), "%s", c->till_id);
	snprintf(in->card, sizeof(in->card), "%s", c->card);
	in->override = 1;
	in->nlines = ls->n;
	for (i = 0; i < ls->n; i++) {
		in->lines[i].item_id = ls->l[i].item_id;
		in->lines[i].quantity = ls->l[i].quantity;
	}
	if (distribution_post_nested(db, who, in, &r, &replayed, f) != 0)
		rc = -1;
	else {
		c->distribution_id = r.d.id;
		c->points_shortfall = r.shortfall;
	}
	distribution_result_free(&r);
	free(in);
	return rc;
}

int
conflict_resolve(struct db *db, const struct actor *who, int64_t id,
    const char *as, const char *reason, struct db_conflict *c, struct fault *f)
{
	struct conflict_lines *ls = NULL;
	char detail[256];
	int rc, over = strcmp(as, "override") == 0;

	if (!over && strcmp(as, "write_off") != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "as",
		    "as must be override or write_off");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_conflict_by_id(db, id, c)) != DB_OK) {
		if (rc == DB_NONE)
			fault_set(f, FAULT_NOT_FOUND, "not_found",
			    "no offline conflict %lld", (long long)id);
		return conflict_abort(db, f, rc == DB_NONE ? DB_OK : rc);
	}
	if (c->resolved_as[0] != '\0') {
		fault_set(f, FAULT_CONFLICT, "already_resolved",
		    "offline conflict %lld was resolved as %s", (long long)id,
		    c->resolved_as);
		fault_str(f, "resolved_as", c->resolved_as);
		return conflict_abort(db, f, DB_OK);
	}
	if ((ls = malloc(sizeof(*ls))) == NULL)
		log_fatalx("out of memory");
	ls->n = 0;
	if ((rc = db_conflict_lines(db, id, conflict_line, ls)) != DB_OK)
		goto fail;
	if (over) {
		if (conflict_override(db, who, c, ls, f) != 0)
			goto fail;
	} else if ((rc = conflict_write_off(db, who, c, ls)) != DB_OK)
		goto fail;
	snprintf(c->resolved_as, sizeof(c->resolved_as), "%s", as);
	snprintf(c->reason, sizeof(c->reason), "%s", reason);
	c->resolved_at = clock_now();
	c->resolved_by = who->user_id;
	if ((rc = db_conflict_resolve(db, c)) != DB_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "%s %s: %s", c->local_no, as, reason);
	if (auth_audit(db, who, "resolve", "offline_conflict", c->id, detail) !=
	        0 ||
	    db_tx_commit(db) != DB_OK) {
		rc = DB_ERR;
		goto fail;
	}
	free(ls);
	return 0;
fail:
	free(ls);
	return conflict_abort(db, f, rc);
}
