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
#include <stdlib.h>

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

int ov_rom_stripped(struct ov_ctx *ctx, const uint8_t *data, size_t len, bool trim_padding,
		    size_t *start, size_t *end)
{
	struct ov_rom_info *info = malloc(sizeof(*info)), *cut = malloc(sizeof(*cut));
	int r;

	if (!info || !cut) {
		free(info);
		free(cut);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	ov_rom_parse(data, len, 0, info);
	r = ov_rom_strip_range(ctx, info, trim_padding, start, end);
	if (r == 0) {
		/* The result must parse as a complete ROM starting at 0 by itself. */
		ov_rom_parse(data + *start, *end - *start, OV_ROM_AT_START, cut);
		if (cut->verdict != OV_ROM_USABLE || cut->n_images != info->n_images)
			r = ov_ctx_fail(ctx, EBADMSG, "the stripped ROM would not parse (%s)",
					cut->verdict_msg);
	}
	free(info);
	free(cut);
	return r;
}
