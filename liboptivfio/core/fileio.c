// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/fileio.h"
#include "core/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int ov_read_file(struct ov_ctx *ctx, const char *path, uint8_t **data, size_t *len)
{
	uint8_t *buf = NULL, *nbuf;
	size_t cap = 0, used = 0;
	struct stat st;
	int fd, err;

	/*
	 * O_NONBLOCK: opening a FIFO for reading would wait for a writer;
	 * every input optivfio reads (ROMs, XML, sysfs and procfs files) is a
	 * regular file, anything else is refused before a read can hang.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	err = fstat(fd, &st) < 0 ? errno : 0;
	if (err || !S_ISREG(st.st_mode)) {
		close(fd);
		if (!err && S_ISDIR(st.st_mode))
			err = EISDIR;
		return ov_ctx_fail(ctx, err ? err : EINVAL, "%s: %s", path,
				   err ? strerror(err) : "not a regular file");
	}

	for (;;) {
		ssize_t n;

		if (cap - used < 4096 + 1) {
			cap = cap ? cap * 2 : 65536;
			if (cap > OV_FILE_MAX + 65536) {
				err = EFBIG;
				goto fail;
			}
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				err = ENOMEM;
				goto fail;
			}
			buf = nbuf;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			goto fail;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > OV_FILE_MAX) {
			err = EFBIG;
			goto fail;
		}
	}
	close(fd);
	if (!buf) {
		buf = malloc(1);
		if (!buf)
			return ov_ctx_fail(ctx, ENOMEM, "%s: %s", path, strerror(ENOMEM));
	}
	buf[used] = 0;
	*data = buf;
	*len = used;
	return 0;

fail:
	close(fd);
	free(buf);
	return ov_ctx_fail(ctx, err, "%s: %s", path, strerror(err));
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ov_write_file_atomic(struct ov_ctx *ctx, const char *path,
			 const void *data, size_t len, mode_t mode)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: path too long", path);

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: cannot create a file next to it: %s",
				   path, strerror(errno));

	r = write_all(fd, data, len);
	if (r == 0 && fchmod(fd, mode) < 0)
		r = -errno;
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return ov_ctx_fail(ctx, -r, "%s: %s", path, strerror(-r));
	}
	return 0;
}

bool ov_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}
