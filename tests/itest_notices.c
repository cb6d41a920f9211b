/*
 * Public usage notices against the real server: the current month is
 * provisional and follows the ledger; the public sees it as it stood at
 * the start of the day; its figures equal what the test put in; small
 * counts of households are hidden ("<5"), with a second cell so no total
 * gives one away; a voided basket serves nobody; the CSV (BOM, text/csv)
 * carries the JSON's totals. Publication is itest_publish, a donation's
 * trace itest_trace, privacy itest_privacy.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* Member K of the row of TABLE (under SECTION) whose KEY is V; 0 if the
 * row is absent. */
static int64_t
itest_notices_cell(const cJSON *n, const char *section, const char *table,
    const char *key, const char *v, const char *k)
{
	const cJSON *row =
	    itest_find_str(itest_arr(itest_obj(n, section), table), key, v);

	return row == NULL ? 0 : itest_int(row, k);
}

/* Households served in CATEGORY as published (0 if absent, -1 if <5). */
static int64_t
itest_notices_served(const cJSON *n, const char *category, const char *k)
{
	const cJSON *row = itest_find_str(
	    itest_arr(itest_obj(n, "households_served"), "by_category"),
	    "category", category);
	return row == NULL ? 0 : itest_public_count(row, k);
}

/*
 * The rules for small cells, on K ("households" or "persons") of a
 * notice, given the true households per category (TRUE_HH, by CATS):
 * every true count of 1..4 is hidden, every shown one is exact, and the
 * shown total minus the shown cells never equals one hidden cell alone.
 */
static void
itest_notices_cells(
    const cJSON *n, const char *const *cats, const int64_t *true_hh, int ncat)
{
	const cJSON *h = itest_obj(n, "households_served");
	int64_t total = itest_public_count(h, "households"), shown = 0, v;
	int64_t truth = 0;
	int i, hidden = 0, last_hidden = -1;

	for (i = 0; i < ncat; i++) {
		truth += true_hh[i];
		v = itest_notices_served(n, cats[i], "households");
		if (true_hh[i] == 0) {
			ck_assert_msg(v == 0, "%s: no household but %lld",
			    cats[i], (long long)v);
			continue;
		}
		if (true_hh[i] < 5)
			ck_assert_msg(v == -1,
			    "%s: %lld households shown as %lld, want \"<5\"",
			    cats[i], (long long)true_hh[i], (long long)v);
		if (v == -1) {
			hidden++;
			last_hidden = i;
			/* The persons of a hidden cell are hidden too. */
			ck_assert_msg(
			    itest_notices_served(n, cats[i], "persons") == -1,
			    "%s: households hidden but persons shown", cats[i]);
		} else {
			ck_assert_msg(v == true_hh[i], "%s: %lld, want %lld",
			    cats[i], (long long)v, (long long)true_hh[i]);
			shown += v;
		}
	}
	if (truth > 0 && truth < 5)
		ck_assert_msg(total == -1, "total %lld households shown",
		    (long long)truth);
	else if (total != -1)
		ck_assert_msg(total == truth, "total %lld, want %lld",
		    (long long)total, (long long)truth);
	if (total != -1 && hidden >= 1) {
		ck_assert_msg(hidden >= 2,
		    "only %s is hidden: total %lld - shown %lld gives it away",
		    cats[last_hidden], (long long)total, (long long)shown);
		for (i = 0; i < ncat; i++)
			ck_assert_msg(true_hh[i] == 0 ||
			        itest_notices_served(
			            n, cats[i], "households") != -1 ||
			        total - shown != true_hh[i],
			    "total %lld minus shown cells %lld recovers %s",
			    (long long)total, (long long)shown, cats[i]);
	}
}

/* The notice of the current month is provisional and follows the
 * ledger: a distribution changes it at once. */
