// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: the rom commands are being built (see the open issues). */
#include "cli.h"
#include "commands.h"

int cmd_rom(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("rom: not implemented yet");
}
