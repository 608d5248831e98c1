// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Scan /sys/bus/pci/devices: one struct ov_pci_dev per function.
 *
 * Ids come from config space (PCI LB 3.0 §6.1) read through libpci, with
 * the sysfs id attributes as a fallback when config space is unreadable.
 * A missing or garbage attribute leaves its field unknown; it never fails
 * the scan, since a half-broken device is exactly what a user debugs here.
 */
#include "host/host.h"
#include "host/pci-access.h"
#include "core/ctx.h"
#include "core/hostfs.h"
#include "core/bytes.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Config space offsets, PCI LB 3.0 §6.1 (type 0) and §3.2.5 (type 1). */
#define CFG_VENDOR_ID		0x00
#define CFG_DEVICE_ID		0x02
#define CFG_REVISION		0x08
#define CFG_CLASS_PROG		0x09
#define CFG_HEADER_TYPE		0x0e
#define CFG_SUBSYS_VENDOR	0x2c
#define CFG_SUBSYS_ID		0x2e
#define CFG_HEADER_LEN		0x40

/* Index of the expansion ROM in the sysfs "resource" file (PCI_ROM_RESOURCE). */
#define SYSFS_ROM_RESOURCE	6

static bool ids_from_config(struct ov_pci_access *pa, struct ov_pci_dev *d)
{
	uint8_t cfg[CFG_HEADER_LEN];

	if (!ov_pci_read_config(pa, &d->bdf, 0, cfg, sizeof(cfg)))
		return false;
	/* All ones: the device is gone or powered off (D3cold). */
	if (ov_le16(cfg + CFG_VENDOR_ID) == 0xffff)
		return false;

	d->vendor = ov_le16(cfg + CFG_VENDOR_ID);
	d->device = ov_le16(cfg + CFG_DEVICE_ID);
	d->revision = cfg[CFG_REVISION];
	d->class_code = (uint32_t)cfg[CFG_CLASS_PROG] | (uint32_t)cfg[CFG_CLASS_PROG + 1] << 8 |
			(uint32_t)cfg[CFG_CLASS_PROG + 2] << 16;
	d->header_type = cfg[CFG_HEADER_TYPE] & 0x7f;
	/* Type 1 headers keep subsystem ids in a capability; sysfs has them. */
	if (d->header_type == 0) {
		d->subsys_vendor = ov_le16(cfg + CFG_SUBSYS_VENDOR);
		d->subsys_device = ov_le16(cfg + CFG_SUBSYS_ID);
	}
	return true;
}

static bool attr_u64(struct ov_ctx *ctx, const char *dir, const char *name, uint64_t *v)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return false;
	return ov_read_attr_u64(ctx, path, v) == 0;
}

/* The kernel has boot_vga only for VGA-class devices: absent is "no". */
static int read_boot_vga(struct ov_ctx *ctx, const char *dir)
{
	char path[PATH_MAX];
	uint64_t v;
	int r;

	if (snprintf(path, sizeof(path), "%s/boot_vga", dir) >= (int)sizeof(path))
		return OV_BOOT_VGA_UNREADABLE;
	r = ov_read_attr_u64(ctx, path, &v);
	if (r == 0)
		return v != 0;
	return r == -ENOENT ? -1 : OV_BOOT_VGA_UNREADABLE;
}

static void attr_text(struct ov_ctx *ctx, const char *dir, const char *name,
		      char *buf, size_t size)
{
	char path[PATH_MAX];

	buf[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
	    ov_read_attr(ctx, path, buf, size) < 0)
		buf[0] = '\0';
}

static bool ids_from_sysfs(struct ov_ctx *ctx, const char *dir, struct ov_pci_dev *d)
{
	uint64_t v, dev, cls, rev = 0, sv = 0, sd = 0;

	if (!attr_u64(ctx, dir, "vendor", &v) || !attr_u64(ctx, dir, "device", &dev) ||
	    !attr_u64(ctx, dir, "class", &cls) || v > 0xffff || dev > 0xffff ||
	    cls > 0xffffff || v == 0xffff)
		return false;
	attr_u64(ctx, dir, "revision", &rev);
	attr_u64(ctx, dir, "subsystem_vendor", &sv);
	attr_u64(ctx, dir, "subsystem_device", &sd);
	d->vendor = (uint16_t)v;
	d->device = (uint16_t)dev;
	d->class_code = (uint32_t)cls;
	d->revision = (uint8_t)rev;
	d->subsys_vendor = (uint16_t)sv;
	d->subsys_device = (uint16_t)sd;
	d->header_type = ov_pci_class(d) == OV_CLASS_BRIDGE_PCI ? 1 : 0;
	return true;
}

static void read_subsystem_attrs(struct ov_ctx *ctx, const char *dir, struct ov_pci_dev *d,
				 bool config_read)
{
	uint64_t sv, sd;

	/* Type 0 headers carry them in config space; trust that when it was read. */
	if (d->subsys_vendor || d->subsys_device || (config_read && d->header_type == 0))
		return;
	if (attr_u64(ctx, dir, "subsystem_vendor", &sv) && sv <= 0xffff &&
	    attr_u64(ctx, dir, "subsystem_device", &sd) && sd <= 0xffff) {
		d->subsys_vendor = (uint16_t)sv;
		d->subsys_device = (uint16_t)sd;
	}
}

/* Size of the ROM BAR from sysfs "resource" (line 6: start end flags). */
static uint64_t rom_bar_size(const char *dir)
{
	char path[PATH_MAX], line[256];
	unsigned long long start, end, flags;
	uint64_t size = 0;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/resource", dir) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	for (int i = 0; fgets(line, sizeof(line), f); i++) {
		if (i != SYSFS_ROM_RESOURCE)
			continue;
		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) == 3 && end > start)
			size = end - start + 1;
		break;
	}
	fclose(f);
	return size;
}

