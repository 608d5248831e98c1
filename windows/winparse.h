/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The strings Windows describes a device with, parsed. Portable C (no
 * windows.h) so that the Linux unit tests run them: testsuite/windows/.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* NVIDIA's R465: the first driver that lets GeForce cards run in a VM. */
#define OV_NV_DRIVER_VM_OK 465

/*
 * "PCI\VEN_10DE&DEV_1C8D&SUBSYS_118B1025&REV_A1" (Windows' PCI hardware id,
 * "PCI Device Identification Strings" in the WDK docs): SUBSYS_ddddvvvv is
 * the subsystem device then vendor id. Missing fields stay false.
 */
struct ov_pci_hwid {
	bool has_ids, has_subsys;
	uint16_t vendor, device, subsys_vendor, subsys_device;
};
void ov_pci_hwid_parse(const char *id, struct ov_pci_hwid *ret);

/*
 * DEVPKEY_Device_LocationPaths: "PCIROOT(0)#PCI(0100)#PCI(0000)" (each PCI(DDFF)
 * a device and function below the previous bridge) and
 * "ACPI(_SB_)#ACPI(PCI0)#ACPI(S08_)#ACPI(S00_)" (the ACPI namespace path).
 */
#define OV_PCI_PATH_MAX 8
struct ov_pci_location {
	unsigned root;				/* PCIROOT(n) */
	uint8_t dev[OV_PCI_PATH_MAX], fn[OV_PCI_PATH_MAX];
	size_t depth;				/* PCI() elements */
};
int ov_pci_location_parse(const char *path, struct ov_pci_location *ret);

/* "ACPI(_SB_)#ACPI(PCI0)#..." -> "\\_SB_.PCI0...." (-EINVAL if not that form) */
int ov_acpi_location_to_path(const char *loc, char *out, size_t size);

/*
 * NVIDIA's version from the Windows driver version: in "27.21.14.6589" the
 * last digit of the third field and the fourth field (4 digits) are the
 * NVIDIA version, 465.89 (NVIDIA's release notes give both forms). -EINVAL
 * when @s is not four dot-separated numbers.
 */
int ov_nv_driver_version(const char *s, unsigned *major, unsigned *minor);
