// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: the static table check (guest/tables.h) on tables a guest OS
 * hands out, which a hostile or broken firmware controls: the input is cut
 * into up to four tables at points its first bytes choose, and checked the
 * way Linux (all readable) and Windows (later SSDTs unreadable) do. Also
 * the ACPI path normalizer on the same bytes as text.
 */
#include "guest/tables.h"
#include "core/ctx.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ov_ctx *ctx;
	struct ov_acpi_table tables[4];
	struct ov_tables_want want = {
		.gpu_path = "\\_SB.PCI0.S08.S00", .have_ids = true,
		.vendor = 0x10de, .device = 0x1c8d,
	};
	char path[128], norm[OV_TABLES_PATH_MAX];
	size_t n = 0, off = 4;

	if (!ctx && ov_ctx_new(NULL, &ctx, NULL, 0) < 0)
		abort();
	if (size < 4)
		return 0;
	/* Bytes 0..3: the lengths of the first three tables (scaled), the rest is the last. */
	for (int i = 0; i < 4 && off <= size; i++) {
		size_t len = i < 3 ? (size_t)data[i] * 64 : size - off;

		if (len > size - off)
			len = size - off;
		tables[n].data = data + off;
		tables[n].len = len;
		memcpy(tables[n].name, "SSDT", 5);
		n++;
		off += len;
	}
	for (size_t unreadable = 0; unreadable <= 1; unreadable++) {
		struct ov_check *checks = NULL;
		size_t n_checks = 0;

		want.n_unreadable = unreadable;
		if (ov_tables_check(ctx, tables, n, &want, &checks, &n_checks) == 0 && !n_checks)
			abort();	/* a run always says something */
		free(checks);
	}
	snprintf(path, sizeof(path), "%.*s", (int)(size < 127 ? size : 127), (const char *)data);
	if (ov_acpi_path_normalize(path, norm, sizeof(norm)) == 0 && norm[0] != '\\')
		abort();
	return 0;
}
