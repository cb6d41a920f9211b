/*
 * Participation and the civil-affairs statistics against the real
 * server: a known ledger built through the API (households served and a
 * voided basket, goods and cash from donors of two kinds, into funds of
 * two kinds, spending, volunteers' shifts, and entries outside the
 * quarter), then every figure of the quarter's and the year's report,
 * JSON, CSV and page, compared with what was written; a donor's
 * participation and what became of its goods; the ranking, and its
 * public form listing only organisations that agreed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct itest_roles itest_rep_r;

static void
itest_rep_setup(void)
{
	itest_setup();
	itest_rep_r = itest_roles();
}

/* The quarter of today, as YYYY-Qn. */
static const char *
itest_rep_quarter(void)
{
	const char *p = itest_period(0);

	return itest_f("%.4s-Q%d", p, (atoi(p + 5) - 1) / 3 + 1);
}

/* The row of ARR whose KEY is V (asserted there). */
static const cJSON *
itest_rep_row(const cJSON *arr, const char *key, const char *v)
{
	const cJSON *e = itest_find_str(arr, key, v);

	ck_assert_msg(e != NULL, "no %s %s in %s", key, v, itest_print(arr));
	return e;
}

struct itest_rep_ledger {
	int64_t ent, ind, rice, fund_d, fund_l, lot;
	int64_t distributed_fen, distributed_qty;
	const char *earlier; /* a day of the quarter before */
	int earlier_same_year;
};

/* The known ledger; see the file's comment. */
static void
itest_rep_build(struct itest_rep_ledger *l)
{
	const char *mgr = itest_rep_r.mgr;
	cJSON *d, *b;
	int64_t v1, v2, v3;

	memset(l, 0, sizeof(*l));
	l->earlier = itest_day(-3, 15);
	l->earlier_same_year = strncmp(l->earlier, itest_date(0), 4) == 0;
	l->ent = itest_donor(mgr, "某某食品有限公司", "enterprise");
	l->ind = itest_donor(mgr, "张先生", "individual");
	l->fund_d = itest_fund(mgr, "爱心捐款", "donations", 0, NULL);
	l->fund_l = itest_fund(mgr, "福彩公益金", "lottery", 0, NULL);
	l->rice = itest_item("大米", "6901234567892", 5, 0, 0);

	/* Goods: 20 bags of rice at 5.00 from the enterprise. */
	d = itest_donation(mgr, l->ent,
	    itest_f("{'item_id':%lld,'quantity':20,'unit_value_fen':500}",
	        (long long)l->rice));
	l->lot = itest_donation_lot(d, 0);

	/* Cash in the quarter: 100.00 and 400.00 from the enterprise, 25.00
	 * from the individual; 9.99 from the enterprise a quarter before. */
	itest_cash(mgr, l->ent, l->fund_d, 10000);
	itest_cash(mgr, l->ind, l->fund_d, 2500);
	itest_cash(mgr, l->ent, l->fund_l, 40000);
	itest_ok("POST", "/api/v1/donations", mgr,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'cash':{'amount_fen':999,'fund_id':%lld}}",
	        itest_uuid(), (long long)l->ent, l->earlier,
	        (long long)l->fund_d),
	    201);
	/* Spending: 30.00 of donations now; 10.00 of lottery before. */
	itest_expense(mgr, l->fund_d,
	    itest_expense_body(itest_uuid(), 3000, "采购", NULL), NULL);
	itest_expense(mgr, l->fund_l,
	    itest_f("{'client_id':'%s','amount_fen':1000,'purpose':'采购',"
	            "'spent_on':'%s'}",
	        itest_uuid(), l->earlier),
	    NULL);

	/* Served: H1 (dibao, 3) twice, H2 (tekun, 1) once, H3 (dibao, 2)
	 * once and voided. */
	itest_household_granted("H1", "dibao", 3, 1000);
	itest_household_granted("H2", "tekun", 1, 1000);
	itest_household_granted("H3", "dibao", 2, 1000);
	itest_basket(itest_rep_r.cashier, NULL, "T1", "H1",
	    itest_line(l->rice, 2), NULL);
	itest_basket(itest_rep_r.cashier, NULL, "T1", "H1",
	    itest_line(l->rice, 1), NULL);
	itest_basket(itest_rep_r.cashier, NULL, "T1", "H2",
	    itest_line(l->rice, 3), NULL);
	b = itest_basket(itest_rep_r.cashier, NULL, "T1", "H3",
	    itest_line(l->rice, 4), NULL);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void",
	        (long long)itest_int(b, "id")),
	    mgr, itest_f("{'client_id':'%s','reason':'扫错'}", itest_uuid()),
	    201);
	l->distributed_qty = 6;
	l->distributed_fen = 6 * 500;
	/* One bag written off. */
	itest_adjust(l->lot, -1, "damaged", NULL);

	/* Volunteers: V1 60 today and 30 on the 1st, V2 45 today; V3 100
	 * a quarter before. */
	v1 = itest_int(itest_ok("POST", "/api/v1/volunteers", mgr,
	                   "{'name':'志愿者甲'}", 201),
	    "id");
	v2 = itest_int(itest_ok("POST", "/api/v1/volunteers", mgr,
	                   "{'name':'志愿者乙'}", 201),
	    "id");
	v3 = itest_int(itest_ok("POST", "/api/v1/volunteers", mgr,
	                   "{'name':'志愿者丙'}", 201),
	    "id");
	itest_ok("POST",
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)v1), mgr,
	    itest_f("{'client_id':'%s','served_on':'%s','minutes':60,"
	            "'role':'理货'}",
	        itest_uuid(), itest_date(0)),
	    201);
	itest_ok("POST",
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)v1), mgr,
	    itest_f("{'client_id':'%s','served_on':'%s','minutes':30,"
	            "'role':'理货'}",
	        itest_uuid(), itest_day(0, 1)),
	    201);
	itest_ok("POST",
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)v2), mgr,
	    itest_f("{'client_id':'%s','served_on':'%s','minutes':45,"
	            "'role':'收银'}",
	        itest_uuid(), itest_date(0)),
	    201);
	itest_ok("POST",
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)v3), mgr,
	    itest_f("{'client_id':'%s','served_on':'%s','minutes':100,"
	            "'role':'理货'}",
	        itest_uuid(), l->earlier),
	    201);
}

