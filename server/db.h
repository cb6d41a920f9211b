/*
 * The db layer: the only code that speaks SQL. It carries no HTTP or JSON
 * types; rows travel as the plain structs below. Every statement is a
 * constant string, prepared once per connection and bound.
 */
#ifndef CISHAN_DB_H
#define CISHAN_DB_H

#include <stddef.h>
#include <stdint.h>

#include "barcode.h"

struct db;

/* Results of db_* calls. */
#define DB_OK       0
#define DB_NONE     1  /* no such row */
#define DB_ERR      -1 /* an sqlite error, logged */
#define DB_CONFLICT -2 /* a UNIQUE or CHECK constraint refused the row */

#define DB_NAME_MAX     200
#define DB_ROWS_MAX     4 /* rows an insert of several writes at once */
#define DB_SHORT_MAX    64
#define DB_BARCODE_MAX  BARCODE_MAX /* common/barcode.h */
#define DB_BARCODES_MAX 8

struct db_user {
	int64_t id;
	char username[DB_SHORT_MAX];
	char display_name[DB_NAME_MAX];
	char role[16];
	char pwhash[160];
	int64_t created_at;
	int disabled;
	int64_t last_login_at; /* 0: never, or not read (lists read it) */
};

struct db_audit {
	int64_t id;
	int64_t at;
	int64_t user_id;
	char username[DB_SHORT_MAX];
	char role[16];
	char origin[DB_SHORT_MAX];
	char action[DB_SHORT_MAX];
	char entity[DB_SHORT_MAX];
	int64_t entity_id;
	char detail[512];
};

struct db_item {
	int64_t id;
	char name[DB_NAME_MAX];
	char category[DB_SHORT_MAX];
	char unit[DB_SHORT_MAX];
	int64_t unit_value_fen;
	int64_t points;
	int64_t monthly_limit; /* 0: none */
	int priority_only;
	int64_t min_stock;
	int64_t created_at;
	int active;             /* 0: retired */
	int64_t sale_price_fen; /* a charity sale's price; 0: not for sale */
	int nbarcodes;
	char barcodes[DB_BARCODES_MAX][DB_BARCODE_MAX];
};

struct db_donor {
	int64_t id;
	char name[DB_NAME_MAX];
	char kind[24];
	int64_t created_at;
	int consent_public; /* named in the public participation list */
};

struct db_donation {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t donor_id;
	char received_on[12];
	char channel[DB_SHORT_MAX];
	char receipt_code[32];
	int64_t created_at;
	int64_t user_id;
	int64_t fund_id;  /* a cash donation's fund; 0: goods */
	int64_t cash_fen; /* a cash donation's amount */
};

/* A donation in a list: its donor's name and its lots summed. */
struct db_donation_sum {
	struct db_donation d;
	char donor_name[DB_NAME_MAX];
	int64_t lines;
	int64_t value_fen;
};

struct db_lot {
	int64_t id;
	int64_t item_id;
	char source[16];
	int64_t donation_id; /* 0: none */
	int64_t quantity;
	int64_t unit_value_fen;
	char expires_on[12]; /* "" : does not expire */
	char location[DB_SHORT_MAX];
	char received_on[12];
	int64_t on_hand;
	int64_t created_at;
	int64_t expense_id; /* a purchase's expense; 0: none */
	int sale_allowed;   /* its donation line allowed a charity sale */
};

#define DB_NOTE_MAX 804 /* 200 characters of UTF-8, and the NUL */
struct db_adjustment {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t lot_id;
	int64_t quantity_delta;
	char reason[24];
	int64_t created_at;
	int64_t user_id;
	char note[DB_NOTE_MAX];
	int64_t stocktake_id; /* 0: none */
};

struct db_stocktake {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char note[DB_NOTE_MAX];
	int64_t lots;  /* lots counted */
	int64_t delta; /* the net of its adjustments */
	int64_t created_at;
	int64_t user_id;
};

