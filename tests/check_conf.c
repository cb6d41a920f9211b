/*
 * Unit suite for common/conf.c: the lines of server.conf and pos.conf.
 * Good lines give their key and value; each kind of bad line is refused
 * with its file and line number, and stops the reading there.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "conf.h"

START_TEST(test_line_good)
{
	static const struct {
		const char *line, *key, *val;
	} good[] = {
	    {"listen = 127.0.0.1:8080", "listen", "127.0.0.1:8080"},
	    {"db=/var/lib/cishan/cishan.db", "db", "/var/lib/cishan/cishan.db"},
	    {"  \tcheckpoint-pages\t=  500  \r", "checkpoint-pages", "500"},
	    {"store = 慈善超市（南京东路店） 2", "store",
	        "慈善超市（南京东路店） 2"},
	    {"trusted-proxy = a=b", "trusted-proxy", "a=b"},
	    {"x = # not a comment", "x", "# not a comment"},
	};
	char buf[CONF_LINE_MAX], *k, *v;
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		snprintf(buf, sizeof buf, "%s", good[i].line);
		ck_assert_int_eq(conf_line(buf, &k, &v, &why), 1);
		ck_assert_str_eq(k, good[i].key);
		ck_assert_str_eq(v, good[i].val);
	}
}
END_TEST

START_TEST(test_line_skip)
{
	static const char *const skip[] = {
	    "", "   ", "\t\r", "# listen = 1", "   # comment = x"};
	char buf[CONF_LINE_MAX], *k = NULL, *v = NULL;
	const char *why = NULL;
	size_t i;

	for (i = 0; i < sizeof skip / sizeof skip[0]; i++) {
		snprintf(buf, sizeof buf, "%s", skip[i]);
		ck_assert_int_eq(conf_line(buf, &k, &v, &why), 0);
	}
	ck_assert_ptr_null(k);
}
END_TEST

START_TEST(test_line_bad)
{
	static const struct {
		const char *line, *why;
	} bad[] = {
	    {"listen 127.0.0.1:8080", "want key = value"},
	    {" = 5", "no key before ="},
	    {"Listen = x", "a key is lower-case letters, digits and -"},
	    {"--listen = x", "a key is the long option's name without --"},
	    {"check pages = 5", "a key is lower-case letters, digits and -"},
	    {"listen =   ", "no value after ="},
	    {"listen =", "no value after ="},
	    {"store = a\x01z", "a control character in the value"},
	};
	char buf[CONF_LINE_MAX], *k, *v;
	const char *why;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(buf, sizeof buf, "%s", bad[i].line);
		why = NULL;
		ck_assert_msg(conf_line(buf, &k, &v, &why) == -1, "taken: %s",
		    bad[i].line);
		ck_assert_ptr_nonnull(why);
		ck_assert_str_eq(why, bad[i].why);
	}
	/* Dashes inside a key are its words'. */
	snprintf(buf, sizeof buf, "a--b = 1");
	ck_assert_int_eq(conf_line(buf, &k, &v, &why), 1);
}
END_TEST

START_TEST(test_bool)
{
	ck_assert_int_eq(conf_bool("yes"), 1);
	ck_assert_int_eq(conf_bool("no"), 0);
	ck_assert_int_eq(conf_bool("Yes"), -1);
	ck_assert_int_eq(conf_bool("1"), -1);
	ck_assert_int_eq(conf_bool(""), -1);
}
END_TEST

/* What a test's setter saw: "key=value;" each; it refuses "bad" keys and
 * "port" values that are not digits. */
struct seen {
	char text[1024];
};

static int
check_conf_set(void *arg, const char *k, const char *v, char *why, size_t size)
{
	struct seen *s = arg;
	size_t n = strlen(s->text);

	if (strcmp(k, "bad") == 0) {
		snprintf(why, size, "unknown key %s", k);
		return -1;
	}
	if (strcmp(k, "port") == 0 && strspn(v, "0123456789") != strlen(v)) {
		snprintf(why, size, "port %s: not a number", v);
		return -1;
	}
	snprintf(s->text + n, sizeof s->text - n, "%s=%s;", k, v);
	return 0;
}

