/*
 * direct: the server's domain layer measured directly, without HTTP, on
 * a store made by `fill` (the server may be running on it, idle).
 *
 *	direct --db PATH ceiling --baskets FILE [--seconds S] [--warmup S]
 *	direct --db PATH notices
 *
 * ceiling: issue 4's storage ceiling. The baskets of FILE (written by
 * `fill redeem`: "CARD i:ITEM_ID:QTY b:BARCODE:QTY ..." a line), in turn,
 * each one redemption: distribution_post in its own transaction, one commit
 * (and fsync: db_open sets WAL and synchronous=FULL) each, with the
 * statements the db layer prepares once. Prints one line as `load` does:
 *
 *	label=ceiling clients=1 requests=R seconds=S rps=X p50_ms=A
 *	p99_ms=B max_ms=C resp_bytes=0 errors=E
 *
 * notices: issue 7's notice of each of the 12 closed months before this
 * one, computed by notice_compute in a read transaction (as the server's
 * GET does), timed; one line a period:
 *
 *	label=notice period=YYYY-MM ms=T distributed_fen=V households=H
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bhttp.h"
#include "server.h"

#define DIRECT_MONTHS 12

struct direct_basket {
	char card[40];
	int n;
	struct dist_line_in lines[4];
};

static void
direct_oom(void)
{
	fputs("direct: out of memory\n", stderr);
	exit(2);
}

static int
direct_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Parses one line of the baskets file; 0 or -1. */
static int
direct_parse(char *line, struct direct_basket *b)
{
	char *tok, *save = NULL, *p;
	struct dist_line_in *l;

	memset(b, 0, sizeof *b);
	if ((tok = strtok_r(line, " \n", &save)) == NULL)
		return -1;
	snprintf(b->card, sizeof b->card, "%s", tok);
	while ((tok = strtok_r(NULL, " \n", &save)) != NULL) {
		if (b->n == 4 || (tok[0] != 'i' && tok[0] != 'b') ||
		    tok[1] != ':' || (p = strrchr(tok, ':')) == tok + 1)
			return -1;
		l = &b->lines[b->n++];
		*p = '\0';
		l->quantity = strtoll(p + 1, NULL, 10);
		if (tok[0] == 'i')
			l->item_id = strtoll(tok + 2, NULL, 10);
		else
			snprintf(l->barcode, sizeof l->barcode, "%s", tok + 2);
	}
	return b->n > 0 ? 0 : -1;
}

static struct direct_basket *
direct_baskets(const char *path, size_t *n)
{
	struct direct_basket *v = NULL, *p;
	size_t cap = 0;
	char line[512];
	FILE *f;

	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "direct: cannot read %s\n", path);
		return NULL;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			if ((p = reallocarray(v, cap, sizeof *v)) == NULL)
				direct_oom();
			v = p;
		}
		if (direct_parse(line, &v[*n]) != 0) {
			fprintf(
			    stderr, "direct: %s: bad line %zu\n", path, *n + 1);
			fclose(f);
			free(v);
			return NULL;
		}
		(*n)++;
	}
	fclose(f);
	if (*n == 0) {
		fprintf(stderr, "direct: %s: no baskets\n", path);
		free(v);
		return NULL;
	}
	return v;
}

