/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the normalisation steps: presentation and wire parsing
 * (case, trailing dot, \DDD and \X escapes, limits), printing, the RFC 3492
 * decoder (valid, invalid, overflow), label folding to the ASCII skeleton
 * (IDN, Cyrillic, Latin-ASCII, unmapped code points) and the look-alike
 * skeleton used for ASCII homoglyphs.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tg_unit.h"

#include "fold_internal.h"
#include "index_internal.h"
#include "name_internal.h"

static void tg_text(const char *in, const char *out)
{
	tg_name nm;
	char buf[TG_NAME_BUF];
	assert_int_equal(tg_name_from_text(&nm, in, strlen(in), NULL, 0),
			 TG_OK);
	tg_name_to_text(&nm, 0, buf, sizeof(buf));
	assert_string_equal(buf, out);
}

static void tg_bad(const char *in, const char *why_part)
{
	tg_name nm;
	char why[128] = "";
	assert_int_equal(
	    tg_name_from_text(&nm, in, strlen(in), why, sizeof(why)), TG_ENAME);
	if (!strstr(why, why_part)) {
		print_error("%s: reason \"%s\" lacks \"%s\"\n", in, why,
			    why_part);
		fail();
	}
}

static void test_case_and_dot(void **state)
{
	(void)state;
	tg_text("Army.MIL", "army.mil");
	tg_text("army.mil.", "army.mil");
	tg_name nm;
	assert_int_equal(tg_name_from_text(&nm, "a.B.c.", 6, NULL, 0), TG_OK);
	assert_int_equal(nm.n, 3);
	assert_int_equal(nm.wire_len, 7);
	static const uint8_t w[] = {1, 'a', 1, 'b', 1, 'c', 0};
	assert_memory_equal(nm.wire, w, sizeof(w));
	assert_int_equal(tg_name_from_text(&nm, ".", 1, NULL, 0), TG_OK);
	assert_int_equal(nm.n, 0);
}

static void test_escapes(void **state)
{
	(void)state;
	tg_name nm;
	/* \DDD and \X; an escaped dot is a label byte */
	assert_int_equal(tg_name_from_text(&nm, "a\\.b.c", 6, NULL, 0), TG_OK);
	assert_int_equal(nm.n, 2);
	size_t l;
	const uint8_t *lab = tg_name_label(&nm, 0, &l);
	assert_int_equal(l, 3);
	assert_memory_equal(lab, "a.b", 3);
	tg_text("a\\.b.c", "a\\.b.c");
	tg_text("\\065rmy.mil", "army.mil"); /* \065 = 'A', folded */
	tg_text("x\\000y.com", "x\\000y.com");
	tg_text("\\(q\\).com", "\\(q\\).com");
	tg_bad("a\\06", "escape");
	tg_bad("a\\256b", "escape");
	tg_bad("a\\", "escape");
}

static void test_limits(void **state)
{
	(void)state;
	char lab[80], name[330];
	memset(lab, 'a', 64);
	lab[64] = 0;
	tg_bad(lab, "label too long (64 > 63)");
	lab[63] = 0;
	tg_text(lab, lab);
	/* 4 x 63 + 3 dots = 255 characters: too long for 255 wire bytes */
	snprintf(name, sizeof(name), "%s.%s.%s.%s", lab, lab, lab, lab);
	tg_bad(name, "name too long");
	tg_bad("army..mil", "empty label");
	tg_bad(".army", "empty label");
	tg_bad("", "empty name");
	tg_bad("a b", "space");
}

