// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optivfio vm libvirt|qemu|proxmox: build the VM configuration from the
 * options, the host model and the SSDT manifest, and hand it to the vm
 * module (liboptivfio/vm/vm.h) to write.
 */
#include "cli.h"
#include "commands.h"
#include "cmd-vm.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "host/host.h"
#include "vm/vm.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

enum {
	OPT_GPU = 0x100, OPT_SSDT_DIR, OPT_ROM_BAR, OPT_BATTERY, OPT_LIBVIRT_VERSION,
	OPT_SUB_VENDOR, OPT_SUB_DEVICE, OPT_DOMAIN_XML, OPT_REMOVE, OPT_VMID,
	OPT_HIDE, OPT_NAME, OPT_MEMORY, OPT_CPUS, OPT_OVMF_CODE, OPT_OVMF_VARS, OPT_DISK,
	OPT_CDROM,
};

/* What the configuration points into; freed by vm_build_free(). */
struct vm_build {
	struct ov_vm_config cfg;
	struct ov_vm_ssdt_manifest manifest;
	struct ov_vm_qemu_machine qemu;
	char rom_bar[PATH_MAX], ovmf_code[PATH_MAX], ovmf_vars[PATH_MAX];
	char disk[PATH_MAX], cdrom[PATH_MAX];
	bool vars_missing;	/* say how to make the VM's own copy */
	bool have_manifest;
	bool version_assumed;	/* say so once the output is written */
	char sibling[OV_BDF_STRLEN]; /* the GPU's HDMI audio on the host, "" if none */
};

static void vm_build_free(struct vm_build *b)
{
	if (b->have_manifest)
		ov_vm_ssdt_manifest_free(&b->manifest);
}

static bool parse_id16(const char *s, uint16_t *ret)
{
	unsigned long v;
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoul(s, &end, 16);
	if (*end || errno || v > 0xffff)
		return false;
	*ret = (uint16_t)v;
	return true;
}

/* The command's own streams: errors as they are, talk on stderr. */
static const struct ov_cli_vm_report own_streams = { .failed = "" };

static FILE *talk(const struct ov_cli_vm_report *rep)
{
	return rep->log ? rep->log : stderr;
}

static void warn(struct ov_cli *cli, const struct ov_cli_vm_report *rep, const char *msg)
{
	if (cli->verbosity >= 0)
		fprintf(talk(rep), "optivfio: warning: %s\n", msg);
}

