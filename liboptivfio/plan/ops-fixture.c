// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's effects, emulated on a --root tree, so plans run in the
 * tests exactly as they would on a host (the checks and the journal are
 * the executor's, shared with the sysfs ops):
 *
 *  - driver_override: the file, "(null)" when cleared (as the kernel shows it)
 *  - unbind / bind / drivers_probe: remove or create the device's "driver"
 *    symlink (relative, as sysfs lays it out); drivers_probe binds only to
 *    the override's driver and only when that driver's directory exists
 *    under /sys/bus/pci/drivers, like a kernel where the module is loaded
 *  - remove: the device directory (with its children) is moved to a stash
 *    in ROOT/.optivfio-fixture, its bus and IOMMU group links removed;
 *    rescan puts all of it back as it was
 *  - modules: /proc/modules lines; loading needs the module in the tree's
 *    module index (libkmod, see modules.c) and creates its driver
 *    directory; unloading unbinds its devices (remembered, rebound on load)
 *  - power/control, /proc/acpi/call, /proc/acpi/bbswitch: the file is written
 *  - run-program: the program must exist under the root; it is not run
 *
 * The stash is a text file of records; nothing is left behind once every
 * removed device and unloaded driver came back.
 *
 * The kernel does each of these in one system call, so a crash never
 * leaves half of one; here most take several. Each such op is bracketed
 * by a "busy" record, and fx_settle() (run before a host run reads the
 * tree again, plan/recover.c) finishes an op a crash cut, so the tree is
 * always one a kernel could show. For that the ops tolerate work already
 * done (a link already back, a module already listed).
 */
#include "plan/exec.h"
#include "plan/ops.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STASH_DIR "/.optivfio-fixture"
#define STASH_FILE STASH_DIR "/state"
#define TMP_DIR "/.optivfio-fixture-tmp"

/*
 * A sysfs attribute store is atomic: a reader sees the old value or the
 * new one, never an empty file. Truncate-then-write would leave an empty
 * driver_override behind a crash, a state no kernel shows, so the file is
 * replaced by rename, from a temp directory fx_settle() clears.
 */
static int fixture_write(struct ov_ctx *ctx, const char *path, const char *text)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	size_t len = strlen(text);
	struct stat st;
	int fd, r, err = 0;

	/* A link in the tree must not carry the write out of it (or replace the link). */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		return ov_ctx_fail(ctx, ELOOP, "%s: a symbolic link, where the kernel has a file",
				   path);
	/* The new value is written beside the tree and renamed into place. */
	if (ov_host_path(ctx, dir, sizeof(dir), TMP_DIR) < 0)
		return -EINVAL;
	r = ov_host_path_inside(ctx, path);
	if (r == 0)
		r = ov_host_path_inside(ctx, dir);
	if (r < 0)
		return r;
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	snprintf(tmp, sizeof(tmp), "%s/new-XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", tmp, strerror(errno));
	if (write(fd, text, len) != (ssize_t)len)
		err = errno ? errno : EIO;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && chmod(tmp, 0644) < 0)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err)
		unlink(tmp);
	rmdir(dir);
	return err ? ov_ctx_fail(ctx, err, "%s: %s", path, strerror(err)) : 0;
}

/* A device's directory (or attribute), which must lie inside the tree. */
static int dev_path(struct ov_ctx *ctx, char *buf, size_t size, const char *bdf,
		    const char *attr)
{
	int r = ov_host_path(ctx, buf, size, "/sys/bus/pci/devices/%s", bdf);

	if (r == 0)
		r = ov_host_path_inside(ctx, buf);
	if (r == 0 && *attr)
		r = ov_host_path(ctx, buf, size, "/sys/bus/pci/devices/%s/%s", bdf, attr);
	return r;
}

/* Root-relative form of an absolute path inside the root. */
static const char *rel_to_root(struct ov_ctx *ctx, const char *abs)
{
	size_t n = strlen(ov_ctx_root(ctx));

	return abs + n;
}

/* Exists as a name, even a dangling link (stat would follow it). */
static bool lexists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* A link to put back: already there with that target counts as done. */
static int put_link(struct ov_ctx *ctx, const char *target, const char *link)
{
	char cur[PATH_MAX];
	ssize_t n;

	if (symlink(target, link) == 0)
		return 0;
	if (errno == EEXIST) {
		n = readlink(link, cur, sizeof(cur) - 1);
		if (n > 0 && (cur[n] = '\0', strcmp(cur, target) == 0))
			return 0;
		errno = EEXIST;
	}
	return ov_ctx_fail(ctx, errno, "%s: %s", link, strerror(errno));
}

/* --- the stash: lines "kind\tA\tB" --- */

