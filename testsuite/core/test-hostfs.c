// SPDX-License-Identifier: GPL-2.0-or-later
#include "testutil.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>
#include <limits.h>

static void root_prefixes_absolute_paths(void **state)
{
	char *dir = tu_tempdir(), path[PATH_MAX], want[PATH_MAX];
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(dir, &ctx, NULL, 0), 0);
	assert_int_equal(ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s", "0000:01:00.0"), 0);
	snprintf(want, sizeof(want), "%s/sys/bus/pci/devices/0000:01:00.0", dir);
	assert_string_equal(path, want);
	ov_ctx_free(ctx);

	assert_int_equal(ov_ctx_new("/", &ctx, NULL, 0), 0);
	assert_int_equal(ov_host_path(ctx, path, sizeof(path), "/proc/cmdline"), 0);
	assert_string_equal(path, "/proc/cmdline");
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

static void refuses_paths_that_escape(void **state)
{
	static const char *bad[] = { "../../etc/passwd", "..", "a/../b", "x/.." };
	struct ov_ctx *ctx;
	char path[PATH_MAX];

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s", bad[i]), -EINVAL);
	/* Names that merely contain dots are fine. */
	assert_int_equal(ov_host_path(ctx, path, sizeof(path), "/sys/%s", "a..b/...c"), 0);
	assert_int_equal(ov_host_path(ctx, path, sizeof(path), "relative"), -EINVAL);
	ov_ctx_free(ctx);
}

static void missing_root_is_an_error(void **state)
{
	struct ov_ctx *ctx;
	char err[256];

	assert_int_equal(ov_ctx_new("/nonexistent/optivfio-root", &ctx, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "--root /nonexistent/optivfio-root"));
	assert_int_equal(ov_ctx_new("/etc/hostname", &ctx, err, sizeof(err)), -ENOTDIR);
}

static void reads_attributes_and_links(void **state)
{
	char *dir = tu_tempdir(), path[PATH_MAX], buf[64];
	struct ov_ctx *ctx;
	uint64_t v;

	assert_int_equal(ov_ctx_new(dir, &ctx, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/attr", dir);
	tu_write(path, "0x10de\nrest\n", 12);
	assert_int_equal(ov_read_attr(ctx, path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0x10de");
	assert_int_equal(ov_read_attr_u64(ctx, path, &v), 0);
	assert_int_equal(v, 0x10de);

	tu_write(path, "garbage\n", 8);
	assert_int_equal(ov_read_attr_u64(ctx, path, &v), -EINVAL);
	assert_non_null(strstr(ov_ctx_error(ctx), "not a number"));

	snprintf(path, sizeof(path), "%s/driver", dir);
	assert_int_equal(symlink("../../../bus/pci/drivers/vfio-pci", path), 0);
	assert_int_equal(ov_read_link_name(ctx, path, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");

	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(ov_read_attr(ctx, path, buf, sizeof(buf)), -ENOENT);
	assert_false(ov_path_exists(path));
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(root_prefixes_absolute_paths),
		cmocka_unit_test(refuses_paths_that_escape),
		cmocka_unit_test(missing_root_is_an_error),
		cmocka_unit_test(reads_attributes_and_links),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
