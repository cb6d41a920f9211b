/*
 * A worker thread for the one slow pure computation the server does, the
 * argon2id password check, so that a burst of log-ins cannot stall the
 * tills. Jobs touch nothing shared but their own memory; their results
 * come back to the event loop through a pipe, and `done` runs there.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "server.h"

#define WORKER_QUEUE 16 /* a lane's; beyond: the caller says "retry" */

struct worker_job {
	void (*run)(void *);
	void (*done)(void *);
	void *arg;
	int lane;
	struct worker_job *next;
};

/*
 * One queue a lane (WORKER_STAFF, WORKER_KNOWN, WORKER_LOGIN), taken in
 * that order: strangers' log-ins fill only their own, and wait behind
 * staff's work and log-ins from addresses their users are known at.
 */
static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct worker_job *todo[WORKER_LANES], *todo_tail[WORKER_LANES];
	struct worker_job *finished;
	int queued[WORKER_LANES], stopping, started;
	int pipe[2];
} worker;

/* The first job of the first lane that has one, taken off; or NULL. */
static struct worker_job *
worker_next(void)
{
	struct worker_job *j;
	int l;

	for (l = 0; l < WORKER_LANES; l++) {
		if ((j = worker.todo[l]) == NULL)
			continue;
		if ((worker.todo[l] = j->next) == NULL)
			worker.todo_tail[l] = NULL;
		return j;
	}
	return NULL;
}

static void *
worker_main(void *unused)
{
	struct worker_job *j;
	char c = 1;
	ssize_t woke;

	(void)unused;
	pthread_mutex_lock(&worker.lock);
	for (;;) {
		while ((j = worker_next()) == NULL && !worker.stopping)
			pthread_cond_wait(&worker.wake, &worker.lock);
		if (j == NULL)
			break;
		pthread_mutex_unlock(&worker.lock);
		j->run(j->arg);
		pthread_mutex_lock(&worker.lock);
		j->next = worker.finished;
		worker.finished = j;
		/* A full pipe already wakes the loop: a lost byte is fine.
		 * (No logging here: the log belongs to the loop's thread.) */
		woke = write(worker.pipe[1], &c, 1);
		(void)woke;
	}
	pthread_mutex_unlock(&worker.lock);
	return NULL;
}

/* Starts the thread; returns the fd the loop watches for results. */
int
worker_start(void)
{
	if (pipe(worker.pipe) != 0 ||
	    fcntl(worker.pipe[0], F_SETFL, O_NONBLOCK) != 0 ||
	    fcntl(worker.pipe[1], F_SETFL, O_NONBLOCK) != 0)
		return -1;
	pthread_mutex_init(&worker.lock, NULL);
	pthread_cond_init(&worker.wake, NULL);
	if (pthread_create(&worker.thread, NULL, worker_main, NULL) != 0)
		return -1;
	worker.started = 1;
	return worker.pipe[0];
}

/* Queues run(arg) in lane for the thread; done(arg) follows on the loop.
 * -1: the lane is full. */
int
worker_submit(int lane, void (*run)(void *), void (*done)(void *), void *arg)
{
	struct worker_job *j;
	int rc = -1;

	if (lane < 0 || lane >= WORKER_LANES)
		return -1;
	pthread_mutex_lock(&worker.lock);
	if (worker.queued[lane] < WORKER_QUEUE && !worker.stopping &&
	    (j = calloc(1, sizeof(*j))) != NULL) {
		j->run = run;
		j->done = done;
		j->arg = arg;
		j->lane = lane;
		if (worker.todo_tail[lane] != NULL)
			worker.todo_tail[lane]->next = j;
		else
			worker.todo[lane] = j;
		worker.todo_tail[lane] = j;
		worker.queued[lane]++;
		pthread_cond_signal(&worker.wake);
		rc = 0;
	}
	pthread_mutex_unlock(&worker.lock);
	return rc;
}

/* On the loop, when the fd is readable: hands back finished jobs. */
void
worker_collect(void)
{
	struct worker_job *list, *j;
	char buf[64];

	while (read(worker.pipe[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&worker.lock);
	list = worker.finished;
	worker.finished = NULL;
	pthread_mutex_unlock(&worker.lock);
	while ((j = list) != NULL) {
		list = j->next;
		pthread_mutex_lock(&worker.lock);
		worker.queued[j->lane]--;
		pthread_mutex_unlock(&worker.lock);
		j->done(j->arg);
		free(j);
	}
}

/* Finishes what is queued, then stops the thread. */
void
worker_stop(void)
{
	if (!worker.started)
		return;
	pthread_mutex_lock(&worker.lock);
	worker.stopping = 1;
	pthread_cond_signal(&worker.wake);
	pthread_mutex_unlock(&worker.lock);
	pthread_join(worker.thread, NULL);
	worker_collect();
	close(worker.pipe[0]);
	close(worker.pipe[1]);
	worker.started = 0;
}
