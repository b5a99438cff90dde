/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * tg_enumerate: the lookalikes of one protected name, generated from the
 * scorer's own model and confirmed by the scorer itself.
 *
 * The scorer answers "does this name imitate a protected one?"; export
 * (RPZ, local-zone) and audit need the inverse, "which names imitate this
 * one?".  Rather than a second model that could drift from the first,
 * this unit generates a superset of candidates, one generator per class
 * the scorer knows, and lets tg_score_name() decide: a candidate is kept
 * when its verdict reaches the caller's minimum, its best match is the
 * protected name (or the registrable domain the entry sits under: the
 * scorer reports lookalikes of www.army.mil against army.mil), and it is
 * neither protected nor allowlisted.  Whatever the scorer would block, and
 * the generators reach, is emitted; nothing the scorer would pass is.
 *
 * For a protected name L.P (registrable label L, public suffix P, TLD T,
 * first suffix label S) the generators are:
 *
 *   tld-swap       L.P' where P' swaps T for each confusable of T in the
 *                  index's pair table (curated + operator tld-pairs), and
 *                  L.P minus its first label when P has two or more;
 *   dot-shift      L+T[0..j).T[j..] for j = 1, 2 (armym.il, gmailc.om),
 *                  only where T[j..] is a TLD of the Public Suffix List;
 *   embedding      L.P.X for X in the "near" TLD set (below);
 *   missing-dot    L+S.X (armymil.com), and P's own rest for P = co.uk;
 *   hyphen-dot     L-S.X (army-mil.com);
 *   prefix         www/ww/mail/... + L under P, and for an entry below the
 *                  registrable domain its own left label glued on
 *                  (wwwarmy.mil for www.army.mil);
 *   typos          every name one edit from L under P: insertion,
 *                  deletion and substitution of any [a-z0-9-] character
 *                  and adjacent swaps (the Damerau-Levenshtein-1
 *                  neighbourhood), which holds addition, omission,
 *                  insertion, repetition, replacement, transposition,
 *                  vowel swap, bit flip and hyphenation alike;
 *   homoglyphs     ASCII look-alikes of L (0/o, 1/l, rn/m, vv/w, cl/d and
 *                  the scorer's weaker pairs), one or all occurrences,
 *                  and mixes of the near-identical ones (g00g1e), under
 *                  P and under the strong confusables of T.
 *
 * The near TLD set is com, net, org, T itself, the confusables of T and
 * the confusables of com.  Embedding under arbitrary registered domains
 * (army.mil.example.com) is unbounded and therefore not enumerated.
 * Typos are generated under P only: the scorer blocks edits under the
 * protected suffix (and, for a brand label of 10 or more characters, a
 * slip under any suffix); its other-suffix, two-edit and combo classes
 * range over every suffix and word, so they are not enumerated
 * (homoglyphs are the exception and are generated under the
 * confusables).
 * Labels that are IDN A-labels or hold escaped bytes get the tld-swap and
 * embedding generators only: edits of Punycode are not typos.  Unicode
 * homoglyphs (IDN, Cyrillic) are not enumerated: their space is
 * unbounded; the module catches them at query time.
 *
 * Candidates are collected in one string buffer, sorted and deduplicated,
 * scored, and emitted in order of score (highest first), then name, so
 * the output is deterministic and a limit keeps the most dangerous ones.
 * Caps: TG_ENUM_MAX_CANDS candidates and TG_ENUM_MAX_BYTES of names per
 * protected name (a 63-character label needs about 5,000); generation
 * stops at a cap, always at the same point.  The cost is dominated by
 * scoring, about one microsecond per candidate: under a millisecond for
 * a typical protected name, a few for the longest labels.
 */
#include "tg_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_internal.h"
#include "name_internal.h"
#include "psl_internal.h"
#include "rules_internal.h"

/** Caps per protected name: candidates generated and bytes of names. */
#define TG_ENUM_MAX_CANDS 16384
#define TG_ENUM_MAX_BYTES (1u << 20)
/** Most suffixes in one generator's suffix set. */
#define TG_ENUM_MAX_SUFS 48

/** Cap on mixed look-alike variants of one label (per suffix). */
#define TG_ENUM_MAX_MIXED 256

/* The hostname alphabet every one-character edit draws from. */
static const char enum_ldh[] = "abcdefghijklmnopqrstuvwxyz0123456789-";

/** Generation state for one protected name. */
struct tg_enum {
	const tg_index *ix;
	char *buf; /**< all candidate names, NUL-separated, owned */
	size_t len, cap;
	uint32_t *off; /**< offset of each candidate in buf, owned */
	size_t n, ncap;
	int full;  /**< a cap was reached: later candidates are dropped */
	int oom;   /**< an allocation failed */
	int plain; /**< the protected name is a plain LDH name */
};

/* ------------------------------------------------------------ storage */

/* Is \p s a name we may emit: labels of 1..63 bytes of [a-z0-9_-] with
 * no hyphen at either end, at most 253 bytes in all?  Names with escapes
 * (non-plain protected names) are only checked by the parser. */
static int enum_valid(const struct tg_enum *e, const char *s, size_t len)
{
	if (len == 0 || len > 253)
		return 0;
	if (!e->plain) {
		tg_name nm;
		return tg_name_from_text(&nm, s, len, NULL, 0) == TG_OK &&
		       nm.n > 0;
	}
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.') {
			char ch = s[i];
			if (!((ch >= 'a' && ch <= 'z') ||
			      (ch >= '0' && ch <= '9') || ch == '-' ||
			      ch == '_'))
				return 0;
			continue;
		}
		size_t l = i - start;
		if (l == 0 || l > 63 || s[start] == '-' || s[i - 1] == '-')
			return 0;
		start = i + 1;
	}
	return 1;
}

