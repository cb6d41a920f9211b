/*
 * The store's files, checked before anything opens them, for the
 * operator's mistakes: an empty or foreign file where the database should
 * be, a read-only file or directory, a second server on one database, and
 * a key file that is not the store's.
 *
 * The key keys id-number hashes; with another one, duplicate detection
 * silently breaks. So init records a fingerprint of it (a keyed hash of a
 * constant, never the key) in the settings, and every command that opens
 * the store compares the key file beside it with that fingerprint.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "server.h"

#define STORE_KEY_LEN  32
#define STORE_FP_LEN   32
#define STORE_FP_NAME  "key_fingerprint"
#define STORE_FP_INPUT "cishan-server key fingerprint 1"

/* Why not, into why; returns -1. */
static int
storage_why(char *why, size_t size, const char *fmt, const char *a)
{
	snprintf(why, size, fmt, a);
	return -1;
}

/* Does the file at path (a directory: dir) refuse its owner's writes? */
static int
storage_readonly(const char *path, const struct stat *sb)
{
	return (sb->st_mode & S_IWUSR) == 0 || access(path, W_OK) != 0;
}

/*
 * An existing database file: not empty, an sqlite database, and (writes:
 * serving it) writable, in a writable directory for its log.
 */
int
storage_check(const char *path, int writes, char *why, size_t size)
{
	static const char magic[16] = "SQLite format 3";
	char head[16], buf[4096], dir[4096];
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return storage_why(why, size, "%s: cannot open it", path);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return storage_why(why, size, "%s: not a regular file", path);
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (sb.st_size == 0)
		return storage_why(why, size,
		    "%s: the file is empty (0 bytes), not a store; restore it "
		    "from a backup, or remove it and run 'cishan-server init'",
		    path);
	if (n != (ssize_t)sizeof(head) || memcmp(head, magic, 16) != 0)
		return storage_why(why, size,
		    "%s: not an sqlite database, so not a cishan store", path);
	if (!writes)
		return 0;
	if (storage_readonly(path, &sb))
		return storage_why(why, size,
		    "%s: the file is read-only; the server must write it",
		    path);
	snprintf(buf, sizeof(buf), "%s", path);
	snprintf(dir, sizeof(dir), "%s", dirname(buf));
	if (stat(dir, &sb) != 0 || storage_readonly(dir, &sb))
		return storage_why(why, size,
		    "%s: the directory is read-only; the server writes its "
		    "log (-wal) there",
		    dir);
	return 0;
}

/*
 * One writer: the serving process holds an exclusive lock on PATH.lock
 * for its lifetime (the descriptor stays open; exit releases it). backup
 * and verify do not take it, so they run beside a server.
 */
