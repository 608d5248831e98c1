// SPDX-License-Identifier: GPL-2.0-or-later
/* list, groups, snapshot: what optivfio sees of the host. */
#include "cli.h"
#include "commands.h"
#include "json-out.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "core/hostfs.h"
#include "host/groups.h"
#include "host/host.h"
#include "host/snapshot.h"

#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
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
	/*
	 * driver_override (sysfs-bus-pci): unset lets any matching driver bind;
	 * "none" is a value and lets none bind. The two must not look alike.
	 */
	printf("\tDriver: %s, override: %s", or_none(d->driver),
	       !*d->driver_override ? "unset" :
	       strcmp(d->driver_override, "none") == 0 ? "none (no driver binds)" :
	       d->driver_override);
	if (d->iommu_group >= 0)
		printf(", IOMMU group: %d", d->iommu_group);
	else
		printf(", IOMMU group: none");
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

/*
 * lspci's selectors (lspci(8), pciutils lib/filter.c): each field is hex,
 * empty or "*" for any; -1 here means any.
 */
struct dev_filter {
	int domain, bus, slot, func;
	int vendor, device, class_id;
};

static bool parse_field(const char *s, size_t len, unsigned long max, int *ret)
{
	char buf[16], *end;
	unsigned long v;

	if (len == 0 || (len == 1 && *s == '*')) {
		*ret = -1;
		return true;
	}
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtoul(buf, &end, 16);
	if (*end || !isxdigit((unsigned char)buf[0]) || v > max)
		return false;
	*ret = (int)v;
	return true;
}

/* -s [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] */
static bool parse_slot_filter(const char *s, struct dev_filter *f)
{
	const char *last_colon = strrchr(s, ':'), *first_colon = strchr(s, ':');
	const char *rest = s, *dot;

	if (last_colon) {
		const char *bus = s;

		if (first_colon != last_colon) {
			if (!parse_field(s, (size_t)(first_colon - s), 0x7fffffff, &f->domain) ||
			    strchr(first_colon + 1, ':') != last_colon)
				return false;
			bus = first_colon + 1;
		}
		if (!parse_field(bus, (size_t)(last_colon - bus), 0xff, &f->bus))
			return false;
		rest = last_colon + 1;
	}
	dot = strchr(rest, '.');
	if (dot && !parse_field(dot + 1, strlen(dot + 1), 7, &f->func))
		return false;
	return parse_field(rest, dot ? (size_t)(dot - rest) : strlen(rest), 0x1f, &f->slot);
}

/* -d [VENDOR]:[DEVICE][:CLASS] */
static bool parse_id_filter(const char *s, struct dev_filter *f)
{
	const char *c1 = strchr(s, ':'), *c2;

	if (!c1 || !parse_field(s, (size_t)(c1 - s), 0xffff, &f->vendor))
		return false;
	c2 = strchr(c1 + 1, ':');
	if (c2 && !parse_field(c2 + 1, strlen(c2 + 1), 0xffff, &f->class_id))
		return false;
	return parse_field(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), 0xffff,
			   &f->device);
}

static bool field_ok(int want, unsigned have)
{
	return want < 0 || (unsigned)want == have;
}

static bool filter_match(const struct dev_filter *f, const struct ov_pci_dev *d)
{
	bool by_id = f->vendor >= 0 || f->device >= 0 || f->class_id >= 0;

	if (by_id && !d->ids_known)
		return false;
	return field_ok(f->domain, d->bdf.domain) && field_ok(f->bus, d->bdf.bus) &&
	       field_ok(f->slot, d->bdf.dev) && field_ok(f->func, d->bdf.fn) &&
	       field_ok(f->vendor, d->vendor) && field_ok(f->device, d->device) &&
	       field_ok(f->class_id, ov_pci_class(d));
}

/*
 * The tree of `lspci -t` (pciutils ls-tree.c): a bridge is followed by
 * "-[SS]-" or "-[SS-UU]-" (its secondary and subordinate bus) and its bus;
 * "+-" is a device with more after it on the same bus, "\-" the last one,
 * "--" the only one. Devices hang below the bridge sysfs puts them under.
 */
