/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printing a list of checks (doctor, guest check) as text or --json. */
#pragma once

#include <stddef.h>

#include "core/check.h"

struct ov_cli;

/*
 * Print @checks with the summary line (@ready when nothing FAILed, else a
 * count of failures) or, with --json, as { "gpu", "blocked", "checks": [...] }.
 * Returns the exit code: 0, or OV_EXIT_BLOCKED when a check FAILed.
 */
int ov_cli_print_checks(struct ov_cli *cli, const char *gpu,
			const struct ov_check *checks, size_t n, const char *ready);
