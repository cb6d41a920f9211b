/*
 * Tills at once against the real server: 16 tills against one household
 * and scarce goods, the same basket from several clients at once, the
 * same void from several managers; the write-ahead log kept short by
 * checkpoints; and a SIGKILL in the middle of a burst, after which every
 * acknowledged distribution is still there. Every test ends with `verify`
 * passing.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "itest.h"

/* Many tills at once: each thread posts its baskets over its own sockets
 * and keeps every answer; the main thread judges them. */
#define ITEST_TILLS     16
#define ITEST_PER_TILL  6
#define ITEST_MAX_LINES 2

struct itest_tills_try {
	char body[512];
	int status;    /* 0: not sent; -1: sent, no answer */
	char code[40]; /* error code of a refusal */
	int64_t id, total, balance, seq;
	char till[8];
	int64_t item[ITEST_MAX_LINES], qty[ITEST_MAX_LINES];
	int nlines;
};

struct itest_tills_worker {
	pthread_barrier_t *go;
	struct itest_srv *srv;
	const char *token;
	struct itest_tills_try *tries;
	int n;
	atomic_int *acked; /* 2xx answers, all workers */
	atomic_int *stop;
	const char *path; /* NULL: POST /api/v1/distributions */
};

/* Parse an answer into T (no assertions: runs in a thread). */
static void
itest_tills_take(struct itest_tills_try *t, const char *body)
{
	cJSON *j = cJSON_Parse(body), *e, *c;
	const char *rn;

	if (j == NULL)
		return;
	if (t->status == 200 || t->status == 201) {
		e = cJSON_GetObjectItem(j, "id");
		t->id = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : 0;
		e = cJSON_GetObjectItem(j, "points_total");
		t->total = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : -1;
		e = cJSON_GetObjectItem(j, "points_balance");
		t->balance = cJSON_IsNumber(e) ? (int64_t)e->valuedouble : -1;
		e = cJSON_GetObjectItem(j, "receipt_no");
		rn = cJSON_IsString(e) ? e->valuestring : "";
		if (strlen(rn) > 7 && rn[strlen(rn) - 7] == '-')
			t->seq = strtoll(rn + strlen(rn) - 6, NULL, 10);
		if (strncmp(rn, t->till, strlen(t->till)) != 0)
			t->seq = -1;
	} else {
		c = cJSON_GetObjectItem(
		    cJSON_GetObjectItem(j, "error"), "code");
		if (cJSON_IsString(c))
			snprintf(t->code, sizeof t->code, "%s", c->valuestring);
	}
	cJSON_Delete(j);
}

static void *
itest_tills_work(void *arg)
{
	struct itest_tills_worker *w = arg;
	struct itest_reply rep;
	int i;

	if (w->go != NULL)
		pthread_barrier_wait(w->go);
	for (i = 0; i < w->n; i++) {
		struct itest_tills_try *t = &w->tries[i];

		if (atomic_load(w->stop))
			break;
		t->status = -1; /* sent, not (yet) answered */
		if (itest_http(w->srv, "POST",
		        w->path ? w->path : "/api/v1/distributions", w->token,
		        "application/json", NULL, t->body, strlen(t->body),
		        &rep) != 0) {
			/* The server is gone (killed): stop here. */
			free(rep.body);
			free(rep.headers);
			break;
		}
		t->status = rep.status;
		itest_tills_take(t, rep.body);
		if (rep.status == 200 || rep.status == 201)
			atomic_fetch_add(w->acked, 1);
		free(rep.body);
		free(rep.headers);
	}
	return NULL;
}

/* K clients at once, each with PER of TRIES (in order) as TOKEN to PATH
 * (NULL: POST /api/v1/distributions); back once all have answered. */
