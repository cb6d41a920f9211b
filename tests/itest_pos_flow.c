/*
 * itest_pos_flow: the real cishan-pos, driven by --script -, against the
 * real server (demo store, port 0) and emulated USB devices (usbemu):
 * a redemption to the exact receipt bytes, refusals, the server killed
 * mid-basket and replayed once, a replay conflict, paper out, scanner
 * unplugged, a donor receipt (goods, cash; a cashier refused).  Run under
 * libumockdev-preload (exit 77 without it).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "drivers.h"
#include "pos_itest.h"
#include "usbemu.h"

#define RICE  "6901234567014" /* 40 points, limit 1 a month */
#define FLOUR "6901234567021" /* 18 points, limit 2 */
#define OIL   "6901234567038" /* 45 points, limit 1 */
#define MILK  "6901234567106" /* 150 points, priority households only */
#define SOAP  "6901234567151" /* 4 points, limit 3 */

static struct pos_itest T;

static const char *const usb_args[] = {
    "--scanner", "usb", "--printer", "usb", "--probe", "200", NULL};

static void
setup(void)
{
	pos_itest_store_usb(&T, 1);
}

static void
teardown(void)
{
	pos_itest_done(&T);
}

static int
nlines(const cJSON *s)
{
	return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "lines"));
}

static int
has_household(const cJSON *s)
{
	return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(s, "household"));
}
static int
two_lines(const cJSON *s)
{
	return nlines(s) == 2;
}
static int
three_lines(const cJSON *s)
{
	return nlines(s) == 3;
}
static int
is_scanner_detached(const cJSON *s)
{
	return strcmp(pos_itest_str(s, "scanner"), "detached") == 0;
}
static int
is_scanner_attached(const cJSON *s)
{
	return strcmp(pos_itest_str(s, "scanner"), "attached") == 0;
}

static size_t
count_mem(const uint8_t *b, size_t n, const char *s)
{
	size_t k = strlen(s), c = 0;
	const uint8_t *p = b;

	while ((p = memmem(p, n - (size_t)(p - b), s, k)) != NULL) {
		c++;
		p += k;
	}
	return c;
}

/* The receipt, spelled out line by line: the layout is the spec. */
static struct escpos *
expected_receipt(const char *receipt_no, const char *when, const char *card)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	char masked[64], cardline[128];

	snprintf(masked, sizeof(masked), "%.2s%.*s%s", card,
	    (int)strlen(card) - 6, "****************", card + strlen(card) - 4);
	escpos_init(e);
	escpos_align(e, ESCPOS_CENTER);
	escpos_size(e, 2, 2);
	escpos_line(e, "慈善超市");
	escpos_size(e, 1, 1);
	escpos_align(e, ESCPOS_LEFT);
	escpos_line(e, "收银台 T1          收银员 张收银");
	escpos_line(e, itest_f("小票号%*s", 32 - 6, receipt_no));
	escpos_line(e, itest_f("时间%*s", 32 - 4, when));
	snprintf(cardline, sizeof(cardline), "家庭卡%*s", 32 - 6, masked);
	escpos_line(e, cardline);
	escpos_line(e, "--------------------------------");
	escpos_line(e, "物品 x 数量                 积分");
	escpos_line(e, "金龙鱼大米 5kg x1             40");
	escpos_line(e, "福临门面粉 2.5kg x2           36");
	escpos_line(e, "--------------------------------");
	escpos_bold(e, 1);
	escpos_line(e, "合计积分                      76");
	escpos_bold(e, 0);
	escpos_line(e, "剩余积分                     124");
	escpos_line(e, "--------------------------------");
	escpos_line(e, "本月限量剩余");
	escpos_line(e, "金龙鱼大米 5kg                 0");
	escpos_line(e, "福临门面粉 2.5kg               0");
	escpos_line(e, "--------------------------------");
	escpos_align(e, ESCPOS_CENTER);
	escpos_qr(e, receipt_no, 6, 'M');
	escpos_line(e, receipt_no);
	escpos_line(e, "感谢您的光临，祝您生活愉快");
	escpos_align(e, ESCPOS_LEFT);
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
	ck_assert_int_eq(escpos_error(e), 0);
	return e;
}

