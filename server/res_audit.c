/* /api/v1/audit: who did what, when, from where; newest first. */
#include <string.h>

#include "http.h"

struct res_audit_page {
	cJSON *items;
	int64_t last;
	int n;
};

static int
res_audit_row(const void *row, void *arg)
{
	const struct db_audit *a = row;
	struct res_audit_page *p = arg;
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
	cJSON_AddItemToArray(p->items, o);
	p->last = a->id;
	p->n++;
	return 0;
}

void
res_audit_list(struct req *r)
{
	struct res_audit_page p;
	struct fault f;
	int64_t from, to, after;
	int limit;

	memset(&f, 0, sizeof(f));
	if (http_page(r, &limit, &after, &f) != 0 ||
	    http_range(r, &from, &to, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	memset(&p, 0, sizeof(p));
	p.items = cJSON_CreateArray();
	if (db_audit_list(http_db(r), from, to, after, limit, res_audit_row,
	        &p) != DB_OK) {
		cJSON_Delete(p.items);
		fault_db(&f, DB_ERR);
		http_fault(r, &f);
		return;
	}
	http_reply_list(r, p.items, p.n == limit ? p.last : 0);
}
