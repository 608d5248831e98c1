// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The SSDT header and the table set. ACPI 6.5 §5.2.6 "System Description
 * Table Header": Signature(4) Length(4) Revision(1) Checksum(1) OEMID(6)
 * OEM Table ID(8) OEM Revision(4) Creator ID(4) Creator Revision(4); the
 * whole table sums to 0 mod 256. §5.2.11.2: an SSDT is a DSDT-shaped table
 * with signature "SSDT".
 */
#include "aml/ssdt.h"
#include "aml/aml.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR_LEN 36
#define HDR_LENGTH_OFF 4
#define HDR_CHECKSUM_OFF 9

/*
 * Revision 1: the tables are written for 32-bit AML integers, which is
 * what ACPICA uses anyway under QEMU's revision-1 DSDT (facts §1.4).
 */
#define SSDT_REVISION 1

void ov_ssdt_begin(struct aml *a, const char *oem_table_id)
{
	char tid[8];
	size_t n = strlen(oem_table_id);

	memset(tid, ' ', sizeof(tid));
	memcpy(tid, oem_table_id, n < sizeof(tid) ? n : sizeof(tid));
	aml_bytes(a, "SSDT", 4);
	aml_dword(a, 0);		/* Length, set in ov_ssdt_end() */
	aml_byte(a, SSDT_REVISION);
	aml_byte(a, 0);			/* Checksum, set in ov_ssdt_end() */
	aml_bytes(a, "OPTVIO", 6);	/* OEMID */
	aml_bytes(a, tid, sizeof(tid));	/* OEM Table ID: distinct per table */
	aml_dword(a, 1);		/* OEM Revision */
	aml_bytes(a, "OVIO", 4);	/* Creator ID */
	aml_dword(a, 0x00000100);	/* Creator Revision */
}

void ov_ssdt_set_free(struct ov_ssdt_set *set)
{
	for (size_t i = 0; i < set->count; i++)
		free(set->tables[i].data);
	free(set->tables);
	set->tables = NULL;
	set->count = 0;
}

int ov_ssdt_end(struct ov_ctx *ctx, struct aml *a, struct ov_ssdt_set *set, const char *file)
{
	struct ov_ssdt_table *t;
	uint8_t *data, sum = 0;
	size_t len;
	int r;

	r = aml_finish(a, &data, &len);
	if (r < 0)
		return ov_ctx_fail(ctx, -r, "%s: encoding the AML failed: %s", file,
				   strerror(-r));
	if (len < HDR_LEN || len > OV_SSDT_MAX_LEN) {
		free(data);
		return ov_ctx_fail(ctx, EFBIG, "%s: %zu bytes, QEMU takes at most %u per table",
				   file, len, OV_SSDT_MAX_LEN);
	}
	data[HDR_LENGTH_OFF] = len & 0xff;
	data[HDR_LENGTH_OFF + 1] = (len >> 8) & 0xff;
	data[HDR_LENGTH_OFF + 2] = 0;
	data[HDR_LENGTH_OFF + 3] = 0;
	for (size_t i = 0; i < len; i++)
		sum += data[i];
	data[HDR_CHECKSUM_OFF] = (uint8_t)(0x100 - sum);

	t = realloc(set->tables, (set->count + 1) * sizeof(*t));
	if (!t) {
		free(data);
		return ov_ctx_fail(ctx, ENOMEM, "%s: out of memory", file);
	}
	set->tables = t;
	t = &set->tables[set->count++];
	snprintf(t->file, sizeof(t->file), "%s", file);
	t->data = data;
	t->len = len;
	return 0;
}

int ov_ssdt_check_qemu_total(struct ov_ctx *ctx, const struct ov_ssdt_set *set)
{
	size_t total = 0;

	for (size_t i = 0; i < set->count; i++)
		total += set->tables[i].len;
	if (total > OV_QEMU_ACPI_BLOB_MAX - OV_QEMU_OWN_TABLES_RESERVE)
		return ov_ctx_fail(ctx, EFBIG,
				   "the tables total %zu bytes; QEMU aborts when its ACPI tables "
				   "exceed %u bytes (theirs included); use --mode fwcfg",
				   total, OV_QEMU_ACPI_BLOB_MAX);
	return 0;
}
