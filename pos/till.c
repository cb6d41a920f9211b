/*
 * till.c: the basket and its rules, as a pure state machine.  The loop
 * feeds it what the server (or the cache) said; it never does I/O, so the
 * rules the cashier sees before confirming are unit-tested directly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pos.h"

void
till_init(struct till *t, enum till_lang lang, int64_t offline_cap)
{
	memset(t, 0, sizeof(*t));
	t->lang = lang;
	t->offline_cap = offline_cap;
	t->online = 1;
	t->stage = TILL_LOGIN;
}

const char *
till_tr(const struct till *t, const char *zh, const char *en)
{
	return t->lang == TILL_EN ? en : zh;
}

void
till_msg(struct till *t, const char *code, const char *fmt, ...)
{
	struct till_msg *m;
	va_list ap;

	/* Keep the newest: drop the oldest when full. */
	if (t->nmsgs == TILL_MAX_MSGS) {
		memmove(&t->msgs[0], &t->msgs[1],
		    sizeof(t->msgs[0]) * (TILL_MAX_MSGS - 1));
		t->nmsgs--;
	}
	m = &t->msgs[t->nmsgs++];
	snprintf(m->code, sizeof(m->code), "%s", code);
	va_start(ap, fmt);
	vsnprintf(m->text, sizeof(m->text), fmt, ap);
	va_end(ap);
	t->seq++;
}

void
till_msgs_clear(struct till *t)
{
	t->nmsgs = 0;
}

void
till_login(struct till *t, const char *user, const char *role)
{
	snprintf(t->user, sizeof(t->user), "%s", user);
	snprintf(t->role, sizeof(t->role), "%s", role);
	t->stage = TILL_CARD;
	t->seq++;
}

void
till_logout(struct till *t)
{
	till_cancel(t);
	t->user[0] = t->role[0] = '\0';
	t->stage = TILL_LOGIN;
}

void
till_household(struct till *t, const struct till_household *h)
{
	t->hh = *h;
	t->has_hh = 1;
	t->stage = TILL_BASKET;
	till_check(t);
	t->seq++;
}

int
till_add(struct till *t, const struct till_item *it)
{
	size_t i;

	for (i = 0; i < t->nlines; i++) {
		if (t->lines[i].item.id != it->id)
			continue;
		if (t->lines[i].qty >= TILL_MAX_QTY) {
			till_msg(t, "bad_quantity", "%s",
			    till_tr(
			        t, "数量已达上限", "quantity at its maximum"));
			return -1;
		}
		t->lines[i].qty++;
		t->cursor = i;
		till_check(t);
		t->seq++;
		return (int)i;
	}
	if (t->nlines == TILL_MAX_LINES) {
		till_msg(t, "basket_full", "%s",
		    till_tr(t, "购物篮已满", "the basket is full"));
		return -1;
	}
	memset(&t->lines[t->nlines], 0, sizeof(t->lines[0]));
	t->lines[t->nlines].item = *it;
	t->lines[t->nlines].qty = 1;
	t->cursor = t->nlines;
	t->nlines++;
	till_check(t);
	t->seq++;
	return (int)(t->nlines - 1);
}

int
till_qty(struct till *t, size_t idx, int64_t qty)
{
	if (idx >= t->nlines)
		return -1;
	if (qty < 0 || qty > TILL_MAX_QTY) {
		till_msg(t, "bad_quantity",
		    till_tr(
		        t, "数量须在 0 到 %d 之间", "quantity must be 0 to %d"),
		    TILL_MAX_QTY);
		return -1;
	}
	if (qty == 0)
		return till_remove(t, idx);
	t->lines[idx].qty = qty;
	t->cursor = idx;
	till_check(t);
	t->seq++;
	return 0;
}

