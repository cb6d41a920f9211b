/*
 * bare: the baseline for `make bench`. One event_base, one evhttp, and a
 * handler that answers every request with the same small JSON body: what
 * any handler of the real server costs at the least on this machine.
 *
 *	bare --listen 127.0.0.1:0
 *
 * prints "listening on http://127.0.0.1:PORT" like cishan-server and exits
 * 0 on SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

static const char bare_body[] = "{\"status\":\"ok\"}";

static void
bare_handle(struct evhttp_request *req, void *arg)
{
	struct evbuffer *out = arg;

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json");
	evbuffer_add_reference(
	    out, bare_body, sizeof bare_body - 1, NULL, NULL);
	evhttp_send_reply(req, 200, "OK", out);
}

static void
bare_stop(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	event_base_loopexit(arg, NULL);
}

static int
bare_usage(void)
{
	fputs("usage: bare --listen 127.0.0.1:PORT\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	struct event_base *base = NULL;
	struct evhttp *http = NULL;
	struct evhttp_bound_socket *bound;
	struct event *sigterm = NULL, *sigint = NULL;
	struct evbuffer *out = NULL;
	struct sockaddr_in sin;
	socklen_t slen = sizeof sin;
	char host[64], *colon, *end;
	long port;
	int rc = 1;

	if (argc != 3 || strcmp(argv[1], "--listen") != 0 ||
	    strlen(argv[2]) >= sizeof host)
		return bare_usage();
	strcpy(host, argv[2]);
	if ((colon = strrchr(host, ':')) == NULL)
		return bare_usage();
	*colon = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end != '\0' || port < 0 || port > 65535)
		return bare_usage();

	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL ||
	    (http = evhttp_new(base)) == NULL || (out = evbuffer_new()) == NULL)
		goto fail;
	evhttp_set_allowed_methods(http,
	    EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	        EVHTTP_REQ_PATCH | EVHTTP_REQ_DELETE | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(http, bare_handle, out);
	bound = evhttp_bind_socket_with_handle(http, host, (ev_uint16_t)port);
	if (bound == NULL) {
		fprintf(stderr, "bare: cannot listen on %s\n", argv[2]);
		goto fail;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bound),
	        (struct sockaddr *)&sin, &slen) == -1)
		goto fail;
	sigterm = evsignal_new(base, SIGTERM, bare_stop, base);
	sigint = evsignal_new(base, SIGINT, bare_stop, base);
	if (sigterm == NULL || sigint == NULL || evsignal_add(sigterm, NULL) ||
	    evsignal_add(sigint, NULL))
		goto fail;
	printf("listening on http://%s:%u\n", host, ntohs(sin.sin_port));
	fflush(stdout);
	if (event_base_dispatch(base) == -1)
		goto fail;
	rc = 0;
fail:
	if (sigterm != NULL)
		event_free(sigterm);
	if (sigint != NULL)
		event_free(sigint);
	if (http != NULL)
		evhttp_free(http);
	if (out != NULL)
		evbuffer_free(out);
	if (base != NULL)
		event_base_free(base);
	return rc;
}
