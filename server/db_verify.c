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
    {"a stocktake's adjustments are count corrections of distinct lots "
     "it counted, summing to its net",
        "SELECT 'stocktake ' || s.id || ': ' || count(a.id) || "
        "' adjustments of ' || count(DISTINCT a.lot_id) || ' lots, net ' "
        "|| coalesce(sum(a.quantity_delta), 0) || '; it counted ' || "
        "s.lots || ' lots, net ' || s.delta FROM stocktakes s LEFT JOIN "
        "adjustments a ON a.stocktake_id = s.id GROUP BY s.id HAVING "
        "coalesce(sum(a.quantity_delta), 0) <> s.delta OR count(a.id) > "
        "s.lots OR count(a.id) <> count(DISTINCT a.lot_id) OR "
        "coalesce(sum(a.reason <> 'count_correction'), 0) > 0"},
    {"no category's goods handed out sum below zero (a void takes back "
     "what was counted, in the category it was counted in)",
        "SELECT 'distributed ' || k1 || ' to ' || k2 || ': ' || sum(qty) || "
        "' units, ' || sum(value) || ' fen' FROM stats WHERE metric = "
        "'distributed' GROUP BY k1, k2 HAVING sum(qty) < 0 OR "
        "sum(value) < 0"},
    {"the goods handed out, by month, the item's category then and the "
     "household's, are the lines of the distributions not voided",
        "WITH x AS (SELECT d.period AS p, coalesce((SELECT c.category FROM "
        "item_categories c WHERE c.item_id = l.item_id AND c.upto_line >= "
        "l.id ORDER BY c.upto_line, c.id LIMIT 1), i.category) AS k1, "
        "d.hcategory AS k2, sum(l.quantity) AS q, sum(l.value_fen) AS v "
        "FROM distribution_lines l JOIN distributions d ON d.id = "
        "l.distribution_id JOIN items i ON i.id = l.item_id WHERE NOT "
        "EXISTS (SELECT 1 FROM voids WHERE distribution_id = d.id) GROUP "
        "BY 1, 2, 3) SELECT 'distributed ' || x.p || ', ' || x.k1 || ' to "
        "' || x.k2 || ': the figures say ' || coalesce(s.qty, 0) || ' "
        "units, ' || coalesce(s.value, 0) || ' fen; the lines ' || x.q || "
        "', ' || x.v FROM x LEFT JOIN stats s ON s.period = x.p AND "
        "s.metric = 'distributed' AND s.k1 = x.k1 AND s.k2 = x.k2 WHERE "
        "s.qty IS NOT x.q OR s.value IS NOT x.v UNION ALL SELECT "
        "'distributed ' || s.period || ', ' || s.k1 || ' to ' || s.k2 || "
        "': the figures say ' || s.qty || ' units, ' || s.value || ' fen; "
        "no line' FROM stats s WHERE s.metric = 'distributed' AND "
        "(s.qty <> 0 OR s.value <> 0) AND NOT EXISTS (SELECT 1 FROM x "
        "WHERE x.p = s.period AND x.k1 = s.k1 AND x.k2 = s.k2)"},
    {NULL, NULL}};

static const struct db_rule db_points_rules[] = {
    {"account balance equals credits minus debits",
        "SELECT 'account ' || a.id || ' (' || a.kind || coalesce(' of "
        "household ' || a.household_id, '') || '): balance ' || a.balance "
        "|| ' but transfers give ' || coalesce(t.net, 0) FROM accounts a "
        "LEFT JOIN (SELECT account, sum(amount) AS net FROM (SELECT "
        "credit_account AS account, amount FROM transfers UNION ALL SELECT "
        "debit_account, -amount FROM transfers) GROUP BY account) t ON "
        "t.account = a.id WHERE a.balance IS NOT coalesce(t.net, 0)"},
    {"no account on the wrong side of zero",
        "SELECT 'account ' || id || ' (' || kind || '): balance ' || "
        "balance FROM accounts WHERE (kind IN ('grant_policy', "
        "'grant_oneoff') AND balance > 0) OR (kind NOT IN ('grant_policy', "
        "'grant_oneoff') AND balance < 0)"},
    {"debits equal credits over all accounts",
        "SELECT 'balances sum to ' || sum(balance) || ', not 0' FROM "
        "accounts HAVING sum(balance) <> 0"},
    {"at most one monthly grant per household and period",
        "SELECT 'household ' || household_id || ': ' || count(*) || "
        "' monthly grants for ' || period FROM transfers WHERE kind = "
        "'grant_monthly' GROUP BY household_id, period HAVING count(*) > 1"},
    {"a transfer moves its own household's points",
        "SELECT 'transfer ' || t.id || ': household ' || t.household_id || "
        "' but its accounts belong to others' FROM transfers t WHERE NOT "
        "EXISTS (SELECT 1 FROM accounts a WHERE a.household_id = "
        "t.household_id AND a.id IN (t.debit_account, t.credit_account))"},
    {"every household has its account",
        "SELECT 'household ' || h.id || ': no points account' FROM "
        "households h WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE "
        "a.household_id = h.id)"},
    {NULL, NULL}};