/* A stocktake's adjustment, with the lot's count before it. */
struct db_count_line {
	int64_t adjustment_id;
	int64_t lot_id;
	int64_t before;
	int64_t delta;
};

struct db_movement {
	int64_t id;
	int64_t lot_id;
	int64_t item_id;
	char kind[16];
	char reason[24];
	int64_t quantity;
	int64_t ref_id;
	int64_t at;
	int64_t user_id;
	char note[DB_NOTE_MAX]; /* an adjustment's */
	int64_t stocktake_id;   /* an adjustment's stocktake; 0: none */
};

struct db_stock {
	int64_t item_id;
	char name[DB_NAME_MAX];
	char category[DB_SHORT_MAX];
	char unit[DB_SHORT_MAX];
	int64_t on_hand;
	int64_t value_fen;
	int64_t min_stock;
};

struct db_household {
	int64_t id;
	char card_code[40];
	char head_name[DB_NAME_MAX];
	unsigned char id_hash[32];
	char id_last4[8];
	int64_t members;
	char category[16];
	char street[DB_NAME_MAX];
	char phone[24];
	char valid_from[12];
	char valid_to[12];
	char status[12];
	int64_t created_at;
	int64_t account_id;
	int64_t balance;
};

struct db_policy {
	char category[16];
	int64_t monthly_points;
	int64_t per_member_points;
	int carry_over;
	int64_t updated_at;
};

/* Accounts with fixed ids (schema/002). */
#define DB_ACCOUNT_GRANT_POLICY 1
#define DB_ACCOUNT_GRANT_ONEOFF 2
#define DB_ACCOUNT_REDEEMED     3
#define DB_ACCOUNT_EXPIRED      4

struct db_transfer {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t debit_account;
	int64_t credit_account;
	int64_t amount;
	char kind[16];
	int64_t household_id;
	char period[8];
	char reason[DB_NAME_MAX];
	int64_t ref_id;
	int64_t at;
	int64_t user_id;
};

struct db_grant_run {
	int64_t households, points;                 /* granted for the period */
	int64_t expired_households, expired_points; /* the period before */
};

/* Whether a period's monthly grant has run (grant_runs), and what the
 * grants of the period add up to. */
struct db_grant_status {
	int ran;
	int64_t ran_at;
	int64_t user_id;             /* 0: none (the server's own run) */
	char username[DB_SHORT_MAX]; /* as audited; "system": the server */
	int64_t households, points;
};

struct db_limit {
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t monthly_limit;
	int64_t taken;
};

struct db_distribution {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	int64_t receipt_seq;
	char receipt_no[64];
	int64_t household_id;
	char period[8];
	int64_t points_total;
	int64_t points_balance;
	int64_t transfer_id;
	int64_t user_id;
	int64_t created_at;
	int64_t void_id;    /* 0: not voided */
	char hcategory[16]; /* the household's category when handed out */
};

/* What a list of distributions is narrowed to: [from, to) times, and
 * household (0), till and receipt (NULL) when given. */
struct db_dist_filter {
	int64_t from, to;
	int64_t household;
	const char *till;
	const char *receipt_no;
	char receipt_till[40]; /* the receipt's till and number, if given */
	int64_t receipt_seq;
};

struct db_dist_line {
	int64_t id;
	int64_t distribution_id;
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t quantity;
	int64_t points;
	int64_t value_fen;
	int64_t monthly_limit;
};

struct db_void {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t distribution_id;
	char reason[DB_NAME_MAX];
	int64_t transfer_id;
	int64_t user_id;
	int64_t created_at;
};

struct db_fund {
	int64_t id;
	char name[DB_NAME_MAX];
	char kind[24];
	int restricted;
	char purpose[DB_NAME_MAX];
	int64_t balance_fen;
	int64_t created_at;
};

