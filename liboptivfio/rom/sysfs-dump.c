// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysfs ROM BAR (drivers/pci/pci-sysfs.c pci_write_rom/pci_read_rom;
 * facts §4.1): write "1\n" to enable, read, write exactly "0\n" to disable.
 * Reads fail with EINVAL when not enabled and EIO when the kernel finds no
 * 0xAA55 header; the kernel sizes the ROM from PCIR lengths only.
 */
#include "rom/dump.h"
#include "rom/rom.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#define READ_CHUNK 65536u

static const char *read_errno_explain(int err)
{
	switch (err) {
	case EINVAL:
		return "the ROM is not enabled (the write of \"1\" to rom did not take)";
	case EIO:
		return "the kernel found no valid ROM header (dmesg: \"Invalid PCI ROM header "
		       "signature\"): the GPU is powered off, has no ROM chip, or does not "
		       "decode its ROM BAR; Optimus laptops usually serve the ROM through "
		       "ACPI _ROM instead (--from acpi)";
	case ENOMEM:
		return "the kernel could not map the ROM BAR";
	default:
		return strerror(err);
	}
}

/* What the first two bytes say when they are not 55 AA. */
static const char *signature_explain(const uint8_t *p, size_t len)
{
	if (len >= 2 && p[0] == 0xFF && p[1] == 0xFF)
		return ": 0xffff means the GPU is powered off (D3cold), has no ROM chip, or "
		       "does not decode its ROM BAR";
	if (len >= 2 && p[0] == 0x00 && p[1] == 0x00)
		return ": 0x0000 means there is no ROM behind the BAR";
	return "";
}

int ov_rom_dump_sysfs_ops(struct ov_ctx *ctx, const struct ov_rom_sysfs_ops *ops,
			  void *userdata, uint8_t **data, size_t *len)
{
	struct ov_rom_info *info = NULL;
	uint8_t *buf = NULL, *nbuf;
	size_t have = 0, cap = 0;
	int r, r2;

	r = ops->enable(userdata, true);
	if (r < 0)
		return ov_ctx_fail(ctx, -r, "enabling the ROM (writing 1 to rom): %s",
				   strerror(-r));
	for (;;) {
		ssize_t n;

		if (cap - have < READ_CHUNK) {
			cap = cap ? cap * 2 : 4 * READ_CHUNK;
			if (cap > OV_ROM_DUMP_MAX + 4 * READ_CHUNK) {
				r = ov_ctx_fail(ctx, EFBIG, "the ROM BAR reads more than %u MiB",
						OV_ROM_DUMP_MAX >> 20);
				break;
			}
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
				break;
			}
			buf = nbuf;
		}
		n = ops->read(userdata, buf + have, READ_CHUNK, have);
		if (n < 0) {
			r = ov_ctx_fail(ctx, (int)-n, "reading rom at 0x%zx: %s", have,
					read_errno_explain((int)-n));
			break;
		}
		if (n == 0)
			break;
		have += (size_t)n;
	}
	/* Always switch decoding off again, whatever happened above. */
	r2 = ops->enable(userdata, false);
	if (r == 0 && r2 < 0)
		r = ov_ctx_fail(ctx, -r2, "disabling the ROM (writing 0 to rom): %s",
				strerror(-r2));
	if (r < 0)
		goto out;

	info = malloc(sizeof(*info));
	if (!info) {
		r = ov_ctx_fail(ctx, ENOMEM, "out of memory");
		goto out;
	}
	if (have == 0) {
		r = ov_ctx_fail(ctx, ENODATA, "rom reads 0 bytes");
		goto out;
	}
	if (ov_rom_parse(buf, have, OV_ROM_AT_START, info) < 0) {
		if (info->problem == OV_ROM_BAD_SIGNATURE && info->problem_offset == 0)
			r = ov_ctx_fail(ctx, EBADMSG, "the ROM BAR reads %02x %02x, not 55 AA%s",
					buf[0], buf[1], signature_explain(buf, have));
		else if (info->problem == OV_ROM_TRUNCATED)
			r = ov_ctx_fail(ctx, EBADMSG, "the ROM BAR gave 0x%zx bytes but the image "
					"chain goes on (%s): the kernel sizes the ROM from PCIR "
					"lengths only, NVIDIA chains continue through NPDE; try "
					"--from acpi", have, info->problem_msg);
		else
			r = ov_ctx_fail(ctx, EBADMSG, "the ROM BAR holds no valid ROM: %s",
					info->problem_msg);
		goto out;
	}
	*data = buf;
	*len = info->chain_end;
	buf = NULL;
	r = 0;
