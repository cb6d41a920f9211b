/*
 * Log-in, sessions, the role matrix, the log-in throttle and the audit log,
 * against the real server.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

/* A valid item body (fresh barcode-free name each call). */
static const char *
itest_auth_item_body(const char *name)
{
	return itest_f("{'name':'%s','category':'grain','unit':'bag',"
	               "'barcodes':[],'unit_value_fen':1000,'points':10}",
	    name);
}

START_TEST(test_login_ok)
{
	cJSON *j = itest_ok("POST", "/api/v1/sessions", NULL,
	    "{'username':'admin','password':'admin-pass-1'}", 201);
	const char *tok = itest_str(j, "token");
	const char *exp = itest_str(j, "expires_at");

	ck_assert_uint_ge(strlen(tok), 16);
	ck_assert_str_eq(itest_str(j, "role"), "admin");
	/* RFC 3339 with an offset: 2026-11-29T10:15:00+08:00 */
	ck_assert_msg(strlen(exp) >= 20 && exp[10] == 'T' &&
	        (strchr(exp + 19, '+') || strchr(exp + 19, '-') ||
	            exp[strlen(exp) - 1] == 'Z'),
	    "expires_at not RFC 3339: %s", exp);
	/* The token works. */
	itest_ok("GET", "/api/v1/items", tok, NULL, 200);
	/* Two log-ins get two different tokens. */
	ck_assert_str_ne(tok, itest_login(itest_s, "admin", ITEST_ADMIN_PASS));
}
END_TEST

START_TEST(test_login_wrong)
{
	int st;
	cJSON *j;

	j = itest_req(itest_s, "POST", "/api/v1/sessions", NULL,
	    "{'username':'admin','password':'admin-pass-2'}", &st);
	itest_assert_error(j, st, 401, "unauthenticated", NULL);
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "token"));
	itest_refused("POST", "/api/v1/sessions", NULL,
	    "{'username':'nobody','password':'admin-pass-1'}", 401,
	    "unauthenticated", NULL);
	itest_refused("POST", "/api/v1/sessions", NULL,
	    "{'username':'admin','password':''}", 400, "bad_field", "password");
	itest_refused("POST", "/api/v1/sessions", NULL, "{'username':'admin'}",
	    400, "missing_field", "password");
}
END_TEST

