/*
 * The public usage notice of a period, from the figures kept per period:
 * where money and goods came from and went, households served (small
 * counts hidden, and a second cell with them so no total gives one
 * away), points, the closing stock, the share that reached the neediest,
 * and the head of the hash chain at the period's end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define NOTICE_SMALL 5 /* counts 1..4 are published as "<5" */

/*
 * Marks which of n counts to hide: those from 1 to 4, and when exactly
 * one is hidden, the smallest other non-zero one too, so that the total
 * minus the rest does not give it away.
 */
void
notice_suppress(const int64_t *count, int n, int *hide)
{
	int i, hidden = 0, other = -1;

	for (i = 0; i < n; i++) {
		hide[i] = count[i] > 0 && count[i] < NOTICE_SMALL;
		hidden += hide[i];
	}
	if (hidden != 1)
		return;
	for (i = 0; i < n; i++)
		if (!hide[i] && count[i] > 0 &&
		    (other < 0 || count[i] < count[other]))
			other = i;
	if (other >= 0)
		hide[other] = 1;
}

/*
 * Whether the priority share could single out a household: when 1 to 4
 * priority households, or 1 to 4 others, were served, the share (or the
 * total minus it) is what those few took.
 */
static int
notice_priority_small(const struct notice *n)
{
	int64_t prio = 0, other = 0;
	int i;

	for (i = 0; i < n->nserved; i++) {
		if (household_priority(n->served[i].category) == 1)
			prio += n->served[i].households;
		else
			other += n->served[i].households;
	}
	return (prio > 0 && prio < NOTICE_SMALL) ||
	    (other > 0 && other < NOTICE_SMALL);
}

struct notice_named {
	int64_t count[NOTICE_CATEGORIES];
	char cat[NOTICE_CATEGORIES][16];
	int n;
};

static int
notice_named_row(const void *row, void *arg)
{
	const struct db_served *s = row;
	struct notice_named *c = arg;

	if (c->n == NOTICE_CATEGORIES)
		return 1;
	c->count[c->n] = s->households;
	memcpy(c->cat[c->n++], s->category, sizeof(c->cat[0]));
	return 0;
}

/*
 * Whether a public table may name household category in period (1), or
 * must fold it into a combined 其他 line (0): the notice's own rule, so
 * that a category the notice hides is hidden everywhere. asof as in
 * notice_compute (a published month is read as it stands: it is closed).
 * -1 on error.
 */
int
notice_named(struct db *db, const char *period, int asof, const char *category)
{
	struct notice_named c;
	int hide[NOTICE_CATEGORIES], i, rc;
	char *body = NULL;

	memset(&c, 0, sizeof(c));
	if ((rc = db_notice_get(db, period, &body)) != DB_OK && rc != DB_NONE)
		return -1;
	free(body);
	if (db_served_period(db, period, asof && rc == DB_NONE,
	        notice_named_row, &c) != DB_OK)
		return -1;
	notice_suppress(c.count, c.n, hide);
	for (i = 0; i < c.n; i++)
		if (strcmp(c.cat[i], category) == 0)
			return !hide[i] && c.count[i] >= NOTICE_SMALL;
	return 0;
}

/* Adds, holding at the ends of int64 (the database refuses figures that
 * overflow, so this is a second line, not the first). */
static void
notice_sum(int64_t *to, int64_t v)
{
	if (__builtin_add_overflow(*to, v, to))
		*to = v > 0 ? INT64_MAX : INT64_MIN;
}

static void
notice_add(struct notice_table *t, const char *k1, int64_t qty, int64_t value)
{
	int i;

	for (i = 0; i < t->n && strcmp(t->c[i].key, k1) != 0; i++)
		;
	if (i == t->n) {
		if (t->n == NOTICE_ROWS)
			i = NOTICE_ROWS - 1; /* the last row takes the rest */
		else {
			memset(&t->c[i], 0, sizeof(t->c[i]));
			snprintf(t->c[i].key, sizeof(t->c[i].key), "%s", k1);
			t->n++;
		}
	}
	notice_sum(&t->c[i].qty, qty);
	notice_sum(&t->c[i].value, value);
	notice_sum(&t->qty, qty);
	notice_sum(&t->value, value);
}

struct notice_ctx {
	struct db *db;
	struct notice *n;
};

