/*
 * seed: fills a fresh store for `make bench` through the real server's
 * HTTP API only, never behind its back.
 *
 *	seed --url http://127.0.0.1:PORT --dir DIR [--user admin]
 *	    [--items N] [--lots N] [--batch N] [--households N] TASK...
 *
 * It logs in (password from CISHAN_ADMIN_PASSWORD), writes the token to
 * DIR/token, then runs each TASK in order. Each task writes the request
 * files its scenarios replay with `load --requests-file` into DIR:
 *
 *	goods	donors of every kind, N items with valid EAN-13 codes, and
 *		donations carrying the lots (--batch lines each);
 *		DIR/barcodes.req: one barcode look-up a line.
 *	households
 *		points policies for every category, a cashier (its token in
 *		DIR/cashier.token), --households N households with valid id
 *		numbers; DIR/cards.req: one card look-up a line.
 *	login	nothing more than the log-in every run starts with.
 *	cashier	logs in the cashier that `fill households` made
 *		(bench-cashier) and writes its token to DIR/cashier.token.
 *
 * A new task is one function and one row of seed_tasks[].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cJSON.h>

#include "bhttp.h"

struct seed {
	int port;
	int fd;
	const char *dir;
	const char *user;
	char *token;
	long items;
	long lots;
	long batch;
	long households;
	int64_t *item_ids;
	int64_t donor_ids[6];
	unsigned run; /* random, in client_ids: a run never replays another */
	struct bhttp_buf req;
};

static void
seed_oom(void)
{
	fputs("seed: out of memory\n", stderr);
	exit(2);
}

static double
seed_secs(uint64_t since)
{
	return (double)(bhttp_now_ns() - since) / 1e9;
}

/*
 * One request; body is sent if not NULL (and not freed). On the expected
 * status, *out (if not NULL) gets the parsed answer; else the answer is
 * shown and -1 returned.
 */
static int
seed_call(struct seed *s, const char *method, const char *path,
    const cJSON *body, int expect, cJSON **out)
{
	char *text = NULL, *answer = NULL;
	int status = 0, rc = -1;

	if (body != NULL && (text = cJSON_PrintUnformatted(body)) == NULL)
		seed_oom();
	s->req.len = 0;
	bhttp_format(&s->req, method, path, s->token, NULL, text,
	    text != NULL ? strlen(text) : 0);
	if (bhttp_roundtrip(&s->fd, s->port, &s->req, &status, &answer) == -1) {
		fprintf(stderr, "seed: %s %s: no answer\n", method, path);
		goto out;
	}
	if (status != expect) {
		fprintf(stderr, "seed: %s %s: status %d, wanted %d: %.400s\n",
		    method, path, status, expect, answer);
		goto out;
	}
	if (out != NULL && (*out = cJSON_Parse(answer)) == NULL) {
		fprintf(
		    stderr, "seed: %s %s: answer is not JSON\n", method, path);
		goto out;
	}
	rc = 0;
out:
	cJSON_free(text);
	free(answer);
	return rc;
}

static int
seed_get_int(const cJSON *o, const char *key, int64_t *v)
{
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!cJSON_IsNumber(n)) {
		fprintf(stderr, "seed: answer without \"%s\"\n", key);
		return -1;
	}
	*v = (int64_t)n->valuedouble;
	return 0;
}

static FILE *
seed_open(const struct seed *s, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", s->dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fprintf(stderr, "seed: cannot write %s\n", path);
	return f;
}

/*
 * Logs user in and writes the token to DIR/file; *tokenp (if not NULL)
 * gets a copy. The token stays s->token's to use or not.
 */
