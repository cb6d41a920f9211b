/*
 * wire.c: the server's JSON read into the till's bounded structs.  Every
 * number is range-checked and every string cut to its buffer, so a
 * misbehaving server cannot overflow the till.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "pos.h"

int
wire_i64(
    const cJSON *o, const char *key, int64_t min, int64_t max, int64_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	double d;

	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	/* JSON numbers are doubles here: only exact integers in range. */
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max)
		return -1;
	*out = (int64_t)d;
	return 0;
}

int
wire_strcpy(const cJSON *o, const char *key, char *out, size_t size)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t n;

	if (size == 0 || !cJSON_IsString(v) || v->valuestring == NULL)
		return -1;
	n = strlen(v->valuestring);
	if (n >= size) {
		n = size - 1;
		/* Do not split a UTF-8 sequence. */
		while (
		    n > 0 && ((unsigned char)v->valuestring[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, v->valuestring, n);
	out[n] = '\0';
	return 0;
}

int
wire_household(const cJSON *o, struct till_household *h)
{
	const cJSON *lim, *l;

	memset(h, 0, sizeof(*h));
	if (wire_i64(o, "id", 1, INT64_MAX / 2, &h->id) < 0 ||
	    wire_strcpy(
	        o, "name_masked", h->name_masked, sizeof(h->name_masked)) < 0 ||
	    wire_strcpy(o, "category", h->category, sizeof(h->category)) < 0 ||
	    wire_strcpy(o, "status", h->status, sizeof(h->status)) < 0 ||
	    wire_i64(o, "points", 0, TILL_POINTS_MAX, &h->points) < 0)
		return -1;
	if (wire_strcpy(o, "card_code", h->card, sizeof(h->card)) < 0)
		h->card[0] = '\0'; /* the caller knows the card it asked for */
	if (wire_i64(o, "members", 0, 1000, &h->members) < 0)
		h->members = 0;
	h->priority =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "priority"));
	lim = cJSON_GetObjectItemCaseSensitive(o, "limits");
	cJSON_ArrayForEach(l, lim)
	{
		struct till_limit *tl;

		if (h->nlimits == TILL_MAX_LIMITS)
			break;
		tl = &h->limits[h->nlimits];
		if (wire_i64(l, "item_id", 1, INT64_MAX / 2, &tl->item_id) <
		        0 ||
		    wire_i64(l, "monthly_limit", 0, TILL_MAX_QTY * 1000,
		        &tl->monthly_limit) < 0 ||
		    wire_i64(l, "remaining", INT32_MIN, TILL_MAX_QTY * 1000,
		        &tl->remaining) < 0)
			return -1;
		if (wire_i64(l, "taken", 0, INT32_MAX, &tl->taken) < 0)
			tl->taken = tl->monthly_limit - tl->remaining;
		if (wire_strcpy(l, "name", tl->name, sizeof(tl->name)) < 0)
			tl->name[0] = '\0';
		if (tl->remaining < 0)
			tl->remaining = 0;
		h->nlimits++;
	}
	return 0;
}

int
wire_item(const cJSON *o, const char *barcode, struct till_item *it)
{
	const cJSON *codes;

	memset(it, 0, sizeof(*it));
	if (wire_i64(o, "id", 1, INT64_MAX / 2, &it->id) < 0 ||
	    wire_strcpy(o, "name", it->name, sizeof(it->name)) < 0 ||
	    wire_i64(o, "points", 0, TILL_POINTS_MAX, &it->points) < 0)
		return -1;
	if (wire_strcpy(o, "unit", it->unit, sizeof(it->unit)) < 0)
		it->unit[0] = '\0';
	if (wire_i64(o, "monthly_limit", 0, TILL_MAX_QTY * 1000,
	        &it->monthly_limit) < 0)
		it->monthly_limit = -1; /* null: no limit */
	it->priority_only =
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "priority_only"));
	codes = cJSON_GetObjectItemCaseSensitive(o, "barcodes");
	if (barcode != NULL && barcode[0] != '\0')
		snprintf(it->barcode, sizeof(it->barcode), "%s", barcode);
	else if (cJSON_IsArray(codes) &&
	    cJSON_IsString(cJSON_GetArrayItem(codes, 0)))
		snprintf(it->barcode, sizeof(it->barcode), "%s",
		    cJSON_GetArrayItem(codes, 0)->valuestring);
	return 0;
}

void
wire_uuid(char out[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	snprintf(out, 37,
	    "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}
