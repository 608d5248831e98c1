// SPDX-License-Identifier: GPL-2.0-or-later
/* Is this ROM for that device? (design.md §4: validate every acquired ROM.) */
#include "rom/rom.h"
#include "core/ctx.h"
#include "core/hostfs.h"
#include "rom/dump.h"

#include <errno.h>
#include <limits.h>

int ov_rom_validate_ids(struct ov_ctx *ctx, const struct ov_rom_info *info,
			uint16_t vendor, uint16_t device)
{
	const struct ov_rom_image *im;

	if (info->n_images == 0)
		return ov_ctx_fail(ctx, EBADMSG, "no ROM image to check: %s", info->verdict_msg);
	/* Image 0 is the one the device runs; the others carry NVIDIA data ids. */
	im = &info->images[0];
	if (im->vendor != vendor)
		return ov_ctx_fail(ctx, ENODEV, "the ROM is for vendor %04x (device %04x:%04x), "
				   "the device is %04x:%04x", im->vendor, im->vendor, im->device,
				   vendor, device);
	if (im->device == device)
		return 0;
	/* PCI FW 3.0 §5.1.2: a ROM may list more device ids it supports. */
	for (size_t i = 0; i < im->n_device_list; i++)
		if (im->device_list[i] == device)
			return 0;
	return ov_ctx_fail(ctx, ENODEV, "the ROM is for device %04x:%04x, the device is "
			   "%04x:%04x", im->vendor, im->device, vendor, device);
}

int ov_rom_check_usable(struct ov_ctx *ctx, const uint8_t *data, size_t len,
			struct ov_rom_info *info)
{
	/* The bytes a VM is given are served as they are: no prefix, a whole chain. */
	ov_rom_parse(data, len, 0, info);
	if (info->verdict == OV_ROM_USABLE)
		return 0;
	return ov_ctx_fail(ctx, EBADMSG, "%s", info->verdict_msg);
}

static int read_id(struct ov_ctx *ctx, const char *bdf, const char *attr, uint16_t *ret)
{
	char path[PATH_MAX];
	uint64_t v;
	int r;

	r = ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/%s", bdf, attr);
	if (r < 0)
		return r;
	r = ov_read_attr_u64(ctx, path, &v);
	if (r < 0)
		return r;
	if (v > 0xFFFF)
		return ov_ctx_fail(ctx, EINVAL, "%s: %#llx is not a PCI id", path,
				   (unsigned long long)v);
	*ret = (uint16_t)v;
	return 0;
}

int ov_rom_device_ids(struct ov_ctx *ctx, const char *bdf, uint16_t *vendor,
		      uint16_t *device)
{
	int r = read_id(ctx, bdf, "vendor", vendor);

	return r < 0 ? r : read_id(ctx, bdf, "device", device);
}
