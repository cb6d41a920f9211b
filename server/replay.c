/*
 * Idempotent writes: a request keyed by a client_id that is retried (the
 * till lost the answer) gets the first answer, never a second effect.
 */
#include <string.h>

#include "server.h"

/*
 * found is the result of looking the client_id up (DB_OK: an earlier row
 * whose request hash is had; DB_NONE: none). same says the earlier row's
 * keys outside the body (a path's id, a kind) match this request's; 1
 * where there are none. Sets *replayed when the caller should answer
 * with the earlier row. Returns 0, or -1 with f set: the client_id came
 * with another body, or the lookup failed.
 */
int
replay_check(int found, const unsigned char *had, const unsigned char *now,
    int same, const char *client_id, int *replayed, struct fault *f)
{
	*replayed = 0;
	if (found == DB_NONE)
		return 0;
	if (found != DB_OK)
		return fault_db(f, found);
	if (!same || memcmp(had, now, 32) != 0)
		return fault_field(f, FAULT_CONFLICT, "client_id_reused",
		    "client_id",
		    "client_id %s was used before with another body",
		    client_id);
	*replayed = 1;
	return 0;
}
