// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The real ops write what the kernel's ABI says, where it says
 * (Documentation/ABI/testing/sysfs-bus-pci: driver_override, unbind, bind,
 * drivers_probe, remove, rescan; sysfs-devices-power: power/control;
 * acpi_call's and bbswitch's /proc files). Checked on a tree of plain files
 * standing in for the attributes; the lab runs the same ops on a kernel.
 */
#include "testutil.h"
#include "core/ctx.h"
#include "plan/exec.h"

#include <errno.h>
#include <limits.h>

static char *root;
static struct ov_ctx *ctx;

static void mk(const char *rel)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	assert_int_equal(system(cmd), 0);
	tu_write(path, "", 0);
}

static void expect(const char *rel, const char *want)
{
	char path[PATH_MAX], buf[256] = "";
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static int setup(void **state)
{
	char link[PATH_MAX];

	root = tu_tempdir();
	mk("sys/bus/pci/devices/0000:01:00.1/driver_override");
	mk("sys/bus/pci/drivers/snd_hda_intel/unbind");
	snprintf(link, sizeof(link), "%s/sys/bus/pci/devices/0000:01:00.1/driver", root);
	assert_int_equal(symlink("../../drivers/snd_hda_intel", link), 0);
	mk("sys/bus/pci/drivers/vfio-pci/bind");
	mk("sys/bus/pci/drivers_probe");
	mk("sys/bus/pci/rescan");
	mk("sys/bus/pci/devices/0000:01:00.0/remove");
	mk("sys/bus/pci/devices/0000:01:00.0/power/control");
	mk("proc/acpi/bbswitch");
	mk("proc/acpi/call");
	return ov_ctx_new(root, &ctx, NULL, 0);
}

static int teardown(void **state)
{
	ov_ctx_free(ctx);
	tu_rm_rf(root);
	free(root);
	return 0;
}

static void test_driver_files(void **state)
{
	const struct ov_exec_ops *o = &ov_exec_ops_sysfs;

	assert_int_equal(o->set_driver_override(ctx, "0000:01:00.1", "none"), 0);
	expect("sys/bus/pci/devices/0000:01:00.1/driver_override", "none\n");
	assert_int_equal(o->unbind(ctx, "0000:01:00.1"), 0);
	expect("sys/bus/pci/drivers/snd_hda_intel/unbind", "0000:01:00.1");
	assert_int_equal(o->bind(ctx, "0000:01:00.0", "vfio-pci"), 0);
	expect("sys/bus/pci/drivers/vfio-pci/bind", "0000:01:00.0");
	assert_int_equal(o->drivers_probe(ctx, "0000:01:00.0"), 0);
	expect("sys/bus/pci/drivers_probe", "0000:01:00.0");
	assert_int_equal(o->remove(ctx, "0000:01:00.0"), 0);
	expect("sys/bus/pci/devices/0000:01:00.0/remove", "1");
	assert_int_equal(o->rescan(ctx), 0);
	expect("sys/bus/pci/rescan", "1");
	assert_int_equal(o->set_power_control(ctx, "0000:01:00.0", "on"), 0);
	expect("sys/bus/pci/devices/0000:01:00.0/power/control", "on");
	assert_int_equal(o->bbswitch(ctx, "OFF"), 0);
	expect("proc/acpi/bbswitch", "OFF");
	/* acpi_call runs ACPI methods only on procfs (the rom module's transport
	 * refuses a plain file, so a tree is never "called"); a bad path is
	 * refused before anything is written. */
	assert_int_equal(o->acpi_call(ctx, "\\_SB_.PCI0.PEG0.PEGP._OFF"), -EOPNOTSUPP);
	assert_int_equal(o->acpi_call(ctx, "\\_SB_.PCI0 ._OFF"), -EINVAL);
	expect("proc/acpi/call", "");
}

static void test_missing_attribute(void **state)
{
	/* No driver bound: no driver/unbind file; the error names the path. */
	assert_int_equal(ov_exec_ops_sysfs.unbind(ctx, "0000:01:00.0"), -ENOENT);
	assert_non_null(strstr(ov_ctx_error(ctx), "0000:01:00.0/driver/unbind"));
}

static void test_run_program(void **state)
{
	assert_int_equal(ov_exec_ops_sysfs.run_program(ctx, "true"), 0);
	assert_int_equal(ov_exec_ops_sysfs.run_program(ctx, "false"), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "exit status 1"));
	assert_true(ov_exec_ops_sysfs.run_program(ctx, "optivfio-no-such-program") < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_files),
		cmocka_unit_test(test_missing_attribute),
		cmocka_unit_test(test_run_program),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
