/*
 * Staff management: the list of users, their role, name and disabled
 * flag, the last active admin, password resets and one's own password
 * change, against the real server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

#define NEW_PASS "fresh-pass-6789"

static const char *const itest_users_roles[] = {
    "admin", "manager", "cashier", "auditor"};

/* A user of ROLE named NAME (ITEST_USER_PASS); its id. */
static int64_t
itest_users_make(const char *name, const char *role)
{
	return itest_int(
	    itest_ok("POST", "/api/v1/users", itest_admin,
	        itest_f("{'username':'%s','password':'%s','role':'%s',"
	                "'display_name':'%s 用户'}",
	            name, ITEST_USER_PASS, role, name),
	        201),
	    "id");
}

/* The whole user list, as the admin reads it. */
static cJSON *
itest_users_all(void)
{
	return itest_items(
	    itest_ok("GET", "/api/v1/users?limit=500", itest_admin, NULL, 200));
}

static const char *
itest_users_body(const char *user, const char *pass)
{
	return itest_f("{'username':'%s','password':'%s'}", user, pass);
}

/* A log-in's reply, whatever its status. */
static cJSON *
itest_users_login(const char *user, const char *pass, int *st)
{
	return itest_req(itest_s, "POST", "/api/v1/sessions", NULL,
	    itest_users_body(user, pass), st);
}

/* The token answers (200) or not (401) on a request anyone may make. */
static void
itest_users_token(const char *tok, int want)
{
	int st;
	cJSON *j = itest_req(itest_s, "GET", "/api/v1/items", tok, NULL, &st);

	if (want == 401)
		itest_assert_error(j, st, 401, "unauthenticated", NULL);
	else
		ck_assert_msg(st == want, "token: %d, want %d: %s", st, want,
		    itest_print(j));
}

/* The newest audit entry of ACTION about user ID, or NULL. */
static const cJSON *
itest_users_audit(const char *action, int64_t id)
{
	const cJSON *e,
	    *items = itest_items(itest_ok("GET",
	        itest_f("/api/v1/audit?action=%s&limit=500", action),
	        itest_admin, NULL, 200));

	cJSON_ArrayForEach(e, items)
	{
		const cJSON *v =
		    cJSON_GetObjectItemCaseSensitive(e, "entity_id");

		if (strcmp(itest_str(e, "entity"), "user") == 0 &&
		    cJSON_IsNumber(v) && (int64_t)v->valuedouble == id)
			return e;
	}
	return NULL;
}

START_TEST(test_list)
{
	int64_t id = itest_users_make("lucy", "cashier");
	const cJSON *u, *items;
	cJSON *j;
	int st, n;

	items = itest_users_all();
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	u = itest_find(items, "id", id);
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(itest_str(u, "username"), "lucy");
	ck_assert_str_eq(itest_str(u, "display_name"), "lucy 用户");
	ck_assert_str_eq(itest_str(u, "role"), "cashier");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(u, "disabled")));
	ck_assert_uint_ge(strlen(itest_str(u, "created_at")), 20);
	/* Never logged in: null; the admin has. */
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(u, "last_login_at")));
	u = itest_find_str(items, "username", "admin");
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(itest_str(u, "role"), "admin");
	ck_assert_uint_ge(strlen(itest_str(u, "last_login_at")), 20);
	/* No password, nor its hash, in any form. */
	ck_assert_msg(strstr(itest_text(items), "argon") == NULL &&
	        strstr(itest_text(items), "pwhash") == NULL &&
	        strstr(itest_text(items), "password") == NULL,
	    "a password hash in the list: %s", itest_print(items));
	itest_login(itest_s, "lucy", ITEST_USER_PASS);
	u = itest_find(itest_users_all(), "id", id);
	ck_assert_uint_ge(strlen(itest_str(u, "last_login_at")), 20);

	/* Pages by id. */
	itest_users_make("mike", "manager");
	j = itest_ok("GET", "/api/v1/users?limit=2", itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert_str_eq(itest_str(j, "next"), itest_f("%lld", (long long)id));
	j = itest_ok("GET",
	    itest_f("/api/v1/users?limit=2&cursor=%s", itest_str(j, "next")),
	    itest_admin, NULL, 200);
	n = cJSON_GetArraySize(itest_items(j));
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(
	    itest_str(cJSON_GetArrayItem(itest_items(j), 0), "username"),
	    "mike");
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(j, "next")));
	j = itest_req(
	    itest_s, "GET", "/api/v1/users?limit=0", itest_admin, NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "limit");
}
END_TEST

