/*
 * What a new password must be: 10 to 128 bytes, not the user name, not
 * one of the common passwords shipped in server/passwords/ (compared
 * without case). Passwords set before these rules stay until changed.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server.h"

#define PASSWORD_MIN 10
#define PASSWORD_MAX 128

extern const char *const password_common[];
extern const size_t password_ncommon;

static int
password_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

/* Whether pw, lower-cased, is on the list. */
int
password_common_has(const char *pw)
{
	char low[PASSWORD_MAX + 1];
	size_t i, n = strlen(pw);

	if (n > PASSWORD_MAX)
		return 0;
	for (i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)pw[i]);
	return bsearch(low, password_common, password_ncommon,
	           sizeof(password_common[0]), password_cmp) != NULL;
}

/* 0 when pw may be user's new password; else -1 with a 400 bad_field of
 * field. */
int
password_check(
    const char *user, const char *pw, const char *field, struct fault *f)
{
	size_t n = strlen(pw);

	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return fault_field(f, FAULT_BAD, "bad_field", field,
		    "the password: %d to %d bytes", PASSWORD_MIN, PASSWORD_MAX);
	if (strcasecmp(pw, user) == 0)
		return fault_field(f, FAULT_BAD, "bad_field", field,
		    "the password may not be the user name");
	if (password_common_has(pw))
		return fault_field(f, FAULT_BAD, "bad_field", field,
		    "that password is one of the most common ones; choose "
		    "another");
	return 0;
}
