/*
 * itest_schema: a migration that recreates a table (024, "-- rebuild")
 * against a store with rows in it. Applied again after its row in
 * schema_migrations is deleted, it keeps every distribution as it was,
 * their indexes and triggers, and receipts are still found by number; a
 * store whose foreign keys fail is refused and left as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* The distributions' rows, folded into one number. */
#define ITEST_SCHEMA_DIGEST                                                    \
	"SELECT count(*) * 1000003 + coalesce(sum(id * 131 + receipt_seq * 7 " \
	"+ length(client_id || till_id || receipt_no || period || "            \
	"coalesce(hcategory, '')) * 17 + household_id * 29 + points_total * "  \
	"37 + points_balance * 41 + coalesce(transfer_id, 0) * 43 + "          \
	"coalesce(user_id, 0) * 47 + created_at % 100003), 0) FROM "           \
	"distributions"

static int64_t itest_schema_item;

/* Two baskets on till T1, one on T-2, one of them voided. */
static void
itest_schema_fill(void)
{
	int64_t h = itest_household("S-1", "dibao", 1, -5, 300), id;

	itest_grant(h, 100);
	itest_schema_item = itest_item("面粉", "CS-SCHEMA", 5, 0, 0);
	itest_lot(itest_schema_item, 20, NULL);
	itest_basket(itest_admin, NULL, "T1", "S-1",
	    itest_line(itest_schema_item, 1), NULL);
	id = itest_int(itest_basket(itest_admin, NULL, "T1", "S-1",
	                   itest_line(itest_schema_item, 2), NULL),
	    "id");
	itest_basket(itest_admin, NULL, "T-2", "S-1",
	    itest_line(itest_schema_item, 1), NULL);
	itest_ok("POST",
	    itest_f("/api/v1/distributions/%lld/void", (long long)id),
	    itest_admin,
	    itest_f("{'client_id':'%s','reason':'退回'}", itest_uuid()), 201);
}

/* What recreating the table must keep: its rows, indexes and triggers. */
static void
itest_schema_same(const char *db, int64_t digest)
{
	ck_assert_int_eq(itest_sql_int(db, ITEST_SCHEMA_DIGEST), digest);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM sqlite_schema "
	                     "WHERE tbl_name = 'distributions' AND "
	                     "type = 'trigger'"),
	    3);
	/* client_id's, (till_id, receipt_seq)'s, household, at, till. */
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM sqlite_schema "
	                     "WHERE tbl_name = 'distributions' AND "
	                     "type = 'index'"),
	    5);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM "
	                     "pragma_index_list('distributions') "
	                     "WHERE \"unique\""),
	    2);
}

START_TEST(test_rebuild_keeps_rows)
{
	const char *db = itest_s->db;
	int64_t digest;
	cJSON *j;

	itest_schema_fill();
	itest_s->own_dir = 0; /* keep the files past the stop */
	itest_stop(itest_s);
	digest = itest_sql_int(db, ITEST_SCHEMA_DIGEST);
	ck_assert_int_eq(digest / 1000003, 3);
	itest_schema_same(db, digest);
	itest_sql(db, "DELETE FROM schema_migrations WHERE version = 24");

	itest_s = itest_start(db); /* 024 again, on these rows */
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_ok("GET", "/api/v1/distributions?receipt_no=T1-000002",
	    itest_admin, NULL, 200);
	ck_assert_int_eq(cJSON_GetArraySize(itest_items(j)), 1);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(itest_items(j), 0), "id"), 2);
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	ck_assert_int_eq(itest_sql_int(db,
	                     "SELECT count(*) FROM "
	                     "schema_migrations WHERE version = 24"),
	    1);
	itest_schema_same(db, digest);
	itest_verify(db, 1, NULL);

	/* The next basket on T-2 takes its next number. */
	itest_s = itest_start(db);
	itest_admin = itest_login(itest_s, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_basket(itest_admin, NULL, "T-2", "S-1",
	    itest_line(itest_schema_item, 1), NULL);
	ck_assert_str_eq(itest_str(j, "receipt_no"), "T-2-000002");
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_verify(db, 1, NULL);
	itest_remove_dir(itest_s->dir);
}
END_TEST

/* A line that names no distribution (written around the server): the
 * rebuild's foreign key check refuses the store, which stays as it was. */
START_TEST(test_rebuild_refuses_orphans)
{
	const char *db = itest_s->db, *out;
	const char *argv[] = {
	    "serve", "--db", db, "--listen", "127.0.0.1:0", NULL};
	int64_t digest;

	itest_schema_fill();
	itest_s->own_dir = 0;
	itest_stop(itest_s);
	itest_sql(db,
	    itest_f("INSERT INTO distribution_lines(distribution_id, "
	            "item_id, quantity, points, value_fen) VALUES "
	            "(99, %lld, 1, 0, 0); DELETE FROM "
	            "schema_migrations WHERE version = 24",
	        (long long)itest_schema_item));
	digest = itest_sql_int(db, ITEST_SCHEMA_DIGEST);

	ck_assert_int_ne(itest_cmd(argv, &out), 0);
	ck_assert_msg(strstr(out, "foreign key") != NULL &&
	        strstr(out, "024_receipts_by_till failed") != NULL,
	    "no refusal named:\n%s", out);
	ck_assert_int_eq(
	    itest_sql_int(db, "SELECT max(version) FROM schema_migrations"),
	    23);
	itest_schema_same(db, digest);
	itest_remove_dir(itest_s->dir);
}
END_TEST

static Suite *
itest_schema_suite(void)
{
	Suite *s = suite_create("schema");
	TCase *tc = itest_tcase("schema");

	tcase_add_test(tc, test_rebuild_keeps_rows);
	tcase_add_test(tc, test_rebuild_refuses_orphans);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_schema_suite());
}
