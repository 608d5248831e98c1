// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor's checks, one per item of the seed's list (seed-notes.md
 * "Workarounds", "Tips and tricks") plus what peers.md §2 says users trip
 * over (IOMMU off, group not viable, vfio missing).
 */
#include "plan/doctor.h"
#include "plan/exec.h"
#include "plan/ops.h"
#include "plan/plan.h"
#include "rom/acpi-call.h"
#include "rom/rom.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"
#include "host/groups.h"
#include "host/host.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int add(struct ov_ctx *ctx, struct ov_doctor *d, const char *id,
	       enum ov_check_status st, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static int add(struct ov_ctx *ctx, struct ov_doctor *d, const char *id,
	       enum ov_check_status st, const char *fix, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ov_checks_vadd(ctx, &d->checks, &d->n_checks, id, st, fix, fmt, ap);
	va_end(ap);
	return r;
}

static bool cmdline_has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = cmdline; (p = strstr(p, word)); p += n)
		if ((p == cmdline || p[-1] == ' ') &&
		    (p[n] == ' ' || p[n] == '\0' || p[n] == '\n'))
			return true;
	return false;
}

static int check_iommu(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_host *host)
{
	char path[PATH_MAX], cmdline[4096] = "";
	const char *param = NULL;
	int *ids = NULL;
	size_t n_ids = 0;
	int r;

	if (ov_host_path(ctx, path, sizeof(path), "/proc/cmdline") == 0)
		ov_read_attr(ctx, path, cmdline, sizeof(cmdline));
	if (cmdline_has(cmdline, "intel_iommu=on"))
		param = "intel_iommu=on";
	else if (cmdline_has(cmdline, "amd_iommu=on"))
		param = "amd_iommu=on";
	r = ov_host_group_ids(ctx, host, &ids, &n_ids);
	free(ids);
	if (r < 0)
		return r;
	if (n_ids)
		return add(ctx, d, "iommu", OV_CHECK_PASS, NULL, "IOMMU on: %zu groups%s%s",
			   n_ids, param ? "; kernel command line has " : "", param ? param : "");
	if (param)
		return add(ctx, d, "iommu", OV_CHECK_FAIL,
			   "enable VT-d (Intel) or AMD-Vi/IOMMU in the firmware setup",
			   "kernel command line has %s but there are no IOMMU groups", param);
	return add(ctx, d, "iommu", OV_CHECK_FAIL,
		   "add intel_iommu=on (Intel) or amd_iommu=on (AMD) to the kernel command line "
		   "and enable VT-d/AMD-Vi in the firmware setup",
		   "IOMMU off: no IOMMU groups and nothing on the kernel command line");
}

static int check_group(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_host *host,
		       const struct ov_pci_dev *gpu)
{
	struct ov_gpu_group *g;
	char b[OV_BDF_STRLEN], others[256] = "";
	size_t n = 0;
	int r;

	r = ov_host_gpu_group(ctx, host, gpu, &g);
	if (r < 0)
		return r;
	if (g->group < 0) {
		r = add(ctx, d, "group", OV_CHECK_FAIL, "turn the IOMMU on (see iommu)",
			"the GPU has no IOMMU group");
		goto out;
	}
	for (size_t i = 0; i < g->n_members; i++) {
		if (g->members[i].role != OV_ROLE_OTHER)
			continue;
		n += (size_t)snprintf(others + n, n < sizeof(others) ? sizeof(others) - n : 0,
				      "%s%s", n ? ", " : "",
				      ov_bdf_format(&g->members[i].dev->bdf, b));
		if (n >= sizeof(others))
			break;
	}
	if (g->viable)
		r = add(ctx, d, "group", OV_CHECK_PASS, NULL, "IOMMU group %d holds only the GPU, "
			"its functions and bridges (%zu members): it can go to a VM whole",
			g->group, g->n_members);
	else
		r = add(ctx, d, "group", OV_CHECK_FAIL,
			"put the GPU in another slot, or give those devices to the VM too; "
			"the ACS override patch splits groups at the price of isolation",
			"IOMMU group %d also holds %s, not part of the GPU", g->group, others);
out:
	ov_gpu_group_free(g);
	return r;
}

