/*
 * Configuration files (server.conf, pos.conf): "key = value" lines, the
 * keys named as the long options without "--"; # comments and blank
 * lines. A bad line is refused with FILE:LINE (docs/config.md).
 */
#ifndef CISHAN_CONF_H
#define CISHAN_CONF_H

#include <stddef.h>

/* A line's bytes, its newline included; a file's. */
#define CONF_LINE_MAX 512
#define CONF_FILE_MAX 65536
/* Settings in one file. */
#define CONF_KEYS_MAX 64

/*
 * One line, parsed in place (its newline already cut). 1: a setting,
 * *key and *val point into LINE; 0: blank or a comment; -1: bad, *why
 * says why.
 */
int conf_line(char *line, char **key, char **val, const char **why);
/* "yes" 1, "no" 0, else -1. */
int conf_bool(const char *);

/*
 * A setting: 0 if taken, else -1 with why (an unknown key, a bad value).
 * The value lives as long as the buffer conf_read returned.
 */
typedef int (*conf_set_fn)(
    void *arg, const char *key, const char *val, char *why, size_t size);

/*
 * Reads PATH and gives SET each setting, in order. 0: *buf holds the
 * values (free it once they are no longer used). -1: nothing to free,
 * err holds "PATH:LINE: why" (or "PATH: why"); stop at the first.
 */
int conf_read(const char *path, conf_set_fn set, void *arg, char **buf,
    char *err, size_t size);

#endif
