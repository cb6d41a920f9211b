/*
 * The household register against the real server: registration and its
 * checks (id numbers: length, check character, birth date; duplicates),
 * privacy (masking by role over whole bodies, the log and the database
 * file), suspension and expiry, the card look-up with limits, and the
 * recertification list. Every test ends with `verify` passing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* POST a household as TOKEN; single-quote JSON fields around id/card. */
static cJSON *
itest_households_post(const char *token, const char *card, const char *name,
    const char *idnum, const char *category, const char *extra, int *st)
{
	return itest_req(itest_s, "POST", "/api/v1/households", token,
	    itest_f("{'card_code':'%s','head_name':'%s','id_number':'%s',"
	            "'members':3,'category':'%s','street':'梅陇镇华一村',"
	            "'valid_from':'%s','valid_to':'%s'%s}",
	        card, name, idnum, category, itest_date(-10), itest_date(300),
	        extra ? extra : ""),
	    st);
}

/* An id number (from seq up) whose check character is WANT. */
static const char *
itest_households_idnum_ending(unsigned seq, char want)
{
	const char *id;

	for (;; seq++) {
		id = itest_idnum(seq);
		if (id[17] == want)
			return id;
	}
}

/* The reply text, asserted not to contain NEEDLE. */
static void
itest_households_absent(const cJSON *j, const char *needle, const char *what)
{
	const char *t = itest_text(j);

	ck_assert_msg(strstr(t, needle) == NULL, "%s: the reply shows '%s': %s",
	    what, needle, itest_print(j));
}

static int
itest_households_count(const char *query)
{
	cJSON *j =
	    itest_ok("GET", itest_f("/api/v1/households?limit=500%s", query),
	        itest_admin, NULL, 200);

	return cJSON_GetArraySize(itest_items(j));
}

