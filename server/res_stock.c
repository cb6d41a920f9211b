/* /api/v1/stock: levels by item and lot, adjustments, the movement log. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct res_stock_page {
	struct http_list l;
	struct db *db;
	const char *before;
	int failed;
};

static int
res_stock_lot(const void *row, void *arg)
{
	const struct db_lot *l = row;
	cJSON *o = json_new();

	json_add_int(o, "lot_id", l->id);
	json_add_int(o, "on_hand", l->on_hand);
	if (l->expires_on[0] != '\0')
		json_add_str(o, "expires_on", l->expires_on);
	else
		cJSON_AddNullToObject(o, "expires_on");
	json_add_int(o, "unit_value_fen", l->unit_value_fen);
	json_add_str(o, "source", l->source);
	json_add_str(o, "received_on", l->received_on);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static int
res_stock_row(const void *row, void *arg)
{
	const struct db_stock *s = row;
	struct res_stock_page *p = arg;
	cJSON *o = json_new(), *lots = cJSON_CreateArray();

	json_add_int(o, "item_id", s->item_id);
	json_add_str(o, "name", s->name);
	json_add_str(o, "category", s->category);
	json_add_str(o, "unit", s->unit);
	json_add_int(o, "on_hand", s->on_hand);
	json_add_int(o, "value_fen", s->value_fen);
	json_add_int(o, "min_stock", s->min_stock);
	json_add_bool(o, "low", s->min_stock > 0 && s->on_hand < s->min_stock);
	cJSON_AddItemToObject(o, "lots", lots);
	http_list_add(&p->l, o, s->item_id);
	if (db_lots_live(p->db, s->item_id, p->before, res_stock_lot, lots) !=
	    DB_OK) {
		p->failed = 1;
		return 1;
	}
	return 0;
}

void
res_stock_list(struct req *r)
{
	struct res_stock_page p;
	struct fault f;
	char before[CLOCK_DATE_LEN];
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	p.db = http_db(r);
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    (rc = http_days_ahead(r, "expiring_within_days", before, &f)) < 0) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	p.before = rc ? before : NULL; /* and only the lots expiring by then */
	if (db_stock_list(p.db, http_query(r, "category"), p.before, p.l.after,
	        p.l.limit, res_stock_row, &p) != DB_OK ||
	    p.failed) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}

void
res_stock_adjust(struct req *r)
{
	struct db_adjustment a;
	struct fault f;
	const cJSON *b;
	cJSON *o;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&a, 0, sizeof(a));
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, a.client_id, sizeof(a.client_id), &f) < 0 ||
	    json_int(b, "lot_id", 1, 1, INT64_MAX, &a.lot_id, &f) < 0 ||
	    json_int(b, "quantity_delta", 1, -LIMIT_QUANTITY, LIMIT_QUANTITY,
	        &a.quantity_delta, &f) < 0 ||
	    json_str(b, "reason", 1, sizeof(a.reason) - 1, a.reason,
	        sizeof(a.reason), &f) < 0)
		goto fail;
	memcpy(a.req_hash, http_body_hash(r), 32);
	if (stock_adjust(http_db(r), http_actor(r), &a, &replayed, &f) != 0)
		goto fail;
	o = json_new();
	json_add_int(o, "id", a.id);
	json_add_str(o, "client_id", a.client_id);
	json_add_int(o, "lot_id", a.lot_id);
	json_add_int(o, "quantity_delta", a.quantity_delta);
	json_add_str(o, "reason", a.reason);
	json_add_time(o, "created_at", (time_t)a.created_at);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	http_fault(r, &f);
}

static int
res_stock_movement(const void *row, void *arg)
{
	const struct db_movement *m = row;
	cJSON *o = json_new();

	json_add_int(o, "id", m->id);
	json_add_int(o, "lot_id", m->lot_id);
	json_add_int(o, "item_id", m->item_id);
	json_add_str(o, "kind", m->kind);
	json_add_str(o, "reason", m->reason);
	json_add_int(o, "quantity", m->quantity);
	if (m->ref_id > 0)
		json_add_int(o, "ref_id", m->ref_id);
	json_add_time(o, "at", (time_t)m->at);
	if (m->user_id > 0)
		json_add_int(o, "user_id", m->user_id);
	http_list_add(arg, o, m->id);
	return 0;
}

void
res_stock_movements(struct req *r)
{
	struct http_list l;
	struct fault f;
	const char *s;
	char *end;
	int64_t from, to, item = 0;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0 ||
	    http_range(r, &from, &to, &f) != 0)
		goto fail;
	if ((s = http_query(r, "item_id")) != NULL) {
		item = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || item <= 0) {
			fault_field(&f, FAULT_BAD, "bad_field", "item_id",
			    "item_id must be a positive integer");
			goto fail;
		}
	}
	if (db_movement_list(http_db(r), item, from, to, l.after, l.limit,
	        res_stock_movement, &l) != DB_OK)
		goto fail;
	http_list_reply(r, &l);
	return;
fail:
	http_list_fail(r, &l, &f);
}
