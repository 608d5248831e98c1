// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ACPI tables Windows loaded: EnumSystemFirmwareTables('ACPI') lists
 * their signatures (one DWORD each, the signature's bytes in table order,
 * listed again for every further table of that signature, e.g. each SSDT),
 * GetSystemFirmwareTable('ACPI', signature) returns the table. For a
 * signature listed several times it returns the first table only (its
 * documentation): main.c counts the others as listed but unreadable.
 */
#include <windows.h>

#include "guest-win.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 'ACPI' as the provider signature: the bytes 'A' 'C' 'P' 'I' big-endian. */
#define PROVIDER_ACPI 0x41435049

void win_tables_free(struct win_tables *t)
{
	for (size_t i = 0; i < t->n; i++)
		free((void *)t->tables[i].data);
	free(t->tables);
	t->tables = NULL;
	t->n = 0;
}

int win_read_tables(struct win_tables *ret, char *err, size_t errlen)
{
	UINT size = EnumSystemFirmwareTables(PROVIDER_ACPI, NULL, 0);
	DWORD *ids;
	size_t n;

	memset(ret, 0, sizeof(*ret));
	if (size == 0) {
		snprintf(err, errlen, "EnumSystemFirmwareTables('ACPI') lists no table (error %lu)",
			 GetLastError());
		return -ENOENT;
	}
	ids = malloc(size);
	if (!ids)
		return -ENOMEM;
	size = EnumSystemFirmwareTables(PROVIDER_ACPI, ids, size);
	n = size / sizeof(DWORD);
	ret->tables = calloc(n ? n : 1, sizeof(*ret->tables));
	if (!ret->tables) {
		free(ids);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		struct ov_acpi_table *t = &ret->tables[ret->n];
		UINT len = GetSystemFirmwareTable(PROVIDER_ACPI, ids[i], NULL, 0);
		uint8_t *data;
		size_t same = 0;

		if (len == 0)
			continue;
		data = malloc(len);
		if (!data) {
			free(ids);
			win_tables_free(ret);
			return -ENOMEM;
		}
		len = GetSystemFirmwareTable(PROVIDER_ACPI, ids[i], data, len);
		for (size_t j = 0; j < i; j++)
			same += ids[j] == ids[i];
		/* The id holds the signature's bytes as they stand in the table ("SSDT"). */
		snprintf(t->name, sizeof(t->name), "%.4s #%zu", (const char *)&ids[i], same + 1);
		t->data = data;
		t->len = len;
		ret->n++;
	}
	free(ids);
	return 0;
}
