-- Households, entitlement policies, and the points ledger (double entry).
-- An id number is kept only as a keyed hash (the key lives outside the
-- database) and its last four characters.

CREATE TABLE households (
	id         INTEGER PRIMARY KEY,
	card_code  TEXT NOT NULL UNIQUE,
	head_name  TEXT NOT NULL,
	id_hash    BLOB NOT NULL UNIQUE,
	id_last4   TEXT NOT NULL,
	members    INTEGER NOT NULL CHECK (members BETWEEN 1 AND 50),
	category   TEXT NOT NULL CHECK (category IN ('tekun', 'dibao',
	           'emergency', 'illness', 'low_income', 'other')),
	street     TEXT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	valid_from TEXT NOT NULL,
	valid_to   TEXT NOT NULL,
	status     TEXT NOT NULL DEFAULT 'active'
	           CHECK (status IN ('active', 'suspended')),
	created_at INTEGER NOT NULL,
	CHECK (valid_from <= valid_to)
);
CREATE INDEX households_valid_to ON households(valid_to);
CREATE INDEX households_category ON households(category, id);

CREATE TABLE policies (
	category          TEXT PRIMARY KEY CHECK (category IN ('tekun', 'dibao',
	                  'emergency', 'illness', 'low_income', 'other')),
	monthly_points    INTEGER NOT NULL CHECK (monthly_points >= 0),
	per_member_points INTEGER NOT NULL DEFAULT 0
	                  CHECK (per_member_points >= 0),
	carry_over        INTEGER NOT NULL DEFAULT 1 CHECK (carry_over IN (0, 1)),
	updated_at        INTEGER NOT NULL
) WITHOUT ROWID;

-- Accounts. balance caches credits - debits. A household, redeemed or
-- expired account is credit-normal (balance >= 0); a grant source is
-- debit-normal (balance <= 0: minus what it has issued).
CREATE TABLE accounts (
	id           INTEGER PRIMARY KEY,
	kind         TEXT NOT NULL CHECK (kind IN ('household', 'grant_policy',
	             'grant_oneoff', 'redeemed', 'expired')),
	household_id INTEGER UNIQUE REFERENCES households(id),
	balance      INTEGER NOT NULL DEFAULT 0,
	CHECK ((kind IN ('grant_policy', 'grant_oneoff') AND balance <= 0) OR
	       (kind NOT IN ('grant_policy', 'grant_oneoff') AND balance >= 0)),
	CHECK ((kind = 'household') = (household_id IS NOT NULL))
);
INSERT INTO accounts(id, kind) VALUES
	(1, 'grant_policy'), (2, 'grant_oneoff'), (3, 'redeemed'),
	(4, 'expired');

CREATE TABLE transfers (
	id             INTEGER PRIMARY KEY,
	client_id      TEXT UNIQUE,
	req_hash       BLOB,
	debit_account  INTEGER NOT NULL REFERENCES accounts(id),
	credit_account INTEGER NOT NULL REFERENCES accounts(id),
	amount         INTEGER NOT NULL CHECK (amount > 0),
	kind           TEXT NOT NULL CHECK (kind IN ('grant_monthly',
	               'grant_oneoff', 'redeem', 'void', 'expire')),
	household_id   INTEGER NOT NULL REFERENCES households(id),
	period         TEXT,
	reason         TEXT NOT NULL DEFAULT '',
	ref_id         INTEGER,
	at             INTEGER NOT NULL,
	user_id        INTEGER REFERENCES users(id),
	CHECK (debit_account <> credit_account)
);
CREATE INDEX transfers_household ON transfers(household_id, id);
CREATE INDEX transfers_at ON transfers(at);
-- Once per household and period, whatever retries or crashes happen.
CREATE UNIQUE INDEX transfers_monthly ON transfers(household_id, period)
	WHERE kind = 'grant_monthly';
CREATE UNIQUE INDEX transfers_expire ON transfers(household_id, period)
	WHERE kind = 'expire';

CREATE TRIGGER transfers_apply AFTER INSERT ON transfers
BEGIN
	UPDATE accounts SET balance = balance - NEW.amount
	 WHERE id = NEW.debit_account;
	UPDATE accounts SET balance = balance + NEW.amount
	 WHERE id = NEW.credit_account;
END;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are immutable'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers are immutable'); END;
