/*
 * /api/v1/sales: charity sales (慈善义卖) at the till, their refunds, and
 * /api/v1/items/{id}/sale-price, the price an item sells at.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct res_sales_ctx {
	struct db *db;
	cJSON *lines;
	int failed;
};

static void
res_sales_line_json(cJSON *o, int64_t item, const char *name, int64_t qty,
    int64_t price, int64_t amount)
{
	json_add_int(o, "item_id", item);
	json_add_str(o, "name", name);
	json_add_int(o, "quantity", qty);
	json_add_int(o, "unit_price_fen", price);
	json_add_int(o, "amount_fen", amount);
}

static int
res_sales_line(const void *row, void *arg)
{
	const struct db_sale_line *l = row;
	struct res_sales_ctx *c = arg;
	cJSON *o = json_new(), *lots = cJSON_CreateArray();

	res_sales_line_json(o, l->item_id, l->name, l->quantity,
	    l->unit_price_fen, l->amount_fen);
	cJSON_AddItemToObject(o, "lot_ids", lots);
	cJSON_AddItemToArray(c->lines, o);
	if (db_sale_line_lots(c->db, l->id, res_till_lot, lots) != DB_OK)
		c->failed = 1;
	return c->failed;
}

static void
res_sales_head(cJSON *o, const struct db_sale *s)
{
	cJSON *pay = json_new();

	json_add_int(o, "id", s->id);
	json_add_str(o, "client_id", s->client_id);
	json_add_str(o, "receipt_no", s->receipt_no);
	json_add_str(o, "till_id", s->till_id);
	json_add_int(o, "total_fen", s->total_fen);
	json_add_str(pay, "method", s->method);
	if (s->reference[0] != '\0')
		json_add_str(pay, "reference", s->reference);
	else
		cJSON_AddNullToObject(pay, "reference");
	cJSON_AddItemToObject(o, "payment", pay);
	json_add_bool(o, "refunded", s->refund_id != 0);
	if (s->user_id > 0)
		json_add_int(o, "cashier_id", s->user_id);
	json_add_time(o, "created_at", (time_t)s->created_at);
}

/* The sale as read back; NULL if the database failed. */
static cJSON *
res_sales_json(struct db *db, const struct db_sale *s)
{
	struct res_sales_ctx c;
	cJSON *o = json_new();

	res_sales_head(o, s);
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.lines = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lines", c.lines);
	if (db_sale_lines(db, s->id, res_sales_line, &c) != DB_OK || c.failed) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The reply of a post that wrote, from what it wrote. */
static cJSON *
res_sales_written(const struct sale_result *r)
{
	const struct sale_line_out *l;
	cJSON *o = json_new(), *lines, *lo;
	int i;

	res_sales_head(o, &r->s);
	lines = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lines", lines);
	for (i = 0; i < r->nlines; i++) {
		l = &r->lines[i];
		lo = json_new();
		res_sales_line_json(lo, l->item_id, l->name, l->quantity,
		    l->unit_price_fen, l->amount_fen);
		res_till_lot_ids(lo, r->lots.v, l->lot0, l->nlots);
		cJSON_AddItemToArray(lines, lo);
	}
	return o;
}

static int
res_sales_payment(const cJSON *b, struct sale_request *in, struct fault *f)
{
	static const char *const methods[] = {"cash", "qr", NULL};
	static const char *const keys[] = {"method", "reference", NULL};
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "payment");
	int m;

	if (p == NULL)
		return fault_field(f, FAULT_BAD, "missing_field", "payment",
		    "payment is required");
	if (json_object(p, "payment", f) < 0 ||
	    json_only(p, keys, "payment has method and reference only", f) <
	        0 ||
	    json_enum(p, "method", 1, methods, &m, f) < 0 ||
	    json_str(p, "reference", 0, DB_SHORT_MAX - 1, in->reference,
	        sizeof(in->reference), f) < 0)
		goto fail;
	snprintf(in->method, sizeof(in->method), "%s", methods[m]);
	if (m == 1 && in->reference[0] == '\0') {
		fault_field(f, FAULT_BAD, "missing_field", "reference",
		    "a QR payment needs its reference");
		goto fail;
	}
	if (in->reference[0] != '\0' && !sale_reference_ok(in->reference)) {
		fault_field(f, FAULT_BAD, "bad_field", "reference",
		    "reference: 1 to 63 printable ASCII characters, no "
		    "spaces");
		goto fail;
	}
	return 0;
fail:
	if (strncmp(f->field, "payment", 7) != 0) {
		memmove(f->field + 8, f->field, sizeof(f->field) - 8);
		memcpy(f->field, "payment.", 8);
		f->field[sizeof(f->field) - 1] = '\0';
	}
	return -1;
}

static int
res_sales_parse(const cJSON *b, struct sale_request *in, struct fault *f)
{
	if (json_client_id(b, in->client_id, sizeof(in->client_id), f) < 0 ||
	    json_str(b, "till_id", 1, 32, in->till_id, sizeof(in->till_id), f) <
	        0)
		return -1;
	if (res_till_check(in->till_id, f) != 0 ||
	    res_sales_payment(b, in, f) != 0)
		return -1;
	return res_till_lines(
	    b, in->lines, &in->nlines, "a sale", "item_id", f);
}

