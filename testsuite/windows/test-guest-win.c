// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * optivfio-guest.exe's verdicts on Linux: windows/main.c (portable: it sees
 * Windows only through the probes of guest-win.h) built with stand-in
 * probes that return what Windows reports for a VM, in the forms Microsoft
 * documents (hardware ids, location paths, CM_PROB_* codes, BatteryFlag).
 * The tables are the library's own, as QEMU would pass them. Under Wine
 * only the no-GPU path runs (test-wine.sh); this is where the rest runs.
 */
#include "testutil.h"
#include "../rom/romgen.h"
#include "aml/ssdt.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <json.h>

int guest_main(int argc, char **argv);
#define main guest_main
#include "../../windows/main.c"
#undef main

/* What the stand-in probes return. */
static struct win_gpu fake_gpu;
static int fake_gpu_err;
static struct ov_ssdt_set fake_set;
static uint8_t *fake_dsdt;
static size_t fake_dsdt_len;
static bool fake_duplicate_ssdts;	/* Windows: the first SSDT for every SSDT entry */
static struct win_cpu fake_cpu;
static struct win_input fake_input;

int win_find_gpu(struct win_gpu *ret, char *err, size_t errlen)
{
	*ret = fake_gpu;
	if (fake_gpu_err)
		snprintf(err, errlen, "SetupDiGetClassDevs(PCI) failed: error 5");
	return fake_gpu_err;
}

static void add_table(struct win_tables *t, const char *name, const uint8_t *data, size_t len)
{
	struct ov_acpi_table *x = &t->tables[t->n++];
	uint8_t *copy = malloc(len);

	assert_non_null(copy);
	memcpy(copy, data, len);
	snprintf(x->name, sizeof(x->name), "%s", name);
	x->data = copy;
	x->len = len;
}

int win_read_tables(struct win_tables *ret, char *err, size_t errlen)
{
	memset(ret, 0, sizeof(*ret));
	ret->tables = calloc(1 + fake_set.count, sizeof(*ret->tables));
	assert_non_null(ret->tables);
	add_table(ret, "DSDT #1", fake_dsdt, fake_dsdt_len);
	for (size_t i = 0; i < fake_set.count; i++) {
		const struct ov_ssdt_table *s = &fake_set.tables[fake_duplicate_ssdts ? 0 : i];

		add_table(ret, "SSDT", s->data, s->len);
	}
	return 0;
}

void win_tables_free(struct win_tables *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((void *)t->tables[i].data);
	free(t->tables);
}

void win_read_cpu(struct win_cpu *ret)
{
	*ret = fake_cpu;
}

void win_read_input(struct win_input *ret)
{
	*ret = fake_input;
}

static struct ov_ctx *ctx;

/* The VM as optivfio sets it up: a 1050 at 01:00.0 behind 00:01.0, the tables for S08.S00. */
static void vm_in_order(const char *tables_path, size_t rom_units)
{
	struct ov_gpu_target t;
	size_t len = rom_units * 512;
	uint8_t *rom = calloc(1, len);

	memset(&fake_gpu, 0, sizeof(fake_gpu));
	fake_gpu_err = 0;
	fake_gpu.found = true;
	fake_gpu.n_found = 1;
	snprintf(fake_gpu.instance, sizeof(fake_gpu.instance),
		 "PCI\\VEN_10DE&DEV_1C8D&SUBSYS_118B1025&REV_A1\\4&1A2B3C4D&0&0008");
	snprintf(fake_gpu.name, sizeof(fake_gpu.name), "NVIDIA GeForce GTX 1050");
	snprintf(fake_gpu.hwid, sizeof(fake_gpu.hwid), "PCI\\VEN_10DE&DEV_1C8D&SUBSYS_118B1025&REV_A1");
	fake_gpu.vendor = 0x10de;
	fake_gpu.device = 0x1c8d;
	fake_gpu.has_subsys = true;
	fake_gpu.subsys_vendor = 0x1025;
	fake_gpu.subsys_device = 0x118b;
	fake_gpu.status_known = true;
	fake_gpu.status = 0x0180200a;	/* DN_DRIVER_LOADED | DN_STARTED | ...: no DN_HAS_PROBLEM */
	snprintf(fake_gpu.pci_location, sizeof(fake_gpu.pci_location),
		 "PCIROOT(0)#PCI(0100)#PCI(0000)");
	snprintf(fake_gpu.acpi_location, sizeof(fake_gpu.acpi_location),
		 "ACPI(_SB_)#ACPI(PCI0)#ACPI(S08_)#ACPI(S00_)");
	snprintf(fake_gpu.driver_version, sizeof(fake_gpu.driver_version), "31.0.15.3623");
	snprintf(fake_gpu.driver_provider, sizeof(fake_gpu.driver_provider), "NVIDIA");

	/* A ROM for 10de:1c8d, hand-built (romgen.h, PCI FW 3.0 §5.1). */
	assert_non_null(rom);
	gen_image(rom, &(struct gen_image){ .units = rom_units, .code_type = 0, .last = true,
					    .vendor = 0x10de, .device = 0x1c8d,
					    .class_code = 0x030000 });
	ov_ssdt_set_free(&fake_set);
	assert_int_equal(ov_gpu_target_from_path(ctx, tables_path, &t), 0);
	assert_int_equal(ov_ssdt_rom_embed(ctx, &t, rom, len, &fake_set), 0);
	free(rom);
	fake_duplicate_ssdts = false;

	memset(&fake_cpu, 0, sizeof(fake_cpu));
	fake_cpu.hypervisor_bit = true;
	snprintf(fake_cpu.vendor, sizeof(fake_cpu.vendor), "KVMKVMKVM");
	memset(&fake_input, 0, sizeof(fake_input));
	fake_input.power_known = true;
	fake_input.battery = true;
	fake_input.battery_flag = 1;		/* high */
	fake_input.n_pointing = 2;
	fake_input.n_ps2 = 1;
	fake_input.n_hid = 1;
	snprintf(fake_input.first_pointing, sizeof(fake_input.first_pointing), "ACPI\\PNP0F13");
}

