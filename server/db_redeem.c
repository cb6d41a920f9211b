/*
 * A redemption's rows and what follows from them (migration 023): the
 * lots, stock, monthly limits, balances, figures and chain entries that
 * triggers write for every other ledger row, here in a handful of
 * statements of up to DB_ROWS_MAX rows each instead of a trigger program
 * a row. The chain entries' texts are the canon_* views' (verify
 * recomputes them), appended in the rows' order: transfer, movements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"
#include "log.h"

#define ROW1(r) r
#define ROW2(r) r ", " r
#define ROW3(r) r ", " r ", " r
#define ROW4(r) r ", " r ", " r ", " r

#define STATS_INS                                                              \
	"INSERT INTO stats(period, metric, k1, k2, qty, value) VALUES "
#define STATS_ROW "(?, ?, ?, ?, ?, ?)"
#define STATS_UPS                                                              \
	" ON CONFLICT(period, metric, k1, k2) DO UPDATE SET "                  \
	"qty = qty + excluded.qty, value = value + excluded.value"
#define LIMIT_INS                                                              \
	"INSERT INTO household_item_month(household_id, item_id, period, "     \
	"quantity) VALUES "
#define LIMIT_ROW "(?, ?, ?, ?)"
#define LIMIT_UPS                                                              \
	" ON CONFLICT(household_id, item_id, period) DO UPDATE SET "           \
	"quantity = quantity + excluded.quantity"
#define CHAIN_INS "INSERT INTO chain(kind, row_id, at, hash) VALUES "
#define CHAIN_ROW "(?, ?, ?, ?)"

static const char *const SQL_STATS[DB_ROWS_MAX] = {
    STATS_INS ROW1(STATS_ROW) STATS_UPS, STATS_INS ROW2(STATS_ROW) STATS_UPS,
    STATS_INS ROW3(STATS_ROW) STATS_UPS, STATS_INS ROW4(STATS_ROW) STATS_UPS};
static const char *const SQL_LIMITS[DB_ROWS_MAX] = {
    LIMIT_INS ROW1(LIMIT_ROW) LIMIT_UPS, LIMIT_INS ROW2(LIMIT_ROW) LIMIT_UPS,
    LIMIT_INS ROW3(LIMIT_ROW) LIMIT_UPS, LIMIT_INS ROW4(LIMIT_ROW) LIMIT_UPS};
static const char *const SQL_CHAIN[DB_ROWS_MAX] = {CHAIN_INS ROW1(CHAIN_ROW),
    CHAIN_INS ROW2(CHAIN_ROW), CHAIN_INS ROW3(CHAIN_ROW),
    CHAIN_INS ROW4(CHAIN_ROW)};
static const char SQL_CHAIN_LAST[] =
    "SELECT hash FROM chain ORDER BY seq DESC LIMIT 1";
static const char SQL_LOT_TAKE[] =
    "UPDATE lots SET on_hand = on_hand + ?2 WHERE id = ?1";
static const char SQL_SUMMARY_TAKE[] =
    "UPDATE stock_summary SET on_hand = on_hand + ?2, "
    "value_fen = value_fen + ?3 WHERE item_id = ?1";
static const char SQL_BALANCE_ADD[] =
    "UPDATE accounts SET balance = balance + ?2 WHERE id = ?1";

/* A stats row to add: the figures a notice reads. */
struct db_redeem_stat {
	const char *period, *metric, *k1, *k2;
	int64_t qty, value;
};

/* A chain entry to append: its hash is the previous one's and its text. */
struct db_redeem_link {
	const char *kind;
	int64_t row_id, at;
	char text[512];
};

static void
db_redeem_stat_bind(sqlite3_stmt *st, int p, int i, void *arg)
{
	const struct db_redeem_stat *s = (const struct db_redeem_stat *)arg + i;

	sqlite3_bind_text(st, p, s->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, p + 1, s->metric, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, p + 2, s->k1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, p + 3, s->k2, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, p + 4, s->qty);
	sqlite3_bind_int64(st, p + 5, s->value);
}

