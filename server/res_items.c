/* /api/v1/items: the goods the store hands out, found by barcode. */
#include <stdio.h>
#include <string.h>

#include "http.h"

cJSON *
res_items_json(const struct db_item *it)
{
	cJSON *o = json_new(), *codes = cJSON_CreateArray();
	int i;

	json_add_int(o, "id", it->id);
	json_add_str(o, "name", it->name);
	json_add_str(o, "category", it->category);
	json_add_str(o, "unit", it->unit);
	for (i = 0; i < it->nbarcodes; i++)
		cJSON_AddItemToArray(
		    codes, cJSON_CreateString(it->barcodes[i]));
	cJSON_AddItemToObject(o, "barcodes", codes);
	json_add_int(o, "unit_value_fen", it->unit_value_fen);
	json_add_int(o, "points", it->points);
	if (it->monthly_limit > 0)
		json_add_int(o, "monthly_limit", it->monthly_limit);
	else
		cJSON_AddNullToObject(o, "monthly_limit");
	json_add_bool(o, "priority_only", it->priority_only);
	json_add_int(o, "min_stock", it->min_stock);
	json_add_bool(o, "active", it->active);
	if (it->sale_price_fen > 0)
		json_add_int(o, "sale_price_fen", it->sale_price_fen);
	else
		cJSON_AddNullToObject(o, "sale_price_fen");
	json_add_time(o, "created_at", (time_t)it->created_at);
	return o;
}

void
res_items_create(struct req *r)
{
	struct fault f;
	struct db_item it;
	const cJSON *b, *codes, *c;
	int n, i;

	memset(&f, 0, sizeof(f));
	memset(&it, 0, sizeof(it));
	it.active = 1; /* as the column's default: the reply says so */
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "name", 1, DB_NAME_MAX - 1, it.name, sizeof(it.name),
	        &f) < 0 ||
	    json_str(b, "category", 1, DB_SHORT_MAX - 1, it.category,
	        sizeof(it.category), &f) < 0 ||
	    json_str(b, "unit", 1, 31, it.unit, sizeof(it.unit), &f) < 0 ||
	    json_int(b, "unit_value_fen", 1, 0, LIMIT_UNIT_FEN,
	        &it.unit_value_fen, &f) < 0 ||
	    json_int(b, "points", 1, 0, LIMIT_POINTS, &it.points, &f) < 0 ||
	    json_int(b, "monthly_limit", 0, 1, LIMIT_QUANTITY,
	        &it.monthly_limit, &f) < 0 ||
	    json_bool(b, "priority_only", 0, &it.priority_only, &f) < 0 ||
	    json_int(b, "min_stock", 0, 0, LIMIT_QUANTITY, &it.min_stock, &f) <
	        0)
		goto fail;
	codes = json_array(b, "barcodes", 0, DB_BARCODES_MAX, &n, &f);
	if (codes == NULL && f.kind != FAULT_NONE)
		goto fail;
	for (i = 0; i < n; i++) {
		c = cJSON_GetArrayItem(codes, i);
		if (!cJSON_IsString(c) || c->valuestring[0] == '\0' ||
		    strlen(c->valuestring) >= DB_BARCODE_MAX - 1) {
			fault_field(&f, FAULT_BAD, "bad_barcode", "barcodes",
			    "barcodes must be non-empty strings of at most %d "
			    "characters",
			    DB_BARCODE_MAX - 2);
			snprintf(f.field, sizeof(f.field), "barcodes[%d]", i);
			goto fail;
		}
		snprintf(it.barcodes[i], DB_BARCODE_MAX, "%s", c->valuestring);
	}
	it.nbarcodes = n;
	if (stock_item_create(http_db(r), http_actor(r), &it, &f) != 0) {
		json_fault_path(&f, "barcodes");
		goto fail;
	}
	http_reply(r, 201, res_items_json(&it));
	return;
fail:
	http_fault(r, &f);
}

static void
res_items_reply(struct req *r, int rc, const struct db_item *it)
{
	if (rc == DB_OK)
		http_reply(r, 200, res_items_json(it));
	else if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such item");
	else
		http_error(r, 500, "internal", "the database failed");
}

void
res_items_get(struct req *r)
{
	struct db_item it;
	int64_t id;

	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such item");
		return;
	}
	res_items_reply(r, db_item_by_id(http_db(r), id, &it), &it);
}

void
res_items_by_barcode(struct req *r)
{
	struct fault f;
	struct db_item it;
	enum barcode_sym kind;
	char code[DB_BARCODE_MAX + 2];

	if (barcode_normalize(http_arg(r, 0), code, sizeof(code), &kind)) {
		memset(&f, 0, sizeof(f));
		fault_field(&f, FAULT_BAD, "bad_barcode", "code",
		    "not a valid barcode (check digit or characters)");
		http_fault(r, &f);
		return;
	}
	res_items_reply(r, db_item_by_barcode(http_db(r), code, &it), &it);
}

static int
res_items_row(const void *row, void *arg)
{
	const struct db_item *it = row;

	http_list_add(arg, res_items_json(it), it->id);
	return 0;
}

