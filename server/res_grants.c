/* /api/v1/policies and /api/v1/grants: what households are entitled to. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static cJSON *
res_grants_policy_json(const struct db_policy *p)
{
	cJSON *o = json_new();

	json_add_str(o, "category", p->category);
	json_add_int(o, "monthly_points", p->monthly_points);
	json_add_int(o, "per_member_points", p->per_member_points);
	json_add_bool(o, "carry_over", p->carry_over);
	json_add_time(o, "updated_at", (time_t)p->updated_at);
	return o;
}

void
res_grants_policy_put(struct req *r)
{
	struct db_policy p;
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	snprintf(p.category, sizeof(p.category), "%.15s", http_arg(r, 0));
	if ((b = http_body(r, &f)) == NULL ||
	    json_int(b, "monthly_points", 1, 0, LIMIT_POINTS, &p.monthly_points,
	        &f) < 0 ||
	    json_int(b, "per_member_points", 0, 0, LIMIT_POINTS,
	        &p.per_member_points, &f) < 0 ||
	    json_bool(b, "carry_over", 1, &p.carry_over, &f) < 0 ||
	    points_policy_put(http_db(r), http_actor(r), &p, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 200, res_grants_policy_json(&p));
}

static int
res_grants_policy_row(const void *row, void *arg)
{
	http_list_add(arg, res_grants_policy_json(row), 0);
	return 0;
}

void
res_grants_policy_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	http_list_all(&l);
	if (db_policy_list(http_db(r), res_grants_policy_row, &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}

/* "dry_run": true answers the same figures and keeps nothing. */
void
res_grants_monthly(struct req *r)
{
	struct db_grant_run run;
	struct fault f;
	const cJSON *b;
	cJSON *o;
	char period[CLOCK_PERIOD_LEN];
	int dry = 0;

	memset(&f, 0, sizeof(f));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "period", 1, 7, period, sizeof(period), &f) < 0 ||
	    json_bool(b, "dry_run", 0, &dry, &f) < 0 ||
	    (dry ? points_grant_preview(
	               http_db(r), http_actor(r), period, &run, &f)
	         : points_grant_monthly(
	               http_db(r), http_actor(r), period, &run, &f)) != 0) {
		http_fault(r, &f);
		return;
	}
	o = json_new();
	json_add_str(o, "period", period);
	json_add_int(o, "households", run.households);
	json_add_int(o, "points", run.points);
	json_add_int(o, "expired_households", run.expired_households);
	json_add_int(o, "expired_points", run.expired_points);
	if (dry)
		json_add_bool(o, "dry_run", 1);
	http_reply(r, 200, o);
}

/* Whether a month's grant ran (?period=, default this month). */
void
res_grants_monthly_status(struct req *r)
{
	struct db_grant_status g;
	struct fault f;
	const char *s;
	cJSON *o;
	char period[CLOCK_PERIOD_LEN];

	memset(&f, 0, sizeof(f));
	if ((s = http_query(r, "period")) == NULL)
		clock_period_now(period);
	else if (strlen(s) != CLOCK_PERIOD_LEN - 1) {
		fault_field(&f, FAULT_BAD, "bad_field", "period",
		    "period must be a month, YYYY-MM");
		goto fail;
	} else
		memcpy(period, s, CLOCK_PERIOD_LEN);
	if (points_grant_status(http_db(r), period, &g, &f) != 0)
		goto fail;
	o = json_new();
	json_add_str(o, "period", period);
	json_add_bool(o, "ran", g.ran);
	if (g.ran) {
		json_add_time(o, "ran_at", (time_t)g.ran_at);
		json_add_str(o, "ran_by", g.username);
		if (g.user_id > 0)
			json_add_int(o, "user_id", g.user_id);
	} else {
		cJSON_AddNullToObject(o, "ran_at");
		cJSON_AddNullToObject(o, "ran_by");
	}
	json_add_int(o, "households", g.households);
	json_add_int(o, "points", g.points);
	http_reply(r, 200, o);
	return;
fail:
	http_fault(r, &f);
}

void
res_grants_oneoff(struct req *r)
{
	struct db_transfer t;
	struct fault f;
	const cJSON *b;
	cJSON *o;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&t, 0, sizeof(t));
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, t.client_id, sizeof(t.client_id), &f) < 0 ||
	    json_int(b, "household_id", 1, 1, INT64_MAX, &t.household_id, &f) <
	        0 ||
	    json_int(b, "points", 1, 1, LIMIT_POINTS, &t.amount, &f) < 0 ||
	    json_str(b, "reason", 1, 190, t.reason, sizeof(t.reason), &f) < 0)
		goto fail;
	memcpy(t.req_hash, http_body_hash(r), 32);
	if (points_grant_oneoff(http_db(r), http_actor(r), &t, &replayed, &f) !=
	    0)
		goto fail;
	o = json_new();
	json_add_int(o, "id", t.id);
	json_add_str(o, "client_id", t.client_id);
	json_add_int(o, "household_id", t.household_id);
	json_add_int(o, "points", t.amount);
	json_add_str(o, "reason", t.reason);
	json_add_time(o, "created_at", (time_t)t.at);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	http_fault(r, &f);
}
