/*
 * itest_pos_sale: the till's sale mode (慈善义卖) end to end, the real
 * cishan-pos driven by --script - against the real server (demo store)
 * and an emulated USB printer: no card, the item's sale price, a QR
 * payment with its reference, the sale posted and its 义卖小票 printed;
 * an item with no price refused at the till; the server killed, a cash
 * sale recorded offline from the till's cache and replayed once.  Run
 * under libumockdev-preload (exit 77 without it).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "drivers.h"
#include "pos_itest.h"
#include "usbemu.h"

#define SOAP  "6901234567151"
#define FLOUR "6901234567021"

static struct pos_itest T;

static const char *const usb_args[] = {
    "--scanner", "none", "--printer", "usb", "--probe", "200", NULL};

static void
setup(void)
{
	pos_itest_store_usb(&T, 0);
}

static void
teardown(void)
{
	pos_itest_done(&T);
}

static cJSON *
api(const char *method, const char *path, const char *body, int want)
{
	int st;
	cJSON *j = itest_req(&T.srv, method, path, T.manager, body, &st);

	ck_assert_msg(st == want, "%s %s: %d, want %d: %s", method, path, st,
	    want, itest_text(j));
	return j;
}

/* SOAP: a donated lot of 10 that may be sold, at 3.50 yuan. Its lot. */
static int64_t
sellable_soap(void)
{
	int64_t item = itest_int(
	    api("GET", "/api/v1/items/by-barcode/" SOAP, NULL, 200), "id");
	int64_t donor =
	    itest_int(api("POST", "/api/v1/donors",
	                  "{'name':'义卖捐赠人','kind':'individual'}", 201),
	        "id");
	cJSON *d = api("POST", "/api/v1/donations",
	    itest_f("{'client_id':'%s','donor_id':%lld,'received_on':'%s',"
	            "'lines':[{'item_id':%lld,'quantity':10,'sale_allowed':"
	            "true}]}",
	        itest_uuid(), (long long)donor, itest_date(0), (long long)item),
	    201);

	api("PUT", itest_f("/api/v1/items/%lld/sale-price", (long long)item),
	    "{'sale_price_fen':350}", 200);
	return itest_int(
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "lines"), 0),
	    "lot_id");
}

static int64_t
lot_on_hand(int64_t lot)
{
	int64_t item = itest_int(
	    api("GET", "/api/v1/items/by-barcode/" SOAP, NULL, 200), "id");
	cJSON *j = api("GET",
	    itest_f("/api/v1/stock/movements?item_id=%lld&limit=500",
	        (long long)item),
	    NULL, 200);
	const cJSON *m;
	int64_t sum = 0;

	cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(j, "items"))
	{
		if (itest_int(m, "lot_id") == lot)
			sum += itest_int(m, "quantity");
	}
	return sum;
}

static int
has_mem(const uint8_t *b, size_t n, const char *s)
{
	return memmem(b, n, s, strlen(s)) != NULL;
}

START_TEST(t_sale_online_qr)
{
	int64_t lot = sellable_soap();
	cJSON *s, *j, *sale;
	uint8_t *got;
	size_t n;

	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	s = pos_itest_cmd(&T, "sale");
	ck_assert_msg(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "sale")),
	    "%s", itest_text(s));
	ck_assert_str_eq(pos_itest_str(s, "stage"), "basket");
	ck_assert_str_eq(pos_itest_str(s, "pay_method"), "cash");
	pos_itest_cmd(&T, "scan %s", SOAP);
	s = pos_itest_cmd(&T, "qty 2");
	ck_assert_int_eq(pos_itest_num(s, "sale_total_fen"), 700);
	/* QR without its reference: refused at the till. */
	s = pos_itest_cmd(&T, "pay qr");
	ck_assert_msg(pos_itest_msg(s, "bad_reference"), "%s", itest_text(s));
	pos_itest_cmd(&T, "pay qr WX4200001234");
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "sold"), "%s", itest_text(s));
	ck_assert_str_eq(pos_itest_str(s, "receipt"), "T1-S000001");
	ck_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "sale")));
	pos_itest_until(&T, pos_itest_queue_empty, 5);
	got = usbemu_out(T.prn, &n);
	ck_assert_msg(has_mem(got, n, "\xd2\xe5\xc2\xf4\xd0\xa1\xc6\xb1"),
	    "no 义卖小票 printed");
	ck_assert_msg(has_mem(got, n, "T1-S000001"), "no receipt number");
	ck_assert_msg(has_mem(got, n, "WX4200001234"), "no reference");
	ck_assert_msg(has_mem(got, n,
	                  "\xa3\xa4"
	                  "7.00") ||
	        has_mem(got, n, "7.00"),
	    "no total");
	free(got);
	/* An item with no sale price: refused at the till, nothing sent. */
	pos_itest_cmd(&T, "sale");
	pos_itest_cmd(&T, "scan %s", FLOUR);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(pos_itest_msg(s, "not_for_sale"), "%s", itest_text(s));
	pos_itest_cmd(&T, "cancel");
	ck_assert_int_eq(pos_itest_end(&T), 0);

	j = api("GET", "/api/v1/sales", NULL, 200);
	ck_assert_int_eq(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")),
	    1);
	sale =
	    cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(j, "items"), 0);
	ck_assert_int_eq(itest_int(sale, "total_fen"), 700);
	ck_assert_str_eq(itest_str(itest_obj(sale, "payment"), "method"), "qr");
	ck_assert_str_eq(
	    itest_str(itest_obj(sale, "payment"), "reference"), "WX4200001234");
	ck_assert_int_eq(lot_on_hand(lot), 8);
	ck_assert_int_eq(pos_itest_count(&T), 0); /* no distribution */
}
END_TEST

