/* escpos.c: ESC/POS bytes, built into a growable buffer; no I/O. */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

struct escpos {
	uint8_t *buf;
	size_t len, cap;
	int err;
	int w; /* current width scale, for escpos_columns */
	const struct devices_profile *prof;
};

const uint8_t escpos_status_query[9] = {
    0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04};

struct escpos *
escpos_new(const struct devices_profile *prof)
{
	struct escpos *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->prof = prof != NULL ? prof : devices_profile("generic58");
	e->w = 1;
	return e;
}

void
escpos_free(struct escpos *e)
{
	if (e == NULL)
		return;
	free(e->buf);
	free(e);
}

const uint8_t *
escpos_bytes(const struct escpos *e, size_t *len)
{
	*len = e->len;
	return e->buf;
}

int
escpos_error(const struct escpos *e)
{
	return e->err;
}

void
escpos_fail(struct escpos *e, int err)
{
	if (e->err == 0)
		e->err = err;
}

void
escpos_reset(struct escpos *e)
{
	e->len = 0;
	e->err = 0;
	e->w = 1;
}

const struct devices_profile *
escpos_profile(const struct escpos *e)
{
	return e->prof;
}

int
escpos_columns(const struct escpos *e)
{
	return e->prof->cols_a / e->w;
}

void
escpos_raw(struct escpos *e, const void *p, size_t n)
{
	if (e->err != 0 || n == 0)
		return;
	if (e->len + n > e->cap) {
		size_t cap = e->cap ? e->cap : 256;
		uint8_t *nb;

		while (cap < e->len + n)
			cap *= 2;
		if ((nb = realloc(e->buf, cap)) == NULL) {
			escpos_fail(e, DRV_ENOMEM);
			return;
		}
		e->buf = nb;
		e->cap = cap;
	}
	memcpy(e->buf + e->len, p, n);
	e->len += n;
}

static void
escpos_bytes3(struct escpos *e, uint8_t a, uint8_t b, uint8_t c)
{
	uint8_t v[3] = {a, b, c};

	escpos_raw(e, v, 3);
}

void
escpos_init(struct escpos *e)
{
	static const uint8_t cjk[2] = {0x1c, 0x26};

	escpos_raw(e, "\x1b\x40", 2);
	e->w = 1;
	/* Chinese printers start in Chinese mode; say so in case. */
	if (e->prof->cjk)
		escpos_raw(e, cjk, 2);
}

void
escpos_align(struct escpos *e, enum escpos_align a)
{
	escpos_bytes3(e, 0x1b, 0x61, (uint8_t)a);
}

void
escpos_bold(struct escpos *e, int on)
{
	escpos_bytes3(e, 0x1b, 0x45, on ? 1 : 0);
}

void
escpos_size(struct escpos *e, int w, int h)
{
	w = w < 1 ? 1 : w > 8 ? 8 : w;
	h = h < 1 ? 1 : h > 8 ? 8 : h;
	e->w = w;
	escpos_bytes3(e, 0x1d, 0x21, (uint8_t)((w - 1) << 4 | (h - 1)));
}

uint32_t
escpos_utf8_next(const char **sp)
{
	const unsigned char *s = (const unsigned char *)*sp;
	uint32_t cp, min;
	int n;

	if (s[0] == 0)
		return 0;
	if (s[0] < 0x80) {
		*sp += 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0) {
		cp = s[0] & 0x1f, n = 1, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		cp = s[0] & 0x0f, n = 2, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		cp = s[0] & 0x07, n = 3, min = 0x10000;
	} else {
		*sp += 1;
		return 0xfffd;
	}
	for (int i = 1; i <= n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			/* Truncated sequence: skip what was consumed. */
			*sp += i;
			return 0xfffd;
		}
		cp = cp << 6 | (s[i] & 0x3f);
	}
	*sp += n + 1;
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0xfffd;
	return cp;
}

/* One iconv descriptor for the process: the drivers run on one thread. */
static iconv_t escpos_cd = (iconv_t)-1;

