/*
 * slip.c: the bytes of a receipt and of a shift summary, laid out by
 * display width for the printer's profile (drivers' escpos + receipt).
 * Pure: the same slip gives the same bytes, which the tests compare.
 * (Named slip, not receipt, because drivers/ owns the receipt_ prefix.)
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "drivers.h"
#include "pos.h"

void
slip_mask(const char *card, char *out, size_t size)
{
	size_t n = strlen(card), i, o = 0;
	size_t head = n >= 10 ? 2 : 1, tail = n >= 10 ? 4 : n >= 5 ? 2 : 0;

	/* Enough to recognise a card, not enough to copy it. */
	for (i = 0; i < n && o + 1 < size; i++) {
		unsigned char ch = (unsigned char)card[i];

		out[o++] =
		    (i < head || i + tail >= n || ch >= 0x80) ? (char)ch : '*';
	}
	if (size > 0)
		out[o] = '\0';
}

static const char *
slip_tr(enum till_lang lang, const char *zh, const char *en)
{
	return lang == TILL_EN ? en : zh;
}

static void
slip_head(struct escpos *e, const char *store, enum till_lang lang,
    const char *till, const char *cashier)
{
	char l[96], r[96];

	escpos_reset(e);
	escpos_init(e);
	escpos_align(e, ESCPOS_CENTER);
	escpos_size(e, 2, 2);
	escpos_line(e, store);
	escpos_size(e, 1, 1);
	escpos_align(e, ESCPOS_LEFT);
	snprintf(l, sizeof(l), "%s %s", slip_tr(lang, "收银台", "Till"), till);
	snprintf(
	    r, sizeof(r), "%s %s", slip_tr(lang, "收银员", "Cashier"), cashier);
	receipt_lr(e, l, r);
}

void
slip_build(struct escpos *e, const struct slip *s)
{
	enum till_lang lang = s->lang;
	char card[TILL_CODE_MAX], left[TILL_NAME_MAX + 32], right[32];
	size_t i;

	slip_head(e, s->store, lang, s->till, s->cashier);
	if (s->offline) {
		escpos_align(e, ESCPOS_CENTER);
		escpos_bold(e, 1);
		escpos_line(e,
		    slip_tr(lang, "** 离线小票 待上传 **",
		        "** OFFLINE - NOT YET POSTED **"));
		escpos_bold(e, 0);
		escpos_align(e, ESCPOS_LEFT);
	}
	if (s->reprint)
		receipt_center(e, slip_tr(lang, "（补打）", "(reprint)"));
	receipt_lr(e, slip_tr(lang, "小票号", "Receipt"), s->receipt_no);
	receipt_lr(e, slip_tr(lang, "时间", "Time"), s->when);
	slip_mask(s->card, card, sizeof(card));
	receipt_lr(e, slip_tr(lang, "家庭卡", "Card"), card);
	receipt_rule(e, '-');
	receipt_lr(e, slip_tr(lang, "物品 x 数量", "Item x qty"),
	    slip_tr(lang, "积分", "Points"));
	for (i = 0; i < s->nlines; i++) {
		snprintf(left, sizeof(left), "%s x%" PRId64, s->lines[i].name,
		    s->lines[i].qty);
		snprintf(right, sizeof(right), "%" PRId64, s->lines[i].points);
		receipt_lr(e, left, right);
	}
	receipt_rule(e, '-');
	snprintf(right, sizeof(right), "%" PRId64, s->total);
	escpos_bold(e, 1);
	receipt_lr(e, slip_tr(lang, "合计积分", "Points total"), right);
	escpos_bold(e, 0);
	snprintf(right, sizeof(right), "%" PRId64, s->balance_after);
	receipt_lr(e, slip_tr(lang, "剩余积分", "Balance after"), right);
	if (s->nlimits > 0) {
		receipt_rule(e, '-');
		escpos_line(
		    e, slip_tr(lang, "本月限量剩余", "Left this month"));
		for (i = 0; i < s->nlimits; i++) {
			snprintf(right, sizeof(right), "%" PRId64,
			    s->limits[i].remaining);
			receipt_lr(e, s->limits[i].name, right);
		}
	}
	receipt_rule(e, '-');
	escpos_align(e, ESCPOS_CENTER);
	if (escpos_profile(e)->qr)
		escpos_qr(e, s->receipt_no, 6, 'M');
	escpos_line(e, s->receipt_no);
	escpos_line(e,
	    slip_tr(lang, "感谢您的光临，祝您生活愉快",
	        "Thank you, and all the best"));
	escpos_align(e, ESCPOS_LEFT);
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}

void
slip_shift(struct escpos *e, const struct slip_shift *s)
{
	enum till_lang lang = s->lang;
	char v[32];

	slip_head(e, s->store, lang, s->till, s->cashier);
	receipt_center(e, slip_tr(lang, "交班汇总", "End of shift"));
	receipt_lr(e, slip_tr(lang, "开始", "From"), s->from);
	receipt_lr(e, slip_tr(lang, "结束", "To"), s->to);
	receipt_rule(e, '-');
	snprintf(v, sizeof(v), "%" PRId64, s->distributions);
	receipt_lr(e, slip_tr(lang, "发放笔数", "Distributions"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->points);
	receipt_lr(e, slip_tr(lang, "积分合计", "Points"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->goods);
	receipt_lr(e, slip_tr(lang, "物品件数", "Goods"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->pending);
	receipt_lr(e, slip_tr(lang, "待上传", "Not yet posted"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->conflicts);
	receipt_lr(e, slip_tr(lang, "待店长处理", "For the manager"), v);
	receipt_rule(e, '-');
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}