static int check_vfio(struct ov_ctx *ctx, struct ov_doctor *d)
{
	bool builtin = false;
	int r;

	if (ov_module_loaded(ctx, "vfio_pci"))
		return add(ctx, d, "vfio", OV_CHECK_PASS, NULL, "vfio_pci is loaded");
	r = ov_module_available(ctx, "vfio_pci", &builtin);
	if (r == 0)
		return add(ctx, d, "vfio", OV_CHECK_PASS, NULL, "vfio_pci is %s "
			   "(host prepare loads it)", builtin ? "built in" : "available");
	if (r != -ENOENT)
		return add(ctx, d, "vfio", OV_CHECK_WARN, "check with 'modinfo vfio_pci'",
			   "cannot tell whether vfio_pci is available: %s", ov_ctx_error(ctx));
	return add(ctx, d, "vfio", OV_CHECK_FAIL,
		   "install a kernel built with CONFIG_VFIO_PCI (every distribution kernel is)",
		   "vfio_pci is neither loaded nor available: %s", ov_ctx_error(ctx));
}

static int check_driver(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_host *host,
			const struct ov_pci_dev *gpu, const struct ov_plan_env *env)
{
	if (ov_plan_check_safe(ctx, host, gpu, env, true) < 0)
		return add(ctx, d, "gpu-driver", OV_CHECK_FAIL,
			   "see the reason; nothing can take the GPU while the host uses it",
			   "%s", ov_ctx_error(ctx));
	if (strcmp(gpu->driver, "vfio-pci") == 0)
		return add(ctx, d, "gpu-driver", OV_CHECK_PASS, NULL, "bound to vfio-pci");
	if (!*gpu->driver)
		return add(ctx, d, "gpu-driver", OV_CHECK_PASS, NULL,
			   "no driver bound: host prepare binds it to vfio-pci");
	return add(ctx, d, "gpu-driver", OV_CHECK_WARN,
		   "close what uses the GPU, then 'optivfio host prepare' (or libvirt "
		   "managed='yes') unbinds it",
		   "bound to %s: it must be unbound before the VM starts", gpu->driver);
}

static int check_audio(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_host *host,
		       const struct ov_pci_dev *gpu)
{
	const struct ov_pci_dev *sib[8], *audio = NULL;
	size_t n = ov_host_siblings(host, gpu, sib, 8);
	char b[OV_BDF_STRLEN];

	for (size_t i = 0; i < n && i < 8; i++)
		if (ov_pci_class(sib[i]) == OV_CLASS_AUDIO_HDA)
			audio = sib[i];
	if (!audio)
		return add(ctx, d, "hdmi-audio", OV_CHECK_PASS, NULL,
			   "no HDMI audio function visible (on some laptops it appears only "
			   "after the GPU is powered)");
	ov_bdf_format(&audio->bdf, b);
	if (!*audio->driver && strcmp(audio->driver_override, "none") == 0)
		return add(ctx, d, "hdmi-audio", OV_CHECK_PASS, NULL,
			   "%s: driver_override=none and unbound, kept away from every driver", b);
	if (strcmp(audio->driver, "vfio-pci") == 0)
		return add(ctx, d, "hdmi-audio", OV_CHECK_WARN,
			   "optivfio host release, then host prepare (driver_override=none)",
			   "%s is bound to vfio-pci: passing the audio function "
			   "through vfio-pci is known to cause Code 43", b);
	return add(ctx, d, "hdmi-audio", OV_CHECK_WARN,
		   "host prepare sets its driver_override to none and unbinds it; "
		   "do not pass it to the VM",
		   "%s is %s%s: no driver should hold it (passing it can cause "
		   "Code 43)", b, *audio->driver ? "bound to " : "without driver_override=none",
		   audio->driver);
}

