/*
 * Privacy of what the public sees, against the real server: text that
 * staff type reaches the public as text (no spreadsheet formula in the
 * CSV, no markup on the page), and a walk over every /public path of a
 * demo store finds no household's name, card, id number, phone or street.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "itest.h"

/* Text that staff type (fund names, purposes, categories) reaches the
 * public as text: no spreadsheet formula in the CSV, no markup on the
 * page. */
START_TEST(test_outside_text)
{
	const char *now = itest_period(0), *csv, *page, *p, *e;
	int64_t donor = itest_donor(itest_admin, "某公司", "enterprise");
	int64_t fund = itest_fund(
	    itest_admin, "=HYPERLINK(\\\"http://x\\\")", "donations", 0, NULL);
	int64_t oil;
	char *line;
	int nf, k;

	oil = itest_item_new(
	    itest_admin, "油", "<i>粮油</i>", "'NT-OIL'", 700, 7, NULL);
	itest_cash(itest_admin, donor, fund, 9000);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 3500, "@SUM(1+1)",
	        itest_f("{'item_id':%lld,'quantity':5}", (long long)oil)),
	    NULL);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 100, "+cmd|/C calc!A0", NULL),
	    NULL);
	itest_expense(itest_admin, fund,
	    itest_expense_body(itest_uuid(), 100, "-2+3", NULL), NULL);

	page = itest_public_raw("/")->body;
	ck_assert_msg(strstr(page, "<i>") == NULL,
	    "the page lets a category name's markup through");
	ck_assert_msg(strstr(page, "&lt;i&gt;粮油") != NULL,
	    "the category is not on the page, escaped");
	csv =
	    itest_public_raw(itest_f("/public/notices/%s.csv", now))->body + 3;
	for (p = csv; *p != '\0'; p = e + 2) {
		e = strstr(p, "\r\n");
		ck_assert_ptr_nonnull(e);
		line = itest_f("%.*s", (int)(e - p), p);
		for (k = 0; k < 8; k++) {
			const char *f = itest_csv_field(line, k, &nf);

			/* 2 to 5 are numbers (a negative yuan may lead with -)
			 */
			if (f == NULL || *f == '\0' || (k >= 2 && k <= 5))
				continue;
			ck_assert_msg(strchr("=+-@", *f) == NULL,
			    "CSV field '%s' would run as a formula in Excel "
			    "(line: %s)",
			    f, line);
		}
	}
}
END_TEST

/* Privacy walk. */

struct itest_privacy_secret {
	const char *what, *text;
};
static struct itest_privacy_secret *itest_privacy_secrets;
static int itest_privacy_nsecrets;

static int itest_privacy_csecrets;

static void
itest_privacy_secret(const char *what, const char *text)
{
	int cap = itest_privacy_csecrets;

	if (itest_privacy_nsecrets == cap) {
		cap = cap ? cap * 2 : 64;
		itest_privacy_secrets = realloc(itest_privacy_secrets,
		    (size_t)cap * sizeof *itest_privacy_secrets);
		ck_assert_ptr_nonnull(itest_privacy_secrets);
		itest_privacy_csecrets = cap;
	}
	itest_privacy_secrets[itest_privacy_nsecrets].what = what;
	itest_privacy_secrets[itest_privacy_nsecrets].text =
	    itest_f("%s", text);
	itest_privacy_nsecrets++;
}