/* Add the candidate "fmt..." unless a cap is reached or it is invalid. */
static void enum_add(struct tg_enum *e, const char *fmt, ...) TG_PRINTF(2, 3);

static void enum_add(struct tg_enum *e, const char *fmt, ...)
{
	char tmp[TG_NAME_BUF * 4 + 8];
	va_list ap;
	if (e->full || e->oom)
		return;
	va_start(ap, fmt);
	int k = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (k <= 0 || (size_t)k >= sizeof(tmp) ||
	    !enum_valid(e, tmp, (size_t)k))
		return;
	size_t need = (size_t)k + 1;
	if (e->n >= TG_ENUM_MAX_CANDS || e->len + need > TG_ENUM_MAX_BYTES) {
		e->full = 1;
		return;
	}
	if (e->len + need > e->cap) {
		size_t nc = e->cap ? e->cap * 2 : 16384;
		while (nc < e->len + need)
			nc *= 2;
		if (nc > TG_ENUM_MAX_BYTES)
			nc = TG_ENUM_MAX_BYTES;
		char *nb = realloc(e->buf, nc);
		if (!nb) {
			e->oom = 1;
			return;
		}
		e->buf = nb;
		e->cap = nc;
	}
	if (e->n == e->ncap) {
		size_t nc = e->ncap ? e->ncap * 2 : 512;
		if (nc > TG_ENUM_MAX_CANDS)
			nc = TG_ENUM_MAX_CANDS;
		uint32_t *noff = realloc(e->off, nc * sizeof(*noff));
		if (!noff) {
			e->oom = 1;
			return;
		}
		e->off = noff;
		e->ncap = nc;
	}
	memcpy(e->buf + e->len, tmp, need);
	e->off[e->n] = (uint32_t)e->len;
	e->n++;
	e->len += need;
}

/* ------------------------------------------------------------ suffixes */

/** A set of suffixes (presentation text, no trailing dot). */
struct tg_sufset {
	char s[TG_ENUM_MAX_SUFS][TG_NAME_BUF];
	size_t n;
};

static void sufset_add(struct tg_sufset *set, const char *s, size_t len)
{
	if (len == 0 || len >= TG_NAME_BUF || set->n >= TG_ENUM_MAX_SUFS)
		return;
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->s[i]) == len && !memcmp(set->s[i], s, len))
			return;
	memcpy(set->s[set->n], s, len);
	set->s[set->n][len] = 0;
	set->n++;
}

/* Is \p t (\p len bytes) a rule of the Public Suffix List on its own (a
 * TLD that exists)?  Reads the index's suffix table the way psl.c does. */
static int enum_is_tld(const tg_index *ix, const char *t, size_t len)
{
	const tg_psl *psl = &ix->psl;
	if (!psl->keys || len == 0)
		return 0;
	uint64_t h = tg_tld_hash(ix, (const uint8_t *)t, len) | 1;
	size_t s = (size_t)h & psl->mask;
	while (psl->keys[s]) {
		if (psl->keys[s] == h)
			return (psl->flags[s] & TG_PSL_RULE) != 0;
		s = (s + 1) & psl->mask;
	}
	return 0;
}

