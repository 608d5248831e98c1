// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The streaming AML encoder (see aml.h). ACPI 6.5 §20 sections are named on
 * each encoder; the ASL operator sections (§19.6.x) on the constructs.
 */
#include "aml/aml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void aml_init(struct aml *a)
{
	memset(a, 0, sizeof(*a));
}

void aml_free(struct aml *a)
{
	free(a->buf);
	aml_init(a);
}

static void aml_set_err(struct aml *a, int err)
{
	if (!a->err)
		a->err = err;
}

int aml_finish(struct aml *a, uint8_t **data, size_t *len)
{
	int err = a->err;

	if (!err && a->depth)
		err = -EINVAL;	/* a construct left open */
	if (err) {
		aml_free(a);
		return err;
	}
	*data = a->buf;
	*len = a->len;
	a->buf = NULL;
	aml_free(a);
	return 0;
}

static uint8_t *aml_reserve(struct aml *a, size_t n)
{
	uint8_t *p;

	if (a->err)
		return NULL;
	if (a->cap - a->len < n) {
		size_t cap = a->cap ? a->cap : 256;

		while (cap - a->len < n) {
			if (cap > SIZE_MAX / 2) {
				aml_set_err(a, -ENOMEM);
				return NULL;
			}
			cap *= 2;
		}
		p = realloc(a->buf, cap);
		if (!p) {
			aml_set_err(a, -ENOMEM);
			return NULL;
		}
		a->buf = p;
		a->cap = cap;
	}
	p = a->buf + a->len;
	a->len += n;
	return p;
}

void aml_bytes(struct aml *a, const void *data, size_t n)
{
	uint8_t *p = aml_reserve(a, n);

	if (p && n)
		memcpy(p, data, n);
}

void aml_byte(struct aml *a, uint8_t b)
{
	aml_bytes(a, &b, 1);
}

void aml_word(struct aml *a, uint16_t w)
{
	uint8_t b[2] = { w & 0xff, w >> 8 };

	aml_bytes(a, b, sizeof(b));
}

void aml_dword(struct aml *a, uint32_t d)
{
	uint8_t b[4] = { d & 0xff, (d >> 8) & 0xff, (d >> 16) & 0xff, d >> 24 };

	aml_bytes(a, b, sizeof(b));
}

/* §20.2.5: ExtOpPrefix 0x5B then the second byte for the extended opcodes. */
void aml_op(struct aml *a, enum aml_opcode op)
{
	if (op > 0xff)
		aml_byte(a, op >> 8);
	aml_byte(a, op & 0xff);
}

/*
 * §20.2.4 PkgLength encoding of a raw value: one byte when it fits in 6
 * bits, else bits 7-6 of the lead byte = number of following bytes, bits
 * 3-0 = the low nibble, the following bytes the next 8 bits each.
 */
static size_t pkglength_value(uint32_t v, uint8_t out[4])
{
	size_t n;

	if (v <= 0x3f) {
		out[0] = v;
		return 1;
	}
	if (v <= 0xfff)
		n = 2;
	else if (v <= 0xfffff)
		n = 3;
	else if (v <= 0xfffffff)
		n = 4;
	else
		return 0;
	out[0] = (uint8_t)((n - 1) << 6 | (v & 0x0f));
	for (size_t i = 1; i < n; i++)
		out[i] = (v >> (4 + 8 * (i - 1))) & 0xff;
	return n;
}

/* §20.2.4: a package's PkgLength counts its own bytes plus the body. */
size_t aml_pkglength_encode(size_t body, uint8_t out[4])
{
	for (size_t n = 1; n <= 4; n++) {
		uint8_t tmp[4];

		if (body > 0xfffffff)
			return 0;
		if (pkglength_value((uint32_t)(body + n), tmp) == n) {
			memcpy(out, tmp, n);
			return n;
		}
	}
	return 0;
}

void aml_pkg_open(struct aml *a)
{
	if (a->err)
		return;
	if (a->depth == AML_MAX_DEPTH) {
		aml_set_err(a, -E2BIG);
		return;
	}
	a->open[a->depth++] = a->len;
	aml_reserve(a, 4);	/* the longest PkgLength; shrunk on close */
}

void aml_close(struct aml *a)
{
	size_t at, body, n;
	uint8_t enc[4];

	if (a->err)
		return;
	if (!a->depth) {
		aml_set_err(a, -EINVAL);
		return;
	}
	at = a->open[--a->depth];
	body = a->len - at - 4;
	n = aml_pkglength_encode(body, enc);
	if (!n) {
		aml_set_err(a, -EFBIG);
		return;
	}
	if (n < 4)
		memmove(a->buf + at + n, a->buf + at + 4, body);
	memcpy(a->buf + at, enc, n);
	a->len -= 4 - n;
}

