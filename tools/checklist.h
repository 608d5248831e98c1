/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Printing a list of checks (doctor, guest check) as text or --json. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/check.h"

struct ov_cli;

/*
 * Print @checks with the summary line (@ready when nothing FAILed, else a
 * count of failures) or, with --json, as { "gpu", "blocked", "checks": [...] }.
 * Returns the exit code: 0, or OV_EXIT_BLOCKED when a check FAILed.
 */
int ov_cli_print_checks(struct ov_cli *cli, const char *gpu,
			const struct ov_check *checks, size_t n, const char *ready);

/*
 * The text form alone, to @f: one line per check (wrapped to @width
 * columns, 0: not wrapped), status in colour when @colour, the summary line.
 */
void ov_cli_write_checks(FILE *f, const struct ov_check *checks, size_t n, const char *ready,
			 bool colour, size_t width);
