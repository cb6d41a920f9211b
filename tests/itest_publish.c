/*
 * Publication of the monthly notices against the real server: the
 * current month is refused; a closed month is frozen, byte for byte, in
 * JSON and CSV, whatever is added later; ledger_head is the head of a
 * hash chain the test recomputes itself with libsodium's SHA-256 from the
 * rows the database holds.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "itest.h"

/* Publication: the current month is refused; a closed month is frozen,
 * byte for byte, in JSON and CSV, whatever is added later. */
START_TEST(test_publish)
{
	const char *now = itest_period(0), *last = itest_period(-1);
	const char *mgr, *json1, *csv1, *head1;
	struct itest_reply *r1, *r2;
	int64_t rice, donor;
	cJSON *j, *list, *e;
	time_t sec;

	mgr = itest_user(itest_s, "mgr", "manager");
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	donor = itest_donor(itest_admin, "某公司", "enterprise");
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));

	itest_refused("POST", itest_f("/api/v1/notices/%s/publish", now), mgr,
	    NULL, 422, "period_open", NULL);
	itest_refused("POST",
	    itest_f("/api/v1/notices/%s/publish", itest_period(1)), mgr, NULL,
	    404, "not_found", NULL);
	itest_refused("POST", "/api/v1/notices/2026-13/publish", mgr, NULL, 404,
	    "not_found", NULL);
	itest_refused("POST", itest_f("/api/v1/notices/%s/publish", last),
	    itest_user(itest_s, "till", "cashier"), NULL, 403, "forbidden",
	    NULL);
	itest_refused("POST", itest_f("/api/v1/notices/%s/publish", last), NULL,
	    NULL, 401, "unauthenticated", NULL);
	/* Nothing was published by the refusals. */
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	ck_assert_ptr_null(itest_find_str(itest_items(list), "period", last));

	r1 = itest_raw(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last), mgr, NULL, NULL, 0);
	ck_assert_msg(
	    r1->status == 201, "publish %s: %d %s", last, r1->status, r1->body);
	j = cJSON_Parse(r1->body);
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "provisional")));
	ck_assert_str_eq(itest_str(j, "period"), last);
	cJSON_Delete(j);
	r2 = itest_raw(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", last), mgr, NULL, NULL, 0);
	ck_assert_int_eq(r2->status, 200);
	ck_assert_msg(
	    r2->len == r1->len && memcmp(r1->body, r2->body, r1->len) == 0,
	    "publishing again answers another body:\n%s\n%s", r1->body,
	    r2->body);

	json1 = itest_public_raw(itest_f("/public/notices/%s", last))->body;
	csv1 = itest_public_raw(itest_f("/public/notices/%s.csv", last))->body;
	head1 = itest_str(itest_notice(now), "ledger_head");
	ck_assert_msg(strstr(csv1, ",period,published\r\n") != NULL,
	    "the CSV does not say published:\n%s", csv1);
	j = cJSON_Parse(json1);
	ck_assert_ptr_nonnull(j);
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(j, "provisional")));
	cJSON_Delete(j);

	/* Later rows, a second later: the published month stays as it was,
	 * while the current one moves on. */
	for (sec = time(NULL); time(NULL) == sec;)
		usleep(10000);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':3}", (long long)rice));
	itest_household_granted("PB-1", "dibao", 1, 1000);
	itest_basket(
	    itest_admin, NULL, "T1", "PB-1", itest_line(rice, 2), NULL);
	ck_assert_str_eq(
	    itest_public_raw(itest_f("/public/notices/%s", last))->body, json1);
	ck_assert_str_eq(
	    itest_public_raw(itest_f("/public/notices/%s.csv", last))->body,
	    csv1);
	ck_assert_str_ne(itest_str(itest_notice(now), "ledger_head"), head1);

	/* The list: the current month provisional, the published one. */
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	e = (cJSON *)itest_find_str(itest_items(list), "period", now);
	ck_assert_msg(e != NULL, "%s not listed: %s", now, itest_print(list));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "provisional")));
	e = (cJSON *)itest_find_str(itest_items(list), "period", last);
	ck_assert_msg(e != NULL, "%s not listed: %s", last, itest_print(list));
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItem(e, "provisional")));
	ck_assert(cJSON_IsTrue(cJSON_GetObjectItem(e, "published")));
	/* No notice of the future; no such path. */
	itest_refused("GET", itest_f("/public/notices/%s", itest_period(1)),
	    NULL, NULL, 404, "not_found", NULL);
	itest_refused("GET", "/public/notices/2026-1", NULL, NULL, 404,
	    "not_found", NULL);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The chain as the database holds it, recomputed from the canonical rows
 * with our own SHA-256; the head in upper-case hex. Asserts every entry. */
