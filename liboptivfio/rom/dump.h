/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Getting the ROM off a device: the sysfs ROM BAR (rom attribute) or the
 * firmware's ACPI _ROM through acpi_call (facts §1, §2, §4.1). Both return
 * exactly the image chain (NPDE-aware), never a size guessed from replies.
 * Validating ids against the device is the caller's job (ov_rom_validate_ids).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rom/acpi-call.h"

struct ov_ctx;

/* No ROM is near this; a chain that claims more is garbage. */
#define OV_ROM_DUMP_MAX (16u << 20)

struct ov_rom_progress {
	/* @total is 0 while the chain end is not known yet. */
	void (*fn)(void *userdata, size_t done, size_t total);
	void *userdata;
};

struct ov_acpi_dump_stats {
	size_t calls;		/* _ROM calls made */
	size_t chunk;		/* bytes per call the module showed (42 with BUFFER_SIZE 256) */
};

/*
 * Read the ROM through "<acpi_path>._ROM": at most the module's per-call
 * limit, never across a 4 KiB boundary, each call must make progress, and
 * stop at the end of the NPDE-aware chain. *data is malloc'd, *len the
 * chain length.
 */
int ov_rom_dump_acpi(struct ov_ctx *ctx, const struct ov_acpi_call_ops *ops,
		     void *userdata, const char *acpi_path, const struct ov_rom_progress *progress,
		     uint8_t **data, size_t *len, struct ov_acpi_dump_stats *stats);

/* The device's ACPI path from sysfs firmware_node/path (newline stripped). */
int ov_rom_acpi_path(struct ov_ctx *ctx, const char *bdf, char *buf, size_t size);

struct ov_rom_sysfs_ops {
	/* Write "1\n" (on) or exactly "0\n" (off) to the rom attribute. */
	int (*enable)(void *userdata, bool on);
	/* pread() the attribute: bytes read, 0 at the end, or -errno. */
	ssize_t (*read)(void *userdata, uint8_t *buf, size_t len, size_t off);
};

/*
 * Read the ROM BAR: enable, read to the end, ALWAYS disable again (even
 * after an error), then cut to the chain. Errors say what the kernel's
 * answer means (facts §4.1).
 */
int ov_rom_dump_sysfs_ops(struct ov_ctx *ctx, const struct ov_rom_sysfs_ops *ops,
			  void *userdata, uint8_t **data, size_t *len);

/*
 * The same on /sys/bus/pci/devices/BDF/rom under the root. A rom file that
 * is not on sysfs (a --root fixture) is just read: nothing is written to it.
 * On failure the message also names the device's power state and driver
 * when they explain it.
 */
int ov_rom_dump_sysfs(struct ov_ctx *ctx, const char *bdf, uint8_t **data, size_t *len);

/* vendor and device attributes of /sys/bus/pci/devices/BDF. */
int ov_rom_device_ids(struct ov_ctx *ctx, const char *bdf, uint16_t *vendor,
		      uint16_t *device);
