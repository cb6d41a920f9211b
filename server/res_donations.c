/* /api/v1/donations: goods given to the store; each line becomes a lot. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

int
res_donations_lot(const void *row, void *arg)
{
	const struct db_lot *l = row;
	cJSON *o = json_new();

	json_add_int(o, "lot_id", l->id);
	json_add_int(o, "item_id", l->item_id);
	json_add_int(o, "quantity", l->quantity);
	json_add_int(o, "unit_value_fen", l->unit_value_fen);
	if (l->expires_on[0] != '\0')
		json_add_str(o, "expires_on", l->expires_on);
	else
		cJSON_AddNullToObject(o, "expires_on");
	json_add_bool(o, "sale_allowed", l->sale_allowed);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* The donation as first answered; a replay rebuilds the same answer. */
static void
res_donations_reply(struct req *r, int status, const struct db_donation *d)
{
	cJSON *o = json_new(), *lines = cJSON_CreateArray(), *cash;

	json_add_int(o, "id", d->id);
	json_add_str(o, "client_id", d->client_id);
	json_add_str(o, "receipt_code", d->receipt_code);
	json_add_int(o, "donor_id", d->donor_id);
	json_add_str(o, "received_on", d->received_on);
	json_add_str(o, "channel", d->channel);
	json_add_time(o, "created_at", (time_t)d->created_at);
	if (d->cash_fen > 0) {
		cash = json_new();
		json_add_int(cash, "amount_fen", d->cash_fen);
		json_add_int(cash, "fund_id", d->fund_id);
		cJSON_AddItemToObject(o, "cash", cash);
	}
	cJSON_AddItemToObject(o, "lines", lines);
	if (db_lots_of_donation(http_db(r), d->id, res_donations_lot, lines) !=
	    DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, status, o);
}

int
res_donations_line(
    const cJSON *l, struct stock_line *ln, int sale, struct fault *f)
{
	ln->unit_value_fen = -1;
	if (json_object(l, "", f) < 0 ||
	    json_int(l, "item_id", 1, 1, INT64_MAX, &ln->item_id, f) < 0 ||
	    json_int(l, "quantity", 1, 1, LIMIT_QUANTITY, &ln->quantity, f) <
	        0 ||
	    json_int(l, "unit_value_fen", 0, 0, LIMIT_UNIT_FEN,
	        &ln->unit_value_fen, f) < 0 ||
	    json_str(l, "expires_on", 0, 10, ln->expires_on,
	        sizeof(ln->expires_on), f) < 0 ||
	    (sale && json_bool(l, "sale_allowed", 0, &ln->sale_allowed, f) < 0))
		return -1;
	if (ln->expires_on[0] != '\0' && !clock_date_valid(ln->expires_on))
		return fault_field(f, FAULT_BAD, "bad_field", "expires_on",
		    "expires_on must be a date, YYYY-MM-DD");
	return 0;
}

static int
res_donations_parse(const cJSON *b, struct stock_donation *in, struct fault *f)
{
	const cJSON *lines, *l, *cash;
	int i;

	if (json_client_id(b, in->client_id, sizeof(in->client_id), f) < 0 ||
	    json_int(b, "donor_id", 1, 1, INT64_MAX, &in->donor_id, f) < 0 ||
	    json_str(b, "received_on", 1, 10, in->received_on,
	        sizeof(in->received_on), f) < 0 ||
	    json_str(b, "channel", 0, DB_SHORT_MAX - 1, in->channel,
	        sizeof(in->channel), f) < 0)
		return -1;
	if (!clock_date_valid(in->received_on))
		return fault_field(f, FAULT_BAD, "bad_field", "received_on",
		    "received_on must be a date, YYYY-MM-DD");
	if (in->channel[0] == '\0')
		memcpy(in->channel, "walk_in", sizeof("walk_in"));
	if ((cash = cJSON_GetObjectItemCaseSensitive(b, "cash")) != NULL) {
		if (cJSON_GetObjectItemCaseSensitive(b, "lines") != NULL)
			return fault_field(f, FAULT_BAD, "bad_field", "lines",
			    "a donation is goods (lines) or cash, not both");
		if (json_object(cash, "cash", f) < 0 ||
		    json_int(cash, "amount_fen", 1, 1, LIMIT_FEN, &in->cash_fen,
		        f) < 0 ||
		    json_int(cash, "fund_id", 1, 1, INT64_MAX, &in->fund_id,
		        f) < 0) {
			if (strncmp(f->field, "cash", 4) != 0) {
				memmove(f->field + 5, f->field,
				    sizeof(f->field) - 5);
				memcpy(f->field, "cash.", 5);
			}
			return -1;
		}
		return 0;
	}
	lines = json_array(b, "lines", 1, LIMIT_LINES, &in->nlines, f);
	if (lines == NULL)
		return -1;
	if (in->nlines == 0)
		return fault_field(f, FAULT_BAD, "bad_field", "lines",
		    "a donation needs at least one line");
	for (i = 0; i < in->nlines; i++) {
		l = cJSON_GetArrayItem(lines, i);
		if (res_donations_line(l, &in->lines[i], 1, f) != 0) {
			json_prefix(f, "lines", i);
			return -1;
		}
	}
	return 0;
}

