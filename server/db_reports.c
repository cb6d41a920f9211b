/*
 * What the reports read: a donor organisation's participation (its gifts
 * and what became of its goods), the donors' ranking, and the figures of
 * the civil-affairs statistics. Reads only; each a figure a row.
 */
#include <string.h>

#include "db_int.h"

/* Donors by what they gave received ?1 to ?2 (dates), the most first;
 * ?3 = 1: only organisations that agreed to be named. */
static const char SQL_RANKING[] =
    "SELECT n.id, n.name, n.kind, n.consent_public, count(d.id), "
    "coalesce(sum(d.cash_fen), 0) AS cash, "
    "coalesce(sum((SELECT sum(l.quantity * l.unit_value_fen) FROM lots l "
    "WHERE l.donation_id = d.id)), 0) AS goods "
    "FROM donors n JOIN donations d ON d.donor_id = n.id "
    "WHERE d.received_on BETWEEN ?1 AND ?2 AND (?3 = 0 OR "
    "(n.consent_public = 1 AND n.kind IN ('enterprise', 'social_org', "
    "'government'))) "
    "GROUP BY n.id ORDER BY cash + goods DESC, n.id LIMIT ?4";
/* What became of the goods donor ?1 gave from ?2 to ?3, by value: every
 * movement of their lots by what it did, and what the lots hold now. */
static const char SQL_FATE[] =
    "SELECT 'fate', CASE WHEN m.kind = 'receive' THEN 'received' "
    "WHEN m.kind IN ('distribute', 'void') THEN 'distributed' "
    "WHEN m.kind = 'adjust' AND m.quantity < 0 THEN 'written_off' "
    "WHEN m.kind = 'adjust' THEN 'corrected' ELSE 'other' END, "
    "sum(m.quantity * l.unit_value_fen), 0, 0 "
    "FROM movements m JOIN lots l ON l.id = m.lot_id "
    "JOIN donations d ON d.id = l.donation_id "
    "WHERE d.donor_id = ?1 AND d.received_on BETWEEN ?2 AND ?3 GROUP BY 2 "
    "UNION ALL "
    "SELECT 'fate', 'in_stock', coalesce(sum(l.on_hand * l.unit_value_fen), "
    "0), 0, 0 FROM lots l JOIN donations d ON d.id = l.donation_id "
    "WHERE d.donor_id = ?1 AND d.received_on BETWEEN ?2 AND ?3";
/*
 * The civil-affairs figures of months ?1 to ?2 (YYYY-MM), days ?3 to ?4:
 * households and persons served once each (a household in the category
 * and size of its last month served), visits (baskets not voided) with
 * the persons of their households, goods distributed by category, cash
 * received by fund kind and by donor kind, goods donated by donor kind,
 * fund spending by fund kind, and volunteers' service.
 */
