// SPDX-License-Identifier: GPL-2.0-or-later
/* Picking the dGPU and judging its group, on hosts built in memory. */
#include "testutil.h"
#include "core/ctx.h"
#include "host/groups.h"
#include "host/host.h"

#include <errno.h>

static struct ov_pci_dev dev(const char *bdf, uint16_t v, uint16_t d, uint32_t cls,
			     int boot_vga, int group)
{
	struct ov_pci_dev x = { .ids_known = true, .vendor = v, .device = d,
				.class_code = cls, .boot_vga = boot_vga, .iommu_group = group };

	assert_true(ov_bdf_parse(bdf, &x.bdf));
	x.header_type = (cls >> 8) == 0x0604 ? 1 : 0;
	return x;
}

static struct ov_ctx *ctx_new(void)
{
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	return ctx;
}

static void muxless_3d_controller_without_boot_vga_file(void **state)
{
	/* A 0302 device has no boot_vga attribute at all (-1): still the dGPU. */
	struct ov_pci_dev devs[] = {
		dev("00:02.0", 0x8086, 0x3e9b, 0x030000, 1, 2),
		dev("01:00.0", 0x10de, 0x1f91, 0x030200, -1, 1),
	};
	struct ov_host host = { devs, 2 };
	struct ov_ctx *ctx = ctx_new();
	const struct ov_pci_dev *gpu;

	assert_int_equal(ov_host_pick_dgpu(ctx, &host, NULL, &gpu), 0);
	assert_ptr_equal(gpu, &devs[1]);
	assert_int_equal(ov_pci_class(gpu), OV_CLASS_DISPLAY_3D);
	ov_ctx_free(ctx);
}

static void nvidia_preferred_over_other_discrete(void **state)
{
	struct ov_pci_dev devs[] = {
		dev("00:02.0", 0x8086, 0x591b, 0x030000, 1, 2),
		dev("02:00.0", 0x1002, 0x67df, 0x030000, 0, 3),
		dev("03:00.0", 0x10de, 0x1c8d, 0x030000, 0, 4),
	};
	struct ov_host host = { devs, 3 };
	struct ov_ctx *ctx = ctx_new();
	const struct ov_pci_dev *gpu;

	assert_int_equal(ov_host_pick_dgpu(ctx, &host, NULL, &gpu), 0);
	assert_int_equal(gpu->vendor, 0x10de);
	ov_ctx_free(ctx);
}

