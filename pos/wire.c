/*
 * wire.c: every JSON the till sends or reads.  Requests are built from
 * the till's structs; replies are read into bounded structs, every number
 * range-checked and every string cut to its buffer, so a misbehaving
 * server cannot overflow the till.  Pure: no I/O, so each is unit-tested.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "pos.h"

int
wire_i64(
    const cJSON *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* JSON numbers are doubles here: only exact integers in range. */
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max)
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* s into out, cut at size - 1 without splitting a UTF-8 sequence. */
static void
wire_cut(const char *s, char *out, size_t size)
{
	size_t n = strlen(s);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = '\0';
}

int
wire_strcpy(const cJSON *o, const char *key, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (size == 0 || !cJSON_IsString(v) || v->valuestring == NULL)
		return -1;
	wire_cut(v->valuestring, out, size);
	return 0;
}

int
wire_household(const cJSON *o, struct till_household *h)
{
	const cJSON *lim, *l;

	memset(h, 0, sizeof(*h));
	if (wire_i64(o, "id", 1, INT64_MAX / 2, &h->id) < 0 ||
	    wire_strcpy(
	        o, "name_masked", h->name_masked, sizeof(h->name_masked)) < 0 ||
	    wire_strcpy(o, "category", h->category, sizeof(h->category)) < 0 ||
	    wire_strcpy(o, "status", h->status, sizeof(h->status)) < 0 ||
	    wire_i64(o, "points", 0, TILL_POINTS_MAX, &h->points) < 0)
		return -1;
	if (wire_strcpy(o, "card_code", h->card, sizeof(h->card)) < 0)
		h->card[0] = '\0'; /* the caller knows the card it asked for */
	if (wire_i64(o, "members", 0, 1000, &h->members) < 0)
		h->members = 0;
	h->priority =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "priority"));
	lim = cJSON_GetObjectItemCaseSensitive(o, "limits");
	cJSON_ArrayForEach(l, lim)
	{
		struct till_limit *tl;

		if (h->nlimits == TILL_MAX_LIMITS)
			break;
		tl = &h->limits[h->nlimits];
		if (wire_i64(l, "item_id", 1, INT64_MAX / 2, &tl->item_id) <
		        0 ||
		    wire_i64(l, "monthly_limit", 0, TILL_MAX_QTY * 1000,
		        &tl->monthly_limit) < 0 ||
		    wire_i64(l, "remaining", INT32_MIN, TILL_MAX_QTY * 1000,
		        &tl->remaining) < 0)
			return -1;
		if (wire_i64(l, "taken", 0, INT32_MAX, &tl->taken) < 0)
			tl->taken = tl->monthly_limit - tl->remaining;
		if (wire_strcpy(l, "name", tl->name, sizeof(tl->name)) < 0)
			tl->name[0] = '\0';
		if (tl->remaining < 0)
			tl->remaining = 0;
		h->nlimits++;
	}
	return 0;
}

int
wire_item(const cJSON *o, const char *barcode, struct till_item *it)
{
	const cJSON *codes;

	memset(it, 0, sizeof(*it));
	if (wire_i64(o, "id", 1, INT64_MAX / 2, &it->id) < 0 ||
	    wire_strcpy(o, "name", it->name, sizeof(it->name)) < 0 ||
	    wire_i64(o, "points", 0, TILL_POINTS_MAX, &it->points) < 0)
		return -1;
	if (wire_strcpy(o, "unit", it->unit, sizeof(it->unit)) < 0)
		it->unit[0] = '\0';
	if (wire_i64(o, "monthly_limit", 0, TILL_MAX_QTY * 1000,
	        &it->monthly_limit) < 0)
		it->monthly_limit = -1; /* null: no limit */
	it->priority_only =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "priority_only"));
	if (wire_i64(o, "sale_price_fen", 1, INT64_MAX / 1000000,
	        &it->sale_price_fen) < 0)
		it->sale_price_fen = 0; /* null: not for sale */
	codes = cJSON_GetObjectItemCaseSensitive(o, "barcodes");
	if (barcode != NULL && barcode[0] != '\0')
		snprintf(it->barcode, sizeof(it->barcode), "%s", barcode);
	else if (cJSON_IsArray(codes) &&
	    cJSON_IsString(cJSON_GetArrayItem(codes, 0)))
		snprintf(it->barcode, sizeof(it->barcode), "%s",
		    cJSON_GetArrayItem(codes, 0)->valuestring);
	return 0;
}