static int stash_append(struct ov_ctx *ctx, const char *kind, const char *a, const char *b)
{
	char dir[PATH_MAX], path[PATH_MAX];
	FILE *f;

	if (ov_host_path(ctx, dir, sizeof(dir), STASH_DIR) < 0 ||
	    ov_host_path(ctx, path, sizeof(path), STASH_FILE) < 0)
		return -EINVAL;
	if (ov_host_path_inside(ctx, dir) < 0)
		return -EXDEV;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	f = fopen(path, "ae");
	if (!f)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	fprintf(f, "%s\t%s\t%s\n", kind, a, b);
	if (fclose(f) != 0)
		return ov_ctx_fail(ctx, EIO, "%s: write failed", path);
	return 0;
}

struct stash_rec {
	char kind[16], a[PATH_MAX], b[PATH_MAX];
};

/* All records, in order; the caller frees. */
static int stash_read(struct ov_ctx *ctx, struct stash_rec **ret, size_t *n)
{
	char path[PATH_MAX], line[2 * PATH_MAX + 32];
	struct stash_rec *v = NULL;
	size_t k = 0;
	FILE *f;

	*ret = NULL;
	*n = 0;
	if (ov_host_path(ctx, path, sizeof(path), STASH_FILE) < 0)
		return -EINVAL;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		struct stash_rec *nv;

		if (!t2)
			continue;
		line[strcspn(line, "\n")] = '\0';
		*t1 = *t2 = '\0';
		nv = realloc(v, (k + 1) * sizeof(*v));
		if (!nv) {
			free(v);
			fclose(f);
			return ov_ctx_fail(ctx, ENOMEM, "out of memory");
		}
		v = nv;
		snprintf(v[k].kind, sizeof(v[k].kind), "%s", line);
		snprintf(v[k].a, sizeof(v[k].a), "%s", t1 + 1);
		snprintf(v[k].b, sizeof(v[k].b), "%s", t2 + 1);
		k++;
	}
	fclose(f);
	*ret = v;
	*n = k;
	return 0;
}

/* Rewrite the stash without the records marked consumed (kind[0] = 0). */
static int stash_write(struct ov_ctx *ctx, const struct stash_rec *v, size_t n)
{
	char dir[PATH_MAX], path[PATH_MAX];
	char *text = NULL;
	size_t left = 0, len = 0;
	FILE *f;
	int r;

	if (ov_host_path(ctx, dir, sizeof(dir), STASH_DIR) < 0 ||
	    ov_host_path(ctx, path, sizeof(path), STASH_FILE) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		left += v[i].kind[0] != '\0';
	if (!left) {
		unlink(path);
		rmdir(dir);
		return 0;
	}
	f = open_memstream(&text, &len);
	if (!f)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (v[i].kind[0])
			fprintf(f, "%s\t%s\t%s\n", v[i].kind, v[i].a, v[i].b);
	if (fclose(f) != 0 || !text) {
		free(text);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	/* Whole or not at all: a crash must not cut the record list. */
	r = ov_write_file_atomic(ctx, path, text, len, 0644);
	free(text);
	return r;
}

/* Is there a record @kind with @a (and @b, unless NULL)? */
static bool stash_has(const struct stash_rec *v, size_t n, const char *kind, const char *a,
		      const char *b)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, kind) && !strcmp(v[i].a, a) && (!b || !strcmp(v[i].b, b)))
			return true;
	return false;
}

static int busy_begin(struct ov_ctx *ctx, const char *op, const char *arg)
{
	return stash_append(ctx, "busy", op, arg);
}

/* busy_begin() for an op on a device with one argument ("BDF ARG"). */
static int busy_begin_dev(struct ov_ctx *ctx, const char *op, const char *bdf, const char *arg)
{
	char both[160];

	snprintf(both, sizeof(both), "%s %s", bdf, arg);
	return busy_begin(ctx, op, both);
}

/* The op is over (done or failed: either is a state a kernel shows); @r passes through. */
static int busy_end(struct ov_ctx *ctx, int r)
{
	struct stash_rec *v;
	size_t n;
	int rr;

	rr = stash_read(ctx, &v, &n);
	for (size_t i = 0; rr == 0 && i < n; i++)
		if (!strcmp(v[i].kind, "busy"))
			v[i].kind[0] = '\0';
	if (rr == 0)
		rr = stash_write(ctx, v, n);
	free(v);
	return r < 0 ? r : rr;
}

/* --- drivers --- */

static int read_driver(struct ov_ctx *ctx, const char *bdf, char *drv, size_t size)
{
	char path[PATH_MAX];

	drv[0] = '\0';
	if (dev_path(ctx, path, sizeof(path), bdf, "driver") < 0)
		return -EINVAL;
	if (!ov_path_exists(path))
		return 0;
	return ov_read_link_name(ctx, path, drv, size);
}