/* The quarter's report: every figure as written. */
START_TEST(test_quarter_figures)
{
	struct itest_rep_ledger l;
	const cJSON *s, *e;
	cJSON *j;

	itest_rep_build(&l);
	j = itest_ok("GET",
	    itest_f(
	        "/api/v1/reports/civil-affairs?period=%s", itest_rep_quarter()),
	    itest_rep_r.auditor, NULL, 200);
	ck_assert_str_eq(itest_str(j, "period"), itest_rep_quarter());

	s = itest_obj(j, "served");
	ck_assert_int_eq(itest_int(s, "households"), 2);
	ck_assert_int_eq(itest_int(s, "persons"), 4);
	ck_assert_int_eq(itest_int(s, "visits"), 3);
	ck_assert_int_eq(itest_int(s, "person_visits"), 7);
	e = itest_rep_row(itest_arr(s, "by_category"), "category", "dibao");
	ck_assert_int_eq(itest_int(e, "households"), 1);
	ck_assert_int_eq(itest_int(e, "persons"), 3);
	ck_assert_int_eq(itest_int(e, "visits"), 2);
	ck_assert_int_eq(itest_int(e, "person_visits"), 6);
	e = itest_rep_row(itest_arr(s, "by_category"), "category", "tekun");
	ck_assert_int_eq(itest_int(e, "households"), 1);
	ck_assert_int_eq(itest_int(e, "visits"), 1);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(s, "by_category")), 2);

	s = itest_obj(j, "goods_distributed");
	ck_assert_int_eq(itest_int(s, "quantity"), l.distributed_qty);
	ck_assert_int_eq(itest_int(s, "value_fen"), l.distributed_fen);
	e = itest_rep_row(itest_arr(s, "by_category"), "category", "grain");
	ck_assert_int_eq(itest_int(e, "value_fen"), l.distributed_fen);

	s = itest_obj(j, "cash_raised");
	ck_assert_int_eq(itest_int(s, "amount_fen"), 52500);
	ck_assert_int_eq(itest_int(s, "donations"), 3);
	e = itest_rep_row(itest_arr(s, "by_fund_kind"), "kind", "donations");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 12500);
	ck_assert_int_eq(itest_int(e, "donations"), 2);
	e = itest_rep_row(itest_arr(s, "by_fund_kind"), "kind", "lottery");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 40000);
	e = itest_rep_row(itest_arr(s, "by_donor_kind"), "kind", "enterprise");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 50000);
	e = itest_rep_row(itest_arr(s, "by_donor_kind"), "kind", "individual");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 2500);

	s = itest_obj(j, "goods_donated");
	ck_assert_int_eq(itest_int(s, "value_fen"), 10000);
	ck_assert_int_eq(itest_int(s, "donations"), 1);

	s = itest_obj(j, "cash_spent");
	ck_assert_int_eq(itest_int(s, "amount_fen"), 3000);
	ck_assert_int_eq(itest_int(s, "expenses"), 1);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(s, "by_fund_kind")), 1);

	s = itest_obj(j, "volunteers");
	ck_assert_int_eq(itest_int(s, "persons"), 2);
	ck_assert_int_eq(itest_int(s, "shifts"), 3);
	ck_assert_int_eq(itest_int(s, "minutes"), 135);

	/* The year: the quarter before is in it when in the same year. */
	j = itest_ok("GET",
	    itest_f("/api/v1/reports/civil-affairs?period=%.4s", itest_date(0)),
	    itest_rep_r.mgr, NULL, 200);
	s = itest_obj(j, "cash_raised");
	ck_assert_int_eq(itest_int(s, "amount_fen"),
	    52500 + (l.earlier_same_year ? 999 : 0));
	s = itest_obj(j, "cash_spent");
	ck_assert_int_eq(itest_int(s, "amount_fen"),
	    3000 + (l.earlier_same_year ? 1000 : 0));
	s = itest_obj(j, "volunteers");
	ck_assert_int_eq(
	    itest_int(s, "minutes"), 135 + (l.earlier_same_year ? 100 : 0));
	ck_assert_int_eq(
	    itest_int(s, "persons"), 2 + (l.earlier_same_year ? 1 : 0));
	ck_assert_int_eq(itest_int(itest_obj(j, "served"), "visits"), 3);
}
END_TEST