START_TEST(test_register)
{
	static const struct {
		const char *cat;
		int priority, rank;
	} cats[] = {{"tekun", 1, 1}, {"dibao", 0, 2}, {"emergency", 1, 1},
	    {"illness", 1, 1}, {"low_income", 0, 3}, {"other", 0, 3}};
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	const char *auditor = itest_user(itest_s, "aud", "auditor");
	const char *idnum = itest_idnum(501);
	cJSON *j, *g;
	int64_t id;
	size_t i;
	int st;

	j = itest_households_post(mgr, "HH-0001", "张小明", idnum, "tekun",
	    ",'phone':'13812345678'", &st);
	ck_assert_msg(st == 201, "register: %d %s", st, itest_print(j));
	id = itest_int(j, "id");
	ck_assert_int_gt(id, 0);
	ck_assert_str_eq(itest_str(j, "card_code"), "HH-0001");
	ck_assert_str_eq(itest_str(j, "head_name"), "张小明");
	ck_assert_str_eq(itest_str(j, "name_masked"), "张*明");
	ck_assert_str_eq(itest_str(j, "id_last4"), idnum + 14);
	ck_assert_str_eq(itest_str(j, "street"), "梅陇镇华一村");
	ck_assert_str_eq(itest_str(j, "phone"), "13812345678");
	ck_assert_int_eq(itest_int(j, "members"), 3);
	ck_assert_str_eq(itest_str(j, "category"), "tekun");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "priority")));
	ck_assert_int_eq(itest_int(j, "priority_rank"), 1);
	ck_assert_str_eq(itest_str(j, "valid_from"), itest_date(-10));
	ck_assert_str_eq(itest_str(j, "valid_to"), itest_date(300));
	ck_assert_str_eq(itest_str(j, "status"), "active");
	ck_assert_int_eq(itest_int(j, "points"), 0);
	itest_households_absent(j, idnum, "register");

	/* Read back the same. */
	g = itest_ok("GET", itest_f("/api/v1/households/%lld", (long long)id),
	    mgr, NULL, 200);
	ck_assert_int_eq(itest_int(g, "id"), id);
	ck_assert_str_eq(itest_str(g, "head_name"), "张小明");
	ck_assert_str_eq(itest_str(g, "id_last4"), idnum + 14);
	ck_assert_str_eq(itest_str(g, "status"), "active");
	itest_households_absent(g, idnum, "get");

	/* Priority follows category. */
	for (i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		j = itest_households_post(itest_admin, itest_f("CAT-%zu", i),
		    "李四", itest_idnum(600 + i), cats[i].cat, NULL, &st);
		ck_assert_msg(
		    st == 201, "%s: %d %s", cats[i].cat, st, itest_print(j));
		ck_assert_msg(
		    cJSON_IsBool(cJSON_GetObjectItem(j, "priority")) &&
		        cJSON_IsTrue(cJSON_GetObjectItem(j, "priority")) ==
		            cats[i].priority,
		    "%s: priority wrong: %s", cats[i].cat, itest_print(j));
		ck_assert_int_eq(itest_int(j, "priority_rank"), cats[i].rank);
	}
	ck_assert_int_eq(itest_households_count(""), 7);

	/* Only a manager or admin registers. */
	j = itest_households_post(
	    cashier, "HH-C", "张三", itest_idnum(700), "dibao", NULL, &st);
	itest_assert_error(j, st, 403, "forbidden", NULL);
	j = itest_households_post(
	    auditor, "HH-A", "张三", itest_idnum(701), "dibao", NULL, &st);
	itest_assert_error(j, st, 403, "forbidden", NULL);

	/* Field checks. */
	j = itest_households_post(
	    mgr, "HH-2", "张三", itest_idnum(702), "rich", NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "category");
	j = itest_households_post(
	    mgr, "HH 2", "张三", itest_idnum(702), "dibao", NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "card_code");
	j = itest_households_post(mgr, "HH-123456789012345678901234567890123",
	    "张三", itest_idnum(702), "dibao", NULL, &st);
	itest_assert_error(j, st, 400, "bad_field", "card_code");
	{
		/* Members 0 and 51, valid_to before valid_from, and no date. */
		static const struct {
			int members, from, to;
			const char *to_text, *field;
		} no[] = {{0, 0, 30, NULL, "members"},
		    {51, 0, 30, NULL, "members"}, {2, 30, 0, NULL, "valid_to"},
		    {2, 0, 0, "2027-02-30", "valid_to"}};
		for (i = 0; i < sizeof no / sizeof no[0]; i++)
			itest_refused("POST", "/api/v1/households", mgr,
			    itest_household_body("HH-2", "张三",
			        itest_idnum(702), no[i].members, "dibao",
			        itest_date(no[i].from),
			        no[i].to_text ? no[i].to_text
			                      : itest_date(no[i].to)),
			    400, "bad_field", no[i].field);
	}
	itest_refused("POST", "/api/v1/households", mgr,
	    itest_f("{'card_code':'HH-2','head_name':'张三','members':2,"
	            "'category':'dibao','street':'x','valid_from':'%s',"
	            "'valid_to':'%s'}",
	        itest_date(0), itest_date(30)),
	    400, "missing_field", "id_number");
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/HH-2", itest_admin, NULL, 404);
	ck_assert_int_eq(itest_households_count(""), 7);
	itest_refused("GET", "/api/v1/households/99999", mgr, NULL, 404,
	    "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_duplicate_idnum)
{
	const char *x = itest_households_idnum_ending(100, 'X');
	const char *lower = itest_f("%.17sx", x);
	const char *y = itest_households_idnum_ending(300, 'X');
	cJSON *j;
	int64_t first;
	int st;

	j = itest_households_post(
	    itest_admin, "DUP-1", "陈一", x, "dibao", NULL, &st);
	ck_assert_msg(st == 201, "%d %s", st, itest_print(j));
	first = itest_int(j, "id");
	ck_assert_str_eq(itest_str(j, "id_last4"), x + 14);

	/* The same number on another card, as given and with a lower x. */
	j = itest_households_post(
	    itest_admin, "DUP-2", "陈二", x, "tekun", NULL, &st);
	itest_assert_error(j, st, 422, "duplicate_household", NULL);
	itest_households_absent(j, x, "duplicate reply");
	j = itest_households_post(
	    itest_admin, "DUP-3", "陈三", lower, "tekun", NULL, &st);
	itest_assert_error(j, st, 422, "duplicate_household", NULL);
	itest_households_absent(j, lower, "duplicate reply");
	itest_households_absent(j, x, "duplicate reply");
	ck_assert_int_eq(itest_households_count(""), 1);
	itest_ok(
	    "GET", "/api/v1/households/by-card/DUP-2", itest_admin, NULL, 404);
	itest_ok(
	    "GET", "/api/v1/households/by-card/DUP-3", itest_admin, NULL, 404);

	/* Registered with a lower-case x first: an upper-case X is the
	 * same person; its last 4 are kept upper-case. */
	j = itest_households_post(itest_admin, "DUP-4", "陈四",
	    itest_f("%.17sx", y), "other", NULL, &st);
	ck_assert_msg(st == 201, "lower-case x: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_str(j, "id_last4"), y + 14);
	j = itest_households_post(
	    itest_admin, "DUP-5", "陈五", y, "other", NULL, &st);
	itest_assert_error(j, st, 422, "duplicate_household", NULL);

	/* The same card for another person is a conflict, not a duplicate. */
	j = itest_households_post(
	    itest_admin, "DUP-1", "陈六", itest_idnum(900), "other", NULL, &st);
	itest_assert_error(j, st, 409, "conflict", NULL);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/DUP-1", itest_admin, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), first);
	ck_assert_str_eq(itest_str(j, "head_name"), "陈一");
	ck_assert_int_eq(itest_households_count(""), 2);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_bad_idnum)
{
	const char *good = itest_idnum(42);
	char wrong[19], tomorrow[32], d[48];
	const char *t = itest_date(1), *bad[12];
	char c;
	size_t i, n = 0;
	cJSON *j;
	int st;

	/* A wrong check character: every other one. */
	memcpy(wrong, good, 19);
	c = good[17];
	wrong[17] = c == '0' ? '1' : '0';
	bad[n++] = itest_f("%s", wrong);
	wrong[17] = c == 'X' ? '5' : 'X';
	bad[n++] = itest_f("%s", wrong);
	/* Lengths: 17, 19, 15 (the old format), empty. */
	bad[n++] = itest_f("%.17s", good);
	bad[n++] = itest_f("%s0", good);
	bad[n++] = itest_f("%.15s", good);
	bad[n++] = "";
	/* A letter among the digits (with a right check over the rest). */
	bad[n++] = itest_f("%.5sA%s", good, good + 6);
	/* Impossible birth dates, each with its right check character. */
	snprintf(d, sizeof d, "310101%s123", "19800230");
	bad[n++] = itest_f("%s%c", d, itest_idnum_check(d));
	snprintf(d, sizeof d, "310101%s123", "19801301");
	bad[n++] = itest_f("%s%c", d, itest_idnum_check(d));
	snprintf(d, sizeof d, "310101%s123", "19000229");
	bad[n++] = itest_f("%s%c", d, itest_idnum_check(d));
	/* Born tomorrow. */
	snprintf(tomorrow, sizeof tomorrow, "%.4s%.2s%.2s", t, t + 5, t + 8);
	snprintf(d, sizeof d, "310101%s123", tomorrow);
	bad[n++] = itest_f("%s%c", d, itest_idnum_check(d));

	for (i = 0; i < n; i++) {
		j = itest_households_post(itest_admin, itest_f("BAD-%zu", i),
		    "刘一", bad[i], "dibao", NULL, &st);
		ck_assert_msg(st == 400, "id number '%s': status %d, want 400",
		    bad[i], st);
		itest_assert_error(j, st, 400, "bad_field", "id_number");
		if (bad[i][0] != '\0')
			itest_households_absent(j, bad[i], "bad id reply");
	}
	ck_assert_int_eq(itest_households_count(""), 0);

	/* A leap day and today's birth are real dates; the good one too. */
	snprintf(d, sizeof d, "310101%s123", "20000229");
	j = itest_households_post(itest_admin, "OK-1", "刘二",
	    itest_f("%s%c", d, itest_idnum_check(d)), "dibao", NULL, &st);
	ck_assert_msg(st == 201, "leap day: %d %s", st, itest_print(j));
	t = itest_date(0);
	snprintf(d, sizeof d, "310101%.4s%.2s%.2s124", t, t + 5, t + 8);
	j = itest_households_post(itest_admin, "OK-2", "刘三",
	    itest_f("%s%c", d, itest_idnum_check(d)), "dibao", NULL, &st);
	ck_assert_msg(st == 201, "born today: %d %s", st, itest_print(j));
	j = itest_households_post(
	    itest_admin, "OK-3", "刘四", good, "dibao", NULL, &st);
	ck_assert_msg(st == 201, "good: %d %s", st, itest_print(j));
	ck_assert_int_eq(itest_households_count(""), 3);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Masked views: no clear name, street, phone, id number or last 4. */
static void
itest_households_masked(const cJSON *j, const char *what, const char *idnum)
{
	itest_households_absent(j, "张小明", what);
	itest_households_absent(j, "欧阳明华", what);
	itest_households_absent(j, "13812345678", what);
	itest_households_absent(j, "13987654321", what);
	itest_households_absent(j, "华一村", what);
	itest_households_absent(j, idnum, what);
	itest_households_absent(j, "\"head_name\"", what);
	itest_households_absent(j, "\"id_last4\"", what);
	itest_households_absent(j, "\"street\"", what);
}

START_TEST(test_masking)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *roles[2], *id1 = itest_idnum(11), *id2 = itest_idnum(12);
	const char *paths[5], *pathn[3];
	cJSON *j, *e;
	int64_t h1, h2, item;
	size_t r, p;
	int st;

	roles[0] = itest_user(itest_s, "cash", "cashier");
	roles[1] = itest_user(itest_s, "aud", "auditor");
	j = itest_households_post(mgr, "MASK-1", "张小明", id1, "tekun",
	    ",'phone':'13812345678'", &st);
	ck_assert_int_eq(st, 201);
	h1 = itest_int(j, "id");
	j = itest_households_post(mgr, "MASK-2", "欧阳明华", id2, "dibao",
	    ",'phone':'13987654321'", &st);
	ck_assert_int_eq(st, 201);
	h2 = itest_int(j, "id");
	itest_grant(h1, 50);
	item = itest_item("大米", "6901234567892", 10, 0, 0);
	itest_lot(item, 10, NULL);

	/* The cashier: the till's look-up, masked. */
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/MASK-1", roles[0], NULL, 200);
	ck_assert_str_eq(itest_str(j, "name_masked"), "张*明");
	ck_assert_str_eq(itest_str(j, "phone"), "138****5678");
	ck_assert_int_eq(itest_int(j, "points"), 50);
	ck_assert_int_eq(itest_int(j, "id"), h1);
	itest_households_masked(j, "cashier by-card", id1);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/MASK-2", roles[0], NULL, 200);
	ck_assert_str_eq(itest_str(j, "name_masked"), "欧阳*华");
	ck_assert_str_eq(itest_str(j, "phone"), "139****4321");
	itest_households_masked(j, "cashier by-card", id2);
	/* The register itself is not for cashiers. */
	itest_refused("GET", "/api/v1/households", roles[0], NULL, 403,
	    "forbidden", NULL);
	itest_refused("GET", itest_f("/api/v1/households/%lld", (long long)h1),
	    roles[0], NULL, 403, "forbidden", NULL);
	/* A distribution by the cashier names no one. */
	j = itest_ok("POST", "/api/v1/distributions", roles[0],
	    itest_f("{'client_id':'%s','till_id':'T01',"
	            "'household_card':'MASK-1','lines':[{'item_id':%lld,"
	            "'quantity':1}]}",
	        itest_uuid(), (long long)item),
	    201);
	itest_households_masked(j, "cashier distribution", id1);

	/* Every path either role may read, masked whole. */
	paths[0] = "/api/v1/households/by-card/MASK-1";
	paths[1] = "/api/v1/households/by-card/MASK-2";
	paths[2] = itest_f("/api/v1/households/%lld", (long long)h1);
	paths[3] = itest_f("/api/v1/households/%lld", (long long)h2);
	paths[4] = "/api/v1/households?limit=500";
	pathn[0] = "/api/v1/households?q=MASK-1";
	pathn[1] = itest_f("/api/v1/households/%lld/ledger", (long long)h1);
	pathn[2] = "/api/v1/distributions?limit=500";
	for (r = 0; r < 2; r++) {
		for (p = 0; p < 5; p++) {
			j = itest_req(
			    itest_s, "GET", paths[p], roles[r], NULL, &st);
			if (r == 0 && p >= 2)
				continue; /* 403, checked above */
			ck_assert_msg(st == 200, "%s as %s: %d", paths[p],
			    r ? "auditor" : "cashier", st);
			itest_households_masked(j, paths[p], p % 2 ? id2 : id1);
			itest_households_absent(j, id2, paths[p]);
		}
		for (p = 0; p < 3; p++) {
			j = itest_req(
			    itest_s, "GET", pathn[p], roles[r], NULL, &st);
			if (r == 0 && p < 2) {
				/* Not the cashier's: list, ledger. */
				itest_assert_error(
				    j, st, 403, "forbidden", NULL);
				continue;
			}
			ck_assert_msg(st == 200, "%s: %d", pathn[p], st);
			itest_households_masked(j, pathn[p], id1);
		}
	}
	j = itest_ok(
	    "GET", "/api/v1/households?limit=500", roles[1], NULL, 200);
	e = itest_find(itest_items(j), "id", h2);
	ck_assert_msg(e != NULL, "auditor list misses %lld", (long long)h2);
	ck_assert_str_eq(itest_str(e, "name_masked"), "欧阳*华");

	/* A manager sees them whole (but never the id number). */
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/MASK-2", mgr, NULL, 200);
	ck_assert_str_eq(itest_str(j, "head_name"), "欧阳明华");
	ck_assert_str_eq(itest_str(j, "phone"), "13987654321");
	ck_assert_str_eq(itest_str(j, "street"), "梅陇镇华一村");
	ck_assert_str_eq(itest_str(j, "id_last4"), id2 + 14);
	itest_households_absent(j, id2, "manager by-card");

	/* Nowhere in clear: the audit log, the server's log, the database. */
	j = itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	itest_households_absent(j, id1, "audit");
	itest_households_absent(j, id2, "audit");
	ck_assert(!itest_file_has(itest_f("%s/server.log", itest_s->dir), id1));
	ck_assert(!itest_file_has(itest_f("%s/server.log", itest_s->dir), id2));
	ck_assert(!itest_file_has(itest_s->db, id1));
	ck_assert(!itest_file_has(itest_f("%s-wal", itest_s->db), id1));
	ck_assert(!itest_file_has(itest_f("%s-wal", itest_s->db), id2));
	/* (the log file exists and has lines: the test is not vacuous) */
	ck_assert(itest_file_has(
	    itest_f("%s/server.log", itest_s->dir), "/api/v1/households"));
	ck_assert(itest_file_has(itest_f("%s-wal", itest_s->db), "MASK-1") ||
	    itest_file_has(itest_s->db, "MASK-1"));
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static void
itest_households_oneoff_refused(int64_t h)
{
	int st;
	cJSON *j = itest_req(itest_s, "POST", "/api/v1/grants", itest_admin,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':5,"
	            "'reason':'应急'}",
	        itest_uuid(), (long long)h),
	    &st);

	itest_assert_error(j, st, 422, "household_inactive", NULL);
}

START_TEST(test_suspend_expire)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t a, b, c, item, lot;
	cJSON *j;
	int st;

	a = itest_household("SUS-A", "dibao", 2, -30, 300);
	b = itest_household("EXP-B", "dibao", 2, -60, -1);
	c = itest_household("FUT-C", "dibao", 2, 5, 300);
	itest_grant(a, 100);
	item = itest_item("面粉", "CS-FLOUR-1", 10, 0, 0);
	lot = itest_lot(item, 20, NULL);

	j = itest_ok("GET", itest_f("/api/v1/households/%lld", (long long)b),
	    mgr, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "expired");
	j = itest_ok("GET", itest_f("/api/v1/households/%lld", (long long)c),
	    mgr, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "expired");
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/EXP-B", cashier, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "expired");

	/* Suspend: status shows it; the till and one-off grants refuse. */
	itest_refused("PATCH", itest_f("/api/v1/households/%lld", (long long)a),
	    cashier, "{'status':'suspended'}", 403, "forbidden", NULL);
	itest_refused("PATCH", itest_f("/api/v1/households/%lld", (long long)a),
	    mgr, "{'status':'expired'}", 400, "bad_field", "status");
	j = itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)a),
	    mgr, "{'status':'suspended'}", 200);
	ck_assert_str_eq(itest_str(j, "status"), "suspended");
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/SUS-A", cashier, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "suspended");
	j = itest_basket(
	    cashier, NULL, "T01", "SUS-A", itest_line(item, 1), &st);
	itest_assert_error(j, st, 422, "household_inactive", NULL);
	itest_households_oneoff_refused(a);
	j = itest_basket(
	    cashier, NULL, "T01", "EXP-B", itest_line(item, 1), &st);
	itest_assert_error(j, st, 422, "household_inactive", NULL);
	itest_households_oneoff_refused(b);
	j = itest_basket(
	    cashier, NULL, "T01", "FUT-C", itest_line(item, 1), &st);
	itest_assert_error(j, st, 422, "household_inactive", NULL);
	itest_households_oneoff_refused(c);

	/* The status filter. */
	j = itest_ok(
	    "GET", "/api/v1/households?status=expired", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", b));
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", c));
	j = itest_ok(
	    "GET", "/api/v1/households?status=suspended", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_ptr_nonnull(itest_find(itest_items(j), "id", a));

	/* Nothing moved. */
	ck_assert_int_eq(itest_hh_points(a), 100);
	ck_assert_int_eq(itest_hh_points(b), 0);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 20);
	j = itest_ok("GET", "/api/v1/distributions", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 0);

	/* Reinstated and renewed: served again; the first receipt is 1. */
	j = itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)a),
	    mgr, "{'status':'active'}", 200);
	ck_assert_str_eq(itest_str(j, "status"), "active");
	j = itest_basket(
	    cashier, NULL, "T01", "SUS-A", itest_line(item, 2), &st);
	ck_assert_msg(st == 201, "reinstated: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000001");
	ck_assert_int_eq(itest_int(j, "points_balance"), 80);
	j = itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)b),
	    mgr, itest_f("{'valid_to':'%s'}", itest_date(30)), 200);
	ck_assert_str_eq(itest_str(j, "status"), "active");
	ck_assert_str_eq(itest_str(j, "valid_to"), itest_date(30));
	itest_grant(b, 10);
	j = itest_basket(
	    cashier, NULL, "T01", "EXP-B", itest_line(item, 1), &st);
	ck_assert_msg(st == 201, "renewed: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000002");
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 17);

	/* A validity that ends before it starts is refused. */
	itest_refused("PATCH", itest_f("/api/v1/households/%lld", (long long)b),
	    mgr, itest_f("{'valid_to':'%s'}", itest_date(-90)), 400,
	    "bad_field", "valid_to");
	/* Valid from today to today: active, served. */
	itest_household("DAY-D", "dibao", 1, 0, 0);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/DAY-D", cashier, NULL, 200);
	ck_assert_str_eq(itest_str(j, "status"), "active");
	itest_grant(itest_int(j, "id"), 10);
	j = itest_basket(
	    cashier, NULL, "T01", "DAY-D", itest_line(item, 1), &st);
	ck_assert_msg(st == 201, "valid today only: %d %s", st, itest_print(j));
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T01-000003");
	/* Other fields change. */
	j = itest_ok("PATCH", itest_f("/api/v1/households/%lld", (long long)b),
	    mgr, "{'members':5,'category':'tekun','phone':'021-5555'}", 200);
	ck_assert_int_eq(itest_int(j, "members"), 5);
	ck_assert_str_eq(itest_str(j, "category"), "tekun");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "priority")));
	ck_assert_str_eq(itest_str(j, "phone"), "021-5555");
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_card_lookup_limits)
{
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, rice, oil, soap;
	cJSON *j, *lim, *e;
	int st;

	h = itest_household("CARD-1", "emergency", 4, -5, 100);
	itest_grant(h, 200);
	rice = itest_item("大米", "6901234567892", 10, 2, 0);
	oil = itest_item("食用油", "CS-OIL-1", 20, 1, 0);
	soap = itest_item("肥皂", "CS-SOAP-1", 3, 0, 0);
	itest_lot(rice, 10, itest_date(60));
	itest_lot(oil, 10, itest_date(60));
	itest_lot(soap, 10, NULL);

	j = itest_ok(
	    "GET", "/api/v1/households/by-card/CARD-1", cashier, NULL, 200);
	ck_assert_int_eq(itest_int(j, "id"), h);
	ck_assert_str_eq(itest_str(j, "category"), "emergency");
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(j, "priority")));
	ck_assert_str_eq(itest_str(j, "status"), "active");
	ck_assert_int_eq(itest_int(j, "points"), 200);
	ck_assert_int_eq(itest_int(j, "members"), 4);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "limits")), 0);

	j = itest_ok("POST", "/api/v1/distributions", cashier,
	    itest_f("{'client_id':'%s','till_id':'T01',"
	            "'household_card':'CARD-1','lines':[{'barcode':"
	            "'6901234567892','quantity':1},{'item_id':%lld,"
	            "'quantity':2}]}",
	        itest_uuid(), (long long)soap),
	    201);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/CARD-1", cashier, NULL, 200);
	ck_assert_int_eq(itest_int(j, "points"), 200 - 10 - 6);
	lim = itest_arr(j, "limits");
	ck_assert_msg(cJSON_GetArraySize(lim) == 1,
	    "limits should hold rice only: %s", itest_print(lim));
	e = itest_find(lim, "item_id", rice);
	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(itest_str(e, "name"), "大米");
	ck_assert_int_eq(itest_int(e, "monthly_limit"), 2);
	ck_assert_int_eq(itest_int(e, "taken"), 1);
	ck_assert_int_eq(itest_int(e, "remaining"), 1);
	ck_assert_ptr_null(itest_find(lim, "item_id", oil));
	ck_assert_ptr_null(itest_find(lim, "item_id", soap));

	j = itest_ok("POST", "/api/v1/distributions", cashier,
	    itest_f("{'client_id':'%s','till_id':'T01',"
	            "'household_card':'CARD-1','lines':[{'item_id':%lld,"
	            "'quantity':1},{'item_id':%lld,'quantity':1}]}",
	        itest_uuid(), (long long)rice, (long long)oil),
	    201);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/CARD-1", cashier, NULL, 200);
	lim = itest_arr(j, "limits");
	ck_assert_int_eq(cJSON_GetArraySize(lim), 2);
	e = itest_find(lim, "item_id", rice);
	ck_assert_int_eq(itest_int(e, "taken"), 2);
	ck_assert_int_eq(itest_int(e, "remaining"), 0);
	e = itest_find(lim, "item_id", oil);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(itest_int(e, "monthly_limit"), 1);
	ck_assert_int_eq(itest_int(e, "taken"), 1);
	ck_assert_int_eq(itest_int(e, "remaining"), 0);
	ck_assert_int_eq(itest_int(j, "points"), 200 - 16 - 30);

	/* The GET by id carries the same limits. */
	j = itest_ok("GET", itest_f("/api/v1/households/%lld", (long long)h),
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_arr(j, "limits")), 2);

	/* Unknown cards. */
	itest_refused("GET", "/api/v1/households/by-card/NOPE", cashier, NULL,
	    404, "not_found", NULL);
	itest_refused("GET",
	    "/api/v1/households/by-card/"
	    "X23456789012345678901234567890123456",
	    cashier, NULL, 404, "not_found", NULL);
	j = itest_req(itest_s, "GET", "/api/v1/households/by-card/card-1",
	    cashier, NULL, &st);
	/* Card codes are case-sensitive. */
	itest_assert_error(j, st, 404, "not_found", NULL);
	itest_refused("GET", "/api/v1/households/by-card/CARD-1", NULL, NULL,
	    401, "unauthenticated", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

START_TEST(test_recertification)
{
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t in5, in20, in40, past, edge;
	cJSON *j, *items;

	in5 = itest_household("RC-5", "dibao", 1, -100, 5);
	in20 = itest_household("RC-20", "tekun", 1, -100, 20);
	in40 = itest_household("RC-40", "dibao", 1, -100, 40);
	past = itest_household("RC-P", "other", 1, -100, -3);
	edge = itest_household("RC-0", "illness", 1, -100, 0);

	j = itest_ok("GET", "/api/v1/households?expiring_within_days=10", mgr,
	    NULL, 200);
	items = itest_items(j);
	ck_assert_ptr_nonnull(itest_find(items, "id", in5));
	ck_assert_ptr_nonnull(itest_find(items, "id", edge));
	ck_assert_ptr_null(itest_find(items, "id", in20));
	ck_assert_ptr_null(itest_find(items, "id", in40));
	(void)past; /* lapsed already: either way */

	/* Validity that ends on exactly today + N is within N days. */
	j = itest_ok("GET", "/api/v1/households?expiring_within_days=20", mgr,
	    NULL, 200);
	items = itest_items(j);
	ck_assert_ptr_nonnull(itest_find(items, "id", in5));
	ck_assert_ptr_nonnull(itest_find(items, "id", in20));
	ck_assert_ptr_null(itest_find(items, "id", in40));
	j = itest_ok("GET", "/api/v1/households?expiring_within_days=19", mgr,
	    NULL, 200);
	ck_assert_ptr_null(itest_find(itest_items(j), "id", in20));
	j = itest_ok(
	    "GET", "/api/v1/households?expiring_within_days=0", mgr, NULL, 200);
	items = itest_items(j);
	ck_assert_ptr_nonnull(itest_find(items, "id", edge));
	ck_assert_ptr_null(itest_find(items, "id", in5));

	/* Combined with a category, with the status. */
	j = itest_ok("GET",
	    "/api/v1/households?expiring_within_days=60&category=dibao", mgr,
	    NULL, 200);
	items = itest_items(j);
	ck_assert_int_eq(cJSON_GetArraySize(items), 2);
	ck_assert_ptr_nonnull(itest_find(items, "id", in5));
	ck_assert_ptr_nonnull(itest_find(items, "id", in40));
	j = itest_ok("GET",
	    "/api/v1/households?expiring_within_days=60&status=active", mgr,
	    NULL, 200);
	items = itest_items(j);
	ck_assert_int_eq(cJSON_GetArraySize(items), 4);
	ck_assert_ptr_null(itest_find(items, "id", past));
	/* q finds by card and by name. */
	j = itest_ok("GET", "/api/v1/households?q=RC-40", mgr, NULL, 200);
	items = itest_items(j);
	ck_assert_int_eq(cJSON_GetArraySize(items), 1);
	ck_assert_ptr_nonnull(itest_find(items, "id", in40));
	j = itest_ok("GET", "/api/v1/households?q=%E7%8E%8B", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 5);
	j = itest_ok("GET", "/api/v1/households?limit=2", mgr, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 2);
	ck_assert(cJSON_IsString(cJSON_GetObjectItem(j, "next")));

	itest_refused("GET", "/api/v1/households?expiring_within_days=-1", mgr,
	    NULL, 400, "bad_field", "expiring_within_days");
	itest_refused("GET", "/api/v1/households?expiring_within_days=ten", mgr,
	    NULL, 400, "bad_field", "expiring_within_days");
	itest_refused("GET", "/api/v1/households?category=rich", mgr, NULL, 400,
	    "bad_field", "category");
	itest_refused("GET", "/api/v1/households?expiring_within_days=10",
	    cashier, NULL, 403, "forbidden", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

static Suite *
itest_households_suite(void)
{
	Suite *s = suite_create("itest_households");
	TCase *tc = itest_tcase("households");

	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_duplicate_idnum);
	tcase_add_test(tc, test_bad_idnum);
	tcase_add_test(tc, test_masking);
	tcase_add_test(tc, test_suspend_expire);
	tcase_add_test(tc, test_card_lookup_limits);
	tcase_add_test(tc, test_recertification);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_households_suite());
}
