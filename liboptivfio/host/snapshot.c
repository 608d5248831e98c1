// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The snapshot keeps the kernel's layout: /sys/bus/pci/devices/<bdf> are
 * symlinks into /sys/devices/pci0000:00/..., nested under their bridges,
 * so the parent of each device survives; driver, iommu_group and
 * firmware_node stay symlinks whose targets exist in the copy. Links are
 * rewritten relative to their own directory after normalising, so no link
 * in a snapshot can point outside it.
 */
#include "host/snapshot.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "core/hostfs.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Attribute files of a PCI function that optivfio (or lspci -A linux-sysfs) reads. */
static const char *const device_attrs[] = {
	"config", "vendor", "device", "subsystem_vendor", "subsystem_device", "class",
	"revision", "irq", "resource", "enable", "driver_override", "boot_vga",
	"power_state", "d3cold_allowed", "reset_method", "numa_node", "modalias",
	"power/control", "power/runtime_status",
};

/* Symlinks of a PCI function whose targets the snapshot recreates. */
static const char *const device_links[] = { "driver", "iommu_group", "firmware_node" };

/* Host files copied whole. */
static const char *const host_files[] = { "/proc/cmdline", "/proc/modules" };

struct snap {
	struct ov_ctx *ctx;
	char tmp[PATH_MAX];		/* the tree being built */
	struct ov_snapshot_stats st;
};

/*
 * Join @base (an absolute host path of a directory) with @rel and resolve
 * "." and ".." textually, never above "/". Absolute @rel replaces @base.
 */
static int resolve(const char *base, const char *rel, char *out, size_t size)
{
	char buf[PATH_MAX * 2], *save = NULL, *seg;
	size_t len = 0;

	if (snprintf(buf, sizeof(buf), "%s/%s", rel[0] == '/' ? "" : base, rel) >=
	    (int)sizeof(buf))
		return -ENAMETOOLONG;
	out[0] = '\0';
	for (seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			char *slash = strrchr(out, '/');

			len = slash ? (size_t)(slash - out) : 0;
			out[len] = '\0';
			continue;
		}
		if (len + 1 + strlen(seg) + 1 > size)
			return -ENAMETOOLONG;
		out[len++] = '/';
		strcpy(out + len, seg);
		len += strlen(seg);
	}
	if (len == 0)
		strcpy(out, "/");
	return 0;
}

/* A relative link text that leads from directory @from to @to (both resolved). */
static int relative_link(const char *from, const char *to, char *out, size_t size)
{
	size_t common = 0, i, len = 0;

	/* Longest common prefix ending at a component boundary. */
	for (i = 0; from[i] && from[i] == to[i]; i++)
		if (from[i] == '/')
			common = i;
	if (from[i] == '\0' && (to[i] == '/' || to[i] == '\0'))
		common = i;
	out[0] = '\0';
	for (const char *p = from + common; *p; p++) {
		if (*p != '/')
			continue;
		if (len + 3 >= size)
			return -ENAMETOOLONG;
		strcpy(out + len, "../");
		len += 3;
	}
	const char *rest = to + common;

	while (*rest == '/')
		rest++;
	if (len + strlen(rest) + 1 > size)
		return -ENAMETOOLONG;
	strcpy(out + len, rest);
	if (!out[0])
		strcpy(out, ".");
	return 0;
}

static int mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The copy's path of host path @hp; creates its parent directories. */
static int out_path(struct snap *s, const char *hp, char *buf, size_t size, bool is_dir)
{
	int r;

	if (snprintf(buf, size, "%s%s", s->tmp, hp) >= (int)size)
		return ov_ctx_fail(s->ctx, ENAMETOOLONG, "%s: path too long", hp);
	if (is_dir) {
		r = mkdir_p(buf);
	} else {
		char *slash = strrchr(buf, '/');

		*slash = '\0';
		r = mkdir_p(buf);
		*slash = '/';
	}
	if (r < 0)
		return ov_ctx_fail(s->ctx, -r, "%s: %s", buf, strerror(-r));
	return 0;
}

static int mkdir_host(struct snap *s, const char *hp)
{
	char dst[PATH_MAX];

	return out_path(s, hp, dst, sizeof(dst), true);
}

