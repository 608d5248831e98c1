/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * optivfio-guest.exe: the guest check inside a Windows VM. Each probe here
 * reads one Windows API and returns plain data; main.c turns it into checks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/tables.h"

/* The NVIDIA display device (SetupAPI, cfgmgr32). */
struct win_gpu {
	bool found;
	size_t n_found;			/* NVIDIA display devices present */
	char instance[200];		/* PCI\VEN_10DE&DEV_...\... */
	char name[128];			/* SPDRP_DEVICEDESC */
	char hwid[200];			/* the first hardware id: with SUBSYS */
	uint16_t vendor, device, subsys_vendor, subsys_device;
	bool has_subsys;
	bool status_known;
	unsigned long status, problem;	/* CM_Get_DevNode_Status: DN_*, CM_PROB_* */
	char pci_location[128];		/* "PCIROOT(0)#PCI(0100)#PCI(0000)", "" if none */
	char acpi_location[128];	/* "ACPI(_SB_)#ACPI(PCI0)#...", "" if none */
	char driver_version[64];	/* DEVPKEY_Device_DriverVersion, "" if no driver */
	char driver_provider[64];
};

/* 0, or a negative errno when SetupAPI itself fails (exit 1: could not check). */
int win_find_gpu(struct win_gpu *ret, char *err, size_t errlen);

/* The ACPI tables Windows loaded (EnumSystemFirmwareTables/GetSystemFirmwareTable). */
struct win_tables {
	struct ov_acpi_table *tables;
	size_t n;
};
int win_read_tables(struct win_tables *ret, char *err, size_t errlen);
void win_tables_free(struct win_tables *t);

/* CPUID as the guest sees it. */
struct win_cpu {
	bool hypervisor_bit;		/* leaf 1 ECX bit 31 */
	char vendor[13];		/* leaf 0x40000000 EBX ECX EDX, "" without the bit */
};
void win_read_cpu(struct win_cpu *ret);

/* GetSystemPowerStatus and the pointing devices (SetupAPI, class Mouse). */
struct win_input {
	bool power_known;
	bool battery;			/* BatteryFlag is not 128 (no system battery) */
	unsigned char battery_flag, ac_line;
	size_t n_pointing, n_ps2, n_hid;
	char first_pointing[200];
};
void win_read_input(struct win_input *ret);
