// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setup: the whole pipeline once, for a laptop owner, over one scan of the
 * host. Each step calls what the matching command calls (plan/doctor.h,
 * rom/acquire.h, aml/ssdt-build.h, the vm outputs of cmd-vm.h, the prepare
 * plan) and writes the same files that command would; what each step said
 * is kept in DIR/logs, and the report is printed and kept in DIR/report.txt.
 */
#include "checklist.h"
#include "cli.h"
#include "cmd-rom.h"
#include "cmd-ssdt.h"
#include "cmd-vm.h"
#include "commands.h"
#include "json-out.h"
#include "plan-text.h"
#include "aml/guest-path.h"
#include "aml/ssdt-build.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "host/groups.h"
#include "host/host.h"
#include "plan/doctor.h"
#include "plan/plan.h"
#include "plan/state.h"
#include "rom/acquire.h"
#include "rom/rom.h"
#include "vm/vm.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char setup_help[] =
	"Usage: optivfio [--root DIR] [--json] setup [--gpu BDF] [--rom FILE]\n"
	"                [--rom-bar FILE]\n"
	"                [--domain-xml FILE] [--mode embed|fwcfg]\n"
	"                [--battery none|absent|present] [--vmid N]\n"
	"                [--qemu-version X.Y] -o DIR\n"
	"\n"
	"Everything once: find the dGPU, run the doctor checks, get the ROM (from\n"
	"--rom, else dumped from the ROM BAR or ACPI _ROM) and validate it, write\n"
	"the ACPI tables, patch the libvirt domain (with --domain-xml; otherwise\n"
	"write QEMU arguments and Proxmox lines), and write the plan that\n"
	"'optivfio host prepare' would run. Nothing on the host is changed.\n"
	"\n"
	"  --gpu BDF          the GPU (default: the dGPU optivfio finds)\n"
	"  --rom FILE         use this VBIOS instead of dumping one\n"
	"  --rom-bar FILE     an MXM ROM of the same GPU (same vendor:device) for\n"
	"                     the GPU's ROM BAR: the alternative that can spare the\n"
	"                     GPU reset and makes HDMI audio work on some laptops\n"
	"  --domain-xml FILE  the libvirt domain to patch (never changed itself)\n"
	"  --mode embed|fwcfg where _ROM finds the ROM (default embed: inside the\n"
	"                     tables, no fw_cfg slot, fastest first call)\n"
	"  --battery KIND     fake battery for the VM (default none)\n"
	"  --vmid N           Proxmox VM id for proxmox.conf (default 100)\n"
	"  --qemu-version X.Y the QEMU the VM runs (default: the installed one)\n"
	"  -o, --output DIR   a new directory for everything written\n"
	"\n"
	"Exit status: 0 ready, 1 a step failed (DIR is removed again),\n"
	"3 written, but doctor found something that blocks passthrough.\n";

struct setup {
	struct ov_cli *cli;
	char abs[PATH_MAX];		/* DIR, absolute: paths in the VM config */
	char gpu[OV_BDF_STRLEN];
	uint16_t vendor, device;	/* the GPU's ids, for --rom-bar */
	bool blocked;
	FILE *report;			/* the report, also kept as DIR/report.txt */
	char confined[768];		/* how libvirt's QEMU may read DIR, "" if it can */
	struct ov_host *host;		/* the one scan every step works from */
	const struct ov_pci_dev *gpu_dev;
};

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) < 0 ? -1 : 0;
}

/* Path under DIR. */
static const char *in_dir(struct setup *s, char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", s->abs, name);
	return buf;
}

