/*
 * The monthly grant as the console sees it, against the real server: a
 * dry run answers the real run's figures and writes nothing (ledger,
 * audit, the month's mark); GET /api/v1/grants/monthly tells whether a
 * month ran; and `serve --auto-grant` grants the month by itself at
 * start-up, audited as the system, once however it meets a grant by
 * hand, and again as the next month begins (under libfaketime, which
 * moves the server's clock to ten seconds before the month ends).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_FAKETIME "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"

static const char *itest_grants_mgr; /* a manager's token */
/* The directories of servers stopped to restart on their database. */
static char itest_grants_dirs[4][512];
static int itest_grants_ndirs;

static void
itest_grants_setup(void)
{
	itest_setup();
	itest_grants_mgr = itest_user(itest_s, "mgr", "manager");
	itest_grants_ndirs = 0;
}

static void
itest_grants_teardown(void)
{
	int i;

	itest_teardown();
	for (i = 0; i < itest_grants_ndirs; i++)
		itest_remove_dir(itest_grants_dirs[i]);
}

/* Stops the server and starts another on its database, with serve's
 * option OPT (NULL: none); logs the admin and the manager in again. */
static void
itest_grants_restart(const char *opt)
{
	struct itest_srv *old = itest_s;

	ck_assert_int_lt(itest_grants_ndirs, 4);
	snprintf(itest_grants_dirs[itest_grants_ndirs++],
	    sizeof(itest_grants_dirs[0]), "%s", old->dir);
	old->own_dir = 0;
	itest_stop(old);
	itest_s = itest_start_with(old->db, opt, NULL);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	itest_grants_mgr = itest_login(itest_s, "mgr", ITEST_USER_PASS);
}

static cJSON *
itest_grants_status(const char *period)
{
	cJSON *j = itest_ok("GET",
	    period != NULL ? itest_f("/api/v1/grants/monthly?period=%s", period)
	                   : "/api/v1/grants/monthly",
	    itest_grants_mgr, NULL, 200);

	ck_assert_str_eq(
	    itest_str(j, "period"), period != NULL ? period : itest_period(0));
	return j;
}

static int
itest_grants_ran(const cJSON *status)
{
	const cJSON *v = cJSON_GetObjectItem(status, "ran");

	ck_assert_msg(cJSON_IsBool(v), "no ran: %s", itest_print(status));
	return cJSON_IsTrue(v);
}

/* The audit rows of the monthly grant, newest first. */
static cJSON *
itest_grants_audit(void)
{
	cJSON *j =
	    itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	cJSON *out = cJSON_CreateArray(), *e;

	itest_own(ITEST_JSON, out);
	cJSON_ArrayForEach(e, itest_items(j))
	{
		if (strcmp(itest_str(e, "action"), "grant_monthly") == 0)
			cJSON_AddItemToArray(out, cJSON_Duplicate(e, 1));
	}
	return out;
}

/* What a dry run must leave as it was: the households' ledgers and
 * points, the audit log and the month's status. */
