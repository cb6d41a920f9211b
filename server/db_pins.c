/* Households' PINs (schema/017): their argon2id hashes. */
#include <string.h>

#include "db_int.h"

static const char SQL_PIN_SET[] =
    "INSERT INTO household_pins(household_id, hash, set_at, user_id) "
    "VALUES (?1, ?2, ?3, nullif(?4, 0)) ON CONFLICT(household_id) DO "
    "UPDATE SET hash = excluded.hash, set_at = excluded.set_at, "
    "user_id = excluded.user_id";
static const char SQL_PIN_GET[] =
    "SELECT hash FROM household_pins WHERE household_id = ?1";

int
db_pin_set(struct db *db, int64_t household, const char *hash, int64_t at,
    int64_t user)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_PIN_SET)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, household);
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int64(st, 4, user);
	return db_step_done(db, st, "pin set");
}

/* The household's PIN hash into hash; DB_NONE when it has none. */
int
db_pin_get(struct db *db, int64_t household, char *hash, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_PIN_GET)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, household);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		db_col_text(st, 0, hash, size);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, "pin get");
	sqlite3_reset(st);
	return rc;
}