struct db_expense {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t fund_id;
	int64_t amount_fen;
	char purpose[DB_NAME_MAX];
	char spent_on[12];
	int64_t created_at;
	int64_t user_id;
};

struct db_fund_entry {
	int64_t id;
	int64_t fund_id;
	char kind[16];
	int64_t amount_fen;
	int64_t donation_id;
	int64_t expense_id;
	int64_t at;
	int64_t user_id;
};

/* An entry of a fund's money ledger as read back: what moved, why, and
 * the fund's balance after it. */
struct db_fund_line {
	int64_t id;
	int64_t at;
	char kind[16];
	int64_t amount_fen; /* + into the fund, - out of it */
	int64_t balance_fen;
	int64_t donation_id; /* 0: none */
	int64_t expense_id;  /* 0: none */
	int64_t user_id;
	int64_t donor_id;
	char date[12]; /* the donation's received_on, the expense's spent_on */
	char receipt_code[32];
	char description[DB_NAME_MAX]; /* the donor's name, the purpose */
};

/* One figure of a period (schema/004, table stats). */
struct db_stat {
	char metric[16];
	char k1[DB_NAME_MAX];
	char k2[DB_NAME_MAX];
	int64_t qty;
	int64_t value;
};

/* Households served in a period, by category. */
struct db_served {
	char category[16];
	int64_t households;
	int64_t persons;
};

/* Where a donated lot went. kind: distributed (by period, household
 * category), written_off, or the lot itself (received, on hand). */
struct db_trace {
	int64_t item_id;
	char name[DB_NAME_MAX];
	char category[DB_SHORT_MAX];
	char kind[16];
	char period[8];
	char hcategory[16];
	int64_t qty;
	int64_t on_hand;
};

/* Lists hand each row (a struct db_*) to a callback; non-zero stops. */
typedef int (*db_row_cb)(const void *, void *);

/* db.c: open, back up; the settings table. */
const char *db_errmsg(struct db *);
int64_t db_changes(struct db *);
int db_open(const char *, int, struct db **);
void db_close(struct db *);
int db_fill_mode(struct db *, int);
int db_backup(struct db *, const char *);
int db_setting_get(struct db *, const char *, char *, size_t);
int db_setting_set(struct db *, const char *, const char *);
/* The storage failing (a full disk, I/O errors): README, "Durability". */
void db_writes_ok(struct db *);
int db_health(struct db *);

/* db_schema.c: the migrations; the newest applied and the newest known. */
int db_schema_version(struct db *, int *, int *);
int db_migrate(struct db *);

/* db_storage.c: was this thread's last failure the storage's? */
void db_storage_note(int);
int db_storage_failed(void);

/* db_wal.c: checkpoints off the event loop. */
#define DB_WAL_PAGES 500 /* log pages between background checkpoints */
/* The log's file keeps its length when the log starts over: cutting it
 * back freed blocks that the next commits allocated again, and the file
 * system's work for that (a journal commit, a discard) held a commit up
 * to 20 ms. Its length stays bounded by DB_WAL_HARD steps, and it is
 * emptied once the server is idle (db_wal.c). */
#define DB_WAL_LIMIT_PRAGMA "PRAGMA journal_size_limit=-1"
int db_wal_start(struct db *, const char *, int);
void db_wal_stop(struct db *);
/* The reserve kept for a full disk (README, "Durability"), in MiB. */
#define DB_RESERVE_MIB 8
void db_wal_reserve(struct db *, const char *, int64_t);

/* db_reserve.c: the reserve's file. */
int db_reserve_make(const char *, int64_t);
int db_reserve_free(const char *);
int db_reserve_room(const char *, int64_t);

/* db_tx.c: the domain owns its transactions; the group commit lends
 * savepoints (db_tx_* inside db_batch_*). */
