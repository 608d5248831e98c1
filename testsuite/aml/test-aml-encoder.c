// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The encoder against bytes written by hand from ACPI 6.5 §20 (never from
 * the encoder's own output).
 */
#include "testutil.h"
#include "aml/aml.h"
#include "aml/ssdt.h"
#include "core/ctx.h"

#include <errno.h>

/* Finish @a and compare with @want. */
static void expect_bytes(struct aml *a, const uint8_t *want, size_t n)
{
	uint8_t *got;
	size_t len;

	assert_int_equal(aml_finish(a, &got, &len), 0);
	if (len != n || memcmp(got, want, n) != 0) {
		for (size_t i = 0; i < len; i++)
			fprintf(stderr, "%02x ", got[i]);
		fprintf(stderr, "\n");
		fail_msg("got %zu bytes, wanted %zu", len, n);
	}
	free(got);
}

#define EXPECT(a, ...) do { \
	static const uint8_t want_[] = { __VA_ARGS__ }; \
	expect_bytes(a, want_, sizeof(want_)); \
} while (0)

/* §20.2.4: PkgLength counts itself; 1 byte up to 0x3F, then 2/3/4 bytes. */
static void pkglength_boundaries(void **state)
{
	static const struct {
		size_t body;
		uint8_t enc[4];
		size_t n;
	} cases[] = {
		{ 0, { 0x01 }, 1 },
		{ 0x3e, { 0x3f }, 1 },			/* total 0x3F */
		{ 0x3f, { 0x41, 0x04 }, 2 },		/* total 0x41 */
		{ 0xffd, { 0x4f, 0xff }, 2 },		/* total 0xFFF */
		{ 0xffe, { 0x81, 0x00, 0x01 }, 3 },	/* total 0x1001 */
		{ 0xffffc, { 0x8f, 0xff, 0xff }, 3 },	/* total 0xFFFFF */
		{ 0xffffd, { 0xc1, 0x00, 0x00, 0x01 }, 4 }, /* total 0x100001 */
	};
	uint8_t enc[4];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(aml_pkglength_encode(cases[i].body, enc), cases[i].n);
		assert_memory_equal(enc, cases[i].enc, cases[i].n);
	}
	assert_int_equal(aml_pkglength_encode(0x10000000, enc), 0);
}

/* The back-patched PkgLength of a real package, 1 and 2 bytes long. */
static void scope_pkglength_backpatch(void **state)
{
	struct aml a;
	uint8_t *got;
	size_t len;
	uint8_t body[0x40];

	aml_init(&a);
	aml_scope_open(&a, "\\");
	aml_close(&a);
	EXPECT(&a, 0x10, 0x03, 0x5c, 0x00);	/* Scope (\) {}: PkgLength 3 */

	memset(body, 0xa5, sizeof(body));
	aml_init(&a);
	aml_scope_open(&a, "AB");		/* 10 pkg 'AB__' + 0x40 bytes */
	aml_bytes(&a, body, sizeof(body));
	aml_close(&a);
	assert_int_equal(aml_finish(&a, &got, &len), 0);
	assert_int_equal(len, 1 + 2 + 4 + 0x40);
	/* total = 2 + 4 + 0x40 = 0x46: lead 0x40 | 6, then 0x46 >> 4 = 4 */
	assert_int_equal(got[1], 0x46);
	assert_int_equal(got[2], 0x04);
	assert_memory_equal(got + 3, "AB__", 4);
	free(got);
}

/* §20.2.2 NameString forms. */
static void namestrings(void **state)
{
	struct aml a;

	aml_init(&a);
	aml_namestring(&a, "\\_SB.PCI0.S08.S00");
	EXPECT(&a, 0x5c, 0x2f, 0x04, '_', 'S', 'B', '_', 'P', 'C', 'I', '0',
	       'S', '0', '8', '_', 'S', '0', '0', '_');
	aml_init(&a);
	aml_namestring(&a, "^AB.C");
	EXPECT(&a, 0x5e, 0x2e, 'A', 'B', '_', '_', 'C', '_', '_', '_');
	aml_init(&a);
	aml_namestring(&a, "_ROM");
	EXPECT(&a, '_', 'R', 'O', 'M');
	aml_init(&a);
	aml_namestring(&a, "");
	EXPECT(&a, 0x00);
}

static void bad_names_are_sticky_errors(void **state)
{
	static const char *bad[] = { "1ABC", "ABCDE", "a", "A..B", "A.", "\\\\A", "^\\A", "A B" };
	uint8_t *data;
	size_t len;
	struct aml a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		aml_init(&a);
		aml_namestring(&a, bad[i]);
		aml_byte(&a, 0x01);
		if (aml_finish(&a, &data, &len) != -EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
		assert_false(aml_name_valid(bad[i]));
	}
}

