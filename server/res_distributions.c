/*
 * /api/v1/distributions: the till's transaction. Posts that arrive
 * together are committed together (http_batch), each in its own
 * savepoint, so one refusal does not undo its neighbours and one fsync
 * serves them all. A reply goes out only after its commit.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

struct res_distributions_ctx {
	struct db *db;
	cJSON *lines;
	int failed;
};

static int
res_distributions_line(const void *row, void *arg)
{
	const struct db_dist_line *l = row;
	struct res_distributions_ctx *c = arg;
	cJSON *o = json_new(), *lots;

	json_add_int(o, "item_id", l->item_id);
	json_add_str(o, "name", l->name);
	json_add_int(o, "quantity", l->quantity);
	json_add_int(o, "points", l->points);
	json_add_int(o, "value_fen", l->value_fen);
	lots = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lot_ids", lots);
	cJSON_AddItemToArray(c->lines, o);
	if (db_dist_line_lots(c->db, l->id, res_till_lot, lots) != DB_OK)
		c->failed = 1;
	return c->failed;
}

/* The fields every answer about a distribution starts with. */
static void
res_distributions_head(cJSON *o, const struct db_distribution *d)
{
	json_add_int(o, "id", d->id);
	json_add_str(o, "client_id", d->client_id);
	json_add_str(o, "receipt_no", d->receipt_no);
	json_add_str(o, "till_id", d->till_id);
	json_add_int(o, "household_id", d->household_id);
	json_add_str(o, "period", d->period);
	json_add_int(o, "points_total", d->points_total);
	json_add_int(o, "points_balance", d->points_balance);
	json_add_time(o, "created_at", (time_t)d->created_at);
}

/* The distribution as first answered; NULL if the database failed. */
static cJSON *
res_distributions_json(struct db *db, const struct db_distribution *d, int full)
{
	struct res_distributions_ctx c;
	cJSON *o = json_new();

	res_distributions_head(o, d);
	if (full) {
		json_add_bool(o, "voided", d->void_id != 0);
		if (d->user_id > 0)
			json_add_int(o, "cashier_id", d->user_id);
	}
	memset(&c, 0, sizeof(c));
	c.db = db;
	c.lines = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lines", c.lines);
	if (db_dist_lines(db, d->id, res_distributions_line, &c) != DB_OK ||
	    c.failed) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
res_distributions_parse(
    const cJSON *b, struct dist_request *in, struct fault *f)
{
	if (json_client_id(b, in->client_id, sizeof(in->client_id), f) < 0 ||
	    json_str(b, "till_id", 1, 32, in->till_id, sizeof(in->till_id), f) <
	        0 ||
	    json_str(
	        b, "household_card", 1, 32, in->card, sizeof(in->card), f) < 0)
		return -1;
	if (res_till_check(in->till_id, f) != 0)
		return -1;
	return res_till_lines(
	    b, in->lines, &in->nlines, "a distribution", "barcode", f);
}

/* The reply of a post that wrote, from what it wrote: the same answer
 * as res_distributions_json's, without reading the rows back. */
static cJSON *
res_distributions_written(const struct dist_result *res)
{
	const struct db_distribution *d = &res->d;
	const struct dist_line_out *l;
	cJSON *o = json_new(), *lines, *lo;
	int i;

	res_distributions_head(o, d);
	lines = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "lines", lines);
	for (i = 0; i < res->nlines; i++) {
		l = &res->lines[i];
		lo = json_new();
		json_add_int(lo, "item_id", l->item_id);
		json_add_str(lo, "name", l->name);
		json_add_int(lo, "quantity", l->quantity);
		json_add_int(lo, "points", l->points);
		json_add_int(lo, "value_fen", l->value_fen);
		res_till_lot_ids(lo, res->lots.v, l->lot0, l->nlots);
		cJSON_AddItemToArray(lines, lo);
	}
	return o;
}

/* Runs inside the group commit; the post takes its own savepoint. A
 * replay answers as the first time, read back from the rows. */
static void
res_distributions_post(struct req *r, void *arg)
{
	struct dist_request *in = arg;
	struct dist_result res;
	struct fault f;
	cJSON *o;
	int replayed;

	memset(&f, 0, sizeof(f));
	if (distribution_post_result(
	        http_db(r), http_actor(r), in, &res, &replayed, &f) != 0) {
		distribution_result_free(&res);
		json_fault_path(&f, "lines");
		http_defer_fault(r, &f);
		return;
	}
	o = replayed ? res_distributions_json(http_db(r), &res.d, 0)
	             : res_distributions_written(&res);
	distribution_result_free(&res);
	if (o == NULL) {
		fault_db(&f, DB_ERR);
		http_defer_fault(r, &f);
		return;
	}
	http_defer(r, replayed ? 200 : 201, o);
}