static int lead_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c)
{
	return lead_name_char(c) || (c >= '0' && c <= '9');
}

/* Count the NameSegs of @p (after any prefix); -1 when malformed. */
static int count_segs(const char *p)
{
	int segs = 0;

	if (!*p)
		return 0;
	for (;;) {
		size_t len = 0;

		if (!lead_name_char(*p))
			return -1;
		while (name_char(p[len]))
			len++;
		if (len > 4)
			return -1;
		segs++;
		p += len;
		if (!*p)
			return segs;
		if (*p != '.')
			return -1;
		p++;
	}
}

int aml_name_valid(const char *name)
{
	const char *p = name;

	if (*p == '\\')
		p++;
	else
		while (*p == '^')
			p++;
	return count_segs(p) >= 0;
}

/*
 * §20.2.2 NameString := <RootChar NamePath> | <PrefixPath NamePath>;
 * NamePath := NameSeg | DualNamePath | MultiNamePath | NullName.
 */
void aml_namestring(struct aml *a, const char *name)
{
	const char *p = name;
	int segs;

	if (*p == '\\') {
		aml_byte(a, AML_ROOT_CHAR);
		p++;
	} else {
		while (*p == '^') {
			aml_byte(a, AML_PARENT_PREFIX);
			p++;
		}
	}
	segs = count_segs(p);
	if (segs < 0 || segs > 255) {
		aml_set_err(a, -EINVAL);
		return;
	}
	if (segs == 0) {
		aml_byte(a, AML_ZERO);	/* NullName */
		return;
	}
	if (segs == 2) {
		aml_byte(a, AML_DUAL_NAME_PREFIX);
	} else if (segs > 2) {
		aml_byte(a, AML_MULTI_NAME_PREFIX);
		aml_byte(a, (uint8_t)segs);
	}
	while (*p) {
		char seg[4] = { '_', '_', '_', '_' };
		size_t len = 0;

		while (name_char(p[len]))
			len++;
		memcpy(seg, p, len);
		aml_bytes(a, seg, 4);
		p += len;
		if (*p == '.')
			p++;
	}
}

/* §20.2.3: ZeroOp, OneOp, or the shortest of Byte/Word/DWord/QWordConst. */
void aml_integer(struct aml *a, uint64_t v)
{
	if (v == 0) {
		aml_byte(a, AML_ZERO);
	} else if (v == 1) {
		aml_byte(a, AML_ONE);
	} else if (v <= 0xff) {
		aml_byte(a, AML_BYTE_PREFIX);
		aml_byte(a, (uint8_t)v);
	} else if (v <= 0xffff) {
		aml_byte(a, AML_WORD_PREFIX);
		aml_word(a, (uint16_t)v);
	} else if (v <= 0xffffffff) {
		aml_byte(a, AML_DWORD_PREFIX);
		aml_dword(a, (uint32_t)v);
	} else {
		aml_byte(a, AML_QWORD_PREFIX);
		aml_dword(a, (uint32_t)v);
		aml_dword(a, (uint32_t)(v >> 32));
	}
}

/* §20.2.3 String := StringPrefix AsciiCharList NullChar (chars 0x01-0x7F). */
void aml_string(struct aml *a, const char *s)
{
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p > 0x7f) {
			aml_set_err(a, -EINVAL);
			return;
		}
	}
	aml_byte(a, AML_STRING_PREFIX);
	aml_bytes(a, s, strlen(s) + 1);
}

void aml_arg(struct aml *a, unsigned int n)
{
	if (n > 6)
		aml_set_err(a, -EINVAL);
	aml_byte(a, (uint8_t)(AML_ARG0 + n));
}

void aml_local(struct aml *a, unsigned int n)
{
	if (n > 7)
		aml_set_err(a, -EINVAL);
	aml_byte(a, (uint8_t)(AML_LOCAL0 + n));
}

/* §20.2.5.1 DefScope := ScopeOp PkgLength NameString TermList */
void aml_scope_open(struct aml *a, const char *name)
{
	aml_op(a, AML_SCOPE);
	aml_pkg_open(a);
	aml_namestring(a, name);
}

/* §20.2.5.2 DefDevice := DeviceOp PkgLength NameString TermList */
void aml_device_open(struct aml *a, const char *name)
{
	aml_op(a, AML_DEVICE);
	aml_pkg_open(a);
	aml_namestring(a, name);
}

/*
 * §20.2.5.2 DefMethod := MethodOp PkgLength NameString MethodFlags TermList;
 * MethodFlags bits 0-2 ArgCount, bit 3 SerializeFlag, bits 4-7 SyncLevel.
 */
