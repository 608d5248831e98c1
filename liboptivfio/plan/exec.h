/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Running a plan: for every step, check its precondition, act through an
 * ops table, verify the result, and journal it (with the value it
 * replaced) atomically before moving on. A step that fails rolls back the
 * steps before it, in reverse.
 *
 * Two ops tables: "sysfs" writes the kernel's files (the real host; what
 * the lab proves in a guest) and "fixture" emulates the kernel's effect on
 * a --root tree (moves the driver symlink, stashes and restores device
 * directories on remove/rescan, edits /proc/modules) so the same executor
 * runs in the tests. The checks and the journal are shared; only the
 * effects differ.
 */
#pragma once

#include <stdbool.h>

#include "plan/plan.h"

struct ov_ctx;

struct ov_exec_ops {
	const char *name;
	int (*set_driver_override)(struct ov_ctx *ctx, const char *bdf, const char *drv);
	int (*unbind)(struct ov_ctx *ctx, const char *bdf);
	int (*bind)(struct ov_ctx *ctx, const char *bdf, const char *drv);
	int (*drivers_probe)(struct ov_ctx *ctx, const char *bdf);
	int (*remove)(struct ov_ctx *ctx, const char *bdf);
	int (*rescan)(struct ov_ctx *ctx);
	int (*set_power_control)(struct ov_ctx *ctx, const char *bdf, const char *value);
	int (*load_module)(struct ov_ctx *ctx, const char *name);
	int (*unload_module)(struct ov_ctx *ctx, const char *name);
	int (*run_program)(struct ov_ctx *ctx, const char *cmdline);
	/* -ENOENT only when nothing ran (no such method, no acpi_call). */
	int (*acpi_call)(struct ov_ctx *ctx, const char *method);
	int (*bbswitch)(struct ov_ctx *ctx, const char *state);
	/*
	 * Before a run undoes what a crashed one left: finish an op the crash
	 * cut in half. NULL where every op is one atomic kernel call (sysfs).
	 */
	int (*settle)(struct ov_ctx *ctx);
};

extern const struct ov_exec_ops ov_exec_ops_sysfs;
extern const struct ov_exec_ops ov_exec_ops_fixture;

enum ov_step_status {
	OV_STEP_DONE,		/* acted and verified */
	OV_STEP_ALREADY,	/* the target state held already: nothing done */
	OV_STEP_FAILED,
};

/* Called after each step (and each rollback step) for progress output. */
typedef void (*ov_exec_progress)(void *userdata, bool rollback, size_t index,
				 const struct ov_step *step, enum ov_step_status status);

struct ov_exec_opts {
	const struct ov_exec_ops *ops;
	const char *journal;		/* NULL: no journal (rollback runs) */
	ov_exec_progress progress;
	void *userdata;
	bool keep_journal;		/* prepare: the journal is what release reads */
};

/*
 * Run @plan. On success 0 (the journal is kept when @opts->keep_journal,
 * else removed). On failure a negative errno: the steps done so far are
 * undone and the journal removed; if the undo fails too the journal stays
 * (state "rollback-failed") and the message says so.
 */
int ov_plan_run(struct ov_ctx *ctx, struct ov_plan *plan, const struct ov_exec_opts *opts);

/* Read a journal back: the applied steps with their before values. */
int ov_journal_load(struct ov_ctx *ctx, const char *path, struct ov_plan *done);
/* The journal's state: "running", "complete" or "rollback-failed". */
int ov_journal_state(struct ov_ctx *ctx, const char *path, char *buf, size_t size);

/* The plan that undoes a journal (host release). */
int ov_plan_release(struct ov_ctx *ctx, const char *journal, struct ov_plan *plan);

/* Modules (libkmod, root aware): is @name loadable or built in here? */
int ov_module_available(struct ov_ctx *ctx, const char *name, bool *builtin);
