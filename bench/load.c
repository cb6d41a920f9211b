/*
 * load: an HTTP/1.1 load generator for `make bench`. N keep-alive
 * connections to 127.0.0.1, each with one request in flight, driven by one
 * epoll loop; the latency of every request is kept, and one line of figures
 * is printed:
 *
 *	label=L clients=N requests=R seconds=S rps=X p50_ms=A p99_ms=B
 *	max_ms=C resp_bytes=M errors=E
 *
 * (resp_bytes: the mean size of a response, head and body.)
 *
 * Requests come from --path (one path) or --requests-file (one request a
 * line: "PATH" or "PATH<TAB>BODY", taken in turn by all connections). In
 * paths and bodies, {seq} becomes the request's number in this run, {uuid}
 * a UUID unique to this run and request, {client} the connection's number
 * (0..N-1: a till per connection, say).
 *
 * It runs for --duration seconds after --warmup seconds that are not
 * counted, or for --requests requests, whichever ends first. A response
 * whose status is not --expect (by default: not 2xx) counts as an error;
 * the first is shown on stderr and the exit status is then 1.
 * --show-answer prints the first counted answer's body (its first 511
 * bytes) on a line "answer: ..." after the figures.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "bhttp.h"

#define LOAD_STALL_NS (10 * 1000000000ull)

struct load_req {
	char *path;
	char *body; /* NULL: none */
};

struct load_conn {
	int fd;
	int id;
	int armed_out; /* EPOLLOUT wanted */
	int busy;      /* a request in flight */
	int record;    /* its latency counts */
	uint64_t t0;
	size_t outoff;
	struct bhttp_buf in;
	struct bhttp_buf out;
};

struct load {
	int port;
	int clients;
	int epfd;
	const char *method;
	const char *label;
	char *token;
	struct bhttp_buf headers;
	struct load_req *reqs;
	size_t nreqs;
	size_t next;
	int expect;
	long limit; /* requests to count; -1: no limit */
	uint64_t nonce;
	uint64_t seq;
	uint64_t t_start;
	uint64_t t_measure; /* end of the warm-up */
	uint64_t t_stop;    /* 0: none */
	uint64_t t_last;    /* last counted completion */
	uint64_t t_answer;  /* last answer of any kind */
	long started;       /* counted requests started */
	uint64_t bytes;     /* of the counted responses */
	long errors;
	long reconnects;
	int active;
	struct bhttp_buf expanded;
	uint64_t *lat;
	size_t nlat;
	size_t caplat;
	char firsterr[512];
	int show;         /* --show-answer */
	char answer[512]; /* the first counted response's body */
};

static int
load_usage(void)
{
	fputs("usage: load --url http://127.0.0.1:PORT "
	      "(--path PATH | --requests-file FILE)\n"
	      "\t[--method M] [--body JSON | --body-file FILE]\n"
	      "\t[--token TOKEN | --token-file FILE] [--header 'Name: v']...\n"
	      "\t[--clients N] [--duration S] [--warmup S] [--requests N]\n"
	      "\t[--expect STATUS] [--label NAME] [--show-answer]\n",
	    stderr);
	return 2;
}

static void
load_fatal(const char *what)
{
	fprintf(stderr, "load: %s: %s\n", what, strerror(errno));
	exit(2);
}

static char *
load_strdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		load_fatal("strdup");
	return p;
}

