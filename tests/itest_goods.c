/*
 * The donated-goods flow against the real server: items and barcodes,
 * donors, donations into lots, stock review, adjustments, the movement log
 * and idempotent retries. Every test ends with `verify` passing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "itest.h"

/* Sum of the movement log of ITEM, following cursors. */
static int64_t
itest_goods_moves(int64_t item, int *count)
{
	const char *path = itest_f("/api/v1/stock/movements?item_id=%lld"
	                           "&limit=3",
	    (long long)item);
	int64_t sum = 0;
	int n = 0, pages = 0;
	cJSON *j, *m, *next;

	for (;;) {
		j = itest_ok("GET", path, itest_admin, NULL, 200);
		cJSON_ArrayForEach(m, itest_items(j))
		{
			ck_assert_int_eq(itest_int(m, "item_id"), item);
			sum += itest_int(m, "quantity");
			n++;
		}
		next = cJSON_GetObjectItem(j, "next");
		if (!cJSON_IsString(next))
			break;
		ck_assert_int_lt(++pages, 1000);
		path = itest_f("/api/v1/stock/movements?item_id=%lld&limit=3"
		               "&cursor=%s",
		    (long long)item, next->valuestring);
	}
	if (count != NULL)
		*count = n;
	return sum;
}

/* The invariant of docs/api.md: on_hand is the sum of the item's movements. */
static void
itest_goods_balanced(int64_t item, int64_t want)
{
	int64_t oh = itest_int(itest_stock(item), "on_hand");

	ck_assert_int_eq(oh, want);
	ck_assert_int_eq(itest_goods_moves(item, NULL), oh);
}

START_TEST(test_items_barcodes)
{
	int64_t ean13, ean8, upca, internal, two;
	cJSON *j, *codes, *c;
	int found;

	ean13 = itest_item_new(itest_admin, "金龙鱼大米 5kg", "grain",
	    "'6901234567892'", 4500, 45, NULL);
	ean8 = itest_item_new(
	    itest_admin, "口香糖", "snack", "'96385074'", 300, 3, NULL);
	upca = itest_item_new(itest_admin, "Oat flakes", "grain",
	    "'036000291452'", 2000, 20, NULL);
	internal = itest_item_new(
	    itest_admin, "散装面条", "grain", "'CS-NOODLE-0001'", 800, 8, NULL);
	two = itest_item_new(itest_admin, "酱油 500ml", "condiment",
	    "'4006381333931','CS-SOY-7'", 1250, 12, NULL);

	j = itest_ok("GET", "/api/v1/items/by-barcode/6901234567892",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), ean13);
	ck_assert_str_eq(itest_str(j, "name"), "金龙鱼大米 5kg");
	ck_assert_str_eq(itest_str(j, "category"), "grain");
	ck_assert_str_eq(itest_str(j, "unit"), "袋");
	ck_assert_int_eq(itest_int(j, "unit_value_fen"), 4500);
	ck_assert_int_eq(itest_int(j, "points"), 45);
	j = itest_ok(
	    "GET", "/api/v1/items/by-barcode/96385074", itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), ean8);
	j = itest_ok("GET", "/api/v1/items/by-barcode/CS-NOODLE-0001",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), internal);
	j = itest_ok("GET", "/api/v1/items/by-barcode/4006381333931",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), two);
	j = itest_ok(
	    "GET", "/api/v1/items/by-barcode/CS-SOY-7", itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), two);

	/* UPC-A: found by its GTIN-13 and by the 12 digits; stored as 13. */
	j = itest_ok("GET", "/api/v1/items/by-barcode/0036000291452",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), upca);
	codes = itest_arr(j, "barcodes");
	found = 0;
	cJSON_ArrayForEach(c, codes)
	{
		ck_assert(cJSON_IsString(c));
		if (strcmp(c->valuestring, "0036000291452") == 0)
			found = 1;
	}
	ck_assert_msg(
	    found, "UPC-A not stored as GTIN-13: %s", itest_print(codes));
	j = itest_ok("GET", "/api/v1/items/by-barcode/036000291452",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), upca);

	/* A valid code nobody registered. */
	itest_refused("GET", "/api/v1/items/by-barcode/6920152400012",
	    itest_admin, NULL, 404, "not_found", NULL);
	itest_refused("GET", "/api/v1/items/by-barcode/CS-NONE", itest_admin,
	    NULL, 404, "not_found", NULL);
	/* A barcode belongs to one item; UPC-A in GTIN-13 form too. */
	itest_refused("POST", "/api/v1/items", itest_admin,
	    "{'name':'dup','category':'grain','unit':'bag',"
	    "'barcodes':['0036000291452'],'unit_value_fen':1,'points':1}",
	    409, "conflict", NULL);
	j = itest_ok("GET", "/api/v1/items?limit=500", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 5);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static int
