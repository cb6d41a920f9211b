/*
 * 收支两条线: the operating line (sales income, service fees, rent,
 * wages...) kept apart from the donation funds. Its entries are its own
 * ledger; money crosses to or from a fund only by a recorded decision, a
 * manager's proposal with its reason confirmed by an admin who is not
 * the proposer. Nothing moves before the confirmation.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

/* An amount of a manual entry or a transfer: 1 fen to LIMIT_FEN. */
static int
operating_amount_ok(int64_t fen, struct fault *f)
{
	if (fen < 1 || fen > LIMIT_FEN)
		return fault_field(f, FAULT_BAD, "bad_field", "amount_fen",
		    "amount_fen is 1 to %lld", (long long)LIMIT_FEN);
	return 0;
}

static int
operating_short(struct fault *f, int64_t have, int64_t want)
{
	fault_set(f, FAULT_RULE, "insufficient_operating_funds",
	    "the operating line holds %lld fen; %lld asked", (long long)have,
	    (long long)want);
	fault_num(f, "balance_fen", have);
	return -1;
}

/* TX writing ROW (an entry, a proposal) in its own transaction:
 * committed, or rolled back when it refuses or replays. */
static int
operating_write(struct db *db, const struct actor *who,
    int (*tx)(struct db *, const struct actor *, void *, int *, struct fault *),
    void *row, int *replayed, struct fault *f)
{
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (tx(db, who, row, replayed, f) != 0 || *replayed) {
		db_tx_rollback(db);
		return *replayed ? 0 : -1;
	}
	if (db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

static int
operating_entry_tx(struct db *db, const struct actor *who, void *row,
    int *replayed, struct fault *f)
{
	struct db_op_entry *e = row;
	struct db_op_account a;
	struct db_op_entry had;
	int64_t balance, after;
	int rc;

	rc = db_operating_entry_by_client(db, e->client_id, &had);
	if (replay_check(rc, had.req_hash, e->req_hash, 1, e->client_id,
	        replayed, f) != 0)
		return -1;
	if (*replayed) {
		*e = had;
		return 0;
	}
	if ((rc = db_operating_account(db, e->account, &a)) != DB_OK &&
	    rc != DB_NONE)
		return fault_db(f, rc);
	if (rc == DB_NONE || strcmp(e->account, "sales") == 0 ||
	    strcmp(a.side, "transfer") == 0)
		return fault_field(f, FAULT_BAD, "bad_field", "account",
		    "account is service_fees, other_income, rent, wages, "
		    "utilities or other_cost (sales come from the till)");
	if (db_operating_balance(db, &balance) != DB_OK)
		return fault_db(f, DB_ERR);
	if (strcmp(a.side, "cost") == 0) {
		if (balance < e->amount_fen)
			return operating_short(f, balance, e->amount_fen);
		e->amount_fen = -e->amount_fen;
	} else if (__builtin_add_overflow(balance, e->amount_fen, &after) ||
	    after > INT64_MAX / 2)
		return fault_field(f, FAULT_BAD, "bad_field", "amount_fen",
		    "the operating line cannot hold that much");
	memcpy(e->kind, "entry", sizeof("entry"));
	e->at = clock_now();
	e->user_id = who->user_id;
	if (db_operating_entry_insert(db, e) != DB_OK ||
	    auth_audit(
	        db, who, "create", "operating_entry", e->id, e->account) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/*
 * A cost or another income of the operating line: e carries client_id,
 * req_hash, account, amount_fen (> 0) and note; a cost is stored
 * negative and may not take the line below zero.
 */
int
operating_entry(struct db *db, const struct actor *who, struct db_op_entry *e,
    int *replayed, struct fault *f)
{
	*replayed = 0;
	if (operating_amount_ok(e->amount_fen, f) != 0)
		return -1;
	return operating_write(db, who, operating_entry_tx, e, replayed, f);
}

static int
operating_propose_tx(struct db *db, const struct actor *who, void *row,
    int *replayed, struct fault *f)
{
	struct db_op_transfer *t = row;
	struct db_op_transfer had;
	struct db_fund fund;
	int rc;

	rc = db_operating_transfer_by_client(db, t->client_id, &had);
	if (replay_check(rc, had.req_hash, t->req_hash, 1, t->client_id,
	        replayed, f) != 0)
		return -1;
	if (*replayed) {
		*t = had;
		return 0;
	}
	if ((rc = db_fund_by_id(db, t->fund_id, &fund)) != DB_OK)
		return rc == DB_NONE
		    ? fault_field(f, FAULT_NOT_FOUND, "not_found", "fund_id",
		          "no fund %lld", (long long)t->fund_id)
		    : fault_db(f, rc);
	/* A restricted fund's money is for its purpose alone. */
	if (fund.restricted && strcmp(t->direction, "from_fund") == 0) {
		fault_field(f, FAULT_RULE, "restricted_fund", "fund_id",
		    "%s is restricted to %s; its money stays in it", fund.name,
		    fund.purpose);
		return -1;
	}
	snprintf(t->fund_name, sizeof(t->fund_name), "%s", fund.name);
	t->proposed_by = who->user_id;
	t->proposed_at = clock_now();
	t->confirmed_by = t->confirmed_at = 0;
	if (db_operating_transfer_insert(db, t) != DB_OK ||
	    auth_audit(db, who, "propose", "operating_transfer", t->id,
	        t->direction) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/* A proposal to move money between the lines: t carries client_id,
 * req_hash, direction (to_fund, from_fund), fund_id, amount_fen and
 * reason. It moves nothing. */
int
operating_propose(struct db *db, const struct actor *who,
    struct db_op_transfer *t, int *replayed, struct fault *f)
{
	*replayed = 0;
	if (strcmp(t->direction, "to_fund") != 0 &&
	    strcmp(t->direction, "from_fund") != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "direction",
		    "direction is to_fund or from_fund");
	if (operating_amount_ok(t->amount_fen, f) != 0)
		return -1;
	if (t->reason[0] == '\0')
		return fault_field(f, FAULT_BAD, "bad_field", "reason",
		    "a transfer needs its reason");
	return operating_write(db, who, operating_propose_tx, t, replayed, f);
}

static int
operating_confirm_tx(struct db *db, const struct actor *who, int64_t id,
    struct db_op_transfer *t, struct fault *f)
{
	struct db_op_entry e;
	struct db_fund fund;
	int64_t balance, sign;
	int rc;

	if ((rc = db_operating_transfer_by_id(db, id, t)) != DB_OK)
		return rc == DB_NONE
		    ? fault_set(f, FAULT_NOT_FOUND, "not_found",
		          "no transfer %lld", (long long)id)
		    : fault_db(f, rc);
	if (t->confirmed_by != 0) {
		fault_set(f, FAULT_CONFLICT, "conflict",
		    "transfer %lld is confirmed already", (long long)id);
		fault_num(f, "confirmed_by", t->confirmed_by);
		return -1;
	}
	if (t->proposed_by == who->user_id)
		return fault_set(f, FAULT_FORBIDDEN, "own_proposal",
		    "a transfer is confirmed by another user than its "
		    "proposer");
	if (db_fund_by_id(db, t->fund_id, &fund) != DB_OK ||
	    db_operating_balance(db, &balance) != DB_OK)
		return fault_db(f, DB_ERR);
	sign = strcmp(t->direction, "to_fund") == 0 ? -1 : 1;
	if (sign < 0 && balance < t->amount_fen)
		return operating_short(f, balance, t->amount_fen);
	if (sign > 0 && fund.balance_fen < t->amount_fen) {
		fault_set(f, FAULT_RULE, "insufficient_funds",
		    "%s holds %lld fen; %lld asked", fund.name,
		    (long long)fund.balance_fen, (long long)t->amount_fen);
		fault_num(f, "balance_fen", fund.balance_fen);
		return -1;
	}
	t->confirmed_by = who->user_id;
	t->confirmed_at = clock_now();
	memset(&e, 0, sizeof(e));
	memcpy(e.account, "transfers", sizeof("transfers"));
	memcpy(e.kind, "transfer", sizeof("transfer"));
	e.amount_fen = sign * t->amount_fen;
	e.transfer_id = t->id;
	snprintf(e.note, sizeof(e.note), "%s", t->reason);
	e.at = t->confirmed_at;
	e.user_id = who->user_id;
	if (db_operating_confirm_insert(
	        db, t->id, who->user_id, t->confirmed_at) != DB_OK ||
	    db_operating_entry_insert(db, &e) != DB_OK ||
	    db_operating_fund_entry_insert(db, t->fund_id,
	        -sign * t->amount_fen, t->id, t->confirmed_at,
	        who->user_id) != DB_OK ||
	    auth_audit(db, who, "confirm", "operating_transfer", t->id,
	        t->direction) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/* An admin, not the proposer, confirms a transfer: the money moves. */
int
operating_confirm(struct db *db, const struct actor *who, int64_t id,
    struct db_op_transfer *t, struct fault *f)
{
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (operating_confirm_tx(db, who, id, t, f) != 0) {
		db_tx_rollback(db);
		return -1;
	}
	if (db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

static int
operating_statement_line(const void *row, void *arg)
{
	const struct db_op_account *a = row;
	struct op_statement *s = arg;

	if (s->n == OP_ACCOUNTS)
		return 1;
	s->a[s->n++] = *a;
	if (strcmp(a->side, "income") == 0)
		s->income_fen += a->total_fen;
	else if (strcmp(a->side, "cost") == 0)
		s->cost_fen -= a->total_fen;
	else
		s->transfers_fen += a->total_fen;
	return 0;
}

/*
 * The statement of the months from .. to (YYYY-MM, both included): what
 * the line held before, each account's sum (costs as positive amounts in
 * cost_fen, negative in the lines), the net of the transfers, and what
 * it held after; of the entries written before the time before
 * (INT64_MAX: all).
 */
int
operating_statement(struct db *db, const char *from, const char *to,
    int64_t before, struct op_statement *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->from, sizeof(s->from), "%s", from);
	snprintf(s->to, sizeof(s->to), "%s", to);
	if (db_operating_opening(db, from, before, &s->opening_fen) != DB_OK ||
	    db_operating_range(
	        db, from, to, before, operating_statement_line, s) != DB_OK)
		return -1;
	s->closing_fen =
	    s->opening_fen + s->income_fen - s->cost_fen + s->transfers_fen;
	return 0;
}

static int
operating_notice_transfer(const void *row, void *arg)
{
	struct op_notice *o = arg;

	if (o->n == OP_NOTICE_TRANSFERS) {
		o->more++;
		return 0;
	}
	o->tr[o->n++] = *(const struct db_op_transfer *)row;
	return 0;
}

/*
 * The notice's charity-sale section (义卖收入及使用): the month's
 * statement, its sales, and the transfers confirmed in it with their
 * reasons; for the public (n->as_of set), as the ledger stood at the
 * start of today, as the rest of the notice.
 */
int
operating_notice(struct db *db, const struct notice *n, struct op_notice *o)
{
	struct db_asof a;
	int64_t before = INT64_MAX;
	time_t t;
	int k;

	memset(o, 0, sizeof(*o));
	if (n->as_of[0] != '\0') {
		if ((k = notice_asof(db, &a)) < 0)
			return -1;
		if (k) {
			if (clock_date_epoch(n->as_of, &t) != 0)
				return -1;
			before = (int64_t)t;
		}
	}
	if (operating_statement(db, n->period, n->period, before, &o->s) != 0 ||
	    db_sale_totals(db, n->period, n->period, before, &o->sales) !=
	        DB_OK ||
	    db_operating_transfer_confirmed(
	        db, n->period, before, operating_notice_transfer, o) != DB_OK)
		return -1;
	return 0;
}
