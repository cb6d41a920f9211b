/*
 * itest_faults: every write path of the API with a storage fault injected
 * at each step it reaches. The server runs with the fault VFS preloaded
 * (tests/fault_vfs.c): for a path, one request counts the file operations
 * it makes (writes, syncs, truncates, exclusive locks), then one request
 * a step makes the nth of them fail, with SQLITE_FULL (ENOSPC), then
 * again with an SQLITE_IOERR (EIO). After each:
 *   - the reply is a success, or 503 unavailable (or a clean 4xx the
 *     request would get anyway, which changes nothing); never a 500;
 *   - a 503 changed nothing (a digest of every table's rows is as
 *     before) and the same request, retried, succeeds; a 201 changed
 *     something;
 *   - `verify` passes.
 * At the end the server is killed (SIGKILL) and the database, reopened,
 * holds exactly what the live server answered: nothing acknowledged is
 * missing, nothing refused came back with the log. Prints the number of
 * faults injected and of failures.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fault_vfs.h"
#include "itest.h"

static struct fault_ctl *fv;
static int fv_faults, fv_trials, fv_refused;
static int64_t fv_item, fv_lot, fv_donor, fv_fund, fv_hh, fv_hh2, fv_user;
static const char *fv_user_pass;
static unsigned fv_seq;
static int fv_last; /* the status of the last trial's request */

/* FNV-1a over every row of every table: what a refused write must leave
 * exactly as it was. */
