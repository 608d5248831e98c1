/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The acpi_call kernel module's /proc/acpi/call protocol (facts §1): one
 * written command, one text reply. The transport is an ops struct so the
 * unit tests can plug in a simulator of the module.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ov_ctx;

struct ov_acpi_call_ops {
	/*
	 * Run @cmd (no newline) and put the reply text, NUL-terminated and
	 * without the module's own NUL, in @reply. 0 or a negative errno (the
	 * transport failed; an ACPI error is a reply, not a failure).
	 */
	int (*call)(void *userdata, const char *cmd, char *reply, size_t size);
};

/*
 * A read() smaller than the reply returns nothing (facts §1.4), so read
 * with room for the largest _ROM reply any module can print: 4 KiB (the
 * ACPI cap; HP firmware always returns that) at 6 characters a byte.
 */
#define OV_ACPI_REPLY_MAX 32768

/* The real transport on <root>/proc/acpi/call (userdata: the context). */
extern const struct ov_acpi_call_ops ov_acpi_call_proc_ops;
/* -ENOENT (module not loaded) / -EACCES (not root) with a message. */
int ov_acpi_call_check(struct ov_ctx *ctx);

enum ov_acpi_reply_kind {
	OV_ACPI_REPLY_BUFFER,		/* {0x.., ...} */
	OV_ACPI_REPLY_INTEGER,		/* 0x1f */
	OV_ACPI_REPLY_STRING,		/* "text" */
	OV_ACPI_REPLY_ERROR,		/* Error: AE_xxx */
	OV_ACPI_REPLY_NOT_CALLED,	/* the module did not run a command */
	OV_ACPI_REPLY_OTHER,		/* packages, "Object type 0x..", ... */
};

struct ov_acpi_reply {
	enum ov_acpi_reply_kind kind;
	size_t n_bytes;			/* BUFFER: bytes stored in the caller's array */
	bool truncated;			/* BUFFER: trailing comma, more existed */
	uint64_t integer;		/* INTEGER */
	char error[48];			/* ERROR: "AE_NOT_FOUND" */
};

/*
 * Parse a reply. Buffer bytes go to @bytes (at most @max; more is an
 * error). -EBADMSG for text that is not what the module prints.
 */
int ov_acpi_reply_parse(const char *text, uint8_t *bytes, size_t max,
			struct ov_acpi_reply *reply);

/*
 * A full ACPI path as acpi_call wants it: leading backslash, 1-4 character
 * name segments [A-Z0-9_] separated by dots. Anything else (a space would
 * split the command) is refused.
 */
bool ov_acpi_path_valid(const char *path);

/* Format "PATH._ROM 0xOFF 0xLEN" (single spaces: facts §1.2). */
int ov_acpi_rom_command(char *buf, size_t size, const char *path, size_t off, size_t len);

/* What an ACPICA status name in a _ROM reply means for the user. */
const char *ov_acpi_error_explain(const char *ae_name);
