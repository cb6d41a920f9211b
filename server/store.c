/*
 * store.c: the store's own settings a till and the paper need: its name
 * and its public address (where the public pages and donation traces
 * are), changed by a manager or an admin, audited.
 */
#include <stdio.h>
#include <string.h>

#include "server.h"

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