/*
 * Ask the firmware: _ROM(0, 42) must answer with a ROM header (55 AA).
 * Only on this machine's /proc: a --root tree can not run ACPI methods.
 */
static int check_rom_acpi(struct ov_ctx *ctx, struct ov_doctor *d, const char *path)
{
	char cmd[320], reply[512];
	struct ov_acpi_reply rep;
	uint8_t head[42];

	if (ov_acpi_call_check(ctx) < 0)
		return add(ctx, d, "rom-acpi", OV_CHECK_PASS, NULL,
			   "acpi_call is loaded and the GPU has an ACPI node (%s); _ROM not "
			   "evaluated here (%s)", path, ov_ctx_error(ctx));
	if (ov_acpi_rom_command(cmd, sizeof(cmd), path, 0, sizeof(head)) < 0 ||
	    ov_acpi_call_proc_ops.call(ctx, cmd, reply, sizeof(reply)) < 0 ||
	    ov_acpi_reply_parse(reply, head, sizeof(head), &rep) < 0)
		return add(ctx, d, "rom-acpi", OV_CHECK_WARN, NULL, "%s._ROM: %s", path,
			   ov_ctx_error(ctx));
	if (rep.kind == OV_ACPI_REPLY_BUFFER && rep.n_bytes >= 2 &&
	    head[0] == 0x55 && head[1] == 0xAA)
		return add(ctx, d, "rom-acpi", OV_CHECK_PASS, NULL,
			   "%s._ROM answers with a ROM header: 'optivfio rom dump --from acpi' "
			   "can read it", path);
	if (rep.kind == OV_ACPI_REPLY_ERROR && strcmp(rep.error, "AE_NOT_FOUND") == 0)
		return add(ctx, d, "rom-acpi", OV_CHECK_WARN, "use the ROM BAR or a ROM file",
			   "%s has no _ROM: this firmware does not serve the VBIOS through ACPI",
			   path);
	return add(ctx, d, "rom-acpi", OV_CHECK_WARN, "use the ROM BAR or a ROM file",
		   "%s._ROM(0, 42) does not answer with a ROM header (%.60s)", path, reply);
}

static int check_rom(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_pci_dev *gpu,
		     const struct ov_plan_env *env, const char *rom_file)
{
	int r;

	if (gpu->rom_size)
		r = add(ctx, d, "rom-bar", OV_CHECK_PASS, NULL,
			"ROM BAR of %" PRIu64 " KiB (on Optimus laptops it is often empty: "
			"the ROM then lives in ACPI _ROM)", gpu->rom_size >> 10);
	else
		r = add(ctx, d, "rom-bar", OV_CHECK_WARN, "use ACPI _ROM or a ROM file",
			"no ROM BAR");
	if (r < 0)
		return r;

	if (*gpu->acpi_path && env->has_acpi_call)
		r = check_rom_acpi(ctx, d, gpu->acpi_path);
	else if (*gpu->acpi_path)
		r = add(ctx, d, "rom-acpi", OV_CHECK_WARN,
			"modprobe acpi_call (package acpi-call-dkms), then "
			"'optivfio rom dump --from acpi'",
			"the GPU has an ACPI node (%s) but acpi_call is not loaded", gpu->acpi_path);
	else
		/* _ROM is a method of the GPU's own ACPI device (ACPI 6.5 Appendix B). */
		r = add(ctx, d, "rom-acpi", OV_CHECK_WARN, "use the ROM BAR or a ROM file",
			"the GPU has no ACPI node (firmware_node): the firmware gives it no "
			"_ROM to read");
	if (r < 0 || !rom_file)
		return r;

	/* The rom module's validator: image chain, prefix, ids against the GPU. */
	struct ov_rom_info *info;
	uint8_t *data;
	size_t len;

	if (ov_read_file(ctx, rom_file, &data, &len) < 0)
		return add(ctx, d, "rom-file", OV_CHECK_WARN, "give a readable ROM file",
			   "%s", ov_ctx_error(ctx));
	info = malloc(sizeof(*info));
	if (!info) {
		free(data);
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");
	}
	ov_rom_parse(data, len, 0, info);
	free(data);
	if (info->verdict == OV_ROM_BROKEN)
		r = add(ctx, d, "rom-file", OV_CHECK_WARN, "dump it again, or use ACPI _ROM",
			"%s: %s", rom_file, info->verdict_msg);
	else if (ov_rom_validate_ids(ctx, info, gpu->vendor, gpu->device) < 0)
		r = add(ctx, d, "rom-file", OV_CHECK_WARN, "use this GPU's own ROM",
			"%s: %s", rom_file, ov_ctx_error(ctx));
	else if (info->verdict == OV_ROM_NEEDS_STRIP)
		r = add(ctx, d, "rom-file", OV_CHECK_WARN, "'optivfio rom strip FILE -o OUT'",
			"%s: %s", rom_file, info->verdict_msg);
	else
		r = add(ctx, d, "rom-file", OV_CHECK_PASS, "'optivfio rom info FILE' shows "
			"its images", "%s: %zu image%s, %zu bytes, for %04x:%04x", rom_file,
			info->n_images, info->n_images == 1 ? "" : "s", info->rom_length,
			gpu->vendor, gpu->device);
	free(info);
	return r;
}

