/*
 * itest_pos_shift: the real cishan-pos (--script -) against the real
 * server through a cashier's shift: a void at the till, authorised by a
 * manager's own name and password typed there (a wrong password, a
 * cashier's, the right one; no manager session left behind), with its
 * void slip on a file printer.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pos_itest.h"

/* The harness's till and store (pos_itest_paper_tcase). */
static struct pos_itest *const T = &pos_itest_till;

#define RICE "6901234567014" /* 40 points, limit 1 a month */
#define OIL  "6901234567038" /* 45 points, limit 1 */
#define SOAP "6901234567151" /* 4 points, limit 3 */

/* Sessions of the manager not ended (the harness holds one). */
static int64_t
manager_sessions(void)
{
	return itest_sql_int(T->srv.db,
	    "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE u.username = 'manager' AND s.revoked = 0");
}

static int
voided(void)
{
	cJSON *d;
	int st;

	d = itest_req(&T->srv, "GET",
	    "/api/v1/distributions?receipt_no=T1-000001", T->manager, NULL,
	    &st);
	ck_assert_int_eq(st, 200);
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetArrayItem(itest_items(d), 0), "voided"));
}

START_TEST(t_void_at_the_till)
{
	int64_t sessions = manager_sessions();
	const char *slip;
	cJSON *s, *hh;
	int st;

	pos_itest_start_paper(T);
	pos_itest_cmd(T, "login cashier cashier-demo");
	pos_itest_cmd(T, "scan %s", T->card);
	pos_itest_cmd(T, "scan %s", RICE);
	s = pos_itest_cmd(T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "confirmed"), "%s", itest_text(s));
	ck_assert_str_eq(pos_itest_str(s, "receipt"), "T1-000001");
	/* A wrong password: nothing voided, nobody logged in. */
	s = pos_itest_cmd(T, "void T1-000001 manager wrong-password 扫错");
	ck_assert_msg(
	    pos_itest_msg(s, "bad_manager_login"), "%s", itest_text(s));
	ck_assert(!voided());
	/* A cashier cannot authorise it; the session it opened is ended. */
	s = pos_itest_cmd(T, "void T1-000001 cashier cashier-demo 扫错");
	ck_assert_msg(pos_itest_msg(s, "not_manager"), "%s", itest_text(s));
	ck_assert(!voided());
	s = pos_itest_cmd(T, "void T1-000001 manager manager-demo");
	ck_assert_msg(pos_itest_msg(s, "bad_void"), "%s", itest_text(s));
	s = pos_itest_cmd(T, "void T1-999999 manager manager-demo 扫错");
	ck_assert_msg(pos_itest_msg(s, "unknown_receipt"), "%s", itest_text(s));
	/* The manager's own name and password: voided, with its slip. */
	s = pos_itest_cmd(
	    T, "void T1-000001 manager manager-demo 收银员扫错商品 重新发放");
	ck_assert_msg(pos_itest_msg(s, "voided"), "%s", itest_text(s));
	ck_assert(voided());
	ck_assert_int_eq(manager_sessions(), sessions);
	hh = itest_req(&T->srv, "GET",
	    itest_f("/api/v1/households/by-card/%s", T->card), T->manager, NULL,
	    &st);
	ck_assert_int_eq(itest_int(hh, "points"), 200);
	s = pos_itest_cmd(T, "void T1-000001 manager manager-demo 又一次");
	ck_assert_msg(pos_itest_msg(s, "already_voided"), "%s", itest_text(s));
	ck_assert_int_eq(manager_sessions(), sessions);
	ck_assert_int_eq(pos_itest_end(T), 0);
	/* The slip (GBK): 作废凭证, the receipt, the manager, the reason. */
	slip = T->paper + 5;
	ck_assert(itest_file_has(slip, "\xd7\xf7\xb7\xcf")); /* 作废 */
	ck_assert(itest_file_has(slip, "manager\n"));
	ck_assert(itest_file_has(slip, "T1-000001\n"));
	ck_assert_int_eq(itest_sql_int(T->srv.db,
	                     "SELECT count(*) FROM audit a JOIN users u ON "
	                     "u.id = a.user_id WHERE a.action = 'void' AND "
	                     "u.username = 'manager'"),
	    1);
}
END_TEST

static const cJSON *
msg(const cJSON *s, const char *code)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(s, "messages"))
	{
		if (strcmp(pos_itest_str(m, "code"), code) == 0)
			return m;
	}
	return NULL;
}

/* The shift's totals are net of its voids; a basket refused on replay
 * (its goods left) is shown apart, not in them. */
