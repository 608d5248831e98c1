/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VM configuration (design.md §5): what the guest needs so the NVIDIA
 * driver accepts a passed-through Optimus dGPU, written three ways — a
 * patched libvirt domain XML, QEMU arguments, Proxmox lines.
 *
 * Guest topology (facts-qemu-libvirt §4.4, §7): q35, a pcie-root-port
 * (controller index 1) at 00:01.0 with hotplug off, the GPU at slot 0
 * behind it, so its guest ACPI node is \_SB.PCI0.S08.S00 where the SSDT
 * puts _ROM.
 *
 * The configuration is plain data built by the caller; nothing here reads
 * or changes the host.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bdf.h"

struct ov_ctx;
struct ov_guest_topology;

/* libvirt versions as libvirt encodes them: major*1000000+minor*1000+micro. */
#define OV_LIBVIRT_VERSION(a, b, c) ((a) * 1000000u + (b) * 1000u + (c))
/* Debian 12: what we assume when nobody tells us. */
#define OV_LIBVIRT_VERSION_DEFAULT OV_LIBVIRT_VERSION(9, 0, 0)
/* facts-qemu-libvirt §4.1 */
#define OV_LIBVIRT_HAS_FWCFG_SYSINFO OV_LIBVIRT_VERSION(6, 5, 0)
#define OV_LIBVIRT_HAS_QEMU_OVERRIDE OV_LIBVIRT_VERSION(8, 2, 0)
#define OV_LIBVIRT_HAS_RAW_ACPI_TABLE OV_LIBVIRT_VERSION(11, 2, 0)

/* The user alias of the GPU hostdev, the handle for <qemu:override>. */
#define OV_VM_GPU_ALIAS "ua-optivfio-gpu"
#define OV_VM_ROOT_PORT_ALIAS "ua-optivfio-rp"
#define OV_VM_TABLET_ALIAS "ua-optivfio-tablet"
/* Our <metadata> element, the record of everything the patch changed. */
#define OV_VM_XMLNS "urn:optivfio:libvirt:1"

/*
 * The guest PCI layout an output builds. libvirt and plain QEMU mirror the
 * laptop: a root port at 00:01.0, the GPU at 01:00.0 (\_SB.PCI0.S08.S00).
 * Proxmox's hostpci0 with pcie=1 sits behind Proxmox's own first root port,
 * ich9-pcie-port-1 at 00:1c.0 (qemu-server src/usr/pve-q35-4.0.cfg,
 * PVE/QemuServer/PCI.pm), so there the GPU is \_SB.PCI0.SE0.S00.
 */
enum ov_vm_layout { OV_VM_LAYOUT_MIRROR, OV_VM_LAYOUT_PROXMOX };
/* The guest topology of @layout (q35, root port, GPU at slot 0 behind it). */
void ov_vm_layout_topology(enum ov_vm_layout layout, struct ov_guest_topology *ret);
/* "mirror"/"libvirt"/"qemu" or "proxmox" -> layout; -EINVAL otherwise. */
int ov_vm_layout_parse(const char *s, enum ov_vm_layout *ret);
/* The GPU's guest ACPI path in @layout, the node the tables must target. */
const char *ov_vm_layout_gpu_path(enum ov_vm_layout layout);

/*
 * Hiding the hypervisor from the NVIDIA driver: its Windows drivers before
 * 465 stop with Code 43 when CPUID names KVM or Hyper-V. ON sets kvm=off
 * (KVM's CPUID signature gone, and with it the paravirtual clock and EOI)
 * and a Hyper-V vendor id of our own; AUTO is ON except for a libvirt
 * domain whose libosinfo id names a guest that is not Windows.
 */
enum ov_vm_hide { OV_VM_HIDE_AUTO, OV_VM_HIDE_ON, OV_VM_HIDE_OFF };
int ov_vm_hide_parse(const char *s, enum ov_vm_hide *ret);
/* Hyper-V vendor ids are at most 12 characters (QEMU hv-vendor-id). */
#define OV_VM_HV_VENDOR_ID_LEN 12
/*
 * A vendor id that looks random but is the same for the same @seed (the
 * domain's UUID, the Proxmox VMID, the QEMU VM's name): re-running gives
 * the same id, two VMs get different ones. Letters and digits only, as
 * Proxmox's hv-vendor-id accepts.
 */
void ov_vm_hv_vendor_id(const char *seed, char out[OV_VM_HV_VENDOR_ID_LEN + 1]);

/* How `vm qemu` starts the VM; the libvirt and Proxmox outputs ignore it. */
struct ov_vm_qemu_machine {
	const char *binary;		/* NULL: qemu-system-x86_64 */
	const char *name;		/* -name, and the seed of the vendor id */
	unsigned memory_mib, cpus;	/* 0: 8192 MiB, 4 vCPUs */
	const char *ovmf_code;		/* UEFI firmware, read-only */
	const char *ovmf_vars;		/* this VM's own copy of the variable store */
	const char *disk, *cdrom;	/* NULL: none */
};

