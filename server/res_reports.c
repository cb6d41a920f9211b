/*
 * The civil-affairs statistics (报送民政): a quarter or a year of the
 * store's service, as JSON, as CSV for Excel and as a page to print.
 * Every figure is read from the ledger (db_report_figures); the CSV and
 * the page derive from the JSON, so the three never disagree. Columns
 * and definitions: docs/reports.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const char *const res_reports_funds[][2] = {
    {"donations", "社会捐赠"},
    {"government_purchase", "政府购买"},
    {"lottery", "福彩公益金"},
    {"community_foundation", "社区基金会"},
};

static const char *
res_reports_label(const char *key)
{
	size_t i;

	for (i = 0;
	     i < sizeof(res_reports_funds) / sizeof(res_reports_funds[0]); i++)
		if (strcmp(key, res_reports_funds[i][0]) == 0)
			return res_reports_funds[i][1];
	return res_notices_label(key);
}

static void
res_reports_add(int64_t *to, int64_t v)
{
	if (__builtin_add_overflow(*to, v, to))
		*to = v > 0 ? INT64_MAX : INT64_MIN;
}

/* A section being built: its rows and its totals. */
struct res_reports_sec {
	const char *name, *key, *n_name, *amount;
	cJSON *rows;
	int64_t n, amount_sum;
};

struct res_reports {
	struct res_reports_sec secs[6];
	cJSON *served;
	int64_t hh, persons, visits, pvisits;
	int64_t vol_persons, vol_shifts, vol_minutes;
};

/* The row of served's category cat, made on first use. */
static cJSON *
res_reports_served_row(cJSON *rows, const char *cat)
{
	const cJSON *e;
	cJSON *o;

	cJSON_ArrayForEach(e, rows) if (strcmp(res_html_str(e, "category"),
	                                    cat) == 0) return (cJSON *)e;
	o = json_new();
	json_add_str(o, "category", cat);
	json_add_str(o, "label", res_notices_label(cat));
	json_add_int(o, "households", 0);
	json_add_int(o, "persons", 0);
	json_add_int(o, "visits", 0);
	json_add_int(o, "person_visits", 0);
	cJSON_AddItemToArray(rows, o);
	return o;
}

static void
res_reports_set(cJSON *o, const char *key, int64_t v)
{
	cJSON_ReplaceItemInObject(o, key, json_int_item(v));
}

static int
res_reports_figure(const void *row, void *arg)
{
	const struct db_figure *g = row;
	struct res_reports *p = arg;
	struct res_reports_sec *s;
	cJSON *o;
	size_t i;

	if (strcmp(g->section, "served") == 0 ||
	    strcmp(g->section, "visits") == 0) {
		o = res_reports_served_row(p->served, g->key);
		if (g->section[0] == 's') {
			res_reports_set(o, "households", g->a);
			res_reports_set(o, "persons", g->b);
			res_reports_add(&p->hh, g->a);
			res_reports_add(&p->persons, g->b);
		} else {
			res_reports_set(o, "visits", g->a);
			res_reports_set(o, "person_visits", g->b);
			res_reports_add(&p->visits, g->a);
			res_reports_add(&p->pvisits, g->b);
		}
		return 0;
	}
	if (strcmp(g->section, "volunteers") == 0) {
		p->vol_persons = g->a;
		p->vol_shifts = g->b;
		p->vol_minutes = g->c;
		return 0;
	}
	for (i = 0; i < 6; i++) {
		s = &p->secs[i];
		if (strcmp(g->section, s->name) != 0)
			continue;
		o = json_new();
		json_add_str(o, s->key, g->key);
		json_add_str(o, "label", res_reports_label(g->key));
		json_add_int(o, s->n_name, g->a);
		json_add_int(o, s->amount, g->b);
		cJSON_AddItemToArray(s->rows, o);
		res_reports_add(&s->n, g->a);
		res_reports_add(&s->amount_sum, g->b);
	}
	return 0;
}

