/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Fuzz target: plain list files (tg_list_load_file).
 *
 * The input is the whole file: lines, comments, CRLF, a BOM, escapes,
 * over-long lines, NUL bytes.  It is loaded as a protected list and as an
 * allowlist; when it loads, an index is built from it (with the fuzzing
 * PSL) and a few names are scored, so that odd entries reach the index
 * and the scorer too.  Invariants: a failure names a line and a reason;
 * a successful load counts at most one entry per line.
 */
#include "tg_config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "typoguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tg_fuzz_file f;
	tg_fuzz_file_open(&f, "list", data, size);
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	for (int kind = TG_LIST_PROTECTED; kind <= TG_LIST_ALLOW; kind++) {
		tg_list *l = tg_list_create();
		if (!l)
			abort();
		tg_error err;
		memset(&err, 0, sizeof(err));
		int rc = tg_list_load_file(l, (tg_list_kind)kind, f.path, &err);
		if (rc != TG_OK) {
			if (rc != TG_EPARSE && rc != TG_ENAME &&
			    rc != TG_ELIMIT && rc != TG_EIO && rc != TG_ENOMEM)
				abort();
			if (err.code != rc || err.reason[0] == '\0' ||
			    !memchr(err.reason, 0, sizeof(err.reason)))
				abort();
			char buf[600];
			tg_error_format(&err, buf, sizeof(buf));
		} else if (tg_list_count(l, (tg_list_kind)kind) > lines) {
			abort();
		} else if (kind == TG_LIST_PROTECTED) {
			/* Build with a tiny PSL: the system one is slow to
			 * load. */
			tg_index_options opts;
			tg_index_options_init(&opts);
			static const char psl[] = "com\nmil\nml\n";
			tg_fuzz_file pf;
			tg_fuzz_file_open(&pf, "psl", (const uint8_t *)psl,
					  sizeof(psl) - 1);
			opts.psl_file = pf.path;
			tg_index *ix = NULL;
			if (tg_index_build(l, &opts, &ix, &err) == TG_OK) {
				static const char *const q[] = {
				    "army.ml", "armym.il", "gmial.com",
				    "example.com", "xn--80ak6aa92e.com"};
				for (size_t i = 0; i < sizeof(q) / sizeof(q[0]);
				     i++) {
					tg_result res;
					tg_fuzz_check_result(
					    tg_score_name(ix, q[i], &res),
					    &res);
				}
				tg_index_free(ix);
			}
			tg_fuzz_file_close(&pf);
		}
		tg_list_free(l);
	}
	tg_fuzz_file_close(&f);
	return 0;
}
