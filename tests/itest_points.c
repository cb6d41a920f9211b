/*
 * The points ledger against the real server: policies, the monthly grant
 * (once per household and period, also when two clients run it at the
 * same moment), expiry of what a non-carrying policy leaves, one-off
 * grants (audited, idempotent), the household's ledger, and `verify`:
 * passing after every test, failing on a database corrupted on purpose
 * and naming the row.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"

/* Run the monthly grant for PERIOD; the reply (asserted 200). */
static cJSON *
itest_points_monthly(const char *token, const char *period)
{
	cJSON *j = itest_ok("POST", "/api/v1/grants/monthly", token,
	    itest_f("{'period':'%s'}", period), 200);

	ck_assert_str_eq(itest_str(j, "period"), period);
	return j;
}

/* Count of ledger entries of KIND (and PERIOD if given); their sum. */
static int
itest_points_kind(
    const cJSON *ledger, const char *kind, const char *period, int64_t *sum)
{
	const cJSON *e, *p;
	int n = 0;

	*sum = 0;
	cJSON_ArrayForEach(e, ledger)
	{
		if (strcmp(itest_str(e, "kind"), kind) != 0)
			continue;
		p = cJSON_GetObjectItem(e, "period");
		if (period != NULL &&
		    !(cJSON_IsString(p) && strcmp(p->valuestring, period) == 0))
			continue;
		n++;
		*sum += itest_int(e, "points");
	}
	return n;
}

/* Every ledger sums to the household's points. */
static void
itest_points_balanced(int64_t household)
{
	const cJSON *e;
	int64_t sum = 0, prev = INT64_MAX, id;

	cJSON_ArrayForEach(e, itest_ledger(household))
	{
		id = itest_int(e, "id");
		ck_assert_msg(id < prev, "ledger not newest first");
		prev = id;
		sum += itest_int(e, "points");
	}
	ck_assert_int_eq(sum, itest_hh_points(household));
}