out:
	free(buf);
	free(info);
	return r;
}

/* ---- the real attribute ------------------------------------------------ */

struct sysfs_rom {
	struct ov_ctx *ctx;
	char path[PATH_MAX];
	bool plain_file;	/* a fixture's regular file: never write to it */
	int fd;
};

static int real_enable(void *userdata, bool on)
{
	struct sysfs_rom *s = userdata;
	/* pci_write_rom(): exactly "0\n" at offset 0 disables, anything enables. */
	const char *text = on ? "1\n" : "0\n";
	ssize_t n;

	if (s->plain_file)
		return 0;
	n = pwrite(s->fd, text, 2, 0);
	if (n < 0)
		return -errno;
	return n == 2 ? 0 : -EIO;
}

static ssize_t real_read(void *userdata, uint8_t *buf, size_t len, size_t off)
{
	struct sysfs_rom *s = userdata;
	ssize_t n;

	do {
		n = pread(s->fd, buf, len, (off_t)off);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static const struct ov_rom_sysfs_ops real_ops = {
	.enable = real_enable,
	.read = real_read,
};

/* Add what the device's state says about a failure (facts §4.1). */
static void explain_device_state(struct ov_ctx *ctx, const char *bdf, int err)
{
	char path[PATH_MAX], state[32] = "", driver[64] = "", msg[512];

	snprintf(msg, sizeof(msg), "%s", ov_ctx_error(ctx));
	if (ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/power_state",
			 bdf) == 0)
		(void)ov_read_attr(ctx, path, state, sizeof(state));
	if (ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf) == 0 &&
	    ov_path_exists(path))
		(void)ov_read_link_name(ctx, path, driver, sizeof(driver));
	if (strcmp(state, "D3cold") == 0)
		ov_ctx_fail(ctx, err, "%s (the GPU is in D3cold: wake it with 'echo on > "
			    "/sys/bus/pci/devices/%s/power/control' first)", msg, bdf);
	else if (*driver && strcmp(driver, "vfio-pci") && strcmp(driver, "pci-stub"))
		ov_ctx_fail(ctx, err, "%s (driver %s is bound: the ROM may share decoders with "
			    "the registers it uses; unbind it or bind vfio-pci first)", msg, driver);
	else
		ov_ctx_fail(ctx, err, "%s", msg);
}

int ov_rom_dump_sysfs(struct ov_ctx *ctx, const char *bdf, uint8_t **data, size_t *len)
{
	struct sysfs_rom s = { .ctx = ctx, .fd = -1 };
	struct statfs sfs;
	int r;

	r = ov_host_path(ctx, s.path, sizeof(s.path), "/sys/bus/pci/devices/%s/rom", bdf);
	if (r < 0)
		return r;
	s.fd = open(s.path, O_RDWR | O_CLOEXEC);
	/* A read-only fixture is still a fixture: it is only read anyway. */
	if (s.fd < 0 && (errno == EACCES || errno == EROFS)) {
		s.fd = open(s.path, O_RDONLY | O_CLOEXEC);
		if (s.fd >= 0 && !(fstatfs(s.fd, &sfs) == 0 && sfs.f_type != SYSFS_MAGIC)) {
			close(s.fd);
			return ov_ctx_fail(ctx, EACCES, "%s: %s (reading the ROM BAR needs root)",
					   s.path, strerror(EACCES));
		}
	}
	if (s.fd < 0 && errno == ENOENT)
		return ov_ctx_fail(ctx, ENOENT, "%s has no rom attribute: the device has no "
				   "ROM BAR", bdf);
	if (s.fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", s.path, strerror(errno));
	s.plain_file = fstatfs(s.fd, &sfs) == 0 && sfs.f_type != SYSFS_MAGIC;

	r = ov_rom_dump_sysfs_ops(ctx, &real_ops, &s, data, len);
	close(s.fd);
	if (r < 0)
		explain_device_state(ctx, bdf, -r);
	return r;
}
