/*
 * The db layer: the only code that speaks SQL. It carries no HTTP or JSON
 * types; rows travel as the plain structs below. Every statement is a
 * constant string, prepared once per connection and bound.
 */
#ifndef CISHAN_DB_H
#define CISHAN_DB_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* Results of db_* calls. */
#define DB_OK       0
#define DB_NONE     1  /* no such row */
#define DB_ERR      -1 /* an sqlite error, logged */
#define DB_CONFLICT -2 /* a UNIQUE or CHECK constraint refused the row */

#define DB_NAME_MAX     200
#define DB_SHORT_MAX    64
#define DB_BARCODE_MAX  48
#define DB_BARCODES_MAX 8

struct db_user {
	int64_t id;
	char username[DB_SHORT_MAX];
	char display_name[DB_NAME_MAX];
	char role[16];
	char pwhash[160];
	int64_t created_at;
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
	int nbarcodes;
	char barcodes[DB_BARCODES_MAX][DB_BARCODE_MAX];
};

struct db_donor {
	int64_t id;
	char name[DB_NAME_MAX];
	char kind[24];
	int64_t created_at;
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
};

struct db_adjustment {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t lot_id;
	int64_t quantity_delta;
	char reason[24];
	int64_t created_at;
	int64_t user_id;
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

/* Lists hand each row (a struct db_*) to a callback; non-zero stops. */
typedef int (*db_row_cb)(const void *, void *);

/* db.c */
int db_open(const char *, int, struct db **);
void db_close(struct db *);
int db_migrate(struct db *);
int db_schema_version(struct db *, int *, int *);
int db_begin(struct db *);
int db_commit(struct db *);
void db_rollback(struct db *);
int db_backup(struct db *, const char *);
int db_setting_get(struct db *, const char *, char *, size_t);
int db_setting_set(struct db *, const char *, const char *);
const char *db_errmsg(struct db *);
int64_t db_changes(struct db *);

/* db_users.c */
int db_user_insert(struct db *, struct db_user *);
int db_user_by_name(struct db *, const char *, struct db_user *);
int db_user_by_id(struct db *, int64_t, struct db_user *);
int db_user_count(struct db *, int64_t *);
int db_session_insert(
    struct db *, const unsigned char *, int64_t, int64_t, int64_t);
int db_session_user(
    struct db *, const unsigned char *, int64_t, struct db_user *, int64_t *);
int db_session_revoke(struct db *, const unsigned char *);

/* db_audit.c */
int db_audit_insert(struct db *, const struct db_audit *);
int db_audit_list(
    struct db *, int64_t, int64_t, int64_t, int, db_row_cb, void *);

/* db_goods.c */
int db_item_insert(struct db *, struct db_item *);
int db_item_by_id(struct db *, int64_t, struct db_item *);
int db_item_by_barcode(struct db *, const char *, struct db_item *);
int db_item_list(
    struct db *, const char *, const char *, int64_t, int, db_row_cb, void *);
int db_barcode_insert(struct db *, const char *, int64_t);
int db_donor_insert(struct db *, struct db_donor *);
int db_donor_by_id(struct db *, int64_t, struct db_donor *);
int db_donor_list(struct db *, int64_t, int, db_row_cb, void *);
int db_donation_insert(struct db *, struct db_donation *);
int db_donation_by_client(struct db *, const char *, struct db_donation *);
int db_donation_by_id(struct db *, int64_t, struct db_donation *);
int db_lot_insert(struct db *, struct db_lot *);
int db_lot_by_id(struct db *, int64_t, struct db_lot *);
int db_lots_of_donation(struct db *, int64_t, db_row_cb, void *);
int db_lots_live(struct db *, int64_t, const char *, db_row_cb, void *);
int db_movement_insert(struct db *, struct db_movement *);
int db_movement_list(
    struct db *, int64_t, int64_t, int64_t, int64_t, int, db_row_cb, void *);
int db_adjustment_insert(struct db *, struct db_adjustment *);
int db_adjustment_by_client(struct db *, const char *, struct db_adjustment *);
int db_stock_list(
    struct db *, const char *, const char *, int64_t, int, db_row_cb, void *);

/* db_verify.c: each check reports violations through the callback. */
typedef void (*db_violation_cb)(const char *, void *);
int db_verify_goods(struct db *, db_violation_cb, void *);
int db_verify_integrity(struct db *, db_violation_cb, void *);

#endif
