-- Each look-up of a household by its card: who, when, and a keyed hash
-- of the card typed (never the card itself), whether it was found. Only
-- counted per user and period (GET /api/v1/audit/card-lookups).
CREATE TABLE card_lookups (
	id        INTEGER PRIMARY KEY,
	at        INTEGER NOT NULL,
	user_id   INTEGER NOT NULL REFERENCES users(id),
	card_hash BLOB NOT NULL CHECK (length(card_hash) = 32),
	found     INTEGER NOT NULL CHECK (found IN (0, 1))
);
CREATE INDEX card_lookups_at ON card_lookups(at, user_id);
CREATE TRIGGER card_lookups_no_update BEFORE UPDATE ON card_lookups
BEGIN SELECT RAISE(ABORT, 'card look-ups are immutable'); END;
CREATE TRIGGER card_lookups_no_delete BEFORE DELETE ON card_lookups
BEGIN SELECT RAISE(ABORT, 'card look-ups are immutable'); END;
