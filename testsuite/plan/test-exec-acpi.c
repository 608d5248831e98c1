// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The executor and a power step through acpi_call that fails. Seen on a
 * real kernel (the lab, testsuite/plan/lab/): with acpi_call loaded the
 * reset plan calls the GPU node's _OFF, the firmware has none (AE_NOT_FOUND,
 * -ENOENT from the ops: nothing ran), and the rollback used to call _ON,
 * missing as well, then report "the rollback failed too" and keep a
 * journal although the host was never touched. A method that ran and
 * failed (AE_AML_*: -EIO) may have done half its work: that one is undone.
 */
#include "testutil.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "plan/exec.h"
#include "plan/plan.h"

#include <errno.h>
#include <limits.h>

#define OFF "\\_SB_.PCI0.S08_.S00_._OFF"
#define ON "\\_SB_.PCI0.S08_.S00_._ON"

static char *root;
static struct ov_ctx *ctx;
static char calls[4][64];
static size_t n_calls;
static int off_error;

static int fake_acpi_call(struct ov_ctx *c, const char *method)
{
	if (n_calls < 4)
		snprintf(calls[n_calls], sizeof(calls[0]), "%s", method);
	n_calls++;
	if (strcmp(method, OFF) == 0)
		return ov_ctx_fail(c, off_error, "acpi_call %s: fails here", method);
	return 0;
}

static int setup(void **state)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	const unsigned char cfg[4] = { 0x34, 0x12, 0x11, 0x11 };

	root = tu_tempdir();
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/proc/acpi' "
		 "'%s/sys/bus/pci/devices/0000:01:00.0'", root, root);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/proc/acpi/call", root);
	tu_write(path, "", 0);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:01:00.0/config", root);
	tu_write(path, cfg, sizeof(cfg));
	return ov_ctx_new(root, &ctx, NULL, 0);
}

static int teardown(void **state)
{
	ov_ctx_free(ctx);
	tu_rm_rf(root);
	free(root);
	return 0;
}

static int run_power_cycle(int error)
{
	struct ov_exec_ops ops = ov_exec_ops_fixture;
	struct ov_exec_opts opts = { .ops = &ops };
	struct ov_plan plan = { .kind = OV_PLAN_RESET };
	int r;

	ops.acpi_call = fake_acpi_call;
	off_error = error;
	n_calls = 0;
	assert_true(ov_bdf_parse("0000:01:00.0", &plan.gpu));
	assert_int_equal(ov_plan_add(ctx, &plan, OV_STEP_ACPI_CALL, NULL, OFF, "off"), 0);
	assert_int_equal(ov_plan_add(ctx, &plan, OV_STEP_ACPI_CALL, NULL, ON, "on"), 0);
	r = ov_plan_run(ctx, &plan, &opts);
	ov_plan_clear(&plan);
	return r;
}

static void test_missing_method_not_undone(void **state)
{
	assert_int_equal(run_power_cycle(ENOENT), -ENOENT);
	/* _OFF only: no _ON for a step that never ran. */
	assert_int_equal(n_calls, 1);
	assert_string_equal(calls[0], OFF);
	assert_non_null(strstr(ov_ctx_error(ctx), "rolled back 0 steps, the host is as it was"));
	assert_null(strstr(ov_ctx_error(ctx), "rollback failed"));
}

static void test_failed_method_undone(void **state)
{
	/* The control: a method that ran and failed is undone with _ON. */
	assert_int_equal(run_power_cycle(EIO), -EIO);
	assert_int_equal(n_calls, 2);
	assert_string_equal(calls[0], OFF);
	assert_string_equal(calls[1], ON);
	assert_non_null(strstr(ov_ctx_error(ctx), "rolled back 1 step, the host is as it was"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_missing_method_not_undone),
		cmocka_unit_test(test_failed_method_undone),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