/* §20.2.3 integers: Zero, One, Byte/Word/DWord/QWordConst (little-endian). */
static void integers(void **state)
{
	struct aml a;

	aml_init(&a);
	aml_integer(&a, 0);
	aml_integer(&a, 1);
	aml_integer(&a, 2);
	aml_integer(&a, 0xff);
	aml_integer(&a, 0x100);
	aml_integer(&a, 0x10000);
	aml_integer(&a, 0x123456789aull);
	EXPECT(&a, 0x00, 0x01, 0x0a, 0x02, 0x0a, 0xff, 0x0b, 0x00, 0x01,
	       0x0c, 0x00, 0x00, 0x01, 0x00,
	       0x0e, 0x9a, 0x78, 0x56, 0x34, 0x12, 0x00, 0x00, 0x00);
}

static void strings_and_eisaid(void **state)
{
	struct aml a;

	aml_init(&a);
	aml_string(&a, "AB");
	aml_eisaid(&a, "PNP0C0A");	/* §19.6.35: the well-known 0x0A0CD041 */
	EXPECT(&a, 0x0d, 'A', 'B', 0x00, 0x0c, 0x41, 0xd0, 0x0c, 0x0a);
}

/* §20.2.5.2 Method flags, §20.2.5.4 Buffer, Name, Return. */
static void method_and_buffer(void **state)
{
	static const uint8_t three[] = { 1, 2, 3 };
	struct aml a;

	aml_init(&a);
	aml_method_open(&a, "_ROM", 2, 1);
	aml_op(&a, AML_RETURN);
	aml_buffer(&a, three, 3);
	aml_close(&a);
	/* 14 pkg '_ROM' 0A(2 args | serialized) A4 11 pkg (0A 03 = BufferSize 3) 01 02 03 */
	EXPECT(&a, 0x14, 0x0e, '_', 'R', 'O', 'M', 0x0a, 0xa4, 0x11, 0x06, 0x0a, 0x03, 1, 2, 3);
}

/* §20.2.5.2 OperationRegion and Field with a ReservedField. */
static void region_and_fields(void **state)
{
	struct aml a;

	aml_init(&a);
	aml_op_region(&a, "OVFR", AML_SYSTEM_IO, 0x510, 2);
	aml_field_open(&a, "OVFR", AML_FIELD_BYTE_ACC);
	aml_field_reserved(&a, 8);
	aml_field_named(&a, "OVDT", 8);
	aml_close(&a);
	EXPECT(&a, 0x5b, 0x80, 'O', 'V', 'F', 'R', 0x01, 0x0b, 0x10, 0x05, 0x0a, 0x02,
	       0x5b, 0x81, 0x0d, 'O', 'V', 'F', 'R', 0x01, 0x00, 0x08, 'O', 'V', 'D', 'T', 0x08);
}

static void unbalanced_is_an_error(void **state)
{
	struct aml a;
	uint8_t *data;
	size_t len;

	aml_init(&a);
	aml_scope_open(&a, "\\");
	assert_int_equal(aml_finish(&a, &data, &len), -EINVAL);
	aml_init(&a);
	aml_close(&a);
	assert_int_equal(aml_finish(&a, &data, &len), -EINVAL);
	aml_init(&a);
	for (int i = 0; i < AML_MAX_DEPTH + 1; i++)
		aml_if_open(&a);
	assert_int_equal(aml_finish(&a, &data, &len), -E2BIG);
}

/* ACPI §5.2.6: Length at 4, Checksum at 9, all bytes sum to 0. */
static void header_length_and_checksum(void **state)
{
	struct ov_ssdt_set set = { 0 };
	struct ov_ctx *ctx;
	struct aml a;
	uint8_t sum = 0;

	assert_int_equal(ov_ctx_new(NULL, &ctx, NULL, 0), 0);
	aml_init(&a);
	ov_ssdt_begin(&a, "TESTTBL");
	aml_scope_open(&a, "\\");
	aml_close(&a);
	assert_int_equal(ov_ssdt_end(ctx, &a, &set, "t.aml"), 0);
	assert_int_equal(set.count, 1);
	assert_int_equal(set.tables[0].len, 36 + 4);
	assert_memory_equal(set.tables[0].data, "SSDT\x28\0\0\0\x01", 9);
	assert_memory_equal(set.tables[0].data + 10, "OPTVIOTESTTBL ", 14);
	for (size_t i = 0; i < set.tables[0].len; i++)
		sum = (uint8_t)(sum + set.tables[0].data[i]);
	assert_int_equal(sum, 0);
	ov_ssdt_set_free(&set);

	/* Over QEMU's 65535-byte limit: refused with a message. */
	aml_init(&a);
	ov_ssdt_begin(&a, "BIG");
	for (int i = 0; i < 65536; i++)
		aml_byte(&a, 0xa3);
	assert_int_equal(ov_ssdt_end(ctx, &a, &set, "big.aml"), -EFBIG);
	assert_non_null(strstr(ov_ctx_error(ctx), "65535"));
	assert_int_equal(set.count, 0);
	ov_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pkglength_boundaries),
		cmocka_unit_test(scope_pkglength_backpatch),
		cmocka_unit_test(namestrings),
		cmocka_unit_test(bad_names_are_sticky_errors),
		cmocka_unit_test(integers),
		cmocka_unit_test(strings_and_eisaid),
		cmocka_unit_test(method_and_buffer),
		cmocka_unit_test(region_and_fields),
		cmocka_unit_test(unbalanced_is_an_error),
		cmocka_unit_test(header_length_and_checksum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