static const struct db_rule db_dist_rules[] = {
    {"a distribution's points are its lines' points",
        "SELECT 'distribution ' || d.id || ': points_total ' || "
        "d.points_total || ' but lines sum to ' || coalesce(sum(l.points), "
        "0) FROM distributions d LEFT JOIN distribution_lines l ON "
        "l.distribution_id = d.id GROUP BY d.id HAVING d.points_total IS NOT "
        "coalesce(sum(l.points), 0) OR count(l.id) = 0"},
    {"a distribution's transfer takes its points from its household",
        "SELECT 'distribution ' || d.id || ': transfer ' || "
        "coalesce(t.id, 'missing') || ' does not move ' || d.points_total || "
        "' points from household ' || d.household_id || ' to redeemed' FROM "
        "distributions d LEFT JOIN transfers t ON t.id = d.transfer_id LEFT "
        "JOIN accounts a ON a.household_id = d.household_id WHERE "
        "d.points_total > 0 AND (t.id IS NULL OR t.amount <> d.points_total "
        "OR t.kind <> 'redeem' OR t.debit_account <> a.id OR "
        "t.credit_account <> 3 OR t.household_id <> d.household_id)"},
    {"each line took its quantity from lots of its item",
        "SELECT 'distribution line ' || l.id || ': quantity ' || l.quantity "
        "|| ' but movements took ' || coalesce(-sum(m.quantity), 0) FROM "
        "distribution_lines l LEFT JOIN movements m ON m.ref_id = l.id AND "
        "m.kind = 'distribute' AND m.item_id = l.item_id GROUP BY l.id "
        "HAVING coalesce(-sum(m.quantity), 0) <> l.quantity"},
    {"a distribute or void movement belongs to a line",
        "SELECT 'movement ' || m.id || ': ' || m.kind || ' of no line of "
        "item ' || m.item_id FROM movements m WHERE m.kind IN ('distribute', "
        "'void') AND NOT EXISTS (SELECT 1 FROM distribution_lines l WHERE "
        "l.id = m.ref_id AND l.item_id = m.item_id)"},
    {"a void returns each lot exactly what its line took",
        "SELECT 'void ' || v.id || ', line ' || l.id || ': lot ' || "
        "m.lot_id || ' not restored' FROM voids v JOIN distribution_lines l "
        "ON l.distribution_id = v.distribution_id JOIN movements m ON "
        "m.ref_id = l.id AND m.kind IN ('distribute', 'void') GROUP BY v.id, "
        "l.id, m.lot_id HAVING sum(m.quantity) <> 0"},
    {"no void without its distribution voided, and none twice",
        "SELECT 'line ' || l.id || ': void movements without a void' FROM "
        "distribution_lines l JOIN movements m ON m.ref_id = l.id AND "
        "m.kind = 'void' WHERE NOT EXISTS (SELECT 1 FROM voids v WHERE "
        "v.distribution_id = l.distribution_id) GROUP BY l.id"},
    {"a void's transfer gives the points back",
        "SELECT 'void ' || v.id || ': points not returned' FROM voids v "
        "JOIN distributions d ON d.id = v.distribution_id LEFT JOIN "
        "transfers t ON t.id = v.transfer_id WHERE d.points_total > 0 AND "
        "(t.id IS NULL OR t.amount <> d.points_total OR t.kind <> 'void' OR "
        "t.household_id <> d.household_id)"},
    {"the monthly amounts taken equal the lines not voided",
        "SELECT 'household ' || h || ', item ' || i || ', ' || p || "
        "': cached ' || sum(c) || ', lines ' || sum(q) FROM (SELECT "
        "household_id AS h, item_id AS i, period AS p, quantity AS c, 0 AS q "
        "FROM household_item_month UNION ALL SELECT d.household_id, "
        "l.item_id, d.period, 0, l.quantity FROM distribution_lines l JOIN "
        "distributions d ON d.id = l.distribution_id WHERE NOT EXISTS "
        "(SELECT 1 FROM voids v WHERE v.distribution_id = d.id)) GROUP BY h, "
        "i, p HAVING sum(c) <> sum(q)"},
    {"no household over a monthly limit",
        "SELECT 'household ' || household_id || ', item ' || item_id || ', "
        "' || period || ': ' || run || ' taken, limit ' || monthly_limit FROM "
        "(SELECT d.household_id, l.item_id, d.period, l.monthly_limit, "
        "sum(l.quantity) OVER (PARTITION BY d.household_id, l.item_id, "
        "d.period ORDER BY l.id) AS run FROM distribution_lines l JOIN "
        "distributions d ON d.id = l.distribution_id WHERE NOT EXISTS "
        "(SELECT 1 FROM voids v WHERE v.distribution_id = d.id)) WHERE "
        "monthly_limit IS NOT NULL AND run > monthly_limit"},
    {"receipt numbers run 1, 2, 3... per till, without gaps",
        "SELECT 'till ' || t.id || ': last receipt ' || t.last_receipt || "
        "', ' || count(d.id) || ' distributions, highest ' || "
        "coalesce(max(d.receipt_seq), 0) FROM tills t LEFT JOIN "
        "distributions d ON d.till_id = t.id GROUP BY t.id HAVING "
        "count(d.id) <> t.last_receipt OR coalesce(max(d.receipt_seq), 0) <> "
        "t.last_receipt"},
    {"a receipt number is its till's id and its number there (so no two "
     "are the same)",
        "SELECT 'distribution ' || id || ': receipt ' || receipt_no || ' is "
        "not ' || printf('%s-%06d', till_id, receipt_seq) FROM "
        "distributions WHERE receipt_no IS NOT printf('%s-%06d', till_id, "
        "receipt_seq)"},
    {"no two distributions share a transfer",
        "SELECT 'transfer ' || transfer_id || ' is the points of ' || "
        "count(*) || ' distributions' FROM distributions WHERE transfer_id "
        "IS NOT NULL GROUP BY transfer_id HAVING count(*) > 1"},
    {NULL, NULL}};

