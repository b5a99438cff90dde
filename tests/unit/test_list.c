/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the list builder (core/list.c): plain list files (comments,
 * CRLF, BOM, duplicates, wildcards) and every parse error with its
 * "file:line: reason"; zone files through ldns (origin stripping, apex
 * records skipped, names outside the origin, syntax errors); the API.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "list_internal.h"
#include "tg_unit.h"

/* Load \p text as a list file; returns the code, formats the error. */
static int tg_load(const char *text, char *msg, size_t len, size_t *count)
{
	const char *path = tg_unit_write("l.list", text);
	tg_list *l = tg_list_create();
	tg_error err;
	memset(&err, 0, sizeof(err));
	int rc = tg_list_load_file(l, TG_LIST_PROTECTED, path, &err);
	if (msg) {
		tg_error_format(&err, msg, len);
		/* strip the temporary directory */
		const char *slash = strrchr(err.file, '/');
		if (rc != TG_OK && slash) {
			char tmp[512];
			snprintf(tmp, sizeof(tmp), "%s",
				 msg + (slash + 1 - err.file));
			snprintf(msg, len, "%s", tmp);
		}
	}
	if (count)
		*count = tg_list_count(l, TG_LIST_PROTECTED);
	tg_list_free(l);
	return rc;
}

static void test_plain_file(void **state)
{
	(void)state;
	size_t n;
	char msg[512];
	assert_int_equal(tg_load("\xef\xbb\xbf"
				 "army.mil\r\n"
				 "# a comment\r\n"
				 "\r\n"
				 "  navy.mil   # trailing comment\n"
				 "ARMY.MIL.\n"
				 "*.af.mil\n"
				 "xn--80ayln.com\n"
				 "last.mil",
				 msg, sizeof(msg), &n),
			 TG_OK);
	assert_int_equal(n, 5); /* ARMY.MIL. merged with army.mil */
}

static void tg_expect_error(const char *text, int code, const char *want)
{
	char msg[512];
	assert_int_equal(tg_load(text, msg, sizeof(msg), NULL), code);
	if (strcmp(msg, want) != 0) {
		print_error("got \"%s\", want \"%s\"\n", msg, want);
		fail();
	}
}

static void test_errors(void **state)
{
	(void)state;
	tg_expect_error("army.mil\narmy..mil\n", TG_ENAME,
			"l.list:2: army..mil: empty label");
	tg_expect_error("a.mil\nb.mil\n.x.mil\n", TG_ENAME,
			"l.list:3: .x.mil: empty label");
	tg_expect_error("army.mil navy.mil\n", TG_EPARSE,
			"l.list:1: one name per line expected: army.mil "
			"navy.mil");
	char lab[70];
	memset(lab, 'x', 64);
	strcpy(lab + 64, ".mil\n");
	tg_expect_error(
	    lab, TG_ENAME,
	    "l.list:1: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxx.mil: label too long (64 > 63)");
	/* a 300-character name: too long for DNS */
	char name[400];
	for (int i = 0; i < 5; i++)
		memcpy(name + i * 60,
		       "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		       "aaaa.",
		       60);
	strcpy(name + 300, "\n");
	tg_expect_error(name, TG_ENAME, "l.list:1: name too long (299 > 253)");
	/* a line longer than TG_MAX_LINE */
	char *big = malloc(TG_MAX_LINE + 100);
	assert_non_null(big);
	memset(big, 'a', TG_MAX_LINE + 50);
	strcpy(big + TG_MAX_LINE + 50, "\nok.mil\n");
	char want[128];
	snprintf(want, sizeof(want), "l.list:1: line too long (%d > %d)",
		 TG_MAX_LINE + 50, TG_MAX_LINE);
	tg_expect_error(big, TG_ELIMIT, want);
	free(big);
	tg_expect_error("ok.mil\nbad\\25.mil\n", TG_ENAME,
			"l.list:2: bad\\25.mil: bad \\DDD escape");
	/* a missing file */
	tg_list *l = tg_list_create();
	tg_error err;
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED,
					   "/nonexistent/x.list", &err),
			 TG_EIO);
	char msg[512];
	tg_error_format(&err, msg, sizeof(msg));
	assert_non_null(strstr(msg, "/nonexistent/x.list: cannot open"));
	/* entries added before a failure stay */
	const char *path = tg_unit_write("p.list", "a.mil\nb..mil\n");
	assert_int_equal(tg_list_load_file(l, TG_LIST_ALLOW, path, &err),
			 TG_ENAME);
	assert_int_equal(err.line, 2);
	assert_int_equal(tg_list_count(l, TG_LIST_ALLOW), 1);
	tg_list_free(l);
}

