/*
 * db_wal: checkpoints off the event loop.
 *
 * sqlite's automatic checkpoint runs inside the commit that takes the
 * write-ahead log past 1000 pages: every till in that group commit waits
 * for a thousand page writes and an fsync of the database file, twice
 * what a commit otherwise costs. Instead, the serving connection's WAL
 * hook only watches the log grow, and a thread with a connection of its
 * own copies back each further `step` pages (--checkpoint-pages). Its
 * checkpoints are PASSIVE: they never block the writer, which goes on
 * appending.
 *
 * The log starts over only after a checkpoint that caught up with the
 * last commit, which under a steady stream of writes only the writer's
 * own can. So past DB_WAL_RESTART steps, with the thread idle, the
 * writer checkpoints in its commit as sqlite would, but copies only the
 * few pages the thread has not. Past DB_WAL_HARD steps (the thread
 * cannot keep up, or a long read pins old pages) it does whether the
 * thread is busy or not, so the log stays bounded.
 *
 * Bounds on the file: while writes keep coming, the log starts over in
 * place, in the blocks it has (DB_WAL_LIMIT_PRAGMA: no cut), so its file
 * is at most DB_WAL_HARD steps long. After DB_WAL_IDLE_MS without a
 * commit the thread copies the rest back and truncates it to nothing (a
 * TRUNCATE checkpoint), so an idle server's log is empty whatever it grew
 * to while busy.
 *
 * A full disk: the serving process keeps PATH.reserve (db_reserve.c,
 * --reserve-mib), blocks really allocated. The first write that fails
 * for a full disk gives them back (db_wal_full) and wakes the thread for
 * a TRUNCATE checkpoint, which has the room to grow the database and so
 * empties the log. Until the disk has room for the reserve and as much
 * again, writes are refused before they begin (db_wal_gate: 503, reads
 * go on), lest they eat the space the reserve gave. Once it has, the
 * thread makes the reserve again (each second, while it cannot).
 *
 * The thread touches nothing but its own connection, the reserve's file
 * and the fields below, under the lock; it never logs (the log is the
 * loop's).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "log.h"

#define DB_WAL_RESTART 16   /* steps: the writer catches up, when it can */
#define DB_WAL_HARD    64   /* steps: the writer catches up */
#define DB_WAL_IDLE_MS 1000 /* no commit this long: truncate the log */

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	sqlite3 *h;
	int step; /* log pages between two checkpoints */
	int mark; /* log pages at the last wake */
	int most; /* log pages at the longest */
	int pending, running, stopping, started;
	int dirty;             /* commits since the log was last truncated */
	unsigned long commits; /* a count, to tell an idle second */
	unsigned long runs, inline_runs, truncates;
	/* The reserve: its file, the store's path, its size (0: none). */
	char reserve[4096], path[4096];
	int64_t reserve_bytes;
	int held;     /* the file holds its blocks */
	int released; /* given back for a full disk: writes wait for room */
	int full;     /* the thread owes a checkpoint on a full disk */
	int tend;     /* the thread should see to the reserve */
	int remade;   /* made again, not yet logged */
	unsigned long releases, folds, folded;
} wal = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

/* Waits for a wake or DB_WAL_IDLE_MS; 1 if that passed with no commit
 * and the log holds some (then it is the time to truncate it). */
static int
db_wal_idle(void)
{
	struct timespec until;
	unsigned long seen = wal.commits;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)DB_WAL_IDLE_MS % 1000 * 1000000L;
	until.tv_sec += DB_WAL_IDLE_MS / 1000 + until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	while (!wal.pending && !wal.stopping && !wal.full && !wal.tend)
		if (pthread_cond_timedwait(&wal.wake, &wal.lock, &until) ==
		    ETIMEDOUT)
			return wal.dirty && wal.commits == seen &&
			    !wal.pending && !wal.stopping;
	return 0;
}

/* Under the lock: the reserve given back, the log folded into the
 * database and emptied; waits for the writer's failed batch to end. */
