/*
 * The console's files at /console/ (res_console.c): each file of the
 * repository's console/ directory ($ITEST_CONSOLE_DIR, default console)
 * served byte for byte, with its content type and an ETag of its SHA-256,
 * which the test recomputes; the shell at /console/, /console redirected,
 * unknown files 404 in plain text, If-None-Match answered 304 with no
 * body, HEAD with the headers alone; every reply with the guard headers
 * and no token asked for.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "itest.h"

#define ITEST_CONSOLE_CSP                                                      \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; "          \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
#define ITEST_CONSOLE_MAX 256

static const char *
itest_console_dir(void)
{
	const char *d = getenv("ITEST_CONSOLE_DIR");

	return d != NULL && *d != '\0' ? d : "console";
}

/* The value of header NAME (lower case) in R, harness-owned; NULL if
 * absent. */
static const char *
itest_console_header(const struct itest_reply *r, const char *name)
{
	const char *p = r->headers, *e;
	size_t n = strlen(name);

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			e = strpbrk(p, "\r\n");
			return itest_f("%.*s",
			    (int)(e != NULL ? (size_t)(e - p) : strlen(p)), p);
		}
	}
	return NULL;
}

static void
itest_console_has(
    const struct itest_reply *r, const char *name, const char *want)
{
	const char *v = itest_console_header(r, name);

	ck_assert_msg(v != NULL, "no %s header in:\n%s", name, r->headers);
	ck_assert_msg(
	    strcmp(v, want) == 0, "%s: \"%s\", want \"%s\"", name, v, want);
}

/* The headers every console reply carries, whatever its status. */
static void
itest_console_guards(const struct itest_reply *r)
{
	itest_console_has(r, "content-security-policy", ITEST_CONSOLE_CSP);
	itest_console_has(r, "x-content-type-options", "nosniff");
	itest_console_has(r, "referrer-policy", "no-referrer");
	itest_console_has(r, "x-frame-options", "DENY");
	itest_console_has(r, "cache-control", "no-cache");
}

/* The file at PATH, whole; *LEN its size. */
static unsigned char *
itest_console_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	ck_assert(fseek(f, 0, SEEK_END) == 0);
	n = ftell(f);
	ck_assert(n >= 0);
	rewind(f);
	buf = itest_xmalloc((size_t)n + 1);
	itest_own(ITEST_MEM, buf);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The ETag the build gives a file: its SHA-256's first 16 hex, quoted. */
static const char *
itest_console_etag(const unsigned char *b, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1];

	ck_assert_int_ge(sodium_init(), 0);
	crypto_hash_sha256(h, b, len);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return itest_f("\"%.16s\"", hex);
}

static const char *
itest_console_type(const char *path)
{
	static const char *const types[][2] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	};
	const char *dot = strrchr(path, '.');
	size_t i;

	for (i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i][0]) == 0)
			return types[i][1];
	ck_abort_msg("%s: no content type for its extension", path);
	return NULL;
}

/* GET (or with EXTRA headers) PATH with no token. */
static struct itest_reply *
itest_console_get(const char *path, const char *extra)
{
	struct itest_reply *r = itest_xmalloc(sizeof *r);

	itest_own(ITEST_MEM, r);
	ck_assert_msg(itest_http(itest_s, "GET", path, NULL, NULL, extra, NULL,
	                  0, r) == 0,
	    "GET %s: no valid reply", path);
	itest_own(ITEST_MEM, r->body);
	itest_own(ITEST_MEM, r->headers);
	return r;
}

/* GET /console/REL answers FILE's bytes, type and ETag; the ETag. */
static const char *
itest_console_same(const char *url, const char *file)
{
	struct itest_reply *r = itest_console_get(url, NULL);
	unsigned char *want;
	size_t len;
	const char *etag;

	want = itest_console_read(file, &len);
	etag = itest_console_etag(want, len);
	ck_assert_msg(r->status == 200, "GET %s: %d", url, r->status);
	itest_console_guards(r);
	itest_console_has(r, "content-type", itest_console_type(file));
	itest_console_has(r, "etag", etag);
	ck_assert_msg(r->len == len && memcmp(r->body, want, len) == 0,
	    "GET %s: %zu bytes, not the %zu of %s", url, r->len, len, file);
	return etag;
}

START_TEST(test_console_index)
{
	const char *file = itest_f("%s/index.html", itest_console_dir());

	itest_console_same("/console/", file);
	itest_console_same("/console/index.html", file);
}
END_TEST

/* The files embed.sh leaves out: READMEs, *.md, *.sh, dot files, tests/. */
static int
itest_console_skipped(const char *rel)
{
	const char *base = strrchr(rel, '/'), *dot;

	base = base != NULL ? base + 1 : rel;
	dot = strrchr(base, '.');
	return strncmp(base, "README", 6) == 0 || strncmp(rel, ".", 1) == 0 ||
	    strstr(rel, "/.") != NULL || strncmp(rel, "tests/", 6) == 0 ||
	    strstr(rel, "/tests/") != NULL ||
	    (dot != NULL &&
	        (strcmp(dot, ".md") == 0 || strcmp(dot, ".sh") == 0));
}

static char *itest_console_files[ITEST_CONSOLE_MAX];
static int itest_console_nfiles;

static int
itest_console_walk(
    const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_F &&
	    !itest_console_skipped(path + strlen(itest_console_dir()) + 1)) {
		ck_assert(itest_console_nfiles < ITEST_CONSOLE_MAX);
		itest_console_files[itest_console_nfiles++] =
		    itest_f("%s", path);
	}
	return 0;
}

