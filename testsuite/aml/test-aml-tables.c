// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Every table the builders make, walked by the independent decoder in
 * aml-walk.c: header Length and checksum, every PkgLength and opcode, the
 * objects declared, and for embed mode the chunk bytes against the ROM.
 */
#include "testutil.h"
#include "aml-walk.h"
#include "aml/guest-path.h"
#include "aml/ssdt.h"
#include "core/ctx.h"

#include <errno.h>

static struct ov_ctx *ctx;

/* facts-qemu-libvirt §1.3: names QEMU already uses. */
static const char *const qemu_names[] = {
	"BSEL", "ASUN", "DVNT", "PCNT", "PDSM", "EDSM", "PCEJ", "BNUM", "PCIU", "PCID",
	"B0EJ", "BLCK", "AIDX", "PIDX", "FWCF", "SMI0", "GPE0", "PHPR", "_DSM", "_SUN", "_EJ0",
};

static int setup(void **state)
{
	return ov_ctx_new(NULL, &ctx, NULL, 0);
}

static int teardown(void **state)
{
	ov_ctx_free(ctx);
	return 0;
}

static void walk_ok(struct walk *w, const struct ov_ssdt_table *t)
{
	if (walk_table(w, t->data, t->len) < 0)
		fail_msg("%s: %s", t->file, w->msg);
	assert_true(w->packages > 0);
	for (size_t i = 0; i < w->n_names; i++)
		for (size_t j = 0; j < sizeof(qemu_names) / sizeof(qemu_names[0]); j++)
			if (strcmp(w->names[i].seg, qemu_names[j]) == 0)
				fail_msg("%s declares %s, a QEMU name", t->file, qemu_names[j]);
	assert_true(t->len <= 65535);
}

static void expect_rom_method(const struct walk *w)
{
	const struct walk_name *m = walk_find(w, "_ROM");

	assert_non_null(m);
	assert_int_equal(m->op, 0x14);
	assert_int_equal(m->method_flags, 0x0a);	/* 2 args, Serialized */
}

static struct ov_gpu_target target(bool device)
{
	struct ov_gpu_target g = { .create_device = device, .adr = 0 };

	strcpy(g.path, "\\_SB.PCI0.S08.S00");
	return g;
}

static void fwcfg_tables(void **state)
{
	static const char *names[] = { OV_FW_CFG_DEFAULT_NAME, "opt/com.lion328/nvidia-rom",
		"opt/012345678901234567890123456789012345678901234567890" /* 55 */ };
	for (size_t i = 0; i < 3; i++) {
		for (int device = 0; device < 2; device++) {
			struct ov_gpu_target g = target(device);
			struct ov_ssdt_set set = { 0 };
			const struct walk_name *fn;
			struct walk w;

			assert_int_equal(ov_ssdt_rom_fwcfg(ctx, &g, names[i], &set), 0);
			assert_int_equal(set.count, 1);
			assert_string_equal(set.tables[0].file, "ssdt-rom.aml");
			walk_ok(&w, &set.tables[0]);
			expect_rom_method(&w);
			assert_string_equal(w.scopes[0],
					    device ? "\\_SB_.PCI0.S08_" : "\\_SB_.PCI0.S08_.S00_");
			assert_true(!device || walk_find(&w, "S00_"));
			/* The name to find, NUL-terminated (facts §2.3). */
			fn = walk_find(&w, "OVFN");
			assert_non_null(fn);
			assert_int_equal(fn->buf_len, strlen(names[i]) + 1);
			assert_memory_equal(fn->buf, names[i], strlen(names[i]) + 1);
			assert_non_null(walk_find(&w, "OVSL"));
			assert_non_null(walk_find(&w, "OVDT"));
			ov_ssdt_set_free(&set);
		}
	}
}

static void fwcfg_bad_names(void **state)
{
	static const char *bad[] = { "", "opt/", "com.x/rom", "opt/a b", "opt/a,b", "opt/\x7f",
		"opt/0123456789012345678901234567890123456789012345678901" /* 56 */ };
	struct ov_gpu_target g = target(false);
	struct ov_ssdt_set set = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ov_ssdt_rom_fwcfg(ctx, &g, bad[i], &set) == 0)
			fail_msg("accepted fw_cfg name \"%s\"", bad[i]);
		assert_int_equal(set.count, 0);
	}
}

static uint8_t *synthetic_rom(size_t len)
{
	uint8_t *rom = malloc(len);
	uint32_t x = 0x12345678;

	assert_non_null(rom);
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		rom[i] = (uint8_t)(x >> 16);
	}
	if (len >= 2) {
		rom[0] = 0x55;
		rom[1] = 0xaa;
	}
	return rom;
}

