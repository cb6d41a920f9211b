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
#include <unistd.h>

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
		        NULL, 0, &r) == 0)
			return r.status;
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

	shield_start(64, extra);
	keep = shield_connect(NULL, 0);
	ck_assert_int_ge(keep, 0);
	ck_assert_int_eq(shield_keepalive_get(keep), 200);
	for (k = 0; k < SHIELD_FLOOD; k++)
		fl[k] = shield_connect(NULL, 1);
	sleep(2);
	for (k = 0; k < SHIELD_FLOOD; k++)
		if (fl[k] >= 0 && shield_closed(fl[k], 0))
			closed++;
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

	shield_start(64, extra);
	for (k = 0; k < SHIELD_FLOOD; k++)
		fl[k] = shield_connect(NULL, 1);
	sleep(1);
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

	shield_start(0, NULL);
	for (k = 0; k < 40; k++) {
		fl[k] = shield_connect("127.0.0.1", 0);
		ck_assert_int_ge(fl[k], 0);
	}
	sleep(1);
	for (k = 0; k < 40; k++)
		if (shield_closed(fl[k], 0)) {
			ck_assert_msg(k >= 32, "connection %d of 40 closed", k);
			closed++;
		}
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
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_shield_suite());
}
