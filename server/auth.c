/*
 * Accounts: roles, argon2id password hashes, bearer sessions stored only
 * as hashes; log-ins go through the throttle of throttle.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "server.h"

#define AUTH_SESSION_SECS (12 * 3600)

static const char *const auth_roles[] = {
    "admin", "manager", "cashier", "auditor", NULL};

/* Every action the audit log records (docs/api.md lists them). */
static const char *const auth_actions[] = {"login", "login_failed", "create",
    "update", "adjust", "grant_monthly", "grant_oneoff", "distribute", "void",
    "expense", "publish", "reset_password", "change_password", "replace_card",
    "offline_conflict", "resolve", "end_sessions", "set_pin", NULL};

/* The hash an unknown user's password is checked against, so that a
 * wrong name costs as long as a wrong password. */
static char auth_dummy[crypto_pwhash_STRBYTES];

/* Keys the session cache's SipHash tags (auth_session). */
static unsigned char auth_tag_key[crypto_shorthash_KEYBYTES];

int
auth_init(void)
{
	if (sodium_init() < 0)
		return -1;
	crypto_shorthash_keygen(auth_tag_key);
	return 0;
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

/* Whether s is an action the audit log records. */
int
auth_action_valid(const char *s)
{
	int i;

	for (i = 0; auth_actions[i] != NULL; i++)
		if (strcmp(s, auth_actions[i]) == 0)
			return 1;
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
 * writer, so logging out here is the only way one ends early. An entry is
 * found by a keyed SipHash of its token (a tenth of SHA-256's cost, which
 * only a miss pays), then the token itself is compared in constant time.
 */
#define AUTH_CACHE 64
static struct {
	uint64_t tag;
	char token[AUTH_TOKEN_LEN];
	unsigned char hash[32];
	struct actor actor;
	int64_t expires;
} auth_cache[AUTH_CACHE];
static unsigned int auth_cache_next;

/* Drops user's cached sessions but keep's (NULL: all): the next request
 * of each reads its row again, and finds it ended or changed. */
static void
auth_forget(int64_t user, const unsigned char *keep)
{
	int i;

	for (i = 0; i < AUTH_CACHE; i++)
		if (auth_cache[i].actor.user_id == user &&
		    (keep == NULL ||
		        sodium_memcmp(auth_cache[i].hash, keep, 32) != 0))
			auth_cache[i].expires = 0;
}

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
	if (password_check(name, pw, "password", f) != 0)
		return -1;
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
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_user_insert(db, &u)) != DB_OK) {
		db_tx_rollback(db);
		if (rc == DB_CONFLICT)
			return fault_field(f, FAULT_CONFLICT, "conflict",
			    "username", "user %s exists already", name);
		return fault_db(f, rc);
	}
	if ((who != NULL &&
	        auth_audit(db, who, "create", "user", u.id, u.username) != 0) ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	*id = u.id;
	return 0;
}

/*
 * A log-in in three steps, the slow middle one off the event loop:
 * begin looks the user up (on the loop), check runs argon2id (on the
 * worker thread: it touches only the attempt), finish opens the session
 * or counts the failure (on the loop).
 */
int
auth_login_begin(struct db *db, struct auth_attempt *a, struct fault *f)
{
	int rc = db_user_by_name(db, a->user, &a->u);

	if (rc == DB_ERR)
		return fault_db(f, rc);
	a->known = rc == DB_OK;
	/* Made on first need: it costs what a log-in costs. */
	if (auth_dummy[0] == '\0' &&
	    auth_hash_password(
	        "not a password at all", auth_dummy, sizeof(auth_dummy)) != 0)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "out of memory checking the password");
	if (!a->known)
		memcpy(a->u.pwhash, auth_dummy, sizeof(auth_dummy));
	return 0;
}

void
auth_login_check(void *arg)
{
	struct auth_attempt *a = arg;

	/* A disabled user pays the same check, and fails as a wrong
	 * password does. */
	a->ok =
	    crypto_pwhash_str_verify(a->u.pwhash, a->pw, strlen(a->pw)) == 0 &&
	    a->known && !a->u.disabled;
	sodium_memzero(a->pw, sizeof(a->pw));
}

