// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the ROM chain walk, the strip range and the id check on
 * arbitrary bytes, as a file and as ROM BAR / _ROM data (at offset 0).
 */
#include "rom/rom.h"
#include "core/ctx.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ov_rom_info info;
	static struct ov_ctx *ctx;
	size_t start, end;

	if (!ctx && ov_ctx_new(NULL, &ctx, NULL, 0) < 0)
		abort();
	for (unsigned flags = 0; flags <= OV_ROM_AT_START; flags++) {
		ov_rom_parse(data, size, flags, &info);
		if (info.chain_end > size || info.n_images > OV_ROM_MAX_IMAGES ||
		    info.prefix_length > info.chain_end)
			abort();
		if (ov_rom_strip_range(ctx, &info, true, &start, &end) == 0) {
			/* Strip output must itself parse, as rom strip requires. */
			static struct ov_rom_info again;

			if (start > end || end > size || end < info.chain_end)
				abort();
			ov_rom_parse(data + start, end - start, OV_ROM_AT_START, &again);
			if (again.n_images != info.n_images)
				abort();
		}
		ov_rom_validate_ids(ctx, &info, 0x10de, 0x1c8d);
	}
	return 0;
}
