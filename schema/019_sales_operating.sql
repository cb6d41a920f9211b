-- Charity sales (慈善义卖) and the operating line kept apart from the
-- donation funds (收支两条线).
--
-- An item may have a sale price; a lot may be sold only when the
-- donation line it came from allowed it (sale_allowed; goods bought with
-- a fund never are: that would turn fund money into operating income).
-- A sale moves stock out by 'sell' movements and posts its total to the
-- operating account 'sales'; a refund is a new row that puts both back.
-- The operating line is its own ledger (operating_entries), chained like
-- the others. Money crosses between the two lines only by a transfer a
-- manager proposed with its reason and another user, an admin, confirmed.

ALTER TABLE items ADD COLUMN sale_price_fen INTEGER
	CHECK (sale_price_fen IS NULL OR sale_price_fen > 0);
ALTER TABLE lots ADD COLUMN sale_allowed INTEGER NOT NULL DEFAULT 0
	CHECK (sale_allowed = 0 OR sale_allowed = 1);
CREATE TRIGGER lots_sale_allowed BEFORE INSERT ON lots
WHEN NEW.sale_allowed = 1 AND NEW.source <> 'donation'
BEGIN SELECT RAISE(ABORT, 'only donated goods may be sold'); END;
-- Sale receipts run per till apart from the distributions' numbers.
ALTER TABLE tills ADD COLUMN last_sale INTEGER NOT NULL DEFAULT 0;

CREATE TABLE sales (
	id          INTEGER PRIMARY KEY,
	client_id   TEXT NOT NULL UNIQUE,
	req_hash    BLOB NOT NULL,
	till_id     TEXT NOT NULL REFERENCES tills(id),
	receipt_seq INTEGER NOT NULL,
	receipt_no  TEXT NOT NULL UNIQUE,
	total_fen   INTEGER NOT NULL CHECK (total_fen > 0),
	method      TEXT NOT NULL CHECK (method = 'cash' OR method = 'qr'),
	reference   TEXT NOT NULL DEFAULT '',
	user_id     INTEGER REFERENCES users(id),
	created_at  INTEGER NOT NULL,
	UNIQUE (till_id, receipt_seq),
	CHECK (method = 'cash' OR reference <> '')
);
CREATE INDEX sales_at ON sales(created_at);

CREATE TABLE sale_lines (
	id             INTEGER PRIMARY KEY,
	sale_id        INTEGER NOT NULL REFERENCES sales(id),
	item_id        INTEGER NOT NULL REFERENCES items(id),
	quantity       INTEGER NOT NULL CHECK (quantity > 0),
	unit_price_fen INTEGER NOT NULL CHECK (unit_price_fen > 0),
	amount_fen     INTEGER NOT NULL CHECK (amount_fen > 0),
	UNIQUE (sale_id, item_id)
);

CREATE TABLE sale_refunds (
	id         INTEGER PRIMARY KEY,
	client_id  TEXT NOT NULL UNIQUE,
	req_hash   BLOB NOT NULL,
	sale_id    INTEGER NOT NULL UNIQUE REFERENCES sales(id),
	reason     TEXT NOT NULL,
	user_id    INTEGER REFERENCES users(id),
	created_at INTEGER NOT NULL
);

