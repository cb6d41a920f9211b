-- Accounts, audit, and the donated-goods inventory.
-- Ledger rows (movements) are immutable; caches (lots.on_hand,
-- stock_summary) are kept by triggers in the same transaction, so no code
-- path can move goods without them following, and none can edit history.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings(key, value) VALUES
	('store_name', '慈善超市'),
	('timezone', 'Asia/Shanghai');

CREATE TABLE users (
	id           INTEGER PRIMARY KEY,
	username     TEXT NOT NULL UNIQUE,
	display_name TEXT NOT NULL,
	role         TEXT NOT NULL
	             CHECK (role IN ('admin', 'manager', 'cashier', 'auditor')),
	pwhash       TEXT NOT NULL,
	created_at   INTEGER NOT NULL
);

-- Only a hash of each bearer token is kept.
CREATE TABLE sessions (
	token_hash BLOB PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	revoked    INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE audit (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	user_id   INTEGER REFERENCES users(id),
	username  TEXT NOT NULL,
	role      TEXT NOT NULL,
	origin    TEXT NOT NULL,        -- till id or client address
	action    TEXT NOT NULL,
	entity    TEXT NOT NULL,
	entity_id INTEGER,
	detail    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit(at);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are immutable'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit rows are immutable'); END;

CREATE TABLE items (
	id             INTEGER PRIMARY KEY,
	name           TEXT NOT NULL,
	category       TEXT NOT NULL,
	unit           TEXT NOT NULL,
	unit_value_fen INTEGER NOT NULL CHECK (unit_value_fen >= 0),
	points         INTEGER NOT NULL CHECK (points >= 0),
	monthly_limit  INTEGER CHECK (monthly_limit IS NULL OR monthly_limit > 0),
	priority_only  INTEGER NOT NULL DEFAULT 0 CHECK (priority_only IN (0, 1)),
	min_stock      INTEGER NOT NULL DEFAULT 0 CHECK (min_stock >= 0),
	created_at     INTEGER NOT NULL
);
CREATE INDEX items_category ON items(category, id);

-- GTIN-13 for EAN/UPC codes, the text as given for internal codes.
CREATE TABLE barcodes (
	code    TEXT PRIMARY KEY,
	item_id INTEGER NOT NULL REFERENCES items(id)
) WITHOUT ROWID;
CREATE INDEX barcodes_item ON barcodes(item_id);

CREATE TABLE donors (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('enterprise', 'social_org',
	           'individual', 'volunteer', 'government', 'anonymous')),
	created_at INTEGER NOT NULL
);

CREATE TABLE donations (
	id           INTEGER PRIMARY KEY,
	client_id    TEXT NOT NULL UNIQUE,
	req_hash     BLOB NOT NULL,
	donor_id     INTEGER NOT NULL REFERENCES donors(id),
	received_on  TEXT NOT NULL,
	channel      TEXT NOT NULL,
	receipt_code TEXT NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id)
);

CREATE TABLE lots (
	id             INTEGER PRIMARY KEY,
	item_id        INTEGER NOT NULL REFERENCES items(id),
	source         TEXT NOT NULL CHECK (source IN ('donation', 'purchase')),
	donation_id    INTEGER REFERENCES donations(id),
	quantity       INTEGER NOT NULL CHECK (quantity > 0),
	unit_value_fen INTEGER NOT NULL CHECK (unit_value_fen >= 0),
	expires_on     TEXT,
	location       TEXT NOT NULL DEFAULT '',
	received_on    TEXT NOT NULL,
	on_hand        INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
	created_at     INTEGER NOT NULL
);
CREATE INDEX lots_item ON lots(item_id);
-- First-expiring-first-out over the lots that still hold goods.
CREATE INDEX lots_live ON lots(item_id, expires_on) WHERE on_hand > 0;
CREATE INDEX lots_expiry ON lots(expires_on) WHERE on_hand > 0;

CREATE TABLE adjustments (
	id             INTEGER PRIMARY KEY,
	client_id      TEXT NOT NULL UNIQUE,
	req_hash       BLOB NOT NULL,
	lot_id         INTEGER NOT NULL REFERENCES lots(id),
	quantity_delta INTEGER NOT NULL CHECK (quantity_delta <> 0),
	reason         TEXT NOT NULL CHECK (reason IN ('expired', 'damaged',
	               'lost', 'count_correction')),
	created_at     INTEGER NOT NULL,
	user_id        INTEGER REFERENCES users(id)
);

-- The stock ledger. quantity is signed: + into the lot, - out of it.
CREATE TABLE movements (
	id       INTEGER PRIMARY KEY,
	lot_id   INTEGER NOT NULL REFERENCES lots(id),
	item_id  INTEGER NOT NULL REFERENCES items(id),
	kind     TEXT NOT NULL
	         CHECK (kind IN ('receive', 'distribute', 'void', 'adjust')),
	reason   TEXT NOT NULL DEFAULT '',
	quantity INTEGER NOT NULL CHECK (quantity <> 0),
	ref_id   INTEGER,               -- donation, distribution or adjustment
	at       INTEGER NOT NULL,
	user_id  INTEGER REFERENCES users(id)
);
CREATE INDEX movements_item ON movements(item_id, at);
CREATE INDEX movements_lot ON movements(lot_id);
CREATE INDEX movements_at ON movements(at);

-- Per-item totals, so the stock review never sums all lots per request.
CREATE TABLE stock_summary (
	item_id  INTEGER PRIMARY KEY REFERENCES items(id),
	on_hand  INTEGER NOT NULL DEFAULT 0,
	value_fen INTEGER NOT NULL DEFAULT 0
);

CREATE TRIGGER items_summary AFTER INSERT ON items
BEGIN INSERT INTO stock_summary(item_id) VALUES (NEW.id); END;

CREATE TRIGGER movements_apply AFTER INSERT ON movements
BEGIN
	UPDATE lots SET on_hand = on_hand + NEW.quantity WHERE id = NEW.lot_id;
	UPDATE stock_summary
	   SET on_hand = on_hand + NEW.quantity,
	       value_fen = value_fen + NEW.quantity *
	           (SELECT unit_value_fen FROM lots WHERE id = NEW.lot_id)
	 WHERE item_id = NEW.item_id;
END;
CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are immutable'); END;
CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements
BEGIN SELECT RAISE(ABORT, 'movements are immutable'); END;
CREATE TRIGGER donations_no_delete BEFORE DELETE ON donations
BEGIN SELECT RAISE(ABORT, 'donations are immutable'); END;
CREATE TRIGGER adjustments_no_delete BEFORE DELETE ON adjustments
BEGIN SELECT RAISE(ABORT, 'adjustments are immutable'); END;
