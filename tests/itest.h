/*
 * itest: a harness for Check suites that drive the real cishan-server.
 *
 * Each test (a checked fixture, so in Check's forked child) gets a fresh
 * temporary directory and database: `init` makes the admin user, `serve`
 * listens on 127.0.0.1:0 and the harness reads the real port from its
 * "listening on" line. Teardown stops it with SIGTERM and asserts exit 0.
 * The binary is $CISHAN_SERVER (default build/cishan-server), so the same
 * suites run against the sanitizer build. Temporary files go under
 * $ITEST_TMPDIR (default /tmp); a failed test keeps its directory, with the
 * server's stderr in server.log.
 *
 * Memory: every cJSON returned by itest_req and every string returned by
 * itest_f, itest_login and friends belongs to the harness and is freed at
 * teardown. Tests never free them.
 *
 * Request bodies given to itest_req are JSON written with single quotes for
 * double quotes ("{'name':'rice'}"), so tests read like the API; data that
 * needs a real ' goes through itest_raw, which sends exact bytes.
 *
 * Three files: itest_proc.c (the server's life, commands, harness memory),
 * itest_http.c (the HTTP client and assertions on replies) and
 * itest_fixture.c (values and builders); a section each below.
 */
#ifndef ITEST_H
#define ITEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <check.h>
#include <cjson/cJSON.h>

#define ITEST_ADMIN      "admin"
#define ITEST_ADMIN_PASS "admin-pass-1"
#define ITEST_USER_PASS  "user-pass-12345"

struct itest_srv {
	char dir[512]; /* temporary directory of this server */
	char db[600];  /* DIR/t.db unless started on another file */
	char host[64]; /* 127.0.0.1 */
	int port;
	pid_t pid;   /* 0 once stopped */
	int own_dir; /* remove dir at stop */
};

/* Raw reply of itest_raw / itest_http. */
struct itest_reply {
	int status;
	char *body; /* NUL-terminated, owned by the harness */
	size_t len;
	char *headers; /* header block, lower-cased names, harness-owned */
	double secs;   /* wall time of the whole exchange */
};

/* itest_proc.c */

/* The server of the current test (set by itest_setup). */
extern struct itest_srv *itest_s;
/* Admin token of itest_s, logged in by itest_setup. */
extern const char *itest_admin;

/* Check fixtures: fresh dir + db + server, admin logged in; and stop. */
void itest_setup(void);
void itest_teardown(void);
/* A TCase with the fixtures and a timeout fit for the server; the same
 * with a suite's own fixtures (which call itest_setup, itest_teardown). */
TCase *itest_tcase(const char *name);
TCase *itest_tcase_with(
    const char *name, void (*setup)(void), void (*teardown)(void));
/* Run a suite with Check's normal output; the process exit code. */
int itest_run(Suite *);

/* Lower level: start/stop a server on DB (NULL: fresh dir, init). */
struct itest_srv *itest_start(const char *db);
/* The same, with one more option of serve: OPT VAL (OPT NULL: none). */
struct itest_srv *itest_start_with(
    const char *db, const char *opt, const char *val);
/* The same with serve's further options EXTRA (NULL-ended, or NULL) and,
 * NOFILE > 0, that open-file limit set in the server's process. */
struct itest_srv *itest_start_argv(
    const char *db, int nofile, const char *const *extra);
/* `serve ARGS` alone (a config file's test): DB names its database. */
struct itest_srv *itest_start_bare(const char *db, const char *const *args);
void itest_stop(struct itest_srv *);
/* SIGKILL the server and reap it; its files stay. */
void itest_kill(struct itest_srv *);
/* Path of the server binary. */
const char *itest_bin(void);
/* The till's binary: $CISHAN_POS, or cishan-pos beside the server. */
const char *itest_pos_bin(void);
/* In a child before exec: PATH, opened with FLAGS, becomes descriptor TO;
 * -1 if it cannot be opened. */
int itest_reopen(int to, const char *path, int flags);
/* Remove a directory tree (a server's, once it is stopped). */
void itest_remove_dir(const char *dir);