/* The confusables of TLD \p tld in the index's pair table; \p strong_only:
 * only block-worthy pairs. */
static void enum_confusables(const tg_index *ix, const char *tld,
			     int strong_only, struct tg_sufset *out)
{
	size_t tl = strlen(tld);
	for (size_t i = 0; i < ix->npairs; i++) {
		const struct tg_index_pair *p = &ix->pairs[i];
		if (p->plen != tl || memcmp(p->prot, tld, tl) != 0)
			continue;
		if (strong_only && !p->strong)
			continue;
		sufset_add(out, p->conf, p->clen);
	}
}

/* ------------------------------------------------------------- labels */

/** Add label \p v (\p vl bytes) under every suffix of \p sufs. */
static void enum_label(struct tg_enum *e, const char *v, size_t vl,
		       const struct tg_sufset *sufs)
{
	if (vl == 0 || vl > 63)
		return;
	for (size_t i = 0; i < sufs->n; i++)
		enum_add(e, "%.*s.%s", (int)vl, v, sufs->s[i]);
}

/*
 * Every name one edit away from \p L (\p m bytes) under \p sufs: the
 * Damerau-Levenshtein-1 neighbourhood over [a-z0-9-], that is each
 * deletion, each insertion and each substitution of any hostname
 * character, and each swap of two adjacent characters.  It contains every
 * one-edit class the scorer knows (addition, omission, insertion,
 * repetition, replacement, transposition, vowel swap, bit flip,
 * hyphenation) whether or not the keys are neighbours, so no copy of the
 * scorer's keyboard table is needed here and none can drift: the scorer
 * alone says which of them matter.  About 75 names per character.
 */
static void enum_edits(struct tg_enum *e, const char *L, size_t m,
		       const struct tg_sufset *sufs)
{
	char v[72];
	if (m == 0 || m > 63)
		return;
	for (size_t i = 0; i <= m; i++) {
		/* insertion before position i (addition when i == m) */
		for (const char *a = enum_ldh; *a; a++) {
			memcpy(v, L, i);
			v[i] = *a;
			memcpy(v + i + 1, L + i, m - i);
			enum_label(e, v, m + 1, sufs);
		}
		if (i == m)
			break;
		/* omission */
		memcpy(v, L, i);
		memcpy(v + i, L + i + 1, m - i - 1);
		enum_label(e, v, m - 1, sufs);
		/* replacement */
		for (const char *a = enum_ldh; *a; a++) {
			if (*a == L[i])
				continue;
			memcpy(v, L, m);
			v[i] = *a;
			enum_label(e, v, m, sufs);
		}
		/* transposition */
		if (i + 1 < m && L[i] != L[i + 1]) {
			memcpy(v, L, m);
			v[i] = L[i + 1];
			v[i + 1] = L[i];
			enum_label(e, v, m, sufs);
		}
	}
}

/* Replace \p from by \p to in \p L at the occurrence at \p at, or at
 * every occurrence when \p at is (size_t)-1; into \p v.  Returns the new
 * length, 0 if nothing was replaced or it would not fit. */
static size_t enum_subst(const char *L, size_t m, const char *from,
			 const char *to, size_t at, char *v, size_t cap)
{
	size_t fl = strlen(from), tl = strlen(to), o = 0, hits = 0;
	for (size_t i = 0; i < m;) {
		if (i + fl <= m && memcmp(L + i, from, fl) == 0 &&
		    (at == (size_t)-1 || at == i)) {
			if (o + tl > cap)
				return 0;
			memcpy(v + o, to, tl);
			o += tl;
			i += fl;
			hits++;
			continue;
		}
		if (o + 1 > cap)
			return 0;
		v[o++] = L[i++];
	}
	return hits ? o : 0;
}

/* ASCII look-alikes of \p L: each pair in both directions, at one
 * occurrence or at all of them. */
