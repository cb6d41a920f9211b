/*
 * The reserve: PATH.reserve, a file whose blocks are really allocated
 * (posix_fallocate, not a sparse file), held while the disk has room and
 * given back when it fills, so that a checkpoint can still grow the
 * database and fold the log back. Only the files here; when to make and
 * release it is db_wal.c's. No sqlite: plain file system calls.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "db.h"

/* Makes path hold exactly bytes of allocated blocks; 0, or -1 (errno
 * set) with no partial file left to take the space it could not have. */
int
db_reserve_make(const char *path, int64_t bytes)
{
	struct stat sb;
	int fd, err;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return -1;
	if ((err = posix_fallocate(fd, 0, (off_t)bytes)) != 0)
		goto fail;
	if (fstat(fd, &sb) != 0) {
		err = errno;
		goto fail;
	}
	if (sb.st_size > bytes && ftruncate(fd, (off_t)bytes) != 0) {
		err = errno;
		goto fail;
	}
	if (close(fd) != 0) {
		err = errno;
		unlink(path);
		errno = err;
		return -1;
	}
	return 0;
fail:
	close(fd);
	unlink(path);
	errno = err;
	return -1;
}

/* Gives the reserve's blocks back; 0 once it is gone (or was). */
int
db_reserve_free(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

/* 1 if the file system of path has bytes free for an unprivileged
 * writer, 0 if not or unknown. */
int
db_reserve_room(const char *path, int64_t bytes)
{
	struct statvfs sv;

	if (statvfs(path, &sv) != 0)
		return 0;
	return (int64_t)sv.f_bavail >= bytes / (int64_t)sv.f_frsize + 1;
}
