// SPDX-License-Identifier: GPL-2.0-or-later
#include "host/pci-access.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

struct ov_pci_access {
	struct pci_access *pacc;
	char sysfs_path[PATH_MAX];	/* must outlive pacc: libpci keeps the pointer */
};

/*
 * libpci reports problems through callbacks; its default error callback
 * exits the process. We only use calls that warn (config reads through
 * the sysfs backend), and the library must never print, so both are muted;
 * a failed read shows up as a false return instead.
 */
static void pci_quiet(char *msg, ...)
{
}

static __attribute__((noreturn)) void pci_fatal(char *msg, ...)
{
	/* Not reached with the calls used here; keep libpci's contract. */
	abort();
}

int ov_pci_access_open(struct ov_ctx *ctx, struct ov_pci_access **ret)
{
	struct ov_pci_access *pa;
	int r;

	pa = calloc(1, sizeof(*pa));
	if (!pa)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	r = ov_host_path(ctx, pa->sysfs_path, sizeof(pa->sysfs_path), "/sys/bus/pci");
	if (r < 0) {
		free(pa);
		return r;
	}

	pa->pacc = pci_alloc();
	if (!pa->pacc) {
		free(pa);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	pa->pacc->error = pci_fatal;
	pa->pacc->warning = pci_quiet;
	pa->pacc->debug = pci_quiet;
	pa->pacc->method = PCI_ACCESS_SYS_BUS_PCI;
	pci_set_param(pa->pacc, "sysfs.path", pa->sysfs_path);
	/* Names only from pci.ids, as on every machine: no network, no hwdb. */
	pa->pacc->id_lookup_mode = PCI_LOOKUP_NO_HWDB;
	pci_init(pa->pacc);

	*ret = pa;
	return 0;
}

void ov_pci_access_close(struct ov_pci_access *pa)
{
	if (!pa)
		return;
	pci_cleanup(pa->pacc);
	free(pa);
}

bool ov_pci_read_config(struct ov_pci_access *pa, const struct ov_bdf *bdf,
			unsigned pos, uint8_t *buf, size_t len)
{
	struct pci_dev *dev;
	bool ok;

	dev = pci_get_dev(pa->pacc, bdf->domain, bdf->bus, bdf->dev, bdf->fn);
	if (!dev)
		return false;
	ok = pci_read_block(dev, (int)pos, buf, (int)len) == 1;
	pci_free_dev(dev);
	return ok;
}

/* pci_lookup_name() takes its ids as varargs; extra ones are ignored. */
static void lookup(struct ov_pci_access *pa, char *buf, size_t size, int flags,
		   int a, int b, int c, int d)
{
	char tmp[512];
	const char *name;

	name = pci_lookup_name(pa->pacc, tmp, sizeof(tmp), flags | PCI_LOOKUP_NO_NUMBERS,
			       a, b, c, d);
	snprintf(buf, size, "%s", name ? name : "");
}

void ov_pci_name_vendor(struct ov_pci_access *pa, char *buf, size_t size, uint16_t vendor)
{
	lookup(pa, buf, size, PCI_LOOKUP_VENDOR, vendor, 0, 0, 0);
}

void ov_pci_name_device(struct ov_pci_access *pa, char *buf, size_t size,
			uint16_t vendor, uint16_t device)
{
	lookup(pa, buf, size, PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
}

void ov_pci_name_subsystem(struct ov_pci_access *pa, char *buf, size_t size,
			   uint16_t vendor, uint16_t device, uint16_t sv, uint16_t sd)
{
	char vname[160], dname[160];

	/*
	 * What lspci prints after "Subsystem:": the subsystem vendor, then the
	 * subsystem device when pci.ids knows it (often it knows only the vendor).
	 */
	lookup(pa, vname, sizeof(vname), PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR, sv, 0, 0, 0);
	lookup(pa, dname, sizeof(dname), PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_DEVICE,
	       vendor, device, sv, sd);
	snprintf(buf, size, "%s%s%s", vname, *vname && *dname ? " " : "", dname);
}

void ov_pci_name_class(struct ov_pci_access *pa, char *buf, size_t size, uint16_t cls)
{
	lookup(pa, buf, size, PCI_LOOKUP_CLASS, cls, 0, 0, 0);
}
