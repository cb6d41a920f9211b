/* What the public notices read: per-period figures, the chain's head,
 * published notices, and where one donation went. */
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

#define CLOCK_PERIOD_MAX 16

static const char SQL_STATS_PERIOD[] =
    "SELECT metric, k1, k2, qty, value FROM stats WHERE period = ?1 "
    "ORDER BY metric, value DESC, k1, k2";
static const char SQL_STATS_PERIOD_ASOF[] =
    "SELECT metric, k1, k2, qty, value FROM stats_asof WHERE period = ?1 "
    "ORDER BY metric, value DESC, k1, k2";
static const char SQL_STOCK_UPTO[] =
    "SELECT coalesce(sum(value), 0) FROM stats WHERE metric = 'stock' "
    "AND period <= ?1";
/* Only the open month's stock figure moves during a day. */
static const char SQL_STOCK_UPTO_ASOF[] =
    "SELECT (SELECT coalesce(sum(value), 0) FROM stats "
    "WHERE metric = 'stock' AND period < ?1) + "
    "(SELECT coalesce(sum(value), 0) FROM stats_asof "
    "WHERE metric = 'stock' AND period = ?1)";
static const char SQL_SERVED[] =
    "SELECT category, households, persons FROM served_count "
    "WHERE period = ?1 AND households > 0 ORDER BY category";
static const char SQL_SERVED_ASOF[] =
    "SELECT category, households, persons FROM served_asof "
    "WHERE period = ?1 ORDER BY category";
/* The figures of every month not yet published, as they stand. */
static const char SQL_FREEZE_STATS_CLEAR[] = "DELETE FROM stats_asof";
static const char SQL_FREEZE_STATS[] =
    "INSERT INTO stats_asof(period, metric, k1, k2, qty, value) "
    "SELECT period, metric, k1, k2, qty, value FROM stats "
    "WHERE period NOT IN (SELECT period FROM notices)";
static const char SQL_FREEZE_SERVED_CLEAR[] = "DELETE FROM served_asof";
static const char SQL_FREEZE_MARK[] =
    "INSERT INTO asof(one, day, chain_seq, movement_id) VALUES (1, ?1, "
    "(SELECT coalesce(max(seq), 0) FROM chain), "
    "(SELECT coalesce(max(id), 0) FROM movements)) "
    "ON CONFLICT(one) DO UPDATE SET day = excluded.day, "
    "chain_seq = excluded.chain_seq, movement_id = excluded.movement_id";
static const char SQL_ASOF_GET[] =
    "SELECT day, chain_seq, movement_id FROM asof WHERE one = 1";
static const char SQL_CHAIN_HEAD_SEQ[] =
    "SELECT hex(hash) FROM chain WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1";
static const char SQL_FREEZE_SERVED[] =
    "INSERT INTO served_asof(period, category, households, persons) "
    "SELECT period, category, households, persons FROM served_count "
    "WHERE households > 0 AND period NOT IN (SELECT period FROM notices)";
static const char SQL_CHAIN_HEAD[] =
    "SELECT hex(hash) FROM chain WHERE at < ?1 ORDER BY at DESC, seq DESC "
    "LIMIT 1"; /* chain_at holds (at, seq): one index step, no sort */
static const char SQL_PERIODS[] =
    "SELECT DISTINCT period FROM stats UNION SELECT period FROM notices "
    "ORDER BY 1 DESC";
static const char SQL_NOTICE_GET[] =
    "SELECT body FROM notices WHERE period = ?1";
static const char SQL_NOTICE_INSERT[] =
    "INSERT INTO notices(period, published_at, user_id, ledger_head, body) "
    "VALUES (?1, ?2, nullif(?3, 0), ?4, ?5)";
static const char SQL_NOTICE_VERSION[] =
    "SELECT coalesce((SELECT max(seq) FROM chain), 0), "
    "(SELECT count(*) FROM notices)";
static const char SQL_DONATION_BY_RECEIPT[] =
    "SELECT id FROM donations WHERE receipt_code = ?1";
/* Per lot of a donation: the lot, then what left it and how, as of stock
 * movement ?2 (the last before today's, for the reason notice_freeze
 * gives; goods received since count as in stock, untouched). */
