// SPDX-License-Identifier: GPL-2.0-or-later
/* Parsers for Windows' device strings (winparse.h). Every input is untrusted text. */
#include "winparse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool hex_field(const char *s, size_t digits, unsigned long *v)
{
	char buf[16];
	char *end;

	for (size_t i = 0; i < digits; i++) {
		char c = s[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	memcpy(buf, s, digits);
	buf[digits] = '\0';
	*v = strtoul(buf, &end, 16);
	return true;
}

/* The value after "&NAME_" or "\NAME_" in a hardware id, case as Windows writes it. */
static const char *field(const char *id, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = id; (p = strstr(p, name)); p += n)
		if (p > id && (p[-1] == '&' || p[-1] == '\\') && p[n] == '_')
			return p + n + 1;
	return NULL;
}

void ov_pci_hwid_parse(const char *id, struct ov_pci_hwid *ret)
{
	const char *ven = field(id, "VEN"), *dev = field(id, "DEV"), *sub = field(id, "SUBSYS");
	unsigned long v, d;

	memset(ret, 0, sizeof(*ret));
	if (strncmp(id, "PCI\\", 4) != 0)
		return;
	if (ven && dev && hex_field(ven, 4, &v) && hex_field(dev, 4, &d)) {
		ret->has_ids = true;
		ret->vendor = (uint16_t)v;
		ret->device = (uint16_t)d;
	}
	if (sub && hex_field(sub, 8, &v)) {
		ret->has_subsys = true;
		ret->subsys_device = (uint16_t)(v >> 16);
		ret->subsys_vendor = (uint16_t)(v & 0xffff);
	}
}

int ov_pci_location_parse(const char *path, struct ov_pci_location *ret)
{
	const char *p = path;
	unsigned long v;
	char *end;

	memset(ret, 0, sizeof(*ret));
	if (strncmp(p, "PCIROOT(", 8) != 0)
		return -EINVAL;
	v = strtoul(p + 8, &end, 16);
	if (end == p + 8 || *end != ')')
		return -EINVAL;
	ret->root = (unsigned)v;
	p = end + 1;
	while (*p) {
		unsigned long df;

		if (strncmp(p, "#PCI(", 5) != 0 || !hex_field(p + 5, 4, &df) || p[9] != ')' ||
		    ret->depth >= OV_PCI_PATH_MAX)
			return -EINVAL;
		ret->dev[ret->depth] = (uint8_t)(df >> 8);
		ret->fn[ret->depth] = (uint8_t)(df & 0xff);
		if (ret->dev[ret->depth] > 0x1f || ret->fn[ret->depth] > 7)
			return -EINVAL;
		ret->depth++;
		p += 10;
	}
	return ret->depth ? 0 : -EINVAL;
}

int ov_acpi_location_to_path(const char *loc, char *out, size_t size)
{
	size_t o = 0;
	const char *p = loc;

	if (size < 2)
		return -EINVAL;
	out[o++] = '\\';
	while (*p) {
		const char *close;
		size_t n;

		if (strncmp(p, "ACPI(", 5) != 0)
			return -EINVAL;
		close = strchr(p + 5, ')');
		if (!close)
			return -EINVAL;
		n = (size_t)(close - (p + 5));
		if (n == 0 || n > 4 || o + n + 2 > size)
			return -EINVAL;
		if (o > 1)
			out[o++] = '.';
		memcpy(out + o, p + 5, n);
		o += n;
		p = close + 1;
		if (*p == '#')
			p++;
		else if (*p)
			return -EINVAL;
	}
	out[o] = '\0';
	return o > 1 ? 0 : -EINVAL;
}

int ov_nv_driver_version(const char *s, unsigned *major, unsigned *minor)
{
	unsigned long f[4];
	const char *p = s;

	for (size_t i = 0; i < 4; i++) {
		char *end;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		f[i] = strtoul(p, &end, 10);
		if ((i < 3 && *end != '.') || (i == 3 && *end != '\0'))
			return -EINVAL;
		p = end + (i < 3);
	}
	if (f[3] > 9999)
		return -EINVAL;
	*major = (unsigned)((f[2] % 10) * 100 + f[3] / 100);
	*minor = (unsigned)(f[3] % 100);
	return 0;
}
