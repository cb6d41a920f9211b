/*
 * Replies: JSON or text with one log line each; deferred ones (a write's
 * until its group commit ends, a throttled log-in's until its timer
 * fires); a fault as the API's error object, with the status its kind
 * is answered with.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>

#include "http_int.h"

static void
http_send(
    struct req *r, int status, const char *type, const char *body, size_t len)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	struct evbuffer *out = evhttp_request_get_output_buffer(r->ev);
	struct timespec t1;
	long us;

	evhttp_add_header(h, "Content-Type", type);
	/* The console's files set their own (http_reply_header). */
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* Over TLS: browsers are to come back only so for a year. */
	if (r->srv->tls != NULL)
		evhttp_add_header(
		    h, "Strict-Transport-Security", "max-age=31536000");
	http_cache_keep(r, status, type, body, len);
	/* evhttp would send a HEAD's body too, after its headers. */
	if (len > 0 && evhttp_request_get_command(r->ev) != EVHTTP_REQ_HEAD &&
	    evbuffer_add(out, body, len) != 0)
		log_fatalx("out of memory");
	http_conn_seen(r->srv, evhttp_request_get_connection(r->ev), -1);
	evhttp_send_reply(r->ev, status, NULL, NULL);
	/* The turn's lines go out in one write, after its requests. */
	if (!r->srv->log_pending) {
		r->srv->log_pending = 1;
		event_active(r->srv->log_ev, EV_TIMEOUT, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	us = (long)(t1.tv_sec - r->t0.tv_sec) * 1000000L +
	    (long)(t1.tv_nsec - r->t0.tv_nsec) / 1000;
	/* A card code is who a household is: it stays out of the log. */
	log_request(r->method,
	    strncmp(r->path, "/api/v1/households/by-card/", 27) == 0
	        ? "/api/v1/households/by-card/*"
	        : r->path,
	    status, us);
	http_req_free(r);
}

/* A header for the reply the handler is about to send. */
void
http_reply_header(struct req *r, const char *name, const char *value)
{
	if (evhttp_add_header(
	        evhttp_request_get_output_headers(r->ev), name, value) != 0)
		log_fatalx("out of memory");
}

void
http_reply_text(
    struct req *r, int status, const char *type, const char *body, size_t len)
{
	http_send(r, status, type, body, len);
}

/* Sends v (consumed) as the JSON reply. */
void
http_reply(struct req *r, int status, cJSON *v)
{
	char *s;

	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		log_fatalx("out of memory");
	cJSON_Delete(v);
	http_send(r, status, "application/json; charset=utf-8", s, strlen(s));
	cJSON_free(s);
}

/* A row read by id (RC from its db_*_by_id) as JSON makes it: 404 with
 * NONE when there is no such row, 500 when the database failed. */
void
http_reply_row(struct req *r, int rc, const void *row,
    cJSON *(*json)(struct db *, const void *, int64_t *), const char *none)
{
	int64_t id;
	cJSON *o;

	if (rc == DB_NONE) {
		http_error(r, 404, "not_found", none);
		return;
	}
	if (rc != DB_OK || (o = json(http_db(r), row, &id)) == NULL) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, o);
}

/* The status a fault is answered with: HTTP knowledge stays here. */
static int
http_status(const struct fault *f)
{
	static const int status[] = {
	    [FAULT_NONE] = 200,
	    [FAULT_BAD] = 400,
	    [FAULT_UNAUTH] = 401,
	    [FAULT_FORBIDDEN] = 403,
	    [FAULT_NOT_FOUND] = 404,
	    [FAULT_METHOD] = 405,
	    [FAULT_CONFLICT] = 409,
	    [FAULT_TOO_LARGE] = 413,
	    [FAULT_MEDIA] = 415,
	    [FAULT_RULE] = 422,
	    [FAULT_INTERNAL] = 500,
	    [FAULT_UNAVAILABLE] = 503,
	    [FAULT_THROTTLED] = 429,
	};

	return status[f->kind];
}

static cJSON *
http_fault_json(const struct fault *f)
{
	cJSON *o, *e, *d;
	int i;

	o = json_new();
	e = json_new();
	d = json_new();
	cJSON_AddItemToObject(o, "error", e);
	json_add_str(e, "code", f->code != NULL ? f->code : "internal");
	json_add_str(e, "message", f->message);
	if (f->field[0] != '\0')
		json_add_str(d, "field", f->field);
	for (i = 0; i < f->ndetails; i++) {
		if (f->details[i].is_str)
			json_add_str(d, f->details[i].key, f->details[i].str);
		else
			json_add_int(d, f->details[i].key, f->details[i].num);
	}
	cJSON_AddItemToObject(e, "details", d);
	return o;
}

void
http_fault(struct req *r, const struct fault *f)
{
	http_reply(r, http_status(f), http_fault_json(f));
}

void
http_error(struct req *r, int status, const char *code, const char *msg)
{
	struct fault f;

	memset(&f, 0, sizeof(f));
	f.code = code;
	snprintf(f.message, sizeof(f.message), "%s", msg);
	http_reply(r, status, http_fault_json(&f));
}

/* 429 throttled: try again in wait_ms (Retry-After, whole seconds). */
void
http_throttled(struct req *r, int64_t wait_ms, const char *msg)
{
	struct fault f;
	char secs[24];

	memset(&f, 0, sizeof(f));
	fault_set(&f, FAULT_THROTTLED, "throttled", "%s", msg);
	fault_num(&f, "retry_after_ms", wait_ms);
	snprintf(
	    secs, sizeof(secs), "%lld", (long long)((wait_ms + 999) / 1000));
	http_reply_header(r, "Retry-After", secs);
	http_fault(r, &f);
}

/* The reply a write gives once its group commit ends (http_batch). */
void
http_defer(struct req *r, int status, cJSON *v)
{
	cJSON_Delete(r->later);
	r->status = status;
	r->later = v;
}

void
http_defer_fault(struct req *r, const struct fault *f)
{
	http_defer(r, http_status(f), http_fault_json(f));
}

/* The deferred reply goes out: a throttled one when its timer fires, a
 * write's once its group commit has ended. */
void
http_reply_deferred(struct req *r)
{
	cJSON *v = r->later;

	r->later = NULL;
	r->srv->pending--;
	http_reply(r, r->status, v != NULL ? v : json_new());
}

static void
http_reply_later_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	http_reply_deferred(arg);
}

/* http_reply, after ms milliseconds (the log-in throttle). */
void
http_reply_later(struct req *r, int status, cJSON *v, int64_t ms)
{
	struct timeval tv;

	if (ms <= 0) {
		http_reply(r, status, v);
		return;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	r->status = status;
	r->later = v;
	r->srv->pending++;
	if (event_base_once(
	        r->srv->base, -1, EV_TIMEOUT, http_reply_later_cb, r, &tv) != 0)
		log_fatalx("event_base_once failed");
}

void
http_fault_later(struct req *r, const struct fault *f, int64_t ms)
{
	http_reply_later(r, http_status(f), http_fault_json(f), ms);
}
