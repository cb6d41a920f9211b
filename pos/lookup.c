/*
 * lookup.c: what a scan or a search asks the server, and the caches that
 * answer when it cannot.  A household card or a barcode is looked up on
 * the server, its answer kept in the journal's cache; offline the cache
 * answers (all items are prefetched at log-in).  What the unsent journal
 * still holds is taken off balances and limits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

#define LOOKUP_PAGES 20 /* item pages prefetched at log-in (500 each) */

struct lookup_page {
	struct app *a;
	int n;
};

static void
lookup_prefetch_put(const char *barcode, const char *json, void *arg)
{
	struct app *a = arg;

	journal_cache_put(a->j, JOURNAL_ITEM, barcode, json);
}

static void
lookup_prefetch_done(const struct client_reply *r, void *arg)
{
	struct lookup_page *pg = arg;
	struct app *a = pg->a;
	char next[256];

	if (r->status == 200) {
		journal_batch(a->j, 1);
		wire_items_each(r->json, lookup_prefetch_put, a);
		journal_batch(a->j, 0);
		if (wire_next(r->json, next, sizeof(next)) &&
		    pg->n + 1 < LOOKUP_PAGES)
			lookup_prefetch(a, next, pg->n + 1);
	} else if (!net_answered(r))
		net_offline(a);
	free(pg);
	app_busy_dec(a);
}

void
lookup_prefetch(struct app *a, const char *cursor, int n)
{
	struct lookup_page *pg;
	char path[1024];

	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return;
	pg->a = a;
	pg->n = n;
	client_page("/api/v1/items", cursor, path, sizeof(path));
	app_busy_inc(a);
	if (client_req(a->cl, "GET", path, NULL, lookup_prefetch_done, pg) <
	    0) {
		free(pg);
		app_busy_dec(a);
	}
}

/* A household card or an item's barcode: what differs between them. */
struct lookup_kind {
	const char *path; /* the code is appended */
	int (*found)(struct app *, const struct client_reply *, const char *);
	int (*cached)(struct app *, const char *code);
	const char *unknown; /* the message when nothing has the code */
	const char *zh, *en, *zh_off, *en_off;
	int bad_is_unknown; /* a 400 (no such code can exist) says unknown */
	int basket;         /* dropped if the basket went meanwhile */
};

struct lookup_call {
	struct app *a;
	const struct lookup_kind *k;
	char code[TILL_CODE_MAX];
};

/* Apply what the unsent journal still holds for this card. */
static void
lookup_household_set(struct app *a, struct till_household *h, int cached)
{
	int64_t held = 0, off = 0, qty;

	if (journal_held(a->j, h->card, 0, &held, &off, &qty) == 0) {
		h->points = h->points > held ? h->points - held : 0;
		a->t.offline_used = off;
	}
	h->cached = cached;
	till_household(&a->t, h);
	if (strcmp(h->status, "active") != 0)
		till_msg(&a->t, "household_inactive", "%s",
		    till_tr(&a->t, "该家庭已暂停或过期",
		        "this household is suspended or expired"));
	else
		till_msg(&a->t, "household", "%s %s %" PRId64, h->name_masked,
		    till_tr(&a->t, "积分余额", "balance"), h->points);
}

static int
lookup_household_cached(struct app *a, const char *card)
{
	struct till_household h;
	char *js = journal_cache_get(a->j, JOURNAL_HOUSEHOLD, card);
	int rc = -1;

	if (wire_household_text(js, &h) == 0) {
		snprintf(h.card, sizeof(h.card), "%s", card);
		lookup_household_set(a, &h, 1);
		rc = 0;
	}
	free(js);
	return rc;
}

static int
lookup_household_found(
    struct app *a, const struct client_reply *r, const char *card)
{
	struct till_household h;

	if (wire_household(r->json, &h) < 0)
		return -1;
	snprintf(h.card, sizeof(h.card), "%s", card);
	journal_cache_put(a->j, JOURNAL_HOUSEHOLD, card, r->body);
	lookup_household_set(a, &h, 0);
	return 0;
}

static void
lookup_item_add(struct app *a, struct till_item *it)
{
	int64_t pts, off, held = 0;
	int idx;

	if (a->t.has_hh &&
	    journal_held(a->j, a->t.hh.card, it->id, &pts, &off, &held) == 0)
		it->held = held;
	if ((idx = till_add(&a->t, it)) < 0)
		return;
	if (a->t.lines[idx].flags != 0)
		till_msg(&a->t, "flagged", "%s: %s", it->name,
		    till_tr(&a->t, "不符合发放规则，确认前请修改",
		        "breaks a rule: change it before confirming"));
}

static int
lookup_item_cached(struct app *a, const char *code)
{
	struct till_item it;
	char *js = journal_cache_get(a->j, JOURNAL_ITEM, code);
	int rc = -1;

	if (wire_item_text(js, code, &it) == 0) {
		lookup_item_add(a, &it);
		rc = 0;
	}
	free(js);
	return rc;
}

static int
lookup_item_found(struct app *a, const struct client_reply *r, const char *code)
{
	struct till_item it;
	char *old;

	if (wire_item(r->json, code, &it) < 0)
		return -1;
	/* Written only when it changed: a scan should not cost a write. */
	old = journal_cache_get(a->j, JOURNAL_ITEM, code);
	if (old == NULL || strcmp(old, r->body) != 0)
		journal_cache_put(a->j, JOURNAL_ITEM, code, r->body);
	free(old);
	lookup_item_add(a, &it);
	return 0;
}

