// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The static table check (tables.h). It reads the tables back the way the
 * OS loaded them and walks only the AML that optivfio writes at the
 * definition-block level (aml/ssdt-*.c): Scope, Device, Name (integers,
 * strings, Buffer, Package), Method, OperationRegion, Field, External.
 * Method bodies are skipped whole by their PkgLength; anything else is
 * reported as not understood rather than guessed at.
 *
 * Encodings: ACPI 6.5 §5.2.6 (table header, checksum), §20.2.2 (NameString),
 * §20.2.4 (PkgLength), §20.2.5 (opcodes), §6.2.12 (_ROM).
 */
#include "guest/tables.h"
#include "aml/ssdt.h"
#include "core/bytes.h"
#include "core/ctx.h"
#include "rom/rom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* §5.2.6: the header every SDT starts with. */
#define HDR_LEN		36
#define HDR_LENGTH	4
#define HDR_OEMID	10
#define HDR_TABLE_ID	16

/* What aml/ssdt-header.c writes as OEMID. */
#define OPTIVFIO_OEMID	"OPTVIO"

/* §20.2.5 opcodes met at the definition-block level of our tables. */
#define OP_ZERO		0x00
#define OP_ONE		0x01
#define OP_ALIAS	0x06
#define OP_NAME		0x08
#define OP_BYTE		0x0A
#define OP_WORD		0x0B
#define OP_DWORD	0x0C
#define OP_STRING	0x0D
#define OP_QWORD	0x0E
#define OP_SCOPE	0x10
#define OP_BUFFER	0x11
#define OP_PACKAGE	0x12
#define OP_VARPACKAGE	0x13
#define OP_METHOD	0x14
#define OP_EXTERNAL	0x15
#define OP_EXT		0x5B
#define OP_ONES		0xFF
#define EXT_REVISION	0x30
#define EXT_OPREGION	0x80
#define EXT_FIELD	0x81
#define EXT_DEVICE	0x82
#define EXT_PROCESSOR	0x83
#define EXT_POWERRES	0x84
#define EXT_THERMAL	0x85
#define EXT_INDEXFIELD	0x86
#define EXT_BANKFIELD	0x87

/* §20.2.2 */
#define NAME_ROOT	'\\'
#define NAME_PARENT	'^'
#define NAME_DUAL	0x2E
#define NAME_MULTI	0x2F

#define MAX_DEPTH	16
#define MAX_NESTING	32
#define MAX_ROMS	8
#define MAX_CHUNKS	256

struct rom_method {
	char path[OV_TABLES_PATH_MAX];	/* the scope that holds _ROM */
	const char *table;
};

struct chunk {
	char scope[OV_TABLES_PATH_MAX];
	const uint8_t *data;
	size_t len;
	unsigned count;			/* > 1: declared twice */
	const char *table;
};

struct scan {
	struct rom_method roms[MAX_ROMS];
	size_t n_roms;
	struct chunk chunks[MAX_CHUNKS];	/* by the nn of OVnn */
	/* OVRC's Mid (OVnn, ...) picks, per scope: how many chunks table 1 expects */
	char picker_scope[OV_TABLES_PATH_MAX];
	size_t picker_chunks;
	bool fwcfg;			/* OVFN: the fw_cfg file name (ssdt-rom-fwcfg.c) */
	char fwcfg_scope[OV_TABLES_PATH_MAX];
	char fwcfg_name[64];
	char problem[200];		/* the first thing not understood */
};

/* A walk through one table's AML; segs is the current scope. */
struct walk {
	struct scan *s;
	const char *table;
	const uint8_t *base;		/* the table's first byte, for messages */
	const uint8_t *p, *end;
	char segs[MAX_DEPTH][4];
	size_t depth;
	size_t nesting;			/* Scope/Device blocks open (Scope (\) adds no depth) */
};

static int fail_at(struct walk *w, const uint8_t *at, const char *what)
{
	if (!*w->s->problem)
		snprintf(w->s->problem, sizeof(w->s->problem), "%s: %s at offset %#zx", w->table,
			 what, (size_t)(at - w->base));
	return -EBADMSG;
}

