/*
 * Public usage notices against the real server: the current month is
 * provisional and follows the ledger; its figures equal what the test put
 * in; small counts of households are hidden ("<5"), with a second cell so
 * no total gives one away; publication freezes a closed month (JSON and
 * CSV byte for byte); the CSV (BOM, text/csv) carries the JSON's totals;
 * ledger_head is the head of a hash chain the test recomputes itself;
 * a donation's trace adds up to what was received; and a walk over every
 * /public path of a demo store finds no household's name, card, id
 * number, phone or street.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "itest.h"

/* A household of CATEGORY with MEMBERS that has POINTS to spend. */
static int64_t
itest_notices_hh(const char *card, const char *category, int members)
{
	int64_t h = itest_household(card, category, members, -30, 300);

	itest_grant(h, 1000);
	return h;
}

/* Read the notices, as the public will once today is over (the public
 * sees the figures as they stood at the start of the day:
 * test_public_as_of). */

static struct itest_reply *
itest_notices_raw(const char *path)
{
	struct itest_reply *r;

	itest_new_day(itest_s);
	r = itest_raw(itest_s, "GET", path, NULL, NULL, NULL, 0);

	ck_assert_msg(
	    r->status == 200, "GET %s: %d %.500s", path, r->status, r->body);
	return r;
}

static cJSON *
itest_notices_get(const char *period)
{
	cJSON *j;

	itest_new_day(itest_s);
	j = itest_ok(
	    "GET", itest_f("/public/notices/%s", period), NULL, NULL, 200);

	ck_assert_str_eq(itest_str(j, "period"), period);
	return j;
}

static const cJSON *
itest_notices_obj(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	ck_assert_msg(
	    cJSON_IsObject(v), "no object '%s' in %s", k, itest_print(o));
	return v;
}

/* The element of ARR whose string KEY is V, or NULL. */
static const cJSON *
itest_notices_row(const cJSON *arr, const char *key, const char *v)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
	{
		const cJSON *x = cJSON_GetObjectItemCaseSensitive(e, key);

		if (cJSON_IsString(x) && strcmp(x->valuestring, v) == 0)
			return e;
	}
	return NULL;
}

/* Member K of the row of TABLE (under SECTION) whose KEY is V; 0 if the
 * row is absent. */
static int64_t
itest_notices_cell(const cJSON *n, const char *section, const char *table,
    const char *key, const char *v, const char *k)
{
	const cJSON *row = itest_notices_row(
	    itest_arr(itest_notices_obj(n, section), table), key, v);

	return row == NULL ? 0 : itest_int(row, k);
}

/* A published count: the number, or -1 for "<5" (the only text allowed). */
static int64_t
itest_notices_count(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsString(v)) {
		ck_assert_msg(strcmp(v->valuestring, "<5") == 0,
		    "count '%s' is '%s', not a number or \"<5\"", k,
		    v->valuestring);
		return -1;
	}
	return itest_int(o, k);
}

/* Households served in CATEGORY as published (0 if absent, -1 if <5). */
static int64_t
itest_notices_served(const cJSON *n, const char *category, const char *k)
{
	const cJSON *row = itest_notices_row(
	    itest_arr(itest_notices_obj(n, "households_served"), "by_category"),
	    "category", category);
	return row == NULL ? 0 : itest_notices_count(row, k);
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
	const cJSON *h = itest_notices_obj(n, "households_served");
	int64_t total = itest_notices_count(h, "households"), shown = 0, v;
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

	a = itest_notices_get(now);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(a, "provisional")));
	ck_assert_int_eq(itest_int(itest_notices_obj(a, "uses"),
	                     "goods_distributed_total_fen"),
	    0);
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
	itest_notices_hh("PV-1", "dibao", 2);
	a = itest_notices_get(now);
	ck_assert_int_eq(
	    itest_int(itest_notices_obj(a, "sources"), "in_kind_total_fen"),
	    5000);
	itest_basket(
	    itest_admin, NULL, "T1", "PV-1", itest_line(rice, 3), NULL);
	b = itest_notices_get(now);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(b, "provisional")));
	ck_assert_int_eq(itest_int(itest_notices_obj(b, "uses"),
	                     "goods_distributed_total_fen"),
	    1500);
	ck_assert_int_eq(
	    itest_int(itest_notices_obj(b, "points"), "redeemed"), 15);
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
	int st;

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
	itest_notices_hh("AS-1", "tekun", 3);
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
	ck_assert_int_eq(itest_int(itest_notices_obj(staff, "uses"),
	                     "goods_distributed_total_fen"),
	    1000);
	ck_assert_int_eq(
	    itest_int(itest_notices_obj(staff, "sources"), "cash_total_fen"),
	    8800);
	ck_assert_ptr_null(cJSON_GetObjectItem(staff, "as_of"));
	ck_assert_msg(strncmp(itest_raw(itest_s, "GET",
	                          itest_f("/api/v1/notices/%s.csv", now),
	                          itest_admin, NULL, NULL, 0)
	                          ->body,
	                  "\xEF\xBB\xBF", 3) == 0,
	    "the staff CSV has no BOM");
	t = itest_req(itest_s, "GET", itest_f("/api/v1/notices/%s", now),
	    cashier, NULL, &st);
	itest_assert_error(t, st, 403, "forbidden", NULL);
	t = itest_req(itest_s, "GET", itest_f("/api/v1/notices/%s", now), NULL,
	    NULL, &st);
	itest_assert_error(t, st, 401, "unauthenticated", NULL);

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
	ck_assert_int_eq(itest_int(itest_notices_obj(staff, "uses"),
	                     "goods_distributed_total_fen"),
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

/* Field K (0-based) of one CSV line, unquoted, into a harness string;
 * NULL if the line has fewer fields. *NF: the line's number of fields. */
static const char *
itest_notices_csv_field(const char *line, int k, int *nf)
{
	char *out = itest_f("%s", line), *o = out;
	const char *p;
	int i = 0, q = 0;

	for (p = line;; p++) {
		if (*p == '\0' || (!q && *p == ',')) {
			if (i == k)
				*o = '\0';
			i++;
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '"') {
			if (q && p[1] == '"') {
				if (i == k)
					*o++ = '"';
				p++;
			} else
				q = !q;
			continue;
		}
		if (i == k)
			*o++ = *p;
	}
	*nf = i;
	return k < i ? out : NULL;
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
		if (strcmp(itest_notices_csv_field(line, 0, &nf), a) == 0 &&
		    (b == NULL ||
		        (nf > 1 &&
		            strcmp(itest_notices_csv_field(line, 1, &nf), b) ==
		                0)))
			return line;
		p = *e != '\0' ? e + 2 : e;
	}
	return NULL;
}

