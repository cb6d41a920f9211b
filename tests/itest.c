/*
 * itest: start the real cishan-server on a fresh database and speak
 * HTTP/1.1 to it over a plain TCP socket. See itest.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_START_SECS 10.0
#define ITEST_STOP_SECS  5.0
#define ITEST_IO_SECS    30
#define ITEST_MAX_REPLY  (64u << 20)

struct itest_srv *itest_s;
const char *itest_admin;

/* Everything the harness hands out, freed at teardown. */
enum itest_kind { ITEST_MEM, ITEST_JSON };
struct itest_owned {
	enum itest_kind kind;
	void *p;
};
static struct itest_owned *itest_owned;
static size_t itest_nowned, itest_cowned;
static int itest_atexit_set;

static void
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

static void *
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
itest_uuid(void)
{
	unsigned char b[16];
	FILE *f;

	f = fopen("/dev/urandom", "rb");
	ck_assert_msg(f != NULL, "/dev/urandom: %s", strerror(errno));
	ck_assert(fread(b, 1, sizeof b, f) == sizeof b);
	fclose(f);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return itest_f("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	               "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

const char *
itest_date(int days)
{
	time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return itest_f("%s", buf);
}

const char *
itest_bin(void)
{
	const char *b = getenv("CISHAN_SERVER");

	return (b != NULL && *b != '\0') ? b : "build/cishan-server";
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

void
itest_new_day(struct itest_srv *s)
{
	int rc = system(itest_f("sqlite3 -cmd '.timeout 5000' %s "
	                        "\"DELETE FROM asof\"",
	    s->db));

	ck_assert_msg(rc == 0, "sqlite3 on %s: status %d", s->db, rc);
}

/* Read a whole small file into a harness string ("" if missing). */
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

/* Run the binary with ARGV; stdout+stderr to OUTFILE. Exit status or -1. */
static int
itest_spawn_wait(
    const char *const *argv, const char *outfile, const char *env_pass)
{
	const char *args[16];
	size_t n;
	pid_t pid;
	int st, fd;

	args[0] = itest_bin();
	for (n = 0; argv[n] != NULL && n < 14; n++)
		args[n + 1] = argv[n];
	args[n + 1] = NULL;

	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
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
	struct itest_srv *s;
	const char *base = getenv("ITEST_TMPDIR");
	char path[700], *out, *p;
	double t0;
	pid_t pid;
	int fd, st;

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
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		close(fd);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 2);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		execl(itest_bin(), itest_bin(), "serve", "--db", s->db,
		    "--listen", "127.0.0.1:0", opt, val, (char *)NULL);
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
		p = strstr(out, "listening on http://");
		if (p != NULL && strchr(p, '\n') != NULL) {
			p += strlen("listening on http://");
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
itest_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, itest_setup, itest_teardown);
	tcase_set_timeout(tc, 90);
	return tc;
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

static int
itest_send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Decode a chunked body in place; its length or -1. */
static long
itest_unchunk(char *b, size_t n)
{
	size_t in = 0, out = 0;
	unsigned long sz;
	char *end;

	for (;;) {
		if (in >= n)
			return -1;
		errno = 0;
		sz = strtoul(b + in, &end, 16);
		if (end == b + in || errno != 0)
			return -1;
		end = strstr(end, "\r\n");
		if (end == NULL)
			return -1;
		in = (size_t)(end - b) + 2;
		if (sz == 0)
			break;
		if (sz > n - in)
			return -1;
		memmove(b + out, b + in, sz);
		out += sz;
		in += sz + 2;
	}
	b[out] = '\0';
	return (long)out;
}

int
itest_http(struct itest_srv *s, const char *method, const char *path,
    const char *token, const char *content_type, const char *extra,
    const char *body, size_t len, struct itest_reply *r)
{
	struct sockaddr_in sin;
	struct timeval tv = {ITEST_IO_SECS, 0};
	char *head = NULL, *buf = NULL, *hend, *p;
	size_t n = 0, cap = 65536;
	ssize_t got;
	double t0 = itest_now();
	int fd, rc = -1, hn;
	long clen = -1;

	memset(r, 0, sizeof *r);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->port);
	if (inet_pton(AF_INET, s->host, &sin.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) < 0)
		goto out;

	hn = asprintf(&head,
	    "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
	    "%s%s%s%s%s%s%s%s",
	    method, path, s->host, s->port,
	    token ? "Authorization: Bearer " : "", token ? token : "",
	    token ? "\r\n" : "", content_type ? "Content-Type: " : "",
	    content_type ? content_type : "", content_type ? "\r\n" : "",
	    extra ? extra : "", "");
	if (hn < 0) {
		head = NULL;
		goto out;
	}
	if (itest_send_all(fd, head, strlen(head)) < 0)
		goto out;
	if (body != NULL) {
		char cl[64];

		snprintf(cl, sizeof cl, "Content-Length: %zu\r\n\r\n", len);
		if (itest_send_all(fd, cl, strlen(cl)) < 0)
			goto out;
		/* The server may answer (413) and close before it reads all. */
		(void)itest_send_all(fd, body, len);
	} else if (itest_send_all(fd, "\r\n", 2) < 0)
		goto out;

	buf = malloc(cap);
	if (buf == NULL)
		goto out;
	for (;;) {
		if (cap - n < 4096) {
			char *nb;

			if (cap >= ITEST_MAX_REPLY)
				goto out;
			nb = realloc(buf, cap * 2);
			if (nb == NULL)
				goto out;
			buf = nb;
			cap *= 2;
		}
		got = recv(fd, buf + n, cap - n - 1, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break; /* EOF, or reset after a complete reply */
		n += (size_t)got;
	}
	buf[n] = '\0';
	hend = strstr(buf, "\r\n\r\n");
	if (hend == NULL || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1)
		goto out;
	*hend = '\0';
	r->headers = strdup(buf);
	if (r->headers == NULL)
		goto out;
	for (p = r->headers; *p != '\0'; p++) {
		/* Lower-case each header name (up to its colon). */
		if (p == r->headers || p[-1] == '\n') {
			for (; *p != '\0' && *p != ':' && *p != '\n'; p++)
				*p = (char)tolower((unsigned char)*p);
			if (*p == '\0')
				break;
		}
	}
	n -= (size_t)(hend + 4 - buf);
	memmove(buf, hend + 4, n + 1);
	if ((p = strstr(r->headers, "\ncontent-length:")) != NULL)
		clen = strtol(p + 16, NULL, 10);
	if ((p = strstr(r->headers, "\ntransfer-encoding:")) != NULL &&
	    strstr(p, "chunked") != NULL) {
		long m = itest_unchunk(buf, n);

		if (m < 0)
			goto out;
		n = (size_t)m;
	} else if (clen >= 0) {
		if ((size_t)clen > n)
			goto out; /* short body */
		n = (size_t)clen;
		buf[n] = '\0';
	}
	r->body = buf;
	r->len = n;
	buf = NULL;
	rc = 0;
out:
	r->secs = itest_now() - t0;
	if (rc != 0) {
		free(r->headers);
		r->headers = NULL;
	}
	free(buf);
	free(head);
	close(fd);
	return rc;
}

struct itest_reply *
itest_raw(struct itest_srv *s, const char *method, const char *path,
    const char *token, const char *content_type, const char *body, size_t len)
{
	struct itest_reply *r = itest_xmalloc(sizeof *r);

	itest_own(ITEST_MEM, r);
	ck_assert_msg(itest_http(s, method, path, token, content_type, NULL,
	                  body, len, r) == 0,
	    "%s %s: no valid HTTP reply from the server", method, path);
	itest_own(ITEST_MEM, r->body);
	itest_own(ITEST_MEM, r->headers);
	return r;
}

cJSON *
itest_req(struct itest_srv *s, const char *method, const char *path,
    const char *token, const char *body, int *status)
{
	struct itest_reply *r;
	char *b = NULL, *p;
	cJSON *j;

	if (body != NULL) {
		b = itest_f("%s", body);
		for (p = b; *p != '\0'; p++)
			if (*p == '\'')
				*p = '"';
	}
	r = itest_raw(s, method, path, token,
	    b != NULL ? "application/json" : NULL, b, b ? strlen(b) : 0);
	*status = r->status;
	j = cJSON_ParseWithLength(r->body, r->len);
	itest_own(ITEST_JSON, j);
	return j;
}

cJSON *
itest_ok(const char *method, const char *path, const char *token,
    const char *body, int want)
{
	int st;
	cJSON *j = itest_req(itest_s, method, path, token, body, &st);

	ck_assert_msg(st == want, "%s %s: status %d, want %d; body %s", method,
	    path, st, want, itest_print(j));
	ck_assert_msg(j != NULL, "%s %s: reply is not JSON", method, path);
	return j;
}

const char *
itest_text(const cJSON *j)
{
	char *t;

	if (j == NULL)
		return "(no JSON)";
	t = cJSON_PrintUnformatted(j);
	ck_assert_msg(t != NULL, "out of memory");
	itest_own(ITEST_MEM, t);
	return t;
}

const char *
itest_print(const cJSON *j)
{
	const char *t = itest_text(j);

	/* Check carries failure messages of a few KiB at most. */
	if (strlen(t) > 1500)
		return itest_f("%.1500s...(%zu bytes)", t, strlen(t));
	return t;
}

const char *
itest_login(struct itest_srv *s, const char *user, const char *pass)
{
	int st;
	cJSON *j;

	j = itest_req(s, "POST", "/api/v1/sessions", NULL,
	    itest_f("{'username':'%s','password':'%s'}", user, pass), &st);
	ck_assert_msg(st == 201, "log-in %s: status %d, body %s", user, st,
	    itest_print(j));
	return itest_str(j, "token");
}

const char *
itest_user(struct itest_srv *s, const char *name, const char *role)
{
	int st;
	cJSON *j;

	j = itest_req(s, "POST", "/api/v1/users", itest_admin,
	    itest_f("{'username':'%s','password':'%s','role':'%s',"
	            "'display_name':'%s user'}",
	        name, ITEST_USER_PASS, role, role),
	    &st);
	ck_assert_msg(st == 201, "create user %s (%s): status %d, body %s",
	    name, role, st, itest_print(j));
	return itest_login(s, name, ITEST_USER_PASS);
}

/* CODE is one code or alternatives "bad_json|bad_field". */
static int
itest_code_is(const char *got, const char *code)
{
	size_t n = strlen(got);
	const char *p = code;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, got, n) == 0 && (p[n] == '\0' || p[n] == '|'))
			return 1;
		p = strchr(p, '|');
		if (p != NULL)
			p++;
	}
	return 0;
}