START_TEST(test_policies)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const cJSON *e;
	cJSON *j;

	j = itest_ok("PUT", "/api/v1/policies/tekun", mgr,
	    "{'monthly_points':100,'per_member_points':20,'carry_over':false}",
	    200);
	ck_assert_str_eq(itest_str(j, "category"), "tekun");
	ck_assert_int_eq(itest_int(j, "monthly_points"), 100);
	ck_assert_int_eq(itest_int(j, "per_member_points"), 20);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "carry_over")));
	j = itest_ok("PUT", "/api/v1/policies/dibao", itest_admin,
	    "{'monthly_points':60,'carry_over':true}", 200);
	ck_assert_int_eq(itest_int(j, "per_member_points"), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "carry_over")));

	/* Any role reads them. */
	j = itest_ok("GET", "/api/v1/policies", cashier, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	/* A second PUT replaces the first. */
	itest_ok("PUT", "/api/v1/policies/tekun", mgr,
	    "{'monthly_points':120,'carry_over':true}", 200);
	j = itest_ok("GET", "/api/v1/policies", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	e = itest_find_str(itest_items(j), "category", "tekun");
	ck_assert_msg(e != NULL, "no tekun policy: %s", itest_print(j));
	ck_assert_int_eq(itest_int(e, "monthly_points"), 120);
	ck_assert_int_eq(itest_int(e, "per_member_points"), 0);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "carry_over")));

	itest_refused("PUT", "/api/v1/policies/tekun", cashier,
	    "{'monthly_points':1,'carry_over':true}", 403, "forbidden", NULL);
	itest_refused("PUT", "/api/v1/policies/rich", mgr,
	    "{'monthly_points':1,'carry_over':true}", 404, "not_found", NULL);
	itest_refused("PUT", "/api/v1/policies/other", mgr,
	    "{'monthly_points':-1,'carry_over':true}", 400, "bad_field",
	    "monthly_points");
	itest_refused("PUT", "/api/v1/policies/other", mgr,
	    "{'monthly_points':1.5,'carry_over':true}", 400, "bad_field",
	    "monthly_points");
	itest_refused("PUT", "/api/v1/policies/other", mgr,
	    "{'monthly_points':1,'per_member_points':-2,'carry_over':true}",
	    400, "bad_field", "per_member_points");
	itest_refused("PUT", "/api/v1/policies/other", mgr,
	    "{'monthly_points':1}", 400, "missing_field", "carry_over");
	itest_refused("PUT", "/api/v1/policies/other", mgr,
	    "{'monthly_points':1,'carry_over':'no'}", 400, "bad_field",
	    "carry_over");
	j = itest_ok("GET", "/api/v1/policies", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_monthly_twice)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t tk, db, li, sus, old, fresh, sum;
	cJSON *j, *led;

	itest_policy("tekun", 100, 20, 1);
	itest_policy("dibao", 50, 0, 1);
	tk = itest_household("M-TK", "tekun", 3, -70, 300);
	db = itest_household("M-DB", "dibao", 1, -70, 300);
	li = itest_household("M-LI", "low_income", 2, -70, 300); /* none */
	sus = itest_household("M-SUS", "tekun", 2, -70, 300);
	old = itest_household("M-OLD", "dibao", 1, -400, -100);
	fresh = itest_household("M-NEW", "dibao", 2, 0, 300);
	itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)sus),
	    mgr, "{'status':'suspended'}", 200);

	j = itest_points_monthly(mgr, now);
	ck_assert_int_eq(itest_int(j, "households"), 3);
	ck_assert_int_eq(itest_int(j, "points"), 160 + 50 + 50);
	ck_assert_int_eq(itest_int(j, "expired_households"), 0);
	ck_assert_int_eq(itest_int(j, "expired_points"), 0);
	ck_assert_int_eq(itest_hh_points(tk), 160);
	ck_assert_int_eq(itest_hh_points(db), 50);
	ck_assert_int_eq(itest_hh_points(fresh), 50);
	ck_assert_int_eq(itest_hh_points(li), 0);
	ck_assert_int_eq(itest_hh_points(sus), 0);
	ck_assert_int_eq(itest_hh_points(old), 0);

	/* Again: nothing more. */
	j = itest_points_monthly(mgr, now);
	ck_assert_int_eq(itest_int(j, "households"), 0);
	ck_assert_int_eq(itest_int(j, "points"), 0);
	ck_assert_int_eq(itest_hh_points(tk), 160);
	led = itest_ledger(tk);
	ck_assert_int_eq(itest_points_kind(led, "grant_monthly", now, &sum), 1);
	ck_assert_int_eq(sum, 160);

	/* Last month: a past period is allowed; the household registered
	 * today was not valid then. */
	j = itest_points_monthly(itest_admin, last);
	ck_assert_int_eq(itest_int(j, "households"), 2);
	ck_assert_int_eq(itest_int(j, "points"), 160 + 50);
	ck_assert_int_eq(itest_hh_points(fresh), 50);
	ck_assert_int_eq(itest_hh_points(tk), 320);
	j = itest_points_monthly(itest_admin, last);
	ck_assert_int_eq(itest_int(j, "households"), 0);
	led = itest_ledger(tk);
	ck_assert_int_eq(
	    itest_points_kind(led, "grant_monthly", last, &sum), 1);
	ck_assert_int_eq(sum, 160);
	ck_assert_int_eq(
	    itest_points_kind(led, "grant_monthly", NULL, &sum), 2);

	/* Reinstated later in the month: the next run grants it alone. */
	itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)sus),
	    mgr, "{'status':'active'}", 200);
	j = itest_points_monthly(mgr, now);
	ck_assert_int_eq(itest_int(j, "households"), 1);
	ck_assert_int_eq(itest_int(j, "points"), 140);

	/* Refused: a future period, bad periods, roles. */
	itest_refused("POST", "/api/v1/grants/monthly", mgr,
	    itest_f("{'period':'%s'}", itest_period(1)), 400, "bad_field",
	    "period");
	itest_refused("POST", "/api/v1/grants/monthly", mgr,
	    "{'period':'2026-13'}", 400, "bad_field", "period");
	itest_refused("POST", "/api/v1/grants/monthly", mgr,
	    "{'period':'2026-1'}", 400, "bad_field", "period");
	itest_refused("POST", "/api/v1/grants/monthly", mgr, "{}", 400,
	    "missing_field", "period");
	itest_refused("POST", "/api/v1/grants/monthly", cashier,
	    itest_f("{'period':'%s'}", now), 403, "forbidden", NULL);
	ck_assert_int_eq(itest_hh_points(tk), 320);
	itest_points_balanced(tk);
	itest_points_balanced(sus);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A household active at any time in a period gets that period's grant. */
