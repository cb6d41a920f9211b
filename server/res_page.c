/*
 * The pages the server draws itself: the public notice page at / (in
 * Chinese, for a phone first, charts as inline SVG, nothing loaded from
 * elsewhere) and a donor's printable receipt. Both are built from the
 * same JSON the API serves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "money.h"

#define PAGE_MONTHS 12

/* The page, kept while the ledger the public sees (the last chain row of
 * the day's kept figures, or before them the last row), the published
 * notices and the day stay: once the day's figures are kept, the tills'
 * writes no longer rebuild it. */
static struct {
	char *html;
	size_t len;
	int64_t seq, published;
	char day[CLOCK_DATE_LEN];
} res_page_cache;

static void
res_page_esc(FILE *fp, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '&':
			fputs("&amp;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* An integer as the API writes it (raw text), or 0. */
static int64_t
res_page_num(const cJSON *v)
{
	if (cJSON_IsNumber(v))
		return (int64_t)v->valuedouble;
	if (cJSON_IsRaw(v) || cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	return 0;
}

static int64_t
res_page_int(const cJSON *o, const char *key)
{
	return res_page_num(cJSON_GetObjectItem(o, key));
}

static void
res_page_money(FILE *fp, int64_t fen)
{
	char m[MONEY_LEN];

	money_format(fen, m, sizeof(m));
	fputs(m, fp);
}

/* A count as published: a number or "<5". */
static void
res_page_count(FILE *fp, const cJSON *v)
{
	if (cJSON_IsString(v))
		res_page_esc(fp, v->valuestring);
	else
		fprintf(fp, "%lld", (long long)res_page_num(v));
}

static void
res_page_table(FILE *fp, const char *title, const cJSON *rows, const char *key,
    const char *amount, int qty)
{
	const cJSON *r, *label;

	fprintf(fp, "<h3>");
	res_page_esc(fp, title);
	fprintf(fp, "</h3>");
	if (cJSON_GetArraySize(rows) == 0) {
		fputs("<p class=none>本期无</p>", fp);
		return;
	}
	fputs("<table><tbody>", fp);
	cJSON_ArrayForEach(r, rows)
	{
		label = cJSON_GetObjectItem(r, "label");
		fputs("<tr><td>", fp);
		res_page_esc(fp,
		    cJSON_IsString(label)
		        ? label->valuestring
		        : cJSON_GetStringValue(cJSON_GetObjectItem(r, key)));
		fputs("</td>", fp);
		if (qty)
			fprintf(fp, "<td class=n>%lld</td>",
			    (long long)res_page_int(r, "quantity"));
		fputs("<td class=n>", fp);
		res_page_money(fp, res_page_int(r, amount));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table>", fp);
}

/* Money in (cash, in-kind, bought) and out (goods, expenses, losses). */
static void
res_page_flows(const cJSON *n, int64_t *in, int64_t *out)
{
	const cJSON *s = cJSON_GetObjectItem(n, "sources");
	const cJSON *u = cJSON_GetObjectItem(n, "uses");

	*in = res_page_int(s, "cash_total_fen") +
	    res_page_int(s, "in_kind_total_fen");
	*out = res_page_int(u, "goods_distributed_total_fen") +
	    res_page_int(u, "fund_expenses_total_fen");
}

/* Two bars a month, scaled to the largest; labels under each pair. */
static void
res_page_chart(FILE *fp, char periods[][CLOCK_PERIOD_LEN], const int64_t *in,
    const int64_t *out, int n)
{
	const int w = 640, h = 260, top = 20, base = 220, left = 10;
	int64_t max = 1;
	int i, slot = (w - left * 2) / (n > 0 ? n : 1), bw = slot / 3;
	int bh;

	for (i = 0; i < n; i++) {
		if (in[i] > max)
			max = in[i];
		if (out[i] > max)
			max = out[i];
	}
	fprintf(fp,
	    "<svg class=chart viewBox=\"0 0 %d %d\" role=img "
	    "aria-label=\"近%d个月来源与使用\">",
	    w, h, n);
	fprintf(fp,
	    "<line x1=%d y1=%d x2=%d y2=%d stroke=\"#999\" "
	    "stroke-width=1 />",
	    left, base, w - left, base);
	for (i = 0; i < n; i++) {
		int x = left + i * slot + slot / 6;

		bh = (int)((__int128)(in[i] > 0 ? in[i] : 0) * (base - top) /
		    max);
		fprintf(fp,
		    "<rect class=in x=%d y=%d width=%d height=%d><title>%s "
		    "来源 ",
		    x, base - bh, bw, bh, periods[i]);
		res_page_money(fp, in[i]);
		fputs("</title></rect>", fp);
		bh = (int)((__int128)(out[i] > 0 ? out[i] : 0) * (base - top) /
		    max);
		fprintf(fp,
		    "<rect class=out x=%d y=%d width=%d height=%d><title>%s "
		    "使用 ",
		    x + bw, base - bh, bw, bh, periods[i]);
		res_page_money(fp, out[i]);
		fputs("</title></rect>", fp);
		fprintf(fp,
		    "<text x=%d y=%d text-anchor=middle font-size=13>%s</text>",
		    x + bw, base + 18, periods[i] + 5);
	}
	fputs("</svg><p class=legend><span class=kin></span>来源（现金与实物）"
	      "<span class=kout></span>使用（发放物资与资金支出）</p>",
	    fp);
}

static const char res_page_style[] =
    "<style>"
    "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;"
    "margin:0;color:#222;background:#f6f6f3}"
    "header{background:#b3261e;color:#fff;padding:16px}"
    "header h1{margin:0;font-size:1.4em}header p{margin:4px 0 0}"
    "main{max-width:760px;margin:auto;padding:8px 12px}"
    "section{background:#fff;border-radius:8px;padding:12px;margin:12px 0}"
    "h2{font-size:1.15em;margin:0 0 8px}h3{font-size:1em;margin:12px 0 4px}"
    ".cards{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}"
    ".card{background:#fff;border-radius:8px;padding:10px}"
    ".card b{display:block;font-size:1.25em;color:#b3261e}"
    "table{width:100%;border-collapse:collapse}"
    "td{padding:4px 2px;border-bottom:1px solid #eee}"
    "td.n{text-align:right;white-space:nowrap}"
    ".chart{width:100%;height:auto}.chart .in{fill:#2e7d32}"
    ".chart .out{fill:#b3261e}"
    ".legend span{display:inline-block;width:12px;height:12px;"
    "margin:0 4px 0 10px}.kin{background:#2e7d32}.kout{background:#b3261e}"
    ".none{color:#888}footer{font-size:.8em;color:#555;padding:12px;"
    "word-break:break-all;max-width:760px;margin:auto}"
    "form{display:flex;gap:6px}input{flex:1;padding:6px}"
    "</style>";

/* The page from the current notice and those of the months before. */
static char *
res_page_build(struct db *db, size_t *len, struct fault *f)
{
	char periods[PAGE_MONTHS][CLOCK_PERIOD_LEN], *text, *html = NULL;
	int64_t in[PAGE_MONTHS], out[PAGE_MONTHS];
	const cJSON *s, *u, *h, *ps, *r;
	cJSON *cur = NULL, *n;
	FILE *fp;
	int i;

	clock_period_now(periods[PAGE_MONTHS - 1]);
	for (i = PAGE_MONTHS - 1; i > 0; i--)
		clock_period_prev(periods[i], periods[i - 1]);
	for (i = 0; i < PAGE_MONTHS; i++) {
		if ((text = res_notices_text(db, periods[i], 1, f)) == NULL)
			goto fail;
		n = cJSON_Parse(text);
		free(text);
		if (n == NULL) {
			fault_db(f, DB_ERR);
			goto fail;
		}
		res_page_flows(n, &in[i], &out[i]);
		if (i == PAGE_MONTHS - 1)
			cur = n;
		else
			cJSON_Delete(n);
	}
	s = cJSON_GetObjectItem(cur, "sources");
	u = cJSON_GetObjectItem(cur, "uses");
	h = cJSON_GetObjectItem(cur, "households_served");
	ps = cJSON_GetObjectItem(cur, "priority_share");
	if ((fp = open_memstream(&html, len)) == NULL)
		log_fatal("open_memstream");
	fputs("<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
	      "<meta name=viewport content=\"width=device-width,"
	      "initial-scale=1\"><title>",
	    fp);
	res_page_esc(
	    fp, cJSON_GetStringValue(cJSON_GetObjectItem(cur, "store")));
	fputs(" 资金与物资使用公示</title>", fp);
	fputs(res_page_style, fp);
	fputs("</head><body><header><h1>", fp);
	res_page_esc(
	    fp, cJSON_GetStringValue(cJSON_GetObjectItem(cur, "store")));
	fprintf(fp, " 资金与物资使用公示</h1><p>本月 %s（暂定：截至 ",
	    periods[PAGE_MONTHS - 1]);
	res_page_esc(
	    fp, cJSON_GetStringValue(cJSON_GetObjectItem(cur, "as_of")));
	fputs(" 零时，每日更新）</p></header><main>", fp);

	fputs("<div class=cards><div class=card>本月来源<b id=in>", fp);
	res_page_money(fp, in[PAGE_MONTHS - 1]);
	fputs("</b></div><div class=card>本月发放物资<b id=out>", fp);
	res_page_money(fp, res_page_int(u, "goods_distributed_total_fen"));
	fputs("</b></div><div class=card>服务家庭（户）<b id=households>", fp);
	res_page_count(fp, cJSON_GetObjectItem(h, "households"));
	fputs("</b></div><div class=card>重点救助对象占比<b id=priority>", fp);
	fprintf(fp, "%lld.%lld%%",
	    (long long)(res_page_int(ps, "per_mille") / 10),
	    (long long)(res_page_int(ps, "per_mille") % 10));
	fputs("</b></div></div>", fp);

	fprintf(fp, "<section><h2>近%d个月来源与使用</h2>", PAGE_MONTHS);
	res_page_chart(fp, periods, in, out, PAGE_MONTHS);
	fputs("</section>", fp);

	fputs("<section><h2>来源</h2>", fp);
	res_page_table(fp, "现金捐赠（按捐赠方）",
	    cJSON_GetObjectItem(s, "cash_by_donor_kind"), "kind", "amount_fen",
	    0);
	res_page_table(fp, "现金捐赠（按基金）",
	    cJSON_GetObjectItem(s, "cash_by_fund"), "fund", "amount_fen", 0);
	res_page_table(fp, "实物捐赠（按类别）",
	    cJSON_GetObjectItem(s, "in_kind_by_category"), "category",
	    "value_fen", 1);
	res_page_table(fp, "资金采购物资（按类别）",
	    cJSON_GetObjectItem(s, "purchased_by_category"), "category",
	    "value_fen", 1);
	fputs("</section><section><h2>使用</h2>", fp);
	res_page_table(fp, "发放物资（按类别）",
	    cJSON_GetObjectItem(u, "goods_distributed_by_category"), "category",
	    "value_fen", 1);
	res_page_table(fp, "资金支出（按用途）",
	    cJSON_GetObjectItem(u, "fund_expenses_by_purpose"), "purpose",
	    "amount_fen", 0);
	res_page_table(fp, "报损", cJSON_GetObjectItem(u, "write_offs"),
	    "reason", "value_fen", 1);
	fputs(
	    "</section><section><h2>服务家庭</h2><table><tbody>"
	    "<tr><td>类别</td><td class=n>户数</td><td class=n>人数</td></tr>",
	    fp);
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(h, "by_category"))
	{
		fputs("<tr><td>", fp);
		res_page_esc(
		    fp, cJSON_GetStringValue(cJSON_GetObjectItem(r, "label")));
		fputs("</td><td class=n>", fp);
		res_page_count(fp, cJSON_GetObjectItem(r, "households"));
		fputs("</td><td class=n>", fp);
		res_page_count(fp, cJSON_GetObjectItem(r, "persons"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table><p class=none>少于5户的类别显示为“&lt;5”，"
	      "以保护受助家庭隐私。</p></section>",
	    fp);
	fputs("<section><h2>期末库存价值</h2><p>", fp);
	res_page_money(fp, res_page_int(cur, "closing_stock_value_fen"));
	fputs("</p></section>", fp);
	fputs("<section><h2>捐赠去向查询</h2><form id=trace>"
	      "<input id=code placeholder=\"收据编号，如 JZ20261129-XXXXXX\" "
	      "maxlength=31><button>查询</button></form><script>"
	      "document.getElementById('trace').onsubmit=function(e){"
	      "e.preventDefault();var c=document.getElementById('code').value;"
	      "if(c)location.href='/public/donations/'+encodeURIComponent(c);};"
	      "</script></section>",
	    fp);
	fprintf(fp,
	    "</main><footer>数据：<a href=\"/public/notices/%s\">JSON</a> · "
	    "<a href=\"/public/notices/%s.csv\">CSV</a> · "
	    "<a href=\"/public/notices\">历月公示</a><br>账本校验值 "
	    "(ledger head)：",
	    periods[PAGE_MONTHS - 1], periods[PAGE_MONTHS - 1]);
	res_page_esc(
	    fp, cJSON_GetStringValue(cJSON_GetObjectItem(cur, "ledger_head")));
	fputs("</footer></body></html>", fp);
	fclose(fp);
	cJSON_Delete(cur);
	return html;
fail:
	cJSON_Delete(cur);
	return NULL;
}

void
res_page_index(struct req *r)
{
	struct fault f;
	struct db_asof a;
	char day[CLOCK_DATE_LEN];
	int64_t seq, published;
	size_t len;
	char *html;
	int kept;

	memset(&f, 0, sizeof(f));
	clock_today(day);
	if ((kept = notice_asof(http_db(r), &a)) < 0 ||
	    db_notice_version(http_db(r), &seq, &published) != DB_OK) {
		http_error(
		    r, 503, "unavailable", "the database does not answer");
		return;
	}
	if (kept)
		seq = a.chain_seq;
	if (res_page_cache.html == NULL || res_page_cache.seq != seq ||
	    res_page_cache.published != published ||
	    strcmp(res_page_cache.day, day) != 0) {
		if ((html = res_page_build(http_db(r), &len, &f)) == NULL) {
			http_fault(r, &f);
			return;
		}
		free(res_page_cache.html);
		res_page_cache.html = html;
		res_page_cache.len = len;
		res_page_cache.seq = seq;
		res_page_cache.published = published;
		memcpy(res_page_cache.day, day, sizeof(day));
	}
	http_reply_text(r, 200, "text/html; charset=utf-8", res_page_cache.html,
	    res_page_cache.len);
}

struct res_page_receipt {
	FILE *fp;
	struct db *db;
	int64_t total;
};

static int
res_page_receipt_line(const void *row, void *arg)
{
	const struct db_lot *l = row;
	struct res_page_receipt *p = arg;
	struct db_item it;

	if (db_item_by_id(p->db, l->item_id, &it) != DB_OK)
		return 1;
	fputs("<tr><td>", p->fp);
	res_page_esc(p->fp, it.name);
	fprintf(p->fp, "</td><td class=n>%lld ", (long long)l->quantity);
	res_page_esc(p->fp, it.unit);
	fputs("</td><td class=n>", p->fp);
	res_page_money(p->fp, l->quantity * l->unit_value_fen);
	fputs("</td></tr>", p->fp);
	p->total += l->quantity * l->unit_value_fen;
	return 0;
}

/* A donor's receipt, to print from the browser. */
void
res_page_receipt(struct req *r)
{
	struct res_page_receipt p;
	struct db_donation d;
	struct db_donor dn;
	struct db_fund fu;
	char store[DB_NAME_MAX], *html = NULL;
	size_t len;
	int64_t id;

	if (http_id_arg(r, 0, &id) != 0 ||
	    db_donation_by_id(http_db(r), id, &d) != DB_OK ||
	    db_donor_by_id(http_db(r), d.donor_id, &dn) != DB_OK) {
		http_error(r, 404, "not_found", "no such donation");
		return;
	}
	if (db_setting_get(http_db(r), "store_name", store, sizeof(store)) !=
	    DB_OK)
		store[0] = '\0';
	memset(&p, 0, sizeof(p));
	p.db = http_db(r);
	if ((p.fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	fputs("<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
	      "<meta name=viewport content=\"width=device-width,"
	      "initial-scale=1\"><title>捐赠收据</title>",
	    p.fp);
	fputs(res_page_style, p.fp);
	fputs("</head><body><main><section><h2>", p.fp);
	res_page_esc(p.fp, store);
	fputs(" 捐赠收据</h2><table><tbody><tr><td>收据编号</td><td class=n>",
	    p.fp);
	res_page_esc(p.fp, d.receipt_code);
	fputs("</td></tr><tr><td>捐赠方</td><td class=n>", p.fp);
	res_page_esc(p.fp, dn.name);
	fputs("</td></tr><tr><td>日期</td><td class=n>", p.fp);
	res_page_esc(p.fp, d.received_on);
	fputs("</td></tr></tbody></table><h3>明细</h3><table><tbody>", p.fp);
	if (d.cash_fen > 0) {
		fputs("<tr><td>现金捐赠", p.fp);
		if (db_fund_by_id(http_db(r), d.fund_id, &fu) == DB_OK) {
			fputs("（", p.fp);
			res_page_esc(p.fp, fu.name);
			fputs("）", p.fp);
		}
		fputs("</td><td class=n></td><td class=n>", p.fp);
		res_page_money(p.fp, d.cash_fen);
		fputs("</td></tr>", p.fp);
		p.total = d.cash_fen;
	} else if (db_lots_of_donation(
	               http_db(r), d.id, res_page_receipt_line, &p) != DB_OK) {
		fclose(p.fp);
		free(html);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	fputs("<tr><td><b>合计</b></td><td></td><td class=n><b>", p.fp);
	res_page_money(p.fp, p.total);
	fputs("</b></td></tr></tbody></table><p>感谢您的爱心捐赠。捐赠去向可凭"
	      "收据编号在本店公示页查询。</p></section></main></body></html>",
	    p.fp);
	fclose(p.fp);
	http_reply_text(r, 200, "text/html; charset=utf-8", html, len);
	free(html);
}
