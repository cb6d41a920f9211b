/* /api/v1/users/{id}/sessions: an admin lists a user's sessions (never
 * their tokens) and ends them. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static int
res_user_sessions_row(const void *row, void *arg)
{
	const struct db_session_row *s = row;
	cJSON *o = json_new();

	json_add_str(o, "id", s->id);
	json_add_time(o, "created_at", (time_t)s->created_at);
	json_add_time(o, "expires_at", (time_t)s->expires_at);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* GET: the user's live sessions, newest first. */
void
res_user_sessions_list(struct req *r)
{
	struct db_user u;
	int64_t id;
	cJSON *o, *items;
	int rc;

	if (http_id_arg(r, 0, &id) != 0 ||
	    (rc = db_user_by_id(http_db(r), id, &u)) == DB_NONE) {
		http_error(r, 404, "not_found", "no such user");
		return;
	}
	memset(u.pwhash, 0, sizeof(u.pwhash));
	o = json_new();
	if ((items = cJSON_AddArrayToObject(o, "items")) == NULL ||
	    cJSON_AddNullToObject(o, "next") == NULL)
		log_fatalx("out of memory");
	if (rc != DB_OK ||
	    db_sessions_live(http_db(r), id, clock_now(), res_user_sessions_row,
	        items) != DB_OK) {
		cJSON_Delete(o);
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, o);
}

/* DELETE: every session of the user ends (audited as end_sessions). */
void
res_user_sessions_end(struct req *r)
{
	struct fault f;
	int64_t id;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such user");
		return;
	}
	if (auth_sessions_end(http_db(r), http_actor(r), id, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply_text(r, 204, "application/json", "", 0);
}