static void test_api(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "army.mil", NULL, 0, &err),
	    TG_OK);
	assert_int_equal(
	    tg_list_add(l, TG_LIST_ALLOW, "army.mil", "x", 3, &err), TG_OK);
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "Army.Mil.", NULL, 0, &err),
	    TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 1);
	assert_int_equal(tg_list_count(l, TG_LIST_ALLOW), 1);
	assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, ".", NULL, 0, &err),
			 TG_ENAME);
	assert_int_equal(tg_list_add(l, (tg_list_kind)7, "a.b", NULL, 0, &err),
			 TG_EINVAL);
	assert_int_equal(tg_list_add(NULL, TG_LIST_ALLOW, "a.b", NULL, 0, &err),
			 TG_EINVAL);
	assert_int_equal(tg_list_count(NULL, TG_LIST_ALLOW), 0);
	tg_list_free(l);
	tg_list_free(NULL);
	/* error formatting */
	char buf[64];
	tg_error e = {.code = TG_EPARSE, .line = 7};
	strcpy(e.file, "f.list");
	strcpy(e.reason, "bad");
	assert_string_equal(tg_error_format(&e, buf, sizeof(buf)),
			    "f.list:7: bad");
	e.line = 0;
	assert_string_equal(tg_error_format(&e, buf, sizeof(buf)),
			    "f.list: bad");
	e.file[0] = 0;
	e.reason[0] = 0;
	assert_string_equal(tg_error_format(&e, buf, sizeof(buf)),
			    "parse error");
	tg_error_format(&e, buf, 3);
	assert_string_equal(buf, "pa");
}

/* Sources (file names) are a capped table: past TG_MAX_SOURCES distinct
 * ones an entry is refused with the cap named, a known one still adds. */
static void test_sources_cap(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	char src[32], name[32];
	assert_non_null(l);
	for (int i = 0; i < TG_MAX_SOURCES; i++) {
		snprintf(src, sizeof(src), "f%d.list", i);
		snprintf(name, sizeof(name), "n%d.example", i);
		assert_int_equal(
		    tg_list_add(l, TG_LIST_PROTECTED, name, src, 1, &err),
		    TG_OK);
	}
	assert_int_equal(tg_list_add(l, TG_LIST_PROTECTED, "x.example",
				     "one-too-many.list", 1, &err),
			 TG_ELIMIT);
	assert_non_null(strstr(err.reason, "list sources"));
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "y.example", "f7.list", 2, &err),
	    TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED),
			 TG_MAX_SOURCES + 1);
	tg_list_free(l);
}

static void test_zone(void **state)
{
	(void)state;
	const char *path = tg_unit_write(
	    "p.zone",
	    "$ORIGIN protected.typoguard.\n"
	    "$TTL 300\n"
	    "@ IN SOA ns.protected.typoguard. admin.x. 1 3600 600 86400 60\n"
	    "@ IN NS ns.protected.typoguard.\n"
	    "army.mil.protected.typoguard. IN TXT \"army\"\n"
	    "navy.mil IN CNAME .\n"
	    "; a comment\n"
	    "Mail.Army.Mil 60 IN A 192.0.2.1\n"
	    "navy.mil IN TXT \"again\"\n");
	tg_list *l = tg_list_create();
	tg_error err;
	memset(&err, 0, sizeof(err));
	int rc = tg_list_load_zone(l, TG_LIST_PROTECTED, path,
				   "protected.typoguard.", &err);
	if (rc != TG_OK) {
		char msg[512];
		print_error("%s\n", tg_error_format(&err, msg, sizeof(msg)));
	}
	assert_int_equal(rc, TG_OK);
	/* army.mil, navy.mil, mail.army.mil; the apex is skipped */
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 3);
	/* ns.protected.typoguard. would be an entry "ns"; it is not owned */
	tg_unit_need_psl();
	tg_index *ix = NULL;
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "army.ml", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_BLOCK);
	assert_string_equal(r.protected_name, "army.mil");
	assert_string_equal(r.source, path);
	assert_int_equal(r.source_line, 5);
	assert_int_equal(tg_score_name(ix, "mail.army.mil", &r), TG_OK);
	assert_int_equal(r.is_protected, 1);
	tg_index_free(ix);
	tg_list_free(l);

	/* an owner outside the origin, with its line */
	path = tg_unit_write("bad.zone", "$ORIGIN protected.typoguard.\n"
					 "army.mil IN TXT \"ok\"\n"
					 "evil.example. IN TXT \"outside\"\n");
	l = tg_list_create();
	assert_int_equal(tg_list_load_zone(l, TG_LIST_PROTECTED, path,
					   "protected.typoguard", &err),
			 TG_EPARSE);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.reason, "outside the origin"));
	tg_list_free(l);

	/* a syntax error, with its line */
	path = tg_unit_write("syntax.zone", "$ORIGIN protected.typoguard.\n"
					    "army.mil IN TXT \"ok\"\n"
					    "navy.mil IN BOGUSTYPE x\n");
	l = tg_list_create();
	assert_int_equal(tg_list_load_zone(l, TG_LIST_PROTECTED, path,
					   "protected.typoguard.", &err),
			 TG_EPARSE);
	assert_int_equal(err.line, 3);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 1);
	assert_int_equal(tg_list_load_zone(l, TG_LIST_PROTECTED,
					   "/nonexistent.zone", "x.", &err),
			 TG_EIO);
	assert_int_equal(
	    tg_list_load_zone(l, TG_LIST_PROTECTED, path, "bad..origin", &err),
	    TG_ENAME);
	tg_list_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_plain_file),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_api),
	    cmocka_unit_test(test_sources_cap),
	    cmocka_unit_test(test_zone),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
