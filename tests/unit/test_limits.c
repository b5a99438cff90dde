/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the input limits (README "Limits"): what each input may be
 * and what happens beyond it, for the three file parsers (plain lists,
 * zone lists, typoguard.conf).
 *
 *  - the entry cap TG_MAX_ENTRIES: a list already at the cap refuses the
 *    next entry with "file:line: too many entries (> 10000000)", whether
 *    it comes from the API, a list file or a zone file.  Loading ten
 *    million real names is too slow for `make check` (it was measured once,
 *    see the README); the cap is reached here by setting the builder's
 *    entry count, so this file includes core/list_internal.h;
 *  - 300-byte lines: a name that long is refused, a comment that long is
 *    not; a 300-byte configuration value is refused with its line;
 *  - CRLF and a UTF-8 BOM in typoguard.conf and in zone files (plain lists:
 *    tests/unit/test_list.c), duplicates across files and kinds;
 *  - an unreadable file (as root the check drops to `nobody` in a child,
 *    since root reads everything), a directory instead of a file, an
 *    empty file.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "list_internal.h"
#include "tg_unit.h"

/* "file:line: reason" of \p err, with the temporary directory stripped. */
static const char *tg_msg(const tg_error *err)
{
	static char msg[600];
	char full[600];
	tg_error_format(err, full, sizeof(full));
	size_t dl = strlen(tg_unit_dir);
	if (strncmp(full, tg_unit_dir, dl) == 0 && full[dl] == '/')
		snprintf(msg, sizeof(msg), "%s", full + dl + 1);
	else
		snprintf(msg, sizeof(msg), "%s", full);
	return msg;
}

static void tg_expect_msg(const tg_error *err, const char *want)
{
	const char *got = tg_msg(err);
	if (strcmp(got, want) != 0) {
		print_error("got \"%s\", want \"%s\"\n", got, want);
		fail();
	}
}

/* ------------------------------------------------------------ entry cap */

static void test_entry_cap(void **state)
{
	(void)state;
	tg_list *l = tg_list_create();
	tg_error err;
	assert_non_null(l);
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "army.mil", "api", 1, &err),
	    TG_OK);
	/* Pretend the other 9 999 999 entries are there. */
	size_t real_n = l->n;
	l->n = TG_MAX_ENTRIES;

	memset(&err, 0, sizeof(err));
	assert_int_equal(
	    tg_list_add(l, TG_LIST_PROTECTED, "navy.mil", "api", 7, &err),
	    TG_ELIMIT);
	tg_expect_msg(&err, "api:7: too many entries (> 10000000)");
	/* a duplicate is refused too: the cap is checked first */
	assert_int_equal(
	    tg_list_add(l, TG_LIST_ALLOW, "army.mil", "api", 8, &err),
	    TG_ELIMIT);

	const char *path = tg_unit_write("cap.list", "# header\n\nnavy.mil\n");
	memset(&err, 0, sizeof(err));
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, path, &err),
			 TG_ELIMIT);
	tg_expect_msg(&err, "cap.list:3: too many entries (> 10000000)");

	path =
	    tg_unit_write("cap.zone", "$ORIGIN protected.typoguard.\n$TTL 60\n"
				      "@ IN SOA ns admin 1 3600 600 86400 60\n"
				      "@ IN NS ns\n"
				      "navy.mil IN CNAME .\n");
	memset(&err, 0, sizeof(err));
	assert_int_equal(tg_list_load_zone(l, TG_LIST_PROTECTED, path,
					   "protected.typoguard.", &err),
			 TG_ELIMIT);
	assert_non_null(strstr(err.reason, "too many entries"));
	assert_string_equal(err.file, path);

	l->n = real_n;
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 1);
	tg_list_free(l);
}

/* ------------------------------------------------------ 300-byte lines */

