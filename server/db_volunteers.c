/* Volunteers, the shifts they served, and who is checked in now. */
#include <string.h>

#include "db_int.h"

static const char SQL_VOLUNTEER_INSERT[] =
    "INSERT INTO volunteers(name, phone, id_hash, created_at, user_id) "
    "VALUES (?1, ?2, ?3, ?4, nullif(?5, 0))";
#define VOLUNTEER_COLS                                                         \
	"v.id, v.name, v.phone, v.id_hash, v.created_at, "                     \
	"(SELECT coalesce(sum(s.minutes), 0) FROM volunteer_shifts s "         \
	"WHERE s.volunteer_id = v.id), "                                       \
	"EXISTS (SELECT 1 FROM volunteer_checkins c "                          \
	"WHERE c.volunteer_id = v.id)"
static const char SQL_VOLUNTEER_BY_ID[] =
    "SELECT " VOLUNTEER_COLS " FROM volunteers v WHERE v.id = ?1";
static const char SQL_VOLUNTEER_BY_IDHASH[] =
    "SELECT " VOLUNTEER_COLS " FROM volunteers v WHERE v.id_hash = ?1";
static const char SQL_VOLUNTEER_LIST[] =
    "SELECT " VOLUNTEER_COLS " FROM volunteers v WHERE v.id > ?1 "
    "ORDER BY v.id LIMIT ?2";
static const char SQL_SHIFT_INSERT[] =
    "INSERT INTO volunteer_shifts(client_id, req_hash, volunteer_id, "
    "served_on, minutes, role, source, till_id, started_at, ended_at, "
    "created_at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
    "?11, nullif(?12, 0))";
#define SHIFT_COLS                                                             \
	"id, coalesce(client_id, ''), req_hash, volunteer_id, served_on, "     \
	"minutes, role, source, till_id, started_at, ended_at, created_at, "   \
	"coalesce(user_id, 0)"
static const char SQL_SHIFT_BY_CLIENT[] =
    "SELECT " SHIFT_COLS " FROM volunteer_shifts WHERE client_id = ?1";
static const char SQL_SHIFT_LIST[] =
    "SELECT " SHIFT_COLS " FROM volunteer_shifts WHERE volunteer_id = ?1 "
    "ORDER BY served_on, id";
static const char SQL_SHIFT_DAY[] =
    "SELECT coalesce(sum(minutes), 0) FROM volunteer_shifts "
    "WHERE volunteer_id = ?1 AND served_on = ?2";
static const char SQL_SHIFT_YEARS[] =
    "SELECT substr(served_on, 1, 4), 1, count(*), sum(minutes) "
    "FROM volunteer_shifts WHERE volunteer_id = ?1 GROUP BY 1 ORDER BY 1";
/* Per month served from ?1 to ?2 (dates), written before ?3. */
static const char SQL_SHIFT_MONTHS[] =
    "SELECT substr(served_on, 1, 7), count(DISTINCT volunteer_id), "
    "count(*), sum(minutes) FROM volunteer_shifts "
    "WHERE served_on BETWEEN ?1 AND ?2 AND created_at < ?3 "
    "GROUP BY 1 ORDER BY 1";
static const char SQL_CHECKIN_GET[] =
    "SELECT volunteer_id, client_id, till_id, role, at, coalesce(user_id, 0) "
    "FROM volunteer_checkins WHERE volunteer_id = ?1";
static const char SQL_CHECKIN_INSERT[] =
    "INSERT INTO volunteer_checkins(volunteer_id, client_id, till_id, role, "
    "at, user_id) VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, 0))";
static const char SQL_CHECKIN_DELETE[] =
    "DELETE FROM volunteer_checkins WHERE volunteer_id = ?1";

static void
db_volunteer_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_volunteer *v = row;

	(void)db;
	memset(v, 0, sizeof(*v));
	v->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, v->name, sizeof(v->name));
	db_col_text(st, 2, v->phone, sizeof(v->phone));
	if (sqlite3_column_type(st, 3) == SQLITE_BLOB) {
		db_col_blob(st, 3, v->id_hash, sizeof(v->id_hash));
		v->has_idhash = 1;
	}
	v->created_at = sqlite3_column_int64(st, 4);
	v->minutes = sqlite3_column_int64(st, 5);
	v->checked_in = sqlite3_column_int(st, 6);
}

int
db_volunteer_insert(struct db *db, struct db_volunteer *v)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_VOLUNTEER_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, v->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->phone, -1, SQLITE_STATIC);
	if (v->has_idhash)
		sqlite3_bind_blob(
		    st, 3, v->id_hash, sizeof(v->id_hash), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, v->created_at);
	sqlite3_bind_int64(st, 5, 0);
	return db_insert(db, st, &v->id, "volunteer insert");
}

int
db_volunteer_by_id(struct db *db, int64_t id, struct db_volunteer *v)
{
	return db_one_id(
	    db, SQL_VOLUNTEER_BY_ID, id, v, db_volunteer_fill, "volunteer");
}

