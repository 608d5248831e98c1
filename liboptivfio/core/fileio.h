/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whole-file input and atomic output for the user's own files (ROMs,
 * tables, XML). Host paths go through hostfs.h instead.
 */
#pragma once

#include <stdbool.h>

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ov_ctx;

/* Refuse inputs larger than this: no ROM, table or domain XML is near it. */
#define OV_FILE_MAX (64u << 20)

/*
 * Read a whole regular file (or pipe) into a malloc'd buffer. The buffer
 * gets one extra NUL byte after *len, so text parsers can use it as is.
 */
int ov_read_file(struct ov_ctx *ctx, const char *path, uint8_t **data, size_t *len);

/*
 * Write @len bytes to @path atomically: a temporary file in the same
 * directory, fsync, rename. On any failure the temporary file is removed
 * and an existing @path is left as it was.
 */
int ov_write_file_atomic(struct ov_ctx *ctx, const char *path,
			 const void *data, size_t len, mode_t mode);

/* Do @a and @b name the same existing file (device and inode)? */
bool ov_same_file(const char *a, const char *b);
