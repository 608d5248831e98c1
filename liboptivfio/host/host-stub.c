// SPDX-License-Identifier: GPL-2.0-or-later
/* Temporary: replaced by the real scanner in the next commit. */
#include "host/host.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdlib.h>

int ov_host_scan(struct ov_ctx *ctx, struct ov_host **ret)
{
	return ov_ctx_fail(ctx, ENOSYS, "host scan not implemented yet");
}

void ov_host_free(struct ov_host *host)
{
	free(host);
}

const struct ov_pci_dev *ov_host_find(const struct ov_host *host, const struct ov_bdf *bdf)
{
	return NULL;
}

bool ov_pci_is_display(const struct ov_pci_dev *d)
{
	return (d->class_code >> 16) == 0x03;
}

bool ov_pci_is_bridge(const struct ov_pci_dev *d)
{
	return ov_pci_class(d) == OV_CLASS_BRIDGE_PCI;
}

int ov_host_pick_dgpu(struct ov_ctx *ctx, const struct ov_host *host,
		      const struct ov_bdf *want, const struct ov_pci_dev **ret)
{
	return ov_ctx_fail(ctx, ENOSYS, "host scan not implemented yet");
}

size_t ov_host_siblings(const struct ov_host *host, const struct ov_pci_dev *dev,
			const struct ov_pci_dev **out, size_t max)
{
	return 0;
}
