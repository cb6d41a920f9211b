-- Funds and cash, the hash chain over every ledger row, figures kept per
-- period for the public notices, and published (frozen) notices.
-- cishan_chain(prev, text) = SHA-256(prev || text) and cishan_period(t)
-- (the store's YYYY-MM of a unix time) are functions the server defines.

CREATE TABLE funds (
	id          INTEGER PRIMARY KEY,
	name        TEXT NOT NULL UNIQUE,
	kind        TEXT NOT NULL CHECK (kind IN ('donations',
	            'government_purchase', 'lottery', 'community_foundation')),
	restricted  INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
	purpose     TEXT NOT NULL DEFAULT '',  -- a restricted fund's purpose
	balance_fen INTEGER NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
	created_at  INTEGER NOT NULL,
	CHECK (restricted = 0 OR purpose <> '')
);

ALTER TABLE donations ADD COLUMN fund_id INTEGER REFERENCES funds(id);
ALTER TABLE donations ADD COLUMN cash_fen INTEGER NOT NULL DEFAULT 0
	CHECK (cash_fen >= 0);

CREATE TABLE expenses (
	id         INTEGER PRIMARY KEY,
	client_id  TEXT NOT NULL UNIQUE,
	req_hash   BLOB NOT NULL,
	fund_id    INTEGER NOT NULL REFERENCES funds(id),
	amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
	purpose    TEXT NOT NULL,
	spent_on   TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	user_id    INTEGER REFERENCES users(id)
);
ALTER TABLE lots ADD COLUMN expense_id INTEGER REFERENCES expenses(id);

-- The money ledger: + into a fund, - out of it.
CREATE TABLE fund_entries (
	id          INTEGER PRIMARY KEY,
	fund_id     INTEGER NOT NULL REFERENCES funds(id),
	kind        TEXT NOT NULL CHECK (kind IN ('cash_donation', 'expense')),
	amount_fen  INTEGER NOT NULL,
	donation_id INTEGER REFERENCES donations(id),
	expense_id  INTEGER REFERENCES expenses(id),
	at          INTEGER NOT NULL,
	user_id     INTEGER REFERENCES users(id),
	CHECK ((kind = 'cash_donation' AND donation_id IS NOT NULL AND
	        amount_fen > 0) OR
	       (kind = 'expense' AND expense_id IS NOT NULL AND amount_fen < 0))
);
CREATE INDEX fund_entries_fund ON fund_entries(fund_id, id);
CREATE TRIGGER fund_entries_apply AFTER INSERT ON fund_entries
BEGIN
	UPDATE funds SET balance_fen = balance_fen + NEW.amount_fen
	 WHERE id = NEW.fund_id;
END;
CREATE TRIGGER fund_entries_no_update BEFORE UPDATE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'fund entries are immutable'); END;
CREATE TRIGGER fund_entries_no_delete BEFORE DELETE ON fund_entries
BEGIN SELECT RAISE(ABORT, 'fund entries are immutable'); END;
CREATE TRIGGER expenses_no_delete BEFORE DELETE ON expenses
BEGIN SELECT RAISE(ABORT, 'expenses are immutable'); END;

-- The canonical text of each ledger row, as hashed into the chain.
CREATE VIEW canon_movements AS
SELECT id, at, printf('movement|%d|%d|%d|%s|%s|%d|%d|%d|%d', id, lot_id,
       item_id, kind, reason, quantity, coalesce(ref_id, 0), at,
       coalesce(user_id, 0)) AS canon
  FROM movements;
CREATE VIEW canon_transfers AS
SELECT id, at, printf('transfer|%d|%d|%d|%d|%s|%d|%s|%s|%d|%d|%d', id,
       debit_account, credit_account, amount, kind, household_id,
       coalesce(period, ''), reason, coalesce(ref_id, 0), at,
       coalesce(user_id, 0)) AS canon
  FROM transfers;
CREATE VIEW canon_fund_entries AS
SELECT id, at, printf('fund_entry|%d|%d|%s|%d|%d|%d|%d|%d', id, fund_id,
       kind, amount_fen, coalesce(donation_id, 0), coalesce(expense_id, 0),
       at, coalesce(user_id, 0)) AS canon
  FROM fund_entries;