static void enum_homoglyphs(struct tg_enum *e, const char *L, size_t m,
			    const struct tg_sufset *sufs)
{
	char v[128];
	for (size_t p = 0; p < tg_rule_nglyphs; p++) {
		for (int dir = 0; dir < 2; dir++) {
			const struct tg_rule_glyph *g = &tg_rule_glyphs[p];
			const char *from = dir ? g->to : g->from;
			const char *to = dir ? g->from : g->to;
			size_t fl = strlen(from);
			for (size_t i = 0; i + fl <= m; i++) {
				if (memcmp(L + i, from, fl) != 0)
					continue;
				size_t vl =
				    enum_subst(L, m, from, to, i, v, sizeof(v));
				enum_label(e, v, vl, sufs);
			}
			size_t vl = enum_subst(L, m, from, to, (size_t)-1, v,
					       sizeof(v));
			enum_label(e, v, vl, sufs);
		}
	}
}

/** State of the mixed look-alike walk. */
struct tg_enum_mix {
	struct tg_enum *e;
	const struct tg_sufset *sufs;
	const char *L;
	size_t m;
	char v[TG_FOLD_MAX];
	size_t emitted;
};

/* Rewrite L[pos..] into v[vl..] with exactly \p left strong look-alike
 * substitutions at distinct places; emit each complete variant. */
static void enum_mix_walk(struct tg_enum_mix *x, size_t pos, size_t vl,
			  unsigned left)
{
	if (x->emitted >= TG_ENUM_MAX_MIXED || vl > 63)
		return;
	if (pos == x->m) {
		if (left == 0) {
			enum_label(x->e, x->v, vl, x->sufs);
			x->emitted++;
		}
		return;
	}
	if (x->m - pos >= left) { /* enough characters left to keep this one */
		x->v[vl] = x->L[pos];
		enum_mix_walk(x, pos + 1, vl + 1, left);
	}
	if (left == 0)
		return;
	for (size_t p = 0; p < tg_rule_nglyphs; p++) {
		const struct tg_rule_glyph *g = &tg_rule_glyphs[p];
		if (!(g->use & TG_G_STRONG))
			continue;
		for (int dir = 0; dir < 2; dir++) {
			const char *from = dir ? g->to : g->from;
			const char *to = dir ? g->from : g->to;
			size_t fl = strlen(from), tl = strlen(to);
			if (pos + fl > x->m ||
			    memcmp(x->L + pos, from, fl) != 0)
				continue;
			memcpy(x->v + vl, to, tl);
			enum_mix_walk(x, pos + fl, vl + tl, left - 1);
		}
	}
}

/*
 * Mixed near-identical look-alikes, any number of them: g00g1e for google,
 * rnicr0soft for microsoft.  Their number grows as a product over the
 * label, so they are generated by number of substitutions, one, two,
 * three ..., until TG_ENUM_MAX_MIXED variants: the cap cuts the least
 * plausible (most altered) ones, always the same ones.
 */
static void enum_mixed_glyphs(struct tg_enum *e, const char *L, size_t m,
			      const struct tg_sufset *sufs)
{
	struct tg_enum_mix x;
	if (m == 0 || m > 63)
		return;
	x.e = e;
	x.sufs = sufs;
	x.L = L;
	x.m = m;
	x.emitted = 0;
	for (unsigned k = 2; k <= m && x.emitted < TG_ENUM_MAX_MIXED; k++) {
		size_t before = x.emitted;
		enum_mix_walk(&x, 0, 0, k);
		if (x.emitted == before)
			break; /* no variant with k substitutions: none with
				  more */
	}
}

/* ---------------------------------------------------------- generation */

/** The parts of a protected name the generators work on. */
struct tg_enum_parts {
	char full[TG_NAME_BUF * 4]; /**< the entry, normalised */
	char reg[TG_NAME_BUF * 4];  /**< its registrable domain L.P */
	char L[TG_NAME_BUF];	    /**< registrable label */
	char P[TG_NAME_BUF * 4];    /**< public suffix */
	char T[TG_NAME_BUF];	    /**< TLD */
	char S[TG_NAME_BUF];	    /**< first label of P */
	char sub[TG_NAME_BUF];	    /**< label left of L, "" if none */
	unsigned ps;		    /**< labels in P */
	int editable;		    /**< L is plain LDH, not an A-label */
};

/* Split the protected name with the index's Public Suffix List.  Returns
 * 0, or -1 when the name is a public suffix itself (a protected TLD:
 * its lookalikes are those of the labels listed under it). */