/* The CSV (BOM, CRLF, the same figures) and the printable page; roles
 * and bad periods. */
START_TEST(test_quarter_csv_page)
{
	struct itest_rep_ledger l;
	struct itest_reply *r;
	const char *q = itest_rep_quarter();

	itest_rep_build(&l);
	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/reports/civil-affairs.csv?period=%s", q),
	    itest_rep_r.mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->headers, "content-type: text/csv") != NULL);
	ck_assert(memcmp(r->body,
	              "\xEF\xBB\xBF部分,项目,户数,人数,户次,人次,"
	              "数量,金额（元）,section,item\r\n",
	              strlen("\xEF\xBB\xBF部分,项目,户数,人数,户次,人次,"
	                     "数量,金额（元）,section,item\r\n")) == 0);
	ck_assert_msg(strstr(r->body,
	                  "\r\n服务对象（按类别）,低保,1,3,2,6,,,"
	                  "served,dibao\r\n") != NULL,
	    "csv: %s", r->body);
	ck_assert(strstr(r->body,
	              "\r\n服务对象,合计,2,4,3,7,,,served,total\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n发放物资,合计,,,,,6,30.00,"
	              "goods_distributed,total\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n现金捐赠（按资金来源）,福彩公益金,,,,,1,"
	              "400.00,cash_raised_by_fund_kind,lottery\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n现金捐赠,合计,,,,,3,525.00,"
	              "cash_raised_by_donor_kind,total\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n资金支出,合计,,,,,1,30.00,cash_spent,"
	              "total\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n志愿服务,服务时长（分钟）,,,,,135,,"
	              "volunteers,minutes\r\n") != NULL);
	ck_assert(strstr(r->body, "\n\n") == NULL);

	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/reports/civil-affairs.html?period=%s", q),
	    itest_rep_r.auditor, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->headers, "content-type: text/html") != NULL);
	ck_assert(
	    strstr(r->body, "第") != NULL && strstr(r->body, "季度") != NULL);
	ck_assert(strstr(r->body,
	              "<td>低保</td><td class=n>1</td><td class=n>3"
	              "</td><td class=n>2</td><td class=n>6</td>") != NULL);
	ck_assert(strstr(r->body, "2小时15分") != NULL);

	itest_refused("GET",
	    itest_f("/api/v1/reports/civil-affairs?period=%s", q),
	    itest_rep_r.cashier, NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/reports/civil-affairs", itest_rep_r.mgr,
	    NULL, 400, "missing_field", "period");
	itest_refused("GET", "/api/v1/reports/civil-affairs?period=2026-Q5",
	    itest_rep_r.mgr, NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/reports/civil-affairs.csv?period=2026-13",
	    itest_rep_r.mgr, NULL, 400, "bad_field", "period");
	itest_refused("GET", "/api/v1/reports/civil-affairs?period=1999",
	    itest_rep_r.mgr, NULL, 400, "bad_field", "period");
}
END_TEST

