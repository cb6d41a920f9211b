/*
 * server.conf and pos.conf (docs/config.md): the real server started from
 * a config file alone answers; a flag wins over the file; each bad line
 * is refused with FILE:LINE and exit 2, and nothing starts. The till's
 * file likewise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

/* This test's directory, holding a store (t.db) that no server serves. */
static char cf_dir[512];
static char cf_db[600];

static void
cf_setup(void)
{
	const char *base = getenv("ITEST_TMPDIR");
	const char *argv[] = {
	    "init", "--db", cf_db, "--admin", ITEST_ADMIN, NULL};
	const char *out;
	int rc;

	snprintf(cf_dir, sizeof cf_dir, "%s/itest-conf.XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(cf_dir));
	snprintf(cf_db, sizeof cf_db, "%s/t.db", cf_dir);
	setenv("CISHAN_ADMIN_PASSWORD", ITEST_ADMIN_PASS, 1);
	rc = itest_cmd(argv, &out);
	ck_assert_msg(rc == 0, "init: exit %d: %s", rc, out);
}

static void
cf_teardown(void)
{
	itest_remove_dir(cf_dir);
}

/* A file NAME in the test's directory holding TEXT; its path. */
static const char *
cf_file(const char *name, const char *text)
{
	const char *path = itest_f("%s/%s", cf_dir, name);
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_ge(fputs(text, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* The settings every server here takes, and EXTRA lines after them. */
static const char *
cf_server_conf(const char *db, const char *listen, const char *extra)
{
	return itest_f("# cishan-server, as etc/server.conf\n\n"
	               "db = %s\n"
	               "listen = %s\n"
	               "checkpoint-pages = 200\n"
	               "auto-grant = no\n"
	               "max-connections = 64\n"
	               "max-per-address = 32\n"
	               "request-timeout = 20\n"
	               "card-lookups = 30\n"
	               "reserve-mib = 1\n"
	               "%s",
	    db, listen, extra);
}

START_TEST(test_serve_from_file)
{
	const char *conf = cf_file("server.conf",
	    cf_server_conf(cf_db, "127.0.0.1:0", "plain-http = no\n"));
	const char *args[] = {"--config", conf, NULL};
	struct itest_srv *s = itest_start_bare(cf_db, args);
	const char *tok;
	int st;

	itest_req(s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	tok = itest_login(s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	itest_req(s, "GET", "/api/v1/items", tok, NULL, &st);
	ck_assert_int_eq(st, 200);
	itest_stop(s);
	itest_verify(cf_db, 1, NULL);
}
END_TEST

/* The file names a database and an address that do not work; the flags
 * given beside it win, and the server serves. */
START_TEST(test_flag_wins)
{
	const char *conf = cf_file("server.conf",
	    cf_server_conf(
	        itest_f("%s/missing.db", cf_dir), "256.1.1.1:0", ""));
	const char *args[] = {
	    "--config", conf, "--db", cf_db, "--listen", "127.0.0.1:0", NULL};
	const char *alone[] = {"serve", "--config", conf, NULL};
	struct itest_srv *s;
	const char *out;
	int st, rc;

	/* The file alone: its database is used, and is missing. */
	rc = itest_cmd(alone, &out);
	ck_assert_msg(rc == 1, "serve from the file: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "missing.db: no such database") != NULL,
	    "not the file's database: %s", out);

	s = itest_start_bare(cf_db, args);
	itest_req(s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	itest_stop(s);
	/* The --config=FILE spelling, and verify reading the file's db. */
	conf = cf_file("v.conf", itest_f("db = %s\n", cf_db));
	{
		const char *v[] = {
		    "verify", itest_f("--config=%s", conf), "--quiet", NULL};

		rc = itest_cmd(v, &out);
		ck_assert_msg(rc == 0, "verify from the file: %d: %s", rc, out);
	}
}
END_TEST

/*
 * Each bad line: exit 2, "FILE:LINE: why" on stderr, and no server (the
 * file's database does not exist, so one that started anyway would say
 * so and exit 1).
 */
START_TEST(test_bad_lines)
{
	static const struct {
		const char *extra;
		int line; /* the extra lines' first is line 5 */
		const char *why;
	} bad[] = {
	    {"listen-port = 8080\n", 5, "unknown key listen-port"},
	    {"\nauto-grant\n", 6, "want key = value"},
	    {"checkpoint-pages = 5OO\n", 5,
	        "checkpoint-pages 5OO: not a number"},
	    {"max-connections = 0\n", 5, "max-connections 0: not a number"},
	    {"auto-grant = true\n", 5, "auto-grant true: yes or no"},
	    {"# again\nlisten = 127.0.0.1:9\n", 6, "listen is set twice"},
	    {"admin = root\n", 5, "unknown key admin"},
	    {"--db = x\n", 5, "a key is the long option's name without --"},
	    {"reserve-mib = -1\n", 5, "reserve-mib -1: not a number"},
	};
	char longline[700];
	const char *conf, *out, *missing = itest_f("%s/none.db", cf_dir);
	size_t i;
	int rc;

	for (i = 0; i <= sizeof bad / sizeof bad[0]; i++) {
		const char *extra, *want;

		if (i < sizeof bad / sizeof bad[0]) {
			extra = bad[i].extra;
			want = itest_f("%d: %s", bad[i].line, bad[i].why);
		} else {
			/* An over-long line. */
			memset(longline, 'x', sizeof longline);
			memcpy(longline, "trusted-proxy = ", 16);
			longline[sizeof longline - 2] = '\n';
			longline[sizeof longline - 1] = '\0';
			extra = longline;
			want = "5: line too long";
		}
		conf = cf_file("bad.conf",
		    itest_f("# bad\n\ndb = %s\nlisten = 127.0.0.1:0\n%s",
		        missing, extra));
		{
			const char *argv[] = {"serve", "--config", conf, NULL};

			rc = itest_cmd(argv, &out);
		}
		ck_assert_msg(rc == 2, "case %zu: exit %d: %s", i, rc, out);
		ck_assert_msg(
		    strstr(out, itest_f("cishan-server: %s:", conf)) != NULL &&
		        strstr(out, want) != NULL,
		    "case %zu: want %s:%s, got %s", i, conf, want, out);
		ck_assert_msg(strstr(out, "no such database") == NULL,
		    "case %zu: the server went on: %s", i, out);
	}
	/* A missing file is refused too. */
	{
		const char *argv[] = {
		    "serve", "--config", itest_f("%s/no.conf", cf_dir), NULL};

		rc = itest_cmd(argv, &out);
		ck_assert_msg(rc == 2 && strstr(out, "no.conf: No such file"),
		    "missing config: exit %d: %s", rc, out);
	}
}
END_TEST

/* cishan-pos ARGS (shell words, no quoting needed); its exit status and
 * its output. */
static int
cf_pos(const char *args, const char **out)
{
	char line[1024];
	const char *acc = "";
	FILE *p;
	int st;

	p = popen(
	    itest_f("'%s' %s </dev/null 2>&1", itest_pos_bin(), args), "r");
	ck_assert_ptr_nonnull(p);
	while (fgets(line, sizeof line, p) != NULL)
		acc = itest_f("%s%s", acc, line);
	st = pclose(p);
	*out = acc;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

START_TEST(test_pos_file)
{
	const char *good = "# pos.conf\nserver = http://127.0.0.1:1\n"
	                   "till = T1\nscanner = none\nprinter = none\n"
	                   "profile = generic58\nstore = 慈善超市\n"
	                   "offline-cap = 200\nprobe = 1000\n"
	                   "lang = zh\nenglish = no\n";
	const char *conf, *out;
	int rc;

	/* A good file: the till reads it and gets as far as its journal,
	 * here listing its (no) conflicts. */
	conf = cf_file(
	    "pos.conf", itest_f("%sjournal = %s/pos-T1.db\n", good, cf_dir));
	rc = cf_pos(itest_f("--config %s --list-conflicts", conf), &out);
	ck_assert_msg(rc == 0, "pos with a good file: exit %d: %s", rc, out);

	conf = cf_file("pos-bad.conf", itest_f("%stimeout = 5\n", good));
	rc = cf_pos(itest_f("--config %s", conf), &out);
	ck_assert_msg(rc == 2, "bad timeout: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out,
	                  itest_f("cishan-pos: %s:12: timeout wants "
	                          "a number 100..60000, not 5",
	                      conf)) != NULL,
	    "no file:line: %s", out);

	conf = cf_file("pos-bad.conf", itest_f("%sprinter usb\n", good));
	rc = cf_pos(itest_f("--config %s", conf), &out);
	ck_assert_msg(rc == 2 &&
	        strstr(out, itest_f("%s:12: want key = value", conf)) != NULL,
	    "missing =: exit %d: %s", rc, out);

	conf = cf_file("pos-bad.conf", itest_f("%sserver-url = x\n", good));
	rc = cf_pos(itest_f("--config %s", conf), &out);
	ck_assert_msg(rc == 2 &&
	        strstr(out,
	            itest_f("%s:12: unknown key "
	                    "server-url",
	                conf)) != NULL,
	    "unknown key: exit %d: %s", rc, out);

	/* A flag wins over the file: here its journal's. */
	conf = cf_file(
	    "pos.conf", itest_f("%sjournal = /nonexistent/dir/pos.db\n", good));
	rc = cf_pos(itest_f("--config %s --journal %s/j2.db --list-conflicts",
	                conf, cf_dir),
	    &out);
	ck_assert_msg(rc == 0, "flag over the file: exit %d: %s", rc, out);
	ck_assert_msg(access(itest_f("%s/j2.db", cf_dir), F_OK) == 0,
	    "the flag's journal was not used: %s", out);
}
END_TEST

/* The shipped examples (etc/, run from the top directory) are good
 * files: each program starts from them, with the machine's paths given
 * as flags. */
START_TEST(test_examples)
{
	const char *args[] = {"--config", "etc/server.conf", "--db", cf_db,
	    "--listen", "127.0.0.1:0", NULL};
	struct itest_srv *s;
	const char *out;
	int st, rc;

	ck_assert_msg(access("etc/server.conf", R_OK) == 0 &&
	        access("etc/pos.conf", R_OK) == 0,
	    "run from the top directory: no etc/server.conf, etc/pos.conf");
	s = itest_start_bare(cf_db, args);
	itest_req(s, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	itest_stop(s);
	rc = cf_pos(itest_f("--config etc/pos.conf --journal %s/e.db "
	                    "--list-conflicts",
	                cf_dir),
	    &out);
	ck_assert_msg(rc == 0, "pos from etc/pos.conf: exit %d: %s", rc, out);
}
END_TEST

/*
 * store-name and public-address: set at start-up (audited as the
 * configuration's), then fixed: the API may not change them while the
 * file says otherwise; without them the store's own values are free.
 * A bad value stops the server before it listens.
 */
START_TEST(test_store_fixed)
{
	const char *conf = cf_file("store.conf",
	    cf_server_conf(cf_db, "127.0.0.1:0",
	        "store-name = 慈善超市（梅陇店）\n"
	        "public-address = https://cishan.example.org\n"));
	const char *args[] = {"--config", conf, NULL};
	const char *plain[] = {"--db", cf_db, "--listen", "127.0.0.1:0", NULL};
	const char *bad[] = {"serve", "--config", conf, "--public-address",
	    "javascript:alert(1)", NULL};
	struct itest_srv *s;
	const char *tok, *out;
	const cJSON *a;
	cJSON *j;
	int rc, i, n;

	for (i = 0; i < 2; i++) { /* the second start changes nothing */
		s = itest_start_bare(cf_db, args);
		itest_s = s;
		tok = itest_login(s, ITEST_ADMIN, ITEST_ADMIN_PASS);
		j = itest_ok("GET", "/api/v1/store", tok, NULL, 200);
		ck_assert_str_eq(itest_str(j, "name"), "慈善超市（梅陇店）");
		ck_assert_str_eq(itest_str(j, "public_address"),
		    "https://cishan.example.org");
		/* Written once, by the configuration, at the first start. */
		j = itest_ok("GET", "/api/v1/audit?action=update&limit=500",
		    tok, NULL, 200);
		n = 0;
		cJSON_ArrayForEach(a, itest_items(j))
		{
			if (strcmp(itest_str(a, "username"), "config") == 0)
				n++;
		}
		ck_assert_int_eq(n, 1);
		itest_refused("PATCH", "/api/v1/store", tok,
		    "{'name':'别的名字'}", 409, "set_in_config", "name");
		itest_refused("PATCH", "/api/v1/store", tok,
		    "{'public_address':'https://other.example.org'}", 409,
		    "set_in_config", "public_address");
		/* The value the file says is no change. */
		itest_ok("PATCH", "/api/v1/store", tok,
		    "{'name':'慈善超市（梅陇店）'}", 200);
		itest_stop(s);
		itest_s = NULL;
	}
	/* Without them, the store's own values stand and may change. */
	s = itest_start_bare(cf_db, plain);
	itest_s = s;
	tok = itest_login(s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_ok("PATCH", "/api/v1/store", tok, "{'name':'别的名字'}", 200);
	ck_assert_str_eq(itest_str(j, "name"), "别的名字");
	ck_assert_str_eq(
	    itest_str(j, "public_address"), "https://cishan.example.org");
	itest_stop(s);
	itest_s = NULL;
	/* A bad address: a clear message, exit 2, nothing written. */
	rc = itest_cmd(bad, &out);
	ck_assert_msg(rc == 2, "bad public-address: exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, "public-address javascript:alert(1)") != NULL,
	    "%s", out);
}
END_TEST

static Suite *
itest_config_suite(void)
{
	Suite *s = suite_create("itest_config");
	TCase *tc = itest_tcase_with("config", cf_setup, cf_teardown);

	tcase_add_test(tc, test_serve_from_file);
	tcase_add_test(tc, test_flag_wins);
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_pos_file);
	tcase_add_test(tc, test_examples);
	tcase_add_test(tc, test_store_fixed);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_config_suite());
}
