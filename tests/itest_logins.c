/*
 * itest_logins: the server on the shop's network, attacked as someone
 * there without an account would, at the level of accounts: log-in
 * bursts and rotating addresses (behind a trusted proxy or not), what the
 * audit keeps of failed log-ins, the password rules, card look-ups, and
 * an admin ending a user's sessions. Connections and TLS: itest_shield.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "itest.h"

static void
logins_start(const char *const *extra)
{
	itest_s = itest_start_argv(NULL, 0, extra);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
}

/*
 * POST /api/v1/sessions of USER with PASS from source address SRC (NULL:
 * any), with X-Forwarded-For: XFF when given; the status, or -1. The
 * reply's body into BODY (BN bytes) when BODY is given. Safe in children.
 */
static int
logins_login(const char *src, const char *xff, const char *user,
    const char *pass, char *body, size_t bn)
{
	char req[1024], js[300], buf[8192];
	size_t n = 0;
	ssize_t got;
	int fd, status = -1, len;

	len = snprintf(js, sizeof js,
	    "{\"username\":\"%s\",\"password\":\"%s\"}", user, pass);
	snprintf(req, sizeof req,
	    "POST /api/v1/sessions HTTP/1.1\r\nHost: t\r\nConnection: "
	    "close\r\nContent-Type: application/json\r\n%s%s%s"
	    "Content-Length: %d\r\n\r\n%s",
	    xff != NULL ? "X-Forwarded-For: " : "", xff != NULL ? xff : "",
	    xff != NULL ? "\r\n" : "", len, js);
	if ((fd = itest_connect_from(itest_s, 10, src, 0)) < 0)
		return -1;
	if (send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req))
		while (n < sizeof(buf) - 1 &&
		    (got = recv(fd, buf + n, sizeof(buf) - 1 - n, 0)) > 0)
			n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
		return -1;
	if (body != NULL && strstr(buf, "\r\n\r\n") != NULL)
		snprintf(body, bn, "%s", strstr(buf, "\r\n\r\n") + 4);
	return status;
}

/*
 * N log-ins at once, each from its own child process: XFF_FMT (NULL: no
 * header) formats the k-th child's forwarded address. Counts of the
 * statuses into COUNT[0..599].
 */
static void
logins_burst(
    int n, const char *user, const char *pass, const char *xff_fmt, int *count)
{
	int go[2], res[2], k, st;
	pid_t pid, pids[64];
	short status;
	char c = 'g';

	ck_assert_int_eq(pipe(go), 0);
	ck_assert_int_eq(pipe(res), 0);
	ck_assert_int_le(n, 64);
	for (k = 0; k < n; k++) {
		pids[k] = pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			char xff[64];

			close(go[1]);
			close(res[0]);
			if (xff_fmt != NULL)
				snprintf(xff, sizeof xff, xff_fmt, k % 250 + 1);
			if (read(go[0], &c, 1) != 1)
				_exit(1);
			status = (short)logins_login(NULL,
			    xff_fmt != NULL ? xff : NULL, user, pass, NULL, 0);
			_exit(write(res[1], &status, sizeof status) ==
			            sizeof status
			        ? 0
			        : 1);
		}
	}
	close(go[0]);
	close(res[1]);
	/* All at once: every child waits on this one byte each. */
	for (k = 0; k < n; k++)
		ck_assert_int_eq(write(go[1], &c, 1), 1);
	close(go[1]);
	for (k = 0; k < n; k++) {
		ck_assert_int_eq(
		    read(res[0], &status, sizeof status), (int)sizeof status);
		ck_assert_msg(status >= 0 && status < 600,
		    "a log-in got no "
		    "reply");
		count[status]++;
	}
	close(res[0]);
	for (k = 0; k < n; k++) {
		ck_assert_int_eq(waitpid(pids[k], &st, 0), pids[k]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "a child of the burst failed");
	}
}

/* How many login_failed rows the audit log holds. */
static int
logins_failed(void)
{
	cJSON *j, *a;
	int n = 0;

	j = itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	cJSON_ArrayForEach(a, itest_items(j)) if (strcmp(itest_str(a, "action"),
	                                              "login_failed") == 0) n++;
	return n;
}

/*
 * 16 wrong passwords for one user sent at once from one address: at most
 * 3 are checked (401, each audited), the rest are refused unread (429).
 * The right password from there is refused too, but from another address
 * (127.0.0.2), which has not failed, it gets in.
 */
