/* Charity sales (慈善义卖): prices, sellable lots, sales, lines, refunds. */
#include <string.h>

#include "db_int.h"

static const char SQL_PRICE_SET[] =
    "UPDATE items SET sale_price_fen = nullif(?2, 0) WHERE id = ?1";
#define SALE_ITEM_COLS                                                         \
	"i.id, i.name, i.active, coalesce(i.sale_price_fen, 0), "              \
	"coalesce((SELECT sum(on_hand) FROM lots WHERE item_id = i.id AND "    \
	"on_hand > 0 AND sale_allowed = 1 AND (expires_on IS NULL OR "         \
	"expires_on >= ?2)), 0) "
static const char SQL_ITEM_BY_ID[] =
    "SELECT " SALE_ITEM_COLS "FROM items i WHERE i.id = ?1";
static const char SQL_ITEM_BY_BARCODE[] =
    "SELECT " SALE_ITEM_COLS "FROM barcodes b JOIN items i ON "
    "i.id = b.item_id WHERE b.code = ?1";
/* The lots a sale may take today, first-expiring first, as the
 * distributions' (db_dist_lots) but only those whose donation line
 * allowed a sale. */
static const char SQL_LOTS_EXPIRING[] =
    "SELECT id, on_hand, unit_value_fen FROM lots WHERE item_id = ?1 "
    "AND on_hand > 0 "
    "AND sale_allowed = 1 AND expires_on >= ?2 ORDER BY expires_on, id";
static const char SQL_LOTS_LASTING[] =
    "SELECT id, on_hand, unit_value_fen FROM lots WHERE item_id = ?1 "
    "AND on_hand > 0 "
    "AND sale_allowed = 1 AND expires_on IS NULL ORDER BY id";
static const char SQL_TILL_BUMP[] =
    "UPDATE tills SET last_sale = last_sale + 1 WHERE id = ?1";
static const char SQL_TILL_FIRST[] =
    "INSERT INTO tills(id, last_receipt, last_sale) VALUES (?1, 0, 1)";
static const char SQL_TILL_LAST[] = "SELECT last_sale FROM tills WHERE id = ?1";
static const char SQL_SALE_INSERT[] =
    "INSERT INTO sales(client_id, req_hash, till_id, receipt_seq, "
    "receipt_no, total_fen, method, reference, user_id, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, nullif(?9, 0), ?10)";
#define SALE_COLS                                                              \
	"s.id, s.client_id, s.req_hash, s.till_id, s.receipt_seq, "            \
	"s.receipt_no, s.total_fen, s.method, s.reference, "                   \
	"coalesce(s.user_id, 0), s.created_at, coalesce(r.id, 0) FROM sales "  \
	"s LEFT JOIN sale_refunds r ON r.sale_id = s.id "
static const char SQL_SALE_BY_CLIENT[] =
    "SELECT " SALE_COLS "WHERE s.client_id = ?1";
static const char SQL_SALE_BY_ID[] = "SELECT " SALE_COLS "WHERE s.id = ?1";
static const char SQL_SALE_LIST[] =
    "SELECT " SALE_COLS "WHERE s.id > ?1 AND s.created_at >= ?2 AND "
    "s.created_at < ?3 ORDER BY s.id LIMIT ?4";
static const char SQL_LINE_INSERT[] =
    "INSERT INTO sale_lines(sale_id, item_id, quantity, unit_price_fen, "
    "amount_fen) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LINES_OF[] =
    "SELECT l.id, l.sale_id, l.item_id, i.name, l.quantity, "
    "l.unit_price_fen, l.amount_fen FROM sale_lines l JOIN items i ON "
    "i.id = l.item_id WHERE l.sale_id = ?1 ORDER BY l.id";
static const char SQL_LINE_LOTS[] =
    "SELECT lot_id, -quantity FROM movements WHERE ref_id = ?1 "
    "AND kind = 'sell' ORDER BY id";
