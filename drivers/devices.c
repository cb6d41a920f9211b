/* devices.c: known scanner/printer ids and printer profiles. */
#include <string.h>

#include "drivers.h"

/* In the manner of escpos-printer-db: what each class of printer can do. */
static const struct devices_profile devices_profiles[] = {
    {"generic58", "58 mm Chinese printer (Xprinter/Gprinter class)", 58, 384,
        32, 42, DEVICES_CUT_NONE, 1, 1, 1, "GBK"},
    {"generic80", "80 mm Chinese printer with cutter", 80, 576, 48, 64,
        DEVICES_CUT_PARTIAL, 1, 1, 1, "GBK"},
    {"tm-t20ii", "Epson TM-T20II (China model, GB18030 font)", 80, 576, 48, 64,
        DEVICES_CUT_PARTIAL, 1, 1, 1, "GBK"},
};

/*
 * Ids change with a scanner's mode and are shared between vendors, so
 * this is a hint; unknown devices fall back to their interface class.
 */
static const struct devices_id devices_ids[] = {
    {0x05e0, 0x1200, DEVICES_SCANNER_KBD, "Symbol/Zebra scanner (keyboard)",
        NULL},
    {0x05e0, 0x1300, DEVICES_SCANNER_POS, "Symbol/Zebra scanner (HID POS)",
        NULL},
    {0x0c2e, 0x0b8f, DEVICES_SCANNER_POS, "Honeywell Voyager 1400g (HID POS)",
        NULL},
    {0x0c2e, 0, DEVICES_SCANNER_KBD, "Honeywell scanner", NULL},
    {0x067e, 0x0809, DEVICES_SCANNER_KBD, "Intermec scanner", NULL},
    {0x04b8, 0x0e03, DEVICES_PRINTER, "Epson TM-T20", "tm-t20ii"},
    {0x04b8, 0x0e15, DEVICES_PRINTER, "Epson TM-T20II", "tm-t20ii"},
    {0x6868, 0x0500, DEVICES_PRINTER, "Gprinter", "generic58"},
    {0x6868, 0x0200, DEVICES_PRINTER, "Gprinter", "generic80"},
    {0x0483, 0x5743, DEVICES_PRINTER, "Xprinter XP-T58H", "generic58"},
    {0x0416, 0x5011, DEVICES_PRINTER, "POS58 (Winbond id)", "generic58"},
};

const struct devices_profile *
devices_profile(const char *name)
{
	for (size_t i = 0;
	     i < sizeof(devices_profiles) / sizeof(devices_profiles[0]); i++)
		if (name != NULL && strcmp(devices_profiles[i].name, name) == 0)
			return &devices_profiles[i];
	return NULL;
}

const struct devices_profile *
devices_profile_at(size_t i)
{
	if (i >= sizeof(devices_profiles) / sizeof(devices_profiles[0]))
		return NULL;
	return &devices_profiles[i];
}

const struct devices_id *
devices_lookup(uint16_t vid, uint16_t pid)
{
	const struct devices_id *any = NULL;

	for (size_t i = 0; i < sizeof(devices_ids) / sizeof(devices_ids[0]);
	     i++) {
		if (devices_ids[i].vid != vid)
			continue;
		if (devices_ids[i].pid == pid)
			return &devices_ids[i];
		if (devices_ids[i].pid == 0)
			any = &devices_ids[i];
	}
	return any;
}
