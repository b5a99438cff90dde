/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Error codes, class and verdict names, and the small utilities of
 * util_internal.h: the number parser, the string table, the byte arena.
 *
 * Everything here is static data or pure functions of their arguments;
 * names returned are string literals (static storage).
 */
#include "tg_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typoguard.h"
#include "util_internal.h"

const char *tg_strerror(int code)
{
	switch (code) {
	case TG_OK:
		return "success";
	case TG_ENOMEM:
		return "out of memory";
	case TG_EINVAL:
		return "invalid argument";
	case TG_EIO:
		return "input/output error";
	case TG_EPARSE:
		return "parse error";
	case TG_ENAME:
		return "invalid DNS name";
	case TG_ELIMIT:
		return "limit exceeded";
	case TG_ENOTFOUND:
		return "not found";
	default:
		return "unknown error";
	}
}

int tg_error_set(tg_error *err, int code, const char *file, unsigned long line,
		 const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	err->line = line;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return code;
}

char *tg_error_format(const tg_error *err, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	if (!err) {
		snprintf(buf, len, "%s", "no error");
		return buf;
	}
	const char *reason =
	    err->reason[0] ? err->reason : tg_strerror(err->code);
	if (err->file[0] && err->line)
		snprintf(buf, len, "%s:%lu: %s", err->file, err->line, reason);
	else if (err->file[0])
		snprintf(buf, len, "%s: %s", err->file, reason);
	else
		snprintf(buf, len, "%s", reason);
	return buf;
}

/* Append \p n bytes at *\p total, truncating at \p len - 1. */
static void append(char *buf, size_t len, size_t *total, const char *s,
		   size_t n)
{
	if (buf && *total + 1 < len) {
		size_t room = len - 1 - *total;
		memcpy(buf + *total, s, n < room ? n : room);
	}
	*total += n;
}

/* The names (\p name) of the bits of \p mask among the first \p n,
 * separated by \p sep (tg_classes_format(), tg_held_format()). */
static size_t bits_format(unsigned mask, unsigned n,
			  const char *(*name)(unsigned), const char *sep,
			  char *buf, size_t len)
{
	size_t total = 0, seplen = sep ? strlen(sep) : 0;
	for (unsigned i = 0; i < n; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (total > 0)
			append(buf, len, &total, sep, seplen);
		const char *s = name(1u << i);
		append(buf, len, &total, s, strlen(s));
	}
	if (buf && len)
		buf[total < len ? total : len - 1] = 0;
	return total;
}

size_t tg_classes_format(unsigned mask, const char *sep, char *buf, size_t len)
{
	return bits_format(mask, TG_C_COUNT, tg_class_name, sep, buf, len);
}

size_t tg_held_format(unsigned held, const char *sep, char *buf, size_t len)
{
	return bits_format(held, TG_HELD_COUNT, tg_held_name, sep, buf, len);
}

const char *tg_verdict_name(tg_verdict v)
{
	switch (v) {
	case TG_VERDICT_PASS:
		return "pass";
	case TG_VERDICT_LOG:
		return "log";
	case TG_VERDICT_BLOCK:
		return "block";
	}
	return "unknown";
}

int tg_parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	uint64_t v = 0;
	int over = 0;

	if (!s || *s < '0' || *s > '9')
		return TG_EPARSE;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10)
			over = 1;
		else
			v = v * 10 + d;
	}
	if (*s != '\0')
		return TG_EPARSE;
	if (over || v < lo || v > hi)
		return TG_ELIMIT;
	*out = v;
	return TG_OK;
}

void tg_strtab_init(tg_strtab *t, size_t max)
{
	t->s = NULL;
	t->n = t->alloc = 0;
	t->max = max;
}

int tg_strtab_add(tg_strtab *t, const char *s, size_t *idx)
{
	char *copy;

	if (t->n >= t->max)
		return TG_ELIMIT;
	if (t->n == t->alloc) {
		size_t na = t->alloc ? t->alloc * 2 : 8;
		char **ns;

		if (na > t->max)
			na = t->max;
		ns = realloc(t->s, na * sizeof(*ns));
		if (!ns)
			return TG_ENOMEM;
		t->s = ns;
		t->alloc = na;
	}
	copy = strdup(s);
	if (!copy)
		return TG_ENOMEM;
	t->s[t->n] = copy;
	if (idx)
		*idx = t->n;
	t->n++;
	return TG_OK;
}

int tg_strtab_intern(tg_strtab *t, const char *s, size_t *idx)
{
	/* newest first: a load adds many entries of the file it reads */
	for (size_t i = t->n; i-- > 0;) {
		if (strcmp(t->s[i], s) == 0) {
			if (idx)
				*idx = i;
			return TG_OK;
		}
	}
	return tg_strtab_add(t, s, idx);
}

void tg_strtab_free(tg_strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	t->s = NULL;
	t->n = t->alloc = 0;
}

size_t tg_arena_add(tg_arena *a, const void *p, size_t len)
{
	if (a->len + len > UINT32_MAX)
		return (size_t)-1;
	if (a->len + len > a->cap) {
		size_t ncap = a->cap ? a->cap * 2 : 4096;
		while (ncap < a->len + len)
			ncap *= 2;
		uint8_t *nd = realloc(a->data, ncap);
		if (!nd)
			return (size_t)-1;
		a->data = nd;
		a->cap = ncap;
	}
	size_t off = a->len;
	if (len)
		memcpy(a->data + off, p, len);
	a->len += len;
	return off;
}

void tg_arena_trim(tg_arena *a)
{
	if (a->len && a->len < a->cap) {
		uint8_t *nd = realloc(a->data, a->len);
		if (nd) {
			a->data = nd;
			a->cap = a->len;
		}
	}
}

void tg_arena_free(tg_arena *a)
{
	free(a->data);
	a->data = NULL;
	a->len = a->cap = 0;
}
