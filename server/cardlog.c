/*
 * Card look-ups: a household found by its card shows a masked name, a
 * phone, its category and balance, so each look-up is recorded (who,
 * when, a keyed hash of the card: the card itself is who a household is)
 * and each user may make at most 60 a minute; more are refused. An
 * auditor sees who looked up how many cards in a period.
 */
#include <string.h>
#include <time.h>

#include "server.h"

#define CARDLOG_MAX    60    /* look-ups per user and window, by default */
#define CARDLOG_WINDOW 60000 /* ms */
#define CARDLOG_USERS  256

static struct {
	int64_t user;
	int64_t start_ms;
	int count;
} cardlog_slots[CARDLOG_USERS];

static int cardlog_max = CARDLOG_MAX;

/* serve --card-lookups N: another limit a minute. */
void
cardlog_set_max(int n)
{
	cardlog_max = n > 0 ? n : CARDLOG_MAX;
}

static int64_t
cardlog_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + 1;
}

/* 0 when user may look a card up now (counted), else the ms until then. */
int64_t
cardlog_take(int64_t user)
{
	int64_t now = cardlog_ms();
	int i, pick = 0;

	for (i = 0; i < CARDLOG_USERS; i++) {
		if (cardlog_slots[i].user == user)
			break;
		if (cardlog_slots[i].start_ms < cardlog_slots[pick].start_ms)
			pick = i;
	}
	if (i == CARDLOG_USERS) {
		i = pick;
		cardlog_slots[i].user = user;
		cardlog_slots[i].start_ms = now;
		cardlog_slots[i].count = 0;
	}
	if (now - cardlog_slots[i].start_ms >= CARDLOG_WINDOW) {
		cardlog_slots[i].start_ms = now;
		cardlog_slots[i].count = 0;
	}
	if (cardlog_slots[i].count >= cardlog_max)
		return cardlog_slots[i].start_ms + CARDLOG_WINDOW - now;
	cardlog_slots[i].count++;
	return 0;
}

/* Records who looked card up, and whether a household had it. */
int
cardlog_record(struct db *db, const struct actor *who, const char *card,
    int found, struct fault *f)
{
	unsigned char hash[32];

	household_card_hash(card, hash);
	if (db_cardlog_insert(db, clock_now(), who->user_id, hash, found) !=
	    DB_OK)
		return fault_db(f, DB_ERR);
	return 0;
}
