// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The guest side of the pipeline: each check is what a step of the host
 * side was supposed to arrange (design.md §5), seen from inside the VM.
 */
#include "guest/guest.h"
#include "aml/guest-path.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"
#include "guest/tables.h"
#include "host/host.h"
#include "rom/dump.h"
#include "rom/rom.h"
#include "vm/vm.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PCI_VENDOR_NVIDIA 0x10de

struct guest {
	struct ov_ctx *ctx;
	const struct ov_guest_opts *opts;
	struct ov_guest_report *rep;
};

static int add(struct guest *g, const char *id, enum ov_check_status st, const char *fix,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct guest *g, const char *id, enum ov_check_status st, const char *fix,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ov_checks_vadd(g->ctx, &g->rep->checks, &g->rep->n_checks, id, st, fix, fmt, ap);
	va_end(ap);
	return r;
}

/*
 * The passed GPU: NVIDIA first; else the one display device behind a
 * bridge (our layout puts it at 01:00.0 behind a root port, while the
 * VM's own emulated display sits on bus 0); else what the host rule picks.
 */
static const struct ov_pci_dev *find_gpu(struct guest *g, const struct ov_host *host)
{
	const struct ov_pci_dev *nvidia = NULL, *behind = NULL, *d = NULL;
	size_t n_nvidia = 0, n_behind = 0;

	if (g->opts->gpu)
		return ov_host_pick_dgpu(g->ctx, host, g->opts->gpu, &d) < 0 ? NULL : d;
	for (size_t i = 0; i < host->n_devs; i++) {
		const struct ov_pci_dev *x = &host->devs[i];

		if (!ov_pci_is_display(x))
			continue;
		if (x->vendor == PCI_VENDOR_NVIDIA) {
			nvidia = x;
			n_nvidia++;
		}
		if (x->bdf.bus != 0) {
			behind = x;
			n_behind++;
		}
	}
	if (n_nvidia == 1)
		return nvidia;
	if (n_behind == 1)
		return behind;
	return ov_host_pick_dgpu(g->ctx, host, NULL, &d) < 0 ? NULL : d;
}

/*
 * The GPU where the VM outputs put it (vm/vm.h layouts): 01:00.0 behind the
 * root port at 00:01.0 like the laptop's PEG port, or on Proxmox behind its
 * own first port at 00:1c.0. The tables' node follows the layout (ssdt-path).
 */
static int check_layout(struct guest *g, const struct ov_host *host, const struct ov_pci_dev *gpu)
{
	static const struct ov_bdf want_gpu = { 0, 1, 0, 0 };
	static const enum ov_vm_layout layouts[] = { OV_VM_LAYOUT_MIRROR, OV_VM_LAYOUT_PROXMOX };
	const struct ov_pci_dev *port = gpu->has_parent ? ov_host_find(host, &gpu->parent) : NULL;
	static const char fix[] = "put the GPU at guest 01:00.0 behind a pcie-root-port at 00:01.0 "
				  "('optivfio vm libvirt' does), like the laptop's PEG port";
	char b[OV_BDF_STRLEN], p[OV_BDF_STRLEN];

	ov_bdf_format(&gpu->bdf, b);
	if (ov_bdf_compare(&gpu->bdf, &want_gpu) != 0)
		return add(g, "layout", OV_CHECK_WARN, fix, "the GPU is at %s, not 0000:01:00.0", b);
	for (size_t i = 0; port && ov_pci_is_bridge(port) && i < 2; i++) {
		struct ov_guest_topology t;
		struct ov_bdf want_port = { 0, 0, 0, 0 };

		ov_vm_layout_topology(layouts[i], &t);
		want_port.dev = t.rp_slot;
		want_port.fn = t.rp_fn;
		if (ov_bdf_compare(&port->bdf, &want_port) == 0)
			return add(g, "layout", OV_CHECK_PASS, NULL,
				   "GPU at 0000:01:00.0 behind the root port %s, %s",
				   ov_bdf_format(&port->bdf, p), layouts[i] == OV_VM_LAYOUT_MIRROR ?
				   "as on the laptop" : "Proxmox's layout");
	}
	return add(g, "layout", OV_CHECK_WARN, fix,
		   "the GPU at %s is not behind a root port at 0000:00:01.0 (parent: %s)", b,
		   gpu->has_parent ? ov_bdf_format(&gpu->parent, p) : "the root bus");
}

static int check_subsystem(struct guest *g, const struct ov_pci_dev *gpu)
{
	if (!gpu->subsys_vendor && !gpu->subsys_device)
		return add(g, "subsystem", OV_CHECK_FAIL,
			   "give the VM the host GPU's subsystem ids (x-pci-sub-vendor-id/"
			   "x-pci-sub-device-id; 'optivfio vm' writes them)",
			   "subsystem ids are 0000:0000: a known Code 43 cause, and Windows "
			   "can not pick the laptop's driver");
	return add(g, "subsystem", OV_CHECK_PASS, NULL, "subsystem ids %04x:%04x",
		   gpu->subsys_vendor, gpu->subsys_device);
}

