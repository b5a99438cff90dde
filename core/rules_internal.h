/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The rule table of the lookalike model: every constant the model is made
 * of, in one place (rules.c), read by the index builder (index.c), the
 * scorer (score.c) and the enumerator (enumerate.c).
 *
 *  - look-alike characters (tg_rule_glyphs): each pair once, with what it
 *    is good for: a near-identical pair folds in the strong skeleton and
 *    is mixed freely by the enumerator; a weak one folds in the weak
 *    skeleton; every pair scores as a homoglyph when it is the one
 *    replaced character (tg_rule_glyph_pair());
 *  - keyboard layouts (QWERTY, QWERTZ, AZERTY) as rows of keys: two keys
 *    are neighbours when they touch on one of them (tg_rule_kbd());
 *  - doppelganger prefixes (www, mail, login ...) with class and score;
 *  - combo keywords (brand + word) with their source;
 *  - the restricted registries (outsiders cannot register there);
 *  - the curated TLD confusion pairs;
 *  - the base score of every class and the adjustments (tg_rules).
 *
 * Nothing here is written after compilation: all tables are const.
 */
#ifndef TG_RULES_INTERNAL_H
#define TG_RULES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/** What a look-alike pair is used for (bits). */
enum tg_glyph_use {
	TG_G_STRONG = 1u << 0, /**< near-identical: strong skeleton fold
				    (from -> to), mixed in any number */
	TG_G_WEAK = 1u << 1,   /**< weak skeleton fold (from -> to) */
	TG_G_NOFOLD = 1u << 2, /**< scores as a replaced homoglyph only; the
				    fold follows from other pairs (1/i: both
				    fold to l) or is done by the multi-
				    character rules of tg_glyph_canon() */
	TG_G_NOPAIR = 1u << 3  /**< a fold only: one of them replaced by the
				    other is no homoglyph (r/m: rn/m is) */
};

/** One look-alike pair: \p from looks like \p to (1-2 characters). */
struct tg_rule_glyph {
	const char *from, *to;
	uint8_t use; /**< TG_G_* */
};

extern const struct tg_rule_glyph tg_rule_glyphs[];
extern const size_t tg_rule_nglyphs;

/** Are single characters \p a and \p b a look-alike pair (any use)? */
int tg_rule_glyph_pair(char a, char b);

/** The single-character folds of the strong skeleton (0: the character
 *  itself) and of the weak one (every byte: what it folds to, itself when
 *  no rule folds it), built from tg_rule_glyphs by tg_rules_init(). */
extern char tg_rule_fold_strong[128];
extern unsigned char tg_rule_fold_weak[256];

/** Build the derived tables once (thread-safe).  A constructor of rules.c
 *  calls it at load time; tg_index_build() calls it again (a no-op). */
void tg_rules_init(void);

/** Keyboard layouts (bits of tg_rule_kbd()). */
enum tg_kbd_layout {
	TG_KBD_QWERTY = 1u << 0,
	TG_KBD_QWERTZ = 1u << 1,
	TG_KBD_AZERTY = 1u << 2
};

/** The layouts on which keys \p a and \p b touch (0: none). */
unsigned tg_rule_kbd(char a, char b);

/** A doppelganger prefix: a subdomain label glued to the registrable
 *  one (wwwarmy.mil). */
struct tg_rule_prefix {
	const char *p;
	size_t len;
	unsigned cls; /**< TG_C_* */
	int score;
};

extern const struct tg_rule_prefix tg_rule_prefixes[];
extern const size_t tg_rule_nprefixes;
/** Bit (c - 'a') set for each first letter of a prefix. */
extern const uint32_t tg_rule_prefix_first;

/** Combo keywords (brand + word): sorted, lowercase. */
extern const char *const tg_rule_keywords[];
extern const size_t tg_rule_nkeywords;

/** Is \p w (\p len bytes) a combo keyword? */
int tg_rule_keyword(const char *w, size_t len);

/** Restricted registries (three letters each). */
extern const char *const tg_rule_restricted[];
extern const size_t tg_rule_nrestricted;

/** A curated TLD confusion pair (strong: block-worthy; else log). */
struct tg_rule_pair {
	const char *prot, *conf;
	uint8_t strong;
};