/* Length in bytes of the UTF-8 character at S. */
static size_t
itest_privacy_u8len(const char *s)
{
	unsigned char c = (unsigned char)*s;

	return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/* The secrets of one household: the name and its 2nd+ characters, the
 * card, the id number and every 4-digit run of it, phone, street. */
static void
itest_privacy_household_secrets(const char *name, const char *card,
    const char *idnum, const char *phone, const char *street)
{
	const char *given = name + itest_privacy_u8len(name);
	size_t i, n = strlen(idnum);

	itest_privacy_secret("name", name);
	/* The given name, when it is two characters or more. */
	if (*given != '\0' && given[itest_privacy_u8len(given)] != '\0')
		itest_privacy_secret("name (2nd+ characters)", given);
	itest_privacy_secret("card code", card);
	itest_privacy_secret("id number", idnum);
	for (i = 0; i + 4 <= n; i++)
		if (isdigit((unsigned char)idnum[i]) &&
		    isdigit((unsigned char)idnum[i + 1]) &&
		    isdigit((unsigned char)idnum[i + 2]) &&
		    isdigit((unsigned char)idnum[i + 3]))
			itest_privacy_secret(
			    "id number fragment", itest_f("%.4s", idnum + i));
	if (*phone != '\0')
		itest_privacy_secret("phone", phone);
	itest_privacy_secret("street", street);
	if (strlen(street) > strlen("街道") &&
	    strcmp(street + strlen(street) - strlen("街道"), "街道") == 0)
		itest_privacy_secret("street name",
		    itest_f("%.*s", (int)(strlen(street) - strlen("街道")),
		        street));
}

/* An id number of a person born on BORN (YYYYMMDD), sequence SEQ. */
static const char *
itest_privacy_idnum(const char *area, const char *born, int seq)
{
	char d[24];

	snprintf(d, sizeof d, "%.6s%.8s%03d", area, born, seq);
	return itest_f("%s%c", d, itest_idnum_check(d));
}

/* Assert no secret is in BODY (hashes of 32+ hex digits blanked first:
 * their digits are noise, not data). */
static void
itest_privacy_clean(const char *path, const char *body, size_t len)
{
	char *b = itest_f("%.*s", (int)len, body);
	size_t i, j;
	int k;

	for (i = 0; b[i] != '\0'; i = j) {
		for (j = i; isxdigit((unsigned char)b[j]); j++)
			;
		if (j - i >= 32)
			memset(b + i, '#', j - i);
		if (j == i)
			j++;
	}
	for (k = 0; k < itest_privacy_nsecrets; k++) {
		const char *hit = strstr(b, itest_privacy_secrets[k].text);

		ck_assert_msg(hit == NULL,
		    "GET %s shows a household's %s '%s': "
		    "...%.80s...",
		    path, itest_privacy_secrets[k].what,
		    itest_privacy_secrets[k].text, hit - b > 30 ? hit - 30 : b);
	}
}

static int itest_privacy_walked;

static void
itest_privacy_walk(const char *path)
{
	struct itest_reply *r = itest_public_raw(path);

	itest_privacy_clean(path, r->body, r->len);
	itest_privacy_walked++;
}

/* A demo store, more households of our own that were served, a published
 * month: no /public response (nor /) shows a household's identity. */
START_TEST(test_privacy_walk)
{
	static const struct {
		const char *card, *name, *category, *street, *phone, *born;
		int members;
	} demo[] = {
	    {"HH0001", "张小明", "tekun", "南京东路街道", "13812345678",
	        "19480312", 1},
	    {"HH0002", "欧阳明华", "dibao", "外滩街道", "13900001111",
	        "19650721", 3},
	    {"HH0003", "李秀英", "emergency", "豫园街道", "", "19790105", 4},
	    {"HH0004", "王建国", "illness", "打浦桥街道", "13711112222",
	        "19560930", 2},
	    {"HH0005", "赵丽", "low_income", "淮海中路街道", "13622223333",
	        "19881111", 3},
	    {"HH0006", "陈志强", "dibao", "瑞金二路街道", "", "19700415", 2},
	    {"HH0007", "刘芳", "other", "五里桥街道", "13533334444", "19920228",
	        1},
	    {"HH0008", "孙卫东", "tekun", "老西门街道", "", "19410806", 1},
	    /* Ours: served below. */
	    {"PW-7731", "司马云飞", "tekun", "曹家渡街道", "13698765432",
	        "19730514", 2},
	    {"PW-7732", "诸葛晓燕", "dibao", "江宁路街道", "15987654321",
	        "19851223", 4},
	    {"PW-7733", "上官文博", "illness", "石门二路街道", "18611223344",
	        "19590617", 3},
	    {"PW-7734", "林雨桐", "dibao", "静安寺街道", "17755667788",
	        "19931009", 1},
	};
	const char *mgr = itest_login(itest_s, "manager", "manager-demo");
	const char *idnum;
	cJSON *list, *e, *d, *item;
	int64_t rice, h;
	size_t i;
	int st, id;

	item = itest_ok(
	    "GET", "/api/v1/items?q=%E5%A4%A7%E7%B1%B3", mgr, NULL, 200);
	ck_assert_int_ge(cJSON_GetArraySize(itest_items(item)), 1);
	rice = itest_int(cJSON_GetArrayItem(itest_items(item), 0), "id");
	for (i = 0; i < sizeof demo / sizeof demo[0]; i++) {
		if (i < 8)
			idnum = itest_privacy_idnum(
			    "310101", demo[i].born, 100 + (int)i);
		else
			idnum = itest_privacy_idnum(
			    "310106", demo[i].born, 527 + (int)i);
		itest_privacy_household_secrets(demo[i].name, demo[i].card,
		    idnum, demo[i].phone, demo[i].street);
		if (i < 8)
			continue;
		h = itest_int(
		    itest_ok("POST", "/api/v1/households", mgr,
		        itest_f("{'card_code':'%s','head_name':'%s',"
		                "'id_number':'%s','members':%d,"
		                "'category':'%s','street':'%s',"
		                "'phone':'%s','valid_from':'%s',"
		                "'valid_to':'%s'}",
		            demo[i].card, demo[i].name, idnum, demo[i].members,
		            demo[i].category, demo[i].street, demo[i].phone,
		            itest_date(-30), itest_date(300)),
		        201),
		    "id");
		itest_grant(h, 500);
		itest_basket(itest_admin, NULL, "T1", demo[i].card,
		    itest_line(rice, 1), NULL);
	}
	/* The demo's own id numbers are the ones we think they are: a second
	 * registration of one is refused as a duplicate. */
	itest_refused("POST", "/api/v1/households", mgr,
	    itest_f("{'card_code':'PW-DUP','head_name':'某某','id_number':'%s',"
	            "'members':1,'category':'other','street':'某街道',"
	            "'valid_from':'%s','valid_to':'%s'}",
	        itest_privacy_idnum("310101", demo[0].born, 100),
	        itest_date(-1), itest_date(30)),
	    422, "duplicate_household", NULL);
	/* A published month too (the demo publishes none: 201). */
	d = itest_req(itest_s, "POST",
	    itest_f("/api/v1/notices/%s/publish", itest_period(-1)), mgr, NULL,
	    &st);
	ck_assert_msg(st == 201, "publish: %d %s", st, itest_print(d));

	itest_privacy_walk("/");
	itest_privacy_walk("/public/notices");
	list = itest_ok("GET", "/public/notices", NULL, NULL, 200);
	ck_assert_int_ge(cJSON_GetArraySize(itest_items(list)), 1);
	/* Last month, listed or not (publication is test_publish's). */
	itest_privacy_walk(itest_f("/public/notices/%s", itest_period(-1)));
	itest_privacy_walk(itest_f("/public/notices/%s.csv", itest_period(-1)));
	cJSON_ArrayForEach(e, itest_items(list))
	{
		itest_privacy_walk(
		    itest_f("/public/notices/%s", itest_str(e, "period")));
		itest_privacy_walk(
		    itest_f("/public/notices/%s.csv", itest_str(e, "period")));
	}
	for (id = 1;; id++) {
		d = itest_req(itest_s, "GET",
		    itest_f("/api/v1/donations/%d", id), mgr, NULL, &st);
		if (st == 404)
			break;
		ck_assert_msg(st == 200, "donation %d: %d", id, st);
		itest_privacy_walk(itest_f(
		    "/public/donations/%s", itest_str(d, "receipt_code")));
	}
	ck_assert_int_ge(id, 10);
	/* The walk did see the served households, as counts. */
	ck_assert_int_ge(itest_privacy_walked, 15);
	d = itest_notice(itest_period(0));
	ck_assert_int_ge(
	    itest_public_count(itest_obj(d, "households_served"), "households"),
	    5);
	free(itest_privacy_secrets);
	itest_privacy_secrets = NULL;
	itest_privacy_nsecrets = itest_privacy_csecrets = 0;
}
END_TEST

static Suite *
itest_privacy_suite(void)
{
	Suite *s = suite_create("privacy");
	TCase *tc = itest_tcase("privacy");
	TCase *demo = itest_demo_tcase("walk");

	tcase_add_test(tc, test_outside_text);
	suite_add_tcase(s, tc);
	tcase_add_test(demo, test_privacy_walk);
	suite_add_tcase(s, demo);
	return s;
}

int
main(void)
{
	return itest_run(itest_privacy_suite());
}
