/*
 * A household's own balance against the real server: a manager sets its
 * PIN (argon2id, audited, roles and bad input refused); POST
 * /public/balance answers the household's points, this month's limits
 * and recent distributions for the right card and PIN and nothing that
 * names it; a wrong PIN, an unknown card and a card without a PIN are
 * 401 alike; failures close the card and the address (429, Retry-After).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const char *
itest_balance_body(const char *card, const char *pin)
{
	return itest_f("{'card_code':'%s','pin':'%s'}", card, pin);
}

static void
itest_balance_pin(int64_t hh, const char *pin)
{
	itest_ok("PUT", itest_f("/api/v1/households/%lld/pin", (long long)hh),
	    itest_admin, itest_f("{'pin':'%s'}", pin), 200);
}

/* The PIN is set by a manager alone, 4 to 8 digits, as argon2id. */
START_TEST(test_pin_set)
{
	struct itest_roles ro = itest_roles();
	int64_t hh = itest_household("BL-1", "dibao", 2, -10, 300);
	const char *path =
	    itest_f("/api/v1/households/%lld/pin", (long long)hh);
	cJSON *j;

	itest_refused(
	    "PUT", path, ro.cashier, "{'pin':'1234'}", 403, "forbidden", NULL);
	itest_refused(
	    "PUT", path, ro.auditor, "{'pin':'1234'}", 403, "forbidden", NULL);
	itest_refused(
	    "PUT", path, NULL, "{'pin':'1234'}", 401, "unauthenticated", NULL);
	itest_refused(
	    "PUT", path, ro.mgr, "{'pin':'123'}", 400, "bad_field", "pin");
	itest_refused("PUT", path, ro.mgr, "{'pin':'123456789'}", 400,
	    "bad_field", "pin");
	itest_refused(
	    "PUT", path, ro.mgr, "{'pin':'12a4'}", 400, "bad_field", "pin");
	itest_refused(
	    "PUT", path, ro.mgr, "{'pin':1234}", 400, "bad_field", "pin");
	itest_refused("PUT", path, ro.mgr, "{}", 400, "missing_field", "pin");
	itest_refused("PUT", "/api/v1/households/999999/pin", ro.mgr,
	    "{'pin':'1234'}", 404, "not_found", NULL);
	/* Nothing was set by the refusals. */
	ck_assert_int_eq(
	    itest_sql_int(itest_s->db, "SELECT count(*) FROM household_pins"),
	    0);
	j = itest_ok("PUT", path, ro.mgr, "{'pin':'20261206'}", 200);
	ck_assert_int_eq(itest_int(j, "household_id"), hh);
	ck_assert_int_eq(
	    itest_sql_int(itest_s->db,
	        itest_f("SELECT hash LIKE '$argon2id$%%' AND hash NOT LIKE "
	                "'%%20261206%%' FROM household_pins WHERE "
	                "household_id = %lld",
	            (long long)hh)),
	    1);
	ck_assert_int_eq(itest_audits("set_pin", "household", hh), 1);
	/* The audit row says nothing of the PIN. */
	ck_assert_int_eq(itest_sql_int(itest_s->db,
	                     "SELECT count(*) FROM audit WHERE detail LIKE "
	                     "'%2026%'"),
	    0);
}
END_TEST

/* The right card and PIN: the household's own figures, nothing else. */
START_TEST(test_balance)
{
	int64_t rice = itest_item("大米", "BL-RICE", 5, 3, 0);
	int64_t hh = itest_household_granted("BL-2", "dibao", 3, 1000);
	const char *text;
	const cJSON *l, *d;
	cJSON *j;

	itest_lot(rice, 10, itest_date(30));
	itest_basket(
	    itest_admin, NULL, "T1", "BL-2", itest_line(rice, 2), NULL);
	itest_balance_pin(hh, "4321");
	j = itest_ok("POST", "/public/balance", NULL,
	    itest_balance_body("BL-2", "4321"), 200);
	ck_assert_int_eq(itest_int(j, "points"), itest_hh_points(hh));
	ck_assert_int_eq(itest_int(j, "points"), 990);
	ck_assert_str_eq(itest_str(j, "period"), itest_period(0));
	l = itest_find_str(itest_arr(j, "limits"), "item", "大米");
	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(itest_int(l, "monthly_limit"), 3);
	ck_assert_int_eq(itest_int(l, "taken"), 2);
	ck_assert_int_eq(itest_int(l, "left"), 1);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "recent")), 1);
	d = cJSON_GetArrayItem(itest_arr(j, "recent"), 0);
	ck_assert_str_eq(itest_str(d, "date"), itest_date(0));
	ck_assert_int_eq(itest_int(d, "points"), 10);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_arr(d, "items"), 0), "quantity"),
	    2);
	text = itest_text(j);
	ck_assert_msg(strstr(text, "BL-2") == NULL &&
	        strstr(text, "\"id\"") == NULL &&
	        strstr(text, "name") == NULL && strstr(text, "street") == NULL,
	    "the balance says who the household is: %s", text);
	/* Wrong PIN, unknown card, a card without a PIN: 401 alike. */
	itest_household("BL-3", "dibao", 1, -10, 300);
	itest_refused("POST", "/public/balance", NULL,
	    itest_balance_body("BL-2", "0000"), 401, "unauthenticated", NULL);
	itest_refused("POST", "/public/balance", NULL,
	    itest_balance_body("BL-NOPE", "4321"), 401, "unauthenticated",
	    NULL);
	/* Bad input: 400, and nothing counted. */
	itest_refused("POST", "/public/balance", NULL, "{'card_code':'BL-2'}",
	    400, "missing_field", "pin");
	itest_refused("POST", "/public/balance", NULL,
	    "{'card_code':'BL-2','pin':'1','x':1}", 400, "bad_field", "x");
	itest_refused("POST", "/public/balance", NULL,
	    itest_balance_body("BL-2", "123456789"), 400, "bad_field", "pin");
	/* Still open for the right PIN after two failures. */
	itest_ok("POST", "/public/balance", NULL,
	    itest_balance_body("BL-2", "4321"), 200);
	itest_refused("POST", "/public/balance", NULL,
	    itest_balance_body("BL-3", "4321"), 401, "unauthenticated", NULL);
}
END_TEST