/* Users are the admin's alone: each other role is refused, unchanged. */
START_TEST(test_roles)
{
	int64_t id = itest_users_make("target", "cashier");
	const char *tok[4], *before;
	size_t i;

	tok[0] = itest_admin;
	for (i = 1; i < 4; i++)
		tok[i] = itest_user(
		    itest_s, itest_f("r%zu", i), itest_users_roles[i]);
	before = itest_text(itest_users_all());
	for (i = 1; i < 4; i++) {
		itest_refused("GET", "/api/v1/users", tok[i], NULL, 403,
		    "forbidden", NULL);
		itest_refused("PATCH",
		    itest_f("/api/v1/users/%lld", (long long)id), tok[i],
		    "{'disabled':true}", 403, "forbidden", NULL);
		itest_refused("POST",
		    itest_f("/api/v1/users/%lld/password", (long long)id),
		    tok[i], "{'password':'" NEW_PASS "'}", 403, "forbidden",
		    NULL);
	}
	itest_refused(
	    "GET", "/api/v1/users", NULL, NULL, 401, "unauthenticated", NULL);
	ck_assert_str_eq(itest_text(itest_users_all()), before);
	itest_login(itest_s, "target", ITEST_USER_PASS);
	/* The admin may. */
	itest_ok("PATCH", itest_f("/api/v1/users/%lld", (long long)id), tok[0],
	    "{'display_name':'新名字'}", 200);
}
END_TEST

START_TEST(test_patch)
{
	int64_t id = itest_users_make("pat", "cashier");
	const char *path = itest_f("/api/v1/users/%lld", (long long)id);
	const char *tok = itest_login(itest_s, "pat", ITEST_USER_PASS);
	const char *before;
	const cJSON *a;
	cJSON *j;

	before = itest_text(itest_users_all());
	itest_refused("PATCH", path, itest_admin, "{'role':'root'}", 400,
	    "bad_field", "role");
	itest_refused("PATCH", path, itest_admin, "{'disabled':'yes'}", 400,
	    "bad_field", "disabled");
	itest_refused("PATCH", path, itest_admin, "{'display_name':''}", 400,
	    "bad_field", "display_name");
	itest_refused("PATCH", path, itest_admin,
	    itest_f("{'display_name':'%0101d'}", 0), 400, "bad_field",
	    "display_name");
	itest_refused("PATCH", path, itest_admin,
	    "{'display_name':'x','password':'" NEW_PASS "'}", 400, "bad_field",
	    "password");
	itest_refused("PATCH", path, itest_admin, "{'username':'other'}", 400,
	    "bad_field", "username");
	itest_refused(
	    "PATCH", path, itest_admin, "{}", 400, "missing_field", NULL);
	itest_refused("PATCH", path, itest_admin, "[1]", 400, "bad_json", NULL);
	itest_refused("PATCH", "/api/v1/users/999999", itest_admin,
	    "{'disabled':true}", 404, "not_found", NULL);
	itest_refused("PATCH", "/api/v1/users/abc", itest_admin,
	    "{'disabled':true}", 404, "not_found", NULL);
	ck_assert_str_eq(itest_text(itest_users_all()), before);
	itest_users_token(tok, 200);

	/* A new name keeps the session; the reply is the user. */
	j = itest_ok(
	    "PATCH", path, itest_admin, "{'display_name':'王小明'}", 200);
	ck_assert_int_eq(itest_int(j, "id"), id);
	ck_assert_str_eq(itest_str(j, "display_name"), "王小明");
	ck_assert_str_eq(itest_str(j, "role"), "cashier");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "disabled")));
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "pwhash"));
	ck_assert_str_eq(
	    itest_str(itest_find(itest_users_all(), "id", id), "display_name"),
	    "王小明");
	itest_users_token(tok, 200);
	a = itest_users_audit("update", id);
	ck_assert_msg(a != NULL, "no update of user %lld in the audit log",
	    (long long)id);
	ck_assert_str_eq(itest_str(a, "username"), "admin");
	ck_assert_str_eq(itest_str(a, "detail"), "display_name");

	/* A new role ends the sessions: the client learned the old one. */
	j = itest_ok("PATCH", path, itest_admin, "{'role':'manager'}", 200);
	ck_assert_str_eq(itest_str(j, "role"), "manager");
	itest_users_token(tok, 401);
	j = itest_ok("POST", "/api/v1/sessions", NULL,
	    itest_users_body("pat", ITEST_USER_PASS), 201);
	ck_assert_str_eq(itest_str(j, "role"), "manager");
	ck_assert_str_eq(itest_str(j, "display_name"), "王小明");
	itest_ok("GET", "/api/v1/stock", itest_str(j, "token"), NULL, 200);
	a = itest_users_audit("update", id);
	ck_assert_msg(strstr(itest_str(a, "detail"), "cashier->manager"),
	    "the audit does not say the role: %s", itest_print(a));
}
END_TEST

