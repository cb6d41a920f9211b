/* Distributions, their lines, voids, receipts per till, limits taken. */
#include <string.h>

#include "db_int.h"

/* Three statements instead of an upsert with RETURNING, which collects
 * its row in a temporary b-tree: a till exists after its first receipt,
 * so it is an update and a read. */
static const char SQL_TILL_BUMP[] =
    "UPDATE tills SET last_receipt = last_receipt + 1 WHERE id = ?1";
static const char SQL_TILL_FIRST[] =
    "INSERT INTO tills(id, last_receipt) VALUES (?1, 1)";
static const char SQL_TILL_LAST[] =
    "SELECT last_receipt FROM tills WHERE id = ?1";
static const char SQL_DIST_INSERT[] =
    "INSERT INTO distributions(client_id, req_hash, till_id, receipt_seq, "
    "receipt_no, household_id, period, points_total, points_balance, "
    "transfer_id, user_id, created_at, hcategory) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, nullif(?10, 0), nullif(?11, 0), ?12, ?13)";
#define DIST_COLS                                                              \
	"d.id, d.client_id, d.req_hash, d.till_id, d.receipt_seq, "            \
	"d.receipt_no, d.household_id, d.period, d.points_total, "             \
	"d.points_balance, coalesce(d.transfer_id, 0), "                       \
	"coalesce(d.user_id, 0), d.created_at, coalesce(v.id, 0) "             \
	"FROM distributions d LEFT JOIN voids v ON v.distribution_id = d.id "
static const char SQL_DIST_BY_CLIENT[] =
    "SELECT " DIST_COLS "WHERE d.client_id = ?1";
static const char SQL_DIST_BY_ID[] = "SELECT " DIST_COLS "WHERE d.id = ?1";
static const char SQL_DIST_RECENT[] =
    "SELECT " DIST_COLS "WHERE d.household_id = ?1 ORDER BY "
    "d.id DESC LIMIT ?2";
/* The list: every filter in each statement; each leads with the one
 * whose index finds its rows (a receipt's till and number, the household's,
 * the till's, the time's: "+d.id" keeps the rowid from being chosen
 * instead), or none, so a filtered page reads its own rows, not the
 * table. */
#define DIST_FILTER                                                            \
	"d.created_at >= ?2 AND d.created_at < ?3 "                            \
	"AND (?4 = 0 OR d.household_id = ?4) "                                 \
	"AND (?5 IS NULL OR d.till_id = ?5) "                                  \
	"AND (?7 IS NULL OR d.receipt_no = ?7) ORDER BY d.id LIMIT ?6"
static const char SQL_DIST_LIST[] =
    "SELECT " DIST_COLS "WHERE d.id > ?1 AND " DIST_FILTER;
static const char SQL_DIST_LIST_RECEIPT[] =
    "SELECT " DIST_COLS "WHERE d.till_id = ?8 AND d.receipt_seq = ?9 AND "
    "d.id > ?1 AND " DIST_FILTER;
static const char SQL_DIST_LIST_HOUSEHOLD[] =
    "SELECT " DIST_COLS
    "WHERE d.household_id = ?4 AND d.id > ?1 AND " DIST_FILTER;
static const char SQL_DIST_LIST_TILL[] =
    "SELECT " DIST_COLS "WHERE d.till_id = ?5 AND d.id > ?1 AND " DIST_FILTER;
static const char SQL_DIST_LIST_DAYS[] =
    "SELECT " DIST_COLS "WHERE +d.id > ?1 AND " DIST_FILTER;
static const char SQL_LINE_INSERT[] =
    "INSERT INTO distribution_lines(distribution_id, item_id, quantity, "
    "points, value_fen, monthly_limit) VALUES (?1, ?2, ?3, ?4, ?5, "
    "nullif(?6, 0))";
/* Up to DB_ROWS_MAX lines a statement, as db_movements_insert. */
#define LINES_INSERT                                                           \
	"INSERT INTO distribution_lines(distribution_id, item_id, quantity, "  \
	"points, value_fen, monthly_limit) VALUES "
#define LINES_ROW "(?, ?, ?, ?, ?, nullif(?, 0))"
static const char SQL_LINES_INSERT_2[] = LINES_INSERT LINES_ROW ", " LINES_ROW;
static const char SQL_LINES_INSERT_3[] =
    LINES_INSERT LINES_ROW ", " LINES_ROW ", " LINES_ROW;
