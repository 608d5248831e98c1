/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The vm commands' work, for `vm` itself and for setup: the options as a
 * struct (no argv), and where what they say goes.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct ov_cli;

/* Options every vm command shares: where the configuration comes from. */
struct ov_cli_vm_opts {
	const char *gpu, *ssdt_dir, *rom_bar, *libvirt_version;
	const char *sub_vendor, *sub_device, *hide;
	bool battery;
	/* libvirt */
	const char *domain_xml, *output;
	bool remove;
	/* qemu */
	const char *name, *memory, *cpus, *ovmf_code, *ovmf_vars, *disk, *cdrom;
	/* proxmox */
	const char *vmid;
};

struct ov_cli_vm_report {
	FILE *out;		/* the QEMU command or Proxmox lines; NULL: stdout */
	FILE *log;		/* warnings and hints; NULL: stderr */
	const char *failed;	/* before the error line: "" or "setup: step 'vm' failed: " */
};

/* vm libvirt: patch (or --remove) o->domain_xml into o->output. An exit code. */
int ov_cli_vm_libvirt(struct ov_cli *cli, const struct ov_cli_vm_opts *o,
		      const struct ov_cli_vm_report *rep);
/* vm qemu (@proxmox false) or vm proxmox: the command or the lines. An exit code. */
int ov_cli_vm_lines(struct ov_cli *cli, const struct ov_cli_vm_opts *o, bool proxmox,
		    const struct ov_cli_vm_report *rep);