int
wire_household_text(const char *json, struct till_household *h)
{
	cJSON *o = json != NULL ? cJSON_Parse(json) : NULL;
	int rc = o != NULL ? wire_household(o, h) : -1;

	cJSON_Delete(o);
	return rc;
}

int
wire_item_text(const char *json, const char *barcode, struct till_item *it)
{
	cJSON *o = json != NULL ? cJSON_Parse(json) : NULL;
	int rc = o != NULL ? wire_item(o, barcode, it) : -1;

	cJSON_Delete(o);
	return rc;
}

size_t
wire_items(const cJSON *page, struct till_item *out, size_t max)
{
	const cJSON *it;
	size_t n = 0;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(page, "items"))
	{
		if (n == max)
			break;
		if (wire_item(it, NULL, &out[n]) == 0)
			n++;
	}
	return n;
}

size_t
wire_items_each(const cJSON *page,
    void (*cb)(const char *barcode, const char *json, void *), void *arg)
{
	const cJSON *it, *code;
	char *js;
	size_t n = 0;

	cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(page, "items"))
	{
		if ((js = cJSON_PrintUnformatted(it)) == NULL)
			continue;
		cJSON_ArrayForEach(
		    code, cJSON_GetObjectItemCaseSensitive(it, "barcodes"))
		{
			if (cJSON_IsString(code))
				cb(code->valuestring, js, arg);
		}
		free(js);
		n++;
	}
	return n;
}

int
wire_next(const cJSON *page, char *cursor, size_t size)
{
	return wire_strcpy(page, "next", cursor, size) == 0 ? 1 : 0;
}

int
wire_listed(const cJSON *page, int64_t id, char *name, size_t namesz,
    char *purpose, size_t purposesz)
{
	const cJSON *o;
	int64_t v;

	cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(page, "items"))
	{
		if (wire_i64(o, "id", 1, INT64_MAX, &v) < 0 || v != id ||
		    wire_strcpy(o, "name", name, namesz) < 0)
			continue;
		if (purpose != NULL &&
		    wire_strcpy(o, "purpose", purpose, purposesz) < 0)
			purpose[0] = '\0';
		return 0;
	}
	return -1;
}

int
wire_detail(const cJSON *reply, const char *key, int64_t *out)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(reply, "error");

	return wire_i64(cJSON_GetObjectItemCaseSensitive(e, "details"), key,
	    INT64_MIN / 2, INT64_MAX / 2, out);
}

void
wire_error(const cJSON *reply, struct wire_err *we)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(reply, "error");
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(e, "details");
	char *ds = d != NULL ? cJSON_PrintUnformatted(d) : NULL;

	if (wire_strcpy(e, "code", we->code, sizeof(we->code)) < 0)
		snprintf(we->code, sizeof(we->code), "error");
	if (wire_strcpy(e, "message", we->text, sizeof(we->text)) < 0)
		we->text[0] = '\0';
	wire_cut(ds != NULL ? ds : "", we->details, sizeof(we->details));
	free(ds);
}

char *
wire_login_req(const char *user, const char *password)
{
	cJSON *b = cJSON_CreateObject();
	char *body = NULL;

	if (b == NULL || cJSON_AddStringToObject(b, "username", user) == NULL ||
	    cJSON_AddStringToObject(b, "password", password) == NULL)
		goto out;
	body = cJSON_PrintUnformatted(b);
out:
	cJSON_Delete(b);
	return body;
}