/*
 * The canonical sysfs path nests a function under its upstream bridge
 * (/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0): the component
 * before our own, when it is a BDF, is the parent.
 */
static void read_parent(struct ov_ctx *ctx, const char *link, struct ov_pci_dev *d)
{
	char target[PATH_MAX], *last, *prev;
	ssize_t n;

	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	last = strrchr(target, '/');
	if (!last)
		return;
	*last = '\0';
	prev = strrchr(target, '/');
	prev = prev ? prev + 1 : target;
	d->has_parent = ov_bdf_parse(prev, &d->parent);
}

static void read_device(struct ov_ctx *ctx, struct ov_pci_access *pa, const char *dir,
			struct ov_pci_dev *d)
{
	char path[PATH_MAX], buf[64];
	bool config_read = ids_from_config(pa, d);

	d->ids_known = config_read || ids_from_sysfs(ctx, dir, d);
	if (d->ids_known)
		read_subsystem_attrs(ctx, dir, d, config_read);

	snprintf(path, sizeof(path), "%s/driver", dir);
	if (ov_read_link_name(ctx, path, d->driver, sizeof(d->driver)) < 0)
		d->driver[0] = '\0';

	/* The kernel shows an unset override as "(null)". */
	attr_text(ctx, dir, "driver_override", d->driver_override, sizeof(d->driver_override));
	if (strcmp(d->driver_override, "(null)") == 0)
		d->driver_override[0] = '\0';

	d->iommu_group = -1;
	snprintf(path, sizeof(path), "%s/iommu_group", dir);
	if (ov_read_link_name(ctx, path, buf, sizeof(buf)) == 0) {
		char *end;
		long g = strtol(buf, &end, 10);

		if (*end == '\0' && end != buf && g >= 0 && g < INT32_MAX)
			d->iommu_group = (int)g;
	}

	attr_text(ctx, dir, "firmware_node/path", d->acpi_path, sizeof(d->acpi_path));
	attr_text(ctx, dir, "power_state", d->power_state, sizeof(d->power_state));
	d->rom_size = rom_bar_size(dir);
	d->boot_vga = read_boot_vga(ctx, dir);
}

static void read_names(struct ov_pci_access *pa, struct ov_pci_dev *d)
{
	if (!d->ids_known)
		return;
	ov_pci_name_vendor(pa, d->vendor_name, sizeof(d->vendor_name), d->vendor);
	ov_pci_name_device(pa, d->device_name, sizeof(d->device_name), d->vendor, d->device);
	if (d->subsys_vendor && d->subsys_vendor != 0xffff)
		ov_pci_name_subsystem(pa, d->subsys_name, sizeof(d->subsys_name),
				      d->vendor, d->device, d->subsys_vendor, d->subsys_device);
	ov_pci_name_class(pa, d->class_name, sizeof(d->class_name), ov_pci_class(d));
}

static int compare_devs(const void *a, const void *b)
{
	return ov_bdf_compare(&((const struct ov_pci_dev *)a)->bdf,
			      &((const struct ov_pci_dev *)b)->bdf);
}

int ov_host_scan(struct ov_ctx *ctx, struct ov_host **ret)
{
	char devices[PATH_MAX], link[PATH_MAX];
	struct ov_pci_access *pa = NULL;
	struct ov_host *host;
	struct dirent *e;
	size_t cap = 0;
	DIR *dir;
	int r;

	r = ov_host_path(ctx, devices, sizeof(devices), "/sys/bus/pci/devices");
	if (r < 0)
		return r;
	dir = opendir(devices);
	if (!dir)
		return ov_ctx_fail(ctx, errno, "%s: %s", devices, strerror(errno));

	host = calloc(1, sizeof(*host));
	if (!host) {
		r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	r = ov_pci_access_open(ctx, &pa);
	if (r < 0)
		goto out;

	while ((e = readdir(dir))) {
		struct ov_pci_dev *d;
		struct ov_bdf bdf;

		/* Entries that are not a full BDF are not PCI functions. */
		if (strlen(e->d_name) != OV_BDF_STRLEN - 1 || !ov_bdf_parse(e->d_name, &bdf))
			continue;
		if (host->n_devs == cap) {
			struct ov_pci_dev *n;

			cap = cap ? cap * 2 : 32;
			n = realloc(host->devs, cap * sizeof(*n));
			if (!n) {
				r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
				goto out;
			}
			host->devs = n;
		}
		d = &host->devs[host->n_devs++];
		memset(d, 0, sizeof(*d));
		d->bdf = bdf;
		snprintf(link, sizeof(link), "%s/%s", devices, e->d_name);
		read_device(ctx, pa, link, d);
		read_parent(ctx, link, d);
		read_names(pa, d);
	}
	/* Field reads may have left messages; none of them failed the scan. */
	ov_ctx_clear_error(ctx);
	if (host->n_devs)
		qsort(host->devs, host->n_devs, sizeof(*host->devs), compare_devs);
	*ret = host;
	host = NULL;
	r = 0;
out:
	ov_pci_access_close(pa);
	ov_host_free(host);
	closedir(dir);
	return r;
}

void ov_host_free(struct ov_host *host)
{
	if (!host)
		return;
	free(host->devs);
	free(host);
}

const struct ov_pci_dev *ov_host_find(const struct ov_host *host, const struct ov_bdf *bdf)
{
	for (size_t i = 0; i < host->n_devs; i++)
		if (ov_bdf_compare(&host->devs[i].bdf, bdf) == 0)
			return &host->devs[i];
	return NULL;
}
