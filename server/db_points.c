/* Points: policies, the monthly run, and the ledger's transfers. */
#include <string.h>

#include "db_int.h"

static const char SQL_POLICY_PUT[] =
    "INSERT INTO policies(category, monthly_points, per_member_points, "
    "carry_over, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(category) DO UPDATE SET "
    "monthly_points = excluded.monthly_points, "
    "per_member_points = excluded.per_member_points, "
    "carry_over = excluded.carry_over, updated_at = excluded.updated_at";
static const char SQL_POLICY_GET[] =
    "SELECT category, monthly_points, per_member_points, carry_over, "
    "updated_at FROM policies WHERE category = ?1";
static const char SQL_POLICY_LIST[] =
    "SELECT category, monthly_points, per_member_points, carry_over, "
    "updated_at FROM policies ORDER BY category";
static const char SQL_TRANSFER_SUM_SINCE[] =
    "SELECT count(*), coalesce(sum(amount), 0) FROM transfers "
    "WHERE id > ?1 AND kind = ?2";
static const char SQL_TRANSFER_MAX[] =
    "SELECT coalesce(max(id), 0) FROM transfers";
/*
 * Unused points of the period before expire, for categories that do not
 * carry over, as each household enters the new period (before its grant;
 * never again once it has a grant of this or a later period). One-off
 * grants made since the new period began are not the old period's.
 */
static const char SQL_EXPIRE_RUN[] =
    "INSERT INTO transfers(debit_account, credit_account, amount, kind, "
    "household_id, period, reason, at, user_id) "
    "SELECT account, 4, unused, 'expire', household, ?1, "
    "'unused points expire at the end of the period', ?3, nullif(?4, 0) "
    "FROM (SELECT a.id AS account, h.id AS household, a.balance - "
    "coalesce((SELECT sum(t.amount) FROM transfers t WHERE "
    "t.household_id = h.id AND t.kind = 'grant_oneoff' AND t.at >= ?5), 0) "
    "AS unused FROM households h JOIN policies p ON p.category = h.category "
    "AND p.carry_over = 0 JOIN accounts a ON a.household_id = h.id "
    "WHERE a.balance > 0 AND NOT EXISTS (SELECT 1 FROM transfers t "
    "WHERE t.household_id = h.id AND t.period = ?1 AND t.kind = 'expire') "
    "AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.household_id = h.id "
    "AND t.kind = 'grant_monthly' AND t.period >= ?2)) WHERE unused > 0";
/* Every household active in the period, once (a unique index holds it). */
static const char SQL_GRANT_RUN[] =
    "INSERT INTO transfers(debit_account, credit_account, amount, kind, "
    "household_id, period, reason, at, user_id) "
    "SELECT 1, a.id, p.monthly_points + p.per_member_points * h.members, "
    "'grant_monthly', h.id, ?1, 'monthly grant', ?4, nullif(?5, 0) "
    "FROM households h JOIN policies p ON p.category = h.category "
    "JOIN accounts a ON a.household_id = h.id "
    "WHERE h.status = 'active' AND h.valid_from <= ?3 AND h.valid_to >= ?2 "
    "AND p.monthly_points + p.per_member_points * h.members > 0 "
    "AND NOT EXISTS (SELECT 1 FROM transfers t WHERE t.household_id = h.id "
    "AND t.period = ?1 AND t.kind = 'grant_monthly')";
/* The month's marker: the first real run writes it, later ones leave it. */
static const char SQL_GRANT_MARK[] =
    "INSERT INTO grant_runs(period, ran_at, user_id, username) "
    "VALUES (?1, ?2, nullif(?3, 0), ?4) ON CONFLICT(period) DO NOTHING";
/* One row whether or not the month ran; the sums read the partial index
 * transfers_grant_period alone. */
static const char SQL_GRANT_STATUS[] =
    "SELECT r.period IS NOT NULL, coalesce(r.ran_at, 0), "
    "coalesce(r.user_id, 0), coalesce(r.username, ''), "
    "(SELECT count(*) FROM transfers WHERE kind = 'grant_monthly' "
    "AND period = ?1), (SELECT coalesce(sum(amount), 0) FROM transfers "
    "WHERE kind = 'grant_monthly' AND period = ?1) "
    "FROM (SELECT ?1 AS p) LEFT JOIN grant_runs r ON r.period = p";
static const char SQL_TRANSFER_INSERT[] =
    "INSERT INTO transfers(client_id, req_hash, debit_account, "
    "credit_account, amount, kind, household_id, period, reason, ref_id, "
    "at, user_id) VALUES (nullif(?1, ''), ?2, ?3, ?4, ?5, ?6, ?7, "
    "nullif(?8, ''), ?9, nullif(?10, 0), ?11, nullif(?12, 0))";
#define TRANSFER_COLS                                                          \
	"id, coalesce(client_id, ''), req_hash, debit_account, "               \
	"credit_account, amount, kind, household_id, coalesce(period, ''), "   \
	"reason, coalesce(ref_id, 0), at, coalesce(user_id, 0) FROM "          \
	"transfers "
static const char SQL_TRANSFER_BY_CLIENT[] =
    "SELECT " TRANSFER_COLS "WHERE client_id = ?1";
static const char SQL_TRANSFER_LIST[] =
    "SELECT " TRANSFER_COLS "WHERE household_id = ?1 "
    "AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3";

int
db_policy_put(struct db *db, const struct db_policy *p)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_POLICY_PUT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, p->category, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->monthly_points);
	sqlite3_bind_int64(st, 3, p->per_member_points);
	sqlite3_bind_int(st, 4, p->carry_over);
	sqlite3_bind_int64(st, 5, p->updated_at);
	return db_step_done(db, st, "policy put");
}