static const char SQL_REFUND_INSERT[] =
    "INSERT INTO sale_refunds(client_id, req_hash, sale_id, reason, "
    "user_id, created_at) VALUES (?1, ?2, ?3, ?4, nullif(?5, 0), ?6)";
static const char SQL_REFUND_BY_CLIENT[] =
    "SELECT r.id, r.client_id, r.req_hash, r.sale_id, r.reason, "
    "coalesce(r.user_id, 0), r.created_at, s.total_fen FROM sale_refunds r "
    "JOIN sales s ON s.id = r.sale_id WHERE r.client_id = ?1";
/* A period's sales by the month they were made in, and their refunds by
 * the month they were refunded in (the operating entries' months). */
static const char SQL_TOTALS[] =
    "SELECT count(*) FILTER (WHERE kind = 'sale'), coalesce(sum(amount_fen) "
    "FILTER (WHERE kind = 'sale'), 0), count(*) FILTER (WHERE kind = "
    "'refund'), coalesce(-sum(amount_fen) FILTER (WHERE kind = 'refund'), "
    "0) FROM operating_entries WHERE period >= ?1 AND period <= ?2 AND "
    "account = 'sales' AND at < ?3";

int
db_sale_price_set(struct db *db, int64_t item, int64_t price_fen)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_PRICE_SET)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_int64(st, 2, price_fen);
	if ((rc = db_step_done(db, st, "sale price")) != DB_OK)
		return rc;
	return db_changes(db) == 0 ? DB_NONE : DB_OK;
}

static void
db_sale_item_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_sale_item *it = row;

	(void)db;
	memset(it, 0, sizeof(*it));
	it->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, it->name, sizeof(it->name));
	it->active = sqlite3_column_int(st, 2);
	it->sale_price_fen = sqlite3_column_int64(st, 3);
	it->sellable = sqlite3_column_int64(st, 4);
}

/* The item of code (or, code NULL, of id), its price and what of it
 * may be sold today. */
int
db_sale_item(struct db *db, const char *code, int64_t id, const char *today,
    struct db_sale_item *it)
{
	sqlite3_stmt *st;

	st = db_stmt_item(db, SQL_ITEM_BY_BARCODE, SQL_ITEM_BY_ID, code, id);
	if (st == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	return db_one(db, st, it, db_sale_item_fill, "sale item");
}

int
db_sale_lots(
    struct db *db, int64_t item, const char *today, db_row_cb cb, void *arg)
{
	return db_lots_fefo(db, SQL_LOTS_EXPIRING, SQL_LOTS_LASTING, item,
	    today, cb, arg, "sale lots");
}

/* The till's next sale receipt number. */
int
db_sale_till_next(struct db *db, const char *till, int64_t *seq)
{
	return db_till_count(db, SQL_TILL_BUMP, SQL_TILL_FIRST, SQL_TILL_LAST,
	    till, seq, "sale till");
}

int
db_sale_insert(struct db *db, struct db_sale *s)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SALE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, s->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, s->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, s->receipt_seq);
	sqlite3_bind_text(st, 5, s->receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, s->total_fen);
	sqlite3_bind_text(st, 7, s->method, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, s->reference, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, s->user_id);
	sqlite3_bind_int64(st, 10, s->created_at);
	return db_insert(db, st, &s->id, "sale insert");
}

static void
db_sale_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_sale *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->client_id, sizeof(s->client_id));
	db_col_blob(st, 2, s->req_hash, sizeof(s->req_hash));
	db_col_text(st, 3, s->till_id, sizeof(s->till_id));
	s->receipt_seq = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, s->receipt_no, sizeof(s->receipt_no));
	s->total_fen = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, s->method, sizeof(s->method));
	db_col_text(st, 8, s->reference, sizeof(s->reference));
	s->user_id = sqlite3_column_int64(st, 9);
	s->created_at = sqlite3_column_int64(st, 10);
	s->refund_id = sqlite3_column_int64(st, 11);
}

int
db_sale_by_client(struct db *db, const char *client_id, struct db_sale *s)
{
	return db_one_text(
	    db, SQL_SALE_BY_CLIENT, client_id, s, db_sale_fill, "sale");
}

