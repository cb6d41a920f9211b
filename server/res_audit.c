/* /api/v1/audit: who did what, when, from where; newest first. */
#include <stdlib.h>
#include <string.h>

#include "http.h"

static int
res_audit_row(const void *row, void *arg)
{
	const struct db_audit *a = row;
	struct http_list *l = arg;
	cJSON *o = json_new();

	json_add_int(o, "id", a->id);
	json_add_time(o, "at", (time_t)a->at);
	if (a->user_id > 0)
		json_add_int(o, "user_id", a->user_id);
	json_add_str(o, "username", a->username);
	json_add_str(o, "role", a->role);
	json_add_str(o, "origin", a->origin);
	json_add_str(o, "action", a->action);
	json_add_str(o, "entity", a->entity);
	if (a->entity_id > 0)
		json_add_int(o, "entity_id", a->entity_id);
	json_add_str(o, "detail", a->detail);
	http_list_add(l, o, a->id);
	return 0;
}

/* user_id= (0: anyone) and action= (NULL: any), each optional. */
static int
res_audit_filters(
    struct req *r, int64_t *user, const char **action, struct fault *f)
{
	const char *s = http_query(r, "user_id");
	char *end;

	*user = 0;
	if (s != NULL) {
		*user = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || *user <= 0)
			return fault_field(f, FAULT_BAD, "bad_field", "user_id",
			    "user_id must be a positive integer");
	}
	*action = http_query(r, "action");
	if (*action != NULL && !auth_action_valid(*action))
		return fault_field(f, FAULT_BAD, "bad_field", "action",
		    "action must be one the audit log records");
	return 0;
}

void
res_audit_list(struct req *r)
{
	struct http_list l;
	struct fault f;
	const char *action = NULL;
	int64_t from, to, user = 0;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0 ||
	    http_range(r, &from, &to, &f) != 0 ||
	    res_audit_filters(r, &user, &action, &f) != 0 ||
	    db_audit_list(http_db(r), from, to, user, action, l.after, l.limit,
	        res_audit_row, &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}
