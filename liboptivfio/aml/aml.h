/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small streaming AML encoder (coreboot acpigen style).
 *
 * Bytes are appended to a growable array. Constructs that carry a PkgLength
 * (Scope, Device, Method, If, Else, While, Buffer, Field) are opened with
 * one call and closed with aml_close(), which back-patches the PkgLength;
 * the open ones sit on a small stack. Operators are emitted prefix-first as
 * in the byte stream: aml_op(a, AML_STORE) followed by the operands.
 *
 * Errors are sticky: the first failure (out of memory, bad name, too deep)
 * is kept in a->err and later calls do nothing, so a builder checks once at
 * the end with aml_finish().
 *
 * References are to the ACPI Specification 6.5, §20 "ACPI Machine Language
 * (AML) Specification" unless noted.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 16

struct aml {
	uint8_t *buf;
	size_t len, cap;
	size_t open[AML_MAX_DEPTH];	/* offsets of the reserved PkgLengths */
	int depth;
	int err;			/* 0 or the first negative errno */
};

/* Opcodes (§20.2.5 Term Objects Encoding). Values > 0xff are ExtOpPrefix 0x5B + low byte. */
enum aml_opcode {
	AML_ZERO = 0x00,		/* §20.2.3 ZeroOp */
	AML_ONE = 0x01,			/* §20.2.3 OneOp */
	AML_NAME = 0x08,		/* §20.2.5.1 DefName */
	AML_BYTE_PREFIX = 0x0a,		/* §20.2.3 ByteConst */
	AML_WORD_PREFIX = 0x0b,		/* §20.2.3 WordConst */
	AML_DWORD_PREFIX = 0x0c,	/* §20.2.3 DWordConst */
	AML_STRING_PREFIX = 0x0d,	/* §20.2.3 String */
	AML_QWORD_PREFIX = 0x0e,	/* §20.2.3 QWordConst */
	AML_SCOPE = 0x10,		/* §20.2.5.1 DefScope */
	AML_BUFFER = 0x11,		/* §20.2.5.4 DefBuffer */
	AML_PACKAGE = 0x12,		/* §20.2.5.4 DefPackage */
	AML_METHOD = 0x14,		/* §20.2.5.2 DefMethod */
	AML_DUAL_NAME_PREFIX = 0x2e,	/* §20.2.2 DualNamePath */
	AML_MULTI_NAME_PREFIX = 0x2f,	/* §20.2.2 MultiNamePath */
	AML_ROOT_CHAR = 0x5c,		/* §20.2.2 RootChar '\' */
	AML_PARENT_PREFIX = 0x5e,	/* §20.2.2 ParentPrefixChar '^' */
	AML_LOCAL0 = 0x60,		/* §20.2.6.2 Local0Op .. Local7Op 0x67 */
	AML_ARG0 = 0x68,		/* §20.2.6.1 Arg0Op .. Arg6Op 0x6e */
	AML_STORE = 0x70,		/* §20.2.5.4 DefStore */
	AML_ADD = 0x72,			/* §20.2.5.4 DefAdd */
	AML_CONCAT = 0x73,		/* §20.2.5.4 DefConcat */
	AML_SUBTRACT = 0x74,		/* §20.2.5.4 DefSubtract */
	AML_INCREMENT = 0x75,		/* §20.2.5.4 DefIncrement */
	AML_MULTIPLY = 0x77,		/* §20.2.5.4 DefMultiply */
	AML_DIVIDE = 0x78,		/* §20.2.5.4 DefDivide */
	AML_SHIFT_LEFT = 0x79,		/* §20.2.5.4 DefShiftLeft */
	AML_SHIFT_RIGHT = 0x7a,		/* §20.2.5.4 DefShiftRight */
	AML_AND = 0x7b,			/* §20.2.5.4 DefAnd */
	AML_OR = 0x7d,			/* §20.2.5.4 DefOr */
	AML_DEREF_OF = 0x83,		/* §20.2.5.4 DefDerefOf */
	AML_SIZE_OF = 0x87,		/* §20.2.5.4 DefSizeOf */
	AML_INDEX = 0x88,		/* §20.2.5.4 DefIndex */
	AML_LAND = 0x90,		/* §20.2.5.4 DefLAnd */
	AML_LOR = 0x91,			/* §20.2.5.4 DefLOr */
	AML_LNOT = 0x92,		/* §20.2.5.4 DefLNot */
	AML_LEQUAL = 0x93,		/* §20.2.5.4 DefLEqual */
	AML_LGREATER = 0x94,		/* §20.2.5.4 DefLGreater */
	AML_LLESS = 0x95,		/* §20.2.5.4 DefLLess */
	AML_MID = 0x9e,			/* §20.2.5.4 DefMid */
	AML_IF = 0xa0,			/* §20.2.5.3 DefIfElse */
	AML_ELSE = 0xa1,		/* §20.2.5.3 DefElse */
	AML_WHILE = 0xa2,		/* §20.2.5.3 DefWhile */
	AML_RETURN = 0xa4,		/* §20.2.5.3 DefReturn */
	AML_BREAK = 0xa5,		/* §20.2.5.3 DefBreak */
	AML_ONES = 0xff,		/* §20.2.3 OnesOp */
	AML_OP_REGION = 0x5b80,		/* §20.2.5.2 DefOpRegion */
	AML_FIELD = 0x5b81,		/* §20.2.5.2 DefField */
	AML_DEVICE = 0x5b82,		/* §20.2.5.2 DefDevice */
};

