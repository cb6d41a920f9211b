/*
 * printer_file.c: "file:PATH", a printer behind a file descriptor
 * (/dev/usb/lp0 through usblp, a serial port, a FIFO, a spool file),
 * and the fd I/O printer_tcp.c shares.  Whether a status query can
 * work is decided at open: a regular file, a path only writable, or
 * anything epoll refuses never answers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <event2/event.h>

#include "printer.h"

struct printer_file {
	struct printer *p;
	int fd;
	int status; /* readable and pollable: a status query can work */
	const uint8_t *wbuf;
	size_t wlen;
	struct event *wev, *rev;
};

static void
printer_file_wcb(evutil_socket_t fd, short what, void *arg)
{
	struct printer_file *f = arg;
	ssize_t r;

	(void)what;
	if (f->p->cur == NULL)
		return;
	if ((r = write(fd, f->wbuf, f->wlen)) < 0) {
		if ((errno == EAGAIN || errno == EINTR) &&
		    event_add(f->wev, NULL) == 0)
			return;
		printer_out_done(
		    f->p, 0, errno == ENODEV ? DRV_ENODEV : DRV_EIO);
		return;
	}
	printer_out_done(f->p, (size_t)r, 0);
}

static void
printer_file_rcb(evutil_socket_t fd, short what, void *arg)
{
	struct printer_file *f = arg;
	uint8_t b[64];
	ssize_t r;

	if (what & EV_TIMEOUT) {
		printer_in_done(f->p, NULL, 0, PRINTER_AGAIN);
		return;
	}
	if ((r = read(fd, b, sizeof(b))) <= 0) {
		printer_in_done(f->p, NULL, 0, PRINTER_AGAIN);
		return;
	}
	printer_in_done(f->p, b, (size_t)r, 0);
}

void
printer_file_write(struct printer *p, const uint8_t *b, size_t n)
{
	struct printer_file *f = p->tr;

	f->wbuf = b;
	f->wlen = n;
	printer_file_wcb(f->fd, EV_WRITE, f);
}

void
printer_file_read(struct printer *p, unsigned ms)
{
	struct printer_file *f = p->tr;
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	if (event_add(f->rev, &tv) != 0)
		printer_in_done(p, NULL, 0, PRINTER_AGAIN); /* unknown */
}

int
printer_file_can_status(const struct printer *p)
{
	const struct printer_file *f = p->tr;

	return f->status;
}

/* Bytes already waiting on the fd are not answers to our query. */
int
printer_file_drain(struct printer *p)
{
	struct printer_file *f = p->tr;
	uint8_t b[64];

	for (int i = 0; i < 16 && read(f->fd, b, sizeof(b)) > 0; i++)
		;
	return 0;
}

int
printer_file_expire(struct printer *p)
{
	struct printer_file *f = p->tr;

	event_del(f->wev);
	return 0;
}

static int
printer_file_pollable(int fd)
{
	struct epoll_event ev = {.events = EPOLLIN};
	int ep = epoll_create1(EPOLL_CLOEXEC), ok;

	if (ep < 0)
		return 1; /* cannot tell: try, the status timeout holds */
	ok = epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0 || errno != EPERM;
	close(ep);
	return ok;
}

int
printer_file_attach(struct printer *p, int fd, int status)
{
	struct printer_file *f;

	if ((f = p->tr = calloc(1, sizeof(*f))) == NULL) {
		close(fd);
		return -1;
	}
	f->p = p;
	f->fd = fd;
	f->status = status;
	f->wev = event_new(p->ctx->base, fd, EV_WRITE, printer_file_wcb, f);
	f->rev = event_new(p->ctx->base, fd, EV_READ, printer_file_rcb, f);
	if (f->wev == NULL || f->rev == NULL)
		return -1;
	/* What epoll refuses (/dev/null and the like) can never answer:
	 * find out now, quietly, rather than wait for a read that never
	 * comes (libevent would only log a warning). */
	if (f->status && !printer_file_pollable(fd))
		f->status = 0;
	p->attached = 1;
	return 0;
}

void
printer_file_close(struct printer *p)
{
	struct printer_file *f = p->tr;

	if (f == NULL)
		return;
	if (f->wev != NULL)
		event_free(f->wev);
	if (f->rev != NULL)
		event_free(f->rev);
	close(f->fd);
	free(f);
	p->tr = NULL;
}

static int
printer_file_open(struct printer *p, const char *spec)
{
	const char *path = spec + 5;
	struct stat sb;
	struct termios t;
	int fd, status = 1;

	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT) {
		fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
		status = 0; /* cannot read an answer */
	}
	/* A file that is not there is made (a spool), appended to; nothing
	 * is ever made under /dev, where it would hide a missing device. */
	if (fd < 0 && errno == ENOENT && strncmp(path, "/dev/", 5) != 0) {
		fd = open(path,
		    O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC, 0644);
		status = 0;
	}
	if (fd < 0)
		return -1; /* errno says why */
	/* A regular file (a spool, a test) never answers, and is written
	 * at its end: never over what is there. */
	if (fstat(fd, &sb) != 0) {
		close(fd);
		return -1;
	}
	if (!S_ISCHR(sb.st_mode) && !S_ISFIFO(sb.st_mode) &&
	    !S_ISSOCK(sb.st_mode))
		status = 0;
	if (S_ISREG(sb.st_mode) &&
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_APPEND) < 0) {
		close(fd);
		return -1;
	}
	/* A serial printer: bytes as they are, no CR/LF games. */
	if (tcgetattr(fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(fd, TCSANOW, &t);
	}
	return printer_file_attach(p, fd, status);
}

const struct printer_ops printer_file_ops = {
    .prefix = "file:",
    .open = printer_file_open,
    PRINTER_FILE_IO,
};
