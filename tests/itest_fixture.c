/*
 * itest_fixture: values and builders for tests: dates and periods in the
 * store's time zone, resident id numbers, and the records tests start
 * from (households, items, donors, donations, lots, funds, policies,
 * grants, baskets), each made through the API as the admin (or the token
 * given) with its success asserted. See itest.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "itest.h"

const char *
itest_uuid(void)
{
	unsigned char b[16];
	FILE *f;

	f = fopen("/dev/urandom", "rb");
	ck_assert_msg(f != NULL, "/dev/urandom: %s", strerror(errno));
	ck_assert(fread(b, 1, sizeof b, f) == sizeof b);
	fclose(f);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	return itest_f("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	               "%02x%02x%02x%02x%02x%02x",
	    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
	    b[11], b[12], b[13], b[14], b[15]);
}

const char *
itest_date(int days)
{
	time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return itest_f("%s", buf);
}

void
itest_new_day(struct itest_srv *s)
{
	int rc = system(itest_f("sqlite3 -cmd '.timeout 5000' %s "
	                        "\"DELETE FROM asof\"",
	    s->db));

	ck_assert_msg(rc == 0, "sqlite3 on %s: status %d", s->db, rc);
}

/* Read a whole small file into a harness string ("" if missing). */
char
itest_idnum_check(const char *digits)
{
	static const int w[17] = {
	    7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int i, sum = 0;

	for (i = 0; i < 17; i++)
		sum += (digits[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

const char *
itest_idnum(unsigned seq)
{
	char d[24];

	/* Area code and sequence vary; born 1980-01-01 + up to 27 days. */
	snprintf(d, sizeof d, "%06u198001%02u%03u", 310101 + seq / 27000,
	    1 + (seq / 1000) % 27, seq % 1000);
	return itest_f("%.17s%c", d, itest_idnum_check(d));
}

int64_t
itest_household(const char *card, const char *category, int members,
    int valid_from_days, int valid_to_days)
{
	static unsigned seq;
	cJSON *j;

	seq += 7;
	j = itest_ok("POST", "/api/v1/households", itest_admin,
	    itest_f("{'card_code':'%s','head_name':'王建国','id_number':'%s',"
	            "'members':%d,'category':'%s','street':'梅陇镇',"
	            "'valid_from':'%s','valid_to':'%s'}",
	        card, itest_idnum(seq), members, category,
	        itest_date(valid_from_days), itest_date(valid_to_days)),
	    201);
	return itest_int(j, "id");
}

int64_t
itest_item(const char *name, const char *barcode, int64_t points, int64_t limit,
    int priority_only)
{
	cJSON *j = itest_ok("POST", "/api/v1/items", itest_admin,
	    itest_f("{'name':'%s','category':'grain','unit':'袋',"
	            "'barcodes':['%s'],'unit_value_fen':%lld,'points':%lld"
	            "%s%s}",
	        name, barcode, (long long)points * 100, (long long)points,
	        limit > 0 ? itest_f(",'monthly_limit':%lld", (long long)limit)
	                  : "",
	        priority_only ? ",'priority_only':true" : ""),
	    201);

	return itest_int(j, "id");
}

int64_t
itest_lot(int64_t item, int64_t qty, const char *expires)
{
	static struct itest_srv *donor_srv;
	static int64_t donor;
	cJSON *j;

	if (donor_srv != itest_s) {
		j = itest_ok("POST", "/api/v1/donors", itest_admin,
		    "{'name':'itest donor','kind':'enterprise'}", 201);
		donor = itest_int(j, "id");
		donor_srv = itest_s;
	}
	j = itest_ok("POST", "/api/v1/donations", itest_admin,
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'channel':'walk_in','lines':[{'item_id':%lld,"
	            "'quantity':%lld%s%s%s}]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)item,
	        (long long)qty, expires ? ",'expires_on':'" : "",
	        expires ? expires : "", expires ? "'" : ""),
	    201);
	return itest_int(
	    cJSON_GetArrayItem(itest_arr(j, "lines"), 0), "lot_id");
}

void
itest_policy(
    const char *category, int64_t monthly, int64_t per_member, int carry)
{
	itest_ok("PUT", itest_f("/api/v1/policies/%s", category), itest_admin,
	    itest_f("{'monthly_points':%lld,'per_member_points':%lld,"
	            "'carry_over':%s}",
	        (long long)monthly, (long long)per_member,
	        carry ? "true" : "false"),
	    200);
}

void
itest_grant(int64_t household, int64_t points)
{
	itest_ok("POST", "/api/v1/grants", itest_admin,
	    itest_f("{'client_id':'%s','household_id':%lld,'points':%lld,"
	            "'reason':'itest'}",
	        itest_uuid(), (long long)household, (long long)points),
	    201);
}

int64_t
itest_hh_points(int64_t household)
{
	return itest_int(
	    itest_ok("GET",
	        itest_f("/api/v1/households/%lld", (long long)household),
	        itest_admin, NULL, 200),
	    "points");
}

int64_t
itest_lot_on_hand(int64_t item, int64_t lot)
{
	cJSON *j =
	    itest_ok("GET", "/api/v1/stock?limit=500", itest_admin, NULL, 200);
	cJSON *e = itest_find(itest_items(j), "item_id", item), *l;

	ck_assert_msg(e != NULL, "item %lld not in the stock list: %s",
	    (long long)item, itest_print(j));
	l = itest_find(itest_arr(e, "lots"), "lot_id", lot);
	/* A lot emptied to 0 may be left out of the review. */
	return l == NULL ? 0 : itest_int(l, "on_hand");
}

const char *
itest_period(int months)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	int m;

	gmtime_r(&t, &tm);
	m = tm.tm_year * 12 + tm.tm_mon + months;
	return itest_f("%04d-%02d", 1900 + m / 12, m % 12 + 1);
}