int
db_volunteer_by_idhash(
    struct db *db, const unsigned char *hash, struct db_volunteer *v)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_VOLUNTEER_BY_IDHASH)) == NULL)
		return DB_ERR;
	sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
	return db_one(db, st, v, db_volunteer_fill, "volunteer by id hash");
}

int
db_volunteer_list(
    struct db *db, int64_t after, int limit, db_row_cb cb, void *arg)
{
	struct db_volunteer v;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_VOLUNTEER_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit > 0 ? limit : -1);
	return db_rows(
	    db, st, &v, db_volunteer_fill, cb, arg, "volunteer list");
}

static void
db_shift_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_shift *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	s->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, s->client_id, sizeof(s->client_id));
	db_col_blob(st, 2, s->req_hash, sizeof(s->req_hash));
	s->volunteer_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, s->served_on, sizeof(s->served_on));
	s->minutes = sqlite3_column_int64(st, 5);
	db_col_text(st, 6, s->role, sizeof(s->role));
	db_col_text(st, 7, s->source, sizeof(s->source));
	db_col_text(st, 8, s->till_id, sizeof(s->till_id));
	s->started_at = sqlite3_column_int64(st, 9);
	s->ended_at = sqlite3_column_int64(st, 10);
	s->created_at = sqlite3_column_int64(st, 11);
	s->user_id = sqlite3_column_int64(st, 12);
}

int
db_shift_insert(struct db *db, struct db_shift *s)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SHIFT_INSERT)) == NULL)
		return DB_ERR;
	db_bind_opt(st, 1, s->client_id);
	if (s->client_id[0] != '\0')
		sqlite3_bind_blob(
		    st, 2, s->req_hash, sizeof(s->req_hash), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, s->volunteer_id);
	sqlite3_bind_text(st, 4, s->served_on, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, s->minutes);
	sqlite3_bind_text(st, 6, s->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, s->source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, s->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, s->started_at);
	sqlite3_bind_int64(st, 10, s->ended_at);
	sqlite3_bind_int64(st, 11, s->created_at);
	sqlite3_bind_int64(st, 12, s->user_id);
	return db_insert(db, st, &s->id, "shift insert");
}

int
db_shift_by_client(struct db *db, const char *client_id, struct db_shift *s)
{
	return db_one_text(
	    db, SQL_SHIFT_BY_CLIENT, client_id, s, db_shift_fill, "shift");
}

int
db_shift_day_minutes(
    struct db *db, int64_t volunteer, const char *day, int64_t *minutes)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SHIFT_DAY)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, volunteer);
	sqlite3_bind_text(st, 2, day, -1, SQLITE_STATIC);
	return db_ints(db, st, minutes, NULL, "shift day");
}

int
db_shift_list(struct db *db, int64_t volunteer, db_row_cb cb, void *arg)
{
	struct db_shift s;

	return db_rows_id(db, SQL_SHIFT_LIST, volunteer, &s, db_shift_fill, cb,
	    arg, "shift list");
}

static void
db_shift_sum_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_shift_sum *s = row;

	(void)db;
	memset(s, 0, sizeof(*s));
	db_col_text(st, 0, s->key, sizeof(s->key));
	s->persons = sqlite3_column_int64(st, 1);
	s->shifts = sqlite3_column_int64(st, 2);
	s->minutes = sqlite3_column_int64(st, 3);
}

int
db_shift_years(struct db *db, int64_t volunteer, db_row_cb cb, void *arg)
{
	struct db_shift_sum s;

	return db_rows_id(db, SQL_SHIFT_YEARS, volunteer, &s, db_shift_sum_fill,
	    cb, arg, "shift years");
}

int
db_shift_months(struct db *db, const char *from, const char *to, int64_t before,
    db_row_cb cb, void *arg)
{
	struct db_shift_sum s;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SHIFT_MONTHS)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, before);
	return db_rows(db, st, &s, db_shift_sum_fill, cb, arg, "shift months");
}

static void
db_checkin_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_checkin *c = row;

	(void)db;
	memset(c, 0, sizeof(*c));
	c->volunteer_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, c->client_id, sizeof(c->client_id));
	db_col_text(st, 2, c->till_id, sizeof(c->till_id));
	db_col_text(st, 3, c->role, sizeof(c->role));
	c->at = sqlite3_column_int64(st, 4);
	c->user_id = sqlite3_column_int64(st, 5);
}

int
db_checkin_get(struct db *db, int64_t volunteer, struct db_checkin *c)
{
	return db_one_id(
	    db, SQL_CHECKIN_GET, volunteer, c, db_checkin_fill, "check-in");
}

int
db_checkin_insert(struct db *db, const struct db_checkin *c)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_CHECKIN_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, c->volunteer_id);
	sqlite3_bind_text(st, 2, c->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, c->till_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, c->role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, c->at);
	sqlite3_bind_int64(st, 6, c->user_id);
	return db_step_done(db, st, "check-in insert");
}

int
db_checkin_delete(struct db *db, int64_t volunteer)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_CHECKIN_DELETE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, volunteer);
	if ((rc = db_step_done(db, st, "check-in delete")) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_NONE;
}
