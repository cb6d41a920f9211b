/*
 * app.h: the till's state, owned by app.c and shared with the file of
 * each concern that acts on it (net.c, lookup.c, print.c, sync.c,
 * donor.c).  ui.c and script.c see only pos.h.
 */
#ifndef CISHAN_POS_APP_H
#define CISHAN_POS_APP_H

#include <event2/event.h>

#include "drivers.h"
#include "pos.h"

struct client_reply;
struct escpos;

#define LOOKUP_RESULTS 9

struct app {
	struct event_base *base;
	struct app_opts o;
	struct till t;
	struct client *cl;
	struct journal *j;
	struct drv_ctx *drv;
	struct scanner *sc;
	struct printer *pr;
	struct event *probe, *prtimer;
	void (*on_change)(void *);
	void (*on_idle)(void *);
	void *hook_arg;
	int busy;
	int sending;
	int probing;
	char confirm_cid[37];
	int confirming;
	struct rcpt last;
	struct print_job *jobs; /* receipts not yet printed, oldest first */
	int printing;
	char printer_state[24];
	char scanner_state[16];
	struct till_item results[LOOKUP_RESULTS];
	size_t nresults;
	int64_t shift_start;
	char shift_from[32];
	struct donor *don; /* a donor receipt being fetched */
};

/* app.c: the state, the hooks, the devices; the other files' helpers. */
void app_changed(struct app *a);
void app_busy_inc(struct app *a);
void app_busy_dec(struct app *a);
void app_now(char *out, size_t size);
int64_t app_pending(struct app *a);
int64_t app_conflicts(struct app *a);

/* net.c: online or offline, the probe, log-in. */
void net_offline(struct app *a);
void net_online(struct app *a);
int net_answered(const struct client_reply *r);
void net_probe(evutil_socket_t fd, short ev, void *arg);
void net_login(struct app *a, const char *user, const char *password);

/* lookup.c: household and item look-ups, their caches, search. */
void lookup_prefetch(struct app *a, const char *cursor, int n);
void lookup_scan(struct app *a, const char *code);
void lookup_search(struct app *a, const char *text);

/* print.c: the print queue, receipts and the shift summary. */
void print_queue(struct app *a, struct escpos *e);
void print_receipt(struct app *a, const struct rcpt *rc, int reprint);
void print_job_pop(struct app *a);
void print_timer(evutil_socket_t fd, short ev, void *arg);
void print_printer_cb(enum printer_state st, void *arg);
void print_reprint(struct app *a);
void print_rcpt_basket(struct app *a, struct rcpt *rc);
void print_shift(struct app *a);
size_t print_queued(const struct app *a);

/* sync.c: confirm, post, replay, conflicts. */
void sync_pump(struct app *a);
void sync_confirm(struct app *a);
int sync_conflicts(struct app *a);

/* donor.c: the donor-receipt chain. */
void donor_start(struct app *a, int64_t id);

#endif
