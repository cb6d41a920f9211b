/*
 * `cishan-server backup` of a live database while another client writes
 * donations: the copy verifies, serves, and holds a consistent state (every
 * donation all or nothing). And `verify` names what a tampered copy breaks.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

#define ITEST_BACKUP_MAX 2000

/*
 * The writer, in a child process: donations of A x1, B x2, C x3 until STOP
 * reads EOF; one byte to PROGRESS per donation answered 201. No Check
 * assertions here (not Check's process); _exit 0 if every one succeeded.
 */
static void
itest_backup_writer(const char *tok, int64_t donor, const int64_t item[3],
    int stop, int progress)
{
	struct pollfd pfd = {stop, POLLIN, 0};
	struct itest_reply r;
	char body[512];
	int i, ok;

	for (i = 0; i < ITEST_BACKUP_MAX; i++) {
		if (poll(&pfd, 1, 0) > 0)
			_exit(0);
		snprintf(body, sizeof body,
		    "{\"client_id\":\"%s\",\"donor_id\":%lld,"
		    "\"received_on\":\"%s\",\"channel\":\"walk_in\","
		    "\"lines\":[{\"item_id\":%lld,\"quantity\":1},"
		    "{\"item_id\":%lld,\"quantity\":2},"
		    "{\"item_id\":%lld,\"quantity\":3}]}",
		    itest_uuid(), (long long)donor, itest_date(0),
		    (long long)item[0], (long long)item[1], (long long)item[2]);
		ok = itest_http(itest_s, "POST", "/api/v1/donations", tok,
		         "application/json", NULL, body, strlen(body),
		         &r) == 0 &&
		    r.status == 201;
		if (!ok)
			fprintf(stderr, "writer: donation %d: %d %s\n", i,
			    r.status, r.body ? r.body : "(no reply)");
		free(r.body);
		free(r.headers);
		if (!ok || write(progress, "d", 1) != 1)
			_exit(1);
	}
	_exit(0);
}

/* Wait until the writer has made at least N donations; the count. */
static int
itest_backup_wait(int progress, int have, int n)
{
	char buf[64];
	double t0 = itest_now();
	ssize_t got;

	while (have < n) {
		ck_assert_msg(
		    itest_now() - t0 < 30, "writer stalled at %d", have);
		got = read(progress, buf, sizeof buf);
		if (got < 0 && errno == EINTR)
			continue;
		ck_assert_msg(got > 0, "writer ended after %d donations", have);
		have += (int)got;
	}
	return have;
}

/* on_hand of ITEM on server S, checked against its lots and movements. */
static int64_t
itest_backup_on_hand(
    struct itest_srv *s, const char *tok, int64_t item, int *nlots)
{
	int st;
	int64_t sum = 0, oh;
	cJSON *j, *e, *l;

	j = itest_req(s, "GET", "/api/v1/stock?limit=500", tok, NULL, &st);
	ck_assert_int_eq(st, 200);
	e = itest_find(itest_items(j), "item_id", item);
	ck_assert_msg(e != NULL, "item %lld not in stock", (long long)item);
	oh = itest_int(e, "on_hand");
	*nlots = 0;
	cJSON_ArrayForEach(l, itest_arr(e, "lots"))
	{
		sum += itest_int(l, "on_hand");
		(*nlots)++;
	}
	ck_assert_int_eq(sum, oh);
	return oh;
}

/*
 * A restore brings the store's key file (DB.key, kept apart from database
 * backups) back beside the copy: copy SRC.key to DST.key.
 */
static void
itest_backup_key(const char *src, const char *dst)
{
	FILE *in = fopen(itest_f("%s.key", src), "rb");
	FILE *out;
	char buf[4096];
	size_t n;

	ck_assert_msg(in != NULL, "no key file %s.key", src);
	out = fopen(itest_f("%s.key", dst), "wb");
	ck_assert_ptr_nonnull(out);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
	chmod(itest_f("%s.key", dst), 0600);
}

