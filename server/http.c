/*
 * The request: its life from evhttp's callback to its reply (matching a
 * route, authenticating it and checking its role, the peer and till it
 * came from), and what handlers read of it (path args, bounded body).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>

#include <event2/buffer.h>

#include "http_int.h"

#define HTTP_BODY_MAX (1024 * 1024)

static const char *
http_method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET:
		return "GET";
	case EVHTTP_REQ_POST:
		return "POST";
	case EVHTTP_REQ_PUT:
		return "PUT";
	case EVHTTP_REQ_PATCH:
		return "PATCH";
	case EVHTTP_REQ_DELETE:
		return "DELETE";
	case EVHTTP_REQ_HEAD:
		return "HEAD";
	case EVHTTP_REQ_OPTIONS:
		return "OPTIONS";
	default:
		return "OTHER";
	}
}

/* Matches path against pattern; fills r->args with '*' segments and a
 * final '**' with the rest of the path, slashes and all. */
static int
http_match(const char *pattern, struct req *r)
{
	char seg[HTTP_PATH_MAX];
	size_t dlen;
	const char *p = pattern, *s = r->path, *e;
	int n = 0, rest;

	while (*p != '\0' && *s != '\0') {
		if (*p == '*') {
			rest = p[1] == '*' && p[2] == '\0';
			e = rest ? NULL : strchr(s, '/');
			if (e == NULL)
				e = s + strlen(s);
			if (e == s || n == HTTP_ARGS ||
			    (size_t)(e - s) >= sizeof(seg))
				goto no;
			memcpy(seg, s, (size_t)(e - s));
			seg[e - s] = '\0';
			r->args[n] = evhttp_uridecode(seg, 0, &dlen);
			if (r->args[n++] == NULL)
				log_fatalx("out of memory");
			if (strlen(r->args[n - 1]) != dlen)
				goto no; /* a %00 inside: no such path */
			s = e;
			p += rest ? 2 : 1;
			continue;
		}
		if (*p++ != *s++)
			goto no;
	}
	if (*p == '\0' && *s == '\0') {
		r->nargs = n;
		return 1;
	}
no:
	while (n > 0) {
		free(r->args[--n]);
		r->args[n] = NULL;
	}
	return 0;
}

static void
http_unmatch(struct req *r)
{
	while (r->nargs > 0) {
		free(r->args[--r->nargs]);
		r->args[r->nargs] = NULL;
	}
}

void
http_req_free(struct req *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < HTTP_ARGS; i++)
		free(r->args[i]);
	if (r->has_query)
		evhttp_clear_headers(&r->query);
	cJSON_Delete(r->body);
	cJSON_Delete(r->later);
	free(r);
}

struct db *
http_db(struct req *r)
{
	return r->srv->db;
}

const struct actor *
http_actor(struct req *r)
{
	return &r->actor;
}

const char *
http_arg(struct req *r, int i)
{
	return i < r->nargs ? r->args[i] : NULL;
}

/* The bearer token of an authenticated request. */
const char *
http_token(struct req *r)
{
	const char *a;

	a = evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "Authorization");
	return a != NULL && strlen(a) > 7 ? a + 7 : "";
}

/* A header of the request, or NULL. */
const char *
http_header(struct req *r, const char *name)
{
	return evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), name);
}

const char *
http_peer(struct req *r)
{
	return r->peer;
}

