/* The audit log, and the hash chain over the ledger's rows. */
#include <string.h>

#include "db_int.h"

static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit(at, user_id, username, role, origin, action, entity, "
    "entity_id, detail) VALUES (?1, nullif(?2, 0), ?3, ?4, ?5, ?6, ?7, "
    "nullif(?8, 0), ?9)";
/* Newest first; the cursor is the last id seen. */
static const char SQL_AUDIT_LIST[] =
    "SELECT id, at, coalesce(user_id, 0), username, role, origin, action, "
    "entity, coalesce(entity_id, 0), detail FROM audit "
    "WHERE at >= ?1 AND at < ?2 AND (?3 = 0 OR id < ?3) "
    "AND (?5 = 0 OR user_id = ?5) AND (?6 IS NULL OR action = ?6) "
    "ORDER BY id DESC LIMIT ?4";
static const char SQL_CHAIN_HEAD_SEQ[] =
    "SELECT hex(hash) FROM chain WHERE seq <= ?1 ORDER BY seq DESC LIMIT 1";
static const char SQL_CHAIN_HEAD[] =
    "SELECT hex(hash) FROM chain WHERE at < ?1 ORDER BY at DESC, seq DESC "
    "LIMIT 1"; /* chain_at holds (at, seq): one index step, no sort */

int
db_audit_insert(struct db *db, const struct db_audit *a)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_AUDIT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, a->at);
	sqlite3_bind_int64(st, 2, a->user_id);
	sqlite3_bind_text(st, 3, a->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, a->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, a->origin, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->entity, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, a->entity_id);
	sqlite3_bind_text(st, 9, a->detail, -1, SQLITE_STATIC);
	return db_step_done(db, st, "audit insert");
}

static void
db_audit_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_audit *a = row;

	(void)db;
	memset(a, 0, sizeof(*a));
	a->id = sqlite3_column_int64(st, 0);
	a->at = sqlite3_column_int64(st, 1);
	a->user_id = sqlite3_column_int64(st, 2);
	db_col_text(st, 3, a->username, sizeof(a->username));
	db_col_text(st, 4, a->role, sizeof(a->role));
	db_col_text(st, 5, a->origin, sizeof(a->origin));
	db_col_text(st, 6, a->action, sizeof(a->action));
	db_col_text(st, 7, a->entity, sizeof(a->entity));
	a->entity_id = sqlite3_column_int64(st, 8);
	db_col_text(st, 9, a->detail, sizeof(a->detail));
}

/* user: 0 for anyone's; action: NULL for any. */
int
db_audit_list(struct db *db, int64_t from, int64_t to, int64_t user,
    const char *action, int64_t before, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_audit a;

	if ((st = db_stmt(db, SQL_AUDIT_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	sqlite3_bind_int64(st, 3, before);
	sqlite3_bind_int(st, 4, limit);
	sqlite3_bind_int64(st, 5, user);
	db_bind_opt(st, 6, action);
	return db_rows(db, st, &a, db_audit_fill, cb, arg, "audit list");
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
