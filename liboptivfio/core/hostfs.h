/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the host's file system through the context's root.
 *
 * Every absolute host path (/sys, /proc, /etc, /dev) the library touches
 * goes through ov_host_path(), so a fixture tree given with --root stands
 * in for the whole host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ov_ctx;

/*
 * Format an absolute host path and prefix it with the root.  Refuses (with
 * -EINVAL) a result that has a ".." component, so arguments spliced into a
 * path (a BDF, a domain name) cannot walk out of the tree; -ENAMETOOLONG if
 * it does not fit.
 */
int ov_host_path(struct ov_ctx *ctx, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Read a small text attribute (sysfs style) at an already resolved path:
 * the first line without its newline. -ENOENT etc. from open/read; the
 * context message names the path.
 */
int ov_read_attr(struct ov_ctx *ctx, const char *path, char *buf, size_t size);

/* Same, parsed as an unsigned number in base 0 (0x.. hex, else decimal). */
int ov_read_attr_u64(struct ov_ctx *ctx, const char *path, uint64_t *ret);

/*
 * Read the target of a symlink and return its last component (the driver
 * name of "driver", the group number of "iommu_group").
 */
int ov_read_link_name(struct ov_ctx *ctx, const char *path, char *buf, size_t size);

bool ov_path_exists(const char *path);

/*
 * Under a --root tree, does @path (a path below the root, existing or to
 * be created) stay inside it once every symlink on the way is followed?
 * Its deepest existing ancestor (or itself) is resolved; 0 when inside or
 * on the real host, else -EXDEV with a message naming where it leads. A
 * write checks this first, so a link in a hostile tree cannot send it to
 * the real host's files.
 */
int ov_host_path_inside(struct ov_ctx *ctx, const char *path);
