/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A whole table set from one request: the `_ROM` table(s) of the mode
 * asked for, the battery, the checks QEMU needs (ROM, sizes), and the
 * manifest that says what was written. `ssdt` and setup both build here.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>

#include "aml/ssdt.h"
#include "aml/ssdt-output.h"

struct ov_ssdt_request {
	enum ov_machine machine;
	const struct ov_gpu_target *gpu;
	const char *fw_cfg_name;	/* fwcfg mode: the file _ROM reads; NULL: embed */
	const char *rom_file;		/* embed: the ROM carried; fwcfg: named (or NULL) */
	bool rom_unchecked;		/* take a rom_file that is not a usable ROM */
	enum ov_battery battery;
};

struct ov_ssdt_result {
	struct ov_ssdt_set set;
	struct ov_ssdt_manifest manifest;	/* points into the request and here */
	char rom_abs[PATH_MAX];			/* the manifest's rom */
	bool rom_unusable;			/* failed: rom_file is not a usable ROM */
	bool rom_needs_strip;			/* ... because a prefix precedes it */
};

/*
 * Read and check the ROM (a usable option ROM unless rom_unchecked), build
 * the tables and fill the manifest. 0, or a negative errno with the
 * reason; free @res with ov_ssdt_result_clear() either way.
 */
int ov_ssdt_build(struct ov_ctx *ctx, const struct ov_ssdt_request *req,
		  struct ov_ssdt_result *res);
void ov_ssdt_result_clear(struct ov_ssdt_result *res);