static void report(struct setup *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report(struct setup *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (s->report)
		vfprintf(s->report, fmt, ap);
	va_end(ap);
}

/* The dGPU and its group verdict, from the host model. */
static int find_gpu(struct setup *s, const struct ov_bdf *want)
{
	const struct ov_pci_dev *gpu;
	struct ov_gpu_group *g = NULL;

	if (ov_host_scan(s->cli->ctx, &s->host) < 0)
		return ov_cli_error_ctx(s->cli, "setup");
	if (ov_host_pick_dgpu(s->cli->ctx, s->host, want, &gpu) < 0 ||
	    ov_host_gpu_group(s->cli->ctx, s->host, gpu, &g) < 0)
		return ov_cli_error_ctx(s->cli, "setup");
	s->gpu_dev = gpu;
	ov_bdf_format(&gpu->bdf, s->gpu);
	s->vendor = gpu->vendor;
	s->device = gpu->device;
	report(s, "GPU:     %s %s %s [%04x:%04x], %s\n", s->gpu, gpu->vendor_name,
	       gpu->device_name, gpu->vendor, gpu->device,
	       ov_pci_class(gpu) == OV_CLASS_DISPLAY_3D ? "muxless (3D controller)" :
	       "muxed (VGA controller)");
	if (g->group < 0)
		report(s, "         no IOMMU group: the IOMMU is off\n");
	else
		report(s, "         IOMMU group %d %s\n", g->group, g->viable ?
		       "can go to a VM whole" : "can NOT go to a VM whole (see doctor.txt)");
	ov_gpu_group_free(g);
	return 0;
}

enum { VM_LIBVIRT, VM_QEMU, VM_PROXMOX };

struct setup_opts {
	const char *gpu, *rom, *rom_bar, *domain_xml, *mode, *battery, *vmid, *qemu_version;
	const char *out;
};

static int parse(int argc, char **argv, struct setup_opts *o)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "rom", required_argument, NULL, 'r' },
		{ "rom-bar", required_argument, NULL, 'R' },
		{ "domain-xml", required_argument, NULL, 'd' },
		{ "mode", required_argument, NULL, 'm' },
		{ "battery", required_argument, NULL, 'b' },
		{ "vmid", required_argument, NULL, 'v' },
		{ "qemu-version", required_argument, NULL, 'q' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_bdf b;
	int c;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ov_cli_parse_bdf("setup ", "--gpu", optarg, &b))
				return OV_EXIT_USAGE;
			o->gpu = optarg;
			break;
		case 'r':
			o->rom = optarg;
			break;
		case 'R':
			o->rom_bar = optarg;
			break;
		case 'd':
			o->domain_xml = optarg;
			break;
		case 'm':
			if (strcmp(optarg, "embed") && strcmp(optarg, "fwcfg"))
				return ov_cli_usage_error("setup ", "--mode must be embed or fwcfg");
			o->mode = optarg;
			break;
		case 'b':
			if (strcmp(optarg, "none") && strcmp(optarg, "absent") &&
			    strcmp(optarg, "present"))
				return ov_cli_usage_error("setup ", "--battery must be none, absent "
							  "or present");
			o->battery = optarg;
			break;
		case 'v':
			o->vmid = optarg;
			break;
		case 'q': {
			struct ov_qemu_version v;

			if (ov_qemu_version_parse(optarg, &v) < 0)
				return ov_cli_usage_error("setup ", "--qemu-version '%s': want X.Y",
							  optarg);
			o->qemu_version = optarg;
			break;
		}
		case 'o':
			o->out = optarg;
			break;
		case 'h':
			fputs(setup_help, stdout);
			return -1;
		default:
			return ov_cli_option_error("setup ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("setup ", "unexpected argument '%s'", argv[optind]);
	if (!o->out)
		return ov_cli_usage_error("setup ", "missing -o DIR");
	return 0;
}

/*
 * Each VM keeps its own UEFI variable store; the firmware writes boot
 * entries into it, so it is a copy of the installed template.
 */
static int copy_ovmf_vars(struct setup *s, const char *dest)
{
	char code[PATH_MAX], tmpl[PATH_MAX];
	uint8_t *data = NULL;
	size_t len;
	int r;

	if (ov_vm_ovmf_find(s->cli->ctx, code, sizeof(code)) < 0 ||
	    ov_vm_ovmf_vars_template(s->cli->ctx, code, tmpl, sizeof(tmpl)) < 0 ||
	    ov_read_file(s->cli->ctx, tmpl, &data, &len) < 0) {
		ov_cli_error_ctx(s->cli, "setup: the VM's UEFI firmware");
		ov_cli_hint(s->cli, "install OVMF (Debian/Ubuntu: apt install ovmf), or give "
			    "--domain-xml for a libvirt VM");
		return OV_EXIT_FAILURE;
	}
	r = ov_write_file_atomic(s->cli->ctx, dest, data, len, 0644);
	free(data);
	if (r < 0)
		return ov_cli_error_ctx(s->cli, "setup: OVMF_VARS.fd");
	return 0;
}

/*
 * What the user still has to do inside a Windows guest, each with why:
 * the workarounds that live in Windows, not in the VM configuration.
 */
