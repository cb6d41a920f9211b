/*
 * The log-in throttle: how many password checks may run, counted before
 * each check (a burst cannot outrun it), refunded when the password was
 * right (only failures and checks in flight use the allowance):
 *
 *   per user and address   3 in 5 minutes
 *   per address           30 in 5 minutes
 *   per user              20 an hour from addresses where the user has
 *                         not logged in before; past that, one every
 *                         10 s, and only from an address that has not
 *                         failed for the user
 *
 * A right password from an address where the user has logged in before
 * (kept 30 days) or that has not failed is never held back by others'
 * guesses for longer than the 10 s lane. Counters live in memory.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "server.h"

#define THROTTLE_SLOTS    4096
#define THROTTLE_PAIR_MAX 3
#define THROTTLE_PAIR_MS  (5 * 60 * 1000LL)
#define THROTTLE_ADDR_MAX 30
#define THROTTLE_ADDR_MS  (5 * 60 * 1000LL)
#define THROTTLE_USER_MAX 20
#define THROTTLE_USER_MS  (60 * 60 * 1000LL)
#define THROTTLE_LANE_MS  (10 * 1000LL)
#define THROTTLE_KNOWN_MS (30 * 24 * 3600 * 1000LL)
#define THROTTLE_KEY_MAX  (DB_SHORT_MAX + 56)

/* A counter over a fixed window; "k:" keys mark a user's good address. */
static struct throttle_slot {
	char key[THROTTLE_KEY_MAX];
	int64_t start_ms; /* the window began */
	int64_t last_ms;  /* last touched */
	int64_t next_ms;  /* the user's 10 s lane: free again */
	int count;
	int failures;
} throttle_slots[THROTTLE_SLOTS];

static int64_t
throttle_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

/*
 * The slot of kind:a[\n b], its window restarted when over; create: make
 * one (a free slot, or the one untouched longest), else NULL if none.
 */
static struct throttle_slot *
throttle_slot(
    const char *kind, const char *a, const char *b, int64_t window, int create)
{
	char k[THROTTLE_KEY_MAX];
	int64_t now = throttle_ms();
	int i, pick = 0;

	snprintf(k, sizeof(k), "%s:%s\n%s", kind, a, b != NULL ? b : "");
	for (i = 0; i < THROTTLE_SLOTS; i++) {
		if (throttle_slots[i].key[0] != '\0' &&
		    strcmp(throttle_slots[i].key, k) == 0) {
			if (now - throttle_slots[i].start_ms >= window) {
				throttle_slots[i].start_ms = now;
				throttle_slots[i].count = 0;
				throttle_slots[i].failures = 0;
			}
			throttle_slots[i].last_ms = now;
			return &throttle_slots[i];
		}
		/* A user's good addresses are not pushed out by strangers. */
		if (strncmp(throttle_slots[i].key, "k:", 2) != 0 &&
		    (strncmp(throttle_slots[pick].key, "k:", 2) == 0 ||
		        throttle_slots[i].last_ms <
		            throttle_slots[pick].last_ms))
			pick = i;
	}
	if (!create)
		return NULL;
	memset(&throttle_slots[pick], 0, sizeof(throttle_slots[pick]));
	snprintf(throttle_slots[pick].key, sizeof(k), "%s", k);
	throttle_slots[pick].start_ms = throttle_slots[pick].last_ms = now;
	return &throttle_slots[pick];
}

static int64_t
throttle_left(const struct throttle_slot *s, int64_t window, int64_t now)
{
	int64_t w = s->start_ms + window - now;

	return w > 0 ? w : 1;
}

/* Whether user has logged in from addr within 30 days. */
int
throttle_known(const char *user, const char *addr)
{
	struct throttle_slot *s =
	    throttle_slot("k", user, addr, THROTTLE_KNOWN_MS, 0);

	return s != NULL && s->count > 0;
}

/*
 * Before a password check of user from addr: 0 when it may run (and is
 * counted now), else the milliseconds until one may.
 */
int64_t
throttle_take(const char *user, const char *addr)
{
	struct throttle_slot *pair, *ad, *u;
	int64_t now = throttle_ms();
	int known = throttle_known(user, addr);

	pair = throttle_slot("p", user, addr, THROTTLE_PAIR_MS, 1);
	if (pair->count >= THROTTLE_PAIR_MAX)
		return throttle_left(pair, THROTTLE_PAIR_MS, now);
	ad = throttle_slot("a", addr, NULL, THROTTLE_ADDR_MS, 1);
	if (ad->count >= THROTTLE_ADDR_MAX)
		return throttle_left(ad, THROTTLE_ADDR_MS, now);
	u = NULL;
	if (!known) {
		u = throttle_slot("u", user, NULL, THROTTLE_USER_MS, 1);
		if (u->count >= THROTTLE_USER_MAX) {
			if (pair->failures > 0)
				return throttle_left(
				    pair, THROTTLE_PAIR_MS, now);
			if (u->next_ms > now)
				return u->next_ms - now;
			u->next_ms = now + THROTTLE_LANE_MS;
		}
		u->count++;
	}
	pair->count++;
	ad->count++;
	return 0;
}

/*
 * After the check that throttle_take let through: a right password
 * (THROTTLE_OK) gives its allowance back and marks addr as one the user
 * logs in from; a check that never ran (THROTTLE_NOT_RUN) gives it back.
 */
void
throttle_result(const char *user, const char *addr, int outcome)
{
	int ok = outcome != THROTTLE_FAILED;
	struct throttle_slot *s;
	int known = throttle_known(user, addr), k;
	const char *kinds[] = {"p", "a", "u"};

	for (k = 0; k < 3; k++) {
		if (k == 2 && known)
			break;
		s = throttle_slot(kinds[k], k == 1 ? addr : user,
		    k == 0 ? addr : NULL,
		    k == 2 ? THROTTLE_USER_MS : THROTTLE_PAIR_MS, 0);
		if (s == NULL)
			continue;
		if (!ok) {
			s->failures++;
			continue;
		}
		if (s->count > 0)
			s->count--;
		if (k == 0 && outcome == THROTTLE_OK)
			s->failures = 0;
	}
	if (outcome == THROTTLE_OK) {
		s = throttle_slot("k", user, addr, THROTTLE_KNOWN_MS, 1);
		s->count = 1;
		s->start_ms = throttle_ms();
	}
}
