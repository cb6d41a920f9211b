/*
 * The participation of donors (统计评估, 信用记录): per donor, what it
 * gave in a year and what became of its goods; the donors' ranking for
 * the store's own use; and, in public, only the organisations that
 * agreed to be named (consent_public).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

/* ?year=YYYY (this year when absent) as its span; -1 with a fault. */
static int
res_participation_year(struct req *r, struct report_span *sp, struct fault *f)
{
	const char *y = http_query(r, "year");
	char today[CLOCK_DATE_LEN];

	clock_today(today);
	today[4] = '\0';
	if (y == NULL)
		y = today;
	if (strlen(y) != 4 || report_span(y, sp) != 0)
		return fault_field(f, FAULT_BAD, "bad_field", "year",
		    "year must be a year, YYYY (2000 or later)");
	return 0;
}

struct res_participation {
	cJSON *gifts;
	int64_t cash, goods, n;
	int64_t fate[6];
};

static const char *const res_participation_fates[] = {"received", "distributed",
    "written_off", "corrected", "other", "in_stock", NULL};

static void
res_participation_add(int64_t *to, int64_t v)
{
	if (__builtin_add_overflow(*to, v, to))
		*to = v > 0 ? INT64_MAX : INT64_MIN;
}

static int
res_participation_gift(const void *row, void *arg)
{
	const struct db_donation_sum *s = row;
	struct res_participation *p = arg;
	cJSON *o = json_new();

	json_add_int(o, "donation_id", s->d.id);
	json_add_str(o, "received_on", s->d.received_on);
	json_add_str(o, "receipt_code", s->d.receipt_code);
	json_add_int(o, "cash_fen", s->d.cash_fen);
	if (s->d.fund_id > 0)
		json_add_int(o, "fund_id", s->d.fund_id);
	json_add_int(o, "goods_lines", s->lines);
	json_add_int(o, "goods_value_fen", s->value_fen);
	cJSON_AddItemToArray(p->gifts, o);
	res_participation_add(&p->cash, s->d.cash_fen);
	res_participation_add(&p->goods, s->value_fen);
	p->n++;
	return 0;
}

static int
res_participation_fate(const void *row, void *arg)
{
	const struct db_figure *g = row;
	struct res_participation *p = arg;
	int i;

	for (i = 0; res_participation_fates[i] != NULL; i++)
		if (strcmp(g->key, res_participation_fates[i]) == 0)
			res_participation_add(&p->fate[i], g->a);
	return 0;
}

static cJSON *
res_participation_donor(const struct db_donor *d)
{
	cJSON *o = json_new();

	json_add_int(o, "id", d->id);
	json_add_str(o, "name", d->name);
	json_add_str(o, "kind", d->kind);
	json_add_bool(o, "consent_public", d->consent_public);
	return o;
}

