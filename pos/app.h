/*
 * app.h: the till's state, owned by app.c and shared with the file of
 * each concern that acts on it (net.c, lookup.c, print.c, sync.c,
 * donor.c).  ui.c and script.c see only pos.h.  Each concern's part of
 * struct app is written only by its own file.
 */
#ifndef CISHAN_POS_APP_H
#define CISHAN_POS_APP_H

#include "pos.h"

struct client_reply;
struct escpos;
struct event;

/*
 * Can the server be reached?  The till starts online; t.online mirrors
 * this for the till's rules (the offline cap).
 *   ONLINE, OFFLINE  --any answer of the server--> ONLINE
 *   ONLINE, OFFLINE  --a transport failure-->      OFFLINE, probe armed
 *   ONLINE, OFFLINE  --the probe timer-->          ONLINE_ or OFFLINE_PROBING
 *   either PROBING   --/healthz 200-->  ONLINE;   --else--> OFFLINE
 * Answers and failures seen while probing keep the probe in flight.
 */
enum net_state {
	NET_ONLINE = 0,
	NET_ONLINE_PROBING,
	NET_OFFLINE,
	NET_OFFLINE_PROBING,
};

/*
 * Posting the journal: at most one row in flight, oldest first, and the
 * basket the cashier confirmed (journalled, not yet done), if any.
 *   IDLE    --a pending row, online with a session-->   REPLAY
 *   IDLE    --confirm, online with a session-->         WAIT
 *   REPLAY  --confirm-->                                BEHIND
 *   WAIT    --pumped: the basket's row is the oldest--> LIVE
 *   WAIT    --pumped: an older row first-->             BEHIND
 *   REPLAY  --answered or failed-->                     IDLE
 *   BEHIND  --answered-->                               WAIT
 *   BEHIND  --failed (the basket recorded offline)-->   IDLE
 *   LIVE    --posted, refused or failed-->              IDLE
 * A failure (no answer, or 401) leaves the row pending for a replay; a
 * waiting basket is then recorded offline, as nothing more is pumped
 * until the server is back.
 */
enum sync_state {
	SYNC_IDLE = 0,
	SYNC_REPLAY, /* an older row in flight, no basket waits */
	SYNC_WAIT,   /* the basket waits, nothing in flight */
	SYNC_BEHIND, /* the basket waits behind an older row in flight */
	SYNC_LIVE,   /* the basket's own row in flight */
};

/*
 * The head of the print queue.
 *   IDLE    --a job, the printer attached-->        STATUS
 *   STATUS  --ready (or no status channel)-->       WRITING
 *   STATUS  --paper out, cover open, offline, error,
 *             or it could not be asked-->           WAIT
 *   WRITING --written--> IDLE (job dropped); --failed--> IDLE (job kept)
 *   WAIT    --300 ms-->                             IDLE
 * Each step from IDLE pumps again while jobs are left.
 */
enum print_state {
	PRINT_IDLE = 0,
	PRINT_STATUS,
	PRINT_WRITING,
	PRINT_WAIT,
};

#define LOOKUP_RESULTS 9

struct app {
	/* app.c */
	struct event_base *base;
	struct app_opts o;
	struct till t;
	struct journal *j;
	struct drv_ctx *drv;
	struct scanner *sc;
	char scanner_state[16];
	void (*on_change)(void *);
	void (*on_idle)(void *);
	void *hook_arg;
	/* Requests and prints a cashier started and waits for: a count, as
	 * they overlap (two quick scans are two look-ups). */
	int busy;

	/* net.c */
	struct wire_store store; /* as the server last said ("": never) */
	char cashier[64];        /* the display name, for paper */
	struct client *cl;
	struct event *probe;
	enum net_state net;
	int64_t shift_start; /* the log-in */
	char shift_from[32];

	/* lookup.c */
	struct till_item results[LOOKUP_RESULTS];
	size_t nresults;

	/* print.c */
	struct printer *pr;
	struct event *prtimer;
	enum print_state print;
	struct print_job *jobs; /* not yet printed, oldest first */
	char printer_state[24]; /* as the printer last said, for the screen */
	struct rcpt last;       /* to be reprinted */

	/* sync.c */
	enum sync_state sync;
	char sync_cid[37]; /* the waiting basket's client_id */
	int reporting;     /* a conflict's upload in flight */

	/* donor.c */
	struct donor *don; /* a donor receipt on its way */
};

/* app.c: the hooks and the clock the other files use. */
void app_changed(struct app *);
void app_busy_inc(struct app *);
void app_busy_dec(struct app *);
void app_now(char *out, size_t size);

/* net.c */
int net_open(struct app *, char *err, size_t errsz);
void net_close(struct app *);
int net_up(const struct app *);
void net_offline(struct app *);
void net_online(struct app *);
void net_probe_soon(struct app *);
/* A status the server itself answered, other than overload. */
int net_answered(const struct client_reply *);
/* Say the session has expired (the server answered 401). */
void net_expired(struct app *);
void net_login(struct app *, const char *user, const char *password);
/* The store as last told (the journal's cache): its name for paper, its
 * time zone for every time the till shows or prints. */
void net_store_cached(struct app *);

/* lookup.c */
void lookup_prefetch(struct app *, const char *cursor, int n);
void lookup_scan(struct app *, const char *code);
void lookup_search(struct app *, const char *text);

/* print.c */
int print_open(struct app *, char *err, size_t errsz);
void print_close(struct app *);
/* Queue the bytes of e (freed here) behind the jobs not yet printed. */
void print_queue(struct app *, struct escpos *e);
void print_receipt(struct app *, const struct rcpt *, int reprint);
void print_reprint(struct app *);
/* The basket on screen as a receipt (number and time left to fill). */
void print_rcpt_basket(struct app *, struct rcpt *);
void print_shift(struct app *);
size_t print_queued(const struct app *);

/* sync.c */
void sync_pump(struct app *);
void sync_confirm(struct app *);
int sync_confirming(const struct app *);
int sync_sending(const struct app *);
int sync_conflicts(struct app *);

/* donor.c */
/* voids.c */
void voids_start(struct app *, const char *receipt, const char *manager,
    const char *password, const char *reason);
void donor_start(struct app *, int64_t id);
void donor_free(struct donor *);
/* volunteers.c */
void volunteers_start(struct app *, int64_t id, int in, const char *role);

#endif