static int
seed_session(struct seed *s, const char *user, const char *pw, const char *file,
    char **tokenp)
{
	cJSON *body, *ans = NULL;
	const cJSON *tok;
	char *saved = s->token;
	FILE *f;
	int rc = -1;

	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "username", user) == NULL ||
	    cJSON_AddStringToObject(body, "password", pw) == NULL)
		seed_oom();
	s->token = NULL;
	rc = seed_call(s, "POST", "/api/v1/sessions", body, 201, &ans);
	s->token = saved;
	if (rc == -1)
		goto out;
	rc = -1;
	tok = cJSON_GetObjectItemCaseSensitive(ans, "token");
	if (!cJSON_IsString(tok)) {
		fputs("seed: log-in answer without a token\n", stderr);
		goto out;
	}
	if ((f = seed_open(s, file)) == NULL)
		goto out;
	fprintf(f, "%s\n", tok->valuestring);
	if (fclose(f) != 0)
		goto out;
	if (tokenp != NULL && (*tokenp = strdup(tok->valuestring)) == NULL)
		seed_oom();
	rc = 0;
out:
	cJSON_Delete(body);
	cJSON_Delete(ans);
	return rc;
}

static int
seed_login(struct seed *s)
{
	const char *pw = getenv("CISHAN_ADMIN_PASSWORD");

	if (pw == NULL) {
		fputs("seed: CISHAN_ADMIN_PASSWORD is not set\n", stderr);
		return -1;
	}
	return seed_session(s, s->user, pw, "token", &s->token);
}

/* The EAN-13 code of a 12-digit body: the body and its check digit. */
static void
seed_ean13(unsigned long long n, char out[14])
{
	int i, sum = 0;

	snprintf(out, 14, "%012llu", n % 1000000000000ull);
	for (i = 0; i < 12; i++)
		sum += (out[i] - '0') * (i % 2 ? 3 : 1);
	out[12] = (char)('0' + (10 - sum % 10) % 10);
	out[13] = '\0';
}

/* "YYYY-MM-DD" of today in local time plus days. */
static void
seed_date(int days, char out[11])
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

static int
seed_donors(struct seed *s)
{
	static const char *kinds[] = {"enterprise", "social_org", "individual",
	    "volunteer", "government", "anonymous"};
	static const char *names[] = {"上海良友食品有限公司",
	    "浦东新区慈善基金会", "王建国", "复旦大学志愿者协会", "区民政局",
	    "匿名捐赠人"};
	cJSON *body, *ans = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < 6 && rc == 0; i++) {
		if ((body = cJSON_CreateObject()) == NULL ||
		    cJSON_AddStringToObject(body, "name", names[i]) == NULL ||
		    cJSON_AddStringToObject(body, "kind", kinds[i]) == NULL)
			seed_oom();
		rc = seed_call(s, "POST", "/api/v1/donors", body, 201, &ans);
		if (rc == 0)
			rc = seed_get_int(ans, "id", &s->donor_ids[i]);
		cJSON_Delete(body);
		cJSON_Delete(ans);
		ans = NULL;
	}
	return rc;
}

static cJSON *
seed_item_json(long i, const char *code)
{
	static const char *cats[] = {"粮油", "食品", "调味品", "饮料", "日用品",
	    "清洁用品", "衣物", "文具"};
	static const char *names[] = {"东北大米", "菜籽油", "挂面", "酱油",
	    "牛奶", "洗衣粉", "毛巾", "作业本", "饼干", "食盐", "香皂", "棉袜"};
	static const char *units[] = {"袋", "瓶", "包", "盒", "件"};
	char name[64];
	cJSON *o, *codes;

	snprintf(name, sizeof name, "%s %05ld", names[i % 12], i + 1);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "name", name) == NULL ||
	    cJSON_AddStringToObject(o, "category", cats[i % 8]) == NULL ||
	    cJSON_AddStringToObject(o, "unit", units[i % 5]) == NULL ||
	    (codes = cJSON_AddArrayToObject(o, "barcodes")) == NULL)
		seed_oom();
	cJSON_AddItemToArray(codes, cJSON_CreateString(code));
	cJSON_AddNumberToObject(
	    o, "unit_value_fen", (double)(150 + i % 97 * 50));
	cJSON_AddNumberToObject(o, "points", (double)(1 + i % 30));
	if (i % 7 == 0)
		cJSON_AddNumberToObject(
		    o, "monthly_limit", (double)(1 + i % 4));
	if (i % 13 == 0)
		cJSON_AddBoolToObject(o, "priority_only", 1);
	cJSON_AddNumberToObject(o, "min_stock", (double)(i % 5 * 10));
	return o;
}