static int check_battery(struct ov_ctx *ctx, struct ov_doctor *d)
{
	char dir[PATH_MAX], name[64] = "";
	struct dirent *e;
	DIR *dp;

	if (ov_host_path(ctx, dir, sizeof(dir), "/sys/class/power_supply") < 0)
		return -EINVAL;
	dp = opendir(dir);
	while (dp && !*name && (e = readdir(dp))) {
		char path[PATH_MAX + 300], type[32];

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/type", dir, e->d_name);
		if (ov_read_attr(ctx, path, type, sizeof(type)) == 0 &&
		    strcmp(type, "Battery") == 0)
			snprintf(name, sizeof(name), "%s", e->d_name);
	}
	if (dp)
		closedir(dp);
	ov_ctx_clear_error(ctx);
	if (*name)
		return add(ctx, d, "battery", OV_CHECK_PASS,
			   "if the guest driver stops with Code 43, give the VM a fake battery "
			   "('optivfio ssdt --battery absent|present') and a USB tablet as mouse",
			   "the host has a battery (%s): a laptop GPU's driver may look for one",
			   name);
	return add(ctx, d, "battery", OV_CHECK_PASS, NULL,
		   "no battery on the host: the VM needs no fake battery");
}

static int check_mux(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_pci_dev *gpu)
{
	if (ov_pci_class(gpu) == OV_CLASS_DISPLAY_3D)
		return add(ctx, d, "mux", OV_CHECK_PASS,
			   "plan a display path: Looking Glass, a remote desktop or the iGPU",
			   "muxless: class 0302 (3D controller), no display outputs; the guest "
			   "renders without a screen of its own");
	return add(ctx, d, "mux", OV_CHECK_PASS, NULL,
		   "class 0300 (VGA controller): it may drive outputs (muxed)");
}

static int check_topology(struct ov_ctx *ctx, struct ov_doctor *d, const struct ov_pci_dev *gpu)
{
	char b[OV_BDF_STRLEN], p[OV_BDF_STRLEN];

	ov_bdf_format(&gpu->bdf, b);
	return add(ctx, d, "topology", OV_CHECK_PASS,
		   "'optivfio vm libvirt' writes it: a pcie-root-port at 00:01.0 with "
		   "<target hotplug='off'/>, the GPU at 01:00.0",
		   "host: %s behind %s; mirror it in the VM (the driver looks for _ROM at the "
		   "same place) and turn hotplug off (hides QEMU's _DSM)", b,
		   gpu->has_parent ? ov_bdf_format(&gpu->parent, p) : "the root bus");
}

