/*
 * bench.c: make bench-pos.  Scan-to-screen latency: a scanned code until
 * its line is in the till's rendered state (app_scan -> look-up on the
 * server over loopback -> till -> state drawn), beside the bare HTTP
 * round trip of the same look-up.  Receipt bytes for 30 lines, beside
 * the same 30 lines sent through escpos without layout.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <event2/event.h>
#include <sodium.h>

#include "drivers.h"
#include "pos.h"

#define BENCH_SCANS 200

static int changed, answered;

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench_change(void *arg)
{
	(void)arg;
	changed++;
}

static void
bench_answer(const struct client_reply *r, void *arg)
{
	(void)r;
	(void)arg;
	answered++;
}

static void
bench_run(struct event_base *base, int *flag, int want)
{
	double t0 = bench_now();

	while (*flag < want && bench_now() - t0 < 5)
		event_base_loop(base, EVLOOP_ONCE);
}

/* Demo store on a free port; its pid, port in *port. */
static pid_t
bench_server(const char *bin, const char *dir, int *port)
{
	char db[600], out[700], cmd[1500], buf[512];
	pid_t pid;
	FILE *f;
	int i;

	snprintf(db, sizeof(db), "%s/bench.db", dir);
	snprintf(out, sizeof(out), "%s/server.out", dir);
	snprintf(cmd, sizeof(cmd), "%s demo --db %s >/dev/null 2>&1", bin, db);
	if (system(cmd) != 0)
		return -1;
	if ((pid = fork()) == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, 1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		execl(bin, bin, "serve", "--db", db, "--listen", "127.0.0.1:0",
		    (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500; i++) {
		usleep(10000);
		if ((f = fopen(out, "r")) == NULL)
			continue;
		buf[0] = '\0';
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    sscanf(buf, "listening on http://127.0.0.1:%d", port) ==
		        1) {
			fclose(f);
			return pid;
		}
		fclose(f);
	}
	kill(pid, SIGKILL);
	return -1;
}

static void
bench_receipt(void)
{
	static struct slip_line lines[30];
	const struct devices_profile *p = devices_profile("generic58");
	struct slip s;
	struct escpos *e = escpos_new(p);
	char names[30][64], pre[30][64];
	double t0, layout, plain;
	size_t len = 0, i;
	int k, rounds = 2000;

	for (i = 0; i < 30; i++) {
		snprintf(names[i], sizeof(names[i]), "捐赠物品第%zu号 500g", i);
		snprintf(pre[i], sizeof(pre[i]), "%-24s%8d", "item", (int)i);
		lines[i].name = names[i];
		lines[i].qty = 2;
		lines[i].points = 20;
	}
	memset(&s, 0, sizeof(s));
	s.store = "慈善超市";
	s.till = "T1";
	s.cashier = "cashier";
	s.receipt_no = "T1-000001";
	s.when = "2026-11-29 10:15:00";
	s.card = "TC000010001";
	s.lines = lines;
	s.nlines = 30;
	s.total = 600;
	t0 = bench_now();
	for (k = 0; k < rounds; k++) {
		slip_build(e, &s);
		escpos_bytes(e, &len);
	}
	layout = (bench_now() - t0) / rounds * 1e3;
	t0 = bench_now();
	for (k = 0; k < rounds; k++) {
		escpos_reset(e);
		for (i = 0; i < 30; i++)
			escpos_line(e, pre[i]);
	}
	plain = (bench_now() - t0) / rounds * 1e3;
	printf("pos receipt 30 lines: %.3f ms (%zu bytes)   baseline "
	       "escpos 30 plain lines: %.3f ms   target <= 1 ms\n",
	    layout, len, plain);
	escpos_free(e);
}

int
main(void)
{
	const char *bin = getenv("CISHAN_SERVER") ? getenv("CISHAN_SERVER")
	                                          : "build/cishan-server";
	static const char *const codes[] = {"6901234567014", "6901234567021",
	    "6901234567038", "6901234567045", "6901234567052", "6901234567069",
	    "6901234567076", "6901234567083", "6901234567120", "6901234567137",
	    "6901234567144", "6901234567151", "6901234567168"};
	size_t ncodes = sizeof(codes) / sizeof(codes[0]);
	double scan[BENCH_SCANS], http[BENCH_SCANS], t0;
	char dir[] = "/tmp/cishan-bench-pos.XXXXXX", url[64], jpath[700];
	struct app_opts o = {0};
	struct event_base *base;
	struct app *a;
	struct client *cl;
	char err[256], path[128], *st;
	int port = 0, i, n = 0, fails = 0;
	pid_t pid;

	bench_receipt();
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	if ((pid = bench_server(bin, dir, &port)) < 0) {
		fprintf(stderr, "bench-pos: cannot start %s\n", bin);
		return 1;
	}
	snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
	snprintf(jpath, sizeof(jpath), "%s/journal.db", dir);
	o.server = url;
	o.till_id = "B1";
	o.scanner = "keyboard";
	o.printer = "none";
	o.journal = jpath;
	o.store = "慈善超市";
	o.offline_cap = 200;
	o.timeout_ms = 3000;
	o.probe_ms = 1000;
	base = event_base_new();
	if ((a = app_new(base, &o, err, sizeof(err))) == NULL ||
	    (cl = client_new(base, url, 3000, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench-pos: %s\n", err);
		return 1;
	}
	app_hooks(a, bench_change, NULL, NULL);
	app_login(a, "cashier", "cashier-demo");
	bench_run(base, &changed, 1);
	while (app_busy(a) > 0)
		event_base_loop(base, EVLOOP_ONCE);
	for (i = 0; i < BENCH_SCANS; i++) {
		size_t k = (size_t)i % ncodes;
		int before;

		if (k == 0) {
			till_cancel(app_till(a));
			changed = 0;
			app_scan(a, "HH0001");
			bench_run(base, &changed, 1);
		}
		before = (int)app_till(a)->nlines;
		changed = 0;
		t0 = bench_now();
		app_scan(a, codes[k]);
		bench_run(base, &changed, 1);
		st = script_state(a); /* the screen, drawn */
		scan[n] = (bench_now() - t0) * 1e3;
		free(st);
		if ((int)app_till(a)->nlines != before + 1)
			fails++;
		/* Baseline: the same look-up as a bare request. */
		snprintf(path, sizeof(path), "/api/v1/items/by-barcode/%s",
		    codes[k]);
		answered = 0;
		t0 = bench_now();
		client_req(cl, "GET", path, NULL, bench_answer, NULL);
		bench_run(base, &answered, 1);
		http[n] = (bench_now() - t0) * 1e3;
		n++;
	}
	qsort(scan, (size_t)n, sizeof(double), bench_cmp);
	qsort(http, (size_t)n, sizeof(double), bench_cmp);
	printf("pos scan-to-screen: median %.3f ms p99 %.3f ms (%d scans, %d "
	       "not shown)   baseline bare HTTP look-up: median %.3f ms p99 "
	       "%.3f ms   target <= 20 ms\n",
	    scan[n / 2], scan[n * 99 / 100], n, fails, http[n / 2],
	    http[n * 99 / 100]);
	client_free(cl);
	app_free(a);
	event_base_free(base);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	snprintf(err, sizeof(err), "rm -rf %s", dir);
	if (system(err) != 0)
		return 1;
	return fails == 0 ? 0 : 1;
}
