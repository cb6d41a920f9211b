-- Volunteers and their service (志愿服务, 公益记录), and donors' consent
-- to be named in public (信用记录).
--
-- A volunteer's name and phone are kept whole and shown masked as a
-- household's are; an id number, when given, only as a keyed hash (under
-- the server's id-number key, apart from households' hashes), to refuse
-- registering one person twice.
CREATE TABLE volunteers (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	id_hash    BLOB UNIQUE,
	created_at INTEGER NOT NULL,
	user_id    INTEGER REFERENCES users(id)
);

-- A shift served: recorded by a manager, or by checking out at a till.
-- minutes is the time served, never more than a day's in a day.
CREATE TABLE volunteer_shifts (
	id           INTEGER PRIMARY KEY,
	client_id    TEXT UNIQUE,
	req_hash     BLOB,
	volunteer_id INTEGER NOT NULL REFERENCES volunteers(id),
	served_on    TEXT NOT NULL,
	minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
	role         TEXT NOT NULL,
	source       TEXT NOT NULL CHECK (source IN ('manager', 'till')),
	till_id      TEXT NOT NULL DEFAULT '',
	started_at   INTEGER NOT NULL DEFAULT 0,
	ended_at     INTEGER NOT NULL DEFAULT 0,
	created_at   INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id)
);
CREATE INDEX volunteer_shifts_volunteer
	ON volunteer_shifts(volunteer_id, served_on);
CREATE INDEX volunteer_shifts_day ON volunteer_shifts(served_on);
CREATE TRIGGER volunteer_shifts_day_cap BEFORE INSERT ON volunteer_shifts
WHEN NEW.minutes + (SELECT coalesce(sum(minutes), 0) FROM volunteer_shifts
      WHERE volunteer_id = NEW.volunteer_id
        AND served_on = NEW.served_on) > 1440
BEGIN SELECT RAISE(ABORT, 'more than 24 hours in a day'); END;
CREATE TRIGGER volunteer_shifts_no_update BEFORE UPDATE ON volunteer_shifts
BEGIN SELECT RAISE(ABORT, 'shifts are immutable'); END;
CREATE TRIGGER volunteer_shifts_no_delete BEFORE DELETE ON volunteer_shifts
BEGIN SELECT RAISE(ABORT, 'shifts are immutable'); END;

-- Who is checked in now: one row a volunteer, gone at check-out (when
-- its shift is written).
CREATE TABLE volunteer_checkins (
	volunteer_id INTEGER PRIMARY KEY REFERENCES volunteers(id),
	client_id    TEXT NOT NULL,
	till_id      TEXT NOT NULL,
	role         TEXT NOT NULL,
	at           INTEGER NOT NULL,
	user_id      INTEGER REFERENCES users(id)
);

-- An organisation that agreed to be named in the public participation
-- list; nobody is named without it.
ALTER TABLE donors ADD COLUMN consent_public INTEGER NOT NULL DEFAULT 0
	CHECK (consent_public IN (0, 1));
