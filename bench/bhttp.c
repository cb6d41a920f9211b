/*
 * bhttp: request formatting, response parsing and a blocking round trip
 * for the bench tools (load, seed). Loopback only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bhttp.h"

static void
bhttp_oom(void)
{
	fputs("bench: out of memory\n", stderr);
	exit(2);
}

void
bhttp_buf_free(struct bhttp_buf *b)
{
	if (b == NULL)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
bhttp_buf_reserve(struct bhttp_buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	if ((p = realloc(b->p, cap)) == NULL)
		bhttp_oom();
	b->p = p;
	b->cap = cap;
}

void
bhttp_buf_add(struct bhttp_buf *b, const void *data, size_t n)
{
	bhttp_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
bhttp_buf_str(struct bhttp_buf *b, const char *s)
{
	bhttp_buf_add(b, s, strlen(s));
}

void
bhttp_buf_printf(struct bhttp_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	bhttp_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Drops the first n bytes. */
void
bhttp_buf_consume(struct bhttp_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		if (b->p != NULL)
			b->p[0] = '\0';
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

uint64_t
bhttp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The port of "http://127.0.0.1:PORT[/...]" (or localhost); -1 for any
 * other host: the bench tools never leave this machine.
 */
int
bhttp_url_port(const char *url)
{
	static const char *hosts[] = {"http://127.0.0.1:", "http://localhost:"};
	const char *p = NULL;
	char *end;
	size_t i;
	long port;

	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		if (strncmp(url, hosts[i], strlen(hosts[i])) == 0) {
			p = url + strlen(hosts[i]);
			break;
		}
	}
	if (p == NULL)
		return -1;
	errno = 0;
	port = strtol(p, &end, 10);
	if (errno != 0 || end == p || port < 1 || port > 65535 ||
	    (*end != '\0' && *end != '/'))
		return -1;
	return (int)port;
}

