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
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "typoguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tg_index *ix = tg_fuzz_index();
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
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