static int enum_split(const tg_index *ix, const tg_name *nm,
		      struct tg_enum_parts *pt)
{
	uint64_t sh[TG_MAX_LABELS + 1];
	tg_suffix_hashes(ix, nm, sh);
	unsigned ps = tg_psl_suffix_labels(&ix->psl, sh, nm->n);
	if (ps == 0 || ps >= nm->n)
		return -1;
	unsigned r = nm->n - 1 - ps;
	pt->ps = ps;
	tg_name_to_text(nm, 0, pt->full, sizeof(pt->full));
	tg_name_to_text(nm, r, pt->reg, sizeof(pt->reg));
	tg_name_to_text(nm, r + 1, pt->P, sizeof(pt->P));
	/* L as text (escaped if need be): reg is "L.P" */
	size_t rl = strlen(pt->reg), sl = strlen(pt->P);
	if (rl <= sl + 1 || rl - sl - 1 >= sizeof(pt->L))
		return -1;
	memcpy(pt->L, pt->reg, rl - sl - 1);
	pt->L[rl - sl - 1] = 0;
	tg_name_to_text(nm, nm->n - 1, pt->T, sizeof(pt->T));
	/* S and sub are used for plain names only, where bytes are text */
	size_t l;
	const uint8_t *lab = tg_name_label(nm, r + 1, &l);
	memcpy(pt->S, lab, l);
	pt->S[l] = 0;
	pt->sub[0] = 0;
	if (r > 0) {
		lab = tg_name_label(nm, r - 1, &l);
		memcpy(pt->sub, lab, l);
		pt->sub[l] = 0;
	}
	pt->editable = nm->plain && strncmp(pt->L, "xn--", 4) != 0;
	return 0;
}

/* P with its TLD replaced by \p conf, into \p out. */
static void enum_swap_tld(const struct tg_enum_parts *pt, const char *conf,
			  char *out, size_t cap)
{
	size_t pl = strlen(pt->P), tl = strlen(pt->T);
	snprintf(out, cap, "%.*s%s", (int)(pl - tl), pt->P, conf);
}

static void enum_generate(struct tg_enum *e, const struct tg_enum_parts *pt)
{
	const tg_index *ix = e->ix;
	struct tg_sufset conf, strong, near, same, glyph;
	char buf[TG_NAME_BUF * 4];
	memset(&conf, 0, sizeof(conf));
	memset(&strong, 0, sizeof(strong));
	memset(&near, 0, sizeof(near));
	memset(&same, 0, sizeof(same));
	memset(&glyph, 0, sizeof(glyph));
	enum_confusables(ix, pt->T, 0, &conf);
	enum_confusables(ix, pt->T, 1, &strong);
	sufset_add(&same, pt->P, strlen(pt->P));

	/* tld-swap: the same label under each confusable of the TLD */
	for (size_t i = 0; i < conf.n; i++) {
		enum_swap_tld(pt, conf.s[i], buf, sizeof(buf));
		enum_add(e, "%s.%s", pt->L, buf);
	}
	/* ... and under P minus its first label (army.co.uk -> army.uk) */
	if (pt->ps >= 2)
		enum_add(e, "%s.%s", pt->L, pt->P + strlen(pt->S) + 1);

	/* dot-shift: armym.il, gmailc.om; only into TLDs that exist */
	size_t tl = strlen(pt->T);
	if (pt->ps == 1 && pt->editable) {
		for (size_t j = 1; j <= 2 && j < tl; j++)
			if (enum_is_tld(ix, pt->T + j, tl - j))
				enum_add(e, "%s%.*s.%s", pt->L, (int)j, pt->T,
					 pt->T + j);
	}

	/* the near TLD set: com net org, T, the confusables of T and of com */
	static const char *const common[] = {"com", "net", "org"};
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
		sufset_add(&near, common[i], strlen(common[i]));
	sufset_add(&near, pt->T, tl);
	for (size_t i = 0; i < conf.n; i++)
		sufset_add(&near, conf.s[i], strlen(conf.s[i]));
	enum_confusables(ix, "com", 0, &near);

	/* embedding: army.mil.ml (only under the near set: bounded) */
	for (size_t i = 0; i < near.n; i++)
		enum_add(e, "%s.%s", pt->reg, near.s[i]);

	if (pt->editable) {
		/* missing dot and hyphen for dot: armymil.com, army-mil.com */
		const char *rest =
		    pt->ps >= 2 ? pt->P + strlen(pt->S) + 1 : NULL;
		for (size_t i = 0; i < near.n; i++) {
			enum_add(e, "%s%s.%s", pt->L, pt->S, near.s[i]);
			enum_add(e, "%s-%s.%s", pt->L, pt->S, near.s[i]);
		}
		if (rest) {
			enum_add(e, "%s%s.%s", pt->L, pt->S, rest);
			enum_add(e, "%s-%s.%s", pt->L, pt->S, rest);
		}
		/* prefixes: wwwarmy.mil, mailgmail.com; the entry's own */
		for (size_t i = 0; i < tg_rule_nprefixes; i++)
			enum_add(e, "%s%s.%s", tg_rule_prefixes[i].p, pt->L,
				 pt->P);
		if (pt->sub[0]) {
			enum_add(e, "%s%s.%s", pt->sub, pt->L, pt->P);
			enum_add(e, "%s-%s.%s", pt->sub, pt->L, pt->P);
		}
		/* one-edit typos under P */
		enum_edits(e, pt->L, strlen(pt->L), &same);
		/* homoglyphs under P and the strong confusables of T */
		sufset_add(&glyph, pt->P, strlen(pt->P));
		for (size_t i = 0; i < strong.n; i++) {
			enum_swap_tld(pt, strong.s[i], buf, sizeof(buf));
			sufset_add(&glyph, buf, strlen(buf));
		}
		enum_homoglyphs(e, pt->L, strlen(pt->L), &glyph);
		enum_mixed_glyphs(e, pt->L, strlen(pt->L), &glyph);
	}
}

