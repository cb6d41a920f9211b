/*
 * fill: fills a store for `make bench` through the server's domain layer
 * (libcishan-core.a: the very calls the API makes, without HTTP), before
 * the server is started on it.
 *
 *	fill --db PATH --dir DIR [--households N] [--rich N]
 *	    [--items N] [--lots N] [--city-scale F] TASK...
 *
 * The database must come from `cishan-server init` (its administrator,
 * user 1, is the actor; PATH.key keys the id numbers). Writes go without
 * fsync while filling (synchronous=OFF on this connection): nothing here
 * is measured, and the store is checkpointed and synced at the end.
 * Tasks, in the order given:
 *
 *	goods	what `seed goods` makes over HTTP: donors of every kind, N
 *		items with valid EAN-13 codes (the same codes, names, limits
 *		and priority-only items), donations of 500 lines carrying the
 *		--lots lots; DIR/barcodes.req: one barcode look-up a line.
 *	households
 *		points policies for every category, a cashier (bench-cashier,
 *		logged in later by `seed ... cashier`), N households with valid
 *		GB 11643 id numbers, registered one by one with
 *		household_register; DIR/cards.req: one card look-up a line.
 *		The first N x F households (the city's) are valid from 13
 *		months ago, the others from the first day of this month.
 *	redeem	20 items with no monthly limit and a million in stock each,
 *		--rich households (in categories that carry points over) with
 *		a one-off grant of ten million points each;
 *		DIR/distributions.req: one POST /api/v1/distributions a line
 *		(a basket of 2-3 lines, fresh client_id, a till per
 *		connection); DIR/baskets.txt: the same baskets for `direct`.
 *	city	a city-year: the 12 closed months before this one, day by day
 *		with clock_shift, 200 stores x 30 distributions a day x F
 *		(--city-scale, 1: ~2,200,000 distributions), with each month's
 *		grant, donation, cash gift, purchase and write-off. Its
 *		households are the first N x F of --households (registered by
 *		the households task, in this run or an earlier one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bhttp.h"
#include "fill.h"

#define FILL_REDEEM 20 /* items the redeem task's baskets take */

static const char *fill_categories[FILL_CATEGORIES] = {
    "tekun", "dibao", "emergency", "illness", "low_income", "other"};

void
fill_oom(void)
{
	fputs("fill: out of memory\n", stderr);
	exit(2);
}

double
fill_secs(uint64_t since)
{
	return (double)(bhttp_now_ns() - since) / 1e9;
}

/* xorshift64*: the same store every run. */
uint64_t
fill_rand(struct fill *s)
{
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ull;
}

int
fill_fail(const struct fill *s, const char *what)
{
	fprintf(stderr, "fill: %s: %s (%s)\n", what, s->f.message,
	    s->f.code != NULL ? s->f.code : "-");
	return -1;
}

static FILE *
fill_open(const struct fill *s, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", s->dir, name);
	if ((f = fopen(path, "w")) == NULL)
		fprintf(stderr, "fill: cannot write %s\n", path);
	return f;
}

/* The EAN-13 code of a 12-digit body. */
static void
fill_ean13(unsigned long long n, char out[14])
{
	snprintf(out, 14, "%012llu", n % 1000000000000ull);
	out[12] = (char)('0' + barcode_check_digit(out, 12));
	out[13] = '\0';
}

/* Moves the store's clock to day (YYYY-MM-DD) at sec seconds past 0:00. */
void
fill_clock(const char *day, long sec)
{
	time_t t;

	if (clock_date_epoch(day, &t) != 0) {
		fprintf(stderr, "fill: bad day %s\n", day);
		exit(2);
	}
	clock_shift(t + sec - time(NULL));
}

/* Household i's id number: a birth date from 1940 on, a sequence. */
static void
fill_id_number(long i, char out[HOUSEHOLD_IDNUM_LEN + 1])
{
	time_t t = (time_t)(-946771200L + (i % 20000) * 86400L);
	struct tm tm;
	long seq = (i / 20000) % 1000;

	gmtime_r(&t, &tm);
	memcpy(out, "310115", 6);
	strftime(out + 6, 9, "%Y%m%d", &tm);
	out[14] = (char)('0' + seq / 100);
	out[15] = (char)('0' + seq / 10 % 10);
	out[16] = (char)('0' + seq % 10);
	out[17] = household_idnum_checkchar(out);
	out[18] = '\0';
}

