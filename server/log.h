/* Logging to stderr: one line each, with a level. */
#ifndef CISHAN_LOG_H
#define CISHAN_LOG_H

void log_init(int);
void log_hold(int);
void log_flush(void);
void log_request(const char *, const char *, int, long);
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_fatal(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void log_fatalx(const char *, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