/* Copy a regular file; unreadable ones are counted, not fatal (sysfs has those). */
static int copy_file(struct snap *s, const char *hp, mode_t mode)
{
	char src[PATH_MAX], dst[PATH_MAX];
	char buf[65536];
	size_t len = 0;
	int fd, r;

	r = ov_host_path(s->ctx, src, sizeof(src), "%s", hp);
	if (r < 0)
		return r;
	/*
	 * O_NOFOLLOW: an attribute is a file; one that is a link (a tree made
	 * by hand) would copy what it points at, maybe a file outside the tree.
	 */
	fd = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT)
			s->st.skipped++;
		return 0;
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0) {
				close(fd);
				s->st.skipped++;
				return 0;
			}
			break;
		}
		len += (size_t)n;
		if (len == sizeof(buf)) {
			/* No attribute we copy is this big: leave it out, do not cut it. */
			close(fd);
			s->st.skipped++;
			return 0;
		}
	}
	close(fd);

	r = out_path(s, hp, dst, sizeof(dst), false);
	if (r < 0)
		return r;
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return ov_ctx_fail(s->ctx, errno, "%s: %s", dst, strerror(errno));
	if (write(fd, buf, len) != (ssize_t)len) {
		r = errno ? errno : EIO;
		close(fd);
		return ov_ctx_fail(s->ctx, r, "%s: %s", dst, strerror(r));
	}
	if (close(fd) < 0)
		return ov_ctx_fail(s->ctx, errno, "%s: %s", dst, strerror(errno));
	s->st.files++;
	return 0;
}

/*
 * Copy the symlink at host path @hp; on return @target holds the host path
 * it resolves to. Returns 1 when there is no such link.
 */
static int copy_link(struct snap *s, const char *hp, char *target, size_t tsize)
{
	char src[PATH_MAX], dst[PATH_MAX], text[PATH_MAX], dir[PATH_MAX], rel[PATH_MAX];
	ssize_t n;
	int r;

	r = ov_host_path(s->ctx, src, sizeof(src), "%s", hp);
	if (r < 0)
		return r;
	n = readlink(src, text, sizeof(text) - 1);
	if (n < 0)
		return 1;
	text[n] = '\0';

	snprintf(dir, sizeof(dir), "%s", hp);
	*strrchr(dir, '/') = '\0';
	if (!dir[0])
		strcpy(dir, "/");
	if (resolve(dir, text, target, tsize) < 0 || relative_link(dir, target, rel, sizeof(rel)) < 0)
		return ov_ctx_fail(s->ctx, ENAMETOOLONG, "%s: link target too long", src);

	r = out_path(s, hp, dst, sizeof(dst), false);
	if (r < 0)
		return r;
	if (symlink(rel, dst) < 0)
		return ov_ctx_fail(s->ctx, errno, "%s: %s", dst, strerror(errno));
	s->st.links++;
	return 0;
}

