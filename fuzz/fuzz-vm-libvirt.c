// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the libvirt domain patcher: any input must either be
 * refused or patched; a patched document must patch again to the same bytes
 * (idempotence) and the patch must come out again with --remove.
 */
#include "core/ctx.h"
#include "vm/vm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const tables[] = { "/srv/ssdt,1.aml", "/srv/ssdt 2.aml" };
	struct ov_vm_config cfg = {
		.host_gpu = { 0, 1, 0, 0 },
		.have_sub_ids = true, .sub_vendor = 0x1025, .sub_device = 0x118b,
		.acpi_tables = tables, .n_tables = 2,
		.fwcfg_name = "opt/optivfio/vbios", .fwcfg_file = "/srv/vbios.rom",
		.battery = size & 1,
		.libvirt_version = size & 2 ? OV_LIBVIRT_VERSION(11, 2, 0)
					    : OV_LIBVIRT_VERSION(9, 0, 0),
	};
	struct ov_ctx *ctx;
	char *out = NULL, *again = NULL, *back = NULL, *restored = NULL;
	size_t out_len, again_len, back_len, restored_len = 0;
	const char *in = (const char *)data;
	bool was;

	if (ov_ctx_new(NULL, &ctx, NULL, 0) < 0)
		return 0;
	/* The input without our patch (the input itself when it has none). */
	if (ov_vm_libvirt_remove(ctx, in, size, &restored, &restored_len, &was) < 0)
		restored = NULL;
	if (ov_vm_libvirt_patch(ctx, in, size, &cfg, NULL, &out, &out_len) == 0) {
		/* Idempotent, byte for byte. */
		if (ov_vm_libvirt_patch(ctx, out, out_len, &cfg, NULL, &again, &again_len) ||
		    again_len != out_len || memcmp(out, again, out_len))
			abort();
		/* Removing the patch gives the input without ours, byte for byte. */
		if (ov_vm_libvirt_remove(ctx, out, out_len, &back, &back_len, &was) || !was ||
		    !restored || back_len != restored_len || memcmp(back, restored, back_len))
			abort();
	}
	free(out);
	free(again);
	free(back);
	free(restored);
	ov_ctx_free(ctx);
	return 0;
}