START_TEST(test_provisional_changes)
{
	const char *now = itest_period(0);
	int64_t rice, donor;
	cJSON *a, *b, *list, *e;

	a = itest_notice(now);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "provisional")));
	ck_assert_int_eq(
	    itest_int(itest_obj(a, "uses"), "goods_distributed_total_fen"), 0);
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	e = cJSON_GetArrayItem(itest_items(list), 0);
	ck_assert_msg(e != NULL && strcmp(itest_str(e, "period"), now) == 0 &&
	        cJSON_IsTrue(cJSON_GetObjectItem(e, "provisional")),
	    "the current month is not listed as provisional: %s",
	    itest_print(list));

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_household_granted("PV-1", "dibao", 2, 1000);
	a = itest_notice(now);
	ck_assert_int_eq(
	    itest_int(itest_obj(a, "sources"), "in_kind_total_fen"), 5000);
	itest_basket(
	    itest_admin, NULL, "T1", "PV-1", itest_line(rice, 3), NULL);
	b = itest_notice(now);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(b, "provisional")));
	ck_assert_int_eq(
	    itest_int(itest_obj(b, "uses"), "goods_distributed_total_fen"),
	    1500);
	ck_assert_int_eq(itest_int(itest_obj(b, "points"), "redeemed"), 15);
	ck_assert_int_eq(itest_int(b, "closing_stock_value_fen"), 3500);
	ck_assert_str_ne(
	    itest_str(a, "ledger_head"), itest_str(b, "ledger_head"));
	ck_assert_int_eq(itest_notices_served(b, "dibao", "households"), -1);
}
END_TEST

/* The public notice of period as it is (no new day first). */
static cJSON *
itest_notices_today(const char *period)
{
	return itest_ok(
	    "GET", itest_f("/public/notices/%s", period), NULL, NULL, 200);
}

/* The part of a notice that moves with the ledger, as text. */
static const char *
itest_notices_figures(const cJSON *n)
{
	return itest_f("%s %s %s %s %lld %s",
	    itest_text(cJSON_GetObjectItem(n, "sources")),
	    itest_text(cJSON_GetObjectItem(n, "uses")),
	    itest_text(cJSON_GetObjectItem(n, "households_served")),
	    itest_text(cJSON_GetObjectItem(n, "points")),
	    (long long)itest_int(n, "closing_stock_value_fen"),
	    itest_str(n, "ledger_head"));
}

/*
 * The public sees the months not yet published as they stood at the
 * start of the day, so that watching a notice (or a donation's trace)
 * cannot tie a change to one household at the till; staff see them live
 * at /api/v1/notices. The next day's first write shows the day before.
 */
