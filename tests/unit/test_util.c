/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the library-internal utilities of core/util_internal.h
 * that the library and the tool share: the unsigned-number parser
 * (tg_parse_uint(): digits only, range, overflow, trailing bytes) and the
 * capped string table (tg_strtab: owned copies, stable indices, the cap).
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "typoguard.h"
#include "util_internal.h"

/** Parse \p s in [lo, hi]; on error *out must stay untouched. */
static int parse(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 12345;
	int rc = tg_parse_uint(s, lo, hi, &v);

	if (rc != TG_OK)
		assert_int_equal(v, 12345);
	*out = v;
	return rc;
}

static void test_parse_uint(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse("0", 0, 100, &v), TG_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse("42", 0, 100, &v), TG_OK);
	assert_int_equal(v, 42);
	assert_int_equal(parse("100", 0, 100, &v), TG_OK);
	assert_int_equal(v, 100);
	assert_int_equal(parse("007", 0, 100, &v), TG_OK);
	assert_int_equal(v, 7);
	assert_int_equal(parse("18446744073709551615", 0, UINT64_MAX, &v),
			 TG_OK);
	assert_true(v == UINT64_MAX);
	assert_int_equal(parse("4294967295", 0, UINT32_MAX, &v), TG_OK);
	assert_true(v == UINT32_MAX);
}

static void test_parse_uint_range(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse("101", 0, 100, &v), TG_ELIMIT);
	assert_int_equal(parse("0", 1, 100, &v), TG_ELIMIT);
	assert_int_equal(parse("4294967296", 0, UINT32_MAX, &v), TG_ELIMIT);
	/* past UINT64_MAX: an overflow, not a wrapped small value */
	assert_int_equal(parse("18446744073709551616", 0, UINT64_MAX, &v),
			 TG_ELIMIT);
	assert_int_equal(parse("36893488147419103232", 0, UINT64_MAX, &v),
			 TG_ELIMIT);
	assert_int_equal(parse("99999999999999999999999999", 0, 100, &v),
			 TG_ELIMIT);
}

static void test_parse_uint_syntax(void **state)
{
	static const char *const bad[] = {
	    "",	   "+1",  "-1",	 " 1",	"1 ", "1x", "0x10",
	    "1.0", "1e3", "\t1", "1\n", "x",  "-0", "99999999999999999999x",
	};
	size_t i;
	uint64_t v;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(parse(bad[i], 0, UINT64_MAX, &v), TG_EPARSE);
	assert_int_equal(tg_parse_uint(NULL, 0, 1, &v), TG_EPARSE);
}

static void test_strtab(void **state)
{
	tg_strtab t;
	char buf[16];
	size_t i = 99, j;

	(void)state;
	tg_strtab_init(&t, 20);
	assert_int_equal(t.n, 0);
	/* the table keeps its own copy */
	strcpy(buf, "protected.list");
	assert_int_equal(tg_strtab_intern(&t, buf, &i), TG_OK);
	assert_int_equal(i, 0);
	strcpy(buf, "other");
	assert_string_equal(t.s[0], "protected.list");
	assert_int_equal(tg_strtab_intern(&t, buf, &i), TG_OK);
	assert_int_equal(i, 1);
	/* interning finds, adding appends */
	assert_int_equal(tg_strtab_intern(&t, "protected.list", &i), TG_OK);
	assert_int_equal(i, 0);
	assert_int_equal(tg_strtab_add(&t, "other", &i), TG_OK);
	assert_int_equal(i, 2);
	assert_int_equal(t.n, 3);
	/* past the growth steps: indices and strings stay */
	for (j = 3; j < 20; j++) {
		snprintf(buf, sizeof(buf), "s%zu", j);
		assert_int_equal(tg_strtab_intern(&t, buf, &i), TG_OK);
		assert_int_equal(i, j);
	}
	assert_string_equal(t.s[0], "protected.list");
	assert_string_equal(t.s[19], "s19");
	/* the cap: a new string is refused, a known one still found */
	assert_int_equal(tg_strtab_intern(&t, "new", &i), TG_ELIMIT);
	assert_int_equal(tg_strtab_add(&t, "s3", NULL), TG_ELIMIT);
	assert_int_equal(t.n, 20);
	assert_int_equal(tg_strtab_intern(&t, "s7", &i), TG_OK);
	assert_int_equal(i, 7);
	assert_true(t.alloc <= 20);
	tg_strtab_free(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.s);
	/* usable again after free; an empty table frees cleanly */
	assert_int_equal(tg_strtab_add(&t, "x", &i), TG_OK);
	assert_int_equal(i, 0);
	tg_strtab_free(&t);
	tg_strtab_init(&t, 0);
	assert_int_equal(tg_strtab_add(&t, "x", NULL), TG_ELIMIT);
	tg_strtab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_uint),
	    cmocka_unit_test(test_parse_uint_range),
	    cmocka_unit_test(test_parse_uint_syntax),
	    cmocka_unit_test(test_strtab),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
