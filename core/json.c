/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The one JSON string escaper (tg_json_string() in typoguard.h), used by
 * the module's event lines, the tool's hand-written JSON, and report's
 * json-c document (through a json-c serializer of its strings).
 */
#include "tg_config.h"

#include <string.h>

#include "typoguard.h"

/**
 * The length of the valid UTF-8 sequence at \p p (2 to 4), or 0 if the
 * bytes there are not one: RFC 3629, no overlongs, no surrogates, nothing
 * above U+10FFFF.  Stops at the NUL, which is never a continuation byte.
 */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n, i;
	unsigned long cp;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int tg_json_string(const char *s, char *buf, size_t cap, size_t *out_len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	int rc = TG_OK;

	if (out_len)
		*out_len = 0;
	if (buf && cap)
		buf[0] = '\0';
	if (!s || !buf || cap < 3)
		return TG_EINVAL;
	buf[o++] = '"';
	while (*p) {
		unsigned char c = *p;
		char esc[6];
		const char *piece = esc;
		size_t n = 1, in = 1;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			n = 2;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			esc[0] = '\\';
			esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		} else if (c < 0x80) {
			piece = (const char *)p;
		} else if ((in = utf8_len(p)) != 0) {
			piece = (const char *)p;
			n = in;
		} else {
			piece = "\\ufffd";
			n = 6;
			in = 1;
		}
		/* room for the piece, the closing quote and the NUL */
		if (n + 2 > cap - o) {
			rc = TG_ELIMIT;
			break;
		}
		memcpy(buf + o, piece, n);
		o += n;
		p += in;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (out_len)
		*out_len = o;
	return rc;
}