/* The body as a JSON object, parsed once; NULL with a fault otherwise. */
const cJSON *
http_body(struct req *r, struct fault *f)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t len = evbuffer_get_length(in);
	const char *p, *end = NULL, *type;

	if (r->body_read)
		return r->body;
	r->body_read = 1;
	type = evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "Content-Type");
	if (type == NULL || strncasecmp(type, "application/json", 16) != 0 ||
	    (type[16] != '\0' && type[16] != ';' && type[16] != ' ')) {
		fault_set(f, FAULT_MEDIA, "unsupported_media_type",
		    "send the body as Content-Type: application/json");
		return NULL;
	}
	if (len > HTTP_BODY_MAX) {
		fault_set(f, FAULT_TOO_LARGE, "too_large",
		    "the body is larger than %d bytes", HTTP_BODY_MAX);
		fault_num(f, "limit", HTTP_BODY_MAX);
		return NULL;
	}
	if (len == 0) {
		fault_set(f, FAULT_BAD, "bad_json", "a JSON body is required");
		return NULL;
	}
	if ((p = (const char *)evbuffer_pullup(in, -1)) == NULL)
		log_fatalx("out of memory");
	/* cJSON would cut a string at an escaped NUL: refuse both forms. */
	if (memchr(p, '\0', len) != NULL ||
	    memmem(p, len, "\\u0000", 6) != NULL) {
		fault_set(
		    f, FAULT_BAD, "bad_json", "the body holds a NUL byte");
		return NULL;
	}
	r->body = cJSON_ParseWithLengthOpts(p, len, &end, 0);
	while (r->body != NULL && end < p + len &&
	    (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
		end++;
	if (r->body == NULL || end != p + len) {
		fault_set(
		    f, FAULT_BAD, "bad_json", "the body is not valid JSON");
		return NULL;
	}
	if (!cJSON_IsObject(r->body)) {
		fault_set(
		    f, FAULT_BAD, "bad_json", "the body must be a JSON object");
		return NULL;
	}
	json_hash(r->body, r->body_hash);
	return r->body;
}

const unsigned char *
http_body_hash(struct req *r)
{
	return r->body_hash;
}

/* Whether addr is the --trusted-proxy, whose connections speak for many
 * clients. */
int
http_proxy_is(struct server *srv, const char *addr)
{
	return srv->opts != NULL && srv->opts->trusted_proxy != NULL &&
	    strcmp(srv->opts->trusted_proxy, addr) == 0;
}

/*
 * The client behind the trusted proxy: the last address of its
 * X-Forwarded-For (the one the proxy itself added; those before it are
 * the client's word). Another header, or none: the proxy's own address.
 */
static void
http_forwarded(struct req *r)
{
	const char *xff, *last;
	char buf[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n;

	xff = evhttp_find_header(
	    evhttp_request_get_input_headers(r->ev), "X-Forwarded-For");
	if (xff == NULL || strlen(xff) > 1024)
		return;
	last = strrchr(xff, ',');
	last = last != NULL ? last + 1 : xff;
	while (*last == ' ')
		last++;
	n = strcspn(last, " ");
	if (n == 0 || n >= sizeof(buf))
		return;
	memcpy(buf, last, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, bin) == 1 ||
	    inet_pton(AF_INET6, buf, bin) == 1)
		snprintf(r->peer, sizeof(r->peer), "%s", buf);
}

static void
http_origin(struct req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->ev);
	const char *till, *addr = NULL;
	ev_uint16_t port;

	/* The peer address is what throttles key on; a till's name, which
	 * the client states, only goes beside it in the audit log. */
	if (c != NULL)
		evhttp_connection_get_peer(c, (char **)&addr, &port);
	snprintf(r->peer, sizeof(r->peer), "%s", addr != NULL ? addr : "-");
	if (http_proxy_is(r->srv, r->peer))
		http_forwarded(r);
	till = evhttp_find_header(h, "X-Till-Id");
	if (till != NULL && strlen(till) < 24 &&
	    json_utf8_valid(till, strlen(till)))
		snprintf(r->actor.origin, sizeof(r->actor.origin),
		    "%.39s till:%s", r->peer, till);
	else
		snprintf(
		    r->actor.origin, sizeof(r->actor.origin), "%s", r->peer);
}

static int
http_authenticate(struct req *r, int roles)
{
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->ev);
	const char *a;

	if (roles == 0)
		return 0;
	a = evhttp_find_header(h, "Authorization");
	if (a == NULL || strncasecmp(a, "Bearer ", 7) != 0 ||
	    auth_session(r->srv->db, a + 7, &r->actor) != 0) {
		http_error(r, 401, "unauthenticated",
		    "log in first: the token is missing, wrong or expired");
		return -1;
	}
	if ((r->actor.role & roles) == 0) {
		http_error(r, 403, "forbidden", "your role may not do this");
		return -1;
	}
	return 0;
}

void
http_dispatch(struct evhttp_request *ev, void *arg)
{
	struct server *srv = arg;
	struct req *r;
	const struct evhttp_uri *uri;
	const char *path;
	enum evhttp_cmd_type m = evhttp_request_get_command(ev);
	size_t i, n = http_nroutes;
	int path_known = 0, reading;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		log_fatalx("out of memory");
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	r->ev = ev;
	r->srv = srv;
	r->method = http_method_name(m);
	uri = evhttp_request_get_evhttp_uri(ev);
	path = uri != NULL ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path == '\0')
		path = "/";
	if (strlen(path) >= sizeof(r->path)) {
		snprintf(r->path, sizeof(r->path), "(long)");
		http_error(r, 404, "not_found", "no such path");
		return;
	}
	snprintf(r->path, sizeof(r->path), "%s", path);
	http_conn_seen(srv, evhttp_request_get_connection(ev), 1);
	http_origin(r);
	if (srv->stopping) {
		http_error(r, 503, "unavailable",
		    "the server is shutting down; retry shortly");
		return;
	}
	/* The method first: it is cheaper to compare than the path. */
	for (i = 0; i < n; i++) {
		if (http_routes[i].method != m &&
		    !(m == EVHTTP_REQ_HEAD &&
		        http_routes[i].method == EVHTTP_REQ_GET))
			continue;
		if (!http_match(http_routes[i].pattern, r))
			continue;
		if (http_authenticate(r, http_routes[i].roles) != 0)
			return;
		/* A read answered again needs no snapshot of its own. */
		reading = m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;
		if (reading && http_cache_serve(r, http_routes[i].handler))
			return;
		/* A read sees one snapshot, and takes its locks once. */
		if (reading && db_read_begin(srv->db) != DB_OK)
			reading = 0;
		http_routes[i].handler(r);
		if (reading)
			db_read_end(srv->db);
		return;
	}
	for (i = 0; i < n; i++)
		if (http_match(http_routes[i].pattern, r)) {
			http_unmatch(r);
			path_known = 1;
			break;
		}
	if (path_known)
		http_error(r, 405, "method_not_allowed",
		    "this path does not take that method");
	else
		http_error(r, 404, "not_found", "no such path");
}
