/*
 * /api/v1/offline-conflicts: a basket a till handed out offline that the
 * server refused on replay, uploaded by the till; listed for managers and
 * resolved by one, once (conflict.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static int
res_conflicts_line(const void *row, void *arg)
{
	const struct db_conflict_line *l = row;
	cJSON *o = json_new();

	json_add_int(o, "item_id", l->item_id);
	json_add_str(o, "name", l->name);
	json_add_int(o, "quantity", l->quantity);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static cJSON *
res_conflicts_json(struct db *db, const struct db_conflict *c)
{
	struct db_distribution d;
	cJSON *o = json_new(), *ref, *lines = cJSON_CreateArray();

	json_add_int(o, "id", c->id);
	json_add_str(o, "client_id", c->client_id);
	json_add_str(o, "till_id", c->till_id);
	json_add_str(o, "local_no", c->local_no);
	json_add_str(o, "household_card", c->card);
	if (c->household_id != 0)
		json_add_int(o, "household_id", c->household_id);
	else
		cJSON_AddNullToObject(o, "household_id");
	ref = json_new();
	json_add_str(ref, "code", c->code);
	json_add_str(ref, "message", c->message);
	cJSON_AddItemToObject(o, "refusal", ref);
	cJSON_AddItemToObject(o, "lines", lines);
	json_add_time(o, "created_at", (time_t)c->created_at);
	json_add_str(o, "status", c->resolved_as[0] ? "resolved" : "open");
	if (c->resolved_as[0] == '\0') {
		cJSON_AddNullToObject(o, "resolution");
	} else {
		ref = json_new();
		json_add_str(ref, "as", c->resolved_as);
		json_add_str(ref, "reason", c->reason);
		json_add_time(ref, "resolved_at", (time_t)c->resolved_at);
		json_add_int(ref, "user_id", c->resolved_by);
		if (c->distribution_id != 0 &&
		    db_dist_by_id(db, c->distribution_id, &d) == DB_OK) {
			json_add_int(ref, "distribution_id", d.id);
			json_add_str(ref, "receipt_no", d.receipt_no);
		}
		json_add_int(ref, "points_shortfall", c->points_shortfall);
		json_add_int(ref, "unmatched", c->unmatched);
		cJSON_AddItemToObject(o, "resolution", ref);
	}
	if (db_conflict_lines(db, c->id, res_conflicts_line, lines) != DB_OK) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
res_conflicts_parse(const cJSON *b, struct conflict_in *in, struct fault *f)
{
	static const char *const keys[] = {"client_id", "till_id", "local_no",
	    "household_card", "lines", "refusal", NULL};
	const cJSON *lines, *l, *ref;
	int k;

	if (json_only(b, keys,
	        "the body takes client_id, till_id, local_no, "
	        "household_card, lines and refusal",
	        f) < 0 ||
	    json_client_id(b, in->client_id, sizeof(in->client_id), f) < 0 ||
	    json_str(b, "till_id", 1, 32, in->till_id, sizeof(in->till_id), f) <
	        0 ||
	    json_str(b, "local_no", 1, 60, in->local_no, sizeof(in->local_no),
	        f) < 0 ||
	    json_str(
	        b, "household_card", 1, 32, in->card, sizeof(in->card), f) < 0)
		return -1;
	if (res_till_check(in->till_id, f) != 0)
		return -1;
	ref = cJSON_GetObjectItemCaseSensitive(b, "refusal");
	if (ref == NULL)
		return fault_field(f, FAULT_BAD, "missing_field", "refusal",
		    "refusal is required");
	if (json_object(ref, "refusal", f) < 0 ||
	    json_str(ref, "code", 1, 60, in->code, sizeof(in->code), f) < 0 ||
	    json_str(ref, "message", 0, 250, in->message, sizeof(in->message),
	        f) < 0) {
		char field[sizeof(f->field)];

		memcpy(field, f->field, sizeof(field));
		snprintf(f->field, sizeof(f->field), "refusal.%.60s", field);
		return -1;
	}
	if ((lines = json_array(b, "lines", 1, LIMIT_LINES, &in->nlines, f)) ==
	    NULL)
		return -1;
	if (in->nlines == 0)
		return fault_field(f, FAULT_BAD, "bad_field", "lines",
		    "a conflict needs at least one line");
	for (k = 0; k < in->nlines; k++) {
		l = cJSON_GetArrayItem(lines, k);
		memset(&in->lines[k], 0, sizeof(in->lines[k]));
		if (json_object(l, "", f) < 0 ||
		    json_int(l, "item_id", 1, 1, INT64_MAX,
		        &in->lines[k].item_id, f) < 0 ||
		    json_int(l, "quantity", 1, 1, LIMIT_QUANTITY,
		        &in->lines[k].quantity, f) < 0) {
			json_prefix(f, "lines", k);
			return -1;
		}
	}
	return 0;
}

void
res_conflicts_create(struct req *r)
{
	struct conflict_in *in;
	struct db_conflict c;
	struct fault f;
	const cJSON *b;
	cJSON *o;
	int replayed;

	memset(&f, 0, sizeof(f));
	if ((in = calloc(1, sizeof(*in))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    res_conflicts_parse(b, in, &f) != 0)
		goto fail;
	memcpy(in->req_hash, http_body_hash(r), 32);
	if (conflict_record(http_db(r), http_actor(r), in, &c, &replayed, &f) !=
	    0) {
		json_fault_path(&f, "lines");
		goto fail;
	}
	free(in);
	if ((o = res_conflicts_json(http_db(r), &c)) == NULL) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	free(in);
	http_fault(r, &f);
}

static cJSON *
res_conflicts_item(struct db *db, const void *row, int64_t *id)
{
	const struct db_conflict *c = row;

	*id = c->id;
	return res_conflicts_json(db, c);
}

void
res_conflicts_list(struct req *r)
{
	struct http_rows p;
	struct fault f;
	const char *s = http_query(r, "status");
	int open = 1;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	p.db = http_db(r);
	p.json = res_conflicts_item;
	if (s == NULL || strcmp(s, "open") == 0)
		open = 1;
	else if (strcmp(s, "resolved") == 0)
		open = 0;
	else if (strcmp(s, "all") == 0)
		open = -1;
	else {
		http_error(
		    r, 400, "bad_query", "status: open, resolved or all");
		return;
	}
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    db_conflict_list(
	        p.db, open, p.l.after, p.l.limit, http_list_row, &p) != DB_OK ||
	    p.failed) {
		if (f.kind == FAULT_NONE)
			fault_db(&f, DB_ERR);
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}

void
res_conflicts_resolve(struct req *r)
{
	static const char *const keys[] = {"as", "reason", NULL};
	struct db_conflict c;
	struct fault f;
	const cJSON *b;
	char as[16], reason[200];
	cJSON *o;
	int64_t id;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such offline conflict");
		return;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_only(b, keys, "the body takes as and reason", &f) < 0 ||
	    json_str(b, "as", 1, 15, as, sizeof(as), &f) < 0 ||
	    json_str(b, "reason", 1, 190, reason, sizeof(reason), &f) < 0 ||
	    conflict_resolve(
	        http_db(r), http_actor(r), id, as, reason, &c, &f) != 0) {
		json_fault_path(&f, "lines");
		http_fault(r, &f);
		return;
	}
	if ((o = res_conflicts_json(http_db(r), &c)) == NULL) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, o);
}