int db_tx_begin(struct db *);
int db_tx_commit(struct db *);
void db_tx_rollback(struct db *);
void db_on_begin(struct db *, int (*)(struct db *, void *), void *);
int db_batch_begin(struct db *);
int db_batch_commit(struct db *);
void db_batch_rollback(struct db *);
int db_read_begin(struct db *);
void db_read_end(struct db *);
int db_change_mark(struct db *, int64_t[2]);

/* db_users.c: users and their sessions. */
int db_user_insert(struct db *, struct db_user *);
int db_user_by_name(struct db *, const char *, struct db_user *);
int db_user_by_id(struct db *, int64_t, struct db_user *);
int db_user_count(struct db *, int64_t *);
int db_user_admins(struct db *, int64_t *);
int db_user_list(struct db *, int64_t, int, db_row_cb, void *);
int db_user_update(struct db *, const struct db_user *);
int db_user_set_password(struct db *, int64_t, const char *);
int db_session_insert(
    struct db *, const unsigned char *, int64_t, int64_t, int64_t);
int db_session_user(
    struct db *, const unsigned char *, int64_t, struct db_user *, int64_t *);
int db_session_revoke(struct db *, const unsigned char *);
int db_session_revoke_user(struct db *, int64_t, const unsigned char *);

/* db_audit.c: the audit log, and the hash chain over ledger rows. */
int db_audit_insert(struct db *, const struct db_audit *);
int db_audit_list(struct db *, int64_t, int64_t, int64_t, const char *, int64_t,
    int, db_row_cb, void *);
int db_chain_head_seq(struct db *, int64_t, char *, size_t);
int db_chain_head(struct db *, int64_t, char *, size_t);

/* db_items.c */
int db_item_insert(struct db *, struct db_item *);
int db_barcode_insert(struct db *, const char *, int64_t);
int db_item_update(struct db *, const struct db_item *);
int db_item_by_id(struct db *, int64_t, struct db_item *);
int db_item_by_barcode(struct db *, const char *, struct db_item *);
int db_item_list(struct db *, const char *, const char *, int, int64_t, int,
    db_row_cb, void *);

/* db_donations.c: donors, donations, and where a donation went. */
int db_donor_insert(struct db *, struct db_donor *);
int db_donor_by_id(struct db *, int64_t, struct db_donor *);
int db_donor_list(struct db *, int64_t, int, db_row_cb, void *);
int db_donor_update(struct db *, const struct db_donor *);
int db_donation_insert(struct db *, struct db_donation *);
int db_donation_by_client(struct db *, const char *, struct db_donation *);
int db_donation_by_id(struct db *, int64_t, struct db_donation *);
int db_donation_by_receipt(struct db *, const char *, struct db_donation *);
int db_donation_trace(struct db *, int64_t, int64_t, db_row_cb, void *);
int db_donation_list(struct db *, int64_t, const char *, const char *, int64_t,
    int, db_row_cb, void *);

/* db_stock.c: lots, movements, adjustments, and stock sums. */
int db_lot_insert(struct db *, struct db_lot *);
int db_lot_by_id(struct db *, int64_t, struct db_lot *);
int db_lots_of_donation(struct db *, int64_t, db_row_cb, void *);
int db_lots_of_expense(struct db *, int64_t, db_row_cb, void *);
int db_lots_live(struct db *, int64_t, const char *, db_row_cb, void *);
int db_lots_available(struct db *, int64_t, const char *, db_row_cb, void *);
int db_movement_insert(struct db *, struct db_movement *);
/* n movements, DB_ROWS_MAX a statement; sets their ids. */
int db_movements_insert(struct db *, struct db_movement *, int);
int db_movement_list(
    struct db *, int64_t, int64_t, int64_t, int64_t, int, db_row_cb, void *);
