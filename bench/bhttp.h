/*
 * bhttp: the few HTTP/1.1 client pieces the bench tools share. Loopback
 * only: every connection goes to 127.0.0.1.
 */
#ifndef BENCH_BHTTP_H
#define BENCH_BHTTP_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; always NUL-terminated after its len bytes. */
struct bhttp_buf {
	char *p;
	size_t len;
	size_t cap;
};

/* One parsed response head, and where its body lies. */
struct bhttp_resp {
	int status;
	int close;      /* the server will close the connection */
	int chunked;    /* Transfer-Encoding: chunked */
	size_t total;   /* bytes of the whole response, head and body */
	size_t body;    /* offset of the body */
	size_t bodylen; /* body bytes on the wire (chunk framing included) */
};

void bhttp_buf_free(struct bhttp_buf *);
void bhttp_buf_reserve(struct bhttp_buf *, size_t);
void bhttp_buf_add(struct bhttp_buf *, const void *, size_t);
void bhttp_buf_str(struct bhttp_buf *, const char *);
void bhttp_buf_printf(struct bhttp_buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void bhttp_buf_consume(struct bhttp_buf *, size_t);

uint64_t bhttp_now_ns(void);
int bhttp_url_port(const char *);
int bhttp_connect(int, int);
void bhttp_format(struct bhttp_buf *, const char *, const char *, const char *,
    const char *, const char *, size_t);
int bhttp_parse(const char *, size_t, struct bhttp_resp *);
char *bhttp_body(const char *, const struct bhttp_resp *, size_t *);
int bhttp_roundtrip(int *, int, const struct bhttp_buf *, int *, char **);
char *bhttp_read_file(const char *, size_t *);

#endif