/* The CSV's A,B line has field K equal to the JSON number or count V. */
static void
itest_notices_csv_has(
    const char *csv, const char *a, const char *b, int k, const cJSON *v)
{
	const char *line = itest_notices_csv_line(csv, a, b), *f;
	char want[160];
	int nf;

	ck_assert_msg(line != NULL, "CSV has no line %s,%s:\n%.1500s", a,
	    b ? b : "", csv);
	f = itest_notices_csv_field(line, k, &nf);
	ck_assert_msg(v != NULL, "JSON has no value for CSV %s,%s", a, b);
	if (cJSON_IsString(v))
		snprintf(want, sizeof want, "%s", v->valuestring);
	else
		snprintf(want, sizeof want, "%lld", (long long)v->valuedouble);
	ck_assert_msg(f != NULL && strcmp(f, want) == 0,
	    "CSV %s,%s field %d is '%s', JSON says '%s'", a, b ? b : "", k,
	    f ? f : "(none)", want);
}

/* Sum of field 6 (amount_fen) over the CSV lines of SECTION. */
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
		if (strcmp(itest_notices_csv_field(line, 0, &nf), section) ==
		        0 &&
		    strcmp(itest_notices_csv_field(line, 1, &nf), "total") !=
		        0) {
			f = itest_notices_csv_field(line, 6, &nf);
			ck_assert_msg(f != NULL, "short CSV line: %s", line);
			sum += strtoll(f, NULL, 10);
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

	t1 = itest_notices_hh("FG-T1", "tekun", 1);
	d1 = itest_notices_hh("FG-D1", "dibao", 3);
	(void)t1;
	(void)d1;
	itest_basket(
	    itest_admin, NULL, "T1", "FG-T1", itest_line(rice, 2), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "FG-D1", itest_line(rice, 1), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "FG-D1", itest_line(egg, 1), NULL);

	stock_before = itest_notices_stock_value();
	n = itest_notices_get(now);
	s = itest_notices_obj(n, "sources");
	u = itest_notices_obj(n, "uses");
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
	pts = itest_notices_obj(n, "points");
	ck_assert_int_eq(itest_int(pts, "granted"), 2000);
	ck_assert_int_eq(itest_int(pts, "redeemed"), 18);
	/* Closing stock: what /api/v1/stock says it is worth. */
	ck_assert_int_eq(itest_int(n, "closing_stock_value_fen"), stock_before);
	ck_assert_int_eq(stock_before, 13000 + 5 * 700 - 600 - 500 - 1800);
	/* Priority share: the tekun basket, 1000 of 1800. */
	ps = itest_notices_obj(n, "priority_share");
	ck_assert_int_eq(itest_int(ps, "value_fen"), 1000);
	ck_assert_int_eq(itest_int(ps, "total_value_fen"), 1800);
	ck_assert_int_eq(itest_int(ps, "per_mille"), 555);
	/* One household each: hidden, and so the total. */
	h = itest_notices_obj(n, "households_served");
	ck_assert_int_eq(itest_notices_served(n, "tekun", "households"), -1);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), -1);
	ck_assert_int_eq(itest_notices_count(h, "households"), -1);
	ck_assert_int_eq(itest_notices_count(h, "persons"), -1);

	/* The CSV: BOM, text/csv, seven fields a line, the same figures. */
	r = itest_notices_raw(itest_f("/public/notices/%s.csv", now));
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
		itest_notices_csv_field(line, 0, &nf);
		ck_assert_msg(nf == 7, "CSV line of %d fields: %s", nf, line);
		p = e + 2;
	}
	ck_assert_ptr_nonnull(itest_notices_csv_line(csv, "period", now));
	itest_notices_csv_has(
	    csv, "cash", "total", 6, cJSON_GetObjectItem(s, "cash_total_fen"));
	itest_notices_csv_has(csv, "in_kind", "total", 6,
	    cJSON_GetObjectItem(s, "in_kind_total_fen"));
	itest_notices_csv_has(csv, "goods_distributed", "total", 6,
	    cJSON_GetObjectItem(u, "goods_distributed_total_fen"));
	itest_notices_csv_has(csv, "households_served", "total", 4,
	    cJSON_GetObjectItem(h, "households"));
	itest_notices_csv_has(csv, "households_served", "total", 5,
	    cJSON_GetObjectItem(h, "persons"));
	itest_notices_csv_has(
	    csv, "points", "granted", 3, cJSON_GetObjectItem(pts, "granted"));
	itest_notices_csv_has(
	    csv, "points", "redeemed", 3, cJSON_GetObjectItem(pts, "redeemed"));
	itest_notices_csv_has(csv, "closing_stock_value", "total", 6,
	    cJSON_GetObjectItem(n, "closing_stock_value_fen"));
	itest_notices_csv_has(csv, "priority_share_value", "total", 6,
	    cJSON_GetObjectItem(ps, "value_fen"));
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
	n = itest_notices_get(now);
	s = itest_notices_obj(n, "sources");
	u = itest_notices_obj(n, "uses");
	csv =
	    itest_notices_raw(itest_f("/public/notices/%s.csv", now))->body + 3;
	itest_notices_csv_has(csv, "purchased", "total", 6,
	    cJSON_GetObjectItem(s, "purchased_total_fen"));
	itest_notices_csv_has(csv, "fund_expenses", "total", 6,
	    cJSON_GetObjectItem(u, "fund_expenses_total_fen"));
	itest_notices_csv_has(csv, "write_offs", "total", 6,
	    cJSON_GetObjectItem(u, "write_offs_total_fen"));
}
END_TEST

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
	int i;

	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	itest_lot(rice, 500, NULL);
	for (i = 0; i < 6; i++) {
		const char *card = itest_f("SC-D%d", i);

		itest_notices_hh(card, "dibao", 2);
		itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(rice, 1), NULL);
		truth[1]++;
	}
	/* Six dibao alone: shown as they are. */
	n = itest_notices_get(now);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), 6);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "persons"), 12);
	itest_notices_cells(n, cats, truth, 4);
	for (i = 0; i < 2; i++) {
		const char *card = itest_f("SC-T%d", i);

		itest_notices_hh(card, "tekun", 1);
		itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(rice, 1), NULL);
		truth[0]++;
	}
	/* A second basket for the same household counts once. */
	itest_basket(
	    itest_admin, NULL, "T1", "SC-T0", itest_line(rice, 1), NULL);
	n = itest_notices_get(now);
	h = itest_notices_obj(n, "households_served");
	ck_assert_int_eq(itest_notices_served(n, "tekun", "households"), -1);
	ck_assert_msg(itest_notices_served(n, "dibao", "households") == -1 ||
	        itest_notices_count(h, "households") == -1,
	    "tekun hidden alone: dibao and the total are both shown: %s",
	    itest_print(h));
	itest_notices_cells(n, cats, truth, 4);
	/* Five low-income: the smallest other cell hides with tekun. */
	for (i = 0; i < 5; i++) {
		const char *card = itest_f("SC-L%d", i);

		itest_notices_hh(card, "low_income", 1);
		itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(rice, 1), NULL);
		truth[2]++;
	}
	n = itest_notices_get(now);
	itest_notices_cells(n, cats, truth, 4);
	/* Two small categories hide each other. */
	for (i = 0; i < 3; i++) {
		const char *card = itest_f("SC-E%d", i);

		itest_notices_hh(card, "emergency", 4);
		itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(rice, 1), NULL);
		truth[3]++;
	}
	n = itest_notices_get(now);
	itest_notices_cells(n, cats, truth, 4);
	ck_assert_int_eq(
	    itest_notices_served(n, "emergency", "households"), -1);
	ck_assert_int_eq(
	    itest_notices_count(
	        itest_notices_obj(n, "households_served"), "households"),
	    16);
	/* The page and the CSV show the same cells. */
	ck_assert_msg(strstr(itest_notices_raw("/")->body, "&lt;5") != NULL,
	    "the page shows no \"<5\"");
	ck_assert_msg(
	    strstr(
	        itest_notices_raw(itest_f("/public/notices/%s.csv", now))->body,
	        "households_served,tekun,特困供养,,<5,<5,") != NULL,
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
	int i;

	itest_lot(rice, 100, NULL);
	for (i = 0; i < 6; i++) {
		const char *card = itest_f("VS-D%d", i);

		itest_notices_hh(card, "dibao", 1);
		d = itest_basket(
		    itest_admin, NULL, "T1", card, itest_line(rice, 1), NULL);
	}
	n = itest_notices_get(now);
	ck_assert_int_eq(itest_notices_served(n, "dibao", "households"), 6);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(d, "id")),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'扫错'}", itest_uuid()), 201);
	n = itest_notices_get(now);
	ck_assert_int_eq(itest_int(itest_notices_obj(n, "uses"),
	                     "goods_distributed_total_fen"),
	    2500);
	ck_assert_int_eq(
	    itest_int(itest_notices_obj(n, "points"), "redeemed"), 25);
	ck_assert_msg(itest_notices_served(n, "dibao", "households") == 5,
	    "dibao households served after voiding one household's only "
	    "basket: %s",
	    itest_print(itest_notices_obj(n, "households_served")));
}
END_TEST