extern const struct tg_rule_pair tg_rule_pairs[];
extern const size_t tg_rule_npairs;

/** A class: its stable name (tg_class_name()) and its explanation. */
struct tg_rule_class {
	const char *name;
	const char *prose;
	const char *example; /**< a lookalike of army.mil/gmail.com/... */
};

/** The classes, in bit order (TG_C_COUNT). */
extern const struct tg_rule_class tg_rule_classes[];

/** The explanation of one class bit ("unknown" for others). */
const char *tg_rule_class_prose(unsigned class_bit);

/** Base scores (0..100) and adjustments of the classes. */
struct tg_rule_scores {
	int addition;	     /**< a character appended */
	int hyphenation;     /**< a '-' inserted */
	int repetition;	     /**< a character doubled */
	int insertion_kbd;   /**< a neighbour of the adjacent key inserted */
	int insertion_other; /**< any other character inserted */
	int insertion_glyph; /**< l/i inserted before b/h/k (lb/b) */
	int omission;
	int transposition;
	int homoglyph_edit; /**< one look-alike character replaced */
	int vowel_swap;
	int replacement_kbd;   /**< a QWERTY neighbour typed */
	int replacement_kbd2;  /**< a neighbour on QWERTZ/AZERTY only */
	int replacement_other; /**< any other character */
	int bitflip;
	int idn_insert, idn_edit; /**< a Unicode character made the edit */
	int digit_cap;		  /**< digit for digit: at most this */
	int digit_edit_cap;	  /**< a digit dropped (y7mail/ymail), or
				       for a brand appended (xvideos2):
				       numbered siblings */
	int hack_cap; /**< missing dot of a brand's two-letter ccTLD "domain
			 hack" (bit.ly -> bitly.com) */
	int brand_swap_cap;  /**< TLD swap of a brand outside the restricted
				registries (brands own apple.co) */
	int first_letter;    /**< subtracted at position 0 */
	int plural_cap;	     /**< a final 's' more or less */
	int len5, len8;	     /**< 5-letter: -len5; 8 and more: +len8 */
	int brand_long;	     /**< added for a brand-profile label of
				TG_RULE_BRAND_BLOCK_MIN or more */
	int short_cap;	     /**< query label of 4 or fewer */
	int restricted_cap;  /**< query inside a restricted registry */
	int suffix_edit_cap; /**< one edit under another public suffix */
	int suffix_slip_min; /**< ... of a brand label of
				TG_RULE_BRAND_BLOCK_MIN or more by a slip of
				the hand scoring at least this: not capped
				(see eval_edit()) */
	int two_edits;	     /**< two edits of a long label */
	int combo;	     /**< brand as a token, prefix or suffix */
	int combo_keyword;   /**< ... and the rest is a combo keyword */
	int combo_long;	     /**< added per brand character over 6 */
	int combo_cap;	     /**< combos score at most this */
};

extern const struct tg_rule_scores tg_rules;

/** Shortest target label whose edits count under any public suffix, not
 *  only its own (measured: see BENCHMARKS.md and tests/eval). */
#ifndef TG_RULE_ANYSUF_MIN
#define TG_RULE_ANYSUF_MIN 7
#endif
/** Shortest label of a brand-profile target (and of no typo-profile
 *  one) whose lookalikes may block; those of shorter brands score at most
 *  just below the block threshold, and so do embeddings of any brand
 *  (brand.com.cdn.example is how CDNs name their customers' hosts), except
 *  when a Unicode character made the look-alike.  Measured with the Tranco
 *  top 1,000 protected as brands: a legitimate domain one edit away from a
 *  brand of fewer than 10 characters is common (googl.com, twiter.com,
 *  docer.com, wal-mart.com, a-msedge.net), one from a longer brand rare
 *  (tests/eval/lookalikes.py prints the figures). */
#define TG_RULE_BRAND_BLOCK_MIN 10
/** Shortest target label for two edits. */
#define TG_RULE_TWO_EDITS_MIN 8
/** Shortest brand for combos: as a token, as a prefix or suffix. */
#define TG_RULE_COMBO_TOKEN_MIN 5
#define TG_RULE_COMBO_AFFIX_MIN 6

#endif /* TG_RULES_INTERNAL_H */