struct tree {
	struct ov_cli *cli;
	const struct ov_host *host;
	const struct dev_filter *filter;
	bool *shown;		/* matches, or has a match below it */
	char line[1024];
};

static char *tree_add(struct tree *t, char *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static char *tree_add(struct tree *t, char *p, const char *fmt, ...)
{
	size_t room = sizeof(t->line) - (size_t)(p - t->line);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return p;
	return (size_t)n >= room ? t->line + sizeof(t->line) - 1 : p + n;
}

/* Print the line, then keep only its "|" for the lines below. */
static void tree_print(struct tree *t, char *p)
{
	*p = '\0';
	puts(t->line);
	for (p = t->line; *p; p++)
		*p = (*p == '+' || *p == '|') ? '|' : ' ';
}

static bool is_child(const struct ov_pci_dev *d, const struct ov_pci_dev *parent)
{
	return d->has_parent && ov_bdf_compare(&d->parent, &parent->bdf) == 0;
}

/* The bus numbers a bridge forwards: config bytes 19h, 1Ah (PCI-PCI Bridge 1.2 §3.2.5.3). */
static bool bridge_buses(struct tree *t, const struct ov_pci_dev *d, unsigned *sec,
			 unsigned *sub)
{
	char path[512], b[OV_BDF_STRLEN];
	uint8_t *cfg = NULL;
	size_t len = 0;
	bool ok = false;

	if (ov_host_path(t->cli->ctx, path, sizeof(path), "/sys/bus/pci/devices/%s/config",
			 ov_bdf_format(&d->bdf, b)) == 0 &&
	    ov_read_file(t->cli->ctx, path, &cfg, &len) == 0 && len > 0x1a &&
	    (cfg[0x0e] & 0x7f) == 1) {
		*sec = cfg[0x19];
		*sub = cfg[0x1a];
		ok = true;
	}
	free(cfg);
	ov_ctx_clear_error(t->cli->ctx);
	return ok;
}

static void tree_bus(struct tree *t, const struct ov_pci_dev *parent, int domain, int bus,
		     char *p);

static void tree_dev(struct tree *t, const struct ov_pci_dev *d, char *p)
{
	bool has_children = false;
	unsigned sec = 0, sub = 0;

	p = tree_add(t, p, "%02x.%x", d->bdf.dev, d->bdf.fn);
	for (size_t i = 0; i < t->host->n_devs && !has_children; i++)
		has_children = is_child(&t->host->devs[i], d);
	if (has_children || ov_pci_is_bridge(d)) {
		bool known = bridge_buses(t, d, &sec, &sub);

		if (!known) {
			/* Config space unreadable: the buses its children are on. */
			sec = 0xff;
			for (size_t i = 0; i < t->host->n_devs; i++) {
				const struct ov_pci_dev *c = &t->host->devs[i];

				if (!is_child(c, d))
					continue;
				sec = c->bdf.bus < sec ? c->bdf.bus : sec;
				sub = c->bdf.bus > sub ? c->bdf.bus : sub;
				known = true;
			}
		}
		if (known) {
			p = sec == sub ? tree_add(t, p, "-[%02x]-", sec) :
					 tree_add(t, p, "-[%02x-%02x]-", sec, sub);
			p = tree_add(t, p, "-");
			tree_bus(t, d, -1, -1, p);
			return;
		}
	}
	/* Unknown names as libpci words them (lib/names.c). */
	if (t->cli->verbosity > 0 && d->ids_known && !*d->vendor_name)
		p = tree_add(t, p, "  Device %04x:%04x", d->vendor, d->device);
	else if (t->cli->verbosity > 0 && d->ids_known && !*d->device_name)
		p = tree_add(t, p, "  %s Device %04x", d->vendor_name, d->device);
	else if (t->cli->verbosity > 0 && d->ids_known)
		p = tree_add(t, p, "  %s %s", d->vendor_name, d->device_name);
	tree_print(t, p);
}

/* Below @parent, or on root bus @domain:@bus when @parent is NULL. */
static bool on_bus(const struct tree *t, const struct ov_pci_dev *d,
		   const struct ov_pci_dev *parent, int domain, int bus)
{
	if (parent)
		return is_child(d, parent);
	/* A parent sysfs names but the scan did not list: a root, too. */
	return (!d->has_parent || !ov_host_find(t->host, &d->parent)) &&
	       d->bdf.domain == domain && d->bdf.bus == bus;
}

static void tree_bus(struct tree *t, const struct ov_pci_dev *parent, int domain, int bus,
		     char *p)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < t->host->n_devs; i++)
		n += t->shown[i] && on_bus(t, &t->host->devs[i], parent, domain, bus);
	if (n == 0) {
		tree_print(t, p);
		return;
	}
	for (size_t i = 0; i < t->host->n_devs; i++) {
		if (!t->shown[i] || !on_bus(t, &t->host->devs[i], parent, domain, bus))
			continue;
		k++;
		tree_dev(t, &t->host->devs[i],
			 tree_add(t, p, "%s", n == 1 ? "--" : k < n ? "+-" : "\\-"));
	}
}