START_TEST(test_throttle_burst)
{
	int count[600] = {0};

	logins_start(NULL);
	itest_user(itest_s, "clerk", "cashier");
	logins_burst(16, "clerk", "wrong-password-1", NULL, count);
	ck_assert_msg(count[401] >= 1 && count[401] <= 3,
	    "%d of 16 wrong passwords were checked", count[401]);
	ck_assert_int_eq(count[401] + count[429], 16);
	ck_assert_int_eq(logins_failed(), count[401]);
	ck_assert_int_eq(
	    logins_login(NULL, NULL, "clerk", ITEST_USER_PASS, NULL, 0), 429);
	ck_assert_int_eq(
	    logins_login("127.0.0.2", NULL, "clerk", ITEST_USER_PASS, NULL, 0),
	    201);
}
END_TEST

/*
 * Behind a trusted proxy, 120 wrong log-ins for the manager from 40
 * rotating addresses, 40 at a time, while the manager logs in from the
 * till's address (where the manager logged in before): the manager gets
 * in, and nothing is answered 503.
 */
START_TEST(test_rotating_flood)
{
	const char *extra[] = {"--trusted-proxy", "127.0.0.1", NULL};
	int count[600] = {0}, k, st = 0;
	pid_t pid;

	logins_start(extra);
	itest_user(itest_s, "boss", "manager");
	ck_assert_int_eq(
	    logins_login(NULL, "10.9.9.9", "boss", ITEST_USER_PASS, NULL, 0),
	    201);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int c[600] = {0};

		for (k = 0; k < 3; k++)
			logins_burst(
			    40, "boss", "guess-guess-1", "10.1.0.%d", c);
		_exit(c[503] == 0 && c[401] + c[429] == 120 ? 0 : 1);
	}
	usleep(200000);
	for (k = 0; k < 3; k++)
		count[logins_login(
		    NULL, "10.9.9.9", "boss", ITEST_USER_PASS, NULL, 0)]++;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the flood got a 503, or no reply");
	ck_assert_msg(
	    count[201] == 3, "the manager's log-ins: %d of 3 in", count[201]);
}
END_TEST

/* The address behind the proxy is the one the throttle keys on, and the
 * audit names; from another peer, X-Forwarded-For is not believed. */
START_TEST(test_trusted_proxy)
{
	const char *extra[] = {"--trusted-proxy", "127.0.0.2", NULL};
	cJSON *j, *a;
	int k, seen_fwd = 0, seen_own = 0;

	logins_start(extra);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(logins_login("127.0.0.2", "10.0.0.7", "admin",
		                     "wrong-wrong-1", NULL, 0),
		    401);
	/* 10.0.0.7 is closed; 10.0.0.8 behind the same proxy is not. */
	ck_assert_int_eq(logins_login("127.0.0.2", "10.0.0.7", "admin",
	                     ITEST_ADMIN_PASS, NULL, 0),
	    429);
	ck_assert_int_eq(logins_login("127.0.0.2", "1.2.3.4, 10.0.0.8", "admin",
	                     ITEST_ADMIN_PASS, NULL, 0),
	    201);
	/* Not from the proxy: the header is the client's word, ignored. */
	ck_assert_int_eq(logins_login("127.0.0.3", "10.0.0.9", "admin",
	                     "wrong-wrong-1", NULL, 0),
	    401);
	j = itest_ok("GET", "/api/v1/audit?limit=50", itest_admin, NULL, 200);
	cJSON_ArrayForEach(a, itest_items(j))
	{
		const char *o = itest_str(a, "origin");

		if (strcmp(o, "10.0.0.7") == 0 || strcmp(o, "10.0.0.8") == 0)
			seen_fwd++;
		if (strcmp(o, "127.0.0.3") == 0)
			seen_own++;
		ck_assert_msg(
		    strcmp(o, "10.0.0.9") != 0 && strcmp(o, "1.2.3.4") != 0,
		    "a forged address was believed: %s", itest_print(a));
	}
	ck_assert_int_eq(seen_fwd, 4);
	ck_assert_int_eq(seen_own, 1);
}
END_TEST

