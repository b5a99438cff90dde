/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The immutable index: layout shared by the builder (index.c) and the
 * scorer (score.c).
 *
 * Targets are the distinct registrable domains (eTLD+1) of the protected
 * entries.  Each target puts a few 64-bit keys, each of one kind, into
 * one table:
 *  - EXACT:  the skeleton of its registrable label ("army", "gmail");
 *  - DEL:    that skeleton with one character deleted (symmetric-delete
 *            keys; only for labels of 5 or more characters, since shorter
 *            labels match through skeleton and TLD rules only);
 *  - CONCAT: the label joined with the first suffix label ("armymil"),
 *            and for entries below a registrable domain the label left
 *            of it joined with the registrable label ("wwwarmy" for
 *            www.army.mil; a SUB target of its own);
 *  - GLYPH:  the label's ASCII look-alike skeleton (0->o, 1/i->l, rn->m,
 *            e->c, ...; see tg_glyph_canon());
 *  - CONCAT under the tags TG_HEAD and TG_TAIL: the first and the last
 *            six characters of a label of six or more (combos: brand as
 *            a prefix or suffix, metamaskapp).
 * A query probes its own skeleton, its one-deletion variants and a few
 * rule-specific variants: O(label length) probes whatever the list size.
 *
 * Each key also carries 8 bits of the TLD its rules need (none for
 * CONCAT; see tg_suffix_tag()), except the EXACT and DEL keys of labels of
 * TG_RULE_ANYSUF_MIN or more characters, which carry TG_ANYSUF (their
 * edits count under any public suffix), and a query probes with the tags
 * its rules accept:
 * the same label under an irrelevant suffix ("army" under 300 TLDs) is a
 * different key, so a probe's matches are nearly all worth evaluating and
 * nothing is read for the others.
 *
 * The key table is a bucketed cuckoo hash: each distinct (key, kind)
 * appears once, in one of two buckets of eight 16-bit slot words (16
 * bytes) chosen from two independent parts of the key, so a probe reads
 * at most two places it knows from the key alone.  Keys go to their first
 * bucket when it has room, and a bitmap (one bit a bucket) marks the
 * first buckets some of whose keys had to go to their second: only for
 * those (about a third) is the second bucket matched.  A slot word holds a
 * 13-bit fingerprint, a flag and the kind: 2 bytes a key, so the part
 * every probe reads stays small (about 2 MB at 100 k names).  The
 * parallel value word (4 bytes, read only on a match) is the target id,
 * or (TG_KF_MULTI) the offset of a postings list when several targets
 * share the key (one deletion of "county1" and of "county2"), so no
 * bucket overflows.
 *
 * A key filter (one bit per key, indexed by the key's value before it is
 * mixed; built once per index) stands in front of the table: a probe whose
 * bit is clear, which is most probes of a name that looks like nothing
 * protected, is neither mixed nor matched and reads no bucket.
 *
 * The scorer computes every probe's key while the name-set and PSL slots
 * it asked for first are on their way (guessing that the public suffix is
 * the TLD), requests both buckets, the bitmap word and the value words
 * at once, matches them after the other per-name work, then requests the
 * postings lists of all matches, then their targets, then the targets'
 * bytes, and only then evaluates them: a few waits per name, each for
 * many lines at once, not one per probe or per target.  Every hit is
 * verified against the target's stored bytes, so fingerprints only have
 * to be good, not perfect.  After the build all tables move into one
 * 2 MiB-aligned slab advised for huge pages.
 *
 * A second small table (the name set) holds every protected and allowlist
 * entry by suffix hash, for the "never flag a protected name, its subtree,
 * or an allowlisted subtree" rules.  All strings live in one arena.  After
 * tg_index_build() nothing is written: any number of threads may score.
 */
#ifndef TG_INDEX_INTERNAL_H
#define TG_INDEX_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "fold_internal.h"
#include "name_internal.h"
#include "psl_internal.h"
#include "rules_internal.h"
#include "typoguard.h"
#include "util_internal.h"

/** Slots per bucket of the key table (8 x 2 bytes: a quarter line). */
#define TG_BUCKET 8

/** Slot word: fingerprint << 3 | TG_KF_MULTI | kind; 0 when empty. */
#define TG_KF_FP    0xFFF8u
#define TG_KF_MULTI 4u

enum tg_key_kind {
	TG_K_EXACT = 0,
	TG_K_DEL = 1,
	TG_K_CONCAT = 2,
	TG_K_GLYPH = 3
};

