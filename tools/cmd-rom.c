// SPDX-License-Identifier: GPL-2.0-or-later
/* rom info | strip | dump: the video BIOS commands (design.md §2, §4). */
#include "cli.h"
#include "json-out.h"
#include "commands.h"
#include "cmd-rom.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "rom/rom.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void print_image(const struct ov_rom_image *im, size_t index)
{
	printf("image %zu at 0x%zx: %s (code type 0x%02x), %04x:%04x, class %06x, %s\n",
	       index, im->offset, ov_rom_code_type_name(im->code_type), im->code_type,
	       im->vendor, im->device, im->class_code, im->pcir_sig);
	printf("  length 0x%zx (%zu bytes), %s", im->length, im->length,
	       im->last ? "last" : "more follow");
	if (im->checksum != OV_ROM_CHECKSUM_NA)
		printf(", checksum %s", im->checksum == OV_ROM_CHECKSUM_OK ? "ok" : "BAD");
	if (im->init_checksum != OV_ROM_CHECKSUM_NA && im->init_size != im->length)
		printf(" (over init size 0x%zx: %s)", im->init_size,
		       im->init_checksum == OV_ROM_CHECKSUM_OK ? "ok" : "bad");
	printf("\n");
	if (im->has_npde) {
		printf("  PCIR: 0x%zx, %s; NPDE: 0x%zx, %s", im->pcir_length,
		       im->pcir_last ? "last" : "more", im->npde_length,
		       im->npde_last ? "last" : "more");
		if (im->npde_length != im->pcir_length || im->npde_last != im->pcir_last)
			printf(" (they disagree: NPDE wins, as in nouveau)");
		printf("\n");
	} else if (im->code_type == OV_ROM_CODE_NV_FINAL && !im->pcir_last) {
		printf("  PCIR says more, but a 0x70 image always ends the chain\n");
	}
	if (im->n_device_list) {
		printf("  device list:");
		for (size_t i = 0; i < im->n_device_list; i++)
			printf(" %04x", im->device_list[i]);
		printf("\n");
	}
	if (im->has_efi)
		printf("  EFI: %s %s, %s, signature 0x%04" PRIx32 "%s\n",
		       ov_rom_efi_machine_name(im->efi.machine),
		       ov_rom_efi_subsystem_name(im->efi.subsystem),
		       im->efi.compression ? "compressed" : "uncompressed", im->efi.signature,
		       im->efi.valid ? "" : " (NOT a valid EFI image header)");
}

static void print_info_text(const char *file, const struct ov_rom_info *info)
{
	printf("%s: %zu bytes\n", file, info->size);
	if (info->prefix_length)
		printf("prefix: 0x%zx bytes%s before the first image\n", info->prefix_length,
		       info->prefix_nvgi ? " (NVGI flash header)" : "");
	for (size_t i = 0; i < info->n_images; i++)
		print_image(&info->images[i], i);
	if (info->problem == OV_ROM_OK) {
		printf("chain: 0x%zx..0x%zx (%zu bytes)\n", info->prefix_length, info->chain_end,
		       info->rom_length);
		if (info->trailing_length)
			printf("after the chain: 0x%zx bytes (%s)\n", info->trailing_length,
			       info->padding_only ? "0xFF/0x00 padding" : "not only padding");
	} else {
		printf("problem: %s\n", info->problem_msg);
	}
	printf("verdict: %s: %s\n", ov_rom_verdict_name(info->verdict), info->verdict_msg);
}

static void add_size(json_object *o, const char *key, size_t value)
{
	json_object_object_add(o, key, json_object_new_int64((int64_t)value));
}

static json_object *checksum_json(enum ov_rom_checksum c)
{
	return c == OV_ROM_CHECKSUM_NA ? NULL : json_object_new_boolean(c == OV_ROM_CHECKSUM_OK);
}

