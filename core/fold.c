/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Label folding to an ASCII confusable skeleton (see fold_internal.h).
 *
 * Design: the hot path is the ASCII label, which folds by copying.  Only
 * `xn--` labels take the slow path: libidn2 decodes the label to UTF-8
 * (it allocates, so this costs a microsecond, but such labels are rare in
 * real traffic); labels that libidn2 rejects under IDNA2008 are decoded by
 * the small RFC 3492 decoder here, because an attacker's label need not be
 * valid IDNA to be displayed by a mail client.  Each code point is then
 * mapped by binary search in the generated tg_fold_table.
 */
#include "tg_config.h"

#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "fold_internal.h"

/* RFC 3492 parameters */
enum {
	TG_PUNY_BASE = 36,
	TG_PUNY_TMIN = 1,
	TG_PUNY_TMAX = 26,
	TG_PUNY_SKEW = 38,
	TG_PUNY_DAMP = 700,
	TG_PUNY_IBIAS = 72,
	TG_PUNY_INITN = 0x80
};

static uint32_t puny_adapt(uint32_t delta, uint32_t numpoints, int first)
{
	delta = first ? delta / TG_PUNY_DAMP : delta / 2;
	delta += delta / numpoints;
	uint32_t k = 0;
	while (delta > ((TG_PUNY_BASE - TG_PUNY_TMIN) * TG_PUNY_TMAX) / 2) {
		delta /= TG_PUNY_BASE - TG_PUNY_TMIN;
		k += TG_PUNY_BASE;
	}
	return k + (TG_PUNY_BASE - TG_PUNY_TMIN + 1) * delta /
		       (delta + TG_PUNY_SKEW);
}

static int puny_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0' + 26;
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	return -1;
}

int tg_punycode_decode(const uint8_t *in, size_t len, uint32_t *out, size_t cap)
{
	size_t b = 0, outlen = 0;
	for (size_t j = 0; j < len; j++) {
		if (in[j] == '-')
			b = j;
		if (in[j] >= 0x80)
			return -1;
	}
	/* basic code points: everything before the last delimiter */
	for (size_t j = 0; j < b; j++) {
		if (outlen >= cap)
			return -1;
		out[outlen++] = in[j];
	}
	uint32_t n = TG_PUNY_INITN, i = 0, bias = TG_PUNY_IBIAS;
	for (size_t in_pos = b > 0 ? b + 1 : 0; in_pos < len;) {
		uint32_t oldi = i, w = 1;
		for (uint32_t k = TG_PUNY_BASE;; k += TG_PUNY_BASE) {
			if (in_pos >= len)
				return -1;
			int digit = puny_digit(in[in_pos++]);
			if (digit < 0)
				return -1;
			if ((uint32_t)digit > (UINT32_MAX - i) / w)
				return -1; /* overflow */
			i += (uint32_t)digit * w;
			uint32_t t = k <= bias			? TG_PUNY_TMIN
				     : k >= bias + TG_PUNY_TMAX ? TG_PUNY_TMAX
								: k - bias;
			if ((uint32_t)digit < t)
				break;
			if (w > UINT32_MAX / (TG_PUNY_BASE - t))
				return -1;
			w *= TG_PUNY_BASE - t;
		}
		bias = puny_adapt(i - oldi, (uint32_t)outlen + 1, oldi == 0);
		if (i / (outlen + 1) > UINT32_MAX - n)
			return -1;
		n += i / (uint32_t)(outlen + 1);
		i %= (uint32_t)(outlen + 1);
		if (n > 0x10FFFF || (n >= 0xD800 && n <= 0xDFFF) || n < 0x80)
			return -1;
		if (outlen >= cap)
			return -1;
		memmove(out + i + 1, out + i, (outlen - i) * sizeof(*out));
		out[i++] = n;
		outlen++;
	}
	return (int)outlen;
}

