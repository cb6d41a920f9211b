/*
 * itest_proc: the life of a test's server. Start the real cishan-server on
 * a fresh database (port 0, the port read from its "listening on" line),
 * stop it and assert it exits 0, run its other commands (init, verify,
 * demo); and the memory the harness hands out, freed at teardown.
 * See itest.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_START_SECS 10.0
#define ITEST_STOP_SECS  5.0

struct itest_srv *itest_s;
const char *itest_admin;

/* Everything the harness hands out, freed at teardown. */
struct itest_owned {
	enum itest_kind kind;
	void *p;
};
static struct itest_owned *itest_owned;
static size_t itest_nowned, itest_cowned;
static int itest_atexit_set;

void
itest_own(enum itest_kind kind, void *p)
{
	struct itest_owned *n;

	if (p == NULL)
		return;
	if (itest_nowned == itest_cowned) {
		itest_cowned = itest_cowned ? itest_cowned * 2 : 64;
		n = realloc(itest_owned, itest_cowned * sizeof *n);
		ck_assert_msg(n != NULL, "out of memory");
		itest_owned = n;
	}
	itest_owned[itest_nowned].kind = kind;
	itest_owned[itest_nowned].p = p;
	itest_nowned++;
}

static void
itest_release(void)
{
	size_t i;

	for (i = 0; i < itest_nowned; i++) {
		if (itest_owned[i].kind == ITEST_JSON)
			cJSON_Delete(itest_owned[i].p);
		else
			free(itest_owned[i].p);
	}
	free(itest_owned);
	itest_owned = NULL;
	itest_nowned = itest_cowned = 0;
}

void
itest_free(cJSON *j)
{
	size_t i;

	if (j == NULL)
		return;
	for (i = itest_nowned; i-- > 0;) {
		if (itest_owned[i].p == j) {
			itest_owned[i] = itest_owned[--itest_nowned];
			cJSON_Delete(j);
			return;
		}
	}
	ck_abort_msg("itest_free: not a harness object");
}

void *
itest_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	ck_assert_msg(p != NULL, "out of memory");
	return p;
}

char *
itest_f(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0, "out of memory");
	itest_own(ITEST_MEM, s);
	return s;
}

double
itest_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *
itest_bin(void)
{
	const char *b = getenv("CISHAN_SERVER");

	return (b != NULL && *b != '\0') ? b : "build/cishan-server";
}

const char *
itest_pos_bin(void)
{
	const char *p = getenv("CISHAN_POS"), *s = itest_bin(), *slash;

	if (p != NULL && *p != '\0')
		return p;
	slash = strrchr(s, '/');
	return itest_f(
	    "%.*scishan-pos", slash != NULL ? (int)(slash - s + 1) : 0, s);
}

static int
itest_rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
itest_rmdir(const char *dir)
{
	nftw(dir, itest_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

char *
itest_slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n = 0, cap = 4096, got;

	buf = itest_xmalloc(cap);
	if (f != NULL) {
		while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
			n += got;
			if (cap - n - 1 == 0) {
				char *nb = realloc(buf, cap * 2);
				ck_assert_msg(nb != NULL, "out of memory");
				buf = nb;
				cap *= 2;
			}
		}
		fclose(f);
	}
	buf[n] = '\0';
	itest_own(ITEST_MEM, buf);
	return buf;
}

int
itest_reopen(int to, const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	if (fd < 0)
		return -1;
	if (fd != to) {
		dup2(fd, to);
		close(fd);
	}
	return 0;
}

