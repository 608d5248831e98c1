/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libpci behind the context's root: config space through the sysfs
 * backend and names from pci.ids. Internal to the host module.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/bdf.h"

struct ov_ctx;
struct ov_pci_access;

int ov_pci_access_open(struct ov_ctx *ctx, struct ov_pci_access **ret);
void ov_pci_access_close(struct ov_pci_access *pa);

/* Read @len bytes of config space from @pos; false when unreadable. */
bool ov_pci_read_config(struct ov_pci_access *pa, const struct ov_bdf *bdf,
			unsigned pos, uint8_t *buf, size_t len);

/* Names from pci.ids; buf is "" when the id is not in the database. */
void ov_pci_name_vendor(struct ov_pci_access *pa, char *buf, size_t size, uint16_t vendor);
void ov_pci_name_device(struct ov_pci_access *pa, char *buf, size_t size,
			uint16_t vendor, uint16_t device);
void ov_pci_name_subsystem(struct ov_pci_access *pa, char *buf, size_t size,
			   uint16_t vendor, uint16_t device, uint16_t sv, uint16_t sd);
void ov_pci_name_class(struct ov_pci_access *pa, char *buf, size_t size, uint16_t cls);
