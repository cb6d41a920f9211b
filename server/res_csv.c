/*
 * A notice as CSV, for Excel first: UTF-8 with a byte-order mark, CRLF
 * lines, Chinese headers and labels, amounts in yuan with two decimals,
 * the month written as 2026年11月 (a cell 2026-11 would become a date),
 * the as-of date, every figure of the JSON. Two last columns carry the
 * JSON's English keys for programs. Columns:
 * 部分,项目,数量,户数,人数,金额（元）,section,item
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/*
 * A text field. One that a spreadsheet would take for a formula (=, +,
 * -, @, tab, CR first) gets a leading apostrophe, as OWASP advises.
 */
void
res_csv_field(FILE *fp, const char *s)
{
	int formula;

	s = s != NULL ? s : "";
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	if (strpbrk(s, ",\"\r\n") == NULL && !formula) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* A count: the number, or a hidden one's "<5"; nothing when absent. */
static void
res_csv_count(FILE *fp, const cJSON *v)
{
	if (cJSON_IsString(v))
		res_csv_field(fp, v->valuestring);
	else if (v != NULL)
		fprintf(fp, "%lld", (long long)res_html_num(v));
}

/* Fen as yuan with two decimals (-12.05); nothing when absent. */
static void
res_csv_yuan(FILE *fp, const cJSON *v)
{
	int64_t fen;
	uint64_t a;

	if (v == NULL)
		return;
	fen = res_html_num(v);
	a = fen < 0 ? -(uint64_t)fen : (uint64_t)fen;
	fprintf(fp, "%s%llu.%02llu", fen < 0 ? "-" : "",
	    (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

struct res_csv_row {
	const char *part, *item;
	const cJSON *qty, *households, *persons, *fen;
	const char *section, *key;
};

static void
res_csv_row(FILE *fp, const struct res_csv_row *r)
{
	res_csv_field(fp, r->part);
	fputc(',', fp);
	res_csv_field(fp, r->item);
	fputc(',', fp);
	res_csv_count(fp, r->qty);
	fputc(',', fp);
	res_csv_count(fp, r->households);
	fputc(',', fp);
	res_csv_count(fp, r->persons);
	fputc(',', fp);
	res_csv_yuan(fp, r->fen);
	fputc(',', fp);
	res_csv_field(fp, r->section);
	fputc(',', fp);
	res_csv_field(fp, r->key);
	fputs("\r\n", fp);
}

/* A table of the notice, a row each, then its total row (named part
 * without its "（按…）"). */
static void
res_csv_table(FILE *fp, const char *part, const char *section,
    const cJSON *rows, const char *key, const char *total_section,
    const cJSON *total, const cJSON *total_qty)
{
	struct res_csv_row r;
	const cJSON *e, *label;
	const char *by = strstr(part, "（按");
	char title[96];

	cJSON_ArrayForEach(e, rows)
	{
		memset(&r, 0, sizeof(r));
		label = cJSON_GetObjectItem(e, "label");
		r.part = part;
		r.item = cJSON_IsString(label) ? label->valuestring
		                               : res_html_str(e, key);
		r.qty = cJSON_GetObjectItem(e, "quantity");
		r.households = cJSON_GetObjectItem(e, "households");
		r.persons = cJSON_GetObjectItem(e, "persons");
		r.fen = cJSON_GetObjectItem(e, "amount_fen");
		if (r.fen == NULL)
			r.fen = cJSON_GetObjectItem(e, "value_fen");
		r.section = section;
		r.key = res_html_str(e, key);
		res_csv_row(fp, &r);
	}
	if (total_section == NULL)
		return;
	memset(&r, 0, sizeof(r));
	snprintf(title, sizeof(title), "%.*s",
	    (int)(by != NULL ? by - part : (int)strlen(part)), part);
	r.part = title;
	r.item = "合计";
	r.qty = total_qty;
	r.fen = total;
	r.section = total_section;
	r.key = "total";
	res_csv_row(fp, &r);
}

static void
res_csv_one(FILE *fp, const char *part, const char *item, const cJSON *qty,
    const cJSON *fen, const char *section, const char *key)
{
	struct res_csv_row r;

	memset(&r, 0, sizeof(r));
	r.part = part;
	r.item = item;
	r.qty = qty;
	r.fen = fen;
	r.section = section;
	r.key = key;
	res_csv_row(fp, &r);
}

/* The month, its state and its as-of date. */
static void
res_csv_period(FILE *fp, const cJSON *o)
{
	const char *period = res_html_str(o, "period");
	int published = cJSON_IsFalse(cJSON_GetObjectItem(o, "provisional"));
	char text[96];

	snprintf(text, sizeof(text), "%.4s年%.2s月（%s）", period,
	    strlen(period) == 7 ? period + 5 : "",
	    published ? "已发布" : "暂定");
	res_csv_one(fp, "公示月份", text, NULL, NULL, "period",
	    published ? "published" : "provisional");
	if (published) {
		snprintf(text, sizeof(text), "发布于 %s",
		    res_html_str(o, "published_at"));
		res_csv_one(
		    fp, "发布时间", text, NULL, NULL, "published_at", "");
	} else {
		snprintf(
		    text, sizeof(text), "%s 零时", res_html_str(o, "as_of"));
		res_csv_one(fp, "数据截至", text, NULL, NULL, "as_of", "");
	}
}

static void
res_csv_points(FILE *fp, const cJSON *o)
{
	const cJSON *p = cJSON_GetObjectItem(o, "points");
	const cJSON *ps = cJSON_GetObjectItem(o, "priority_share");

	res_csv_one(fp, "积分（分）", "发放", cJSON_GetObjectItem(p, "granted"),
	    NULL, "points", "granted");
	res_csv_one(fp, "积分（分）", "兑换",
	    cJSON_GetObjectItem(p, "redeemed"), NULL, "points", "redeemed");
	res_csv_one(fp, "积分（分）", "过期", cJSON_GetObjectItem(p, "expired"),
	    NULL, "points", "expired");
	res_csv_one(fp, "期末库存价值", "合计", NULL,
	    cJSON_GetObjectItem(o, "closing_stock_value_fen"),
	    "closing_stock_value", "total");
	res_csv_one(fp, "发放物资总价值", "合计", NULL,
	    cJSON_GetObjectItem(ps, "total_value_fen"), "priority_share",
	    "total_value");
	if (cJSON_IsTrue(cJSON_GetObjectItem(ps, "hidden"))) {
		res_csv_one(fp, "重点救助对象所得", "不公布（户数少于5）", NULL,
		    NULL, "priority_share", "hidden");
		return;
	}
	res_csv_one(fp, "重点救助对象所得", "价值", NULL,
	    cJSON_GetObjectItem(ps, "value_fen"), "priority_share_value",
	    "total");
	res_csv_one(fp, "重点救助对象所得", "占发放物资总价值（‰）",
	    cJSON_GetObjectItem(ps, "per_mille"), NULL, "priority_share",
	    "per_mille");
}

static void
res_csv_late(FILE *fp, const cJSON *o)
{
	const cJSON *e;
	char text[160];

	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "late"))
	{
		snprintf(text, sizeof(text), "%s %s（%s）",
		    res_html_str(e, "date"),
		    strcmp(res_html_str(e, "kind"), "donation") == 0 ? "捐赠"
		                                                     : "支出",
		    res_html_str(e, "label"));
		res_csv_one(fp, "补记", text, NULL,
		    cJSON_GetObjectItem(e, "amount_fen"), "late",
		    res_html_str(e, "kind"));
	}
	if (cJSON_GetObjectItem(o, "late_more") != NULL)
		res_csv_one(fp, "补记", "其余",
		    cJSON_GetObjectItem(o, "late_more"),
		    cJSON_GetObjectItem(o, "late_more_fen"), "late", "more");
}

/* Volunteers' service: persons (or "<5"), shifts and minutes. */
static void
res_csv_volunteers(FILE *fp, const cJSON *v)
{
	struct res_csv_row r;

	if (v == NULL) /* a notice published before volunteers were kept */
		return;
	memset(&r, 0, sizeof(r));
	r.part = "志愿服务";
	r.item = "志愿者";
	r.persons = cJSON_GetObjectItem(v, "persons");
	r.section = "volunteers";
	r.key = "persons";
	res_csv_row(fp, &r);
	if (cJSON_IsTrue(cJSON_GetObjectItem(v, "hidden")))
		return;
	res_csv_one(fp, "志愿服务", "服务次数",
	    cJSON_GetObjectItem(v, "shifts"), NULL, "volunteers", "shifts");
	res_csv_one(fp, "志愿服务", "服务时长（分钟）",
	    cJSON_GetObjectItem(v, "minutes"), NULL, "volunteers", "minutes");
}

/* Charity-sale income and its use (收支两条线): the sales, the operating
 * line's other income and costs by account, the confirmed transfers with
 * the funds (with their reasons), and the line's opening and closing. */
static void
res_csv_charity(FILE *fp, const cJSON *c)
{
	const char *part = "义卖收入及使用";
	const cJSON *a;
	char item[600];

	if (c == NULL) /* a notice published before charity sales */
		return;
	res_csv_one(fp, part, "义卖收入（退款后）",
	    cJSON_GetObjectItem(c, "sales_count"),
	    cJSON_GetObjectItem(c, "sales_income_fen"), "charity_sales",
	    "sales");
	res_csv_one(fp, part, "退款", cJSON_GetObjectItem(c, "refunds_count"),
	    NULL, "charity_sales", "refunds");
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(c, "other_income"))
	{
		res_csv_one(fp, part, res_html_str(a, "label"), NULL,
		    cJSON_GetObjectItem(a, "amount_fen"),
		    "charity_sales_income", res_html_str(a, "account"));
	}
	res_csv_one(fp, part, "收入合计", NULL,
	    cJSON_GetObjectItem(c, "income_total_fen"), "charity_sales_income",
	    "total");
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(c, "costs"))
	{
		res_csv_one(fp, part, res_html_str(a, "label"), NULL,
		    cJSON_GetObjectItem(a, "amount_fen"), "charity_sales_costs",
		    res_html_str(a, "account"));
	}
	res_csv_one(fp, part, "支出合计", NULL,
	    cJSON_GetObjectItem(c, "cost_total_fen"), "charity_sales_costs",
	    "total");
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(c, "transfers"))
	{
		snprintf(item, sizeof(item), "%s %s：%s",
		    strcmp(res_html_str(a, "direction"), "to_fund") == 0
		        ? "转入基金"
		        : "转自基金",
		    res_html_str(a, "fund"), res_html_str(a, "reason"));
		res_csv_one(fp, part, item, NULL,
		    cJSON_GetObjectItem(a, "amount_fen"),
		    "charity_sales_transfers", res_html_str(a, "direction"));
	}
	res_csv_one(fp, part, "与基金往来净额", NULL,
	    cJSON_GetObjectItem(c, "transfers_net_fen"), "charity_sales",
	    "transfers_net");
	res_csv_one(fp, part, "期初余额", NULL,
	    cJSON_GetObjectItem(c, "opening_fen"), "charity_sales", "opening");
	res_csv_one(fp, part, "期末余额", NULL,
	    cJSON_GetObjectItem(c, "closing_fen"), "charity_sales", "closing");
}

