/*
 * journal.c: the till's own sqlite file.  Every confirmed basket is a row
 * written (synchronous=FULL) before it is sent, so a crash, a dead server
 * or a dead till loses nothing; rows are replayed in seq order with the
 * same client_id, and a row the server refuses on replay becomes a
 * conflict that stays until a manager deals with it.  The caches of
 * households and items let the till work while the server is away.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "pos.h"

enum journal_stmt {
	J_ADD,
	J_LINE,
	J_SET,
	J_NEXT,
	J_GET,
	J_COUNT,
	J_HELD_POINTS,
	J_HELD_QTY,
	J_SHIFT,
	J_CONFLICTS,
	J_UNREPORTED,
	J_VOID_ADD,
	J_SHIFT_VOIDS,
	J_SHIFT_REFUSED,
	J_SHIFT_OFFLINE,
	J_REPORTED,
	J_CACHE_PUT,
	J_CACHE_GET,
	J_BEGIN,
	J_COMMIT,
	J_ROLLBACK,
	J__MAX
};

static const char *const journal_schema =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=FULL;"
    "CREATE TABLE IF NOT EXISTS journal("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " client_id TEXT NOT NULL UNIQUE,"
    " card TEXT NOT NULL,"
    " body TEXT NOT NULL,"
    " state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 3),"
    " offline INTEGER NOT NULL,"
    " points INTEGER NOT NULL,"
    " goods INTEGER NOT NULL,"
    " reply TEXT,"
    " created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS journal_lines("
    " seq INTEGER NOT NULL REFERENCES journal(seq),"
    " item_id INTEGER NOT NULL,"
    " qty INTEGER NOT NULL,"
    " points INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS journal_lines_seq ON journal_lines(seq);"
    "CREATE TABLE IF NOT EXISTS cache("
    " kind INTEGER NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL,"
    " PRIMARY KEY (kind, key));";

/*
 * Version 1: a row answered by the server gets the next generation, a
 * cached household the generation it was written at; a row answered
 * after its household's cache was written is in the server's figures but
 * not the cache's, so it is held as a pending one is (a sale a minute
 * ago must not leave a stale balance for the next offline basket). A
 * conflict is reported to the server once: reported 1 when it took it,
 * 2 when it refused it (then it stays for --list-conflicts alone).
 */
static const char *const journal_v1 =
    "BEGIN;"
    "ALTER TABLE journal ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE cache ADD COLUMN gen INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE journal ADD COLUMN reported INTEGER NOT NULL DEFAULT 0;"
    "CREATE TABLE voids(receipt_no TEXT NOT NULL, points INTEGER NOT NULL,"
    " goods INTEGER NOT NULL, created_at INTEGER NOT NULL);"
    "PRAGMA user_version = 1;"
    "COMMIT;";

/* Rows of card ?1 that its cached household does not count yet: pending,
 * or answered (posted, or refused on replay: the goods left) since. */
#define JOURNAL_HELD(t)                                                        \
	"(" t ".state = 0 OR (" t ".state IN (1, 3) AND " t ".gen >"           \
	" coalesce((SELECT c.gen FROM cache c WHERE c.kind = 0"                \
	" AND c.key = ?1), 0)))"

