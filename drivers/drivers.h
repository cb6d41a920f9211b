/*
 * drivers: barcode scanners and ESC/POS receipt printers for the till.
 *
 * Everything runs on the caller's libevent loop: no thread, no busy loop.
 * Wire formats (escpos, hidscan, devid, receipt; barcodes in common/)
 * are pure functions; only scanner.c, the printer_*.c transports and
 * usb.c (every libusb call) do I/O.  One section per file.
 */
#ifndef CISHAN_DRIVERS_H
#define CISHAN_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

#include "barcode.h"

struct event_base;

/* Error codes given to callbacks (negative, 0 = success). */
#define DRV_OK        0
#define DRV_EIO       -1 /* transfer failed */
#define DRV_ENODEV    -2 /* device unplugged or not found */
#define DRV_ETIMEDOUT -3 /* job deadline passed */
#define DRV_ENOMEM    -4
#define DRV_EINVAL    -5
#define DRV_ECANCELED -6 /* device closed with the job pending */

/* Barcodes (symbologies, check digits) are common/barcode.h. */

/* devices.c: the table of known devices and printer profiles. */
enum devices_kind {
	DEVICES_NONE = 0,
	DEVICES_SCANNER_KBD, /* HID boot keyboard (wedge) */
	DEVICES_SCANNER_POS, /* HID POS, usage page 0x8C */
	DEVICES_PRINTER,
};
enum devices_cutter { DEVICES_CUT_NONE, DEVICES_CUT_PARTIAL, DEVICES_CUT_FULL };
struct devices_profile {
	const char *name; /* "generic58", "generic80", "tm-t20ii" */
	const char *desc;
	int width_mm;
	int dots;
	int cols_a; /* font A columns (a CJK character takes two) */
	int cols_b;
	enum devices_cutter cutter;
	int qr;     /* GS ( k QR supported */
	int status; /* answers DLE EOT */
	int cjk;    /* starts in Chinese mode, bytes >= 0x80 are GBK */
	const char *encoding; /* iconv name of the text encoding */
};
struct devices_id {
	uint16_t vid, pid; /* pid 0: any product of that vendor */
	enum devices_kind kind;
	const char *name;
	const char *profile; /* printers only */
};
const struct devices_profile *devices_profile(const char *name);
const struct devices_profile *devices_profile_at(size_t i); /* NULL past end */
const struct devices_id *devices_lookup(uint16_t vid, uint16_t pid);

/* devid.c: the IEEE 1284 device id a USB printer answers to GET_DEVICE_ID
 * (control IN A1 00, wIndex = interface << 8): a 2-byte big-endian
 * length that counts itself, then "MFG:...;CMD:...;MDL:...;".  Values are
 * trimmed, cut to fit and printable ASCII ('?' for other bytes). */
#define DEVID_MIN 14 /* 2 + "MFG:x;MDL:y;" */
#define DEVID_MAX 1024
struct devid {
	char mfg[64]; /* MFG: or MANUFACTURER: */
	char mdl[64]; /* MDL: or MODEL: */
	char cmd[64]; /* CMD: or COMMAND SET: */
	char des[64]; /* DES: or DESCRIPTION: */
};
/* The n bytes of an answer.  A length out of range is re-read
 * little-endian (firmware that gets it wrong), one that leaves out
 * its own two bytes is corrected, one past n is cut to n.  0, or
 * DRV_EINVAL (d all empty) when no MFG or MDL can be read. */
int devid_parse(const uint8_t *b, size_t n, struct devid *d);
/* The string alone (no length), up to n bytes or a NUL. */
int devid_parse_str(const char *s, size_t n, struct devid *d);
/* A profile name for a printer the id table does not know: Epson (MFG
 * or a TM- model) -> "tm-t20ii", a 58 or 80 in the model -> "generic58"
 * or "generic80", Xprinter/Gprinter/POS class -> "generic58"; NULL
 * when unsure or not ESC/POS (a CMD that does not list ESC/POS). */
const char *devid_profile(const struct devid *d);

/* escpos.c: an ESC/POS byte builder.  Errors are sticky (escpos_error). */
struct escpos;
enum escpos_align { ESCPOS_LEFT = 0, ESCPOS_CENTER = 1, ESCPOS_RIGHT = 2 };
enum escpos_cut { ESCPOS_CUT_FULL, ESCPOS_CUT_PARTIAL };
struct escpos *escpos_new(const struct devices_profile *);
void escpos_free(struct escpos *);
const uint8_t *escpos_bytes(const struct escpos *, size_t *len);
int escpos_error(const struct escpos *);
void escpos_fail(struct escpos *, int err); /* keeps the first error */
void escpos_reset(struct escpos *);         /* empty the buffer, keep profile */
const struct devices_profile *escpos_profile(const struct escpos *);
int escpos_columns(const struct escpos *); /* at the current width scale */
void escpos_raw(struct escpos *, const void *, size_t);
void escpos_init(struct escpos *); /* ESC @ (+ FS & on CJK profiles) */
void escpos_align(struct escpos *, enum escpos_align);
void escpos_bold(struct escpos *, int on);
void escpos_size(struct escpos *, int w, int h); /* 1..8 each */
/* UTF-8 text to the profile's encoding; "\n" feeds a line. */
void escpos_text(struct escpos *, const char *utf8);
void escpos_line(struct escpos *, const char *utf8); /* text + LF */
void escpos_feed(struct escpos *, int lines);
/* Feed n lines, then cut as the profile's cutter allows (none: feed). */
void escpos_cut(struct escpos *, enum escpos_cut, int feed);
void escpos_ean13(struct escpos *, const char *digits12or13, int height);
void escpos_code128(struct escpos *, const char *ascii, int height);
void escpos_qr(struct escpos *, const char *data, int module, char ecc);
void escpos_drawer(struct escpos *);
/* One character: next UTF-8 code point of *s (advanced); bad bytes give
 * U+FFFD.  Returns 0 at the end of the string. */