/* Failures close the card, then the address: 429 with Retry-After, the
 * right PIN refused too while closed. */
START_TEST(test_balance_throttle)
{
	int64_t a = itest_household_granted("BL-A", "dibao", 1, 100);
	int64_t b = itest_household_granted("BL-B", "dibao", 1, 100);
	struct itest_reply *r;
	int i;

	itest_balance_pin(a, "1111");
	itest_balance_pin(b, "2222");
	for (i = 0; i < 3; i++)
		itest_refused("POST", "/public/balance", NULL,
		    itest_balance_body("BL-A", "9999"), 401, "unauthenticated",
		    NULL);
	r = itest_raw(itest_s, "POST", "/public/balance", NULL,
	    "application/json", "{\"card_code\":\"BL-A\",\"pin\":\"1111\"}",
	    strlen("{\"card_code\":\"BL-A\",\"pin\":\"1111\"}"));
	ck_assert_msg(r->status == 429, "4th try: %d %s", r->status, r->body);
	ck_assert_msg(strstr(r->body, "\"throttled\"") != NULL, "%s", r->body);
	ck_assert_msg(strstr(r->headers, "retry-after: ") != NULL,
	    "no Retry-After:\n%s", r->headers);
	/* The address too: another card from here is refused. */
	r = itest_raw(itest_s, "POST", "/public/balance", NULL,
	    "application/json", "{\"card_code\":\"BL-B\",\"pin\":\"2222\"}",
	    strlen("{\"card_code\":\"BL-B\",\"pin\":\"2222\"}"));
	ck_assert_msg(
	    r->status == 429, "other card: %d %s", r->status, r->body);
}
END_TEST

/* A PIN given at registration is set with the household, in one go; a
 * bad one refuses the registration. */
START_TEST(test_pin_at_registration)
{
	const char *body = itest_household_body("BL-R", "王建国",
	    itest_idnum(7), 2, "dibao", itest_date(-1), itest_date(300));
	size_t n = strlen(body);
	cJSON *j;

	ck_assert(n > 0 && body[n - 1] == '}');
	itest_refused("POST", "/api/v1/households", itest_admin,
	    itest_f("%.*s,'pin':'12'}", (int)(n - 1), body), 400, "bad_field",
	    "pin");
	itest_refused("POST", "/api/v1/households", itest_admin,
	    itest_f("%.*s,'pin':''}", (int)(n - 1), body), 400, "bad_field",
	    "pin");
	ck_assert_int_eq(itest_sql_int(itest_s->db,
	                     "SELECT count(*) FROM households WHERE "
	                     "card_code = 'BL-R'"),
	    0);
	j = itest_ok("POST", "/api/v1/households", itest_admin,
	    itest_f("%.*s,'pin':'97531'}", (int)(n - 1), body), 201);
	ck_assert_int_eq(
	    itest_audits("set_pin", "household", itest_int(j, "id")), 1);
	j = itest_ok("POST", "/public/balance", NULL,
	    itest_balance_body("BL-R", "97531"), 200);
	ck_assert_int_eq(itest_int(j, "points"), 0);
}
END_TEST

static Suite *
itest_balance_suite(void)
{
	Suite *s = suite_create("balance");
	TCase *tc = itest_tcase("balance");

	tcase_add_test(tc, test_pin_set);
	tcase_add_test(tc, test_balance);
	tcase_add_test(tc, test_balance_throttle);
	tcase_add_test(tc, test_pin_at_registration);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_balance_suite());
}
