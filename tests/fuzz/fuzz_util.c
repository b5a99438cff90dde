/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Helpers shared by the fuzz targets: memory files for the path-based
 * parsers, the fixed scoring index and the result invariants (fuzz.h).
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "typoguard.h"

void tg_fuzz_file_open(tg_fuzz_file *f, const char *name, const uint8_t *data,
		       size_t size)
{
	f->fd = memfd_create(name, MFD_CLOEXEC);
	if (f->fd < 0) {
		perror("memfd_create");
		abort();
	}
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(f->fd, data + done, size - done);
		if (n <= 0) {
			perror("write memfd");
			abort();
		}
		done += (size_t)n;
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

void tg_fuzz_file_close(tg_fuzz_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

/* The index outlives every input; a static tg_fuzz_file keeps its PSL. */
static tg_index *tg_fuzz_ix;

const tg_index *tg_fuzz_index(void)
{
	if (tg_fuzz_ix)
		return tg_fuzz_ix;
	static const char psl[] = "// tiny PSL for fuzzing\n"
				  "com\nmil\nml\nuk\nco.uk\n*.ck\n!www.ck\n"
				  "xn--p1ai\n";
	tg_fuzz_file pf;
	tg_fuzz_file_open(&pf, "psl", (const uint8_t *)psl, sizeof(psl) - 1);
	tg_list *l = tg_list_create();
	tg_error err;
	static const char *const prot[] = {
	    "army.mil",	  "navy.mil",		"gmail.com", "mil",
	    "bank.co.uk", "xn--80ak6aa92e.com", "a.b.c.d.e"};
	if (!l)
		abort();
	for (size_t i = 0; i < sizeof(prot) / sizeof(prot[0]); i++)
		if (tg_list_add(l, TG_LIST_PROTECTED, prot[i], "fuzz", i + 1,
				&err) != TG_OK)
			abort();
	if (tg_list_add(l, TG_LIST_ALLOW, "armyy.mil", "fuzz", 99, &err) !=
	    TG_OK)
		abort();
	/* brands: combos, brand two edits, and one edit under another
	 * suffix, which blocks for a long label unless the query's own label
	 * is protected (bankofamerca.uk against bankofamerca.ml) */
	static const char *const brands[] = {"myetherwallet.com",
					     "bankofamerica.com",
					     "bankofamerca.ml", "discord.com"};
	if (tg_list_set_profile(l, TG_PROFILE_BRAND) != TG_OK)
		abort();
	for (size_t i = 0; i < sizeof(brands) / sizeof(brands[0]); i++)
		if (tg_list_add(l, TG_LIST_PROTECTED, brands[i], "fuzz",
				100 + i, &err) != TG_OK)
			abort();
	tg_index_options opts;
	tg_index_options_init(&opts);
	opts.psl_file = pf.path;
	if (tg_index_build(l, &opts, &tg_fuzz_ix, &err) != TG_OK) {
		fprintf(stderr, "fuzz index: %s\n", err.reason);
		abort();
	}
	tg_list_free(l);
	tg_fuzz_file_close(&pf);
	return tg_fuzz_ix;
}

void tg_fuzz_check_result(int rc, const tg_result *res)
{
	if (rc != TG_OK && rc != TG_ENAME)
		abort();
	if (memchr(res->name, 0, sizeof(res->name)) == NULL ||
	    memchr(res->protected_name, 0, sizeof(res->protected_name)) == NULL)
		abort();
	if (res->score < 0 || res->score > 100)
		abort();
	if (rc == TG_ENAME &&
	    (res->score != 0 || res->verdict != TG_VERDICT_PASS))
		abort();
	tg_verdict want =
	    res->score >= TG_DEFAULT_BLOCK_THRESHOLD ? TG_VERDICT_BLOCK
	    : res->score >= TG_DEFAULT_LOG_THRESHOLD ? TG_VERDICT_LOG
						     : TG_VERDICT_PASS;
	if (res->verdict != want)
		abort();
	if (res->allowlisted && res->verdict != TG_VERDICT_PASS)
		abort();
	if (res->score > 0 && res->protected_name[0] == '\0')
		abort();
	char buf[512];
	memset(buf, 'x', sizeof(buf));
	tg_result_explain(res, buf, sizeof(buf));
	if (memchr(buf, 0, sizeof(buf)) == NULL)
		abort();
	char small[8];
	tg_result_explain(res, small, sizeof(small));
	if (memchr(small, 0, sizeof(small)) == NULL)
		abort();
}
