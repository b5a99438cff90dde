/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Small internal helpers shared by the core units and the tool (core/cli/
 * links the library): error filling, the number parser, the string hashes
 * every table uses, a capped table of owned strings, and a growable byte
 * arena with a cap.
 *
 * Hashes: tables never trust a hash alone where a collision would change a
 * verdict; they verify against stored bytes.  The seeds come from the index
 * (random per build), so collisions cannot be precomputed.
 */
#ifndef TG_UTIL_INTERNAL_H
#define TG_UTIL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "typoguard.h"

#if defined(__GNUC__)
#define TG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define TG_LIKELY(x)	__builtin_expect(!!(x), 1)
#define TG_UNLIKELY(x)	__builtin_expect(!!(x), 0)
#else
#define TG_PRINTF(a, b)
#define TG_LIKELY(x)   (x)
#define TG_UNLIKELY(x) (x)
#endif

/** Fill \p err (may be NULL) and return \p code. */
int tg_error_set(tg_error *err, int code, const char *file, unsigned long line,
		 const char *fmt, ...) TG_PRINTF(5, 6);

/** The murmur3 64-bit finaliser: a bijective mix of all 64 bits. */
static inline uint64_t tg_mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb93fe53a87b5ULL;
	h ^= h >> 33;
	return h;
}

/** A 32-bit word loaded with memcpy, as little-endian. */
static inline uint32_t tg_le32(uint32_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap32(v);
#else
	return v;
#endif
}

/** Hash of one byte string, seeded: eight bytes per multiplication
 *  (labels are short, so this is one or two steps), then mixed.  Byte
 *  order is the host's: hashes live in memory only. */
static inline uint64_t tg_hash_bytes(uint64_t seed, const uint8_t *p,
				     size_t len)
{
	uint64_t h = seed ^ (0xcbf29ce484222325ULL + len);
	for (; len >= 8; p += 8, len -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	if (len) {
		/* the 1..7 bytes left, little-endian, in two or three
		 * overlapping loads (overlapping bytes are equal, so OR
		 * joins them); never read past p + len */
		uint64_t w;
		if (len >= 4) {
			uint32_t lo, hi;
			memcpy(&lo, p, 4);
			memcpy(&hi, p + len - 4, 4);
			w = tg_le32(lo) | (uint64_t)tg_le32(hi)
					      << (8 * (len - 4));
		} else {
			w = (uint64_t)p[0] |
			    (uint64_t)p[len / 2] << (8 * (len / 2)) |
			    (uint64_t)p[len - 1] << (8 * (len - 1));
		}
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	return tg_mix64(h);
}

/** One step of a suffix hash: the hash of a label (tg_hash_bytes) joined
 *  to the hash \p parent of the labels right of it. */
static inline uint64_t tg_hash_label_join(uint64_t parent, uint64_t label)
{
	return tg_mix64(parent * 31 ^ label);
}

static inline uint64_t tg_hash_label_step(uint64_t seed, uint64_t parent,
					  const uint8_t *label, size_t len)
{
	return tg_hash_label_join(parent, tg_hash_bytes(seed, label, len));
}

/**
 * The one unsigned-number parser of the library and the tool (configuration
 * values, address prefix lengths, command-line options): a decimal of
 * digits only (no sign, blanks, base prefix or suffix) in [\p lo, \p hi]
 * into *\p out.  Returns TG_OK; TG_EPARSE for an empty string, a byte that
 * is not a digit or anything after the digits; TG_ELIMIT for a value
 * outside [\p lo, \p hi], including one past UINT64_MAX.  *\p out is
 * unchanged on error.
 */
int tg_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/**
 * A capped table of owned strings: the string pool of the library and the
 * tool (audit's protected names, report's classes and actions).
 * Each string is a copy owned by the table, at a stable index until
 * tg_strtab_free(); at most \c max strings.  Lookup is linear: for small
 * tables, or ones only appended to.
 */
typedef struct tg_strtab {
	char **s;     /**< the strings (owned), s[0..n) */
	size_t n;     /**< strings held */
	size_t alloc; /**< slots allocated */
	size_t max;   /**< cap on n */
} tg_strtab;

/** An empty table of at most \p max strings (nothing allocated yet). */
void tg_strtab_init(tg_strtab *t, size_t max);
/** Append a copy of \p s; its index in *\p idx (if not NULL).  TG_OK,
 *  TG_ELIMIT when \c max strings are held, TG_ENOMEM (table unchanged). */
int tg_strtab_add(tg_strtab *t, const char *s, size_t *idx);
/** The index of \p s, added (tg_strtab_add()) if it is not there. */
int tg_strtab_intern(tg_strtab *t, const char *s, size_t *idx);
/** Free every string and the table; \p t is left empty (max kept). */
void tg_strtab_free(tg_strtab *t);

/** A growable byte arena; offsets stay valid across growth. */
typedef struct tg_arena {
	uint8_t *data; /**< owned */
	size_t len;    /**< bytes used */
	size_t cap;    /**< bytes allocated */
} tg_arena;

/** Append \p len bytes; returns the offset or (size_t)-1 on ENOMEM or when
 *  the arena would exceed 4 GiB (offsets are 32-bit in tables). */
size_t tg_arena_add(tg_arena *a, const void *p, size_t len);
/** Shrink the allocation to the used size (after a build). */
void tg_arena_trim(tg_arena *a);
void tg_arena_free(tg_arena *a);

#endif /* TG_UTIL_INTERNAL_H */
