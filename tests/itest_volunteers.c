/*
 * Volunteers against the real server: the register (name and phone
 * masked as households' are for everyone but managers and admins; an id
 * number kept only as a keyed hash, a second registration of it refused
 * with 409), shifts recorded by a manager (bounds: no future date, no
 * day over 24 hours; client_id replay), checking in and out at a till,
 * and the service record (公益记录) as JSON, CSV and a printable page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

static struct itest_roles itest_vol_r;

static void
itest_vol_setup(void)
{
	itest_setup();
	itest_vol_r = itest_roles();
}

static int64_t
itest_vol_new(const char *name, const char *phone, const char *idnum)
{
	cJSON *j = itest_ok("POST", "/api/v1/volunteers", itest_vol_r.mgr,
	    idnum != NULL
	        ? itest_f("{'name':'%s','phone':'%s','id_number':'%s'}", name,
	              phone, idnum)
	        : itest_f("{'name':'%s','phone':'%s'}", name, phone),
	    201);

	return itest_int(j, "id");
}

static int64_t
itest_vol_count(void)
{
	cJSON *j = itest_ok(
	    "GET", "/api/v1/volunteers?limit=500", itest_vol_r.mgr, NULL, 200);

	return cJSON_GetArraySize(itest_items(j));
}

/* Managers see a volunteer whole; cashiers and auditors masked, as a
 * household; the id number is never answered; one person registers
 * once. */
START_TEST(test_register_privacy)
{
	const char *idnum = itest_idnum(7);
	const char *who[] = {itest_vol_r.cashier, itest_vol_r.auditor};
	int64_t id = itest_vol_new("欧阳明华", "13812345678", idnum);
	struct itest_reply *raw;
	cJSON *j, *e;
	size_t i;

	j = itest_ok("GET", itest_f("/api/v1/volunteers/%lld", (long long)id),
	    itest_vol_r.mgr, NULL, 200);
	ck_assert_str_eq(itest_str(j, "name"), "欧阳明华");
	ck_assert_str_eq(itest_str(j, "phone"), "13812345678");
	ck_assert_str_eq(itest_str(j, "name_masked"), "欧阳*华");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "id_number_recorded")));
	for (i = 0; i < 2; i++) {
		j = itest_ok("GET",
		    itest_f("/api/v1/volunteers/%lld", (long long)id), who[i],
		    NULL, 200);
		ck_assert_str_eq(itest_str(j, "name_masked"), "欧阳*华");
		ck_assert_str_eq(itest_str(j, "phone"), "138****5678");
		ck_assert_msg(cJSON_GetObjectItem(j, "name") == NULL,
		    "a masked reply names the volunteer: %s", itest_print(j));
		j = itest_ok("GET", "/api/v1/volunteers", who[i], NULL, 200);
		e = itest_find(itest_items(j), "id", id);
		ck_assert(e != NULL);
		ck_assert(cJSON_GetObjectItem(e, "name") == NULL);
		ck_assert_str_eq(itest_str(e, "phone"), "138****5678");
	}
	raw = itest_raw(itest_s, "GET", "/api/v1/volunteers", itest_vol_r.mgr,
	    NULL, NULL, 0);
	ck_assert_msg(strstr(raw->body, idnum) == NULL &&
	        strstr(raw->body, idnum + 14) == NULL,
	    "the id number is answered");

	/* The same person again: 409, nothing added. */
	j = itest_refused("POST", "/api/v1/volunteers", itest_vol_r.mgr,
	    itest_f("{'name':'欧阳明','id_number':'%s'}", idnum), 409,
	    "duplicate_volunteer", "id_number");
	ck_assert_int_eq(itest_int(itest_error_details(j), "volunteer_id"), id);
	/* The same id number in the households' register is another
	 * register: a household may volunteer. */
	itest_ok("POST", "/api/v1/households", itest_vol_r.mgr,
	    itest_household_body("C-V1", "欧阳明华", idnum, 2, "dibao",
	        itest_date(-1), itest_date(300)),
	    201);
	ck_assert_int_eq(itest_vol_count(), 1);

	/* Bad input, roles. */
	itest_refused("POST", "/api/v1/volunteers", itest_vol_r.mgr,
	    "{'name':'张三','id_number':'110101199003070000'}", 400,
	    "bad_field", "id_number");
	itest_refused("POST", "/api/v1/volunteers", itest_vol_r.mgr,
	    "{'name':'张三','phone':'1380<script>'}", 400, "bad_field",
	    "phone");
	itest_refused("POST", "/api/v1/volunteers", itest_vol_r.mgr,
	    "{'phone':'13800000000'}", 400, "missing_field", "name");
	itest_refused("POST", "/api/v1/volunteers", itest_vol_r.cashier,
	    "{'name':'张三'}", 403, "forbidden", NULL);
	itest_refused("POST", "/api/v1/volunteers", NULL, "{'name':'张三'}",
	    401, "unauthenticated", NULL);
	itest_refused("GET", "/api/v1/volunteers/999", itest_vol_r.mgr, NULL,
	    404, "not_found", NULL);
	ck_assert_int_eq(itest_vol_count(), 1);
	/* Without an id number: no hash, no duplicate check. */
	itest_vol_new("张三", "", NULL);
	itest_vol_new("张三", "", NULL);
	ck_assert_int_eq(itest_vol_count(), 3);
}
END_TEST