/* A password typed into the user-name field is not kept in the audit. */
START_TEST(test_unknown_user_audit)
{
	cJSON *j, *a;
	int n = 0;

	logins_start(NULL);
	ck_assert_int_eq(
	    logins_login(NULL, NULL, "Secret-Typed-9", "whatever-1", NULL, 0),
	    401);
	j = itest_ok("GET", "/api/v1/audit?limit=50", itest_admin, NULL, 200);
	ck_assert_msg(strstr(itest_text(j), "Secret-Typed-9") == NULL,
	    "the typed name is in the audit: %s", itest_print(j));
	cJSON_ArrayForEach(a, itest_items(j)) if (strcmp(itest_str(a, "action"),
	                                              "login_failed") == 0)
	{
		ck_assert_str_eq(itest_str(a, "username"), "-");
		n++;
	}
	ck_assert_int_eq(n, 1);
}
END_TEST

/*
 * The password rules: too short, the user name, a common one (any case)
 * are refused for a new user, a reset and one's own change; a password
 * set before the rules (8 characters) still logs in.
 */
START_TEST(test_password_rules)
{
	const char *bad[] = {"password", "12345678", "short-9", "longname-10",
	    "1234567890", "QwertyUiop", "Password123", NULL};
	char hash[crypto_pwhash_STRBYTES];
	const char *tok;
	cJSON *j;
	int k, id;

	logins_start(NULL);
	for (k = 0; bad[k] != NULL; k++)
		itest_refused("POST", "/api/v1/users", itest_admin,
		    itest_f("{'username':'longname-10','password':'%s',"
		            "'role':'cashier','display_name':'x'}",
		        bad[k]),
		    400, "bad_field", "password");
	tok = itest_user(itest_s, "longname-10", "cashier");
	j = itest_ok("GET", "/api/v1/users", itest_admin, NULL, 200);
	id = (int)itest_int(
	    itest_find_str(itest_items(j), "username", "longname-10"), "id");
	for (k = 0; bad[k] != NULL; k++) {
		itest_refused("POST", itest_f("/api/v1/users/%d/password", id),
		    itest_admin, itest_f("{'password':'%s'}", bad[k]), 400,
		    "bad_field", "password");
		itest_refused("POST", "/api/v1/sessions/current/password", tok,
		    itest_f("{'current_password':'" ITEST_USER_PASS
		            "','new_password':'%s'}",
		        bad[k]),
		    400, "bad_field", "new_password");
	}
	/* Nothing changed: the password holds. */
	itest_login(itest_s, "longname-10", ITEST_USER_PASS);
	/* An old password of 8 characters, set before the rules (the store
	 * kept for the restart). */
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	ck_assert_int_eq(sodium_init() >= 0, 1);
	ck_assert_int_eq(crypto_pwhash_str(hash, "old-pw-8", 8,
	                     crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                     crypto_pwhash_MEMLIMIT_INTERACTIVE),
	    0);
	itest_sql(itest_s->db,
	    itest_f("UPDATE users SET pwhash = '%s' WHERE id = %d", hash, id));
	itest_s = itest_start(itest_s->db);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	itest_login(itest_s, "longname-10", "old-pw-8");
}
END_TEST

/*
 * Card look-ups: 60 a minute for a cashier (found or not), the 61st
 * refused (429 throttled, Retry-After); an auditor sees who looked up how
 * many cards; the card itself is stored nowhere in the look-up log.
 */
