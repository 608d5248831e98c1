// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One guest layout per output, and the tables checked against it: the ACPI
 * path the SSDT targets and the guest address the VM config gives the GPU
 * come from the same ov_guest_topology, so they cannot drift apart.
 */
#include "vm/vm.h"
#include "aml/guest-path.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

void ov_vm_layout_topology(enum ov_vm_layout layout, struct ov_guest_topology *ret)
{
	/* Slot 0 function 0 behind the port: a PCIe port has one device. */
	*ret = (struct ov_guest_topology){
		.machine = OV_MACHINE_Q35,
		.has_root_port = true,
		.rp_slot = layout == OV_VM_LAYOUT_PROXMOX ? 0x1c : 0x01,
	};
}

const char *ov_vm_layout_gpu_path(enum ov_vm_layout layout)
{
	/* QEMU names PCI nodes S%02X of slot << 3 | function (ACPI §6.1.1 _ADR). */
	return layout == OV_VM_LAYOUT_PROXMOX ? "\\_SB.PCI0.SE0.S00" : "\\_SB.PCI0.S08.S00";
}

int ov_vm_layout_parse(const char *s, enum ov_vm_layout *ret)
{
	if (!strcmp(s, "mirror") || !strcmp(s, "libvirt") || !strcmp(s, "qemu"))
		*ret = OV_VM_LAYOUT_MIRROR;
	else if (!strcmp(s, "proxmox"))
		*ret = OV_VM_LAYOUT_PROXMOX;
	else
		return -EINVAL;
	return 0;
}

int ov_vm_hide_parse(const char *s, enum ov_vm_hide *ret)
{
	if (!strcmp(s, "auto"))
		*ret = OV_VM_HIDE_AUTO;
	else if (!strcmp(s, "on"))
		*ret = OV_VM_HIDE_ON;
	else if (!strcmp(s, "off"))
		*ret = OV_VM_HIDE_OFF;
	else
		return -EINVAL;
	return 0;
}

/* FNV-1a, 64 bits: stable across machines and releases, which is all we need. */
static uint64_t fnv1a(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

void ov_vm_hv_vendor_id(const char *seed, char out[OV_VM_HV_VENDOR_ID_LEN + 1])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	const char *text = seed ? seed : "";
	uint64_t h = fnv1a(text, 0xcbf29ce484222325ull);

	/* A letter first: some tools read an all-digit id as a number. */
	out[0] = alphabet[h % 26];
	h /= 26;
	for (int i = 1; i < OV_VM_HV_VENDOR_ID_LEN; i++) {
		/* 26 * 36^11 > 2^64: refill from a second hash before h runs dry. */
		if (i == 7)
			h = fnv1a(text, h ^ 0x9e3779b97f4a7c15ull);
		out[i] = alphabet[h % 36];
		h /= 36;
	}
	out[OV_VM_HV_VENDOR_ID_LEN] = 0;
}

/*
 * ACPI name segments are four characters, padded with '_' (ACPI §5.3,
 * NameSeg): \_SB.PCI0.S08.S00 and \_SB_.PCI0.S08_.S00_ are one path.
 */
static bool same_acpi_path(const char *a, const char *b)
{
	for (;;) {
		size_t la = strcspn(a, "."), lb = strcspn(b, ".");

		for (size_t i = 0; i < 4 || i < la || i < lb; i++) {
			char ca = i < la ? a[i] : '_', cb = i < lb ? b[i] : '_';

			if (ca != cb)
				return false;
		}
		a += la;
		b += lb;
		if (!*a || !*b)
			return !*a && !*b;
		a++;
		b++;
	}
}

int ov_vm_check_layout(struct ov_ctx *ctx, const struct ov_vm_ssdt_manifest *m,
		       enum ov_vm_layout layout)
{
	const char *want = ov_vm_layout_gpu_path(layout);

	if (!m->gpu_path || same_acpi_path(m->gpu_path, want))
		return 0;
	return ov_ctx_fail(ctx, EINVAL,
			   "the tables put _ROM on %s, but this VM has the GPU at %s "
			   "(rebuild them with `optivfio ssdt --layout %s`)",
			   m->gpu_path, want,
			   layout == OV_VM_LAYOUT_PROXMOX ? "proxmox" : "mirror");
}
