/*
 * devid.c: the IEEE 1284 device id of a USB printer (GET_DEVICE_ID),
 * parsed, and a printer profile guessed from it.  Pure functions: the
 * bytes come from the printer and are trusted for nothing.
 */
#include <string.h>

#include "drivers.h"

static int
devid_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
devid_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Key s[0..n) equal to want, ignoring case and surrounding blanks. */
static int
devid_key(const char *s, size_t n, const char *want)
{
	size_t wl = strlen(want);

	while (n > 0 && devid_space((unsigned char)s[0]))
		s++, n--;
	while (n > 0 && devid_space((unsigned char)s[n - 1]))
		n--;
	if (n != wl)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (devid_lower((unsigned char)s[i]) != want[i])
			return 0;
	return 1;
}

/* Value v[0..n) trimmed into dst, printable ASCII, cut to fit. */
static void
devid_value(char *dst, size_t dstsz, const char *v, size_t n)
{
	size_t o = 0;

	while (n > 0 && devid_space((unsigned char)v[0]))
		v++, n--;
	while (n > 0 && devid_space((unsigned char)v[n - 1]))
		n--;
	for (size_t i = 0; i < n && o + 1 < dstsz; i++) {
		unsigned char c = (unsigned char)v[i];

		dst[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[o] = '\0';
}

int
devid_parse_str(const char *s, size_t n, struct devid *d)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
	    {"mfg", offsetof(struct devid, mfg)},
	    {"manufacturer", offsetof(struct devid, mfg)},
	    {"mdl", offsetof(struct devid, mdl)},
	    {"model", offsetof(struct devid, mdl)},
	    {"cmd", offsetof(struct devid, cmd)},
	    {"command set", offsetof(struct devid, cmd)},
	    {"des", offsetof(struct devid, des)},
	    {"description", offsetof(struct devid, des)},
	};
	size_t i = 0;

	memset(d, 0, sizeof(*d));
	if (s == NULL)
		return DRV_EINVAL;
	while (i < n && s[i] != '\0') {
		size_t end, colon;

		for (end = i; end < n && s[end] != ';' && s[end] != '\0'; end++)
			;
		for (colon = i; colon < end && s[colon] != ':'; colon++)
			;
		for (size_t k = 0;
		     colon < end && k < sizeof(keys) / sizeof(keys[0]); k++) {
			char *field = (char *)d + keys[k].off;

			/* The first of a key wins; both spellings share it. */
			if (field[0] != '\0' ||
			    !devid_key(s + i, colon - i, keys[k].key))
				continue;
			devid_value(field, sizeof(d->mfg), s + colon + 1,
			    end - colon - 1);
			break;
		}
		i = end < n && s[end] == ';' ? end + 1 : end;
	}
	if (d->mfg[0] == '\0' && d->mdl[0] == '\0') {
		memset(d, 0, sizeof(*d));
		return DRV_EINVAL;
	}
	return 0;
}

int
devid_parse(const uint8_t *b, size_t n, struct devid *d)
{
	size_t len, be, le;

	memset(d, 0, sizeof(*d));
	if (b == NULL || n < 2)
		return DRV_EINVAL;
	if (n > DEVID_MAX)
		n = DEVID_MAX;
	/* Big-endian as the standard says; out of range, little-endian
	 * (firmware that gets it wrong, as CUPS allows); both past what
	 * came (a short transfer): what came. */
	be = (size_t)b[0] << 8 | b[1];
	le = (size_t)b[1] << 8 | b[0];
	if (be >= DEVID_MIN && be <= n)
		len = be;
	else if (le >= DEVID_MIN && le <= n)
		len = le;
	else if (be > n || le > n)
		len = n;
	else
		return DRV_EINVAL;
	if (len < DEVID_MIN)
		return DRV_EINVAL;
	/* A length without its own two bytes cuts the last two off: take
	 * them when they are there and end the string where it should. */
	if (len + 2 <= n && b[len - 1] != ';' && b[len + 1] == ';')
		len += 2;
	return devid_parse_str((const char *)b + 2, len - 2, d);
}

static int
devid_has(const char *s, const char *want)
{
	size_t wl = strlen(want);

	for (; *s != '\0'; s++) {
		size_t i;

		for (i = 0; i < wl && s[i] != '\0' &&
		     devid_lower((unsigned char)s[i]) == want[i];
		     i++)
			;
		if (i == wl)
			return 1;
	}
	return 0;
}

/* Paper width from a model name: a run of digits starting 58 or 80
 * ("POS-58", "XP-T58H", "GP-80250", "XP-Q800"); 0 if none. */
static int
devid_width(const char *s)
{
	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9'))
			continue;
		if (s[i] == '5' && s[i + 1] == '8')
			return 58;
		if (s[i] == '8' && s[i + 1] == '0')
			return 80;
	}
	return 0;
}

const char *
devid_profile(const struct devid *d)
{
	int w;

	if (d == NULL || (d->mfg[0] == '\0' && d->mdl[0] == '\0'))
		return NULL;
	/* An Epson inkjet says CMD:ESCPL2,..., a laser PCL,POSTSCRIPT, a
	 * label printer TSPL: not ours.  No CMD at all: judge by name. */
	if (d->cmd[0] != '\0' && !devid_has(d->cmd, "esc/pos") &&
	    !devid_has(d->cmd, "escpos") && !devid_has(d->cmd, "esc pos") &&
	    !devid_has(d->cmd, "esc_pos"))
		return NULL;
	if (devid_has(d->mfg, "epson") ||
	    (devid_lower((unsigned char)d->mdl[0]) == 't' &&
	        devid_lower((unsigned char)d->mdl[1]) == 'm' &&
	        d->mdl[2] == '-'))
		return "tm-t20ii";
	if ((w = devid_width(d->mdl)) == 0)
		w = devid_width(d->des);
	if (w == 80)
		return "generic80";
	if (w == 58)
		return "generic58";
	if (devid_has(d->mfg, "xprinter") || devid_has(d->mfg, "gprinter") ||
	    devid_has(d->mdl, "pos"))
		return "generic58";
	return NULL;
}