START_TEST(t_redemption_exact_receipt)
{
	cJSON *s, *list, *d, *hh;
	const uint8_t *want;
	uint8_t *got;
	size_t nwant, ngot;
	char when[20];
	struct escpos *e;
	int st;

	pos_itest_start(&T, usb_args);
	s = pos_itest_cmd(&T, "login cashier cashier-demo");
	ck_assert_str_eq(pos_itest_str(s, "stage"), "card");
	/* The household card (QR) and the goods through the USB scanner. */
	usbemu_pos_scan(T.scn, "]Q1", T.card);
	s = pos_itest_until(&T, has_household, 5);
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(hh != NULL, "card scan not shown: %s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200);
	ck_assert_str_eq(pos_itest_str(hh, "name_masked"), "王*红");
	usbemu_pos_scan(T.scn, "]E0", RICE);
	usbemu_pos_scan(T.scn, "]E0", FLOUR);
	s = pos_itest_until(&T, two_lines, 5);
	ck_assert_int_eq(nlines(s), 2);
	s = pos_itest_cmd(&T, "scan %s", FLOUR); /* a repeated scan adds */
	ck_assert_int_eq(nlines(s), 2);
	ck_assert_int_eq(pos_itest_num(s, "total"), 76);
	ck_assert_int_eq(pos_itest_num(s, "balance_after"), 124);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "confirmed"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_num(s, "print_queue"), 0);
	/* The server has it once, and says what the receipt must say. */
	list = itest_req(&T.srv, "GET", "/api/v1/distributions?till_id=T1",
	    T.manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(list)), 1);
	d = cJSON_GetArrayItem(itest_items(list), 0);
	ck_assert_str_eq(
	    pos_itest_str(s, "receipt"), itest_str(d, "receipt_no"));
	snprintf(when, sizeof(when), "%.19s", itest_str(d, "created_at"));
	when[10] = ' ';
	e = expected_receipt(itest_str(d, "receipt_no"), when, T.card);
	want = escpos_bytes(e, &nwant);
	got = usbemu_out(T.prn, &ngot);
	{
		/* Kept beside the server's log when the bytes differ. */
		FILE *f = fopen(itest_f("%s/got.bin", T.srv.dir), "w");

		if (f != NULL) {
			fwrite(got, 1, ngot, f);
			fclose(f);
		}
		if ((f = fopen(itest_f("%s/want.bin", T.srv.dir), "w")) !=
		    NULL) {
			fwrite(want, 1, nwant, f);
			fclose(f);
		}
	}
	/* Status first (never inside a command), then the receipt. */
	ck_assert_uint_eq(ngot, sizeof(escpos_status_query) + nwant);
	ck_assert_mem_eq(got, escpos_status_query, sizeof(escpos_status_query));
	ck_assert_mem_eq(got + sizeof(escpos_status_query), want, nwant);
	free(got);
	escpos_free(e);
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

START_TEST(t_rule_refused_nothing_posted)
{
	cJSON *s, *l;
	int st;

	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card);
	s = pos_itest_cmd(&T, "scan %s", MILK); /* priority only */
	l = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "lines"), 0);
	ck_assert_str_eq(
	    itest_text(cJSON_GetObjectItemCaseSensitive(l, "flags")),
	    "[\"priority_only\"]");
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "priority_only"), "%s", itest_text(s));
	ck_assert_int_eq(nlines(s), 1); /* the basket stays to be fixed */
	s = pos_itest_cmd(&T, "remove");
	s = pos_itest_cmd(&T, "scan %s", RICE);
	s = pos_itest_cmd(&T, "qty 2"); /* limit 1 a month */
	l = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "lines"), 0);
	ck_assert_str_eq(
	    itest_text(cJSON_GetObjectItemCaseSensitive(l, "flags")),
	    "[\"limit_exceeded\"]");
	s = pos_itest_cmd(&T, "confirm");
	ck_assert(pos_itest_msg(s, "limit_exceeded"));
	/* A rule the till could not see: another till took the rice. */
	s = pos_itest_cmd(&T, "qty 1");
	itest_req(&T.srv, "POST", "/api/v1/distributions", T.manager,
	    itest_f("{'client_id':'%s','till_id':'T9','household_card':'%s',"
	            "'lines':[{'barcode':'%s','quantity':1}]}",
	        itest_uuid(), T.card, RICE),
	    &st);
	ck_assert_int_eq(st, 201);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "limit_exceeded"), "%s", itest_text(s));
	ck_assert_int_eq(nlines(s), 1);
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_count(&T), 0);
	s = pos_itest_cmd(&T, "cancel");
	ck_assert_int_eq(nlines(s), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	ck_assert_int_eq(pos_itest_count(&T), 0);
}
END_TEST

