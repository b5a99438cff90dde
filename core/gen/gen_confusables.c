/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Generator of core/confusables_table.c: the code point -> ASCII fold table.
 *
 * ICU is needed only here, never at run time.  Regenerate with:
 *
 *   cc -std=c11 -O2 -o gen_confusables core/gen/gen_confusables.c \
 *      $(pkg-config --cflags --libs icu-uc icu-i18n)
 *   ./gen_confusables > core/confusables_table.c
 *   clang-format -i core/confusables_table.c
 *
 * For every assigned letter, number or mark above U+007F the generator
 *  1. lowercases it (u_tolower), as DNS and IDNA do;
 *  2. takes its UTS #39 skeleton (uspoof_getSkeleton), drops combining marks
 *     and parses the result as a concatenation of the skeletons of the
 *     ASCII hostname characters [a-z0-9-] (so a code point whose skeleton is
 *     "rn" folds to "m", one whose skeleton is "l" folds to "l");
 *  3. failing that, applies ICU's "NFD; [:Mn:] Remove; Latin-ASCII"
 *     transliteration (é -> e, ß -> ss, æ -> ae);
 *  4. adds the extra Cyrillic/Greek look-alikes that Chromium's IDN spoof
 *     checker keeps on top of UTS #39 (м -> m, т -> t, к -> k, н -> h, ...)
 *     and three Latin ones from dnstwist's glyph table (ə, ƿ, ᶌ).
 * Combining marks fold to "" (they are stripped).  Code points with no
 * ASCII result are left out: the scorer treats them as unknown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#define TG_GEN_MAX 8

static const char tg_gen_ascii[] = "abcdefghijklmnopqrstuvwxyz0123456789-";

/* skeleton of each ASCII hostname character, as UTF-16 */
static UChar tg_gen_proto[sizeof(tg_gen_ascii)][8];
static int32_t tg_gen_proto_len[sizeof(tg_gen_ascii)];

/* Chromium's extra confusables (components/url_formatter/spoof_checks). */
static const struct {
	const char *from; /* UTF-8 characters */
	const char *to;
} tg_gen_extra[] = {
    {"æӕ", "ae"},
    {"þϼҏ", "p"},
    {"ħнћңҥӈӊԋԧԩ", "h"},
    {"ĸκкқҝҟҡӄԟ", "k"},
    {"ŋпԥ", "n"},
    {"œ", "ce"},
    {"ŧтҭԏ", "t"},
    {"ƅьҍв", "b"},
    {"ωшщ", "w"},
    {"мӎ", "m"},
    {"эєҽҿ", "e"},
    {"ґ", "r"},
    {"ғӻ", "f"},
    {"ҫ", "c"},
    {"ұ", "y"},
    {"χҳӽӿ", "x"},
    {"ԃ", "d"},
    {"ԍ", "g"},
    {"зҙӡ", "3"},
    {"ӏ", "l"},
    {"ѵ", "v"},
    /* look-alikes in attackers' tables (dnstwist) that UTS #39 and
     * Latin-ASCII leave out or fold elsewhere */
    {"ə", "a"},
    {"ƿ", "p"},
    {"ᶌ", "v"},
};

static int tg_gen_skel(const USpoofChecker *sc, UChar32 cp, UChar *out,
		       int32_t cap)
{
	UChar in[4];
	int32_t n = 0;
	UErrorCode st = U_ZERO_ERROR;
	U16_APPEND_UNSAFE(in, n, cp);
	int32_t len = uspoof_getSkeleton(sc, 0, in, n, out, cap, &st);
	if (U_FAILURE(st))
		return -1;
	/* drop combining marks */
	int32_t w = 0;
	for (int32_t i = 0; i < len;) {
		UChar32 c;
		U16_NEXT(out, i, len, c);
		if (u_charType(c) == U_NON_SPACING_MARK)
			continue;
		U16_APPEND_UNSAFE(out, w, c);
	}
	return w;
}

/* Parse a skeleton as concatenated ASCII prototypes; longest match first,
 * letters before digits. */
static int tg_gen_parse(const UChar *s, int32_t len, char *out)
{
	int o = 0;
	for (int32_t i = 0; i < len;) {
		int best = -1;
		int32_t best_len = 0;
		for (size_t k = 0; k < sizeof(tg_gen_ascii) - 1; k++) {
			int32_t pl = tg_gen_proto_len[k];
			if (pl > best_len && i + pl <= len &&
			    memcmp(s + i, tg_gen_proto[k],
				   pl * sizeof(UChar)) == 0) {
				best = (int)k;
				best_len = pl;
			}
		}
		if (best < 0 || o >= TG_GEN_MAX - 1)
			return -1;
		out[o++] = tg_gen_ascii[best];
		i += best_len;
	}
	out[o] = 0;
	return o;
}

