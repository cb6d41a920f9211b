/*
 * printer_tcp.c: "tcp:HOST:PORT", a network printer's raw port (9100).
 * Only the connection is its own; the I/O is printer_file.c's.
 */
#include <errno.h>
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "printer.h"

static int
printer_tcp_open(struct printer *p, const char *spec)
{
	struct addrinfo hints = {0}, *res = NULL;
	char host[256];
	const char *hp = spec + 4, *colon = strrchr(hp, ':');
	size_t hl;
	int fd;

	if (colon == NULL || (hl = (size_t)(colon - hp)) == 0 ||
	    hl >= sizeof(host))
		return -1;
	memcpy(host, hp, hl);
	host[hl] = '\0';
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	fd = socket(
	    res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) != 0 &&
	    errno != EINPROGRESS) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	/* A socket answers DLE EOT like a device file. */
	return printer_file_attach(p, fd, 1);
}

const struct printer_ops printer_tcp_ops = {
    .prefix = "tcp:",
    .open = printer_tcp_open,
    PRINTER_FILE_IO,
};
