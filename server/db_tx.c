/*
 * Transactions. Whoever posts a change owns its transaction: the domain
 * opens and ends its own with db_tx_*. The group commit (http_commit.c) holds
 * an outer transaction with db_batch_*, and while it is open each
 * db_tx_* is a savepoint inside it: one refusal undoes only itself, one
 * fsync serves the batch. Reads take one snapshot with db_read_*.
 */
#include "db_int.h"

static const char SQL_BEGIN[] = "BEGIN IMMEDIATE";
static const char SQL_BEGIN_READ[] = "BEGIN";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";
static const char SQL_SAVEPOINT[] = "SAVEPOINT tx";
static const char SQL_RELEASE[] = "RELEASE tx";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO tx";
static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

/* BEGIN IMMEDIATE, then the hook that runs first in every write. */
static int
db_tx_open(struct db *db)
{
	int rc;

	/* The disk filled and has not the room back: refused for the
	 * storage (503) before sqlite spends the reserve's space. */
	if (db->gate != NULL && db->gate() != 0) {
		db_storage_note(1);
		db->failing = 1;
		return DB_ERR;
	}
	if ((rc = db_step_done(db, db_stmt(db, SQL_BEGIN), "begin")) != DB_OK)
		return rc;
	if (db->on_begin != NULL &&
	    (rc = db->on_begin(db, db->on_begin_arg)) != DB_OK) {
		db_step_done(db, db_stmt(db, SQL_ROLLBACK), "rollback");
		return rc;
	}
	return DB_OK;
}

int
db_tx_begin(struct db *db)
{
	if (!db->batch)
		return db_tx_open(db);
	/* sqlite may have ended the batch on an I/O error or a full disk;
	 * a savepoint would then open a transaction of its own. */
	if (sqlite3_get_autocommit(db->h))
		return DB_ERR;
	return db_step_done(db, db_stmt(db, SQL_SAVEPOINT), "savepoint");
}

int
db_tx_commit(struct db *db)
{
	int rc;

	if (!db->batch) {
		/* A commit that fails (a full disk, an I/O error) may leave
		 * the transaction open: undo it, so nothing of it stays and
		 * the next write can begin. */
		if ((rc = db_step_done(
		         db, db_stmt(db, SQL_COMMIT), "commit")) == DB_OK)
			db_writes_ok(db);
		else if (!sqlite3_get_autocommit(db->h))
			db_step_done(db, db_stmt(db, SQL_ROLLBACK), "rollback");
		return rc;
	}
	if (sqlite3_get_autocommit(db->h))
		return DB_ERR;
	return db_step_done(db, db_stmt(db, SQL_RELEASE), "release");
}

/* Undoes the transaction (in a batch, only its savepoint). */
void
db_tx_rollback(struct db *db)
{
	if (sqlite3_get_autocommit(db->h))
		return;
	if (!db->batch) {
		db_step_done(db, db_stmt(db, SQL_ROLLBACK), "rollback");
		return;
	}
	if (db_step_done(db, db_stmt(db, SQL_ROLLBACK_TO), "rollback to") ==
	    DB_OK)
		db_step_done(db, db_stmt(db, SQL_RELEASE), "release");
}

/* fn runs at the start of every write transaction, before its writes;
 * one that fails fails the transaction. */
void
db_on_begin(struct db *db, int (*fn)(struct db *, void *), void *arg)
{
	db->on_begin = fn;
	db->on_begin_arg = arg;
}

/* The group commit's outer transaction. */
int
db_batch_begin(struct db *db)
{
	int rc;

	if ((rc = db_tx_open(db)) == DB_OK)
		db->batch = 1;
	return rc;
}

/* Commits the batch; DB_ERR if sqlite ended it early (nothing kept). */
int
db_batch_commit(struct db *db)
{
	int rc;

	db->batch = 0;
	if (sqlite3_get_autocommit(db->h))
		return DB_ERR;
	if ((rc = db_step_done(db, db_stmt(db, SQL_COMMIT), "commit")) == DB_OK)
		db_writes_ok(db);
	return rc;
}

void
db_batch_rollback(struct db *db)
{
	db->batch = 0;
	if (!sqlite3_get_autocommit(db->h))
		db_step_done(db, db_stmt(db, SQL_ROLLBACK), "rollback");
}

/* A read transaction: one snapshot and one lock for a whole request. */
int
db_read_begin(struct db *db)
{
	return db_step_done(db, db_stmt(db, SQL_BEGIN_READ), "begin read");
}

void
db_read_end(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		db_step_done(db, db_stmt(db, SQL_COMMIT), "end read");
}

/* A mark that moves whenever the database may have changed: this
 * connection's writes (committed or not) and other connections' commits.
 * Equal marks: the same data, so an answer computed between them stands
 * (the http layer's cache of reads). */
int
db_change_mark(struct db *db, int64_t mark[2])
{
	sqlite3_stmt *s = db_stmt(db, SQL_DATA_VERSION);

	mark[0] = sqlite3_total_changes64(db->h);
	mark[1] = -1;
	if (s == NULL)
		return DB_ERR;
	if (sqlite3_step(s) == SQLITE_ROW)
		mark[1] = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return mark[1] < 0 ? DB_ERR : DB_OK;
}
