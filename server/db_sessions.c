/* A user's live sessions, as an admin lists them: never their tokens. */
#include <string.h>

#include "db_int.h"

static const char SQL_SESSIONS_LIVE[] =
    "SELECT hex(substr(token_hash, 1, 8)), created_at, expires_at "
    "FROM sessions WHERE user_id = ?1 AND revoked = 0 AND expires_at > ?2 "
    "ORDER BY created_at DESC LIMIT 500";

static void
db_sessions_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_session_row *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	db_col_text(st, 0, s->id, sizeof(s->id));
	s->created_at = sqlite3_column_int64(st, 1);
	s->expires_at = sqlite3_column_int64(st, 2);
}

/* user's sessions neither ended nor expired at now, newest first. */
int
db_sessions_live(
    struct db *db, int64_t user, int64_t now, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_session_row s;

	if ((st = db_stmt(db, SQL_SESSIONS_LIVE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, user);
	sqlite3_bind_int64(st, 2, now);
	return db_rows(db, st, &s, db_sessions_fill, cb, arg, "sessions live");
}