/*
 * Charity sales and the operating line of the span's months (收支两条线;
 * entries count in the month they were written): the sales and refunds,
 * and the operating statement, which says what the income went to.
 */
static int
res_reports_sales(struct db *db, const struct report_span *sp, cJSON *o)
{
	struct db_sale_totals t;
	struct op_statement st;
	cJSON *s, *in, *out, *e;
	int i;

	if (db_sale_totals(db, sp->p1, sp->p2, INT64_MAX, &t) != DB_OK ||
	    operating_statement(db, sp->p1, sp->p2, INT64_MAX, &st) != 0)
		return -1;
	s = cJSON_AddObjectToObject(o, "sales");
	json_add_int(s, "count", t.sales);
	json_add_int(s, "gross_fen", t.gross_fen);
	json_add_int(s, "refunds", t.refunds);
	json_add_int(s, "refunded_fen", t.refunded_fen);
	json_add_int(s, "net_fen", t.net_fen);
	s = cJSON_AddObjectToObject(o, "operating");
	json_add_int(s, "opening_fen", st.opening_fen);
	in = cJSON_AddArrayToObject(s, "income");
	out = cJSON_AddArrayToObject(s, "costs");
	for (i = 0; i < st.n; i++) {
		if (strcmp(st.a[i].side, "transfer") == 0)
			continue;
		e = json_new();
		json_add_str(e, "account", st.a[i].code);
		json_add_str(e, "name", st.a[i].name);
		json_add_int(e, "amount_fen",
		    strcmp(st.a[i].side, "cost") == 0 ? -st.a[i].total_fen
		                                      : st.a[i].total_fen);
		cJSON_AddItemToArray(
		    strcmp(st.a[i].side, "cost") == 0 ? out : in, e);
	}
	json_add_int(s, "income_total_fen", st.income_fen);
	json_add_int(s, "cost_total_fen", st.cost_fen);
	json_add_int(s, "transfers_fen", st.transfers_fen);
	json_add_int(s, "closing_fen", st.closing_fen);
	return 0;
}