/* Evaluate @method with no arguments: does it exist? (AE_NOT_FOUND: no) */
static int method_exists(struct guest *g, const char *path, const char *method, bool *exists)
{
	char cmd[300], reply[512];
	struct ov_acpi_reply rep;
	uint8_t byte;
	int r;

	snprintf(cmd, sizeof(cmd), "%s.%s", path, method);
	r = g->opts->acpi_ops->call(g->opts->acpi_userdata, cmd, reply, sizeof(reply));
	if (r < 0)
		return r;
	r = ov_acpi_reply_parse(reply, &byte, 1, &rep);
	if (r < 0)
		return r;
	*exists = !(rep.kind == OV_ACPI_REPLY_ERROR && strcmp(rep.error, "AE_NOT_FOUND") == 0);
	return 0;
}

/*
 * QEMU adds ASUN/_DSM/_SUN/_EJ0 to a slot whose bus has ACPI hotplug
 * (facts-qemu-libvirt §1.3); the NVIDIA driver then calls that _DSM with
 * arguments QEMU does not expect (seed: "Disable hotplugging").
 */
static int check_hotplug(struct guest *g, const char *path)
{
	bool dsm;

	if (method_exists(g, path, "_DSM", &dsm) < 0)
		return add(g, "hotplug", OV_CHECK_WARN, NULL, "could not ask for %s._DSM: %s",
			   path, ov_ctx_error(g->ctx));
	if (dsm)
		return add(g, "hotplug", OV_CHECK_WARN,
			   "set hotplug=off on the GPU's root port (<target hotplug='off'/>)",
			   "%s._DSM exists: QEMU's hotplug _DSM is there, the driver will call it",
			   path);
	return add(g, "hotplug", OV_CHECK_PASS, NULL, "no _DSM on the GPU: hotplug is off");
}

static int check_rom(struct guest *g, const struct ov_pci_dev *gpu, const char *path)
{
	static const char fix[] = "pass the tables 'optivfio ssdt' wrote with -acpitable (and, "
				  "in fwcfg mode, the ROM with -fw_cfg); 'optivfio vm' adds both";
	uint16_t want_v = gpu->vendor, want_d = gpu->device;
	struct ov_acpi_dump_stats st = { 0 };
	struct ov_rom_info info;
	uint8_t *rom = NULL;
	size_t len = 0;
	bool exists;
	int r;

	if (method_exists(g, path, "_ROM", &exists) < 0 || !exists)
		return add(g, "rom", OV_CHECK_FAIL, fix, "%s._ROM does not exist", path);
	if (g->opts->have_rom_ids) {
		want_v = g->opts->rom_vendor;
		want_d = g->opts->rom_device;
	}
	r = ov_rom_dump_acpi(g->ctx, g->opts->acpi_ops, g->opts->acpi_userdata, path, NULL,
			     &rom, &len, &st);
	if (r < 0)
		return add(g, "rom", OV_CHECK_FAIL, fix, "%s._ROM: %s", path, ov_ctx_error(g->ctx));
	r = ov_rom_parse(rom, len, 0, &info);
	if (r == 0)
		r = ov_rom_validate_ids(g->ctx, &info, want_v, want_d);
	free(rom);
	if (r < 0)
		return add(g, "rom", OV_CHECK_FAIL, fix, "%s._ROM returns %zu bytes that are not a "
			   "valid ROM for %04x:%04x: %s", path, len, want_v, want_d,
			   ov_ctx_error(g->ctx));
	g->rep->rom_length = len;
	return add(g, "rom", OV_CHECK_PASS, NULL,
		   "%s._ROM returns a valid %zu-byte ROM for %04x:%04x (%zu calls)",
		   path, len, want_v, want_d, st.calls);
}

static int table_name_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ov_acpi_table *)a)->name,
		      ((const struct ov_acpi_table *)b)->name);
}

/*
 * The tables the kernel loaded, one file each in /sys/firmware/acpi/tables
 * (Documentation/ABI/testing/sysfs-firmware-acpi; root only), checked by
 * the same code as the Windows guest's (tables.c).
 */