static const char SQL_FIGURES[] =
    "SELECT 'served', s.category, count(*), sum(s.members), 0 "
    "FROM served s WHERE s.period BETWEEN ?1 AND ?2 AND s.period = "
    "(SELECT max(t.period) FROM served t WHERE t.household_id = "
    "s.household_id AND t.period BETWEEN ?1 AND ?2) GROUP BY 2 "
    "UNION ALL "
    "SELECT 'visits', s.category, count(*), sum(s.members), 0 "
    "FROM distributions d JOIN served s ON s.period = d.period "
    "AND s.household_id = d.household_id WHERE d.period BETWEEN ?1 AND ?2 "
    "AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.distribution_id = d.id) "
    "GROUP BY 2 "
    "UNION ALL "
    "SELECT 'goods', k1, sum(qty), sum(value), 0 FROM stats "
    "WHERE metric = 'distributed' AND period BETWEEN ?1 AND ?2 GROUP BY 2 "
    "HAVING sum(qty) <> 0 OR sum(value) <> 0 "
    "UNION ALL "
    "SELECT 'cash_by_fund', f.kind, count(*), sum(d.cash_fen), 0 "
    "FROM donations d JOIN funds f ON f.id = d.fund_id "
    "WHERE d.cash_fen > 0 AND d.received_on BETWEEN ?3 AND ?4 GROUP BY 2 "
    "UNION ALL "
    "SELECT 'cash_by_donor', n.kind, count(*), sum(d.cash_fen), 0 "
    "FROM donations d JOIN donors n ON n.id = d.donor_id "
    "WHERE d.cash_fen > 0 AND d.received_on BETWEEN ?3 AND ?4 GROUP BY 2 "
    "UNION ALL "
    "SELECT 'goods_by_donor', n.kind, count(DISTINCT d.id), "
    "sum(l.quantity * l.unit_value_fen), 0 FROM lots l "
    "JOIN donations d ON d.id = l.donation_id "
    "JOIN donors n ON n.id = d.donor_id "
    "WHERE d.received_on BETWEEN ?3 AND ?4 GROUP BY 2 "
    "UNION ALL "
    "SELECT 'spent_by_fund', f.kind, count(*), sum(x.amount_fen), 0 "
    "FROM expenses x JOIN funds f ON f.id = x.fund_id "
    "WHERE x.spent_on BETWEEN ?3 AND ?4 GROUP BY 2 "
    "UNION ALL "
    "SELECT 'volunteers', '', count(DISTINCT volunteer_id), count(*), "
    "coalesce(sum(minutes), 0) FROM volunteer_shifts "
    "WHERE served_on BETWEEN ?3 AND ?4";

static void
db_rank_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_rank *k = row;

	(void)db;
	memset(k, 0, sizeof(*k));
	k->donor_id = sqlite3_column_int64(st, 0);
	db_col_text(st, 1, k->name, sizeof(k->name));
	db_col_text(st, 2, k->kind, sizeof(k->kind));
	k->consent_public = sqlite3_column_int(st, 3);
	k->donations = sqlite3_column_int64(st, 4);
	k->cash_fen = sqlite3_column_int64(st, 5);
	k->goods_fen = sqlite3_column_int64(st, 6);
}

int
db_donor_ranking(struct db *db, const char *from, const char *to,
    int public_only, int limit, db_row_cb cb, void *arg)
{
	struct db_rank k;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_RANKING)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, public_only);
	sqlite3_bind_int(st, 4, limit);
	return db_rows(db, st, &k, db_rank_fill, cb, arg, "donor ranking");
}

static void
db_figure_fill(struct db *db, sqlite3_stmt *st, void *row)
{
	struct db_figure *g = row;

	(void)db;
	memset(g, 0, sizeof(*g));
	db_col_text(st, 0, g->section, sizeof(g->section));
	db_col_text(st, 1, g->key, sizeof(g->key));
	g->a = sqlite3_column_int64(st, 2);
	g->b = sqlite3_column_int64(st, 3);
	g->c = sqlite3_column_int64(st, 4);
}

int
db_donor_fate(struct db *db, int64_t donor, const char *from, const char *to,
    db_row_cb cb, void *arg)
{
	struct db_figure g;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_FATE)) == NULL)
		return DB_ERR;
	sqlite3_bind_int64(st, 1, donor);
	sqlite3_bind_text(st, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, to, -1, SQLITE_STATIC);
	return db_rows(db, st, &g, db_figure_fill, cb, arg, "donor fate");
}

int
db_report_figures(struct db *db, const char *p1, const char *p2, const char *d1,
    const char *d2, db_row_cb cb, void *arg)
{
	struct db_figure g;
	sqlite3_stmt *st;

	if ((st = db_stmt(db, SQL_FIGURES)) == NULL)
		return DB_ERR;
	sqlite3_bind_text(st, 1, p1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, p2, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, d1, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, d2, -1, SQLITE_STATIC);
	return db_rows(db, st, &g, db_figure_fill, cb, arg, "report figures");
}
