/*
 * The database: open with the settings durability needs, the statement
 * cache and the helpers every db file steps its statements with
 * (db_int.h), migrations, online backup and the settings table.
 * Transactions are db_tx.c's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db_int.h"
#include "log.h"

static const char SQL_SETTING_GET[] =
    "SELECT value FROM settings WHERE key = ?1";
static const char SQL_SETTING_SET[] =
    "INSERT INTO settings(key, value) VALUES (?1, ?2) "
    "ON CONFLICT(key) DO UPDATE SET value = excluded.value";

/* A failure of the storage rather than of the request: a full disk, an
 * I/O error, a file gone read-only or a lock that could not be had. */
static int
db_storage(int code)
{
	switch (code & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_NOLFS:
	case SQLITE_PROTOCOL:
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return 1;
	default:
		return 0;
	}
}

int
db_fail(struct db *db, const char *what)
{
	int code = sqlite3_extended_errcode(db->h);

	log_warnx("db: %s: %s", what, sqlite3_errmsg(db->h));
	db_storage_note(db_storage(code));
	if (db_storage(code))
		db->failing = 1;
	if (((code & 0xff) == SQLITE_FULL ||
	        sqlite3_system_errno(db->h) == ENOSPC) &&
	    db->on_full != NULL)
		db->on_full();
	switch (code & 0xff) {
	case SQLITE_CONSTRAINT:
		return DB_CONFLICT;
	default:
		return DB_ERR;
	}
}

/* A write succeeded: the storage works again. */
void
db_writes_ok(struct db *db)
{
	if (db->failing)
		log_info("db: writes succeed again");
	db->failing = 0;
}

/* DB_OK unless a write failed for the storage and none has succeeded
 * since. (A probe would not tell: a small write can fit where a real one
 * does not.) */
int
db_health(struct db *db)
{
	return db->failing ? DB_ERR : DB_OK;
}

sqlite3 *
db_handle(struct db *db)
{
	return db->h;
}

const char *
db_errmsg(struct db *db)
{
	return sqlite3_errmsg(db->h);
}

int64_t
db_changes(struct db *db)
{
	return sqlite3_changes64(db->h);
}

int64_t
db_last_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

/*
 * Statements are cached by the address of their constant text: each is
 * prepared once per connection and handed out reset, with no bindings.
 */
sqlite3_stmt *
db_stmt(struct db *db, const char *sql)
{
	size_t i, n;

	i = ((uintptr_t)sql >> 3) & (DB_CACHE - 1);
	for (n = 0; n < DB_CACHE; n++, i = (i + 1) & (DB_CACHE - 1)) {
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].st);
			sqlite3_clear_bindings(db->cache[i].st);
			return db->cache[i].st;
		}
		if (db->cache[i].sql == NULL)
			break;
	}
	if (n == DB_CACHE)
		log_fatalx("db: statement cache full");
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT,
	        &db->cache[i].st, NULL) != SQLITE_OK) {
		log_warnx("db: prepare: %s: %s", sqlite3_errmsg(db->h), sql);
		return NULL;
	}
	db->cache[i].sql = sql;
	return db->cache[i].st;
}

/* Runs st to the end, handing each row to fill then cb; cb != 0 stops.
 * Like db_one and db_step_done, it takes the NULL of a failed db_stmt. */
