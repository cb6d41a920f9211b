/*
 * restore --from BACKUP --db PATH [--key FILE] [--force] (README,
 * "Backups"). Everything is checked on a private copy before anything of
 * PATH's is touched: the backup is copied to PATH.restore (the backup
 * itself is never opened by sqlite, so never changed), its schema brought
 * up to date, its key's fingerprint and every check of verify passed;
 * then the key is put beside PATH and the copy renamed over it. An
 * existing PATH (or another key at PATH.key) needs --force; a running
 * server's database (its PATH.lock held) is refused even so.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

/* Says why on stderr; -1. */
static int
restore_no(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "cishan-server: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return -1;
}

/* Removes PATH and what sqlite may have left beside it. */
static void
restore_unlink(const char *path)
{
	static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
	char p[4200];
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, tails[i]);
		unlink(p);
	}
}

/* A byte copy of FROM at TO (new, 0600), synced. */
static int
restore_copy(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n = 0;
	int in, out = -1, rc = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
		return restore_no("%s: %s", from, strerror(errno));
	if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		restore_no("%s: %s", to, strerror(errno));
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	if (n < 0 || fsync(out) != 0) {
		restore_no("%s: %s", to, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(in);
	if (out >= 0 && close(out) != 0 && rc == 0)
		rc = restore_no("%s: %s", to, strerror(errno));
	return rc;
}

/* The copy at TMP with the key KEY: a store of ours, up to date, the
 * key's, passing verify. */
static int
restore_check(const char *tmp, const char *from, const char *key)
{
	struct db *db = NULL;
	char why[1024];
	int have, know, n, rc = -1;

	if (storage_check(tmp, 1, why, sizeof(why)) != 0) {
		restore_no("the backup %s: %s", from, why);
		return -1;
	}
	if (db_open(tmp, 0, &db) != DB_OK) {
		restore_no("the backup %s: cannot open it%s", from, "");
		goto out;
	}
	if (db_schema_version(db, &have, &know) != DB_OK || have > know) {
		restore_no("the backup %s is not a store this program can "
		           "read%s",
		    from, " (corrupt, or from a newer cishan-server)");
		goto out;
	}
	if (storage_key_load_file(db, from, key, 0, why, sizeof(why)) != 0) {
		restore_no("the backup %s: %s", from, why);
		goto out;
	}
	if (db_migrate(db) != DB_OK) {
		restore_no("the backup %s: cannot bring its schema up to "
		           "date%s",
		    from, "");
		goto out;
	}
	if ((n = verify_run(db, 1)) != 0) {
		restore_no(
		    "the backup %s fails verify (see above)%s", from, "");
		goto out;
	}
	rc = 0;
out:
	db_close(db);
	return rc;
}

/* The key to restore with: --key, else BACKUP.key, else the one
 * backup --into keeps, DIR/key/cishan.key. */
static void
restore_keypath(const char *from, const char *key, char *out, size_t size)
{
	char buf[4096];

	if (key != NULL) {
		snprintf(out, size, "%s", key);
		return;
	}
	snprintf(out, size, "%s.key", from);
	if (access(out, F_OK) == 0)
		return;
	snprintf(buf, sizeof(buf), "%s", from);
	snprintf(out, size, "%s/key/cishan.key", dirname(buf));
}

int
restore_run(const char *from, const char *path, const char *key, int force)
{
	char kpath[4200], dkey[4200], tmp[4200], side[4200], dir[4096],
	    why[1024];
	int exists, lock = -1, r;

	restore_keypath(from, key, kpath, sizeof(kpath));
	snprintf(dkey, sizeof(dkey), "%s.key", path);
	snprintf(tmp, sizeof(tmp), "%s.restore", path);
	snprintf(side, sizeof(side), "%s-wal", from);
	exists = access(path, F_OK) == 0;
	if (exists && !force)
		return restore_no(
		    "%s exists; --force to replace it%s", path, "");
	if (access(from, R_OK) != 0)
		return restore_no("%s: %s", from, strerror(errno));
	if (access(side, F_OK) == 0)
		return restore_no("%s has a write-ahead log beside it (%s): "
		                  "a live database, not a backup",
		    from, side);
	/* A running server's database, before any work. A new PATH needs
	 * no lock: no server serves a file that is not there. */
	if (exists && (lock = storage_lock(path, why, sizeof(why))) < 0)
		return restore_no("%s%s", why, "");
	restore_unlink(tmp);
	if (restore_copy(from, tmp) != 0 ||
	    restore_check(tmp, from, kpath) != 0)
		goto fail;
	if ((r = storage_key_copy(kpath, dkey, force, why, sizeof(why))) < 0) {
		restore_no("%s%s", why, "");
		goto fail;
	}
	/* The old database's log would be replayed into the new one. */
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-journal", path);
	unlink(side);
	snprintf(dir, sizeof(dir), "%s", path);
	if (rename(tmp, path) != 0 || storage_sync_dir(dirname(dir)) != 0) {
		restore_no("%s: %s", path, strerror(errno));
		goto fail;
	}
	printf("restored %s from %s (verified)%s%s\n", path, from,
	    r == 1 ? ", key " : "", r == 1 ? dkey : "");
	if (lock >= 0)
		close(lock);
	return 0;
fail:
	restore_unlink(tmp);
	if (lock >= 0)
		close(lock);
	return -1;
}
