/* Stock: lots, their movements and adjustments, and the sums. */
#include <string.h>

#include "db_int.h"

static const char SQL_LOT_INSERT[] =
    "INSERT INTO lots(item_id, source, donation_id, quantity, "
    "unit_value_fen, expires_on, location, received_on, created_at, "
    "expense_id, sale_allowed) VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, "
    "nullif(?6, ''), ?7, ?8, ?9, nullif(?10, 0), ?11)";
#define LOT_COLS                                                               \
	"id, item_id, source, coalesce(donation_id, 0), quantity, "            \
	"unit_value_fen, coalesce(expires_on, ''), location, received_on, "    \
	"on_hand, created_at, coalesce(expense_id, 0), sale_allowed"
static const char SQL_LOT_BY_ID[] =
    "SELECT " LOT_COLS " FROM lots WHERE id = ?1";
static const char SQL_LOTS_OF_DONATION[] =
    "SELECT " LOT_COLS " FROM lots WHERE donation_id = ?1 ORDER BY id";
static const char SQL_LOTS_OF_EXPENSE[] =
    "SELECT " LOT_COLS " FROM lots WHERE expense_id = ?1 ORDER BY id";
/* First-expiring-first-out; lots that never expire come last. */
static const char SQL_LOTS_LIVE[] =
    "SELECT " LOT_COLS " FROM lots WHERE item_id = ?1 AND on_hand > 0 "
    "AND (?2 IS NULL OR expires_on <= ?2) "
    "ORDER BY expires_on IS NULL, expires_on, id";
/* Lots that may be handed out today, first-expiring first. */
static const char SQL_LOTS_AVAILABLE[] =
    "SELECT " LOT_COLS " FROM lots WHERE item_id = ?1 AND on_hand > 0 "
    "AND (expires_on IS NULL OR expires_on >= ?2) "
    "ORDER BY expires_on IS NULL, expires_on, id";
static const char SQL_MOVEMENT_INSERT[] =
    "INSERT INTO movements(lot_id, item_id, kind, reason, quantity, ref_id, "
    "at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0), ?7, "
    "nullif(?8, 0))";
/* Up to DB_ROWS_MAX movements a statement: their triggers then run in one
 * frame and one statement journal, not in one each. Each row's id is one
 * past the largest (sqlite's rowid, no AUTOINCREMENT; the triggers write
 * other tables), so the rows hold the last k ids, in order. */
#define MOVEMENTS_INSERT                                                       \
	"INSERT INTO movements(lot_id, item_id, kind, reason, quantity, "      \
	"ref_id, at, user_id) VALUES "
#define MOVEMENTS_ROW "(?, ?, ?, ?, ?, nullif(?, 0), ?, nullif(?, 0))"
static const char SQL_MOVEMENTS_INSERT_2[] =
    MOVEMENTS_INSERT MOVEMENTS_ROW ", " MOVEMENTS_ROW;
static const char SQL_MOVEMENTS_INSERT_3[] =
    MOVEMENTS_INSERT MOVEMENTS_ROW ", " MOVEMENTS_ROW ", " MOVEMENTS_ROW;
static const char SQL_MOVEMENTS_INSERT_4[] = MOVEMENTS_INSERT MOVEMENTS_ROW
    ", " MOVEMENTS_ROW ", " MOVEMENTS_ROW ", " MOVEMENTS_ROW;
/* An adjustment's movement shows its note and stocktake. */
static const char SQL_MOVEMENT_LIST[] =
    "SELECT m.id, m.lot_id, m.item_id, m.kind, m.reason, m.quantity, "
    "coalesce(m.ref_id, 0), m.at, coalesce(m.user_id, 0), "
    "coalesce(a.note, ''), coalesce(a.stocktake_id, 0) FROM movements m "
    "LEFT JOIN adjustments a ON m.kind = 'adjust' AND a.id = m.ref_id "
    "WHERE m.id > ?1 AND (?2 = 0 OR m.item_id = ?2) AND m.at >= ?3 "
    "AND m.at < ?4 ORDER BY m.id LIMIT ?5";
static const char SQL_ADJUSTMENT_INSERT[] =
    "INSERT INTO adjustments(client_id, req_hash, lot_id, quantity_delta, "
    "reason, created_at, user_id, note, stocktake_id) VALUES (?1, ?2, ?3, "
    "?4, ?5, ?6, nullif(?7, 0), ?8, nullif(?9, 0))";
static const char SQL_ADJUSTMENT_BY_CLIENT[] =
    "SELECT id, client_id, req_hash, lot_id, quantity_delta, reason, "
    "created_at, coalesce(user_id, 0), note, coalesce(stocktake_id, 0) "
    "FROM adjustments WHERE client_id = ?1";
