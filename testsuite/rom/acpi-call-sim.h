/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An in-process stand-in for the acpi_call module (facts §1) in front of a
 * firmware _ROM method (facts §2.4), for driving the ACPI dump in tests.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rom/acpi-call.h"

enum sim_firmware {
	SIM_INSYDE,	/* Arg1 bytes, 32 KiB windows, zero past RVBS/window/4 KiB */
	SIM_HP,		/* always 4 KiB from Arg0; {0x00} past the end */
	SIM_SHORT,	/* min(Arg1, 4 KiB, what is left) bytes, no padding */
	SIM_EMPTY,	/* always {}: a _ROM that gives nothing */
	SIM_NOT_CALLED,	/* the module's parser refuses every command */
};

struct sim {
	const uint8_t *rom;
	size_t rom_len;
	size_t rvbs;			/* SIM_INSYDE: ROM size the firmware believes */
	const char *path;		/* device path, e.g. "\\_SB_.PCI0.PEG0.PEGP" */
	enum sim_firmware fw;
	size_t buffer_size;		/* the module's BUFFER_SIZE: 256 released */
	long error_at_call;		/* >0: that call returns error_name */
	const char *error_name;
	/* what happened */
	size_t calls;
	size_t max_len;			/* largest Arg1 */
	size_t crossed_4k;		/* requests spanning a 4 KiB boundary */
	size_t max_end;			/* largest Arg0+Arg1 after the first call */
	char last_reply[8];
};

extern const struct ov_acpi_call_ops sim_ops;

/* Format a Buffer the way acpi_result_to_string() does. */
size_t sim_format_buffer(const uint8_t *p, size_t len, size_t buffer_size, char *out);
