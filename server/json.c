/*
 * JSON in and out, bounded. Getters check type, length and range and
 * name the field in the fault; integers are taken only when whole and
 * within int64 ranges the caller gives (cJSON keeps numbers as doubles, so
 * nothing beyond 2^53 is accepted), and written back exactly as text.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "http.h"

#define JSON_EXACT 9007199254740992.0 /* 2^53 */

static const cJSON *
json_member(
    const cJSON *o, const char *key, int required, struct fault *f, int *rc)
{
	const cJSON *v;

	*rc = 0;
	v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			*rc = fault_field(f, FAULT_BAD, "missing_field", key,
			    "%s is required", key);
		return NULL;
	}
	return v;
}

/* Well-formed UTF-8 without control characters other than none at all. */
int
json_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;
	uint32_t c;

	while (i < n) {
		c = p[i];
		if (c < 0x20 || c == 0x7f)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, c &= 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, c &= 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, c &= 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
		    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * A string of at most max bytes, valid UTF-8, not blank.
 * Returns 1 when present, 0 when absent and optional, -1 on a fault.
 */
int
json_str(const cJSON *o, const char *key, int required, size_t max, char *out,
    size_t size, struct fault *f)
{
	const cJSON *v;
	size_t n;
	int rc;

	if ((v = json_member(o, key, required, f, &rc)) == NULL)
		return rc;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return fault_field(
		    f, FAULT_BAD, "bad_field", key, "%s must be a string", key);
	n = strlen(v->valuestring);
	if (max >= size)
		max = size - 1;
	if (n > max)
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s is longer than %zu bytes", key, max);
	if (n == 0 || strspn(v->valuestring, " ") == n)
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must not be empty", key);
	if (!json_utf8_valid(v->valuestring, n))
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be UTF-8 text without control characters", key);
	memcpy(out, v->valuestring, n + 1);
	return 1;
}

int
json_int(const cJSON *o, const char *key, int required, int64_t min,
    int64_t max, int64_t *out, struct fault *f)
{
	const cJSON *v;
	double d;
	int rc;

	if ((v = json_member(o, key, required, f, &rc)) == NULL)
		return rc;
	if (!cJSON_IsNumber(v))
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be an integer", key);
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d))
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be a whole number", key);
	/* 2^53 itself may be a rounded 2^53 + 1: only below it is exact. */
	if (d <= -JSON_EXACT || d >= JSON_EXACT || (int64_t)d < min ||
	    (int64_t)d > max) {
		fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be between %" PRId64 " and %" PRId64, key, min,
		    max);
		fault_num(f, "min", min);
		fault_num(f, "max", max);
		return -1;
	}
	*out = (int64_t)d;
	return 1;
}

int
json_bool(
    const cJSON *o, const char *key, int required, int *out, struct fault *f)
{
	const cJSON *v;
	int rc;

	if ((v = json_member(o, key, required, f, &rc)) == NULL)
		return rc;
	if (!cJSON_IsBool(v))
		return fault_field(f, FAULT_BAD, "bad_field", key,
		    "%s must be true or false", key);
	*out = cJSON_IsTrue(v);
	return 1;
}

/* One of names (NULL-terminated); *out is its index. */
int
json_enum(const cJSON *o, const char *key, int required,
    const char *const *names, int *out, struct fault *f)
{
	const cJSON *v;
	char allowed[256];
	size_t len = 0;
	int i, rc;

	if ((v = json_member(o, key, required, f, &rc)) == NULL)
		return rc;
	for (i = 0; cJSON_IsString(v) && names[i] != NULL; i++)
		if (strcmp(v->valuestring, names[i]) == 0) {
			*out = i;
			return 1;
		}
	allowed[0] = '\0';
	for (i = 0; names[i] != NULL && len < sizeof(allowed); i++)
		len += (size_t)snprintf(allowed + len, sizeof(allowed) - len,
		    "%s%s", i ? ", " : "", names[i]);
	return fault_field(f, FAULT_BAD, "bad_field", key,
	    "%s must be one of: %s", key, allowed);
}

const cJSON *
json_array(const cJSON *o, const char *key, int required, int max, int *n,
    struct fault *f)
{
	const cJSON *v;
	int rc;

