// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/check.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ov_checks_vadd(struct ov_ctx *ctx, struct ov_check **checks, size_t *n, const char *id,
		   enum ov_check_status st, const char *fix, const char *fmt, va_list ap)
{
	struct ov_check *grown, *c;

	grown = realloc(*checks, (*n + 1) * sizeof(*grown));
	if (!grown)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	*checks = grown;
	c = &grown[(*n)++];
	memset(c, 0, sizeof(*c));
	c->id = id;
	c->status = st;
	vsnprintf(c->reason, sizeof(c->reason), fmt, ap);
	snprintf(c->fix, sizeof(c->fix), "%s", fix ? fix : "");
	return 0;
}

bool ov_checks_blocked(const struct ov_check *checks, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (checks[i].status == OV_CHECK_FAIL)
			return true;
	return false;
}

const char *ov_check_status_name(enum ov_check_status s)
{
	switch (s) {
	case OV_CHECK_PASS:
		return "PASS";
	case OV_CHECK_WARN:
		return "WARN";
	case OV_CHECK_FAIL:
		return "FAIL";
	}
	return "?";
}
