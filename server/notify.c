/*
 * sd_notify's socket protocol, written out so that the server needs no
 * libsystemd: $NOTIFY_SOCKET names a unix datagram socket, a file path
 * or, with a leading '@', a name in the abstract namespace; each state
 * is one datagram of "KEY=VALUE" lines. Without the variable (not run
 * by systemd, or Type=simple) nothing is sent.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"

int
notify_send(const char *state)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	size_t n, sl = strlen(state);
	int fd, rc = -1;

	if (path == NULL || *path == '\0')
		return 0;
	n = strlen(path);
	/* A path or an abstract name; others (vsock:) are not ours. */
	if ((path[0] != '/' && path[0] != '@') || n < 2 ||
	    n >= sizeof(sa.sun_path)) {
		log_warnx(
		    "NOTIFY_SOCKET %s: not a unix socket; not notified", path);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, n);
	/* An abstract name is its bytes after a NUL, without a final NUL. */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';
	else
		len++;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0) {
		log_warn("NOTIFY_SOCKET: socket");
		return -1;
	}
	if (sendto(fd, state, sl, MSG_NOSIGNAL, (struct sockaddr *)&sa, len) ==
	    (ssize_t)sl)
		rc = 0;
	else
		log_warn("NOTIFY_SOCKET %s: not notified", path);
	close(fd);
	return rc;
}

int
notify_ready(const char *url)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=listening on %s", url);
	return notify_send(msg);
}

int
notify_stopping(void)
{
	return notify_send("STOPPING=1\nSTATUS=finishing requests in flight");
}