static void
db_wal_fold(void)
{
	unsigned long seen = wal.commits;
	int rc;

	wal.full = 0;
	wal.running = 1;
	wal.folds++;
	pthread_mutex_unlock(&wal.lock);
	sqlite3_busy_timeout(wal.h, 5000);
	rc = sqlite3_wal_checkpoint_v2(
	    wal.h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	sqlite3_busy_timeout(wal.h, 0);
	pthread_mutex_lock(&wal.lock);
	wal.running = 0;
	/* Else the idle truncation tries again each second. */
	if (rc == SQLITE_OK) {
		wal.folded++;
		wal.mark = 0;
		if (wal.commits == seen)
			wal.dirty = 0;
	}
}

/* Under the lock: makes the reserve again once the disk has room for it
 * and as much again; absent, it is retried at the next wake. */
static void
db_wal_remake(void)
{
	int ok;

	wal.tend = 0;
	if (wal.reserve_bytes == 0 || wal.held ||
	    !db_reserve_room(wal.path, 2 * wal.reserve_bytes))
		return;
	pthread_mutex_unlock(&wal.lock);
	ok = db_reserve_make(wal.reserve, wal.reserve_bytes) == 0;
	pthread_mutex_lock(&wal.lock);
	if (ok) {
		wal.held = 1;
		wal.released = 0;
		wal.remade = 1;
	}
}

static void *
db_wal_main(void *unused)
{
	unsigned long seen;
	int rc;

	(void)unused;
	pthread_mutex_lock(&wal.lock);
	for (;;) {
		if (wal.full)
			db_wal_fold();
		db_wal_remake();
		if (db_wal_idle()) {
			seen = wal.commits;
			wal.running = 1;
			pthread_mutex_unlock(&wal.lock);
			/* SQLITE_BUSY (a write began): the next idle second. */
			rc = sqlite3_wal_checkpoint_v2(wal.h, NULL,
			    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
			pthread_mutex_lock(&wal.lock);
			wal.running = 0;
			if (rc == SQLITE_OK && wal.commits == seen) {
				wal.truncates++;
				wal.dirty = 0;
				wal.mark = 0;
			}
			continue;
		}
		if (wal.stopping)
			break;
		if (!wal.pending)
			continue;
		wal.pending = 0;
		wal.running = 1;
		wal.runs++;
		pthread_mutex_unlock(&wal.lock);
		/* SQLITE_BUSY (another checkpoint running) is fine: the log's
		 * next step wakes this thread again. */
		sqlite3_wal_checkpoint_v2(
		    wal.h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		pthread_mutex_lock(&wal.lock);
		wal.running = 0;
	}
	pthread_mutex_unlock(&wal.lock);
	return NULL;
}

/* After each commit, its write lock released: pages now in the log. */
static int
db_wal_hook(void *unused, sqlite3 *h, const char *name, int pages)
{
	int catch_up, remade;

	(void)unused;
	pthread_mutex_lock(&wal.lock);
	remade = wal.remade;
	wal.remade = 0;
	if (wal.reserve_bytes > 0 && !wal.held) {
		wal.tend = 1;
		pthread_cond_signal(&wal.wake);
	}
	wal.commits++;
	wal.dirty = 1;
	if (pages < wal.mark)
		wal.mark = 0; /* the log started over */
	if (pages > wal.most)
		wal.most = pages;
	catch_up = pages >= DB_WAL_HARD * wal.step ||
	    (pages >= DB_WAL_RESTART * wal.step && !wal.running &&
	        !wal.pending);
	if (!catch_up && pages >= wal.mark + wal.step) {
		wal.mark = pages;
		wal.pending = 1;
		pthread_cond_signal(&wal.wake);
	}
	pthread_mutex_unlock(&wal.lock);
	if (remade)
		log_info("db: the reserve %s is made again (%lld MiB)",
		    wal.reserve, (long long)(wal.reserve_bytes >> 20));
	if (catch_up) {
		wal.inline_runs++;
		sqlite3_wal_checkpoint_v2(
		    h, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	}
	return SQLITE_OK;
}

/* Checkpoints db (the file at path) from a thread from now on, every
 * step pages; 0, or -1 with sqlite's own automatic checkpoint in place. */
int
db_wal_start(struct db *db, const char *path, int step)
{
	if (wal.started || step < 1)
		return -1;
	if (sqlite3_open_v2(path, &wal.h,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK ||
	    sqlite3_exec(wal.h, "PRAGMA synchronous=FULL", NULL, NULL, NULL) !=
	        SQLITE_OK ||
	    sqlite3_exec(wal.h, DB_WAL_LIMIT_PRAGMA, NULL, NULL, NULL) !=
	        SQLITE_OK) {
		log_warnx("db: checkpoint connection: %s",
		    wal.h != NULL ? sqlite3_errmsg(wal.h) : "out of memory");
		goto fail;
	}
	wal.step = step;
	wal.mark = wal.most = wal.pending = wal.stopping = 0;
	wal.runs = wal.inline_runs = wal.truncates = 0;
	wal.dirty = 1; /* what a killed server left: truncated when idle */
	wal.commits = 0;
	if (pthread_create(&wal.thread, NULL, db_wal_main, NULL) != 0) {
		log_warnx("db: the checkpoint thread cannot start");
		goto fail;
	}
	wal.started = 1;
	/* Replaces sqlite's automatic checkpoint on this connection. */
	sqlite3_wal_hook(db_handle(db), db_wal_hook, NULL);
	return 0;
fail:
	sqlite3_close(wal.h);
	wal.h = NULL;
	return -1;
}

/* The writer's gate (db_tx.c), on the loop: -1 while the reserve is
 * given back and the disk has not the room to make it again. */
static int
db_wal_gate(void)
{
	int shut;

	pthread_mutex_lock(&wal.lock);
	shut =
	    wal.released && !db_reserve_room(wal.path, 2 * wal.reserve_bytes);
	pthread_mutex_unlock(&wal.lock);
	return shut ? -1 : 0;
}

/* A write failed for a full disk (db_fail, on the loop): the reserve's
 * blocks back, and a checkpoint that can use them; once a release. */
static void
db_wal_full(void)
{
	int release, freed = 0;

	pthread_mutex_lock(&wal.lock);
	if ((release = !wal.released)) {
		freed = wal.held && db_reserve_free(wal.reserve) == 0;
		wal.held = 0;
		wal.released = 1;
		wal.full = 1;
		wal.releases++;
		pthread_cond_signal(&wal.wake);
	}
	pthread_mutex_unlock(&wal.lock);
	if (release)
		log_warnx("db: the disk is full: %s the reserve %s to "
		          "checkpoint the log; writes answer 503 until the "
		          "disk has %lld MiB free",
		    freed ? "gave back" : "had not", wal.reserve,
		    (long long)(2 * wal.reserve_bytes >> 20));
}

/* Keeps mib MiB in reserve beside the store at path for a full disk
 * (0: none, and a reserve left by an earlier server is given back). */
void
db_wal_reserve(struct db *db, const char *path, int64_t mib)
{
	int held;

	snprintf(wal.reserve, sizeof(wal.reserve), "%s.reserve", path);
	snprintf(wal.path, sizeof(wal.path), "%s", path);
	if (mib == 0 || !wal.started) {
		db_reserve_free(wal.reserve);
		return;
	}
	held = db_reserve_make(wal.reserve, mib << 20) == 0;
	if (!held)
		log_warnx("db: cannot make the reserve %s (%lld MiB): %s; made "
		          "once the disk has room",
		    wal.reserve, (long long)mib, strerror(errno));
	pthread_mutex_lock(&wal.lock);
	wal.reserve_bytes = mib << 20;
	wal.held = held;
	wal.released = 0;
	pthread_mutex_unlock(&wal.lock);
	db->gate = db_wal_gate;
	db->on_full = db_wal_full;
}

/* Stops the thread, after the checkpoint it may be running, and gives db
 * back sqlite's automatic checkpoint. */
void
db_wal_stop(struct db *db)
{
	if (!wal.started)
		return;
	db->gate = NULL;
	db->on_full = NULL;
	sqlite3_wal_autocheckpoint(db_handle(db), 1000); /* sqlite's default */
	pthread_mutex_lock(&wal.lock);
	wal.stopping = 1;
	pthread_cond_signal(&wal.wake);
	pthread_mutex_unlock(&wal.lock);
	pthread_join(wal.thread, NULL);
	sqlite3_close(wal.h);
	wal.h = NULL;
	wal.started = 0;
	log_info("db: %lu checkpoints in the background, %lu in a commit; "
	         "the log reached %d pages",
	    wal.runs, wal.inline_runs, wal.most);
	log_info("db: the log truncated %lu times when idle", wal.truncates);
	if (wal.releases > 0)
		log_info("db: the reserve given back %lu times for a full "
		         "disk; %lu of %lu checkpoints then emptied the log",
		    wal.releases, wal.folded, wal.folds);
}
