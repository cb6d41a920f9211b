/* Readiness for systemd's Type=notify (notify.c). */
#ifndef CISHAN_NOTIFY_H
#define CISHAN_NOTIFY_H

/* Sends STATE ("READY=1", ...) to $NOTIFY_SOCKET: 0 when sent or when
 * there is no such variable, -1 (logged) when it could not be. */
int notify_send(const char *state);
/* READY=1 with a STATUS line naming URL: the listener is bound. */
int notify_ready(const char *url);
/* STOPPING=1: a signal asked the server to stop. */
int notify_stopping(void);

#endif
