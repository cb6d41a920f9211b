/*
 * itest_pos_volunteer: the real cishan-pos (--script -) against the real
 * server: a volunteer checks in and out at the till under the cashier's
 * session, and the server records the shift from the times; what the
 * server refuses (checked in twice, out without in, no such volunteer)
 * the till says, recording nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pos_itest.h"

/* The harness's till and store (pos_itest_paper_tcase). */
static struct pos_itest *const T = &pos_itest_till;

static cJSON *
record(int64_t id)
{
	cJSON *j;
	int st;

	j = itest_req(&T->srv, "GET",
	    itest_f("/api/v1/volunteers/%lld/record", (long long)id),
	    T->manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	return j;
}

START_TEST(t_check_in_out)
{
	const cJSON *shift;
	cJSON *s, *v;
	int64_t id;
	int st;

	v = itest_req(&T->srv, "POST", "/api/v1/volunteers", T->manager,
	    "{'name':'志愿者甲','phone':'13800001111'}", &st);
	ck_assert_int_eq(st, 201);
	id = itest_int(v, "id");
	pos_itest_start_paper(T);
	s = pos_itest_cmd(T, "volunteer-in %lld 理货", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "login_first"), "%s", itest_text(s));
	pos_itest_cmd(T, "login cashier cashier-demo");

	s = pos_itest_cmd(T, "volunteer-in x1");
	ck_assert_msg(pos_itest_msg(s, "bad_volunteer"), "%s", itest_text(s));
	s = pos_itest_cmd(T, "volunteer-out %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "not_checked_in"), "%s", itest_text(s));
	s = pos_itest_cmd(T, "volunteer-in 999999 理货");
	ck_assert_msg(pos_itest_msg(s, "not_found"), "%s", itest_text(s));

	s = pos_itest_cmd(T, "volunteer-in %lld 理货", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "checked_in"), "%s", itest_text(s));
	v = itest_req(&T->srv, "GET",
	    itest_f("/api/v1/volunteers/%lld", (long long)id), T->manager, NULL,
	    &st);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(v, "checked_in")));
	s = pos_itest_cmd(T, "volunteer-in %lld 理货", (long long)id);
	ck_assert_msg(
	    pos_itest_msg(s, "already_checked_in"), "%s", itest_text(s));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(record(id), "shifts")), 0);

	s = pos_itest_cmd(T, "volunteer-out %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "checked_out"), "%s", itest_text(s));
	v = record(id);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(v, "shifts")), 1);
	shift = cJSON_GetArrayItem(itest_arr(v, "shifts"), 0);
	ck_assert_str_eq(itest_str(shift, "source"), "till");
	ck_assert_str_eq(itest_str(shift, "till_id"), "T1");
	ck_assert_str_eq(itest_str(shift, "role"), "理货");
	ck_assert_str_eq(itest_str(shift, "served_on"), itest_date(0));
	ck_assert_int_ge(itest_int(shift, "minutes"), 1);
	s = pos_itest_cmd(T, "volunteer-out %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "not_checked_in"), "%s", itest_text(s));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(record(id), "shifts")), 1);

	/* F11 (scripted: volunteer ID): in, then, being in, out. */
	s = pos_itest_cmd(T, "volunteer %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "checked_in"), "%s", itest_text(s));
	ck_assert_int_eq(
	    cJSON_GetArraySize(itest_arr(record(id), "shifts")), 1);
	s = pos_itest_cmd(T, "volunteer %lld", (long long)id);
	ck_assert_msg(pos_itest_msg(s, "checked_out"), "%s", itest_text(s));
	v = record(id);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(v, "shifts")), 2);
	shift = cJSON_GetArrayItem(itest_arr(v, "shifts"), 1);
	ck_assert_str_eq(itest_str(shift, "role"), "志愿服务");
	s = pos_itest_cmd(T, "volunteer x");
	ck_assert_msg(pos_itest_msg(s, "bad_volunteer"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_end(T), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_volunteer");
	TCase *tc = pos_itest_paper_tcase("till");

	tcase_add_test(tc, t_check_in_out);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