static const char *
itest_vol_shift(
    const char *cid, const char *day, int64_t minutes, const char *role)
{
	return itest_f("{'client_id':'%s','served_on':'%s','minutes':%lld,"
	               "'role':'%s'}",
	    cid, day, (long long)minutes, role);
}

static int64_t
itest_vol_total(int64_t id)
{
	cJSON *j =
	    itest_ok("GET", itest_f("/api/v1/volunteers/%lld", (long long)id),
	        itest_vol_r.mgr, NULL, 200);

	return itest_int(j, "total_minutes");
}

/* A manager's shifts: replayed by client_id, bounded by the day and by
 * today; a refusal adds nothing. */
START_TEST(test_shifts)
{
	int64_t id = itest_vol_new("李四", "13900001111", NULL);
	const char *path =
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)id);
	const char *cid = itest_uuid(), *body;
	cJSON *j, *k;

	body = itest_vol_shift(cid, itest_date(-1), 150, "理货");
	j = itest_ok("POST", path, itest_vol_r.mgr, body, 201);
	ck_assert_int_eq(itest_int(j, "minutes"), 150);
	ck_assert_str_eq(itest_str(j, "served_on"), itest_date(-1));
	ck_assert_str_eq(itest_str(j, "source"), "manager");
	k = itest_ok("POST", path, itest_vol_r.mgr, body, 200);
	ck_assert_int_eq(itest_int(k, "id"), itest_int(j, "id"));
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(cid, itest_date(-1), 151, "理货"), 409,
	    "client_id_reused", "client_id");
	ck_assert_int_eq(itest_vol_total(id), 150);

	/* Bounds. */
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(1), 60, "理货"), 422,
	    "future_date", "served_on");
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 0, "理货"), 400,
	    "bad_field", "minutes");
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 1441, "理货"), 400,
	    "bad_field", "minutes");
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 60, ""), 400,
	    "bad_field", "role");
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), "2026-02-30", 60, "理货"), 400,
	    "bad_field", "served_on");
	itest_refused("POST", path, itest_vol_r.mgr,
	    "{'client_id':'x1','served_on':'2026-01-01','minutes':1.5,"
	    "'role':'a'}",
	    400, "bad_field", "minutes");
	/* 150 + 1291 minutes is over a day; 150 + 1290 is a day. */
	j = itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 1291, "理货"), 422,
	    "day_over_24h", "minutes");
	ck_assert_int_eq(itest_int(itest_error_details(j), "day_minutes"), 150);
	itest_ok("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 1290, "理货"), 201);
	itest_refused("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(-1), 1, "理货"), 422,
	    "day_over_24h", "minutes");
	ck_assert_int_eq(itest_vol_total(id), 1440);

	/* Roles, and no such volunteer. */
	itest_refused("POST", path, itest_vol_r.cashier,
	    itest_vol_shift(itest_uuid(), itest_date(0), 60, "理货"), 403,
	    "forbidden", NULL);
	itest_refused("POST", path, itest_vol_r.auditor,
	    itest_vol_shift(itest_uuid(), itest_date(0), 60, "理货"), 403,
	    "forbidden", NULL);
	itest_refused("POST", "/api/v1/volunteers/999/shifts", itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), itest_date(0), 60, "理货"), 404,
	    "not_found", NULL);
	ck_assert_int_eq(itest_vol_total(id), 1440);
	ck_assert_int_eq(itest_audits("create", "volunteer_shift", 1), 1);
}
END_TEST