static int
fill_policies(struct fill *s)
{
	static const char pw[] = "bench-cashier-password";
	struct db_policy p;
	int64_t uid;
	size_t c;

	for (c = 0; c < FILL_CATEGORIES; c++) {
		memset(&p, 0, sizeof p);
		snprintf(
		    p.category, sizeof p.category, "%s", fill_categories[c]);
		p.monthly_points = 100 + 20 * (int64_t)c;
		p.per_member_points = 10;
		p.carry_over = (int)(c % 2);
		if (points_policy_put(s->db, &s->who, &p, &s->f) != 0)
			return fill_fail(s, "policy");
	}
	if (auth_user_create(s->db, &s->who, "bench-cashier", pw, "收银员",
	        ROLE_CASHIER, &uid, &s->f) != 0)
		return fill_fail(s, "cashier");
	return 0;
}

static int
fill_households(struct fill *s)
{
	static const char *sur[] = {"张", "王", "李", "赵", "刘", "陈", "欧阳"};
	static const char *given[] = {"建明", "秀英", "志强", "桂兰", "伟"};
	struct household_new hn;
	char today[CLOCK_DATE_LEN], old[CLOCK_DATE_LEN], month[CLOCK_DATE_LEN];
	char to[CLOCK_DATE_LEN];
	uint64_t t0 = bhttp_now_ns();
	long i, city = fill_city_households(s);
	FILE *cards;

	if (fill_policies(s) != 0)
		return -1;
	if ((cards = fill_open(s, "cards.req")) == NULL)
		return -1;
	clock_today(today);
	clock_date_add(today, -400, old);
	clock_date_add(today, 365, to);
	snprintf(month, sizeof month, "%.8s01", today);
	for (i = 0; i < s->households; i++) {
		memset(&hn, 0, sizeof hn);
		snprintf(
		    hn.h.card_code, sizeof hn.h.card_code, "HH%08ld", i + 1);
		snprintf(hn.h.head_name, sizeof hn.h.head_name, "%s%s",
		    sur[i % 7], given[i % 5]);
		snprintf(hn.h.street, sizeof hn.h.street, "浦东新区第%ld街道",
		    i % 36 + 1);
		snprintf(hn.h.category, sizeof hn.h.category, "%s",
		    fill_categories[i % FILL_CATEGORIES]);
		hn.h.members = 1 + i % 5;
		memcpy(hn.h.valid_from, i < city ? old : month, CLOCK_DATE_LEN);
		memcpy(hn.h.valid_to, to, CLOCK_DATE_LEN);
		fill_id_number(i, hn.id_number);
		if (household_register(s->db, &s->who, &hn, &s->f) != 0) {
			fclose(cards);
			return fill_fail(s, "household");
		}
		s->hh_ids[i] = hn.h.id;
		fprintf(cards, "/api/v1/households/by-card/HH%08ld\n", i + 1);
	}
	if (fclose(cards) != 0)
		return -1;
	printf("fill: households: %ld in %.1f s (%.0f/s; %ld of them the "
	       "city's), policies for every category, a cashier\n",
	    s->households, fill_secs(t0), (double)s->households / fill_secs(t0),
	    city);
	return 0;
}

/* Items first..first+n-1 of a kind; ids into ids[]. */
int
fill_items(struct fill *s, unsigned long long code0, const char *prefix, int n,
    int64_t points, int64_t *ids, char (*codes)[14])
{
	static const char *cats[] = {"粮油", "食品", "调味品", "饮料", "日用品",
	    "清洁用品", "衣物", "文具"};
	struct db_item it;
	int i;

	for (i = 0; i < n; i++) {
		memset(&it, 0, sizeof it);
		snprintf(it.name, sizeof it.name, "%s %02d", prefix, i + 1);
		snprintf(it.category, sizeof it.category, "%s", cats[i % 8]);
		snprintf(it.unit, sizeof it.unit, "件");
		fill_ean13(code0 + (unsigned long long)i, codes[i]);
		snprintf(it.barcodes[0], DB_BARCODE_MAX, "%s", codes[i]);
		it.nbarcodes = 1;
		it.unit_value_fen = 200 + (i % 17) * 150;
		it.points = points > 0 ? points : 1 + i % 3;
		if (stock_item_create(s->db, &s->who, &it, &s->f) != 0)
			return fill_fail(s, "item");
		ids[i] = it.id;
	}
	return 0;
}

