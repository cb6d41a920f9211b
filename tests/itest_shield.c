/*
 * itest_shield: the server on the shop's network, attacked as someone
 * there without an account would: connection floods (under a low open-file
 * limit set in the server's process), slow requests, log-in bursts and
 * rotating addresses; and what keeps them out. Each test asserts the
 * outcome: established clients answered, the server recovering by itself
 * and stopping on SIGTERM.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <sodium.h>

#include "itest.h"

#define SHIELD_FLOOD 300

/* A connection to s from source address SRC (NULL: any), not waiting for
 * the handshake when NOWAIT; its fd or -1. */
static int
shield_connect(const char *src, int nowait)
{
	struct sockaddr_in sin;
	struct timeval tv = {10, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (src != NULL) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		inet_pton(AF_INET, src, &sin.sin_addr);
		if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
			close(fd);
			return -1;
		}
	}
	if (nowait)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)itest_s->port);
	inet_pton(AF_INET, itest_s->host, &sin.sin_addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	    !(nowait && errno == EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* GET /healthz on the open (keep-alive) connection fd: its status, or -1. */
static int
shield_keepalive_get(int fd)
{
	const char *req = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
	char buf[4096], *body;
	size_t n = 0;
	ssize_t got;
	long len;
	int status;

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
		return -1;
	for (;;) {
		got = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (got <= 0)
			return -1;
		n += (size_t)got;
		buf[n] = '\0';
		body = strstr(buf, "\r\n\r\n");
		if (body == NULL)
			continue;
		body += 4;
		len = 0;
		if (strcasestr(buf, "content-length:") != NULL)
			len = strtol(
			    strcasestr(buf, "content-length:") + 15, NULL, 10);
		if ((long)(n - (size_t)(body - buf)) >= len)
			break;
	}
	if (sscanf(buf, "HTTP/1.1 %d", &status) != 1)
		return -1;
	return status;
}

/* Whether the server closed fd within SECS (EOF or reset). */
static int
shield_closed(int fd, int secs)
{
	struct pollfd p = {fd, POLLIN, 0};
	char c;

	if (poll(&p, 1, secs * 1000) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
}

/* /healthz on a new connection, retried for up to 10 s: its status. */
static int
shield_healthz_soon(void)
{
	struct itest_reply r;
	double t0 = itest_now();

	do {
		if (itest_http(itest_s, "GET", "/healthz", NULL, NULL, NULL,
		        NULL, 0, &r) == 0) {
			free(r.body);
			free(r.headers);
			return r.status;
		}
		usleep(100000);
	} while (itest_now() - t0 < 10);
	return -1;
}

static int
shield_count_lines(const char *text, const char *needle)
{
	int n = 0;

	while ((text = strstr(text, needle)) != NULL) {
		n++;
		text += strlen(needle);
	}
	return n;
}

static void
shield_start(int nofile, const char *const *extra)
{
	itest_s = itest_start_argv(NULL, nofile, extra);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
}

/*
 * 300 idle connections against a server with 64 descriptors and its cap
 * derived from them: past the cap each new one is closed at once; a
 * client connected before keeps being answered; once the flood ends, new
 * clients are answered again.
 */
START_TEST(test_flood_cap)
{
	const char *extra[] = {"--max-per-address", "1000", NULL};
	int keep, fl[SHIELD_FLOOD], k, closed = 0;
	double t0;

	shield_start(64, extra);
	keep = shield_connect(NULL, 0);
	ck_assert_int_ge(keep, 0);
	ck_assert_int_eq(shield_keepalive_get(keep), 200);
	for (k = 0; k < SHIELD_FLOOD; k++)
		fl[k] = shield_connect(NULL, 1);
	/* Those still in the kernel's backlog are accepted (and closed)
	 * as the server gets to them: up to 15 s, for slow builds. */
	t0 = itest_now();
	while (closed < SHIELD_FLOOD - 64 && itest_now() - t0 < 15) {
		usleep(200000);
		for (k = 0; k < SHIELD_FLOOD; k++)
			if (fl[k] >= 0 && shield_closed(fl[k], 0)) {
				close(fl[k]);
				fl[k] = -1;
				closed++;
			}
	}
	ck_assert_msg(closed >= SHIELD_FLOOD - 64,
	    "only %d of %d flood connections closed past the cap", closed,
	    SHIELD_FLOOD);
	ck_assert_int_eq(shield_keepalive_get(keep), 200);
	for (k = 0; k < SHIELD_FLOOD; k++)
		if (fl[k] >= 0)
			close(fl[k]);
	close(keep);
	ck_assert_int_eq(shield_healthz_soon(), 200);
	ck_assert_msg(
	    strstr(itest_slurp(itest_f("%s/server.log", itest_s->dir)),
	        "refused past a cap") != NULL,
	    "the refusals are not logged");
}
END_TEST

/*
 * A cap set above what the open-file limit allows: accept() fails with
 * EMFILE. The listener rests instead of spinning, the log says so at most
 * once a second, the established client is answered, and the server
 * serves again once the flood ends.
 */
START_TEST(test_flood_emfile)
{
	const char *extra[] = {
	    "--max-connections", "5000", "--max-per-address", "5000", NULL};
	int keep, fl[SHIELD_FLOOD], k;
	const char *log;

	shield_start(64, extra);
	keep = shield_connect(NULL, 0);
	ck_assert_int_ge(keep, 0);
	ck_assert_int_eq(shield_keepalive_get(keep), 200);
	for (k = 0; k < SHIELD_FLOOD; k++)
		fl[k] = shield_connect(NULL, 1);
	sleep(3);
	ck_assert_int_eq(shield_keepalive_get(keep), 200);
	log = itest_slurp(itest_f("%s/server.log", itest_s->dir));
	ck_assert_msg(
	    strlen(log) < 16384, "the log grew to %zu bytes", strlen(log));
	ck_assert_msg(shield_count_lines(log, "accepts failed") >= 1 &&
	        shield_count_lines(log, "accepts failed") <= 5,
	    "accept failures logged %d times in 3 s:\n%s",
	    shield_count_lines(log, "accepts failed"), log);
	for (k = 0; k < SHIELD_FLOOD; k++)
		if (fl[k] >= 0)
			close(fl[k]);
	close(keep);
	ck_assert_int_eq(shield_healthz_soon(), 200);
}
END_TEST

/* SIGTERM in the middle of such a flood still stops the server (the
 * teardown asserts exit 0 within 5 s). */
START_TEST(test_flood_sigterm)
{
	const char *extra[] = {
	    "--max-connections", "5000", "--max-per-address", "5000", NULL};
	int fl[SHIELD_FLOOD], k;
	const char *log;
	double t0;

	shield_start(64, extra);
	for (k = 0; k < SHIELD_FLOOD; k++)
		fl[k] = shield_connect(NULL, 1);
	/* In the middle of it: the server has run out of descriptors. */
	log = itest_f("%s/server.log", itest_s->dir);
	t0 = itest_now();
	while (!itest_file_has(log, "accepts failed") && itest_now() - t0 < 15)
		usleep(20000);
	ck_assert_msg(itest_file_has(log, "accepts failed"),
	    "no accept failed within 15 s of the flood");
	itest_stop(itest_s);
	for (k = 0; k < SHIELD_FLOOD; k++)
		if (fl[k] >= 0)
			close(fl[k]);
}
END_TEST

/*
 * 40 connections from one address: past 32 each is closed at once; the
 * same moment another address (127.0.0.2) is served.
 */
START_TEST(test_per_address)
{
	int fl[40], k, closed = 0, other;
	double t0;

	shield_start(0, NULL);
	for (k = 0; k < 40; k++) {
		fl[k] = shield_connect("127.0.0.1", 0);
		ck_assert_int_ge(fl[k], 0);
	}
	/* Until the 8 past the cap are closed, for up to 10 s. */
	t0 = itest_now();
	do {
		usleep(20000);
		for (k = closed = 0; k < 40; k++)
			if (shield_closed(fl[k], 0)) {
				ck_assert_msg(
				    k >= 32, "connection %d of 40 closed", k);
				closed++;
			}
	} while (closed < 8 && itest_now() - t0 < 10);
	ck_assert_int_eq(closed, 8);
	other = shield_connect("127.0.0.2", 0);
	ck_assert_int_ge(other, 0);
	ck_assert_int_eq(shield_keepalive_get(other), 200);
	close(other);
	for (k = 0; k < 40; k++)
		close(fl[k]);
}
END_TEST

/* A request sent a byte at a time is cut off at --request-timeout, and
 * an idle connection too; a client that asks in time is answered. */
START_TEST(test_slow_request)
{
	const char *extra[] = {"--request-timeout", "2", NULL};
	const char *head = "GET /healthz HTTP/1.1\r\nX-Slow: ";
	double t0;
	int slow, idle, cut = 0;

	shield_start(0, extra);
	slow = shield_connect(NULL, 0);
	idle = shield_connect(NULL, 0);
	ck_assert_int_ge(slow, 0);
	ck_assert_int_ge(idle, 0);
	ck_assert_int_eq(send(slow, head, strlen(head), MSG_NOSIGNAL),
	    (ssize_t)strlen(head));
	t0 = itest_now();
	while (itest_now() - t0 < 20) {
		if (send(slow, "a", 1, MSG_NOSIGNAL) != 1 ||
		    shield_closed(slow, 0)) {
			cut = 1;
			break;
		}
		usleep(300000);
	}
	ck_assert_msg(cut, "a header sent a byte every 0.3 s was never cut");
	ck_assert_msg(shield_closed(idle, 10), "the idle connection stays");
	close(slow);
	close(idle);
	ck_assert_int_eq(shield_healthz_soon(), 200);
}
END_TEST

/*
 * POST /api/v1/sessions of USER with PASS from source address SRC (NULL:
 * any), with X-Forwarded-For: XFF when given; the status, or -1. The
 * reply's body into BODY (BN bytes) when BODY is given. Safe in children.
 */
static int
shield_login(const char *src, const char *xff, const char *user,
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
	if ((fd = shield_connect(src, 0)) < 0)
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
shield_burst(
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
			status = (short)shield_login(NULL,
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
shield_failed_logins(void)
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

	shield_start(0, NULL);
	itest_user(itest_s, "clerk", "cashier");
	shield_burst(16, "clerk", "wrong-password-1", NULL, count);
	ck_assert_msg(count[401] >= 1 && count[401] <= 3,
	    "%d of 16 wrong passwords were checked", count[401]);
	ck_assert_int_eq(count[401] + count[429], 16);
	ck_assert_int_eq(shield_failed_logins(), count[401]);
	ck_assert_int_eq(
	    shield_login(NULL, NULL, "clerk", ITEST_USER_PASS, NULL, 0), 429);
	ck_assert_int_eq(
	    shield_login("127.0.0.2", NULL, "clerk", ITEST_USER_PASS, NULL, 0),
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

	shield_start(0, extra);
	itest_user(itest_s, "boss", "manager");
	ck_assert_int_eq(
	    shield_login(NULL, "10.9.9.9", "boss", ITEST_USER_PASS, NULL, 0),
	    201);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int c[600] = {0};

		for (k = 0; k < 3; k++)
			shield_burst(
			    40, "boss", "guess-guess-1", "10.1.0.%d", c);
		_exit(c[503] == 0 && c[401] + c[429] == 120 ? 0 : 1);
	}
	usleep(200000);
	for (k = 0; k < 3; k++)
		count[shield_login(
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

	shield_start(0, extra);
	for (k = 0; k < 3; k++)
		ck_assert_int_eq(shield_login("127.0.0.2", "10.0.0.7", "admin",
		                     "wrong-wrong-1", NULL, 0),
		    401);
	/* 10.0.0.7 is closed; 10.0.0.8 behind the same proxy is not. */
	ck_assert_int_eq(shield_login("127.0.0.2", "10.0.0.7", "admin",
	                     ITEST_ADMIN_PASS, NULL, 0),
	    429);
	ck_assert_int_eq(shield_login("127.0.0.2", "1.2.3.4, 10.0.0.8", "admin",
	                     ITEST_ADMIN_PASS, NULL, 0),
	    201);
	/* Not from the proxy: the header is the client's word, ignored. */
	ck_assert_int_eq(shield_login("127.0.0.3", "10.0.0.9", "admin",
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

	shield_start(0, NULL);
	ck_assert_int_eq(
	    shield_login(NULL, NULL, "Secret-Typed-9", "whatever-1", NULL, 0),
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

	shield_start(0, NULL);
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

/* The till's binary: $CISHAN_POS, or cishan-pos beside the server. */
static const char *
shield_pos_bin(void)
{
	const char *p = getenv("CISHAN_POS"), *s = itest_bin(), *slash;

	if (p != NULL && *p != '\0')
		return p;
	slash = strrchr(s, '/');
	return itest_f(
	    "%.*scishan-pos", slash != NULL ? (int)(slash - s + 1) : 0, s);
}

/*
 * The till on URL with its verification ARG VAL logs in as the admin:
 * the stage it reaches within 10 s ("card" once logged in).
 */
static const char *
shield_till_login(const char *url, const char *arg, const char *val)
{
	const char *journal = itest_f("%s/j-%s.db", itest_s->dir, arg + 2);
	const char *stage = "",
	           *argv[] = {shield_pos_bin(), "--server", url, "--till", "T1",
	               "--journal", journal, "--scanner", "none", "--printer",
	               "none", "--script", "-", arg, val, NULL};
	int in[2], out[2], st;
	char line[1 << 16];
	double t0;
	FILE *to, *from;
	cJSON *s;
	pid_t pid;

	ck_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		itest_reopen(2, itest_f("%s/pos.log", itest_s->dir),
		    O_WRONLY | O_CREAT | O_APPEND);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	to = fdopen(in[1], "w");
	from = fdopen(out[0], "r");
	ck_assert(to != NULL && from != NULL);
	fprintf(to, "login admin %s\n", ITEST_ADMIN_PASS);
	fflush(to);
	t0 = itest_now();
	while (fgets(line, sizeof line, from) != NULL) {
		s = cJSON_Parse(line);
		ck_assert_msg(s != NULL, "not JSON: %s", line);
		itest_own(ITEST_JSON, s);
		stage = itest_str(s, "stage");
		if (strcmp(stage, "login") != 0 || itest_now() - t0 > 10)
			break;
		fprintf(to, "wait 100\n");
		fflush(to);
	}
	fclose(to);
	fclose(from);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	return stage;
}

/* `curl -s ARGS` (a shell word list of ours): its output. */
static const char *
shield_curl(const char *args)
{
	const char *out = itest_f("%s/curl.out", itest_s->dir);
	char *cmd = itest_f("curl -s -S %s > %s 2>&1", args, out);

	/* curl's own status is judged by its output; the shell must run
	 * (and checking it keeps _FORTIFY_SOURCE's builds, the package's,
	 * free of an unused-result warning). */
	ck_assert_msg(system(cmd) != -1, "cannot run: %s", cmd);
	return itest_slurp(out);
}

/*
 * TLS: `init --self-signed` makes the store's certificate and prints its
 * fingerprint; `serve --tls-cert --tls-key` answers curl over https (with
 * HSTS) and not over plain http; the till logs in over https pinning the
 * fingerprint, or verifying against the certificate as a CA file, and a
 * wrong fingerprint is refused (the till stays at its log-in, offline).
 * Plain http is refused on an address other than loopback.
 */
START_TEST(test_tls)
{
	const char *out, *fp, *crt, *key, *url, *tok;
	const char *gen[] = {"init", "--db", NULL, "--self-signed", NULL};
	const char *plain[] = {
	    "serve", "--db", NULL, "--listen", "0.0.0.0:0", NULL};
	const char *store;
	char wrong[128];
	int rc;

	itest_s = itest_start_argv(NULL, 0, NULL);
	store = itest_f("%s", itest_s->dir);
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	gen[2] = itest_s->db;
	rc = itest_cmd(gen, &out);
	ck_assert_msg(rc == 0, "init --self-signed: %d %s", rc, out);
	fp = strstr(out, "sha256 fingerprint ");
	ck_assert_msg(fp != NULL, "no fingerprint in: %s", out);
	fp = itest_f("%.95s", fp + strlen("sha256 fingerprint "));
	crt = itest_f("%s.tls.crt", itest_s->db);
	key = itest_f("%s.tls.key", itest_s->db);
	/* A second time it keeps the first certificate. */
	ck_assert_int_ne(itest_cmd(gen, &out), 0);
	/* Not on the shop's network in clear. */
	plain[2] = itest_s->db;
	ck_assert_int_ne(itest_cmd(plain, &out), 0);
	ck_assert_msg(strstr(out, "--plain-http") != NULL, "%s", out);

	{
		const char *extra[] = {
		    "--tls-cert", crt, "--tls-key", key, NULL};

		itest_s = itest_start_argv(itest_s->db, 0, extra);
	}
	url = itest_f("https://127.0.0.1:%d", itest_s->port);
	out = shield_curl(itest_f("-i --cacert %s %s/healthz", crt, url));
	ck_assert_msg(strstr(out, "{\"status\":\"ok\"") != NULL &&
	        strcasestr(out, "strict-transport-security: max-age=") != NULL,
	    "curl over https: %s", out);
	out = shield_curl(
	    itest_f("--cacert %s -H 'Content-Type: "
	            "application/json' -d "
	            "'{\"username\":\"admin\",\"password\":\"%s\"}' "
	            "%s/api/v1/sessions",
	        crt, ITEST_ADMIN_PASS, url));
	tok = strstr(out, "\"token\":\"");
	ck_assert_msg(tok != NULL, "no log-in over https: %s", out);
	/* Plain http to the TLS port gets no answer. */
	out = shield_curl(
	    itest_f("-m 5 http://127.0.0.1:%d/healthz", itest_s->port));
	ck_assert_msg(strstr(out, "{\"status\"") == NULL, "%s", out);
	/* The till: pinned, by CA file, and a wrong pin. */
	ck_assert_str_eq(
	    shield_till_login(url, "--server-fingerprint", fp), "card");
	ck_assert_str_eq(shield_till_login(url, "--ca-file", crt), "card");
	snprintf(wrong, sizeof wrong, "%s", fp);
	wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
	ck_assert_str_eq(
	    shield_till_login(url, "--server-fingerprint", wrong), "login");
	itest_stop(itest_s);
	itest_remove_dir(store);
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

	shield_start(0, NULL);
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

	shield_start(0, NULL);
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
shield_noop(void)
{
}

static void
shield_teardown(void)
{
	itest_teardown();
}

static Suite *
itest_shield_suite(void)
{
	Suite *s = suite_create("itest_shield");
	TCase *tc = itest_tcase_with("shield", shield_noop, shield_teardown);

	tcase_add_test(tc, test_flood_cap);
	tcase_add_test(tc, test_flood_emfile);
	tcase_add_test(tc, test_flood_sigterm);
	tcase_add_test(tc, test_per_address);
	tcase_add_test(tc, test_slow_request);
	tcase_add_test(tc, test_throttle_burst);
	tcase_add_test(tc, test_rotating_flood);
	tcase_add_test(tc, test_trusted_proxy);
	tcase_add_test(tc, test_unknown_user_audit);
	tcase_add_test(tc, test_password_rules);
	tcase_add_test(tc, test_tls);
	tcase_add_test(tc, test_card_lookups);
	tcase_add_test(tc, test_sessions);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_shield_suite());
}
