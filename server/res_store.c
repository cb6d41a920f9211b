/* /api/v1/store: the store's name, public address and time zone. */
#include <stdio.h>
#include <string.h>

#include "http.h"

static cJSON *
res_store_json(const struct store_info *s)
{
	cJSON *o = json_new();

	json_add_str(o, "name", s->name);
	json_add_str(o, "public_address", s->address);
	json_add_str(o, "time_zone", s->tz);
	json_add_time(o, "now", clock_now());
	return o;
}

/* "" clears the address (json_str takes no empty string). */
static int
res_store_empty(const cJSON *b, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, key);

	return cJSON_IsString(v) && v->valuestring[0] == '\0';
}

void
res_store_get(struct req *r)
{
	struct store_info s;

	if (store_get(http_db(r), &s) != 0) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	http_reply(r, 200, res_store_json(&s));
}

void
res_store_patch(struct req *r)
{
	static const char *const keys[] = {"name", "public_address", NULL};
	char name[STORE_NAME_MAX + 2], address[STORE_ADDRESS_MAX + 2];
	struct store_info s;
	struct fault f;
	const cJSON *b;
	int n;

	memset(&f, 0, sizeof(f));
	name[0] = address[0] = '\0';
	if ((b = http_body(r, &f)) == NULL ||
	    (n = json_only(
	         b, keys, "the body takes name and public_address", &f)) < 0 ||
	    json_str(b, "name", 0, STORE_NAME_MAX + 1, name, sizeof(name), &f) <
	        0 ||
	    (!res_store_empty(b, "public_address") &&
	        json_str(b, "public_address", 0, STORE_ADDRESS_MAX + 1, address,
	            sizeof(address), &f) < 0))
		goto fail;
	if (n == 0) {
		fault_field(&f, FAULT_BAD, "missing_field", "name",
		    "give name, public_address or both");
		goto fail;
	}
	if (store_update(http_db(r), http_actor(r),
	        cJSON_GetObjectItemCaseSensitive(b, "name") ? name : NULL,
	        cJSON_GetObjectItemCaseSensitive(b, "public_address") ? address
	                                                              : NULL,
	        &s, &f) != 0)
		goto fail;
	http_reply(r, 200, res_store_json(&s));
	return;
fail:
	http_fault(r, &f);
}