int
auth_login_finish(struct db *db, struct auth_attempt *a, char *token,
    int64_t *expires, struct fault *f)
{
	unsigned char raw[32], hash[32];
	struct db_user now;
	struct actor who;
	int rc = DB_OK;

	memset(&who, 0, sizeof(who));
	/* An unknown name may be a password typed in the wrong field: it is
	 * not kept. */
	if (a->known)
		snprintf(who.username, sizeof(who.username), "%s", a->user);
	snprintf(who.origin, sizeof(who.origin), "%s", a->addr);
	/* Disabled, or given another password, while the worker checked. */
	if (a->ok &&
	    ((rc = db_user_by_id(db, a->u.id, &now)) != DB_OK || now.disabled ||
	        strcmp(now.pwhash, a->u.pwhash) != 0)) {
		if (rc == DB_ERR)
			return fault_db(f, rc);
		a->ok = 0;
	}
	if (a->ok)
		a->u = now;
	sodium_memzero(&now, sizeof(now));
	throttle_result(
	    a->user, a->addr, a->ok ? THROTTLE_OK : THROTTLE_FAILED);
	if (!a->ok) {
		auth_audit(db, &who, "login_failed", "session", 0,
		    a->known ? "" : "unknown user name");
		return fault_set(f, FAULT_UNAUTH, "unauthenticated",
		    "wrong user name or password");
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw));
	crypto_hash_sha256(hash, (const unsigned char *)token, AUTH_TOKEN_LEN);
	*expires = clock_now() + AUTH_SESSION_SECS;
	who.user_id = a->u.id;
	who.role = auth_role_parse(a->u.role);
	/* The session and its audit row, or neither. */
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_session_insert(
	         db, hash, a->u.id, clock_now(), *expires)) != DB_OK ||
	    (rc = auth_audit(db, &who, "login", "session", 0, "")) != 0 ||
	    (rc = db_tx_commit(db)) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, rc == DB_CONFLICT ? rc : DB_ERR);
	}
	return 0;
}

/* Whether token has a token's shape; if so and hash is not NULL, its
 * SHA-256 (what the database keeps) into hash. */
static int
auth_token_hash(const char *token, unsigned char *hash)
{
	size_t i;

	if (strlen(token) != AUTH_TOKEN_LEN)
		return -1;
	for (i = 0; i < AUTH_TOKEN_LEN; i++)
		if (!isxdigit((unsigned char)token[i]))
			return -1;
	if (hash != NULL)
		crypto_hash_sha256(
		    hash, (const unsigned char *)token, AUTH_TOKEN_LEN);
	return 0;
}