/* Appends tmpl to l->expanded with {seq}, {uuid} and {client} replaced. */
static void
load_expand(struct load *l, const char *tmpl, uint64_t seq, int client)
{
	struct bhttp_buf *b = &l->expanded;
	const char *p = tmpl, *q;
	uint64_t u;

	while ((q = strchr(p, '{')) != NULL) {
		bhttp_buf_add(b, p, (size_t)(q - p));
		if (strncmp(q, "{seq}", 5) == 0) {
			bhttp_buf_printf(b, "%llu", (unsigned long long)seq);
			p = q + 5;
		} else if (strncmp(q, "{client}", 8) == 0) {
			bhttp_buf_printf(b, "%d", client);
			p = q + 8;
		} else if (strncmp(q, "{uuid}", 6) == 0) {
			/* Random per run, then the sequence number. */
			u = l->nonce + seq;
			bhttp_buf_printf(b, "%08x-%04x-4%03x-8%03x-%012llx",
			    (unsigned)(l->nonce >> 32),
			    (unsigned)(l->nonce >> 16) & 0xffff,
			    (unsigned)(l->nonce >> 52) & 0xfff,
			    (unsigned)(l->nonce >> 4) & 0xfff,
			    (unsigned long long)u & 0xffffffffffffull);
			p = q + 6;
		} else {
			bhttp_buf_add(b, q, 1);
			p = q + 1;
		}
	}
	bhttp_buf_str(b, p);
}

static void
load_add_req(struct load *l, const char *path, const char *body)
{
	struct load_req *r;

	if ((r = realloc(l->reqs, (l->nreqs + 1) * sizeof *r)) == NULL)
		load_fatal("realloc");
	l->reqs = r;
	r[l->nreqs].path = load_strdup(path);
	r[l->nreqs].body = body != NULL ? load_strdup(body) : NULL;
	l->nreqs++;
}

static int
load_read_requests(struct load *l, const char *file, const char *body)
{
	char *text, *line, *next, *tab;

	if ((text = bhttp_read_file(file, NULL)) == NULL) {
		fprintf(stderr, "load: cannot read %s\n", file);
		return -1;
	}
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		if ((tab = strchr(line, '\t')) != NULL)
			*tab++ = '\0';
		load_add_req(l, line, tab != NULL ? tab : body);
	}
	free(text);
	return 0;
}

