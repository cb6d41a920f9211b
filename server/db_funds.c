/* Funds, expenses, and the money ledger's entries. */
#include <string.h>

#include "db_int.h"

static const char SQL_FUND_INSERT[] =
    "INSERT INTO funds(name, kind, restricted, purpose, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
#define FUND_COLS                                                              \
	"id, name, kind, restricted, purpose, balance_fen, created_at FROM "   \
	"funds "
static const char SQL_FUND_BY_ID[] = "SELECT " FUND_COLS "WHERE id = ?1";
static const char SQL_FUND_LIST[] = "SELECT " FUND_COLS "ORDER BY id";
static const char SQL_EXPENSE_INSERT[] =
    "INSERT INTO expenses(client_id, req_hash, fund_id, amount_fen, purpose, "
    "spent_on, created_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "nullif(?8, 0))";
static const char SQL_EXPENSE_BY_CLIENT[] =
    "SELECT id, client_id, req_hash, fund_id, amount_fen, purpose, "
    "spent_on, created_at, coalesce(user_id, 0) FROM expenses "
    "WHERE client_id = ?1";
static const char SQL_ENTRY_INSERT[] =
    "INSERT INTO fund_entries(fund_id, kind, amount_fen, donation_id, "
    "expense_id, at, user_id) VALUES (?1, ?2, ?3, nullif(?4, 0), "
    "nullif(?5, 0), ?6, nullif(?7, 0))";

/*
 * A page of a fund's entries, oldest first, each with the balance after
 * it: the sum of the entries up to the cursor, plus a running sum over
 * the page (a window over the page alone, so a page costs its own rows
 * and one index range, not the whole ledger).
 */
static const char SQL_ENTRY_PAGE[] =
    "SELECT p.id, p.at, p.kind, p.amount_fen, p.donation_id, p.expense_id, "
    "p.user_id, (SELECT coalesce(sum(amount_fen), 0) FROM fund_entries "
    "WHERE fund_id = ?1 AND id <= ?2) + sum(p.amount_fen) OVER "
    "(ORDER BY p.id ROWS UNBOUNDED PRECEDING), coalesce(d.received_on, "
    "x.spent_on, ''), coalesce(d.receipt_code, ''), "
    "coalesce(d.donor_id, 0), coalesce(dn.name, x.purpose, '') "
    "FROM (SELECT id, at, kind, amount_fen, "
    "coalesce(donation_id, 0) AS donation_id, "
    "coalesce(expense_id, 0) AS expense_id, "
    "coalesce(user_id, 0) AS user_id FROM fund_entries "
    "WHERE fund_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3) p "
    "LEFT JOIN donations d ON d.id = p.donation_id "
    "LEFT JOIN donors dn ON dn.id = d.donor_id "
    "LEFT JOIN expenses x ON x.id = p.expense_id ORDER BY p.id";

static void
db_fund_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_fund *f = row;

	(void)db;
	memset(f, 0, sizeof(*f));
	f->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, f->name, sizeof(f->name));
	db_col_text(st, 2, f->kind, sizeof(f->kind));
	f->restricted = sqlite3_column_int(st, 3);
	db_col_text(st, 4, f->purpose, sizeof(f->purpose));
	f->balance_fen = sqlite3_column_int64(st, 5);
	f->created_at = sqlite3_column_int64(st, 6);
}

int
db_fund_insert(struct db *db, struct db_fund *f)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_FUND_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, f->restricted);
	sqlite3_bind_text(st, 4, f->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->created_at);
	return db_insert(db, st, &f->id, "fund insert");
}

int
db_fund_by_id(struct db *db, int64_t id, struct db_fund *f)
{
	return db_one_id(db, SQL_FUND_BY_ID, id, f, db_fund_fill, "fund");
}

int
db_fund_list(struct db *db, db_row_cb cb, void *arg)
{
	struct db_fund f;

	return db_rows(db, db_stmt(db, SQL_FUND_LIST), &f, db_fund_fill, cb,
	    arg, "fund list");
}

int
db_expense_insert(struct db *db, struct db_expense *x)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_EXPENSE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, x->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, x->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, x->fund_id);
	sqlite3_bind_int64(st, 4, x->amount_fen);
	sqlite3_bind_text(st, 5, x->purpose, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, x->spent_on, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, x->created_at);
	sqlite3_bind_int64(st, 8, x->user_id);
	return db_insert(db, st, &x->id, "expense insert");
}

static void
db_expense_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_expense *x = row;

	(void)db;
	memset(x, 0, sizeof(*x));
	x->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, x->client_id, sizeof(x->client_id));
	db_col_blob(st, 2, x->req_hash, sizeof(x->req_hash));
	x->fund_id = sqlite3_column_int64(st, 3);
	x->amount_fen = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, x->purpose, sizeof(x->purpose));
	db_col_text(st, 6, x->spent_on, sizeof(x->spent_on));
	x->created_at = sqlite3_column_int64(st, 7);
	x->user_id = sqlite3_column_int64(st, 8);
}

int
db_expense_by_client(struct db *db, const char *cid, struct db_expense *x)
{
	return db_one_text(
	    db, SQL_EXPENSE_BY_CLIENT, cid, x, db_expense_fill, "expense");
}

int
db_fund_entry_insert(struct db *db, struct db_fund_entry *e)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ENTRY_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, e->fund_id);
	sqlite3_bind_text(st, 2, e->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->amount_fen);
	sqlite3_bind_int64(st, 4, e->donation_id);
	sqlite3_bind_int64(st, 5, e->expense_id);
	sqlite3_bind_int64(st, 6, e->at);
	sqlite3_bind_int64(st, 7, e->user_id);
	return db_insert(db, st, &e->id, "fund entry insert");
}

static void
db_fund_line_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_fund_line *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->at = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, l->kind, sizeof(l->kind));
	l->amount_fen = sqlite3_column_int64(st, 3);
	l->donation_id = sqlite3_column_int64(st, 4);
	l->expense_id = sqlite3_column_int64(st, 5);
	l->user_id = sqlite3_column_int64(st, 6);
	l->balance_fen = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, l->date, sizeof(l->date));
	db_col_text(st, 9, l->receipt_code, sizeof(l->receipt_code));
	l->donor_id = sqlite3_column_int64(st, 10);
	db_col_text(st, 11, l->description, sizeof(l->description));
}

/* Fund's entries after entry id after, at most limit, oldest first. */
int
db_fund_lines(struct db *db, int64_t fund, int64_t after, int limit,
    db_row_cb cb, void *arg)
{
	struct db_fund_line l;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ENTRY_PAGE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, fund);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int(st, 3, limit);
	return db_rows(db, st, &l, db_fund_line_fill, cb, arg, "fund entries");
}
