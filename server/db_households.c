/* Households, each with its points account. */
#include <string.h>

#include "db_int.h"

static const char SQL_HOUSEHOLD_INSERT[] =
    "INSERT INTO households(card_code, head_name, id_hash, id_last4, "
    "members, category, street, phone, valid_from, valid_to, status, "
    "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
static const char SQL_ACCOUNT_INSERT[] =
    "INSERT INTO accounts(kind, household_id) VALUES ('household', ?1)";
static const char SQL_HOUSEHOLD_UPDATE[] =
    "UPDATE households SET members = ?2, category = ?3, street = ?4, "
    "phone = ?5, valid_from = ?6, valid_to = ?7, status = ?8 WHERE id = ?1";
static const char SQL_HOUSEHOLD_CARD_SET[] =
    "UPDATE households SET card_code = ?2 WHERE id = ?1";
static const char SQL_HOUSEHOLD_CARD_RETIRE[] =
    "INSERT INTO household_cards(household_id, card_code, retired_at, "
    "user_id, reason) VALUES (?1, ?2, ?3, nullif(?4, 0), ?5)";
#define HOUSEHOLD_COLS                                                         \
	"h.id, h.card_code, h.head_name, h.id_hash, h.id_last4, h.members, "   \
	"h.category, h.street, h.phone, h.valid_from, h.valid_to, "            \
	"h.status, h.created_at, a.id, a.balance FROM households h JOIN "      \
	"accounts a ON a.household_id = h.id "
static const char SQL_HOUSEHOLD_BY_ID[] =
    "SELECT " HOUSEHOLD_COLS "WHERE h.id = ?1";
static const char SQL_HOUSEHOLD_BY_CARD[] =
    "SELECT " HOUSEHOLD_COLS "WHERE h.card_code = ?1";
static const char SQL_HOUSEHOLD_BY_IDHASH[] =
    "SELECT " HOUSEHOLD_COLS "WHERE h.id_hash = ?1";
static const char SQL_HOUSEHOLD_LIST[] =
    "SELECT " HOUSEHOLD_COLS "WHERE h.id > ?1 "
    "AND (?2 IS NULL OR h.card_code = ?2 OR h.head_name LIKE ?3 "
    "ESCAPE '\\') AND (?4 IS NULL OR h.category = ?4) "
    "AND (?5 IS NULL OR h.valid_to <= ?5) AND (?7 IS NULL OR "
    "(?7 = 'suspended' AND h.status = 'suspended') OR (?7 = 'active' AND "
    "h.status = 'active' AND h.valid_from <= ?8 AND h.valid_to >= ?8) OR "
    "(?7 = 'expired' AND h.status = 'active' AND (h.valid_from > ?8 OR "
    "h.valid_to < ?8))) ORDER BY h.id LIMIT ?6";

static void
db_household_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_household *h = row;

	(void)db;
	memset(h, 0, sizeof(*h));
	h->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, h->card_code, sizeof(h->card_code));
	db_col_text(st, 2, h->head_name, sizeof(h->head_name));
	db_col_blob(st, 3, h->id_hash, sizeof(h->id_hash));
	db_col_text(st, 4, h->id_last4, sizeof(h->id_last4));
	h->members = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, h->category, sizeof(h->category));
	db_col_text(st, 7, h->street, sizeof(h->street));
	db_col_text(st, 8, h->phone, sizeof(h->phone));
	db_col_text(st, 9, h->valid_from, sizeof(h->valid_from));
	db_col_text(st, 10, h->valid_to, sizeof(h->valid_to));
	db_col_text(st, 11, h->status, sizeof(h->status));
	h->created_at = sqlite3_column_int64(st, 12);
	h->account_id = sqlite3_column_int64(st, 13);
	h->balance = sqlite3_column_int64(st, 14);
}

int
db_household_insert(struct db *db, struct db_household *h)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, h->card_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->head_name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, h->id_hash, 32, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->id_last4, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, h->members);
	sqlite3_bind_text(st, 6, h->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, h->street, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, h->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, h->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, h->valid_to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, h->status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, h->created_at);
	if ((rc = db_insert(db, st, &h->id, "household insert")) != DB_OK)
		return rc;
	if ((st = db_stmt(db, SQL_ACCOUNT_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, h->id);
	return db_insert(db, st, &h->account_id, "account insert");
}

int
db_household_update(struct db *db, const struct db_household *h)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_UPDATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, h->id);
	sqlite3_bind_int64(st, 2, h->members);
	sqlite3_bind_text(st, 3, h->category, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->street, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, h->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, h->valid_from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, h->valid_to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, h->status, -1, SQLITE_STATIC);
	return db_step_done(db, st, "household update");
}

/* The household's card becomes card: DB_CONFLICT if another household
 * has it, or it was retired (schema/014). */
int
db_household_card_set(struct db *db, int64_t id, const char *card)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_CARD_SET)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, card, -1, SQLITE_STATIC);
	return db_step_done(db, st, "household card");
}

/* Keeps a household's old card in its history, which bars it for good. */
int
db_household_card_retire(struct db *db, int64_t id, const char *card,
    int64_t at, int64_t user, const char *reason)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_CARD_RETIRE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, card, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int64(st, 4, user);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	return db_step_done(db, st, "household card retire");
}

int
db_household_by_id(struct db *db, int64_t id, struct db_household *h)
{
	return db_one_id(
	    db, SQL_HOUSEHOLD_BY_ID, id, h, db_household_fill, "household");
}

int
db_household_by_card(struct db *db, const char *card, struct db_household *h)
{
	return db_one_text(
	    db, SQL_HOUSEHOLD_BY_CARD, card, h, db_household_fill, "household");
}

int
db_household_by_idhash(
    struct db *db, const unsigned char *hash, struct db_household *h)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_BY_IDHASH)) == NULL)
		return DB_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return db_one(db, st, h, db_household_fill, "household");
}

/* q: a card code, or part of a name where names may be searched; before:
 * validity ends on or before. */
int
db_household_list(struct db *db, const char *q, int names, const char *category,
    const char *before, const char *status, const char *today, int64_t after,
    int limit, db_row_cb cb, void *arg)
{
	struct db_household h;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_HOUSEHOLD_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	if (q != NULL && *q != '\0') {
		sqlite3_bind_text(st, 2, q, -1, SQLITE_TRANSIENT);
		if (names)
			db_bind_like(st, 3, q);
	}
	if (category != NULL)
		sqlite3_bind_text(st, 4, category, -1, SQLITE_TRANSIENT);
	if (before != NULL)
		sqlite3_bind_text(st, 5, before, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, limit);
	if (status != NULL)
		sqlite3_bind_text(st, 7, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, today, -1, SQLITE_TRANSIENT);
	return db_rows(
	    db, st, &h, db_household_fill, cb, arg, "household list");
}
