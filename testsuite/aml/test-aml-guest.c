// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Guest ACPI path and the Scope-vs-Device rule, against the table in
 * facts-qemu-libvirt §1.2 (EMP on QEMU 7.2.22, SRC for 8.0+), and the QEMU
 * version parse/probe.
 */
#include "testutil.h"
#include "aml/guest-path.h"
#include "core/ctx.h"

#include <errno.h>

static struct ov_ctx *ctx;

static int setup(void **state)
{
	return ov_ctx_new(NULL, &ctx, NULL, 0);
}

static int teardown(void **state)
{
	ov_ctx_free(ctx);
	return 0;
}

static struct ov_guest_topology q35(unsigned int major, unsigned int minor,
				    enum ov_bridge_hotplug hp)
{
	struct ov_guest_topology t = {
		.machine = OV_MACHINE_Q35, .has_root_port = true, .rp_slot = 1,
		.qemu = { major, minor }, .bridge_hotplug = hp,
	};

	return t;
}

static void expect(const struct ov_guest_topology *t, const char *path, bool device,
		   uint32_t adr)
{
	struct ov_gpu_target g;

	assert_int_equal(ov_gpu_target_from_topology(ctx, t, &g), 0);
	assert_string_equal(g.path, path);
	if (g.create_device != device)
		fail_msg("%s on QEMU %u.%u: create_device %d, wanted %d", path, t->qemu.major,
			 t->qemu.minor, g.create_device, device);
	assert_int_equal(g.adr, adr);
}

static void facts_table_rows(void **state)
{
	struct ov_guest_topology t;

	/* 7.2 defaults (bridge hotplug on): S00 declared -> Scope. */
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_DEFAULT);
	expect(&t, "\\_SB.PCI0.S08.S00", false, 0);
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_ON);
	expect(&t, "\\_SB.PCI0.S08.S00", false, 0);
	/* -global ICH9-LPC.acpi-pci-hotplug-with-bridge-support=off: S00 absent. */
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_OFF);
	expect(&t, "\\_SB.PCI0.S08.S00", true, 0);
	/* 8.0 and later: always declared. */
	t = q35(8, 0, OV_BRIDGE_HOTPLUG_OFF);
	expect(&t, "\\_SB.PCI0.S08.S00", false, 0);
	t = q35(10, 1, OV_BRIDGE_HOTPLUG_DEFAULT);
	expect(&t, "\\_SB.PCI0.S08.S00", false, 0);
	/* q35 before 6.1: no ACPI bridge hotplug, no nested nodes. */
	t = q35(6, 0, OV_BRIDGE_HOTPLUG_DEFAULT);
	expect(&t, "\\_SB.PCI0.S08.S00", true, 0);
	t = q35(6, 1, OV_BRIDGE_HOTPLUG_DEFAULT);
	expect(&t, "\\_SB.PCI0.S08.S00", false, 0);
	/* 7.2: a non-bridge function != 0 gets no node; 8.0 describes all. */
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_ON);
	t.gpu_fn = 1;
	expect(&t, "\\_SB.PCI0.S08.S01", true, 1);
	t.qemu.major = 8;
	expect(&t, "\\_SB.PCI0.S08.S01", false, 1);
	/* S%02X of slot << 3 | fn: root port 02.1 -> S11; 1c.0 -> SE0. */
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_DEFAULT);
	t.rp_slot = 2;
	t.rp_fn = 1;
	expect(&t, "\\_SB.PCI0.S11.S00", false, 0);
	t.rp_slot = 0x1c;
	t.rp_fn = 0;
	expect(&t, "\\_SB.PCI0.SE0.S00", false, 0);
	/* pc, device on bus 0 at 00:05.0 -> S28 with _ADR 0x00050000. */
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_DEFAULT);
	t.machine = OV_MACHINE_PC;
	t.has_root_port = false;
	t.gpu_slot = 5;
	expect(&t, "\\_SB.PCI0.S28", false, 0x00050000);
}

static void impossible_topologies(void **state)
{
	struct ov_guest_topology t = q35(7, 2, OV_BRIDGE_HOTPLUG_DEFAULT);
	struct ov_gpu_target g;

	t.gpu_slot = 1;		/* PCIe root port: only device 0 below */
	assert_int_equal(ov_gpu_target_from_topology(ctx, &t, &g), -EINVAL);
	t = q35(7, 2, OV_BRIDGE_HOTPLUG_DEFAULT);
	t.rp_slot = 0;		/* host bridge */
	assert_int_equal(ov_gpu_target_from_topology(ctx, &t, &g), -EINVAL);
	t.rp_slot = 0x1f;	/* q35 LPC */
	assert_int_equal(ov_gpu_target_from_topology(ctx, &t, &g), -EINVAL);
	t.machine = OV_MACHINE_PC;
	t.rp_slot = 1;		/* PIIX */
	assert_int_equal(ov_gpu_target_from_topology(ctx, &t, &g), -EINVAL);
	assert_non_null(strstr(ov_ctx_error(ctx), "PIIX"));
}