static json_object *image_json(const struct ov_rom_image *im)
{
	json_object *o = json_object_new_object(), *list = json_object_new_array();

	add_size(o, "offset", im->offset);
	json_object_object_add(o, "signature", json_object_new_int(im->signature));
	json_object_object_add(o, "data_structure", json_object_new_string(im->pcir_sig));
	json_object_object_add(o, "code_type", json_object_new_int(im->code_type));
	json_object_object_add(o, "code_type_name",
			       json_object_new_string(ov_rom_code_type_name(im->code_type)));
	json_object_object_add(o, "vendor_id", json_object_new_int(im->vendor));
	json_object_object_add(o, "device_id", json_object_new_int(im->device));
	for (size_t i = 0; i < im->n_device_list; i++)
		json_object_array_add(list, json_object_new_int(im->device_list[i]));
	json_object_object_add(o, "device_list", list);
	json_object_object_add(o, "class_code", json_object_new_int((int32_t)im->class_code));
	json_object_object_add(o, "pcir_revision", json_object_new_int(im->pcir_revision));
	json_object_object_add(o, "code_revision", json_object_new_int(im->code_revision));
	add_size(o, "length", im->length);
	json_object_object_add(o, "last", json_object_new_boolean(im->last));
	add_size(o, "pcir_length", im->pcir_length);
	json_object_object_add(o, "pcir_last", json_object_new_boolean(im->pcir_last));
	if (im->has_npde) {
		json_object *n = json_object_new_object();

		add_size(n, "offset", im->npde_offset);
		add_size(n, "length", im->npde_length);
		json_object_object_add(n, "last", json_object_new_boolean(im->npde_last));
		json_object_object_add(o, "npde", n);
	} else {
		json_object_object_add(o, "npde", NULL);
	}
	add_size(o, "init_size", im->init_size);
	json_object_object_add(o, "checksum_ok", checksum_json(im->checksum));
	json_object_object_add(o, "init_checksum_ok", checksum_json(im->init_checksum));
	if (im->has_efi) {
		json_object *e = json_object_new_object();

		json_object_object_add(e, "signature", json_object_new_int64(im->efi.signature));
		json_object_object_add(e, "subsystem", json_object_new_int(im->efi.subsystem));
		json_object_object_add(e, "machine", json_object_new_int(im->efi.machine));
		json_object_object_add(e, "machine_name",
			json_object_new_string(ov_rom_efi_machine_name(im->efi.machine)));
		json_object_object_add(e, "compressed",
				       json_object_new_boolean(im->efi.compression != 0));
		add_size(e, "init_size", im->efi.init_size * OV_ROM_UNIT);
		json_object_object_add(e, "pe_offset", json_object_new_int(im->efi.pe_offset));
		json_object_object_add(e, "valid", json_object_new_boolean(im->efi.valid));
		json_object_object_add(o, "efi", e);
	} else {
		json_object_object_add(o, "efi", NULL);
	}
	return o;
}

json_object *ov_cli_rom_info_json(const char *file, const struct ov_rom_info *info)
{
	json_object *o = json_object_new_object(), *images = json_object_new_array();

	json_object_object_add(o, "file", file ? json_object_new_string(file) : NULL);
	add_size(o, "size", info->size);
	add_size(o, "prefix_length", info->prefix_length);
	json_object_object_add(o, "prefix_nvgi", json_object_new_boolean(info->prefix_nvgi));
	add_size(o, "rom_length", info->rom_length);
	add_size(o, "chain_end", info->chain_end);
	json_object_object_add(o, "chain_complete",
			       json_object_new_boolean(info->problem == OV_ROM_OK));
	add_size(o, "trailing_length", info->trailing_length);
	add_size(o, "padding_length", info->padding_length);
	for (size_t i = 0; i < info->n_images; i++)
		json_object_array_add(images, image_json(&info->images[i]));
	json_object_object_add(o, "images", images);
	json_object_object_add(o, "pcir_npde_disagree",
			       json_object_new_boolean(info->pcir_npde_disagree));
	json_object_object_add(o, "problem", info->problem == OV_ROM_OK ? NULL :
			       json_object_new_string(info->problem_msg));
	json_object_object_add(o, "verdict",
			       json_object_new_string(ov_rom_verdict_name(info->verdict)));
	json_object_object_add(o, "verdict_reason", json_object_new_string(info->verdict_msg));
	return o;
}

static int load_rom(struct ov_cli *cli, const char *file, uint8_t **data, size_t *len,
		    struct ov_rom_info *info)
{
	if (ov_read_file(cli->ctx, file, data, len) < 0)
		return ov_cli_error_ctx(cli, NULL);
	ov_rom_parse(*data, *len, 0, info);
	return 0;
}

