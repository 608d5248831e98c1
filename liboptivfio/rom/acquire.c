// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ROM BAR comes first: it needs no module and reads at bus speed. On
 * Optimus laptops it is often empty (the VBIOS lives in the system ROM and
 * only the firmware's _ROM hands it out, ACPI 6.4 §B.4.3), so AUTO falls
 * back to _ROM. Whatever the source, the bytes must be a whole option-ROM
 * chain (PCI Firmware 3.0 §5.1) and, unless asked otherwise, the device's
 * own: a VM given another GPU's ROM fails in ways that look like Code 43.
 */
#include "rom/acquire.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const source_names[] = {
	[OV_ROM_FROM_AUTO] = "auto",
	[OV_ROM_FROM_SYSFS] = "sysfs",
	[OV_ROM_FROM_ACPI] = "acpi",
};

const char *ov_rom_source_name(enum ov_rom_source s)
{
	return s <= OV_ROM_FROM_ACPI ? source_names[s] : "?";
}

int ov_rom_source_parse(const char *name, enum ov_rom_source *ret)
{
	for (size_t i = 0; i < sizeof(source_names) / sizeof(source_names[0]); i++)
		if (strcmp(name, source_names[i]) == 0) {
			*ret = (enum ov_rom_source)i;
			return 0;
		}
	return -EINVAL;
}

static int read_source(struct ov_ctx *ctx, const struct ov_rom_request *req,
		       enum ov_rom_source src, struct ov_rom_acquired *out)
{
	int r;

	out->used = src;
	if (src == OV_ROM_FROM_SYSFS)
		return ov_rom_dump_sysfs(ctx, req->bdf, &out->data, &out->len);
	r = ov_rom_acpi_path(ctx, req->bdf, out->acpi_path, sizeof(out->acpi_path));
	if (r == 0) {
		r = ov_acpi_call_check(ctx);
		out->acpi_call_missing = r == -ENOENT;
	}
	if (r == 0)
		r = ov_rom_dump_acpi(ctx, &ov_acpi_call_proc_ops, ctx, out->acpi_path,
				     req->progress, &out->data, &out->len, &out->stats);
	return r;
}

/* One source: read, then the checks; nothing kept when they fail. */
static int from(struct ov_ctx *ctx, const struct ov_rom_request *req, enum ov_rom_source src,
		struct ov_rom_acquired *out)
{
	int r = read_source(ctx, req, src, out);

	if (r == 0) {
		ov_rom_parse(out->data, out->len, OV_ROM_AT_START, out->info);
		if (out->info->verdict != OV_ROM_USABLE)
			r = ov_ctx_fail(ctx, EBADMSG, "the dumped ROM is not usable: %s",
					out->info->verdict_msg);
		else if (!req->any_ids)
			r = ov_rom_validate_ids(ctx, out->info, out->vendor, out->device);
	}
	if (r < 0) {
		free(out->data);
		out->data = NULL;
		out->len = 0;
	}
	return r;
}

int ov_rom_acquire(struct ov_ctx *ctx, const struct ov_rom_request *req,
		   struct ov_rom_acquired *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	r = ov_rom_device_ids(ctx, req->bdf, &out->vendor, &out->device);
	if (r < 0) {
		char why[512];

		snprintf(why, sizeof(why), "%s", ov_ctx_error(ctx));
		return ov_ctx_fail(ctx, -r, "%s: no such PCI device (%s)", req->bdf, why);
	}
	out->info = malloc(sizeof(*out->info));
	if (!out->info)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	if (req->from != OV_ROM_FROM_AUTO)
		return from(ctx, req, req->from, out);
	r = from(ctx, req, OV_ROM_FROM_SYSFS, out);
	if (r == 0)
		return 0;
	snprintf(out->sysfs_error, sizeof(out->sysfs_error), "%s", ov_ctx_error(ctx));
	return from(ctx, req, OV_ROM_FROM_ACPI, out);
}

void ov_rom_acquired_clear(struct ov_rom_acquired *a)
{
	free(a->data);
	free(a->info);
	memset(a, 0, sizeof(*a));
}
