/*
 * The invariants as queries: each names the rows that break one rule.
 * verify.c runs them; read this file as the list of what must hold.
 */
#include <stdio.h>

#include "db_int.h"

struct db_rule {
	const char *what;
	const char *sql; /* each row: one text column describing a breach */
};

static const struct db_rule db_goods_rules[] = {
    {"lot on_hand equals the sum of its movements",
        "SELECT 'lot ' || l.id || ': on_hand ' || l.on_hand || "
        "' but its movements sum to ' || coalesce(sum(m.quantity), 0) "
        "FROM lots l LEFT JOIN movements m ON m.lot_id = l.id "
        "GROUP BY l.id HAVING l.on_hand IS NOT coalesce(sum(m.quantity), 0)"},
    {"no lot below zero",
        "SELECT 'lot ' || id || ': on_hand ' || on_hand || ' below zero' "
        "FROM lots WHERE on_hand < 0"},
    {"no lot ever ran below zero (running sum of movements)",
        "SELECT 'lot ' || lot_id || ': below zero after movement ' || id "
        "FROM (SELECT id, lot_id, sum(quantity) OVER (PARTITION BY lot_id "
        "ORDER BY id) AS run FROM movements) WHERE run < 0"},
    {"each lot received exactly its quantity, once",
        "SELECT 'lot ' || l.id || ': received ' || "
        "coalesce(sum(m.quantity), 0) || ' in ' || count(m.id) || "
        "' movements, quantity ' || l.quantity FROM lots l LEFT JOIN "
        "movements m ON m.lot_id = l.id AND m.kind = 'receive' "
        "GROUP BY l.id HAVING count(m.id) <> 1 OR sum(m.quantity) <> "
        "l.quantity"},
    {"a movement's item is its lot's item",
        "SELECT 'movement ' || m.id || ': item ' || m.item_id || "
        "' but lot ' || l.id || ' holds item ' || l.item_id "
        "FROM movements m JOIN lots l ON l.id = m.lot_id "
        "WHERE m.item_id <> l.item_id"},
    {"the stock summary equals the lots",
        "SELECT 'item ' || i.id || ': summary on_hand ' || "
        "coalesce(s.on_hand, 'missing') || ' value ' || "
        "coalesce(s.value_fen, 'missing') || ', lots hold ' || "
        "coalesce(sum(l.on_hand), 0) || ' value ' || "
        "coalesce(sum(l.on_hand * l.unit_value_fen), 0) "
        "FROM items i LEFT JOIN stock_summary s ON s.item_id = i.id "
        "LEFT JOIN lots l ON l.item_id = i.id GROUP BY i.id "
        "HAVING s.on_hand IS NOT coalesce(sum(l.on_hand), 0) OR "
        "s.value_fen IS NOT coalesce(sum(l.on_hand * l.unit_value_fen), 0)"},
    {"each adjustment has its one movement",
        "SELECT 'adjustment ' || a.id || ': ' || count(m.id) || "
        "' movements' FROM adjustments a LEFT JOIN movements m ON "
        "m.kind = 'adjust' AND m.ref_id = a.id AND m.lot_id = a.lot_id "
        "AND m.quantity = a.quantity_delta GROUP BY a.id "
        "HAVING count(m.id) <> 1"},
    {"money and quantities are integers",
        "SELECT 'lot ' || id || ': a figure is not an integer' FROM lots "
        "WHERE typeof(on_hand) <> 'integer' OR typeof(quantity) <> "
        "'integer' OR typeof(unit_value_fen) <> 'integer' UNION ALL "
        "SELECT 'item ' || item_id || ': summary is not an integer' FROM "
        "stock_summary WHERE typeof(on_hand) <> 'integer' OR "
        "typeof(value_fen) <> 'integer'"},
    {NULL, NULL}};

static const struct db_rule db_integrity_rules[] = {
    {"the database file is sound",
        "SELECT integrity_check FROM pragma_integrity_check "
        "WHERE integrity_check <> 'ok'"},
    {"no orphan rows",
        "SELECT \"table\" || ' row ' || rowid || ' refers to a missing ' "
        "|| parent FROM pragma_foreign_key_check"},
    {NULL, NULL}};

static int
db_verify_rules(
    struct db *db, const struct db_rule *rules, db_violation_cb cb, void *arg)
{
	sqlite3_stmt *st;
	char msg[512];
	int n = 0, rc;

	for (; rules->sql != NULL; rules++) {
		if ((st = db_stmt(db, rules->sql)) == NULL)
			return -1;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			snprintf(msg, sizeof(msg), "%s: %s", rules->what,
			    (const char *)sqlite3_column_text(st, 0));
			cb(msg, arg);
			n++;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, rules->what), -1;
	}
	return n;
}

int
db_verify_goods(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_goods_rules, cb, arg);
}

int
db_verify_integrity(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_integrity_rules, cb, arg);
}
