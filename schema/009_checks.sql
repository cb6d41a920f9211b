-- The ledger's rows keep their CHECKs, written so that checking them
-- costs nothing. sqlite evaluates "x IN (three or more constants)" by
-- building a throw-away b-tree each time the statement runs, and an
-- INSERT ... SELECT into a table with triggers first copies its rows
-- into another: a basket paid for some twenty of them (about a quarter
-- of its instructions). The same CHECKs as comparisons build none, and
-- the per-period figures' overflow guard becomes a CHECK instead of a
-- trigger.
--
-- Rewriting a CHECK into an equivalent one leaves every stored row
-- valid, so this uses sqlite's in-place procedure for constraint changes
-- (writable_schema; see "Making Other Kinds Of Table Schema Changes" in
-- sqlite's ALTER TABLE documentation). RESET makes this connection
-- parse the new text; the DROP TRIGGERs bump the schema cookie for any
-- other. The last statement fails the migration if a rewrite missed.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (kind IN (''receive'', ''distribute'', ''void'', ''adjust''))',
	'CHECK (kind = ''receive'' OR kind = ''distribute'' OR
	         kind = ''void'' OR kind = ''adjust'')')
 WHERE type = 'table' AND name = 'movements';
UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
	'CHECK (kind IN (''household'', ''grant_policy'',
	             ''grant_oneoff'', ''redeemed'', ''expired''))',
	'CHECK (kind = ''household'' OR kind = ''grant_policy'' OR
	             kind = ''grant_oneoff'' OR kind = ''redeemed'' OR
	             kind = ''expired'')'),
	'(kind IN (''grant_policy'', ''grant_oneoff'') AND balance <= 0)',
	'((kind = ''grant_policy'' OR kind = ''grant_oneoff'') AND
	        balance <= 0)'),
	'(kind NOT IN (''grant_policy'', ''grant_oneoff'') AND balance >= 0)',
	'(kind <> ''grant_policy'' AND kind <> ''grant_oneoff'' AND
	        balance >= 0)')
 WHERE type = 'table' AND name = 'accounts';
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (kind IN (''grant_monthly'',
	               ''grant_oneoff'', ''redeem'', ''void'', ''expire''))',
	'CHECK (kind = ''grant_monthly'' OR
	               kind = ''grant_oneoff'' OR kind = ''redeem'' OR
	               kind = ''void'' OR kind = ''expire'')')
 WHERE type = 'table' AND name = 'transfers';
UPDATE sqlite_schema SET sql = replace(sql,
	'CHECK (kind IN (''movement'', ''transfer'',
	       ''fund_entry''))',
	'CHECK (kind = ''movement'' OR kind = ''transfer'' OR
	       kind = ''fund_entry'')')
 WHERE type = 'table' AND name = 'chain';
UPDATE sqlite_schema SET sql = replace(sql,
	'	PRIMARY KEY (period, metric, k1, k2)',
	'	CHECK (typeof(qty) = ''integer'' AND typeof(value) = ''integer''),
	PRIMARY KEY (period, metric, k1, k2)')
 WHERE type = 'table' AND name = 'stats';
PRAGMA writable_schema = RESET;

-- A figure that would overflow turns into a REAL, which the CHECK above
-- refuses, aborting the transaction as these triggers did.
DROP TRIGGER stats_integer_insert;
DROP TRIGGER stats_integer_update;

CREATE TEMP TABLE migration_009 (missed INTEGER CHECK (missed = 0));
INSERT INTO migration_009
SELECT count(*) FROM sqlite_schema
 WHERE type = 'table'
   AND name IN ('movements', 'accounts', 'transfers', 'chain', 'stats')
   AND (sql LIKE '% IN (%' OR (name = 'stats' AND sql NOT LIKE '%typeof%'));
DROP TABLE migration_009;
