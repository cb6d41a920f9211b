/*
 * The pages the server draws itself: the public notice page at / (the
 * current month's page of res_public.c, kept while nothing it shows
 * changes) and a donor's printable receipt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

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

/* The current month's page (res_public_render). */
static char *
res_page_build(struct db *db, size_t *len, struct fault *f)
{
	char period[CLOCK_PERIOD_LEN], *text, *html;
	cJSON *n;

	clock_period_now(period);
	if ((text = res_notices_text(db, period, 1, f)) == NULL)
		return NULL;
	n = cJSON_Parse(text);
	free(text);
	if (n == NULL) {
		fault_db(f, DB_ERR);
		return NULL;
	}
	html = res_public_render(db, period, n, len, f);
	cJSON_Delete(n);
	return html;
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
	if ((html = malloc(res_page_cache.len + 1)) == NULL)
		log_fatalx("out of memory");
	memcpy(html, res_page_cache.html, res_page_cache.len);
	res_html_send(r, 200, html, res_page_cache.len);
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
	res_html_esc(p->fp, it.name);
	fprintf(p->fp, "</td><td class=n>%lld ", (long long)l->quantity);
	res_html_esc(p->fp, it.unit);
	fputs("</td><td class=n>", p->fp);
	res_html_money(p->fp, l->quantity * l->unit_value_fen);
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
	fputs("<link rel=icon href=\"data:,\"><link rel=stylesheet "
	      "href=\"/public.css\"></head><body><main>"
	      "<section><h2>",
	    p.fp);
	res_html_esc(p.fp, store);
	fputs(" 捐赠收据</h2><table><tbody><tr><td>收据编号</td><td class=n>",
	    p.fp);
	res_html_esc(p.fp, d.receipt_code);
	fputs("</td></tr><tr><td>捐赠方</td><td class=n>", p.fp);
	res_html_esc(p.fp, dn.name);
	fputs("</td></tr><tr><td>日期</td><td class=n>", p.fp);
	res_html_esc(p.fp, d.received_on);
	fputs("</td></tr></tbody></table><h3>明细</h3><table><tbody>", p.fp);
	if (d.cash_fen > 0) {
		fputs("<tr><td>现金捐赠", p.fp);
		if (db_fund_by_id(http_db(r), d.fund_id, &fu) == DB_OK) {
			fputs("（", p.fp);
			res_html_esc(p.fp, fu.name);
			fputs("）", p.fp);
		}
		fputs("</td><td class=n></td><td class=n>", p.fp);
		res_html_money(p.fp, d.cash_fen);
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
	res_html_money(p.fp, p.total);
	fputs("</b></td></tr></tbody></table><p>感谢您的爱心捐赠。捐赠去向可凭"
	      "收据编号在本店公示页查询。</p></section></main></body></html>",
	    p.fp);
	fclose(p.fp);
	res_html_send(r, 200, html, len);
}