/* A donor's year: its gifts, and what became of its goods. */
START_TEST(test_participation)
{
	struct itest_rep_ledger l;
	const cJSON *fate;
	cJSON *j;
	int64_t gifts, cash;

	itest_rep_build(&l);
	j = itest_ok("GET",
	    itest_f("/api/v1/donors/%lld/participation?year=%.4s",
	        (long long)l.ent, itest_date(0)),
	    itest_rep_r.auditor, NULL, 200);
	gifts = 3 + (l.earlier_same_year ? 1 : 0);
	cash = 50000 + (l.earlier_same_year ? 999 : 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "gifts")), gifts);
	ck_assert_int_eq(itest_int(j, "donations"), gifts);
	ck_assert_int_eq(itest_int(j, "cash_total_fen"), cash);
	ck_assert_int_eq(itest_int(j, "goods_total_fen"), 10000);
	ck_assert_int_eq(itest_int(j, "total_fen"), cash + 10000);
	fate = itest_obj(j, "goods_fate");
	ck_assert_int_eq(itest_int(fate, "received_value_fen"), 10000);
	ck_assert_int_eq(
	    itest_int(fate, "distributed_value_fen"), l.distributed_fen);
	ck_assert_int_eq(itest_int(fate, "written_off_value_fen"), 500);
	ck_assert_int_eq(itest_int(fate, "corrected_value_fen"), 0);
	ck_assert_int_eq(itest_int(fate, "other_value_fen"), 0);
	ck_assert_int_eq(itest_int(fate, "in_stock_value_fen"),
	    10000 - l.distributed_fen - 500);
	ck_assert_int_eq(itest_lot_on_hand(l.rice, l.lot) * 500,
	    10000 - l.distributed_fen - 500);

	/* Another year: nothing. */
	j = itest_ok("GET",
	    itest_f("/api/v1/donors/%lld/participation?year=2001",
	        (long long)l.ent),
	    itest_rep_r.mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "gifts")), 0);
	ck_assert_int_eq(
	    itest_int(itest_obj(j, "goods_fate"), "received_value_fen"), 0);
	itest_refused("GET",
	    itest_f("/api/v1/donors/%lld/participation?year=20x6",
	        (long long)l.ent),
	    itest_rep_r.mgr, NULL, 400, "bad_field", "year");
	itest_refused("GET", "/api/v1/donors/999/participation?year=2026",
	    itest_rep_r.mgr, NULL, 404, "not_found", NULL);
	itest_refused("GET",
	    itest_f("/api/v1/donors/%lld/participation", (long long)l.ent),
	    itest_rep_r.cashier, NULL, 403, "forbidden", NULL);
}
END_TEST

