/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the enumeration API (core/enumerate.c, tg_list_foreach in
 * core/list.c): the lookalikes of army.mil and gmail.com include every
 * class the scorer knows, nothing protected or allowlisted is emitted,
 * the order is deterministic (across index builds too, whose hash seeds
 * differ), limits and early stops hold, every emitted name re-scores at
 * the requested verdict against the protected name, and the caps keep a
 * 63-character label bounded.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "rules_internal.h"
#include "tg_unit.h"

/** Most names one test collects. */
#define TG_T_MAX 20000

/** Collected output of one tg_enumerate() run. */
struct tg_got {
	char (*name)[TG_NAME_BUF];
	int *score;
	unsigned classes; /* union of all classes */
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static struct tg_got *tg_got_new(void)
{
	struct tg_got *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	g->name = calloc(TG_T_MAX, sizeof(*g->name));
	g->score = calloc(TG_T_MAX, sizeof(*g->score));
	assert_non_null(g->name);
	assert_non_null(g->score);
	return g;
}

static void tg_got_free(struct tg_got *g)
{
	if (!g)
		return;
	free(g->name);
	free(g->score);
	free(g);
}

static int tg_collect(const char *name, const tg_result *res, void *arg)
{
	struct tg_got *g = arg;
	assert_true(g->n < TG_T_MAX);
	snprintf(g->name[g->n], TG_NAME_BUF, "%s", name);
	g->score[g->n] = res->score;
	g->classes |= res->classes;
	g->n++;
	return g->stop_after && g->n >= g->stop_after;
}

static int tg_has(const struct tg_got *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->name[i], name) == 0)
			return 1;
	return 0;
}

static void tg_expect_has(const struct tg_got *g, const char *name)
{
	if (!tg_has(g, name)) {
		print_error("%s not enumerated (%zu names)\n", name, g->n);
		fail();
	}
}

static const char *const tg_prot[] = {"army.mil", "navy.mil", "gmail.com",
				      "microsoft.com", NULL};

static struct tg_got *tg_run(const tg_index *ix, const char *name,
			     tg_verdict min, size_t limit)
{
	struct tg_got *g = tg_got_new();
	assert_int_equal(tg_enumerate(ix, name, min, limit, tg_collect, g),
			 TG_OK);
	return g;
}

/* Every emitted name: valid, not protected or allowlisted, best match
 * the protected entry (or its registrable domain), verdict >= min. */
static void tg_check_rescore(const tg_index *ix, const struct tg_got *g,
			     tg_verdict min, const char *prot, const char *reg)
{
	for (size_t i = 0; i < g->n; i++) {
		tg_result r;
		assert_int_equal(tg_score_name(ix, g->name[i], &r), TG_OK);
		if (r.is_protected || r.allowlisted || r.verdict < min ||
		    r.score != g->score[i] ||
		    (strcmp(r.protected_name, prot) != 0 &&
		     (!reg || strcmp(r.protected_name, reg) != 0))) {
			print_error("%s: %s %d ~%s prot=%d allow=%d\n",
				    g->name[i], tg_verdict_name(r.verdict),
				    r.score, r.protected_name, r.is_protected,
				    r.allowlisted);
			fail();
		}
		/* each name once */
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(g->name[k], g->name[i]);
	}
}

