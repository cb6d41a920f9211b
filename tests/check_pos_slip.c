/* check_pos_slip: receipt layout by display width, offline marking. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "drivers.h"
#include "pos.h"
#include "pos_itest.h"

static const struct slip_line lines[] = {
    {"金龙鱼大米 5kg", 1, 40},
    {"一个很长很长很长很长的捐赠物品名称", 2, 60},
};
static const struct slip_limit limits[] = {{"金龙鱼大米 5kg", 0}};

static struct slip
sample(void)
{
	struct slip s;

	memset(&s, 0, sizeof(s));
	s.store = "慈善超市";
	s.till = "T1";
	s.cashier = "cashier";
	s.receipt_no = "T1-000042";
	s.when = "2026-11-29 10:15:00";
	s.card = "TC000010001";
	s.lines = lines;
	s.nlines = 2;
	s.total = 100;
	s.balance_after = 100;
	s.limits = limits;
	s.nlimits = 1;
	return s;
}

START_TEST(t_layout_58)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip s = sample();
	const uint8_t *b;
	size_t n;

	slip_build(e, &s);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	ck_assert_mem_eq(b, "\x1b\x40\x1c\x26", 4);
	ck_assert(pos_itest_shows(b, n, "收银台 T1         收银员 cashier\n"));
	ck_assert(pos_itest_shows(b, n, "家庭卡               TC*****0001\n"));
	ck_assert(pos_itest_shows(b, n, "金龙鱼大米 5kg x1             40\n"));
	/* A long name wraps; the points end its last line. */
	ck_assert(pos_itest_shows(b, n, "一个很长很长很长很长的捐赠物品名\n"));
	ck_assert(pos_itest_shows(b, n, "称 x2                         60\n"));
	ck_assert(pos_itest_shows(b, n, "剩余积分                     100\n"));
	ck_assert(pos_itest_shows(b, n, "金龙鱼大米 5kg                 0\n"));
	ck_assert(pos_itest_shows(b, n, "感谢您的光临"));
	ck_assert_ptr_nonnull(memmem(b, n,
	    "\x1d(k\x0c\x00"
	    "1P0T1-000042",
	    17));
	ck_assert(!pos_itest_shows(b, n, "离线"));
	escpos_free(e);
}
END_TEST

