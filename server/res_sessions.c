/* /api/v1/sessions: log in and out, and change one's own password. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

static void
res_sessions_free(struct auth_attempt *a)
{
	if (a == NULL)
		return;
	sodium_memzero(a, sizeof(*a));
	free(a);
}

/* Back on the loop once the worker has checked the password. */
static void
res_sessions_checked(struct req *r, void *arg)
{
	struct auth_attempt *a = arg;
	struct fault f;
	cJSON *o;
	char token[AUTH_TOKEN_LEN + 1];
	int64_t expires;

	memset(&f, 0, sizeof(f));
	if (auth_login_finish(http_db(r), a, token, &expires, &f) != 0) {
		http_fault(r, &f);
		goto out;
	}
	o = json_new();
	json_add_str(o, "token", token);
	json_add_str(o, "role", a->u.role);
	json_add_time(o, "expires_at", (time_t)expires);
	json_add_int(o, "user_id", a->u.id);
	json_add_str(o, "username", a->u.username);
	json_add_str(o, "display_name", a->u.display_name);
	http_reply(r, 201, o);
	sodium_memzero(token, sizeof(token));
out:
	res_sessions_free(a);
}

void
res_sessions_create(struct req *r)
{
	struct auth_attempt *a;
	struct fault f;
	const cJSON *b;
	int64_t wait;
	int lane;

	memset(&f, 0, sizeof(f));
	if ((a = calloc(1, sizeof(*a))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "username", 1, 63, a->user, sizeof(a->user), &f) < 0 ||
	    json_str(b, "password", 1, 128, a->pw, sizeof(a->pw), &f) < 0) {
		http_fault(r, &f);
		goto out;
	}
	snprintf(a->addr, sizeof(a->addr), "%s", http_peer(r));
	/* Counted before the check: past the throttle, the password is not
	 * looked at. */
	lane = throttle_known(a->user, a->addr) ? WORKER_KNOWN : WORKER_LOGIN;
	if ((wait = throttle_take(a->user, a->addr)) > 0) {
		http_throttled(
		    r, wait, "too many log-ins; try again after Retry-After");
		goto out;
	}
	if (auth_login_begin(http_db(r), a, &f) != 0) {
		throttle_result(a->user, a->addr, THROTTLE_NOT_RUN);
		http_fault(r, &f);
		goto out;
	}
	if (http_offload(r, lane, auth_login_check, res_sessions_checked, a) !=
	    0) {
		throttle_result(a->user, a->addr, THROTTLE_NOT_RUN);
		http_throttled(r, 1000, "too many log-ins at once; retry");
		goto out;
	}
	return; /* res_sessions_checked answers and frees */
out:
	res_sessions_free(a);
}

void
res_sessions_delete(struct req *r)
{
	struct fault f;

	/* Not ended (the storage failed): the token stays good, say so. */
	if (auth_logout(http_db(r), http_token(r)) != 0) {
		fault_db(&f, DB_ERR);
		http_fault(r, &f);
		return;
	}
	http_reply_text(r, 204, "application/json", "", 0);
}

static void
res_sessions_newpw_free(struct auth_newpw *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, sizeof(*p));
	free(p);
}

/* Back on the loop once the worker has checked the current password and
 * hashed the new one. */
static void
res_sessions_changed(struct req *r, void *arg)
{
	struct auth_newpw *p = arg;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (auth_password_finish(
	        http_db(r), http_actor(r), p, http_token(r), &f) != 0)
		http_fault(r, &f);
	else
		http_reply_text(r, 204, "application/json", "", 0);
	res_sessions_newpw_free(p);
}

/*
 * One's own password: the current one is checked as a log-in's, under the
 * same throttle; a wrong one leaves the session as it was.
 */
void
res_sessions_password(struct req *r)
{
	const struct actor *who = http_actor(r);
	struct auth_newpw *p;
	struct fault f;
	const cJSON *b;
	int64_t wait;

	memset(&f, 0, sizeof(f));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		log_fatalx("out of memory");
	p->change = 1;
	p->user_id = who->user_id;
	snprintf(p->a.user, sizeof(p->a.user), "%s", who->username);
	snprintf(p->a.addr, sizeof(p->a.addr), "%s", http_peer(r));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "current_password", 1, 128, p->a.pw, sizeof(p->a.pw),
	        &f) < 0 ||
	    json_str(b, "new_password", 1, 128, p->pw, sizeof(p->pw), &f) < 0) {
		http_fault(r, &f);
		goto out;
	}
	if (auth_password_begin(http_db(r), p, &f) != 0) {
		http_fault(r, &f);
		goto out;
	}
	/* Past the throttle: refused, the password unread. */
	if ((wait = throttle_take(p->a.user, p->a.addr)) > 0) {
		http_throttled(r, wait,
		    "too many wrong passwords; try again after Retry-After");
		goto out;
	}
	if (http_offload(r, WORKER_STAFF, auth_password_work,
	        res_sessions_changed, p) != 0) {
		throttle_result(p->a.user, p->a.addr, THROTTLE_NOT_RUN);
		http_throttled(r, 1000, "too many passwords at once; retry");
		goto out;
	}
	return; /* res_sessions_changed answers and frees */
out:
	res_sessions_newpw_free(p);
}
