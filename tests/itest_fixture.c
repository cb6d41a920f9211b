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

#include <sqlite3.h>

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
const char *
itest_day(int months, int day)
{
	time_t t = time(NULL) + 8 * 3600;
	struct tm tm;
	char buf[16];

	gmtime_r(&t, &tm);
	tm.tm_mon += months;
	tm.tm_mday = day;
	tm.tm_hour = 12;
	t = timegm(&tm);
	gmtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
	return itest_f("%s", buf);
}

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

const char *
itest_household_body(const char *card, const char *name, const char *idnum,
    int members, const char *category, const char *from, const char *to)
{
	return itest_f("{'card_code':'%s','head_name':'%s','id_number':'%s',"
	               "'members':%d,'category':'%s','street':'梅陇镇',"
	               "'valid_from':'%s','valid_to':'%s'}",
	    card, name, idnum, members, category, from, to);
}

int64_t
itest_household_on(const char *card, const char *category, int members,
    const char *from, const char *to)
{
	static unsigned seq;

	seq += 7;
	return itest_int(itest_ok("POST", "/api/v1/households", itest_admin,
	                     itest_household_body(card, "王建国",
	                         itest_idnum(seq), members, category, from, to),
	                     201),
	    "id");
}

int64_t
itest_household(const char *card, const char *category, int members,
    int valid_from_days, int valid_to_days)
{
	return itest_household_on(card, category, members,
	    itest_date(valid_from_days), itest_date(valid_to_days));
}

int64_t
itest_item_new(const char *token, const char *name, const char *category,
    const char *barcodes, int64_t value_fen, int64_t points, const char *more)
{
	cJSON *j = itest_ok("POST", "/api/v1/items", token,
	    itest_f("{'name':'%s','category':'%s','unit':'袋',"
	            "'barcodes':[%s],'unit_value_fen':%lld,'points':%lld%s}",
	        name, category, barcodes, (long long)value_fen,
	        (long long)points, more != NULL ? more : ""),
	    201);
	int64_t id = itest_int(j, "id");

	ck_assert_int_gt(id, 0);
	return id;
}

int64_t
itest_item(const char *name, const char *barcode, int64_t points, int64_t limit,
    int priority_only)
{
	return itest_item_new(itest_admin, name, "grain",
	    itest_f("'%s'", barcode), points * 100, points,
	    itest_f("%s%s",
	        limit > 0 ? itest_f(",'monthly_limit':%lld", (long long)limit)
	                  : "",
	        priority_only ? ",'priority_only':true" : ""));
}

int64_t
itest_donor(const char *token, const char *name, const char *kind)
{
	return itest_int(
	    itest_ok("POST", "/api/v1/donors", token,
	        itest_f("{'name':'%s','kind':'%s'}", name, kind), 201),
	    "id");
}

cJSON *
itest_donation(const char *token, int64_t donor, const char *lines)
{
	return itest_ok("POST", "/api/v1/donations", token,
	    itest_donation_body(itest_uuid(), donor, lines), 201);
}

const char *
itest_donation_body(const char *cid, int64_t donor, const char *lines)
{
	return itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	               "'channel':'walk_in','lines':[%s]}",
	    cid, (long long)donor, itest_date(0), lines);
}

int64_t
itest_donation_lot(const cJSON *donation, int k)
{
	return itest_int(
	    cJSON_GetArrayItem(itest_arr(donation, "lines"), k), "lot_id");
}

int64_t
itest_lot(int64_t item, int64_t qty, const char *expires)
{
	static struct itest_srv *donor_srv;
	static int64_t donor;

	if (donor_srv != itest_s) {
		donor = itest_donor(itest_admin, "itest donor", "enterprise");
		donor_srv = itest_s;
	}
	return itest_donation_lot(
	    itest_donation(itest_admin, donor,
	        itest_f("{'item_id':%lld,'quantity':%lld%s%s%s}",
	            (long long)item, (long long)qty,
	            expires ? ",'expires_on':'" : "", expires ? expires : "",
	            expires ? "'" : "")),
	    0);
}

const char *
itest_adjust_body(
    const char *cid, int64_t lot, int64_t delta, const char *reason)
{
	return itest_f("{'client_id':'%s','lot_id':%lld,'quantity_delta':%lld,"
	               "'reason':'%s'}",
	    cid, (long long)lot, (long long)delta, reason);
}