int
wire_login(
    const cJSON *o, char *token, size_t tokensz, char *role, size_t rolesz)
{
	if (wire_strcpy(o, "token", token, tokensz) < 0)
		return -1;
	if (wire_strcpy(o, "role", role, rolesz) < 0)
		role[0] = '\0';
	return 0;
}

char *
wire_distribution_req(const char *client_id, const char *till_id,
    const char *card, const struct till_line *lines, size_t nlines)
{
	cJSON *b = cJSON_CreateObject(), *arr, *l;
	char *body = NULL;
	size_t i;

	if (b == NULL ||
	    cJSON_AddStringToObject(b, "client_id", client_id) == NULL ||
	    cJSON_AddStringToObject(b, "till_id", till_id) == NULL ||
	    cJSON_AddStringToObject(b, "household_card", card) == NULL ||
	    (arr = cJSON_AddArrayToObject(b, "lines")) == NULL)
		goto out;
	for (i = 0; i < nlines; i++) {
		if ((l = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, l) ||
		    cJSON_AddNumberToObject(
		        l, "item_id", (double)lines[i].item.id) == NULL ||
		    cJSON_AddNumberToObject(
		        l, "quantity", (double)lines[i].qty) == NULL)
			goto out;
	}
	body = cJSON_PrintUnformatted(b);
out:
	cJSON_Delete(b);
	return body;
}

char *
wire_sale_req(const char *client_id, const char *till_id,
    const struct till_line *lines, size_t nlines, const char *method,
    const char *reference)
{
	cJSON *b = cJSON_CreateObject(), *arr, *l, *p;
	char *body = NULL;
	size_t i;

	if (b == NULL ||
	    cJSON_AddStringToObject(b, "client_id", client_id) == NULL ||
	    cJSON_AddStringToObject(b, "till_id", till_id) == NULL ||
	    (arr = cJSON_AddArrayToObject(b, "lines")) == NULL ||
	    (p = cJSON_AddObjectToObject(b, "payment")) == NULL ||
	    cJSON_AddStringToObject(p, "method", method) == NULL ||
	    (reference[0] != '\0' &&
	        cJSON_AddStringToObject(p, "reference", reference) == NULL))
		goto out;
	for (i = 0; i < nlines; i++) {
		if ((l = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, l) ||
		    cJSON_AddNumberToObject(
		        l, "item_id", (double)lines[i].item.id) == NULL ||
		    cJSON_AddNumberToObject(
		        l, "quantity", (double)lines[i].qty) == NULL)
			goto out;
	}
	body = cJSON_PrintUnformatted(b);
out:
	cJSON_Delete(b);
	return body;
}

void
wire_sale(const cJSON *reply, struct rcpt *rc)
{
	const cJSON *l;
	int64_t v;
	size_t i = 0;

	wire_distribution(reply, rc);
	if (wire_i64(reply, "total_fen", 1, INT64_MAX / 2, &v) == 0)
		rc->total = v;
	rc->balance = 0;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(reply, "lines"))
	{
		if (i == TILL_MAX_LINES)
			break;
		if (wire_i64(l, "amount_fen", 1, INT64_MAX / 2, &v) == 0)
			rc->lines[i].amount_fen = v;
		i++;
	}
}