START_TEST(t_server_killed_journal_replayed_once)
{
	cJSON *s, *hh;
	uint8_t *got;
	size_t n;
	int st;

	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card);
	s = pos_itest_cmd(&T, "scan %s", RICE);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "online")));
	pos_itest_kill(&T);                     /* mid-basket */
	s = pos_itest_cmd(&T, "scan %s", SOAP); /* from the till's cache */
	ck_assert_msg(
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "online")), "%s",
	    itest_text(s));
	ck_assert_int_eq(nlines(s), 2);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "pending"), 1);
	ck_assert_str_eq(pos_itest_str(s, "receipt"), "L-T1-1");
	got = usbemu_out(T.prn, &n);
	ck_assert_msg(count_mem(got, n, "L-T1-1") == 3, "offline receipt");
	ck_assert_uint_eq(count_mem(got, n, "\xc0\xeb\xcf\xdf"), 1); /* 离线 */
	free(got);
	/* Offline, the next basket knows the journal holds 44 points. */
	s = pos_itest_cmd(&T, "scan %s", T.card);
	hh = cJSON_GetObjectItemCaseSensitive(s, "household");
	ck_assert_msg(hh != NULL, "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(hh, "points"), 200 - 44);
	pos_itest_cmd(&T, "cancel");
	pos_itest_serve(&T); /* back, same port */
	s = pos_itest_until(&T, pos_itest_nothing_pending, 10);
	ck_assert_msg(pos_itest_num(s, "pending") == 0, "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "conflicts"), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	ck_assert_int_eq(pos_itest_count(&T), 1);
	/* A second run of the till replays nothing more. */
	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	s = pos_itest_cmd(&T, "wait 300");
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	ck_assert_int_eq(pos_itest_count(&T), 1);
	hh = itest_req(&T.srv, "GET",
	    itest_f("/api/v1/households/by-card/%s", T.card), T.manager, NULL,
	    &st);
	ck_assert_int_eq(itest_int(hh, "points"), 200 - 44);
}
END_TEST

START_TEST(t_replay_conflict_kept)
{
	const char *args[] = {
	    "--scanner", "usb", "--printer", "usb", "--probe", "600000", NULL};
	cJSON *s;
	const char *out;
	char cmd[1024];
	FILE *f;
	int st;

	pos_itest_start(&T, args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "scan %s", T.card);
	pos_itest_kill(&T);
	pos_itest_cmd(&T, "scan %s", RICE);
	pos_itest_cmd(&T, "scan %s", OIL);
	s = pos_itest_cmd(&T, "confirm"); /* 85 points, offline */
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	/* Meanwhile the household spent at another till. */
	pos_itest_serve(&T);
	itest_req(&T.srv, "POST", "/api/v1/distributions", T.manager,
	    itest_f("{'client_id':'%s','till_id':'T9','household_card':'%s',"
	            "'lines':[{'barcode':'%s','quantity':1}]}",
	        itest_uuid(), T.card, OIL),
	    &st);
	ck_assert_int_eq(st, 201);
	s = pos_itest_cmd(&T, "scan %s", T.card); /* online again: replay */
	s = pos_itest_until(&T, pos_itest_nothing_pending, 10);
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_num(s, "conflicts"), 1);
	ck_assert_int_eq(pos_itest_count(&T), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	/* Kept for the manager, with the server's reason. */
	snprintf(cmd, sizeof(cmd), "%s --till T1 --journal %s --list-conflicts",
	    getenv("CISHAN_POS") ? getenv("CISHAN_POS") : "build/cishan-pos",
	    T.journal);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	out = itest_f("%s", "");
	{
		static char buf[8192];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		buf[n] = '\0';
		out = buf;
	}
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_msg(strstr(out, "limit_exceeded") != NULL &&
	        strstr(out, T.card) != NULL,
	    "conflicts: %s", out);
}
END_TEST

START_TEST(t_paper_out_then_back)
{
	cJSON *s;
	uint8_t *got;
	size_t n;

	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	usbemu_set_status(T.prn, 0x12, 0x32, 0x72); /* paper end */
	pos_itest_cmd(&T, "scan %s", T.card);
	pos_itest_cmd(&T, "scan %s", SOAP);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "confirmed"), "%s", itest_text(s));
	ck_assert_str_eq(pos_itest_str(s, "printer"), "paper_end");
	ck_assert_int_eq(pos_itest_num(s, "print_queue"), 1);
	ck_assert(pos_itest_msg(s, "printer_trouble"));
	got = usbemu_out(T.prn, &n);
	ck_assert_uint_eq(count_mem(got, n, pos_itest_str(s, "receipt")), 0);
	free(got);
	usbemu_set_status(T.prn, 0x12, 0x12, 0x12);
	s = pos_itest_until(&T, pos_itest_queue_empty, 5);
	ck_assert_int_eq(pos_itest_num(s, "print_queue"), 0);
	got = usbemu_out(T.prn, &n);
	/* Number line, QR data, number under it: printed once. */
	ck_assert_uint_eq(count_mem(got, n, pos_itest_str(s, "receipt")), 3);
	free(got);
	s = pos_itest_cmd(&T, "reprint");
	got = usbemu_out(T.prn, &n);
	ck_assert_uint_eq(count_mem(got, n, pos_itest_str(s, "receipt")), 6);
	free(got);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	ck_assert_int_eq(pos_itest_count(&T), 1);
}
END_TEST