/* Run `cishan-server verify --db DB`; assert exit 0 if OK, else non-zero
 * and that the output contains NAMES (if given). Returns harness output. */
const char *itest_verify(const char *db, int ok, const char *names);
/* Run the server binary with ARGV (NULL-ended, argv[0] excluded); returns
 * its exit status (or -1) and the combined output in *OUT (harness-owned). */
int itest_cmd(const char *const *argv, const char **out);

/*
 * Demo stores (itest_privacy, itest_page): `cishan-server demo` in a fresh
 * directory, then served. Users admin/admin-demo, manager/manager-demo,
 * cashier/cashier-demo, auditor/auditor-demo.
 */
struct itest_srv *itest_demo_start(void);
/* Fixtures: itest_s on a demo store, itest_admin its admin; teardown also
 * removes the store's directory. */
void itest_demo_setup(void);
void itest_demo_teardown(void);
TCase *itest_demo_tcase(const char *name);

/* A harness-owned printf result (freed at teardown). */
char *itest_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Free a reply now (for loops); the harness frees the rest at teardown. */
void itest_free(cJSON *);
/* Monotonic seconds. */
double itest_now(void);
/* A whole small file as a harness-owned string ("" if missing). */
char *itest_slurp(const char *path);
/* Does the file at PATH contain the bytes NEEDLE? */
int itest_file_has(const char *path, const char *needle);

/* For the harness's own files: hand P to the harness (freed at teardown,
 * with free or cJSON_Delete); malloc that asserts. */
enum itest_kind { ITEST_MEM, ITEST_JSON };
void itest_own(enum itest_kind, void *p);
void *itest_xmalloc(size_t n);

/* itest_http.c */

/* A TCP connection to S with SECS timeouts; its fd, or -1. */
int itest_connect(struct itest_srv *s, int secs);
/* The same from source address SRC (NULL: any), not waiting for the
 * handshake when NOWAIT (a flood's connections). */
int itest_connect_from(
    struct itest_srv *s, int secs, const char *src, int nowait);
/*
 * One HTTP/1.1 exchange with exact bytes: METHOD PATH, optional bearer
 * TOKEN, optional CONTENT_TYPE (NULL: none sent), BODY of LEN bytes (NULL:
 * no body), extra header lines EXTRA ("Name: v\r\n"..., or NULL). Returns 0
 * and fills R, or -1 on a transport error (no assertion: safe in children).
 */
int itest_http(struct itest_srv *, const char *method, const char *path,
    const char *token, const char *content_type, const char *extra,
    const char *body, size_t len, struct itest_reply *r);
/* The same, asserting the exchange worked; the reply is harness-owned. */
struct itest_reply *itest_raw(struct itest_srv *, const char *method,
    const char *path, const char *token, const char *content_type,
    const char *body, size_t len);
/*
 * JSON request: BODY in single-quote JSON (or NULL); returns the parsed
 * reply (NULL if not JSON) and sets *STATUS. Asserts the transport worked.
 */
cJSON *itest_req(struct itest_srv *, const char *method, const char *path,
    const char *token, const char *body, int *status);
/* As itest_req on itest_s, asserting the status is WANT. */
cJSON *itest_ok(const char *method, const char *path, const char *token,
    const char *body, int want);

/* POST /api/v1/sessions; asserts 201 and returns the token. */
const char *itest_login(struct itest_srv *, const char *user, const char *pass);
/* Admin creates a user of ROLE named NAME (ITEST_USER_PASS); its token. */
const char *itest_user(struct itest_srv *, const char *name, const char *role);

/*
 * Assert J is {"error":{"code","message","details"}} with STATUS == WANT
 * and code CODE (or one of "a|b"); if FIELD, details.field names it (equal, or
 * a path that ends with it, like "lines[0].quantity" for "quantity", or an
 * element of it, like "barcodes[1]" for "barcodes").
 */
void itest_assert_error(
    cJSON *j, int status, int want, const char *code, const char *field);
