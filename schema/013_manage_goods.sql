-- Managing goods: items edited and retired, adjustments with a note,
-- and stocktakes (a count of lots whose differences become adjustments).

-- An item no longer handed out is retired, never deleted: lots,
-- movements and distribution lines refer to it.
ALTER TABLE items ADD COLUMN active INTEGER NOT NULL DEFAULT 1
	CHECK (active = 0 OR active = 1);

-- An item's category before each change, with the last distribution line
-- written while it held: a void takes its goods back out of the category
-- they were counted in when handed out, not the item's category of now.
CREATE TABLE item_categories (
	id        INTEGER PRIMARY KEY,
	item_id   INTEGER NOT NULL REFERENCES items(id),
	category  TEXT NOT NULL,
	upto_line INTEGER NOT NULL
);
CREATE INDEX item_categories_item ON item_categories(item_id, upto_line);
CREATE TRIGGER item_categories_no_update BEFORE UPDATE ON item_categories
BEGIN SELECT RAISE(ABORT, 'the category history is immutable'); END;
CREATE TRIGGER item_categories_no_delete BEFORE DELETE ON item_categories
BEGIN SELECT RAISE(ABORT, 'the category history is immutable'); END;
CREATE TRIGGER items_category AFTER UPDATE OF category ON items
WHEN NEW.category IS NOT OLD.category
BEGIN
	INSERT INTO item_categories(item_id, category, upto_line)
	VALUES (OLD.id, OLD.category,
	        (SELECT coalesce(max(id), 0) FROM distribution_lines));
END;

-- As 006's, but each line's category is the one it was counted under.
DROP TRIGGER stats_voids;
CREATE TRIGGER stats_voids AFTER INSERT ON voids
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed',
	       coalesce((SELECT c.category FROM item_categories c
	                  WHERE c.item_id = l.item_id AND c.upto_line >= l.id
	                  ORDER BY c.upto_line, c.id LIMIT 1), i.category),
	       d.hcategory, -sum(l.quantity), -sum(l.value_fen)
	  FROM distribution_lines l JOIN distributions d
	    ON d.id = l.distribution_id JOIN items i ON i.id = l.item_id
	 WHERE l.distribution_id = NEW.distribution_id
	 GROUP BY d.period, 3, d.hcategory
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

-- A stocktake: the lots counted (lots) and the net of its adjustments
-- (delta), one count_correction a lot whose count differed.
CREATE TABLE stocktakes (
	id         INTEGER PRIMARY KEY,
	client_id  TEXT NOT NULL UNIQUE,
	req_hash   BLOB NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	lots       INTEGER NOT NULL CHECK (lots > 0),
	delta      INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	user_id    INTEGER REFERENCES users(id)
);
CREATE TRIGGER stocktakes_no_update BEFORE UPDATE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are immutable'); END;
CREATE TRIGGER stocktakes_no_delete BEFORE DELETE ON stocktakes
BEGIN SELECT RAISE(ABORT, 'stocktakes are immutable'); END;

ALTER TABLE adjustments ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE adjustments ADD COLUMN stocktake_id INTEGER
	REFERENCES stocktakes(id);
CREATE INDEX adjustments_stocktake ON adjustments(stocktake_id)
	WHERE stocktake_id IS NOT NULL;
CREATE TRIGGER adjustments_no_update BEFORE UPDATE ON adjustments
BEGIN SELECT RAISE(ABORT, 'adjustments are immutable'); END;

-- The donations of a donor, newest first.
CREATE INDEX donations_donor ON donations(donor_id, id);
