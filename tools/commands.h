/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One handler per command; each lives in the cmd-<group>.c of its module. */
#pragma once

struct ov_cli;

int cmd_list(struct ov_cli *cli, int argc, char **argv);
int cmd_groups(struct ov_cli *cli, int argc, char **argv);
int cmd_snapshot(struct ov_cli *cli, int argc, char **argv);
int cmd_rom(struct ov_cli *cli, int argc, char **argv);
int cmd_ssdt(struct ov_cli *cli, int argc, char **argv);
int cmd_vm(struct ov_cli *cli, int argc, char **argv);
int cmd_doctor(struct ov_cli *cli, int argc, char **argv);
int cmd_host(struct ov_cli *cli, int argc, char **argv);
int cmd_hook(struct ov_cli *cli, int argc, char **argv);
int cmd_guest(struct ov_cli *cli, int argc, char **argv);
int cmd_setup(struct ov_cli *cli, int argc, char **argv);
