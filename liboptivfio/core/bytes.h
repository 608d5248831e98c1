/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Little-endian fields of firmware structures, and hex digits of text. */
#pragma once

#include <stdint.h>

static inline uint16_t ov_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static inline uint32_t ov_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* 0..15 for a hex digit (either case), -1 for anything else. */
static inline int ov_hexdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
