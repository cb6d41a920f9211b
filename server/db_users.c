/* Users and sessions. */
#include <string.h>

#include "db_int.h"

static const char SQL_USER_INSERT[] =
    "INSERT INTO users(username, display_name, role, pwhash, created_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
#define USER_COLS                                                              \
	"id, username, display_name, role, pwhash, created_at, disabled, 0 "
static const char SQL_USER_BY_NAME[] =
    "SELECT " USER_COLS "FROM users WHERE username = ?1";
static const char SQL_USER_BY_ID[] =
    "SELECT " USER_COLS "FROM users WHERE id = ?1";
/* No password hash leaves through a list; the last log-in is the newest
 * session's (sessions_user answers it in one step). */
static const char SQL_USER_LIST[] =
    "SELECT id, username, display_name, role, '', created_at, disabled, "
    "coalesce((SELECT max(s.created_at) FROM sessions s "
    "WHERE s.user_id = u.id), 0) FROM users u WHERE id > ?1 ORDER BY id "
    "LIMIT ?2";
static const char SQL_USER_COUNT[] = "SELECT count(*) FROM users";
static const char SQL_USER_ADMINS[] =
    "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0";
static const char SQL_USER_UPDATE[] =
    "UPDATE users SET display_name = ?2, role = ?3, disabled = ?4 "
    "WHERE id = ?1";
static const char SQL_USER_PASSWORD[] =
    "UPDATE users SET pwhash = ?2 WHERE id = ?1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) "
    "VALUES (?1, ?2, ?3, ?4)";
/* A disabled user's sessions are not honoured, whatever their rows say. */
static const char SQL_SESSION_USER[] =
    "SELECT u.id, u.username, u.display_name, u.role, u.pwhash, "
    "u.created_at, u.disabled, 0, s.expires_at FROM sessions s JOIN users u "
    "ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.revoked = 0 "
    "AND s.expires_at > ?2 AND u.disabled = 0";
static const char SQL_SESSION_REVOKE[] =
    "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1";
/* All of a user's live sessions but the one whose hash is ?2 (if any). */
static const char SQL_SESSION_REVOKE_USER[] =
    "UPDATE sessions SET revoked = 1 WHERE user_id = ?1 AND revoked = 0 "
    "AND (?2 IS NULL OR token_hash <> ?2)";

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
	u->disabled = sqlite3_column_int(st, 6);
	u->last_login_at = sqlite3_column_int64(st, 7);
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

/* Admins who are not disabled. */
int
db_user_admins(struct db *db, int64_t *n)
{
	return db_ints(
	    db, db_stmt(db, SQL_USER_ADMINS), n, NULL, "user admins");
}

int
db_user_list(struct db *db, int64_t after, int limit, db_row_cb cb, void *arg)
{
	struct db_user u;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_USER_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	return db_rows(db, st, &u, db_user_fill, cb, arg, "user list");
}

/* Writes u's display name, role and disabled flag. */
int
db_user_update(struct db *db, const struct db_user *u)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_USER_UPDATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, u->id);
	sqlite3_bind_text(st, 2, u->display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->role, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, u->disabled != 0);
	return db_step_done(db, st, "user update");
}

int
db_user_set_password(struct db *db, int64_t id, const char *pwhash)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_USER_PASSWORD)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, pwhash, -1, SQLITE_STATIC);
	return db_step_done(db, st, "user password");
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
		*expires = sqlite3_column_int64(st, 8);
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

/* Ends every session of user but keep's (NULL: all of them). */
int
db_session_revoke_user(struct db *db, int64_t user, const unsigned char *keep)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SESSION_REVOKE_USER)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, user);
	if (keep != NULL)
		sqlite3_bind_blob(st, 2, keep, 32, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	return db_step_done(db, st, "session revoke user");
}
