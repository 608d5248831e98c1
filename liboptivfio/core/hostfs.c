// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/hostfs.h"
#include "core/ctx.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool has_dotdot_component(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2) {
		bool starts = s == p || s[-1] == '/';
		bool ends = s[2] == '\0' || s[2] == '/';

		if (starts && ends)
			return true;
	}
	return false;
}

int ov_host_path(struct ov_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
{
	char rel[PATH_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rel, sizeof(rel), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(rel))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "path too long");
	if (rel[0] != '/')
		return ov_ctx_fail(ctx, EINVAL, "%s: not an absolute path", rel);
	if (has_dotdot_component(rel))
		return ov_ctx_fail(ctx, EINVAL, "%s: path leaves its directory", rel);

	n = snprintf(buf, size, "%s%s", ov_ctx_root(ctx), rel);
	if (n < 0 || (size_t)n >= size)
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: path too long", rel);
	return 0;
}

int ov_read_attr(struct ov_ctx *ctx, const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd, err;

	if (size == 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	do {
		n = read(fd, buf, size - 1);
	} while (n < 0 && errno == EINTR);
	err = errno;
	close(fd);
	if (n < 0)
		return ov_ctx_fail(ctx, err, "%s: %s", path, strerror(err));

	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int ov_read_attr_u64(struct ov_ctx *ctx, const char *path, uint64_t *ret)
{
	char buf[64], *end;
	unsigned long long v;
	int r;

	r = ov_read_attr(ctx, path, buf, sizeof(buf));
	if (r < 0)
		return r;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf || *end != '\0')
		return ov_ctx_fail(ctx, EINVAL, "%s: not a number: \"%s\"", path, buf);
	*ret = v;
	return 0;
}

int ov_read_link_name(struct ov_ctx *ctx, const char *path, char *buf, size_t size)
{
	char target[PATH_MAX];
	const char *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	target[n] = '\0';
	while (n > 1 && target[n - 1] == '/')
		target[--n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (!*base || strlen(base) >= size)
		return ov_ctx_fail(ctx, EINVAL, "%s: unexpected link target \"%s\"", path, target);
	memcpy(buf, base, strlen(base) + 1);
	return 0;
}

bool ov_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int ov_host_path_inside(struct ov_ctx *ctx, const char *path)
{
	const char *root = ov_ctx_root(ctx);
	char probe[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(root);
	char *slash;

	if (!*root)
		return 0;
	if (snprintf(probe, sizeof(probe), "%s", path) >= (int)sizeof(probe))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: path too long", path);
	/* What does not exist yet is created below its deepest existing ancestor. */
	while (!realpath(probe, real)) {
		slash = strrchr(probe, '/');
		if (!slash || slash == probe)
			return ov_ctx_fail(ctx, EXDEV, "%s: not below the root %s", path, root);
		*slash = '\0';
	}
	if (strncmp(real, root, n) == 0 && (real[n] == '/' || real[n] == '\0'))
		return 0;
	return ov_ctx_fail(ctx, EXDEV, "%s: leads out of the root %s (to %s)", path, root, real);
}
