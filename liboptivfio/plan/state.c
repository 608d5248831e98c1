// SPDX-License-Identifier: GPL-2.0-or-later
/* Plan state directory, boot stamps and the host lock (plan/state.h). */
#include "plan/state.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define BOOT_STAMP "boot-id"

/* The kernel's id of this boot; "" when the root has none (a fixture tree). */
static void boot_id(struct ov_ctx *ctx, char *buf, size_t size)
{
	char path[PATH_MAX];

	buf[0] = 0;
	if (ov_host_path(ctx, path, sizeof(path), "/proc/sys/kernel/random/boot_id") < 0 ||
	    ov_read_attr(ctx, path, buf, size) < 0)
		buf[0] = 0;
	ov_ctx_clear_error(ctx);
}

static int make_dirs(struct ov_ctx *ctx, char *dir)
{
	for (char *p = dir + 1;; p++) {
		char c;

		if (*p && *p != '/')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			int err = errno;

			*p = c;
			return ov_ctx_fail(ctx, err, "%s: %s", dir, strerror(err));
		}
		*p = c;
		if (!c)
			return 0;
	}
}

/* Journals written in another boot describe a host that is gone: set them aside. */
static int set_aside_old_boot(struct ov_ctx *ctx, struct ov_state *st, const char *then)
{
	struct dirent *e;
	DIR *d = opendir(st->dir);

	if (!d)
		return ov_ctx_fail(ctx, errno, "%s: %s", st->dir, strerror(errno));
	while ((e = readdir(d))) {
		char from[PATH_MAX + 256], to[PATH_MAX + 300];
		size_t n = strlen(e->d_name);

		if (n < 6 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(from, sizeof(from), "%s/%s", st->dir, e->d_name);
		snprintf(to, sizeof(to), "%s.boot-%.8s", from, then);
		if (rename(from, to) < 0) {
			int err = errno;

			closedir(d);
			return ov_ctx_fail(ctx, err, "%s: %s", from, strerror(err));
		}
		if (!*st->set_aside)
			snprintf(st->set_aside, sizeof(st->set_aside), "%s (from boot %.8s)",
				 e->d_name, then);
	}
	closedir(d);
	return 0;
}

int ov_state_open(struct ov_ctx *ctx, const char *dir, bool writable, struct ov_state *st)
{
	char now[64], then[64] = "", stamp[PATH_MAX + 16];
	int r;

	memset(st, 0, sizeof(*st));
	if (dir)
		r = snprintf(st->dir, sizeof(st->dir), "%s", dir) >= (int)sizeof(st->dir) ?
		    ov_ctx_fail(ctx, ENAMETOOLONG, "--state-dir: too long") : 0;
	else
		r = ov_host_path(ctx, st->dir, sizeof(st->dir), OV_STATE_DIR_DEFAULT);
	if (r < 0)
		return r;
	boot_id(ctx, now, sizeof(now));
	snprintf(stamp, sizeof(stamp), "%s/" BOOT_STAMP, st->dir);
	if (ov_read_attr(ctx, stamp, then, sizeof(then)) < 0)
		then[0] = 0;
	ov_ctx_clear_error(ctx);
	if (!writable) {
		/* A dry run reads: journals of another boot count as absent. */
		if (*now && *then && strcmp(now, then) != 0)
			snprintf(st->set_aside, sizeof(st->set_aside), "stale");
		return 0;
	}
	/* The default lies in the tree; a link there must not lead out of it. */
	r = dir ? 0 : ov_host_path_inside(ctx, st->dir);
	if (r == 0)
		r = make_dirs(ctx, st->dir);
	if (r == 0 && *now && *then && strcmp(now, then) != 0)
		r = set_aside_old_boot(ctx, st, then);
	if (r == 0 && *now && strcmp(now, then) != 0) {
		char line[80];
		int n = snprintf(line, sizeof(line), "%s\n", now);

		r = ov_write_file_atomic(ctx, stamp, line, (size_t)n, 0600);
	}
	return r;
}

int ov_state_file(struct ov_ctx *ctx, const struct ov_state *st, const char *prefix,
		  const struct ov_bdf *gpu, char *buf, size_t size)
{
	char b[OV_BDF_STRLEN];

	if (snprintf(buf, size, "%s/%s-%s.json", st->dir, prefix, ov_bdf_format(gpu, b)) >=
	    (int)size)
		return ov_ctx_fail(ctx, ENAMETOOLONG, "%s: path too long", st->dir);
	return 0;
}

bool ov_state_current(const struct ov_state *st, const char *path)
{
	/* Read-only open of a state from an earlier boot: nothing in it counts. */
	if (!strcmp(st->set_aside, "stale"))
		return false;
	return ov_path_exists(path);
}

/* Who holds the flock on @st's inode, from /proc/locks (always the real one). */
static void lock_holder(const struct stat *st, char *buf, size_t size)
{
	char line[256], want[64], comm[64] = "";
	FILE *f = fopen("/proc/locks", "r");
	long pid = 0;

	snprintf(buf, size, "another optivfio run");
	if (!f)
		return;
	snprintf(want, sizeof(want), "%02x:%02x:%ju", major(st->st_dev), minor(st->st_dev),
		 (uintmax_t)st->st_ino);
	while (fgets(line, sizeof(line), f)) {
		char type[16], kind[16], dev[64];
		long p;

		/* "1: FLOCK  ADVISORY  WRITE 1234 00:15:4242 0 EOF" */
		if (sscanf(line, "%*s %15s %*s %15s %ld %63s", type, kind, &p, dev) == 4 &&
		    !strcmp(type, "FLOCK") && !strcmp(dev, want) && p > 0) {
			pid = p;
			break;
		}
	}
	fclose(f);
	if (!pid)
		return;
	snprintf(line, sizeof(line), "/proc/%ld/comm", pid);
	f = fopen(line, "r");
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = 0;
		comm[strcspn(comm, "\n")] = 0;
		fclose(f);
	}
	snprintf(buf, size, "process %ld (%s)", pid, *comm ? comm : "?");
}

int ov_host_lock(struct ov_ctx *ctx, unsigned timeout_ms)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	char path[PATH_MAX], who[128];
	unsigned waited = 0;
	struct stat st;
	int fd;

	if (ov_host_path(ctx, path, sizeof(path), "/sys/bus/pci") < 0)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int err = errno;

		if (err != EWOULDBLOCK || waited >= timeout_ms) {
			if (err == EWOULDBLOCK && fstat(fd, &st) == 0)
				lock_holder(&st, who, sizeof(who));
			close(fd);
			if (err != EWOULDBLOCK)
				return ov_ctx_fail(ctx, err, "lock %s: %s", path, strerror(err));
			return ov_ctx_fail(ctx, EBUSY, "%s is changing this host (waited %u s)",
					   who, timeout_ms / 1000);
		}
		nanosleep(&pause, NULL);
		waited += 100;
	}
	return 0;	/* the descriptor stays open: the lock lasts until exit */
}
