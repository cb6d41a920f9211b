/*
 * itest_http: HTTP/1.1 over a plain TCP socket to a test's server, exact
 * bytes or JSON; log-in; and assertions on replies (the error shape, typed
 * members). See itest.h.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_IO_SECS   30
#define ITEST_MAX_REPLY (64u << 20)

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
itest_connect(struct itest_srv *s, int secs)
{
	return itest_connect_from(s, secs, NULL, 0);
}

int
itest_connect_from(struct itest_srv *s, int secs, const char *src, int nowait)
{
	struct sockaddr_in sin;
	struct timeval tv = {secs, 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (src != NULL) {
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &sin.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0) {
			close(fd);
			return -1;
		}
	}
	if (nowait)
		fcntl(fd, F_SETFL, O_NONBLOCK);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)s->port);
	if (inet_pton(AF_INET, s->host, &sin.sin_addr) != 1 ||
	    (connect(fd, (struct sockaddr *)&sin, sizeof sin) != 0 &&
	        !(nowait && errno == EINPROGRESS))) {
		close(fd);
		return -1;
	}
	return fd;
}

int
itest_http(struct itest_srv *s, const char *method, const char *path,
    const char *token, const char *content_type, const char *extra,
    const char *body, size_t len, struct itest_reply *r)
{
	char *head = NULL, *buf = NULL, *hend, *p;
	size_t n = 0, cap = 65536;
	ssize_t got;
	double t0 = itest_now();
	int fd, rc = -1, hn;
	long clen = -1;

	memset(r, 0, sizeof *r);
	if ((fd = itest_connect(s, ITEST_IO_SECS)) < 0) {
		r->secs = itest_now() - t0;
		return -1;
	}

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
itest_state(const char *path)
{
	return itest_f("%s\n%s\n%s",
	    itest_text(itest_ok("GET", path, itest_admin, NULL, 200)),
	    itest_text(itest_ok(
	        "GET", "/api/v1/stock?limit=500", itest_admin, NULL, 200)),
	    itest_text(itest_ok("GET", "/api/v1/stock/movements?limit=500",
	        itest_admin, NULL, 200)));
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

cJSON *
itest_refused(const char *method, const char *path, const char *token,
    const char *body, int want, const char *code, const char *field)
{
	int st;
	cJSON *j = itest_req(itest_s, method, path, token, body, &st);

	itest_assert_error(j, st, want, code, field);
	return j;
}

const cJSON *
itest_error_details(const cJSON *err)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(err, "error"), "details");

	ck_assert_msg(
	    cJSON_IsObject(d), "no error.details in %s", itest_print(err));
	return d;
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

const cJSON *
itest_obj(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(
	    cJSON_IsObject(v), "no object '%s' in %s", k, itest_print(o));
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

const cJSON *
itest_find_str(const cJSON *arr, const char *k, const char *v)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, k);

		if (cJSON_IsString(x) && strcmp(x->valuestring, v) == 0)
			return e;
	}
	return NULL;
}