int
storage_lock(const char *path, char *why, size_t size)
{
	char lock[4096];
	int fd;

	snprintf(lock, sizeof(lock), "%s.lock", path);
	if ((fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		snprintf(why, size, "%s: %s", lock, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			snprintf(why, size,
			    "%s: another cishan-server is serving this "
			    "database (it holds %s); one server a database",
			    path, lock);
		else
			snprintf(why, size, "%s: %s", lock, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* The key file beside the database: exactly 32 bytes. */
static int
storage_key_read(
    const char *keypath, unsigned char *key, char *why, size_t size)
{
	struct stat sb;
	ssize_t n;
	int fd;

	if ((fd = open(keypath, O_RDONLY | O_CLOEXEC)) < 0)
		return storage_why(why, size,
		    "cannot read the key file %s (made by 'cishan-server "
		    "init'; restore it from where you keep it safe, apart from "
		    "database backups)",
		    keypath);
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size != STORE_KEY_LEN) {
		close(fd);
		return storage_why(why, size,
		    "the key file %s is not 32 bytes, so not this store's key",
		    keypath);
	}
	n = read(fd, key, STORE_KEY_LEN);
	close(fd);
	if (n != STORE_KEY_LEN)
		return storage_why(
		    why, size, "cannot read the key file %s", keypath);
	return 0;
}

/* The fingerprint of a key, in hex: BLAKE2b keyed by it, of a constant. */
static void
storage_fingerprint(const unsigned char *key, char *hex, size_t size)
{
	unsigned char fp[STORE_FP_LEN];

	crypto_generichash(fp, sizeof(fp),
	    (const unsigned char *)STORE_FP_INPUT, strlen(STORE_FP_INPUT), key,
	    STORE_KEY_LEN);
	sodium_bin2hex(hex, size, fp, sizeof(fp));
}

/*
 * Loads PATH.key for db (the store at path) once it matches the recorded
 * fingerprint. A store made before fingerprints has none: with adopt, the
 * key is taken as the store's and recorded (init, a new demo store, the
 * adopt-key command); without, it is refused.
 */
int
storage_key_load(
    struct db *db, const char *path, int adopt, char *why, size_t size)
{
	char keypath[4096];

	snprintf(keypath, sizeof(keypath), "%s.key", path);
	return storage_key_load_file(db, path, keypath, adopt, why, size);
}

/* The same with the key in KEYPATH (a backup's, restore's --key). */
int
storage_key_load_file(struct db *db, const char *path, const char *keypath,
    int adopt, char *why, size_t size)
{
	unsigned char key[STORE_KEY_LEN];
	char hex[2 * STORE_FP_LEN + 1], have[2 * STORE_FP_LEN + 8];
	int rc = -1, got;

	if (storage_key_read(keypath, key, why, size) != 0)
		return -1;
	storage_fingerprint(key, hex, sizeof(hex));
	got = db_setting_get(db, STORE_FP_NAME, have, sizeof(have));
	if (got == DB_NONE && adopt) {
		if (db_setting_set(db, STORE_FP_NAME, hex) != DB_OK) {
			storage_why(why, size,
			    "%s: cannot record the key's fingerprint", path);
			goto out;
		}
	} else if (got == DB_NONE) {
		storage_why(why, size,
		    "%s: the store records no key fingerprint (made before "
		    "they were); once sure its key file is the right one, run "
		    "'cishan-server adopt-key --db' on it",
		    path);
		goto out;
	} else if (got != DB_OK) {
		storage_why(why, size, "%s: cannot read the settings", path);
		goto out;
	} else if (strlen(have) != strlen(hex) ||
	    sodium_memcmp(have, hex, strlen(hex)) != 0) {
		snprintf(why, size,
		    "the key file %s is not the key of %s (its fingerprint "
		    "differs from the one recorded at init); restore the "
		    "store's own key",
		    keypath, path);
		goto out;
	}
	if (household_setkey(keypath) != 0) {
		storage_why(why, size, "cannot read the key file %s", keypath);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(key, sizeof(key));
	return rc;
}

/* fsync a directory, so that a rename in it lasts. */
int
storage_sync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes the key to PATH through PATH.tmp (0600, synced, renamed). */
static int
storage_key_write(
    const char *path, const unsigned char *key, char *why, size_t size)
{
	char tmp[4200], buf[4096];
	int fd, ok;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		snprintf(why, size, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	ok = write(fd, key, STORE_KEY_LEN) == STORE_KEY_LEN && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		snprintf(why, size, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	if (storage_sync_dir(dirname(buf)) != 0) {
		snprintf(why, size, "%s: cannot sync its directory", path);
		return -1;
	}
	return 0;
}

/*
 * A copy of the key file SRC at DST (0600). An equal key already there
 * is left alone (0); another one is refused (-1) unless REPLACE. 1 once
 * copied.
 */
int
storage_key_copy(
    const char *src, const char *dst, int replace, char *why, size_t size)
{
	unsigned char key[STORE_KEY_LEN], old[STORE_KEY_LEN];
	char skip[16];
	int rc = -1;

	if (storage_key_read(src, key, why, size) != 0)
		return -1;
	if (access(dst, F_OK) == 0) {
		if (storage_key_read(dst, old, skip, sizeof(skip)) == 0 &&
		    sodium_memcmp(key, old, STORE_KEY_LEN) == 0) {
			rc = 0;
			goto out;
		}
		if (!replace) {
			snprintf(why, size,
			    "%s exists and is not the key %s; not replacing "
			    "it",
			    dst, src);
			goto out;
		}
	}
	if (storage_key_write(dst, key, why, size) == 0)
		rc = 1;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(old, sizeof(old));
	return rc;
}
