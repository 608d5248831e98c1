// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optivfio-guest.exe: `optivfio guest check` for a Windows guest. It says
 * why the NVIDIA driver stops with Code 43, one check per known cause, in
 * the wording and the exit codes of the Linux guest check. The ACPI table
 * check is the Linux one (guest/tables.c), fed by Windows' table API.
 */
#include "guest-win.h"
#include "winparse.h"
#include "core/check.h"
#include "core/ctx.h"
#include "guest/tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* As in tools/cli.h: the Linux guest check's exit codes. */
enum { EXIT_OK = 0, EXIT_CHECK_FAILED = 1, EXIT_USAGE = 2, EXIT_BLOCKED = 3 };

/* cfgmgr32.h, kept here so this file needs no Windows headers. */
#define DN_HAS_PROBLEM 0x00000400
#define CM_PROB_DISABLED 22
#define CM_PROB_FAILED_INSTALL 28
#define CM_PROB_FAILED_POST_START 43

static const char help[] =
	"Usage: optivfio-guest [--json]\n"
	"\n"
	"Run inside a Windows guest of the VM: why does the NVIDIA driver stop\n"
	"(Code 43)? Checks the NVIDIA device (problem code, subsystem ids, PCI and\n"
	"ACPI location), the ACPI tables Windows loaded (optivfio's SSDTs, their\n"
	"_ROM on the GPU's node, the ROM they carry), the hypervisor the guest\n"
	"sees, the driver version, the battery and the pointing devices.\n"
	"  --json      print the checks as JSON\n"
	"  --version   print the version\n"
	"  -h, --help  this help\n"
	"\n"
	"Exit status: 0 nothing FAILed, 3 a check FAILed (no NVIDIA device is a\n"
	"FAIL), 1 the checks could not run, 2 wrong usage.\n";

struct run {
	struct ov_ctx *ctx;
	struct ov_check *checks;
	size_t n;
	int err;
};

