/* /healthz: the process is up and its database answers. */
#include "http.h"

void
res_health(struct req *r)
{
	char tz[64];
	cJSON *o;

	if (db_setting_get(http_db(r), "timezone", tz, sizeof(tz)) != DB_OK) {
		http_error(
		    r, 503, "unavailable", "the database does not answer");
		return;
	}
	o = json_new();
	json_add_str(o, "status", "ok");
	http_reply(r, 200, o);
}