-- The operating line's accounts: income, costs, and the net of the
-- confirmed transfers with the funds. total_fen is the sum of the
-- account's entries (costs negative).
CREATE TABLE operating_accounts (
	code      TEXT PRIMARY KEY,
	side      TEXT NOT NULL
	          CHECK (side = 'income' OR side = 'cost' OR side = 'transfer'),
	name      TEXT NOT NULL,
	total_fen INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
INSERT INTO operating_accounts(code, side, name) VALUES
	('sales', 'income', '义卖收入'),
	('service_fees', 'income', '服务收费'),
	('other_income', 'income', '其他收入'),
	('rent', 'cost', '房租'),
	('wages', 'cost', '工资'),
	('utilities', 'cost', '水电'),
	('other_cost', 'cost', '其他支出'),
	('transfers', 'transfer', '两条线之间的划转');

-- A recorded decision to move money between the lines: proposed with
-- its reason, confirmed (once) by another user, an admin. Nothing moves
-- before the confirmation.
CREATE TABLE operating_transfers (
	id          INTEGER PRIMARY KEY,
	client_id   TEXT NOT NULL UNIQUE,
	req_hash    BLOB NOT NULL,
	direction   TEXT NOT NULL CHECK (direction = 'to_fund' OR
	            direction = 'from_fund'),
	fund_id     INTEGER NOT NULL REFERENCES funds(id),
	amount_fen  INTEGER NOT NULL CHECK (amount_fen > 0),
	reason      TEXT NOT NULL CHECK (reason <> ''),
	proposed_by INTEGER NOT NULL REFERENCES users(id),
	proposed_at INTEGER NOT NULL
);
CREATE TABLE operating_confirms (
	transfer_id INTEGER PRIMARY KEY REFERENCES operating_transfers(id),
	user_id     INTEGER NOT NULL REFERENCES users(id),
	at          INTEGER NOT NULL
);

-- The operating ledger: + into the operating line, - out of it.
CREATE TABLE operating_entries (
	id          INTEGER PRIMARY KEY,
	account     TEXT NOT NULL REFERENCES operating_accounts(code),
	kind        TEXT NOT NULL CHECK (kind = 'sale' OR kind = 'refund' OR
	            kind = 'entry' OR kind = 'transfer'),
	amount_fen  INTEGER NOT NULL CHECK (amount_fen <> 0),
	sale_id     INTEGER REFERENCES sales(id),
	transfer_id INTEGER REFERENCES operating_transfers(id),
	client_id   TEXT UNIQUE,
	req_hash    BLOB,
	note        TEXT NOT NULL DEFAULT '',
	period      TEXT NOT NULL,
	at          INTEGER NOT NULL,
	user_id     INTEGER REFERENCES users(id),
	CHECK ((kind = 'sale' AND account = 'sales' AND sale_id IS NOT NULL
	        AND amount_fen > 0) OR
	       (kind = 'refund' AND account = 'sales' AND sale_id IS NOT NULL
	        AND amount_fen < 0) OR
	       (kind = 'entry' AND client_id IS NOT NULL AND
	        account <> 'sales' AND account <> 'transfers') OR
	       (kind = 'transfer' AND account = 'transfers' AND
	        transfer_id IS NOT NULL))
);
CREATE INDEX operating_entries_period ON operating_entries(period, account);
CREATE INDEX operating_entries_sale ON operating_entries(sale_id)
	WHERE sale_id IS NOT NULL;

CREATE VIEW canon_operating_entries AS
SELECT id, at, printf('operating_entry|%d|%s|%s|%d|%d|%d|%s|%s|%d|%d', id,
       account, kind, amount_fen, coalesce(sale_id, 0),
       coalesce(transfer_id, 0), note, period, at,
       coalesce(user_id, 0)) AS canon
  FROM operating_entries;

CREATE TRIGGER operating_entries_after AFTER INSERT ON operating_entries
BEGIN
	UPDATE operating_accounts SET total_fen = total_fen + NEW.amount_fen
	 WHERE code = NEW.account;
	INSERT INTO chain(kind, row_id, at, hash)
	VALUES ('operating_entry', NEW.id, NEW.at, cishan_chain(
	        coalesce((SELECT hash FROM chain ORDER BY seq DESC LIMIT 1),
	                 zeroblob(32)),
	        (SELECT canon FROM canon_operating_entries WHERE id = NEW.id)));
END;

CREATE TRIGGER sales_no_update BEFORE UPDATE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable'); END;
CREATE TRIGGER sales_no_delete BEFORE DELETE ON sales
BEGIN SELECT RAISE(ABORT, 'sales are immutable'); END;
CREATE TRIGGER sale_lines_no_update BEFORE UPDATE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale lines are immutable'); END;
CREATE TRIGGER sale_lines_no_delete BEFORE DELETE ON sale_lines
BEGIN SELECT RAISE(ABORT, 'sale lines are immutable'); END;
CREATE TRIGGER sale_refunds_no_update BEFORE UPDATE ON sale_refunds
BEGIN SELECT RAISE(ABORT, 'refunds are immutable'); END;
CREATE TRIGGER sale_refunds_no_delete BEFORE DELETE ON sale_refunds
BEGIN SELECT RAISE(ABORT, 'refunds are immutable'); END;
CREATE TRIGGER operating_entries_no_update BEFORE UPDATE ON operating_entries
BEGIN SELECT RAISE(ABORT, 'operating entries are immutable'); END;
CREATE TRIGGER operating_entries_no_delete BEFORE DELETE ON operating_entries
BEGIN SELECT RAISE(ABORT, 'operating entries are immutable'); END;
CREATE TRIGGER operating_transfers_no_update BEFORE UPDATE
	ON operating_transfers
BEGIN SELECT RAISE(ABORT, 'transfer decisions are immutable'); END;
CREATE TRIGGER operating_transfers_no_delete BEFORE DELETE
	ON operating_transfers
BEGIN SELECT RAISE(ABORT, 'transfer decisions are immutable'); END;
CREATE TRIGGER operating_confirms_no_update BEFORE UPDATE
	ON operating_confirms
BEGIN SELECT RAISE(ABORT, 'confirmations are immutable'); END;
CREATE TRIGGER operating_confirms_no_delete BEFORE DELETE
	ON operating_confirms
BEGIN SELECT RAISE(ABORT, 'confirmations are immutable'); END;

-- A fund's side of a confirmed transfer: a fund entry of kind
-- 'operating'. Its link is hashed only when present, so the rows already
-- chained keep their text.
ALTER TABLE fund_entries ADD COLUMN op_transfer_id INTEGER
	REFERENCES operating_transfers(id);
DROP VIEW canon_fund_entries;
CREATE VIEW canon_fund_entries AS
SELECT id, at, printf('fund_entry|%d|%d|%s|%d|%d|%d|%d|%d', id, fund_id,
       kind, amount_fen, coalesce(donation_id, 0), coalesce(expense_id, 0),
       at, coalesce(user_id, 0)) ||
       CASE WHEN op_transfer_id IS NULL THEN ''
            ELSE '|' || op_transfer_id END AS canon
  FROM fund_entries;

-- New kinds in CHECKs that only widen (every stored row stays valid):
-- sqlite's in-place procedure, as in 009. The last statement fails the
-- migration if a rewrite missed.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'kind = ''void'' OR kind = ''adjust'')',
	'kind = ''void'' OR kind = ''adjust'' OR
	         kind = ''sell'' OR kind = ''refund'')')
 WHERE type = 'table' AND name = 'movements';
