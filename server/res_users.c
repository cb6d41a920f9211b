/* /api/v1/users: the administrator adds staff. */
#include <string.h>

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
