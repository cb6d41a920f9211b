-- The month a donation or an expense counts in: the month it was received
-- (received_on) or spent (spent_on), unless that month's notice is
-- already published; then the month it is entered, marked late (补记)
-- with its real date, so a published month never changes. The figures
-- per period (stats) follow this table.

CREATE TABLE entry_periods (
	kind      TEXT NOT NULL CHECK (kind IN ('donation', 'expense')),
	ref_id    INTEGER NOT NULL,
	period    TEXT NOT NULL,  -- the month it counts in
	real_date TEXT NOT NULL,  -- received_on, spent_on
	late      INTEGER NOT NULL CHECK (late IN (0, 1)),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (kind, ref_id)
) WITHOUT ROWID;
CREATE INDEX entry_periods_late ON entry_periods(period, late);
CREATE TRIGGER entry_periods_no_update BEFORE UPDATE ON entry_periods
BEGIN SELECT RAISE(ABORT, 'entry periods are immutable'); END;
CREATE TRIGGER entry_periods_no_delete BEFORE DELETE ON entry_periods
BEGIN SELECT RAISE(ABORT, 'entry periods are immutable'); END;

-- What was recorded before: in the month it was entered, as counted.
INSERT INTO entry_periods(kind, ref_id, period, real_date, late, created_at)
SELECT 'donation', id, cishan_period(created_at), received_on, 0,
       created_at FROM donations;
INSERT INTO entry_periods(kind, ref_id, period, real_date, late, created_at)
SELECT 'expense', id, cishan_period(created_at), spent_on, 0, created_at
  FROM expenses;

-- A date after the month of entry (mistyped) counts when entered.
CREATE TRIGGER entry_periods_donation AFTER INSERT ON donations
BEGIN
	INSERT INTO entry_periods(kind, ref_id, period, real_date, late,
	                          created_at)
	SELECT 'donation', NEW.id, CASE WHEN pub OR real > now THEN now
	       ELSE real END, NEW.received_on, pub, NEW.created_at
	  FROM (SELECT substr(NEW.received_on, 1, 7) AS real,
	               cishan_period(NEW.created_at) AS now,
	               EXISTS (SELECT 1 FROM notices WHERE period =
	                       substr(NEW.received_on, 1, 7)) AS pub);
END;
CREATE TRIGGER entry_periods_expense AFTER INSERT ON expenses
BEGIN
	INSERT INTO entry_periods(kind, ref_id, period, real_date, late,
	                          created_at)
	SELECT 'expense', NEW.id, CASE WHEN pub OR real > now THEN now
	       ELSE real END, NEW.spent_on, pub, NEW.created_at
	  FROM (SELECT substr(NEW.spent_on, 1, 7) AS real,
	               cishan_period(NEW.created_at) AS now,
	               EXISTS (SELECT 1 FROM notices WHERE period =
	                       substr(NEW.spent_on, 1, 7)) AS pub);
END;

-- Goods received or bought count in their donation's or expense's month.
DROP TRIGGER stats_lots;
CREATE TRIGGER stats_lots AFTER INSERT ON lots
BEGIN
	INSERT INTO stats(period, metric, k1, qty, value)
	SELECT coalesce((SELECT period FROM entry_periods WHERE kind =
	       'donation' AND ref_id = NEW.donation_id), (SELECT period FROM
	       entry_periods WHERE kind = 'expense' AND ref_id =
	       NEW.expense_id), cishan_period(NEW.created_at)),
	       CASE NEW.source WHEN 'donation' THEN 'inkind' ELSE 'purchase'
	       END, category, NEW.quantity, NEW.quantity * NEW.unit_value_fen
	  FROM items WHERE id = NEW.item_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;

DROP TRIGGER fund_entries_after;
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
	SELECT coalesce(ep.period, cishan_period(NEW.at)), 'cash', dn.kind,
	       NEW.fund_id, NEW.amount_fen
	  FROM donations d JOIN donors dn ON dn.id = d.donor_id
	  LEFT JOIN entry_periods ep ON ep.kind = 'donation' AND
	       ep.ref_id = d.id
	 WHERE d.id = NEW.donation_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
	INSERT INTO stats(period, metric, k1, k2, value)
	SELECT coalesce(ep.period, cishan_period(NEW.at)), 'expense',
	       x.purpose, NEW.fund_id, -NEW.amount_fen
	  FROM expenses x LEFT JOIN entry_periods ep ON ep.kind = 'expense'
	       AND ep.ref_id = x.id
	 WHERE x.id = NEW.expense_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
END;

-- A household's PIN for its own balance page (/me): an argon2id hash,
-- set by a manager; one a household.
CREATE TABLE household_pins (
	household_id INTEGER PRIMARY KEY REFERENCES households(id),
	hash         TEXT NOT NULL,
	set_at       INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id)
);
