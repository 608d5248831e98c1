/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The static ACPI table check: given the tables the guest OS loaded (Linux:
 * /sys/firmware/acpi/tables, Windows: GetSystemFirmwareTable('ACPI')), are
 * optivfio's SSDTs among them and intact, does their _ROM sit on the GPU's
 * ACPI node, and does an embedded ROM parse and match the device?
 *
 * Portable C (no Linux or Windows headers): the Linux guest check and the
 * Windows optivfio-guest.exe run this same code.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/check.h"

struct ov_ctx;

/* Longest normalized path we handle: "\\" + 16 segments of "XXXX." */
#define OV_TABLES_PATH_MAX 96

/* One table as the OS hands it out, header included. */
struct ov_acpi_table {
	char name[32];			/* where it came from: "SSDT2", "SSDT #3" */
	const uint8_t *data;
	size_t len;			/* bytes we have (may be less than the header says) */
};

struct ov_tables_want {
	/* The GPU's ACPI node ("\\_SB_.PCI0.S08_.S00_" or "\\_SB.PCI0.S08.S00"); NULL: unknown */
	const char *gpu_path;
	/* The ids an embedded ROM must carry; false: not checked */
	bool have_ids;
	uint16_t vendor, device;
	/*
	 * Tables the OS lists but does not hand out: Windows' GetSystemFirmwareTable
	 * returns only the first table of a signature, so SSDTs after the first
	 * are unreadable. What may be in them is then a WARN, not a FAIL.
	 */
	size_t n_unreadable;
};

/*
 * Append the checks "ssdt" (optivfio's tables there, lengths and checksums
 * right), "ssdt-path" (their _ROM on the GPU's node) and "ssdt-rom"
 * (an embedded ROM complete, parsing, for the device) to @checks. Returns 0
 * or a negative errno (-ENOMEM) with a message in @ctx.
 */
int ov_tables_check(struct ov_ctx *ctx, const struct ov_acpi_table *tables, size_t n,
		    const struct ov_tables_want *want, struct ov_check **checks, size_t *n_checks);

/*
 * An ACPI path in the form the OS reports it ("\\_SB_.PCI0.S08_.S00_"): each
 * segment padded with '_' to 4 characters (ACPI 6.5 §20.2.2 NameSeg), with
 * the root prefix. -EINVAL when @in is not an absolute path of NameSegs.
 */
int ov_acpi_path_normalize(const char *in, char *out, size_t size);
