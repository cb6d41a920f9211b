/* check_pos_wire: the till's JSON both ways (requests built, replies read
 * into bounded structs), without a server. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <cjson/cJSON.h>

#include "pos.h"

static cJSON *
parse(const char *s)
{
	cJSON *o = cJSON_Parse(s);

	ck_assert_ptr_nonnull(o);
	return o;
}

START_TEST(t_login)
{
	char *body = wire_login_req("cashier", "pa\"ss");
	cJSON *o = parse(body), *r;
	char token[16], role[16];

	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "username")->valuestring, "cashier");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "password")->valuestring, "pa\"ss");
	cJSON_Delete(o);
	free(body);

	r = parse("{\"token\":\"0123456789abcdefXYZ\",\"role\":\"manager\"}");
	ck_assert_int_eq(
	    wire_login(r, token, sizeof(token), role, sizeof(role)), 0);
	ck_assert_str_eq(token, "0123456789abcde"); /* cut to its buffer */
	ck_assert_str_eq(role, "manager");
	cJSON_Delete(r);
	r = parse("{\"token\":\"t\"}");
	ck_assert_int_eq(
	    wire_login(r, token, sizeof(token), role, sizeof(role)), 0);
	ck_assert_str_eq(role, "");
	cJSON_Delete(r);
	r = parse("{\"role\":\"admin\"}");
	ck_assert_int_eq(
	    wire_login(r, token, sizeof(token), role, sizeof(role)), -1);
	cJSON_Delete(r);
}
END_TEST

START_TEST(t_error)
{
	cJSON *r =
	    parse("{\"error\":{\"code\":\"insufficient_points\","
	          "\"message\":\"余额不足\",\"details\":{\"need\":40}}}");
	struct wire_err we;

	wire_error(r, &we);
	ck_assert_str_eq(we.code, "insufficient_points");
	ck_assert_str_eq(we.text, "余额不足");
	ck_assert_str_eq(we.details, "{\"need\":40}");
	cJSON_Delete(r);
	wire_error(NULL, &we); /* no body at all */
	ck_assert_str_eq(we.code, "error");
	ck_assert_str_eq(we.text, "");
	ck_assert_str_eq(we.details, "");
}
END_TEST

START_TEST(t_distribution_req)
{
	struct till_line l[2];
	cJSON *o, *lines;
	char *body;

	memset(l, 0, sizeof(l));
	l[0].item.id = 7;
	l[0].qty = 2;
	l[1].item.id = 9000000001LL;
	l[1].qty = 999;
	body = wire_distribution_req("cid-1", "T1", "TC1", l, 2);
	o = parse(body);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "client_id")->valuestring, "cid-1");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "till_id")->valuestring, "T1");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "household_card")->valuestring, "TC1");
	lines = cJSON_GetObjectItem(o, "lines");
	ck_assert_int_eq(cJSON_GetArraySize(lines), 2);
	ck_assert(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 0), "item_id")
	              ->valuedouble == 7);
	ck_assert(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 1), "item_id")
	              ->valuedouble == 9000000001.0);
	ck_assert(cJSON_GetObjectItem(cJSON_GetArrayItem(lines, 1), "quantity")
	              ->valuedouble == 999);
	cJSON_Delete(o);
	free(body);
}
END_TEST

START_TEST(t_distribution_reply)
{
	cJSON *r = parse("{\"receipt_no\":\"T1-000042\","
	                 "\"created_at\":\"2026-11-29T10:15:00+08:00\","
	                 "\"points_total\":60,\"points_balance\":140,"
	                 "\"lines\":[{\"name\":\"大米\",\"quantity\":1,"
	                 "\"points\":40},{\"quantity\":2,\"points\":20}]}");
	struct rcpt rc;

	memset(&rc, 0, sizeof(rc));
	snprintf(rc.lines[1].name, sizeof(rc.lines[1].name), "basket name");
	rc.nlines = 3;
	rc.total = 1;
	wire_distribution(r, &rc);
	ck_assert_str_eq(rc.receipt_no, "T1-000042");
	ck_assert_str_eq(rc.when, "2026-11-29 10:15:00");
	ck_assert_int_eq(rc.total, 60);
	ck_assert_int_eq(rc.balance, 140);
	ck_assert_uint_eq(rc.nlines, 2); /* the server's lines win */
	ck_assert_str_eq(rc.lines[0].name, "大米");
	ck_assert_str_eq(rc.lines[1].name, "basket name"); /* kept */
	ck_assert_int_eq(rc.lines[1].qty, 2);
	ck_assert_int_eq(rc.lines[1].points, 20);
	cJSON_Delete(r);

	/* Nothing usable: the basket's figures stay, the number is "?". */
	r = parse("{\"points_total\":-5,\"created_at\":\"2026\"}");
	memset(&rc, 0, sizeof(rc));
	rc.total = 33;
	rc.nlines = 1;
	wire_distribution(r, &rc);
	ck_assert_str_eq(rc.receipt_no, "?");
	ck_assert_str_eq(rc.when, "");
	ck_assert_int_eq(rc.total, 33);
	ck_assert_uint_eq(rc.nlines, 1);
	cJSON_Delete(r);
}
END_TEST

