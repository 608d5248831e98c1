// SPDX-License-Identifier: GPL-2.0-or-later
/* list, groups, snapshot: what optivfio sees of the host. */
#include "cli.h"
#include "commands.h"
#include "json-out.h"
#include "core/ctx.h"
#include "host/groups.h"
#include "host/host.h"
#include "host/snapshot.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int scan(struct ov_cli *cli, struct ov_host **host)
{
	if (ov_host_scan(cli->ctx, host) < 0)
		return ov_cli_error_ctx(cli, "cannot read the PCI devices");
	return 0;
}

static void format_size(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(buf, size, "%" PRIu64 " MiB", bytes >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, size, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, size, "%" PRIu64 " bytes", bytes);
}

static const char *or_none(const char *s)
{
	return *s ? s : "none";
}

/* "VGA compatible controller [0300]: NVIDIA Corporation GP107M [...] [10de:1c8d]" */
static void print_identity(const struct ov_pci_dev *d)
{
	if (!d->ids_known) {
		fputs("unknown device (config space and ids unreadable)", stdout);
		return;
	}
	char cls[8];

	/* libpci already appends "[ffff]" to names of unknown subclasses. */
	snprintf(cls, sizeof(cls), "[%04x]", ov_pci_class(d));
	if (*d->class_name && strstr(d->class_name, cls))
		printf("%s: ", d->class_name);
	else
		printf("%s %s: ", *d->class_name ? d->class_name : "Class", cls);
	printf("%s %s [%04x:%04x]", *d->vendor_name ? d->vendor_name : "Vendor",
	       *d->device_name ? d->device_name : "Device", d->vendor, d->device);
	if (d->revision)
		printf(" (rev %02x)", d->revision);
}

static void print_device(const struct ov_pci_dev *d)
{
	char b[OV_BDF_STRLEN], rom[32];

	printf("%s ", ov_bdf_format(&d->bdf, b));
	print_identity(d);
	putchar('\n');
	if (d->ids_known && (d->subsys_vendor || d->subsys_device))
		printf("\tSubsystem: %s%s[%04x:%04x]\n", d->subsys_name, *d->subsys_name ? " " : "",
		       d->subsys_vendor, d->subsys_device);
	if (d->iommu_group >= 0)
		printf("\tDriver: %s, override: %s, IOMMU group: %d", or_none(d->driver),
		       or_none(d->driver_override), d->iommu_group);
	else
		printf("\tDriver: %s, override: %s, IOMMU group: none", or_none(d->driver),
		       or_none(d->driver_override));
	printf(", power: %s", *d->power_state ? d->power_state : "unknown");
	if (d->boot_vga >= 0)
		printf(", boot VGA: %s", d->boot_vga ? "yes" : "no");
	putchar('\n');
	if (d->rom_size)
		format_size(rom, sizeof(rom), d->rom_size);
	printf("\tACPI: %s, ROM BAR: %s\n", or_none(d->acpi_path),
	       d->rom_size ? rom : "none");
}

static struct json_object *device_json(const struct ov_pci_dev *d)
{
	struct json_object *o = json_object_new_object();
	char b[OV_BDF_STRLEN];