/* Publication: the current month is refused; a closed month is frozen,
 * byte for byte, in JSON and CSV, whatever is added later. */
START_TEST(test_publish)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *mgr, *json1, *csv1, *head1;
	struct itest_reply *r1, *r2;
	int64_t rice, donor;
	cJSON *j, *list, *e;
	int st;

	mgr = itest_user(itest_s, "mgr", "manager");
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	donor = itest_donor(itest_admin, "某公司", "enterprise");
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));

	j = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", now), mgr, NULL, &st);
	itest_assert_error(j, st, 422, "period_open", NULL);
	j = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", itest_period(1)), mgr, NULL,
	    &st);
	ck_assert_msg(st == 404 || st == 422, "future month: %d", st);
	j = itest_req(
	    itest_s, "POST", "/api/v1/notices/2026-13/publish", mgr, NULL, &st);
	ck_assert_msg(st == 404 || st == 400, "month 13: %d", st);
	j = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last),
	    itest_user(itest_s, "till", "cashier"), NULL, &st);
	itest_assert_error(j, st, 403, "forbidden", NULL);
	j = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last), NULL, NULL, &st);
	itest_assert_error(j, st, 401, "unauthenticated", NULL);
	/* Nothing was published by the refusals. */
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	ck_assert_ptr_null(
	    itest_notices_row(itest_items(list), "period", last));

	r1 = itest_raw(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last), mgr, NULL, NULL, 0);
	ck_assert_msg(
	    r1->status == 201, "publish %s: %d %s", last, r1->status, r1->body);
	j = cJSON_Parse(r1->body);
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "provisional")));
	ck_assert_str_eq(itest_str(j, "period"), last);
	cJSON_Delete(j);
	r2 = itest_raw(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last), mgr, NULL, NULL, 0);
	ck_assert_int_eq(r2->status, 200);
	ck_assert_msg(
	    r2->len == r1->len && memcmp(r1->body, r2->body, r1->len) == 0,
	    "publishing again answers another body:\n%s\n%s", r1->body,
	    r2->body);

	json1 = itest_notices_raw(itest_f("/public/notices/%s", last))->body;
	csv1 = itest_notices_raw(itest_f("/public/notices/%s.csv", last))->body;
	head1 = itest_str(itest_notices_get(now), "ledger_head");
	ck_assert_msg(strstr(csv1, ",published,") != NULL,
	    "the CSV does not say published:\n%s", csv1);
	j = cJSON_Parse(json1);
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "provisional")));
	cJSON_Delete(j);

	/* Later rows, a second later: the published month stays as it was,
	 * while the current one moves on. */
	usleep(1100 * 1000);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':3}", (long long)rice));
	itest_notices_hh("PB-1", "dibao", 1);
	itest_basket(
	    itest_admin, NULL, "T1", "PB-1", itest_line(rice, 2), NULL);
	ck_assert_str_eq(
	    itest_notices_raw(itest_f("/public/notices/%s", last))->body,
	    json1);
	ck_assert_str_eq(
	    itest_notices_raw(itest_f("/public/notices/%s.csv", last))->body,
	    csv1);
	ck_assert_str_ne(
	    itest_str(itest_notices_get(now), "ledger_head"), head1);

	/* The list: the current month provisional, the published one. */
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	e = (cJSON *)itest_notices_row(itest_items(list), "period", now);
	ck_assert_msg(e != NULL, "%s not listed: %s", now, itest_print(list));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "provisional")));
	e = (cJSON *)itest_notices_row(itest_items(list), "period", last);
	ck_assert_msg(e != NULL, "%s not listed: %s", last, itest_print(list));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(e, "provisional")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "published")));
	/* No notice of the future; no such path. */
	j = itest_req(itest_s, "GET",
	    itest_f("/public/notices/%s", itest_period(1)), NULL, NULL, &st);
	itest_assert_error(j, st, 404, "not_found", NULL);
	j = itest_req(
	    itest_s, "GET", "/public/notices/2026-1", NULL, NULL, &st);
	itest_assert_error(j, st, 404, "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The chain as the database holds it, recomputed from the canonical rows
 * with our own SHA-256; the head in upper-case hex. Asserts every entry. */
static const char *
itest_notices_chain(const char *db, int *entries)
{
	static const char sql[] =
	    "SELECT c.seq, hex(c.hash), r.canon FROM chain c LEFT JOIN "
	    "(SELECT 'movement' AS kind, id, canon FROM canon_movements "
	    "UNION ALL SELECT 'transfer', id, canon FROM canon_transfers "
	    "UNION ALL SELECT 'fund_entry', id, canon FROM canon_fund_entries) "
	    "r ON r.kind = c.kind AND r.id = c.row_id ORDER BY c.seq";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char hex[2 * sizeof h + 1];
	sqlite3_stmt *q;
	sqlite3 *d;
	int64_t n = 0, rows;
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	memset(h, 0, sizeof h);
	ck_assert_int_eq(
	    sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(d, sql, -1, &q, NULL) == SQLITE_OK,
	    "%s", sqlite3_errmsg(d));
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *canon = (const char *)sqlite3_column_text(q, 2);

		n++;
		ck_assert_msg(sqlite3_column_int64(q, 0) == n,
		    "chain seq %lld, want %lld", sqlite3_column_int64(q, 0),
		    (long long)n);
		ck_assert_msg(
		    canon != NULL, "chain entry %lld has no row", (long long)n);
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, h, sizeof h);
		crypto_hash_sha256_update(
		    &st, (const unsigned char *)canon, strlen(canon));
		crypto_hash_sha256_final(&st, h);
		for (i = 0; i < sizeof h; i++)
			snprintf(hex + 2 * i, 3, "%02X", h[i]);
		ck_assert_msg(
		    strcmp(hex, (const char *)sqlite3_column_text(q, 1)) == 0,
		    "chain entry %lld: stored %s, SHA-256(prev || '%s') = %s",
		    (long long)n, sqlite3_column_text(q, 1), canon, hex);
	}
	sqlite3_finalize(q);
	/* Every ledger row is in it. */
	ck_assert_int_eq(sqlite3_prepare_v2(d,
	                     "SELECT (SELECT count(*) FROM movements) + "
	                     "(SELECT count(*) FROM transfers) + "
	                     "(SELECT count(*) FROM fund_entries)",
	                     -1, &q, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	rows = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(d);
	ck_assert_msg(rows == n, "%lld ledger rows, %lld chain entries",
	    (long long)rows, (long long)n);
	*entries = (int)n;
	return n == 0 ? "" : itest_f("%s", hex);
}

/* ledger_head is the head of the chain (recomputed here), 64 hex
 * characters, and moves with every row. */
START_TEST(test_ledger_head)
{
	const char *now = itest_period(0), *head, *h1, *h2;
	int64_t donor, fund, rice;
	int n1, n2;
	size_t i;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_cash(itest_admin, donor, fund, 777);
	itest_notices_hh("LH-1", "dibao", 1);
	itest_basket(
	    itest_admin, NULL, "T1", "LH-1", itest_line(rice, 1), NULL);

	h1 = itest_notices_chain(itest_s->db, &n1);
	ck_assert_int_ge(n1, 4);
	head = itest_str(itest_notices_get(now), "ledger_head");
	ck_assert_int_eq(strlen(head), 64);
	for (i = 0; i < 64; i++)
		ck_assert(isxdigit((unsigned char)head[i]));
	ck_assert_msg(strcasecmp(head, h1) == 0,
	    "ledger_head %s, the chain's head %s", head, h1);

	itest_cash(itest_admin, donor, fund, 1);
	h2 = itest_notices_chain(itest_s->db, &n2);
	ck_assert_int_eq(n2, n1 + 1);
	head = itest_str(itest_notices_get(now), "ledger_head");
	ck_assert_str_ne(h1, h2);
	ck_assert_msg(strcasecmp(head, h2) == 0,
	    "ledger_head %s after a row, the chain's head %s", head, h2);
	/* The CSV and the page carry the same head. */
	ck_assert(
	    strstr(
	        itest_notices_raw(itest_f("/public/notices/%s.csv", now))->body,
	        head) != NULL);
	ck_assert(strstr(itest_notices_raw("/")->body, head) != NULL);
}
END_TEST

/* A donation's trace: per item, received = distributed + written off +
 * in stock, by month and household category; nobody's identity. */
START_TEST(test_trace)
{
	const char *now = itest_period(0), *code, *body;
	int64_t donor, rice, egg, fund;
	const cJSON *it, *d, *dist;
	cJSON *gift, *t, *basket, *cash;
	int64_t sum;
	int st;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	egg = itest_item_new(
	    itest_admin, "鸡蛋", "副食", "'NT-EGG'", 300, 3, NULL);
	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10},"
	            "{'item_id':%lld,'quantity':6}",
	        (long long)rice, (long long)egg));
	code = itest_str(gift, "receipt_code");
	itest_notices_hh("TR-T1", "tekun", 1);
	itest_notices_hh("TR-D1", "dibao", 2);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-T1", itest_line(rice, 3), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-D1", itest_line(rice, 2), NULL);
	itest_basket(
	    itest_admin, NULL, "T1", "TR-D1", itest_line(egg, 1), NULL);
	basket = itest_basket(
	    itest_admin, NULL, "T1", "TR-T1", itest_line(egg, 1), NULL);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(basket, "id")),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'x'}", itest_uuid()), 201);
	itest_adjust(itest_donation_lot(gift, 1), -2, "expired", NULL);

	itest_new_day(itest_s); /* the trace, as of the start of a day */
	t = itest_ok(
	    "GET", itest_f("/public/donations/%s", code), NULL, NULL, 200);
	body = itest_text(t);
	ck_assert_str_eq(itest_str(t, "receipt_code"), code);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(t, "items")), 2);
	cJSON_ArrayForEach(it, itest_arr(t, "items"))
	{
		sum = itest_int(it, "written_off") + itest_int(it, "in_stock");
		cJSON_ArrayForEach(d, itest_arr(it, "distributed"))
		{
			ck_assert_str_eq(itest_str(d, "period"), now);
			sum += itest_int(d, "quantity");
		}
		ck_assert_msg(sum == itest_int(it, "received"),
		    "%s: distributed + written off + in stock = %lld, "
		    "received %lld",
		    itest_str(it, "item"), (long long)sum,
		    (long long)itest_int(it, "received"));
	}
	it = itest_notices_row(itest_arr(t, "items"), "item", "大米");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "received"), 10);
	ck_assert_int_eq(itest_int(it, "in_stock"), 5);
	ck_assert_int_eq(itest_int(it, "written_off"), 0);
	dist = itest_arr(it, "distributed");
	ck_assert_int_eq(cJSON_GetArraySize(dist), 2);
	ck_assert_int_eq(
	    itest_int(itest_notices_row(dist, "household_category", "tekun"),
	        "quantity"),
	    3);
	ck_assert_int_eq(
	    itest_int(itest_notices_row(dist, "household_category", "dibao"),
	        "quantity"),
	    2);
	it = itest_notices_row(itest_arr(t, "items"), "item", "鸡蛋");
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "received"), 6);
	ck_assert_int_eq(itest_int(it, "written_off"), 2);
	ck_assert_int_eq(itest_int(it, "in_stock"), 3);
	dist = itest_arr(it, "distributed");
	/* The voided basket left nothing behind. */
	ck_assert_msg(cJSON_GetArraySize(dist) == 1, "egg distributed: %s",
	    itest_print(dist));
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(dist, 0), "household_category"),
	    "dibao");
	ck_assert_msg(strstr(body, "TR-T1") == NULL &&
	        strstr(body, "TR-D1") == NULL &&
	        strstr(body, "王建国") == NULL &&
	        strstr(body, "梅陇镇") == NULL,
	    "the trace names a household: %s", body);
	ck_assert_msg(strstr(body, "某公司") == NULL,
	    "the public trace names the donor: %s", body);

	/* A cash donation: its amount and fund, no goods. */
	cash = itest_cash(itest_admin, donor, fund, 4321);
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(cash, "receipt_code")),
	    NULL, NULL, 200);
	ck_assert_int_eq(
	    itest_int(itest_notices_obj(t, "cash"), "amount_fen"), 4321);
	ck_assert_str_eq(
	    itest_str(itest_notices_obj(t, "cash"), "fund"), "爱心捐款");
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(t, "items")), 0);
	/* Unknown codes. */
	t = itest_req(itest_s, "GET", "/public/donations/JZ20200101-NOSUCH",
	    NULL, NULL, &st);
	itest_assert_error(t, st, 404, "not_found", NULL);
	t = itest_req(itest_s, "GET",
	    "/public/donations/"
	    "JZ20200101-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
	    NULL, NULL, &st);
	itest_assert_error(t, st, 404, "not_found", NULL);
}
END_TEST

