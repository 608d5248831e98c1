// SPDX-License-Identifier: GPL-2.0-or-later
/* doctor: the passthrough requirements and known workarounds as checks (plan/doctor.h). */
#include "checklist.h"
#include "cli.h"
#include "commands.h"
#include "core/ctx.h"
#include "plan/doctor.h"

#include <getopt.h>
#include <string.h>

static const char doctor_help[] =
	"Usage: optivfio [--root DIR] [--json] doctor [--gpu BDF] [--domain NAME] [--rom FILE]\n"
	"\n"
	"Check every passthrough requirement and known workaround: IOMMU on,\n"
	"the GPU's group viable, vfio_pci available, the GPU's driver, the HDMI audio\n"
	"function, ROM sources (ROM BAR, ACPI _ROM through acpi_call, a file), a host\n"
	"battery, muxed or muxless, the VM topology, and stale NVRAM of a libvirt\n"
	"domain. Each check says PASS, WARN or FAIL, why, and the fix.\n"
	"\n"
	"  --gpu BDF       the GPU (default: the discrete GPU found)\n"
	"  --domain NAME   libvirt domain whose NVRAM to compare with its XML\n"
	"  --rom FILE      a ROM file you have\n"
	"\n"
	"Exit status: 0 nothing blocks passthrough, 3 some check FAILed.\n";

int cmd_doctor(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "domain", required_argument, NULL, 'd' },
		{ "rom", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_doctor_opts o = { .gpu = NULL };
	struct ov_doctor d;
	struct ov_bdf want;
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ov_cli_parse_bdf("doctor ", "--gpu", optarg, &want))
				return OV_EXIT_USAGE;
			o.gpu = &want;
			break;
		case 'd':
			o.domain = optarg;
			break;
		case 'r':
			o.rom_file = optarg;
			break;
		case 'h':
			fputs(doctor_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("doctor ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("doctor ", "unexpected argument '%s'", argv[optind]);

	if (ov_doctor_run(cli->ctx, &o, &d) < 0)
		return ov_cli_error_ctx(cli, "doctor");
	r = ov_cli_print_checks(cli, d.gpu, d.checks, d.n_checks,
				"Ready: nothing blocks passthrough");
	ov_doctor_clear(&d);
	return r;
}
