/*
 * cishan-server verify: every invariant the database holds, each breach
 * named on its own line. Exit status is the caller's: 0 when none.
 */
#include <stdio.h>

#include "server.h"

static void
verify_print(const char *msg, void *arg)
{
	(void)arg;
	printf("violation: %s\n", msg);
}

/* Returns the number of violations, or -1 when the checks could not run. */
int
verify_run(struct db *db, int quiet)
{
	int have, know, n, total = 0;

	if (db_schema_version(db, &have, &know) != DB_OK)
		return -1;
	if (have != know) {
		printf("violation: migrations incomplete: database at %d, "
		       "program at %d\n",
		    have, know);
		total++;
	}
	if ((n = db_verify_integrity(db, verify_print, NULL)) < 0)
		return -1;
	total += n;
	if ((n = db_verify_goods(db, verify_print, NULL)) < 0)
		return -1;
	total += n;
	if ((n = db_verify_points(db, verify_print, NULL)) < 0)
		return -1;
	total += n;
	if ((n = db_verify_distributions(db, verify_print, NULL)) < 0)
		return -1;
	total += n;
	/* The chain arrives with migration 4; older files are flagged above. */
	if (have >= 4) {
		if ((n = db_verify_chain(db, verify_print, NULL)) < 0)
			return -1;
		total += n;
	}
	/* Offline conflicts arrive with migration 16. */
	if (have >= 16) {
		if ((n = db_verify_conflicts(db, verify_print, NULL)) < 0)
			return -1;
		total += n;
	}
	/* Sales and the operating line arrive with migration 19. */
	if (have >= 19) {
		if ((n = db_verify_operating(db, verify_print, NULL)) < 0)
			return -1;
		total += n;
	}
	if (!quiet)
		printf("%s: %d violation%s\n", total ? "FAILED" : "ok", total,
		    total == 1 ? "" : "s");
	return total;
}