START_TEST(test_backup_during_writes)
{
	const char *copy = itest_f("%s/copy.db", itest_s->dir);
	const char *copy2 = itest_f("%s/copy2.db", itest_s->dir);
	const char *argv[] = {
	    "backup", "--db", itest_s->db, "--to", copy, NULL};
	const char *argv2[] = {
	    "backup", "--db", itest_s->db, "--to", copy2, NULL};
	const char *out, *tok2;
	int64_t item[3], donor, a, b, c;
	struct itest_srv *s2;
	int stop[2], prog[2], have, st, rc, n, total;
	pid_t pid;
	char buf[64];
	ssize_t got;

	for (n = 0; n < 3; n++)
		item[n] = itest_item_new(itest_admin, itest_f("item %d", n),
		    "grain", "", 100 * (n + 1), 1, NULL);
	donor = itest_donor(itest_admin, "writer", "enterprise");

	ck_assert_int_eq(pipe(stop), 0);
	ck_assert_int_eq(pipe(prog), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(stop[1]);
		close(prog[0]);
		itest_backup_writer(itest_admin, donor, item, stop[0], prog[1]);
	}
	close(stop[0]);
	close(prog[1]);

	have = itest_backup_wait(prog[0], 0, 5);
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "backup: exit %d: %s", rc, out);
	have = itest_backup_wait(prog[0], have, have + 5);
	rc = itest_cmd(argv2, &out);
	ck_assert_msg(rc == 0, "second backup: exit %d: %s", rc, out);
	have = itest_backup_wait(prog[0], have, have + 5);

	/* Stop the writer; count what it did. */
	close(stop[1]);
	while ((got = read(prog[0], buf, sizeof buf)) > 0)
		have += (int)got;
	close(prog[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the writer saw a failed donation (see stderr)");
	total = have;

	/* The live server holds every donation. */
	a = itest_backup_on_hand(itest_s, itest_admin, item[0], &n);
	ck_assert_int_eq(a, total);
	ck_assert_int_eq(n, total);
	itest_verify(itest_s->db, 1, NULL);

	/* The copies verify (beside the store's key, which init
	 * fingerprinted), serve and hold whole donations only. */
	itest_backup_key(itest_s->db, copy);
	itest_backup_key(itest_s->db, copy2);
	itest_verify(copy, 1, NULL);
	itest_verify(copy2, 1, NULL);
	s2 = itest_start(copy);
	tok2 = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	a = itest_backup_on_hand(s2, tok2, item[0], &n);
	b = itest_backup_on_hand(s2, tok2, item[1], &n);
	c = itest_backup_on_hand(s2, tok2, item[2], &n);
	ck_assert_msg(a >= 5 && a < total,
	    "copy holds %lld donations, written %d (5 before it)", (long long)a,
	    total);
	ck_assert_int_eq(n, a);
	ck_assert_int_eq(b, 2 * a);
	ck_assert_int_eq(c, 3 * a);
	/* The copy is a working store: it takes a write of its own. */
	itest_req(s2, "POST", "/api/v1/donors", tok2,
	    "{'name':'after restore','kind':'anonymous'}", &st);
	ck_assert_int_eq(st, 201);
	itest_stop(s2);
	itest_verify(copy, 1, NULL);

	s2 = itest_start(copy2);
	tok2 = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	b = itest_backup_on_hand(s2, tok2, item[0], &n);
	/*
	 * Later, never earlier, than the first: how much later depends on
	 * how many donations committed while the first copy was being made.
	 */
	ck_assert_msg(b >= a && b < total, "second copy %lld, first %lld",
	    (long long)b, (long long)a);
	ck_assert_int_eq(itest_backup_on_hand(s2, tok2, item[2], &n), 3 * b);
	itest_stop(s2);
}
END_TEST

START_TEST(test_backup_bad_target)
{
	const char *argv[] = {"backup", "--db", itest_s->db, "--to",
	    "/nonexistent-dir/x/copy.db", NULL};
	const char *argv2[] = {"backup", "--db",
	    itest_f("%s/missing.db", itest_s->dir), "--to",
	    itest_f("%s/c.db", itest_s->dir), NULL};
	const char *out;
	int rc;

	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc > 0, "backup to a missing dir: exit %d", rc);
	ck_assert_msg(strlen(out) > 0, "backup failed without a message");
	rc = itest_cmd(argv2, &out);
	ck_assert_msg(rc > 0, "backup of a missing db: exit %d", rc);
	itest_ok("GET", "/healthz", NULL, NULL, 200);
}
END_TEST