/* A temporary file holding LEN bytes of TEXT; its path (static). */
static const char *
check_conf_file(const char *text, size_t len)
{
	static char path[64];
	FILE *f;
	int fd;

	snprintf(path, sizeof path, "/tmp/check_conf.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return path;
}

/* Reads TEXT as a file: the return, the setter's record, the error
 * without the file's name ("LINE: why"). */
static int
check_conf_read(
    const char *text, size_t len, struct seen *s, char *err, size_t size)
{
	const char *path = check_conf_file(text, len);
	char e[512] = "", *buf = (char *)1;
	size_t plen = strlen(path);
	int rc;

	memset(s, 0, sizeof *s);
	rc = conf_read(path, check_conf_set, s, &buf, e, sizeof e);
	unlink(path);
	if (rc == 0) {
		ck_assert_ptr_nonnull(buf);
		free(buf);
		err[0] = '\0';
		return 0;
	}
	ck_assert_ptr_null(buf);
	ck_assert_msg(strncmp(e, path, plen) == 0 && e[plen] == ':',
	    "error without the file's name: %s", e);
	snprintf(err, size, "%s", e + plen + 1);
	return rc;
}

#define READ(t, s, e) check_conf_read(t, sizeof(t) - 1, s, e, sizeof(e))

START_TEST(test_read_good)
{
	struct seen s;
	char err[512];

	ck_assert_int_eq(READ("# server.conf\n\nlisten = 0.0.0.0:8080\n"
	                      "  port = 80\r\nstore = 慈善超市\n# end\n",
	                     &s, err),
	    0);
	ck_assert_str_eq(s.text, "listen=0.0.0.0:8080;port=80;store=慈善超市;");
	/* No newline at the end; an empty file. */
	ck_assert_int_eq(READ("a = 1\nb = 2", &s, err), 0);
	ck_assert_str_eq(s.text, "a=1;b=2;");
	ck_assert_int_eq(READ("", &s, err), 0);
	ck_assert_str_eq(s.text, "");
}
END_TEST

START_TEST(test_read_bad)
{
	static const struct {
		const char *text, *err, *seen;
	} bad[] = {
	    {"a = 1\nlisten\nb = 2\n", "2: want key = value", "a=1;"},
	    {"a = 1\n\n# c\nbad = 3\n", "4: unknown key bad", "a=1;"},
	    {"port = 8O8O\n", "1: port 8O8O: not a number", ""},
	    {"a = 1\nb = \n", "2: no value after =", "a=1;"},
	    {"a = 1\nb = 2\na = 3\n", "3: a is set twice", "a=1;b=2;"},
	    {"A = 1\n", "1: a key is lower-case letters, digits and -", ""},
	};
	struct seen s;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_int_eq(check_conf_read(bad[i].text,
		                     strlen(bad[i].text), &s, err, sizeof err),
		    -1);
		ck_assert_str_eq(err, bad[i].err);
		ck_assert_str_eq(s.text, bad[i].seen);
	}
}
END_TEST

/* A line of exactly the limit (its newline included) is read; one more
 * byte is refused, with its number. */
START_TEST(test_read_long)
{
	char *text = malloc(3 * CONF_LINE_MAX);
	struct seen s;
	char err[512];
	size_t n;

	ck_assert_ptr_nonnull(text);
	n = (size_t)snprintf(text, 3 * CONF_LINE_MAX, "a = 1\nb = ");
	memset(text + n, 'x', CONF_LINE_MAX - 5);
	n += CONF_LINE_MAX - 5;
	text[n++] = '\n';
	ck_assert_int_eq(check_conf_read(text, n, &s, err, sizeof err), 0);
	text[n - 1] = 'x';
	text[n++] = '\n';
	ck_assert_int_eq(check_conf_read(text, n, &s, err, sizeof err), -1);
	ck_assert_str_eq(err, "2: line too long");
	ck_assert_str_eq(s.text, "a=1;");
	free(text);
}
END_TEST

START_TEST(test_read_nul_and_size)
{
	static const char nul[] = "a = 1\nb = x\0y\n";
	char *big = malloc(CONF_FILE_MAX + 2);
	struct seen s;
	char err[512], *buf = NULL;

	ck_assert_int_eq(
	    check_conf_read(nul, sizeof nul - 1, &s, err, sizeof err), -1);
	ck_assert_str_eq(err, "2: a NUL byte in the line");
	/* A file over the limit (comments) is refused whole. */
	ck_assert_ptr_nonnull(big);
	memset(big, '\n', CONF_FILE_MAX + 1);
	big[0] = '#';
	ck_assert_int_eq(
	    check_conf_read(big, CONF_FILE_MAX + 1, &s, err, sizeof err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than"));
	free(big);
	/* A missing file: its name and why. */
	ck_assert_int_eq(conf_read("/nonexistent/x.conf", check_conf_set, &s,
	                     &buf, err, sizeof err),
	    -1);
	ck_assert_str_eq(err, "/nonexistent/x.conf: No such file or directory");
	ck_assert_ptr_null(buf);
}
END_TEST

static Suite *
check_conf_suite(void)
{
	Suite *s = suite_create("check_conf");
	TCase *tc = tcase_create("conf");

	tcase_add_test(tc, test_line_good);
	tcase_add_test(tc, test_line_skip);
	tcase_add_test(tc, test_line_bad);
	tcase_add_test(tc, test_bool);
	tcase_add_test(tc, test_read_good);
	tcase_add_test(tc, test_read_bad);
	tcase_add_test(tc, test_read_long);
	tcase_add_test(tc, test_read_nul_and_size);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(check_conf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