/** Target flags. */
enum tg_target_flags {
	TG_T_TLDPROT = 1u << 0, /**< its suffix is itself a protected entry */
	TG_T_IDN = 1u << 1,	/**< its label folds to a different skeleton */
	TG_T_SUB = 1u << 2,	/**< an entry below a registrable domain:
				     wire is sub.label.suffix, skeleton is
				     sub + label; CONCAT key only */
	TG_T_BRAND = 1u << 3,	/**< some entry naming it has the brand
				     profile: combos count */
	TG_T_TYPO = 1u << 4	/**< some entry naming it has the typo
				     profile: the brand limits do not apply */
};

/** A protected registrable domain. 16 bytes. */
struct tg_target {
	/** wire form in the arena, root byte included; for TG_T_IDN and
	 *  TG_T_SUB targets the skeleton follows it, otherwise the skeleton
	 *  is the first label itself */
	uint32_t wire_off;
	uint32_t src;	    /**< index into sources */
	uint32_t line;	    /**< line of the first entry that named it */
	uint8_t wire_len;   /**< wire bytes, root included */
	uint8_t skel_len;   /**< skeleton bytes */
	uint8_t flags;	    /**< TG_T_* */
	uint8_t suf_labels; /**< labels in the public suffix */
};

/** Name-set record kinds (bits). */
enum tg_nrec_kind {
	TG_N_PROT = 1u << 0,
	TG_N_ALLOW = 1u << 1,
	TG_N_INFRA = 1u << 2 /**< embeddings under it do not count */
};

/** A protected, allowlist or infrastructure entry. */
struct tg_nrec {
	uint32_t wire_off; /**< wire form in the arena, root included */
	uint32_t src;	   /**< source of the first (protected) entry */
	uint32_t line;
	uint8_t wire_len;
	uint8_t kind; /**< TG_N_* bits */
};

/** One curated or operator TLD confusion pair. */
struct tg_index_pair {
	char prot[64];
	char conf[64];
	uint8_t plen, clen; /**< their lengths */
	uint8_t prot_tag;   /**< tg_suffix_tag() of prot as a suffix */
	uint64_t conf_hash; /**< suffix hash of conf (a query's TLD hash) */
	uint8_t strong;	    /**< 1: block-worthy; 0: log-worthy */
};

/** Words of tg_index.shift_bits (a power of two). */
#define TG_SHIFT_WORDS 256

