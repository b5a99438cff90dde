/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Fuzz target: scoring of presentation-format names (tg_score_name): text
 * with \DDD and \X escapes, escaped dots, over-long labels and names,
 * trailing dots, IDN labels in UTF-8 and in punycode (valid or not).
 * The input is NUL-terminated at its first NUL.  Against the small fixed
 * index of tg_fuzz_index(); result invariants are checked, and a name that
 * scored is scored again from its normalised form (when that is printed
 * whole, without escapes): the score must not change.
 *
 * The same input is also written as a JSON string by tg_json_string(), as
 * the event log and the tool write every string: whole (the worst-case
 * cap) and cut at a cap taken from the input.  The output is checked
 * against an independent reading of JSON and RFC 3629 UTF-8: quoted, no
 * raw control byte, only the escapes \" \\ \n \r \t \u00XX and \ufffd,
 * UTF-8 copied from the input, U+FFFD only for a byte that starts no valid
 * sequence, and all of the input consumed exactly when TG_OK.
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "typoguard.h"

/** Length of the valid UTF-8 sequence at \p p (1 to 4), or 0: the byte
 *  ranges of RFC 3629, section 4. */
static size_t utf8_seq(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/** Write \p in with tg_json_string() into \p cap bytes; abort unless the
 *  output is a JSON string of a prefix of \p in (all of it on TG_OK). */
static void check_json(const char *in, size_t cap)
{
	const unsigned char *u = (const unsigned char *)in;
	char *out = malloc(cap);
	size_t n = 0, i = 1, k = 0;
	int rc;

	if (!out)
		abort();
	rc = tg_json_string(in, out, cap, &n);
	if ((rc != TG_OK && rc != TG_ELIMIT) || n != strlen(out) || n >= cap ||
	    n < 2 || out[0] != '"' || out[n - 1] != '"')
		abort();
	while (i < n - 1) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f || c == '"')
			abort();
		if (c == '\\') {
			static const char esc[] = "\"\\nrt",
					  raw[] = "\"\\\n\r\t";
			const char *e = strchr(esc, out[i + 1]);
			int v = 0, j;

			if (out[i + 1] != '\0' && e) {
				if (u[k] != (unsigned char)raw[e - esc])
					abort();
				k++;
				i += 2;
				continue;
			}
			if (out[i + 1] != 'u' || i + 6 > n - 1)
				abort();
			for (j = 2; j < 6; j++) {
				int h = hexval(out[i + j]);
				if (h < 0)
					abort();
				v = v * 16 + h;
			}
			if (v == 0xfffd) {
				if (u[k] < 0x80 || utf8_seq(u + k) != 0)
					abort();
			} else if ((v >= 0x20 && v != 0x7f) || v == '\n' ||
				   v == '\r' || v == '\t' || u[k] != v) {
				abort();
			}
			k++;
			i += 6;
		} else {
			size_t l = utf8_seq((const unsigned char *)out + i);

			if (l == 0 || i + l > n - 1 ||
			    memcmp(out + i, in + k, l))
				abort();
			k += l;
			i += l;
		}
	}
	if ((rc == TG_OK) != (in[k] == '\0'))
		abort();
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tg_index *ix = tg_fuzz_index();
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	check_json(s, strlen(s) * 6 + 3);
	check_json(s, 3 + (size ? data[0] % 48 : 0));
	tg_result res;
	int rc = tg_score_name(ix, s, &res);
	tg_fuzz_check_result(rc, &res);
	/* Names that need no escapes fit tg_result.name whole; longer
	 * escaped forms are cut at a label (TG_NAME_BUF), so skip those. */
	if (rc == TG_OK && res.name[0] != '\0' && strlen(res.name) <= 253 &&
	    !strchr(res.name, '\\')) {
		tg_result again;
		int rc2 = tg_score_name(ix, res.name, &again);
		if (rc2 != TG_OK || again.verdict != res.verdict ||
		    again.score != res.score) {
			fprintf(stderr, "rescoring \"%s\": rc %d, %d/%d\n",
				res.name, rc2, res.score, again.score);
			abort();
		}
	}
	free(s);
	return 0;
}
