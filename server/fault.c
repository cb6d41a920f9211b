/*
 * Faults: why a request was refused, in the API's terms (a code, a
 * message, the field and the figures), without knowing HTTP.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "server.h"

static void
fault_vset(struct fault *f, enum fault_kind kind, const char *code,
    const char *field, const char *fmt, va_list ap)
{
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->code = code;
	if (field != NULL)
		snprintf(f->field, sizeof(f->field), "%s", field);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
}

/* Sets the fault; returns -1 so callers can "return fault_set(...)". */
int
fault_set(struct fault *f, enum fault_kind kind, const char *code,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fault_vset(f, kind, code, NULL, fmt, ap);
	va_end(ap);
	return -1;
}

int
fault_field(struct fault *f, enum fault_kind kind, const char *code,
    const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fault_vset(f, kind, code, field, fmt, ap);
	va_end(ap);
	return -1;
}

void
fault_num(struct fault *f, const char *key, int64_t v)
{
	if (f->ndetails == FAULT_DETAILS)
		return;
	f->details[f->ndetails].key = key;
	f->details[f->ndetails].num = v;
	f->details[f->ndetails++].is_str = 0;
}

void
fault_str(struct fault *f, const char *key, const char *v)
{
	if (f->ndetails == FAULT_DETAILS)
		return;
	f->details[f->ndetails].key = key;
	snprintf(f->details[f->ndetails].str,
	    sizeof(f->details[f->ndetails].str), "%s", v);
	f->details[f->ndetails++].is_str = 1;
}

/* The fault's field is in element i of a list the caller names (the
 * domain knows a basket's line, the handler that it is "lines"). */
int
fault_elem(struct fault *f, int i)
{
	f->elem = i + 1;
	return -1;
}

/* A db error the caller did not expect. */
int
fault_db(struct fault *f, int rc)
{
	if (rc == DB_CONFLICT)
		return fault_set(f, FAULT_CONFLICT, "conflict",
		    "the record conflicts with an existing one");
	if (db_storage_failed())
		return fault_set(f, FAULT_UNAVAILABLE, "unavailable",
		    "the database cannot write now (a full disk or a failing "
		    "one); nothing was recorded, retry with the same "
		    "client_id");
	return fault_set(f, FAULT_INTERNAL, "internal",
	    "the database failed; nothing was changed");
}
