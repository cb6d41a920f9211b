/*
 * cishan-server: shared types, and prototypes in one section per file.
 * Layers, calling one way: http -> res_* -> domain (auth, stock, ...) -> db.
 * Only http*.c see libevent; only db*.c see sqlite3; the domain sees
 * neither HTTP nor JSON.
 *
 * Returns: a predicate (*_valid, *_ok, *_active) answers 1 for true and 0
 * for false; an action answers 0 when done and -1 when not, with a
 * struct fault saying why where it takes one; db_* answer DB_OK or
 * another DB_* (db.h).
 */
#ifndef CISHAN_SERVER_H
#define CISHAN_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "barcode.h"
#include "db.h"
#include "log.h"

/* Roles, as bits so a route can name the set allowed. */
#define ROLE_ADMIN   0x1
#define ROLE_MANAGER 0x2
#define ROLE_CASHIER 0x4
#define ROLE_AUDITOR 0x8
#define ROLE_ANY     (ROLE_ADMIN | ROLE_MANAGER | ROLE_CASHIER | ROLE_AUDITOR)
#define ROLE_STAFF   (ROLE_ADMIN | ROLE_MANAGER)
#define ROLE_READ    (ROLE_ADMIN | ROLE_MANAGER | ROLE_AUDITOR)

/* Upper bounds on what clients may send. */
#define LIMIT_QUANTITY 1000000LL     /* one line, in the item's unit */
#define LIMIT_FEN      10000000000LL /* an amount: 100 million yuan */
#define LIMIT_UNIT_FEN 100000000LL   /* a unit of goods: 1 million yuan */
#define LIMIT_POINTS   100000000LL
#define LIMIT_LINES    500
#define LIMIT_LIST     500

/* Why a request was refused, in the domain's words; the http layer alone maps
 * each kind to a status. */
enum fault_kind {
	FAULT_NONE = 0,
	FAULT_BAD,         /* the request is malformed or out of range */
	FAULT_UNAUTH,      /* nobody is logged in */
	FAULT_FORBIDDEN,   /* the actor's role may not */
	FAULT_NOT_FOUND,   /* no such record */
	FAULT_METHOD,      /* the resource does not take that method */
	FAULT_CONFLICT,    /* it clashes with a record that exists */
	FAULT_TOO_LARGE,   /* the body is over its cap */
	FAULT_MEDIA,       /* the body is not JSON */
	FAULT_RULE,        /* well-formed, but a rule refuses it */
	FAULT_INTERNAL,    /* the server failed; nothing was changed */
	FAULT_UNAVAILABLE, /* the server cannot take it now */
	FAULT_THROTTLED    /* too many of these: later (Retry-After) */
};

#define FAULT_DETAILS 6
struct fault {
	enum fault_kind kind;
	const char *code;
	char message[256];
	char field[96];
	int elem; /* the field is in element elem - 1 of a list; 0: not */
	int ndetails;
	struct {
		const char *key;
		int is_str;
		int64_t num;
		char str[DB_NAME_MAX];
	} details[FAULT_DETAILS];
};

/* Who is acting, for rules and the audit log. */
struct actor {
	int64_t user_id;
	char username[DB_SHORT_MAX];
	char display_name[DB_NAME_MAX];
	int role; /* ROLE_* */
	char origin[DB_SHORT_MAX];
};

/* fault.c */
int fault_set(struct fault *, enum fault_kind, const char *, const char *, ...)
    __attribute__((format(printf, 4, 5)));
int fault_field(struct fault *, enum fault_kind, const char *, const char *,
    const char *, ...) __attribute__((format(printf, 5, 6)));
int fault_elem(struct fault *, int);
void fault_num(struct fault *, const char *, int64_t);
void fault_str(struct fault *, const char *, const char *);
int fault_db(struct fault *, int);

/* replay.c: a retried write answers as the first did. */
int replay_check(int, const unsigned char *, const unsigned char *, int,
    const char *, int *, struct fault *);

