/*
 * pos_itest: the real cishan-pos (--script -) against the real server on
 * a demo store, for the itest_pos_* suites.  The server can be killed and
 * started again on the same port, as a till would see it.  API calls go
 * through tests/itest.c (itest_req on a struct itest_srv).
 */
#ifndef POS_ITEST_H
#define POS_ITEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "itest.h"

struct usbemu;
struct usbemu_dev;

struct pos_itest {
	struct itest_srv srv; /* host, port, db, dir; pid of the server */
	const char *manager;  /* token */
	char card[32];        /* a dibao household with 200 points */
	char journal[700];
	char paper[800];    /* "file:DIR/paper", by pos_itest_store_paper */
	struct usbemu *emu; /* by pos_itest_store_usb, freed by done */
	struct usbemu_dev *prn, *scn;
	pid_t pos;
	FILE *to, *from;
	cJSON *last; /* the last state line, freed by the next call */
};

/* Demo store, server on port 0, one household TC... with 200 points. */
void pos_itest_store(struct pos_itest *);
/* The same, and an empty file for the till's --printer T->paper. */
void pos_itest_store_paper(struct pos_itest *);
/* Fixtures for a suite on a file printer: a TCase (timeout 60 s) whose
 * set-up makes pos_itest_till with pos_itest_store_paper and whose
 * teardown ends it; pos_itest_start_paper starts the till on that printer,
 * without a scanner. */
extern struct pos_itest pos_itest_till;
TCase *pos_itest_paper_tcase(const char *name);
void pos_itest_start_paper(struct pos_itest *);
/* The same on emulated USB devices (made before it, as the till's
 * libusb wants): a 58 mm printer, ready, and with SCANNER a HID POS
 * scanner. */
void pos_itest_store_usb(struct pos_itest *, int scanner);
/* Another household (card out, size 32) with POINTS in category CAT. */
void pos_itest_household(struct pos_itest *, const char *cat, char *card);
void pos_itest_serve(struct pos_itest *); /* on srv.port (0: any) */
void pos_itest_kill(struct pos_itest *);  /* SIGKILL, as a crash */
/* Start cishan-pos --script - with extra args (NULL-ended). */
void pos_itest_start(struct pos_itest *, const char *const *args);
/* One command; its state line (owned by the harness). */
cJSON *pos_itest_cmd(struct pos_itest *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* `wait MS` until pred(state) or secs pass; the last state. */
cJSON *pos_itest_until(
    struct pos_itest *, int (*pred)(const cJSON *), double secs);
/* Close its stdin; its exit status. */
int pos_itest_end(struct pos_itest *);
void pos_itest_done(struct pos_itest *);
/* Has the state a message with this code? */
int pos_itest_msg(const cJSON *, const char *code);
/* Distributions the server holds for till T1. */
int pos_itest_count(struct pos_itest *);

/* A state's member K: a string ("" if none), a number (asserted). */
const char *pos_itest_str(const cJSON *, const char *k);
double pos_itest_num(const cJSON *, const char *k);
/* For pos_itest_until: nothing left to send; nothing left to print. */
int pos_itest_nothing_pending(const cJSON *);
int pos_itest_queue_empty(const cJSON *);
/* Do the printer's bytes B (N) show UTF8 as the 58 mm profile prints it
 * (GBK, through escpos)? */
int pos_itest_shows(const uint8_t *b, size_t n, const char *utf8);

#endif