int
fill_donors(struct fill *s)
{
	static const char *kinds[] = {"enterprise", "social_org", "individual",
	    "volunteer", "government", "anonymous"};
	static const char *names[] = {"上海良友食品有限公司",
	    "浦东新区慈善基金会", "王建国", "复旦大学志愿者协会", "区民政局",
	    "匿名捐赠人"};
	struct db_donor d;
	int i;

	if (s->donors[0] != 0)
		return 0;
	for (i = 0; i < 6; i++) {
		memset(&d, 0, sizeof d);
		snprintf(d.name, sizeof d.name, "%s", names[i]);
		snprintf(d.kind, sizeof d.kind, "%s", kinds[i]);
		if (stock_donor_create(s->db, &s->who, &d, &s->f) != 0)
			return fill_fail(s, "donor");
		s->donors[i] = d.id;
	}
	return 0;
}

/* A donation of goods: qty[i] of items[i], expiring on expires. */
int
fill_donate(struct fill *s, const char *cid, int donor, const int64_t *items,
    const int64_t *qty, int n, const char *received, const char *expires,
    int64_t *id)
{
	struct stock_donation *don;
	struct db_donation out;
	int i, replayed, rc;

	if ((don = calloc(1, sizeof *don)) == NULL)
		fill_oom();
	snprintf(don->client_id, sizeof don->client_id, "%s", cid);
	memcpy(don->req_hash, cid, strlen(cid) < 32 ? strlen(cid) : 32);
	don->donor_id = s->donors[donor % 6];
	memcpy(don->received_on, received, CLOCK_DATE_LEN);
	snprintf(don->channel, sizeof don->channel, "walk_in");
	for (i = 0; i < n; i++) {
		don->lines[i].item_id = items[i];
		don->lines[i].quantity = qty[i];
		don->lines[i].unit_value_fen = -1;
		memcpy(don->lines[i].expires_on, expires, CLOCK_DATE_LEN);
	}
	don->nlines = n;
	rc = stock_donation_post(s->db, &s->who, don, &out, &replayed, &s->f);
	free(don);
	if (rc != 0)
		return fill_fail(s, "donation");
	if (id != NULL)
		*id = out.id;
	return 0;
}

static int
fill_goods(struct fill *s)
{
	static const char *cats[] = {"粮油", "食品", "调味品", "饮料", "日用品",
	    "清洁用品", "衣物", "文具"};
	static const char *names[] = {"东北大米", "菜籽油", "挂面", "酱油",
	    "牛奶", "洗衣粉", "毛巾", "作业本", "饼干", "食盐", "香皂", "棉袜"};
	static const char *units[] = {"袋", "瓶", "包", "盒", "件"};
	struct stock_donation *don;
	struct db_donation out;
	struct db_item it;
	char code[14], today[CLOCK_DATE_LEN], day[CLOCK_DATE_LEN];
	uint64_t t0 = bhttp_now_ns(), t1;
	int64_t *ids;
	long i, k, d = 0;
	int replayed;
	FILE *paths;

	if (s->items < 1)
		return 0;
	if ((ids = calloc((size_t)s->items, sizeof *ids)) == NULL ||
	    (don = calloc(1, sizeof *don)) == NULL)
		fill_oom();
	if (fill_donors(s) != 0 ||
	    (paths = fill_open(s, "barcodes.req")) == NULL)
		goto fail;
	for (i = 0; i < s->items; i++) {
		memset(&it, 0, sizeof it);
		fill_ean13(
		    690000000000ull + (unsigned long long)i * 7919, code);
		snprintf(
		    it.name, sizeof it.name, "%s %05ld", names[i % 12], i + 1);
		snprintf(it.category, sizeof it.category, "%s", cats[i % 8]);
		snprintf(it.unit, sizeof it.unit, "%s", units[i % 5]);
		snprintf(it.barcodes[0], DB_BARCODE_MAX, "%s", code);
		it.nbarcodes = 1;
		it.unit_value_fen = 150 + i % 97 * 50;
		it.points = 1 + i % 30;
		it.monthly_limit = i % 7 == 0 ? 1 + i % 4 : 0;
		it.priority_only = i % 13 == 0;
		it.min_stock = i % 5 * 10;
		if (stock_item_create(s->db, &s->who, &it, &s->f) != 0) {
			fclose(paths);
			fill_fail(s, "item");
			goto fail;
		}
		ids[i] = it.id;
		fprintf(paths, "/api/v1/items/by-barcode/%s\n", code);
	}
	if (fclose(paths) != 0)
		goto fail;
	t1 = bhttp_now_ns();
	clock_today(today);
	clock_date_add(today, -1, day);
	for (k = 0; k < s->lots; d++) {
		memset(don, 0, sizeof *don);
		snprintf(don->client_id, sizeof don->client_id,
		    "bench-goods-%ld", d + 1);
		memcpy(don->req_hash, don->client_id, 16);
		don->donor_id = s->donors[d % 6];
		memcpy(don->received_on, day, CLOCK_DATE_LEN);
		snprintf(don->channel, sizeof don->channel, "walk_in");
		for (; k < s->lots && don->nlines < 500; k++) {
			struct stock_line *ln = &don->lines[don->nlines++];

			ln->item_id = ids[k % s->items];
			ln->quantity = 10 + k % 191;
			ln->unit_value_fen = -1;
			clock_date_add(
			    today, 20 + k * 37 % 700, ln->expires_on);
		}
		if (stock_donation_post(
		        s->db, &s->who, don, &out, &replayed, &s->f) != 0) {
			fill_fail(s, "donation");
			goto fail;
		}
	}
	printf("fill: goods: %ld items in %.1f s (%.0f/s); %ld donations "
	       "carrying %ld lots in %.1f s\n",
	    s->items, (double)(t1 - t0) / 1e9,
	    (double)s->items / ((double)(t1 - t0) / 1e9), d, s->lots,
	    fill_secs(t1));
	free(ids);
	free(don);
	return 0;
fail:
	free(ids);
	free(don);
	return -1;
}

