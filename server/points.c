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

int
points_grant_monthly(struct db *db, const struct actor *who, const char *period,
    struct db_grant_run *run, struct fault *f)
{
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN];
	char prev[CLOCK_PERIOD_LEN], now[CLOCK_PERIOD_LEN], detail[96];
	time_t start;

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
	if (db_grant_monthly(db, period, prev, first, last, (int64_t)start,
	        clock_now(), who->user_id, run) != DB_OK)
		goto fail;
	snprintf(detail, sizeof(detail), "%s: %lld households, %lld points",
	    period, (long long)run->households, (long long)run->points);
	if (auth_audit(db, who, "grant_monthly", "period", 0, detail) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	return 0;
fail:
	db_tx_rollback(db);
	return fault_db(f, DB_ERR);
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