/* Fills who from a live session's token; -1 when there is none. */
int
auth_session(struct db *db, const char *token, struct actor *who)
{
	unsigned char hash[32], tag[crypto_shorthash_BYTES];
	struct db_user u;
	int64_t expires, now = clock_now();
	uint64_t t;
	int i;

	if (auth_token_hash(token, NULL) != 0)
		return -1;
	crypto_shorthash(
	    tag, (const unsigned char *)token, AUTH_TOKEN_LEN, auth_tag_key);
	memcpy(&t, tag, sizeof(t));
	for (i = 0; i < AUTH_CACHE; i++)
		if (auth_cache[i].expires > now && auth_cache[i].tag == t &&
		    sodium_memcmp(auth_cache[i].token, token, AUTH_TOKEN_LEN) ==
		        0) {
			who->user_id = auth_cache[i].actor.user_id;
			who->role = auth_cache[i].actor.role;
			memcpy(who->username, auth_cache[i].actor.username,
			    sizeof(who->username));
			memcpy(who->display_name,
			    auth_cache[i].actor.display_name,
			    sizeof(who->display_name));
			return 0;
		}
	auth_token_hash(token, hash);
	if (db_session_user(db, hash, now, &u, &expires) != DB_OK)
		return -1;
	who->user_id = u.id;
	who->role = auth_role_parse(u.role);
	memcpy(who->username, u.username, sizeof(who->username));
	memcpy(who->display_name, u.display_name, sizeof(who->display_name));
	i = auth_cache_next++ % AUTH_CACHE;
	auth_cache[i].tag = t;
	memcpy(auth_cache[i].token, token, AUTH_TOKEN_LEN);
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

/* What an update changed, for the audit: "role cashier->manager; ...". */
static void
auth_user_detail(
    const struct db_user *old, const struct db_user *u, char *out, size_t size)
{
	size_t n = 0;

	out[0] = '\0';
	if (strcmp(old->role, u->role) != 0)
		n += (size_t)snprintf(
		    out, size, "role %s->%s", old->role, u->role);
	if (old->disabled != u->disabled && n < size)
		n += (size_t)snprintf(out + n, size - n, "%sdisabled %s",
		    n ? "; " : "", u->disabled ? "false->true" : "true->false");
	if (strcmp(old->display_name, u->display_name) != 0 && n < size)
		snprintf(out + n, size - n, "%sdisplay_name", n ? "; " : "");
}

/*
 * Changes a user's role, display name or disabled flag (c's fields that
 * are set); u gets the user as written. Disabling or a new role ends the
 * user's sessions: a client holding one learned the old role at log-in.
 * The last admin who is not disabled stays so.
 */
int
auth_user_update(struct db *db, const struct actor *who, int64_t id,
    const struct auth_user_change *c, struct db_user *u, struct fault *f)
{
	struct db_user old;
	char detail[160];
	int64_t admins;
	int rc, ends;

	if (c->role != 0 && auth_role_name(c->role)[0] == 'n')
		return fault_field(
		    f, FAULT_BAD, "bad_field", "role", "unknown role");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_user_by_id(db, id, &old)) != DB_OK) {
		db_tx_rollback(db);
		if (rc == DB_NONE)
			return fault_set(
			    f, FAULT_NOT_FOUND, "not_found", "no such user");
		return fault_db(f, rc);
	}
	*u = old;
	if (c->role != 0)
		snprintf(
		    u->role, sizeof(u->role), "%s", auth_role_name(c->role));
	if (c->display_name[0] != '\0')
		snprintf(u->display_name, sizeof(u->display_name), "%s",
		    c->display_name);
	if (c->disabled >= 0)
		u->disabled = c->disabled;
	if (strcmp(old.role, "admin") == 0 && !old.disabled &&
	    (strcmp(u->role, "admin") != 0 || u->disabled)) {
		if (db_user_admins(db, &admins) != DB_OK)
			goto fail;
		if (admins <= 1) {
			db_tx_rollback(db);
			fault_field(f, FAULT_RULE, "last_admin",
			    u->disabled ? "disabled" : "role",
			    "%s is the last active administrator; make "
			    "another one first",
			    old.username);
			sodium_memzero(&old, sizeof(old));
			sodium_memzero(u->pwhash, sizeof(u->pwhash));
			return -1;
		}
	}
	ends = strcmp(old.role, u->role) != 0 || (u->disabled && !old.disabled);
	auth_user_detail(&old, u, detail, sizeof(detail));
	if (db_user_update(db, u) != DB_OK ||
	    (ends && db_session_revoke_user(db, id, NULL) != DB_OK) ||
	    auth_audit(db, who, "update", "user", id, detail) != 0 ||
	    db_tx_commit(db) != DB_OK)
		goto fail;
	/* The cache holds the name and role too: every entry goes. */
	auth_forget(id, NULL);
	sodium_memzero(&old, sizeof(old));
	sodium_memzero(u->pwhash, sizeof(u->pwhash));
	return 0;
fail:
	db_tx_rollback(db);
	sodium_memzero(&old, sizeof(old));
	sodium_memzero(u->pwhash, sizeof(u->pwhash));
	return fault_db(f, DB_ERR);
}

/*
 * A new password, in three steps as a log-in: begin checks it and reads
 * the user (on the loop), work checks the current password of a change
 * and hashes the new one (on the worker), finish writes it (on the loop).
 */