/* A count found in a lot (count_correction +1) is accounted for: what a
 * trace shows still adds up (received + corrections = distributed +
 * written off + in stock). */
START_TEST(test_trace_count_correction)
{
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	cJSON *gift, *t;
	const cJSON *it, *d, *corr;
	int64_t sum, received;

	gift = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_adjust(itest_donation_lot(gift, 0), 1, "count_correction", NULL);
	itest_adjust(itest_donation_lot(gift, 0), -3, "expired", NULL);
	itest_new_day(itest_s);
	t = itest_ok("GET",
	    itest_f("/public/donations/%s", itest_str(gift, "receipt_code")),
	    NULL, NULL, 200);
	it = cJSON_GetArrayItem(itest_arr(t, "items"), 0);
	ck_assert_ptr_nonnull(it);
	ck_assert_int_eq(itest_int(it, "in_stock"), 8);
	received = itest_int(it, "received");
	corr = cJSON_GetObjectItem(it, "corrected");
	if (cJSON_IsNumber(corr))
		received += (int64_t)corr->valuedouble;
	sum = itest_int(it, "written_off") + itest_int(it, "in_stock");
	cJSON_ArrayForEach(d, itest_arr(it, "distributed")) sum +=
	    itest_int(d, "quantity");
	ck_assert_msg(sum == received,
	    "after a +1 count correction the trace does not add up: "
	    "received (+ corrected) %lld, distributed + written off + in "
	    "stock %lld: %s",
	    (long long)received, (long long)sum, itest_print(it));
}
END_TEST

