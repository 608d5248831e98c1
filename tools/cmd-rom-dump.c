// SPDX-License-Identifier: GPL-2.0-or-later
/* rom dump: get the dGPU's ROM from sysfs or ACPI _ROM, validate, write. */
#include "cli.h"
#include "cmd-rom.h"
#include "core/bdf.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "host/host.h"
#include "rom/dump.h"
#include "rom/rom.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum source { FROM_AUTO, FROM_ACPI, FROM_SYSFS };

struct dump_job {
	struct ov_cli *cli;
	char bdf[OV_BDF_STRLEN];
	uint16_t vendor, device;
	bool force;
	const char *used;		/* "sysfs" or "acpi" */
	char acpi_path[256];
	struct ov_acpi_dump_stats stats;
	struct ov_rom_info *info;
	bool bar_drawn;
};

static void draw_progress(void *userdata, size_t done, size_t total)
{
	struct dump_job *job = userdata;

	if (total) {
		int width = 40, fill = (int)((double)done / (double)total * width);

		fprintf(stderr, "\r[%-*.*s] %3d%% %zu/%zu bytes", width, fill,
			"########################################",
			(int)(100.0 * (double)done / (double)total), done, total);
	} else {
		fprintf(stderr, "\rreading... %zu bytes", done);
	}
	job->bar_drawn = true;
}

static void end_progress(struct dump_job *job)
{
	if (job->bar_drawn)
		fputc('\n', stderr);
	job->bar_drawn = false;
}

/* Dump from one source and check it is this device's ROM. */
static int dump_from(struct dump_job *job, enum source src, uint8_t **data, size_t *len)
{
	struct ov_ctx *ctx = job->cli->ctx;
	struct ov_rom_progress progress = { draw_progress, job };
	int r;

	if (src == FROM_SYSFS) {
		job->used = "sysfs";
		r = ov_rom_dump_sysfs(ctx, job->bdf, data, len);
	} else {
		job->used = "acpi";
		r = ov_rom_acpi_path(ctx, job->bdf, job->acpi_path, sizeof(job->acpi_path));
		if (r == 0)
			r = ov_acpi_call_check(ctx);
		if (r == 0) {
			bool bar = isatty(STDERR_FILENO) && job->cli->verbosity >= 0;

			r = ov_rom_dump_acpi(ctx, &ov_acpi_call_proc_ops, ctx, job->acpi_path,
					     bar ? &progress : NULL, data, len, &job->stats);
			end_progress(job);
		}
	}
	if (r < 0)
		return r;

	ov_rom_parse(*data, *len, OV_ROM_AT_START, job->info);
	if (job->info->verdict != OV_ROM_USABLE)
		r = ov_ctx_fail(ctx, EBADMSG, "the dumped ROM is not usable: %s",
				job->info->verdict_msg);
	else if (!job->force)
		r = ov_rom_validate_ids(ctx, job->info, job->vendor, job->device);
	if (r < 0) {
		free(*data);
		*data = NULL;
	}
	return r;
}

