/*
 * The public notice as pages for a phone (390 px first, no script): a
 * month at /notices/YYYY-MM (and the current one at /), the months at
 * /notices. Each page is drawn from the month's JSON notice, so the page,
 * the JSON and the CSV carry the same figures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define PUBLIC_MONTHS 12
#define PUBLIC_ROW    22  /* a chart row, in the SVG's units */
#define PUBLIC_LABEL  58  /* the month's label, left of the bars */
#define PUBLIC_BAR    190 /* the longest bar */

static void
res_public_table(FILE *fp, const char *title, const cJSON *rows,
    const char *key, const char *amount, int qty)
{
	const cJSON *r, *label;

	fputs("<h3>", fp);
	res_html_esc(fp, title);
	fputs("</h3>", fp);
	if (cJSON_GetArraySize(rows) == 0) {
		fputs("<p class=none>本期无</p>", fp);
		return;
	}
	fputs("<table><thead><tr><th>项目</th>", fp);
	if (qty)
		fputs("<th class=n>数量（件）</th>", fp);
	fputs("<th class=n>金额（元）</th></tr></thead><tbody>", fp);
	cJSON_ArrayForEach(r, rows)
	{
		label = cJSON_GetObjectItem(r, "label");
		fputs("<tr><td>", fp);
		res_html_esc(fp,
		    cJSON_IsString(label) ? label->valuestring
		                          : res_html_str(r, key));
		fputs("</td>", fp);
		if (qty)
			fprintf(fp, "<td class=n>%lld</td>",
			    (long long)res_html_int(r, "quantity"));
		fputs("<td class=n>", fp);
		res_html_money(fp, res_html_int(r, amount));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table>", fp);
}

/* Money in (cash and in-kind) and out (goods given and fund expenses). */
static void
res_public_flows(const cJSON *n, int64_t *in, int64_t *out)
{
	const cJSON *s = cJSON_GetObjectItem(n, "sources");
	const cJSON *u = cJSON_GetObjectItem(n, "uses");

	*in = res_html_int(s, "cash_total_fen") +
	    res_html_int(s, "in_kind_total_fen");
	*out = res_html_int(u, "goods_distributed_total_fen") +
	    res_html_int(u, "fund_expenses_total_fen");
}

/*
 * One panel of the chart, from y0 down: its title, then a horizontal bar
 * a month on the panel's own scale, the month (with its year) left and
 * the amount right of each bar, so a phone needs no hover and a small
 * use is not lost beside large sources. Returns where the panel ends.
 */
static int
res_public_panel(FILE *fp, int y0, const char *cls, const char *title,
    char periods[][CLOCK_PERIOD_LEN], const int64_t *v, int n)
{
	int64_t max = 1;
	int i, w, y;

	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	fprintf(fp, "<text class=title x=0 y=%d>%s</text>", y0 + 16, title);
	y0 += PUBLIC_ROW + 2;
	fprintf(fp, "<line class=axis x1=%d y1=%d x2=%d y2=%d />",
	    PUBLIC_LABEL - 2, y0, PUBLIC_LABEL - 2, y0 + n * PUBLIC_ROW);
	for (i = 0; i < n; i++) {
		y = y0 + i * PUBLIC_ROW;
		w = (int)((__int128)(v[i] > 0 ? v[i] : 0) * PUBLIC_BAR / max);
		if (v[i] > 0 && w < 1)
			w = 1;
		fprintf(fp,
		    "<text x=0 y=%d>%s</text><rect class=%s x=%d y=%d "
		    "width=%d height=%d><title>%s ",
		    y + 15, periods[i], cls, PUBLIC_LABEL, y + 3, w,
		    PUBLIC_ROW - 6, periods[i]);
		res_html_money(fp, v[i]);
		fprintf(fp, "</title></rect><text x=%d y=%d>",
		    PUBLIC_LABEL + w + 4, y + 15);
		res_html_money(fp, v[i]);
		fputs("</text>", fp);
	}
	return y0 + n * PUBLIC_ROW + 8;
}

/* The chart's figures as a table, for screen readers and to copy. */
static void
res_public_chart_table(FILE *fp, char periods[][CLOCK_PERIOD_LEN],
    const int64_t *in, const int64_t *out, int n)
{
	int i;

	fputs("<table id=months><caption class=sr>各月来源与使用</caption>"
	      "<thead><tr><th>月份</th><th class=n>来源（元）</th>"
	      "<th class=n>使用（元）</th></tr></thead><tbody>",
	    fp);
	for (i = 0; i < n; i++) {
		fprintf(fp, "<tr data-period=\"%s\"><td>%s</td><td class=n>",
		    periods[i], periods[i]);
		res_html_money(fp, in[i]);
		fputs("</td><td class=n>", fp);
		res_html_money(fp, out[i]);
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table>", fp);
}

/* The twelve months up to period: the chart's two panels and table. */
static int
res_public_chart(FILE *fp, struct db *db, const char *period, const cJSON *cur,
    struct fault *f)
{
	char periods[PUBLIC_MONTHS][CLOCK_PERIOD_LEN], *text;
	int64_t in[PUBLIC_MONTHS], out[PUBLIC_MONTHS];
	cJSON *n;
	int i;

	snprintf(periods[PUBLIC_MONTHS - 1], CLOCK_PERIOD_LEN, "%s", period);
	for (i = PUBLIC_MONTHS - 1; i > 0; i--)
		clock_period_prev(periods[i], periods[i - 1]);
	for (i = 0; i < PUBLIC_MONTHS - 1; i++) {
		if ((text = res_notices_text(db, periods[i], 1, f)) == NULL)
			return -1;
		n = cJSON_Parse(text);
		free(text);
		if (n == NULL)
			return fault_db(f, DB_ERR);
		res_public_flows(n, &in[i], &out[i]);
		cJSON_Delete(n);
	}
	res_public_flows(cur, &in[i], &out[i]);
	fprintf(fp, "<section id=chart><h2>近%d个月来源与使用（%s 至 %s）</h2>",
	    PUBLIC_MONTHS, periods[0], periods[PUBLIC_MONTHS - 1]);
	fprintf(fp,
	    "<svg class=chart viewBox=\"0 0 360 %d\" role=img "
	    "aria-label=\"近%d个月来源与使用，数字见下表\">",
	    2 * ((PUBLIC_MONTHS + 1) * PUBLIC_ROW + 10), PUBLIC_MONTHS);
	i = res_public_panel(fp, 0, "in", "来源：现金与实物捐赠（元）", periods,
	    in, PUBLIC_MONTHS);
	res_public_panel(fp, i, "out", "使用：发放物资与资金支出（元）",
	    periods, out, PUBLIC_MONTHS);
	fputs("</svg>", fp);
	fputs("<p class=note>两图各按本图最大值缩放，金额写在条旁。</p>", fp);
	res_public_chart_table(fp, periods, in, out, PUBLIC_MONTHS);
	fputs("</section>", fp);
	return 0;
}

static void
res_public_card(FILE *fp, const char *id, const char *title)
{
	fprintf(fp, "<div class=card>%s<b id=%s>", title, id);
}

/* The month's header: what the figures are and as at when. */
static void
res_public_header(FILE *fp, const cJSON *n, const char *period, int current)
{
	const char *store = res_html_str(n, "store");

	fputs("<header><h1>", fp);
	res_html_esc(fp, store);
	fprintf(fp, " %.4s年%.2s月 资金与物资使用公示</h1><p id=status>",
	    period, period + 5);
	if (current)
		fprintf(fp, "本月 %s，", period);
	if (cJSON_IsFalse(cJSON_GetObjectItem(n, "provisional"))) {
		fputs("已发布（", fp);
		res_html_esc(fp, res_html_str(n, "published_at"));
		fputs("），数字不再改变。", fp);
	} else {
		fputs("暂定：所有数字截至 ", fp);
		res_html_esc(fp, res_html_str(n, "as_of"));
		fputs(" 零时，每日更新；月结发布后不再改变。", fp);
	}
	fputs("</p></header>", fp);
}

static void
res_public_cards(FILE *fp, const cJSON *n)
{
	const cJSON *u = cJSON_GetObjectItem(n, "uses");
	const cJSON *h = cJSON_GetObjectItem(n, "households_served");
	const cJSON *ps = cJSON_GetObjectItem(n, "priority_share");
	int64_t in, out, pm;

	res_public_flows(n, &in, &out);
	fputs("<div class=cards>", fp);
	res_public_card(fp, "in", "来源（现金与实物）");
	res_html_money(fp, in);
	fputs("</b></div>", fp);
	res_public_card(fp, "out", "发放物资（价值）");
	res_html_money(fp, res_html_int(u, "goods_distributed_total_fen"));
	fputs("</b></div>", fp);
	res_public_card(fp, "households", "服务家庭（户）");
	res_html_count(fp, cJSON_GetObjectItem(h, "households"));
	fputs("</b></div>", fp);
	res_public_card(fp, "priority", "重点救助对象所得");
	if (cJSON_IsTrue(cJSON_GetObjectItem(ps, "hidden")))
		fputs("不公布</b><small>户数少于5，公布会暴露个别家庭</small>",
		    fp);
	else {
		pm = res_html_int(ps, "per_mille");
		fprintf(fp,
		    "%lld.%lld%%</b><small>占本月发放物资总价值的比例"
		    "</small>",
		    (long long)(pm / 10), (long long)(pm % 10));
	}
	fputs("</div></div>", fp);
}

static void
res_public_served(FILE *fp, const cJSON *h)
{
	const cJSON *r;

	fputs("<section id=served><h2>服务家庭</h2><table><thead><tr>"
	      "<th>类别</th><th class=n>户数</th><th class=n>人数</th></tr>"
	      "</thead><tbody>",
	    fp);
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(h, "by_category"))
	{
		fputs("<tr><td>", fp);
		res_html_esc(fp, res_html_str(r, "label"));
		fputs("</td><td class=n>", fp);
		res_html_count(fp, cJSON_GetObjectItem(r, "households"));
		fputs("</td><td class=n>", fp);
		res_html_count(fp, cJSON_GetObjectItem(r, "persons"));
		fputs("</td></tr>", fp);
	}
	fputs("<tr><td>合计</td><td class=n>", fp);
	res_html_count(fp, cJSON_GetObjectItem(h, "households"));
	fputs("</td><td class=n>", fp);
	res_html_count(fp, cJSON_GetObjectItem(h, "persons"));
	fputs("</td></tr></tbody></table><p class=note>少于5户的类别写作"
	      "“&lt;5”；只有一个类别被隐去时，次小的类别也隐去，以免由合计"
	      "推算出来（见公示规则）。</p></section>",
	    fp);
}

static void
res_public_points(FILE *fp, const cJSON *n)
{
	const cJSON *p = cJSON_GetObjectItem(n, "points");

	fprintf(fp,
	    "<section id=points><h2>积分</h2><p class=note>受助家庭每月获发"
	    "积分，在本店凭积分领取物资。</p><table><tbody>"
	    "<tr><td>本月发放积分</td><td class=n id=points-granted>%lld 分"
	    "</td></tr><tr><td>本月兑换（领物）积分</td><td class=n "
	    "id=points-redeemed>%lld 分</td></tr><tr><td>本月过期积分</td>"
	    "<td class=n id=points-expired>%lld 分</td></tr></tbody></table>"
	    "</section>",
	    (long long)res_html_int(p, "granted"),
	    (long long)res_html_int(p, "redeemed"),
	    (long long)res_html_int(p, "expired"));
}

/* Entries of earlier, published months counted in this one (补记). */
static void
res_public_late(FILE *fp, const cJSON *n)
{
	const cJSON *late = cJSON_GetObjectItem(n, "late"), *e;

	if (cJSON_GetArraySize(late) == 0)
		return;
	fputs("<section id=late><h2>补记</h2><p class=note>以下收支发生在已"
	      "发布的月份，登记在后；为不改动已发布的公示，计入本月，写明实际"
	      "日期。</p><table><thead><tr><th>实际日期</th><th>项目</th>"
	      "<th class=n>金额（元）</th></tr></thead><tbody>",
	    fp);
	cJSON_ArrayForEach(e, late)
	{
		fputs("<tr class=late><td>", fp);
		res_html_esc(fp, res_html_str(e, "date"));
		fputs(strcmp(res_html_str(e, "kind"), "donation") == 0
		        ? "</td><td>捐赠（"
		        : "</td><td>支出（",
		    fp);
		res_html_esc(fp, res_html_str(e, "label"));
		fputs("）</td><td class=n>", fp);
		res_html_money(fp, res_html_int(e, "amount_fen"));
		fputs("</td></tr>", fp);
	}
	if (res_html_int(n, "late_more") > 0) {
		fprintf(fp, "<tr><td>另 %lld 笔</td><td></td><td class=n>",
		    (long long)res_html_int(n, "late_more"));
		res_html_money(fp, res_html_int(n, "late_more_fen"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table></section>", fp);
}

static void
res_public_footer(FILE *fp, const cJSON *n, const char *period)
{
	fputs(
	    "<section id=head><h2>账本校验值</h2><p><code id=ledger-head>", fp);
	res_html_esc(fp, res_html_str(n, "ledger_head"));
	fputs("</code></p><p class=note>本店每一笔入库、发放、报损和资金收支"
	      "都按先后写入一条哈希链（SHA-256）：每个值由上一个值和这一笔"
	      "账算出。这里是本月最后一笔账之后的值。以后若有人改动本月或更早"
	      "的任何一笔账，重新算出的值就对不上。各月已发布的值列在 <a "
	      "href=\"/public/ledger-heads\">/public/ledger-heads</a>，请自行"
	      "保存或打印；审计时用 <code>cishan-server verify</code> "
	      "重算账本并与之比对。</p></section>",
	    fp);
	fputs("<section><h2>捐赠去向查询</h2><form id=trace method=get "
	      "action=\"/donations\"><input id=code name=code "
	      "placeholder=\"收据编号，如 JZ20261129-E8MVKY\" maxlength=40 "
	      "autocomplete=off><button>查询</button></form></section>",
	    fp);
	fprintf(fp,
	    "</main><footer>下载：<a href=\"/public/notices/%s.csv\">CSV 表格"
	    "</a> · <a href=\"/public/notices/%s\">JSON 数据</a> · <a "
	    "href=\"/notices\">历月公示</a> · <a href=\"/public/ledger-heads"
	    "\">各月账本校验值</a><br>公示规则：少于5户不单列，重点救助对象"
	    "优先，定期公布资金与物资的使用。</footer></body></html>",
	    period, period);
}

/* The page of period's notice n (its JSON), malloc'd; NULL on error. */
char *
res_public_render(struct db *db, const char *period, const cJSON *n,
    size_t *len, struct fault *f)
{
	const cJSON *s = cJSON_GetObjectItem(n, "sources");
	const cJSON *u = cJSON_GetObjectItem(n, "uses");
	char now[CLOCK_PERIOD_LEN], title[96], *html = NULL;
	FILE *fp;

	clock_period_now(now);
	if ((fp = open_memstream(&html, len)) == NULL)
		log_fatal("open_memstream");
	snprintf(title, sizeof(title), "%.4s年%.2s月 资金与物资使用公示",
	    period, period + 5);
	res_html_head(fp, title, 0);
	res_public_header(fp, n, period, strcmp(period, now) == 0);
	fputs("<main>", fp);
	res_public_cards(fp, n);
	if (res_public_chart(fp, db, period, n, f) != 0) {
		fclose(fp);
		free(html);
		return NULL;
	}
	fputs("<section id=sources><h2>来源</h2>", fp);
	res_public_table(fp, "现金捐赠（按捐赠方）",
	    cJSON_GetObjectItem(s, "cash_by_donor_kind"), "kind", "amount_fen",
	    0);
	res_public_table(fp, "现金捐赠（按基金）",
	    cJSON_GetObjectItem(s, "cash_by_fund"), "fund", "amount_fen", 0);
	res_public_table(fp, "实物捐赠（按类别）",
	    cJSON_GetObjectItem(s, "in_kind_by_category"), "category",
	    "value_fen", 1);
	res_public_table(fp, "资金采购物资（按类别）",
	    cJSON_GetObjectItem(s, "purchased_by_category"), "category",
	    "value_fen", 1);
	fputs("</section><section id=uses><h2>使用</h2>", fp);
	res_public_table(fp, "发放物资（按类别）",
	    cJSON_GetObjectItem(u, "goods_distributed_by_category"), "category",
	    "value_fen", 1);
	res_public_table(fp, "资金支出（按用途）",
	    cJSON_GetObjectItem(u, "fund_expenses_by_purpose"), "purpose",
	    "amount_fen", 0);
	res_public_table(fp, "报损", cJSON_GetObjectItem(u, "write_offs"),
	    "reason", "value_fen", 1);
	fputs("</section>", fp);
	res_public_late(fp, n);
	res_operating_notice_html(fp, n);
	res_public_served(fp, cJSON_GetObjectItem(n, "households_served"));
	res_public_points(fp, n);
	res_volunteers_notice_html(fp, cJSON_GetObjectItem(n, "volunteers"));
	fputs("<section id=stock><h2>期末库存价值</h2><p id=closing>", fp);
	res_html_money(fp, res_html_int(n, "closing_stock_value_fen"));
	fputs("</p></section>", fp);
	res_public_footer(fp, n, period);
	fclose(fp);
	return html;
}

/* GET /notices/YYYY-MM */
void
res_public_month(struct req *r)
{
	const char *period = http_arg(r, 0);
	struct fault f;
	char *text, *html;
	size_t len;
	cJSON *n;

	memset(&f, 0, sizeof(f));
	if (strlen(period) != 7 || !notice_period_ok(period)) {
		res_html_message(r, 404, "没有这个月的公示",
		    "请从历月公示中选择月份（格式：2026-11）。");
		return;
	}
	if ((text = res_notices_text(http_db(r), period, 1, &f)) == NULL) {
		http_fault(r, &f);
		return;
	}
	n = cJSON_Parse(text);
	free(text);
	if (n == NULL) {
		http_error(r, 500, "internal", "a stored notice is damaged");
		return;
	}
	html = res_public_render(http_db(r), period, n, &len, &f);
	cJSON_Delete(n);
	if (html == NULL) {
		http_fault(r, &f);
		return;
	}
	res_html_send(r, 200, html, len);
}

struct res_public_list {
	FILE *fp;
	struct db *db;
	char now[CLOCK_PERIOD_LEN];
	int seen_now;
};

static void
res_public_item(FILE *fp, const char *period, int published)
{
	fprintf(fp,
	    "<li data-period=\"%s\"><a href=\"/notices/%s\">%.4s年%.2s月</a>"
	    " %s</li>",
	    period, period, period, period + 5,
	    published ? "已发布" : "暂定（未发布）");
}

static int
res_public_period(const void *row, void *arg)
{
	const char *period = row;
	struct res_public_list *l = arg;
	char *body = NULL;
	int published;

	if (!notice_period_ok(period))
		return 0;
	if (strcmp(period, l->now) == 0)
		l->seen_now = 1;
	else if (!l->seen_now) {
		res_public_item(l->fp, l->now, 0);
		l->seen_now = 1;
	}
	published = db_notice_get(l->db, period, &body) == DB_OK;
	free(body);
	res_public_item(l->fp, period, published);
	return 0;
}

/* GET /notices: every month with figures, newest first. */
void
res_public_list(struct req *r)
{
	struct res_public_list l;
	char *html = NULL;
	size_t len;

	memset(&l, 0, sizeof(l));
	l.db = http_db(r);
	clock_period_now(l.now);
	if ((l.fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(l.fp, "历月公示", 0);
	fputs("<header><h1>历月公示</h1><p>每月的资金与物资来源和使用；已发布"
	      "的月份不再改变。</p></header><main><section><ul class=months "
	      "id=months>",
	    l.fp);
	if (db_periods(l.db, res_public_period, &l) != DB_OK) {
		fclose(l.fp);
		free(html);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	if (!l.seen_now)
		res_public_item(l.fp, l.now, 0);
	fputs("</ul></section></main><footer><a href=\"/\">本月公示</a> · "
	      "<a href=\"/public/ledger-heads\">各月账本校验值</a></footer>"
	      "</body></html>",
	    l.fp);
	fclose(l.fp);
	res_html_send(r, 200, html, len);
}