static int
notice_stat(const void *row, void *arg)
{
	const struct db_stat *s = row;
	struct notice_ctx *c = arg;
	struct notice *n = c->n;
	struct db_fund fu;
	char name[DB_NAME_MAX];

	if (strcmp(s->metric, "cash") == 0) {
		notice_add(&n->cash_by_kind, s->k1, 0, s->value);
		if (db_fund_by_id(c->db, strtoll(s->k2, NULL, 10), &fu) ==
		    DB_OK)
			snprintf(name, sizeof(name), "%s", fu.name);
		else
			snprintf(name, sizeof(name), "%s", s->k2);
		notice_add(&n->cash_by_fund, name, 0, s->value);
	} else if (strcmp(s->metric, "inkind") == 0)
		notice_add(&n->inkind, s->k1, s->qty, s->value);
	else if (strcmp(s->metric, "purchase") == 0)
		notice_add(&n->purchased, s->k1, s->qty, s->value);
	else if (strcmp(s->metric, "distributed") == 0) {
		notice_add(&n->distributed, s->k1, s->qty, s->value);
		if (household_priority(s->k2) == 1)
			notice_sum(&n->priority_value, s->value);
	} else if (strcmp(s->metric, "expense") == 0)
		notice_add(&n->expenses, s->k1, 0, s->value);
	else if (strcmp(s->metric, "writeoff") == 0)
		notice_add(&n->writeoffs, s->k1, s->qty, s->value);
	else if (strcmp(s->metric, "points") == 0) {
		if (strncmp(s->k1, "grant_", 6) == 0)
			notice_sum(&n->points_granted, s->value);
		else if (strcmp(s->k1, "redeem") == 0)
			notice_sum(&n->points_redeemed, s->value);
		else if (strcmp(s->k1, "void") == 0)
			notice_sum(&n->points_redeemed, -s->value);
		else if (strcmp(s->k1, "expire") == 0)
			notice_sum(&n->points_expired, s->value);
	}
	return 0;
}

static int
notice_late(const void *row, void *arg)
{
	const struct db_late *l = row;
	struct notice *n = arg;

	if (n->nlate < NOTICE_LATE)
		n->late[n->nlate++] = *l;
	else {
		n->late_more++;
		notice_sum(&n->late_more_fen, l->amount_fen);
	}
	return 0;
}

static int
notice_served(const void *row, void *arg)
{
	const struct db_served *s = row;
	struct notice *n = arg;

	if (n->nserved == NOTICE_CATEGORIES)
		return 1;
	n->served[n->nserved++] = *s;
	notice_sum(&n->households, s->households);
	notice_sum(&n->persons, s->persons);
	return 0;
}

/*
 * At the start of every write (db_on_begin): the day's first copies the
 * figures the public sees before it adds anything, so that they stand as
 * at midnight all day. Live figures would let someone who saw a household
 * at the till read its category and size off the change in the notice.
 */
static int
notice_freeze(struct db *db, void *unused)
{
	char today[CLOCK_DATE_LEN];
	struct db_asof a;
	int kept;

	(void)unused;
	if ((kept = notice_asof(db, &a)) != 0)
		return kept < 0 ? DB_ERR : DB_OK;
	clock_today(today);
	return db_asof_freeze(db, today);
}

/* The server's writes keep the public figures (notice_compute, public). */
void
notice_serve(struct db *db)
{
	db_on_begin(db, notice_freeze, NULL);
}

/*
 * Whether the figures the public sees today are the ones notice_freeze
 * kept (1, a filled in), or, before today's first write, the ledger's own
 * (0); -1 on error.
 */
int
notice_asof(struct db *db, struct db_asof *a)
{
	char today[CLOCK_DATE_LEN];
	int rc;

	clock_today(today);
	if ((rc = db_asof_get(db, a)) != DB_OK && rc != DB_NONE)
		return -1;
	return rc == DB_OK && strcmp(a->day, today) == 0;
}

static int
notice_vol_row(const void *row, void *arg)
{
	const struct db_shift_sum *m = row;
	struct notice *n = arg;

	n->vol_persons = m->persons;
	n->vol_shifts = m->shifts;
	n->vol_minutes = m->minutes;
	return 0;
}

/* Volunteers' service in the month (shifts dated in it): where the
 * public's figures are the day's kept ones (asof), those recorded before
 * today, as the rest; 1 to 4 persons hidden. */
static int
notice_volunteers(struct db *db, const char *first, const char *last, int asof,
    struct notice *n)
{
	time_t before = clock_now() + 1;

