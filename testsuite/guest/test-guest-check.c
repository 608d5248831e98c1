// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * guest check on the Acer fixture (the GPU at 01:00.0 behind 00:01.0, ACPI
 * node \_SB_.PCI0.PEG0.PEGP) with the in-process acpi_call simulator
 * serving _ROM the way firmware and our SSDTs do.
 */
#include "testutil.h"
#include "../rom/acpi-call-sim.h"
#include "../rom/romgen.h"
#include "core/ctx.h"
#include "guest/guest.h"

#include <limits.h>

#define PATH_GPU "\\_SB_.PCI0.PEG0.PEGP"

static uint8_t rom[3 * 512];

static void make_rom(uint16_t vendor, uint16_t device)
{
	struct gen_image g = { .units = 3, .code_type = 0, .last = true,
			       .vendor = vendor, .device = device, .class_code = 0x030000 };

	gen_image(rom, &g);
}

static struct ov_ctx *acer(void)
{
	char root[PATH_MAX];
	struct ov_ctx *ctx;

	snprintf(root, sizeof(root), "%s/testsuite/hosts/acer-nitro5-an515-51", getenv("SRCDIR"));
	assert_int_equal(ov_ctx_new(root, &ctx, NULL, 0), 0);
	return ctx;
}

static const struct ov_check *find(const struct ov_guest_report *r, const char *id)
{
	for (size_t i = 0; i < r->n_checks; i++)
		if (strcmp(r->checks[i].id, id) == 0)
			return &r->checks[i];
	fail_msg("no check '%s'", id);
	return NULL;
}

static void run(struct sim *s, struct ov_guest_opts *o, struct ov_guest_report *r)
{
	struct ov_ctx *ctx = acer();

	o->acpi_ops = &sim_ops;
	o->acpi_userdata = s;
	assert_int_equal(ov_guest_check(ctx, o, r), 0);
	ov_ctx_free(ctx);
}

static void everything_in_place(void **state)
{
	struct sim s = { .rom = rom, .rom_len = sizeof(rom), .rvbs = sizeof(rom), .path = PATH_GPU,
			 .fw = SIM_INSYDE, .buffer_size = 256 };
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report r;

	make_rom(0x10de, 0x1c8d);
	run(&s, &o, &r);
	assert_string_equal(r.gpu, "0000:01:00.0");
	/*
	 * The fixture holds the laptop's own tables, not optivfio's: the static
	 * table checks FAIL here and are tested on a guest tree in test-tables.c.
	 */
	assert_int_equal(find(&r, "ssdt")->status, OV_CHECK_FAIL);
	for (size_t i = 0; i < r.n_checks; i++)
		if (r.checks[i].status != OV_CHECK_PASS && strcmp(r.checks[i].id, "ssdt") != 0)
			fail_msg("%s: %s", r.checks[i].id, r.checks[i].reason);
	assert_int_equal(r.rom_length, sizeof(rom));
	assert_non_null(strstr(find(&r, "rom")->reason, "10de:1c8d"));
	ov_guest_report_clear(&r);
}

static void rom_for_another_device(void **state)
{
	struct sim s = { .rom = rom, .rom_len = sizeof(rom), .rvbs = sizeof(rom), .path = PATH_GPU,
			 .fw = SIM_HP, .buffer_size = 256 };
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report r;

	make_rom(0x10de, 0x1c8c);	/* the 1050 Ti's ROM on a 1050 */
	run(&s, &o, &r);
	assert_int_equal(find(&r, "rom")->status, OV_CHECK_FAIL);
	assert_true(ov_checks_blocked(r.checks, r.n_checks));
	ov_guest_report_clear(&r);

	/* ... which is right when that is what the VM is meant to serve. */
	o.have_rom_ids = true;
	o.rom_vendor = 0x10de;
	o.rom_device = 0x1c8c;
	run(&s, &o, &r);
	assert_int_equal(find(&r, "rom")->status, OV_CHECK_PASS);
	ov_guest_report_clear(&r);
}

static void no_rom_method_or_empty(void **state)
{
	struct sim s = { .rom = rom, .rom_len = sizeof(rom), .rvbs = sizeof(rom),
			 .path = "\\_SB_.PCI0.S08_.S00_", .fw = SIM_INSYDE, .buffer_size = 256 };
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report r;

	make_rom(0x10de, 0x1c8d);
	run(&s, &o, &r);	/* the table went to another path */
	assert_int_equal(find(&r, "rom")->status, OV_CHECK_FAIL);
	assert_non_null(strstr(find(&r, "rom")->reason, "does not exist"));
	ov_guest_report_clear(&r);

	s.path = PATH_GPU;
	s.fw = SIM_EMPTY;
	run(&s, &o, &r);
	assert_int_equal(find(&r, "rom")->status, OV_CHECK_FAIL);
	ov_guest_report_clear(&r);
}

static void battery_expected_but_missing(void **state)
{
	struct sim s = { .rom = rom, .rom_len = sizeof(rom), .rvbs = sizeof(rom), .path = PATH_GPU,
			 .fw = SIM_INSYDE, .buffer_size = 256 };
	struct ov_guest_opts o = { .battery = "present" };
	struct ov_guest_report r;

	make_rom(0x10de, 0x1c8d);
	run(&s, &o, &r);
	assert_int_equal(find(&r, "battery")->status, OV_CHECK_FAIL);
	ov_guest_report_clear(&r);
}

static void without_acpi_call(void **state)
{
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report r;
	struct ov_ctx *ctx = acer();

	assert_int_equal(ov_guest_check(ctx, &o, &r), 0);
	assert_int_equal(find(&r, "acpi-node")->status, OV_CHECK_PASS);
	assert_int_equal(find(&r, "rom")->status, OV_CHECK_FAIL);
	assert_non_null(strstr(find(&r, "rom")->fix, "acpi_call"));
	ov_guest_report_clear(&r);
	ov_ctx_free(ctx);
}

static void zero_subsystem_ids(void **state)
{
	char *dir = tu_tempdir(), cmd[PATH_MAX * 3], cfg[PATH_MAX];
	struct ov_guest_opts o = { 0 };
	struct ov_guest_report r;
	struct ov_ctx *ctx;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "cp -a '%s/testsuite/hosts/acer-nitro5-an515-51/.' '%s'",
		 getenv("SRCDIR"), dir);
	assert_int_equal(system(cmd), 0);
	/* Config space 0x2c: subsystem vendor and id (PCI LB 3.0 §6.2.4). */
	snprintf(cfg, sizeof(cfg), "%s/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/config", dir);
	f = fopen(cfg, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0x2c, SEEK_SET), 0);
	assert_int_equal(fwrite("\0\0\0\0", 1, 4, f), 4);
	fclose(f);
	/* ... and the kernel's copies of them. */
	snprintf(cmd, sizeof(cmd), "cd '%s/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0' && "
		 "echo 0x0000 >subsystem_vendor && echo 0x0000 >subsystem_device", dir);
	assert_int_equal(system(cmd), 0);

	assert_int_equal(ov_ctx_new(dir, &ctx, NULL, 0), 0);
	assert_int_equal(ov_guest_check(ctx, &o, &r), 0);
	assert_int_equal(find(&r, "subsystem")->status, OV_CHECK_FAIL);
	ov_guest_report_clear(&r);
	ov_ctx_free(ctx);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everything_in_place),
		cmocka_unit_test(rom_for_another_device),
		cmocka_unit_test(no_rom_method_or_empty),
		cmocka_unit_test(battery_expected_but_missing),
		cmocka_unit_test(without_acpi_call),
		cmocka_unit_test(zero_subsystem_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