START_TEST(t_scanner_unplugged_and_back)
{
	cJSON *s;

	pos_itest_start(&T, usb_args);
	s = pos_itest_cmd(&T, "login cashier cashier-demo");
	ck_assert_str_eq(pos_itest_str(s, "scanner"), "attached");
	usbemu_pos_scan(T.scn, "]Q1", T.card);
	s = pos_itest_until(&T, has_household, 5);
	usbemu_pos_scan(T.scn, "]E0", RICE);
	usbemu_unplug(T.scn);
	s = pos_itest_until(&T, is_scanner_detached, 5);
	ck_assert_str_eq(pos_itest_str(s, "scanner"), "detached");
	s = pos_itest_cmd(&T, "scan %s", SOAP); /* typed meanwhile */
	usbemu_replug(T.scn);
	s = pos_itest_until(&T, is_scanner_attached, 5);
	ck_assert_str_eq(pos_itest_str(s, "scanner"), "attached");
	usbemu_pos_scan(T.scn, "]E0", FLOUR);
	s = pos_itest_until(&T, three_lines, 5);
	ck_assert_msg(nlines(s) == 3, "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

/* GS ( k: store the QR data (function 180), as escpos_qr sends it. */
static int
has_qr(const uint8_t *b, size_t n, const char *data)
{
	uint8_t cmd[128];
	size_t k = strlen(data);

	ck_assert(k + 8 <= sizeof(cmd));
	memcpy(cmd, "\x1d(k", 3);
	cmd[3] = (uint8_t)((k + 3) & 0xff);
	cmd[4] = (uint8_t)((k + 3) >> 8);
	memcpy(cmd + 5, "1P0", 3);
	memcpy(cmd + 8, data, k);
	return memmem(b, n, cmd, k + 8) != NULL;
}

START_TEST(t_donor_receipt_goods)
{
	cJSON *s, *don;
	const char *code;
	uint8_t *got;
	size_t n;
	int64_t id;
	int st;

	/* Rice twice (two lots: its name asked once), flour at a value. */
	don = itest_req(&T.srv, "POST", "/api/v1/donations", T.manager,
	    itest_f("{'client_id':'%s','donor_id':1,'received_on':'%s',"
	            "'lines':[{'item_id':1,'quantity':3},"
	            "{'item_id':2,'quantity':40,'unit_value_fen':1850},"
	            "{'item_id':1,'quantity':2,'unit_value_fen':4000}]}",
	        itest_uuid(), itest_date(0)),
	    &st);
	ck_assert_int_eq(st, 201);
	id = itest_int(don, "id");
	code = itest_str(don, "receipt_code");
	pos_itest_start(&T, usb_args);
	s = pos_itest_cmd(&T, "login manager manager-demo");
	ck_assert_str_eq(pos_itest_str(s, "stage"), "card");
	s = pos_itest_cmd(&T, "donation-receipt %lld", (long long)id);
	ck_assert_msg(
	    pos_itest_msg(s, "donation_receipt"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "print_queue"), 0);
	ck_assert_str_eq(pos_itest_str(s, "printer"), "ok");
	got = usbemu_out(T.prn, &n);
	/* Status first, then the receipt: GBK mode, the title. */
	ck_assert_uint_gt(n, sizeof(escpos_status_query));
	ck_assert_mem_eq(got, escpos_status_query, sizeof(escpos_status_query));
	ck_assert_mem_eq(
	    got + sizeof(escpos_status_query), "\x1b\x40\x1c\x26", 4);
	ck_assert(pos_itest_shows(got, n, "捐赠收据\n"));
	/* The receipt code line, and its QR for the public trace. */
	ck_assert_msg(
	    pos_itest_shows(got, n, itest_f("收据编号%*s\n", 32 - 8, code)),
	    "no receipt code line for %s", code);
	ck_assert(has_qr(got, n, code));
	ck_assert_uint_eq(count_mem(got, n, code), 3);
	ck_assert(
	    pos_itest_shows(got, n, "捐赠方      上海某某食品有限公司\n"));
	ck_assert(pos_itest_shows(
	    got, n, itest_f("日期%*s\n", 32 - 4, itest_date(0))));
	ck_assert(pos_itest_shows(got, n, "金龙鱼大米 5kg x3       ¥119.70\n"));
	ck_assert(pos_itest_shows(got, n, "福临门面粉 2.5kg x40    ¥740.00\n"));
	ck_assert(pos_itest_shows(got, n, "金龙鱼大米 5kg x2        ¥80.00\n"));
	ck_assert(pos_itest_shows(got, n, "合计                    ¥939.70\n"));
	ck_assert(pos_itest_shows(got, n, "感谢您的爱心捐赠"));
	free(got);
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

START_TEST(t_donor_receipt_cash_and_roles)
{
	cJSON *s, *don, *m;
	const char *code;
	uint8_t *got;
	size_t n;
	int64_t id;
	int st;

	don = itest_req(&T.srv, "POST", "/api/v1/donations", T.manager,
	    itest_f("{'client_id':'%s','donor_id':3,'received_on':'%s',"
	            "'cash':{'amount_fen':123456,'fund_id':1}}",
	        itest_uuid(), itest_date(0)),
	    &st);
	ck_assert_int_eq(st, 201);
	id = itest_int(don, "id");
	code = itest_str(don, "receipt_code");
	pos_itest_start(&T, usb_args);
	/* A cashier may not: the server's 403, said plainly, no paper. */
	pos_itest_cmd(&T, "login cashier cashier-demo");
	s = pos_itest_cmd(&T, "donation-receipt %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "forbidden"), "%s", itest_text(s));
	m = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(s, "messages"), 0);
	ck_assert_msg(strstr(pos_itest_str(m, "text"), "店长或管理员") != NULL,
	    "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "print_queue"), 0);
	s = pos_itest_cmd(&T, "donation-receipt x1");
	ck_assert(pos_itest_msg(s, "bad_donation"));
	got = usbemu_out(T.prn, &n);
	ck_assert_uint_eq(n, 0);
	free(got);
	/* An admin may. */
	s = pos_itest_cmd(&T, "login admin admin-demo");
	ck_assert_str_eq(pos_itest_str(s, "user"), "admin");
	s = pos_itest_cmd(&T, "donation-receipt 999999");
	ck_assert_msg(
	    pos_itest_msg(s, "unknown_donation"), "%s", itest_text(s));
	s = pos_itest_cmd(&T, "donation-receipt %lld", (long long)id);
	ck_assert_msg(
	    pos_itest_msg(s, "donation_receipt"), "%s", itest_text(s));
	got = usbemu_out(T.prn, &n);
	ck_assert_msg(
	    pos_itest_shows(got, n, itest_f("收据编号%*s\n", 32 - 8, code)),
	    "no receipt code line for %s", code);
	ck_assert(has_qr(got, n, code));
	ck_assert(
	    pos_itest_shows(got, n, "捐赠方                    王先生\n"));
	ck_assert(pos_itest_shows(got, n, "现金捐赠              ¥1,234.56\n"));
	ck_assert(
	    pos_itest_shows(got, n, "捐入资金                爱心捐款\n"));
	ck_assert(pos_itest_shows(got, n, "合计                  ¥1,234.56\n"));
	ck_assert(!pos_itest_shows(got, n, "物品 x 数量"));
	free(got);
	ck_assert_int_eq(pos_itest_end(&T), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_flow");
	TCase *tc = tcase_create("till");

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_redemption_exact_receipt);
	tcase_add_test(tc, t_rule_refused_nothing_posted);
	tcase_add_test(tc, t_server_killed_journal_replayed_once);
	tcase_add_test(tc, t_replay_conflict_kept);
	tcase_add_test(tc, t_paper_out_then_back);
	tcase_add_test(tc, t_scanner_unplugged_and_back);
	tcase_add_test(tc, t_donor_receipt_goods);
	tcase_add_test(tc, t_donor_receipt_cash_and_roles);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