	*n = 0;
	if ((v = json_member(o, key, required, f, &rc)) == NULL)
		return NULL;
	if (!cJSON_IsArray(v))
		return fault_field(f, FAULT_BAD, "bad_field", key,
		           "%s must be a list", key),
		       NULL;
	*n = cJSON_GetArraySize(v);
	if (*n > max)
		return fault_field(f, FAULT_BAD, "bad_field", key,
		           "%s has more than %d entries", key, max),
		       NULL;
	return v;
}

int
json_object(const cJSON *v, const char *what, struct fault *f)
{
	if (cJSON_IsObject(v))
		return 0;
	return fault_field(
	    f, FAULT_BAD, "bad_field", what, "%s must be an object", what);
}

/* Names a nested field: "quantity" becomes "lines[2].quantity". */
void
json_prefix(struct fault *f, const char *list, int i)
{
	char field[sizeof(f->field)];

	memcpy(field, f->field, sizeof(field));
	snprintf(f->field, sizeof(f->field), "%.20s[%d]%s%.60s", list, i,
	    field[0] ? "." : "", field);
}

/* A domain fault about element i of a list: its path as list[i].field. */
void
json_fault_path(struct fault *f, const char *list)
{
	if (f->elem > 0)
		json_prefix(f, list, f->elem - 1);
	f->elem = 0;
}

/*
 * The text json_hash hashes: cJSON_PrintUnformatted's bytes for the value
 * with every object's members ordered by key (a stable sort, so repeated
 * keys keep their order), written straight into the hash through a small
 * buffer: no copy of the tree, no printf for whole numbers. Stored
 * req_hash values were made from that text, so it must not change
 * (check_json compares the two).
 */
struct json_canon {
	crypto_hash_sha256_state st;
	size_t n;
	unsigned char buf[512];
};

static void
json_canon_put(struct json_canon *c, const void *p, size_t len)
{
	if (c->n + len > sizeof(c->buf)) {
		crypto_hash_sha256_update(&c->st, c->buf, c->n);
		c->n = 0;
		if (len > sizeof(c->buf)) {
			crypto_hash_sha256_update(&c->st, p, len);
			return;
		}
	}
	memcpy(c->buf + c->n, p, len);
	c->n += len;
}

/* A string as cJSON escapes it: quote, backslash and controls only. */
static void
json_canon_str(struct json_canon *c, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	const unsigned char *run = p;
	static const char from[] = "\"\\\b\f\n\r\t", to[] = "\"\\bfnrt";
	const char *k;
	char esc[7];

	json_canon_put(c, "\"", 1);
	for (; *p != '\0'; p++) {
		if (*p >= 32 && *p != '"' && *p != '\\')
			continue;
		json_canon_put(c, run, (size_t)(p - run));
		run = p + 1;
		esc[0] = '\\';
		esc[2] = '\0';
		if ((k = strchr(from, *p)) != NULL)
			esc[1] = to[k - from];
		else
			snprintf(esc + 1, sizeof(esc) - 1, "u%04x", *p);
		json_canon_put(c, esc, strlen(esc));
	}
	json_canon_put(c, run, (size_t)(p - run));
	json_canon_put(c, "\"", 1);
}

/* What cJSON prints for v itself, for what is not written here. */
static void
json_canon_cjson(struct json_canon *c, const cJSON *v)
{
	char *s;

	if ((s = cJSON_PrintUnformatted(v)) == NULL)
		log_fatalx("out of memory");
	json_canon_put(c, s, strlen(s));
	cJSON_free(s);
}

