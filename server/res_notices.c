/*
 * /public/notices and /public/donations: what the public and donors
 * read, with no token and nothing that identifies a household; and the
 * manager's publication of a closed month. JSON is the notice's one form:
 * a published notice is stored as JSON, and CSV and the page derive
 * from it, so they can never disagree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const char *const res_notices_labels[][2] = {
    {"tekun", "特困供养"},
    {"dibao", "低保"},
    {"emergency", "临时/应急困难"},
    {"illness", "因病致贫"},
    {"low_income", "低收入"},
    {"other", "其他"},
    {"enterprise", "企业"},
    {"social_org", "社会组织"},
    {"individual", "个人"},
    {"volunteer", "志愿者"},
    {"government", "政府"},
    {"anonymous", "匿名"},
    {"expired", "过期"},
    {"damaged", "损坏"},
    {"lost", "丢失"},
    {"count_correction", "盘点更正"},
    {"offline_loss", "离线超发"},
};

/* The Chinese name of a category, donor kind or reason code. */
const char *
res_notices_label(const char *code)
{
	size_t i;

	for (i = 0;
	     i < sizeof(res_notices_labels) / sizeof(res_notices_labels[0]);
	     i++)
		if (strcmp(code, res_notices_labels[i][0]) == 0)
			return res_notices_labels[i][1];
	return code;
}

