/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing the SSDTs and their manifest into a directory (atomically as a
 * whole: staged, then renamed into place).
 *
 * The manifest, DIR/optivfio-ssdt.json, is read by the VM configuration:
 *   {"mode": "fwcfg"|"embed", "gpu_path": "\\_SB.PCI0.S08.S00",
 *    "scope": "scope"|"device", "fw_cfg_name": "opt/..."|null,
 *    "rom": "<absolute path>"|null, "tables": ["ssdt-rom.aml", ...],
 *    "battery": "none"|"absent"|"present"}
 * "tables" lists every table written, in the order to pass to QEMU
 * (-acpitable each): the _ROM tables, then ssdt-battery.aml if any.
 */
#pragma once

#include <stdbool.h>

#include "aml/ssdt.h"

struct ov_ctx;

#define OV_SSDT_MANIFEST "optivfio-ssdt.json"

struct ov_ssdt_manifest {
	const char *mode;		/* "fwcfg" or "embed" */
	const struct ov_gpu_target *gpu;
	const char *fw_cfg_name;	/* NULL in embed mode */
	const char *rom;		/* absolute path or NULL */
	enum ov_battery battery;
};

/* The manifest as JSON text ending in a newline (malloc'd), or NULL when out of memory. */
char *ov_ssdt_manifest_string(const struct ov_ssdt_set *set, const struct ov_ssdt_manifest *m);

/*
 * Write @set (+ .dsl through `iasl -d` when @want_dsl and iasl is there;
 * *@dsl_made says whether it was) and the manifest into @dir, created if
 * missing.
 */
int ov_ssdt_write_dir(struct ov_ctx *ctx, const char *dir, const struct ov_ssdt_set *set,
		      const struct ov_ssdt_manifest *m, bool want_dsl, bool *dsl_made);
