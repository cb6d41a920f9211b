/*
 * pos_itest: the real cishan-pos (--script -) against the real server on
 * a demo store, for the itest_pos_* suites.  The server can be killed and
 * started again on the same port, as a till would see it.  API calls go
 * through tests/itest.c (itest_req on a struct itest_srv).
 */
#ifndef POS_ITEST_H
#define POS_ITEST_H

#include <stdio.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

#include "itest.h"

struct pos_itest {
	struct itest_srv srv; /* host, port, db, dir; pid of the server */
	const char *manager;  /* token */
	char card[32];        /* a dibao household with 200 points */
	char journal[700];
	pid_t pos;
	FILE *to, *from;
	cJSON *last; /* the last state line, freed by the next call */
};

/* Demo store, server on port 0, one household TC... with 200 points. */
void pos_itest_store(struct pos_itest *);
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

#endif
