// SPDX-License-Identifier: GPL-2.0-or-later
#include "host/groups.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdlib.h>

static int compare_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int ov_host_group_ids(struct ov_ctx *ctx, const struct ov_host *host, int **ids, size_t *n)
{
	int *v;
	size_t k = 0;

	v = calloc(host->n_devs + 1, sizeof(*v));
	if (!v)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < host->n_devs; i++)
		if (host->devs[i].iommu_group >= 0)
			v[k++] = host->devs[i].iommu_group;
	qsort(v, k, sizeof(*v), compare_int);

	size_t out = 0;

	for (size_t i = 0; i < k; i++)
		if (out == 0 || v[out - 1] != v[i])
			v[out++] = v[i];
	*ids = v;
	*n = out;
	return 0;
}

static enum ov_group_role role_of(const struct ov_pci_dev *d, const struct ov_pci_dev *gpu)
{
	if (d == gpu)
		return OV_ROLE_GPU;
	if (ov_bdf_same_slot(&d->bdf, &gpu->bdf))
		return OV_ROLE_GPU_FUNCTION;
	if (ov_pci_is_bridge(d))
		return OV_ROLE_BRIDGE;
	return OV_ROLE_OTHER;
}

int ov_host_gpu_group(struct ov_ctx *ctx, const struct ov_host *host,
		      const struct ov_pci_dev *gpu, struct ov_gpu_group **ret)
{
	struct ov_gpu_group *g;

	g = calloc(1, sizeof(*g));
	if (!g)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	g->group = gpu->iommu_group;
	g->members = calloc(host->n_devs + 1, sizeof(*g->members));
	if (!g->members) {
		free(g);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}

	if (g->group < 0) {
		/* No IOMMU group at all: nothing can be passed through. */
		g->members[g->n_members++] = (struct ov_group_member){ gpu, OV_ROLE_GPU };
		g->viable = false;
		*ret = g;
		return 0;
	}

	g->viable = true;
	for (size_t i = 0; i < host->n_devs; i++) {
		const struct ov_pci_dev *d = &host->devs[i];
		enum ov_group_role role;

		if (d->iommu_group != g->group)
			continue;
		role = role_of(d, gpu);
		if (role == OV_ROLE_OTHER)
			g->viable = false;
		g->members[g->n_members++] = (struct ov_group_member){ d, role };
	}
	*ret = g;
	return 0;
}

void ov_gpu_group_free(struct ov_gpu_group *g)
{
	if (!g)
		return;
	free(g->members);
	free(g);
}

const char *ov_group_role_name(enum ov_group_role role)
{
	switch (role) {
	case OV_ROLE_GPU:
		return "gpu";
	case OV_ROLE_GPU_FUNCTION:
		return "gpu-function";
	case OV_ROLE_BRIDGE:
		return "bridge";
	case OV_ROLE_OTHER:
		return "other";
	}
	return "unknown";
}