START_TEST(test_no_or_bad_token)
{
	struct itest_reply r;
	cJSON *j;

	itest_refused(
	    "GET", "/api/v1/items", NULL, NULL, 401, "unauthenticated", NULL);
	itest_refused("GET", "/api/v1/stock", "not-a-token", NULL, 401,
	    "unauthenticated", NULL);
	/* A token of the right shape that was never issued. */
	itest_refused("GET", "/api/v1/stock",
	    "0000000000000000000000000000000000000000000000000000000000000000",
	    NULL, 401, "unauthenticated", NULL);
	/* A write without a token changes nothing. */
	itest_refused("POST", "/api/v1/items", NULL,
	    itest_auth_item_body("rice"), 401, "unauthenticated", NULL);
	/* Other schemes than Bearer. */
	ck_assert_int_eq(
	    itest_http(itest_s, "GET", "/api/v1/items", NULL, NULL,
	        "Authorization: Basic YWRtaW46YWRtaW4tcGFzcy0x\r\n", NULL, 0,
	        &r),
	    0);
	ck_assert_int_eq(r.status, 401);
	free(r.body);
	free(r.headers);
	j = itest_ok("GET", "/api/v1/items", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
}
END_TEST

START_TEST(test_logout)
{
	const char *tok = itest_login(itest_s, "admin", ITEST_ADMIN_PASS);
	int st;

	itest_ok("GET", "/api/v1/items", tok, NULL, 200);
	itest_req(
	    itest_s, "DELETE", "/api/v1/sessions/current", tok, NULL, &st);
	ck_assert_msg(st == 204, "log-out: status %d", st);
	itest_refused(
	    "GET", "/api/v1/items", tok, NULL, 401, "unauthenticated", NULL);
	/* Logging out again, or without a token, is unauthenticated. */
	itest_refused("DELETE", "/api/v1/sessions/current", tok, NULL, 401,
	    "unauthenticated", NULL);
	itest_refused("DELETE", "/api/v1/sessions/current", NULL, NULL, 401,
	    "unauthenticated", NULL);
	/* Other sessions of the same user live on. */
	itest_ok("GET", "/api/v1/items", itest_admin, NULL, 200);
}
END_TEST

START_TEST(test_users)
{
	const char *roles[] = {"admin", "manager", "cashier", "auditor"};
	size_t i;
	cJSON *j;

	for (i = 0; i < 4; i++) {
		const char *name = itest_f("u_%s", roles[i]);

		j = itest_ok("POST", "/api/v1/users", itest_admin,
		    itest_f("{'username':'%s','password':'%s','role':'%s',"
		            "'display_name':'张三'}",
		        name, ITEST_USER_PASS, roles[i]),
		    201);
		ck_assert_int_gt(itest_int(j, "id"), 0);
		ck_assert_ptr_null(cJSON_GetObjectItem(j, "password"));
		j = itest_ok("POST", "/api/v1/sessions", NULL,
		    itest_f("{'username':'%s','password':'%s'}", name,
		        ITEST_USER_PASS),
		    201);
		ck_assert_str_eq(itest_str(j, "role"), roles[i]);
	}
	/* Same username again: conflict. */
	itest_refused("POST", "/api/v1/users", itest_admin,
	    itest_f("{'username':'u_cashier','password':'%s','role':'cashier',"
	            "'display_name':'x'}",
	        ITEST_USER_PASS),
	    409, "conflict", NULL);
	/* Unknown role. */
	itest_refused("POST", "/api/v1/users", itest_admin,
	    itest_f("{'username':'u_x','password':'%s','role':'root',"
	            "'display_name':'x'}",
	        ITEST_USER_PASS),
	    400, "bad_field", "role");
	itest_refused("POST", "/api/v1/users", itest_admin,
	    "{'password':'user-pass-12345','role':'cashier',"
	    "'display_name':'x'}",
	    400, "missing_field", "username");
	/* The refused user cannot log in. */
	itest_refused("POST", "/api/v1/sessions", NULL,
	    "{'username':'u_x','password':'user-pass-12345'}", 401,
	    "unauthenticated", NULL);
}
END_TEST

/* Expected status of one request per role; 0: do not check this role. */
struct itest_auth_rule {
	const char *method;
	const char *path;
	int admin, manager, cashier, auditor;
};

START_TEST(test_role_matrix)
{
	const char *tok[4];
	const char *names[4] = {"admin", "manager", "cashier", "auditor"};
	int64_t item, donor, lot;
	cJSON *j;
	size_t i, r;
	int st, want;

	tok[0] = itest_admin;
	tok[1] = itest_user(itest_s, "m1", "manager");
	tok[2] = itest_user(itest_s, "c1", "cashier");
	tok[3] = itest_user(itest_s, "a1", "auditor");

	item = itest_item_new(
	    itest_admin, "大米", "grain", "'6901234567892'", 2500, 25, NULL);
	donor = itest_donor(itest_admin, "某公司", "enterprise");
	lot = itest_donation_lot(
	    itest_donation(itest_admin, donor, itest_line(item, 100)), 0);

	for (i = 0; i < 4; i++) {
		/* Writes: goods are admin's and manager's. */
		struct {
			const char *path;
			const char *body;
			int ok;
		} w[] = {
		    {"/api/v1/items",
		        itest_auth_item_body(itest_f("item-%s", names[i])),
		        201},
		    {"/api/v1/donors",
		        itest_f(
		            "{'name':'d-%s','kind':'individual'}", names[i]),
		        201},
		    {"/api/v1/donations",
		        itest_f("{'client_id':'%s','donor_id':%lld,"
		                "'received_on':'%s','channel':'walk_in',"
		                "'lines':[{'item_id':%lld,'quantity':1}]}",
		            itest_uuid(), (long long)donor, itest_date(0),
		            (long long)item),
		        201},
		    {"/api/v1/stock/adjustments",
		        itest_f("{'client_id':'%s','lot_id':%lld,"
		                "'quantity_delta':-1,'reason':'damaged'}",
		            itest_uuid(), (long long)lot),
		        201},
		    {"/api/v1/users",
		        itest_f("{'username':'new-%s','password':'%s',"
		                "'role':'cashier','display_name':'x'}",
		            names[i], ITEST_USER_PASS),
		        i == 0 ? 201 : 403},
		};
		for (r = 0; r < sizeof w / sizeof w[0]; r++) {
			want = w[r].ok;
			if (w[r].ok == 201 && i >= 2)
				want = 403;
			j = itest_req(
			    itest_s, "POST", w[r].path, tok[i], w[r].body, &st);
			if (want == 403)
				itest_assert_error(
				    j, st, 403, "forbidden", NULL);
			else
				ck_assert_msg(st == want,
				    "%s POST %s: %d, want %d: %s", names[i],
				    w[r].path, st, want, itest_print(j));
		}
	}

	{
		/* Reads. 0: role not fixed by docs/api.md, not checked. */
		const struct itest_auth_rule rd[] = {
		    {"GET", "/api/v1/stock", 200, 200, 0, 200},
		    {"GET", "/api/v1/stock/movements", 200, 200, 0, 200},
		    {"GET", "/api/v1/items", 200, 200, 0, 200},
		    {"GET", "/api/v1/items/by-barcode/6901234567892", 200, 200,
		        200, 200},
		    {"GET", "/api/v1/audit", 200, 403, 403, 200},
		};
		for (r = 0; r < sizeof rd / sizeof rd[0]; r++) {
			for (i = 0; i < 4; i++) {
				want = i == 0 ? rd[r].admin
				    : i == 1  ? rd[r].manager
				    : i == 2  ? rd[r].cashier
				              : rd[r].auditor;
				if (want == 0)
					continue;
				j = itest_req(itest_s, rd[r].method, rd[r].path,
				    tok[i], NULL, &st);
				if (want == 403)
					itest_assert_error(
					    j, st, 403, "forbidden", NULL);
				else
					ck_assert_msg(st == want,
					    "%s %s %s: %d, want %d: %s",
					    names[i], rd[r].method, rd[r].path,
					    st, want, itest_print(j));
			}
		}
	}

	/* Two donations by admin and manager, 100 + 1 + 1, minus two. */
	j = itest_ok("GET", "/api/v1/stock", tok[3], NULL, 200);
	j = itest_find(itest_items(j), "item_id", item);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(itest_int(j, "on_hand"), 100);
	/* No token: open paths only. */
	itest_ok("GET", "/healthz", NULL, NULL, 200);
	j = itest_req(itest_s, "GET", "/public/notices", NULL, NULL, &st);
	ck_assert_msg(st != 401 && st != 403,
	    "/public/notices needs no "
	    "token, got %d",
	    st);
	for (i = 0; i < 4; i++) {
		j = itest_ok("GET", "/healthz", tok[i], NULL, 200);
		ck_assert_str_eq(itest_str(j, "status"), "ok");
	}
}
END_TEST

START_TEST(test_healthz)
{
	cJSON *j = itest_ok("GET", "/healthz", NULL, NULL, 200);

	ck_assert_str_eq(itest_str(j, "status"), "ok");
	/* A path that takes other methods, and one that does not exist. */
	itest_refused(
	    "DELETE", "/healthz", NULL, NULL, 405, "method_not_allowed", NULL);
	itest_refused("DELETE", "/api/v1/items/1", itest_admin, NULL, 405,
	    "method_not_allowed", NULL);
	itest_refused(
	    "GET", "/api/v1/itemz", itest_admin, NULL, 404, "not_found", NULL);
}
END_TEST

/* One log line a request: time, method, path, status, milliseconds. */
START_TEST(test_request_log)
{
	const char *log = itest_f("%s/server.log", itest_s->dir), *text;
	regex_t re;
	double t0;
	int st;

	itest_req(itest_s, "GET", "/no/such/path", NULL, NULL, &st);
	ck_assert_int_eq(st, 404);
	itest_ok("GET", "/healthz", NULL, NULL, 200);
	ck_assert_int_eq(
	    regcomp(&re,
	        "(^|\n)[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:"
	        "[0-9]{2}Z info GET /no/such/path 404 [0-9]+\\."
	        "[0-9]{2}ms\n[0-9TZ:-]+ info GET /healthz 200 "
	        "[0-9]+\\.[0-9]{2}ms\n",
	        REG_EXTENDED),
	    0);
	t0 = itest_now(); /* the loop writes its turn's lines after it */
	do
		text = itest_slurp(log);
	while (regexec(&re, text, 0, NULL, 0) != 0 && itest_now() - t0 < 15 &&
	    usleep(20000) == 0);
	st = regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	ck_assert_msg(st == 0, "no request lines in:\n%s", text);
}
END_TEST

/*
 * The throttle counts checks before the password is looked at: three
 * wrong passwords for a user from one address are checked (401), the
 * fourth attempt, even with the right password, is refused without a
 * check (429 throttled, Retry-After), and the server stays responsive.
 */
START_TEST(test_login_throttle)
{
	const char *bad = "{'username':'admin','password':'wrong-pass'}";
	struct itest_reply *r;
	int st, k;
	cJSON *j;

	for (k = 0; k < 3; k++) {
		j = itest_req(
		    itest_s, "POST", "/api/v1/sessions", NULL, bad, &st);
		itest_assert_error(j, st, 401, "unauthenticated", NULL);
	}
	j = itest_req(itest_s, "POST", "/api/v1/sessions", NULL,
	    "{'username':'admin','password':'" ITEST_ADMIN_PASS "'}", &st);
	itest_assert_error(j, st, 429, "throttled", NULL);
	ck_assert_int_gt(
	    itest_int(itest_error_details(j), "retry_after_ms"), 0);
	r = itest_raw(itest_s, "POST", "/api/v1/sessions", NULL,
	    "application/json", "{\"username\":\"admin\",\"password\":\"x\"}",
	    strlen("{\"username\":\"admin\",\"password\":\"x\"}"));
	ck_assert_int_eq(r->status, 429);
	ck_assert_msg(strstr(r->headers, "retry-after: ") != NULL,
	    "no Retry-After in:\n%s", r->headers);
	itest_ok("GET", "/healthz", NULL, NULL, 200);
}
END_TEST

/*
 * SIGTERM finishes the requests in flight: a log-in whose password the
 * worker is checking still gets its answer, and then the server exits 0.
 */
START_TEST(test_sigterm_finishes_in_flight)
{
	const char *bad = "{\"username\":\"admin\",\"password\":\"nope\"}";
	int st, p[2];
	char c = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct itest_reply r;
		int ok;

		close(p[0]);
		ok = itest_http(itest_s, "POST", "/api/v1/sessions", NULL,
		         "application/json", NULL, bad, strlen(bad), &r) == 0 &&
		    r.status == 401 && r.body != NULL &&
		    strstr(r.body, "unauthenticated") != NULL;
		c = ok ? 'y' : 'n';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	/* The request is in the server (its password being checked). */
	usleep(100000);
	itest_stop(itest_s); /* asserts exit 0 within 5 s */
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(c == 'y',
	    "the request in flight at SIGTERM got no "
	    "401 answer");
}
END_TEST

/* Tokens and passwords are never stored in clear. */
START_TEST(test_secrets_not_in_db)
{
	const char *tok = itest_login(itest_s, "admin", ITEST_ADMIN_PASS);
	const char *files[] = {"", "-wal"};
	size_t i, k, n;
	FILE *f;

	itest_user(itest_s, "c9", "cashier");
	for (i = 0; i < 2; i++) {
		char *buf;
		const char *path = itest_f("%s%s", itest_s->db, files[i]);

		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		buf = malloc(64 << 20);
		ck_assert_ptr_nonnull(buf);
		n = fread(buf, 1, 64 << 20, f);
		fclose(f);
		for (k = 0; k + 16 <= n; k++) {
			if (memcmp(buf + k, tok, 16) == 0 ||
			    memcmp(buf + k, ITEST_ADMIN_PASS, 12) == 0 ||
			    memcmp(buf + k, ITEST_USER_PASS, 15) == 0)
				break;
		}
		free(buf);
		ck_assert_msg(k + 16 > n,
		    "%s holds a token or password in "
		    "clear",
		    path);
	}
}
END_TEST

static const cJSON *
itest_auth_audit_find(
    const cJSON *items, const char *user, const char *what, int64_t id)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, items)
	{
		const char *t = itest_text(e);

		if (strstr(t, itest_f("\"%s\"", user)) != NULL &&
		    strstr(t, what) != NULL &&
		    (id == 0 || strstr(t, itest_f(":%lld", (long long)id))))
			return e;
	}
	return NULL;
}