/* A disabled user's token dies at once; their log-in fails exactly as a
 * wrong password does; enabled again, they log in anew. */
START_TEST(test_disable)
{
	int64_t id = itest_users_make("dora", "cashier");
	const char *path = itest_f("/api/v1/users/%lld", (long long)id);
	const char *tok = itest_login(itest_s, "dora", ITEST_USER_PASS);
	const char *tok2 = itest_login(itest_s, "dora", ITEST_USER_PASS);
	const char *wrong, *right;
	cJSON *j;
	int st;

	itest_users_token(tok, 200);
	itest_users_token(tok2, 200);
	j = itest_ok("PATCH", path, itest_admin, "{'disabled':true}", 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "disabled")));
	itest_users_token(tok, 401);
	itest_users_token(tok2, 401);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(
	    itest_find(itest_users_all(), "id", id), "disabled")));
	j = itest_users_login("dora", "wrong-password-1", &st);
	itest_assert_error(j, st, 401, "unauthenticated", NULL);
	wrong = itest_text(j);
	j = itest_users_login("dora", ITEST_USER_PASS, &st);
	itest_assert_error(j, st, 401, "unauthenticated", NULL);
	right = itest_text(j);
	ck_assert_str_eq(right, wrong);
	ck_assert_ptr_null(cJSON_GetObjectItem(j, "token"));
	ck_assert_msg(
	    strstr(itest_str(itest_users_audit("update", id), "detail"),
	        "disabled false->true"),
	    "the audit does not say disabled");
	/* Enabled again: a new log-in works, the old tokens stay dead (and
	 * the success clears the throttle's count). */
	j = itest_ok("PATCH", path, itest_admin, "{'disabled':false}", 200);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "disabled")));
	itest_users_token(itest_login(itest_s, "dora", ITEST_USER_PASS), 200);
	itest_users_token(tok, 401);
}
END_TEST

/* Restarted, the server still refuses a disabled user's old token: the
 * session look-up reads users.disabled, whatever the session row says. */
