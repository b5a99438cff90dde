/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The tool's one JSON string writer (cli.h), for the output written by
 * hand (score --json, audit --format json); report builds its document
 * with json-c.
 */
#include "tg_config.h"

#include <stdio.h>

#include "cli.h"

/**
 * Write \p s as a JSON string: quotes, backslash and control characters
 * escaped; valid UTF-8 passed through, invalid bytes as U+FFFD.
 */
void cli_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	while (*p != '\0') {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc(c, out);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				fprintf(out, "\\u%04x", c);
			}
			p++;
		} else if (c < 0x80) {
			putc(c, out);
			p++;
		} else {
			/* validate one UTF-8 sequence (no overlongs or
			 * surrogates) */
			size_t n = 0, i;
			unsigned long cp = 0;

			if (c >= 0xc2 && c <= 0xdf) {
				n = 2;
				cp = c & 0x1f;
			} else if (c >= 0xe0 && c <= 0xef) {
				n = 3;
				cp = c & 0x0f;
			} else if (c >= 0xf0 && c <= 0xf4) {
				n = 4;
				cp = c & 0x07;
			}
			for (i = 1; i < n; i++) {
				if ((p[i] & 0xc0) != 0x80)
					break;
				cp = (cp << 6) | (p[i] & 0x3f);
			}
			if (n == 0 || i < n || (n == 3 && cp < 0x800) ||
			    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			    (cp >= 0xd800 && cp <= 0xdfff)) {
				fputs("\\ufffd", out);
				p++;
			} else {
				fwrite(p, 1, n, out);
				p += n;
			}
		}
	}
	putc('"', out);
}
