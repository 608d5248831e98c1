/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * PCI expansion ROM images: parse the image chain, strip a flash-dump
 * prefix, validate against a device.
 *
 * Formats: PCI Firmware 3.0 §5.1 (image header, PCI Data Structure), UEFI
 * §14.4.2 (EFI image header), NVIDIA's NPDS/NPDE extension as read by Linux
 * nouveau (nvkm/subdev/bios/image.c, npde.c). Details and sources are in
 * facts-rom-acpicall.md §3.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ov_ctx;

/* Images start on 512-byte boundaries; lengths are in 512-byte units. */
#define OV_ROM_UNIT		512u
/* Nothing real has more images than this; a chain that does is garbage. */
#define OV_ROM_MAX_IMAGES	64

/* Image header signatures (u16 little-endian at image offset 0). */
#define OV_ROM_SIG_PCI		0xAA55	/* bytes 55 AA */
#define OV_ROM_SIG_NV_VN	0x4E56	/* bytes 56 4E "VN": NVIDIA sub-image */
#define OV_ROM_SIG_NV_BB77	0xBB77	/* accepted by nouveau */

/* PCIR code types (PCI FW 3.0 §5.1.2), plus NVIDIA's undocumented ones. */
enum ov_rom_code_type {
	OV_ROM_CODE_X86 = 0x00,
	OV_ROM_CODE_OPENFW = 0x01,
	OV_ROM_CODE_PARISC = 0x02,
	OV_ROM_CODE_EFI = 0x03,
	OV_ROM_CODE_NV_FINAL = 0x70,	/* small last image, no NPDE */
	OV_ROM_CODE_NV_DATA = 0xE0,
};

enum ov_rom_checksum {
	OV_ROM_CHECKSUM_NA = -1,	/* not an x86 image: nothing to sum */
	OV_ROM_CHECKSUM_BAD = 0,
	OV_ROM_CHECKSUM_OK = 1,
};

/* EFI image header (UEFI §14.4.2, EDK2 EFI_PCI_EXPANSION_ROM_HEADER). */
struct ov_rom_efi {
	uint16_t init_size;		/* 512-byte units */
	uint32_t signature;		/* 0x0EF1 */
	uint16_t subsystem;		/* 0x0A app, 0x0B boot driver, 0x0C runtime driver */
	uint16_t machine;		/* 0x8664 x64, 0x014C IA32, 0xAA64 AArch64, ... */
	uint16_t compression;		/* 0 none, 1 EFI compressed */
	uint16_t pe_offset;		/* EfiImageHeaderOffset, from image start */
	bool valid;			/* passes EDK2 ProcessOpRomImage's checks */
};

struct ov_rom_image {
	size_t offset;			/* absolute offset in the buffer */
	uint16_t signature;		/* OV_ROM_SIG_* */
	size_t pcir_offset;		/* absolute */
	char pcir_sig[5];		/* "PCIR", "NPDS" or "RGIS" */
	uint16_t vendor, device;
	uint16_t device_list[8];	/* PCIR 3.0 device list (first entries), */
	size_t n_device_list;		/* without the terminating 0 */
	uint32_t class_code;		/* 24 bits: base, sub, prog-if */
	uint8_t pcir_revision;
	uint16_t code_revision;
	uint8_t code_type;
	size_t init_size;		/* header byte 2 * 512 (x86 images) */
	size_t pcir_length;		/* PCIR image length, bytes */
	bool pcir_last;			/* PCIR indicator bit 7 */
	bool has_npde;
	size_t npde_offset;		/* absolute, valid when has_npde */
	size_t npde_length;		/* bytes */
	bool npde_last;
	size_t length;			/* effective: NPDE where present, else PCIR */
	bool last;			/* effective; code type 0x70 is always last */
	enum ov_rom_checksum checksum;	/* over the effective length */
	enum ov_rom_checksum init_checksum; /* over init_size (SeaBIOS' rule) */
	bool has_efi;
	struct ov_rom_efi efi;
};