/* The report of period as JSON, or NULL with f set. */
static cJSON *
res_reports_json(struct req *r, struct fault *f)
{
	static const char *const spec[6][4] = {
	    {"goods", "category", "quantity", "value_fen"},
	    {"cash_by_fund", "kind", "donations", "amount_fen"},
	    {"cash_by_donor", "kind", "donations", "amount_fen"},
	    {"goods_by_donor", "kind", "donations", "value_fen"},
	    {"spent_by_fund", "kind", "expenses", "amount_fen"},
	    {"", "", "", ""},
	};
	const char *period = http_query(r, "period");
	struct report_span sp;
	struct res_reports p;
	char store[DB_NAME_MAX];
	cJSON *o, *s;
	int i;

	if (period == NULL) {
		fault_field(f, FAULT_BAD, "missing_field", "period",
		    "period is required: YYYY-Qn or YYYY");
		return NULL;
	}
	if (report_span(period, &sp) != 0) {
		fault_field(f, FAULT_BAD, "bad_field", "period",
		    "period must be YYYY-Qn (n 1 to 4) or YYYY, from 2000");
		return NULL;
	}
	memset(&p, 0, sizeof(p));
	o = json_new();
	json_add_str(o, "period", sp.label);
	json_add_str(o, "from", sp.d1);
	json_add_str(o, "to", sp.d2);
	if (db_setting_get(http_db(r), "store_name", store, sizeof(store)) ==
	    DB_OK)
		json_add_str(o, "store", store);
	json_add_time(o, "generated_at", clock_now());
	p.served = cJSON_CreateArray();
	for (i = 0; i < 6; i++) {
		p.secs[i].name = spec[i][0];
		p.secs[i].key = spec[i][1];
		p.secs[i].n_name = spec[i][2];
		p.secs[i].amount = spec[i][3];
		p.secs[i].rows = cJSON_CreateArray();
	}
	if (db_report_figures(http_db(r), sp.p1, sp.p2, sp.d1, sp.d2,
	        res_reports_figure, &p) != DB_OK) {
		cJSON_Delete(o);
		cJSON_Delete(p.served);
		for (i = 0; i < 6; i++)
			cJSON_Delete(p.secs[i].rows);
		fault_db(f, DB_ERR);
		return NULL;
	}
	cJSON_Delete(p.secs[5].rows);

	s = cJSON_AddObjectToObject(o, "served");
	cJSON_AddItemToObject(s, "by_category", p.served);
	json_add_int(s, "households", p.hh);
	json_add_int(s, "persons", p.persons);
	json_add_int(s, "visits", p.visits);
	json_add_int(s, "person_visits", p.pvisits);

	s = cJSON_AddObjectToObject(o, "goods_distributed");
	cJSON_AddItemToObject(s, "by_category", p.secs[0].rows);
	json_add_int(s, "quantity", p.secs[0].n);
	json_add_int(s, "value_fen", p.secs[0].amount_sum);

	s = cJSON_AddObjectToObject(o, "cash_raised");
	cJSON_AddItemToObject(s, "by_fund_kind", p.secs[1].rows);
	cJSON_AddItemToObject(s, "by_donor_kind", p.secs[2].rows);
	json_add_int(s, "donations", p.secs[1].n);
	json_add_int(s, "amount_fen", p.secs[1].amount_sum);

	s = cJSON_AddObjectToObject(o, "goods_donated");
	cJSON_AddItemToObject(s, "by_donor_kind", p.secs[3].rows);
	json_add_int(s, "donations", p.secs[3].n);
	json_add_int(s, "value_fen", p.secs[3].amount_sum);

	s = cJSON_AddObjectToObject(o, "cash_spent");
	cJSON_AddItemToObject(s, "by_fund_kind", p.secs[4].rows);
	json_add_int(s, "expenses", p.secs[4].n);
	json_add_int(s, "amount_fen", p.secs[4].amount_sum);

	s = cJSON_AddObjectToObject(o, "volunteers");
	json_add_int(s, "persons", p.vol_persons);
	json_add_int(s, "shifts", p.vol_shifts);
	json_add_int(s, "minutes", p.vol_minutes);
	if (res_reports_sales(http_db(r), &sp, o) != 0) {
		cJSON_Delete(o);
		fault_db(f, DB_ERR);
		return NULL;
	}
	return o;
}

/* GET /api/v1/reports/civil-affairs?period=YYYY-Qn|YYYY */
void
res_reports_civil(struct req *r)
{
	struct fault f;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_reports_json(r, &f)) == NULL)
		http_fault(r, &f);
	else
		http_reply(r, 200, o);
}

#define RES_REPORTS_NONE INT64_MIN /* an empty cell */

/* A CSV row: part, item, then 户数, 人数, 户次, 人次, 数量 and the amount
 * in fen (written as yuan), each RES_REPORTS_NONE for an empty cell. */
static void
res_reports_csv_row(FILE *fp, const char *part, const char *item,
    const int64_t *v, const char *section, const char *key)
{
	uint64_t a;
	int i;

	res_csv_field(fp, part);
	fputc(',', fp);
	res_csv_field(fp, item);
	for (i = 0; i < 6; i++) {
		fputc(',', fp);
		if (v[i] == RES_REPORTS_NONE)
			continue;
		if (i < 5) {
			fprintf(fp, "%lld", (long long)v[i]);
			continue;
		}
		a = v[i] < 0 ? -(uint64_t)v[i] : (uint64_t)v[i];
		fprintf(fp, "%s%llu.%02llu", v[i] < 0 ? "-" : "",
		    (unsigned long long)(a / 100),
		    (unsigned long long)(a % 100));
	}
	fputc(',', fp);
	res_csv_field(fp, section);
	fputc(',', fp);
	res_csv_field(fp, key);
	fputs("\r\n", fp);
}

