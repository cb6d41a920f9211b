/*
 * The HTTP side as handlers (res_*.c) see it: the request, opaque (its
 * struct and libevent stay in the http*.c files, behind http_int.h),
 * replies, the group commit, offload, and the bounded JSON of json.c.
 */
#ifndef CISHAN_HTTP_H
#define CISHAN_HTTP_H

#include <stdio.h>

#include <cJSON.h>

#include "server.h"

struct req;
struct server;

typedef void (*http_handler)(struct req *);

/* http.c */
struct db *http_db(struct req *);
const struct actor *http_actor(struct req *);
const char *http_arg(struct req *, int);
const cJSON *http_body(struct req *, struct fault *);
const unsigned char *http_body_hash(struct req *);
const char *http_header(struct req *, const char *);
const char *http_peer(struct req *);
const char *http_token(struct req *);

/* http_query.c */
const char *http_query(struct req *, const char *);
int http_id_arg(struct req *, int, int64_t *);
int http_range(struct req *, int64_t *, int64_t *, struct fault *);
int http_days_ahead(struct req *, const char *, char *, struct fault *);
int http_query_bool(struct req *, const char *, int *, struct fault *);

/* A page of a list as it is built: embed it in a handler's own state. */
struct http_list {
	cJSON *items;
	int64_t after; /* the cursor given: go on after this id */
	int64_t last;  /* the id of the last item added */
	int limit, n;  /* limit 0: the whole list, no cursor */
};
int http_list_begin(struct req *, struct http_list *, struct fault *);
void http_list_all(struct http_list *);
void http_list_add(struct http_list *, cJSON *, int64_t);
void http_list_reply(struct req *, struct http_list *);
void http_list_fail(struct req *, struct http_list *, struct fault *);
/* A list whose rows a db_*_list walks, each made an item by JSON, which
 * gives its id too (NULL: the database failed): set db and json, and pass
 * http_list_row with it. */
struct http_rows {
	struct http_list l;
	struct db *db;
	cJSON *(*json)(struct db *, const void *, int64_t *);
	int failed;
};
int http_list_row(const void *, void *);

/* http_reply.c */
void http_reply(struct req *, int, cJSON *);
void http_reply_row(struct req *, int, const void *,
    cJSON *(*)(struct db *, const void *, int64_t *), const char *);
void http_reply_text(struct req *, int, const char *, const char *, size_t);
void http_reply_header(struct req *, const char *, const char *);
void http_fault(struct req *, const struct fault *);
void http_error(struct req *, int, const char *, const char *);
void http_defer(struct req *, int, cJSON *);
void http_defer_fault(struct req *, const struct fault *);
void http_reply_later(struct req *, int, cJSON *, int64_t);
void http_fault_later(struct req *, const struct fault *, int64_t);
void http_throttled(struct req *, int64_t, const char *);

/* http_commit.c */
void http_batch(
    struct req *, void (*)(struct req *, void *), void *, void (*)(void *));

/* http_offload.c */
int http_offload(struct req *, int, void (*)(void *),
    void (*)(struct req *, void *), void *);

/* http_serve.c: what `serve` was asked for (0 or NULL: the default) */
struct http_opts {
	const char *listen;
	int auto_grant;
	int max_connections; /* open at once; by default from RLIMIT_NOFILE */
	int max_per_address;
	int request_timeout;       /* seconds to send a whole request */
	const char *trusted_proxy; /* its X-Forwarded-For is believed */
	const char *tls_cert, *tls_key;
	int plain_http;   /* plain http on an address other than loopback */
	int card_lookups; /* per user a minute */
};
int http_serve(struct db *, const struct http_opts *);

/* http_tls.c: init --self-signed (the certificate, its key, its
 * SHA-256 fingerprint) */
int http_tls_self_signed(const char *, const char *, char *, size_t);

/* json.c */
int json_str(
    const cJSON *, const char *, int, size_t, char *, size_t, struct fault *);
int json_int(const cJSON *, const char *, int, int64_t, int64_t, int64_t *,
    struct fault *);
int json_bool(const cJSON *, const char *, int, int *, struct fault *);
int json_only(const cJSON *, const char *const[], const char *, struct fault *);
int json_enum(const cJSON *, const char *, int, const char *const *, int *,
    struct fault *);
