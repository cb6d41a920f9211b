/*
 * The group commit: writes queue here (http_batch) and run together in
 * one outer transaction (db_batch_*), so that one fsync serves them all.
 * It lends savepoints and batches commits; it does not own the writes'
 * boundaries: each write's domain call opens its own transaction with
 * db_tx_*, a savepoint inside the batch, so a refused write undoes only
 * itself. Replies wait for the commit, and become 503 if it fails.
 */
#include <stdlib.h>

#include "http_int.h"

#define HTTP_GATHER_US 1000 /* longest wait for a group commit to fill */

/* A write waiting for the next group commit. */
struct batch {
	struct req *r;
	void (*fn)(struct req *, void *);
	void *arg;
	void (*free)(void *);
	TAILQ_ENTRY(batch) entry;
};

/* Runs the queued writes in one transaction, then sends their replies:
 * each write's own, or a 503 for all if the commit failed. */
void
http_commit_run(struct server *srv)
{
	struct batch_list list;
	struct batch *b;
	struct fault f;
	int ok;

	event_del(srv->batch_ev);
	if (TAILQ_EMPTY(&srv->batch))
		return;
	TAILQ_INIT(&list);
	TAILQ_CONCAT(&list, &srv->batch, entry);
	srv->last_batch = srv->queued;
	srv->queued = 0;
	/* Each write's domain call takes a savepoint of this transaction
	 * (db_tx_* inside db_batch_*); sqlite ending it early on an I/O
	 * error fails the commit, and then every write of the batch. */
	ok = db_batch_begin(srv->db) == DB_OK;
	TAILQ_FOREACH(b, &list, entry)
	{
		if (!ok)
			break;
		b->fn(b->r, b->arg);
	}
	if (ok && db_batch_commit(srv->db) != DB_OK)
		ok = 0;
	if (!ok) {
		db_batch_rollback(srv->db);
		fault_set(&f, FAULT_UNAVAILABLE, "unavailable",
		    "the database could not commit; nothing was recorded, "
		    "retry with the same client_id");
	}
	while ((b = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, b, entry);
		if (!ok)
			http_defer_fault(b->r, &f);
		http_reply_deferred(b->r);
		if (b->free != NULL)
			b->free(b->arg);
		free(b);
	}
}

static void
http_commit_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	http_commit_run(arg);
}

/*
 * When the group commit runs. Tills answered by one commit come back
 * together, but one by one: starting at the first arrival would commit a
 * few of them and leave the rest a whole commit behind (twice the
 * latency). So the commit waits, at most HTTP_GATHER_US, until as many
 * writes are queued as the last one held; a lone till never waits.
 */
static void
http_commit_due(struct server *srv)
{
	struct timeval tv = {0, HTTP_GATHER_US};

	srv->queued++;
	if (srv->queued >= srv->last_batch || srv->stopping)
		event_active(srv->batch_ev, EV_TIMEOUT, 0);
	else if (srv->queued == 1)
		event_add(srv->batch_ev, &tv);
}

/* Queues a write for the next group commit, which runs once the loop's
 * requests are read; fn answers with http_defer or http_defer_fault. */
void
http_batch(struct req *r, void (*fn)(struct req *, void *), void *arg,
    void (*afree)(void *))
{
	struct batch *b;

	if ((b = calloc(1, sizeof(*b))) == NULL)
		log_fatalx("out of memory");
	b->r = r;
	b->fn = fn;
	b->arg = arg;
	b->free = afree;
	TAILQ_INSERT_TAIL(&r->srv->batch, b, entry);
	r->srv->pending++;
	http_commit_due(r->srv);
}

/* The commit's event, at the last priority: after the turn's requests. */
void
http_commit_init(struct server *srv)
{
	TAILQ_INIT(&srv->batch);
	if ((srv->batch_ev =
	            event_new(srv->base, -1, 0, http_commit_cb, srv)) == NULL ||
	    event_priority_set(srv->batch_ev, HTTP_PRIO_LAST) != 0)
		log_fatalx("libevent: batch event");
}

void
http_commit_free(struct server *srv)
{
	if (srv->batch_ev != NULL)
		event_free(srv->batch_ev);
	srv->batch_ev = NULL;
}