int
db_rows(struct db *db, sqlite3_stmt *st, void *row, db_fill_fn fill,
    db_row_cb cb, void *arg, const char *what)
{
	int rc;

	if (st == NULL)
		return DB_ERR;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(db, st, row);
		if (cb != NULL && cb(row, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	rc = rc == SQLITE_DONE ? DB_OK : db_fail(db, what);
	sqlite3_reset(st);
	return rc;
}

/* One row or DB_NONE. */
int
db_one(struct db *db, sqlite3_stmt *st, void *row, db_fill_fn fill,
    const char *what)
{
	int rc;

	if (st == NULL)
		return DB_ERR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		fill(db, st, row);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, what);
	sqlite3_reset(st);
	return rc;
}

/* Binds %q% for LIKE ... ESCAPE '\', with q's own % _ \ taken literally. */
void
db_bind_like(sqlite3_stmt *st, int i, const char *q)
{
	char like[2 * DB_NAME_MAX + 3];
	size_t k, n = 0;

	if (q == NULL || *q == '\0')
		return;
	like[n++] = '%';
	for (k = 0; q[k] != '\0' && n + 4 < sizeof(like); k++) {
		if (strchr("%_\\", q[k]) != NULL)
			like[n++] = '\\';
		like[n++] = q[k];
	}
	like[n++] = '%';
	like[n] = '\0';
	sqlite3_bind_text(st, i, like, -1, SQLITE_TRANSIENT);
}

/* Binds s, or NULL for NULL or "" (a filter not asked for). */
void
db_bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* One row found by an id, or by a text key. */
int
db_one_id(struct db *db, const char *sql, int64_t id, void *row,
    db_fill_fn fill, const char *what)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	return db_one(db, st, row, fill, what);
}

int
db_one_text(struct db *db, const char *sql, const char *key, void *row,
    db_fill_fn fill, const char *what)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	return db_one(db, st, row, fill, what);
}

/* The rows found by an id. */
int
db_rows_id(struct db *db, const char *sql, int64_t id, void *row,
    db_fill_fn fill, db_row_cb cb, void *arg, const char *what)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, sql)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, id);
	return db_rows(db, st, row, fill, cb, arg, what);
}

/* The rows of two integers found by an id, each handed to cb as an
 * int64_t[2]. */
static void
db_pair_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	int64_t *v = row;

	(void)db;
	v[0] = sqlite3_column_int64(st, 0);
	v[1] = sqlite3_column_int64(st, 1);
}

int
db_pairs_id(struct db *db, const char *sql, int64_t id, db_row_cb cb, void *arg,
    const char *what)
{
	int64_t row[2];

	return db_rows_id(db, sql, id, row, db_pair_fill, cb, arg, what);
}

/* An item's statement: by_code with ?1 its barcode, or, code NULL,
 * by_id with ?1 its id; the caller binds the rest. */
sqlite3_stmt *
db_stmt_item(struct db *db, const char *by_code, const char *by_id,
    const char *code, int64_t id)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, code != NULL ? by_code : by_id)) == NULL)
		return NULL;
	if (code != NULL)
		sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, id);
	return st;
}

/* Steps a statement that returns no rows. */
int
db_step_done(struct db *db, sqlite3_stmt *st, const char *what)
{
	int rc;

	if (st == NULL)
		return DB_ERR;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
		sqlite3_reset(st);
		return DB_OK;
	}
	rc = db_fail(db, what);
	sqlite3_reset(st);
	return rc;
}

/* Steps an INSERT; id gets the new row's. */
int
db_insert(struct db *db, sqlite3_stmt *st, int64_t *id, const char *what)
{
	int rc;

	if ((rc = db_step_done(db, st, what)) == DB_OK)
		*id = db_last_id(db);
	return rc;
}

/*
 * n rows written DB_ROWS_MAX a statement: sql[k - 1] takes k rows of
 * nparams parameters each, row i's bound by bind from parameter p on.
 * *last, unless NULL, is the last rowid written: n rows of one table
 * written by one caller in one transaction are numbered last - n + 1 to
 * last.
 */
int
db_chunks(struct db *db, const char *const sql[DB_ROWS_MAX], int n, int nparams,
    db_bind_fn bind, void *arg, int64_t *last, const char *what)
{
	sqlite3_stmt *st;
	int i, j, k, rc;

	for (i = 0; i < n; i += k) {
		k = n - i < DB_ROWS_MAX ? n - i : DB_ROWS_MAX;
		if ((st = db_stmt(db, sql[k - 1])) == NULL)
			return DB_ERR;
		for (j = 0; j < k; j++)
			bind(st, nparams * j + 1, i + j, arg);
		if ((rc = db_step_done(db, st, what)) != DB_OK)
			return rc;
	}
	if (last != NULL)
		*last = db_last_id(db);
	return DB_OK;
}

/* The first integer of one row, and the second unless b is NULL; or
 * DB_NONE. */
