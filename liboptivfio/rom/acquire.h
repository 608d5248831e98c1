/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Getting the GPU's ROM for a VM: which source is tried when, and the
 * checks every acquired ROM passes, in one place for `rom dump` and setup.
 */
#pragma once

#include "rom/dump.h"
#include "rom/rom.h"

enum ov_rom_source {
	OV_ROM_FROM_AUTO,	/* the ROM BAR, then the firmware's _ROM */
	OV_ROM_FROM_SYSFS,	/* the PCI ROM BAR (/sys/bus/pci/devices/BDF/rom) */
	OV_ROM_FROM_ACPI,	/* ACPI _ROM of the GPU's node, through acpi_call */
};

struct ov_rom_request {
	const char *bdf;			/* "0000:01:00.0" */
	enum ov_rom_source from;
	bool any_ids;				/* keep a ROM of another vendor:device */
	const struct ov_rom_progress *progress;	/* the _ROM reads; NULL: none */
};

struct ov_rom_acquired {
	uint8_t *data;
	size_t len;
	struct ov_rom_info *info;		/* the chain, parsed */
	enum ov_rom_source used;		/* SYSFS or ACPI: where it came from */
	uint16_t vendor, device;		/* the device's own ids */
	char acpi_path[256];			/* used == ACPI: the node read */
	struct ov_acpi_dump_stats stats;	/* used == ACPI */
	char sysfs_error[512];			/* AUTO: why the ROM BAR gave none */
	bool acpi_call_missing;			/* the acpi_call module is not loaded */
};

/*
 * Read the ROM of @req->bdf from the source asked for (AUTO: the ROM BAR,
 * and the firmware's _ROM when that fails), then check it is a usable
 * chain and (unless any_ids) this device's. 0 with @out filled (free with
 * ov_rom_acquired_clear()), or a negative errno with the last source's
 * reason; @out's flags still say what was missing.
 */
int ov_rom_acquire(struct ov_ctx *ctx, const struct ov_rom_request *req,
		   struct ov_rom_acquired *out);
void ov_rom_acquired_clear(struct ov_rom_acquired *a);

/* "sysfs", "acpi" (or "auto"): the names --from takes and JSON shows. */
const char *ov_rom_source_name(enum ov_rom_source s);
int ov_rom_source_parse(const char *name, enum ov_rom_source *ret);
