/*
 * A household's card replaced (the old one stops at once, and never comes
 * back), and the audit log's filters, against the real server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static const char *
itest_cards_path(int64_t id)
{
	return itest_f("/api/v1/households/%lld/card", (long long)id);
}

static const char *
itest_cards_body(const char *card, const char *reason)
{
	return itest_f("{'card_code':'%s','reason':'%s'}", card, reason);
}

/* GET by-card as the admin: the household's id, or 0 on 404. */
static int64_t
itest_cards_find(const char *card)
{
	int st;
	cJSON *j = itest_req(itest_s, "GET",
	    itest_f("/api/v1/households/by-card/%s", card), itest_admin, NULL,
	    &st);

	if (st == 404) {
		itest_assert_error(j, st, 404, "not_found", NULL);
		return 0;
	}
	ck_assert_msg(st == 200, "by-card %s: %d %s", card, st, itest_print(j));
	return itest_int(j, "id");
}

START_TEST(test_replace)
{
	int64_t id = itest_household("OLD-0001", "dibao", 3, -30, 300);
	const char *log = itest_f("%s/server.log", itest_s->dir);
	const cJSON *e, *items;
	cJSON *j;

	itest_grant(id, 120);
	ck_assert_int_eq(itest_cards_find("OLD-0001"), id);
	j = itest_ok("POST", itest_cards_path(id), itest_admin,
	    itest_cards_body("NEW-0001", "卡片遗失"), 200);
	ck_assert_int_eq(itest_int(j, "id"), id);
	ck_assert_str_eq(itest_str(j, "card_code"), "NEW-0001");
	ck_assert_int_eq(itest_int(j, "points"), 120);
	ck_assert_msg(strstr(itest_text(j), "OLD-0001") == NULL,
	    "the old card in the reply: %s", itest_print(j));
	/* At once: the new card finds it, the old one nothing. */
	ck_assert_int_eq(itest_cards_find("NEW-0001"), id);
	ck_assert_int_eq(itest_cards_find("OLD-0001"), 0);
	j = itest_ok("GET", itest_f("/api/v1/households/%lld", (long long)id),
	    itest_admin, NULL, 200);
	ck_assert_str_eq(itest_str(j, "card_code"), "NEW-0001");
	ck_assert_int_eq(itest_hh_points(id), 120);
	/* The till finds it by the new card too (a cashier's look-up). */
	j = itest_ok("GET", "/api/v1/households/by-card/NEW-0001",
	    itest_user(itest_s, "till1", "cashier"), NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), id);
	/* The search by card follows it. */
	j = itest_ok(
	    "GET", "/api/v1/households?q=OLD-0001", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);

	/* Audited with the reason; no card code in the audit or the
	 * request log. */
	items = itest_items(itest_ok("GET", "/api/v1/audit?action=replace_card",
	    itest_admin, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	e = cJSON_GetArrayItem(items, 0);
	ck_assert_str_eq(itest_str(e, "entity"), "household");
	ck_assert_int_eq(itest_int(e, "entity_id"), id);
	ck_assert_str_eq(itest_str(e, "detail"), "卡片遗失");
	ck_assert_msg(strstr(itest_text(items), "-0001") == NULL,
	    "a card code in the audit: %s", itest_print(items));
	itest_ok("GET", "/healthz", NULL, NULL, 200); /* flushes the log */
	ck_assert_msg(!itest_file_has(log, "NEW-0001") &&
	        !itest_file_has(log, "OLD-0001"),
	    "a card code in the request log:\n%s", itest_slurp(log));

	/* Replaced twice: both old cards are gone. */
	itest_ok("POST", itest_cards_path(id), itest_admin,
	    itest_cards_body("NEW-0002", "损坏"), 200);
	ck_assert_int_eq(itest_cards_find("NEW-0001"), 0);
	ck_assert_int_eq(itest_cards_find("NEW-0002"), id);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Refusals change nothing: the old card still works, no audit row. */
START_TEST(test_refused)
{
	int64_t id = itest_household("HH-A", "tekun", 2, -30, 300);
	int64_t other = itest_household("HH-B", "dibao", 1, -30, 300);
	const char *path = itest_cards_path(id);
	const char *state =
	    itest_state(itest_f("/api/v1/households/%lld", (long long)id));
	const char *audit = itest_text(itest_items(itest_ok(
	    "GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200)));

	itest_refused("POST", path, itest_admin, itest_cards_body("HH-B", "x"),
	    409, "conflict", "card_code");
	itest_refused("POST", path, itest_admin, itest_cards_body("HH-A", "x"),
	    409, "conflict", "card_code");
	itest_refused("POST", path, itest_admin, itest_cards_body("HH A!", "x"),
	    400, "bad_field", "card_code");
	itest_refused("POST", path, itest_admin, itest_cards_body("卡号", "x"),
	    400, "bad_field", "card_code");
	itest_refused("POST", path, itest_admin,
	    itest_cards_body(itest_f("%033d", 7), "x"), 400, "bad_field",
	    "card_code");
	itest_refused("POST", path, itest_admin, itest_cards_body("", "x"), 400,
	    "bad_field", "card_code");
	itest_refused("POST", path, itest_admin, "{'reason':'x'}", 400,
	    "missing_field", "card_code");
	itest_refused("POST", path, itest_admin, "{'card_code':'HH-C'}", 400,
	    "missing_field", "reason");
	itest_refused("POST", path, itest_admin,
	    itest_cards_body("HH-C", itest_f("%0191d", 0)), 400, "bad_field",
	    "reason");
	itest_refused("POST", path, itest_admin, "{'card_code':7,'reason':'x'}",
	    400, "bad_field", "card_code");
	itest_refused("POST", itest_cards_path(999999), itest_admin,
	    itest_cards_body("HH-C", "x"), 404, "not_found", NULL);
	itest_refused("POST", "/api/v1/households/x/card", itest_admin,
	    itest_cards_body("HH-C", "x"), 404, "not_found", NULL);
	ck_assert_str_eq(
	    itest_state(itest_f("/api/v1/households/%lld", (long long)id)),
	    state);
	ck_assert_str_eq(
	    itest_text(itest_items(itest_ok(
	        "GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200))),
	    audit);
	ck_assert_int_eq(itest_cards_find("HH-A"), id);
	ck_assert_int_eq(itest_cards_find("HH-B"), other);
	ck_assert_int_eq(itest_cards_find("HH-C"), 0);

	/* A retired card is never issued again: not as a replacement, not
	 * to a new household. */
	itest_ok(
	    "POST", path, itest_admin, itest_cards_body("HH-C", "lost"), 200);
	itest_refused("POST", itest_cards_path(other), itest_admin,
	    itest_cards_body("HH-A", "x"), 409, "conflict", "card_code");
	itest_refused("POST", path, itest_admin, itest_cards_body("HH-A", "x"),
	    409, "conflict", "card_code");
	itest_refused("POST", "/api/v1/households", itest_admin,
	    itest_household_body("HH-A", "李四", itest_idnum(4242), 2, "dibao",
	        itest_date(-1), itest_date(100)),
	    409, "conflict", "card_code");
	ck_assert_int_eq(itest_cards_find("HH-A"), 0);
	ck_assert_int_eq(itest_cards_find("HH-B"), other);
	ck_assert_int_eq(itest_cards_find("HH-C"), id);
}
END_TEST

START_TEST(test_roles)
{
	int64_t id = itest_household("R-0", "other", 1, -30, 300);
	const char *mgr = itest_user(itest_s, "m1", "manager");
	const char *cash = itest_user(itest_s, "c1", "cashier");
	const char *aud = itest_user(itest_s, "u1", "auditor");

	itest_refused("POST", itest_cards_path(id), cash,
	    itest_cards_body("R-1", "x"), 403, "forbidden", NULL);
	itest_refused("POST", itest_cards_path(id), aud,
	    itest_cards_body("R-1", "x"), 403, "forbidden", NULL);
	itest_refused("POST", itest_cards_path(id), NULL,
	    itest_cards_body("R-1", "x"), 401, "unauthenticated", NULL);
	ck_assert_int_eq(itest_cards_find("R-0"), id);
	ck_assert_int_eq(itest_cards_find("R-1"), 0);
	itest_ok("POST", itest_cards_path(id), mgr,
	    itest_cards_body("R-1", "x"), 200);
	itest_ok("POST", itest_cards_path(id), itest_admin,
	    itest_cards_body("R-2", "x"), 200);
	ck_assert_int_eq(itest_cards_find("R-1"), 0);
	ck_assert_int_eq(itest_cards_find("R-2"), id);
}
END_TEST

/* Each entry of a list reply has member K equal to V (text or number). */
static void
itest_cards_all(const cJSON *items, const char *k, const char *v)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, items)
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, k);
		const char *got = cJSON_IsString(m) ? m->valuestring
		    : cJSON_IsNumber(m)
		    ? itest_f("%lld", (long long)m->valuedouble)
		    : "(none)";

		ck_assert_msg(strcmp(got, v) == 0, "%s is %s, not %s in %s", k,
		    got, v, itest_print(e));
	}
}

START_TEST(test_audit_filters)
{
	const char *aud = itest_user(itest_s, "aud", "auditor");
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	int64_t mid = itest_int(
	    itest_find_str(itest_items(itest_ok(
	                       "GET", "/api/v1/users", itest_admin, NULL, 200)),
	        "username", "mgr"),
	    "id");
	const char *q;
	cJSON *items, *j;
	int n;

	itest_donor(mgr, "甲", "individual");
	itest_donor(mgr, "乙", "individual");
	itest_donor(itest_admin, "丙", "individual");

	/* user_id alone: mgr's log-in and two creations. */
	q = itest_f("/api/v1/audit?user_id=%lld", (long long)mid);
	items = itest_items(itest_ok("GET", q, aud, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 3);
	itest_cards_all(items, "user_id", itest_f("%lld", (long long)mid));
	/* action alone: the admin's user creations and the donors. */
	items = itest_items(
	    itest_ok("GET", "/api/v1/audit?action=create", aud, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 5);
	itest_cards_all(items, "action", "create");
	/* Both, with a range, and paged. */
	q = itest_f("/api/v1/audit?user_id=%lld&action=create&from=%s&to=%s",
	    (long long)mid, itest_date(0), itest_date(0));
	items = itest_items(itest_ok("GET", q, aud, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	itest_cards_all(items, "action", "create");
	itest_cards_all(items, "user_id", itest_f("%lld", (long long)mid));
	itest_cards_all(items, "entity", "donor");
	j = itest_ok("GET", itest_f("%s&limit=1", q), aud, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	j = itest_ok("GET",
	    itest_f("%s&limit=1&cursor=%s", q, itest_str(j, "next")), aud, NULL,
	    200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	itest_cards_all(
	    itest_items(j), "user_id", itest_f("%lld", (long long)mid));
	q = itest_f("/api/v1/audit?user_id=%lld&action=create&from=%s",
	    (long long)mid, itest_date(1));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_items(itest_ok("GET", q, aud, NULL, 200))),
	    0);
	items = itest_items(
	    itest_ok("GET", "/api/v1/audit?action=login", aud, NULL, 200));
	n = cJSON_GetArraySize(items);
	ck_assert_int_eq(n, 3); /* admin, aud, mgr */
	itest_cards_all(items, "action", "login");
	items = itest_items(itest_ok(
	    "GET", "/api/v1/audit?action=void&user_id=1", aud, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 0);
	items = itest_items(
	    itest_ok("GET", "/api/v1/audit?user_id=999999", aud, NULL, 200));
	ck_assert_int_eq(cJSON_GetArraySize(items), 0);

	/* Bad filters. */
	itest_refused("GET", "/api/v1/audit?action=dance", aud, NULL, 400,
	    "bad_field", "action");
	itest_refused("GET", "/api/v1/audit?action=", aud, NULL, 400,
	    "bad_field", "action");
	itest_refused("GET", "/api/v1/audit?action=LOGIN", aud, NULL, 400,
	    "bad_field", "action");
	itest_refused("GET", "/api/v1/audit?user_id=abc", aud, NULL, 400,
	    "bad_field", "user_id");
	itest_refused("GET", "/api/v1/audit?user_id=0", aud, NULL, 400,
	    "bad_field", "user_id");
	itest_refused("GET", "/api/v1/audit?user_id=-2", aud, NULL, 400,
	    "bad_field", "user_id");
	itest_refused("GET", "/api/v1/audit?user_id=", aud, NULL, 400,
	    "bad_field", "user_id");
	itest_refused("GET", "/api/v1/audit?action=login&from=2026-13-01", aud,
	    NULL, 400, "bad_field", "from");
	/* Still the admin's and the auditor's only. */
	itest_refused("GET", "/api/v1/audit?action=login", mgr, NULL, 403,
	    "forbidden", NULL);
}
END_TEST

static Suite *
itest_cards_suite(void)
{
	Suite *s = suite_create("itest_cards");
	TCase *tc = itest_tcase("cards");

	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_audit_filters);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_cards_suite());
}
