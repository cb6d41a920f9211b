/*
 * itest_soak (`make soak`, not part of `make test`): SOAK_KILLS (default
 * 20) SIGKILLs of the server while 8 clients write every kind of write
 * (donors, items, goods and cash donations, adjustments, stock counts,
 * grants, distributions, voids, expenses). A write is acknowledged when
 * its 2xx reply arrives; a client_id write cut off by the kill is retried
 * with the same client_id until it is. After each kill `verify` passes;
 * at the end every acknowledged write is in the database exactly once.
 * Prints kills, acknowledged, found and violations.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

#define SOAK_CLIENTS 8
#define SOAK_KINDS   10

/* What the clients share with the test: where the server is, and stop. */
struct soak_shared {
	volatile int port;
	volatile int stop;
};

static struct soak_shared *soak;
static int64_t soak_item, soak_lot, soak_donor, soak_fund;

/* The table and column an acknowledged write of a kind is found by. */
static const char *const soak_find[SOAK_KINDS] = {
    "SELECT count(*) FROM donors WHERE name = ?1",
    "SELECT count(*) FROM items WHERE name = ?1",
    "SELECT count(*) FROM donations WHERE client_id = ?1",
    "SELECT count(*) FROM donations WHERE client_id = ?1",
    "SELECT count(*) FROM adjustments WHERE client_id = ?1",
    "SELECT count(*) FROM stocktakes WHERE client_id = ?1",
    "SELECT count(*) FROM transfers WHERE client_id = ?1",
    "SELECT count(*) FROM distributions WHERE client_id = ?1",
    "SELECT count(*) FROM voids WHERE client_id = ?1",
    "SELECT count(*) FROM expenses WHERE client_id = ?1",
};

/* Write k of client c: its path and body (JSON), its key (a name or a
 * client_id). Returns 1 if a retry may repeat it (it has a client_id). */
static int
soak_write(int c, long k, int64_t hh, int64_t dist, char *path, char *body,
    size_t size, char *key)
{
	int kind = (int)(k % SOAK_KINDS);

	snprintf(key, 64, "soak-%d-%ld", c, k);
	switch (kind) {
	case 0:
		strcpy(path, "/api/v1/donors");
		snprintf(body, size,
		    "{\"name\":\"%s\",\"kind\":\"individual\"}", key);
		return 0;
	case 1:
		strcpy(path, "/api/v1/items");
		snprintf(body, size,
		    "{\"name\":\"%s\",\"category\":\"grain\",\"unit\":\"bag\","
		    "\"barcodes\":[],\"unit_value_fen\":100,\"points\":1}",
		    key);
		return 0;
	case 2:
		strcpy(path, "/api/v1/donations");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"donor_id\":%lld,\"received_on\":"
		    "\"%s\",\"channel\":\"walk_in\",\"lines\":[{\"item_id\":%"
		    "lld,"
		    "\"quantity\":2}]}",
		    key, (long long)soak_donor, itest_date(0),
		    (long long)soak_item);
		return 1;
	case 3:
		strcpy(path, "/api/v1/donations");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"donor_id\":%lld,\"received_on\":"
		    "\"%s\",\"cash\":{\"amount_fen\":100,\"fund_id\":%lld}}",
		    key, (long long)soak_donor, itest_date(0),
		    (long long)soak_fund);
		return 1;
	case 4:
		strcpy(path, "/api/v1/stock/adjustments");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"lot_id\":%lld,\"quantity_delta\":-"
		    "1,"
		    "\"reason\":\"damaged\"}",
		    key, (long long)soak_lot);
		return 1;
	case 5:
		strcpy(path, "/api/v1/stock/counts");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"lines\":[{\"lot_id\":%lld,"
		    "\"counted\":%ld}]}",
		    key, (long long)soak_lot, 500000 + k % 1000);
		return 1;
	case 6:
		strcpy(path, "/api/v1/grants");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"household_id\":%lld,\"points\":2,"
		    "\"reason\":\"soak\"}",
		    key, (long long)hh);
		return 1;
	case 7:
		strcpy(path, "/api/v1/distributions");
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"till_id\":\"S%d\",\"household_"
		    "card\":"
		    "\"SOAK-%d\",\"lines\":[{\"item_id\":%lld,\"quantity\":1}]"
		    "}",
		    key, c, c, (long long)soak_item);
		return 1;
	case 8:
		snprintf(path, 128, "/api/v1/distributions/%lld/void",
		    (long long)dist);
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"reason\":\"soak\"}", key);
		return 1;
	default:
		snprintf(path, 128, "/api/v1/funds/%lld/expenses",
		    (long long)soak_fund);
		snprintf(body, size,
		    "{\"client_id\":\"%s\",\"amount_fen\":1,\"purpose\":"
		    "\"soak\","
		    "\"spent_on\":\"%s\"}",
		    key, itest_date(0));
		return 1;
	}
}

/* A client: writes until told to stop; each acknowledged write's kind
 * and key go to its file, one line each. Exits 0, or 1 on a refusal. */
