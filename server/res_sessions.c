/* /api/v1/sessions: log in and out. */
#include <string.h>

#include "http.h"

void
res_sessions_create(struct req *r)
{
	struct fault f;
	struct db_user u;
	const cJSON *b;
	cJSON *o;
	char user[DB_SHORT_MAX], pw[160], token[AUTH_TOKEN_LEN + 1];
	int64_t expires, delay;

	memset(&f, 0, sizeof(f));
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "username", 1, 63, user, sizeof(user), &f) < 0 ||
	    json_str(b, "password", 1, 128, pw, sizeof(pw), &f) < 0) {
		http_fault(r, &f);
		return;
	}
	if (auth_login(http_db(r), user, pw, http_peer(r), token, &u, &expires,
	        &delay, &f) != 0) {
		http_fault_later(r, &f, delay);
		return;
	}
	o = json_new();
	json_add_str(o, "token", token);
	json_add_str(o, "role", u.role);
	json_add_time(o, "expires_at", (time_t)expires);
	json_add_int(o, "user_id", u.id);
	json_add_str(o, "username", u.username);
	json_add_str(o, "display_name", u.display_name);
	http_reply_later(r, 201, o, delay);
}

void
res_sessions_delete(struct req *r)
{
	auth_logout(http_db(r), http_token(r));
	http_reply_text(r, 204, "application/json", "", 0);
}