/* §20.2.4: the PkgLength at *p; sets *pkg_end (it counts its own bytes). */
static int pkg_length(struct walk *w, const uint8_t **p, const uint8_t **pkg_end)
{
	const uint8_t *start = *p;
	size_t len, follow;

	if (*p >= w->end)
		return fail_at(w, *p, "PkgLength past the end");
	follow = **p >> 6;
	if (w->end - *p < (ptrdiff_t)(1 + follow))
		return fail_at(w, *p, "PkgLength past the end");
	if (follow == 0) {
		len = **p & 0x3f;
	} else {
		len = **p & 0x0f;
		for (size_t i = 0; i < follow; i++)
			len |= (size_t)(*p)[1 + i] << (4 + 8 * i);
	}
	*p += 1 + follow;
	if (len < 1 + follow || (size_t)(w->end - start) < len)
		return fail_at(w, start, "PkgLength beyond the table");
	*pkg_end = start + len;
	return 0;
}

static bool lead_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool name_char(uint8_t c)
{
	return lead_char(c) || (c >= '0' && c <= '9');
}

/*
 * §20.2.2: a NameString at *p, resolved against the current scope into
 * @segs/@n (a declaration creates its name where it stands: no search).
 */
static int name_string(struct walk *w, const uint8_t **p, char segs[][4], size_t *n)
{
	const uint8_t *at = *p;
	size_t count, up = 0;
	bool root = false;

	if (*p < w->end && **p == NAME_ROOT) {
		root = true;
		(*p)++;
	} else {
		while (*p < w->end && **p == NAME_PARENT) {
			up++;
			(*p)++;
		}
	}
	if (*p >= w->end)
		return fail_at(w, at, "name past the end");
	if (**p == OP_ZERO) {
		count = 0;
		(*p)++;
	} else if (**p == NAME_DUAL) {
		count = 2;
		(*p)++;
	} else if (**p == NAME_MULTI) {
		if (w->end - *p < 2)
			return fail_at(w, at, "name past the end");
		count = (*p)[1];
		*p += 2;
	} else {
		count = 1;
	}
	if (root) {
		*n = 0;
	} else {
		if (up > w->depth)
			return fail_at(w, at, "name above the root");
		*n = w->depth - up;
		memcpy(segs, w->segs, *n * 4);
	}
	if ((size_t)(w->end - *p) < count * 4)
		return fail_at(w, at, "name past the end");
	for (size_t i = 0; i < count; i++, *p += 4) {
		if (!lead_char((*p)[0]) || !name_char((*p)[1]) || !name_char((*p)[2]) ||
		    !name_char((*p)[3]))
			return fail_at(w, at, "not a NameSeg");
		if (*n >= MAX_DEPTH)
			return fail_at(w, at, "name nested too deep");
		memcpy(segs[(*n)++], *p, 4);
	}
	return 0;
}

static void path_string(char segs[][4], size_t n, char *out, size_t size)
{
	size_t o = 0;

	out[o++] = '\\';
	for (size_t i = 0; i < n && o + 6 < size; i++) {
		if (i)
			out[o++] = '.';
		memcpy(out + o, segs[i], 4);
		o += 4;
	}
	out[o] = '\0';
}

/* An integer constant (§20.2.3 ComputationalData): the operands we write. */
static int integer(struct walk *w, const uint8_t **p, uint64_t *v)
{
	static const size_t width[] = { [OP_BYTE] = 1, [OP_WORD] = 2, [OP_DWORD] = 4,
					[OP_QWORD] = 8 };
	uint8_t op;

	if (*p >= w->end)
		return fail_at(w, *p, "integer past the end");
	op = *(*p)++;
	if (op == OP_ZERO || op == OP_ONE || op == OP_ONES) {
		*v = op == OP_ZERO ? 0 : op == OP_ONE ? 1 : UINT64_MAX;
		return 0;
	}
	if (op != OP_BYTE && op != OP_WORD && op != OP_DWORD && op != OP_QWORD)
		return fail_at(w, *p - 1, "not an integer constant");
	if ((size_t)(w->end - *p) < width[op])
		return fail_at(w, *p, "integer past the end");
	*v = 0;
	for (size_t i = 0; i < width[op]; i++)
		*v |= (uint64_t)(*p)[i] << (8 * i);
	*p += width[op];
	return 0;
}

static int hexnibble(char c)
{
	return ov_hexdigit(c) >= 0 && !(c >= 'a' && c <= 'f') ? ov_hexdigit(c) : -1;
}