START_TEST(test_monthly_window)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t ended, before, later, led_n, sum;
	cJSON *j;

	itest_policy("other", 30, 0, 1);
	/* Valid until the 1st of this month; until the last day of the
	 * month before; from the last day of this month. */
	ended = itest_household_on(
	    "W-1", "other", 1, itest_date(-70), itest_day(0, 1));
	before = itest_household_on(
	    "W-2", "other", 1, itest_date(-70), itest_day(0, 0));
	later = itest_household_on(
	    "W-3", "other", 1, itest_day(1, 0), itest_date(400));

	j = itest_points_monthly(itest_admin, now);
	ck_assert_int_eq(itest_int(j, "households"), 2);
	ck_assert_int_eq(itest_hh_points(ended), 30);
	ck_assert_int_eq(itest_hh_points(before), 0);
	ck_assert_int_eq(itest_hh_points(later), 30);
	j = itest_points_monthly(itest_admin, last);
	ck_assert_int_eq(itest_int(j, "households"), 2);
	ck_assert_int_eq(itest_hh_points(ended), 60);
	ck_assert_int_eq(itest_hh_points(before), 30);
	ck_assert_int_eq(itest_hh_points(later), 30);
	led_n = itest_points_kind(
	    itest_ledger(before), "grant_monthly", last, &sum);
	ck_assert_int_eq(led_n, 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Two clients at the same moment (threads, their own sockets). */
struct itest_points_racer {
	pthread_barrier_t *go;
	const char *body;
	int status;
	int64_t households, points;
};

static void *
itest_points_race(void *arg)
{
	struct itest_points_racer *r = arg;
	struct itest_reply rep;
	cJSON *j;

	r->status = -1;
	pthread_barrier_wait(r->go);
	if (itest_http(itest_s, "POST", "/api/v1/grants/monthly", itest_admin,
	        "application/json", NULL, r->body, strlen(r->body), &rep) != 0)
		return NULL;
	r->status = rep.status;
	j = cJSON_Parse(rep.body);
	if (j != NULL) {
		cJSON *h = cJSON_GetObjectItem(j, "households");
		cJSON *p = cJSON_GetObjectItem(j, "points");

		r->households =
		    cJSON_IsNumber(h) ? (int64_t)h->valuedouble : -1;
		r->points = cJSON_IsNumber(p) ? (int64_t)p->valuedouble : -1;
	}
	cJSON_Delete(j);
	free(rep.body);
	free(rep.headers);
	return NULL;
}

START_TEST(test_monthly_concurrent)
{
	enum { N = 30, RACERS = 2 };
	struct itest_points_racer r[RACERS];
	pthread_barrier_t go;
	pthread_t t[RACERS];
	int64_t ids[N], total = 0, households = 0, points = 0, sum;
	const char *periods[2];
	int i, k, round;

	itest_policy("dibao", 40, 10, 1);
	itest_policy("tekun", 90, 0, 1);
	for (i = 0; i < N; i++)
		ids[i] = itest_household(itest_f("CC-%02d", i),
		    i % 3 ? "dibao" : "tekun", 1 + i % 4, -70, 300);
	for (i = 0; i < N; i++)
		total += i % 3 ? 40 + 10 * (1 + i % 4) : 90;
	periods[0] = itest_period(-1);
	periods[1] = itest_period(0);

	for (round = 0; round < 2; round++) {
		pthread_barrier_init(&go, NULL, RACERS);
		for (k = 0; k < RACERS; k++) {
			memset(&r[k], 0, sizeof r[k]);
			r[k].go = &go;
			r[k].body =
			    itest_f("{\"period\":\"%s\"}", periods[round]);
			ck_assert_int_eq(pthread_create(&t[k], NULL,
			                     itest_points_race, &r[k]),
			    0);
		}
		households = points = 0;
		for (k = 0; k < RACERS; k++) {
			pthread_join(t[k], NULL);
			ck_assert_msg(r[k].status == 200,
			    "racer %d (%s): status %d", k, periods[round],
			    r[k].status);
			households += r[k].households;
			points += r[k].points;
		}
		pthread_barrier_destroy(&go);
		/* Granted once in total: the two replies add up to one run. */
		ck_assert_int_eq(households, N);
		ck_assert_int_eq(points, total);
	}
	for (i = 0; i < N; i++) {
		cJSON *led = itest_ledger(ids[i]);
		int64_t want = i % 3 ? 40 + 10 * (1 + i % 4) : 90;

		ck_assert_int_eq(
		    itest_points_kind(led, "grant_monthly", periods[0], &sum),
		    1);
		ck_assert_int_eq(sum, want);
		ck_assert_int_eq(
		    itest_points_kind(led, "grant_monthly", periods[1], &sum),
		    1);
		ck_assert_int_eq(itest_hh_points(ids[i]), 2 * want);
	}
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_expiry)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t a, b, c, item, sum;
	cJSON *j, *led, *e;

	itest_policy("dibao", 100, 0, 0);  /* unused points expire */
	itest_policy("tekun", 80, 0, 1);   /* they carry over */
	itest_policy("illness", 50, 0, 0); /* expire; nothing left */
	a = itest_household("EX-A", "dibao", 2, -70, 300);
	b = itest_household("EX-B", "tekun", 2, -70, 300);
	c = itest_household("EX-C", "illness", 2, -70, 300);
	item = itest_item("挂面", "CS-NOODLE-9", 10, 0, 0);
	itest_lot(item, 100, NULL);

	j = itest_points_monthly(itest_admin, last);
	ck_assert_int_eq(itest_int(j, "households"), 3);
	ck_assert_int_eq(itest_int(j, "points"), 230);
	ck_assert_int_eq(itest_int(j, "expired_households"), 0);
	itest_basket(
	    itest_admin, NULL, "T01", "EX-A", itest_line(item, 3), NULL);
	itest_basket(
	    itest_admin, NULL, "T01", "EX-B", itest_line(item, 2), NULL);
	itest_basket(
	    itest_admin, NULL, "T01", "EX-C", itest_line(item, 5), NULL);
	ck_assert_int_eq(itest_hh_points(a), 70);
	ck_assert_int_eq(itest_hh_points(c), 0);

	/* This month: A's 70 left expire first, B keeps its 60, C had none. */
	j = itest_points_monthly(itest_admin, now);
	ck_assert_int_eq(itest_int(j, "households"), 3);
	ck_assert_int_eq(itest_int(j, "points"), 230);
	ck_assert_int_eq(itest_int(j, "expired_households"), 1);
	ck_assert_int_eq(itest_int(j, "expired_points"), 70);
	ck_assert_int_eq(itest_hh_points(a), 100);
	ck_assert_int_eq(itest_hh_points(b), 140);
	ck_assert_int_eq(itest_hh_points(c), 50);

	/* A's ledger: grant (now), expire -70 (last), redeem -30, grant. */
	led = itest_ledger(a);
	ck_assert_int_eq(cJSON_GetArraySize(led), 4);
	e = cJSON_GetArrayItem(led, 0);
	ck_assert_str_eq(itest_str(e, "kind"), "grant_monthly");
	ck_assert_int_eq(itest_int(e, "points"), 100);
	ck_assert_str_eq(itest_str(e, "period"), now);
	e = cJSON_GetArrayItem(led, 1);
	ck_assert_str_eq(itest_str(e, "kind"), "expire");
	ck_assert_int_eq(itest_int(e, "points"), -70);
	ck_assert_str_eq(itest_str(e, "period"), last);
	e = cJSON_GetArrayItem(led, 2);
	ck_assert_str_eq(itest_str(e, "kind"), "redeem");
	ck_assert_int_eq(itest_int(e, "points"), -30);
	e = cJSON_GetArrayItem(led, 3);
	ck_assert_str_eq(itest_str(e, "kind"), "grant_monthly");
	ck_assert_str_eq(itest_str(e, "period"), last);
	ck_assert_int_eq(
	    itest_points_kind(itest_ledger(b), "expire", NULL, &sum), 0);
	ck_assert_int_eq(
	    itest_points_kind(itest_ledger(c), "expire", NULL, &sum), 0);

	/* Run again: nothing granted, nothing expired. */
	j = itest_points_monthly(itest_admin, now);
	ck_assert_int_eq(itest_int(j, "households"), 0);
	ck_assert_int_eq(itest_int(j, "points"), 0);
	ck_assert_int_eq(itest_int(j, "expired_households"), 0);
	ck_assert_int_eq(itest_int(j, "expired_points"), 0);
	ck_assert_int_eq(itest_hh_points(a), 100);
	itest_points_balanced(a);
	itest_points_balanced(b);
	itest_points_balanced(c);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_oneoff_audited)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	const char *cid = itest_uuid(), *body;
	int64_t h, id;
	cJSON *j, *again, *e, *led;
	int found = 0;

	h = itest_household("ONE-1", "emergency", 3, -5, 300);
	body = itest_f("{'client_id':'%s','household_id':%lld,'points':50,"
	               "'reason':'火灾应急救助'}",
	    cid, (long long)h);
	j = itest_ok("POST", "/api/v1/grants", mgr, body, 201);
	id = itest_int(j, "id");
	ck_assert_str_eq(itest_str(j, "client_id"), cid);
	ck_assert_int_eq(itest_int(j, "household_id"), h);
	ck_assert_int_eq(itest_int(j, "points"), 50);
	ck_assert_str_eq(itest_str(j, "reason"), "火灾应急救助");
	itest_str(j, "created_at");
	ck_assert_int_eq(itest_hh_points(h), 50);

	/* A retry: the same answer, no second effect. */
	again = itest_ok("POST", "/api/v1/grants", mgr, body, 200);
	ck_assert_str_eq(itest_text(again), itest_text(j));
	ck_assert_int_eq(itest_hh_points(h), 50);
	/* The same client_id with another body. */
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':60,"
	            "'reason':'火灾应急救助'}",
	        cid, (long long)h),
	    409, "client_id_reused", NULL);
	ck_assert_int_eq(itest_hh_points(h), 50);

	/* Refusals. */
	itest_refused("POST", "/api/v1/grants", cashier,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':5,"
	            "'reason':'x'}",
	        itest_uuid(), (long long)h),
	    403, "forbidden", NULL);
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':5}",
	        itest_uuid(), (long long)h),
	    400, "missing_field", "reason");
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':0,"
	            "'reason':'x'}",
	        itest_uuid(), (long long)h),
	    400, "bad_field", "points");
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':-5,"
	            "'reason':'x'}",
	        itest_uuid(), (long long)h),
	    400, "bad_field", "points");
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f("{'client_id':'%s','household_id':99999,'points':5,"
	            "'reason':'x'}",
	        itest_uuid()),
	    404, "not_found", NULL);
	itest_refused("POST", "/api/v1/grants", mgr,
	    itest_f(
	        "{'household_id':%lld,'points':5,'reason':'x'}", (long long)h),
	    400, "missing_field", "client_id");
	ck_assert_int_eq(itest_hh_points(h), 50);

	/* The ledger shows it with its reason. */
	led = itest_ledger(h);
	ck_assert_int_eq(cJSON_GetArraySize(led), 1);
	e = cJSON_GetArrayItem(led, 0);
	ck_assert_int_eq(itest_int(e, "id"), id);
	ck_assert_str_eq(itest_str(e, "kind"), "grant_oneoff");
	ck_assert_int_eq(itest_int(e, "points"), 50);
	ck_assert_str_eq(itest_str(e, "reason"), "火灾应急救助");

	/* The audit log: once, by the manager, naming the household. */
	j = itest_ok("GET", "/api/v1/audit?limit=500", auditor, NULL, 200);
	cJSON_ArrayForEach(e, itest_items(j))
	{
		const cJSON *a = cJSON_GetObjectItem(e, "action");

		if (!cJSON_IsString(a) ||
		    strcmp(a->valuestring, "grant_oneoff") != 0)
			continue;
		found++;
		ck_assert_str_eq(itest_str(e, "username"), "mgr");
		ck_assert_str_eq(itest_str(e, "role"), "manager");
		ck_assert_int_eq(itest_int(e, "entity_id"), h);
		ck_assert_msg(strstr(itest_str(e, "detail"), "火灾") != NULL,
		    "audit detail lacks the reason: %s", itest_print(e));
	}
	ck_assert_int_eq(found, 1);
	itest_refused(
	    "GET", "/api/v1/audit", cashier, NULL, 403, "forbidden", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_ledger)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *path,
	    *kinds[] = {"void", "redeem", "grant_oneoff", "grant_monthly"};
	int64_t h, item, dist, seen = 0;
	cJSON *j, *e, *next;
	int i = 0, pages = 0;

	itest_policy("dibao", 100, 0, 1);
	h = itest_household("LED-1", "dibao", 1, -70, 300);
	item = itest_item("牛奶", "CS-MILK-1", 7, 0, 0);
	itest_lot(item, 10, NULL);
	itest_points_monthly(mgr, itest_period(0));
	itest_grant(h, 25);
	j = itest_basket(
	    itest_admin, NULL, "T01", "LED-1", itest_line(item, 3), NULL);
	dist = itest_int(j, "id");
	ck_assert_int_eq(itest_int(j, "points_balance"), 104);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void", (long long)dist), mgr,
	    itest_f("{'client_id':'%s','reason':'扫错'}", itest_uuid()), 201);

	/* Newest first, signed into the household, two to a page. */
	path = itest_f("/api/v1/households/%lld/ledger?limit=2", (long long)h);
	for (;;) {
		j = itest_ok("GET", path, mgr, NULL, 200);
		cJSON_ArrayForEach(e, itest_items(j))
		{
			ck_assert_int_lt(i, 4);
			ck_assert_str_eq(itest_str(e, "kind"), kinds[i]);
			seen += itest_int(e, "points");
			itest_str(e, "at");
			i++;
		}
		next = cJSON_GetObjectItem(j, "next");
		if (!cJSON_IsString(next))
			break;
		ck_assert_int_lt(++pages, 10);
		path = itest_f("/api/v1/households/%lld/ledger?limit=2"
		               "&cursor=%s",
		    (long long)h, next->valuestring);
	}
	ck_assert_int_eq(i, 4);
	ck_assert_int_eq(seen, 125);
	ck_assert_int_eq(itest_hh_points(h), 125);
	j = itest_ok("GET",
	    itest_f("/api/v1/households/%lld/ledger", (long long)h), mgr, NULL,
	    200);
	e = cJSON_GetArrayItem(itest_items(j), 0);
	ck_assert_int_eq(itest_int(e, "points"), 21);
	e = cJSON_GetArrayItem(itest_items(j), 1);
	ck_assert_int_eq(itest_int(e, "points"), -21);

	itest_refused("GET",
	    itest_f("/api/v1/households/%lld/ledger", (long long)h), cashier,
	    NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/households/99999/ledger", mgr, NULL, 404,
	    "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * The verify tests: a store with grants and a distribution, stopped (its
 * files kept), that verify passes; each test edits the database behind
 * the server's back and verify must fail, naming what broke.
 */