static const char SQL_LINES_INSERT_4[] =
    LINES_INSERT LINES_ROW ", " LINES_ROW ", " LINES_ROW ", " LINES_ROW;
static const char SQL_LINES_OF[] =
    "SELECT l.id, l.distribution_id, l.item_id, i.name, l.quantity, "
    "l.points, l.value_fen, coalesce(l.monthly_limit, 0) FROM "
    "distribution_lines l JOIN items i ON i.id = l.item_id "
    "WHERE l.distribution_id = ?1 ORDER BY l.id";
static const char SQL_LINE_LOTS[] =
    "SELECT lot_id, -quantity FROM movements WHERE ref_id = ?1 "
    "AND kind = 'distribute' ORDER BY id";
/* A basket line's item, by id or by barcode, with what the household
 * has taken of it in the period when the item has a monthly limit: one
 * statement a line. */
#define DIST_ITEM_COLS                                                         \
	"i.id, i.name, i.category, i.unit_value_fen, i.points, "               \
	"coalesce(i.monthly_limit, 0), i.priority_only, "                      \
	"CASE WHEN i.monthly_limit IS NULL THEN 0 ELSE coalesce((SELECT "      \
	"m.quantity FROM household_item_month m WHERE m.household_id = ?2 "    \
	"AND m.item_id = i.id AND m.period = ?3), 0) END, i.active "
static const char SQL_DIST_ITEM_BY_ID[] =
    "SELECT " DIST_ITEM_COLS "FROM items i WHERE i.id = ?1";
static const char SQL_DIST_ITEM_BY_BARCODE[] =
    "SELECT " DIST_ITEM_COLS "FROM barcodes b JOIN items i "
    "ON i.id = b.item_id WHERE b.code = ?1";
/* The lots that may be handed out today, first-expiring first: those
 * that expire in lots_live's order (item_id, expires_on, then id), then
 * those that never do, by id. Two statements, so that neither sorts. */
static const char SQL_DIST_LOTS_EXPIRING[] =
    "SELECT id, on_hand, unit_value_fen FROM lots WHERE item_id = ?1 "
    "AND on_hand > 0 "
    "AND expires_on >= ?2 ORDER BY expires_on, id";
static const char SQL_DIST_LOTS_LASTING[] =
    "SELECT id, on_hand, unit_value_fen FROM lots WHERE item_id = ?1 "
    "AND on_hand > 0 "
    "AND expires_on IS NULL ORDER BY id";
static const char SQL_VOID_INSERT[] =
    "INSERT INTO voids(client_id, req_hash, distribution_id, reason, "
    "transfer_id, user_id, created_at) VALUES (?1, ?2, ?3, ?4, "
    "nullif(?5, 0), nullif(?6, 0), ?7)";
static const char SQL_VOID_BY_CLIENT[] =
    "SELECT id, client_id, req_hash, distribution_id, reason, "
    "coalesce(transfer_id, 0), coalesce(user_id, 0), created_at FROM voids "
    "WHERE client_id = ?1";
static const char SQL_LIMITS[] =
    "SELECT i.id, i.name, i.monthly_limit, m.quantity FROM "
    "household_item_month m JOIN items i ON i.id = m.item_id "
    "WHERE m.household_id = ?1 AND m.period = ?2 AND m.quantity > 0 "
    "AND i.monthly_limit IS NOT NULL ORDER BY i.id";

/*
 * A till's next number of one kind (its receipts, its sales: db_till_next,
 * db_sale_till_next), with no gaps (it rolls back with its transaction),
 * never reused: bump adds one to the till's counter; where the till has
 * no row yet, first inserts it with the counter at 1; last reads it back.
 * Each binds the till to ?1.
 */
int
db_till_count(struct db *db, const char *bump, const char *first,
    const char *last, const char *till, int64_t *seq, const char *what)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, bump)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, till, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, what)) != DB_OK)
		return rc;
	if (db_changes(db) == 0) {
		if ((st = db_stmt(db, first)) == NULL)
			return DB_ERR;
		sqlite3_bind_text(st, 1, till, -1, SQLITE_STATIC);
		*seq = 1;
		return db_step_done(db, st, what);
	}
	if ((st = db_stmt(db, last)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, till, -1, SQLITE_STATIC);
	return db_ints(db, st, seq, NULL, what);
}

/* The till's next receipt number. */
int
db_till_next(struct db *db, const char *till, int64_t *seq)
{
	return db_till_count(db, SQL_TILL_BUMP, SQL_TILL_FIRST, SQL_TILL_LAST,
	    till, seq, "till");
}