START_TEST(test_public_as_of)
{
	const char *now = itest_period(0), *before, *staff_fig, *page;
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	const char *cashier = itest_user(itest_s, "cas", "cashier");
	int64_t rice, donor, fund;
	cJSON *p, *staff, *gift, *t, *it;

	/* Its first writes (the users) were the day's: kept as it stood. */
	p = itest_notices_today(now);
	before = itest_notices_figures(p);
	ck_assert_str_eq(itest_str(p, "as_of"), itest_date(0));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(p, "provisional")));

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "慈善基金", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-ASOF'", 500, 5, NULL);
	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_cash(itest_admin, donor, fund, 8800);
	itest_household_granted("AS-1", "tekun", 3, 1000);
	itest_basket(
	    itest_admin, NULL, "T1", "AS-1", itest_line(rice, 2), NULL);

	/* The public: nothing of today yet, in the notice, its CSV, the
	 * page or the donation's trace. */
	p = itest_notices_today(now);
	ck_assert_str_eq(itest_notices_figures(p), before);
	ck_assert_str_eq(itest_str(p, "as_of"), itest_date(0));
	page = itest_raw(itest_s, "GET", "/", NULL, NULL, NULL, 0)->body;
	ck_assert_msg(strstr(page, itest_f("截至 %s 零时", itest_date(0))) &&
	        strstr(page, itest_str(p, "ledger_head")),
	    "the page does not stand at the start of the day");
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(gift, "receipt_code")),
	    NULL, NULL, 200);
	ck_assert_str_eq(itest_str(t, "as_of"), itest_date(0));
	it = cJSON_GetArrayItem(itest_arr(t, "items"), 0);
	ck_assert_int_eq(itest_int(it, "in_stock"), 10);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(it, "distributed")), 0);

	/* Staff: live, the auditor too; not a cashier, not anonymous. */
	staff = itest_ok(
	    "GET", itest_f("/api/v1/notices/%s", now), auditor, NULL, 200);
	staff_fig = itest_notices_figures(staff);
	ck_assert_str_ne(staff_fig, before);
	ck_assert_int_eq(
	    itest_int(itest_obj(staff, "uses"), "goods_distributed_total_fen"),
	    1000);
	ck_assert_int_eq(
	    itest_int(itest_obj(staff, "sources"), "cash_total_fen"), 8800);
	ck_assert_ptr_null(cJSON_GetObjectItem(staff, "as_of"));
	ck_assert_msg(strncmp(itest_raw(itest_s, "GET",
	                          itest_f("/api/v1/notices/%s.csv", now),
	                          itest_admin, NULL, NULL, 0)
	                          ->body,
	                  "\xEF\xBB\xBF", 3) == 0,
	    "the staff CSV has no BOM");
	itest_refused("GET", itest_f("/api/v1/notices/%s", now), cashier, NULL,
	    403, "forbidden", NULL);
	itest_refused("GET", itest_f("/api/v1/notices/%s", now), NULL, NULL,
	    401, "unauthenticated", NULL);

	/* The next day, before any write: what the ledger was at midnight,
	 * which is what staff saw. */
	itest_new_day(itest_s);
	p = itest_notices_today(now);
	ck_assert_str_eq(itest_notices_figures(p), staff_fig);
	page = itest_raw(itest_s, "GET", "/", NULL, NULL, NULL, 0)->body;
	ck_assert_msg(strstr(page, itest_str(staff, "ledger_head")) != NULL,
	    "the page was not rebuilt for the new day's figures");
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(gift, "receipt_code")),
	    NULL, NULL, 200);
	it = cJSON_GetArrayItem(itest_arr(t, "items"), 0);
	ck_assert_int_eq(itest_int(it, "in_stock"), 8);

	/* Its first write keeps that, and adds only to the staff's view. */
	itest_basket(
	    itest_admin, NULL, "T1", "AS-1", itest_line(rice, 1), NULL);
	p = itest_notices_today(now);
	ck_assert_str_eq(itest_notices_figures(p), staff_fig);
	staff = itest_ok(
	    "GET", itest_f("/api/v1/notices/%s", now), itest_admin, NULL, 200);
	ck_assert_int_eq(
	    itest_int(itest_obj(staff, "uses"), "goods_distributed_total_fen"),
	    1500);
}
END_TEST

/* Sum of value_fen over /api/v1/stock. */
static int64_t
itest_notices_stock_value(void)
{
	cJSON *j =
	    itest_ok("GET", "/api/v1/stock?limit=500", itest_admin, NULL, 200);
	const cJSON *e;
	int64_t v = 0;

	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	cJSON_ArrayForEach(e, itest_items(j)) v += itest_int(e, "value_fen");
	return v;
}

/* The CSV line whose first two fields are A and B, or NULL. */
static const char *
itest_notices_csv_line(const char *csv, const char *a, const char *b)
{
	const char *p = csv, *e;
	char *line;
	int nf;

	while (*p != '\0') {
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = p + strlen(p);
		line = itest_f("%.*s", (int)(e - p), p);
		if (itest_csv_field(line, 6, &nf) != NULL &&
		    strcmp(itest_csv_field(line, 6, &nf), a) == 0 &&
		    (b == NULL ||
		        strcmp(itest_csv_field(line, 7, &nf), b) == 0))
			return line;
		p = *e != '\0' ? e + 2 : e;
	}
	return NULL;
}