/* Text that staff type (fund names, purposes, categories) reaches the
 * public as text: no spreadsheet formula in the CSV, no markup on the
 * page. */
START_TEST(test_outside_text)
{
	const char *now = itest_period(0), *csv, *page, *p, *e;
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t fund = itest_fund(
	    itest_admin, "=HYPERLINK(\\\"http://x\\\")", "donations", 0, NULL);
	int64_t oil;
	char *line;
	int nf, k;

	oil = itest_item_new(
	    itest_admin, "油", "<i>粮油</i>", "'NT-OIL'", 700, 7, NULL);
	itest_cash(itest_admin, donor, fund, 9000);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 3500, "@SUM(1+1)",
	        itest_f("{'item_id':%lld,'quantity':5}", (long long)oil)),
	    NULL);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 100, "+cmd|/C calc!A0", NULL),
	    NULL);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 100, "-2+3", NULL), NULL);

	page = itest_notices_raw("/")->body;
	ck_assert_msg(strstr(page, "<i>") == NULL,
	    "the page lets a category name's markup through");
	ck_assert_msg(strstr(page, "&lt;i&gt;粮油") != NULL,
	    "the category is not on the page, escaped");
	csv =
	    itest_notices_raw(itest_f("/public/notices/%s.csv", now))->body + 3;
	for (p = csv; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(e);
		line = itest_f("%.*s", (int)(e - p), p);
		for (k = 0; k < 7; k++) {
			const char *f = itest_notices_csv_field(line, k, &nf);

			if (f == NULL || *f == '\0' || k == 3 || k == 4 ||
			    k == 5 || k == 6)
				continue;
			ck_assert_msg(strchr("=+-@", *f) == NULL,
			    "CSV field '%s' would run as a formula in Excel "
			    "(line: %s)",
			    f, line);
		}
	}
}
END_TEST