struct tg_index {
	uint64_t seed;	 /**< suffix-hash seed (random per build) */
	uint64_t serial; /**< unique per index built in this process: a
			      tg_memo filled for another index is reset */
	uint64_t base;	 /**< polynomial base for label keys */
	uint64_t pw[TG_FOLD_MAX + 2]; /**< base^k mod 2^64 */
	int block_threshold, log_threshold;
	tg_psl psl;
	tg_arena arena;
	struct tg_target *t; /**< targets, owned */
	size_t nt;
	/** key table: nbuckets * TG_BUCKET slot words (kfp, TG_KF_*), and
	 *  their value words (kval), read only on a match: the target id,
	 *  or with TG_KF_MULTI the offset in post */
	uint16_t *kfp;
	uint32_t *kval;
	size_t nbuckets;
	size_t nkeys; /**< used slots (distinct keys) */
	size_t nrefs; /**< (key, target) pairs, before merging */
	/** bit b set when a key whose first bucket is b lives in its
	 *  second: a probe reads the second bucket only then */
	uint64_t *spill;
	/** key filter: bit tg_kfilter_maybe() set for the unmixed value of
	 *  every key in the table (2^(64 - kf_shift) bits, 8 to 16 per
	 *  key: about one probe in ten without a key passes it).  Most
	 *  probes of a name that looks like nothing protected stop here:
	 *  no mixing, no bucket index, no bucket read */
	uint64_t *kfilter;
	unsigned kf_shift;
	/** glyph filter: bit tg_gfilter_maybe() set for the look-alike
	 *  signature (tg_glyph_sig()) of every GLYPH key, under its tag
	 *  (2^(64 - gf_shift) bits, 16 to 32 per target).  A query whose
	 *  signature has no bit under any of its tags has no GLYPH key to
	 *  find: its look-alike skeleton is not finished */
	uint64_t *gfilter;
	unsigned gf_shift;
	/** deletion gate: for every EXACT and DEL key of L >= 3 characters,
	 *  a bit for its first L/2 characters and one for the rest
	 *  (tg_dgate_maybe()).  A query's deletion variants of length L that
	 *  drop a character at L/2 or later all begin with its first L/2
	 *  characters, those that drop one before all end with its
	 *  characters after L/2: when the bit of that half is clear, none of
	 *  those variants is a key, and they are only counted */
	uint64_t *dgate;
	unsigned dg_shift;
	/** postings of shared keys: a count, then that many target ids */
	uint32_t *post;
	size_t npost;
	uint32_t *nset;	     /**< name set: tg_nset_fp() | record index */
	size_t nnset;	     /**< slots */
	struct tg_nrec *rec; /**< records, owned */
	size_t nrec;
	tg_strtab sources;	     /**< the list's sources, then the built-in
					infrastructure list's (owned) */
	struct tg_index_pair *pairs; /**< owned */
	size_t npairs;
	size_t nprotected;   /**< protected entries */
	size_t nbrand;	     /**< targets with the brand profile: without
				  any, queries queue no combo probes */
	unsigned max_labels; /**< most labels of a name-set entry: deeper
				  suffixes of a query need no lookup */
	unsigned max_suf;    /**< most public-suffix labels of a target:
				  an embedded target's TLD is at most this
				  far right of its label */
	/** suffix hashes of the TLDs a dot shift can leave (il and l for
	 *  mil, om and m for com), sorted; queries under other TLDs skip the
	 *  dot-shift probes */
	uint64_t *shift_tlds;
	size_t nshift_tlds;
	/** bit (h & 16383) set for each h in shift_tlds, and bit
	 *  (h & 1023) in pair_conf_bits for each pair's conf_hash: one bit
	 *  test rules out most TLDs before the search (with 64 bits, .com
	 *  collided with one of the 20 curated confusions in a quarter of
	 *  the builds, and every .com query then scanned all pairs; with
	 *  1024 shift bits, a list of Tranco's ~1,000 shift TLDs set most of
	 *  them, and most queries searched shift_tlds) */
	uint64_t shift_bits[TG_SHIFT_WORDS];
	uint64_t pair_conf_bits[16];
	/** per byte of a label, for the scorer's single pass over an ASCII
	 *  label: 0 for a byte tg_fold_label() rejects (not [a-z0-9_-]),
	 *  else TG_LT_LDH | the byte's weak look-alike fold
	 *  (tg_rule_fold_weak) | TG_LT_SIG when that fold is part of the
	 *  signature | TG_LT_HYPHEN for '-' */
	uint16_t label_tab[256];
	/** nset_depth[k] = 1 when some name-set entry has k labels: a
	 *  suffix of any other depth needs no lookup */
	uint8_t nset_depth[TG_MAX_LABELS + 1];
	/** tg_rule_restricted's TLDs, three bytes each in a word (unused
	 *  ones UINT32_MAX, which no three bytes are) */
	uint32_t restricted3[4];
	size_t nrestricted3;
	void *slab; /**< after the build: one allocation holding
			 keys, post, spill, t, arena, nset, rec and the
			 PSL tables (they are not freed alone) */
	size_t slab_len;
};

/* --- polynomial label hashing ----------------------------------------- *
 * Wrapping arithmetic mod 2^64 with a random odd base per index: one
 * multiplication per character, and the known mod-2^64 collision families
 * need strings far longer than a 63-byte label.  Collisions would only
 * cost a verification anyway; the key is mixed (tg_label_key) before use. */
static inline uint64_t tg_mulmod(uint64_t a, uint64_t b)
{
	return a * b;
}

static inline uint64_t tg_addmod(uint64_t a, uint64_t b)
{
	return a + b;
}

static inline uint64_t tg_submod(uint64_t a, uint64_t b)
{
	return a - b;
}

/** Polynomial hash of bytes, appended to the hash \p h of a prefix. */
static inline uint64_t tg_poly_extend(const struct tg_index *ix, uint64_t h,
				      const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = tg_addmod(tg_mulmod(h, ix->base), (uint8_t)s[i] + 1u);
	return h;
}

/** The tag value of keys that hold for any suffix (CONCAT). */
#define TG_UNTAGGED 256u

/** The value a table key mixes (tg_label_key()): what the key filter is
 *  indexed by, so that a probe the filter rules out costs no mixing. */
static inline uint64_t tg_label_pre(const struct tg_index *ix, uint64_t poly,
				    size_t len, unsigned tag)
{
	return poly + len * 0x9E3779B97F4A7C15ULL +
	       (uint64_t)(tag + 1) * 0xC2B2AE3D27D4EB4FULL + ix->seed;
}