static bool domain_name_ok(const char *s)
{
	if (!*s || *s == '.' || strlen(s) > 200)
		return false;
	for (; *s; s++)
		if (*s == '/' || *s < 0x20)
			return false;
	return true;
}

/* The seed's tip: a VM stuck at POST often has stale NVRAM; delete it. */
static int check_nvram(struct ov_ctx *ctx, struct ov_doctor *d, const char *domain)
{
	char xml[PATH_MAX], nv[PATH_MAX], fix[PATH_MAX + 80];
	struct stat sx, sn;

	if (!domain_name_ok(domain))
		return ov_ctx_fail(ctx, EINVAL, "--domain %s: not a domain name", domain);
	if (ov_host_path(ctx, xml, sizeof(xml), "/etc/libvirt/qemu/%s.xml", domain) < 0 ||
	    ov_host_path(ctx, nv, sizeof(nv), "/var/lib/libvirt/qemu/nvram/%s_VARS.fd",
			 domain) < 0)
		return -EINVAL;
	if (stat(xml, &sx) < 0)
		return add(ctx, d, "nvram", OV_CHECK_WARN, "check the name with 'virsh list --all'",
			   "domain %s: no %s", domain, xml + strlen(ov_ctx_root(ctx)));
	if (stat(nv, &sn) < 0)
		return add(ctx, d, "nvram", OV_CHECK_PASS, NULL,
			   "domain %s: no NVRAM file yet (libvirt creates it)", domain);
	snprintf(fix, sizeof(fix), "if the VM hangs at the POST screen, delete %s "
		 "(libvirt makes a fresh one)", nv + strlen(ov_ctx_root(ctx)));
	if (sn.st_mtime < sx.st_mtime)
		return add(ctx, d, "nvram", OV_CHECK_WARN, fix,
			   "domain %s: NVRAM is older than the domain XML", domain);
	return add(ctx, d, "nvram", OV_CHECK_PASS, fix,
		   "domain %s: NVRAM is newer than the domain XML", domain);
}

/* /etc/libvirt/qemu.conf says security_driver = "none": libvirt confines nothing. */
static bool libvirt_unconfined(struct ov_ctx *ctx)
{
	char path[PATH_MAX], line[512];
	bool none = false;
	FILE *f;

	if (ov_host_path(ctx, path, sizeof(path), "/etc/libvirt/qemu.conf") < 0 ||
	    !(f = fopen(path, "r")))
		return false;
	while (fgets(line, sizeof(line), f)) {
		const char *p = line + strspn(line, " \t");

		if (!strncmp(p, "security_driver", 15) && strstr(p, "\"none\""))
			none = true;
	}
	fclose(f);
	return none;
}

/*
 * The tables and the ROM reach libvirt's QEMU around libvirt (-acpitable
 * in <qemu:commandline>), so libvirt gives its QEMU no right to read them.
 * Debian/Ubuntu's AppArmor profile lets that QEMU read only firmware
 * directories such as /usr/share/kvm, /usr/share/qemu and /usr/share/OVMF
 * (libvirt-daemon-system 9.0.0: /etc/apparmor.d/abstractions/libvirt-qemu,
 * which includes local/abstractions/libvirt-qemu for site additions);
 * SELinux wants the virt_content_t label.
 */
