// SPDX-License-Identifier: GPL-2.0-or-later
/* rom dump: the GPU's ROM (rom/acquire.h decides from where), written to a file. */
#include "cli.h"
#include "cmd-rom.h"
#include "json-out.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "host/host.h"
#include "rom/acquire.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool bar_drawn;

static void draw_progress(void *userdata, size_t done, size_t total)
{
	if (total) {
		int width = 40, fill = (int)((double)done / (double)total * width);

		fprintf(stderr, "\r[%-*.*s] %3d%% %zu/%zu bytes", width, fill,
			"########################################",
			(int)(100.0 * (double)done / (double)total), done, total);
	} else {
		fprintf(stderr, "\rreading... %zu bytes", done);
	}
	bar_drawn = true;
}

/* The dGPU optivfio finds, when --gpu does not name one. */
static int pick_device(struct ov_cli *cli, const char *gpu, char *bdf)
{
	const struct ov_pci_dev *dev;
	struct ov_host *host = NULL;
	struct ov_bdf b;

	if (gpu) {
		if (ov_cli_parse_bdf("rom dump ", "--gpu", gpu, &b))
			return OV_EXIT_USAGE;
		ov_bdf_format(&b, bdf);
		return 0;
	}
	if (ov_host_scan(cli->ctx, &host) < 0 || ov_host_pick_dgpu(cli->ctx, host, NULL, &dev) < 0) {
		if (host)
			ov_host_free(host);
		ov_cli_error_ctx(cli, "finding the GPU");
		ov_cli_hint(cli, "name it with --gpu BDF");
		return OV_EXIT_FAILURE;
	}
	ov_bdf_format(&dev->bdf, bdf);
	ov_host_free(host);
	return 0;
}

void ov_cli_rom_dump_summary(FILE *f, const char *out, const struct ov_rom_acquired *a,
			     bool any_ids)
{
	fprintf(f, "%s: %zu bytes from %s", out, a->len, ov_rom_source_name(a->used));
	if (a->used == OV_ROM_FROM_ACPI)
		fprintf(f, " (%s._ROM, %zu calls of up to %zu bytes)", a->acpi_path,
			a->stats.calls, a->stats.chunk);
	fprintf(f, ", %04x:%04x, %zu images: %s\n", a->info->images[0].vendor,
		a->info->images[0].device, a->info->n_images,
		any_ids ? "ids not checked (--force)" : "matches the device");
}

void ov_cli_rom_acquire_reason(struct ov_cli *cli, const char *bdf,
			       const struct ov_rom_acquired *a, char *buf, size_t size)
{
	if (*a->sysfs_error)
		snprintf(buf, size, "rom dump %s: sysfs: %s; acpi: %s", bdf, a->sysfs_error,
			 ov_ctx_error(cli->ctx));
	else if (a->used == OV_ROM_FROM_AUTO)	/* no source tried: the device is not there */
		snprintf(buf, size, "%s", ov_ctx_error(cli->ctx));
	else
		snprintf(buf, size, "%s: %s", ov_rom_source_name(a->used), ov_ctx_error(cli->ctx));
}

void ov_cli_rom_acquire_hint(struct ov_cli *cli, const struct ov_rom_acquired *a)
{
	if (a->acpi_call_missing)
		ov_cli_hint(cli, "modprobe acpi_call (Debian: apt install acpi-call-dkms)");
}

static void print_json(const char *out, const char *bdf, const struct ov_rom_acquired *a)
{
	json_object *o = ov_cli_rom_info_json(out, a->info);

	json_object_object_add(o, "source", json_object_new_string(ov_rom_source_name(a->used)));
	json_object_object_add(o, "gpu", json_object_new_string(bdf));
	if (a->used == OV_ROM_FROM_ACPI) {
		json_object_object_add(o, "acpi_path", json_object_new_string(a->acpi_path));
		json_object_object_add(o, "acpi_calls", json_object_new_int64((int64_t)a->stats.calls));
		json_object_object_add(o, "acpi_bytes_per_call",
				       json_object_new_int64((int64_t)a->stats.chunk));
	}
	json_print(o);
}

static void usage(void)
{
	printf("Usage: optivfio rom dump [--gpu BDF] [--from auto|acpi|sysfs] -o OUT [--force]\n"
	       "\n"
	       "Read the GPU's video BIOS and write it to OUT, after checking that it is a\n"
	       "complete ROM for this device's vendor:device id.\n"
	       "  --gpu BDF    the GPU (default: the discrete GPU optivfio finds)\n"
	       "  --from sysfs the PCI ROM BAR (/sys/bus/pci/devices/BDF/rom)\n"
	       "  --from acpi  the firmware's ACPI _ROM through acpi_call (/proc/acpi/call),\n"
	       "               what the NVIDIA driver uses on Optimus laptops\n"
	       "  --from auto  sysfs, then acpi (default); says which one worked\n"
	       "  --force      write even when the ROM's ids are not the device's\n"
	       "  -o OUT       output file (written atomically)\n");
}

struct dump_opts {
	const char *gpu, *out;
	struct ov_rom_request req;
};

static int parse(int argc, char **argv, struct dump_opts *o)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	int c;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			o->gpu = optarg;
			break;
		case 'f':
			if (ov_rom_source_parse(optarg, &o->req.from) < 0)
				return ov_cli_usage_error("rom dump ", "--from: '%s' is not auto, "
							  "acpi or sysfs", optarg);
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'F':
			o->req.any_ids = true;
			break;
		case 'h':
			usage();
			return -1;
		default:
			return ov_cli_option_error("rom dump ", c, argv, options);
		}
	}
	if (optind != argc)
		return ov_cli_usage_error("rom dump ", "unexpected argument '%s'", argv[optind]);
	if (!o->out)
		return ov_cli_usage_error("rom dump ", "rom dump needs -o OUT");
	return 0;
}

int ov_cli_rom_dump(struct ov_cli *cli, int argc, char **argv)
{
	struct ov_rom_progress progress = { draw_progress, NULL };
	struct dump_opts o = { .req.from = OV_ROM_FROM_AUTO };
	struct ov_rom_acquired a;
	char bdf[OV_BDF_STRLEN];
	int r;

	r = parse(argc, argv, &o);
	if (r)
		return r < 0 ? OV_EXIT_OK : r;
	r = pick_device(cli, o.gpu, bdf);
	if (r)
		return r;
	o.req.bdf = bdf;
	if (isatty(STDERR_FILENO) && cli->verbosity >= 0)
		o.req.progress = &progress;
	r = ov_rom_acquire(cli->ctx, &o.req, &a);
	if (bar_drawn)
		fputc('\n', stderr);
	if (r < 0) {
		char why[1024];

		ov_cli_rom_acquire_reason(cli, bdf, &a, why, sizeof(why));
		r = ov_cli_error("%s", why);
		ov_cli_rom_acquire_hint(cli, &a);
	} else if (ov_write_file_atomic(cli->ctx, o.out, a.data, a.len, 0644) < 0) {
		r = ov_cli_error_ctx(cli, NULL);
	} else if (cli->json) {
		print_json(o.out, bdf, &a);
	} else if (cli->verbosity >= 0) {
		ov_cli_rom_dump_summary(stdout, o.out, &a, o.req.any_ids);
	}
	ov_rom_acquired_clear(&a);
	return r;
}