static const char *
itest_grants_state(const int64_t *hh, int n, const char *period)
{
	const char *s = itest_f("%s\n%s",
	    itest_text(itest_ok(
	        "GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200)),
	    itest_text(itest_grants_status(period)));
	int i;

	for (i = 0; i < n; i++)
		s = itest_f("%s\n%lld %s", s, (long long)itest_hh_points(hh[i]),
		    itest_text(itest_ledger(hh[i])));
	return s;
}

static void
itest_grants_same(const cJSON *a, const cJSON *b)
{
	static const char *const k[] = {"households", "points",
	    "expired_households", "expired_points", NULL};
	int i;

	for (i = 0; k[i] != NULL; i++)
		ck_assert_msg(itest_int(a, k[i]) == itest_int(b, k[i]),
		    "%s differs: %s and %s", k[i], itest_print(a),
		    itest_print(b));
}

START_TEST(test_dry_run)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	const char *before,
	    *dry = itest_f("{'period':'%s','dry_run':true}", now);
	int64_t hh[3];
	cJSON *d1, *d2, *real, *again, *st;

	itest_policy("dibao", 100, 10, 0); /* unused points expire */
	itest_policy("tekun", 80, 0, 1);
	hh[0] = itest_household("DR-1", "dibao", 2, -70, 300);
	hh[1] = itest_household("DR-2", "tekun", 1, -70, 300);
	hh[2] = itest_household("DR-3", "dibao", 1, -3, 300); /* new */
	itest_ok("POST", "/api/v1/grants/monthly", itest_admin,
	    itest_f("{'period':'%s'}", last), 200);
	ck_assert_int_eq(itest_hh_points(hh[0]), 120);

	before = itest_grants_state(hh, 3, now);
	ck_assert(!itest_grants_ran(itest_grants_status(now)));
	d1 = itest_ok(
	    "POST", "/api/v1/grants/monthly", itest_grants_mgr, dry, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(d1, "dry_run")));
	ck_assert_str_eq(itest_str(d1, "period"), now);
	ck_assert_int_eq(itest_int(d1, "households"), 3);
	ck_assert_int_eq(itest_int(d1, "points"), 120 + 80 + 110);
	ck_assert_int_eq(itest_int(d1, "expired_households"), 1);
	ck_assert_int_eq(itest_int(d1, "expired_points"), 120);
	ck_assert_str_eq(itest_grants_state(hh, 3, now), before);
	d2 = itest_ok("POST", "/api/v1/grants/monthly", itest_admin, dry, 200);
	itest_grants_same(d1, d2);
	ck_assert_str_eq(itest_grants_state(hh, 3, now), before);

	/* Refused: roles, a bad dry_run, a month not begun; nothing moves. */
	itest_refused("POST", "/api/v1/grants/monthly", cashier, dry, 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/grants/monthly", auditor, dry, 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s','dry_run':'yes'}", now), 400, "bad_field",
	    "dry_run");
	itest_refused("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s','dry_run':1}", now), 400, "bad_field",
	    "dry_run");
	itest_refused("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s','dry_run':true}", itest_period(1)), 400,
	    "bad_field", "period");
	ck_assert_str_eq(itest_grants_state(hh, 3, now), before);

	/* The real run still runs, and does what the dry run said. */
	real = itest_ok("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s','dry_run':false}", now), 200);
	ck_assert_ptr_null(cJSON_GetObjectItem(real, "dry_run"));
	itest_grants_same(d1, real);
	ck_assert_int_eq(itest_hh_points(hh[0]), 120);
	ck_assert_int_eq(itest_hh_points(hh[1]), 160);
	ck_assert_int_eq(itest_hh_points(hh[2]), 110);
	st = itest_grants_status(now);
	ck_assert(itest_grants_ran(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), "mgr");
	ck_assert_int_eq(itest_int(st, "households"), 3);
	ck_assert_int_eq(itest_int(st, "points"), 310);
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(itest_grants_audit(), 0), "username"),
	    "mgr");

	/* After it, a dry run says what a second run would: nothing. */
	before = itest_grants_state(hh, 3, now);
	d2 = itest_ok("POST", "/api/v1/grants/monthly", itest_admin, dry, 200);
	again = itest_ok("POST", "/api/v1/grants/monthly", itest_admin,
	    itest_f("{'period':'%s'}", now), 200);
	itest_grants_same(d2, again);
	ck_assert_int_eq(itest_int(d2, "households"), 0);
	ck_assert_int_eq(itest_int(d2, "points"), 0);
	ck_assert_int_eq(itest_hh_points(hh[1]), 160);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_status)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	cJSON *st;

	st = itest_grants_status(NULL);
	ck_assert(!itest_grants_ran(st));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(st, "ran_at")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(st, "ran_by")));
	ck_assert_int_eq(itest_int(st, "households"), 0);
	ck_assert_int_eq(itest_int(st, "points"), 0);

	/* A month that granted nobody has still run. */
	itest_ok("POST", "/api/v1/grants/monthly", itest_admin,
	    itest_f("{'period':'%s'}", last), 200);
	st = itest_grants_status(last);
	ck_assert(itest_grants_ran(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), ITEST_ADMIN);
	ck_assert_int_eq(strlen(itest_str(st, "ran_at")), 25);
	ck_assert_int_eq(itest_int(st, "households"), 0);
	ck_assert(!itest_grants_ran(itest_grants_status(now)));

	/* Later runs add to the figures; ran_at stays the first run's. */
	itest_policy("dibao", 50, 0, 1);
	itest_household("ST-1", "dibao", 1, -70, 300);
	itest_household("ST-2", "dibao", 1, -70, 300);
	itest_ok("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s'}", now), 200);
	st = itest_grants_status(now);
	ck_assert_str_eq(itest_str(st, "ran_by"), "mgr");
	ck_assert_int_gt(itest_int(st, "user_id"), 1);
	ck_assert_int_eq(itest_int(st, "households"), 2);
	ck_assert_int_eq(itest_int(st, "points"), 100);
	itest_household("ST-3", "dibao", 1, -70, 300);
	itest_ok("POST", "/api/v1/grants/monthly", itest_admin,
	    itest_f("{'period':'%s'}", now), 200);
	ck_assert_int_eq(itest_int(itest_grants_status(now), "households"), 3);
	ck_assert_str_eq(itest_str(itest_grants_status(now), "ran_at"),
	    itest_str(st, "ran_at"));
	ck_assert_str_eq(itest_str(itest_grants_status(now), "ran_by"), "mgr");
	/* The month after: not run (nor can it be yet). */
	ck_assert(!itest_grants_ran(itest_grants_status(itest_period(1))));

	itest_ok("GET", "/api/v1/grants/monthly", itest_admin, NULL, 200);
	itest_ok("GET", "/api/v1/grants/monthly", auditor, NULL, 200);
	itest_refused("GET", "/api/v1/grants/monthly", cashier, NULL, 403,
	    "forbidden", NULL);
	itest_refused("GET", "/api/v1/grants/monthly", NULL, NULL, 401,
	    "unauthenticated", NULL);
	itest_refused("GET", "/api/v1/grants/monthly?period=2026-13", auditor,
	    NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/grants/monthly?period=2026-1", auditor,
	    NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/grants/monthly?period=2026-011", auditor,
	    NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/grants/monthly?period=", auditor, NULL,
	    400, "bad_field", "period");
	itest_refused("GET", "/api/v1/grants/monthly?period=x026-11", auditor,
	    NULL, 400, "bad_field", "period");
}
END_TEST

