// SPDX-License-Identifier: GPL-2.0-or-later
#include "testutil.h"
#include "core/ctx.h"
#include "core/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>

static size_t count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void atomic_write_replaces_whole_file(void **state)
{
	char *dir = tu_tempdir(), path[PATH_MAX];
	struct ov_ctx *ctx;
	uint8_t *data;
	size_t len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/out.bin", dir);
	tu_write(path, "old contents", 12);
	assert_int_equal(ov_write_file_atomic(ctx, path, "new", 3, 0644), 0);
	assert_int_equal(ov_read_file(ctx, path, &data, &len), 0);
	assert_int_equal(len, 3);
	assert_memory_equal(data, "new", 3);
	assert_int_equal(data[3], 0);	/* NUL after the data */
	free(data);
	assert_int_equal(count_entries(dir), 1);	/* no temporary left */
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

static void failed_write_leaves_no_trace(void **state)
{
	char *dir = tu_tempdir(), path[PATH_MAX];
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/no/such/dir/out.bin", dir);
	assert_int_equal(ov_write_file_atomic(ctx, path, "x", 1, 0644), -ENOENT);
	assert_non_null(strstr(ov_ctx_error(ctx), "out.bin"));

	/* Renaming over a directory fails after the temp file was written. */
	snprintf(path, sizeof(path), "%s/adir", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_true(ov_write_file_atomic(ctx, path, "x", 1, 0644) < 0);
	assert_int_equal(count_entries(dir), 1);
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

static void read_file_errors(void **state)
{
	struct ov_ctx *ctx;
	uint8_t *data;
	size_t len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	assert_int_equal(ov_read_file(ctx, "/nonexistent/x.rom", &data, &len), -ENOENT);
	assert_string_equal(ov_ctx_error(ctx), "/nonexistent/x.rom: No such file or directory");
	assert_int_equal(ov_read_file(ctx, "/", &data, &len), -EISDIR);
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(atomic_write_replaces_whole_file),
		cmocka_unit_test(failed_write_leaves_no_trace),
		cmocka_unit_test(read_file_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
