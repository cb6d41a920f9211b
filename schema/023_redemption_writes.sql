-- A redemption writes what follows from its rows itself (server/db_redeem.c)
-- instead of a trigger program for each of them: its lines' monthly limits
-- and figures, its movements' lots, stock, figures and chain entries, its
-- transfer's balances, chain entry and figures, in a handful of statements
-- of several rows each. The rows, caches, figures and chain are the same as
-- the triggers wrote (verify recomputes them all); the triggers stay for
-- every other kind of movement and transfer. Only a redemption writes
-- lines, movements of kind 'distribute' and transfers of kind 'redeem'.
DROP TRIGGER distribution_lines_after;
DROP TRIGGER movements_after;
CREATE TRIGGER movements_after AFTER INSERT ON movements
WHEN NEW.kind <> 'distribute'
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
	        printf('movement|%d|%d|%d|%s|%s|%d|%d|%d|%d', NEW.id,
	               NEW.lot_id, NEW.item_id, NEW.kind, NEW.reason,
	               NEW.quantity, coalesce(NEW.ref_id, 0), NEW.at,
	               coalesce(NEW.user_id, 0))));
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
DROP TRIGGER transfers_after;
CREATE TRIGGER transfers_after AFTER INSERT ON transfers
WHEN NEW.kind <> 'redeem'
BEGIN
	UPDATE accounts SET balance = balance - NEW.amount
	 WHERE id = NEW.debit_account;
	UPDATE accounts SET balance = balance + NEW.amount
	 WHERE id = NEW.credit_account;
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('transfer', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        printf('transfer|%d|%d|%d|%d|%s|%d|%s|%s|%d|%d|%d', NEW.id,
	               NEW.debit_account, NEW.credit_account, NEW.amount,
	               NEW.kind, NEW.household_id, coalesce(NEW.period, ''),
	               NEW.reason, coalesce(NEW.ref_id, 0), NEW.at,
	               coalesce(NEW.user_id, 0))));
	INSERT INTO stats(period, metric, k1, value)
	VALUES (cishan_period(NEW.at), 'points', NEW.kind, NEW.amount)
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
END;
