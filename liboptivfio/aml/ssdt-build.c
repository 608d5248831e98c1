// SPDX-License-Identifier: GPL-2.0-or-later
#include "aml/ssdt-build.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "rom/rom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The VM is given these bytes as its ROM, through _ROM: a truncated or
 * prefixed file would be served as it is and the driver would read junk.
 */
static int load_rom(struct ov_ctx *ctx, const struct ov_ssdt_request *req,
		    struct ov_ssdt_result *res, uint8_t **rom, size_t *len)
{
	struct ov_rom_info *info;
	char why[512];
	int r;

	r = ov_read_file(ctx, req->rom_file, rom, len);
	if (r < 0)
		return r;
	if (*len == 0)
		return ov_ctx_fail(ctx, EINVAL, "%s: the ROM is empty", req->rom_file);
	if (!realpath(req->rom_file, res->rom_abs))
		return ov_ctx_fail(ctx, errno, "%s: cannot resolve the path", req->rom_file);
	if (req->rom_unchecked)
		return 0;
	info = malloc(sizeof(*info));
	if (!info)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	r = ov_rom_check_usable(ctx, *rom, *len, info);
	res->rom_unusable = r < 0;
	res->rom_needs_strip = info->verdict == OV_ROM_NEEDS_STRIP;
	free(info);
	if (r < 0) {
		snprintf(why, sizeof(why), "%s", ov_ctx_error(ctx));
		return ov_ctx_fail(ctx, -r, "%s: not a usable ROM: %s", req->rom_file, why);
	}
	return 0;
}

int ov_ssdt_build(struct ov_ctx *ctx, const struct ov_ssdt_request *req,
		  struct ov_ssdt_result *res)
{
	uint8_t *rom = NULL;
	size_t len = 0;
	int r = 0;

	memset(res, 0, sizeof(*res));
	if (req->rom_file)
		r = load_rom(ctx, req, res, &rom, &len);
	if (r == 0) {
		res->manifest = (struct ov_ssdt_manifest){
			.mode = req->fw_cfg_name ? "fwcfg" : "embed",
			.gpu = req->gpu,
			.fw_cfg_name = req->fw_cfg_name,
			.rom = req->rom_file ? res->rom_abs : NULL,
			.battery = req->battery,
		};
		if (req->fw_cfg_name)
			r = ov_ssdt_rom_fwcfg(ctx, req->gpu, req->fw_cfg_name, &res->set);
		else
			r = ov_ssdt_rom_embed(ctx, req->gpu, rom, len, &res->set);
	}
	if (r == 0)
		r = ov_ssdt_battery(ctx, req->machine, req->battery, &res->set);
	if (r == 0)
		r = ov_ssdt_check_qemu_total(ctx, &res->set);
	free(rom);
	return r;
}

void ov_ssdt_result_clear(struct ov_ssdt_result *res)
{
	ov_ssdt_set_free(&res->set);
}