/* ------------------------------------------------------------- output */

/* Sort keys: qsort has no context argument, so each key carries its
 * string pointer (no global state: threads may enumerate concurrently). */
struct tg_enum_key {
	const char *s;
	int score;
};

static int enum_key_name(const void *a, const void *b)
{
	const struct tg_enum_key *x = a, *y = b;
	return strcmp(x->s, y->s);
}

static int enum_key_score(const void *a, const void *b)
{
	const struct tg_enum_key *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->s, y->s);
}

int tg_enumerate(const tg_index *index, const char *protected_name,
		 tg_verdict min_verdict, size_t limit, tg_enum_fn fn, void *arg)
{
	if (!index || !protected_name || !fn)
		return TG_EINVAL;
	tg_name nm;
	size_t plen = strnlen(protected_name, TG_MAX_TEXT + 1);
	if (plen > TG_MAX_TEXT ||
	    tg_name_from_text(&nm, protected_name, plen, NULL, 0) != TG_OK ||
	    nm.n == 0)
		return TG_ENAME;
	struct tg_enum_parts *pt = calloc(1, sizeof(*pt));
	if (!pt)
		return TG_ENOMEM;
	if (enum_split(index, &nm, pt) != 0) {
		free(pt);
		return TG_OK; /* a public suffix: nothing of its own */
	}
	struct tg_enum e;
	memset(&e, 0, sizeof(e));
	e.ix = index;
	e.plain = nm.plain;
	enum_generate(&e, pt);
	int rc = TG_OK;
	struct tg_enum_key *k = NULL;
	if (e.oom) {
		rc = TG_ENOMEM;
		goto out;
	}
	k = malloc((e.n ? e.n : 1) * sizeof(*k));
	if (!k) {
		rc = TG_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < e.n; i++) {
		k[i].s = e.buf + e.off[i];
		k[i].score = 0;
	}
	qsort(k, e.n, sizeof(*k), enum_key_name);
	/* deduplicate and score; keep what the scorer confirms */
	size_t kept = 0;
	const char *prev = NULL;
	tg_result res;
	for (size_t i = 0; i < e.n; i++) {
		if (prev && strcmp(k[i].s, prev) == 0)
			continue;
		prev = k[i].s;
		if (tg_score_name(index, k[i].s, &res) != TG_OK)
			continue;
		if (res.is_protected || res.allowlisted || res.score <= 0 ||
		    res.verdict < min_verdict)
			continue;
		if (strcmp(res.protected_name, pt->full) != 0 &&
		    strcmp(res.protected_name, pt->reg) != 0)
			continue;
		k[kept] = k[i];
		k[kept].score = res.score;
		kept++;
	}
	qsort(k, kept, sizeof(*k), enum_key_score);
	for (size_t i = 0; i < kept && (limit == 0 || i < limit); i++) {
		if (tg_score_name(index, k[i].s, &res) != TG_OK)
			continue;
		if (fn(res.name, &res, arg) != 0)
			break;
	}
out:
	free(k);
	free(e.buf);
	free(e.off);
	free(pt);
	return rc;
}