/* The CSV's line of section A, item B (its English keys, columns 6 and
 * 7) has field K equal to the JSON number or count V; column 5 is yuan. */
static void
itest_notices_csv_has(
    const char *csv, const char *a, const char *b, int k, const cJSON *v)
{
	const char *line = itest_notices_csv_line(csv, a, b), *f;
	char want[160];
	int nf;

	ck_assert_msg(line != NULL, "CSV has no line %s,%s:\n%.1500s", a,
	    b ? b : "", csv);
	f = itest_csv_field(line, k, &nf);
	ck_assert_msg(v != NULL, "JSON has no value for CSV %s,%s", a, b);
	if (cJSON_IsString(v))
		snprintf(want, sizeof want, "%s", v->valuestring);
	else if (k == 5)
		snprintf(want, sizeof want, "%lld.%02lld",
		    (long long)v->valuedouble / 100,
		    (long long)v->valuedouble % 100);
	else
		snprintf(want, sizeof want, "%lld", (long long)v->valuedouble);
	ck_assert_msg(f != NULL && strcmp(f, want) == 0,
	    "CSV %s,%s field %d is '%s', JSON says '%s'", a, b ? b : "", k,
	    f ? f : "(none)", want);
}

/* Sum of field 5 (yuan, as fen) over the CSV lines of SECTION. */
static int64_t
itest_notices_csv_sum(const char *csv, const char *section, int *rows)
{
	const char *p = csv, *e, *f;
	int64_t sum = 0;
	char *line;
	int nf;

	*rows = 0;
	while (*p != '\0') {
		e = strstr(p, "\r\n");
		if (e == NULL)
			e = p + strlen(p);
		line = itest_f("%.*s", (int)(e - p), p);
		if (itest_csv_field(line, 6, &nf) != NULL &&
		    strcmp(itest_csv_field(line, 6, &nf), section) == 0 &&
		    strcmp(itest_csv_field(line, 7, &nf), "total") != 0) {
			long long y, c;

			f = itest_csv_field(line, 5, &nf);
			ck_assert_msg(f != NULL &&
			        sscanf(f, "%lld.%2lld", &y, &c) == 2 &&
			        strlen(strchr(f, '.')) == 3,
			    "not yuan with two decimals: %s", line);
			sum += y * 100 + c;
			(*rows)++;
		}
		p = *e != '\0' ? e + 2 : e;
	}
	return sum;
}

