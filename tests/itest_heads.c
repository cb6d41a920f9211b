/*
 * Published ledger heads against the real server: /public/ledger-heads
 * lists each published month's head with its date, and `verify` fails
 * once a past row is rewritten, even when the whole hash chain is
 * recomputed to match (the published heads are out of the forger's
 * reach: printed, mirrored, archived).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "itest.h"

/* The forger's move: every chain hash recomputed from the rows as they
 * now are, SHA-256(prev || canon), so the chain check passes again. */
static void
itest_heads_rechain(const char *db)
{
	static const char sql[] =
	    "SELECT c.seq, r.canon FROM chain c JOIN (SELECT 'movement' AS "
	    "kind, id, canon FROM canon_movements UNION ALL SELECT "
	    "'transfer', id, canon FROM canon_transfers UNION ALL SELECT "
	    "'fund_entry', id, canon FROM canon_fund_entries) r ON r.kind = "
	    "c.kind AND r.id = c.row_id ORDER BY c.seq";
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	sqlite3_stmt *q, *u;
	sqlite3 *d;
	const char *canon;

	ck_assert_int_ge(sodium_init(), 0);
	memset(h, 0, sizeof h);
	ck_assert_int_eq(sqlite3_open(db, &d), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(d, "DROP TRIGGER chain_no_update; BEGIN",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(d, sql, -1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(
	    sqlite3_prepare_v2(
	        d, "UPDATE chain SET hash = ?1 WHERE seq = ?2", -1, &u, NULL),
	    SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		canon = (const char *)sqlite3_column_text(q, 1);
		crypto_hash_sha256_init(&st);
		crypto_hash_sha256_update(&st, h, sizeof h);
		crypto_hash_sha256_update(
		    &st, (const unsigned char *)canon, strlen(canon));
		crypto_hash_sha256_final(&st, h);
		sqlite3_bind_blob(u, 1, h, sizeof h, SQLITE_STATIC);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(q, 0));
		ck_assert_int_eq(sqlite3_step(u), SQLITE_DONE);
		sqlite3_reset(u);
	}
	sqlite3_finalize(q);
	sqlite3_finalize(u);
	ck_assert_int_eq(
	    sqlite3_exec(d, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_close(d), SQLITE_OK);
}

START_TEST(test_heads_listed)
{
	const char *last = itest_period(-1), *mgr;
	cJSON *list, *pub;
	const cJSON *e;

	mgr = itest_user(itest_s, "mgr", "manager");
	list = itest_ok("GET", "/public/ledger-heads", NULL, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(list)), 0);
	pub = itest_ok("POST", itest_f("/api/v1/notices/%s/publish", last), mgr,
	    NULL, 201);
	list = itest_ok("GET", "/public/ledger-heads", NULL, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(list)), 1);
	e = cJSON_GetArrayItem(itest_items(list), 0);
	ck_assert_str_eq(itest_str(e, "period"), last);
	ck_assert_str_eq(
	    itest_str(e, "ledger_head"), itest_str(pub, "ledger_head"));
	ck_assert_str_eq(
	    itest_str(e, "published_at"), itest_str(pub, "published_at"));
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/*
 * The rows are all of this month (the server runs on the real clock), so
 * this month's head is published here by hand, as if the month had
 * closed: the head of the chain as the server gives it now. A movement's
 * time is then moved by a second and the whole chain recomputed: every
 * other check passes, the published head no longer does.
 */
START_TEST(test_heads_verify)
{
	const char *now = itest_period(0), *head;
	int64_t donor, rice;

	donor = itest_donor(itest_admin, "某公司", "enterprise");
	rice = itest_item_new(
	    itest_admin, "大米", "粮油", "'HD-RICE'", 500, 5, NULL);
	itest_donation(itest_admin, donor,
	    itest_f("{'item_id':%lld,'quantity':10}", (long long)rice));
	itest_household_granted("HD-1", "dibao", 1, 1000);
	itest_basket(
	    itest_admin, NULL, "T1", "HD-1", itest_line(rice, 2), NULL);
	head = itest_str(itest_ok("GET", itest_f("/api/v1/notices/%s", now),
	                     itest_admin, NULL, 200),
	    "ledger_head");
	ck_assert_int_eq(strlen(head), 64);
	itest_s->own_dir = 0; /* keep the files past the stop */
	itest_stop(itest_s);
	itest_sql(itest_s->db,
	    itest_f("INSERT INTO notices(period, published_at, ledger_head, "
	            "body) VALUES ('%s', 0, '%s', '{}')",
	        now, head));
	itest_verify(itest_s->db, 1, NULL);

	/* A past row rewritten: the chain check catches it... */
	itest_sql(itest_s->db,
	    "DROP TRIGGER movements_no_update; UPDATE movements SET at = at - "
	    "1 WHERE id = 1");
	itest_verify(itest_s->db, 0,
	    "the hash chain matches the ledger rows (first mismatch)");
	/* ...and with the chain recomputed, the published head does. */
	itest_heads_rechain(itest_s->db);
	ck_assert_msg(
	    strstr(itest_verify(itest_s->db, 0,
	               "each published month's ledger head is the chain's"),
	        "the hash chain matches the ledger rows") == NULL,
	    "the recomputed chain still fails its own check");
}
END_TEST

static Suite *
itest_heads_suite(void)
{
	Suite *s = suite_create("heads");
	TCase *tc = itest_tcase("heads");

	tcase_add_test(tc, test_heads_listed);
	tcase_add_test(tc, test_heads_verify);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_heads_suite());
}