/* Household i of the register: a category that carries points over. */
static int
fill_carries(long i)
{
	return i % FILL_CATEGORIES % 2 == 1;
}

static int
fill_redeem(struct fill *s)
{
	int64_t ids[FILL_REDEEM], qty[FILL_REDEEM];
	char codes[FILL_REDEEM][14], today[CLOCK_DATE_LEN], far[CLOCK_DATE_LEN];
	struct db_transfer t;
	uint64_t t0 = bhttp_now_ns();
	FILE *req, *bsk;
	long i, n = 0, k, lines;
	int j, replayed, a, b, c;

	if (s->households == 0 || s->hh_ids[0] == 0) {
		fputs("fill: redeem needs the households task first\n", stderr);
		return -1;
	}
	if (fill_donors(s) != 0 ||
	    fill_items(s, 692000000000ull, "兑换商品", FILL_REDEEM, 0, ids,
	        codes) != 0)
		return -1;
	clock_today(today);
	clock_date_add(today, 1000, far);
	for (j = 0; j < FILL_REDEEM; j++)
		qty[j] = LIMIT_QUANTITY;
	if (fill_donate(s, "bench-redeem-stock", 0, ids, qty, FILL_REDEEM,
	        today, far, NULL) != 0)
		return -1;
	if ((req = fill_open(s, "distributions.req")) == NULL)
		return -1;
	if ((bsk = fill_open(s, "baskets.txt")) == NULL) {
		fclose(req);
		return -1;
	}
	/* The last households of the register, away from the city's. */
	for (i = s->households - 1; i >= 0 && n < s->rich; i--) {
		if (!fill_carries(i))
			continue;
		memset(&t, 0, sizeof t);
		snprintf(t.client_id, sizeof t.client_id, "bench-rich-%ld", i);
		memcpy(t.req_hash, t.client_id, 16);
		t.household_id = s->hh_ids[i];
		t.amount = 10000000;
		snprintf(t.reason, sizeof t.reason, "bench: redemption load");
		if (points_grant_oneoff(s->db, &s->who, &t, &replayed, &s->f) !=
		    0) {
			fclose(req);
			fclose(bsk);
			return fill_fail(s, "one-off grant");
		}
		/* 2 or 3 lines, by item id and by barcode. */
		a = (int)(n % FILL_REDEEM);
		b = (int)((n * 7 + 3) % FILL_REDEEM);
		c = (int)((n * 13 + 11) % FILL_REDEEM);
		if (b == a)
			b = (b + 1) % FILL_REDEEM;
		lines = n % 2 == 0 ? 3 : 2;
		if (c == a || c == b)
			lines = 2;
		fprintf(req,
		    "/api/v1/distributions\t{\"client_id\":\"{uuid}\","
		    "\"till_id\":\"till-{client}\",\"household_card\":"
		    "\"HH%08ld\",\"lines\":[{\"item_id\":%lld,\"quantity\":1},"
		    "{\"barcode\":\"%s\",\"quantity\":2}",
		    i + 1, (long long)ids[a], codes[b]);
		fprintf(bsk, "HH%08ld i:%lld:1 b:%s:2", i + 1,
		    (long long)ids[a], codes[b]);
		if (lines == 3) {
			fprintf(req, ",{\"item_id\":%lld,\"quantity\":1}",
			    (long long)ids[c]);
			fprintf(bsk, " i:%lld:1", (long long)ids[c]);
		}
		fputs("]}\n", req);
		fputc('\n', bsk);
		n++;
	}
	k = fclose(req) | fclose(bsk);
	if (k != 0)
		return -1;
	printf("fill: redeem: %d items with %lld in stock each, %ld "
	       "households with 10,000,000 points each, in %.1f s\n",
	    FILL_REDEEM, (long long)LIMIT_QUANTITY, n, fill_secs(t0));
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct fill *);
} fill_tasks[] = {
    {"goods", fill_goods},
    {"households", fill_households},
    {"redeem", fill_redeem},
    {"city", fill_city},
};