/* Every figure of the notice equals what went in; the CSV says the same. */
START_TEST(test_figures)
{
	const char *now = itest_period(0), *csv, *p;
	int64_t ent, ind, f1, f2, rice, egg, oil, t1, d1, sum;
	int64_t stock_before;
	const cJSON *s, *u, *pts, *ps, *h;
	struct itest_reply *r;
	cJSON *n, *gift;
	int rows, nf;

	ent = itest_donor(itest_admin, "某食品公司", "enterprise");
	ind = itest_donor(itest_admin, "王先生", "individual");
	f1 = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	f2 = itest_fund(itest_admin, "福彩公益金", "lottery", 0, NULL);
	itest_cash(itest_admin, ent, f1, 10000);
	itest_cash(itest_admin, ind, f1, 2000);
	itest_cash(itest_admin, ind, f2, 3000);

	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	oil = itest_item_new(
	    itest_admin, "食用油", "粮油", "'NT-OIL'", 700, 7, NULL);
	egg = itest_item_new(
	    itest_admin, "鸡蛋", "副食", "'NT-EGG'", 300, 3, NULL);
	gift = itest_donation(itest_admin, ent,
	    itest_f("{'item_id':%lld,'quantity':20},"
	            "{'item_id':%lld,'quantity':10,'expires_on':'%s'}",
	        (long long)rice, (long long)egg, itest_date(3)));
	itest_expense(itest_admin, f1,
	    itest_expense_body(itest_uuid(), 4000, "采购粮油",
	        itest_f("{'item_id':%lld,'quantity':5}", (long long)oil)),
	    NULL);
	itest_expense(itest_admin, f2,
	    itest_expense_body(itest_uuid(), 1000, "运输", NULL), NULL);
	itest_adjust(itest_donation_lot(gift, 1), -2, "expired", NULL);
	itest_adjust(itest_donation_lot(gift, 0), -1, "damaged", NULL);

	t1 = itest_household_granted("FG-T1", "tekun", 1, 1000);
	d1 = itest_household_granted("FG-D1", "dibao", 3, 1000);
	(void)t1;
	(void)d1;
	itest_basket(
	    itest_admin, NULL, "T1", "FG-T1", itest_line(rice, 2), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "FG-D1", itest_line(rice, 1), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "FG-D1", itest_line(egg, 1), NULL);

	stock_before = itest_notices_stock_value();
	n = itest_notice(now);
	s = itest_obj(n, "sources");
	u = itest_obj(n, "uses");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(n, "provisional")));
	/* Cash by donor kind and by fund. */
	ck_assert_int_eq(itest_notices_cell(n, "sources", "cash_by_donor_kind",
	                     "kind", "enterprise", "amount_fen"),
	    10000);
	ck_assert_int_eq(itest_notices_cell(n, "sources", "cash_by_donor_kind",
	                     "kind", "individual", "amount_fen"),
	    5000);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(s, "cash_by_donor_kind")), 2);
	ck_assert_int_eq(itest_notices_cell(n, "sources", "cash_by_fund",
	                     "fund", "爱心捐款", "amount_fen"),
	    12000);
	ck_assert_int_eq(itest_notices_cell(n, "sources", "cash_by_fund",
	                     "fund", "福彩公益金", "amount_fen"),
	    3000);
	ck_assert_int_eq(itest_int(s, "cash_total_fen"), 15000);
	/* In kind by category; bought with funds apart. */
	ck_assert_int_eq(itest_notices_cell(n, "sources", "in_kind_by_category",
	                     "category", "粮油", "value_fen"),
	    10000);
	ck_assert_int_eq(itest_notices_cell(n, "sources", "in_kind_by_category",
	                     "category", "粮油", "quantity"),
	    20);
	ck_assert_int_eq(itest_notices_cell(n, "sources", "in_kind_by_category",
	                     "category", "副食", "value_fen"),
	    3000);
	ck_assert_int_eq(itest_int(s, "in_kind_total_fen"), 13000);
	ck_assert_int_eq(
	    itest_notices_cell(n, "sources", "purchased_by_category",
	        "category", "粮油", "quantity"),
	    5);
	/* Goods distributed by category (quantity and value). */
	ck_assert_int_eq(
	    itest_notices_cell(n, "uses", "goods_distributed_by_category",
	        "category", "粮油", "quantity"),
	    3);
	ck_assert_int_eq(
	    itest_notices_cell(n, "uses", "goods_distributed_by_category",
	        "category", "粮油", "value_fen"),
	    1500);
	ck_assert_int_eq(
	    itest_notices_cell(n, "uses", "goods_distributed_by_category",
	        "category", "副食", "value_fen"),
	    300);
	ck_assert_int_eq(itest_int(u, "goods_distributed_total_fen"), 1800);
	ck_assert_int_eq(itest_int(u, "goods_distributed_quantity"), 4);
	/* Fund expenses by purpose; write-offs by reason. */
	ck_assert_int_eq(
	    itest_notices_cell(n, "uses", "fund_expenses_by_purpose", "purpose",
	        "采购粮油", "amount_fen"),
	    4000);
	ck_assert_int_eq(
	    itest_notices_cell(n, "uses", "fund_expenses_by_purpose", "purpose",
	        "运输", "amount_fen"),
	    1000);
	ck_assert_int_eq(itest_int(u, "fund_expenses_total_fen"), 5000);
	ck_assert_int_eq(itest_notices_cell(n, "uses", "write_offs", "reason",
	                     "expired", "quantity"),
	    2);
	ck_assert_int_eq(itest_notices_cell(n, "uses", "write_offs", "reason",
	                     "expired", "value_fen"),
	    600);
	ck_assert_int_eq(itest_notices_cell(n, "uses", "write_offs", "reason",
	                     "damaged", "value_fen"),
	    500);
	ck_assert_int_eq(itest_int(u, "write_offs_total_fen"), 1100);
	/* Points: two grants of 1000; 2x5 + 5 + 3 redeemed. */
	pts = itest_obj(n, "points");
	ck_assert_int_eq(itest_int(pts, "granted"), 2000);
	ck_assert_int_eq(itest_int(pts, "redeemed"), 18);
	/* Closing stock: what /api/v1/stock says it is worth. */
	ck_assert_int_eq(itest_int(n, "closing_stock_value_fen"), stock_before);
	ck_assert_int_eq(stock_before, 13000 + 5 * 700 - 600 - 500 - 1800);
	/* Priority share: one tekun household took 1000 of 1800; published,
	 * it would say what that one household took, so it is hidden. */
	ps = itest_obj(n, "priority_share");
	ck_assert_int_eq(itest_int(ps, "total_value_fen"), 1800);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(ps, "hidden")));
	ck_assert_ptr_null(cJSON_GetObjectItem(ps, "value_fen"));
	ck_assert_ptr_null(cJSON_GetObjectItem(ps, "per_mille"));
	/* One household each: hidden, and so the total. */
	h = itest_obj(n, "households_served");
	ck_assert_int_eq(itest_notices_served(n, "tekun", "households"), -1);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), -1);
	ck_assert_int_eq(itest_public_count(h, "households"), -1);
	ck_assert_int_eq(itest_public_count(h, "persons"), -1);

	/* The CSV: BOM, text/csv, eight fields a line, the same figures. */
	r = itest_public_raw(itest_f("/public/notices/%s.csv", now));
	ck_assert_msg(strstr(r->headers, "content-type: text/csv") != NULL,
	    "CSV headers:\n%s", r->headers);
	ck_assert_msg(r->len > 3 && memcmp(r->body, "\xEF\xBB\xBF", 3) == 0,
	    "CSV does not start with the UTF-8 BOM");
	csv = r->body + 3;
	for (p = csv; *p != '\0';) {
		const char *e = strstr(p, "\r\n");
		char *line;

		ck_assert_msg(e != NULL, "CSV line without CRLF: %s", p);
		line = itest_f("%.*s", (int)(e - p), p);
		itest_csv_field(line, 0, &nf);
		ck_assert_msg(nf == 8, "CSV line of %d fields: %s", nf, line);
		p = e + 2;
	}
	ck_assert_msg(strncmp(csv,
	                  "部分,项目,数量,户数,人数,金额（元）,section,"
	                  "item\r\n",
	                  strlen("部分,项目,数量,户数,人数,金额（元）,section,"
	                         "item\r\n")) == 0,
	    "CSV header: %.100s", csv);
	ck_assert_str_eq(
	    itest_csv_field(
	        itest_notices_csv_line(csv, "period", NULL), 1, &nf),
	    itest_f("%.4s年%.2s月（暂定）", now, now + 5));
	ck_assert_str_eq(
	    itest_csv_field(itest_notices_csv_line(csv, "as_of", NULL), 1, &nf),
	    itest_f("%s 零时", itest_str(n, "as_of")));
	itest_notices_csv_has(
	    csv, "points", "expired", 2, cJSON_GetObjectItem(pts, "expired"));
	ck_assert_ptr_nonnull(
	    itest_notices_csv_line(csv, "priority_share", "hidden"));
	itest_notices_csv_has(
	    csv, "cash", "total", 5, cJSON_GetObjectItem(s, "cash_total_fen"));
	itest_notices_csv_has(csv, "in_kind", "total", 5,
	    cJSON_GetObjectItem(s, "in_kind_total_fen"));
	itest_notices_csv_has(csv, "goods_distributed", "total", 5,
	    cJSON_GetObjectItem(u, "goods_distributed_total_fen"));
	itest_notices_csv_has(csv, "households_served", "total", 3,
	    cJSON_GetObjectItem(h, "households"));
	itest_notices_csv_has(csv, "households_served", "total", 4,
	    cJSON_GetObjectItem(h, "persons"));
	itest_notices_csv_has(
	    csv, "points", "granted", 2, cJSON_GetObjectItem(pts, "granted"));
	itest_notices_csv_has(
	    csv, "points", "redeemed", 2, cJSON_GetObjectItem(pts, "redeemed"));
	itest_notices_csv_has(csv, "closing_stock_value", "total", 5,
	    cJSON_GetObjectItem(n, "closing_stock_value_fen"));
	itest_notices_csv_has(
	    csv, "ledger_head", NULL, 1, cJSON_GetObjectItem(n, "ledger_head"));
	/* The rows of each section add up to the JSON's totals. */
	sum = itest_notices_csv_sum(csv, "cash_by_donor_kind", &rows);
	ck_assert_int_eq(sum, 15000);
	ck_assert_int_eq(rows, 2);
	sum = itest_notices_csv_sum(csv, "cash_by_fund", &rows);
	ck_assert_int_eq(sum, 15000);
	sum = itest_notices_csv_sum(csv, "in_kind_by_category", &rows);
	ck_assert_int_eq(sum, 13000);
	sum = itest_notices_csv_sum(csv, "fund_expenses_by_purpose", &rows);
	ck_assert_int_eq(sum, 5000);
	sum = itest_notices_csv_sum(csv, "write_offs", &rows);
	ck_assert_int_eq(sum, 1100);
	sum =
	    itest_notices_csv_sum(csv, "goods_distributed_by_category", &rows);
	ck_assert_int_eq(sum, 1800);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Every total the JSON has is a total line of the CSV too. */
