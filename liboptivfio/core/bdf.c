// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/bdf.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool parse_hex(const char *s, size_t digits, unsigned *ret)
{
	unsigned v = 0;

	for (size_t i = 0; i < digits; i++) {
		int c = (unsigned char)s[i];

		if (!isxdigit(c))
			return false;
		v = v * 16 + (unsigned)(isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	*ret = v;
	return true;
}

bool ov_bdf_parse(const char *s, struct ov_bdf *ret)
{
	unsigned domain = 0, bus, dev, fn;
	size_t len = strlen(s);

	if (len == 12) {
		if (!parse_hex(s, 4, &domain) || s[4] != ':')
			return false;
		s += 5;
	} else if (len != 7) {
		return false;
	}
	if (!parse_hex(s, 2, &bus) || s[2] != ':' || !parse_hex(s + 3, 2, &dev) ||
	    s[5] != '.' || !parse_hex(s + 6, 1, &fn))
		return false;
	if (dev > 31 || fn > 7)
		return false;

	ret->domain = (uint16_t)domain;
	ret->bus = (uint8_t)bus;
	ret->dev = (uint8_t)dev;
	ret->fn = (uint8_t)fn;
	return true;
}

const char *ov_bdf_format(const struct ov_bdf *bdf, char buf[OV_BDF_STRLEN])
{
	snprintf(buf, OV_BDF_STRLEN, "%04x:%02x:%02x.%u",
		 bdf->domain, bdf->bus, bdf->dev, bdf->fn);
	return buf;
}

int ov_bdf_compare(const struct ov_bdf *a, const struct ov_bdf *b)
{
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->fn != b->fn)
		return a->fn < b->fn ? -1 : 1;
	return 0;
}

bool ov_bdf_same_slot(const struct ov_bdf *a, const struct ov_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}
