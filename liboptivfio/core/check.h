/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A check with a verdict, the reason and the fix: what doctor (on the
 * host) and guest check (inside the VM) report, one per requirement.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct ov_ctx;

enum ov_check_status { OV_CHECK_PASS, OV_CHECK_WARN, OV_CHECK_FAIL };

struct ov_check {
	const char *id;			/* stable name: "iommu", "group", ... */
	enum ov_check_status status;
	char reason[512];
	char fix[512];			/* "" when there is nothing to do */
};

/* Append a check to a growing array; -ENOMEM (with a message) on failure. */
int ov_checks_vadd(struct ov_ctx *ctx, struct ov_check **checks, size_t *n, const char *id,
		   enum ov_check_status st, const char *fix, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

/* Does any check FAIL? */
bool ov_checks_blocked(const struct ov_check *checks, size_t n);

const char *ov_check_status_name(enum ov_check_status s);