int
db_ints(
    struct db *db, sqlite3_stmt *st, int64_t *a, int64_t *b, const char *what)
{
	int rc;

	if (st == NULL)
		return DB_ERR;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*a = sqlite3_column_int64(st, 0);
		if (b != NULL)
			*b = sqlite3_column_int64(st, 1);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, what);
	sqlite3_reset(st);
	return rc;
}

void
db_col_text(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *s;
	size_t len;

	s = sqlite3_column_text(st, col);
	len = s == NULL ? 0 : (size_t)sqlite3_column_bytes(st, col);
	if (len >= size)
		len = size - 1;
	if (len > 0)
		memcpy(buf, s, len);
	buf[len] = '\0';
}

void
db_col_blob(sqlite3_stmt *st, int col, void *buf, size_t size)
{
	const void *p;
	size_t len;

	memset(buf, 0, size);
	p = sqlite3_column_blob(st, col);
	len = (size_t)sqlite3_column_bytes(st, col);
	if (p != NULL)
		memcpy(buf, p, len < size ? len : size);
}

int
db_exec(struct db *db, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("db: %s", err != NULL ? err : "exec failed");
		sqlite3_free(err);
		return DB_ERR;
	}
	return DB_OK;
}

/* SHA-256(prev || text): a chain entry's hash after prev's. out may be
 * prev: prev is read first. */
void
db_chain_hash(const void *prev, size_t plen, const char *text, size_t len,
    unsigned char out[DB_HASH_LEN])
{
	crypto_hash_sha256_state st;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, (unsigned long long)plen);
	crypto_hash_sha256_update(
	    &st, (const unsigned char *)text, (unsigned long long)len);
	crypto_hash_sha256_final(&st, out);
}

/* cishan_chain(prev, text): the same, for the triggers and verify (prev
 * as stored, whatever its length: verify hashes rows that may be forged). */
static void
db_fn_chain(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	unsigned char out[DB_HASH_LEN];

	(void)argc;
	db_chain_hash(sqlite3_value_blob(argv[0]),
	    (size_t)sqlite3_value_bytes(argv[0]),
	    (const char *)sqlite3_value_text(argv[1]),
	    (size_t)sqlite3_value_bytes(argv[1]), out);
	sqlite3_result_blob(ctx, out, sizeof(out), SQLITE_TRANSIENT);
}

/*
 * The store's month of unix time at, YYYY-MM. Every ledger row asks: the
 * month last asked is kept, a thread's own, as the span of time it covers.
 */