void
wire_distribution(const cJSON *reply, struct rcpt *rc)
{
	const cJSON *l;
	char created[64];
	int64_t v;
	size_t i = 0;

	if (wire_strcpy(reply, "receipt_no", rc->receipt_no,
	        sizeof(rc->receipt_no)) < 0)
		snprintf(rc->receipt_no, sizeof(rc->receipt_no), "?");
	rc->when[0] = '\0';
	if (wire_strcpy(reply, "created_at", created, sizeof(created)) == 0 &&
	    strlen(created) >= 19) {
		/* RFC 3339 in the store's zone: the wall clock part. */
		memcpy(rc->when, created, 19);
		rc->when[10] = ' ';
		rc->when[19] = '\0';
	}
	if (wire_i64(reply, "points_total", 0, INT64_MAX / 2, &v) == 0)
		rc->total = v;
	if (wire_i64(reply, "points_balance", 0, INT64_MAX / 2, &v) == 0)
		rc->balance = v;
	/* The server's lines are what was given: names as it knows them. */
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(reply, "lines"))
	{
		if (i == TILL_MAX_LINES)
			break;
		wire_strcpy(
		    l, "name", rc->lines[i].name, sizeof(rc->lines[i].name));
		if (wire_i64(l, "quantity", 0, TILL_MAX_QTY, &v) == 0)
			rc->lines[i].qty = v;
		if (wire_i64(l, "points", 0, INT64_MAX / 2, &v) == 0)
			rc->lines[i].points = v;
		i++;
	}
	if (i > 0)
		rc->nlines = i;
}

char *
wire_conflict(const struct journal_entry *e)
{
	cJSON *o = cJSON_CreateObject(), *b, *r;
	char *s = NULL;

	if (o == NULL)
		return NULL;
	cJSON_AddNumberToObject(o, "seq", (double)e->seq);
	cJSON_AddStringToObject(o, "client_id", e->client_id);
	cJSON_AddNumberToObject(o, "points", (double)e->points);
	cJSON_AddBoolToObject(o, "offline", e->offline);
	if (e->body != NULL && (b = cJSON_Parse(e->body)) != NULL)
		cJSON_AddItemToObject(o, "request", b);
	if (e->reply != NULL && (r = cJSON_Parse(e->reply)) != NULL)
		cJSON_AddItemToObject(o, "reply", r);
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

int
wire_store_text(const char *json, struct wire_store *st)
{
	cJSON *o = json != NULL ? cJSON_Parse(json) : NULL;
	int rc = -1;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (wire_strcpy(o, "name", st->name, sizeof(st->name)) < 0 ||
	    st->name[0] == '\0' ||
	    wire_strcpy(o, "time_zone", st->tz, sizeof(st->tz)) < 0 ||
	    st->tz[0] == '\0')
		goto out;
	for (i = 0; st->tz[i] != '\0'; i++)
		if (strchr(
		        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		        "0123456789/_+-",
		        st->tz[i]) == NULL)
			goto out;
	if (wire_strcpy(o, "public_address", st->address, sizeof(st->address)) <
	    0)
		st->address[0] = '\0';
	rc = 0;
out:
	cJSON_Delete(o);
	return rc;
}

int
wire_dist_found(const cJSON *page, int64_t *id, int64_t *points, int64_t *goods,
    int *voided)
{
	const cJSON *d = cJSON_GetArrayItem(
	    cJSON_GetObjectItemCaseSensitive(page, "items"), 0);
	const cJSON *l;
	int64_t q;

	if (d == NULL || wire_i64(d, "id", 1, INT64_MAX, id) < 0 ||
	    wire_i64(d, "points_total", 0, INT64_MAX / 2, points) < 0)
		return -1;
	*goods = 0;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(d, "lines"))
	{
		if (wire_i64(l, "quantity", 1, 1000000, &q) == 0)
			*goods += q; /* at most 500 lines of 10^6 */
	}
	*voided = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(d, "voided"));
	return 0;
}

char *
wire_void_req(const char *client_id, const char *reason)
{
	cJSON *b = cJSON_CreateObject();
	char *body = NULL;

	if (b != NULL &&
	    cJSON_AddStringToObject(b, "client_id", client_id) != NULL &&
	    cJSON_AddStringToObject(b, "reason", reason) != NULL)
		body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	return body;
}

