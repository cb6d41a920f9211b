/*
 * GET /public/ledger-heads: every published month's ledger head with its
 * publication time, for anyone to keep (print, mirror, archive): a past
 * row rewritten later, even with the whole chain recomputed, no longer
 * gives these heads, and `cishan-server verify` says so.
 */
#include <string.h>

#include "http.h"

static int
res_heads_row(const void *row, void *arg)
{
	const struct db_head *h = row;
	struct http_list *l = arg;
	cJSON *o = json_new();

	json_add_str(o, "period", h->period);
	json_add_time(o, "published_at", (time_t)h->published_at);
	json_add_str(o, "ledger_head", h->ledger_head);
	http_list_add(l, o, 0);
	return 0;
}

void
res_heads_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	http_list_all(&l);
	if (db_notice_heads(http_db(r), res_heads_row, &l) != DB_OK) {
		fault_db(&f, DB_ERR);
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}
