/*
 * /api/v1/operating: the operating line (收支两条线): its accounts, its
 * costs and other income, a month's statement, and the transfers with
 * the donation funds (a manager's proposal, an admin's confirmation).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* An account's figure as the API gives it: costs as positive amounts. */
static int64_t
res_operating_shown(const struct db_op_account *a)
{
	return strcmp(a->side, "cost") == 0 ? -a->total_fen : a->total_fen;
}

static int
res_operating_account(const void *row, void *arg)
{
	const struct db_op_account *a = row;
	cJSON *o = json_new();

	json_add_str(o, "code", a->code);
	json_add_str(o, "side", a->side);
	json_add_str(o, "name", a->name);
	json_add_int(o, "total_fen", res_operating_shown(a));
	cJSON_AddItemToArray(arg, o);
	return 0;
}

void
res_operating_accounts(struct req *r)
{
	cJSON *o = json_new(), *list = cJSON_CreateArray();
	int64_t balance;

	cJSON_AddItemToObject(o, "accounts", list);
	if (db_operating_accounts(http_db(r), res_operating_account, list) !=
	        DB_OK ||
	    db_operating_balance(http_db(r), &balance) != DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	json_add_int(o, "balance_fen", balance);
	http_reply(r, 200, o);
}

static cJSON *
res_operating_entry_json(const struct db_op_entry *e)
{
	cJSON *o = json_new();

	json_add_int(o, "id", e->id);
	if (e->client_id[0] != '\0')
		json_add_str(o, "client_id", e->client_id);
	json_add_str(o, "account", e->account);
	json_add_str(o, "kind", e->kind);
	json_add_int(o, "amount_fen", e->amount_fen);
	if (e->sale_id > 0)
		json_add_int(o, "sale_id", e->sale_id);
	if (e->transfer_id > 0)
		json_add_int(o, "transfer_id", e->transfer_id);
	json_add_str(o, "note", e->note);
	json_add_str(o, "period", e->period);
	json_add_time(o, "created_at", (time_t)e->at);
	return o;
}

void
res_operating_entry_create(struct req *r)
{
	struct db_op_entry e;
	struct fault f;
	const cJSON *b;
	int replayed;

	memset(&f, 0, sizeof(f));
	memset(&e, 0, sizeof(e));
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, e.client_id, sizeof(e.client_id), &f) < 0 ||
	    json_str(b, "account", 1, sizeof(e.account) - 1, e.account,
	        sizeof(e.account), &f) < 0 ||
	    json_int(b, "amount_fen", 1, 1, LIMIT_FEN, &e.amount_fen, &f) < 0 ||
	    json_str(b, "note", 0, 200, e.note, sizeof(e.note), &f) < 0)
		goto fail;
	memcpy(e.req_hash, http_body_hash(r), 32);
	if (operating_entry(http_db(r), http_actor(r), &e, &replayed, &f) != 0)
		goto fail;
	/* The period the row counts in, as the ledger computed it. */
	if (db_operating_entry_by_client(http_db(r), e.client_id, &e) !=
	    DB_OK) {
		fault_db(&f, DB_ERR);
		goto fail;
	}
	http_reply(r, replayed ? 200 : 201, res_operating_entry_json(&e));
	return;
fail:
	http_fault(r, &f);
}

static int
res_operating_entry_row(const void *row, void *arg)
{
	const struct db_op_entry *e = row;

	http_list_add(arg, res_operating_entry_json(e), e->id);
	return 0;
}

/* The period of ?period=, or this month when none is given. */
static int
res_operating_period(struct req *r, char *period, struct fault *f)
{
	const char *s = http_query(r, "period");

	if (s == NULL) {
		clock_period_now(period);
		return 0;
	}
	if (!clock_period_valid(s))
		return fault_field(f, FAULT_BAD, "bad_field", "period",
		    "period must be a month, YYYY-MM");
	snprintf(period, CLOCK_PERIOD_LEN, "%s", s);
	return 0;
}

void
res_operating_entry_list(struct req *r)
{
	struct http_list l;
	struct fault f;
	char period[CLOCK_PERIOD_LEN];

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	if (http_list_begin(r, &l, &f) != 0 ||
	    res_operating_period(r, period, &f) != 0)
		goto fail;
	if (db_operating_entry_list(http_db(r),
	        http_query(r, "period") != NULL ? period : NULL, l.after,
	        l.limit, res_operating_entry_row, &l) != DB_OK) {
		fault_db(&f, DB_ERR);
		goto fail;
	}
	http_list_reply(r, &l);
	return;
fail:
	http_list_fail(r, &l, &f);
}

/* The statement's lines of one side; for the notice (NOTICE), without
 * the sales, which it shows apart, and with the name as "label". */
static cJSON *
res_operating_side(const struct op_statement *s, const char *side, int notice)
{
	cJSON *list = cJSON_CreateArray(), *o;
	int i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->a[i].side, side) != 0 ||
		    (notice && strcmp(s->a[i].code, "sales") == 0))
			continue;
		o = json_new();
		json_add_str(o, "account", s->a[i].code);
		json_add_str(o, notice ? "label" : "name", s->a[i].name);
		json_add_int(o, "amount_fen", res_operating_shown(&s->a[i]));
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