char *
wire_conflict_req(const char *body, const char *local_no, const char *reply)
{
	cJSON *o = body != NULL ? cJSON_Parse(body) : NULL, *r, *ref;
	struct wire_err we;
	char *s = NULL, msg[240]; /* the server keeps 250 bytes */

	if (o == NULL || !cJSON_IsObject(o))
		goto out;
	r = reply != NULL ? cJSON_Parse(reply) : NULL;
	wire_error(r, &we);
	cJSON_Delete(r);
	wire_cut(we.text, msg, sizeof(msg));
	if (cJSON_AddStringToObject(o, "local_no", local_no) == NULL ||
	    (ref = cJSON_AddObjectToObject(o, "refusal")) == NULL ||
	    cJSON_AddStringToObject(ref, "code", we.code) == NULL ||
	    cJSON_AddStringToObject(ref, "message", msg) == NULL)
		goto out;
	s = cJSON_PrintUnformatted(o);
out:
	cJSON_Delete(o);
	return s;
}

void
wire_reply_str(const char *reply, const char *key, char *out, size_t size)
{
	cJSON *o = reply != NULL ? cJSON_Parse(reply) : NULL;

	if (wire_strcpy(o, key, out, size) < 0)
		out[0] = '\0';
	cJSON_Delete(o);
}

int
wire_donation(const cJSON *o, struct wire_donation *d)
{
	const cJSON *cash, *l;

	memset(d, 0, sizeof(*d));
	if (wire_strcpy(o, "receipt_code", d->code, sizeof(d->code)) < 0 ||
	    d->code[0] == '\0' ||
	    wire_strcpy(o, "received_on", d->date, sizeof(d->date)) < 0 ||
	    wire_i64(o, "donor_id", 1, INT64_MAX, &d->donor_id) < 0)
		return -1;
	cash = cJSON_GetObjectItemCaseSensitive(o, "cash");
	if (cJSON_IsObject(cash))
		return wire_i64(cash, "amount_fen", 1, SLIP_FEN_MAX,
		           &d->cash_fen) < 0 ||
		        wire_i64(cash, "fund_id", 1, INT64_MAX, &d->fund_id) < 0
		    ? -1
		    : 0;
	cJSON_ArrayForEach(l, cJSON_GetObjectItemCaseSensitive(o, "lines"))
	{
		struct wire_gift *g = &d->lines[d->nlines];

		if (d->nlines == WIRE_DON_LINES ||
		    wire_i64(l, "item_id", 1, INT64_MAX, &g->item_id) < 0 ||
		    wire_i64(l, "quantity", 1, SLIP_QTY_MAX, &g->qty) < 0 ||
		    wire_i64(l, "unit_value_fen", 0, SLIP_FEN_MAX,
		        &g->unit_value_fen) < 0)
			return -1;
		d->nlines++;
	}
	return 0;
}

