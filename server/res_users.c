/* /api/v1/users: the administrator adds, lists and manages staff. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

static const char *const res_users_roles[] = {
    "admin", "manager", "cashier", "auditor", NULL};

void
res_users_create(struct req *r)
{
	struct fault f;
	const cJSON *b;
	cJSON *o;
	char user[DB_SHORT_MAX], pw[160], name[DB_NAME_MAX];
	int64_t id;
	int role;

	memset(&f, 0, sizeof(f));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "username", 1, 31, user, sizeof(user), &f) < 0 ||
	    json_str(b, "password", 1, 128, pw, sizeof(pw), &f) < 0 ||
	    json_enum(b, "role", 1, res_users_roles, &role, &f) < 0 ||
	    json_str(b, "display_name", 1, 100, name, sizeof(name), &f) < 0 ||
	    auth_user_create(http_db(r), http_actor(r), user, pw, name,
	        1 << role, &id, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	o = json_new();
	json_add_int(o, "id", id);
	json_add_str(o, "username", user);
	json_add_str(o, "role", res_users_roles[role]);
	json_add_str(o, "display_name", name);
	http_reply(r, 201, o);
}

/* A user as the administrator sees one: never its password hash. */
static cJSON *
res_users_json(const struct db_user *u, int last_login)
{
	cJSON *o = json_new();

	json_add_int(o, "id", u->id);
	json_add_str(o, "username", u->username);
	json_add_str(o, "display_name", u->display_name);
	json_add_str(o, "role", u->role);
	json_add_bool(o, "disabled", u->disabled);
	json_add_time(o, "created_at", (time_t)u->created_at);
	if (last_login) {
		if (u->last_login_at > 0)
			json_add_time(
			    o, "last_login_at", (time_t)u->last_login_at);
		else
			cJSON_AddNullToObject(o, "last_login_at");
	}
	return o;
}

static int
res_users_row(const void *row, void *arg)
{
	const struct db_user *u = row;

	http_list_add(arg, res_users_json(u, 1), u->id);
	return 0;
}

void
res_users_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0 ||
	    db_user_list(http_db(r), l.after, l.limit, res_users_row, &l) !=
	        DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}

/* Only these change here: a name is for good, a password has its own
 * path. */
static int
res_users_mutable(const cJSON *b, struct fault *f)
{
	static const char *const keys[] = {
	    "role", "display_name", "disabled", NULL};
	int n;

	n = json_only(b, keys,
	    "only role, display_name and disabled change here "
	    "(a password: POST /api/v1/users/{id}/password)",
	    f);
	if (n < 0)
		return -1;
	if (n == 0)
		return fault_set(f, FAULT_BAD, "missing_field",
		    "give at least one of role, display_name, disabled");
	return 0;
}

void
res_users_patch(struct req *r)
{
	struct auth_user_change c;
	struct db_user u;
	struct fault f;
	const cJSON *b;
	int64_t id;
	int role = -1;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	c.disabled = -1;
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such user");
		return;
	}
	if ((b = http_body(r, &f)) == NULL || res_users_mutable(b, &f) < 0 ||
	    json_enum(b, "role", 0, res_users_roles, &role, &f) < 0 ||
	    json_str(b, "display_name", 0, 100, c.display_name,
	        sizeof(c.display_name), &f) < 0 ||
	    json_bool(b, "disabled", 0, &c.disabled, &f) < 0) {
		http_fault(r, &f);
		return;
	}
	c.role = role >= 0 ? 1 << role : 0;
	if (auth_user_update(http_db(r), http_actor(r), id, &c, &u, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 200, res_users_json(&u, 0));
}

static void
res_users_newpw_free(struct auth_newpw *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, sizeof(*p));
	free(p);
}

/* Back on the loop once the worker has hashed the new password. */
static void
res_users_hashed(struct req *r, void *arg)
{
	struct auth_newpw *p = arg;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (auth_password_finish(http_db(r), http_actor(r), p, NULL, &f) != 0)
		http_fault(r, &f);
	else
		http_reply_text(r, 204, "application/json", "", 0);
	res_users_newpw_free(p);
}

void
res_users_password(struct req *r)
{
	struct auth_newpw *p;
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	if ((p = calloc(1, sizeof(*p))) == NULL)
		log_fatalx("out of memory");
	if (http_id_arg(r, 0, &p->user_id) != 0) {
		http_error(r, 404, "not_found", "no such user");
		goto out;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "password", 1, 128, p->pw, sizeof(p->pw), &f) < 0 ||
	    auth_password_begin(http_db(r), p, &f) != 0) {
		http_fault(r, &f);
		goto out;
	}
	if (http_offload(r, WORKER_STAFF, auth_password_work, res_users_hashed,
	        p) != 0) {
		http_throttled(r, 1000, "too many passwords at once; retry");
		goto out;
	}
	return; /* res_users_hashed answers and frees */
out:
	res_users_newpw_free(p);
}