static void
db_policy_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_policy *p = row;

	(void)db;
	memset(p, 0, sizeof(*p));
	db_col_text(st, 0, p->category, sizeof(p->category));
	p->monthly_points = sqlite3_column_int64(st, 1);
	p->per_member_points = sqlite3_column_int64(st, 2);
	p->carry_over = sqlite3_column_int(st, 3);
	p->updated_at = sqlite3_column_int64(st, 4);
}

int
db_policy_get(struct db *db, const char *category, struct db_policy *p)
{
	return db_one_text(
	    db, SQL_POLICY_GET, category, p, db_policy_fill, "policy");
}

int
db_policy_list(struct db *db, db_row_cb cb, void *arg)
{
	struct db_policy p;

	return db_rows(db, db_stmt(db, SQL_POLICY_LIST), &p, db_policy_fill, cb,
	    arg, "policy list");
}

static int
db_sum_since(
    struct db *db, int64_t since, const char *kind, int64_t *n, int64_t *sum)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_SUM_SINCE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	return db_ints(db, st, n, sum, "transfer sum");
}

/*
 * One period's run, inside the caller's transaction: expire what is left
 * of prev where policy says so, then grant period (first..last) once.
 */
int
db_grant_monthly(struct db *db, const char *period, const char *prev,
    const char *first, const char *last, int64_t start, int64_t at,
    int64_t user, struct db_grant_run *run)
{
	sqlite3_stmt *st;
	int64_t mark;
	int rc;

	memset(run, 0, sizeof(*run));
	if ((rc = db_ints(db, db_stmt(db, SQL_TRANSFER_MAX), &mark, NULL,
	         "transfer max")) != DB_OK)
		return rc;
	if ((st = db_stmt(db, SQL_EXPIRE_RUN)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int64(st, 4, user);
	sqlite3_bind_int64(st, 5, start);
	if ((rc = db_step_done(db, st, "expire run")) != DB_OK)
		return rc;
	if ((st = db_stmt(db, SQL_GRANT_RUN)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, first, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, last, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at);
	sqlite3_bind_int64(st, 5, user);
	if ((rc = db_step_done(db, st, "grant run")) != DB_OK)
		return rc;
	if ((rc = db_sum_since(db, mark, "expire", &run->expired_households,
	         &run->expired_points)) != DB_OK)
		return rc;
	return db_sum_since(
	    db, mark, "grant_monthly", &run->households, &run->points);
}

/* Marks period as run at at by user (0: none) named name; *first: 1 if
 * this call wrote the mark, 0 if the month had one. */
int
db_grant_mark(struct db *db, const char *period, int64_t at, int64_t user,
    const char *name, int *first)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_GRANT_MARK)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int64(st, 3, user);
	sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
	if ((rc = db_step_done(db, st, "grant mark")) == DB_OK)
		*first = db_changes(db) > 0;
	return rc;
}

/* Whether period's grant ran, when and by whom, and what it gave. */
int
db_grant_status(struct db *db, const char *period, struct db_grant_status *g)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_GRANT_STATUS)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
	memset(g, 0, sizeof(*g));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		g->ran = sqlite3_column_int(st, 0);
		g->ran_at = sqlite3_column_int64(st, 1);
		g->user_id = sqlite3_column_int64(st, 2);
		db_col_text(st, 3, g->username, sizeof(g->username));
		g->households = sqlite3_column_int64(st, 4);
		g->points = sqlite3_column_int64(st, 5);
		rc = DB_OK;
	} else
		rc = db_fail(db, "grant status");
	sqlite3_reset(st);
	return rc;
}

int
db_transfer_insert(struct db *db, struct db_transfer *t)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, t->client_id, -1, SQLITE_STATIC);
	if (t->client_id[0] != '\0')
		sqlite3_bind_blob(st, 2, t->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t->debit_account);
	sqlite3_bind_int64(st, 4, t->credit_account);
	sqlite3_bind_int64(st, 5, t->amount);
	sqlite3_bind_text(st, 6, t->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, t->household_id);
	sqlite3_bind_text(st, 8, t->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, t->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, t->ref_id);
	sqlite3_bind_int64(st, 11, t->at);
	sqlite3_bind_int64(st, 12, t->user_id);
	return db_insert(db, st, &t->id, "transfer insert");
}

static void
db_transfer_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_transfer *t = row;

	(void)db;
	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, t->client_id, sizeof(t->client_id));
	db_col_blob(st, 2, t->req_hash, sizeof(t->req_hash));
	t->debit_account = sqlite3_column_int64(st, 3);
	t->credit_account = sqlite3_column_int64(st, 4);
	t->amount = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, t->kind, sizeof(t->kind));
	t->household_id = sqlite3_column_int64(st, 7);
	db_col_text(st, 8, t->period, sizeof(t->period));
	db_col_text(st, 9, t->reason, sizeof(t->reason));
	t->ref_id = sqlite3_column_int64(st, 10);
	t->at = sqlite3_column_int64(st, 11);
	t->user_id = sqlite3_column_int64(st, 12);
}

int
db_transfer_by_client(struct db *db, const char *cid, struct db_transfer *t)
{
	return db_one_text(
	    db, SQL_TRANSFER_BY_CLIENT, cid, t, db_transfer_fill, "transfer");
}

/* A household's transfers, newest first; before: an id to continue at. */
int
db_transfer_list(struct db *db, int64_t household, int64_t before, int limit,
    db_row_cb cb, void *arg)
{
	struct db_transfer t;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRANSFER_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, household);
	sqlite3_bind_int64(st, 2, before);
	sqlite3_bind_int(st, 3, limit);
	return db_rows(db, st, &t, db_transfer_fill, cb, arg, "transfer list");
}