START_TEST(test_csv_all_totals)
{
	const char *now = itest_period(0), *csv;
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t fund =
	    itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	int64_t oil = itest_item_new(
	    itest_admin, "食用油", "粮油", "'NT-OIL'", 700, 7, NULL);
	const cJSON *s, *u;
	cJSON *n;

	itest_cash(itest_admin, donor, fund, 9000);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 3500, "采购粮油",
	        itest_f("{'item_id':%lld,'quantity':5}", (long long)oil)),
	    NULL);
	n = itest_notice(now);
	s = itest_obj(n, "sources");
	u = itest_obj(n, "uses");
	csv =
	    itest_public_raw(itest_f("/public/notices/%s.csv", now))->body + 3;
	itest_notices_csv_has(csv, "purchased", "total", 5,
	    cJSON_GetObjectItem(s, "purchased_total_fen"));
	itest_notices_csv_has(csv, "fund_expenses", "total", 5,
	    cJSON_GetObjectItem(u, "fund_expenses_total_fen"));
	itest_notices_csv_has(csv, "write_offs", "total", 5,
	    cJSON_GetObjectItem(u, "write_offs_total_fen"));
}
END_TEST

/* COUNT households of CATEGORY with MEMBERS (cards PREFIX0, PREFIX1...)
 * each take one ITEM at till T1; the last basket. */
