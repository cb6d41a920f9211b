/*
 * The db layer's interface for charity sales and the operating line
 * (migration 019), apart from the ledger of goods handed out and points:
 * db_sales.c, db_operating.c and their verify checks. Included by db.h,
 * whose types they use.
 */
#ifndef CISHAN_DB_SALES_H
#define CISHAN_DB_SALES_H

/* db_sales.c: charity sales (慈善义卖). */
struct db_sale_item {
	int64_t id;
	char name[DB_NAME_MAX];
	int active;
	int64_t sale_price_fen; /* 0: not for sale */
	int64_t sellable;       /* on hand today in lots that may be sold */
};
struct db_sale {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char till_id[40];
	int64_t receipt_seq;
	char receipt_no[64];
	int64_t total_fen;
	char method[8]; /* cash, qr */
	char reference[DB_SHORT_MAX];
	int64_t user_id;
	int64_t created_at;
	int64_t refund_id; /* 0: not refunded */
};
struct db_sale_line {
	int64_t id;
	int64_t sale_id;
	int64_t item_id;
	char name[DB_NAME_MAX];
	int64_t quantity;
	int64_t unit_price_fen;
	int64_t amount_fen;
};
struct db_sale_refund {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	int64_t sale_id;
	char reason[DB_NOTE_MAX];
	int64_t user_id;
	int64_t created_at;
	int64_t amount_fen; /* the sale's total, read back */
};
/* Sales income of months: sales made and refunds made in them. */
struct db_sale_totals {
	int64_t sales, gross_fen;
	int64_t refunds, refunded_fen;
	int64_t net_fen; /* gross less refunded: the 'sales' income */
};
int db_sale_price_set(struct db *, int64_t, int64_t);
int db_sale_item(
    struct db *, const char *, int64_t, const char *, struct db_sale_item *);
int db_sale_lots(struct db *, int64_t, const char *, db_row_cb, void *);
int db_sale_till_next(struct db *, const char *, int64_t *);
int db_sale_insert(struct db *, struct db_sale *);
int db_sale_by_client(struct db *, const char *, struct db_sale *);
int db_sale_by_id(struct db *, int64_t, struct db_sale *);
int db_sale_list(
    struct db *, int64_t, int64_t, int64_t, int, db_row_cb, void *);
int db_sale_line_insert(struct db *, struct db_sale_line *);
int db_sale_lines(struct db *, int64_t, db_row_cb, void *);
int db_sale_line_lots(struct db *, int64_t, db_row_cb, void *);
int db_sale_refund_insert(struct db *, struct db_sale_refund *);
int db_sale_refund_by_client(
    struct db *, const char *, struct db_sale_refund *);
int db_sale_totals(
    struct db *, const char *, const char *, int64_t, struct db_sale_totals *);

/* db_operating.c: the operating line (收支两条线), apart from the funds. */
struct db_op_account {
	char code[24];
	char side[12]; /* income, cost, transfer */
	char name[DB_SHORT_MAX];
	int64_t total_fen; /* its entries' sum: costs negative */
};
struct db_op_entry {
	int64_t id;
	char account[24];
	char kind[12]; /* sale, refund, entry, transfer */
	int64_t amount_fen;
	int64_t sale_id, transfer_id;
	char client_id[DB_SHORT_MAX]; /* an entry's; "": none */
	unsigned char req_hash[32];
	char note[DB_NOTE_MAX];
	char period[8];
	int64_t at;
	int64_t user_id;
};
struct db_op_transfer {
	int64_t id;
	char client_id[DB_SHORT_MAX];
	unsigned char req_hash[32];
	char direction[12]; /* to_fund, from_fund */
	int64_t fund_id;
	char fund_name[DB_NAME_MAX];
	int64_t amount_fen;
	char reason[DB_NOTE_MAX];
	int64_t proposed_by, proposed_at;
	int64_t confirmed_by, confirmed_at; /* 0: not confirmed */
};
int db_operating_accounts(struct db *, db_row_cb, void *);
int db_operating_account(struct db *, const char *, struct db_op_account *);
int db_operating_balance(struct db *, int64_t *);
int db_operating_entry_insert(struct db *, struct db_op_entry *);
int db_operating_entry_by_client(
    struct db *, const char *, struct db_op_entry *);
int db_operating_entry_list(
    struct db *, const char *, int64_t, int, db_row_cb, void *);
int db_operating_range(
    struct db *, const char *, const char *, int64_t, db_row_cb, void *);
int db_operating_opening(struct db *, const char *, int64_t, int64_t *);
int db_operating_transfer_insert(struct db *, struct db_op_transfer *);
int db_operating_transfer_by_client(
    struct db *, const char *, struct db_op_transfer *);
int db_operating_transfer_by_id(struct db *, int64_t, struct db_op_transfer *);
int db_operating_transfer_list(struct db *, int64_t, int, db_row_cb, void *);
int db_operating_transfer_confirmed(
    struct db *, const char *, int64_t, db_row_cb, void *);
int db_operating_confirm_insert(struct db *, int64_t, int64_t, int64_t);
int db_operating_fund_entry_insert(
    struct db *, int64_t, int64_t, int64_t, int64_t, int64_t);
/* db_verify.c: the separation of the two lines, sales and refunds. */
int db_verify_operating(struct db *, db_violation_cb, void *);

#endif
