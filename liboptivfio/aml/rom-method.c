// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The argument handling both `_ROM` methods share. ACPI 6.5 §6.2.12: _ROM
 * (Arg0 offset, Arg1 length) returns the ROM bytes, at most 4 KiB per call.
 * Ours returns exactly min(length, 4 KiB) bytes, zeros past the end, and
 * stays correct with 32-bit integers: no sum is formed before Arg0 is known
 * to be inside the ROM (ROM sizes are far below 2^32 - 4096).
 */
#include "aml/rom-method.h"
#include "aml/aml.h"
#include "aml/ssdt.h"

void ov_rom_method_open(struct aml *a)
{
	/* Serialized: the fw_cfg flavour keeps state, and two callers must not interleave. */
	aml_method_open(a, "_ROM", 2, 1);
}

void ov_rom_clamp_length(struct aml *a)
{
	aml_op(a, AML_STORE);		/* Store (Arg1, Local0) */
	aml_arg(a, 1);
	aml_local(a, 0);
	aml_if_open(a);			/* If (LGreater (Local0, 0x1000)) */
	aml_op(a, AML_LGREATER);
	aml_local(a, 0);
	aml_integer(a, OV_ROM_MAX_REQUEST);
	aml_op(a, AML_STORE);		/* Store (0x1000, Local0) */
	aml_integer(a, OV_ROM_MAX_REQUEST);
	aml_local(a, 0);
	aml_close(a);
}

void ov_rom_return_zeros(struct aml *a)
{
	aml_op(a, AML_RETURN);		/* Return (Buffer (Local0) {}) */
	aml_buffer_open(a);
	aml_local(a, 0);
	aml_close(a);
}

static void size_operand(struct aml *a, const char *size_name, uint32_t size)
{
	if (size_name)
		aml_namestring(a, size_name);
	else
		aml_integer(a, size);
}

void ov_rom_past_end_returns_zeros(struct aml *a, const char *size_name, uint32_t size)
{
	aml_if_open(a);			/* If (LNot (LLess (Arg0, size))) */
	aml_op(a, AML_LNOT);
	aml_op(a, AML_LLESS);
	aml_arg(a, 0);
	size_operand(a, size_name, size);
	ov_rom_return_zeros(a);
	aml_close(a);
}

void ov_rom_available(struct aml *a, const char *size_name, uint32_t size)
{
	aml_op(a, AML_SUBTRACT);	/* Subtract (size, Arg0, Local1) */
	size_operand(a, size_name, size);
	aml_arg(a, 0);
	aml_local(a, 1);
	aml_if_open(a);			/* If (LGreater (Local1, Local0)) */
	aml_op(a, AML_LGREATER);
	aml_local(a, 1);
	aml_local(a, 0);
	aml_op(a, AML_STORE);		/* Store (Local0, Local1) */
	aml_local(a, 0);
	aml_local(a, 1);
	aml_close(a);
}

void ov_rom_pad_and_return(struct aml *a)
{
	aml_if_open(a);			/* If (LLess (Local1, Local0)) */
	aml_op(a, AML_LLESS);
	aml_local(a, 1);
	aml_local(a, 0);
	/* Concatenate (Local5, Buffer (Local0 - Local1) {}, Local5) */
	aml_op(a, AML_CONCAT);
	aml_local(a, 5);
	aml_buffer_open(a);
	aml_op(a, AML_SUBTRACT);
	aml_local(a, 0);
	aml_local(a, 1);
	aml_byte(a, AML_ZERO);		/* NullName: no target */
	aml_close(a);
	aml_local(a, 5);
	aml_close(a);
	aml_op(a, AML_RETURN);		/* Return (Local5) */
	aml_local(a, 5);
}
