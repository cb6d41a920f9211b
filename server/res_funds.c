/* /api/v1/funds: money, and what it bought. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static cJSON *
res_funds_json(const struct db_fund *fu)
{
	cJSON *o = json_new();

	json_add_int(o, "id", fu->id);
	json_add_str(o, "name", fu->name);
	json_add_str(o, "kind", fu->kind);
	json_add_bool(o, "restricted", fu->restricted);
	json_add_str(o, "purpose", fu->purpose);
	json_add_int(o, "balance_fen", fu->balance_fen);
	json_add_time(o, "created_at", (time_t)fu->created_at);
	return o;
}

void
res_funds_create(struct req *r)
{
	static const char *const kinds[] = {"donations", "government_purchase",
	    "lottery", "community_foundation", NULL};
	struct db_fund fu;
	struct fault f;
	const cJSON *b;
	int kind;

	memset(&f, 0, sizeof(f));
	memset(&fu, 0, sizeof(fu));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "name", 1, 100, fu.name, sizeof(fu.name), &f) < 0 ||
	    json_enum(b, "kind", 1, kinds, &kind, &f) < 0 ||
	    json_bool(b, "restricted", 1, &fu.restricted, &f) < 0 ||
	    json_str(b, "purpose", 0, 100, fu.purpose, sizeof(fu.purpose), &f) <
	        0)
		goto fail;
	memcpy(fu.kind, kinds[kind], strlen(kinds[kind]) + 1);
	if (funds_create(http_db(r), http_actor(r), &fu, &f) != 0)
		goto fail;
	http_reply(r, 201, res_funds_json(&fu));
	return;
fail:
	http_fault(r, &f);
}

static int
res_funds_row(const void *row, void *arg)
{
	http_list_add(arg, res_funds_json(row), 0);
	return 0;
}

void
res_funds_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	http_list_all(&l);
	if (db_fund_list(http_db(r), res_funds_row, &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}

void
res_funds_get(struct req *r)
{
	struct db_fund fu;
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_fund_by_id(http_db(r), id, &fu);
	if (rc == DB_NONE) {
		http_error(r, 404, "not_found", "no such fund");
		return;
	}
	if (rc != DB_OK) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, res_funds_json(&fu));
}

static int
res_funds_entry(const void *row, void *arg)
{
	const struct db_fund_line *e = row;
	cJSON *o = json_new();

	json_add_int(o, "id", e->id);
	json_add_time(o, "at", (time_t)e->at);
	json_add_str(o, "date", e->date);
	json_add_str(o, "kind", e->kind);
	json_add_int(o, "amount_fen", e->amount_fen);
	json_add_int(o, "balance_fen", e->balance_fen);
	json_add_str(o, "description", e->description);
	if (e->donation_id > 0) {
		json_add_int(o, "donation_id", e->donation_id);
		json_add_str(o, "receipt_code", e->receipt_code);
		json_add_int(o, "donor_id", e->donor_id);
	}
	if (e->expense_id > 0)
		json_add_int(o, "expense_id", e->expense_id);
	if (e->user_id > 0)
		json_add_int(o, "user_id", e->user_id);
	http_list_add(arg, o, e->id);
	return 0;
}

/* The fund's money ledger, oldest first, with the balance after each. */
void
res_funds_entries(struct req *r)
{
	struct http_list l;
	struct db_fund fu;
	struct fault f;
	int64_t id;
	int rc = DB_NONE;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) == 0)
		rc = db_fund_by_id(http_db(r), id, &fu);
	if (rc == DB_NONE) {
		http_error(r, 404, "not_found", "no such fund");
		return;
	}
	if (http_list_begin(r, &l, &f) != 0) {
		http_list_fail(r, &l, &f);
		return;
	}
	if (rc != DB_OK ||
	    db_fund_lines(http_db(r), id, l.after, l.limit, res_funds_entry,
	        &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}

static int
res_funds_lines(
    const cJSON *b, struct stock_line *lines, int *n, struct fault *f)
{
	const cJSON *a, *l;
	int i;

	a = json_array(b, "lines", 0, LIMIT_LINES, n, f);
	if (a == NULL)
		return f->kind != FAULT_NONE ? -1 : 0;
	for (i = 0; i < *n; i++) {
		l = cJSON_GetArrayItem(a, i);
		if (res_donations_line(l, &lines[i], 0, f) != 0) {
			json_prefix(f, "lines", i);
			return -1;
		}
	}
	return 0;
}

void
res_funds_expense(struct req *r)
{
	struct stock_line *lines;
	struct db_expense x;
	struct fault f;
	const cJSON *b;
	cJSON *o, *ls;
	int n = 0, replayed;

	memset(&f, 0, sizeof(f));
	memset(&x, 0, sizeof(x));
	if ((lines = calloc(LIMIT_LINES, sizeof(*lines))) == NULL)
		log_fatalx("out of memory");
	if (http_id_arg(r, 0, &x.fund_id) != 0) {
		fault_set(&f, FAULT_NOT_FOUND, "not_found", "no such fund");
		goto fail;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, x.client_id, sizeof(x.client_id), &f) < 0 ||
	    json_int(b, "amount_fen", 1, 1, LIMIT_FEN, &x.amount_fen, &f) < 0 ||
	    json_str(b, "purpose", 1, 100, x.purpose, sizeof(x.purpose), &f) <
	        0 ||
	    json_str(b, "spent_on", 1, 10, x.spent_on, sizeof(x.spent_on), &f) <
	        0 ||
	    res_funds_lines(b, lines, &n, &f) < 0)
		goto fail;
	if (!clock_date_valid(x.spent_on)) {
		fault_field(&f, FAULT_BAD, "bad_field", "spent_on",
		    "spent_on must be a date, YYYY-MM-DD");
		goto fail;
	}
	memcpy(x.req_hash, http_body_hash(r), 32);
	if (funds_expense(
	        http_db(r), http_actor(r), &x, lines, n, &replayed, &f) != 0) {
		json_fault_path(&f, "lines");
		goto fail;
	}
	free(lines);
	o = json_new();
	json_add_int(o, "id", x.id);
	json_add_str(o, "client_id", x.client_id);
	json_add_int(o, "fund_id", x.fund_id);
	json_add_int(o, "amount_fen", x.amount_fen);
	json_add_str(o, "purpose", x.purpose);
	json_add_str(o, "spent_on", x.spent_on);
	json_add_time(o, "created_at", (time_t)x.created_at);
	ls = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lines", ls);
	if (db_lots_of_expense(http_db(r), x.id, res_donations_lot, ls) !=
	    DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	free(lines);
	http_fault(r, &f);
}