void
res_distributions_create(struct req *r)
{
	struct dist_request *in;
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	/* Not calloc: the lines the body has are zeroed as they are read,
	 * instead of all LIMIT_LINES of them a request. */
	if ((in = malloc(sizeof(*in))) == NULL)
		log_fatalx("out of memory");
	memset(in, 0, offsetof(struct dist_request, lines));
	if ((b = http_body(r, &f)) == NULL ||
	    res_distributions_parse(b, in, &f) != 0) {
		free(in);
		http_fault(r, &f);
		return;
	}
	memcpy(in->req_hash, http_body_hash(r), 32);
	http_batch(r, res_distributions_post, in, free);
}

void
res_distributions_void(struct req *r)
{
	struct db_void v;
	struct fault f;
	cJSON *o;
	int64_t id;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&v, 0, sizeof(v));
	if (res_till_undo(r, "no such distribution", &id, v.client_id,
	        sizeof(v.client_id), v.reason, sizeof(v.reason),
	        v.req_hash) != 0)
		return;
	if (distribution_void(
	        http_db(r), http_actor(r), id, &v, &replayed, &f) != 0)
		goto fail;
	o = json_new();
	json_add_int(o, "id", v.id);
	json_add_str(o, "client_id", v.client_id);
	json_add_int(o, "distribution_id", v.distribution_id);
	json_add_str(o, "reason", v.reason);
	json_add_time(o, "created_at", (time_t)v.created_at);
	http_reply(r, replayed ? 200 : 201, o);
	return;
fail:
	http_fault(r, &f);
}

static cJSON *
res_distributions_item(struct db *db, const void *row, int64_t *id)
{
	const struct db_distribution *d = row;

	*id = d->id;
	return res_distributions_json(db, d, 1);
}

void
res_distributions_get(struct req *r)
{
	struct db_distribution d;
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_dist_by_id(http_db(r), id, &d);
	http_reply_row(
	    r, rc, &d, res_distributions_item, "no such distribution");
}

/* A receipt number as the post makes them: TILL-NNNNNN (six digits or
 * more, at most 19); its till and number into q, where the list looks it
 * up (a number past int64 is -1: no receipt has it). */
static int
res_distributions_receipt_ok(const char *s, struct db_dist_filter *q)
{
	const char *dash = strrchr(s, '-');
	size_t i, n;
	int64_t seq = 0;

	if (dash == NULL || !res_till_ok(s, (size_t)(dash - s)))
		return 0;
	n = strlen(dash + 1);
	if (n < 6 || n > 19)
		return 0;
	for (i = 0; i < n; i++) {
		if (dash[1 + i] < '0' || dash[1 + i] > '9')
			return 0;
		if (seq >= 0 &&
		    (__builtin_mul_overflow(seq, 10, &seq) ||
		        __builtin_add_overflow(seq, dash[1 + i] - '0', &seq)))
			seq = -1;
	}
	memcpy(q->receipt_till, s, (size_t)(dash - s));
	q->receipt_till[dash - s] = '\0';
	q->receipt_seq = seq;
	return 1;
}

void
res_distributions_list(struct req *r)
{
	struct http_rows p;
	struct db_dist_filter q;
	struct fault f;
	const char *s;
	char *end;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    http_range(r, &q.from, &q.to, &f) != 0)
		goto fail;
	if ((s = http_query(r, "household_id")) != NULL) {
		q.household = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || q.household <= 0) {
			fault_field(&f, FAULT_BAD, "bad_field", "household_id",
			    "household_id must be a positive integer");
			goto fail;
		}
	}
	if ((q.till = http_query(r, "till_id")) != NULL &&
	    !res_till_ok(q.till, strlen(q.till))) {
		fault_field(&f, FAULT_BAD, "bad_field", "till_id",
		    "till_id: 1 to 32 letters, digits, '-' and '_'");
		goto fail;
	}
	if ((q.receipt_no = http_query(r, "receipt_no")) != NULL &&
	    !res_distributions_receipt_ok(q.receipt_no, &q)) {
		fault_field(&f, FAULT_BAD, "bad_field", "receipt_no",
		    "receipt_no is a till id, '-' and its number: T1-000001");
		goto fail;
	}
	p.db = http_db(r);
	p.json = res_distributions_item;
	if (db_dist_list(p.db, &q, p.l.after, p.l.limit, http_list_row, &p) !=
	        DB_OK ||
	    p.failed)
		goto fail;
	http_list_reply(r, &p.l);
	return;
fail:
	http_list_fail(r, &p.l, &f);
}