/* A store from before the months were marked: schema 015 marks each
 * month granted then, by its first grant, and no other. */
START_TEST(test_marks_backfilled)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *ran_last, *ran_now;
	cJSON *st;

	itest_policy("dibao", 40, 0, 1);
	itest_household("BF-1", "dibao", 1, -70, 300);
	itest_ok("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s'}", last), 200);
	itest_ok("POST", "/api/v1/grants/monthly", itest_admin,
	    itest_f("{'period':'%s'}", now), 200);
	ran_last = itest_str(itest_grants_status(last), "ran_at");
	ran_now = itest_str(itest_grants_status(now), "ran_at");

	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_sql(itest_s->db,
	    "DROP TABLE grant_runs; DROP INDEX transfers_grant_period; "
	    "DELETE FROM schema_migrations WHERE version = 15;");
	itest_grants_restart(NULL);
	st = itest_grants_status(last);
	ck_assert(itest_grants_ran(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), "mgr");
	ck_assert_str_eq(itest_str(st, "ran_at"), ran_last);
	ck_assert_int_eq(itest_int(st, "points"), 40);
	st = itest_grants_status(now);
	ck_assert(itest_grants_ran(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), ITEST_ADMIN);
	ck_assert_str_eq(itest_str(st, "ran_at"), ran_now);
	ck_assert(!itest_grants_ran(itest_grants_status(itest_period(-2))));
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The system's audit row of the grant of PERIOD (asserted one). */
static const cJSON *
itest_grants_system_row(const cJSON *rows, const char *period)
{
	const cJSON *e, *found = NULL;

	cJSON_ArrayForEach(e, rows)
	{
		if (strcmp(itest_str(e, "username"), "system") != 0 ||
		    strncmp(itest_str(e, "detail"), period, 7) != 0)
			continue;
		ck_assert_msg(found == NULL, "two system runs of %s: %s",
		    period, itest_print(rows));
		found = e;
	}
	ck_assert_msg(found != NULL, "no system run of %s: %s", period,
	    itest_print(rows));
	ck_assert_str_eq(itest_str(found, "role"), "system");
	ck_assert_str_eq(itest_str(found, "origin"), "auto-grant");
	ck_assert_str_eq(itest_str(found, "entity"), "period");
	ck_assert_ptr_null(cJSON_GetObjectItem(found, "user_id"));
	return found;
}