/* A JSON request on itest_s that must be refused so; the reply. */
cJSON *itest_refused(const char *method, const char *path, const char *token,
    const char *body, int want, const char *code, const char *field);
/* The error.details object of an error reply (asserted present). */
const cJSON *itest_error_details(const cJSON *err);

/* JSON access that asserts: member K of O must exist with the type. */
int64_t itest_int(const cJSON *o, const char *k);
const char *itest_str(const cJSON *o, const char *k);
cJSON *itest_arr(const cJSON *o, const char *k);
const cJSON *itest_obj(const cJSON *o, const char *k);
/* The "items" array of a list reply. */
cJSON *itest_items(const cJSON *list);
/* The element of ARR whose integer member K equals V, or NULL. */
cJSON *itest_find(const cJSON *arr, const char *k, int64_t v);
/* The element of ARR whose string member K is V, or NULL. */
const cJSON *itest_find_str(const cJSON *arr, const char *k, const char *v);
/* What a refused request must leave as it was: PATH, the stock and the
 * movements as the admin reads them, as text. */
const char *itest_state(const char *path);
/* Compact text of J (harness-owned); itest_print cuts it for messages. */
const char *itest_text(const cJSON *j);
const char *itest_print(const cJSON *j);

/* itest_fixture.c */

/* A fresh random UUID v4 string (harness-owned). */
const char *itest_uuid(void);
/* Today +/- days in the store's time zone (Asia/Shanghai), YYYY-MM-DD. */
const char *itest_date(int days_from_today);
/* The current period +/- months, YYYY-MM (store time zone). */
const char *itest_period(int months_from_now);
/* Day DAY of the month MONTHS from now (0: the last day of the one
 * before), YYYY-MM-DD in the store's time zone. */
const char *itest_day(int months, int day);
/* The ISO 7064 MOD 11-2 check character of 17 digits. */
char itest_idnum_check(const char *digits17);
/* A valid resident id number, different for each SEQ (harness-owned). */
const char *itest_idnum(unsigned seq);

/*
 * Builders: each acts on itest_s, as the admin unless it takes a TOKEN,
 * and asserts success.
 */
/* Registers a household (a fresh id number); VALID_* in days from today.
 * Its id. */
int64_t itest_household(const char *card, const char *category, int members,
    int valid_from_days, int valid_to_days);
/* The same valid FROM .. TO (YYYY-MM-DD); the body of a registration. */
int64_t itest_household_on(const char *card, const char *category, int members,
    const char *from, const char *to);
const char *itest_household_body(const char *card, const char *name,
    const char *idnum, int members, const char *category, const char *from,
    const char *to);
/* An item with one BARCODE in "grain", worth POINTS yuan; LIMIT 0 for
 * none. Its id. */
int64_t itest_item(const char *name, const char *barcode, int64_t points,
    int64_t limit, int priority_only);
/* An item as TOKEN: BARCODES the single-quote JSON list's contents ("'A',
 * 'B'" or ""), MORE further members (",'min_stock':10") or NULL. Its id. */
int64_t itest_item_new(const char *token, const char *name,
    const char *category, const char *barcodes, int64_t value_fen,
    int64_t points, const char *more);
/* A donor of KIND as TOKEN. Its id. */
int64_t itest_donor(const char *token, const char *name, const char *kind);
/* A donation of goods by DONOR as TOKEN: LINES the single-quote JSON line
 * objects; its 201 reply. The body alone, with client id CID. */
cJSON *itest_donation(const char *token, int64_t donor, const char *lines);
const char *itest_donation_body(
    const char *cid, int64_t donor, const char *lines);
/* The lot id of line K of a donation's reply. */
int64_t itest_donation_lot(const cJSON *donation, int k);
/* A donated lot of QTY of ITEM expiring on EXPIRES (NULL: never). Its id. */
int64_t itest_lot(int64_t item, int64_t qty, const char *expires);
/* A stock adjustment of LOT; *STATUS set, or (STATUS NULL) 201 asserted.
 * The reply. The body alone, with client id CID. */
cJSON *itest_adjust(
    int64_t lot, int64_t delta, const char *reason, int *status);
