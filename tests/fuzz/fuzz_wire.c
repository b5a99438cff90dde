/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Fuzz target: scoring of raw wire-format names (tg_score_wire, and
 * tg_score_wire_memo with one memo kept across inputs, as a resolver
 * thread keeps it: both must give the same result).
 *
 * The input bytes are the name as it comes off the wire, unchecked:
 * embedded NULs, bytes that are dots or backslashes inside labels, 63-byte
 * labels, compression-pointer bytes, names of 255 bytes and more, punycode
 * labels that do not decode, UTF-8 that is not.  Scored against the small
 * fixed index of tg_fuzz_index(); the result invariants are checked.
 */
#include "tg_config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "typoguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tg_index *ix = tg_fuzz_index();
	tg_result res;
	int rc = tg_score_wire(ix, data, size, &res);
	tg_fuzz_check_result(rc, &res);

	/* the memo fills with the domains of earlier inputs */
	static tg_memo *memo;
	tg_result mres;
	if (!memo && !(memo = tg_memo_create()))
		abort();
	int mrc = tg_score_wire_memo(ix, memo, data, size, &mres);
	if (mrc != rc || mres.verdict != res.verdict ||
	    mres.score != res.score || mres.classes != res.classes ||
	    mres.is_protected != res.is_protected ||
	    mres.allowlisted != res.allowlisted ||
	    strcmp(mres.protected_name, res.protected_name) != 0)
		abort();
	return 0;
}