/* The installed OVMF code file (no Secure Boot), into @code. */
int ov_vm_ovmf_find(struct ov_ctx *ctx, char *code, size_t size);
/* The variable store template that belongs to @code (CODE -> VARS), into @buf. */
int ov_vm_ovmf_vars_template(struct ov_ctx *ctx, const char *code, char *buf, size_t size);

struct ov_vm_config {
	struct ov_bdf host_gpu;		/* the dGPU on the host (function 0) */
	bool have_sub_ids;		/* mirror the host's subsystem ids */
	uint16_t sub_vendor, sub_device;
	const char *const *acpi_tables;	/* absolute paths, in QEMU order */
	size_t n_tables;
	const char *fwcfg_name;		/* fwcfg mode: "opt/..." or NULL */
	const char *fwcfg_file;		/* fwcfg mode: absolute ROM path */
	const char *rom_bar_file;	/* <rom bar='on' file=...>, absolute, or NULL */
	bool battery;			/* pointer becomes a USB tablet */
	unsigned libvirt_version;	/* 0: OV_LIBVIRT_VERSION_DEFAULT */
	enum ov_vm_hide hide_hypervisor;
	const char *vmid;		/* Proxmox: the VM id, seed of the vendor id */
	const struct ov_vm_qemu_machine *qemu; /* vm qemu: NULL is refused */
};

/* "X.Y.Z" or "X.Y" → libvirt's number; false on anything else. */
bool ov_vm_parse_libvirt_version(const char *s, unsigned *ret);

/* Warnings the patcher wants the user to see (the library never prints). */
struct ov_vm_notes {
	char **lines;
	size_t n;
};
void ov_vm_notes_clear(struct ov_vm_notes *notes);

/*
 * Patch a domain XML (as `virsh dumpxml` or virt-manager write it). The
 * document is edited as a tree; everything not ours keeps its place,
 * comments and whitespace. Everything we add or change is recorded in
 * <metadata><optivfio:vm> so that ov_vm_libvirt_remove() restores the
 * input; a document that already carries our patch is first restored, so
 * patching is idempotent. *xml_out is malloc'd and NUL-terminated.
 * @notes (may be NULL) collects warnings.
 */
int ov_vm_libvirt_patch(struct ov_ctx *ctx, const char *xml_in, size_t len,
			const struct ov_vm_config *cfg, struct ov_vm_notes *notes,
			char **xml_out, size_t *len_out);

/*
 * Take our patch out again. A document without it is returned unchanged
 * and *was_patched (may be NULL) set to false.
 */
int ov_vm_libvirt_remove(struct ov_ctx *ctx, const char *xml_in, size_t len,
			 char **xml_out, size_t *len_out, bool *was_patched);

/*
 * The same configuration as one QEMU command line that starts the VM:
 * argv[0] is the binary, then machine, accelerator, CPU, firmware, memory,
 * display, the layout and tables (NULL-terminated, every element malloc'd;
 * free with ov_vm_strv_free()). Needs cfg->qemu.
 */
int ov_vm_qemu_args(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
		    char ***argv, size_t *argc);
void ov_vm_strv_free(char **strv);

/*
 * Proxmox VE lines for /etc/pve/qemu-server/<vmid>.conf: "machine: q35",
 * "bios: ovmf", "cpu: ...", "hostpci0: ..." with Proxmox's own subsystem id
 * options, and "args: ..." (QEMU arguments, shell-quoted because Proxmox
 * splits them like a shell). The tables must target OV_VM_LAYOUT_PROXMOX's
 * path. NULL-terminated like ov_vm_qemu_args.
 */
int ov_vm_proxmox_lines(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
			char ***lines, size_t *n);

/* One QEMU option value with commas doubled (QEMU's escaping); malloc'd. */
char *ov_vm_qemu_escape(const char *value);
/* @s quoted for a POSIX shell (as is when safe, else '...'); malloc'd. */
char *ov_vm_shell_quote(const char *s);

/*
 * The manifest that `optivfio ssdt -o DIR` writes next to its tables
 * (optivfio-ssdt.json). Paths are made absolute against DIR.
 */
enum ov_vm_battery { OV_VM_BATTERY_NONE, OV_VM_BATTERY_ABSENT, OV_VM_BATTERY_PRESENT };
struct ov_vm_ssdt_manifest {
	bool fwcfg_mode;		/* "mode": "fwcfg" (else "embed") */
	char *gpu_path;
	char *fw_cfg_name;		/* NULL in embed mode */
	char *rom;			/* absolute, NULL in embed mode */
	char **tables;			/* absolute, QEMU order */
	size_t n_tables;
	enum ov_vm_battery battery;
};
#define OV_VM_SSDT_MANIFEST "optivfio-ssdt.json"
int ov_vm_ssdt_manifest_load(struct ov_ctx *ctx, const char *dir,
			     struct ov_vm_ssdt_manifest *ret);
/*
 * Refuse tables built for another guest layout: their _ROM would sit on a
 * node the GPU is not at, and the driver would find no ROM (Code 43).
 */
int ov_vm_check_layout(struct ov_ctx *ctx, const struct ov_vm_ssdt_manifest *m,
		       enum ov_vm_layout layout);
void ov_vm_ssdt_manifest_free(struct ov_vm_ssdt_manifest *m);
