/*
 * Unit suite for server/json.c: the bounded, typed getters that stand
 * between client JSON and the server (strings, int64 ranges, booleans,
 * enums, lists, client ids, UTF-8), the field names in faults, and exact
 * integer output.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include <check.h>
#include <sodium.h>

#include "http.h"
#include "server.h"

static cJSON *check_json_doc;

/* Parse single-quote JSON into the document of this test. */
static cJSON *
check_json_parse(const char *text)
{
	char *t = strdup(text), *p;

	ck_assert_ptr_nonnull(t);
	for (p = t; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	cJSON_Delete(check_json_doc);
	check_json_doc = cJSON_Parse(t);
	free(t);
	ck_assert_msg(
	    check_json_doc != NULL, "test JSON does not parse: %s", text);
	return check_json_doc;
}

static void
check_json_teardown(void)
{
	cJSON_Delete(check_json_doc);
	check_json_doc = NULL;
}

static void
check_json_fault(const struct fault *f, const char *code, const char *field)
{
	ck_assert_int_eq(f->kind, FAULT_BAD);
	ck_assert_ptr_nonnull(f->code);
	ck_assert_str_eq(f->code, code);
	ck_assert_str_eq(f->field, field);
	ck_assert_msg(f->message[0] != '\0', "fault without a message");
}

START_TEST(test_str)
{
	struct fault f;
	char out[16];
	cJSON *o;

	o = check_json_parse("{'name':'大米','n':5,'e':'','b':'   ',"
	                     "'nl':'a\\nb','z':null,'long':'abcdefghij'}");
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(json_str(o, "name", 1, 10, out, sizeof out, &f), 1);
	ck_assert_str_eq(out, "大米");
	/* Absent: 0 when optional, a missing_field fault when required. */
	ck_assert_int_eq(json_str(o, "none", 0, 10, out, sizeof out, &f), 0);
	ck_assert_int_eq(json_str(o, "none", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "missing_field", "none");
	ck_assert_int_eq(json_str(o, "z", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "missing_field", "z");
	ck_assert_int_eq(json_str(o, "z", 0, 10, out, sizeof out, &f), 0);
	/* Wrong type, empty, blank, control characters. */
	ck_assert_int_eq(json_str(o, "n", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "n");
	ck_assert_int_eq(json_str(o, "e", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "e");
	ck_assert_int_eq(json_str(o, "b", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "b");
	ck_assert_int_eq(json_str(o, "nl", 1, 10, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "nl");
	/* Length: the max, in bytes, and never past the buffer. */
	ck_assert_int_eq(json_str(o, "long", 1, 10, out, sizeof out, &f), 1);
	ck_assert_str_eq(out, "abcdefghij");
	ck_assert_int_eq(json_str(o, "long", 1, 9, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "long");
	memset(out, 'Z', sizeof out);
	ck_assert_int_eq(json_str(o, "long", 1, 100, out, 8, &f), -1);
	ck_assert_int_eq(out[8], 'Z');
	/* "大米" is 6 bytes. */
	ck_assert_int_eq(json_str(o, "name", 1, 5, out, sizeof out, &f), -1);
}
END_TEST

START_TEST(test_str_utf8)
{
	struct fault f;
	char out[32];
	cJSON *o;

	/* cJSON passes bytes through; the getter must catch bad UTF-8. */
	o = cJSON_CreateObject();
	check_json_doc = o;
	cJSON_AddStringToObject(o, "bad", "a\xc3\x28");
	cJSON_AddStringToObject(o, "ok", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(json_str(o, "bad", 1, 30, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "bad");
	ck_assert_int_eq(json_str(o, "ok", 1, 30, out, sizeof out, &f), 1);
	ck_assert_str_eq(out, "caf\xc3\xa9 \xf0\x9f\x98\x80");
}
END_TEST

START_TEST(test_utf8_valid)
{
	static const struct {
		const char *s;
		int ok;
	} t[] = {
	    {"", 1},
	    {"plain", 1},
	    {"张*明", 1},
	    {"\xf0\x9f\x98\x80", 1},
	    {"\xc0\xaf", 0},         /* overlong '/' */
	    {"\xe0\x80\xaf", 0},     /* overlong, 3 bytes */
	    {"\xed\xa0\x80", 0},     /* a UTF-16 surrogate */
	    {"\xf4\x90\x80\x80", 0}, /* past U+10FFFF */
	    {"\xe5\xa4", 0},         /* cut short */
	    {"\x80", 0},             /* a lone continuation byte */
	    {"\xff", 0},
	    {"a\x01", 0},
	    {"a\x7f", 0},
	    {"tab\t", 0},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		ck_assert_msg(
		    json_utf8_valid(t[i].s, strlen(t[i].s)) == t[i].ok,
		    "json_utf8_valid case %zu", i);
	/* The length is honoured: a NUL inside counts as a control byte. */
	ck_assert_int_eq(json_utf8_valid("a\0b", 3), 0);
	ck_assert_int_eq(json_utf8_valid("ab\xe5\xa4\xa7", 2), 1);
}
END_TEST

START_TEST(test_int)
{
	static const struct {
		const char *key;
		int rc;
	} t[] = {
	    {"zero", 1},
	    {"max", 1},
	    {"over", -1},
	    {"neg", -1},
	    {"half", -1},
	    {"str", -1},
	    {"bool", -1},
	    {"huge", -1},
	    {"i64", -1},
	    {"i64p1", -1},
	    {"i64min", -1},
	    {"arr", -1},
	    {"negzero", 1},
	};
	struct fault f;
	int64_t v;
	size_t i;
	cJSON *o;

	o = check_json_parse("{'zero':0,'max':1000,'over':1001,'neg':-1,"
	                     "'half':1.5,'str':'5','bool':true,'huge':1e300,"
	                     "'i64':9223372036854775807,"
	                     "'i64p1':9223372036854775808,"
	                     "'i64min':-9223372036854775808,'arr':[1],"
	                     "'negzero':-0}");
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(&f, 0, sizeof f);
		v = 77;
		ck_assert_msg(
		    json_int(o, t[i].key, 1, 0, 1000, &v, &f) == t[i].rc,
		    "json_int %s", t[i].key);
		if (t[i].rc < 0) {
			check_json_fault(&f, "bad_field", t[i].key);
			ck_assert_int_eq(v, 77);
		}
	}
	ck_assert_int_eq(json_int(o, "max", 1, 0, 1000, &v, &f), 1);
	ck_assert_int_eq(v, 1000);
	ck_assert_int_eq(json_int(o, "negzero", 1, 0, 1000, &v, &f), 1);
	ck_assert_int_eq(v, 0);
	/* Out of range says the range. */
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(json_int(o, "over", 1, 0, 1000, &v, &f), -1);
	ck_assert_int_eq(f.ndetails, 2);
	ck_assert_str_eq(f.details[0].key, "min");
	ck_assert_int_eq(f.details[0].num, 0);
	ck_assert_str_eq(f.details[1].key, "max");
	ck_assert_int_eq(f.details[1].num, 1000);
	/* The full int64 range still refuses what a double cannot hold. */
	ck_assert_int_eq(
	    json_int(o, "i64", 1, INT64_MIN, INT64_MAX, &v, &f), -1);
	ck_assert_int_eq(
	    json_int(o, "i64min", 1, INT64_MIN, INT64_MAX, &v, &f), -1);
	ck_assert_int_eq(
	    json_int(o, "neg", 1, INT64_MIN, INT64_MAX, &v, &f), 1);
	ck_assert_int_eq(v, -1);
	/* Absent and null. */
	v = 77;
	ck_assert_int_eq(json_int(o, "none", 0, 0, 10, &v, &f), 0);
	ck_assert_int_eq(v, 77);
	ck_assert_int_eq(json_int(o, "none", 1, 0, 10, &v, &f), -1);
	check_json_fault(&f, "missing_field", "none");
}
END_TEST

START_TEST(test_int_exact_limit)
{
	struct fault f;
	int64_t v;
	cJSON *o;

	/*
	 * Below 2^53 a double holds every integer; 2^53 itself may be a
	 * rounded 2^53 + 1, so it and all beyond are refused.
	 */
	o = check_json_parse("{'a':9007199254740991,'b':-9007199254740991,"
	                     "'c':18014398509481984,'d':9007199254740992,"
	                     "'e':9007199254740993}");
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(json_int(o, "a", 1, INT64_MIN, INT64_MAX, &v, &f), 1);
	ck_assert_int_eq(v, 9007199254740991LL);
	ck_assert_int_eq(json_int(o, "b", 1, INT64_MIN, INT64_MAX, &v, &f), 1);
	ck_assert_int_eq(v, -9007199254740991LL);
	ck_assert_int_eq(json_int(o, "c", 1, INT64_MIN, INT64_MAX, &v, &f), -1);
	ck_assert_int_eq(json_int(o, "d", 1, INT64_MIN, INT64_MAX, &v, &f), -1);
	ck_assert_int_eq(json_int(o, "e", 1, INT64_MIN, INT64_MAX, &v, &f), -1);
}
END_TEST

START_TEST(test_bool_enum)
{
	static const char *const kinds[] = {
	    "expired", "damaged", "lost", "count_correction", NULL};
	struct fault f;
	int b = -1, k = -1;
	cJSON *o;

	o = check_json_parse("{'t':true,'f':false,'one':1,'s':'true',"
	                     "'r':'lost','x':'LOST','n':3}");
	memset(&f, 0, sizeof f);
	ck_assert_int_eq(json_bool(o, "t", 1, &b, &f), 1);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(json_bool(o, "f", 1, &b, &f), 1);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(json_bool(o, "one", 1, &b, &f), -1);
	check_json_fault(&f, "bad_field", "one");
	ck_assert_int_eq(json_bool(o, "s", 1, &b, &f), -1);
	ck_assert_int_eq(json_bool(o, "none", 0, &b, &f), 0);
	ck_assert_int_eq(json_bool(o, "none", 1, &b, &f), -1);
	check_json_fault(&f, "missing_field", "none");

	ck_assert_int_eq(json_enum(o, "r", 1, kinds, &k, &f), 1);
	ck_assert_int_eq(k, 2);
	ck_assert_int_eq(json_enum(o, "x", 1, kinds, &k, &f), -1);
	check_json_fault(&f, "bad_field", "x");
	/* The message lists what is allowed. */
	ck_assert_ptr_nonnull(strstr(f.message, "count_correction"));
	ck_assert_int_eq(json_enum(o, "n", 1, kinds, &k, &f), -1);
	check_json_fault(&f, "bad_field", "n");
	ck_assert_int_eq(json_enum(o, "none", 1, kinds, &k, &f), -1);
	check_json_fault(&f, "missing_field", "none");
	ck_assert_int_eq(json_enum(o, "none", 0, kinds, &k, &f), 0);
}
END_TEST

START_TEST(test_array_object)
{
	struct fault f;
	const cJSON *a;
	int n = -1;
	cJSON *o;

	o = check_json_parse("{'two':[1,2],'three':[1,2,3],'empty':[],"
	                     "'obj':{'a':1},'str':'x'}");
	memset(&f, 0, sizeof f);
	a = json_array(o, "two", 1, 2, &n, &f);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(n, 2);
	ck_assert_ptr_null(json_array(o, "three", 1, 2, &n, &f));
	check_json_fault(&f, "bad_field", "three");
	ck_assert_ptr_nonnull(json_array(o, "empty", 1, 2, &n, &f));
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(json_array(o, "obj", 1, 2, &n, &f));
	check_json_fault(&f, "bad_field", "obj");
	ck_assert_ptr_null(json_array(o, "str", 1, 2, &n, &f));
	check_json_fault(&f, "bad_field", "str");
	memset(&f, 0, sizeof f);
	ck_assert_ptr_null(json_array(o, "none", 0, 2, &n, &f));
	ck_assert_int_eq(f.kind, FAULT_NONE);
	ck_assert_int_eq(n, 0);
	ck_assert_ptr_null(json_array(o, "none", 1, 2, &n, &f));
	check_json_fault(&f, "missing_field", "none");

	memset(&f, 0, sizeof f);
	ck_assert_int_eq(
	    json_object(cJSON_GetObjectItem(o, "obj"), "obj", &f), 0);
	ck_assert_int_eq(f.kind, FAULT_NONE);
	ck_assert_int_eq(
	    json_object(cJSON_GetObjectItem(o, "two"), "line", &f), -1);
	check_json_fault(&f, "bad_field", "line");
	ck_assert_int_eq(json_object(NULL, "body", &f), -1);
	check_json_fault(&f, "bad_field", "body");
}
END_TEST

START_TEST(test_prefix)
{
	struct fault f;

	memset(&f, 0, sizeof f);
	fault_field(&f, FAULT_BAD, "bad_field", "quantity", "bad");
	json_prefix(&f, "lines", 2);
	ck_assert_str_eq(f.field, "lines[2].quantity");
	ck_assert_str_eq(f.code, "bad_field");
	/* A fault about the element itself. */
	memset(&f, 0, sizeof f);
	fault_set(&f, FAULT_BAD, "bad_field", "bad");
	json_prefix(&f, "barcodes", 0);
	ck_assert_str_eq(f.field, "barcodes[0]");
	/* Long names are cut, never overrun. */
	memset(&f, 0, sizeof f);
	fault_field(&f, FAULT_BAD, "bad_field",
	    "a_very_long_field_name_that_fills_most_of_the_buffer_xxxxxxx",
	    "bad");
	json_prefix(&f, "lines", 499);
	ck_assert_uint_lt(strlen(f.field), sizeof f.field);
	ck_assert_int_eq(strncmp(f.field, "lines[499].a_very", 17), 0);
}
END_TEST

START_TEST(test_client_id)
{
	struct fault f;
	char out[DB_SHORT_MAX];
	char *j;
	cJSON *o;

	memset(&f, 0, sizeof f);
	o = check_json_parse(
	    "{'client_id':'3f2c1a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c'}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), 0);
	ck_assert_str_eq(out, "3f2c1a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c");
	o = check_json_parse("{'client_id':'till-1_000042'}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), 0);
	o = check_json_parse("{'client_id':'a b'}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "client_id");
	o = check_json_parse("{'client_id':'x;drop'}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	o = check_json_parse("{'client_id':''}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	o = check_json_parse("{'client_id':42}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "client_id");
	o = check_json_parse("{}");
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	check_json_fault(&f, "missing_field", "client_id");
	/* 63 characters fit, 64 do not. */
	j = malloc(100);
	ck_assert_ptr_nonnull(j);
	memset(j, 'a', 100);
	memcpy(j, "{'client_id':'", 14);
	memcpy(j + 14 + 63, "'}", 3);
	o = check_json_parse(j);
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), 0);
	ck_assert_uint_eq(strlen(out), 63);
	memset(j + 14, 'a', 64);
	memcpy(j + 14 + 64, "'}", 3);
	o = check_json_parse(j);
	free(j);
	ck_assert_int_eq(json_client_id(o, out, sizeof out, &f), -1);
	check_json_fault(&f, "bad_field", "client_id");
}
END_TEST

START_TEST(test_hash)
{
	unsigned char h1[32], h2[32], h3[32];
	cJSON *a, *b, *c;

	/* The same body, however spaced, is the same request. */
	a = cJSON_Parse("{\"a\":1,\"lines\":[{\"q\":2}]}");
	b = cJSON_Parse("{ \"a\" : 1 ,\n \"lines\" : [ { \"q\" : 2 } ] }");
	c = cJSON_Parse("{\"a\":1,\"lines\":[{\"q\":3}]}");
	ck_assert(a && b && c);
	json_hash(a, h1);
	json_hash(b, h2);
	json_hash(c, h3);
	cJSON_Delete(a);
	cJSON_Delete(b);
	cJSON_Delete(c);
	ck_assert_mem_eq(h1, h2, 32);
	ck_assert(memcmp(h1, h3, 32) != 0);
}
END_TEST

/* The text hashed before json_hash wrote it itself: a sorted copy through
 * cJSON_PrintUnformatted. Stored req_hash values were made so. */
static void
check_json_sort(cJSON *v)
{
	cJSON *sorted = NULL, *next, *c, **at;

	for (c = v->child; c != NULL; c = c->next)
		check_json_sort(c);
	if (!cJSON_IsObject(v))
		return;
	for (c = v->child; c != NULL; c = next) {
		next = c->next;
		for (at = &sorted;
		     *at != NULL && strcmp((*at)->string, c->string) <= 0;
		     at = &(*at)->next)
			;
		c->next = *at;
		*at = c;
	}
	v->child = sorted;
}

START_TEST(test_hash_as_before)
{
	static const char *bodies[] = {
	    "{\"client_id\":\"7f1c\",\"till_id\":\"T01\",\"household_card\":"
	    "\"HH1\",\"lines\":[{\"item_id\":10001,\"quantity\":1},"
	    "{\"barcode\":\"6920000000036\",\"quantity\":2}]}",
	    "{\"z\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u0001\\u001f\",\"a\":"
	    "\"\u6302\u9762\",\"m\":null,\"t\":true,\"f\":false}",
	    "{\"b\":1,\"a\":2,\"b\":3,\"a\":{\"y\":[],\"x\":{}}}",
	    "{\"n\":[-1,0,2147483647,2147483648,-2147483649,1e300,0.5,"
	    "-0.1,3.14159265358979,9007199254740993,1e-7]}",
	    "[{\"b\":[{\"d\":1,\"c\":2}],\"a\":\"\"},7,\"s\"]",
	    "\"alone\"",
	    "12",
	    "{}",
	};
	unsigned char got[32], want[32];
	cJSON *v, *copy;
	char *s;
	size_t i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		v = cJSON_Parse(bodies[i]);
		ck_assert_msg(v != NULL, "body %zu", i);
		copy = cJSON_Duplicate(v, 1);
		check_json_sort(copy);
		s = cJSON_PrintUnformatted(copy);
		crypto_hash_sha256(want, (const unsigned char *)s, strlen(s));
		json_hash(v, got);
		ck_assert_msg(memcmp(got, want, 32) == 0, "body %zu: %s", i, s);
		cJSON_free(s);
		cJSON_Delete(copy);
		cJSON_Delete(v);
	}
}
END_TEST

START_TEST(test_output)
{
	cJSON *o = json_new();
	char *s;

	check_json_doc = o;
	/* int64 written as exact text, beyond what a double holds. */
	json_add_int(o, "max", INT64_MAX);
	json_add_int(o, "min", INT64_MIN);
	json_add_int(o, "odd", 9007199254740993LL);
	json_add_str(o, "s", "大米 \"5kg\"");
	json_add_bool(o, "b", 1);
	clock_init("Asia/Shanghai");
	json_add_time(o, "t", 0);
	s = cJSON_PrintUnformatted(o);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s,
	    "{\"max\":9223372036854775807,"
	    "\"min\":-9223372036854775808,"
	    "\"odd\":9007199254740993,"
	    "\"s\":\"大米 \\\"5kg\\\"\",\"b\":true,"
	    "\"t\":\"1970-01-01T08:00:00+08:00\"}");
	cJSON_free(s);
}
END_TEST

/* json_itoa against snprintf: edges, powers of ten, and a spread. */
START_TEST(test_itoa)
{
	int64_t edge[] = {0, 1, -1, 9, -9, 10, -10, 99, 100, INT64_MAX,
	    INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 9007199254740993LL};
	char got[JSON_INT_LEN], want[32];
	uint64_t x = 88172645463325252ULL;
	int64_t v, p;
	size_t i;

	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		json_itoa(edge[i], got);
		snprintf(want, sizeof(want), "%" PRId64, edge[i]);
		ck_assert_str_eq(got, want);
	}
	for (p = 1; p <= INT64_MAX / 10; p *= 10)
		for (v = p - 1; v <= p + 1; v++) {
			json_itoa(v, got);
			snprintf(want, sizeof(want), "%" PRId64, v);
			ck_assert_str_eq(got, want);
			json_itoa(-v, got);
			snprintf(want, sizeof(want), "%" PRId64, -v);
			ck_assert_str_eq(got, want);
		}
	for (i = 0; i < 100000; i++) {
		x ^= x << 13; /* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		v = (int64_t)(x >> (i % 64));
		json_itoa(v, got);
		snprintf(want, sizeof(want), "%" PRId64, v);
		ck_assert_str_eq(got, want);
	}
}
END_TEST

/* clock_rfc3339 against localtime_r and snprintf, in a zone with summer
 * time (across both changes of 2026, every 7 minutes, then at random,
 * so the day it keeps is hit, missed and replaced) and in the store's. */
START_TEST(test_rfc3339)
{
	const char *zones[] = {"America/New_York", "Asia/Shanghai"};
	const time_t spans[] = {
	    1772866800, 1793415600}; /* 2026-03-07, -10-31 */
	char got[CLOCK_RFC3339_LEN], want[64], small[8];
	uint64_t x = 2463534242ULL;
	struct tm tm;
	time_t t;
	size_t z, k;
	int g, i;

	for (z = 0; z < 2; z++) {
		clock_init(zones[z]);
		for (k = 0; k < 2 * 3 * 24 * 60 / 7 + 2000; k++) {
			if (k < 2 * 3 * 24 * 60 / 7)
				t = spans[k / (3 * 24 * 60 / 7)] +
				    (time_t)(k % (3 * 24 * 60 / 7)) * 7 * 60 +
				    (time_t)(k % 60);
			else {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				t = (time_t)(x % 4102444800ULL); /* to 2100 */
			}
			for (i = 0; i < 2; i++, t++) {
				clock_rfc3339(t, got, sizeof(got));
				localtime_r(&t, &tm);
				g = (int)(tm.tm_gmtoff / 60);
				snprintf(want, sizeof(want),
				    "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
				    tm.tm_year + 1900, tm.tm_mon + 1,
				    tm.tm_mday, tm.tm_hour, tm.tm_min,
				    tm.tm_sec, g < 0 ? '-' : '+', abs(g) / 60,
				    abs(g) % 60);
				ck_assert_str_eq(got, want);
			}
		}
	}
	clock_rfc3339(0, small, sizeof(small)); /* too small: empty */
	ck_assert_str_eq(small, "");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("check_json");
	TCase *tc = tcase_create("json");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, NULL, check_json_teardown);
	tcase_add_test(tc, test_str);
	tcase_add_test(tc, test_str_utf8);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_int);
	tcase_add_test(tc, test_int_exact_limit);
	tcase_add_test(tc, test_bool_enum);
	tcase_add_test(tc, test_array_object);
	tcase_add_test(tc, test_prefix);
	tcase_add_test(tc, test_client_id);
	tcase_add_test(tc, test_hash);
	tcase_add_test(tc, test_hash_as_before);
	tcase_add_test(tc, test_output);
	tcase_add_test(tc, test_itoa);
	tcase_add_test(tc, test_rfc3339);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
