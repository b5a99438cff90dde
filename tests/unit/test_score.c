/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the scorer (core/score.c, core/index.c): every typo class,
 * the false-positive rules, the required .mil block set, verdicts and
 * thresholds, wire-format input and the explanation text.
 *
 * Most tests build a small index from names given inline; the .mil block
 * set uses the sample list conf/protected.list of the source tree.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "tg_unit.h"

static const char *const tg_prot[] = {
    "army.mil",	     "navy.mil",    "mail.army.mil", "gmail.com",
    "google.com",    "paypal.com",  "hotmail.co.uk", "outlook.com",
    "microsoft.com", "example.org", "irs.gov",	     NULL};

/* Score and check verdict, protected name and a class bit. */
static void tg_expect(const tg_index *ix, const char *name, tg_verdict v,
		      const char *prot, unsigned cls)
{
	tg_result r;
	assert_int_equal(tg_score_name(ix, name, &r), TG_OK);
	if (r.verdict != v || (prot && strcmp(r.protected_name, prot) != 0) ||
	    (cls && !(r.classes & cls))) {
		char cl[256];
		tg_classes_format(r.classes, ",", cl, sizeof(cl));
		print_error("%s: got %s %d ~%s [%s]\n", name,
			    tg_verdict_name(r.verdict), r.score,
			    r.protected_name, cl);
		fail();
	}
}

static void test_tld_swap(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "army.ml", TG_VERDICT_BLOCK, "army.mil", TG_C_TLD_SWAP);
	tg_expect(ix, "army.il", TG_VERDICT_BLOCK, "army.mil", TG_C_TLD_SWAP);
	tg_expect(ix, "mail.army.ml", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_TLD_SWAP);
	tg_expect(ix, "paypal.co", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_TLD_SWAP);
	tg_expect(ix, "paypal.om", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_TLD_SWAP);
	/* a registry difference that is not a curated pair is nothing */
	tg_expect(ix, "paypal.de", TG_VERDICT_PASS, NULL, 0);
	/* weak pair: log only */
	tg_expect(ix, "paypal.cam", TG_VERDICT_LOG, "paypal.com",
		  TG_C_TLD_SWAP);
	tg_index_free(ix);
}

static void test_tld_pair_extension(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "example.org", NULL, 0, &err),
	    TG_OK);
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	tg_expect(ix, "example.ong", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
	assert_int_equal(tg_list_add_tld_pair(l, "org", "ong", &err), TG_OK);
	assert_int_equal(tg_list_add_tld_pair(l, ".ORG", "ong.", &err), TG_OK);
	assert_int_equal(tg_list_add_tld_pair(l, "org", "org", &err),
			 TG_EINVAL);
	assert_int_equal(tg_list_add_tld_pair(l, "o g", "x", &err), TG_ENAME);
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	tg_expect(ix, "example.ong", TG_VERDICT_BLOCK, "example.org",
		  TG_C_TLD_SWAP);
	tg_index_free(ix);
	tg_list_free(l);
}

static void test_dot_shift(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "armym.il", TG_VERDICT_BLOCK, "army.mil", TG_C_DOT_SHIFT);
	tg_expect(ix, "gmailc.om", TG_VERDICT_BLOCK, "gmail.com",
		  TG_C_DOT_SHIFT);
	tg_index_free(ix);
}

static void test_embedding(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "army.mil.ml", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_EMBEDDING);
	tg_expect(ix, "army.mil.example.com", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_EMBEDDING);
	tg_expect(ix, "paypal.com.evil.tk", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_EMBEDDING);
	/* the label alone, without the suffix after it, is no embedding */
	tg_expect(ix, "paypal.evil.tk", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
}