START_TEST(test_console_every_file)
{
	const char *rel;
	int i, nested = 0;

	itest_console_nfiles = 0;
	ck_assert_msg(
	    nftw(itest_console_dir(), itest_console_walk, 16, FTW_PHYS) == 0,
	    "%s: %s", itest_console_dir(), strerror(errno));
	ck_assert_msg(itest_console_nfiles >= 2, "%s holds %d files",
	    itest_console_dir(), itest_console_nfiles);
	for (i = 0; i < itest_console_nfiles; i++) {
		rel = itest_console_files[i] + strlen(itest_console_dir()) + 1;
		nested += strchr(rel, '/') != NULL;
		itest_console_same(
		    itest_f("/console/%s", rel), itest_console_files[i]);
	}
	/* The shell imports its modules from lib/ and pages/. */
	ck_assert_msg(nested > 0, "no file in a subdirectory of %s was served",
	    itest_console_dir());
}
END_TEST

START_TEST(test_console_redirect)
{
	struct itest_reply *r = itest_console_get("/console", NULL);

	ck_assert_int_eq(r->status, 301);
	itest_console_guards(r);
	itest_console_has(r, "location", "/console/");
	ck_assert_msg(itest_console_header(r, "etag") == NULL, "an ETag");
}
END_TEST

START_TEST(test_console_unknown)
{
	static const char *const paths[] = {
	    "/console/nope.js",
	    "/console/pages/nope.js",
	    "/console/lib/",
	    "/console/../server/main.c",
	    "/console/%2e%2e/Makefile",
	    "/console/embed.sh",
	};
	struct itest_reply *r;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		r = itest_console_get(paths[i], NULL);
		ck_assert_msg(r->status == 404, "GET %s: %d, want 404",
		    paths[i], r->status);
		itest_console_guards(r);
		itest_console_has(
		    r, "content-type", "text/plain; charset=utf-8");
		ck_assert_msg(itest_console_header(r, "etag") == NULL,
		    "GET %s: an ETag", paths[i]);
		ck_assert_msg(strstr(r->body, "no such file") != NULL,
		    "GET %s: %s", paths[i], r->body);
	}
	/* Other methods are the API's 405, as on every path. */
	r = itest_raw(itest_s, "POST", "/console/app.js", NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 405);
}
END_TEST

START_TEST(test_console_not_modified)
{
	const char *file = itest_f("%s/app.js", itest_console_dir());
	const char *etag = itest_console_same("/console/app.js", file);
	struct itest_reply *r;
	const char *fresh[] = {
	    itest_f("If-None-Match: %s\r\n", etag),
	    itest_f("If-None-Match: W/%s\r\n", etag),
	    itest_f("If-None-Match: \"0000000000000000\", %s\r\n", etag),
	    "If-None-Match: *\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(fresh) / sizeof(fresh[0]); i++) {
		r = itest_console_get("/console/app.js", fresh[i]);
		ck_assert_msg(r->status == 304, "%s: %d", fresh[i], r->status);
		ck_assert_msg(r->len == 0, "304 with %zu bytes", r->len);
		itest_console_guards(r);
		itest_console_has(r, "etag", etag);
	}
	/* Other versions: the file. */
	r = itest_console_get("/console/app.js",
	    "If-None-Match: \"0000000000000000\", W/\"1\"\r\n");
	ck_assert_int_eq(r->status, 200);
	ck_assert_int_gt(r->len, 0);
	itest_console_has(r, "etag", etag);
}
END_TEST

/* HEAD: the GET's status and headers, Content-Length the file's, no
 * body (read raw: the harness's client expects a GET's body). */
START_TEST(test_console_head)
{
	const char *file = itest_f("%s/index.html", itest_console_dir());
	const char *req = itest_f("HEAD /console/ HTTP/1.1\r\nHost: x\r\n"
	                          "Connection: close\r\n\r\n");
	char buf[8192], *end;
	size_t n = 0, len;
	ssize_t got;
	struct itest_reply r;
	int fd = itest_connect(itest_s, 10);

	ck_assert(fd >= 0);
	ck_assert(
	    send(fd, req, strlen(req), MSG_NOSIGNAL) == (ssize_t)strlen(req));
	while (n < sizeof(buf) - 1 &&
	    (got = recv(fd, buf + n, sizeof(buf) - 1 - n, 0)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = '\0';
	ck_assert_msg(strncmp(buf, "HTTP/1.1 200 ", 13) == 0, "%s", buf);
	end = strstr(buf, "\r\n\r\n");
	ck_assert_msg(end != NULL && end[4] == '\0',
	    "HEAD: a body after the headers:\n%s", buf);
	*end = '\0';
	for (end = buf + 1; *end != '\0'; end++)
		if (end[-1] == '\n')
			for (; *end != ':' && *end != '\0'; end++)
				*end = (char)tolower((unsigned char)*end);
	memset(&r, 0, sizeof(r));
	r.headers = buf;
	itest_console_guards(&r);
	itest_console_read(file, &len);
	itest_console_has(&r, "content-length", itest_f("%zu", len));
	itest_console_has(&r, "content-type", "text/html; charset=utf-8");
	itest_console_has(&r, "etag",
	    itest_console_etag(itest_console_read(file, &len), len));
}
END_TEST

static Suite *
itest_console_suite(void)
{
	Suite *s = suite_create("console");
	TCase *tc = itest_tcase("files");

	tcase_add_test(tc, test_console_index);
	tcase_add_test(tc, test_console_every_file);
	tcase_add_test(tc, test_console_redirect);
	tcase_add_test(tc, test_console_unknown);
	tcase_add_test(tc, test_console_not_modified);
	tcase_add_test(tc, test_console_head);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_console_suite());
}