/* GET /api/v1/donors/{id}/participation?year=YYYY */
void
res_participation_get(struct req *r)
{
	struct res_participation p;
	struct report_span sp;
	struct db_donor d;
	struct fault f;
	cJSON *o, *fate;
	int64_t id;
	int rc = DB_NONE;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	if (http_id_arg(r, 0, &id) == 0)
		rc = db_donor_by_id(http_db(r), id, &d);
	if (rc != DB_OK) {
		if (rc == DB_NONE)
			fault_set(
			    &f, FAULT_NOT_FOUND, "not_found", "no such donor");
		else
			fault_db(&f, rc);
		http_fault(r, &f);
		return;
	}
	if (res_participation_year(r, &sp, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	o = json_new();
	cJSON_AddItemToObject(o, "donor", res_participation_donor(&d));
	json_add_str(o, "year", sp.label);
	p.gifts = cJSON_AddArrayToObject(o, "gifts");
	if (db_donation_list(http_db(r), d.id, sp.d1, sp.d2, 0, -1,
	        res_participation_gift, &p) != DB_OK ||
	    db_donor_fate(http_db(r), d.id, sp.d1, sp.d2,
	        res_participation_fate, &p) != DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	json_add_int(o, "donations", p.n);
	json_add_int(o, "cash_total_fen", p.cash);
	json_add_int(o, "goods_total_fen", p.goods);
	res_participation_add(&p.cash, p.goods);
	json_add_int(o, "total_fen", p.cash);
	fate = json_new();
	cJSON_AddItemToObject(o, "goods_fate", fate);
	/* Movements out are negative in the ledger; here, what left. */
	json_add_int(fate, "received_value_fen", p.fate[0]);
	json_add_int(fate, "distributed_value_fen", -p.fate[1]);
	json_add_int(fate, "written_off_value_fen", -p.fate[2]);
	json_add_int(fate, "corrected_value_fen", p.fate[3]);
	json_add_int(fate, "other_value_fen", -p.fate[4]);
	json_add_int(fate, "in_stock_value_fen", p.fate[5]);
	http_reply(r, 200, o);
}

struct res_participation_rank {
	cJSON *items;
	int public, n;
};

static int
res_participation_rank_row(const void *row, void *arg)
{
	const struct db_rank *k = row;
	struct res_participation_rank *p = arg;
	cJSON *o = json_new();
	int64_t total = k->cash_fen;

	res_participation_add(&total, k->goods_fen);
	json_add_int(o, "rank", ++p->n);
	if (!p->public) {
		json_add_int(o, "donor_id", k->donor_id);
		json_add_bool(o, "consent_public", k->consent_public);
	}
	json_add_str(o, "name", k->name);
	json_add_str(o, "kind", k->kind);
	json_add_str(o, "label", res_notices_label(k->kind));
	json_add_int(o, "donations", k->donations);
	json_add_int(o, "cash_fen", k->cash_fen);
	json_add_int(o, "goods_value_fen", k->goods_fen);
	json_add_int(o, "total_fen", total);
	cJSON_AddItemToArray(p->items, o);
	return 0;
}

/* The ranking of the year asked as JSON (public: consenting
 * organisations only, no ids), or NULL with f set. */
static cJSON *
res_participation_ranking(struct req *r, int public, struct fault *f)
{
	struct res_participation_rank p;
	struct report_span sp;
	char store[DB_NAME_MAX];
	int64_t limit = 100;
	const char *s;
	char *end;
	cJSON *o;

	if (res_participation_year(r, &sp, f) != 0)
		return NULL;
	if ((s = http_query(r, "limit")) != NULL) {
		limit = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || limit < 1 ||
		    limit > LIMIT_LIST) {
			fault_field(f, FAULT_BAD, "bad_field", "limit",
			    "limit must be 1 to %d", LIMIT_LIST);
			return NULL;
		}
	}
	memset(&p, 0, sizeof(p));
	p.public = public;
	o = json_new();
	json_add_str(o, "year", sp.label);
	if (public &&
	    db_setting_get(http_db(r), "store_name", store, sizeof(store)) ==
	        DB_OK)
		json_add_str(o, "store", store);
	p.items = cJSON_AddArrayToObject(o, "items");
	if (db_donor_ranking(http_db(r), sp.d1, sp.d2, public, (int)limit,
	        res_participation_rank_row, &p) != DB_OK) {
		cJSON_Delete(o);
		fault_db(f, DB_ERR);
		return NULL;
	}
	return o;
}

/* GET /api/v1/donors/ranking?year=YYYY: every donor, for staff. */
void
res_participation_rank(struct req *r)
{
	struct fault f;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_participation_ranking(r, 0, &f)) == NULL)
		http_fault(r, &f);
	else
		http_reply(r, 200, o);
}

/* GET /public/participation?year=YYYY */
void
res_participation_public(struct req *r)
{
	struct fault f;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_participation_ranking(r, 1, &f)) == NULL)
		http_fault(r, &f);
	else
		http_reply(r, 200, o);
}

/* GET /participation?year=YYYY: the same as a page. */
void
res_participation_page(struct req *r)
{
	struct fault f;
	const cJSON *e;
	char *html = NULL;
	size_t len;
	FILE *fp;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if ((o = res_participation_ranking(r, 1, &f)) == NULL) {
		res_html_message(r, f.kind == FAULT_BAD ? 400 : 500, "爱心单位",
		    f.kind == FAULT_BAD ? "年份应写作四位数字，如 2026。"
		                        : "暂时无法读取，请稍后再试。");
		return;
	}
	if ((fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(fp, "爱心单位", 0);
	fputs("<header><h1>", fp);
	res_html_esc(fp, res_html_str(o, "store"));
	fputs(" 爱心单位</h1><p>", fp);
	res_html_esc(fp, res_html_str(o, "year"));
	fputs("年度捐赠（仅列出同意公开名称的企业、社会组织和政府单位）</p>"
	      "</header><main><section><table id=ranking><thead><tr>"
	      "<th>单位</th><th>类别</th><th class=n>现金</th>"
	      "<th class=n>物资价值</th><th class=n>合计</th></tr></thead>"
	      "<tbody>",
	    fp);
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "items"))
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(e, "name"));
		fputs("</td><td>", fp);
		res_html_esc(fp, res_html_str(e, "label"));
		fputs("</td><td class=n>", fp);
		res_html_money(fp, res_html_int(e, "cash_fen"));
		fputs("</td><td class=n>", fp);
		res_html_money(fp, res_html_int(e, "goods_value_fen"));
		fputs("</td><td class=n>", fp);
		res_html_money(fp, res_html_int(e, "total_fen"));
		fputs("</td></tr>", fp);
	}
	if (cJSON_GetArraySize(cJSON_GetObjectItem(o, "items")) == 0)
		fputs("<tr><td colspan=5 class=none>暂无</td></tr>", fp);
	fputs("</tbody></table></section></main><footer><a href=\"/\">本月公示"
	      "</a></footer></body></html>",
	    fp);
	fclose(fp);
	cJSON_Delete(o);
	res_html_send(r, 200, html, len);
}
