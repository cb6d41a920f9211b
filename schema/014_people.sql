-- Staff accounts that can be disabled, and a household's card replaced.
--
-- A disabled user cannot log in, and no session of theirs is honoured
-- (the session look-up joins users and asks disabled = 0), so a session
-- row written before the account was disabled, or a server restarted
-- since, changes nothing. Ending a user's sessions updates them by
-- user_id, hence the index; it also answers a user's last log-in.
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0
	CHECK (disabled = 0 OR disabled = 1);
CREATE INDEX sessions_user ON sessions(user_id, created_at);

-- The cards a household had before: kept for the audit, never answered
-- again. A retired card is never issued again either, to this household
-- or another: whoever finds a lost card must not find a household by it.
CREATE TABLE household_cards (
	id           INTEGER PRIMARY KEY,
	household_id INTEGER NOT NULL REFERENCES households(id),
	card_code    TEXT NOT NULL UNIQUE,
	retired_at   INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id),
	reason       TEXT NOT NULL
);
CREATE INDEX household_cards_household ON household_cards(household_id, id);
CREATE TRIGGER household_cards_no_update BEFORE UPDATE ON household_cards
BEGIN SELECT RAISE(ABORT, 'card history is immutable'); END;
CREATE TRIGGER household_cards_no_delete BEFORE DELETE ON household_cards
BEGIN SELECT RAISE(ABORT, 'card history is immutable'); END;
CREATE TRIGGER households_card_retired_insert BEFORE INSERT ON households
WHEN EXISTS (SELECT 1 FROM household_cards WHERE card_code = NEW.card_code)
BEGIN SELECT RAISE(ABORT, 'card retired'); END;
CREATE TRIGGER households_card_retired_update
BEFORE UPDATE OF card_code ON households
WHEN EXISTS (SELECT 1 FROM household_cards WHERE card_code = NEW.card_code)
BEGIN SELECT RAISE(ABORT, 'card retired'); END;
