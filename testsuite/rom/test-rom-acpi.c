// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * acpi_call reply parsing and the _ROM dump loop, driven through the
 * acpi_call simulator (acpi-call-sim.c) over the real VBIOS samples and
 * hand-built ROMs, with each firmware behaviour of facts §2.4.
 */
#include "testutil.h"
#include "acpi-call-sim.h"
#include "romgen.h"
#include "core/ctx.h"
#include "core/fileio.h"
#include "rom/dump.h"
#include "rom/rom.h"

#include <errno.h>

#define PATH "\\_SB_.PCI0.PEG0.PEGP"

static uint8_t bytes[OV_ACPI_REPLY_MAX];

/* ---- reply parser --------------------------------------------------------- */

static void parses_buffers(void **state)
{
	struct ov_acpi_reply r;

	assert_int_equal(ov_acpi_reply_parse("{0x55, 0xaa, 0x7e}", bytes, sizeof(bytes), &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_BUFFER);
	assert_int_equal(r.n_bytes, 3);
	assert_false(r.truncated);
	assert_int_equal(bytes[0], 0x55);
	assert_int_equal(bytes[1], 0xaa);
	assert_int_equal(bytes[2], 0x7e);

	/* trailing comma: truncated, and the comma is not a byte */
	assert_int_equal(ov_acpi_reply_parse("{0x01, 0x02,", bytes, sizeof(bytes), &r), 0);
	assert_int_equal(r.n_bytes, 2);
	assert_true(r.truncated);

	assert_int_equal(ov_acpi_reply_parse("{}", bytes, sizeof(bytes), &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_BUFFER);
	assert_int_equal(r.n_bytes, 0);
	assert_int_equal(ov_acpi_reply_parse("{0x00}\n", bytes, sizeof(bytes), &r), 0);
	assert_int_equal(r.n_bytes, 1);
	assert_int_equal(ov_acpi_reply_parse("{0xAB}", bytes, sizeof(bytes), &r), 0);
	assert_int_equal(bytes[0], 0xAB);
}

static void refuses_malformed_buffers(void **state)
{
	static const char *bad[] = {
		"{", "{0x", "{0x1g}", "{0x12 0x13}", "{0x12,0x13}", "{0x123}", "{0x12}}",
		"{0x12, }", "{12}", "{0x12, 0x13", "{0x12} junk", "{,",
	};
	struct ov_acpi_reply r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ov_acpi_reply_parse(bad[i], bytes, sizeof(bytes), &r), -EBADMSG);
	assert_int_equal(ov_acpi_reply_parse("{0x01, 0x02}", bytes, 1, &r), -E2BIG);
	assert_int_equal(ov_acpi_reply_parse("", bytes, sizeof(bytes), &r), -ENODATA);
}

static void parses_other_replies(void **state)
{
	struct ov_acpi_reply r;

	assert_int_equal(ov_acpi_reply_parse("Error: AE_NOT_FOUND", bytes, 1, &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_ERROR);
	assert_string_equal(r.error, "AE_NOT_FOUND");
	assert_int_equal(ov_acpi_reply_parse("not called", bytes, 1, &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_NOT_CALLED);
	assert_int_equal(ov_acpi_reply_parse("0x29600", bytes, 1, &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_INTEGER);
	assert_int_equal(r.integer, 0x29600);
	assert_int_equal(ov_acpi_reply_parse("\"text\"", bytes, 1, &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_STRING);
	assert_int_equal(ov_acpi_reply_parse("[0x1, {0x00}]", bytes, 1, &r), 0);
	assert_int_equal(r.kind, OV_ACPI_REPLY_OTHER);
	assert_int_equal(ov_acpi_reply_parse("Error:", bytes, 1, &r), -EBADMSG);
	assert_int_equal(ov_acpi_reply_parse("0x", bytes, 1, &r), -EBADMSG);
}

/* The simulator's module formatting matches facts §1.1's measurements. */
static void simulator_formats_like_the_module(void **state)
{
	static uint8_t buf[4096];
	static char text[8192];

	assert_int_equal(sim_format_buffer(buf, 0, 256, text), 2);
	assert_string_equal(text, "{}");
	sim_format_buffer(buf, 1, 256, text);
	assert_string_equal(text, "{0x00}");
	assert_int_equal(sim_format_buffer(buf, 42, 256, text), 252);
	assert_int_equal(text[251], '}');
	assert_int_equal(sim_format_buffer(buf, 43, 256, text), 252);
	assert_int_equal(text[251], ',');
	assert_int_equal(sim_format_buffer(buf, 4096, 256, text), 252);
	/* and the parser reads back what the module prints */
	for (size_t i = 0; i < 42; i++)
		buf[i] = (uint8_t)(i * 7);
	sim_format_buffer(buf, 43, 256, text);
	{
		struct ov_acpi_reply r;

		assert_int_equal(ov_acpi_reply_parse(text, bytes, sizeof(bytes), &r), 0);
		assert_int_equal(r.n_bytes, 42);
		assert_true(r.truncated);
		assert_memory_equal(bytes, buf, 42);
	}
}

static void paths_and_commands(void **state)
{
	char cmd[320];

	assert_true(ov_acpi_path_valid("\\_SB_.PCI0.PEG0.PEGP"));
	assert_true(ov_acpi_path_valid("\\_SB.PCI0.GPP0.PEGP"));
	assert_false(ov_acpi_path_valid("_SB_.PCI0"));
	assert_false(ov_acpi_path_valid("\\_SB_.PCI0 0 0"));
	assert_false(ov_acpi_path_valid("\\_SB_..PCI0"));
	assert_false(ov_acpi_path_valid("\\_SB_.PCI0."));
	assert_false(ov_acpi_path_valid("\\_SB_.PCIXX"));
	assert_false(ov_acpi_path_valid("\\"));
	assert_false(ov_acpi_path_valid("\\_sb_.pci0"));
	assert_int_equal(ov_acpi_rom_command(cmd, sizeof(cmd), PATH, 0x1000, 42), 0);
	assert_string_equal(cmd, "\\_SB_.PCI0.PEG0.PEGP._ROM 0x1000 0x2a");
	assert_int_equal(ov_acpi_rom_command(cmd, sizeof(cmd), "bad path", 0, 1), -EINVAL);
}

/* ---- the dump loop -------------------------------------------------------- */

static void sim_init(struct sim *s, const uint8_t *rom, size_t len, enum sim_firmware fw)
{
	memset(s, 0, sizeof(*s));
	s->rom = rom;
	s->rom_len = len;
	s->rvbs = len;
	s->path = PATH;
	s->fw = fw;
	s->buffer_size = 256;
}

static int run_dump(struct sim *s, struct ov_ctx *ctx, uint8_t **out, size_t *len,
		    struct ov_acpi_dump_stats *st)
{
	return ov_rom_dump_acpi(ctx, &sim_ops, s, PATH, NULL, out, len, st);
}

/* The common checks on every successful dump. */
static void check_dump_rules(const struct sim *s, size_t chain_end,
			     const struct ov_acpi_dump_stats *st)
{
	assert_int_equal(s->crossed_4k, 0);
	/* nothing past the chain end after the first (probing) call */
	assert_true(s->max_end <= chain_end);
	assert_int_equal(st->calls, s->calls);
}

/*
 * Real samples as the firmware would hold them (from 55 AA on): chain ends
 * from facts §3.4/§4.1/§6.1. The ROM is served with its padding, as a
 * firmware copy of a flash would be; the dump must stop at the chain end.
 */
static void dumps_real_roms(void **state)
{
	static const struct {
		const char *file;
		size_t start, end;
	} roms[] = {
		{ "gtx1050ti_mobile.rom", 0, 0x29600 },
		{ "gk107_turbo.rom", 0x400, 0x400 + 0x29A00 },
		{ "mx150_x140.rom", 0, 181760 },
		{ "quadro-m1200.rom", 0, 104448 },
	};
	static const enum sim_firmware fws[] = { SIM_INSYDE, SIM_HP, SIM_SHORT };
	struct ov_ctx *ctx;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	for (size_t i = 0; i < sizeof(roms) / sizeof(roms[0]); i++) {
		size_t flen, len;
		uint8_t *file = tu_load_shared_rom(roms[i].file, &flen);

		for (size_t f = 0; f < sizeof(fws) / sizeof(fws[0]); f++) {
			struct ov_acpi_dump_stats st;
			struct sim s;
			uint8_t *out = NULL;

			sim_init(&s, file + roms[i].start, flen - roms[i].start, fws[f]);
			assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
			assert_int_equal(len, roms[i].end - roms[i].start);
			assert_memory_equal(out, file + roms[i].start, len);
			check_dump_rules(&s, len, &st);
			assert_int_equal(st.chunk, 42);
			assert_true(s.max_len <= 4096);
			free(out);
		}
		free(file);
	}
	ov_ctx_free(ctx);
}

/* A bigger module buffer (PR #22: 4096 -> 682 bytes shown): use it. */
static void adapts_to_a_bigger_module_buffer(void **state)
{
	struct ov_acpi_dump_stats st;
	struct ov_ctx *ctx;
	struct sim s;
	size_t flen, len, calls_small;
	uint8_t *file = tu_load_shared_rom("gtx1050ti_mobile.rom", &flen), *out;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	sim_init(&s, file, flen, SIM_INSYDE);
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
	calls_small = st.calls;
	free(out);
	/* 0x29600 bytes at 42 per call, plus page ends: about 4100 calls */
	assert_true(calls_small >= 0x29600 / 42);

	sim_init(&s, file, flen, SIM_INSYDE);
	s.buffer_size = 4096;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
	assert_int_equal(st.chunk, 682);
	assert_int_equal(len, 0x29600);
	assert_memory_equal(out, file, len);
	check_dump_rules(&s, len, &st);
	assert_true(st.calls * 10 < calls_small);
	free(out);

	/* A module that shows everything: whole 4 KiB pages. */
	sim_init(&s, file, flen, SIM_INSYDE);
	s.buffer_size = 1 << 16;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
	assert_int_equal(st.chunk, 4096);
	/* one per page, plus at most two split pages per image header */
	assert_true(st.calls <= 0x29600 / 4096 + 1 + 2 * 4);
	assert_memory_equal(out, file, len);
	free(out);
	free(file);
	ov_ctx_free(ctx);
}

static size_t build_multi(uint8_t *rom)
{
	/* x86 (not last) + EFI (last): the seed's script loops on this */
	struct gen_image g[] = {
		{ .units = 9, .vendor = 0x10de, .device = 0x1c8d, .class_code = 0x030000 },
		{ .units = 17, .code_type = 3, .last = true, .vendor = 0x10de, .device = 0x1c8d,
		  .efi = true },
	};

	gen_image(rom, &g[0]);
	gen_image(rom + 9 * 512, &g[1]);
	return 26 * 512;
}

static void multi_image_and_zero_padding(void **state)
{
	static uint8_t rom[64 * 1024];
	struct ov_acpi_dump_stats st;
	struct ov_ctx *ctx;
	struct sim s;
	size_t end, len;
	uint8_t *out;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	memset(rom, 0xFF, sizeof(rom));
	end = build_multi(rom);
	/* firmware holds a larger window: zero padding after the ROM */
	sim_init(&s, rom, end, SIM_INSYDE);
	s.rvbs = 32 * 1024;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
	assert_int_equal(len, end);
	assert_memory_equal(out, rom, end);
	check_dump_rules(&s, end, &st);
	free(out);

	/* RVBS shorter than the chain: the tail comes back as zeros. The
	 * headers are all inside RVBS, so the chain is known; the x86 image is
	 * whole, so only the EFI image's tail is zero. */
	sim_init(&s, rom, end, SIM_INSYDE);
	s.rvbs = end - 512;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), 0);
	assert_int_equal(len, end);
	assert_memory_equal(out, rom, end - 512);
	for (size_t i = end - 512; i < end; i++)
		assert_int_equal(out[i], 0);
	free(out);

	/* RVBS ends before the second image's header: zeros where 55 AA
	 * should be, reported as such. */
	sim_init(&s, rom, end, SIM_INSYDE);
	s.rvbs = 9 * 512;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EBADMSG);
	assert_non_null(strstr(ov_ctx_error(ctx), "zeros"));
	ov_ctx_free(ctx);
}

static void explains_errors(void **state)
{
	static uint8_t rom[64 * 1024];
	struct ov_acpi_dump_stats st;
	struct ov_ctx *ctx;
	struct sim s;
	size_t end, len;
	uint8_t *out = NULL;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	end = build_multi(rom);

	/* no _ROM at this path */
	sim_init(&s, rom, end, SIM_INSYDE);
	s.path = "\\_SB_.PCI0.RP01.PXSX";
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "AE_NOT_FOUND"));
	assert_non_null(strstr(ov_ctx_error(ctx), "no _ROM"));
	assert_int_equal(s.calls, 1);

	/* relative path: refused before anything is written */
	sim_init(&s, rom, end, SIM_INSYDE);
	assert_int_equal(ov_rom_dump_acpi(ctx, &sim_ops, &s, "_SB_.PCI0.PEG0.PEGP", NULL,
					  &out, &len, &st), -EINVAL);
	assert_int_equal(s.calls, 0);

	/* the module's parser refused the command */
	sim_init(&s, rom, end, SIM_NOT_CALLED);
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "not called"));

	/* {} forever: no progress, abort after one call (the seed would spin) */
	sim_init(&s, rom, end, SIM_EMPTY);
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EIO);
	assert_int_equal(s.calls, 1);

	/* an AML error in the middle of the dump */
	sim_init(&s, rom, end, SIM_INSYDE);
	s.error_at_call = 50;
	s.error_name = "AE_AML_BUFFER_LIMIT";
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "AE_AML_BUFFER_LIMIT"));
	assert_int_equal(s.calls, 50);

	/* a ROM smaller than the chain says, on firmware that does not pad:
	 * the reply runs dry, and that is an error, not a loop */
	sim_init(&s, rom, end - 1024, SIM_SHORT);
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "no data"));

	/* not a ROM at all */
	memset(rom, 0, sizeof(rom));
	sim_init(&s, rom, sizeof(rom), SIM_INSYDE);
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EBADMSG);
	assert_non_null(strstr(ov_ctx_error(ctx), "55 AA"));
	ov_ctx_free(ctx);
}

