/*
 * Barcodes as the store sees them: EAN-13, EAN-8 and UPC-A with their
 * check digits, UPC-A kept as its GTIN-13, anything else an internal
 * (Code 128) label taken as given.
 */
#include <string.h>

#include "server.h"

/*
 * The check digit of the first n digits: weights 3,1,3,... from the
 * rightmost data digit, which is EAN-13's 1,3,1,... and EAN-8's 3,1,3,...
 */
int
barcode_check_digit(const char *digits, size_t n)
{
	size_t i;
	int sum = 0, w = 3;

	for (i = n; i > 0; i--) {
		sum += (digits[i - 1] - '0') * w;
		w = w == 3 ? 1 : 3;
	}
	return (10 - sum % 10) % 10;
}

static int
barcode_all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * Checks code and writes the form it is stored and found by into out.
 * Returns 0, or -1 for a bad check digit or an unprintable code.
 */
int
barcode_normalize(
    const char *code, char *out, size_t size, enum barcode_kind *kind)
{
	size_t n = strlen(code), i;

	if (n == 0 || n >= DB_BARCODE_MAX || n + 2 > size)
		return -1;
	if (barcode_all_digits(code, n) && (n == 8 || n == 12 || n == 13)) {
		if (barcode_check_digit(code, n - 1) != code[n - 1] - '0')
			return -1;
		if (n == 12) {
			out[0] = '0';
			memcpy(out + 1, code, n + 1);
			*kind = BARCODE_UPCA;
			return 0;
		}
		*kind = n == 8 ? BARCODE_EAN8 : BARCODE_EAN13;
		memcpy(out, code, n + 1);
		return 0;
	}
	/* Code 128 set B: printable ASCII. */
	for (i = 0; i < n; i++)
		if ((unsigned char)code[i] < 0x20 ||
		    (unsigned char)code[i] > 0x7e)
			return -1;
	*kind = BARCODE_INTERNAL;
	memcpy(out, code, n + 1);
	return 0;
}
