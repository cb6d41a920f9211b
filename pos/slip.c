/*
 * slip.c: the bytes of a receipt and of a shift summary, laid out by
 * display width for the printer's profile (drivers' escpos + receipt).
 * Pure: the same slip gives the same bytes, which the tests compare.
 * (Named slip, not receipt, because drivers/ owns the receipt_ prefix.)
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "drivers.h"
#include "money.h"
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

static void slip_wrap(struct escpos *e, const char *s);

/*
 * The store's name, centred, as large as the paper takes it by display
 * width: double size, else double height alone, else normal size wrapped
 * (never splitting a character). Left at normal size.
 */
static void
slip_title(struct escpos *e, const char *store)
{
	int w = receipt_width(store), cols = escpos_columns(e); /* size 1 */

	escpos_align(e, ESCPOS_CENTER);
	if (w * 2 <= cols)
		escpos_size(e, 2, 2);
	else if (w <= cols)
		escpos_size(e, 1, 2);
	slip_wrap(e, store);
	if (w <= cols)
		escpos_size(e, 1, 1);
}

static void
slip_head(struct escpos *e, const char *store, enum till_lang lang,
    const char *till, const char *cashier)
{
	char l[96], r[96];

	escpos_reset(e);
	escpos_init(e);
	slip_title(e, store);
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
slip_sale(struct escpos *e, const struct slip_sale *s)
{
	enum till_lang lang = s->lang;
	char left[TILL_NAME_MAX + 32], right[MONEY_LEN];
	size_t i;

	slip_head(e, s->store, lang, s->till, s->cashier);
	escpos_align(e, ESCPOS_CENTER);
	escpos_bold(e, 1);
	escpos_line(e, slip_tr(lang, "义卖小票", "Charity sale"));
	if (s->offline)
		escpos_line(e,
		    slip_tr(lang, "** 离线小票 待上传 **",
		        "** OFFLINE - NOT YET POSTED **"));
	escpos_bold(e, 0);
	escpos_align(e, ESCPOS_LEFT);
	if (s->reprint)
		receipt_center(e, slip_tr(lang, "（补打）", "(reprint)"));
	receipt_lr(e, slip_tr(lang, "小票号", "Receipt"), s->receipt_no);
	receipt_lr(e, slip_tr(lang, "时间", "Time"), s->when);
	receipt_rule(e, '-');
	receipt_lr(e, slip_tr(lang, "物品 x 数量", "Item x qty"),
	    slip_tr(lang, "金额", "Amount"));
	for (i = 0; i < s->nlines; i++) {
		snprintf(left, sizeof(left), "%s x%" PRId64, s->lines[i].name,
		    s->lines[i].qty);
		money_format(s->lines[i].amount_fen, right, sizeof(right));
		receipt_lr(e, left, right);
	}
	receipt_rule(e, '-');
	money_format(s->total_fen, right, sizeof(right));
	escpos_bold(e, 1);
	receipt_lr(e, slip_tr(lang, "合计", "Total"), right);
	escpos_bold(e, 0);
	receipt_lr(e, slip_tr(lang, "付款方式", "Paid by"),
	    strcmp(s->method, "qr") == 0 ? slip_tr(lang, "扫码", "QR code")
	                                 : slip_tr(lang, "现金", "cash"));
	if (s->reference != NULL && s->reference[0] != '\0')
		receipt_lr(
		    e, slip_tr(lang, "交易号", "Reference"), s->reference);
	receipt_rule(e, '-');
	escpos_align(e, ESCPOS_CENTER);
	escpos_line(e, s->receipt_no);
	escpos_line(e,
	    slip_tr(lang, "义卖所得用于慈善，谢谢您的爱心",
	        "What you paid goes to charity: thank you"));
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
	/* Net of voids; refused baskets apart below. */
	snprintf(v, sizeof(v), "%" PRId64, s->distributions);
	receipt_lr(e, slip_tr(lang, "发放笔数(净)", "Distributions (net)"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->points);
	receipt_lr(e, slip_tr(lang, "积分合计", "Points"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->goods);
	receipt_lr(e, slip_tr(lang, "物品件数", "Goods"), v);
	receipt_rule(e, '-');
	snprintf(v, sizeof(v), "%" PRId64, s->voids[0]);
	receipt_lr(e, slip_tr(lang, "作废笔数", "Voided"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->voids[1]);
	receipt_lr(e, slip_tr(lang, "作废退回积分", "Points back"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->voids[2]);
	receipt_lr(e, slip_tr(lang, "作废退回物品", "Goods back"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->refused[0]);
	receipt_lr(e, slip_tr(lang, "离线被拒笔数", "Refused offline"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->refused[1]);
	receipt_lr(e, slip_tr(lang, "离线被拒积分", "Their points"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->refused[2]);
	receipt_lr(e, slip_tr(lang, "已出门物品", "Their goods (left)"), v);
	receipt_rule(e, '-');
	if (s->noffline > 0) {
		size_t i;

		escpos_line(e, slip_tr(lang, "离线小票", "Offline receipts"));
		for (i = 0; i < s->noffline; i++)
			slip_wrap(e, s->offline[i]);
		receipt_rule(e, '-');
	}
	snprintf(v, sizeof(v), "%" PRId64, s->pending);
	receipt_lr(e, slip_tr(lang, "待上传", "Not yet posted"), v);
	snprintf(v, sizeof(v), "%" PRId64, s->conflicts);
	receipt_lr(e, slip_tr(lang, "待店长处理", "For the manager"), v);
	receipt_rule(e, '-');
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}

void
slip_void(struct escpos *e, const struct slip_void *s)
{
	enum till_lang lang = s->lang;
	char v[32];

	slip_head(e, s->store, lang, s->till, s->cashier);
	escpos_bold(e, 1);
	receipt_center(e, slip_tr(lang, "作废凭证", "Void"));
	escpos_bold(e, 0);
	receipt_lr(e, slip_tr(lang, "小票号", "Receipt"), s->receipt_no);
	receipt_lr(e, slip_tr(lang, "时间", "Time"), s->when);
	snprintf(v, sizeof(v), "%" PRId64, s->points);
	receipt_lr(e, slip_tr(lang, "退回积分", "Points back"), v);
	receipt_lr(e, slip_tr(lang, "授权店长", "Manager"), s->manager);
	receipt_rule(e, '-');
	escpos_line(e, slip_tr(lang, "原因:", "Reason:"));
	slip_wrap(e, s->reason);
	receipt_rule(e, '-');
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}

/* s in lines of the paper's width (at the current alignment). */
static void
slip_wrap(struct escpos *e, const char *s)
{
	char buf[512];
	size_t n;

	while (*s != '\0') {
		n = receipt_fit(buf, sizeof(buf), s, escpos_columns(e));
		if (n == 0 || n >= sizeof(buf)) {
			/* A newline, or a character wider than the line. */
			escpos_utf8_next(&s);
			continue;
		}
		escpos_line(e, buf);
		s += n;
	}
}

/* "label ..... value" on one line, else the label, the value under it. */
static void
slip_field(struct escpos *e, const char *label, const char *value)
{
	if (receipt_width(label) + 1 + receipt_width(value) <=
	    escpos_columns(e))
		receipt_lr(e, label, value);
	else {
		escpos_line(e, label);
		slip_wrap(e, value);
	}
}

void
slip_donation(struct escpos *e, const struct slip_donation *d)
{
	char left[TILL_NAME_MAX + 32], right[48], url[384];
	int64_t total = 0, v;
	size_t i;

	escpos_reset(e);
	escpos_init(e);
	slip_title(e, d->store); /* left centred */
	escpos_bold(e, 1);
	escpos_line(e, "捐赠收据");
	escpos_bold(e, 0);
	escpos_align(e, ESCPOS_LEFT);
	slip_field(e, "收据编号", d->receipt_code);
	slip_field(e, "捐赠方", d->donor);
	slip_field(e, "日期", d->date);
	receipt_rule(e, '-');
	if (d->cash_fen > 0) {
		money_format(d->cash_fen, right, sizeof(right));
		receipt_lr(e, "现金捐赠", right);
		slip_field(e, "捐入资金", d->fund != NULL ? d->fund : "");
		if (d->purpose != NULL && d->purpose[0] != '\0')
			slip_field(e, "定向用途", d->purpose);
		total = d->cash_fen;
	} else {
		receipt_lr(e, "物品 x 数量", "价值");
		for (i = 0; i < d->nlines; i++) {
			const struct slip_gift *g = &d->lines[i];

			if (g->qty < 0 || g->unit_value_fen < 0 ||
			    __builtin_mul_overflow(
			        g->qty, g->unit_value_fen, &v) ||
			    __builtin_add_overflow(total, v, &total)) {
				escpos_fail(e, DRV_EINVAL);
				return;
			}
			snprintf(left, sizeof(left), "%s x%" PRId64, g->name,
			    g->qty);
			money_format(v, right, sizeof(right));
			receipt_lr(e, left, right);
		}
	}
	receipt_rule(e, '-');
	money_format(total, right, sizeof(right));
	escpos_bold(e, 1);
	receipt_lr(e, "合计", right);
	escpos_bold(e, 0);
	receipt_rule(e, '-');
	escpos_align(e, ESCPOS_CENTER);
	if (d->address != NULL && d->address[0] != '\0') {
		/* The QR links to this donation's trace on the public pages;
		 * the address is printed for those who type it. */
		snprintf(url, sizeof(url), "%s/public/donations/%s", d->address,
		    d->receipt_code);
		if (escpos_profile(e)->qr)
			escpos_qr(e, url, 6, 'M');
		escpos_line(e, d->receipt_code);
		slip_wrap(e, "可凭收据编号在公示页查询去向:");
		slip_wrap(e, d->address);
	} else {
		if (escpos_profile(e)->qr)
			escpos_qr(e, d->receipt_code, 6, 'M');
		escpos_line(e, d->receipt_code);
		slip_wrap(e, "可凭收据编号在公示页查询去向");
	}
	escpos_line(e, "感谢您的爱心捐赠！");
	escpos_align(e, ESCPOS_LEFT);
	escpos_cut(e, ESCPOS_CUT_PARTIAL, 4);
}
