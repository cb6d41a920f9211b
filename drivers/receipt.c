/* receipt.c: receipt lines laid out by display width, not bytes. */
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

/* An snprintf-like appender: counts everything, stores what fits. */
struct receipt_out {
	char *p;
	size_t sz, len;
};

static void
receipt_put(struct receipt_out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++, o->len++)
		if (o->len + 1 < o->sz)
			o->p[o->len] = s[i];
	if (o->sz > 0)
		o->p[o->len < o->sz ? o->len : o->sz - 1] = '\0';
}

static void
receipt_spaces(struct receipt_out *o, int n)
{
	while (n-- > 0)
		receipt_put(o, " ", 1);
}

/* The columns one code point takes on the paper. */
static int
receipt_cp_width(uint32_t cp)
{
	uint8_t b[4];

	return (int)escpos_encode_cp(cp, b);
}

int
receipt_width(const char *s)
{
	uint32_t cp;
	int w = 0;

	while ((cp = escpos_utf8_next(&s)) != 0)
		w += receipt_cp_width(cp);
	return w;
}

/* Append the longest prefix of *s that fits in width; advance *s. */
static int
receipt_take(struct receipt_out *o, const char **s, int width)
{
	const char *p = *s, *q;
	uint32_t cp;
	int w = 0, cw;

	for (;;) {
		q = p;
		if ((cp = escpos_utf8_next(&q)) == 0 || cp == '\n')
			break;
		cw = receipt_cp_width(cp);
		if (w + cw > width)
			break;
		w += cw;
		p = q;
	}
	receipt_put(o, *s, (size_t)(p - *s));
	*s = p;
	return w;
}

size_t
receipt_fit(char *out, size_t outsz, const char *s, int width)
{
	struct receipt_out o = {out, outsz, 0};

	if (outsz > 0)
		out[0] = '\0';
	receipt_take(&o, &s, width);
	return o.len;
}

size_t
receipt_line_lr(
    char *out, size_t outsz, const char *left, const char *right, int width)
{
	struct receipt_out o = {out, outsz, 0};
	int rw, lw = 0;

	if (outsz > 0)
		out[0] = '\0';
	if (width < 1)
		return 0;
	rw = receipt_width(right);
	if (rw > width)
		rw = width;
	for (;;) {
		lw = receipt_take(&o, &left, width);
		if (*left == '\n')
			left++;
		if (*left == '\0')
			break;
		if (lw == 0) {
			/* A character wider than the line: drop it. */
			escpos_utf8_next(&left);
			continue;
		}
		receipt_put(&o, "\n", 1);
	}
	if (lw > 0 && lw + 1 + rw > width) {
		/* No room beside the left text: the amount gets a line. */
		receipt_put(&o, "\n", 1);
		lw = 0;
	}
	receipt_spaces(&o, width - lw - rw);
	receipt_take(&o, &right, rw);
	receipt_put(&o, "\n", 1);
	return o.len;
}

size_t
receipt_line_center(char *out, size_t outsz, const char *s, int width)
{
	struct receipt_out o = {out, outsz, 0};
	int w;

	if (outsz > 0)
		out[0] = '\0';
	w = receipt_width(s);
	if (w < width)
		receipt_spaces(&o, (width - w) / 2);
	receipt_take(&o, &s, width);
	receipt_put(&o, "\n", 1);
	return o.len;
}

size_t
receipt_line_rule(char *out, size_t outsz, char ch, int width)
{
	struct receipt_out o = {out, outsz, 0};

	if (outsz > 0)
		out[0] = '\0';
	for (int i = 0; i < width; i++)
		receipt_put(&o, &ch, 1);
	receipt_put(&o, "\n", 1);
	return o.len;
}

size_t
receipt_line_cols(char *out, size_t outsz, const char *const *cells,
    const int *widths, const char *aligns, size_t n)
{
	struct receipt_out o = {out, outsz, 0};

	if (outsz > 0)
		out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *s = cells[i] != NULL ? cells[i] : "";
		/* All but the last column keep one space of separation. */
		int room = widths[i] - (i + 1 < n ? 1 : 0), w;

		if (room < 0)
			room = 0;
		w = receipt_width(s);
		if (w > room)
			w = room;
		if (aligns[i] == 'r') {
			receipt_spaces(&o, room - w);
			receipt_take(&o, &s, room);
			if (i + 1 < n)
				receipt_spaces(&o, 1);
		} else {
			w = receipt_take(&o, &s, room);
			if (i + 1 < n)
				receipt_spaces(&o, widths[i] - w);
		}
	}
	receipt_put(&o, "\n", 1);
	return o.len;
}

/* Size a line, then build it and append it to e. */
static char *
receipt_buf(struct escpos *e, size_t n)
{
	char *buf;

	if ((buf = malloc(n + 1)) == NULL)
		escpos_fail(e, DRV_ENOMEM);
	return buf;
}

void
receipt_lr(struct escpos *e, const char *left, const char *right)
{
	int w = escpos_columns(e);
	size_t n = receipt_line_lr(NULL, 0, left, right, w);
	char *buf;

	if ((buf = receipt_buf(e, n)) == NULL)
		return;
	receipt_line_lr(buf, n + 1, left, right, w);
	escpos_text(e, buf);
	free(buf);
}

void
receipt_center(struct escpos *e, const char *s)
{
	int w = escpos_columns(e);
	size_t n = receipt_line_center(NULL, 0, s, w);
	char *buf;

	if ((buf = receipt_buf(e, n)) == NULL)
		return;
	receipt_line_center(buf, n + 1, s, w);
	escpos_text(e, buf);
	free(buf);
}

void
receipt_rule(struct escpos *e, char ch)
{
	int w = escpos_columns(e);
	size_t n = receipt_line_rule(NULL, 0, ch, w);
	char *buf;

	if ((buf = receipt_buf(e, n)) == NULL)
		return;
	receipt_line_rule(buf, n + 1, ch, w);
	escpos_text(e, buf);
	free(buf);
}

void
receipt_cols(struct escpos *e, const char *const *cells, const int *widths,
    const char *aligns, size_t n)
{
	size_t len = receipt_line_cols(NULL, 0, cells, widths, aligns, n);
	char *buf;

	if ((buf = receipt_buf(e, len)) == NULL)
		return;
	receipt_line_cols(buf, len + 1, cells, widths, aligns, n);
	escpos_text(e, buf);
	free(buf);
}
