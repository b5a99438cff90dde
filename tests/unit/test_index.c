/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the index (core/index.c): argument and threshold errors,
 * counts, and the key table at scale.  50,000 generated names (so that
 * buckets fill and keys spill to their second bucket) must each be found
 * as protected, a one-letter omission of each of a sample must match its
 * own target, and unrelated names must match nothing.  Only the public
 * API is used: the table layout may change, what it answers may not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tg_unit.h"

#define TG_N 50000

static const char *const tg_tlds[] = {"com", "net", "org", "mil"};

/* A deterministic label of 8..13 letters for \p i (xorshift). */
static void tg_label(uint64_t i, char *out)
{
	uint64_t x = i * 0x9E3779B97F4A7C15ull + 0x1234567ull;
	size_t n = 8 + (size_t)(x % 6);
	for (size_t k = 0; k < n; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		out[k] = (char)('a' + x % 26);
	}
	out[n] = 0;
}

static void tg_name_of(uint64_t i, char *out, size_t len)
{
	char l[16];
	tg_label(i, l);
	snprintf(out, len, "%s.%s", l, tg_tlds[i % 4]);
}

static void test_errors(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	tg_index *ix = NULL;
	tg_index_options o;
	assert_non_null(l);
	assert_int_equal(tg_index_build(NULL, NULL, &ix, &err), TG_EINVAL);
	assert_int_equal(tg_index_build(l, NULL, NULL, &err), TG_EINVAL);
	tg_index_options_init(&o);
	o.log_threshold = 90;
	o.block_threshold = 80;
	assert_int_equal(tg_index_build(l, &o, &ix, &err), TG_EINVAL);
	assert_non_null(strstr(err.reason, "threshold"));
	assert_null(ix);
	/* an empty list builds an index that matches nothing */
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	assert_int_equal(tg_index_protected_count(ix), 0);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "army.ml", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	tg_index_free(ix);
	tg_index_free(NULL);
	tg_list_free(l);
}

static void test_scale(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	char name[64];
	assert_non_null(l);
	for (uint64_t i = 0; i < TG_N; i++) {
		tg_name_of(i, name, sizeof(name));
		assert_int_equal(
		    tg_list_add(l, TG_LIST_PROTECTED, name, "gen", i + 1, &err),
		    TG_OK);
	}
	size_t n = tg_list_count(l, TG_LIST_PROTECTED);
	assert_true(n > TG_N - 10); /* a label may repeat under a TLD */
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	tg_list_free(l);
	assert_int_equal(tg_index_protected_count(ix), n);
	assert_true(tg_index_memory(ix) > n * 16);

	tg_result r;
	for (uint64_t i = 0; i < TG_N; i++) {
		tg_name_of(i, name, sizeof(name));
		assert_int_equal(tg_score_name(ix, name, &r), TG_OK);
		if (!r.is_protected)
			fail_msg("%s: not found as protected", name);
		assert_int_equal(r.verdict, TG_VERDICT_PASS);
	}
	/* every 25th name with its fourth letter dropped is an omission of
	 * it (no other generated name is one edit away by chance, and the
	 * verdict is at least log) */
	size_t checked = 0;
	for (uint64_t i = 0; i < TG_N; i += 25) {
		char lab[16], q[64];
		tg_label(i, lab);
		memmove(lab + 3, lab + 4, strlen(lab + 3));
		snprintf(q, sizeof(q), "%s.%s", lab, tg_tlds[i % 4]);
		tg_name_of(i, name, sizeof(name));
		assert_int_equal(tg_score_name(ix, q, &r), TG_OK);
		if (r.is_protected)
			continue; /* the shortened label is listed itself */
		if (i % 4 == 3) {
			/* inside .mil: capped below log (outsiders cannot
			 * register there), but still matched */
			assert_string_equal(r.protected_name, name);
		} else if (r.verdict == TG_VERDICT_PASS ||
			   strcmp(r.protected_name, name) != 0 ||
			   !(r.classes & TG_C_OMISSION)) {
			fail_msg("%s: %s %d ~%s, want an omission of %s", q,
				 tg_verdict_name(r.verdict), r.score,
				 r.protected_name, name);
		}
		checked++;
	}
	assert_true(checked > TG_N / 25 - 10);
	/* names from another generator stream match nothing */
	for (uint64_t i = TG_N * 7; i < TG_N * 7 + 2000; i++) {
		tg_name_of(i, name, sizeof(name));
		assert_int_equal(tg_score_name(ix, name, &r), TG_OK);
		if (r.verdict != TG_VERDICT_PASS || r.is_protected)
			fail_msg("%s: %s ~%s", name, tg_verdict_name(r.verdict),
				 r.protected_name);
	}
	tg_index_free(ix);
}

int main(void)
{
	tg_unit_need_psl();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_scale),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