static const char SQL_STOCKTAKE_INSERT[] =
    "INSERT INTO stocktakes(client_id, req_hash, note, lots, delta, "
    "created_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0))";
static const char SQL_STOCKTAKE_BY_CLIENT[] =
    "SELECT id, client_id, req_hash, note, lots, delta, created_at, "
    "coalesce(user_id, 0) FROM stocktakes WHERE client_id = ?1";
/* A stocktake's adjustments, each with its lot as it stood before: the
 * sum of the lot's movements before the adjustment's own. */
static const char SQL_STOCKTAKE_LINES[] =
    "SELECT a.id, a.lot_id, (SELECT coalesce(sum(x.quantity), 0) FROM "
    "movements x WHERE x.lot_id = a.lot_id AND x.id < m.id), "
    "a.quantity_delta FROM adjustments a JOIN movements m ON "
    "m.kind = 'adjust' AND m.ref_id = a.id WHERE a.stocktake_id = ?1 "
    "ORDER BY a.id";
static const char SQL_STOCK_LIST[] =
    "SELECT i.id, i.name, i.category, i.unit, s.on_hand, s.value_fen, "
    "i.min_stock FROM items i JOIN stock_summary s ON s.item_id = i.id "
    "WHERE i.id > ?1 AND (?2 IS NULL OR i.category = ?2) "
    "AND (?3 IS NULL OR EXISTS (SELECT 1 FROM lots l WHERE "
    "l.item_id = i.id AND l.on_hand > 0 AND l.expires_on <= ?3)) "
    "AND (?5 IS NULL OR (i.min_stock > 0 AND s.on_hand < i.min_stock) = ?5) "
    "ORDER BY i.id LIMIT ?4";
static const char SQL_STOCK_AVAILABLE[] =
    "SELECT coalesce(sum(on_hand), 0) FROM lots WHERE item_id = ?1 "
    "AND on_hand > 0 AND (expires_on IS NULL OR expires_on >= ?2)";
static const char SQL_STOCK_OF[] =
    "SELECT on_hand, value_fen FROM stock_summary WHERE item_id = ?1";
/* Only the open month's stock figure moves during a day. */
static const char SQL_STOCK_UPTO_ASOF[] =
    "SELECT (SELECT coalesce(sum(value), 0) FROM stats "
    "WHERE metric = 'stock' AND period < ?1) + "
    "(SELECT coalesce(sum(value), 0) FROM stats_asof "
    "WHERE metric = 'stock' AND period = ?1)";
static const char SQL_STOCK_UPTO[] =
    "SELECT coalesce(sum(value), 0) FROM stats WHERE metric = 'stock' "
    "AND period <= ?1";

static void
db_lot_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_lot *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->id = sqlite3_column_int64(st, 0);
	l->item_id = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, l->source, sizeof(l->source));
	l->donation_id = sqlite3_column_int64(st, 3);
	l->quantity = sqlite3_column_int64(st, 4);
	l->unit_value_fen = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, l->expires_on, sizeof(l->expires_on));
	db_col_text(st, 7, l->location, sizeof(l->location));
	db_col_text(st, 8, l->received_on, sizeof(l->received_on));
	l->on_hand = sqlite3_column_int64(st, 9);
	l->created_at = sqlite3_column_int64(st, 10);
	l->expense_id = sqlite3_column_int64(st, 11);
	l->sale_allowed = sqlite3_column_int(st, 12);
}

/* The lot starts empty; its receive movement fills it (a trigger). */
int
db_lot_insert(struct db *db, struct db_lot *l)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_LOT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, l->item_id);
	sqlite3_bind_text(st, 2, l->source, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, l->donation_id);
	sqlite3_bind_int64(st, 4, l->quantity);
	sqlite3_bind_int64(st, 5, l->unit_value_fen);
	sqlite3_bind_text(st, 6, l->expires_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, l->location, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, l->received_on, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, l->created_at);
	sqlite3_bind_int64(st, 10, l->expense_id);
	sqlite3_bind_int(st, 11, l->sale_allowed);
	return db_insert(db, st, &l->id, "lot insert");
}

int
db_lot_by_id(struct db *db, int64_t id, struct db_lot *l)
{
	return db_one_id(db, SQL_LOT_BY_ID, id, l, db_lot_fill, "lot");
}

int
db_lots_of_donation(struct db *db, int64_t donation, db_row_cb cb, void *arg)
{
	struct db_lot l;

	return db_rows_id(db, SQL_LOTS_OF_DONATION, donation, &l, db_lot_fill,
	    cb, arg, "lots of donation");
}

int
db_lots_of_expense(struct db *db, int64_t expense, db_row_cb cb, void *arg)
{
	struct db_lot l;

	return db_rows_id(db, SQL_LOTS_OF_EXPENSE, expense, &l, db_lot_fill, cb,
	    arg, "lots of expense");
}

