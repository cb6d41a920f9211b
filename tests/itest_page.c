/*
 * The public notice page (GET /) in a real browser: Debian's chromium,
 * headless, against a demo store. The rendered DOM shows the current
 * period and the figures of its JSON notice, the chart is drawn (inline
 * SVG with a bar a month), nothing is loaded from elsewhere, the console
 * stays silent, and a 390 px wide screenshot (a phone) is kept as an
 * artefact in $ITEST_ARTIFACTS (build/tests/artifacts/public-390.png).
 * No chromium is a failure: `make test` installs it (TEST_DEBS).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_PAGE_SECS 25.0

static const char *
itest_page_chromium(void)
{
	const char *c = getenv("ITEST_CHROMIUM");

	c = c != NULL && *c != '\0' ? c : "/usr/bin/chromium";
	ck_assert_msg(access(c, X_OK) == 0,
	    "chromium is missing (%s: %s): the browser test needs Debian's "
	    "chromium; `make test` installs it (TEST_DEBS), or run "
	    "`apt-get install chromium`",
	    c, strerror(errno));
	return c;
}

struct itest_page_run {
	pid_t pid;
	const char *out, *err, *profile;
};

/* Start chromium headless on URL with the extra flag ARG (and ARG2). */
static void
itest_page_start(struct itest_page_run *run, const char *dir, const char *name,
    const char *arg, const char *arg2, const char *url)
{
	const char *bin = itest_page_chromium();
	const char *argv[20];
	int n = 0;

	run->out = itest_f("%s/%s.out", dir, name);
	run->err = itest_f("%s/%s.err", dir, name);
	run->profile = itest_f("--user-data-dir=%s/%s.profile", dir, name);
	argv[n++] = bin;
	argv[n++] = "--headless";
	argv[n++] = "--no-sandbox";
	argv[n++] = "--disable-gpu";
	argv[n++] = "--disable-quic";
	argv[n++] = "--no-first-run";
	argv[n++] = "--disable-background-networking";
	argv[n++] = "--disable-component-update";
	argv[n++] = "--disable-sync";
	argv[n++] = "--hide-scrollbars";
	argv[n++] = "--enable-logging=stderr";
	argv[n++] = "--v=0";
	argv[n++] = run->profile;
	argv[n++] = arg;
	if (arg2 != NULL)
		argv[n++] = arg2;
	argv[n++] = url;
	argv[n] = NULL;
	run->pid = fork();
	ck_assert_msg(run->pid >= 0, "fork: %s", strerror(errno));
	if (run->pid == 0) {
		setpgid(0, 0); /* so the test can end it with its children */
		itest_reopen(1, run->out, O_WRONLY | O_CREAT | O_TRUNC);
		itest_reopen(2, run->err, O_WRONLY | O_CREAT | O_TRUNC);
		itest_reopen(0, "/dev/null", O_RDONLY);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
}

/* Wait for RUN; kill it (and what it started) after the time allowed. */
static void
itest_page_wait(struct itest_page_run *run, double t0)
{
	pid_t r;
	int st = 0;

	while ((r = waitpid(run->pid, &st, WNOHANG)) == 0 &&
	    itest_now() - t0 < ITEST_PAGE_SECS)
		usleep(20000);
	if (r == 0) {
		kill(-run->pid, SIGKILL);
		waitpid(run->pid, NULL, 0);
		ck_abort_msg("chromium did not finish within %.0f s (%s)",
		    ITEST_PAGE_SECS, run->err);
	}
	/* Helpers left behind by the browser go with it. */
	kill(-run->pid, SIGKILL);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "chromium failed (%s %d); stderr in %s",
	    WIFEXITED(st) ? "exit" : "signal",
	    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st), run->err);
}

/* A whole file as a harness string (asserting it exists); *LEN its size. */
static char *
itest_page_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = itest_f("%*s", (int)n, "");
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = (size_t)n;
	return buf;
}

/* Lines of chromium's log that are the page's console or its errors. */
static const char *
itest_page_console(const char *log)
{
	const char *p = log, *e;
	char *found = itest_f("%s", "");

	while (*p != '\0') {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if ((memmem(p, (size_t)(e - p), "CONSOLE", 7) != NULL ||
		        memmem(p, (size_t)(e - p), "Uncaught", 8) != NULL) &&
		    strlen(found) < 2000)
			found = itest_f("%s%.*s\n", found, (int)(e - p), p);
		p = *e != '\0' ? e + 1 : e;
	}
	return found;
}