/* The token in a file, without its trailing white space. */
static char *
load_read_token(const char *file)
{
	char *t;
	size_t n;

	if ((t = bhttp_read_file(file, &n)) == NULL)
		return NULL;
	while (
	    n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
		t[--n] = '\0';
	return t;
}

static void
load_record(struct load *l, uint64_t ns)
{
	uint64_t *p;

	if (l->nlat == l->caplat) {
		l->caplat = l->caplat ? l->caplat * 2 : 65536;
		if ((p = realloc(l->lat, l->caplat * sizeof *p)) == NULL)
			load_fatal("realloc");
		l->lat = p;
	}
	l->lat[l->nlat++] = ns;
}

static void __attribute__((format(printf, 2, 3)))
load_error(struct load *l, const char *fmt, ...)
{
	va_list ap;

	l->errors++;
	if (l->firsterr[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(l->firsterr, sizeof l->firsterr, fmt, ap);
	va_end(ap);
}

static void
load_arm(struct load *l, struct load_conn *c, int out)
{
	struct epoll_event ev;

	if (c->armed_out == out)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | (out ? EPOLLOUT : 0);
	ev.data.ptr = c;
	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		load_fatal("epoll_ctl");
	c->armed_out = out;
}

static int
load_open(struct load *l, struct load_conn *c)
{
	struct epoll_event ev;

	if ((c->fd = bhttp_connect(l->port, 1)) == -1)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.ptr = c;
	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, c->fd, &ev) == -1)
		load_fatal("epoll_ctl");
	c->armed_out = 0;
	c->in.len = 0;
	return 0;
}

static void
load_close(struct load_conn *c)
{
	if (c->fd != -1)
		close(c->fd); /* leaves the epoll set with it */
	c->fd = -1;
	c->busy = 0;
}

/* Sends what is left of c->out; -1 when the connection failed. */
static int
load_flush(struct load *l, struct load_conn *c)
{
	ssize_t n;

	while (c->outoff < c->out.len) {
		n = send(c->fd, c->out.p + c->outoff, c->out.len - c->outoff,
		    MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			load_arm(l, c, 1);
			return 0;
		}
		if (n <= 0)
			return -1;
		c->outoff += (size_t)n;
	}
	load_arm(l, c, 0);
	return 0;
}

static int
load_done(const struct load *l, uint64_t now)
{
	if (l->t_stop != 0 && now >= l->t_stop)
		return 1;
	if (l->limit >= 0 && now >= l->t_measure && l->started >= l->limit)
		return 1;
	return 0;
}

/* Starts c's next request, or retires c when the run is over. */
static void
load_next(struct load *l, struct load_conn *c)
{
	const struct load_req *r;
	uint64_t now = bhttp_now_ns();
	const char *body = NULL;
	size_t bodylen = 0;
	char *path;

	if (load_done(l, now) || l->errors > 1000) {
		load_close(c);
		l->active--;
		return;
	}
	if (c->fd == -1 && load_open(l, c) == -1) {
		load_error(l, "connect: %s", strerror(errno));
		l->active--;
		return;
	}
	r = &l->reqs[l->next++ % l->nreqs];
	l->seq++;
	l->expanded.len = 0;
	load_expand(l, r->path, l->seq, c->id);
	bhttp_buf_add(&l->expanded, "", 1);
	if (r->body != NULL) {
		load_expand(l, r->body, l->seq, c->id);
		body = l->expanded.p + strlen(l->expanded.p) + 1;
		bodylen = l->expanded.len - (size_t)(body - l->expanded.p);
	}
	path = l->expanded.p;
	c->out.len = 0;
	bhttp_format(&c->out,
	    l->method != NULL  ? l->method
	        : body != NULL ? "POST"
	                       : "GET",
	    path, l->token, l->headers.len ? l->headers.p : NULL, body,
	    bodylen);
	c->outoff = 0;
	c->busy = 1;
	c->t0 = bhttp_now_ns();
	c->record = c->t0 >= l->t_measure;
	if (c->record)
		l->started++;
	if (load_flush(l, c) == -1) {
		load_error(l, "send: %s", strerror(errno));
		load_close(c);
		l->reconnects++;
		load_next(l, c);
	}
}

static void
load_response(struct load *l, struct load_conn *c, const struct bhttp_resp *r)
{
	uint64_t now = bhttp_now_ns();
	int ok;

	ok = l->expect ? r->status == l->expect
	               : r->status >= 200 && r->status < 300;
	if (!ok) {
		char snippet[300];
		size_t n = r->bodylen < sizeof snippet - 1 ? r->bodylen
		                                           : sizeof snippet - 1;

		memcpy(snippet, c->in.p + r->body, n);
		snippet[n] = '\0';
		load_error(l, "status %d: %s", r->status, snippet);
	}
	l->t_answer = now;
	if (c->record && l->show && l->nlat == 0) {
		size_t n = r->bodylen < sizeof l->answer - 1
		    ? r->bodylen
		    : sizeof l->answer - 1;

		memcpy(l->answer, c->in.p + r->body, n);
		l->answer[n] = '\0';
	}
	if (c->record) {
		load_record(l, now - c->t0);
		l->bytes += r->total;
		l->t_last = now;
	}
	c->busy = 0;
	bhttp_buf_consume(&c->in, r->total);
	if (r->close) {
		load_close(c);
		l->reconnects++;
	}
	load_next(l, c);
}

static void
load_readable(struct load *l, struct load_conn *c)
{
	struct bhttp_resp r;
	ssize_t n;
	int rc;

	for (;;) {
		bhttp_buf_reserve(&c->in, 65536);
		n = recv(
		    c->fd, c->in.p + c->in.len, c->in.cap - c->in.len - 1, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			load_error(l, "connection: %s",
			    n == 0 ? "closed by server" : strerror(errno));
			load_close(c);
			l->reconnects++;
			load_next(l, c);
			return;
		}
		c->in.len += (size_t)n;
		c->in.p[c->in.len] = '\0';
	}
	if (!c->busy)
		return;
	rc = bhttp_parse(c->in.p, c->in.len, &r);
	if (rc == 0)
		return;
	if (rc == -1) {
		load_error(l, "malformed response");
		load_close(c);
		l->reconnects++;
		load_next(l, c);
		return;
	}
	load_response(l, c, &r);
}

static int
load_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile q (0..1) of the sorted latencies, in ms. */
static double
load_pct(const struct load *l, double q)
{
	size_t i;

	if (l->nlat == 0)
		return 0;
	i = (size_t)(q * (double)l->nlat + 0.999999);
	if (i < 1)
		i = 1;
	if (i > l->nlat)
		i = l->nlat;
	return (double)l->lat[i - 1] / 1e6;
}

static int
load_run(struct load *l, double duration, double warmup)
{
	struct epoll_event evs[64];
	struct load_conn *conns;
	struct load_conn *c;
	double secs;
	int i, n;

	if ((conns = calloc((size_t)l->clients, sizeof *conns)) == NULL)
		load_fatal("calloc");
	if ((l->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		load_fatal("epoll_create1");
	l->t_start = bhttp_now_ns();
	l->t_measure = l->t_start + (uint64_t)(warmup * 1e9);
	l->t_stop =
	    duration > 0 ? l->t_measure + (uint64_t)(duration * 1e9) : 0;
	l->active = l->clients;
	/* All connected before the first request: connect is not measured. */
	for (i = 0; i < l->clients; i++) {
		conns[i].fd = -1;
		conns[i].id = i;
		if (load_open(l, &conns[i]) == -1) {
			fprintf(stderr, "load: cannot connect to port %d: %s\n",
			    l->port, strerror(errno));
			exit(2);
		}
	}
	for (i = 0; i < l->clients; i++)
		load_next(l, &conns[i]);
	l->t_answer = bhttp_now_ns();
	while (l->active > 0) {
		n = epoll_wait(l->epfd, evs, 64, 100);
		if (n == -1 && errno != EINTR)
			load_fatal("epoll_wait");
		if (bhttp_now_ns() - l->t_answer > LOAD_STALL_NS) {
			/* A server that answers nothing ends the run. */
			for (i = 0; i < l->clients; i++)
				if (conns[i].busy) {
					load_error(l, "no answer in %d s",
					    (int)(LOAD_STALL_NS / 1000000000));
					load_close(&conns[i]);
				}
			break;
		}
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c->fd == -1)
				continue;
			if ((evs[i].events & EPOLLOUT) &&
			    load_flush(l, c) == -1) {
				load_error(l, "send: %s", strerror(errno));
				load_close(c);
				l->reconnects++;
				load_next(l, c);
				continue;
			}
			if (evs[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))
				load_readable(l, c);
		}
	}
	qsort(l->lat, l->nlat, sizeof *l->lat, load_cmp);
	secs = l->nlat > 0 && l->t_last > l->t_measure
	    ? (double)(l->t_last - l->t_measure) / 1e9
	    : 0;
	printf("label=%s clients=%d requests=%zu seconds=%.3f rps=%.1f "
	       "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f resp_bytes=%.0f "
	       "errors=%ld\n",
	    l->label, l->clients, l->nlat, secs,
	    secs > 0 ? (double)l->nlat / secs : 0, load_pct(l, 0.50),
	    load_pct(l, 0.99), l->nlat ? (double)l->lat[l->nlat - 1] / 1e6 : 0,
	    l->nlat ? (double)l->bytes / (double)l->nlat : 0, l->errors);
	if (l->show)
		printf("answer: %s\n", l->answer);
	fflush(stdout);
	if (l->errors > 0)
		fprintf(stderr, "load: %s: %ld errors; first: %s\n", l->label,
		    l->errors, l->firsterr);
	for (i = 0; i < l->clients; i++) {
		load_close(&conns[i]);
		bhttp_buf_free(&conns[i].in);
		bhttp_buf_free(&conns[i].out);
	}
	free(conns);
	close(l->epfd);
	return l->errors > 0 ? 1 : 0;
}

static void
load_free(struct load *l)
{
	size_t i;

	for (i = 0; i < l->nreqs; i++) {
		free(l->reqs[i].path);
		free(l->reqs[i].body);
	}
	free(l->reqs);
	free(l->token);
	free(l->lat);
	bhttp_buf_free(&l->headers);
	bhttp_buf_free(&l->expanded);
}

static int
load_number(const char *s, double lo, double hi, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return *end != '\0' || end == s || !(*out >= lo && *out <= hi) ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct load l;
	const char *path = NULL, *file = NULL, *url = NULL;
	char *body = NULL;
	double duration = -1, warmup = -1, v;
	int i, rc = 2;

	memset(&l, 0, sizeof l);
	l.clients = 1;
	l.limit = -1;
	l.label = "load";
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i],
		           *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (arg == NULL && strcmp(opt, "--show-answer") != 0)
			goto usage;
		i++;
		if (strcmp(opt, "--url") == 0)
			url = arg;
		else if (strcmp(opt, "--path") == 0)
			path = arg;
		else if (strcmp(opt, "--requests-file") == 0)
			file = arg;
		else if (strcmp(opt, "--method") == 0)
			l.method = arg;
		else if (strcmp(opt, "--label") == 0)
			l.label = arg;
		else if (strcmp(opt, "--body") == 0) {
			free(body);
			body = load_strdup(arg);
		} else if (strcmp(opt, "--body-file") == 0) {
			free(body);
			if ((body = bhttp_read_file(arg, NULL)) == NULL)
				goto usage;
		} else if (strcmp(opt, "--token") == 0) {
			free(l.token);
			l.token = load_strdup(arg);
		} else if (strcmp(opt, "--token-file") == 0) {
			free(l.token);
			if ((l.token = load_read_token(arg)) == NULL)
				goto usage;
		} else if (strcmp(opt, "--show-answer") == 0) {
			l.show = 1;
			i--;
		} else if (strcmp(opt, "--header") == 0)
			bhttp_buf_printf(&l.headers, "%s\r\n", arg);
		else if (strcmp(opt, "--clients") == 0 &&
		    load_number(arg, 1, 1024, &v) == 0)
			l.clients = (int)v;
		else if (strcmp(opt, "--duration") == 0 &&
		    load_number(arg, 0.01, 600, &v) == 0)
			duration = v;
		else if (strcmp(opt, "--warmup") == 0 &&
		    load_number(arg, 0, 60, &v) == 0)
			warmup = v;
		else if (strcmp(opt, "--requests") == 0 &&
		    load_number(arg, 1, 1e9, &v) == 0)
			l.limit = (long)v;
		else if (strcmp(opt, "--expect") == 0 &&
		    load_number(arg, 100, 599, &v) == 0)
			l.expect = (int)v;
		else
			goto usage;
	}
	if (url == NULL || (l.port = bhttp_url_port(url)) == -1 ||
	    (path == NULL) == (file == NULL))
		goto usage;
	if (path != NULL)
		load_add_req(&l, path, body);
	else if (load_read_requests(&l, file, body) == -1)
		goto out;
	if (l.nreqs == 0)
		goto usage;
	if (duration < 0 && l.limit < 0)
		duration = 3;
	if (warmup < 0)
		warmup = duration > 0 ? 0.5 : 0;
	if (getrandom(&l.nonce, sizeof l.nonce, 0) != sizeof l.nonce)
		l.nonce = (uint64_t)bhttp_now_ns() ^ (uint64_t)getpid();
	rc = load_run(&l, duration, warmup);
	goto out;
usage:
	rc = load_usage();
out:
	free(body);
	load_free(&l);
	return rc;
}
