/*
 * The public pages against the real server: a month at /notices/YYYY-MM
 * and the month list as HTML with their guards (a strict policy, no
 * script), every stored text escaped, a donation's trace page and its
 * look-up (trimmed, upper-cased, 303), friendly 404 pages; and the
 * small-cell rule of traces and of the priority share with 1, 4 and 5
 * households.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define XSS     "<img src=x onerror=alert(1)>"
#define XSS_ESC "&lt;img src=x onerror=alert(1)&gt;"

static struct itest_reply *
itest_public_get(const char *path, int want)
{
	struct itest_reply *r;

	itest_new_day(itest_s);
	r = itest_raw(itest_s, "GET", path, NULL, NULL, NULL, 0);
	ck_assert_msg(r->status == want, "GET %s: %d, want %d: %.300s", path,
	    r->status, want, r->body);
	return r;
}

/* An HTML page with the public pages' guards. */
static void
itest_public_guarded(const struct itest_reply *r)
{
	ck_assert_msg(strstr(r->headers, "content-type: text/html") != NULL,
	    "not HTML:\n%s", r->headers);
	ck_assert_msg(strstr(r->headers,
	                  "content-security-policy: default-src 'none'; "
	                  "script-src 'self'; style-src 'self'") != NULL,
	    "no strict policy:\n%s", r->headers);
	ck_assert_msg(strstr(r->body, "<script") == NULL &&
	        strstr(r->body, " style=") == NULL &&
	        strstr(r->body, "onerror=alert(1)>") == NULL,
	    "inline script or style on a public page: %.400s", r->body);
}

/* A month's page: its figures, escaped names, links; the month list. */
START_TEST(test_month_page)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	int64_t donor, fund, item;
	struct itest_reply *r;
	cJSON *n;

	donor = itest_donor(itest_admin, XSS, "enterprise");
	fund = itest_fund(itest_admin, XSS, "donations", 0, NULL);
	item = itest_item_new(itest_admin, XSS, XSS, "'PB-XSS'", 500, 5, NULL);
	itest_cash(itest_admin, donor, fund, 12345);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':3}", (long long)item));

	r = itest_public_get(itest_f("/notices/%s", now), 200);
	itest_public_guarded(r);
	n = itest_notice(now);
	ck_assert_int_eq(
	    itest_int(itest_obj(n, "sources"), "cash_total_fen"), 12345);
	/* The fund and the category as text, never as markup. */
	ck_assert_msg(strstr(r->body, XSS_ESC) != NULL,
	    "the fund's name is not on the page, escaped");
	ck_assert_msg(strstr(r->body, "<img") == NULL, "markup got through");
	ck_assert_msg(strstr(r->body, "<b id=in>¥138.45</b>") != NULL,
	    "sources card: %.2000s", r->body);
	ck_assert_msg(strstr(r->body,
	                  itest_f("<td>%s</td><td class=n>¥123.45"
	                          "</td>",
	                      XSS_ESC)) != NULL,
	    "cash by fund row missing");
	ck_assert_msg(strstr(r->body, "截至") != NULL, "no as-of date");
	ck_assert_msg(
	    strstr(r->body, "id=points-expired") != NULL, "no expired points");
	ck_assert_msg(strstr(r->body, "哈希链") != NULL,
	    "the ledger head is not explained");
	ck_assert_msg(strstr(r->body, itest_str(n, "ledger_head")) != NULL,
	    "no ledger head");
	ck_assert_msg(strstr(r->body, "action=\"/donations\"") != NULL,
	    "the trace form does not go to /donations");
	/* The chart's table: the current month's row. */
	ck_assert_msg(strstr(r->body,
	                  itest_f("<tr data-period=\"%s\"><td>%s</td><td "
	                          "class=n>¥138.45</td>",
	                      now, now)) != NULL,
	    "the chart table has no row for %s", now);
	/* / is this month's page. */
	r = itest_public_get("/", 200);
	itest_public_guarded(r);
	ck_assert_msg(strstr(r->body, itest_f("本月 %s", now)) != NULL,
	    "/ is not this month's page");
	/* Last month: a page with nothing; the list links both. */
	r = itest_public_get(itest_f("/notices/%s", last), 200);
	ck_assert_msg(strstr(r->body, "<b id=in>¥0.00</b>") != NULL,
	    "last month has figures: %.600s", r->body);
	r = itest_public_get("/notices", 200);
	itest_public_guarded(r);
	ck_assert_msg(
	    strstr(r->body, itest_f("href=\"/notices/%s\"", now)) != NULL,
	    "the list does not link this month: %s", r->body);
	/* The stylesheet. */
	r = itest_public_get("/public.css", 200);
	ck_assert_msg(strstr(r->headers, "content-type: text/css") != NULL,
	    "public.css: %s", r->headers);
	/* Months that are not: a friendly 404 page, HTML. */
	r = itest_public_get("/notices/2999-01", 404);
	itest_public_guarded(r);
	ck_assert_msg(
	    strstr(r->body, "没有这个月的公示") != NULL, "%s", r->body);
	r = itest_public_get("/notices/2026-13", 404);
	r = itest_public_get("/notices/x", 404);
	r = itest_public_get(itest_f("/notices/%s%s", now, XSS), 404);
	ck_assert_msg(strstr(r->body, "<img") == NULL, "markup got through");
}
END_TEST