static const char *const journal_sql[J__MAX] = {
    [J_ADD] = "INSERT INTO journal(client_id, card, body, state, offline,"
              " points, goods, created_at, updated_at)"
              " VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6, ?7, ?7)",
    [J_LINE] = "INSERT INTO journal_lines(seq, item_id, qty, points)"
               " VALUES (?1, ?2, ?3, ?4)",
    [J_SET] = "UPDATE journal SET state = ?2, reply = ?3,"
              " gen = (SELECT coalesce(max(gen), 0) + 1 FROM journal),"
              " updated_at = strftime('%s','now') WHERE client_id = ?1",
    [J_NEXT] = "SELECT seq, client_id, card, body, reply, state, offline,"
               " points, goods, created_at FROM journal WHERE state = 0"
               " ORDER BY seq LIMIT 1",
    [J_GET] = "SELECT seq, client_id, card, body, reply, state, offline,"
              " points, goods, created_at FROM journal WHERE client_id = ?1",
    [J_COUNT] = "SELECT count(*) FROM journal WHERE state = ?1",
    [J_HELD_POINTS] = "SELECT coalesce(sum(points), 0),"
                      " coalesce(sum(CASE WHEN offline AND state = 0"
                      " THEN points END), 0) FROM journal WHERE card = ?1"
                      " AND " JOURNAL_HELD("journal"),
    [J_HELD_QTY] = "SELECT coalesce(sum(l.qty), 0) FROM journal j"
                   " JOIN journal_lines l ON l.seq = j.seq"
                   " WHERE j.card = ?1 AND l.item_id = ?2"
                   " AND " JOURNAL_HELD("j"),
    [J_SHIFT] = "SELECT count(*), coalesce(sum(points), 0),"
                " coalesce(sum(goods), 0) FROM journal"
                " WHERE state IN (0, 1) AND created_at >= ?1",
    [J_CONFLICTS] = "SELECT seq, client_id, card, body, reply, state,"
                    " offline, points, goods, created_at FROM journal"
                    " WHERE state = 3 ORDER BY seq",
    [J_UNREPORTED] = "SELECT seq, client_id, card, body, reply, state,"
                     " offline, points, goods, created_at FROM journal"
                     " WHERE state = 3 AND reported = 0 ORDER BY seq"
                     " LIMIT 1",
    [J_VOID_ADD] = "INSERT INTO voids(receipt_no, points, goods,"
                   " created_at) VALUES (?1, ?2, ?3, ?4)",
    [J_SHIFT_VOIDS] = "SELECT count(*), coalesce(sum(points), 0),"
                      " coalesce(sum(goods), 0) FROM voids"
                      " WHERE created_at >= ?1",
    [J_SHIFT_REFUSED] = "SELECT count(*), coalesce(sum(points), 0),"
                        " coalesce(sum(goods), 0) FROM journal"
                        " WHERE state = 3 AND created_at >= ?1",
    [J_SHIFT_OFFLINE] = "SELECT seq, client_id, card, body, reply, state,"
                        " offline, points, goods, created_at FROM journal"
                        " WHERE offline = 1 AND created_at >= ?1"
                        " ORDER BY seq",
    [J_REPORTED] = "UPDATE journal SET reported = ?2 WHERE client_id = ?1"
                   " AND state = 3",
    [J_CACHE_PUT] = "INSERT OR REPLACE INTO cache(kind, key, json, gen)"
                    " VALUES (?1, ?2, ?3,"
                    " (SELECT coalesce(max(gen), 0) FROM journal))",
    [J_CACHE_GET] = "SELECT json FROM cache WHERE kind = ?1 AND key = ?2",
    [J_BEGIN] = "BEGIN IMMEDIATE",
    [J_COMMIT] = "COMMIT",
    [J_ROLLBACK] = "ROLLBACK",
};

struct journal {
	sqlite3 *db;
	sqlite3_stmt *st[J__MAX];
	char err[256];
};

static int
journal_fail(struct journal *j, const char *what)
{
	snprintf(j->err, sizeof(j->err), "journal: %s: %s", what,
	    j->db ? sqlite3_errmsg(j->db) : "no database");
	return -1;
}

const char *
journal_error(const struct journal *j)
{
	return j->err;
}