/* clock.c: the store's time; "today" and periods are in its zone. */
#define CLOCK_DATE_LEN    11
#define CLOCK_RFC3339_LEN 26 /* 2026-11-29T08:40:51+08:00 and NUL */
#define CLOCK_PERIOD_LEN  8
void clock_init(const char *);
time_t clock_now(void);
void clock_shift(time_t);
void clock_rfc3339(time_t, char *, size_t);
void clock_today(char *);
int clock_date_valid(const char *);
int clock_period_valid(const char *);
int clock_date_add(const char *, int64_t, char *);
int clock_date_epoch(const char *, time_t *);
int clock_period_bounds(const char *, char *, char *);
int clock_period_prev(const char *, char *);
void clock_period_now(char *);

/* auth.c: roles, passwords, sessions and the log-in throttle. */
#define AUTH_TOKEN_LEN 64 /* hex characters */
int auth_role_parse(const char *);
const char *auth_role_name(int);
int auth_init(void);
int auth_hash_password(const char *, char *, size_t);
int auth_user_create(struct db *, const struct actor *, const char *,
    const char *, const char *, int, int64_t *, struct fault *);
struct auth_attempt {
	char user[DB_SHORT_MAX];
	char pw[160];
	char addr[48];
	struct db_user u;
	int known, ok;
};
int auth_login_begin(struct db *, struct auth_attempt *, struct fault *);
void auth_login_check(void *);
int auth_login_finish(
    struct db *, struct auth_attempt *, char *, int64_t *, struct fault *);
int auth_session(struct db *, const char *, struct actor *);
int auth_logout(struct db *, const char *);
int auth_action_valid(const char *);
int auth_sessions_end(
    struct db *, const struct actor *, int64_t, struct fault *);
/* What a user update changes: role 0, display_name "", disabled -1 keep. */
struct auth_user_change {
	int role;
	char display_name[DB_NAME_MAX];
	int disabled;
};
int auth_user_update(struct db *, const struct actor *, int64_t,
    const struct auth_user_change *, struct db_user *, struct fault *);
/* A password set by an admin (reset), or by its user (change: a.pw holds
 * the current one, a.user and a.addr key the log-in throttle). */
struct auth_newpw {
	struct auth_attempt a;
	int64_t user_id;
	int change;
	char pw[160];   /* the new password, wiped once hashed */
	char hash[160]; /* its hash, made by work */
	int hashed;
};
int auth_password_begin(struct db *, struct auth_newpw *, struct fault *);
void auth_password_work(void *);
int auth_password_finish(struct db *, const struct actor *, struct auth_newpw *,
    const char *, struct fault *);
int auth_audit(struct db *, const struct actor *, const char *, const char *,
    int64_t, const char *);

/* stock.c: items, donors, donations, lots, adjustments. */
struct stock_line {
	int64_t item_id;
	int64_t quantity;
	int64_t unit_value_fen; /* -1: the item's */
	char expires_on[CLOCK_DATE_LEN];
	int sale_allowed; /* a donated line that may be sold (慈善义卖) */
};
struct stock_donation {
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t donor_id;
	char received_on[CLOCK_DATE_LEN];
	char channel[DB_SHORT_MAX];
	int64_t cash_fen; /* a cash donation: amount and fund, no lines */
	int64_t fund_id;
	int nlines;
	struct stock_line lines[LIMIT_LINES];
};
int stock_item_create(
    struct db *, const struct actor *, struct db_item *, struct fault *);
int stock_donor_create(
    struct db *, const struct actor *, struct db_donor *, struct fault *);
int stock_donation_post(struct db *, const struct actor *,
    const struct stock_donation *, struct db_donation *, int *, struct fault *);
void stock_receipt_code(const char *, char *, size_t);
int stock_lots_add(struct db *, const struct actor *, const char *, int64_t,
    int64_t, const char *, const struct stock_line *, int, int64_t,
    struct fault *);