static cJSON *
itest_notices_serve(const char *prefix, const char *category, int members,
    int count, int64_t item)
{
	cJSON *d = NULL;
	int i;

	for (i = 0; i < count; i++) {
		const char *card = itest_f("%s%d", prefix, i);

		itest_household_granted(card, category, members, 1000);
		d = itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(item, 1), NULL);
	}
	return d;
}

/* Households served: 1..4 in a category shows "<5"; with exactly one
 * such category a second cell is hidden, so the total gives none away. */
START_TEST(test_small_cells)
{
	static const char *const cats[] = {
	    "tekun", "dibao", "low_income", "emergency"};
	const char *now = itest_period(0);
	int64_t rice, truth[4] = {0, 0, 0, 0};
	const cJSON *h;
	cJSON *n;

	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	itest_lot(rice, 500, NULL);
	itest_notices_serve("SC-D", "dibao", 2, 6, rice);
	truth[1] += 6;
	/* Six dibao alone: shown as they are. */
	n = itest_notice(now);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), 6);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "persons"), 12);
	itest_notices_cells(n, cats, truth, 4);
	itest_notices_serve("SC-T", "tekun", 1, 2, rice);
	truth[0] += 2;
	/* A second basket for the same household counts once. */
	itest_basket(
	    itest_admin, NULL, "T1", "SC-T0", itest_line(rice, 1), NULL);
	n = itest_notice(now);
	h = itest_obj(n, "households_served");
	ck_assert_int_eq(itest_notices_served(n, "tekun", "households"), -1);
	ck_assert_msg(itest_notices_served(n, "dibao", "households") == -1 ||
	        itest_public_count(h, "households") == -1,
	    "tekun hidden alone: dibao and the total are both shown: %s",
	    itest_print(h));
	itest_notices_cells(n, cats, truth, 4);
	/* Five low-income: the smallest other cell hides with tekun. */
	itest_notices_serve("SC-L", "low_income", 1, 5, rice);
	truth[2] += 5;
	n = itest_notice(now);
	itest_notices_cells(n, cats, truth, 4);
	/* Two small categories hide each other. */
	itest_notices_serve("SC-E", "emergency", 4, 3, rice);
	truth[3] += 3;
	n = itest_notice(now);
	itest_notices_cells(n, cats, truth, 4);
	ck_assert_int_eq(
	    itest_notices_served(n, "emergency", "households"), -1);
	ck_assert_int_eq(
	    itest_public_count(itest_obj(n, "households_served"), "households"),
	    16);
	/* The page and the CSV show the same cells. */
	ck_assert_msg(strstr(itest_public_raw("/")->body, "&lt;5") != NULL,
	    "the page shows no \"<5\"");
	ck_assert_msg(
	    strstr(
	        itest_public_raw(itest_f("/public/notices/%s.csv", now))->body,
	        "服务家庭（按类别）,特困供养,,<5,<5,,households_served,"
	        "tekun\r\n") != NULL,
	    "the CSV does not hide tekun");
}
END_TEST

