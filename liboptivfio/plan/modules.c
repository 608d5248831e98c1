// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel modules through libkmod, root aware: on the real host libkmod's
 * own default (/lib/modules/`uname -r`); under --root the module directory
 * of the tree's kernel, ROOT/lib/modules/<ROOT/proc/sys/kernel/osrelease>,
 * so a snapshot (or a fixture with a depmod-built index) answers for the
 * machine it came from, not for the one running the tests.
 */
#include "plan/exec.h"
#include "plan/ops.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int ov_kmod_open(struct ov_ctx *ctx, struct kmod_ctx **ret)
{
	char path[PATH_MAX], release[128], dir[PATH_MAX];
	struct kmod_ctx *k;
	int r;

	if (!*ov_ctx_root(ctx)) {
		k = kmod_new(NULL, NULL);
	} else {
		r = ov_host_path(ctx, path, sizeof(path), "/proc/sys/kernel/osrelease");
		if (r < 0)
			return r;
		r = ov_read_attr(ctx, path, release, sizeof(release));
		if (r < 0)
			return ov_ctx_fail(ctx, ENXIO, "no kernel release under the root (%s): "
					   "cannot look up modules", path);
		if (!*release || strchr(release, '/') || strcmp(release, "..") == 0)
			return ov_ctx_fail(ctx, EINVAL, "%s: bad kernel release", path);
		r = ov_host_path(ctx, dir, sizeof(dir), "/lib/modules/%s", release);
		if (r < 0)
			return r;
		k = kmod_new(dir, NULL);
	}
	if (!k)
		return ov_ctx_fail(ctx, ENOMEM, "libkmod: cannot create a context");
	*ret = k;
	return 0;
}

/* The module named @name itself (not an alias) with its path; NULL if none. */
int ov_kmod_lookup(struct ov_ctx *ctx, struct kmod_ctx *k, const char *name,
		   struct kmod_module **ret)
{
	struct kmod_list *list = NULL, *it;
	struct kmod_module *found = NULL;
	int r;

	r = kmod_module_new_from_lookup(k, name, &list);
	if (r < 0)
		return ov_ctx_fail(ctx, -r, "module %s: lookup failed: %s", name, strerror(-r));
	kmod_list_foreach(it, list) {
		struct kmod_module *m = kmod_module_get_module(it);

		if (!found)
			found = m;
		else
			kmod_module_unref(m);
	}
	kmod_module_unref_list(list);
	if (!found)
		return ov_ctx_fail(ctx, ENOENT, "module %s: not found in the module directory",
				   name);
	*ret = found;
	return 0;
}

/* A libkmod context and the module @name in it; both released by the caller. */
static int open_module(struct ov_ctx *ctx, const char *name, struct kmod_ctx **k,
		       struct kmod_module **m)
{
	int r;

	r = ov_kmod_open(ctx, k);
	if (r < 0)
		return r;
	r = ov_kmod_lookup(ctx, *k, name, m);
	if (r < 0)
		kmod_unref(*k);
	return r;
}

int ov_module_available(struct ov_ctx *ctx, const char *name, bool *builtin)
{
	struct kmod_ctx *k;
	struct kmod_module *m;
	int r;

	r = open_module(ctx, name, &k, &m);
	if (r < 0)
		return r;
	/* No path: listed in modules.builtin. */
	*builtin = kmod_module_get_path(m) == NULL;
	kmod_module_unref(m);
	kmod_unref(k);
	return 0;
}

int ov_kmod_load(struct ov_ctx *ctx, const char *name)
{
	struct kmod_ctx *k;
	struct kmod_module *m;
	int r;

	r = open_module(ctx, name, &k, &m);
	if (r < 0)
		return r;
	/* modprobe semantics: dependencies first, softdeps, install commands. */
	r = kmod_module_probe_insert_module(m, 0, NULL, NULL, NULL, NULL);
	if (r < 0)
		r = ov_ctx_fail(ctx, -r, "load module %s: %s", name, strerror(-r));
	kmod_module_unref(m);
	kmod_unref(k);
	return r;
}

int ov_kmod_unload(struct ov_ctx *ctx, const char *name)
{
	struct kmod_ctx *k;
	struct kmod_module *m;
	int r;

	r = ov_kmod_open(ctx, &k);
	if (r < 0)
		return r;
	r = kmod_module_new_from_name(k, name, &m);
	if (r == 0) {
		r = kmod_module_remove_module(m, 0);
		if (r < 0)
			r = ov_ctx_fail(ctx, -r, "unload module %s: %s", name, strerror(-r));
		kmod_module_unref(m);
	} else {
		r = ov_ctx_fail(ctx, -r, "unload module %s: %s", name, strerror(-r));
	}
	kmod_unref(k);
	return r;
}