/* Why a chain walk stopped before a proper last image. */
enum ov_rom_problem {
	OV_ROM_OK = 0,
	OV_ROM_EMPTY,		/* no bytes at all */
	OV_ROM_NO_IMAGE,	/* no 55 AA + PCIR on a 512-byte boundary */
	OV_ROM_TRUNCATED,	/* data ends inside a header or an image */
	OV_ROM_BAD_SIGNATURE,	/* next image does not start with 55 AA / VN */
	OV_ROM_BAD_PCIR,	/* data structure pointer out of range or wrong signature */
	OV_ROM_ZERO_LENGTH,	/* image length 0 and not last */
	OV_ROM_TOO_MANY,	/* more than OV_ROM_MAX_IMAGES images */
};

enum ov_rom_verdict {
	OV_ROM_USABLE,		/* a VM can use the file as it is */
	OV_ROM_NEEDS_STRIP,	/* a prefix precedes the ROM: run rom strip */
	OV_ROM_BROKEN,		/* truncated, corrupt, or not a PCI ROM */
};

struct ov_rom_info {
	size_t size;			/* bytes parsed */
	size_t prefix_length;		/* bytes before the first image */
	bool prefix_nvgi;		/* the prefix starts with "NVGI" */
	size_t chain_end;		/* absolute end of the last image parsed */
	size_t rom_length;		/* first image start to chain end */
	size_t trailing_length;		/* bytes after chain_end */
	size_t padding_length;		/* trailing 0xFF/0x00 bytes at the very end */
	bool padding_only;		/* every trailing byte is padding */
	struct ov_rom_image images[OV_ROM_MAX_IMAGES];
	size_t n_images;
	enum ov_rom_problem problem;
	size_t problem_offset;		/* where the walk stopped */
	size_t need;			/* OV_ROM_TRUNCATED: bytes needed to go on */
	char problem_msg[160];
	bool pcir_npde_disagree;	/* information only (NVIDIA ROMs all do) */
	bool checksum_failed;		/* some x86 image's checksum is not 0 */
	enum ov_rom_verdict verdict;
	char verdict_msg[200];
};

enum ov_rom_parse_flags {
	/* The ROM starts at offset 0 (data from a ROM BAR or _ROM): no scan. */
	OV_ROM_AT_START = 1 << 0,
};

/*
 * Walk the image chain in @data. Always fills @info (problems are part of
 * the result, not errors: a broken ROM is still described), so this never
 * fails; it returns 0 for a complete chain, -EBADMSG otherwise.
 */
int ov_rom_parse(const uint8_t *data, size_t size, unsigned flags,
		 struct ov_rom_info *info);

const char *ov_rom_code_type_name(uint8_t code_type);
const char *ov_rom_efi_machine_name(uint16_t machine);
const char *ov_rom_efi_subsystem_name(uint16_t subsystem);
const char *ov_rom_verdict_name(enum ov_rom_verdict v);

/*
 * The range [*start, *end) that rom strip keeps: from the first image, to
 * the end of the data or, with @trim_padding, to the last byte that is not
 * trailing 0xFF/0x00 padding but never before the chain end. -EBADMSG (with
 * a message) when the ROM is broken: nothing safe to cut.
 */
int ov_rom_strip_range(struct ov_ctx *ctx, const struct ov_rom_info *info,
		       bool trim_padding, size_t *start, size_t *end);

/*
 * The ROM in @data without what precedes its first image (and, with
 * @trim_padding, the padding after the last): [*start, *end), checked to
 * parse by itself as the same chain. -EBADMSG with the reason otherwise.
 */
int ov_rom_stripped(struct ov_ctx *ctx, const uint8_t *data, size_t len, bool trim_padding,
		    size_t *start, size_t *end);

/*
 * Check that the ROM is for vendor:device (image 0's PCIR ids, or the PCIR
 * 3.0 device list). -ENODEV with a message naming both when not.
 */
/*
 * A ROM file a VM will be given (tables, fw_cfg, the ROM BAR): parsed into
 * @info, 0 when usable as it is, else -EBADMSG with the verdict's reason
 * (truncated, not a PCI ROM, a prefix that rom strip removes).
 */
int ov_rom_check_usable(struct ov_ctx *ctx, const uint8_t *data, size_t len,
			struct ov_rom_info *info);

int ov_rom_validate_ids(struct ov_ctx *ctx, const struct ov_rom_info *info,
			uint16_t vendor, uint16_t device);