int db_adjustment_insert(struct db *, struct db_adjustment *);
int db_adjustment_by_client(struct db *, const char *, struct db_adjustment *);
int db_stocktake_insert(struct db *, struct db_stocktake *);
int db_stocktake_by_client(struct db *, const char *, struct db_stocktake *);
int db_stocktake_lines(struct db *, int64_t, db_row_cb, void *);
int db_stock_list(struct db *, const char *, const char *, int, int64_t, int,
    db_row_cb, void *);
int db_stock_available(struct db *, int64_t, const char *, int64_t *);
int db_stock_of(struct db *, int64_t, int64_t *, int64_t *);
int db_stock_value_upto(struct db *, const char *, int, int64_t *);

/* db_households.c */
int db_household_insert(struct db *, struct db_household *);
int db_household_update(struct db *, const struct db_household *);
int db_household_card_set(struct db *, int64_t, const char *);
int db_household_card_retire(
    struct db *, int64_t, const char *, int64_t, int64_t, const char *);
int db_household_by_id(struct db *, int64_t, struct db_household *);
int db_household_by_card(struct db *, const char *, struct db_household *);
int db_household_by_idhash(
    struct db *, const unsigned char *, struct db_household *);
int db_household_list(struct db *, const char *, int, const char *,
    const char *, const char *, const char *, int64_t, int, db_row_cb, void *);

/* db_points.c: policies, the monthly run, transfers. */
int db_policy_put(struct db *, const struct db_policy *);
int db_policy_get(struct db *, const char *, struct db_policy *);
int db_policy_list(struct db *, db_row_cb, void *);
int db_grant_monthly(struct db *, const char *, const char *, const char *,
    const char *, int64_t, int64_t, int64_t, struct db_grant_run *);
int db_grant_mark(
    struct db *, const char *, int64_t, int64_t, const char *, int *);
int db_grant_status(struct db *, const char *, struct db_grant_status *);
int db_transfer_insert(struct db *, struct db_transfer *);
int db_transfer_by_client(struct db *, const char *, struct db_transfer *);
int db_transfer_list(struct db *, int64_t, int64_t, int, db_row_cb, void *);

/* db_distributions.c: the till's transactions, their voids and limits. */
int db_till_next(struct db *, const char *, int64_t *);
int db_dist_insert(struct db *, struct db_distribution *);
/* n lines, DB_ROWS_MAX a statement; sets their ids. */
int db_dist_lines_insert(struct db *, struct db_dist_line *, int);
int db_dist_by_client(struct db *, const char *, struct db_distribution *);
int db_dist_by_id(struct db *, int64_t, struct db_distribution *);
int db_dist_list(struct db *, const struct db_dist_filter *, int64_t, int,
    db_row_cb, void *);
int db_dist_lines(struct db *, int64_t, db_row_cb, void *);
int db_dist_line_lots(struct db *, int64_t, db_row_cb, void *);
int db_dist_item(struct db *, const char *, int64_t, int64_t, const char *,
    struct db_item *, int64_t *);
int db_dist_lots(struct db *, int64_t, const char *, db_row_cb, void *);
int db_void_insert(struct db *, struct db_void *);
int db_void_by_client(struct db *, const char *, struct db_void *);
int db_limit_list(struct db *, int64_t, const char *, db_row_cb, void *);
int db_dist_recent(struct db *, int64_t, int, db_row_cb, void *);

/*
 * db_redeem.c: a redemption's rows after its distribution: its lines and
 * movements inserted (their ids set), and all that follows from them and
 * from its transfer (already inserted; NULL without points): lots, stock,
 * monthly limits, balances, figures and chain entries. cats[i] is line
 * i's item category; the movements come line by line, movement i of
 * line mvline[i] (its ref_id is set to that line's id) from a lot of unit
 * value uv[i].
 */
struct db_redeem {
	const struct db_distribution *d;
	const struct db_transfer *t;
	struct db_dist_line *lines;
	const char *const *cats;
	int nlines;
	struct db_movement *mv;
	const int *mvline;
	const int64_t *uv;
	int nmv;
};
int db_redeem_write(struct db *, struct db_redeem *);