static void embed_tables(void **state)
{
	const size_t sizes[] = { 1, 16, OV_EMBED_CHUNK - 1, OV_EMBED_CHUNK, OV_EMBED_CHUNK + 1,
				 262144, 2 * 1024 * 1024 + 3, OV_EMBED_MAX_ROM };

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s], chunks = (len + OV_EMBED_CHUNK - 1) / OV_EMBED_CHUNK;
		struct ov_gpu_target g = target(s % 2);
		struct ov_ssdt_set set = { 0 };
		uint8_t *rom = synthetic_rom(len);

		assert_int_equal(ov_ssdt_rom_embed(ctx, &g, rom, len, &set), 0);
		assert_int_equal(set.count, chunks);
		for (size_t i = 0; i < set.count; i++) {
			const struct walk_name *c;
			char file[32], name[5];
			struct walk w;

			snprintf(file, sizeof(file), "ssdt-rom-%zu.aml", i + 1);
			assert_string_equal(set.tables[i].file, file);
			walk_ok(&w, &set.tables[i]);
			/* _ROM and the picker only in table 1; the chunk in every one. */
			if (i == 0) {
				expect_rom_method(&w);
				assert_non_null(walk_find(&w, "OVRC"));
			} else {
				assert_null(walk_find(&w, "_ROM"));
				assert_string_equal(w.scopes[0], "\\_SB_.PCI0.S08_.S00_");
			}
			snprintf(name, sizeof(name), "OV%02X", (unsigned int)i);
			c = walk_find(&w, name);
			assert_non_null(c);
			assert_int_equal(c->buf_len, i + 1 < chunks ? OV_EMBED_CHUNK
								  : len - i * OV_EMBED_CHUNK);
			assert_memory_equal(c->buf, rom + i * OV_EMBED_CHUNK, c->buf_len);
		}
		ov_ssdt_set_free(&set);
		free(rom);
	}
}

static void embed_limits(void **state)
{
	struct ov_gpu_target g = target(false);
	struct ov_ssdt_set set = { 0 };
	uint8_t *rom = synthetic_rom(OV_EMBED_MAX_ROM + 1);

	assert_int_equal(ov_ssdt_rom_embed(ctx, &g, rom, OV_EMBED_MAX_ROM + 1, &set), -EFBIG);
	assert_int_equal(set.count, 0);
	assert_non_null(strstr(ov_ctx_error(ctx), "fwcfg"));
	assert_int_equal(ov_ssdt_rom_embed(ctx, &g, rom, 0, &set), -EINVAL);
	free(rom);
}

static void battery_tables(void **state)
{
	for (int m = 0; m < 2; m++) {
		for (int kind = OV_BATTERY_NONE; kind <= OV_BATTERY_PRESENT; kind++) {
			struct ov_ssdt_set set = { 0 };
			struct walk w;

			assert_int_equal(ov_ssdt_battery(ctx, m ? OV_MACHINE_PC : OV_MACHINE_Q35,
							 kind, &set), 0);
			if (kind == OV_BATTERY_NONE) {
				assert_int_equal(set.count, 0);
				continue;
			}
			assert_int_equal(set.count, 1);
			walk_ok(&w, &set.tables[0]);
			assert_string_equal(w.scopes[0], m ? "\\_SB_.PCI0.S08_" : "\\_SB_.PCI0.SF8_");
			assert_non_null(walk_find(&w, "BAT0"));
			assert_non_null(walk_find(&w, "_HID"));
			assert_non_null(walk_find(&w, "_STA"));
			if (kind == OV_BATTERY_ABSENT) {
				assert_null(walk_find(&w, "_BIF"));
				assert_null(walk_find(&w, "_BST"));
			} else {
				assert_non_null(walk_find(&w, "_BIF"));
				assert_non_null(walk_find(&w, "_BIX"));
				assert_non_null(walk_find(&w, "_BST"));
			}
			ov_ssdt_set_free(&set);
		}
	}
}

/* The decoder must catch a broken PkgLength, or the tests above prove nothing. */
static void walker_catches_corruption(void **state)
{
	struct ov_gpu_target g = target(false);
	struct ov_ssdt_set set = { 0 };
	struct walk w;
	uint8_t *t, sum = 0;
	size_t scope_pkg;

	assert_int_equal(ov_ssdt_rom_fwcfg(ctx, &g, OV_FW_CFG_DEFAULT_NAME, &set), 0);
	t = set.tables[0].data;
	assert_int_equal(t[36], 0x10);		/* Scope */
	scope_pkg = 37;
	assert_int_equal(t[scope_pkg] >> 6, 1);	/* a 2-byte PkgLength */
	t[scope_pkg + 1]--;			/* 16 bytes shorter */
	t[9] = 0;
	for (size_t i = 0; i < set.tables[0].len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)(0x100 - sum);
	assert_int_equal(walk_table(&w, t, set.tables[0].len), -1);
	t[scope_pkg + 1]++;			/* restored, but the checksum is now off */
	assert_int_equal(walk_table(&w, t, set.tables[0].len), -1);
	assert_non_null(strstr(w.msg, "checksum"));
	ov_ssdt_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fwcfg_tables),
		cmocka_unit_test(fwcfg_bad_names),
		cmocka_unit_test(embed_tables),
		cmocka_unit_test(embed_limits),
		cmocka_unit_test(battery_tables),
		cmocka_unit_test(walker_catches_corruption),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