static int64_t itest_points_h, itest_points_other, itest_points_dist;
static int64_t itest_points_item;

static void
itest_points_store_setup(void)
{
	itest_setup();
	itest_policy("dibao", 100, 0, 1);
	itest_points_h = itest_household("COR-1", "dibao", 1, -70, 300);
	itest_points_other = itest_household("COR-2", "dibao", 1, -70, 300);
	itest_points_item = itest_item("鸡蛋", "CS-EGG-1", 4, 5, 0);
	itest_lot(itest_points_item, 10, NULL);
	itest_points_monthly(itest_admin, itest_period(0));
	itest_points_dist =
	    itest_int(itest_basket(itest_admin, NULL, "T01", "COR-1",
	                  itest_line(itest_points_item, 2), NULL),
	        "id");
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_verify(itest_s->db, 1, NULL);
}

static void
itest_points_store_teardown(void)
{
	if (itest_s != NULL)
		itest_remove_dir(itest_s->dir);
	itest_teardown();
}

/* Run SQL on the stopped store; verify fails naming NAMES. Its output. */
static const char *
itest_points_corrupt(const char *sql, const char *names)
{
	itest_sql(itest_s->db, sql);
	return itest_verify(itest_s->db, 0, names);
}

START_TEST(test_verify_balance_cache)
{
	const char *out;

	out = itest_points_corrupt(
	    itest_f("UPDATE accounts SET balance = balance + 5 "
	            "WHERE household_id = %lld",
	        (long long)itest_points_h),
	    itest_f("household %lld", (long long)itest_points_h));
	ck_assert_msg(strstr(out, "violation") != NULL, "%s", out);
	ck_assert_msg(strstr(out,
	                  itest_f("household %lld)",
	                      (long long)itest_points_other)) == NULL,
	    "verify blames the sound household too:\n%s", out);
}
END_TEST