/* Whether devs[i] or anything below it matches; marks t->shown. */
static bool mark_shown(struct tree *t, size_t i, int depth)
{
	bool shown = filter_match(t->filter, &t->host->devs[i]);

	for (size_t k = 0; k < t->host->n_devs && depth < 32; k++)
		if (is_child(&t->host->devs[k], &t->host->devs[i]) && mark_shown(t, k, depth + 1))
			shown = true;
	t->shown[i] = shown;
	return shown;
}

static int print_tree(struct ov_cli *cli, const struct ov_host *host,
		      const struct dev_filter *filter)
{
	struct tree t = { .cli = cli, .host = host, .filter = filter };
	int roots[64][2];
	size_t n_roots = 0;
	char *p;

	t.shown = calloc(host->n_devs + 1, sizeof(*t.shown));
	if (!t.shown)
		return ov_cli_error("out of memory");
	for (size_t i = 0; i < host->n_devs; i++) {
		const struct ov_pci_dev *d = &host->devs[i];
		size_t k;

		if (d->has_parent && ov_host_find(host, &d->parent))
			continue;
		mark_shown(&t, i, 0);
		if (!t.shown[i])
			continue;
		for (k = 0; k < n_roots; k++)
			if (roots[k][0] == d->bdf.domain && roots[k][1] == d->bdf.bus)
				break;
		if (k == n_roots && n_roots < 64) {
			roots[n_roots][0] = d->bdf.domain;
			roots[n_roots++][1] = d->bdf.bus;
		}
	}
	p = tree_add(&t, t.line, "-");
	for (size_t k = 0; k < n_roots; k++) {
		const char *lead = n_roots == 1 ? "" : k + 1 < n_roots ? "+-" : "\\-";

		tree_bus(&t, NULL, roots[k][0], roots[k][1],
			 tree_add(&t, p, "%s[%04x:%02x]-", lead, roots[k][0], roots[k][1]));
	}
	free(t.shown);
	return OV_EXIT_OK;
}

static const char list_help[] =
	"Usage: optivfio [--root DIR] [--json] [-v] list [-s SLOT] [-d ID] [-t]\n"
	"\n"
	"Every PCI function: BDF, class, vendor:device and names, subsystem ids,\n"
	"revision, driver in use, driver_override (unset, or the driver it names;\n"
	"none: no driver binds), IOMMU group, ACPI path (firmware_node/path),\n"
	"power state, ROM BAR size, boot VGA.\n"
	"\n"
	"  -s, --slot [[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]]\n"
	"                    only the devices in that domain, bus, slot or function\n"
	"                    (hex, as in lspci -s: '1:' bus 1, '1:0.0', '.1', '02')\n"
	"  -d, --id [VENDOR]:[DEVICE][:CLASS]\n"
	"                    only the devices with those ids (hex, as in lspci -d:\n"
	"                    '10de:', '10de:1c8d', '::0300')\n"
	"  -t, --tree        the bus tree, as lspci -t draws it (-v adds names); with\n"
	"                    -s or -d, only the branches that lead to those devices\n";