const char *
db_period_of(int64_t at)
{
	static _Thread_local struct {
		time_t from, to;
		char period[16];
	} last;
	struct tm tm;
	time_t t = (time_t)at;

	if (t < last.from || t >= last.to) {
		localtime_r(&t, &tm);
		snprintf(last.period, sizeof(last.period), "%04d-%02d",
		    (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100);
		tm.tm_mday = 1;
		tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
		tm.tm_isdst = -1;
		last.from = mktime(&tm);
		tm.tm_mon++;
		tm.tm_isdst = -1;
		last.to = mktime(&tm);
		if (last.from == (time_t)-1 || last.to == (time_t)-1 ||
		    t < last.from || t >= last.to)
			last.from = last.to = 0; /* odd zone rules: no cache */
	}
	return last.period;
}

/* cishan_period(unix time): db_period_of, for the triggers and verify. */
static void
db_fn_period(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_text(ctx, db_period_of(sqlite3_value_int64(argv[0])), -1,
	    SQLITE_TRANSIENT);
}

/*
 * sqlite's heap: malloc, with freed blocks of up to 4 KiB kept for the
 * next allocation of their size (SQLITE_CONFIG_MALLOC).
 *
 * Inside a transaction every INSERT into a table with triggers keeps a
 * statement journal (in memory: temp_store=MEMORY) that copies the
 * original of each page the statement changes into 1 KiB chunks and
 * frees them all when the statement ends; so does each savepoint of the
 * group commit. A redemption allocates and frees some 400 of them, more
 * than glibc keeps at hand (seven freed blocks a size), and the rest went
 * through its bins: a tenth of a redemption's instructions. A free list
 * a size class hands them back in a few.
 *
 * Only blocks of 513 bytes to 4 KiB are kept, in three classes; glibc
 * serves smaller ones well. The lists are the thread's own, with no lock
 * (the checkpoint thread, db_wal.c, has a connection of its own); a
 * thread's list is freed when the thread ends.
 */
#define DB_MEM_MIN     1024 /* the smallest class kept, in bytes */
#define DB_MEM_CLASSES 3    /* 1024, 2048, 4096 */
#define DB_MEM_KEEP    512  /* freed blocks kept a class and thread */
#define DB_MEM_HDR     8    /* a block's size, before it: 8-byte aligned */

struct db_mem_free {
	struct db_mem_free *next;
};

struct db_mem_cache {
	struct db_mem_free *head[DB_MEM_CLASSES];
	int n[DB_MEM_CLASSES];
	int registered;
};

static _Thread_local struct db_mem_cache db_mem_tls;
static pthread_key_t db_mem_key;
static pthread_once_t db_mem_once = PTHREAD_ONCE_INIT;

/* The class of n bytes, or -1 for a block not kept. */
static int
db_mem_class(int n)
{
	int c = 0;

	if (n <= DB_MEM_MIN / 2 || n > DB_MEM_MIN << (DB_MEM_CLASSES - 1))
		return -1;
	while (DB_MEM_MIN << c < n)
		c++;
	return c;
}

static int
db_mem_roundup(int n)
{
	int c = db_mem_class(n);

	return c >= 0 ? DB_MEM_MIN << c : (n + 7) & ~7;
}

static void *
db_mem_malloc(int n)
{
	struct db_mem_cache *k = &db_mem_tls;
	struct db_mem_free *f;
	int64_t *p;
	int c = db_mem_class(n);

	if (c >= 0 && (f = k->head[c]) != NULL) {
		k->head[c] = f->next;
		k->n[c]--;
		return f;
	}
	n = db_mem_roundup(n);
	if ((p = malloc(DB_MEM_HDR + (size_t)n)) == NULL)
		return NULL;
	p[0] = n;
	return p + 1;
}

static int
db_mem_size(void *p)
{
	return p == NULL ? 0 : (int)((int64_t *)p)[-1];
}

/* At a thread's end: its kept blocks go back to malloc. */
static void
db_mem_flush(void *arg)
{
	struct db_mem_cache *k = arg;
	struct db_mem_free *f;
	int c;

	for (c = 0; c < DB_MEM_CLASSES; c++)
		while ((f = k->head[c]) != NULL) {
			k->head[c] = f->next;
			free((int64_t *)(void *)f - 1);
		}
	memset(k->n, 0, sizeof(k->n));
}

static void
db_mem_key_make(void)
{
	if (pthread_key_create(&db_mem_key, db_mem_flush) != 0)
		abort();
}

static void
db_mem_free(void *p)
{
	struct db_mem_cache *k = &db_mem_tls;
	struct db_mem_free *f = p;
	int c;

	if (p == NULL)
		return;
	if ((c = db_mem_class(db_mem_size(p))) >= 0 && k->n[c] < DB_MEM_KEEP) {
		if (!k->registered) {
			pthread_once(&db_mem_once, db_mem_key_make);
			pthread_setspecific(db_mem_key, k);
			k->registered = 1;
		}
		f->next = k->head[c];
		k->head[c] = f;
		k->n[c]++;
		return;
	}
	free((int64_t *)p - 1);
}

static void *
db_mem_realloc(void *p, int n)
{
	void *q;
	int had = db_mem_size(p);

	if (db_mem_roundup(n) == had)
		return p;
	if ((q = db_mem_malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, (size_t)(had < n ? had : n));
	db_mem_free(p);
	return q;
}

static int
db_mem_init(void *unused)
{
	(void)unused;
	return SQLITE_OK;
}

static void
db_mem_shutdown(void *unused)
{
	(void)unused;
}

/* Before sqlite starts (the first open); if it has, it keeps its own. */
static void
db_mem_install(void)
{
	static const sqlite3_mem_methods m = {db_mem_malloc, db_mem_free,
	    db_mem_realloc, db_mem_size, db_mem_roundup, db_mem_init,
	    db_mem_shutdown, NULL};

	sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
}

/* Opens (create != 0: creates) the database with WAL and full syncs. */
int
db_open(const char *path, int create, struct db **out)
{
	static int configured;
	struct db *db;
	int flags;

	*out = NULL;
	/* No memory statistics: they take a global mutex on every malloc,
	 * and a till's basket makes hundreds. Before the first open only. */
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		db_mem_install();
		configured = 1;
	}
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return DB_ERR;
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db->h, flags, NULL) != SQLITE_OK) {
		log_warnx("db: open %s: %s", path,
		    db->h != NULL ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	/* The one place where contention is handled: wait, then fail. */
	sqlite3_busy_timeout(db->h, 5000);
	sqlite3_extended_result_codes(db->h, 1);
	if (db_exec(db, "PRAGMA journal_mode=WAL") != DB_OK ||
	    db_exec(db, "PRAGMA synchronous=FULL") != DB_OK ||
	    db_exec(db, "PRAGMA foreign_keys=ON") != DB_OK ||
	    db_exec(db, "PRAGMA cache_size=-65536") != DB_OK ||
	    db_exec(db, "PRAGMA temp_store=MEMORY") != DB_OK ||
	    db_exec(db, DB_WAL_LIMIT_PRAGMA) != DB_OK)
		goto fail;
	if (sqlite3_create_function(db->h, "cishan_chain", 2,
	        SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, db_fn_chain, NULL,
	        NULL) != SQLITE_OK ||
	    sqlite3_create_function(db->h, "cishan_period", 1, SQLITE_UTF8,
	        NULL, db_fn_period, NULL, NULL) != SQLITE_OK)
		goto fail;
	*out = db;
	return DB_OK;
fail:
	db_close(db);
	return DB_ERR;
}

void
db_close(struct db *db)
{
	size_t i;

	if (db == NULL)
		return;
	for (i = 0; i < DB_CACHE; i++)
		sqlite3_finalize(db->cache[i].st);
	if (db->h != NULL && sqlite3_close(db->h) != SQLITE_OK)
		log_warnx("db: close: %s", sqlite3_errmsg(db->h));
	free(db);
}

/*
 * A bulk fill (bench/fill): on, commits skip the fsync; off, they sync
 * again and the log is copied back and truncated, so the store is durable
 * and its log short before a server opens it.
 */
int
db_fill_mode(struct db *db, int on)
{
	if (on)
		return db_exec(db, "PRAGMA synchronous=OFF");
	if (db_exec(db, "PRAGMA synchronous=FULL") != DB_OK ||
	    db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != DB_OK)
		return DB_ERR;
	return DB_OK;
}

/* An online, consistent copy: one backup step over all pages. */
int
db_backup(struct db *db, const char *to)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b;
	int rc = DB_ERR;

	if (sqlite3_open_v2(to, &dst,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	        NULL) != SQLITE_OK) {
		log_warnx("backup: open %s: %s", to,
		    dst != NULL ? sqlite3_errmsg(dst) : "out of memory");
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", db->h, "main")) == NULL) {
		log_warnx("backup: %s", sqlite3_errmsg(dst));
		goto out;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY ||
	    rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	if (sqlite3_backup_finish(b) != SQLITE_OK || rc != SQLITE_DONE) {
		log_warnx("backup: %s", sqlite3_errmsg(dst));
		rc = DB_ERR;
		goto out;
	}
	rc = DB_OK;
out:
	sqlite3_close(dst);
	return rc;
}

int
db_setting_get(struct db *db, const char *key, char *buf, size_t size)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_SETTING_GET)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		db_col_text(st, 0, buf, size);
		rc = DB_OK;
	} else
		rc = rc == SQLITE_DONE ? DB_NONE : db_fail(db, "setting");
	sqlite3_reset(st);
	return rc;
}

int
db_setting_set(struct db *db, const char *key, const char *value)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_SETTING_SET)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_step_done(db, st, "setting");
}