itest_goods_has(const cJSON *list, int64_t id)
{
	return itest_find(itest_items(list), "id", id) != NULL;
}

START_TEST(test_items_list)
{
	int64_t rice, oil, soy, flour, salt;
	cJSON *j, *e;
	const char *path;
	int n = 0, pages = 0;
	int64_t seen[8];

	rice = itest_item_new(
	    itest_admin, "东北大米", "grain", "", 3000, 30, NULL);
	flour = itest_item_new(
	    itest_admin, "高筋面粉", "grain", "", 2000, 20, NULL);
	oil = itest_item_new(itest_admin, "花生油", "oil", "", 6000, 60, NULL);
	soy = itest_item_new(
	    itest_admin, "Soy sauce", "condiment", "", 1000, 10, NULL);
	salt = itest_item_new(
	    itest_admin, "Sea salt", "condiment", "", 300, 3, NULL);

	/* q: 大米, percent-encoded. */
	j = itest_ok("GET", "/api/v1/items?q=%E5%A4%A7%E7%B1%B3", itest_admin,
	    NULL, 200);
	ck_assert(itest_goods_has(j, rice));
	ck_assert(!itest_goods_has(j, oil));
	ck_assert(!itest_goods_has(j, flour));
	j = itest_ok("GET", "/api/v1/items?q=sauce", itest_admin, NULL, 200);
	ck_assert(itest_goods_has(j, soy));
	ck_assert(!itest_goods_has(j, salt));
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	j = itest_ok(
	    "GET", "/api/v1/items?category=grain", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert(itest_goods_has(j, rice) && itest_goods_has(j, flour));
	j = itest_ok("GET", "/api/v1/items?category=condiment&q=salt",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert(itest_goods_has(j, salt));
	j = itest_ok(
	    "GET", "/api/v1/items?category=none", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);

	/* Pages of 2 with cursors: every item once, then next null. */
	path = "/api/v1/items?limit=2";
	for (;;) {
		j = itest_ok("GET", path, itest_admin, NULL, 200);
		ck_assert_int_le(cJSON_GetArraySize(itest_items(j)), 2);
		cJSON_ArrayForEach(e, itest_items(j))
		{
			int k;

			ck_assert_int_lt(n, 8);
			seen[n] = itest_int(e, "id");
			for (k = 0; k < n; k++)
				ck_assert_int_ne(seen[k], seen[n]);
			n++;
		}
		e = cJSON_GetObjectItem(j, "next");
		if (cJSON_IsNull(e))
			break;
		ck_assert_int_lt(++pages, 10);
		path = itest_f(
		    "/api/v1/items?limit=2&cursor=%s", itest_str(j, "next"));
	}
	ck_assert_int_eq(n, 5);
	ck_assert_int_ge(pages, 2);
}
END_TEST

START_TEST(test_donors_kinds)
{
	const char *kinds[] = {"enterprise", "social_org", "individual",
	    "volunteer", "government", "anonymous"};
	int64_t ids[6];
	size_t i, k;
	cJSON *j;

	for (i = 0; i < 6; i++) {
		j = itest_ok("POST", "/api/v1/donors", itest_admin,
		    itest_f("{'name':'捐赠者 %zu','kind':'%s'}", i, kinds[i]),
		    201);
		ids[i] = itest_int(j, "id");
		ck_assert_str_eq(itest_str(j, "kind"), kinds[i]);
		for (k = 0; k < i; k++)
			ck_assert_int_ne(ids[k], ids[i]);
	}
	itest_refused("POST", "/api/v1/donors", itest_admin,
	    "{'name':'x','kind':'alien'}", 400, "bad_field", "kind");
	itest_refused("POST", "/api/v1/donors", itest_admin, "{'name':'x'}",
	    400, "missing_field", "kind");
}
END_TEST

START_TEST(test_donation_lots)
{
	int64_t rice, oil, donor, l0, l1, l2, l3;
	const char *far = itest_date(200), *near = itest_date(20);
	cJSON *d, *d2, *e, *lots, *l;

	rice = itest_item_new(
	    itest_admin, "大米", "grain", "'6901234567892'", 3000, 30, NULL);
	oil = itest_item_new(
	    itest_admin, "花生油", "oil", "'4006381333931'", 6000, 60, NULL);
	donor = itest_donor(itest_admin, "donor enterprise", "enterprise");

	d = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10,'expires_on':'%s'},"
	            "{'item_id':%lld,'quantity':4,'unit_value_fen':5500},"
	            "{'item_id':%lld,'quantity':6,'expires_on':'%s'}",
	        (long long)rice, far, (long long)oil, (long long)rice, near));
	ck_assert_int_gt(itest_int(d, "id"), 0);
	ck_assert_uint_ge(strlen(itest_str(d, "receipt_code")), 4);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(d, "lines")), 3);
	l0 = itest_donation_lot(d, 0);
	l1 = itest_donation_lot(d, 1);
	l2 = itest_donation_lot(d, 2);
	ck_assert(l0 != l1 && l1 != l2 && l0 != l2);

	/* Rice: two lots, 10 at 30.00 and 6 at 30.00. */
	e = itest_stock(rice);
	ck_assert_str_eq(itest_str(e, "name"), "大米");
	ck_assert_int_eq(itest_int(e, "on_hand"), 16);
	ck_assert_int_eq(itest_int(e, "value_fen"), 16 * 3000);
	lots = itest_arr(e, "lots");
	ck_assert_int_eq(cJSON_GetArraySize(lots), 2);
	l = itest_find(lots, "lot_id", l0);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "on_hand"), 10);
	ck_assert_str_eq(itest_str(l, "expires_on"), far);
	l = itest_find(lots, "lot_id", l2);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "on_hand"), 6);
	ck_assert_str_eq(itest_str(l, "expires_on"), near);
	/* Oil: the line's own unit value, not the item's. */
	e = itest_stock(oil);
	ck_assert_int_eq(itest_int(e, "on_hand"), 4);
	ck_assert_int_eq(itest_int(e, "value_fen"), 4 * 5500);
	l = itest_find(itest_arr(e, "lots"), "lot_id", l1);
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "on_hand"), 4);

	/* A second donation: a new receipt code, a new lot. */
	d2 = itest_donation(itest_admin,
	    itest_donor(itest_admin, "donor anonymous", "anonymous"),
	    itest_f("{'item_id':%lld,'quantity':3}", (long long)oil));
	ck_assert_str_ne(
	    itest_str(d2, "receipt_code"), itest_str(d, "receipt_code"));
	l3 = itest_donation_lot(d2, 0);
	ck_assert(l3 != l0 && l3 != l1 && l3 != l2);
	ck_assert_int_eq(
	    itest_int(itest_stock(oil), "value_fen"), 4 * 5500 + 3 * 6000);
	itest_goods_balanced(rice, 16);
	itest_goods_balanced(oil, 7);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_stock_filters)
{
	int64_t low, ok, zero, near, far, none, donor;
	const char *soon = itest_date(3);
	cJSON *j, *e, *v;

	low = itest_item_new(
	    itest_admin, "Low", "a", "", 100, 1, ",'min_stock':10");
	ok = itest_item_new(
	    itest_admin, "Plenty", "a", "", 100, 1, ",'min_stock':10");
	zero = itest_item_new(itest_admin, "No minimum", "b", "", 100, 1, NULL);
	near = itest_item_new(itest_admin, "Near", "c", "", 100, 1, NULL);
	far = itest_item_new(itest_admin, "Far", "c", "", 100, 1, NULL);
	none = itest_item_new(itest_admin, "No expiry", "c", "", 100, 1, NULL);
	donor = itest_donor(itest_admin, "donor government", "government");
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':5},"
	            "{'item_id':%lld,'quantity':20},"
	            "{'item_id':%lld,'quantity':1},"
	            "{'item_id':%lld,'quantity':2,'expires_on':'%s'},"
	            "{'item_id':%lld,'quantity':2,'expires_on':'%s'},"
	            "{'item_id':%lld,'quantity':2}",
	        (long long)low, (long long)ok, (long long)zero, (long long)near,
	        soon, (long long)far, itest_date(200), (long long)none));

	/* low: under min_stock; false otherwise (always present). */
	e = itest_stock(low);
	ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(e, "low")),
	    "5 under min_stock 10 is not low: %s", itest_print(e));
	e = itest_stock(ok);
	v = cJSON_GetObjectItem(e, "low");
	ck_assert_msg(cJSON_IsFalse(v), "20 of 10 is low: %s", itest_print(e));
	e = itest_stock(zero);
	v = cJSON_GetObjectItem(e, "low");
	ck_assert_msg(cJSON_IsFalse(v), "an item without min_stock is low: %s",
	    itest_print(e));

	/* Near expiry. */
	j = itest_ok("GET", "/api/v1/stock?expiring_within_days=30&limit=500",
	    itest_admin, NULL, 200);
	e = itest_find(itest_items(j), "item_id", near);
	ck_assert_msg(
	    e != NULL, "lot expiring in 3 days not listed: %s", itest_print(j));
	{
		const cJSON *l;
		int hit = 0;

		cJSON_ArrayForEach(l, itest_arr(e, "lots"))
		{
			const cJSON *x = cJSON_GetObjectItem(l, "expires_on");

			if (cJSON_IsString(x) &&
			    strcmp(x->valuestring, soon) == 0)
				hit = 1;
		}
		ck_assert_msg(
		    hit, "no lot expiring %s: %s", soon, itest_print(e));
	}
	ck_assert_ptr_null(itest_find(itest_items(j), "item_id", far));
	ck_assert_ptr_null(itest_find(itest_items(j), "item_id", none));
	ck_assert_ptr_null(itest_find(itest_items(j), "item_id", low));
	j = itest_ok("GET", "/api/v1/stock?expiring_within_days=365&limit=500",
	    itest_admin, NULL, 200);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "item_id", near));
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "item_id", far));
	ck_assert_ptr_null(itest_find(itest_items(j), "item_id", none));
	/* Pages of 4 with cursors: all six items, each once. */
	{
		const char *path = "/api/v1/stock?limit=4";
		int64_t seen[8];
		int n = 0, k, pages = 0;

		for (;;) {
			j = itest_ok("GET", path, itest_admin, NULL, 200);
			ck_assert_int_le(cJSON_GetArraySize(itest_items(j)), 4);
			cJSON_ArrayForEach(e, itest_items(j))
			{
				ck_assert_int_lt(n, 8);
				seen[n] = itest_int(e, "item_id");
				for (k = 0; k < n; k++)
					ck_assert_int_ne(seen[k], seen[n]);
				n++;
			}
			if (cJSON_IsNull(cJSON_GetObjectItem(j, "next")))
				break;
			ck_assert_int_lt(++pages, 5);
			path = itest_f("/api/v1/stock?limit=4&cursor=%s",
			    itest_str(j, "next"));
		}
		ck_assert_int_eq(n, 6);
	}
	/* By category. */
	j = itest_ok("GET", "/api/v1/stock?category=a&limit=500", itest_admin,
	    NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "item_id", low));
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "item_id", ok));
	/* low=true: only the item under its min_stock; low=false the rest. */
	j = itest_ok(
	    "GET", "/api/v1/stock?low=true&limit=500", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "item_id", low));
	j = itest_ok(
	    "GET", "/api/v1/stock?low=false&limit=500", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 5);
	ck_assert_ptr_null(itest_find(itest_items(j), "item_id", low));
	itest_refused("GET", "/api/v1/stock?low=1", itest_admin, NULL, 400,
	    "bad_field", "low");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_adjustments)
{
	int64_t item, lot, lot2, donor;
	cJSON *d, *j, *e;
	int st, n;

	item = itest_item_new(
	    itest_admin, "牛奶", "dairy", "", 500, 5, ",'min_stock':8");
	donor = itest_donor(itest_admin, "donor social_org", "social_org");
	d = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10,'expires_on':'%s'},"
	            "{'item_id':%lld,'quantity':5,'expires_on':'%s'}",
	        (long long)item, itest_date(5), (long long)item,
	        itest_date(60)));
	lot = itest_donation_lot(d, 0);
	lot2 = itest_donation_lot(d, 1);

	j = itest_adjust(lot, -2, "damaged", &st);
	ck_assert_msg(st == 201, "adjust: %d %s", st, itest_print(j));
	ck_assert_int_gt(itest_int(j, "id"), 0);
	j = itest_adjust(lot, -1, "lost", &st);
	ck_assert_int_eq(st, 201);
	j = itest_adjust(lot, 3, "count_correction", &st);
	ck_assert_int_eq(st, 201);
	j = itest_adjust(lot, -4, "count_correction", &st);
	ck_assert_int_eq(st, 201);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 6);
	itest_goods_balanced(item, 11);

	/* Never below zero: the refused adjustment changes nothing. */
	j = itest_adjust(lot, -7, "expired", &st);
	itest_assert_error(j, st, 422, "insufficient_stock", NULL);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 6);
	itest_goods_balanced(item, 11);
	/* The other lot's stock does not count for this one. */
	j = itest_adjust(lot2, -6, "lost", &st);
	itest_assert_error(j, st, 422, "insufficient_stock", NULL);
	/* Down to exactly zero is fine; one more is not. */
	j = itest_adjust(lot, -6, "expired", &st);
	ck_assert_msg(st == 201, "adjust to 0: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 0);
	j = itest_adjust(lot, -1, "expired", &st);
	itest_assert_error(j, st, 422, "insufficient_stock", NULL);
	itest_goods_balanced(item, 5);

	/* 5 under min_stock 8: low. */
	e = itest_stock(item);
	ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItem(e, "low")),
	    "5 under min_stock 8 not low: %s", itest_print(e));
	/* Bad reason, zero delta, unknown lot. */
	j = itest_adjust(lot2, -1, "stolen", &st);
	itest_assert_error(j, st, 400, "bad_field", "reason");
	j = itest_adjust(lot2, 0, "lost", &st);
	itest_assert_error(j, st, 400, "bad_field", "quantity_delta");
	j = itest_adjust(999999, -1, "lost", &st);
	itest_assert_error(j, st, 404, "not_found", "lot_id");
	itest_goods_balanced(item, 5);

	/* The log: 2 receipts and 5 adjustments, each with its kind. */
	itest_goods_moves(item, &n);
	ck_assert_int_eq(n, 7);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_movements_log)
{
	int64_t a, b, donor, lot;
	cJSON *d, *j, *m;
	int n, st;

	a = itest_item_new(itest_admin, "A", "x", "", 100, 1, NULL);
	b = itest_item_new(itest_admin, "B", "x", "", 100, 1, NULL);
	donor = itest_donor(itest_admin, "donor individual", "individual");
	d = itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':7},{'item_id':%lld,"
	            "'quantity':9}",
	        (long long)a, (long long)b));
	lot = itest_donation_lot(d, 0);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':2}", (long long)a));
	j = itest_adjust(lot, -3, "damaged", &st);
	ck_assert_int_eq(st, 201);

	ck_assert_int_eq(itest_goods_moves(a, &n), 6);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(itest_goods_moves(b, &n), 9);
	ck_assert_int_eq(n, 1);
	itest_goods_balanced(a, 6);
	itest_goods_balanced(b, 9);
	/* Every movement names its lot; the adjustment is the lot's -3. */
	j = itest_ok("GET",
	    itest_f(
	        "/api/v1/stock/movements?item_id=%lld&limit=500", (long long)a),
	    itest_admin, NULL, 200);
	n = 0;
	cJSON_ArrayForEach(m, itest_items(j))
	{
		itest_int(m, "lot_id");
		if (itest_int(m, "lot_id") == lot &&
		    itest_int(m, "quantity") == -3)
			n++;
	}
	ck_assert_int_eq(n, 1);
	/* The whole log holds both items. */
	j = itest_ok(
	    "GET", "/api/v1/stock/movements?limit=500", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 4);
	/* Nothing happened tomorrow. */
	j = itest_ok("GET",
	    itest_f("/api/v1/stock/movements?item_id=%lld&from=%s",
	        (long long)a, itest_date(1)),
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);
	j = itest_ok("GET",
	    itest_f("/api/v1/stock/movements?item_id=%lld&from=%s&to=%s",
	        (long long)a, itest_date(-1), itest_date(1)),
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 3);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_idempotent_donation)
{
	int64_t item, donor;
	const char *cid = itest_uuid(), *body, *other;
	cJSON *first, *j;
	int st;

	item = itest_item_new(itest_admin, "面粉", "grain", "", 1500, 15, NULL);
	donor = itest_donor(itest_admin, "donor volunteer", "volunteer");
	body = itest_donation_body(cid, donor,
	    itest_f("{'item_id':%lld,'quantity':12,'expires_on':'%s'}",
	        (long long)item, itest_date(90)));
	other = itest_donation_body(cid, donor,
	    itest_f("{'item_id':%lld,'quantity':13,'expires_on':'%s'}",
	        (long long)item, itest_date(90)));

	first = itest_ok("POST", "/api/v1/donations", itest_admin, body, 201);
	itest_goods_balanced(item, 12);
	/* The same request again: the same answer, no second effect. */
	j = itest_req(
	    itest_s, "POST", "/api/v1/donations", itest_admin, body, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_int(j, "id"), itest_int(first, "id"));
	ck_assert_str_eq(
	    itest_str(j, "receipt_code"), itest_str(first, "receipt_code"));
	ck_assert_int_eq(
	    itest_donation_lot(j, 0), itest_donation_lot(first, 0));
	itest_goods_balanced(item, 12);
	/* Another body under the same client_id. */
	itest_refused("POST", "/api/v1/donations", itest_admin, other, 409,
	    "client_id_reused", NULL);
	itest_goods_balanced(item, 12);
	/* And the original still replays. */
	j = itest_req(
	    itest_s, "POST", "/api/v1/donations", itest_admin, body, &st);
	ck_assert_int_eq(st, 200);
	ck_assert_int_eq(itest_int(j, "id"), itest_int(first, "id"));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(itest_stock(item), "lots")), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_idempotent_adjustment)
{
	int64_t item, lot;
	const char *cid = itest_uuid(), *body, *other;
	cJSON *first, *j;
	int st, n;

	item = itest_item_new(itest_admin, "鸡蛋", "fresh", "", 100, 1, NULL);
	lot = itest_donation_lot(
	    itest_donation(itest_admin,
	        itest_donor(itest_admin, "donor enterprise", "enterprise"),
	        itest_f("{'item_id':%lld,'quantity':30}", (long long)item)),
	    0);
	body = itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-4,"
	               "'reason':'damaged'}",
	    cid, (long long)lot);
	other = itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':-5,"
	                "'reason':'damaged'}",
	    cid, (long long)lot);
	first = itest_ok(
	    "POST", "/api/v1/stock/adjustments", itest_admin, body, 201);
	itest_goods_balanced(item, 26);
	j = itest_req(itest_s, "POST", "/api/v1/stock/adjustments", itest_admin,
	    body, &st);
	ck_assert_msg(st == 200, "replay: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_int(j, "id"), itest_int(first, "id"));
	itest_goods_balanced(item, 26);
	itest_refused("POST", "/api/v1/stock/adjustments", itest_admin, other,
	    409, "client_id_reused", NULL);
	itest_goods_balanced(item, 26);
	/* A client_id is unique per kind of write, not across kinds. */
	j = itest_ok("POST", "/api/v1/donations", itest_admin,
	    itest_donation_body(cid,
	        itest_donor(itest_admin, "donor anonymous", "anonymous"),
	        itest_line(item, 1)),
	    201);
	itest_goods_balanced(item, 27);
	itest_goods_moves(item, &n);
	ck_assert_int_eq(n, 3);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * Money never overflows: two donations of 500 lines x 1,000,000 units at
 * 100 million yuan each would be worth 10^19 fen, past int64. The first
 * (5 x 10^18) is fine; the second must be refused (4xx, nothing changed),
 * or else the stock value shown must still be exact, which int64 cannot.
 */
START_TEST(test_value_no_overflow)
{
	int64_t item, donor;
	char *lines, *p;
	size_t i, n = 500;
	const char *line;
	cJSON *e;

	/*
	 * A unit is worth at most 1,000,000 yuan and a line holds at most
	 * 1,000,000 units, so no sum the store keeps can leave int64 in any
	 * real life; past the bound an item is refused outright.
	 */
	itest_refused("POST", "/api/v1/items", itest_admin,
	    "{'name':'金条','category':'valuables','unit':'根',"
	    "'unit_value_fen':100000001,'points':0}",
	    400, "bad_field", "unit_value_fen");
	item = itest_item_new(
	    itest_admin, "金条", "valuables", "", 100000000LL, 1000000LL, NULL);
	donor = itest_donor(itest_admin, "donor enterprise", "enterprise");
	line = itest_f("{'item_id':%lld,'quantity':1000000},", (long long)item);
	lines = itest_f("%*s", (int)(n * strlen(line)), "");
	for (i = 0, p = lines; i < n; i++, p += strlen(line))
		memcpy(p, line, strlen(line));
	p[-1] = ' ';
	itest_donation(itest_admin, donor, lines);
	itest_donation(itest_admin, donor, lines);
	e = itest_stock(item);
	ck_assert_int_eq(itest_int(e, "on_hand"), 1000000000);
	ck_assert_int_eq(itest_int(e, "value_fen"), 100000000000000000LL);
	/* Too many units on one line is refused, and nothing changes. */
	itest_refused("POST", "/api/v1/donations", itest_admin,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'lines':[{'item_id':%lld,'quantity':1000001}]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)item),
	    400, "bad_field", "lines[0].quantity");
	e = itest_stock(item);
	ck_assert_int_eq(itest_int(e, "on_hand"), 1000000000);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * Several clients at once: each posts its own donations, and all of them
 * also send one shared donation (the same client_id and body), as tills
 * retrying after a timeout would. Every one is answered 200/201, the shared
 * one takes effect once, and the totals add up.
 */