/* db_pins.c: a household's PIN hash. */
int db_pin_set(struct db *, int64_t, const char *, int64_t, int64_t);
int db_pin_get(struct db *, int64_t, char *, size_t);

/* db_funds.c */
int db_fund_insert(struct db *, struct db_fund *);
int db_fund_by_id(struct db *, int64_t, struct db_fund *);
int db_fund_list(struct db *, db_row_cb, void *);
int db_expense_insert(struct db *, struct db_expense *);
int db_expense_by_client(struct db *, const char *, struct db_expense *);
int db_fund_entry_insert(struct db *, struct db_fund_entry *);
int db_fund_lines(struct db *, int64_t, int64_t, int, db_row_cb, void *);

/* db_notices.c: a period's figures, as they stand or frozen, and
 * published notices. */
struct db_asof {
	char day[16];        /* the day of the last freeze */
	int64_t chain_seq;   /* the last chain row then */
	int64_t movement_id; /* the last stock movement then */
};
int db_stats_period(struct db *, const char *, int, db_row_cb, void *);
int db_served_period(struct db *, const char *, int, db_row_cb, void *);
int db_asof_freeze(struct db *, const char *);
int db_asof_get(struct db *, struct db_asof *);
int db_periods(struct db *, db_row_cb, void *);
int db_notice_get(struct db *, const char *, char **);
int db_notice_insert(
    struct db *, const char *, int64_t, int64_t, const char *, const char *);
int db_notice_version(struct db *, int64_t *, int64_t *);
/* A donation or expense counted late (补记) in a later month. */
struct db_late {
	char kind[16];           /* donation, expense */
	char date[12];           /* its real date */
	char label[DB_NAME_MAX]; /* the donor's kind, the expense's purpose */
	int64_t amount_fen;      /* cash and goods' value, or the expense */
};
int db_late_period(struct db *, const char *, int64_t, db_row_cb, void *);
/* A published month's ledger head. */
struct db_head {
	char period[8];
	int64_t published_at;
	char ledger_head[72];
};
int db_notice_heads(struct db *, db_row_cb, void *);

/* db_conflicts.c: baskets handed out offline and refused on replay. */
struct db_conflict {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	char local_no[64];
	char card[40];
	int64_t household_id; /* 0: no household had the card */
	char code[DB_SHORT_MAX];
	char message[256];
	int64_t created_at, user_id;
	char resolved_as[16]; /* "": open; override, write_off */
	char reason[200];
	int64_t resolved_at, resolved_by;
	int64_t distribution_id;  /* an override's */
	int64_t points_shortfall; /* an override's points the balance lacked */
	int64_t unmatched;        /* a write-off's goods no lot held */
};
struct db_conflict_line {
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t quantity;
};
int db_conflict_insert(struct db *, struct db_conflict *);
int db_conflict_line_insert(struct db *, int64_t, int64_t, int64_t);
int db_conflict_by_id(struct db *, int64_t, struct db_conflict *);
int db_conflict_by_client(struct db *, const char *, struct db_conflict *);
int db_conflict_list(struct db *, int, int64_t, int, db_row_cb, void *);
int db_conflict_open_count(struct db *, int64_t *);
int db_conflict_lines(struct db *, int64_t, db_row_cb, void *);
int db_conflict_resolve(struct db *, const struct db_conflict *);
int db_conflict_writeoff(struct db *, int64_t, int64_t);

/* db_verify.c: each check reports violations through the callback. */
typedef void (*db_violation_cb)(const char *, void *);
int db_verify_goods(struct db *, db_violation_cb, void *);
int db_verify_integrity(struct db *, db_violation_cb, void *);
int db_verify_points(struct db *, db_violation_cb, void *);
int db_verify_distributions(struct db *, db_violation_cb, void *);
int db_verify_chain(struct db *, db_violation_cb, void *);
int db_verify_conflicts(struct db *, db_violation_cb, void *);

