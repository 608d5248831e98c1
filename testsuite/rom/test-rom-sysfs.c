// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The sysfs ROM BAR protocol (facts §4.1) through a fake attribute that
 * behaves like pci_read_rom(): EINVAL unless enabled, EIO on a bad header,
 * EOF at the PCIR-only size. And the real attribute path on a --root
 * fixture, where the rom file is a plain file that must stay untouched.
 */
#include "testutil.h"
#include "romgen.h"
#include "core/ctx.h"
#include "rom/dump.h"
#include "rom/rom.h"

#include <errno.h>
#include <limits.h>

struct fake_rom {
	const uint8_t *data;
	size_t len;		/* what the kernel would let us read */
	bool enabled;
	int read_errno;		/* forced error on read */
	int enables, disables;
	bool disabled_last;	/* the last write was "0\n" */
};

static int fake_enable(void *userdata, bool on)
{
	struct fake_rom *f = userdata;

	f->enabled = on;
	if (on)
		f->enables++;
	else
		f->disables++;
	f->disabled_last = !on;
	return 0;
}

static ssize_t fake_read(void *userdata, uint8_t *buf, size_t len, size_t off)
{
	struct fake_rom *f = userdata;

	if (!f->enabled)
		return -EINVAL;
	if (f->read_errno)
		return -f->read_errno;
	if (off >= f->len)
		return 0;
	if (len > f->len - off)
		len = f->len - off;
	memcpy(buf, f->data + off, len);
	return (ssize_t)len;
}

static const struct ov_rom_sysfs_ops fake_ops = { fake_enable, fake_read };

static uint8_t rom[64 * 1024];

static size_t build(void)
{
	struct gen_image g[] = {
		{ .units = 4, .vendor = 0x10de, .device = 0x1c8d, .npde = true, .npde_units = 4 },
		{ .units = 8, .vn = true, .code_type = 0xE0, .vendor = 0x10de, .device = 0x1c80,
		  .npde = true, .npde_units = 8 },
		{ .units = 1, .vn = true, .code_type = 0x70, .vendor = 0x10de },
	};

	memset(rom, 0xFF, sizeof(rom));
	gen_image(rom, &g[0]);
	gen_image(rom + 4 * 512, &g[1]);
	gen_image(rom + 12 * 512, &g[2]);
	return 13 * 512;
}

static void reads_and_always_disables(void **state)
{
	struct fake_rom f = { .data = rom };
	struct ov_ctx *ctx;
	uint8_t *out;
	size_t end = build(), len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	/* the BAR window is bigger than the ROM: cut to the chain */
	f.len = sizeof(rom);
	assert_int_equal(ov_rom_dump_sysfs_ops(ctx, &fake_ops, &f, &out, &len), 0);
	assert_int_equal(len, end);
	assert_memory_equal(out, rom, end);
	assert_int_equal(f.enables, 1);
	assert_int_equal(f.disables, 1);
	assert_true(f.disabled_last);
	free(out);

	/* EIO (no valid header per the kernel): explained, and still disabled */
	memset(&f, 0, sizeof(f));
	f.data = rom;
	f.len = end;
	f.read_errno = EIO;
	assert_int_equal(ov_rom_dump_sysfs_ops(ctx, &fake_ops, &f, &out, &len), -EIO);
	assert_non_null(strstr(ov_ctx_error(ctx), "no valid ROM header"));
	assert_true(f.disabled_last);
	assert_int_equal(f.disables, 1);

	/* 0xffff: powered off / no ROM chip */
	memset(rom, 0xFF, sizeof(rom));
	memset(&f, 0, sizeof(f));
	f.data = rom;
	f.len = sizeof(rom);
	assert_int_equal(ov_rom_dump_sysfs_ops(ctx, &fake_ops, &f, &out, &len), -EBADMSG);
	assert_non_null(strstr(ov_ctx_error(ctx), "0xffff"));
	assert_non_null(strstr(ov_ctx_error(ctx), "D3cold"));
	assert_true(f.disabled_last);
	ov_ctx_free(ctx);
}

static int enable_fails(void *userdata, bool on)
{
	return -EACCES;
}

static void not_enabled_and_unwritable(void **state)
{
	static const struct ov_rom_sysfs_ops no_write = { enable_fails, fake_read };
	struct fake_rom f = { .data = rom };
	struct ov_ctx *ctx;
	uint8_t *out;
	size_t len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	f.len = build();
	assert_int_equal(ov_rom_dump_sysfs_ops(ctx, &no_write, &f, &out, &len), -EACCES);
	assert_non_null(strstr(ov_ctx_error(ctx), "writing 1"));
	ov_ctx_free(ctx);
}

/* The kernel sizes the ROM PCIR-only (facts §4.1): an NVIDIA chain is cut. */
static void pcir_only_size_is_explained(void **state)
{
	struct fake_rom f = { .data = rom };
	struct ov_ctx *ctx;
	uint8_t *out;
	size_t len;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	build();
	f.len = 4 * 512 + 512;	/* stops inside the E0 image */
	assert_int_equal(ov_rom_dump_sysfs_ops(ctx, &fake_ops, &f, &out, &len), -EBADMSG);
	assert_non_null(strstr(ov_ctx_error(ctx), "--from acpi"));
	assert_true(f.disabled_last);
	ov_ctx_free(ctx);
}

/* A --root fixture: rom is a plain file; it is read and never written. */
static void fixture_rom_file_is_not_written(void **state)
{
	char *dir = tu_tempdir(), path[PATH_MAX], *cmd;
	struct ov_ctx *ctx;
	uint8_t *out, back[64 * 1024];
	size_t end = build(), len;
	FILE *fp;

	if (asprintf(&cmd, "mkdir -p '%s/sys/bus/pci/devices/0000:01:00.0'", dir) < 0)
		abort();
	assert_int_equal(system(cmd), 0);
	free(cmd);
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:01:00.0/rom", dir);
	tu_write(path, rom, end + 4096);
	assert_int_equal(ov_ctx_new(dir, &ctx, NULL, 0), 0);
	assert_int_equal(ov_rom_dump_sysfs(ctx, "0000:01:00.0", &out, &len), 0);
	assert_int_equal(len, end);
	assert_memory_equal(out, rom, end);
	free(out);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fread(back, 1, sizeof(back), fp), end + 4096);
	fclose(fp);
	assert_memory_equal(back, rom, end + 4096);

	/* no rom attribute: said so */
	assert_int_equal(ov_rom_dump_sysfs(ctx, "0000:02:00.0", &out, &len), -ENOENT);
	assert_non_null(strstr(ov_ctx_error(ctx), "no ROM BAR"));
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_and_always_disables),
		cmocka_unit_test(not_enabled_and_unwritable),
		cmocka_unit_test(pcir_only_size_is_explained),
		cmocka_unit_test(fixture_rom_file_is_not_written),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