	json_add_string(o, "bdf", ov_bdf_format(&d->bdf, b));
	if (d->ids_known) {
		json_add_hex(o, "class", ov_pci_class(d), 4);
		json_add_hex(o, "prog_if", d->class_code & 0xff, 2);
		json_add_hex(o, "vendor_id", d->vendor, 4);
		json_add_hex(o, "device_id", d->device, 4);
		json_add_hex(o, "subsystem_vendor_id", d->subsys_vendor, 4);
		json_add_hex(o, "subsystem_device_id", d->subsys_device, 4);
		json_add_hex(o, "revision", d->revision, 2);
	} else {
		const char *keys[] = { "class", "prog_if", "vendor_id", "device_id",
				       "subsystem_vendor_id", "subsystem_device_id", "revision" };

		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			json_object_object_add(o, keys[i], NULL);
	}
	json_add_string_or_null(o, "class_name", d->class_name);
	json_add_string_or_null(o, "vendor_name", d->vendor_name);
	json_add_string_or_null(o, "device_name", d->device_name);
	json_add_string_or_null(o, "subsystem_name", d->subsys_name);
	json_add_string_or_null(o, "driver", d->driver);
	json_add_string_or_null(o, "driver_override", d->driver_override);
	json_object_object_add(o, "iommu_group",
			       d->iommu_group >= 0 ? json_object_new_int(d->iommu_group) : NULL);
	json_add_string_or_null(o, "acpi_path", d->acpi_path);
	json_add_string_or_null(o, "power_state", d->power_state);
	json_object_object_add(o, "rom_bar_size",
			       d->rom_size ? json_object_new_int64((int64_t)d->rom_size) : NULL);
	json_object_object_add(o, "boot_vga",
			       d->boot_vga >= 0 ? json_object_new_boolean(d->boot_vga) : NULL);
	json_object_object_add(o, "parent", d->has_parent ?
			       json_object_new_string(ov_bdf_format(&d->parent, b)) : NULL);
	return o;
}

static const char list_help[] =
	"Usage: optivfio [--root DIR] [--json] list\n"
	"\n"
	"Every PCI function: BDF, class, vendor:device and names, subsystem ids,\n"
	"revision, driver in use, driver_override, IOMMU group, ACPI path\n"
	"(firmware_node/path), power state, ROM BAR size, boot VGA.\n";