static int pick_device(struct dump_job *job, const char *gpu)
{
	struct ov_ctx *ctx = job->cli->ctx;
	const struct ov_pci_dev *dev;
	struct ov_host *host;
	struct ov_bdf bdf;

	if (gpu) {
		if (ov_cli_parse_bdf("rom dump ", "--gpu", gpu, &bdf))
			return OV_EXIT_USAGE;
		ov_bdf_format(&bdf, job->bdf);
		return 0;
	}
	if (ov_host_scan(ctx, &host) < 0) {
		ov_cli_error_ctx(job->cli, "finding the GPU");
		ov_cli_hint(job->cli, "name it with --gpu BDF");
		return OV_EXIT_FAILURE;
	}
	if (ov_host_pick_dgpu(ctx, host, NULL, &dev) < 0) {
		ov_host_free(host);
		ov_cli_error_ctx(job->cli, "finding the GPU");
		ov_cli_hint(job->cli, "name it with --gpu BDF");
		return OV_EXIT_FAILURE;
	}
	ov_bdf_format(&dev->bdf, job->bdf);
	ov_host_free(host);
	return 0;
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

int ov_cli_rom_dump(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "gpu", required_argument, NULL, 'g' },
		{ "from", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct dump_job job = { .cli = cli };
	enum source src = FROM_AUTO;
	const char *gpu = NULL, *out = NULL;
	char first_err[512] = "";
	uint8_t *data = NULL;
	size_t len = 0;
	int c, r;

	while ((c = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (c) {
		case 'g':
			gpu = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "auto") == 0)
				src = FROM_AUTO;
			else if (strcmp(optarg, "acpi") == 0)
				src = FROM_ACPI;
			else if (strcmp(optarg, "sysfs") == 0)
				src = FROM_SYSFS;
			else
				return ov_cli_usage_error("rom dump ", "--from: '%s' is not auto, "
							  "acpi or sysfs", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'F':
			job.force = true;
			break;
		case 'h':
			usage();
			return OV_EXIT_OK;
		default:
			return ov_cli_usage_error("rom dump ", "invalid option");
		}
	}
	if (optind != argc)
		return ov_cli_usage_error("rom dump ", "unexpected argument '%s'", argv[optind]);
	if (!out)
		return ov_cli_usage_error("rom dump ", "rom dump needs -o OUT");

	r = pick_device(&job, gpu);
	if (r)
		return r;
	if (ov_rom_device_ids(cli->ctx, job.bdf, &job.vendor, &job.device) < 0)
		return ov_cli_error("%s: no such PCI device (%s)", job.bdf, ov_ctx_error(cli->ctx));
	job.info = malloc(sizeof(*job.info));
	if (!job.info)
		return ov_cli_error("out of memory");

	if (src == FROM_AUTO) {
		r = dump_from(&job, FROM_SYSFS, &data, &len);
		if (r < 0) {
			snprintf(first_err, sizeof(first_err), "%s", ov_ctx_error(cli->ctx));
			r = dump_from(&job, FROM_ACPI, &data, &len);
		}
	} else {
		r = dump_from(&job, src, &data, &len);
	}
	if (r < 0) {
		if (*first_err)
			r = ov_cli_error("rom dump %s: sysfs: %s; acpi: %s", job.bdf, first_err,
					 ov_ctx_error(cli->ctx));
		else
			r = ov_cli_error_ctx(cli, job.used);
		if (strstr(ov_ctx_error(cli->ctx), "acpi_call module is not loaded"))
			ov_cli_hint(cli, "modprobe acpi_call (Debian: apt install acpi-call-dkms)");
		goto out;
	}
	if (ov_write_file_atomic(cli->ctx, out, data, len, 0644) < 0) {
		r = ov_cli_error_ctx(cli, NULL);
		goto out;
	}
	if (cli->json) {
		json_object *o = ov_cli_rom_info_json(out, job.info);

		json_object_object_add(o, "source", json_object_new_string(job.used));
		json_object_object_add(o, "gpu", json_object_new_string(job.bdf));
		if (strcmp(job.used, "acpi") == 0) {
			json_object_object_add(o, "acpi_path", json_object_new_string(job.acpi_path));
			json_object_object_add(o, "acpi_calls",
					       json_object_new_int64((int64_t)job.stats.calls));
			json_object_object_add(o, "acpi_bytes_per_call",
					       json_object_new_int64((int64_t)job.stats.chunk));
		}
		ov_cli_print_json(o);
	} else if (cli->verbosity >= 0) {
		printf("%s: %zu bytes from %s", out, len, job.used);
		if (strcmp(job.used, "acpi") == 0)
			printf(" (%s._ROM, %zu calls of up to %zu bytes)", job.acpi_path,
			       job.stats.calls, job.stats.chunk);
		printf(", %04x:%04x, %zu images: %s\n", job.info->images[0].vendor,
		       job.info->images[0].device, job.info->n_images,
		       job.force ? "ids not checked (--force)" : "matches the device");
	}
	r = OV_EXIT_OK;
out:
	free(data);
	free(job.info);
	return r;
}
