/* /api/v1/audit: who did what, when, from where; newest first. */
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

void
res_audit_list(struct req *r)
{
	struct http_list l;
	struct fault f;
	int64_t from, to;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0 ||
	    http_range(r, &from, &to, &f) != 0 ||
	    db_audit_list(http_db(r), from, to, l.after, l.limit, res_audit_row,
	        &l) != DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}