static int rom_info(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct ov_rom_info *info;
	uint8_t *data;
	size_t len;
	int c, r;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("Usage: optivfio [--json] rom info FILE\n"
			       "\n"
			       "Describe a video BIOS / option ROM file: its images (offset, code\n"
			       "type, ids, class, PCIR and NVIDIA NPDE lengths, checksums, EFI\n"
			       "header), a flash-dump prefix, padding, and whether a VM can use it.\n"
			       "Exit status 1 when the ROM is broken.\n");
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("rom info ", c, argv, options);
		}
	}
	if (argc - optind != 1)
		return ov_cli_usage_error("rom info ", "rom info takes one FILE");

	info = malloc(sizeof(*info));
	if (!info)
		return ov_cli_error("out of memory");
	r = load_rom(cli, argv[optind], &data, &len, info);
	if (r) {
		free(info);
		return r;
	}
	if (cli->json)
		json_print(ov_cli_rom_info_json(argv[optind], info));
	else
		print_info_text(argv[optind], info);
	r = OV_EXIT_OK;
	if (info->verdict == OV_ROM_BROKEN)
		r = ov_cli_error("%s: broken ROM: %s", argv[optind], info->verdict_msg);
	free(data);
	free(info);
	return r;
}

static int rom_strip(struct ov_cli *cli, int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "trim-padding", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *out = NULL, *file;
	bool trim = false;
	size_t start, end, len;
	uint8_t *data = NULL;
	int c, r = OV_EXIT_FAILURE;

	opterr = 0;	/* ov_cli_option_error() says it, with a suggestion */
	while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 't':
			trim = true;
			break;
		case 'h':
			printf("Usage: optivfio rom strip FILE -o OUT [--trim-padding]\n"
			       "\n"
			       "Write the ROM in FILE without what precedes its first image (the NVGI\n"
			       "header of full-flash dumps). --trim-padding also drops trailing\n"
			       "0xFF/0x00 bytes after the last image. Cuts only at image boundaries,\n"
			       "refuses a broken ROM, and never touches FILE.\n");
			return OV_EXIT_OK;
		default:
			return ov_cli_option_error("rom strip ", c, argv, options);
		}
	}
	if (argc - optind != 1)
		return ov_cli_usage_error("rom strip ", "rom strip takes one FILE");
	if (!out)
		return ov_cli_usage_error("rom strip ", "rom strip needs -o OUT");
	file = argv[optind];
	if (strcmp(file, out) == 0 || ov_same_file(file, out))
		return ov_cli_usage_error("rom strip ", "OUT must not be FILE (the input is never "
					  "changed in place)");

	if (ov_read_file(cli->ctx, file, &data, &len) < 0) {
		r = ov_cli_error_ctx(cli, NULL);
		goto out;
	}
	if (ov_rom_stripped(cli->ctx, data, len, trim, &start, &end) < 0) {
		r = ov_cli_error("%s: %s; nothing written", file, ov_ctx_error(cli->ctx));
		goto out;
	}
	if (ov_write_file_atomic(cli->ctx, out, data + start, end - start, 0644) < 0) {
		r = ov_cli_error_ctx(cli, NULL);
		goto out;
	}
	if (cli->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "output", json_object_new_string(out));
		add_size(o, "removed_prefix", start);
		add_size(o, "removed_tail", (len - end));
		add_size(o, "length", (end - start));
		json_print(o);
	} else if (cli->verbosity >= 0) {
		printf("%s: %zu bytes (removed a %zu-byte prefix and %zu trailing bytes)\n",
		       out, end - start, start, len - end);
	}
	r = OV_EXIT_OK;
out:
	free(data);
	return r;
}

static void rom_usage(FILE *f)
{
	fputs("Usage: optivfio rom info FILE\n"
	      "       optivfio rom strip FILE -o OUT [--trim-padding]\n"
	      "       optivfio rom dump [--gpu BDF] [--from auto|acpi|sysfs] -o OUT\n"
	      "\n"
	      "Inspect, strip and dump the GPU's video BIOS. 'optivfio rom CMD --help'\n"
	      "for each command.\n", f);
}

int cmd_rom(struct ov_cli *cli, int argc, char **argv)
{
	if (argc < 2) {
		rom_usage(stderr);
		return OV_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		rom_usage(stdout);
		return OV_EXIT_OK;
	}
	if (strcmp(argv[1], "info") == 0)
		return rom_info(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "strip") == 0)
		return rom_strip(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "dump") == 0)
		return ov_cli_rom_dump(cli, argc - 1, argv + 1);
	return ov_cli_usage_error("rom ", "unknown rom command '%s'", argv[1]);
}