/* The CSV of notice o (its JSON), malloc'd; *len its size. */
char *
res_csv_notice(const cJSON *o, size_t *len)
{
	const cJSON *s = cJSON_GetObjectItem(o, "sources");
	const cJSON *u = cJSON_GetObjectItem(o, "uses");
	const cJSON *h = cJSON_GetObjectItem(o, "households_served");
	struct res_csv_row r;
	char *buf = NULL;
	FILE *fp;

	if ((fp = open_memstream(&buf, len)) == NULL)
		log_fatal("open_memstream");
	fputs(
	    "\xEF\xBB\xBF部分,项目,数量,户数,人数,金额（元）,section,item\r\n",
	    fp);
	res_csv_period(fp, o);
	res_csv_table(fp, "现金捐赠（按捐赠方）", "cash_by_donor_kind",
	    cJSON_GetObjectItem(s, "cash_by_donor_kind"), "kind", NULL, NULL,
	    NULL);
	res_csv_table(fp, "现金捐赠（按基金）", "cash_by_fund",
	    cJSON_GetObjectItem(s, "cash_by_fund"), "fund", "cash",
	    cJSON_GetObjectItem(s, "cash_total_fen"), NULL);
	res_csv_table(fp, "实物捐赠（按类别）", "in_kind_by_category",
	    cJSON_GetObjectItem(s, "in_kind_by_category"), "category",
	    "in_kind", cJSON_GetObjectItem(s, "in_kind_total_fen"), NULL);
	res_csv_table(fp, "资金采购物资（按类别）", "purchased_by_category",
	    cJSON_GetObjectItem(s, "purchased_by_category"), "category",
	    "purchased", cJSON_GetObjectItem(s, "purchased_total_fen"), NULL);
	res_csv_table(fp, "发放物资（按类别）", "goods_distributed_by_category",
	    cJSON_GetObjectItem(u, "goods_distributed_by_category"), "category",
	    "goods_distributed",
	    cJSON_GetObjectItem(u, "goods_distributed_total_fen"),
	    cJSON_GetObjectItem(u, "goods_distributed_quantity"));
	res_csv_table(fp, "资金支出（按用途）", "fund_expenses_by_purpose",
	    cJSON_GetObjectItem(u, "fund_expenses_by_purpose"), "purpose",
	    "fund_expenses", cJSON_GetObjectItem(u, "fund_expenses_total_fen"),
	    NULL);
	res_csv_table(fp, "报损（按原因）", "write_offs",
	    cJSON_GetObjectItem(u, "write_offs"), "reason", "write_offs",
	    cJSON_GetObjectItem(u, "write_offs_total_fen"), NULL);
	res_csv_table(fp, "服务家庭（按类别）", "households_served",
	    cJSON_GetObjectItem(h, "by_category"), "category", NULL, NULL,
	    NULL);
	memset(&r, 0, sizeof(r));
	r.part = "服务家庭";
	r.item = "合计";
	r.households = cJSON_GetObjectItem(h, "households");
	r.persons = cJSON_GetObjectItem(h, "persons");
	r.section = "households_served";
	r.key = "total";
	res_csv_row(fp, &r);
	res_csv_points(fp, o);
	res_csv_volunteers(fp, cJSON_GetObjectItem(o, "volunteers"));
	res_csv_charity(fp, cJSON_GetObjectItem(o, "charity_sales"));
	res_csv_late(fp, o);
	res_csv_one(fp, "账本校验值", res_html_str(o, "ledger_head"), NULL,
	    NULL, "ledger_head", "");
	fclose(fp);
	return buf;
}