static void windows_tips(struct setup *s)
{
	report(s, "\nIn a Windows guest:\n"
	       "  - turn fast startup off (Control Panel > Power Options): it keeps state\n"
	       "    from before a change you made, so the change seems not to work\n"
	       "  - install the newest NVIDIA driver: from 465 on the driver runs in a VM,\n"
	       "    and the hidden hypervisor and the fake battery may not be needed\n"
	       "  - try a Linux guest first (`optivfio guest check` in it): Linux is more\n"
	       "    forgiving, and what fails there will fail in Windows too\n"
	       "  - the VM stops at the firmware screen: reset its UEFI variables (libvirt:\n"
	       "    delete its file in /var/lib/libvirt/qemu/nvram/; QEMU: a fresh copy\n"
	       "    of the OVMF_VARS template)\n");
}

/*
 * --rom-bar: an MXM ROM of the same GPU shown in the GPU's ROM BAR. It must
 * be a whole option ROM for this GPU's vendor:device; it is copied into DIR
 * so the VM does not depend on where the download lies.
 */
static int mxm_rom(struct setup *s, const char *file, char *dest)
{
	struct ov_rom_info info;
	uint8_t *data = NULL;
	size_t len;
	int r;

	if (ov_read_file(s->cli->ctx, file, &data, &len) < 0)
		return ov_cli_error_ctx(s->cli, "setup: --rom-bar");
	if (ov_rom_check_usable(s->cli->ctx, data, len, &info) < 0) {
		free(data);
		ov_cli_error("setup: --rom-bar %s: not a usable ROM: %s", file,
			     ov_ctx_error(s->cli->ctx));
		ov_cli_hint(s->cli, "optivfio rom info %s says what is wrong with it", file);
		return OV_EXIT_FAILURE;
	}
	if (ov_rom_validate_ids(s->cli->ctx, &info, s->vendor, s->device) < 0) {
		free(data);
		return ov_cli_error("setup: --rom-bar %s: %s (an MXM ROM of the same GPU is "
				    "needed)", file, ov_ctx_error(s->cli->ctx));
	}
	r = ov_write_file_atomic(s->cli->ctx, in_dir(s, dest, "mxm.rom"), data, len, 0644);
	free(data);
	if (r < 0)
		return ov_cli_error_ctx(s->cli, "setup: mxm.rom");
	report(s, "ROM BAR: %s, %04x:%04x like the GPU\n         -> mxm.rom\n", file,
	       s->vendor, s->device);
	return 0;
}

/* @text with its word "DIR" (doctor's fixes say so) made this setup's directory. */
static void fill_dir(struct setup *s, const char *text, char *buf, size_t size)
{
	const char *at = strstr(text, "DIR");

	if (at)
		snprintf(buf, size, "%.*s%s%s", (int)(at - text), text, s->abs, at + 3);
	else
		snprintf(buf, size, "%s", text);
}

/*
 * Every requirement checked (plan/doctor.h) into DIR/doctor.txt, as
 * `optivfio doctor` prints it; a FAIL is reported, not fatal here.
 */
static int run_doctor(struct setup *s, const struct setup_opts *o)
{
	struct ov_doctor_opts opts = { .gpu = &s->gpu_dev->bdf, .rom_file = o->rom };
	char file[PATH_MAX], warns[512] = "";
	struct ov_doctor d;
	size_t len = 0;
	FILE *f;

	if (ov_doctor_run(s->cli->ctx, &opts, &d) < 0)
		return ov_cli_error("setup: step 'doctor' failed: %s", ov_ctx_error(s->cli->ctx));
	f = fopen(in_dir(s, file, "doctor.txt"), "we");
	if (f) {
		ov_cli_write_checks(f, d.checks, d.n_checks, "Ready: nothing blocks passthrough",
				    false, 0);
		fclose(f);
	}
	for (size_t i = 0; i < d.n_checks; i++)
		if (!strcmp(d.checks[i].id, "qemu-confinement") && d.checks[i].status == OV_CHECK_WARN)
			fill_dir(s, d.checks[i].fix, s->confined, sizeof(s->confined));
	for (size_t i = 0; i < d.n_checks; i++)
		if (d.checks[i].status == OV_CHECK_WARN && len + strlen(d.checks[i].id) + 3 < sizeof(warns))
			len += (size_t)snprintf(warns + len, sizeof(warns) - len, "%s%s",
						len ? ", " : "", d.checks[i].id);
	s->blocked = ov_doctor_blocked(&d);
	ov_doctor_clear(&d);
	if (!f)
		return ov_cli_error("setup: %s: %s", file, strerror(errno));
	report(s, "doctor:  %s%s%s\n         -> doctor.txt\n", s->blocked ?
	       "BLOCKED: fix its FAIL lines first" : "nothing blocks passthrough",
	       *warns ? "; warnings: " : "", warns);
	return 0;
}

