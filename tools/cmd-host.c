// SPDX-License-Identifier: GPL-2.0-or-later
#include "cli.h"
#include "commands.h"

int cmd_list(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("list: not implemented yet");
}

int cmd_groups(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("groups: not implemented yet");
}

int cmd_snapshot(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("snapshot: not implemented yet");
}