cJSON *
itest_adjust(int64_t lot, int64_t delta, const char *reason, int *status)
{
	const char *body = itest_adjust_body(itest_uuid(), lot, delta, reason);

	if (status == NULL)
		return itest_ok("POST", "/api/v1/stock/adjustments",
		    itest_admin, body, 201);
	return itest_req(itest_s, "POST", "/api/v1/stock/adjustments",
	    itest_admin, body, status);
}

cJSON *
itest_stock(int64_t item)
{
	cJSON *j =
	    itest_ok("GET", "/api/v1/stock?limit=500", itest_admin, NULL, 200);
	cJSON *e = itest_find(itest_items(j), "item_id", item);

	ck_assert_msg(e != NULL, "item %lld not in the stock list: %s",
	    (long long)item, itest_print(j));
	return e;
}

cJSON *
itest_stock_lot(int64_t item, int64_t lot)
{
	return itest_find(itest_arr(itest_stock(item), "lots"), "lot_id", lot);
}

int64_t
itest_fund(const char *token, const char *name, const char *kind,
    int restricted, const char *purpose)
{
	cJSON *j = itest_ok("POST", "/api/v1/funds", token,
	    itest_f("{'name':'%s','kind':'%s','restricted':%s%s%s%s}", name,
	        kind, restricted ? "true" : "false",
	        purpose ? ",'purpose':'" : "", purpose ? purpose : "",
	        purpose ? "'" : ""),
	    201);

	/* A NAME with JSON escapes comes back unescaped. */
	if (strchr(name, '\\') == NULL)
		ck_assert_str_eq(itest_str(j, "name"), name);
	ck_assert_str_eq(itest_str(j, "kind"), kind);
	ck_assert(cJSON_IsBool(cJSON_GetObjectItem(j, "restricted")));
	ck_assert_int_eq(
	    cJSON_IsTrue(cJSON_GetObjectItem(j, "restricted")), restricted);
	ck_assert_int_eq(itest_int(j, "balance_fen"), 0);
	return itest_int(j, "id");
}

const char *
itest_cash_body(const char *cid, int64_t donor, int64_t fund, int64_t amount)
{
	return itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	               "'cash':{'amount_fen':%lld,'fund_id':%lld}}",
	    cid, (long long)donor, itest_date(0), (long long)amount,
	    (long long)fund);
}

cJSON *
itest_cash(const char *token, int64_t donor, int64_t fund, int64_t amount)
{
	return itest_ok("POST", "/api/v1/donations", token,
	    itest_cash_body(itest_uuid(), donor, fund, amount), 201);
}

const char *
itest_expense_body(
    const char *cid, int64_t amount, const char *purpose, const char *lines)
{
	return itest_f("{'client_id':'%s','amount_fen':%lld,'purpose':'%s',"
	               "'spent_on':'%s'%s%s%s}",
	    cid, (long long)amount, purpose, itest_date(0),
	    lines ? ",'lines':[" : "", lines ? lines : "", lines ? "]" : "");
}

cJSON *
itest_expense(const char *token, int64_t fund, const char *body, int *status)
{
	const char *path =
	    itest_f("/api/v1/funds/%lld/expenses", (long long)fund);

	if (status == NULL)
		return itest_ok("POST", path, token, body, 201);
	return itest_req(itest_s, "POST", path, token, body, status);
}

const char *
itest_line(int64_t item, int64_t qty)
{
	return itest_f("{'item_id':%lld,'quantity':%lld}", (long long)item,
	    (long long)qty);
}

const char *
itest_basket_body(
    const char *cid, const char *till, const char *card, const char *lines)
{
	return itest_f("{'client_id':'%s','till_id':'%s','household_card':'%s',"
	               "'lines':[%s]}",
	    cid, till, card, lines);
}