/* Run the binary with ARGV; stdout+stderr to OUTFILE. Exit status or -1. */
static int
itest_spawn_wait(
    const char *const *argv, const char *outfile, const char *env_pass)
{
	const char *args[16];
	size_t n;
	pid_t pid;
	int st;

	args[0] = itest_bin();
	for (n = 0; argv[n] != NULL && n < 14; n++)
		args[n + 1] = argv[n];
	args[n + 1] = NULL;

	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		if (itest_reopen(1, outfile, O_WRONLY | O_CREAT | O_TRUNC) < 0)
			_exit(126);
		dup2(1, 2);
		itest_reopen(0, "/dev/null", O_RDONLY);
		if (env_pass != NULL)
			setenv("CISHAN_ADMIN_PASSWORD", env_pass, 1);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	if (!WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int
itest_cmd(const char *const *argv, const char **out)
{
	char tmpl[600];
	const char *base = getenv("ITEST_TMPDIR");
	int fd, rc;

	snprintf(tmpl, sizeof tmpl, "%s/itest-cmd.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	fd = mkstemp(tmpl);
	ck_assert_msg(fd >= 0, "mkstemp %s: %s", tmpl, strerror(errno));
	close(fd);
	rc = itest_spawn_wait(argv, tmpl, NULL);
	if (out != NULL)
		*out = itest_slurp(tmpl);
	unlink(tmpl);
	return rc;
}

const char *
itest_verify(const char *db, int ok, const char *names)
{
	const char *argv[] = {"verify", "--db", db, NULL};
	const char *out;
	int rc;

	rc = itest_cmd(argv, &out);
	if (ok) {
		ck_assert_msg(rc == 0, "verify --db %s: exit %d, output:\n%s",
		    db, rc, out);
	} else {
		ck_assert_msg(
		    rc > 0, "verify --db %s: exit %d, want failure", db, rc);
		if (names != NULL)
			ck_assert_msg(strstr(out, names) != NULL,
			    "verify output does not name '%s':\n%s", names,
			    out);
	}
	return out;
}

static void
itest_atexit(void)
{
	struct itest_srv *s = itest_s;

	/* Only reached when a test ended early; keep the files to look at. */
	if (s != NULL && s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
		fprintf(stderr, "itest: kept %s (server.log)\n", s->dir);
	}
}

struct itest_srv *
itest_start(const char *db)
{
	return itest_start_with(db, NULL, NULL);
}

struct itest_srv *
itest_start_with(const char *db, const char *opt, const char *val)
{
	const char *extra[] = {opt, val, NULL};

	return itest_start_argv(db, 0, opt != NULL ? extra : NULL);
}

/* itest_start_bare: serve's options are the caller's alone. */
static int itest_bare;

struct itest_srv *
itest_start_bare(const char *db, const char *const *args)
{
	struct itest_srv *s;

	itest_bare = 1;
	s = itest_start_argv(db, 0, args);
	itest_bare = 0;
	return s;
}

struct itest_srv *
itest_start_argv(const char *db, int nofile, const char *const *extra)
{
	struct itest_srv *s;
	const char *base = getenv("ITEST_TMPDIR");
	char path[700], *out, *p;
	double t0;
	pid_t pid;
	int st;

	s = itest_xmalloc(sizeof *s);
	memset(s, 0, sizeof *s);
	itest_own(ITEST_MEM, s);
	snprintf(s->dir, sizeof s->dir, "%s/itest.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_msg(
	    mkdtemp(s->dir) != NULL, "mkdtemp %s: %s", s->dir, strerror(errno));
	s->own_dir = 1;
	if (db == NULL) {
		const char *argv[] = {
		    "init", "--db", s->db, "--admin", ITEST_ADMIN, NULL};
		int rc;

		snprintf(s->db, sizeof s->db, "%s/t.db", s->dir);
		snprintf(path, sizeof path, "%s/init.log", s->dir);
		rc = itest_spawn_wait(argv, path, ITEST_ADMIN_PASS);
		ck_assert_msg(rc == 0, "%s init: exit %d:\n%s", itest_bin(), rc,
		    itest_slurp(path));
	} else {
		snprintf(s->db, sizeof s->db, "%s", db);
	}

	snprintf(path, sizeof path, "%s/server.out", s->dir);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		char log[700];

		/* Die with the test process, however it ends. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(log, sizeof log, "%s/server.log", s->dir);
		if (itest_reopen(1, path, O_WRONLY | O_CREAT | O_TRUNC) < 0)
			_exit(126);
		itest_reopen(2, log, O_WRONLY | O_CREAT | O_APPEND);
		const char *args[32];
		struct rlimit rl;
		size_t n = 0, k;

		itest_reopen(0, "/dev/null", O_RDONLY);
		args[n++] = itest_bin();
		args[n++] = "serve";
		if (!itest_bare) {
			args[n++] = "--db";
			args[n++] = s->db;
			args[n++] = "--listen";
			args[n++] = "127.0.0.1:0";
		}
		for (k = 0; extra != NULL && extra[k] != NULL && n < 31; k++)
			args[n++] = extra[k];
		args[n] = NULL;
		/* A low open-file limit, as `ulimit -n` in the server's shell.
		 */
		if (nofile > 0) {
			rl.rlim_cur = rl.rlim_max = (rlim_t)nofile;
			if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
				_exit(125);
		}
		execv(itest_bin(), (char *const *)args);
		_exit(127);
	}
	s->pid = pid;
	if (!itest_atexit_set) {
		atexit(itest_atexit);
		itest_atexit_set = 1;
	}

	t0 = itest_now();
	for (;;) {
		out = itest_slurp(path);
		/* http:// or, with --tls-cert, https:// */
		p = strstr(out, "listening on http");
		if (p != NULL && strchr(p, '\n') != NULL &&
		    strstr(p, "://") != NULL) {
			p = strstr(p, "://") + 3;
			ck_assert_msg(
			    sscanf(p, "%63[^:]:%d", s->host, &s->port) == 2 &&
			        s->port > 0 && s->port < 65536,
			    "bad listening line: %s", out);
			break;
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			s->pid = 0;
			snprintf(path, sizeof path, "%s/server.log", s->dir);
			ck_abort_msg("server exited (status %d) before "
			             "listening; stdout:\n%s\nstderr:\n%s",
			    st, out, itest_slurp(path));
		}
		ck_assert_msg(itest_now() - t0 < ITEST_START_SECS,
		    "no 'listening on' line within %.0f s; stdout:\n%s",
		    ITEST_START_SECS, out);
		usleep(10000);
	}
	return s;
}

void
itest_stop(struct itest_srv *s)
{
	double t0;
	pid_t r;
	int st = 0;

	if (s == NULL || s->pid <= 0)
		return;
	ck_assert(kill(s->pid, SIGTERM) == 0);
	t0 = itest_now();
	while ((r = waitpid(s->pid, &st, WNOHANG)) == 0 &&
	    itest_now() - t0 < ITEST_STOP_SECS)
		usleep(10000);
	if (r == 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		s->pid = 0;
		ck_abort_msg("server did not exit within %.0f s of SIGTERM "
		             "(kept %s)",
		    ITEST_STOP_SECS, s->dir);
	}
	s->pid = 0;
	if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		fprintf(stderr, "itest: server stderr:\n%s\n",
		    itest_slurp(itest_f("%s/server.log", s->dir)));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "server did not exit 0 on SIGTERM (%s %d), kept %s",
	    WIFEXITED(st) ? "exit" : "signal",
	    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), s->dir);
	if (s->own_dir)
		itest_rmdir(s->dir);
}