void
res_items_list(struct req *r)
{
	struct http_list l;
	struct fault f;
	const char *q, *cat;
	enum barcode_sym kind;
	char code[DB_BARCODE_MAX + 2];
	int active;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0) {
		http_list_fail(r, &l, &f);
		return;
	}
	q = http_query(r, "q");
	cat = http_query(r, "category");
	if ((q != NULL && strlen(q) > 100) ||
	    (cat != NULL && strlen(cat) > 100)) {
		fault_field(&f, FAULT_BAD, "bad_field", q ? "q" : "category",
		    "search text is longer than 100 bytes");
		http_list_fail(r, &l, &f);
		return;
	}
	if (http_query_bool(r, "active", &active, &f) != 0) {
		http_list_fail(r, &l, &f);
		return;
	}
	/* A UPC-A typed as q is found by its stored GTIN-13. */
	if (q != NULL && barcode_normalize(q, code, sizeof(code), &kind) == 0)
		q = kind == BARCODE_UPCA ? code : q;
	if (db_item_list(http_db(r), q, cat, active, l.after, l.limit,
	        res_items_row, &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}

/* The fields a PATCH may change, as the audit detail names them. */
static const char *const res_items_editable[] = {"name", "category", "unit",
    "unit_value_fen", "points", "monthly_limit", "min_stock", "priority_only",
    "active", NULL};

/* The fields present in b over it, checked as on creation; monthly_limit
 * null takes the limit away. */
static int
res_items_fields(const cJSON *b, struct db_item *it, struct fault *f)
{
	const cJSON *lim = cJSON_GetObjectItemCaseSensitive(b, "monthly_limit");

	if (json_str(b, "name", 0, DB_NAME_MAX - 1, it->name, sizeof(it->name),
	        f) < 0 ||
	    json_str(b, "category", 0, DB_SHORT_MAX - 1, it->category,
	        sizeof(it->category), f) < 0 ||
	    json_str(b, "unit", 0, 31, it->unit, sizeof(it->unit), f) < 0 ||
	    json_int(b, "unit_value_fen", 0, 0, LIMIT_UNIT_FEN,
	        &it->unit_value_fen, f) < 0 ||
	    json_int(b, "points", 0, 0, LIMIT_POINTS, &it->points, f) < 0 ||
	    json_int(b, "monthly_limit", 0, 1, LIMIT_QUANTITY,
	        &it->monthly_limit, f) < 0 ||
	    json_bool(b, "priority_only", 0, &it->priority_only, f) < 0 ||
	    json_int(b, "min_stock", 0, 0, LIMIT_QUANTITY, &it->min_stock, f) <
	        0 ||
	    json_bool(b, "active", 0, &it->active, f) < 0)
		return -1;
	if (cJSON_IsNull(lim))
		it->monthly_limit = 0;
	return 0;
}

static int
res_items_load(struct req *r, struct db_item *it)
{
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_item_by_id(http_db(r), id, it);
	if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such item");
	else if (rc != DB_OK)
		http_error(r, 500, "internal", "the database failed");
	return rc == DB_OK ? 0 : -1;
}

void
res_items_patch(struct req *r)
{
	struct fault f;
	struct db_item it;
	const cJSON *b;
	char changed[128];
	int i, len = 0;

	memset(&f, 0, sizeof(f));
	if (res_items_load(r, &it) != 0)
		return;
	if ((b = http_body(r, &f)) == NULL || res_items_fields(b, &it, &f) < 0)
		goto fail;
	changed[0] = '\0';
	for (i = 0; res_items_editable[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(b, res_items_editable[i]))
			len += snprintf(changed + len,
			    sizeof(changed) - (size_t)len, "%s%s",
			    len ? "," : "", res_items_editable[i]);
	if (len == 0) {
		fault_set(&f, FAULT_BAD, "missing_field",
		    "give at least one of name, category, unit, "
		    "unit_value_fen, points, monthly_limit, min_stock, "
		    "priority_only, active");
		goto fail;
	}
	if (stock_item_update(http_db(r), http_actor(r), &it, changed, &f) != 0)
		goto fail;
	http_reply(r, 200, res_items_json(&it));
	return;
fail:
	http_fault(r, &f);
}

void
res_items_barcode_add(struct req *r)
{
	struct fault f;
	struct db_item it;
	const cJSON *b;
	char code[DB_BARCODE_MAX];
	int64_t id;
	int had;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such item");
		return;
	}
	if ((b = http_body(r, &f)) == NULL)
		goto fail;
	if (json_str(b, "code", 1, DB_BARCODE_MAX - 2, code, sizeof(code), &f) <
	    0) {
		if (strcmp(f.code, "bad_field") == 0)
			f.code = "bad_barcode";
		goto fail;
	}
	if (stock_barcode_add(
	        http_db(r), http_actor(r), id, code, &it, &had, &f) != 0)
		goto fail;
	http_reply(r, had ? 200 : 201, res_items_json(&it));
	return;
fail:
	http_fault(r, &f);
}