START_TEST(test_card_lookups)
{
	struct itest_roles ro;
	const cJSON *c, *a;
	struct itest_reply *r;
	cJSON *j;
	int k, st;

	logins_start(NULL);
	ro = itest_roles();
	itest_household("SHIELD-0001", "dibao", 2, -10, 100);
	for (k = 0; k < 60; k++) {
		j = itest_req(itest_s, "GET",
		    k % 2 == 0
		        ? "/api/v1/households/by-card/SHIELD-0001"
		        : itest_f("/api/v1/households/by-card/GUESS-%04d", k),
		    ro.cashier, NULL, &st);
		ck_assert_int_eq(st, k % 2 == 0 ? 200 : 404);
		itest_free(j);
	}
	r = itest_raw(itest_s, "GET", "/api/v1/households/by-card/SHIELD-0001",
	    ro.cashier, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 429);
	ck_assert_msg(strstr(r->body, "throttled") != NULL &&
	        strstr(r->headers, "retry-after: ") != NULL,
	    "%s\n%s", r->headers, r->body);
	/* Another user is not held back by the cashier's count. */
	itest_ok("GET", "/api/v1/households/by-card/SHIELD-0001", itest_admin,
	    NULL, 200);
	itest_refused("GET", "/api/v1/audit/card-lookups", ro.cashier, NULL,
	    403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/audit/card-lookups?from=nope", ro.auditor,
	    NULL, 400, "bad_field", "from");
	j = itest_ok("GET",
	    itest_f("/api/v1/audit/card-lookups?from=%s&to=%s", itest_date(0),
	        itest_date(0)),
	    ro.auditor, NULL, 200);
	c = itest_find_str(itest_items(j), "username", "cashier");
	a = itest_find_str(itest_items(j), "username", ITEST_ADMIN);
	ck_assert_msg(c != NULL && a != NULL, "%s", itest_print(j));
	ck_assert_int_eq(itest_int(c, "lookups"), 60);
	ck_assert_int_eq(itest_int(c, "cards"), 31);
	ck_assert_int_eq(itest_int(c, "found"), 30);
	ck_assert_int_eq(itest_int(a, "lookups"), 1);
	ck_assert_str_eq(itest_str(c, "role"), "cashier");
	/* A day without look-ups has none. */
	j = itest_ok("GET",
	    itest_f("/api/v1/audit/card-lookups?from=%s&to=%s",
	        itest_date(-400), itest_date(-399)),
	    ro.auditor, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	ck_assert_msg(!itest_file_has(itest_s->db, "GUESS-0001") &&
	        !itest_file_has(itest_f("%s-wal", itest_s->db), "GUESS-0001"),
	    "a looked-up card is stored in clear");
}
END_TEST

/* An admin lists a user's sessions (no tokens in the list) and ends them
 * all: their tokens get 401 at once; audited as end_sessions. */
START_TEST(test_sessions)
{
	const char *t1, *t2, *path;
	struct itest_roles ro;
	cJSON *j, *s;
	int64_t id;
	int st;

	logins_start(NULL);
	ro = itest_roles();
	t1 = itest_user(itest_s, "kate", "cashier");
	t2 = itest_login(itest_s, "kate", ITEST_USER_PASS);
	j = itest_ok("GET", "/api/v1/users", itest_admin, NULL, 200);
	id =
	    itest_int(itest_find_str(itest_items(j), "username", "kate"), "id");
	path = itest_f("/api/v1/users/%lld/sessions", (long long)id);
	j = itest_ok("GET", path, itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	cJSON_ArrayForEach(s, itest_items(j))
	{
		ck_assert_int_eq(strlen(itest_str(s, "id")), 16);
		itest_str(s, "created_at");
		itest_str(s, "expires_at");
	}
	ck_assert_msg(strstr(itest_text(j), t1) == NULL &&
	        strstr(itest_text(j), t2) == NULL,
	    "a token in the list: %s", itest_print(j));
	itest_refused("GET", path, ro.mgr, NULL, 403, "forbidden", NULL);
	itest_refused("DELETE", path, ro.cashier, NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/users/999999/sessions", itest_admin, NULL,
	    404, "not_found", NULL);
	itest_refused("DELETE", "/api/v1/users/999999/sessions", itest_admin,
	    NULL, 404, "not_found", NULL);
	itest_ok("GET", "/api/v1/items", t1, NULL, 200);
	itest_req(itest_s, "DELETE", path, itest_admin, NULL, &st);
	ck_assert_int_eq(st, 204);
	itest_refused(
	    "GET", "/api/v1/items", t1, NULL, 401, "unauthenticated", NULL);
	itest_refused(
	    "GET", "/api/v1/items", t2, NULL, 401, "unauthenticated", NULL);
	j = itest_ok("GET", path, itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	ck_assert_int_eq(itest_audits("end_sessions", "user", id), 1);
	/* Others' sessions hold. */
	itest_ok("GET", "/api/v1/items", ro.cashier, NULL, 200);
	/* kate logs in again. */
	itest_login(itest_s, "kate", ITEST_USER_PASS);
}
END_TEST

static void
logins_noop(void)
{
}

static Suite *
itest_logins_suite(void)
{
	Suite *s = suite_create("itest_logins");
	TCase *tc = itest_tcase_with("logins", logins_noop, itest_teardown);

	tcase_add_test(tc, test_throttle_burst);
	tcase_add_test(tc, test_rotating_flood);
	tcase_add_test(tc, test_trusted_proxy);
	tcase_add_test(tc, test_unknown_user_audit);
	tcase_add_test(tc, test_password_rules);
	tcase_add_test(tc, test_card_lookups);
	tcase_add_test(tc, test_sessions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_logins_suite());
}
