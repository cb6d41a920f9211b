/*
 * The points ledger's rules: policies per category, the monthly grant
 * (once per household and period, with expiry of what a non-carrying
 * policy leaves unused), and one-off grants. Balances follow transfers by
 * trigger; nothing here edits a balance.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

int
points_policy_put(struct db *db, const struct actor *who, struct db_policy *p,
    struct fault *f)
{
	char detail[96];

	if (!household_category_valid(p->category))
		return fault_field(f, FAULT_NOT_FOUND, "not_found", "category",
		    "no household category %s", p->category);
	p->updated_at = clock_now();
	snprintf(detail, sizeof(detail), "%s %lld+%lld/member carry=%d",
	    p->category, (long long)p->monthly_points,
	    (long long)p->per_member_points, p->carry_over);
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (db_policy_put(db, p) != DB_OK ||
	    auth_audit(db, who, "update", "policy", 0, detail) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

/* The automatic run is the server's own: no user, role "system". */
static int
points_audit_system(struct db *db, const char *detail)
{
	struct db_audit a;

	memset(&a, 0, sizeof(a));
	a.at = clock_now();
	memcpy(a.username, "system", sizeof("system"));
	memcpy(a.role, "system", sizeof("system"));
	memcpy(a.origin, "auto-grant", sizeof("auto-grant"));
	memcpy(a.action, "grant_monthly", sizeof("grant_monthly"));
	memcpy(a.entity, "period", sizeof("period"));
	snprintf(a.detail, sizeof(a.detail), "%s", detail);
	if (db_audit_insert(db, &a) != DB_OK) {
		log_warnx("audit: could not record the automatic grant");
		return -1;
	}
	return 0;
}

/*
 * period's grant inside one transaction, by who (NULL: the server). The
 * month is marked first; auto: a month marked already is left alone (*ran
 * 0), which keeps the server from granting a month twice however its runs
 * race. dry: the very same statements, rolled back, for the figures.
 */
static int
points_grant_tx(struct db *db, const struct actor *who, const char *period,
    int dry, int automatic, struct db_grant_run *run, int *ran, struct fault *f)
{
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN];
	char prev[CLOCK_PERIOD_LEN], now[CLOCK_PERIOD_LEN], detail[96];
	time_t start;
	int64_t at = clock_now(), user = who != NULL ? who->user_id : 0;
	int marked = 1;

	memset(run, 0, sizeof(*run));
	*ran = 0;
	if (clock_period_bounds(period, first, last) != 0 ||
	    clock_period_prev(period, prev) != 0 ||
	    clock_date_epoch(first, &start) != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "period",
		    "period must be a month, YYYY-MM");
	clock_period_now(now);
	if (strcmp(period, now) > 0)
		return fault_field(f, FAULT_BAD, "bad_field", "period",
		    "period %s has not begun", period);
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (!dry &&
	    db_grant_mark(db, period, at, user,
	        who != NULL && who->username[0] ? who->username : "system",
	        &marked) != DB_OK)
		goto fail;
	if (automatic && !marked) {
		db_tx_rollback(db);
		return 0;
	}
	if (db_grant_monthly(db, period, prev, first, last, (int64_t)start, at,
	        user, run) != DB_OK)
		goto fail;
	if (dry) {
		db_tx_rollback(db);
		return 0;
	}
	snprintf(detail, sizeof(detail), "%s: %lld households, %lld points",
	    period, (long long)run->households, (long long)run->points);
	if ((who != NULL
	            ? auth_audit(db, who, "grant_monthly", "period", 0, detail)
	            : points_audit_system(db, detail)) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	*ran = 1;
	return 0;
fail:
	db_tx_rollback(db);
	memset(run, 0, sizeof(*run));
	return fault_db(f, DB_ERR);
}

int
points_grant_monthly(struct db *db, const struct actor *who, const char *period,
    struct db_grant_run *run, struct fault *f)
{
	int ran;

