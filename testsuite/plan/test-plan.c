// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Plan building is pure: hosts built here by hand, plans checked step by
 * step; the ordering rules reject bad plans (supergfxctl's idea: tests that
 * reject illegal orderings); inverses undo in reverse with the old values.
 */
#include "testutil.h"
#include "core/ctx.h"
#include "plan/plan.h"

#include <errno.h>

static struct ov_ctx *ctx;

static void dev(struct ov_pci_dev *d, const char *bdf, uint32_t cls, const char *drv, int group)
{
	memset(d, 0, sizeof(*d));
	assert_true(ov_bdf_parse(bdf, &d->bdf));
	d->ids_known = true;
	d->vendor = 0x10de;
	d->class_code = cls;
	d->header_type = cls >> 8 == 0x0604;
	snprintf(d->driver, sizeof(d->driver), "%s", drv);
	d->iommu_group = group;
	d->boot_vga = -1;
}

/* The seed's laptop: root port, GPU (no driver), HDMI audio on snd_hda_intel. */
static void laptop(struct ov_pci_dev devs[3], struct ov_host *h)
{
	dev(&devs[0], "0000:00:01.0", 0x060400, "pcieport", 1);
	dev(&devs[1], "0000:01:00.0", 0x030000, "", 1);
	dev(&devs[2], "0000:01:00.1", 0x040300, "snd_hda_intel", 1);
	devs[1].boot_vga = 0;
	devs[1].has_parent = devs[2].has_parent = true;
	devs[1].parent = devs[2].parent = devs[0].bdf;
	h->devs = devs;
	h->n_devs = 3;
}

static void expect_steps(const struct ov_plan *p, const char *const *want, size_t n)
{
	char line[400];

	assert_int_equal(p->n_steps, n);
	for (size_t i = 0; i < n; i++) {
		ov_step_format(&p->steps[i], line, sizeof(line));
		assert_string_equal(line, want[i]);
	}
}

static void test_prepare_laptop(void **state)
{
	static const char *const want[] = {
		"unbind 0000:01:00.1 snd_hda_intel",
		"set-driver-override 0000:01:00.1 none",
		"load-module vfio_pci",
		"set-driver-override 0000:01:00.0 vfio-pci",
		"drivers-probe 0000:01:00.0 vfio-pci",
	};
	struct ov_pci_dev devs[3];
	struct ov_host h;
	struct ov_plan_env env = { .n_modules = 0 };
	struct ov_plan p;

	laptop(devs, &h);
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), 0);
	expect_steps(&p, want, 5);
	ov_plan_clear(&p);
}

static void test_prepare_nothing_to_do(void **state)
{
	struct ov_pci_dev devs[3];
	struct ov_host h;
	char *mods[] = { "vfio_pci" };
	struct ov_plan_env env = { .modules = mods, .n_modules = 1 };
	struct ov_plan p;

	laptop(devs, &h);
	strcpy(devs[1].driver, "vfio-pci");
	strcpy(devs[2].driver, "");
	strcpy(devs[2].driver_override, "none");
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), 0);
	assert_int_equal(p.n_steps, 0);
	ov_plan_clear(&p);
}

static void test_refusals(void **state)
{
	struct ov_pci_dev devs[4];
	struct ov_host h;
	struct ov_holder holder = { .pid = 7, .comm = "Xorg", .file = "/dev/nvidia0" };
	struct ov_plan_env env = { .n_modules = 0 };
	struct ov_plan p;

	laptop(devs, &h);
	devs[1].boot_vga = 1;
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), -EBUSY);
	assert_non_null(strstr(ov_ctx_error(ctx), "boot VGA"));
	devs[1].boot_vga = 0;

	env.holders = &holder;
	env.n_holders = 1;
	assert_int_equal(ov_plan_reset(ctx, &h, &devs[1], &env, &p), -EBUSY);
	assert_non_null(strstr(ov_ctx_error(ctx), "process 7 (Xorg) holds /dev/nvidia0"));
	env.n_holders = 0;

	env.displays = &devs[1].bdf;
	env.n_displays = 1;
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), -EBUSY);
	env.n_displays = 0;

	devs[1].iommu_group = -1;
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), -EPERM);
	assert_non_null(strstr(ov_ctx_error(ctx), "IOMMU is off"));
	devs[1].iommu_group = 1;

	/* An NVMe drive in the group: not ours. */
	dev(&devs[3], "0000:02:00.0", 0x010802, "nvme", 1);
	h.n_devs = 4;
	assert_int_equal(ov_plan_prepare(ctx, &h, &devs[1], &env, &p), -EPERM);
	assert_non_null(strstr(ov_ctx_error(ctx), "also holds 0000:02:00.0"));
}

static void test_reset_runtime_pm(void **state)
{
	static const char *const want[] = {
		"set-power-control 0000:01:00.0 auto",
		"set-power-control 0000:01:00.0 on",
		"unload-module nvidia_modeset",
		"unload-module nvidia",
		"remove 0000:01:00.1",
		"remove 0000:01:00.0",
		"remove 0000:00:01.0",
		"rescan",
		"load-module nvidia",
		"load-module nvidia_modeset",
	};
	struct ov_pci_dev devs[3];
	struct ov_host h;
	char *mods[] = { "nvidia", "nvidia_modeset", "i915" };
	struct ov_plan_env env = { .modules = mods, .n_modules = 3 };
	struct ov_plan p;

	laptop(devs, &h);
	/* bbswitch's file without the module, no acpi_call: runtime PM; no nvidia-smi. */
	env.has_bbswitch = true;
	assert_int_equal(ov_plan_reset(ctx, &h, &devs[1], &env, &p), 0);
	assert_int_equal(p.power, OV_POWER_RUNTIME_PM);
	expect_steps(&p, want, 10);
	ov_plan_clear(&p);
}