/*
 * The chain, recomputed from the rows as they are now: one kind of row at
 * a time, each joined by its id (a join against a union of the three
 * would read them all for every entry).
 */
#define CHAIN_CHECK(kind, view)                                                \
	"SELECT c.seq, c.kind, c.row_id FROM chain c LEFT JOIN " view " r "    \
	"ON r.id = c.row_id LEFT JOIN chain p ON p.seq = c.seq - 1 "           \
	"WHERE c.kind = '" kind "' AND (r.id IS NULL OR c.hash IS NOT "        \
	"cishan_chain(coalesce(p.hash, zeroblob(32)), r.canon))"
/* The head of the chain at a period's end, as the rows give it now. */
#define CHAIN_HEAD_AT(period)                                                  \
	"coalesce((SELECT hex(hash) FROM chain WHERE cishan_period(at) "       \
	"<= " period " ORDER BY at DESC, seq DESC LIMIT 1), '')"
static const struct db_rule db_chain_rules[] = {
    {"each published month's ledger head is the chain's at its end (a "
     "past row rewritten, even with the whole chain recomputed, breaks it)",
        "SELECT 'notice ' || n.period || ': published head ' || "
        "n.ledger_head || ', the ledger gives ' || " CHAIN_HEAD_AT(
            "n.period") " FROM notices n WHERE n.ledger_head IS NOT "
                        "" CHAIN_HEAD_AT("n.period")},
    {"the hash chain matches the ledger rows (first mismatch)",
        "SELECT 'chain entry ' || seq || ' (' || kind || ' ' || row_id || "
        "') does not match: the row or the chain was changed' FROM "
        "(" CHAIN_CHECK(
            "movement", "canon_movements") " UNION ALL " CHAIN_CHECK("transfer",
            "canon_transfers") " UNION ALL " CHAIN_CHECK("fund_entry",
            "canon_fund_entries") " UNION ALL "
                                  "SELECT seq, kind, row_id FROM chain c WHERE "
                                  "c.seq > 1 AND NOT "
                                  "EXISTS (SELECT 1 FROM chain p WHERE p.seq = "
                                  "c.seq - 1)) "
                                  "ORDER BY seq LIMIT 1"},
    {"every ledger row is chained",
        "SELECT kind || ' ' || id || ' is not in the chain' FROM (SELECT "
        "'movement' AS kind, id FROM movements UNION ALL SELECT "
        "'transfer', id FROM transfers UNION ALL SELECT 'fund_entry', id "
        "FROM fund_entries) x WHERE NOT EXISTS (SELECT 1 FROM chain c WHERE "
        "c.kind = x.kind AND c.row_id = x.id)"},
    {"a fund's balance is the sum of its entries, never below zero",
        "SELECT 'fund ' || f.id || ': balance ' || f.balance_fen || ' but "
        "entries sum to ' || coalesce(sum(e.amount_fen), 0) FROM funds f "
        "LEFT JOIN fund_entries e ON e.fund_id = f.id GROUP BY f.id HAVING "
        "f.balance_fen IS NOT coalesce(sum(e.amount_fen), 0) OR "
        "f.balance_fen < 0"},
    {"a cash donation is its fund entry",
        "SELECT 'donation ' || d.id || ': cash ' || d.cash_fen || ' but "
        "fund entries ' || coalesce(sum(e.amount_fen), 0) FROM donations d "
        "LEFT JOIN fund_entries e ON e.donation_id = d.id GROUP BY d.id "
        "HAVING d.cash_fen <> coalesce(sum(e.amount_fen), 0)"},
    {"an expense is its fund entry",
        "SELECT 'expense ' || x.id || ': ' || x.amount_fen || ' but fund "
        "entries ' || coalesce(-sum(e.amount_fen), 0) FROM expenses x LEFT "
        "JOIN fund_entries e ON e.expense_id = x.id AND e.fund_id = "
        "x.fund_id GROUP BY x.id HAVING x.amount_fen <> "
        "coalesce(-sum(e.amount_fen), 0)"},
    {"per-period stock figures add up to the stock",
        "SELECT 'stock value by period sums to ' || (SELECT "
        "coalesce(sum(value), 0) FROM stats WHERE metric = 'stock') || "
        "', lots hold ' || (SELECT coalesce(sum(on_hand * unit_value_fen), "
        "0) FROM lots) WHERE (SELECT coalesce(sum(value), 0) FROM stats "
        "WHERE metric = 'stock') <> (SELECT coalesce(sum(on_hand * "
        "unit_value_fen), 0) FROM lots)"},
    {"households served per period and category are counted right",
        "SELECT 'served ' || coalesce(c.period, s.period) || ' ' || "
        "coalesce(c.category, s.category) || ': counted ' || "
        "coalesce(c.households, 0) || '/' || coalesce(c.persons, 0) || "
        "', served ' || coalesce(s.h, 0) || '/' || coalesce(s.p, 0) FROM "
        "served_count c FULL JOIN (SELECT period, category, count(*) AS h, "
        "sum(members) AS p FROM served GROUP BY period, category) s ON "
        "s.period = c.period AND s.category = c.category WHERE "
        "coalesce(c.households, 0) <> coalesce(s.h, 0) OR "
        "coalesce(c.persons, 0) <> coalesce(s.p, 0)"},
    {"a donation or expense counts in its own month, or late (补记) in "
     "a later one",
        "SELECT ep.kind || ' ' || ep.ref_id || ' of ' || ep.real_date || "
        "' counts in ' || ep.period || CASE ep.late WHEN 1 THEN ' (late)' "
        "ELSE '' END FROM entry_periods ep WHERE (ep.late = 1 AND "
        "ep.period <= substr(ep.real_date, 1, 7)) OR (ep.late = 0 AND "
        "ep.period <> substr(ep.real_date, 1, 7) AND ep.period <> "
        "cishan_period(ep.created_at)) UNION ALL SELECT 'donation ' || "
        "d.id || ' counts in no month' FROM donations d WHERE NOT EXISTS "
        "(SELECT 1 FROM entry_periods WHERE kind = 'donation' AND ref_id "
        "= d.id) UNION ALL SELECT 'expense ' || x.id || ' counts in no "
        "month' FROM expenses x WHERE NOT EXISTS (SELECT 1 FROM "
        "entry_periods WHERE kind = 'expense' AND ref_id = x.id)"},
    {"per-period money figures add up to the donations and expenses",
        "SELECT 'period ' || coalesce(s.period, e.period) || ' ' || "
        "coalesce(s.metric, e.metric) || ': figures ' || coalesce(s.v, 0) "
        "|| ', entries ' || coalesce(e.v, 0) FROM (SELECT period, metric, "
        "sum(value) AS v FROM stats WHERE metric IN ('cash', 'expense') "
        "GROUP BY 1, 2) s FULL JOIN (SELECT ep.period, 'cash' AS metric, "
        "sum(d.cash_fen) AS v FROM donations d JOIN entry_periods ep ON "
        "ep.kind = 'donation' AND ep.ref_id = d.id WHERE d.cash_fen > 0 "
        "GROUP BY 1 UNION ALL SELECT ep.period, 'expense', "
        "sum(x.amount_fen) FROM expenses x JOIN entry_periods ep ON "
        "ep.kind = 'expense' AND ep.ref_id = x.id GROUP BY 1) e ON "
        "e.period = s.period AND e.metric = s.metric WHERE coalesce(s.v, "
        "0) <> coalesce(e.v, 0)"},
    {"per-period points figures add up to the transfers",
        "SELECT 'points ' || t.kind || ': stats ' || coalesce(s.v, 0) || "
        "', transfers ' || t.v FROM (SELECT kind, sum(amount) AS v FROM "
        "transfers GROUP BY kind) t LEFT JOIN (SELECT k1, sum(value) AS v "
        "FROM stats WHERE metric = 'points' GROUP BY k1) s ON s.k1 = t.kind "
        "WHERE coalesce(s.v, 0) <> t.v"},
    {NULL, NULL}};

