// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The chain walk on the real VBIOS samples (expected values from the tables
 * in facts-rom-acpicall.md §3.4 and §6.1) and on hand-built good and bad
 * images (romgen.h).
 */
#include "testutil.h"
#include "romgen.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "rom/rom.h"

#include <errno.h>

static struct ov_rom_info info;

/* ---- real samples ------------------------------------------------------ */

#define ANY_DEVICE 0xFFFFFFFFu

struct want_image {
	size_t offset;
	uint8_t code_type;
	uint16_t vendor;
	uint32_t device;
};

static void check_images(const struct want_image *want, size_t n)
{
	assert_int_equal(info.n_images, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(info.images[i].offset, want[i].offset);
		assert_int_equal(info.images[i].code_type, want[i].code_type);
		assert_int_equal(info.images[i].vendor, want[i].vendor);
		if (want[i].device != ANY_DEVICE)
			assert_int_equal(info.images[i].device, want[i].device);
	}
	assert_true(info.images[n - 1].last);
	for (size_t i = 0; i + 1 < n; i++)
		assert_false(info.images[i].last);
}

/* facts §3.4: GK107 full dump, NVGI prefix, ROM at 0x400 of 0x29A00 bytes (§4.1). */
static void gk107_full_dump(void **state)
{
	static const struct want_image want[] = {
		{ 0x400, 0x00, 0x10de, 0x0fc6 },
		{ 0x10000, 0x03, 0x10de, 0x0fc6 },
		{ 0x21400, 0xE0, 0x10de, 0x0ff0 },
		{ 0x29400, 0x70, 0x10de, 0x0000 },
	};
	size_t len;
	uint8_t *d = tu_load_shared_rom("gk107_turbo.rom", &len);

	assert_int_equal(len, 171520);
	assert_int_equal(ov_rom_parse(d, len, 0, &info), 0);
	assert_int_equal(info.prefix_length, 0x400);
	assert_true(info.prefix_nvgi);
	check_images(want, 4);
	assert_int_equal(info.rom_length, 0x29A00);
	assert_int_equal(info.chain_end, 0x29E00);
	/* image 0: PCIR 126 units, more */
	assert_int_equal(info.images[0].pcir_length, 126 * 512);
	assert_false(info.images[0].pcir_last);
	/* EFI image: PCIR says last, NPDE says more; x64 boot driver, compressed */
	assert_true(info.images[1].pcir_last);
	assert_true(info.images[1].has_npde);
	assert_false(info.images[1].npde_last);
	assert_true(info.pcir_npde_disagree);
	assert_true(info.images[1].has_efi);
	assert_int_equal(info.images[1].efi.machine, 0x8664);
	assert_int_equal(info.images[1].efi.subsystem, 0x0B);
	assert_int_equal(info.images[1].efi.compression, 1);
	assert_true(info.images[1].efi.valid);
	assert_int_equal(info.images[0].checksum, OV_ROM_CHECKSUM_OK);
	assert_int_equal(info.images[1].checksum, OV_ROM_CHECKSUM_NA);
	assert_int_equal(info.trailing_length, 0);
	assert_int_equal(info.verdict, OV_ROM_NEEDS_STRIP);
	free(d);
}

/* facts §3.4/§6.1: x86+E0+E0+70, data ends 0x29600 then 0xFF padding. */
static void gtx1050ti_mobile(void **state)
{
	static const struct want_image want[] = {
		{ 0x0, 0x00, 0x10de, 0x1c8c },
		{ 0xF000, 0xE0, 0x10de, 0x1c80 },
		{ 0x1A400, 0xE0, 0x10de, 0x1c80 },
		{ 0x28C00, 0x70, 0x10de, 0x0000 },
	};
	size_t len;
	uint8_t *d = tu_load_shared_rom("gtx1050ti_mobile.rom", &len);

	assert_int_equal(len, 262144);
	assert_int_equal(ov_rom_parse(d, len, 0, &info), 0);
	assert_int_equal(info.prefix_length, 0);
	check_images(want, 4);
	assert_int_equal(info.images[0].class_code, 0x030000);
	/* image 0: PCIR length 331 units (the whole ROM) and last; NPDE 120, more */
	assert_int_equal(info.images[0].pcir_length, 331 * 512);
	assert_true(info.images[0].pcir_last);
	assert_int_equal(info.images[0].npde_length, 120 * 512);
	assert_false(info.images[0].npde_last);
	assert_int_equal(info.images[0].length, 120 * 512);
	assert_int_equal(info.images[0].checksum, OV_ROM_CHECKSUM_OK);
	assert_int_equal(info.chain_end, 0x29600);
	assert_int_equal(info.trailing_length, 262144 - 0x29600);
	assert_true(info.padding_only);
	assert_int_equal(info.verdict, OV_ROM_USABLE);
	free(d);
}