/* "quantity" names "quantity", "lines[0].quantity", "line.quantity";
 * "barcodes" names "barcodes" and "barcodes[1]". */
static int
itest_field_is(const char *got, const char *want)
{
	size_t gl = strlen(got), wl = strlen(want);

	if (strcmp(got, want) == 0)
		return 1;
	if (gl > wl && strcmp(got + gl - wl, want) == 0 &&
	    (got[gl - wl - 1] == '.' || got[gl - wl - 1] == ']'))
		return 1;
	return gl > wl && strncmp(got, want, wl) == 0 && got[wl] == '[';
}

void
itest_assert_error(
    cJSON *j, int status, int want, const char *code, const char *field)
{
	const cJSON *e, *c, *m, *d, *f;

	ck_assert_msg(status == want, "status %d, want %d (%s); body %s",
	    status, want, code, itest_print(j));
	ck_assert_msg(j != NULL, "error reply (%d) is not JSON", status);
	e = cJSON_GetObjectItemCaseSensitive(j, "error");
	c = cJSON_GetObjectItemCaseSensitive(e, "code");
	m = cJSON_GetObjectItemCaseSensitive(e, "message");
	d = cJSON_GetObjectItemCaseSensitive(e, "details");
	ck_assert_msg(cJSON_IsObject(e) && cJSON_IsString(c) &&
	        cJSON_IsString(m) && cJSON_IsObject(d),
	    "not the error shape {error:{code,message,details}}: %s",
	    itest_print(j));
	ck_assert_msg(code == NULL || itest_code_is(c->valuestring, code),
	    "error code '%s', want '%s'; body %s", c->valuestring, code,
	    itest_print(j));
	if (field == NULL)
		return;
	f = cJSON_GetObjectItemCaseSensitive(d, "field");
	ck_assert_msg(cJSON_IsString(f), "details.field missing, want '%s': %s",
	    field, itest_print(j));
	ck_assert_msg(itest_field_is(f->valuestring, field),
	    "details.field '%s', want '%s'", f->valuestring, field);
}

