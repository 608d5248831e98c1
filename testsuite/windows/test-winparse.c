// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The Windows device strings optivfio-guest.exe reads, parsed on Linux.
 * The inputs are the forms Microsoft documents (WDK "PCI Device
 * Identification Strings", DEVPKEY_Device_LocationPaths) and NVIDIA's
 * published pairs of Windows and NVIDIA driver versions (465.89 is
 * 27.21.14.6589, 536.23 is 31.0.15.3623).
 */
#include "testutil.h"
#include "../../windows/winparse.h"

#include <errno.h>

static void hardware_ids(void **state)
{
	struct ov_pci_hwid id;

	ov_pci_hwid_parse("PCI\\VEN_10DE&DEV_1C8D&SUBSYS_118B1025&REV_A1", &id);
	assert_true(id.has_ids);
	assert_int_equal(id.vendor, 0x10de);
	assert_int_equal(id.device, 0x1c8d);
	assert_true(id.has_subsys);
	assert_int_equal(id.subsys_vendor, 0x1025);	/* Acer */
	assert_int_equal(id.subsys_device, 0x118b);

	ov_pci_hwid_parse("PCI\\VEN_10DE&DEV_1C8D&SUBSYS_00000000&REV_A1", &id);
	assert_true(id.has_subsys);
	assert_int_equal(id.subsys_vendor, 0);
	assert_int_equal(id.subsys_device, 0);

	ov_pci_hwid_parse("PCI\\VEN_10DE&DEV_1C8D&REV_A1", &id);
	assert_true(id.has_ids);
	assert_false(id.has_subsys);

	ov_pci_hwid_parse("PCI\\VEN_10DE&DEV_1C8D&CC_030000", &id);	/* a compatible id */
	assert_true(id.has_ids);
	assert_false(id.has_subsys);

	ov_pci_hwid_parse("HID\\VID_0627&PID_0001", &id);
	assert_false(id.has_ids);
	ov_pci_hwid_parse("PCI\\VEN_10XE&DEV_1C8D", &id);
	assert_false(id.has_ids);
	ov_pci_hwid_parse("PCI\\VEN_10DE&DEV_1C", &id);
	assert_false(id.has_ids);
}

static void pci_location(void **state)
{
	struct ov_pci_location l;

	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(0100)#PCI(0000)", &l), 0);
	assert_int_equal(l.root, 0);
	assert_int_equal(l.depth, 2);
	assert_int_equal(l.dev[0], 1);
	assert_int_equal(l.fn[0], 0);
	assert_int_equal(l.dev[1], 0);
	assert_int_equal(l.fn[1], 0);

	/* Proxmox's port at 1c.0: PCI(1C00). */
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(1C00)#PCI(0000)", &l), 0);
	assert_int_equal(l.dev[0], 0x1c);
	/* On the root bus, function 1. */
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(0201)", &l), 0);
	assert_int_equal(l.depth, 1);
	assert_int_equal(l.dev[0], 2);
	assert_int_equal(l.fn[0], 1);

	assert_int_equal(ov_pci_location_parse("PCIROOT(0)", &l), -EINVAL);
	assert_int_equal(ov_pci_location_parse("ACPI(_SB_)#ACPI(PCI0)", &l), -EINVAL);
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(01)", &l), -EINVAL);
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(2000)", &l), -EINVAL);	/* dev 32 */
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(0108)", &l), -EINVAL);	/* fn 8 */
	assert_int_equal(ov_pci_location_parse("PCIROOT(0)#PCI(0100)x", &l), -EINVAL);
}

static void acpi_location(void **state)
{
	char out[96];

	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_)#ACPI(PCI0)#ACPI(S08_)#ACPI(S00_)",
						  out, sizeof(out)), 0);
	assert_string_equal(out, "\\_SB_.PCI0.S08_.S00_");
	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_)#ACPI(PCI0)#ACPI(PEG0)#ACPI(PEGP)",
						  out, sizeof(out)), 0);
	assert_string_equal(out, "\\_SB_.PCI0.PEG0.PEGP");

	assert_int_equal(ov_acpi_location_to_path("", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_location_to_path("PCIROOT(0)#PCI(0100)", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_)#ACPI(PCI00)", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_)ACPI(PCI0)", out, sizeof(out)),
			 -EINVAL);
	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_", out, sizeof(out)), -EINVAL);
	assert_int_equal(ov_acpi_location_to_path("ACPI(_SB_)#ACPI(PCI0)", out, 8), -EINVAL);
}

static void nvidia_driver_version(void **state)
{
	unsigned major, minor;

	assert_int_equal(ov_nv_driver_version("27.21.14.6589", &major, &minor), 0);
	assert_int_equal(major, 465);
	assert_int_equal(minor, 89);
	assert_int_equal(ov_nv_driver_version("31.0.15.3623", &major, &minor), 0);
	assert_int_equal(major, 536);
	assert_int_equal(minor, 23);
	assert_int_equal(ov_nv_driver_version("27.21.14.5671", &major, &minor), 0);	/* 456.71 */
	assert_int_equal(major, 456);
	assert_true(major < OV_NV_DRIVER_VM_OK);
	assert_int_equal(ov_nv_driver_version("26.21.14.4120", &major, &minor), 0);	/* 441.20 */
	assert_int_equal(major, 441);
	assert_int_equal(minor, 20);

	assert_int_equal(ov_nv_driver_version("", &major, &minor), -EINVAL);
	assert_int_equal(ov_nv_driver_version("31.0.15", &major, &minor), -EINVAL);
	assert_int_equal(ov_nv_driver_version("31.0.15.3623.1", &major, &minor), -EINVAL);
	assert_int_equal(ov_nv_driver_version("31.0.15.36230", &major, &minor), -EINVAL);
	assert_int_equal(ov_nv_driver_version("31.x.15.3623", &major, &minor), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hardware_ids),
		cmocka_unit_test(pci_location),
		cmocka_unit_test(acpi_location),
		cmocka_unit_test(nvidia_driver_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
