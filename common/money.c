/* Money formatting by integers: no floating point touches an amount. */
#include <inttypes.h>
#include <stdio.h>

#include "money.h"

/*
 * fen as ¥1,234.56 (-¥0.05 below zero, INT64_MIN included) into out;
 * returns the length snprintf would have written.
 */
size_t
money_format(int64_t fen, char *out, size_t size)
{
	char digits[24], yuan[40];
	uint64_t u = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	size_t o = 0;
	int n, i, len;

	n = snprintf(digits, sizeof(digits), "%" PRIu64, u / 100);
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			yuan[o++] = ',';
		yuan[o++] = digits[i];
	}
	yuan[o] = '\0';
	len = snprintf(out, size, "%s¥%s.%02u", fen < 0 ? "-" : "", yuan,
	    (unsigned)(u % 100));
	return len < 0 ? 0 : (size_t)len;
}