/* A TCP connection to 127.0.0.1:port, Nagle off; -1 on failure. */
int
bhttp_connect(int port, int nonblock)
{
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1) {
		close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (nonblock &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Appends one request to out. headers is NULL or whole header lines, each
 * ending in CRLF; token NULL or a bearer token; body NULL for none.
 */
void
bhttp_format(struct bhttp_buf *out, const char *method, const char *path,
    const char *token, const char *headers, const char *body, size_t bodylen)
{
	bhttp_buf_printf(
	    out, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n", method, path);
	if (token != NULL)
		bhttp_buf_printf(out, "Authorization: Bearer %s\r\n", token);
	if (headers != NULL)
		bhttp_buf_str(out, headers);
	if (body != NULL)
		bhttp_buf_printf(out,
		    "Content-Type: application/json\r\n"
		    "Content-Length: %zu\r\n",
		    bodylen);
	bhttp_buf_str(out, "\r\n");
	if (body != NULL)
		bhttp_buf_add(out, body, bodylen);
}

static int
bhttp_header_is(const char *line, size_t len, const char *name,
    const char **val, size_t *vlen)
{
	size_t n = strlen(name);

	if (len <= n || line[n] != ':' || strncasecmp(line, name, n) != 0)
		return 0;
	line += n + 1;
	len -= n + 1;
	while (len > 0 && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		len--;
	*val = line;
	*vlen = len;
	return 1;
}

static int
bhttp_token_in(const char *val, size_t vlen, const char *tok)
{
	size_t n = strlen(tok), i;

	for (i = 0; i + n <= vlen; i++)
		if (strncasecmp(val + i, tok, n) == 0)
			return 1;
	return 0;
}

/* Walks a chunked body at p; its wire length, 0 if incomplete, -1 bad. */
static long
bhttp_chunked_len(const char *p, size_t len)
{
	size_t off = 0;
	const char *eol;
	unsigned long sz;
	char *end;

	for (;;) {
		eol = memmem(p + off, len - off, "\r\n", 2);
		if (eol == NULL)
			return 0;
		errno = 0;
		sz = strtoul(p + off, &end, 16);
		if (errno != 0 || end == p + off || sz > (1ul << 30))
			return -1;
		off = (size_t)(eol - p) + 2;
		if (sz == 0)
			break;
		if (len - off < sz + 2)
			return 0;
		off += sz + 2;
	}
	/* Trailers, then an empty line. */
	for (;;) {
		eol = memmem(p + off, len - off, "\r\n", 2);
		if (eol == NULL)
			return 0;
		if (eol == p + off)
			return (long)(off + 2);
		off = (size_t)(eol - p) + 2;
	}
}

/*
 * Parses the response at the start of buf: 1 when complete (r filled), 0
 * when more bytes are needed, -1 when malformed or of a kind we don't read
 * (a body delimited only by the connection's close).
 */
int
bhttp_parse(const char *buf, size_t len, struct bhttp_resp *r)
{
	const char *end, *line, *eol, *val;
	size_t vlen;
	long clen = -1, ch;
	int minor;

	memset(r, 0, sizeof *r);
	end = memmem(buf, len, "\r\n\r\n", 4);
	if (end == NULL)
		return len > 65536 ? -1 : 0;
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return -1;
	minor = buf[7] - '0';
	if (buf[9] < '1' || buf[9] > '5' || buf[10] < '0' || buf[10] > '9' ||
	    buf[11] < '0' || buf[11] > '9')
		return -1;
	r->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + buf[11] - '0';
	r->close = minor == 0;
	line = memmem(buf, (size_t)(end - buf) + 2, "\r\n", 2) + 2;
	while (line < end + 2) {
		eol = memmem(line, (size_t)(end + 2 - line), "\r\n", 2);
		if (bhttp_header_is(line, (size_t)(eol - line),
		        "Content-Length", &val, &vlen)) {
			char *e;

			errno = 0;
			clen = strtol(val, &e, 10);
			if (errno != 0 || e != val + vlen || clen < 0)
				return -1;
		} else if (bhttp_header_is(line, (size_t)(eol - line),
		               "Transfer-Encoding", &val, &vlen)) {
			r->chunked = bhttp_token_in(val, vlen, "chunked");
		} else if (bhttp_header_is(line, (size_t)(eol - line),
		               "Connection", &val, &vlen)) {
			if (bhttp_token_in(val, vlen, "close"))
				r->close = 1;
			else if (bhttp_token_in(val, vlen, "keep-alive"))
				r->close = 0;
		}
		line = eol + 2;
	}
	r->body = (size_t)(end - buf) + 4;
	if (r->chunked) {
		ch = bhttp_chunked_len(buf + r->body, len - r->body);
		if (ch <= 0)
			return (int)ch;
		r->bodylen = (size_t)ch;
	} else if (clen >= 0) {
		if (len - r->body < (size_t)clen)
			return 0;
		r->bodylen = (size_t)clen;
	} else if (r->status == 204 || r->status == 304 || r->status < 200) {
		r->bodylen = 0;
	} else
		return -1;
	r->total = r->body + r->bodylen;
	return 1;
}

/* A malloc'd, NUL-terminated copy of a complete response's body. */
char *
bhttp_body(const char *buf, const struct bhttp_resp *r, size_t *lenp)
{
	const char *p = buf + r->body, *eol;
	size_t off = 0, n = 0;
	unsigned long sz;
	char *out, *end;

	if ((out = malloc(r->bodylen + 1)) == NULL)
		bhttp_oom();
	if (!r->chunked) {
		memcpy(out, p, r->bodylen);
		n = r->bodylen;
	} else {
		while ((sz = strtoul(p + off, &end, 16)) > 0) {
			eol = memmem(p + off, r->bodylen - off, "\r\n", 2);
			off = (size_t)(eol - p) + 2;
			memcpy(out + n, p + off, sz);
			n += sz;
			off += sz + 2;
		}
	}
	out[n] = '\0';
	if (lenp != NULL)
		*lenp = n;
	return out;
}

static int
bhttp_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Sends req on *fd (connecting first when *fd is -1) and reads the whole
 * response: its status and, if body is not NULL, its body (malloc'd).
 * A keep-alive connection the server closed is retried once on a new one.
 * Returns 0, or -1 on a connection or protocol failure.
 */
int
bhttp_roundtrip(
    int *fd, int port, const struct bhttp_buf *req, int *status, char **body)
{
	struct bhttp_buf in = {0};
	struct bhttp_resp r;
	int attempt, rc = 0, fresh = 1;
	ssize_t n;

	for (attempt = 0; attempt < 2; attempt++) {
		rc = 0;
		fresh = *fd == -1;
		if (fresh && (*fd = bhttp_connect(port, 0)) == -1)
			break;
		in.len = 0;
		if (bhttp_write_all(*fd, req->p, req->len) == 0) {
			for (;;) {
				bhttp_buf_reserve(&in, 16384);
				n = recv(
				    *fd, in.p + in.len, in.cap - in.len - 1, 0);
				if (n == -1 && errno == EINTR)
					continue;
				if (n <= 0)
					break;
				in.len += (size_t)n;
				in.p[in.len] = '\0';
				if ((rc = bhttp_parse(in.p, in.len, &r)) != 0)
					break;
			}
		}
		if (rc == 1)
			break;
		close(*fd);
		*fd = -1;
		if (rc == -1 || fresh || in.len > 0)
			goto out;
	}
	if (rc != 1)
		goto out;
	*status = r.status;
	if (body != NULL)
		*body = bhttp_body(in.p, &r, NULL);
	if (r.close) {
		close(*fd);
		*fd = -1;
	}
	rc = 0;
out:
	bhttp_buf_free(&in);
	return rc == 0 ? 0 : -1;
}

/* A whole file, malloc'd and NUL-terminated; NULL on failure. */
char *
bhttp_read_file(const char *path, size_t *lenp)
{
	struct bhttp_buf b = {0};
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		bhttp_buf_reserve(&b, 65536);
		n = fread(b.p + b.len, 1, b.cap - b.len - 1, f);
		b.len += n;
		b.p[b.len] = '\0';
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		bhttp_buf_free(&b);
		return NULL;
	}
	fclose(f);
	if (lenp != NULL)
		*lenp = b.len;
	return b.p;
}
