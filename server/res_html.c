/*
 * What the public HTML pages share: escaping (every value goes in as
 * text), money and counts as people read them, the page's head and its
 * one stylesheet (/public.css), and the guards sent with every page: a
 * policy that runs no script but the server's own files, loads nothing
 * from elsewhere and allows no inline style or script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "money.h"

#define RES_HTML_CSP                                                           \
	"default-src 'none'; script-src 'self'; style-src 'self'; "            \
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; "          \
	"form-action 'self'; frame-ancestors 'none'"

static const char res_html_css[] =
    "body{font-family:system-ui,'PingFang SC','Noto Sans CJK SC',sans-serif;"
    "margin:0;color:#222;background:#f6f6f3;font-size:16px;"
    "line-height:1.5}"
    "header{background:#b3261e;color:#fff;padding:16px}"
    "header h1{margin:0;font-size:1.3em}header p{margin:4px 0 0}"
    "header a{color:#fff}"
    "main{max-width:760px;margin:auto;padding:8px 12px}"
    "section{background:#fff;border-radius:8px;padding:12px;margin:12px 0;"
    "overflow-wrap:anywhere}"
    "h2{font-size:1.15em;margin:0 0 8px}h3{font-size:1em;margin:12px 0 4px}"
    ".cards{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));"
    "gap:8px}"
    ".card{background:#fff;border-radius:8px;padding:10px}"
    ".card b{display:block;font-size:1.2em;color:#b3261e}"
    ".card small{display:block;color:#555;font-size:.8em}"
    "table{width:100%;border-collapse:collapse;table-layout:fixed}"
    "th,td{padding:4px 2px;border-bottom:1px solid #eee;text-align:left;"
    "overflow-wrap:anywhere}"
    "th.n,td.n{text-align:right}"
    ".chart{width:100%;height:auto;display:block}.chart .in{fill:#2e7d32}"
    ".chart .out{fill:#b3261e}.chart text{font-size:12px;fill:#222}"
    ".chart text.title{font-size:13px;font-weight:bold}"
    ".chart .axis{stroke:#999;stroke-width:1}"
    ".legend span{display:inline-block;width:12px;height:12px;"
    "margin:0 4px 0 10px}.kin{background:#2e7d32}.kout{background:#b3261e}"
    ".none,.note{color:#555;font-size:.9em}"
    ".late{color:#8a4b00}"
    "footer{font-size:.8em;color:#555;padding:12px;max-width:760px;"
    "margin:auto;overflow-wrap:anywhere}"
    "form{display:flex;gap:6px;flex-wrap:wrap}"
    "input{flex:1;min-width:0;padding:8px;font-size:1em}"
    "button{padding:8px 12px;font-size:1em}"
    "code{overflow-wrap:anywhere;word-break:break-all}"
    "ul.months{list-style:none;padding:0}ul.months li{padding:6px 0;"
    "border-bottom:1px solid #eee}"
    ".sr{position:absolute;left:-9999px}";

void
res_html_esc(FILE *fp, const char *s)
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

/* An integer the API wrote (raw JSON text), or 0. */
int64_t
res_html_num(const cJSON *v)
{
	if (cJSON_IsRaw(v) || cJSON_IsString(v))
		return strtoll(v->valuestring, NULL, 10);
	if (cJSON_IsNumber(v))
		return (int64_t)v->valuedouble;
	return 0;
}

int64_t
res_html_int(const cJSON *o, const char *key)
{
	return res_html_num(cJSON_GetObjectItem(o, key));
}

const char *
res_html_str(const cJSON *o, const char *key)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(o, key));

	return s != NULL ? s : "";
}

void
res_html_money(FILE *fp, int64_t fen)
{
	char m[MONEY_LEN];

	money_format(fen, m, sizeof(m));
	fputs(m, fp);
}

/* A count as published: a number, or "<5" where it is hidden. */
void
res_html_count(FILE *fp, const cJSON *v)
{
	if (cJSON_IsString(v))
		res_html_esc(fp, v->valuestring);
	else
		fprintf(fp, "%lld", (long long)res_html_num(v));
}

/* The page's start, up to <body>; noindex for a household's own page. */
void
res_html_head(FILE *fp, const char *title, int noindex)
{
	fputs("<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
	      "<meta name=viewport content=\"width=device-width,"
	      "initial-scale=1\">",
	    fp);
	if (noindex)
		fputs("<meta name=robots content=\"noindex,nofollow\">", fp);
	fputs("<title>", fp);
	res_html_esc(fp, title);
	/* No icon: a browser asking /favicon.ico would log a 404. */
	fputs("</title><link rel=icon href=\"data:,\"><link rel=stylesheet "
	      "href=\"/public.css\"></head><body>",
	    fp);
}

/* Sends a page (html, freed here) with the public pages' guards. */
void
res_html_send(struct req *r, int status, char *html, size_t len)
{
	http_reply_header(r, "Content-Security-Policy", RES_HTML_CSP);
	http_reply_header(r, "Referrer-Policy", "no-referrer");
	http_reply_header(r, "X-Frame-Options", "DENY");
	http_reply_text(r, status, "text/html; charset=utf-8", html, len);
	free(html);
}

/* GET /public.css */
void
res_html_style(struct req *r)
{
	http_reply_header(r, "Cache-Control", "no-cache");
	http_reply_text(r, 200, "text/css; charset=utf-8", res_html_css,
	    sizeof(res_html_css) - 1);
}

/* A page that only says something (an unknown code, a bad month). */
void
res_html_message(struct req *r, int status, const char *title, const char *msg)
{
	char *html = NULL;
	size_t len;
	FILE *fp;

	if ((fp = open_memstream(&html, &len)) == NULL)
		log_fatal("open_memstream");
	res_html_head(fp, title, 0);
	fputs("<header><h1>", fp);
	res_html_esc(fp, title);
	fputs("</h1></header><main><section><p id=message>", fp);
	res_html_esc(fp, msg);
	fputs(
	    "</p><p><a href=\"/\">返回公示首页</a> · <a "
	    "href=\"/notices\">历月公示</a></p></section></main></body></html>",
	    fp);
	fclose(fp);
	res_html_send(r, status, html, len);
}
