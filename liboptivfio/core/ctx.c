// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/ctx.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct ov_ctx {
	char root[PATH_MAX];	/* "" = real host; never ends in '/' */
	char error[1024];
};

int ov_ctx_new(const char *root, struct ov_ctx **ret, char *errbuf, size_t errlen)
{
	struct ov_ctx *ctx;
	char resolved[PATH_MAX];
	struct stat st;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;

	if (root && *root && strcmp(root, "/") != 0) {
		/*
		 * Resolve once so that later paths are plain prefixes and a
		 * relative --root keeps working after a chdir.
		 */
		if (!realpath(root, resolved) || stat(resolved, &st) < 0) {
			int err = errno;

			if (errbuf)
				snprintf(errbuf, errlen, "--root %s: %s", root, strerror(err));
			free(ctx);
			return -err;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (errbuf)
				snprintf(errbuf, errlen, "--root %s: %s", root, strerror(ENOTDIR));
			free(ctx);
			return -ENOTDIR;
		}
		if (strcmp(resolved, "/") != 0)
			snprintf(ctx->root, sizeof(ctx->root), "%s", resolved);
	}

	*ret = ctx;
	return 0;
}

void ov_ctx_free(struct ov_ctx *ctx)
{
	free(ctx);
}

const char *ov_ctx_root(const struct ov_ctx *ctx)
{
	return ctx->root;
}

int ov_ctx_vfail(struct ov_ctx *ctx, int err, const char *fmt, va_list ap)
{
	vsnprintf(ctx->error, sizeof(ctx->error), fmt, ap);
	return err > 0 ? -err : (err < 0 ? err : -EIO);
}

int ov_ctx_fail(struct ov_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ov_ctx_vfail(ctx, err, fmt, ap);
	va_end(ap);
	return r;
}

void ov_ctx_prefix(struct ov_ctx *ctx, const char *fmt, ...)
{
	char prefix[256], old[sizeof(ctx->error)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, ctx->error, sizeof(old));
	snprintf(ctx->error, sizeof(ctx->error), "%s: %s", prefix, old);
}

const char *ov_ctx_error(const struct ov_ctx *ctx)
{
	return ctx->error;
}

void ov_ctx_clear_error(struct ov_ctx *ctx)
{
	ctx->error[0] = '\0';
}