/* The household's monthly limits: what each line's item has taken. */
static void
db_redeem_limit_bind(sqlite3_stmt *st, int p, int i, void *arg)
{
	const struct db_redeem *w = arg;

	sqlite3_bind_int64(st, p, w->d->household_id);
	sqlite3_bind_int64(st, p + 1, w->lines[i].item_id);
	sqlite3_bind_text(st, p + 2, w->d->period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, p + 3, w->lines[i].quantity);
}

/* The chain's entries after prev, in order: each hash is the one before
 * it and its text, as cishan_chain would make it. */
struct db_redeem_chain {
	const struct db_redeem_link *c;
	unsigned char prev[DB_HASH_LEN];
};

static void
db_redeem_link_bind(sqlite3_stmt *st, int p, int i, void *arg)
{
	struct db_redeem_chain *ch = arg;
	const struct db_redeem_link *c = &ch->c[i];

	db_chain_hash(
	    ch->prev, DB_HASH_LEN, c->text, strlen(c->text), ch->prev);
	sqlite3_bind_text(st, p, c->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, p + 1, c->row_id);
	sqlite3_bind_int64(st, p + 2, c->at);
	sqlite3_bind_blob(st, p + 3, ch->prev, DB_HASH_LEN, SQLITE_TRANSIENT);
}

/* Appends n entries after the chain's last. */
static int
db_redeem_chain(struct db *db, const struct db_redeem_link *c, int n)
{
	struct db_redeem_chain ch = {c, {0}};
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_CHAIN_LAST)) == NULL)
		return DB_ERR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		db_col_blob(st, 0, ch.prev, sizeof(ch.prev));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? DB_OK
	                                           : db_fail(db, "chain head");
	sqlite3_reset(st);
	if (rc != DB_OK)
		return rc;
	return db_chunks(db, SQL_CHAIN, n, 4, db_redeem_link_bind, &ch, NULL,
	    "chain append");
}

static int
db_redeem_update(struct db *db, const char *sql, int64_t id, int64_t add,
    int64_t add2, const char *what)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, add);
	if (sqlite3_bind_parameter_count(st) > 2)
		sqlite3_bind_int64(st, 3, add2);
	return db_step_done(db, st, what);
}

/* The transfer's balances, its chain entry's text and its figure (of
 * the month in period). */
static int
db_redeem_transfer(struct db *db, const struct db_transfer *t,
    struct db_redeem_link *c, struct db_redeem_stat *s, char period[16])
{
	int len;

	if (db_redeem_update(db, SQL_BALANCE_ADD, t->debit_account, -t->amount,
	        0, "redemption balance") != DB_OK ||
	    db_redeem_update(db, SQL_BALANCE_ADD, t->credit_account, t->amount,
	        0, "redemption balance") != DB_OK)
		return DB_ERR;
	c->kind = "transfer";
	c->row_id = t->id;
	c->at = t->at;
	len = snprintf(c->text, sizeof(c->text),
	    "transfer|%lld|%lld|%lld|%lld|%s|%lld|%s|%s|%lld|%lld|%lld",
	    (long long)t->id, (long long)t->debit_account,
	    (long long)t->credit_account, (long long)t->amount, t->kind,
	    (long long)t->household_id, t->period, t->reason,
	    (long long)t->ref_id, (long long)t->at, (long long)t->user_id);
	if (len < 0 || (size_t)len >= sizeof(c->text))
		return DB_ERR;
	snprintf(period, 16, "%s", db_period_of(t->at));
	*s = (struct db_redeem_stat){
	    period, "points", t->kind, "", 0, t->amount};
	return DB_OK;
}