-- h(n) = SHA-256(h(n-1) || canonical row n), h(0) = 32 zero bytes.
CREATE TABLE chain (
	seq    INTEGER PRIMARY KEY,
	kind   TEXT NOT NULL CHECK (kind IN ('movement', 'transfer',
	       'fund_entry')),
	row_id INTEGER NOT NULL,
	at     INTEGER NOT NULL,
	hash   BLOB NOT NULL,
	UNIQUE (kind, row_id)
);
CREATE INDEX chain_at ON chain(at);

-- The rows written before the chain existed, in the order they happened.
WITH RECURSIVE
	rows(n, kind, row_id, at, canon) AS (
		SELECT row_number() OVER (ORDER BY at, k, id), kind, id, at,
		       canon
		  FROM (SELECT 0 AS k, 'movement' AS kind, id, at, canon
		          FROM canon_movements
		        UNION ALL
		        SELECT 1, 'transfer', id, at, canon
		          FROM canon_transfers)),
	h(n, kind, row_id, at, hash) AS (
		SELECT 0, NULL, NULL, NULL, zeroblob(32)
		UNION ALL
		SELECT r.n, r.kind, r.row_id, r.at, cishan_chain(h.hash, r.canon)
		  FROM h JOIN rows r ON r.n = h.n + 1)
INSERT INTO chain(seq, kind, row_id, at, hash)
SELECT n, kind, row_id, at, hash FROM h WHERE n > 0;

CREATE TRIGGER chain_movements AFTER INSERT ON movements
BEGIN
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('movement', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_movements WHERE id = NEW.id)));
END;
CREATE TRIGGER chain_transfers AFTER INSERT ON transfers
BEGIN
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('transfer', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_transfers WHERE id = NEW.id)));
END;
CREATE TRIGGER chain_fund_entries AFTER INSERT ON fund_entries
BEGIN
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('fund_entry', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_fund_entries WHERE id = NEW.id)));
END;
CREATE TRIGGER chain_no_update BEFORE UPDATE ON chain
BEGIN SELECT RAISE(ABORT, 'the chain is immutable'); END;
CREATE TRIGGER chain_no_delete BEFORE DELETE ON chain
BEGIN SELECT RAISE(ABORT, 'the chain is immutable'); END;

-- Figures per period, kept as rows are written, so a notice reads a few
-- rows instead of a year of ledger. metric: inkind, purchase (k1 item
-- category), distributed (k1 item category, k2 household category),
-- writeoff (k1 reason), stock (net change of stock value), cash (k1
-- donor kind, k2 fund id), expense (k1 purpose, k2 fund id), points (k1
-- transfer kind).
CREATE TABLE stats (
	period TEXT NOT NULL,
	metric TEXT NOT NULL,
	k1     TEXT NOT NULL DEFAULT '',
	k2     TEXT NOT NULL DEFAULT '',
	qty    INTEGER NOT NULL DEFAULT 0,
	value  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, metric, k1, k2)
) WITHOUT ROWID;

-- Households served per period (distinct), with their size then.
CREATE TABLE served (
	period       TEXT NOT NULL,
	household_id INTEGER NOT NULL REFERENCES households(id),
	category     TEXT NOT NULL,
	members      INTEGER NOT NULL,
	PRIMARY KEY (period, household_id)
) WITHOUT ROWID;
CREATE INDEX served_category ON served(period, category);

CREATE TABLE notices (
	period       TEXT PRIMARY KEY,
	published_at INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id),
	ledger_head  TEXT NOT NULL,
	body         TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
BEGIN SELECT RAISE(ABORT, 'published notices are frozen'); END;
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
BEGIN SELECT RAISE(ABORT, 'published notices are frozen'); END;

-- The figures of what was recorded before this migration.
INSERT INTO stats(period, metric, k1, qty, value)
SELECT cishan_period(l.created_at), CASE l.source WHEN 'donation' THEN
       'inkind' ELSE 'purchase' END, i.category, sum(l.quantity),
       sum(l.quantity * l.unit_value_fen)
  FROM lots l JOIN items i ON i.id = l.item_id GROUP BY 1, 2, 3;