START_TEST(t_offline_english_80)
{
	struct escpos *e = escpos_new(devices_profile("generic80"));
	struct slip s = sample();
	const uint8_t *b;
	size_t n;

	s.offline = 1;
	s.lang = TILL_EN;
	slip_build(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert_ptr_nonnull(
	    memmem(b, n, "** OFFLINE - NOT YET POSTED **", 30));
	ck_assert(pos_itest_shows(
	    b, n, "Points total                                 100\n"));
	escpos_free(e);
}
END_TEST

START_TEST(t_mask)
{
	char out[32];

	slip_mask("TC000010001", out, sizeof(out));
	ck_assert_str_eq(out, "TC*****0001");
	slip_mask("HH0002", out, sizeof(out));
	ck_assert_str_eq(out, "H***02");
	slip_mask("AB", out, sizeof(out));
	ck_assert_str_eq(out, "A*");
	slip_mask("TC000010001", out, 5);
	ck_assert_str_eq(out, "TC**");
}
END_TEST

/* The store's name fitted to 58 mm by display width: double size when
 * it fits, double height alone when only that fits, else normal size
 * wrapped between characters. */
START_TEST(t_title_fits)
{
	static const uint8_t dbl[] = {0x1d, 0x21, 0x11},
	                     tall[] = {0x1d, 0x21, 0x01};
	struct escpos *e;
	struct slip_shift s = {"慈善超市（南京东路店）", "T1", "cashier",
	    "2026-11-29 08:00:00", "2026-11-29 17:00:00", 0, 0, 0, 0, 0,
	    {0, 0, 0}, {0, 0, 0}, NULL, 0, TILL_ZH};
	const uint8_t *b;
	size_t n;

	e = escpos_new(devices_profile("generic58"));
	slip_shift(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert(memmem(b, n, tall, sizeof(tall)) != NULL);
	ck_assert(memmem(b, n, dbl, sizeof(dbl)) == NULL);
	ck_assert(pos_itest_shows(b, n, "慈善超市（南京东路店）\n"));
	escpos_free(e);
	/* 20 characters: 40 columns, wrapped at 32, whole characters. */
	s.store = "一二三四五六七八九十一二三四五六七八九十";
	e = escpos_new(devices_profile("generic58"));
	slip_shift(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert(memmem(b, n, tall, sizeof(tall)) == NULL);
	ck_assert(pos_itest_shows(
	    b, n, "一二三四五六七八九十一二三四五六\n七八九十\n"));
	escpos_free(e);
	s.store = "慈善超市";
	e = escpos_new(devices_profile("generic58"));
	slip_shift(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert(memmem(b, n, dbl, sizeof(dbl)) != NULL);
	escpos_free(e);
}
END_TEST

START_TEST(t_shift)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip_shift s = {"慈善超市", "T1", "cashier",
	    "2026-11-29 08:00:00", "2026-11-29 17:00:00", 12, 980, 40, 1, 0,
	    {2, 85, 3}, {1, 45, 1}, NULL, 0, TILL_ZH};
	const uint8_t *b;
	size_t n;

	slip_shift(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert(pos_itest_shows(b, n, "发放笔数(净)                  12\n"));
	ck_assert(pos_itest_shows(b, n, "积分合计                     980\n"));
	ck_assert(pos_itest_shows(b, n, "作废笔数                       2\n"));
	ck_assert(pos_itest_shows(b, n, "作废退回积分                  85\n"));
	ck_assert(pos_itest_shows(b, n, "离线被拒笔数                   1\n"));
	ck_assert(pos_itest_shows(b, n, "已出门物品                     1\n"));
	ck_assert(pos_itest_shows(b, n, "待上传                         1\n"));
	escpos_free(e);
}
END_TEST

static const struct slip_gift gifts[] = {
    {"金龙鱼大米 5kg", 3, 3990},
    {"福临门面粉 2.5kg", 40, 1850},
    {"一个很长很长很长很长的捐赠物品名称", 2, 123456},
};

/* A donor receipt of goods on 58 mm, spelled out line by line. */
START_TEST(t_donation_58_exact)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct escpos *w = escpos_new(devices_profile("generic58"));
	struct slip_donation d;
	const uint8_t *b, *wb;
	size_t n, wn;

	memset(&d, 0, sizeof(d));
	d.store = "慈善超市";
	d.receipt_code = "JZ20261129-E8MVKY";
	d.donor = "上海某某食品有限公司";
	d.date = "2026-11-29";
	d.lines = gifts;
	d.nlines = 3;
	slip_donation(e, &d);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);

	escpos_init(w);
	escpos_align(w, ESCPOS_CENTER);
	escpos_size(w, 2, 2);
	escpos_line(w, "慈善超市");
	escpos_size(w, 1, 1);
	escpos_bold(w, 1);
	escpos_line(w, "捐赠收据");
	escpos_bold(w, 0);
	escpos_align(w, ESCPOS_LEFT);
	escpos_line(w, "收据编号       JZ20261129-E8MVKY");
	escpos_line(w, "捐赠方      上海某某食品有限公司");
	escpos_line(w, "日期                  2026-11-29");
	escpos_line(w, "--------------------------------");
	escpos_line(w, "物品 x 数量                 价值");
	escpos_line(w, "金龙鱼大米 5kg x3       ¥119.70");
	escpos_line(w, "福临门面粉 2.5kg x40    ¥740.00");
	escpos_line(w, "一个很长很长很长很长的捐赠物品名");
	escpos_line(w, "称 x2                 ¥2,469.12");
	escpos_line(w, "--------------------------------");
	escpos_bold(w, 1);
	escpos_line(w, "合计                  ¥3,328.82");
	escpos_bold(w, 0);
	escpos_line(w, "--------------------------------");
	escpos_align(w, ESCPOS_CENTER);
	escpos_qr(w, "JZ20261129-E8MVKY", 6, 'M');
	escpos_line(w, "JZ20261129-E8MVKY");
	escpos_line(w, "可凭收据编号在公示页查询去向");
	escpos_line(w, "感谢您的爱心捐赠！");
	escpos_align(w, ESCPOS_LEFT);
	escpos_cut(w, ESCPOS_CUT_PARTIAL, 4);
	wb = escpos_bytes(w, &wn);
	ck_assert_uint_eq(n, wn);
	ck_assert_mem_eq(b, wb, wn);

	/* The same, checked against literal bytes where it matters: the
	 * reset and GBK mode, the title in GBK, the full-width yen (GBK
	 * pos_itest_shows no half-width one), and the QR of the receipt code.
	 */
	ck_assert_mem_eq(b, "\x1b\x40\x1c\x26", 4);
	ck_assert_ptr_nonnull(memmem(b, n,
	    "\x1b\x45\x01\xbe\xe8\xd4\xf9\xca\xd5\xbe\xdd\n\x1b\x45\x00", 15));
	ck_assert_ptr_nonnull(memmem(b, n,
	    "\xca\xd5\xbe\xdd\xb1\xe0\xba\xc5       JZ20261129-E8MVKY\n", 33));
	ck_assert_ptr_nonnull(memmem(b, n,
	    "x3       \xa3\xa4"
	    "119.70\n",
	    18));
	ck_assert_ptr_nonnull(memmem(b, n,
	    "\x1d(k\x14\x00"
	    "1P0JZ20261129-E8MVKY"
	    "\x1d(k\x03\x00"
	    "1Q0",
	    33));
	ck_assert(!pos_itest_shows(b, n, "?"));
	escpos_free(w);
	escpos_free(e);
}
END_TEST

START_TEST(t_donation_cash_long_donor)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip_donation d;
	const uint8_t *b;
	size_t n;

	memset(&d, 0, sizeof(d));
	d.store = "慈善超市";
	d.receipt_code = "JZ20261129-M7ZB03";
	d.donor = "一个名字非常非常长的社区公益慈善基金会";
	d.date = "2026-11-29";
	d.lines = gifts; /* ignored: cash */
	d.nlines = 3;
	d.cash_fen = 300000;
	d.fund = "社区基金会助学定向";
	d.purpose = "助学";
	slip_donation(e, &d);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	/* Too long beside its label: the donor goes under it, wrapped. */
	ck_assert(pos_itest_shows(
	    b, n, "\n捐赠方\n一个名字非常非常长的社区公益慈善\n基金会\n"));
	ck_assert(pos_itest_shows(b, n, "现金捐赠              ¥3,000.00\n"));
	ck_assert(pos_itest_shows(b, n, "捐入资金      社区基金会助学定向\n"));
	ck_assert(pos_itest_shows(b, n, "定向用途                    助学\n"));
	ck_assert(pos_itest_shows(b, n, "合计                  ¥3,000.00\n"));
	ck_assert(!pos_itest_shows(b, n, "金龙鱼"));
	ck_assert(!pos_itest_shows(b, n, "/public/donations/"));
	escpos_free(e);
	/* With the store's public address: printed, and the QR is the link
	 * to this donation's trace. */
	e = escpos_new(devices_profile("generic58"));
	d.address = "https://cishan.example.org";
	slip_donation(e, &d);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	ck_assert(pos_itest_shows(b, n,
	    "https://cishan.example.org/public/donations/JZ20261129-M7ZB03"));
	ck_assert(pos_itest_shows(b, n, "\nhttps://cishan.example.org\n"));
	ck_assert(!pos_itest_shows(b, n, "物品 x 数量"));
	escpos_free(e);
}
END_TEST

START_TEST(t_donation_overflow_fails)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip_gift g[2] = {{"a", INT64_MAX / 2, 3}, {"b", 1, 1}};
	struct slip_donation d;

	memset(&d, 0, sizeof(d));
	d.store = "s";
	d.receipt_code = "JZ1";
	d.donor = "d";
	d.date = "2026-11-29";
	d.lines = g;
	d.nlines = 2;
	slip_donation(e, &d);
	ck_assert_int_eq(escpos_error(e), DRV_EINVAL);
	escpos_free(e);
}
END_TEST