/* Checking in and out at a till makes a shift of the time between. */
START_TEST(test_check_in_out)
{
	int64_t id = itest_vol_new("王五", "13700002222", NULL);
	const char *in =
	    itest_f("/api/v1/volunteers/%lld/check-in", (long long)id);
	const char *out =
	    itest_f("/api/v1/volunteers/%lld/check-out", (long long)id);
	const char *cin = itest_uuid(), *cout = itest_uuid();
	const char *body =
	    itest_f("{'client_id':'%s','till_id':'T1','role':'收银协助'}", cin);
	cJSON *j, *k;

	itest_refused("POST", out, itest_vol_r.cashier,
	    itest_f("{'client_id':'%s'}", itest_uuid()), 409, "not_checked_in",
	    NULL);
	itest_refused(
	    "POST", in, itest_vol_r.auditor, body, 403, "forbidden", NULL);
	itest_refused("POST", in, itest_vol_r.cashier,
	    "{'client_id':'a1','till_id':'T 1','role':'x'}", 400, "bad_field",
	    "till_id");
	j = itest_ok("POST", in, itest_vol_r.cashier, body, 201);
	ck_assert_str_eq(itest_str(j, "till_id"), "T1");
	k = itest_ok("POST", in, itest_vol_r.cashier, body, 200);
	ck_assert_str_eq(
	    itest_str(k, "checked_in_at"), itest_str(j, "checked_in_at"));
	itest_refused("POST", in, itest_vol_r.cashier,
	    itest_f(
	        "{'client_id':'%s','till_id':'T2','role':'x'}", itest_uuid()),
	    409, "already_checked_in", NULL);
	j = itest_ok("GET", itest_f("/api/v1/volunteers/%lld", (long long)id),
	    itest_vol_r.cashier, NULL, 200);
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "checked_in")));

	j = itest_ok("POST", out, itest_vol_r.cashier,
	    itest_f("{'client_id':'%s'}", cout), 201);
	ck_assert_str_eq(itest_str(j, "source"), "till");
	ck_assert_str_eq(itest_str(j, "till_id"), "T1");
	ck_assert_str_eq(itest_str(j, "role"), "收银协助");
	ck_assert_str_eq(itest_str(j, "served_on"), itest_date(0));
	ck_assert_int_ge(itest_int(j, "minutes"), 1);
	ck_assert_int_le(itest_int(j, "minutes"), 2);
	k = itest_ok("POST", out, itest_vol_r.cashier,
	    itest_f("{'client_id':'%s'}", cout), 200);
	ck_assert_int_eq(itest_int(k, "id"), itest_int(j, "id"));
	itest_refused("POST", out, itest_vol_r.cashier,
	    itest_f("{'client_id':'%s'}", itest_uuid()), 409, "not_checked_in",
	    NULL);
	ck_assert_int_eq(itest_vol_total(id), itest_int(j, "minutes"));
	itest_refused("POST", "/api/v1/volunteers/999/check-in",
	    itest_vol_r.cashier, body, 404, "not_found", NULL);
}
END_TEST