/* The device's directory below ROOT/sys: "/devices/pci0000:00/...", in @in_sys. */
static int dev_in_sys(struct ov_ctx *ctx, const char *bdf, char *real, char *in_sys,
		      size_t size)
{
	char dev[PATH_MAX], sys[PATH_MAX], sysreal[PATH_MAX];

	if (dev_path(ctx, dev, sizeof(dev), bdf, "") < 0 ||
	    ov_host_path(ctx, sys, sizeof(sys), "/sys") < 0)
		return -EINVAL;
	if (!realpath(dev, real) || !realpath(sys, sysreal))
		return ov_ctx_fail(ctx, errno, "%s: %s", dev, strerror(errno));
	snprintf(in_sys, size, "%s", real + strlen(sysreal));
	return 0;
}

/* The driver's link back to a bound device: drivers/<drv>/<bdf>. */
static int link_back(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	char real[PATH_MAX], in_sys[PATH_MAX], target[PATH_MAX + 16], back[PATH_MAX];
	int r;

	r = dev_in_sys(ctx, bdf, real, in_sys, sizeof(in_sys));
	if (r < 0)
		return r;
	if (ov_host_path(ctx, back, sizeof(back), "/sys/bus/pci/drivers/%s/%s", drv, bdf) < 0)
		return -EINVAL;
	r = ov_host_path_inside(ctx, back);
	if (r < 0)
		return r;
	/* sys/bus/pci/drivers/<drv>/ is four levels below sys/. */
	snprintf(target, sizeof(target), "../../../..%s", in_sys);
	return put_link(ctx, target, back);
}

/*
 * Bind like the kernel: the device's "driver" link (relative, up to /sys)
 * and the driver's link back to the device.
 */
static int link_driver(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	char real[PATH_MAX], in_sys[PATH_MAX], target[PATH_MAX], link[PATH_MAX + 16];
	size_t depth = 0, n = 0;
	int r;

	r = dev_in_sys(ctx, bdf, real, in_sys, sizeof(in_sys));
	if (r < 0)
		return r;
	for (const char *p = in_sys; *p; p++)
		depth += *p == '/';
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(target + n, sizeof(target) - n, "../");
	snprintf(target + n, sizeof(target) - n, "bus/pci/drivers/%s", drv);
	snprintf(link, sizeof(link), "%s/driver", real);
	if (symlink(target, link) < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", link, strerror(errno));
	return link_back(ctx, bdf, drv);
}

/* Make the driver's back link follow the device's "driver" link (a cut bind or unbind). */
static int settle_binding(struct ov_ctx *ctx, const char *arg)
{
	char bdf[64], drv[64], cur[64], back[PATH_MAX];
	int r;

	if (sscanf(arg, "%63s %63s", bdf, drv) != 2)
		return 0;
	r = read_driver(ctx, bdf, cur, sizeof(cur));
	if (r < 0)
		return r;
	if (!strcmp(cur, drv))
		return link_back(ctx, bdf, drv);
	if (ov_host_path(ctx, back, sizeof(back), "/sys/bus/pci/drivers/%s/%s", drv, bdf) < 0)
		return -EINVAL;
	if (unlink(back) < 0 && errno != ENOENT)
		return ov_ctx_fail(ctx, errno, "%s: %s", back, strerror(errno));
	return 0;
}

static int bind_busy(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	int r = busy_begin_dev(ctx, "binding", bdf, drv);

	return r < 0 ? r : busy_end(ctx, link_driver(ctx, bdf, drv));
}

static bool driver_present(struct ov_ctx *ctx, const char *drv)
{
	char path[PATH_MAX];

	return ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci/drivers/%s", drv) == 0 &&
	       ov_path_exists(path);
}

static int read_override(struct ov_ctx *ctx, const char *bdf, char *buf, size_t size)
{
	char path[PATH_MAX];
	int r;

	if (dev_path(ctx, path, sizeof(path), bdf, "driver_override") < 0)
		return -EINVAL;
	r = ov_read_attr(ctx, path, buf, size);
	if (r == 0 && strcmp(buf, "(null)") == 0)
		buf[0] = '\0';
	return r;
}

static int fx_set_driver_override(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	char path[PATH_MAX], text[128];

	if (dev_path(ctx, path, sizeof(path), bdf, "driver_override") < 0)
		return -EINVAL;
	snprintf(text, sizeof(text), "%s\n", *drv ? drv : "(null)");
	return fixture_write(ctx, path, text);
}

static int fx_unbind(struct ov_ctx *ctx, const char *bdf)
{
	char path[PATH_MAX], back[PATH_MAX], drv[64];
	int r;

	r = read_driver(ctx, bdf, drv, sizeof(drv));
	if (r < 0)
		return r;
	if (!*drv)
		return ov_ctx_fail(ctx, ENOENT, "%s: no driver to unbind", bdf);
	if (dev_path(ctx, path, sizeof(path), bdf, "driver") < 0 ||
	    ov_host_path(ctx, back, sizeof(back), "/sys/bus/pci/drivers/%s/%s", drv, bdf) < 0)
		return -EINVAL;
	r = busy_begin_dev(ctx, "binding", bdf, drv);
	if (r < 0)
		return r;
	if (unlink(path) < 0)
		r = ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	else if (unlink(back) < 0 && errno != ENOENT)
		r = ov_ctx_fail(ctx, errno, "%s: %s", back, strerror(errno));
	return busy_end(ctx, r);
}

static int fx_bind(struct ov_ctx *ctx, const char *bdf, const char *drv)
{
	char cur[64], ovr[64];
	int r;

	r = read_driver(ctx, bdf, cur, sizeof(cur));
	if (r < 0)
		return r;
	if (*cur)
		return ov_ctx_fail(ctx, EBUSY, "%s: already bound to %s", bdf, cur);
	if (!driver_present(ctx, drv))
		return ov_ctx_fail(ctx, ENOENT, "driver %s: not loaded", drv);
	/* driver_override restricts explicit binds too (pci_match_device). */
	if (read_override(ctx, bdf, ovr, sizeof(ovr)) == 0 && *ovr && strcmp(ovr, drv) != 0)
		return ov_ctx_fail(ctx, ENODEV, "%s: driver_override is %s, cannot bind %s",
				   bdf, ovr, drv);
	return bind_busy(ctx, bdf, drv);
}

static int fx_drivers_probe(struct ov_ctx *ctx, const char *bdf)
{
	char cur[64], ovr[64];
	int r;

	r = read_driver(ctx, bdf, cur, sizeof(cur));
	if (r < 0 || *cur)
		return r;
	r = read_override(ctx, bdf, ovr, sizeof(ovr));
	if (r < 0)
		return r;
	/* Without an override the kernel matches id tables we do not have. */
	if (!*ovr || strcmp(ovr, "none") == 0 || !driver_present(ctx, ovr))
		return 0;
	return bind_busy(ctx, bdf, ovr);
}

/* --- remove / rescan --- */

/* Stash every link in @dir whose target resolves into @inside, and remove it. */
static int stash_links_into(struct ov_ctx *ctx, const char *dir, const char *inside)
{
	size_t len = strlen(inside);
	struct dirent *e;
	DIR *d;
	int r = 0;

	d = opendir(dir);
	if (!d)
		return 0;
	while (r == 0 && (e = readdir(d))) {
		char link[PATH_MAX + 300], real[PATH_MAX], target[PATH_MAX];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0 || !realpath(link, real))
			continue;
		target[n] = '\0';
		if (strncmp(real, inside, len) != 0 || (real[len] != '/' && real[len] != '\0'))
			continue;
		r = stash_append(ctx, "link", rel_to_root(ctx, link), target);
		if (r == 0 && unlink(link) < 0)
			r = ov_ctx_fail(ctx, errno, "%s: %s", link, strerror(errno));
	}
	closedir(d);
	return r;
}