static void explicit_paths(void **state)
{
	struct ov_gpu_target g;

	assert_int_equal(ov_gpu_target_from_path(ctx, "\\_SB.PCI0.PEG0.PEGP", &g), 0);
	assert_string_equal(g.path, "\\_SB.PCI0.PEG0.PEGP");
	assert_false(g.create_device);
	assert_int_equal(ov_gpu_target_from_path(ctx, "_SB.PCI0", &g), -EINVAL);
	assert_int_equal(ov_gpu_target_from_path(ctx, "\\", &g), -EINVAL);
	assert_int_equal(ov_gpu_target_from_path(ctx, "\\_SB.pci0", &g), -EINVAL);
	assert_int_equal(ov_gpu_target_from_path(ctx, "\\_SB.PCI0.S08.S00.X;rm", &g), -EINVAL);
}

static void lpc_and_parsers(void **state)
{
	uint8_t slot, fn;
	enum ov_machine m;

	assert_string_equal(ov_guest_lpc_path(OV_MACHINE_Q35), "\\_SB.PCI0.SF8");
	assert_string_equal(ov_guest_lpc_path(OV_MACHINE_PC), "\\_SB.PCI0.S08");
	assert_int_equal(ov_slot_fn_parse("1f.7", &slot, &fn), 0);
	assert_int_equal(slot, 0x1f);
	assert_int_equal(fn, 7);
	assert_int_equal(ov_slot_fn_parse("01.0", &slot, &fn), 0);
	assert_int_equal(slot, 1);
	static const char *bad[] = { "", "1.0", "20.0", "01.8", "01:0", "01.0 ", "0x1.0", "g1.0" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ov_slot_fn_parse(bad[i], &slot, &fn) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
	assert_int_equal(ov_machine_parse("pc", &m), 0);
	assert_int_equal(m, OV_MACHINE_PC);
	assert_int_equal(ov_machine_parse("q35 ", &m), -EINVAL);
}

static void qemu_versions(void **state)
{
	struct ov_qemu_version v;

	assert_int_equal(ov_qemu_version_parse("7.2", &v), 0);
	assert_int_equal(v.major, 7);
	assert_int_equal(v.minor, 2);
	assert_int_equal(ov_qemu_version_parse("10.0.50", &v), 0);
	assert_int_equal(v.major, 10);
	assert_int_equal(ov_qemu_version_parse(
		"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\n", &v), 0);
	assert_int_equal(v.minor, 2);
	static const char *bad[] = { "", "7", "7.", "7.x", "v7.2", "7.2.", "7.2 junk", "7.2.1.",
				     "QEMU emulator version x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ov_qemu_version_parse(bad[i], &v) == 0)
			fail_msg("accepted \"%s\"", bad[i]);
}

static void qemu_probe(void **state)
{
	char *dir = tu_tempdir(), path[512];
	static const char script[] =
		"#!/bin/sh\necho 'QEMU emulator version 8.2.2 (test)'\n"
		"echo 'Copyright (c) 2003-2023 Fabrice Bellard'\n";
	struct ov_qemu_version v = { 0, 0 };

	snprintf(path, sizeof(path), "%s/qemu", dir);
	tu_write(path, script, sizeof(script) - 1);
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(ov_qemu_version_probe(ctx, path, &v), 0);
	assert_int_equal(v.major, 8);
	assert_int_equal(v.minor, 2);

	snprintf(path, sizeof(path), "%s/none", dir);
	assert_int_equal(ov_qemu_version_probe(ctx, path, &v), -ENOENT);
	snprintf(path, sizeof(path), "%s/junk", dir);
	tu_write(path, "#!/bin/sh\necho hello\n", 21);
	assert_int_equal(chmod(path, 0755), 0);
	assert_int_equal(ov_qemu_version_probe(ctx, path, &v), -EINVAL);
	tu_rm_rf(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts_table_rows),
		cmocka_unit_test(impossible_topologies),
		cmocka_unit_test(explicit_paths),
		cmocka_unit_test(lpc_and_parsers),
		cmocka_unit_test(qemu_versions),
		cmocka_unit_test(qemu_probe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
