/*
 * /api/v1/households: the register. What a response carries depends on
 * who asks: managers see names and phones whole, everyone else masked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

static const char *const res_households_cats[] = {
    "tekun", "dibao", "emergency", "illness", "low_income", "other", NULL};

static int
res_households_full(struct req *r)
{
	return (http_actor(r)->role & (ROLE_ADMIN | ROLE_MANAGER)) != 0;
}

static int
res_households_limit(const void *row, void *arg)
{
	const struct db_limit *l = row;
	cJSON *o = json_new();

	json_add_int(o, "item_id", l->item_id);
	json_add_str(o, "name", l->name);
	json_add_int(o, "monthly_limit", l->monthly_limit);
	json_add_int(o, "taken", l->taken);
	json_add_int(o, "remaining",
	    l->taken < l->monthly_limit ? l->monthly_limit - l->taken : 0);
	cJSON_AddItemToArray(arg, o);
	return 0;
}

/* The household as role may see it; limits: this period's, if asked. */
static cJSON *
res_households_json(struct req *r, const struct db_household *h, int limits)
{
	cJSON *o = json_new(), *l;
	char masked[DB_NAME_MAX + 8], period[CLOCK_PERIOD_LEN];
	int full = res_households_full(r);

	json_add_int(o, "id", h->id);
	/* The till scans the card; an auditor checks figures, not people. */
	if (full || http_actor(r)->role == ROLE_CASHIER)
		json_add_str(o, "card_code", h->card_code);
	household_mask_name(h->head_name, masked, sizeof(masked));
	json_add_str(o, "name_masked", masked);
	if (full) {
		json_add_str(o, "head_name", h->head_name);
		json_add_str(o, "id_last4", h->id_last4);
		json_add_str(o, "street", h->street);
		json_add_str(o, "phone", h->phone);
	} else {
		household_mask_phone(h->phone, masked, sizeof(masked));
		json_add_str(o, "phone", masked);
	}
	json_add_int(o, "members", h->members);
	json_add_str(o, "category", h->category);
	json_add_bool(o, "priority", household_priority(h->category) == 1);
	json_add_int(o, "priority_rank", household_priority(h->category));
	json_add_str(o, "valid_from", h->valid_from);
	json_add_str(o, "valid_to", h->valid_to);
	json_add_str(o, "status", household_status(h));
	json_add_int(o, "points", h->balance);
	if (limits) {
		l = cJSON_CreateArray();
		cJSON_AddItemToObject(o, "limits", l);
		clock_period_now(period);
		if (db_limit_list(http_db(r), h->id, period,
		        res_households_limit, l) != DB_OK)
			log_warnx("households: limits of %lld unavailable",
			    (long long)h->id);
	}
	return o;
}

static int
res_households_fields(const cJSON *b, struct db_household *h, int create,
    char *changed, size_t size, struct fault *f)
{
	int cat = -1, n, len = 0;

	if (json_int(b, "members", create, 1, 50, &h->members, f) < 0 ||
	    (n = json_enum(
	         b, "category", create, res_households_cats, &cat, f)) < 0 ||
	    json_str(b, "street", create, 100, h->street, sizeof(h->street),
	        f) < 0 ||
	    json_str(b, "valid_from", create, 10, h->valid_from,
	        sizeof(h->valid_from), f) < 0 ||
	    json_str(b, "valid_to", create, 10, h->valid_to,
	        sizeof(h->valid_to), f) < 0 ||
	    json_str(b, "status", 0, 10, h->status, sizeof(h->status), f) < 0)
		return -1;
	if (cat >= 0)
		snprintf(h->category, sizeof(h->category), "%s",
		    res_households_cats[cat]);
	/* A phone is cleared with "" on update (null leaves it). */
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(b, "phone")) &&
	    cJSON_GetObjectItemCaseSensitive(b, "phone")->valuestring[0] ==
	        '\0')
		h->phone[0] = '\0';
	else if (json_str(b, "phone", 0, 20, h->phone, sizeof(h->phone), f) < 0)
		return -1;
	if (changed != NULL) {
		static const char *const keys[] = {"members", "category",
		    "street", "valid_from", "valid_to", "status", "phone",
		    NULL};
		int i;

		changed[0] = '\0';
		for (i = 0; keys[i] != NULL; i++)
			if (cJSON_GetObjectItemCaseSensitive(b, keys[i]) &&
			    len < (int)size)
				len +=
				    snprintf(changed + len, size - (size_t)len,
				        "%s%s", len ? "," : "", keys[i]);
	}
	return 0;
}

/* A registration with a PIN: hashed on the worker, then registered.
 * pin comes first: pin_set_work takes this struct as its pin_set. */
struct res_households_new {
	struct pin_set pin;
	struct household_new in;
};

static void
res_households_new_free(struct res_households_new *n)
{
	if (n == NULL)
		return;
	sodium_memzero(n, sizeof(*n));
	free(n);
}