static void test_wire(void **state)
{
	(void)state;
	tg_name nm;
	static const uint8_t ok[] = {4, 'A', 'R', 'M', 'Y', 2, 'm', 'l', 0};
	assert_int_equal(tg_name_from_wire(&nm, ok, sizeof(ok), NULL, 0),
			 TG_OK);
	assert_int_equal(nm.n, 2);
	char buf[64];
	tg_name_to_text(&nm, 0, buf, sizeof(buf));
	assert_string_equal(buf, "army.ml");
	tg_name_to_text(&nm, 1, buf, sizeof(buf));
	assert_string_equal(buf, "ml");
	static const uint8_t trunc[] = {4, 'a', 'r'};
	assert_int_equal(tg_name_from_wire(&nm, trunc, sizeof(trunc), NULL, 0),
			 TG_ENAME);
	static const uint8_t noroot[] = {1, 'a'};
	assert_int_equal(
	    tg_name_from_wire(&nm, noroot, sizeof(noroot), NULL, 0), TG_ENAME);
	static const uint8_t comp[] = {1, 'a', 0xC0, 0x00};
	assert_int_equal(tg_name_from_wire(&nm, comp, sizeof(comp), NULL, 0),
			 TG_ENAME);
	uint8_t big[300];
	for (size_t i = 0; i < 4; i++) {
		big[i * 64] = 63;
		memset(big + i * 64 + 1, 'a', 63);
	}
	big[256] = 0;
	assert_int_equal(tg_name_from_wire(&nm, big, 257, NULL, 0), TG_ENAME);
	/* printing never overflows a small buffer */
	assert_int_equal(tg_name_from_wire(&nm, ok, sizeof(ok), NULL, 0),
			 TG_OK);
	tg_name_to_text(&nm, 0, buf, 4);
	assert_int_equal(strlen(buf), 3);
	/* lowercasing, eight bytes a step: every byte value at every
	 * position of a 16-byte label and of the 3-byte tail after it;
	 * only A-Z change, the length bytes never */
	for (unsigned b = 0; b < 256; b++)
		for (size_t pos = 0; pos < 19; pos++) {
			uint8_t w[22] = {16};
			memset(w + 1, 'Q', 16);
			w[17] = 3;
			memset(w + 18, 'Z', 3);
			w[21] = 0;
			size_t at = pos < 16 ? 1 + pos : 2 + pos;
			w[at] = (uint8_t)b;
			assert_int_equal(
			    tg_name_from_wire(&nm, w, sizeof(w), NULL, 0),
			    TG_OK);
			for (size_t i = 0; i < sizeof(w); i++) {
				uint8_t want = w[i];
				if (i != 0 && i != 17 && want >= 'A' &&
				    want <= 'Z')
					want = (uint8_t)(want + 'a' - 'A');
				assert_int_equal(nm.wire[i], want);
			}
			assert_int_equal(nm.wire_len, sizeof(w));
		}
}

static void test_punycode(void **state)
{
	(void)state;
	uint32_t cp[TG_PUNY_MAX];
	/* "bücher" */
	int n = tg_punycode_decode((const uint8_t *)"bcher-kva", 9, cp,
				   TG_PUNY_MAX);
	assert_int_equal(n, 6);
	assert_int_equal(cp[0], 'b');
	assert_int_equal(cp[1], 0xFC);
	assert_int_equal(cp[5], 'r');
	/* all non-basic: "раураӏ" */
	n = tg_punycode_decode((const uint8_t *)"80aa0cbo65f", 11, cp,
			       TG_PUNY_MAX);
	assert_int_equal(n, 6);
	assert_int_equal(cp[0], 0x440);
	assert_int_equal(cp[5], 0x4CF);
	/* invalid digit, truncated, overflow, surrogate, capacity */
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)"a-!", 3, cp, TG_PUNY_MAX), -1);
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)"a-z", 3, cp, TG_PUNY_MAX), -1);
	assert_int_equal(tg_punycode_decode((const uint8_t *)"99999999999999",
					    14, cp, TG_PUNY_MAX),
			 -1);
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)"bcher-kva", 9, cp, 3), -1);
	assert_int_equal(
	    tg_punycode_decode((const uint8_t *)"\xc3\xbc", 2, cp, TG_PUNY_MAX),
	    -1);
}

static void tg_fold(const char *label, const char *skel, unsigned flags)
{
	char out[TG_FOLD_MAX];
	unsigned fl;
	int n = tg_fold_label((const uint8_t *)label, strlen(label), out, &fl);
	assert_int_equal(n, (int)strlen(skel));
	assert_string_equal(out, skel);
	if ((fl & flags) != flags) {
		print_error("%s: flags %#x lack %#x\n", label, fl, flags);
		fail();
	}
}

