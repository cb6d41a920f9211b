/*
 * pos: the cashier's till.  One libevent loop carries the terminal (or a
 * script), the scanner, the printer and the evhttp client.  One section a
 * file; till.c, wire.c, slip.c and the journal's SQL know nothing of the
 * loop.  The state behind app.c and its concerns is in app.h.
 */
#ifndef CISHAN_POS_H
#define CISHAN_POS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct event_base;
struct cJSON;

/* Bounds of everything the till holds (inputs are cut or refused). */
#define TILL_MAX_LINES  64
#define TILL_MAX_LIMITS 64
#define TILL_MAX_QTY    999
#define TILL_MAX_MSGS   8
#define TILL_CODE_MAX   64
#define TILL_NAME_MAX   128
#define TILL_POINTS_MAX 100000000 /* 1e8: far above any household */

/* till.c: the state machine (pure: no I/O, no clock). */
enum till_lang { TILL_ZH = 0, TILL_EN = 1 };
enum till_stage { TILL_LOGIN = 0, TILL_CARD, TILL_BASKET };
/* Why a line would break a rule (flags of a line). */
#define TILL_F_POINTS   0x01 /* the balance does not cover it */
#define TILL_F_LIMIT    0x02 /* over what is left of the monthly limit */
#define TILL_F_PRIORITY 0x04 /* priority-only item, household not priority */
#define TILL_F_INACTIVE 0x08 /* household suspended or expired */
#define TILL_F_OFFCAP   0x10 /* over the offline cap */

struct till_limit {
	int64_t item_id;
	char name[TILL_NAME_MAX];
	int64_t monthly_limit, taken, remaining;
};
struct till_household {
	int64_t id;
	char card[TILL_CODE_MAX];
	char name_masked[64];
	char category[16];
	char status[16];
	int priority;
	int64_t points; /* balance after what the journal still holds */
	int64_t members;
	struct till_limit limits[TILL_MAX_LIMITS];
	size_t nlimits;
	int cached; /* from the till's cache, not the server just now */
};
struct till_item {
	int64_t id;
	int64_t held; /* of it for this household in the unsent journal */
	char barcode[TILL_CODE_MAX];
	char name[TILL_NAME_MAX];
	char unit[32];
	int64_t points;
	int64_t monthly_limit; /* -1: none */
	int priority_only;
	int64_t sale_price_fen; /* a charity sale's price; 0: not for sale */
};
struct till_line {
	struct till_item item;
	int64_t qty;
	unsigned flags;
};
struct till_msg {
	char code[32];
	char text[256];
};
struct till {
	enum till_stage stage;
	enum till_lang lang;
	char user[64];
	char role[16];
	int has_hh;
	struct till_household hh;
	struct till_line lines[TILL_MAX_LINES];
	size_t nlines;
	int online;
	int64_t offline_cap;  /* points a household may take offline */
	int64_t offline_used; /* by this household in journalled offline */
	struct till_msg msgs[TILL_MAX_MSGS];
	size_t nmsgs;  /* since till_msgs_clear */
	unsigned seq;  /* bumped on every change (redraw) */
	size_t cursor; /* selected line (UI) */
	/* A charity sale (慈善义卖): no card, prices, a payment. */
	int sale;
	char pay_method[8]; /* cash, qr */
	char pay_ref[64];   /* qr: the payment's reference */
};
void till_init(struct till *, enum till_lang, int64_t offline_cap);
void till_login(struct till *, const char *user, const char *role);
void till_logout(struct till *);
void till_household(struct till *, const struct till_household *);
/* Add one of item (a repeated scan adds quantity); the line's index, or
 * -1 (message set) when the basket is full or the quantity too big. */