/* The trace page; the look-up trims and upper-cases; unknown: 404. */
START_TEST(test_trace_page)
{
	int64_t donor, item, fund;
	struct itest_reply *r;
	const char *code, *low, *cash_code;
	cJSON *gift, *cash;
	char *p;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, XSS, "donations", 0, NULL);
	item = itest_item_new(itest_admin, XSS, "粮油", "'PB-R'", 500, 5, NULL);
	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':7}", (long long)item));
	code = itest_str(gift, "receipt_code");
	cash = itest_cash(itest_admin, donor, fund, 500);
	cash_code = itest_str(cash, "receipt_code");

	r = itest_public_get(itest_f("/donations/%s", code), 200);
	itest_public_guarded(r);
	ck_assert_msg(strstr(r->body,
	                  itest_f("<span id=receipt>%s</span>", code)) != NULL,
	    "the page does not show the code: %.500s", r->body);
	ck_assert_msg(
	    strstr(r->body, XSS_ESC) != NULL && strstr(r->body, "<img") == NULL,
	    "the item's name is not escaped");
	ck_assert_msg(
	    strstr(r->body, "<td>收到</td><td class=n>7 件</td>") != NULL,
	    "received quantity missing: %.1500s", r->body);
	ck_assert_msg(strstr(r->body, "某公司") == NULL,
	    "the public trace names the donor");
	r = itest_public_get(itest_f("/donations/%s", cash_code), 200);
	ck_assert_msg(strstr(r->body, "<td class=n id=cash>¥5.00</td>") != NULL,
	    "cash missing: %.1500s", r->body);
	ck_assert_msg(strstr(r->body, XSS_ESC) != NULL, "fund not escaped");

	/* Typed in lower case with spaces around: 303 to the page. */
	low = itest_f("%s", code);
	for (p = (char *)low; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	r = itest_public_get(itest_f("/donations?code=++%s+", low), 303);
	ck_assert_msg(strstr(r->headers,
	                  itest_f("location: /donations/%s\r\n", code)) != NULL,
	    "look-up headers:\n%s", r->headers);
	r = itest_public_get(itest_f("/donations/%s", low), 200);
	/* Unknown, empty, too long or odd codes: the friendly 404 page. */
	r = itest_public_get("/donations/JZ20200101-NOSUCH", 404);
	itest_public_guarded(r);
	ck_assert_msg(
	    strstr(r->body, "没有找到这张收据") != NULL, "%s", r->body);
	itest_public_get("/donations?code=", 404);
	itest_public_get("/donations", 404);
	/* Longer than any receipt code. */
	itest_public_get(
	    "/donations?code=JZ20200101-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	    404);
	r = itest_public_get("/donations?code=%3Cimg%3E", 404);
	ck_assert_msg(strstr(r->body, "<img") == NULL, "markup got through");
}
END_TEST

/* Households served: n of a category, each taking one of item. */
static void
itest_public_serve(const char *cat, int n, int64_t item, int *seq)
{
	const char *card;
	int i;

	for (i = 0; i < n; i++) {
		card = itest_f("PB-%s-%d", cat, (*seq)++);
		itest_household_granted(card, cat, 2, 1000);
		itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(item, 1), NULL);
	}
}

static const cJSON *
itest_public_dist(const char *code)
{
	cJSON *t = itest_ok(
	    "GET", itest_f("/public/donations/%s", code), NULL, NULL, 200);

	return itest_arr(
	    cJSON_GetArrayItem(itest_arr(t, "items"), 0), "distributed");
}

static int64_t
itest_public_qty(const cJSON *dist, const char *cat)
{
	const cJSON *d = itest_find_str(dist, "household_category", cat);

	return d == NULL ? -1 : itest_int(d, "quantity");
}