static int
fill_usage(void)
{
	fputs("usage: fill --db PATH --dir DIR [--households N] [--rich N]\n"
	      "\t[--items N] [--lots N] [--city-scale F] TASK...\n"
	      "tasks: goods households redeem city\n",
	    stderr);
	return 2;
}

static int
fill_long(const char *arg, long *v)
{
	char *end;

	*v = strtol(arg, &end, 10);
	return *end != '\0' || end == arg || *v < 0 || *v > 10000000 ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct fill s;
	char key[4096], tz[64];
	uint64_t t0 = bhttp_now_ns();
	size_t t;
	int i, rc = 1;

	memset(&s, 0, sizeof s);
	s.households = 100000;
	s.rich = 2000;
	s.items = 10000;
	s.lots = 50000;
	s.scale = 0.1;
	s.rng = 0x9e3779b97f4a7c15ull;
	for (i = 1; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		const char *opt = argv[i], *arg = argv[i + 1];
		char *end;

		if (strcmp(opt, "--db") == 0)
			s.dbpath = arg;
		else if (strcmp(opt, "--dir") == 0)
			s.dir = arg;
		else if (strcmp(opt, "--households") == 0 &&
		    fill_long(arg, &s.households) == 0)
			;
		else if (strcmp(opt, "--rich") == 0 &&
		    fill_long(arg, &s.rich) == 0)
			;
		else if (strcmp(opt, "--items") == 0 &&
		    fill_long(arg, &s.items) == 0)
			;
		else if (strcmp(opt, "--lots") == 0 &&
		    fill_long(arg, &s.lots) == 0)
			;
		else if (strcmp(opt, "--city-scale") == 0 &&
		    (s.scale = strtod(arg, &end)) >= 0 && s.scale <= 1 &&
		    *end == '\0')
			;
		else
			return fill_usage();
	}
	if (s.dbpath == NULL || s.dir == NULL || i >= argc)
		return fill_usage();
	if (auth_init() != 0) {
		fputs("fill: libsodium failed\n", stderr);
		return 1;
	}
	clock_init("Asia/Shanghai");
	if (storage_check(s.dbpath, 1, key, sizeof key) != 0 ||
	    storage_lock(s.dbpath, key, sizeof key) < 0) {
		fprintf(stderr, "fill: %s\n", key);
		return 1;
	}
	if (db_open(s.dbpath, 0, &s.db) != DB_OK)
		return 1;
	if (storage_key_load(s.db, s.dbpath, 0, key, sizeof key) != 0) {
		fprintf(stderr, "fill: %s\n", key);
		db_close(s.db);
		return 1;
	}
	if (db_setting_get(s.db, "timezone", tz, sizeof tz) == DB_OK)
		clock_init(tz);
	if ((s.hh_ids = calloc((size_t)s.households + 1, sizeof *s.hh_ids)) ==
	    NULL)
		fill_oom();
	s.who.user_id = 1;
	snprintf(s.who.username, sizeof s.who.username, "bench-fill");
	snprintf(s.who.origin, sizeof s.who.origin, "bench");
	s.who.role = ROLE_ADMIN;
	if (db_fill_mode(s.db, 1) != DB_OK)
		goto out;
	for (; i < argc; i++) {
		for (t = 0; t < sizeof fill_tasks / sizeof fill_tasks[0]; t++)
			if (strcmp(argv[i], fill_tasks[t].name) == 0)
				break;
		if (t == sizeof fill_tasks / sizeof fill_tasks[0]) {
			fprintf(stderr, "fill: no task %s\n", argv[i]);
			goto out;
		}
		if (fill_tasks[t].run(&s) != 0) {
			fprintf(stderr, "fill: task %s failed\n", argv[i]);
			goto out;
		}
	}
	/* Durable before the server opens it, and a short WAL. */
	if (db_fill_mode(s.db, 0) != DB_OK)
		goto out;
	printf("fill: done in %.1f s\n", fill_secs(t0));
	rc = 0;
out:
	db_close(s.db);
	free(s.hh_ids);
	return rc;
}
