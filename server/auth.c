/*
 * Accounts: roles, argon2id password hashes, bearer sessions stored only
 * as hashes, and a throttle that slows repeated failed log-ins per user
 * and per address.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

#define AUTH_SESSION_SECS (12 * 3600)
#define AUTH_SLOTS        256
#define AUTH_FORGET_SECS  900

static const char *const auth_roles[] = {
    "admin", "manager", "cashier", "auditor", NULL};

/* Failed log-ins by "u:name" and "a:address"; oldest slot is reused. */
static struct {
	char key[DB_SHORT_MAX + 2];
	int failures;
	time_t last;
} auth_slots[AUTH_SLOTS];

int
auth_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int
auth_role_parse(const char *s)
{
	int i;

	for (i = 0; auth_roles[i] != NULL; i++)
		if (strcmp(s, auth_roles[i]) == 0)
			return 1 << i;
	return 0;
}

const char *
auth_role_name(int role)
{
	int i;

	for (i = 0; auth_roles[i] != NULL; i++)
		if (role == 1 << i)
			return auth_roles[i];
	return "none";
}

int
auth_hash_password(const char *pw, char *out, size_t size)
{
	if (size < crypto_pwhash_STRBYTES)
		return -1;
	return crypto_pwhash_str(out, pw, strlen(pw),
	    crypto_pwhash_OPSLIMIT_INTERACTIVE,
	    crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

/*
 * Live sessions already looked up: the server is this database's only
 * writer, so logging out here is the only way one ends early.
 */
#define AUTH_CACHE 64
static struct {
	unsigned char hash[32];
	struct actor actor;
	int64_t expires;
} auth_cache[AUTH_CACHE];
static unsigned int auth_cache_next;

static int
auth_username_valid(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n >= 32)
		return 0;
	for (i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) &&
		    !isdigit((unsigned char)s[i]) &&
		    strchr("._-", s[i]) == NULL)
			return 0;
	return 1;
}

int
auth_user_create(struct db *db, const struct actor *who, const char *name,
    const char *pw, const char *display, int role, int64_t *id, struct fault *f)
{
	struct db_user u;
	int rc;

	if (!auth_username_valid(name))
		return fault_field(f, FAULT_BAD, "bad_field", "username",
		    "username: 1 to 31 of a-z, 0-9, '.', '_', '-'");
	if (strlen(pw) < 8 || strlen(pw) > 128)
		return fault_field(f, FAULT_BAD, "bad_field", "password",
		    "password: 8 to 128 characters");
	if (auth_role_name(role)[0] == 'n')
		return fault_field(
		    f, FAULT_BAD, "bad_field", "role", "unknown role");
	memset(&u, 0, sizeof(u));
	snprintf(u.username, sizeof(u.username), "%s", name);
	snprintf(u.display_name, sizeof(u.display_name), "%s", display);
	snprintf(u.role, sizeof(u.role), "%s", auth_role_name(role));
	u.created_at = clock_now();
	if (auth_hash_password(pw, u.pwhash, sizeof(u.pwhash)) != 0)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "out of memory hashing the password");
	if (db_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_user_insert(db, &u)) != DB_OK) {
		db_rollback(db);
		if (rc == DB_CONFLICT)
			return fault_field(f, FAULT_CONFLICT, "conflict",
			    "username", "user %s exists already", name);
		return fault_db(f, rc);
	}
	if ((who != NULL &&
	        auth_audit(db, who, "create", "user", u.id, u.username) != 0) ||
	    db_commit(db) != DB_OK) {
		db_rollback(db);
		return fault_db(f, DB_ERR);
	}
	*id = u.id;
	return 0;
}

static int
auth_slot(const char *kind, const char *key, int create)
{
	char k[sizeof(auth_slots[0].key)];
	time_t now = clock_now();
	int i, oldest = 0;

	snprintf(k, sizeof(k), "%s:%s", kind, key);
	for (i = 0; i < AUTH_SLOTS; i++) {
		if (strcmp(auth_slots[i].key, k) == 0) {
			if (now - auth_slots[i].last > AUTH_FORGET_SECS)
				auth_slots[i].failures = 0;
			return i;
		}
		if (auth_slots[i].last < auth_slots[oldest].last)
			oldest = i;
	}
	if (!create)
		return -1;
	memset(&auth_slots[oldest], 0, sizeof(auth_slots[oldest]));
	snprintf(auth_slots[oldest].key, sizeof(k), "%s", k);
	auth_slots[oldest].last = now;
	return oldest;
}

/* Three free tries, then 250 ms doubling to 10 s per further failure. */
static int64_t
auth_delay(const char *user, const char *addr)
{
	int64_t d = 0, x;
	int i, k, f;

	for (k = 0; k < 2; k++) {
		i = auth_slot(k ? "a" : "u", k ? addr : user, 0);
		if (i < 0 || (f = auth_slots[i].failures) < 3)
			continue;
		x = f - 3 > 6 ? 10000 : 250LL << (f - 3);
		if (x > 10000)
			x = 10000;
		if (x > d)
			d = x;
	}
	return d;
}

