// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The UEFI firmware a QEMU VM boots: OVMF's code (read-only, shared) and
 * the template of its variable store, of which each VM needs its own copy
 * (the firmware writes boot entries into it).
 */
#include "vm/vm.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* Debian/Ubuntu (4 MiB first), Fedora, Arch: builds without Secure Boot, which needs SMM. */
static const char *const codes[] = {
	"/usr/share/OVMF/OVMF_CODE_4M.fd",
	"/usr/share/OVMF/OVMF_CODE.fd",
	"/usr/share/edk2/ovmf/OVMF_CODE.fd",
	"/usr/share/edk2/x64/OVMF_CODE.4m.fd",
	"/usr/share/edk2/x64/OVMF_CODE.fd",
};

static bool regular(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int ov_vm_ovmf_vars_template(struct ov_ctx *ctx, const char *code, char *buf, size_t size)
{
	const char *base = strrchr(code, '/');
	const char *at = strstr(base ? base : code, "CODE");

	/* Each OVMF build ships its CODE and VARS files side by side. */
	if (!at || (size_t)snprintf(buf, size, "%.*sVARS%s", (int)(at - code), code, at + 4) >= size)
		return ov_ctx_fail(ctx, EINVAL, "%s: no CODE in its name, so no VARS file "
				   "to go with it", code);
	if (!regular(buf))
		return ov_ctx_fail(ctx, ENOENT, "%s: not there (the variable store of %s)", buf,
				   code);
	return 0;
}

int ov_vm_ovmf_find(struct ov_ctx *ctx, char *code, size_t size)
{
	for (size_t i = 0; i < sizeof(codes) / sizeof(*codes); i++)
		if (regular(codes[i]) && strlen(codes[i]) < size) {
			strcpy(code, codes[i]);
			return 0;
		}
	return ov_ctx_fail(ctx, ENOENT, "no UEFI firmware (OVMF) on this machine");
}