/* ¥1,234.56, as the page writes fen. */
static const char *
itest_page_money(int64_t fen)
{
	char digits[32], out[64];
	int n, i, o = 0;

	ck_assert(fen >= 0);
	n = snprintf(digits, sizeof digits, "%lld", (long long)(fen / 100));
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
	return itest_f("¥%s.%02d", out, (int)(fen % 100));
}

/* The text of the element with id ID in DOM (up to its first tag). */
static const char *
itest_page_by_id(const char *dom, const char *id)
{
	const char *p = strstr(dom, itest_f(" id=\"%s\">", id)), *e;

	ck_assert_msg(p != NULL, "no element id=%s in the page", id);
	p = strchr(p, '>') + 1;
	e = strchr(p, '<');
	ck_assert(e != NULL);
	return itest_f("%.*s", (int)(e - p), p);
}

static int
itest_page_count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s += strlen(needle);
	}
	return n;
}

static void
itest_page_mkdirs(const char *path)
{
	char *p = itest_f("%s", path), *s;

	for (s = p + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %s", p,
	    strerror(errno));
}

START_TEST(test_page_in_chromium)
{
	const char *art = getenv("ITEST_ARTIFACTS"), *url, *dom, *log,
	           *png_path;
	const char *dir = itest_f("%s/browser", itest_s->dir), *con, *svg;
	const char *now = itest_period(0), *want, *last_in;
	struct itest_page_run page, shot, probe;
	const cJSON *h, *ps, *s, *u;
	unsigned char *png;
	cJSON *n;
	size_t png_len;
	int64_t pm, v;
	long long bar = 0;
	double t0;

	itest_page_chromium();
	if (art == NULL || *art == '\0')
		art = "build/tests/artifacts";
	itest_page_mkdirs(art);
	png_path = itest_f("%s/public-390.png", art);
	unlink(png_path);
	itest_page_mkdirs(dir);
	url = itest_f("http://%s:%d/", itest_s->host, itest_s->port);

	/* Three browsers at once: the DOM, the phone screenshot, and a page
	 * with a script error, to show the console check sees one. */
	t0 = itest_now();
	itest_page_start(&page, dir, "dom", "--dump-dom", NULL, url);
	itest_page_start(&shot, dir, "shot", "--window-size=390,2400",
	    itest_f("--screenshot=%s", png_path), url);
	itest_page_start(&probe, dir, "probe", "--dump-dom", NULL,
	    "data:text/html,<p>probe</p><script>itest_no_such()</script>");
	itest_page_wait(&page, t0);
	itest_page_wait(&shot, t0);
	itest_page_wait(&probe, t0);

	/* The console check works, and the page leaves the console empty. */
	con = itest_page_console(itest_page_slurp(probe.err, NULL));
	ck_assert_msg(strstr(con, "Uncaught") != NULL,
	    "chromium's log does not show a probe page's script error; the "
	    "console check would see nothing (%s)",
	    probe.err);
	log = itest_page_slurp(page.err, NULL);
	con = itest_page_console(log);
	ck_assert_msg(*con == '\0', "the page wrote to the console:\n%s", con);

	/* The DOM shows the current period and the JSON's figures. */
	dom = itest_page_slurp(page.out, NULL);
	ck_assert_msg(
	    strstr(dom, "<body") != NULL, "no DOM dumped: %.300s", dom);
	ck_assert_msg(strstr(dom, itest_f("本月 %s", now)) != NULL,
	    "the page does not show the current period %s", now);
	n = itest_ok(
	    "GET", itest_f("/public/notices/%s", now), NULL, NULL, 200);
	s = cJSON_GetObjectItem(n, "sources");
	u = cJSON_GetObjectItem(n, "uses");
	h = cJSON_GetObjectItem(n, "households_served");
	ps = cJSON_GetObjectItem(n, "priority_share");
	want = itest_page_money(
	    itest_int(s, "cash_total_fen") + itest_int(s, "in_kind_total_fen"));
	ck_assert_str_eq(itest_page_by_id(dom, "in"), want);
	ck_assert_msg(itest_int(s, "cash_total_fen") > 0,
	    "the demo store has no cash this month");
	ck_assert_str_eq(itest_page_by_id(dom, "out"),
	    itest_page_money(itest_int(u, "goods_distributed_total_fen")));
	ck_assert_msg(itest_int(u, "goods_distributed_total_fen") > 0,
	    "the demo store distributed nothing this month");
	if (cJSON_IsString(cJSON_GetObjectItem(h, "households")))
		ck_assert_str_eq(itest_page_by_id(dom, "households"), "&lt;5");
	else
		ck_assert_str_eq(itest_page_by_id(dom, "households"),
		    itest_f("%lld", (long long)itest_int(h, "households")));
	if (cJSON_IsTrue(cJSON_GetObjectItem(ps, "hidden")))
		ck_assert_str_eq(itest_page_by_id(dom, "priority"), "不公布");
	else {
		pm = itest_int(ps, "per_mille");
		ck_assert_str_eq(itest_page_by_id(dom, "priority"),
		    itest_f("%lld.%lld%%", (long long)(pm / 10),
		        (long long)(pm % 10)));
	}
	ck_assert_msg(strstr(dom, itest_str(n, "ledger_head")) != NULL,
	    "the page does not carry the ledger head");

	/* The chart: inline SVG, two bars a month for 12 months, the current
	 * month's sources bar drawn. */
	svg = strstr(dom, "<svg class=\"chart\"");
	ck_assert_msg(svg != NULL, "no <svg class=\"chart\"> in the page");
	ck_assert_msg(strstr(svg, "</svg>") != NULL, "the chart is not closed");
	svg = itest_f("%.*s", (int)(strstr(svg, "</svg>") - svg), svg);
	ck_assert_int_eq(itest_page_count(svg, "<rect"), 24);
	ck_assert_int_eq(itest_page_count(svg, "<rect class=\"in\""), 12);
	last_in = svg;
	while (strstr(last_in + 1, "<rect class=\"in\"") != NULL)
		last_in = strstr(last_in + 1, "<rect class=\"in\"");
	ck_assert_msg(strstr(last_in, itest_f("<title>%s ", now)) != NULL,
	    "the last bar is not the current month: %.200s", last_in);
	ck_assert_msg(strstr(last_in, "width=\"") != NULL &&
	        sscanf(strstr(last_in, "width=\"") + 7, "%lld", &bar) == 1 &&
	        bar > 0,
	    "the current month's bar has no length: %.200s", last_in);
	/* Its amount is written beside it, not only in a tooltip. */
	ck_assert_msg(strstr(last_in, itest_f("</rect><text")) != NULL &&
	        strstr(last_in, itest_f(">%s</text>", want)) != NULL,
	    "the current month's amount is not written on the chart: %.300s",
	    last_in);

	/* Nothing from elsewhere: no outside scripts, styles or images. */
	ck_assert_msg(strstr(dom, "src=\"http") == NULL &&
	        strstr(dom, "src=\"//") == NULL &&
	        strstr(dom, "href=\"http") == NULL &&
	        strstr(dom, "href=\"//") == NULL &&
	        strstr(dom, "@import") == NULL &&
	        strstr(dom, "<script") == NULL,
	    "the page loads something from elsewhere, or runs a script");
	ck_assert_msg(strstr(dom,
	                  "<link rel=\"stylesheet\" "
	                  "href=\"/public.css\">") != NULL,
	    "the page does not use its own stylesheet");
	ck_assert_msg(strstr(dom,
	                  "name=\"viewport\" "
	                  "content=\"width=device-width") != NULL,
	    "no phone viewport");

	/* The phone screenshot: a PNG 390 px wide, kept as an artefact. */
	png = (unsigned char *)itest_page_slurp(png_path, &png_len);
	ck_assert_msg(png_len > 33 &&
	        memcmp(png, "\x89PNG\r\n\x1a\n", 8) == 0 &&
	        memcmp(png + 12, "IHDR", 4) == 0,
	    "%s is not a PNG", png_path);
	v = ((int64_t)png[16] << 24) | (png[17] << 16) | (png[18] << 8) |
	    png[19];
	ck_assert_msg(
	    v == 390, "screenshot %lld px wide, want 390", (long long)v);
	v = ((int64_t)png[20] << 24) | (png[21] << 16) | (png[22] << 8) |
	    png[23];
	ck_assert_msg(
	    v == 2400, "screenshot %lld px high, want 2400", (long long)v);
	/* A blank page compresses to almost nothing. */
	ck_assert_msg(
	    png_len > 20000, "screenshot of %zu bytes: blank?", png_len);
	itest_remove_dir(dir);
}
END_TEST

static Suite *
itest_page_suite(void)
{
	Suite *s = suite_create("page");
	TCase *tc = itest_demo_tcase("chromium");

	tcase_add_test(tc, test_page_in_chromium);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_page_suite());
}