START_TEST(t_household_item_text)
{
	struct till_household h;
	struct till_item it;

	ck_assert_int_eq(wire_household_text(
	                     "{\"id\":3,\"name_masked\":\"王*红\","
	                     "\"category\":\"dibao\",\"status\":\"active\","
	                     "\"points\":200,\"priority\":true,"
	                     "\"limits\":[{\"item_id\":1,\"monthly_limit\":2,"
	                     "\"remaining\":-1,\"name\":\"米\"}]}",
	                     &h),
	    0);
	ck_assert_int_eq(h.id, 3);
	ck_assert_str_eq(h.name_masked, "王*红");
	ck_assert_int_eq(h.points, 200);
	ck_assert_int_eq(h.priority, 1);
	ck_assert_uint_eq(h.nlimits, 1);
	ck_assert_int_eq(h.limits[0].remaining, 0); /* never below 0 */
	ck_assert_int_eq(h.limits[0].taken, 3);
	ck_assert_int_eq(wire_household_text("{\"id\":3", &h), -1);
	ck_assert_int_eq(wire_household_text(NULL, &h), -1);

	ck_assert_int_eq(wire_item_text("{\"id\":5,\"name\":\"油\",\"points\":"
	                                "30,\"monthly_limit\":null,"
	                                "\"barcodes\":[\"690\"]}",
	                     "691", &it),
	    0);
	ck_assert_int_eq(it.id, 5);
	ck_assert_int_eq(it.points, 30);
	ck_assert_int_eq(it.monthly_limit, -1);
	ck_assert_str_eq(it.barcode, "691"); /* the code scanned wins */
	ck_assert_int_eq(
	    wire_item_text(
	        "{\"id\":5,\"name\":\"油\",\"points\":1.5}", NULL, &it),
	    -1);
}
END_TEST

static const char page[] =
    "{\"items\":[{\"id\":1,\"name\":\"米\",\"points\":40,"
    "\"barcodes\":[\"6901\",\"6902\"]},"
    "{\"id\":2,\"points\":5,\"barcodes\":[\"6903\"]},"
    "{\"id\":3,\"name\":\"油\",\"points\":30,\"barcodes\":[]},"
    "{\"id\":4,\"name\":\"面\",\"points\":10,\"purpose\":\"助学\"}],"
    "\"next\":\"abc=\"}";

struct seen {
	char codes[8][16];
	int ids[8];
	size_t n;
};

static void
seen_put(const char *barcode, const char *json, void *arg)
{
	struct seen *s = arg;
	cJSON *o = parse(json);

	ck_assert_uint_lt(s->n, 8);
	snprintf(s->codes[s->n], sizeof(s->codes[0]), "%s", barcode);
	s->ids[s->n++] = cJSON_GetObjectItem(o, "id")->valueint;
	cJSON_Delete(o);
}

START_TEST(t_pages)
{
	cJSON *p = parse(page);
	struct till_item it[9];
	struct seen s;
	char cur[8], name[16], purpose[16];

	/* Search results skip what cannot be read, up to max. */
	ck_assert_uint_eq(wire_items(p, it, 9), 3);
	ck_assert_int_eq(it[1].id, 3);
	ck_assert_str_eq(it[0].barcode, "6901");
	ck_assert_uint_eq(wire_items(p, it, 1), 1);

	/* The item cache: one put a barcode, the item's own JSON. */
	memset(&s, 0, sizeof(s));
	ck_assert_uint_eq(wire_items_each(p, seen_put, &s), 4);
	ck_assert_uint_eq(s.n, 3);
	ck_assert_str_eq(s.codes[1], "6902");
	ck_assert_int_eq(s.ids[1], 1);
	ck_assert_str_eq(s.codes[2], "6903");
	ck_assert_int_eq(s.ids[2], 2);

	ck_assert_int_eq(wire_next(p, cur, sizeof(cur)), 1);
	ck_assert_str_eq(cur, "abc=");

	ck_assert_int_eq(
	    wire_listed(p, 4, name, sizeof(name), purpose, sizeof(purpose)), 0);
	ck_assert_str_eq(name, "面");
	ck_assert_str_eq(purpose, "助学");
	ck_assert_int_eq(
	    wire_listed(p, 3, name, sizeof(name), purpose, sizeof(purpose)), 0);
	ck_assert_str_eq(purpose, "");
	ck_assert_int_eq(wire_listed(p, 2, name, sizeof(name), NULL, 0), -1);
	cJSON_Delete(p);

	p = parse("{\"items\":[],\"next\":null}");
	ck_assert_int_eq(wire_next(p, cur, sizeof(cur)), 0);
	cJSON_Delete(p);
}
END_TEST