/* The record: shifts, totals per year; CSV for Excel; a page whose
 * text is escaped; masked for an auditor, refused to a cashier. */
START_TEST(test_record)
{
	int64_t id = itest_vol_new("赵六", "13600003333", NULL);
	const char *path =
	    itest_f("/api/v1/volunteers/%lld/shifts", (long long)id);
	struct itest_reply *r;
	cJSON *j, *y;

	itest_ok("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), "2025-12-31", 90, "<b>&仓库"), 201);
	itest_ok("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), "2025-06-01", 30, "理货"), 201);
	itest_ok("POST", path, itest_vol_r.mgr,
	    itest_vol_shift(itest_uuid(), "2026-01-02", 45, "理货"), 201);
	j = itest_ok("GET",
	    itest_f("/api/v1/volunteers/%lld/record", (long long)id),
	    itest_vol_r.mgr, NULL, 200);
	ck_assert_int_eq(itest_int(j, "total_minutes"), 165);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "shifts")), 3);
	ck_assert_str_eq(
	    itest_str(
	        cJSON_GetArrayItem(itest_arr(j, "shifts"), 0), "served_on"),
	    "2025-06-01");
	y = itest_arr(j, "years");
	ck_assert_int_eq(cJSON_GetArraySize(y), 2);
	ck_assert_str_eq(itest_str(cJSON_GetArrayItem(y, 0), "year"), "2025");
	ck_assert_int_eq(itest_int(cJSON_GetArrayItem(y, 0), "minutes"), 120);
	ck_assert_int_eq(itest_int(cJSON_GetArrayItem(y, 0), "shifts"), 2);
	ck_assert_int_eq(itest_int(cJSON_GetArrayItem(y, 1), "minutes"), 45);

	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/volunteers/%lld/record.csv", (long long)id),
	    itest_vol_r.mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->headers, "content-type: text/csv") != NULL);
	ck_assert(memcmp(r->body, "\xEF\xBB\xBF", 3) == 0);
	ck_assert_msg(strstr(r->body,
	                  "\r\n服务记录,2025-12-31,<b>&仓库,"
	                  "管理员登记,90,1小时30分,shift\r\n") != NULL,
	    "csv: %s", r->body);
	ck_assert(
	    strstr(r->body, "年度合计,2025年,,,120,2小时0分,year\r\n") != NULL);
	ck_assert(strstr(r->body, "总计,,,,165,2小时45分,total\r\n") != NULL);
	ck_assert(strstr(r->body, "志愿者,赵六,") != NULL);

	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/volunteers/%lld/record.html", (long long)id),
	    itest_vol_r.mgr, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->headers, "content-type: text/html") != NULL);
	ck_assert(strstr(r->headers, "content-security-policy:") != NULL);
	ck_assert(strstr(r->body, "&lt;b&gt;&amp;仓库") != NULL);
	ck_assert(strstr(r->body, "<b>&") == NULL);
	ck_assert(strstr(r->body, "<td class=n id=name>赵六</td>") != NULL);
	ck_assert(strstr(r->body, "2小时45分") != NULL);

	/* An auditor reads it masked; a cashier not at all. */
	r = itest_raw(itest_s, "GET",
	    itest_f("/api/v1/volunteers/%lld/record.html", (long long)id),
	    itest_vol_r.auditor, NULL, NULL, 0);
	ck_assert_int_eq(r->status, 200);
	ck_assert(strstr(r->body, "赵六") == NULL);
	ck_assert(strstr(r->body, "<td class=n id=name>赵*</td>") != NULL);
	itest_refused("GET",
	    itest_f("/api/v1/volunteers/%lld/record", (long long)id),
	    itest_vol_r.cashier, NULL, 403, "forbidden", NULL);
	itest_refused("GET", "/api/v1/volunteers/999/record.csv",
	    itest_vol_r.mgr, NULL, 404, "not_found", NULL);
}
END_TEST

