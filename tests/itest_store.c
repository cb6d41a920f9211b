/*
 * itest_store: GET /api/v1/store (every role: the till asks it at log-in)
 * and PATCH /api/v1/store (manager, admin): the name and the public
 * address, validated, audited; a refused change changes nothing.
 */
#include <string.h>

#include "itest.h"

#define STORE "/api/v1/store"

/* The audit's updates of the store (no entity id: there is one). */
static int
store_audits(void)
{
	cJSON *j = itest_ok("GET", "/api/v1/audit?action=update&limit=500",
	    itest_admin, NULL, 200);
	const cJSON *a;
	int n = 0;

	cJSON_ArrayForEach(a, itest_items(j))
	{
		if (strcmp(itest_str(a, "entity"), "store") == 0)
			n++;
	}
	return n;
}

START_TEST(t_get_every_role)
{
	struct itest_roles r = itest_roles();
	const char *toks[] = {itest_admin, r.mgr, r.cashier, r.auditor};
	cJSON *s;
	size_t i;

	for (i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		s = itest_ok("GET", STORE, toks[i], NULL, 200);
		ck_assert_str_eq(itest_str(s, "name"), "慈善超市");
		ck_assert_str_eq(itest_str(s, "public_address"), "");
		ck_assert_str_eq(itest_str(s, "time_zone"), "Asia/Shanghai");
		ck_assert_int_eq(strlen(itest_str(s, "now")), 25);
		ck_assert_str_eq(itest_str(s, "now") + 19, "+08:00");
	}
	itest_refused("GET", STORE, NULL, NULL, 401, "unauthenticated", NULL);
}
END_TEST

START_TEST(t_patch)
{
	struct itest_roles r = itest_roles();
	const char *before;
	cJSON *s;

	s = itest_ok("PATCH", STORE, r.mgr,
	    "{'name':'慈善超市（南京东路店）','public_address':"
	    "'https://cishan.example.org'}",
	    200);
	ck_assert_str_eq(itest_str(s, "name"), "慈善超市（南京东路店）");
	ck_assert_str_eq(
	    itest_str(s, "public_address"), "https://cishan.example.org");
	s = itest_ok("GET", STORE, r.cashier, NULL, 200);
	ck_assert_str_eq(itest_str(s, "name"), "慈善超市（南京东路店）");
	/* One field alone leaves the other. */
	s = itest_ok("PATCH", STORE, itest_admin,
	    "{'public_address':'http://10.0.0.2:8080'}", 200);
	ck_assert_str_eq(itest_str(s, "name"), "慈善超市（南京东路店）");
	ck_assert_str_eq(
	    itest_str(s, "public_address"), "http://10.0.0.2:8080");
	ck_assert_int_eq(store_audits(), 2);
	before = itest_state(STORE);
	itest_refused(
	    "PATCH", STORE, r.cashier, "{'name':'x'}", 403, "forbidden", NULL);
	itest_refused(
	    "PATCH", STORE, r.auditor, "{'name':'x'}", 403, "forbidden", NULL);
	itest_refused("PATCH", STORE, r.mgr, "{}", 400, "missing_field", NULL);
	itest_refused(
	    "PATCH", STORE, r.mgr, "{'name':''}", 400, "bad_field", "name");
	itest_refused("PATCH", STORE, r.mgr, itest_f("{'name':'%061d'}", 0),
	    400, "bad_field", "name");
	itest_refused("PATCH", STORE, r.mgr, "{'name':'a\\u0007b'}", 400,
	    "bad_field", "name");
	itest_refused("PATCH", STORE, r.mgr,
	    "{'public_address':'javascript:alert(1)'}", 400, "bad_field",
	    "public_address");
	itest_refused("PATCH", STORE, r.mgr,
	    "{'public_address':'https://a.org/<b>'}", 400, "bad_field",
	    "public_address");
	itest_refused("PATCH", STORE, r.mgr,
	    "{'public_address':'https://a.org/x y'}", 400, "bad_field",
	    "public_address");
	itest_refused("PATCH", STORE, r.mgr, "{'time_zone':'UTC'}", 400,
	    "bad_field", "time_zone");
	itest_refused(
	    "PATCH", STORE, r.mgr, "{'name':5}", 400, "bad_field", "name");
	ck_assert_str_eq(itest_state(STORE), before);
	ck_assert_int_eq(store_audits(), 2);
	/* Cleared. */
	s = itest_ok("PATCH", STORE, r.mgr, "{'public_address':''}", 200);
	ck_assert_str_eq(itest_str(s, "public_address"), "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = itest_tcase("store");

	tcase_add_test(tc, t_get_every_role);
	tcase_add_test(tc, t_patch);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
