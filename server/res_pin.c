/*
 * A household's own balance: PUT /api/v1/households/{id}/pin (a manager
 * sets its PIN) and POST /public/balance (card and PIN → the household's
 * points, this month's limits and its last distributions; nothing that
 * says who it is). Both run argon2id on the worker thread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

#define RES_PIN_RECENT 5

static void
res_pin_set_free(struct pin_set *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, sizeof(*p));
	free(p);
}

static void
res_pin_set_done(struct req *r, void *arg)
{
	struct pin_set *p = arg;
	struct fault f;
	cJSON *o;

	memset(&f, 0, sizeof(f));
	if (pin_set_finish(http_db(r), http_actor(r), p, &f) != 0)
		http_fault(r, &f);
	else {
		o = json_new();
		json_add_int(o, "household_id", p->household_id);
		json_add_time(o, "pin_set_at", (time_t)p->set_at);
		http_reply(r, 200, o);
	}
	res_pin_set_free(p);
}

/* PUT /api/v1/households/{id}/pin {"pin"} */
void
res_pin_put(struct req *r)
{
	static const char *const keys[] = {"pin", NULL};
	struct pin_set *p;
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		log_fatalx("out of memory");
	if (http_id_arg(r, 0, &p->household_id) != 0) {
		http_error(r, 404, "not_found", "no such household");
		goto out;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_only(b, keys, "a household's pin is set alone", &f) < 0 ||
	    json_str(b, "pin", 1, PIN_MAX + 1, p->pin, sizeof(p->pin), &f) <
	        0 ||
	    pin_set_begin(http_db(r), p, &f) != 0) {
		http_fault(r, &f);
		goto out;
	}
	if (http_offload(r, WORKER_STAFF, pin_set_work, res_pin_set_done, p) !=
	    0) {
		http_throttled(r, 1000, "too many at once; retry");
		goto out;
	}
	return; /* res_pin_set_done answers and frees */
out:
	res_pin_set_free(p);
}

static void
res_pin_check_free(struct pin_check *c)
{
	if (c == NULL)
		return;
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static int
res_pin_limit(const void *row, void *arg)
{
	const struct db_limit *l = row;
	cJSON *o = json_new();

	json_add_str(o, "item", l->name);
	json_add_int(o, "monthly_limit", l->monthly_limit);
	json_add_int(o, "taken", l->taken);
	json_add_int(o, "left",
	    l->taken < l->monthly_limit ? l->monthly_limit - l->taken : 0);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

static int
res_pin_line(const void *row, void *arg)
{
	const struct db_dist_line *l = row;
	cJSON *o = json_new();

	json_add_str(o, "item", l->name);
	json_add_int(o, "quantity", l->quantity);
	json_add_int(o, "points", l->points);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

struct res_pin_recent {
	struct db *db;
	cJSON *a;
	int failed;
};

static int
res_pin_recent(const void *row, void *arg)
{
	const struct db_distribution *d = row;
	struct res_pin_recent *p = arg;
	char day[CLOCK_RFC3339_LEN];
	cJSON *o = json_new(), *lines = cJSON_CreateArray();

	clock_rfc3339((time_t)d->created_at, day, sizeof(day));
	day[10] = '\0';
	json_add_str(o, "date", day);
	json_add_int(o, "points", d->points_total);
	json_add_bool(o, "voided", d->void_id != 0);
	cJSON_AddItemToObject(o, "items", lines);
	cJSON_AddItemToArray(p->a, o);
	if (db_dist_lines(p->db, d->id, res_pin_line, lines) != DB_OK) {
		p->failed = 1;
		return 1;
	}
	return 0;
}

/* What the household sees of itself: no name, id, card or address. */
static cJSON *
res_pin_balance_json(struct db *db, const struct db_household *h)
{
	struct res_pin_recent rp;
	char period[CLOCK_PERIOD_LEN];
	cJSON *o = json_new(), *l = cJSON_CreateArray();

	clock_period_now(period);
	json_add_int(o, "points", h->balance);
	json_add_str(o, "period", period);
	json_add_str(o, "valid_to", h->valid_to);
	cJSON_AddItemToObject(o, "limits", l);
	memset(&rp, 0, sizeof(rp));
	rp.db = db;
	rp.a = cJSON_CreateArray();
	cJSON_AddItemToObject(o, "recent", rp.a);
	if (db_limit_list(db, h->id, period, res_pin_limit, l) != DB_OK ||
	    db_dist_recent(db, h->id, RES_PIN_RECENT, res_pin_recent, &rp) !=
	        DB_OK ||
	    rp.failed) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* Past the throttle: 429, and when to come back. */
static void
res_pin_throttled(struct req *r, int64_t wait)
{
	char secs[JSON_INT_LEN], msg[96];

	json_itoa((wait + 999) / 1000, secs);
	snprintf(
	    msg, sizeof(msg), "too many wrong tries; try again in %s s", secs);
	http_reply_header(r, "Retry-After", secs);
	http_error(r, 429, "throttled", msg);
}

static void
res_pin_checked(struct req *r, void *arg)
{
	struct pin_check *c = arg;
	struct db_household h;
	cJSON *o;

	if (!pin_check_finish(c)) {
		http_error(r, 401, "unauthenticated", "card or PIN is wrong");
		goto out;
	}
	/* The household as it is now (a basket may have passed). */
	if (db_household_by_id(http_db(r), c->h.id, &h) != DB_OK ||
	    (o = res_pin_balance_json(http_db(r), &h)) == NULL) {
		http_error(r, 500, "internal", "the database failed");
		goto out;
	}
	http_reply(r, 200, o);
out:
	res_pin_check_free(c);
}

/* POST /public/balance {"card_code", "pin"} */
void
res_pin_balance(struct req *r)
{
	static const char *const keys[] = {"card_code", "pin", NULL};
	struct pin_check *c;
	struct fault f;
	const cJSON *b;
	int64_t wait;

	memset(&f, 0, sizeof(f));
	if ((c = calloc(1, sizeof(*c))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    json_only(b, keys, "only card_code and pin are read", &f) < 0 ||
	    json_str(b, "card_code", 1, 32, c->card, sizeof(c->card), &f) < 0 ||
	    json_str(b, "pin", 1, PIN_MAX, c->pin, sizeof(c->pin), &f) < 0) {
		http_fault(r, &f);
		goto out;
	}
	snprintf(c->addr, sizeof(c->addr), "%s", http_peer(r));
	if ((wait = pinguard_wait(c->card, c->addr)) > 0) {
		res_pin_throttled(r, wait);
		goto out;
	}
	if (pin_check_begin(http_db(r), c, &f) != 0) {
		http_fault(r, &f);
		goto out;
	}
	if (http_offload(r, WORKER_LOGIN, pin_check_work, res_pin_checked, c) !=
	    0) {
		http_throttled(r, 1000, "too many at once; retry");
		goto out;
	}
	return; /* res_pin_checked answers and frees */
out:
	res_pin_check_free(c);
}
