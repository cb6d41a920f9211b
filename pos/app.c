/*
 * app.c: the till's state and its events.  It owns struct app (app.h),
 * the devices and the hooks the screen or the script set, and turns each
 * event into a call of the concern it belongs to: log-in (net.c), a scan
 * or a search (lookup.c), confirm (sync.c), printing (print.c), a donor
 * receipt (donor.c).  busy counts what a cashier started and waits for,
 * so a script knows when a command is over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers.h"
#include "app.h"

void
app_changed(struct app *a)
{
	if (a->on_change != NULL)
		a->on_change(a->hook_arg);
}

void
app_busy_inc(struct app *a)
{
	a->busy++;
}

void
app_busy_dec(struct app *a)
{
	if (a->busy > 0 && --a->busy == 0 && a->on_idle != NULL)
		a->on_idle(a->hook_arg);
}

void
app_now(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---- what the screen and the script call ---- */

void
app_login(struct app *a, const char *user, const char *password)
{
	net_login(a, user, password);
}

void
app_scan(struct app *a, const char *code)
{
	lookup_scan(a, code);
}

void
app_search(struct app *a, const char *text)
{
	lookup_search(a, text);
}

void
app_confirm(struct app *a)
{
	sync_confirm(a);
}

void
app_sale(struct app *a)
{
	if (!sync_confirming(a))
		till_sale(&a->t);
	app_changed(a);
}

void
app_pay(struct app *a, const char *method, const char *reference)
{
	till_pay(&a->t, method, reference);
	app_changed(a);
}

void
app_reprint(struct app *a)
{
	print_reprint(a);
}

void
app_shift(struct app *a)
{
	print_shift(a);
}

void
app_donation(struct app *a, int64_t id)
{
	donor_start(a, id);
}

void
app_void(struct app *a, const char *receipt_no, const char *manager,
    const char *password, const char *reason)
{
	voids_start(a, receipt_no, manager, password, reason);
}

void
app_volunteer(struct app *a, int64_t id, int in, const char *role)
{
	volunteers_start(a, id, in, role);
}

int
app_list_conflicts(struct app *a)
{
	return sync_conflicts(a);
}

/* ---- the scanner ---- */

static void
app_scanner_state_cb(enum scanner_state st, void *arg)
{
	struct app *a = arg;

	snprintf(a->scanner_state, sizeof(a->scanner_state), "%s",
	    st == SCANNER_ATTACHED ? "attached" : "detached");
	if (st == SCANNER_ATTACHED)
		till_msg(&a->t, "scanner_attached", "%s",
		    till_tr(&a->t, "扫描枪已连接", "scanner connected"));
	else
		till_msg(&a->t, "scanner_detached", "%s",
		    till_tr(&a->t, "扫描枪已断开，可手工输入条码",
		        "scanner unplugged: type the codes"));
	app_changed(a);
}

static void
app_scanner_scan_cb(const struct scanner_scan *s, void *arg)
{
	struct app *a = arg;
	char code[TILL_CODE_MAX];

	if (s->len >= sizeof(code)) {
		till_msg(&a->t, "bad_code", "%s",
		    till_tr(&a->t, "条码太长", "code too long"));
		app_changed(a);
		return;
	}
	memcpy(code, s->code, s->len);
	code[s->len] = '\0';
	if (s->check_ok == 0) {
		till_msg(&a->t, "bad_check_digit", "%s %s",
		    till_tr(&a->t, "条码校验错误，请重扫:",
		        "bad check digit, scan again:"),
		    code);
		app_changed(a);
		return;
	}
	lookup_scan(a, code);
}

/* ---- accessors ---- */

int64_t
app_pending(struct app *a)
{
	int64_t n = 0;

	journal_count(a->j, JOURNAL_PENDING, &n);
	return n;
}

int64_t
app_conflicts(struct app *a)
{
	int64_t n = 0;

	journal_count(a->j, JOURNAL_CONFLICT, &n);
	return n;
}

const char *
app_printer_state(const struct app *a)
{
	return a->printer_state;
}

const char *
app_scanner_state(const struct app *a)
{
	return a->scanner_state;
}

const char *
app_last_receipt(const struct app *a)
{
	return a->last.valid ? a->last.receipt_no : NULL;
}

struct till *
app_till(struct app *a)
{
	return &a->t;
}

const struct app_opts *
app_opts(const struct app *a)
{
	return &a->o;
}

int
app_busy(const struct app *a)
{
	return a->busy;
}

int
app_sending(const struct app *a)
{
	return sync_sending(a);
}

void
app_hooks(struct app *a, void (*on_change)(void *), void (*on_idle)(void *),
    void *arg)
{
	a->on_change = on_change;
	a->on_idle = on_idle;
	a->hook_arg = arg;
}

size_t
app_results(const struct app *a, const struct till_item **out)
{
	*out = a->results;
	return a->nresults;
}

size_t
app_print_queue(const struct app *a)
{
	return print_queued(a);
}

/* ---- life cycle ---- */

struct app *
app_new(
    struct event_base *base, const struct app_opts *o, char *err, size_t errsz)
{
	struct app *a;
	struct scanner_cbs scb;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	a->base = base;
	a->o = *o;
	till_init(&a->t, o->lang, o->offline_cap);
	snprintf(a->scanner_state, sizeof(a->scanner_state), "%s",
	    strcmp(o->scanner, "keyboard") == 0   ? "keyboard"
	        : strcmp(o->scanner, "none") == 0 ? "none"
	                                          : "detached");
	if (journal_open(o->journal, &a->j) < 0) {
		snprintf(err, errsz, "%s",
		    a->j ? journal_error(a->j) : "out of memory");
		goto fail;
	}
	net_store_cached(a); /* offline, the store as last told */
	if (net_open(a, err, errsz) < 0)
		goto fail;
	/* libusb only when a device needs it (a typing till has none). */
	if ((strcmp(o->scanner, "keyboard") != 0 ||
	        strcmp(o->printer, "none") != 0) &&
	    (a->drv = drv_new(base)) == NULL) {
		snprintf(err, errsz, "cannot start USB (libusb_init failed)");
		goto fail;
	}
	if (strcmp(o->scanner, "keyboard") != 0 &&
	    strcmp(o->scanner, "none") != 0) {
		scb.scan = app_scanner_scan_cb;
		scb.state = app_scanner_state_cb;
		scb.arg = a;
		if ((a->sc = scanner_open(a->drv, o->scanner, &scb)) == NULL) {
			snprintf(err, errsz, "bad --scanner %s", o->scanner);
			goto fail;
		}
		if (scanner_attached(a->sc))
			snprintf(a->scanner_state, sizeof(a->scanner_state),
			    "attached");
	}
	if (print_open(a, err, errsz) < 0)
		goto fail;
	return a;
fail:
	app_free(a);
	return NULL;
}

void
app_free(struct app *a)
{
	if (a == NULL)
		return;
	scanner_close(a->sc);
	print_close(a);
	drv_free(a->drv);
	net_close(a);
	donor_free(a->don);
	journal_close(a->j);
	free(a);
}
