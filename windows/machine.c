// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the NVIDIA driver sees of the machine besides the GPU: the
 * hypervisor (CPUID), the battery (GetSystemPowerStatus) and the pointing
 * devices (SetupAPI, class Mouse).
 */
#include <initguid.h>	/* before devguid.h: define GUID_DEVCLASS_MOUSE here */
#include <windows.h>
#include <setupapi.h>
#include <devguid.h>
#include <cpuid.h>

#include "guest-win.h"

#include <stdio.h>
#include <string.h>

/* Intel SDM Vol. 2A CPUID: leaf 1 ECX bit 31 is reserved for hypervisors to set. */
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
/* The hypervisor leaves (Intel SDM, and KVM's Documentation/virt/kvm/x86/cpuid.rst). */
#define CPUID_HYPERVISOR_LEAF 0x40000000u

void win_read_cpu(struct win_cpu *c)
{
	unsigned int a, b, d, ecx;

	memset(c, 0, sizeof(*c));
	if (!__get_cpuid(1, &a, &b, &ecx, &d))
		return;
	c->hypervisor_bit = ecx & CPUID_1_ECX_HYPERVISOR;
	if (!c->hypervisor_bit)
		return;
	/* Not a standard leaf: __get_cpuid would refuse it, so ask directly. */
	__cpuid(CPUID_HYPERVISOR_LEAF, a, b, ecx, d);
	memcpy(c->vendor, &b, 4);
	memcpy(c->vendor + 4, &ecx, 4);
	memcpy(c->vendor + 8, &d, 4);
	c->vendor[12] = '\0';
	for (size_t i = 0; i < 12; i++)
		if (c->vendor[i] && (c->vendor[i] < ' ' || c->vendor[i] > '~'))
			c->vendor[i] = '?';
}

/* SYSTEM_POWER_STATUS.BatteryFlag: BATTERY_FLAG_NO_BATTERY (128), _UNKNOWN (255). */
void win_read_input(struct win_input *in)
{
	SP_DEVINFO_DATA dev = { .cbSize = sizeof(dev) };
	SYSTEM_POWER_STATUS ps;
	HDEVINFO set;

	memset(in, 0, sizeof(*in));
	if (GetSystemPowerStatus(&ps)) {
		in->power_known = ps.BatteryFlag != BATTERY_FLAG_UNKNOWN;
		in->battery = !(ps.BatteryFlag & BATTERY_FLAG_NO_BATTERY) &&
			      ps.BatteryFlag != BATTERY_FLAG_UNKNOWN;
		in->battery_flag = ps.BatteryFlag;
		in->ac_line = ps.ACLineStatus;
	}

	set = SetupDiGetClassDevsA(&GUID_DEVCLASS_MOUSE, NULL, NULL, DIGCF_PRESENT);
	if (set == INVALID_HANDLE_VALUE)
		return;
	for (DWORD i = 0; SetupDiEnumDeviceInfo(set, i, &dev); i++) {
		char hw[512];

		memset(hw, 0, sizeof(hw));
		if (!SetupDiGetDeviceRegistryPropertyA(set, &dev, SPDRP_HARDWAREID, NULL,
						       (BYTE *)hw, sizeof(hw) - 2, NULL))
			continue;
		in->n_pointing++;
		if (!*in->first_pointing)
			snprintf(in->first_pointing, sizeof(in->first_pointing), "%s", hw);
		/* PNP0F03/PNP0F13: the i8042 PS/2 mouse QEMU emulates; HID\: USB or virtio input */
		if (strstr(hw, "PNP0F"))
			in->n_ps2++;
		else if (strncmp(hw, "HID\\", 4) == 0)
			in->n_hid++;
	}
	SetupDiDestroyDeviceInfoList(set);
}
