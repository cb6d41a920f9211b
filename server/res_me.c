/*
 * /me: a household checks its own balance on its phone, with its card
 * code and PIN. The page is static (the same for everyone, nothing of
 * anyone in it); /me.js posts to /public/balance and writes the answer
 * as text. Not indexed, not stored.
 */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static const char res_me_html[] =
    "<!doctype html><html lang=zh-CN><head><meta charset=utf-8>"
    "<meta name=viewport content=\"width=device-width,initial-scale=1\">"
    "<meta name=robots content=\"noindex,nofollow\">"
    "<title>我的积分</title><link rel=icon href=\"data:,\">"
    "<link rel=stylesheet href=\"/public.css\">"
    "<script type=module src=\"/me.js\"></script></head><body>"
    "<header><h1>我的积分</h1><p>凭卡号和密码查看本户的积分余额、本月"
    "限领和最近领取记录。</p></header><main><section>"
    "<form id=me-form><input id=me-card name=card_code "
    "placeholder=\"卡号（卡片上的号码）\" maxlength=32 autocomplete=off "
    "required><input id=me-pin name=pin type=password inputmode=numeric "
    "pattern=\"[0-9]{4,8}\" placeholder=\"密码（4到8位数字）\" maxlength=8 "
    "autocomplete=off required><button id=me-go>查询</button></form>"
    "<p id=me-msg class=note role=status></p></section>"
    "<section id=me-result hidden><h2>积分余额 <b id=me-points></b></h2>"
    "<p class=note>有效期至 <span id=me-valid></span></p>"
    "<h3>本月限领（<span id=me-period></span>）</h3><table><thead><tr>"
    "<th>物品</th><th class=n>限领</th><th class=n>已领</th>"
    "<th class=n>还可领</th></tr></thead><tbody id=me-limits></tbody>"
    "</table><h3>最近领取</h3><ul id=me-recent class=months></ul>"
    "</section><p class=note>密码由工作人员设置；忘记请到店重设。"
    "连续输错会被暂停查询。</p></main></body></html>";

static const char res_me_js[] =
    "// /me: the balance of one's own household, written as text.\n"
    "const $ = (id) => document.getElementById(id);\n"
    "function el(tag, text, cls) {\n"
    "\tconst e = document.createElement(tag);\n"
    "\tif (text !== undefined) e.textContent = String(text);\n"
    "\tif (cls) e.className = cls;\n"
    "\treturn e;\n"
    "}\n"
    "function show(b) {\n"
    "\t$('me-points').textContent = b.points + ' 分';\n"
    "\t$('me-valid').textContent = b.valid_to;\n"
    "\t$('me-period').textContent = b.period;\n"
    "\tconst lim = $('me-limits'), rec = $('me-recent');\n"
    "\tlim.replaceChildren();\n"
    "\tfor (const l of b.limits) {\n"
    "\t\tconst tr = el('tr');\n"
    "\t\ttr.append(el('td', l.item), el('td', l.monthly_limit, 'n'),\n"
    "\t\t    el('td', l.taken, 'n'), el('td', l.left, 'n'));\n"
    "\t\tlim.append(tr);\n"
    "\t}\n"
    "\tif (!b.limits.length) {\n"
    "\t\tconst tr = el('tr');\n"
    "\t\ttr.append(el('td', '本月没有限领物品'));\n"
    "\t\tlim.append(tr);\n"
    "\t}\n"
    "\trec.replaceChildren();\n"
    "\tfor (const d of b.recent) {\n"
    "\t\tconst items = d.items.map((i) => i.item + ' × ' + "
    "i.quantity).join('，');\n"
    "\t\trec.append(el('li', d.date + '  ' + items + '  （' + d.points +\n"
    "\t\t    ' 分' + (d.voided ? '，已作废' : '') + '）'));\n"
    "\t}\n"
    "\tif (!b.recent.length) rec.append(el('li', '还没有领取记录'));\n"
    "\t$('me-result').hidden = false;\n"
    "}\n"
    "$('me-form').addEventListener('submit', async (ev) => {\n"
    "\tev.preventDefault();\n"
    "\tconst msg = $('me-msg');\n"
    "\tconst body = JSON.stringify({card_code: $('me-card').value.trim(),\n"
    "\t    pin: $('me-pin').value});\n"
    "\t$('me-pin').value = '';\n"
    "\t$('me-result').hidden = true;\n"
    "\tmsg.textContent = '查询中…';\n"
    "\tlet res;\n"
    "\ttry {\n"
    "\t\tres = await fetch('/public/balance', {method: 'POST', body,\n"
    "\t\t    headers: {'Content-Type': 'application/json'},\n"
    "\t\t    cache: 'no-store'});\n"
    "\t} catch (e) {\n"
    "\t\tmsg.textContent = '连不上服务器，请稍后再试。';\n"
    "\t\treturn;\n"
    "\t}\n"
    "\tif (res.status === 200) {\n"
    "\t\tmsg.textContent = '';\n"
    "\t\tshow(await res.json());\n"
    "\t} else if (res.status === 429) {\n"
    "\t\tmsg.textContent = '输错次数太多，请 ' +\n"
    "\t\t    (res.headers.get('Retry-After') || '') + ' 秒后再试。';\n"
    "\t} else if (res.status === 401) {\n"
    "\t\tmsg.textContent = '卡号或密码不对。';\n"
    "\t} else {\n"
    "\t\tmsg.textContent = '请检查卡号和密码（4到8位数字）。';\n"
    "\t}\n"
    "});\n"
    "document.documentElement.dataset.ready = '1';\n";

static void
res_me_guard(struct req *r)
{
	http_reply_header(r, "X-Robots-Tag", "noindex, nofollow");
}

/* GET /me */
void
res_me_page(struct req *r)
{
	char *html = malloc(sizeof(res_me_html));

	if (html == NULL)
		log_fatalx("out of memory");
	memcpy(html, res_me_html, sizeof(res_me_html));
	res_me_guard(r);
	res_html_send(r, 200, html, sizeof(res_me_html) - 1);
}

/* GET /me.js */
void
res_me_script(struct req *r)
{
	res_me_guard(r);
	http_reply_text(r, 200, "text/javascript; charset=utf-8", res_me_js,
	    sizeof(res_me_js) - 1);
}
