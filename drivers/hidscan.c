/* hidscan.c: HID boot-keyboard and HID POS scanner reports, decoded. */
#include <string.h>

#include "drivers.h"

/* US layout, usage ids 0x1e..0x38: {plain, shifted}. */
static const char hidscan_keys[27][2] = {
    {'1', '!'},
    {'2', '@'},
    {'3', '#'},
    {'4', '$'},
    {'5', '%'},
    {'6', '^'},
    {'7', '&'},
    {'8', '*'},
    {'9', '('},
    {'0', ')'},
    {'\r', '\r'},
    {0, 0},
    {0, 0},
    {'\t', '\t'},
    {' ', ' '},
    {'-', '_'},
    {'=', '+'},
    {'[', '{'},
    {']', '}'},
    {'\\', '|'},
    {0, 0},
    {';', ':'},
    {'\'', '"'},
    {'`', '~'},
    {',', '<'},
    {'.', '>'},
    {'/', '?'},
};

int
hidscan_usage_ascii(uint8_t u, int shift)
{
	if (u >= 0x04 && u <= 0x1d)
		return (shift ? 'A' : 'a') + (u - 0x04);
	if (u >= 0x1e && u <= 0x38)
		return hidscan_keys[u - 0x1e][shift ? 1 : 0];
	if (u >= 0x59 && u <= 0x61) /* keypad 1..9 */
		return '1' + (u - 0x59);
	switch (u) {
	case 0x54:
		return '/';
	case 0x55:
		return '*';
	case 0x56:
		return '-';
	case 0x57:
		return '+';
	case 0x58:
		return '\r'; /* keypad Enter */
	case 0x62:
		return '0';
	case 0x63:
		return '.';
	}
	return 0;
}

void
hidscan_boot_reset(struct hidscan_boot *st)
{
	memset(st, 0, sizeof(*st));
}

int
hidscan_boot_feed(struct hidscan_boot *st, const uint8_t *rep, size_t n)
{
	uint8_t keys[6] = {0};
	int shift, ch, all_rollover = 1;
	size_t nk;

	/* Composite scanners prefix a report id. */
	if (n == 9) {
		rep++;
		n--;
	}
	if (n < 3)
		return 0;
	nk = n - 2 > 6 ? 6 : n - 2;
	memcpy(keys, rep + 2, nk);
	for (size_t i = 0; i < nk; i++)
		if (keys[i] != 0x01)
			all_rollover = 0;
	if (all_rollover)
		return 0; /* ErrorRollOver: not a state, drop it */
	shift = (rep[0] & 0x22) != 0;
	for (size_t i = 0; i < nk; i++) {
		int seen = 0;

		if (keys[i] == 0)
			continue;
		/* A key counts when it goes down: "00" has a release between.
		 */
		for (size_t j = 0; j < 6; j++)
			if (st->prev[j] == keys[i])
				seen = 1;
		if (seen)
			continue;
		/* Ctrl or Alt chords are not characters of a code. */
		if (rep[0] & 0x55)
			continue;
		if ((ch = hidscan_usage_ascii(keys[i], shift)) == 0)
			continue;
		if (ch == '\r' || ch == '\n' || ch == '\t') {
			if (st->len == 0 || st->done)
				continue;
			memcpy(st->prev, keys, 6);
			if (st->overflow) {
				st->len = 0;
				st->overflow = 0;
				return 0;
			}
			st->code[st->len] = '\0';
			st->done = 1;
			return 1;
		}
		if (st->done) {
			/* The last code stays readable until a new one starts.
			 */
			st->len = 0;
			st->overflow = 0;
			st->done = 0;
		}
		if (st->len < HIDSCAN_MAX)
			st->code[st->len++] = (char)ch;
		else
			st->overflow = 1;
	}
	memcpy(st->prev, keys, 6);
	return 0;
}

void
hidscan_pos_reset(struct hidscan_pos *st)
{
	memset(st, 0, sizeof(*st));
}

int
hidscan_pos_feed(struct hidscan_pos *st, const uint8_t *rep, size_t n)
{
	size_t dlen;
	int more;

	if (n < 5)
		return 0;
	if (st->done) {
		st->len = 0;
		st->overflow = 0;
		st->done = 0;
	}
	if (st->len == 0) {
		memcpy(st->aim, rep + 2, 3);
		st->aim[3] = '\0';
		st->vendor_sym = n > 61 ? rep[61] : 0;
	}
	dlen = rep[1];
	if (dlen > 56)
		dlen = 56;
	if (dlen > n - 5)
		dlen = n - 5;
	if (st->len + dlen > HIDSCAN_MAX) {
		st->overflow = 1;
		dlen = HIDSCAN_MAX - st->len;
	}
	memcpy(st->code + st->len, rep + 5, dlen);
	st->len += dlen;
	st->code[st->len] = '\0';
	more = n >= 64 && (rep[63] & 0x01);
	if (more)
		return 0;
	st->done = 1;
	if (st->overflow || st->len == 0) {
		st->len = 0;
		st->code[0] = '\0';
		return 0;
	}
	return 1;
}

enum barcode_sym
hidscan_aim_sym(const char *aim)
{
	if (aim[0] != ']')
		return BARCODE_UNKNOWN;
	switch (aim[1]) {
	case 'E':
		return aim[2] == '4' ? BARCODE_EAN8 : BARCODE_EAN13;
	case 'C':
		return BARCODE_CODE128;
	case 'Q':
		return BARCODE_QR;
	}
	return BARCODE_UNKNOWN;
}