static int
seed_items(struct seed *s, FILE *paths)
{
	char code[14];
	cJSON *body, *ans = NULL;
	long i;
	int rc = 0;

	for (i = 0; i < s->items && rc == 0; i++) {
		seed_ean13(
		    690000000000ull + (unsigned long long)i * 7919, code);
		body = seed_item_json(i, code);
		rc = seed_call(s, "POST", "/api/v1/items", body, 201, &ans);
		if (rc == 0)
			rc = seed_get_int(ans, "id", &s->item_ids[i]);
		cJSON_Delete(body);
		cJSON_Delete(ans);
		ans = NULL;
		fprintf(paths, "/api/v1/items/by-barcode/%s\n", code);
	}
	return rc;
}

/* Donation number d: lots [d*batch, (d+1)*batch), spread over the items. */
static int
seed_donation(struct seed *s, long d, long *lots)
{
	cJSON *body, *lines, *line, *ans = NULL;
	const cJSON *got;
	char date[11], cid[48];
	long k, end = (d + 1) * s->batch;
	int rc;

	if (end > s->lots)
		end = s->lots;
	snprintf(cid, sizeof cid, "%08x-5eed-4000-8000-%012lx", s->run,
	    (unsigned long)(d + 1) & 0xffffffffffffUL);
	seed_date(-1, date);
	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "client_id", cid) == NULL ||
	    cJSON_AddNumberToObject(
	        body, "donor_id", (double)s->donor_ids[d % 6]) == NULL ||
	    cJSON_AddStringToObject(body, "received_on", date) == NULL ||
	    cJSON_AddStringToObject(body, "channel", "walk_in") == NULL ||
	    (lines = cJSON_AddArrayToObject(body, "lines")) == NULL)
		seed_oom();
	for (k = d * s->batch; k < end; k++) {
		if ((line = cJSON_CreateObject()) == NULL)
			seed_oom();
		cJSON_AddItemToArray(lines, line);
		cJSON_AddNumberToObject(
		    line, "item_id", (double)s->item_ids[k % s->items]);
		cJSON_AddNumberToObject(
		    line, "quantity", (double)(10 + k % 191));
		seed_date(20 + (int)(k * 37 % 700), date);
		cJSON_AddStringToObject(line, "expires_on", date);
	}
	rc = seed_call(s, "POST", "/api/v1/donations", body, 201, &ans);
	if (rc == 0) {
		got = cJSON_GetObjectItemCaseSensitive(ans, "lines");
		if (cJSON_GetArraySize(got) != (int)(end - d * s->batch)) {
			fprintf(stderr,
			    "seed: donation %ld: %d lots, sent %ld\n", d + 1,
			    cJSON_GetArraySize(got), end - d * s->batch);
			rc = -1;
		}
		*lots += cJSON_GetArraySize(got);
	}
	cJSON_Delete(body);
	cJSON_Delete(ans);
	return rc;
}

static int
seed_goods(struct seed *s)
{
	uint64_t t0 = bhttp_now_ns(), t1;
	long d, lots = 0;
	FILE *paths;
	int rc = -1;

	if (s->items < 1 || s->batch < 1 || s->lots < 0)
		return -1;
	if ((s->item_ids = calloc((size_t)s->items, sizeof *s->item_ids)) ==
	    NULL)
		seed_oom();
	if ((paths = seed_open(s, "barcodes.req")) == NULL)
		return -1;
	if (seed_donors(s) == -1 || seed_items(s, paths) == -1)
		goto out;
	t1 = bhttp_now_ns();
	for (d = 0; d * s->batch < s->lots; d++)
		if (seed_donation(s, d, &lots) == -1)
			goto out;
	printf("seed: goods: %ld items in %.1f s (%.0f/s); %ld donations "
	       "carrying %ld lots in %.1f s\n",
	    s->items, (double)(t1 - t0) / 1e9,
	    (double)s->items / ((double)(t1 - t0) / 1e9), d, lots,
	    seed_secs(t1));
	rc = 0;
out:
	if (fclose(paths) != 0)
		rc = -1;
	return rc;
}