/* DIR/logs/NAME.txt, to keep what a step said. */
static FILE *open_log(struct setup *s, const char *name)
{
	char log[PATH_MAX + 32];

	snprintf(log, sizeof(log), "%s/logs/%s.txt", s->abs, name);
	return fopen(log, "we");
}

/* --rom: the user's file, without a flash-dump prefix (rom/rom.h). */
static int rom_from_file(struct setup *s, const char *file, const char *dest)
{
	struct ov_ctx *ctx = s->cli->ctx;
	size_t len, start, end;
	uint8_t *data;
	FILE *log;
	int r;

	if (ov_read_file(ctx, file, &data, &len) < 0)
		return ov_cli_error("setup: step 'rom' failed: %s", ov_ctx_error(ctx));
	r = ov_rom_stripped(ctx, data, len, false, &start, &end);
	if (r == 0)
		r = ov_write_file_atomic(ctx, dest, data + start, end - start, 0644);
	free(data);
	if (r < 0)
		return ov_cli_error("setup: step 'rom' failed: %s: %s", file, ov_ctx_error(ctx));
	log = open_log(s, "rom");
	if (log) {
		fprintf(log, "%s: %zu bytes (removed a %zu-byte prefix and %zu trailing bytes)\n",
			dest, end - start, start, len - end);
		fclose(log);
	}
	report(s, "ROM:     %s\n         -> vbios.rom\n", file);
	return 0;
}

/* No --rom: the GPU's own, from its ROM BAR or the firmware (rom/acquire.h). */
static int rom_from_gpu(struct setup *s, const char *dest)
{
	struct ov_rom_request req = { .bdf = s->gpu, .from = OV_ROM_FROM_AUTO };
	struct ov_rom_acquired a;
	char why[1024], *line = NULL;
	size_t line_len = 0;
	FILE *mem;
	int r;

	r = ov_rom_acquire(s->cli->ctx, &req, &a);
	if (r == 0)
		r = ov_write_file_atomic(s->cli->ctx, dest, a.data, a.len, 0644);
	if (r < 0) {
		ov_cli_rom_acquire_reason(s->cli, s->gpu, &a, why, sizeof(why));
		ov_cli_error("setup: step 'rom' failed: %s", why);
		ov_cli_rom_acquire_hint(s->cli, &a);
		ov_rom_acquired_clear(&a);
		return OV_EXIT_FAILURE;
	}
	mem = open_memstream(&line, &line_len);
	if (mem) {
		ov_cli_rom_dump_summary(mem, dest, &a, false);
		fclose(mem);
	}
	ov_rom_acquired_clear(&a);
	if (!line)
		return ov_cli_error("setup: out of memory");
	report(s, "ROM:     %.*s\n         -> vbios.rom\n", (int)strcspn(line, "\n"), line);
	mem = open_log(s, "rom");
	if (mem) {
		fputs(line, mem);
		fclose(mem);
	}
	free(line);
	return 0;
}

/*
 * The plan 'host prepare' would run now, in DIR/host-prepare-plan.txt
 * (exactly what its --dry-run prints), or in @why the reason it would refuse.
 */