/* Name (OVnn, Buffer ...): chunk nn of an embedded ROM (ssdt-rom-embed.c). */
static void note_buffer(struct walk *w, char segs[][4], size_t n, const uint8_t *data,
			size_t len)
{
	const char *seg = segs[n - 1];	/* n > 0: def_name refuses a Name of the root */
	int hi = hexnibble(seg[2]), lo = hexnibble(seg[3]);
	struct chunk *c;

	if (seg[0] != 'O' || seg[1] != 'V' || hi < 0 || lo < 0)
		return;
	c = &w->s->chunks[hi << 4 | lo];
	if (c->count++ == 0) {
		path_string(segs, n - 1, c->scope, sizeof(c->scope));
		c->data = data;
		c->len = len;
		c->table = w->table;
	}
}

/* The fw_cfg flavour names its file in Name (OVFN, Buffer { "opt/..." }). */
static void note_fwcfg(struct walk *w, char segs[][4], size_t n, const uint8_t *data,
		       size_t len)
{
	if (n == 0 || memcmp(segs[n - 1], "OVFN", 4) != 0 || w->s->fwcfg)
		return;
	w->s->fwcfg = true;
	path_string(segs, n - 1, w->s->fwcfg_scope, sizeof(w->s->fwcfg_scope));
	snprintf(w->s->fwcfg_name, sizeof(w->s->fwcfg_name), "%.*s",
		 (int)strnlen((const char *)data, len), (const char *)data);
}

/* Name (NAME, DataRefObject) */
static int def_name(struct walk *w, const uint8_t **p)
{
	char segs[MAX_DEPTH][4];
	const uint8_t *pkg_end;
	uint64_t size;
	size_t n;
	int r;

	r = name_string(w, p, segs, &n);
	if (r < 0)
		return r;
	if (n == 0)
		return fail_at(w, *p, "Name of the root");
	if (*p >= w->end)
		return fail_at(w, *p, "Name without a value");
	switch (**p) {
	case OP_STRING: {
		const uint8_t *nul = memchr(*p + 1, 0, (size_t)(w->end - *p - 1));

		if (!nul)
			return fail_at(w, *p, "unterminated string");
		*p = nul + 1;
		return 0;
	}
	case OP_BUFFER:
		(*p)++;
		r = pkg_length(w, p, &pkg_end);
		if (r < 0)
			return r;
		r = integer(w, p, &size);
		if (r < 0)
			return r;
		if (*p > pkg_end || size < (uint64_t)(pkg_end - *p))
			return fail_at(w, *p, "Buffer shorter than its bytes");
		note_buffer(w, segs, n, *p, (size_t)(pkg_end - *p));
		note_fwcfg(w, segs, n, *p, (size_t)(pkg_end - *p));
		*p = pkg_end;
		return 0;
	case OP_PACKAGE:
	case OP_VARPACKAGE:
		(*p)++;
		r = pkg_length(w, p, &pkg_end);
		if (r == 0)
			*p = pkg_end;
		return r;
	case OP_EXT:
		if (w->end - *p >= 2 && (*p)[1] == EXT_REVISION) {
			*p += 2;
			return 0;
		}
		return fail_at(w, *p, "Name with a value not understood");
	default:
		return integer(w, p, &size);
	}
}

static int term_list(struct walk *w, const uint8_t *end);

/* Scope/Device (...) { TermList }: walk inside with the new name as scope. */
static int def_scope(struct walk *w, const uint8_t **p, bool device)
{
	char saved[MAX_DEPTH][4], segs[MAX_DEPTH][4];
	size_t saved_depth = w->depth, n;
	const uint8_t *pkg_end, *saved_end = w->end;
	int r;

	r = pkg_length(w, p, &pkg_end);
	if (r < 0)
		return r;
	w->end = pkg_end;
	r = name_string(w, p, segs, &n);
	if (r < 0)
		goto out;
	if (device && n == 0) {
		r = fail_at(w, *p, "Device named as the root");
		goto out;
	}
	if (w->nesting >= MAX_NESTING) {
		r = fail_at(w, *p, "scopes nested too deep");
		goto out;
	}
	memcpy(saved, w->segs, sizeof(saved));
	memcpy(w->segs, segs, n * 4);
	w->depth = n;
	w->nesting++;
	w->p = *p;
	r = term_list(w, pkg_end);
	w->nesting--;
	memcpy(w->segs, saved, sizeof(saved));
	w->depth = saved_depth;
	*p = pkg_end;
out:
	w->end = saved_end;
	return r;
}

