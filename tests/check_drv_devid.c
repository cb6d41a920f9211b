/* check_drv_devid: IEEE 1284 device ids (GET_DEVICE_ID) and profiles. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "drivers.h"

/* An answer as a printer sends it: big-endian length counting itself. */
static size_t
answer(uint8_t *b, size_t bsz, const char *s)
{
	size_t n = strlen(s) + 2;

	ck_assert_uint_le(n, bsz);
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	memcpy(b + 2, s, n - 2);
	return n;
}

static const char *
profile_of(const char *s)
{
	struct devid d;
	const char *p;

	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), 0);
	p = devid_profile(&d);
	/* Every name it gives is a profile the table has. */
	if (p != NULL)
		ck_assert_ptr_nonnull(devices_profile(p));
	return p;
}

START_TEST(t_epson)
{
	static const char s[] =
	    "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;DES:TM-T20II;";
	uint8_t b[256];
	struct devid d;
	size_t n = answer(b, sizeof(b), s);

	ck_assert_uint_eq(b[0], 0);
	ck_assert_uint_eq(b[1], sizeof(s) + 1);
	ck_assert_int_eq(devid_parse(b, n, &d), 0);
	ck_assert_str_eq(d.mfg, "EPSON");
	ck_assert_str_eq(d.mdl, "TM-T20II");
	ck_assert_str_eq(d.cmd, "ESC/POS");
	ck_assert_str_eq(d.des, "TM-T20II");
	ck_assert_str_eq(devid_profile(&d), "tm-t20ii");
	/* Other Epson TM models, and a TM- model under another MFG. */
	ck_assert_str_eq(
	    profile_of("MFG:EPSON;CMD:ESCPOS;MDL:TM-T88V;CLS:PRINTER;"),
	    "tm-t20ii");
	ck_assert_str_eq(profile_of("MFG:Seiko;MDL:TM-T82III;"), "tm-t20ii");
}
END_TEST

START_TEST(t_chinese_printers)
{
	struct devid d;
	const char *s = "MANUFACTURER:Gprinter;COMMAND SET:ESC/POS;"
	                "MODEL:GP-80250IVN;CLASS:PRINTER;";

	/* The long spellings of the keys. */
	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), 0);
	ck_assert_str_eq(d.mfg, "Gprinter");
	ck_assert_str_eq(d.mdl, "GP-80250IVN");
	ck_assert_str_eq(d.cmd, "ESC/POS");
	ck_assert_str_eq(devid_profile(&d), "generic80");
	ck_assert_str_eq(
	    profile_of("MFG:Xprinter;CMD:ESC/POS;MDL:XP-58IIH;CLS:PRINTER;"),
	    "generic58");
	ck_assert_str_eq(
	    profile_of("MFG:Xprinter;CMD:ESC/POS;MDL:XP-T58H;"), "generic58");
	ck_assert_str_eq(
	    profile_of("MFG:Xprinter;CMD:ESC/POS;MDL:XP-Q800;"), "generic80");
	ck_assert_str_eq(
	    profile_of("MFG:Winbond;CMD:ESC/POS;MDL:POS58;"), "generic58");
	ck_assert_str_eq(
	    profile_of("MFG:Printer;CMD:ESC/POS;MDL:POS-80C;"), "generic80");
	/* The width from DES when MDL says nothing. */
	ck_assert_str_eq(
	    profile_of("MFG:ICS;MDL:Receipt;DES:80mm Thermal;"), "generic80");
	/* A Gprinter without a width is the common 58 mm class. */
	ck_assert_str_eq(
	    profile_of("MFG:Gprinter;CMD:ESC/POS;MDL:GP-L1;"), "generic58");
	ck_assert_str_eq(
	    profile_of("MFG:Printer;MDL:POS Printer;"), "generic58");
	/* Not a width: 1580 and 20 are not 58 or 80. */
	ck_assert_ptr_null(profile_of("MFG:Foo;CMD:ESC/POS;MDL:Q-1580;"));
}
END_TEST

START_TEST(t_not_escpos)
{
	/* An Epson inkjet, an HP laser (POSTSCRIPT is not POS), a TSPL
	 * label printer: no receipt profile. */
	ck_assert_ptr_null(profile_of("MFG:EPSON;CMD:ESCPL2,BDC,D4,D4PX,"
	                              "ESCPR1;MDL:L355 Series;CLS:PRINTER;"
	                              "DES:EPSON L355 Series;"));
	ck_assert_ptr_null(profile_of("MFG:Hewlett-Packard;CMD:PJL,PCL,"
	                              "POSTSCRIPT;MDL:HP LaserJet 400 M401;"));
	ck_assert_ptr_null(profile_of("MFG:Gprinter;CMD:TSPL;MDL:GP-3120TU;"));
	ck_assert_ptr_null(profile_of("MFG:Acme;CMD:ESC/POS;MDL:Till;"));
	ck_assert_ptr_null(devid_profile(NULL));
}
END_TEST

