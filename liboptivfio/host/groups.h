/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IOMMU groups and the verdict a user needs: can the dGPU's group be given
 * to a VM?
 *
 * VFIO hands a group to a VM only as a whole: every endpoint in it must be
 * bound to vfio-pci (or be left without a driver). Bridges and root ports
 * stay with the host (drivers/vfio/vfio_main.c treats bridges in a group as
 * harmless), and the GPU's own functions (HDMI audio) belong with it. Any
 * other endpoint in the group would have to be given away too.
 */
#pragma once

#include "host/host.h"

enum ov_group_role {
	OV_ROLE_GPU,		/* the device being passed */
	OV_ROLE_GPU_FUNCTION,	/* another function of the GPU's slot (HDMI audio) */
	OV_ROLE_BRIDGE,		/* root port / bridge: fine, stays with the host */
	OV_ROLE_OTHER,		/* an unrelated endpoint: makes the group not viable */
};

struct ov_group_member {
	const struct ov_pci_dev *dev;
	enum ov_group_role role;
};

struct ov_gpu_group {
	int group;			/* -1 when the GPU has no group (IOMMU off) */
	bool viable;
	size_t n_members;
	struct ov_group_member *members;	/* sorted by BDF */
};

/* Sorted distinct group ids of the host (none when the IOMMU is off). */
int ov_host_group_ids(struct ov_ctx *ctx, const struct ov_host *host, int **ids, size_t *n);

int ov_host_gpu_group(struct ov_ctx *ctx, const struct ov_host *host,
		      const struct ov_pci_dev *gpu, struct ov_gpu_group **ret);
void ov_gpu_group_free(struct ov_gpu_group *g);

const char *ov_group_role_name(enum ov_group_role role);
