/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal helpers shared by the executor and its two ops tables. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ov_ctx;
struct kmod_ctx;
struct kmod_module;

int ov_kmod_open(struct ov_ctx *ctx, struct kmod_ctx **ret);
int ov_kmod_lookup(struct ov_ctx *ctx, struct kmod_ctx *k, const char *name,
		   struct kmod_module **ret);
int ov_kmod_load(struct ov_ctx *ctx, const char *name);
int ov_kmod_unload(struct ov_ctx *ctx, const char *name);

/* "vfio_pci" -> "vfio-pci": the PCI driver a module registers. */
const char *ov_module_driver_name(const char *module);

/* Write @text to an existing file (a sysfs attribute): no create, no truncate. */
int ov_sysfs_write(struct ov_ctx *ctx, const char *path, const char *text);

/* Is @name in /proc/modules (or /sys/module/@name, for built-ins)? */
bool ov_module_loaded(struct ov_ctx *ctx, const char *name);
