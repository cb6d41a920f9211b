/*
 * fault_vfs: an sqlite VFS for tests that makes the Nth write, sync,
 * truncate or lock of the serving thread fail. The server never carries
 * it: a test starts the server with LD_PRELOAD=build/tests/fault_vfs.so
 * and FAULT_VFS_CTL=FILE, and steers it through FILE, a struct fault_ctl
 * both processes map (MAP_SHARED).
 */
#ifndef FAULT_VFS_H
#define FAULT_VFS_H

enum fault_op {
	FAULT_OP_NONE,     /* count nothing, fail nothing */
	FAULT_OP_WRITE,    /* xWrite */
	FAULT_OP_SYNC,     /* xSync */
	FAULT_OP_TRUNCATE, /* xTruncate */
	FAULT_OP_LOCK,     /* xLock, and xShmLock's writer locks */
	FAULT_OP_ANY       /* any of them */
};

enum fault_err {
	FAULT_ERR_FULL, /* ENOSPC: SQLITE_FULL */
	FAULT_ERR_IO    /* EIO: SQLITE_IOERR_* */
};

struct fault_ctl {
	volatile int op;    /* enum fault_op counted */
	volatile int n;     /* fail the nth counted (1-based); 0: only count */
	volatile int err;   /* enum fault_err */
	volatile int count; /* operations counted since armed */
	volatile int fired; /* faults injected in all */
};

#endif
