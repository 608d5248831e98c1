// SPDX-License-Identifier: GPL-2.0-or-later
/* optivfio ssdt: write the VM's ACPI tables (_ROM, fake battery), design.md §3. */
#include "cli.h"
#include "commands.h"
#include "cmd-ssdt.h"
#include "aml/guest-path.h"
#include "aml/ssdt.h"
#include "aml/ssdt-output.h"
#include "aml/ssdt-build.h"
#include "core/ctx.h"
#include "vm/vm.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static const char ssdt_usage[] =
	"Usage: optivfio ssdt [OPTIONS] -o DIR\n"
	"Write the ACPI tables the VM needs: _ROM on the GPU's guest node, and a fake battery.\n"
	"\n"
	"GPU node (default: q35, root port 01.0, GPU 00.0 = \\_SB.PCI0.S08.S00;\n"
	"          on pc: no bridge, --gpu-slot required):\n"
	"  --layout mirror|proxmox  the VM the tables are for: mirror (libvirt and\n"
	"                           `vm qemu`: root port 01.0) or proxmox (hostpci0\n"
	"                           behind Proxmox's root port 1c.0: \\_SB.PCI0.SE0.S00)\n"
	"  --gpu-path PATH          an ACPI path QEMU already declares (used as a Scope)\n"
	"  --machine q35|pc         the machine type (also places the battery)\n"
	"  --root-port SS.F|none    the root port (q35) or PCI bridge (pc) on bus 0\n"
	"  --gpu-slot SS.F          the GPU behind it (or on bus 0 with --root-port none)\n"
	"  --qemu-version X.Y       the QEMU the VM runs (default: ask qemu-system-x86_64)\n"
	"  --bridge-hotplug on|off  ICH9-LPC/PIIX4 acpi-pci-hotplug-with-bridge-support\n"
	"                           (off also for machine types pc-q35-6.0 and older)\n"
	"ROM:\n"
	"  --mode fwcfg|embed       read the ROM from a QEMU fw_cfg file (default), or\n"
	"                           carry it in the tables themselves (needs --rom)\n"
	"  --rom FILE               the VBIOS image (checked: a whole PCI option ROM)\n"
	"  --force                  take --rom even when it is not a usable ROM\n"
	"  --fw-cfg-name NAME       fw_cfg file name (default " OV_FW_CFG_DEFAULT_NAME ")\n"
	"Other:\n"
	"  --battery none|absent|present  fake battery (default none)\n"
	"  --dsl                    also write the disassembly (.dsl, by iasl -d)\n"
	"  -o, --output DIR         where to write the tables and optivfio-ssdt.json\n"
	"  -h, --help               this help\n";

enum {
	OPT_GPU_PATH = 0x100,
	OPT_MACHINE,
	OPT_ROOT_PORT,
	OPT_GPU_SLOT,
	OPT_QEMU_VERSION,
	OPT_BRIDGE_HOTPLUG,
	OPT_MODE,
	OPT_ROM,
	OPT_FW_CFG_NAME,
	OPT_BATTERY,
	OPT_DSL,
	OPT_FORCE,
	OPT_LAYOUT,
};

struct ssdt_args {
	const char *gpu_path, *root_port, *gpu_slot, *qemu_version, *bridge_hotplug;
	const char *machine, *mode, *rom, *fw_cfg_name, *battery, *out, *layout;
	bool dsl;
	bool force;	/* --rom unchecked (table encoder tests) */
};

static int parse_args(int argc, char **argv, struct ssdt_args *args)
{
	static const struct option opts[] = {
		{ "gpu-path", required_argument, NULL, OPT_GPU_PATH },
		{ "machine", required_argument, NULL, OPT_MACHINE },
		{ "root-port", required_argument, NULL, OPT_ROOT_PORT },
		{ "gpu-slot", required_argument, NULL, OPT_GPU_SLOT },
		{ "qemu-version", required_argument, NULL, OPT_QEMU_VERSION },
		{ "bridge-hotplug", required_argument, NULL, OPT_BRIDGE_HOTPLUG },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "rom", required_argument, NULL, OPT_ROM },
		{ "fw-cfg-name", required_argument, NULL, OPT_FW_CFG_NAME },
		{ "battery", required_argument, NULL, OPT_BATTERY },
		{ "dsl", no_argument, NULL, OPT_DSL },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "layout", required_argument, NULL, OPT_LAYOUT },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_GPU_PATH: args->gpu_path = optarg; break;
		case OPT_MACHINE: args->machine = optarg; break;
		case OPT_ROOT_PORT: args->root_port = optarg; break;
		case OPT_GPU_SLOT: args->gpu_slot = optarg; break;
		case OPT_QEMU_VERSION: args->qemu_version = optarg; break;
		case OPT_BRIDGE_HOTPLUG: args->bridge_hotplug = optarg; break;
		case OPT_MODE: args->mode = optarg; break;
		case OPT_ROM: args->rom = optarg; break;
		case OPT_FW_CFG_NAME: args->fw_cfg_name = optarg; break;
		case OPT_BATTERY: args->battery = optarg; break;
		case OPT_DSL: args->dsl = true; break;
		case OPT_FORCE: args->force = true; break;
		case OPT_LAYOUT: args->layout = optarg; break;
		case 'o': args->out = optarg; break;
		default:
			return ov_cli_option_error("ssdt ", c, argv, opts);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("ssdt ", "ssdt: unexpected argument '%s'", argv[optind]);
	if (!args->out)
		return ov_cli_usage_error("ssdt ", "ssdt: -o DIR is required");
	if (args->gpu_path && (args->root_port || args->gpu_slot || args->bridge_hotplug))
		return ov_cli_usage_error("ssdt ",
			"ssdt: --gpu-path excludes --root-port, --gpu-slot and --bridge-hotplug");
	if (strcmp(args->mode, "fwcfg") != 0 && strcmp(args->mode, "embed") != 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --mode must be fwcfg or embed");
	if (strcmp(args->mode, "embed") == 0 && !args->rom)
		return ov_cli_usage_error("ssdt ", "ssdt: --mode embed needs --rom FILE");
	if (strcmp(args->mode, "embed") == 0 && args->fw_cfg_name)
		return ov_cli_usage_error("ssdt ", "ssdt: --fw-cfg-name is for --mode fwcfg");
	return 0;
}

