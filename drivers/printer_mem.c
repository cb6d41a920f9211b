/*
 * printer_mem.c: "mem", a printer in memory for tests and previews:
 * it keeps every byte written and answers a status query with the
 * bytes printer_mem_answer gave it, once (else silence).
 */
#include <stdlib.h>
#include <string.h>

#include "printer.h"

struct printer_mem {
	uint8_t *b;
	size_t len, cap;
	uint8_t ans[8];
	size_t anslen;
};

static void
printer_mem_write(struct printer *p, const uint8_t *b, size_t n)
{
	struct printer_mem *m = p->tr;

	if (m->len + n > m->cap) {
		size_t cap = (m->len + n) * 2;
		uint8_t *nb = realloc(m->b, cap);

		if (nb == NULL) {
			printer_out_done(p, 0, DRV_ENOMEM);
			return;
		}
		m->b = nb;
		m->cap = cap;
	}
	memcpy(m->b + m->len, b, n);
	m->len += n;
	printer_out_done(p, n, 0);
}

static void
printer_mem_read(struct printer *p, unsigned ms)
{
	struct printer_mem *m = p->tr;

	(void)ms;
	printer_in_done(p, m->ans, m->anslen, m->anslen ? 0 : PRINTER_AGAIN);
	m->anslen = 0;
}

static int
printer_mem_can_status(const struct printer *p)
{
	(void)p;
	return 1;
}

/* Nothing stale, nothing in flight: the next two for both. */
static int
printer_mem_none(struct printer *p)
{
	(void)p;
	return 0;
}

static void
printer_mem_close(struct printer *p)
{
	struct printer_mem *m = p->tr;

	if (m == NULL)
		return;
	free(m->b);
	free(m);
	p->tr = NULL;
}

static int
printer_mem_open(struct printer *p, const char *spec)
{
	if (strcmp(spec, "mem") != 0)
		return -1;
	if ((p->tr = calloc(1, sizeof(struct printer_mem))) == NULL)
		return -1;
	p->attached = 1;
	return 0;
}

const struct printer_ops printer_mem_ops = {
    .prefix = "mem",
    .open = printer_mem_open,
    .close = printer_mem_close,
    .write = printer_mem_write,
    .read = printer_mem_read,
    .can_status = printer_mem_can_status,
    .drain = printer_mem_none,
    .expire = printer_mem_none,
};

const uint8_t *
printer_mem_bytes(const struct printer *p, size_t *len)
{
	const struct printer_mem *m = p->tr;

	*len = 0;
	if (p->ops != &printer_mem_ops)
		return NULL;
	*len = m->len;
	return m->b;
}

void
printer_mem_answer(struct printer *p, const uint8_t *b, size_t n)
{
	struct printer_mem *m = p->tr;

	if (p->ops != &printer_mem_ops)
		return;
	m->anslen = n > sizeof(m->ans) ? sizeof(m->ans) : n;
	memcpy(m->ans, b, m->anslen);
}