/* db_cardlog.c: card look-ups (who, when, a keyed hash of the card). */
struct db_cardlog_sum {
	int64_t user_id;
	char username[DB_SHORT_MAX];
	char role[16];
	int64_t lookups, cards, found; /* cards: distinct ones */
	int64_t first_at, last_at;
};
int db_cardlog_insert(
    struct db *, int64_t, int64_t, const unsigned char *, int);
int db_cardlog_summary(struct db *, int64_t, int64_t, db_row_cb, void *);

/* db_sessions.c: a user's live sessions (no tokens: a hash prefix). */
struct db_session_row {
	char id[17]; /* hex of the first 8 bytes of the token's SHA-256 */
	int64_t created_at, expires_at;
};
int db_sessions_live(struct db *, int64_t, int64_t, db_row_cb, void *);

/* db_volunteers.c: volunteers, their shifts and check-ins (020). */
struct db_volunteer {
	int64_t id;
	char name[DB_NAME_MAX];
	char phone[24];
	unsigned char id_hash[32];
	int has_idhash;
	int64_t created_at;
	int64_t minutes; /* all its shifts' (read by lists and look-ups) */
	int checked_in;  /* checked in now */
};
struct db_shift {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t volunteer_id;
	char served_on[12];
	int64_t minutes;
	char role[DB_SHORT_MAX];
	char source[12]; /* manager or till */
	char till_id[40];
	int64_t started_at, ended_at; /* a till's shift: check-in and out */
	int64_t created_at, user_id;
};
struct db_checkin {
	int64_t volunteer_id;
	char client_id[DB_SHORT_MAX];
	char till_id[40];
	char role[DB_SHORT_MAX];
	int64_t at, user_id;
};
/* A sum of shifts: per year of one volunteer (key "2026"), or per month
 * of the store (key "2026-11"). */
struct db_shift_sum {
	char key[12];
	int64_t persons, shifts, minutes;
};
int db_volunteer_insert(struct db *, struct db_volunteer *);
int db_volunteer_by_id(struct db *, int64_t, struct db_volunteer *);
int db_volunteer_by_idhash(
    struct db *, const unsigned char *, struct db_volunteer *);
int db_volunteer_list(struct db *, int64_t, int, db_row_cb, void *);
int db_shift_insert(struct db *, struct db_shift *);
int db_shift_by_client(struct db *, const char *, struct db_shift *);
int db_shift_day_minutes(struct db *, int64_t, const char *, int64_t *);
int db_shift_list(struct db *, int64_t, db_row_cb, void *);
int db_shift_years(struct db *, int64_t, db_row_cb, void *);
int db_shift_months(
    struct db *, const char *, const char *, int64_t, db_row_cb, void *);
int db_checkin_get(struct db *, int64_t, struct db_checkin *);
int db_checkin_insert(struct db *, const struct db_checkin *);
int db_checkin_delete(struct db *, int64_t);

/* db_reports.c: participation, the donors' ranking, and the
 * civil-affairs figures (020). */
struct db_rank {
	int64_t donor_id;
	char name[DB_NAME_MAX];
	char kind[24];
	int consent_public;
	int64_t donations, cash_fen, goods_fen;
};
/* A figure of a report: its section, its key (a category, a kind) and
 * up to three numbers, as the section says. */
struct db_figure {
	char section[24];
	char key[DB_SHORT_MAX];
	int64_t a, b, c;
};
int db_donor_ranking(
    struct db *, const char *, const char *, int, int, db_row_cb, void *);
int db_donor_fate(
    struct db *, int64_t, const char *, const char *, db_row_cb, void *);
int db_report_figures(struct db *, const char *, const char *, const char *,
    const char *, db_row_cb, void *);
/* Charity sales and the operating line (019), their own concern. */
#include "db_sales.h"

#endif
