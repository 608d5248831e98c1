// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What 'rom strip' keeps. Cuts are structural: at the first image's start
 * and, on request, after the chain end. Nothing searches for footers, so an
 * NVIDIA 0xE0/0x70 image is never cut (Matoking's footer rule truncates
 * laptop ROMs: facts §3.5).
 */
#include "rom/rom.h"
#include "core/ctx.h"

#include <errno.h>

int ov_rom_strip_range(struct ov_ctx *ctx, const struct ov_rom_info *info,
		       bool trim_padding, size_t *start, size_t *end)
{
	if (info->verdict == OV_ROM_BROKEN)
		return ov_ctx_fail(ctx, EBADMSG, "not stripping a broken ROM: %s",
				   info->verdict_msg);
	*start = info->prefix_length;
	*end = info->size;
	if (trim_padding)
		*end = info->size - info->padding_length;
	/* find_padding() stops at the chain end; keep the guarantee here too. */
	if (*end < info->chain_end)
		*end = info->chain_end;
	return 0;
}