const char *itest_adjust_body(
    const char *cid, int64_t lot, int64_t delta, const char *reason);
/* The stock review's entry of ITEM (asserted listed); its LOT, or NULL. */
cJSON *itest_stock(int64_t item);
cJSON *itest_stock_lot(int64_t item, int64_t lot);
/* A fund as TOKEN (PURPOSE NULL: none); the reply is checked. Its id. */
int64_t itest_fund(const char *token, const char *name, const char *kind,
    int restricted, const char *purpose);
/* A cash donation of AMOUNT fen into FUND as TOKEN: its 201 reply. The
 * body alone, with client id CID. */
cJSON *itest_cash(
    const char *token, int64_t donor, int64_t fund, int64_t amount);
const char *itest_cash_body(
    const char *cid, int64_t donor, int64_t fund, int64_t amount);
/* An expense of FUND as TOKEN with BODY; *STATUS set, or (STATUS NULL)
 * 201 asserted. The body: LINES the goods bought, or NULL. */
cJSON *itest_expense(
    const char *token, int64_t fund, const char *body, int *status);
const char *itest_expense_body(
    const char *cid, int64_t amount, const char *purpose, const char *lines);
/* A basket line; a basket's body; a basket of LINES for CARD at TILL as
 * TOKEN, client id CID (NULL: a fresh one): *STATUS set, or (STATUS NULL)
 * 201 asserted. The reply. */
const char *itest_line(int64_t item, int64_t qty);
const char *itest_basket_body(
    const char *cid, const char *till, const char *card, const char *lines);
cJSON *itest_basket(const char *token, const char *cid, const char *till,
    const char *card, const char *lines, int *status);
/* How many distributions GET /api/v1/distributions?limit=500QUERY lists. */
int itest_basket_count(const char *query);
/* PUT /api/v1/policies/CATEGORY. */
void itest_policy(
    const char *category, int64_t monthly, int64_t per_member, int carry);
/* A one-off grant of POINTS to HOUSEHOLD. */
void itest_grant(int64_t household, int64_t points);
/* The household's points and a lot's on-hand, as the server says. */
int64_t itest_hh_points(int64_t household);
int64_t itest_lot_on_hand(int64_t item, int64_t lot);
/* The household's points ledger, newest first (all of it). */
cJSON *itest_ledger(int64_t household);
/*
 * Midnight, for the public notices: forgets the day whose start their
 * figures stand at (the row notice_freeze keeps), as the next day would,
 * so that they show what was written today. Through the sqlite3
 * program, beside the running server.
 */
void itest_new_day(struct itest_srv *);
/* Tokens of a manager, a cashier and an auditor of itest_s (users mgr,
 * cashier, auditor). */
struct itest_roles {
	const char *mgr, *cashier, *auditor;
};
struct itest_roles itest_roles(void);
/* How many audit rows of ENTITY ID with ACTION the log holds (of its
 * newest 500). */
int itest_audits(const char *action, const char *entity, int64_t id);
/* A household (valid from 30 days ago for 300 days) granted POINTS. */
int64_t itest_household_granted(
    const char *card, const char *category, int members, int64_t points);

/*
 * The public notices, read as the public will once today is over (after
 * itest_new_day: the public sees the figures as they stood at the start
 * of the day): GET PATH asserting 200, or the JSON notice of PERIOD.
 */
struct itest_reply *itest_public_raw(const char *path);
cJSON *itest_notice(const char *period);
/* A published count: the number, or -1 for "<5" (the only text allowed). */
int64_t itest_public_count(const cJSON *o, const char *k);
/* Field K (0-based) of one CSV line, unquoted, into a harness string;
 * NULL if the line has fewer fields. *NF: the line's number of fields. */
const char *itest_csv_field(const char *line, int k, int *nf);

/* Run SQL on DB (a stopped server's, or a copy) with the sqlite3 library;
 * assert it worked. The integer of a one-row query. */
void itest_sql(const char *db, const char *sql);
int64_t itest_sql_int(const char *db, const char *sql);

#endif
