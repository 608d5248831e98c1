// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan/hook.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HOOK_DIR "/etc/libvirt/hooks"
#define HOOK_NEW HOOK_DIR "/qemu.d/optivfio"
#define HOOK_OLD HOOK_DIR "/qemu"

bool ov_hook_uses_qemu_d(int major, int minor)
{
	/* libvirt 6.5.0 added the hooks/<driver>.d directories. */
	return major > 6 || (major == 6 && minor >= 5);
}

bool ov_hook_domain_ok(const char *name)
{
	if (!*name || *name == '-' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.+-", *p))
			return false;
	return true;
}

/* Single-quote for sh; paths with a quote are refused before this. */
static bool shell_safe(const char *s)
{
	return !strchr(s, '\'') && !strchr(s, '\n');
}

static int read_small(struct ov_ctx *ctx, const char *path, char **text)
{
	uint8_t *data;
	size_t len;
	int r;

	r = ov_read_file(ctx, path, &data, &len);
	if (r == 0)
		*text = (char *)data;
	return r;
}

static bool is_ours(struct ov_ctx *ctx, const char *path)
{
	char *text = NULL;
	bool ours;

	if (read_small(ctx, path, &text) < 0) {
		ov_ctx_clear_error(ctx);
		return false;
	}
	ours = strstr(text, "\n" OV_HOOK_MARKER "\n") != NULL;
	free(text);
	return ours;
}

static int mkdirs(struct ov_ctx *ctx, const char *path)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return ov_ctx_fail(ctx, errno, "%s: %s", buf, strerror(errno));
		*p = '/';
	}
	return 0;
}

static char *script(const struct ov_hook_opts *o)
{
	char args[512] = "", *s = NULL;
	size_t n = 0, cap = 4096;
	int k = 0;

	if (o->gpu)
		k = snprintf(args, sizeof(args), " --gpu %s", o->gpu);
	if (o->state_dir && k >= 0 && (size_t)k < sizeof(args))
		snprintf(args + k, sizeof(args) - (size_t)k, " --state-dir '%s'", o->state_dir);
	s = malloc(cap);
	if (!s)
		return NULL;
	n += (size_t)snprintf(s + n, cap - n,
		"#!/bin/sh\n"
		OV_HOOK_MARKER "\n"
		"# 'optivfio hook uninstall' removes it. libvirt runs it as\n"
		"#   <hook> DOMAIN OPERATION SUB-OPERATION EXTRA\n"
		"# (https://libvirt.org/hooks.html). It hands the GPU to vfio-pci before\n"
		"# the chosen domains start and gives it back after they stop.\n"
		"case \"$1\" in\n");
	for (size_t i = 0; i < o->n_domains && n < cap - 300; i++)
		n += (size_t)snprintf(s + n, cap - n, "%s'%s'", i ? "|" : "", o->domains[i]);
	snprintf(s + n, cap - n,
		 ") ;;\n"
		 "*) exit 0 ;;\n"
		 "esac\n"
		 "case \"$2/$3\" in\n"
		 "prepare/begin) exec '%s' host prepare%s ;;\n"
		 "release/end) exec '%s' host release%s ;;\n"
		 "esac\n"
		 "exit 0\n", o->optivfio, args, o->optivfio, args);
	return s;
}

int ov_hook_install(struct ov_ctx *ctx, const struct ov_hook_opts *opts,
		    char *installed, size_t size)
{
	const char *rel = ov_hook_uses_qemu_d(opts->libvirt_major, opts->libvirt_minor) ?
			  HOOK_NEW : HOOK_OLD;
	char path[PATH_MAX], *text;
	int r;

	if (!opts->n_domains)
		return ov_ctx_fail(ctx, EINVAL, "no domain given: the hook runs only for "
				   "the domains named with --domain");
	for (size_t i = 0; i < opts->n_domains; i++)
		if (!ov_hook_domain_ok(opts->domains[i]))
			return ov_ctx_fail(ctx, EINVAL, "--domain %s: only letters, digits and "
					   "_.+- are accepted", opts->domains[i]);
	if (!shell_safe(opts->optivfio) || (opts->state_dir && !shell_safe(opts->state_dir)))
		return ov_ctx_fail(ctx, EINVAL, "a path with a quote or newline cannot go "
				   "into the hook script");
	r = ov_host_path(ctx, path, sizeof(path), "%s", rel);
	if (r < 0)
		return r;
	if (ov_path_exists(path) && !is_ours(ctx, path))
		return ov_ctx_fail(ctx, EEXIST, "%s exists and is not optivfio's: refusing to "
				   "replace it (merge the two by hand, or move it away)", rel);
	r = mkdirs(ctx, path);
	if (r < 0)
		return r;
	text = script(opts);
	if (!text)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	r = ov_write_file_atomic(ctx, path, text, strlen(text), 0755);
	free(text);
	if (r == 0)
		snprintf(installed, size, "%s", rel);
	return r;
}

int ov_hook_uninstall(struct ov_ctx *ctx, size_t *removed, char *foreign, size_t size)
{
	static const char *const places[] = { HOOK_NEW, HOOK_OLD };
	size_t nf = 0;

	*removed = 0;
	foreign[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		char path[PATH_MAX];
		int r = ov_host_path(ctx, path, sizeof(path), "%s", places[i]);

		if (r < 0)
			return r;
		if (!ov_path_exists(path))
			continue;
		if (!is_ours(ctx, path)) {
			nf += (size_t)snprintf(foreign + nf, nf < size ? size - nf : 0, "%s%s",
					       nf ? ", " : "", places[i]);
			continue;
		}
		if (unlink(path) < 0)
			return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
		(*removed)++;
	}
	if (!*removed)
		return ov_ctx_fail(ctx, ENOENT, "no optivfio hook installed%s%s",
				   *foreign ? " (not ours, left alone: " : "",
				   *foreign ? foreign : "");
	return 0;
}