/*
 * The chunk picker of ssdt-rom-embed.c: Method (OVRC, 3) holds one
 * Return (Mid (OVnn, Arg1, Arg2)) per chunk. MidOp (0x9E) followed by the
 * NameSeg OVnn is read as such a pick; the highest nn + 1 is the count.
 */
static void note_picker(struct walk *w, char segs[][4], size_t n, const uint8_t *body,
			const uint8_t *end)
{
	size_t count = 0;

	for (const uint8_t *q = body; q + 5 <= end; q++) {
		int hi, lo;

		if (q[0] != 0x9E || q[1] != 'O' || q[2] != 'V')
			continue;
		hi = hexnibble((char)q[3]);
		lo = hexnibble((char)q[4]);
		if (hi >= 0 && lo >= 0 && (size_t)(hi << 4 | lo) + 1 > count)
			count = (size_t)(hi << 4 | lo) + 1;
	}
	if (count && !w->s->picker_chunks) {
		path_string(segs, n - 1, w->s->picker_scope, sizeof(w->s->picker_scope));
		w->s->picker_chunks = count;
	}
}

/* Method (NAME, flags) { ... }: note _ROM and OVRC, skip the body. */
static int def_method(struct walk *w, const uint8_t **p)
{
	char segs[MAX_DEPTH][4];
	const uint8_t *pkg_end, *saved_end = w->end;
	size_t n;
	int r;

	r = pkg_length(w, p, &pkg_end);
	if (r < 0)
		return r;
	w->end = pkg_end;
	r = name_string(w, p, segs, &n);
	w->end = saved_end;
	if (r < 0)
		return r;
	if (n > 0 && memcmp(segs[n - 1], "_ROM", 4) == 0 && w->s->n_roms < MAX_ROMS) {
		struct rom_method *m = &w->s->roms[w->s->n_roms++];

		path_string(segs, n - 1, m->path, sizeof(m->path));
		m->table = w->table;
	}
	if (n > 0 && memcmp(segs[n - 1], "OVRC", 4) == 0)
		note_picker(w, segs, n, *p, pkg_end);
	*p = pkg_end;
	return 0;
}

static int skip_names(struct walk *w, const uint8_t **p, size_t count)
{
	char segs[MAX_DEPTH][4];
	size_t n;

	for (size_t i = 0; i < count; i++) {
		int r = name_string(w, p, segs, &n);

		if (r < 0)
			return r;
	}
	return 0;
}

static int skip_pkg(struct walk *w, const uint8_t **p)
{
	const uint8_t *pkg_end;
	int r = pkg_length(w, p, &pkg_end);

	if (r == 0)
		*p = pkg_end;
	return r;
}

static int ext_op(struct walk *w, const uint8_t **p)
{
	uint64_t v;
	int r;

	if (*p >= w->end)
		return fail_at(w, *p, "opcode past the end");
	switch (*(*p)++) {
	case EXT_DEVICE:
		return def_scope(w, p, true);
	case EXT_OPREGION:	/* NameString RegionSpace RegionOffset RegionLen */
		r = skip_names(w, p, 1);
		if (r == 0 && *p >= w->end)
			r = fail_at(w, *p, "OperationRegion past the end");
		if (r == 0)
			(*p)++;
		if (r == 0)
			r = integer(w, p, &v);
		if (r == 0)
			r = integer(w, p, &v);
		return r;
	case EXT_FIELD:
	case EXT_INDEXFIELD:
	case EXT_BANKFIELD:
	case EXT_PROCESSOR:
	case EXT_POWERRES:
	case EXT_THERMAL:
		/* None of these hold a _ROM we write: skipped whole. */
		return skip_pkg(w, p);
	default:
		return fail_at(w, *p - 2, "opcode not understood");
	}
}

static int term_list(struct walk *w, const uint8_t *end)
{
	while (w->p < end) {
		const uint8_t *p = w->p;
		int r;

		switch (*p++) {
		case OP_SCOPE:
			r = def_scope(w, &p, false);
			break;
		case OP_NAME:
			r = def_name(w, &p);
			break;
		case OP_METHOD:
			r = def_method(w, &p);
			break;
		case OP_EXTERNAL:	/* NameString ObjectType ArgumentCount */
			r = skip_names(w, &p, 1);
			if (r == 0 && w->end - p < 2)
				r = fail_at(w, p, "External past the end");
			p += 2;
			break;
		case OP_ALIAS:
			r = skip_names(w, &p, 2);
			break;
		case OP_EXT:
			r = ext_op(w, &p);
			break;
		default:
			r = fail_at(w, p - 1, "opcode not understood");
			break;
		}
		if (r < 0)
			return r;
		w->p = p;
	}
	return 0;
}