static void test_army_mil(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	struct tg_got *g = tg_run(ix, "army.mil", TG_VERDICT_BLOCK, 0);
	tg_expect_has(g, "army.ml");
	tg_expect_has(g, "army.il");
	tg_expect_has(g, "armym.il");
	tg_expect_has(g, "army.mil.ml");
	tg_expect_has(g, "armymil.com");
	tg_expect_has(g, "army-mil.com");
	tg_expect_has(g, "arrny.ml");
	assert_false(tg_has(g, "army.mil"));
	assert_false(tg_has(g, "navy.mil"));
	/* typos inside .mil cannot be registered by outsiders: capped */
	assert_false(tg_has(g, "arny.mil"));
	tg_check_rescore(ix, g, TG_VERDICT_BLOCK, "army.mil", NULL);
	/* ordered by score, then name */
	for (size_t i = 1; i < g->n; i++)
		assert_true(g->score[i - 1] > g->score[i] ||
			    (g->score[i - 1] == g->score[i] &&
			     strcmp(g->name[i - 1], g->name[i]) < 0));
	/* the log set contains the block set */
	struct tg_got *gl = tg_run(ix, "army.mil.", TG_VERDICT_LOG, 0);
	assert_true(gl->n > g->n);
	for (size_t i = 0; i < g->n; i++)
		tg_expect_has(gl, g->name[i]);
	tg_check_rescore(ix, gl, TG_VERDICT_LOG, "army.mil", NULL);
	/* dot shifts only into TLDs that exist (l is none) */
	assert_false(tg_has(gl, "armymi.l"));
	/* case and trailing dot do not matter */
	struct tg_got *gu = tg_run(ix, "ARMY.Mil.", TG_VERDICT_BLOCK, 0);
	assert_int_equal(gu->n, g->n);
	tg_got_free(gu);
	tg_got_free(gl);
	tg_got_free(g);
	tg_index_free(ix);
}

static void test_every_class(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	struct tg_got *g = tg_run(ix, "gmail.com", TG_VERDICT_BLOCK, 0);
	const char *want[] = {"gmail.co",      "gmail.cm",	"gmailc.om",
			      "gmial.com",     "gmaill.com",	"gmai1.com",
			      "grnail.com",    "wwwgmail.com",	"gmailcom.com",
			      "gmail-com.com", "gmail.com.org", NULL};
	for (size_t i = 0; want[i]; i++)
		tg_expect_has(g, want[i]);
	tg_check_rescore(ix, g, TG_VERDICT_BLOCK, "gmail.com", NULL);
	tg_got_free(g);
	/* with a longer label every class of the model shows up */
	g = tg_run(ix, "microsoft.com", TG_VERDICT_LOG, 0);
	unsigned need = TG_C_TLD_SWAP | TG_C_DOT_SHIFT | TG_C_EMBEDDING |
			TG_C_MISSING_DOT | TG_C_HYPHEN_DOT | TG_C_ADDITION |
			TG_C_OMISSION | TG_C_INSERTION | TG_C_REPETITION |
			TG_C_REPLACEMENT | TG_C_TRANSPOSITION |
			TG_C_VOWEL_SWAP | TG_C_BITFLIP | TG_C_HOMOGLYPH |
			TG_C_HYPHENATION | TG_C_PREFIX;
	if ((g->classes & need) != need) {
		char cl[512];
		tg_classes_format(need & ~g->classes, ",", cl, sizeof(cl));
		print_error("classes never enumerated: %s\n", cl);
		fail();
	}
	tg_expect_has(g, "microsft.com");      /* omission */
	tg_expect_has(g, "mircosoft.com");     /* transposition */
	tg_expect_has(g, "rnicrosoft.com");    /* homoglyph rn/m */
	tg_expect_has(g, "micr0soft.com");     /* homoglyph 0/o */
	tg_expect_has(g, "mailmicrosoft.com"); /* prefix */
	tg_expect_has(g, "rnicr0soft.com");    /* mixed look-alikes */
	tg_expect_has(g, "m1cr0s0ft.com");
	tg_check_rescore(ix, g, TG_VERDICT_LOG, "microsoft.com", NULL);
	tg_got_free(g);
	tg_index_free(ix);
}

/* Independent brute force: every name one edit (insertion, deletion,
 * substitution over [a-z0-9-], adjacent swap) from \p label under .com
 * that the scorer blocks as a lookalike of \p prot must be enumerated. */