/* 5 tekun, 4 dibao, 1 illness: tekun is named, the others are one 其他
 * line; the priority share (9 priority, 1 other) is hidden. */
START_TEST(test_small_cells_1_4_5)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'PB-RICE'", 500, 5, NULL);
	const cJSON *dist, *ps;
	cJSON *gift;
	int seq = 0;

	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':20}", (long long)rice));
	itest_public_serve("tekun", 5, rice, &seq);
	itest_public_serve("dibao", 4, rice, &seq);
	itest_public_serve("illness", 1, rice, &seq);
	itest_new_day(itest_s);
	dist = itest_public_dist(itest_str(gift, "receipt_code"));
	ck_assert_msg(cJSON_GetArraySize(dist) == 2, "%s", itest_print(dist));
	ck_assert_int_eq(itest_public_qty(dist, "tekun"), 5);
	ck_assert_int_eq(itest_public_qty(dist, "other"), 5);
	ck_assert_int_eq(itest_public_qty(dist, "dibao"), -1);
	ck_assert_int_eq(itest_public_qty(dist, "illness"), -1);
	ps = itest_obj(itest_notice(itest_period(0)), "priority_share");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ps, "hidden")));
	ck_assert_ptr_null(cJSON_GetObjectItem(ps, "per_mille"));
}
END_TEST

/* 5 tekun and 1 dibao: the one small category hidden would show
 * through tekun's line, so tekun is folded in too (the next smallest). */
START_TEST(test_small_cells_next_smallest)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'PB-RICE'", 500, 5, NULL);
	const cJSON *dist;
	cJSON *gift;
	int seq = 0;

	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':20}", (long long)rice));
	itest_public_serve("tekun", 5, rice, &seq);
	itest_public_serve("dibao", 1, rice, &seq);
	itest_new_day(itest_s);
	dist = itest_public_dist(itest_str(gift, "receipt_code"));
	ck_assert_msg(cJSON_GetArraySize(dist) == 1, "%s", itest_print(dist));
	ck_assert_int_eq(itest_public_qty(dist, "other"), 6);
}
END_TEST

/* 5 tekun and 5 low-income: both named, the priority share shown. */
START_TEST(test_small_cells_5_5)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'PB-RICE'", 500, 5, NULL);
	const cJSON *dist, *ps;
	cJSON *gift;
	int seq = 0;

	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':20}", (long long)rice));
	itest_public_serve("tekun", 5, rice, &seq);
	itest_public_serve("low_income", 5, rice, &seq);
	itest_new_day(itest_s);
	dist = itest_public_dist(itest_str(gift, "receipt_code"));
	ck_assert_msg(cJSON_GetArraySize(dist) == 2, "%s", itest_print(dist));
	ck_assert_int_eq(itest_public_qty(dist, "tekun"), 5);
	ck_assert_int_eq(itest_public_qty(dist, "low_income"), 5);
	ps = itest_obj(itest_notice(itest_period(0)), "priority_share");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(ps, "hidden")));
	ck_assert_int_eq(itest_int(ps, "per_mille"), 500);
	ck_assert_int_eq(itest_int(ps, "value_fen"), 2500);
}
END_TEST

/* The charity-sale section (义卖收入及使用): the month's sales income,
 * costs and confirmed transfers with their reasons (escaped), in the
 * JSON and on the page, as the ledger stood at the start of the day. */
