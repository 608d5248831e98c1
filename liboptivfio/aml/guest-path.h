/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The GPU's ACPI path in the guest, as QEMU names it, and whether QEMU's own
 * DSDT already declares that node (facts-qemu-libvirt §1.1, §1.2, §7.1).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ov_ctx;
struct aml;

enum ov_machine {
	OV_MACHINE_Q35,
	OV_MACHINE_PC,
};

struct ov_qemu_version {
	unsigned int major, minor;
};

enum ov_bridge_hotplug {
	OV_BRIDGE_HOTPLUG_DEFAULT,	/* the machine type's default (on for pc-q35 >= 6.1) */
	OV_BRIDGE_HOTPLUG_ON,
	/* -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off (or PIIX4_PM) */
	OV_BRIDGE_HOTPLUG_OFF,
};

struct ov_guest_topology {
	enum ov_machine machine;
	bool has_root_port;		/* false: the GPU sits on the root bus */
	uint8_t rp_slot, rp_fn;		/* the root port (or bridge) on bus 0 */
	uint8_t gpu_slot, gpu_fn;	/* the GPU, behind the port or on bus 0 */
	struct ov_qemu_version qemu;
	enum ov_bridge_hotplug bridge_hotplug;
};

#define OV_ACPI_PATH_MAX 64

struct ov_gpu_target {
	char path[OV_ACPI_PATH_MAX];	/* "\\_SB.PCI0.S08.S00" */
	/*
	 * true: QEMU does not declare the GPU node, the SSDT creates it as
	 * Scope(parent) { Device(Sxx) { Name(_ADR, adr) ... } }; false: the SSDT
	 * only adds to it with Scope(path). Never both (AE_ALREADY_EXISTS).
	 */
	bool create_device;
	uint32_t adr;			/* slot << 16 | fn (ACPI §6.1.1 _ADR) */
};

/* The LPC/ISA bridge: \_SB.PCI0.SF8 on q35 (QEMU >= 7.2), \_SB.PCI0.S08 on pc. */
const char *ov_guest_lpc_path(enum ov_machine machine);

/* "q35"/"pc" -> enum; -EINVAL otherwise. */
int ov_machine_parse(const char *s, enum ov_machine *ret);

/* "SS.F" (hex slot 00-1f, function 0-7) as in lspci; -EINVAL otherwise. */
int ov_slot_fn_parse(const char *s, uint8_t *slot, uint8_t *fn);

/* Path and Scope-vs-Device decision from a guest topology. */
int ov_gpu_target_from_topology(struct ov_ctx *ctx, const struct ov_guest_topology *topo,
				struct ov_gpu_target *ret);
/* An explicit path that QEMU (or another table) declares: always Scope. */
int ov_gpu_target_from_path(struct ov_ctx *ctx, const char *path, struct ov_gpu_target *ret);

/* Open the GPU node in @a (Scope, or Scope + Device + _ADR); close with ov_gpu_close(). */
void ov_gpu_open(struct aml *a, const struct ov_gpu_target *gpu);
void ov_gpu_close(struct aml *a, const struct ov_gpu_target *gpu);

/* QEMU version "X.Y" or "X.Y.Z" (also "QEMU emulator version X.Y.Z ..."). */
int ov_qemu_version_parse(const char *s, struct ov_qemu_version *ret);
/* Run `@binary --version` (NULL: qemu-system-x86_64 from PATH) and parse it. */
int ov_qemu_version_probe(struct ov_ctx *ctx, const char *binary, struct ov_qemu_version *ret);
