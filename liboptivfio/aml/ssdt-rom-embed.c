// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `_ROM` over the ROM bytes themselves. QEMU takes at most 65535 bytes per
 * -acpitable (facts §3), so the ROM is cut into OV_EMBED_CHUNK-byte chunks,
 * one per table, each a Buffer named OVnn (nn = chunk index in hex) in the
 * GPU's scope. Table 1 also holds the code:
 *
 *   Method (OVRC, 3) { If (Arg0 == 0) { Return (Mid (OV00, Arg1, Arg2)) } ...
 *                      Return (Buffer (Zero) {}) }        chunk Arg0, bytes Arg1..+Arg2
 *   Method (_ROM, 2, Serialized) {
 *       granted length Local0, ROM bytes Local1 (rom-method.c)
 *       Divide (Arg0, CHUNK, Local2, Local3)            offset in chunk, chunk index
 *       Local4 = min (CHUNK - Local2, Local1)           bytes from this chunk
 *       Local5 = OVRC (Local3, Local2, Local4)
 *       If (Local4 < Local1) { Local5 = Concatenate (Local5,
 *               OVRC (Local3 + 1, 0, Local1 - Local4)) }   straddles into the next chunk
 *       pad with zeros to Local0, return
 *   }
 *
 * A request is at most 4 KiB and a chunk far larger, so it touches at most
 * two chunks. Tables 2..N only add their chunk and must be loaded after
 * table 1 (they use Scope on the node table 1 may create).
 */
#include "aml/ssdt.h"
#include "aml/aml.h"
#include "aml/rom-method.h"
#include "core/ctx.h"

#include <errno.h>
#include <stdio.h>

static void chunk_name(char out[5], size_t index)
{
	snprintf(out, 5, "OV%02X", (unsigned int)(index & 0xff));
}

/* Method (OVRC, 3) { If (LEqual (Arg0, i)) { Return (Mid (OVii, Arg1, Arg2)) } ... } */
static void write_chunk_picker(struct aml *a, size_t chunks)
{
	aml_method_open(a, "OVRC", 3, 0);
	for (size_t i = 0; i < chunks; i++) {
		char name[5];

		chunk_name(name, i);
		aml_if_open(a);
		aml_op(a, AML_LEQUAL);
		aml_arg(a, 0);
		aml_integer(a, i);
		aml_op(a, AML_RETURN);
		aml_op(a, AML_MID);
		aml_namestring(a, name);
		aml_arg(a, 1);
		aml_arg(a, 2);
		aml_byte(a, AML_ZERO);	/* NullName target */
		aml_close(a);
	}
	aml_op(a, AML_RETURN);		/* Return (Buffer (Zero) {}) */
	aml_buffer_open(a);
	aml_integer(a, 0);
	aml_close(a);
	aml_close(a);
}

static void write_rom_method(struct aml *a, uint32_t size)
{
	ov_rom_method_open(a);
	ov_rom_clamp_length(a);
	ov_rom_past_end_returns_zeros(a, NULL, size);
	ov_rom_available(a, NULL, size);

	aml_op(a, AML_DIVIDE);		/* Divide (Arg0, CHUNK, Local2, Local3) */
	aml_arg(a, 0);
	aml_integer(a, OV_EMBED_CHUNK);
	aml_local(a, 2);
	aml_local(a, 3);
	aml_op(a, AML_SUBTRACT);	/* Subtract (CHUNK, Local2, Local4) */
	aml_integer(a, OV_EMBED_CHUNK);
	aml_local(a, 2);
	aml_local(a, 4);
	/* If (LGreater (Local4, Local1)) { Local4 = Local1 } */
	aml_if_open(a);
	aml_op(a, AML_LGREATER);
	aml_local(a, 4);
	aml_local(a, 1);
	aml_op(a, AML_STORE);
	aml_local(a, 1);
	aml_local(a, 4);
	aml_close(a);

	aml_op(a, AML_STORE);		/* Store (OVRC (Local3, Local2, Local4), Local5) */
	aml_namestring(a, "OVRC");
	aml_local(a, 3);
	aml_local(a, 2);
	aml_local(a, 4);
	aml_local(a, 5);

	aml_if_open(a);			/* If (LLess (Local4, Local1)): the next chunk */
	aml_op(a, AML_LLESS);
	aml_local(a, 4);
	aml_local(a, 1);
	aml_op(a, AML_CONCAT);		/* Concatenate (Local5, OVRC (...), Local5) */
	aml_local(a, 5);
	aml_namestring(a, "OVRC");
	aml_op(a, AML_ADD);		/* Add (Local3, One, ) */
	aml_local(a, 3);
	aml_integer(a, 1);
	aml_byte(a, AML_ZERO);
	aml_integer(a, 0);
	aml_op(a, AML_SUBTRACT);	/* Subtract (Local1, Local4, ) */
	aml_local(a, 1);
	aml_local(a, 4);
	aml_byte(a, AML_ZERO);
	aml_local(a, 5);
	aml_close(a);

	ov_rom_pad_and_return(a);
	aml_close(a);
}

int ov_ssdt_rom_embed(struct ov_ctx *ctx, const struct ov_gpu_target *gpu,
		      const uint8_t *rom, size_t len, struct ov_ssdt_set *set)
{
	size_t chunks;
	int r;

	if (len == 0)
		return ov_ctx_fail(ctx, EINVAL, "the ROM is empty");
	if (len > OV_EMBED_MAX_ROM)
		return ov_ctx_fail(ctx, EFBIG,
				   "a %zu-byte ROM is too large to embed (at most %u bytes); use --mode fwcfg",
				   len, OV_EMBED_MAX_ROM);
	chunks = (len + OV_EMBED_CHUNK - 1) / OV_EMBED_CHUNK;

	for (size_t i = 0; i < chunks; i++) {
		struct ov_gpu_target scope = *gpu;
		size_t off = i * OV_EMBED_CHUNK;
		size_t n = len - off < OV_EMBED_CHUNK ? len - off : OV_EMBED_CHUNK;
		char name[5], tid[9], file[32];
		struct aml a;

		aml_init(&a);
		snprintf(tid, sizeof(tid), "OVROM%03zu", i + 1);
		ov_ssdt_begin(&a, tid);
		if (i > 0)
			scope.create_device = false;	/* table 1 declared it */
		ov_gpu_open(&a, &scope);
		if (i == 0) {
			write_chunk_picker(&a, chunks);
			write_rom_method(&a, (uint32_t)len);
		}
		chunk_name(name, i);
		aml_name_decl(&a, name);	/* Name (OVnn, Buffer (n) { ROM bytes }) */
		aml_buffer(&a, rom + off, n);
		ov_gpu_close(&a, &scope);
		snprintf(file, sizeof(file), "ssdt-rom-%zu.aml", i + 1);
		r = ov_ssdt_end(ctx, &a, set, file);
		if (r < 0)
			return r;
	}
	return 0;
}
