/*
 * A household's PIN, for its own balance at /me: 4 to 8 digits, set by a
 * manager, kept as an argon2id hash. Setting and checking run argon2id
 * off the event loop: begin (on the loop), work (on the worker thread,
 * on the struct only), finish (on the loop). A wrong card, a card with no
 * PIN and a wrong PIN cost the same check and fail alike.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

/* The hash an unknown card's PIN is checked against. */
static char pin_dummy[crypto_pwhash_STRBYTES];

int
pin_valid(const char *pin)
{
	size_t n = strlen(pin), i;

	if (n < PIN_MIN || n > PIN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

int
pin_set_begin(struct db *db, struct pin_set *p, struct fault *f)
{
	struct db_household h;
	int rc;

	if (!pin_valid(p->pin))
		return fault_field(f, FAULT_BAD, "bad_field", "pin",
		    "pin must be 4 to 8 digits");
	if ((rc = db_household_by_id(db, p->household_id, &h)) == DB_NONE)
		return fault_set(f, FAULT_NOT_FOUND, "not_found",
		    "no household %lld", (long long)p->household_id);
	return rc == DB_OK ? 0 : fault_db(f, rc);
}

void
pin_set_work(void *arg)
{
	struct pin_set *p = arg;

	p->hashed = auth_hash_password(p->pin, p->hash, sizeof(p->hash)) == 0;
	sodium_memzero(p->pin, sizeof(p->pin));
}

int
pin_set_finish(
    struct db *db, const struct actor *who, struct pin_set *p, struct fault *f)
{
	p->set_at = clock_now();
	if (!p->hashed)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "out of memory hashing the pin");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if (db_pin_set(db, p->household_id, p->hash, p->set_at, who->user_id) !=
	        DB_OK ||
	    auth_audit(db, who, "set_pin", "household", p->household_id, "") !=
	        0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	return 0;
}

/* The card's household and PIN hash, or the dummy to check against. */
int
pin_check_begin(struct db *db, struct pin_check *c, struct fault *f)
{
	int rc = strlen(c->card) > 32
	    ? DB_NONE
	    : db_household_by_card(db, c->card, &c->h);

	if (rc == DB_ERR)
		return fault_db(f, rc);
	c->known = rc == DB_OK;
	if (c->known &&
	    (rc = db_pin_get(db, c->h.id, c->hash, sizeof(c->hash))) != DB_OK) {
		if (rc == DB_ERR)
			return fault_db(f, rc);
		c->known = 0;
	}
	if (pin_dummy[0] == '\0' &&
	    auth_hash_password("00000000", pin_dummy, sizeof(pin_dummy)) != 0)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "out of memory checking the pin");
	if (!c->known)
		memcpy(c->hash, pin_dummy, sizeof(pin_dummy));
	return 0;
}

void
pin_check_work(void *arg)
{
	struct pin_check *c = arg;

	c->ok =
	    crypto_pwhash_str_verify(c->hash, c->pin, strlen(c->pin)) == 0 &&
	    c->known;
	sodium_memzero(c->pin, sizeof(c->pin));
}

/* Counts the try; 1 when the PIN was the card's, 0 when not. */
int
pin_check_finish(struct pin_check *c)
{
	pinguard_note(c->card, c->addr, !c->ok);
	return c->ok;
}