/* Brings an older file up to version 1, once. */
static int
journal_version(struct journal *j)
{
	sqlite3_stmt *s = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(j->db, "PRAGMA user_version", -1, &s, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (v < 0)
		return journal_fail(j, "version");
	if (v == 0 &&
	    sqlite3_exec(j->db, journal_v1, NULL, NULL, NULL) != SQLITE_OK) {
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return journal_fail(j, "version 1");
	}
	return 0;
}

int
journal_open(const char *path, struct journal **out)
{
	struct journal *j;
	int i;

	*out = NULL;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	*out = j;
	if (sqlite3_open_v2(path, &j->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		return journal_fail(j, path);
	sqlite3_busy_timeout(j->db, 2000);
	if (sqlite3_exec(j->db, journal_schema, NULL, NULL, NULL) != SQLITE_OK)
		return journal_fail(j, "schema");
	if (journal_version(j) < 0)
		return -1;
	for (i = 0; i < J__MAX; i++)
		if (sqlite3_prepare_v2(j->db, journal_sql[i], -1, &j->st[i],
		        NULL) != SQLITE_OK)
			return journal_fail(j, journal_sql[i]);
	return 0;
}

void
journal_close(struct journal *j)
{
	int i;

	if (j == NULL)
		return;
	for (i = 0; i < J__MAX; i++)
		sqlite3_finalize(j->st[i]);
	sqlite3_close(j->db);
	free(j);
}

/* Run a statement that returns no rows; reset it either way. */
static int
journal_step_done(struct journal *j, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return journal_fail(j, what);
	return 0;
}

int
journal_add(struct journal *j, const char *client_id, const char *card,
    const char *body, int offline, int64_t points, int64_t goods,
    const struct till_line *lines, size_t nlines, int64_t now)
{
	sqlite3_stmt *s = j->st[J_ADD];
	int64_t seq;
	size_t i;

	if (journal_step_done(j, j->st[J_BEGIN], "begin") < 0)
		return -1;
	sqlite3_bind_text(s, 1, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, card, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, offline != 0);
	sqlite3_bind_int64(s, 5, points);
	sqlite3_bind_int64(s, 6, goods);
	sqlite3_bind_int64(s, 7, now);
	if (journal_step_done(j, s, "add") < 0)
		goto fail;
	seq = sqlite3_last_insert_rowid(j->db);
	s = j->st[J_LINE];
	for (i = 0; i < nlines; i++) {
		int64_t p;

		if (__builtin_mul_overflow(
		        lines[i].item.points, lines[i].qty, &p))
			goto fail;
		sqlite3_bind_int64(s, 1, seq);
		sqlite3_bind_int64(s, 2, lines[i].item.id);
		sqlite3_bind_int64(s, 3, lines[i].qty);
		sqlite3_bind_int64(s, 4, p);
		if (journal_step_done(j, s, "add line") < 0)
			goto fail;
	}
	if (journal_step_done(j, j->st[J_COMMIT], "commit") < 0)
		goto fail;
	return 0;
fail:
	sqlite3_step(j->st[J_ROLLBACK]);
	sqlite3_reset(j->st[J_ROLLBACK]);
	return -1;
}

int
journal_set(struct journal *j, const char *client_id, enum journal_state state,
    const char *reply)
{
	sqlite3_stmt *s = j->st[J_SET];

	sqlite3_bind_text(s, 1, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, (int)state);
	if (reply != NULL)
		sqlite3_bind_text(s, 3, reply, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 3);
	return journal_step_done(j, s, "set");
}

static char *
journal_dup(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return t != NULL ? strdup((const char *)t) : NULL;
}

static void
journal_row(sqlite3_stmt *s, struct journal_entry *e)
{
	const unsigned char *t;

	memset(e, 0, sizeof(*e));
	e->seq = sqlite3_column_int64(s, 0);
	t = sqlite3_column_text(s, 1);
	snprintf(e->client_id, sizeof(e->client_id), "%s", t ? (char *)t : "");
	t = sqlite3_column_text(s, 2);
	snprintf(e->card, sizeof(e->card), "%s", t ? (char *)t : "");
	e->body = journal_dup(s, 3);
	e->reply = journal_dup(s, 4);
	e->state = (enum journal_state)sqlite3_column_int(s, 5);
	e->offline = sqlite3_column_int(s, 6);
	e->points = sqlite3_column_int64(s, 7);
	e->goods = sqlite3_column_int64(s, 8);
	e->created_at = sqlite3_column_int64(s, 9);
}

void
journal_entry_free(struct journal_entry *e)
{
	if (e == NULL)
		return;
	free(e->body);
	free(e->reply);
	e->body = e->reply = NULL;
}

static int
journal_one(struct journal *j, sqlite3_stmt *s, struct journal_entry *e)
{
	int rc = sqlite3_step(s), found = 0;

	if (rc == SQLITE_ROW) {
		journal_row(s, e);
		found = 1;
		if (e->body == NULL) {
			journal_entry_free(e);
			found = -1;
		}
	} else if (rc != SQLITE_DONE)
		found = journal_fail(j, "read");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return found;
}

int
journal_next(struct journal *j, struct journal_entry *e)
{
	return journal_one(j, j->st[J_NEXT], e);
}

int
journal_get(struct journal *j, const char *client_id, struct journal_entry *e)
{
	sqlite3_bind_text(j->st[J_GET], 1, client_id, -1, SQLITE_STATIC);
	return journal_one(j, j->st[J_GET], e);
}

/* One row of integers into out[n]. */
static int
journal_ints(struct journal *j, sqlite3_stmt *s, int64_t *out, int n)
{
	int i, rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		for (i = 0; i < n; i++)
			out[i] = sqlite3_column_int64(s, i);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW ? 0 : journal_fail(j, "sum");
}

int
journal_count(struct journal *j, enum journal_state state, int64_t *n)
{
	sqlite3_bind_int(j->st[J_COUNT], 1, (int)state);
	return journal_ints(j, j->st[J_COUNT], n, 1);
}

int
journal_held(struct journal *j, const char *card, int64_t item_id,
    int64_t *points, int64_t *offline_points, int64_t *qty)
{
	int64_t v[2];

	sqlite3_bind_text(j->st[J_HELD_POINTS], 1, card, -1, SQLITE_STATIC);
	if (journal_ints(j, j->st[J_HELD_POINTS], v, 2) < 0)
		return -1;
	*points = v[0];
	*offline_points = v[1];
	*qty = 0;
	if (item_id == 0)
		return 0;
	sqlite3_bind_text(j->st[J_HELD_QTY], 1, card, -1, SQLITE_STATIC);
	sqlite3_bind_int64(j->st[J_HELD_QTY], 2, item_id);
	return journal_ints(j, j->st[J_HELD_QTY], qty, 1);
}

int
journal_shift(struct journal *j, int64_t since, int64_t *n, int64_t *points,
    int64_t *goods)
{
	int64_t v[3];

	sqlite3_bind_int64(j->st[J_SHIFT], 1, since);
	if (journal_ints(j, j->st[J_SHIFT], v, 3) < 0)
		return -1;
	*n = v[0];
	*points = v[1];
	*goods = v[2];
	return 0;
}

int
journal_void_add(struct journal *j, const char *receipt_no, int64_t points,
    int64_t goods, int64_t now)
{
	sqlite3_stmt *s = j->st[J_VOID_ADD];

	sqlite3_bind_text(s, 1, receipt_no, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, points);
	sqlite3_bind_int64(s, 3, goods);
	sqlite3_bind_int64(s, 4, now);
	return journal_step_done(j, s, "void");
}

int
journal_shift_apart(
    struct journal *j, int64_t since, int64_t voids[3], int64_t refused[3])
{
	sqlite3_bind_int64(j->st[J_SHIFT_VOIDS], 1, since);
	if (journal_ints(j, j->st[J_SHIFT_VOIDS], voids, 3) < 0)
		return -1;
	sqlite3_bind_int64(j->st[J_SHIFT_REFUSED], 1, since);
	return journal_ints(j, j->st[J_SHIFT_REFUSED], refused, 3);
}

int
journal_batch(struct journal *j, int on)
{
	return journal_step_done(
	    j, j->st[on ? J_BEGIN : J_COMMIT], on ? "begin" : "commit");
}

int
journal_conflicts(struct journal *j,
    void (*cb)(const struct journal_entry *, void *), void *arg)
{
	sqlite3_stmt *s = j->st[J_CONFLICTS];
	struct journal_entry e;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		journal_row(s, &e);
		cb(&e, arg);
		journal_entry_free(&e);
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : journal_fail(j, "conflicts");
}

int
journal_unreported(struct journal *j, struct journal_entry *e)
{
	return journal_one(j, j->st[J_UNREPORTED], e);
}

int
journal_reported(struct journal *j, const char *client_id, int how)
{
	sqlite3_stmt *s = j->st[J_REPORTED];

	sqlite3_bind_text(s, 1, client_id, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, how);
	return journal_step_done(j, s, "reported");
}

int
journal_offline_each(struct journal *j, int64_t since,
    void (*cb)(const struct journal_entry *, void *), void *arg)
{
	sqlite3_stmt *s = j->st[J_SHIFT_OFFLINE];
	struct journal_entry e;
	int rc;

	sqlite3_bind_int64(s, 1, since);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		journal_row(s, &e);
		cb(&e, arg);
		journal_entry_free(&e);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE ? 0 : journal_fail(j, "offline rows");
}

int
journal_cache_put(
    struct journal *j, int kind, const char *key, const char *json)
{
	sqlite3_stmt *s = j->st[J_CACHE_PUT];

	sqlite3_bind_int(s, 1, kind);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, json, -1, SQLITE_STATIC);
	return journal_step_done(j, s, "cache");
}

char *
journal_cache_get(struct journal *j, int kind, const char *key)
{
	sqlite3_stmt *s = j->st[J_CACHE_GET];
	char *out = NULL;

	sqlite3_bind_int(s, 1, kind);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		out = journal_dup(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return out;
}