static void add(struct ov_plan *p, enum ov_step_kind k, const char *bdf, const char *arg)
{
	struct ov_bdf b;

	if (bdf)
		assert_true(ov_bdf_parse(bdf, &b));
	assert_int_equal(ov_plan_add(ctx, p, k, bdf ? &b : NULL, arg, "test"), 0);
}

static void test_validate_rejects(void **state)
{
	struct ov_plan p = { .kind = OV_PLAN_PREPARE };

	/* driver_override changed while still bound (driverctl's order). */
	add(&p, OV_STEP_SET_DRIVER_OVERRIDE, "01:00.1", "none");
	add(&p, OV_STEP_UNBIND, "01:00.1", "snd_hda_intel");
	assert_int_equal(ov_plan_validate(ctx, &p), -EINVAL);
	assert_non_null(strstr(ov_ctx_error(ctx), "plan step 1"));
	ov_plan_clear(&p);

	/* vfio-pci bound before vfio_pci is loaded. */
	add(&p, OV_STEP_BIND_VIA_DRIVERS_PROBE, "01:00.0", "vfio-pci");
	add(&p, OV_STEP_LOAD_MODULE, NULL, "vfio_pci");
	assert_int_equal(ov_plan_validate(ctx, &p), -EINVAL);
	ov_plan_clear(&p);

	/* A removed device used before a rescan, and a remove with no rescan. */
	p.kind = OV_PLAN_RESET;
	add(&p, OV_STEP_REMOVE_DEVICE, "01:00.0", NULL);
	add(&p, OV_STEP_SET_POWER_CONTROL, "01:00.0", "on");
	add(&p, OV_STEP_RESCAN_BUS, NULL, NULL);
	assert_int_equal(ov_plan_validate(ctx, &p), -EINVAL);
	ov_plan_clear(&p);
	add(&p, OV_STEP_REMOVE_DEVICE, "01:00.0", NULL);
	assert_int_equal(ov_plan_validate(ctx, &p), -EINVAL);
	assert_non_null(strstr(ov_ctx_error(ctx), "never comes back"));
	ov_plan_clear(&p);

	/* The right order passes. */
	p.kind = OV_PLAN_PREPARE;
	add(&p, OV_STEP_LOAD_MODULE, NULL, "vfio_pci");
	add(&p, OV_STEP_UNBIND, "01:00.1", "snd_hda_intel");
	add(&p, OV_STEP_SET_DRIVER_OVERRIDE, "01:00.1", "none");
	add(&p, OV_STEP_BIND_VIA_DRIVERS_PROBE, "01:00.0", "vfio-pci");
	assert_int_equal(ov_plan_validate(ctx, &p), 0);
	ov_plan_clear(&p);
}

static void test_inverse(void **state)
{
	static const char *const want[] = {
		"bbswitch ON",
		"rescan",
		"unbind 0000:01:00.0 vfio-pci",
		"set-driver-override 0000:01:00.0 (clear)",
		"bind 0000:01:00.0 nvidia",
		"unload-module vfio_pci",
	};
	struct ov_plan done = { .kind = OV_PLAN_PREPARE }, inv;

	add(&done, OV_STEP_LOAD_MODULE, NULL, "vfio_pci");
	add(&done, OV_STEP_UNBIND, "01:00.0", "nvidia");
	add(&done, OV_STEP_SET_DRIVER_OVERRIDE, "01:00.0", "vfio-pci");
	done.steps[2].before[0] = '\0';
	add(&done, OV_STEP_BIND_VIA_DRIVERS_PROBE, "01:00.0", "vfio-pci");
	add(&done, OV_STEP_REMOVE_DEVICE, "01:00.1", NULL);
	add(&done, OV_STEP_REMOVE_DEVICE, "00:01.0", NULL);
	add(&done, OV_STEP_BBSWITCH, NULL, "OFF");
	add(&done, OV_STEP_RUN_PROGRAM, NULL, "nvidia-smi --gpu-reset");
	assert_int_equal(ov_plan_inverse(ctx, &done, OV_PLAN_RELEASE, &inv), 0);
	expect_steps(&inv, want, 6);
	ov_plan_clear(&inv);
	ov_plan_clear(&done);
}

static void test_names_round_trip(void **state)
{
	for (int k = 0; k < OV_STEP_KIND_MAX; k++)
		assert_int_equal(ov_step_kind_from_name(ov_step_kind_name(k)), k);
	assert_int_equal(ov_step_kind_from_name("format-disk"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_laptop),
		cmocka_unit_test(test_prepare_nothing_to_do),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_reset_runtime_pm),
		cmocka_unit_test(test_validate_rejects),
		cmocka_unit_test(test_inverse),
		cmocka_unit_test(test_names_round_trip),
	};
	int r;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	r = cmocka_run_group_tests(tests, NULL, NULL);
	ov_ctx_free(ctx);
	return r;
}