static int check_confinement(struct ov_ctx *ctx, struct ov_doctor *d)
{
	char path[PATH_MAX], v[16] = "";

	if (libvirt_unconfined(ctx))
		return add(ctx, d, "qemu-confinement", OV_CHECK_PASS, NULL,
			   "libvirt runs QEMU unconfined (security_driver = \"none\")");
	if (ov_host_path(ctx, path, sizeof(path), "/sys/module/apparmor/parameters/enabled") == 0 &&
	    ov_read_attr(ctx, path, v, sizeof(v)) == 0 && v[0] == 'Y' &&
	    ov_host_path(ctx, path, sizeof(path), "/etc/apparmor.d/abstractions/libvirt-qemu") == 0 &&
	    ov_path_exists(path))
		return add(ctx, d, "qemu-confinement", OV_CHECK_WARN,
			   "allow the directory optivfio setup wrote: add the line '  DIR/** r,' "
			   "to /etc/apparmor.d/local/abstractions/libvirt-qemu, then "
			   "'systemctl reload apparmor'",
			   "AppArmor confines libvirt's QEMU: it may not read the tables and ROM "
			   "outside /usr/share/kvm, /usr/share/qemu and the like");
	v[0] = 0;
	if (ov_host_path(ctx, path, sizeof(path), "/sys/fs/selinux/enforce") == 0 &&
	    ov_read_attr(ctx, path, v, sizeof(v)) == 0 && v[0] == '1')
		return add(ctx, d, "qemu-confinement", OV_CHECK_WARN,
			   "label them: chcon -R -t virt_content_t DIR (the directory "
			   "optivfio setup wrote)",
			   "SELinux is enforcing: libvirt's QEMU reads only files labelled for it");
	ov_ctx_clear_error(ctx);
	return add(ctx, d, "qemu-confinement", OV_CHECK_PASS, NULL,
		   "neither AppArmor (with libvirt's profile) nor SELinux confines QEMU here");
}

int ov_doctor_run(struct ov_ctx *ctx, const struct ov_doctor_opts *opts, struct ov_doctor *ret)
{
	struct ov_doctor d = { .n_checks = 0 };
	const struct ov_pci_dev *gpu = NULL;
	struct ov_plan_env env;
	struct ov_host *host;
	int r;

	r = ov_host_scan(ctx, &host);
	if (r < 0)
		return r;
	r = ov_plan_env_read(ctx, &env);
	if (r < 0) {
		ov_host_free(host);
		return r;
	}

	r = check_iommu(ctx, &d, host);
	if (r == 0 && ov_host_pick_dgpu(ctx, host, opts->gpu, &gpu) < 0) {
		r = add(ctx, &d, "gpu", OV_CHECK_FAIL, "give the GPU with --gpu BDF "
			"(see 'optivfio list')", "%s", ov_ctx_error(ctx));
		gpu = NULL;
	} else if (r == 0) {
		ov_bdf_format(&gpu->bdf, d.gpu);
		r = add(ctx, &d, "gpu", OV_CHECK_PASS, NULL, "%s [%04x:%04x] %s", d.gpu,
			gpu->vendor, gpu->device, *gpu->device_name ? gpu->device_name : "");
	}
	if (r == 0 && gpu)
		r = check_group(ctx, &d, host, gpu);
	if (r == 0)
		r = check_vfio(ctx, &d);
	if (r == 0 && gpu)
		r = check_driver(ctx, &d, host, gpu, &env);
	if (r == 0 && gpu)
		r = check_audio(ctx, &d, host, gpu);
	if (r == 0 && gpu)
		r = check_rom(ctx, &d, gpu, &env, opts->rom_file);
	if (r == 0)
		r = check_battery(ctx, &d);
	if (r == 0 && gpu)
		r = check_mux(ctx, &d, gpu);
	if (r == 0 && gpu)
		r = check_topology(ctx, &d, gpu);
	if (r == 0 && opts->domain)
		r = check_nvram(ctx, &d, opts->domain);
	if (r == 0)
		r = check_confinement(ctx, &d);

	ov_plan_env_clear(&env);
	ov_host_free(host);
	if (r < 0) {
		ov_doctor_clear(&d);
		return r;
	}
	*ret = d;
	return 0;
}

void ov_doctor_clear(struct ov_doctor *d)
{
	free(d->checks);
	d->checks = NULL;
	d->n_checks = 0;
}

bool ov_doctor_blocked(const struct ov_doctor *d)
{
	return ov_checks_blocked(d->checks, d->n_checks);
}
