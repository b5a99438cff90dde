/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The immutable index: layout shared by the builder (index.c) and the
 * scorer (score.c).
 *
 * Targets are the distinct registrable domains (eTLD+1) of the protected
 * entries.  Each target puts a few 64-bit keys into one table (8-byte
 * slots: fingerprint, suffix tag, key kind, target id), stored grouped by
 * home (a static hash table in compressed-row form: no empty slots, one
 * offset per two keys):
 *  - EXACT:  the skeleton of its registrable label ("army", "gmail");
 *  - DEL:    that skeleton with one character deleted (symmetric-delete
 *            keys; only for labels of 5 or more characters, since shorter
 *            labels match through skeleton and TLD rules only);
 *  - CONCAT: the label joined with the first suffix label ("armymil"),
 *            and for entries below a registrable domain the label left
 *            of it joined with the registrable label ("wwwarmy" for
 *            www.army.mil; a SUB target of its own);
 *  - GLYPH:  the label's ASCII look-alike skeleton (0->o, 1/i->l, rn->m,
 *            e->c, ...; see tg_glyph_canon()).
 * A query probes its own skeleton, its one-deletion variants and a few
 * rule-specific variants: O(label length) probes whatever the list size.
 * Every hit is verified against the target's stored bytes, so the 24-bit
 * fingerprints only have to be good, not perfect; an 8-bit suffix tag in
 * each slot lets most probes skip targets under an irrelevant suffix
 * without touching them.  A probe reads its home offset and then its
 * group (about two slots); the scorer prefetches both for all its probes
 * before it evaluates any, so it waits for memory about twice per name.
 * After the build all tables move into one 2 MiB-aligned slab advised for
 * huge pages.
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
#include "psl_internal.h"
#include "typoguard.h"
#include "util_internal.h"

/** Mean keys per home group of the key table. */
#define TG_KEYS_PER_HOME 2

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
	TG_T_SUB = 1u << 2	/**< an entry below a registrable domain:
				     wire is sub.label.suffix, skeleton is
				     sub + label; CONCAT key only */
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
	TG_N_ALLOW = 1u << 1
};

/** A protected or allowlist entry. */
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

struct tg_index {
	uint64_t seed; /**< suffix-hash seed (random per build) */
	uint64_t base; /**< polynomial base for label keys */
	uint64_t pw[TG_FOLD_MAX + 2]; /**< base^k mod 2^64 */
	int block_threshold, log_threshold;
	tg_psl psl;
	tg_arena arena;
	struct tg_target *t; /**< targets, owned */
	size_t nt;
	/** key table, grouped by home (the keys of home h are slots
	 *  start(h)..start(h+1)): no empty slots, and a probe reads only its
	 *  own group, about TG_KEYS_PER_HOME slots.  Split in two parallel
	 *  arrays so that the one every probe reads is half the size:
	 *  kfp = fingerprint16 << 16 | suffix tag << 8 | kind, and kval =
	 *  target id, read only on a fingerprint match. */
	uint32_t *kfp;
	uint32_t *kval;
	size_t nkeys;	/**< keys */
	uint32_t *home; /**< during the build: nhomes + 1 group starts */
	size_t nhomes;
	/** group starts, compressed: start(h) = hbase[h >> hshift] +
	 *  hoff[h]; 2 bytes a home instead of 4, so the first stage of a
	 *  probe mostly hits the cache */
	uint16_t *hoff;	 /**< nhomes + 1 */
	uint32_t *hbase; /**< (nhomes >> hshift) + 2 */
	unsigned hshift;
	uint64_t *nset;	     /**< name set: fp << 32 | record index */
	size_t nnset;	     /**< slots */
	struct tg_nrec *rec; /**< records, owned */
	size_t nrec;
	char **sources; /**< owned */
	size_t nsources;
	struct tg_index_pair *pairs; /**< owned */
	size_t npairs;
	size_t nprotected; /**< protected entries */
	/** suffix hashes of the TLDs a dot shift can leave (il and l for
	 *  mil, om and m for com), sorted; queries under other TLDs skip the
	 *  dot-shift probes */
	uint64_t *shift_tlds;
	size_t nshift_tlds;
	/** bit (h & 1023) set for each h in shift_tlds, and bit (h & 63)
	 *  of pair_conf_bits for each pair's conf_hash: one bit test
	 *  rules out most TLDs before the search */
	uint64_t shift_bits[16];
	uint64_t pair_conf_bits;
	void *slab; /**< after the build: one allocation holding
			 keys, home, t, arena, nset, rec and the
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

/** Table key of a string with polynomial hash \p poly and length \p len. */
static inline uint64_t tg_label_key(const struct tg_index *ix, uint64_t poly,
				    size_t len)
{
	return tg_mix64(poly + len * 0x9E3779B97F4A7C15ULL + ix->seed);
}

/** Slot of a 64-bit key in a table of \p slots (fast range reduction). */
static inline size_t tg_slot(uint64_t key, size_t slots)
{
	return (size_t)(((key >> 32) * (uint64_t)slots) >> 32);
}

static inline uint32_t tg_fp(uint64_t key)
{
	return (uint32_t)key | 1u;
}

/** 8 bits of a suffix hash, kept in key slots so that probes skip
 *  targets under an irrelevant suffix without touching them: DEL and
 *  CONCAT keys carry the tag of the whole public suffix (edit rules need
 *  the query's own), EXACT and GLYPH keys the tag of the TLD alone (TLD
 *  swaps need the same TLD or a curated partner of it). */
static inline uint8_t tg_suffix_tag(uint64_t suffix_hash)
{
	return (uint8_t)(suffix_hash >> 56);
}

/** A key-table slot: 24-bit fingerprint (never 0), suffix tag, kind and
 *  target id. */
static inline uint64_t tg_slot_value(uint64_t key, uint8_t tag, unsigned kind,
				     uint32_t tid)
{
	return ((uint64_t)(((uint32_t)key & 0xFFFFFFu) | 1u) << 40) |
	       ((uint64_t)tag << 32) | ((uint64_t)kind << 30) | tid;
}

static inline uint32_t tg_key_fp(uint64_t key)
{
	return ((uint32_t)key & 0xFFFFFFu) | 1u;
}

/** The kfp word of a key as the scorer compares it (tag and kind
 *  masked off). */
static inline uint32_t tg_key_fp16(uint64_t key)
{
	return (tg_key_fp(key) & 0xFFFFu) << 16;
}

static inline uint32_t tg_slot_fp(uint64_t v)
{
	return (uint32_t)(v >> 40);
}

static inline uint8_t tg_slot_tag(uint64_t v)
{
	return (uint8_t)(v >> 32);
}

/** Start of the key group of home \p h. */
static inline uint32_t tg_home_start(const struct tg_index *ix, size_t h)
{
	return ix->hbase[h >> ix->hshift] + ix->hoff[h];
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

/** Find the name-set record for wire suffix \p w (\p len bytes, root
 *  included) with suffix hash \p h; NULL if absent. */
const struct tg_nrec *tg_nset_find(const struct tg_index *ix, uint64_t h,
				   const uint8_t *w, size_t len);

#endif /* TG_INDEX_INTERNAL_H */
