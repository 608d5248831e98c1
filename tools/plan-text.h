/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A host plan as text: what `host ... --dry-run` prints and setup keeps. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct ov_plan;

/*
 * "Plan: host KIND BDF", the power method of a reset and, when @dry_run,
 * the numbered steps (with each step's reason when @why).
 */
void ov_cli_plan_text(FILE *f, const struct ov_plan *plan, bool dry_run, bool why);
