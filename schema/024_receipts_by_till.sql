-- rebuild
-- A distribution's receipt number is its till's id and its number there
-- (T1-000042), and its transfer is its own: the UNIQUE indexes that said
-- so again were written on every redemption, the receipt's at a random
-- place. A receipt is found by (till_id, receipt_seq), whose UNIQUE
-- constraint stays; verify checks that each receipt number is its till's
-- and number and that no two distributions share a transfer. sqlite drops
-- a UNIQUE constraint only with its table: the rows, indexes and triggers
-- are recreated as they were (the runner turns foreign keys off for this
-- and checks them all before it commits).
CREATE TABLE distributions_024 (
	id             INTEGER PRIMARY KEY,
	client_id      TEXT NOT NULL UNIQUE,
	req_hash       BLOB NOT NULL,
	till_id        TEXT NOT NULL REFERENCES tills(id),
	receipt_seq    INTEGER NOT NULL,
	receipt_no     TEXT NOT NULL,
	household_id   INTEGER NOT NULL REFERENCES households(id),
	period         TEXT NOT NULL,
	points_total   INTEGER NOT NULL CHECK (points_total >= 0),
	points_balance INTEGER NOT NULL CHECK (points_balance >= 0),
	transfer_id    INTEGER REFERENCES transfers(id),
	user_id        INTEGER REFERENCES users(id),
	created_at     INTEGER NOT NULL,
	hcategory      TEXT,
	UNIQUE (till_id, receipt_seq),
	CHECK ((points_total = 0) = (transfer_id IS NULL))
);
INSERT INTO distributions_024(id, client_id, req_hash, till_id, receipt_seq,
       receipt_no, household_id, period, points_total, points_balance,
       transfer_id, user_id, created_at, hcategory)
SELECT id, client_id, req_hash, till_id, receipt_seq, receipt_no,
       household_id, period, points_total, points_balance, transfer_id,
       user_id, created_at, hcategory
  FROM distributions ORDER BY id;
DROP TABLE distributions;
ALTER TABLE distributions_024 RENAME TO distributions;
CREATE INDEX distributions_household ON distributions(household_id, id);
CREATE INDEX distributions_at ON distributions(created_at);
CREATE INDEX distributions_till ON distributions(till_id, id);
CREATE TRIGGER distributions_no_delete BEFORE DELETE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are immutable'); END;
CREATE TRIGGER distributions_no_update BEFORE UPDATE ON distributions
BEGIN SELECT RAISE(ABORT, 'distributions are immutable'); END;
CREATE TRIGGER stats_distributions AFTER INSERT ON distributions
BEGIN
	INSERT OR IGNORE INTO served(period, household_id, category, members)
	VALUES (NEW.period, NEW.household_id,
	        (SELECT category FROM households WHERE id = NEW.household_id),
	        (SELECT members FROM households WHERE id = NEW.household_id));
END;
