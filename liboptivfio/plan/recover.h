/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Undoing what an interrupted host run left (see recover.c). */
#pragma once

#include <stddef.h>

struct ov_ctx;
struct ov_exec_ops;

/*
 * In @state_dir: undo every run that did not end (a prepare journal not
 * "complete", any reset journal), through @ops, and remove its journal;
 * drop temp files a crashed atomic write left. 0 with @done naming the
 * first journal undone ("" when there was none); on failure a negative
 * errno and the journal stays, for the next run to try again.
 */
int ov_plan_recover(struct ov_ctx *ctx, const char *state_dir, const struct ov_exec_ops *ops,
		    char *done, size_t size);