const cJSON *json_array(
    const cJSON *, const char *, int, int, int *, struct fault *);
int json_object(const cJSON *, const char *, struct fault *);
int json_client_id(const cJSON *, char *, size_t, struct fault *);
void json_prefix(struct fault *, const char *, int);
void json_fault_path(struct fault *, const char *);
int json_utf8_valid(const char *, size_t);
void json_hash(const cJSON *, unsigned char *);
cJSON *json_new(void);
void json_add_int(cJSON *, const char *, int64_t);
void json_add_str(cJSON *, const char *, const char *);
void json_add_bool(cJSON *, const char *, int);
void json_add_time(cJSON *, const char *, time_t);
cJSON *json_int_item(int64_t);
#define JSON_INT_LEN 21 /* "-9223372036854775808" and its NUL */
void json_itoa(int64_t, char *);

/* One handler per route; the table is in http_route.c. */
/* res_sessions.c */
void res_sessions_create(struct req *);
void res_sessions_delete(struct req *);
void res_sessions_password(struct req *);
/* res_users.c */
void res_users_create(struct req *);
void res_users_list(struct req *);
void res_users_patch(struct req *);
void res_users_password(struct req *);
/* res_items.c */
void res_items_create(struct req *);
void res_items_list(struct req *);
void res_items_get(struct req *);
void res_items_by_barcode(struct req *);
void res_items_patch(struct req *);
void res_items_barcode_add(struct req *);
cJSON *res_items_json(const struct db_item *);
/* res_donors.c */
void res_donors_create(struct req *);
void res_donors_list(struct req *);
void res_donors_get(struct req *);
void res_donors_patch(struct req *);
/* res_donations.c */
void res_donations_create(struct req *);
void res_donations_get(struct req *);
void res_donations_list(struct req *);
int res_donations_lot(const void *, void *);
/* A line of goods coming in (a donation's, a fund's expense's): the item,
 * the quantity, a unit value (-1: none given), an expiry date; with SALE
 * whether it may be sold. */
int res_donations_line(const cJSON *, struct stock_line *, int, struct fault *);
/* res_funds.c */
void res_funds_create(struct req *);
void res_funds_list(struct req *);
void res_funds_get(struct req *);
void res_funds_entries(struct req *);
void res_funds_expense(struct req *);
/* res_stock.c */
void res_stock_list(struct req *);
void res_stock_adjust(struct req *);
void res_stock_movements(struct req *);
void res_stock_count(struct req *);
/* res_households.c */
void res_households_create(struct req *);
void res_households_list(struct req *);
void res_households_get(struct req *);
void res_households_by_card(struct req *);
void res_households_patch(struct req *);
void res_households_card(struct req *);
void res_households_ledger(struct req *);
/* res_grants.c */
void res_grants_policy_put(struct req *);
void res_grants_policy_list(struct req *);
void res_grants_monthly(struct req *);
void res_grants_monthly_status(struct req *);
void res_grants_oneoff(struct req *);
/* res_distributions.c */
void res_distributions_create(struct req *);
void res_distributions_list(struct req *);
void res_distributions_get(struct req *);
void res_distributions_void(struct req *);
/* res_conflicts.c */
void res_conflicts_create(struct req *);
void res_conflicts_list(struct req *);
void res_conflicts_resolve(struct req *);
/* res_store.c */
void res_store_get(struct req *);
void res_store_patch(struct req *);
/* res_notices.c */
const char *res_notices_label(const char *);
char *res_notices_text(struct db *, const char *, int, struct fault *);
void res_notices_get(struct req *);
void res_notices_live(struct req *);
void res_notices_list(struct req *);
void res_notices_publish(struct req *);
void res_notices_donation(struct req *);
int res_notices_trace(struct db *, const char *, cJSON **);
/* res_pin.c */
void res_pin_put(struct req *);
void res_pin_balance(struct req *);
/* res_me.c */
void res_me_page(struct req *);
void res_me_script(struct req *);
/* res_heads.c */
void res_heads_list(struct req *);
/* res_csv.c */
char *res_csv_notice(const cJSON *, size_t *);
void res_csv_field(FILE *, const char *);
/* res_html.c */
void res_html_esc(FILE *, const char *);
int64_t res_html_num(const cJSON *);
int64_t res_html_int(const cJSON *, const char *);
const char *res_html_str(const cJSON *, const char *);
void res_html_money(FILE *, int64_t);
void res_html_count(FILE *, const cJSON *);
void res_html_head(FILE *, const char *, int);
void res_html_send(struct req *, int, char *, size_t);
void res_html_style(struct req *);
void res_html_message(struct req *, int, const char *, const char *);
/* res_public.c */
char *res_public_render(
    struct db *, const char *, const cJSON *, size_t *, struct fault *);