START_TEST(test_disable_restart)
{
	int64_t id = itest_users_make("rita", "auditor");
	int64_t id2 = itest_users_make("ruth", "auditor");
	const char *tok = itest_login(itest_s, "rita", ITEST_USER_PASS);
	const char *tok2 = itest_login(itest_s, "ruth", ITEST_USER_PASS);
	const char *keep = itest_login(itest_s, "admin", ITEST_ADMIN_PASS);
	struct itest_srv *old = itest_s;
	const char *db = itest_f("%s", old->db);

	itest_ok("PATCH", itest_f("/api/v1/users/%lld", (long long)id),
	    itest_admin, "{'disabled':true}", 200);
	itest_users_token(tok, 401);
	old->own_dir = 0;
	itest_stop(old);
	/* ruth is disabled behind the server's back: her session row lives. */
	itest_sql(db,
	    itest_f("UPDATE users SET disabled = 1 WHERE id = %lld",
	        (long long)id2));
	ck_assert_int_eq(
	    itest_sql_int(db,
	        itest_f("SELECT count(*) FROM sessions WHERE user_id = %lld "
	                "AND revoked = 0",
	            (long long)id2)),
	    1);
	itest_s = itest_start(db);
	itest_users_token(tok, 401);
	itest_users_token(tok2, 401);
	itest_users_token(keep, 200);
	itest_refused("POST", "/api/v1/sessions", NULL,
	    itest_users_body("ruth", ITEST_USER_PASS), 401, "unauthenticated",
	    NULL);
	itest_stop(itest_s);
	itest_verify(db, 1, NULL);
	itest_remove_dir(old->dir);
}
END_TEST

/* The last admin who is not disabled can be neither disabled nor
 * demoted. */
START_TEST(test_last_admin)
{
	const char *self = "/api/v1/users/1";
	const char *before;
	int64_t a2, a3;
	cJSON *j;

	ck_assert_int_eq(
	    itest_int(
	        itest_find_str(itest_users_all(), "username", "admin"), "id"),
	    1);
	before = itest_text(itest_users_all());
	j = itest_refused("PATCH", self, itest_admin, "{'disabled':true}", 422,
	    "last_admin", "disabled");
	ck_assert_msg(strstr(itest_str(itest_obj(j, "error"), "message"),
	                  "admin is the last") != NULL,
	    "the refusal does not name the admin: %s", itest_print(j));
	itest_refused("PATCH", self, itest_admin, "{'role':'manager'}", 422,
	    "last_admin", "role");
	itest_refused("PATCH", self, itest_admin,
	    "{'role':'auditor','display_name':'x'}", 422, "last_admin", "role");
	ck_assert_str_eq(itest_text(itest_users_all()), before);
	itest_users_token(itest_admin, 200);

	/* A disabled admin is no admin to count. */
	a3 = itest_users_make("a3", "admin");
	itest_ok("PATCH", itest_f("/api/v1/users/%lld", (long long)a3),
	    itest_admin, "{'disabled':true}", 200);
	itest_refused("PATCH", self, itest_admin, "{'role':'cashier'}", 422,
	    "last_admin", "role");
	/* With another active one, either may go; then not the other. */
	a2 = itest_users_make("a2", "admin");
	j = itest_ok("PATCH", self, itest_admin, "{'role':'manager'}", 200);
	ck_assert_str_eq(itest_str(j, "role"), "manager");
	itest_users_token(itest_admin, 401);
	itest_admin = itest_login(itest_s, "a2", ITEST_USER_PASS);
	itest_refused("PATCH", itest_f("/api/v1/users/%lld", (long long)a2),
	    itest_admin, "{'disabled':true}", 422, "last_admin", "disabled");
	itest_refused("PATCH", itest_f("/api/v1/users/%lld", (long long)a2),
	    itest_admin, "{'role':'cashier'}", 422, "last_admin", "role");
	/* Re-enabling or promoting is always allowed. */
	itest_ok("PATCH", itest_f("/api/v1/users/%lld", (long long)a3),
	    itest_admin, "{'disabled':false}", 200);
	itest_ok("PATCH", itest_f("/api/v1/users/%lld", (long long)a2),
	    itest_admin, "{'disabled':true}", 200);
	itest_users_token(itest_admin, 401);
	itest_admin = itest_login(itest_s, "a3", ITEST_USER_PASS);
	itest_ok("PATCH", self, itest_admin, "{'role':'admin'}", 200);
}
END_TEST