int
db_dist_insert(struct db *db, struct db_distribution *d)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_DIST_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, d->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, d->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, d->receipt_seq);
	sqlite3_bind_text(st, 5, d->receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, d->household_id);
	sqlite3_bind_text(st, 7, d->period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, d->points_total);
	sqlite3_bind_int64(st, 9, d->points_balance);
	sqlite3_bind_int64(st, 10, d->transfer_id);
	sqlite3_bind_int64(st, 11, d->user_id);
	sqlite3_bind_int64(st, 12, d->created_at);
	sqlite3_bind_text(st, 13, d->hcategory, -1, SQLITE_STATIC);
	return db_insert(db, st, &d->id, "distribution insert");
}

static void
db_dist_line_bind(sqlite3_stmt *st, int p, int i, void *arg)
{
	const struct db_dist_line *l = (const struct db_dist_line *)arg + i;

	sqlite3_bind_int64(st, p, l->distribution_id);
	sqlite3_bind_int64(st, p + 1, l->item_id);
	sqlite3_bind_int64(st, p + 2, l->quantity);
	sqlite3_bind_int64(st, p + 3, l->points);
	sqlite3_bind_int64(st, p + 4, l->value_fen);
	sqlite3_bind_int64(st, p + 5, l->monthly_limit);
}

int
db_dist_lines_insert(struct db *db, struct db_dist_line *l, int n)
{
	static const char *const sql[DB_ROWS_MAX] = {SQL_LINE_INSERT,
	    SQL_LINES_INSERT_2, SQL_LINES_INSERT_3, SQL_LINES_INSERT_4};
	int64_t last;
	int i, rc;

	if ((rc = db_chunks(db, sql, n, 6, db_dist_line_bind, l, &last,
	         "line insert")) != DB_OK)
		return rc;
	for (i = 0; i < n; i++)
		l[i].id = last - n + 1 + i;
	return DB_OK;
}

static void
db_dist_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_distribution *d = row;

	(void)db;
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, d->client_id, sizeof(d->client_id));
	db_col_blob(st, 2, d->req_hash, sizeof(d->req_hash));
	db_col_text(st, 3, d->till_id, sizeof(d->till_id));
	d->receipt_seq = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, d->receipt_no, sizeof(d->receipt_no));
	d->household_id = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, d->period, sizeof(d->period));
	d->points_total = sqlite3_column_int64(st, 8);
	d->points_balance = sqlite3_column_int64(st, 9);
	d->transfer_id = sqlite3_column_int64(st, 10);
	d->user_id = sqlite3_column_int64(st, 11);
	d->created_at = sqlite3_column_int64(st, 12);
	d->void_id = sqlite3_column_int64(st, 13);
}

int
db_dist_by_client(struct db *db, const char *cid, struct db_distribution *d)
{
	return db_one_text(
	    db, SQL_DIST_BY_CLIENT, cid, d, db_dist_fill, "distribution");
}

int
db_dist_by_id(struct db *db, int64_t id, struct db_distribution *d)
{
	return db_one_id(
	    db, SQL_DIST_BY_ID, id, d, db_dist_fill, "distribution");
}

int
db_dist_list(struct db *db, const struct db_dist_filter *q, int64_t after,
    int limit, db_row_cb cb, void *arg)
{
	struct db_distribution d;
	sqlite3_stmt *st;
	const char *sql = SQL_DIST_LIST;

	if (q->receipt_no != NULL)
		sql = SQL_DIST_LIST_RECEIPT;
	else if (q->household > 0)
		sql = SQL_DIST_LIST_HOUSEHOLD;
	else if (q->till != NULL)
		sql = SQL_DIST_LIST_TILL;
	else if (q->from > 0 && q->to < INT64_MAX)
		sql = SQL_DIST_LIST_DAYS;
	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, q->from);
	sqlite3_bind_int64(st, 3, q->to);
	sqlite3_bind_int64(st, 4, q->household);
	if (q->till != NULL)
		sqlite3_bind_text(st, 5, q->till, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, limit);
	if (q->receipt_no != NULL) {
		sqlite3_bind_text(st, 7, q->receipt_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, q->receipt_till, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 9, q->receipt_seq);
	}
	return db_rows(db, st, &d, db_dist_fill, cb, arg, "distribution list");
}

/* A household's last n distributions, newest first. */
int
db_dist_recent(struct db *db, int64_t household, int n, db_row_cb cb, void *arg)
{
	struct db_distribution d;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_DIST_RECENT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, household);
	sqlite3_bind_int(st, 2, n);
	return db_rows(db, st, &d, db_dist_fill, cb, arg, "recent");
}

