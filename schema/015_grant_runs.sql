-- Which months' grant has run: a row per period, written by the first
-- real run in the transaction of its grants, and never changed; by whom
-- as the audit log names them ('system', user_id NULL: the server's own
-- run). A run that granted nobody still marks its month, which the
-- transfers alone could not tell.
CREATE TABLE grant_runs (
	period   TEXT PRIMARY KEY,
	ran_at   INTEGER NOT NULL,
	user_id  INTEGER REFERENCES users(id),
	username TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER grant_runs_no_update BEFORE UPDATE ON grant_runs
BEGIN SELECT RAISE(ABORT, 'grant runs are immutable'); END;
CREATE TRIGGER grant_runs_no_delete BEFORE DELETE ON grant_runs
BEGIN SELECT RAISE(ABORT, 'grant runs are immutable'); END;

-- The months granted before this table: the first grant of each marks it.
INSERT INTO grant_runs(period, ran_at, user_id, username)
SELECT g.period, g.at, g.user_id, coalesce(u.username, 'system')
  FROM (SELECT period, min(at) AS at, user_id FROM transfers
         WHERE kind = 'grant_monthly' AND period IS NOT NULL
         GROUP BY period) g
  LEFT JOIN users u ON u.id = g.user_id;

-- What a month's grant gave, read by period without a scan of every
-- transfer; only grant rows enter it, so a redemption does not pay for it.
CREATE INDEX transfers_grant_period ON transfers(period, amount)
	WHERE kind = 'grant_monthly';