	return points_grant_tx(db, who, period, 0, 0, run, &ran, f);
}

/* What points_grant_monthly would do now, done and undone: its figures,
 * nothing kept (no grant, no mark, no audit). */
int
points_grant_preview(struct db *db, const struct actor *who, const char *period,
    struct db_grant_run *run, struct fault *f)
{
	int ran;

	return points_grant_tx(db, who, period, 1, 0, run, &ran, f);
}

/*
 * The server's own run of this month's grant, if the month has none yet
 * (by hand or automatic): *ran 1 when it ran now. A read first, so that a
 * month that ran costs no write transaction.
 */
int
points_grant_auto(
    struct db *db, char *period, struct db_grant_run *run, int *ran)
{
	struct db_grant_status g;
	struct fault f;

	*ran = 0;
	memset(run, 0, sizeof(*run));
	memset(&f, 0, sizeof(f));
	clock_period_now(period);
	if (db_grant_status(db, period, &g) != DB_OK)
		return -1;
	if (g.ran)
		return 0;
	return points_grant_tx(db, NULL, period, 0, 1, run, ran, &f);
}

/* Seconds from now until the next month begins, store time (at least 1). */
int64_t
points_grant_due(void)
{
	char now[CLOCK_PERIOD_LEN], first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN];
	char next[CLOCK_DATE_LEN];
	time_t t;
	int64_t left;

	clock_period_now(now);
	if (clock_period_bounds(now, first, last) != 0 ||
	    clock_date_add(last, 1, next) != 0 ||
	    clock_date_epoch(next, &t) != 0)
		return 3600;
	left = (int64_t)t - (int64_t)clock_now();
	return left < 1 ? 1 : left;
}

/* Whether period's grant ran; a malformed period is refused. */
int
points_grant_status(struct db *db, const char *period,
    struct db_grant_status *g, struct fault *f)
{
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN];

	if (clock_period_bounds(period, first, last) != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "period",
		    "period must be a month, YYYY-MM");
	return db_grant_status(db, period, g) == DB_OK ? 0
	                                               : fault_db(f, DB_ERR);
}

int
points_grant_oneoff(struct db *db, const struct actor *who,
    struct db_transfer *t, int *replayed, struct fault *f)
{
	struct db_transfer had;
	struct db_household h;
	char today[CLOCK_DATE_LEN];
	int rc;

	*replayed = 0;
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	rc = db_transfer_by_client(db, t->client_id, &had);
	if (replay_check(rc, had.req_hash, t->req_hash,
	        rc == DB_OK && strcmp(had.kind, "grant_oneoff") == 0,
	        t->client_id, replayed, f) != 0 ||
	    *replayed) {
		db_tx_rollback(db);
		if (*replayed)
			*t = had;
		return *replayed ? 0 : -1;
	}
	if ((rc = db_household_by_id(db, t->household_id, &h)) != DB_OK) {
		if (rc != DB_NONE)
			goto fail;
		db_tx_rollback(db);
		return fault_field(f, FAULT_NOT_FOUND, "not_found",
		    "household_id", "no household %lld",
		    (long long)t->household_id);
	}
	clock_today(today);
	if (!household_active(&h, today)) {
		db_tx_rollback(db);
		fault_field(f, FAULT_RULE, "household_inactive", "household_id",
		    "the household is %s", household_status(&h));
		fault_num(f, "household_id", h.id);
		return -1;
	}
	t->debit_account = DB_ACCOUNT_GRANT_ONEOFF;
	t->credit_account = h.account_id;
	memcpy(t->kind, "grant_oneoff", sizeof("grant_oneoff"));
	t->at = clock_now();
	t->user_id = who->user_id;
	if (db_transfer_insert(db, t) != DB_OK ||
	    auth_audit(db, who, "grant_oneoff", "household", h.id, t->reason) !=
	        0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
}
