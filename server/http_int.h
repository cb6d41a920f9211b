/*
 * Private to the http layer (http*.c): the server, the request and the
 * route as its files share them, and what they ask of each other.
 * Handlers (res_*.c) see only http.h, where a request is opaque.
 */
#ifndef CISHAN_HTTP_INT_H
#define CISHAN_HTTP_INT_H

#include <sys/queue.h>

#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "http.h"

#define HTTP_ARGS     4
#define HTTP_PATH_MAX 1024

/* Event priorities: requests are read at the middle one; the group commit
 * and the log flush run at the last, once the loop's requests are in. */
#define HTTP_PRIORITIES 3
#define HTTP_PRIO_LAST  2

struct batch;
TAILQ_HEAD(batch_list, batch);

struct server {
	struct event_base *base;
	struct evhttp *http;
	struct evhttp_bound_socket *sock;
	struct db *db;
	int stopping;
	int pending; /* replies waiting: on a timer, a commit or the worker */
	char url[128];
	struct event *batch_ev; /* runs the group commit (http_commit.c) */
	struct batch_list batch;
	int queued;              /* writes in batch */
	int last_batch;          /* writes the last group commit held */
	struct event *worker_ev; /* the worker has results (http_offload.c) */
	struct event *log_ev;    /* writes the turn's log lines at once */
	int log_pending;
	const struct http_opts *opts;
	struct http_conns *conns; /* open connections (http_conn.c) */
	struct http_tls *tls;     /* NULL: plain http (http_tls.c) */
	struct http_cache *cache; /* answers of HTTP_CACHED reads */
};

struct req {
	struct evhttp_request *ev;
	struct server *srv;
	const char *method;
	char path[HTTP_PATH_MAX];
	char *args[HTTP_ARGS]; /* the path's '*' segments, decoded */
	int nargs;
	struct evkeyvalq query; /* parsed on first use (http_query) */
	int has_query;
	cJSON *body;
	int body_read;
	unsigned char body_hash[32];
	struct actor actor;
	char peer[48];
	struct timespec t0;
	int status;     /* of the deferred reply */
	cJSON *later;   /* the deferred reply */
	int cache_keep; /* its answer goes to the cache (http_cache.c) */
	int64_t cache_mark[2];
};

struct route {
	enum evhttp_cmd_type method;
	const char *pattern; /* '*' matches one path segment; a final '**'
	                      * the rest of the path (one byte or more) */
	http_handler handler;
	int roles; /* 0: open to all */
};

/* http.c */
void http_dispatch(struct evhttp_request *, void *);
void http_req_free(struct req *);

/* http_route.c */
extern const struct route http_routes[];
extern const size_t http_nroutes;

/* http_reply.c */
void http_reply_deferred(struct req *);

/* http_cache.c */
struct http_cache *http_cache_new(void);
void http_cache_free(struct http_cache *);
int http_cache_serve(struct req *, http_handler);
void http_cache_keep(struct req *, int, const char *, const char *, size_t);
void http_cache_counts(const struct http_cache *, uint64_t *, uint64_t *);

/* http_commit.c */
void http_commit_init(struct server *);
void http_commit_run(struct server *);
void http_commit_free(struct server *);

/* http_conn.c */
struct http_conns;
int http_conn_default_max(void);
void http_conn_start(struct server *, const struct http_opts *);
void http_conn_stop(struct server *);
void http_conn_seen(struct server *, struct evhttp_connection *, int);

/* http_tls.c */
struct http_tls;
struct bufferevent;
int http_tls_start(struct server *, const char *, const char *);
void http_tls_stop(struct server *);
struct bufferevent *http_tls_bev(struct server *, struct event_base *);

/* http.c */
int http_proxy_is(struct server *, const char *);

/* http_offload.c */
void http_offload_start(struct server *);
void http_offload_stop(struct server *);

#endif
