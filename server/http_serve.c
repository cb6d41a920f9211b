/*
 * The server's loop: the event base and its priorities, bind (port 0: a
 * free one, said on stdout as "listening on"), TCP_NODELAY, the turn's
 * log lines flushed at once, and a graceful stop on SIGTERM or SIGINT.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"
#include "notify.h"

#define HTTP_READ_MAX    (8 * 1024 * 1024) /* beyond: evhttp's own 413 */
#define HTTP_HEADERS_MAX (32 * 1024)

/* The turn's log lines, gathered by log_hold, in one write. */
static void
http_serve_log_cb(evutil_socket_t fd, short what, void *arg)
{
	struct server *srv = arg;

	(void)fd;
	(void)what;
	srv->log_pending = 0;
	log_flush();
}

static void
http_serve_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct server *srv = arg;
	struct timeval tv = {1, 0};

	(void)what;
	log_info("signal %d: finishing requests in flight", (int)sig);
	if (!srv->stopping)
		notify_stopping();
	srv->stopping = 1;
	http_commit_run(srv);
	if (srv->sock != NULL) {
		evhttp_del_accept_socket(srv->http, srv->sock);
		srv->sock = NULL;
	}
	/* The group commit has just answered its writes; a throttled reply
	 * or a log-in on the worker may still wait: they get a second. */
	event_base_loopexit(srv->base, srv->pending > 0 ? &tv : NULL);
}

/*
 * --auto-grant: the month's grant by the server itself, at start-up when
 * the month has none yet, then as each month begins. It runs here, on
 * the loop, between requests, in its own transaction like a grant by
 * hand; points_grant_auto leaves a month that ran (by hand or not)
 * alone, so no two runs grant it. The timer wakes at least hourly, so
 * a clock set forward or back is caught within the hour.
 */
#define HTTP_GRANT_WAKE_MAX 3600 /* seconds */
#define HTTP_GRANT_RETRY    60   /* after a failed run */

static struct event *http_serve_grant_ev;

static void
http_serve_grant(struct server *srv)
{
	struct db_grant_run run;
	struct timeval tv = {0, 0};
	char period[CLOCK_PERIOD_LEN];
	int64_t wait;
	int ran;

	if (srv->stopping)
		return;
	if (points_grant_auto(srv->db, period, &run, &ran) != 0) {
		log_warnx("auto-grant: the grant of %s failed; again in %d s",
		    period, HTTP_GRANT_RETRY);
		wait = HTTP_GRANT_RETRY;
	} else {
		if (ran)
			log_info(
			    "auto-grant: %s: %lld households, %lld points; "
			    "%lld households' %lld unused points expired",
			    period, (long long)run.households,
			    (long long)run.points,
			    (long long)run.expired_households,
			    (long long)run.expired_points);
		wait = points_grant_due();
		if (wait > HTTP_GRANT_WAKE_MAX)
			wait = HTTP_GRANT_WAKE_MAX;
	}
	tv.tv_sec = (time_t)wait;
	event_add(http_serve_grant_ev, &tv);
}

static void
http_serve_grant_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	http_serve_grant(arg);
}

static int
http_serve_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0 || strcmp(host, "localhost") == 0;
}

