// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rom/validate.c also holds ov_rom_device_ids(), which reads the ids from
 * Linux sysfs through hostfs. The .exe takes the ids from SetupAPI and
 * never calls it; these two stand in for the Linux-only file access so the
 * shared file links unchanged.
 */
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>

int ov_host_path(struct ov_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
{
	return ov_ctx_fail(ctx, ENOSYS, "no sysfs on Windows");
}

int ov_read_attr_u64(struct ov_ctx *ctx, const char *path, uint64_t *ret)
{
	return ov_ctx_fail(ctx, ENOSYS, "no sysfs on Windows");
}