/* Migration 19: charity sales and the operating line (收支两条线). */
static const struct db_rule db_operating_rules[] = {
    {"an operating account's total is the sum of its entries",
        "SELECT 'operating account ' || a.code || ': total ' || "
        "a.total_fen || ' but entries sum to ' || "
        "coalesce(sum(e.amount_fen), 0) FROM operating_accounts a LEFT JOIN "
        "operating_entries e ON e.account = a.code GROUP BY a.code HAVING "
        "a.total_fen IS NOT coalesce(sum(e.amount_fen), 0)"},
    {"the operating line never ran below zero",
        "SELECT 'the operating line is ' || run || ' fen after entry ' || id "
        "FROM (SELECT id, sum(amount_fen) OVER (ORDER BY id) AS run FROM "
        "operating_entries) WHERE run < 0 LIMIT 1"},
    {"an entry's sign is its account's side",
        "SELECT 'operating entry ' || e.id || ': ' || e.amount_fen || "
        "' on ' || a.side || ' account ' || a.code FROM operating_entries e "
        "JOIN operating_accounts a ON a.code = e.account WHERE e.kind = "
        "'entry' AND ((a.side = 'income' AND e.amount_fen < 0) OR (a.side = "
        "'cost' AND e.amount_fen > 0))"},
    {"a sale's total is its lines', and its one entry of sales income",
        "SELECT 'sale ' || s.id || ': total ' || s.total_fen || ', lines ' "
        "|| coalesce((SELECT sum(amount_fen) FROM sale_lines WHERE sale_id "
        "= s.id), 0) || ', sales income ' || coalesce((SELECT "
        "sum(amount_fen) FROM operating_entries WHERE sale_id = s.id AND "
        "kind = 'sale'), 0) || ' in ' || (SELECT count(*) FROM "
        "operating_entries WHERE sale_id = s.id AND kind = 'sale') || "
        "' entries' FROM sales s WHERE s.total_fen IS NOT coalesce((SELECT "
        "sum(amount_fen) FROM sale_lines WHERE sale_id = s.id), 0) OR "
        "(SELECT count(*) FROM operating_entries WHERE sale_id = s.id AND "
        "kind = 'sale') <> 1 OR s.total_fen IS NOT (SELECT sum(amount_fen) "
        "FROM operating_entries WHERE sale_id = s.id AND kind = 'sale')"},
    {"a refund takes its sale's income back, once, and nothing else does",
        "SELECT 'sale ' || s.id || ': ' || CASE WHEN r.id IS NULL THEN 'not "
        "refunded' ELSE 'refunded' END || ', refund entries ' || "
        "coalesce(sum(e.amount_fen), 0) || ' in ' || count(e.id) FROM sales "
        "s LEFT JOIN sale_refunds r ON r.sale_id = s.id LEFT JOIN "
        "operating_entries e ON e.sale_id = s.id AND e.kind = 'refund' "
        "GROUP BY s.id HAVING count(e.id) <> (r.id IS NOT NULL) OR "
        "coalesce(sum(e.amount_fen), 0) <> CASE WHEN r.id IS NULL THEN 0 "
        "ELSE -s.total_fen END"},
    {"no fund money in the operating line and no operating money in a "
     "fund but by a confirmed transfer",
        "SELECT 'fund entry ' || e.id || ' (' || e.amount_fen || ' fen, fund "
        "' || e.fund_id || '): no confirmed transfer moves it' FROM "
        "fund_entries e LEFT JOIN operating_transfers t ON t.id = "
        "e.op_transfer_id LEFT JOIN operating_confirms c ON c.transfer_id = "
        "t.id WHERE (e.kind = 'operating' OR e.op_transfer_id IS NOT NULL) "
        "AND (c.transfer_id IS NULL OR e.kind <> 'operating' OR t.fund_id "
        "<> e.fund_id OR e.amount_fen <> CASE t.direction WHEN 'to_fund' "
        "THEN t.amount_fen ELSE -t.amount_fen END) UNION ALL SELECT "
        "'operating entry ' || e.id || ' (' || e.amount_fen || ' fen): no "
        "confirmed transfer moves it' FROM operating_entries e LEFT JOIN "
        "operating_transfers t ON t.id = e.transfer_id LEFT JOIN "
        "operating_confirms c ON c.transfer_id = t.id WHERE (e.kind = "
        "'transfer' OR e.transfer_id IS NOT NULL) AND (c.transfer_id IS "
        "NULL OR e.kind <> 'transfer' OR e.amount_fen <> CASE t.direction "
        "WHEN 'to_fund' THEN -t.amount_fen ELSE t.amount_fen END) UNION ALL "
        "SELECT 'transfer ' || t.id || ': ' || CASE WHEN c.transfer_id IS "
        "NULL THEN 'proposed' ELSE 'confirmed' END || ' with ' || (SELECT "
        "count(*) FROM fund_entries WHERE op_transfer_id = t.id) || ' fund "
        "entries and ' || (SELECT count(*) FROM operating_entries WHERE "
        "transfer_id = t.id) || ' operating entries' FROM "
        "operating_transfers t LEFT JOIN operating_confirms c ON "
        "c.transfer_id = t.id WHERE (SELECT count(*) FROM fund_entries "
        "WHERE op_transfer_id = t.id) <> (c.transfer_id IS NOT NULL) OR "
        "(SELECT count(*) FROM operating_entries WHERE transfer_id = t.id) "
        "<> (c.transfer_id IS NOT NULL) UNION ALL SELECT 'transfer ' || "
        "t.id || ': confirmed by its proposer' FROM operating_transfers t "
        "JOIN operating_confirms c ON c.transfer_id = t.id WHERE c.user_id "
        "= t.proposed_by"},
    {"each sale line took its quantity from lots that allow a sale",
        "SELECT 'sale line ' || l.id || ': quantity ' || l.quantity || "
        "' but movements took ' || coalesce(-sum(m.quantity), 0) FROM "
        "sale_lines l LEFT JOIN movements m ON m.ref_id = l.id AND m.kind = "
        "'sell' AND m.item_id = l.item_id GROUP BY l.id HAVING "
        "coalesce(-sum(m.quantity), 0) <> l.quantity UNION ALL SELECT "
        "'movement ' || m.id || ': sold from lot ' || m.lot_id || ', whose "
        "donation line did not allow a sale' FROM movements m JOIN lots l "
        "ON l.id = m.lot_id WHERE m.kind = 'sell' AND l.sale_allowed <> 1 "
        "UNION ALL SELECT 'movement ' || m.id || ': ' || m.kind || ' of no "
        "sale line of item ' || m.item_id FROM movements m WHERE m.kind IN "
        "('sell', 'refund') AND NOT EXISTS (SELECT 1 FROM sale_lines l "
        "WHERE l.id = m.ref_id AND l.item_id = m.item_id)"},
    {"a refund returns each lot what its sale took, and only a refund does",
        "SELECT 'refund ' || r.id || ', sale line ' || l.id || ': lot ' || "
        "m.lot_id || ' not restored' FROM sale_refunds r JOIN sale_lines l "
        "ON l.sale_id = r.sale_id JOIN movements m ON m.ref_id = l.id AND "
        "m.kind IN ('sell', 'refund') GROUP BY r.id, l.id, m.lot_id HAVING "
        "sum(m.quantity) <> 0 UNION ALL SELECT 'sale line ' || l.id || "
        "': refund movements without a refund' FROM sale_lines l JOIN "
        "movements m ON m.ref_id = l.id AND m.kind = 'refund' WHERE NOT "
        "EXISTS (SELECT 1 FROM sale_refunds r WHERE r.sale_id = l.sale_id) "
        "GROUP BY l.id"},
    {"sale receipt numbers run 1, 2, 3... per till, without gaps",
        "SELECT 'till ' || t.id || ': last sale ' || t.last_sale || ', ' || "
        "count(s.id) || ' sales, highest ' || coalesce(max(s.receipt_seq), "
        "0) FROM tills t LEFT JOIN sales s ON s.till_id = t.id GROUP BY "
        "t.id HAVING count(s.id) <> t.last_sale OR "
        "coalesce(max(s.receipt_seq), 0) <> t.last_sale"},
    {"the hash chain matches the operating entries",
        "SELECT 'chain entry ' || seq || ' (' || kind || ' ' || row_id || "
        "') does not match: the row or the chain was changed' FROM "
        "(" CHAIN_CHECK("operating_entry",
            "canon_operating_entries") ") ORDER BY seq LIMIT 1"},
    {"every operating entry is chained",
        "SELECT 'operating_entry ' || id || ' is not in the chain' FROM "
        "operating_entries e WHERE NOT EXISTS (SELECT 1 FROM chain c WHERE "
        "c.kind = 'operating_entry' AND c.row_id = e.id)"},
    {NULL, NULL}};

