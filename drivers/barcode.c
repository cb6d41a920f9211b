/* barcode.c: check digits and symbology guesses for EAN/UPC codes. */
#include <string.h>

#include "drivers.h"

static int
barcode_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * GS1 rule: weights 3,1,3,... from the rightmost data digit, which gives
 * 1,3,1,3... from the left for EAN-13 and 3,1,3... for EAN-8.
 */
int
barcode_check_digit(const char *digits, size_t n)
{
	int sum = 0, w = 3;

	if (!barcode_digits(digits, n))
		return -1;
	for (size_t i = n; i-- > 0;) {
		sum += (digits[i] - '0') * w;
		w = w == 3 ? 1 : 3;
	}
	return (10 - sum % 10) % 10;
}

int
barcode_check_ok(const char *code, size_t len)
{
	if (len != 8 && len != 12 && len != 13)
		return 0;
	if (!barcode_digits(code, len))
		return 0;
	return barcode_check_digit(code, len - 1) == code[len - 1] - '0';
}

enum barcode_sym
barcode_guess(const char *code, size_t len)
{
	if (!barcode_digits(code, len))
		return BARCODE_UNKNOWN;
	switch (len) {
	case 13:
		return BARCODE_EAN13;
	case 12:
		return BARCODE_UPCA;
	case 8:
		return BARCODE_EAN8;
	}
	return BARCODE_UNKNOWN;
}

int
barcode_gtin13(const char *code, size_t len, char out[14])
{
	if (!barcode_digits(code, len))
		return -1;
	if (len == 12) {
		out[0] = '0';
		memcpy(out + 1, code, 12);
	} else if (len == 13)
		memcpy(out, code, 13);
	else
		return -1;
	out[13] = '\0';
	return 0;
}

const char *
barcode_sym_name(enum barcode_sym s)
{
	switch (s) {
	case BARCODE_EAN13:
		return "EAN-13";
	case BARCODE_EAN8:
		return "EAN-8";
	case BARCODE_UPCA:
		return "UPC-A";
	case BARCODE_CODE128:
		return "Code128";
	case BARCODE_QR:
		return "QR";
	case BARCODE_UNKNOWN:
		break;
	}
	return "unknown";
}
