/*
 * A donation's trace as a page (/donations/{code}): where the gift went,
 * by month and household category (small categories folded into 其他,
 * as res_notices_trace does), written off, and still in stock. The form
 * on the notice pages asks /donations?code=, answered 303 to the page
 * with the code trimmed and upper-cased, as receipts print it.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define TRACE_CODE_MAX 31 /* a receipt code's longest */
#define TRACE_IN_MAX   64 /* what is read of a typed code */

/* A typed code as receipts print it: trimmed, upper case, [A-Z0-9-].
 * 0 done, -1 when it cannot be a code. */
static int
res_public_trace_code(const char *in, char *out, size_t size)
{
	size_t n, i;

	if (in == NULL || strnlen(in, TRACE_IN_MAX + 1) > TRACE_IN_MAX)
		return -1;
	while (isspace((unsigned char)*in))
		in++;
	n = strlen(in);
	while (n > 0 && isspace((unsigned char)in[n - 1]))
		n--;
	if (n == 0 || n >= size)
		return -1;
	for (i = 0; i < n; i++) {
		out[i] = (char)toupper((unsigned char)in[i]);
		if (!isalnum((unsigned char)out[i]) && out[i] != '-')
			return -1;
	}
	out[n] = '\0';
	return 0;
}

static void
res_public_trace_item(FILE *fp, const cJSON *it)
{
	const cJSON *d;

	fputs("<section class=item><h2>", fp);
	res_html_esc(fp, res_html_str(it, "item"));
	fputs("</h2><p class=note>类别：", fp);
	res_html_esc(fp, res_html_str(it, "category"));
	fprintf(fp,
	    "</p><table><tbody><tr><td>收到</td><td class=n>%lld 件</td></tr>",
	    (long long)res_html_int(it, "received"));
	if (res_html_int(it, "corrected") != 0)
		fprintf(fp,
		    "<tr><td>盘点更正</td><td class=n>%lld 件</td></tr>",
		    (long long)res_html_int(it, "corrected"));
	cJSON_ArrayForEach(d, cJSON_GetObjectItem(it, "distributed"))
	{
		fputs("<tr class=dist><td>", fp);
		res_html_esc(fp, res_html_str(d, "period"));
		fputs(" 发放给", fp);
		res_html_esc(fp, res_html_str(d, "label"));
		fprintf(fp, "家庭</td><td class=n>%lld 件</td></tr>",
		    (long long)res_html_int(d, "quantity"));
	}
	fprintf(fp,
	    "<tr><td>报损</td><td class=n>%lld 件</td></tr><tr><td>仍在库存"
	    "</td><td class=n>%lld 件</td></tr></tbody></table></section>",
	    (long long)res_html_int(it, "written_off"),
	    (long long)res_html_int(it, "in_stock"));
}

static char *
res_public_trace_page(const cJSON *o, size_t *len)
{
	const cJSON *c = cJSON_GetObjectItem(o, "cash"), *it;
	char *html = NULL;
	FILE *fp;

	if ((fp = open_memstream(&html, len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(fp, "捐赠去向", 0);
	fputs("<header><h1>捐赠去向</h1><p>收据编号 <span id=receipt>", fp);
	res_html_esc(fp, res_html_str(o, "receipt_code"));
	fputs("</span></p></header><main><section><table><tbody>"
	      "<tr><td>收到日期</td><td class=n id=received-on>",
	    fp);
	res_html_esc(fp, res_html_str(o, "received_on"));
	fputs("</td></tr><tr><td>捐赠方类型</td><td class=n>", fp);
	res_html_esc(fp, res_html_str(o, "donor_label"));
	fputs("</td></tr>", fp);
	if (c != NULL) {
		fputs("<tr><td>现金</td><td class=n id=cash>", fp);
		res_html_money(fp, res_html_int(c, "amount_fen"));
		fputs(
		    "</td></tr><tr><td>进入基金</td><td class=n id=fund>", fp);
		res_html_esc(fp, res_html_str(c, "fund"));
		fputs("</td></tr>", fp);
	}
	fputs("</tbody></table><p class=note>所有数字截至 ", fp);
	res_html_esc(fp, res_html_str(o, "as_of"));
	fputs(" 零时。为保护受助家庭隐私，只写家庭类别，不写是谁；某类别当月"
	      "服务不足5户时并入“其他”。现金进入基金后统一使用，去向见各月"
	      "公示的资金支出。</p></section>",
	    fp);
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(o, "items"))
	    res_public_trace_item(fp, it);
	fputs("</main><footer><a href=\"/\">本月公示</a> · <a "
	      "href=\"/notices\">历月公示</a></footer></body></html>",
	    fp);
	fclose(fp);
	return html;
}

static void
res_public_trace_unknown(struct req *r)
{
	res_html_message(r, 404, "没有找到这张收据",
	    "请核对收据上的编号（如 JZ20261129-E8MVKY）。刚登记的捐赠次日起"
	    "可查。");
}

/* GET /donations/{code} */
void
res_public_trace(struct req *r)
{
	char code[TRACE_CODE_MAX + 1], *html;
	size_t len;
	cJSON *o;
	int rc;

	if (res_public_trace_code(http_arg(r, 0), code, sizeof(code)) != 0) {
		res_public_trace_unknown(r);
		return;
	}
	if ((rc = res_notices_trace(http_db(r), code, &o)) == 1) {
		res_public_trace_unknown(r);
		return;
	}
	if (rc < 0) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	html = res_public_trace_page(o, &len);
	cJSON_Delete(o);
	res_html_send(r, 200, html, len);
}

/* GET /donations?code=: 303 to the code's page. */
void
res_public_lookup(struct req *r)
{
	char code[TRACE_CODE_MAX + 1], loc[TRACE_CODE_MAX + 16];

	if (res_public_trace_code(http_query(r, "code"), code, sizeof(code)) !=
	    0) {
		res_public_trace_unknown(r);
		return;
	}
	snprintf(loc, sizeof(loc), "/donations/%s", code);
	http_reply_header(r, "Location", loc);
	http_reply_text(r, 303, "text/plain; charset=utf-8", "", 0);
}