/* Migration 16: goods handed out offline and refused on replay. */
static const struct db_rule db_conflict_rules[] = {
    {"no offline conflict left unresolved (goods handed out offline)",
        "SELECT 'offline conflict ' || id || ' (' || till_id || ' ' || "
        "local_no || ', ' || code || '): not resolved' FROM "
        "offline_conflicts WHERE resolved_as IS NULL"},
    {"an override posted its conflict's goods",
        "SELECT 'offline conflict ' || c.id || ': item ' || l.item_id || "
        "' x' || l.quantity || ' not in distribution ' || "
        "c.distribution_id FROM offline_conflicts c JOIN "
        "offline_conflict_lines l ON l.conflict_id = c.id WHERE "
        "c.resolved_as = 'override' AND NOT EXISTS (SELECT 1 FROM "
        "distribution_lines dl WHERE dl.distribution_id = c.distribution_id "
        "AND dl.item_id = l.item_id AND dl.quantity = l.quantity)"},
    {"a write-off took its conflict's goods, bar those no lot held",
        "SELECT 'offline conflict ' || c.id || ': wrote off ' || "
        "coalesce((SELECT -sum(m.quantity) FROM offline_conflict_writeoffs w "
        "JOIN movements m ON m.id = w.movement_id WHERE w.conflict_id = "
        "c.id AND m.kind = 'adjust' AND m.reason = 'offline_loss'), 0) || "
        "' of ' || (SELECT sum(quantity) FROM offline_conflict_lines WHERE "
        "conflict_id = c.id) || ' less ' || c.unmatched || ' unmatched' "
        "FROM offline_conflicts c WHERE c.resolved_as = 'write_off' AND "
        "coalesce((SELECT -sum(m.quantity) FROM offline_conflict_writeoffs w "
        "JOIN movements m ON m.id = w.movement_id WHERE w.conflict_id = "
        "c.id AND m.kind = 'adjust' AND m.reason = 'offline_loss'), 0) <> "
        "(SELECT sum(quantity) FROM offline_conflict_lines WHERE "
        "conflict_id = c.id) - c.unmatched"},
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

int
db_verify_points(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_points_rules, cb, arg);
}

int
db_verify_distributions(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_dist_rules, cb, arg);
}

int
db_verify_chain(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_chain_rules, cb, arg);
}

int
db_verify_conflicts(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_conflict_rules, cb, arg);
}

int
db_verify_operating(struct db *db, db_violation_cb cb, void *arg)
{
	return db_verify_rules(db, db_operating_rules, cb, arg);
}