	if (asof && clock_date_epoch(n->as_of, &before) != 0)
		return -1;
	if (db_shift_months(
	        db, first, last, (int64_t)before, notice_vol_row, n) != DB_OK)
		return -1;
	n->hide_vol = n->vol_persons > 0 && n->vol_persons < NOTICE_SMALL;
	return 0;
}

/*
 * Computes the notice of period: public, as the ledger stood at the start
 * of today (the figures notice_freeze kept, or, before today's first
 * write, the ledger itself); otherwise as it stands now.
 */
int
notice_compute(struct db *db, const char *period, int public, struct notice *n)
{
	struct notice_ctx c;
	char first[CLOCK_DATE_LEN], last[CLOCK_DATE_LEN], next[CLOCK_DATE_LEN];
	char now[CLOCK_PERIOD_LEN];
	struct db_asof a;
	time_t end;
	int64_t count[NOTICE_CATEGORIES];
	int i, asof = 0;

	memset(n, 0, sizeof(*n));
	if (clock_period_bounds(period, first, last) != 0)
		return -1;
	snprintf(n->period, sizeof(n->period), "%s", period);
	clock_period_now(now);
	/* Computed means not frozen: only a published notice is final. */
	n->provisional = 1;
	if (public) {
		clock_today(n->as_of);
		if ((asof = notice_asof(db, &a)) < 0)
			return -1;
	}
	c.db = db;
	c.n = n;
	/* Late entries as the figures: those before today where the day's
	 * figures are kept, else all. */
	end = clock_now() + 1;
	if (asof && clock_date_epoch(n->as_of, &end) != 0)
		return -1;
	if (db_late_period(db, period, (int64_t)end, notice_late, n) != DB_OK)
		return -1;
	if (db_stats_period(db, period, asof, notice_stat, &c) != DB_OK ||
	    db_served_period(db, period, asof, notice_served, n) != DB_OK ||
	    db_stock_value_upto(db, period, asof, &n->closing_stock_fen) !=
	        DB_OK)
		return -1;
	n->distributed_value = n->distributed.value;
	for (i = 0; i < n->nserved; i++)
		count[i] = n->served[i].households;
	notice_suppress(count, n->nserved, n->hide);
	n->hide_total = n->households > 0 && n->households < NOTICE_SMALL;
	n->hide_priority = notice_priority_small(n);
	if (notice_volunteers(db, first, last, asof, n) != 0)
		return -1;
	/* The head at the period's end; for the open period, as of now. */
	if (clock_date_add(last, 1, next) != 0 ||
	    clock_date_epoch(next, &end) != 0)
		return -1;
	if (strcmp(period, now) >= 0) {
		if (asof) /* the open month, for the public: as kept */
			return db_chain_head_seq(db, a.chain_seq,
			           n->ledger_head,
			           sizeof(n->ledger_head)) == DB_OK
			    ? 0
			    : -1;
		end = clock_now() + 1;
	}
	return db_chain_head(db, (int64_t)end, n->ledger_head,
	           sizeof(n->ledger_head)) == DB_OK
	    ? 0
	    : -1;
}

/* Whether period has begun (notices of the future do not exist). */
int
notice_period_ok(const char *period)
{
	char now[CLOCK_PERIOD_LEN];

	clock_period_now(now);
	return clock_period_valid(period) && strcmp(period, now) <= 0;
}

/* Freezes a closed period's notice: body is its JSON, made by the caller
 * from notice_compute. Publishing twice keeps the first. */
int
notice_publish(struct db *db, const struct actor *who, const char *period,
    const char *head, const char *body, struct fault *f)
{
	char now[CLOCK_PERIOD_LEN], *had = NULL;
	int rc;

	clock_period_now(now);
	if (!clock_period_valid(period))
		return fault_set(
		    f, FAULT_NOT_FOUND, "not_found", "no period %s", period);
	if (strcmp(period, now) >= 0) {
		fault_set(f, FAULT_RULE, "period_open",
		    "%s is not over yet; a month is published once it has "
		    "closed",
		    period);
		fault_str(f, "period", period);
		return -1;
	}
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_notice_get(db, period, &had)) == DB_OK) {
		free(had);
		db_tx_rollback(db);
		return 1;
	}
	if (rc != DB_NONE ||
	    db_notice_insert(
	        db, period, clock_now(), who->user_id, head, body) != DB_OK ||
	    auth_audit(db, who, "publish", "notice", 0, period) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}
