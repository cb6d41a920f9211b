-- Indexes the till's answer and verify need: the movements of a
-- distribution line (its lot ids), and the transfers of an account.
CREATE INDEX movements_ref ON movements(ref_id, kind);
CREATE INDEX transfers_debit ON transfers(debit_account);
CREATE INDEX transfers_credit ON transfers(credit_account);