int till_add(struct till *, const struct till_item *);
int till_qty(struct till *, size_t idx, int64_t qty);
int till_remove(struct till *, size_t idx);
void till_cancel(struct till *); /* basket and household */
/* Points of the basket; -1 on overflow (cannot happen within bounds). */
int64_t till_total(const struct till *);
int64_t till_balance_after(const struct till *);
int64_t till_goods(const struct till *);
/* What is left of the month's limit of item for the household: -1 none. */
int64_t till_remaining(const struct till *, const struct till_item *);
/* The index of the line of item id, or -1. */
int till_find(const struct till *, int64_t item_id);
/* Recompute the flags of every line; the number of flagged lines. */
size_t till_check(struct till *);
/* 0 when the basket may be confirmed, else a message is set. */
int till_can_confirm(struct till *);
void till_msg(struct till *, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void till_msgs_clear(struct till *);
/* A text in the till's language. */
const char *till_tr(const struct till *, const char *zh, const char *en);
const char *till_flag_code(unsigned flag);
/* The flag as the screen shows it, short: 积分不足, 超限 … */
const char *till_flag_short(const struct till *, unsigned flag);
/* A household category's name: 低保 for dibao (the code if unknown). */
const char *till_category(const struct till *, const char *code);
/* Sale mode: the basket is a charity sale (cancelled by till_cancel);
 * its payment (method cash or qr, ref "" or its reference: 0, or -1 with
 * a message); and its total in fen (-1 on overflow). */
void till_sale(struct till *);
int till_pay(struct till *, const char *method, const char *ref);
int64_t till_sale_total(const struct till *);
/* A refusal in the till's language with its figures, into out: code as
 * the server names it, name the line's item ("" none), v[] the details
 * (limit, taken, asked; or needed, balance; or available, asked), and
 * fallback (the server's message) for a code it does not know. */
void till_refusal(const struct till *, const char *code, const char *name,
    const int64_t v[3], const char *fallback, char *out, size_t size);

/* A receipt as printed, kept whole to be reprinted: from the basket,
 * then what the server's reply says. */
struct rcpt_line {
	char name[TILL_NAME_MAX];
	int64_t qty, points;
	int64_t amount_fen; /* a sale's line */
};
struct rcpt_limit {
	char name[TILL_NAME_MAX];
	int64_t remaining;
};
struct rcpt {
	int valid;
	char receipt_no[64], when[32], card[TILL_CODE_MAX], cashier[64];
	int offline;
	struct rcpt_line lines[TILL_MAX_LINES];
	size_t nlines;
	struct rcpt_limit limits[TILL_MAX_LIMITS];
	size_t nlimits;
	int64_t total, balance; /* a sale: total in fen, balance 0 */
	int sale;
	char method[8], reference[64];
};

/* wire.c: all the JSON between till and server (cJSON), pure: requests
 * built from structs, replies read into bounded structs. */
struct journal_entry;
int wire_i64(const struct cJSON *, const char *key, int64_t min, int64_t max,
    int64_t *out);
/* An integer of an error reply's details; -1 if absent. */
int wire_detail(const struct cJSON *reply, const char *key, int64_t *out);
/* Copies a string field (cut at size - 1 on a UTF-8 boundary); -1 if
 * absent or not a string. */
int wire_strcpy(const struct cJSON *, const char *key, char *out, size_t size);
int wire_household(const struct cJSON *, struct till_household *);
int wire_item(const struct cJSON *, const char *barcode, struct till_item *);
/* The same from the JSON text the caches keep. */
int wire_household_text(const char *json, struct till_household *);
int wire_item_text(const char *json, const char *barcode, struct till_item *);
/* Up to max items of a list page (search results); how many. */
size_t wire_items(const struct cJSON *page, struct till_item *, size_t max);
/* cb(barcode, the item's JSON text) for each barcode of each item of a
 * list page (the item cache); the number of items. */
size_t wire_items_each(const struct cJSON *page,
    void (*cb)(const char *barcode, const char *json, void *), void *arg);
/* A list page's cursor to the next page: 1, or 0 on the last page. */
int wire_next(const struct cJSON *page, char *cursor, size_t size);
/* The entry of a list page (donors, funds) with id: its name and, if
 * purpose is not NULL, its purpose ("" if none).  0, or -1 if absent. */
int wire_listed(const struct cJSON *page, int64_t id, char *name, size_t namesz,
    char *purpose, size_t purposesz);
/* An error reply: {"error":{"code","message","details"}}. */
struct wire_err {
	char code[32];     /* "error" if absent */
	char text[256];    /* the message, "" if absent */
	char details[256]; /* details as JSON text, "" if absent */
};
void wire_error(const struct cJSON *reply, struct wire_err *);
/* POST /api/v1/sessions: the body (malloc'd; NULL out of memory), and
 * its reply's token (needed) and role ("" if absent). */
char *wire_login_req(const char *user, const char *password);
int wire_login(const struct cJSON *, char *token, size_t tokensz, char *role,
    size_t rolesz);
/* POST /api/v1/distributions: the body of a basket (malloc'd). */
char *wire_distribution_req(const char *client_id, const char *till_id,
    const char *card, const struct till_line *, size_t nlines);
/* Its reply onto rc, which holds the basket's receipt: the receipt
 * number ("?" if absent), when (created_at's wall clock, "" if absent),
 * and total, balance and lines where the server gives them. */
void wire_distribution(const struct cJSON *reply, struct rcpt *rc);
/* POST /api/v1/sales: the body of a sale (malloc'd), and its reply onto
 * rc as wire_distribution does (total_fen, the lines' amounts). */
char *wire_sale_req(const char *client_id, const char *till_id,
    const struct till_line *, size_t nlines, const char *method,
    const char *reference);
void wire_sale(const struct cJSON *reply, struct rcpt *rc);
/* GET /api/v1/store: name, public address ("" if none) and time zone
 * (an IANA name of letters, digits, '/', '_', '+', '-'); 0, or -1. */
struct wire_store {
	char name[128], address[256], tz[64];
};
int wire_store_text(const char *json, struct wire_store *);
/* GET /api/v1/distributions?receipt_no=: the one found (0), or -1. */
int wire_dist_found(const struct cJSON *page, int64_t *id, int64_t *points,
    int64_t *goods, int *voided);
/* POST /api/v1/distributions/{id}/void: the body (malloc'd). */
char *wire_void_req(const char *client_id, const char *reason);
/* A volunteer's check-in and check-out (bodies, malloc'd), and the
 * minutes of the shift a check-out answers. */
char *wire_checkin_req(
    const char *client_id, const char *till_id, const char *role);
char *wire_checkout_req(const char *client_id);
int wire_shift_minutes(const struct cJSON *, int64_t *);
/* A journal conflict as one JSON line (malloc'd), request and reply. */
char *wire_conflict(const struct journal_entry *);
/* POST /api/v1/offline-conflicts: the basket's request body with its
 * local number and the refusal of reply (malloc'd; NULL if body is not
 * a basket). */
char *wire_conflict_req(
    const char *body, const char *local_no, const char *reply);
/* A string member of a reply's JSON text into out ("" if none). */
void wire_reply_str(const char *reply, const char *key, char *out, size_t size);
/* GET /api/v1/donations/{id}: code, date, donor, and cash or goods. */
#define WIRE_DON_LINES 500 /* the server's cap on a donation's lines */
struct wire_gift {
	int64_t item_id, qty, unit_value_fen;
	char name[TILL_NAME_MAX]; /* filled later, from the item */
};
struct wire_donation {
	char code[64], date[16];
	int64_t donor_id, fund_id, cash_fen; /* cash_fen > 0: cash */
	struct wire_gift lines[WIRE_DON_LINES];
	size_t nlines;
};
int wire_donation(const struct cJSON *, struct wire_donation *);
/* The screen as one JSON line (malloc'd), for --script: the till, and
 * the devices and counts from beyond it. */
struct wire_devs {
	int64_t pending, conflicts;
	const char *printer, *scanner;
	size_t print_queue;
	const char *receipt; /* the last receipt's number, or NULL */
};
char *wire_state(const struct till *, const struct wire_devs *);
/* A reply's body parsed (NULL if it is not JSON), and freed. */
struct cJSON *wire_parse(const char *body, size_t len);
void wire_free(struct cJSON *);
/* A random UUID v4 (libsodium) in out[37]. */
void wire_uuid(char out[37]);

/* slip.c: receipt and shift-summary bytes (drivers' escpos + receipt). */
struct slip_line {
	const char *name;
	int64_t qty;
	int64_t points; /* of the line */
};
struct slip_limit {
	const char *name;
	int64_t remaining;
};
struct slip {
	const char *store;
	const char *till;
	const char *cashier;
	const char *receipt_no;
	const char *when; /* "YYYY-MM-DD HH:MM:SS" */
	const char *card; /* in clear: slip masks it */
	int offline;
	int reprint;
	const struct slip_line *lines;
	size_t nlines;
	int64_t total, balance_after;
	const struct slip_limit *limits;
	size_t nlimits;
	enum till_lang lang;
};
struct slip_shift {
	const char *store, *till, *cashier, *from, *to;
	/* Net of voids; refused baskets are not in them either. */
	int64_t distributions, points, goods, pending, conflicts;
	int64_t voids[3], refused[3]; /* count, points, goods */
	/* The shift's offline receipts: "L-T1-3 → T1-000002" each. */
	const char *const *offline;
	size_t noffline;
	enum till_lang lang;
};
/* A donor receipt (捐赠收据): goods lines, or cash into a fund.  The
 * server's bounds: 500 lines of 1..10^6 at 0..10^10 fen each. */
#define SLIP_FEN_MAX 10000000000LL
#define SLIP_QTY_MAX 1000000
struct slip_gift {
	const char *name;
	int64_t qty;
	int64_t unit_value_fen;
};
struct slip_donation {
	const char *store;
	const char *receipt_code; /* also the QR: the public trace's key */
	const char *address;      /* the store's public address, or "" */
	const char *donor;
	const char *date; /* received on, YYYY-MM-DD */
	const struct slip_gift *lines;
	size_t nlines;
	int64_t cash_fen;    /* > 0: a cash donation (lines then ignored) */
	const char *fund;    /* the cash's fund */
	const char *purpose; /* its designated purpose (定向), or "" */
};
/* A void slip (作废凭证): the receipt voided, who authorised it, why. */
struct slip_void {
	const char *store, *till, *cashier;
	const char *receipt_no, *manager, *reason, *when;
	int64_t points; /* given back */
	enum till_lang lang;
};
/* A charity-sale receipt (义卖小票): lines with their amounts, the total
 * and the payment, in yuan. */
struct slip_sale_line {
	const char *name;
	int64_t qty, amount_fen;
};
struct slip_sale {
	const char *store, *till, *cashier, *receipt_no, *when;
	int offline, reprint;
	const struct slip_sale_line *lines;
	size_t nlines;
	int64_t total_fen;
	const char *method, *reference;
	enum till_lang lang;
};
struct escpos;
void slip_sale(struct escpos *e, const struct slip_sale *);
void slip_void(struct escpos *e, const struct slip_void *);
/* The receipt into e (reset first); escpos_error(e) says if it failed. */
void slip_build(struct escpos *e, const struct slip *);
void slip_shift(struct escpos *e, const struct slip_shift *);
/* Always in Chinese (the donor's paper); a value that does not fit in
 * int64 fen fails e with DRV_EINVAL. */
void slip_donation(struct escpos *e, const struct slip_donation *);
/* card masked for paper and screen: 2 + last 4 kept (short: 1 + 2). */
void slip_mask(const char *card, char *out, size_t size);

/* journal.c: the offline journal and caches (sqlite, durable). */
enum journal_state {
	JOURNAL_PENDING = 0,
	JOURNAL_POSTED,
	JOURNAL_REFUSED,  /* refused while the cashier waited: not posted */
	JOURNAL_CONFLICT, /* refused on replay: kept for a manager */
};
struct journal;
struct journal_entry {
	int64_t seq;
	char client_id[37];
	char card[TILL_CODE_MAX];
	char *body;  /* the exact request body (owned) */
	char *reply; /* NULL until answered (owned) */
	enum journal_state state;
	int offline;
	int64_t points, goods;
	int64_t created_at;
};
int journal_open(const char *path, struct journal **);
void journal_close(struct journal *);
const char *journal_error(const struct journal *);
/* Durable (synchronous FULL) before it returns 0. */
int journal_add(struct journal *, const char *client_id, const char *card,
    const char *body, int offline, int64_t points, int64_t goods,
    const struct till_line *lines, size_t nlines, int64_t now);
int journal_set(struct journal *, const char *client_id, enum journal_state,
    const char *reply);
/* The oldest pending entry: 1 found, 0 none, -1 error. */
int journal_next(struct journal *, struct journal_entry *);
int journal_get(
    struct journal *, const char *client_id, struct journal_entry *);
void journal_entry_free(struct journal_entry *);
int journal_count(struct journal *, enum journal_state, int64_t *n);
/* What pending entries of card still hold: points, offline points, and
 * quantity of one item (item_id 0: skip). */
int journal_held(struct journal *, const char *card, int64_t item_id,
    int64_t *points, int64_t *offline_points, int64_t *qty);
/* Entries since t (not refused): count, points, goods. */
int journal_shift(struct journal *, int64_t since, int64_t *n, int64_t *points,
    int64_t *goods);
/* A void made at this till; what a shift holds apart from its totals:
 * voids made since t, and baskets refused on replay (the goods left)
 * since t, each as count, points, goods. */
int journal_void_add(struct journal *, const char *receipt_no, int64_t points,
    int64_t goods, int64_t now);
int journal_shift_apart(
    struct journal *, int64_t since, int64_t voids[3], int64_t refused[3]);
/* The baskets recorded offline since t, oldest first. */
int journal_offline_each(struct journal *, int64_t since,
    void (*cb)(const struct journal_entry *, void *), void *arg);
/* Many cache writes as one transaction (on = 1 begin, 0 commit). */
int journal_batch(struct journal *, int on);
/* Conflicts, oldest first. */
int journal_conflicts(struct journal *,
    void (*cb)(const struct journal_entry *, void *), void *arg);
/* The oldest conflict not yet reported to the server: 1, 0 none, -1;
 * and marked reported (how: 1 the server took it, 2 it refused it). */
int journal_unreported(struct journal *, struct journal_entry *);
int journal_reported(struct journal *, const char *client_id, int how);
/* Caches: the server's JSON of a household (by card) or item (barcode). */
int journal_cache_put(
    struct journal *, int kind, const char *key, const char *json);
char *journal_cache_get(struct journal *, int kind, const char *key);
#define JOURNAL_HOUSEHOLD 0
#define JOURNAL_ITEM      1
#define JOURNAL_STORE     2

/* client.c: the server, over libevent's evhttp. */
struct client;
struct client_reply {
	int status;         /* 0: transport failure (no answer) */
	struct cJSON *json; /* parsed body or NULL */
	const char *body;   /* raw body (NUL-terminated) */
	size_t len;
};
typedef void (*client_cb)(const struct client_reply *, void *arg);
/* url "http://HOST:PORT" or "https://..."; NULL with a message in err
 * on a bad url. */
struct client *client_new(struct event_base *, const char *url,
    unsigned timeout_ms, char *err, size_t errsz);
/* https: how the server is verified (a CA file, a pinned SHA-256
 * fingerprint, or with both NULL the system's CAs); -1 with err. */
int client_tls(struct client *, const char *ca_file, const char *fingerprint,
    char *err, size_t errsz);

/* tls.c: the till's https (client.c's connections). */
struct tls;
struct ssl_st;
struct tls *tls_new(
    const char *ca_file, const char *fingerprint, char *err, size_t errsz);
void tls_free(struct tls *);
struct ssl_st *tls_ssl(struct tls *, const char *host);
void client_free(struct client *);
void client_token(struct client *, const char *token);
int client_has_token(const struct client *);
/* method "GET"/"POST"; body NULL for none.  cb runs once. */
int client_req(struct client *, const char *method, const char *path,
    const char *body, client_cb cb, void *arg);
/* The same as another user (token: theirs, "" none), the till's own
 * session untouched: a manager's authorisation at the till. */
int client_req_as(struct client *, const char *token, const char *method,
    const char *path, const char *body, client_cb cb, void *arg);
size_t client_inflight(const struct client *);
/* Percent-encode s for a path segment or query value. */
void client_escape(const char *s, char *out, size_t size);
/* The path of a page of 500 of a list ("/api/v1/items"), from the
 * cursor the last page gave (NULL: the first page). */
void client_page(const char *list, const char *cursor, char *path, size_t size);

/* app.c: the till's events (scan, keys, script), each handed to the file
 * of its concern (see app.h): log-in (net.c), look-ups and search
 * (lookup.c), confirm -> journal -> post and replay (sync.c), printing
 * (print.c), donor receipts (donor.c). */
struct app_opts {
	const char *server;
	const char *ca_file, *server_fingerprint; /* https: see tls.c */
	const char *till_id;
	const char *scanner; /* usb..., tty:PATH, keyboard, none */
	const char *printer; /* usb..., file:PATH, tcp:HOST:PORT, mem, none */
	const char *profile;
	const char *journal;
	const char *store;
	enum till_lang lang;
	int64_t offline_cap;
	unsigned timeout_ms;
	unsigned probe_ms;
};
struct app;
struct app *app_new(
    struct event_base *, const struct app_opts *, char *err, size_t errsz);
void app_free(struct app *);
struct till *app_till(struct app *);
const struct app_opts *app_opts(const struct app *);
/* Hooks: on_change after every change (redraw); on_idle when the last
 * request or print a cashier started is over. */
void app_hooks(struct app *, void (*on_change)(void *), void (*on_idle)(void *),
    void *arg);
int app_busy(const struct app *);
int app_sending(const struct app *);
void app_login(struct app *, const char *user, const char *password);
void app_scan(struct app *, const char *code);
void app_search(struct app *, const char *text);
void app_confirm(struct app *);
/* A charity sale at the till: sale mode (no card), then its payment. */
void app_sale(struct app *);
void app_pay(struct app *, const char *method, const char *reference);
void app_reprint(struct app *);
void app_shift(struct app *);
/* Print donation id's donor receipt: fetched from the server (a manager
 * or admin session; a cashier is told so), then queued like a receipt. */
void app_donation(struct app *, int64_t id);
/* Void receipt_no: the manager's own log-in at the till (their session
 * ended after), the void with reason, then a void slip. */
void app_void(struct app *, const char *receipt_no, const char *manager,
    const char *password, const char *reason);
/* Check volunteer id in (in 1, as role) or out at this till. */
void app_volunteer(struct app *, int64_t id, int in, const char *role);
/* Counts for the screen. */
int64_t app_pending(struct app *);
int64_t app_conflicts(struct app *);
const char *app_printer_state(const struct app *);
const char *app_scanner_state(const struct app *);
const char *app_last_receipt(const struct app *);
size_t app_print_queue(const struct app *);
/* Search results (app_search): name and barcode of up to 9 items. */
size_t app_results(const struct app *, const struct till_item **);
/* Print conflicts as JSON lines to stdout (for a manager). */
int app_list_conflicts(struct app *);

/* script.c: --script FILE|-: commands in, one JSON state line out. */
struct script;
struct script *script_new(struct app *, struct event_base *, const char *path,
    char *err, size_t errsz);
void script_free(struct script *);
int script_done(const struct script *);
/* The screen's state as one JSON line (malloc'd). */
char *script_state(struct app *);

/* ui.c: the full-screen terminal (ncursesw). */
struct ui;
struct ui *ui_new(struct app *, struct event_base *, char *err, size_t errsz);
void ui_free(struct ui *);
int ui_done(const struct ui *);

#endif
