/*
 * The operating line (收支两条线): its accounts, its ledger of entries,
 * and the transfer decisions between it and the donation funds.
 */
#include <string.h>

#include "db_int.h"

static const char SQL_ACCOUNTS[] =
    "SELECT code, side, name, total_fen FROM operating_accounts ORDER BY "
    "CASE side WHEN 'income' THEN 0 WHEN 'cost' THEN 1 ELSE 2 END, code";
static const char SQL_ACCOUNT[] =
    "SELECT code, side, name, total_fen FROM operating_accounts "
    "WHERE code = ?1";
static const char SQL_BALANCE[] =
    "SELECT coalesce(sum(total_fen), 0) FROM operating_accounts";
static const char SQL_ENTRY_INSERT[] =
    "INSERT INTO operating_entries(account, kind, amount_fen, sale_id, "
    "transfer_id, client_id, req_hash, note, period, at, user_id) VALUES "
    "(?1, ?2, ?3, nullif(?4, 0), nullif(?5, 0), nullif(?6, ''), ?7, ?8, "
    "cishan_period(?9), ?9, nullif(?10, 0))";
#define ENTRY_COLS                                                             \
	"id, account, kind, amount_fen, coalesce(sale_id, 0), "                \
	"coalesce(transfer_id, 0), coalesce(client_id, ''), req_hash, note, "  \
	"period, at, coalesce(user_id, 0) FROM operating_entries "
static const char SQL_ENTRY_BY_CLIENT[] =
    "SELECT " ENTRY_COLS "WHERE client_id = ?1";
static const char SQL_ENTRY_LIST[] =
    "SELECT " ENTRY_COLS "WHERE id > ?1 AND (?2 IS NULL OR period = ?2) "
    "ORDER BY id LIMIT ?3";
/* Per account, what its entries of the months from .. to add up to. */
static const char SQL_RANGE[] =
    "SELECT a.code, a.side, a.name, coalesce((SELECT sum(e.amount_fen) "
    "FROM operating_entries e WHERE e.account = a.code AND e.period >= ?1 "
    "AND e.period <= ?2 AND e.at < ?3), 0) FROM operating_accounts a ORDER BY "
    "CASE "
    "a.side WHEN 'income' THEN 0 WHEN 'cost' THEN 1 ELSE 2 END, a.code";
static const char SQL_BEFORE[] =
    "SELECT coalesce(sum(amount_fen), 0) FROM operating_entries "
    "WHERE period < ?1 AND at < ?2";
static const char SQL_TRANSFER_INSERT[] =
    "INSERT INTO operating_transfers(client_id, req_hash, direction, "
    "fund_id, amount_fen, reason, proposed_by, proposed_at) VALUES (?1, "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8)";
#define TRANSFER_COLS                                                          \
	"t.id, t.client_id, t.req_hash, t.direction, t.fund_id, f.name, "      \
	"t.amount_fen, t.reason, t.proposed_by, t.proposed_at, "               \
	"coalesce(c.user_id, 0), coalesce(c.at, 0) FROM operating_transfers "  \
	"t JOIN funds f ON f.id = t.fund_id LEFT JOIN operating_confirms c "   \
	"ON c.transfer_id = t.id "
static const char SQL_TRANSFER_BY_CLIENT[] =
    "SELECT " TRANSFER_COLS "WHERE t.client_id = ?1";
static const char SQL_TRANSFER_BY_ID[] =
    "SELECT " TRANSFER_COLS "WHERE t.id = ?1";
static const char SQL_TRANSFER_LIST[] =
    "SELECT " TRANSFER_COLS "WHERE t.id > ?1 ORDER BY t.id LIMIT ?2";
/* Those confirmed in a month, for its notice. */
static const char SQL_TRANSFER_CONFIRMED[] =
    "SELECT " TRANSFER_COLS "WHERE c.at IS NOT NULL AND "
    "cishan_period(c.at) = ?1 AND c.at < ?2 ORDER BY c.at, t.id";
static const char SQL_CONFIRM_INSERT[] =
    "INSERT INTO operating_confirms(transfer_id, user_id, at) "
    "VALUES (?1, ?2, ?3)";
static const char SQL_FUND_ENTRY_INSERT[] =
    "INSERT INTO fund_entries(fund_id, kind, amount_fen, op_transfer_id, "
    "at, user_id) VALUES (?1, 'operating', ?2, ?3, ?4, nullif(?5, 0))";

static void
db_operating_account_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_op_account *a = row;

	(void)db;
	memset(a, 0, sizeof(*a));
	db_col_text(st, 0, a->code, sizeof(a->code));
	db_col_text(st, 1, a->side, sizeof(a->side));
	db_col_text(st, 2, a->name, sizeof(a->name));
	a->total_fen = sqlite3_column_int64(st, 3);
}

/* The accounts with their totals since the start (costs negative). */
int
db_operating_accounts(struct db *db, db_row_cb cb, void *arg)
{
	struct db_op_account a;

	return db_rows(db, db_stmt(db, SQL_ACCOUNTS), &a,
	    db_operating_account_fill, cb, arg, "operating accounts");
}

int
db_operating_account(struct db *db, const char *code, struct db_op_account *a)
{
	return db_one_text(db, SQL_ACCOUNT, code, a, db_operating_account_fill,
	    "operating account");
}

/* What the operating line holds now: the sum of every account. */
int
db_operating_balance(struct db *db, int64_t *fen)
{
	return db_ints(
	    db, db_stmt(db, SQL_BALANCE), fen, NULL, "operating balance");
}