static void add(struct run *r, const char *id, enum ov_check_status st, const char *fix,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void add(struct run *r, const char *id, enum ov_check_status st, const char *fix,
		const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (ov_checks_vadd(r->ctx, &r->checks, &r->n, id, st, fix, fmt, ap) < 0)
		r->err = -1;
	va_end(ap);
}

static const char hide_fix[] =
	"install NVIDIA driver 465 or newer, or hide the hypervisor (libvirt: <kvm><hidden "
	"state='on'/></kvm> and <hyperv><vendor_id state='on' value='0123456789ab'/></hyperv>)";

static void check_device(struct run *r, const struct win_gpu *g)
{
	if (!g->status_known) {
		add(r, "device", OV_CHECK_WARN, NULL, "CM_Get_DevNode_Status gives no status");
		return;
	}
	if (!(g->status & DN_HAS_PROBLEM)) {
		add(r, "device", OV_CHECK_PASS, NULL, "the device runs (no problem code)");
		return;
	}
	switch (g->problem) {
	case CM_PROB_FAILED_POST_START:
		add(r, "device", OV_CHECK_FAIL, "see the other checks: each FAIL is a known cause",
		    "Code 43: the driver stopped the device");
		return;
	case CM_PROB_FAILED_INSTALL:
		add(r, "device", OV_CHECK_WARN, "install NVIDIA's driver for the laptop's GPU",
		    "Code 28: no driver is installed for the device");
		return;
	case CM_PROB_DISABLED:
		add(r, "device", OV_CHECK_FAIL, "enable it in Device Manager",
		    "Code 22: the device is disabled");
		return;
	default:
		add(r, "device", OV_CHECK_FAIL, NULL, "Code %lu: the device has a problem",
		    g->problem);
	}
}

static void check_subsystem(struct run *r, const struct win_gpu *g)
{
	if (!g->has_subsys)
		add(r, "subsystem", OV_CHECK_WARN, NULL, "no SUBSYS_ in the hardware id %s",
		    g->hwid);
	else if (!g->subsys_vendor && !g->subsys_device)
		add(r, "subsystem", OV_CHECK_FAIL,
		    "give the VM the host GPU's subsystem ids (x-pci-sub-vendor-id/"
		    "x-pci-sub-device-id; 'optivfio vm' writes them)",
		    "subsystem ids are 0000:0000 (%s): a known Code 43 cause, and Windows can "
		    "not pick the laptop's driver", g->hwid);
	else
		add(r, "subsystem", OV_CHECK_PASS, NULL, "subsystem ids %04x:%04x (%s)",
		    g->subsys_vendor, g->subsys_device, g->hwid);
}

static void check_layout(struct run *r, const struct win_gpu *g)
{
	static const char fix[] = "put the GPU at guest 01:00.0 behind a pcie-root-port at "
				  "00:01.0 ('optivfio vm libvirt' does), like the laptop's PEG port";
	struct ov_pci_location loc;

	if (!*g->pci_location) {
		add(r, "layout", OV_CHECK_WARN, fix, "Windows gives no PCI location path");
		return;
	}
	if (ov_pci_location_parse(g->pci_location, &loc) < 0) {
		add(r, "layout", OV_CHECK_WARN, NULL, "location path %s not understood",
		    g->pci_location);
		return;
	}
	/* PCI(0100) = device 01 function 0 on the root bus; PCI(0000) below it: 01:00.0. */
	if (loc.root == 0 && loc.depth == 2 && loc.dev[0] == 1 && loc.fn[0] == 0 &&
	    loc.dev[1] == 0 && loc.fn[1] == 0)
		add(r, "layout", OV_CHECK_PASS, NULL,
		    "GPU at 01:00.0 behind the root port 00:01.0 (%s), as on the laptop",
		    g->pci_location);
	else
		add(r, "layout", OV_CHECK_WARN, fix,
		    "the GPU is at %s, not PCIROOT(0)#PCI(0100)#PCI(0000) (01:00.0 behind 00:01.0)",
		    g->pci_location);
}

/* The ACPI node from the location path; "" when Windows gives none. */
static void check_acpi_node(struct run *r, const struct win_gpu *g, char *path, size_t size)
{
	*path = '\0';
	if (!*g->acpi_location) {
		add(r, "acpi-node", OV_CHECK_FAIL,
		    "generate the tables for the GPU's guest path ('optivfio ssdt') and pass them",
		    "the GPU has no ACPI location path: no ACPI node, the driver can not find a "
		    "_ROM");
		return;
	}
	if (ov_acpi_location_to_path(g->acpi_location, path, size) < 0) {
		add(r, "acpi-node", OV_CHECK_WARN, NULL, "ACPI location path %s not understood",
		    g->acpi_location);
		*path = '\0';
		return;
	}
	add(r, "acpi-node", OV_CHECK_PASS, NULL, "ACPI node %s (%s)", path, g->acpi_location);
}

static void check_tables(struct run *r, const struct win_gpu *g, const char *acpi_path)
{
	struct ov_tables_want want = { .gpu_path = *acpi_path ? acpi_path : NULL,
				       .have_ids = g->found, .vendor = g->vendor,
				       .device = g->device };
	struct win_tables t;
	struct ov_acpi_table *unique;
	char err[200] = "";
	size_t n = 0;

	if (win_read_tables(&t, err, sizeof(err)) < 0) {
		add(r, "ssdt", OV_CHECK_WARN, NULL, "can not read the ACPI tables: %s", err);
		return;
	}
	/*
	 * GetSystemFirmwareTable returns the first table of a signature only
	 * (its documentation): an entry that returns the bytes of an earlier
	 * one is a further table of that signature that can not be read.
	 */
	unique = calloc(t.n ? t.n : 1, sizeof(*unique));
	if (!unique) {
		r->err = -1;
		win_tables_free(&t);
		return;
	}
	for (size_t i = 0; i < t.n; i++) {
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen |= t.tables[i].len == unique[j].len &&
				memcmp(t.tables[i].data, unique[j].data, unique[j].len) == 0;
		if (seen)
			want.n_unreadable++;
		else
			unique[n++] = t.tables[i];
	}
	if (ov_tables_check(r->ctx, unique, n, &want, &r->checks, &r->n) < 0)
		r->err = -1;
	free(unique);
	win_tables_free(&t);
}

static bool old_driver_vendor(const char *v)
{
	/* What drivers before 465 look for: KVM's and Hyper-V's signatures. */
	return strcmp(v, "KVMKVMKVM") == 0 || strcmp(v, "Microsoft Hv") == 0;
}

static void check_driver_and_hypervisor(struct run *r, const struct win_gpu *g)
{
	unsigned major = 0, minor = 0;
	bool known = false;
	struct win_cpu cpu;

	if (g->found && *g->driver_version &&
	    ov_nv_driver_version(g->driver_version, &major, &minor) == 0 &&
	    strstr(g->driver_provider, "NVIDIA")) {
		known = true;
		if (major < OV_NV_DRIVER_VM_OK)
			add(r, "driver", OV_CHECK_WARN, hide_fix,
			    "NVIDIA driver %u.%02u (%s) is older than %u: it stops with Code 43 "
			    "when it sees a hypervisor", major, minor, g->driver_version,
			    OV_NV_DRIVER_VM_OK);
		else
			add(r, "driver", OV_CHECK_PASS, NULL,
			    "NVIDIA driver %u.%02u (%s): %u or newer, a hypervisor is allowed",
			    major, minor, g->driver_version, OV_NV_DRIVER_VM_OK);
	} else if (g->found) {
		add(r, "driver", OV_CHECK_WARN, "install NVIDIA's driver for the laptop's GPU",
		    "no NVIDIA driver on the device (driver version \"%s\", provider \"%s\")",
		    g->driver_version, g->driver_provider);
	}

	win_read_cpu(&cpu);
	if (!cpu.hypervisor_bit)
		add(r, "hypervisor", OV_CHECK_PASS, NULL,
		    "no hypervisor bit (CPUID 1 ECX bit 31): the hypervisor is hidden");
	else if (!old_driver_vendor(cpu.vendor))
		add(r, "hypervisor", OV_CHECK_PASS, NULL,
		    "hypervisor bit set, vendor \"%s\" (CPUID 0x40000000): not a signature older "
		    "drivers look for", cpu.vendor);
	else if (known && major >= OV_NV_DRIVER_VM_OK)
		add(r, "hypervisor", OV_CHECK_PASS, NULL,
		    "hypervisor \"%s\" visible (CPUID 0x40000000): fine for driver %u", cpu.vendor,
		    major);
	else if (known)
		add(r, "hypervisor", OV_CHECK_FAIL, hide_fix,
		    "hypervisor \"%s\" visible (CPUID 0x40000000) to driver %u.%02u: Code 43",
		    cpu.vendor, major, minor);
	else
		add(r, "hypervisor", OV_CHECK_WARN, hide_fix,
		    "hypervisor \"%s\" visible (CPUID 0x40000000): NVIDIA drivers before %u "
		    "stop with Code 43", cpu.vendor, OV_NV_DRIVER_VM_OK);
}

static void check_battery_and_pointing(struct run *r, const struct win_gpu *g)
{
	bool code43 = g->status_known && (g->status & DN_HAS_PROBLEM) &&
		      g->problem == CM_PROB_FAILED_POST_START;
	struct win_input in;

	win_read_input(&in);
	if (!in.power_known)
		add(r, "battery", OV_CHECK_WARN, NULL,
		    "GetSystemPowerStatus does not know whether there is a battery");
	else if (in.battery)
		add(r, "battery", OV_CHECK_PASS, NULL, "a battery is there (BatteryFlag %u)",
		    in.battery_flag);
	else if (code43)
		add(r, "battery", OV_CHECK_WARN,
		    "pass the table from 'optivfio ssdt --battery absent' with -acpitable",
		    "no battery: laptop GPU drivers may stop with Code 43 without one");
	else
		add(r, "battery", OV_CHECK_PASS, NULL,
		    "no battery (only needed if the driver stops with Code 43)");

	if (in.n_pointing == 0)
		add(r, "pointing", OV_CHECK_WARN,
		    "add a USB tablet (libvirt: <input type='tablet' bus='usb'/>)",
		    "no pointing device present");
	else if (in.battery && in.n_hid == 0 && in.n_ps2 > 0)
		add(r, "pointing", OV_CHECK_WARN,
		    "add a USB tablet (libvirt: <input type='tablet' bus='usb'/>)",
		    "a battery and only the PS/2 mouse (%s): its clicks get lost",
		    in.first_pointing);
	else
		add(r, "pointing", OV_CHECK_PASS, NULL,
		    "%zu pointing device%s (%zu USB/virtio HID, %zu PS/2)", in.n_pointing,
		    in.n_pointing == 1 ? "" : "s", in.n_hid, in.n_ps2);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static int print(const struct run *r, const struct win_gpu *g, bool json)
{
	size_t n_fail = 0, n_warn = 0;

	for (size_t i = 0; i < r->n; i++) {
		n_fail += r->checks[i].status == OV_CHECK_FAIL;
		n_warn += r->checks[i].status == OV_CHECK_WARN;
	}
	if (json) {
		printf("{\n  \"version\": ");
		json_string(OPTIVFIO_VERSION);
		printf(",\n  \"gpu\": ");
		if (g->found)
			json_string(g->instance);
		else
			printf("null");
		printf(",\n  \"blocked\": %s,\n  \"checks\": [", n_fail ? "true" : "false");
		for (size_t i = 0; i < r->n; i++) {
			printf("%s\n    { \"id\": ", i ? "," : "");
			json_string(r->checks[i].id);
			printf(", \"status\": ");
			json_string(ov_check_status_name(r->checks[i].status));
			printf(", \"reason\": ");
			json_string(r->checks[i].reason);
			printf(", \"fix\": ");
			if (*r->checks[i].fix)
				json_string(r->checks[i].fix);
			else
				printf("null");
			printf(" }");
		}
		printf("\n  ]\n}\n");
	} else {
		for (size_t i = 0; i < r->n; i++) {
			printf("%s  %-15s %s\n", ov_check_status_name(r->checks[i].status),
			       r->checks[i].id, r->checks[i].reason);
			if (*r->checks[i].fix)
				printf("      fix: %s\n", r->checks[i].fix);
		}
		if (n_fail)
			printf("\nBlocked: %zu check%s FAILed; fix %s first.\n", n_fail,
			       n_fail == 1 ? "" : "s", n_fail == 1 ? "it" : "them");
		else
			printf("\nReady: the VM has what the driver needs (%zu warning%s).\n", n_warn,
			       n_warn == 1 ? "" : "s");
	}
	return n_fail ? EXIT_BLOCKED : EXIT_OK;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	struct win_gpu g;
	char err[200] = "", acpi_path[OV_TABLES_PATH_MAX] = "";
	bool json = false;
	int code;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("optivfio-guest %s\n", OPTIVFIO_VERSION);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
			   strcmp(argv[i], "/?") == 0) {
			fputs(help, stdout);
			return EXIT_OK;
		} else {
			fprintf(stderr, "optivfio-guest: unknown option '%s'\n"
				"Try 'optivfio-guest --help'.\n", argv[i]);
			return EXIT_USAGE;
		}
	}
	if (ov_ctx_new(NULL, &r.ctx, NULL, 0) < 0) {
		fprintf(stderr, "optivfio-guest: out of memory\n");
		return EXIT_CHECK_FAILED;
	}
	if (win_find_gpu(&g, err, sizeof(err)) < 0) {
		fprintf(stderr, "optivfio-guest: can not list the PCI devices: %s\n", err);
		ov_ctx_free(r.ctx);
		return EXIT_CHECK_FAILED;
	}

	if (!g.found) {
		add(&r, "gpu", OV_CHECK_FAIL,
		    "pass the GPU to the VM (a vfio-pci hostdev; 'optivfio vm' writes it)",
		    "no NVIDIA display device (PCI\\VEN_10DE, class 03) is present");
	} else {
		add(&r, "gpu", OV_CHECK_PASS, NULL, "%s [%04x:%04x] %s%s", g.instance, g.vendor,
		    g.device, g.name, g.n_found > 1 ? " (the first of several)" : "");
		check_device(&r, &g);
		check_subsystem(&r, &g);
		check_layout(&r, &g);
		check_acpi_node(&r, &g, acpi_path, sizeof(acpi_path));
	}
	check_tables(&r, &g, acpi_path);
	check_driver_and_hypervisor(&r, &g);
	check_battery_and_pointing(&r, &g);

	if (r.err < 0) {
		fprintf(stderr, "optivfio-guest: %s\n", ov_ctx_error(r.ctx));
		code = EXIT_CHECK_FAILED;
	} else {
		code = print(&r, &g, json);
	}
	free(r.checks);
	ov_ctx_free(r.ctx);
	return code;
}
