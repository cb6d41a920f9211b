/*
 * client.c: requests to the server with libevent's evhttp client on the
 * till's loop.  One connection (evhttp queues requests on it and
 * reconnects after the server went away); a timeout makes a dead server
 * a transport failure (status 0) rather than a hang.
 */
#include <sys/queue.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include <openssl/ssl.h>

#include "pos.h"

#define CLIENT_BODY_MAX (1024 * 1024) /* the server's own cap */

struct client {
	struct event_base *base;
	struct evhttp_connection *conn;
	char host[256];
	int port;
	unsigned timeout_ms;
	char token[128];
	size_t inflight;
	int https;
	struct tls *tls; /* https: how the server is verified */
	int stale;       /* an https connection closed: make a new one */
	/* Calls not yet answered: libevent frees a freed connection's
	 * requests without calling back, so client_free frees these. */
	LIST_HEAD(, client_call) calls;
};

struct client_call {
	struct client *c;
	client_cb cb;
	void *arg;
	int done;
	LIST_ENTRY(client_call) entry;
};

struct client *
client_new(struct event_base *base, const char *url, unsigned timeout_ms,
    char *err, size_t errsz)
{
	struct client *c;
	const char *p, *colon;
	char *end;
	long port;

	if (strncmp(url, "http://", 7) != 0 &&
	    strncmp(url, "https://", 8) != 0) {
		snprintf(
		    err, errsz, "--server wants http://HOST:PORT, not %s", url);
		return NULL;
	}
	p = url + (url[4] == 's' ? 8 : 7);
	colon = strrchr(p, ':');
	if (colon == NULL || colon == p || (size_t)(colon - p) >= 256) {
		snprintf(
		    err, errsz, "--server wants http://HOST:PORT, not %s", url);
		return NULL;
	}
	port = strtol(colon + 1, &end, 10);
	if (port < 1 || port > 65535 || (*end != '\0' && strcmp(end, "/"))) {
		snprintf(err, errsz, "bad port in --server %s", url);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	c->base = base;
	c->https = url[4] == 's';
	memcpy(c->host, p, (size_t)(colon - p));
	c->port = (int)port;
	c->timeout_ms = timeout_ms;
	LIST_INIT(&c->calls);
	return c;
}

void
client_free(struct client *c)
{
	struct client_call *call;

	if (c == NULL)
		return;
	if (c->conn != NULL)
		evhttp_connection_free(c->conn);
	while ((call = LIST_FIRST(&c->calls)) != NULL) {
		LIST_REMOVE(call, entry);
		free(call);
	}
	tls_free(c->tls);
	free(c);
}

int
client_tls(struct client *c, const char *ca_file, const char *fingerprint,
    char *err, size_t errsz)
{
	if (!c->https) {
		if (ca_file == NULL && fingerprint == NULL)
			return 0;
		snprintf(err, errsz,
		    "--ca-file and --server-fingerprint want an https:// "
		    "--server");
		return -1;
	}
	if ((c->tls = tls_new(ca_file, fingerprint, err, errsz)) == NULL)
		return -1;
	return 0;
}

static void
client_free_later(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	evhttp_connection_free(arg);
}

/* An https connection that closed cannot be reopened with its old TLS
 * state: the next request makes a new one. */
static void
client_closed(struct evhttp_connection *conn, void *arg)
{
	struct client *c = arg;

	(void)conn;
	c->stale = 1;
}

void
client_token(struct client *c, const char *token)
{
	snprintf(c->token, sizeof(c->token), "%s", token ? token : "");
}

int
client_has_token(const struct client *c)
{
	return c->token[0] != '\0';
}

size_t
client_inflight(const struct client *c)
{
	return c->inflight;
}

static struct evhttp_connection *
client_conn(struct client *c)
{
	struct timeval tv;

	struct bufferevent *bev;
	SSL *ssl;

	if (c->conn != NULL && c->stale) {
		/* Not now: we may be inside one of its callbacks. */
		evhttp_connection_set_closecb(c->conn, NULL, NULL);
		event_base_once(
		    c->base, -1, EV_TIMEOUT, client_free_later, c->conn, NULL);
		c->conn = NULL;
	}
	if (c->conn != NULL)
		return c->conn;
	c->stale = 0;
	if (c->https) {
		if (c->tls == NULL && client_tls(c, NULL, NULL, NULL, 0) != 0)
			return NULL;
		if ((ssl = tls_ssl(c->tls, c->host)) == NULL ||
		    (bev = bufferevent_openssl_socket_new(c->base, -1, ssl,
		         BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE)) ==
		        NULL)
			return NULL;
		bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
		c->conn = evhttp_connection_base_bufferevent_new(
		    c->base, NULL, bev, c->host, (unsigned short)c->port);
		if (c->conn != NULL)
			evhttp_connection_set_closecb(
			    c->conn, client_closed, c);
	} else
		c->conn = evhttp_connection_base_new(
		    c->base, NULL, c->host, (unsigned short)c->port);
	if (c->conn == NULL)
		return NULL;
	tv.tv_sec = c->timeout_ms / 1000;
	tv.tv_usec = (c->timeout_ms % 1000) * 1000;
	evhttp_connection_set_timeout_tv(c->conn, &tv);
	/* No silent retry: a POST is retried by the journal, by client_id. */
	evhttp_connection_set_retries(c->conn, 0);
	return c->conn;
}

static void
client_done(struct evhttp_request *req, void *arg)
{
	struct client_call *call = arg;
	struct client_reply r;
	struct evbuffer *in;
	char *body = NULL;
	size_t len = 0;

	if (call->done)
		return;
	call->done = 1;
	memset(&r, 0, sizeof(r));
	if (req != NULL && evhttp_request_get_response_code(req) > 0) {
		r.status = evhttp_request_get_response_code(req);
		in = evhttp_request_get_input_buffer(req);
		len = evbuffer_get_length(in);
		if (len > CLIENT_BODY_MAX)
			len = CLIENT_BODY_MAX;
		if ((body = malloc(len + 1)) != NULL) {
			evbuffer_copyout(in, body, len);
			body[len] = '\0';
			r.body = body;
			r.len = len;
			r.json = wire_parse(body, len);
		}
	}
	call->c->inflight--;
	if (r.status == 0 && call->c->https)
		call->c->stale = 1;
	LIST_REMOVE(call, entry);
	call->cb(&r, call->arg);
	wire_free(r.json);
	free(body);
	free(call);
}

void
client_escape(const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s != '\0' && o + 4 < size; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~", ch) != NULL)
			out[o++] = (char)ch;
		else {
			out[o++] = '%';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		}
	}
	if (size > 0)
		out[o] = '\0';
}

