/* check_pos_slip: receipt layout by display width, offline marking. */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "drivers.h"
#include "pos.h"

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

/* What a 58 mm printer shows, as UTF-8 text (GBK back through escpos). */
static int
has(const uint8_t *b, size_t n, const char *utf8)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	const uint8_t *w;
	size_t wn;
	int r;

	escpos_text(e, utf8);
	w = escpos_bytes(e, &wn);
	r = memmem(b, n, w, wn) != NULL;
	escpos_free(e);
	return r;
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
	ck_assert(has(b, n, "收银台 T1         收银员 cashier\n"));
	ck_assert(has(b, n, "家庭卡               TC*****0001\n"));
	ck_assert(has(b, n, "金龙鱼大米 5kg x1             40\n"));
	/* A long name wraps; the points end its last line. */
	ck_assert(has(b, n, "一个很长很长很长很长的捐赠物品名\n"));
	ck_assert(has(b, n, "称 x2                         60\n"));
	ck_assert(has(b, n, "剩余积分                     100\n"));
	ck_assert(has(b, n, "金龙鱼大米 5kg                 0\n"));
	ck_assert(has(b, n, "感谢您的光临"));
	ck_assert_ptr_nonnull(memmem(b, n,
	    "\x1d(k\x0c\x00"
	    "1P0T1-000042",
	    17));
	ck_assert(!has(b, n, "离线"));
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
	ck_assert(
	    has(b, n, "Points total                                 100\n"));
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

START_TEST(t_shift)
{
	struct escpos *e = escpos_new(devices_profile("generic58"));
	struct slip_shift s = {"慈善超市", "T1", "cashier",
	    "2026-11-29 08:00:00", "2026-11-29 17:00:00", 12, 980, 40, 1, 0,
	    TILL_ZH};
	const uint8_t *b;
	size_t n;

	slip_shift(e, &s);
	b = escpos_bytes(e, &n);
	ck_assert(has(b, n, "发放笔数                      12\n"));
	ck_assert(has(b, n, "积分合计                     980\n"));
	ck_assert(has(b, n, "待上传                         1\n"));
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