/* A table of the report: rows of rows (key, label, count n, amount),
 * then its total from total (count n, amount). */
static void
res_reports_csv_table(FILE *fp, const char *part, const char *title,
    const cJSON *rows, const char *section, const char *key, const char *n,
    const char *amount, const cJSON *total)
{
	int64_t v[6];
	const cJSON *e;
	int i;

	cJSON_ArrayForEach(e, rows)
	{
		for (i = 0; i < 6; i++)
			v[i] = RES_REPORTS_NONE;
		v[4] = res_html_int(e, n);
		v[5] = res_html_int(e, amount);
		res_reports_csv_row(fp, part, res_html_str(e, "label"), v,
		    section, res_html_str(e, key));
	}
	if (total == NULL)
		return;
	for (i = 0; i < 6; i++)
		v[i] = RES_REPORTS_NONE;
	v[4] = res_html_int(total, n);
	v[5] = res_html_int(total, amount);
	res_reports_csv_row(fp, title, "合计", v, section, "total");
}

/* Sales and the operating line: count and amount rows. */
static void
res_reports_csv_sales(FILE *fp, const cJSON *o)
{
	const cJSON *sa = cJSON_GetObjectItem(o, "sales");
	const cJSON *op = cJSON_GetObjectItem(o, "operating"), *e;
	int64_t v[6];
	int i;

	for (i = 0; i < 6; i++)
		v[i] = RES_REPORTS_NONE;
	v[4] = res_html_int(sa, "count");
	v[5] = res_html_int(sa, "gross_fen");
	res_reports_csv_row(fp, "慈善义卖", "销售", v, "sales", "gross");
	v[4] = res_html_int(sa, "refunds");
	v[5] = res_html_int(sa, "refunded_fen");
	res_reports_csv_row(fp, "慈善义卖", "退款", v, "sales", "refunded");
	v[4] = RES_REPORTS_NONE;
	v[5] = res_html_int(sa, "net_fen");
	res_reports_csv_row(fp, "慈善义卖", "净收入", v, "sales", "net");
	v[5] = res_html_int(op, "opening_fen");
	res_reports_csv_row(fp, "经营资金", "期初", v, "operating", "opening");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(op, "income"))
	{
		v[5] = res_html_int(e, "amount_fen");
		res_reports_csv_row(fp, "经营收入（按科目）",
		    res_html_str(e, "name"), v, "operating_income",
		    res_html_str(e, "account"));
	}
	v[5] = res_html_int(op, "income_total_fen");
	res_reports_csv_row(
	    fp, "经营收入", "合计", v, "operating_income", "total");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(op, "costs"))
	{
		v[5] = res_html_int(e, "amount_fen");
		res_reports_csv_row(fp, "经营支出（按科目）",
		    res_html_str(e, "name"), v, "operating_costs",
		    res_html_str(e, "account"));
	}
	v[5] = res_html_int(op, "cost_total_fen");
	res_reports_csv_row(
	    fp, "经营支出", "合计", v, "operating_costs", "total");
	v[5] = res_html_int(op, "transfers_fen");
	res_reports_csv_row(fp, "经营资金", "与捐赠资金间划转（净额）", v,
	    "operating", "transfers");
	v[5] = res_html_int(op, "closing_fen");
	res_reports_csv_row(fp, "经营资金", "期末", v, "operating", "closing");
}

static void
res_reports_period_text(const cJSON *o, char *buf, size_t size)
{
	const char *p = res_html_str(o, "period");

	if (strlen(p) == 7)
		snprintf(buf, size, "%.4s年第%c季度（%s至%s）", p, p[6],
		    res_html_str(o, "from"), res_html_str(o, "to"));
	else
		snprintf(buf, size, "%.4s年度（%s至%s）", p,
		    res_html_str(o, "from"), res_html_str(o, "to"));
}

