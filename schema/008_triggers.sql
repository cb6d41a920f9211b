-- One trigger a table for what follows an insert (caches, chain,
-- figures), instead of one each: sqlite sets up a frame per trigger run,
-- and the till writes some twenty ledger rows a basket.
DROP TRIGGER movements_apply;
DROP TRIGGER chain_movements;
DROP TRIGGER stats_movements;
CREATE TRIGGER movements_after AFTER INSERT ON movements
BEGIN
	UPDATE lots SET on_hand = on_hand + NEW.quantity WHERE id = NEW.lot_id;
	UPDATE stock_summary
	   SET on_hand = on_hand + NEW.quantity,
	       value_fen = value_fen + NEW.quantity *
	           (SELECT unit_value_fen FROM lots WHERE id = NEW.lot_id)
	 WHERE item_id = NEW.item_id;
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('movement', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_movements WHERE id = NEW.id)));
	INSERT INTO stats(period, metric, value)
	SELECT cishan_period(NEW.at), 'stock',
	       NEW.quantity * unit_value_fen FROM lots WHERE id = NEW.lot_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
	INSERT INTO stats(period, metric, k1, qty, value)
	SELECT cishan_period(NEW.at), 'writeoff', NEW.reason, -NEW.quantity,
	       -NEW.quantity * unit_value_fen FROM lots
	 WHERE id = NEW.lot_id AND NEW.kind = 'adjust' AND NEW.quantity < 0
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;

DROP TRIGGER transfers_apply;
DROP TRIGGER chain_transfers;
DROP TRIGGER stats_transfers;
CREATE TRIGGER transfers_after AFTER INSERT ON transfers
BEGIN
	UPDATE accounts SET balance = balance - NEW.amount
	 WHERE id = NEW.debit_account;
	UPDATE accounts SET balance = balance + NEW.amount
	 WHERE id = NEW.credit_account;
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('transfer', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_transfers WHERE id = NEW.id)));
	INSERT INTO stats(period, metric, k1, value)
	VALUES (cishan_period(NEW.at), 'points', NEW.kind, NEW.amount)
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
END;

DROP TRIGGER distribution_lines_taken;
DROP TRIGGER stats_distribution_lines;
CREATE TRIGGER distribution_lines_after AFTER INSERT ON distribution_lines
BEGIN
	INSERT INTO household_item_month(household_id, item_id, period, quantity)
	SELECT household_id, NEW.item_id, period, NEW.quantity
	  FROM distributions WHERE id = NEW.distribution_id
	ON CONFLICT(household_id, item_id, period)
	DO UPDATE SET quantity = quantity + excluded.quantity;
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed', i.category, d.hcategory, NEW.quantity,
	       NEW.value_fen
	  FROM distributions d, items i
	 WHERE d.id = NEW.distribution_id AND i.id = NEW.item_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;

DROP TRIGGER fund_entries_apply;
DROP TRIGGER chain_fund_entries;
DROP TRIGGER stats_fund_entries;
CREATE TRIGGER fund_entries_after AFTER INSERT ON fund_entries
BEGIN
	UPDATE funds SET balance_fen = balance_fen + NEW.amount_fen
	 WHERE id = NEW.fund_id;
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('fund_entry', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_fund_entries WHERE id = NEW.id)));
	INSERT INTO stats(period, metric, k1, k2, value)
	SELECT cishan_period(NEW.at), 'cash', dn.kind, NEW.fund_id,
	       NEW.amount_fen
	  FROM donations d JOIN donors dn ON dn.id = d.donor_id
	 WHERE d.id = NEW.donation_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
	INSERT INTO stats(period, metric, k1, k2, value)
	SELECT cishan_period(NEW.at), 'expense', purpose, NEW.fund_id,
	       -NEW.amount_fen FROM expenses WHERE id = NEW.expense_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
END;

-- Lots, the stock summary and accounts cannot overflow: the code checks
-- each addition before it writes (stock_lots_add, the point and quantity
-- bounds). The per-period figures, summed over everything, keep their
-- guard (006).
DROP TRIGGER lots_integer;
DROP TRIGGER stock_summary_integer;
DROP TRIGGER accounts_integer;