static void
soak_client(int c, int64_t hh, const char *token, const char *file)
{
	struct itest_srv s;
	struct itest_reply r;
	char path[128], body[1024], key[64];
	int64_t dist = 0;
	FILE *out = fopen(file, "w");
	cJSON *j;
	long k;
	int retry, kind;

	memset(&s, 0, sizeof(s));
	strcpy(s.host, "127.0.0.1");
	if (out == NULL)
		_exit(1);
	for (k = 0; !soak->stop; k++) {
		kind = (int)(k % SOAK_KINDS);
		if (kind == 8 && dist == 0)
			continue;
		retry =
		    soak_write(c, k, hh, dist, path, body, sizeof(body), key);
		for (;;) {
			s.port = soak->port;
			if (itest_http(&s, "POST", path, token,
			        "application/json", NULL, body, strlen(body),
			        &r) == 0 &&
			    r.status != 503) {
				if (r.status / 100 != 2) {
					fprintf(stderr, "soak: %s %s: %d %s\n",
					    path, key, r.status, r.body);
					_exit(1);
				}
				fprintf(out, "%d %s\n", kind, key);
				fflush(out);
				if (kind == 7 &&
				    (j = cJSON_Parse(r.body)) != NULL) {
					dist = (int64_t)cJSON_GetNumberValue(
					    cJSON_GetObjectItem(j, "id"));
					cJSON_Delete(j);
				} else if (kind == 8)
					dist = 0;
				break;
			}
			/* Cut off (or shutting down): the write is in doubt. */
			if (!retry || soak->stop)
				break;
			usleep(20000);
		}
	}
	fclose(out);
	_exit(0);
}

/* How many times the database holds the write key of kind. */
static int64_t
soak_count(sqlite3 *h, int kind, const char *key)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	ck_assert_int_eq(
	    sqlite3_prepare_v2(h, soak_find[kind], -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

START_TEST(test_kill_loop)
{
	const char *env = getenv("SOAK_KILLS");
	const char *db = itest_s->db, *dir = itest_s->dir;
	int kills = env != NULL ? atoi(env) : 20;
	int64_t hh[SOAK_CLIENTS];
	pid_t pid[SOAK_CLIENTS];
	long acked = 0, found = 0, bad = 0;
	char line[128], key[64];
	struct itest_srv *s = itest_s;
	sqlite3 *h;
	FILE *in;
	int c, i, st, kind;

	ck_assert_int_gt(kills, 0);
	soak = mmap(NULL, sizeof(*soak), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert(soak != MAP_FAILED);
	soak_item = itest_item("soak-rice", "SOAK-RICE", 1, 0, 0);
	soak_lot = itest_lot(soak_item, 500000, NULL);
	soak_donor = itest_donor(itest_admin, "soak-donor", "individual");
	soak_fund = itest_fund(itest_admin, "soak-fund", "donations", 0, NULL);
	itest_cash(itest_admin, soak_donor, soak_fund, 100000000);
	for (c = 0; c < SOAK_CLIENTS; c++)
		hh[c] = itest_household_granted(
		    itest_f("SOAK-%d", c), "tekun", 2, 1000000);
	soak->port = s->port;

	for (c = 0; c < SOAK_CLIENTS; c++) {
		pid[c] = fork();
		ck_assert_int_ge(pid[c], 0);
		if (pid[c] == 0)
			soak_client(c, hh[c], itest_admin,
			    itest_f("%s/soak-%d.txt", dir, c));
	}
	for (i = 0; i < kills; i++) {
		usleep(200000 + (useconds_t)(rand() % 400000));
		s->own_dir = 0;
		itest_kill(s);
		if (i > 0)
			itest_remove_dir(s->dir);
		itest_verify(db, 1, NULL);
		s = itest_start(db);
		soak->port = s->port;
	}
	usleep(300000);
	soak->stop = 1;
	for (c = 0; c < SOAK_CLIENTS; c++) {
		ck_assert_int_eq(waitpid(pid[c], &st, 0), pid[c]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "client %d saw a refused write (see above)", c);
	}
	s->own_dir = 1;
	itest_stop(s);
	itest_s->pid = 0;
	itest_verify(db, 1, NULL);

	ck_assert_int_eq(
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (c = 0; c < SOAK_CLIENTS; c++) {
		in = fopen(itest_f("%s/soak-%d.txt", dir, c), "r");
		ck_assert_ptr_nonnull(in);
		while (fgets(line, sizeof line, in) != NULL) {
			ck_assert_int_eq(
			    sscanf(line, "%d %63s", &kind, key), 2);
			acked++;
			if (soak_count(h, kind, key) == 1)
				found++;
			else {
				bad++;
				fprintf(stderr,
				    "soak: %s (kind %d) not there "
				    "exactly once\n",
				    key, kind);
			}
		}
		fclose(in);
	}
	sqlite3_close(h);
	printf("soak: %d kills, %ld acknowledged, %ld found, %ld "
	       "violations\n",
	    kills, acked, found, bad);
	ck_assert_int_gt(acked, 0);
	ck_assert_int_eq(bad, 0);
	itest_remove_dir(dir);
}
END_TEST

static Suite *
itest_soak_suite(void)
{
	Suite *s = suite_create("itest_soak");
	TCase *tc = itest_tcase("soak");

	tcase_set_timeout(tc, 1800);
	tcase_add_test(tc, test_kill_loop);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_soak_suite());
}