static const struct lookup_kind lookup_household = {
    .path = "/api/v1/households/by-card/",
    .found = lookup_household_found,
    .cached = lookup_household_cached,
    .unknown = "unknown_card",
    .zh = "没有这张家庭卡:",
    .en = "no household has card",
    .zh_off = "离线且本机没有该卡记录:",
    .en_off = "offline, and this till has not seen card",
};
static const struct lookup_kind lookup_item = {
    .path = "/api/v1/items/by-barcode/",
    .found = lookup_item_found,
    .cached = lookup_item_cached,
    .unknown = "unknown_item",
    .zh = "没有这个商品:",
    .en = "no item has code",
    .zh_off = "离线且本机没有该商品:",
    .en_off = "offline, and this till does not know item",
    .bad_is_unknown = 1,
    .basket = 1,
};

static void
lookup_done(const struct client_reply *r, void *arg)
{
	struct lookup_call *lk = arg;
	const struct lookup_kind *k = lk->k;
	struct app *a = lk->a;
	struct wire_err we;

	if (k->basket && !a->t.has_hh && !a->t.sale) {
		/* The basket was cancelled while we asked. */
	} else if (r->status == 200 && k->found(a, r, lk->code) == 0) {
		net_online(a);
	} else if (r->status == 404 ||
	    (r->status == 400 && k->bad_is_unknown)) {
		till_msg(&a->t, k->unknown, "%s %s",
		    till_tr(&a->t, k->zh, k->en), lk->code);
	} else if (r->status == 401) {
		net_expired(a);
	} else if (!net_answered(r)) {
		net_offline(a);
		if (k->cached(a, lk->code) < 0)
			till_msg(&a->t, k->unknown, "%s %s",
			    till_tr(&a->t, k->zh_off, k->en_off), lk->code);
	} else {
		wire_error(r->json, &we);
		till_msg(&a->t, we.code, "%s", we.text);
	}
	free(lk);
	app_changed(a);
	app_busy_dec(a);
}

static void
lookup_ask(struct app *a, const struct lookup_kind *k, const char *code)
{
	struct lookup_call *lk;
	char path[256], esc[3 * TILL_CODE_MAX];

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return;
	lk->a = a;
	lk->k = k;
	snprintf(lk->code, sizeof(lk->code), "%s", code);
	client_escape(code, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s%s", k->path, esc);
	app_busy_inc(a);
	if (client_req(a->cl, "GET", path, NULL, lookup_done, lk) < 0) {
		struct client_reply r = {0};

		lookup_done(&r, lk); /* as if unreachable: the cache answers */
	}
}

void
lookup_scan(struct app *a, const char *code)
{
	size_t n = strlen(code), i;

	if (n == 0)
		return;
	if (n >= TILL_CODE_MAX) {
		till_msg(&a->t, "bad_code", "%s",
		    till_tr(&a->t, "条码太长", "code too long"));
		goto out;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)code[i] < 0x21 ||
		    (unsigned char)code[i] > 0x7E) {
			till_msg(&a->t, "bad_code", "%s",
			    till_tr(&a->t, "条码含非法字符",
			        "code has characters a barcode cannot have"));
			goto out;
		}
	if (sync_confirming(a)) {
		till_msg(&a->t, "busy", "%s",
		    till_tr(&a->t, "正在提交，请稍候", "confirming: wait"));
		goto out;
	}
	switch (a->t.stage) {
	case TILL_LOGIN:
		till_msg(&a->t, "login_first", "%s",
		    till_tr(&a->t, "请先登录", "log in first"));
		break;
	case TILL_CARD:
		/* The server even offline: it may be back, else the cache. */
		lookup_ask(a, &lookup_household, code);
		return;
	case TILL_BASKET:
		for (i = 0; i < a->t.nlines; i++)
			if (strcmp(a->t.lines[i].item.barcode, code) == 0) {
				lookup_item_add(a, &a->t.lines[i].item);
				goto out;
			}
		/* Offline, the cache first: items are all prefetched. */
		if (!net_up(a) && lookup_item_cached(a, code) == 0)
			goto out;
		lookup_ask(a, &lookup_item, code);
		return;
	}
out:
	app_changed(a);
}

static void
lookup_search_done(const struct client_reply *r, void *arg)
{
	struct app *a = arg;

	a->nresults = 0;
	if (r->status == 200) {
		a->nresults = wire_items(r->json, a->results, LOOKUP_RESULTS);
		till_msg(&a->t, "search", "%s %zu",
		    till_tr(&a->t, "找到商品:", "items found:"), a->nresults);
	} else {
		till_msg(&a->t, "search_failed", "%s",
		    till_tr(&a->t, "搜索失败", "search failed"));
		if (!net_answered(r))
			net_offline(a);
	}
	app_changed(a);
	app_busy_dec(a);
}

void
lookup_search(struct app *a, const char *text)
{
	char path[512], esc[300];

	if (strlen(text) == 0 || strlen(text) > 90)
		return;
	client_escape(text, esc, sizeof(esc));
	snprintf(path, sizeof(path), "/api/v1/items?limit=%d&q=%s",
	    LOOKUP_RESULTS, esc);
	app_busy_inc(a);
	if (client_req(a->cl, "GET", path, NULL, lookup_search_done, a) < 0)
		app_busy_dec(a);
}