int
auth_password_begin(struct db *db, struct auth_newpw *p, struct fault *f)
{
	int rc;

	if ((rc = db_user_by_id(db, p->user_id, &p->a.u)) == DB_NONE)
		return fault_set(
		    f, FAULT_NOT_FOUND, "not_found", "no such user");
	if (rc != DB_OK)
		return fault_db(f, rc);
	if (password_check(p->a.u.username, p->pw,
	        p->change ? "new_password" : "password", f) != 0) {
		sodium_memzero(p->a.u.pwhash, sizeof(p->a.u.pwhash));
		return -1;
	}
	p->a.known = 1;
	return 0;
}

void
auth_password_work(void *arg)
{
	struct auth_newpw *p = arg;

	if (p->change)
		auth_login_check(&p->a);
	else
		p->a.ok = 1;
	if (p->a.ok)
		p->hashed =
		    auth_hash_password(p->pw, p->hash, sizeof(p->hash)) == 0;
	sodium_memzero(p->pw, sizeof(p->pw));
}

/*
 * Writes the new password and ends the user's sessions: all of them
 * after a reset, all but the one of token after a change (whose wrong
 * current password counts as a failed log-in, and changes nothing).
 */
int
auth_password_finish(struct db *db, const struct actor *who,
    struct auth_newpw *p, const char *token, struct fault *f)
{
	unsigned char keep[32];
	struct db_user now;
	int rc = DB_OK;

	if (p->change) {
		throttle_result(p->a.user, p->a.addr,
		    p->a.ok ? THROTTLE_OK : THROTTLE_FAILED);
		if (!p->a.ok) {
			auth_audit(db, who, "login_failed", "user", p->user_id,
			    "change_password");
			return fault_field(f, FAULT_RULE, "wrong_password",
			    "current_password",
			    "the current password is wrong");
		}
		if (auth_token_hash(token, keep) != 0)
			return fault_set(
			    f, FAULT_UNAUTH, "unauthenticated", "log in first");
	}
	if (!p->hashed)
		return fault_set(f, FAULT_INTERNAL, "internal",
		    "out of memory hashing the password");
	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	/* Another password set meanwhile: the one checked is gone (or the
	 * user disabled: a change is theirs, a reset the admin's). */
	if ((rc = db_user_by_id(db, p->user_id, &now)) == DB_OK && p->change &&
	    (strcmp(now.pwhash, p->a.u.pwhash) != 0 || now.disabled)) {
		db_tx_rollback(db);
		sodium_memzero(&now, sizeof(now));
		return fault_field(f, FAULT_RULE, "wrong_password",
		    "current_password",
		    "the password was changed meanwhile; log in again");
	}
	sodium_memzero(&now, sizeof(now));
	if (rc != DB_OK ||
	    db_user_set_password(db, p->user_id, p->hash) != DB_OK ||
	    db_session_revoke_user(db, p->user_id, p->change ? keep : NULL) !=
	        DB_OK ||
	    auth_audit(db, who,
	        p->change ? "change_password" : "reset_password", "user",
	        p->user_id, "") != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	auth_forget(p->user_id, p->change ? keep : NULL);
	return 0;
}

/* An admin ends every session of user id (its tokens get 401 at once). */
int
auth_sessions_end(
    struct db *db, const struct actor *who, int64_t id, struct fault *f)
{
	struct db_user u;
	int rc;

	if (db_tx_begin(db) != DB_OK)
		return fault_db(f, DB_ERR);
	if ((rc = db_user_by_id(db, id, &u)) != DB_OK) {
		db_tx_rollback(db);
		sodium_memzero(&u, sizeof(u));
		if (rc == DB_NONE)
			return fault_set(
			    f, FAULT_NOT_FOUND, "not_found", "no such user");
		return fault_db(f, rc);
	}
	sodium_memzero(&u, sizeof(u));
	if (db_session_revoke_user(db, id, NULL) != DB_OK ||
	    auth_audit(db, who, "end_sessions", "user", id, "") != 0 ||
	    db_tx_commit(db) != DB_OK) {
		db_tx_rollback(db);
		return fault_db(f, DB_ERR);
	}
	auth_forget(id, NULL);
	return 0;
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
