/*
 * Work off the loop for a request: the job (a log-in's password check)
 * runs on the worker thread of worker.c while the loop serves others;
 * its done() runs back on the loop, and answers. The reply waits
 * meanwhile, counted as pending for a graceful stop.
 */
#include <stdlib.h>

#include "http_int.h"

/* Work for the worker thread on behalf of a request. */
struct offload {
	struct req *r;
	void (*run)(void *);
	void (*done)(struct req *, void *);
	void *arg;
};

/* On the worker thread: the job's own work, on its own memory only. */
static void
http_offload_run(void *arg)
{
	struct offload *o = arg;

	o->run(o->arg);
}

static void
http_offload_done(void *arg)
{
	struct offload *o = arg;

	o->r->srv->pending--;
	o->done(o->r, o->arg);
	free(o);
}

/* Runs run(arg) off the loop in the worker's lane, then done(r, arg) on
 * it; -1: that lane is full. */
int
http_offload(struct req *r, int lane, void (*run)(void *),
    void (*done)(struct req *, void *), void *arg)
{
	struct offload *o;

	if ((o = calloc(1, sizeof(*o))) == NULL)
		log_fatalx("out of memory");
	o->r = r;
	o->run = run;
	o->done = done;
	o->arg = arg;
	if (worker_submit(lane, http_offload_run, http_offload_done, o) != 0) {
		free(o);
		return -1;
	}
	r->srv->pending++;
	return 0;
}

/* The worker has finished jobs: their done() runs here, on the loop. */
static void
http_offload_collect_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	worker_collect();
}

/* Starts the worker thread, and the event that hears it finish jobs. */
void
http_offload_start(struct server *srv)
{
	int fd;

	if ((fd = worker_start()) < 0 ||
	    (srv->worker_ev = event_new(srv->base, fd, EV_READ | EV_PERSIST,
	         http_offload_collect_cb, NULL)) == NULL ||
	    event_add(srv->worker_ev, NULL) != 0)
		log_fatalx("the password worker cannot start");
}

/* Stops the worker once its queue is done; the jobs' done() run first. */
void
http_offload_stop(struct server *srv)
{
	if (srv->worker_ev != NULL)
		event_free(srv->worker_ev);
	srv->worker_ev = NULL;
	worker_stop();
}
