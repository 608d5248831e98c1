// SPDX-License-Identifier: GPL-2.0-or-later
/* Quoting for the two places our values end up: QEMU options and shells. */
#include "vm/vm.h"

#include <stdlib.h>
#include <string.h>

/*
 * QEMU's option parser (util/qemu-option.c get_opt_value) ends a value at
 * a comma; ",," stands for a literal comma.
 */
char *ov_vm_qemu_escape(const char *value)
{
	size_t n = strlen(value), commas = 0;
	char *out, *o;

	for (const char *s = value; *s; s++)
		commas += *s == ',';
	out = malloc(n + commas + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *s = value; *s; s++) {
		*o++ = *s;
		if (*s == ',')
			*o++ = ',';
	}
	*o = 0;
	return out;
}

/* Characters a POSIX shell never treats specially in a word. */
static bool shell_safe(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || strchr("-_./=:,+@%", c);
}

/* POSIX sh §2.2.3: nothing is special inside '...'; a ' is written '\''. */
char *ov_vm_shell_quote(const char *s)
{
	size_t n = strlen(s), quotes = 0;
	bool safe = n > 0;
	char *out, *o;

	for (const char *c = s; *c; c++) {
		safe = safe && shell_safe(*c);
		quotes += *c == '\'';
	}
	if (safe)
		return strdup(s);
	out = malloc(n + 3 * quotes + 3);
	if (!out)
		return NULL;
	o = out;
	*o++ = '\'';
	for (const char *c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	*o = 0;
	return out;
}

void ov_vm_strv_free(char **strv)
{
	for (char **s = strv; s && *s; s++)
		free(*s);
	free(strv);
}

bool ov_vm_parse_libvirt_version(const char *s, unsigned *ret)
{
	unsigned part[3] = { 0, 0, 0 };
	int i = 0;

	if (!s || !*s)
		return false;
	for (;;) {
		unsigned long v;
		char *end;

		if (*s < '0' || *s > '9')
			return false;
		v = strtoul(s, &end, 10);
		if (v > 999 || end - s > 3)
			return false;
		part[i++] = (unsigned)v;
		s = end;
		if (!*s)
			break;
		if (*s != '.' || i == 3)
			return false;
		s++;
	}
	if (i < 2)
		return false;
	*ret = OV_LIBVIRT_VERSION(part[0], part[1], part[2]);
	return true;
}
