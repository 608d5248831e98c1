// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The image chain walk. Every read is bounds-checked against the data size:
 * the input is whatever a user, a ROM BAR or a firmware _ROM gave us.
 */
#include "rom/rom.h"
#include "core/bytes.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* PCI FW 3.0 §5.1.1: the image header. */
#define HDR_SIG		0x00
#define HDR_INIT_SIZE	0x02
#define HDR_PCIR_PTR	0x18
#define HDR_MIN		0x1A

/* UEFI §14.4.2: the EFI variant of the header. */
#define EFI_INIT_SIZE	0x02
#define EFI_SIGNATURE	0x04
#define EFI_SUBSYSTEM	0x08
#define EFI_MACHINE	0x0A
#define EFI_COMPRESSION	0x0C
#define EFI_PE_OFFSET	0x16
#define EFI_SIG_VALUE	0x0EF1

/* PCI FW 3.0 §5.1.2: the PCI Data Structure. */
#define PCIR_VENDOR	0x04
#define PCIR_DEVICE	0x06
#define PCIR_DEVLIST	0x08
#define PCIR_STRUCTLEN	0x0A
#define PCIR_REVISION	0x0C
#define PCIR_CLASS	0x0D
#define PCIR_IMAGELEN	0x10
#define PCIR_CODEREV	0x12
#define PCIR_CODETYPE	0x14
#define PCIR_INDICATOR	0x15
#define PCIR_MIN	0x18	/* PCI 2.x structure; 3.0 adds 4 bytes */
#define PCIR_LAST	0x80

/* NVIDIA PCI Data Extension, as nouveau's nvbios_npdeTe() reads it. */
#define NPDE_IMAGELEN	0x08
#define NPDE_LAST	0x0A
#define NPDE_MIN	0x0C

/* True when [off, off+len) lies inside size, without overflowing. */
static bool fits(size_t size, size_t off, size_t len)
{
	return off <= size && len <= size - off;
}

static bool is_pcir_sig(const uint8_t *p)
{
	return !memcmp(p, "PCIR", 4) || !memcmp(p, "NPDS", 4) || !memcmp(p, "RGIS", 4);
}

static bool is_image_sig(uint16_t sig)
{
	return sig == OV_ROM_SIG_PCI || sig == OV_ROM_SIG_NV_VN || sig == OV_ROM_SIG_NV_BB77;
}

