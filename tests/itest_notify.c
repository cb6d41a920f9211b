/*
 * itest_notify: systemd's readiness (Type=notify, server/notify.c). The
 * test binds the datagram socket systemd would, names it in NOTIFY_SOCKET
 * and starts the real server: READY=1 comes once, when /healthz already
 * answers; STOPPING=1 on SIGTERM; an abstract-namespace name ('@') works;
 * a socket that cannot be reached is logged and the server serves anyway.
 */
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

static int notify_fd = -1;
static char notify_dir[600];

/* Binds NAME (a path, or '@' for the abstract namespace) and names it in
 * NOTIFY_SOCKET, as systemd does for a Type=notify unit. */
static void
notify_bind(const char *name)
{
	struct sockaddr_un sa;
	struct timeval tv = {30, 0}; /* a hang guard, not a timing */
	size_t n = strlen(name);
	socklen_t len;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	ck_assert_uint_lt(n, sizeof(sa.sun_path));
	memcpy(sa.sun_path, name, n);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(notify_fd, 0);
	ck_assert_msg(bind(notify_fd, (struct sockaddr *)&sa, len) == 0,
	    "bind %s: %s", name, strerror(errno));
	ck_assert_int_eq(
	    setsockopt(notify_fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
}

/* The next datagram, harness-owned; NULL if none within the guard. */
static const char *
notify_recv(int flags)
{
	char buf[1024];
	ssize_t n = recv(notify_fd, buf, sizeof(buf) - 1, flags);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return itest_f("%s", buf);
}

static void
notify_setup_path(void)
{
	const char *base = getenv("ITEST_TMPDIR");
	char abs[PATH_MAX];

	snprintf(notify_dir, sizeof(notify_dir), "%s/notify.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert(mkdtemp(notify_dir) != NULL);
	/* NOTIFY_SOCKET is absolute; ITEST_TMPDIR may not be. */
	ck_assert(realpath(notify_dir, abs) != NULL);
	notify_bind(itest_f("%s/notify.sock", abs));
	itest_setup();
}

static void
notify_setup_abstract(void)
{
	notify_dir[0] = '\0';
	notify_bind(itest_f("@cishan-itest-notify-%ld", (long)getpid()));
	itest_setup();
}

static void
notify_teardown(void)
{
	itest_teardown();
	if (notify_fd >= 0)
		close(notify_fd);
	notify_fd = -1;
	if (notify_dir[0] != '\0')
		itest_remove_dir(notify_dir);
	unsetenv("NOTIFY_SOCKET");
}

/* READY=1 and the URL it listens on, once; /healthz answers by then. */
static void
notify_assert_ready(void)
{
	const char *m = notify_recv(0);
	int st;

	ck_assert_msg(m != NULL, "no datagram on NOTIFY_SOCKET");
	ck_assert_str_eq(m,
	    itest_f("READY=1\nSTATUS=listening on http://127.0.0.1:%d",
	        itest_s->port));
	itest_req(itest_s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	/* Nothing more while it serves. */
	ck_assert_ptr_null(notify_recv(MSG_DONTWAIT));
}

START_TEST(t_ready_path)
{
	notify_assert_ready();
}
END_TEST

START_TEST(t_ready_abstract)
{
	notify_assert_ready();
}
END_TEST

START_TEST(t_stopping)
{
	const char *m;

	notify_assert_ready();
	itest_stop(itest_s); /* asserts exit 0 */
	m = notify_recv(0);
	ck_assert_msg(m != NULL, "no STOPPING datagram");
	ck_assert_str_eq(m, "STOPPING=1\nSTATUS=finishing requests in flight");
	ck_assert_ptr_null(notify_recv(MSG_DONTWAIT));
}
END_TEST

/* No listener at the name: logged, and the server serves as without. */
START_TEST(t_unreachable)
{
	struct itest_srv *s;
	const char *log;
	int st;

	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1), 0);
	s = itest_start(NULL);
	itest_req(s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	s->own_dir = 0;
	itest_stop(s);
	log = itest_slurp(itest_f("%s/server.log", s->dir));
	ck_assert_msg(strstr(log,
	                  "NOTIFY_SOCKET /nonexistent/notify: not "
	                  "notified") != NULL,
	    "log: %s", log);
	itest_remove_dir(s->dir);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("notify");
	TCase *p = itest_tcase_with("path", notify_setup_path, notify_teardown);
	TCase *a = itest_tcase_with(
	    "abstract", notify_setup_abstract, notify_teardown);
	TCase *u = tcase_create("unreachable");

	tcase_add_test(p, t_ready_path);
	tcase_add_test(p, t_stopping);
	tcase_add_test(a, t_ready_abstract);
	tcase_set_timeout(u, 90);
	tcase_add_test(u, t_unreachable);
	suite_add_tcase(s, p);
	suite_add_tcase(s, a);
	suite_add_tcase(s, u);
	return itest_run(s);
}