/* Lots holding goods, first-expiring first; before: only those expiring
 * on or before that date. */
int
db_lots_live(
    struct db *db, int64_t item, const char *before, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_lot l;

	if ((st = db_stmt(db, SQL_LOTS_LIVE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, item);
	db_bind_opt(st, 2, before);
	return db_rows(db, st, &l, db_lot_fill, cb, arg, "live lots");
}

int
db_lots_available(
    struct db *db, int64_t item, const char *today, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_lot l;

	if ((st = db_stmt(db, SQL_LOTS_AVAILABLE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	return db_rows(db, st, &l, db_lot_fill, cb, arg, "available lots");
}

int
db_movement_insert(struct db *db, struct db_movement *m)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_MOVEMENT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, m->lot_id);
	sqlite3_bind_int64(st, 2, m->item_id);
	sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, m->quantity);
	sqlite3_bind_int64(st, 6, m->ref_id);
	sqlite3_bind_int64(st, 7, m->at);
	sqlite3_bind_int64(st, 8, m->user_id);
	return db_insert(db, st, &m->id, "movement insert");
}

static void
db_movement_bind(sqlite3_stmt *st, int p, int i, void *arg)
{
	const struct db_movement *m = (const struct db_movement *)arg + i;

	sqlite3_bind_int64(st, p, m->lot_id);
	sqlite3_bind_int64(st, p + 1, m->item_id);
	sqlite3_bind_text(st, p + 2, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, p + 3, m->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, p + 4, m->quantity);
	sqlite3_bind_int64(st, p + 5, m->ref_id);
	sqlite3_bind_int64(st, p + 6, m->at);
	sqlite3_bind_int64(st, p + 7, m->user_id);
}

int
db_movements_insert(struct db *db, struct db_movement *m, int n)
{
	static const char *const sql[DB_ROWS_MAX] = {SQL_MOVEMENT_INSERT,
	    SQL_MOVEMENTS_INSERT_2, SQL_MOVEMENTS_INSERT_3,
	    SQL_MOVEMENTS_INSERT_4};
	int64_t last;
	int i, rc;

	if ((rc = db_chunks(db, sql, n, 8, db_movement_bind, m, &last,
	         "movement insert")) != DB_OK)
		return rc;
	for (i = 0; i < n; i++)
		m[i].id = last - n + 1 + i;
	return DB_OK;
}

static void
db_movement_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_movement *m = row;

	(void)db;
	memset(m, 0, sizeof(*m));
	m->id = sqlite3_column_int64(st, 0);
	m->lot_id = sqlite3_column_int64(st, 1);
	m->item_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, m->kind, sizeof(m->kind));
	db_col_text(st, 4, m->reason, sizeof(m->reason));
	m->quantity = sqlite3_column_int64(st, 5);
	m->ref_id = sqlite3_column_int64(st, 6);
	m->at = sqlite3_column_int64(st, 7);
	m->user_id = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, m->note, sizeof(m->note));
	m->stocktake_id = sqlite3_column_int64(st, 10);
}

int
db_movement_list(struct db *db, int64_t item, int64_t from, int64_t to,
    int64_t after, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_movement m;

	if ((st = db_stmt(db, SQL_MOVEMENT_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_int64(st, 3, from);
	sqlite3_bind_int64(st, 4, to);
	sqlite3_bind_int(st, 5, limit);
	return db_rows(db, st, &m, db_movement_fill, cb, arg, "movement list");
}

int
db_adjustment_insert(struct db *db, struct db_adjustment *a)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_ADJUSTMENT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, a->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, a->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->lot_id);
	sqlite3_bind_int64(st, 4, a->quantity_delta);
	sqlite3_bind_text(st, 5, a->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, a->created_at);
	sqlite3_bind_int64(st, 7, a->user_id);
	sqlite3_bind_text(st, 8, a->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, a->stocktake_id);
	return db_insert(db, st, &a->id, "adjustment insert");
}

static void
db_adjustment_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_adjustment *a = row;

	(void)db;
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, a->client_id, sizeof(a->client_id));
	db_col_blob(st, 2, a->req_hash, sizeof(a->req_hash));
	a->lot_id = sqlite3_column_int64(st, 3);
	a->quantity_delta = sqlite3_column_int64(st, 4);
	db_col_text(st, 5, a->reason, sizeof(a->reason));
	a->created_at = sqlite3_column_int64(st, 6);
	a->user_id = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, a->note, sizeof(a->note));
	a->stocktake_id = sqlite3_column_int64(st, 9);
}

int
db_adjustment_by_client(struct db *db, const char *cid, struct db_adjustment *a)
{
	return db_one_text(db, SQL_ADJUSTMENT_BY_CLIENT, cid, a,
	    db_adjustment_fill, "adjustment");
}

