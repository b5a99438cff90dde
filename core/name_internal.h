/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * DNS names as the core handles them: lowercase wire format plus the offset
 * of every label, so suffix walks and label access are O(1) per label.
 *
 * Both the presentation parser (escapes \DDD and \X, trailing dot optional)
 * and the wire parser produce the same struct; ASCII case is folded on the
 * way in.  Bytes are kept as they are: an escaped dot or a NUL inside a
 * label is a label byte, never a separator; such labels simply cannot match
 * hostname rules (see fold_internal.h).
 */
#ifndef TG_NAME_INTERNAL_H
#define TG_NAME_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/** Most labels in a name (255 bytes of wire allow 127). */
#define TG_MAX_LABELS 128
/** Longest presentation input accepted (escapes may quadruple a name). */
#define TG_MAX_TEXT 1024

/** A parsed, case-folded name.  Caller-allocated, no heap. */
typedef struct tg_name {
	uint8_t wire[256];	    /**< lowercase wire form, with root 0 */
	size_t wire_len;	    /**< bytes in wire, root byte included */
	unsigned n;		    /**< number of labels, root excluded */
	uint8_t off[TG_MAX_LABELS]; /**< offset of label i's length byte */
	int plain; /**< 1: only [a-z0-9-_] bytes (no escapes to print) */
} tg_name;

/** Label i (0 = leftmost) and its length. */
static inline const uint8_t *tg_name_label(const tg_name *nm, unsigned i,
					   size_t *len)
{
	*len = nm->wire[nm->off[i]];
	return nm->wire + nm->off[i] + 1;
}

/**
 * Parse presentation text \p s (\p len bytes, need not be NUL-terminated).
 * On failure returns TG_ENAME and writes a reason ("empty label",
 * "label too long (64 > 63)", ...) to \p why (may be NULL).
 */
int tg_name_from_text(tg_name *nm, const char *s, size_t len, char *why,
		      size_t whylen);

/** Parse \p len bytes of uncompressed wire format.  TG_ENAME on error. */
int tg_name_from_wire(tg_name *nm, const uint8_t *w, size_t len, char *why,
		      size_t whylen);

/**
 * Presentation form of wire labels \p first..n-1 of \p nm (lowercase, no
 * trailing dot, non-hostname bytes escaped) into \p buf of \p cap bytes;
 * always NUL-terminated.  Returns the length written.
 */
size_t tg_name_to_text(const tg_name *nm, unsigned first, char *buf,
		       size_t cap);

/** Same for a bare wire suffix (no label table), e.g. from an arena. */
size_t tg_wire_to_text(const uint8_t *wire, size_t len, char *buf, size_t cap);

/** Number of labels in a wire buffer of \p len bytes (no root byte). */
unsigned tg_wire_labels(const uint8_t *wire, size_t len);

#endif /* TG_NAME_INTERNAL_H */