START_TEST(test_reset)
{
	int64_t id = itest_users_make("rose", "manager");
	const char *path =
	    itest_f("/api/v1/users/%lld/password", (long long)id);
	const char *t1 = itest_login(itest_s, "rose", ITEST_USER_PASS);
	const char *t2 = itest_login(itest_s, "rose", ITEST_USER_PASS);
	const char *before = itest_text(itest_users_all());
	const cJSON *a;
	int st;

	itest_refused("POST", path, itest_admin, "{'password':'short'}", 400,
	    "bad_field", "password");
	itest_refused("POST", path, itest_admin,
	    itest_f("{'password':'%0129d'}", 0), 400, "bad_field", "password");
	itest_refused(
	    "POST", path, itest_admin, "{}", 400, "missing_field", "password");
	itest_refused("POST", path, itest_admin, "{'password':12345678}", 400,
	    "bad_field", "password");
	itest_refused("POST", "/api/v1/users/999999/password", itest_admin,
	    "{'password':'" NEW_PASS "'}", 404, "not_found", NULL);
	ck_assert_str_eq(itest_text(itest_users_all()), before);
	itest_users_token(t1, 200);
	itest_users_token(t2, 200);
	ck_assert_ptr_null(itest_users_audit("reset_password", id));

	itest_req(itest_s, "POST", path, itest_admin,
	    "{'password':'" NEW_PASS "'}", &st);
	ck_assert_int_eq(st, 204);
	itest_users_token(t1, 401);
	itest_users_token(t2, 401);
	itest_users_token(itest_admin, 200);
	itest_refused("POST", "/api/v1/sessions", NULL,
	    itest_users_body("rose", ITEST_USER_PASS), 401, "unauthenticated",
	    NULL);
	itest_users_token(itest_login(itest_s, "rose", NEW_PASS), 200);
	a = itest_users_audit("reset_password", id);
	ck_assert_msg(a != NULL, "no reset_password in the audit log");
	ck_assert_str_eq(itest_str(a, "username"), "admin");
	ck_assert_msg(strstr(itest_text(a), NEW_PASS) == NULL,
	    "the new password is in the audit: %s", itest_print(a));
}
END_TEST

/* Each role changes its own password; its other sessions end, the one
 * used stays. */
START_TEST(test_own_password)
{
	const char *path = "/api/v1/sessions/current/password";
	const char *body = "{'current_password':'" ITEST_USER_PASS
	                   "','new_password':'" NEW_PASS "'}";
	size_t i;
	int st;

	for (i = 0; i < 4; i++) {
		const char *name = itest_f("own%zu", i);
		int64_t id = itest_users_make(name, itest_users_roles[i]);
		const char *t1 = itest_login(itest_s, name, ITEST_USER_PASS);
		const char *t2 = itest_login(itest_s, name, ITEST_USER_PASS);

		itest_req(itest_s, "POST", path, t1, body, &st);
		ck_assert_msg(st == 204, "%s: own password: %d", name, st);
		itest_users_token(t1, 200);
		itest_users_token(t2, 401);
		itest_refused("POST", "/api/v1/sessions", NULL,
		    itest_users_body(name, ITEST_USER_PASS), 401,
		    "unauthenticated", NULL);
		itest_users_token(itest_login(itest_s, name, NEW_PASS), 200);
		ck_assert_msg(itest_users_audit("change_password", id) != NULL,
		    "no change_password of %s in the audit log", name);
		/* The throttle keys on the address too: a success clears it. */
	}
	itest_refused("POST", path, NULL, body, 401, "unauthenticated", NULL);
}
END_TEST

/* A wrong current password or bad input changes nothing and logs no one
 * out; a wrong one is a failed log-in to the audit and the throttle. */
