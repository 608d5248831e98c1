// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VM as Proxmox VE lines. Proxmox builds the QEMU command itself
 * (qemu-server PVE/QemuServer.pm config_to_command); we use its own options
 * wherever it has one and "args:" only for what it has none for:
 * - hostpci0 with pcie=1 becomes vfio-pci on bus ich9-pcie-port-1, the
 *   pcie-root-port at 00:1c.0 of pve-q35-4.0.cfg (PVE/QemuServer/PCI.pm,
 *   hostpci0 => ich9-pcie-port-1); the tables must target that node,
 *   OV_VM_LAYOUT_PROXMOX. sub-vendor-id/sub-device-id become vfio-pci's
 *   x-pci-sub-* properties (PCI.pm print_hostpci_devices).
 * - cpu: hidden=1 is kvm=off, hv-vendor-id= the Hyper-V vendor id
 *   (PVE/QemuServer/CPUConfig.pm).
 * - Proxmox's root ports keep hotplug on; -global turns it off for them,
 *   so Windows does not offer the GPU for "safe removal" and QEMU gives the
 *   port no ACPI hotplug methods of its own.
 */
#include "vm/vm.h"
#include "vm/qemu-argv.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "args:" and its arguments shell-quoted: PVE::Tools::split_args splits it like a shell. */
static void push_args_line(struct ovs *lines, const struct ovs *args)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f;

	if (lines->failed || !args->n)
		return;
	f = open_memstream(&line, &len);
	if (!f) {
		lines->failed = true;
		return;
	}
	fputs("args:", f);
	for (size_t i = 0; i < args->n; i++) {
		char *q = ov_vm_shell_quote(args->v[i]);

		fprintf(f, " %s", q ? q : "''");
		lines->failed |= !q;
		free(q);
	}
	if (fclose(f) == 0 && line)
		ovs_push(lines, "%s", line);
	else
		lines->failed = true;
	free(line);
}

int ov_vm_proxmox_lines(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
			char ***lines, size_t *n)
{
	struct ovs s = { NULL, 0, false }, a = { NULL, 0, false };
	char bdf[OV_BDF_STRLEN], sub[80] = "", rom[300] = "";
	char vendor[OV_VM_HV_VENDOR_ID_LEN + 1];

	ov_bdf_format(&cfg->host_gpu, bdf);
	ovs_push(&s, "machine: q35");
	/* UEFI: Proxmox asks for an efidisk0 to keep the variables. */
	ovs_push(&s, "bios: ovmf");
	if (cfg->hide_hypervisor == OV_VM_HIDE_OFF) {
		ovs_push(&s, "cpu: host");
	} else {
		ov_vm_hv_vendor_id(cfg->vmid, vendor);
		ovs_push(&s, "cpu: host,hidden=1,hv-vendor-id=%s", vendor);
	}
	if (cfg->have_sub_ids)
		snprintf(sub, sizeof(sub), ",sub-vendor-id=0x%04x,sub-device-id=0x%04x",
			 cfg->sub_vendor, cfg->sub_device);
	if (cfg->rom_bar_file) {
		/* Proxmox looks romfile up under /usr/share/kvm/. */
		const char *base = strrchr(cfg->rom_bar_file, '/');

		base = base ? base + 1 : cfg->rom_bar_file;
		if (strlen(base) > sizeof(rom) - 32 || strpbrk(base, ", \t\n")) {
			ov_vm_strv_free(s.v);
			return ov_ctx_fail(ctx, EINVAL,
					   "ROM file name \"%s\": Proxmox needs a short name "
					   "without commas or spaces", base);
		}
		snprintf(rom, sizeof(rom), ",rombar=1,romfile=%s", base);
	}
	ovs_push(&s, "hostpci0: %s,pcie=1%s%s", bdf, sub, rom);
	/* With a battery, PS/2 and virtio pointers lose left clicks while keys
	 * are held; Proxmox's tablet option is a USB tablet. */
	if (cfg->battery)
		ovs_push(&s, "tablet: 1");
	ovs_push(&a, "-global");
	ovs_push(&a, "pcie-root-port.hotplug=off");
	ovq_push_tables(&a, cfg);
	s.failed |= a.failed;
	push_args_line(&s, &a);
	ov_vm_strv_free(a.v);
	return ovs_finish(ctx, &s, lines, n);
}