START_TEST(test_verify_transfer_edited)
{
	itest_points_corrupt(
	    itest_f("DROP TRIGGER transfers_no_update; UPDATE transfers SET "
	            "amount = amount + 1 WHERE household_id = %lld AND kind = "
	            "'grant_monthly'",
	        (long long)itest_points_h),
	    itest_f("household %lld", (long long)itest_points_h));
}
END_TEST

START_TEST(test_verify_double_grant)
{
	int64_t h = itest_points_h;

	/* A second monthly grant, balanced as the server's trigger would
	 * (the test has not the server's chain function): the
	 * once-per-period rule must see it. */
	itest_points_corrupt(
	    itest_f("DROP INDEX transfers_monthly; "
	            "DROP TRIGGER transfers_after; "
	            "CREATE TRIGGER balance_only AFTER INSERT ON transfers "
	            "BEGIN UPDATE accounts SET balance = balance - NEW.amount "
	            "WHERE id = NEW.debit_account; UPDATE accounts SET "
	            "balance = balance + NEW.amount WHERE id = "
	            "NEW.credit_account; END; "
	            "INSERT INTO transfers("
	            "debit_account, credit_account, amount, kind, "
	            "household_id, period, at) SELECT 1, a.id, 100, "
	            "'grant_monthly', %lld, '%s', 0 FROM accounts a WHERE "
	            "a.household_id = %lld",
	        (long long)h, itest_period(0), (long long)h),
	    itest_f("household %lld: 2 monthly grants", (long long)h));
}
END_TEST