static void
res_households_register(struct req *r, struct household_new *in)
{
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (household_register(http_db(r), http_actor(r), in, &f) != 0)
		http_fault(r, &f);
	else
		http_reply(r, 201, res_households_json(r, &in->h, 0));
}

static void
res_households_hashed(struct req *r, void *arg)
{
	struct res_households_new *n = arg;

	if (!n->pin.hashed)
		http_error(r, 500, "internal", "out of memory hashing the pin");
	else {
		memcpy(n->in.pin_hash, n->pin.hash, sizeof(n->in.pin_hash));
		res_households_register(r, &n->in);
	}
	res_households_new_free(n);
}

void
res_households_create(struct req *r)
{
	struct res_households_new *n;
	struct fault f;
	const cJSON *b;

	memset(&f, 0, sizeof(f));
	if ((n = calloc(1, sizeof(*n))) == NULL)
		log_fatalx("out of memory");
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "card_code", 1, 32, n->in.h.card_code,
	        sizeof(n->in.h.card_code), &f) < 0 ||
	    json_str(b, "head_name", 1, 60, n->in.h.head_name,
	        sizeof(n->in.h.head_name), &f) < 0 ||
	    json_str(b, "id_number", 1, 30, n->in.id_number,
	        sizeof(n->in.id_number), &f) < 0 ||
	    res_households_fields(b, &n->in.h, 1, NULL, 0, &f) < 0 ||
	    json_str(b, "pin", 0, PIN_MAX + 1, n->pin.pin, sizeof(n->pin.pin),
	        &f) < 0) {
		http_fault(r, &f);
		goto out;
	}
	if (cJSON_GetObjectItemCaseSensitive(b, "pin") == NULL) {
		res_households_register(r, &n->in);
		goto out;
	}
	if (!pin_valid(n->pin.pin)) {
		fault_field(&f, FAULT_BAD, "bad_field", "pin",
		    "pin must be 4 to 8 digits");
		http_fault(r, &f);
		goto out;
	}
	if (http_offload(
	        r, WORKER_STAFF, pin_set_work, res_households_hashed, n) != 0) {
		http_throttled(r, 1000, "too many at once; retry");
		goto out;
	}
	return; /* res_households_hashed answers and frees */
out:
	res_households_new_free(n);
}

static int
res_households_load(struct req *r, struct db_household *h)
{
	int64_t id;
	int rc = DB_NONE;

	if (http_id_arg(r, 0, &id) == 0)
		rc = db_household_by_id(http_db(r), id, h);
	if (rc == DB_NONE)
		http_error(r, 404, "not_found", "no such household");
	else if (rc != DB_OK)
		http_error(r, 500, "internal", "the database failed");
	return rc == DB_OK ? 0 : -1;
}

void
res_households_get(struct req *r)
{
	struct db_household h;

	if (res_households_load(r, &h) == 0)
		http_reply(r, 200, res_households_json(r, &h, 1));
}

/* A card look-up waiting for the group commit that records it. */
struct res_households_lookup {
	char card[40];
	int found;
};

static void
res_households_lookup_record(struct req *r, void *arg)
{
	struct res_households_lookup *l = arg;
	struct fault f;

	memset(&f, 0, sizeof(f));
	if (cardlog_record(http_db(r), http_actor(r), l->card, l->found, &f) !=
	    0)
		http_defer_fault(r, &f);
}

/*
 * A household by its card: past the look-up limit 429, and otherwise
 * answered (found or not) once the group commit has recorded the
 * look-up (cardlog.c).
 */