/* stash_links_into() for every PARENT/<entry>SUFFIX (IOMMU groups, drivers). */
static int stash_links_in_subdirs(struct ov_ctx *ctx, const char *parent, const char *suffix,
				  const char *inside)
{
	DIR *d = opendir(parent);
	struct dirent *e;
	int r = 0;

	while (d && r == 0 && (e = readdir(d))) {
		char sub[PATH_MAX + 300];

		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s%s", parent, e->d_name, suffix);
		r = stash_links_into(ctx, sub, inside);
	}
	if (d)
		closedir(d);
	return r;
}

/* Remove the device whose directory is @real (a cut remove is finished the same way). */
static int remove_dir(struct ov_ctx *ctx, const char *real, const char *bdf)
{
	char bus[PATH_MAX], groups[PATH_MAX], stash[PATH_MAX], stashdir[PATH_MAX];
	char drivers[PATH_MAX];
	struct stash_rec *v;
	size_t n;
	bool listed;
	int r;

	if (ov_host_path(ctx, bus, sizeof(bus), "/sys/bus/pci/devices") < 0 ||
	    ov_host_path(ctx, groups, sizeof(groups), "/sys/kernel/iommu_groups") < 0 ||
	    ov_host_path(ctx, stashdir, sizeof(stashdir), STASH_DIR) < 0 ||
	    ov_host_path(ctx, stash, sizeof(stash), STASH_DIR "/dev-%s", bdf) < 0)
		return -EINVAL;
	r = stash_links_into(ctx, bus, real);
	if (r == 0)
		r = stash_links_in_subdirs(ctx, groups, "/devices", real);
	/* The drivers' links to it (drivers/<drv>/<bdf>) go too. */
	if (r == 0 && ov_host_path(ctx, drivers, sizeof(drivers), "/sys/bus/pci/drivers") == 0)
		r = stash_links_in_subdirs(ctx, drivers, "", real);
	if (r < 0)
		return r;
	if (mkdir(stashdir, 0755) < 0 && errno != EEXIST)
		return ov_ctx_fail(ctx, errno, "%s: %s", stashdir, strerror(errno));
	r = stash_read(ctx, &v, &n);
	if (r < 0)
		return r;
	listed = stash_has(v, n, "dir", rel_to_root(ctx, real), NULL);
	free(v);
	if (!listed)
		r = stash_append(ctx, "dir", rel_to_root(ctx, real), rel_to_root(ctx, stash));
	if (r == 0 && rename(real, stash) < 0)
		r = ov_ctx_fail(ctx, errno, "%s: %s", real, strerror(errno));
	return r;
}

