/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A growing NULL-terminated string vector for the argv and line outputs.
 * The first failed allocation makes every later push a no-op and
 * ovs_finish() report ENOMEM, so builders need no check per element.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ov_ctx;

struct ovs {
	char **v;
	size_t n;
	bool failed;
};

void ovs_push(struct ovs *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append an option value with commas doubled (QEMU's escaping) after @prefix. */
void ovs_push_escaped(struct ovs *s, const char *prefix, const char *value);
/* @value QEMU-escaped (malloc'd), or NULL with the vector marked failed. */
char *ovs_escape(struct ovs *s, const char *value);
/* Hand the vector over (0), or free it and fail with ENOMEM. */
int ovs_finish(struct ov_ctx *ctx, struct ovs *s, char ***ret, size_t *n);