static void test_300_byte_lines(void **state)
{
	(void)state;
	char line[400];
	tg_error err;

	/* a 300-byte comment line is fine; the name after it loads */
	line[0] = '#';
	memset(line + 1, 'c', 299);
	strcpy(line + 300, "\narmy.mil\n");
	const char *path = tg_unit_write("comment.list", line);
	tg_list *l = tg_list_create();
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, path, &err),
			 TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 1);
	tg_list_free(l);

	/* a 300-byte name in a list: test_list.c (name too long (299 > 253));
	 * a 300-byte label in a zone owner name is a zone syntax error */
	memset(line, 0, sizeof(line));
	memcpy(line, "$ORIGIN p.typoguard.\n", 21);
	memset(line + 21, 'a', 300);
	strcpy(line + 321, " IN A 192.0.2.1\n");
	char *zone = malloc(strlen(line) + 64);
	assert_non_null(zone);
	snprintf(zone, strlen(line) + 64, "%sarmy.mil IN A 192.0.2.1\n", line);
	path = tg_unit_write("long.zone", zone);
	free(zone);
	l = tg_list_create();
	memset(&err, 0, sizeof(err));
	int rc =
	    tg_list_load_zone(l, TG_LIST_PROTECTED, path, "p.typoguard.", &err);
	assert_int_equal(rc, TG_EPARSE);
	assert_int_equal(err.line, 2);
	tg_list_free(l);
	/* ... also when it is the last line (once taken for the end of the
	 * zone and dropped; found by this test) */
	path = tg_unit_write("last.zone", line);
	l = tg_list_create();
	memset(&err, 0, sizeof(err));
	rc =
	    tg_list_load_zone(l, TG_LIST_PROTECTED, path, "p.typoguard.", &err);
	assert_int_equal(rc, TG_EPARSE);
	assert_int_equal(err.line, 2);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 0);
	tg_list_free(l);

	/* a 300-byte value in typoguard.conf: refused with its line */
	static const char *const keys[] = {
	    "protected: ", "identity: ", "event-log: ", "ede-text: "};
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t kl = strlen(keys[k]);
		memset(line, 0, sizeof(line));
		memcpy(line, "protected: p.list\n", 18);
		memcpy(line + 18, keys[k], kl);
		memset(line + 18 + kl, 'v', 300);
		strcpy(line + 18 + kl + 300, "\n");
		path = tg_unit_write("long.conf", line);
		tg_conf *c = NULL;
		memset(&err, 0, sizeof(err));
		rc = tg_conf_load(path, &c, &err);
		if (rc == TG_OK) {
			print_error("%s300 bytes accepted\n", keys[k]);
			tg_conf_free(c);
			fail();
		}
		assert_null(c);
		assert_int_equal(rc, TG_ELIMIT);
		assert_int_equal(err.line, 2);
	}
}

/* ------------------------------------------------------------ CRLF, BOM */

static void test_crlf_bom(void **state)
{
	(void)state;
	tg_error err;
	tg_conf *c = NULL;
	const char *path =
	    tg_unit_write("crlf.conf", "\xef\xbb\xbf"
				       "# typoguard.conf edited on Windows\r\n"
				       "protected: p.list\r\n"
				       "action: refuse\r\n"
				       "identity: r1\r\n"
				       "\r\n");
	memset(&err, 0, sizeof(err));
	int rc = tg_conf_load(path, &c, &err);
	if (rc != TG_OK)
		print_error("%s\n", tg_msg(&err));
	assert_int_equal(rc, TG_OK);
	assert_int_equal(c->n_lists, 1);
	assert_string_equal(c->lists[0].path + strlen(c->lists[0].path) - 6,
			    "p.list");
	assert_int_equal(c->action, TG_ACTION_REFUSE);
	assert_string_equal(c->identity, "r1");
	tg_conf_free(c);

	path = tg_unit_write("crlf.zone",
			     "$ORIGIN protected.typoguard.\r\n"
			     "$TTL 60\r\n"
			     "@ IN SOA ns admin 1 3600 600 86400 60\r\n"
			     "@ IN NS ns\r\n"
			     "army.mil IN CNAME .\r\n"
			     "navy.mil IN CNAME .\r\n");
	tg_list *l = tg_list_create();
	memset(&err, 0, sizeof(err));
	rc = tg_list_load_zone(l, TG_LIST_PROTECTED, path,
			       "protected.typoguard.", &err);
	if (rc != TG_OK)
		print_error("%s\n", tg_msg(&err));
	assert_int_equal(rc, TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 2);
	tg_list_free(l);
}

/* ------------------------------------------------------------ duplicates */

static void test_duplicates(void **state)
{
	(void)state;
	tg_error err;
	tg_list *l = tg_list_create();
	char *a = strdup(tg_unit_write("a.list", "army.mil\nnavy.mil\n"));
	const char *b = tg_unit_write("b.list", "NAVY.MIL.\narmy.mil\naf.mil\n"
						"af.mil\n");
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, a, &err),
			 TG_OK);
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, b, &err),
			 TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 3);
	/* the same name as an allowlist entry is a separate entry */
	assert_int_equal(tg_list_load_file(l, TG_LIST_ALLOW, b, &err), TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_ALLOW), 3);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 3);

	/* the first occurrence is the one reported with a match */
	tg_unit_need_psl();
	tg_index *ix = NULL;
	tg_list *p = tg_list_create();
	assert_int_equal(tg_list_load_file(p, TG_LIST_PROTECTED, a, &err),
			 TG_OK);
	assert_int_equal(tg_list_load_file(p, TG_LIST_PROTECTED, b, &err),
			 TG_OK);
	assert_int_equal(tg_index_build(p, NULL, &ix, &err), TG_OK);
	tg_result r;
	assert_int_equal(tg_score_name(ix, "navy.ml", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_BLOCK);
	assert_string_equal(r.source, a);
	assert_int_equal(r.source_line, 2);
	tg_index_free(ix);
	tg_list_free(p);
	tg_list_free(l);
	free(a);
}