/* The ranking for staff; in public only organisations that agreed. */
START_TEST(test_ranking_consent)
{
	struct itest_rep_ledger l;
	struct itest_reply *r;
	const char *year = itest_f("%.4s", itest_date(0));
	int64_t org;
	cJSON *j, *items;

	itest_rep_build(&l);
	org = itest_donor(itest_rep_r.mgr, "<某>社会组织", "social_org");
	itest_cash(itest_rep_r.mgr, org, l.fund_d, 100);

	j = itest_ok("GET", itest_f("/api/v1/donors/ranking?year=%s", year),
	    itest_rep_r.mgr, NULL, 200);
	items = itest_arr(j, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 3);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(items, 0), "donor_id"), l.ent);
	ck_assert_int_eq(itest_int(cJSON_GetArrayItem(items, 0), "rank"), 1);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(items, 1), "donor_id"), l.ind);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(items, 2), "donor_id"), org);
	itest_refused("GET", "/api/v1/donors/ranking", itest_rep_r.auditor,
	    NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/donors/ranking?year=x", itest_rep_r.mgr,
	    NULL, 400, "bad_field", "year");

	/* Nobody agreed yet: nobody in public. */
	j = itest_ok("GET", itest_f("/public/participation?year=%s", year),
	    NULL, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "items")), 0);

	/* An individual may not agree; nothing changes. */
	itest_refused("PATCH", itest_f("/api/v1/donors/%lld", (long long)l.ind),
	    itest_rep_r.mgr, "{'consent_public':true}", 422,
	    "consent_organisations_only", "consent_public");
	itest_refused("PATCH", itest_f("/api/v1/donors/%lld", (long long)l.ent),
	    itest_rep_r.cashier, "{'consent_public':true}", 403, "forbidden",
	    NULL);
	itest_refused("PATCH", itest_f("/api/v1/donors/%lld", (long long)l.ent),
	    itest_rep_r.mgr, "{'consent_public':1}", 400, "bad_field",
	    "consent_public");
	j = itest_ok("GET", itest_f("/api/v1/donors/%lld", (long long)l.ind),
	    itest_rep_r.mgr, NULL, 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "consent_public")));

	/* The social organisation agrees: it alone is public. */
	j = itest_ok("PATCH", itest_f("/api/v1/donors/%lld", (long long)org),
	    itest_rep_r.mgr, "{'consent_public':true}", 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "consent_public")));
	ck_assert_int_eq(itest_audits("update", "donor", org), 1);
	/* Once agreed, it cannot become an individual silently. */
	itest_refused("PATCH", itest_f("/api/v1/donors/%lld", (long long)org),
	    itest_rep_r.mgr, "{'kind':'individual'}", 422,
	    "consent_organisations_only", "kind");
	j = itest_ok("GET", itest_f("/public/participation?year=%s", year),
	    NULL, NULL, 200);
	items = itest_arr(j, "items");
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(items, 0), "name"), "<某>社会组织");
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(items, 0), "cash_fen"), 100);
	ck_assert(cJSON_GetObjectItem(
	              cJSON_GetArrayItem(items, 0), "donor_id") == NULL);
	r = itest_raw(itest_s, "GET", itest_f("/participation?year=%s", year),
	    NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->body, "&lt;某&gt;社会组织") != NULL);
	ck_assert(strstr(r->body, "某某食品有限公司") == NULL);
	ck_assert(strstr(r->body, "张先生") == NULL);
	r = itest_raw(
	    itest_s, "GET", "/participation?year=abc", NULL, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 400);
}
END_TEST

/* Sales income and its use: the sales and refunds of the quarter, and
 * the operating line's statement, as written. */
