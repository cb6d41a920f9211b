-- A distribution keeps its household's category as it was when it was
-- handed out, so later changes of category do not move past figures; and
-- a figure that would overflow aborts its transaction instead of
-- silently turning into a floating-point number.
ALTER TABLE distributions ADD COLUMN hcategory TEXT;
DROP TRIGGER distributions_no_update;
UPDATE distributions SET hcategory =
	(SELECT category FROM households WHERE id = household_id);
CREATE TRIGGER distributions_no_update BEFORE UPDATE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are immutable'); END;

DROP TRIGGER stats_distribution_lines;
CREATE TRIGGER stats_distribution_lines AFTER INSERT ON distribution_lines
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed', i.category, d.hcategory, NEW.quantity,
	       NEW.value_fen
	  FROM distributions d, items i
	 WHERE d.id = NEW.distribution_id AND i.id = NEW.item_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;
DROP TRIGGER stats_voids;
CREATE TRIGGER stats_voids AFTER INSERT ON voids
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed', i.category, d.hcategory,
	       -sum(l.quantity), -sum(l.value_fen)
	  FROM distribution_lines l JOIN distributions d
	    ON d.id = l.distribution_id JOIN items i ON i.id = l.item_id
	 WHERE l.distribution_id = NEW.distribution_id
	 GROUP BY d.period, i.category, d.hcategory
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
	DELETE FROM served
	 WHERE (period, household_id) = (SELECT period, household_id
	         FROM distributions WHERE id = NEW.distribution_id)
	   AND NOT EXISTS (SELECT 1 FROM distributions d
	         WHERE d.household_id = served.household_id
	           AND d.period = served.period
	           AND NOT EXISTS (SELECT 1 FROM voids v
	                 WHERE v.distribution_id = d.id));
END;

CREATE TRIGGER stats_integer_insert BEFORE INSERT ON stats
WHEN typeof(NEW.qty) <> 'integer' OR typeof(NEW.value) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'a published figure would overflow'); END;
CREATE TRIGGER stats_integer_update BEFORE UPDATE ON stats
WHEN typeof(NEW.qty) <> 'integer' OR typeof(NEW.value) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'a published figure would overflow'); END;
CREATE TRIGGER stock_summary_integer BEFORE UPDATE ON stock_summary
WHEN typeof(NEW.on_hand) <> 'integer' OR typeof(NEW.value_fen) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'the stock value would overflow'); END;
CREATE TRIGGER lots_integer BEFORE UPDATE ON lots
WHEN typeof(NEW.on_hand) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'a lot would overflow'); END;
CREATE TRIGGER accounts_integer BEFORE UPDATE ON accounts
WHEN typeof(NEW.balance) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'a balance would overflow'); END;
CREATE TRIGGER funds_integer BEFORE UPDATE ON funds
WHEN typeof(NEW.balance_fen) <> 'integer'
BEGIN SELECT RAISE(ABORT, 'a fund would overflow'); END;
