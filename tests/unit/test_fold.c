/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of label folding (core/fold.c): ASCII labels unchanged,
 * xn-- labels decoded and folded to their ASCII confusable skeleton with
 * the flags the scorer's rules read (IDN, mapped, Cyrillic, unmapped), the
 * RFC 3492 decoder on the RFC's own sample and on malformed input, and the
 * code point table (folded, stripped, unknown).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fold_internal.h"
#include "tg_unit.h"

/* Fold \p label; check the skeleton and that \p set flags are set and
 * \p clear flags are not. */
static void tg_fold_is(const char *label, const char *skel, unsigned set,
		       unsigned clear)
{
	char out[TG_FOLD_MAX];
	unsigned fl = 0;
	int n = tg_fold_label((const uint8_t *)label, strlen(label), out, &fl);
	if (n < 0 || strcmp(out, skel) != 0 || (fl & set) != set ||
	    (fl & clear) != 0) {
		print_error("%s: got %d '%s' flags %#x, want '%s' +%#x -%#x\n",
			    label, n, n >= 0 ? out : "", fl, skel, set, clear);
		fail();
	}
	assert_int_equal((size_t)n, strlen(skel));
}

static void test_ascii(void **state)
{
	(void)state;
	const unsigned any = TG_FOLD_IDN | TG_FOLD_MAPPED | TG_FOLD_CYRILLIC |
			     TG_FOLD_UNMAPPED | TG_FOLD_BADPUNY;
	tg_fold_is("paypal", "paypal", 0, any);
	tg_fold_is("army-mil", "army-mil", 0, any);
	tg_fold_is("0day", "0day", 0, any);
	char l63[64];
	memset(l63, 'a', 63);
	l63[63] = 0;
	tg_fold_is(l63, l63, 0, any);
}

static void test_idn(void **state)
{
	(void)state;
	/* аррӏе: every letter Cyrillic, the classic apple.com homograph */
	tg_fold_is("xn--80ak6aa92e", "apple",
		   TG_FOLD_IDN | TG_FOLD_MAPPED | TG_FOLD_CYRILLIC,
		   TG_FOLD_UNMAPPED);
	/* one Cyrillic а among Latin letters: mapped, not "Cyrillic" */
	tg_fold_is("xn--pple-43d", "apple", TG_FOLD_IDN | TG_FOLD_MAPPED,
		   TG_FOLD_CYRILLIC | TG_FOLD_UNMAPPED);
	/* diacritics fold away: bücher, münchen */
	tg_fold_is("xn--bcher-kva", "bucher", TG_FOLD_IDN | TG_FOLD_MAPPED,
		   TG_FOLD_UNMAPPED);
	tg_fold_is("xn--mnchen-3ya", "munchen", TG_FOLD_IDN | TG_FOLD_MAPPED,
		   TG_FOLD_UNMAPPED);
	/* пример: п and м have no ASCII look-alike in UTS #39 */
	char out[TG_FOLD_MAX];
	unsigned fl;
	int n = tg_fold_label((const uint8_t *)"xn--e1afmkfd", 12, out, &fl);
	assert_int_equal(n, 6);
	assert_non_null(strchr(out, TG_FOLD_UNKNOWN));
	assert_true(fl & TG_FOLD_UNMAPPED);
	/* Arabic script: mostly unknown */
	n = tg_fold_label((const uint8_t *)"xn--mgbkt9eckr", 14, out, &fl);
	assert_true(n > 0);
	assert_true(fl & TG_FOLD_UNMAPPED);
}

static void test_punycode(void **state)
{
	(void)state;
	/* RFC 3492 section 7.1 (L): 3<nen>B<gumi><kinpachi><sensei> */
	static const uint32_t want[] = {0x33,	0x5E74, 0x42,	0x7D44,
					0x91D1, 0x516B, 0x5148, 0x751F};
	const char *in = "3B-ww4c5e180e575a65lsy2b";
	uint32_t cp[TG_PUNY_MAX];
	int n = tg_punycode_decode((const uint8_t *)in, strlen(in), cp,
				   TG_PUNY_MAX);
	assert_int_equal(n, 8);
	assert_memory_equal(cp, want, sizeof(want));
	/* too small an output is an error, never an overrun */
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)in, strlen(in), cp, 4), -1);
	/* a digit overflow and a bad digit */
	assert_int_equal(tg_punycode_decode((const uint8_t *)"99999999999", 11,
					    cp, TG_PUNY_MAX),
			 -1);
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)"a-*", 3, cp, TG_PUNY_MAX), -1);
}

static void test_code_points(void **state)
{
	(void)state;
	assert_string_equal(tg_fold_cp(0x0430), "a"); /* Cyrillic а */
	assert_string_equal(tg_fold_cp(0x03BF), "o"); /* Greek ο */
	assert_string_equal(tg_fold_cp(0x0301), "");  /* combining acute */
	assert_null(tg_fold_cp(0x4E00));	      /* CJK: no fold */
	/* the table is sorted: the lookup is a binary search */
	for (size_t i = 1; i < tg_fold_table_len; i++)
		assert_true(tg_fold_table[i - 1].cp < tg_fold_table[i].cp);
	/* every fold is lowercase ASCII of a host name */
	for (size_t i = 0; i < tg_fold_table_len; i++)
		for (const char *c = tg_fold_table[i].ascii; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') ||
				    (*c >= '0' && *c <= '9') || *c == '-');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ascii),
	    cmocka_unit_test(test_idn),
	    cmocka_unit_test(test_punycode),
	    cmocka_unit_test(test_code_points),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
