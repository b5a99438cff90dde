/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Public Suffix List as a hash set of suffixes.
 *
 * Every rule of the list (ICANN and PRIVATE sections, UTF-8 rules converted
 * to A-labels) is stored under the suffix hash of util_internal.h, with
 * flags: RULE (a normal rule), WILD ("*." + this suffix is a rule), EXCEPT
 * ("!" + this suffix), NODE (some rule ends with this suffix, so a longer
 * match is possible).  A query already holds the hashes of all its
 * suffixes, so finding the public suffix costs one probe per label walked
 * from the TLD leftwards, stopping at the first suffix that is no NODE:
 * typically 2 to 3 probes.  Only 64-bit hashes are stored (seeded per
 * index), 9 bytes a slot, about 150 KB for the whole list.
 */
#ifndef TG_PSL_INTERNAL_H
#define TG_PSL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "typoguard.h"

enum tg_psl_flags {
	TG_PSL_RULE = 1u << 0,
	TG_PSL_WILD = 1u << 1,
	TG_PSL_EXCEPT = 1u << 2,
	TG_PSL_NODE = 1u << 3
};

/** The suffix set; embedded in the index, immutable after load. */
typedef struct tg_psl {
	uint64_t *keys; /**< owned; 0 = empty slot */
	uint8_t *flags; /**< owned; parallel to keys */
	size_t mask;	/**< table size - 1 (power of two) */
	size_t rules;	/**< rules loaded */
	uint64_t seed;	/**< hash seed (the index's) */
} tg_psl;

/** Load \p path (NULL: TG_PSL_FILE).  Errors name the file. */
int tg_psl_load(tg_psl *psl, const char *path, uint64_t seed, tg_error *err);
void tg_psl_free(tg_psl *psl);
size_t tg_psl_memory(const tg_psl *psl);

/**
 * Number of labels of the public suffix of a name of \p n labels whose
 * suffix hashes are \p sh (sh[i] = hash of labels i..n-1).  0 when n = 0;
 * may equal n (the name is itself a public suffix).
 */
unsigned tg_psl_suffix_labels(const tg_psl *psl, const uint64_t *sh,
			      unsigned n);

#endif /* TG_PSL_INTERNAL_H */
