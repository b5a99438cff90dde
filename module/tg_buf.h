/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: a bounded output buffer for the lines the module writes
 * (events, counters).  The caller owns the memory and states the cap; an
 * append that does not fit sets \c full and nothing more is appended, so
 * a line is never cut in the middle of a field without the caller knowing.
 */
#ifndef TG_BUF_H
#define TG_BUF_H

#include <stddef.h>

/** A bounded output buffer over caller-owned memory. */
typedef struct tg_buf {
	char *p;    /**< the memory (borrowed), NUL-terminated */
	size_t len; /**< capacity, with the NUL */
	size_t pos; /**< bytes used */
	int full;   /**< an append did not fit */
} tg_buf;

/** Start \p b over \p mem of \p len bytes (len > 0). */
static inline void tg_buf_init(tg_buf *b, char *mem, size_t len)
{
	b->p = mem;
	b->len = len;
	b->pos = 0;
	b->full = 0;
	mem[0] = '\0';
}

/** Append \p n bytes of \p s (or set \c full). */
void tg_put(tg_buf *b, const char *s, size_t n);

/** Append the string \p s. */
void tg_puts(tg_buf *b, const char *s);

/** Append a formatted piece of at most 511 bytes. */
void tg_putf(tg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* TG_BUF_H */