int cmd_list(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_host *host;
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(list_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("list ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("list ", "unexpected argument '%s'", argv[optind]);
	r = scan(cli, &host);
	if (r)
		return r;

	if (cli->json) {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < host->n_devs; i++)
			json_object_array_add(arr, device_json(&host->devs[i]));
		json_object_object_add(root, "devices", arr);
		r = json_print(root);
	} else {
		for (size_t i = 0; i < host->n_devs; i++) {
			if (i)
				putchar('\n');
			print_device(&host->devs[i]);
		}
		r = 0;
	}
	ov_host_free(host);
	return r ? OV_EXIT_FAILURE : OV_EXIT_OK;
}

static const char *mux_kind(const struct ov_pci_dev *d)
{
	return ov_pci_class(d) == OV_CLASS_DISPLAY_3D ? "muxless" : "muxed";
}

static const char *role_text(const struct ov_group_member *m)
{
	switch (m->role) {
	case OV_ROLE_GPU:
		return "the GPU: goes to the VM";
	case OV_ROLE_GPU_FUNCTION:
		if (ov_pci_class(m->dev) == OV_CLASS_AUDIO_HDA)
			return "the GPU's HDMI audio: leave it unbound (driver_override=none), "
			       "do not pass it";
		return "another function of the GPU";
	case OV_ROLE_BRIDGE:
		return "bridge/root port: stays with the host, fine";
	case OV_ROLE_OTHER:
		return "unrelated device: blocks passing this group";
	}
	return "";
}

static void print_gpu_verdict(const struct ov_host *host, const struct ov_pci_dev *gpu,
			      const struct ov_gpu_group *g)
{
	const struct ov_pci_dev *sib[8];
	size_t n_sib = ov_host_siblings(host, gpu, sib, 8);
	char b[OV_BDF_STRLEN];

	printf("Discrete GPU: %s ", ov_bdf_format(&gpu->bdf, b));
	print_identity(gpu);
	printf("\n  %s: class %04x (%s)\n", mux_kind(gpu), ov_pci_class(gpu),
	       ov_pci_class(gpu) == OV_CLASS_DISPLAY_3D ?
	       "3D controller: renders only, no display outputs (Optimus)" :
	       "VGA controller: may drive display outputs");
	if (n_sib) {
		printf("  Sibling functions:");
		for (size_t i = 0; i < n_sib && i < 8; i++)
			printf(" %s [%04x]", ov_bdf_format(&sib[i]->bdf, b), ov_pci_class(sib[i]));
		putchar('\n');
	}
	if (g->group < 0) {
		printf("  Verdict: no IOMMU group: the IOMMU is off. Add intel_iommu=on (Intel) or\n"
		       "  amd_iommu=on (AMD) to the kernel command line and enable VT-d/AMD-Vi.\n");
		return;
	}
	printf("  IOMMU group %d holds:\n", g->group);
	for (size_t i = 0; i < g->n_members; i++)
		printf("    %s  %s\n", ov_bdf_format(&g->members[i].dev->bdf, b),
		       role_text(&g->members[i]));
	if (g->viable) {
		printf("  Verdict: group %d can be given to a VM whole.\n", g->group);
		return;
	}
	printf("  Verdict: group %d can NOT be given to a VM: it also holds", g->group);
	for (size_t i = 0; i < g->n_members; i++)
		if (g->members[i].role == OV_ROLE_OTHER)
			printf(" %s", ov_bdf_format(&g->members[i].dev->bdf, b));
	printf(",\n  which would have to go to the VM too (no ACS isolation between them).\n");
}

static struct json_object *gpu_json(const struct ov_host *host, const struct ov_pci_dev *gpu,
				    const struct ov_gpu_group *g)
{
	struct json_object *o = json_object_new_object(), *arr;
	const struct ov_pci_dev *sib[8];
	size_t n_sib = ov_host_siblings(host, gpu, sib, 8);
	char b[OV_BDF_STRLEN];

	json_add_string(o, "bdf", ov_bdf_format(&gpu->bdf, b));
	json_add_hex(o, "vendor_id", gpu->vendor, 4);
	json_add_hex(o, "device_id", gpu->device, 4);
	json_add_hex(o, "class", ov_pci_class(gpu), 4);
	json_add_string(o, "mux", mux_kind(gpu));
	json_object_object_add(o, "iommu_group",
			       g->group >= 0 ? json_object_new_int(g->group) : NULL);
	json_object_object_add(o, "viable", json_object_new_boolean(g->viable));
	arr = json_object_new_array();
	for (size_t i = 0; i < g->n_members && g->group >= 0; i++) {
		struct json_object *m = json_object_new_object();

		json_add_string(m, "bdf", ov_bdf_format(&g->members[i].dev->bdf, b));
		json_add_string(m, "role", ov_group_role_name(g->members[i].role));
		json_object_array_add(arr, m);
	}
	json_object_object_add(o, "group_members", arr);
	arr = json_object_new_array();
	for (size_t i = 0; i < n_sib && i < 8; i++)
		json_object_array_add(arr, json_object_new_string(ov_bdf_format(&sib[i]->bdf, b)));
	json_object_object_add(o, "functions", arr);
	return o;
}

static const char groups_help[] =
	"Usage: optivfio [--root DIR] [--json] groups [--gpu BDF]\n"
	"\n"
	"IOMMU groups with their members, then for the discrete GPU (found, or\n"
	"given with --gpu) a verdict: which devices share its group, whether the\n"
	"group can be given to a VM whole, and its sibling functions (HDMI audio).\n";

int cmd_groups(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const struct ov_pci_dev *gpu = NULL;
	struct ov_gpu_group *g = NULL;
	struct ov_bdf want, *wantp = NULL;
	struct ov_host *host;
	int *ids = NULL;
	size_t n_ids = 0;
	char b[OV_BDF_STRLEN];
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			if (ov_cli_parse_bdf("groups ", "--gpu", optarg, &want))
				return OV_EXIT_USAGE;
			wantp = &want;
			break;
		case 'h':
			fputs(groups_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("groups ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("groups ", "unexpected argument '%s'", argv[optind]);

	r = scan(cli, &host);
	if (r)
		return r;
	if (ov_host_group_ids(cli->ctx, host, &ids, &n_ids) < 0) {
		r = ov_cli_error_ctx(cli, "groups");
		goto out;
	}
	if (ov_host_pick_dgpu(cli->ctx, host, wantp, &gpu) < 0) {
		/* An explicit --gpu that is wrong is an error; none found is a finding. */
		if (wantp) {
			r = ov_cli_error_ctx(cli, "--gpu");
			goto out;
		}
		gpu = NULL;
	} else if (ov_host_gpu_group(cli->ctx, host, gpu, &g) < 0) {
		r = ov_cli_error_ctx(cli, "groups");
		goto out;
	}

	if (cli->json) {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < n_ids; i++) {
			struct json_object *grp = json_object_new_object();
			struct json_object *devs = json_object_new_array();

			json_object_object_add(grp, "id", json_object_new_int(ids[i]));
			for (size_t k = 0; k < host->n_devs; k++)
				if (host->devs[k].iommu_group == ids[i])
					json_object_array_add(devs, json_object_new_string(
						ov_bdf_format(&host->devs[k].bdf, b)));
			json_object_object_add(grp, "devices", devs);
			json_object_array_add(arr, grp);
		}
		json_object_object_add(root, "groups", arr);
		json_object_object_add(root, "dgpu", gpu ? gpu_json(host, gpu, g) : NULL);
		if (!gpu)
			json_add_string(root, "dgpu_error", ov_ctx_error(cli->ctx));
		r = json_print(root) ? OV_EXIT_FAILURE : OV_EXIT_OK;
		goto out;
	}

	if (n_ids == 0)
		printf("No IOMMU groups: the IOMMU is off or not supported.\n");
	for (size_t i = 0; i < n_ids; i++) {
		printf("IOMMU group %d:\n", ids[i]);
		for (size_t k = 0; k < host->n_devs; k++) {
			if (host->devs[k].iommu_group != ids[i])
				continue;
			printf("  %s ", ov_bdf_format(&host->devs[k].bdf, b));
			print_identity(&host->devs[k]);
			putchar('\n');
		}
	}
	putchar('\n');
	if (gpu)
		print_gpu_verdict(host, gpu, g);
	else
		printf("Discrete GPU: none: %s.\n", ov_ctx_error(cli->ctx));
	r = OV_EXIT_OK;
out:
	ov_gpu_group_free(g);
	free(ids);
	ov_host_free(host);
	return r;
}

static const char snapshot_help[] =
	"Usage: optivfio [--root DIR] [--json] snapshot -o DIR\n"
	"\n"
	"Copy exactly what optivfio reads from this host into DIR: the PCI device\n"
	"directories (attribute files, config space, symlinks), IOMMU groups,\n"
	"/proc/cmdline, the loaded modules, ACPI table names and power supplies.\n"
	"'optivfio --root DIR list' then shows what 'optivfio list' shows here.\n"
	"Attach DIR (tar it) to a bug report. DIR must not exist yet.\n"
	"With --json: { \"output\", \"devices\", \"files\", \"links\", \"skipped\" } on stdout.\n"
	"\n"
	"  -o, --output DIR   where to write the snapshot\n";

int cmd_snapshot(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_snapshot_stats st;
	const char *out = NULL;
	int c;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			fputs(snapshot_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("snapshot ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("snapshot ", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return ov_cli_usage_error("snapshot ", "missing -o DIR");

	if (ov_host_snapshot(cli->ctx, out, &st) < 0)
		return ov_cli_error_ctx(cli, "snapshot");
	if (cli->json) {
		struct json_object *root = json_object_new_object();

		json_add_string(root, "output", out);
		json_object_object_add(root, "devices", json_object_new_int64((int64_t)st.devices));
		json_object_object_add(root, "files", json_object_new_int64((int64_t)st.files));
		json_object_object_add(root, "links", json_object_new_int64((int64_t)st.links));
		json_object_object_add(root, "skipped", json_object_new_boolean(st.skipped));
		return json_print(root) ? OV_EXIT_FAILURE : OV_EXIT_OK;
	}
	if (cli->verbosity >= 0)
		fprintf(stderr, "snapshot: %zu PCI devices, %zu files, %zu links written to %s%s\n",
			st.devices, st.files, st.links, out,
			st.skipped ? " (some files were unreadable and left out)" : "");
	return OV_EXIT_OK;
}
