-- Distributions: one till transaction each, posted with its stock
-- movements (ref_id = the line) and its points transfer, or not at all.
-- Voids are new rows; a distribution voids at most once.

CREATE TABLE tills (
	id           TEXT PRIMARY KEY,
	last_receipt INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE distributions (
	id             INTEGER PRIMARY KEY,
	client_id      TEXT NOT NULL UNIQUE,
	req_hash       BLOB NOT NULL,
	till_id        TEXT NOT NULL REFERENCES tills(id),
	receipt_seq    INTEGER NOT NULL,
	receipt_no     TEXT NOT NULL UNIQUE,
	household_id   INTEGER NOT NULL REFERENCES households(id),
	period         TEXT NOT NULL,
	points_total   INTEGER NOT NULL CHECK (points_total >= 0),
	points_balance INTEGER NOT NULL CHECK (points_balance >= 0),
	transfer_id    INTEGER UNIQUE REFERENCES transfers(id),
	user_id        INTEGER REFERENCES users(id),
	created_at     INTEGER NOT NULL,
	UNIQUE (till_id, receipt_seq),
	CHECK ((points_total = 0) = (transfer_id IS NULL))
);
CREATE INDEX distributions_household ON distributions(household_id, id);
CREATE INDEX distributions_at ON distributions(created_at);
CREATE INDEX distributions_till ON distributions(till_id, id);

CREATE TABLE distribution_lines (
	id              INTEGER PRIMARY KEY,
	distribution_id INTEGER NOT NULL REFERENCES distributions(id),
	item_id         INTEGER NOT NULL REFERENCES items(id),
	quantity        INTEGER NOT NULL CHECK (quantity > 0),
	points          INTEGER NOT NULL CHECK (points >= 0),
	value_fen       INTEGER NOT NULL CHECK (value_fen >= 0),
	monthly_limit   INTEGER,          -- the item's limit when posted
	UNIQUE (distribution_id, item_id)
);
CREATE INDEX distribution_lines_item ON distribution_lines(item_id);

CREATE TABLE voids (
	id              INTEGER PRIMARY KEY,
	client_id       TEXT NOT NULL UNIQUE,
	req_hash        BLOB NOT NULL,
	distribution_id INTEGER NOT NULL UNIQUE REFERENCES distributions(id),
	reason          TEXT NOT NULL,
	transfer_id     INTEGER UNIQUE REFERENCES transfers(id),
	user_id         INTEGER REFERENCES users(id),
	created_at      INTEGER NOT NULL
);

-- What each household has taken of each item per period (voids taken
-- back), for the monthly limit: a cache kept by triggers.
CREATE TABLE household_item_month (
	household_id INTEGER NOT NULL REFERENCES households(id),
	item_id      INTEGER NOT NULL REFERENCES items(id),
	period       TEXT NOT NULL,
	quantity     INTEGER NOT NULL CHECK (quantity >= 0),
	PRIMARY KEY (household_id, item_id, period)
) WITHOUT ROWID;

CREATE TRIGGER distribution_lines_taken AFTER INSERT ON distribution_lines
BEGIN
	INSERT INTO household_item_month(household_id, item_id, period, quantity)
	SELECT household_id, NEW.item_id, period, NEW.quantity
	  FROM distributions WHERE id = NEW.distribution_id
	ON CONFLICT(household_id, item_id, period)
	DO UPDATE SET quantity = quantity + excluded.quantity;
END;
CREATE TRIGGER voids_taken AFTER INSERT ON voids
BEGIN
	UPDATE household_item_month SET quantity = quantity -
	       (SELECT l.quantity FROM distribution_lines l
	         WHERE l.distribution_id = NEW.distribution_id
	           AND l.item_id = household_item_month.item_id)
	 WHERE (household_id, period) = (SELECT household_id, period
	         FROM distributions WHERE id = NEW.distribution_id)
	   AND item_id IN (SELECT item_id FROM distribution_lines
	         WHERE distribution_id = NEW.distribution_id);
END;

CREATE TRIGGER distributions_no_update BEFORE UPDATE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are immutable'); END;
CREATE TRIGGER distributions_no_delete BEFORE DELETE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are immutable'); END;
CREATE TRIGGER distribution_lines_no_update BEFORE UPDATE ON distribution_lines
BEGIN SELECT RAISE(ABORT, 'distribution lines are immutable'); END;
CREATE TRIGGER distribution_lines_no_delete BEFORE DELETE ON distribution_lines
BEGIN SELECT RAISE(ABORT, 'distribution lines are immutable'); END;
CREATE TRIGGER voids_no_update BEFORE UPDATE ON voids
BEGIN SELECT RAISE(ABORT, 'voids are immutable'); END;
CREATE TRIGGER voids_no_delete BEFORE DELETE ON voids
BEGIN SELECT RAISE(ABORT, 'voids are immutable'); END;