START_TEST(test_verify_lost_transfer)
{
	/* A redemption's transfer deleted: the distribution names it. */
	itest_points_corrupt(
	    itest_f("PRAGMA foreign_keys = OFF; DROP TRIGGER "
	            "transfers_no_delete; DELETE FROM transfers WHERE "
	            "household_id = %lld AND kind = 'redeem'",
	        (long long)itest_points_h),
	    itest_f(
	        "distribution %lld: transfer", (long long)itest_points_dist));
}
END_TEST

/* The count of households served (what notices read) against the
 * households served. */
START_TEST(test_verify_served_count)
{
	itest_points_corrupt("UPDATE served_count SET persons = persons + 1",
	    itest_f(
	        "served %s dibao: counted 1/2, served 1/1", itest_period(0)));
}
END_TEST

START_TEST(test_verify_limit_cache)
{
	/* What the household took this month, as the limit sees it. */
	itest_points_corrupt(
	    itest_f("UPDATE household_item_month SET quantity = quantity - 1 "
	            "WHERE household_id = %lld",
	        (long long)itest_points_h),
	    itest_f("household %lld, item %lld", (long long)itest_points_h,
	        (long long)itest_points_item));
}
END_TEST

/*
 * Running a past month after the current one (a late registration caught
 * up) must not expire what the household holds of the current month: those
 * points were granted for a period that has not ended.
 */