START_TEST(test_auto_at_startup)
{
	const char *now = itest_period(0), *audit;
	int64_t a, b, sum = 0;
	cJSON *st, *j, *e;

	itest_policy("dibao", 70, 10, 1);
	a = itest_household("AU-1", "dibao", 3, -70, 300);
	b = itest_household("AU-2", "dibao", 1, -70, 300);
	/* Without --auto-grant the server grants nothing by itself. */
	itest_grants_restart(NULL);
	ck_assert(!itest_grants_ran(itest_grants_status(now)));
	ck_assert_int_eq(cJSON_GetArraySize(itest_grants_audit()), 0);
	ck_assert_int_eq(itest_hh_points(a), 0);

	itest_grants_restart("--auto-grant");
	ck_assert_int_eq(itest_hh_points(a), 100);
	ck_assert_int_eq(itest_hh_points(b), 80);
	st = itest_grants_status(now);
	ck_assert(itest_grants_ran(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), "system");
	ck_assert_ptr_null(cJSON_GetObjectItem(st, "user_id"));
	ck_assert_int_eq(itest_int(st, "households"), 2);
	ck_assert_int_eq(itest_int(st, "points"), 180);
	ck_assert_int_eq(cJSON_GetArraySize(itest_grants_audit()), 1);
	ck_assert_str_eq(
	    itest_str(
	        itest_grants_system_row(itest_grants_audit(), now), "detail"),
	    itest_f("%s: 2 households, 180 points", now));
	cJSON_ArrayForEach(e, itest_ledger(a)) sum += itest_int(e, "points");
	ck_assert_int_eq(sum, 100);

	/* By hand too, and a restart: granted once. */
	j = itest_ok("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s'}", now), 200);
	ck_assert_int_eq(itest_int(j, "households"), 0);
	audit = itest_text(itest_grants_audit());
	itest_grants_restart("--auto-grant");
	ck_assert_str_eq(itest_text(itest_grants_audit()), audit);
	ck_assert_int_eq(itest_hh_points(a), 100);
	ck_assert_int_eq(cJSON_GetArraySize(itest_ledger(a)), 1);
	ck_assert_str_eq(
	    itest_str(itest_grants_status(now), "ran_by"), "system");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A month granted by hand is left alone by the server. */
