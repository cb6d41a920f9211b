/*
 * Volunteers (志愿服务): the register, kept as private as households'
 * (an id number only as a keyed hash, to refuse one person twice), and
 * the shifts they serve, recorded by a manager or by checking in and out
 * at a till. A shift is dated the day it was served; no day holds more
 * than 24 hours of one volunteer, and no shift is dated in the future.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

/* A role: 1 to 40 bytes, as json_str checked it; nothing else to ask. */
int
volunteer_role_valid(const char *role)
{
	size_t n = strlen(role);

	return n >= 1 && n <= 40;
}

int
volunteer_register(struct db *db, const struct actor *who,
    struct volunteer_new *in, struct fault *f)
{
	struct db_volunteer *v = &in->v, had;
	char norm[HOUSEHOLD_IDNUM_LEN + 1];
	size_t i;
	int rc;

	for (i = 0; v->phone[i] != '\0'; i++)
		if (strchr("0123456789+- ", v->phone[i]) == NULL)
			return fault_field(f, FAULT_BAD, "bad_field", "phone",
			    "phone: digits, '+', '-' and spaces only");
	v->has_idhash = in->id_number[0] != '\0';
	if (v->has_idhash) {
		if (household_idnum_check(in->id_number, norm) != 0)
			return fault_field(f, FAULT_BAD, "bad_field",
			    "id_number",
			    "id_number is not a valid resident id number "
			    "(length, birth date or check character)");
		rc = household_idnum_hash("volunteer", norm, v->id_hash);
		sodium_memzero(norm, sizeof(norm));
		sodium_memzero(in->id_number, sizeof(in->id_number));
		if (rc != 0)
			return fault_set(f, FAULT_INTERNAL, "internal",
			    "the server has no id-number key; see README");
	}
	v->created_at = clock_now();
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (v->has_idhash &&
	    (rc = db_volunteer_by_idhash(db, v->id_hash, &had)) != DB_NONE) {
		if (rc != DB_OK)
			goto fail;
		db_tx_rollback(db);
		fault_field(f, FAULT_CONFLICT, "duplicate_volunteer",
		    "id_number",
		    "a volunteer with this id number is registered already");
		fault_num(f, "volunteer_id", had.id);
		return -1;
	}
	if (db_volunteer_insert(db, v) != DB_OK ||
	    auth_audit(db, who, "create", "volunteer", v->id, "") != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}

/* Inside a transaction: whether volunteer id exists (0) or not (-1, f). */
static int
volunteer_exists(struct db *db, int64_t id, struct fault *f)
{
	struct db_volunteer v;
	int rc;

	if ((rc = db_volunteer_by_id(db, id, &v)) == DB_OK)
		return 0;
	if (rc == DB_NONE)
		return fault_set(f, FAULT_NOT_FOUND, "not_found",
		    "no volunteer %lld", (long long)id);
	return fault_db(f, rc);
}

/* Inside a transaction: writes shift s unless its day would hold more
 * than 24 hours. */
static int
volunteer_shift_write(
    struct db *db, const struct actor *who, struct db_shift *s, struct fault *f)
{
	int64_t had;
	char detail[64];

