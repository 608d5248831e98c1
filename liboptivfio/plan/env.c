// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The facts a plan needs besides the PCI model, read once before building:
 * loaded modules (/proc/modules), processes holding /dev/nvidia* (their
 * /proc/PID/fd links), connected displays (/sys/class/drm), which power
 * switches exist. All through the context's root.
 */
#include "plan/plan.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int push_module(struct ov_plan_env *env, const char *name)
{
	char **n = realloc(env->modules, (env->n_modules + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	env->modules = n;
	n[env->n_modules] = strdup(name);
	if (!n[env->n_modules])
		return -ENOMEM;
	env->n_modules++;
	return 0;
}

static int read_modules(struct ov_ctx *ctx, struct ov_plan_env *env)
{
	char path[PATH_MAX], line[512];
	FILE *f;
	int r = 0;

	r = ov_host_path(ctx, path, sizeof(path), "/proc/modules");
	if (r < 0)
		return r;
	f = fopen(path, "re");
	if (!f)
		return 0;	/* no /proc/modules: a kernel without modules */
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \n")] = '\0';
		if (*line && (r = push_module(env, line)) < 0)
			break;
	}
	fclose(f);
	return r < 0 ? ov_ctx_fail(ctx, -r, "out of memory") : 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int add_holder(struct ov_ctx *ctx, struct ov_plan_env *env, const char *pid,
		      const char *file)
{
	char path[PATH_MAX];
	struct ov_holder *n, *h;

	for (size_t i = 0; i < env->n_holders; i++)
		if (env->holders[i].pid == atoi(pid))
			return 0;	/* one line per process is enough */
	n = realloc(env->holders, (env->n_holders + 1) * sizeof(*n));
	if (!n)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	env->holders = n;
	h = &n[env->n_holders++];
	memset(h, 0, sizeof(*h));
	h->pid = atoi(pid);
	snprintf(h->file, sizeof(h->file), "%s", file);
	if (ov_host_path(ctx, path, sizeof(path), "/proc/%s/comm", pid) < 0 ||
	    ov_read_attr(ctx, path, h->comm, sizeof(h->comm)) < 0)
		snprintf(h->comm, sizeof(h->comm), "?");
	ov_ctx_clear_error(ctx);
	return 0;
}

/* Processes with an open /dev/nvidia* (what `fuser /dev/nvidia*` finds). */
static int read_holders(struct ov_ctx *ctx, struct ov_plan_env *env)
{
	char proc[PATH_MAX];
	struct dirent *p;
	DIR *dir;
	int r = 0;

	if (ov_host_path(ctx, proc, sizeof(proc), "/proc") < 0)
		return -EINVAL;
	dir = opendir(proc);
	if (!dir) {
		/* A --root tree without /proc has no processes; a real host always has one. */
		if (errno != ENOENT)
			snprintf(env->holders_unknown, sizeof(env->holders_unknown), "%s: %s",
				 proc, strerror(errno));
		return 0;
	}
	while (r == 0 && (p = readdir(dir))) {
		char fddir[PATH_MAX];
		struct dirent *f;
		DIR *fds;

		if (!all_digits(p->d_name) ||
		    snprintf(fddir, sizeof(fddir), "%s/%s/fd", proc, p->d_name) >=
		    (int)sizeof(fddir))
			continue;
		fds = opendir(fddir);
		if (!fds) {
			/* Gone is fine; not ours to look at means we cannot tell. */
			if (errno != ENOENT && !*env->holders_unknown)
				snprintf(env->holders_unknown, sizeof(env->holders_unknown),
					 "%s: %s", fddir, strerror(errno));
			continue;
		}
		while ((f = readdir(fds))) {
			char link[PATH_MAX + 300], target[PATH_MAX];
			ssize_t n;

			snprintf(link, sizeof(link), "%s/%s", fddir, f->d_name);
			n = readlink(link, target, sizeof(target) - 1);
			if (n <= 0)
				continue;
			target[n] = '\0';
			if (strncmp(target, "/dev/nvidia", 11) == 0) {
				r = add_holder(ctx, env, p->d_name, target);
				break;
			}
		}
		closedir(fds);
	}
	closedir(dir);
	return r;
}

/* A DRM connector "cardN-NAME" whose status is "connected" drives a display. */
static int read_displays(struct ov_ctx *ctx, struct ov_plan_env *env)
{
	char drm[PATH_MAX];
	struct dirent *e;
	DIR *dir;

	if (ov_host_path(ctx, drm, sizeof(drm), "/sys/class/drm") < 0)
		return -EINVAL;
	dir = opendir(drm);
	if (!dir) {
		/* No DRM at all is a host without display drivers. */
		if (errno != ENOENT)
			snprintf(env->displays_unknown, sizeof(env->displays_unknown), "%s: %s",
				 drm, strerror(errno));
		return 0;
	}
	while ((e = readdir(dir))) {
		char path[PATH_MAX + 300], card[64], status[32], name[64];
		const char *dash;
		struct ov_bdf bdf, *n;

		dash = strchr(e->d_name, '-');
		if (strncmp(e->d_name, "card", 4) != 0 || !dash ||
		    (size_t)(dash - e->d_name) >= sizeof(card))
			continue;
		snprintf(path, sizeof(path), "%s/%s/status", drm, e->d_name);
		if (ov_read_attr(ctx, path, status, sizeof(status)) < 0) {
			if (!ov_path_exists(path))
				continue;	/* a connector without status */
			if (!*env->displays_unknown)
				snprintf(env->displays_unknown, sizeof(env->displays_unknown),
					 "%s", ov_ctx_error(ctx));
			continue;
		}
		if (strcmp(status, "connected") != 0)
			continue;
		snprintf(card, sizeof(card), "%.*s", (int)(dash - e->d_name), e->d_name);
		snprintf(path, sizeof(path), "%s/%s/device", drm, card);
		if (ov_read_link_name(ctx, path, name, sizeof(name)) < 0 ||
		    !ov_bdf_parse(name, &bdf)) {
			/* A connected display we cannot place could be the GPU's. */
			if (!*env->displays_unknown)
				snprintf(env->displays_unknown, sizeof(env->displays_unknown),
					 "%s: which device drives it is unreadable", e->d_name);
			continue;
		}
		n = realloc(env->displays, (env->n_displays + 1) * sizeof(*n));
		if (!n) {
			closedir(dir);
			return ov_ctx_fail(ctx, ENOMEM, "out of memory");
		}
		env->displays = n;
		n[env->n_displays++] = bdf;
	}
	closedir(dir);
	ov_ctx_clear_error(ctx);
	return 0;
}

static bool host_exists(struct ov_ctx *ctx, const char *abs)
{
	char path[PATH_MAX];

	return ov_host_path(ctx, path, sizeof(path), "%s", abs) == 0 && ov_path_exists(path);
}

int ov_plan_env_read(struct ov_ctx *ctx, struct ov_plan_env *env)
{
	int r;

	memset(env, 0, sizeof(*env));
	r = read_modules(ctx, env);
	if (r == 0)
		r = read_holders(ctx, env);
	if (r == 0)
		r = read_displays(ctx, env);
	if (r < 0) {
		ov_plan_env_clear(env);
		return r;
	}
	env->has_bbswitch = host_exists(ctx, "/proc/acpi/bbswitch");
	env->has_acpi_call = host_exists(ctx, "/proc/acpi/call");
	env->has_nvidia_smi = host_exists(ctx, "/usr/bin/nvidia-smi");
	return 0;
}

void ov_plan_env_clear(struct ov_plan_env *env)
{
	for (size_t i = 0; i < env->n_modules; i++)
		free(env->modules[i]);
	free(env->modules);
	free(env->holders);
	free(env->displays);
	memset(env, 0, sizeof(*env));
}

bool ov_plan_env_has_module(const struct ov_plan_env *env, const char *name)
{
	for (size_t i = 0; i < env->n_modules; i++)
		if (strcmp(env->modules[i], name) == 0)
			return true;
	return false;
}
