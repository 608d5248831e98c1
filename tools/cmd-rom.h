/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the rom command files. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

struct ov_cli;
struct ov_rom_info;
struct ov_rom_acquired;

int ov_cli_rom_dump(struct ov_cli *cli, int argc, char **argv);
/* "OUT: N bytes from SOURCE (...), VVVV:DDDD, N images: ..." (rom dump, setup's report). */
void ov_cli_rom_dump_summary(FILE *f, const char *out, const struct ov_rom_acquired *a,
			     bool any_ids);
/* Why ov_rom_acquire() failed (both sources' reasons under auto), for the error line. */
void ov_cli_rom_acquire_reason(struct ov_cli *cli, const char *bdf,
			       const struct ov_rom_acquired *a, char *buf, size_t size);
/* The fix for what was missing (the acpi_call module), if anything. */
void ov_cli_rom_acquire_hint(struct ov_cli *cli, const struct ov_rom_acquired *a);
json_object *ov_cli_rom_info_json(const char *file, const struct ov_rom_info *info);

