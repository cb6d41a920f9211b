/*
 * A short-lived cache of the reads the console asks again and again (the
 * Today page's, http_cache_handlers). Each answer computes
 * over the ledger; a room of managers' browsers asks the same ones many
 * times a minute while the data stand still.
 *
 * An answer is served again only while the database's change mark is the
 * one it was computed under (any write, by this server or another
 * connection, moves it) and for at most HTTP_CACHE_MS, so answers that
 * depend on the day (expiring within, today's) age out. It is keyed by the
 * user, the role and the whole URI: nobody is served an answer computed
 * for somebody else. Only 200s are kept; the cache lives on the event
 * loop's thread, as every read does.
 */
#include <stdlib.h>
#include <string.h>

#include "http_int.h"

#define HTTP_CACHE_SLOTS 32
#define HTTP_CACHE_MS    1000
#define HTTP_CACHE_BODY  (512 * 1024) /* larger answers are not kept */

struct http_cache_slot {
	char *uri; /* NULL: free */
	int64_t user_id;
	int role;
	int64_t mark[2];
	struct timespec at;
	char type[64];
	char *body;
	size_t len;
};

/* The reads kept: each answer depends on the user, role, URI and data
 * only, and asking records nothing (a card look-up, which is recorded,
 * never comes here). */
static const http_handler http_cache_handlers[] = {
    res_distributions_list,
    res_notices_live,
    res_stock_list,
    res_households_list,
    res_grants_monthly_status,
    res_conflicts_list,
    res_notices_list,
};

struct http_cache {
	struct http_cache_slot slot[HTTP_CACHE_SLOTS];
	uint64_t hits, misses;
};

struct http_cache *
http_cache_new(void)
{
	struct http_cache *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		log_fatalx("out of memory");
	return c;
}

static void
http_cache_clear(struct http_cache_slot *s)
{
	free(s->uri);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

void
http_cache_free(struct http_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < HTTP_CACHE_SLOTS; i++)
		http_cache_clear(&c->slot[i]);
	free(c);
}

static int64_t
http_cache_age_ms(const struct timespec *then, const struct timespec *now)
{
	return (int64_t)(now->tv_sec - then->tv_sec) * 1000 +
	    (now->tv_nsec - then->tv_nsec) / 1000000;
}

static struct http_cache_slot *
http_cache_find(struct http_cache *c, const struct req *r, const char *uri)
{
	size_t i;

	for (i = 0; i < HTTP_CACHE_SLOTS; i++) {
		struct http_cache_slot *s = &c->slot[i];

		if (s->uri != NULL && s->user_id == r->actor.user_id &&
		    s->role == r->actor.role && strcmp(s->uri, uri) == 0)
			return s;
	}
	return NULL;
}

/* Serves r, a read h answers, from the cache if a standing answer is
 * there (1), or marks r so that its answer is kept once sent (0). Asked
 * before the read's snapshot begins: a commit in between makes the kept
 * answer newer than its mark, which only costs a miss. */
int
http_cache_serve(struct req *r, http_handler h)
{
	struct http_cache *c = r->srv->cache;
	struct http_cache_slot *s;
	const char *uri = evhttp_request_get_uri(r->ev);
	struct timespec now;
	size_t i,
	    n = sizeof(http_cache_handlers) / sizeof(*http_cache_handlers);

	for (i = 0; i < n && http_cache_handlers[i] != h; i++)
		;
	if (i == n || c == NULL || uri == NULL ||
	    db_change_mark(r->srv->db, r->cache_mark) != DB_OK)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	s = http_cache_find(c, r, uri);
	if (s != NULL && s->mark[0] == r->cache_mark[0] &&
	    s->mark[1] == r->cache_mark[1] &&
	    http_cache_age_ms(&s->at, &now) < HTTP_CACHE_MS) {
		c->hits++;
		http_reply_text(r, 200, s->type, s->body, s->len);
		return 1;
	}
	c->misses++;
	r->cache_keep = 1;
	return 0;
}

/* Keeps the answer being sent for r, if r asked for that (http_send). */
void
http_cache_keep(
    struct req *r, int status, const char *type, const char *body, size_t len)
{
	struct http_cache *c = r->srv->cache;
	struct http_cache_slot *s, *oldest = NULL;
	const char *uri = evhttp_request_get_uri(r->ev);
	size_t i;

	if (!r->cache_keep || c == NULL || status != 200 || uri == NULL ||
	    len > HTTP_CACHE_BODY || strlen(type) >= sizeof(s->type))
		return;
	r->cache_keep = 0;
	if ((s = http_cache_find(c, r, uri)) == NULL) {
		for (i = 0; i < HTTP_CACHE_SLOTS && s == NULL; i++) {
			if (c->slot[i].uri == NULL)
				s = &c->slot[i];
			else if (oldest == NULL ||
			    http_cache_age_ms(&c->slot[i].at, &oldest->at) < 0)
				oldest = &c->slot[i];
		}
		if (s == NULL)
			s = oldest;
	}
	http_cache_clear(s);
	if ((s->uri = strdup(uri)) == NULL ||
	    (s->body = malloc(len > 0 ? len : 1)) == NULL)
		log_fatalx("out of memory");
	memcpy(s->body, body, len);
	s->len = len;
	s->user_id = r->actor.user_id;
	s->role = r->actor.role;
	s->mark[0] = r->cache_mark[0];
	s->mark[1] = r->cache_mark[1];
	snprintf(s->type, sizeof(s->type), "%s", type);
	/* Its age counts from when the computing began, not ended. */
	s->at = r->t0;
}

/* For tests and the log: how often the cache answered. */
void
http_cache_counts(const struct http_cache *c, uint64_t *hits, uint64_t *misses)
{
	*hits = c != NULL ? c->hits : 0;
	*misses = c != NULL ? c->misses : 0;
}
