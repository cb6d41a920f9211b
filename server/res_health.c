/*
 * /healthz: the process is up and its database answers, and takes
 * writes: after a write failed for the storage (a full disk, an I/O
 * error) it answers 503 "db":"error" until a write succeeds again.
 */
#include "http.h"

void
res_health(struct req *r)
{
	char tz[64];
	cJSON *o, *e;

	if (db_setting_get(http_db(r), "timezone", tz, sizeof(tz)) != DB_OK ||
	    db_health(http_db(r)) != DB_OK) {
		o = json_new();
		e = json_new();
		json_add_str(o, "status", "unavailable");
		json_add_str(o, "db", "error");
		json_add_str(e, "code", "unavailable");
		json_add_str(e, "message",
		    "the database does not take writes (a full disk or a "
		    "failing one); see the server's log");
		cJSON_AddItemToObject(e, "details", json_new());
		cJSON_AddItemToObject(o, "error", e);
		http_reply(r, 503, o);
		return;
	}
	o = json_new();
	json_add_str(o, "status", "ok");
	json_add_str(o, "db", "ok");
	http_reply(r, 200, o);
}