static uint64_t
fv_digest(const char *db)
{
	sqlite3 *h;
	sqlite3_stmt *tables, *rows;
	uint64_t d = 14695981039346656037ULL;
	const unsigned char *p;
	int i, n, k;

	ck_assert_int_eq(
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	ck_assert_int_eq(sqlite3_exec(h, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h,
	                     "SELECT name FROM sqlite_master WHERE type = "
	                     "'table' ORDER BY name",
	                     -1, &tables, NULL),
	    SQLITE_OK);
	while (sqlite3_step(tables) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(tables, 0);

		ck_assert_int_eq(
		    sqlite3_prepare_v2(
		        h, itest_f("SELECT * FROM \"%s\"", t), -1, &rows, NULL),
		    SQLITE_OK);
		while (sqlite3_step(rows) == SQLITE_ROW) {
			for (i = 0; i < sqlite3_column_count(rows); i++) {
				p = sqlite3_column_blob(rows, i);
				n = sqlite3_column_bytes(rows, i);
				for (k = 0; k < n; k++)
					d = (d ^ p[k]) * 1099511628211ULL;
				d = (d ^ 0xff) * 1099511628211ULL;
			}
		}
		sqlite3_finalize(rows);
	}
	sqlite3_finalize(tables);
	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(h);
	return d;
}

enum fv_path {
	FV_DONOR,
	FV_DONOR_PATCH,
	FV_ITEM,
	FV_ITEM_PATCH,
	FV_BARCODE,
	FV_DONATION,
	FV_CASH,
	FV_ADJUST,
	FV_COUNT,
	FV_HOUSEHOLD,
	FV_HOUSEHOLD_PATCH,
	FV_CARD,
	FV_POLICY,
	FV_GRANT,
	FV_MONTHLY,
	FV_DISTRIBUTION,
	FV_VOID,
	FV_FUND,
	FV_EXPENSE,
	FV_USER,
	FV_USER_PATCH,
	FV_USER_RESET,
	FV_LOGIN,
	FV_LOGOUT,
	FV_PASSWORD,
	FV_PUBLISH,
	FV_STORE,
	FV_CONFLICT,
	FV_RESOLVE,
	FV_PIN,
	FV_END_SESSIONS,
	FV_CARD_LOOKUP,
	FV_NPATHS
};

static const char *const fv_names[FV_NPATHS] = {"donor", "donor patch", "item",
    "item patch", "barcode", "donation", "cash donation", "adjustment",
    "stock count", "household", "household patch", "card", "policy", "grant",
    "monthly grant", "distribution", "void", "fund", "expense", "user",
    "user patch", "password reset", "log-in", "log-out", "own password",
    "publish", "store settings", "offline conflict", "conflict resolved",
    "household PIN", "user's sessions ended", "card look-up (recorded)"};

/* What one trial prepares without faults. */
struct fv_req {
	const char *cid;
	int64_t dist;      /* FV_VOID: the distribution to void;
	                      FV_RESOLVE: the conflict to resolve */
	const char *token; /* FV_LOGOUT, FV_PASSWORD, FV_END_SESSIONS: a
	                      session of fvuser */
	const char *newpw; /* FV_PASSWORD, FV_USER_RESET */
};

/* A basket of FV-CARD handed out offline at T1, refused on replay. */
static const char *
fv_conflict_body(const char *cid, unsigned s)
{
	return itest_f("{'client_id':'%s','till_id':'T1','local_no':"
	               "'L-T1-%u','household_card':'FV-CARD','lines':[%s],"
	               "'refusal':{'code':'limit_exceeded','message':'fv'}}",
	    cid, s, itest_line(fv_item, 1));
}

static void
fv_prep(int path, struct fv_req *q)
{
	cJSON *j;

	memset(q, 0, sizeof(*q));
	q->cid = itest_uuid();
	fv_seq++;
	if (path == FV_VOID) {
		j = itest_basket(itest_admin, NULL, "T09", "FV-CARD",
		    itest_line(fv_item, 1), NULL);
		q->dist = itest_int(j, "id");
	}
	if (path == FV_RESOLVE) {
		j = itest_ok("POST", "/api/v1/offline-conflicts", itest_admin,
		    fv_conflict_body(itest_uuid(), fv_seq), 201);
		q->dist = itest_int(j, "id");
	}
	if (path == FV_LOGOUT || path == FV_PASSWORD || path == FV_END_SESSIONS)
		q->token = itest_login(itest_s, "fvuser", fv_user_pass);
	q->newpw = itest_f("fv-password-%u", fv_seq);
}

/* The request of path, as itest_req: its status. */
static int
fv_run(int path, const struct fv_req *q, cJSON **out)
{
	const char *m, *p = NULL, *b = NULL, *tok = itest_admin;
	const char *how = "POST";
	unsigned s = fv_seq;

	switch (path) {
	case FV_DONOR:
		p = "/api/v1/donors";
		b = itest_f("{'name':'fv-%u','kind':'individual'}", s);
		break;
	case FV_DONOR_PATCH:
		how = "PATCH";
		p = itest_f("/api/v1/donors/%lld", (long long)fv_donor);
		b = itest_f("{'name':'fv-donor-%u'}", s);
		break;
	case FV_ITEM:
		p = "/api/v1/items";
		b = itest_f("{'name':'fv-item-%u','category':'grain','unit':"
		            "'袋','barcodes':['FV-I-%u'],'unit_value_fen':100,"
		            "'points':1}",
		    s, s);
		break;
	case FV_ITEM_PATCH:
		how = "PATCH";
		p = itest_f("/api/v1/items/%lld", (long long)fv_item);
		b = itest_f("{'name':'fv-rice-%u'}", s);
		break;
	case FV_BARCODE:
		p = itest_f("/api/v1/items/%lld/barcodes", (long long)fv_item);
		b = itest_f("{'code':'FV-B-%u'}", s);
		break;
	case FV_DONATION:
		p = "/api/v1/donations";
		b = itest_donation_body(q->cid, fv_donor,
		    itest_f(
		        "{'item_id':%lld,'quantity':2}", (long long)fv_item));
		break;
	case FV_CASH:
		p = "/api/v1/donations";
		b = itest_cash_body(q->cid, fv_donor, fv_fund, 500);
		break;
	case FV_ADJUST:
		p = "/api/v1/stock/adjustments";
		b = itest_adjust_body(q->cid, fv_lot, -1, "damaged");
		break;
	case FV_COUNT:
		p = "/api/v1/stock/counts";
		b = itest_f("{'client_id':'%s','lines':[{'lot_id':%lld,"
		            "'counted':%u}]}",
		    q->cid, (long long)fv_lot, 5000 + s % 100);
		break;
	case FV_HOUSEHOLD:
		p = "/api/v1/households";
		b = itest_household_body(itest_f("FV-H-%u", s), "王建国",
		    itest_idnum(5000 + s), 2, "tekun", itest_date(-1),
		    itest_date(300));
		break;
	case FV_HOUSEHOLD_PATCH:
		how = "PATCH";
		p = itest_f("/api/v1/households/%lld", (long long)fv_hh);
		b = itest_f("{'members':%u}", 1 + s % 5);
		break;
	case FV_CARD:
		p = itest_f("/api/v1/households/%lld/card", (long long)fv_hh2);
		b = itest_f("{'card_code':'FV-CARD-%u','reason':'lost'}", s);
		break;
	case FV_POLICY:
		how = "PUT";
		p = "/api/v1/policies/other";
		b = itest_f("{'monthly_points':%u,'per_member_points':1,"
		            "'carry_over':false}",
		    100 + s);
		break;
	case FV_GRANT:
		p = "/api/v1/grants";
		b = itest_f("{'client_id':'%s','household_id':%lld,'points':3,"
		            "'reason':'fv'}",
		    q->cid, (long long)fv_hh);
		break;
	case FV_MONTHLY:
		p = "/api/v1/grants/monthly";
		b = itest_f("{'period':'%s'}", itest_period(0));
		break;
	case FV_DISTRIBUTION:
		p = "/api/v1/distributions";
		b = itest_basket_body(
		    q->cid, "T01", "FV-CARD", itest_line(fv_item, 1));
		break;
	case FV_VOID:
		p = itest_f(
		    "/api/v1/distributions/%lld/void", (long long)q->dist);
		b = itest_f("{'client_id':'%s','reason':'fv'}", q->cid);
		break;
	case FV_FUND:
		p = "/api/v1/funds";
		b = itest_f("{'name':'fv-fund-%u','kind':'donations',"
		            "'restricted':false}",
		    s);
		break;
	case FV_EXPENSE:
		p = itest_f("/api/v1/funds/%lld/expenses", (long long)fv_fund);
		b = itest_expense_body(q->cid, 1, "fv", NULL);
		break;
	case FV_USER:
		p = "/api/v1/users";
		b = itest_f("{'username':'fv%u','password':'%s','role':"
		            "'cashier','display_name':'fv'}",
		    s, ITEST_USER_PASS);
		break;
	case FV_USER_PATCH:
		how = "PATCH";
		p = itest_f("/api/v1/users/%lld", (long long)fv_user);
		b = itest_f("{'display_name':'fv-%u'}", s);
		break;
	case FV_USER_RESET:
		p = itest_f("/api/v1/users/%lld/password", (long long)fv_user);
		b = itest_f("{'password':'%s'}", q->newpw);
		break;
	case FV_LOGIN:
		p = "/api/v1/sessions";
		tok = NULL;
		b = itest_f(
		    "{'username':'fvuser','password':'%s'}", fv_user_pass);
		break;
	case FV_LOGOUT:
		how = "DELETE";
		p = "/api/v1/sessions/current";
		tok = q->token;
		break;
	case FV_PASSWORD:
		p = "/api/v1/sessions/current/password";
		tok = q->token;
		b = itest_f("{'current_password':'%s','new_password':'%s'}",
		    fv_user_pass, q->newpw);
		break;
	case FV_PUBLISH:
		p = itest_f("/api/v1/notices/%s/publish", itest_period(-1));
		break;
	case FV_STORE:
		how = "PATCH";
		p = "/api/v1/store";
		b = itest_f("{'name':'fv-store-%u'}", s);
		break;
	case FV_CONFLICT:
		p = "/api/v1/offline-conflicts";
		b = fv_conflict_body(q->cid, s);
		break;
	case FV_RESOLVE:
		p = itest_f("/api/v1/offline-conflicts/%lld/resolve",
		    (long long)q->dist);
		b = "{'as':'write_off','reason':'fv'}";
		break;
	case FV_PIN:
		how = "PUT";
		p = itest_f("/api/v1/households/%lld/pin", (long long)fv_hh);
		b = itest_f("{'pin':'%04u'}", s % 10000);
		break;
	case FV_END_SESSIONS:
		how = "DELETE";
		p = itest_f("/api/v1/users/%lld/sessions", (long long)fv_user);
		break;
	case FV_CARD_LOOKUP:
		how = "GET";
		p = "/api/v1/households/by-card/FV-CARD";
		break;
	}
	m = how;
	{
		int st;

		*out = itest_req(itest_s, m, p, tok, b, &st);
		return st;
	}
}

/* An open conflict fails verify (goods left unaccounted): each one the
 * trial uploaded is written off at once, without a fault. */
static void
fv_close_conflicts(void)
{
	cJSON *l = itest_items(itest_ok(
	    "GET", "/api/v1/offline-conflicts", itest_admin, NULL, 200));
	const cJSON *c;

	cJSON_ArrayForEach(c, l)
	{
		itest_ok("POST",
		    itest_f("/api/v1/offline-conflicts/%lld/resolve",
		        (long long)itest_int(c, "id")),
		    itest_admin, "{'as':'write_off','reason':'fv'}", 200);
	}
}

/* After a reply: the passwords, sessions and conflicts it changed, or
 * not. */
static void
fv_after(int path, const struct fv_req *q, int st)
{
	int got;

	if (path == FV_CONFLICT && st / 100 == 2)
		fv_close_conflicts();

	if ((path == FV_USER_RESET || path == FV_PASSWORD) && st / 100 == 2)
		fv_user_pass = q->newpw;
	if (path == FV_LOGOUT) {
		/* Ended, or (refused) still good: the cache agrees. */
		itest_req(
		    itest_s, "GET", "/api/v1/items", q->token, NULL, &got);
		ck_assert_msg(got == (st / 100 == 2 ? 401 : 200),
		    "log-out answered %d, the token then %d", st, got);
	}
	if (path == FV_END_SESSIONS && st / 100 == 2) {
		itest_req(
		    itest_s, "GET", "/api/v1/items", q->token, NULL, &got);
		ck_assert_msg(got == 401,
		    "sessions ended (%d), the token then %d", st, got);
	}
}

/*
 * One request of path with the nth operation failing (0: none). Returns
 * how many operations it made. Asserts the rules at the top.
 */
static int
fv_trial(int path, int n, int err)
{
	struct fv_req q;
	uint64_t d0, d1;
	cJSON *j;
	int st, fired, count;

	fv_prep(path, &q);
	d0 = fv_digest(itest_s->db);
	fired = fv->fired;
	fv->count = 0;
	fv->n = n;
	fv->err = err;
	__sync_synchronize();
	fv->op = FAULT_OP_ANY;
	st = fv_run(path, &q, &j);
	fv_last = st;
	fv->op = FAULT_OP_NONE;
	__sync_synchronize();
	count = fv->count;
	fired = fv->fired != fired;
	fv_faults += fired;
	fv_trials++;
	d1 = fv_digest(itest_s->db);
	ck_assert_msg(st != 500 && st < 600, "%s, fault at %d: %d %s",
	    fv_names[path], n, st, itest_print(j));
	fv_after(path, &q, st);
	if (st == 503) {
		itest_assert_error(j, st, 503, "unavailable", NULL);
		ck_assert_msg(fired, "%s: 503 without a fault", fv_names[path]);
		ck_assert_msg(d0 == d1,
		    "%s, fault at %d: refused (503) but "
		    "the database changed",
		    fv_names[path], n);
		fv_refused++;
		/* The same request again, the disk well: it goes through. */
		st = fv_run(path, &q, &j);
		ck_assert_msg(st / 100 == 2 || (path == FV_LOGOUT && st == 401),
		    "%s: the retry after a 503: %d %s", fv_names[path], st,
		    itest_print(j));
		if (path != FV_LOGOUT)
			fv_after(path, &q, st);
	} else if (st == 201) {
		ck_assert_msg(d0 != d1,
		    "%s, fault at %d: 201 but nothing "
		    "changed",
		    fv_names[path], n);
	} else if (st / 100 != 2) {
		ck_assert_msg(d0 == d1,
		    "%s, fault at %d: %d but the database "
		    "changed",
		    fv_names[path], n, st);
	}
	itest_verify(itest_s->db, 1, NULL);
	return count;
}

static void
fv_walk(int path)
{
	int n, steps = fv_trial(path, 0, FAULT_ERR_FULL);

	ck_assert_msg(steps > 0, "%s reaches no file operation (answered %d)",
	    fv_names[path], fv_last);
	/* Each step fails as a full disk would, then as a failing one. */
	for (n = 1; n <= steps; n++) {
		fv_trial(path, n, FAULT_ERR_FULL);
		fv_trial(path, n, FAULT_ERR_IO);
	}
}

static const char *fv_ctl_path, *fv_dir;

/* The fixture: a server with the fault VFS, and what the paths need. */
static void
fv_setup(void)
{
	const char *base = getenv("ITEST_TMPDIR");
	const char *so = getenv("FAULT_VFS_SO");
	char bin[600];
	struct fault_ctl zero;
	struct itest_srv *plain;
	const char *asan;
	int fd;

	memset(&zero, 0, sizeof(zero));
	fv_ctl_path = itest_f("%s/fault-ctl.%d",
	    base != NULL && *base != '\0' ? base : "/tmp", (int)getpid());
	fd = open(fv_ctl_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, &zero, sizeof(zero)), (ssize_t)sizeof(zero));
	fv = mmap(NULL, sizeof(*fv), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ck_assert(fv != MAP_FAILED);
	close(fd);

	/* init without the shim, then serve the store with it. */
	plain = itest_start(NULL);
	plain->own_dir = 0;
	itest_stop(plain);
	/* The shim is built beside the server: BUILD/tests/fault_vfs.so. */
	if (so == NULL) {
		snprintf(bin, sizeof bin, "%s", itest_bin());
		*(strrchr(bin, '/') != NULL ? strrchr(bin, '/') + 1 : bin) =
		    '\0';
		so = itest_f("%stests/fault_vfs.so", bin);
	}
	ck_assert_msg(access(so, R_OK) == 0,
	    "no fault VFS at %s (make it, or set FAULT_VFS_SO)", so);
	setenv("LD_PRELOAD", so, 1);
	setenv("FAULT_VFS_CTL", fv_ctl_path, 1);
	asan = getenv("ASAN_OPTIONS");
	setenv("ASAN_OPTIONS",
	    itest_f("%s%sverify_asan_link_order=0", asan ? asan : "",
	        asan ? ":" : ""),
	    1);
	{
		/* Look-ups past the usual 60 a minute: faults, not the limit.
		 */
		static const char *const extra[] = {"--checkpoint-pages",
		    "100000", "--card-lookups", "1000000", NULL};

		itest_s = itest_start_argv(plain->db, 0, extra);
	}
	unsetenv("LD_PRELOAD");
	unsetenv("FAULT_VFS_CTL");
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	ck_assert_int_eq(fv->count, 0);

	fv_item = itest_item("fv-rice", "FV-RICE", 1, 0, 0);
	fv_lot = itest_lot(fv_item, 5000, NULL);
	fv_donor = itest_donor(itest_admin, "fv-donor", "individual");
	fv_fund = itest_fund(itest_admin, "fv-general", "donations", 0, NULL);
	itest_cash(itest_admin, fv_donor, fv_fund, 1000000);
	fv_hh = itest_household_granted("FV-CARD", "tekun", 2, 100000);
	fv_hh2 = itest_household("FV-CARD2", "dibao", 3, -5, 300);
	itest_policy("other", 100, 1, 0);
	fv_user_pass = ITEST_USER_PASS;
	itest_user(itest_s, "fvuser", "cashier");
	{
		cJSON *l = itest_items(itest_ok(
		    "GET", "/api/v1/users?limit=500", itest_admin, NULL, 200));
		const cJSON *u = itest_find_str(l, "username", "fvuser");

		ck_assert_ptr_nonnull(u);
		fv_user = itest_int(u, "id");
	}
	fv_dir = plain->dir;
}

static void
fv_teardown(void)
{
	itest_teardown();
	itest_remove_dir(fv_dir);
	munmap(fv, sizeof(*fv));
	unlink(fv_ctl_path);
}

START_TEST(test_every_write_path)
{
	const char *db = itest_s->db;
	uint64_t live, after;
	int p;

	for (p = 0; p < FV_NPATHS; p++)
		fv_walk(p);
	printf("itest_faults: %d faults injected over %d write paths (%d "
	       "requests, %d answered 503 and retried), 0 failures\n",
	    fv_faults, FV_NPATHS, fv_trials, fv_refused);
	ck_assert_int_gt(fv_faults, FV_NPATHS);
	ck_assert_int_gt(fv_refused, 0);

	/* Killed, the store reopens with what the live server showed. */
	live = fv_digest(db);
	itest_s->own_dir = 0;
	itest_kill(itest_s);
	after = fv_digest(db);
	ck_assert_msg(live == after,
	    "after SIGKILL the database differs from "
	    "what the server answered");
	itest_verify(db, 1, NULL);
	itest_s = itest_start(db);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
}
END_TEST

static Suite *
itest_faults_suite(void)
{
	Suite *s = suite_create("itest_faults");
	TCase *tc = itest_tcase_with("faults", fv_setup, fv_teardown);

	tcase_set_timeout(tc, 900);
	tcase_add_test(tc, test_every_write_path);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_faults_suite());
}