static bool is_dir_host(struct snap *s, const char *hp)
{
	char p[PATH_MAX];
	struct stat st;

	return ov_host_path(s->ctx, p, sizeof(p), "%s", hp) == 0 && stat(p, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Call @fn for every entry name of host directory @hp (sorted not needed). */
static int for_each_entry(struct snap *s, const char *hp,
			  int (*fn)(struct snap *s, const char *hp, const char *name))
{
	char p[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	r = ov_host_path(s->ctx, p, sizeof(p), "%s", hp);
	if (r < 0)
		return r;
	d = opendir(p);
	if (!d)
		return 0;	/* absent on this host: nothing to copy */
	while (r >= 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		r = fn(s, hp, e->d_name);
	}
	closedir(d);
	return r;
}

static int copy_link_entry(struct snap *s, const char *hp, const char *name)
{
	char link[PATH_MAX], target[PATH_MAX];
	int r;

	snprintf(link, sizeof(link), "%s/%s", hp, name);
	r = copy_link(s, link, target, sizeof(target));
	return r < 0 ? r : 0;
}

static int copy_device_link(struct snap *s, const char *devdir, const char *name)
{
	char hp[PATH_MAX], target[PATH_MAX], sub[PATH_MAX + 16];
	int r;

	snprintf(hp, sizeof(hp), "%s/%s", devdir, name);
	r = copy_link(s, hp, target, sizeof(target));
	if (r < 0)
		return r;
	if (r == 1) {
		/* Fixtures made by hand may use a plain directory for firmware_node. */
		if (strcmp(name, "firmware_node") != 0 || !is_dir_host(s, hp))
			return 0;
		snprintf(target, sizeof(target), "%s", hp);
	}
	r = mkdir_host(s, target);
	if (r < 0)
		return r;
	if (strcmp(name, "firmware_node") == 0) {
		snprintf(sub, sizeof(sub), "%s/path", target);
		return copy_file(s, sub, 0444);
	}
	if (strcmp(name, "iommu_group") == 0) {
		char done[PATH_MAX * 2];

		/* Every member links to the group: copy its member list once. */
		snprintf(sub, sizeof(sub), "%s/devices", target);
		snprintf(done, sizeof(done), "%s%s", s->tmp, sub);
		if (ov_path_exists(done))
			return 0;
		r = mkdir_host(s, sub);
		return r < 0 ? r : for_each_entry(s, sub, copy_link_entry);
	}
	return 0;
}

static int copy_device(struct snap *s, const char *hp, const char *name)
{
	char link[PATH_MAX], devdir[PATH_MAX], attr[PATH_MAX * 2];
	struct ov_bdf bdf;
	int r;

	if (!ov_bdf_parse(name, &bdf))
		return 0;
	snprintf(link, sizeof(link), "%s/%s", hp, name);
	r = copy_link(s, link, devdir, sizeof(devdir));
	if (r < 0)
		return r;
	if (r == 1)	/* a plain directory (hand-made trees) */
		snprintf(devdir, sizeof(devdir), "%s", link);
	r = mkdir_host(s, devdir);
	if (r < 0)
		return r;

	for (size_t i = 0; i < sizeof(device_attrs) / sizeof(device_attrs[0]); i++) {
		snprintf(attr, sizeof(attr), "%s/%s", devdir, device_attrs[i]);
		r = copy_file(s, attr, strcmp(device_attrs[i], "config") ? 0444 : 0644);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < sizeof(device_links) / sizeof(device_links[0]); i++) {
		r = copy_device_link(s, devdir, device_links[i]);
		if (r < 0)
			return r;
	}
	s->st.devices++;
	return 0;
}

/* Inside a driver directory: the links to bound devices. */
static int copy_driver_entry(struct snap *s, const char *hp, const char *name)
{
	struct ov_bdf bdf;

	return ov_bdf_parse(name, &bdf) ? copy_link_entry(s, hp, name) : 0;
}

/*
 * A bus driver: its bound-device links, and its write-only attributes
 * (bind, unbind, new_id, remove_id) as empty files, since they can not be
 * read but show the driver is there to bind to.
 */
static int copy_driver(struct snap *s, const char *hp, const char *name)
{
	static const char *const attrs[] = { "bind", "unbind", "new_id", "remove_id" };
	char p[PATH_MAX], f[PATH_MAX * 2], dst[PATH_MAX * 2];
	int fd, r;

	snprintf(p, sizeof(p), "%s/%s", hp, name);
	r = mkdir_host(s, p);
	for (size_t i = 0; r >= 0 && i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(f, sizeof(f), "%s/%s", p, attrs[i]);
		r = out_path(s, f, dst, sizeof(dst), false);
		if (r < 0)
			break;
		fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0200);
		if (fd < 0)
			return ov_ctx_fail(s->ctx, errno, "%s: %s", dst, strerror(errno));
		close(fd);
		s->st.files++;
	}
	return r < 0 ? r : for_each_entry(s, p, copy_driver_entry);
}

/* ACPI tables: names only (their contents are firmware, not needed). */
static int copy_table_name(struct snap *s, const char *hp, const char *name)
{
	char p[PATH_MAX], dst[PATH_MAX];
	int fd, r;

	snprintf(p, sizeof(p), "%s/%s", hp, name);
	if (is_dir_host(s, p))	/* data/, dynamic/: loaded at run time, not needed */
		return 0;
	r = out_path(s, p, dst, sizeof(dst), false);
	if (r < 0)
		return r;
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
	if (fd < 0)
		return ov_ctx_fail(s->ctx, errno, "%s: %s", dst, strerror(errno));
	close(fd);
	s->st.files++;
	return 0;
}

static int copy_power_supply(struct snap *s, const char *hp, const char *name)
{
	static const char *const attrs[] = { "type", "present", "status", "technology" };
	char p[PATH_MAX];
	int r;

	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s/%s", hp, name, attrs[i]);
		r = copy_file(s, p, 0444);
		if (r < 0)
			return r;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

int ov_host_snapshot(struct ov_ctx *ctx, const char *outdir, struct ov_snapshot_stats *st)
{
	struct snap s = { .ctx = ctx };
	int r;

	if (ov_path_exists(outdir))
		return ov_ctx_fail(ctx, EEXIST, "%s: already exists (give a new directory)", outdir);
	if (snprintf(s.tmp, sizeof(s.tmp), "%s.tmp-XXXXXX", outdir) >= (int)sizeof(s.tmp))
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: path too long", outdir);
	if (!mkdtemp(s.tmp))
		return ov_ctx_fail(ctx, errno, "%s: %s", outdir, strerror(errno));

	r = for_each_entry(&s, "/sys/bus/pci/devices", copy_device);
	if (r >= 0)
		r = for_each_entry(&s, "/sys/bus/pci/drivers", copy_driver);
	for (size_t i = 0; r >= 0 && i < sizeof(host_files) / sizeof(host_files[0]); i++)
		r = copy_file(&s, host_files[i], 0444);
	if (r >= 0)
		r = for_each_entry(&s, "/sys/firmware/acpi/tables", copy_table_name);
	if (r >= 0)
		r = for_each_entry(&s, "/sys/class/power_supply", copy_power_supply);
	if (r >= 0 && s.st.devices == 0)
		r = ov_ctx_fail(ctx, ENODEV, "no PCI devices found under %s/sys/bus/pci/devices",
				*ov_ctx_root(ctx) ? ov_ctx_root(ctx) : "");
	if (r >= 0 && rename(s.tmp, outdir) < 0)
		r = ov_ctx_fail(ctx, errno, "%s: %s", outdir, strerror(errno));
	if (r < 0) {
		nftw(s.tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		return r;
	}
	chmod(outdir, 0755);
	*st = s.st;
	return 0;
}
