/*
 * script.c: --script FILE|-.  Each line is a command fed to the same app
 * functions the terminal and the scanner feed; once what it started is
 * over (look-ups answered, receipt sent) the state is printed as one JSON
 * line.  stdin is read through the loop, so a test can wait for a line,
 * act on the emulated devices, and only then send the next command.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>

#include "pos.h"

#define SCRIPT_LINE_MAX 512
#define SCRIPT_FILE_MAX (1024 * 1024)
#define SCRIPT_WAIT_MAX 600000 /* ms */

struct script {
	struct app *a;
	struct event_base *base;
	struct evbuffer *in;
	struct event *rd, *wait;
	int fd;
	int eof;
	int running; /* a command is not over yet */
	int waiting; /* in a wait MS */
	int done;
	int in_next; /* script_next is on the stack: no re-entry */
};

static void script_next(struct script *);

char *
script_state(struct app *a)
{
	struct wire_devs d;

	d.pending = app_pending(a);
	d.conflicts = app_conflicts(a);
	d.printer = app_printer_state(a);
	d.print_queue = app_print_queue(a);
	d.scanner = app_scanner_state(a);
	d.receipt = app_last_receipt(a);
	return wire_state(app_till(a), &d);
}

static void
script_print(struct script *sc)
{
	char *s = script_state(sc->a);

	printf("%s\n", s ? s : "{}");
	fflush(stdout);
	free(s);
	till_msgs_clear(app_till(sc->a));
}

/* Once a command is over: its state line; 1 then. */
static int
script_over(struct script *sc)
{
	if (!sc->running || sc->waiting || app_busy(sc->a) > 0)
		return 0;
	sc->running = 0;
	script_print(sc);
	return 1;
}

static void
script_idle(void *arg)
{
	struct script *sc = arg;

	if (script_over(sc) && !sc->in_next)
		script_next(sc);
}

static void
script_waited(evutil_socket_t fd, short ev, void *arg)
{
	struct script *sc = arg;

	(void)fd;
	(void)ev;
	sc->waiting = 0;
	if (script_over(sc) && !sc->in_next)
		script_next(sc);
}

static int
script_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void
script_run(struct script *sc, char *line)
{
	struct till *t = app_till(sc->a);
	char *cmd, *arg1, *arg2, *save = NULL;
	int64_t n;

	cmd = strtok_r(line, " \t", &save);
	arg1 = strtok_r(NULL, " \t", &save);
	arg2 = strtok_r(NULL, " \t", &save);
	sc->running = 1;
	if (strcmp(cmd, "login") == 0 && arg1 && arg2)
		app_login(sc->a, arg1, arg2);
	else if (strcmp(cmd, "scan") == 0 && arg1)
		app_scan(sc->a, arg1);
	else if (strcmp(cmd, "qty") == 0 && arg1) {
		if (script_int(arg1, 0, TILL_MAX_QTY, &n) < 0 || t->nlines == 0)
			till_msg(t, "bad_quantity", "%s",
			    till_tr(t, "数量无效或没有商品",
			        "no line, or a bad quantity"));
		else
			till_qty(t, t->nlines - 1, n);
	} else if (strcmp(cmd, "remove") == 0) {
		if (t->nlines == 0 || till_remove(t, t->nlines - 1) < 0)
			till_msg(t, "empty_basket", "%s",
			    till_tr(t, "购物篮是空的", "the basket is empty"));
	} else if (strcmp(cmd, "confirm") == 0)
		app_confirm(sc->a);
	else if (strcmp(cmd, "sale") == 0)
		app_sale(sc->a);
	else if (strcmp(cmd, "pay") == 0 && arg1)
		app_pay(sc->a, arg1, arg2 ? arg2 : "");
	else if (strcmp(cmd, "cancel") == 0)
		till_cancel(t);
	else if (strcmp(cmd, "reprint") == 0)
		app_reprint(sc->a);
	else if (strcmp(cmd, "shift") == 0)
		app_shift(sc->a);
	else if (strcmp(cmd, "search") == 0 && arg1)
		app_search(sc->a, arg1);
	else if (strcmp(cmd, "donation-receipt") == 0 && arg1) {
		if (script_int(arg1, 1, INT64_MAX, &n) < 0)
			till_msg(t, "bad_donation", "%s",
			    till_tr(t, "捐赠编号无效", "not a donation id"));
		else
			app_donation(sc->a, n);
	} else if (strcmp(cmd, "void") == 0 && arg1 && arg2) {
		/* void RECEIPT_NO MANAGER PASSWORD REASON...: the reason is
		 * the rest of the line. */
		char *pw = strtok_r(NULL, " \t", &save), *why = save;

		while (why != NULL && (*why == ' ' || *why == '\t'))
			why++;
		app_void(sc->a, arg1, arg2, pw ? pw : "", why ? why : "");
		if (pw != NULL)
			explicit_bzero(pw, strlen(pw));
	} else if ((strcmp(cmd, "volunteer-in") == 0 ||
	               strcmp(cmd, "volunteer-out") == 0 ||
	               strcmp(cmd, "volunteer") == 0) &&
	    arg1) {
		/* volunteer-in ID [ROLE] (志愿服务 when none), volunteer-out
		 * ID; volunteer ID [ROLE] is F11: in, or out if in. */
		if (script_int(arg1, 1, INT64_MAX, &n) < 0)
			till_msg(t, "bad_volunteer", "%s",
			    till_tr(t, "志愿者编号无效", "not a volunteer id"));
		else
			app_volunteer(sc->a, n,
			    strcmp(cmd, "volunteer") == 0
			        ? -1
			        : strcmp(cmd, "volunteer-in") == 0,
			    arg2 != NULL ? arg2 : "志愿服务");
	} else if (strcmp(cmd, "wait") == 0 && arg1 &&
	    script_int(arg1, 0, SCRIPT_WAIT_MAX, &n) == 0) {
		struct timeval tv = {n / 1000, (n % 1000) * 1000};

		sc->waiting = 1;
		evtimer_add(sc->wait, &tv);
	} else
		till_msg(t, "bad_command", "%s: %s",
		    till_tr(t, "无法识别的命令", "unknown command"), cmd);
}