void
client_page(const char *list, const char *cursor, char *path, size_t size)
{
	char esc[3 * 256];

	if (cursor == NULL) {
		snprintf(path, size, "%s?limit=500", list);
		return;
	}
	client_escape(cursor, esc, sizeof(esc));
	snprintf(path, size, "%s?limit=500&cursor=%s", list, esc);
}

int
client_req(struct client *c, const char *method, const char *path,
    const char *body, client_cb cb, void *arg)
{
	return client_req_as(c, c->token, method, path, body, cb, arg);
}

int
client_req_as(struct client *c, const char *token, const char *method,
    const char *path, const char *body, client_cb cb, void *arg)
{
	struct evhttp_connection *conn = client_conn(c);
	struct client_call *call;
	struct evhttp_request *req;
	struct evkeyvalq *h;
	enum evhttp_cmd_type type;
	char auth[160];

	if (strcmp(method, "GET") == 0)
		type = EVHTTP_REQ_GET;
	else if (strcmp(method, "POST") == 0)
		type = EVHTTP_REQ_POST;
	else if (strcmp(method, "DELETE") == 0)
		type = EVHTTP_REQ_DELETE;
	else
		return -1;
	if (conn == NULL || (call = calloc(1, sizeof(*call))) == NULL)
		return -1;
	call->c = c;
	call->cb = cb;
	call->arg = arg;
	if ((req = evhttp_request_new(client_done, call)) == NULL) {
		free(call);
		return -1;
	}
	LIST_INSERT_HEAD(&c->calls, call, entry);
	h = evhttp_request_get_output_headers(req);
	evhttp_add_header(h, "Host", c->host);
	evhttp_add_header(h, "Accept", "application/json");
	if (token != NULL && token[0] != '\0') {
		snprintf(auth, sizeof(auth), "Bearer %s", token);
		evhttp_add_header(h, "Authorization", auth);
	}
	if (body != NULL) {
		evhttp_add_header(h, "Content-Type", "application/json");
		evbuffer_add(
		    evhttp_request_get_output_buffer(req), body, strlen(body));
	}
	c->inflight++;
	/* On failure evhttp_make_request frees req without calling back. */
	if (evhttp_make_request(conn, req, type, path) != 0) {
		c->inflight--;
		LIST_REMOVE(call, entry);
		free(call);
		return -1;
	}
	return 0;
}