/* A charity-sale receipt: its title, lines and total in yuan, payment. */
START_TEST(t_sale_58)
{
	static const struct slip_sale_line sl[] = {{"旧书", 3, 1350}};
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip_sale s;
	const uint8_t *b;
	size_t n;

	memset(&s, 0, sizeof(s));
	s.store = "慈善超市";
	s.till = "T1";
	s.cashier = "cashier";
	s.receipt_no = "T1-S000001";
	s.when = "2026-12-06 10:15:00";
	s.lines = sl;
	s.nlines = 1;
	s.total_fen = 1350;
	s.method = "qr";
	s.reference = "WX42";
	slip_sale(e, &s);
	ck_assert_int_eq(escpos_error(e), 0);
	b = escpos_bytes(e, &n);
	ck_assert(pos_itest_shows(b, n, "义卖小票"));
	ck_assert(pos_itest_shows(b, n, "小票号                T1-S000001\n"));
	ck_assert(pos_itest_shows(b, n, "旧书 x3                  ¥13.50\n"));
	ck_assert(pos_itest_shows(b, n, "付款方式                    扫码\n"));
	ck_assert(pos_itest_shows(b, n, "交易号                      WX42\n"));
	ck_assert(!pos_itest_shows(b, n, "离线"));
	ck_assert(!pos_itest_shows(b, n, "家庭卡"));
	escpos_free(e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_slip");
	TCase *tc = tcase_create("slip");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, t_layout_58);
	tcase_add_test(tc, t_offline_english_80);
	tcase_add_test(tc, t_mask);
	tcase_add_test(tc, t_shift);
	tcase_add_test(tc, t_donation_58_exact);
	tcase_add_test(tc, t_donation_cash_long_donor);
	tcase_add_test(tc, t_donation_overflow_fails);
	tcase_add_test(tc, t_title_fits);
	tcase_add_test(tc, t_sale_58);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
