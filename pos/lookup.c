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
	char path[256], esc[128];

	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return;
	pg->a = a;
	pg->n = n;
	if (cursor != NULL) {
		client_escape(cursor, esc, sizeof(esc));
		snprintf(path, sizeof(path),
		    "/api/v1/items?limit=500&cursor=%s", esc);
	} else
		snprintf(path, sizeof(path), "/api/v1/items?limit=500");
	app_busy_inc(a);
	if (client_req(a->cl, "GET", path, NULL, lookup_prefetch_done, pg) <
	    0) {
		free(pg);
		app_busy_dec(a);
	}
}

struct lookup_call {
	struct app *a;
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

static void
lookup_household_done(const struct client_reply *r, void *arg)
{
	struct lookup_call *lk = arg;
	struct app *a = lk->a;
	struct till_household h;
	struct wire_err we;

	if (r->status == 200 && wire_household(r->json, &h) == 0) {
		snprintf(h.card, sizeof(h.card), "%s", lk->code);
		journal_cache_put(a->j, JOURNAL_HOUSEHOLD, lk->code, r->body);
		lookup_household_set(a, &h, 0);
		net_online(a);
	} else if (r->status == 404) {
		till_msg(&a->t, "unknown_card", "%s %s",
		    till_tr(&a->t, "没有这张家庭卡:", "no household has card"),
		    lk->code);
	} else if (r->status == 401) {
		net_expired(a);
	} else if (!net_answered(r)) {
		net_offline(a);
		if (lookup_household_cached(a, lk->code) < 0)
			till_msg(&a->t, "unknown_card", "%s %s",
			    till_tr(&a->t, "离线且本机没有该卡记录:",
			        "offline, and this till has not seen card"),
			    lk->code);
	} else {
		wire_error(r->json, &we);
		till_msg(&a->t, we.code, "%s", we.text);
	}
	free(lk);
	app_changed(a);
	app_busy_dec(a);
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

static void
lookup_item_done(const struct client_reply *r, void *arg)
{
	struct lookup_call *lk = arg;
	struct app *a = lk->a;
	struct till_item it;
	struct wire_err we;
	char *old;

	if (!a->t.has_hh) {
		/* The basket was cancelled while we asked. */
	} else if (r->status == 200 && wire_item(r->json, lk->code, &it) == 0) {
		old = journal_cache_get(a->j, JOURNAL_ITEM, lk->code);
		if (old == NULL || strcmp(old, r->body) != 0)
			journal_cache_put(
			    a->j, JOURNAL_ITEM, lk->code, r->body);
		free(old);
		lookup_item_add(a, &it);
		net_online(a);
	} else if (r->status == 404 || r->status == 400) {
		till_msg(&a->t, "unknown_item", "%s %s",
		    till_tr(&a->t, "没有这个商品:", "no item has code"),
		    lk->code);
	} else if (!net_answered(r)) {
		net_offline(a);
		if (lookup_item_cached(a, lk->code) < 0)
			till_msg(&a->t, "unknown_item", "%s %s",
			    till_tr(&a->t, "离线且本机没有该商品:",
			        "offline, and this till does not know item"),
			    lk->code);
	} else {
		wire_error(r->json, &we);
		till_msg(&a->t, we.code, "%s", we.text);
	}
	free(lk);
	app_changed(a);
	app_busy_dec(a);
}

static void
lookup_ask(struct app *a, const char *prefix, const char *code, client_cb cb)
{
	struct lookup_call *lk;
	char path[256], esc[3 * TILL_CODE_MAX];

	if ((lk = calloc(1, sizeof(*lk))) == NULL)
		return;
	lk->a = a;
	snprintf(lk->code, sizeof(lk->code), "%s", code);
	client_escape(code, esc, sizeof(esc));
	snprintf(path, sizeof(path), "%s%s", prefix, esc);
	app_busy_inc(a);
	if (client_req(a->cl, "GET", path, NULL, cb, lk) < 0) {
		struct client_reply r = {0};

		cb(&r, lk); /* as if unreachable: falls back to the cache */
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
		lookup_ask(a, "/api/v1/households/by-card/", code,
		    lookup_household_done);
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
		lookup_ask(
		    a, "/api/v1/items/by-barcode/", code, lookup_item_done);
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