static int
db_redeem_movement(const struct db_movement *m, struct db_redeem_link *c)
{
	int len;

	c->kind = "movement";
	c->row_id = m->id;
	c->at = m->at;
	len = snprintf(c->text, sizeof(c->text),
	    "movement|%lld|%lld|%lld|%s|%s|%lld|%lld|%lld|%lld",
	    (long long)m->id, (long long)m->lot_id, (long long)m->item_id,
	    m->kind, m->reason, (long long)m->quantity, (long long)m->ref_id,
	    (long long)m->at, (long long)m->user_id);
	return len < 0 || (size_t)len >= sizeof(c->text) ? DB_ERR : DB_OK;
}

int
db_redeem_write(struct db *db, struct db_redeem *w)
{
	struct db_redeem_link *links = NULL;
	struct db_redeem_stat *stats = NULL;
	int64_t qty, value, v, stock = 0;
	int i, j, nlinks = 0, nstats = 0, rc = DB_ERR;
	char period[16], tperiod[16];

	if (w->nlines < 1 || w->nmv < 1)
		goto out;
	if ((links = calloc((size_t)w->nmv + 1, sizeof(*links))) == NULL ||
	    (stats = calloc((size_t)w->nlines + 2, sizeof(*stats))) == NULL)
		log_fatalx("out of memory");
	if (db_dist_lines_insert(db, w->lines, w->nlines) != DB_OK)
		goto out;
	for (i = 0; i < w->nmv; i++) {
		if (w->mvline[i] < 0 || w->mvline[i] >= w->nlines)
			goto out;
		w->mv[i].ref_id = w->lines[w->mvline[i]].id;
	}
	if (db_movements_insert(db, w->mv, w->nmv) != DB_OK ||
	    db_chunks(db, SQL_LIMITS, w->nlines, 4, db_redeem_limit_bind, w,
	        NULL, "redemption limits") != DB_OK)
		goto out;
	if (w->t != NULL &&
	    db_redeem_transfer(
	        db, w->t, &links[nlinks++], &stats[nstats++], tperiod) != DB_OK)
		goto out;
	/* Each line's lots, then its item's stock and figures. */
	for (i = j = 0; i < w->nlines; i++) {
		qty = value = 0;
		for (; j < w->nmv && w->mvline[j] == i; j++) {
			if (db_redeem_movement(&w->mv[j], &links[nlinks++]) !=
			        DB_OK ||
			    __builtin_mul_overflow(
			        w->mv[j].quantity, w->uv[j], &v) ||
			    __builtin_add_overflow(value, v, &value) ||
			    __builtin_add_overflow(
			        qty, w->mv[j].quantity, &qty))
				goto out;
			if (db_redeem_update(db, SQL_LOT_TAKE, w->mv[j].lot_id,
			        w->mv[j].quantity, 0, "lot take") != DB_OK)
				goto out;
		}
		if (db_redeem_update(db, SQL_SUMMARY_TAKE, w->lines[i].item_id,
		        qty, value, "stock take") != DB_OK ||
		    __builtin_add_overflow(stock, value, &stock))
			goto out;
		stats[nstats++] = (struct db_redeem_stat){w->d->period,
		    "distributed", w->cats[i], w->d->hcategory,
		    w->lines[i].quantity, w->lines[i].value_fen};
	}
	if (j != w->nmv) /* a movement of no line */
		goto out;
	snprintf(period, sizeof(period), "%s", db_period_of(w->d->created_at));
	stats[nstats++] =
	    (struct db_redeem_stat){period, "stock", "", "", 0, stock};
	if (db_chunks(db, SQL_STATS, nstats, 6, db_redeem_stat_bind, stats,
	        NULL, "redemption figures") != DB_OK ||
	    db_redeem_chain(db, links, nlinks) != DB_OK)
		goto out;
	rc = DB_OK;
out:
	if (rc != DB_OK)
		log_warnx("db: a redemption's rows could not be written");
	free(links);
	free(stats);
	return rc;
}
