/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by the cmocka unit tests. */
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "core/ctx.h"
#include "core/fileio.h"

/* A fresh directory under $BUILDDIR (or /tmp) for one test; caller frees. */
static inline char *tu_tempdir(void)
{
	const char *base = getenv("BUILDDIR");
	char *dir;

	if (!base)
		base = "/tmp";
	if (asprintf(&dir, "%s/tmp-test-XXXXXX", base) < 0)
		abort();
	if (!mkdtemp(dir))
		abort();
	return dir;
}

static inline void tu_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static inline void tu_rm_rf(const char *dir)
{
	char *cmd;

	if (asprintf(&cmd, "rm -rf '%s'", dir) < 0)
		abort();
	if (system(cmd) != 0)
		abort();
	free(cmd);
}

/* A ROM from $SHARED/data/roms (the real VBIOS images; never copied into the repo). */
static inline uint8_t *tu_load_shared_rom(const char *name, size_t *len)
{
	const char *shared = getenv("SHARED");
	struct ov_ctx *ctx;
	uint8_t *data = NULL;
	char path[4096];

	assert_non_null(shared);
	snprintf(path, sizeof(path), "%s/data/roms/%s", shared, name);
	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	assert_int_equal(ov_read_file(ctx, path, &data, len), 0);
	ov_ctx_free(ctx);
	return data;
}
