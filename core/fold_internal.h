/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Label folding: from a DNS label to its ASCII confusable skeleton.
 *
 * ASCII labels fold to themselves (already lowercase).  `xn--` labels are
 * decoded (libidn2, or the RFC 3492 decoder below when IDNA2008 rejects the
 * label) and every code point is mapped through tg_fold_table, generated
 * from ICU by core/gen/gen_confusables.c.  The result is plain ASCII over
 * [a-z0-9-] plus TG_FOLD_UNKNOWN for code points without a fold, so the
 * matching code never sees Unicode.
 */
#ifndef TG_FOLD_INTERNAL_H
#define TG_FOLD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/** One row of the generated table. */
struct tg_fold_entry {
	uint32_t cp;   /**< code point */
	char ascii[8]; /**< its ASCII fold, "" for a stripped mark */
};
extern const struct tg_fold_entry tg_fold_table[];
extern const size_t tg_fold_table_len;

/** Byte standing for a code point that has no ASCII fold. */
#define TG_FOLD_UNKNOWN '~'
/** Longest skeleton we produce. */
#define TG_FOLD_MAX 128
/** Most code points in a decoded label. */
#define TG_PUNY_MAX 64

/** Flags describing how a label was folded. */
enum tg_fold_flags {
	TG_FOLD_IDN = 1u << 0,	    /**< was an xn-- label, decoded */
	TG_FOLD_MAPPED = 1u << 1,   /**< some non-ASCII code point folded */
	TG_FOLD_CYRILLIC = 1u << 2, /**< Cyrillic look-alikes, outnumbering
					  the Latin letters left */
	TG_FOLD_UNMAPPED = 1u << 3, /**< some code point has no fold */
	TG_FOLD_NONHOST = 1u << 4,  /**< non-hostname bytes: never matches */
	TG_FOLD_BADPUNY = 1u << 5,  /**< xn-- but not decodable */
	TG_FOLD_RAWPUNY = 1u << 6   /**< decoded by the RFC 3492 fallback */
};

/**
 * RFC 3492 decode of \p in (without the "xn--" prefix), \p len bytes, into
 * at most \p cap code points.  Returns the number of code points or -1 on
 * malformed input or overflow.
 */
int tg_punycode_decode(const uint8_t *in, size_t len, uint32_t *out,
		       size_t cap);

/** 1 for a byte an ASCII label may hold ([a-z0-9_-]; tg_fold_label()
 *  rejects a label with any other). */
int tg_fold_ldh(uint8_t c);

/** ASCII fold of one code point: NULL when unknown, "" when stripped. */
const char *tg_fold_cp(uint32_t cp);

/**
 * Fold one lowercase label into \p out (NUL-terminated, at most
 * TG_FOLD_MAX-1 bytes).  Returns the skeleton length, or -1 when the label
 * can never match a hostname rule (TG_FOLD_NONHOST / too long).  *\p flags
 * receives TG_FOLD_* bits.
 */
int tg_fold_label(const uint8_t *label, size_t len, char *out, unsigned *flags);

#endif /* TG_FOLD_INTERNAL_H */
