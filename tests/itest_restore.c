/*
 * backup --into DIR and restore (README, "Backups"), with the real
 * binaries: the nightly backup while the server runs, its key copied once,
 * the dated copies pruned; a restore that round-trips through verify with
 * the key, and each refusal (a wrong key, a running server, an existing
 * file or key without --force, a corrupt backup) changing nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "itest.h"

/* Writes LEN bytes of TEXT to PATH (new or truncated), mode 0600. */
static void
rs_write(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	chmod(path, 0600);
}

/* The whole file PATH, and its length; NULL if missing. */
static char *
rs_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		return NULL;
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = itest_xmalloc((size_t)n + 1);
	itest_own(ITEST_MEM, buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Are the files A and B byte for byte the same? */
static int
rs_same(const char *a, const char *b)
{
	size_t la, lb;
	char *x = rs_read(a, &la), *y = rs_read(b, &lb);

	return x != NULL && y != NULL && la == lb && memcmp(x, y, la) == 0;
}

/* cishan-server ARGS... (NULL-ended); its exit status, its output in
 * *OUT. */
static int
rs_cmd(const char **out, ...)
{
	const char *argv[16];
	va_list ap;
	size_t n = 0;

	va_start(ap, out);
	while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
		n++;
	va_end(ap);
	argv[n] = NULL;
	return itest_cmd(argv, out);
}

/* Data whose restore can be seen: a household (its id number hashed
 * with the key) and a donation. Returns the id number. */
static const char *
rs_data(int64_t *item)
{
	const char *idnum = itest_idnum(777);
	int64_t donor;

	itest_ok("POST", "/api/v1/households", itest_admin,
	    itest_household_body("RS-1", "张三", idnum, 2, "dibao",
	        itest_date(-1), itest_date(300)),
	    201);
	*item = itest_item_new(itest_admin, "rice", "grain", "", 100, 1, NULL);
	donor = itest_donor(itest_admin, "d", "individual");
	itest_donation(itest_admin, donor, itest_line(*item, 7));
	return idnum;
}

START_TEST(test_round_trip)
{
	const char *dir = itest_f("%s/bk", itest_s->dir);
	const char *copy = itest_f("%s/cishan-%s.db", dir, itest_date(0));
	const char *key = itest_f("%s/key/cishan.key", dir);
	const char *rdir = itest_f("%s/restored", itest_s->dir);
	const char *rdb = itest_f("%s/store.db", rdir);
	const char *out, *idnum, *tok;
	struct itest_srv *s2;
	struct stat sb;
	int64_t item;
	size_t len;
	char *before;
	int rc, st;
	cJSON *j;

	idnum = rs_data(&item);
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir, NULL,
	    NULL, NULL);
	ck_assert_msg(rc == 0, "backup --into: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "copied the key") != NULL, "%s", out);
	ck_assert_int_eq(stat(copy, &sb), 0);
	ck_assert_int_eq(stat(key, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	ck_assert_msg(rs_same(key, itest_f("%s.key", itest_s->db)),
	    "the key copy differs from the store's key");
	ck_assert_int_eq(stat(itest_f("%s/key", dir), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	/* A second run the same day replaces the copy; the key stays. */
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir, NULL,
	    NULL, NULL);
	ck_assert_msg(rc == 0, "second backup: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "copied the key") == NULL, "%s", out);
	ck_assert_msg(
	    access(itest_f("%s/.cishan-%s.db.tmp", dir, itest_date(0)), F_OK) !=
	        0,
	    "the temporary copy was left");

	/* Restore into a new directory: the key comes from DIR/key. */
	ck_assert_int_eq(mkdir(rdir, 0700), 0);
	before = rs_read(copy, &len);
	rc = rs_cmd(&out, "restore", "--from", copy, "--db", rdb, NULL, NULL);
	ck_assert_msg(rc == 0, "restore: exit %d: %s", rc, out);
	ck_assert_msg(rs_same(itest_f("%s.key", rdb), key), "key not restored");
	{
		size_t l2;
		char *after = rs_read(copy, &l2);

		ck_assert_msg(l2 == len && memcmp(before, after, len) == 0,
		    "restore changed the backup");
	}
	itest_verify(rdb, 1, NULL);

	/* The restored store serves its data, and its key still knows the
	 * id number registered before the backup. */
	s2 = itest_start(rdb);
	tok = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_req(s2, "POST", "/api/v1/households", tok,
	    itest_household_body("RS-2", "张三", idnum, 2, "dibao",
	        itest_date(-1), itest_date(300)),
	    &st);
	itest_assert_error(j, st, 422, "duplicate_household", NULL);
	j = itest_req(s2, "GET", "/api/v1/stock?limit=500", tok, NULL, &st);
	ck_assert_int_eq(st, 200);
	j = itest_find(itest_items(j), "item_id", item);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(itest_int(j, "on_hand"), 7);
	itest_stop(s2);
	itest_verify(rdb, 1, NULL);

	/* --force over a stopped store: replaced, verified again. */
	rc = rs_cmd(&out, "restore", "--from", copy, "--db", rdb, "--force",
	    NULL, NULL);
	ck_assert_msg(rc == 0, "restore --force: exit %d: %s", rc, out);
	itest_verify(rdb, 1, NULL);
}
END_TEST

/* Another key already in DIR/key: refused before any copy is made. */
START_TEST(test_backup_other_key)
{
	const char *dir = itest_f("%s/bk", itest_s->dir);
	const char *key = itest_f("%s/key/cishan.key", dir);
	const char *out;
	size_t len;
	char *k;
	int rc;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(mkdir(itest_f("%s/key", dir), 0700), 0);
	rs_write(key, "0123456789abcdef0123456789abcdef", 32);
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir, NULL,
	    NULL, NULL);
	ck_assert_msg(rc == 1, "backup with another key: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "not replacing it") != NULL, "%s", out);
	k = rs_read(key, &len);
	ck_assert_msg(len == 32 && memcmp(k, "0123456789abcdef", 16) == 0,
	    "the key in the directory was changed");
	ck_assert_msg(
	    access(itest_f("%s/cishan-%s.db", dir, itest_date(0)), F_OK) != 0,
	    "a copy was made anyway");
	/* Neither does a backup into a file where the directory should be. */
	rs_write(itest_f("%s/file", itest_s->dir), "x", 1);
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into",
	    itest_f("%s/file", itest_s->dir), NULL, NULL, NULL);
	ck_assert_msg(rc == 1, "backup into a file: exit %d: %s", rc, out);
}
END_TEST

/* Each refusal leaves the target as it was, and no temporary file. */
START_TEST(test_restore_refused)
{
	const char *dir = itest_f("%s/bk", itest_s->dir);
	const char *copy = itest_f("%s/cishan-%s.db", dir, itest_date(0));
	const char *t = itest_f("%s/t2", itest_s->dir);
	const char *tdb = itest_f("%s/x.db", t);
	const char *bad = itest_f("%s/corrupt.db", t);
	const char *wrong = itest_f("%s/wrong.key", t);
	const char *out;
	char *buf;
	size_t len;
	int64_t item;
	int rc;

	rs_data(&item);
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir, NULL,
	    NULL, NULL);
	ck_assert_msg(rc == 0, "backup: exit %d: %s", rc, out);
	ck_assert_int_eq(mkdir(t, 0700), 0);

	/* A key that is not the store's. */
	rs_write(wrong, "0123456789abcdef0123456789abcdef", 32);
	rc = rs_cmd(
	    &out, "restore", "--from", copy, "--db", tdb, "--key", wrong, NULL);
	ck_assert_msg(rc == 1 && strstr(out, "is not the key of") != NULL,
	    "wrong key: exit %d: %s", rc, out);
	ck_assert_msg(
	    access(tdb, F_OK) != 0 && access(itest_f("%s.key", tdb), F_OK) != 0,
	    "a wrong key's restore wrote files");

	/* The running server's database, even with --force. */
	buf = itest_slurp(itest_f("%s.key", itest_s->db));
	rc = rs_cmd(&out, "restore", "--from", copy, "--db", itest_s->db,
	    "--force", NULL, NULL);
	ck_assert_msg(rc == 1 && strstr(out, "another cishan-server") != NULL,
	    "over a running server: exit %d: %s", rc, out);
	ck_assert_str_eq(itest_slurp(itest_f("%s.key", itest_s->db)), buf);
	ck_assert_msg(access(itest_f("%s.restore", itest_s->db), F_OK) != 0,
	    "a temporary file was left");
	itest_ok("GET", "/healthz", NULL, NULL, 200);
	itest_verify(itest_s->db, 1, NULL);

	/* An existing file without --force. */
	rs_write(tdb, "not a store", 11);
	rc = rs_cmd(
	    &out, "restore", "--from", copy, "--db", tdb, NULL, NULL, NULL);
	ck_assert_msg(rc == 1 && strstr(out, "--force") != NULL,
	    "existing file: exit %d: %s", rc, out);
	buf = rs_read(tdb, &len);
	ck_assert_msg(len == 11 && memcmp(buf, "not a store", 11) == 0,
	    "the existing file was changed");
	ck_assert_int_eq(unlink(tdb), 0);

	/* Another key already beside the target, without --force. */
	rs_write(
	    itest_f("%s.key", tdb), "0123456789abcdef0123456789abcdef", 32);
	rc = rs_cmd(
	    &out, "restore", "--from", copy, "--db", tdb, NULL, NULL, NULL);
	ck_assert_msg(rc == 1 && strstr(out, "not replacing it") != NULL,
	    "another key beside: exit %d: %s", rc, out);
	ck_assert_msg(access(tdb, F_OK) != 0, "restored beside another key");
	ck_assert_msg(rs_same(itest_f("%s.key", tdb), wrong),
	    "the key beside the target was changed");
	ck_assert_int_eq(unlink(itest_f("%s.key", tdb)), 0);

	/* A corrupt backup: a page of it overwritten. */
	buf = rs_read(copy, &len);
	ck_assert_uint_gt(len, 3 * 4096);
	memset(buf + 2 * 4096, 0x5a, 4096);
	rs_write(bad, buf, len);
	rc = rs_cmd(&out, "restore", "--from", bad, "--db", tdb, "--key",
	    itest_f("%s/key/cishan.key", dir), NULL);
	ck_assert_msg(rc == 1 && strstr(out, itest_f("the backup %s", bad)),
	    "corrupt backup: exit %d: %s", rc, out);
	/* An empty one, and one that is not sqlite. */
	rs_write(bad, "", 0);
	rc = rs_cmd(&out, "restore", "--from", bad, "--db", tdb, "--key",
	    itest_f("%s/key/cishan.key", dir), NULL);
	ck_assert_msg(rc == 1 && strstr(out, "empty") != NULL,
	    "empty backup: exit %d: %s", rc, out);
	rs_write(bad, buf + 100, 5000);
	rc = rs_cmd(&out, "restore", "--from", bad, "--db", tdb, "--key",
	    itest_f("%s/key/cishan.key", dir), NULL);
	ck_assert_msg(rc == 1 && strstr(out, "not an sqlite") != NULL,
	    "not sqlite: exit %d: %s", rc, out);
	ck_assert_msg(access(tdb, F_OK) != 0 &&
	        access(itest_f("%s.key", tdb), F_OK) != 0 &&
	        access(itest_f("%s.restore", tdb), F_OK) != 0,
	    "a refused restore left files");
	/* A missing backup. */
	rc = rs_cmd(&out, "restore", "--from", itest_f("%s/none.db", t), "--db",
	    tdb, NULL, NULL, NULL);
	ck_assert_msg(rc == 1, "missing backup: exit %d: %s", rc, out);
}
END_TEST

/* Monday 0 .. Sunday 6 of a YYYY-MM-DD. */
static int
rs_weekday(const char *date)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	ck_assert_ptr_nonnull(strptime(date, "%Y-%m-%d", &tm));
	tm.tm_hour = 12;
	ck_assert_int_ne(timegm(&tm), (time_t)-1);
	return (tm.tm_wday + 6) % 7;
}

/*
 * Retention on real files: dated copies of 1 to 40 days ago planted
 * (their content does not matter to it), then a backup keeping 3 daily
 * and 2 weekly leaves today's, the 1 and 2 days ago (daily), 3 days ago
 * (its week's newest) and the newest of the week before that; files not
 * named as dated copies stay.
 */
START_TEST(test_retention)
{
	const char *dir = itest_f("%s/bk", itest_s->dir);
	const char *out;
	int k, rc, w3, kept;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (k = 1; k <= 40; k++)
		rs_write(
		    itest_f("%s/cishan-%s.db", dir, itest_date(-k)), "x", 1);
	rs_write(itest_f("%s/notes.txt", dir), "x", 1);
	rs_write(itest_f("%s/cishan-2020-13-01.db", dir), "x", 1);
	rs_write(itest_f("%s/cishan-2020-01-01.db.bak", dir), "x", 1);
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir,
	    "--keep-daily", "3", "--keep-weekly=2", NULL);
	ck_assert_msg(rc == 0, "backup: exit %d: %s", rc, out);
	w3 = rs_weekday(itest_date(-3));
	kept = 0;
	for (k = 0; k <= 40; k++) {
		int want = k <= 3 || k == 4 + w3;
		int have =
		    access(itest_f("%s/cishan-%s.db", dir, itest_date(-k)),
		        F_OK) == 0;

		ck_assert_msg(have == want, "%s: %s, want %s (w3 %d):\n%s",
		    itest_date(-k), have ? "kept" : "removed",
		    want ? "kept" : "removed", w3, out);
		kept += have;
	}
	ck_assert_int_eq(kept, 5);
	ck_assert_int_eq(access(itest_f("%s/notes.txt", dir), F_OK), 0);
	ck_assert_int_eq(
	    access(itest_f("%s/cishan-2020-13-01.db", dir), F_OK), 0);
	ck_assert_int_eq(
	    access(itest_f("%s/cishan-2020-01-01.db.bak", dir), F_OK), 0);
	/* The defaults, 14 and 8, keep these five. */
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir, NULL,
	    NULL, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "removed") == NULL,
	    "default retention removed: %s", out);
	/* Bad counts are usage errors. */
	rc = rs_cmd(&out, "backup", "--db", itest_s->db, "--into", dir,
	    "--keep-daily", "0", NULL);
	ck_assert_int_eq(rc, 2);
}
END_TEST

static Suite *
itest_restore_suite(void)
{
	Suite *s = suite_create("itest_restore");
	TCase *tc = itest_tcase("restore");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_backup_other_key);
	tcase_add_test(tc, test_restore_refused);
	tcase_add_test(tc, test_retention);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_restore_suite());
}