static int
direct_ceiling(struct db *db, const char *file, double secs, double warm)
{
	struct direct_basket *bs;
	struct dist_request *req;
	struct db_distribution d;
	struct actor who;
	struct fault f;
	uint64_t t_start, t_measure, t_stop, t0, t1, *lat = NULL;
	size_t nb, i, nlat = 0, cap = 0;
	unsigned nonce = (unsigned)(bhttp_now_ns() ^ (uint64_t)getpid());
	long errors = 0, seq = 0;
	int replayed, ok;
	char firsterr[256] = "";

	if ((bs = direct_baskets(file, &nb)) == NULL)
		return -1;
	if ((req = calloc(1, sizeof *req)) == NULL)
		direct_oom();
	memset(&who, 0, sizeof who);
	who.user_id = 1;
	snprintf(who.username, sizeof who.username, "bench-direct");
	snprintf(who.origin, sizeof who.origin, "till:ceiling");
	who.role = ROLE_ADMIN;
	t_start = bhttp_now_ns();
	t_measure = t_start + (uint64_t)(warm * 1e9);
	t_stop = t_measure + (uint64_t)(secs * 1e9);
	for (i = 0;; i = (i + 1) % nb) {
		t0 = bhttp_now_ns();
		if (t0 >= t_stop)
			break;
		snprintf(req->client_id, sizeof req->client_id,
		    "ceiling-%08x-%ld", nonce, seq);
		memcpy(req->req_hash, req->client_id, 16);
		memcpy(req->req_hash + 16, &seq, sizeof seq);
		seq++;
		snprintf(req->till_id, sizeof req->till_id, "ceiling");
		snprintf(req->card, sizeof req->card, "%s", bs[i].card);
		req->nlines = bs[i].n;
		memcpy(req->lines, bs[i].lines,
		    (size_t)bs[i].n * sizeof req->lines[0]);
		memset(&f, 0, sizeof f);
		ok = distribution_post(db, &who, req, &d, &replayed, &f) == 0;
		t1 = bhttp_now_ns();
		if (t0 < t_measure)
			continue;
		if (!ok) {
			if (errors++ == 0)
				snprintf(firsterr, sizeof firsterr, "%s",
				    f.message[0] ? f.message : "db failure");
			continue;
		}
		if (nlat == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((lat = reallocarray(lat, cap, sizeof *lat)) == NULL)
				direct_oom();
		}
		lat[nlat++] = t1 - t0;
	}
	t1 = bhttp_now_ns();
	if (firsterr[0] != '\0')
		fprintf(stderr, "direct: ceiling: first error: %s\n", firsterr);
	qsort(lat, nlat, sizeof *lat, direct_cmp);
	printf("label=ceiling clients=1 requests=%zu seconds=%.3f rps=%.1f "
	       "p50_ms=%.3f p99_ms=%.3f max_ms=%.3f resp_bytes=0 errors=%ld\n",
	    nlat, (double)(t1 - t_measure) / 1e9,
	    (double)nlat / ((double)(t1 - t_measure) / 1e9),
	    nlat ? (double)lat[nlat / 2] / 1e6 : 0.0,
	    nlat ? (double)lat[nlat * 99 / 100] / 1e6 : 0.0,
	    nlat ? (double)lat[nlat - 1] / 1e6 : 0.0, errors);
	free(lat);
	free(req);
	free(bs);
	return errors == 0 ? 0 : -1;
}

static int
direct_notices(struct db *db)
{
	char periods[DIRECT_MONTHS][CLOCK_PERIOD_LEN], now[CLOCK_PERIOD_LEN];
	struct notice *n;
	uint64_t t0, t1;
	int m, rc = 0;

	if ((n = calloc(1, sizeof *n)) == NULL)
		direct_oom();
	clock_period_now(now);
	clock_period_prev(now, periods[DIRECT_MONTHS - 1]);
	for (m = DIRECT_MONTHS - 1; m > 0; m--)
		clock_period_prev(periods[m], periods[m - 1]);
	for (m = 0; m < DIRECT_MONTHS; m++) {
		if (db_read_begin(db) != DB_OK)
			return -1;
		t0 = bhttp_now_ns();
		if (notice_compute(db, periods[m], 1, n) != 0) {
			fprintf(
			    stderr, "direct: notice %s failed\n", periods[m]);
			rc = -1;
		}
		t1 = bhttp_now_ns();
		db_read_end(db);
		printf("label=notice period=%s ms=%.1f distributed_fen=%lld "
		       "households=%lld\n",
		    periods[m], (double)(t1 - t0) / 1e6,
		    (long long)n->distributed_value, (long long)n->households);
	}
	free(n);
	return rc;
}

static int
direct_usage(void)
{
	fputs("usage: direct --db PATH ceiling --baskets FILE [--seconds S] "
	      "[--warmup S]\n"
	      "       direct --db PATH notices\n",
	    stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *dbpath = NULL, *baskets = NULL, *cmd;
	double secs = 1, warm = 0.2;
	struct db *db;
	char tz[64], *end;
	int i, rc;

	if (argc < 4 || strcmp(argv[1], "--db") != 0)
		return direct_usage();
	dbpath = argv[2];
	cmd = argv[3];
	for (i = 4; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--baskets") == 0)
			baskets = argv[i + 1];
		else if (strcmp(argv[i], "--seconds") == 0 &&
		    (secs = strtod(argv[i + 1], &end)) > 0 && *end == '\0')
			;
		else if (strcmp(argv[i], "--warmup") == 0 &&
		    (warm = strtod(argv[i + 1], &end)) >= 0 && *end == '\0')
			;
		else
			return direct_usage();
	}
	if (i != argc)
		return direct_usage();
	if (auth_init() != 0)
		return 1;
	clock_init("Asia/Shanghai");
	if (db_open(dbpath, 0, &db) != DB_OK)
		return 1;
	if (db_setting_get(db, "timezone", tz, sizeof tz) == DB_OK)
		clock_init(tz);
	if (strcmp(cmd, "ceiling") == 0 && baskets != NULL)
		rc = direct_ceiling(db, baskets, secs, warm);
	else if (strcmp(cmd, "notices") == 0)
		rc = direct_notices(db);
	else {
		db_close(db);
		return direct_usage();
	}
	db_close(db);
	return rc == 0 ? 0 : 1;
}
