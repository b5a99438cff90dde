/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Name parsing and printing (see name_internal.h).
 *
 * The parsers never allocate and never read past the given length; every
 * limit of RFC 1035 (63-byte labels, 255-byte wire names) is checked before
 * a byte is written.  Errors carry a reason for list-file diagnostics.
 */
#include "tg_config.h"

#include <stdio.h>
#include <string.h>

#include "name_internal.h"
#include "typoguard.h"

static int name_fail(char *why, size_t whylen, const char *reason, long a,
		     long b)
{
	if (why && whylen) {
		if (a >= 0)
			snprintf(why, whylen, "%s (%ld > %ld)", reason, a, b);
		else
			snprintf(why, whylen, "%s", reason);
	}
	return TG_ENAME;
}

static uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 'a' - 'A') : c;
}

/*
 * The common case: a plain hostname of at most 253 characters (trailing
 * dot allowed), no escapes.  Returns 1 when it parsed \p s, 0 to let the
 * general parser below handle it (and report any error).
 */
static int name_fast(tg_name *nm, const char *s, size_t len)
{
	if (len && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return 0;
	size_t w = 1, lstart = 0;
	unsigned n = 0;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];
		uint8_t lc = c | 0x20;
		if ((uint8_t)(lc - 'a') < 26) {
			nm->wire[w++] = lc;
		} else if ((uint8_t)(c - '0') < 10 || c == '-' || c == '_') {
			nm->wire[w++] = c;
		} else if (c == '.') {
			size_t l = w - lstart - 1;
			if (l == 0 || l > 63)
				return 0;
			nm->wire[lstart] = (uint8_t)l;
			nm->off[n++] = (uint8_t)lstart;
			lstart = w++;
		} else {
			return 0;
		}
	}
	size_t l = w - lstart - 1;
	if (l == 0 || l > 63)
		return 0;
	nm->wire[lstart] = (uint8_t)l;
	nm->off[n++] = (uint8_t)lstart;
	nm->wire[w] = 0;
	nm->wire_len = w + 1;
	nm->n = n;
	nm->plain = 1;
	return 1;
}

int tg_name_from_text(tg_name *nm, const char *s, size_t len, char *why,
		      size_t whylen)
{
	if (name_fast(nm, s, len))
		return TG_OK;
	nm->plain = 0;
	nm->n = 0;
	nm->wire_len = 0;
	if (len > TG_MAX_TEXT)
		return name_fail(why, whylen, "name too long", (long)len,
				 TG_MAX_TEXT);
	if (len == 0)
		return name_fail(why, whylen, "empty name", -1, 0);
	if (len == 1 && s[0] == '.') { /* the root */
		nm->wire[0] = 0;
		nm->wire_len = 1;
		return TG_OK;
	}
	size_t w = 0;	   /* write position in wire */
	size_t lstart = 0; /* position of the current length byte */
	size_t llen = 0;   /* bytes in the current label */
	nm->wire[0] = 0;
	w = 1;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)s[i];
		if (c == '.') {
			if (llen == 0)
				return name_fail(why, whylen, "empty label", -1,
						 0);
			if (nm->n >= TG_MAX_LABELS - 1)
				return name_fail(why, whylen, "too many labels",
						 -1, 0);
			nm->wire[lstart] = (uint8_t)llen;
			nm->off[nm->n++] = (uint8_t)lstart;
			if (i + 1 == len) { /* trailing dot */
				llen = 0;
				lstart = w;
				goto done;
			}
			if (w >= 255)
				return name_fail(why, whylen, "name too long",
						 (long)w, 253);
			lstart = w++;
			llen = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= len)
				return name_fail(why, whylen,
						 "bad escape at end", -1, 0);
			uint8_t d1 = (uint8_t)s[i + 1];
			if (d1 >= '0' && d1 <= '9') {
				if (i + 3 >= len)
					return name_fail(why, whylen,
							 "bad \\DDD escape", -1,
							 0);
				uint8_t d2 = (uint8_t)s[i + 2],
					d3 = (uint8_t)s[i + 3];
				if (d2 < '0' || d2 > '9' || d3 < '0' ||
				    d3 > '9')
					return name_fail(why, whylen,
							 "bad \\DDD escape", -1,
							 0);
				unsigned v = (d1 - '0') * 100u +
					     (d2 - '0') * 10u + (d3 - '0');
				if (v > 255)
					return name_fail(why, whylen,
							 "bad \\DDD escape", -1,
							 0);
				c = (uint8_t)v;
				i += 3;
			} else {
				c = d1;
				i += 1;
			}
		} else if (c <= ' ' || c >= 0x7f) {
			return name_fail(why, whylen,
					 "unescaped space or control byte", -1,
					 0);
		}
		if (llen >= 63)
			return name_fail(why, whylen, "label too long",
					 (long)llen + 1, 63);
		if (w >= 255)
			return name_fail(why, whylen, "name too long", (long)w,
					 253);
		nm->wire[w++] = lower(c);
		llen++;
	}
	/* last label without trailing dot */
	if (nm->n >= TG_MAX_LABELS - 1)
		return name_fail(why, whylen, "too many labels", -1, 0);
	nm->wire[lstart] = (uint8_t)llen;
	nm->off[nm->n++] = (uint8_t)lstart;
	lstart = w;
done:
	if (lstart >= 255)
		return name_fail(why, whylen, "name too long", (long)lstart - 1,
				 253);
	nm->wire[lstart] = 0;
	nm->wire_len = lstart + 1;
	return TG_OK;
}