static int check_tables(struct guest *g, const struct ov_pci_dev *gpu)
{
	struct ov_tables_want want = { .gpu_path = *gpu->acpi_path ? gpu->acpi_path : NULL,
				       .have_ids = true, .vendor = gpu->vendor,
				       .device = gpu->device };
	struct ov_acpi_table *tables = NULL;
	char dir[PATH_MAX], path[PATH_MAX * 2];
	size_t n = 0;
	struct dirent *e;
	int r = 0;
	DIR *d;

	if (g->opts->have_rom_ids) {
		want.vendor = g->opts->rom_vendor;
		want.device = g->opts->rom_device;
	}
	r = ov_host_path(g->ctx, dir, sizeof(dir), "/sys/firmware/acpi/tables");
	if (r < 0)
		return r;
	d = opendir(dir);
	if (!d)
		return add(g, "ssdt", OV_CHECK_WARN, "run this as root",
			   "can not list the ACPI tables in %s: %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		struct ov_acpi_table *t;
		uint8_t *data;
		size_t len;

		struct stat st;

		/* DSDT, FACP, SSDT1, ...; the data/ and dynamic/ directories are not tables. */
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || stat(path, &st) < 0 || S_ISDIR(st.st_mode))
			continue;
		r = ov_read_file(g->ctx, path, &data, &len);
		if (r < 0) {
			r = add(g, "ssdt", OV_CHECK_WARN, "run this as root",
				"can not read the ACPI table %s: %s", path, ov_ctx_error(g->ctx));
			ov_ctx_clear_error(g->ctx);
			goto out;
		}
		t = realloc(tables, (n + 1) * sizeof(*t));
		if (!t) {
			free(data);
			r = ov_ctx_fail(g->ctx, ENOMEM, "out of memory");
			goto out;
		}
		tables = t;
		snprintf(tables[n].name, sizeof(tables[n].name), "%s", e->d_name);
		tables[n].data = data;
		tables[n++].len = len;
	}
	qsort(tables, n, sizeof(*tables), table_name_cmp);	/* readdir's order is none */
	r = ov_tables_check(g->ctx, tables, n, &want, &g->rep->checks, &g->rep->n_checks);
out:
	closedir(d);
	for (size_t i = 0; i < n; i++)
		free((void *)tables[i].data);
	free(tables);
	return r;
}

/* A battery is a PNP0C0A device in the ACPI namespace (ACPI §10.2). */
static int check_battery(struct guest *g)
{
	char dir[PATH_MAX];
	bool present = false;
	struct dirent *e;
	DIR *d;
	int r;

	r = ov_host_path(g->ctx, dir, sizeof(dir), "/sys/bus/acpi/devices");
	if (r < 0)
		return r;
	d = opendir(dir);
	while (d && (e = readdir(d)))
		present |= strncmp(e->d_name, "PNP0C0A:", 8) == 0;
	if (d)
		closedir(d);

	if (!g->opts->battery)
		return add(g, "battery", OV_CHECK_PASS, NULL, present ?
			   "a battery device (PNP0C0A) is there" :
			   "no battery device (only needed if the driver stops with Code 43)");
	if (!present)
		return add(g, "battery", OV_CHECK_FAIL,
			   "pass the table from 'optivfio ssdt --battery ...' with -acpitable",
			   "the VM was to have a %s battery, but there is no PNP0C0A device",
			   g->opts->battery);
	return add(g, "battery", OV_CHECK_PASS, NULL, "the battery device (PNP0C0A) is there");
}

int ov_guest_check(struct ov_ctx *ctx, const struct ov_guest_opts *opts,
		   struct ov_guest_report *ret)
{
	struct ov_guest_report rep = { .gpu = "" };
	struct guest g = { ctx, opts, &rep };
	const struct ov_pci_dev *gpu;
	struct ov_host *host;
	int r;

	r = ov_host_scan(ctx, &host);
	if (r < 0)
		return r;
	gpu = find_gpu(&g, host);
	if (!gpu) {
		r = add(&g, "gpu", OV_CHECK_FAIL, "pass the GPU to the VM (vfio-pci hostdev)",
			"no passed-through GPU found: %s", ov_ctx_error(ctx));
		goto out;
	}
	ov_bdf_format(&gpu->bdf, rep.gpu);
	r = add(&g, "gpu", OV_CHECK_PASS, NULL, "%s [%04x:%04x] %s", rep.gpu, gpu->vendor,
		gpu->device, gpu->device_name);
	if (r >= 0)
		r = check_layout(&g, host, gpu);
	if (r >= 0)
		r = check_subsystem(&g, gpu);
	if (r < 0)
		goto out;

	if (!*gpu->acpi_path) {
		r = add(&g, "acpi-node", OV_CHECK_FAIL,
			"generate the tables for the GPU's guest path ('optivfio ssdt') and pass them",
			"%s has no ACPI node (no firmware_node): the driver can not find a _ROM",
			rep.gpu);
	} else if (!opts->acpi_ops) {
		r = add(&g, "acpi-node", OV_CHECK_PASS, NULL, "ACPI node %s", gpu->acpi_path);
		if (r >= 0)
			r = add(&g, "rom", OV_CHECK_FAIL,
				"modprobe acpi_call (package acpi-call-dkms), then run this again",
				"acpi_call is not loaded: _ROM can not be checked");
	} else {
		r = add(&g, "acpi-node", OV_CHECK_PASS, NULL, "ACPI node %s", gpu->acpi_path);
		if (r >= 0)
			r = check_rom(&g, gpu, gpu->acpi_path);
		if (r >= 0)
			r = check_hotplug(&g, gpu->acpi_path);
	}
	if (r >= 0)
		r = check_tables(&g, gpu);
	if (r >= 0)
		r = check_battery(&g);
out:
	ov_host_free(host);
	if (r < 0) {
		ov_guest_report_clear(&rep);
		return r;
	}
	*ret = rep;
	return 0;
}

void ov_guest_report_clear(struct ov_guest_report *r)
{
	free(r->checks);
	r->checks = NULL;
	r->n_checks = 0;
}