START_TEST(t_shift_summary_apart)
{
	const cJSON *m;
	cJSON *s;
	int st;

	pos_itest_start_paper(T);
	pos_itest_cmd(T, "login cashier cashier-demo");
	pos_itest_cmd(T, "scan %s", T->card);
	pos_itest_cmd(T, "scan %s", RICE);
	pos_itest_cmd(T, "confirm"); /* T1-000001, 40 */
	pos_itest_cmd(T, "scan %s", T->card);
	pos_itest_cmd(T, "scan %s", SOAP);
	pos_itest_cmd(T, "confirm"); /* T1-000002, 4 */
	s = pos_itest_cmd(T, "void T1-000001 manager manager-demo 扫错");
	ck_assert_msg(pos_itest_msg(s, "voided"), "%s", itest_text(s));
	/* Offline, oil; meanwhile another till gives the household oil. */
	pos_itest_kill(T);
	pos_itest_cmd(T, "scan %s", T->card);
	pos_itest_cmd(T, "scan %s", OIL);
	s = pos_itest_cmd(T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	pos_itest_cmd(T, "scan %s", T->card);
	pos_itest_cmd(T, "scan %s", SOAP);
	s = pos_itest_cmd(T, "confirm"); /* L-T1-4, posted on replay */
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	pos_itest_serve(T);
	itest_req(&T->srv, "POST", "/api/v1/distributions", T->manager,
	    itest_f("{'client_id':'%s','till_id':'T2','household_card':'%s',"
	            "'lines':[{'barcode':'%s','quantity':1}]}",
	        itest_uuid(), T->card, OIL),
	    &st);
	ck_assert_int_eq(st, 201);
	pos_itest_cmd(T, "scan %s", T->card);
	s = pos_itest_until(T, pos_itest_nothing_pending, 10);
	ck_assert_msg(pos_itest_nothing_pending(s), "%s", itest_text(s));
	pos_itest_cmd(T, "cancel");
	s = pos_itest_cmd(T, "shift");
	m = msg(s, "shift");
	ck_assert_msg(m != NULL, "%s", itest_text(s));
	ck_assert_str_eq(pos_itest_str(m, "text"),
	    "本班发放笔数 2, 积分 8, 物品件数 2; 作废 1, 离线被拒 1");
	ck_assert_int_eq(pos_itest_end(T), 0);
	/* On paper (GBK): 作废笔数 1, 离线被拒笔数 1. */
	ck_assert(itest_file_has(T->paper + 5,
	    "\xd7\xf7\xb7\xcf\xb1\xca\xca\xfd                       1\n"));
	ck_assert(itest_file_has(T->paper + 5,
	    "\xc0\xeb\xcf\xdf\xb1\xbb\xbe\xdc\xb1\xca\xca\xfd"
	    "                   1\n"));
	/* Its offline receipts: the local number beside the server's. */
	ck_assert(itest_file_has(T->paper + 5, "L-T1-4 \xa1\xfa T1-000003\n"));
	ck_assert(
	    itest_file_has(T->paper + 5, "L-T1-3 \xa1\xfa \xb1\xbb\xbe\xdc"));
}
END_TEST

/* file: makes a spool that is not there, appends to one that is, and
 * never makes anything under /dev; a failure names the system's reason. */
START_TEST(t_file_printer_spool)
{
	const char *spool = itest_f("%s/spool.bin", T->srv.dir);
	const char *fargs[] = {"--scanner", "none", "--printer",
	    itest_f("file:%s", spool), "--probe", "600000", NULL};
	const char *bin =
	    getenv("CISHAN_POS") ? getenv("CISHAN_POS") : "build/cishan-pos";
	const char *out = itest_f("%s/err.txt", T->srv.dir);
	FILE *f;
	int rc;

	ck_assert_int_ne(access(spool, F_OK), 0);
	pos_itest_start(T, fargs);
	pos_itest_cmd(T, "shift");
	ck_assert_int_eq(pos_itest_end(T), 0);
	ck_assert(itest_file_has(spool, "T1"));
	/* Appended to: what was there stays first. */
	f = fopen(spool, "w");
	ck_assert_ptr_nonnull(f);
	fputs("KEEP-ME", f);
	fclose(f);
	pos_itest_start(T, fargs);
	pos_itest_cmd(T, "shift");
	ck_assert_int_eq(pos_itest_end(T), 0);
	f = fopen(spool, "r");
	ck_assert_ptr_nonnull(f);
	{
		char head[8] = "";

		ck_assert_int_eq(fread(head, 1, 7, f), 7);
		ck_assert_str_eq(head, "KEEP-ME");
	}
	fclose(f);
	ck_assert(itest_file_has(spool, "T1"));
	/* Under /dev: refused, nothing made, errno named. */
	rc = system(itest_f("%s --server http://127.0.0.1:%d --till T1 "
	                    "--scanner none --printer file:/dev/cishan-no-such "
	                    "--journal %s --script /dev/null 2>%s",
	    bin, T->srv.port, T->journal, out));
	ck_assert_int_ne(rc, 0);
	ck_assert_int_ne(access("/dev/cishan-no-such", F_OK), 0);
	ck_assert_msg(itest_file_has(out, "No such file or directory"), "%s",
	    itest_slurp(out));
	ck_assert(!itest_file_has(out, "profile"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_shift");
	TCase *tc = pos_itest_paper_tcase("shift");

	tcase_add_test(tc, t_void_at_the_till);
	tcase_add_test(tc, t_shift_summary_apart);
	tcase_add_test(tc, t_file_printer_spool);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
