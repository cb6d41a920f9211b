/*
 * itest_storage: the store against a careless operator. One server a
 * database (a second `serve` exits 1, backup and verify run beside it);
 * the key file must be the store's (init fingerprints it); start-up
 * refuses an empty, foreign or read-only database, naming the file and
 * the cause. The disk side (a full file system, the log's bound) is at
 * the end.
 */
#include <sys/mount.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

/* `serve` on db must exit 1 at once, its message containing want. */
static void
storage_serve_refused(const char *db, const char *want)
{
	const char *cmd, *out = "";
	char line[1024];
	FILE *p;
	int rc = -1;

	cmd = itest_f("timeout 10 '%s' serve --db '%s' --listen 127.0.0.1:0 "
	              "</dev/null 2>&1; echo \"rc=$?\"",
	    itest_bin(), db);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p) != NULL) {
		if (strncmp(line, "rc=", 3) == 0)
			rc = atoi(line + 3);
		else
			out = itest_f("%s%s", out, line);
	}
	pclose(p);
	ck_assert_msg(
	    rc == 1, "serve on %s: exit %d, want 1:\n%s", db, rc, out);
	ck_assert_msg(strstr(out, want) != NULL,
	    "serve on %s: the message does not say '%s':\n%s", db, want, out);
}

/* A command of the server that must exit 1 saying want. */
static void
storage_cmd_refused(const char *cmd, const char *db, const char *want)
{
	const char *argv[] = {cmd, "--db", db, NULL, NULL, NULL};
	const char *out;
	int rc;

	if (strcmp(cmd, "backup") == 0) {
		argv[3] = "--to";
		argv[4] = itest_f("%s.copy", db);
	}

	rc = itest_cmd(argv, &out);
	ck_assert_msg(
	    rc == 1, "%s --db %s: exit %d, want 1:\n%s", cmd, db, rc, out);
	ck_assert_msg(strstr(out, want) != NULL,
	    "%s: the message does not say '%s':\n%s", cmd, want, out);
}

static void
storage_write(const char *path, const void *buf, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write(fd, buf, n), (ssize_t)n);
	ck_assert_int_eq(close(fd), 0);
}

/* Stops the fixture's server, keeping its files; its database path. */
static const char *
storage_stop(void)
{
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	return itest_s->db;
}

/* Serves db again, checks the data written before is there, stops. */
static void
storage_serves(const char *db, int64_t donor)
{
	struct itest_srv *s = itest_start(db);
	const char *tok = itest_login(s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	int st;

	itest_req(s, "GET", itest_f("/api/v1/donors/%lld", (long long)donor),
	    tok, NULL, &st);
	ck_assert_int_eq(st, 200);
	s->own_dir = 1;
	itest_stop(s);
}

START_TEST(test_one_writer)
{
	const char *copy = itest_f("%s/copy.db", itest_s->dir);
	const char *argv[] = {
	    "backup", "--db", itest_s->db, "--to", copy, NULL};
	const char *out;
	int rc;

	itest_donor(itest_admin, "before", "individual");
	storage_serve_refused(itest_s->db, "another cishan-server is serving");
	/* backup and verify take no lock: they run beside the server. */
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "backup beside the server: %d: %s", rc, out);
	itest_verify(itest_s->db, 1, NULL);
	/* demo writes: it is refused beside a server too. */
	storage_cmd_refused("demo", itest_s->db, "another cishan-server");
	/* The first server is untouched (teardown asserts /healthz 200). */
	itest_donor(itest_admin, "after", "individual");
}
END_TEST

START_TEST(test_wrong_key)
{
	const char *dir = itest_s->dir;
	const char *db, *key, *keep;
	unsigned char other[33];
	int64_t donor;
	size_t i;

	donor = itest_donor(itest_admin, "kept", "individual");
	db = storage_stop();
	key = itest_f("%s.key", db);
	keep = itest_slurp(key);
	for (i = 0; i < sizeof other; i++)
		other[i] = (unsigned char)(i * 7 + 1);

	/* Another 32-byte key: every command that opens the store says no. */
	storage_write(key, other, 32);
	storage_serve_refused(db, "is not the key of");
	storage_cmd_refused("verify", db, "is not the key of");
	storage_cmd_refused("backup", db, "is not the key of");
	/* The right key with a byte more is not the key either. */
	storage_write(key, keep, 32);
	storage_write(key, other, 33);
	storage_serve_refused(db, "not 32 bytes");
	/* No key at all. */
	ck_assert_int_eq(unlink(key), 0);
	storage_serve_refused(db, "cannot read the key file");
	/* Its own key back: it serves, with what it held. */
	storage_write(key, keep, 32);
	itest_verify(db, 1, NULL);
	storage_serves(db, donor);
	itest_remove_dir(dir);
}
END_TEST