START_TEST(t_donation)
{
	struct wire_donation *d = malloc(sizeof(*d));
	cJSON *o;

	ck_assert_ptr_nonnull(d);
	o = parse("{\"receipt_code\":\"D-7\",\"received_on\":\"2026-11-02\","
	          "\"donor_id\":12,\"lines\":[{\"item_id\":5,\"quantity\":3,"
	          "\"unit_value_fen\":1250},{\"item_id\":6,\"quantity\":1,"
	          "\"unit_value_fen\":0}]}");
	ck_assert_int_eq(wire_donation(o, d), 0);
	ck_assert_str_eq(d->code, "D-7");
	ck_assert_str_eq(d->date, "2026-11-02");
	ck_assert_int_eq(d->donor_id, 12);
	ck_assert_int_eq(d->cash_fen, 0);
	ck_assert_uint_eq(d->nlines, 2);
	ck_assert_int_eq(d->lines[0].qty, 3);
	ck_assert_int_eq(d->lines[0].unit_value_fen, 1250);
	ck_assert_int_eq(d->lines[1].item_id, 6);
	cJSON_Delete(o);

	o = parse("{\"receipt_code\":\"D-8\",\"received_on\":\"2026-11-03\","
	          "\"donor_id\":1,\"cash\":{\"amount_fen\":123456,"
	          "\"fund_id\":2},\"lines\":[{\"item_id\":5}]}");
	ck_assert_int_eq(wire_donation(o, d), 0);
	ck_assert_int_eq(d->cash_fen, 123456);
	ck_assert_int_eq(d->fund_id, 2);
	ck_assert_uint_eq(d->nlines, 0); /* cash: lines ignored */
	cJSON_Delete(o);

	/* Refused: an empty code, a quantity of 0, fen over the bound. */
	o = parse("{\"receipt_code\":\"\",\"received_on\":\"2026-11-03\","
	          "\"donor_id\":1}");
	ck_assert_int_eq(wire_donation(o, d), -1);
	cJSON_Delete(o);
	o = parse("{\"receipt_code\":\"D\",\"received_on\":\"2026-11-03\","
	          "\"donor_id\":1,\"lines\":[{\"item_id\":5,\"quantity\":0,"
	          "\"unit_value_fen\":1}]}");
	ck_assert_int_eq(wire_donation(o, d), -1);
	cJSON_Delete(o);
	o = parse("{\"receipt_code\":\"D\",\"received_on\":\"2026-11-03\","
	          "\"donor_id\":1,\"cash\":{\"amount_fen\":10000000001,"
	          "\"fund_id\":2}}");
	ck_assert_int_eq(wire_donation(o, d), -1);
	cJSON_Delete(o);
	free(d);
}
END_TEST

START_TEST(t_conflict)
{
	struct journal_entry e;
	cJSON *o;
	char *s;

	memset(&e, 0, sizeof(e));
	e.seq = 4;
	snprintf(e.client_id, sizeof(e.client_id), "cid-4");
	e.points = 40;
	e.offline = 1;
	e.body = "{\"household_card\":\"TC1\"}";
	e.reply = "{\"error\":{\"code\":\"insufficient_points\"}}";
	ck_assert_ptr_nonnull(s = wire_conflict(&e));
	ck_assert_ptr_null(strchr(s, '\n')); /* one line */
	o = parse(s);
	ck_assert_int_eq(cJSON_GetObjectItem(o, "seq")->valueint, 4);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "client_id")->valuestring, "cid-4");
	ck_assert_int_eq(cJSON_GetObjectItem(o, "points")->valueint, 40);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(o, "offline")));
	ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "request"),
	                     "household_card")
	                     ->valuestring,
	    "TC1");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
	        cJSON_GetObjectItem(cJSON_GetObjectItem(o, "reply"), "error"),
	        "code")
	        ->valuestring,
	    "insufficient_points");
	cJSON_Delete(o);
	free(s);
	e.reply = NULL; /* not answered yet: no "reply" */
	s = wire_conflict(&e);
	o = parse(s);
	ck_assert_ptr_null(cJSON_GetObjectItem(o, "reply"));
	cJSON_Delete(o);
	free(s);
}
END_TEST