/* Binds host:port (port 0: any free one) and serves until a signal. */
int
http_serve(struct db *db, const struct http_opts *o)
{
	const char *listen = o->listen;
	int auto_grant = o->auto_grant;
	struct server srv;
	struct event *sigterm = NULL, *sigint = NULL;
	uint64_t hits, misses;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[64], addr[INET6_ADDRSTRLEN];
	const char *colon;
	long port;
	char *end;
	struct event_config *cfg;
	int rc = -1, p, one = 1;

	memset(&srv, 0, sizeof(srv));
	srv.db = db;
	srv.opts = o;
	colon = strrchr(listen, ':');
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host)) {
		log_warnx("--listen wants HOST:PORT, not %s", listen);
		return -1;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535) {
		log_warnx("bad port in %s", listen);
		return -1;
	}
	if ((o->tls_cert != NULL) != (o->tls_key != NULL)) {
		log_warnx("--tls-cert and --tls-key go together");
		return -1;
	}
	/* Passwords and tokens cross the shop's network only encrypted. */
	if (o->tls_cert == NULL && !o->plain_http &&
	    !http_serve_loopback(host)) {
		log_warnx("plain http is served on loopback only: give "
		          "--tls-cert and --tls-key for %s, or --plain-http",
		    host);
		return -1;
	}
	if (o->tls_cert != NULL &&
	    http_tls_start(&srv, o->tls_cert, o->tls_key) != 0)
		return -1;
	/* A precise clock: libevent's coarse one fires timers up to a tick
	 * early, and a throttled log-in is promised its whole wait. */
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) != 0 ||
	    (srv.base = event_base_new_with_config(cfg)) == NULL ||
	    (srv.http = evhttp_new(srv.base)) == NULL)
		log_fatalx("libevent: out of memory");
	event_config_free(cfg);
	evhttp_set_max_body_size(srv.http, HTTP_READ_MAX);
	evhttp_set_max_headers_size(srv.http, HTTP_HEADERS_MAX);
	evhttp_set_timeout(srv.http, 30);
	evhttp_set_allowed_methods(srv.http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	        EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD |
	        EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(srv.http, http_dispatch, &srv);
	srv.sock =
	    evhttp_bind_socket_with_handle(srv.http, host, (ev_uint16_t)port);
	if (srv.sock == NULL) {
		log_warnx("cannot listen on %s", listen);
		goto out;
	}
	/* Replies go out whole at once: without this a reply over one
	 * segment waits on the client's delayed ACK (40 ms). Accepted
	 * sockets inherit it. */
	if (setsockopt(evhttp_bound_socket_get_fd(srv.sock), IPPROTO_TCP,
	        TCP_NODELAY, &one, sizeof(one)) != 0)
		log_warn("TCP_NODELAY");
	if (getsockname(evhttp_bound_socket_get_fd(srv.sock),
	        (struct sockaddr *)&ss, &sl) != 0)
		log_fatal("getsockname");
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    addr, sizeof(addr));
		p = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(srv.url, sizeof(srv.url), "%s://[%s]:%d",
		    srv.tls != NULL ? "https" : "http", addr, p);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, addr,
		    sizeof(addr));
		p = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(srv.url, sizeof(srv.url), "%s://%s:%d",
		    srv.tls != NULL ? "https" : "http", addr, p);
	}
	if (event_base_priority_init(srv.base, HTTP_PRIORITIES) != 0)
		log_fatalx("libevent: priorities");
	http_conn_start(&srv, o);
	cardlog_set_max(o->card_lookups);
	http_commit_init(&srv);
	srv.cache = http_cache_new();
	if ((srv.log_ev = event_new(
	         srv.base, -1, 0, http_serve_log_cb, &srv)) == NULL ||
	    event_priority_set(srv.log_ev, HTTP_PRIO_LAST) != 0)
		log_fatalx("libevent: log event");
	log_hold(1);
	http_offload_start(&srv);
	sigterm = evsignal_new(srv.base, SIGTERM, http_serve_signal_cb, &srv);
	sigint = evsignal_new(srv.base, SIGINT, http_serve_signal_cb, &srv);
	/* First of all: a flood never keeps SIGTERM waiting. */
	if (sigterm == NULL || sigint == NULL ||
	    event_priority_set(sigterm, 0) != 0 ||
	    event_priority_set(sigint, 0) != 0 || evsignal_add(sigterm, NULL) ||
	    evsignal_add(sigint, NULL))
		log_fatalx("libevent: signals");
	/* Before "listening on": this month is granted when clients come. */
	if (auto_grant) {
		if ((http_serve_grant_ev = evtimer_new(
		         srv.base, http_serve_grant_cb, &srv)) == NULL)
			log_fatalx("libevent: grant timer");
		http_serve_grant(&srv);
	}
	printf("listening on %s\n", srv.url);
	fflush(stdout);
	/* The database is open and the socket bound: a unit may go on. */
	notify_ready(srv.url);
	event_base_dispatch(srv.base);
	rc = 0;
	http_cache_counts(srv.cache, &hits, &misses);
	log_info("stopped; the read cache answered %llu of %llu reads",
	    (unsigned long long)hits, (unsigned long long)(hits + misses));
out:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (http_serve_grant_ev != NULL)
		event_free(http_serve_grant_ev);
	http_serve_grant_ev = NULL;
	http_commit_free(&srv);
	http_cache_free(srv.cache);
	http_offload_stop(&srv);
	log_hold(0);
	if (srv.log_ev != NULL)
		event_free(srv.log_ev);
	evhttp_free(srv.http); /* closes the connections: before conn_stop */
	http_conn_stop(&srv);
	http_tls_stop(&srv);
	event_base_free(srv.base);
	return rc;
}