START_TEST(test_auto_after_manual)
{
	const char *now = itest_period(0);
	int64_t a;
	cJSON *rows, *e;

	itest_policy("tekun", 90, 0, 1);
	a = itest_household("AM-1", "tekun", 1, -70, 300);
	itest_ok("POST", "/api/v1/grants/monthly", itest_grants_mgr,
	    itest_f("{'period':'%s'}", now), 200);
	itest_grants_restart("--auto-grant");
	ck_assert_int_eq(itest_hh_points(a), 90);
	rows = itest_grants_audit();
	ck_assert_int_eq(cJSON_GetArraySize(rows), 1);
	cJSON_ArrayForEach(e, rows)
	    ck_assert_str_eq(itest_str(e, "username"), "mgr");
	ck_assert_str_eq(itest_str(itest_grants_status(now), "ran_by"), "mgr");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Seconds from now to the first second of next month, store time. */
static long
itest_grants_to_next_month(void)
{
	const char *first = itest_day(1, 1);
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	ck_assert(sscanf(first, "%d-%d-%d", &tm.tm_year, &tm.tm_mon,
	              &tm.tm_mday) == 3);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)(timegm(&tm) - 8 * 3600 - time(NULL));
}

/*
 * The server's clock set 10 s before the month ends (libfaketime, the
 * clock only: libevent's timers keep the real monotonic one; 10 s to
 * start even on a busy machine): this month is granted at start-up, the
 * next as it begins, each audited as the system.
 */
START_TEST(test_auto_month_boundary)
{
	const char *now = itest_period(0), *next = itest_period(1);
	const char *asan = getenv("ASAN_OPTIONS");
	int64_t a;
	cJSON *st = NULL, *rows;
	int i;

	ck_assert_msg(access(ITEST_FAKETIME, R_OK) == 0,
	    "%s is missing: apt-get install faketime (make deps does)",
	    ITEST_FAKETIME);
	itest_policy("dibao", 60, 0, 1);
	a = itest_household("MB-1", "dibao", 1, -70, 300);

	setenv("LD_PRELOAD", ITEST_FAKETIME, 1);
	setenv(
	    "FAKETIME", itest_f("%+ld", itest_grants_to_next_month() - 10), 1);
	setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
	/* Under ASan the preloaded library comes before its runtime. */
	setenv("ASAN_OPTIONS",
	    itest_f("%s%sverify_asan_link_order=0", asan ? asan : "",
	        asan && *asan ? ":" : ""),
	    1);
	itest_grants_restart("--auto-grant");
	unsetenv("LD_PRELOAD");
	unsetenv("FAKETIME");
	if (asan != NULL)
		setenv("ASAN_OPTIONS", asan, 1);
	else
		unsetenv("ASAN_OPTIONS");

	st = itest_grants_status(now);
	ck_assert_msg(itest_grants_ran(st), "%s", itest_print(st));
	ck_assert_int_eq(itest_int(st, "points"), 60);
	/* A bounded wait for the month to turn on the server's clock. */
	for (i = 0; i < 600; i++) {
		st = itest_grants_status(next);
		if (itest_grants_ran(st))
			break;
		usleep(100000);
	}
	ck_assert_msg(
	    itest_grants_ran(st), "%s not granted: %s", next, itest_print(st));
	ck_assert_str_eq(itest_str(st, "ran_by"), "system");
	ck_assert_int_eq(itest_int(st, "households"), 1);
	ck_assert_int_eq(itest_int(st, "points"), 60);
	ck_assert_int_eq(itest_hh_points(a), 120);
	rows = itest_grants_audit();
	ck_assert_int_eq(cJSON_GetArraySize(rows), 2);
	itest_grants_system_row(rows, now);
	itest_grants_system_row(rows, next);
	ck_assert_int_eq(cJSON_GetArraySize(itest_ledger(a)), 2);
}
END_TEST

static Suite *
itest_grants_suite(void)
{
	Suite *s = suite_create("itest_grants");
	TCase *tc = itest_tcase_with(
	    "grants", itest_grants_setup, itest_grants_teardown);

	tcase_add_test(tc, test_dry_run);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_marks_backfilled);
	tcase_add_test(tc, test_auto_at_startup);
	tcase_add_test(tc, test_auto_after_manual);
	tcase_add_test(tc, test_auto_month_boundary);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_grants_suite());
}