START_TEST(test_own_password_refused)
{
	const char *path = "/api/v1/sessions/current/password";
	int64_t id = itest_users_make("cara", "cashier");
	const char *t1 = itest_login(itest_s, "cara", ITEST_USER_PASS);
	const char *t2 = itest_login(itest_s, "cara", ITEST_USER_PASS);
	const cJSON *a;

	itest_refused("POST", path, t1,
	    "{'current_password':'" ITEST_USER_PASS "','new_password':'short'}",
	    400, "bad_field", "new_password");
	itest_refused("POST", path, t1,
	    itest_f("{'current_password':'%s','new_password':'%0129d'}",
	        ITEST_USER_PASS, 0),
	    400, "bad_field", "new_password");
	itest_refused("POST", path, t1, "{'new_password':'" NEW_PASS "'}", 400,
	    "missing_field", "current_password");
	itest_refused("POST", path, t1,
	    "{'current_password':'" ITEST_USER_PASS "'}", 400, "missing_field",
	    "new_password");
	itest_refused("POST", path, t1,
	    "{'current_password':'wrong-pass-000','new_password':'" NEW_PASS
	    "'}",
	    422, "wrong_password", "current_password");
	itest_users_token(t1, 200);
	itest_users_token(t2, 200);
	a = itest_users_audit("login_failed", id);
	ck_assert_msg(a != NULL, "no login_failed of cara in the audit log");
	ck_assert_str_eq(itest_str(a, "username"), "cara");
	ck_assert_ptr_null(itest_users_audit("change_password", id));
	/* The old password still logs in (which clears the count). */
	itest_users_token(itest_login(itest_s, "cara", ITEST_USER_PASS), 200);
}
END_TEST

/*
 * Wrong current passwords are throttled as failed log-ins are, on the same
 * counts: three are checked (422), then both paths are closed, refused
 * unread with 429 throttled and retry_after_ms.
 */
START_TEST(test_own_password_throttle)
{
	const char *path = "/api/v1/sessions/current/password";
	const char *bad = "{'current_password':'wrong-pass-000',"
	                  "'new_password':'" NEW_PASS "'}";
	const char *tok;
	const cJSON *d;
	int k, st;
	cJSON *j;

	itest_users_make("tess", "cashier");
	tok = itest_login(itest_s, "tess", ITEST_USER_PASS);
	for (k = 0; k < 3; k++) {
		j = itest_req(itest_s, "POST", path, tok, bad, &st);
		itest_assert_error(
		    j, st, 422, "wrong_password", "current_password");
	}
	j = itest_req(itest_s, "POST", path, tok, bad, &st);
	itest_assert_error(j, st, 429, "throttled", NULL);
	ck_assert_int_gt(
	    itest_int(itest_error_details(j), "retry_after_ms"), 0);
	/* The log-in of the same user from here is closed too: the right
	 * password is refused unread. */
	j = itest_users_login("tess", ITEST_USER_PASS, &st);
	itest_assert_error(j, st, 429, "throttled", NULL);
	d = itest_error_details(j);
	ck_assert_msg(cJSON_GetObjectItem(d, "retry_after_ms") != NULL,
	    "no retry_after_ms: %s", itest_print(j));
	/* Nothing changed meanwhile: the session holds. */
	itest_users_token(tok, 200);
}
END_TEST

static Suite *
itest_users_suite(void)
{
	Suite *s = suite_create("itest_users");
	TCase *tc = itest_tcase("users");

	tcase_add_test(tc, test_list);
	tcase_add_test(tc, test_roles);
	tcase_add_test(tc, test_patch);
	tcase_add_test(tc, test_disable);
	tcase_add_test(tc, test_disable_restart);
	tcase_add_test(tc, test_last_admin);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_own_password);
	tcase_add_test(tc, test_own_password_refused);
	tcase_add_test(tc, test_own_password_throttle);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_users_suite());
}