size_t
escpos_encode_cp(uint32_t cp, uint8_t out[4])
{
	char in[4], *ip = in, *op = (char *)out;
	size_t il, ol = 4;

	if (cp < 0x80) {
		out[0] = cp < 0x20 || cp == 0x7f ? '?' : (uint8_t)cp;
		return 1;
	}
	/* GBK lacks the half-width yen sign: print the full-width one. */
	if (cp == 0xa5)
		cp = 0xffe5;
	if (cp < 0x800) {
		in[0] = (char)(0xc0 | cp >> 6);
		in[1] = (char)(0x80 | (cp & 0x3f));
		il = 2;
	} else if (cp < 0x10000) {
		in[0] = (char)(0xe0 | cp >> 12);
		in[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		in[2] = (char)(0x80 | (cp & 0x3f));
		il = 3;
	} else {
		in[0] = (char)(0xf0 | cp >> 18);
		in[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		in[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		in[3] = (char)(0x80 | (cp & 0x3f));
		il = 4;
	}
	if (escpos_cd == (iconv_t)-1 &&
	    (escpos_cd = iconv_open("GBK", "UTF-8")) == (iconv_t)-1)
		goto unknown;
	if (iconv(escpos_cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv(escpos_cd, NULL, NULL, NULL, NULL);
		goto unknown;
	}
	/* Only the double-byte part of GB18030: 4-byte forms print wrong. */
	if (4 - ol != 2)
		goto unknown;
	return 2;
unknown:
	out[0] = '?';
	return 1;
}

void
escpos_text(struct escpos *e, const char *s)
{
	uint32_t cp;
	uint8_t b[4];

	while ((cp = escpos_utf8_next(&s)) != 0) {
		if (cp == '\n') {
			escpos_raw(e, "\n", 1);
			continue;
		}
		escpos_raw(e, b, escpos_encode_cp(cp, b));
	}
}

void
escpos_line(struct escpos *e, const char *s)
{
	escpos_text(e, s);
	escpos_raw(e, "\n", 1);
}

void
escpos_feed(struct escpos *e, int lines)
{
	lines = lines < 0 ? 0 : lines > 255 ? 255 : lines;
	escpos_bytes3(e, 0x1b, 0x64, (uint8_t)lines);
}

void
escpos_cut(struct escpos *e, enum escpos_cut kind, int feed)
{
	feed = feed < 0 ? 0 : feed > 255 ? 255 : feed;
	switch (e->prof->cutter) {
	case DEVICES_CUT_NONE:
		/* No cutter: feed the receipt past the tear bar anyway. */
		escpos_feed(e, feed);
		return;
	case DEVICES_CUT_PARTIAL:
		kind = ESCPOS_CUT_PARTIAL;
		break;
	case DEVICES_CUT_FULL:
		break;
	}
	escpos_raw(e, "\x1d\x56", 2);
	escpos_raw(e, kind == ESCPOS_CUT_FULL ? "\x41" : "\x42", 1);
	escpos_raw(e, &(uint8_t){(uint8_t)feed}, 1);
}

static void
escpos_barcode_common(struct escpos *e, int height)
{
	height = height < 1 ? 80 : height > 255 ? 255 : height;
	escpos_bytes3(e, 0x1d, 0x48, 0x02); /* text below */
	escpos_bytes3(e, 0x1d, 0x68, (uint8_t)height);
	escpos_bytes3(e, 0x1d, 0x77, 0x02);
}

void
escpos_ean13(struct escpos *e, const char *d, int height)
{
	size_t n = strlen(d);

	if ((n != 12 && n != 13) || barcode_check_digit(d, 12) < 0) {
		escpos_fail(e, DRV_EINVAL);
		return;
	}
	escpos_barcode_common(e, height);
	escpos_raw(e, "\x1d\x6b\x43\x0c", 4);
	escpos_raw(e, d, 12); /* the printer adds the check digit */
}

void
escpos_code128(struct escpos *e, const char *s, int height)
{
	uint8_t data[255];
	size_t n = 0;

	data[n++] = '{';
	data[n++] = 'B';
	for (; *s != '\0'; s++) {
		if (*s < 0x20 || *s > 0x7e || n + 2 > sizeof(data)) {
			escpos_fail(e, DRV_EINVAL);
			return;
		}
		/* '{' starts a code set change: a literal one is doubled. */
		if (*s == '{')
			data[n++] = '{';
		data[n++] = (uint8_t)*s;
	}
	escpos_barcode_common(e, height);
	escpos_raw(e, "\x1d\x6b\x49", 3);
	escpos_raw(e, &(uint8_t){(uint8_t)n}, 1);
	escpos_raw(e, data, n);
}

void
escpos_qr(struct escpos *e, const char *data, int module, char ecc)
{
	static const uint8_t model[] = {
	    0x1d, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00};
	static const uint8_t print[] = {
	    0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30};
	uint8_t cmd[8] = {0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0, 0};
	size_t n = strlen(data);
	int level;

	if (!e->prof->qr) {
		/* No QR support: the payload as text is still usable. */
		escpos_line(e, data);
		return;
	}
	if (n == 0 || n > 7089) {
		escpos_fail(e, DRV_EINVAL);
		return;
	}
	switch (ecc) {
	case 'L':
		level = 0;
		break;
	case 'Q':
		level = 2;
		break;
	case 'H':
		level = 3;
		break;
	default:
		level = 1;
	}
	module = module < 1 ? 1 : module > 16 ? 16 : module;
	escpos_raw(e, model, sizeof(model));
	cmd[6] = 0x43, cmd[7] = (uint8_t)module;
	escpos_raw(e, cmd, 8);
	cmd[6] = 0x45, cmd[7] = (uint8_t)(0x30 + level);
	escpos_raw(e, cmd, 8);
	cmd[3] = (uint8_t)((n + 3) & 0xff);
	cmd[4] = (uint8_t)((n + 3) >> 8);
	cmd[6] = 0x50, cmd[7] = 0x30;
	escpos_raw(e, cmd, 8);
	escpos_raw(e, data, n);
	escpos_raw(e, print, sizeof(print));
}

void
escpos_drawer(struct escpos *e)
{
	escpos_raw(e, "\x1b\x70\x00\x32\x32", 5);
}

void
escpos_status_decode(const uint8_t *b, size_t n, struct escpos_status *st)
{
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < n && i < 3; i++) {
		/* Fixed bits tell a status byte from noise. */
		if ((b[i] & 0x93) != 0x12)
			break;
		st->answered++;
		if (i == 0 && (b[i] & 0x08))
			st->flags |= ESCPOS_F_OFFLINE;
		if (i == 1) {
			if (b[i] & 0x04)
				st->flags |= ESCPOS_F_COVER_OPEN;
			if (b[i] & 0x20)
				st->flags |= ESCPOS_F_PAPER_STOP;
			if (b[i] & 0x40)
				st->flags |= ESCPOS_F_ERROR;
		}
		if (i == 2) {
			if (b[i] & 0x0c)
				st->flags |= ESCPOS_F_NEAR_END;
			if (b[i] & 0x60)
				st->flags |= ESCPOS_F_PAPER_END;
		}
	}
	if (st->flags & (ESCPOS_F_PAPER_END | ESCPOS_F_PAPER_STOP))
		st->state = ESCPOS_PAPER_END;
	else if (st->flags & ESCPOS_F_COVER_OPEN)
		st->state = ESCPOS_COVER_OPEN;
	else if (st->flags & ESCPOS_F_ERROR)
		st->state = ESCPOS_ERROR;
	else if (st->flags & ESCPOS_F_OFFLINE)
		st->state = ESCPOS_OFFLINE;
	else if (st->answered < 3)
		st->state = ESCPOS_UNKNOWN; /* silence is not "fine" */
	else if (st->flags & ESCPOS_F_NEAR_END)
		st->state = ESCPOS_PAPER_NEAR_END;
	else
		st->state = ESCPOS_OK;
}

const char *
escpos_state_name(enum escpos_state s)
{
	static const char *const names[] = {"ok", "paper_near_end", "paper_end",
	    "cover_open", "offline", "error", "unknown"};

	if ((unsigned)s >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[s];
}
