/* wedge.c: tell a keyboard-wedge scan from typing by its timing. */
#include <string.h>

#include "drivers.h"

static int
wedge_terminator(int ch)
{
	return ch == '\r' || ch == '\n' || ch == '\t';
}

int
wedge_classify(const int *keys, const uint64_t *ms, size_t n)
{
	if (n < WEDGE_MIN_CHARS + 1 || !wedge_terminator(keys[n - 1]))
		return 0;
	for (size_t i = 0; i + 1 < n; i++) {
		if (wedge_terminator(keys[i]))
			return 0;
		if (ms[i + 1] < ms[i] || ms[i + 1] - ms[i] > WEDGE_MAX_GAP_MS)
			return 0;
	}
	return 1;
}

void
wedge_reset(struct wedge *w)
{
	memset(w, 0, sizeof(*w));
}

int
wedge_key(struct wedge *w, int ch, uint64_t ms)
{
	/* A pause means a person typed: a scan may start afresh here. */
	if (w->len > 0 &&
	    (ms < w->last_ms || ms - w->last_ms > WEDGE_MAX_GAP_MS))
		w->len = 0, w->overflow = 0;
	w->last_ms = ms;
	if (wedge_terminator(ch)) {
		int scan = w->len >= WEDGE_MIN_CHARS && !w->overflow;

		w->code[scan ? w->len : 0] = '\0';
		w->len = 0;
		w->overflow = 0;
		return scan;
	}
	if (ch < 0x20 || ch > 0x7e)
		return 0;
	/* A code longer than the buffer is dropped, never cut short. */
	if (w->len + 1 < sizeof(w->code))
		w->code[w->len++] = (char)ch;
	else
		w->overflow = 1;
	return 0;
}