/* Run the .exe's main with --json; the parsed output in *out, its exit code returned. */
static int run(struct json_object **out)
{
	char path[PATH_MAX], *argv[] = { "optivfio-guest", "--json", NULL };
	uint8_t *data;
	size_t len;
	int saved = dup(1), code;
	FILE *f;

	snprintf(path, sizeof(path), "%s/guest-win-%d.json", getenv("BUILDDIR") ? getenv("BUILDDIR")
		 : "/tmp", (int)getpid());
	fflush(stdout);
	f = freopen(path, "w", stdout);
	assert_non_null(f);
	code = guest_main(2, argv);
	fflush(stdout);
	dup2(saved, 1);		/* stdout's FILE kept fd 1: it writes to the terminal again */
	close(saved);
	assert_int_equal(ov_read_file(ctx, path, &data, &len), 0);
	unlink(path);
	*out = json_tokener_parse((const char *)data);
	if (!*out)
		fail_msg("not JSON: %s", data);
	free(data);
	return code;
}

static const char *status(struct json_object *o, const char *id, const char **reason)
{
	struct json_object *checks, *c, *v;

	assert_true(json_object_object_get_ex(o, "checks", &checks));
	for (size_t i = 0; i < json_object_array_length(checks); i++) {
		c = json_object_array_get_idx(checks, i);
		json_object_object_get_ex(c, "id", &v);
		if (strcmp(json_object_get_string(v), id) != 0)
			continue;
		json_object_object_get_ex(c, "reason", &v);
		if (reason)
			*reason = json_object_get_string(v);
		json_object_object_get_ex(c, "status", &v);
		return json_object_get_string(v);
	}
	return "absent";
}

static void expect(struct json_object *o, const char *id, const char *st, const char *in_reason)
{
	const char *reason = "", *got = status(o, id, &reason);

	if (strcmp(got, st) != 0 || (in_reason && !strstr(reason, in_reason)))
		fail_msg("%s: %s, want %s with \"%s\": %s", id, got, st, in_reason ? in_reason : "",
			 reason);
}

static int setup(void **state)
{
	char path[PATH_MAX];

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	snprintf(path, sizeof(path), "%s/testsuite/aml/data/q35-7.2-dsdt.aml", getenv("SRCDIR"));
	return ov_read_file(ctx, path, &fake_dsdt, &fake_dsdt_len);
}

static int teardown(void **state)
{
	ov_ssdt_set_free(&fake_set);
	free(fake_dsdt);
	ov_ctx_free(ctx);
	return 0;
}

static void everything_in_place(void **state)
{
	struct json_object *o;

	vm_in_order("\\_SB.PCI0.S08.S00", 3);
	assert_int_equal(run(&o), 0);
	expect(o, "gpu", "PASS", "[10de:1c8d] NVIDIA GeForce GTX 1050");
	expect(o, "device", "PASS", NULL);
	expect(o, "subsystem", "PASS", "1025:118b");
	expect(o, "layout", "PASS", "01:00.0 behind the root port 00:01.0");
	expect(o, "acpi-node", "PASS", "\\_SB_.PCI0.S08_.S00_");
	expect(o, "ssdt", "PASS", "1 optivfio table loaded");
	expect(o, "ssdt-path", "PASS", NULL);
	expect(o, "ssdt-rom", "PASS", "for 10de:1c8d");
	expect(o, "driver", "PASS", "536.23");
	expect(o, "hypervisor", "PASS", "fine for driver 536");
	expect(o, "battery", "PASS", NULL);
	expect(o, "pointing", "PASS", "1 USB/virtio HID, 1 PS/2");
	json_object_put(o);
}