	if (db_shift_day_minutes(db, s->volunteer_id, s->served_on, &had) !=
	    DB_OK)
		return fault_db(f, DB_ERR);
	if (had + s->minutes > VOLUNTEER_DAY_MINUTES) {
		fault_field(f, FAULT_RULE, "day_over_24h", "minutes",
		    "%s holds %lld minutes already; a day holds at most %d",
		    s->served_on, (long long)had, VOLUNTEER_DAY_MINUTES);
		fault_num(f, "day_minutes", had);
		return -1;
	}
	s->created_at = clock_now();
	s->user_id = who->user_id;
	snprintf(detail, sizeof(detail), "%s %lld", s->served_on,
	    (long long)s->minutes);
	if (db_shift_insert(db, s) != DB_OK ||
	    auth_audit(db, who, "create", "volunteer_shift", s->id, detail) !=
	        0)
		return fault_db(f, DB_ERR);
	return 0;
}

/* A shift recorded by a manager: s has client_id, req_hash,
 * volunteer_id, served_on, minutes and role. */
int
volunteer_shift_add(struct db *db, const struct actor *who, struct db_shift *s,
    int *replayed, struct fault *f)
{
	char today[CLOCK_DATE_LEN];
	struct db_shift had;
	int rc;

	*replayed = 0;
	clock_today(today);
	if (!clock_date_valid(s->served_on))
		return fault_field(f, FAULT_BAD, "bad_field", "served_on",
		    "served_on must be a date, YYYY-MM-DD");
	if (strcmp(s->served_on, today) > 0)
		return fault_field(f, FAULT_RULE, "future_date", "served_on",
		    "served_on %s is after today (%s)", s->served_on, today);
	if (!volunteer_role_valid(s->role))
		return fault_field(f, FAULT_BAD, "bad_field", "role",
		    "role must be 1 to 40 bytes");
	snprintf(s->source, sizeof(s->source), "manager");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_shift_by_client(db, s->client_id, &had);
	if (replay_check(rc, had.req_hash, s->req_hash,
	        rc == DB_OK && had.volunteer_id == s->volunteer_id,
	        s->client_id, replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*s = had;
		return *replayed ? 0 : -1;
	}
	if (volunteer_exists(db, s->volunteer_id, f) != 0 ||
	    volunteer_shift_write(db, who, s, f) != 0) {
		db_tx_rollback(db);
		return -1;
	}
	if (db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

/*
 * Checks volunteer c->volunteer_id in at till c->till_id. Checking in
 * again with the same client_id answers as the first time (replayed);
 * while checked in, any other check-in is refused.
 */
int
volunteer_check_in(struct db *db, const struct actor *who, struct db_checkin *c,
    int *replayed, struct fault *f)
{
	struct db_checkin had;
	int rc;

	*replayed = 0;
	if (!volunteer_role_valid(c->role))
		return fault_field(f, FAULT_BAD, "bad_field", "role",
		    "role must be 1 to 40 bytes");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (volunteer_exists(db, c->volunteer_id, f) != 0)
		goto fail;
	if ((rc = db_checkin_get(db, c->volunteer_id, &had)) == DB_OK) {
		db_tx_rollback(db);
		if (strcmp(had.client_id, c->client_id) == 0) {
			*c = had;
			*replayed = 1;
			return 0;
		}
		fault_set(f, FAULT_CONFLICT, "already_checked_in",
		    "volunteer %lld is checked in already (till %s)",
		    (long long)c->volunteer_id, had.till_id);
		fault_str(f, "till_id", had.till_id);
		return -1;
	}
	if (rc != DB_NONE)
		goto fail;
	c->at = clock_now();
	c->user_id = who->user_id;
	if (db_checkin_insert(db, c) != DB_OK ||
	    auth_audit(db, who, "check_in", "volunteer", c->volunteer_id,
	        c->till_id) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	if (f->kind == FAULT_NONE)
		fault_db(f, DB_ERR);
	return -1;
}

/*
 * Checks volunteer id out: its check-in becomes a shift dated the day of
 * the check-in, of the whole minutes begun since (at least one), counted
 * up to that day's midnight at most. s has client_id and req_hash; a
 * retry with them answers with the shift written (replayed).
 */
int
volunteer_check_out(struct db *db, const struct actor *who, int64_t id,
    struct db_shift *s, int *replayed, struct fault *f)
{
	char day[CLOCK_DATE_LEN], next[CLOCK_DATE_LEN];
	struct db_checkin c;
	struct db_shift had;
	struct tm tm;
	time_t at, end, now = clock_now();
	int rc;

	*replayed = 0;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_shift_by_client(db, s->client_id, &had);
	if (replay_check(rc, had.req_hash, s->req_hash,
	        rc == DB_OK && had.volunteer_id == id, s->client_id, replayed,
	        f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*s = had;
		return *replayed ? 0 : -1;
	}
	if (volunteer_exists(db, id, f) != 0)
		goto fail;
	if ((rc = db_checkin_get(db, id, &c)) == DB_NONE) {
		fault_set(f, FAULT_CONFLICT, "not_checked_in",
		    "volunteer %lld is not checked in", (long long)id);
		goto fail;
	}
	if (rc != DB_OK)
		goto fail;
	at = (time_t)c.at;
	localtime_r(&at, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	if (clock_date_add(day, 1, next) != 0 ||
	    clock_date_epoch(next, &end) != 0)
		goto fail;
	if (now < end)
		end = now;
	s->volunteer_id = id;
	snprintf(s->served_on, sizeof(s->served_on), "%s", day);
	s->minutes = end > at ? ((int64_t)end - (int64_t)at + 59) / 60 : 1;
	if (s->minutes < 1)
		s->minutes = 1;
	snprintf(s->role, sizeof(s->role), "%s", c.role);
	snprintf(s->source, sizeof(s->source), "till");
	snprintf(s->till_id, sizeof(s->till_id), "%s", c.till_id);
	s->started_at = c.at;
	s->ended_at = (int64_t)now;
	if (db_checkin_delete(db, id) != DB_OK)
		goto fail;
	if (volunteer_shift_write(db, who, s, f) != 0)
		goto fail;
	if (db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	if (f->kind == FAULT_NONE)
		fault_db(f, DB_ERR);
	return -1;
}