static const char *
itest_publish_chain(const char *db, int *entries)
{
	static const char sql[] =
	    "SELECT c.seq, hex(c.hash), r.canon FROM chain c LEFT JOIN "
	    "(SELECT 'movement' AS kind, id, canon FROM canon_movements "
	    "UNION ALL SELECT 'transfer', id, canon FROM canon_transfers "
	    "UNION ALL SELECT 'fund_entry', id, canon FROM canon_fund_entries) "
	    "r ON r.kind = c.kind AND r.id = c.row_id ORDER BY c.seq";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char hex[2 * sizeof h + 1];
	sqlite3_stmt *q;
	sqlite3 *d;
	int64_t n = 0, rows;
	size_t i;

	ck_assert_int_ge(sodium_init(), 0);
	memset(h, 0, sizeof h);
	ck_assert_int_eq(
	    sqlite3_open_v2(db, &d, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(d, sql, -1, &q, NULL) == SQLITE_OK,
	    "%s", sqlite3_errmsg(d));
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *canon = (const char *)sqlite3_column_text(q, 2);

		n++;
		ck_assert_msg(sqlite3_column_int64(q, 0) == n,
		    "chain seq %lld, want %lld", sqlite3_column_int64(q, 0),
		    (long long)n);
		ck_assert_msg(
		    canon != NULL, "chain entry %lld has no row", (long long)n);
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, h, sizeof h);
		crypto_hash_sha256_update(
		    &st, (const unsigned char *)canon, strlen(canon));
		crypto_hash_sha256_final(&st, h);
		for (i = 0; i < sizeof h; i++)
			snprintf(hex + 2 * i, 3, "%02X", h[i]);
		ck_assert_msg(
		    strcmp(hex, (const char *)sqlite3_column_text(q, 1)) == 0,
		    "chain entry %lld: stored %s, SHA-256(prev || '%s') = %s",
		    (long long)n, sqlite3_column_text(q, 1), canon, hex);
	}
	sqlite3_finalize(q);
	/* Every ledger row is in it. */
	ck_assert_int_eq(sqlite3_prepare_v2(d,
	                     "SELECT (SELECT count(*) FROM movements) + "
	                     "(SELECT count(*) FROM transfers) + "
	                     "(SELECT count(*) FROM fund_entries)",
	                     -1, &q, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	rows = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(d);
	ck_assert_msg(rows == n, "%lld ledger rows, %lld chain entries",
	    (long long)rows, (long long)n);
	*entries = (int)n;
	return n == 0 ? "" : itest_f("%s", hex);
}

/* ledger_head is the head of the chain (recomputed here), 64 hex
 * characters, and moves with every row. */
START_TEST(test_ledger_head)
{
	const char *now = itest_period(0), *head, *h1, *h2;
	int64_t donor, fund, rice;
	int n1, n2;
	size_t i;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	fund = itest_fund(itest_admin, "爱心捐款", "donations", 0, NULL);
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'NT-RICE'", 500, 5, NULL);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_cash(itest_admin, donor, fund, 777);
	itest_household_granted("LH-1", "dibao", 1, 1000);
	itest_basket(
	    itest_admin, NULL, "T1", "LH-1", itest_line(rice, 1), NULL);

	h1 = itest_publish_chain(itest_s->db, &n1);
	ck_assert_int_ge(n1, 4);
	head = itest_str(itest_notice(now), "ledger_head");
	ck_assert_int_eq(strlen(head), 64);
	for (i = 0; i < 64; i++)
		ck_assert(isxdigit((unsigned char)head[i]));
	ck_assert_msg(strcasecmp(head, h1) == 0,
	    "ledger_head %s, the chain's head %s", head, h1);

	itest_cash(itest_admin, donor, fund, 1);
	h2 = itest_publish_chain(itest_s->db, &n2);
	ck_assert_int_eq(n2, n1 + 1);
	head = itest_str(itest_notice(now), "ledger_head");
	ck_assert_str_ne(h1, h2);
	ck_assert_msg(strcasecmp(head, h2) == 0,
	    "ledger_head %s after a row, the chain's head %s", head, h2);
	/* The CSV and the page carry the same head. */
	ck_assert(
	    strstr(
	        itest_public_raw(itest_f("/public/notices/%s.csv", now))->body,
	        head) != NULL);
	ck_assert(strstr(itest_public_raw("/")->body, head) != NULL);
}
END_TEST

static Suite *
itest_publish_suite(void)
{
	Suite *s = suite_create("publish");
	TCase *tc = itest_tcase("publish");

	tcase_add_test(tc, test_publish);
	tcase_add_test(tc, test_ledger_head);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_publish_suite());
}