/* OperationRegion space (§19.6.100 / §5.5.2.4). */
enum aml_region_space {
	AML_SYSTEM_MEMORY = 0x00,
	AML_SYSTEM_IO = 0x01,
};

/* FieldFlags (§20.2.5.2): AccessType bits 0-3, LockRule bit 4, UpdateRule bits 5-6. */
enum aml_field_flags {
	AML_FIELD_ANY_ACC = 0x00,
	AML_FIELD_BYTE_ACC = 0x01,
	AML_FIELD_WORD_ACC = 0x02,
	AML_FIELD_DWORD_ACC = 0x03,
	AML_FIELD_NO_LOCK = 0x00,
	AML_FIELD_LOCK = 0x10,
	AML_FIELD_PRESERVE = 0x00,
};

void aml_init(struct aml *a);
void aml_free(struct aml *a);

/*
 * 0 and the bytes (ownership moves to the caller, who frees them) when all
 * went well and every opened construct was closed; else the error.
 */
int aml_finish(struct aml *a, uint8_t **data, size_t *len);

/* Raw bytes (little-endian for words/dwords, §20.2.3). */
void aml_byte(struct aml *a, uint8_t b);
void aml_bytes(struct aml *a, const void *p, size_t n);
void aml_word(struct aml *a, uint16_t w);
void aml_dword(struct aml *a, uint32_t d);

/* An opcode, one byte or ExtOpPrefix + byte (§20.2.5). */
void aml_op(struct aml *a, enum aml_opcode op);

/*
 * §20.2.2 NameString from "\\_SB.PCI0.S08", "^PARN", "OVRM": optional root
 * or parent prefixes, then NameSegs separated by dots; each NameSeg is 1-4
 * of [A-Z0-9_] (not starting with a digit), padded with '_' to 4.
 * "" is the NullName. A malformed name sets -EINVAL.
 */
void aml_namestring(struct aml *a, const char *name);
/* True when aml_namestring() would accept @name. */
int aml_name_valid(const char *name);

/* §20.2.3 ComputationalData: Zero, One, or the shortest Byte/Word/DWord/QWordConst. */
void aml_integer(struct aml *a, uint64_t v);
/* §20.2.3 String: StringPrefix, ASCII bytes (1-0x7f), NUL. */
void aml_string(struct aml *a, const char *s);
/* §20.2.6.1/2 ArgObj, LocalObj. */
void aml_arg(struct aml *a, unsigned int n);
void aml_local(struct aml *a, unsigned int n);

/* §20.2.4 PkgLength: reserve one at the current position; aml_close() fills it. */
void aml_pkg_open(struct aml *a);
/* Back-patch the innermost open PkgLength with the shortest encoding. */
void aml_close(struct aml *a);

/* Opening constructs, each closed with aml_close(). */
void aml_scope_open(struct aml *a, const char *name);	/* §19.6.122 Scope */
void aml_device_open(struct aml *a, const char *name);	/* §19.6.31 Device */
/* §19.6.85 Method: flags = ArgCount | SerializeFlag << 3 (SyncLevel 0). */
void aml_method_open(struct aml *a, const char *name, unsigned int argc, int serialized);
/* §19.6.60 If / §19.6.152 While: the predicate follows the call. */
void aml_if_open(struct aml *a);
void aml_while_open(struct aml *a);
/* §19.6.10 Buffer: the BufferSize TermArg follows, then the bytes. */
void aml_buffer_open(struct aml *a);

/* §19.6.10 Buffer (n) { bytes }: a whole initialised buffer. */
void aml_buffer(struct aml *a, const void *data, size_t n);
void aml_name_decl(struct aml *a, const char *name);	/* §19.6.90 Name: the object follows */

/* §19.6.102 Package (count) { ... }, closed with aml_close(). */
void aml_package_open(struct aml *a, uint8_t count);
/* §19.6.35 EISAID ("PNP0C0A"): the compressed id as a DWordConst. */
void aml_eisaid(struct aml *a, const char *id);

/* §19.6.100 OperationRegion (name, space, offset, length). */
void aml_op_region(struct aml *a, const char *name, enum aml_region_space space,
		   uint32_t offset, uint32_t length);
/* §19.6.48 Field (region, flags) { ... }, closed with aml_close(). */
void aml_field_open(struct aml *a, const char *region, unsigned int flags);
/* §20.2.5.2 NamedField: NameSeg + bit width as a PkgLength. */
void aml_field_named(struct aml *a, const char *name, uint32_t bits);
/* §20.2.5.2 ReservedField: 0x00 + bit width as a PkgLength (Offset()). */
void aml_field_reserved(struct aml *a, uint32_t bits);

/*
 * Bytes of a PkgLength for a package whose body (everything after the
 * PkgLength) is @body bytes, written to out[4]; returns the count (1-4) or 0
 * when too long. Exposed for the SSDT splitter's size arithmetic.
 */
size_t aml_pkglength_encode(size_t body, uint8_t out[4]);
