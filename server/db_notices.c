/* What the public notices read: per-period figures, the day's frozen
 * copy of them, and published notices. */
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

#define CLOCK_PERIOD_MAX 16

static const char SQL_STATS_PERIOD_ASOF[] =
    "SELECT metric, k1, k2, qty, value FROM stats_asof WHERE period = ?1 "
    "ORDER BY metric, value DESC, k1, k2";
static const char SQL_STATS_PERIOD[] =
    "SELECT metric, k1, k2, qty, value FROM stats WHERE period = ?1 "
    "ORDER BY metric, value DESC, k1, k2";
static const char SQL_SERVED_ASOF[] =
    "SELECT category, households, persons FROM served_asof "
    "WHERE period = ?1 ORDER BY category";
static const char SQL_SERVED[] =
    "SELECT category, households, persons FROM served_count "
    "WHERE period = ?1 AND households > 0 ORDER BY category";
/* The figures of every month not yet published, as they stand. */
static const char SQL_FREEZE_STATS_CLEAR[] = "DELETE FROM stats_asof";
static const char SQL_FREEZE_STATS[] =
    "INSERT INTO stats_asof(period, metric, k1, k2, qty, value) "
    "SELECT period, metric, k1, k2, qty, value FROM stats "
    "WHERE period NOT IN (SELECT period FROM notices)";
static const char SQL_FREEZE_SERVED_CLEAR[] = "DELETE FROM served_asof";
static const char SQL_FREEZE_SERVED[] =
    "INSERT INTO served_asof(period, category, households, persons) "
    "SELECT period, category, households, persons FROM served_count "
    "WHERE households > 0 AND period NOT IN (SELECT period FROM notices)";
static const char SQL_FREEZE_MARK[] =
    "INSERT INTO asof(one, day, chain_seq, movement_id) VALUES (1, ?1, "
    "(SELECT coalesce(max(seq), 0) FROM chain), "
    "(SELECT coalesce(max(id), 0) FROM movements)) "
    "ON CONFLICT(one) DO UPDATE SET day = excluded.day, "
    "chain_seq = excluded.chain_seq, movement_id = excluded.movement_id";
static const char SQL_ASOF_GET[] =
    "SELECT day, chain_seq, movement_id FROM asof WHERE one = 1";
static const char SQL_PERIODS[] =
    "SELECT DISTINCT period FROM stats UNION SELECT period FROM notices "
    "ORDER BY 1 DESC";
static const char SQL_NOTICE_GET[] =
    "SELECT body FROM notices WHERE period = ?1";
static const char SQL_NOTICE_INSERT[] =
    "INSERT INTO notices(period, published_at, user_id, ledger_head, body) "
    "VALUES (?1, ?2, nullif(?3, 0), ?4, ?5)";
/* What a period counts late, entered before ?2 (unix time). */
static const char SQL_LATE[] =
    "SELECT ep.kind, ep.real_date, CASE ep.kind WHEN 'donation' THEN "
    "dn.kind ELSE x.purpose END, CASE ep.kind WHEN 'donation' THEN "
    "d.cash_fen + coalesce((SELECT sum(quantity * unit_value_fen) FROM "
    "lots WHERE donation_id = d.id), 0) ELSE x.amount_fen END "
    "FROM entry_periods ep LEFT JOIN donations d ON ep.kind = 'donation' "
    "AND d.id = ep.ref_id LEFT JOIN donors dn ON dn.id = d.donor_id "
    "LEFT JOIN expenses x ON ep.kind = 'expense' AND x.id = ep.ref_id "
    "WHERE ep.period = ?1 AND ep.late = 1 AND ep.created_at < ?2 "
    "ORDER BY ep.real_date, ep.kind, ep.ref_id";
static const char SQL_HEADS[] =
    "SELECT period, published_at, ledger_head FROM notices ORDER BY period";
static const char SQL_NOTICE_VERSION[] =
    "SELECT coalesce((SELECT max(seq) FROM chain), 0), "
    "(SELECT count(*) FROM notices)";

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
	memset(a, 0, sizeof(*a));
	return db_one(db, db_stmt(db, SQL_ASOF_GET), a, db_asof_fill, "asof");
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
	char period[CLOCK_PERIOD_MAX];

	return db_rows(db, db_stmt(db, SQL_PERIODS), period, db_period_fill, cb,
	    arg, "periods");
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

/* What a notice's figures follow: the last chain row (every ledger row is
 * chained) and the number of notices published. */
int
db_notice_version(struct db *db, int64_t *seq, int64_t *published)
{
	return db_ints(db, db_stmt(db, SQL_NOTICE_VERSION), seq, published,
	    "notice version");
}

static void
db_late_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_late *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	db_col_text(st, 0, l->kind, sizeof(l->kind));
	db_col_text(st, 1, l->date, sizeof(l->date));
	db_col_text(st, 2, l->label, sizeof(l->label));
	l->amount_fen = sqlite3_column_int64(st, 3);
}

/* The entries period counts late (补记), entered before the unix time
 * before. */
int
db_late_period(
    struct db *db, const char *period, int64_t before, db_row_cb cb, void *arg)
{
	struct db_late l;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_LATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, before);
	return db_rows(db, st, &l, db_late_fill, cb, arg, "late");
}

static void
db_head_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_head *h = row;

	(void)db;
	memset(h, 0, sizeof(*h));
	db_col_text(st, 0, h->period, sizeof(h->period));
	h->published_at = sqlite3_column_int64(st, 1);
	db_col_text(st, 2, h->ledger_head, sizeof(h->ledger_head));
}

/* Every published month's ledger head, oldest first. */
int
db_notice_heads(struct db *db, db_row_cb cb, void *arg)
{
	struct db_head h;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HEADS)) == NULL)
		return DB_ERR;
	return db_rows(db, st, &h, db_head_fill, cb, arg, "heads");
}
