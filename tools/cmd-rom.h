/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the rom command files. */
#pragma once

#include <json-c/json.h>

struct ov_cli;
struct ov_rom_info;

int ov_cli_rom_dump(struct ov_cli *cli, int argc, char **argv);
json_object *ov_cli_rom_info_json(const char *file, const struct ov_rom_info *info);
/* Print pretty JSON on stdout and drop the object. */
void ov_cli_print_json(json_object *o);