int
db_operating_entry_insert(struct db *db, struct db_op_entry *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ENTRY_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, e->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->amount_fen);
	sqlite3_bind_int64(st, 4, e->sale_id);
	sqlite3_bind_int64(st, 5, e->transfer_id);
	sqlite3_bind_text(st, 6, e->client_id, -1, SQLITE_STATIC);
	if (e->client_id[0] != '\0')
		sqlite3_bind_blob(st, 7, e->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, e->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, e->at);
	sqlite3_bind_int64(st, 10, e->user_id);
	return db_insert(db, st, &e->id, "operating entry insert");
}

static void
db_operating_entry_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_op_entry *e = row;

	(void)db;
	memset(e, 0, sizeof(*e));
	e->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, e->account, sizeof(e->account));
	db_col_text(st, 2, e->kind, sizeof(e->kind));
	e->amount_fen = sqlite3_column_int64(st, 3);
	e->sale_id = sqlite3_column_int64(st, 4);
	e->transfer_id = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, e->client_id, sizeof(e->client_id));
	db_col_blob(st, 7, e->req_hash, sizeof(e->req_hash));
	db_col_text(st, 8, e->note, sizeof(e->note));
	db_col_text(st, 9, e->period, sizeof(e->period));
	e->at = sqlite3_column_int64(st, 10);
	e->user_id = sqlite3_column_int64(st, 11);
}

int
db_operating_entry_by_client(
    struct db *db, const char *client_id, struct db_op_entry *e)
{
	return db_one_text(db, SQL_ENTRY_BY_CLIENT, client_id, e,
	    db_operating_entry_fill, "operating entry");
}

/* Entries after the cursor, oldest first; period NULL: every month. */
int
db_operating_entry_list(struct db *db, const char *period, int64_t after,
    int limit, db_row_cb cb, void *arg)
{
	struct db_op_entry e;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ENTRY_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	db_bind_opt(st, 2, period);
	sqlite3_bind_int(st, 3, limit > 0 ? limit : -1);
	return db_rows(
	    db, st, &e, db_operating_entry_fill, cb, arg, "operating entries");
}

/*
 * Per account, the sum of its entries in the months from .. to (YYYY-MM,
 * both included; costs negative) written before the time before
 * (INT64_MAX: all): a statement's lines, and the report's.
 */
int
db_operating_range(struct db *db, const char *from, const char *to,
    int64_t before, db_row_cb cb, void *arg)
{
	struct db_op_account a;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_RANGE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, before);
	return db_rows(
	    db, st, &a, db_operating_account_fill, cb, arg, "operating range");
}

/* What the operating line held at the start of a month (of the entries
 * written before the time before). */
int
db_operating_opening(
    struct db *db, const char *period, int64_t before, int64_t *fen)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_BEFORE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, before);
	return db_ints(db, st, fen, NULL, "operating opening");
}

int
db_operating_transfer_insert(struct db *db, struct db_op_transfer *t)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, t->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, t->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->direction, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t->fund_id);
	sqlite3_bind_int64(st, 5, t->amount_fen);
	sqlite3_bind_text(st, 6, t->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, t->proposed_by);
	sqlite3_bind_int64(st, 8, t->proposed_at);
	return db_insert(db, st, &t->id, "operating transfer insert");
}

static void
db_operating_transfer_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_op_transfer *t = row;

	(void)db;
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, t->client_id, sizeof(t->client_id));
	db_col_blob(st, 2, t->req_hash, sizeof(t->req_hash));
	db_col_text(st, 3, t->direction, sizeof(t->direction));
	t->fund_id = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, t->fund_name, sizeof(t->fund_name));
	t->amount_fen = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, t->reason, sizeof(t->reason));
	t->proposed_by = sqlite3_column_int64(st, 8);
	t->proposed_at = sqlite3_column_int64(st, 9);
	t->confirmed_by = sqlite3_column_int64(st, 10);
	t->confirmed_at = sqlite3_column_int64(st, 11);
}

int
db_operating_transfer_by_client(
    struct db *db, const char *client_id, struct db_op_transfer *t)
{
	return db_one_text(db, SQL_TRANSFER_BY_CLIENT, client_id, t,
	    db_operating_transfer_fill, "operating transfer");
}

int
db_operating_transfer_by_id(struct db *db, int64_t id, struct db_op_transfer *t)
{
	return db_one_id(db, SQL_TRANSFER_BY_ID, id, t,
	    db_operating_transfer_fill, "operating transfer");
}

int
db_operating_transfer_list(
    struct db *db, int64_t after, int limit, db_row_cb cb, void *arg)
{
	struct db_op_transfer t;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	return db_rows(db, st, &t, db_operating_transfer_fill, cb, arg,
	    "operating transfers");
}

/* The transfers confirmed in a month (YYYY-MM) before the time before, in
 * the order they were. */
int
db_operating_transfer_confirmed(
    struct db *db, const char *period, int64_t before, db_row_cb cb, void *arg)
{
	struct db_op_transfer t;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_CONFIRMED)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, before);
	return db_rows(db, st, &t, db_operating_transfer_fill, cb, arg,
	    "confirmed transfers");
}

int
db_operating_confirm_insert(
    struct db *db, int64_t transfer, int64_t user, int64_t at)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CONFIRM_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, transfer);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, at);
	return db_step_done(db, st, "operating confirm");
}

/* A fund's side of a confirmed transfer: + into it, - out of it. */
int
db_operating_fund_entry_insert(struct db *db, int64_t fund, int64_t amount,
    int64_t transfer, int64_t at, int64_t user)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_FUND_ENTRY_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, fund);
	sqlite3_bind_int64(st, 2, amount);
	sqlite3_bind_int64(st, 3, transfer);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, user);
	return db_step_done(db, st, "operating fund entry");
}