/* The month's volunteers in the notice: hidden while 1 to 4 served;
 * the public sees what was recorded before today. */
START_TEST(test_notice)
{
	const char *period = itest_period(0);
	const char *staff = itest_f("/api/v1/notices/%s", period);
	struct itest_reply *r;
	int64_t id;
	cJSON *j, *v;
	int i;

	for (i = 0; i < 5; i++) {
		id = itest_vol_new(itest_f("志愿者%d", i), "", NULL);
		itest_ok("POST",
		    itest_f("/api/v1/volunteers/%lld/shifts", (long long)id),
		    itest_vol_r.mgr,
		    itest_vol_shift(
		        itest_uuid(), itest_date(0), 60 + i, "理货"),
		    201);
		if (i == 0) /* last month's: not this month's */
			itest_ok("POST",
			    itest_f("/api/v1/volunteers/%lld/shifts",
			        (long long)id),
			    itest_vol_r.mgr,
			    itest_vol_shift(
			        itest_uuid(), itest_day(0, 0), 600, "理货"),
			    201);
		j = itest_ok("GET", staff, itest_vol_r.mgr, NULL, 200);
		v = (cJSON *)itest_obj(j, "volunteers");
		if (i < 4) {
			ck_assert_str_eq(itest_str(v, "persons"), "<5");
			ck_assert(
			    cJSON_IsTrue(cJSON_GetObjectItem(v, "hidden")));
			ck_assert_msg(cJSON_GetObjectItem(v, "minutes") == NULL,
			    "hidden minutes: %s", itest_print(v));
		}
	}
	ck_assert_int_eq(itest_int(v, "persons"), 5);
	ck_assert_int_eq(itest_int(v, "shifts"), 5);
	ck_assert_int_eq(itest_int(v, "minutes"), 60 + 61 + 62 + 63 + 64);
	j = itest_ok("GET", itest_f("/api/v1/notices/%s", itest_period(-1)),
	    itest_vol_r.mgr, NULL, 200);
	v = (cJSON *)itest_obj(j, "volunteers");
	ck_assert_str_eq(itest_str(v, "persons"), "<5");

	/* The public: as at the start of today, then the next day. */
	j = itest_ok(
	    "GET", itest_f("/public/notices/%s", period), NULL, NULL, 200);
	v = (cJSON *)itest_obj(j, "volunteers");
	ck_assert_int_eq(itest_int(v, "persons"), 0);
	j = itest_notice(period);
	v = (cJSON *)itest_obj(j, "volunteers");
	ck_assert_int_eq(itest_int(v, "persons"), 5);
	ck_assert_int_eq(itest_int(v, "minutes"), 310);
	r = itest_public_raw(itest_f("/notices/%s", period));
	ck_assert_msg(
	    strstr(r->body, "<td class=n id=vol-hours>5小时10分") != NULL,
	    "the page has no volunteers' hours");
	r = itest_public_raw(itest_f("/public/notices/%s.csv", period));
	ck_assert(strstr(r->body,
	              "志愿服务,志愿者,,,5,,volunteers,persons\r\n") != NULL);
	ck_assert(
	    strstr(r->body,
	        "志愿服务,服务时长（分钟）,310,,,,volunteers,minutes\r\n") !=
	    NULL);
}
END_TEST

static Suite *
itest_volunteers_suite(void)
{
	Suite *s = suite_create("volunteers");
	TCase *tc =
	    itest_tcase_with("volunteers", itest_vol_setup, itest_teardown);

	tcase_add_test(tc, test_register_privacy);
	tcase_add_test(tc, test_shifts);
	tcase_add_test(tc, test_check_in_out);
	tcase_add_test(tc, test_record);
	tcase_add_test(tc, test_notice);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_volunteers_suite());
}