int stock_adjust(struct db *, const struct actor *, struct db_adjustment *,
    int *, struct fault *);
int stock_item_update(struct db *, const struct actor *, const struct db_item *,
    const char *, struct fault *);
int stock_barcode_add(struct db *, const struct actor *, int64_t, const char *,
    struct db_item *, int *, struct fault *);
int stock_donor_update(struct db *, const struct actor *,
    const struct db_donor *, const char *, struct fault *);
int stock_note_valid(const char *);
struct stock_count_line {
	int64_t lot_id;
	int64_t counted;
};
struct stock_count {
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char note[DB_NOTE_MAX];
	int nlines;
	struct stock_count_line lines[LIMIT_LINES];
};
/* A stocktake as written: its adjustments, one a lot whose count differed. */
struct stock_count_result {
	struct db_stocktake s;
	int n;
	struct db_count_line lines[LIMIT_LINES];
};
int stock_count(struct db *, const struct actor *, const struct stock_count *,
    struct stock_count_result *, int *, struct fault *);

/* household.c: the register of assisted households, and their privacy. */
#define HOUSEHOLD_IDNUM_LEN 18
struct household_new {
	struct db_household h;
	char id_number[HOUSEHOLD_IDNUM_LEN + 1];
	char pin_hash[160]; /* a PIN's hash (pin.c) set with it, or "" */
};
int household_setkey(const char *);
void household_card_hash(const char *, unsigned char *);
int household_idnum_hash(const char *, const char *, unsigned char *);
int household_idnum_check(const char *, char *);
char household_idnum_checkchar(const char *);
void household_mask_name(const char *, char *, size_t);
void household_mask_phone(const char *, char *, size_t);
int household_category_valid(const char *);
int household_priority(const char *);
const char *household_status(const struct db_household *);
int household_active(const struct db_household *, const char *);
int household_register(
    struct db *, const struct actor *, struct household_new *, struct fault *);
int household_update(struct db *, const struct actor *,
    const struct db_household *, const char *, struct fault *);
int household_replace_card(struct db *, const struct actor *, int64_t,
    const char *, const char *, struct db_household *, struct fault *);

/* points.c: policies, grants, and the points ledger's rules. */
int points_policy_put(
    struct db *, const struct actor *, struct db_policy *, struct fault *);
int points_grant_monthly(struct db *, const struct actor *, const char *,
    struct db_grant_run *, struct fault *);
int points_grant_preview(struct db *, const struct actor *, const char *,
    struct db_grant_run *, struct fault *);
int points_grant_auto(struct db *, char *, struct db_grant_run *, int *);
int64_t points_grant_due(void);
int points_grant_status(
    struct db *, const char *, struct db_grant_status *, struct fault *);
int points_grant_oneoff(struct db *, const struct actor *, struct db_transfer *,
    int *, struct fault *);

/* distribution.c: the till's transaction, and its void. */
struct dist_line_in {
	char barcode[DB_BARCODE_MAX];
	int64_t item_id;
	int64_t quantity;
};
struct dist_request {
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	char card[40];
	int nlines;
	/* A manager's override (an offline conflict resolved): goods move
	 * whatever the household's state, priority and limits; points go
	 * down as far as the balance allows, the rest in shortfall. */
	int override;
	struct dist_line_in lines[LIMIT_LINES];
};
/* What a post wrote, for its reply: a line an item (repeated items
 * merged, in the basket's order) and the lots each line took from,
 * first-expiring first. Lines are filled only when the post writes, not
 * when it replays; distribution_result_free frees them. */
