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

/* The screen once it shows want (or after 15 s), as text. */
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
	} while (strstr(buf, want) == NULL && itest_now() - t0 < 15);
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

/* cishan-pos in a fresh tmux server of cols x rows, printing to file
 * (or none). */
static void
start_ui_at(const char *printer, int cols, int rows)
{
	const char *bin =
	    getenv("CISHAN_POS") ? getenv("CISHAN_POS") : "build/cishan-pos";

	static int n;

	/* A fresh socket each time: the last tmux server may still be
	 * exiting after its only program quit, and a client that reaches
	 * a dying server fails with "server exited unexpectedly". */
	itest_f(
	    "%d", system(itest_f("tmux -L %s kill-server 2>/dev/null", sock)));
	snprintf(sock, sizeof(sock), "cishan-pos-ui-%d-%d", (int)getpid(), ++n);
	ck_assert_int_eq(
	    system(itest_f("tmux -L %s new-session -d -x %d -y %d "
	                   "'env LANG=C.UTF-8 %s --server http://127.0.0.1:%d "
	                   "--till T1 --scanner keyboard --printer %s "
	                   "--journal %s 2>>%s/pos.log'",
	        sock, cols, rows, bin, T.srv.port, printer, T.journal,
	        T.srv.dir)),
	    0);
	screen("用户名");
}

static void
start_ui(const char *printer)
{
	start_ui_at(printer, 100, 30);
}

/* At 80x24 every key is reachable: the hints keep confirm, the shift
 * and quit; F1 lists them all; F7 voids with a manager's own log-in. */
START_TEST(t_80x24_keys_and_void)
{
	const char *s;
	cJSON *d;
	int st;

	start_ui_at("none", 80, 24);
	keys("cashier Tab cashier-demo Enter");
	s = screen("请刷家庭卡");
	ck_assert_msg(strstr(s, "F10确认") && strstr(s, "F12交班") &&
	        strstr(s, "^X退出") && strstr(s, "F1帮助"),
	    "%s", s);
	keys("F1");
	s = screen("本帮助");
	ck_assert_msg(strstr(s, "F10    确认发放") &&
	        strstr(s, "F12    交班汇总") && strstr(s, "Ctrl-X 退出") &&
	        strstr(s, "F7     作废小票"),
	    "%s", s);
	keys("Enter");
	screen("请刷家庭卡");
	keys(itest_f("%s Enter", T.card));
	screen("积分余额 200");
	keys("6901234567151 Enter");
	screen("合计积分 4");
	keys("F10");
	s = screen("已发放");
	ck_assert_msg(strstr(s, "已发放") != NULL, "%s", s);
	ck_assert_int_eq(pos_itest_count(&T), 1);
	/* F7: the last receipt is filled in; a wrong password first. */
	keys("F7");
	s = screen("店长用户名");
	ck_assert_msg(strstr(s, "小票号: T1-000001") != NULL, "%s", s);
	keys("manager Enter wrong Enter 扫错 Enter");
	s = screen("店长用户名或密码错误");
	ck_assert_msg(strstr(s, "店长用户名或密码错误") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "wrong") == NULL, "%s", s);
	keys("F7 manager Enter manager-demo Enter 扫错商品 Enter");
	s = screen("已作废");
	ck_assert_msg(strstr(s, "已作废 T1-000001") != NULL, "%s", s);
	d = itest_req(&T.srv, "GET",
	    "/api/v1/distributions?receipt_no=T1-000001", T.manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(itest_items(d), 0), "voided")));
	keys("C-x");
}
END_TEST

/* The donation's id, then F6: a cashier is told who may; a manager's
 * receipt goes to the printer. */
START_TEST(t_donor_receipt_key)
{
	const char *s, *code, *bin = itest_f("%s/donor.bin", T.srv.dir);
	double t0;
	FILE *f;
	cJSON *d;
	int st;

	d = itest_req(
	    &T.srv, "GET", "/api/v1/donations/1", T.manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	code = itest_str(d, "receipt_code");
	f = fopen(bin, "w"); /* file: printers write to what is there */
	ck_assert_ptr_nonnull(f);
	fclose(f);
	start_ui(itest_f("file:%s", bin));
	keys("cashier Tab cashier-demo Enter");
	screen("请刷家庭卡");
	keys("F6");
	s = screen("先输入捐赠编号");
	ck_assert_msg(strstr(s, "先输入捐赠编号再按 F6") != NULL, "%s", s);
	keys("1 F6");
	s = screen("店长或管理员");
	ck_assert_msg(strstr(s, "需要店长或管理员登录") != NULL, "%s", s);
	ck_assert_msg(strstr(s, "F6捐赠") != NULL, "%s", s);
	keys("C-x");
	start_ui(itest_f("file:%s", bin));
	keys("manager Tab manager-demo Enter");
	screen("请刷家庭卡");
	keys("1 F6");
	s = screen(code);
	ck_assert_msg(
	    strstr(s, itest_f("打印捐赠收据 %s", code)) != NULL, "%s", s);
	t0 = itest_now();
	while (!itest_file_has(bin, code) && itest_now() - t0 < 15)
		usleep(50000);
	ck_assert_msg(itest_file_has(bin, code), "%s lacks %s", bin, code);
	keys("C-x");
}
END_TEST

/* The screen as escape sequences too (colours). */
static const char *
screen_sgr(void)
{
	static char buf[65536];
	FILE *f;
	size_t n;

	f = popen(itest_f("tmux -L %s capture-pane -e -p", sock), "r");
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	pclose(f);
	return buf;
}

/* Refusals and categories in Chinese, with the figures; a flagged line
 * in colour (red), at 80x24 and at 120x40. */
START_TEST(t_chinese_refusals_colour)
{
	const char *s;
	int big;

	for (big = 0; big < 2; big++) {
		start_ui_at("none", big ? 120 : 80, big ? 40 : 24);
		keys("cashier Tab cashier-demo Enter");
		screen("请刷家庭卡");
		keys(itest_f("%s Enter", T.card));
		s = screen("积分余额 200");
		ck_assert_msg(strstr(s, "类别 低保") != NULL, "%s", s);
		ck_assert_msg(strstr(s, "dibao") == NULL, "%s", s);
		keys("6901234567014 Enter");
		screen("合计积分 40");
		keys("6901234567014 Enter");
		s = screen("超限");
		ck_assert_msg(strstr(s, "超限") != NULL, "%s", s);
		ck_assert_msg(strstr(s, "limit_exceeded") == NULL, "%s", s);
		/* Red behind the flagged line (SGR 41). */
		ck_assert_msg(
		    strstr(screen_sgr(), "41m") != NULL, "%s", screen_sgr());
		keys("F10");
		s = screen("本月限 1");
		ck_assert_msg(
		    strstr(s, "金龙鱼大米 5kg：本月限 1，已领 0，本单 2") !=
		        NULL,
		    "%s", s);
		ck_assert_int_eq(pos_itest_count(&T), 0);
		ck_assert_msg(
		    strstr(s, "F10确认") && strstr(s, "^X退出"), "%s", s);
		keys("F8 C-x");
	}
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
	tcase_add_test(tc, t_donor_receipt_key);
	tcase_add_test(tc, t_80x24_keys_and_void);
	tcase_add_test(tc, t_chinese_refusals_colour);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
