/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * guest check: run inside the VM, is everything the NVIDIA driver needs
 * there? The passed-through GPU, its ACPI node, a _ROM on that node that
 * returns a valid ROM for it, non-zero subsystem ids, QEMU's hotplug _DSM
 * gone, the PCI path mirroring the laptop's, and a battery if asked for.
 * The static table check (tables.h) reads the loaded tables themselves:
 * optivfio's SSDTs there, _ROM on the GPU's node, an embedded ROM for it.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "core/bdf.h"
#include "core/check.h"
#include "rom/acpi-call.h"

struct ov_ctx;

struct ov_guest_opts {
	const struct ov_bdf *gpu;	/* NULL: find it */
	/*
	 * The ids the ROM must carry; by default the GPU's own. In the lab the
	 * "GPU" is an emulated display device serving another ROM.
	 */
	bool have_rom_ids;
	uint16_t rom_vendor, rom_device;
	/* "absent"/"present": the fake battery the VM was given; NULL: not checked */
	const char *battery;
	/* acpi_call transport; NULL ops: the check skips everything that calls ACPI */
	const struct ov_acpi_call_ops *acpi_ops;
	void *acpi_userdata;
};

struct ov_guest_report {
	char gpu[OV_BDF_STRLEN];	/* "" when none was found */
	struct ov_check *checks;
	size_t n_checks;
	size_t rom_length;		/* bytes _ROM served, 0 when not read */
};

int ov_guest_check(struct ov_ctx *ctx, const struct ov_guest_opts *opts,
		   struct ov_guest_report *ret);
void ov_guest_report_clear(struct ov_guest_report *r);