START_TEST(test_sales_figures)
{
	const char *mgr = itest_rep_r.mgr, *q = itest_rep_quarter();
	struct itest_reply *r;
	const cJSON *s, *e;
	int64_t donor, soap, sale;
	cJSON *j;

	donor = itest_donor(mgr, "某某日化", "enterprise");
	soap = itest_item("香皂", "6901234567151", 4, 0, 0);
	itest_donation(mgr, donor,
	    itest_f("{'item_id':%lld,'quantity':10,'sale_allowed':true}",
	        (long long)soap));
	itest_ok("PUT",
	    itest_f("/api/v1/items/%lld/sale-price", (long long)soap), mgr,
	    "{'sale_price_fen':800}", 200);
	itest_ok("POST", "/api/v1/sales", itest_rep_r.cashier,
	    itest_f("{'client_id':'%s','till_id':'T1','lines':[{'item_id':%lld,"
	            "'quantity':2}],'payment':{'method':'cash'}}",
	        itest_uuid(), (long long)soap),
	    201);
	sale = itest_int(
	    itest_ok("POST", "/api/v1/sales", itest_rep_r.cashier,
	        itest_f("{'client_id':'%s','till_id':'T1','lines':[{'item_id':"
	                "%lld,'quantity':1}],'payment':{'method':'qr',"
	                "'reference':'WX42'}}",
	            itest_uuid(), (long long)soap),
	        201),
	    "id");
	itest_ok("POST", itest_f("/api/v1/sales/%lld/refund", (long long)sale),
	    mgr, itest_f("{'client_id':'%s','reason':'退货'}", itest_uuid()),
	    201);
	itest_ok("POST", "/api/v1/operating/entries", mgr,
	    itest_f("{'client_id':'%s','account':'service_fees',"
	            "'amount_fen':300}",
	        itest_uuid()),
	    201);
	itest_ok("POST", "/api/v1/operating/entries", mgr,
	    itest_f("{'client_id':'%s','account':'utilities','amount_fen':500,"
	            "'note':'水费'}",
	        itest_uuid()),
	    201);

	j = itest_ok("GET",
	    itest_f("/api/v1/reports/civil-affairs?period=%s", q),
	    itest_rep_r.auditor, NULL, 200);
	s = itest_obj(j, "sales");
	ck_assert_int_eq(itest_int(s, "count"), 2);
	ck_assert_int_eq(itest_int(s, "gross_fen"), 2400);
	ck_assert_int_eq(itest_int(s, "refunds"), 1);
	ck_assert_int_eq(itest_int(s, "refunded_fen"), 800);
	ck_assert_int_eq(itest_int(s, "net_fen"), 1600);
	s = itest_obj(j, "operating");
	ck_assert_int_eq(itest_int(s, "opening_fen"), 0);
	ck_assert_int_eq(itest_int(s, "income_total_fen"), 1900);
	ck_assert_int_eq(itest_int(s, "cost_total_fen"), 500);
	ck_assert_int_eq(itest_int(s, "transfers_fen"), 0);
	ck_assert_int_eq(itest_int(s, "closing_fen"), 1400);
	e = itest_rep_row(itest_arr(s, "income"), "account", "sales");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 1600);
	e = itest_rep_row(itest_arr(s, "costs"), "account", "utilities");
	ck_assert_int_eq(itest_int(e, "amount_fen"), 500);
	/* The goods sold are not goods distributed. */
	ck_assert_int_eq(
	    itest_int(itest_obj(j, "goods_distributed"), "value_fen"), 0);
	/* The operating line's own statement says the same of the month. */
	j = itest_ok("GET", "/api/v1/operating/statement", mgr, NULL, 200);
	ck_assert_int_eq(itest_int(j, "closing_fen"), 1400);

	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/reports/civil-affairs.csv?period=%s", q), mgr,
	    NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert_msg(strstr(r->body,
	                  "\r\n慈善义卖,销售,,,,,2,24.00,sales,"
	                  "gross\r\n") != NULL,
	    "csv: %s", r->body);
	ck_assert(strstr(r->body,
	              "\r\n慈善义卖,净收入,,,,,,16.00,sales,net\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n经营支出（按科目）,水电,,,,,,5.00,"
	              "operating_costs,utilities\r\n") != NULL);
	ck_assert(strstr(r->body,
	              "\r\n经营资金,期末,,,,,,14.00,operating,"
	              "closing\r\n") != NULL);
	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/reports/civil-affairs.html?period=%s", q), mgr,
	    NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->body, "<section id=sales>") != NULL);
	ck_assert(strstr(r->body,
	              "<td>义卖净收入</td><td class=n>¥16.00</td>") != NULL);
}
END_TEST

static Suite *
itest_reports_suite(void)
{
	Suite *s = suite_create("reports");
	TCase *tc =
	    itest_tcase_with("reports", itest_rep_setup, itest_teardown);

	tcase_add_test(tc, test_quarter_figures);
	tcase_add_test(tc, test_quarter_csv_page);
	tcase_add_test(tc, test_participation);
	tcase_add_test(tc, test_ranking_consent);
	tcase_add_test(tc, test_sales_figures);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_reports_suite());
}