uint32_t escpos_utf8_next(const char **s);
/* The bytes a code point prints as (1 or 2 in out); '?' when the
 * encoding lacks it.  Display width on the paper = returned length. */
size_t escpos_encode_cp(uint32_t cp, uint8_t out[4]);

/* Status of a printer (DLE EOT n), decoded. */
enum escpos_state {
	ESCPOS_OK = 0,
	ESCPOS_PAPER_NEAR_END,
	ESCPOS_PAPER_END,
	ESCPOS_COVER_OPEN,
	ESCPOS_OFFLINE,
	ESCPOS_ERROR,
	ESCPOS_UNKNOWN, /* no (valid) answer: never "fine" */
};
#define ESCPOS_F_OFFLINE    0x01
#define ESCPOS_F_COVER_OPEN 0x02
#define ESCPOS_F_PAPER_STOP 0x04 /* stopped by paper end */
#define ESCPOS_F_ERROR      0x08
#define ESCPOS_F_NEAR_END   0x10
#define ESCPOS_F_PAPER_END  0x20
struct escpos_status {
	enum escpos_state state;
	unsigned flags;
	int answered; /* bytes that were valid status bytes */
};
/* The query printer.c sends: DLE EOT 1, 2, 4 (9 bytes). */
extern const uint8_t escpos_status_query[9];
/* Decode the answers to escpos_status_query, in order; n < 3 is
 * partial (missing answers make the state unknown unless one that came
 * already shows a fault). */
void escpos_status_decode(const uint8_t *b, size_t n, struct escpos_status *);
const char *escpos_state_name(enum escpos_state);

/* receipt.c: layout by display width (a Chinese character = 2 columns). */
int receipt_width(const char *utf8);
/* Copy at most width columns of s into out; returns bytes written. */
size_t receipt_fit(char *out, size_t outsz, const char *s, int width);
/* "left ...... right" in width columns; a long left side wraps onto
 * several lines, the right side ends the last line.  Lines end in "\n".
 * Returns the length (snprintf-like: may exceed outsz - 1). */
size_t receipt_line_lr(
    char *out, size_t outsz, const char *left, const char *right, int width);
/* text centred in width columns, "\n" terminated. */
size_t receipt_line_center(char *out, size_t outsz, const char *s, int width);
/* ch repeated width times, "\n" terminated. */
size_t receipt_line_rule(char *out, size_t outsz, char ch, int width);
/* Columns: widths[i] > 0, align 'l' or 'r'; cells cut to fit. */
size_t receipt_line_cols(char *out, size_t outsz, const char *const *cells,
    const int *widths, const char *aligns, size_t n);
/* The same, appended to an escpos buffer at its current column count. */
void receipt_lr(struct escpos *, const char *left, const char *right);
void receipt_center(struct escpos *, const char *s);
void receipt_rule(struct escpos *, char ch);
void receipt_cols(struct escpos *, const char *const *cells, const int *widths,
    const char *aligns, size_t n);

/* hidscan.c: HID report decoders (pure; the caller owns the state). */
#define HIDSCAN_MAX 4096
struct hidscan_boot {
	uint8_t prev[6]; /* keys down in the previous report */
	size_t len;      /* of code, also once complete */
	int overflow;
	int done; /* code complete: the next report starts a new one */
	char code[HIDSCAN_MAX + 1];
};
struct hidscan_pos {
	size_t len; /* of code, also once complete */
	int overflow;
	int done;
	char aim[4]; /* "]E0" */
	uint8_t vendor_sym;
	char code[HIDSCAN_MAX + 1];
};
void hidscan_boot_reset(struct hidscan_boot *);
/* Feed one boot report (8 bytes, or 9 with a report id first).  Returns
 * 1 when a terminator (CR, LF, Tab) completed a code in st->code, else 0. */
int hidscan_boot_feed(struct hidscan_boot *, const uint8_t *rep, size_t n);
/* US layout: usage id + shift to ASCII, 0 when unmapped. */
int hidscan_usage_ascii(uint8_t usage, int shift);
void hidscan_pos_reset(struct hidscan_pos *);
/* Feed one HID POS report; returns 1 when the last report of a code came
 * (st->code, st->aim), else 0. */
int hidscan_pos_feed(struct hidscan_pos *, const uint8_t *rep, size_t n);
enum barcode_sym hidscan_aim_sym(const char *aim);

