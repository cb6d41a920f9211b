/*
 * Whether this thread's last database failure was the storage's (a full
 * disk, an I/O error, a file gone read-only, a lock not had) rather than
 * the request's. Then nothing was written and the same write may succeed
 * later: fault_db answers it 503, not 500. Apart from db.c, and free of
 * sqlite, so that what links fault.c needs nothing more.
 */
#include "db.h"

static _Thread_local int db_storage_last;

void
db_storage_note(int storage)
{
	db_storage_last = storage;
}

int
db_storage_failed(void)
{
	return db_storage_last;
}