START_TEST(t_strcpy_utf8)
{
	cJSON *o = parse("{\"s\":\"米面油\"}");
	char out[8];

	/* 9 bytes into 8: cut to two whole characters, not a half. */
	ck_assert_int_eq(wire_strcpy(o, "s", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "米面");
	ck_assert_int_eq(wire_strcpy(o, "t", out, sizeof(out)), -1);
	cJSON_Delete(o);
}
END_TEST

/* A volunteer's check-in and check-out bodies, and the shift's minutes
 * read back bounded. */
START_TEST(t_volunteer)
{
	cJSON *o;
	char *s;
	int64_t m = -1;

	ck_assert_ptr_nonnull(s = wire_checkin_req("cid-1", "T1", "理\"货"));
	o = parse(s);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "client_id")->valuestring, "cid-1");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "till_id")->valuestring, "T1");
	ck_assert_str_eq(cJSON_GetObjectItem(o, "role")->valuestring, "理\"货");
	cJSON_Delete(o);
	free(s);
	ck_assert_ptr_nonnull(s = wire_checkout_req("cid-2"));
	o = parse(s);
	ck_assert_int_eq(cJSON_GetArraySize(o), 1);
	cJSON_Delete(o);
	free(s);
	o = parse("{\"minutes\":95}");
	ck_assert_int_eq(wire_shift_minutes(o, &m), 0);
	ck_assert_int_eq(m, 95);
	cJSON_Delete(o);
	o = parse("{\"minutes\":1441}");
	ck_assert_int_eq(wire_shift_minutes(o, &m), -1);
	cJSON_Delete(o);
	o = parse("{\"minutes\":\"5\"}");
	ck_assert_int_eq(wire_shift_minutes(o, &m), -1);
	cJSON_Delete(o);
}
END_TEST

START_TEST(t_state)
{
	struct till t;
	struct till_household h;
	struct till_item it;
	struct wire_devs d = {3, 1, "paper_end", "attached", 2, NULL};
	cJSON *o, *l;
	char *s;

	till_init(&t, TILL_EN, 200);
	s = wire_state(&t, &d);
	o = parse(s);
	ck_assert_str_eq(cJSON_GetObjectItem(o, "stage")->valuestring, "login");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "household")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "balance_after")));
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(o, "receipt")));
	ck_assert_int_eq(cJSON_GetObjectItem(o, "pending")->valueint, 3);
	ck_assert_int_eq(cJSON_GetObjectItem(o, "print_queue")->valueint, 2);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "printer")->valuestring, "paper_end");
	cJSON_Delete(o);
	free(s);

	till_login(&t, "cashier", "cashier");
	memset(&h, 0, sizeof(h));
	snprintf(h.card, sizeof(h.card), "TC1");
	snprintf(h.status, sizeof(h.status), "active");
	h.points = 50;
	till_household(&t, &h);
	memset(&it, 0, sizeof(it));
	it.id = 7;
	it.points = 40;
	it.monthly_limit = -1;
	snprintf(it.barcode, sizeof(it.barcode), "6901");
	ck_assert_int_eq(till_add(&t, &it), 0);
	ck_assert_int_eq(till_add(&t, &it), 0); /* 80 points: over 50 */
	till_check(&t);
	till_msg(&t, "hello", "%s", "a message");
	d.receipt = "T1-000042";
	s = wire_state(&t, &d);
	o = parse(s);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "stage")->valuestring, "basket");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(cJSON_GetObjectItem(o, "household"), "card")
	        ->valuestring,
	    "TC1");
	l = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "lines"), 0);
	ck_assert_int_eq(cJSON_GetObjectItem(l, "qty")->valueint, 2);
	ck_assert_int_eq(cJSON_GetObjectItem(l, "points")->valueint, 80);
	ck_assert_str_eq(
	    cJSON_GetArrayItem(cJSON_GetObjectItem(l, "flags"), 0)->valuestring,
	    "insufficient_points");
	ck_assert_int_eq(cJSON_GetObjectItem(o, "total")->valueint, 80);
	ck_assert_str_eq(
	    cJSON_GetObjectItem(o, "receipt")->valuestring, "T1-000042");
	l = cJSON_GetObjectItem(o, "messages");
	ck_assert_str_eq(
	    cJSON_GetObjectItem(
	        cJSON_GetArrayItem(l, cJSON_GetArraySize(l) - 1), "code")
	        ->valuestring,
	    "hello");
	cJSON_Delete(o);
	free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_wire");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, t_login);
	tcase_add_test(tc, t_error);
	tcase_add_test(tc, t_distribution_req);
	tcase_add_test(tc, t_distribution_reply);
	tcase_add_test(tc, t_household_item_text);
	tcase_add_test(tc, t_pages);
	tcase_add_test(tc, t_donation);
	tcase_add_test(tc, t_conflict);
	tcase_add_test(tc, t_strcpy_utf8);
	tcase_add_test(tc, t_state);
	tcase_add_test(tc, t_volunteer);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
