/* Donors, their donations, and where a donation went. */
#include <string.h>

#include "db_int.h"

static const char SQL_DONOR_INSERT[] =
    "INSERT INTO donors(name, kind, created_at) VALUES (?1, ?2, ?3)";
static const char SQL_DONOR_BY_ID[] =
    "SELECT id, name, kind, created_at, consent_public FROM donors "
    "WHERE id = ?1";
static const char SQL_DONOR_LIST[] =
    "SELECT id, name, kind, created_at, consent_public FROM donors "
    "WHERE id > ?1 "
    "ORDER BY id LIMIT ?2";
static const char SQL_DONOR_UPDATE[] =
    "UPDATE donors SET name = ?2, kind = ?3, consent_public = ?4 "
    "WHERE id = ?1";
static const char SQL_DONATION_INSERT[] =
    "INSERT INTO donations(client_id, req_hash, donor_id, received_on, "
    "channel, receipt_code, created_at, user_id, fund_id, cash_fen) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, 0), nullif(?9, 0), ?10)";
#define DONATION_COLS                                                          \
	"id, client_id, req_hash, donor_id, received_on, channel, "            \
	"receipt_code, created_at, coalesce(user_id, 0), "                     \
	"coalesce(fund_id, 0), cash_fen"
static const char SQL_DONATION_BY_CLIENT[] =
    "SELECT " DONATION_COLS " FROM donations WHERE client_id = ?1";
static const char SQL_DONATION_BY_ID[] =
    "SELECT " DONATION_COLS " FROM donations WHERE id = ?1";
/* Newest first: ids below the cursor ?4 (0: from the newest); received
 * from ?2 to ?3 (dates, inclusive). */
static const char SQL_DONATION_LIST[] =
    "SELECT d.id, d.client_id, d.req_hash, d.donor_id, d.received_on, "
    "d.channel, d.receipt_code, d.created_at, coalesce(d.user_id, 0), "
    "coalesce(d.fund_id, 0), d.cash_fen, n.name, "
    "(SELECT count(*) FROM lots l WHERE l.donation_id = d.id), "
    "(SELECT coalesce(sum(l.quantity * l.unit_value_fen), 0) FROM lots l "
    "WHERE l.donation_id = d.id) "
    "FROM donations d JOIN donors n ON n.id = d.donor_id "
    "WHERE (?1 = 0 OR d.donor_id = ?1) AND (?2 IS NULL OR "
    "d.received_on >= ?2) AND (?3 IS NULL OR d.received_on <= ?3) "
    "AND (?4 = 0 OR d.id < ?4) ORDER BY d.id DESC LIMIT ?5";
static const char SQL_DONATION_BY_RECEIPT[] =
    "SELECT id FROM donations WHERE receipt_code = ?1";
/* Per lot of a donation: the lot, then what left it and how, as of stock
 * movement ?2 (the last before today's, for the reason notice_freeze
 * gives; goods received since count as in stock, untouched). */
static const char SQL_TRACE[] =
    "SELECT l.item_id, i.name, i.category, 'lot', '', '', l.quantity, "
    "l.on_hand - coalesce((SELECT sum(quantity) FROM movements t "
    "WHERE t.lot_id = l.id AND t.id > ?2 AND t.kind <> 'receive'), 0) "
    "FROM lots l JOIN items i ON i.id = l.item_id "
    "WHERE l.donation_id = ?1 "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'distributed', d.period, "
    "d.hcategory, -sum(m.quantity), 0 FROM movements m "
    "JOIN lots l ON l.id = m.lot_id JOIN items i ON i.id = l.item_id "
    "JOIN distribution_lines dl ON dl.id = m.ref_id "
    "JOIN distributions d ON d.id = dl.distribution_id "
    "WHERE l.donation_id = ?1 AND m.kind IN ('distribute', 'void') "
    "AND m.id <= ?2 "
    "GROUP BY l.item_id, d.period, d.hcategory HAVING sum(m.quantity) <> 0 "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'written_off', '', m.reason, "
    "-sum(m.quantity), 0 FROM movements m JOIN lots l ON l.id = m.lot_id "
    "JOIN items i ON i.id = l.item_id WHERE l.donation_id = ?1 AND "
    "m.kind = 'adjust' AND m.quantity < 0 AND m.id <= ?2 "
    "GROUP BY l.item_id, m.reason "
    "UNION ALL "
    "SELECT l.item_id, i.name, i.category, 'corrected', '', '', "
    "sum(m.quantity), 0 FROM movements m JOIN lots l ON l.id = m.lot_id "
    "JOIN items i ON i.id = l.item_id WHERE l.donation_id = ?1 AND "
    "m.kind = 'adjust' AND m.quantity > 0 AND m.id <= ?2 "
    "GROUP BY l.item_id "
    "ORDER BY 1, 4, 5, 6";

static void
db_donor_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_donor *d = row;

	(void)db;
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, d->name, sizeof(d->name));
	db_col_text(st, 2, d->kind, sizeof(d->kind));
	d->created_at = sqlite3_column_int64(st, 3);
	d->consent_public = sqlite3_column_int(st, 4);
}

