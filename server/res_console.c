/*
 * The manager's console at /console/: the files of console/, compiled in
 * (console/embed.sh writes the table, sorted by path, with each file's
 * content type and ETag). They are public code, served without a token;
 * the data stays behind the API's. Every reply carries the same guards: a
 * policy that lets the page load only its own files and talk only to this
 * server, and no framing, sniffing or referrer. The browser revalidates
 * each file every time (no-cache): a new build shows at once, and an
 * unchanged file costs a 304.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct console_asset {
	const char *path, *type, *etag;
	const unsigned char *body;
	size_t len;
};
extern const struct console_asset console_assets[];
extern const size_t console_nassets;

#define RES_CONSOLE_CSP                                                        \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; "          \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
#define RES_CONSOLE_TEXT "text/plain; charset=utf-8"

/* The headers of every console reply (http_reply adds nosniff). */
static void
res_console_guard(struct req *r)
{
	http_reply_header(r, "Content-Security-Policy", RES_CONSOLE_CSP);
	http_reply_header(r, "Referrer-Policy", "no-referrer");
	http_reply_header(r, "X-Frame-Options", "DENY");
	http_reply_header(r, "Cache-Control", "no-cache");
}

static int
res_console_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct console_asset *)elem)->path);
}

static const struct console_asset *
res_console_find(const char *path)
{
	return bsearch(path, console_assets, console_nassets,
	    sizeof(console_assets[0]), res_console_cmp);
}

/* Does the If-None-Match list INM name ETAG, or "*"? Weak tags count too:
 * this header compares weakly. */
static int
res_console_fresh(const char *inm, const char *etag)
{
	size_t n = strlen(etag);
	const char *p = inm;

	while (p != NULL && *p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p == '*' ||
		    (strncmp(p, etag, n) == 0 && strchr(" \t,", p[n]) != NULL))
			return 1; /* strchr finds the NUL too */
		p = strchr(p, ',');
	}
	return 0;
}

static void
res_console_send(struct req *r, const char *path)
{
	const struct console_asset *a = res_console_find(path);
	static const char missing[] = "no such file in the console\n";
	char len[JSON_INT_LEN];

	res_console_guard(r);
	if (a == NULL) {
		http_reply_text(
		    r, 404, RES_CONSOLE_TEXT, missing, sizeof(missing) - 1);
		return;
	}
	http_reply_header(r, "ETag", a->etag);
	if (res_console_fresh(http_header(r, "If-None-Match"), a->etag)) {
		http_reply_text(r, 304, a->type, "", 0);
		return;
	}
	/* A HEAD's too, which evhttp would send without one. */
	json_itoa((int64_t)a->len, len);
	http_reply_header(r, "Content-Length", len);
	http_reply_text(r, 200, a->type, (const char *)a->body, a->len);
}

/* GET /console/: the shell, which imports the rest. */
void
res_console_index(struct req *r)
{
	res_console_send(r, "index.html");
}

/* GET /console/PATH: a file of console/ (nested paths too). */
void
res_console_file(struct req *r)
{
	res_console_send(r, http_arg(r, 0));
}

/* GET /console: to /console/, so the shell's relative imports resolve. */
void
res_console_redirect(struct req *r)
{
	static const char moved[] = "the console is at /console/\n";

	res_console_guard(r);
	http_reply_header(r, "Location", "/console/");
	http_reply_text(r, 301, RES_CONSOLE_TEXT, moved, sizeof(moved) - 1);
}