START_TEST(test_audit)
{
	const char *mgr = itest_user(itest_s, "mgr7", "manager");
	const char *aud = itest_user(itest_s, "aud7", "auditor");
	int64_t item, donor;
	cJSON *j, *items;

	j = itest_ok(
	    "POST", "/api/v1/items", mgr, itest_auth_item_body("食用油"), 201);
	item = itest_int(j, "id");
	donor = itest_donor(itest_admin, "李四", "volunteer");
	/* A refused write is not a write. */
	itest_refused("POST", "/api/v1/donors", aud,
	    "{'name':'x','kind':'volunteer'}", 403, "forbidden", NULL);

	j = itest_ok("GET", "/api/v1/audit", aud, NULL, 200);
	items = itest_items(j);
	ck_assert_msg(itest_auth_audit_find(items, "mgr7", "item", item),
	    "no audit entry of mgr7 creating item %lld: %s", (long long)item,
	    itest_print(items));
	ck_assert_msg(itest_auth_audit_find(items, "admin", "donor", donor),
	    "no audit entry of admin creating donor %lld: %s", (long long)donor,
	    itest_print(items));
	ck_assert_msg(itest_auth_audit_find(items, "admin", "user", 0),
	    "no audit entry of admin creating a user: %s", itest_print(items));
	ck_assert_msg(itest_auth_audit_find(items, "mgr7", "127.0.0.1", 0),
	    "audit entries do not say where from (address): %s",
	    itest_print(items));
	ck_assert_msg(!itest_auth_audit_find(items, "aud7", "donor", 0),
	    "a refused write is in the audit log: %s", itest_print(items));
	/* Each entry says when. */
	{
		const cJSON *e =
		    itest_auth_audit_find(items, "mgr7", "item", item);
		int found = 0;
		const cJSON *v;

		cJSON_ArrayForEach(v, e)
		{
			if (cJSON_IsString(v) && strlen(v->valuestring) >= 20 &&
			    v->valuestring[4] == '-' &&
			    v->valuestring[10] == 'T')
				found = 1;
		}
		ck_assert_msg(found, "audit entry without an RFC 3339 time: %s",
		    itest_print(e));
	}
	/* A from/to window in the future holds none of it. */
	j = itest_ok("GET",
	    itest_f("/api/v1/audit?from=%s&to=%s", itest_date(400),
	        itest_date(401)),
	    aud, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
}
END_TEST

static Suite *
itest_auth_suite(void)
{
	Suite *s = suite_create("itest_auth");
	TCase *tc = itest_tcase("auth");

	tcase_add_test(tc, test_healthz);
	tcase_add_test(tc, test_request_log);
	tcase_add_test(tc, test_login_ok);
	tcase_add_test(tc, test_login_wrong);
	tcase_add_test(tc, test_no_or_bad_token);
	tcase_add_test(tc, test_logout);
	tcase_add_test(tc, test_users);
	tcase_add_test(tc, test_role_matrix);
	tcase_add_test(tc, test_login_throttle);
	tcase_add_test(tc, test_sigterm_finishes_in_flight);
	tcase_add_test(tc, test_secrets_not_in_db);
	tcase_add_test(tc, test_audit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_auth_suite());
}
