/*
 * Barcodes: EAN-13, EAN-8 and UPC-A with their GS1 check digits, UPC-A
 * kept as its GTIN-13, anything else an internal (Code 128) label.
 */
#include <string.h>

#include "barcode.h"

static int
barcode_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * The check digit of the first n digits, or -1 if they are not all
 * digits: weights 3,1,3,... from the rightmost data digit, which is
 * EAN-13's 1,3,1,... from the left and EAN-8's 3,1,3,...
 */
int
barcode_check_digit(const char *digits, size_t n)
{
	size_t i;
	int sum = 0, w = 3;

	if (!barcode_digits(digits, n))
		return -1;
	for (i = n; i > 0; i--) {
		sum += (digits[i - 1] - '0') * w;
		w = w == 3 ? 1 : 3;
	}
	return (10 - sum % 10) % 10;
}

/* Whether code is an EAN-13, EAN-8 or UPC-A with a right check digit. */
int
barcode_check_ok(const char *code, size_t len)
{
	if (len != 8 && len != 12 && len != 13)
		return 0;
	if (!barcode_digits(code, len))
		return 0;
	return barcode_check_digit(code, len - 1) == code[len - 1] - '0';
}

/* The symbology a code's length suggests when the scanner did not say. */
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

/* A UPC-A or EAN-13 as GTIN-13; -1 for anything else. */
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

/*
 * Checks code and writes the form it is stored and found by into out
 * (UPC-A as its GTIN-13, which needs one byte more). Returns 0, or -1 for
 * a bad check digit, an unprintable code or one too long.
 */
int
barcode_normalize(
    const char *code, char *out, size_t size, enum barcode_sym *sym)
{
	size_t n = strlen(code), i;

	if (n == 0 || n >= BARCODE_MAX || n + 2 > size)
		return -1;
	if (barcode_digits(code, n) && (n == 8 || n == 12 || n == 13)) {
		if (!barcode_check_ok(code, n))
			return -1;
		if (n == 12) {
			out[0] = '0';
			memcpy(out + 1, code, n + 1);
			*sym = BARCODE_UPCA;
			return 0;
		}
		*sym = n == 8 ? BARCODE_EAN8 : BARCODE_EAN13;
		memcpy(out, code, n + 1);
		return 0;
	}
	/* Code 128 set B: printable ASCII. */
	for (i = 0; i < n; i++)
		if ((unsigned char)code[i] < 0x20 ||
		    (unsigned char)code[i] > 0x7e)
			return -1;
	*sym = BARCODE_CODE128;
	memcpy(out, code, n + 1);
	return 0;
}
