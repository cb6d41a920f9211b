/*
 * fault_vfs.so: see fault_vfs.h. Preloaded into cishan-server by the
 * fault-injection tests only. Its sqlite3_open_v2 installs, before the
 * first connection opens, a VFS that wraps the default one and passes
 * everything through, but for the operation the control file names: the
 * nth of those (counted on the thread that opened the first connection,
 * the serving one; the checkpoint thread is left alone) fails once, with
 * SQLITE_FULL or an SQLITE_IOERR, as a full or failing disk would.
 */
#include <sys/mman.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "fault_vfs.h"

struct fault_file {
	sqlite3_file base;
	sqlite3_file *real; /* the default VFS's file, just after this */
};

static sqlite3_vfs fault_vfs, *fault_real;
static struct fault_ctl *fault_ctl;
static pthread_t fault_thread;

/* 1 if this operation is the one to fail. */
static int
fault_hit(int op)
{
	struct fault_ctl *c = fault_ctl;

	if (c == NULL || c->op == FAULT_OP_NONE ||
	    !pthread_equal(pthread_self(), fault_thread))
		return 0;
	if (c->op != FAULT_OP_ANY && c->op != op)
		return 0;
	c->count++;
	if (c->n == 0 || c->count != c->n)
		return 0;
	c->fired++;
	if (getenv("FAULT_VFS_TRACE") != NULL) {
		static const char *const names[] = {
		    "none", "write", "sync", "truncate", "lock", "any"};

		fprintf(stderr, "fault_vfs: %s %d fails\n", names[op], c->n);
	}
	return 1;
}

static int
fault_err(int io)
{
	return fault_ctl->err == FAULT_ERR_FULL ? SQLITE_FULL : io;
}

#define REAL(f) (((struct fault_file *)(f))->real)

static int
fault_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
fault_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
fault_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_hit(FAULT_OP_WRITE))
		return fault_err(SQLITE_IOERR_WRITE);
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
fault_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fault_hit(FAULT_OP_TRUNCATE))
		return fault_err(SQLITE_IOERR_TRUNCATE);
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
fault_sync(sqlite3_file *f, int flags)
{
	if (fault_hit(FAULT_OP_SYNC))
		return SQLITE_IOERR_FSYNC; /* fsync has no ENOSPC of its own */
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
fault_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
fault_lock(sqlite3_file *f, int level)
{
	if (level == SQLITE_LOCK_EXCLUSIVE && fault_hit(FAULT_OP_LOCK))
		return SQLITE_IOERR_LOCK;
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
fault_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
fault_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
fault_fcntl(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
fault_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
fault_devchar(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
fault_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
fault_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	/* The writer's, the checkpointer's and recovery's locks (slots 0
	 * to 2), not a reader's mark: a write's lock, not a read's. */
	if ((flags & SQLITE_SHM_LOCK) && (flags & SQLITE_SHM_EXCLUSIVE) &&
	    off <= 2 && fault_hit(FAULT_OP_LOCK))
		return SQLITE_IOERR_SHMLOCK;
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void
fault_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
fault_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int
fault_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}

static int
fault_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods fault_io = {3, fault_close, fault_read,
    fault_write, fault_truncate, fault_sync, fault_size, fault_lock,
    fault_unlock, fault_reserved, fault_fcntl, fault_sector, fault_devchar,
    fault_shm_map, fault_shm_lock, fault_shm_barrier, fault_shm_unmap,
    fault_fetch, fault_unfetch};

static int
fault_open(
    sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct fault_file *ff = (struct fault_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = fault_real->xOpen(fault_real, name, ff->real, flags, out);
	/* Without methods sqlite does not close it: neither may we. */
	f->pMethods = ff->real->pMethods != NULL ? &fault_io : NULL;
	return rc;
}

/* The rest of the VFS is the default one's. */
static int
fault_delete(sqlite3_vfs *v, const char *name, int sync)
{
	(void)v;
	return fault_real->xDelete(fault_real, name, sync);
}

static int
fault_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	(void)v;
	return fault_real->xAccess(fault_real, name, flags, out);
}

static int
fault_full(sqlite3_vfs *v, const char *name, int n, char *out)
{
	(void)v;
	return fault_real->xFullPathname(fault_real, name, n, out);
}

static int
fault_random(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return fault_real->xRandomness(fault_real, n, out);
}

static int
fault_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return fault_real->xSleep(fault_real, us);
}

static int
fault_time(sqlite3_vfs *v, double *out)
{
	(void)v;
	return fault_real->xCurrentTime(fault_real, out);
}

static int
fault_lasterr(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return fault_real->xGetLastError(fault_real, n, out);
}

static int
fault_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	(void)v;
	return fault_real->xCurrentTimeInt64(fault_real, out);
}

static void
fault_install(void)
{
	const char *path = getenv("FAULT_VFS_CTL");
	void *p;
	int fd;

	if (path == NULL || (fault_real = sqlite3_vfs_find(NULL)) == NULL)
		return;
	if ((fd = open(path, O_RDWR)) < 0)
		return;
	p = mmap(NULL, sizeof(*fault_ctl), PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return;
	fault_ctl = p;
	fault_thread = pthread_self();
	fault_vfs.iVersion = 2;
	fault_vfs.szOsFile =
	    (int)sizeof(struct fault_file) + fault_real->szOsFile;
	fault_vfs.mxPathname = fault_real->mxPathname;
	fault_vfs.zName = "fault";
	fault_vfs.xOpen = fault_open;
	fault_vfs.xDelete = fault_delete;
	fault_vfs.xAccess = fault_access;
	fault_vfs.xFullPathname = fault_full;
	fault_vfs.xRandomness = fault_random;
	fault_vfs.xSleep = fault_sleep;
	fault_vfs.xCurrentTime = fault_time;
	fault_vfs.xGetLastError = fault_lasterr;
	fault_vfs.xCurrentTimeInt64 = fault_time64;
	sqlite3_vfs_register(&fault_vfs, 1);
}

/* The server's first open installs the VFS: after its sqlite3_config. */
int
sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	static int (*real)(const char *, sqlite3 **, int, const char *);

	pthread_once(&once, fault_install);
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_open_v2");
	return real(name, db, flags, vfs);
}