/* A store made before fingerprints: refused until adopt-key. */
START_TEST(test_adopt_key)
{
	const char *dir = itest_s->dir;
	const char *db, *out;
	const char *argv[] = {"adopt-key", "--db", NULL, NULL};
	unsigned char other[32];
	int64_t donor;
	int rc;

	donor = itest_donor(itest_admin, "kept", "individual");
	db = storage_stop();
	argv[2] = db;
	itest_sql(db, "DELETE FROM settings WHERE key = 'key_fingerprint';");
	storage_serve_refused(db, "adopt-key");
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "adopt-key: exit %d: %s", rc, out);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM settings "
	                     "WHERE key = 'key_fingerprint'"),
	    1);
	itest_verify(db, 1, NULL);
	storage_serves(db, donor);
	/* Once recorded, adopt-key does not take another key. */
	memset(other, 0x5a, sizeof other);
	storage_write(itest_f("%s.key", db), other, sizeof other);
	storage_cmd_refused("adopt-key", db, "is not the key of");
	itest_remove_dir(dir);
}
END_TEST

START_TEST(test_bad_files)
{
	const char *dir = itest_s->dir;
	const char *db, *key, *f;

	db = storage_stop();
	key = itest_slurp(itest_f("%s.key", db));

	/* An empty file where the database was. */
	f = itest_f("%s/empty.db", dir);
	storage_write(f, "", 0);
	storage_write(itest_f("%s.key", f), key, 32);
	storage_serve_refused(f, "empty.db: the file is empty");
	storage_cmd_refused("verify", f, "the file is empty");
	{
		struct stat sb;

		/* Nothing was made of it. */
		ck_assert_int_eq(stat(f, &sb), 0);
		ck_assert_int_eq(sb.st_size, 0);
	}
	/* Something else. */
	f = itest_f("%s/text.db", dir);
	storage_write(f, "this is not a database, but text\n", 33);
	storage_write(itest_f("%s.key", f), key, 32);
	storage_serve_refused(f, "text.db: not an sqlite database");

	/* A read-only database file, then a read-only directory. */
	ck_assert_int_eq(chmod(db, 0400), 0);
	storage_serve_refused(db, "t.db: the file is read-only");
	ck_assert_int_eq(chmod(db, 0600), 0);
	ck_assert_int_eq(chmod(dir, 0500), 0);
	storage_serve_refused(db, "the directory is read-only");
	ck_assert_int_eq(chmod(dir, 0700), 0);
	/* verify reads: a read-only copy is fine for it. */
	ck_assert_int_eq(chmod(db, 0400), 0);
	itest_verify(db, 1, NULL);
	ck_assert_int_eq(chmod(db, 0600), 0);
	itest_remove_dir(dir);
}
END_TEST

/* Copies file from to to (a store onto the small file system). */
static void
storage_copy(const char *from, const char *to)
{
	const char *data;
	struct stat sb;

	ck_assert_int_eq(stat(from, &sb), 0);
	data = itest_slurp(from);
	storage_write(to, data, (size_t)sb.st_size);
}

/* Fills the file system of path, but for room bytes: a file as large
 * as it can grow, cut back by room (where the log grows until it too
 * fills the disk, so the log then holds pages to checkpoint). */