/** The tag of EXACT and DEL keys of TG_RULE_ANYSUF_MIN - 1 or more
 *  characters: one key for all suffixes, so that the edits of distinctive
 *  labels (TG_RULE_ANYSUF_MIN or more) count under any public suffix
 *  (dicsord.co.uk finds discord.com through the DEL keys of "discord");
 *  shorter keys keep their TLD's tag.  Decided by the key's own length,
 *  so a probe string needs one tag for both kinds (the EXACT keys of
 *  labels one shorter come along: their hits under other suffixes are
 *  rejected by the scorer, which needs the target's length). */
#define TG_ANYSUF 257u
/** Tags of the combo keys (kind CONCAT): the first and the last
 *  TG_RULE_COMBO_AFFIX_MIN characters of a target's label. */
#define TG_HEAD 258u
#define TG_TAIL 259u

/** The tag of an EXACT or DEL key of \p len characters under TLD tag
 *  \p tag. */
static inline unsigned tg_edit_tag(size_t len, unsigned tag)
{
	return len + 1 >= TG_RULE_ANYSUF_MIN ? TG_ANYSUF : tag;
}

/** Table key of a string with polynomial hash \p poly and length \p len
 *  under suffix tag \p tag (0..255, or TG_UNTAGGED). */
static inline uint64_t tg_label_key(const struct tg_index *ix, uint64_t poly,
				    size_t len, unsigned tag)
{
	return tg_mix64(tg_label_pre(ix, poly, len, tag));
}

/** May the TLD of suffix hash \p h be the confusable side of a curated
 *  pair?  0: certainly not. */
static inline int tg_pair_conf_maybe(const struct tg_index *ix, uint64_t h)
{
	return (int)(ix->pair_conf_bits[(h >> 6) & 15] >> (h & 63) & 1);
}

/** The key filter's multiplier (tg_kfilter_maybe()). */
#define TG_KF_MUL 0xD6E8FEB86659FD93ULL

/** May a key with unmixed value \p pre be in the table?  0: certainly
 *  not (the key filter has no false negatives). */
static inline int tg_kfilter_maybe(const struct tg_index *ix, uint64_t pre)
{
	uint64_t b = (pre * TG_KF_MUL) >> ix->kf_shift;
	return (int)(ix->kfilter[b >> 6] >> (b & 63) & 1);
}

/** Slot of a 64-bit key in a table of \p slots (fast range reduction). */
static inline size_t tg_slot(uint64_t key, size_t slots)
{
	return (size_t)(((key >> 32) * (uint64_t)slots) >> 32);
}

/** Name-set slots: an 8-bit fingerprint (never 0) over a 24-bit record
 *  index; 0 is an empty slot. */
#define TG_NSET_IDX 0xFFFFFFu

static inline uint32_t tg_nset_fp(uint64_t h)
{
	uint32_t fp = (uint32_t)(h >> 24) & 0xFFu;
	return (fp + !fp) << 24;
}

/** 8 bits of the suffix hash of a TLD, part of each key so that a probe
 *  finds only targets under a TLD its rule can use: edits need the
 *  query's own, TLD swaps the same or a curated partner of it; CONCAT
 *  keys carry none (TG_UNTAGGED). */
static inline uint8_t tg_suffix_tag(uint64_t suffix_hash)
{
	return (uint8_t)(suffix_hash >> 56);
}

/** The slot word of a key as the scorer compares it (flag and kind
 *  masked off): 13 bits, never 0. */
static inline uint16_t tg_key_fp13(uint64_t key)
{
	return (uint16_t)((((uint32_t)key & 0x1FFFu) | 1u) << 3);
}

/** The slot word of a key of \p kind. */
static inline uint16_t tg_kfp_word(uint64_t key, unsigned kind)
{
	return (uint16_t)(tg_key_fp13(key) | (kind & 3u));
}

/** The two buckets of a key: from its top 32 bits and from bits 16..47
 *  (the fingerprint is bits 0..12), so they are independent. */
static inline size_t tg_bucket1(uint64_t key, size_t nbuckets)
{
	return (size_t)(((key >> 32) * (uint64_t)nbuckets) >> 32);
}

static inline size_t tg_bucket2(uint64_t key, size_t nbuckets)
{
	return (size_t)((((key >> 16) & 0xFFFFFFFFu) * (uint64_t)nbuckets) >>
			32);
}