static int plan_prepare(struct setup *s, char *why, size_t size)
{
	struct ov_ctx *ctx = s->cli->ctx;
	char journal[PATH_MAX], file[PATH_MAX];
	struct ov_plan_env env;
	struct ov_state st;
	struct ov_plan plan;
	FILE *f;
	int r;

	*why = '\0';
	if (ov_plan_env_read(ctx, &env) < 0)
		return ov_cli_error_ctx(s->cli, "setup: host prepare");
	r = ov_state_open(ctx, NULL, false, &st);
	if (r == 0)
		r = ov_state_file(ctx, &st, "journal", &s->gpu_dev->bdf, journal, sizeof(journal));
	if (r == 0 && ov_state_current(&st, journal))
		snprintf(why, size, "the GPU is prepared already (journal %s)", journal);
	else if (r == 0 && ov_plan_prepare(ctx, s->host, s->gpu_dev, &env, &plan) < 0)
		snprintf(why, size, "%s", ov_ctx_error(ctx));
	else if (r == 0) {
		f = fopen(in_dir(s, file, "host-prepare-plan.txt"), "we");
		if (f) {
			ov_cli_plan_text(f, &plan, true, false);
			r = fclose(f) ? -EIO : 0;
		} else {
			r = -errno;
		}
		ov_plan_clear(&plan);
	}
	ov_plan_env_clear(&env);
	if (r < 0)
		return ov_cli_error("setup: host prepare: %s", *ov_ctx_error(ctx) ?
				    ov_ctx_error(ctx) : strerror(-r));
	return 0;
}

/* The QEMU the VM runs: --qemu-version (checked by parse()), else the installed one. */
static int vm_qemu(struct setup *s, const struct setup_opts *o, struct ov_qemu_version *v)
{
	if (o->qemu_version)
		return ov_qemu_version_parse(o->qemu_version, v);
	return ov_qemu_version_probe(s->cli->ctx, getenv("OPTIVFIO_QEMU"), v);
}

/*
 * The tables for the VM's @layout in @dir (aml/ssdt-build.h), what was
 * written in DIR/logs/ssdt[-proxmox].txt, its first line in the report.
 */
static int write_tables(struct setup *s, const struct setup_opts *o, enum ov_vm_layout layout,
			const char *rom, const char *dir)
{
	const char *step = layout == OV_VM_LAYOUT_PROXMOX ? "ssdt-proxmox" : "ssdt";
	struct ov_ssdt_request req = { .machine = OV_MACHINE_Q35, .rom_file = rom };
	struct ov_ctx *ctx = s->cli->ctx;
	struct ov_guest_topology topo;
	struct ov_ssdt_result res;
	struct ov_gpu_target gpu;
	bool dsl = false;
	char *text = NULL;
	size_t len = 0;
	FILE *log;
	int r;

	memset(&res, 0, sizeof(res));
	ov_battery_parse(o->battery ? o->battery : "none", &req.battery);  /* checked by parse() */
	if (o->mode && strcmp(o->mode, "fwcfg") == 0)
		req.fw_cfg_name = OV_FW_CFG_DEFAULT_NAME;
	ov_vm_layout_topology(layout, &topo);
	topo.bridge_hotplug = OV_BRIDGE_HOTPLUG_DEFAULT;
	req.gpu = &gpu;
	if (vm_qemu(s, o, &topo.qemu) < 0) {
		ov_cli_error("setup: step '%s' failed: ssdt: QEMU version: %s", step,
			     ov_ctx_error(ctx));
		ov_cli_hint(s->cli, "give the VM's QEMU version with --qemu-version X.Y");
		return OV_EXIT_FAILURE;
	}
	r = ov_gpu_target_from_topology(ctx, &topo, &gpu);
	if (r == 0)
		r = ov_ssdt_build(ctx, &req, &res);
	if (r == 0)
		r = ov_ssdt_write_dir(ctx, dir, &res.set, &res.manifest, false, &dsl);
	if (r == 0 && (log = open_memstream(&text, &len))) {
		ov_cli_ssdt_summary(log, dir, &res.set, &res.manifest, false, false);
		fclose(log);
	}
	ov_ssdt_result_clear(&res);
	if (r < 0)
		return ov_cli_error("setup: step '%s' failed: ssdt: %s", step, ov_ctx_error(ctx));
	if (!text)
		return ov_cli_error("setup: out of memory");
	if (layout == OV_VM_LAYOUT_MIRROR)
		report(s, "tables:  %.*s\n         -> ssdt/\n", (int)strcspn(text, "\n"), text);
	log = open_log(s, step);
	if (log) {
		fputs(text, log);
		fclose(log);
	}
	free(text);
	return 0;
}

/*
 * One vm output (tools/cmd-vm.h) with its talk in DIR/logs/@step.txt and
 * the configuration in DIR/@file (NULL: the output names its own file).
 */
