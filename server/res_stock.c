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
	int rc, low;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	p.db = http_db(r);
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    http_query_bool(r, "low", &low, &f) != 0 ||
	    (rc = http_days_ahead(r, "expiring_within_days", before, &f)) < 0) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	p.before = rc ? before : NULL; /* and only the lots expiring by then */
	if (db_stock_list(p.db, http_query(r, "category"), p.before, low,
	        p.l.after, p.l.limit, res_stock_row, &p) != DB_OK ||
	    p.failed) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}

/* An optional note: a string of at most 200 characters (code points). */
static int
res_stock_note(const cJSON *b, char *note, struct fault *f)
{
	if (json_str(b, "note", 0, DB_NOTE_MAX - 1, note, DB_NOTE_MAX, f) < 0)
		return -1;
	if (!stock_note_valid(note))
		return fault_field(f, FAULT_BAD, "bad_field", "note",
		    "note is longer than 200 characters");
	return 0;
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
	        sizeof(a.reason), &f) < 0 ||
	    res_stock_note(b, a.note, &f) < 0)
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
	json_add_str(o, "note", a.note);
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
	if (strcmp(m->kind, "adjust") == 0) {
		json_add_str(o, "note", m->note);
		if (m->stocktake_id > 0)
			json_add_int(o, "stocktake_id", m->stocktake_id);
		else
			cJSON_AddNullToObject(o, "stocktake_id");
	}
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

static int
res_stock_count_parse(const cJSON *b, struct stock_count *in, struct fault *f)
{
	const cJSON *lines, *l;
	int i;

	if (json_client_id(b, in->client_id, sizeof(in->client_id), f) < 0 ||
	    res_stock_note(b, in->note, f) < 0 ||
	    (lines = json_array(b, "lines", 1, LIMIT_LINES, &in->nlines, f)) ==
	        NULL)
		return -1;
	if (in->nlines == 0)
		return fault_field(f, FAULT_BAD, "bad_field", "lines",
		    "a stocktake counts at least one lot");
	for (i = 0; i < in->nlines; i++) {
		l = cJSON_GetArrayItem(lines, i);
		if (json_object(l, "", f) < 0 ||
		    json_int(l, "lot_id", 1, 1, INT64_MAX, &in->lines[i].lot_id,
		        f) < 0 ||
		    json_int(l, "counted", 1, 0, LIMIT_QUANTITY,
		        &in->lines[i].counted, f) < 0) {
			json_prefix(f, "lines", i);
			return -1;
		}
	}
	return 0;
}

void
res_stock_count(struct req *r)
{
	struct stock_count *in;
	struct stock_count_result *res;
	struct fault f;
	const cJSON *b;
	cJSON *o, *adj, *a;
	int i, replayed;

	memset(&f, 0, sizeof(f));
	if ((in = calloc(1, sizeof(*in))) == NULL ||
	    (res = calloc(1, sizeof(*res))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    res_stock_count_parse(b, in, &f) != 0)
		goto fail;
	memcpy(in->req_hash, http_body_hash(r), 32);
	if (stock_count(http_db(r), http_actor(r), in, res, &replayed, &f) !=
	    0) {
		json_fault_path(&f, "lines");
		goto fail;
	}
	o = json_new();
	json_add_int(o, "id", res->s.id);
	json_add_str(o, "client_id", res->s.client_id);
	json_add_str(o, "note", res->s.note);
	json_add_int(o, "lots", res->s.lots);
	json_add_int(o, "delta", res->s.delta);
	json_add_time(o, "created_at", (time_t)res->s.created_at);
	adj = cJSON_AddArrayToObject(o, "adjustments");
	for (i = 0; i < res->n; i++) {
		a = json_new();
		json_add_int(a, "adjustment_id", res->lines[i].adjustment_id);
		json_add_int(a, "lot_id", res->lines[i].lot_id);
		json_add_int(a, "before", res->lines[i].before);
		json_add_int(
		    a, "counted", res->lines[i].before + res->lines[i].delta);
		json_add_int(a, "delta", res->lines[i].delta);
		cJSON_AddItemToArray(adj, a);
	}
	free(in);
	free(res);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	free(in);
	free(res);
	http_fault(r, &f);
}
