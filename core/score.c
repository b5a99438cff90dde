/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Scoring a name against the index: the lookalike model.
 *
 * A query is parsed (name.c), split at its public suffix (PSL walk), its
 * registrable label folded to an ASCII skeleton (fold.c) and checked
 * against the protected and allowlist subtrees (one probe per label).
 * Then a fixed set of probes runs against the key table, each for one
 * rule:
 *
 *   probe                          hits key     rule (class)
 *   skeleton                       EXACT        homoglyph / TLD swap
 *   skeleton                       DEL          omission
 *   skeleton                       CONCAT       missing dot (armymil.com)
 *   skeleton minus one char        EXACT, DEL   addition, insertion,
 *                                               repetition, hyphenation,
 *                                               replacement, transposition
 *   skeleton minus one '-'         CONCAT       hyphen for dot
 *   look-alike skeleton            GLYPH        ASCII homoglyphs
 *   label minus last 1-2 chars     EXACT        dot shift (armym.il)
 *   label minus www/mail/...       EXACT        missing dot / prefix
 *   each subdomain label           EXACT        target embedding
 *
 * A key whose kind the probe does not evaluate, or whose 8-bit suffix tag
 * cannot satisfy the rule (the query's own suffix or TLD, a curated partner
 * TLD, for an embedding one of the labels right of the embedded one), is
 * skipped before its target is read: at 100 k names most fingerprint
 * matches are the same label under other suffixes.
 * Every hit is verified and scored 0..100 (a base per class, adjusted for
 * label length, position and registry), candidates are merged per target
 * and the best one is reported with all classes that reached the log
 * threshold.  The model's false-positive rules: labels of four characters
 * or fewer match only through skeletons and TLD rules; a query whose TLD
 * is a restricted registry (.mil .gov .edu .int) scores at most
 * tg_rules.restricted_cap, because outsiders cannot register there; a query
 * label of four characters or fewer never blocks through an edit (mail.com
 * is one edit from gmail.com); a final 's' more or less (stripe/stripes)
 * and digit-only differences stay low; a glued TLD followed by an
 * implausible suffix (sfgov.org) or built on a one- or two-letter label
 * (flgov.com) is only logged.
 *
 * No state outside the caller's stack is written, except the caller's
 * tg_memo: scoring is thread-safe.
 */
#include "tg_config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "index_internal.h"
#include "name_internal.h"
#include "rules_internal.h"

/** Candidates kept per query. */
#define TG_MAX_CANDS 32

/** Namesakes of the query's label remembered per query (tg_ctx.same). */
#define TG_MAX_SAME 16

enum tg_probe_kind {
	TG_P_BASE,
	TG_P_DEL,
	TG_P_SHIFT,
	TG_P_PREFIX,
	TG_P_EMBED,
	TG_P_GLYPH,
	TG_P_COMBO /* a head, tail or token of the label (arg: which) */
};

/** TG_P_COMBO args: the probe is the label's head, tail, or the token
 *  starting at arg - TG_COMBO_TOKEN. */
enum {
	TG_COMBO_HEAD = 0,
	TG_COMBO_TAIL = 1,
	TG_COMBO_TOKEN = 2
};

struct tg_cand {
	uint32_t tid;
	int score;
	unsigned classes;
	unsigned held; /* TG_HELD_* bits of the best score */
};

/* A tg_cand.held bit beside TG_HELD_*: whether the namesake rule holds
 * the match too is still to be asked (label_protected()). */
#define TG_HELD_ASK_NAMESAKE (1u << 31)

/** Registrable domains a memo holds (a power of two), and the longest
 *  one (wire bytes, root included) it holds. */
#define TG_MEMO_SLOTS 512
#define TG_MEMO_WIRE  48

struct tg_memo_slot {
	uint64_t hash; /* suffix hash of the registrable domain */
	uint8_t len;   /* wire bytes; 0: empty */
	uint8_t wire[TG_MEMO_WIRE];
};

struct tg_memo {
	uint64_t serial; /* index the slots were filled for */
	struct tg_memo_slot s[TG_MEMO_SLOTS];
};

/** Per-query scratch state, on the caller's stack. */
struct tg_ctx {
	const tg_index *ix;
	const tg_name *nm;
	unsigned n, r, ps;  /* labels, registrable label, suffix labels */
	const uint8_t *suf; /* query public suffix, wire incl. root */
	size_t suf_len;
	char q[TG_FOLD_MAX]; /* skeleton of the registrable label */
	size_t m;
	unsigned qflags;	       /* TG_FOLD_* */
	uint64_t pre[TG_FOLD_MAX + 1]; /* prefix polynomial hashes of q */
	char qcanon[TG_FOLD_MAX];      /* look-alike skeleton of q */
	/* label_scan() of an ASCII label leaves only the look-alike
	 * skeleton's signature (TG_LT_SIG; sig, siglen): the skeleton
	 * itself is made only when the glyph filter lets its probes
	 * through */
	int canon_lazy;
	/* set by label_scan() for an ASCII label: positions d > 0 with
	 * q[d] == q[d - 1] (ndup) and whether q has a '-' (hyphen) */
	int scanned;
	size_t ndup;
	int hyphen;
	uint64_t sig;
	size_t siglen;
	uint64_t canon_hash; /* finished: the skeleton's polynomial hash */
	uint64_t tld_hash;   /* suffix hash of the TLD alone */
	uint8_t ttags[8];    /* TLD tags an EXACT/GLYPH hit may
				have: the query's TLD and its
				curated partners */
	size_t nttags;
	/* tg_suffix_tag() of each label alone: the TLD an embedded
	 * target can have is one of the labels right of the probe; made
	 * from the labels' byte hashes (lh) when a name has labels left of
	 * the registrable one (ltags_made) */
	uint8_t ltags[TG_MAX_LABELS];
	uint64_t lh[TG_MAX_LABELS];
	int ltags_made;
	size_t qcl;
	int restricted;
	/* the memo's slot for the registrable domain; hit: the label's
	 * probes are known to match nothing and were not queued */
	struct tg_memo_slot *memo_slot;
	int memo_hit;
	/* probes made, queued or not (the key filter drops most): at
	 * TG_MAX_PROBES the rest are not made */
	size_t nprobes;
	/* probe details for the evaluators */
	int two_ok; /* a DEL probe met a DEL key: two edits possible */
	/* targets whose skeleton eval_exact() found to be the query's own
	 * (its namesakes under other suffixes: at 100 k names a long label
	 * has several, and each of its deletions meets theirs), on which
	 * eval_edit() finds nothing: their DEL hits are not evaluated */
	uint32_t same[TG_MAX_SAME];
	size_t nsame;
	const char *var;
	size_t varlen, arg;
	int varscore;
	int label_prot; /* label_protected(): -1 not yet known */
	struct tg_cand c[TG_MAX_CANDS];
	size_t nc;
};

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

/* Named by brand-profile entries only: the brand limits on blocking
 * (TG_RULE_BRAND_BLOCK_MIN, embeddings) apply; a name also on a
 * typo-profile list keeps the typo profile's blocks.  (The brand rules
 * that raise a score, the long-label bonus and the slips under another
 * suffix, apply to every brand-profile name: a name on both lists gets
 * the rules of both.) */
static inline int brand_only(const struct tg_target *t)
{
	return (t->flags & (TG_T_BRAND | TG_T_TYPO)) == TG_T_BRAND;
}

/* \p s capped at \p cap by a TG_HELD_* rule \p bit, which is noted in
 * \p held when the cap is below block.  Whether the rule held a name
 * that would block is decided by the caller against the score without
 * any such cap (add_cand_held()). */
static inline int cap_held(const struct tg_ctx *c, int s, int cap, unsigned bit,
			   unsigned *held)
{
	if (cap < c->ix->block_threshold)
		*held |= bit;
	return s < cap ? s : cap;
}

/* Add or raise the candidate \p tid.  \p held: the TG_HELD_* rules that
 * capped \p score (cap_held()); \p raw: the score without them.  They
 * count only when the name would block without them, and then all of
 * them do (each alone keeps it below block). */
static void add_cand_held(struct tg_ctx *c, uint32_t tid, int score,
			  unsigned classes, unsigned held, int raw)
{
	if (score <= 0 || !classes)
		return;
	if (score > 100)
		score = 100;
	if (c->restricted) {
		/* the registry's own rules hold it, none of TG_HELD_* */
		if (score > tg_rules.restricted_cap)
			score = tg_rules.restricted_cap;
		held = 0;
		raw = score;
	}
	const int bt = c->ix->block_threshold;
	if (raw >= bt && bt > 0) {
		/* a brand list: only distinctive labels block (see
		 * TG_RULE_BRAND_BLOCK_MIN), and never a plain embedding */
		const struct tg_target *t = &c->ix->t[tid];
		if (brand_only(t) &&
		    !(classes & (TG_C_IDN_HOMOGLYPH | TG_C_CYRILLIC)) &&
		    (t->skel_len < TG_RULE_BRAND_BLOCK_MIN ||
		     classes == TG_C_EMBEDDING)) {
			if (score >= bt)
				score = bt - 1;
			held |= classes == TG_C_EMBEDDING
				    ? TG_HELD_BRAND_EMBEDDING
				    : TG_HELD_SHORT_BRAND;
		}
	} else {
		held = 0;
	}
	for (size_t i = 0; i < c->nc; i++) {
		struct tg_cand *k = &c->c[i];
		if (k->tid != tid)
			continue;
		if (score > k->score) {
			if (k->score < c->ix->log_threshold)
				k->classes = 0;
			k->score = score;
			k->classes |= classes;
			k->held = held;
		} else if (score >= c->ix->log_threshold || score == k->score) {
			k->classes |= classes;
			if (score == k->score)
				k->held |= held;
		}
		return;
	}
	struct tg_cand *w = NULL;
	if (c->nc < TG_MAX_CANDS) {
		w = &c->c[c->nc++];
	} else {
		/* full: replace the weakest */
		w = &c->c[0];
		for (size_t i = 1; i < c->nc; i++)
			if (c->c[i].score < w->score)
				w = &c->c[i];
		if (w->score >= score)
			return;
	}
	w->tid = tid;
	w->score = score;
	w->classes = classes;
	w->held = held;
}

static inline void add_cand(struct tg_ctx *c, uint32_t tid, int score,
			    unsigned classes)
{
	add_cand_held(c, tid, score, classes, 0, score);
}

/* ------------------------------------------------------------ suffixes */

enum suffix_rel {
	TG_S_NONE,
	TG_S_SAME,
	TG_S_PAIR_STRONG,
	TG_S_PAIR_WEAK,
	TG_S_DROP
};

/* Offset of the last label in a wire suffix (root included). */
static size_t last_label(const uint8_t *w, size_t len)
{
	size_t p = 0, last = 0;
	while (p < len && w[p]) {
		last = p;
		p += 1 + (size_t)w[p];
	}
	return last;
}

