/*
 * pos_itest.c: see pos_itest.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "drivers.h"
#include "pos_itest.h"
#include "usbemu.h"

void
pos_itest_serve(struct pos_itest *t)
{
	char out[700], listen[64], buf[4096];
	double t0 = itest_now();
	pid_t pid;
	int fd, st;
	ssize_t n;

	snprintf(out, sizeof(out), "%s/server.out", t->srv.dir);
	snprintf(listen, sizeof(listen), "127.0.0.1:%d", t->srv.port);
	unlink(out);
	pid = fork();
	ck_assert_msg(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
			_exit(126);
		dup2(fd, 1);
		snprintf(buf, sizeof(buf), "%s/server.log", t->srv.dir);
		if ((fd = open(buf, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0)
			dup2(fd, 2);
		execl(itest_bin(), itest_bin(), "serve", "--db", t->srv.db,
		    "--listen", listen, (char *)NULL);
		_exit(127);
	}
	t->srv.pid = pid;
	for (;;) {
		char *p;

		buf[0] = '\0';
		if ((fd = open(out, O_RDONLY)) >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			close(fd);
		}
		if ((p = strstr(buf, "listening on http://")) != NULL &&
		    strchr(p, '\n') != NULL) {
			ck_assert(sscanf(p + 20, "%63[^:]:%d", t->srv.host,
			              &t->srv.port) == 2);
			return;
		}
		ck_assert_msg(waitpid(pid, &st, WNOHANG) == 0,
		    "server exited before listening on %s", listen);
		ck_assert_msg(itest_now() - t0 < 10, "server did not start");
		usleep(10000);
	}
}

void
pos_itest_kill(struct pos_itest *t)
{
	int st;

	if (t->srv.pid <= 0)
		return;
	kill(t->srv.pid, SIGKILL);
	waitpid(t->srv.pid, &st, 0);
	t->srv.pid = 0;
}

void
pos_itest_household(struct pos_itest *t, const char *cat, char *card)
{
	static unsigned serial;
	char d17[18];
	int st;

	serial++;
	snprintf(card, 32, "TC%05u%04u", (unsigned)getpid() % 100000, serial);
	snprintf(d17, sizeof(d17), "31010119800101%03u",
	    ((unsigned)getpid() * 7 + serial) % 1000);
	itest_req(&t->srv, "POST", "/api/v1/households", t->manager,
	    itest_f("{'card_code':'%s','head_name':'王小红','id_number':"
	            "'%s%c','members':2,'category':'%s','street':'test',"
	            "'valid_from':'%s','valid_to':'%s'}",
	        card, d17, itest_idnum_check(d17), cat, itest_date(-30),
	        itest_date(365)),
	    &st);
	ck_assert_int_eq(st, 201);
	itest_req(&t->srv, "PUT", itest_f("/api/v1/policies/%s", cat),
	    t->manager,
	    "{'monthly_points':200,'per_member_points':0,'carry_over':false}",
	    &st);
	ck_assert_int_eq(st, 200);
	itest_req(&t->srv, "POST", "/api/v1/grants/monthly", t->manager,
	    itest_f("{'period':'%.7s'}", itest_date(0)), &st);
	ck_assert_int_eq(st, 200);
}

void
pos_itest_store(struct pos_itest *t)
{
	const char *base = getenv("ITEST_TMPDIR");
	const char *argv[] = {"demo", "--db", NULL, NULL};
	const char *out;
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->srv.dir, sizeof(t->srv.dir), "%s/pos.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert(mkdtemp(t->srv.dir) != NULL);
	snprintf(t->srv.db, sizeof(t->srv.db), "%s/s.db", t->srv.dir);
	snprintf(t->journal, sizeof(t->journal), "%s/j.db", t->srv.dir);
	argv[2] = t->srv.db;
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "demo: %s", out);
	pos_itest_serve(t);
	t->manager = itest_login(&t->srv, "manager", "manager-demo");
	pos_itest_household(t, "dibao", t->card);
}

void
pos_itest_store_paper(struct pos_itest *t)
{
	FILE *f;

	pos_itest_store(t);
	snprintf(t->paper, sizeof(t->paper), "file:%s/paper", t->srv.dir);
	f = fopen(t->paper + 5, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
}

struct pos_itest pos_itest_till;

static void
pos_itest_paper_setup(void)
{
	pos_itest_store_paper(&pos_itest_till);
}

static void
pos_itest_paper_teardown(void)
{
	pos_itest_done(&pos_itest_till);
}

TCase *
pos_itest_paper_tcase(const char *name)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(
	    tc, pos_itest_paper_setup, pos_itest_paper_teardown);
	tcase_set_timeout(tc, 60);
	return tc;
}

void
pos_itest_start_paper(struct pos_itest *t)
{
	const char *args[] = {"--scanner", "none", "--printer", t->paper,
	    "--probe", "600000", NULL};

	pos_itest_start(t, args);
}

void
pos_itest_store_usb(struct pos_itest *t, int scanner)
{
	struct usbemu *emu = usbemu_new();
	struct usbemu_dev *prn, *scn = NULL;

	ck_assert_ptr_nonnull(emu);
	prn = usbemu_add(emu, USBEMU_PRINTER58, 2);
	if (scanner)
		scn = usbemu_add(emu, USBEMU_HIDPOS, 3);
	usbemu_set_status(prn, 0x12, 0x12, 0x12);
	pos_itest_store(t);
	t->emu = emu;
	t->prn = prn;
	t->scn = scn;
}

void
pos_itest_start(struct pos_itest *t, const char *const *args)
{
	const char *argv[32];
	int in[2], out[2];
	size_t n = 0;
	char url[128];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d", t->srv.port);
	argv[n++] = itest_pos_bin();
	argv[n++] = "--server";
	argv[n++] = url;
	argv[n++] = "--till";
	argv[n++] = "T1";
	argv[n++] = "--journal";
	argv[n++] = t->journal;
	argv[n++] = "--script";
	argv[n++] = "-";
	while (args != NULL && *args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	/* CLOEXEC: a server forked later must not hold the pos's stdin. */
	ck_assert(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0);
	t->pos = fork();
	ck_assert(t->pos >= 0);
	if (t->pos == 0) {
		char log[700];
		int fd;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in[0], 0);
		dup2(out[1], 1);
		snprintf(log, sizeof(log), "%s/pos.log", t->srv.dir);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600)) >= 0)
			dup2(fd, 2);
		close(in[1]);
		close(out[0]);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	t->to = fdopen(in[1], "w");
	t->from = fdopen(out[0], "r");
	ck_assert(t->to != NULL && t->from != NULL);
}