START_TEST(test_concurrent_writers)
{
	enum { CLIENTS = 4, EACH = 12 };
	const char *shared;
	int64_t item, donor;
	pid_t pids[CLIENTS];
	int i, st;

	item =
	    itest_item_new(itest_admin, "矿泉水", "drinks", "", 200, 2, NULL);
	donor = itest_donor(itest_admin, "donor volunteer", "volunteer");
	shared = itest_f("{\"client_id\":\"%s\",\"donor_id\":%lld,"
	                 "\"received_on\":\"%s\",\"channel\":\"walk_in\","
	                 "\"lines\":[{\"item_id\":%lld,\"quantity\":100}]}",
	    itest_uuid(), (long long)donor, itest_date(0), (long long)item);
	for (i = 0; i < CLIENTS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] == 0) {
			struct itest_reply r;
			char body[512];
			int k, bad = 0;

			for (k = 0; k < EACH; k++) {
				if (k == EACH / 2)
					snprintf(
					    body, sizeof body, "%s", shared);
				else
					snprintf(body, sizeof body,
					    "{\"client_id\":\"%s\","
					    "\"donor_id\":%lld,"
					    "\"received_on\":\"%s\","
					    "\"channel\":\"walk_in\","
					    "\"lines\":[{\"item_id\":%lld,"
					    "\"quantity\":1}]}",
					    itest_uuid(), (long long)donor,
					    itest_date(0), (long long)item);
				if (itest_http(itest_s, "POST",
				        "/api/v1/donations", itest_admin,
				        "application/json", NULL, body,
				        strlen(body), &r) != 0 ||
				    (r.status != 201 && r.status != 200)) {
					fprintf(stderr, "client %d: %d %s\n", i,
					    r.status, r.body ? r.body : "");
					bad = 1;
				}
				free(r.body);
				free(r.headers);
			}
			_exit(bad);
		}
	}
	for (i = 0; i < CLIENTS; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "client %d saw a refused donation (see stderr)", i);
	}
	itest_goods_balanced(item, CLIENTS * (EACH - 1) + 100);
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(itest_stock(item), "lots")),
	    CLIENTS * (EACH - 1) + 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A manager does the whole flow; the audit log shows it. */
