/*
 * Log lines to stderr, as tmux and OpenBSD daemons do: log_warn and
 * log_fatal add errno's message, the -x forms do not; the fatal ones exit,
 * and are used only at start-up or out of memory.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static int log_verbose = 1;

/*
 * While held (the server's loop), lines gather here and go out in one
 * write per loop turn: a till's request then costs no write of its own.
 * Only the loop's thread logs while held.
 */
static char log_buf[16384];
static size_t log_len;
static int log_held;

void
log_flush(void)
{
	size_t off = 0;
	ssize_t n;

	while (off < log_len) {
		if ((n = write(STDERR_FILENO, log_buf + off, log_len - off)) <=
		    0)
			break;
		off += (size_t)n;
	}
	log_len = 0;
}

void
log_hold(int on)
{
	log_flush();
	log_held = on;
}

void
log_init(int verbose)
{
	log_verbose = verbose;
}

/* One line out: gathered while held, else written at once. */
static void
log_put(const char *line, size_t n)
{
	if (log_held && log_len + n <= sizeof(log_buf)) {
		memcpy(log_buf + log_len, line, n);
		log_len += n;
		return;
	}
	log_flush();
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

static void
log_vwrite(const char *level, const char *fmt, va_list ap, const char *err)
{
	struct timespec ts;
	struct tm tm;
	char line[1024];
	size_t n;
	int k;

	/* One write a line: stderr is unbuffered, and lines must not mix. */
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	k = snprintf(line + n, sizeof(line) - n, "%s ", level);
	n += k > 0 ? (size_t)k : 0;
	k = vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = k < 0                              ? n
	    : n + (size_t)k < sizeof(line) - 1 ? n + (size_t)k
	                                       : sizeof(line) - 2;
	if (err != NULL) {
		k = snprintf(line + n, sizeof(line) - n, ": %s", err);
		n = k < 0                              ? n
		    : n + (size_t)k < sizeof(line) - 1 ? n + (size_t)k
		                                       : sizeof(line) - 2;
	}
	line[n++] = '\n';
	log_put(line, n);
}

/* Appends s, cut at end (exclusive); where it stopped. */
static char *
log_cat(char *p, const char *end, const char *s)
{
	while (*s != '\0' && p < end)
		*p++ = *s++;
	return p;
}

/* v >= 0 in decimal, at least width digits. */
static char *
log_num(char *p, const char *end, long v, int width)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0 || n < width);
	while (n > 0 && p < end)
		*p++ = tmp[--n];
	return p;
}

/*
 * The line of one request (the server's most frequent), as log_info
 * would write "METHOD PATH STATUS X.XXms", put together by hand with its
 * second's time stamp formatted once: strftime and printf's floats cost
 * a twentieth of a look-up.
 */
void
log_request(const char *method, const char *path, int status, long us)
{
	static time_t sec = -1;
	static char stamp[40];
	struct timespec ts;
	struct tm tm;
	char line[1024], *p, *end = line + sizeof(line) - 1;

	if (log_verbose < 1)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (ts.tv_sec != sec) {
		gmtime_r(&ts.tv_sec, &tm);
		if (strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ info ",
		        &tm) == 0)
			stamp[0] = '\0';
		sec = ts.tv_sec;
	}
	if (us < 0)
		us = 0;
	p = log_cat(line, end, stamp);
	p = log_cat(p, end, method);
	p = log_cat(p, end, " ");
	p = log_cat(p, end, path);
	p = log_cat(p, end, " ");
	p = log_num(p, end, status, 1);
	p = log_cat(p, end, " ");
	us = (us + 5) / 10; /* hundredths of a millisecond, rounded */
	p = log_num(p, end, us / 100, 1);
	p = log_cat(p, end, ".");
	p = log_num(p, end, us % 100, 2);
	p = log_cat(p, end, "ms");
	*p++ = '\n';
	log_put(line, (size_t)(p - line));
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	log_vwrite("debug", fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vwrite("info", fmt, ap, NULL);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	log_vwrite("warn", fmt, ap, strerror(saved));
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite("warn", fmt, ap, NULL);
	va_end(ap);
}

void
log_fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	log_hold(0);
	va_start(ap, fmt);
	log_vwrite("fatal", fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
log_fatalx(const char *fmt, ...)
{
	va_list ap;

	log_hold(0);
	va_start(ap, fmt);
	log_vwrite("fatal", fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