/* ------------------------------------- unreadable, directory, empty */

/* Run the parsers on \p path (the zone parser only if \p check_zone);
 * each must fail with TG_EIO and a message naming the path and containing
 * \p why. */
static int tg_check_eio(const char *path, const char *why, int check_zone)
{
	int bad = 0;
	tg_error err;
	tg_list *l = tg_list_create();
	memset(&err, 0, sizeof(err));
	int rc = tg_list_load_file(l, TG_LIST_PROTECTED, path, &err);
	if (rc != TG_EIO || strcmp(err.file, path) != 0 ||
	    !strstr(err.reason, why)) {
		print_error("list %s: rc %d, \"%s\"\n", path, rc, tg_msg(&err));
		bad = 1;
	}
	if (check_zone) {
		memset(&err, 0, sizeof(err));
		rc = tg_list_load_zone(l, TG_LIST_PROTECTED, path,
				       "p.typoguard.", &err);
		if (rc != TG_EIO || strcmp(err.file, path) != 0) {
			print_error("zone %s: rc %d, \"%s\"\n", path, rc,
				    tg_msg(&err));
			bad = 1;
		}
	}
	if (tg_list_count(l, TG_LIST_PROTECTED) != 0)
		bad = 1;
	tg_list_free(l);
	tg_conf *c = NULL;
	memset(&err, 0, sizeof(err));
	rc = tg_conf_load(path, &c, &err);
	if (rc != TG_EIO || c != NULL || strcmp(err.file, path) != 0 ||
	    !strstr(err.reason, why)) {
		print_error("conf %s: rc %d, \"%s\"\n", path, rc, tg_msg(&err));
		bad = 1;
	}
	tg_conf_free(c);
	return bad;
}

static void test_unreadable(void **state)
{
	(void)state;
	const char *path = tg_unit_write("secret.list", "army.mil\n");
	char *p = strdup(path);
	assert_int_equal(chmod(p, 0), 0);
	if (geteuid() != 0) {
		assert_int_equal(tg_check_eio(p, "Permission denied", 1), 0);
		free(p);
		return;
	}
	/* root reads mode-000 files: check as nobody, in a child */
	struct passwd *pw = getpwnam("nobody");
	if (!pw) {
		print_message("no user nobody: unreadable case not checked\n");
		free(p);
		skip();
	}
	assert_int_equal(chmod(tg_unit_dir, 0755), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			_exit(3);
		_exit(tg_check_eio(p, "Permission denied", 1));
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(chmod(tg_unit_dir, 0700), 0);
	free(p);
}

static void test_directory(void **state)
{
	(void)state;
	char dir[300];
	snprintf(dir, sizeof(dir), "%s/lists.d", tg_unit_dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	/* fopen() succeeds on a directory; the read must fail, not be taken
	 * as an empty list */
	assert_int_equal(tg_check_eio(dir, "", 0), 0);

	/* The zone parser, in a child with a deadline: a read error (EISDIR
	 * here, EIO on a failing disk) never sets EOF, and a loop on feof()
	 * alone once spun for ever here (found by this test). */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(3);
		tg_list *l = tg_list_create();
		tg_error err;
		memset(&err, 0, sizeof(err));
		int rc = tg_list_load_zone(l, TG_LIST_PROTECTED, dir,
					   "p.typoguard.", &err);
		_exit(rc == TG_EIO && strcmp(err.file, dir) == 0 ? 0 : 1);
	}
	int st = 0;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	rmdir(dir);
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		fail_msg("tg_list_load_zone() on a directory never returns");
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

static void test_empty_file(void **state)
{
	(void)state;
	tg_error err;
	const char *path = tg_unit_write("empty.list", "");
	tg_list *l = tg_list_create();
	assert_int_equal(tg_list_load_file(l, TG_LIST_PROTECTED, path, &err),
			 TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 0);
	tg_list_free(l);
	/* a configuration without any list is refused */
	tg_conf *c = NULL;
	path = tg_unit_write("empty.conf", "");
	memset(&err, 0, sizeof(err));
	assert_int_not_equal(tg_conf_load(path, &c, &err), TG_OK);
	assert_null(c);
	assert_true(err.reason[0] != '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entry_cap),
	    cmocka_unit_test(test_300_byte_lines),
	    cmocka_unit_test(test_crlf_bom),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_unreadable),
	    cmocka_unit_test(test_directory),
	    cmocka_unit_test(test_empty_file),
	};
	return cmocka_run_group_tests(tests, tg_unit_setup, tg_unit_teardown);
}
