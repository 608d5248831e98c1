// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optivfio: take a laptop's NVIDIA dGPU into a VFIO virtual machine.
 * This file parses the global options and dispatches to a command.
 */
#include "cli.h"
#include "commands.h"
#include "core/ctx.h"
#include "json-out.h"

#include <getopt.h>
#include <stdbool.h>
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
	      "  -v, --verbose, -q, --quiet\n"
	      "                more or less talk on stderr\n"
	      "  -h, --help    this help; 'optivfio COMMAND --help' for a command\n"
	      "  --version     print the version (with --json: {\"version\": ...})\n"
	      "\n"
	      "--root, --json, -v and -q may also follow the command; a value that\n"
	      "looks like one of them is given as --option=VALUE; '--' ends them.\n"
	      "\n"
	      "Exit status: 0 success, 1 failure, 2 usage error, 3 blocking problems found.\n",
	      out);
}

static const size_t n_commands = sizeof(commands) / sizeof(commands[0]);

static const struct ov_command *find_command(const char *name)
{
	for (size_t i = 0; i < n_commands; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	const char *names[sizeof(commands) / sizeof(commands[0])];
	const char *best;

	for (size_t i = 0; i < n_commands; i++)
		names[i] = commands[i].name;
	best = ov_cli_suggest(name, names, n_commands);
	if (best)
		return ov_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?",
					  name, best);
	return ov_cli_usage_error(NULL, "unknown command '%s'", name);
}

struct global_opts {
	bool help, version;
};

/*
 * Take the global options out of argv wherever they are, up to a "--":
 * `optivfio list --json` is `optivfio --json list`. No command has options
 * named --root, --json, --verbose, --quiet, -v or -q (checked against every
 * getopt table in tools/), so nothing a command accepts is taken from it.
 * A value that looks like one of them is given as --option=VALUE.
 * Before the command, anything else starting with '-' is a usage error;
 * after it, the command parses what is left.
 * Returns 0, or the usage error's exit code; argv is compacted, *argc updated.
 */
static int pull_global_options(int *argc, char **argv, struct ov_cli *cli,
			       struct global_opts *g)
{
	bool before_command = true, stop = false;
	int in, out = 1;

	for (in = 1; in < *argc; in++) {
		const char *a = argv[in];

		if (stop || a[0] != '-' || a[1] == '\0') {
			argv[out++] = argv[in];
			before_command = false;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			/*
			 * Everything after "--" belongs to the command, as it is;
			 * before the command it only ends the global options.
			 */
			stop = true;
			if (!before_command)
				argv[out++] = argv[in];
			continue;
		}
		if (strcmp(a, "--json") == 0) {
			cli->json = true;
		} else if (strcmp(a, "--root") == 0) {
			if (in + 1 >= *argc)
				return ov_cli_usage_error(NULL, "--root needs a directory");
			cli->root = argv[++in];
		} else if (strncmp(a, "--root=", 7) == 0) {
			cli->root = a + 7;
		} else if (strcmp(a, "--verbose") == 0) {
			cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
		} else if (strcmp(a, "--quiet") == 0) {
			cli->verbosity = -1;
		} else if (a[0] == '-' && a[1] != '-' && strspn(a + 1, "vq") == strlen(a + 1)) {
			/* -v, -q, -vv: no command has a short option v or q. */
			for (const char *p = a + 1; *p; p++)
				cli->verbosity = *p == 'q' ? -1 :
						 cli->verbosity < 0 ? 1 : cli->verbosity + 1;
		} else if (before_command && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			g->help = true;
		} else if (before_command && strcmp(a, "--version") == 0) {
			g->version = true;
		} else if (before_command) {
			return ov_cli_unknown_option(NULL, a, NULL);
		} else {
			argv[out++] = argv[in];
		}
	}
	argv[out] = NULL;
	*argc = out;
	return 0;
}

static int print_version(const struct ov_cli *cli)
{
	if (cli->json) {
		struct json_object *o = json_object_new_object();

		json_add_string(o, "version", OPTIVFIO_VERSION);
		return json_print(o) ? OV_EXIT_FAILURE : OV_EXIT_OK;
	}
	printf("optivfio %s\n", OPTIVFIO_VERSION);
	return OV_EXIT_OK;
}

int main(int argc, char **argv)
{
	struct ov_cli cli = { 0 };
	struct global_opts g = { 0 };
	const struct ov_command *cmd;
	char err[1024];
	int r;

	r = pull_global_options(&argc, argv, &cli, &g);
	if (r)
		return r;
	if (g.help) {
		usage(stdout);
		return OV_EXIT_OK;
	}
	if (g.version)
		return print_version(&cli);
	if (argc < 2) {
		usage(stderr);
		return OV_EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);

	r = ov_ctx_new(cli.root, &cli.ctx, err, sizeof(err));
	if (r < 0)
		return ov_cli_error("%s", err);

	/*
	 * The command sees argv from its own name on and parses it with
	 * getopt from a fresh start (optind = 0 reinitialises glibc's getopt).
	 */
	optind = 0;
	r = cmd->run(&cli, argc - 1, argv + 1);
	ov_ctx_free(cli.ctx);
	return r;
}