START_TEST(test_flow_as_manager)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	int64_t item, donor, lot;
	cJSON *j;

	j = itest_ok("POST", "/api/v1/items", mgr,
	    "{'name':'挂面','category':'grain','unit':'包',"
	    "'barcodes':['6920152400012'],'unit_value_fen':650,'points':6,"
	    "'monthly_limit':2,'priority_only':true,'min_stock':3}",
	    201);
	item = itest_int(j, "id");
	donor = itest_donor(mgr, "社区基金会", "social_org");
	j = itest_ok("POST", "/api/v1/donations", mgr,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'channel':'drop_off','lines':[{'item_id':%lld,"
	            "'quantity':40,'expires_on':'%s'}]}",
	        itest_uuid(), (long long)donor, itest_date(-1), (long long)item,
	        itest_date(180)),
	    201);
	lot = itest_donation_lot(j, 0);
	itest_ok("POST", "/api/v1/stock/adjustments", mgr,
	    itest_adjust_body(itest_uuid(), lot, -1, "damaged"), 201);
	j = itest_ok(
	    "GET", "/api/v1/items/by-barcode/6920152400012", mgr, NULL, 200);
	ck_assert_int_eq(itest_int(j, "monthly_limit"), 2);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "priority_only")));
	ck_assert_int_eq(itest_int(j, "min_stock"), 3);
	itest_goods_balanced(item, 39);
	j = itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	ck_assert_int_ge(cJSON_GetArraySize(itest_items(j)), 4);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_goods_suite(void)
{
	Suite *s = suite_create("itest_goods");
	TCase *tc = itest_tcase("goods");

	tcase_add_test(tc, test_items_barcodes);
	tcase_add_test(tc, test_items_list);
	tcase_add_test(tc, test_donors_kinds);
	tcase_add_test(tc, test_donation_lots);
	tcase_add_test(tc, test_stock_filters);
	tcase_add_test(tc, test_adjustments);
	tcase_add_test(tc, test_movements_log);
	tcase_add_test(tc, test_idempotent_donation);
	tcase_add_test(tc, test_idempotent_adjustment);
	tcase_add_test(tc, test_flow_as_manager);
	tcase_add_test(tc, test_value_no_overflow);
	tcase_add_test(tc, test_concurrent_writers);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_goods_suite());
}