START_TEST(test_verify_names_violations)
{
	const char *copy = itest_f("%s/t2.db", itest_s->dir);
	const char *argv[] = {
	    "backup", "--db", itest_s->db, "--to", copy, NULL};
	const char *out, *low;
	int64_t item, donor;
	char *p;

	item = itest_item_new(itest_admin, "rice", "grain", "", 100, 1, NULL);
	donor = itest_donor(itest_admin, "d", "individual");
	itest_donation(itest_admin, donor, itest_line(item, 4));
	ck_assert_int_eq(itest_cmd(argv, &out), 0);
	itest_backup_key(itest_s->db, copy);
	itest_verify(copy, 1, NULL);

	/* A lot whose cached on-hand no longer equals its movements. */
	itest_sql(copy, "UPDATE lots SET on_hand = on_hand + 5;");
	out = itest_verify(copy, 0, NULL);
	low = itest_f("%s", out);
	for (p = (char *)low; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	ck_assert_msg(strstr(low, "lot") != NULL,
	    "verify does not name the broken lot:\n%s", out);
	/* The live database is untouched and still verifies. */
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* `demo` builds a store that verifies and serves. */
START_TEST(test_demo_verifies)
{
	const char *db = itest_f("%s/demo.db", itest_s->dir);
	const char *argv[] = {"demo", "--db", db, NULL};
	const char *out;
	struct itest_srv *s2;
	int rc, st;
	cJSON *j;

	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "demo: exit %d: %s", rc, out);
	itest_verify(db, 1, NULL);
	s2 = itest_start(db);
	j = itest_req(s2, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	(void)j;
	itest_stop(s2);
	itest_verify(db, 1, NULL);
}
END_TEST

/* A database from a newer program is refused, with a clear message. */
START_TEST(test_newer_schema_refused)
{
	const char *copy = itest_f("%s/newer.db", itest_s->dir);
	const char *argv[] = {
	    "backup", "--db", itest_s->db, "--to", copy, NULL};
	const char *out, *cmd;
	char line[512];
	FILE *p;
	int rc = -1;

	ck_assert_int_eq(itest_cmd(argv, &out), 0);
	itest_sql(copy,
	    "INSERT INTO schema_migrations(version, name, "
	    "applied_at) VALUES (9999, 'from_the_future', 0);");
	cmd = itest_f("timeout 10 '%s' serve --db '%s' --listen 127.0.0.1:0 "
	              "</dev/null 2>&1; echo \"rc=$?\"",
	    itest_bin(), copy);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	out = "";
	while (fgets(line, sizeof line, p) != NULL) {
		if (strncmp(line, "rc=", 3) == 0)
			rc = atoi(line + 3);
		else
			out = itest_f("%s%s", out, line);
	}
	pclose(p);
	ck_assert_msg(rc != 124, "serve started on a newer schema:\n%s", out);
	ck_assert_msg(rc > 0, "serve on a newer schema: exit %d:\n%s", rc, out);
	ck_assert_msg(strstr(out, "newer") != NULL || strstr(out, "9999"),
	    "no clear message about the newer schema:\n%s", out);
	/* verify says so too. */
	itest_verify(copy, 0, NULL);
}
END_TEST

static Suite *
itest_backup_suite(void)
{
	Suite *s = suite_create("itest_backup");
	TCase *tc = itest_tcase("backup");

	tcase_add_test(tc, test_backup_during_writes);
	tcase_add_test(tc, test_backup_bad_target);
	tcase_add_test(tc, test_verify_names_violations);
	tcase_add_test(tc, test_demo_verifies);
	tcase_add_test(tc, test_newer_schema_refused);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_backup_suite());
}