cJSON *
pos_itest_cmd(struct pos_itest *t, const char *fmt, ...)
{
	struct pollfd p = {fileno(t->from), POLLIN, 0};
	static char line[1 << 16];
	va_list ap;

	va_start(ap, fmt);
	vfprintf(t->to, fmt, ap);
	va_end(ap);
	fputc('\n', t->to);
	fflush(t->to);
	ck_assert_msg(poll(&p, 1, 15000) == 1, "cishan-pos did not answer");
	ck_assert_msg(fgets(line, sizeof(line), t->from) != NULL,
	    "cishan-pos closed its output (see %s/pos.log)", t->srv.dir);
	cJSON_Delete(t->last);
	t->last = cJSON_Parse(line);
	ck_assert_msg(t->last != NULL, "not JSON: %s", line);
	return t->last;
}

cJSON *
pos_itest_until(struct pos_itest *t, int (*pred)(const cJSON *), double secs)
{
	double t0 = itest_now();
	cJSON *s;

	do
		s = pos_itest_cmd(t, "wait 50");
	while (!pred(s) && itest_now() - t0 < secs);
	return s;
}

int
pos_itest_end(struct pos_itest *t)
{
	int st = -1;

	if (t->to != NULL)
		fclose(t->to);
	t->to = NULL;
	if (t->pos > 0 && waitpid(t->pos, &st, 0) == t->pos)
		st = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	t->pos = 0;
	if (t->from != NULL)
		fclose(t->from);
	t->from = NULL;
	return st;
}

void
pos_itest_done(struct pos_itest *t)
{
	if (t->pos > 0) {
		kill(t->pos, SIGKILL);
		pos_itest_end(t);
	}
	pos_itest_kill(t);
	cJSON_Delete(t->last);
	t->last = NULL;
	itest_teardown(); /* frees what itest_* calls kept */
	if (t->emu != NULL)
		usbemu_free(t->emu);
	t->emu = NULL;
}

int
pos_itest_msg(const cJSON *s, const char *code)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "messages"))
	{
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(m, "code");

		if (cJSON_IsString(c) && strcmp(c->valuestring, code) == 0)
			return 1;
	}
	return 0;
}

int
pos_itest_count(struct pos_itest *t)
{
	cJSON *j;
	int st;

	j = itest_req(&t->srv, "GET", "/api/v1/distributions?till_id=T1",
	    t->manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items"));
}

const char *
pos_itest_str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double
pos_itest_num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(cJSON_IsNumber(v), "no number %s", k);
	return v->valuedouble;
}

int
pos_itest_nothing_pending(const cJSON *s)
{
	return pos_itest_num(s, "pending") == 0;
}

int
pos_itest_queue_empty(const cJSON *s)
{
	return pos_itest_num(s, "print_queue") == 0;
}

int
pos_itest_shows(const uint8_t *b, size_t n, const char *utf8)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	const uint8_t *w;
	size_t wn;
	int r;

	escpos_text(e, utf8);
	w = escpos_bytes(e, &wn);
	r = memmem(b, n, w, wn) != NULL;
	escpos_free(e);
	return r;
}
