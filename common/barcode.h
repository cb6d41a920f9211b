/*
 * Barcodes, as every program sees them: the symbologies, GS1 check
 * digits, UPC-A as its GTIN-13, and the form a code is stored and found
 * by. Pure functions, no allocation.
 */
#ifndef CISHAN_BARCODE_H
#define CISHAN_BARCODE_H

#include <stddef.h>

#define BARCODE_MAX 48 /* a code's bytes and its NUL, at most */

enum barcode_sym {
	BARCODE_UNKNOWN = 0,
	BARCODE_EAN13,
	BARCODE_EAN8,
	BARCODE_UPCA,
	BARCODE_CODE128, /* an internal label, taken as given */
	BARCODE_QR
};

int barcode_check_digit(const char *, size_t);
int barcode_check_ok(const char *, size_t);
enum barcode_sym barcode_guess(const char *, size_t);
int barcode_gtin13(const char *, size_t, char[14]);
const char *barcode_sym_name(enum barcode_sym);
int barcode_normalize(const char *, char *, size_t, enum barcode_sym *);

#endif