/** Target's wire name and its suffix (after the registrable label). */
static inline const uint8_t *tg_target_wire(const struct tg_index *ix,
					    const struct tg_target *t)
{
	return ix->arena.data + t->wire_off;
}

/** The skeleton of a target's registrable label (skel_len bytes). */
static inline const char *tg_target_skel(const struct tg_index *ix,
					 const struct tg_target *t)
{
	const uint8_t *w = ix->arena.data + t->wire_off;
	return (const char *)((t->flags & (TG_T_IDN | TG_T_SUB))
				  ? w + t->wire_len
				  : w + 1);
}

/** The target's public suffix (wire, root included) and its length. */
static inline const uint8_t *tg_target_suffix(const struct tg_index *ix,
					      const struct tg_target *t,
					      size_t *len)
{
	const uint8_t *w = tg_target_wire(ix, t);
	size_t skip = 1 + (size_t)w[0];
	if (t->flags & TG_T_SUB)
		skip += 1 + (size_t)w[skip];
	*len = t->wire_len - skip;
	return w + skip;
}

/**
 * ASCII look-alike skeleton of \p s (\p m bytes) into \p out (at most m
 * bytes, not terminated); returns its length.  \p strong_only: only the
 * near-identical glyphs (0/o, 1/i/l, rn/m, vv/w, cl/d); otherwise also the
 * weaker ones dnstwist uses (c/e, b/d, g/q, m/n/r, u/v, 3/8, 6/9, lc/k...).
 */
size_t tg_glyph_canon(const char *s, size_t m, char *out, int strong_only);

/** ix->label_tab: the fold is none of l, b, m, u, c, k, h, w, which
 *  are the only characters the weak skeleton's steps after the single
 *  folds remove, merge or make: the folds of a label that are not of
 *  them (its signature) are, in order, those of its weak skeleton, so
 *  two labels with the same weak skeleton have the same signature */
#define TG_LT_SIG 0x200u
/** ix->label_tab: set for every byte a label may hold. */
#define TG_LT_LDH 0x400u
/** ix->label_tab: the byte is '-'. */
#define TG_LT_HYPHEN 0x800u

/** May an EXACT or DEL key of \p len characters under tag \p tag begin
 *  (\p side 0) with the len/2 characters of polynomial hash \p poly, or
 *  end (\p side 1) with the other characters?  0: certainly not. */
static inline int tg_dgate_maybe(const struct tg_index *ix, uint64_t poly,
				 size_t len, unsigned tag, unsigned side)
{
	uint64_t b =
	    ((tg_label_pre(ix, poly, len, tag) + side * 0x94D049BB133111EBULL) *
	     0xBF58476D1CE4E5B9ULL) >>
	    ix->dg_shift;
	return (int)(ix->dgate[b >> 6] >> (b & 63) & 1);
}

/** May a GLYPH key exist whose skeleton has the signature with
 *  polynomial hash \p sig and length \p len, under tag \p tag?  0:
 *  certainly not. */
static inline int tg_gfilter_maybe(const struct tg_index *ix, uint64_t sig,
				   size_t len, unsigned tag)
{
	uint64_t b =
	    (tg_label_pre(ix, sig, len, tag) * 0x9FB21C651E98DF25ULL) >>
	    ix->gf_shift;
	return (int)(ix->gfilter[b >> 6] >> (b & 63) & 1);
}

/** Suffix hashes of a parsed name: sh[i] = hash of labels i..n-1,
 *  sh[n] = the seed (\p sh holds n + 1). */
static inline void tg_suffix_hashes(const struct tg_index *ix,
				    const tg_name *nm, uint64_t *sh)
{
	sh[nm->n] = ix->seed;
	for (unsigned i = nm->n; i-- > 0;) {
		size_t l;
		const uint8_t *lab = tg_name_label(nm, i, &l);
		sh[i] = tg_hash_label_step(ix->seed, sh[i + 1], lab, l);
	}
}

/** Suffix hash of one label standing alone as a TLD (a TLD's tag is
 *  tg_suffix_tag() of it). */
static inline uint64_t tg_tld_hash(const struct tg_index *ix,
				   const uint8_t *label, size_t len)
{
	return tg_hash_label_step(ix->seed, ix->seed, label, len);
}

/** Find the name-set record for wire suffix \p w (\p len bytes, root
 *  included) with suffix hash \p h; NULL if absent. */
const struct tg_nrec *tg_nset_find(const struct tg_index *ix, uint64_t h,
				   const uint8_t *w, size_t len);

#endif /* TG_INDEX_INTERNAL_H */
