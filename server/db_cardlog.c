/* Card look-ups: one row each, and who looked up how many in a period. */
#include <string.h>

#include "db_int.h"

static const char SQL_CARDLOG_INSERT[] =
    "INSERT INTO card_lookups(at, user_id, card_hash, found) "
    "VALUES (?1, ?2, ?3, ?4)";
static const char SQL_CARDLOG_SUMMARY[] =
    "SELECT c.user_id, u.username, u.role, count(*), "
    "count(DISTINCT c.card_hash), sum(c.found), min(c.at), max(c.at) "
    "FROM card_lookups c JOIN users u ON u.id = c.user_id "
    "WHERE c.at >= ?1 AND c.at < ?2 GROUP BY c.user_id "
    "ORDER BY count(*) DESC, c.user_id LIMIT 500";

int
db_cardlog_insert(struct db *db, int64_t at, int64_t user,
    const unsigned char *hash, int found)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CARDLOG_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_int64(st, 2, user);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, found ? 1 : 0);
	return db_step_done(db, st, "card look-up insert");
}

static void
db_cardlog_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_cardlog_sum *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	s->user_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->username, sizeof(s->username));
	db_col_text(st, 2, s->role, sizeof(s->role));
	s->lookups = sqlite3_column_int64(st, 3);
	s->cards = sqlite3_column_int64(st, 4);
	s->found = sqlite3_column_int64(st, 5);
	s->first_at = sqlite3_column_int64(st, 6);
	s->last_at = sqlite3_column_int64(st, 7);
}

/* Per user, most look-ups first, of [from, to). */
int
db_cardlog_summary(
    struct db *db, int64_t from, int64_t to, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_cardlog_sum s;

	if ((st = db_stmt(db, SQL_CARDLOG_SUMMARY)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	return db_rows(
	    db, st, &s, db_cardlog_fill, cb, arg, "card look-up summary");
}