static const struct tg_index_pair *find_pair(const tg_index *ix,
					     const uint8_t *prot, size_t plen,
					     const uint8_t *conf, size_t clen)
{
	for (size_t i = 0; i < ix->npairs; i++) {
		const struct tg_index_pair *p = &ix->pairs[i];
		if (p->plen == plen && p->clen == clen &&
		    memcmp(p->prot, prot, plen) == 0 &&
		    memcmp(p->conf, conf, clen) == 0)
			return p;
	}
	return NULL;
}

/* How the query's public suffix relates to the target's. */
static enum suffix_rel suffix_rel(const struct tg_ctx *c,
				  const struct tg_target *t)
{
	size_t slen;
	const uint8_t *s = tg_target_suffix(c->ix, t, &slen);
	if (slen == c->suf_len && memcmp(s, c->suf, slen) == 0)
		return TG_S_SAME;
	if (t->suf_labels == c->ps) {
		/* a curated pair needs the query's TLD to be a confusable
		 * one: one bit test rules out most */
		if (!tg_pair_conf_maybe(c->ix, c->tld_hash))
			return TG_S_NONE;
		size_t ls = last_label(s, slen);
		size_t lq = last_label(c->suf, c->suf_len);
		if (ls != lq || memcmp(s, c->suf, ls) != 0)
			return TG_S_NONE;
		const struct tg_index_pair *p = NULL;
		for (size_t i = 0; i < c->ix->npairs && !p; i++) {
			const struct tg_index_pair *k = &c->ix->pairs[i];
			if (k->conf_hash == c->tld_hash && k->plen == s[ls] &&
			    memcmp(k->prot, s + ls + 1, k->plen) == 0)
				p = k;
		}
		if (!p)
			return TG_S_NONE;
		return p->strong ? TG_S_PAIR_STRONG : TG_S_PAIR_WEAK;
	}
	if (t->suf_labels == c->ps + 1) {
		const uint8_t *rest = s + 1 + s[0];
		if ((size_t)(slen - 1 - s[0]) == c->suf_len &&
		    memcmp(rest, c->suf, c->suf_len) == 0)
			return TG_S_DROP;
	}
	return TG_S_NONE;
}

