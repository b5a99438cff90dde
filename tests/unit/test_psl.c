/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the Public Suffix List index (core/psl.c): normal rules,
 * multi-label suffixes (co.uk), wildcards, exceptions, the implicit "*"
 * rule, IDN rules, comments and load errors.  A small list written by the
 * test pins the semantics; the system list checks real cases.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tg_unit.h"

#include "name_internal.h"
#include "psl_internal.h"
#include "util_internal.h"

#define TG_SEED 0x1234567887654321ULL

/* Labels of the public suffix of \p name under \p psl. */
static unsigned tg_ps(const tg_psl *psl, const char *name)
{
	tg_name nm;
	uint64_t sh[TG_MAX_LABELS + 1];
	assert_int_equal(tg_name_from_text(&nm, name, strlen(name), NULL, 0),
			 TG_OK);
	sh[nm.n] = psl->seed;
	for (unsigned i = nm.n; i-- > 0;) {
		size_t l;
		const uint8_t *lab = tg_name_label(&nm, i, &l);
		sh[i] = tg_hash_label_step(psl->seed, sh[i + 1], lab, l);
	}
	return tg_psl_suffix_labels(psl, sh, nm.n);
}

static void test_small_list(void **state)
{
	(void)state;
	const char *path = tg_unit_write(
	    "psl.dat", "// comment\n"
		       "com\n"
		       "uk\n"
		       "co.uk\n"
		       "\n"
		       "// ===BEGIN PRIVATE DOMAINS===\n"
		       "blogspot.com\n"
		       "*.ck\n"
		       "!www.ck\n"
		       "*.kawasaki.jp\n"
		       "!city.kawasaki.jp\n"
		       "\xe5\x85\xac\xe5\x8f\xb8.cn   trailing text\n");
	tg_psl psl;
	tg_error err;
	assert_int_equal(tg_psl_load(&psl, path, TG_SEED, &err), TG_OK);
	assert_int_equal(tg_ps(&psl, "example.com"), 1);
	assert_int_equal(tg_ps(&psl, "www.example.com"), 1);
	assert_int_equal(tg_ps(&psl, "com"), 1);
	assert_int_equal(tg_ps(&psl, "gov.example.co.uk"), 2);
	assert_int_equal(tg_ps(&psl, "co.uk"), 2);
	assert_int_equal(tg_ps(&psl, "x.blogspot.com"), 2);
	/* wildcard and its exception */
	assert_int_equal(tg_ps(&psl, "foo.ck"), 2);
	assert_int_equal(tg_ps(&psl, "a.foo.ck"), 2);
	assert_int_equal(tg_ps(&psl, "www.ck"), 1);
	assert_int_equal(tg_ps(&psl, "x.www.ck"), 1);
	assert_int_equal(tg_ps(&psl, "a.b.kawasaki.jp"), 3);
	assert_int_equal(tg_ps(&psl, "city.kawasaki.jp"), 2);
	/* implicit "*": an unknown TLD is a suffix of one label */
	assert_int_equal(tg_ps(&psl, "army.mil.local"), 1);
	/* IDN rule stored as A-label: 公司.cn = xn--55qx5d.cn */
	assert_int_equal(tg_ps(&psl, "x.xn--55qx5d.cn"), 2);
	assert_true(tg_psl_memory(&psl) > 0);
	tg_psl_free(&psl);
}

static void test_errors(void **state)
{
	(void)state;
	tg_psl psl;
	tg_error err;
	assert_int_equal(tg_psl_load(&psl, "/nonexistent/psl", TG_SEED, &err),
			 TG_EIO);
	assert_string_equal(err.file, "/nonexistent/psl");
	const char *path = tg_unit_write("empty.dat", "// nothing\n\n");
	assert_int_equal(tg_psl_load(&psl, path, TG_SEED, &err), TG_EPARSE);
	tg_psl_free(&psl);
	tg_psl_free(NULL);
}

static void test_system_list(void **state)
{
	(void)state;
	tg_unit_need_psl();
	tg_psl psl;
	tg_error err;
	assert_int_equal(tg_psl_load(&psl, NULL, TG_SEED, &err), TG_OK);
	assert_true(psl.rules > 5000);
	assert_int_equal(tg_ps(&psl, "army.mil"), 1);
	assert_int_equal(tg_ps(&psl, "hotmail.co.uk"), 2);
	assert_int_equal(tg_ps(&psl, "www.army.ml"), 1);
	assert_int_equal(tg_ps(&psl, "a.b.kawasaki.jp"), 3);
	assert_int_equal(tg_ps(&psl, "city.kawasaki.jp"), 2);
	assert_int_equal(tg_ps(&psl, "www.ck"), 1);
	tg_psl_free(&psl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_small_list),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_system_list),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