static const char SQL_TRACE[] =
    "SELECT l.item_id, i.name, i.category, 'lot', '', '', l.quantity, "
    "l.on_hand - coalesce((SELECT sum(quantity) FROM movements t "
    "WHERE t.lot_id = l.id AND t.id > ?2 AND t.kind <> 'receive'), 0) "
    "FROM lots l JOIN items i ON i.id = l.item_id "
    "WHERE l.donation_id = ?1 "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'distributed', d.period, "
    "d.hcategory, -sum(m.quantity), 0 FROM movements m "
    "JOIN lots l ON l.id = m.lot_id JOIN items i ON i.id = l.item_id "
    "JOIN distribution_lines dl ON dl.id = m.ref_id "
    "JOIN distributions d ON d.id = dl.distribution_id "
    "WHERE l.donation_id = ?1 AND m.kind IN ('distribute', 'void') "
    "AND m.id <= ?2 "
    "GROUP BY l.item_id, d.period, d.hcategory HAVING sum(m.quantity) <> 0 "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'written_off', '', m.reason, "
    "-sum(m.quantity), 0 FROM movements m JOIN lots l ON l.id = m.lot_id "
    "JOIN items i ON i.id = l.item_id WHERE l.donation_id = ?1 AND "
    "m.kind = 'adjust' AND m.quantity < 0 AND m.id <= ?2 "
    "GROUP BY l.item_id, m.reason "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'corrected', '', '', "
    "sum(m.quantity), 0 FROM movements m JOIN lots l ON l.id = m.lot_id "
    "JOIN items i ON i.id = l.item_id WHERE l.donation_id = ?1 AND "
    "m.kind = 'adjust' AND m.quantity > 0 AND m.id <= ?2 "
    "GROUP BY l.item_id "
    "ORDER BY 1, 4, 5, 6";

static void
db_stat_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_stat *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	db_col_text(st, 0, s->metric, sizeof(s->metric));
	db_col_text(st, 1, s->k1, sizeof(s->k1));
	db_col_text(st, 2, s->k2, sizeof(s->k2));
	s->qty = sqlite3_column_int64(st, 3);
	s->value = sqlite3_column_int64(st, 4);
}

/* A period's figures; asof: as the day's first write found them. */
int
db_stats_period(
    struct db *db, const char *period, int asof, db_row_cb cb, void *arg)
{
	struct db_stat s;
	sqlite3_stmt *st;

	if ((st = db_stmt(
	         db, asof ? SQL_STATS_PERIOD_ASOF : SQL_STATS_PERIOD)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	return db_rows(db, st, &s, db_stat_fill, cb, arg, "stats");
}

/* The stock's value at the end of period: the sum of its net changes. */
int
db_stock_value_upto(struct db *db, const char *period, int asof, int64_t *value)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, asof ? SQL_STOCK_UPTO_ASOF : SQL_STOCK_UPTO)) ==
	    NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*value = sqlite3_column_int64(st, 0);
		rc = DB_OK;
	} else
		rc = db_fail(db, "stock value");
	sqlite3_reset(st);
	return rc;
}

static void
db_served_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_served *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	db_col_text(st, 0, s->category, sizeof(s->category));
	s->households = sqlite3_column_int64(st, 1);
	s->persons = sqlite3_column_int64(st, 2);
}

int
db_served_period(
    struct db *db, const char *period, int asof, db_row_cb cb, void *arg)
{
	struct db_served s;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, asof ? SQL_SERVED_ASOF : SQL_SERVED)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	return db_rows(db, st, &s, db_served_fill, cb, arg, "served");
}

/* Copies the figures of the months not yet published into the *_asof
 * tables, inside the caller's transaction, and records day. */
