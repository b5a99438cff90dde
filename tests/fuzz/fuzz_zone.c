/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Fuzz target: lists kept as DNS zones (tg_list_load_zone, through ldns).
 *
 * The first input byte picks the origin (a policy-zone origin, the root, a
 * deep origin), the rest is the zone file.  Invariants as for plain lists:
 * a failure carries its code and a reason.
 */
#include "tg_config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "typoguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const origins[] = {
	    "protected.typoguard.", "allow.typoguard", ".", "a.b.c.d.e.f.",
	    "xn--80ak6aa92e.com."};
	const char *origin = origins[0];
	if (size > 0) {
		origin =
		    origins[data[0] % (sizeof(origins) / sizeof(*origins))];
		data++;
		size--;
	}
	tg_fuzz_file f;
	tg_fuzz_file_open(&f, "zone", data, size);
	tg_list *l = tg_list_create();
	if (!l)
		abort();
	tg_error err;
	memset(&err, 0, sizeof(err));
	int rc = tg_list_load_zone(l, TG_LIST_PROTECTED, f.path, origin, &err);
	if (rc != TG_OK && (err.code != rc || err.reason[0] == '\0' ||
			    !memchr(err.reason, 0, sizeof(err.reason))))
		abort();
	(void)tg_list_count(l, TG_LIST_PROTECTED);
	tg_list_free(l);
	tg_fuzz_file_close(&f);
	return 0;
}
