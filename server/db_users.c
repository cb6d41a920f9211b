/* Users and sessions. */
#include <string.h>

#include "db_int.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users(username, display_name, role, pwhash, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_USER_BY_NAME[] =
    "SELECT id, username, display_name, role, pwhash, created_at "
    "FROM users WHERE username = ?1";
static const char SQL_USER_BY_ID[] =
    "SELECT id, username, display_name, role, pwhash, created_at "
    "FROM users WHERE id = ?1";
static const char SQL_USER_COUNT[] = "SELECT count(*) FROM users";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char SQL_SESSION_USER[] =
    "SELECT u.id, u.username, u.display_name, u.role, u.pwhash, "
    "u.created_at, s.expires_at FROM sessions s JOIN users u "
    "ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.revoked = 0 "
    "AND s.expires_at > ?2";
static const char SQL_SESSION_REVOKE[] =
    "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1";

int
db_user_insert(struct db *db, struct db_user *u)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_USER_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, u->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, u->created_at);
	return db_insert(db, st, &u->id, "user insert");
}

static void
db_user_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_user *u = row;

	(void)db;
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, u->username, sizeof(u->username));
	db_col_text(st, 2, u->display_name, sizeof(u->display_name));
	db_col_text(st, 3, u->role, sizeof(u->role));
	db_col_text(st, 4, u->pwhash, sizeof(u->pwhash));
	u->created_at = sqlite3_column_int64(st, 5);
}

int
db_user_by_name(struct db *db, const char *name, struct db_user *u)
{
	return db_one_text(db, SQL_USER_BY_NAME, name, u, db_user_fill, "user");
}

int
db_user_by_id(struct db *db, int64_t id, struct db_user *u)
{
	return db_one_id(db, SQL_USER_BY_ID, id, u, db_user_fill, "user");
}

int
db_user_count(struct db *db, int64_t *n)
{
	return db_ints(db, db_stmt(db, SQL_USER_COUNT), n, NULL, "user count");
}

int
db_session_insert(struct db *db, const unsigned char *hash, int64_t user,
    int64_t now, int64_t expires)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SESSION_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires);
	return db_step_done(db, st, "session insert");
}

int
db_session_user(struct db *db, const unsigned char *hash, int64_t now,
    struct db_user *u, int64_t *expires)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_SESSION_USER)) == NULL)
		return DB_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_user_fill(db, st, u);
		*expires = sqlite3_column_int64(st, 6);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, "session");
	sqlite3_reset(st);
	return rc;
}

int
db_session_revoke(struct db *db, const unsigned char *hash)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SESSION_REVOKE)) == NULL)
		return DB_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return db_step_done(db, st, "session revoke");
}
