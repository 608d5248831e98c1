/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The host model: every PCI function with what a passthrough needs to know
 * about it, the IOMMU groups, and which device is the discrete GPU.
 *
 * Read-only: nothing here writes to the host (design.md §1). Config space
 * and names come from libpci; driver, driver_override, IOMMU group, ACPI
 * path, power state and ROM BAR size from sysfs. Everything is read through
 * the context's root.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bdf.h"

struct ov_ctx;

/* PCI class codes (PCI Code and ID Assignment Spec 1.x, base class 03h). */
#define OV_CLASS_DISPLAY_VGA	0x0300	/* muxed: can drive outputs */
#define OV_CLASS_DISPLAY_3D	0x0302	/* muxless Optimus: no outputs */
#define OV_CLASS_BRIDGE_PCI	0x0604
#define OV_CLASS_AUDIO_HDA	0x0403

/* boot_vga is there but could not be read: whoever needs it must refuse. */
#define OV_BOOT_VGA_UNREADABLE (-2)

struct ov_pci_dev {
	struct ov_bdf bdf;
	bool ids_known;			/* config space (or sysfs ids) was readable */
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class_code;		/* 24 bits: base, sub, prog-if */
	uint8_t revision;
	uint8_t header_type;		/* low 7 bits of config 0x0E; -> bridge if 1 */
	char driver[64];		/* "" when no driver is bound */
	char driver_override[64];	/* "" when none is set */
	int iommu_group;		/* -1: no IOMMU group (IOMMU off) */
	char acpi_path[256];		/* firmware_node/path, "" when none */
	char power_state[16];		/* "D0", "D3hot", "D3cold"; "" unknown */
	uint64_t rom_size;		/* ROM BAR size in bytes, 0: none */
	int boot_vga;			/* 1, 0, -1 when the file is absent, or
					 * OV_BOOT_VGA_UNREADABLE */
	bool has_parent;		/* upstream bridge known from the sysfs path */
	struct ov_bdf parent;
	char vendor_name[128];		/* from pci.ids, "" when unknown */
	char device_name[160];
	char subsys_name[160];
	char class_name[96];
};

struct ov_host {
	struct ov_pci_dev *devs;	/* sorted by BDF */
	size_t n_devs;
};

/* Scan /sys/bus/pci/devices under the root. */
int ov_host_scan(struct ov_ctx *ctx, struct ov_host **ret);
void ov_host_free(struct ov_host *host);

const struct ov_pci_dev *ov_host_find(const struct ov_host *host, const struct ov_bdf *bdf);

static inline uint16_t ov_pci_class(const struct ov_pci_dev *d)
{
	return (uint16_t)(d->class_code >> 8);
}

bool ov_pci_is_display(const struct ov_pci_dev *d);
bool ov_pci_is_bridge(const struct ov_pci_dev *d);

/*
 * The discrete GPU: a display-class function (0300 VGA or 0302 3D) that is
 * not the boot VGA device, NVIDIA first. With @want non-NULL, that device
 * must exist and be a display device. -ENODEV (with a message) when there
 * is none, -ENOTUNIQ when several qualify and nothing prefers one.
 */
int ov_host_pick_dgpu(struct ov_ctx *ctx, const struct ov_host *host,
		      const struct ov_bdf *want, const struct ov_pci_dev **ret);

/*
 * The other functions of the same slot (the dGPU's HDMI audio at .1).
 * Fills up to @max pointers, returns how many exist.
 */
size_t ov_host_siblings(const struct ov_host *host, const struct ov_pci_dev *dev,
			const struct ov_pci_dev **out, size_t max);
