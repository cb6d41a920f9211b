/*
 * backup --into DIR: the nightly backup (README, "Backups"). An online
 * copy of the store as DIR/cishan-YYYY-MM-DD.db (the store's date),
 * written as a hidden temporary file, checked with verify and against
 * the key, synced and only then renamed into place; the key copied once
 * to DIR/key/cishan.key; then the dated copies past the retention
 * (retain.c) removed. Anything else in DIR is left alone.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "server.h"

#define BACKUP_MAX 4096 /* dated copies looked at in one directory */

/* A directory of the backups, made 0700 if missing. */
static int
backup_mkdir(const char *dir)
{
	struct stat sb;

	if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			return 0;
		errno = ENOTDIR;
	}
	fprintf(stderr, "cishan-server: %s: %s\n", dir, strerror(errno));
	return -1;
}

/* Removes PATH and what sqlite may have left beside it. */
static void
backup_unlink(const char *path)
{
	static const char *const tails[] = {"", "-wal", "-shm", "-journal"};
	char p[4200];
	size_t i;

	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, tails[i]);
		unlink(p);
	}
}

/* The copy at TMP: the store's key's (KEY), every check of verify, and
 * on the disk. */
static int
backup_check(const char *tmp, const char *key)
{
	struct db *copy = NULL;
	char why[1024], wal[4300];
	int n, fd, rc = -1;

	if (db_open(tmp, 0, &copy) != DB_OK) {
		fprintf(
		    stderr, "cishan-server: cannot open the copy %s\n", tmp);
		goto out;
	}
	if (storage_key_load_file(copy, tmp, key, 0, why, sizeof(why)) != 0) {
		fprintf(stderr, "cishan-server: %s\n", why);
		goto out;
	}
	if ((n = verify_run(copy, 1)) != 0) {
		fprintf(stderr,
		    "cishan-server: the copy %s fails verify (%d; see "
		    "above); not kept\n",
		    tmp, n);
		goto out;
	}
	rc = 0;
out:
	db_close(copy);
	snprintf(wal, sizeof(wal), "%s-wal", tmp);
	if (rc == 0 && access(wal, F_OK) == 0) {
		fprintf(stderr, "cishan-server: %s was left behind\n", wal);
		rc = -1;
	}
	if (rc == 0 &&
	    ((fd = open(tmp, O_RDONLY | O_CLOEXEC)) < 0 || fsync(fd) != 0 ||
	        close(fd) != 0)) {
		fprintf(stderr, "cishan-server: %s: cannot sync it\n", tmp);
		rc = -1;
	}
	return rc;
}

/* Is NAME a dated copy, cishan-YYYY-MM-DD.db? Its day. */
static int
backup_dated(const char *name, int64_t *day)
{
	char date[CLOCK_DATE_LEN];

	if (strlen(name) != 20 || strncmp(name, "cishan-", 7) != 0 ||
	    strcmp(name + 17, ".db") != 0)
		return 0;
	memcpy(date, name + 7, 10);
	date[10] = '\0';
	return retain_day(date, day) == 0;
}

/* Removes the dated copies in DIR past DAILY + WEEKLY. */
static int
backup_prune(const char *dir, int daily, int weekly)
{
	static char names[BACKUP_MAX][21];
	static int64_t days[BACKUP_MAX];
	static int keep[BACKUP_MAX];
	struct dirent *de;
	char path[4200];
	size_t n = 0, i;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL) {
		fprintf(
		    stderr, "cishan-server: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL && n < BACKUP_MAX)
		if (backup_dated(de->d_name, &days[n]))
			snprintf(
			    names[n++], sizeof(names[0]), "%s", de->d_name);
	closedir(d);
	if (retain_keep(days, n, daily, weekly, keep) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (keep[i])
			continue;
		snprintf(path, sizeof(path), "%s/%.20s", dir, names[i]);
		if (unlink(path) != 0) {
			fprintf(stderr, "cishan-server: %s: %s\n", path,
			    strerror(errno));
			rc = -1;
		} else
			printf("removed %s\n", path);
	}
	return rc;
}

int
backup_into(
    struct db *db, const char *dbpath, const char *dir, int daily, int weekly)
{
	char kdir[4200], key[4300], src[4200], tmp[4200], dst[4200],
	    date[CLOCK_DATE_LEN], why[1024];
	int r;

	snprintf(kdir, sizeof(kdir), "%s/key", dir);
	snprintf(key, sizeof(key), "%s/cishan.key", kdir);
	snprintf(src, sizeof(src), "%s.key", dbpath);
	if (backup_mkdir(dir) != 0 || backup_mkdir(kdir) != 0)
		return -1;
	if ((r = storage_key_copy(src, key, 0, why, sizeof(why))) < 0) {
		fprintf(stderr, "cishan-server: %s\n", why);
		return -1;
	}
	if (r == 1)
		printf("copied the key %s to %s\n", src, key);
	clock_today(date);
	snprintf(tmp, sizeof(tmp), "%s/.cishan-%s.db.tmp", dir, date);
	snprintf(dst, sizeof(dst), "%s/cishan-%s.db", dir, date);
	backup_unlink(tmp);
	if (db_backup(db, tmp) != DB_OK) {
		fprintf(stderr,
		    "cishan-server: the copy %s failed (see above)\n", tmp);
		backup_unlink(tmp);
		return -1;
	}
	if (backup_check(tmp, key) != 0) {
		backup_unlink(tmp);
		return -1;
	}
	if (rename(tmp, dst) != 0 || storage_sync_dir(dir) != 0) {
		fprintf(
		    stderr, "cishan-server: %s: %s\n", dst, strerror(errno));
		backup_unlink(tmp);
		return -1;
	}
	printf("backed up %s to %s (verified)\n", dbpath, dst);
	return backup_prune(dir, daily, weekly);
}