static int fx_remove(struct ov_ctx *ctx, const char *bdf)
{
	char dev[PATH_MAX], real[PATH_MAX], arg[PATH_MAX + 80];
	int r;

	if (dev_path(ctx, dev, sizeof(dev), bdf, "") < 0)
		return -EINVAL;
	if (!realpath(dev, real))
		return ov_ctx_fail(ctx, errno, "%s: %s", dev, strerror(errno));
	/* Its bus link goes first: the busy record keeps where it lives. */
	snprintf(arg, sizeof(arg), "%s %s", bdf, rel_to_root(ctx, real));
	r = busy_begin(ctx, "remove", arg);
	return r < 0 ? r : busy_end(ctx, remove_dir(ctx, real, bdf));
}

static int settle_remove(struct ov_ctx *ctx, const char *arg)
{
	char bdf[64], real[PATH_MAX];
	const char *in_root = strchr(arg, ' ');

	if (!in_root || sscanf(arg, "%63s", bdf) != 1 ||
	    ov_host_path(ctx, real, sizeof(real), "%s", in_root + 1) < 0)
		return 0;
	return lexists(real) ? remove_dir(ctx, real, bdf) : 0;
}

static int rescan(struct ov_ctx *ctx)
{
	struct stash_rec *v;
	size_t n;
	int r;

	r = stash_read(ctx, &v, &n);
	if (r < 0)
		return r;
	/* Last removed first: a port comes back before the functions under it. */
	for (size_t i = n; r == 0 && i-- > 0;) {
		char a[PATH_MAX], b[PATH_MAX];

		if (strcmp(v[i].kind, "dir") != 0)
			continue;
		if (ov_host_path(ctx, a, sizeof(a), "%s", v[i].a) < 0 ||
		    ov_host_path(ctx, b, sizeof(b), "%s", v[i].b) < 0)
			r = -EINVAL;
		else if (rename(b, a) < 0 && !(errno == ENOENT && lexists(a)))
			r = ov_ctx_fail(ctx, errno, "%s: %s", a, strerror(errno));
		else
			v[i].kind[0] = '\0';
	}
	for (size_t i = n; r == 0 && i-- > 0;) {
		char a[PATH_MAX];

		if (strcmp(v[i].kind, "link") != 0)
			continue;
		if (ov_host_path(ctx, a, sizeof(a), "%s", v[i].a) < 0)
			r = -EINVAL;
		else if ((r = put_link(ctx, v[i].b, a)) == 0)
			v[i].kind[0] = '\0';
	}
	if (r == 0)
		r = stash_write(ctx, v, n);
	free(v);
	return r;
}

static int fx_rescan(struct ov_ctx *ctx)
{
	int r = busy_begin(ctx, "rescan", "-");

	return r < 0 ? r : busy_end(ctx, rescan(ctx));
}

/* --- modules --- */

/* A PCI driver directory's write-only attributes (sysfs-bus-pci). */
static const char *const driver_attrs[] = { "bind", "unbind", "new_id", "remove_id" };

static int make_driver_dir(struct ov_ctx *ctx, const char *dir)
{
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return ov_ctx_fail(ctx, errno, "%s: %s", dir, strerror(errno));
	for (size_t i = 0; i < sizeof(driver_attrs) / sizeof(driver_attrs[0]); i++) {
		char path[PATH_MAX + 16];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", dir, driver_attrs[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0200);
		if (fd < 0)
			return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
		fchmod(fd, 0200);
		close(fd);
	}
	return 0;
}

/* Remove @dir if it holds nothing but the attribute files; true if removed. */
static bool remove_fresh_driver_dir(const char *dir)
{
	struct dirent *e;
	bool fresh = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (fresh && (e = readdir(d))) {
		bool known = e->d_name[0] == '.';

		for (size_t i = 0; i < sizeof(driver_attrs) / sizeof(driver_attrs[0]); i++)
			known = known || strcmp(e->d_name, driver_attrs[i]) == 0;
		fresh = known;
	}
	closedir(d);
	if (!fresh)
		return false;
	for (size_t i = 0; i < sizeof(driver_attrs) / sizeof(driver_attrs[0]); i++) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%s", dir, driver_attrs[i]);
		unlink(path);
	}
	return rmdir(dir) == 0;
}