int64_t
itest_int(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(
	    cJSON_IsNumber(v), "no integer '%s' in %s", k, itest_print(o));
	ck_assert_msg(v->valuedouble >= -9223372036854775808.0 &&
	        v->valuedouble < 9223372036854775808.0,
	    "'%s' = %.17g is outside int64 in %s", k, v->valuedouble,
	    itest_print(o));
	ck_assert_msg(v->valuedouble == (double)(int64_t)v->valuedouble,
	    "'%s' is not an integer in %s", k, itest_print(o));
	return (int64_t)v->valuedouble;
}

const char *
itest_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(
	    cJSON_IsString(v), "no string '%s' in %s", k, itest_print(o));
	return v->valuestring;
}

cJSON *
itest_arr(const cJSON *o, const char *k)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(
	    cJSON_IsArray(v), "no array '%s' in %s", k, itest_print(o));
	return v;
}

cJSON *
itest_items(const cJSON *list)
{
	const cJSON *next = cJSON_GetObjectItemCaseSensitive(list, "next");

	ck_assert_msg(
	    next != NULL && (cJSON_IsNull(next) || cJSON_IsString(next)),
	    "list without 'next' (null or cursor): %s", itest_print(list));
	return itest_arr(list, "items");
}

cJSON *
itest_find(const cJSON *arr, const char *k, int64_t v)
{
	cJSON *e;

	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, k);

		if (cJSON_IsNumber(x) && (int64_t)x->valuedouble == v)
			return e;
	}
	return NULL;
}