static void
json_canon_value(struct json_canon *c, const cJSON *v)
{
	const cJSON *small[32], **m = small, *e;
	char num[JSON_INT_LEN];
	size_t n = 0, i, j;

	if (cJSON_IsNumber(v) && !isnan(v->valuedouble) &&
	    !isinf(v->valuedouble) && v->valuedouble == (double)v->valueint) {
		json_itoa(v->valueint, num); /* cJSON's "%d" */
		json_canon_put(c, num, strlen(num));
	} else if (cJSON_IsString(v))
		json_canon_str(c, v->valuestring);
	else if (cJSON_IsArray(v)) {
		json_canon_put(c, "[", 1);
		for (e = v->child; e != NULL; e = e->next) {
			if (e != v->child)
				json_canon_put(c, ",", 1);
			json_canon_value(c, e);
		}
		json_canon_put(c, "]", 1);
	} else if (cJSON_IsObject(v)) {
		for (e = v->child; e != NULL; e = e->next)
			n++;
		if (n > sizeof(small) / sizeof(small[0]) &&
		    (m = malloc(n * sizeof(*m))) == NULL)
			log_fatalx("out of memory");
		/* Insertion sort, stable: after the equal keys before it. */
		for (i = 0, e = v->child; e != NULL; e = e->next, i++) {
			for (j = i; j > 0 &&
			     strcmp(m[j - 1]->string ? m[j - 1]->string : "",
			         e->string ? e->string : "") > 0;
			     j--)
				m[j] = m[j - 1];
			m[j] = e;
		}
		json_canon_put(c, "{", 1);
		for (i = 0; i < n; i++) {
			if (i > 0)
				json_canon_put(c, ",", 1);
			json_canon_str(c, m[i]->string);
			json_canon_put(c, ":", 1);
			json_canon_value(c, m[i]);
		}
		json_canon_put(c, "}", 1);
		if (m != small)
			free(m);
	} else
		json_canon_cjson(c, v); /* true, false, null, other numbers */
}

/* What makes two requests "the same body": the same members and values,
 * whatever the order of the keys or the spacing. */
void
json_hash(const cJSON *v, unsigned char *out)
{
	struct json_canon c;

	crypto_hash_sha256_init(&c.st);
	c.n = 0;
	json_canon_value(&c, v);
	crypto_hash_sha256_update(&c.st, c.buf, c.n);
	crypto_hash_sha256_final(&c.st, out);
}

cJSON *
json_new(void)
{
	cJSON *o;

	if ((o = cJSON_CreateObject()) == NULL)
		log_fatalx("out of memory");
	return o;
}

/* v in decimal: snprintf cost more than the rest of a number's JSON. */
void
json_itoa(int64_t v, char *buf)
{
	char tmp[JSON_INT_LEN];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
}

cJSON *
json_int_item(int64_t v)
{
	char buf[JSON_INT_LEN];
	cJSON *n;

	json_itoa(v, buf);
	if ((n = cJSON_CreateRaw(buf)) == NULL)
		log_fatalx("out of memory");
	return n;
}

void
json_add_int(cJSON *o, const char *key, int64_t v)
{
	cJSON_AddItemToObject(o, key, json_int_item(v));
}

void
json_add_str(cJSON *o, const char *key, const char *v)
{
	if (cJSON_AddStringToObject(o, key, v) == NULL)
		log_fatalx("out of memory");
}

void
json_add_bool(cJSON *o, const char *key, int v)
{
	if (cJSON_AddBoolToObject(o, key, v) == NULL)
		log_fatalx("out of memory");
}

void
json_add_time(cJSON *o, const char *key, time_t t)
{
	char buf[40];

	clock_rfc3339(t, buf, sizeof(buf));
	json_add_str(o, key, buf);
}

/* A client-chosen idempotency key: a UUID or similar, 1..63 characters. */
int
json_client_id(const cJSON *o, char *out, size_t size, struct fault *f)
{
	size_t i;

	if (json_str(o, "client_id", 1, 63, out, size, f) < 0)
		return -1;
	for (i = 0; out[i] != '\0'; i++)
		if (!((out[i] >= '0' && out[i] <= '9') ||
		        (out[i] >= 'a' && out[i] <= 'z') ||
		        (out[i] >= 'A' && out[i] <= 'Z') || out[i] == '-' ||
		        out[i] == '_'))
			return fault_field(f, FAULT_BAD, "bad_field",
			    "client_id",
			    "client_id: letters, digits, '-' and '_' only");
	return 0;
}

/*
 * A PATCH body may name only KEYS: the count of members, or -1 with a
 * bad_field fault naming the first other one (WHY says where it changes).
 */
int
json_only(
    const cJSON *b, const char *const keys[], const char *why, struct fault *f)
{
	const cJSON *v;
	int i, n = 0;

	cJSON_ArrayForEach(v, b)
	{
		for (i = 0; keys[i] != NULL; i++)
			if (strcmp(v->string, keys[i]) == 0)
				break;
		if (keys[i] == NULL)
			return fault_field(f, FAULT_BAD, "bad_field",
			    strlen(v->string) < 40 &&
			            json_utf8_valid(
			                v->string, strlen(v->string))
			        ? v->string
			        : "?",
			    "%s", why);
		n++;
	}
	return n;
}
