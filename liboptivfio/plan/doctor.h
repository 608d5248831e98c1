/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * doctor: every workaround of the seed as a check with a verdict, the
 * reason and the fix. Read-only.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "core/bdf.h"
#include "core/check.h"

struct ov_ctx;

struct ov_doctor_opts {
	const struct ov_bdf *gpu;	/* NULL: pick the dGPU */
	const char *domain;		/* libvirt domain for the NVRAM check, or NULL */
	const char *rom_file;		/* a ROM the user has, or NULL */
};

struct ov_doctor {
	struct ov_check *checks;
	size_t n_checks;
	char gpu[OV_BDF_STRLEN];	/* "" when none was found */
};

int ov_doctor_run(struct ov_ctx *ctx, const struct ov_doctor_opts *opts, struct ov_doctor *ret);
void ov_doctor_clear(struct ov_doctor *d);
/* Does any check FAIL (passthrough blocked: exit 3)? */
bool ov_doctor_blocked(const struct ov_doctor *d);