void
itest_setup(void)
{
	itest_s = itest_start(NULL);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
}

void
itest_teardown(void)
{
	struct itest_srv *s = itest_s;

	if (s != NULL && s->pid > 0) {
		/* The server must still be up at the end of every test (unless
		 * the test stopped it itself). */
		int st;
		cJSON *j = itest_req(s, "GET", "/healthz", NULL, NULL, &st);

		ck_assert_msg(st == 200, "/healthz at teardown: %d", st);
		(void)j;
		itest_stop(s);
	}
	itest_s = NULL;
	itest_admin = NULL;
	itest_release();
}

TCase *
itest_tcase_with(const char *name, void (*setup)(void), void (*teardown)(void))
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 90);
	return tc;
}

TCase *
itest_tcase(const char *name)
{
	return itest_tcase_with(name, itest_setup, itest_teardown);
}

int
itest_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}

/* HTTP client. */
void
itest_kill(struct itest_srv *s)
{
	if (s == NULL || s->pid <= 0)
		return;
	kill(s->pid, SIGKILL);
	waitpid(s->pid, NULL, 0);
	s->pid = 0;
}

void
itest_remove_dir(const char *dir)
{
	itest_rmdir(dir);
}

int
itest_file_has(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	size_t n = strlen(needle), cap = 1 << 16, have = 0, got;
	char *buf;
	int found = 0;

	if (f == NULL || n == 0) {
		if (f != NULL)
			fclose(f);
		return 0;
	}
	buf = itest_xmalloc(cap + n);
	/* Read in blocks, keeping the last n-1 bytes for a match across. */
	while ((got = fread(buf + have, 1, cap, f)) > 0) {
		have += got;
		if (memmem(buf, have, needle, n) != NULL) {
			found = 1;
			break;
		}
		if (have >= n - 1) {
			memmove(buf, buf + have - (n - 1), n - 1);
			have = n - 1;
		}
	}
	fclose(f);
	free(buf);
	return found;
}

/* Demo stores (itest_privacy, itest_page). */

struct itest_srv *
itest_demo_start(void)
{
	const char *base = getenv("ITEST_TMPDIR");
	const char *argv[] = {"demo", "--db", NULL, NULL};
	const char *out;
	char dir[512];
	int rc;

	snprintf(dir, sizeof dir, "%s/itest-demo.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_msg(
	    mkdtemp(dir) != NULL, "mkdtemp %s: %s", dir, strerror(errno));
	argv[2] = itest_f("%s/demo.db", dir);
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "demo --db %s: exit %d:\n%s", argv[2], rc, out);
	return itest_start(argv[2]);
}

void
itest_demo_setup(void)
{
	itest_s = itest_demo_start();
	itest_admin = itest_login(itest_s, "admin", "admin-demo");
}

void
itest_demo_teardown(void)
{
	char dir[600], *p;

	dir[0] = '\0';
	if (itest_s != NULL)
		snprintf(dir, sizeof dir, "%s", itest_s->db);
	itest_teardown();
	/* The demo database's own directory (the server's logs are in
	 * another, removed by itest_stop). */
	if ((p = strrchr(dir, '/')) != NULL) {
		*p = '\0';
		itest_rmdir(dir);
	}
}

TCase *
itest_demo_tcase(const char *name)
{
	return itest_tcase_with(name, itest_demo_setup, itest_demo_teardown);
}