static bool ours(const struct ov_acpi_table *t)
{
	return t->len >= HDR_LEN && memcmp(t->data, "SSDT", 4) == 0 &&
	       memcmp(t->data + HDR_OEMID, OPTIVFIO_OEMID, 6) == 0;
}

/* The OEM Table ID without the spaces that pad it to 8 characters. */
static int table_id_len(const struct ov_acpi_table *t)
{
	int n = 8;

	while (n > 0 && (t->data[HDR_TABLE_ID + n - 1] == ' ' || !t->data[HDR_TABLE_ID + n - 1]))
		n--;
	return n;
}

/* Length and checksum (§5.2.6); "" when both are right. */
static void header_problem(const struct ov_acpi_table *t, char *out, size_t size)
{
	uint32_t len = ov_le32(t->data + HDR_LENGTH);
	uint8_t sum = 0;

	*out = '\0';
	if (len < HDR_LEN || len > t->len) {
		snprintf(out, size, "%s (%.*s): its header says %u bytes, %zu are there", t->name,
			 table_id_len(t), (const char *)t->data + HDR_TABLE_ID, len, t->len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		sum += t->data[i];
	if (sum)
		snprintf(out, size, "%s (%.*s): the bytes sum to %#04x, not 0 (bad checksum)",
			 t->name, table_id_len(t), (const char *)t->data + HDR_TABLE_ID, sum);
}

int ov_acpi_path_normalize(const char *in, char *out, size_t size)
{
	size_t o = 0;

	if (in[0] != '\\' || size < 2)
		return -EINVAL;
	out[o++] = '\\';
	for (const char *p = in + 1; *p;) {
		size_t n = strcspn(p, ".");

		if (n == 0 || n > 4 || o + 6 > size || !lead_char((uint8_t)p[0]))
			return -EINVAL;
		for (size_t i = 1; i < n; i++)
			if (!name_char((uint8_t)p[i]))
				return -EINVAL;
		if (o > 1)
			out[o++] = '.';
		memcpy(out + o, p, n);
		memset(out + o + n, '_', 4 - n);
		o += 4;
		p += n;
		if (*p == '.' && *++p == '\0')
			return -EINVAL;
	}
	out[o] = '\0';
	return 0;
}

struct out {
	struct ov_ctx *ctx;
	struct ov_check **checks;
	size_t *n;
};

static int add(struct out *o, const char *id, enum ov_check_status st, const char *fix,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct out *o, const char *id, enum ov_check_status st, const char *fix,
	       const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = ov_checks_vadd(o->ctx, o->checks, o->n, id, st, fix, fmt, ap);
	va_end(ap);
	return r;
}

static const char pass_fix[] = "pass every table 'optivfio ssdt' wrote, unchanged and in its "
			       "order, with -acpitable ('optivfio vm' does)";

/* The ROM from chunks 0..n-1: does it parse, is it the device's? */
static int check_rom_bytes(struct out *o, struct scan *s, size_t n, size_t total,
			   const struct ov_tables_want *want, bool partial)
{
	static const char fix_rom[] = "write the tables again from the GPU's own ROM "
				      "('optivfio ssdt --mode embed --rom FILE')";
	struct ov_rom_info *info;
	uint8_t *rom;
	size_t off = 0;
	int r;

	rom = malloc(total);
	info = malloc(sizeof(*info));
	if (!rom || !info) {
		free(rom);
		free(info);
		return ov_ctx_fail(o->ctx, ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(rom + off, s->chunks[i].data, s->chunks[i].len);
		off += s->chunks[i].len;
	}
	r = ov_rom_parse(rom, total, OV_ROM_AT_START, info);
	free(rom);
	if (partial && info->n_images == 0) {
		r = add(o, "ssdt-rom", OV_CHECK_WARN, NULL,
			"the %zu bytes of the embedded ROM that can be read do not start a ROM "
			"image (%s); the rest is in SSDTs the OS does not hand out", total,
			info->verdict_msg);
	} else if (r < 0 && !partial) {
		r = add(o, "ssdt-rom", OV_CHECK_FAIL, fix_rom,
			"the ROM embedded in the tables (%zu bytes) is not a valid ROM: %s", total,
			info->verdict_msg);
	} else if (!want->have_ids) {
		r = add(o, "ssdt-rom", OV_CHECK_WARN, NULL,
			"the embedded %zu-byte ROM parses (for %04x:%04x); the device's ids are "
			"not known", total, info->images[0].vendor, info->images[0].device);
	} else if (ov_rom_validate_ids(o->ctx, info, want->vendor, want->device) < 0) {
		r = add(o, "ssdt-rom", OV_CHECK_FAIL, fix_rom,
			"the ROM embedded in the tables is not the device's: %s",
			ov_ctx_error(o->ctx));
		ov_ctx_clear_error(o->ctx);
	} else if (partial) {
		r = add(o, "ssdt-rom", OV_CHECK_WARN, NULL,
			"the first %zu bytes of the embedded ROM are for %04x:%04x; its other "
			"parts are in SSDTs the OS does not hand out (not checked)", total,
			want->vendor, want->device);
	} else {
		r = add(o, "ssdt-rom", OV_CHECK_PASS, NULL,
			"the embedded %zu-byte ROM (%zu tables) parses and is for %04x:%04x", total,
			n, want->vendor, want->device);
	}
	free(info);
	return r;
}

/* Chunks OV00.. in @scope: one run from 0, each full but the last (ssdt-rom-embed.c). */
static int check_embedded(struct out *o, struct scan *s, const char *scope,
			  const struct ov_tables_want *want)
{
	size_t n = 0, total = 0, expected = 0;

	if (strcmp(s->picker_scope, scope) == 0)
		expected = s->picker_chunks;
	for (size_t i = 0; i < MAX_CHUNKS; i++) {
		struct chunk *c = &s->chunks[i];

		if (!c->count || strcmp(c->scope, scope) != 0)
			continue;
		if (i != n) {
			expected = expected > i ? expected : i + 1;
			break;	/* a gap: the chunks after it do not count */
		}
		if (c->count > 1)
			return add(o, "ssdt-rom", OV_CHECK_FAIL, pass_fix,
				   "the ROM's part OV%02zX is there %u times (%s): the set was "
				   "passed twice", i, c->count, c->table);
		n++;
		total += c->len;
	}
	if (n == 0 && !want->n_unreadable)
		return add(o, "ssdt-rom", OV_CHECK_FAIL, pass_fix,
			   "%s._ROM reads neither a fw_cfg file nor an embedded ROM", scope);
	for (size_t i = 0; i + 1 < n; i++)
		if (s->chunks[i].len != OV_EMBED_CHUNK)
			return add(o, "ssdt-rom", OV_CHECK_FAIL, pass_fix,
				   "the ROM's part OV%02zX has %zu bytes, _ROM expects %u: "
				   "the tables come from different sets", i, s->chunks[i].len,
				   OV_EMBED_CHUNK);
	if (n < expected || n == 0) {
		if (!want->n_unreadable)
			return add(o, "ssdt-rom", OV_CHECK_FAIL, pass_fix,
				   "the ROM's part OV%02zX of OV00-OV%02zX is missing (a table of "
				   "the set was not loaded): _ROM returns garbage past %zu bytes", n,
				   expected - 1, total);
		if (n == 0)
			return add(o, "ssdt-rom", OV_CHECK_WARN, NULL,
				   "the embedded ROM is in SSDTs the OS does not hand out (not "
				   "checked)");
		if (s->chunks[n - 1].len != OV_EMBED_CHUNK)
			return add(o, "ssdt-rom", OV_CHECK_FAIL, pass_fix,
				   "the ROM's part OV%02zX has %zu bytes, _ROM expects %u: "
				   "the tables come from different sets", n - 1,
				   s->chunks[n - 1].len, OV_EMBED_CHUNK);
		return check_rom_bytes(o, s, n, total, want, true);
	}
	return check_rom_bytes(o, s, n, total, want, false);
}

int ov_tables_check(struct ov_ctx *ctx, const struct ov_acpi_table *tables, size_t n,
		    const struct ov_tables_want *want, struct ov_check **checks, size_t *n_checks)
{
	struct out o = { ctx, checks, n_checks };
	char gpu[OV_TABLES_PATH_MAX] = "", problem[200] = "", names[200] = "";
	const struct rom_method *rom = NULL;
	size_t n_ours = 0, used = 0;
	struct scan *s;
	int r;

	if (want->gpu_path && ov_acpi_path_normalize(want->gpu_path, gpu, sizeof(gpu)) < 0)
		return ov_ctx_fail(ctx, EINVAL, "%s is not an ACPI path", want->gpu_path);
	s = calloc(1, sizeof(*s));
	if (!s)
		return ov_ctx_fail(ctx, ENOMEM, "out of memory");

	for (size_t i = 0; i < n; i++) {
		const struct ov_acpi_table *t = &tables[i];
		struct walk w = { .s = s, .table = t->name, .base = t->data };

		if (!ours(t))
			continue;
		n_ours++;
		used += (size_t)snprintf(names + used, used < sizeof(names) ? sizeof(names) - used : 0,
					 "%s%.*s", n_ours > 1 ? ", " : "", table_id_len(t),
					 (const char *)t->data + HDR_TABLE_ID);
		if (used >= sizeof(names))
			used = sizeof(names);
		if (!*problem)
			header_problem(t, problem, sizeof(problem));
		if (*problem)
			continue;	/* the AML of a damaged table is not what was meant */
		w.p = t->data + HDR_LEN;
		w.end = t->data + ov_le32(t->data + HDR_LENGTH);
		term_list(&w, w.end);	/* a problem is kept in s->problem */
	}

	if (n_ours == 0 && want->n_unreadable) {
		r = add(&o, "ssdt", OV_CHECK_WARN, NULL,
			"none of the %zu ACPI tables that can be read is optivfio's; %zu more are "
			"listed but not handed out (the OS gives the first table of a signature only)",
			n, want->n_unreadable);
		goto out;
	}
	if (n_ours == 0) {
		r = add(&o, "ssdt", OV_CHECK_FAIL, pass_fix,
			"none of the %zu ACPI tables loaded is optivfio's (SSDT with OEM ID "
			OPTIVFIO_OEMID ")", n);
		goto out;
	}
	if (*problem) {
		r = add(&o, "ssdt", OV_CHECK_FAIL, pass_fix, "%s", problem);
		goto out;
	}
	r = add(&o, "ssdt", s->problem[0] ? OV_CHECK_WARN : OV_CHECK_PASS, NULL,
		"%zu optivfio table%s loaded (%s)%s%s", n_ours, n_ours == 1 ? "" : "s", names,
		s->problem[0] ? "; not understood: " : ", lengths and checksums right",
		s->problem);
	if (r < 0)
		goto out;

	for (size_t i = 0; i < s->n_roms; i++)
		if (!rom || (*gpu && strcmp(s->roms[i].path, gpu) == 0))
			rom = &s->roms[i];
	if (!rom && want->n_unreadable) {
		r = add(&o, "ssdt-path", OV_CHECK_WARN, NULL,
			"none of optivfio's tables that can be read defines a _ROM; %zu more tables "
			"are not handed out by the OS", want->n_unreadable);
		goto out;
	}
	if (!rom) {
		r = add(&o, "ssdt-path", OV_CHECK_FAIL,
			"pass the ssdt-rom table(s) 'optivfio ssdt' wrote with -acpitable",
			"none of optivfio's tables defines a _ROM");
		goto out;
	}
	if (!*gpu)
		r = add(&o, "ssdt-path", OV_CHECK_WARN, NULL,
			"the tables put _ROM on %s; the GPU's ACPI node is not known", rom->path);
	else if (strcmp(rom->path, gpu) != 0)
		r = add(&o, "ssdt-path", OV_CHECK_FAIL,
			"write the tables for the GPU's node ('optivfio ssdt --gpu-path PATH', or "
			"the --layout/--root-port/--gpu-slot of the VM)",
			"the tables put _ROM on %s, but the GPU's ACPI node is %s: the driver "
			"never sees it", rom->path, gpu);
	else
		r = add(&o, "ssdt-path", OV_CHECK_PASS, NULL, "_ROM on the GPU's node %s (%s)",
			gpu, rom->table);
	if (r < 0)
		goto out;

	if (s->fwcfg && strcmp(s->fwcfg_scope, rom->path) == 0)
		r = add(&o, "ssdt-rom", OV_CHECK_PASS, NULL,
			"_ROM reads the ROM from QEMU's fw_cfg file %s at run time (not in the "
			"tables)", s->fwcfg_name);
	else
		r = check_embedded(&o, s, rom->path, want);
out:
	free(s);
	return r;
}