void
res_sales_create(struct req *r)
{
	struct sale_request *in;
	struct sale_result res;
	struct fault f;
	const cJSON *b;
	cJSON *o = NULL;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&res, 0, sizeof(res));
	if ((in = malloc(sizeof(*in))) == NULL)
		log_fatalx("out of memory");
	memset(in, 0, offsetof(struct sale_request, lines));
	if ((b = http_body(r, &f)) == NULL || res_sales_parse(b, in, &f) != 0)
		goto fail;
	memcpy(in->req_hash, http_body_hash(r), 32);
	if (sale_post(http_db(r), http_actor(r), in, &res, &replayed, &f) !=
	    0) {
		json_fault_path(&f, "lines");
		goto fail;
	}
	o = replayed ? res_sales_json(http_db(r), &res.s)
	             : res_sales_written(&res);
	if (o == NULL) {
		fault_db(&f, DB_ERR);
		goto fail;
	}
	sale_result_free(&res);
	free(in);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	sale_result_free(&res);
	free(in);
	http_fault(r, &f);
}

static cJSON *
res_sales_item(struct db *db, const void *row, int64_t *id)
{
	const struct db_sale *s = row;

	*id = s->id;
	return res_sales_json(db, s);
}

void
res_sales_get(struct req *r)
{
	struct db_sale s;
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_sale_by_id(http_db(r), id, &s);
	http_reply_row(r, rc, &s, res_sales_item, "no such sale");
}

/* period=YYYY-MM (the store's month), or from= and to= as dates. */
void
res_sales_list(struct req *r)
{
	struct http_rows p;
	struct fault f;
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN];
	const char *period;
	int64_t from, to;
	time_t t;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    http_range(r, &from, &to, &f) != 0)
		goto fail;
	if ((period = http_query(r, "period")) != NULL) {
		if (!clock_period_valid(period) ||
		    clock_period_bounds(period, first, last) != 0) {
			fault_field(&f, FAULT_BAD, "bad_field", "period",
			    "period must be a month, YYYY-MM");
			goto fail;
		}
		if (clock_date_epoch(first, &t) != 0) {
			fault_db(&f, DB_ERR);
			goto fail;
		}
		if ((int64_t)t > from)
			from = t;
		if (clock_date_add(last, 1, first) != 0 ||
		    clock_date_epoch(first, &t) != 0) {
			fault_db(&f, DB_ERR);
			goto fail;
		}
		if ((int64_t)t < to)
			to = t;
	}
	p.db = http_db(r);
	p.json = res_sales_item;
	if (db_sale_list(p.db, from, to, p.l.after, p.l.limit, http_list_row,
	        &p) != DB_OK ||
	    p.failed)
		goto fail;
	http_list_reply(r, &p.l);
	return;
fail:
	http_list_fail(r, &p.l, &f);
}

void
res_sales_refund(struct req *r)
{
	struct db_sale_refund rf;
	struct fault f;
	cJSON *o;
	int64_t id;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&rf, 0, sizeof(rf));
	if (res_till_undo(r, "no such sale", &id, rf.client_id,
	        sizeof(rf.client_id), rf.reason, sizeof(rf.reason),
	        rf.req_hash) != 0)
		return;
	if (sale_refund(http_db(r), http_actor(r), id, &rf, &replayed, &f) != 0)
		goto fail;
	o = json_new();
	json_add_int(o, "id", rf.id);
	json_add_str(o, "client_id", rf.client_id);
	json_add_int(o, "sale_id", rf.sale_id);
	json_add_int(o, "amount_fen", rf.amount_fen);
	json_add_str(o, "reason", rf.reason);
	json_add_time(o, "created_at", (time_t)rf.created_at);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	http_fault(r, &f);
}

static void
res_sales_price_reply(struct req *r, int64_t id)
{
	struct db_sale_item it;
	char today[CLOCK_DATE_LEN];
	cJSON *o;
	int rc;

	clock_today(today);
	if ((rc = db_sale_item(http_db(r), NULL, id, today, &it)) != DB_OK) {
		if (rc == DB_NONE)
			http_error(r, 404, "not_found", "no such item");
		else
			http_error(r, 500, "internal", "the database failed");
		return;
	}
	o = json_new();
	json_add_int(o, "item_id", it.id);
	json_add_str(o, "name", it.name);
	if (it.sale_price_fen > 0)
		json_add_int(o, "sale_price_fen", it.sale_price_fen);
	else
		cJSON_AddNullToObject(o, "sale_price_fen");
	json_add_int(o, "sellable", it.sellable);
	http_reply(r, 200, o);
}

void
res_sales_price_get(struct req *r)
{
	int64_t id;

	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such item");
		return;
	}
	res_sales_price_reply(r, id);
}

/* {"sale_price_fen": n} sets it, {"sale_price_fen": null} clears it. */
void
res_sales_price_put(struct req *r)
{
	static const char *const keys[] = {"sale_price_fen", NULL};
	struct fault f;
	const cJSON *b, *v;
	int64_t id, price = 0;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such item");
		return;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_only(b, keys, "the body has sale_price_fen only", &f) < 0)
		goto fail;
	v = cJSON_GetObjectItemCaseSensitive(b, "sale_price_fen");
	if (v == NULL) {
		fault_field(&f, FAULT_BAD, "missing_field", "sale_price_fen",
		    "sale_price_fen is required (null clears it)");
		goto fail;
	}
	if (!cJSON_IsNull(v) &&
	    json_int(b, "sale_price_fen", 1, 1, LIMIT_UNIT_FEN, &price, &f) < 0)
		goto fail;
	if (sale_price_set(http_db(r), http_actor(r), id, price, &f) != 0)
		goto fail;
	res_sales_price_reply(r, id);
	return;
fail:
	http_fault(r, &f);
}
