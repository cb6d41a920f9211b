-- Households and persons served per period and category, kept as served
-- rows come and go: a notice, and the day's first write that keeps the
-- public's figures (010), read a row a category instead of counting
-- every household served (a city-year has 100,000 a month).
CREATE TABLE served_count (
	period     TEXT NOT NULL,
	category   TEXT NOT NULL,
	households INTEGER NOT NULL DEFAULT 0,
	persons    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, category)
) WITHOUT ROWID;
INSERT INTO served_count(period, category, households, persons)
SELECT period, category, count(*), coalesce(sum(members), 0)
  FROM served GROUP BY period, category;
CREATE TRIGGER served_count_insert AFTER INSERT ON served
BEGIN
	INSERT INTO served_count(period, category, households, persons)
	VALUES (NEW.period, NEW.category, 1, NEW.members)
	ON CONFLICT(period, category) DO UPDATE SET
		households = households + 1,
		persons = persons + excluded.persons;
END;
CREATE TRIGGER served_count_delete AFTER DELETE ON served
BEGIN
	UPDATE served_count
	   SET households = households - 1, persons = persons - OLD.members
	 WHERE period = OLD.period AND category = OLD.category;
END;
CREATE TRIGGER served_no_update BEFORE UPDATE ON served
BEGIN SELECT RAISE(ABORT, 'served rows are added or removed, not changed'); END;

-- served now has triggers: an INSERT ... SELECT into it would first copy
-- its row into a temporary table (009), so the distribution's trigger
-- inserts values.
DROP TRIGGER stats_distributions;
CREATE TRIGGER stats_distributions AFTER INSERT ON distributions
BEGIN
	INSERT OR IGNORE INTO served(period, household_id, category, members)
	VALUES (NEW.period, NEW.household_id,
	        (SELECT category FROM households WHERE id = NEW.household_id),
	        (SELECT members FROM households WHERE id = NEW.household_id));
END;