/* The report o as CSV (malloc'd, *len its size). */
static char *
res_reports_csv_text(const cJSON *o, size_t *len)
{
	const cJSON *sv = cJSON_GetObjectItem(o, "served"), *e, *s;
	char text[160], *buf = NULL;
	int64_t v[6];
	FILE *fp;
	int i;

	if ((fp = open_memstream(&buf, len)) == NULL)
		log_fatal("open_memstream");
	fputs("\xEF\xBB\xBF部分,项目,户数,人数,户次,人次,数量,金额（元）,"
	      "section,item\r\n",
	    fp);
	for (i = 0; i < 6; i++)
		v[i] = RES_REPORTS_NONE;
	res_reports_period_text(o, text, sizeof(text));
	res_reports_csv_row(
	    fp, "报告期", text, v, "period", res_html_str(o, "period"));
	snprintf(text, sizeof(text), "%s", res_html_str(o, "store"));
	res_reports_csv_row(fp, "机构", text, v, "store", "");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(sv, "by_category"))
	{
		v[0] = res_html_int(e, "households");
		v[1] = res_html_int(e, "persons");
		v[2] = res_html_int(e, "visits");
		v[3] = res_html_int(e, "person_visits");
		res_reports_csv_row(fp, "服务对象（按类别）",
		    res_html_str(e, "label"), v, "served",
		    res_html_str(e, "category"));
	}
	v[0] = res_html_int(sv, "households");
	v[1] = res_html_int(sv, "persons");
	v[2] = res_html_int(sv, "visits");
	v[3] = res_html_int(sv, "person_visits");
	res_reports_csv_row(fp, "服务对象", "合计", v, "served", "total");
	s = cJSON_GetObjectItem(o, "goods_distributed");
	res_reports_csv_table(fp, "发放物资（按类别）", "发放物资",
	    cJSON_GetObjectItem(s, "by_category"), "goods_distributed",
	    "category", "quantity", "value_fen", s);
	s = cJSON_GetObjectItem(o, "cash_raised");
	res_reports_csv_table(fp, "现金捐赠（按资金来源）", NULL,
	    cJSON_GetObjectItem(s, "by_fund_kind"), "cash_raised_by_fund_kind",
	    "kind", "donations", "amount_fen", NULL);
	res_reports_csv_table(fp, "现金捐赠（按捐赠方）", "现金捐赠",
	    cJSON_GetObjectItem(s, "by_donor_kind"),
	    "cash_raised_by_donor_kind", "kind", "donations", "amount_fen", s);
	s = cJSON_GetObjectItem(o, "goods_donated");
	res_reports_csv_table(fp, "实物捐赠（按捐赠方）", "实物捐赠",
	    cJSON_GetObjectItem(s, "by_donor_kind"), "goods_donated", "kind",
	    "donations", "value_fen", s);
	s = cJSON_GetObjectItem(o, "cash_spent");
	res_reports_csv_table(fp, "资金支出（按资金来源）", "资金支出",
	    cJSON_GetObjectItem(s, "by_fund_kind"), "cash_spent", "kind",
	    "expenses", "amount_fen", s);
	s = cJSON_GetObjectItem(o, "volunteers");
	for (i = 0; i < 6; i++)
		v[i] = RES_REPORTS_NONE;
	v[1] = res_html_int(s, "persons");
	res_reports_csv_row(
	    fp, "志愿服务", "志愿者", v, "volunteers", "persons");
	v[1] = RES_REPORTS_NONE;
	v[4] = res_html_int(s, "shifts");
	res_reports_csv_row(
	    fp, "志愿服务", "服务次数", v, "volunteers", "shifts");
	v[4] = res_html_int(s, "minutes");
	res_reports_csv_row(
	    fp, "志愿服务", "服务时长（分钟）", v, "volunteers", "minutes");
	res_reports_csv_sales(fp, o);
	fclose(fp);
	return buf;
}