static int vm_step(struct setup *s, const char *step, const char *file, int kind,
		   const struct ov_cli_vm_opts *vo)
{
	struct ov_cli quiet = *s->cli;		/* the files are text, whatever --json says */
	char failed[64], path[PATH_MAX];
	struct ov_cli_vm_report rep = { .failed = failed };
	int r = OV_EXIT_FAILURE;

	quiet.json = false;
	snprintf(failed, sizeof(failed), "setup: step '%s' failed: ", step);
	rep.log = open_log(s, step);
	rep.out = file ? fopen(in_dir(s, path, file), "we") : NULL;
	if (!rep.log || (file && !rep.out))
		ov_cli_error("setup: %s: %s", file ? file : "logs", strerror(errno));
	else if (kind == VM_LIBVIRT)
		r = ov_cli_vm_libvirt(&quiet, vo, &rep);
	else
		r = ov_cli_vm_lines(&quiet, vo, kind == VM_PROXMOX, &rep);
	if (rep.out && fclose(rep.out) != 0 && r == OV_EXIT_OK)
		r = ov_cli_error("setup: %s: %s", file, strerror(errno));
	if (rep.log)
		fclose(rep.log);
	return r;
}

static int write_domain(struct setup *s, const struct setup_opts *o, const char *ssdt,
			const char *mxm)
{
	char file[PATH_MAX];
	struct ov_cli_vm_opts vo = {
		.domain_xml = o->domain_xml, .gpu = s->gpu, .ssdt_dir = ssdt,
		.battery = o->battery && strcmp(o->battery, "none") != 0,
		.rom_bar = o->rom_bar ? mxm : NULL, .output = in_dir(s, file, "domain.xml"),
	};

	if (vm_step(s, "vm", NULL, VM_LIBVIRT, &vo) != OV_EXIT_OK)
		return OV_EXIT_FAILURE;
	report(s, "VM:      libvirt domain patched (GPU at 01:00.0 behind a root port at "
	       "00:01.0, hotplug off, subsystem ids, tables)\n         -> domain.xml\n");
	/* The tables reach QEMU around libvirt: its confinement does not know them. */
	if (*s->confined)
		report(s, "         libvirt's QEMU is confined and may not read %s: %s\n", s->abs,
		       s->confined);
	return 0;
}

static int write_commands(struct setup *s, const struct setup_opts *o, const char *ssdt,
			  const char *pve_ssdt, const char *mxm)
{
	char vars[PATH_MAX];
	struct ov_cli_vm_opts vo = {
		.gpu = s->gpu, .ssdt_dir = ssdt,
		.battery = o->battery && strcmp(o->battery, "none") != 0,
		.rom_bar = o->rom_bar ? mxm : NULL, .ovmf_vars = in_dir(s, vars, "OVMF_VARS.fd"),
	};
	int r;

	r = copy_ovmf_vars(s, vars);
	if (r == 0)
		r = vm_step(s, "qemu", "qemu-args.txt", VM_QEMU, &vo);
	if (r)
		return r;
	vo.ssdt_dir = pve_ssdt;
	vo.ovmf_vars = NULL;
	vo.vmid = o->vmid ? o->vmid : "100";
	if (vm_step(s, "proxmox", "proxmox.conf", VM_PROXMOX, &vo) != OV_EXIT_OK)
		return OV_EXIT_FAILURE;
	report(s, "VM:      a QEMU command and Proxmox lines (no --domain-xml given)\n"
	       "         -> qemu-args.txt (a shell command; add --disk/--cdrom with\n"
	       "            `optivfio vm qemu`), OVMF_VARS.fd, proxmox.conf\n");
	return 0;
}

