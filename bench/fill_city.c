/*
 * fill's city task: a city-year of distributions, day by day, with each
 * month's grant, gifts, purchase and write-off (see fill.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bhttp.h"
#include "fill.h"

#define FILL_CITY_ITEMS  40
#define FILL_STORES      200
#define FILL_PER_DAY     30
#define FILL_MONTHS      12
#define FILL_CITY_HOUSES 100000.0 /* households the full city serves */

/* The households the city-year serves: the first of the register. */
long
fill_city_households(const struct fill *s)
{
	long n = (long)(FILL_CITY_HOUSES * s->scale + 0.5);

	if (s->scale <= 0)
		return 0;
	if (n < 100)
		n = 100;
	return n < s->households ? n : s->households;
}

/* The city: its items and funds, made on its first day. */
struct fill_city {
	int64_t items[FILL_CITY_ITEMS];
	char codes[FILL_CITY_ITEMS][14];
	long houses;
	long per_day;
	long posted, refused, months;
	struct dist_request *req;
};

static int
fill_city_funds(struct fill *s)
{
	static const char *names[] = {"爱心捐款", "政府购买服务项目"};
	static const char *kinds[] = {"donations", "government_purchase"};
	struct db_fund fu;
	int i;

	for (i = 0; i < 2; i++) {
		memset(&fu, 0, sizeof fu);
		snprintf(fu.name, sizeof fu.name, "%s", names[i]);
		snprintf(fu.kind, sizeof fu.kind, "%s", kinds[i]);
		if (funds_create(s->db, &s->who, &fu, &s->f) != 0)
			return fill_fail(s, "fund");
		s->funds[i] = fu.id;
	}
	return 0;
}

static int
fill_city_first_lot(const void *row, void *arg)
{
	*(int64_t *)arg = ((const struct db_lot *)row)->id;
	return 1;
}

/* A month's grant, goods, cash, purchase and write-off, on its first day. */
static int
fill_city_month(struct fill *s, struct fill_city *c, const char *period,
    const char *first, long month_dists)
{
	int64_t qty[FILL_CITY_ITEMS], lot = 0, don = 0;
	char cid[64], expires[CLOCK_DATE_LEN];
	struct db_grant_run run;
	struct stock_donation *cash;
	struct db_donation out;
	struct db_expense x;
	struct db_adjustment a;
	struct stock_line line;
	int i, replayed, rc;

	fill_clock(first, 8 * 3600);
	if (points_grant_monthly(s->db, &s->who, period, &run, &s->f) != 0)
		return fill_fail(s, "monthly grant");
	/* Twice what the month takes: ~2.5 lines of ~1.5 a distribution. */
	for (i = 0; i < FILL_CITY_ITEMS; i++)
		qty[i] = 100 + month_dists * 2 * 5 * 3 / 4 / FILL_CITY_ITEMS;
	clock_date_add(first, 120, expires);
	snprintf(cid, sizeof cid, "city-goods-%.7s", period);
	if (fill_donate(s, cid, (int)c->months, c->items, qty, FILL_CITY_ITEMS,
	        first, expires, &don) != 0)
		return -1;
	if ((cash = calloc(1, sizeof *cash)) == NULL)
		fill_oom();
	snprintf(
	    cash->client_id, sizeof cash->client_id, "city-cash-%.7s", period);
	memcpy(cash->req_hash, cash->client_id, 16);
	cash->donor_id = s->donors[(c->months + 1) % 6];
	memcpy(cash->received_on, first, CLOCK_DATE_LEN);
	snprintf(cash->channel, sizeof cash->channel, "bank_transfer");
	cash->cash_fen = 5000000 + (int64_t)c->months * 100000;
	cash->fund_id = s->funds[c->months % 2];
	rc = stock_donation_post(s->db, &s->who, cash, &out, &replayed, &s->f);
	free(cash);
	if (rc != 0)
		return fill_fail(s, "cash donation");
	memset(&x, 0, sizeof x);
	snprintf(x.client_id, sizeof x.client_id, "city-expense-%.7s", period);
	memcpy(x.req_hash, x.client_id, 16);
	x.fund_id = s->funds[c->months % 2];
	x.amount_fen = 1200000;
	snprintf(x.purpose, sizeof x.purpose, "%s",
	    c->months % 2 ? "采购米面油" : "冬季物资");
	memcpy(x.spent_on, first, CLOCK_DATE_LEN);
	memset(&line, 0, sizeof line);
	line.item_id = c->items[c->months % FILL_CITY_ITEMS];
	line.quantity = 300;
	line.unit_value_fen = 4000;
	memcpy(line.expires_on, expires, CLOCK_DATE_LEN);
	if (funds_expense(s->db, &s->who, &x, &line, 1, &replayed, &s->f) != 0)
		return fill_fail(s, "expense");
	if (db_lots_of_donation(s->db, don, fill_city_first_lot, &lot) !=
	        DB_OK ||
	    lot == 0) {
		fputs("fill: no lot in the month's donation\n", stderr);
		return -1;
	}
	memset(&a, 0, sizeof a);
	snprintf(a.client_id, sizeof a.client_id, "city-writeoff-%.7s", period);
	memcpy(a.req_hash, a.client_id, 16);
	a.lot_id = lot;
	a.quantity_delta = -5;
	snprintf(a.reason, sizeof a.reason, "damaged");
	if (stock_adjust(s->db, &s->who, &a, &replayed, &s->f) != 0)
		return fill_fail(s, "write-off");
	return 0;
}