void res_public_month(struct req *);
void res_public_list(struct req *);
/* res_public_trace.c */
void res_public_trace(struct req *);
void res_public_lookup(struct req *);
/* res_page.c */
void res_page_index(struct req *);
void res_page_receipt(struct req *);
/* res_audit.c */
void res_audit_list(struct req *);
/* res_user_sessions.c */
void res_user_sessions_list(struct req *);
void res_user_sessions_end(struct req *);
/* res_card_lookups.c */
void res_card_lookups_list(struct req *);
void res_health(struct req *);
/* res_console.c */
void res_console_index(struct req *);
void res_console_file(struct req *);
void res_console_redirect(struct req *);
/* res_volunteers.c */
void res_volunteers_create(struct req *);
void res_volunteers_list(struct req *);
void res_volunteers_get(struct req *);
void res_volunteers_shift(struct req *);
void res_volunteers_check_in(struct req *);
void res_volunteers_check_out(struct req *);
void res_volunteers_record(struct req *);
void res_volunteers_record_csv(struct req *);
void res_volunteers_record_html(struct req *);
void res_volunteers_notice_html(FILE *, const cJSON *);
/* res_participation.c */
void res_participation_get(struct req *);
void res_participation_rank(struct req *);
void res_participation_public(struct req *);
void res_participation_page(struct req *);
/* res_reports.c */
void res_reports_civil(struct req *);
void res_reports_civil_csv(struct req *);
void res_reports_civil_html(struct req *);

/* res_sales.c */
void res_sales_create(struct req *);
void res_sales_list(struct req *);
void res_sales_get(struct req *);
void res_sales_refund(struct req *);
void res_sales_price_get(struct req *);
void res_sales_price_put(struct req *);

/* res_till.c: what the till's posts share. A till id: 1 to 32 of A-Z
 * a-z 0-9 - _ (ok, or the fault on till_id). A basket's lines (N of
 * them, at most LIMIT_LINES): an item by barcode or item_id, and a
 * quantity; WHAT names the post in the fault for none ("a sale"), and
 * NAMED the field a line with both or neither is refused on ("barcode",
 * "item_id"). A line's lot ids: a db_*_line_lots callback into a cJSON
 * array, and what a post wrote into LINE's "lot_ids". An undo (a void, a
 * refund): the post's id from the path, the body's client_id and reason
 * (at most 190 bytes) and its hash; -1 when it is answered (404 with
 * NONE, or the body's fault). */
int res_till_ok(const char *, size_t);
int res_till_check(const char *, struct fault *);
int res_till_lines(const cJSON *, struct dist_line_in *, int *, const char *,
    const char *, struct fault *);
int res_till_lot(const void *, void *);
void res_till_lot_ids(cJSON *, const struct dist_lot *, size_t, size_t);
int res_till_undo(struct req *, const char *, int64_t *, char *, size_t, char *,
    size_t, unsigned char *);

/* res_operating.c */
void res_operating_accounts(struct req *);
void res_operating_entry_create(struct req *);
void res_operating_entry_list(struct req *);
void res_operating_statement(struct req *);
void res_operating_transfer_create(struct req *);
void res_operating_transfer_list(struct req *);
void res_operating_transfer_confirm(struct req *);
cJSON *res_operating_statement_json(struct db *, const char *);
cJSON *res_operating_transfer_json(const struct db_op_transfer *, int);
int res_operating_notice(struct db *, const struct notice *, cJSON *);
void res_operating_notice_html(FILE *, const cJSON *);

#endif