START_TEST(t_sale_offline_replayed_once)
{
	int64_t lot = sellable_soap();
	cJSON *s, *j;
	uint8_t *got;
	size_t n;
	int st;

	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	pos_itest_cmd(&T, "sale");
	s = pos_itest_cmd(&T, "scan %s", SOAP); /* online: cached */
	ck_assert_int_eq(pos_itest_num(s, "sale_total_fen"), 350);
	pos_itest_cmd(&T, "cancel");
	pos_itest_kill(&T);
	pos_itest_cmd(&T, "sale");
	s = pos_itest_cmd(&T, "scan %s", SOAP); /* from the till's cache */
	ck_assert_msg(
	    cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(s, "online")), "%s",
	    itest_text(s));
	s = pos_itest_cmd(&T, "qty 3");
	ck_assert_int_eq(pos_itest_num(s, "sale_total_fen"), 1050);
	s = pos_itest_cmd(&T, "confirm");
	ck_assert_msg(
	    pos_itest_msg(s, "confirmed_offline"), "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "pending"), 1);
	ck_assert_str_eq(pos_itest_str(s, "receipt"), "L-T1-1");
	pos_itest_until(&T, pos_itest_queue_empty, 5);
	got = usbemu_out(T.prn, &n);
	ck_assert_msg(has_mem(got, n, "\xd2\xe5\xc2\xf4\xd0\xa1\xc6\xb1"),
	    "no 义卖小票 printed");
	ck_assert_msg(has_mem(got, n, "\xc0\xeb\xcf\xdf"), "not marked 离线");
	free(got);
	pos_itest_serve(&T); /* back, same port */
	s = pos_itest_until(&T, pos_itest_nothing_pending, 10);
	ck_assert_msg(pos_itest_num(s, "pending") == 0, "%s", itest_text(s));
	ck_assert_int_eq(pos_itest_num(s, "conflicts"), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	/* A second run replays nothing more. */
	pos_itest_start(&T, usb_args);
	pos_itest_cmd(&T, "login cashier cashier-demo");
	s = pos_itest_cmd(&T, "wait 300");
	ck_assert_int_eq(pos_itest_num(s, "pending"), 0);
	ck_assert_int_eq(pos_itest_end(&T), 0);
	j = itest_req(&T.srv, "GET", "/api/v1/sales", T.manager, NULL, &st);
	ck_assert_int_eq(st, 200);
	ck_assert_int_eq(
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "items")),
	    1);
	ck_assert_int_eq(
	    itest_int(cJSON_GetArrayItem(
	                  cJSON_GetObjectItemCaseSensitive(j, "items"), 0),
	        "total_fen"),
	    1050);
	ck_assert_int_eq(lot_on_hand(lot), 7);
	j = itest_req(
	    &T.srv, "GET", "/api/v1/operating/accounts", T.manager, NULL, &st);
	ck_assert_int_eq(itest_int(j, "balance_fen"), 1050);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pos_sale");
	TCase *tc = tcase_create("sale");

	if (!usbemu_available())
		return 77; /* skipped, and said so: no umockdev preload */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_sale_online_qr);
	tcase_add_test(tc, t_sale_offline_replayed_once);
	suite_add_tcase(s, tc);
	return itest_run(s);
}