const char *tg_fold_cp(uint32_t cp)
{
	size_t lo = 0, hi = tg_fold_table_len;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (tg_fold_table[mid].cp == cp)
			return tg_fold_table[mid].ascii;
		if (tg_fold_table[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int is_cyrillic(uint32_t cp)
{
	return (cp >= 0x0400 && cp <= 0x052F) ||
	       (cp >= 0x1C80 && cp <= 0x1C8F) ||
	       (cp >= 0x2DE0 && cp <= 0x2DFF) || (cp >= 0xA640 && cp <= 0xA69F);
}

/* UTF-8 to code points; -1 on malformed input or overflow. */
static int utf8_decode(const char *s, uint32_t *out, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = 0;
	while (*p) {
		uint32_t cp;
		int extra;
		if (*p < 0x80) {
			cp = *p;
			extra = 0;
		} else if ((*p & 0xE0) == 0xC0) {
			cp = *p & 0x1F;
			extra = 1;
		} else if ((*p & 0xF0) == 0xE0) {
			cp = *p & 0x0F;
			extra = 2;
		} else if ((*p & 0xF8) == 0xF0) {
			cp = *p & 0x07;
			extra = 3;
		} else {
			return -1;
		}
		p++;
		for (int k = 0; k < extra; k++, p++) {
			if ((*p & 0xC0) != 0x80)
				return -1;
			cp = (cp << 6) | (*p & 0x3F);
		}
		if (n >= cap)
			return -1;
		out[n++] = cp;
	}
	return (int)n;
}

/* 1 for a-z, 0-9, '-' and '_' (one load per character of a label). */
static const uint8_t ldh[256] = {
    ['-'] = 1, ['_'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
    ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1,
    ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
    ['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1,
    ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1,
    ['x'] = 1, ['y'] = 1, ['z'] = 1};

static int is_ldh(uint8_t c)
{
	return ldh[c];
}

int tg_fold_ldh(uint8_t c)
{
	return ldh[c];
}

/* Decode an xn-- label into code points; sets IDN flags. */
static int fold_decode(const uint8_t *label, size_t len, uint32_t *cps,
		       unsigned *flags)
{
	char ace[64];
	memcpy(ace, label, len);
	ace[len] = 0;
	char *u8 = NULL;
	int n = -1;
	if (idn2_to_unicode_8z8z(ace, &u8, 0) == IDN2_OK && u8) {
		n = utf8_decode(u8, cps, TG_PUNY_MAX);
	}
	idn2_free(u8);
	if (n < 0) {
		n = tg_punycode_decode(label + 4, len - 4, cps, TG_PUNY_MAX);
		if (n >= 0)
			*flags |= TG_FOLD_RAWPUNY;
	}
	return n;
}

int tg_fold_label(const uint8_t *label, size_t len, char *out, unsigned *flags)
{
	*flags = 0;
	if (len == 0 || len > 63) {
		*flags |= TG_FOLD_NONHOST;
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_ldh(label[i])) {
			*flags |= TG_FOLD_NONHOST;
			return -1;
		}
	}
	if (len < 5 || memcmp(label, "xn--", 4) != 0) {
		memcpy(out, label, len);
		out[len] = 0;
		return (int)len;
	}
	uint32_t cps[TG_PUNY_MAX];
	int n = fold_decode(label, len, cps, flags);
	if (n < 0) {
		/* undecodable: match as the literal ASCII label */
		*flags |= TG_FOLD_BADPUNY;
		memcpy(out, label, len);
		out[len] = 0;
		return (int)len;
	}
	*flags |= TG_FOLD_IDN;
	size_t o = 0;
	int nonascii = 0, cyr = 0, latin = 0;
	for (int i = 0; i < n; i++) {
		uint32_t cp = cps[i];
		const char *f;
		char one[2];
		if (cp < 0x80) {
			if (cp >= 'A' && cp <= 'Z')
				cp += 'a' - 'A';
			if (!is_ldh((uint8_t)cp)) {
				*flags |= TG_FOLD_NONHOST;
				return -1;
			}
			latin += cp >= 'a' && cp <= 'z';
			one[0] = (char)cp;
			one[1] = 0;
			f = one;
		} else {
			f = tg_fold_cp(cp);
			if (f && f[0] == 0) /* combining mark: stripped */
				continue;
			nonascii++;
			if (is_cyrillic(cp))
				cyr++;
			if (f) {
				*flags |= TG_FOLD_MAPPED;
			} else {
				*flags |= TG_FOLD_UNMAPPED;
				one[0] = TG_FOLD_UNKNOWN;
				one[1] = 0;
				f = one;
			}
		}
		size_t fl = strlen(f);
		if (o + fl >= TG_FOLD_MAX) {
			*flags |= TG_FOLD_NONHOST;
			return -1;
		}
		memcpy(out + o, f, fl);
		o += fl;
	}
	/* "whole label": Cyrillic letters outnumber the Latin ones left */
	if (nonascii > 0 && cyr == nonascii && cyr > latin)
		*flags |= TG_FOLD_CYRILLIC;
	out[o] = 0;
	return (int)o;
}