/* The GPU target from --gpu-path or the topology options. */
static int resolve_gpu(struct ov_cli *cli, const struct ssdt_args *args, enum ov_machine machine,
		       struct ov_gpu_target *gpu)
{
	struct ov_guest_topology topo;
	enum ov_vm_layout layout = OV_VM_LAYOUT_MIRROR;

	if (args->layout && ov_vm_layout_parse(args->layout, &layout) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --layout must be mirror or proxmox");
	if (args->layout && (args->gpu_path || args->root_port || args->gpu_slot ||
			     machine != OV_MACHINE_Q35))
		return ov_cli_usage_error("ssdt ", "ssdt: --layout excludes --gpu-path, "
					  "--root-port, --gpu-slot and --machine pc");
	/* The VM's own layout (vm/vm.h): the tables and the VM config agree. */
	ov_vm_layout_topology(layout, &topo);
	topo.machine = machine;
	if (args->gpu_path) {
		if (ov_gpu_target_from_path(cli->ctx, args->gpu_path, gpu) < 0)
			return ov_cli_usage_error("ssdt ", "ssdt: %s", ov_ctx_error(cli->ctx));
		return 0;
	}
	/* pc has no PCIe root port; there the GPU is on bus 0 unless a bridge is given. */
	if (machine == OV_MACHINE_PC && !args->root_port)
		topo.has_root_port = false;
	if (machine == OV_MACHINE_PC && !topo.has_root_port && !args->gpu_slot)
		return ov_cli_usage_error("ssdt ", "ssdt: on pc give --gpu-slot SS.F or --gpu-path");
	if (args->root_port && strcmp(args->root_port, "none") == 0)
		topo.has_root_port = false;
	else if (args->root_port &&
		 ov_slot_fn_parse(args->root_port, &topo.rp_slot, &topo.rp_fn) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --root-port '%s': want SS.F (e.g. 01.0) or none",
					  args->root_port);
	if (args->gpu_slot && ov_slot_fn_parse(args->gpu_slot, &topo.gpu_slot, &topo.gpu_fn) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --gpu-slot '%s': want SS.F (e.g. 00.0)",
					  args->gpu_slot);
	if (!args->bridge_hotplug)
		topo.bridge_hotplug = OV_BRIDGE_HOTPLUG_DEFAULT;
	else if (strcmp(args->bridge_hotplug, "on") == 0)
		topo.bridge_hotplug = OV_BRIDGE_HOTPLUG_ON;
	else if (strcmp(args->bridge_hotplug, "off") == 0)
		topo.bridge_hotplug = OV_BRIDGE_HOTPLUG_OFF;
	else
		return ov_cli_usage_error("ssdt ", "ssdt: --bridge-hotplug must be on or off");
	if (args->qemu_version) {
		if (ov_qemu_version_parse(args->qemu_version, &topo.qemu) < 0)
			return ov_cli_usage_error("ssdt ", "ssdt: --qemu-version '%s': want X.Y",
						  args->qemu_version);
	} else if (ov_qemu_version_probe(cli->ctx, getenv("OPTIVFIO_QEMU"), &topo.qemu) < 0) {
		ov_cli_error_ctx(cli, "ssdt: QEMU version");
		ov_cli_hint(cli, "give the VM's QEMU version with --qemu-version X.Y");
		return OV_EXIT_FAILURE;
	}
	if (ov_gpu_target_from_topology(cli->ctx, &topo, gpu) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: %s", ov_ctx_error(cli->ctx));
	return 0;
}

void ov_cli_ssdt_summary(FILE *f, const char *dir, const struct ov_ssdt_set *set,
			 const struct ov_ssdt_manifest *m, bool dsl_wanted, bool dsl_made)
{
	size_t rom_tables = set->count - (m->battery ? 1 : 0);

	fprintf(f, "_ROM on %s (%s)", m->gpu->path,
		m->gpu->create_device ? "the table declares the device" : "added to QEMU's node");
	if (m->fw_cfg_name)
		fprintf(f, ", reading fw_cfg file %s\n", m->fw_cfg_name);
	else
		fprintf(f, ", ROM embedded in %zu table%s\n", rom_tables, rom_tables == 1 ? "" : "s");
	for (size_t i = 0; i < set->count; i++)
		fprintf(f, "wrote %s/%s (%zu bytes)\n", dir, set->tables[i].file, set->tables[i].len);
	fprintf(f, "wrote %s/%s\n", dir, OV_SSDT_MANIFEST);
	if (dsl_wanted && !dsl_made)
		fprintf(f, "note: no .dsl written: iasl (acpica-tools) is not installed\n");
	fprintf(f, "\nQEMU arguments (in this order):\n");
	for (size_t i = 0; i < set->count; i++)
		fprintf(f, "  -acpitable file=%s/%s\n", dir, set->tables[i].file);
	if (m->fw_cfg_name)
		fprintf(f, "  -fw_cfg name=%s,file=%s\n", m->fw_cfg_name, m->rom ? m->rom : "ROM");
	fprintf(f, "libvirt: each -acpitable as <qemu:arg> pairs in <qemu:commandline> "
		"(or <os><acpi><table type='raw'> on libvirt >= 11.2), <features><acpi/>");
	if (m->fw_cfg_name)
		fprintf(f, ",\n  <sysinfo type='fwcfg'><entry name='%s' file='%s'/></sysinfo>",
			m->fw_cfg_name, m->rom ? m->rom : "ROM");
	if (m->battery != OV_BATTERY_NONE)
		fprintf(f, ",\n  and a USB tablet instead of the PS/2 mouse (battery: clicks get lost)");
	fprintf(f, "\n");
}

int cmd_ssdt(struct ov_cli *cli, int argc, char **argv)
{
	struct ssdt_args args = { .machine = "q35", .mode = "fwcfg", .battery = "none" };
	struct ov_ssdt_request req = { .battery = OV_BATTERY_NONE };
	struct ov_ssdt_result res;
	struct ov_gpu_target gpu;
	char dir[PATH_MAX];
	bool dsl_made = false;
	int r, ret = OV_EXIT_FAILURE;

	if (ov_cli_wants_help(argc, argv)) {
		fputs(ssdt_usage, stdout);
		return OV_EXIT_OK;
	}
	r = parse_args(argc, argv, &args);
	if (r)
		return r;
	if (ov_machine_parse(args.machine, &req.machine) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --machine must be q35 or pc");
	if (ov_battery_parse(args.battery, &req.battery) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: --battery must be none, absent or present");
	if (!args.fw_cfg_name && strcmp(args.mode, "fwcfg") == 0)
		args.fw_cfg_name = OV_FW_CFG_DEFAULT_NAME;
	if (args.fw_cfg_name && ov_fw_cfg_name_check(cli->ctx, args.fw_cfg_name) < 0)
		return ov_cli_usage_error("ssdt ", "ssdt: %s", ov_ctx_error(cli->ctx));
	r = resolve_gpu(cli, &args, req.machine, &gpu);
	if (r)
		return r;

	req.gpu = &gpu;
	req.fw_cfg_name = args.fw_cfg_name;
	req.rom_file = args.rom;
	req.rom_unchecked = args.force;
	if (ov_ssdt_build(cli->ctx, &req, &res) < 0) {
		ov_cli_error_ctx(cli, "ssdt");
		/* A prefixed ROM's reason names rom strip already. */
		if (res.rom_unusable && !res.rom_needs_strip)
			ov_cli_hint(cli, "optivfio rom info %s says what is wrong with it", args.rom);
		goto out;
	}
	if (ov_ssdt_write_dir(cli->ctx, args.out, &res.set, &res.manifest, args.dsl,
			      &dsl_made) < 0) {
		ov_cli_error_ctx(cli, "ssdt: writing the tables");
		goto out;
	}
	if (!realpath(args.out, dir))
		snprintf(dir, sizeof(dir), "%s", args.out);

	if (cli->json) {
		char *json = ov_ssdt_manifest_string(&res.set, &res.manifest);

		if (json)
			fputs(json, stdout);
		free(json);
	} else if (cli->verbosity >= 0) {
		ov_cli_ssdt_summary(stdout, dir, &res.set, &res.manifest, args.dsl, dsl_made);
	}
	ret = OV_EXIT_OK;
out:
	ov_ssdt_result_clear(&res);
	return ret;
}
