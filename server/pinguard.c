/*
 * The throttle of the balance look-up (POST /public/balance): failed
 * tries counted by card and by address. After three, each further
 * failure closes the key for 1 s, doubling to an hour, so a 4-digit PIN
 * takes months to guess; a key forgets a day after its last failure. A
 * card is kept only as a keyed hash of it (nothing here names one).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "server.h"

#define PINGUARD_SLOTS      1024
#define PINGUARD_FORGET_MS  (24LL * 3600 * 1000)
#define PINGUARD_MAX_MS     (3600LL * 1000)
#define PINGUARD_FREE_TRIES 3

static struct {
	unsigned char key[crypto_shorthash_BYTES + 1]; /* kind, hash */
	int used, failures;
	int64_t last_ms, not_before_ms;
} pinguard_slots[PINGUARD_SLOTS];

static unsigned char pinguard_secret[crypto_shorthash_KEYBYTES];
static int pinguard_keyed;

static int64_t
pinguard_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
pinguard_key(char kind, const char *s, unsigned char *key)
{
	if (!pinguard_keyed) {
		crypto_shorthash_keygen(pinguard_secret);
		pinguard_keyed = 1;
	}
	key[0] = (unsigned char)kind;
	crypto_shorthash(
	    key + 1, (const unsigned char *)s, strlen(s), pinguard_secret);
}

/* The slot of a key, or -1; create: a free one, else the one failed
 * longest ago that is open (only when all are closed, a closed one). */
static int
pinguard_slot(const unsigned char *key, int create)
{
	int64_t now = pinguard_ms();
	int i, pick = -1;

	for (i = 0; i < PINGUARD_SLOTS; i++) {
		if (pinguard_slots[i].used &&
		    sodium_memcmp(pinguard_slots[i].key, key,
		        sizeof(pinguard_slots[i].key)) == 0) {
			if (now - pinguard_slots[i].last_ms >
			    PINGUARD_FORGET_MS)
				pinguard_slots[i].failures = 0;
			return i;
		}
		if (pick < 0 || !pinguard_slots[i].used ||
		    (pinguard_slots[pick].used &&
		        pinguard_slots[i].not_before_ms <= now &&
		        (pinguard_slots[pick].not_before_ms > now ||
		            pinguard_slots[i].last_ms <
		                pinguard_slots[pick].last_ms)))
			pick = i;
	}
	if (!create)
		return -1;
	memset(&pinguard_slots[pick], 0, sizeof(pinguard_slots[pick]));
	memcpy(pinguard_slots[pick].key, key, sizeof(pinguard_slots[0].key));
	pinguard_slots[pick].used = 1;
	return pick;
}

static int64_t
pinguard_backoff(int failures)
{
	if (failures < PINGUARD_FREE_TRIES)
		return 0;
	if (failures - PINGUARD_FREE_TRIES >= 12)
		return PINGUARD_MAX_MS;
	return 1000LL << (failures - PINGUARD_FREE_TRIES);
}

/* 0 when card may be tried from addr now; else how long until it may. */
int64_t
pinguard_wait(const char *card, const char *addr)
{
	unsigned char key[crypto_shorthash_BYTES + 1];
	int64_t now = pinguard_ms(), wait = 0;
	int i, k;

	for (k = 0; k < 2; k++) {
		pinguard_key(k ? 'a' : 'c', k ? addr : card, key);
		i = pinguard_slot(key, 0);
		if (i >= 0 && pinguard_slots[i].not_before_ms - now > wait)
			wait = pinguard_slots[i].not_before_ms - now;
	}
	return wait;
}

/* A try's outcome: a failure counts against both keys, a success
 * clears the card's (the address keeps its count: one address trying
 * many cards is what it is there for). */
void
pinguard_note(const char *card, const char *addr, int failed)
{
	unsigned char key[crypto_shorthash_BYTES + 1];
	int64_t now = pinguard_ms();
	int i, k, n;

	for (k = 0; k < 2; k++) {
		pinguard_key(k ? 'a' : 'c', k ? addr : card, key);
		if ((i = pinguard_slot(key, failed)) < 0)
			continue;
		if (!failed) {
			if (k == 0) {
				pinguard_slots[i].failures = 0;
				pinguard_slots[i].not_before_ms = 0;
			}
			continue;
		}
		n = ++pinguard_slots[i].failures;
		pinguard_slots[i].last_ms = now;
		pinguard_slots[i].not_before_ms = now + pinguard_backoff(n);
	}
}