/* Households, goods and points. */

char
itest_idnum_check(const char *digits)
{
	static const int w[17] = {
	    7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (digits[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

const char *
itest_idnum(unsigned seq)
{
	char d[24];

	/* Area code and sequence vary; born 1980-01-01 + up to 27 days. */
	snprintf(d, sizeof d, "%06u198001%02u%03u", 310101 + seq / 27000,
	    1 + (seq / 1000) % 27, seq % 1000);
	return itest_f("%.17s%c", d, itest_idnum_check(d));
}

int64_t
itest_household(const char *card, const char *category, int members,
    int valid_from_days, int valid_to_days)
{
	static unsigned seq;
	cJSON *j;

	seq += 7;
	j = itest_ok("POST", "/api/v1/households", itest_admin,
	    itest_f("{'card_code':'%s','head_name':'王建国','id_number':'%s',"
	            "'members':%d,'category':'%s','street':'梅陇镇',"
	            "'valid_from':'%s','valid_to':'%s'}",
	        card, itest_idnum(seq), members, category,
	        itest_date(valid_from_days), itest_date(valid_to_days)),
	    201);
	return itest_int(j, "id");
}

int64_t
itest_item(const char *name, const char *barcode, int64_t points, int64_t limit,
    int priority_only)
{
	cJSON *j = itest_ok("POST", "/api/v1/items", itest_admin,
	    itest_f("{'name':'%s','category':'grain','unit':'袋',"
	            "'barcodes':['%s'],'unit_value_fen':%lld,'points':%lld"
	            "%s%s}",
	        name, barcode, (long long)points * 100, (long long)points,
	        limit > 0 ? itest_f(",'monthly_limit':%lld", (long long)limit)
	                  : "",
	        priority_only ? ",'priority_only':true" : ""),
	    201);

	return itest_int(j, "id");
}

int64_t
itest_lot(int64_t item, int64_t qty, const char *expires)
{
	static struct itest_srv *donor_srv;
	static int64_t donor;
	cJSON *j;

	if (donor_srv != itest_s) {
		j = itest_ok("POST", "/api/v1/donors", itest_admin,
		    "{'name':'itest donor','kind':'enterprise'}", 201);
		donor = itest_int(j, "id");
		donor_srv = itest_s;
	}
	j = itest_ok("POST", "/api/v1/donations", itest_admin,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'channel':'walk_in','lines':[{'item_id':%lld,"
	            "'quantity':%lld%s%s%s}]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)item,
	        (long long)qty, expires ? ",'expires_on':'" : "",
	        expires ? expires : "", expires ? "'" : ""),
	    201);
	return itest_int(
	    cJSON_GetArrayItem(itest_arr(j, "lines"), 0), "lot_id");
}

void
itest_policy(
    const char *category, int64_t monthly, int64_t per_member, int carry)
{
	itest_ok("PUT", itest_f("/api/v1/policies/%s", category), itest_admin,
	    itest_f("{'monthly_points':%lld,'per_member_points':%lld,"
	            "'carry_over':%s}",
	        (long long)monthly, (long long)per_member,
	        carry ? "true" : "false"),
	    200);
}

void
itest_grant(int64_t household, int64_t points)
{
	itest_ok("POST", "/api/v1/grants", itest_admin,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':%lld,"
	            "'reason':'itest'}",
	        itest_uuid(), (long long)household, (long long)points),
	    201);
}

int64_t
itest_hh_points(int64_t household)
{
	return itest_int(
	    itest_ok("GET",
	        itest_f("/api/v1/households/%lld", (long long)household),
	        itest_admin, NULL, 200),
	    "points");
}

int64_t
itest_lot_on_hand(int64_t item, int64_t lot)
{
	cJSON *j =
	    itest_ok("GET", "/api/v1/stock?limit=500", itest_admin, NULL, 200);
	cJSON *e = itest_find(itest_items(j), "item_id", item), *l;

	ck_assert_msg(e != NULL, "item %lld not in the stock list: %s",
	    (long long)item, itest_print(j));
	l = itest_find(itest_arr(e, "lots"), "lot_id", lot);
	/* A lot emptied to 0 may be left out of the review. */
	return l == NULL ? 0 : itest_int(l, "on_hand");
}

const char *
itest_period(int months)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	int m;

	gmtime_r(&t, &tm);
	m = tm.tm_year * 12 + tm.tm_mon + months;
	return itest_f("%04d-%02d", 1900 + m / 12, m % 12 + 1);
}

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

/* Demo stores (itest_funds, itest_notices, itest_page). */

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
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, itest_demo_setup, itest_demo_teardown);
	tcase_set_timeout(tc, 90);
	return tc;
}
