// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fake battery: a Control Method Battery (ACPI 6.5 §10.2, _HID PNP0C0A)
 * under the machine's LPC bridge. The NVIDIA mobile driver looks for a
 * battery (seed-notes "Fake battery").
 *   absent:  the seed's: the device with _STA 0x0F only, bit 4 ("battery
 *            present") clear, so the guest shows a battery slot with no
 *            battery;
 *   present: a full rechargeable battery: _STA 0x1F, _BIF, _BIX, _BST.
 */
#include "aml/ssdt.h"
#include "aml/aml.h"
#include "core/ctx.h"

#include <errno.h>
#include <string.h>

/* §6.3.7 _STA bits: present, enabled, shown, functioning (+ bit 4 battery present). */
#define STA_DEVICE_OK 0x0f
#define STA_BATTERY_PRESENT 0x10

/* The battery: 50 Wh, 11.1 V Li-ion, full, neither charging nor discharging. */
#define BAT_POWER_UNIT_MW 0	/* §10.2.2 _BIF/_BIX Power Unit: 0 = mW/mWh */
#define BAT_DESIGN_CAPACITY 50000
#define BAT_FULL_CAPACITY 50000
#define BAT_TECH_RECHARGEABLE 1	/* Battery Technology: 1 = secondary (rechargeable) */
#define BAT_DESIGN_VOLTAGE 11100
#define BAT_CAPACITY_WARNING 5000
#define BAT_CAPACITY_LOW 1500
#define BAT_GRANULARITY 500
#define BAT_MODEL "OPTIVFIO"
#define BAT_SERIAL "00001"
#define BAT_TYPE "LION"
#define BAT_OEM "optivfio"

int ov_battery_parse(const char *s, enum ov_battery *ret)
{
	if (strcmp(s, "none") == 0)
		*ret = OV_BATTERY_NONE;
	else if (strcmp(s, "absent") == 0)
		*ret = OV_BATTERY_ABSENT;
	else if (strcmp(s, "present") == 0)
		*ret = OV_BATTERY_PRESENT;
	else
		return -EINVAL;
	return 0;
}

const char *ov_battery_name(enum ov_battery b)
{
	switch (b) {
	case OV_BATTERY_ABSENT:
		return "absent";
	case OV_BATTERY_PRESENT:
		return "present";
	default:
		return "none";
	}
}

/* Method (name, 0) { Return (value) } with an integer value. */
static void method_returning_int(struct aml *a, const char *name, uint32_t value)
{
	aml_method_open(a, name, 0, 0);
	aml_op(a, AML_RETURN);
	aml_integer(a, value);
	aml_close(a);
}

/* The fields _BIF and _BIX share, from Power Unit to Design Capacity of Low. */
static void capacities(struct aml *a)
{
	aml_integer(a, BAT_POWER_UNIT_MW);
	aml_integer(a, BAT_DESIGN_CAPACITY);
	aml_integer(a, BAT_FULL_CAPACITY);
	aml_integer(a, BAT_TECH_RECHARGEABLE);
	aml_integer(a, BAT_DESIGN_VOLTAGE);
	aml_integer(a, BAT_CAPACITY_WARNING);
	aml_integer(a, BAT_CAPACITY_LOW);
}

static void strings(struct aml *a)
{
	aml_string(a, BAT_MODEL);
	aml_string(a, BAT_SERIAL);
	aml_string(a, BAT_TYPE);
	aml_string(a, BAT_OEM);
}

/* §10.2.2 _BIF: 13 elements (ACPI 1.0 battery information). */
static void write_bif(struct aml *a)
{
	aml_method_open(a, "_BIF", 0, 0);
	aml_op(a, AML_RETURN);
	aml_package_open(a, 13);
	capacities(a);
	aml_integer(a, BAT_GRANULARITY);	/* Capacity Granularity 1 */
	aml_integer(a, BAT_GRANULARITY);	/* Capacity Granularity 2 */
	strings(a);
	aml_close(a);
	aml_close(a);
}

/* §10.2.2 _BIX revision 0: 20 elements (ACPI 4.0 extended information). */
static void write_bix(struct aml *a)
{
	aml_method_open(a, "_BIX", 0, 0);
	aml_op(a, AML_RETURN);
	aml_package_open(a, 20);
	aml_integer(a, 0);			/* Revision */
	capacities(a);
	aml_integer(a, 0);			/* Cycle Count */
	aml_integer(a, 95000);			/* Measurement Accuracy: 95.000 % */
	aml_integer(a, 1000);			/* Max Sampling Time (ms) */
	aml_integer(a, 1000);			/* Min Sampling Time (ms) */
	aml_integer(a, 1000);			/* Max Averaging Interval (ms) */
	aml_integer(a, 1000);			/* Min Averaging Interval (ms) */
	aml_integer(a, BAT_GRANULARITY);	/* Capacity Granularity 1 */
	aml_integer(a, BAT_GRANULARITY);	/* Capacity Granularity 2 */
	strings(a);
	aml_close(a);
	aml_close(a);
}

/* §10.2.2 _BST: State (0: neither charging nor discharging), Rate, Remaining, Voltage. */
static void write_bst(struct aml *a)
{
	aml_method_open(a, "_BST", 0, 0);
	aml_op(a, AML_RETURN);
	aml_package_open(a, 4);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_integer(a, BAT_FULL_CAPACITY);
	aml_integer(a, BAT_DESIGN_VOLTAGE);
	aml_close(a);
	aml_close(a);
}

int ov_ssdt_battery(struct ov_ctx *ctx, enum ov_machine machine, enum ov_battery kind,
		    struct ov_ssdt_set *set)
{
	struct aml a;

	if (kind == OV_BATTERY_NONE)
		return 0;
	aml_init(&a);
	ov_ssdt_begin(&a, "OVBATT");
	aml_scope_open(&a, ov_guest_lpc_path(machine));
	aml_device_open(&a, "BAT0");
	aml_name_decl(&a, "_HID");
	aml_eisaid(&a, "PNP0C0A");
	aml_name_decl(&a, "_UID");
	aml_integer(&a, 1);
	if (kind == OV_BATTERY_ABSENT) {
		method_returning_int(&a, "_STA", STA_DEVICE_OK);
	} else {
		method_returning_int(&a, "_STA", STA_DEVICE_OK | STA_BATTERY_PRESENT);
		write_bif(&a);
		write_bix(&a);
		write_bst(&a);
	}
	aml_close(&a);
	aml_close(&a);
	return ov_ssdt_end(ctx, &a, set, "ssdt-battery.aml");
}
