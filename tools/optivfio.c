// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optivfio: take a laptop's NVIDIA dGPU into a VFIO virtual machine.
 * This file parses the global options and dispatches to a command.
 */
#include "cli.h"
#include "commands.h"
#include "core/ctx.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct ov_command commands[] = {
	{ "setup", "[OPTIONS] -o DIR", "everything once: checks, ROM, tables, VM config, host plan", cmd_setup },
	{ "list", "", "PCI devices: ids, driver, IOMMU group, ACPI path, ROM BAR", cmd_list },
	{ "groups", "", "IOMMU groups, and whether the dGPU's group can go to a VM", cmd_groups },
	{ "doctor", "[--gpu BDF]", "check every passthrough requirement: PASS/WARN/FAIL + fix", cmd_doctor },
	{ "snapshot", "-o DIR", "copy what optivfio reads from this host into DIR", cmd_snapshot },
	{ "rom", "info|strip|dump ...", "inspect, strip and dump the GPU's video BIOS", cmd_rom },
	{ "ssdt", "[OPTIONS] -o DIR", "write the ACPI tables (_ROM, fake battery) for the VM", cmd_ssdt },
	{ "vm", "libvirt|qemu|proxmox ...", "write the VM configuration", cmd_vm },
	{ "host", "prepare|release|reset ...", "hand the GPU to vfio-pci and back, reset it", cmd_host },
	{ "hook", "install|uninstall ...", "libvirt hook running host prepare/release", cmd_hook },
	{ "guest", "check [OPTIONS]", "inside the VM: is _ROM there and right, ids, battery", cmd_guest },
};

static void usage(FILE *out)
{
	fputs("Usage: optivfio [--root DIR] [--json] [-v|-q] COMMAND [ARGS]\n"
	      "\n"
	      "Prepare a laptop's NVIDIA GPU for VFIO passthrough to a QEMU/libvirt VM.\n"
	      "\n"
	      "Commands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s %s", commands[i].name, commands[i].args);
		fprintf(out, "  %-28s %s\n", head, commands[i].summary);
	}
	fputs("\n"
	      "Options:\n"
	      "  --root DIR    read (and write) the host under DIR instead of /\n"
	      "                (a tree made by 'optivfio snapshot', or a test fixture)\n"
	      "  --json        machine-readable output (schemas in optivfio(1))\n"
	      "  -v, -q        more or less talk on stderr\n"
	      "  -h, --help    this help; 'optivfio COMMAND --help' for a command\n"
	      "  --version     print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 3 blocking problems found.\n",
	      out);
}

static const struct ov_command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	struct ov_cli cli = { 0 };
	const struct ov_command *cmd;
	char err[1024];
	int c, r;

	/* '+': stop at the command name; its options are its own. */
	while ((c = getopt_long(argc, argv, "+vqh", options, NULL)) != -1) {
		switch (c) {
		case 'r':
			cli.root = optarg;
			break;
		case 'j':
			cli.json = true;
			break;
		case 'v':
			cli.verbosity++;
			break;
		case 'q':
			cli.verbosity = -1;
			break;
		case 'h':
			usage(stdout);
			return OV_EXIT_OK;
		case 'V':
			printf("optivfio %s\n", OPTIVFIO_VERSION);
			return OV_EXIT_OK;
		default:
			return ov_cli_usage_error(NULL, "invalid option");
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return OV_EXIT_USAGE;
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return ov_cli_usage_error(NULL, "unknown command '%s'", argv[optind]);

	r = ov_ctx_new(cli.root, &cli.ctx, err, sizeof(err));
	if (r < 0)
		return ov_cli_error("%s", err);

	/*
	 * The command sees argv from its own name on and parses it with
	 * getopt from a fresh start (optind = 0 reinitialises glibc's getopt).
	 */
	argc -= optind;
	argv += optind;
	optind = 0;
	r = cmd->run(&cli, argc, argv);
	ov_ctx_free(cli.ctx);
	return r;
}