int
db_stocktake_insert(struct db *db, struct db_stocktake *s)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_STOCKTAKE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, s->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, s->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, s->lots);
	sqlite3_bind_int64(st, 5, s->delta);
	sqlite3_bind_int64(st, 6, s->created_at);
	sqlite3_bind_int64(st, 7, s->user_id);
	return db_insert(db, st, &s->id, "stocktake insert");
}

static void
db_stocktake_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_stocktake *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->client_id, sizeof(s->client_id));
	db_col_blob(st, 2, s->req_hash, sizeof(s->req_hash));
	db_col_text(st, 3, s->note, sizeof(s->note));
	s->lots = sqlite3_column_int64(st, 4);
	s->delta = sqlite3_column_int64(st, 5);
	s->created_at = sqlite3_column_int64(st, 6);
	s->user_id = sqlite3_column_int64(st, 7);
}

int
db_stocktake_by_client(struct db *db, const char *cid, struct db_stocktake *s)
{
	return db_one_text(db, SQL_STOCKTAKE_BY_CLIENT, cid, s,
	    db_stocktake_fill, "stocktake");
}

static void
db_count_line_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_count_line *c = row;

	(void)db;
	c->adjustment_id = sqlite3_column_int64(st, 0);
	c->lot_id = sqlite3_column_int64(st, 1);
	c->before = sqlite3_column_int64(st, 2);
	c->delta = sqlite3_column_int64(st, 3);
}

int
db_stocktake_lines(struct db *db, int64_t id, db_row_cb cb, void *arg)
{
	struct db_count_line c;

	return db_rows_id(db, SQL_STOCKTAKE_LINES, id, &c, db_count_line_fill,
	    cb, arg, "stocktake lines");
}

static void
db_stock_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_stock *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	s->item_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->name, sizeof(s->name));
	db_col_text(st, 2, s->category, sizeof(s->category));
	db_col_text(st, 3, s->unit, sizeof(s->unit));
	s->on_hand = sqlite3_column_int64(st, 4);
	s->value_fen = sqlite3_column_int64(st, 5);
	s->min_stock = sqlite3_column_int64(st, 6);
}

int
db_stock_list(struct db *db, const char *category, const char *before, int low,
    int64_t after, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_stock s;

	if ((st = db_stmt(db, SQL_STOCK_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	db_bind_opt(st, 2, category);
	db_bind_opt(st, 3, before);
	sqlite3_bind_int(st, 4, limit);
	if (low >= 0) /* -1: either */
		sqlite3_bind_int(st, 5, low);
	return db_rows(db, st, &s, db_stock_fill, cb, arg, "stock list");
}

int
db_stock_available(struct db *db, int64_t item, const char *today, int64_t *n)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_STOCK_AVAILABLE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, item);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	return db_ints(db, st, n, NULL, "available");
}

/* An item's totals, for overflow checks before goods are added. */
int
db_stock_of(struct db *db, int64_t item, int64_t *on_hand, int64_t *value)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_STOCK_OF)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, item);
	return db_ints(db, st, on_hand, value, "stock of");
}

/* The stock's value at the end of period: the sum of its net changes. */
int
db_stock_value_upto(struct db *db, const char *period, int asof, int64_t *value)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, asof ? SQL_STOCK_UPTO_ASOF : SQL_STOCK_UPTO)) ==
	    NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	return db_ints(db, st, value, NULL, "stock value");
}

/*
 * First-expiring first-out: the rows of expiring (lots with an expiry date
 * from today on, ?1 the item, ?2 today), then of lasting (lots that never
 * expire, ?1), each row int64_t[3] = { lot id, on hand, unit value } to
 * cb, until cb says stop (!= 0). The distributions' and the sales' lots
 * alike; what names a failure in the log.
 */
int
db_lots_fefo(struct db *db, const char *expiring, const char *lasting,
    int64_t item, const char *today, db_row_cb cb, void *arg, const char *what)
{
	sqlite3_stmt *st;
	int64_t row[3];
	int rc, pass, stop = 0;

	for (pass = 0; pass < 2 && !stop; pass++) {
		if ((st = db_stmt(db, pass == 0 ? expiring : lasting)) == NULL)
			return DB_ERR;
		sqlite3_bind_int64(st, 1, item);
		if (pass == 0)
			sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			row[0] = sqlite3_column_int64(st, 0);
			row[1] = sqlite3_column_int64(st, 1);
			row[2] = sqlite3_column_int64(st, 2);
			if ((stop = cb(row, arg) != 0))
				break;
		}
		rc = stop || rc == SQLITE_DONE ? DB_OK : db_fail(db, what);
		sqlite3_reset(st);
		if (rc != DB_OK)
			return rc;
	}
	return DB_OK;
}
