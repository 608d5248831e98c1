// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static table check (guest/tables.c) on the tables optivfio writes
 * (the library's own ssdt builders) and on damaged ones. What each table
 * holds is confirmed independently with ACPICA's disassembler (iasl -d):
 * the Scope/Device that holds Method (_ROM, and a bad checksum. Lengths and
 * checksums follow ACPI 6.5 §5.2.6; the expected GPU paths are QEMU's
 * names for the layout (S08 = root port 01.0, S00 = its slot 0).
 */
#include "testutil.h"
#include "../rom/romgen.h"
#include "aml/ssdt.h"
#include "core/ctx.h"
#include "guest/guest.h"
#include "guest/tables.h"

#include <errno.h>
#include <limits.h>

#define QEMU_GPU "\\_SB.PCI0.S08.S00"
#define ACER_GPU "\\_SB.PCI0.PEG0.PEGP"	/* the Acer fixture's firmware_node */

static struct ov_ctx *ctx;
static char *tmp;

static int setup(void **state)
{
	tmp = tu_tempdir();
	return ov_ctx_new(NULL, &ctx, NULL, 0);
}

static int teardown(void **state)
{
	ov_ctx_free(ctx);
	tu_rm_rf(tmp);
	free(tmp);
	return 0;
}

/* A ROM of @units 512-byte units for vendor:device (romgen: no parser involved). */
static uint8_t *make_rom(size_t units, uint16_t vendor, uint16_t device)
{
	struct gen_image g = { .units = units, .code_type = 0, .last = true,
			       .vendor = vendor, .device = device, .class_code = 0x030000 };
	uint8_t *rom = malloc(units * 512);

	assert_non_null(rom);
	gen_image(rom, &g);
	return rom;
}

static void embed(const char *path, bool create_device, size_t units, uint16_t device,
		  struct ov_ssdt_set *set)
{
	struct ov_gpu_target t;
	uint8_t *rom = make_rom(units, 0x10de, device);

	assert_int_equal(ov_gpu_target_from_path(ctx, path, &t), 0);
	t.create_device = create_device;
	memset(set, 0, sizeof(*set));
	assert_int_equal(ov_ssdt_rom_embed(ctx, &t, rom, units * 512, set), 0);
	free(rom);
}

static void as_loaded(const struct ov_ssdt_set *set, struct ov_acpi_table *t)
{
	for (size_t i = 0; i < set->count; i++) {
		snprintf(t[i].name, sizeof(t[i].name), "SSDT%zu", i + 1);
		t[i].data = set->tables[i].data;
		t[i].len = set->tables[i].len;
	}
}

/* Does `iasl -d` of @data print (or disassemble to) @needle? */
static bool iasl_says(const uint8_t *data, size_t len, const char *needle)
{
	char path[PATH_MAX], cmd[PATH_MAX * 3];

	snprintf(path, sizeof(path), "%s/t.aml", tmp);
	tu_write(path, data, len);
	snprintf(cmd, sizeof(cmd), "cd '%s' && rm -f t.dsl && iasl -d t.aml >log 2>&1; "
		 "cat log t.dsl 2>/dev/null | grep -qF '%s'", tmp, needle);
	return system(cmd) == 0;
}

struct result {
	struct ov_check *checks;
	size_t n;
};

static void check_some_unreadable(const struct ov_acpi_table *t, size_t n, const char *gpu,
				  uint16_t device, size_t n_unreadable, struct result *r)
{
	struct ov_tables_want want = { .gpu_path = gpu, .have_ids = true, .vendor = 0x10de,
				       .device = device, .n_unreadable = n_unreadable };

	memset(r, 0, sizeof(*r));
	assert_int_equal(ov_tables_check(ctx, t, n, &want, &r->checks, &r->n), 0);
}

static void check(const struct ov_acpi_table *t, size_t n, const char *gpu, uint16_t device,
		  struct result *r)
{
	check_some_unreadable(t, n, gpu, device, 0, r);
}

static const struct ov_check *find(const struct result *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	fail_msg("no check '%s'", id);
	return NULL;
}

static void expect(const struct result *r, const char *id, enum ov_check_status st,
		   const char *in_reason)
{
	const struct ov_check *c = find(r, id);

	if (c->status != st || (in_reason && !strstr(c->reason, in_reason)))
		fail_msg("%s: %s, want %s with \"%s\": %s", id, ov_check_status_name(c->status),
			 ov_check_status_name(st), in_reason ? in_reason : "", c->reason);
}

static void embedded_one_table(void **state)
{
	struct ov_ssdt_set set;
	struct ov_acpi_table t[1];
	struct result r;

	embed(QEMU_GPU, false, 3, 0x1c8d, &set);
	assert_int_equal(set.count, 1);
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Scope (\\_SB.PCI0.S08.S00)"));
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Method (_ROM, 2"));
	assert_false(iasl_says(set.tables[0].data, set.tables[0].len, "Incorrect checksum"));
	as_loaded(&set, t);

	/* The OS reports the path with padded segments; both spellings are one node. */
	check(t, 1, "\\_SB_.PCI0.S08_.S00_", 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_PASS, "1 optivfio table loaded (OVROM001)");
	expect(&r, "ssdt-path", OV_CHECK_PASS, "\\_SB_.PCI0.S08_.S00_");
	expect(&r, "ssdt-rom", OV_CHECK_PASS, "1536-byte ROM");
	expect(&r, "ssdt-rom", OV_CHECK_PASS, "10de:1c8d");
	free(r.checks);
	ov_ssdt_set_free(&set);
}

/* 140 units = 71680 bytes: two chunks of 0xF800 and the rest, two tables. */
static void embedded_two_tables_device_declared(void **state)
{
	struct ov_ssdt_set set;
	struct ov_acpi_table t[2];
	struct result r;

	embed(QEMU_GPU, true, 140, 0x1c8d, &set);
	assert_int_equal(set.count, 2);
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Scope (\\_SB.PCI0.S08)"));
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Device (S00)"));
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Method (_ROM, 2"));
	as_loaded(&set, t);
	check(t, 2, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_PASS, "OVROM001, OVROM002");
	expect(&r, "ssdt-path", OV_CHECK_PASS, NULL);
	expect(&r, "ssdt-rom", OV_CHECK_PASS, "71680-byte ROM (2 tables)");
	free(r.checks);

	/* Only table 1 loaded: the second chunk is missing. */
	check(t, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "OV01 of OV00-OV01 is missing");
	free(r.checks);

	/*
	 * Windows hands out the first SSDT only: table 2 is listed, not readable.
	 * Then the first chunk's ROM header is all there is to check.
	 */
	check_some_unreadable(t, 1, QEMU_GPU, 0x1c8d, 1, &r);
	expect(&r, "ssdt", OV_CHECK_PASS, NULL);
	expect(&r, "ssdt-rom", OV_CHECK_WARN, "first 63488 bytes of the embedded ROM are for "
	       "10de:1c8d");
	free(r.checks);
	check_some_unreadable(t, 1, QEMU_GPU, 0x1c8c, 1, &r);
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "10de:1c8c");
	free(r.checks);
	/* ... and when the readable SSDT is not ours at all. */
	check_some_unreadable(t + 1, 0, QEMU_GPU, 0x1c8d, 2, &r);
	expect(&r, "ssdt", OV_CHECK_WARN, "2 more are listed but not handed out");
	free(r.checks);

	/* The set passed twice. */
	{
		struct ov_acpi_table twice[4] = { t[0], t[1], t[0], t[1] };

		check(twice, 4, QEMU_GPU, 0x1c8d, &r);
		expect(&r, "ssdt-rom", OV_CHECK_FAIL, "there 2 times");
		free(r.checks);
	}
	ov_ssdt_set_free(&set);
}

static void fwcfg_and_battery(void **state)
{
	struct ov_ssdt_set set = { 0 };
	struct ov_gpu_target g;
	struct ov_acpi_table t[2];
	struct result r;

	assert_int_equal(ov_gpu_target_from_path(ctx, QEMU_GPU, &g), 0);
	assert_int_equal(ov_ssdt_rom_fwcfg(ctx, &g, OV_FW_CFG_DEFAULT_NAME, &set), 0);
	assert_int_equal(ov_ssdt_battery(ctx, OV_MACHINE_Q35, OV_BATTERY_ABSENT, &set), 0);
	assert_int_equal(set.count, 2);
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Method (_ROM, 2"));
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "\"opt/org.optivfio/vbios\""));
	as_loaded(&set, t);
	check(t, 2, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_PASS, "2 optivfio tables loaded (OVROMFWC, OVBATT)");
	expect(&r, "ssdt-path", OV_CHECK_PASS, NULL);
	expect(&r, "ssdt-rom", OV_CHECK_PASS, "fw_cfg file opt/org.optivfio/vbios");
	free(r.checks);

	/* The battery table alone: no _ROM anywhere. */
	check(t + 1, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_PASS, NULL);
	expect(&r, "ssdt-path", OV_CHECK_FAIL, "defines a _ROM");
	free(r.checks);
	ov_ssdt_set_free(&set);
}

static void truncated_and_bad_checksum(void **state)
{
	struct ov_ssdt_set set;
	struct ov_acpi_table t[1];
	struct result r;
	uint8_t *copy;

	embed(QEMU_GPU, false, 3, 0x1c8d, &set);
	as_loaded(&set, t);

	t[0].len = set.tables[0].len / 2;	/* fewer bytes than the header's Length */
	check(t, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_FAIL, "are there");
	free(r.checks);

	copy = malloc(set.tables[0].len);
	assert_non_null(copy);
	memcpy(copy, set.tables[0].data, set.tables[0].len);
	copy[set.tables[0].len - 100] ^= 0x5a;	/* a ROM byte changed: sums to 0x5a-ish */
	assert_true(iasl_says(copy, set.tables[0].len, "Incorrect checksum"));
	t[0].data = copy;
	t[0].len = set.tables[0].len;
	check(t, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt", OV_CHECK_FAIL, "bad checksum");
	free(r.checks);
	free(copy);
	ov_ssdt_set_free(&set);
}

static void rom_on_another_path(void **state)
{
	struct ov_ssdt_set set;
	struct ov_acpi_table t[1];
	struct result r;

	embed(ACER_GPU, false, 3, 0x1c8d, &set);
	assert_true(iasl_says(set.tables[0].data, set.tables[0].len, "Scope (\\_SB.PCI0.PEG0.PEGP)"));
	as_loaded(&set, t);
	check(t, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt-path", OV_CHECK_FAIL,
	       "_ROM on \\_SB_.PCI0.PEG0.PEGP, but the GPU's ACPI node is \\_SB_.PCI0.S08_.S00_");
	free(r.checks);

	/* Without the GPU's node the path is only reported. */
	check(t, 1, NULL, 0x1c8d, &r);
	expect(&r, "ssdt-path", OV_CHECK_WARN, "\\_SB_.PCI0.PEG0.PEGP");
	free(r.checks);
	ov_ssdt_set_free(&set);
}

static void embedded_rom_for_another_device(void **state)
{
	struct ov_ssdt_set set;
	struct ov_acpi_table t[1];
	struct result r;

	embed(QEMU_GPU, false, 3, 0x1c8c, &set);	/* the 1050 Ti's ROM, for a 1050 */
	as_loaded(&set, t);
	check(t, 1, QEMU_GPU, 0x1c8d, &r);
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "10de:1c8c");
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "10de:1c8d");
	free(r.checks);
	ov_ssdt_set_free(&set);
}

/* Only QEMU's own DSDT (captured from QEMU 7.2): not ours, not walked. */
static void none_of_ours(void **state)
{
	char path[PATH_MAX];
	struct ov_acpi_table t = { .name = "DSDT" };
	struct result r;
	uint8_t *data;
	size_t len;

	snprintf(path, sizeof(path), "%s/testsuite/aml/data/q35-7.2-dsdt.aml", getenv("SRCDIR"));
	assert_int_equal(ov_read_file(ctx, path, &data, &len), 0);
	t.data = data;
	t.len = len;
	check(&t, 1, QEMU_GPU, 0x1c8d, &r);
	assert_int_equal(r.n, 1);
	expect(&r, "ssdt", OV_CHECK_FAIL, "none of the 1 ACPI tables");
	free(r.checks);
	free(data);
}

static void path_normalize(void **state)
{
	char out[OV_TABLES_PATH_MAX];

	assert_int_equal(ov_acpi_path_normalize("\\_SB.PCI0.S08.S00", out, sizeof(out)), 0);
	assert_string_equal(out, "\\_SB_.PCI0.S08_.S00_");
	assert_int_equal(ov_acpi_path_normalize("\\_SB_.PCI0.PEG0.PEGP", out, sizeof(out)), 0);
	assert_string_equal(out, "\\_SB_.PCI0.PEG0.PEGP");
	assert_int_equal(ov_acpi_path_normalize("\\", out, sizeof(out)), 0);
	assert_string_equal(out, "\\");
	assert_int_equal(ov_acpi_path_normalize("_SB.PCI0", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_path_normalize("\\_SB.PCI00", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_path_normalize("\\_SB..S00", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_path_normalize("\\_SB.0S0", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_path_normalize("\\_SB.", out, sizeof(out)), -EINVAL);
}

static void write_table(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	tu_write(path, data, len);
}

/*
 * The Linux guest check on a guest tree: the Acer fixture (GPU 10de:1c8d,
 * node \_SB_.PCI0.PEG0.PEGP) whose /sys/firmware/acpi/tables hold QEMU's
 * DSDT and the tables optivfio wrote for that node.
 */
static void linux_guest_check_reads_sysfs(void **state)
{
	char root[PATH_MAX], tables[PATH_MAX * 2], cmd[PATH_MAX * 6], dsdt[PATH_MAX];
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report rep;
	struct ov_ssdt_set set;
	struct ov_ctx *gctx;
	struct result r;

	snprintf(root, sizeof(root), "%s/guest", tmp);
	snprintf(tables, sizeof(tables), "%s/sys/firmware/acpi/tables", root);
	snprintf(dsdt, sizeof(dsdt), "%s/testsuite/aml/data/q35-7.2-dsdt.aml", getenv("SRCDIR"));
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp -a '%s/testsuite/hosts/acer-nitro5-an515-51/.' "
		 "'%s' && rm -rf '%s' && mkdir -p '%s/dynamic' && cp '%s' '%s/DSDT'", root,
		 getenv("SRCDIR"), root, tables, tables, dsdt, tables);
	assert_int_equal(system(cmd), 0);
	embed(ACER_GPU, false, 140, 0x1c8d, &set);
	for (size_t i = 0; i < set.count; i++) {
		char name[16];

		snprintf(name, sizeof(name), "SSDT%zu", i + 1);
		write_table(tables, name, set.tables[i].data, set.tables[i].len);
	}

	assert_int_equal(ov_ctx_new(root, &gctx, NULL, 0), 0);
	assert_int_equal(ov_guest_check(gctx, &o, &rep), 0);
	r.checks = rep.checks;
	r.n = rep.n_checks;
	expect(&r, "ssdt", OV_CHECK_PASS, "2 optivfio tables loaded");
	expect(&r, "ssdt-path", OV_CHECK_PASS, "\\_SB_.PCI0.PEG0.PEGP (SSDT1)");
	expect(&r, "ssdt-rom", OV_CHECK_PASS, "for 10de:1c8d");
	ov_guest_report_clear(&rep);

	/* --rom-ids of another device: the embedded ROM is not that one. */
	o.have_rom_ids = true;
	o.rom_vendor = 0x10de;
	o.rom_device = 0x1c8c;
	assert_int_equal(ov_guest_check(gctx, &o, &rep), 0);
	r.checks = rep.checks;
	r.n = rep.n_checks;
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "10de:1c8c");
	ov_guest_report_clear(&rep);

	/* Table 2 missing from the guest. */
	snprintf(cmd, sizeof(cmd), "rm '%s/SSDT2'", tables);
	assert_int_equal(system(cmd), 0);
	o.have_rom_ids = false;
	assert_int_equal(ov_guest_check(gctx, &o, &rep), 0);
	r.checks = rep.checks;
	r.n = rep.n_checks;
	expect(&r, "ssdt-rom", OV_CHECK_FAIL, "OV01 of OV00-OV01 is missing");
	ov_guest_report_clear(&rep);

	ov_ctx_free(gctx);
	ov_ssdt_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(embedded_one_table),
		cmocka_unit_test(embedded_two_tables_device_declared),
		cmocka_unit_test(fwcfg_and_battery),
		cmocka_unit_test(truncated_and_bad_checksum),
		cmocka_unit_test(rom_on_another_path),
		cmocka_unit_test(embedded_rom_for_another_device),
		cmocka_unit_test(none_of_ours),
		cmocka_unit_test(path_normalize),
		cmocka_unit_test(linux_guest_check_reads_sysfs),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
