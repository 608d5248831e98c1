/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pieces both `_ROM` flavours share (ACPI 6.5 §6.2.12 _ROM: Arg0 offset,
 * Arg1 length, returns a Buffer of at most 4 KiB). Internal to aml/.
 * Register use in `_ROM`: Local0 = granted length, Local1 = bytes that come
 * from the ROM, Local5 = the result.
 */
#pragma once

#include <stdint.h>

struct aml;

/* Method (_ROM, 2, Serialized) { ... }: opened here, closed with aml_close(). */
void ov_rom_method_open(struct aml *a);
/* Local0 = Arg1; If (Local0 > 0x1000) { Local0 = 0x1000 } */
void ov_rom_clamp_length(struct aml *a);
/* Return (Buffer (Local0) {}): Local0 zero bytes. */
void ov_rom_return_zeros(struct aml *a);
/* If (Arg0 >= @size_name_or_NULL / @size) { Return zeros }: keeps Arg0 + n from overflowing. */
void ov_rom_past_end_returns_zeros(struct aml *a, const char *size_name, uint32_t size);
/* Local1 = size - Arg0; If (Local1 > Local0) { Local1 = Local0 } */
void ov_rom_available(struct aml *a, const char *size_name, uint32_t size);
/*
 * If (Local1 < Local0) { Local5 = Concatenate (Local5, Buffer (Local0 - Local1) {}) }
 * Return (Local5)
 */
void ov_rom_pad_and_return(struct aml *a);