struct dist_lot {
	int64_t lot_id;
	int64_t quantity;
	int64_t unit_value_fen;
};
struct dist_lots { /* each line's in turn, grown by basket_take_lot */
	struct dist_lot *v;
	size_t n, cap;
};
struct dist_line_out {
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t quantity;
	int64_t points;
	int64_t value_fen;
	size_t lot0, nlots; /* its lots: lots[lot0 .. lot0 + nlots) */
};
struct dist_result {
	struct db_distribution d;
	int nlines;
	struct dist_line_out *lines;
	struct dist_lots lots;
	int64_t shortfall; /* an override's points the balance lacked */
};
int distribution_post(struct db *, const struct actor *,
    const struct dist_request *, struct db_distribution *, int *,
    struct fault *);
int distribution_post_result(struct db *, const struct actor *,
    const struct dist_request *, struct dist_result *, int *, struct fault *);
/* The same inside the caller's transaction. */
int distribution_post_nested(struct db *, const struct actor *,
    const struct dist_request *, struct dist_result *, int *, struct fault *);
void distribution_result_free(struct dist_result *);
int distribution_void(struct db *, const struct actor *, int64_t,
    struct db_void *, int *, struct fault *);

/* basket.c: what a basket of till lines is, handed out or sold. */
struct basket_item { /* an item of the basket: repeated lines merged */
	int64_t id;
	int64_t qty; /* its lines' quantities, summed */
	int line;    /* faults about the item name its last line */
};
/* Looks a line's item up into the caller's k-th item, by code (its
 * normalized barcode) or, code NULL, by id; its id in *item. A DB_*. */
typedef int (*basket_find_fn)(
    void *arg, int k, const char *code, int64_t id, int64_t *item);
/* Lots taken into a result's lots. */
struct basket_take {
	struct dist_lots *lots;
	int64_t want; /* what is left to take */
};
/* Lot and quantity pairs, gathered while a query runs and written after
 * it: rows are not inserted into a table that is being read. */
struct basket_lots {
	int64_t (*v)[2];
	size_t n, cap;
};
int basket_line_fault(struct fault *, int, const char *);
const char *basket_line_field(const struct dist_line_in *, int);
int basket_resolve(const struct dist_line_in *, int, basket_find_fn, void *,
    struct basket_item *, int *, struct fault *);
int basket_take_lot(const void *, void *);
int basket_keep_lot(const void *, void *);
int basket_move(struct db *, struct db_movement *, const struct basket_lots *);

/* store.c: the store's name, public address and time zone. */
#define STORE_NAME_MAX    60
#define STORE_ADDRESS_MAX 200
struct store_info {
	char name[STORE_NAME_MAX * 2];
	char address[STORE_ADDRESS_MAX * 2];
	char tz[64];
};
int store_address_ok(const char *);
int store_get(struct db *, struct store_info *);
int store_update(struct db *, const struct actor *, const char *, const char *,
    struct store_info *, struct fault *);
int store_fix(struct db *, const char *, const char *, char *, size_t);

/* conflict.c: baskets handed out offline and refused on replay. */
struct conflict_in {
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	char local_no[64];
	char card[40];
	char code[DB_SHORT_MAX];
	char message[256];
	int nlines;
	struct dist_line_in lines[LIMIT_LINES];
};
int conflict_record(struct db *, const struct actor *,
    const struct conflict_in *, struct db_conflict *, int *, struct fault *);
int conflict_resolve(struct db *, const struct actor *, int64_t, const char *,
    const char *, struct db_conflict *, struct fault *);

/* funds.c: money in funds, spent within them. */
int funds_create(
    struct db *, const struct actor *, struct db_fund *, struct fault *);
int funds_expense(struct db *, const struct actor *, struct db_expense *,
    const struct stock_line *, int, int *, struct fault *);

