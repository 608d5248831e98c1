/* SPDX-License-Identifier: GPL-2.0-or-later */
/* PCI addresses: domain:bus:device.function (PCI Local Bus 3.0 §3.2.2.3.1). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct ov_bdf {
	uint16_t domain;
	uint8_t bus;
	uint8_t dev;	/* 0..31 */
	uint8_t fn;	/* 0..7 */
};

/* "0000:01:00.0" and the short "01:00.0"; nothing else (no paths). */
bool ov_bdf_parse(const char *s, struct ov_bdf *ret);

#define OV_BDF_STRLEN sizeof("0000:00:00.0")
/* Always the full form "dddd:bb:dd.f". */
const char *ov_bdf_format(const struct ov_bdf *bdf, char buf[OV_BDF_STRLEN]);

int ov_bdf_compare(const struct ov_bdf *a, const struct ov_bdf *b);
bool ov_bdf_same_slot(const struct ov_bdf *a, const struct ov_bdf *b);