int
db_sale_by_id(struct db *db, int64_t id, struct db_sale *s)
{
	return db_one_id(db, SQL_SALE_BY_ID, id, s, db_sale_fill, "sale");
}

/* Sales made in [from, to), oldest first, after the cursor. */
int
db_sale_list(struct db *db, int64_t from, int64_t to, int64_t after, int limit,
    db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_sale s;

	if ((st = db_stmt(db, SQL_SALE_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	sqlite3_bind_int(st, 4, limit > 0 ? limit : -1);
	return db_rows(db, st, &s, db_sale_fill, cb, arg, "sale list");
}

int
db_sale_line_insert(struct db *db, struct db_sale_line *l)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_LINE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, l->sale_id);
	sqlite3_bind_int64(st, 2, l->item_id);
	sqlite3_bind_int64(st, 3, l->quantity);
	sqlite3_bind_int64(st, 4, l->unit_price_fen);
	sqlite3_bind_int64(st, 5, l->amount_fen);
	return db_insert(db, st, &l->id, "sale line insert");
}

static void
db_sale_line_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_sale_line *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->sale_id = sqlite3_column_int64(st, 1);
	l->item_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, l->name, sizeof(l->name));
	l->quantity = sqlite3_column_int64(st, 4);
	l->unit_price_fen = sqlite3_column_int64(st, 5);
	l->amount_fen = sqlite3_column_int64(st, 6);
}

int
db_sale_lines(struct db *db, int64_t sale, db_row_cb cb, void *arg)
{
	struct db_sale_line l;

	return db_rows_id(db, SQL_LINES_OF, sale, &l, db_sale_line_fill, cb,
	    arg, "sale lines");
}

/* The lots a sale line took from, and how many of each: int64_t[2]. */
int
db_sale_line_lots(struct db *db, int64_t line, db_row_cb cb, void *arg)
{
	return db_pairs_id(db, SQL_LINE_LOTS, line, cb, arg, "sale line lots");
}

int
db_sale_refund_insert(struct db *db, struct db_sale_refund *r)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_REFUND_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, r->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, r->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->sale_id);
	sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, r->user_id);
	sqlite3_bind_int64(st, 6, r->created_at);
	return db_insert(db, st, &r->id, "refund insert");
}

static void
db_sale_refund_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_sale_refund *r = row;

	(void)db;
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, r->client_id, sizeof(r->client_id));
	db_col_blob(st, 2, r->req_hash, sizeof(r->req_hash));
	r->sale_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, r->reason, sizeof(r->reason));
	r->user_id = sqlite3_column_int64(st, 5);
	r->created_at = sqlite3_column_int64(st, 6);
	r->amount_fen = sqlite3_column_int64(st, 7);
}

int
db_sale_refund_by_client(
    struct db *db, const char *client_id, struct db_sale_refund *r)
{
	return db_one_text(db, SQL_REFUND_BY_CLIENT, client_id, r,
	    db_sale_refund_fill, "refund");
}

static void
db_sale_totals_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_sale_totals *t = row;

	(void)db;
	t->sales = sqlite3_column_int64(st, 0);
	t->gross_fen = sqlite3_column_int64(st, 1);
	t->refunds = sqlite3_column_int64(st, 2);
	t->refunded_fen = sqlite3_column_int64(st, 3);
	t->net_fen = t->gross_fen - t->refunded_fen;
}

/* The sales of the months from .. to (YYYY-MM, both included) and the
 * refunds made in them, as the operating ledger counts them, of those
 * written before the time before (INT64_MAX: all). */
int
db_sale_totals(struct db *db, const char *from, const char *to, int64_t before,
    struct db_sale_totals *t)
{
	sqlite3_stmt *st;

	memset(t, 0, sizeof(*t));
	if ((st = db_stmt(db, SQL_TOTALS)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, before);
	return db_one(db, st, t, db_sale_totals_fill, "sale totals");
}