static void
db_line_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_dist_line *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->distribution_id = sqlite3_column_int64(st, 1);
	l->item_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, l->name, sizeof(l->name));
	l->quantity = sqlite3_column_int64(st, 4);
	l->points = sqlite3_column_int64(st, 5);
	l->value_fen = sqlite3_column_int64(st, 6);
	l->monthly_limit = sqlite3_column_int64(st, 7);
}

int
db_dist_lines(struct db *db, int64_t dist, db_row_cb cb, void *arg)
{
	struct db_dist_line l;

	return db_rows_id(
	    db, SQL_LINES_OF, dist, &l, db_line_fill, cb, arg, "lines");
}

/* Each row: int64_t[2] = { lot id, quantity taken from it }. */
int
db_dist_line_lots(struct db *db, int64_t line, db_row_cb cb, void *arg)
{
	return db_pairs_id(db, SQL_LINE_LOTS, line, cb, arg, "line lots");
}

/* A line's item, and what its household took of it. */
struct db_dist_item_row {
	struct db_item *it;
	int64_t *taken;
};

static void
db_dist_item_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_dist_item_row *r = row;
	struct db_item *it = r->it;

	(void)db;
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, it->name, sizeof(it->name));
	db_col_text(st, 2, it->category, sizeof(it->category));
	it->unit_value_fen = sqlite3_column_int64(st, 3);
	it->points = sqlite3_column_int64(st, 4);
	it->monthly_limit = sqlite3_column_int64(st, 5);
	it->priority_only = sqlite3_column_int(st, 6);
	*r->taken = sqlite3_column_int64(st, 7);
	it->active = sqlite3_column_int(st, 8);
}

/* The item of code (or, code NULL, of id), and in *taken what household
 * took of it in period if it has a monthly limit (else 0). The item's
 * barcodes are not read. */
int
db_dist_item(struct db *db, const char *code, int64_t id, int64_t household,
    const char *period, struct db_item *it, int64_t *taken)
{
	struct db_dist_item_row row = {it, taken};
	sqlite3_stmt *st;

	st = db_stmt_item(
	    db, SQL_DIST_ITEM_BY_BARCODE, SQL_DIST_ITEM_BY_ID, code, id);
	if (st == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 2, household);
	sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
	return db_one(db, st, &row, db_dist_item_fill, "line item");
}

/*
 * The lots of item that may be handed out on today, first-expiring
 * first; each row: int64_t[2] = { lot id, on hand }. cb != 0 stops.
 */
int
db_dist_lots(
    struct db *db, int64_t item, const char *today, db_row_cb cb, void *arg)
{
	return db_lots_fefo(db, SQL_DIST_LOTS_EXPIRING, SQL_DIST_LOTS_LASTING,
	    item, today, cb, arg, "line lots");
}

int
db_void_insert(struct db *db, struct db_void *v)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_VOID_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, v->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, v->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, v->distribution_id);
	sqlite3_bind_text(st, 4, v->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, v->transfer_id);
	sqlite3_bind_int64(st, 6, v->user_id);
	sqlite3_bind_int64(st, 7, v->created_at);
	return db_insert(db, st, &v->id, "void insert");
}

static void
db_void_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_void *v = row;

	(void)db;
	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, v->client_id, sizeof(v->client_id));
	db_col_blob(st, 2, v->req_hash, sizeof(v->req_hash));
	v->distribution_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, v->reason, sizeof(v->reason));
	v->transfer_id = sqlite3_column_int64(st, 5);
	v->user_id = sqlite3_column_int64(st, 6);
	v->created_at = sqlite3_column_int64(st, 7);
}

int
db_void_by_client(struct db *db, const char *cid, struct db_void *v)
{
	return db_one_text(
	    db, SQL_VOID_BY_CLIENT, cid, v, db_void_fill, "void");
}

static void
db_limit_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_limit *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->item_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, l->name, sizeof(l->name));
	l->monthly_limit = sqlite3_column_int64(st, 2);
	l->taken = sqlite3_column_int64(st, 3);
}

/* The limited items a household has taken of in period. */
int
db_limit_list(struct db *db, int64_t household, const char *period,
    db_row_cb cb, void *arg)
{
	struct db_limit l;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_LIMITS)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, household);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	return db_rows(db, st, &l, db_limit_fill, cb, arg, "limits");
}
