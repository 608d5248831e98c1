// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which device is the discrete GPU, and which functions come with it.
 *
 * On an Optimus laptop the iGPU is the boot VGA device (it drives the
 * panel) and the NVIDIA GPU is a second display-class function: class 0300
 * (VGA) when it can drive outputs through a mux, 0302 (3D controller) when
 * it is muxless and renders only (jscinoz/optimus-vfio-docs README).
 */
#include "host/host.h"
#include "core/ctx.h"

#include <errno.h>

#define PCI_VENDOR_NVIDIA 0x10de

bool ov_pci_is_display(const struct ov_pci_dev *d)
{
	/* Base class 03h, display controller (PCI Code and ID Assignment §1.4). */
	return d->ids_known && (d->class_code >> 16) == 0x03;
}

bool ov_pci_is_bridge(const struct ov_pci_dev *d)
{
	/* Base class 06h; PCI-to-PCI bridges (and root ports) are 0604h/type 1. */
	return d->ids_known && (ov_pci_class(d) == OV_CLASS_BRIDGE_PCI || d->header_type == 1);
}

/*
 * A discrete GPU is told by what it is, never by "not the boot VGA": when
 * the dGPU is the boot VGA (a MUX laptop in dGPU mode, a desktop) that rule
 * picks the iGPU, the host's own display. NVIDIA makes only discrete GPUs
 * for these machines; another vendor's display function counts when it is
 * not on bus 0, where integrated graphics sit as root complex integrated
 * endpoints (Intel's at 00:02.0) and a plug-in card never does.
 */
static bool is_candidate(const struct ov_pci_dev *d)
{
	if (!ov_pci_is_display(d))
		return false;
	return d->vendor == PCI_VENDOR_NVIDIA || d->bdf.bus != 0;
}

int ov_host_pick_dgpu(struct ov_ctx *ctx, const struct ov_host *host,
		      const struct ov_bdf *want, const struct ov_pci_dev **ret)
{
	const struct ov_pci_dev *best = NULL;
	size_t n_best = 0, n_any = 0;
	char b[OV_BDF_STRLEN];

	if (want) {
		const struct ov_pci_dev *d = ov_host_find(host, want);

		ov_bdf_format(want, b);
		if (!d)
			return ov_ctx_fail(ctx, ENODEV, "%s: no such PCI device", b);
		if (!ov_pci_is_display(d))
			return ov_ctx_fail(ctx, ENODEV, "%s: not a display device (class %04x)",
					   b, ov_pci_class(d));
		*ret = d;
		return 0;
	}

	/* NVIDIA first: the point of the tool; then another discrete GPU.
	 * A boot-VGA dGPU is chosen all the same: prepare then refuses it and
	 * says why, instead of reaching for the iGPU. */
	for (size_t i = 0; i < host->n_devs; i++) {
		const struct ov_pci_dev *d = &host->devs[i];

		if (!is_candidate(d))
			continue;
		n_any++;
		if (d->vendor == PCI_VENDOR_NVIDIA) {
			if (!best || best->vendor != PCI_VENDOR_NVIDIA)
				n_best = 0;
			best = d;
			n_best++;
		} else if (!best) {
			best = d;
			n_best = 1;
		} else if (best->vendor != PCI_VENDOR_NVIDIA) {
			n_best++;
		}
	}
	if (!best)
		return ov_ctx_fail(ctx, ENODEV,
				   "no discrete GPU found (no NVIDIA display device, and no "
				   "other one off bus 0)");
	if (n_best > 1)
		return ov_ctx_fail(ctx, ENOTUNIQ,
				   "%zu discrete GPUs found: choose one with --gpu BDF", n_best);
	*ret = best;
	return 0;
}

size_t ov_host_siblings(const struct ov_host *host, const struct ov_pci_dev *dev,
			const struct ov_pci_dev **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < host->n_devs; i++) {
		const struct ov_pci_dev *d = &host->devs[i];

		if (d == dev || !ov_bdf_same_slot(&d->bdf, &dev->bdf))
			continue;
		if (n < max)
			out[n] = d;
		n++;
	}
	return n;
}