/* notice.c: the public usage notice of a period. */
#define NOTICE_ROWS       64
#define NOTICE_CATEGORIES 6
#define NOTICE_LATE       64 /* 补记 entries listed one by one */
struct notice_table {
	int n;
	int64_t qty, value;
	struct {
		char key[DB_NAME_MAX];
		int64_t qty, value;
	} c[NOTICE_ROWS];
};
struct notice {
	char period[CLOCK_PERIOD_LEN];
	int provisional;
	struct notice_table cash_by_kind, cash_by_fund, inkind, purchased;
	struct notice_table distributed, expenses, writeoffs;
	struct db_served served[NOTICE_CATEGORIES];
	int hide[NOTICE_CATEGORIES];
	int nserved, hide_total;
	int64_t households, persons;
	int64_t points_granted, points_redeemed, points_expired;
	int64_t closing_stock_fen;
	int64_t priority_value, distributed_value;
	int hide_priority; /* the share could single out a household */
	struct db_late late[NOTICE_LATE]; /* counted here late (补记) */
	int nlate;
	int64_t late_more, late_more_fen; /* those past NOTICE_LATE */
	char ledger_head[72];
	char as_of[CLOCK_DATE_LEN]; /* public: as at the start of this day */
	int64_t vol_persons, vol_shifts, vol_minutes; /* volunteers' service */
	int hide_vol; /* 1..4 volunteers: their hours are theirs */
};
void notice_suppress(const int64_t *, int, int *);
int notice_compute(struct db *, const char *, int, struct notice *);
void notice_serve(struct db *);
int notice_asof(struct db *, struct db_asof *);
int notice_period_ok(const char *);
int notice_named(struct db *, const char *, int, const char *);
int notice_publish(struct db *, const struct actor *, const char *,
    const char *, const char *, struct fault *);

/* pin.c: a household's PIN for its own balance; pinguard.c: its
 * throttle. */
#define PIN_MIN 4
#define PIN_MAX 8
struct pin_set {
	int64_t household_id;
	char pin[16];
	char hash[160];
	int hashed;
	int64_t set_at;
};
struct pin_check {
	char card[40];
	char pin[16];
	char addr[48];
	char hash[160];
	struct db_household h;
	int known, ok;
};
int pin_valid(const char *);
int pin_set_begin(struct db *, struct pin_set *, struct fault *);
void pin_set_work(void *);
int pin_set_finish(
    struct db *, const struct actor *, struct pin_set *, struct fault *);
int pin_check_begin(struct db *, struct pin_check *, struct fault *);
void pin_check_work(void *);
int pin_check_finish(struct pin_check *);
int64_t pinguard_wait(const char *, const char *);
void pinguard_note(const char *, const char *, int);

/* cardlog.c: card look-ups, recorded and limited per user. */
void cardlog_set_max(int);
int64_t cardlog_take(int64_t);
int cardlog_record(
    struct db *, const struct actor *, const char *, int, struct fault *);

/* password.c: the rules of a new password. */
int password_common_has(const char *);
int password_check(const char *, const char *, const char *, struct fault *);

/* throttle.c: the log-in throttle, counted before each password check. */
enum { THROTTLE_FAILED, THROTTLE_OK, THROTTLE_NOT_RUN };
int throttle_known(const char *, const char *);
int64_t throttle_take(const char *, const char *);
void throttle_result(const char *, const char *, int);

/* worker.c: a thread for password checks. */
int worker_start(void);
enum { WORKER_STAFF, WORKER_KNOWN, WORKER_LOGIN, WORKER_LANES };
int worker_submit(int, void (*)(void *), void (*)(void *), void *);
void worker_collect(void);
void worker_stop(void);

/* volunteer.c: volunteers and their shifts (公益记录). */
#define VOLUNTEER_DAY_MINUTES 1440
struct volunteer_new {
	struct db_volunteer v;
	char id_number[HOUSEHOLD_IDNUM_LEN + 1]; /* "": none given */
};
int volunteer_register(
    struct db *, const struct actor *, struct volunteer_new *, struct fault *);
int volunteer_shift_add(struct db *, const struct actor *, struct db_shift *,
    int *, struct fault *);
int volunteer_check_in(struct db *, const struct actor *, struct db_checkin *,
    int *, struct fault *);
