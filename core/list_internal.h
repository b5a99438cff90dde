/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The list builder's internals, read by the index builder.
 *
 * Entries are wire names in one arena (no per-entry malloc), deduplicated
 * by (kind, name) through an open-addressing set of entry numbers.  Source
 * file names are interned once per load.
 */
#ifndef TG_LIST_INTERNAL_H
#define TG_LIST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "typoguard.h"
#include "util_internal.h"

/** Cap on operator TLD pairs. */
#define TG_MAX_TLD_PAIRS 256
/** Longest TLD (or suffix) in a pair. */
#define TG_TLD_MAX 64

/** Most distinct sources (file names, "api") of one list's entries. */
#define TG_MAX_SOURCES 4096

/** One entry: a wire name in the list's arena. */
struct tg_list_entry {
	uint32_t wire_off;  /**< offset of the wire name in names */
	uint16_t wire_len;  /**< its length, root byte included */
	uint8_t kind;	    /**< tg_list_kind */
	uint8_t profiles;   /**< bit 1 << tg_list_profile for each profile
				 that listed it (protected entries) */
	uint32_t src;	    /**< index into sources */
	unsigned long line; /**< line in that source, 0 if none */
};

struct tg_tld_pair {
	char prot[TG_TLD_MAX]; /**< protected TLD, lowercase ("mil") */
	char conf[TG_TLD_MAX]; /**< confusable TLD ("ml") */
};

struct tg_list {
	tg_arena names;		 /**< wire names */
	struct tg_list_entry *e; /**< entries, owned */
	size_t n, cap;
	uint32_t *set; /**< dedup set: entry index + 1 */
	size_t set_mask;
	tg_strtab sources; /**< the entries' file names (src), capped at
			      TG_MAX_SOURCES */
	struct tg_tld_pair pairs[TG_MAX_TLD_PAIRS];
	size_t npairs;
	size_t count[TG_LIST_KINDS]; /**< per kind */
	uint8_t profile; /**< tg_list_profile of entries added next */
};

#endif /* TG_LIST_INTERNAL_H */