int
till_remove(struct till *t, size_t idx)
{
	if (idx >= t->nlines)
		return -1;
	memmove(&t->lines[idx], &t->lines[idx + 1],
	    sizeof(t->lines[0]) * (t->nlines - idx - 1));
	t->nlines--;
	if (t->cursor >= t->nlines)
		t->cursor = t->nlines ? t->nlines - 1 : 0;
	till_check(t);
	t->seq++;
	return 0;
}

void
till_cancel(struct till *t)
{
	t->sale = 0;
	t->pay_method[0] = t->pay_ref[0] = '\0';
	t->nlines = 0;
	t->cursor = 0;
	t->has_hh = 0;
	memset(&t->hh, 0, sizeof(t->hh));
	if (t->stage != TILL_LOGIN)
		t->stage = TILL_CARD;
	t->seq++;
}

/* Bounds (qty <= 999, points <= 1e8, 64 lines) keep this far from
 * overflow; the check stays so a wrong bound cannot wrap silently. */
static int
till_mul_add(int64_t *acc, int64_t a, int64_t b)
{
	int64_t p;

	if (__builtin_mul_overflow(a, b, &p) ||
	    __builtin_add_overflow(*acc, p, acc))
		return -1;
	return 0;
}

int64_t
till_total(const struct till *t)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < t->nlines; i++)
		if (till_mul_add(
		        &sum, t->lines[i].item.points, t->lines[i].qty) < 0)
			return -1;
	return sum;
}

int64_t
till_goods(const struct till *t)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < t->nlines; i++)
		sum += t->lines[i].qty;
	return sum;
}

int64_t
till_balance_after(const struct till *t)
{
	int64_t total = till_total(t);

	if (!t->has_hh || total < 0)
		return 0;
	return t->hh.points - total;
}

int64_t
till_remaining(const struct till *t, const struct till_item *it)
{
	size_t i;

	if (it->monthly_limit < 0)
		return -1;
	for (i = 0; i < t->hh.nlimits; i++)
		if (t->hh.limits[i].item_id == it->id)
			return t->hh.limits[i].remaining - it->held;
	/* Nothing taken this month, apart from the unsent journal. */
	return it->monthly_limit - it->held;
}

int
till_find(const struct till *t, int64_t item_id)
{
	size_t i;

	for (i = 0; i < t->nlines; i++)
		if (t->lines[i].item.id == item_id)
			return (int)i;
	return -1;
}

size_t
till_check(struct till *t)
{
	int64_t run = 0, cap = t->hh.points, rem;
	size_t i, n = 0;
	int active = !t->has_hh || strcmp(t->hh.status, "active") == 0;

	if (t->sale) { /* no household: none of its rules */
		for (i = 0; i < t->nlines; i++)
			t->lines[i].flags = 0;
		return 0;
	}
	if (!t->online && t->offline_cap - t->offline_used < cap)
		cap = t->offline_cap - t->offline_used;
	for (i = 0; i < t->nlines; i++) {
		struct till_line *l = &t->lines[i];

		l->flags = 0;
		if (!active)
			l->flags |= TILL_F_INACTIVE;
		if (l->item.priority_only && !t->hh.priority)
			l->flags |= TILL_F_PRIORITY;
		rem = till_remaining(t, &l->item);
		if (rem >= 0 && l->qty > rem)
			l->flags |= TILL_F_LIMIT;
		/* The lines that take the running total past the balance. */
		if (till_mul_add(&run, l->item.points, l->qty) < 0 ||
		    run > t->hh.points)
			l->flags |= TILL_F_POINTS;
		else if (!t->online && run > cap)
			l->flags |= TILL_F_OFFCAP;
		if (l->flags)
			n++;
	}
	return n;
}

const char *
till_flag_code(unsigned flag)
{
	switch (flag) {
	case TILL_F_POINTS:
		return "insufficient_points";
	case TILL_F_LIMIT:
		return "limit_exceeded";
	case TILL_F_PRIORITY:
		return "priority_only";
	case TILL_F_INACTIVE:
		return "household_inactive";
	case TILL_F_OFFCAP:
		return "offline_cap";
	}
	return "unknown";
}