/* A household whose only basket was voided received nothing: it is not
 * counted as served. */
START_TEST(test_void_not_served)
{
	const char *now = itest_period(0);
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	cJSON *d, *n;

	itest_lot(rice, 100, NULL);
	d = itest_notices_serve("VS-D", "dibao", 1, 6, rice);
	n = itest_notice(now);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), 6);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(d, "id")),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'扫错'}", itest_uuid()), 201);
	n = itest_notice(now);
	ck_assert_int_eq(
	    itest_int(itest_obj(n, "uses"), "goods_distributed_total_fen"),
	    2500);
	ck_assert_int_eq(itest_int(itest_obj(n, "points"), "redeemed"), 25);
	ck_assert_msg(itest_notices_served(n, "dibao", "households") == 5,
	    "dibao households served after voiding one household's only "
	    "basket: %s",
	    itest_print(itest_obj(n, "households_served")));
}
END_TEST

static Suite *
itest_notices_suite(void)
{
	Suite *s = suite_create("notices");
	TCase *tc = itest_tcase("notices");

	tcase_add_test(tc, test_provisional_changes);
	tcase_add_test(tc, test_public_as_of);
	tcase_add_test(tc, test_figures);
	tcase_add_test(tc, test_csv_all_totals);
	tcase_add_test(tc, test_small_cells);
	tcase_add_test(tc, test_void_not_served);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_notices_suite());
}
