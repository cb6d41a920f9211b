/*
 * Configuration files: "key = value" lines. Strict, because a setting
 * that is silently dropped (a typo in a key, a stray word in a number)
 * makes a server that runs differently from what its file says: every
 * line is a setting, a comment or blank, or the file is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

static int
conf_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int
conf_line(char *line, char **key, char **val, const char **why)
{
	char *k, *e, *v;

	k = line + strspn(line, " \t");
	for (e = k + strlen(k); e > k && strchr(" \t\r", e[-1]) != NULL; e--)
		;
	*e = '\0';
	if (*k == '\0' || *k == '#')
		return 0;
	if ((v = strchr(k, '=')) == NULL) {
		*why = "want key = value";
		return -1;
	}
	for (e = v; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	v++;
	v += strspn(v, " \t");
	if (*k == '\0') {
		*why = "no key before =";
		return -1;
	}
	if (*k == '-') {
		*why = "a key is the long option's name without --";
		return -1;
	}
	for (e = k; *e != '\0'; e++)
		if (!conf_key_char(*e)) {
			*why = "a key is lower-case letters, digits and -";
			return -1;
		}
	if (*v == '\0') {
		*why = "no value after =";
		return -1;
	}
	for (e = v; *e != '\0'; e++)
		if ((unsigned char)*e < 0x20 && *e != '\t') {
			*why = "a control character in the value";
			return -1;
		}
	*key = k;
	*val = v;
	return 1;
}

int
conf_bool(const char *v)
{
	if (strcmp(v, "yes") == 0)
		return 1;
	if (strcmp(v, "no") == 0)
		return 0;
	return -1;
}

/* The whole file, NUL-ended, into a new buffer; -1 with why. */
static int
conf_slurp(const char *path, char **out, size_t *len, char *err, size_t size)
{
	char *buf = NULL;
	size_t n = 0;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((buf = malloc(CONF_FILE_MAX + 1)) == NULL) {
		snprintf(err, size, "%s: out of memory", path);
		goto fail;
	}
	while ((got = read(fd, buf + n, CONF_FILE_MAX + 1 - n)) > 0)
		if ((n += (size_t)got) > CONF_FILE_MAX)
			break;
	if (got < 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (n > CONF_FILE_MAX) {
		snprintf(
		    err, size, "%s: longer than %d bytes", path, CONF_FILE_MAX);
		goto fail;
	}
	buf[n] = '\0';
	close(fd);
	*out = buf;
	*len = n;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

int
conf_read(const char *path, conf_set_fn set, void *arg, char **bufp, char *err,
    size_t size)
{
	const char *keys[CONF_KEYS_MAX], *why = NULL;
	char *buf, *line, *nl, *key, *val, whybuf[256];
	size_t len, nkeys = 0, i;
	int no = 0, r;

	*bufp = NULL;
	if (conf_slurp(path, &buf, &len, err, size) != 0)
		return -1;
	for (line = buf; line < buf + len; line = nl + 1) {
		no++;
		if ((nl = memchr(line, '\n', (size_t)(buf + len - line))) ==
		    NULL)
			nl = buf + len;
		if (nl - line + 1 > CONF_LINE_MAX) {
			why = "line too long";
			goto bad;
		}
		if (memchr(line, '\0', (size_t)(nl - line)) != NULL) {
			why = "a NUL byte in the line";
			goto bad;
		}
		*nl = '\0';
		if ((r = conf_line(line, &key, &val, &why)) < 0)
			goto bad;
		if (r == 0)
			continue;
		for (i = 0; i < nkeys; i++)
			if (strcmp(keys[i], key) == 0) {
				snprintf(whybuf, sizeof(whybuf),
				    "%s is set twice", key);
				why = whybuf;
				goto bad;
			}
		if (nkeys == CONF_KEYS_MAX) {
			why = "too many settings";
			goto bad;
		}
		keys[nkeys++] = key;
		whybuf[0] = '\0';
		if (set(arg, key, val, whybuf, sizeof(whybuf)) != 0) {
			why = whybuf[0] != '\0' ? whybuf : "bad setting";
			goto bad;
		}
	}
	*bufp = buf;
	return 0;
bad:
	snprintf(err, size, "%s:%d: %s", path, no, why);
	free(buf);
	return -1;
}