/* GET /api/v1/reports/civil-affairs.csv?period=… */
void
res_reports_civil_csv(struct req *r)
{
	struct fault f;
	char *csv, disp[96];
	size_t len;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_reports_json(r, &f)) == NULL) {
		http_fault(r, &f);
		return;
	}
	csv = res_reports_csv_text(o, &len);
	snprintf(disp, sizeof(disp),
	    "attachment; filename=\"civil-affairs-%s.csv\"",
	    res_html_str(o, "period"));
	cJSON_Delete(o);
	http_reply_header(r, "Content-Disposition", disp);
	http_reply_text(r, 200, "text/csv; charset=utf-8", csv, len);
	free(csv);
}

/* A table of the page: head names the count's column, rows' label,
 * count n and amount, then the total. */
static void
res_reports_html_table(FILE *fp, const char *title, const char *head,
    const cJSON *rows, const char *n, const char *amount, const cJSON *total)
{
	const cJSON *e;

	fputs("<h3>", fp);
	res_html_esc(fp, title);
	fprintf(fp,
	    "</h3><table><thead><tr><th>项目</th><th class=n>%s</th>"
	    "<th class=n>金额</th></tr></thead><tbody>",
	    head);
	cJSON_ArrayForEach(e, rows)
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(e, "label"));
		fprintf(fp, "</td><td class=n>%lld</td><td class=n>",
		    (long long)res_html_int(e, n));
		res_html_money(fp, res_html_int(e, amount));
		fputs("</td></tr>", fp);
	}
	if (total != NULL) {
		fprintf(fp,
		    "<tr><td>合计</td><td class=n>%lld</td><td class=n>",
		    (long long)res_html_int(total, n));
		res_html_money(fp, res_html_int(total, amount));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table>", fp);
}

static void
res_reports_html_served(FILE *fp, const cJSON *sv)
{
	static const char *const k[] = {
	    "households", "persons", "visits", "person_visits"};
	const cJSON *e;
	int i;

	fputs("<section id=served><h2>服务对象</h2><table><thead><tr>"
	      "<th>类别</th><th class=n>户数</th><th class=n>人数</th>"
	      "<th class=n>户次</th><th class=n>人次</th></tr></thead><tbody>",
	    fp);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(sv, "by_category"))
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(e, "label"));
		fputs("</td>", fp);
		for (i = 0; i < 4; i++)
			fprintf(fp, "<td class=n>%lld</td>",
			    (long long)res_html_int(e, k[i]));
		fputs("</tr>", fp);
	}
	fputs("<tr><td>合计</td>", fp);
	for (i = 0; i < 4; i++)
		fprintf(fp, "<td class=n>%lld</td>",
		    (long long)res_html_int(sv, k[i]));
	fputs("</tr></tbody></table></section>", fp);
}

/* A row of the page: a label and an amount. */
static void
res_reports_html_row(FILE *fp, const char *label, int64_t fen)
{
	fputs("<tr><td>", fp);
	res_html_esc(fp, label);
	fputs("</td><td class=n>", fp);
	res_html_money(fp, fen);
	fputs("</td></tr>", fp);
}

