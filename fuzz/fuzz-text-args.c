// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The small text parsers of outside input: BDFs (users, sysfs names),
 * host paths built from them (must never leave the root), QEMU version
 * lines (qemu-system-x86_64 --version), guest slot.fn and ACPI paths given
 * to ssdt. Each must refuse or accept, never crash; accepted values must
 * round-trip.
 */
#include "aml/guest-path.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ov_ctx *ctx;
	char s[512], path[PATH_MAX], again[OV_BDF_STRLEN];
	struct ov_qemu_version qv;
	struct ov_gpu_target gt;
	struct ov_bdf bdf, back;
	uint8_t slot, fn;

	if (!ctx && ov_ctx_new("/tmp", &ctx, NULL, 0) < 0)
		abort();
	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (ov_bdf_parse(s, &bdf)) {
		ov_bdf_format(&bdf, again);
		if (!ov_bdf_parse(again, &back) || ov_bdf_compare(&bdf, &back) != 0)
			abort();
	}
	if (ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/rom", s) == 0) {
		/* Under the root, and no ".." component anywhere. */
		if (strncmp(path, "/tmp/", 5) != 0 || strstr(path, "/../") ||
		    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
			abort();
	}
	(void)ov_qemu_version_parse(s, &qv);
	(void)ov_slot_fn_parse(s, &slot, &fn);
	(void)ov_gpu_target_from_path(ctx, s, &gt);
	return 0;
}