/* Keep a rewritten file's mode (the tree must come back byte for byte). */
static mode_t file_mode(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_mode & 07777 : 0444;
}

static int modules_path(struct ov_ctx *ctx, char *buf, size_t size)
{
	int r = ov_host_path(ctx, buf, size, "/proc/modules");

	return r < 0 ? r : ov_host_path_inside(ctx, buf);
}

/* Is @name a line of the module list @data? */
static bool module_listed(const uint8_t *data, size_t len, const char *name)
{
	size_t l = strlen(name);

	for (const char *p = (const char *)data, *end = p + len; p && p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if ((size_t)(end - p) > l && !strncmp(p, name, l) && p[l] == ' ')
			return true;
		p = nl ? nl + 1 : NULL;
	}
	return false;
}

/* @settling: a cut load is finished, its driver directory maybe half made. */
static int load_module(struct ov_ctx *ctx, const char *name, bool settling)
{
	char path[PATH_MAX], drvdir[PATH_MAX], stashed[PATH_MAX], line[256];
	const char *drv = ov_module_driver_name(name);
	bool restored = false;
	struct kmod_ctx *k;
	struct kmod_module *m;
	struct stash_rec *v;
	uint8_t *old = NULL;
	size_t len = 0, n;
	char *buf;
	int r;

	/* Loadable only when the tree's module index has it (modules.c). */
	r = ov_kmod_open(ctx, &k);
	if (r < 0)
		return r;
	r = ov_kmod_lookup(ctx, k, name, &m);
	if (r == 0)
		kmod_module_unref(m);
	kmod_unref(k);
	if (r < 0)
		return r;

	r = modules_path(ctx, path, sizeof(path));
	if (r == 0 && ov_path_exists(path))
		r = ov_read_file(ctx, path, &old, &len);
	if (r < 0)
		return r;
	/* The kernel lists the newest module first. */
	snprintf(line, sizeof(line), "%s 16384 0 - Live 0x0000000000000000\n", name);
	if (module_listed(old, len, name))
		line[0] = '\0';
	buf = malloc(strlen(line) + len + 1);
	if (!buf) {
		free(old);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	memcpy(buf, line, strlen(line));
	if (len)
		memcpy(buf + strlen(line), old, len);
	r = ov_write_file_atomic(ctx, path, buf, strlen(line) + len, file_mode(path));
	free(buf);
	free(old);
	if (r < 0)
		return r;

	if (ov_host_path(ctx, drvdir, sizeof(drvdir), "/sys/bus/pci/drivers/%s", drv) < 0 ||
	    ov_host_path(ctx, stashed, sizeof(stashed), STASH_DIR "/driver-%s", drv) < 0)
		return -EINVAL;

	/*
	 * A module registers its PCI driver: the directory it had before an
	 * unload, or a fresh one for a known PCI driver (vfio-pci); then it
	 * probes the devices it had.
	 */
	r = stash_read(ctx, &v, &n);
	for (size_t i = 0; r == 0 && i < n; i++) {
		if (strcmp(v[i].kind, "driver") != 0 || strcmp(v[i].a, name) != 0)
			continue;
		if (rename(stashed, drvdir) < 0 && !(errno == ENOENT && lexists(drvdir)))
			r = ov_ctx_fail(ctx, errno, "%s: %s", drvdir, strerror(errno));
		v[i].kind[0] = '\0';
		restored = true;
	}
	if (r == 0 && !restored && drv != name && (settling || !ov_path_exists(drvdir)))
		r = make_driver_dir(ctx, drvdir);
	for (size_t i = 0; r == 0 && i < n; i++) {
		char a[PATH_MAX];

		if (strcmp(v[i].kind, "bound") != 0 || strncmp(v[i].b, name, strlen(name)) ||
		    v[i].b[strlen(name)] != ' ')
			continue;
		if (ov_host_path(ctx, a, sizeof(a), "%s", v[i].a) < 0)
			r = -EINVAL;
		else if ((r = put_link(ctx, v[i].b + strlen(name) + 1, a)) == 0)
			v[i].kind[0] = '\0';
	}
	if (r == 0)
		r = stash_write(ctx, v, n);
	free(v);
	return r;
}

static int fx_load_module(struct ov_ctx *ctx, const char *name)
{
	int r = busy_begin(ctx, "load", name);

	return r < 0 ? r : busy_end(ctx, load_module(ctx, name, false));
}

/* Unbind every device bound to @drv, remembering them for a later load. */
static int unbind_all(struct ov_ctx *ctx, const char *module, const char *drv)
{
	char bus[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int r = 0;

	if (ov_host_path(ctx, bus, sizeof(bus), "/sys/bus/pci/devices") < 0)
		return -EINVAL;
	d = opendir(bus);
	if (!d)
		return 0;
	while (r == 0 && (e = readdir(d))) {
		char link[PATH_MAX + 300], target[PATH_MAX], rec[PATH_MAX + 64], name[64];
		ssize_t n;

		if (e->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s/driver", bus, e->d_name);
		if (read_driver(ctx, e->d_name, name, sizeof(name)) < 0 || strcmp(name, drv))
			continue;
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		snprintf(rec, sizeof(rec), "%s %s", module, target);
		r = stash_append(ctx, "bound", rel_to_root(ctx, link), rec);
		if (r == 0 && unlink(link) < 0)
			r = ov_ctx_fail(ctx, errno, "%s: %s", link, strerror(errno));
	}
	closedir(d);
	ov_ctx_clear_error(ctx);
	return r;
}

static int unload_module(struct ov_ctx *ctx, const char *name)
{
	char path[PATH_MAX], drvdir[PATH_MAX], stashed[PATH_MAX];
	const char *drv = ov_module_driver_name(name);
	uint8_t *data;
	size_t len, out = 0;
	char *p, *nl;
	int r;

	r = modules_path(ctx, path, sizeof(path));
	if (r == 0)
		r = ov_read_file(ctx, path, &data, &len);
	if (r < 0)
		return r;
	/* Drop the line "<name> ..." and keep the rest byte for byte. */
	for (p = (char *)data; p < (char *)data + len; p = nl + 1) {
		size_t l;

		nl = memchr(p, '\n', (size_t)((char *)data + len - p));
		if (!nl)
			nl = (char *)data + len - 1;
		l = (size_t)(nl - p) + 1;
		if (strncmp(p, name, strlen(name)) == 0 && p[strlen(name)] == ' ')
			continue;
		memmove(data + out, p, l);
		out += l;
	}
	r = ov_write_file_atomic(ctx, path, data, out, file_mode(path));
	free(data);
	if (r == 0)
		r = unbind_all(ctx, name, drv);
	/*
	 * Its driver directory goes with it: a fresh one (attribute files
	 * only) is simply removed, one that knew devices is kept in the stash
	 * for the next load.
	 */
	if (r == 0 && (ov_host_path(ctx, drvdir, sizeof(drvdir), "/sys/bus/pci/drivers/%s",
				    drv) < 0 ||
		       ov_host_path(ctx, stashed, sizeof(stashed), STASH_DIR "/driver-%s",
				    drv) < 0))
		r = -EINVAL;
	if (r == 0 && ov_path_exists(drvdir)) {
		struct stash_rec *v;
		size_t n;
		bool listed;

		if (remove_fresh_driver_dir(drvdir))
			return 0;
		r = stash_read(ctx, &v, &n);
		if (r < 0)
			return r;
		listed = stash_has(v, n, "driver", name, drv);
		free(v);
		if (!listed)
			r = stash_append(ctx, "driver", name, drv);
		if (r == 0 && rename(drvdir, stashed) < 0)
			r = ov_ctx_fail(ctx, errno, "%s: %s", drvdir, strerror(errno));
	}
	return r;
}

static int fx_unload_module(struct ov_ctx *ctx, const char *name)
{
	int r = busy_begin(ctx, "unload", name);

	return r < 0 ? r : busy_end(ctx, unload_module(ctx, name));
}

/* --- power, ACPI, programs --- */

static int set_power_control(struct ov_ctx *ctx, const char *bdf, const char *value)
{
	char path[PATH_MAX], text[32];
	int r;

	if (dev_path(ctx, path, sizeof(path), bdf, "power/control") < 0)
		return -EINVAL;
	snprintf(text, sizeof(text), "%s\n", value);
	r = fixture_write(ctx, path, text);
	/* Runtime PM: "auto" lets an idle device suspend, "on" resumes it. */
	if (r == 0 && dev_path(ctx, path, sizeof(path), bdf, "power/runtime_status") == 0 &&
	    ov_path_exists(path))
		r = fixture_write(ctx, path, strcmp(value, "auto") == 0 ? "suspended\n"
									 : "active\n");
	/*
	 * An idle device suspends to D3cold, or to D3hot where d3cold_allowed
	 * is 0 (the PCI core's pci_d3cold_allowed()).
	 */
	if (r == 0 && dev_path(ctx, path, sizeof(path), bdf, "power_state") == 0 &&
	    ov_path_exists(path)) {
		char allowed[PATH_MAX], v[8] = "1";

		if (dev_path(ctx, allowed, sizeof(allowed), bdf, "d3cold_allowed") == 0 &&
		    ov_path_exists(allowed))
			ov_read_attr(ctx, allowed, v, sizeof(v));
		r = fixture_write(ctx, path, strcmp(value, "auto") != 0 ? "D0\n" :
					     strcmp(v, "0") == 0 ? "D3hot\n" : "D3cold\n");
	}
	return r;
}

static int fx_set_power_control(struct ov_ctx *ctx, const char *bdf, const char *value)
{
	int r = busy_begin_dev(ctx, "power", bdf, value);

	return r < 0 ? r : busy_end(ctx, set_power_control(ctx, bdf, value));
}

static int settle_power(struct ov_ctx *ctx, const char *arg)
{
	char bdf[64], value[32];

	if (sscanf(arg, "%63s %31s", bdf, value) != 2)
		return 0;
	return set_power_control(ctx, bdf, value);
}

static int fx_proc_write(struct ov_ctx *ctx, const char *file, const char *text)
{
	char path[PATH_MAX];

	if (ov_host_path(ctx, path, sizeof(path), "%s", file) < 0)
		return -EINVAL;
	return fixture_write(ctx, path, text);
}

static int fx_acpi_call(struct ov_ctx *ctx, const char *method)
{
	return fx_proc_write(ctx, "/proc/acpi/call", method);
}

/* bbswitch reads back "<bdf> ON|OFF": keep the address, switch the state. */
static int fx_bbswitch(struct ov_ctx *ctx, const char *state)
{
	char path[PATH_MAX], cur[64], text[96];

	if (ov_host_path(ctx, path, sizeof(path), "/proc/acpi/bbswitch") < 0)
		return -EINVAL;
	if (ov_read_attr(ctx, path, cur, sizeof(cur)) < 0)
		return -ENOENT;
	snprintf(text, sizeof(text), "%.*s %s\n", (int)strcspn(cur, " "), cur, state);
	return fixture_write(ctx, path, text);
}

static int fx_run_program(struct ov_ctx *ctx, const char *cmdline)
{
	char path[PATH_MAX];
	size_t n = strcspn(cmdline, " ");

	if (ov_host_path(ctx, path, sizeof(path), "/usr/bin/%.*s", (int)n, cmdline) < 0)
		return -EINVAL;
	if (!ov_path_exists(path))
		return ov_ctx_fail(ctx, ENOENT, "%s: %s", path, strerror(ENOENT));
	return 0;
}

/* --- after a crash --- */

/*
 * Temp files a crash left: fixture_write()'s (all of TMP_DIR) and those of
 * the stash's atomic rewrite (NAME.tmp-*, core/fileio.c). A kernel store
 * leaves nothing.
 */
static void drop_temps(struct ov_ctx *ctx, const char *in_root, bool all)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (ov_host_path(ctx, dir, sizeof(dir), "%s", in_root) < 0 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300];

		if (e->d_name[0] == '.' || (!all && !strstr(e->d_name, ".tmp-")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	if (all)
		rmdir(dir);
}

/* Finish every op a crash cut (its "busy" record), then drop the records. */
static int fx_settle(struct ov_ctx *ctx)
{
	struct stash_rec *v, *busy = NULL;
	char dir[PATH_MAX];
	size_t n, k = 0;
	int r;

	drop_temps(ctx, TMP_DIR, true);
	drop_temps(ctx, STASH_DIR, false);
	r = stash_read(ctx, &v, &n);
	if (r < 0)
		return r;
	/* The ops below rewrite the stash: work from a copy of the records. */
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].kind, "busy"))
			v[k++] = v[i];
	busy = v;
	for (size_t i = 0; r == 0 && i < k; i++) {
		const char *op = busy[i].a, *arg = busy[i].b;

		if (!strcmp(op, "binding"))
			r = settle_binding(ctx, arg);
		else if (!strcmp(op, "remove"))
			r = settle_remove(ctx, arg);
		else if (!strcmp(op, "rescan"))
			r = rescan(ctx);
		else if (!strcmp(op, "load"))
			r = load_module(ctx, arg, true);
		else if (!strcmp(op, "unload"))
			r = unload_module(ctx, arg);
		else if (!strcmp(op, "power"))
			r = settle_power(ctx, arg);
	}
	free(busy);
	if (k)
		r = busy_end(ctx, r);
	/* An empty stash directory: the crash came between its last unlink and rmdir. */
	if (r == 0 && ov_host_path(ctx, dir, sizeof(dir), STASH_DIR) == 0)
		rmdir(dir);
	return r;
}

const struct ov_exec_ops ov_exec_ops_fixture = {
	.name = "fixture",
	.set_driver_override = fx_set_driver_override,
	.unbind = fx_unbind,
	.bind = fx_bind,
	.drivers_probe = fx_drivers_probe,
	.remove = fx_remove,
	.rescan = fx_rescan,
	.set_power_control = fx_set_power_control,
	.load_module = fx_load_module,
	.unload_module = fx_unload_module,
	.run_program = fx_run_program,
	.acpi_call = fx_acpi_call,
	.bbswitch = fx_bbswitch,
	.settle = fx_settle,
};