/* facts §6.1: GP108M 10de:1d10, no padding; §3.4 MX150: x86, E0, E0, 70. */
static void mx150(void **state)
{
	size_t len;
	uint8_t *d = tu_load_shared_rom("mx150_x140.rom", &len);
	static const uint8_t types[] = { 0x00, 0xE0, 0xE0, 0x70 };

	assert_int_equal(len, 181760);
	assert_int_equal(ov_rom_parse(d, len, 0, &info), 0);
	assert_int_equal(info.n_images, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(info.images[i].code_type, types[i]);
	assert_int_equal(info.images[0].vendor, 0x10de);
	assert_int_equal(info.images[0].device, 0x1d10);
	assert_true(info.images[0].pcir_last);
	assert_false(info.images[0].last);
	assert_int_equal(info.chain_end, len);
	assert_int_equal(info.trailing_length, 0);
	assert_int_equal(info.verdict, OV_ROM_USABLE);
	free(d);
}

/* facts §3.4/§6.1: GM107 13b6 class 030200, x86 + E0 @0x10000 + 70 @0x18E00. */
static void quadro_m1200(void **state)
{
	static const struct want_image want[] = {
		{ 0x0, 0x00, 0x10de, 0x13b6 },
		{ 0x10000, 0xE0, 0x10de, ANY_DEVICE },	/* not in the facts table */
		{ 0x18E00, 0x70, 0x10de, 0x0000 },
	};
	size_t len;
	uint8_t *d = tu_load_shared_rom("quadro-m1200.rom", &len);

	assert_int_equal(len, 104448);
	assert_int_equal(ov_rom_parse(d, len, 0, &info), 0);
	check_images(want, 3);
	assert_int_equal(info.images[0].class_code, 0x030200);
	assert_int_equal(info.images[0].pcir_length, 104448);
	assert_true(info.images[0].pcir_last);
	assert_int_equal(info.images[0].npde_length, 128 * 512);
	assert_int_equal(info.chain_end, 104448);
	assert_int_equal(info.verdict, OV_ROM_USABLE);
	free(d);
}

/* ---- hand-built images --------------------------------------------------- */

static uint8_t rom[256 * 1024];

static size_t build(const struct gen_image *imgs, size_t n, size_t at)
{
	size_t off = at;

	memset(rom, 0xFF, sizeof(rom));
	for (size_t i = 0; i < n; i++) {
		gen_image(rom + off, &imgs[i]);
		off += imgs[i].units * 512;
	}
	return off;
}

static void single_legacy_image(void **state)
{
	struct gen_image g = { .units = 4, .last = true, .vendor = 0x1234, .device = 0x1111,
			       .class_code = 0x030000 };
	size_t end = build(&g, 1, 0);

	assert_int_equal(ov_rom_parse(rom, end, 0, &info), 0);
	assert_int_equal(info.n_images, 1);
	assert_int_equal(info.images[0].length, 2048);
	assert_int_equal(info.images[0].class_code, 0x030000);
	assert_int_equal(info.images[0].checksum, OV_ROM_CHECKSUM_OK);
	assert_int_equal(info.verdict, OV_ROM_USABLE);

	rom[100] ^= 1;	/* one flipped bit: checksum fails, the ROM is corrupt */
	assert_int_equal(ov_rom_parse(rom, end, 0, &info), 0);
	assert_int_equal(info.images[0].checksum, OV_ROM_CHECKSUM_BAD);
	assert_int_equal(info.verdict, OV_ROM_BROKEN);
}

/* The seed's dumper loops on this: image 0 not marked last. */
static void multi_image_with_efi(void **state)
{
	struct gen_image g[] = {
		{ .units = 2, .vendor = 0x8086, .device = 0x100e, .class_code = 0x020000 },
		{ .units = 3, .code_type = 3, .last = true, .vendor = 0x8086, .device = 0x100e,
		  .efi = true },
	};
	size_t end = build(g, 2, 0);

	assert_int_equal(ov_rom_parse(rom, end + 512, 0, &info), 0);
	assert_int_equal(info.n_images, 2);
	assert_int_equal(info.images[1].offset, 1024);
	assert_true(info.images[1].has_efi);
	assert_true(info.images[1].efi.valid);
	assert_int_equal(info.chain_end, 2560);
	assert_int_equal(info.padding_length, 512);
	assert_true(info.padding_only);
}

static void npde_overrides_pcir(void **state)
{
	struct gen_image g[] = {
		/* PCIR says 3 units and last; NPDE says 1 unit and more */
		{ .units = 3, .last = true, .vendor = 0x10de, .device = 0x1c8d,
		  .npde = true, .npde_units = 1 },
		{ .units = 1, .vn = true, .code_type = 0xE0, .vendor = 0x10de, .device = 0x1c80,
		  .npde = true, .npde_units = 1 },
		/* 0x70: last even though PCIR says more */
		{ .units = 1, .vn = true, .code_type = 0x70, .vendor = 0x10de },
	};
	size_t end;

	memset(rom, 0xFF, sizeof(rom));
	gen_image(rom, &g[0]);
	gen_image(rom + 512, &g[1]);
	gen_image(rom + 1024, &g[2]);
	end = 1536;
	assert_int_equal(ov_rom_parse(rom, end, 0, &info), 0);
	assert_int_equal(info.n_images, 3);
	assert_int_equal(info.images[0].length, 512);
	assert_false(info.images[0].last);
	assert_true(info.images[0].pcir_last);
	assert_true(info.pcir_npde_disagree);
	assert_string_equal(info.images[1].pcir_sig, "NPDS");
	assert_int_equal(info.images[1].signature, OV_ROM_SIG_NV_VN);
	assert_true(info.images[2].last);
	assert_false(info.images[2].pcir_last);
	assert_int_equal(info.chain_end, 1536);
}

static void nvgi_prefix(void **state)
{
	struct gen_image g = { .units = 2, .last = true, .vendor = 0x10de, .device = 0x0fc6 };
	size_t end = build(&g, 1, 0x400), start, stop;

	memcpy(rom, "NVGI", 4);
	memset(rom + 4, 0x11, 0x3FC);
	assert_int_equal(ov_rom_parse(rom, end, 0, &info), 0);
	assert_int_equal(info.prefix_length, 0x400);
	assert_true(info.prefix_nvgi);
	assert_int_equal(info.rom_length, 1024);
	assert_int_equal(info.verdict, OV_ROM_NEEDS_STRIP);
	assert_int_equal(ov_rom_strip_range(NULL, &info, false, &start, &stop), 0);
	assert_int_equal(start, 0x400);
	assert_int_equal(stop, end);
	/* Read as a ROM BAR would show it, the prefix is garbage, not a ROM. */
	assert_int_equal(ov_rom_parse(rom, end, OV_ROM_AT_START, &info), -EBADMSG);
	assert_int_equal(info.problem, OV_ROM_BAD_SIGNATURE);
}

/* Trailing 0xFF/0x00 inside the last image is data, not padding. */
static void trim_never_cuts_an_image(void **state)
{
	struct gen_image g[] = {
		{ .units = 1, .vendor = 0x10de, .device = 0x1c8d },
		{ .units = 2, .vn = true, .code_type = 0x70, .vendor = 0x10de },
	};
	size_t end = build(g, 2, 0), start, stop;

	memset(rom + 512 + 0x100, 0xFF, 1024 - 0x100);	/* image tail looks like padding */
	assert_int_equal(ov_rom_parse(rom, end + 4096, 0, &info), 0);
	assert_int_equal(info.chain_end, 1536);
	assert_int_equal(info.padding_length, 4096);
	assert_int_equal(ov_rom_strip_range(NULL, &info, true, &start, &stop), 0);
	assert_int_equal(start, 0);
	assert_int_equal(stop, 1536);
	assert_int_equal(ov_rom_strip_range(NULL, &info, false, &start, &stop), 0);
	assert_int_equal(stop, end + 4096);
}

static void other_trailing_data(void **state)
{
	struct gen_image g = { .units = 1, .last = true, .vendor = 1, .device = 2 };
	size_t end = build(&g, 1, 0), start, stop;

	rom[end + 10] = 0x42;	/* then 0xFF to the end */
	assert_int_equal(ov_rom_parse(rom, end + 1024, 0, &info), 0);
	assert_int_equal(info.trailing_length, 1024);
	assert_false(info.padding_only);
	assert_int_equal(info.padding_length, 1024 - 11);
	assert_int_equal(ov_rom_strip_range(NULL, &info, true, &start, &stop), 0);
	assert_int_equal(stop, end + 11);
}

/* ---- bad input: reported, never a crash or an endless walk -------------- */

static void expect_broken(size_t len, unsigned flags, enum ov_rom_problem problem)
{
	assert_int_equal(ov_rom_parse(rom, len, flags, &info), -EBADMSG);
	assert_int_equal(info.problem, problem);
	assert_int_equal(info.verdict, OV_ROM_BROKEN);
	assert_true(info.problem_msg[0] != '\0');
	assert_true(info.verdict_msg[0] != '\0');
}

static void truncated_inside_header(void **state)
{
	struct gen_image g = { .units = 2, .last = true, .vendor = 1, .device = 2 };

	build(&g, 1, 0);
	for (size_t len = 1; len < 0x1A; len++)
		expect_broken(len, 0, OV_ROM_TRUNCATED);
	/* inside the PCIR (at 0x40) */
	expect_broken(0x48, 0, OV_ROM_TRUNCATED);
	/* inside the image body */
	expect_broken(700, 0, OV_ROM_TRUNCATED);
	assert_int_equal(info.need, 1024);
}

static void pcir_pointer_out_of_range(void **state)
{
	struct gen_image g = { .units = 1, .last = true, .vendor = 1, .device = 2 };

	build(&g, 1, 0);
	gen_put16(rom + 0x18, 0xFFF0);
	expect_broken(512, 0, OV_ROM_TRUNCATED);
	assert_non_null(strstr(info.problem_msg, "past the end"));
	gen_put16(rom + 0x18, 0x0004);	/* into the header itself */
	expect_broken(512, 0, OV_ROM_BAD_PCIR);
	gen_put16(rom + 0x18, 0x0100);	/* in range, but no PCIR there */
	expect_broken(512, 0, OV_ROM_BAD_PCIR);
}

static void zero_image_length(void **state)
{
	struct gen_image g = { .units = 1, .vendor = 1, .device = 2 };

	build(&g, 1, 0);
	gen_put16(rom + 0x40 + 0x10, 0);
	expect_broken(4096, 0, OV_ROM_ZERO_LENGTH);
}

/* NPDE length 0 on a non-last image: the chain would point at itself. */
static void chain_loop(void **state)
{
	struct gen_image g = { .units = 1, .vendor = 0x10de, .device = 2, .npde = true,
			       .npde_units = 0 };

	build(&g, 1, 0);
	expect_broken(4096, 0, OV_ROM_ZERO_LENGTH);

	/* A long chain of tiny images, none marked last. */
	memset(rom, 0, sizeof(rom));
	for (size_t i = 0; i < 100; i++) {
		struct gen_image t = { .units = 1, .vendor = 1, .device = 2 };

		gen_image(rom + i * 512, &t);
	}
	expect_broken(100 * 512, 0, OV_ROM_TOO_MANY);
	/* ... and one that simply ends without a last image */
	expect_broken(10 * 512, 0, OV_ROM_TRUNCATED);
	assert_non_null(strstr(info.problem_msg, "not marked last"));
}

static void all_ff_and_all_zero(void **state)
{
	memset(rom, 0xFF, sizeof(rom));
	expect_broken(sizeof(rom), 0, OV_ROM_NO_IMAGE);
	expect_broken(sizeof(rom), OV_ROM_AT_START, OV_ROM_BAD_SIGNATURE);
	memset(rom, 0x00, sizeof(rom));
	expect_broken(sizeof(rom), 0, OV_ROM_NO_IMAGE);
	expect_broken(0, 0, OV_ROM_EMPTY);
	expect_broken(1, 0, OV_ROM_TRUNCATED);
}

static void strip_refuses_broken(void **state)
{
	struct ov_ctx *ctx;
	size_t start, stop;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	memset(rom, 0xFF, 4096);
	ov_rom_parse(rom, 4096, 0, &info);
	assert_int_equal(ov_rom_strip_range(ctx, &info, true, &start, &stop), -EBADMSG);
	assert_non_null(strstr(ov_ctx_error(ctx), "broken"));
	ov_ctx_free(ctx);
}

static void validate_ids(void **state)
{
	struct gen_image g = { .units = 1, .last = true, .vendor = 0x10de, .device = 0x1c8c,
			       .device_list = 0x1c8d };
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	build(&g, 1, 0);
	assert_int_equal(ov_rom_parse(rom, 512, 0, &info), 0);
	assert_int_equal(ov_rom_validate_ids(ctx, &info, 0x10de, 0x1c8c), 0);
	assert_int_equal(ov_rom_validate_ids(ctx, &info, 0x10de, 0x1c8d), 0);
	assert_int_equal(ov_rom_validate_ids(ctx, &info, 0x10de, 0x1d10), -ENODEV);
	assert_non_null(strstr(ov_ctx_error(ctx), "10de:1c8c"));
	assert_int_equal(ov_rom_validate_ids(ctx, &info, 0x8086, 0x1c8c), -ENODEV);
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gk107_full_dump),
		cmocka_unit_test(gtx1050ti_mobile),
		cmocka_unit_test(mx150),
		cmocka_unit_test(quadro_m1200),
		cmocka_unit_test(single_legacy_image),
		cmocka_unit_test(multi_image_with_efi),
		cmocka_unit_test(npde_overrides_pcir),
		cmocka_unit_test(nvgi_prefix),
		cmocka_unit_test(trim_never_cuts_an_image),
		cmocka_unit_test(other_trailing_data),
		cmocka_unit_test(truncated_inside_header),
		cmocka_unit_test(pcir_pointer_out_of_range),
		cmocka_unit_test(zero_image_length),
		cmocka_unit_test(chain_loop),
		cmocka_unit_test(all_ff_and_all_zero),
		cmocka_unit_test(strip_refuses_broken),
		cmocka_unit_test(validate_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