static void
auth_failed(const char *user, const char *addr, int reset)
{
	int i, k;

	for (k = 0; k < 2; k++) {
		i = auth_slot(k ? "a" : "u", k ? addr : user, !reset);
		if (i < 0)
			continue;
		auth_slots[i].failures = reset ? 0 : auth_slots[i].failures + 1;
		auth_slots[i].last = clock_now();
	}
}

/*
 * Checks the password and opens a session. *delay is how long the reply
 * should wait, failed or not: the throttle applies to every attempt.
 */
int
auth_login(struct db *db, const char *user, const char *pw, const char *addr,
    char *token, struct db_user *u, int64_t *expires, int64_t *delay,
    struct fault *f)
{
	unsigned char raw[32], hash[32];
	struct actor who;
	int rc;

	*delay = auth_delay(user, addr);
	rc = db_user_by_name(db, user, u);
	if (rc == DB_ERR)
		return fault_db(f, rc);
	if (rc == DB_NONE ||
	    crypto_pwhash_str_verify(u->pwhash, pw, strlen(pw)) != 0) {
		auth_failed(user, addr, 0);
		memset(&who, 0, sizeof(who));
		snprintf(who.username, sizeof(who.username), "%s", user);
		snprintf(who.origin, sizeof(who.origin), "%s", addr);
		auth_audit(db, &who, "login_failed", "session", 0, "");
		return fault_set(f, FAULT_UNAUTH, "unauthenticated",
		    "wrong user name or password");
	}
	auth_failed(user, addr, 1);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw));
	crypto_hash_sha256(hash, (const unsigned char *)token, AUTH_TOKEN_LEN);
	*expires = clock_now() + AUTH_SESSION_SECS;
	if ((rc = db_session_insert(db, hash, u->id, clock_now(), *expires)) !=
	    DB_OK)
		return fault_db(f, rc);
	memset(&who, 0, sizeof(who));
	who.user_id = u->id;
	who.role = auth_role_parse(u->role);
	snprintf(who.username, sizeof(who.username), "%s", u->username);
	snprintf(who.origin, sizeof(who.origin), "%s", addr);
	auth_audit(db, &who, "login", "session", 0, "");
	return 0;
}

static int
auth_token_hash(const char *token, unsigned char *hash)
{
	size_t i;

	if (strlen(token) != AUTH_TOKEN_LEN)
		return -1;
	for (i = 0; i < AUTH_TOKEN_LEN; i++)
		if (!isxdigit((unsigned char)token[i]))
			return -1;
	crypto_hash_sha256(hash, (const unsigned char *)token, AUTH_TOKEN_LEN);
	return 0;
}

/* Fills who from a live session's token; -1 when there is none. */
int
auth_session(struct db *db, const char *token, struct actor *who)
{
	unsigned char hash[32];
	struct db_user u;
	int64_t expires, now = clock_now();
	int i;

	if (auth_token_hash(token, hash) != 0)
		return -1;
	for (i = 0; i < AUTH_CACHE; i++)
		if (auth_cache[i].expires > now &&
		    sodium_memcmp(auth_cache[i].hash, hash, 32) == 0) {
			who->user_id = auth_cache[i].actor.user_id;
			who->role = auth_cache[i].actor.role;
			memcpy(who->username, auth_cache[i].actor.username,
			    sizeof(who->username));
			memcpy(who->display_name,
			    auth_cache[i].actor.display_name,
			    sizeof(who->display_name));
			return 0;
		}
	if (db_session_user(db, hash, now, &u, &expires) != DB_OK)
		return -1;
	who->user_id = u.id;
	who->role = auth_role_parse(u.role);
	memcpy(who->username, u.username, sizeof(who->username));
	memcpy(who->display_name, u.display_name, sizeof(who->display_name));
	i = auth_cache_next++ % AUTH_CACHE;
	memcpy(auth_cache[i].hash, hash, 32);
	memcpy(&auth_cache[i].actor, who, sizeof(*who));
	auth_cache[i].expires = expires;
	return 0;
}

int
auth_logout(struct db *db, const char *token)
{
	unsigned char hash[32];
	int i;

	if (auth_token_hash(token, hash) != 0)
		return -1;
	for (i = 0; i < AUTH_CACHE; i++)
		if (sodium_memcmp(auth_cache[i].hash, hash, 32) == 0)
			auth_cache[i].expires = 0;
	return db_session_revoke(db, hash) == DB_OK ? 0 : -1;
}

/* One audit row; callers inside a transaction get it in the same one. */
int
auth_audit(struct db *db, const struct actor *who, const char *action,
    const char *entity, int64_t id, const char *detail)
{
	struct db_audit a;

	memset(&a, 0, sizeof(a));
	a.at = clock_now();
	a.user_id = who->user_id;
	snprintf(a.username, sizeof(a.username), "%s",
	    who->username[0] ? who->username : "-");
	snprintf(a.role, sizeof(a.role), "%s", auth_role_name(who->role));
	snprintf(a.origin, sizeof(a.origin), "%s",
	    who->origin[0] ? who->origin : "local");
	snprintf(a.action, sizeof(a.action), "%s", action);
	snprintf(a.entity, sizeof(a.entity), "%s", entity);
	a.entity_id = id;
	snprintf(a.detail, sizeof(a.detail), "%s", detail);
	if (db_audit_insert(db, &a) != DB_OK) {
		log_warnx("audit: could not record %s %s", action, entity);
		return -1;
	}
	return 0;
}
