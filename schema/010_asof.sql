-- What the public sees of the months not yet published: the figures as
-- they stood at the start of the day (store time). Were they live,
-- someone who saw a household at the till could read its category and
-- size off the change in the notice. The day's first write copies the
-- figures here before it adds its own (notice_freeze), and notes the day
-- and the last chain row and stock movement then, which bound the ledger
-- head and the donation traces the public sees.
CREATE TABLE stats_asof (
	period TEXT NOT NULL,
	metric TEXT NOT NULL,
	k1     TEXT NOT NULL DEFAULT '',
	k2     TEXT NOT NULL DEFAULT '',
	qty    INTEGER NOT NULL DEFAULT 0,
	value  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (period, metric, k1, k2)
) WITHOUT ROWID;
CREATE TABLE served_asof (
	period     TEXT NOT NULL,
	category   TEXT NOT NULL,
	households INTEGER NOT NULL,
	persons    INTEGER NOT NULL,
	PRIMARY KEY (period, category)
) WITHOUT ROWID;
CREATE TABLE asof (
	one         INTEGER PRIMARY KEY CHECK (one = 1),
	day         TEXT NOT NULL,
	chain_seq   INTEGER NOT NULL,
	movement_id INTEGER NOT NULL
);