void aml_method_open(struct aml *a, const char *name, unsigned int argc, int serialized)
{
	if (argc > 7)
		aml_set_err(a, -EINVAL);
	aml_op(a, AML_METHOD);
	aml_pkg_open(a);
	aml_namestring(a, name);
	aml_byte(a, (uint8_t)((argc & 7) | (serialized ? 1 << 3 : 0)));
}

/* §20.2.5.3 DefIfElse := IfOp PkgLength Predicate TermList DefElse */
void aml_if_open(struct aml *a)
{
	aml_op(a, AML_IF);
	aml_pkg_open(a);
}

/* §20.2.5.3 DefWhile := WhileOp PkgLength Predicate TermList */
void aml_while_open(struct aml *a)
{
	aml_op(a, AML_WHILE);
	aml_pkg_open(a);
}

/* §20.2.5.4 DefBuffer := BufferOp PkgLength BufferSize ByteList */
void aml_buffer_open(struct aml *a)
{
	aml_op(a, AML_BUFFER);
	aml_pkg_open(a);
}

void aml_buffer(struct aml *a, const void *data, size_t n)
{
	aml_buffer_open(a);
	aml_integer(a, n);
	aml_bytes(a, data, n);
	aml_close(a);
}

/* §20.2.5.1 DefName := NameOp NameString DataRefObject */
void aml_name_decl(struct aml *a, const char *name)
{
	aml_op(a, AML_NAME);
	aml_namestring(a, name);
}

/*
 * §20.2.5.2 DefOpRegion := OpRegionOp NameString RegionSpace RegionOffset
 * RegionLen (both TermArgs, here integers).
 */
void aml_op_region(struct aml *a, const char *name, enum aml_region_space space,
		   uint32_t offset, uint32_t length)
{
	aml_op(a, AML_OP_REGION);
	aml_namestring(a, name);
	aml_byte(a, (uint8_t)space);
	aml_integer(a, offset);
	aml_integer(a, length);
}

/* §20.2.5.2 DefField := FieldOp PkgLength NameString FieldFlags FieldList */
void aml_field_open(struct aml *a, const char *region, unsigned int flags)
{
	aml_op(a, AML_FIELD);
	aml_pkg_open(a);
	aml_namestring(a, region);
	aml_byte(a, (uint8_t)flags);
}

/* In a FieldList the PkgLength is a bit count and does not count itself. */
static void field_bits(struct aml *a, uint32_t bits)
{
	uint8_t enc[4];
	size_t n = pkglength_value(bits, enc);

	if (!n) {
		aml_set_err(a, -EINVAL);
		return;
	}
	aml_bytes(a, enc, n);
}

/* §20.2.5.2 NamedField := NameSeg PkgLength */
void aml_field_named(struct aml *a, const char *name, uint32_t bits)
{
	if (count_segs(name) != 1) {
		aml_set_err(a, -EINVAL);
		return;
	}
	aml_namestring(a, name);
	field_bits(a, bits);
}

/* §20.2.5.2 ReservedField := 0x00 PkgLength */
void aml_field_reserved(struct aml *a, uint32_t bits)
{
	aml_byte(a, 0x00);
	field_bits(a, bits);
}

/* §20.2.5.4 DefPackage := PackageOp PkgLength NumElements PackageElementList */
void aml_package_open(struct aml *a, uint8_t count)
{
	aml_op(a, AML_PACKAGE);
	aml_pkg_open(a);
	aml_byte(a, count);
}

/*
 * §19.6.35 EISAID: three uppercase letters (5 bits each, 'A' = 1) and four
 * hex digits compressed into a DWordConst, bytes in string order.
 */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void aml_eisaid(struct aml *a, const char *id)
{
	uint8_t b[4];
	int d[4];

	if (strlen(id) != 7) {
		aml_set_err(a, -EINVAL);
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (id[i] < 'A' || id[i] > 'Z') {
			aml_set_err(a, -EINVAL);
			return;
		}
	}
	for (int i = 0; i < 4; i++) {
		d[i] = hexval(id[3 + i]);
		if (d[i] < 0) {
			aml_set_err(a, -EINVAL);
			return;
		}
	}
	b[0] = (uint8_t)(((id[0] & 0x1f) << 2) | ((id[1] & 0x1f) >> 3));
	b[1] = (uint8_t)(((id[1] & 0x07) << 5) | (id[2] & 0x1f));
	b[2] = (uint8_t)(d[0] << 4 | d[1]);
	b[3] = (uint8_t)(d[2] << 4 | d[3]);
	aml_byte(a, AML_DWORD_PREFIX);
	aml_bytes(a, b, sizeof(b));
}
