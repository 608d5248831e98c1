/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The library context: the root that every absolute host path resolves
 * under (--root) and the last error message.
 *
 * Library rule (systemd's): functions return 0 or a negative errno and
 * never print; on failure they leave one line in the context saying what
 * failed and why, which the CLI prints as "optivfio: <message>".
 */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct ov_ctx;

/*
 * Create a context. @root is the directory that stands in for "/" (NULL,
 * "" or "/" mean the real host). The root must exist and be a directory.
 * On failure returns a negative errno and, when @errbuf is given, a
 * message there.
 */
int ov_ctx_new(const char *root, struct ov_ctx **ret, char *errbuf, size_t errlen);
void ov_ctx_free(struct ov_ctx *ctx);

/* "" when the context reads the real host, else the absolute root. */
const char *ov_ctx_root(const struct ov_ctx *ctx);

/* Record an error message; returns -@err (pass a positive errno). */
int ov_ctx_fail(struct ov_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int ov_ctx_vfail(struct ov_ctx *ctx, int err, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* Prefix the recorded message with "<what>: " (adds context on the way up). */
void ov_ctx_prefix(struct ov_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The last message ("" if none). */
const char *ov_ctx_error(const struct ov_ctx *ctx);
void ov_ctx_clear_error(struct ov_ctx *ctx);