int
db_asof_freeze(struct db *db, const char *day)
{
	sqlite3_stmt *st;

	if (db_step_done(db, db_stmt(db, SQL_FREEZE_STATS_CLEAR), "freeze") !=
	        DB_OK ||
	    db_step_done(db, db_stmt(db, SQL_FREEZE_STATS), "freeze") !=
	        DB_OK ||
	    db_step_done(db, db_stmt(db, SQL_FREEZE_SERVED_CLEAR), "freeze") !=
	        DB_OK ||
	    db_step_done(db, db_stmt(db, SQL_FREEZE_SERVED), "freeze") !=
	        DB_OK ||
	    (st = db_stmt(db, SQL_FREEZE_MARK)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	return db_step_done(db, st, "freeze");
}

static void
db_asof_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_asof *a = row;

	(void)db;
	db_col_text(st, 0, a->day, sizeof(a->day));
	a->chain_seq = sqlite3_column_int64(st, 1);
	a->movement_id = sqlite3_column_int64(st, 2);
}

/* The last freeze (DB_NONE: none yet). */
int
db_asof_get(struct db *db, struct db_asof *a)
{
	sqlite3_stmt *st;

	memset(a, 0, sizeof(*a));
	if ((st = db_stmt(db, SQL_ASOF_GET)) == NULL)
		return DB_ERR;
	return db_one(db, st, a, db_asof_fill, "asof");
}

/* The hash of chain row seq or the last before it, in hex ("" if none). */
int
db_chain_head_seq(struct db *db, int64_t seq, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_CHAIN_HEAD_SEQ)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, seq);
	out[0] = '\0';
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, out, size);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_OK : db_fail(db, "chain head");
	sqlite3_reset(st);
	return rc;
}

/* The hash of the last ledger row before t, in hex ("" if none). */
int
db_chain_head(struct db *db, int64_t before, char *out, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_CHAIN_HEAD)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, before);
	out[0] = '\0';
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_text(st, 0, out, size);
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK
	                                           : db_fail(db, "chain head");
	sqlite3_reset(st);
	return rc;
}

static void
db_period_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	(void)db;
	db_col_text(st, 0, row, CLOCK_PERIOD_MAX);
}

/* Each row: a period, YYYY-MM (char *). */
int
db_periods(struct db *db, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	char period[CLOCK_PERIOD_MAX];

	if ((st = db_stmt(db, SQL_PERIODS)) == NULL)
		return DB_ERR;
	return db_rows(db, st, period, db_period_fill, cb, arg, "periods");
}

/* A published notice's body (malloc'd, the caller frees), or DB_NONE. */
int
db_notice_get(struct db *db, const char *period, char **body)
{
	sqlite3_stmt *st;
	int rc;

	*body = NULL;
	if ((st = db_stmt(db, SQL_NOTICE_GET)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((*body = strdup(
		         (const char *)sqlite3_column_text(st, 0))) == NULL)
			rc = DB_ERR;
		else
			rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, "notice");
	sqlite3_reset(st);
	return rc;
}

int
db_notice_insert(struct db *db, const char *period, int64_t at, int64_t user,
    const char *head, const char *body)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_NOTICE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, user);
	sqlite3_bind_text(st, 4, head, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
	return db_step_done(db, st, "notice insert");
}

int
db_donation_by_receipt(struct db *db, const char *code, struct db_donation *d)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((st = db_stmt(db, SQL_DONATION_BY_RECEIPT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	rc = rc == SQLITE_ROW   ? DB_OK
	    : rc == SQLITE_DONE ? DB_NONE
	                        : db_fail(db, "receipt");
	sqlite3_reset(st);
	return rc == DB_OK ? db_donation_by_id(db, id, d) : rc;
}

static void
db_trace_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_trace *t = row;

	(void)db;
	memset(t, 0, sizeof(*t));
	t->item_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, t->name, sizeof(t->name));
	db_col_text(st, 2, t->category, sizeof(t->category));
	db_col_text(st, 3, t->kind, sizeof(t->kind));
	db_col_text(st, 4, t->period, sizeof(t->period));
	db_col_text(st, 5, t->hcategory, sizeof(t->hcategory));
	t->qty = sqlite3_column_int64(st, 6);
	t->on_hand = sqlite3_column_int64(st, 7);
}

int
db_donation_trace(
    struct db *db, int64_t donation, int64_t before, db_row_cb cb, void *arg)
{
	struct db_trace t;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRACE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, donation);
	sqlite3_bind_int64(st, 2, before);
	return db_rows(db, st, &t, db_trace_fill, cb, arg, "trace");
}

/* What a notice's figures follow: the last chain row (every ledger row is
 * chained) and the number of notices published. */
int
db_notice_version(struct db *db, int64_t *seq, int64_t *published)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_NOTICE_VERSION)) == NULL)
		return DB_ERR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		*published = sqlite3_column_int64(st, 1);
		rc = DB_OK;
	} else
		rc = db_fail(db, "notice version");
	sqlite3_reset(st);
	return rc;
}
