// SPDX-License-Identifier: GPL-2.0-or-later
/* Placeholder: doctor, host and hook are being built (see the open issues). */
#include "cli.h"
#include "commands.h"

int cmd_doctor(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("doctor: not implemented yet");
}

int cmd_host(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("host: not implemented yet");
}

int cmd_hook(struct ov_cli *cli, int argc, char **argv)
{
	return ov_cli_error("hook: not implemented yet");
}
