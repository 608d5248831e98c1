// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The NVIDIA display device through SetupAPI: every present PCI device
 * (SetupDiGetClassDevs, enumerator "PCI"), its hardware and compatible ids
 * (SPDRP_HARDWAREID: VEN/DEV/SUBSYS; SPDRP_COMPATIBLEIDS: CC_03 = display,
 * PCI class 03h), its status and problem code (CM_Get_DevNode_Status),
 * its location paths and driver (SetupDiGetDevicePropertyW, DEVPKEY_*).
 */
#include <initguid.h>	/* before devpkey.h: define the DEVPKEYs here */
#include <windows.h>
#include <setupapi.h>
#include <cfgmgr32.h>
#include <devpkey.h>

#include "guest-win.h"
#include "winparse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PCI_VENDOR_NVIDIA 0x10de

/* A REG_MULTI_SZ property as a list of NUL-terminated strings; "" if absent. */
static void multi_sz(HDEVINFO set, SP_DEVINFO_DATA *dev, DWORD prop, char *buf, size_t size)
{
	DWORD type = 0;

	memset(buf, 0, size);
	if (!SetupDiGetDeviceRegistryPropertyA(set, dev, prop, &type, (BYTE *)buf,
					       (DWORD)size - 2, NULL))
		memset(buf, 0, size);
}

static bool has_display_class(const char *compat)
{
	for (const char *p = compat; *p; p += strlen(p) + 1)
		if (strstr(p, "&CC_03") || strstr(p, "\\CC_03"))
			return true;
	return false;
}

/* A string DEVPKEY as UTF-8 ("" when missing); for a list, the elements joined by '#'... */
static void string_prop(HDEVINFO set, SP_DEVINFO_DATA *dev, const DEVPROPKEY *key,
			char *out, size_t size)
{
	WCHAR w[512];
	DEVPROPTYPE type = 0;
	DWORD got = 0;

	*out = '\0';
	memset(w, 0, sizeof(w));
	if (!SetupDiGetDevicePropertyW(set, dev, key, &type, (BYTE *)w, sizeof(w) - 4, &got, 0))
		return;
	if (type != DEVPROP_TYPE_STRING && type != DEVPROP_TYPE_STRING_LIST)
		return;
	WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)size, NULL, NULL);
	out[size - 1] = '\0';
}

/* DEVPKEY_Device_LocationPaths: a string list; keep the PCIROOT and the ACPI one. */
static void location_paths(HDEVINFO set, SP_DEVINFO_DATA *dev, struct win_gpu *g)
{
	WCHAR w[1024];
	DEVPROPTYPE type = 0;
	DWORD got = 0;

	memset(w, 0, sizeof(w));
	if (!SetupDiGetDevicePropertyW(set, dev, &DEVPKEY_Device_LocationPaths, &type, (BYTE *)w,
				       sizeof(w) - 4, &got, 0) || type != DEVPROP_TYPE_STRING_LIST)
		return;
	for (const WCHAR *p = w; *p; p += wcslen(p) + 1) {
		char s[256];

		WideCharToMultiByte(CP_UTF8, 0, p, -1, s, sizeof(s), NULL, NULL);
		s[sizeof(s) - 1] = '\0';
		if (strncmp(s, "PCIROOT(", 8) == 0 && !*g->pci_location)
			snprintf(g->pci_location, sizeof(g->pci_location), "%s", s);
		else if (strncmp(s, "ACPI(", 5) == 0 && !*g->acpi_location)
			snprintf(g->acpi_location, sizeof(g->acpi_location), "%s", s);
	}
}

int win_find_gpu(struct win_gpu *g, char *err, size_t errlen)
{
	SP_DEVINFO_DATA dev = { .cbSize = sizeof(dev) };
	HDEVINFO set;

	memset(g, 0, sizeof(*g));
	set = SetupDiGetClassDevsA(NULL, "PCI", NULL, DIGCF_PRESENT | DIGCF_ALLCLASSES);
	if (set == INVALID_HANDLE_VALUE) {
		snprintf(err, errlen, "SetupDiGetClassDevs(PCI) failed: error %lu", GetLastError());
		return -EIO;
	}
	for (DWORD i = 0; SetupDiEnumDeviceInfo(set, i, &dev); i++) {
		char hw[1024], compat[1024];
		struct ov_pci_hwid id;

		multi_sz(set, &dev, SPDRP_HARDWAREID, hw, sizeof(hw));
		multi_sz(set, &dev, SPDRP_COMPATIBLEIDS, compat, sizeof(compat));
		ov_pci_hwid_parse(hw, &id);
		if (!id.has_ids || id.vendor != PCI_VENDOR_NVIDIA || !has_display_class(compat))
			continue;	/* the GPU's HDMI audio function is class 04 */
		if (g->n_found++)
			continue;	/* report the first one; main.c says there are more */
		g->found = true;
		g->vendor = id.vendor;
		g->device = id.device;
		g->has_subsys = id.has_subsys;
		g->subsys_vendor = id.subsys_vendor;
		g->subsys_device = id.subsys_device;
		snprintf(g->hwid, sizeof(g->hwid), "%s", hw);
		SetupDiGetDeviceInstanceIdA(set, &dev, g->instance, sizeof(g->instance), NULL);
		if (!SetupDiGetDeviceRegistryPropertyA(set, &dev, SPDRP_DEVICEDESC, NULL,
						       (BYTE *)g->name, sizeof(g->name) - 1, NULL))
			*g->name = '\0';
		if (CM_Get_DevNode_Status(&g->status, &g->problem, dev.DevInst, 0) == CR_SUCCESS)
			g->status_known = true;
		location_paths(set, &dev, g);
		string_prop(set, &dev, &DEVPKEY_Device_DriverVersion, g->driver_version,
			    sizeof(g->driver_version));
		string_prop(set, &dev, &DEVPKEY_Device_DriverProvider, g->driver_provider,
			    sizeof(g->driver_provider));
	}
	SetupDiDestroyDeviceInfoList(set);
	return 0;
}