void
res_donations_create(struct req *r)
{
	struct stock_donation *in;
	struct db_donation d;
	struct fault f;
	const cJSON *b;
	int replayed;

	memset(&f, 0, sizeof(f));
	if ((in = calloc(1, sizeof(*in))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    res_donations_parse(b, in, &f) != 0)
		goto fail;
	memcpy(in->req_hash, http_body_hash(r), 32);
	if (stock_donation_post(
	        http_db(r), http_actor(r), in, &d, &replayed, &f) != 0) {
		json_fault_path(&f, "lines");
		goto fail;
	}
	free(in);
	res_donations_reply(r, replayed ? 200 : 201, &d);
	return;
fail:
	free(in);
	http_fault(r, &f);
}

void
res_donations_get(struct req *r)
{
	struct db_donation d;
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_donation_by_id(http_db(r), id, &d);
	if (rc == DB_OK)
		res_donations_reply(r, 200, &d);
	else if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such donation");
	else
		http_error(r, 500, "internal", "the database failed");
}

static int
res_donations_row(const void *row, void *arg)
{
	const struct db_donation_sum *s = row;
	cJSON *o = json_new(), *donor = json_new(), *cash;

	json_add_int(o, "id", s->d.id);
	json_add_str(o, "receipt_code", s->d.receipt_code);
	json_add_int(donor, "id", s->d.donor_id);
	json_add_str(donor, "name", s->donor_name);
	cJSON_AddItemToObject(o, "donor", donor);
	json_add_str(o, "received_on", s->d.received_on);
	json_add_str(o, "channel", s->d.channel);
	json_add_int(o, "lines", s->lines);
	json_add_int(o, "value_fen", s->value_fen);
	if (s->d.cash_fen > 0) {
		cash = json_new();
		json_add_int(cash, "amount_fen", s->d.cash_fen);
		json_add_int(cash, "fund_id", s->d.fund_id);
		cJSON_AddItemToObject(o, "cash", cash);
	} else
		cJSON_AddNullToObject(o, "cash");
	json_add_time(o, "created_at", (time_t)s->d.created_at);
	http_list_add(arg, o, s->d.id);
	return 0;
}

/* Newest first: the cursor is the last id given, and the page goes on
 * below it. */
void
res_donations_list(struct req *r)
{
	struct http_list l;
	struct fault f;
	const char *s, *from, *to;
	char *end;
	int64_t donor = 0;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0)
		goto fail;
	if ((s = http_query(r, "donor_id")) != NULL) {
		donor = strtoll(s, &end, 10);
		if (*s < '1' || *s > '9' || *end != '\0' || donor <= 0 ||
		    donor == INT64_MAX) {
			fault_field(&f, FAULT_BAD, "bad_field", "donor_id",
			    "donor_id must be a positive integer");
			goto fail;
		}
	}
	from = http_query(r, "from");
	to = http_query(r, "to");
	if ((from != NULL && !clock_date_valid(from)) ||
	    (to != NULL && !clock_date_valid(to))) {
		fault_field(&f, FAULT_BAD, "bad_field",
		    from != NULL && !clock_date_valid(from) ? "from" : "to",
		    "from and to must be dates, YYYY-MM-DD");
		goto fail;
	}
	if (db_donation_list(http_db(r), donor, from, to, l.after, l.limit,
	        res_donations_row, &l) != DB_OK)
		goto fail;
	http_list_reply(r, &l);
	return;
fail:
	http_list_fail(r, &l, &f);
}
