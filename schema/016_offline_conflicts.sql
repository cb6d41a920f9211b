-- Offline conflicts: a basket a till handed out offline that the server
-- refused on replay (the household spent its points or its limit at
-- another till meanwhile). The goods left the shop; the till uploads the
-- basket and the refusal so that it is recorded, never lost, and a
-- manager resolves it once: as a distribution posted by override (goods
-- move, points go down as far as the balance allows, the shortfall kept
-- here) or as a write-off of the goods (movements of reason
-- 'offline_loss', linked below).
CREATE TABLE offline_conflicts (
	id               INTEGER PRIMARY KEY,
	client_id        TEXT NOT NULL UNIQUE, -- the basket's, as journalled
	req_hash         BLOB NOT NULL,
	till_id          TEXT NOT NULL,
	local_no         TEXT NOT NULL,        -- the till's receipt, L-T1-3
	card             TEXT NOT NULL,
	household_id     INTEGER REFERENCES households(id),
	code             TEXT NOT NULL,        -- the refusal
	message          TEXT NOT NULL,
	created_at       INTEGER NOT NULL,
	user_id          INTEGER REFERENCES users(id),
	resolved_as      TEXT CHECK (resolved_as = 'override' OR
	                             resolved_as = 'write_off'),
	reason           TEXT,
	resolved_at      INTEGER,
	resolved_by      INTEGER REFERENCES users(id),
	distribution_id  INTEGER REFERENCES distributions(id),
	points_shortfall INTEGER NOT NULL DEFAULT 0
	                 CHECK (points_shortfall >= 0),
	unmatched        INTEGER NOT NULL DEFAULT 0 CHECK (unmatched >= 0),
	CHECK ((resolved_as IS NULL) = (resolved_at IS NULL)),
	CHECK ((resolved_as IS 'override') = (distribution_id IS NOT NULL))
);
CREATE INDEX offline_conflicts_open ON offline_conflicts(id)
	WHERE resolved_as IS NULL;

CREATE TABLE offline_conflict_lines (
	conflict_id INTEGER NOT NULL REFERENCES offline_conflicts(id),
	item_id     INTEGER NOT NULL REFERENCES items(id),
	quantity    INTEGER NOT NULL CHECK (quantity > 0),
	PRIMARY KEY (conflict_id, item_id)
) WITHOUT ROWID;

-- A write-off's movements (their ref_id stays NULL: an adjustment's is
-- its adjustments row, which these have none of).
CREATE TABLE offline_conflict_writeoffs (
	conflict_id INTEGER NOT NULL REFERENCES offline_conflicts(id),
	movement_id INTEGER NOT NULL UNIQUE REFERENCES movements(id),
	PRIMARY KEY (conflict_id, movement_id)
) WITHOUT ROWID;

-- Resolved once; what was uploaded and what resolved it never change.
CREATE TRIGGER offline_conflicts_resolve_once
BEFORE UPDATE ON offline_conflicts WHEN OLD.resolved_as IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'an offline conflict is resolved once'); END;
CREATE TRIGGER offline_conflicts_keep
BEFORE UPDATE OF id, client_id, req_hash, till_id, local_no, card,
	household_id, code, message, created_at, user_id ON offline_conflicts
BEGIN SELECT RAISE(ABORT, 'an offline conflict as uploaded is kept'); END;
CREATE TRIGGER offline_conflicts_no_delete BEFORE DELETE ON offline_conflicts
BEGIN SELECT RAISE(ABORT, 'offline conflicts are kept'); END;
CREATE TRIGGER offline_conflict_lines_no_update
BEFORE UPDATE ON offline_conflict_lines
BEGIN SELECT RAISE(ABORT, 'offline conflict lines are kept'); END;
CREATE TRIGGER offline_conflict_lines_no_delete
BEFORE DELETE ON offline_conflict_lines
BEGIN SELECT RAISE(ABORT, 'offline conflict lines are kept'); END;

-- The store's public address (the root of its public pages, printed on
-- receipts and in the donor receipt's QR); empty until a manager sets it.
INSERT OR IGNORE INTO settings(key, value) VALUES ('public_address', '');
