/* /api/v1/stock: levels by item and lot, adjustments, the movement log. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct res_stock_page {
	struct db *db;
	cJSON *items;
	cJSON *lots;
	const char *before;
	int64_t last;
	int n;
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
	cJSON_AddItemToArray(p->items, o);
	p->last = s->item_id;
	p->n++;
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
	const char *cat, *days;
	char today[CLOCK_DATE_LEN], before[CLOCK_DATE_LEN];
	char *end;
	int64_t after;
	long long n;
	int limit;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	if (http_page(r, &limit, &after, &f) != 0)
		goto fail;
	cat = http_query(r, "category");
	if ((days = http_query(r, "expiring_within_days")) != NULL) {
		n = strtoll(days, &end, 10);
		if (*days == '\0' || *end != '\0' || n < 0 || n > 3650) {
			fault_field(&f, FAULT_BAD, "bad_field",
			    "expiring_within_days",
			    "expiring_within_days must be 0 to 3650");
			goto fail;
		}
		clock_today(today);
		clock_date_add(today, n, before);
		p.before = before;
	}
	p.db = http_db(r);
	p.items = cJSON_CreateArray();
	if (db_stock_list(p.db, cat, p.before, after, limit, res_stock_row,
	        &p) != DB_OK ||
	    p.failed) {
		cJSON_Delete(p.items);
		fault_db(&f, DB_ERR);
		goto fail;
	}
	http_reply_list(r, p.items, p.n == limit ? p.last : 0);
	return;
fail:
	http_fault(r, &f);
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

struct res_movements_page {
	cJSON *items;
	int64_t last;
	int n;
};

static int
res_stock_movement(const void *row, void *arg)
{
	const struct db_movement *m = row;
	struct res_movements_page *p = arg;
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
	cJSON_AddItemToArray(p->items, o);
	p->last = m->id;
	p->n++;
	return 0;
}

void
res_stock_movements(struct req *r)
{
	struct res_movements_page p;
	struct fault f;
	const char *s;
	char *end;
	int64_t after, from, to, item = 0;
	int limit;

	memset(&f, 0, sizeof(f));
	if (http_page(r, &limit, &after, &f) != 0 ||
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
	memset(&p, 0, sizeof(p));
	p.items = cJSON_CreateArray();
	if (db_movement_list(http_db(r), item, from, to, after, limit,
	        res_stock_movement, &p) != DB_OK) {
		cJSON_Delete(p.items);
		fault_db(&f, DB_ERR);
		goto fail;
	}
	http_reply_list(r, p.items, p.n == limit ? p.last : 0);
	return;
fail:
	http_fault(r, &f);
}
