/*
 * Connections: how many are open, in all and per address, and how long
 * one may take to send a request. evhttp accepts; each new connection's
 * bufferevent is made here (evhttp_set_bevcb), and a check at the
 * highest priority, right after the accept, reads its address and closes
 * it at once past a cap. An accept that fails for want of descriptors
 * (EMFILE, ENFILE) pauses the listener briefly instead of spinning on it,
 * and is logged at most once a second.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/bufferevent.h>
#include <event2/buffer.h>
#include <event2/listener.h>

#include "http_int.h"

#define HTTP_CONN_RESERVE      32  /* descriptors kept for the db, logs, ... */
#define HTTP_CONN_MIN          8   /* the least --max-connections by default */
#define HTTP_CONN_PAUSE_MS     100 /* the listener rests after EMFILE */
#define HTTP_CONN_SWEEP_SEC    1
#define HTTP_CONN_PER_ADDRESS  32 /* --max-per-address by default */
#define HTTP_CONN_REQUEST_SECS 30 /* --request-timeout by default */

struct http_conns;

struct http_conn {
	TAILQ_ENTRY(http_conn) next;
	struct http_conns *cs;
	struct bufferevent *bev;
	struct evhttp_connection *evcon; /* once checked */
	evutil_socket_t fd;
	ino_t ino; /* the socket's: a reused fd is another one */
	char addr[48];
	int64_t since_ms; /* opened, or its last request began or ended */
	int busy;         /* requests in the handler, awaiting their reply */
	int checked;
};
TAILQ_HEAD(http_conn_list, http_conn);

struct http_conns {
	struct server *srv;
	struct http_conn_list list;
	int open, max, per_addr, request_secs;
	struct event *check_ev, *sweep_ev, *resume_ev;
	struct evconnlistener *lev;
	int64_t last_log_ms;
	long refused, failed; /* since the last log line */
};

/* The listener's error callback gets evhttp's argument, not ours. */
static struct http_conns *http_conns_current;

static int64_t
http_conn_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The default cap: the open-file limit less a reserve. */
int
http_conn_default_max(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 4096;
	n = rl.rlim_cur > HTTP_CONN_RESERVE + HTTP_CONN_MIN
	    ? rl.rlim_cur - HTTP_CONN_RESERVE
	    : HTTP_CONN_MIN;
	return n > 1000000 ? 1000000 : (int)n;
}

static void
http_conn_unlink(struct http_conns *cs, struct http_conn *c)
{
	TAILQ_REMOVE(&cs->list, c, next);
	cs->open--;
	free(c);
}

/* evhttp frees the connection: it is no longer counted. */
static void
http_conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http_conn *c = arg;
	struct http_conns *cs = c->cs;

	(void)evcon;
	http_conn_unlink(cs, c);
}

/* Logs the refusals and failed accepts of the last second, at most once
 * a second: a flood never floods the log. */
static void
http_conn_log(struct http_conns *cs)
{
	int64_t now = http_conn_ms();

	if (now - cs->last_log_ms < 1000 ||
	    (cs->refused == 0 && cs->failed == 0))
		return;
	log_warnx("connections: %d open (cap %d, %d per address); %ld "
	          "refused past a cap, %ld accepts failed (out of "
	          "descriptors) since the last such line",
	    cs->open, cs->max, cs->per_addr, cs->refused, cs->failed);
	cs->last_log_ms = now;
	cs->refused = cs->failed = 0;
	/* Held lines go out after a reply; a flood may bring none. */
	if (!cs->srv->log_pending && cs->srv->log_ev != NULL) {
		cs->srv->log_pending = 1;
		event_active(cs->srv->log_ev, EV_TIMEOUT, 0);
	}
}

static int
http_conn_same_socket(const struct http_conn *c)
{
	struct stat st;

	return fstat(c->fd, &st) == 0 && st.st_ino == c->ino;
}

/* Right after the accept: the new connections' addresses, and the caps. */
static void
http_conn_check_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conns *cs = arg;
	struct http_conn *c, *o, *tmp;
	struct sockaddr_storage ss;
	socklen_t sl;
	struct stat st;
	void *cbarg;
	int same, refuse;

	(void)fd;
	(void)what;
	for (c = TAILQ_FIRST(&cs->list); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, next);
		if (c->checked)
			continue;
		c->checked = 1;
		c->fd = bufferevent_getfd(c->bev);
		bufferevent_getcb(c->bev, NULL, NULL, NULL, &cbarg);
		c->evcon = cbarg;
		sl = sizeof(ss);
		if (c->fd < 0 || c->evcon == NULL || fstat(c->fd, &st) != 0 ||
		    getpeername(c->fd, (struct sockaddr *)&ss, &sl) != 0) {
			/* Not a connection evhttp kept: nothing to count. */
			http_conn_unlink(cs, c);
			continue;
		}
		c->ino = st.st_ino;
		if (ss.ss_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((struct sockaddr_in6 *)&ss)->sin6_addr, c->addr,
			    sizeof(c->addr));
		else
			inet_ntop(AF_INET,
			    &((struct sockaddr_in *)&ss)->sin_addr, c->addr,
			    sizeof(c->addr));
		evhttp_connection_set_closecb(c->evcon, http_conn_closed, c);
		same = 0;
		TAILQ_FOREACH(o, &cs->list, next)
		if (o != c && o->checked && strcmp(o->addr, c->addr) == 0)
			same++;
		refuse = cs->open > cs->max;
		/* A trusted proxy speaks for many: only the total caps it. */
		if (!http_proxy_is(cs->srv, c->addr) && same >= cs->per_addr)
			refuse = 1;
		if (refuse) {
			cs->refused++;
			evhttp_connection_free(
			    c->evcon); /* its closecb unlinks */
		}
	}
	http_conn_log(cs);
}