/* One day of the city: per_day distributions over opening hours, one
 * transaction, each in its own savepoint (as the server's group commit). */
static int
fill_city_day(struct fill *s, struct fill_city *c, const char *day)
{
	struct dist_request *r = c->req;
	struct db_distribution d;
	long k;
	int j, n, replayed;

	if (db_batch_begin(s->db) != DB_OK)
		return -1;
	for (k = 0; k < c->per_day; k++) {
		fill_clock(day, 9 * 3600 + k * 8 * 3600 / c->per_day);
		snprintf(
		    r->client_id, sizeof r->client_id, "city-%s-%ld", day, k);
		memcpy(r->req_hash, r->client_id, 16);
		snprintf(r->till_id, sizeof r->till_id, "S%03ld",
		    k % FILL_STORES + 1);
		snprintf(r->card, sizeof r->card, "HH%08ld",
		    (long)(fill_rand(s) % (uint64_t)c->houses) + 1);
		n = 2 + (int)(fill_rand(s) % 2);
		for (j = 0; j < n; j++) {
			memset(&r->lines[j], 0, sizeof r->lines[j]);
			r->lines[j].item_id =
			    c->items[(fill_rand(s) % FILL_CITY_ITEMS)];
			r->lines[j].quantity = 1 + (int64_t)(fill_rand(s) % 2);
		}
		r->nlines = n;
		memset(&s->f, 0, sizeof s->f);
		if (distribution_post(
		        s->db, &s->who, r, &d, &replayed, &s->f) == 0)
			c->posted++;
		else {
			if (s->f.kind == FAULT_INTERNAL)
				goto fail;
			if (c->refused++ == 0)
				fprintf(stderr,
				    "fill: city: first refusal: "
				    "%s\n",
				    s->f.message);
		}
	}
	return db_batch_commit(s->db) == DB_OK ? 0 : -1;
fail:
	fill_fail(s, "city distribution");
	db_batch_rollback(s->db);
	return -1;
}

int
fill_city(struct fill *s)
{
	struct fill_city c;
	char periods[FILL_MONTHS][CLOCK_PERIOD_LEN], now[CLOCK_PERIOD_LEN];
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN], day[CLOCK_DATE_LEN];
	uint64_t t0 = bhttp_now_ns();
	int m, rc = -1;
	long days;

	if (fill_city_households(s) == 0) {
		fputs(
		    "fill: city needs households and a --city-scale\n", stderr);
		return -1;
	}
	memset(&c, 0, sizeof c);
	c.houses = fill_city_households(s);
	c.per_day = (long)(FILL_STORES * FILL_PER_DAY * s->scale + 0.5);
	if (c.per_day < 1)
		c.per_day = 1;
	if ((c.req = calloc(1, sizeof *c.req)) == NULL)
		fill_oom();
	clock_period_now(now);
	clock_period_prev(now, periods[FILL_MONTHS - 1]);
	for (m = FILL_MONTHS - 1; m > 0; m--)
		clock_period_prev(periods[m], periods[m - 1]);
	clock_period_bounds(periods[0], first, last);
	fill_clock(first, 7 * 3600);
	if (fill_donors(s) != 0 || fill_city_funds(s) != 0 ||
	    fill_items(s, 693000000000ull, "城市物资", FILL_CITY_ITEMS, 1,
	        c.items, c.codes) != 0)
		goto out;
	for (m = 0; m < FILL_MONTHS; m++, c.months++) {
		clock_period_bounds(periods[m], first, last);
		days = (long)(last[8] - '0') * 10 + (last[9] - '0');
		if (fill_city_month(
		        s, &c, periods[m], first, c.per_day * days) != 0)
			goto out;
		for (memcpy(day, first, sizeof day); strcmp(day, last) <= 0;
		     clock_date_add(day, 1, day))
			if (fill_city_day(s, &c, day) != 0)
				goto out;
		fprintf(stderr,
		    "fill: city: %s done, %ld distributions so far "
		    "(%.0f s)\n",
		    periods[m], c.posted, fill_secs(t0));
	}
	printf("fill: city-year: %s..%s, %d stores x %d a day x %.3g = %ld "
	       "a day over %ld households: %ld distributions (%ld refused) "
	       "in %.1f s (%.0f/s)\n",
	    periods[0], periods[FILL_MONTHS - 1], FILL_STORES, FILL_PER_DAY,
	    s->scale, c.per_day, c.houses, c.posted, c.refused, fill_secs(t0),
	    (double)c.posted / fill_secs(t0));
	/* Written as though before today: the public's notices (kept as at
	 * the start of the day, notice_freeze) show the year. */
	clock_shift(0);
	clock_today(day);
	if (db_tx_begin(s->db) != DB_OK ||
	    db_asof_freeze(s->db, day) != DB_OK ||
	    db_tx_commit(s->db) != DB_OK) {
		fputs("fill: city: the public figures were not kept\n", stderr);
		db_tx_rollback(s->db);
		goto out;
	}
	rc = 0;
out:
	clock_shift(0);
	free(c.req);
	return rc;
}