/* The seed's Code 43 causes, each as the driver meets them. */
static void code_43_and_its_causes(void **state)
{
	struct json_object *o;

	vm_in_order("\\_SB.PCI0.S08.S00", 3);
	fake_gpu.status |= DN_HAS_PROBLEM;
	fake_gpu.problem = CM_PROB_FAILED_POST_START;
	fake_gpu.subsys_vendor = fake_gpu.subsys_device = 0;
	snprintf(fake_gpu.driver_version, sizeof(fake_gpu.driver_version), "27.21.14.5671");
	fake_input.n_hid = 0;
	fake_input.n_pointing = 1;
	assert_int_equal(run(&o), 3);
	expect(o, "device", "FAIL", "Code 43: the driver stopped the device");
	expect(o, "subsystem", "FAIL", "0000:0000");
	expect(o, "driver", "WARN", "456.71");
	expect(o, "hypervisor", "FAIL", "\"KVMKVMKVM\" visible");
	expect(o, "pointing", "WARN", "only the PS/2 mouse");
	json_object_put(o);

	/* Hidden (<kvm><hidden/> and a vendor_id): an old driver is fine. */
	snprintf(fake_cpu.vendor, sizeof(fake_cpu.vendor), "0123456789ab");
	assert_int_equal(run(&o), 3);
	expect(o, "hypervisor", "PASS", "0123456789ab");
	json_object_put(o);

	/* No battery with Code 43: the fake battery is worth a try. */
	fake_input.battery = false;
	fake_input.battery_flag = 128;
	assert_int_equal(run(&o), 3);
	expect(o, "battery", "WARN", "no battery");
	json_object_put(o);
}

static void layout_and_tables_elsewhere(void **state)
{
	struct json_object *o;

	vm_in_order("\\_SB.PCI0.PEG0.PEGP", 3);	/* tables for the laptop's path */
	snprintf(fake_gpu.pci_location, sizeof(fake_gpu.pci_location), "PCIROOT(0)#PCI(0200)");
	assert_int_equal(run(&o), 3);
	expect(o, "layout", "WARN", "PCIROOT(0)#PCI(0200)");
	expect(o, "ssdt-path", "FAIL", "the tables put _ROM on \\_SB_.PCI0.PEG0.PEGP");
	json_object_put(o);

	fake_gpu.acpi_location[0] = '\0';	/* no ACPI node at all */
	assert_int_equal(run(&o), 3);
	expect(o, "acpi-node", "FAIL", "no ACPI location path");
	expect(o, "ssdt-path", "WARN", "not known");
	json_object_put(o);
}

/* Two embedded tables: Windows hands out the first SSDT for both entries. */
static void second_ssdt_not_handed_out(void **state)
{
	struct json_object *o;

	vm_in_order("\\_SB.PCI0.S08.S00", 140);
	assert_int_equal(fake_set.count, 2);
	fake_duplicate_ssdts = true;
	assert_int_equal(run(&o), 0);
	expect(o, "ssdt", "PASS", "1 optivfio table loaded");
	expect(o, "ssdt-rom", "WARN", "first 63488 bytes of the embedded ROM are for 10de:1c8d");
	json_object_put(o);

	/* Were both readable, the whole ROM would be checked. */
	fake_duplicate_ssdts = false;
	assert_int_equal(run(&o), 0);
	expect(o, "ssdt-rom", "PASS", "71680-byte ROM (2 tables)");
	json_object_put(o);
}

static void no_gpu_and_no_setupapi(void **state)
{
	struct json_object *o, *gpu;

	vm_in_order("\\_SB.PCI0.S08.S00", 3);
	memset(&fake_gpu, 0, sizeof(fake_gpu));
	assert_int_equal(run(&o), 3);
	expect(o, "gpu", "FAIL", "no NVIDIA display device");
	assert_true(json_object_object_get_ex(o, "gpu", &gpu));
	assert_null(gpu);
	expect(o, "ssdt-rom", "WARN", "device's ids are not known");
	json_object_put(o);

	fake_gpu_err = -EIO;	/* exit 1: could not check, nothing on stdout */
	{
		char *argv[] = { "optivfio-guest", NULL };
		int saved = dup(2), devnull = open("/dev/null", O_WRONLY);

		dup2(devnull, 2);
		assert_int_equal(guest_main(1, argv), 1);
		dup2(saved, 2);
		close(saved);
		close(devnull);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(everything_in_place),
		cmocka_unit_test(code_43_and_its_causes),
		cmocka_unit_test(layout_and_tables_elsewhere),
		cmocka_unit_test(second_ssdt_not_handed_out),
		cmocka_unit_test(no_gpu_and_no_setupapi),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
