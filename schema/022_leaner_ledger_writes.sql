-- Indexes no statement reads, dropped: each was written on every ledger
-- row (a redemption writes a transfer, its lines and a movement per lot),
-- and each page it dirtied went through the WAL. EXPLAIN QUERY PLAN over
-- every statement of server/db*.c and bench/ (macros expanded) shows
-- none of them chosen except as the narrowest index to scan a whole
-- table, which another index or the table serves as well:
-- - movements_item (item_id, at): no statement asks an item's movements
--   by time; movements_lot and movements_ref serve the lookups.
-- - movements_at (at): only the narrowest scan of every id (verify).
-- - lots_expiry (expires_on) WHERE on_hand > 0: every expiry question
--   names its item and goes through lots_live; being partial on on_hand,
--   it was rewritten on every movement.
-- - transfers_at (at), transfers_debit, transfers_credit: no statement
--   asks by time or by account; only the narrowest scan of every id.
-- - distribution_lines_item (item_id): no statement asks an item's
--   lines; UNIQUE (distribution_id, item_id) serves a distribution's.
-- - served_category (period, category): only verify's GROUP BY scanned
--   it (it sorts in a temporary tree instead); notices read served_count.
--   Written on a household's first distribution of a month.
-- Trigger bodies were checked the same way (NEW and OLD as parameters).
-- Rows are never deleted from these ledgers nor items, lots, users or
-- accounts renumbered, so no foreign key's parent side needs them either.
DROP INDEX movements_item;
DROP INDEX movements_at;
DROP INDEX lots_expiry;
DROP INDEX transfers_at;
DROP INDEX transfers_debit;
DROP INDEX transfers_credit;
DROP INDEX distribution_lines_item;
DROP INDEX served_category;
