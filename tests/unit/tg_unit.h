/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Small helpers shared by the core unit tests: a private temporary
 * directory, writing files into it, and finding the source tree and the
 * Public Suffix List.  Header-only (static functions), included once per
 * test program after <cmocka.h>.
 */
#ifndef TG_UNIT_H
#define TG_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_config.h"
#include "typoguard.h"

static char tg_unit_dir[256];

/** cmocka group setup: a fresh temporary directory. */
__attribute__((unused)) static int tg_unit_setup(void **state)
{
	(void)state;
	snprintf(tg_unit_dir, sizeof(tg_unit_dir), "/tmp/tgunitXXXXXX");
	return mkdtemp(tg_unit_dir) ? 0 : -1;
}

/** cmocka group teardown: remove it. */
__attribute__((unused)) static int tg_unit_teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tg_unit_dir);
	return system(cmd) == 0 ? 0 : -1;
}

/** Write \p len bytes of \p text to DIR/name; returns the path (static). */
__attribute__((unused)) static const char *
tg_unit_write_n(const char *name, const char *text, size_t len)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tg_unit_dir, name);
	FILE *f = fopen(path, "wb");
	if (!f)
		return NULL;
	fwrite(text, 1, len, f);
	fclose(f);
	return path;
}

__attribute__((unused)) static const char *tg_unit_write(const char *name,
							 const char *text)
{
	return tg_unit_write_n(name, text, strlen(text));
}

/** Exit 77 (skip) when the system Public Suffix List is missing. */
__attribute__((unused)) static void tg_unit_need_psl(void)
{
	if (access(TG_PSL_FILE, R_OK) != 0) {
		printf("SKIP: %s not readable (apt-get install publicsuffix)\n",
		       TG_PSL_FILE);
		exit(77);
	}
}

/** Path of a file in the source tree (TG_SRCDIR from make check). */
__attribute__((unused)) static const char *tg_unit_src(const char *rel)
{
	static char path[512];
	const char *src = getenv("TG_SRCDIR");
	snprintf(path, sizeof(path), "%s/%s", src ? src : ".", rel);
	return path;
}

/**
 * Build an index over NULL-terminated arrays of protected names, allowlist
 * entries and TLD pairs (protected, confusable, ...); any may be NULL.
 * Entries are sourced "test" / "test-allow" with 1-based lines.  The caller
 * frees the index.
 */
__attribute__((unused)) static tg_index *tg_unit_index(const char *const *prot,
						       const char *const *allow,
						       const char *const *pairs)
{
	tg_list *l = tg_list_create();
	tg_error err;
	assert_non_null(l);
	for (size_t i = 0; prot && prot[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, prot[i],
					     "test", i + 1, &err),
				 TG_OK);
	for (size_t i = 0; allow && allow[i]; i++)
		assert_int_equal(tg_list_add(l, TG_LIST_ALLOW, allow[i],
					     "test-allow", i + 1, &err),
				 TG_OK);
	for (size_t i = 0; pairs && pairs[i]; i += 2)
		assert_int_equal(
		    tg_list_add_tld_pair(l, pairs[i], pairs[i + 1], &err),
		    TG_OK);
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	tg_list_free(l);
	return ix;
}

#endif /* TG_UNIT_H */
