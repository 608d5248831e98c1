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
	char *out = NULL, *again = NULL, *back = NULL;
	size_t out_len, again_len, back_len;
	bool was;

	if (ov_ctx_new(NULL, &ctx, NULL, 0) < 0)
		return 0;
	if (ov_vm_libvirt_remove(ctx, (const char *)data, size, &back, &back_len, &was) ==
	    0)
		free(back);
	back = NULL;
	if (ov_vm_libvirt_patch(ctx, (const char *)data, size, &cfg, NULL, &out,
				&out_len) == 0) {
		if (ov_vm_libvirt_patch(ctx, out, out_len, &cfg, NULL, &again,
					&again_len) != 0 ||
		    again_len != out_len || memcmp(out, again, out_len) != 0)
			abort();	/* not idempotent */
		if (ov_vm_libvirt_remove(ctx, out, out_len, &back, &back_len, &was) !=
			    0 ||
		    !was)
			abort();	/* our own patch did not come out */
	}
	free(out);
	free(again);
	free(back);
	ov_ctx_free(ctx);
	return 0;
}