/* The statement and its sales as JSON (the notice shows the same). */
cJSON *
res_operating_statement_json(struct db *db, const char *period)
{
	struct op_statement s;
	struct db_sale_totals t;
	cJSON *o, *sales;

	if (operating_statement(db, period, period, INT64_MAX, &s) != 0 ||
	    db_sale_totals(db, period, period, INT64_MAX, &t) != DB_OK)
		return NULL;
	o = json_new();
	json_add_str(o, "period", period);
	json_add_int(o, "opening_fen", s.opening_fen);
	cJSON_AddItemToObject(o, "income", res_operating_side(&s, "income", 0));
	json_add_int(o, "income_total_fen", s.income_fen);
	cJSON_AddItemToObject(o, "costs", res_operating_side(&s, "cost", 0));
	json_add_int(o, "cost_total_fen", s.cost_fen);
	json_add_int(o, "transfers_fen", s.transfers_fen);
	json_add_int(o, "closing_fen", s.closing_fen);
	sales = json_new();
	json_add_int(sales, "count", t.sales);
	json_add_int(sales, "gross_fen", t.gross_fen);
	json_add_int(sales, "refunds", t.refunds);
	json_add_int(sales, "refunded_fen", t.refunded_fen);
	json_add_int(sales, "net_fen", t.net_fen);
	cJSON_AddItemToObject(o, "sales", sales);
	return o;
}

void
res_operating_statement(struct req *r)
{
	struct fault f;
	char period[CLOCK_PERIOD_LEN];
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if (res_operating_period(r, period, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	if ((o = res_operating_statement_json(http_db(r), period)) == NULL) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, o);
}

cJSON *
res_operating_transfer_json(const struct db_op_transfer *t, int public)
{
	cJSON *o = json_new();

	json_add_int(o, "id", t->id);
	if (!public)
		json_add_str(o, "client_id", t->client_id);
	json_add_str(o, "direction", t->direction);
	json_add_int(o, "fund_id", t->fund_id);
	json_add_str(o, "fund_name", t->fund_name);
	json_add_int(o, "amount_fen", t->amount_fen);
	json_add_str(o, "reason", t->reason);
	json_add_str(o, "status", t->confirmed_by ? "confirmed" : "proposed");
	if (!public)
		json_add_int(o, "proposed_by", t->proposed_by);
	json_add_time(o, "proposed_at", (time_t)t->proposed_at);
	if (t->confirmed_by) {
		if (!public)
			json_add_int(o, "confirmed_by", t->confirmed_by);
		json_add_time(o, "confirmed_at", (time_t)t->confirmed_at);
	}
	return o;
}

void
res_operating_transfer_create(struct req *r)
{
	static const char *const dirs[] = {"to_fund", "from_fund", NULL};
	struct db_op_transfer t;
	struct fault f;
	const cJSON *b;
	int replayed, d;

	memset(&f, 0, sizeof(f));
	memset(&t, 0, sizeof(t));
	if ((b = http_body(r, &f)) == NULL ||
	    json_client_id(b, t.client_id, sizeof(t.client_id), &f) < 0 ||
	    json_enum(b, "direction", 1, dirs, &d, &f) < 0 ||
	    json_int(b, "fund_id", 1, 1, INT64_MAX, &t.fund_id, &f) < 0 ||
	    json_int(b, "amount_fen", 1, 1, LIMIT_FEN, &t.amount_fen, &f) < 0 ||
	    json_str(b, "reason", 1, 200, t.reason, sizeof(t.reason), &f) < 0)
		goto fail;
	snprintf(t.direction, sizeof(t.direction), "%s", dirs[d]);
	memcpy(t.req_hash, http_body_hash(r), 32);
	if (operating_propose(http_db(r), http_actor(r), &t, &replayed, &f) !=
	    0)
		goto fail;
	http_reply(r, replayed ? 200 : 201, res_operating_transfer_json(&t, 0));
	return;
fail:
	http_fault(r, &f);
}

void
res_operating_transfer_confirm(struct req *r)
{
	struct db_op_transfer t;
	struct fault f;
	int64_t id;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such transfer");
		return;
	}
	if (operating_confirm(http_db(r), http_actor(r), id, &t, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 200, res_operating_transfer_json(&t, 0));
}

static int
res_operating_transfer_row(const void *row, void *arg)
{
	const struct db_op_transfer *t = row;

	http_list_add(arg, res_operating_transfer_json(t, 0), t->id);
	return 0;
}

void
res_operating_transfer_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0)
		goto fail;
	if (db_operating_transfer_list(http_db(r), l.after, l.limit,
	        res_operating_transfer_row, &l) != DB_OK) {
		fault_db(&f, DB_ERR);
		goto fail;
	}
	http_list_reply(r, &l);
	return;
fail:
	http_list_fail(r, &l, &f);
}

