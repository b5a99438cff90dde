/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of Unbound build identities (core/ubid.c): the embedded
 * string, the version literal found in an executable image, what the
 * running side is made of, and the refusal line an operator reads.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ubid_internal.h"

#define ID_DEBIAN                                                              \
	"version=1.17.1 options= markers=+dns_msg_deepcopy_region,"            \
	"+nsec3_cache_table_init,-setup_wait_limits configure=--prefix=/usr "  \
	"--with-dynlibmodule --disable-flto"

static void test_parse(void **state)
{
	tg_ubid id;

	(void)state;
	assert_int_equal(tg_ubid_parse(ID_DEBIAN, &id), 0);
	assert_string_equal(id.version, "1.17.1");
	assert_int_equal(id.options, 0);
	assert_int_equal(id.n_markers, 3);
	assert_string_equal(id.marker[0], "dns_msg_deepcopy_region");
	assert_string_equal(id.marker[2], "setup_wait_limits");
	assert_int_equal(id.marker_present, 3);
	assert_string_equal(id.configure,
			    "--prefix=/usr --with-dynlibmodule --disable-flto");

	/* options as tg_guard.c writes them (trailing comma), unknown
	 * names ignored */
	assert_int_equal(
	    tg_ubid_parse("version=1.26.0 options=subnet,cachedb,future,", &id),
	    0);
	assert_int_equal(id.options, 3u);

	/* no version, or a marker name that does not fit: damaged */
	assert_int_equal(tg_ubid_parse("options=subnet", &id), -1);
	assert_int_equal(tg_ubid_parse("", &id), -1);
	char big[200];
	memset(big, 'a', sizeof(big));
	memcpy(big, "version=1 markers=+", 19);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tg_ubid_parse(big, &id), -1);
}

static void test_find_version(void **state)
{
	/* as in a .rodata: other strings around, NUL-terminated literals */
	static const char img[] = "x\0unbound is\0unbound \0libunbound 2\0"
				  "start of service (%s).\0unbound 1.19.0rc1\0"
				  "unbound 1.26.0\0";
	char v[32];

	(void)state;
	assert_int_equal(tg_ubid_find_version(img, sizeof(img), v, sizeof(v)),
			 1);
	assert_string_equal(v, "1.19.0rc1");
	/* "unbound 2" is followed by no NUL within the buffer's end */
	assert_int_equal(tg_ubid_find_version("unbound 2", 9, v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(tg_ubid_find_version("no version", 10, v, sizeof(v)),
			 0);
}

/** A daemon that exports the names in the NUL-separated list \p arg. */
static int has_in(const char *symbol, void *arg)
{
	const char *s;

	for (s = arg; *s; s += strlen(s) + 1)
		if (strcmp(s, symbol) == 0)
			return 1;
	return 0;
}

static void test_mismatch_lines(void **state)
{
	tg_ubid built, run;
	char line[1024];

	(void)state;
	assert_int_equal(tg_ubid_parse(ID_DEBIAN, &built), 0);

	/* the same Debian 1.17.1 */
	memset(&run, 0, sizeof(run));
	strcpy(run.version, "1.17.1");
	tg_ubid_observe(&built, &run, has_in,
			(void *)"dns_msg_deepcopy_region\0"
				"nsec3_cache_table_init\0");
	assert_int_equal(tg_ubid_match(&built, &run), 1);

	/* upstream 1.17.1: same version, other patch level */
	tg_ubid_observe(&built, &run, has_in, (void *)"");
	assert_int_equal(tg_ubid_match(&built, &run), 0);
	assert_string_equal(
	    tg_ubid_mismatch(&built, &run, line, sizeof(line)),
	    "built for unbound 1.17.1 (no layout options; with "
	    "dns_msg_deepcopy_region; with nsec3_cache_table_init), running "
	    "in 1.17.1 (no layout options; without dns_msg_deepcopy_region; "
	    "without nsec3_cache_table_init)");

	/* 1.26.0 with subnet and cachedb */
	strcpy(run.version, "1.26.0");
	tg_ubid_observe(&built, &run, has_in,
			(void *)"dns_msg_deepcopy_region\0"
				"nsec3_cache_table_init\0setup_wait_limits\0"
				"subnetmod_get_funcblock\0"
				"cachedb_get_funcblock\0");
	assert_string_equal(
	    tg_ubid_mismatch(&built, &run, line, sizeof(line)),
	    "built for unbound 1.17.1 (no layout options; without "
	    "setup_wait_limits), running in 1.26.0 (subnet, cachedb; with "
	    "setup_wait_limits)");

	/* 1.17.1 but built with subnet */
	strcpy(run.version, "1.17.1");
	tg_ubid_observe(&built, &run, has_in,
			(void *)"dns_msg_deepcopy_region\0"
				"nsec3_cache_table_init\0"
				"subnetmod_get_funcblock\0");
	assert_int_equal(tg_ubid_match(&built, &run), 0);
	assert_string_equal(tg_ubid_mismatch(&built, &run, line, sizeof(line)),
			    "built for unbound 1.17.1 (no layout options), "
			    "running in 1.17.1 (subnet)");

	/* no version literal found: never a match */
	run.version[0] = '\0';
	assert_int_equal(tg_ubid_match(&built, &run), 0);
	assert_non_null(strstr(tg_ubid_mismatch(&built, &run, line, 60),
			       "built for unbound 1.17.1"));
	assert_true(strlen(line) < 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_find_version),
	    cmocka_unit_test(test_mismatch_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
