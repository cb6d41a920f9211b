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

#define WORKER_QUEUE 16 /* beyond: the caller says "busy, retry" */

struct worker_job {
	void (*run)(void *);
	void (*done)(void *);
	void *arg;
	struct worker_job *next;
};

static struct {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct worker_job *todo, *todo_tail, *finished;
	int queued, stopping, started;
	int pipe[2];
} worker;

static void *
worker_main(void *unused)
{
	struct worker_job *j;
	char c = 1;
	ssize_t woke;

	(void)unused;
	pthread_mutex_lock(&worker.lock);
	for (;;) {
		while (worker.todo == NULL && !worker.stopping)
			pthread_cond_wait(&worker.wake, &worker.lock);
		if (worker.todo == NULL)
			break;
		j = worker.todo;
		if ((worker.todo = j->next) == NULL)
			worker.todo_tail = NULL;
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

/* Queues run(arg) for the thread; done(arg) follows on the loop. */
int
worker_submit(void (*run)(void *), void (*done)(void *), void *arg)
{
	struct worker_job *j;
	int rc = -1;

	pthread_mutex_lock(&worker.lock);
	if (worker.queued < WORKER_QUEUE && !worker.stopping &&
	    (j = calloc(1, sizeof(*j))) != NULL) {
		j->run = run;
		j->done = done;
		j->arg = arg;
		if (worker.todo_tail != NULL)
			worker.todo_tail->next = j;
		else
			worker.todo = j;
		worker.todo_tail = j;
		worker.queued++;
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
		worker.queued--;
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