void
res_households_by_card(struct req *r)
{
	struct res_households_lookup *l;
	struct db_household h;
	const char *card = http_arg(r, 0);
	struct fault f;
	int64_t wait;
	int rc;

	if ((wait = cardlog_take(http_actor(r)->user_id)) > 0) {
		http_throttled(r, wait,
		    "too many card look-ups a minute; try again after "
		    "Retry-After");
		return;
	}
	rc = strlen(card) > 32 ? DB_NONE
	                       : db_household_by_card(http_db(r), card, &h);
	if (rc != DB_OK && rc != DB_NONE) {
		http_error(r, 500, "internal", "the database failed");
		return;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		log_fatalx("out of memory");
	snprintf(l->card, sizeof(l->card), "%.32s", card);
	l->found = rc == DB_OK;
	memset(&f, 0, sizeof(f));
	if (rc == DB_OK)
		http_defer(r, 200, res_households_json(r, &h, 1));
	else {
		fault_set(&f, FAULT_NOT_FOUND, "not_found",
		    "no household has this card");
		http_defer_fault(r, &f);
	}
	http_batch(r, res_households_lookup_record, l, free);
}

/* Who a household is (card, head, id number) is not edited: register. */
static int
res_households_mutable(const cJSON *b, struct fault *f)
{
	static const char *const keys[] = {"members", "category", "street",
	    "valid_from", "valid_to", "status", "phone", NULL};
	return json_only(b, keys,
	           "this field cannot be changed here (a household's "
	           "head and id number are set when it registers; "
	           "a card is replaced by POST .../card)",
	           f) < 0
	    ? -1
	    : 0;
}

void
res_households_patch(struct req *r)
{
	struct db_household h;
	struct fault f;
	const cJSON *b;
	char changed[128];

	memset(&f, 0, sizeof(f));
	if (res_households_load(r, &h) != 0)
		return;
	if ((b = http_body(r, &f)) != NULL && res_households_mutable(b, &f) < 0)
		b = NULL;
	if (b == NULL ||
	    res_households_fields(b, &h, 0, changed, sizeof(changed), &f) < 0 ||
	    household_update(http_db(r), http_actor(r), &h, changed, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 200, res_households_json(r, &h, 0));
}

/* A new card for a lost or damaged one: the old one stops at once. */
void
res_households_card(struct req *r)
{
	struct db_household h;
	struct fault f;
	const cJSON *b;
	char card[40], reason[DB_NAME_MAX];
	int64_t id;

	memset(&f, 0, sizeof(f));
	if (http_id_arg(r, 0, &id) != 0) {
		http_error(r, 404, "not_found", "no such household");
		return;
	}
	if ((b = http_body(r, &f)) == NULL ||
	    json_str(b, "card_code", 1, 32, card, sizeof(card), &f) < 0 ||
	    json_str(b, "reason", 1, 190, reason, sizeof(reason), &f) < 0 ||
	    household_replace_card(
	        http_db(r), http_actor(r), id, card, reason, &h, &f) != 0) {
		http_fault(r, &f);
		return;
	}
	http_reply(r, 200, res_households_json(r, &h, 0));
}

struct res_households_page {
	struct http_list l;
	struct req *r;
};

static int
res_households_row(const void *row, void *arg)
{
	const struct db_household *h = row;
	struct res_households_page *p = arg;

	http_list_add(&p->l, res_households_json(p->r, h, 0), h->id);
	return 0;
}

static int
res_households_filters(struct req *r, struct fault *f)
{
	const char *q = http_query(r, "q"), *cat = http_query(r, "category");
	const char *status = http_query(r, "status");

	if (q != NULL && strlen(q) > 60)
		return fault_field(
		    f, FAULT_BAD, "bad_field", "q", "q is at most 60 bytes");
	if (cat != NULL && !household_category_valid(cat))
		return fault_field(f, FAULT_BAD, "bad_field", "category",
		    "category must be tekun, dibao, emergency, illness, "
		    "low_income or other");
	if (status != NULL && strcmp(status, "active") &&
	    strcmp(status, "suspended") && strcmp(status, "expired"))
		return fault_field(f, FAULT_BAD, "bad_field", "status",
		    "status must be active, suspended or expired");
	return 0;
}

void
res_households_list(struct req *r)
{
	struct res_households_page p;
	struct fault f;
	char today[CLOCK_DATE_LEN], before[CLOCK_DATE_LEN];
	int rc;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	p.r = r;
	clock_today(today);
	if (http_list_begin(r, &p.l, &f) != 0 ||
	    res_households_filters(r, &f) != 0 ||
	    (rc = http_days_ahead(r, "expiring_within_days", before, &f)) < 0 ||
	    db_household_list(http_db(r), http_query(r, "q"),
	        res_households_full(r), http_query(r, "category"),
	        rc ? before : NULL, http_query(r, "status"), today, p.l.after,
	        p.l.limit, res_households_row, &p) != DB_OK) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}

struct res_ledger_page {
	struct http_list l;
	int64_t account;
};

static int
res_households_transfer(const void *row, void *arg)
{
	const struct db_transfer *t = row;
	struct res_ledger_page *p = arg;
	cJSON *o = json_new();

	json_add_int(o, "id", t->id);
	json_add_str(o, "kind", t->kind);
	json_add_int(o, "points",
	    t->credit_account == p->account ? t->amount : -t->amount);
	if (t->period[0] != '\0')
		json_add_str(o, "period", t->period);
	json_add_str(o, "reason", t->reason);
	if (t->ref_id > 0)
		json_add_int(o, "ref_id", t->ref_id);
	json_add_time(o, "at", (time_t)t->at);
	http_list_add(&p->l, o, t->id);
	return 0;
}

void
res_households_ledger(struct req *r)
{
	struct res_ledger_page p;
	struct db_household h;
	struct fault f;

	memset(&f, 0, sizeof(f));
	memset(&p, 0, sizeof(p));
	if (http_list_begin(r, &p.l, &f) != 0) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	if (res_households_load(r, &h) != 0) {
		cJSON_Delete(p.l.items);
		return;
	}
	p.account = h.account_id;
	if (db_transfer_list(http_db(r), h.id, p.l.after, p.l.limit,
	        res_households_transfer, &p) != DB_OK) {
		http_list_fail(r, &p.l, &f);
		return;
	}
	http_list_reply(r, &p.l);
}