/* An 18-character id number with its ISO 7064 MOD 11-2 check character. */
static void
seed_id_number(long i, char out[19])
{
	static const int w[17] = {
	    7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	time_t t = (time_t)(-946771200L + (i % 20000) * 86400L); /* 1940 */
	struct tm tm;
	long seq;
	int k, sum = 0;

	gmtime_r(&t, &tm);
	memcpy(out, "310115", 6);
	strftime(out + 6, 9, "%Y%m%d", &tm);
	seq = (i / 20000) % 1000;
	out[14] = (char)('0' + seq / 100);
	out[15] = (char)('0' + seq / 10 % 10);
	out[16] = (char)('0' + seq % 10);
	for (k = 0; k < 17; k++)
		sum += (out[k] - '0') * w[k];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static const char *seed_categories[] = {
    "tekun", "dibao", "emergency", "illness", "low_income", "other"};

/* Points policies for every category, and a cashier to look cards up. */
static int
seed_policies(struct seed *s)
{
	static const char pw[] = "bench-cashier-password";
	cJSON *body;
	char path[64];
	size_t c;
	int rc = 0;

	for (c = 0; c < 6 && rc == 0; c++) {
		if ((body = cJSON_CreateObject()) == NULL)
			seed_oom();
		cJSON_AddNumberToObject(body, "monthly_points", 100 + 20 * c);
		cJSON_AddNumberToObject(body, "per_member_points", 10);
		cJSON_AddBoolToObject(body, "carry_over", c % 2);
		snprintf(path, sizeof path, "/api/v1/policies/%s",
		    seed_categories[c]);
		rc = seed_call(s, "PUT", path, body, 200, NULL);
		cJSON_Delete(body);
	}
	if (rc != 0)
		return rc;
	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "username", "bench-cashier") ==
	        NULL ||
	    cJSON_AddStringToObject(body, "password", pw) == NULL ||
	    cJSON_AddStringToObject(body, "role", "cashier") == NULL ||
	    cJSON_AddStringToObject(body, "display_name", "收银员") == NULL)
		seed_oom();
	rc = seed_call(s, "POST", "/api/v1/users", body, 201, NULL);
	cJSON_Delete(body);
	if (rc == 0)
		rc =
		    seed_session(s, "bench-cashier", pw, "cashier.token", NULL);
	return rc;
}

static int
seed_nothing(struct seed *s)
{
	(void)s;
	return 0;
}

/* The cashier made by `fill households`, for the card look-ups. */
static int
seed_cashier(struct seed *s)
{
	return seed_session(s, "bench-cashier", "bench-cashier-password",
	    "cashier.token", NULL);
}

static cJSON *
seed_household_json(long i)
{
	static const char *sur[] = {"张", "王", "李", "赵", "刘", "陈", "欧阳"};
	static const char *given[] = {"建明", "秀英", "志强", "桂兰", "伟"};
	char card[32], name[32], id[19], from[11], to[11], street[64];
	cJSON *o;

	snprintf(card, sizeof card, "HH%08ld", i + 1);
	snprintf(name, sizeof name, "%s%s", sur[i % 7], given[i % 5]);
	snprintf(street, sizeof street, "浦东新区第%ld街道", i % 36 + 1);
	seed_id_number(i, id);
	seed_date(-30, from);
	seed_date(365, to);
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "card_code", card) == NULL ||
	    cJSON_AddStringToObject(o, "head_name", name) == NULL ||
	    cJSON_AddStringToObject(o, "id_number", id) == NULL ||
	    cJSON_AddNumberToObject(o, "members", (double)(1 + i % 5)) ==
	        NULL ||
	    cJSON_AddStringToObject(o, "category", seed_categories[i % 6]) ==
	        NULL ||
	    cJSON_AddStringToObject(o, "street", street) == NULL ||
	    cJSON_AddStringToObject(o, "valid_from", from) == NULL ||
	    cJSON_AddStringToObject(o, "valid_to", to) == NULL)
		seed_oom();
	return o;
}