static cJSON *
res_notices_table(const struct notice_table *t, const char *key,
    const char *amount, int qty, int label)
{
	cJSON *a = cJSON_CreateArray(), *o;
	int i;

	for (i = 0; i < t->n; i++) {
		o = json_new();
		json_add_str(o, key, t->c[i].key);
		if (label)
			json_add_str(
			    o, "label", res_notices_label(t->c[i].key));
		if (qty)
			json_add_int(o, "quantity", t->c[i].qty);
		json_add_int(o, amount, t->c[i].value);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* A count as published: the number, or "<5" when it is hidden. */
static void
res_notices_count(cJSON *o, const char *key, int64_t v, int hide)
{
	if (hide)
		json_add_str(o, key, "<5");
	else
		json_add_int(o, key, v);
}

/* The notice as JSON; NULL if the database failed. */
static cJSON *
res_notices_json(struct db *db, const struct notice *n)
{
	cJSON *o = json_new(), *s, *u, *h, *a, *c, *p;
	char store[DB_NAME_MAX];
	int i;

	json_add_str(o, "period", n->period);
	json_add_bool(o, "provisional", n->provisional);
	if (n->as_of[0] != '\0')
		json_add_str(o, "as_of", n->as_of);
	if (db_setting_get(db, "store_name", store, sizeof(store)) == DB_OK)
		json_add_str(o, "store", store);
	json_add_time(o, "generated_at", clock_now());

	s = json_new();
	cJSON_AddItemToObject(o, "sources", s);
	cJSON_AddItemToObject(s, "cash_by_donor_kind",
	    res_notices_table(&n->cash_by_kind, "kind", "amount_fen", 0, 1));
	cJSON_AddItemToObject(s, "cash_by_fund",
	    res_notices_table(&n->cash_by_fund, "fund", "amount_fen", 0, 0));
	json_add_int(s, "cash_total_fen", n->cash_by_kind.value);
	cJSON_AddItemToObject(s, "in_kind_by_category",
	    res_notices_table(&n->inkind, "category", "value_fen", 1, 0));
	json_add_int(s, "in_kind_total_fen", n->inkind.value);
	cJSON_AddItemToObject(s, "purchased_by_category",
	    res_notices_table(&n->purchased, "category", "value_fen", 1, 0));
	json_add_int(s, "purchased_total_fen", n->purchased.value);

	u = json_new();
	cJSON_AddItemToObject(o, "uses", u);
	cJSON_AddItemToObject(u, "goods_distributed_by_category",
	    res_notices_table(&n->distributed, "category", "value_fen", 1, 0));
	json_add_int(u, "goods_distributed_quantity", n->distributed.qty);
	json_add_int(u, "goods_distributed_total_fen", n->distributed.value);
	cJSON_AddItemToObject(u, "fund_expenses_by_purpose",
	    res_notices_table(&n->expenses, "purpose", "amount_fen", 0, 0));
	json_add_int(u, "fund_expenses_total_fen", n->expenses.value);
	cJSON_AddItemToObject(u, "write_offs",
	    res_notices_table(&n->writeoffs, "reason", "value_fen", 1, 1));
	json_add_int(u, "write_offs_total_fen", n->writeoffs.value);

	h = json_new();
	cJSON_AddItemToObject(o, "households_served", h);
	a = cJSON_CreateArray();
	cJSON_AddItemToObject(h, "by_category", a);
	for (i = 0; i < n->nserved; i++) {
		c = json_new();
		json_add_str(c, "category", n->served[i].category);
		json_add_str(
		    c, "label", res_notices_label(n->served[i].category));
		json_add_bool(c, "priority",
		    household_priority(n->served[i].category) == 1);
		res_notices_count(
		    c, "households", n->served[i].households, n->hide[i]);
		res_notices_count(
		    c, "persons", n->served[i].persons, n->hide[i]);
		cJSON_AddItemToArray(a, c);
	}
	res_notices_count(h, "households", n->households, n->hide_total);
	res_notices_count(h, "persons", n->persons, n->hide_total);

	p = json_new();
	cJSON_AddItemToObject(o, "points", p);
	json_add_int(p, "granted", n->points_granted);
	json_add_int(p, "redeemed", n->points_redeemed);
	json_add_int(p, "expired", n->points_expired);
	json_add_int(o, "closing_stock_value_fen", n->closing_stock_fen);
	p = json_new();
	cJSON_AddItemToObject(o, "priority_share", p);
	json_add_int(p, "total_value_fen", n->distributed_value);
	/* Where few households were served, the share is what they took. */
	json_add_bool(p, "hidden", n->hide_priority);
	if (!n->hide_priority) {
		json_add_int(p, "value_fen", n->priority_value);
		json_add_int(p, "per_mille",
		    n->distributed_value > 0
		        ? (int64_t)((__int128)n->priority_value * 1000 /
		              n->distributed_value)
		        : 0);
	}
	a = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "late", a);
	for (i = 0; i < n->nlate; i++) {
		c = json_new();
		json_add_str(c, "kind", n->late[i].kind);
		json_add_str(c, "date", n->late[i].date);
		json_add_str(c, "label", res_notices_label(n->late[i].label));
		json_add_int(c, "amount_fen", n->late[i].amount_fen);
		cJSON_AddItemToArray(a, c);
	}
	if (n->late_more > 0) {
		json_add_int(o, "late_more", n->late_more);
		json_add_int(o, "late_more_fen", n->late_more_fen);
	}
	p = json_new();
	cJSON_AddItemToObject(o, "volunteers", p);
	res_notices_count(p, "persons", n->vol_persons, n->hide_vol);
	json_add_bool(p, "hidden", n->hide_vol);
	if (!n->hide_vol) {
		json_add_int(p, "shifts", n->vol_shifts);
		json_add_int(p, "minutes", n->vol_minutes);
	}
	json_add_str(o, "ledger_head", n->ledger_head);
	if (res_operating_notice(db, n, o) != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/*
 * The notice of period as JSON text (malloc'd): the published one, or
 * one computed now. NULL with a fault otherwise.
 */
/* A period's notice as JSON text: the published one, or computed (for
 * the public, as the ledger stood at the start of today). */
char *
res_notices_text(struct db *db, const char *period, int public, struct fault *f)
{
	struct notice *n;
	cJSON *o;
	char *body = NULL;
	int rc;

	if (!notice_period_ok(period)) {
		fault_set(f, FAULT_NOT_FOUND, "not_found",
		    "no notice for %.16s", period);
		return NULL;
	}
	if ((rc = db_notice_get(db, period, &body)) == DB_OK)
		return body;
	if (rc != DB_NONE || (n = calloc(1, sizeof(*n))) == NULL) {
		fault_db(f, DB_ERR);
		return NULL;
	}
	if (notice_compute(db, period, public, n) != 0) {
		free(n);
		fault_db(f, DB_ERR);
		return NULL;
	}
	o = res_notices_json(db, n);
	free(n);
	if (o == NULL) {
		fault_db(f, DB_ERR);
		return NULL;
	}
	if ((body = cJSON_PrintUnformatted(o)) == NULL)
		log_fatalx("out of memory");
	cJSON_Delete(o);
	return body;
}

static void
res_notices_send(struct req *r, int public)
{
	struct fault f;
	const char *arg = http_arg(r, 0);
	char period[CLOCK_PERIOD_LEN], *body, *csv;
	size_t n = strlen(arg), len;
	cJSON *o;
	int is_csv = n > 4 && strcmp(arg + n - 4, ".csv") == 0;

	memset(&f, 0, sizeof(f));
	if (n - (is_csv ? 4 : 0) != 7) {
		http_error(r, 404, "not_found", "no such period");
		return;
	}
	memcpy(period, arg, 7);
	period[7] = '\0';
	if ((body = res_notices_text(http_db(r), period, public, &f)) == NULL) {
		http_fault(r, &f);
		return;
	}
	if (!is_csv) {
		http_reply_text(r, 200, "application/json; charset=utf-8", body,
		    strlen(body));
		free(body);
		return;
	}
	o = cJSON_Parse(body);
	free(body);
	if (o == NULL) {
		http_error(r, 500, "internal", "a stored notice is damaged");
		return;
	}
	csv = res_csv_notice(o, &len);
	cJSON_Delete(o);
	http_reply_text(r, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
}

/* GET /public/notices/{period}[.csv]: as at the start of today. */
void
res_notices_get(struct req *r)
{
	res_notices_send(r, 1);
}

/* GET /api/v1/notices/{period}[.csv]: the same, as the ledger stands. */
void
res_notices_live(struct req *r)
{
	res_notices_send(r, 0);
}

struct res_notices_list {
	struct http_list l;
	struct db *db;
	char now[CLOCK_PERIOD_LEN];
	int seen_now;
};

static int
res_notices_period(const void *row, void *arg)
{
	const char *period = row;
	struct res_notices_list *l = arg;
	cJSON *o;
	char *body = NULL;
	int published;

	if (!notice_period_ok(period))
		return 0;
	if (strcmp(period, l->now) == 0)
		l->seen_now = 1;
	published = db_notice_get(l->db, period, &body) == DB_OK;
	free(body);
	o = json_new();
	json_add_str(o, "period", period);
	json_add_bool(o, "provisional", !published);
	json_add_bool(o, "published", published);
	http_list_add(&l->l, o, 0);
	return 0;
}

void
res_notices_list(struct req *r)
{
	struct res_notices_list l;
	struct fault f;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	http_list_all(&l.l);
	l.db = http_db(r);
	clock_period_now(l.now);
	if (db_periods(l.db, res_notices_period, &l) != DB_OK) {
		http_list_fail(r, &l.l, &f);
		return;
	}
	if (!l.seen_now) {
		o = json_new();
		json_add_str(o, "period", l.now);
		json_add_bool(o, "provisional", 1);
		json_add_bool(o, "published", 0);
		cJSON_InsertItemInArray(l.l.items, 0, o);
	}
	http_list_reply(r, &l.l);
}

void
res_notices_publish(struct req *r)
{
	struct fault f;
	const char *period = http_arg(r, 0);
	char *body;
	cJSON *o, *head;
	int rc;

	memset(&f, 0, sizeof(f));
	if (strlen(period) != 7 || !notice_period_ok(period)) {
		http_error(r, 404, "not_found", "no such period");
		return;
	}
	if ((body = res_notices_text(http_db(r), period, 0, &f)) == NULL) {
		http_fault(r, &f);
		return;
	}
	/* Frozen as published: no longer provisional, with its date. */
	o = cJSON_Parse(body);
	free(body);
	if (o == NULL) {
		http_error(r, 500, "internal", "a stored notice is damaged");
		return;
	}
	if (cJSON_GetObjectItem(o, "published_at") != NULL) {
		http_reply(r, 200, o); /* published already: the stored one */
		return;
	}
	cJSON_ReplaceItemInObject(o, "provisional", cJSON_CreateFalse());
	json_add_time(o, "published_at", clock_now());
	head = cJSON_GetObjectItem(o, "ledger_head");
	if ((body = cJSON_PrintUnformatted(o)) == NULL)
		log_fatalx("out of memory");
	rc = notice_publish(http_db(r), http_actor(r), period,
	    cJSON_IsString(head) ? head->valuestring : "", body, &f);
	free(body);
	if (rc < 0) {
		cJSON_Delete(o);
		http_fault(r, &f);
		return;
	}
	http_reply(r, rc == 0 ? 201 : 200, o);
}

struct res_trace {
	struct db *db;
	int frozen, failed;
	cJSON *items, *cur, *dist;
	int64_t item, received, in_stock, written_off, corrected;
};

static const char *
res_notices_str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s != NULL ? s : "";
}

/* An integer this file wrote (raw JSON text). */
static int64_t
res_notices_num(const cJSON *v)
{
	return cJSON_IsRaw(v) ? strtoll(v->valuestring, NULL, 10) : 0;
}

/*
 * A distribution line of the trace: by period and household category,
 * the category named only where the notice names it (notice_named), the
 * others folded into one 其他 line of that period.
 */
static int
res_notices_trace_dist(struct res_trace *tr, const struct db_trace *t)
{
	const char *cat = t->hcategory;
	cJSON *d, *q;
	int named;

	if ((named = notice_named(tr->db, t->period, tr->frozen, cat)) < 0) {
		tr->failed = 1;
		return 1;
	}
	if (!named)
		cat = "other";
	cJSON_ArrayForEach(d, tr->dist)
	{
		if (strcmp(res_notices_str(d, "period"), t->period) == 0 &&
		    strcmp(res_notices_str(d, "household_category"), cat) ==
		        0) {
			q = cJSON_GetObjectItem(d, "quantity");
			cJSON_ReplaceItemInObject(d, "quantity",
			    json_int_item(res_notices_num(q) + t->qty));
			return 0;
		}
	}
	d = json_new();
	json_add_str(d, "period", t->period);
	json_add_str(d, "household_category", cat);
	json_add_str(d, "label", res_notices_label(cat));
	json_add_int(d, "quantity", t->qty);
	cJSON_AddItemToArray(tr->dist, d);
	return 0;
}

/* Ends the item being gathered: its totals go in after its rows. */
static void
res_notices_trace_flush(struct res_trace *tr)
{
	if (tr->cur == NULL)
		return;
	json_add_int(tr->cur, "received", tr->received);
	json_add_int(tr->cur, "written_off", tr->written_off);
	json_add_int(tr->cur, "corrected", tr->corrected);
	json_add_int(tr->cur, "in_stock", tr->in_stock);
	tr->cur = NULL;
}

/* Rows come ordered by item: its lots, its distributions, write-offs. */
static int
res_notices_trace_row(const void *row, void *arg)
{
	const struct db_trace *t = row;
	struct res_trace *tr = arg;

	if (tr->cur == NULL || tr->item != t->item_id) {
		res_notices_trace_flush(tr);
		tr->cur = json_new();
		tr->item = t->item_id;
		tr->received = tr->in_stock = tr->written_off = 0;
		tr->corrected = 0;
		json_add_str(tr->cur, "item", t->name);
		json_add_str(tr->cur, "category", t->category);
		tr->dist = cJSON_CreateArray();
		cJSON_AddItemToObject(tr->cur, "distributed", tr->dist);
		cJSON_AddItemToArray(tr->items, tr->cur);
	}
	if (strcmp(t->kind, "lot") == 0) {
		tr->received += t->qty;
		tr->in_stock += t->on_hand;
	} else if (strcmp(t->kind, "written_off") == 0)
		tr->written_off += t->qty;
	else if (strcmp(t->kind, "corrected") == 0)
		tr->corrected += t->qty; /* found in a count: received + this */
	else
		return res_notices_trace_dist(tr, t);
	return 0;
}

/*
 * The public trace of the donation with receipt code: *o its JSON. 0
 * done, 1 no such donation, -1 on error.
 */
int
res_notices_trace(struct db *db, const char *code, cJSON **out)
{
	struct db_donation d;
	struct db_donor dn;
	struct db_fund fu;
	struct res_trace tr;
	char today[CLOCK_DATE_LEN];
	struct db_asof a;
	cJSON *o, *c;
	int rc, frozen;

	*out = NULL;
	rc = strlen(code) > 31 ? DB_NONE : db_donation_by_receipt(db, code, &d);
	if (rc == DB_NONE)
		return 1;
	if (rc != DB_OK || db_donor_by_id(db, d.donor_id, &dn) != DB_OK)
		return -1;
	o = json_new();
	json_add_str(o, "receipt_code", d.receipt_code);
	json_add_str(o, "received_on", d.received_on);
	json_add_str(o, "donor_kind", dn.kind);
	json_add_str(o, "donor_label", res_notices_label(dn.kind));
	if (d.cash_fen > 0) {
		c = json_new();
		json_add_int(c, "amount_fen", d.cash_fen);
		if (db_fund_by_id(db, d.fund_id, &fu) == DB_OK) {
			json_add_str(c, "fund", fu.name);
			json_add_str(c, "fund_kind", fu.kind);
		}
		cJSON_AddItemToObject(o, "cash", c);
	}
	/* Where the goods went as at the start of today, as notices. */
	if ((frozen = notice_asof(db, &a)) < 0) {
		cJSON_Delete(o);
		return -1;
	}
	clock_today(today);
	json_add_str(o, "as_of", today);
	memset(&tr, 0, sizeof(tr));
	tr.db = db;
	tr.frozen = frozen;
	tr.items = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "items", tr.items);
	if (db_donation_trace(db, d.id, frozen ? a.movement_id : INT64_MAX,
	        res_notices_trace_row, &tr) != DB_OK ||
	    tr.failed) {
		cJSON_Delete(o);
		return -1;
	}
	res_notices_trace_flush(&tr);
	*out = o;
	return 0;
}

/* GET /public/donations/{code} */
void
res_notices_donation(struct req *r)
{
	cJSON *o;
	int rc = res_notices_trace(http_db(r), http_arg(r, 0), &o);

	if (rc == 1)
		http_error(r, 404, "not_found", "no donation has this receipt");
	else if (rc < 0)
		http_error(r, 500, "internal", "the database failed");
	else
		http_reply(r, 200, o);
}