static void tg_recall_one_edit(const tg_index *ix, const char *label,
			       const char *prot, const struct tg_got *g)
{
	static const char abc[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
	size_t m = strlen(label), checked = 0, blocked = 0;
	char v[80], name[100];
	for (size_t op = 0; op < 4; op++) {
		for (size_t i = 0; i <= m; i++) {
			for (size_t c = 0; c < sizeof(abc) - 1; c++) {
				size_t vl = 0;
				if (op == 0) { /* insertion */
					memcpy(v, label, i);
					v[i] = abc[c];
					memcpy(v + i + 1, label + i, m - i);
					vl = m + 1;
				} else if (op == 1 && i < m && c == 0) {
					memcpy(v, label, i); /* deletion */
					memcpy(v + i, label + i + 1, m - i - 1);
					vl = m - 1;
				} else if (op == 2 && i < m) {
					memcpy(v, label, m); /* substitution */
					v[i] = abc[c];
					vl = m;
				} else if (op == 3 && i + 1 < m && c == 0) {
					memcpy(v, label, m); /* swap */
					v[i] = label[i + 1];
					v[i + 1] = label[i];
					vl = m;
				}
				if (!vl)
					continue;
				snprintf(name, sizeof(name), "%.*s.com",
					 (int)vl, v);
				tg_result r;
				if (tg_score_name(ix, name, &r) != TG_OK)
					continue;
				checked++;
				if (r.verdict != TG_VERDICT_BLOCK ||
				    r.is_protected || r.allowlisted ||
				    strcmp(r.protected_name, prot) != 0 ||
				    name[0] == '-' || v[vl - 1] == '-')
					continue;
				blocked++;
				tg_expect_has(g, name);
			}
		}
	}
	assert_true(checked > 100);
	assert_true(blocked > 10);
}

static void test_recall(void **state)
{
	(void)state;
	const char *prot[] = {"gmail.com", "microsoft.com", "google.com", NULL};
	tg_index *ix = tg_unit_index(prot, NULL, NULL);
	for (size_t k = 0; prot[k]; k++) {
		struct tg_got *g = tg_run(ix, prot[k], TG_VERDICT_BLOCK, 0);
		char label[64];
		snprintf(label, sizeof(label), "%.*s",
			 (int)(strchr(prot[k], '.') - prot[k]), prot[k]);
		tg_recall_one_edit(ix, label, prot[k], g);
		tg_got_free(g);
	}
	/* near-identical look-alikes in any mix */
	struct tg_got *g = tg_run(ix, "google.com", TG_VERDICT_BLOCK, 0);
	const char *mix[] = {"g00g1e.com", "go0g1e.com", "g00gie.com",
			     "g0og1e.co", NULL};
	for (size_t i = 0; mix[i]; i++)
		tg_expect_has(g, mix[i]);
	tg_got_free(g);
	tg_index_free(ix);
}

static void test_allowlist_and_protected(void **state)
{
	(void)state;
	/* army.ml protected itself, armymil.com and *.il allowlisted */
	const char *prot[] = {"army.mil", "army.ml", NULL};
	const char *allow[] = {"armymil.com", "il", NULL};
	tg_index *ix = tg_unit_index(prot, allow, NULL);
	struct tg_got *g = tg_run(ix, "army.mil", TG_VERDICT_LOG, 0);
	assert_false(tg_has(g, "army.ml"));
	assert_false(tg_has(g, "armymil.com"));
	assert_false(tg_has(g, "army.il"));
	assert_false(tg_has(g, "armym.il"));
	tg_expect_has(g, "army-mil.com");
	tg_expect_has(g, "army.mil.ml");
	tg_check_rescore(ix, g, TG_VERDICT_LOG, "army.mil", NULL);
	tg_got_free(g);
	tg_index_free(ix);
}

static void tg_join(const struct tg_got *g, char **out)
{
	size_t len = 1;
	for (size_t i = 0; i < g->n; i++)
		len += strlen(g->name[i]) + 8;
	char *s = calloc(1, len), *p = s;
	assert_non_null(s);
	for (size_t i = 0; i < g->n; i++)
		p += sprintf(p, "%s %d\n", g->name[i], g->score[i]);
	*out = s;
}

static void test_deterministic(void **state)
{
	(void)state;
	const char *names[] = {"army.mil", "gmail.com", "microsoft.com", NULL};
	/* two index builds: different hash seeds, same output */
	tg_index *a = tg_unit_index(tg_prot, NULL, NULL);
	tg_index *b = tg_unit_index(tg_prot, NULL, NULL);
	for (size_t i = 0; names[i]; i++) {
		for (int v = TG_VERDICT_LOG; v <= TG_VERDICT_BLOCK; v++) {
			struct tg_got *g1 = tg_run(a, names[i], v, 0);
			struct tg_got *g2 = tg_run(a, names[i], v, 0);
			struct tg_got *g3 = tg_run(b, names[i], v, 0);
			char *s1, *s2, *s3;
			tg_join(g1, &s1);
			tg_join(g2, &s2);
			tg_join(g3, &s3);
			assert_true(g1->n > 0);
			assert_string_equal(s1, s2);
			assert_string_equal(s1, s3);
			free(s1);
			free(s2);
			free(s3);
			tg_got_free(g1);
			tg_got_free(g2);
			tg_got_free(g3);
		}
	}
	tg_index_free(a);
	tg_index_free(b);
}

static void test_limit_and_stop(void **state)
{
	(void)state;
	tg_index *ix = tg_unit_index(tg_prot, NULL, NULL);
	struct tg_got *all = tg_run(ix, "gmail.com", TG_VERDICT_LOG, 0);
	assert_true(all->n > 10);
	for (size_t lim = 1; lim <= 10; lim += 3) {
		struct tg_got *g = tg_run(ix, "gmail.com", TG_VERDICT_LOG, lim);
		assert_int_equal(g->n, lim);
		/* a limit keeps the first (highest-scoring) names */
		for (size_t i = 0; i < lim; i++)
			assert_string_equal(g->name[i], all->name[i]);
		tg_got_free(g);
	}
	struct tg_got *big = tg_run(ix, "gmail.com", TG_VERDICT_LOG, 1000000);
	assert_int_equal(big->n, all->n);
	tg_got_free(big);
	/* the callback stops the enumeration */
	struct tg_got *g = tg_got_new();
	g->stop_after = 2;
	assert_int_equal(
	    tg_enumerate(ix, "gmail.com", TG_VERDICT_LOG, 0, tg_collect, g),
	    TG_OK);
	assert_int_equal(g->n, 2);
	tg_got_free(g);
	tg_got_free(all);
	tg_index_free(ix);
}

static void test_entries_and_errors(void **state)
{
	(void)state;
	const char *prot[] = {"www.army.mil", "mil", "gmail.com",
			      "xn--bcher-kva.de", NULL};
	const char *pairs[] = {"mil", "mo", NULL};
	tg_index *ix = tg_unit_index(prot, NULL, pairs);
	/* an entry below its registrable domain: lookalikes of army.mil */
	struct tg_got *g = tg_run(ix, "www.army.mil", TG_VERDICT_BLOCK, 0);
	tg_expect_has(g, "army.ml");
	tg_expect_has(g, "army.mo"); /* operator tld-pair */
	tg_check_rescore(ix, g, TG_VERDICT_BLOCK, "www.army.mil", "army.mil");
	tg_got_free(g);
	/* an IDN label: embeddings, no edits of its Punycode */
	g = tg_run(ix, "xn--bcher-kva.de", TG_VERDICT_LOG, 0);
	tg_expect_has(g, "xn--bcher-kva.de.net"); /* de.com is a suffix */
	for (size_t i = 0; i < g->n; i++)
		assert_non_null(strstr(g->name[i], "xn--bcher-kva."));
	tg_got_free(g);
	/* a protected TLD has no lookalikes of its own */
	g = tg_run(ix, "mil", TG_VERDICT_LOG, 0);
	assert_int_equal(g->n, 0);
	tg_got_free(g);
	/* a name that is not protected: nothing imitates it */
	g = tg_run(ix, "example.org", TG_VERDICT_LOG, 0);
	assert_int_equal(g->n, 0);
	tg_got_free(g);
	g = tg_got_new();
	assert_int_equal(
	    tg_enumerate(ix, "bad..name", TG_VERDICT_LOG, 0, tg_collect, g),
	    TG_ENAME);
	assert_int_equal(tg_enumerate(ix, "", TG_VERDICT_LOG, 0, tg_collect, g),
			 TG_ENAME);
	assert_int_equal(
	    tg_enumerate(NULL, "army.mil", TG_VERDICT_LOG, 0, tg_collect, g),
	    TG_EINVAL);
	assert_int_equal(
	    tg_enumerate(ix, NULL, TG_VERDICT_LOG, 0, tg_collect, g),
	    TG_EINVAL);
	assert_int_equal(
	    tg_enumerate(ix, "army.mil", TG_VERDICT_LOG, 0, NULL, g),
	    TG_EINVAL);
	assert_int_equal(g->n, 0);
	tg_got_free(g);
	tg_index_free(ix);
}

static void test_caps(void **state)
{
	(void)state;
	/* a 63-character label: thousands of candidates (no additions or
	 * insertions: they would exceed 63), bounded */
	char label[64], name[80];
	for (int i = 0; i < 63; i++)
		label[i] = (char)('a' + (i * 7) % 26);
	label[63] = 0;
	snprintf(name, sizeof(name), "%s.com", label);
	const char *prot[] = {name, NULL};
	tg_index *ix = tg_unit_index(prot, NULL, NULL);
	struct tg_got *g = tg_run(ix, name, TG_VERDICT_LOG, 0);
	assert_true(g->n > 500);
	assert_true(g->n <= 16384);
	tg_check_rescore(ix, g, TG_VERDICT_LOG, name, NULL);
	tg_got_free(g);
	tg_index_free(ix);
}

/* ------------------------------------------------------ tg_list_foreach */

struct tg_seen {
	char names[8][TG_NAME_BUF];
	char src[8][64];
	unsigned long line[8];
	size_t n;
	size_t stop_at;
};

static int tg_see(const char *name, const char *source, unsigned long line,
		  void *arg)
{
	struct tg_seen *s = arg;
	assert_true(s->n < 8);
	snprintf(s->names[s->n], TG_NAME_BUF, "%s", name);
	snprintf(s->src[s->n], 64, "%s", source);
	s->line[s->n] = line;
	s->n++;
	return s->stop_at && s->n >= s->stop_at ? 42 : 0;
}

static void test_list_foreach(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_non_null(l);
	const char *path = tg_unit_write("p.list", "# comment\nArmy.MIL.\n"
						   "gmail.com\narmy.mil\n"
						   "\n*.navy.mil\n");
	assert_non_null(path);
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, path, &err),
			 TG_OK);
	assert_int_equal(
	    tg_list_add(l, TG_LIST_ALLOW, "mail.army.mil", "api-src", 7, &err),
	    TG_OK);
	struct tg_seen s;
	memset(&s, 0, sizeof(s));
	assert_int_equal(tg_list_foreach(l, TG_LIST_PROTECTED, tg_see, &s),
			 TG_OK);
	assert_int_equal(s.n, 3); /* duplicates merged, list order */
	assert_string_equal(s.names[0], "army.mil");
	assert_string_equal(s.names[1], "gmail.com");
	assert_string_equal(s.names[2], "navy.mil");
	assert_string_equal(s.src[0], path);
	assert_int_equal(s.line[0], 2);
	assert_int_equal(s.line[2], 6);
	memset(&s, 0, sizeof(s));
	assert_int_equal(tg_list_foreach(l, TG_LIST_ALLOW, tg_see, &s), TG_OK);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.names[0], "mail.army.mil");
	assert_string_equal(s.src[0], "api-src");
	assert_int_equal(s.line[0], 7);
	/* a non-zero return stops and is passed back */
	memset(&s, 0, sizeof(s));
	s.stop_at = 2;
	assert_int_equal(tg_list_foreach(l, TG_LIST_PROTECTED, tg_see, &s), 42);
	assert_int_equal(s.n, 2);
	assert_int_equal(tg_list_foreach(NULL, TG_LIST_PROTECTED, tg_see, &s),
			 TG_EINVAL);
	assert_int_equal(tg_list_foreach(l, (tg_list_kind)7, tg_see, &s),
			 TG_EINVAL);
	assert_int_equal(tg_list_foreach(l, TG_LIST_ALLOW, NULL, &s),
			 TG_EINVAL);
	tg_list_free(l);
	/* an empty list: no calls */
	l = tg_list_create();
	memset(&s, 0, sizeof(s));
	assert_int_equal(tg_list_foreach(l, TG_LIST_PROTECTED, tg_see, &s),
			 TG_OK);
	assert_int_equal(s.n, 0);
	tg_list_free(l);
}