__attribute__((format(printf, 4, 5)))
static int stop(struct ov_rom_info *info, enum ov_rom_problem problem, size_t off,
		const char *fmt, ...)
{
	va_list ap;

	info->problem = problem;
	info->problem_offset = off;
	va_start(ap, fmt);
	vsnprintf(info->problem_msg, sizeof(info->problem_msg), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

static int truncated(struct ov_rom_info *info, size_t off, size_t need, const char *what)
{
	info->need = need;
	return stop(info, OV_ROM_TRUNCATED, off,
		    "data ends at 0x%zx inside the %s at 0x%zx (needs 0x%zx bytes)",
		    info->size, what, off, need);
}

/*
 * A structurally valid image start: signature and a data structure pointer
 * that leads to "PCIR"/"NPDS" inside the data. Used by the prefix scan.
 */
static bool image_starts_at(const uint8_t *data, size_t size, size_t off)
{
	size_t pcir;

	if (!fits(size, off, HDR_MIN) || ov_le16(data + off) != OV_ROM_SIG_PCI)
		return false;
	pcir = off + ov_le16(data + off + HDR_PCIR_PTR);
	return pcir > off && fits(size, pcir, PCIR_MIN) && is_pcir_sig(data + pcir);
}

static uint8_t sum_bytes(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static enum ov_rom_checksum checksum_over(const uint8_t *data, size_t size, size_t off,
					  size_t len)
{
	if (len == 0 || !fits(size, off, len))
		return OV_ROM_CHECKSUM_BAD;
	return sum_bytes(data + off, len) == 0 ? OV_ROM_CHECKSUM_OK : OV_ROM_CHECKSUM_BAD;
}

/* UEFI §14.4.2 fields, and EDK2 ProcessOpRomImage's acceptance rules. */
static void decode_efi(const uint8_t *img, struct ov_rom_image *im)
{
	struct ov_rom_efi *e = &im->efi;

	e->init_size = ov_le16(img + EFI_INIT_SIZE);
	e->signature = ov_le32(img + EFI_SIGNATURE);
	e->subsystem = ov_le16(img + EFI_SUBSYSTEM);
	e->machine = ov_le16(img + EFI_MACHINE);
	e->compression = ov_le16(img + EFI_COMPRESSION);
	e->pe_offset = ov_le16(img + EFI_PE_OFFSET);
	e->valid = e->signature == EFI_SIG_VALUE &&
		   (e->subsystem == 0x0B || e->subsystem == 0x0C) &&
		   e->compression <= 1 &&
		   (size_t)e->init_size * OV_ROM_UNIT <= im->length &&
		   (size_t)e->pe_offset < (size_t)e->init_size * OV_ROM_UNIT;
	im->has_efi = true;
}

/* PCI FW 3.0 §5.1.2: the device list pointer is relative to the PCIR. */
static void read_device_list(const uint8_t *data, size_t size, struct ov_rom_image *im)
{
	uint16_t ptr = ov_le16(data + im->pcir_offset + PCIR_DEVLIST);
	size_t p;

	if (im->pcir_revision < 3 || ptr == 0)
		return;
	p = im->pcir_offset + ptr;
	while (im->n_device_list < sizeof(im->device_list) / sizeof(im->device_list[0]) &&
	       fits(size, p, 2) && ov_le16(data + p) != 0) {
		im->device_list[im->n_device_list++] = ov_le16(data + p);
		p += 2;
	}
}

/*
 * nouveau nvbios_imagen(): the NPDE sits 16-byte aligned right after the
 * PCIR (using the PCIR's own structure length) and overrides the PCIR's
 * image length and last flag, except on code type 0x70 images.
 */
static int read_npde(const uint8_t *data, struct ov_rom_info *info,
		     struct ov_rom_image *im)
{
	size_t structlen = ov_le16(data + im->pcir_offset + PCIR_STRUCTLEN);
	size_t npde = (im->pcir_offset + structlen + 0x0F) & ~(size_t)0x0F;

	if (im->code_type == OV_ROM_CODE_NV_FINAL)
		return 0;
	if (!fits(info->size, npde, 4)) {
		/* Only matters for NVIDIA images; others end without one. */
		if (im->vendor == 0x10de && !memcmp(im->pcir_sig, "NPDS", 4))
			return truncated(info, im->offset, npde + NPDE_MIN, "NPDE");
		return 0;
	}
	if (memcmp(data + npde, "NPDE", 4))
		return 0;
	if (!fits(info->size, npde, NPDE_MIN))
		return truncated(info, im->offset, npde + NPDE_MIN, "NPDE");
	im->has_npde = true;
	im->npde_offset = npde;
	im->npde_length = (size_t)ov_le16(data + npde + NPDE_IMAGELEN) * OV_ROM_UNIT;
	im->npde_last = data[npde + NPDE_LAST] & PCIR_LAST;
	return 0;
}

static int parse_image(const uint8_t *data, struct ov_rom_info *info, size_t off,
		       bool first)
{
	struct ov_rom_image *im = &info->images[info->n_images];
	size_t size = info->size, ptr;
	int r;

	memset(im, 0, sizeof(*im));
	im->offset = off;
	if (!fits(size, off, HDR_MIN))
		return truncated(info, off, off + HDR_MIN, "image header");
	im->signature = ov_le16(data + off + HDR_SIG);
	if (first ? im->signature != OV_ROM_SIG_PCI : !is_image_sig(im->signature))
		return stop(info, OV_ROM_BAD_SIGNATURE, off,
			    "no image signature at 0x%zx: found %02x %02x, expected 55 AA",
			    off, data[off], data[off + 1]);

	ptr = ov_le16(data + off + HDR_PCIR_PTR);
	im->pcir_offset = off + ptr;
	if (ptr < HDR_MIN && ptr != 0)
		return stop(info, OV_ROM_BAD_PCIR, off,
			    "image at 0x%zx: PCI data structure pointer 0x%zx overlaps the header",
			    off, ptr);
	if (ptr == 0)
		return stop(info, OV_ROM_BAD_PCIR, off,
			    "image at 0x%zx has no PCI data structure (pointer 0): not a PCI "
			    "option ROM (an ISA one?)", off);
	if (!fits(size, im->pcir_offset, PCIR_MIN)) {
		/* Truncation, not corruption: a dump in progress reads on. */
		info->need = im->pcir_offset + PCIR_MIN;
		return stop(info, OV_ROM_TRUNCATED, off,
			    "image at 0x%zx: PCI data structure pointer 0x%zx points past the "
			    "end of the data (0x%zx)", off, ptr, size);
	}
	if (!is_pcir_sig(data + im->pcir_offset))
		return stop(info, OV_ROM_BAD_PCIR, off,
			    "image at 0x%zx: no PCIR signature at 0x%zx", off, im->pcir_offset);

	memcpy(im->pcir_sig, data + im->pcir_offset, 4);
	im->vendor = ov_le16(data + im->pcir_offset + PCIR_VENDOR);
	im->device = ov_le16(data + im->pcir_offset + PCIR_DEVICE);
	im->pcir_revision = data[im->pcir_offset + PCIR_REVISION];
	im->class_code = (uint32_t)data[im->pcir_offset + PCIR_CLASS] |
			 (uint32_t)data[im->pcir_offset + PCIR_CLASS + 1] << 8 |
			 (uint32_t)data[im->pcir_offset + PCIR_CLASS + 2] << 16;
	im->pcir_length = (size_t)ov_le16(data + im->pcir_offset + PCIR_IMAGELEN) * OV_ROM_UNIT;
	im->code_revision = ov_le16(data + im->pcir_offset + PCIR_CODEREV);
	im->code_type = data[im->pcir_offset + PCIR_CODETYPE];
	im->pcir_last = data[im->pcir_offset + PCIR_INDICATOR] & PCIR_LAST;
	im->init_size = (size_t)data[off + HDR_INIT_SIZE] * OV_ROM_UNIT;
	read_device_list(data, size, im);

	r = read_npde(data, info, im);
	if (r < 0)
		return r;
	im->length = im->has_npde ? im->npde_length : im->pcir_length;
	im->last = im->has_npde ? im->npde_last : im->pcir_last;
	if (im->code_type == OV_ROM_CODE_NV_FINAL)
		im->last = true;
	if (im->has_npde &&
	    (im->npde_length != im->pcir_length || im->npde_last != im->pcir_last))
		info->pcir_npde_disagree = true;

	info->n_images++;
	if (im->length == 0)
		return stop(info, OV_ROM_ZERO_LENGTH, off,
			    "image at 0x%zx has length 0", off);
	if (!fits(size, off, im->length))
		return truncated(info, off, off + im->length, "image");

	im->checksum = OV_ROM_CHECKSUM_NA;
	im->init_checksum = OV_ROM_CHECKSUM_NA;
	if (im->code_type == OV_ROM_CODE_X86 && im->signature == OV_ROM_SIG_PCI) {
		im->checksum = checksum_over(data, size, off, im->length);
		if (im->init_size)
			im->init_checksum = checksum_over(data, size, off, im->init_size);
		if (im->checksum != OV_ROM_CHECKSUM_OK)
			info->checksum_failed = true;
	}
	if (im->code_type == OV_ROM_CODE_EFI && im->signature == OV_ROM_SIG_PCI)
		decode_efi(data + off, im);
	return 0;
}

/*
 * Where the ROM starts. Data that begins with 55 AA starts there, even if
 * that image turns out broken (never "strip" a real image away). Otherwise
 * the first 512-aligned 55 AA with a PCIR/NPDS: full-flash dumps (NVGI)
 * carry a header before the PCI ROM (facts §3.4, §7).
 */
static int find_first_image(const uint8_t *data, struct ov_rom_info *info, size_t *first)
{
	size_t size = info->size;

	if (fits(size, 0, 2) && ov_le16(data) == OV_ROM_SIG_PCI) {
		*first = 0;
		return 0;
	}
	for (size_t off = OV_ROM_UNIT; fits(size, off, HDR_MIN); off += OV_ROM_UNIT) {
		if (image_starts_at(data, size, off)) {
			*first = off;
			info->prefix_length = off;
			info->prefix_nvgi = fits(size, 0, 4) && !memcmp(data, "NVGI", 4);
			return 0;
		}
	}
	if (size < 2)
		return truncated(info, 0, HDR_MIN, "image header");
	return stop(info, OV_ROM_NO_IMAGE, 0,
		    "not a PCI option ROM: starts %02x %02x, and no 55 AA image with a PCI "
		    "data structure on any 512-byte boundary", data[0], data[1]);
}

static void find_padding(const uint8_t *data, struct ov_rom_info *info)
{
	size_t end = info->size;

	info->trailing_length = info->size - info->chain_end;
	while (end > info->chain_end && (data[end - 1] == 0xFF || data[end - 1] == 0x00))
		end--;
	info->padding_length = info->size - end;
	info->padding_only = info->padding_length == info->trailing_length;
}

static void judge(struct ov_rom_info *info)
{
	char *msg = info->verdict_msg;
	size_t len = sizeof(info->verdict_msg);

	if (info->problem != OV_ROM_OK) {
		info->verdict = OV_ROM_BROKEN;
		snprintf(msg, len, "%s", info->problem_msg);
		return;
	}
	for (size_t i = 0; i < info->n_images; i++) {
		const struct ov_rom_image *im = &info->images[i];

		if (im->checksum == OV_ROM_CHECKSUM_BAD &&
		    im->init_checksum != OV_ROM_CHECKSUM_OK) {
			info->verdict = OV_ROM_BROKEN;
			snprintf(msg, len, "the x86 image at 0x%zx does not checksum to 0: "
				 "the data is corrupt", im->offset);
			return;
		}
	}
	if (info->prefix_length) {
		info->verdict = OV_ROM_NEEDS_STRIP;
		snprintf(msg, len, "%zu bytes%s precede the ROM at 0x%zx: 'optivfio rom strip' "
			 "removes them", info->prefix_length,
			 info->prefix_nvgi ? " of NVGI flash header" : "", info->prefix_length);
		return;
	}
	info->verdict = OV_ROM_USABLE;
	if (info->trailing_length && info->padding_only)
		snprintf(msg, len, "usable as is (%zu bytes of padding after the last image "
			 "can be dropped with 'rom strip --trim-padding')", info->trailing_length);
	else if (info->trailing_length)
		snprintf(msg, len, "usable as is (%zu bytes of other data follow the last image)",
			 info->trailing_length);
	else
		snprintf(msg, len, "usable as is");
}

int ov_rom_parse(const uint8_t *data, size_t size, unsigned flags,
		 struct ov_rom_info *info)
{
	size_t off = 0;
	int r;

	memset(info, 0, sizeof(*info));
	info->size = size;
	if (size == 0) {
		r = stop(info, OV_ROM_EMPTY, 0, "no data (0 bytes)");
		info->need = HDR_MIN;
		goto out;
	}
	if (!(flags & OV_ROM_AT_START)) {
		r = find_first_image(data, info, &off);
		if (r < 0)
			goto out;
	}
	info->chain_end = off;
	for (;;) {
		const struct ov_rom_image *im;

		if (info->n_images == OV_ROM_MAX_IMAGES) {
			r = stop(info, OV_ROM_TOO_MANY, off,
				 "more than %d images without one marked last", OV_ROM_MAX_IMAGES);
			break;
		}
		if (off == size && info->n_images) {
			info->need = off + HDR_MIN;
			r = stop(info, OV_ROM_TRUNCATED, off,
				 "data ends at 0x%zx but the image at 0x%zx is not marked last",
				 off, info->images[info->n_images - 1].offset);
			break;
		}
		r = parse_image(data, info, off, info->n_images == 0);
		if (r < 0)
			break;
		im = &info->images[info->n_images - 1];
		info->chain_end = off + im->length;
		if (im->last)
			break;
		off += im->length;
	}
out:
	info->rom_length = info->chain_end - info->prefix_length;
	if (r == 0)
		find_padding(data, info);
	judge(info);
	return r;
}

const char *ov_rom_code_type_name(uint8_t code_type)
{
	switch (code_type) {
	case OV_ROM_CODE_X86:
		return "x86 PC-AT";
	case OV_ROM_CODE_OPENFW:
		return "Open Firmware";
	case OV_ROM_CODE_PARISC:
		return "PA-RISC";
	case OV_ROM_CODE_EFI:
		return "EFI";
	case OV_ROM_CODE_NV_FINAL:
		return "NVIDIA final";
	case OV_ROM_CODE_NV_DATA:
		return "NVIDIA data";
	default:
		return "unknown";
	}
}

const char *ov_rom_efi_machine_name(uint16_t machine)
{
	switch (machine) {
	case 0x014C:
		return "IA-32";
	case 0x0200:
		return "Itanium";
	case 0x0EBC:
		return "EBC";
	case 0x8664:
		return "x64";
	case 0x01C2:
		return "ARM";
	case 0xAA64:
		return "AArch64";
	default:
		return "unknown";
	}
}

const char *ov_rom_efi_subsystem_name(uint16_t subsystem)
{
	switch (subsystem) {
	case 0x0A:
		return "application";
	case 0x0B:
		return "boot service driver";
	case 0x0C:
		return "runtime driver";
	default:
		return "unknown";
	}
}

const char *ov_rom_verdict_name(enum ov_rom_verdict v)
{
	switch (v) {
	case OV_ROM_USABLE:
		return "usable";
	case OV_ROM_NEEDS_STRIP:
		return "needs-strip";
	case OV_ROM_BROKEN:
	default:
		return "broken";
	}
}