static void hint(struct ov_cli *cli, const struct ov_cli_vm_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void hint(struct ov_cli *cli, const struct ov_cli_vm_report *rep, const char *fmt, ...)
{
	va_list ap;

	if (cli->verbosity < 0)
		return;
	fputs("  hint: ", talk(rep));
	va_start(ap, fmt);
	vfprintf(talk(rep), fmt, ap);
	va_end(ap);
	fputc('\n', talk(rep));
}

/* The one error line, after the caller's prefix ("setup: step 'vm' failed: "). */
static int fail(const struct ov_cli_vm_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(const struct ov_cli_vm_report *rep, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ov_cli_error("%s%s", rep->failed, msg);
}

static int fail_ctx(struct ov_cli *cli, const struct ov_cli_vm_report *rep, const char *what)
{
	const char *msg = *ov_ctx_error(cli->ctx) ? ov_ctx_error(cli->ctx) : "unknown error";

	return what ? fail(rep, "%s: %s", what, msg) : fail(rep, "%s", msg);
}

/* The running libvirt's version: `virsh --version`, when virsh exists. */
static bool probe_libvirt_version(unsigned *ret)
{
	char line[64] = "";
	FILE *p = popen("virsh --version 2>/dev/null", "r");

	if (!p)
		return false;
	if (!fgets(line, sizeof(line), p))
		line[0] = 0;
	pclose(p);
	line[strcspn(line, "\n")] = 0;
	return ov_vm_parse_libvirt_version(line, ret);
}

/* GPU BDF and subsystem ids: options first, then the host model. */
static int host_gpu(struct ov_cli *cli, const struct ov_cli_vm_opts *o, struct ov_vm_config *cfg,
		    char sibling[OV_BDF_STRLEN], const struct ov_cli_vm_report *rep)
{
	const struct ov_pci_dev *sib[8];
	struct ov_bdf want;
	bool have_want = false;
	struct ov_host *host = NULL;
	const struct ov_pci_dev *dev;
	char bdf[OV_BDF_STRLEN];
	int r;

	if (o->gpu) {
		if (ov_cli_parse_bdf("vm ", "--gpu", o->gpu, &want))
			return OV_EXIT_USAGE;
		have_want = true;
	}
	if ((o->sub_vendor != NULL) != (o->sub_device != NULL))
		return ov_cli_usage_error("vm ",
					  "--sub-vendor and --sub-device go together");
	if (o->sub_vendor) {
		if (!parse_id16(o->sub_vendor, &cfg->sub_vendor) ||
		    !parse_id16(o->sub_device, &cfg->sub_device))
			return ov_cli_usage_error("vm ",
						  "--sub-vendor/--sub-device: a 16-bit "
						  "hex id, like 0x1025");
		cfg->have_sub_ids = true;
		if (have_want) {
			cfg->host_gpu = want;
			return 0;
		}
	}
	r = ov_host_scan(cli->ctx, &host);
	if (r == 0)
		r = ov_host_pick_dgpu(cli->ctx, host, have_want ? &want : NULL, &dev);
	if (r < 0) {
		ov_host_free(host);
		fail_ctx(cli, rep, "finding the GPU");
		hint(cli, rep, "give it as --gpu BDF --sub-vendor ID --sub-device ID");
		return OV_EXIT_FAILURE;
	}
	cfg->host_gpu = dev->bdf;
	ov_bdf_format(&dev->bdf, bdf);
	if (ov_host_siblings(host, dev, sib, 8) > 0)
		ov_bdf_format(&sib[0]->bdf, sibling);
	if (!cfg->have_sub_ids) {
		/* 0000 and ffff are what an unreadable config space gives. */
		if (!dev->ids_known || dev->subsys_vendor == 0 ||
		    dev->subsys_vendor == 0xffff) {
			ov_host_free(host);
			fail(rep, "%s: cannot read its subsystem ids", bdf);
			hint(cli, rep, "give them as --sub-vendor ID --sub-device ID "
				    "(lspci -nn -s %s -vv shows them)", bdf);
			return OV_EXIT_FAILURE;
		}
		cfg->sub_vendor = dev->subsys_vendor;
		cfg->sub_device = dev->subsys_device;
		cfg->have_sub_ids = true;
	}
	ov_host_free(host);
	return 0;
}

static int build_config(struct ov_cli *cli, const struct ov_cli_vm_opts *o, struct vm_build *b,
			bool want_version, enum ov_vm_layout layout, const struct ov_cli_vm_report *rep)
{
	struct ov_vm_config *cfg = &b->cfg;
	int r;

	memset(b, 0, sizeof(*b));
	if (o->hide && ov_vm_hide_parse(o->hide, &cfg->hide_hypervisor) < 0)
		return ov_cli_usage_error("vm ", "--hide-hypervisor: auto, on or off, got %s",
					  o->hide);
	cfg->vmid = o->vmid;
	if (o->libvirt_version) {
		if (!ov_vm_parse_libvirt_version(o->libvirt_version,
						 &cfg->libvirt_version))
			return ov_cli_usage_error("vm ",
						  "--libvirt-version: want X.Y.Z, got %s",
						  o->libvirt_version);
	} else if (want_version) {
		/* A --root host is not this machine: don't ask its virsh. */
		if (cli->root || !probe_libvirt_version(&cfg->libvirt_version)) {
			cfg->libvirt_version = OV_LIBVIRT_VERSION_DEFAULT;
			b->version_assumed = true;
		}
	}
	r = host_gpu(cli, o, cfg, b->sibling, rep);
	if (r)
		return r;
	if (o->rom_bar) {
		/* libvirt and QEMU want an absolute path (facts §4.5). */
		if (!realpath(o->rom_bar, b->rom_bar))
			return fail(rep, "--rom-bar %s: %s", o->rom_bar,
					    strerror(errno));
		cfg->rom_bar_file = b->rom_bar;
	}
	cfg->battery = o->battery;
	if (o->ssdt_dir) {
		if (ov_vm_ssdt_manifest_load(cli->ctx, o->ssdt_dir, &b->manifest) < 0)
			return fail_ctx(cli, rep, "--ssdt-dir");
		b->have_manifest = true;
		if (ov_vm_check_layout(cli->ctx, &b->manifest, layout) < 0)
			return fail_ctx(cli, rep, o->ssdt_dir);
		cfg->acpi_tables = (const char *const *)b->manifest.tables;
		cfg->n_tables = b->manifest.n_tables;
		cfg->fwcfg_name = b->manifest.fw_cfg_name;
		cfg->fwcfg_file = b->manifest.rom;
		if (b->manifest.battery != OV_VM_BATTERY_NONE)
			cfg->battery = true;
	}
	return 0;
}

static void print_notes(struct ov_cli *cli, struct ov_vm_notes *notes, const struct ov_cli_vm_report *rep)
{
	for (size_t i = 0; i < notes->n; i++)
		warn(cli, rep, notes->lines[i]);
}

static void add_version(json_object *j, const struct vm_build *b)
{
	unsigned v = b->cfg.libvirt_version;
	char buf[32];

	snprintf(buf, sizeof(buf), "%u.%u.%u", v / 1000000, v / 1000 % 1000, v % 1000);
	json_object_object_add(j, "libvirt_version", json_object_new_string(buf));
	json_object_object_add(j, "libvirt_version_assumed",
			       json_object_new_boolean(b->version_assumed));
}

int ov_cli_vm_libvirt(struct ov_cli *cli, const struct ov_cli_vm_opts *o, const struct ov_cli_vm_report *rep)
{
	struct ov_vm_notes notes = { NULL, 0 };
	struct vm_build b;
	uint8_t *in = NULL;
	char *out = NULL;
	size_t len, out_len;
	bool was_patched = true;
	int r, rc = OV_EXIT_FAILURE;

	if (!o->domain_xml || !o->output)
		return ov_cli_usage_error("vm libvirt ",
					  "--domain-xml FILE and -o OUT are required");
	if (ov_same_file(o->domain_xml, o->output))
		return ov_cli_usage_error("vm libvirt ", "-o must not be the input file "
					  "(the input is never changed)");
	memset(&b, 0, sizeof(b));
	if (!o->remove) {
		r = build_config(cli, o, &b, true, OV_VM_LAYOUT_MIRROR, rep);
		if (r) {
			vm_build_free(&b);
			return r;
		}
	}
	if (ov_read_file(cli->ctx, o->domain_xml, &in, &len) < 0) {
		rc = fail_ctx(cli, rep, "--domain-xml");
		goto out;
	}
	if (o->remove)
		r = ov_vm_libvirt_remove(cli->ctx, (const char *)in, len, &out, &out_len,
					 &was_patched);
	else
		r = ov_vm_libvirt_patch(cli->ctx, (const char *)in, len, &b.cfg, &notes,
					&out, &out_len);
	if (r < 0) {
		rc = fail_ctx(cli, rep, o->domain_xml);
		goto out;
	}
	if (ov_write_file_atomic(cli->ctx, o->output, out, out_len, 0644) < 0) {
		rc = fail_ctx(cli, rep, "-o");
		goto out;
	}
	print_notes(cli, &notes, rep);
	if (b.version_assumed)
		warn(cli, rep, "libvirt version unknown, assumed 9.0.0 (Debian 12); "
		     "set it with --libvirt-version");
	if (!was_patched)
		warn(cli, rep, "the domain carries no optivfio patch: written unchanged");
	if (*b.sibling)
		/* seed "Not passing through the HDMI Audio"; VFIO needs the whole
		 * IOMMU group away from host drivers. */
		hint(
			cli, rep,
			"keep %s (the GPU's other function) away from vfio-pci and "
			"its host driver: driver_override 'none' (optivfio host prepare)",
			b.sibling);
	if (cli->json) {
		json_object *j = json_object_new_object(), *arr = json_object_new_array();

		json_object_object_add(j, "output", json_object_new_string(o->output));
		json_object_object_add(j, "removed", json_object_new_boolean(o->remove));
		if (o->remove)
			json_object_object_add(j, "was_patched",
					       json_object_new_boolean(was_patched));
		else
			add_version(j, &b);
		for (size_t i = 0; i < notes.n; i++)
			json_object_array_add(arr,
					      json_object_new_string(notes.lines[i]));
		json_object_object_add(j, "notes", arr);
		puts(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
	}
	rc = OV_EXIT_OK;
out:
	ov_vm_notes_clear(&notes);
	free(in);
	free(out);
	vm_build_free(&b);
	return rc;
}

/* Lines as JSON {"KEY": [...]} or one per line (QEMU: pairs with "\"). */
static void print_strv(struct ov_cli *cli, FILE *out, const char *key, char **v, size_t n,
		       bool qemu)
{
	if (cli->json) {
		json_object *j = json_object_new_object(), *arr = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, json_object_new_string(v[i]));
		json_object_object_add(j, key, arr);
		fprintf(out, "%s\n", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PRETTY |
						   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(j);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!qemu) {
			fprintf(out, "%s\n", v[i]);
			continue;
		}
		/* An option and its value per line, ready for a shell script. */
		char *q = ov_vm_shell_quote(v[i]);

		fputs(q ? q : "''", out);
		free(q);
		if (v[i][0] == '-' && i + 1 < n && v[i + 1][0] != '-') {
			fputc(' ', out);
			continue;
		}
		fputs(i + 1 < n ? " \\\n" : "\n", out);
	}
}

/* @path made absolute against the working directory (QEMU may run elsewhere). */
static int absolute(const char *what, const char *path, char buf[PATH_MAX], const struct ov_cli_vm_report *rep)
{
	char cwd[PATH_MAX];

	if (path[0] == '/') {
		if (strlen(path) >= PATH_MAX)
			return fail(rep, "%s %s: path too long", what, path);
		strcpy(buf, path);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return fail(rep, "%s: the working directory: %s", what, strerror(errno));
	if ((size_t)snprintf(buf, PATH_MAX, "%s/%s", cwd, path) >= PATH_MAX)
		return fail(rep, "%s %s: path too long", what, path);
	return 0;
}

static bool parse_count(const char *s, unsigned lo, unsigned hi, unsigned *ret)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v < lo || v > hi)
		return false;
	*ret = (unsigned)v;
	return true;
}

/* An input file of the VM: it must be there, and is given to QEMU absolute. */
static int vm_input(const char *what, const char *path, char buf[PATH_MAX], const struct ov_cli_vm_report *rep)
{
	if (!realpath(path, buf))
		return fail(rep, "%s %s: %s", what, path, strerror(errno));
	return 0;
}

/* How `vm qemu` starts the VM: firmware, memory, CPUs, disks. */
static int qemu_machine(struct ov_cli *cli, const struct ov_cli_vm_opts *o, struct vm_build *b,
			const struct ov_cli_vm_report *rep)
{
	struct ov_vm_qemu_machine *m = &b->qemu;
	char name_vars[PATH_MAX];
	struct stat st;
	int r;

	m->name = o->name ? o->name : "optivfio";
	if (o->memory && !parse_count(o->memory, 256, 16u << 20, &m->memory_mib))
		return ov_cli_usage_error("vm qemu ", "--memory: MiB from 256, got %s", o->memory);
	if (o->cpus && !parse_count(o->cpus, 1, 255, &m->cpus))
		return ov_cli_usage_error("vm qemu ", "--cpus: 1 to 255, got %s", o->cpus);
	if (o->ovmf_code) {
		r = vm_input("--ovmf-code", o->ovmf_code, b->ovmf_code, rep);
		if (r)
			return r;
	} else if (ov_vm_ovmf_find(cli->ctx, b->ovmf_code, sizeof(b->ovmf_code)) < 0) {
		fail_ctx(cli, rep, "vm qemu");
		hint(cli, rep, "install it (Debian/Ubuntu: apt install ovmf) or give "
			    "--ovmf-code FILE");
		return OV_EXIT_FAILURE;
	}
	m->ovmf_code = b->ovmf_code;
	snprintf(name_vars, sizeof(name_vars), "%s_VARS.fd", m->name);
	r = absolute("--ovmf-vars", o->ovmf_vars ? o->ovmf_vars : name_vars, b->ovmf_vars, rep);
	if (r)
		return r;
	m->ovmf_vars = b->ovmf_vars;
	b->vars_missing = stat(b->ovmf_vars, &st) != 0;
	if (o->disk && (r = vm_input("--disk", o->disk, b->disk, rep)))
		return r;
	if (o->cdrom && (r = vm_input("--cdrom", o->cdrom, b->cdrom, rep)))
		return r;
	m->disk = o->disk ? b->disk : NULL;
	m->cdrom = o->cdrom ? b->cdrom : NULL;
	b->cfg.qemu = m;
	return 0;
}

int ov_cli_vm_lines(struct ov_cli *cli, const struct ov_cli_vm_opts *o, bool proxmox,
		    const struct ov_cli_vm_report *rep)
{
	struct vm_build b;
	char **v = NULL;
	size_t n = 0;
	int r;

	if (proxmox) {
		char *end;

		if (!o->vmid)
			return ov_cli_usage_error("vm proxmox ", "--vmid N is required");
		errno = 0;
		unsigned long id = strtoul(o->vmid, &end, 10);

		/* Proxmox VMIDs: 100 .. 999999999. */
		if (*o->vmid < '1' || *o->vmid > '9' || *end || errno || id < 100 ||
		    id > 999999999)
			return ov_cli_usage_error("vm proxmox ",
						  "--vmid: a number from 100 to "
						  "999999999, got %s",
						  o->vmid);
	}
	r = build_config(cli, o, &b, false,
			 proxmox ? OV_VM_LAYOUT_PROXMOX : OV_VM_LAYOUT_MIRROR, rep);
	if (r == 0 && !proxmox)
		r = qemu_machine(cli, o, &b, rep);
	if (r) {
		vm_build_free(&b);
		return r;
	}
	r = proxmox ? ov_vm_proxmox_lines(cli->ctx, &b.cfg, &v, &n)
		    : ov_vm_qemu_args(cli->ctx, &b.cfg, &v, &n);
	if (r < 0) {
		vm_build_free(&b);
		return fail_ctx(cli, rep, proxmox ? "vm proxmox" : "vm qemu");
	}
	print_strv(cli, rep->out ? rep->out : stdout, proxmox ? "lines" : "args", v, n, !proxmox);
	if (!cli->json && proxmox)
		hint(cli, rep, "add these to /etc/pve/qemu-server/%s.conf and give the VM an "
			    "EFI disk (efidisk0)%s", o->vmid,
			    b.cfg.rom_bar_file ? "; copy the ROM to /usr/share/kvm/" : "");
	if (!proxmox && b.vars_missing) {
		char tmpl[PATH_MAX];

		if (ov_vm_ovmf_vars_template(cli->ctx, b.ovmf_code, tmpl, sizeof(tmpl)) < 0)
			hint(cli, rep, "first give the VM its own UEFI variable store at %s "
				    "(%s)", b.ovmf_vars, ov_ctx_error(cli->ctx));
		else
			hint(cli, rep, "first give the VM its own UEFI variable store: cp %s %s",
				    tmpl, b.ovmf_vars);
	}
	ov_vm_strv_free(v);
	vm_build_free(&b);
	return OV_EXIT_OK;
}

static const char vm_about[] =
	"Put the dGPU into a q35 VM the NVIDIA driver accepts: a VFIO device at\n"
	"guest 01:00.0 behind a pcie-root-port at 00:01.0 with hotplug off (Proxmox:\n"
	"behind its own port at 00:1c.0), the host's subsystem ids, the tables of\n"
	"`optivfio ssdt`, ACPI on and the hypervisor hidden from the driver.\n";

static const char vm_libvirt_help[] =
	"`vm libvirt` patches a domain XML (idempotent; --remove takes the patch out\n"
	"again; the GPU is managed='no': `optivfio hook install` hands it over).\n"
	"  --domain-xml FILE       the domain to patch (never changed itself)\n"
	"  -o, --output OUT        where the patched domain goes\n"
	"  --remove                take optivfio's patch out of the domain\n"
	"  --libvirt-version X.Y.Z target libvirt (default: `virsh --version`, else 9.0.0)\n";

static const char vm_qemu_help[] =
	"`vm qemu` prints a QEMU command that starts the VM.\n"
	"  --name NAME             the VM's name (default optivfio)\n"
	"  --memory MIB, --cpus N  memory and vCPUs (default 8192, 4)\n"
	"  --ovmf-code FILE        UEFI firmware (default: the installed OVMF)\n"
	"  --ovmf-vars FILE        this VM's copy of the UEFI variables\n"
	"                          (default NAME_VARS.fd)\n"
	"  --disk FILE, --cdrom FILE  the system disk, an installer image\n";

static const char vm_proxmox_help[] =
	"`vm proxmox` prints the lines for /etc/pve/qemu-server/N.conf.\n"
	"  --vmid N                the VM id\n";

static const char vm_common_help[] =
	"Options of all three:\n"
	"  --gpu BDF               the host GPU (default: the dGPU of the host)\n"
	"  --sub-vendor ID         subsystem vendor id (default: the host's)\n"
	"  --sub-device ID         subsystem device id (default: the host's)\n"
	"  --ssdt-dir DIR          tables and ROM from `optivfio ssdt -o DIR`; their\n"
	"                          _ROM must sit where this VM has the GPU\n"
	"  --rom-bar FILE          show FILE in the GPU's ROM BAR (MXM-ROM alternative)\n"
	"  --battery               pointer as a USB tablet (fake battery in the SSDT)\n"
	"  --hide-hypervisor auto|on|off\n"
	"                          on: kvm=off and a Hyper-V vendor id of the VM's own,\n"
	"                          which NVIDIA's Windows drivers before 465 need (else\n"
	"                          Code 43); it costs KVM's paravirtual clock and EOI.\n"
	"                          auto (default): on, except for a libvirt domain\n"
	"                          whose libosinfo id is not Windows\n"
	"  -h, --help              this help\n";

/* `vm --help`: all three; `vm SUB --help`: that one's usage and options. */
static void usage(const char *sub)
{
	static const struct { const char *name, *synopsis, *help; } subs[] = {
		{ "libvirt", "--domain-xml FILE -o OUT [OPTIONS] [--remove]", vm_libvirt_help },
		{ "qemu", "[OPTIONS]", vm_qemu_help },
		{ "proxmox", "--vmid N [OPTIONS]", vm_proxmox_help },
	};
	bool all = true;

	for (size_t i = 0; i < 3; i++)
		all = all && !(sub && !strcmp(sub, subs[i].name));
	for (size_t i = 0, n = 0; i < 3; i++)
		if (all || !strcmp(sub, subs[i].name))
			printf("%s optivfio vm %s %s\n", n++ ? "      " : "Usage:", subs[i].name,
			       subs[i].synopsis);
	printf("\n%s\n", vm_about);
	for (size_t i = 0; i < 3; i++)
		if (all || !strcmp(sub, subs[i].name))
			printf("%s\n", subs[i].help);
	fputs(vm_common_help, stdout);
}

int cmd_vm(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gpu", required_argument, NULL, OPT_GPU },
		{ "ssdt-dir", required_argument, NULL, OPT_SSDT_DIR },
		{ "rom-bar", required_argument, NULL, OPT_ROM_BAR },
		{ "battery", no_argument, NULL, OPT_BATTERY },
		{ "libvirt-version", required_argument, NULL, OPT_LIBVIRT_VERSION },
		{ "sub-vendor", required_argument, NULL, OPT_SUB_VENDOR },
		{ "sub-device", required_argument, NULL, OPT_SUB_DEVICE },
		{ "domain-xml", required_argument, NULL, OPT_DOMAIN_XML },
		{ "output", required_argument, NULL, 'o' },
		{ "remove", no_argument, NULL, OPT_REMOVE },
		{ "vmid", required_argument, NULL, OPT_VMID },
		{ "hide-hypervisor", required_argument, NULL, OPT_HIDE },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "ovmf-code", required_argument, NULL, OPT_OVMF_CODE },
		{ "ovmf-vars", required_argument, NULL, OPT_OVMF_VARS },
		{ "disk", required_argument, NULL, OPT_DISK },
		{ "cdrom", required_argument, NULL, OPT_CDROM },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ov_cli_vm_opts o = { 0 };
	const char *sub;
	int c;

	if (ov_cli_wants_help(argc, argv)) {
		usage(argc > 1 ? argv[1] : NULL);
		return OV_EXIT_OK;
	}
	if (argc < 2)
		return ov_cli_usage_error("vm ", "which one: libvirt, qemu or proxmox?");
	sub = argv[1];
	argc--;
	argv++;
	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_GPU: o.gpu = optarg; break;
		case OPT_SSDT_DIR: o.ssdt_dir = optarg; break;
		case OPT_ROM_BAR: o.rom_bar = optarg; break;
		case OPT_BATTERY: o.battery = true; break;
		case OPT_LIBVIRT_VERSION: o.libvirt_version = optarg; break;
		case OPT_SUB_VENDOR: o.sub_vendor = optarg; break;
		case OPT_SUB_DEVICE: o.sub_device = optarg; break;
		case OPT_DOMAIN_XML: o.domain_xml = optarg; break;
		case 'o': o.output = optarg; break;
		case OPT_REMOVE: o.remove = true; break;
		case OPT_VMID: o.vmid = optarg; break;
		case OPT_HIDE: o.hide = optarg; break;
		case OPT_NAME: o.name = optarg; break;
		case OPT_MEMORY: o.memory = optarg; break;
		case OPT_CPUS: o.cpus = optarg; break;
		case OPT_OVMF_CODE: o.ovmf_code = optarg; break;
		case OPT_OVMF_VARS: o.ovmf_vars = optarg; break;
		case OPT_DISK: o.disk = optarg; break;
		case OPT_CDROM: o.cdrom = optarg; break;
		default: return ov_cli_option_error("vm ", c, argv, opts);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("vm ", "unexpected argument: %s", argv[optind]);
	if (strcmp(sub, "libvirt") == 0) {
		if (o.name || o.memory || o.cpus || o.ovmf_code || o.ovmf_vars || o.disk ||
		    o.cdrom || o.vmid)
			return ov_cli_usage_error("vm ", "--vmid is for `vm proxmox`; --name, "
						  "--memory, --cpus, --ovmf-*, --disk and "
						  "--cdrom for `vm qemu`");
		return ov_cli_vm_libvirt(cli, &o, &own_streams);
	}
	if (o.domain_xml || o.output || o.remove || o.libvirt_version)
		return ov_cli_usage_error("vm ", "--domain-xml, -o, --remove and --libvirt-version "
					  "are for `vm libvirt`");
	if (strcmp(sub, "qemu") == 0) {
		if (o.vmid)
			return ov_cli_usage_error("vm ", "--vmid is for `vm proxmox`");
		return ov_cli_vm_lines(cli, &o, false, &own_streams);
	}
	if (o.name || o.memory || o.cpus || o.ovmf_code || o.ovmf_vars || o.disk || o.cdrom)
		return ov_cli_usage_error("vm ", "--name, --memory, --cpus, --ovmf-code, "
					  "--ovmf-vars, --disk and --cdrom are for `vm qemu`");
	if (strcmp(sub, "proxmox") == 0)
		return ov_cli_vm_lines(cli, &o, true, &own_streams);
	return ov_cli_usage_error("vm ", "unknown vm command: %s", sub);
}