static void
storage_fill(const char *path, off_t room)
{
	static char block[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct stat sb;

	ck_assert_int_ge(fd, 0);
	while (write(fd, block, sizeof block) > 0)
		;
	ck_assert_int_eq(errno, ENOSPC);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_int_gt(sb.st_size, room);
	ck_assert_int_eq(ftruncate(fd, sb.st_size - room), 0);
	close(fd);
}

/* Waits (a generous deadline, for a loaded machine) until the file at
 * path has size bytes, or is absent with size -1; its size then. */
static off_t
storage_size_becomes(const char *path, off_t size)
{
	struct stat sb;
	off_t have = -1;
	double t0 = itest_now();

	do {
		have = stat(path, &sb) == 0 ? sb.st_size : -1;
		if (have == size)
			break;
		usleep(50000);
	} while (itest_now() - t0 < 30);
	return have;
}

/* The reply's status; 503 must be "unavailable", anything but 201/503
 * (a 500 above all) fails the test. */
static int
storage_post(const char *path, const char *body)
{
	cJSON *j;
	int st;

	j = itest_req(itest_s, "POST", path, itest_admin, body, &st);
	ck_assert_msg(st == 201 || st == 503, "POST %s on a full disk: %d %s",
	    path, st, itest_print(j));
	if (st == 503)
		itest_assert_error(j, st, 503, "unavailable", NULL);
	return st;
}

#define STORAGE_FULL_WRITES 200
#define STORAGE_RESERVE     (1 << 20) /* --reserve-mib 1 */
/* A long name: the log's pages are then mostly new ones, which a
 * checkpoint can copy only by growing the database. */
static const char *
storage_name(int i)
{
	return itest_f("full-%d-%0150d", i, 0);
}

/*
 * A real full disk: the store on a 4 MiB tmpfs, filled. Writes of every
 * kind answer 201 or 503 unavailable, never 500; reads go on; /healthz
 * says "db":"error"; once space is back, writes succeed without a
 * restart, and what was acknowledged is there, what was refused is not.
 * The reserve (1 MiB here) is given back when the disk fills, so the log
 * is checkpointed and emptied though the disk stays full (without it,
 * the checkpoint cannot grow the database and the log stays); it is made
 * again once there is room.
 */
START_TEST(test_full_disk)
{
	struct itest_srv *fixture = itest_s, *s;
	const char *mnt, *db, *filler, *reserve, *wal, *admin = itest_admin;
	const char *const opts[] = {"--reserve-mib", "1", NULL};
	int acked[STORAGE_FULL_WRITES], i, st, refused = 0;
	int64_t h, item, donor;
	struct stat sb;
	off_t wal_full = 0, wal_before;
	cJSON *j;

	h = itest_household_granted("FULL-1", "tekun", 2, 1000);
	item = itest_item("米", "CS-FULL-1", 1, 0, 0);
	itest_lot(item, 100, NULL);
	donor = itest_donor(itest_admin, "giver", "individual");
	storage_stop();
	mnt = itest_f("%s/mnt", fixture->dir);
	ck_assert_int_eq(mkdir(mnt, 0700), 0);
	ck_assert_msg(mount("tmpfs", mnt, "tmpfs", 0, "size=4m,mode=0700") == 0,
	    "mount: %s", strerror(errno));
	db = itest_f("%s/s.db", mnt);
	storage_copy(fixture->db, db);
	storage_copy(itest_f("%s.key", fixture->db), itest_f("%s.key", db));
	s = itest_start_argv(db, 0, opts);
	itest_s = s;
	itest_admin = itest_login(s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	itest_ok("GET", "/healthz", NULL, NULL, 200);
	/* The reserve: its size, in blocks really allocated. */
	reserve = itest_f("%s.reserve", db);
	wal = itest_f("%s-wal", db);
	ck_assert_int_eq(stat(reserve, &sb), 0);
	ck_assert_int_eq(sb.st_size, STORAGE_RESERVE);
	ck_assert_int_ge((off_t)sb.st_blocks * 512, STORAGE_RESERVE);

	filler = itest_f("%s/filler", mnt);
	storage_fill(filler, 512 * 1024);
	for (i = 0; i < STORAGE_FULL_WRITES; i++) {
		/* The log's size before the first refusal: after it, the
		 * checkpoint may already have emptied it. */
		wal_before = stat(wal, &sb) == 0 ? sb.st_size : 0;
		st = storage_post("/api/v1/donors",
		    itest_f(
		        "{'name':'%s','kind':'individual'}", storage_name(i)));
		acked[i] = st == 201;
		refused += st == 503;
		if (refused == 1 && st == 503)
			wal_full = wal_before;
	}
	ck_assert_msg(refused > 0, "a full disk refused no write");
	/* The log had grown into the room left; the reserve is given back
	 * and, the disk still full, the log is checkpointed and emptied. */
	ck_assert_msg(wal_full > 0, "the log was empty when the disk filled");
	ck_assert_msg(stat(reserve, &sb) != 0 || sb.st_size == 0,
	    "the reserve is still held on a full disk");
	ck_assert_msg(storage_size_becomes(wal, 0) == 0,
	    "the log (%lld bytes when the disk filled) was not emptied on "
	    "the full disk",
	    (long long)wal_full);
	ck_assert_int_eq(stat(filler, &sb), 0);
	/* Writes still wait for room (the reserve's space is not theirs). */
	ck_assert_int_eq(storage_post("/api/v1/donors",
	                     "{'name':'refused','kind':'individual'}"),
	    503);
	/* The other kinds of write: a grant, a distribution, a donation. */
	storage_post("/api/v1/grants",
	    itest_f("{'client_id':'%s','household_id':%lld,'points':5,"
	            "'reason':'full'}",
	        itest_uuid(), (long long)h));
	storage_post("/api/v1/distributions",
	    itest_basket_body(
	        itest_uuid(), "T01", "FULL-1", itest_line(item, 1)));
	storage_post("/api/v1/donations",
	    itest_donation_body(itest_uuid(), donor,
	        itest_f("{'item_id':%lld,'quantity':3}", (long long)item)));
	/* Reads go on; health says the database is failing. */
	itest_ok("GET", "/api/v1/donors?limit=5", itest_admin, NULL, 200);
	j = itest_req(s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_msg(st == 503, "/healthz on a full disk: %d", st);
	ck_assert_str_eq(itest_str(j, "db"), "error");

	/* Space again: writes succeed, without a restart. */
	ck_assert_int_eq(unlink(filler), 0);
	ck_assert_int_eq(storage_post("/api/v1/donors",
	                     "{'name':'after','kind':'individual'}"),
	    201);
	j = itest_ok("GET", "/healthz", NULL, NULL, 200);
	ck_assert_str_eq(itest_str(j, "db"), "ok");
	/* And the reserve is made again, at its size. */
	ck_assert_int_eq(
	    storage_size_becomes(reserve, STORAGE_RESERVE), STORAGE_RESERVE);
	ck_assert_int_eq(stat(reserve, &sb), 0);
	ck_assert_int_ge((off_t)sb.st_blocks * 512, STORAGE_RESERVE);
	itest_grant(h, 5);
	itest_basket(
	    itest_admin, NULL, "T01", "FULL-1", itest_line(item, 1), NULL);

	s->own_dir = 1;
	itest_stop(s);
	itest_verify(db, 1, NULL);
	for (i = 0; i < STORAGE_FULL_WRITES; i++)
		ck_assert_msg(itest_sql_int(db,
		                  itest_f("SELECT count(*) FROM donors WHERE "
		                          "name = '%s'",
		                      storage_name(i))) == acked[i],
		    "donor full-%d: acknowledged %d", i, acked[i]);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM donors WHERE name = "
	                     "'refused'"),
	    0);
	ck_assert_int_eq(umount(mnt), 0);
	itest_s = fixture;
	itest_admin = admin;
	itest_remove_dir(fixture->dir);
}
END_TEST

/* The log of an idle server is truncated to nothing. */
START_TEST(test_wal_idle)
{
	const char *wal = itest_f("%s-wal", itest_s->db);
	struct stat sb;
	double t0;
	int i;

	for (i = 0; i < 30; i++)
		itest_donor(itest_admin, itest_f("d%d", i), "individual");
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_int_gt(sb.st_size, 0);
	/* Idle: within a second of the last commit the log is emptied (the
	 * deadline is generous, for a loaded machine). */
	t0 = itest_now();
	while (stat(wal, &sb) == 0 && sb.st_size > 0 && itest_now() - t0 < 30)
		usleep(50000);
	ck_assert_msg(sb.st_size == 0, "the idle log holds %lld bytes",
	    (long long)sb.st_size);
	itest_donor(itest_admin, "after", "individual");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A failed test_full_disk leaves no mount behind. */
static void
storage_disk_teardown(void)
{
	const char *dir = itest_s != NULL ? itest_s->dir : NULL;

	if (dir != NULL)
		umount2(itest_f("%s/mnt", dir), MNT_DETACH);
	itest_teardown();
}

/* Mounting a tmpfs needs root (CAP_SYS_ADMIN): else why, into why. */
static int
storage_can_mount(char *why, size_t size)
{
	char dir[] = "/tmp/itest-mnt.XXXXXX";
	int ok;

	if (mkdtemp(dir) == NULL) {
		snprintf(why, size, "mkdtemp: %s", strerror(errno));
		return 0;
	}
	ok = mount("tmpfs", dir, "tmpfs", 0, "size=1m") == 0;
	if (!ok)
		snprintf(why, size, "cannot mount a tmpfs (%s): run as root",
		    strerror(errno));
	else
		umount(dir);
	rmdir(dir);
	return ok;
}

static Suite *
itest_storage_suite(void)
{
	Suite *s = suite_create("itest_storage");
	char why[256];
	TCase *tc = itest_tcase("operator");

	tcase_add_test(tc, test_one_writer);
	tcase_add_test(tc, test_wrong_key);
	tcase_add_test(tc, test_adopt_key);
	tcase_add_test(tc, test_bad_files);
	suite_add_tcase(s, tc);
	tc = itest_tcase_with("disk", itest_setup, storage_disk_teardown);
	tcase_add_test(tc, test_wal_idle);
	if (storage_can_mount(why, sizeof why))
		tcase_add_test(tc, test_full_disk);
	else
		printf("itest_storage: test_full_disk SKIPPED (not run, not "
		       "passed): %s\n",
		    why);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_storage_suite());
}
