-- A void takes its goods back out of the period they were handed out in,
-- and a household whose only distribution of that period was voided was
-- not served in it.
DROP TRIGGER stats_voids;
CREATE TRIGGER stats_voids AFTER INSERT ON voids
BEGIN
	INSERT INTO stats(period, metric, k1, k2, qty, value)
	SELECT d.period, 'distributed', i.category, h.category,
	       -sum(l.quantity), -sum(l.value_fen)
	  FROM distribution_lines l JOIN distributions d
	    ON d.id = l.distribution_id JOIN items i ON i.id = l.item_id
	  JOIN households h ON h.id = d.household_id
	 WHERE l.distribution_id = NEW.distribution_id
	 GROUP BY d.period, i.category, h.category
	ON CONFLICT(period, metric, k1, k2) DO UPDATE SET
		qty = qty + excluded.qty, value = value + excluded.value;
	DELETE FROM served
	 WHERE (period, household_id) = (SELECT period, household_id
	         FROM distributions WHERE id = NEW.distribution_id)
	   AND NOT EXISTS (SELECT 1 FROM distributions d
	         WHERE d.household_id = served.household_id
	           AND d.period = served.period
	           AND NOT EXISTS (SELECT 1 FROM voids v
	                 WHERE v.distribution_id = d.id));
END;
