/* Private to the db layer: the statement cache and column helpers. */
#ifndef CISHAN_DB_INT_H
#define CISHAN_DB_INT_H

#include <sqlite3.h>

#include "db.h"

#define DB_CACHE 512 /* a power of two, over the number of statements */

/* A connection and its prepared statements. */
struct db {
	sqlite3 *h;
	int (*on_begin)(struct db *, void *); /* first, in each write */
	void *on_begin_arg;
	int batch;   /* a group commit is open: db_tx_* are savepoints */
	int failing; /* the storage failed a write; none has succeeded since */
	int (*gate)(void);     /* 0: writes may begin (the reserve's) */
	void (*on_full)(void); /* a write failed for a full disk */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[DB_CACHE];
};

/* Copies the current row of a statement into a struct db_*. */
typedef void (*db_fill_fn)(struct db *, sqlite3_stmt *, void *);

int db_fail(struct db *, const char *);
int db_exec(struct db *, const char *);
sqlite3 *db_handle(struct db *);
int64_t db_last_id(struct db *);
sqlite3_stmt *db_stmt(struct db *, const char *);
int db_rows(struct db *, sqlite3_stmt *, void *, db_fill_fn, db_row_cb, void *,
    const char *);
int db_one(struct db *, sqlite3_stmt *, void *, db_fill_fn, const char *);
/* db_stock.c: a lots walk first-expiring first-out (db_dist_lots,
 * db_sale_lots). */
int db_lots_fefo(struct db *, const char *, const char *, int64_t, const char *,
    db_row_cb, void *, const char *);
void db_bind_like(sqlite3_stmt *, int, const char *);
void db_bind_opt(sqlite3_stmt *, int, const char *);
int db_one_id(
    struct db *, const char *, int64_t, void *, db_fill_fn, const char *);
int db_one_text(
    struct db *, const char *, const char *, void *, db_fill_fn, const char *);
int db_rows_id(struct db *, const char *, int64_t, void *, db_fill_fn,
    db_row_cb, void *, const char *);
int db_step_done(struct db *, sqlite3_stmt *, const char *);
int db_pairs_id(
    struct db *, const char *, int64_t, db_row_cb, void *, const char *);
sqlite3_stmt *db_stmt_item(
    struct db *, const char *, const char *, const char *, int64_t);
int db_insert(struct db *, sqlite3_stmt *, int64_t *, const char *);
/* Binds row i of a db_chunks write, its first parameter p. */
typedef void (*db_bind_fn)(sqlite3_stmt *, int p, int i, void *);
int db_chunks(struct db *, const char *const[DB_ROWS_MAX], int, int, db_bind_fn,
    void *, int64_t *, const char *);
int db_ints(struct db *, sqlite3_stmt *, int64_t *, int64_t *, const char *);
void db_col_text(sqlite3_stmt *, int, char *, size_t);
/* db_distributions.c: a till's next receipt or sale number. */
int db_till_count(struct db *, const char *, const char *, const char *,
    const char *, int64_t *, const char *);
/* db.c: the chain's hash and the store's month, as cishan_chain and
 * cishan_period give them to SQL. */
#define DB_HASH_LEN 32
void db_chain_hash(
    const void *, size_t, const char *, size_t, unsigned char[DB_HASH_LEN]);
const char *db_period_of(int64_t);
void db_col_blob(sqlite3_stmt *, int, void *, size_t);

#endif
