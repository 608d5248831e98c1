// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `_ROM` reading the ROM from a QEMU fw_cfg file (facts-qemu-libvirt §2).
 *
 * Legacy x86 interface, hard-coded (never through \_SB.PCI0.FWCF, which
 * hardened forks rename): a 16-bit write to 0x510 selects a key and resets
 * the read offset to 0; each 8-bit read of 0x511 returns the next byte. The
 * file directory is key 0x19: BE32 count, then 64-byte entries {BE32 size,
 * BE16 select, BE16 reserved, char name[56]}; keys depend on which other
 * files exist, so the directory is scanned by name (once).
 *
 * The seed read the whole file byte by byte on the first call (12.9 s for a
 * 244 KiB ROM under TCG). This one streams: OVFP is the read position in the
 * selected file; a request reads forward only up to its end, and re-selects
 * (offset back to 0) only when asked for something before OVFP. So the usual
 * sequential 4 KiB walk costs one port read per ROM byte in total, and the
 * first call only what it asks for.
 *
 * Assumption (as the seed's, over a longer window): nothing else moves the
 * fw_cfg selector between two `_ROM` calls.
 */
#include "aml/ssdt.h"
#include "aml/aml.h"
#include "aml/rom-method.h"
#include "core/ctx.h"

#include <errno.h>
#include <string.h>

#define FW_CFG_PORT_SELECT 0x510
#define FW_CFG_FILE_DIR 0x19
#define FW_CFG_DIR_NAME_LEN 56

int ov_fw_cfg_name_check(struct ov_ctx *ctx, const char *name)
{
	size_t len = strlen(name);

	if (len > OV_FW_CFG_NAME_MAX)
		return ov_ctx_fail(ctx, ENAMETOOLONG,
				   "fw_cfg name \"%s\": %zu characters, QEMU takes at most %d",
				   name, len, OV_FW_CFG_NAME_MAX);
	if (strncmp(name, "opt/", 4) != 0 || len == 4)
		return ov_ctx_fail(ctx, EINVAL,
				   "fw_cfg name \"%s\": user files must be named opt/<something>", name);
	for (const char *p = name; *p; p++) {
		if (*p <= ' ' || *p > '~' || *p == ',')
			return ov_ctx_fail(ctx, EINVAL,
					   "fw_cfg name \"%s\": only printable ASCII without spaces or commas",
					   name);
	}
	return 0;
}

/* Method (OVRB, 1): Arg0 bytes from the data port as a Buffer. */
static void write_read_bytes(struct aml *a)
{
	aml_method_open(a, "OVRB", 1, 0);
	aml_op(a, AML_STORE);		/* Store (Buffer (Arg0) {}, Local0) */
	aml_buffer_open(a);
	aml_arg(a, 0);
	aml_close(a);
	aml_local(a, 0);
	aml_op(a, AML_STORE);		/* Store (Zero, Local1) */
	aml_integer(a, 0);
	aml_local(a, 1);
	aml_while_open(a);		/* While (LLess (Local1, Arg0)) */
	aml_op(a, AML_LLESS);
	aml_local(a, 1);
	aml_arg(a, 0);
	aml_op(a, AML_STORE);		/* Store (OVDT, Index (Local0, Local1)) */
	aml_namestring(a, "OVDT");
	aml_op(a, AML_INDEX);
	aml_local(a, 0);
	aml_local(a, 1);
	aml_byte(a, AML_ZERO);
	aml_op(a, AML_INCREMENT);	/* Increment (Local1) */
	aml_local(a, 1);
	aml_close(a);
	aml_op(a, AML_RETURN);
	aml_local(a, 0);
	aml_close(a);
}

/* Method (OVRN, 1): a big-endian number of Arg0 (<= 4) bytes from the data port. */
static void write_read_be(struct aml *a)
{
	aml_method_open(a, "OVRN", 1, 0);
	aml_op(a, AML_STORE);		/* Store (Zero, Local0) */
	aml_integer(a, 0);
	aml_local(a, 0);
	aml_op(a, AML_STORE);		/* Store (Zero, Local1) */
	aml_integer(a, 0);
	aml_local(a, 1);
	aml_while_open(a);		/* While (LLess (Local1, Arg0)) */
	aml_op(a, AML_LLESS);
	aml_local(a, 1);
	aml_arg(a, 0);
	aml_op(a, AML_OR);		/* Or (ShiftLeft (Local0, 8), OVDT, Local0) */
	aml_op(a, AML_SHIFT_LEFT);
	aml_local(a, 0);
	aml_integer(a, 8);
	aml_byte(a, AML_ZERO);
	aml_namestring(a, "OVDT");
	aml_local(a, 0);
	aml_op(a, AML_INCREMENT);
	aml_local(a, 1);
	aml_close(a);
	aml_op(a, AML_RETURN);
	aml_local(a, 0);
	aml_close(a);
}

/* Method (OVFF, 0): scan the directory for OVFN; sets OVFK (key) and OVFS (size). */
static void write_find_file(struct aml *a, size_t name_len)
{
	aml_method_open(a, "OVFF", 0, 0);
	aml_op(a, AML_STORE);		/* Store (0x19, OVSL) */
	aml_integer(a, FW_CFG_FILE_DIR);
	aml_namestring(a, "OVSL");
	aml_op(a, AML_STORE);		/* Store (OVRN (4), Local0): count */
	aml_namestring(a, "OVRN");
	aml_integer(a, 4);
	aml_local(a, 0);
	aml_op(a, AML_STORE);		/* Store (Zero, Local1) */
	aml_integer(a, 0);
	aml_local(a, 1);
	aml_while_open(a);		/* While (LLess (Local1, Local0)) */
	aml_op(a, AML_LLESS);
	aml_local(a, 1);
	aml_local(a, 0);
	aml_op(a, AML_STORE);		/* Store (OVRN (4), Local2): size */
	aml_namestring(a, "OVRN");
	aml_integer(a, 4);
	aml_local(a, 2);
	aml_op(a, AML_STORE);		/* Store (OVRN (2), Local3): select */
	aml_namestring(a, "OVRN");
	aml_integer(a, 2);
	aml_local(a, 3);
	aml_namestring(a, "OVRN");	/* OVRN (2): reserved */
	aml_integer(a, 2);
	aml_op(a, AML_STORE);		/* Store (OVRB (56), Local4): name */
	aml_namestring(a, "OVRB");
	aml_integer(a, FW_CFG_DIR_NAME_LEN);
	aml_local(a, 4);
	aml_if_open(a);			/* If (LEqual (Mid (Local4, Zero, len + 1), OVFN)) */
	aml_op(a, AML_LEQUAL);
	aml_op(a, AML_MID);
	aml_local(a, 4);
	aml_integer(a, 0);
	aml_integer(a, name_len + 1);	/* the name and its NUL */
	aml_byte(a, AML_ZERO);
	aml_namestring(a, "OVFN");
	aml_op(a, AML_STORE);		/* Store (Local2, OVFS) */
	aml_local(a, 2);
	aml_namestring(a, "OVFS");
	aml_op(a, AML_STORE);		/* Store (Local3, OVFK) */
	aml_local(a, 3);
	aml_namestring(a, "OVFK");
	aml_op(a, AML_BREAK);
	aml_close(a);
	aml_op(a, AML_INCREMENT);	/* Increment (Local1) */
	aml_local(a, 1);
	aml_close(a);
	aml_close(a);
}

/* Store (OVFK, OVSL); Store (Zero, OVFP): select the file, offset 0. */
static void write_select_file(struct aml *a)
{
	aml_op(a, AML_STORE);
	aml_namestring(a, "OVFK");
	aml_namestring(a, "OVSL");
	aml_op(a, AML_STORE);
	aml_integer(a, 0);
	aml_namestring(a, "OVFP");
}

static void write_rom_method(struct aml *a)
{
	ov_rom_method_open(a);
	ov_rom_clamp_length(a);

	aml_if_open(a);			/* If (LEqual (OVFK, Zero)): first call */
	aml_op(a, AML_LEQUAL);
	aml_namestring(a, "OVFK");
	aml_integer(a, 0);
	aml_namestring(a, "OVFF");	/* OVFF () */
	aml_if_open(a);			/* not found: zeros */
	aml_op(a, AML_LEQUAL);
	aml_namestring(a, "OVFK");
	aml_integer(a, 0);
	ov_rom_return_zeros(a);
	aml_close(a);
	write_select_file(a);
	aml_close(a);

	ov_rom_past_end_returns_zeros(a, "OVFS", 0);
	ov_rom_available(a, "OVFS", 0);

	aml_if_open(a);			/* If (LLess (Arg0, OVFP)): backwards, re-select */
	aml_op(a, AML_LLESS);
	aml_arg(a, 0);
	aml_namestring(a, "OVFP");
	write_select_file(a);
	aml_close(a);

	aml_while_open(a);		/* While (LLess (OVFP, Arg0)): skip forward */
	aml_op(a, AML_LLESS);
	aml_namestring(a, "OVFP");
	aml_arg(a, 0);
	aml_op(a, AML_STORE);		/* Store (OVDT, Local2) */
	aml_namestring(a, "OVDT");
	aml_local(a, 2);
	aml_op(a, AML_INCREMENT);	/* Increment (OVFP) */
	aml_namestring(a, "OVFP");
	aml_close(a);

	aml_op(a, AML_STORE);		/* Store (OVRB (Local1), Local5) */
	aml_namestring(a, "OVRB");
	aml_local(a, 1);
	aml_local(a, 5);
	aml_op(a, AML_ADD);		/* Add (OVFP, Local1, OVFP) */
	aml_namestring(a, "OVFP");
	aml_local(a, 1);
	aml_namestring(a, "OVFP");

	ov_rom_pad_and_return(a);
	aml_close(a);
}

int ov_ssdt_rom_fwcfg(struct ov_ctx *ctx, const struct ov_gpu_target *gpu,
		      const char *fw_cfg_name, struct ov_ssdt_set *set)
{
	size_t name_len = strlen(fw_cfg_name);
	struct aml a;
	int r;

	r = ov_fw_cfg_name_check(ctx, fw_cfg_name);
	if (r < 0)
		return r;

	aml_init(&a);
	ov_ssdt_begin(&a, "OVROMFWC");
	ov_gpu_open(&a, gpu);

	aml_name_decl(&a, "OVFN");	/* Name (OVFN, Buffer () { "name", 0 }) */
	aml_buffer(&a, fw_cfg_name, name_len + 1);
	aml_name_decl(&a, "OVFK");	/* key, 0 until found */
	aml_integer(&a, 0);
	aml_name_decl(&a, "OVFS");	/* file size */
	aml_integer(&a, 0);
	aml_name_decl(&a, "OVFP");	/* read position in the selected file */
	aml_integer(&a, 0);

	/* §2.2: 16-bit selector at 0x510 (WordAcc), 8-bit data at 0x511 (ByteAcc). */
	aml_op_region(&a, "OVFR", AML_SYSTEM_IO, FW_CFG_PORT_SELECT, 2);
	aml_field_open(&a, "OVFR", AML_FIELD_WORD_ACC | AML_FIELD_NO_LOCK | AML_FIELD_PRESERVE);
	aml_field_named(&a, "OVSL", 16);
	aml_close(&a);
	aml_field_open(&a, "OVFR", AML_FIELD_BYTE_ACC | AML_FIELD_NO_LOCK | AML_FIELD_PRESERVE);
	aml_field_reserved(&a, 8);
	aml_field_named(&a, "OVDT", 8);
	aml_close(&a);

	write_read_bytes(&a);
	write_read_be(&a);
	write_find_file(&a, name_len);
	write_rom_method(&a);

	ov_gpu_close(&a, gpu);
	return ov_ssdt_end(ctx, &a, set, "ssdt-rom.aml");
}
