/*
 * itest_pos_ui: the real terminal UI under tmux (a private socket):
 * keys in with send-keys, the screen out with capture-pane, Chinese
 * included, against the real server.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pos_itest.h"

static struct pos_itest T;
static char sock[64];

static void
setup(void)
{
	pos_itest_store(&T);
	snprintf(sock, sizeof(sock), "cishan-pos-ui-%d", (int)getpid());
}

static void
teardown(void)
{
	itest_f(
	    "%d", system(itest_f("tmux -L %s kill-server 2>/dev/null", sock)));
	pos_itest_done(&T);
}

static void
keys(const char *k)
{
	ck_assert_int_eq(
	    system(itest_f("tmux -L %s send-keys %s", sock, k)), 0);
}

/* The screen once it shows want (or after 5 s), as text. */
static const char *
screen(const char *want)
{
	static char buf[16384];
	double t0 = itest_now();
	FILE *f;
	size_t n;

	do {
		usleep(50000);
		f = popen(itest_f("tmux -L %s capture-pane -p", sock), "r");
		ck_assert_ptr_nonnull(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		pclose(f);
	} while (strstr(buf, want) == NULL && itest_now() - t0 < 5);
	return buf;
}

START_TEST(t_cashier_sees)
{
	const char *bin =
	    getenv("CISHAN_POS") ? getenv("CISHAN_POS") : "build/cishan-pos";
	const char *s;
	int rc;

	rc = system(itest_f("tmux -L %s new-session -d -x 100 -y 30 "
	                    "'env LANG=C.UTF-8 %s --server http://127.0.0.1:%d "
	                    "--till T1 --scanner keyboard --printer none "
	                    "--journal %s 2>>%s/pos.log'",
	    sock, bin, T.srv.port, T.journal, T.srv.dir));
	ck_assert_int_eq(rc, 0);
	s = screen("用户名");
	ck_assert_msg(strstr(s, "请登录") != NULL, "%s", s);
	keys("cashier Tab cashier-demo Enter");
	s = screen("请刷家庭卡");
	ck_assert_msg(
	    strstr(s, "收银员 cashier") && strstr(s, "[在线]"), "%s", s);
	keys(itest_f("%s Enter", T.card));
	s = screen("积分余额 200");
	ck_assert_msg(strstr(s, "王*红") != NULL, "%s", s);
	keys("6901234567151 Enter 6901234567151 Enter");
	s = screen("合计积分 8");
	ck_assert_msg(strstr(s, "舒肤佳香皂") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "结余 192") != NULL, "%s", s);
	keys("3 F2"); /* quantity of the selected line */
	s = screen("合计积分 12");
	ck_assert_msg(strstr(s, "合计积分 12") != NULL, "%s", s);
	keys("F10");
	s = screen("已发放");
	ck_assert_msg(strstr(s, "余额 188") != NULL, "%s", s);
	ck_assert_int_eq(pos_itest_count(&T), 1);
	keys("C-x");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_ui");
	TCase *tc = tcase_create("tmux");

	if (system("tmux -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "itest_pos_ui: tmux missing (make deps)\n");
		return 77; /* skipped, and said so */
	}
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_cashier_sees);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