/* Score of a TLD confusion alone (same label). */
static int tld_score(enum suffix_rel rel, const struct tg_target *t)
{
	switch (rel) {
	case TG_S_PAIR_STRONG:
		return (t->flags & TG_T_TLDPROT) ? 95 : 90;
	case TG_S_PAIR_WEAK:
		return 65;
	case TG_S_DROP:
		return 60;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------- edits */

static int is_vowel(char ch)
{
	return ch == 'a' || ch == 'e' || ch == 'i' || ch == 'o' || ch == 'u';
}

static int kbd_near(char a, char b)
{
	return tg_rule_kbd(a, b) != 0;
}

static int is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/**
 * Classify the single edit turning target skeleton \p R into query
 * skeleton \p q.  Returns the class bits (0: not one edit), the base
 * score in *score and the edit position in *pos.
 */
static unsigned classify(const char *q, size_t m, const char *R, size_t rl,
			 int *score, size_t *pos)
{
	size_t i = 0;
	unsigned cls = 0;
	int s = 0;
	while (i < m && i < rl && q[i] == R[i])
		i++;
	*pos = i;
	if (m == rl + 1) {
		if (memcmp(q + i + 1, R + i, rl - i) != 0)
			return 0;
		char ch = q[i];
		if (i == rl) {
			cls |= TG_C_ADDITION;
			s = tg_rules.addition;
		}
		if (ch == '-') {
			cls |= TG_C_HYPHENATION;
			s = max_int(s, tg_rules.hyphenation);
		} else if ((i > 0 && q[i - 1] == ch) ||
			   (i + 1 < m && q[i + 1] == ch)) {
			cls |= TG_C_REPETITION;
			s = max_int(s, tg_rules.repetition);
		} else if ((i > 0 && kbd_near(q[i - 1], ch)) ||
			   (i + 1 < m && kbd_near(q[i + 1], ch))) {
			cls |= TG_C_INSERTION;
			s = max_int(s, tg_rules.insertion_kbd);
		} else if (!cls) {
			cls |= TG_C_INSERTION;
			s = tg_rules.insertion_other;
		}
		if ((ch == 'l' || ch == 'i') && i + 1 < m &&
		    (q[i + 1] == 'b' || q[i + 1] == 'h' || q[i + 1] == 'k')) {
			cls |= TG_C_HOMOGLYPH;
			s = max_int(s, tg_rules.insertion_glyph);
		}
		if (ch == TG_FOLD_UNKNOWN) {
			cls |= TG_C_IDN_HOMOGLYPH;
			s = max_int(s, tg_rules.idn_insert);
		}
	} else if (m + 1 == rl) {
		if (memcmp(q + i, R + i + 1, rl - i - 1) != 0)
			return 0;
		cls |= TG_C_OMISSION;
		s = tg_rules.omission;
	} else if (m == rl) {
		if (i == m)
			return 0; /* equal */
		char a = R[i], b = q[i];
		if (memcmp(q + i + 1, R + i + 1, m - i - 1) == 0) {
			if (tg_rule_glyph_pair(a, b)) {
				cls |= TG_C_HOMOGLYPH;
				s = max_int(s, tg_rules.homoglyph_edit);
			}
			if (is_vowel(a) && is_vowel(b)) {
				cls |= TG_C_VOWEL_SWAP;
				s = max_int(s, tg_rules.vowel_swap);
			}
			unsigned kb = tg_rule_kbd(a, b);
			if (kb) {
				cls |= TG_C_REPLACEMENT;
				s = max_int(s, (kb & TG_KBD_QWERTY)
						   ? tg_rules.replacement_kbd
						   : tg_rules.replacement_kbd2);
			}
			unsigned x = (unsigned char)a ^ (unsigned char)b;
			if (x && !(x & (x - 1))) {
				cls |= TG_C_BITFLIP;
				s = max_int(s, tg_rules.bitflip);
			}
			if (b == TG_FOLD_UNKNOWN) {
				cls |= TG_C_IDN_HOMOGLYPH;
				s = max_int(s, tg_rules.idn_edit);
			}
			if (!cls) {
				cls |= TG_C_REPLACEMENT;
				s = tg_rules.replacement_other;
			}
			if (is_digit(a) && is_digit(b) &&
			    s > tg_rules.digit_cap)
				s = tg_rules.digit_cap;
		} else if (i + 1 < m && q[i] == R[i + 1] && q[i + 1] == R[i] &&
			   memcmp(q + i + 2, R + i + 2, m - i - 2) == 0) {
			cls |= TG_C_TRANSPOSITION;
			s = tg_rules.transposition;
		} else {
			return 0;
		}
	} else {
		return 0;
	}
	*score = s;
	return cls;
}

static const char *tskel(const struct tg_ctx *c, const struct tg_target *t)
{
	return tg_target_skel(c->ix, t);
}

/* The optimal-string-alignment (Damerau-Levenshtein) distance of a and
 * b, or 3 when it is more than 2.  Labels are at most TG_FOLD_MAX. */
static unsigned osa2(const char *a, size_t al, const char *b, size_t bl)
{
	if (al > bl + 2 || bl > al + 2 || al >= TG_FOLD_MAX ||
	    bl >= TG_FOLD_MAX)
		return 3;
	unsigned r0[TG_FOLD_MAX + 1], r1[TG_FOLD_MAX + 1], r2[TG_FOLD_MAX + 1];
	unsigned *pp = r0, *p = r1, *cur = r2;
	for (size_t j = 0; j <= bl; j++)
		p[j] = (unsigned)j;
	for (size_t i = 1; i <= al; i++) {
		unsigned lo = cur[0] = (unsigned)i;
		for (size_t j = 1; j <= bl; j++) {
			unsigned v = p[j - 1] + (a[i - 1] != b[j - 1]);
			if (p[j] + 1 < v)
				v = p[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			cur[j] = v;
			if (v < lo)
				lo = v;
		}
		if (lo > 2)
			return 3;
		unsigned *x = pp;
		pp = p;
		p = cur;
		cur = x;
	}
	return p[bl] > 2 ? 3 : p[bl];
}

/* The score of two edits of target \p t's label. */
static int two_edits_score(const struct tg_target *t)
{
	return tg_rules.two_edits + (t->skel_len >= 10 ? 5 : 0);
}

/* Classes of one edit that, under another suffix, make a brand's
 * neighbours in other languages or the brand's own other sites more often
 * than a lookalike: a letter for another (mercadolibre.com.ar /
 * mercadolivre.com.br, aftonbladet.se / aftenbladet.no, fanfiction.net /
 * fanfiktion.de), a bit flipped, a hyphen (disney-plus.net,
 * national-geographic.pl). */
#define TG_C_VARIANT                                                           \
	(TG_C_REPLACEMENT | TG_C_VOWEL_SWAP | TG_C_BITFLIP | TG_C_HYPHENATION)

/* May one edit (classes \p cls, score \p s, at \p pos of the target's
 * skeleton \p R) under another suffix block?  Only a brand label of
 * TG_RULE_BRAND_BLOCK_MIN or more characters, whose lookalikes block under
 * its own suffix, mistyped by a slip of the hand (a likely class, scoring
 * tg_rules.suffix_slip_min or more: a key dropped, doubled, swapped or a
 * neighbour's added, a look-alike; not a TG_C_VARIANT), and not a hyphen
 * or an end character dropped (glancecdn.net for glance-cdn.com,
 * freelance.ru for freelancer.com, translate.com for gtranslate.net: the
 * words without it are someone else's); and only when the query's own
 * label is no protected label (mercadolibre.cl is Mercado Libre's, not a
 * lookalike of mercadolivre.com.br).  Measured with the MetaMask and
 * Tranco data of tests/eval/lookalikes.py: one edit of a long brand label
 * under another suffix blocked without these limits 14 Tranco and 16
 * Umbrella names, 3 MetaMask-whitelisted ones and 3 protected brands;
 * with them none.  (The namesakes met so far, c->same, cannot tell
 * whether the label is protected: the query label's EXACT and DEL hits
 * share a bucket, in an order the seed decides.) */
static int label_protected(struct tg_ctx *c);

static int suffix_slip(struct tg_ctx *c, const struct tg_target *t,
		       const char *R, unsigned cls, int s, size_t pos)
{
	if (!(t->flags & TG_T_BRAND) || t->skel_len < TG_RULE_BRAND_BLOCK_MIN ||
	    s < tg_rules.suffix_slip_min || (cls & TG_C_VARIANT))
		return 0;
	if ((cls & TG_C_OMISSION) &&
	    (R[pos] == '-' || pos == 0 || pos + 1 == t->skel_len))
		return 0;
	return !label_protected(c);
}

/* The score term of the target's label length: a five-character label
 * is less distinctive, one of eight or more more. */
static inline int len_term(const struct tg_target *t)
{
	return t->skel_len == 5	  ? -tg_rules.len5
	       : t->skel_len >= 8 ? tg_rules.len8
				  : 0;
}

/* Edit-distance-1 relation between the query label and a target, under
 * its own suffix, or (a label of TG_RULE_ANYSUF_MIN or more) under any
 * other; two edits of a long label. */
static void eval_edit(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	if (t->skel_len < 5)
		return; /* short labels: skeleton and TLD rules only */
	int s;
	size_t pos;
	const char *R = tskel(c, t);
	unsigned cls = classify(c->q, c->m, R, t->skel_len, &s, &pos);
	/* the suffix only once the labels are known to be related: most
	 * hits of a long label are its namesakes under other suffixes */
	unsigned other = 0;
	if ((cls || c->two_ok) && suffix_rel(c, t) != TG_S_SAME) {
		if (t->skel_len < TG_RULE_ANYSUF_MIN)
			return;
		other = TG_C_OTHER_SUFFIX;
	}
	if (!cls) {
		/* two edits of a long label: a DEL probe (the query without
		 * one character, c->var) met a DEL key, and the target
		 * without some other character is that string: a character
		 * moved, or one dropped and another added */
		if (!c->two_ok || t->skel_len < TG_RULE_TWO_EDITS_MIN ||
		    t->skel_len != c->m || c->varlen + 1 != c->m ||
		    memcmp(R, c->q, c->m) == 0) /* the same label */
			return;
		size_t i = 0;
		while (i < c->varlen && R[i] == c->var[i])
			i++;
		if (memcmp(R + i + 1, c->var + i, c->varlen - i) != 0)
			return;
		add_cand(c, tid, two_edits_score(t), TG_C_TWO_EDITS | other);
		return;
	}
	unsigned held = 0;
	if (c->qflags & TG_FOLD_IDN) {
		/* a Unicode character made the edit: deliberate */
		cls |= TG_C_IDN_HOMOGLYPH;
		s = max_int(s, tg_rules.idn_edit);
	}
	if (pos == 0 && !(cls & (TG_C_HOMOGLYPH | TG_C_IDN_HOMOGLYPH)))
		s -= tg_rules.first_letter; /* rarely mistyped */
	s += len_term(t);
	/* the rest are terms of the score (raw and s) and caps (s only,
	 * cap_held()) */
	int raw = s;
	/* a final 's' more or less is a singular/plural pair of names
	 * (stripe/stripes, game/games) more often than a typo; the length
	 * term comes on top of its cap */
	if ((cls & (TG_C_ADDITION | TG_C_OMISSION)) &&
	    ((c->m > t->skel_len && pos == t->skel_len && c->q[pos] == 's') ||
	     (c->m < t->skel_len && pos == c->m && tskel(c, t)[pos] == 's'))) {
		cls |= TG_C_PLURAL;
		s = cap_held(c, s, tg_rules.plural_cap + len_term(t),
			     TG_HELD_SIBLING, &held);
	}
	/* a brand label long enough to block (TG_RULE_BRAND_BLOCK_MIN) is
	 * distinctive: a name one edit from it is rarely someone else's */
	if ((t->flags & TG_T_BRAND) && t->skel_len >= TG_RULE_BRAND_BLOCK_MIN &&
	    !(cls & TG_C_PLURAL)) {
		s += tg_rules.brand_long;
		raw += tg_rules.brand_long;
	}
	if (c->m <= 4)
		s = cap_held(c, s, tg_rules.short_cap, TG_HELD_SHORT_LABEL,
			     &held);
	/* a digit dropped from a name (ymail for y7mail), or for a brand a
	 * digit appended (xvideos2, list-manage1): a numbered sibling more
	 * often than a typo */
	if ((((cls & TG_C_OMISSION) && is_digit(R[pos])) ||
	     ((t->flags & TG_T_BRAND) && (cls & TG_C_ADDITION) &&
	      is_digit(c->q[pos]))))
		s = cap_held(c, s, tg_rules.digit_edit_cap, TG_HELD_SIBLING,
			     &held);
	/* under another suffix one edit is logged, unless a slip of a
	 * distinctive brand (judged on the raw score: a cap above is not
	 * what makes a slip) */
	if (other &&
	    (s > tg_rules.suffix_edit_cap || raw >= c->ix->block_threshold) &&
	    !suffix_slip(c, t, R, cls, raw, pos))
		s = cap_held(c, s, tg_rules.suffix_edit_cap,
			     TG_HELD_OTHER_SUFFIX, &held);
	/* a query whose own label is a protected label is that name's
	 * namesake under its suffix, not someone else's lookalike
	 * (mercadolibre.com, Mercado Libre's, one letter from a protected
	 * mercadolivre.com.br, with mercadolibre.com.ar protected): logged,
	 * never blocked, whatever the block threshold */
	if (raw >= c->ix->block_threshold) {
		if (s >= c->ix->block_threshold) {
			if (label_protected(c))
				s = cap_held(c, s, c->ix->block_threshold - 1,
					     TG_HELD_NAMESAKE, &held);
		} else {
			/* held already: whether the namesake rule holds it
			 * too is asked only if this match is the result
			 * (a lookup; score_parsed()) */
			held |= TG_HELD_ASK_NAMESAKE;
		}
	}
	add_cand_held(c, tid, s, cls | other, held, raw);
}

/* Is the target's TLD the query's? */
static int same_tld(const struct tg_ctx *c, const struct tg_target *t)
{
	size_t sl;
	const uint8_t *s = tg_target_suffix(c->ix, t, &sl);
	const uint8_t *q = c->nm->wire + c->nm->off[c->nm->n - 1];
	size_t l = last_label(s, sl);
	return s[l] == q[0] && memcmp(s + l + 1, q + 1, q[0]) == 0;
}

/* Combo: the target's label is the head, the tail or a hyphen/digit-
 * delimited token of the query label, which is longer.  Scored by how
 * distinctive the brand is and whether the rest is a phishing word.
 * A head or tail that met a long brand's without a combo may be two edits
 * in the rest of its label (brand profile: any two, under any suffix). */
static void eval_combo(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	const char *R = tskel(c, t);
	size_t rl = t->skel_len, at;
	if ((t->flags & TG_T_SUB) || !(t->flags & TG_T_BRAND))
		return;
	if (c->arg < TG_COMBO_TOKEN && rl >= TG_RULE_TWO_EDITS_MIN &&
	    osa2(c->q, c->m, R, rl) == 2)
		add_cand(c, tid, two_edits_score(t),
			 TG_C_TWO_EDITS |
			     (suffix_rel(c, t) != TG_S_SAME ? TG_C_OTHER_SUFFIX
							    : 0));
	if (rl >= c->m)
		return;
	if (c->arg == TG_COMBO_HEAD)
		at = 0;
	else if (c->arg == TG_COMBO_TAIL)
		at = c->m - rl;
	else
		at = c->arg - TG_COMBO_TOKEN;
	if (at + rl > c->m || memcmp(c->q + at, R, rl) != 0)
		return;
	if (c->arg >= TG_COMBO_TOKEN) {
		if (rl < TG_RULE_COMBO_TOKEN_MIN ||
		    (at + rl < c->m && c->q[at + rl] != '-' &&
		     !is_digit(c->q[at + rl])))
			return;
		/* a token too short for TG_ANYSUF was probed under the
		 * query's TLD tag, 8 bits of it: the TLD itself must agree
		 * (else focus-news.net met focus.de in some builds) */
		if (tg_edit_tag(rl, 0) != TG_ANYSUF && !same_tld(c, t))
			return;
	} else if (rl < TG_RULE_COMBO_AFFIX_MIN) {
		return;
	}
	/* the rest, without hyphens and digits: a phishing word? */
	char rest[TG_FOLD_MAX];
	size_t n = 0;
	for (size_t i = 0; i < c->m; i++)
		if ((i < at || i >= at + rl) && c->q[i] != '-' &&
		    !is_digit(c->q[i]))
			rest[n++] = c->q[i];
	int s = (n == 0 || tg_rule_keyword(rest, n)) ? tg_rules.combo_keyword
						     : tg_rules.combo;
	s += tg_rules.combo_long * (int)(rl > 6 ? rl - 6 : 0);
	if (s > tg_rules.combo_cap)
		s = tg_rules.combo_cap;
	add_cand(c, tid, s, TG_C_COMBO);
}

/* Is the target's TLD a restricted registry? */
static int target_restricted(const struct tg_ctx *c, const struct tg_target *t)
{
	size_t sl;
	const uint8_t *s = tg_target_suffix(c->ix, t, &sl);
	size_t l = last_label(s, sl);
	for (size_t i = 0; s[l] == 3 && i < tg_rule_nrestricted; i++)
		if (memcmp(s + l + 1, tg_rule_restricted[i], 3) == 0)
			return 1;
	return 0;
}

/* Same skeleton: homoglyph (IDN) or a TLD swap of the same label. */
static void eval_exact(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	if (t->skel_len != c->m || memcmp(tskel(c, t), c->q, c->m) != 0)
		return;
	if (c->nsame < TG_MAX_SAME)
		c->same[c->nsame++] = tid;
	/* without Unicode only a TLD swap counts: a curated pair (the
	 * query's TLD a confusable one) or a dropped suffix label; most
	 * hits of a long label are its namesakes under other TLDs */
	if (!(c->qflags & TG_FOLD_IDN) && !(t->flags & TG_T_IDN) &&
	    t->suf_labels != c->ps + 1 &&
	    (t->suf_labels != c->ps || !tg_pair_conf_maybe(c->ix, c->tld_hash)))
		return;
	enum suffix_rel rel = suffix_rel(c, t);
	unsigned cls = 0, held = 0;
	int s = 0, raw;
	if (c->qflags & TG_FOLD_IDN) {
		cls |= (c->qflags & TG_FOLD_CYRILLIC) ? TG_C_CYRILLIC
						      : TG_C_IDN_HOMOGLYPH;
		s = 95;
	} else if (t->flags & TG_T_IDN) {
		cls |= TG_C_IDN_HOMOGLYPH; /* bucher.de for bücher.de */
		s = 75;
	}
	raw = s;
	if (rel == TG_S_SAME) {
		if (!cls)
			return; /* the protected name itself */
	} else if (rel == TG_S_NONE) {
		return;
	} else {
		cls |= TG_C_TLD_SWAP;
		int ts = tld_score(rel, t);
		raw = max_int(s, ts);
		if ((t->flags & TG_T_BRAND) && !target_restricted(c, t))
			ts = cap_held(c, ts, tg_rules.brand_swap_cap,
				      TG_HELD_BRAND_OWN, &held);
		s = max_int(s, ts);
	}
	add_cand_held(c, tid, s, cls, held, raw);
}

/*
 * q == label + first suffix label (armymil.com), or for a SUB target
 * q == sub label + label (wwwarmy.mil for www.army.mil).  \p cls is
 * TG_C_MISSING_DOT, or TG_C_HYPHEN_DOT when \p v is q without the hyphen
 * at c->arg.  A missing dot is most plausible when the name then ends in
 * the protected suffix itself, in .com (what browsers and mail clients
 * complete) or in a curated confusable of it; elsewhere (sfgov.org,
 * gogov.ru) it is a naming habit more often than a typo.
 */
static void eval_concat(struct tg_ctx *c, uint32_t tid, const char *v,
			size_t vl, unsigned cls, int s)
{
	const struct tg_target *t = &c->ix->t[tid];
	const uint8_t *tw = tg_target_wire(c->ix, t);
	if (t->flags & TG_T_SUB) {
		if (vl != t->skel_len || memcmp(v, tskel(c, t), vl) != 0)
			return;
		if (cls == TG_C_HYPHEN_DOT && c->arg != tw[0])
			return;
		if (suffix_rel(c, t) != TG_S_SAME)
			return;
		add_cand(c, tid, s, cls);
		return;
	}
	const uint8_t *s1 = tw + 1 + tw[0];
	if (vl != (size_t)t->skel_len + s1[0] ||
	    memcmp(v, tskel(c, t), t->skel_len) != 0 ||
	    memcmp(v + t->skel_len, s1 + 1, s1[0]) != 0)
		return;
	if (cls == TG_C_HYPHEN_DOT && c->arg != t->skel_len)
		return; /* the hyphen must sit where the dot was */
	size_t tl = c->suf_len - 1, sl;
	const uint8_t *ts = tg_target_suffix(c->ix, t, &sl);
	int plausible =
	    (sl == c->suf_len && memcmp(ts, c->suf, sl) == 0) ||
	    (c->ps == 1 && tl == 4 && memcmp(c->suf, "\003com", 4) == 0);
	if (!plausible && c->ps == 1 && t->suf_labels == 1) {
		const struct tg_index_pair *p =
		    find_pair(c->ix, ts + 1, ts[0], c->suf + 1, c->suf[0]);
		plausible = p && p->strong;
	}
	if (!plausible)
		s = 65;
	if (t->skel_len <= 2 && s > 65)
		s = 65; /* fl.gov -> flgov.com: too short to be distinctive */
	unsigned held = 0;
	int raw = s;
	/* a brand's bit.ly, goo.gl, youtu.be: the label and a two-letter
	 * ccTLD spell a word that is often the brand's own name elsewhere */
	if ((t->flags & TG_T_BRAND) && t->suf_labels == 1 && s1[0] == 2 &&
	    !(sl == c->suf_len && memcmp(ts, c->suf, sl) == 0))
		s = cap_held(c, s, tg_rules.hack_cap, TG_HELD_BRAND_OWN, &held);
	add_cand_held(c, tid, s, cls, held, raw);
}

/* ASCII look-alike skeletons equal: homoglyphs beyond one edit. */
static void eval_glyph(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	const char *R = tskel(c, t);
	size_t rl = t->skel_len;
	if (rl == c->m && memcmp(R, c->q, rl) == 0)
		return;
	enum suffix_rel rel = suffix_rel(c, t);
	if (rel != TG_S_SAME && rel != TG_S_PAIR_STRONG)
		return;
	char a[TG_FOLD_MAX], b[TG_FOLD_MAX];
	size_t al = tg_glyph_canon(R, rl, a, 0);
	if (al != c->qcl || memcmp(a, c->qcanon, al) != 0)
		return;
	al = tg_glyph_canon(R, rl, a, 1);
	size_t bl = tg_glyph_canon(c->q, c->m, b, 1);
	int s = 0;
	if (al == bl && memcmp(a, b, al) == 0) {
		/* in two or three letters a glyph is a different brand
		 * (lg/ig) as often as a trick */
		s = (rl <= 3 || c->m <= 3) ? 70 : 90;
	} else if (rl >= 5 && c->m >= 5) {
		if (al == bl) {
			char p0 = 0, p1 = 0;
			s = 75;
			for (size_t i = 0; i < al && s; i++) {
				if (a[i] == b[i])
					continue;
				char x = a[i] < b[i] ? a[i] : b[i];
				char y = a[i] < b[i] ? b[i] : a[i];
				if (!p0) {
					p0 = x;
					p1 = y;
					if (!tg_rule_glyph_pair(x, y))
						s = 0;
				} else if (x != p0 || y != p1) {
					s = 0;
				}
			}
		} else {
			s = 65;
		}
	}
	if (!s)
		return;
	unsigned cls = TG_C_HOMOGLYPH;
	if (c->qflags & TG_FOLD_IDN)
		cls |= TG_C_IDN_HOMOGLYPH;
	if (rel == TG_S_PAIR_STRONG)
		cls |= TG_C_TLD_SWAP;
	add_cand(c, tid, s, cls);
}

/* ------------------------------------------------------------ probing */

/* q[0..m-j) == label, q[m-j..m) + "." + suffix == target suffix */
static void eval_shift(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	size_t j = c->arg;
	if (t->suf_labels != 1 || c->ps != 1)
		return;
	const uint8_t *tw = tg_target_wire(c->ix, t);
	const uint8_t *s1 = tw + 1 + tw[0];
	if ((size_t)s1[0] != j + c->suf[0] ||
	    memcmp(s1 + 1, c->q + c->m - j, j) != 0 ||
	    memcmp(s1 + 1 + j, c->suf + 1, c->suf[0]) != 0)
		return;
	const struct tg_index_pair *p =
	    find_pair(c->ix, s1 + 1, s1[0], c->suf + 1, c->suf[0]);
	int s = (p && p->strong) ? 90 : 75;
	if (t->flags & TG_T_TLDPROT)
		s += 5;
	add_cand(c, tid, s, TG_C_DOT_SHIFT);
}

/* Target label followed by the target suffix inside the query. */
static void eval_embed(struct tg_ctx *c, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	unsigned i = (unsigned)c->arg;
	if (i + 1 + t->suf_labels >= c->n + 1)
		return;
	const uint8_t *tw = tg_target_wire(c->ix, t);
	const uint8_t *s = tw + 1 + tw[0];
	size_t slen = t->wire_len - 1 - tw[0] - 1; /* without root */
	const uint8_t *q = c->nm->wire + c->nm->off[i + 1];
	if ((size_t)(c->nm->wire_len - c->nm->off[i + 1]) <= slen ||
	    memcmp(q, s, slen) != 0)
		return;
	add_cand(c, tid, 85, TG_C_EMBEDDING);
}

/* A probe of a variant string matched a target's exact key. */
static void eval_var(struct tg_ctx *c, enum tg_probe_kind pk, uint32_t tid)
{
	const struct tg_target *t = &c->ix->t[tid];
	switch (pk) {
	case TG_P_SHIFT:
		eval_shift(c, tid);
		break;
	case TG_P_PREFIX:
		if (t->skel_len >= 4 && suffix_rel(c, t) == TG_S_SAME)
			add_cand(c, tid, tg_rule_prefixes[c->arg].score,
				 tg_rule_prefixes[c->arg].cls);
		break;
	case TG_P_EMBED:
		eval_embed(c, tid);
		break;
	default:
		break;
	}
}

/** One queued probe: its table key and what produced it. */
struct tg_pq {
	uint64_t key;
	uint32_t b1, b2; /* its two buckets */
	uint8_t pk;	 /* tg_probe_kind */
	uint8_t len;	 /* length of the probed string */
	uint8_t arg;	 /* deletion position, shift, prefix or label index */
	uint8_t kinds;	 /* bit per key kind it evaluates */
};

/** Most probes per query: the label under each TLD tag (query's, curated
 *  partners: at most 8) + untagged, 63 deletions under two tags + one
 *  untagged each for a '-', glyph under each TLD tag, 2 shifts, prefixes,
 *  and one per subdomain label and tag right of it (the queue stops
 *  there; real names need a few dozen). */
#define TG_MAX_PROBES 512

/* Set the variant string of a probe for the evaluators; \p buf holds a
 * deletion variant when one is needed. */
static void probe_var(struct tg_ctx *c, const struct tg_pq *p, char *buf)
{
	c->arg = p->arg;
	c->varlen = p->len;
	switch (p->pk) {
	case TG_P_DEL:
		memcpy(buf, c->q, p->arg);
		memcpy(buf + p->arg, c->q + p->arg + 1, c->m - p->arg - 1);
		c->var = buf;
		break;
	case TG_P_SHIFT:
		c->var = c->q;
		break;
	case TG_P_PREFIX:
		c->var = c->q + c->m - p->len;
		break;
	case TG_P_EMBED: {
		size_t l;
		unsigned fl;
		const uint8_t *lab = tg_name_label(c->nm, p->arg, &l);
		int sl = tg_fold_label(lab, l, buf, &fl);
		c->var = buf;
		c->varlen = sl > 0 ? (size_t)sl : 0;
		break;
	}
	default:
		c->var = c->q;
		break;
	}
}

/* Bit 2i set for each slot i of a bucket whose slot word has the
 * fingerprint \p fp (flag and kind masked off); empty slots (0) never
 * match. */
static inline unsigned bucket_match(const uint16_t *b, uint16_t fp)
{
#if defined(__SSE2__)
	__m128i x = _mm_load_si128((const __m128i *)(const void *)b);
	x = _mm_and_si128(x, _mm_set1_epi16((short)TG_KF_FP));
	x = _mm_cmpeq_epi16(x, _mm_set1_epi16((short)fp));
	return (unsigned)_mm_movemask_epi8(x) & 0x5555u;
#else
	unsigned m = 0;
	for (unsigned i = 0; i < TG_BUCKET; i++)
		m |= (unsigned)((b[i] & TG_KF_FP) == fp) << (2 * i);
	return m;
#endif
}

/* The slots of a key's buckets \p b1, \p b2 whose fingerprint is \p fp:
 * bits 0..15 for the first bucket, 16..31 for the second (none when the
 * first is not marked in the spill bitmap, or both are the same); slot
 * of a bit: key_slot(). */
static inline unsigned key_match(const tg_index *ix, size_t b1, size_t b2,
				 uint16_t fp)
{
	unsigned m = bucket_match(ix->kfp + b1 * TG_BUCKET, fp);
	unsigned m2 = bucket_match(ix->kfp + b2 * TG_BUCKET, fp);
	unsigned use2 = (unsigned)(ix->spill[b1 / 64] >> (b1 % 64) & 1) &
			(unsigned)(b2 != b1);
	return m | (m2 & (0u - use2)) << 16;
}

static inline size_t key_slot(size_t b1, size_t b2, unsigned bit)
{
	return (bit < 16 ? b1 : b2) * TG_BUCKET + ((bit & 15) >> 1);
}

/* Is \p tid one of the query label's namesakes (tg_ctx.same)?  The
 * probes of the label itself come first in the queue, so its EXACT hits
 * are evaluated before any DEL hit. */
static inline int is_same(const struct tg_ctx *c, uint32_t tid)
{
	for (size_t i = 0; i < c->nsame; i++)
		if (c->same[i] == tid)
			return 1;
	return 0;
}

/* Is the query's registrable label the label of a protected target under
 * any suffix?  A lookup of its EXACT key (made once a query, for the rare
 * suffix_slip() candidate; labels of TG_RULE_ANYSUF_MIN - 1 or more, whose
 * EXACT keys hold for every suffix; a shorter label answers 0). */
static int label_protected(struct tg_ctx *c)
{
	if (c->label_prot >= 0)
		return c->label_prot;
	c->label_prot = 0;
	const tg_index *ix = c->ix;
	if (tg_edit_tag(c->m, 0) != TG_ANYSUF || c->m == 0)
		return 0;
	uint64_t key = tg_label_key(ix, c->pre[c->m], c->m, TG_ANYSUF);
	size_t b1 = tg_bucket1(key, ix->nbuckets);
	size_t b2 = tg_bucket2(key, ix->nbuckets);
	for (unsigned m = key_match(ix, b1, b2, tg_key_fp13(key));
	     m && !c->label_prot; m &= m - 1) {
		size_t slot = key_slot(b1, b2, (unsigned)__builtin_ctz(m));
		if ((ix->kfp[slot] & 3u) != TG_K_EXACT)
			continue;
		uint32_t v = ix->kval[slot], one = v;
		const uint32_t *ids = &one;
		uint32_t n = 1;
		if (ix->kfp[slot] & TG_KF_MULTI) {
			n = ix->post[v];
			ids = ix->post + v + 1;
		}
		for (uint32_t i = 0; i < n && !c->label_prot; i++) {
			const struct tg_target *t = &ix->t[ids[i]];
			c->label_prot = !(t->flags & TG_T_SUB) &&
					t->skel_len == c->m &&
					memcmp(tskel(c, t), c->q, c->m) == 0;
		}
	}
	return c->label_prot;
}

/* Evaluate one hit of a probe on target \p tid. */
static void probe_hit(struct tg_ctx *c, const struct tg_pq *p, unsigned kind,
		      uint32_t tid, char *buf, int *var_ready)
{
	if (!*var_ready) {
		probe_var(c, p, buf);
		*var_ready = 1;
	}
	switch (p->pk) {
	case TG_P_GLYPH:
		if (kind == TG_K_GLYPH)
			eval_glyph(c, tid);
		break;
	case TG_P_BASE:
		if (kind == TG_K_EXACT)
			eval_exact(c, tid);
		else if (kind == TG_K_DEL)
			eval_edit(c, tid);
		else if (kind == TG_K_CONCAT)
			eval_concat(c, tid, c->q, c->m, TG_C_MISSING_DOT, 85);
		break;
	case TG_P_COMBO:
		if (kind == TG_K_CONCAT || kind == TG_K_EXACT)
			eval_combo(c, tid);
		break;
	case TG_P_DEL:
		if (kind == TG_K_DEL && is_same(c, tid))
			break; /* a namesake: its deletions are ours */
		if (kind == TG_K_EXACT || kind == TG_K_DEL) {
			c->two_ok = kind == TG_K_DEL;
			eval_edit(c, tid);
			c->two_ok = 0;
		} else if (kind == TG_K_CONCAT && c->q[p->arg] == '-')
			eval_concat(c, tid, c->var, c->varlen, TG_C_HYPHEN_DOT,
				    85);
		break;
	default:
		if (kind == TG_K_EXACT) {
			const struct tg_target *t = &c->ix->t[tid];
			if (t->skel_len == c->varlen &&
			    memcmp(tskel(c, t), c->var, c->varlen) == 0)
				eval_var(c, p->pk, tid);
		}
		break;
	}
}

/* A fingerprint match waiting for its value word, and a hit that passed
 * the tag check waiting for its target.  Both are handled in batches so
 * that their memory is requested before it is read. */
struct tg_hit {
	uint32_t slot;	/* in kfp/kval */
	uint16_t probe; /* in the probe queue */
	uint8_t kind;
};

struct tg_evq {
	uint32_t tid;
	uint16_t probe;
	uint8_t kind;
};

#define TG_BATCH 128

struct tg_batch {
	const struct tg_pq *pq;
	struct tg_hit hit[TG_BATCH];
	size_t nhit;
	struct tg_evq ev[TG_BATCH];
	size_t nev;
};

/* Evaluate the queued hits, in order.  Their targets were requested
 * when queued: the wire and skeleton bytes of each, which every
 * evaluation reads next, are requested all at once first, so that the
 * evaluations wait for them once and not once per target. */
static void batch_eval(struct tg_ctx *c, struct tg_batch *bt)
{
	char buf[TG_FOLD_MAX];
	int var_ready = 0;
	unsigned cur = UINT_MAX;
	const tg_index *ix = c->ix;
	for (size_t i = 0; i < bt->nev; i++) {
		const struct tg_target *t = &ix->t[bt->ev[i].tid];
		const uint8_t *w = ix->arena.data + t->wire_off;
		__builtin_prefetch(w);
		/* the skeleton of an IDN or SUB target follows its wire */
		__builtin_prefetch(w + t->wire_len + t->skel_len - 1);
	}
	for (size_t i = 0; i < bt->nev; i++) {
		const struct tg_evq *e = &bt->ev[i];
		if (e->probe != cur) {
			cur = e->probe;
			var_ready = 0;
		}
		probe_hit(c, &bt->pq[cur], e->kind, e->tid, buf, &var_ready);
	}
	bt->nev = 0;
}

static void batch_target(struct tg_ctx *c, struct tg_batch *bt,
			 const struct tg_hit *h, uint32_t tid)
{
	if (bt->nev == TG_BATCH)
		batch_eval(c, bt);
	struct tg_evq *e = &bt->ev[bt->nev++];
	e->tid = tid;
	e->probe = h->probe;
	e->kind = h->kind;
	__builtin_prefetch(&c->ix->t[e->tid]);
}

/* Read the value words of the queued matches (requested when queued),
 * queue their targets for evaluation (requesting them) and evaluate
 * them. */
static void batch_settle(struct tg_ctx *c, struct tg_batch *bt)
{
	const tg_index *ix = c->ix;
	/* the postings lists of shared keys are requested all at once
	 * before any is read */
	for (size_t i = 0; i < bt->nhit; i++) {
		const struct tg_hit *h = &bt->hit[i];
		if (ix->kfp[h->slot] & TG_KF_MULTI)
			__builtin_prefetch(ix->post + ix->kval[h->slot]);
	}
	for (size_t i = 0; i < bt->nhit; i++) {
		const struct tg_hit *h = &bt->hit[i];
		uint32_t v = ix->kval[h->slot];
		if (!(ix->kfp[h->slot] & TG_KF_MULTI)) {
			batch_target(c, bt, h, v);
			continue;
		}
		/* a key shared by several targets */
		const uint32_t *post = ix->post + v;
		for (uint32_t k = 1; k <= post[0]; k++)
			batch_target(c, bt, h, post[k]);
	}
	bt->nhit = 0;
	batch_eval(c, bt);
}

/* Match every probe against its two buckets and evaluate the hits. */
static void probe_all(struct tg_ctx *c, const struct tg_pq *pq, size_t npq)
{
	const tg_index *ix = c->ix;
	struct tg_batch bt;
	bt.pq = pq;
	bt.nhit = 0;
	bt.nev = 0;
	for (size_t i = 0; i < npq; i++) {
		const struct tg_pq *p = &pq[i];
		uint16_t fp = tg_key_fp13(p->key);
		unsigned kinds = p->kinds;
		unsigned m = key_match(ix, p->b1, p->b2, fp);
		for (; m; m &= m - 1) {
			size_t slot =
			    key_slot(p->b1, p->b2, (unsigned)__builtin_ctz(m));
			unsigned kind = ix->kfp[slot] & 3u;
			if (!(kinds & (1u << kind)))
				continue;
			if (bt.nhit == TG_BATCH)
				batch_settle(c, &bt);
			struct tg_hit *h = &bt.hit[bt.nhit++];
			h->slot = (uint32_t)slot;
			h->probe = (uint16_t)i;
			h->kind = (uint8_t)kind;
			__builtin_prefetch(ix->kval + slot);
		}
	}
	if (bt.nhit) /* else nothing is queued for evaluation either */
		batch_settle(c, &bt);
}

/* Polynomial hash of q[a..b). */
static uint64_t qhash(const struct tg_ctx *c, size_t a, size_t b)
{
	return tg_submod(c->pre[b], tg_mulmod(c->pre[a], c->ix->pw[b - a]));
}

/* Queue a probe that passed the key filter (counted by the caller). */
static inline void push(struct tg_ctx *c, struct tg_pq *q, size_t *n,
			uint64_t pre, size_t len, enum tg_probe_kind pk,
			size_t arg, unsigned kinds)
{
	struct tg_pq *p = &q[(*n)++];
	p->key = tg_mix64(pre);
	p->pk = (uint8_t)pk;
	p->len = (uint8_t)len;
	p->arg = (uint8_t)arg;
	p->kinds = (uint8_t)kinds;
	size_t b1 = tg_bucket1(p->key, c->ix->nbuckets);
	size_t b2 = tg_bucket2(p->key, c->ix->nbuckets);
	p->b1 = (uint32_t)b1;
	p->b2 = (uint32_t)b2;
	/* both buckets and the spill bit are requested now, so that they
	 * arrive together; whether the second counts is decided when the
	 * probe is matched (deciding here would wait for the bit) */
	__builtin_prefetch(c->ix->kfp + b1 * TG_BUCKET);
	__builtin_prefetch(c->ix->kfp + b2 * TG_BUCKET);
	__builtin_prefetch(c->ix->spill + b1 / 64);
	/* and their value words (32 bytes each): a probe that passed the
	 * key filter nearly always matches, and its value word is read
	 * next */
	__builtin_prefetch(c->ix->kval + b1 * TG_BUCKET);
	__builtin_prefetch(c->ix->kval + b2 * TG_BUCKET);
}

/* Queue a probe whose unmixed key value (tg_label_pre()) is \p pre. */
static inline void queue_pre(struct tg_ctx *c, struct tg_pq *q, size_t *n,
			     uint64_t pre, size_t len, enum tg_probe_kind pk,
			     size_t arg, unsigned kinds)
{
	if (c->nprobes >= TG_MAX_PROBES)
		return;
	c->nprobes++;
	/* most probes of most names have no key: stop at the filter */
	if (!tg_kfilter_maybe(c->ix, pre))
		return;
	push(c, q, n, pre, len, pk, arg, kinds);
}

static inline void queue_probe(struct tg_ctx *c, struct tg_pq *q, size_t *n,
			       uint64_t poly, size_t len, enum tg_probe_kind pk,
			       size_t arg, unsigned tag, unsigned kinds)
{
	queue_pre(c, q, n, tg_label_pre(c->ix, poly, len, tag), len, pk, arg,
		  kinds);
}

/* Is \p t among tags[0..n)? */
static int has_tag(const uint8_t *tags, size_t n, unsigned t)
{
	for (size_t i = 0; i < n; i++)
		if (tags[i] == t)
			return 1;
	return 0;
}

/* Queue the probes of a label variant under the first \p ntags TLD tags
 * (the query's TLD, then its curated partners), one per distinct tag:
 * for key kinds \p kinds, and under the query's own TLD also \p own. */
static void queue_tags(struct tg_ctx *c, struct tg_pq *q, size_t *n,
		       uint64_t poly, size_t len, enum tg_probe_kind pk,
		       size_t arg, size_t ntags, unsigned kinds, unsigned own)
{
	for (size_t i = 0; i < ntags; i++)
		if (!has_tag(c->ttags, i, c->ttags[i]))
			queue_probe(c, q, n, poly, len, pk, arg, c->ttags[i],
				    kinds | (i == 0 ? own : 0));
}

/* Queue a string of \p len characters for the edit rules (EXACT and DEL
 * keys of that length): under TG_ANYSUF when it is long enough
 * (tg_edit_tag()), else under the query's TLD tag (DEL) and its first
 * \p ntags TLD tags (EXACT: TLD swaps). */
static inline void queue_edit(struct tg_ctx *c, struct tg_pq *q, size_t *n,
			      uint64_t poly, size_t len, enum tg_probe_kind pk,
			      size_t arg, size_t ntags)
{
	if (tg_edit_tag(len, 0) == TG_ANYSUF)
		queue_probe(c, q, n, poly, len, pk, arg, TG_ANYSUF,
			    1u << TG_K_EXACT | 1u << TG_K_DEL);
	else
		queue_tags(c, q, n, poly, len, pk, arg, ntags, 1u << TG_K_EXACT,
			   1u << TG_K_DEL);
}

/* Queue the combo probes: the label's head and tail (targets of six or
 * more characters), and each hyphen/digit-delimited token of five or more
 * that is not the whole label (EXACT keys). */
static void queue_combo(struct tg_ctx *c, struct tg_pq *q, size_t *n)
{
	size_t m = c->m, k = TG_RULE_COMBO_AFFIX_MIN;
	if (m <= k)
		return;
	queue_probe(c, q, n, c->pre[k], k, TG_P_COMBO, TG_COMBO_HEAD, TG_HEAD,
		    1u << TG_K_CONCAT);
	queue_probe(c, q, n, qhash(c, m - k, m), k, TG_P_COMBO, TG_COMBO_TAIL,
		    TG_TAIL, 1u << TG_K_CONCAT);
	for (size_t i = 0; i < m;) {
		while (i < m && (c->q[i] == '-' || is_digit(c->q[i])))
			i++;
		size_t j = i;
		while (j < m && c->q[j] != '-' && !is_digit(c->q[j]))
			j++;
		if (j - i >= TG_RULE_COMBO_TOKEN_MIN && j - i < m &&
		    i + TG_COMBO_TOKEN <= 255)
			queue_probe(c, q, n, qhash(c, i, j), j - i, TG_P_COMBO,
				    TG_COMBO_TOKEN + i,
				    tg_edit_tag(j - i, c->ttags[0]),
				    1u << TG_K_EXACT);
		i = j;
	}
}

/* Is \p h (a TLD's suffix hash) one a dot shift can leave? */
static int is_shift_tld(const tg_index *ix, uint64_t h)
{
	if (!(ix->shift_bits[(h >> 6) & (TG_SHIFT_WORDS - 1)] >> (h & 63) & 1))
		return 0; /* most TLDs: one bit test */
	size_t lo = 0, hi = ix->nshift_tlds;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->shift_tlds[mid] == h)
			return 1;
		if (ix->shift_tlds[mid] < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Positions d in [1, \p m) with q[d] == q[d - 1], eight pairs a step;
 * q[m..m+8] must hold bytes no two alike and unlike any of q[0..m). */
static size_t count_dups(const char *q, size_t m)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	size_t nd = 0;
	for (size_t i = 0; i + 1 < m; i += 8) {
		uint64_t a, b;
		memcpy(&a, q + i, 8);
		memcpy(&b, q + i + 1, 8);
		uint64_t x = a ^ b;
		/* high bit of each byte of x that is 0 (an equal pair) */
		uint64_t z = ~(((x & ~high) + ~high) | x) & high;
		nd += (size_t)(((z >> 7) * ones) >> 56);
	}
	return nd;
}

/* The registrable label \p lab (\p l bytes) as the probes need it: its
 * skeleton c->q (tg_fold_label()), the prefix hashes c->pre of the
 * skeleton, and its weak look-alike skeleton c->qcanon (tg_glyph_canon())
 * with that skeleton's polynomial hash c->canon_hash, or for an ASCII
 * label (nearly all) only what glyph_finish() needs to make them.
 * Returns the skeleton's length, or -1 as tg_fold_label().  An ASCII
 * label takes one pass over its bytes; an xn-- label the separate
 * steps. */
static int label_scan(struct tg_ctx *c, const uint8_t *lab, size_t l)
{
	const tg_index *ix = c->ix;
	c->canon_lazy = 0;
	c->scanned = 0;
	if (l == 0 || l > 63 || (l >= 5 && memcmp(lab, "xn--", 4) == 0)) {
		int sl = tg_fold_label(lab, l, c->q, &c->qflags);
		if (sl <= 0)
			return sl;
		size_t m = (size_t)sl;
		c->pre[0] = 0;
		for (size_t i = 0; i < m; i++)
			c->pre[i + 1] =
			    tg_addmod(tg_mulmod(c->pre[i], ix->base),
				      (uint8_t)c->q[i] + 1u);
		c->qcl = tg_glyph_canon(c->q, m, c->qcanon, 0);
		c->canon_hash = tg_poly_extend(ix, 0, c->qcanon, c->qcl);
		return sl;
	}
	/* as tg_fold_label() (an ASCII label folds to itself), the prefix
	 * loop and the look-alike signature, in one */
	uint64_t h = 0, sig = 0;
	size_t siglen = 0;
	unsigned all = TG_LT_LDH, any = 0;
	c->pre[0] = 0;
	for (size_t i = 0; i < l; i++) {
		uint8_t ch = lab[i];
		unsigned e = ix->label_tab[ch];
		all &= e;
		any |= e;
		c->q[i] = (char)ch;
		h = tg_addmod(tg_mulmod(h, ix->base), ch + 1u);
		c->pre[i + 1] = h;
		if (e & TG_LT_SIG) {
			sig = tg_addmod(tg_mulmod(sig, ix->base),
					(e & 0xFFu) + 1u);
			siglen++;
		}
	}
	if (!all) { /* a byte no hostname label has */
		c->qflags = TG_FOLD_NONHOST;
		return -1;
	}
	/* NUL-terminated, then bytes no label has and no two alike (for
	 * count_dups()) */
	static const uint8_t tail[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
	memcpy(c->q + l, tail, sizeof(tail));
	c->qflags = 0;
	c->canon_lazy = 1;
	c->scanned = 1;
	c->ndup = count_dups(c->q, l);
	c->hyphen = (any & TG_LT_HYPHEN) != 0;
	c->sig = sig;
	c->siglen = siglen;
	return (int)l;
}

/* Make the look-alike skeleton label_scan() left out. */
static void glyph_finish(struct tg_ctx *c)
{
	if (!c->canon_lazy)
		return;
	c->qcl = tg_glyph_canon(c->q, c->m, c->qcanon, 0);
	c->canon_hash = tg_poly_extend(c->ix, 0, c->qcanon, c->qcl);
	c->canon_lazy = 0;
}

/* Queue the GLYPH probes of the label under its first c->nttags TLD tags
 * (as queue_tags()); when the glyph filter rules all of them out,
 * they are only counted. */
static void queue_glyph(struct tg_ctx *c, struct tg_pq *q, size_t *n)
{
	if (c->canon_lazy) {
		size_t k = 0;
		int maybe = 0;
		for (size_t i = 0; i < c->nttags; i++)
			if (!has_tag(c->ttags, i, c->ttags[i])) {
				k++;
				maybe |= tg_gfilter_maybe(
				    c->ix, c->sig, c->siglen, c->ttags[i]);
			}
		if (!maybe) {
			/* as queue_pre() would count them */
			if (c->nprobes < TG_MAX_PROBES)
				c->nprobes = c->nprobes + k < TG_MAX_PROBES
						 ? c->nprobes + k
						 : TG_MAX_PROBES;
			return;
		}
		glyph_finish(c);
	}
	queue_tags(c, q, n, c->canon_hash, c->qcl, TG_P_GLYPH, 0, c->nttags,
		   1u << TG_K_GLYPH, 0);
}

/* The polynomial hash of the skeleton without q[d] (\p hm: pre[m]):
 * pre[d] * B^(m-d-1) + (pre[m] - pre[d+1] * B^(m-d-1)), i.e.
 * pre[m] + (pre[d] - pre[d+1]) * B^(m-d-1). */
static inline uint64_t del_hash(const struct tg_ctx *c, uint64_t hm, size_t d)
{
	return tg_addmod(hm, tg_mulmod(tg_submod(c->pre[d], c->pre[d + 1]),
				       c->ix->pw[c->m - d - 1]));
}

/* Queue the deletion probes d in [\p lo, \p hi) of a label without '-'
 * that passed the key filter (queue_label(); not counted). */
static void queue_dels(struct tg_ctx *c, struct tg_pq *q, size_t *n,
		       uint64_t k0, size_t lo, size_t hi)
{
	const tg_index *ix = c->ix;
	const char *qs = c->q;
	const uint64_t *pre = c->pre;
	const uint64_t *pw = ix->pw + c->m - 1;
	const uint64_t *kf = ix->kfilter;
	const unsigned ks = ix->kf_shift;
	const uint64_t hm = pre[c->m] + k0;
	for (size_t d = lo; d < hi; d++) {
		if (d > 0 && qs[d] == qs[d - 1])
			continue;
		uint64_t v =
		    tg_addmod(hm, tg_mulmod(tg_submod(pre[d], pre[d + 1]),
					    pw[-(ptrdiff_t)d]));
		uint64_t b = (v * TG_KF_MUL) >> ks;
		if (kf[b >> 6] >> (b & 63) & 1)
			push(c, q, n, v, c->m - 1, TG_P_DEL, d,
			     1u << TG_K_EXACT | 1u << TG_K_DEL);
	}
}

/* Queue the probes of the registrable label (c->q, c->pre, c->qcanon:
 * label_scan()). */
static void queue_label(struct tg_ctx *c, struct tg_pq *q, size_t *n)
{
	const tg_index *ix = c->ix;
	size_t m = c->m;
	/* edits under the query's TLD (or any, for long labels), TLD swaps
	 * under it and its partners */
	queue_edit(c, q, n, c->pre[m], m, TG_P_BASE, 0, c->nttags);
	queue_probe(c, q, n, c->pre[m], m, TG_P_BASE, 0, TG_UNTAGGED,
		    1u << TG_K_CONCAT);
	/* one deletion each (edits, hyphen for dot) */
	if (m >= 4) {
		/* as queue_edit() with the query's TLD alone: the key
		 * value of a deletion is its hash (del_hash()) plus a
		 * part common to all of them */
		const uint64_t k0 =
		    tg_label_pre(ix, 0, m - 1, tg_edit_tag(m - 1, c->ttags[0]));
		const uint64_t hm = c->pre[m];
		if (c->scanned && !c->hyphen &&
		    c->nprobes + m <= TG_MAX_PROBES) {
			/* no hyphen-for-dot probes, no cap: the deletion
			 * gate rules out each half of the variants at once
			 * (tg_dgate_maybe()); all are counted */
			size_t L = m - 1, hh = L / 2;
			unsigned tag = tg_edit_tag(L, c->ttags[0]);
			if (tg_dgate_maybe(ix, qhash(c, hh + 1, m), L, tag, 1))
				queue_dels(c, q, n, k0, 0, hh);
			if (tg_dgate_maybe(ix, c->pre[hh], L, tag, 0))
				queue_dels(c, q, n, k0, hh, m);
			c->nprobes += m - c->ndup;
		} else if (c->nprobes + 2 * m <= TG_MAX_PROBES) {
			/* no probe of the loop can reach the cap: count
			 * them once; the loop's tables in locals (the
			 * probe stores might alias them) */
			const char *qs = c->q;
			const uint64_t *pre = c->pre;
			const uint64_t *pw = ix->pw + m - 1;
			const uint64_t *kf = ix->kfilter;
			const unsigned ks = ix->kf_shift;
			size_t made = 0;
			for (size_t d = 0; d < m; d++) {
				if (d > 0 && qs[d] == qs[d - 1])
					continue;
				made++;
				uint64_t h = tg_addmod(
				    hm, tg_mulmod(tg_submod(pre[d], pre[d + 1]),
						  pw[-(ptrdiff_t)d]));
				uint64_t b = ((h + k0) * TG_KF_MUL) >> ks;
				if (kf[b >> 6] >> (b & 63) & 1)
					push(c, q, n, h + k0, m - 1, TG_P_DEL,
					     d,
					     1u << TG_K_EXACT | 1u << TG_K_DEL);
				if (qs[d] == '-') { /* hyphen for dot */
					made++;
					uint64_t p = tg_label_pre(ix, h, m - 1,
								  TG_UNTAGGED);
					if (tg_kfilter_maybe(ix, p))
						push(c, q, n, p, m - 1,
						     TG_P_DEL, d,
						     1u << TG_K_CONCAT);
				}
			}
			c->nprobes += made;
		} else {
			for (size_t d = 0; d < m; d++) {
				if (d > 0 && c->q[d] == c->q[d - 1])
					continue;
				uint64_t h = del_hash(c, hm, d);
				queue_pre(c, q, n, h + k0, m - 1, TG_P_DEL, d,
					  1u << TG_K_EXACT | 1u << TG_K_DEL);
				if (c->q[d] == '-') /* hyphen for dot */
					queue_probe(c, q, n, h, m - 1, TG_P_DEL,
						    d, TG_UNTAGGED,
						    1u << TG_K_CONCAT);
			}
		}
	}
	/* ASCII look-alikes (rn/m, 0/o, 1/l, e/c ...), any number of them */
	queue_glyph(c, q, n);
	/* dot shift: the last 1-2 characters belong to the TLD */
	if (c->ps == 1 && is_shift_tld(ix, c->tld_hash)) {
		size_t tl;
		const uint8_t *tld = tg_name_label(c->nm, c->n - 1, &tl);
		for (size_t j = 1; j <= 2 && j + 2 <= m; j++) {
			/* the target's TLD: the last j characters + ours */
			uint8_t t[TG_FOLD_MAX + 2];
			if (j + tl > TG_FOLD_MAX)
				break;
			memcpy(t, c->q + m - j, j);
			memcpy(t + j, tld, tl);
			queue_probe(
			    c, q, n, c->pre[m - j], m - j, TG_P_SHIFT, j,
			    tg_edit_tag(m - j, tg_suffix_tag(
						   tg_tld_hash(ix, t, j + tl))),
			    1u << TG_K_EXACT);
		}
	}
	if (ix->nbrand)
		queue_combo(c, q, n);
	/* doppelganger prefixes: wwwarmy, mailarmy (most labels start with
	 * a letter no prefix starts with) */
	unsigned char q0 = (unsigned char)c->q[0];
	if (q0 < 'a' || q0 > 'z' || !(tg_rule_prefix_first >> (q0 - 'a') & 1))
		return;
	for (size_t p = 0; p < tg_rule_nprefixes; p++) {
		size_t pl = tg_rule_prefixes[p].len;
		if (c->q[0] != tg_rule_prefixes[p].p[0] || m < pl + 4 ||
		    memcmp(c->q, tg_rule_prefixes[p].p, pl) != 0)
			continue;
		queue_probe(c, q, n, qhash(c, pl, m), m - pl, TG_P_PREFIX, p,
			    tg_edit_tag(m - pl, c->ttags[0]), 1u << TG_K_EXACT);
	}
}

/* Queue the labels left of the registrable one (target embedding). */
static void queue_embedding(struct tg_ctx *c, struct tg_pq *q, size_t *n)
{
	for (unsigned i = 0; i < c->r; i++) {
		size_t l;
		const uint8_t *lab = tg_name_label(c->nm, i, &l);
		if (l < 2) /* folding never lengthens a label */
			continue;
		char sk[TG_FOLD_MAX];
		unsigned fl;
		int sl = tg_fold_label(lab, l, sk, &fl);
		if (sl < 2)
			continue;
		/* the target's suffix continues the query right of the
		 * embedded label, so its TLD is one of the (at most max_suf)
		 * labels there */
		uint64_t h = tg_poly_extend(c->ix, 0, sk, (size_t)sl);
		if (tg_edit_tag((size_t)sl, 0) == TG_ANYSUF) {
			queue_probe(c, q, n, h, (size_t)sl, TG_P_EMBED, i,
				    TG_ANYSUF, 1u << TG_K_EXACT);
			continue;
		}
		unsigned last =
		    i + c->ix->max_suf < c->n ? i + c->ix->max_suf : c->n - 1;
		for (unsigned j = i + 1; j <= last; j++)
			if (!has_tag(c->ltags + i + 1, j - i - 1, c->ltags[j]))
				queue_probe(c, q, n, h, (size_t)sl, TG_P_EMBED,
					    i, c->ltags[j], 1u << TG_K_EXACT);
	}
}

static void result_init(tg_result *out)
{
	out->verdict = TG_VERDICT_PASS;
	out->score = 0;
	out->classes = 0;
	out->held = 0;
	out->allowlisted = 0;
	out->is_protected = 0;
	out->infrastructure = 0;
	out->name[0] = 0;
	out->protected_name[0] = 0;
	out->source = NULL;
	out->source_line = 0;
}

/* Set up the context for public suffix length \p ps and queue all probes
 * of the name; with \p memo, not those of a registrable label it knows
 * matches nothing. */
static void queue_all(struct tg_ctx *c, const uint64_t *sh, unsigned ps,
		      struct tg_memo *memo, struct tg_pq *pq, size_t *npq)
{
	const tg_name *nm = c->nm;
	const tg_index *ix = c->ix;
	c->ps = ps;
	c->r = nm->n - 1 - ps;
	c->suf = nm->wire + nm->off[c->r + 1];
	c->suf_len = nm->wire_len - nm->off[c->r + 1];
	c->tld_hash = sh[nm->n - 1];
	c->memo_slot = NULL;
	c->memo_hit = 0;
	c->nprobes = 0;
	size_t dl = nm->wire_len - nm->off[c->r];
	if (memo && dl <= TG_MEMO_WIRE) {
		struct tg_memo_slot *ms =
		    &memo->s[sh[c->r] & (TG_MEMO_SLOTS - 1)];
		c->memo_slot = ms;
		c->memo_hit =
		    ms->len == dl && ms->hash == sh[c->r] &&
		    memcmp(ms->wire, nm->wire + nm->off[c->r], dl) == 0;
	}
	c->m = 0;
	int sl = 0;
	if (!c->memo_hit) {
		size_t l;
		const uint8_t *lab = tg_name_label(nm, c->r, &l);
		sl = label_scan(c, lab, l);
		c->m = sl > 0 ? (size_t)sl : 0;
	}
	/* the tags the rules accept: the query's TLD (edits and TLD swaps)
	 * and the TLD's curated partners (TLD swaps) */
	c->nttags = 0;
	c->ttags[c->nttags++] = tg_suffix_tag(sh[nm->n - 1]);
	uint64_t th = sh[nm->n - 1];
	if (tg_pair_conf_maybe(ix, th)) {
		for (size_t i = 0; i < ix->npairs && c->nttags < 8; i++)
			if (ix->pairs[i].conf_hash == sh[nm->n - 1])
				c->ttags[c->nttags++] = ix->pairs[i].prot_tag;
	}
	if (!ix->nkeys)
		return;
	if (sl > 0)
		queue_label(c, pq, npq);
	if (c->r > 0 && !c->ltags_made) {
		for (unsigned i = 1; i < nm->n; i++)
			c->ltags[i] = tg_suffix_tag(
			    tg_hash_label_join(ix->seed, c->lh[i]));
		c->ltags_made = 1;
	}
	queue_embedding(c, pq, npq);
}

/* Remember that the registrable label of a scored name matched nothing,
 * when all its probes ran and nothing at all matched. */
static void memo_note(const struct tg_ctx *c, const uint64_t *sh)
{
	struct tg_memo_slot *ms = c->memo_slot;
	if (!ms || c->memo_hit || c->m == 0 || c->nc != 0 ||
	    c->nprobes >= TG_MAX_PROBES)
		return;
	const tg_name *nm = c->nm;
	size_t dl = nm->wire_len - nm->off[c->r];
	ms->hash = sh[c->r];
	ms->len = (uint8_t)dl;
	if (nm->off[c->r] + sizeof(ms->wire) <= sizeof(nm->wire))
		/* a fixed size: no call (the bytes past dl are never read) */
		memcpy(ms->wire, nm->wire + nm->off[c->r], sizeof(ms->wire));
	else
		memcpy(ms->wire, nm->wire + nm->off[c->r], dl);
}

/*
 * The steps are ordered as a prefetch pipeline: the name-set and PSL slots
 * of every suffix are requested first; the probe keys are computed (for
 * the guess that the public suffix is the TLD) and both buckets of each
 * requested while those arrive; the PSL walk confirms the guess (or the
 * probes are redone), and the subtree checks and per-query setup run while
 * the buckets arrive.  A query thus waits for memory about once, not once
 * per probe.  With \p text, out->name is rendered too, in that same wait.
 */
static void score_parsed(const tg_index *ix, struct tg_memo *memo,
			 const tg_name *nm, tg_result *out, int text)
{
	if (nm->n == 0) {
		if (text)
			tg_name_to_text(nm, 0, out->name, sizeof(out->name));
		return;
	}
	struct tg_ctx c;
	uint64_t sh[TG_MAX_LABELS + 1];
	sh[nm->n] = ix->seed;
	for (unsigned i = nm->n; i-- > 0;) {
		size_t l;
		const uint8_t *lab = tg_name_label(nm, i, &l);
		uint64_t lh = tg_hash_bytes(ix->seed, lab, l);
		sh[i] = tg_hash_label_join(sh[i + 1], lh);
		/* the label alone as a TLD, from the same byte hash (for
		 * the embedding probes: queue_all()) */
		c.lh[i] = lh;
		/* only suffixes that can be in the name set */
		if (ix->nset_depth[nm->n - i])
			__builtin_prefetch(ix->nset +
					   tg_slot(sh[i], ix->nnset));
	}
	/* the two PSL slots the walk nearly always reads, and the memo's */
	__builtin_prefetch(ix->psl.keys +
			   ((size_t)(sh[nm->n - 1] | 1) & ix->psl.mask));
	if (nm->n >= 2) {
		__builtin_prefetch(ix->psl.keys + ((size_t)(sh[nm->n - 2] | 1) &
						   ix->psl.mask));
		if (memo)
			__builtin_prefetch(
			    &memo->s[sh[nm->n - 2] & (TG_MEMO_SLOTS - 1)]);
	}
	c.ix = ix;
	c.nm = nm;
	c.n = nm->n;
	c.ltags_made = 0;
	c.nc = 0;
	c.nsame = 0;
	c.label_prot = -1;
	c.m = 0;
	c.nprobes = 0;
	c.two_ok = 0;
	struct tg_pq pq[TG_MAX_PROBES];
	size_t npq = 0;
	/* Speculate that the public suffix is the TLD alone (true for most
	 * names) and queue the probes, requesting their buckets, before the
	 * PSL walk, whose slots are still on their way: in a busy resolver
	 * every one of them is a cache miss, and this way they overlap.
	 * Requeue if the walk disagrees. */
	unsigned guess = nm->n >= 2 ? 1 : nm->n;
	if (guess < nm->n)
		queue_all(&c, sh, guess, memo, pq, &npq);
	c.ps = tg_psl_suffix_labels(&ix->psl, sh, nm->n);
	if (c.ps != guess) {
		npq = 0;
		if (c.ps < nm->n)
			queue_all(&c, sh, c.ps, memo, pq, &npq);
	}
	if (c.ps >= nm->n) { /* a public suffix itself */
		if (text)
			tg_name_to_text(nm, 0, out->name, sizeof(out->name));
		return;
	}
	/* the probes' buckets are on their way: the subtree checks and the
	 * per-query setup below run while they arrive */
	/* protected names and allowlisted subtrees never match (no entry
	 * has more than max_labels labels); a registrable domain in the memo
	 * has no entry at or above it */
	unsigned nend = c.memo_hit ? c.r : nm->n;
	for (unsigned i = nm->n > ix->max_labels ? nm->n - ix->max_labels : 0;
	     i < nend; i++) {
		/* no entry has as many labels as this suffix */
		if (!ix->nset_depth[nm->n - i])
			continue;
		const struct tg_nrec *r =
		    tg_nset_find(ix, sh[i], nm->wire + nm->off[i],
				 nm->wire_len - nm->off[i]);
		if (!r)
			continue;
		if ((r->kind & TG_N_PROT) && !out->is_protected) {
			out->is_protected = 1;
			tg_wire_to_text(ix->arena.data + r->wire_off,
					r->wire_len, out->protected_name,
					sizeof(out->protected_name));
			out->source = ix->sources.s[r->src];
			out->source_line = r->line;
		}
		if (r->kind & TG_N_ALLOW)
			out->allowlisted = 1;
		if (r->kind & TG_N_INFRA)
			out->infrastructure = 1;
	}
	if (out->is_protected || out->allowlisted) {
		if (text)
			tg_name_to_text(nm, 0, out->name, sizeof(out->name));
		return;
	}
	c.restricted = 0;
	if (text)
		tg_name_to_text(nm, 0, out->name, sizeof(out->name));
	/* a CDN or proxy name carries its customers' host names: drop the
	 * embedding probes (the other rules judge its own labels), and do
	 * not remember the registrable domain, whose infrastructure entry
	 * a memo hit would no longer look up */
	if (out->infrastructure) {
		size_t k = 0;
		for (size_t i = 0; i < npq; i++)
			if (pq[i].pk != TG_P_EMBED)
				pq[k++] = pq[i];
		npq = k;
	}
	/* a restricted TLD caps the candidates' scores: only probes make
	 * candidates */
	if (npq > 0) {
		size_t tl;
		const uint8_t *tld = tg_name_label(nm, nm->n - 1, &tl);
		if (tl == 3 && ix->nrestricted3 == tg_rule_nrestricted) {
			/* the TLD's three bytes against each restricted one */
			uint32_t t3 = (uint32_t)tld[0] | (uint32_t)tld[1] << 8 |
				      (uint32_t)tld[2] << 16;
			const uint32_t *r3 = ix->restricted3;
			c.restricted = (t3 == r3[0]) | (t3 == r3[1]) |
				       (t3 == r3[2]) | (t3 == r3[3]);
		} else {
			for (size_t i = 0; tl == 3 && i < tg_rule_nrestricted;
			     i++)
				if (memcmp(tld, tg_rule_restricted[i], 3) == 0)
					c.restricted = 1;
		}
	}
	probe_all(&c, pq, npq);
	if (!out->infrastructure)
		memo_note(&c, sh);
	/* between equal scores the target listed first wins: the order in
	 * which candidates are met depends on the index's random seed */
	const struct tg_cand *best = NULL;
	for (size_t i = 0; i < c.nc; i++)
		if (!best || c.c[i].score > best->score ||
		    (c.c[i].score == best->score && c.c[i].tid < best->tid))
			best = &c.c[i];
	if (!best)
		return;
	const struct tg_target *t = &ix->t[best->tid];
	out->score = best->score;
	out->classes = best->classes;
	out->held = 0;
	if (best->score < ix->block_threshold) {
		out->held = best->held & ~TG_HELD_ASK_NAMESAKE;
		if ((best->held & TG_HELD_ASK_NAMESAKE) && label_protected(&c))
			out->held |= TG_HELD_NAMESAKE;
	}
	tg_wire_to_text(ix->arena.data + t->wire_off, t->wire_len,
			out->protected_name, sizeof(out->protected_name));
	out->source = ix->sources.s[t->src];
	out->source_line = t->line;
	if (out->score >= ix->block_threshold)
		out->verdict = TG_VERDICT_BLOCK;
	else if (out->score >= ix->log_threshold)
		out->verdict = TG_VERDICT_LOG;
}

int tg_score_name(const tg_index *ix, const char *name, tg_result *out)
{
	if (!ix || !name || !out)
		return TG_EINVAL;
	result_init(out);
	tg_name nm;
	size_t len = strnlen(name, TG_MAX_TEXT + 1);
	if (tg_name_from_text(&nm, name, len, NULL, 0) != TG_OK) {
		snprintf(out->name, sizeof(out->name), "%.*s",
			 (int)(len > 200 ? 200 : len), name);
		return TG_ENAME;
	}
	score_parsed(ix, NULL, &nm, out, 1);
	return TG_OK;
}

/* The wire entry points; with \p text the name is always rendered, else
 * only for a result other than a plain pass. */
static int score_wire_as(const tg_index *ix, tg_memo *memo, const uint8_t *wire,
			 size_t len, tg_result *out, int text)
{
	if (!ix || !wire || !out)
		return TG_EINVAL;
	result_init(out);
	tg_name nm;
	if (tg_name_from_wire(&nm, wire, len, NULL, 0) != TG_OK)
		return TG_ENAME;
	if (memo && memo->serial != ix->serial) {
		for (size_t i = 0; i < TG_MEMO_SLOTS; i++)
			memo->s[i].len = 0;
		memo->serial = ix->serial;
	}
	score_parsed(ix, memo, &nm, out, text);
	if (!text && (out->verdict != TG_VERDICT_PASS || out->is_protected ||
		      out->allowlisted))
		tg_name_to_text(&nm, 0, out->name, sizeof(out->name));
	return TG_OK;
}

int tg_score_wire(const tg_index *ix, const uint8_t *wire, size_t len,
		  tg_result *out)
{
	return score_wire_as(ix, NULL, wire, len, out, 1);
}

tg_memo *tg_memo_create(void)
{
	/* calloc: every slot empty, serial 0 matches no index */
	return calloc(1, sizeof(struct tg_memo));
}

void tg_memo_free(tg_memo *memo)
{
	free(memo);
}

size_t tg_memo_memory(const tg_memo *memo)
{
	return memo ? sizeof(*memo) : 0;
}

int tg_score_wire_memo(const tg_index *ix, tg_memo *memo, const uint8_t *wire,
		       size_t len, tg_result *out)
{
	return score_wire_as(ix, memo, wire, len, out, 0);
}

/* ------------------------------------------------------------ explain */

size_t tg_result_explain(const tg_result *res, char *buf, size_t len)
{
	if (!buf || len == 0)
		return 0;
	buf[0] = 0;
	if (!res)
		return 0;
	size_t o = 0;
#define TG_PUT(...)                                                            \
	do {                                                                   \
		int k_ =                                                       \
		    snprintf(buf + o, o < len ? len - o : 0, __VA_ARGS__);     \
		if (k_ > 0)                                                    \
			o += (size_t)k_;                                       \
		if (o >= len)                                                  \
			o = len - 1;                                           \
	} while (0)
	if (res->allowlisted) {
		TG_PUT("%s is allowlisted", res->name);
	} else if (res->is_protected) {
		TG_PUT("%s is protected (entry %s)", res->name,
		       res->protected_name);
	} else if (!res->classes) {
		TG_PUT("%s looks like no protected name%s", res->name,
		       res->infrastructure
			   ? " (it is under an infrastructure entry: a "
			     "protected name inside it is a CDN or proxy host "
			     "name, not an embedding)"
			   : "");
	} else {
		TG_PUT("%s looks like %s:", res->name, res->protected_name);
		const char *sep = " ";
		for (unsigned i = 0; i < TG_C_COUNT; i++) {
			if (!(res->classes & (1u << i)))
				continue;
			TG_PUT("%s%s (%s)", sep, tg_rule_class_prose(1u << i),
			       tg_class_name(1u << i));
			sep = "; ";
		}
		TG_PUT("; score %d, %s", res->score,
		       tg_verdict_name(res->verdict));
		if (res->source)
			TG_PUT(" (protected by %s:%lu)", res->source,
			       res->source_line);
		sep = "; held below block: ";
		for (unsigned i = 0; i < TG_HELD_COUNT; i++) {
			if (!(res->held & (1u << i)))
				continue;
			TG_PUT("%s%s", sep, tg_held_prose(1u << i));
			sep = "; ";
		}
	}
#undef TG_PUT
	return o;
}