static void
script_next(struct script *sc)
{
	char *line;
	size_t n;

	if (sc->in_next)
		return;
	sc->in_next = 1;
	while (!sc->running && !sc->done) {
		line = evbuffer_readln(sc->in, &n, EVBUFFER_EOL_LF);
		if (line == NULL && sc->eof &&
		    evbuffer_get_length(sc->in) > 0) {
			/* A last line without a newline. */
			n = evbuffer_get_length(sc->in);
			if ((line = malloc(n + 1)) != NULL) {
				evbuffer_remove(sc->in, line, n);
				line[n] = '\0';
			}
		}
		if (line == NULL) {
			/* The end once nothing started is still going on;
			 * journalled rows are safe, so they need not wait. */
			if (sc->eof && app_busy(sc->a) == 0 &&
			    !app_sending(sc->a)) {
				sc->done = 1;
				event_base_loopexit(sc->base, NULL);
			}
			break;
		}
		while (n > 0 &&
		    (line[n - 1] == '\r' || line[n - 1] == ' ' ||
		        line[n - 1] == '\t'))
			line[--n] = '\0';
		if (n > SCRIPT_LINE_MAX) {
			till_msg(app_till(sc->a), "bad_command", "%s",
			    "line too long");
			sc->running = 1;
		} else if (line[strspn(line, " \t")] != '\0' &&
		    line[strspn(line, " \t")] != '#')
			script_run(sc, line + strspn(line, " \t"));
		free(line);
		script_over(sc); /* else the idle hook or the timer ends it */
	}
	sc->in_next = 0;
}

static void
script_read(evutil_socket_t fd, short ev, void *arg)
{
	struct script *sc = arg;
	int r;

	(void)ev;
	r = evbuffer_read(sc->in, fd, 4096);
	if (r <= 0 && !(r < 0 && (errno == EAGAIN || errno == EINTR))) {
		sc->eof = 1;
		event_del(sc->rd);
	}
	if (evbuffer_get_length(sc->in) > SCRIPT_FILE_MAX) {
		fprintf(stderr, "cishan-pos: script over %d bytes\n",
		    SCRIPT_FILE_MAX);
		sc->eof = 1;
		event_del(sc->rd);
	}
	script_next(sc);
}

/* Keep going while a replay is in flight at the end of the script. */
static void
script_change(void *arg)
{
	struct script *sc = arg;

	if (sc->eof && !sc->running && !sc->done)
		script_next(sc);
}

static void
script_start(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	script_next(arg);
}

/* Regular files cannot be polled (epoll refuses them): read them whole. */
static int
script_attach(struct script *sc)
{
	struct timeval now = {0, 0};
	int r;

	if ((sc->wait = evtimer_new(sc->base, script_waited, sc)) == NULL)
		return -1;
	sc->rd =
	    event_new(sc->base, sc->fd, EV_READ | EV_PERSIST, script_read, sc);
	if (sc->rd == NULL)
		return -1;
	if (event_add(sc->rd, NULL) != 0) {
		event_free(sc->rd);
		sc->rd = NULL;
		while ((r = evbuffer_read(sc->in, sc->fd, 65536)) > 0)
			if (evbuffer_get_length(sc->in) > SCRIPT_FILE_MAX)
				return -1;
		sc->eof = 1;
	}
	app_hooks(sc->a, script_change, script_idle, sc);
	return event_base_once(
	    sc->base, -1, EV_TIMEOUT, script_start, sc, &now);
}

struct script *
script_new(struct app *a, struct event_base *base, const char *path, char *err,
    size_t errsz)
{
	struct script *sc;
	int fd;

	if ((sc = calloc(1, sizeof(*sc))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	sc->a = a;
	sc->base = base;
	sc->fd = -1;
	if (strcmp(path, "-") == 0)
		fd = dup(0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "cannot open script %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	sc->fd = fd;
	evutil_make_socket_nonblocking(fd);
	if ((sc->in = evbuffer_new()) == NULL || script_attach(sc) < 0) {
		snprintf(
		    err, errsz, "script %s: too big or out of memory", path);
		goto fail;
	}
	return sc;
fail:
	script_free(sc);
	return NULL;
}

void
script_free(struct script *sc)
{
	if (sc == NULL)
		return;
	if (sc->rd != NULL)
		event_free(sc->rd);
	if (sc->wait != NULL)
		event_free(sc->wait);
	if (sc->in != NULL)
		evbuffer_free(sc->in);
	if (sc->fd >= 0)
		close(sc->fd);
	free(sc);
}

int
script_done(const struct script *sc)
{
	return sc->done;
}