/*
 * The rule table is the one model of index, scorer and enumerator: for
 * every look-alike pair of it, a protected label holding one side yields
 * the label with the other side in the enumeration, scored by the scorer
 * as a homoglyph (single-character pairs, which are no fold-only ones)
 * and only what the scorer accepts is emitted (tg_check_rescore); the
 * keyword list is sorted and found; keyboard neighbours are symmetric.
 */
static void test_rule_table(void **state)
{
	(void)state;
	for (size_t p = 0; p < tg_rule_nglyphs; p++) {
		const struct tg_rule_glyph *gp = &tg_rule_glyphs[p];
		for (int dir = 0; dir < 2; dir++) {
			const char *from = dir ? gp->to : gp->from;
			const char *to = dir ? gp->from : gp->to;
			char prot[64], look[64];
			snprintf(prot, sizeof(prot), "watch%stower.com", from);
			snprintf(look, sizeof(look), "watch%stower.com", to);
			const char *const list[] = {prot, NULL};
			tg_index *ix = tg_unit_index(list, NULL, NULL);
			struct tg_got *g = tg_run(ix, prot, TG_VERDICT_LOG, 0);
			tg_check_rescore(ix, g, TG_VERDICT_LOG, prot, NULL);
			tg_result r;
			assert_int_equal(tg_score_name(ix, look, &r), TG_OK);
			if (r.verdict >= TG_VERDICT_LOG)
				tg_expect_has(g, look);
			if (!from[1] && !to[1] && !(gp->use & TG_G_NOPAIR) &&
			    !(r.classes & TG_C_HOMOGLYPH)) {
				print_error("%s for %s: no homoglyph\n", look,
					    prot);
				fail();
			}
			tg_got_free(g);
			tg_index_free(ix);
		}
	}
	for (size_t i = 0; i < tg_rule_nkeywords; i++) {
		const char *k = tg_rule_keywords[i];
		assert_true(tg_rule_keyword(k, strlen(k)));
		if (i > 0)
			assert_true(strcmp(tg_rule_keywords[i - 1], k) < 0);
	}
	assert_false(tg_rule_keyword("armyx", 5));
	for (char a = 'a'; a <= 'z'; a++)
		for (char b = '0'; b <= 'z'; b++)
			assert_int_equal(tg_rule_kbd(a, b), tg_rule_kbd(b, a));
	assert_true(tg_rule_kbd('z', 'a') & TG_KBD_QWERTY);
	assert_true(tg_rule_kbd('z', 'u') & TG_KBD_QWERTZ);
	assert_true(tg_rule_kbd('a', 'z') & TG_KBD_AZERTY);
	assert_int_equal(tg_rule_kbd('a', 'p'), 0);
}

int main(void)
{
	tg_unit_need_psl();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_army_mil),
	    cmocka_unit_test(test_every_class),
	    cmocka_unit_test(test_recall),
	    cmocka_unit_test(test_allowlist_and_protected),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_limit_and_stop),
	    cmocka_unit_test(test_entries_and_errors),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_list_foreach),
	    cmocka_unit_test(test_rule_table),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
