/*
 * What a request asks for besides its body: query parameters, ids in the
 * path, date ranges and days ahead, and the page of a list (limit and
 * cursor in; items and the next cursor out).
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

const char *
http_query(struct req *r, const char *key)
{
	const char *q;

	if (!r->has_query) {
		q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(r->ev));
		TAILQ_INIT(&r->query);
		r->has_query = 1;
		if (q != NULL && evhttp_parse_query_str(q, &r->query) != 0)
			evhttp_clear_headers(&r->query);
	}
	return evhttp_find_header(&r->query, key);
}

/* A positive integer id in path segment i. */
int
http_id_arg(struct req *r, int i, int64_t *id)
{
	const char *s = http_arg(r, i);
	char *end;
	long long v;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || v <= 0 || v == LLONG_MAX)
		return -1;
	*id = v;
	return 0;
}

/* from= and to= as store dates, to inclusive: [from 00:00, to+1 00:00). */
int
http_range(struct req *r, int64_t *from, int64_t *to, struct fault *f)
{
	const char *s;
	char next[CLOCK_DATE_LEN];
	time_t t;

	*from = 0;
	*to = INT64_MAX;
	if ((s = http_query(r, "from")) != NULL) {
		if (clock_date_epoch(s, &t) != 0)
			return fault_field(f, FAULT_BAD, "bad_field", "from",
			    "from must be a date, YYYY-MM-DD");
		*from = t;
	}
	if ((s = http_query(r, "to")) != NULL) {
		if (clock_date_add(s, 1, next) != 0 ||
		    clock_date_epoch(next, &t) != 0)
			return fault_field(f, FAULT_BAD, "bad_field", "to",
			    "to must be a date, YYYY-MM-DD");
		*to = t;
	}
	return 0;
}

/*
 * key=N days from today (0..3650) as the date it comes to, in date.
 * Returns 1 when given, 0 when not, -1 with a fault.
 */
int
http_days_ahead(struct req *r, const char *key, char *date, struct fault *f)
{
	const char *s = http_query(r, key);
	char today[CLOCK_DATE_LEN], *end;
	long long n;

	if (s == NULL)
		return 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || n < 0 || n > 3650)
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be 0 to 3650", key);
	clock_today(today);
	return clock_date_add(today, n, date) == 0 ? 1 : -1;
}

/*
 * A true/false query parameter KEY into *v (1 or 0; -1 when absent).
 * Returns 0, or -1 with a fault for anything but "true" and "false".
 */
int
http_query_bool(struct req *r, const char *key, int *v, struct fault *f)
{
	const char *s = http_query(r, key);

	*v = -1;
	if (s == NULL)
		return 0;
	if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
		*v = s[0] == 't';
		return 0;
	}
	return fault_field(
	    f, FAULT_BAD, "bad_field", key, "%s must be true or false", key);
}

/*
 * A list's page: limit (1..500, default 50) and cursor (the id to go on
 * after) from the query, and the items as they are added.
 */
int
http_list_begin(struct req *r, struct http_list *l, struct fault *f)
{
	const char *s;
	char *end;
	long long v;

	memset(l, 0, sizeof(*l));
	l->limit = 50;
	if ((s = http_query(r, "limit")) != NULL) {
		v = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || v < 1 || v > LIMIT_LIST)
			return fault_field(f, FAULT_BAD, "bad_field", "limit",
			    "limit must be between 1 and %d", LIMIT_LIST);
		l->limit = (int)v;
	}
	if ((s = http_query(r, "cursor")) != NULL) {
		v = strtoll(s, &end, 10);
		if (*s == '\0' || *end != '\0' || v < 0)
			return fault_field(f, FAULT_BAD, "bad_field", "cursor",
			    "cursor is not one this server gave");
		l->after = v;
	}
	if ((l->items = cJSON_CreateArray()) == NULL)
		log_fatalx("out of memory");
	return 0;
}

/* A list given whole, with no cursor. */
void
http_list_all(struct http_list *l)
{
	memset(l, 0, sizeof(*l));
	if ((l->items = cJSON_CreateArray()) == NULL)
		log_fatalx("out of memory");
}

void
http_list_add(struct http_list *l, cJSON *item, int64_t id)
{
	cJSON_AddItemToArray(l->items, item);
	l->last = id;
	l->n++;
}

/* {"items": [...], "next": cursor or null}: a full page may go on. */
void
http_list_reply(struct req *r, struct http_list *l)
{
	cJSON *o = json_new();
	char buf[24];

	cJSON_AddItemToObject(o, "items", l->items);
	l->items = NULL;
	if (l->limit > 0 && l->n == l->limit) {
		snprintf(buf, sizeof(buf), "%" PRId64, l->last);
		json_add_str(o, "next", buf);
	} else
		cJSON_AddNullToObject(o, "next");
	http_reply(r, 200, o);
}

/* The list could not be read: its page is dropped, the fault sent (the
 * database's when none was set). */
void
http_list_fail(struct req *r, struct http_list *l, struct fault *f)
{
	cJSON_Delete(l->items);
	l->items = NULL;
	if (f->kind == FAULT_NONE)
		fault_db(f, DB_ERR);
	http_fault(r, f);
}

int
http_list_row(const void *row, void *arg)
{
	struct http_rows *p = arg;
	int64_t id;
	cJSON *o;

	if ((o = p->json(p->db, row, &id)) == NULL) {
		p->failed = 1;
		return 1;
	}
	http_list_add(&p->l, o, id);
	return 0;
}
