// SPDX-License-Identifier: GPL-2.0-or-later
/* See aml-walk.h. Section numbers: ACPI 6.5 §20.2. */
#include "aml-walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void bad(struct walk *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->failed)
		return;
	w->failed = 1;
	n = snprintf(w->msg, sizeof(w->msg), "at 0x%zx: ", w->pos);
	va_start(ap, fmt);
	vsnprintf(w->msg + n, sizeof(w->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

static int byte(struct walk *w, size_t end, uint8_t *b)
{
	if (w->failed)
		return -1;
	if (w->pos >= end) {
		bad(w, "runs past the end of its package (0x%zx)", end);
		return -1;
	}
	*b = w->p[w->pos++];
	return 0;
}

static uint8_t peek(struct walk *w)
{
	return w->pos < w->len ? w->p[w->pos] : 0;
}

/* §20.2.4: returns the raw value; *nbytes the encoding length. */
static uint32_t pkglength_raw(struct walk *w, size_t end, size_t *nbytes)
{
	uint8_t lead, b;
	uint32_t v;
	unsigned int follow;

	if (byte(w, end, &lead) < 0)
		return 0;
	follow = lead >> 6;
	*nbytes = 1 + follow;
	if (!follow)
		return lead & 0x3f;
	if (lead & 0x30) {
		bad(w, "PkgLength lead byte 0x%02x has bits 5-4 set", lead);
		return 0;
	}
	v = lead & 0x0f;
	for (unsigned int i = 0; i < follow; i++) {
		if (byte(w, end, &b) < 0)
			return 0;
		v |= (uint32_t)b << (4 + 8 * i);
	}
	/* The shortest encoding is what a well-behaved encoder writes. */
	if ((follow == 1 && v <= 0x3f) || (follow == 2 && v <= 0xfff) ||
	    (follow == 3 && v <= 0xfffff))
		bad(w, "PkgLength 0x%x not in its shortest form", v);
	return v;
}

/* A package: PkgLength counts from its own first byte; returns the end. */
static size_t pkg(struct walk *w, size_t parent_end)
{
	size_t start = w->pos, n;
	uint32_t v = pkglength_raw(w, parent_end, &n);

	if (w->failed)
		return parent_end;
	if (v < n || start + v > parent_end) {
		bad(w, "PkgLength 0x%x at 0x%zx leaves its parent (ends 0x%zx)", v, start,
		    parent_end);
		return parent_end;
	}
	w->packages++;
	return start + v;
}

static int lead_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static int seg(struct walk *w, size_t end, char out[5])
{
	for (int i = 0; i < 4; i++) {
		uint8_t c;

		if (byte(w, end, &c) < 0)
			return -1;
		if (!(lead_char(c) || (i > 0 && c >= '0' && c <= '9'))) {
			bad(w, "bad NameSeg character 0x%02x", c);
			return -1;
		}
		out[i] = (char)c;
	}
	out[4] = '\0';
	return 0;
}

static int is_name_start(uint8_t c)
{
	return lead_char(c) || c == 0x5c || c == 0x5e || c == 0x2e || c == 0x2f;
}

/* §20.2.2 NameString; the text form ("\\_SB_.PCI0") into path, the last seg into last. */
static void namestring(struct walk *w, size_t end, char *path, size_t pathlen, char last[5])
{
	size_t n = 0, segs = 1;
	uint8_t c;
	char s[5];

	last[0] = '\0';
	path[0] = '\0';
	if (byte(w, end, &c) < 0)
		return;
	if (c == 0x5c) {
		n += (size_t)snprintf(path + n, pathlen - n, "\\");
		if (byte(w, end, &c) < 0)
			return;
	} else {
		while (c == 0x5e) {
			n += (size_t)snprintf(path + n, pathlen - n, "^");
			if (byte(w, end, &c) < 0)
				return;
		}
	}
	if (c == 0x00)
		return;		/* NullName */
	if (c == 0x2e) {
		segs = 2;
	} else if (c == 0x2f) {
		if (byte(w, end, &c) < 0)
			return;
		segs = c;
		if (segs < 3) {
			bad(w, "MultiNamePath with %zu segments", segs);
			return;
		}
	} else {
		w->pos--;	/* the lead char is the first NameSeg byte */
	}
	for (size_t i = 0; i < segs; i++) {
		if (seg(w, end, s) < 0)
			return;
		n += (size_t)snprintf(path + n, n < pathlen ? pathlen - n : 0, "%s%s",
				      i ? "." : "", s);
		memcpy(last, s, 5);
	}
}

static struct walk_name *declare(struct walk *w, const char *segname, uint8_t op)
{
	struct walk_name *d;

	if (w->n_names == WALK_MAX_NAMES) {
		bad(w, "too many names");
		return NULL;
	}
	d = &w->names[w->n_names++];
	memset(d, 0, sizeof(*d));
	memcpy(d->seg, segname, 5);
	d->op = op;
	return d;
}

const struct walk_name *walk_find(const struct walk *w, const char *s)
{
	for (size_t i = 0; i < w->n_names; i++)
		if (strcmp(w->names[i].seg, s) == 0)
			return &w->names[i];
	return NULL;
}

static void termarg(struct walk *w, size_t end);
static void termlist(struct walk *w, size_t end, int top);

static void integer_const(struct walk *w, size_t end, unsigned int bytes, uint64_t *v)
{
	uint8_t b;

	*v = 0;
	for (unsigned int i = 0; i < bytes; i++) {
		if (byte(w, end, &b) < 0)
			return;
		*v |= (uint64_t)b << (8 * i);
	}
}

/* §20.2.3 String: ASCII 0x01-0x7f up to NUL. */
static void string(struct walk *w, size_t end)
{
	uint8_t c;

	do {
		if (byte(w, end, &c) < 0)
			return;
		if (c > 0x7f)
			bad(w, "non-ASCII byte in a String");
	} while (c);
}

/* §20.2.5.4 DefBuffer; data and n get the initialised bytes. */
static void buffer(struct walk *w, size_t end, const uint8_t **data, size_t *n)
{
	size_t bend = pkg(w, end);
	uint8_t op = peek(w);
	uint64_t size = 0;
	int constant = 1;

	if (op == 0x00 || op == 0x01) {
		w->pos++;
		size = op;
	} else if (op >= 0x0a && op <= 0x0c) {
		w->pos++;
		integer_const(w, bend, op == 0x0a ? 1 : op == 0x0b ? 2 : 4, &size);
	} else {
		constant = 0;
		termarg(w, bend);
	}
	if (w->failed)
		return;
	*data = w->p + w->pos;
	*n = bend - w->pos;
	if (constant && *n != size)
		bad(w, "Buffer of size %llu has %zu initialised bytes", (unsigned long long)size, *n);
	if (!constant && *n)
		bad(w, "Buffer of computed size has initialised bytes");
	w->pos = bend;
}

/* §20.2.5.4 DefPackage: NumElements then that many elements. */
static void package(struct walk *w, size_t end)
{
	size_t pend = pkg(w, end), count = 0;
	uint8_t n;

	if (byte(w, pend, &n) < 0)
		return;
	while (!w->failed && w->pos < pend) {
		termarg(w, pend);
		count++;
	}
	if (count != n)
		bad(w, "Package says %u elements, has %zu", n, count);
}

static void supername(struct walk *w, size_t end)
{
	uint8_t op = peek(w);
	char path[128], last[5];

	if ((op >= 0x60 && op <= 0x67) || (op >= 0x68 && op <= 0x6e)) {
		w->pos++;
	} else if (op == 0x88 || op == 0x83) {
		termarg(w, end);	/* Index (...) / DerefOf (...) */
	} else if (is_name_start(op)) {
		namestring(w, end, path, sizeof(path), last);
	} else {
		bad(w, "0x%02x is not a SuperName", op);
	}
}

/* Target := SuperName | NullName */
static void target(struct walk *w, size_t end)
{
	if (peek(w) == 0x00) {
		w->pos++;
		return;
	}
	supername(w, end);
}

/* Operators as (operand kinds): 'a' TermArg, 's' SuperName, 't' Target. */
static const struct {
	uint8_t op;
	const char *operands;
} operators[] = {
	{ 0x70, "as" },		/* Store */
	{ 0x72, "aat" },	/* Add */
	{ 0x73, "aat" },	/* Concat */
	{ 0x74, "aat" },	/* Subtract */
	{ 0x75, "s" },		/* Increment */
	{ 0x76, "s" },		/* Decrement */
	{ 0x77, "aat" },	/* Multiply */
	{ 0x78, "aatt" },	/* Divide */
	{ 0x79, "aat" },	/* ShiftLeft */
	{ 0x7a, "aat" },	/* ShiftRight */
	{ 0x7b, "aat" },	/* And */
	{ 0x7d, "aat" },	/* Or */
	{ 0x83, "a" },		/* DerefOf */
	{ 0x87, "s" },		/* SizeOf */
	{ 0x88, "aat" },	/* Index */
	{ 0x90, "aa" },		/* LAnd */
	{ 0x91, "aa" },		/* LOr */
	{ 0x92, "a" },		/* LNot */
	{ 0x93, "aa" },		/* LEqual */
	{ 0x94, "aa" },		/* LGreater */
	{ 0x95, "aa" },		/* LLess */
	{ 0x9e, "aaat" },	/* Mid */
	{ 0xa4, "a" },		/* Return */
};

static int operator(struct walk *w, size_t end, uint8_t op)
{
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++) {
		if (operators[i].op != op)
			continue;
		for (const char *k = operators[i].operands; *k && !w->failed; k++) {
			if (*k == 'a')
				termarg(w, end);
			else if (*k == 's')
				supername(w, end);
			else
				target(w, end);
		}
		return 1;
	}
	return 0;
}

/* A NameString as a term: a method call takes its declared number of args. */
static void name_or_call(struct walk *w, size_t end)
{
	char path[128], last[5];
	const struct walk_name *m;

	namestring(w, end, path, sizeof(path), last);
	m = walk_find(w, last);
	if (m && m->op == 0x14)
		for (unsigned int i = 0; i < (m->method_flags & 7u); i++)
			termarg(w, end);
}

static void termarg(struct walk *w, size_t end)
{
	uint8_t op;
	uint64_t v;
	const uint8_t *data;
	size_t n;

	if (w->failed)
		return;
	op = peek(w);
	w->terms++;
	if (op == 0x00 || op == 0x01 || op == 0xff || (op >= 0x60 && op <= 0x6e)) {
		w->pos++;
	} else if (op >= 0x0a && op <= 0x0e && op != 0x0d) {
		w->pos++;
		integer_const(w, end, op == 0x0a ? 1 : op == 0x0b ? 2 : op == 0x0c ? 4 : 8, &v);
	} else if (op == 0x0d) {
		w->pos++;
		string(w, end);
	} else if (op == 0x11) {
		w->pos++;
		buffer(w, end, &data, &n);
	} else if (op == 0x12) {
		w->pos++;
		package(w, end);
	} else if (is_name_start(op)) {
		name_or_call(w, end);
	} else {
		w->pos++;
		if (!operator(w, end, op)) {
			w->pos--;
			bad(w, "unknown opcode 0x%02x in an expression", op);
		}
	}
}

/* §20.2.5.2 FieldList: NamedField (NameSeg + bit count) or ReservedField (0x00 + bit count). */
static void fieldlist(struct walk *w, size_t end)
{
	char s[5];
	size_t n;

	while (!w->failed && w->pos < end) {
		if (peek(w) == 0x00) {
			w->pos++;
			pkglength_raw(w, end, &n);
		} else {
			if (seg(w, end, s) < 0)
				return;
			pkglength_raw(w, end, &n);
			declare(w, s, 0x81);
		}
	}
}

static void term(struct walk *w, size_t end, int top)
{
	char path[128], last[5];
	struct walk_name *d;
	size_t pend;
	uint8_t op = peek(w), b;
	const uint8_t *data = NULL;
	size_t n = 0;

	w->terms++;
	switch (op) {
	case 0x10:		/* Scope */
		w->pos++;
		pend = pkg(w, end);
		namestring(w, pend, path, sizeof(path), last);
		if (top && w->n_scopes < 8)
			snprintf(w->scopes[w->n_scopes++], sizeof(w->scopes[0]), "%s", path);
		termlist(w, pend, 0);
		return;
	case 0x08:		/* Name */
		w->pos++;
		namestring(w, end, path, sizeof(path), last);
		d = declare(w, last, 0x08);
		if (peek(w) == 0x11) {
			w->pos++;
			buffer(w, end, &data, &n);
			if (d) {
				d->buf = data;
				d->buf_len = n;
			}
		} else {
			termarg(w, end);
		}
		return;
	case 0x14:		/* Method */
		w->pos++;
		pend = pkg(w, end);
		namestring(w, pend, path, sizeof(path), last);
		if (byte(w, pend, &b) < 0)
			return;
		d = declare(w, last, 0x14);
		if (d)
			d->method_flags = b;
		termlist(w, pend, 0);
		return;
	case 0xa0:		/* If */
	case 0xa2:		/* While */
		w->pos++;
		pend = pkg(w, end);
		termarg(w, pend);
		termlist(w, pend, 0);
		return;
	case 0xa1:		/* Else */
		w->pos++;
		termlist(w, pkg(w, end), 0);
		return;
	case 0xa5:		/* Break */
		w->pos++;
		return;
	case 0x5b:
		w->pos++;
		if (byte(w, end, &b) < 0)
			return;
		if (b == 0x82) {	/* Device */
			pend = pkg(w, end);
			namestring(w, pend, path, sizeof(path), last);
			declare(w, last, 0x82);
			termlist(w, pend, 0);
		} else if (b == 0x80) {	/* OperationRegion */
			namestring(w, end, path, sizeof(path), last);
			declare(w, last, 0x80);
			if (byte(w, end, &b) < 0)
				return;
			termarg(w, end);
			termarg(w, end);
		} else if (b == 0x81) {	/* Field */
			pend = pkg(w, end);
			namestring(w, pend, path, sizeof(path), last);
			if (byte(w, pend, &b) < 0)
				return;
			fieldlist(w, pend);
		} else {
			w->pos--;
			bad(w, "unknown extended opcode 5B %02x", b);
		}
		return;
	default:
		termarg(w, end);	/* Type 2 opcodes and method calls as statements */
	}
}

static void termlist(struct walk *w, size_t end, int top)
{
	while (!w->failed && w->pos < end)
		term(w, end, top);
	if (!w->failed && w->pos != end)
		bad(w, "package content ends at 0x%zx, PkgLength says 0x%zx", w->pos, end);
}

int walk_table(struct walk *w, const uint8_t *table, size_t len)
{
	uint32_t hdr_len;
	uint8_t sum = 0;

	memset(w, 0, sizeof(*w));
	w->p = table;
	w->len = len;
	if (len < 36 || memcmp(table, "SSDT", 4) != 0) {
		bad(w, "not an SSDT");
		return -1;
	}
	hdr_len = (uint32_t)table[4] | (uint32_t)table[5] << 8 | (uint32_t)table[6] << 16 |
		  (uint32_t)table[7] << 24;
	if (hdr_len != len) {
		bad(w, "header Length %u, table is %zu bytes", hdr_len, len);
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + table[i]);
	if (sum) {
		bad(w, "checksum: bytes sum to 0x%02x", sum);
		return -1;
	}
	w->pos = 36;
	termlist(w, len, 1);
	return w->failed ? -1 : 0;
}