UPDATE sqlite_schema SET sql = replace(sql,
	'kind = ''fund_entry'')',
	'kind = ''fund_entry'' OR kind = ''operating_entry'')')
 WHERE type = 'table' AND name = 'chain';
UPDATE sqlite_schema SET sql = replace(replace(sql,
	'CHECK (kind IN (''cash_donation'', ''expense''))',
	'CHECK (kind = ''cash_donation'' OR kind = ''expense'' OR
	            kind = ''operating'')'),
	'(kind = ''expense'' AND expense_id IS NOT NULL AND amount_fen < 0))',
	'(kind = ''expense'' AND expense_id IS NOT NULL AND amount_fen < 0) OR
	       (kind = ''operating'' AND op_transfer_id IS NOT NULL AND
	        amount_fen <> 0))')
 WHERE type = 'table' AND name = 'fund_entries';
PRAGMA writable_schema = RESET;

CREATE TEMP TABLE migration_019 (missed INTEGER CHECK (missed = 0));
INSERT INTO migration_019
SELECT count(*) FROM sqlite_schema
 WHERE type = 'table'
   AND ((name = 'movements' AND sql NOT LIKE '%kind = ''refund''%')
     OR (name = 'chain' AND sql NOT LIKE '%''operating_entry''%')
     OR (name = 'fund_entries' AND (sql LIKE '% IN (%'
         OR sql NOT LIKE '%kind = ''operating'' AND op_transfer_id%')));
DROP TABLE migration_019;
