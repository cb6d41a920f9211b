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
 * Bounds on the file: once a checkpoint lets the log start over, the
 * writer cuts it back to 4 MiB (journal_size_limit, DB_WAL_LIMIT_PRAGMA),
 * and after DB_WAL_IDLE_MS without a commit the thread copies the rest
 * back and truncates it to nothing (a TRUNCATE checkpoint), so an idle
 * server's log is empty whatever it grew to while busy.
 *
 * The thread touches nothing but its own connection and the fields
 * below, under the lock; it never logs (the log is the loop's).
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
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
	while (!wal.pending && !wal.stopping)
		if (pthread_cond_timedwait(&wal.wake, &wal.lock, &until) ==
		    ETIMEDOUT)
			return wal.dirty && wal.commits == seen &&
			    !wal.pending && !wal.stopping;
	return 0;
}

static void *
db_wal_main(void *unused)
{
	unsigned long seen;
	int rc;

	(void)unused;
	pthread_mutex_lock(&wal.lock);
	for (;;) {
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
	int catch_up;

	(void)unused;
	pthread_mutex_lock(&wal.lock);
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

/* Stops the thread, after the checkpoint it may be running, and gives db
 * back sqlite's automatic checkpoint. */
void
db_wal_stop(struct db *db)
{
	if (!wal.started)
		return;
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
}
