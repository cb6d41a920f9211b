/* /api/v1/donors: who gives. */
#include <string.h>

#include "http.h"

static const char *const res_donors_kinds[] = {"enterprise", "social_org",
    "individual", "volunteer", "government", "anonymous", NULL};

static cJSON *
res_donors_json(const struct db_donor *d)
{
	cJSON *o = json_new();

	json_add_int(o, "id", d->id);
	json_add_str(o, "name", d->name);
	json_add_str(o, "kind", d->kind);
	json_add_time(o, "created_at", (time_t)d->created_at);
	return o;
}

void
res_donors_create(struct req *r)
{
	struct fault f;
	struct db_donor d;
	const cJSON *b;
	int kind;

	memset(&f, 0, sizeof(f));
	memset(&d, 0, sizeof(d));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "name", 1, DB_NAME_MAX - 1, d.name, sizeof(d.name),
	        &f) < 0 ||
	    json_enum(b, "kind", 1, res_donors_kinds, &kind, &f) < 0) {
		http_fault(r, &f);
		return;
	}
	memcpy(d.kind, res_donors_kinds[kind], strlen(res_donors_kinds[kind]));
	if (stock_donor_create(http_db(r), http_actor(r), &d, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 201, res_donors_json(&d));
}

static int
res_donors_row(const void *row, void *arg)
{
	const struct db_donor *d = row;

	http_list_add(arg, res_donors_json(d), d->id);
	return 0;
}

void
res_donors_list(struct req *r)
{
	struct http_list l;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (http_list_begin(r, &l, &f) != 0 ||
	    db_donor_list(http_db(r), l.after, l.limit, res_donors_row, &l) !=
	        DB_OK) {
		http_list_fail(r, &l, &f);
		return;
	}
	http_list_reply(r, &l);
}