static int tg_gen_translit(UTransliterator *tr, UChar32 cp, char *out)
{
	UChar buf[32];
	int32_t n = 0;
	UErrorCode st = U_ZERO_ERROR;
	U16_APPEND_UNSAFE(buf, n, cp);
	int32_t limit = n;
	utrans_transUChars(tr, buf, &n, 32, 0, &limit, &st);
	if (U_FAILURE(st) || n <= 0 || n >= TG_GEN_MAX)
		return -1;
	for (int32_t i = 0; i < n; i++) {
		UChar c = buf[i];
		if (c >= 'A' && c <= 'Z')
			c = (UChar)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return -1;
		out[i] = (char)c;
	}
	out[n] = 0;
	return n;
}

static const char *tg_gen_extra_for(UChar32 cp)
{
	for (size_t i = 0; i < sizeof(tg_gen_extra) / sizeof(tg_gen_extra[0]);
	     i++) {
		const char *p = tg_gen_extra[i].from;
		int32_t len = (int32_t)strlen(p), j = 0;
		while (j < len) {
			UChar32 c;
			U8_NEXT(p, j, len, c);
			if (c == cp)
				return tg_gen_extra[i].to;
		}
	}
	return NULL;
}

int main(void)
{
	UErrorCode st = U_ZERO_ERROR;
	USpoofChecker *sc = uspoof_open(&st);
	if (U_FAILURE(st)) {
		fprintf(stderr, "uspoof_open: %s\n", u_errorName(st));
		return 1;
	}
	UChar id[64];
	u_uastrcpy(id, "NFD; [:Nonspacing Mark:] Remove; Latin-ASCII");
	UTransliterator *tr =
	    utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st)) {
		fprintf(stderr, "utrans_openU: %s\n", u_errorName(st));
		return 1;
	}
	for (size_t k = 0; k < sizeof(tg_gen_ascii) - 1; k++) {
		int32_t l = tg_gen_skel(sc, (UChar32)tg_gen_ascii[k],
					tg_gen_proto[k], 8);
		tg_gen_proto_len[k] = l < 0 ? 0 : l;
	}
	printf("/* SPDX-License-Identifier: BSD-3-Clause */\n"
	       "/**\n"
	       " * \\file\n"
	       " * GENERATED by core/gen/gen_confusables.c from ICU %s "
	       "(Unicode %s): do not edit.\n"
	       " *\n"
	       " * Code point -> ASCII fold (UTS #39 skeleton, Latin-ASCII, "
	       "Chromium's\n"
	       " * extra Cyrillic look-alikes), sorted by code point for "
	       "binary search.\n"
	       " * Regenerate:\n"
	       " *   cc -std=c11 -O2 -o gen_confusables "
	       "core/gen/gen_confusables.c \\\n"
	       " *      $(pkg-config --cflags --libs icu-uc icu-i18n)\n"
	       " *   ./gen_confusables > core/confusables_table.c\n"
	       " *   clang-format -i core/confusables_table.c\n"
	       " */\n"
	       "#include \"tg_config.h\"\n"
	       "#include \"fold_internal.h\"\n\n"
	       "const struct tg_fold_entry tg_fold_table[] = {\n",
	       U_ICU_VERSION, U_UNICODE_VERSION);
	unsigned long count = 0;
	for (UChar32 cp = 0x80; cp <= 0x10FFFF; cp++) {
		int8_t t = u_charType(cp);
		int is_mark = t == U_NON_SPACING_MARK;
		if (!u_isalnum(cp) && !is_mark)
			continue;
		char out[TG_GEN_MAX] = "";
		const char *ex = tg_gen_extra_for(cp);
		if (ex) {
			snprintf(out, sizeof(out), "%s", ex);
		} else if (is_mark) {
			out[0] = 0;
		} else {
			UChar32 lo = u_tolower(cp);
			UChar sk[64];
			int32_t n = tg_gen_skel(sc, lo, sk, 64);
			if (n <= 0 || tg_gen_parse(sk, n, out) < 0) {
				if (tg_gen_translit(tr, lo, out) < 0)
					continue;
			}
			if (out[0] == 0)
				continue;
		}
		printf("{0x%04X, \"%s\"},\n", (unsigned)cp, out);
		count++;
	}
	printf("};\n\nconst size_t tg_fold_table_len = %lu;\n", count);
	utrans_close(tr);
	uspoof_close(sc);
	return 0;
}