/* Sales income and its use (the operating statement of the span). */
static void
res_reports_html_sales(FILE *fp, const cJSON *o)
{
	const cJSON *sa = cJSON_GetObjectItem(o, "sales");
	const cJSON *op = cJSON_GetObjectItem(o, "operating"), *e;

	fprintf(fp,
	    "</section><section id=sales><h2>慈善义卖收入及使用</h2><table>"
	    "<tbody><tr><td>销售 %lld 笔</td><td class=n>",
	    (long long)res_html_int(sa, "count"));
	res_html_money(fp, res_html_int(sa, "gross_fen"));
	fprintf(fp, "</td></tr><tr><td>退款 %lld 笔</td><td class=n>",
	    (long long)res_html_int(sa, "refunds"));
	res_html_money(fp, res_html_int(sa, "refunded_fen"));
	fputs("</td></tr>", fp);
	res_reports_html_row(fp, "义卖净收入", res_html_int(sa, "net_fen"));
	fputs("</tbody></table><h3>经营资金（收支两条线）</h3><table><tbody>",
	    fp);
	res_reports_html_row(fp, "期初", res_html_int(op, "opening_fen"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(op, "income"))
	    res_reports_html_row(
	        fp, res_html_str(e, "name"), res_html_int(e, "amount_fen"));
	res_reports_html_row(
	    fp, "收入合计", res_html_int(op, "income_total_fen"));
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(op, "costs"))
	    res_reports_html_row(
	        fp, res_html_str(e, "name"), res_html_int(e, "amount_fen"));
	res_reports_html_row(
	    fp, "支出合计", res_html_int(op, "cost_total_fen"));
	res_reports_html_row(
	    fp, "与捐赠资金间划转（净额）", res_html_int(op, "transfers_fen"));
	res_reports_html_row(fp, "期末", res_html_int(op, "closing_fen"));
	fputs("</tbody></table>", fp);
}

/* GET /api/v1/reports/civil-affairs.html?period=…: to print. */
void
res_reports_civil_html(struct req *r)
{
	struct fault f;
	const cJSON *s;
	char text[160], *html = NULL;
	size_t len;
	FILE *fp;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_reports_json(r, &f)) == NULL) {
		http_fault(r, &f);
		return;
	}
	if ((fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(fp, "慈善超市统计报表", 1);
	fputs("<main><section><h2>", fp);
	res_html_esc(fp, res_html_str(o, "store"));
	fputs(" 慈善超市统计报表</h2><p id=period>", fp);
	res_reports_period_text(o, text, sizeof(text));
	res_html_esc(fp, text);
	fputs("</p></section>", fp);
	res_reports_html_served(fp, cJSON_GetObjectItem(o, "served"));
	fputs("<section id=goods>", fp);
	s = cJSON_GetObjectItem(o, "goods_distributed");
	res_reports_html_table(fp, "发放物资（按类别）", "数量",
	    cJSON_GetObjectItem(s, "by_category"), "quantity", "value_fen", s);
	s = cJSON_GetObjectItem(o, "goods_donated");
	res_reports_html_table(fp, "实物捐赠（按捐赠方）", "笔数",
	    cJSON_GetObjectItem(s, "by_donor_kind"), "donations", "value_fen",
	    s);
	fputs("</section><section id=cash>", fp);
	s = cJSON_GetObjectItem(o, "cash_raised");
	res_reports_html_table(fp, "现金捐赠（按资金来源）", "笔数",
	    cJSON_GetObjectItem(s, "by_fund_kind"), "donations", "amount_fen",
	    s);
	res_reports_html_table(fp, "现金捐赠（按捐赠方）", "笔数",
	    cJSON_GetObjectItem(s, "by_donor_kind"), "donations", "amount_fen",
	    s);
	s = cJSON_GetObjectItem(o, "cash_spent");
	res_reports_html_table(fp, "资金支出（按资金来源）", "笔数",
	    cJSON_GetObjectItem(s, "by_fund_kind"), "expenses", "amount_fen",
	    s);
	res_reports_html_sales(fp, o);
	s = cJSON_GetObjectItem(o, "volunteers");
	fprintf(fp,
	    "</section><section id=volunteers><h2>志愿服务</h2><table><tbody>"
	    "<tr><td>志愿者人数</td><td class=n>%lld</td></tr>"
	    "<tr><td>服务次数</td><td class=n>%lld</td></tr>"
	    "<tr><td>服务时长</td><td class=n>%lld小时%lld分</td></tr>"
	    "</tbody></table></section></main></body></html>",
	    (long long)res_html_int(s, "persons"),
	    (long long)res_html_int(s, "shifts"),
	    (long long)(res_html_int(s, "minutes") / 60),
	    (long long)(res_html_int(s, "minutes") % 60));
	fclose(fp);
	cJSON_Delete(o);
	res_html_send(r, 200, html, len);
}