START_TEST(test_backfill_keeps_current)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t h, item, sum;
	cJSON *j, *led;

	itest_policy("dibao", 100, 0, 0);
	h = itest_household("BF-1", "dibao", 1, -70, 300);
	item = itest_item("挂面", "CS-NOODLE-9", 10, 0, 0);
	itest_lot(item, 100, NULL);
	j = itest_points_monthly(itest_admin, now);
	ck_assert_int_eq(itest_int(j, "households"), 1);
	itest_basket(
	    itest_admin, NULL, "T01", "BF-1", itest_line(item, 3), NULL);
	ck_assert_int_eq(itest_hh_points(h), 70);

	j = itest_points_monthly(itest_admin, last);
	ck_assert_int_eq(itest_int(j, "households"), 1);
	ck_assert_int_eq(itest_int(j, "points"), 100);
	led = itest_ledger(h);
	ck_assert_msg(
	    itest_points_kind(led, "expire", itest_period(-2), &sum) == 0,
	    "granting %s expired %lld points of %s's grant as if left over "
	    "from %s: %s",
	    last, (long long)-sum, now, itest_period(-2), itest_print(led));
	ck_assert_int_eq(itest_int(j, "expired_points"), 0);
	ck_assert_int_ge(itest_hh_points(h), 70);
	itest_points_balanced(h);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_points_suite(void)
{
	Suite *s = suite_create("itest_points");
	TCase *tc = itest_tcase("points");
	TCase *store = itest_tcase_with(
	    "verify", itest_points_store_setup, itest_points_store_teardown);

	tcase_add_test(tc, test_policies);
	tcase_add_test(tc, test_monthly_twice);
	tcase_add_test(tc, test_monthly_window);
	tcase_add_test(tc, test_monthly_concurrent);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_oneoff_audited);
	tcase_add_test(tc, test_ledger);
	tcase_add_test(tc, test_backfill_keeps_current);
	suite_add_tcase(s, tc);
	tcase_add_test(store, test_verify_balance_cache);
	tcase_add_test(store, test_verify_transfer_edited);
	tcase_add_test(store, test_verify_double_grant);
	tcase_add_test(store, test_verify_lost_transfer);
	tcase_add_test(store, test_verify_limit_cache);
	tcase_add_test(store, test_verify_served_count);
	suite_add_tcase(s, store);
	return s;
}

int
main(void)
{
	return itest_run(itest_points_suite());
}
