/*
 * itest_conflicts: /api/v1/offline-conflicts. A basket handed out offline
 * and refused on replay is uploaded by the till (any role but auditor),
 * listed for managers, resolved once by one: as a distribution by
 * override (goods move, points as far as the balance goes, the shortfall
 * kept) or as a write-off (movements of reason offline_loss, what no lot
 * held counted as unmatched). verify names every conflict still open.
 */
#include <string.h>

#include "itest.h"

#define CONFLICTS "/api/v1/offline-conflicts"

static const char *
conflict_body(const char *cid, const char *local, const char *card,
    const char *lines, const char *code)
{
	return itest_f("{'client_id':'%s','till_id':'T1','local_no':'%s',"
	               "'household_card':'%s','lines':[%s],"
	               "'refusal':{'code':'%s','message':'refused on replay'}}",
	    cid, local, card, lines, code);
}

static const char *
resolve_path(int64_t id)
{
	return itest_f(CONFLICTS "/%lld/resolve", (long long)id);
}

static int64_t
open_count(const char *token)
{
	cJSON *l = itest_ok("GET", CONFLICTS, token, NULL, 200);

	return cJSON_GetArraySize(itest_items(l));
}

START_TEST(t_record_override_once)
{
	struct itest_roles r = itest_roles();
	int64_t rice = itest_item("金龙鱼大米 5kg", "6901234567014", 40, 1, 0);
	int64_t lot = itest_lot(rice, 10, NULL);
	int64_t h = itest_household_granted("TC0001", "dibao", 2, 100);
	const char *cid = itest_uuid(), *body;
	cJSON *c, *again, *res;
	int64_t id;

	/* Another till took the household's rice of the month meanwhile. */
	itest_basket(
	    r.cashier, NULL, "T9", "TC0001", itest_line(rice, 1), NULL);
	body = conflict_body(
	    cid, "L-T1-1", "TC0001", itest_line(rice, 1), "limit_exceeded");
	c = itest_ok("POST", CONFLICTS, r.cashier, body, 201);
	id = itest_int(c, "id");
	ck_assert_str_eq(itest_str(c, "status"), "open");
	ck_assert_str_eq(itest_str(c, "local_no"), "L-T1-1");
	ck_assert_int_eq(itest_int(c, "household_id"), h);
	ck_assert_str_eq(
	    itest_str(itest_obj(c, "refusal"), "code"), "limit_exceeded");
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_arr(c, "lines"), 0), "quantity"),
	    1);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(c, "resolution")));
	/* The till's retry answers as the first; another body is refused. */
	again = itest_ok("POST", CONFLICTS, r.cashier, body, 200);
	ck_assert_int_eq(itest_int(again, "id"), id);
	itest_refused("POST", CONFLICTS, r.cashier,
	    conflict_body(
	        cid, "L-T1-2", "TC0001", itest_line(rice, 1), "limit_exceeded"),
	    409, "client_id_reused", "client_id");
	/* Managers see it; a cashier may not list, nor an auditor upload. */
	ck_assert_int_eq(open_count(r.mgr), 1);
	ck_assert_int_eq(open_count(r.auditor), 1);
	itest_refused(
	    "GET", CONFLICTS, r.cashier, NULL, 403, "forbidden", NULL);
	itest_refused("POST", CONFLICTS, r.auditor,
	    conflict_body(itest_uuid(), "L-T1-3", "TC0001", itest_line(rice, 1),
	        "limit_exceeded"),
	    403, "forbidden", NULL);
	/* Open: verify says so, by till and local number. */
	itest_verify(itest_s->db, 0, "L-T1-1");
	/* Resolved by a manager only, once. */
	itest_refused("POST", resolve_path(id), r.cashier,
	    "{'as':'override','reason':'x'}", 403, "forbidden", NULL);
	itest_refused("POST", resolve_path(id), r.mgr,
	    "{'as':'forgive','reason':'x'}", 400, "bad_field", "as");
	itest_refused("POST", resolve_path(id), r.mgr, "{'as':'override'}", 400,
	    "missing_field", "reason");
	itest_refused("POST", resolve_path(9999), r.mgr,
	    "{'as':'override','reason':'x'}", 404, "not_found", NULL);
	ck_assert_int_eq(itest_hh_points(h), 60);
	res = itest_ok("POST", resolve_path(id), r.mgr,
	    "{'as':'override','reason':'given at the door, storm outage'}",
	    200);
	ck_assert_str_eq(itest_str(res, "status"), "resolved");
	ck_assert_str_eq(
	    itest_str(itest_obj(res, "resolution"), "as"), "override");
	ck_assert_str_eq(
	    itest_str(itest_obj(res, "resolution"), "receipt_no"), "T1-000001");
	ck_assert_int_eq(
	    itest_int(itest_obj(res, "resolution"), "points_shortfall"), 0);
	/* The goods moved, the points went down, past the month's limit. */
	ck_assert_int_eq(itest_lot_on_hand(rice, lot), 8);
	ck_assert_int_eq(itest_hh_points(h), 20);
	itest_refused("POST", resolve_path(id), r.mgr,
	    "{'as':'write_off','reason':'again'}", 409, "already_resolved",
	    NULL);
	ck_assert_int_eq(itest_hh_points(h), 20);
	ck_assert_int_eq(itest_lot_on_hand(rice, lot), 8);
	ck_assert_int_eq(open_count(r.mgr), 0);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(itest_ok("GET",
	                     CONFLICTS "?status=resolved", r.mgr, NULL, 200))),
	    1);
	itest_refused("GET", CONFLICTS "?status=maybe", r.mgr, NULL, 400,
	    "bad_query", NULL);
	ck_assert_int_eq(
	    itest_audits("offline_conflict", "offline_conflict", id), 1);
	ck_assert_int_eq(itest_audits("resolve", "offline_conflict", id), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(t_override_short_of_points)
{
	struct itest_roles r = itest_roles();
	int64_t oil = itest_item("鲁花花生油 1L", "6901234567038", 45, 0, 0);
	int64_t lot = itest_lot(oil, 5, NULL);
	int64_t h = itest_household_granted("TC0002", "dibao", 1, 100);
	cJSON *c, *res;

	/* Spent at another till while this one was offline. */
	itest_basket(r.cashier, NULL, "T9", "TC0002", itest_line(oil, 2), NULL);
	c = itest_ok("POST", CONFLICTS, r.cashier,
	    conflict_body(itest_uuid(), "L-T1-4", "TC0002", itest_line(oil, 1),
	        "insufficient_points"),
	    201);
	res = itest_ok("POST", resolve_path(itest_int(c, "id")), r.mgr,
	    "{'as':'override','reason':'charged what is left'}", 200);
	ck_assert_int_eq(
	    itest_int(itest_obj(res, "resolution"), "points_shortfall"), 35);
	ck_assert_int_eq(itest_hh_points(h), 0);
	ck_assert_int_eq(itest_lot_on_hand(oil, lot), 2);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(t_write_off_and_unknown_card)
{
	struct itest_roles r = itest_roles();
	int64_t soap = itest_item("雕牌洗衣皂", "6901234567151", 4, 3, 0);
	int64_t lot = itest_lot(soap, 2, NULL);
	cJSON *c, *res, *mv;
	const cJSON *m;
	int n = 0;

	/* A card the server does not know: kept all the same. */
	c = itest_ok("POST", CONFLICTS, r.cashier,
	    conflict_body(itest_uuid(), "L-T1-5", "TC9999", itest_line(soap, 3),
	        "not_found"),
	    201);
	ck_assert(cJSON_IsNull(cJSON_GetObjectItem(c, "household_id")));
	itest_refused("POST", resolve_path(itest_int(c, "id")), r.mgr,
	    "{'as':'override','reason':'x'}", 422, "unknown_household", "as");
	ck_assert_int_eq(open_count(r.mgr), 1);
	res = itest_ok("POST", resolve_path(itest_int(c, "id")), r.mgr,
	    "{'as':'write_off','reason':'card not registered'}", 200);
	/* Two of three were on a lot; the third no lot held. */
	ck_assert_int_eq(
	    itest_int(itest_obj(res, "resolution"), "unmatched"), 1);
	ck_assert_int_eq(itest_lot_on_hand(soap, lot), 0);
	mv = itest_ok("GET",
	    itest_f("/api/v1/stock/movements?item_id=%lld", (long long)soap),
	    r.mgr, NULL, 200);
	cJSON_ArrayForEach(m, itest_items(mv))
	{
		if (strcmp(itest_str(m, "reason"), "offline_loss") == 0) {
			ck_assert_int_eq(itest_int(m, "quantity"), -2);
			n++;
		}
	}
	ck_assert_int_eq(n, 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(t_bad_input_changes_nothing)
{
	struct itest_roles r = itest_roles();
	int64_t rice = itest_item("金龙鱼大米 5kg", "6901234567014", 40, 1, 0);
	const char *before, *cid = itest_uuid();
	cJSON *d;

	itest_lot(rice, 3, NULL);
	itest_household_granted("TC0003", "dibao", 1, 100);
	before = itest_state(CONFLICTS "?status=all");
	itest_refused("POST", CONFLICTS, r.cashier,
	    itest_f("{'client_id':'%s','till_id':'T1','local_no':'L-T1-1',"
	            "'household_card':'TC0003','lines':[%s]}",
	        itest_uuid(), itest_line(rice, 1)),
	    400, "missing_field", "refusal");
	itest_refused("POST", CONFLICTS, r.cashier,
	    conflict_body(itest_uuid(), "L-T1-1", "TC0003", "", "x"), 400,
	    "bad_field", "lines");
	itest_refused("POST", CONFLICTS, r.cashier,
	    conflict_body(
	        itest_uuid(), "L-T1-1", "TC0003", itest_line(rice, 0), "x"),
	    400, "bad_field", "quantity");
	itest_refused("POST", CONFLICTS, r.cashier,
	    conflict_body(
	        itest_uuid(), "L-T1-1", "TC0003", itest_line(424242, 1), "x"),
	    404, "not_found", "item_id");
	itest_refused("POST", CONFLICTS, r.cashier,
	    itest_f("{'client_id':'%s','till_id':'T 1','local_no':'L-T1-1',"
	            "'household_card':'TC0003','lines':[%s],"
	            "'refusal':{'code':'x'}}",
	        itest_uuid(), itest_line(rice, 1)),
	    400, "bad_field", "till_id");
	itest_refused("POST", CONFLICTS, r.cashier,
	    itest_f("{'client_id':'%s','till_id':'T1','local_no':'L-T1-1',"
	            "'household_card':'TC0003','lines':[%s],"
	            "'refusal':{'code':'x'},'extra':1}",
	        itest_uuid(), itest_line(rice, 1)),
	    400, "bad_field", "extra");
	ck_assert_str_eq(itest_state(CONFLICTS "?status=all"), before);
	/* A basket that was posted after all is no conflict. */
	d = itest_basket(
	    r.cashier, cid, "T1", "TC0003", itest_line(rice, 1), NULL);
	before = itest_state(CONFLICTS "?status=all");
	itest_refused("POST", CONFLICTS, r.cashier,
	    conflict_body(
	        cid, "L-T1-1", "TC0003", itest_line(rice, 1), "limit_exceeded"),
	    409, "already_distributed", "client_id");
	ck_assert_str_eq(itest_state(CONFLICTS "?status=all"), before);
	ck_assert_str_eq(itest_str(d, "receipt_no"), "T1-000001");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("conflicts");
	TCase *tc = itest_tcase("offline_conflicts");

	tcase_add_test(tc, t_record_override_once);
	tcase_add_test(tc, t_override_short_of_points);
	tcase_add_test(tc, t_write_off_and_unknown_card);
	tcase_add_test(tc, t_bad_input_changes_nothing);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
