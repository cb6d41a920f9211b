/*
 * The migrations (schema/NNN_name.sql, compiled in by schema/embed.sh):
 * applied in order, each in its own transaction. One whose first line is
 * "-- rebuild" recreates tables, as sqlite's own procedure for a change
 * ALTER TABLE cannot make (dropping a UNIQUE constraint): with foreign
 * keys off and RENAME leaving the text of other triggers and views alone,
 * then every foreign key checked before the commit.
 */
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "log.h"

struct schema_migration {
	int version;
	const char *name;
	const char *sql;
};
extern const struct schema_migration schema_migrations[];
extern const size_t schema_nmigrations;

static const char SQL_MIGRATIONS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";
static const char SQL_MIGRATION_MAX[] =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";
static const char SQL_MIGRATION_HAS[] =
    "SELECT 1 FROM schema_migrations WHERE version = ?1";
static const char SQL_MIGRATION_ADD[] =
    "INSERT INTO schema_migrations(version, name, applied_at) "
    "VALUES (?1, ?2, ?3)";
static const char SQL_FK_CHECK[] = "PRAGMA foreign_key_check";
#define DB_SCHEMA_REBUILD "-- rebuild\n"

/* The newest version applied, and the newest this program knows. */
int
db_schema_version(struct db *db, int *have, int *know)
{
	int64_t v = 0;

	*know = schema_nmigrations == 0
	    ? 0
	    : schema_migrations[schema_nmigrations - 1].version;
	if (db_exec(db, SQL_MIGRATIONS_TABLE) != DB_OK ||
	    db_ints(db, db_stmt(db, SQL_MIGRATION_MAX), &v, NULL,
	        "migrations") != DB_OK)
		return DB_ERR;
	*have = (int)v;
	return DB_OK;
}

/* Applies one migration in its own transaction. */
static int
db_schema_apply(struct db *db, const struct schema_migration *m)
{
	sqlite3_stmt *st;
	int rebuild, step, rc = DB_ERR;

	rebuild = strncmp(m->sql, DB_SCHEMA_REBUILD,
	              sizeof(DB_SCHEMA_REBUILD) - 1) == 0;
	/* Both are no-ops inside a transaction: set before it. */
	if (rebuild &&
	    (db_exec(db, "PRAGMA foreign_keys=OFF") != DB_OK ||
	        db_exec(db, "PRAGMA legacy_alter_table=ON") != DB_OK))
		goto out;
	if (db_tx_begin(db) != DB_OK)
		goto out;
	if (db_exec(db, m->sql) != DB_OK)
		goto fail;
	if (rebuild) {
		if ((st = db_stmt(db, SQL_FK_CHECK)) == NULL)
			goto fail;
		step = sqlite3_step(st);
		sqlite3_reset(st);
		if (step != SQLITE_DONE) {
			log_warnx("db: a foreign key fails after the rebuild");
			goto fail;
		}
	}
	if ((st = db_stmt(db, SQL_MIGRATION_ADD)) == NULL)
		goto fail;
	sqlite3_bind_int(st, 1, m->version);
	sqlite3_bind_text(st, 2, m->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	if (db_step_done(db, st, "migration") != DB_OK ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	rc = DB_OK;
	goto out;
fail:
	db_tx_rollback(db);
out:
	if (rebuild &&
	    (db_exec(db, "PRAGMA legacy_alter_table=OFF") != DB_OK ||
	        db_exec(db, "PRAGMA foreign_keys=ON") != DB_OK))
		rc = DB_ERR;
	return rc;
}

/* Applies, in order, what is missing. */
int
db_migrate(struct db *db)
{
	const struct schema_migration *m;
	sqlite3_stmt *st;
	size_t i;
	int have, know, rc;

	if (db_schema_version(db, &have, &know) != DB_OK)
		return DB_ERR;
	if (have > know) {
		log_warnx("database schema version %d is newer than this "
		          "program's (%d); upgrade cishan-server",
		    have, know);
		return DB_ERR;
	}
	for (i = 0; i < schema_nmigrations; i++) {
		m = &schema_migrations[i];
		if ((st = db_stmt(db, SQL_MIGRATION_HAS)) == NULL)
			return DB_ERR;
		sqlite3_bind_int(st, 1, m->version);
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc == SQLITE_ROW)
			continue;
		/* A failed look-up is not "not applied yet". */
		if (rc != SQLITE_DONE)
			return db_fail(db, "migrations");
		if (db_schema_apply(db, m) != DB_OK) {
			log_warnx("db: migration %s failed", m->name);
			return DB_ERR;
		}
		log_info("db: applied migration %s", m->name);
	}
	return DB_OK;
}