/*
 * The notice's section on charity-sale income and its use (义卖收入及
 * 使用), added to notice o: the month's sales, the operating line's
 * other income and costs, the transfers with the funds confirmed in it
 * with their reasons, and what the line held before and after. 0, or -1
 * if the database failed.
 */
int
res_operating_notice(struct db *db, const struct notice *n, cJSON *o)
{
	struct op_notice *on;
	cJSON *c, *list, *t;
	int i, rc = -1;

	if ((on = calloc(1, sizeof(*on))) == NULL)
		log_fatalx("out of memory");
	if (operating_notice(db, n, on) != 0)
		goto done;
	c = json_new();
	cJSON_AddItemToObject(o, "charity_sales", c);
	json_add_int(c, "sales_count", on->sales.sales);
	json_add_int(c, "refunds_count", on->sales.refunds);
	json_add_int(c, "sales_income_fen", on->sales.net_fen);
	cJSON_AddItemToObject(
	    c, "other_income", res_operating_side(&on->s, "income", 1));
	json_add_int(c, "income_total_fen", on->s.income_fen);
	cJSON_AddItemToObject(
	    c, "costs", res_operating_side(&on->s, "cost", 1));
	json_add_int(c, "cost_total_fen", on->s.cost_fen);
	list = cJSON_CreateArray();
	cJSON_AddItemToObject(c, "transfers", list);
	for (i = 0; i < on->n; i++) {
		t = json_new();
		json_add_str(t, "direction", on->tr[i].direction);
		json_add_str(t, "fund", on->tr[i].fund_name);
		json_add_int(t, "amount_fen", on->tr[i].amount_fen);
		json_add_str(t, "reason", on->tr[i].reason);
		json_add_time(
		    t, "confirmed_at", (time_t)on->tr[i].confirmed_at);
		cJSON_AddItemToArray(list, t);
	}
	if (on->more > 0)
		json_add_int(c, "transfers_more", on->more);
	json_add_int(c, "transfers_net_fen", on->s.transfers_fen);
	json_add_int(c, "opening_fen", on->s.opening_fen);
	json_add_int(c, "closing_fen", on->s.closing_fen);
	rc = 0;
done:
	free(on);
	return rc;
}

static void
res_operating_html_row(FILE *fp, const char *label, int64_t fen)
{
	fputs("<tr><td>", fp);
	res_html_esc(fp, label);
	fputs("</td><td class=n>", fp);
	res_html_money(fp, fen);
	fputs("</td></tr>", fp);
}

/* The same section on the public page, from the notice's JSON n; a
 * notice published before it existed has none. */
void
res_operating_notice_html(FILE *fp, const cJSON *n)
{
	const cJSON *c = cJSON_GetObjectItem(n, "charity_sales"), *r;

	if (!cJSON_IsObject(c))
		return;
	fputs("<section id=charity-sales><h2>慈善义卖收入及使用</h2><p "
	      "class=note>义卖收入记入经营账户，与捐赠资金分账管理（收支两条"
	      "线）；两者之间的每笔划转都须经理提出、管理员确认，并在此公示"
	      "理由。</p><table><tbody>",
	    fp);
	fprintf(fp,
	    "<tr><td>义卖（笔）</td><td class=n id=sales-count>%lld"
	    "</td></tr>",
	    (long long)res_html_int(c, "sales_count"));
	res_operating_html_row(
	    fp, "义卖收入（退款后）", res_html_int(c, "sales_income_fen"));
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(c, "other_income"))
	    res_operating_html_row(
	        fp, res_html_str(r, "label"), res_html_int(r, "amount_fen"));
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(c, "costs"))
	    res_operating_html_row(
	        fp, res_html_str(r, "label"), -res_html_int(r, "amount_fen"));
	res_operating_html_row(fp, "与捐赠资金之间的划转（净额）",
	    res_html_int(c, "transfers_net_fen"));
	res_operating_html_row(fp, "期初余额", res_html_int(c, "opening_fen"));
	res_operating_html_row(fp, "期末余额", res_html_int(c, "closing_fen"));
	fputs("</tbody></table>", fp);
	if (cJSON_GetArraySize(cJSON_GetObjectItem(c, "transfers")) > 0) {
		fputs("<h3>本月划转</h3><table id=op-transfers><thead><tr>"
		      "<th>方向</th><th>基金</th><th>理由</th><th class=n>"
		      "金额（元）</th></tr></thead><tbody>",
		    fp);
		cJSON_ArrayForEach(r, cJSON_GetObjectItem(c, "transfers"))
		{
			fputs(
			    strcmp(res_html_str(r, "direction"), "to_fund") == 0
			        ? "<tr><td>经营账户→基金</td><td>"
			        : "<tr><td>基金→经营账户</td><td>",
			    fp);
			res_html_esc(fp, res_html_str(r, "fund"));
			fputs("</td><td>", fp);
			res_html_esc(fp, res_html_str(r, "reason"));
			fputs("</td><td class=n>", fp);
			res_html_money(fp, res_html_int(r, "amount_fen"));
			fputs("</td></tr>", fp);
		}
		fputs("</tbody></table>", fp);
	}
	fputs("</section>", fp);
}