static int
seed_households(struct seed *s)
{
	uint64_t t0 = bhttp_now_ns();
	cJSON *body;
	FILE *paths;
	long i;
	int rc = -1;

	if (seed_policies(s) == -1)
		return -1;
	if ((paths = seed_open(s, "cards.req")) == NULL)
		return -1;
	for (i = 0; i < s->households; i++) {
		body = seed_household_json(i);
		rc =
		    seed_call(s, "POST", "/api/v1/households", body, 201, NULL);
		cJSON_Delete(body);
		if (rc == -1)
			goto out;
		fprintf(paths, "/api/v1/households/by-card/HH%08ld\n", i + 1);
	}
	printf("seed: households: %ld in %.1f s (%.0f/s), policies for every "
	       "category, a cashier\n",
	    s->households, seed_secs(t0),
	    (double)s->households / seed_secs(t0));
	rc = 0;
out:
	if (fclose(paths) != 0)
		rc = -1;
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct seed *);
} seed_tasks[] = {
    {"goods", seed_goods},
    {"households", seed_households},
    {"login", seed_nothing},
    {"cashier", seed_cashier},
};

static int
seed_usage(void)
{
	fputs("usage: seed --url http://127.0.0.1:PORT --dir DIR "
	      "[--user NAME]\n"
	      "\t[--items N] [--lots N] [--batch N] [--households N] TASK...\n"
	      "tasks: goods households login cashier\n",
	    stderr);
	return 2;
}

static int
seed_long(const char *arg, long *v)
{
	char *end;

	*v = strtol(arg, &end, 10);
	return *end != '\0' || end == arg || *v < 0 || *v > 10000000 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct seed s;
	uint64_t t0 = bhttp_now_ns();
	const char *url = NULL;
	size_t t;
	int i, rc = 1;

	memset(&s, 0, sizeof s);
	s.fd = -1;
	s.user = "admin";
	s.items = 10000;
	s.lots = 50000;
	s.batch = 500;
	s.households = 100000;
	s.run = (unsigned)(bhttp_now_ns() ^ (uint64_t)getpid() << 16);
	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *opt = argv[i], *arg = argv[i + 1];

		if (strcmp(opt, "--url") == 0)
			url = arg;
		else if (strcmp(opt, "--dir") == 0)
			s.dir = arg;
		else if (strcmp(opt, "--user") == 0)
			s.user = arg;
		else if (strcmp(opt, "--items") == 0 &&
		    seed_long(arg, &s.items) == 0)
			;
		else if (strcmp(opt, "--lots") == 0 &&
		    seed_long(arg, &s.lots) == 0)
			;
		else if (strcmp(opt, "--batch") == 0 &&
		    seed_long(arg, &s.batch) == 0)
			;
		else if (strcmp(opt, "--households") == 0 &&
		    seed_long(arg, &s.households) == 0)
			;
		else
			return seed_usage();
	}
	if (url == NULL || s.dir == NULL || i >= argc ||
	    (s.port = bhttp_url_port(url)) == -1)
		return seed_usage();
	if (seed_login(&s) == -1)
		goto out;
	for (; i < argc; i++) {
		for (t = 0; t < sizeof seed_tasks / sizeof seed_tasks[0]; t++)
			if (strcmp(argv[i], seed_tasks[t].name) == 0)
				break;
		if (t == sizeof seed_tasks / sizeof seed_tasks[0]) {
			fprintf(stderr, "seed: no task %s\n", argv[i]);
			goto out;
		}
		if (seed_tasks[t].run(&s) == -1) {
			fprintf(stderr, "seed: task %s failed\n", argv[i]);
			goto out;
		}
	}
	printf("seed: done in %.1f s\n", seed_secs(t0));
	rc = 0;
out:
	if (s.fd != -1)
		close(s.fd);
	free(s.token);
	free(s.item_ids);
	bhttp_buf_free(&s.req);
	return rc;
}