START_TEST(t_missing_and_odd_fields)
{
	struct devid d;
	const char *s;
	char big[300];

	/* Neither MFG nor MDL: nothing to go on, all empty. */
	s = "CMD:ESC/POS;CLS:PRINTER;";
	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), DRV_EINVAL);
	ck_assert_str_eq(d.cmd, "");
	ck_assert_ptr_null(devid_profile(&d));
	ck_assert_int_eq(devid_parse_str("", 0, &d), DRV_EINVAL);
	ck_assert_int_eq(devid_parse_str(";;;:;", 5, &d), DRV_EINVAL);
	ck_assert_int_eq(devid_parse_str(NULL, 0, &d), DRV_EINVAL);
	/* MDL only, no final ';', blanks and case in keys. */
	s = " mdl : POS-80 ";
	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), 0);
	ck_assert_str_eq(d.mfg, "");
	ck_assert_str_eq(d.mdl, "POS-80");
	ck_assert_str_eq(devid_profile(&d), "generic80");
	/* First of a key wins; a field without ':' is skipped; MODEL
	 * after MDL does not overwrite it. */
	s = "MFG:One;junk;MFG:Two;MDL:A;MODEL:B;";
	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), 0);
	ck_assert_str_eq(d.mfg, "One");
	ck_assert_str_eq(d.mdl, "A");
	/* Values with ':' keep it; control and high bytes become '?'. */
	s = "MFG:A:B;MDL:X\x01\xe4Y;";
	ck_assert_int_eq(devid_parse_str(s, strlen(s), &d), 0);
	ck_assert_str_eq(d.mfg, "A:B");
	ck_assert_str_eq(d.mdl, "X??Y");
	/* A NUL ends the string even when n says more. */
	ck_assert_int_eq(devid_parse_str("MFG:A\0;MDL:B;", 13, &d), 0);
	ck_assert_str_eq(d.mfg, "A");
	ck_assert_str_eq(d.mdl, "");
	/* A value longer than the field is cut, NUL-terminated. */
	memcpy(big, "MDL:", 4);
	memset(big + 4, 'x', 200);
	memcpy(big + 204, ";MFG:Z;", 8);
	ck_assert_int_eq(devid_parse_str(big, strlen(big), &d), 0);
	ck_assert_uint_eq(strlen(d.mdl), sizeof(d.mdl) - 1);
	ck_assert_str_eq(d.mfg, "Z");
}
END_TEST

START_TEST(t_bad_lengths)
{
	static const char s[] = "MFG:Xprinter;CMD:ESC/POS;MDL:XP-58IIH;";
	uint8_t b[256];
	struct devid d;
	size_t n = answer(b, sizeof(b), s), L = sizeof(s) + 1;

	/* Little-endian length (firmware bug): re-read that way. */
	b[0] = (uint8_t)L, b[1] = 0;
	ck_assert_int_eq(devid_parse(b, n, &d), 0);
	ck_assert_str_eq(d.mdl, "XP-58IIH");
	/* A length without its own two bytes: the last two are taken. */
	b[0] = 0, b[1] = (uint8_t)(L - 2);
	ck_assert_int_eq(devid_parse(b, n, &d), 0);
	ck_assert_str_eq(d.mdl, "XP-58IIH");
	/* A length past what came (a short transfer): what came. */
	b[0] = 0x01, b[1] = 0x00;
	ck_assert_int_eq(devid_parse(b, n - 4, &d), 0);
	ck_assert_str_eq(d.mfg, "Xprinter");
	ck_assert_str_eq(d.mdl, "XP-58");
	b[0] = 0xff, b[1] = 0xff;
	ck_assert_int_eq(devid_parse(b, n, &d), 0);
	ck_assert_str_eq(d.mdl, "XP-58IIH");
	/* A length shorter than the string: only that much is read. */
	b[0] = 0, b[1] = 2 + 13; /* "MFG:Xprinter;" */
	ck_assert_int_eq(devid_parse(b, n, &d), 0);
	ck_assert_str_eq(d.mfg, "Xprinter");
	ck_assert_str_eq(d.mdl, "");
	/* Too short either way round, or no bytes at all. */
	b[0] = 0, b[1] = 0;
	ck_assert_int_eq(devid_parse(b, n, &d), DRV_EINVAL);
	ck_assert_str_eq(d.mfg, "");
	b[0] = 0x05, b[1] = 13; /* 0x050d and 0x0d05: past n, n < 14 */
	ck_assert_int_eq(devid_parse(b, 13, &d), DRV_EINVAL);
	ck_assert_int_eq(devid_parse(b, 1, &d), DRV_EINVAL);
	ck_assert_int_eq(devid_parse(NULL, 0, &d), DRV_EINVAL);
	/* Two bytes of length and nothing else. */
	b[0] = 0, b[1] = 2;
	ck_assert_int_eq(devid_parse(b, 2, &d), DRV_EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("devid");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, t_epson);
	tcase_add_test(tc, t_chinese_printers);
	tcase_add_test(tc, t_not_escpos);
	tcase_add_test(tc, t_missing_and_odd_fields);
	tcase_add_test(tc, t_bad_lengths);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