static void ambiguous_and_absent(void **state)
{
	struct ov_pci_dev two[] = {
		dev("01:00.0", 0x10de, 0x1b81, 0x030000, 0, 1),
		dev("02:00.0", 0x10de, 0x1b81, 0x030000, 0, 2),
	};
	struct ov_pci_dev only_boot[] = {
		dev("01:00.0", 0x10de, 0x1b81, 0x030000, 1, 1),
		dev("00:1f.3", 0x8086, 0xa171, 0x040300, -1, 7),
	};
	/* A MUX laptop in dGPU mode: the NVIDIA GPU is the boot VGA. */
	struct ov_pci_dev nvidia_boot[] = {
		dev("00:02.0", 0x8086, 0x591b, 0x030000, 0, 2),
		dev("01:00.0", 0x10de, 0x1c8d, 0x030000, 1, 1),
	};
	struct ov_pci_dev amd[] = {
		dev("00:02.0", 0x8086, 0x591b, 0x030000, 1, 2),
		dev("03:00.0", 0x1002, 0x73df, 0x030000, 0, 3),
	};
	struct ov_pci_dev igpu_only[] = {
		dev("00:02.0", 0x8086, 0x591b, 0x030000, 0, 2),
	};
	struct ov_host h2 = { two, 2 }, h1 = { only_boot, 2 }, h3 = { nvidia_boot, 2 };
	struct ov_host h4 = { amd, 2 }, h5 = { igpu_only, 1 };
	struct ov_ctx *ctx = ctx_new();
	const struct ov_pci_dev *gpu;
	struct ov_bdf want;

	assert_int_equal(ov_host_pick_dgpu(ctx, &h2, NULL, &gpu), -ENOTUNIQ);
	assert_non_null(strstr(ov_ctx_error(ctx), "--gpu"));
	assert_true(ov_bdf_parse("02:00.0", &want));
	assert_int_equal(ov_host_pick_dgpu(ctx, &h2, &want, &gpu), 0);
	assert_ptr_equal(gpu, &two[1]);
	/* The dGPU is told by what it is: an NVIDIA GPU that is the boot VGA
	 * is chosen (host prepare then refuses it), never "the other one". */
	assert_int_equal(ov_host_pick_dgpu(ctx, &h1, NULL, &gpu), 0);
	assert_ptr_equal(gpu, &only_boot[0]);
	assert_int_equal(ov_host_pick_dgpu(ctx, &h3, NULL, &gpu), 0);
	assert_ptr_equal(gpu, &nvidia_boot[1]);
	/* Another vendor's GPU off bus 0 is discrete; the iGPU on bus 0 never. */
	assert_int_equal(ov_host_pick_dgpu(ctx, &h4, NULL, &gpu), 0);
	assert_ptr_equal(gpu, &amd[1]);
	assert_int_equal(ov_host_pick_dgpu(ctx, &h5, NULL, &gpu), -ENODEV);
	assert_true(ov_bdf_parse("00:1f.3", &want));
	assert_int_equal(ov_host_pick_dgpu(ctx, &h1, &want, &gpu), -ENODEV);
	assert_non_null(strstr(ov_ctx_error(ctx), "not a display device"));
	ov_ctx_free(ctx);
}

static void group_roles_and_viability(void **state)
{
	struct ov_pci_dev devs[] = {
		dev("00:01.0", 0x8086, 0x1901, 0x060400, -1, 1),
		dev("00:01.1", 0x8086, 0x1905, 0x060400, -1, 1),
		dev("01:00.0", 0x10de, 0x1b81, 0x030000, 0, 1),
		dev("01:00.1", 0x10de, 0x10f0, 0x040300, -1, 1),
		dev("02:00.0", 0x144d, 0xa808, 0x010802, -1, 1),
		dev("03:00.0", 0x8086, 0x24fd, 0x028000, -1, 5),
	};
	struct ov_host host = { devs, 6 };
	struct ov_ctx *ctx = ctx_new();
	const struct ov_pci_dev *sib[4];
	struct ov_gpu_group *g;

	assert_int_equal(ov_host_gpu_group(ctx, &host, &devs[2], &g), 0);
	assert_int_equal(g->group, 1);
	assert_false(g->viable);
	assert_int_equal(g->n_members, 5);
	assert_int_equal(g->members[0].role, OV_ROLE_BRIDGE);
	assert_int_equal(g->members[2].role, OV_ROLE_GPU);
	assert_int_equal(g->members[3].role, OV_ROLE_GPU_FUNCTION);
	assert_int_equal(g->members[4].role, OV_ROLE_OTHER);
	ov_gpu_group_free(g);

	/* Without the SSD the same group is viable. */
	devs[4].iommu_group = 9;
	assert_int_equal(ov_host_gpu_group(ctx, &host, &devs[2], &g), 0);
	assert_true(g->viable);
	ov_gpu_group_free(g);

	/* No IOMMU: never viable. */
	devs[2].iommu_group = -1;
	assert_int_equal(ov_host_gpu_group(ctx, &host, &devs[2], &g), 0);
	assert_int_equal(g->group, -1);
	assert_false(g->viable);
	ov_gpu_group_free(g);

	assert_int_equal(ov_host_siblings(&host, &devs[2], sib, 4), 1);
	assert_ptr_equal(sib[0], &devs[3]);
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(muxless_3d_controller_without_boot_vga_file),
		cmocka_unit_test(nvidia_preferred_over_other_discrete),
		cmocka_unit_test(ambiguous_and_absent),
		cmocka_unit_test(group_roles_and_viability),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
