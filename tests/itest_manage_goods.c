/*
 * Managing goods against the real server: items edited and given more
 * barcodes, donors read and edited, the donations list (stocktakes and
 * adjustment notes are in itest_manage_stock). Each endpoint: who may call it,
 * what it refuses (and that a refusal changes nothing), its replay where it has
 * a client_id; edits never rewrite history; `verify` passes after.
 */
#include <stdio.h>
#include <string.h>

#include "itest.h"

static const char *
itest_mg_item_path(int64_t id)
{
	return itest_f("/api/v1/items/%lld", (long long)id);
}

START_TEST(test_item_patch)
{
	struct itest_roles r = itest_roles();
	int64_t id;
	const char *path, *before;
	cJSON *j, *g;
	static const struct {
		const char *body, *field;
	} bad[] = {
	    {"{'name':''}", "name"},
	    {"{'name':'   '}", "name"},
	    {"{'name':5}", "name"},
	    {"{'category':'\\u0001x'}", "category"},
	    {"{'unit':'0123456789012345678901234567890123'}", "unit"},
	    {"{'unit_value_fen':-1}", "unit_value_fen"},
	    {"{'unit_value_fen':100000001}", "unit_value_fen"},
	    {"{'unit_value_fen':1.5}", "unit_value_fen"},
	    {"{'points':100000001}", "points"},
	    {"{'points':'3'}", "points"},
	    {"{'monthly_limit':0}", "monthly_limit"},
	    {"{'monthly_limit':1000001}", "monthly_limit"},
	    {"{'min_stock':-1}", "min_stock"},
	    {"{'priority_only':1}", "priority_only"},
	    {"{'active':'no'}", "active"},
	    /* One bad field refuses the good ones with it. */
	    {"{'name':'ok','points':-5}", "points"},
	};
	size_t i;

	id = itest_item_new(itest_admin, "大米 5kg", "grain", "'6901234567892'",
	    4500, 45, ",'monthly_limit':2,'min_stock':10");
	path = itest_mg_item_path(id);

	/* A subset: the rest stays; the answer is what GET gives. */
	j = itest_ok("PATCH", path, r.mgr,
	    "{'name':'东北大米 5kg','points':40,'monthly_limit':3,"
	    "'priority_only':true}",
	    200);
	g = itest_ok("GET", path, r.cashier, NULL, 200);
	ck_assert_str_eq(itest_text(j), itest_text(g));
	ck_assert_str_eq(itest_str(g, "name"), "东北大米 5kg");
	ck_assert_int_eq(itest_int(g, "points"), 40);
	ck_assert_int_eq(itest_int(g, "monthly_limit"), 3);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(g, "priority_only")));
	ck_assert_str_eq(itest_str(g, "category"), "grain");
	ck_assert_int_eq(itest_int(g, "unit_value_fen"), 4500);
	ck_assert_int_eq(itest_int(g, "min_stock"), 10);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(g, "active")));
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(g, "barcodes")), 1);
	ck_assert_str_eq(
	    cJSON_GetArrayItem(itest_arr(g, "barcodes"), 0)->valuestring,
	    "6901234567892");

	/* Every other field, as the admin; null takes the limit away. */
	j = itest_ok("PATCH", path, itest_admin,
	    "{'category':'粮油','unit':'包','unit_value_fen':0,'points':0,"
	    "'monthly_limit':null,'min_stock':0,'priority_only':false,"
	    "'active':false}",
	    200);
	ck_assert_str_eq(itest_str(j, "category"), "粮油");
	ck_assert_str_eq(itest_str(j, "unit"), "包");
	ck_assert_int_eq(itest_int(j, "unit_value_fen"), 0);
	ck_assert_int_eq(itest_int(j, "points"), 0);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "monthly_limit")));
	ck_assert_int_eq(itest_int(j, "min_stock"), 0);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "priority_only")));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "active")));
	ck_assert_str_eq(itest_text(j),
	    itest_text(itest_ok("GET", path, itest_admin, NULL, 200)));
	ck_assert_int_eq(itest_audits("update", "item", id), 2);
	/* Retired, it is listed only when retired items are asked for. */
	g = itest_ok("GET", "/api/v1/items?active=false", r.cashier, NULL, 200);
	ck_assert_ptr_nonnull(itest_find(itest_items(g), "id", id));
	g = itest_ok("GET", "/api/v1/items?active=true", r.cashier, NULL, 200);
	ck_assert_ptr_null(itest_find(itest_items(g), "id", id));
	g = itest_ok("GET", "/api/v1/items", r.cashier, NULL, 200);
	ck_assert_ptr_nonnull(itest_find(itest_items(g), "id", id));
	itest_refused("GET", "/api/v1/items?active=1", r.cashier, NULL, 400,
	    "bad_field", "active");

	/* Refusals change nothing, the audit log included. */
	before = itest_state(path);
	itest_refused(
	    "PATCH", path, r.cashier, "{'points':1}", 403, "forbidden", NULL);
	itest_refused(
	    "PATCH", path, r.auditor, "{'points':1}", 403, "forbidden", NULL);
	itest_refused(
	    "PATCH", path, NULL, "{'points':1}", 401, "unauthenticated", NULL);
	itest_refused("PATCH", "/api/v1/items/999999", itest_admin,
	    "{'points':1}", 404, "not_found", NULL);
	itest_refused("PATCH", "/api/v1/items/x1", itest_admin, "{'points':1}",
	    404, "not_found", NULL);
	itest_refused(
	    "PATCH", path, itest_admin, "{}", 400, "missing_field", NULL);
	itest_refused("PATCH", path, itest_admin,
	    "{'barcodes':['4006381333931'],'id':7}", 400, "missing_field",
	    NULL);
	itest_refused("PATCH", path, itest_admin, "[1]", 400, "bad_json", NULL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		itest_refused("PATCH", path, r.mgr, bad[i].body, 400,
		    "bad_field", bad[i].field);
	ck_assert_str_eq(itest_state(path), before);
	ck_assert_int_eq(itest_audits("update", "item", id), 2);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The notice's figures of this month as staff read them, without the
 * time it was made. */
static const char *
itest_mg_figures(void)
{
	cJSON *n =
	    itest_ok("GET", itest_f("/api/v1/notices/%s", itest_period(0)),
	        itest_admin, NULL, 200);

	return itest_f("%s %s %s %lld", itest_text(itest_obj(n, "sources")),
	    itest_text(itest_obj(n, "uses")),
	    itest_text(itest_obj(n, "points")),
	    (long long)itest_int(n, "closing_stock_value_fen"));
}

/* The distributed quantity of CATEGORY in this month's notice. */
static int64_t
itest_mg_distributed(const char *category, const char *k)
{
	cJSON *n =
	    itest_ok("GET", itest_f("/api/v1/notices/%s", itest_period(0)),
	        itest_admin, NULL, 200);
	const cJSON *row = itest_find_str(
	    itest_arr(itest_obj(n, "uses"), "goods_distributed_by_category"),
	    "category", category);

	return row == NULL ? 0 : itest_int(row, k);
}

/*
 * Editing an item never rewrites history: a distribution keeps its
 * points and value, the lots and donations theirs, the month's figures
 * stay, and a void after a change of category takes the goods back out
 * of the category they were counted in.
 */
START_TEST(test_item_patch_history)
{
	int64_t item, donor, don;
	const char *dist_before, *don_before, *figures, *dpath;
	cJSON *d, *dist;

	item = itest_item_new(
	    itest_admin, "食用油 5L", "oil", "'4006381333931'", 1000, 10, NULL);
	donor = itest_donor(itest_admin, "粮油公司", "enterprise");
	d = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':20}", (long long)item));
	don = itest_int(d, "id");
	itest_household_granted("HH-MG-1", "dibao", 3, 500);
	dist = itest_basket(
	    itest_admin, NULL, "T01", "HH-MG-1", itest_line(item, 2), NULL);
	dpath = itest_f(
	    "/api/v1/distributions/%lld", (long long)itest_int(dist, "id"));
	dist_before =
	    itest_text(itest_ok("GET", dpath, itest_admin, NULL, 200));
	don_before = itest_text(
	    itest_ok("GET", itest_f("/api/v1/donations/%lld", (long long)don),
	        itest_admin, NULL, 200));
	figures = itest_mg_figures();
	ck_assert_int_eq(itest_mg_distributed("oil", "quantity"), 2);
	ck_assert_int_eq(itest_mg_distributed("oil", "value_fen"), 2000);

	itest_ok("PATCH", itest_mg_item_path(item), itest_admin,
	    "{'name':'食用油 5升','category':'粮油','unit_value_fen':5000,"
	    "'points':50}",
	    200);
	/* The lines and lots keep their values; only the name is shown as
	 * the item's now. */
	dist = itest_ok("GET", dpath, itest_admin, NULL, 200);
	ck_assert_int_eq(
	    itest_int(itest_arr(dist, "lines")->child, "points"), 20);
	ck_assert_int_eq(
	    itest_int(itest_arr(dist, "lines")->child, "value_fen"), 2000);
	ck_assert_int_eq(itest_int(dist, "points_total"), 20);
	ck_assert_str_ne(itest_text(dist), dist_before);
	ck_assert_str_eq(
	    itest_str(itest_arr(dist, "lines")->child, "name"), "食用油 5升");
	ck_assert_str_eq(don_before,
	    itest_text(itest_ok("GET",
	        itest_f("/api/v1/donations/%lld", (long long)don), itest_admin,
	        NULL, 200)));
	ck_assert_str_eq(itest_mg_figures(), figures);
	ck_assert_int_eq(itest_int(itest_stock(item), "value_fen"), 18 * 1000);

	/* The void takes the 2 back out of "oil", not out of "粮油". */
	itest_ok("POST", itest_f("%s/void", dpath), itest_admin,
	    itest_f("{'client_id':'%s','reason':'扫错'}", itest_uuid()), 201);
	ck_assert_int_eq(itest_mg_distributed("oil", "quantity"), 0);
	ck_assert_int_eq(itest_mg_distributed("oil", "value_fen"), 0);
	ck_assert_int_eq(itest_mg_distributed("粮油", "quantity"), 0);
	ck_assert_int_eq(itest_mg_distributed("粮油", "value_fen"), 0);
	/* A new distribution counts under the new category and value. */
	itest_basket(
	    itest_admin, NULL, "T01", "HH-MG-1", itest_line(item, 1), NULL);
	ck_assert_int_eq(itest_mg_distributed("粮油", "quantity"), 1);
	ck_assert_int_eq(itest_mg_distributed("粮油", "value_fen"), 5000);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A retired item is neither received nor handed out; taken back, it is. */
START_TEST(test_item_retired)
{
	int64_t item, donor, hh;
	const char *body;
	cJSON *j;

	item = itest_item_new(
	    itest_admin, "旧款毛巾", "daily", "'4006381333948'", 800, 8, NULL);
	donor = itest_donor(itest_admin, "百货公司", "enterprise");
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':5}", (long long)item));
	hh = itest_household_granted("HH-MG-R", "dibao", 2, 100);
	itest_ok("PATCH", itest_mg_item_path(item), itest_admin,
	    "{'active':false}", 200);

	body = itest_donation_body(itest_uuid(), donor,
	    itest_f("{'item_id':%lld,'quantity':1}", (long long)item));
	j = itest_refused("POST", "/api/v1/donations", itest_admin, body, 422,
	    "item_inactive", "lines[0].item_id");
	ck_assert_int_eq(itest_int(itest_stock(item), "on_hand"), 5);
	body = itest_basket_body(itest_uuid(), "T01", "HH-MG-R",
	    "{'barcode':'4006381333948','quantity':1}");
	j = itest_refused("POST", "/api/v1/distributions", itest_admin, body,
	    422, "item_inactive", "lines[0].barcode");
	ck_assert_int_eq(itest_int(itest_error_details(j), "item_id"), item);
	ck_assert_int_eq(itest_hh_points(hh), 100);
	ck_assert_int_eq(itest_int(itest_stock(item), "on_hand"), 5);

	itest_ok("PATCH", itest_mg_item_path(item), itest_admin,
	    "{'active':true}", 200);
	itest_basket(
	    itest_admin, NULL, "T01", "HH-MG-R", itest_line(item, 1), NULL);
	ck_assert_int_eq(itest_hh_points(hh), 92);
	ck_assert_int_eq(itest_int(itest_stock(item), "on_hand"), 4);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Whether the item of PATH carries CODE. */
static int
itest_mg_has_code(const char *path, const char *code)
{
	cJSON *j = itest_ok("GET", path, itest_admin, NULL, 200), *c;

	cJSON_ArrayForEach(c, itest_arr(j, "barcodes"))
	{
		if (strcmp(c->valuestring, code) == 0)
			return 1;
	}
	return 0;
}

START_TEST(test_barcode_add)
{
	struct itest_roles r = itest_roles();
	int64_t item, other;
	const char *path, *add, *before;
	cJSON *j, *e;
	int st, i;

	item = itest_item_new(
	    itest_admin, "酱油", "condiment", "'CS-SOY-1'", 1250, 12, NULL);
	other = itest_item_new(
	    itest_admin, "醋", "condiment", "'96385074'", 800, 8, NULL);
	path = itest_mg_item_path(item);
	add = itest_f("%s/barcodes", path);

	/* EAN-13 as the manager: 201 with the item. */
	j = itest_ok("POST", add, r.mgr, "{'code':'6901234567892'}", 201);
	ck_assert_int_eq(itest_int(j, "id"), item);
	ck_assert_str_eq(itest_text(j),
	    itest_text(itest_ok("GET", path, itest_admin, NULL, 200)));
	ck_assert(itest_mg_has_code(path, "6901234567892"));
	/* UPC-A is kept as its GTIN-13, and found by either. */
	itest_ok("POST", add, itest_admin, "{'code':'036000291452'}", 201);
	ck_assert(itest_mg_has_code(path, "0036000291452"));
	ck_assert(!itest_mg_has_code(path, "036000291452"));
	j = itest_ok("GET", "/api/v1/items/by-barcode/036000291452", r.cashier,
	    NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), item);
	/* An internal code, as given. */
	itest_ok("POST", add, itest_admin, "{'code':'CS-SOY-500ml'}", 201);
	ck_assert(itest_mg_has_code(path, "CS-SOY-500ml"));
	ck_assert_int_eq(itest_audits("update", "item", item), 3);

	/* The item's own code again: 200, the item, nothing written. */
	before = itest_state(path);
	j = itest_ok("POST", add, r.mgr, "{'code':'0036000291452'}", 200);
	ck_assert_int_eq(itest_int(j, "id"), item);
	itest_ok("POST", add, r.mgr, "{'code':'036000291452'}", 200);
	ck_assert_str_eq(itest_state(path), before);
	ck_assert_int_eq(itest_audits("update", "item", item), 3);

	/* Refused, and nothing changed: another item's code (in either
	 * form), bad check digits, bad text, roles, no such item. */
	e = itest_refused("POST", add, r.mgr, "{'code':'96385074'}", 409,
	    "barcode_taken", "code");
	ck_assert_int_eq(itest_int(itest_error_details(e), "item_id"), other);
	itest_refused("POST",
	    itest_f("/api/v1/items/%lld/barcodes", (long long)other),
	    itest_admin, "{'code':'036000291452'}", 409, "barcode_taken",
	    "code");
	itest_refused("POST", add, itest_admin, "{'code':'6901234567893'}", 400,
	    "bad_barcode", "code");
	itest_refused("POST", add, itest_admin, "{'code':'036000291453'}", 400,
	    "bad_barcode", "code");
	itest_refused("POST", add, itest_admin, "{'code':'96385075'}", 400,
	    "bad_barcode", "code");
	itest_refused("POST", add, itest_admin, "{'code':''}", 400,
	    "bad_barcode", "code");
	itest_refused("POST", add, itest_admin, "{'code':'CS 中文'}", 400,
	    "bad_barcode", "code");
	itest_refused(
	    "POST", add, itest_admin, "{'code':7}", 400, "bad_barcode", "code");
	itest_refused("POST", add, itest_admin,
	    itest_f("{'code':'%s'}",
	        "CS-0123456789012345678901234567890123456789"
	        "0123"),
	    400, "bad_barcode", "code");
	itest_refused(
	    "POST", add, itest_admin, "{}", 400, "missing_field", "code");
	itest_refused("POST", add, r.cashier, "{'code':'4006381333931'}", 403,
	    "forbidden", NULL);
	itest_refused("POST", add, r.auditor, "{'code':'4006381333931'}", 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/items/999999/barcodes", itest_admin,
	    "{'code':'4006381333931'}", 404, "not_found", NULL);
	ck_assert_str_eq(itest_state(path), before);
	ck_assert(!itest_mg_has_code(path, "4006381333931"));

	/* An item carries at most 8 barcodes (it has 4). */
	for (i = 0; i < 4; i++) {
		j = itest_req(itest_s, "POST", add, itest_admin,
		    itest_f("{'code':'CS-MORE-%d'}", i), &st);
		ck_assert_msg(
		    st == 201, "code %d: %d %s", i, st, itest_print(j));
	}
	before = itest_state(path);
	e = itest_refused("POST", add, itest_admin, "{'code':'CS-MORE-9'}", 422,
	    "limit_exceeded", "code");
	ck_assert_int_eq(itest_int(itest_error_details(e), "limit"), 8);
	ck_assert_str_eq(itest_state(path), before);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_donor_get_patch)
{
	struct itest_roles r = itest_roles();
	int64_t donor, fund;
	const char *path, *before, *figures;
	cJSON *j;

	donor = itest_donor(itest_admin, "张三", "individual");
	path = itest_f("/api/v1/donors/%lld", (long long)donor);
	j = itest_ok("GET", path, r.auditor, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), donor);
	ck_assert_str_eq(itest_str(j, "name"), "张三");
	ck_assert_str_eq(itest_str(j, "kind"), "individual");
	itest_ok("GET", path, r.mgr, NULL, 200);
	itest_refused("GET", path, r.cashier, NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/donors/999999", itest_admin, NULL, 404,
	    "not_found", NULL);
	itest_refused("GET", "/api/v1/donors/0", itest_admin, NULL, 404,
	    "not_found", NULL);

	/* His cash is counted under the kind he had when it came. */
	fund = itest_fund(itest_admin, "社区基金", "donations", 0, NULL);
	itest_cash(itest_admin, donor, fund, 50000);
	figures = itest_mg_figures();

	j = itest_ok("PATCH", path, r.mgr, "{'name':'张三 (老张)'}", 200);
	ck_assert_str_eq(itest_str(j, "name"), "张三 (老张)");
	ck_assert_str_eq(itest_str(j, "kind"), "individual");
	j = itest_ok("PATCH", path, itest_admin,
	    "{'kind':'volunteer','unknown':1}", 200);
	ck_assert_str_eq(itest_str(j, "kind"), "volunteer");
	ck_assert_str_eq(itest_text(j),
	    itest_text(itest_ok("GET", path, itest_admin, NULL, 200)));
	j = itest_ok("PATCH", path, itest_admin,
	    "{'name':'李四','kind':'anonymous'}", 200);
	ck_assert_str_eq(itest_str(j, "name"), "李四");
	ck_assert_str_eq(itest_str(j, "kind"), "anonymous");
	ck_assert_int_eq(itest_audits("update", "donor", donor), 3);
	ck_assert_str_eq(itest_mg_figures(), figures);

	before = itest_text(itest_ok("GET", path, itest_admin, NULL, 200));
	itest_refused(
	    "PATCH", path, r.cashier, "{'name':'x'}", 403, "forbidden", NULL);
	itest_refused(
	    "PATCH", path, r.auditor, "{'name':'x'}", 403, "forbidden", NULL);
	itest_refused("PATCH", "/api/v1/donors/999999", itest_admin,
	    "{'name':'x'}", 404, "not_found", NULL);
	itest_refused(
	    "PATCH", path, itest_admin, "{}", 400, "missing_field", NULL);
	itest_refused("PATCH", path, itest_admin, "{'kind':'company'}", 400,
	    "bad_field", "kind");
	itest_refused("PATCH", path, itest_admin, "{'name':''}", 400,
	    "bad_field", "name");
	itest_refused("PATCH", path, itest_admin,
	    itest_f("{'name':'%0200d'}", 0), 400, "bad_field", "name");
	itest_refused("PATCH", path, itest_admin, "{'name':'ok','kind':7}", 400,
	    "bad_field", "kind");
	ck_assert_str_eq(
	    itest_text(itest_ok("GET", path, itest_admin, NULL, 200)), before);
	ck_assert_int_eq(itest_audits("update", "donor", donor), 3);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The ids of a donations list, in order, as "a,b,c". */
static const char *
itest_mg_ids(const cJSON *list)
{
	const char *s = "";
	cJSON *e;

	cJSON_ArrayForEach(e, itest_items(list))
	{
		s = itest_f("%s%s%lld", s, *s ? "," : "",
		    (long long)itest_int(e, "id"));
	}
	return s;
}

static int64_t
itest_mg_donation(int64_t donor, const char *day, const char *lines)
{
	return itest_int(itest_ok("POST", "/api/v1/donations", itest_admin,
	                     itest_f("{'client_id':'%s','donor_id':%lld,"
	                             "'received_on':'%s','lines':[%s]}",
	                         itest_uuid(), (long long)donor, day, lines),
	                     201),
	    "id");
}

START_TEST(test_donations_list)
{
	struct itest_roles r = itest_roles();
	int64_t rice, oil, a, b, fund, d1, d2, d3, d4;
	const char *lines2, *all;
	cJSON *j, *e, *next;
	static const char *const bad[][2] = {
	    {"donor_id=x", "donor_id"},
	    {"donor_id=0", "donor_id"},
	    {"donor_id=-3", "donor_id"},
	    {"donor_id=1x", "donor_id"},
	    {"donor_id=99999999999999999999", "donor_id"},
	    {"from=2026-13-01", "from"},
	    {"from=yesterday", "from"},
	    {"to=2026-02-30", "to"},
	    {"limit=0", "limit"},
	    {"cursor=z", "cursor"},
	};
	size_t i;

	rice = itest_item_new(itest_admin, "大米", "grain", "", 3000, 30, NULL);
	oil = itest_item_new(itest_admin, "油", "oil", "", 5000, 50, NULL);
	a = itest_donor(itest_admin, "甲公司", "enterprise");
	b = itest_donor(itest_admin, "乙", "individual");
	lines2 = itest_f("{'item_id':%lld,'quantity':3},"
	                 "{'item_id':%lld,'quantity':2,'unit_value_fen':4000}",
	    (long long)rice, (long long)oil);
	d1 = itest_mg_donation(a, itest_date(-10), lines2);
	d2 = itest_mg_donation(b, itest_date(-5),
	    itest_f("{'item_id':%lld,'quantity':1}", (long long)rice));
	fund = itest_fund(itest_admin, "基金", "donations", 0, NULL);
	d3 = itest_int(itest_cash(itest_admin, a, fund, 12345), "id");
	d4 = itest_mg_donation(a, itest_date(-1),
	    itest_f("{'item_id':%lld,'quantity':4}", (long long)oil));

	/* Newest first, for every reading role. */
	all = itest_f("%lld,%lld,%lld,%lld", (long long)d4, (long long)d3,
	    (long long)d2, (long long)d1);
	j = itest_ok("GET", "/api/v1/donations", r.auditor, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j), all);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	itest_ok("GET", "/api/v1/donations", r.mgr, NULL, 200);
	itest_refused("GET", "/api/v1/donations", r.cashier, NULL, 403,
	    "forbidden", NULL);
	itest_refused("GET", "/api/v1/donations", NULL, NULL, 401,
	    "unauthenticated", NULL);

	/* Each: its donor, lines, value, cash. */
	e = itest_find(itest_items(j), "id", d1);
	ck_assert_int_eq(itest_int(itest_obj(e, "donor"), "id"), a);
	ck_assert_str_eq(itest_str(itest_obj(e, "donor"), "name"), "甲公司");
	ck_assert_str_eq(itest_str(e, "received_on"), itest_date(-10));
	ck_assert_int_eq(itest_int(e, "lines"), 2);
	ck_assert_int_eq(itest_int(e, "value_fen"), 3 * 3000 + 2 * 4000);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(e, "cash")));
	ck_assert_str_eq(itest_str(e, "receipt_code"),
	    itest_str(itest_ok("GET",
	                  itest_f("/api/v1/donations/%lld", (long long)d1),
	                  itest_admin, NULL, 200),
	        "receipt_code"));
	e = itest_find(itest_items(j), "id", d3);
	ck_assert_int_eq(itest_int(e, "lines"), 0);
	ck_assert_int_eq(itest_int(e, "value_fen"), 0);
	ck_assert_int_eq(itest_int(itest_obj(e, "cash"), "amount_fen"), 12345);
	ck_assert_int_eq(itest_int(itest_obj(e, "cash"), "fund_id"), fund);

	/* Pages of 2 follow each other newest first, then an empty one. */
	j = itest_ok(
	    "GET", "/api/v1/donations?limit=2", itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j),
	    itest_f("%lld,%lld", (long long)d4, (long long)d3));
	next = cJSON_GetObjectItem(j, "next");
	ck_assert(cJSON_IsString(next));
	j = itest_ok("GET",
	    itest_f("/api/v1/donations?limit=2&cursor=%s", next->valuestring),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j),
	    itest_f("%lld,%lld", (long long)d2, (long long)d1));
	next = cJSON_GetObjectItem(j, "next");
	ck_assert(cJSON_IsString(next));
	j = itest_ok("GET",
	    itest_f("/api/v1/donations?limit=2&cursor=%s", next->valuestring),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j), "");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));

	/* Filters: the donor; the days received, inclusive. */
	j = itest_ok("GET",
	    itest_f("/api/v1/donations?donor_id=%lld", (long long)a),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j),
	    itest_f(
	        "%lld,%lld,%lld", (long long)d4, (long long)d3, (long long)d1));
	j = itest_ok("GET",
	    itest_f("/api/v1/donations?from=%s&to=%s", itest_date(-10),
	        itest_date(-5)),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j),
	    itest_f("%lld,%lld", (long long)d2, (long long)d1));
	j = itest_ok("GET",
	    itest_f("/api/v1/donations?donor_id=%lld&from=%s", (long long)a,
	        itest_date(-9)),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j),
	    itest_f("%lld,%lld", (long long)d4, (long long)d3));
	j = itest_ok(
	    "GET", "/api/v1/donations?donor_id=999999", itest_admin, NULL, 200);
	ck_assert_str_eq(itest_mg_ids(j), "");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		itest_refused("GET", itest_f("/api/v1/donations?%s", bad[i][0]),
		    itest_admin, NULL, 400, "bad_field", bad[i][1]);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_manage_goods_suite(void)
{
	Suite *s = suite_create("itest_manage_goods");
	TCase *tc = itest_tcase("manage_goods");

	tcase_add_test(tc, test_item_patch);
	tcase_add_test(tc, test_item_patch_history);
	tcase_add_test(tc, test_item_retired);
	tcase_add_test(tc, test_barcode_add);
	tcase_add_test(tc, test_donor_get_patch);
	tcase_add_test(tc, test_donations_list);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_manage_goods_suite());
}