int
db_donor_insert(struct db *db, struct db_donor *d)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_DONOR_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->created_at);
	return db_insert(db, st, &d->id, "donor insert");
}

int
db_donor_by_id(struct db *db, int64_t id, struct db_donor *d)
{
	return db_one_id(db, SQL_DONOR_BY_ID, id, d, db_donor_fill, "donor");
}

int
db_donor_update(struct db *db, const struct db_donor *d)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = db_stmt(db, SQL_DONOR_UPDATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, d->consent_public);
	if ((rc = db_step_done(db, st, "donor update")) != DB_OK)
		return rc;
	return db_changes(db) == 1 ? DB_OK : DB_NONE;
}

int
db_donor_list(struct db *db, int64_t after, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_donor d;

	if ((st = db_stmt(db, SQL_DONOR_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit);
	return db_rows(db, st, &d, db_donor_fill, cb, arg, "donor list");
}

static void
db_donation_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_donation *d = row;

	(void)db;
	memset(d, 0, sizeof(*d));
	d->id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, d->client_id, sizeof(d->client_id));
	db_col_blob(st, 2, d->req_hash, sizeof(d->req_hash));
	d->donor_id = sqlite3_column_int64(st, 3);
	db_col_text(st, 4, d->received_on, sizeof(d->received_on));
	db_col_text(st, 5, d->channel, sizeof(d->channel));
	db_col_text(st, 6, d->receipt_code, sizeof(d->receipt_code));
	d->created_at = sqlite3_column_int64(st, 7);
	d->user_id = sqlite3_column_int64(st, 8);
	d->fund_id = sqlite3_column_int64(st, 9);
	d->cash_fen = sqlite3_column_int64(st, 10);
}

static void
db_donation_sum_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_donation_sum *s = row;

	db_donation_fill(db, st, &s->d);
	db_col_text(st, 11, s->donor_name, sizeof(s->donor_name));
	s->lines = sqlite3_column_int64(st, 12);
	s->value_fen = sqlite3_column_int64(st, 13);
}

/* Donations newest first, below id before (0: all); donor 0 and NULL
 * dates: any. */
int
db_donation_list(struct db *db, int64_t donor, const char *from, const char *to,
    int64_t before, int limit, db_row_cb cb, void *arg)
{
	sqlite3_stmt *st;
	struct db_donation_sum s;

	if ((st = db_stmt(db, SQL_DONATION_LIST)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, donor);
	db_bind_opt(st, 2, from);
	db_bind_opt(st, 3, to);
	sqlite3_bind_int64(st, 4, before);
	sqlite3_bind_int(st, 5, limit);
	return db_rows(
	    db, st, &s, db_donation_sum_fill, cb, arg, "donation list");
}

int
db_donation_insert(struct db *db, struct db_donation *d)
{
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_DONATION_INSERT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, d->client_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, d->req_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, d->donor_id);
	sqlite3_bind_text(st, 4, d->received_on, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, d->channel, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, d->receipt_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, d->created_at);
	sqlite3_bind_int64(st, 8, d->user_id);
	sqlite3_bind_int64(st, 9, d->fund_id);
	sqlite3_bind_int64(st, 10, d->cash_fen);
	return db_insert(db, st, &d->id, "donation insert");
}

int
db_donation_by_client(struct db *db, const char *cid, struct db_donation *d)
{
	return db_one_text(
	    db, SQL_DONATION_BY_CLIENT, cid, d, db_donation_fill, "donation");
}

int
db_donation_by_id(struct db *db, int64_t id, struct db_donation *d)
{
	return db_one_id(
	    db, SQL_DONATION_BY_ID, id, d, db_donation_fill, "donation");
}

int
db_donation_by_receipt(struct db *db, const char *code, struct db_donation *d)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((st = db_stmt(db, SQL_DONATION_BY_RECEIPT)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	rc = db_ints(db, st, &id, NULL, "receipt");
	return rc == DB_OK ? db_donation_by_id(db, id, d) : rc;
}

static void
db_trace_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_trace *t = row;

	(void)db;
	memset(t, 0, sizeof(*t));
	t->item_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, t->name, sizeof(t->name));
	db_col_text(st, 2, t->category, sizeof(t->category));
	db_col_text(st, 3, t->kind, sizeof(t->kind));
	db_col_text(st, 4, t->period, sizeof(t->period));
	db_col_text(st, 5, t->hcategory, sizeof(t->hcategory));
	t->qty = sqlite3_column_int64(st, 6);
	t->on_hand = sqlite3_column_int64(st, 7);
}

int
db_donation_trace(
    struct db *db, int64_t donation, int64_t before, db_row_cb cb, void *arg)
{
	struct db_trace t;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_TRACE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, donation);
	sqlite3_bind_int64(st, 2, before);
	return db_rows(db, st, &t, db_trace_fill, cb, arg, "trace");
}