/* One 8-byte word of a wire name with A-Z lowercased.  Label length
 * bytes (0..63) are never in 'A'..'Z' and stay as they are. */
static inline uint64_t lower8(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones << 7;
	/* per byte, without carries between bytes: high bit of
	 * (b & 0x7f) + (0x7f - 'Z') set iff b & 0x7f > 'Z', of
	 * (b & 0x7f) + (0x80 - 'A') set iff b & 0x7f >= 'A' */
	uint64_t lo = x & ~high;
	uint64_t gt_z = lo + ones * (0x7f - 'Z');
	uint64_t ge_a = lo + ones * (0x80 - 'A');
	uint64_t up = ge_a & ~gt_z & ~x & high;
	return x | up >> 2; /* 0x80 >> 2 = 0x20 */
}

int tg_name_from_wire(tg_name *nm, const uint8_t *w, size_t len, char *why,
		      size_t whylen)
{
	nm->n = 0;
	nm->wire_len = 0;
	nm->plain = 0;
	size_t p = 0;
	unsigned n = 0;
	while (1) {
		if (p >= len)
			return name_fail(why, whylen, "truncated wire name", -1,
					 0);
		uint8_t l = w[p];
		if (l == 0)
			break;
		if (l > 63)
			return name_fail(why, whylen,
					 "compressed or bad label length", -1,
					 0);
		if (p + 1 + l > len || p + 1 + l >= 255)
			return name_fail(why, whylen, "truncated wire name", -1,
					 0);
		if (n >= TG_MAX_LABELS - 1)
			return name_fail(why, whylen, "too many labels", -1, 0);
		nm->off[n++] = (uint8_t)p;
		p += 1 + (size_t)l;
	}
	nm->n = n;
	/* copied and lowercased in whole 8-byte steps where the input has
	 * them (\p len bytes may be read), the rest a byte at a time; the
	 * bytes after the name up to the next multiple of 8 are zero */
	size_t wl = p + 1, i = 0;
	for (; i + 8 <= wl || (i < wl && i + 8 <= len); i += 8) {
		uint64_t x;
		memcpy(&x, w + i, 8);
		x = lower8(x);
		memcpy(nm->wire + i, &x, 8);
	}
	for (; i < wl; i++)
		nm->wire[i] = lower(w[i]);
	if (wl + 8 <= sizeof(nm->wire)) {
		static const uint8_t zero[8];
		memcpy(nm->wire + wl, zero, 8);
	}
	nm->wire_len = wl;
	return TG_OK;
}

static size_t put_label(const uint8_t *lab, size_t l, char *buf, size_t cap,
			size_t o)
{
	if (o + l < cap) { /* the common, plain hostname label */
		size_t k = 0;
		for (; k < l; k++) {
			uint8_t c = lab[k];
			if (!((uint8_t)(c - 'a') < 26 ||
			      (uint8_t)(c - '0') < 10 || c == '-'))
				break;
			buf[o + k] = (char)c;
		}
		if (k == l)
			return o + l;
	}
	for (size_t i = 0; i < l; i++) {
		uint8_t c = lab[i];
		char tmp[5];
		size_t tl;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '*') {
			tmp[0] = (char)c;
			tl = 1;
		} else if (c > ' ' && c < 0x7f) {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			tl = 2;
		} else {
			snprintf(tmp, sizeof(tmp), "\\%03u", c);
			tl = 4;
		}
		if (o + tl >= cap)
			return o;
		memcpy(buf + o, tmp, tl);
		o += tl;
	}
	return o;
}

size_t tg_name_to_text(const tg_name *nm, unsigned first, char *buf, size_t cap)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	if (nm->plain && first < nm->n) {
		/* the wire form with dots for the inner length bytes */
		size_t start = nm->off[first] + 1,
		       len = nm->wire_len - 2 - nm->off[first];
		if (len < cap) {
			memcpy(buf, nm->wire + start, len);
			for (unsigned i = first + 1; i < nm->n; i++)
				buf[nm->off[i] - start] = '.';
			buf[len] = 0;
			return len;
		}
	}
	for (unsigned i = first; i < nm->n; i++) {
		size_t l;
		const uint8_t *lab = tg_name_label(nm, i, &l);
		if (i > first && o + 1 < cap)
			buf[o++] = '.';
		o = put_label(lab, l, buf, cap, o);
	}
	buf[o] = 0;
	return o;
}

size_t tg_wire_to_text(const uint8_t *wire, size_t len, char *buf, size_t cap)
{
	size_t o = 0, p = 0;
	if (cap == 0)
		return 0;
	while (p < len && wire[p] != 0) {
		size_t l = wire[p];
		if (p + 1 + l > len)
			break;
		if (p > 0 && o + 1 < cap)
			buf[o++] = '.';
		o = put_label(wire + p + 1, l, buf, cap, o);
		p += 1 + l;
	}
	buf[o] = 0;
	return o;
}

unsigned tg_wire_labels(const uint8_t *wire, size_t len)
{
	unsigned n = 0;
	size_t p = 0;
	while (p < len && wire[p] != 0) {
		p += 1 + (size_t)wire[p];
		n++;
	}
	return n;
}

int tg_name_format(const uint8_t *wire, size_t len, char *buf, size_t cap)
{
	tg_name nm;

	if (!buf || !cap)
		return TG_EINVAL;
	buf[0] = '\0';
	if (!wire || tg_name_from_wire(&nm, wire, len, NULL, 0) != TG_OK)
		return TG_ENAME;
	if (nm.n == 0)
		snprintf(buf, cap, ".");
	else
		tg_name_to_text(&nm, 0, buf, cap);
	return TG_OK;
}
