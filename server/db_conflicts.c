/* Offline conflicts: baskets a till handed out offline that the server
 * refused on replay, their lines, and how a manager resolved them. */
#include <string.h>

#include "db_int.h"

static const char SQL_CONFLICT_INSERT[] =
    "INSERT INTO offline_conflicts(client_id, req_hash, till_id, local_no, "
    "card, household_id, code, message, created_at, user_id) VALUES (?1, "
    "?2, ?3, ?4, ?5, nullif(?6, 0), ?7, ?8, ?9, nullif(?10, 0))";
static const char SQL_CONFLICT_LINE_INSERT[] =
    "INSERT INTO offline_conflict_lines(conflict_id, item_id, quantity) "
    "VALUES (?1, ?2, ?3)";
#define CONFLICT_COLS                                                          \
	"id, client_id, req_hash, till_id, local_no, card, "                   \
	"coalesce(household_id, 0), code, message, created_at, "               \
	"coalesce(user_id, 0), coalesce(resolved_as, ''), "                    \
	"coalesce(reason, ''), coalesce(resolved_at, 0), "                     \
	"coalesce(resolved_by, 0), coalesce(distribution_id, 0), "             \
	"points_shortfall, unmatched FROM offline_conflicts "
static const char SQL_CONFLICT_BY_ID[] =
    "SELECT " CONFLICT_COLS "WHERE id = ?1";
static const char SQL_CONFLICT_BY_CLIENT[] =
    "SELECT " CONFLICT_COLS "WHERE client_id = ?1";
/* ?2: 1 open only, 0 resolved only, -1 all. */
static const char SQL_CONFLICT_LIST[] =
    "SELECT " CONFLICT_COLS "WHERE id > ?1 AND (?2 < 0 OR "
    "(resolved_as IS NULL) = ?2) ORDER BY id LIMIT ?3";
static const char SQL_CONFLICT_OPEN[] =
    "SELECT count(*) FROM offline_conflicts WHERE resolved_as IS NULL";
static const char SQL_CONFLICT_LINES[] =
    "SELECT c.item_id, i.name, c.quantity FROM offline_conflict_lines c "
    "JOIN items i ON i.id = c.item_id WHERE c.conflict_id = ?1 "
    "ORDER BY c.item_id";
static const char SQL_CONFLICT_RESOLVE[] =
    "UPDATE offline_conflicts SET resolved_as = ?2, reason = ?3, "
    "resolved_at = ?4, resolved_by = nullif(?5, 0), "
    "distribution_id = nullif(?6, 0), points_shortfall = ?7, "
    "unmatched = ?8 WHERE id = ?1 AND resolved_as IS NULL";
static const char SQL_CONFLICT_WRITEOFF[] =
    "INSERT INTO offline_conflict_writeoffs(conflict_id, movement_id) "
    "VALUES (?1, ?2)";

static void
db_conflict_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_conflict *c = row;

	(void)db;
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->client_id, sizeof(c->client_id));
	db_col_blob(st, 2, c->req_hash, sizeof(c->req_hash));
	db_col_text(st, 3, c->till_id, sizeof(c->till_id));
	db_col_text(st, 4, c->local_no, sizeof(c->local_no));
	db_col_text(st, 5, c->card, sizeof(c->card));
	c->household_id = sqlite3_column_int64(st, 6);
	db_col_text(st, 7, c->code, sizeof(c->code));
	db_col_text(st, 8, c->message, sizeof(c->message));
	c->created_at = sqlite3_column_int64(st, 9);
	c->user_id = sqlite3_column_int64(st, 10);
	db_col_text(st, 11, c->resolved_as, sizeof(c->resolved_as));
	db_col_text(st, 12, c->reason, sizeof(c->reason));
	c->resolved_at = sqlite3_column_int64(st, 13);
	c->resolved_by = sqlite3_column_int64(st, 14);
	c->distribution_id = sqlite3_column_int64(st, 15);
	c->points_shortfall = sqlite3_column_int64(st, 16);
	c->unmatched = sqlite3_column_int64(st, 17);
}

int
db_conflict_insert(struct db *db, struct db_conflict *c)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CONFLICT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, c->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, c->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->local_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, c->card, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, c->household_id);
	sqlite3_bind_text(st, 7, c->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, c->message, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, c->created_at);
	sqlite3_bind_int64(st, 10, c->user_id);
	return db_insert(db, st, &c->id, "conflict insert");
}

int
db_conflict_line_insert(
    struct db *db, int64_t conflict, int64_t item, int64_t quantity)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CONFLICT_LINE_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, conflict);
	sqlite3_bind_int64(st, 2, item);
	sqlite3_bind_int64(st, 3, quantity);
	return db_step_done(db, st, "conflict line insert");
}

int
db_conflict_by_id(struct db *db, int64_t id, struct db_conflict *c)
{
	return db_one_id(
	    db, SQL_CONFLICT_BY_ID, id, c, db_conflict_fill, "conflict");
}

int
db_conflict_by_client(struct db *db, const char *cid, struct db_conflict *c)
{
	return db_one_text(
	    db, SQL_CONFLICT_BY_CLIENT, cid, c, db_conflict_fill, "conflict");
}

int
db_conflict_list(
    struct db *db, int open, int64_t after, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_conflict c;

	if ((st = db_stmt(db, SQL_CONFLICT_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, open);
	sqlite3_bind_int(st, 3, limit);
	return db_rows(db, st, &c, db_conflict_fill, cb, arg, "conflict list");
}

int
db_conflict_open_count(struct db *db, int64_t *n)
{
	return db_ints(
	    db, db_stmt(db, SQL_CONFLICT_OPEN), n, NULL, "conflict count");
}

static void
db_conflict_line_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_conflict_line *l = row;

	(void)db;
	memset(l, 0, sizeof(*l));
	l->item_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, l->name, sizeof(l->name));
	l->quantity = sqlite3_column_int64(st, 2);
}

int
db_conflict_lines(struct db *db, int64_t id, db_row_cb cb, void *arg)
{
	struct db_conflict_line l;

	return db_rows_id(db, SQL_CONFLICT_LINES, id, &l, db_conflict_line_fill,
	    cb, arg, "conflict lines");
}

int
db_conflict_resolve(struct db *db, const struct db_conflict *c)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_CONFLICT_RESOLVE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, c->id);
	sqlite3_bind_text(st, 2, c->resolved_as, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, c->resolved_at);
	sqlite3_bind_int64(st, 5, c->resolved_by);
	sqlite3_bind_int64(st, 6, c->distribution_id);
	sqlite3_bind_int64(st, 7, c->points_shortfall);
	sqlite3_bind_int64(st, 8, c->unmatched);
	if ((rc = db_step_done(db, st, "conflict resolve")) != DB_OK)
		return rc;
	/* Resolved meanwhile: nothing changed. */
	return sqlite3_changes(db_handle(db)) == 1 ? DB_OK : DB_NONE;
}

int
db_conflict_writeoff(struct db *db, int64_t conflict, int64_t movement)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CONFLICT_WRITEOFF)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, conflict);
	sqlite3_bind_int64(st, 2, movement);
	return db_step_done(db, st, "conflict write-off");
}