const char *
till_flag_short(const struct till *t, unsigned flag)
{
	switch (flag) {
	case TILL_F_POINTS:
		return till_tr(t, "积分不足", "points");
	case TILL_F_LIMIT:
		return till_tr(t, "超限", "limit");
	case TILL_F_PRIORITY:
		return till_tr(t, "限优先户", "priority");
	case TILL_F_INACTIVE:
		return till_tr(t, "已停用", "inactive");
	case TILL_F_OFFCAP:
		return till_tr(t, "超离线额", "offline cap");
	}
	return "?";
}

const char *
till_category(const struct till *t, const char *code)
{
	static const char *const names[][3] = {
	    {"tekun", "特困供养", "extreme poverty"},
	    {"dibao", "低保", "minimum living"},
	    {"emergency", "临时/应急困难", "emergency"},
	    {"illness", "因病致贫", "illness"},
	    {"low_income", "低收入", "low income"},
	    {"other", "其他", "other"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(code, names[i][0]) == 0)
			return till_tr(t, names[i][1], names[i][2]);
	return code;
}

void
till_refusal(const struct till *t, const char *code, const char *name,
    const int64_t v[3], const char *fallback, char *out, size_t size)
{
	long long a = (long long)v[0], b = (long long)v[1];
	long long c = (long long)v[2];

	if (strcmp(code, "limit_exceeded") == 0)
		snprintf(out, size,
		    till_tr(t, "%s：本月限 %lld，已领 %lld，本单 %lld",
		        "%s: %lld a month, %lld taken, %lld asked"),
		    name, a, b, c);
	else if (strcmp(code, "insufficient_points") == 0)
		snprintf(out, size,
		    till_tr(t, "积分不足：需要 %lld，余额 %lld",
		        "not enough points: %lld needed, %lld left"),
		    a, b);
	else if (strcmp(code, "insufficient_stock") == 0)
		snprintf(out, size,
		    till_tr(t, "%s：库存只有 %lld，要 %lld",
		        "%s: %lld in stock, %lld asked"),
		    name, a, b);
	else if (strcmp(code, "priority_only") == 0)
		snprintf(out, size, "%s：%s", name,
		    till_tr(t, "仅限优先救助家庭", "priority households only"));
	else if (strcmp(code, "household_inactive") == 0)
		snprintf(out, size, "%s",
		    till_tr(t, "家庭已暂停或过期",
		        "household suspended or expired"));
	else if (strcmp(code, "item_inactive") == 0)
		snprintf(
		    out, size, "%s：%s", name, till_tr(t, "已停用", "retired"));
	else if (strcmp(code, "offline_cap") == 0)
		snprintf(out, size, "%s：%s", name,
		    till_tr(t, "超过离线限额", "over the offline cap"));
	else
		snprintf(out, size, "%s", fallback);
}

static const char *
till_flag_text(const struct till *t, unsigned flag)
{
	switch (flag) {
	case TILL_F_POINTS:
		return till_tr(t, "积分不足", "not enough points");
	case TILL_F_LIMIT:
		return till_tr(t, "超过本月限量", "over the monthly limit");
	case TILL_F_PRIORITY:
		return till_tr(
		    t, "仅限优先救助家庭", "for priority households only");
	case TILL_F_INACTIVE:
		return till_tr(
		    t, "家庭已暂停或过期", "household suspended or expired");
	case TILL_F_OFFCAP:
		return till_tr(t, "超过离线限额", "over the offline cap");
	}
	return "?";
}

void
till_sale(struct till *t)
{
	if (t->stage == TILL_LOGIN) {
		till_msg(t, "login_first", "%s",
		    till_tr(t, "请先登录", "log in first"));
		return;
	}
	till_cancel(t);
	t->sale = 1;
	t->stage = TILL_BASKET;
	memcpy(t->pay_method, "cash", sizeof("cash"));
	t->seq++;
}

int
till_pay(struct till *t, const char *method, const char *ref)
{
	size_t i, n = strlen(ref);

	if (!t->sale) {
		till_msg(t, "not_sale", "%s",
		    till_tr(t, "不是义卖", "not a charity sale"));
		return -1;
	}
	if (strcmp(method, "cash") != 0 && strcmp(method, "qr") != 0) {
		till_msg(t, "bad_payment", "%s",
		    till_tr(t, "付款方式：现金或扫码", "pay by cash or qr"));
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)ref[i] < 0x21 ||
		    (unsigned char)ref[i] > 0x7E)
			break;
	if (i < n || n >= sizeof(t->pay_ref) ||
	    (n == 0 && strcmp(method, "qr") == 0)) {
		till_msg(t, "bad_reference", "%s",
		    till_tr(t, "扫码付款需要 1 到 63 个字符的交易号",
		        "a qr payment needs its reference, 1 to 63 "
		        "characters"));
		return -1;
	}
	snprintf(t->pay_method, sizeof(t->pay_method), "%s", method);
	memcpy(t->pay_ref, ref, n + 1);
	t->seq++;
	return 0;
}