/* evhttp's new connection: its bufferevent (TLS or not), counted. */
static struct bufferevent *
http_conn_bev_cb(struct event_base *base, void *arg)
{
	struct http_conns *cs = arg;
	struct http_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		log_fatalx("out of memory");
	c->cs = cs;
	c->fd = -1;
	c->since_ms = http_conn_ms();
	c->bev = cs->srv->tls != NULL
	    ? http_tls_bev(cs->srv, base)
	    : bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		log_fatalx("libevent: a connection's bufferevent");
	TAILQ_INSERT_TAIL(&cs->list, c, next);
	cs->open++;
	event_active(cs->check_ev, EV_TIMEOUT, 0);
	return c->bev;
}

static void
http_conn_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conns *cs = arg;

	(void)fd;
	(void)what;
	if (!cs->srv->stopping && cs->srv->sock != NULL)
		evconnlistener_enable(cs->lev);
}

/* accept() failed (the retriable errors never come here): out of
 * descriptors, most likely. Rest the listener instead of spinning. */
static void
http_conn_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct http_conns *cs = http_conns_current;
	struct timeval tv = {0, HTTP_CONN_PAUSE_MS * 1000};
	int err = EVUTIL_SOCKET_ERROR();

	(void)arg;
	if (cs == NULL)
		return;
	cs->failed++;
	if (err != EMFILE && err != ENFILE && err != ENOBUFS && err != ENOMEM &&
	    http_conn_ms() - cs->last_log_ms >= 1000) {
		log_warnx("accept: %s", evutil_socket_error_to_string(err));
		cs->last_log_ms = http_conn_ms();
	}
	evconnlistener_disable(lev);
	evtimer_add(cs->resume_ev, &tv);
	http_conn_log(cs);
}

/* A request on evcon began (+1) or is answered (-1): the connection's
 * clock starts again. */
void
http_conn_seen(struct server *srv, struct evhttp_connection *evcon, int d)
{
	struct http_conn *c;

	if (srv->conns == NULL || evcon == NULL)
		return;
	TAILQ_FOREACH(c, &srv->conns->list, next)
	if (c->evcon == evcon) {
		c->since_ms = http_conn_ms();
		if (c->busy + d >= 0)
			c->busy += d;
		break;
	}
}

/*
 * Once a second: a connection that has not sent a whole request within
 * --request-timeout of opening or of its last one (a header or body
 * sent a byte at a time) is closed, unless its reply is still going out.
 */
static void
http_conn_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct http_conns *cs = arg;
	struct http_conn *c, *tmp;
	int64_t now = http_conn_ms(), limit = cs->request_secs * 1000LL;

	(void)fd;
	(void)what;
	for (c = TAILQ_FIRST(&cs->list); c != NULL; c = tmp) {
		tmp = TAILQ_NEXT(c, next);
		if (!c->checked)
			continue;
		/* Freed without a word from evhttp: its socket is gone. */
		if (!http_conn_same_socket(c)) {
			http_conn_unlink(cs, c);
			continue;
		}
		if (now - c->since_ms <= limit ||
		    evbuffer_get_length(bufferevent_get_output(c->bev)) > 0 ||
		    c->busy > 0)
			continue;
		evhttp_connection_free(c->evcon);
	}
	http_conn_log(cs);
}

void
http_conn_start(struct server *srv, const struct http_opts *o)
{
	struct http_conns *cs;
	struct timeval tv = {HTTP_CONN_SWEEP_SEC, 0};

	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		log_fatalx("out of memory");
	cs->srv = srv;
	TAILQ_INIT(&cs->list);
	cs->max = o->max_connections > 0 ? o->max_connections
	                                 : http_conn_default_max();
	cs->per_addr =
	    o->max_per_address > 0 ? o->max_per_address : HTTP_CONN_PER_ADDRESS;
	cs->request_secs = o->request_timeout > 0 ? o->request_timeout
	                                          : HTTP_CONN_REQUEST_SECS;
	cs->lev = evhttp_bound_socket_get_listener(srv->sock);
	if ((cs->check_ev = event_new(
	         srv->base, -1, 0, http_conn_check_cb, cs)) == NULL ||
	    event_priority_set(cs->check_ev, 0) != 0 ||
	    (cs->sweep_ev = event_new(
	         srv->base, -1, EV_PERSIST, http_conn_sweep_cb, cs)) == NULL ||
	    event_add(cs->sweep_ev, &tv) != 0 ||
	    (cs->resume_ev = evtimer_new(srv->base, http_conn_resume_cb, cs)) ==
	        NULL)
		log_fatalx("libevent: connection events");
	srv->conns = cs;
	http_conns_current = cs;
	evhttp_set_bevcb(srv->http, http_conn_bev_cb, cs);
	evconnlistener_set_error_cb(cs->lev, http_conn_accept_error_cb);
	log_info("connections: at most %d open, %d per address; a request "
	         "within %d s",
	    cs->max, cs->per_addr, cs->request_secs);
}

/* After evhttp_free (which closed every connection). */
void
http_conn_stop(struct server *srv)
{
	struct http_conns *cs = srv->conns;
	struct http_conn *c;

	if (cs == NULL)
		return;
	while ((c = TAILQ_FIRST(&cs->list)) != NULL)
		http_conn_unlink(cs, c);
	event_free(cs->check_ev);
	event_free(cs->sweep_ev);
	event_free(cs->resume_ev);
	free(cs);
	srv->conns = NULL;
	http_conns_current = NULL;
}