INSERT INTO stats(period, metric, k1, k2, qty, value)
SELECT d.period, 'distributed', i.category, h.category, sum(l.quantity),
       sum(l.value_fen)
  FROM distribution_lines l JOIN distributions d ON d.id = l.distribution_id
  JOIN items i ON i.id = l.item_id JOIN households h ON h.id = d.household_id
 GROUP BY 1, 3, 4;
INSERT INTO stats(period, metric, k1, k2, qty, value)
SELECT cishan_period(v.created_at), 'distributed', i.category, h.category,
       -sum(l.quantity), -sum(l.value_fen)
  FROM voids v JOIN distributions d ON d.id = v.distribution_id
  JOIN distribution_lines l ON l.distribution_id = d.id
  JOIN items i ON i.id = l.item_id JOIN households h ON h.id = d.household_id
 WHERE true GROUP BY 1, 3, 4
ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
	qty = qty + excluded.qty, value = value + excluded.value;
INSERT INTO stats(period, metric, k1, qty, value)
SELECT cishan_period(m.at), 'writeoff', m.reason, -sum(m.quantity),
       -sum(m.quantity * l.unit_value_fen)
  FROM movements m JOIN lots l ON l.id = m.lot_id
 WHERE m.kind = 'adjust' AND m.quantity < 0 GROUP BY 1, 3;
INSERT INTO stats(period, metric, value)
SELECT cishan_period(m.at), 'stock', sum(m.quantity * l.unit_value_fen)
  FROM movements m JOIN lots l ON l.id = m.lot_id GROUP BY 1;
INSERT INTO stats(period, metric, k1, value)
SELECT cishan_period(at), 'points', kind, sum(amount) FROM transfers
 GROUP BY 1, 3;
INSERT INTO served(period, household_id, category, members)
SELECT DISTINCT d.period, h.id, h.category, h.members
  FROM distributions d JOIN households h ON h.id = d.household_id;

CREATE TRIGGER stats_lots AFTER INSERT ON lots
BEGIN
	INSERT INTO stats(period, metric, k1, qty, value)
	SELECT cishan_period(NEW.created_at), CASE NEW.source WHEN 'donation'
	       THEN 'inkind' ELSE 'purchase' END, category, NEW.quantity,
	       NEW.quantity * NEW.unit_value_fen
	  FROM items WHERE id = NEW.item_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;
CREATE TRIGGER stats_distribution_lines AFTER INSERT ON distribution_lines
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed', i.category, h.category, NEW.quantity,
	       NEW.value_fen
	  FROM distributions d, items i, households h
	 WHERE d.id = NEW.distribution_id AND i.id = NEW.item_id
	   AND h.id = d.household_id
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;
CREATE TRIGGER stats_distributions AFTER INSERT ON distributions
BEGIN
	INSERT OR IGNORE INTO served(period, household_id, category, members)
	SELECT NEW.period, id, category, members FROM households
	 WHERE id = NEW.household_id;
END;
CREATE TRIGGER stats_voids AFTER INSERT ON voids
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT cishan_period(NEW.created_at), 'distributed', i.category,
	       h.category, -sum(l.quantity), -sum(l.value_fen)
	  FROM distribution_lines l JOIN distributions d
	    ON d.id = l.distribution_id JOIN items i ON i.id = l.item_id
	  JOIN households h ON h.id = d.household_id
	 WHERE l.distribution_id = NEW.distribution_id
	 GROUP BY i.category, h.category
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
END;
CREATE TRIGGER stats_movements AFTER INSERT ON movements
BEGIN
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
CREATE TRIGGER stats_transfers AFTER INSERT ON transfers
BEGIN
	INSERT INTO stats(period, metric, k1, value)
	VALUES (cishan_period(NEW.at), 'points', NEW.kind, NEW.amount)
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		value = value + excluded.value;
END;
CREATE TRIGGER stats_fund_entries AFTER INSERT ON fund_entries
BEGIN
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
