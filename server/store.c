/*
 * store.c: the store's own settings a till and the paper need: its name
 * and its public address (where the public pages and donation traces
 * are), changed by a manager or an admin, audited. The server's
 * configuration may fix either (store_fix): then it is set at start-up,
 * and a change through the API is refused, so there is one source.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

/* Fixed by the configuration (store-name, public-address), or NULL. */
static const char *store_fixed_name, *store_fixed_address;

/* A name: 1..STORE_NAME_MAX bytes, no control character. */
static int
store_name_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > STORE_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

/* An address: "" (none) or http(s)://, printable ASCII without spaces,
 * quotes or angle brackets (it goes into pages and QR codes whole). */
int
store_address_ok(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0)
		return 1;
	if (n > STORE_ADDRESS_MAX ||
	    (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0))
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f || strchr("\"'<>\\`", s[i]))
			return 0;
	return s[n - 1] != '/' || n > 8;
}

int
store_get(struct db *db, struct store_info *out)
{
	memset(out, 0, sizeof(*out));
	if (db_setting_get(db, "store_name", out->name, sizeof(out->name)) !=
	        DB_OK ||
	    db_setting_get(db, "timezone", out->tz, sizeof(out->tz)) != DB_OK)
		return -1;
	/* Absent before migration 16 is as empty. */
	if (db_setting_get(db, "public_address", out->address,
	        sizeof(out->address)) == DB_ERR)
		return -1;
	return 0;
}

int
store_update(struct db *db, const struct actor *who, const char *name,
    const char *address, struct store_info *out, struct fault *f)
{
	char detail[64];

	if (name != NULL && !store_name_ok(name))
		return fault_field(f, FAULT_BAD, "bad_field", "name",
		    "name: 1 to %d bytes, no control characters",
		    STORE_NAME_MAX);
	if (address != NULL && !store_address_ok(address))
		return fault_field(f, FAULT_BAD, "bad_field", "public_address",
		    "public_address: \"\" or an http:// or https:// address "
		    "of at most %d bytes, without spaces, quotes or <>",
		    STORE_ADDRESS_MAX);
	if (name != NULL && store_fixed_name != NULL &&
	    strcmp(name, store_fixed_name) != 0)
		return fault_field(f, FAULT_CONFLICT, "set_in_config", "name",
		    "the store's name is set in the server's configuration "
		    "(store-name); change it there");
	if (address != NULL && store_fixed_address != NULL &&
	    strcmp(address, store_fixed_address) != 0)
		return fault_field(f, FAULT_CONFLICT, "set_in_config",
		    "public_address",
		    "the public address is set in the server's configuration "
		    "(public-address); change it there");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	snprintf(detail, sizeof(detail), "%s%s%s", name ? "name" : "",
	    name && address ? ", " : "", address ? "public_address" : "");
	if ((name != NULL && db_setting_set(db, "store_name", name) != DB_OK) ||
	    (address != NULL &&
	        db_setting_set(db, "public_address", address) != DB_OK) ||
	    auth_audit(db, who, "update", "store", 0, detail) != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	if (store_get(db, out) != 0)
		return fault_db(f, DB_ERR);
	return 0;
}

/* serve's store-name and public-address (NULL: not set): checked, written
 * if they differ from the store's (audited as the configuration's), and
 * fixed for the run (they must live as long). -1 with why. */
int
store_fix(struct db *db, const char *name, const char *address, char *why,
    size_t size)
{
	const char *fix_name = name, *fix_address = address;
	struct actor config;
	struct store_info cur;
	struct fault f;

	if (name != NULL && !store_name_ok(name)) {
		snprintf(why, size,
		    "store-name: 1 to %d bytes, no control characters",
		    STORE_NAME_MAX);
		return -1;
	}
	if (address != NULL && !store_address_ok(address)) {
		snprintf(why, size,
		    "public-address %s: an http:// or https:// address of at "
		    "most %d bytes, without spaces, quotes or <>",
		    address, STORE_ADDRESS_MAX);
		return -1;
	}
	store_fixed_name = store_fixed_address = NULL;
	if (store_get(db, &cur) != 0) {
		snprintf(why, size, "cannot read the store's settings");
		return -1;
	}
	if (name != NULL && strcmp(name, cur.name) == 0)
		name = NULL; /* as it is: nothing to write */
	if (address != NULL && strcmp(address, cur.address) == 0)
		address = NULL;
	memset(&config, 0, sizeof(config));
	snprintf(config.username, sizeof(config.username), "config");
	snprintf(config.origin, sizeof(config.origin), "server.conf");
	memset(&f, 0, sizeof(f));
	if ((name != NULL || address != NULL) &&
	    store_update(db, &config, name, address, &cur, &f) != 0) {
		snprintf(why, size, "the store's settings: %s", f.message);
		return -1;
	}
	store_fixed_name = fix_name;
	store_fixed_address = fix_address;
	return 0;
}
