/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SSDTs optivfio writes for the VM: `_ROM` on the GPU's guest ACPI node
 * (from a QEMU fw_cfg file or embedded in the tables) and a fake battery.
 * Each builder appends finished tables (header, checksum) to a table set.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "aml/guest-path.h"

struct ov_ctx;
struct aml;

/* QEMU's -acpitable limit per table (facts-qemu-libvirt §3). */
#define OV_SSDT_MAX_LEN 65535u
/* `_ROM` returns at most this many bytes per call (facts §2.6, coreboot acpigen_write_rom). */
#define OV_ROM_MAX_REQUEST 0x1000u
/* ROM bytes per embedded table: near the table limit, ~2 KiB left for the code. */
#define OV_EMBED_CHUNK 0xf800u
/* Largest ROM the embed mode takes: 64 chunks (3.875 MiB) keep table 1 under the limit. */
#define OV_EMBED_MAX_ROM (64u * OV_EMBED_CHUNK)
/*
 * QEMU keeps all ACPI tables in one fw_cfg blob of at most 2 MiB
 * (ACPI_BUILD_TABLE_MAX_SIZE) and aborts on an assertion beyond it (EMP,
 * QEMU 7.2.22: 34 tables of a 2 MiB ROM abort, 33 tables of 1.95 MiB
 * start). QEMU's own tables need room too: 64 KiB is kept for them.
 */
#define OV_QEMU_ACPI_BLOB_MAX 0x200000u
#define OV_QEMU_OWN_TABLES_RESERVE 0x10000u

/* Longest fw_cfg file name (56-byte field with its NUL, facts §2.4). */
#define OV_FW_CFG_NAME_MAX 55
#define OV_FW_CFG_DEFAULT_NAME "opt/org.optivfio/vbios"

struct ov_ssdt_table {
	char file[32];		/* e.g. "ssdt-rom-1.aml" */
	uint8_t *data;
	size_t len;
};

struct ov_ssdt_set {
	struct ov_ssdt_table *tables;	/* in the order to pass to QEMU */
	size_t count;
};

void ov_ssdt_set_free(struct ov_ssdt_set *set);

/* Start a table: the 36-byte SSDT header (ACPI §5.2.6, §5.2.11.2), Length and Checksum 0. */
void ov_ssdt_begin(struct aml *a, const char *oem_table_id);
/* Finish it (Length, Checksum), check QEMU's size limit and append it to @set as @file. */
int ov_ssdt_end(struct ov_ctx *ctx, struct aml *a, struct ov_ssdt_set *set, const char *file);

/* fw_cfg names must start with "opt/" (QEMU warns otherwise), ≤ 55 chars, printable ASCII. */
int ov_fw_cfg_name_check(struct ov_ctx *ctx, const char *name);

/* `_ROM` reading fw_cfg file @fw_cfg_name through ports 0x510/0x511: "ssdt-rom.aml". */
int ov_ssdt_rom_fwcfg(struct ov_ctx *ctx, const struct ov_gpu_target *gpu,
		      const char *fw_cfg_name, struct ov_ssdt_set *set);

/* `_ROM` over the ROM itself, split into "ssdt-rom-1.aml" ... "ssdt-rom-N.aml". */
int ov_ssdt_rom_embed(struct ov_ctx *ctx, const struct ov_gpu_target *gpu,
		      const uint8_t *rom, size_t len, struct ov_ssdt_set *set);

/* Refuse a set QEMU could not start with: all tables over the blob limit. */
int ov_ssdt_check_qemu_total(struct ov_ctx *ctx, const struct ov_ssdt_set *set);

enum ov_battery {
	OV_BATTERY_NONE,
	OV_BATTERY_ABSENT,	/* the seed's: a battery slot with no battery (_STA only) */
	OV_BATTERY_PRESENT,	/* a full rechargeable battery (_BIF, _BIX, _BST) */
};

/* "none"/"absent"/"present" <-> enum; parse returns -EINVAL on anything else. */
int ov_battery_parse(const char *s, enum ov_battery *ret);
const char *ov_battery_name(enum ov_battery b);

/* A PNP0C0A battery under the machine's LPC bridge: "ssdt-battery.aml". */
int ov_ssdt_battery(struct ov_ctx *ctx, enum ov_machine machine, enum ov_battery kind,
		    struct ov_ssdt_set *set);
