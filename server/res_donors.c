/* /api/v1/donors: who gives. */
#include <stdio.h>
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
	json_add_bool(o, "consent_public", d->consent_public);
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

static int
res_donors_load(struct req *r, struct db_donor *d)
{
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_donor_by_id(http_db(r), id, d);
	if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such donor");
	else if (rc != DB_OK)
		http_error(r, 500, "internal", "the database failed");
	return rc == DB_OK ? 0 : -1;
}

void
res_donors_get(struct req *r)
{
	struct db_donor d;

	if (res_donors_load(r, &d) == 0)
		http_reply(r, 200, res_donors_json(&d));
}

/* name and kind, checked as on creation; at least one. */
void
res_donors_patch(struct req *r)
{
	struct fault f;
	struct db_donor d;
	const cJSON *b;
	const char *changed;
	int kind = -1, named, consent = -1, agreed;

	memset(&f, 0, sizeof(f));
	if (res_donors_load(r, &d) != 0)
		return;
	if ((b = http_body(r, &f)) == NULL ||
	    (named = json_str(b, "name", 0, DB_NAME_MAX - 1, d.name,
	         sizeof(d.name), &f)) < 0 ||
	    json_enum(b, "kind", 0, res_donors_kinds, &kind, &f) < 0 ||
	    (agreed = json_bool(b, "consent_public", 0, &consent, &f)) < 0)
		goto fail;
	if (kind >= 0)
		snprintf(d.kind, sizeof(d.kind), "%s", res_donors_kinds[kind]);
	changed = named && kind >= 0 ? "name,kind"
	    : named                  ? "name"
	    : kind >= 0              ? "kind"
	                             : NULL;
	/* Consent (020): only an organisation may be named in public. */
	if (agreed > 0) {
		d.consent_public = consent;
		changed = changed == NULL ? "consent_public"
		    : named && kind >= 0  ? "name,kind,consent_public"
		    : named               ? "name,consent_public"
		                          : "kind,consent_public";
	}
	if (changed == NULL) {
		fault_set(&f, FAULT_BAD, "missing_field",
		    "give at least one of name, kind, consent_public");
		goto fail;
	}
	if (d.consent_public && !report_organisation_ok(d.kind)) {
		fault_field(&f, FAULT_RULE, "consent_organisations_only",
		    agreed > 0 ? "consent_public" : "kind",
		    "only an enterprise, a social organisation or a "
		    "government body may be named in public");
		goto fail;
	}
	if (stock_donor_update(http_db(r), http_actor(r), &d, changed, &f) != 0)
		goto fail;
	http_reply(r, 200, res_donors_json(&d));
	return;
fail:
	http_fault(r, &f);
}
