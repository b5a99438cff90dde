/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The bounded output buffer (tg_buf.h).
 */
#include "tg_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tg_buf.h"

void tg_put(tg_buf *b, const char *s, size_t n)
{
	if (b->full)
		return;
	if (n >= b->len - b->pos) {
		b->full = 1;
		return;
	}
	memcpy(b->p + b->pos, s, n);
	b->pos += n;
	b->p[b->pos] = '\0';
}

void tg_puts(tg_buf *b, const char *s)
{
	tg_put(b, s, strlen(s));
}

void tg_putf(tg_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->full = 1;
	else
		tg_put(b, tmp, (size_t)n);
}
