// SPDX-License-Identifier: GPL-2.0-or-later
/* guest check: run inside the Linux guest to see whether the VM is set up. */
#include "checklist.h"
#include "cli.h"
#include "commands.h"
#include "core/ctx.h"
#include "guest/guest.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char guest_help[] =
	"Usage: optivfio [--root DIR] [--json] guest check [--gpu BDF]\n"
	"                [--rom-ids VVVV:DDDD] [--battery absent|present]\n"
	"\n"
	"Run inside a Linux guest of the VM: is everything the NVIDIA driver needs\n"
	"there? The passed GPU, its ACPI node, a _ROM on it that returns a valid\n"
	"ROM for the GPU (read through acpi_call), non-zero subsystem ids, no\n"
	"hotplug _DSM, the PCI path mirroring the laptop's (01:00.0 behind a root\n"
	"port at 00:01.0), the battery device when the VM was given one.\n"
	"  --gpu BDF        the GPU (default: NVIDIA, else the display device\n"
	"                   behind a bridge)\n"
	"  --rom-ids V:D    ids the ROM must carry (default: the GPU's own)\n"
	"  --battery KIND   the VM was given a fake battery: check it is there\n"
	"\n"
	"Exit status: 0 everything is in place, 3 something is missing.\n";

static bool parse_ids(const char *s, uint16_t *v, uint16_t *d)
{
	unsigned a, b;
	int n = 0;

	if (sscanf(s, "%4x:%4x%n", &a, &b, &n) != 2 || s[n] != '\0' || strlen(s) != 9)
		return false;
	*v = (uint16_t)a;
	*d = (uint16_t)b;
	return true;
}

int cmd_guest(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "rom-ids", required_argument, NULL, 'i' },
		{ "battery", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report rep;
	struct ov_bdf want;
	int c, r;

	if (argc < 2 || strcmp(argv[1], "check") != 0) {
		if (ov_cli_wants_help(argc, argv)) {
			fputs(guest_help, stdout);
			return OV_EXIT_OK;
		}
		return ov_cli_usage_error("guest ", argc < 2 ? "missing 'check'" :
					  "unknown command 'guest %s'", argv[1]);
	}
	argc--;
	argv++;
	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ov_cli_parse_bdf("guest check ", "--gpu", optarg, &want))
				return OV_EXIT_USAGE;
			o.gpu = &want;
			break;
		case 'i':
			if (!parse_ids(optarg, &o.rom_vendor, &o.rom_device))
				return ov_cli_usage_error("guest check ", "--rom-ids %s: want "
							  "VVVV:DDDD (like 10de:1c8d)", optarg);
			o.have_rom_ids = true;
			break;
		case 'b':
			if (strcmp(optarg, "absent") && strcmp(optarg, "present"))
				return ov_cli_usage_error("guest check ", "--battery %s: want "
							  "absent or present", optarg);
			o.battery = optarg;
			break;
		case 'h':
			fputs(guest_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("guest check ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("guest check ", "unexpected argument '%s'", argv[optind]);

	/* Without acpi_call the ACPI checks are reported as not possible. */
	if (ov_acpi_call_check(cli->ctx) == 0) {
		o.acpi_ops = &ov_acpi_call_proc_ops;
		o.acpi_userdata = cli->ctx;
	}
	ov_ctx_clear_error(cli->ctx);

	if (ov_guest_check(cli->ctx, &o, &rep) < 0)
		return ov_cli_error_ctx(cli, "guest check");
	r = ov_cli_print_checks(cli, rep.gpu, rep.checks, rep.n_checks,
				"Ready: the VM has what the driver needs");
	ov_guest_report_clear(&rep);
	return r;
}
