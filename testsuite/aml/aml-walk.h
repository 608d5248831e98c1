/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An independent AML decoder for the tests: walks a whole table from the
 * spec (ACPI 6.5 §20), without any code from liboptivfio/aml, checking
 * that every PkgLength stays inside its parent and is consumed exactly,
 * that every opcode is one it knows, and recording what it saw.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define WALK_MAX_NAMES 512

struct walk_name {
	char seg[5];		/* last NameSeg of the declared object */
	/* 0x08 Name, 0x14 Method, 0x82 Device, 0x80 OpRegion, 0x81 field unit */
	uint8_t op;
	uint8_t method_flags;
	/* For Name (X, Buffer (n) {bytes}): where the bytes are. */
	const uint8_t *buf;
	size_t buf_len;
};

struct walk {
	const uint8_t *p;
	size_t len, pos;
	int failed;
	char msg[200];
	unsigned int packages, terms;
	struct walk_name names[WALK_MAX_NAMES];
	size_t n_names;
	char scopes[8][64];	/* Scope paths opened at the top level */
	size_t n_scopes;
};

/* Walk a whole table (header included). 0 when it is well-formed, else -1 and w->msg. */
int walk_table(struct walk *w, const uint8_t *table, size_t len);

/* The declared name with this last NameSeg ("_ROM", "OV00"), or NULL. */
const struct walk_name *walk_find(const struct walk *w, const char *seg);