int volunteer_check_out(struct db *, const struct actor *, int64_t,
    struct db_shift *, int *, struct fault *);
int volunteer_role_valid(const char *);

/* report.c: the spans of reports; who may be named in public. */
struct report_span {
	char label[16]; /* as asked: 2026 or 2026-Q4 */
	char p1[CLOCK_PERIOD_LEN], p2[CLOCK_PERIOD_LEN];
	char d1[CLOCK_DATE_LEN], d2[CLOCK_DATE_LEN];
};
int report_span(const char *, struct report_span *);
int report_organisation_ok(const char *);

/* verify.c */
int verify_run(struct db *, int);

/* demo.c */
int demo_populate(struct db *);

/* storage.c: the store's files, its one writer and its key, checked at
 * start-up; each refusal says why, naming the file. */
int storage_check(const char *, int, char *, size_t);
int storage_lock(const char *, char *, size_t);
int storage_key_load(struct db *, const char *, int, char *, size_t);
int storage_key_load_file(
    struct db *, const char *, const char *, int, char *, size_t);
int storage_key_copy(const char *, const char *, int, char *, size_t);
int storage_sync_dir(const char *);

/* retain.c: which dated backups to keep (README, "Backups"): a date's
 * day number; marks the DAILY + WEEKLY to keep. Pure. */
int retain_day(const char *, int64_t *);
int retain_keep(const int64_t *, size_t, int, int, int *);

/* backup.c: backup --into DIR; restore.c: restore --from. 0 or -1 (the
 * reason said on stderr). */
int backup_into(struct db *, const char *, const char *, int, int);
int restore_run(const char *, const char *, const char *, int);

/* sale.c: charity sales (慈善义卖) and their refunds. */
struct sale_request {
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	char method[8]; /* cash, qr */
	char reference[DB_SHORT_MAX];
	int nlines;
	struct dist_line_in lines[LIMIT_LINES];
};
struct sale_line_out {
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t quantity;
	int64_t unit_price_fen;
	int64_t amount_fen;
	size_t lot0, nlots; /* its lots: lots[lot0 .. lot0 + nlots) */
};
struct sale_result {
	struct db_sale s;
	int nlines;
	struct sale_line_out *lines;
	struct dist_lots lots;
};
int sale_reference_ok(const char *);
int sale_post(struct db *, const struct actor *, const struct sale_request *,
    struct sale_result *, int *, struct fault *);
void sale_result_free(struct sale_result *);
int sale_refund(struct db *, const struct actor *, int64_t,
    struct db_sale_refund *, int *, struct fault *);
int sale_price_set(
    struct db *, const struct actor *, int64_t, int64_t, struct fault *);

/* operating.c: the operating line, apart from the funds (收支两条线). */
#define OP_ACCOUNTS 16
struct op_statement {
	char from[8], to[8];
	int64_t opening_fen, closing_fen;
	int64_t income_fen, cost_fen; /* cost_fen positive */
	int64_t transfers_fen;        /* net: + from funds, - to funds */
	int n;
	struct db_op_account a[OP_ACCOUNTS]; /* total_fen: of the months */
};
int operating_entry(struct db *, const struct actor *, struct db_op_entry *,
    int *, struct fault *);
int operating_propose(struct db *, const struct actor *,
    struct db_op_transfer *, int *, struct fault *);
int operating_confirm(struct db *, const struct actor *, int64_t,
    struct db_op_transfer *, struct fault *);
int operating_statement(
    struct db *, const char *, const char *, int64_t, struct op_statement *);
#define OP_NOTICE_TRANSFERS 32
struct op_notice {
	struct op_statement s;
	struct db_sale_totals sales;
	int n;
	struct db_op_transfer tr[OP_NOTICE_TRANSFERS];
	int64_t more; /* confirmed past OP_NOTICE_TRANSFERS */
};
int operating_notice(struct db *, const struct notice *, struct op_notice *);

#endif