cJSON *
itest_basket(const char *token, const char *cid, const char *till,
    const char *card, const char *lines, int *status)
{
	const char *body = itest_basket_body(
	    cid != NULL ? cid : itest_uuid(), till, card, lines);
	int st;
	cJSON *j;

	j = itest_req(itest_s, "POST", "/api/v1/distributions", token, body,
	    status != NULL ? status : &st);
	if (status == NULL)
		ck_assert_msg(st == 201, "distribution %s at %s [%s]: %d %s",
		    card, till, lines, st, itest_print(j));
	return j;
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

cJSON *
itest_ledger(int64_t household)
{
	return itest_items(itest_ok("GET",
	    itest_f("/api/v1/households/%lld/ledger?limit=500",
	        (long long)household),
	    itest_admin, NULL, 200));
}

int64_t
itest_lot_on_hand(int64_t item, int64_t lot)
{
	cJSON *l = itest_stock_lot(item, lot);

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

int
itest_basket_count(const char *query)
{
	cJSON *j =
	    itest_ok("GET", itest_f("/api/v1/distributions?limit=500%s", query),
	        itest_admin, NULL, 200);

	return cJSON_GetArraySize(itest_items(j));
}

int64_t
itest_household_granted(
    const char *card, const char *category, int members, int64_t points)
{
	int64_t h = itest_household(card, category, members, -30, 300);

	itest_grant(h, points);
	return h;
}

struct itest_reply *
itest_public_raw(const char *path)
{
	struct itest_reply *r;

	itest_new_day(itest_s);
	r = itest_raw(itest_s, "GET", path, NULL, NULL, NULL, 0);
	ck_assert_msg(
	    r->status == 200, "GET %s: %d %.500s", path, r->status, r->body);
	return r;
}

cJSON *
itest_notice(const char *period)
{
	cJSON *j;

	itest_new_day(itest_s);
	j = itest_ok(
	    "GET", itest_f("/public/notices/%s", period), NULL, NULL, 200);
	ck_assert_str_eq(itest_str(j, "period"), period);
	return j;
}

int64_t
itest_public_count(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	if (cJSON_IsString(v)) {
		ck_assert_msg(strcmp(v->valuestring, "<5") == 0,
		    "count '%s' is '%s', not a number or \"<5\"", k,
		    v->valuestring);
		return -1;
	}
	return itest_int(o, k);
}

const char *
itest_csv_field(const char *line, int k, int *nf)
{
	char *out = itest_f("%s", line), *o = out;
	const char *p;
	int i = 0, q = 0;

	for (p = line;; p++) {
		if (*p == '\0' || (!q && *p == ',')) {
			if (i == k)
				*o = '\0';
			i++;
			if (*p == '\0')
				break;
			continue;
		}
		if (*p == '"') {
			if (q && p[1] == '"') {
				if (i == k)
					*o++ = '"';
				p++;
			} else
				q = !q;
			continue;
		}
		if (i == k)
			*o++ = *p;
	}
	*nf = i;
	return k < i ? out : NULL;
}

void
itest_sql(const char *db, const char *sql)
{
	sqlite3 *h;
	char *err = NULL;
	int rc;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 5000);
	rc = sqlite3_exec(h, sql, NULL, NULL, &err);
	ck_assert_msg(rc == SQLITE_OK, "%s: %s", sql, err ? err : "?");
	sqlite3_free(err);
	ck_assert_int_eq(sqlite3_close(h), SQLITE_OK);
}

int64_t
itest_sql_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	int64_t v;

	ck_assert_int_eq(
	    sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK,
	    "%s: %s", sql, sqlite3_errmsg(h));
	ck_assert_msg(sqlite3_step(st) == SQLITE_ROW, "%s: no row", sql);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

struct itest_roles
itest_roles(void)
{
	struct itest_roles r;

	r.mgr = itest_user(itest_s, "mgr", "manager");
	r.cashier = itest_user(itest_s, "cashier", "cashier");
	r.auditor = itest_user(itest_s, "auditor", "auditor");
	return r;
}

int
itest_audits(const char *action, const char *entity, int64_t id)
{
	cJSON *j, *a;
	int n = 0;

	j = itest_ok("GET", "/api/v1/audit?limit=500", itest_admin, NULL, 200);
	cJSON_ArrayForEach(a, itest_items(j))
	{
		const cJSON *eid = cJSON_GetObjectItem(a, "entity_id");

		if (strcmp(itest_str(a, "action"), action) == 0 &&
		    strcmp(itest_str(a, "entity"), entity) == 0 &&
		    cJSON_IsNumber(eid) && eid->valuedouble == (double)id)
			n++;
	}
	return n;
}
