// SPDX-License-Identifier: GPL-2.0-or-later
#include "vm/strv.h"
#include "vm/vm.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void ovs_push(struct ovs *s, const char *fmt, ...)
{
	char *str, **grown;
	va_list ap;

	if (s->failed)
		return;
	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0)
		str = NULL;
	va_end(ap);
	grown = str ? realloc(s->v, (s->n + 2) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(str);
		s->failed = true;
		return;
	}
	s->v = grown;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
}

char *ovs_escape(struct ovs *s, const char *value)
{
	char *e = ov_vm_qemu_escape(value);

	s->failed |= !e;
	return e;
}

void ovs_push_escaped(struct ovs *s, const char *prefix, const char *value)
{
	char *e = ovs_escape(s, value);

	if (e)
		ovs_push(s, "%s%s", prefix, e);
	free(e);
}

int ovs_finish(struct ov_ctx *ctx, struct ovs *s, char ***ret, size_t *n)
{
	if (s->failed || !s->v) {
		ov_vm_strv_free(s->v);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	*ret = s->v;
	*n = s->n;
	return 0;
}
