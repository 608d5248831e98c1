/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hand-built ROM images for the tests, byte by byte from PCI FW 3.0 §5.1
 * (header, PCIR) and the NPDE layout nouveau reads (facts §3.4). Nothing
 * here uses the parser under test.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct gen_image {
	size_t units;		/* PCIR image length, 512-byte units */
	uint8_t code_type;
	bool last;
	uint16_t vendor, device;
	uint32_t class_code;
	bool vn;		/* "VN" signature and NPDS instead of 55 AA / PCIR */
	bool npde;		/* add an NPDE after the PCIR */
	size_t npde_units;
	bool npde_last;
	uint16_t pcir_ptr;	/* 0: the default 0x40 */
	bool efi;		/* fill an EFI header: x64 boot driver */
	uint16_t device_list;	/* nonzero: PCIR 3.0 with this one-entry list */
};

static inline void gen_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* Write one image at @img (which has room for units*512 bytes). */
static inline void gen_image(uint8_t *img, const struct gen_image *g)
{
	uint16_t ptr = g->pcir_ptr ? g->pcir_ptr : 0x40;
	uint8_t *pcir = img + ptr;
	size_t len = g->units * 512;

	memset(img, 0, len);
	if (g->vn) {
		img[0] = 0x56;
		img[1] = 0x4E;
	} else {
		img[0] = 0x55;
		img[1] = 0xAA;
	}
	img[2] = (uint8_t)(g->units > 255 ? 255 : g->units);	/* init size */
	if (g->efi) {
		gen_put16(img + 0x02, (uint16_t)g->units);
		gen_put16(img + 0x04, 0x0EF1);
		gen_put16(img + 0x08, 0x0B);
		gen_put16(img + 0x0A, 0x8664);
		gen_put16(img + 0x0C, 0);
		gen_put16(img + 0x16, 0x60);
	}
	gen_put16(img + 0x18, ptr);
	memcpy(pcir, g->vn ? "NPDS" : "PCIR", 4);
	gen_put16(pcir + 0x04, g->vendor);
	gen_put16(pcir + 0x06, g->device);
	gen_put16(pcir + 0x0A, g->device_list ? 0x1C : 0x18);
	pcir[0x0C] = g->device_list ? 3 : 0;
	pcir[0x0D] = (uint8_t)g->class_code;
	pcir[0x0E] = (uint8_t)(g->class_code >> 8);
	pcir[0x0F] = (uint8_t)(g->class_code >> 16);
	gen_put16(pcir + 0x10, (uint16_t)g->units);
	pcir[0x14] = g->code_type;
	pcir[0x15] = g->last ? 0x80 : 0x00;
	if (g->device_list) {
		gen_put16(pcir + 0x08, 0x30);		/* clear of an NPDE at +0x20 */
		gen_put16(pcir + 0x30, g->device_list);
	}
	if (g->npde) {
		/* 16-byte aligned after the PCIR (ptr 0x40 + 0x18 -> 0x60). */
		uint8_t *npde = img + ((ptr + (g->device_list ? 0x1C : 0x18) + 15) & ~15);

		memcpy(npde, "NPDE", 4);
		gen_put16(npde + 0x04, 0x0101);
		gen_put16(npde + 0x06, 0x0C);
		gen_put16(npde + 0x08, (uint16_t)g->npde_units);
		npde[0x0A] = g->npde_last ? 0x80 : 0x00;
	}
	/* x86 images: byte 6 makes the image sum to 0 (rom-fixer's rule). */
	if (g->code_type == 0x00 && !g->vn && !g->efi) {
		size_t sum_len = (g->npde ? g->npde_units : g->units) * 512;
		uint8_t s = 0;

		img[6] = 0;
		for (size_t i = 0; i < sum_len && i < len; i++)
			s += img[i];
		img[6] = (uint8_t)(0x100 - s);
	}
}
