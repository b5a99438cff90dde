/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of tg_json_string() (core/json.c), the one JSON string
 * escaper of the event log and the tool: control bytes, quote and
 * backslash escaped; valid UTF-8 kept; each invalid byte U+FFFD; a string
 * cut at the buffer's cap ends at a whole character or escape and is
 * still a closed JSON string.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "typoguard.h"

/** Escape \p in with a large buffer; check TG_OK and the length. */
static void check(const char *in, const char *want)
{
	char buf[512];
	size_t n = 99;

	assert_int_equal(tg_json_string(in, buf, sizeof(buf), &n), TG_OK);
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_plain(void **state)
{
	(void)state;
	check("", "\"\"");
	check("army.ml", "\"army.ml\"");
	/* presentation format keeps its backslashes, escaped once more */
	check("a\\.b\\012.army.ml", "\"a\\\\.b\\\\012.army.ml\"");
	check(" !#$%&'()*+,-./:;<=>?@[]^_`{|}~",
	      "\" !#$%&'()*+,-./:;<=>?@[]^_`{|}~\"");
}

static void test_escapes(void **state)
{
	(void)state;
	check("\"", "\"\\\"\"");
	check("\\", "\"\\\\\"");
	check("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
	check("\x01\x08\x0b\x0c\x1f\x7f",
	      "\"\\u0001\\u0008\\u000b\\u000c\\u001f\\u007f\"");
	/* a value cannot close the string and add a field */
	check("x\",\"evil\":1", "\"x\\\",\\\"evil\\\":1\"");
}

static void test_utf8(void **state)
{
	(void)state;
	/* 2, 3 and 4 bytes, and the edges U+0080, U+07FF, U+FFFF,
	 * U+10FFFF: copied as they are */
	check("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	check("\xe2\x82\xac", "\"\xe2\x82\xac\"");
	check("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
	check("\xc2\x80\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	      "\"\xc2\x80\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf\"");
}

static void test_invalid(void **state)
{
	(void)state;
	/* a lone continuation byte, bytes never in UTF-8 */
	check("a\x80z", "\"a\\ufffdz\"");
	check("\xc0\xc1\xf5\xff", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* overlong forms: each byte replaced */
	check("\xc0\xaf", "\"\\ufffd\\ufffd\"");
	check("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xf0\x8f\xbf\xbf", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* a surrogate, above U+10FFFF */
	check("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* a sequence cut by the end or by an ASCII byte */
	check("\xe2\x82", "\"\\ufffd\\ufffd\"");
	check("\xe2\x82x", "\"\\ufffd\\ufffdx\"");
	/* a Latin-1 byte (not \u00e9: that would read as another
	 * character) */
	check("caf\xe9", "\"caf\\ufffd\"");
}

static void test_cut(void **state)
{
	/* "a\"\x01é": pieces end at output offsets 2, 4, 10 and 12 */
	static const char in[] = "a\"\x01\xc3\xa9";
	static const char full[] = "\"a\\\"\\u0001\xc3\xa9\"";
	static const size_t ends[] = {1, 2, 4, 10, 12};
	char buf[32];
	size_t cap, n;

	(void)state;
	for (cap = 3; cap <= sizeof(full); cap++) {
		size_t want = 0, i;
		int rc;

		for (i = 0; i < sizeof(ends) / sizeof(ends[0]); i++)
			if (ends[i] + 2 <= cap)
				want = ends[i];
		memset(buf, 'X', sizeof(buf));
		rc = tg_json_string(in, buf, cap, &n);
		if (cap == sizeof(full)) {
			assert_int_equal(rc, TG_OK);
			assert_string_equal(buf, full);
			continue;
		}
		assert_int_equal(rc, TG_ELIMIT);
		/* the longest whole prefix, closed: always valid JSON */
		assert_int_equal(n, want + 1);
		assert_int_equal(strlen(buf), n);
		assert_true(n < cap);
		assert_memory_equal(buf, full, want);
		assert_int_equal(buf[n - 1], '"');
	}
	assert_int_equal(tg_json_string(in, buf, 6, &n), TG_ELIMIT);
	assert_string_equal(buf, "\"a\\\"\"");
	assert_int_equal(tg_json_string(in, buf, 11, NULL), TG_ELIMIT);
	assert_string_equal(buf, "\"a\\\"\"");
	assert_int_equal(tg_json_string(in, buf, 12, NULL), TG_ELIMIT);
	assert_string_equal(buf, "\"a\\\"\\u0001\"");
}

static void test_bounds(void **state)
{
	char buf[8];
	size_t n = 99, big = 1000 * 6 + 3;
	char *in = malloc(1001), *out = malloc(big);

	(void)state;
	assert_non_null(in);
	assert_non_null(out);
	/* no room for "" and the NUL, or nothing to write */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(tg_json_string("a", buf, 2, &n), TG_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(n, 0);
	assert_int_equal(tg_json_string(NULL, buf, sizeof(buf), &n), TG_EINVAL);
	assert_string_equal(buf, "");
	assert_int_equal(tg_json_string("a", NULL, 8, &n), TG_EINVAL);
	assert_int_equal(tg_json_string("abc", buf, 3, &n), TG_ELIMIT);
	assert_string_equal(buf, "\"\"");

	/* the worst case is 6 bytes per input byte: that cap is enough */
	memset(in, '\x01', 1000);
	in[1000] = '\0';
	assert_int_equal(tg_json_string(in, out, big, &n), TG_OK);
	assert_int_equal(n, big - 1);
	assert_int_equal(tg_json_string(in, out, big - 1, &n), TG_ELIMIT);
	assert_int_equal(n, big - 7);
	memset(in, '\xff', 1000);
	assert_int_equal(tg_json_string(in, out, big, &n), TG_OK);
	assert_int_equal(n, big - 1);
	free(in);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain), cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_utf8),  cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_cut),	  cmocka_unit_test(test_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