START_TEST(test_charity_sales)
{
	const char *now = itest_period(0), *mgr;
	int64_t donor, fund, item, t;
	struct itest_reply *r;
	const cJSON *c, *tr;
	cJSON *j;

	mgr = itest_user(itest_s, "mgr", "manager");
	donor = itest_donor(itest_admin, "义卖捐赠人", "individual");
	fund = itest_fund(itest_admin, "慈善基金", "donations", 0, NULL);
	item = itest_item_new(itest_admin, "旧书", "books", "", 100, 1, NULL);
	itest_cash(itest_admin, donor, fund, 5000);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':5,'sale_allowed':true}",
	        (long long)item));
	itest_ok("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)item),
	    itest_admin, "{'sale_price_fen':450}", 200);
	itest_ok("POST", "/api/v1/sales", itest_admin,
	    itest_f(
	        "{'client_id':'%s','till_id':'T1','lines':[{'item_id':%lld,"
	        "'quantity':3}],'payment':{'method':'qr','reference':'Q1'}}",
	        itest_uuid(), (long long)item),
	    201);
	itest_ok("POST", "/api/v1/operating/entries", mgr,
	    itest_f("{'client_id':'%s','account':'rent','amount_fen':300}",
	        itest_uuid()),
	    201);
	t = itest_int(itest_ok("POST", "/api/v1/operating/transfers", mgr,
	                  itest_f("{'client_id':'%s','direction':'to_fund',"
	                          "'fund_id':%lld,'amount_fen':500,'reason':"
	                          "'义卖收入用于助学%s'}",
	                      itest_uuid(), (long long)fund, XSS),
	                  201),
	    "id");
	itest_ok("POST",
	    itest_f("/api/v1/operating/transfers/%lld/confirm", (long long)t),
	    itest_admin, NULL, 200);

	/* Today, before midnight: the public sees the day's start. */
	j = itest_ok(
	    "GET", itest_f("/public/notices/%s", now), NULL, NULL, 200);
	c = itest_obj(j, "charity_sales");
	ck_assert_int_eq(itest_int(c, "sales_income_fen"), 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(c, "transfers")), 0);
	/* Once the day is over. */
	j = itest_notice(now);
	c = itest_obj(j, "charity_sales");
	ck_assert_int_eq(itest_int(c, "sales_count"), 1);
	ck_assert_int_eq(itest_int(c, "sales_income_fen"), 1350);
	ck_assert_int_eq(
	    itest_int(itest_find_str(itest_arr(c, "costs"), "account", "rent"),
	        "amount_fen"),
	    300);
	ck_assert_int_eq(itest_int(c, "cost_total_fen"), 300);
	ck_assert_int_eq(itest_int(c, "transfers_net_fen"), -500);
	ck_assert_int_eq(itest_int(c, "closing_fen"), 1350 - 300 - 500);
	tr = cJSON_GetArrayItem(itest_arr(c, "transfers"), 0);
	ck_assert_str_eq(itest_str(tr, "direction"), "to_fund");
	ck_assert_str_eq(itest_str(tr, "fund"), "慈善基金");
	ck_assert_int_eq(itest_int(tr, "amount_fen"), 500);
	ck_assert_str_eq(itest_str(tr, "reason"), "义卖收入用于助学" XSS);
	/* No proposer or confirmer on the public notice. */
	ck_assert_ptr_null(cJSON_GetObjectItem(tr, "confirmed_by"));
	/* The page: the section, its figures, the reason as text. */
	r = itest_public_get(itest_f("/notices/%s", now), 200);
	itest_public_guarded(r);
	ck_assert_msg(strstr(r->body, "<section id=charity-sales>") != NULL,
	    "no charity-sale section: %.600s", r->body);
	ck_assert_msg(strstr(r->body,
	                  "<td>义卖收入（退款后）</td><td "
	                  "class=n>¥13.50</td>") != NULL,
	    "no sales income row");
	ck_assert_msg(strstr(r->body,
	                  "<td>期末余额</td><td class=n>¥5.50"
	                  "</td>") != NULL,
	    "no closing row");
	ck_assert_msg(
	    strstr(r->body, itest_f("<td>义卖收入用于助学%s</td>", XSS_ESC)) !=
	        NULL,
	    "the reason is not on the page, escaped");
	ck_assert_msg(strstr(r->body, "<img") == NULL, "markup got through");
	/* The CSV: the same figures, the reason as one quoted field. */
	r = itest_public_get(itest_f("/public/notices/%s.csv", now), 200);
	ck_assert_msg(strstr(r->body,
	                  "义卖收入及使用,义卖收入（退款后）,1,,,"
	                  "13.50,charity_sales,sales\r\n") != NULL,
	    "no sales row: %s", r->body);
	ck_assert_msg(
	    strstr(r->body, ",3.00,charity_sales_costs,rent\r\n") != NULL,
	    "no rent row: %s", r->body);
	ck_assert_msg(strstr(r->body,
	                  "义卖收入及使用,期末余额,,,,5.50,"
	                  "charity_sales,closing\r\n") != NULL,
	    "no closing row: %s", r->body);
	ck_assert_msg(
	    strstr(r->body, "转入基金 慈善基金：义卖收入用于助学") != NULL,
	    "no transfer row: %s", r->body);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_public_suite(void)
{
	Suite *s = suite_create("public");
	TCase *tc = itest_tcase("public");

	tcase_add_test(tc, test_month_page);
	tcase_add_test(tc, test_trace_page);
	tcase_add_test(tc, test_small_cells_1_4_5);
	tcase_add_test(tc, test_small_cells_next_smallest);
	tcase_add_test(tc, test_small_cells_5_5);
	tcase_add_test(tc, test_charity_sales);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_public_suite());
}
