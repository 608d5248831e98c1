// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The VM as one QEMU command line that starts it: the layout of the libvirt
 * patch (facts-qemu-libvirt §4.2 shows the arguments libvirt generates for
 * it) plus what libvirt would otherwise add, with each value escaped for
 * QEMU's option parser.
 *
 * Guest PCI map (-nodefaults: QEMU adds nothing of its own to pcie.0 but
 * q35's fixed 00:00.0 host bridge and 00:1f.x LPC, AHCI, SMBus):
 *   00:01.0  pcie-root-port, hotplug off   01:00.0  the GPU (vfio-pci)
 *   00:02.0  emulated VGA, where the laptop has its iGPU: the console, as
 *            an Optimus dGPU has no display outputs of its own
 *   00:03.0  e1000e (Windows has a driver for it out of the box)
 *   00:04.0  qemu-xhci with a USB tablet, with the fake battery
 */
#include "vm/vm.h"
#include "vm/qemu-argv.h"
#include "vm/strv.h"
#include "aml/guest-path.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROOT_PORT_ID "optivfio-rp"
#define GPU_ID "optivfio-gpu"

void ovq_push_tables(struct ovs *s, const struct ov_vm_config *cfg)
{
	for (size_t i = 0; i < cfg->n_tables; i++) {
		ovs_push(s, "-acpitable");
		ovs_push_escaped(s, "file=", cfg->acpi_tables[i]);
	}
	if (cfg->fwcfg_name && cfg->fwcfg_file) {
		char *n = ovs_escape(s, cfg->fwcfg_name), *f = ovs_escape(s, cfg->fwcfg_file);

		ovs_push(s, "-fw_cfg");
		if (n && f)
			ovs_push(s, "name=%s,file=%s", n, f);
		free(n);
		free(f);
	}
}

/* facts §4.4: chassis = index 1, port = slot<<3|fn = 8, no hotplug. */
static void push_layout(struct ovs *s, const struct ov_vm_config *cfg)
{
	struct ov_guest_topology t;
	char bdf[OV_BDF_STRLEN], sub[64] = "", *rom = NULL;

	ov_vm_layout_topology(OV_VM_LAYOUT_MIRROR, &t);
	ov_bdf_format(&cfg->host_gpu, bdf);
	ovs_push(s, "-device");
	ovs_push(s, "pcie-root-port,id=" ROOT_PORT_ID ",bus=pcie.0,addr=%02x.%x,chassis=1,"
		 "port=0x%x,hotplug=off", t.rp_slot, t.rp_fn, t.rp_slot << 3 | t.rp_fn);
	if (cfg->have_sub_ids)
		/* facts §5: the x-pci-sub-* properties are parsed with base 0. */
		snprintf(sub, sizeof(sub), ",x-pci-sub-vendor-id=0x%04x,x-pci-sub-device-id=0x%04x",
			 cfg->sub_vendor, cfg->sub_device);
	/* The MXM-ROM alternative: the ROM BAR shows this file. */
	if (cfg->rom_bar_file)
		rom = ovs_escape(s, cfg->rom_bar_file);
	ovs_push(s, "-device");
	ovs_push(s, "vfio-pci,host=%s,id=" GPU_ID ",bus=" ROOT_PORT_ID ",addr=%02x.%x%s%s%s",
		 bdf, t.gpu_slot, t.gpu_fn, sub, rom ? ",rombar=1,romfile=" : "", rom ? rom : "");
	free(rom);
}

/*
 * The CPU as the guest's NVIDIA driver sees it. Hyper-V enlightenments
 * keep Windows fast; hiding adds kvm=off (no KVM CPUID signature) and our
 * own Hyper-V vendor id in place of "Microsoft Hv".
 */
static void push_cpu(struct ovs *s, const struct ov_vm_config *cfg, const char *seed)
{
	char vendor[OV_VM_HV_VENDOR_ID_LEN + 1];

	ovs_push(s, "-cpu");
	if (cfg->hide_hypervisor == OV_VM_HIDE_OFF) {
		ovs_push(s, "host,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,hv-time");
		return;
	}
	ov_vm_hv_vendor_id(seed, vendor);
	ovs_push(s, "host,kvm=off,hv-vendor-id=%s,hv-relaxed,hv-vapic,hv-spinlocks=0x1fff,"
		 "hv-time", vendor);
}

/* The image format from the name, so QEMU does not probe (and guard) raw. */
static const char *image_format(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && !strcmp(dot, ".qcow2"))
		return ",format=qcow2";
	if (dot && (!strcmp(dot, ".img") || !strcmp(dot, ".raw") || !strcmp(dot, ".iso")))
		return ",format=raw";
	return "";
}

