/* /api/v1/audit/card-lookups: who looked up how many household cards. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static int
res_card_lookups_row(const void *row, void *arg)
{
	const struct db_cardlog_sum *s = row;
	cJSON *o = json_new();

	json_add_int(o, "user_id", s->user_id);
	json_add_str(o, "username", s->username);
	json_add_str(o, "role", s->role);
	json_add_int(o, "lookups", s->lookups);
	json_add_int(o, "cards", s->cards);
	json_add_int(o, "found", s->found);
	json_add_time(o, "first_at", (time_t)s->first_at);
	json_add_time(o, "last_at", (time_t)s->last_at);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* ?from=&to= (dates, as the audit log's); per user, most first. */
void
res_card_lookups_list(struct req *r)
{
	struct fault f;
	int64_t from, to;
	cJSON *o, *items;

	memset(&f, 0, sizeof(f));
	if (http_range(r, &from, &to, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	o = json_new();
	items = cJSON_AddArrayToObject(o, "items");
	if (items == NULL)
		log_fatalx("out of memory");
	if (db_cardlog_summary(
	        http_db(r), from, to, res_card_lookups_row, items) != DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	/* One page: a row a user (at most 500), as lists say it. */
	if (cJSON_AddNullToObject(o, "next") == NULL)
		log_fatalx("out of memory");
	http_reply(r, 200, o);
}
