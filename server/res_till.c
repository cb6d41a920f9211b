/*
 * What the till's posts share (res_distributions.c, res_sales.c,
 * res_conflicts.c; the till id of res_volunteers.c too): the till's id,
 * the lines of a basket, the lots a line took, and an undo's request (a
 * void, a refund).
 */
#include <string.h>

#include "http.h"

int
res_till_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > 32)
		return 0;
	for (i = 0; i < len; i++)
		if (strchr(
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789-_",
		        s[i]) == NULL)
			return 0;
	return 1;
}

int
res_till_check(const char *till_id, struct fault *f)
{
	if (!res_till_ok(till_id, strlen(till_id)))
		return fault_field(f, FAULT_BAD, "bad_field", "till_id",
		    "till_id: letters, digits, '-' and '_' only");
	return 0;
}

int
res_till_lines(const cJSON *b, struct dist_line_in *lines, int *nlines,
    const char *what, const char *named, struct fault *f)
{
	struct dist_line_in *ln;
	const cJSON *arr, *l;
	int k, has_code, has_id;

	if ((arr = json_array(b, "lines", 1, LIMIT_LINES, nlines, f)) == NULL)
		return -1;
	if (*nlines == 0)
		return fault_field(f, FAULT_BAD, "bad_field", "lines",
		    "%s needs at least one line", what);
	for (k = 0; k < *nlines; k++) {
		l = cJSON_GetArrayItem(arr, k);
		ln = &lines[k];
		memset(ln, 0, sizeof(*ln));
		if (json_object(l, "", f) < 0)
			goto fail;
		has_code =
		    cJSON_GetObjectItemCaseSensitive(l, "barcode") != NULL;
		has_id = cJSON_GetObjectItemCaseSensitive(l, "item_id") != NULL;
		if (has_code == has_id) {
			fault_field(f, FAULT_BAD,
			    has_code ? "bad_field" : "missing_field", named,
			    strcmp(named, "barcode") == 0
			        ? "give a barcode or an item_id"
			        : "give an item_id or a barcode");
			goto fail;
		}
		if ((has_code &&
		        json_str(l, "barcode", 1, DB_BARCODE_MAX - 2,
		            ln->barcode, sizeof(ln->barcode), f) < 0) ||
		    (has_id &&
		        json_int(l, "item_id", 1, 1, INT64_MAX, &ln->item_id,
		            f) < 0) ||
		    json_int(l, "quantity", 1, 1, LIMIT_QUANTITY, &ln->quantity,
		        f) < 0)
			goto fail;
	}
	return 0;
fail:
	json_prefix(f, "lines", k);
	return -1;
}

int
res_till_lot(const void *row, void *arg)
{
	cJSON_AddItemToArray(arg, json_int_item(((const int64_t *)row)[0]));
	return 0;
}

void
res_till_lot_ids(
    cJSON *line, const struct dist_lot *lots, size_t lot0, size_t nlots)
{
	cJSON *ids = cJSON_CreateArray();
	size_t k;

	for (k = lot0; k < lot0 + nlots; k++)
		cJSON_AddItemToArray(ids, json_int_item(lots[k].lot_id));
	cJSON_AddItemToObject(line, "lot_ids", ids);
}

int
res_till_undo(struct req *r, const char *none, int64_t *id, char *client_id,
    size_t cn, char *reason, size_t rn, unsigned char *hash)
{
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, id) != 0) {
		http_error(r, 404, "not_found", none);
		return -1;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, client_id, cn, &f) < 0 ||
	    json_str(b, "reason", 1, 190, reason, rn, &f) < 0) {
		http_fault(r, &f);
		return -1;
	}
	memcpy(hash, http_body_hash(r), 32);
	return 0;
}