char *
wire_state(const struct till *t, const struct wire_devs *d)
{
	cJSON *o = cJSON_CreateObject(), *h, *arr, *x, *fl;
	static const char *const stages[] = {"login", "card", "basket"};
	char *s = NULL;
	size_t i;
	unsigned f;

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "stage", stages[t->stage]);
	cJSON_AddBoolToObject(o, "sale", t->sale);
	if (t->sale) {
		cJSON_AddNumberToObject(
		    o, "sale_total_fen", (double)till_sale_total(t));
		cJSON_AddStringToObject(o, "pay_method", t->pay_method);
	}
	cJSON_AddStringToObject(o, "user", t->user);
	cJSON_AddBoolToObject(o, "online", t->online);
	if (t->has_hh) {
		h = cJSON_AddObjectToObject(o, "household");
		cJSON_AddStringToObject(h, "card", t->hh.card);
		cJSON_AddStringToObject(h, "name_masked", t->hh.name_masked);
		cJSON_AddStringToObject(h, "category", t->hh.category);
		cJSON_AddStringToObject(h, "status", t->hh.status);
		cJSON_AddBoolToObject(h, "priority", t->hh.priority);
		cJSON_AddNumberToObject(h, "points", (double)t->hh.points);
		cJSON_AddBoolToObject(h, "cached", t->hh.cached);
		arr = cJSON_AddArrayToObject(h, "limits");
		for (i = 0; i < t->hh.nlimits; i++) {
			x = cJSON_CreateObject();
			cJSON_AddNumberToObject(
			    x, "item_id", (double)t->hh.limits[i].item_id);
			cJSON_AddStringToObject(
			    x, "name", t->hh.limits[i].name);
			cJSON_AddNumberToObject(
			    x, "remaining", (double)t->hh.limits[i].remaining);
			cJSON_AddItemToArray(arr, x);
		}
	} else
		cJSON_AddNullToObject(o, "household");
	arr = cJSON_AddArrayToObject(o, "lines");
	for (i = 0; i < t->nlines; i++) {
		const struct till_line *l = &t->lines[i];

		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "barcode", l->item.barcode);
		cJSON_AddNumberToObject(x, "item_id", (double)l->item.id);
		cJSON_AddStringToObject(x, "name", l->item.name);
		cJSON_AddNumberToObject(x, "qty", (double)l->qty);
		cJSON_AddNumberToObject(
		    x, "points", (double)(l->qty * l->item.points));
		fl = cJSON_AddArrayToObject(x, "flags");
		for (f = 1; f <= TILL_F_OFFCAP; f <<= 1)
			if (l->flags & f)
				cJSON_AddItemToArray(
				    fl, cJSON_CreateString(till_flag_code(f)));
		cJSON_AddItemToArray(arr, x);
	}
	cJSON_AddNumberToObject(o, "total", (double)till_total(t));
	if (t->has_hh)
		cJSON_AddNumberToObject(
		    o, "balance_after", (double)till_balance_after(t));
	else
		cJSON_AddNullToObject(o, "balance_after");
	arr = cJSON_AddArrayToObject(o, "messages");
	for (i = 0; i < t->nmsgs; i++) {
		x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "code", t->msgs[i].code);
		cJSON_AddStringToObject(x, "text", t->msgs[i].text);
		cJSON_AddItemToArray(arr, x);
	}
	cJSON_AddNumberToObject(o, "pending", (double)d->pending);
	cJSON_AddNumberToObject(o, "conflicts", (double)d->conflicts);
	cJSON_AddStringToObject(o, "printer", d->printer);
	cJSON_AddNumberToObject(o, "print_queue", (double)d->print_queue);
	cJSON_AddStringToObject(o, "scanner", d->scanner);
	if (d->receipt != NULL)
		cJSON_AddStringToObject(o, "receipt", d->receipt);
	else
		cJSON_AddNullToObject(o, "receipt");
	s = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return s;
}

void
wire_uuid(char out[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

cJSON *
wire_parse(const char *body, size_t len)
{
	return cJSON_ParseWithLength(body, len);
}

void
wire_free(cJSON *o)
{
	cJSON_Delete(o);
}

/* POST /api/v1/volunteers/{id}/check-in and check-out: the bodies. */
char *
wire_checkin_req(const char *client_id, const char *till_id, const char *role)
{
	cJSON *b = cJSON_CreateObject();
	char *body = NULL;

	if (b != NULL &&
	    cJSON_AddStringToObject(b, "client_id", client_id) != NULL &&
	    cJSON_AddStringToObject(b, "till_id", till_id) != NULL &&
	    cJSON_AddStringToObject(b, "role", role) != NULL)
		body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	return body;
}

char *
wire_checkout_req(const char *client_id)
{
	cJSON *b = cJSON_CreateObject();
	char *body = NULL;

	if (b != NULL &&
	    cJSON_AddStringToObject(b, "client_id", client_id) != NULL)
		body = cJSON_PrintUnformatted(b);
	cJSON_Delete(b);
	return body;
}

/* A check-out's shift: its minutes (1..1440); 0 or -1. */
int
wire_shift_minutes(const cJSON *o, int64_t *minutes)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(o, "minutes");

	if (!cJSON_IsNumber(m) || m->valuedouble < 1 || m->valuedouble > 1440)
		return -1;
	*minutes = (int64_t)m->valuedouble;
	return 0;
}