int64_t
till_sale_total(const struct till *t)
{
	int64_t sum = 0;
	size_t i;

	for (i = 0; i < t->nlines; i++)
		if (till_mul_add(&sum, t->lines[i].item.sale_price_fen,
		        t->lines[i].qty) < 0)
			return -1;
	return sum;
}

/* A sale may be confirmed: lines, each priced, and its payment. */
static int
till_sale_ready(struct till *t)
{
	size_t i;

	if (t->nlines == 0) {
		till_msg(t, "empty_basket", "%s",
		    till_tr(t, "购物篮是空的", "the basket is empty"));
		return -1;
	}
	for (i = 0; i < t->nlines; i++)
		if (t->lines[i].item.sale_price_fen <= 0) {
			till_msg(t, "not_for_sale", "%s: %s",
			    t->lines[i].item.name,
			    till_tr(t, "没有义卖价格", "has no sale price"));
			return -1;
		}
	if (strcmp(t->pay_method, "qr") == 0 && t->pay_ref[0] == '\0') {
		till_msg(t, "bad_reference", "%s",
		    till_tr(t, "扫码付款需要交易号",
		        "a qr payment needs its reference"));
		return -1;
	}
	return till_sale_total(t) < 0 ? -1 : 0;
}

int
till_can_confirm(struct till *t)
{
	size_t i;
	unsigned f;

	if (t->sale)
		return till_sale_ready(t);
	if (t->stage != TILL_BASKET || !t->has_hh) {
		till_msg(t, "no_household", "%s",
		    till_tr(t, "请先刷家庭卡", "scan a household card first"));
		return -1;
	}
	if (t->nlines == 0) {
		till_msg(t, "empty_basket", "%s",
		    till_tr(t, "购物篮是空的", "the basket is empty"));
		return -1;
	}
	if (till_check(t) == 0)
		return 0;
	for (i = 0; i < t->nlines; i++) {
		const struct till_line *l = &t->lines[i];

		for (f = 1; f <= TILL_F_OFFCAP; f <<= 1) {
			if (!(l->flags & f))
				continue;
			if (f == TILL_F_LIMIT) {
				/* With its figures: the month's limit, what
				 * is taken (the journal's share included). */
				int64_t rem = till_remaining(t, &l->item);
				int64_t v[3] = {l->item.monthly_limit,
				    l->item.monthly_limit - rem, l->qty};
				char text[sizeof(t->msgs[0].text)];

				till_refusal(t, "limit_exceeded", l->item.name,
				    v, "", text, sizeof(text));
				till_msg(t, till_flag_code(f), "%s", text);
			} else
				till_msg(t, till_flag_code(f), "%s: %s",
				    l->item.name, till_flag_text(t, f));
			return -1;
		}
	}
	return -1;
}