static int pipeline(struct setup *s, const struct setup_opts *o)
{
	char rom[PATH_MAX], ssdt[PATH_MAX], pve_ssdt[PATH_MAX], mxm[PATH_MAX], why[1200];
	struct ov_bdf want;
	int r;

	if (o->gpu)
		ov_bdf_parse(o->gpu, &want);	/* checked by parse() */
	r = find_gpu(s, o->gpu ? &want : NULL);
	if (r)
		return r;

	if (o->rom_bar) {
		r = mxm_rom(s, o->rom_bar, mxm);
		if (r)
			return r;
	}

	/* 1. doctor: every requirement; a FAIL is reported, not fatal here. */
	r = run_doctor(s, o);
	if (r)
		return r;

	/* 2. the ROM: the user's file (prefix stripped), or dumped and validated. */
	r = o->rom ? rom_from_file(s, o->rom, in_dir(s, rom, "vbios.rom"))
		   : rom_from_gpu(s, in_dir(s, rom, "vbios.rom"));
	if (r)
		return r;

	/* 3. the tables. */
	r = write_tables(s, o, OV_VM_LAYOUT_MIRROR, rom, in_dir(s, ssdt, "ssdt"));
	if (r)
		return r;
	if (!o->domain_xml) {
		/* Proxmox puts hostpci0 behind its own root port: tables of its own. */
		r = write_tables(s, o, OV_VM_LAYOUT_PROXMOX, rom, in_dir(s, pve_ssdt, "ssdt-proxmox"));
		if (r)
			return r;
		report(s, "         the same for Proxmox's layout (GPU behind 00:1c.0)\n"
		       "         -> ssdt-proxmox/\n");
	}

	/* 4. the VM: a patched domain, or QEMU and Proxmox snippets. */
	r = o->domain_xml ? write_domain(s, o, ssdt, mxm) : write_commands(s, o, ssdt, pve_ssdt, mxm);
	if (r)
		return r;

	/* 5. the host plan, printed only. */
	r = plan_prepare(s, why, sizeof(why));
	if (r)
		return r;
	if (*why)
		report(s, "host:    host prepare would refuse now: %s\n", why);
	else
		report(s, "host:    the plan 'optivfio host prepare' will run\n"
		       "         -> host-prepare-plan.txt\n");

	report(s, "\nNext:\n"
	       "  1. sudo optivfio host prepare --gpu %s   (hands the GPU to vfio-pci;\n"
	       "     'optivfio hook install --domain NAME' does it whenever the VM starts)\n",
	       s->gpu);
	if (o->domain_xml)
		report(s, "  2. virsh define %s/domain.xml && virsh start NAME\n", s->abs);
	else
		report(s, "  2. start the VM: sh %s/qemu-args.txt\n", s->abs);
	report(s, "  3. in a Linux guest: optivfio guest check   (Windows: install the "
	       "NVIDIA driver)\n"
	       "  4. afterwards: sudo optivfio host release --gpu %s\n", s->gpu);
	windows_tips(s);
	return 0;
}

int cmd_setup(struct ov_cli *cli, int argc, char **argv)
{
	struct setup_opts o = { 0 };
	struct setup s = { .cli = cli };
	char path[PATH_MAX + 16];
	char *text = NULL;
	size_t text_len = 0;
	int r;

	r = parse(argc, argv, &o);
	if (r)
		return r < 0 ? OV_EXIT_OK : r;
	if (mkdir(o.out, 0755) < 0)
		return ov_cli_error("setup: %s: %s", o.out, errno == EEXIST ?
				    "already exists (give a new directory)" : strerror(errno));
	if (!realpath(o.out, s.abs)) {
		r = ov_cli_error("setup: %s: %s", o.out, strerror(errno));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/logs", s.abs);
	if (mkdir(path, 0755) < 0) {
		r = ov_cli_error("setup: %s: %s", path, strerror(errno));
		goto fail;
	}
	s.report = open_memstream(&text, &text_len);
	if (!s.report) {
		r = ov_cli_error("setup: out of memory");
		goto fail;
	}

	r = pipeline(&s, &o);
	fclose(s.report);
	s.report = NULL;
	if (r)
		goto fail;

	snprintf(path, sizeof(path), "%s/report.txt", s.abs);
	if (ov_write_file_atomic(cli->ctx, path, text, text_len, 0644) < 0) {
		r = ov_cli_error_ctx(cli, "setup");
		goto fail;
	}
	if (cli->json) {
		struct json_object *root = json_object_new_object();

		json_add_string(root, "gpu", s.gpu);
		json_add_string(root, "directory", s.abs);
		json_object_object_add(root, "blocked", json_object_new_boolean(s.blocked));
		json_add_string(root, "report", text);
		json_print(root);
	} else {
		printf("optivfio setup wrote %s\n\n%s", s.abs, text);
	}
	free(text);
	ov_host_free(s.host);
	return s.blocked ? OV_EXIT_BLOCKED : OV_EXIT_OK;

fail:
	free(text);
	if (s.host)
		ov_host_free(s.host);
	/* DIR did not exist before: taking it away again leaves the disk as it was. */
	nftw(s.abs[0] ? s.abs : o.out, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return r ? r : OV_EXIT_FAILURE;
}