/* Privacy walk. */

struct itest_notices_secret {
	const char *what, *text;
};
static struct itest_notices_secret *itest_notices_secrets;
static int itest_notices_nsecrets;

static int itest_notices_csecrets;

static void
itest_notices_secret(const char *what, const char *text)
{
	int cap = itest_notices_csecrets;

	if (itest_notices_nsecrets == cap) {
		cap = cap ? cap * 2 : 64;
		itest_notices_secrets = realloc(itest_notices_secrets,
		    (size_t)cap * sizeof *itest_notices_secrets);
		ck_assert_ptr_nonnull(itest_notices_secrets);
		itest_notices_csecrets = cap;
	}
	itest_notices_secrets[itest_notices_nsecrets].what = what;
	itest_notices_secrets[itest_notices_nsecrets].text =
	    itest_f("%s", text);
	itest_notices_nsecrets++;
}

/* Length in bytes of the UTF-8 character at S. */
static size_t
itest_notices_u8len(const char *s)
{
	unsigned char c = (unsigned char)*s;

	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The secrets of one household: the name and its 2nd+ characters, the
 * card, the id number and every 4-digit run of it, phone, street. */
static void
itest_notices_household_secrets(const char *name, const char *card,
    const char *idnum, const char *phone, const char *street)
{
	const char *given = name + itest_notices_u8len(name);
	size_t i, n = strlen(idnum);

	itest_notices_secret("name", name);
	/* The given name, when it is two characters or more. */
	if (*given != '\0' && given[itest_notices_u8len(given)] != '\0')
		itest_notices_secret("name (2nd+ characters)", given);
	itest_notices_secret("card code", card);
	itest_notices_secret("id number", idnum);
	for (i = 0; i + 4 <= n; i++)
		if (isdigit((unsigned char)idnum[i]) &&
		    isdigit((unsigned char)idnum[i + 1]) &&
		    isdigit((unsigned char)idnum[i + 2]) &&
		    isdigit((unsigned char)idnum[i + 3]))
			itest_notices_secret(
			    "id number fragment", itest_f("%.4s", idnum + i));
	if (*phone != '\0')
		itest_notices_secret("phone", phone);
	itest_notices_secret("street", street);
	if (strlen(street) > strlen("街道") &&
	    strcmp(street + strlen(street) - strlen("街道"), "街道") == 0)
		itest_notices_secret("street name",
		    itest_f("%.*s", (int)(strlen(street) - strlen("街道")),
		        street));
}

/* An id number of a person born on BORN (YYYYMMDD), sequence SEQ. */
static const char *
itest_notices_idnum(const char *area, const char *born, int seq)
{
	char d[24];

	snprintf(d, sizeof d, "%.6s%.8s%03d", area, born, seq);
	return itest_f("%s%c", d, itest_idnum_check(d));
}

/* Assert no secret is in BODY (hashes of 32+ hex digits blanked first:
 * their digits are noise, not data). */
static void
itest_notices_clean(const char *path, const char *body, size_t len)
{
	char *b = itest_f("%.*s", (int)len, body);
	size_t i, j;
	int k;

	for (i = 0; b[i] != '\0'; i = j) {
		for (j = i; isxdigit((unsigned char)b[j]); j++)
			;
		if (j - i >= 32)
			memset(b + i, '#', j - i);
		if (j == i)
			j++;
	}
	for (k = 0; k < itest_notices_nsecrets; k++) {
		const char *hit = strstr(b, itest_notices_secrets[k].text);

		ck_assert_msg(hit == NULL,
		    "GET %s shows a household's %s '%s': "
		    "...%.80s...",
		    path, itest_notices_secrets[k].what,
		    itest_notices_secrets[k].text, hit - b > 30 ? hit - 30 : b);
	}
}

static int itest_notices_walked;

static void
itest_notices_walk(const char *path)
{
	struct itest_reply *r = itest_notices_raw(path);

	itest_notices_clean(path, r->body, r->len);
	itest_notices_walked++;
}

/* A demo store, more households of our own that were served, a published
 * month: no /public response (nor /) shows a household's identity. */
START_TEST(test_privacy_walk)
{
	static const struct {
		const char *card, *name, *category, *street, *phone, *born;
		int members;
	} demo[] = {
	    {"HH0001", "张小明", "tekun", "南京东路街道", "13812345678",
	        "19480312", 1},
	    {"HH0002", "欧阳明华", "dibao", "外滩街道", "13900001111",
	        "19650721", 3},
	    {"HH0003", "李秀英", "emergency", "豫园街道", "", "19790105", 4},
	    {"HH0004", "王建国", "illness", "打浦桥街道", "13711112222",
	        "19560930", 2},
	    {"HH0005", "赵丽", "low_income", "淮海中路街道", "13622223333",
	        "19881111", 3},
	    {"HH0006", "陈志强", "dibao", "瑞金二路街道", "", "19700415", 2},
	    {"HH0007", "刘芳", "other", "五里桥街道", "13533334444", "19920228",
	        1},
	    {"HH0008", "孙卫东", "tekun", "老西门街道", "", "19410806", 1},
	    /* Ours: served below. */
	    {"PW-7731", "司马云飞", "tekun", "曹家渡街道", "13698765432",
	        "19730514", 2},
	    {"PW-7732", "诸葛晓燕", "dibao", "江宁路街道", "15987654321",
	        "19851223", 4},
	    {"PW-7733", "上官文博", "illness", "石门二路街道", "18611223344",
	        "19590617", 3},
	    {"PW-7734", "林雨桐", "dibao", "静安寺街道", "17755667788",
	        "19931009", 1},
	};
	const char *mgr = itest_login(itest_s, "manager", "manager-demo");
	const char *idnum;
	cJSON *list, *e, *d, *item;
	int64_t rice, h;
	size_t i;
	int st, id;

	item = itest_ok(
	    "GET", "/api/v1/items?q=%E5%A4%A7%E7%B1%B3", mgr, NULL, 200);
	ck_assert_int_ge(cJSON_GetArraySize(itest_items(item)), 1);
	rice = itest_int(cJSON_GetArrayItem(itest_items(item), 0), "id");
	for (i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		if (i < 8)
			idnum = itest_notices_idnum(
			    "310101", demo[i].born, 100 + (int)i);
		else
			idnum = itest_notices_idnum(
			    "310106", demo[i].born, 527 + (int)i);
		itest_notices_household_secrets(demo[i].name, demo[i].card,
		    idnum, demo[i].phone, demo[i].street);
		if (i < 8)
			continue;
		h = itest_int(
		    itest_ok("POST", "/api/v1/households", mgr,
		        itest_f("{'card_code':'%s','head_name':'%s',"
		                "'id_number':'%s','members':%d,"
		                "'category':'%s','street':'%s',"
		                "'phone':'%s','valid_from':'%s',"
		                "'valid_to':'%s'}",
		            demo[i].card, demo[i].name, idnum, demo[i].members,
		            demo[i].category, demo[i].street, demo[i].phone,
		            itest_date(-30), itest_date(300)),
		        201),
		    "id");
		itest_grant(h, 500);
		itest_basket(itest_admin, NULL, "T1", demo[i].card,
		    itest_line(rice, 1), NULL);
	}
	/* The demo's own id numbers are the ones we think they are: a second
	 * registration of one is refused as a duplicate. */
	d = itest_req(itest_s, "POST", "/api/v1/households", mgr,
	    itest_f("{'card_code':'PW-DUP','head_name':'某某','id_number':'%s',"
	            "'members':1,'category':'other','street':'某街道',"
	            "'valid_from':'%s','valid_to':'%s'}",
	        itest_notices_idnum("310101", demo[0].born, 100),
	        itest_date(-1), itest_date(30)),
	    &st);
	itest_assert_error(d, st, 422, "duplicate_household", NULL);
	/* A published month too (201; 200 if the server says it was). */
	d = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", itest_period(-1)), mgr, NULL,
	    &st);
	ck_assert_msg(
	    st == 201 || st == 200, "publish: %d %s", st, itest_print(d));

	itest_notices_walk("/");
	itest_notices_walk("/public/notices");
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	ck_assert_int_ge(cJSON_GetArraySize(itest_items(list)), 1);
	/* Last month, listed or not (publication is test_publish's). */
	itest_notices_walk(itest_f("/public/notices/%s", itest_period(-1)));
	itest_notices_walk(itest_f("/public/notices/%s.csv", itest_period(-1)));
	cJSON_ArrayForEach(e, itest_items(list))
	{
		itest_notices_walk(
		    itest_f("/public/notices/%s", itest_str(e, "period")));
		itest_notices_walk(
		    itest_f("/public/notices/%s.csv", itest_str(e, "period")));
	}
	for (id = 1;; id++) {
		d = itest_req(itest_s, "GET",
		    itest_f("/api/v1/donations/%d", id), mgr, NULL, &st);
		if (st == 404)
			break;
		ck_assert_msg(st == 200, "donation %d: %d", id, st);
		itest_notices_walk(itest_f(
		    "/public/donations/%s", itest_str(d, "receipt_code")));
	}
	ck_assert_int_ge(id, 10);
	/* The walk did see the served households, as counts. */
	ck_assert_int_ge(itest_notices_walked, 15);
	d = itest_notices_get(itest_period(0));
	ck_assert_int_ge(
	    itest_notices_count(
	        itest_notices_obj(d, "households_served"), "households"),
	    5);
	free(itest_notices_secrets);
	itest_notices_secrets = NULL;
	itest_notices_nsecrets = itest_notices_csecrets = 0;
}
END_TEST

static Suite *
itest_notices_suite(void)
{
	Suite *s = suite_create("notices");
	TCase *tc = itest_tcase("notices");
	TCase *demo = itest_demo_tcase("privacy");

	tcase_add_test(tc, test_provisional_changes);
	tcase_add_test(tc, test_public_as_of);
	tcase_add_test(tc, test_figures);
	tcase_add_test(tc, test_csv_all_totals);
	tcase_add_test(tc, test_small_cells);
	tcase_add_test(tc, test_void_not_served);
	tcase_add_test(tc, test_publish);
	tcase_add_test(tc, test_ledger_head);
	tcase_add_test(tc, test_trace);
	tcase_add_test(tc, test_trace_count_correction);
	tcase_add_test(tc, test_outside_text);
	suite_add_tcase(s, tc);
	tcase_add_test(demo, test_privacy_walk);
	suite_add_tcase(s, demo);
	return s;
}

int
main(void)
{
	return itest_run(itest_notices_suite());
}