static void test_fold(void **state)
{
	(void)state;
	tg_fold("army", "army", 0);
	tg_fold("xn--bcher-kva", "bucher", TG_FOLD_IDN | TG_FOLD_MAPPED);
	tg_fold("xn--pypal-4ve", "paypal", TG_FOLD_IDN | TG_FOLD_MAPPED);
	tg_fold("xn--80aa0cbo65f", "paypal", TG_FOLD_IDN | TG_FOLD_CYRILLIC);
	/* м, т, к, н: Cyrillic letters Chromium adds to UTS #39 */
	assert_string_equal(tg_fold_cp(0x43C), "m");
	assert_string_equal(tg_fold_cp(0x442), "t");
	assert_string_equal(tg_fold_cp(0x43A), "k");
	assert_string_equal(tg_fold_cp(0x43D), "h");
	/* Latin-ASCII: é -> e, ß -> ss; marks are stripped */
	assert_string_equal(tg_fold_cp(0xE9), "e");
	assert_string_equal(tg_fold_cp(0xDF), "ss");
	assert_string_equal(tg_fold_cp(0x301), "");
	assert_null(tg_fold_cp(0x4E00)); /* a CJK ideograph has no fold */
	/* xn--fiq228c: two CJK ideographs: unmapped, but no crash */
	char out[TG_FOLD_MAX];
	unsigned fl;
	int n = tg_fold_label((const uint8_t *)"xn--fiq228c", 11, out, &fl);
	assert_int_equal(n, 2);
	assert_true(fl & TG_FOLD_UNMAPPED);
	assert_int_equal(out[0], TG_FOLD_UNKNOWN);
	/* an xn-- label IDNA2008 rejects (upper-case Cyrillic А + "rmy")
	 * still decodes and folds */
	tg_fold("xn--rmy-i8c", "army", TG_FOLD_IDN);
	/* undecodable xn-- labels match literally */
	tg_fold("xn--zz", "xn--zz", TG_FOLD_BADPUNY);
	/* non-hostname bytes never fold */
	assert_int_equal(tg_fold_label((const uint8_t *)"a.b", 3, out, &fl),
			 -1);
	assert_true(fl & TG_FOLD_NONHOST);
	assert_int_equal(tg_fold_label((const uint8_t *)"a\0b", 3, out, &fl),
			 -1);
}

static void tg_canon_eq(const char *a, const char *b, int strong)
{
	char x[TG_FOLD_MAX], y[TG_FOLD_MAX];
	size_t xl = tg_glyph_canon(a, strlen(a), x, strong);
	size_t yl = tg_glyph_canon(b, strlen(b), y, strong);
	if (xl != yl || memcmp(x, y, xl) != 0) {
		print_error("%s and %s differ (%.*s / %.*s)\n", a, b, (int)xl,
			    x, (int)yl, y);
		fail();
	}
}

static void test_glyph_skeleton(void **state)
{
	(void)state;
	tg_canon_eq("rnicrosoft", "microsoft", 1);
	tg_canon_eq("g00gle", "google", 1);
	tg_canon_eq("paypa1", "paypal", 1);
	tg_canon_eq("vvikipedia", "wikipedia", 1);
	tg_canon_eq("clropbox", "dropbox", 1);
	tg_canon_eq("be11south", "bellsouth", 1);
	/* weak ones (dnstwist's): e/c, d/cl, m/nn, lc/k */
	tg_canon_eq("ccnturytcl", "centurytel", 0);
	tg_canon_eq("ntlworlcl", "ntlworld", 0);
	tg_canon_eq("zommet", "zonnet", 0);
	tg_canon_eq("recliffmail", "rediffmail", 0);
	/* the strong skeleton keeps e and c apart, the weak one not */
	char x[TG_FOLD_MAX], y[TG_FOLD_MAX];
	tg_glyph_canon("cat", 3, x, 1);
	tg_glyph_canon("eat", 3, y, 1);
	assert_true(memcmp(x, y, 3) != 0);
	tg_canon_eq("cat", "eat", 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_case_and_dot),
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_wire),
	    cmocka_unit_test(test_punycode),
	    cmocka_unit_test(test_fold),
	    cmocka_unit_test(test_glyph_skeleton),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