/* A chain that claims to be huge (65535 units per image) ends in an error. */
static void implausible_size(void **state)
{
	static uint8_t rom[4096];
	struct gen_image g = { .units = 1, .vendor = 1, .device = 2 };
	struct ov_acpi_dump_stats st;
	struct ov_ctx *ctx;
	struct sim s;
	size_t len;
	uint8_t *out;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	gen_image(rom, &g);
	gen_put16(rom + 0x40 + 0x10, 0xFFFF);
	sim_init(&s, rom, sizeof(rom), SIM_INSYDE);
	s.rvbs = 64u << 20;
	assert_int_equal(run_dump(&s, ctx, &out, &len, &st), -EFBIG);
	assert_non_null(strstr(ov_ctx_error(ctx), "MiB"));
	/* decided from the header: no 16 MiB of calls first */
	assert_true(s.calls < 100);
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_buffers),
		cmocka_unit_test(refuses_malformed_buffers),
		cmocka_unit_test(parses_other_replies),
		cmocka_unit_test(simulator_formats_like_the_module),
		cmocka_unit_test(paths_and_commands),
		cmocka_unit_test(dumps_real_roms),
		cmocka_unit_test(adapts_to_a_bigger_module_buffer),
		cmocka_unit_test(multi_image_and_zero_padding),
		cmocka_unit_test(explains_errors),
		cmocka_unit_test(implausible_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
