// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Finish what an interrupted run left: a prepare whose journal never
 * reached "complete", a reset (whose journal exists only while it runs)
 * or a run whose rollback failed. Each is undone from its journal, so the
 * host is as it was before that run: removed functions come back with the
 * rescan, drivers and overrides get their old values. Steps whose target
 * already holds are "already" (precheck), so a half-done undo can run again.
 */
#include "plan/recover.h"
#include "plan/exec.h"
#include "core/ctx.h"
#include "core/fileio.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Does @name (in the state dir) describe a run that did not end? */
static bool interrupted(struct ov_ctx *ctx, const char *path, const char *name)
{
	char state[32] = "";
	size_t n = strlen(name);

	if (n < 6 || strcmp(name + n - 5, ".json") != 0)
		return false;
	if (!strncmp(name, "reset-", 6))
		return true;	/* removed when a reset ends, whatever happened */
	if (strncmp(name, "journal-", 8))
		return false;
	/* An unreadable journal is not ours to act on: release says why. */
	if (ov_journal_state(ctx, path, state, sizeof(state)) < 0) {
		ov_ctx_clear_error(ctx);
		return false;
	}
	return strcmp(state, "complete") != 0;
}

static int undo(struct ov_ctx *ctx, const char *path, const struct ov_exec_ops *ops)
{
	struct ov_exec_opts eo = { .ops = ops };
	struct ov_plan done, back;
	int r;

	r = ov_journal_load(ctx, path, &done);
	if (r < 0)
		return r;
	r = ov_plan_inverse(ctx, &done, OV_PLAN_ROLLBACK, &back);
	ov_plan_clear(&done);
	if (r < 0)
		return r;
	r = ov_plan_run(ctx, &back, &eo);
	ov_plan_clear(&back);
	if (r < 0)
		return r;
	if (unlink(path) < 0)
		return ov_ctx_fail(ctx, errno, "%s: %s", path, strerror(errno));
	return 0;
}

/* Temp files of an atomic write that a crash left (core/fileio.c names them NAME.tmp-*). */
static void drop_temp(const char *dir, const char *name)
{
	char path[PATH_MAX + 256];

	if (!strstr(name, ".tmp-"))
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

int ov_plan_recover(struct ov_ctx *ctx, const char *state_dir, const struct ov_exec_ops *ops,
		    char *done, size_t size)
{
	struct dirent *e;
	DIR *d;
	int r = 0;

	done[0] = 0;
	if (ops->settle && (r = ops->settle(ctx)) < 0)
		return r;
	d = opendir(state_dir);
	if (!d)
		return errno == ENOENT ? 0 : ov_ctx_fail(ctx, errno, "%s: %s", state_dir,
							  strerror(errno));
	while (r == 0 && (e = readdir(d))) {
		char path[PATH_MAX + 256];

		drop_temp(state_dir, e->d_name);
		snprintf(path, sizeof(path), "%s/%s", state_dir, e->d_name);
		if (!interrupted(ctx, path, e->d_name))
			continue;
		r = undo(ctx, path, ops);
		if (r < 0) {
			char msg[512];

			snprintf(msg, sizeof(msg), "%s", ov_ctx_error(ctx));
			r = ov_ctx_fail(ctx, -r, "undoing the interrupted run of %s: %s", path, msg);
		} else if (!*done) {
			snprintf(done, size, "%s", e->d_name);
		}
	}
	closedir(d);
	return r;
}
