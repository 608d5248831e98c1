/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libvirt qemu hook (https://libvirt.org/hooks.html): a script that
 * runs `optivfio host prepare` at "prepare begin" and `optivfio host
 * release` at "release end", for the chosen domains only.
 *
 * libvirt >= 6.5 runs every executable in /etc/libvirt/hooks/qemu.d/, so
 * ours is qemu.d/optivfio next to whatever else is there; older libvirt
 * runs only /etc/libvirt/hooks/qemu, so there the script is that file.
 * An existing file that is not ours is never replaced; ours is recognised
 * by its marker line, and only ours is removed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ov_ctx;

#define OV_HOOK_MARKER "# optivfio-hook: written by 'optivfio hook install'"

struct ov_hook_opts {
	const char *const *domains;
	size_t n_domains;
	int libvirt_major, libvirt_minor;	/* the layout follows the version */
	const char *optivfio;			/* absolute path of the binary to call */
	const char *gpu;			/* BDF for --gpu, or NULL */
	const char *state_dir;			/* --state-dir to pass, or NULL */
};

/* Does this libvirt run qemu.d/ scripts (>= 6.5)? */
bool ov_hook_uses_qemu_d(int major, int minor);

/* Domain names we put in a shell script: [A-Za-z0-9_.+-], not starting with '-'. */
bool ov_hook_domain_ok(const char *name);

/* Write the hook; @installed gets the host path (without the root). */
int ov_hook_install(struct ov_ctx *ctx, const struct ov_hook_opts *opts,
		    char *installed, size_t size);

/*
 * Remove our hook(s) from both places; a foreign file stays. @removed
 * counts what was removed; -ENOENT when nothing of ours was there.
 */
int ov_hook_uninstall(struct ov_ctx *ctx, size_t *removed, char *foreign, size_t size);