int cmd_list(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "slot", required_argument, NULL, 's' },
		{ "id", required_argument, NULL, 'd' },
		{ "tree", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dev_filter f = { -1, -1, -1, -1, -1, -1, -1 };
	struct ov_host *host;
	bool tree = false, any = false;
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":s:d:tvh", options, NULL)) != -1) {
		switch (c) {
		case 'v':
			/* -v alone is taken globally; here for lspci's "-tv". */
			cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
			break;
		case 's':
			if (!parse_slot_filter(optarg, &f))
				return ov_cli_usage_error("list ", "-s %s: not a slot: want "
							  "[[[[DOMAIN]:]BUS]:][SLOT][.[FUNC]] "
							  "in hex", optarg);
			break;
		case 'd':
			if (!parse_id_filter(optarg, &f))
				return ov_cli_usage_error("list ", "-d %s: not an id: want "
							  "[VENDOR]:[DEVICE][:CLASS] in hex",
							  optarg);
			break;
		case 't':
			tree = true;
			break;
		case 'h':
			fputs(list_help, stdout);
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("list ", c, argv, options);
		}
	}
	if (optind < argc)
		return ov_cli_usage_error("list ", "unexpected argument '%s'", argv[optind]);
	if (tree && cli->json)
		return ov_cli_usage_error("list ", "--tree has no --json form: --json lists "
					  "each device's parent");
	r = scan(cli, &host);
	if (r)
		return r;

	if (tree) {
		r = print_tree(cli, host, &f);
		ov_host_free(host);
		return r;
	}
	if (cli->json) {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		for (size_t i = 0; i < host->n_devs; i++)
			if (filter_match(&f, &host->devs[i]))
				json_object_array_add(arr, device_json(&host->devs[i]));
		json_object_object_add(root, "devices", arr);
		r = json_print(root);
	} else {
		for (size_t i = 0; i < host->n_devs; i++) {
			if (!filter_match(&f, &host->devs[i]))
				continue;
			if (any)
				putchar('\n');
			print_device(&host->devs[i]);
			any = true;
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
	"Usage: optivfio [--root DIR] [--json] groups [--gpu BDF] [-1]\n"
	"\n"
	"IOMMU groups with their members, then for the discrete GPU (found, or\n"
	"given with --gpu) a verdict: which devices share its group, whether the\n"
	"group can be given to a VM whole, and its sibling functions (HDMI audio).\n"
	"\n"
	"  --gpu BDF         the GPU (default: the discrete GPU found)\n"
	"  -1, --one-line    only one line per device, as ls-iommu prints them:\n"
	"                    IOMMU group N  BB:DD.F class [cccc]: names [vvvv:dddd]\n";

/* lspci's form: "01:00.0" in domain 0, else the full address. */
static const char *short_bdf(const struct ov_bdf *bdf, char buf[OV_BDF_STRLEN])
{
	ov_bdf_format(bdf, buf);
	return bdf->domain ? buf : buf + 5;
}

int cmd_groups(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "one-line", no_argument, NULL, '1' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	bool one_line = false;
	const struct ov_pci_dev *gpu = NULL;
	struct ov_gpu_group *g = NULL;
	struct ov_bdf want, *wantp = NULL;
	struct ov_host *host;
	int *ids = NULL;
	size_t n_ids = 0;
	char b[OV_BDF_STRLEN];
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":1h", options, NULL)) != -1) {
		switch (c) {
		case '1':
			one_line = true;
			break;
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

	if (one_line) {
		/* One line per device, as ls-iommu prints them: greppable. */
		for (size_t i = 0; i < n_ids; i++)
			for (size_t k = 0; k < host->n_devs; k++) {
				if (host->devs[k].iommu_group != ids[i])
					continue;
				printf("IOMMU group %d  %s ", ids[i],
				       short_bdf(&host->devs[k].bdf, b));
				print_identity(&host->devs[k]);
				putchar('\n');
			}
		r = OV_EXIT_OK;
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