static void
itest_tills_at_once(struct itest_tills_try *tries, int k, int per,
    const char *token, const char *path)
{
	struct itest_tills_worker w[ITEST_TILLS];
	pthread_t th[ITEST_TILLS];
	pthread_barrier_t go;
	atomic_int acked = 0, stop = 0;
	int i;

	ck_assert_int_le(k, ITEST_TILLS);
	pthread_barrier_init(&go, NULL, (unsigned)k);
	for (i = 0; i < k; i++) {
		memset(&w[i], 0, sizeof w[i]);
		w[i].go = &go;
		w[i].srv = itest_s;
		w[i].token = token;
		w[i].tries = &tries[i * per];
		w[i].n = per;
		w[i].acked = &acked;
		w[i].stop = &stop;
		w[i].path = path;
		ck_assert_int_eq(
		    pthread_create(&th[i], NULL, itest_tills_work, &w[i]), 0);
	}
	for (i = 0; i < k; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
}

/* Fill T's body: one basket of NLINES (item, qty) pairs. */
static void
itest_tills_basket(struct itest_tills_try *t, const char *till,
    const char *card, int nlines, const int64_t *item, const int64_t *qty)
{
	int k, len;

	memset(t, 0, sizeof *t);
	snprintf(t->till, sizeof t->till, "%s", till);
	t->nlines = nlines;
	len = snprintf(t->body, sizeof t->body,
	    "{\"client_id\":\"%s\",\"till_id\":\"%s\","
	    "\"household_card\":\"%s\",\"lines\":[",
	    itest_uuid(), till, card);
	for (k = 0; k < nlines; k++) {
		t->item[k] = item[k];
		t->qty[k] = qty[k];
		len += snprintf(t->body + len, sizeof t->body - (size_t)len,
		    "%s{\"item_id\":%lld,\"quantity\":%lld}", k ? "," : "",
		    (long long)item[k], (long long)qty[k]);
	}
	snprintf(t->body + len, sizeof t->body - (size_t)len, "]}");
}

/* Each till's receipts of the answered tries run 1..n without a gap. */
static void
itest_tills_no_gaps(struct itest_tills_try *tries, int n, const char *till)
{
	char *have = calloc((size_t)n + 2, 1);
	int i, count = 0;

	ck_assert_ptr_nonnull(have);
	for (i = 0; i < n; i++) {
		if (tries[i].id <= 0 || strcmp(tries[i].till, till) != 0)
			continue;
		ck_assert_msg(tries[i].seq >= 1 && tries[i].seq <= n &&
		        !have[tries[i].seq],
		    "till %s: receipt %lld out of line", till,
		    (long long)tries[i].seq);
		have[tries[i].seq] = 1;
		count++;
	}
	for (i = 1; i <= count; i++)
		ck_assert_msg(have[i], "till %s: receipt %d missing of %d",
		    till, i, count);
	free(have);
}

static int
itest_tills_by_id(const void *a, const void *b)
{
	const struct itest_tills_try *x = *(const void *const *)a;
	const struct itest_tills_try *y = *(const void *const *)b;

	return (x->id > y->id) - (x->id < y->id);
}

START_TEST(test_concurrent_tills)
{
	enum { N = ITEST_TILLS * ITEST_PER_TILL };
	static struct itest_tills_try tries[N];
	struct itest_tills_try *ok[N];
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, s, p, t, lot_s, lot_p, lot_t, item[2], qty[2];
	int64_t spent = 0, took_s = 0, took_p = 0, took_t = 0, bal;
	int i, k, nok = 0, refused = 0;
	cJSON *j, *e;

	/* 100 points; S: 5 points, 10 in stock, 8 a month; P: 7 points,
	 * plenty; T: 1 point, 3 in stock. */
	h = itest_household("CON-1", "tekun", 4, -5, 300);
	itest_grant(h, 100);
	s = itest_item("稀缺奶粉", "CS-SCARCE-S", 5, 8, 0);
	p = itest_item("大米", "CS-PLENTY-P", 7, 0, 0);
	t = itest_item("食用油", "CS-TINY-T", 1, 0, 0);
	lot_s = itest_lot(s, 10, itest_date(30));
	lot_p = itest_lot(p, 100, NULL);
	lot_t = itest_lot(t, 3, NULL);

	for (i = 0; i < N; i++) {
		const char *till = itest_f("T%02d", i % 4 + 1);

		switch (i % 4) {
		case 0:
			item[0] = s;
			qty[0] = 1 + i % 3;
			itest_tills_basket(
			    &tries[i], till, "CON-1", 1, item, qty);
			break;
		case 1:
			item[0] = p;
			qty[0] = 1;
			itest_tills_basket(
			    &tries[i], till, "CON-1", 1, item, qty);
			break;
		case 2:
			item[0] = s;
			item[1] = t;
			qty[0] = qty[1] = 1;
			itest_tills_basket(
			    &tries[i], till, "CON-1", 2, item, qty);
			break;
		default:
			item[0] = t;
			item[1] = p;
			qty[0] = 1;
			qty[1] = 2;
			itest_tills_basket(
			    &tries[i], till, "CON-1", 2, item, qty);
			break;
		}
	}
	itest_tills_at_once(tries, ITEST_TILLS, ITEST_PER_TILL, cashier, NULL);

	for (i = 0; i < N; i++) {
		struct itest_tills_try *x = &tries[i];

		if (x->status == 201) {
			ck_assert_int_gt(x->id, 0);
			ok[nok++] = x;
			spent += x->total;
			for (k = 0; k < x->nlines; k++) {
				if (x->item[k] == s)
					took_s += x->qty[k];
				else if (x->item[k] == p)
					took_p += x->qty[k];
				else
					took_t += x->qty[k];
			}
			continue;
		}
		ck_assert_msg(x->status == 422 &&
		        (strcmp(x->code, "insufficient_points") == 0 ||
		            strcmp(x->code, "limit_exceeded") == 0 ||
		            strcmp(x->code, "insufficient_stock") == 0),
		    "basket %d: status %d code '%s' (%s)", i, x->status,
		    x->code, x->body);
		refused++;
	}
	/* More was asked than there is: some were refused, some served. */
	ck_assert_int_gt(nok, 0);
	ck_assert_int_gt(refused, 0);
	/* Never overdrawn, never over the limit, never below zero. */
	ck_assert_int_le(spent, 100);
	ck_assert_int_le(took_s, 8);
	ck_assert_int_le(took_t, 3);
	bal = itest_hh_points(h);
	ck_assert_int_eq(bal, 100 - spent);
	ck_assert_int_eq(itest_lot_on_hand(s, lot_s), 10 - took_s);
	ck_assert_int_eq(itest_lot_on_hand(p, lot_p), 100 - took_p);
	ck_assert_int_eq(itest_lot_on_hand(t, lot_t), 3 - took_t);
	j = itest_ok(
	    "GET", "/api/v1/households/by-card/CON-1", cashier, NULL, 200);
	e = itest_find(itest_arr(j, "limits"), "item_id", s);
	if (took_s > 0) {
		ck_assert_ptr_nonnull(e);
		ck_assert_int_eq(itest_int(e, "taken"), took_s);
	}
	/* Each answer's balance is the one before it less its points. */
	qsort(ok, (size_t)nok, sizeof ok[0], itest_tills_by_id);
	for (i = 0, bal = 100; i < nok; i++) {
		ck_assert_msg(ok[i]->balance == bal - ok[i]->total,
		    "distribution %lld: balance %lld after %lld, before %lld",
		    (long long)ok[i]->id, (long long)ok[i]->balance,
		    (long long)ok[i]->total, (long long)bal);
		bal = ok[i]->balance;
	}
	for (k = 1; k <= 4; k++)
		itest_tills_no_gaps(tries, N, itest_f("T%02d", k));
	ck_assert_int_eq(itest_basket_count(""), nok);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* The same basket from 8 clients at once (a till retrying on several
 * connections): posted once, every answer the same. */
START_TEST(test_same_client_id_at_once)
{
	enum { K = 8 };
	static struct itest_tills_try tries[K];
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, item, lot, qty = 2;
	int k, created = 0;

	h = itest_household("SAME-1", "tekun", 2, -5, 300);
	itest_grant(h, 100);
	item = itest_item("大米", "CS-SAME-RICE", 10, 0, 0);
	lot = itest_lot(item, 10, NULL);
	itest_tills_basket(&tries[0], "T01", "SAME-1", 1, &item, &qty);
	for (k = 1; k < K; k++)
		tries[k] = tries[0];
	itest_tills_at_once(tries, K, 1, cashier, NULL);
	for (k = 0; k < K; k++) {
		ck_assert_msg(tries[k].status == 201 || tries[k].status == 200,
		    "client %d: status %d (%s)", k, tries[k].status,
		    tries[k].code);
		created += tries[k].status == 201;
		ck_assert_int_eq(tries[k].id, tries[0].id);
		ck_assert_int_eq(tries[k].seq, 1);
		ck_assert_int_eq(tries[k].balance, 80);
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(itest_hh_points(h), 80);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 8);
	ck_assert_int_eq(itest_basket_count(""), 1);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* Eight managers void the same distribution at once: once. */
START_TEST(test_void_race)
{
	enum { K = 8 };
	static struct itest_tills_try tries[K];
	const char *mgr = itest_user(itest_s, "mgr", "manager");
	int64_t h, item, lot, d;
	int k, created = 0, conflicts = 0;

	h = itest_household("VR-1", "tekun", 2, -5, 300);
	itest_grant(h, 100);
	item = itest_item("大米", "CS-VOID-RICE", 10, 0, 0);
	lot = itest_lot(item, 10, NULL);
	d = itest_int(itest_basket(itest_admin, NULL, "T01", "VR-1",
	                  itest_line(item, 3), NULL),
	    "id");
	for (k = 0; k < K; k++) {
		memset(&tries[k], 0, sizeof tries[k]);
		snprintf(tries[k].body, sizeof tries[k].body,
		    "{\"client_id\":\"%s\",\"reason\":\"race %d\"}",
		    itest_uuid(), k);
	}
	itest_tills_at_once(tries, K, 1, mgr,
	    itest_f("/api/v1/distributions/%lld/void", (long long)d));
	for (k = 0; k < K; k++) {
		if (tries[k].status == 201)
			created++;
		else if (tries[k].status == 409 &&
		    strcmp(tries[k].code, "conflict") == 0)
			conflicts++;
		else
			ck_abort_msg("void %d: status %d (%s)", k,
			    tries[k].status, tries[k].code);
	}
	ck_assert_int_eq(created, 1);
	ck_assert_int_eq(conflicts, K - 1);
	ck_assert_int_eq(itest_hh_points(h), 100);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 10);
	itest_verify(itest_s->db, 1, NULL);
}
END_TEST

/* A household with 1000 points and a lot of 1000 (code names both),
 * then the fixture's server stopped, its database kept for another. */
static void
tills_wal_store(const char *code, int64_t *h, int64_t *item, int64_t *lot)
{
	*h = itest_household(code, "tekun", 2, -5, 300);
	itest_grant(*h, 1000);
	*item = itest_item("挂面", itest_f("CS-%s", code), 1, 0, 0);
	*lot = itest_lot(*item, 1000, NULL);
	itest_s->own_dir = 0; /* its database goes on */
	itest_stop(itest_s);
}

/*
 * Checkpoints run off the loop, every --checkpoint-pages pages of log (8
 * here, so a few baskets cross many steps); the writer makes the log
 * start over past 16 steps and never lets it pass 64. Nothing is lost,
 * and the server says what it did when it stops.
 */
START_TEST(test_checkpoints)
{
	struct itest_srv *old = itest_s, *s2;
	unsigned long bg = 0, inl = 0;
	int64_t h, item, lot;
	const char *log;
	struct stat sb;
	int i, most = 0, rc;

	tills_wal_store("WAL-1", &h, &item, &lot);

	/* A bad step is refused before anything is opened. */
	rc = system(itest_f("%s serve --db %s --checkpoint-pages 0 "
	                    "2>%s/bad.log",
	    itest_bin(), old->db, old->dir));
	ck_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	ck_assert(itest_file_has(itest_f("%s/bad.log", old->dir),
	    "--checkpoint-pages 0: not a number from 1 to 100000"));

	s2 = itest_start_with(old->db, "--checkpoint-pages", "8");
	itest_s = s2;
	itest_admin = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	for (i = 0; i < 200; i++) {
		itest_basket(itest_admin, NULL, "T01", "WAL-1",
		    itest_line(item, 1), NULL);
		ck_assert_int_eq(stat(itest_f("%s-wal", s2->db), &sb), 0);
		/* 64 steps, and the pages of the commits made while the
		 * writer's passive catch-up found the checkpoint thread's
		 * checkpoint running (a commit is well under 100 pages; two
		 * seen under ASan on a loaded machine, ~215 pages over with
		 * a load of 12 on two cores). Without the catch-up
		 * 200 baskets make a log of thousands of pages. */
		ck_assert_msg(sb.st_size <= 32 + (64 * 8 + 300) * (4096 + 24),
		    "the log grew to %lld bytes", (long long)sb.st_size);
	}
	ck_assert_int_eq(itest_hh_points(h), 800);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 800);
	s2->own_dir = 0; /* its log is read after it stops */
	itest_stop(s2);
	log = strstr(itest_slurp(itest_f("%s/server.log", s2->dir)),
	    "checkpoints in the background");
	ck_assert_ptr_nonnull(log);
	for (log--; log[-1] >= '0' && log[-1] <= '9'; log--)
		; /* back to the number before it */
	ck_assert_int_eq(sscanf(log,
	                     "%lu checkpoints in the background, %lu in a "
	                     "commit; the log reached %d pages",
	                     &bg, &inl, &most),
	    3);
	ck_assert_msg(
	    bg >= 1 && inl >= 1 && most >= 16 * 8 && most <= 64 * 8 + 300,
	    "%lu in the background, %lu in a commit, %d pages", bg, inl, most);
	itest_remove_dir(s2->dir);
	itest_verify(old->db, 1, NULL);
	itest_s = old;
	itest_remove_dir(old->dir);
}
END_TEST

/* The log's checkpoint sequence: its header's, one more each time the
 * log starts over. */
static uint32_t
tills_wal_seq(const char *wal)
{
	unsigned char h[16];
	FILE *f = fopen(wal, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fread(h, 1, sizeof h, f), sizeof h);
	fclose(f);
	return (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 |
	    (uint32_t)h[14] << 8 | h[15];
}

/*
 * The log starts over in place: its file keeps its length while writes
 * come (a cut back frees blocks the next commits take again, which held
 * commits up). A reader holds the log from starting over until its file
 * is past 6 MiB, well over the 4 MiB it was once cut back to; then the
 * log starts over (steps of 8 pages: the writer catches up at once), and
 * through 60 more baskets the file never shrinks.
 */
START_TEST(test_log_in_place)
{
	struct itest_srv *old = itest_s, *s2;
	sqlite3 *pin = NULL;
	int64_t h, item, lot;
	struct stat sb;
	off_t len = 0;
	uint32_t seq0 = 0;
	const char *wal;
	int i, after = -1;

	tills_wal_store("WAL-2", &h, &item, &lot);
	s2 = itest_start_with(old->db, "--checkpoint-pages", "8");
	itest_s = s2;
	itest_admin = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	wal = itest_f("%s-wal", s2->db);
	ck_assert_int_eq(
	    sqlite3_open_v2(s2->db, &pin, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(pin, "BEGIN; SELECT count(*) FROM items",
	                     NULL, NULL, NULL),
	    SQLITE_OK);
	for (i = 0; i < 400 && (after < 0 || i < after + 60); i++) {
		itest_basket(itest_admin, NULL, "T01", "WAL-2",
		    itest_line(item, 1), NULL);
		ck_assert_int_eq(stat(wal, &sb), 0);
		ck_assert_msg(sb.st_size >= len,
		    "the log's file was cut from %lld to %lld bytes while "
		    "writes came",
		    (long long)len, (long long)sb.st_size);
		len = sb.st_size;
		if (after < 0 && len > 6 << 20) {
			seq0 = tills_wal_seq(wal);
			ck_assert_int_eq(
			    sqlite3_exec(pin, "COMMIT", NULL, NULL, NULL),
			    SQLITE_OK);
			ck_assert_int_eq(sqlite3_close(pin), SQLITE_OK);
			pin = NULL;
			after = i;
		}
	}
	sqlite3_close(pin);
	ck_assert_msg(after >= 0, "the log's file reached only %lld bytes",
	    (long long)len);
	ck_assert_msg(tills_wal_seq(wal) != seq0,
	    "the log did not start over in %d baskets", i - after - 1);
	ck_assert_int_eq(itest_hh_points(h), 1000 - i);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 1000 - i);
	itest_stop(s2);
	itest_verify(old->db, 1, NULL);
	itest_s = old;
	itest_remove_dir(old->dir);
}
END_TEST

#define ITEST_BURST_CLIENTS 8
#define ITEST_BURST_EACH    50

START_TEST(test_crash_durability)
{
	enum { N = ITEST_BURST_CLIENTS * ITEST_BURST_EACH };
	static struct itest_tills_try tries[N];
	struct itest_tills_worker w[ITEST_BURST_CLIENTS];
	pthread_t th[ITEST_BURST_CLIENTS];
	atomic_int acked = 0, stop = 0;
	struct itest_srv *old = itest_s, *s2;
	const char *cashier = itest_user(itest_s, "cash", "cashier");
	int64_t h, item, qty = 1, lot;
	int i, k, st, before_kill, answered = 0, posted = 0;
	double t0;
	cJSON *j, *items;

	h = itest_household("CR-1", "tekun", 2, -5, 300);
	itest_grant(h, 100000);
	item = itest_item("面条", "CS-BURST", 1, 0, 0);
	lot = itest_lot(item, 100000, NULL);
	for (i = 0; i < N; i++)
		itest_tills_basket(&tries[i],
		    itest_f("K%d", i / ITEST_BURST_EACH), "CR-1", 1, &item,
		    &qty);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++) {
		memset(&w[k], 0, sizeof w[k]);
		w[k].srv = itest_s;
		w[k].token = cashier;
		w[k].tries = &tries[k * ITEST_BURST_EACH];
		w[k].n = ITEST_BURST_EACH;
		w[k].acked = &acked;
		w[k].stop = &stop;
		ck_assert_int_eq(
		    pthread_create(&th[k], NULL, itest_tills_work, &w[k]), 0);
	}
	/* In the middle of the burst. */
	t0 = itest_now();
	while (atomic_load(&acked) < N / 4 && itest_now() - t0 < 30)
		usleep(500);
	before_kill = atomic_load(&acked);
	itest_kill(itest_s);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++)
		pthread_join(th[k], NULL);
	ck_assert_msg(
	    before_kill >= N / 4, "only %d answers in 30 s", before_kill);
	for (i = 0; i < N; i++)
		if (tries[i].status == 201)
			answered++;
	ck_assert_int_ge(answered, before_kill);
	ck_assert_msg(answered < N, "the burst ended before the kill");

	/* Restart on the same database. */
	s2 = itest_start(old->db);
	itest_s = s2;
	itest_admin = itest_login(s2, ITEST_ADMIN, ITEST_ADMIN_PASS);
	j = itest_ok(
	    "GET", "/api/v1/distributions?limit=500", itest_admin, NULL, 200);
	items = itest_items(j);
	for (i = 0; i < N; i++) {
		struct itest_tills_try *x = &tries[i];
		struct itest_tills_try again = *x;
		struct itest_reply *r;
		cJSON *d;

		if (x->status == 201) {
			/* Acknowledged: it is there, as answered. */
			d = itest_find(items, "id", x->id);
			ck_assert_msg(d != NULL,
			    "acknowledged distribution %lld (%s) lost",
			    (long long)x->id, x->body);
			ck_assert_int_eq(
			    itest_int(d, "points_balance"), x->balance);
			r = itest_raw(s2, "POST", "/api/v1/distributions",
			    itest_admin, "application/json", x->body,
			    strlen(x->body));
			ck_assert_msg(r->status == 200,
			    "replay of acknowledged %s: %d %s", x->body,
			    r->status, r->body);
			again.status = 200;
			again.id = 0;
			itest_tills_take(&again, r->body);
			ck_assert_int_eq(again.id, x->id);
			ck_assert_int_eq(again.seq, x->seq);
			posted++;
			continue;
		}
		if (x->status == 0)
			continue; /* never sent: its client had stopped */
		ck_assert_msg(x->status == -1, "basket %d: status %d %s", i,
		    x->status, x->body);
		/* Unanswered: committed or not, a retry settles it. */
		r = itest_raw(s2, "POST", "/api/v1/distributions", itest_admin,
		    "application/json", x->body, strlen(x->body));
		ck_assert_msg(r->status == 200 || r->status == 201,
		    "retry of unanswered %s: %d %s", x->body, r->status,
		    r->body);
		again.status = r->status;
		itest_tills_take(&again, r->body);
		*x = again;
		posted++;
	}
	ck_assert_int_eq(itest_basket_count(""), posted);
	ck_assert_int_eq(itest_hh_points(h), 100000 - posted);
	ck_assert_int_eq(itest_lot_on_hand(item, lot), 100000 - posted);
	for (k = 0; k < ITEST_BURST_CLIENTS; k++)
		itest_tills_no_gaps(tries, N, itest_f("K%d", k));
	j = itest_req(s2, "GET", "/healthz", NULL, NULL, &st);
	ck_assert_int_eq(st, 200);
	itest_verify(s2->db, 1, NULL);

	/* Stop the second server, then drop the first one's files. */
	itest_stop(s2);
	itest_verify(old->db, 1, NULL);
	itest_s = old;
	itest_remove_dir(old->dir);
}
END_TEST

static Suite *
itest_tills_suite(void)
{
	Suite *s = suite_create("itest_tills");
	TCase *tc = itest_tcase("tills");

	tcase_add_test(tc, test_concurrent_tills);
	tcase_add_test(tc, test_same_client_id_at_once);
	tcase_add_test(tc, test_void_race);
	tcase_add_test(tc, test_crash_durability);
	tcase_add_test(tc, test_checkpoints);
	tcase_add_test(tc, test_log_in_place);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return itest_run(itest_tills_suite());
}
