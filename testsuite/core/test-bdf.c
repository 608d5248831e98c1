// SPDX-License-Identifier: GPL-2.0-or-later
#include "testutil.h"
#include "core/bdf.h"

static void parses_full_and_short_forms(void **state)
{
	struct ov_bdf b;
	char buf[OV_BDF_STRLEN];

	assert_true(ov_bdf_parse("0000:01:00.0", &b));
	assert_int_equal(b.domain, 0);
	assert_int_equal(b.bus, 1);
	assert_int_equal(b.dev, 0);
	assert_int_equal(b.fn, 0);
	assert_true(ov_bdf_parse("1f:1F.7", &b));
	assert_int_equal(b.bus, 0x1f);
	assert_int_equal(b.dev, 0x1f);
	assert_int_equal(b.fn, 7);
	assert_string_equal(ov_bdf_format(&b, buf), "0000:1f:1f.7");
	assert_true(ov_bdf_parse("abcd:ff:00.1", &b));
	assert_string_equal(ov_bdf_format(&b, buf), "abcd:ff:00.1");
}

static void rejects_everything_else(void **state)
{
	static const char *bad[] = {
		"", "01:00", "01:00.8", "01:20.0", "0000:01:00.0/", "../../x",
		"0000:01:00.0\n", "g000:01:00.0", "0000-01:00.0", "01:00.0 ",
		"00000:01:00.0", "1:00.0", "0000:01:00.00", "./01:00.0",
	};
	struct ov_bdf b;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ov_bdf_parse(bad[i], &b))
			fail_msg("accepted \"%s\"", bad[i]);
	}
}

static void orders_and_groups_slots(void **state)
{
	struct ov_bdf a, b, c;

	assert_true(ov_bdf_parse("01:00.0", &a));
	assert_true(ov_bdf_parse("01:00.1", &b));
	assert_true(ov_bdf_parse("00:02.0", &c));
	assert_true(ov_bdf_compare(&a, &b) < 0);
	assert_true(ov_bdf_compare(&c, &a) < 0);
	assert_int_equal(ov_bdf_compare(&a, &a), 0);
	assert_true(ov_bdf_same_slot(&a, &b));
	assert_false(ov_bdf_same_slot(&a, &c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_full_and_short_forms),
		cmocka_unit_test(rejects_everything_else),
		cmocka_unit_test(orders_and_groups_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