static void test_missing_dot(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "armymil.com", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_MISSING_DOT);
	tg_expect(ix, "paypalcom.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_MISSING_DOT);
	tg_expect(ix, "army-mil.com", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_HYPHEN_DOT);
	/* an implausible suffix after the glued TLD: log, not block */
	tg_expect(ix, "paypalcom.ru", TG_VERDICT_LOG, "paypal.com",
		  TG_C_MISSING_DOT);
	/* doppelganger prefixes outside the restricted registry */
	tg_expect(ix, "wwwpaypal.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_MISSING_DOT);
	tg_expect(ix, "mailpaypal.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_PREFIX);
	/* sub.label glued: mailarmy.mil for mail.army.mil, low (.mil) */
	tg_result r;
	assert_int_equal(tg_score_name(ix, "mailarmy.mil", &r), TG_OK);
	assert_true(r.classes & (TG_C_MISSING_DOT | TG_C_PREFIX));
	assert_true(r.score > 0 && r.score < TG_DEFAULT_LOG_THRESHOLD);
	assert_int_equal(tg_score_name(ix, "wwwarmy.mil", &r), TG_OK);
	assert_true(r.classes & TG_C_MISSING_DOT);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	tg_index_free(ix);
}

/* A list of \p names (source \p src) with profile \p prof.  The caller
 * frees it. */
static tg_list *tg_profile_list(const char *const *names, tg_list_profile prof,
				const char *src)
{
	tg_list *l = tg_list_create();
	tg_error err;
	assert_non_null(l);
	assert_int_equal(tg_list_set_profile(l, prof), TG_OK);
	for (size_t i = 0; names[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, names[i],
					     src, i + 1, &err),
				 TG_OK);
	return l;
}

/* A brand list from names, with \p typo (if not NULL) also listed under
 * the typo profile. */
static tg_index *tg_brand_index(const char *const *names, const char *typo)
{
	tg_list *bl = tg_profile_list(names, TG_PROFILE_BRAND, "brands");
	tg_error err;
	tg_index *ix = NULL;
	if (typo) {
		assert_int_equal(tg_list_set_profile(bl, TG_PROFILE_TYPO),
				 TG_OK);
		assert_int_equal(
		    tg_list_add(bl, TG_LIST_PROTECTED, typo, "typo", 1, &err),
		    TG_OK);
	}
	assert_int_equal(tg_index_build(bl, NULL, &ix, &err), TG_OK);
	tg_list_free(bl);
	return ix;
}

static void test_edits(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "paypall.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_ADDITION);
	tg_expect(ix, "paypl.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_OMISSION);
	tg_expect(ix, "payoal.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_REPLACEMENT);
	tg_expect(ix, "paypaql.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_INSERTION);
	tg_expect(ix, "payypal.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_REPETITION);
	tg_expect(ix, "papyal.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_TRANSPOSITION);
	tg_expect(ix, "paypel.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_VOWEL_SWAP);
	tg_expect(ix, "paypam.com", TG_VERDICT_LOG, "paypal.com", TG_C_BITFLIP);
	tg_expect(ix, "pay-pal.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_HYPHENATION);
	tg_expect(ix, "microsfot.com", TG_VERDICT_BLOCK, "microsoft.com",
		  TG_C_TRANSPOSITION);
	tg_result r;
	/* two edits of a six-letter label are not a typo of this model */
	tg_expect(ix, "pyapla.com", TG_VERDICT_PASS, NULL, 0);
	/* one edit of a six-letter label under another suffix is no typo
	 * either */
	tg_expect(ix, "paypall.net", TG_VERDICT_PASS, NULL, 0);
	/* seven or more letters: under any suffix, logged, not blocked (the
	 * brand's own names elsewhere are often someone else's) */
	tg_expect(ix, "microsfot.co.uk", TG_VERDICT_LOG, "microsoft.com",
		  TG_C_OTHER_SUFFIX);
	tg_expect(ix, "cdn.microsoftt.ru", TG_VERDICT_LOG, "microsoft.com",
		  TG_C_OTHER_SUFFIX);
	/* ... seven letters: every kind of edit (issue 19's examples) */
	const char *const dc[] = {"discord.com", NULL};
	tg_index *dx = tg_unit_index(dc, NULL, NULL);
	static const char *const dcl[] = {
	    "2discord.ru", "cdn.dicsord.uk", "d1scord.co.uk", "dicord.uk",
	    "discorf.io",  "discordd.ru",    "d-iscord.net",  NULL};
	for (size_t i = 0; dcl[i]; i++)
		tg_expect(dx, dcl[i], TG_VERDICT_LOG, "discord.com",
			  TG_C_OTHER_SUFFIX);
	tg_index_free(dx);
	/* two edits of a long label: logged */
	tg_expect(ix, "micosorft.com", TG_VERDICT_LOG, "microsoft.com",
		  TG_C_TWO_EDITS);
	tg_expect(ix, "micrsoftt.com", TG_VERDICT_LOG, "microsoft.com",
		  TG_C_TWO_EDITS);
	/* a final s is a plural */
	tg_expect(ix, "paypals.com", TG_VERDICT_LOG, "paypal.com", TG_C_PLURAL);
	/* combos are for the brand profile only */
	tg_expect(ix, "paypal-login.com", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
	/* an unknown profile is refused */
	tg_list *bl = tg_list_create();
	tg_error err;
	assert_non_null(bl);
	assert_int_equal(tg_list_set_profile(bl, (tg_list_profile)7),
			 TG_EINVAL);
	tg_list_free(bl);
	ix = tg_brand_index(tg_prot, NULL);
	/* ... where the brand as a token, prefix or suffix logs, higher
	 * with a phishing word; never a block */
	tg_expect(ix, "paypall.net", TG_VERDICT_LOG, "paypal.com", TG_C_COMBO);
	assert_int_equal(tg_score_name(ix, "paypall.net", &r), TG_OK);
	assert_int_equal(r.classes, TG_C_COMBO);
	tg_expect(ix, "paypal-login.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_COMBO);
	tg_expect(ix, "145126-paypal.net", TG_VERDICT_LOG, "paypal.com",
		  TG_C_COMBO);
	tg_expect(ix, "verifymicrosoft.org", TG_VERDICT_LOG, "microsoft.com",
		  TG_C_COMBO);
	/* a five-letter brand as a token counts under its own TLD only,
	 * whatever TLD shares its 8-bit key tag in this build: of 676
	 * two-letter TLDs about three share focus.de's */
	static const char *const focus[] = {"focus.de", NULL};
	tg_index *fx = tg_brand_index(focus, NULL);
	tg_expect(fx, "focus-news.de", TG_VERDICT_LOG, "focus.de", TG_C_COMBO);
	for (char a = 'a'; a <= 'z'; a++)
		for (char b = 'a'; b <= 'z'; b++) {
			char nm[32];
			snprintf(nm, sizeof(nm), "focus-news.%c%c", a, b);
			assert_int_equal(tg_score_name(fx, nm, &r), TG_OK);
			if (a == 'd' && b == 'e')
				continue;
			if (r.verdict != TG_VERDICT_PASS)
				fail_msg("%s: %s (score %d)", nm,
					 r.protected_name, r.score);
		}
	tg_index_free(fx);
	tg_result k1, k2;
	assert_int_equal(tg_score_name(ix, "paypal-login.com", &k1), TG_OK);
	assert_int_equal(tg_score_name(ix, "paypal-zebra.com", &k2), TG_OK);
	assert_true(k1.score > k2.score);
	tg_index_free(ix);
	/* a name listed under both profiles gets the brand rules, in either
	 * order */
	for (int order = 0; order < 2; order++) {
		bl = tg_list_create();
		assert_non_null(bl);
		for (int k = 0; k < 2; k++) {
			int brand = (k == order);
			assert_int_equal(
			    tg_list_set_profile(bl, brand ? TG_PROFILE_BRAND
							  : TG_PROFILE_TYPO),
			    TG_OK);
			assert_int_equal(
			    tg_list_add(bl, TG_LIST_PROTECTED,
					brand ? "paypal.com" : "www.paypal.com",
					"l", 1, &err),
			    TG_OK);
			assert_int_equal(tg_list_add(bl, TG_LIST_PROTECTED,
						     "microsoft.com", "l", 2,
						     &err),
					 TG_OK);
		}
		assert_int_equal(tg_index_build(bl, NULL, &ix, &err), TG_OK);
		tg_list_free(bl);
		tg_expect(ix, "paypal-login.com", TG_VERDICT_LOG, "paypal.com",
			  TG_C_COMBO);
		tg_expect(ix, "microsoft-login.com", TG_VERDICT_LOG,
			  "microsoft.com", TG_C_COMBO);
		tg_index_free(ix);
	}
	ix = tg_brand_index(tg_prot, NULL);
	/* a token must be delimited, and a short brand only as a token */
	tg_expect(ix, "xpaypalx.com", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "gmailbox.com", TG_VERDICT_PASS, NULL, 0);
	/* classes are exact: a transposition is not a replacement */
	assert_int_equal(tg_score_name(ix, "papyal.com", &r), TG_OK);
	assert_int_equal(r.classes, TG_C_TRANSPOSITION);
	tg_index_free(ix);
}

/* A name scored against a list with a profile and a block threshold, and
 * what it must get. */
struct tg_case {
	const char *const *prot;
	tg_list_profile prof;
	int bt;
	const char *name;
	tg_verdict v;  /* test_namesakes */
	unsigned held; /* test_held */
};

/* An index over \p prot with profile \p prof and block threshold \p bt
 * (log threshold 50).  The caller frees it. */
static tg_index *tg_built(const char *const *prot, tg_list_profile prof, int bt)
{
	tg_list *l = tg_profile_list(prot, prof, "test");
	tg_error err;
	tg_index_options o;
	tg_index_options_init(&o);
	o.block_threshold = bt;
	o.log_threshold = 50;
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_OK);
	tg_list_free(l);
	return ix;
}

/* Score \p name against \p prot (profile \p prof, block threshold \p bt)
 * in eight builds (eight hash seeds) and check that the verdict is \p v in
 * each. */
static void tg_expect_builds(const char *const *prot, tg_list_profile prof,
			     int bt, const char *name, tg_verdict v)
{
	for (int k = 0; k < 8; k++) {
		tg_index *ix = tg_built(prot, prof, bt);
		tg_result r;
		assert_int_equal(tg_score_name(ix, name, &r), TG_OK);
		if (r.verdict != v)
			fail_msg("%s (block at %d, build %d): %s %d ~%s", name,
				 bt, k, tg_verdict_name(r.verdict), r.score,
				 r.protected_name);
		tg_index_free(ix);
	}
}

/* The brand profile's limits (issue 19): lookalikes of a brand label of
 * fewer than TG_RULE_BRAND_BLOCK_MIN characters and embeddings log, never
 * block (googl.com, twiter.com, brand.com.cdn.example are common and
 * legitimate); one edit of a longer label blocks under its own suffix, and
 * under another when it is a slip of the hand and the name's own label is
 * no protected label; two edits of a long label log when the label's head
 * or tail is intact. */
static void test_brand_limits(void **state)
{
	(void)state;
	static const char *const br[] = {"gmail.com", "paypal.com",
					 "myetherwallet.com",
					 "bankofamerica.com", NULL};
	tg_index *ix = tg_brand_index(br, NULL);
	tg_index *tx = tg_unit_index(tg_prot, NULL, NULL);
	/* the same typo: blocked for a typo list, logged for a brand list */
	tg_expect(tx, "gmial.com", TG_VERDICT_BLOCK, "gmail.com",
		  TG_C_TRANSPOSITION);
	tg_expect(ix, "gmial.com", TG_VERDICT_LOG, "gmail.com",
		  TG_C_TRANSPOSITION);
	tg_expect(tx, "pay-pal.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_HYPHENATION);
	tg_expect(ix, "pay-pal.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_HYPHENATION);
	tg_expect(tx, "paypal.com.evil.tk", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_EMBEDDING);
	tg_expect(ix, "paypal.com.evil.tk", TG_VERDICT_LOG, "paypal.com",
		  TG_C_EMBEDDING);
	tg_expect(ix, "bankofamerica.com.data.cdn.example", TG_VERDICT_LOG,
		  "bankofamerica.com", TG_C_EMBEDDING);
	/* a Unicode look-alike is deliberate: it blocks for any brand */
	tg_expect(ix, "xn--pypal-4ve.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_IDN_HOMOGLYPH);
	/* long labels: one edit blocks under the brand's suffix */
	tg_expect(ix, "myetherwalet.com", TG_VERDICT_BLOCK, "myetherwallet.com",
		  TG_C_OMISSION);
	tg_expect(ix, "myethertwallet.com", TG_VERDICT_BLOCK,
		  "myetherwallet.com", TG_C_INSERTION);
	/* ... and under another a slip: a key dropped, doubled, swapped, a
	 * neighbour's added, a look-alike; but a letter for another, a bit
	 * or a hyphen there is a neighbour in another language or the
	 * brand's own site more often (aftenbladet.no, fanfiktion.de,
	 * disney-plus.net), and so are a far key added (mynetherwallet.io is
	 * MetaMask-whitelisted) and an end character or a hyphen dropped
	 * (freelance.ru for freelancer.com, systemmonitor.us for
	 * system-monitor.com): logged */
	static const struct {
		const char *name;
		tg_verdict v;
	} other[] = {
	    {"myetherwalet.net", TG_VERDICT_BLOCK},
	    {"myetherwalllet.xyz", TG_VERDICT_BLOCK},
	    {"myehterwallet.ru", TG_VERDICT_BLOCK},
	    {"myetherwallert.io", TG_VERDICT_BLOCK},
	    {"myetherwa1let.de.com", TG_VERDICT_BLOCK},
	    {"myetharwallet.net", TG_VERDICT_LOG},
	    {"myetherwallat.io", TG_VERDICT_LOG},
	    {"myetherwellet.ru", TG_VERDICT_LOG},
	    {"myetherwaller.de", TG_VERDICT_LOG},
	    {"my-etherwallet.net", TG_VERDICT_LOG},
	    {"mynetherwallet.io", TG_VERDICT_LOG},
	    {"myetherwalle.net", TG_VERDICT_LOG},
	    {"yetherwallet.net", TG_VERDICT_LOG},
	};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		tg_expect(ix, other[i].name, other[i].v, "myetherwallet.com",
			  TG_C_OTHER_SUFFIX);
	static const char *const hy[] = {"system-monitor.com", NULL};
	tg_index *hx = tg_brand_index(hy, NULL);
	tg_expect(hx, "systemmonitor.us", TG_VERDICT_LOG, "system-monitor.com",
		  TG_C_OTHER_SUFFIX);
	tg_expect(hx, "system-monitr.us", TG_VERDICT_BLOCK,
		  "system-monitor.com", TG_C_OTHER_SUFFIX);
	tg_index_free(hx);
	tg_expect(ix, "myetherwallets.com", TG_VERDICT_LOG, "myetherwallet.com",
		  TG_C_PLURAL);
	/* two edits beside an intact head or tail: logged, any suffix */
	tg_expect(ix, "myetherwoliet.com", TG_VERDICT_LOG, "myetherwallet.com",
		  TG_C_TWO_EDITS);
	tg_expect(ix, "mvetehrwallet.ru", TG_VERDICT_LOG, "myetherwallet.com",
		  TG_C_TWO_EDITS | TG_C_OTHER_SUFFIX);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "myetherwoliet.com", &r), TG_OK);
	assert_int_equal(r.classes, TG_C_TWO_EDITS);
	/* three edits are none */
	tg_expect(ix, "myetherwxlizt.com", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
	tg_index_free(tx);
	/* a name whose own label is protected is that brand's, not another
	 * brand's lookalike (mercadolibre.cl and mercadolivre.com.br): with
	 * bankofamerca.org protected, bankofamerca.net is its TLD swap,
	 * logged, whatever order the index meets the two labels in */
	static const char *const two[] = {"bankofamerica.com",
					  "bankofamerca.org", NULL};
	static const char *const one[] = {"bankofamerica.com", NULL};
	tg_index *ox = tg_brand_index(one, NULL);
	tg_expect(ox, "bankofamerca.net", TG_VERDICT_BLOCK, "bankofamerica.com",
		  TG_C_OMISSION | TG_C_OTHER_SUFFIX);
	tg_index_free(ox);
	tg_expect_builds(two, TG_PROFILE_BRAND, TG_DEFAULT_BLOCK_THRESHOLD,
			 "bankofamerca.net", TG_VERDICT_LOG);
	/* a name also on a typo list keeps the typo rules' blocks */
	ix = tg_brand_index(br, "gmail.com");
	tg_expect(ix, "gmial.com", TG_VERDICT_BLOCK, "gmail.com",
		  TG_C_TRANSPOSITION);
	tg_expect(ix, "pay-pal.com", TG_VERDICT_LOG, "paypal.com",
		  TG_C_HYPHENATION);
	tg_index_free(ix);
	/* ... and the brand rules that raise a score: a slip of a long
	 * label under another suffix blocks on both lists, as on the brand
	 * list alone (the typo list alone logs it) */
	static const char *const mew[] = {"myetherwallet.com", NULL};
	ix = tg_brand_index(br, "myetherwallet.com");
	tx = tg_unit_index(mew, NULL, NULL);
	tg_expect(ix, "myetherwalet.net", TG_VERDICT_BLOCK, "myetherwallet.com",
		  TG_C_OMISSION | TG_C_OTHER_SUFFIX);
	tg_expect(tx, "myetherwalet.net", TG_VERDICT_LOG, "myetherwallet.com",
		  TG_C_OMISSION | TG_C_OTHER_SUFFIX);
	tg_index_free(ix);
	tg_index_free(tx);
}

static void test_homoglyphs(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_expect(ix, "paypa1.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_HOMOGLYPH);
	tg_expect(ix, "g00gle.com", TG_VERDICT_BLOCK, "google.com",
		  TG_C_HOMOGLYPH);
	tg_expect(ix, "rnicrosoft.com", TG_VERDICT_BLOCK, "microsoft.com",
		  TG_C_HOMOGLYPH);
	tg_expect(ix, "gmaii.com", TG_VERDICT_BLOCK, "gmail.com",
		  TG_C_HOMOGLYPH);
	/* Cyrillic а in paypal: xn--pypal-4ve.com */
	tg_expect(ix, "xn--pypal-4ve.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_IDN_HOMOGLYPH);
	/* whole label in Cyrillic: раураӏ is xn--80aa0cbo65f.com */
	tg_expect(ix, "xn--80aa0cbo65f.com", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_CYRILLIC);
	/* short labels through skeletons: аrmу (Cyrillic а, у) under the
	 * confusable .ml blocks, and all-Cyrillic паѵу (п, ѵ: not in
	 * UTS #39) too; арму is "apmy" to the eye (р is p): no match */
	tg_expect(ix, "xn--rm-6kc2f.ml", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_TLD_SWAP);
	tg_expect(ix, "xn--80a3an3r.ml", TG_VERDICT_BLOCK, "navy.mil",
		  TG_C_CYRILLIC);
	tg_expect(ix, "xn--80ayln.ml", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
}

static void test_protected_and_allow(void **state)
{
	(void)state;
	const char *const allow[] = {"paypal.co", "allowed.paypal.om", NULL};
	tg_index *ix = tg_unit_index(tg_prot, allow, NULL);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "army.mil", &r), TG_OK);
	assert_int_equal(r.is_protected, 1);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_string_equal(r.protected_name, "army.mil");
	assert_string_equal(r.source, "test");
	assert_int_equal(tg_score_name(ix, "WWW.Army.Mil.", &r), TG_OK);
	assert_int_equal(r.is_protected, 1);
	assert_string_equal(r.name, "www.army.mil");
	/* allowlist: exact and subtree */
	assert_int_equal(tg_score_name(ix, "paypal.co", &r), TG_OK);
	assert_int_equal(r.allowlisted, 1);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_int_equal(tg_score_name(ix, "x.y.allowed.paypal.om", &r), TG_OK);
	assert_int_equal(r.allowlisted, 1);
	assert_int_equal(r.score, 0);
	/* not allowlisted: the sibling still blocks */
	tg_expect(ix, "paypal.om", TG_VERDICT_BLOCK, "paypal.com",
		  TG_C_TLD_SWAP);
	tg_index_free(ix);
}

static void test_restricted_registry(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_result r;
	/* arrny.mil: a homoglyph, but only the registry could create it */
	assert_int_equal(tg_score_name(ix, "arrny.mil", &r), TG_OK);
	assert_true(r.classes & TG_C_HOMOGLYPH);
	assert_true(r.score > 0 && r.score < TG_DEFAULT_LOG_THRESHOLD);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	/* the same typo outside .gov/.mil: flagged */
	tg_expect(ix, "army.mil.gov", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "irs.gov.com", TG_VERDICT_BLOCK, "irs.gov",
		  TG_C_EMBEDDING);
	tg_index_free(ix);
}

static void test_short_labels(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	/* army (4): no edit rules ... */
	tg_expect(ix, "armyy.com", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "arm.mil.ml", TG_VERDICT_PASS, NULL, 0);
	/* ... but skeleton and TLD rules */
	tg_expect(ix, "navy.il", TG_VERDICT_BLOCK, "navy.mil", TG_C_TLD_SWAP);
	/* a 4-letter query one edit from a 5-letter target: log at most
	 * (mail.com is one letter from gmail.com) */
	tg_expect(ix, "mail.com", TG_VERDICT_LOG, "gmail.com", TG_C_OMISSION);
	tg_expect(ix, "game.com", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
}

static void test_tld_entry(void **state)
{
	(void)state;
	const char *const prot[] = {"mil", "army.mil", "navy.mil", NULL};
	tg_index *ix = tg_unit_index(prot, NULL, NULL);
	tg_expect(ix, "army.ml", TG_VERDICT_BLOCK, "army.mil", TG_C_TLD_SWAP);
	tg_expect(ix, "navy.ml", TG_VERDICT_BLOCK, "navy.mil", TG_C_TLD_SWAP);
	tg_expect(ix, "google.ml", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "example.ml", TG_VERDICT_PASS, NULL, 0);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "anything.mil", &r), TG_OK);
	assert_int_equal(r.is_protected, 1);
	assert_string_equal(r.protected_name, "mil");
	/* with the TLD entry the swap scores higher than without */
	tg_result r2;
	assert_int_equal(tg_score_name(ix, "army.ml", &r), TG_OK);
	tg_index *ix2 = tg_unit_index(prot + 1, NULL, NULL);
	assert_int_equal(tg_score_name(ix2, "army.ml", &r2), TG_OK);
	assert_true(r.score > r2.score);
	tg_index_free(ix2);
	tg_index_free(ix);
}

/* The required set, with the sample .mil list of the source tree. */
static void test_mil_sample(void **state)
{
	(void)state;
	const char *path = tg_unit_src("conf/protected.list");
	if (access(path, R_OK) != 0) {
		print_message("sample list %s not found, skipped\n", path);
		skip();
	}
	tg_list *l = tg_list_create();
	tg_error err;
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, path, &err),
			 TG_OK);
	assert_true(tg_list_count(l, TG_LIST_PROTECTED) > 200);
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	static const char *const block[] = {
	    "army.ml",	   "navy.ml",	   "mail.army.ml", "army.mil.ml",
	    "armymil.com", "army-mil.com", "armym.il",	   NULL};
	static const char *const pass[] = {"army.mil", "www.army.mil",
					   "google.ml", "example.com", NULL};
	for (size_t i = 0; block[i]; i++)
		tg_expect(ix, block[i], TG_VERDICT_BLOCK, NULL, 0);
	for (size_t i = 0; pass[i]; i++)
		tg_expect(ix, pass[i], TG_VERDICT_PASS, NULL, 0);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "army.ml", &r), TG_OK);
	assert_string_equal(r.protected_name, "army.mil");
	assert_string_equal(r.source, path);
	assert_true(r.source_line > 0);
	assert_true(tg_index_protected_count(ix) > 200);
	assert_true(tg_index_memory(ix) > 0);
	tg_index_free(ix);
	tg_list_free(l);
}

static void test_thresholds(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "paypal.com", NULL, 0, &err),
	    TG_OK);
	tg_index_options o;
	tg_index_options_init(&o);
	assert_int_equal(o.block_threshold, TG_DEFAULT_BLOCK_THRESHOLD);
	assert_int_equal(o.log_threshold, TG_DEFAULT_LOG_THRESHOLD);
	o.block_threshold = 99;
	o.log_threshold = 10;
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_OK);
	tg_expect(ix, "paypal.co", TG_VERDICT_LOG, "paypal.com", 0);
	tg_index_free(ix);
	o.log_threshold = 100; /* log above block */
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_EINVAL);
	o.log_threshold = 10;
	o.psl_file = "/nonexistent/psl.dat";
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_EIO);
	assert_string_equal(err.file, "/nonexistent/psl.dat");
	tg_list_free(l);
}

/* A name whose own registrable label is a protected label (under another
 * suffix) is that name's namesake, not a lookalike of a third protected
 * name one edit away: istyle.com beside a protected istyle.iq is not a
 * typo of instyle.com, mercadolibre.com beside mercadolibre.com.ar not one
 * of mercadolivre.com.br.  Logged, never blocked, at any block threshold;
 * without the namesake the same names block. */
static void test_namesakes(void **state)
{
	(void)state;
	static const char *const typo1[] = {"instyle.com", NULL};
	static const char *const typo2[] = {"instyle.com", "istyle.iq", NULL};
	static const char *const br1[] = {"mercadolivre.com.br", NULL};
	static const char *const br2[] = {"mercadolivre.com.br",
					  "mercadolibre.com.ar", NULL};
	static const struct tg_case cases[] = {
	    {typo1, TG_PROFILE_TYPO, 80, "istyle.com", TG_VERDICT_BLOCK, 0},
	    {typo2, TG_PROFILE_TYPO, 80, "istyle.com", TG_VERDICT_LOG, 0},
	    /* one letter for another under another suffix: capped at 75,
	     * so a block threshold of 75 blocks it ... */
	    {br1, TG_PROFILE_BRAND, 75, "mercadolibre.com", TG_VERDICT_BLOCK,
	     0},
	    {br1, TG_PROFILE_BRAND, 80, "mercadolibre.com", TG_VERDICT_LOG, 0},
	    /* ... unless its label is protected */
	    {br2, TG_PROFILE_BRAND, 75, "mercadolibre.com", TG_VERDICT_LOG, 0},
	    {br2, TG_PROFILE_BRAND, 70, "mercadolibre.cl", TG_VERDICT_LOG, 0},
	    /* a lookalike whose label is nobody's still blocks */
	    {br2, TG_PROFILE_BRAND, 80, "mercadolibrre.com", TG_VERDICT_BLOCK,
	     0},
	    {br2, TG_PROFILE_BRAND, 75, "mercadoliber.com", TG_VERDICT_BLOCK,
	     0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tg_expect_builds(cases[i].prot, cases[i].prof, cases[i].bt,
				 cases[i].name, cases[i].v);
}

/* Why a match whose class would block was logged (tg_result.held), in
 * the result and in the explanation; a block and a class that scores
 * below block by itself carry none. */
static void test_held(void **state)
{
	(void)state;
	static const char *const br[] = {"paypal.com", "myetherwallet.com",
					 "bankofamerica.com", NULL};
	static const char *const ns[] = {"instyle.com", "istyle.iq", NULL};
	static const char *const gm[] = {"gmail.com", NULL};
	static const char *const fb[] = {"facebook.com", NULL};
	static const char *const ml[] = {"mercadolivre.com.br",
					 "mercadolibre.com.ar", NULL};
	static const struct tg_case cases[] = {
	    {br, TG_PROFILE_BRAND, 80, "paypall.com",
	     .held = TG_HELD_SHORT_BRAND},
	    {br, TG_PROFILE_BRAND, 80, "bankofamerica.com.cdn.example",
	     .held = TG_HELD_BRAND_EMBEDDING},
	    {br, TG_PROFILE_BRAND, 80, "myetharwallet.net",
	     .held = TG_HELD_OTHER_SUFFIX},
	    /* both rules hold it: each alone would */
	    {br, TG_PROFILE_BRAND, 80, "paypal.co",
	     .held = TG_HELD_BRAND_OWN | TG_HELD_SHORT_BRAND},
	    {br, TG_PROFILE_BRAND, 80, "myetherwallets.com",
	     .held = TG_HELD_SIBLING},
	    {ns, TG_PROFILE_TYPO, 80, "istyle.com", .held = TG_HELD_NAMESAKE},
	    /* two rules: either alone keeps it below block */
	    {ml, TG_PROFILE_BRAND, 80, "mercadolibre.com",
	     .held = TG_HELD_OTHER_SUFFIX | TG_HELD_NAMESAKE},
	    {gm, TG_PROFILE_TYPO, 70, "gmai.com", .held = TG_HELD_SHORT_LABEL},
	    {gm, TG_PROFILE_TYPO, 80, "gmai.com",
	     .held = 0}, /* 75: its class */
	    /* the plural cap is not what kept it: the five-character
	     * label's term takes 80 to 75 anyway */
	    {gm, TG_PROFILE_TYPO, 80, "gmails.com", .held = 0},
	    {fb, TG_PROFILE_TYPO, 80, "facebooks.com", .held = TG_HELD_SIBLING},
	    /* under a restricted registry the registry holds it (score
	     * 30), none of the rules */
	    {fb, TG_PROFILE_TYPO, 80, "facebooks.gov", .held = 0},
	    {fb, TG_PROFILE_TYPO, 80, "facebok.gov", .held = 0},
	    {br, TG_PROFILE_BRAND, 80, "myetherwalet.com",
	     .held = 0}, /* a block */
	    {br, TG_PROFILE_BRAND, 70, "myetherwallet.co",
	     .held = 0}, /* 75 blocks */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tg_index *ix =
		    tg_built(cases[i].prot, cases[i].prof, cases[i].bt);
		tg_result r;
		char buf[1024];
		assert_int_equal(tg_score_name(ix, cases[i].name, &r), TG_OK);
		tg_result_explain(&r, buf, sizeof(buf));
		int said = 1;
		for (unsigned b = 1; b < 1u << TG_HELD_COUNT; b <<= 1)
			if ((cases[i].held & b) &&
			    !strstr(buf, tg_held_prose(b)))
				said = 0;
		if (r.held != cases[i].held || !said ||
		    (!strstr(buf, "held below block") != !cases[i].held))
			fail_msg("%s: held %#x, want %#x: %s", cases[i].name,
				 r.held, cases[i].held, buf);
		tg_index_free(ix);
	}
	assert_string_equal(tg_held_name(TG_HELD_NAMESAKE), "namesake");
	char hf[64];
	assert_int_equal(tg_held_format(TG_HELD_OTHER_SUFFIX | TG_HELD_NAMESAKE,
					",", hf, sizeof(hf)),
			 strlen("other-suffix-edit,namesake"));
	assert_string_equal(hf, "other-suffix-edit,namesake");
	assert_string_equal(tg_held_name(3), "unknown");
}

static void test_wire_and_errors(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_result r;
	static const uint8_t wire[] = {4, 'A', 'r', 'M', 'y', 2, 'm', 'l', 0};
	assert_int_equal(tg_score_wire(ix, wire, sizeof(wire), &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_BLOCK);
	assert_string_equal(r.name, "army.ml");
	/* truncated and compressed wire names */
	assert_int_equal(tg_score_wire(ix, wire, 4, &r), TG_ENAME);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	static const uint8_t ptr[] = {0xC0, 0x0C};
	assert_int_equal(tg_score_wire(ix, ptr, sizeof(ptr), &r), TG_ENAME);
	/* an embedded NUL and an escaped dot cannot crash or match */
	static const uint8_t nul[] = {5, 'a', 'r', 0, 'm', 'y', 2, 'm', 'l', 0};
	assert_int_equal(tg_score_wire(ix, nul, sizeof(nul), &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_string_equal(r.name, "ar\\000my.ml");
	assert_int_equal(tg_score_name(ix, "army\\.mil.ml", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_int_equal(tg_score_name(ix, "army..ml", &r), TG_ENAME);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_int_equal(tg_score_name(ix, ".", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	assert_int_equal(tg_score_name(NULL, "x", &r), TG_EINVAL);
	/* a public suffix alone is never a lookalike */
	tg_expect(ix, "co.uk", TG_VERDICT_PASS, NULL, 0);
	tg_index_free(ix);
}

static void test_explain_and_names(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	tg_result r;
	char buf[512];
	assert_int_equal(tg_score_name(ix, "army.ml", &r), TG_OK);
	size_t n = tg_result_explain(&r, buf, sizeof(buf));
	assert_true(n > 0 && n < sizeof(buf));
	assert_non_null(strstr(buf, "army.ml looks like army.mil"));
	assert_non_null(strstr(buf, "tld-swap"));
	/* truncation stays terminated */
	tg_result_explain(&r, buf, 10);
	assert_int_equal(strlen(buf), 9);
	assert_string_equal(tg_class_name(TG_C_TLD_SWAP), "tld-swap");
	assert_string_equal(tg_class_name(TG_C_PREFIX), "prefix");
	assert_string_equal(tg_class_name(3), "unknown");
	char cl[64];
	size_t k = tg_classes_format(TG_C_TLD_SWAP | TG_C_OMISSION, ", ", cl,
				     sizeof(cl));
	assert_string_equal(cl, "tld-swap, omission");
	assert_int_equal(k, strlen("tld-swap, omission"));
	assert_int_equal(
	    tg_classes_format(TG_C_TLD_SWAP | TG_C_OMISSION, ",", cl, 5),
	    strlen("tld-swap,omission"));
	assert_int_equal(strlen(cl), 4);
	assert_string_equal(tg_verdict_name(TG_VERDICT_BLOCK), "block");
	assert_string_equal(tg_strerror(TG_ENAME), "invalid DNS name");
	assert_string_equal(tg_strerror(-99), "unknown error");
	tg_index_free(ix);
	tg_index_free(NULL);
	assert_int_equal(tg_index_memory(NULL), 0);
}

/* Many threads score against one index and agree with one thread. */
static const char *const tg_mt_names[] = {
    "army.ml",	 "paypa1.com",	"google.com",  "www.example.org",
    "gmial.com", "armymil.com", "irs.gov.com", "xn--pypal-4ve.com",
    "navy.il",	 "nothing.net", "a.b.c.d.e",   NULL};

struct tg_mt {
	const tg_index *ix;
	int scores[16];
	int ok;
};

static void *tg_mt_run(void *arg)
{
	struct tg_mt *m = arg;
	m->ok = 1;
	for (int round = 0; round < 2000; round++) {
		for (size_t i = 0; tg_mt_names[i]; i++) {
			tg_result r;
			if (tg_score_name(m->ix, tg_mt_names[i], &r) != TG_OK ||
			    r.score != m->scores[i])
				m->ok = 0;
		}
	}
	return NULL;
}

/* Keys shared by many targets: one deletion of 36 names that differ only
 * in their last character, and one label under 40 TLDs.  Each must still
 * lead to its own target, and a tie goes to the first entry. */
static void test_shared_keys(void **state)
{
	(void)state;
	static const char tail[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	static const char *const tlds[] = {
	    "com", "net", "org", "de", "fr", "nl", "se", "no", "fi", "dk",
	    "pl",  "cz",  "sk",	 "at", "ch", "be", "es", "pt", "ie", "is",
	    "lt",  "lv",  "ee",	 "hu", "ro", "bg", "gr", "si", "hr", "rs",
	    "jp",  "kr",  "tw",	 "br", "ar", "cl", "mx", "za", "nz", "ca"};
	enum {
		NT = sizeof(tail) - 1,
		NL = sizeof(tlds) / sizeof(tlds[0])
	};
	char buf[NT + NL][64];
	const char *prot[NT + NL + 1];
	for (size_t i = 0; i < NT; i++) {
		snprintf(buf[i], sizeof(buf[i]), "northwind%c.com", tail[i]);
		prot[i] = buf[i];
	}
	for (size_t i = 0; i < NL; i++) {
		snprintf(buf[NT + i], sizeof(buf[0]), "samelabel.%s", tlds[i]);
		prot[NT + i] = buf[NT + i];
	}
	prot[NT + NL] = NULL;
	tg_index *ix = tg_unit_index(prot, NULL, NULL);
	char q[64], want[64];
	for (size_t i = 0; i < NT; i++) {
		snprintf(q, sizeof(q), "northwiind%c.com", tail[i]);
		snprintf(want, sizeof(want), "northwind%c.com", tail[i]);
		tg_expect(ix, q, TG_VERDICT_BLOCK, want, TG_C_REPETITION);
	}
	/* one character short of all 36: the first entry wins the tie */
	tg_expect(ix, "northwind.com", TG_VERDICT_BLOCK, "northwinda.com",
		  TG_C_OMISSION);
	for (size_t i = 0; i < NL; i++) {
		snprintf(q, sizeof(q), "samelabl.%s", tlds[i]);
		snprintf(want, sizeof(want), "samelabel.%s", tlds[i]);
		tg_expect(ix, q, TG_VERDICT_BLOCK, want, TG_C_OMISSION);
	}
	/* ... and under a TLD that has no such entry, only logs (a label of
	 * seven or more counts under any suffix) */
	tg_expect(ix, "samelabl.it", TG_VERDICT_LOG, NULL, TG_C_OTHER_SUFFIX);
	tg_index_free(ix);
}

/* Presentation name to wire, for the wire-format entry points. */
static size_t tg_to_wire(const char *name, uint8_t *w)
{
	size_t o = 0;
	while (*name) {
		const char *d = strchr(name, '.');
		size_t l = d ? (size_t)(d - name) : strlen(name);
		assert_true(l > 0 && l < 64 && o + l + 2 <= 255);
		w[o++] = (uint8_t)l;
		memcpy(w + o, name, l);
		o += l;
		name += l + (d ? 1 : 0);
	}
	w[o++] = 0;
	return o;
}

/* Score \p name with \p memo and without; both must agree, and the memo
 * variant leaves the name empty only for a plain pass.  Returns the
 * verdict. */
static tg_verdict tg_memo_same(const tg_index *ix, tg_memo *memo,
			       const char *name)
{
	uint8_t w[256];
	size_t wl = tg_to_wire(name, w);
	tg_result a, b;
	assert_int_equal(tg_score_wire(ix, w, wl, &a), TG_OK);
	assert_int_equal(tg_score_wire_memo(ix, memo, w, wl, &b), TG_OK);
	if (a.verdict != b.verdict || a.score != b.score ||
	    a.classes != b.classes || a.is_protected != b.is_protected ||
	    a.allowlisted != b.allowlisted ||
	    a.infrastructure != b.infrastructure ||
	    strcmp(a.protected_name, b.protected_name) != 0) {
		print_error("%s: %s %d ~%s without the memo, %s %d ~%s with\n",
			    name, tg_verdict_name(a.verdict), a.score,
			    a.protected_name, tg_verdict_name(b.verdict),
			    b.score, b.protected_name);
		fail();
	}
	if (a.verdict != TG_VERDICT_PASS || a.is_protected || a.allowlisted)
		assert_string_equal(b.name, a.name);
	else
		assert_string_equal(b.name, "");
	return b.verdict;
}

struct tg_memo_names {
	char (*names)[TG_NAME_BUF];
	size_t n, cap;
};

static int tg_memo_collect(const char *name, const tg_result *res, void *arg)
{
	struct tg_memo_names *mn = arg;
	(void)res;
	if (mn->n < mn->cap)
		snprintf(mn->names[mn->n++], TG_NAME_BUF, "%s", name);
	return 0;
}

/* The memo of registrable domains changes no result: a domain it holds
 * still gets its subdomain labels checked (embedding), a lookalike is
 * never remembered, and a memo used with another index starts over. */
static void test_memo(void **state)
{
	(void)state;
	tg_index *ix =
	    tg_unit_index(tg_prot, (const char *const[]){"ok.tk", NULL}, NULL);
	tg_memo *memo = tg_memo_create();
	assert_non_null(memo);

	/* a passing registrable domain, then a target embedded under it */
	assert_int_equal(tg_memo_same(ix, memo, "www.example.com"),
			 TG_VERDICT_PASS);
	assert_int_equal(tg_memo_same(ix, memo, "mx.example.com"),
			 TG_VERDICT_PASS);
	assert_int_equal(tg_memo_same(ix, memo, "army.mil.example.com"),
			 TG_VERDICT_BLOCK);
	assert_int_equal(tg_memo_same(ix, memo, "paypal.com.example.com"),
			 TG_VERDICT_BLOCK);
	/* a lookalike registrable domain blocks every time, with and
	 * without subdomains */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(tg_memo_same(ix, memo, "paypa1.com"),
				 TG_VERDICT_BLOCK);
		assert_int_equal(tg_memo_same(ix, memo, "www.paypa1.com"),
				 TG_VERDICT_BLOCK);
		assert_int_equal(tg_memo_same(ix, memo, "a.b.army.ml"),
				 TG_VERDICT_BLOCK);
	}
	/* protected and allowlisted names keep their flags and name */
	assert_int_equal(tg_memo_same(ix, memo, "www.army.mil"),
			 TG_VERDICT_PASS);
	assert_int_equal(tg_memo_same(ix, memo, "x.ok.tk"), TG_VERDICT_PASS);

	/* every lookalike the model enumerates, alone and under prefixes,
	 * twice, interleaved with passing names under the same domains */
	struct tg_memo_names mn = {calloc(4096, TG_NAME_BUF), 0, 4096};
	assert_non_null(mn.names);
	for (size_t i = 0; tg_prot[i]; i++)
		assert_int_equal(tg_enumerate(ix, tg_prot[i], TG_VERDICT_LOG,
					      300, tg_memo_collect, &mn),
				 TG_OK);
	assert_true(mn.n > 1000);
	static const char *const pre[] = {"", "www.", "a.b.", "army.mil."};
	size_t blocked = 0;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < mn.n; i++)
			for (size_t p = 0; p < 4; p++) {
				char q[2 * TG_NAME_BUF];
				snprintf(q, sizeof(q), "%s%s", pre[p],
					 mn.names[i]);
				if (strlen(q) > 200)
					continue;
				blocked += tg_memo_same(ix, memo, q) ==
					   TG_VERDICT_BLOCK;
			}
	assert_true(blocked > mn.n);
	free(mn.names);

	/* another index: what the memo learnt no longer holds */
	assert_int_equal(tg_memo_same(ix, memo, "x.northwimd.com"),
			 TG_VERDICT_PASS);
	tg_index *ix2 = tg_unit_index(
	    (const char *const[]){"northwind.com", NULL}, NULL, NULL);
	assert_int_equal(tg_memo_same(ix2, memo, "x.northwimd.com"),
			 TG_VERDICT_BLOCK);
	assert_int_equal(tg_memo_same(ix2, memo, "x.northwimd.com"),
			 TG_VERDICT_BLOCK);
	tg_index_free(ix2);
	tg_memo_free(memo);
	tg_memo_free(NULL);
	tg_index_free(ix);
}

static void test_threads(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	struct tg_mt m[4];
	for (size_t i = 0; tg_mt_names[i]; i++) {
		tg_result r;
		assert_int_equal(tg_score_name(ix, tg_mt_names[i], &r), TG_OK);
		for (int k = 0; k < 4; k++)
			m[k].scores[i] = r.score;
	}
	pthread_t th[4];
	for (int k = 0; k < 4; k++) {
		m[k].ix = ix;
		assert_int_equal(pthread_create(&th[k], NULL, tg_mt_run, &m[k]),
				 0);
	}
	for (int k = 0; k < 4; k++) {
		pthread_join(th[k], NULL);
		assert_true(m[k].ok);
	}
	tg_index_free(ix);
}

/* CDN, cloud and proxy names carry their customers' host names: under an
 * infrastructure entry (the built-in list's or a list's own) a protected
 * name is no embedding, with and without the memo; outside one, and for
 * every other class, nothing changes. */
static void test_infrastructure(void **state)
{
	(void)state;
	static const char *const prot[] = {"army.mil", "navy.mil", "nasa.gov",
					   "data.gov", "me.com",   "live.com",
					   NULL};
	static const char *const infra[] = {"edgekey.net", "akadns.net",
					    "cdn.example.net", NULL};
	static const char *const cdn[] = {
	    "www.army.mil.edgekey.net",
	    "p27-imap.mail.me.com.akadns.net",
	    "roaming.live.com.akadns.net",
	    "army.mil.cdn.example.net",
	    NULL,
	};
	tg_index_options o;
	tg_index_options_init(&o);
	assert_int_equal(o.builtin_infrastructure, 1);
	o.builtin_infrastructure = 0;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_non_null(l);
	for (size_t i = 0; prot[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, prot[i],
					     "test", i + 1, &err),
				 TG_OK);
	tg_index *plain = NULL;
	assert_int_equal(tg_index_build(l, &o, &plain, &err), TG_OK);
	tg_list_free(l);
	/* the built-in list is on by default: the real CDN names pass, the
	 * made-up one does not */
	tg_index *def = tg_unit_index(prot, NULL, NULL);
	for (size_t i = 0; cdn[i]; i++)
		tg_expect(def, cdn[i],
			  strstr(cdn[i], "example") ? TG_VERDICT_BLOCK
						    : TG_VERDICT_PASS,
			  NULL, 0);
	size_t nb = 0;
	const char *const *b = tg_infrastructure_builtin(&nb);
	assert_true(nb > 100);
	assert_null(b[nb]);
	for (size_t i = 0; i < nb; i++) {
		tg_result r;
		char q[TG_NAME_BUF];
		snprintf(q, sizeof(q), "www.army.mil.%s", b[i]);
		assert_int_equal(tg_score_name(def, q, &r), TG_OK);
		if (!r.infrastructure || r.verdict != TG_VERDICT_PASS)
			fail_msg("%s: not passed as infrastructure", q);
	}
	tg_index_free(def);

	/* only the list's own entries */
	l = tg_list_create();
	assert_non_null(l);
	for (size_t i = 0; prot[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, prot[i],
					     "test", i + 1, &err),
				 TG_OK);
	for (size_t i = 0; infra[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_INFRA, infra[i],
					     "test-infra", i + 1, &err),
				 TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_INFRA), 3);
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_OK);
	tg_list_free(l);

	tg_memo *memo = tg_memo_create();
	assert_non_null(memo);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; cdn[i]; i++) {
			tg_result r;
			/* without the list they are embeddings: the case */
			tg_expect(plain, cdn[i], TG_VERDICT_BLOCK, NULL,
				  TG_C_EMBEDDING);
			assert_int_equal(tg_score_name(ix, cdn[i], &r), TG_OK);
			assert_int_equal(r.verdict, TG_VERDICT_PASS);
			assert_int_equal(r.infrastructure, 1);
			assert_int_equal(tg_memo_same(ix, memo, cdn[i]),
					 TG_VERDICT_PASS);
		}
		/* a passing name under the same registrable domain first,
		 * then the embedding: the memo must not skip the entry */
		assert_int_equal(tg_memo_same(ix, memo, "a.example.net"),
				 TG_VERDICT_PASS);
		assert_int_equal(
		    tg_memo_same(ix, memo, "x.navy.mil.cdn.example.net"),
		    TG_VERDICT_PASS);
		/* an entry covers its subtree only */
		assert_int_equal(tg_memo_same(ix, memo, "army.mil.example.net"),
				 TG_VERDICT_BLOCK);
		assert_int_equal(
		    tg_memo_same(ix, memo, "army.mil.other.example.net"),
		    TG_VERDICT_BLOCK);
	}
	/* the attacks stay blocked */
	tg_expect(ix, "army.ml", TG_VERDICT_BLOCK, "army.mil", TG_C_TLD_SWAP);
	tg_expect(ix, "armym.il", TG_VERDICT_BLOCK, "army.mil", TG_C_DOT_SHIFT);
	tg_expect(ix, "armymil.com", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_MISSING_DOT);
	tg_expect(ix, "army-mil.com", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_HYPHEN_DOT);
	tg_expect(ix, "army.mil.ml", TG_VERDICT_BLOCK, "army.mil",
		  TG_C_EMBEDDING);
	tg_expect(ix, "nasa.gov.com", TG_VERDICT_BLOCK, "nasa.gov",
		  TG_C_EMBEDDING);
	/* public suffixes are respected: gov.uk is one, so data.gov.uk is a
	 * registrable domain of its own, not data.gov with a suffix; under
	 * .com the same labels are an embedding */
	tg_expect(ix, "data.gov.uk", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "www.data.gov.uk", TG_VERDICT_PASS, NULL, 0);
	tg_expect(ix, "data.gov.com", TG_VERDICT_BLOCK, "data.gov",
		  TG_C_EMBEDDING);
	/* explain says why */
	tg_result r;
	char buf[512];
	assert_int_equal(tg_score_name(ix, cdn[0], &r), TG_OK);
	tg_result_explain(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, "infrastructure"));
	tg_memo_free(memo);
	tg_index_free(ix);
	tg_index_free(plain);
}

int main(void)
{
	tg_unit_need_psl();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tld_swap),
	    cmocka_unit_test(test_tld_pair_extension),
	    cmocka_unit_test(test_dot_shift),
	    cmocka_unit_test(test_embedding),
	    cmocka_unit_test(test_missing_dot),
	    cmocka_unit_test(test_edits),
	    cmocka_unit_test(test_brand_limits),
	    cmocka_unit_test(test_homoglyphs),
	    cmocka_unit_test(test_protected_and_allow),
	    cmocka_unit_test(test_restricted_registry),
	    cmocka_unit_test(test_short_labels),
	    cmocka_unit_test(test_tld_entry),
	    cmocka_unit_test(test_mil_sample),
	    cmocka_unit_test(test_thresholds),
	    cmocka_unit_test(test_namesakes),
	    cmocka_unit_test(test_held),
	    cmocka_unit_test(test_wire_and_errors),
	    cmocka_unit_test(test_explain_and_names),
	    cmocka_unit_test(test_shared_keys),
	    cmocka_unit_test(test_memo),
	    cmocka_unit_test(test_infrastructure),
	    cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