/* wedge.c: a scan typed through the keyboard, told from typing by timing:
 * >= 4 characters, <= 100 ms apart, ending in CR, LF or Tab. */
#define WEDGE_MIN_CHARS  4
#define WEDGE_MAX_GAP_MS 100
struct wedge {
	uint64_t last_ms;
	size_t len;
	int overflow; /* longer than code: dropped, never cut */
	char code[256];
};
/* Pure classifier: n keys with their times; 1 if they are a scan. */
int wedge_classify(const int *keys, const uint64_t *ms, size_t n);
void wedge_reset(struct wedge *);
/* One key at time ms; returns 1 when it completes a scan (w->code). */
int wedge_key(struct wedge *, int ch, uint64_t ms);

/* drv.c: the context shared by all devices on one event_base. */
struct drv_ctx;
struct drv_ctx *drv_new(struct event_base *);
void drv_free(struct drv_ctx *);
struct event_base *drv_base(const struct drv_ctx *);
/* Every attached USB scanner and printer, one callback each. */
struct drv_devinfo {
	enum devices_kind kind;
	uint16_t vid, pid;
	uint8_t bus;
	char port[32]; /* "1-2.3" style path */
	char serial[64];
	char product[64];
	const char *name;    /* from the id table, or NULL */
	const char *profile; /* printers: the matched profile name */
	int has_status;      /* printer with a bulk IN endpoint */
	struct devid devid;  /* printers: GET_DEVICE_ID, empty if none */
};
int drv_list(struct drv_ctx *, void (*cb)(const struct drv_devinfo *, void *),
    void *arg);

/* scanner.c: one event per scan; device state as events. */
struct scanner;
struct scanner_scan {
	const char *code; /* NUL-terminated, ASCII/bytes as read */
	size_t len;
	enum barcode_sym sym;
	int check_ok; /* 1 valid, 0 bad check digit, -1 no check digit */
};
enum scanner_state { SCANNER_ATTACHED, SCANNER_DETACHED };
struct scanner_cbs {
	void (*scan)(const struct scanner_scan *, void *arg);
	void (*state)(enum scanner_state, void *arg); /* may be NULL */
	void *arg;
};
/* spec: "usb" (first known scanner), "usb:VVVV:PPPP", "usb:VVVV:PPPP:SERIAL",
 * any of these + "@PORT" (bus-port path from drv_list, for identical
 * devices without serial), "tty:/dev/ttyACM0", or "wedge" (keys fed by
 * scanner_wedge_key).  The device may be absent: it is opened when it
 * appears.  NULL on a bad spec or out of memory. */
struct scanner *scanner_open(
    struct drv_ctx *, const char *spec, const struct scanner_cbs *);
void scanner_close(struct scanner *);
int scanner_attached(const struct scanner *);
/* Wedge mode: each key from the terminal; 1 when it completed a scan
 * (delivered through the scan callback), else 0. */
int scanner_wedge_key(struct scanner *, int ch, uint64_t ms);

/* printer.c: jobs and status; the transports (USB, file, TCP, memory)
 * are printer_ops in printer_usb.c, printer_file.c, printer_tcp.c and
 * printer_mem.c. */
struct printer;
enum printer_state { PRINTER_ATTACHED, PRINTER_DETACHED };
struct printer_cbs {
	/* Device attached/detached; NULL allowed. */
	void (*state)(enum printer_state, void *arg);
	void *arg;
};
/* spec: "usb", "usb:VVVV:PPPP[:SERIAL][@PORT]", "file:/dev/usb/lp0",
 * "tcp:HOST:PORT", "mem".  profile NULL: from the id table, else from
 * the printer's IEEE 1284 device id (devid_profile), else "generic58". */
struct printer *printer_open(struct drv_ctx *, const char *spec,
    const char *profile, const struct printer_cbs *);
void printer_close(struct printer *);
const struct devices_profile *printer_profile(const struct printer *);
int printer_attached(const struct printer *);
/* Queue a job (bytes copied).  done(err, arg) once: DRV_OK or an error;
 * a failed job may have printed partly, it is never sent twice. */
int printer_write(struct printer *, const void *bytes, size_t len,
    void (*done)(int err, void *arg), void *arg);
/* Ask the printer's state after the queued jobs; cb gets it once
 * (ESCPOS_UNKNOWN when it cannot or does not answer in time).  A
 * "file:" that is a regular file, write-only, or not pollable (epoll
 * refuses it) cannot answer: ESCPOS_UNKNOWN at once, no query sent. */
int printer_status(struct printer *,
    void (*cb)(const struct escpos_status *, void *arg), void *arg);
/* Timeouts in ms: per USB chunk, whole job, status answer. */
void printer_set_timeouts(
    struct printer *, unsigned chunk_ms, unsigned job_ms, unsigned status_ms);
/* printer_mem.c ("mem" only): everything written so far. */
const uint8_t *printer_mem_bytes(const struct printer *, size_t *len);
/* printer_mem.c ("mem" only): bytes the next status query reads. */
void printer_mem_answer(struct printer *, const uint8_t *b, size_t n);

#endif