static void push_drive(struct ovs *s, const char *file, const char *id, const char *media,
		       const char *device, const char *bus)
{
	char *f;

	if (!file)
		return;
	f = ovs_escape(s, file);
	ovs_push(s, "-drive");
	if (f)
		ovs_push(s, "file=%s,if=none,id=%s%s%s", f, id, media, image_format(file));
	free(f);
	ovs_push(s, "-device");
	/* q35's built-in AHCI (00:1f.2) has the ports ide.0 .. ide.5. */
	ovs_push(s, "%s,drive=%s,bus=%s", device, id, bus);
}

int ov_vm_qemu_args(struct ov_ctx *ctx, const struct ov_vm_config *cfg,
		    char ***argv, size_t *argc)
{
	const struct ov_vm_qemu_machine *m = cfg->qemu;
	struct ovs s = { NULL, 0, false };
	const char *name;

	if (!m || !m->ovmf_code || !m->ovmf_vars)
		return ov_ctx_fail(ctx, EINVAL, "no UEFI firmware given for the QEMU command");
	name = m->name && *m->name ? m->name : "optivfio";
	ovs_push(&s, "%s", m->binary ? m->binary : "qemu-system-x86_64");
	ovs_push(&s, "-name");
	ovs_push_escaped(&s, "", name);
	ovs_push(&s, "-machine");
	ovs_push(&s, "q35");
	ovs_push(&s, "-accel");
	ovs_push(&s, "kvm");
	push_cpu(&s, cfg, name);
	ovs_push(&s, "-smp");
	ovs_push(&s, "%u", m->cpus ? m->cpus : 4);
	ovs_push(&s, "-m");
	ovs_push(&s, "%u", m->memory_mib ? m->memory_mib : 8192);
	ovs_push(&s, "-nodefaults");
	/* OVMF: the firmware read-only, the variables in this VM's own copy. */
	ovs_push(&s, "-drive");
	ovs_push_escaped(&s, "if=pflash,format=raw,unit=0,readonly=on,file=", m->ovmf_code);
	ovs_push(&s, "-drive");
	ovs_push_escaped(&s, "if=pflash,format=raw,unit=1,file=", m->ovmf_vars);
	push_layout(&s, cfg);
	ovs_push(&s, "-device");
	ovs_push(&s, "VGA,id=optivfio-vga,bus=pcie.0,addr=0x2");
	ovs_push(&s, "-netdev");
	ovs_push(&s, "user,id=optivfio-net");
	ovs_push(&s, "-device");
	ovs_push(&s, "e1000e,netdev=optivfio-net,bus=pcie.0,addr=0x3");
	push_drive(&s, m->disk, "optivfio-disk", "", "ide-hd", "ide.0");
	push_drive(&s, m->cdrom, "optivfio-cd", ",media=cdrom,readonly=on", "ide-cd", "ide.1");
	if (cfg->battery) {
		/* With a battery, PS/2 and virtio pointers lose left clicks
		 * while keys are held; a USB tablet does not. */
		ovs_push(&s, "-device");
		ovs_push(&s, "qemu-xhci,id=optivfio-xhci,bus=pcie.0,addr=0x4");
		ovs_push(&s, "-device");
		ovs_push(&s, "usb-tablet,bus=optivfio-xhci.0");
	}
	ovq_push_tables(&s, cfg);
	return ovs_finish(ctx, &s, argv, argc);
}
