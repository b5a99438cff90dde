/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the typoguard.conf parser (core/conf.c): defaults, every
 * key, and that every bad key or value fails with the right file and line.
 */
#include "tg_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "tg_unit.h"
#include "typoguard.h"

/** Write \p text to DIR/name; the path (static buffer). */
static const char *tg_write(const char *name, const char *text)
{
	const char *path = tg_unit_write(name, text);

	assert_non_null(path);
	return path;
}

/** Load \p text as a configuration; expect failure at \p line with a
 *  reason containing \p needle. */
static void tg_expect_error(const char *text, unsigned long line,
			    const char *needle)
{
	const char *path = tg_write("bad.conf", text);
	tg_conf *c = NULL;
	tg_error err;
	char buf[600], want[560];
	int rc;

	memset(&err, 0, sizeof(err));
	rc = tg_conf_load(path, &c, &err);
	if (rc == TG_OK)
		fail_msg("accepted: %s", text);
	assert_null(c);
	assert_int_equal(err.code, rc);
	assert_string_equal(err.file, path);
	assert_int_equal(err.line, line);
	if (!strstr(err.reason, needle))
		fail_msg("reason '%s' lacks '%s'", err.reason, needle);
	tg_error_format(&err, buf, sizeof(buf));
	if (line) {
		snprintf(want, sizeof(want), "%s:%lu: ", path, line);
		assert_memory_equal(buf, want, strlen(want));
	}
}

static void test_defaults(void **state)
{
	const char *path = tg_write("ok.conf", "protected: p.list\n");
	tg_conf *c = NULL;
	tg_error err;
	char want[600];

	(void)state;
	assert_int_equal(tg_conf_load(path, &c, &err), TG_OK);
	assert_int_equal(c->n_lists, 1);
	assert_int_equal(c->lists[0].kind, TG_LIST_PROTECTED);
	/* relative list paths are taken from the configuration's folder */
	snprintf(want, sizeof(want), "%s/p.list", tg_unit_dir);
	assert_string_equal(c->lists[0].path, want);
	assert_int_equal(c->block_threshold, TG_DEFAULT_BLOCK_THRESHOLD);
	assert_int_equal(c->log_threshold, TG_DEFAULT_LOG_THRESHOLD);
	assert_int_equal(c->action, TG_ACTION_NXDOMAIN);
	assert_int_equal(c->answer_check, TG_ANSWER_BLOCK);
	assert_int_equal(c->builtin_infrastructure, 1);
	assert_int_equal(c->n_qtypes, 3);
	assert_true(tg_conf_qtype_in_scope(c, 15));  /* MX */
	assert_true(tg_conf_qtype_in_scope(c, 1));   /* A */
	assert_true(tg_conf_qtype_in_scope(c, 28));  /* AAAA */
	assert_false(tg_conf_qtype_in_scope(c, 16)); /* TXT */
	assert_int_equal(c->n_clients, 0);
	{
		const uint8_t any[4] = {203, 0, 113, 9};
		assert_true(tg_conf_client_in_scope(c, AF_INET, any));
	}
	assert_int_equal(c->event_format, TG_EVENT_JSON);
	tg_conf_free(c);
}

static void test_all_keys(void **state)
{
	const char *path = tg_write(
	    "full.conf", "\xef\xbb\xbf# full configuration\r\n"
			 "protected: /abs/p.list   # trailing comment\n"
			 "  allow: \"a list.txt\"\n"
			 "protected-zone: z.zone protected.typoguard.\n"
			 "block-threshold: 90\n"
			 "log-threshold: 40\n"
			 "qtypes: MX A\n"
			 "clients: 10.1.2.0/24 2001:db8:25::/64\n"
			 "clients: 127.0.0.2\n"
			 "action: sinkhole\n"
			 "sinkhole-a: 192.0.2.1\n"
			 "sinkhole-aaaa: 2001:db8::1\n"
			 "sinkhole-mx: sink.example.net\n"
			 "answer-ttl: 30\n"
			 "ede-text: \"blocked # by policy\"\n"
			 "event-log: syslog\n"
			 "event-format: kv\n"
			 "stats-file: /var/lib/prom/typoguard.prom\n"
			 "stats-interval: 15\n"
			 "event-interval: 30\n"
			 "identity: resolver-1\n"
			 "tld-pair: uk ul\n"
			 "reload-interval: 0\n"
			 "state-dir: /var/lib/typoguard\n");
	tg_conf *c = NULL;
	tg_error err;

	(void)state;
	assert_int_equal(tg_conf_load(path, &c, &err), TG_OK);
	assert_int_equal(c->n_lists, 3);
	assert_string_equal(c->lists[0].path, "/abs/p.list");
	assert_int_equal(c->lists[1].kind, TG_LIST_ALLOW);
	assert_non_null(strstr(c->lists[1].path, "/a list.txt"));
	assert_string_equal(c->lists[2].origin, "protected.typoguard.");
	assert_int_equal(c->block_threshold, 90);
	assert_int_equal(c->log_threshold, 40);
	assert_int_equal(c->n_qtypes, 2);
	assert_false(tg_conf_qtype_in_scope(c, 28));
	assert_int_equal(c->n_clients, 3);
	{
		const uint8_t in4[4] = {10, 1, 2, 200}, out4[4] = {10, 1, 3, 1};
		const uint8_t lo2[4] = {127, 0, 0, 2}, lo1[4] = {127, 0, 0, 1};
		uint8_t in6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x25};
		uint8_t out6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0x26};

		in6[15] = 7;
		assert_true(tg_conf_client_in_scope(c, AF_INET, in4));
		assert_false(tg_conf_client_in_scope(c, AF_INET, out4));
		assert_true(tg_conf_client_in_scope(c, AF_INET, lo2));
		assert_false(tg_conf_client_in_scope(c, AF_INET, lo1));
		assert_true(tg_conf_client_in_scope(c, AF_INET6, in6));
		assert_false(tg_conf_client_in_scope(c, AF_INET6, out6));
	}
	assert_int_equal(c->action, TG_ACTION_SINKHOLE);
	assert_true(c->has_sinkhole_a && c->has_sinkhole_aaaa);
	assert_int_equal(c->sinkhole_a[0], 192);
	assert_string_equal(c->sinkhole_mx, "sink.example.net");
	assert_int_equal(c->answer_ttl, 30);
	assert_string_equal(c->ede_text, "blocked # by policy");
	assert_string_equal(c->event_log, "syslog");
	assert_int_equal(c->event_format, TG_EVENT_KV);
	assert_string_equal(c->stats_file, "/var/lib/prom/typoguard.prom");
	assert_int_equal(c->stats_interval, 15);
	assert_int_equal(c->event_interval, 30);
	assert_string_equal(c->identity, "resolver-1");
	assert_int_equal(c->n_tld_pairs, 1);
	assert_string_equal(c->tld_pairs[0][1], "ul");
	assert_int_equal(c->reload_interval, 0);
	assert_string_equal(c->state_dir, "/var/lib/typoguard");
	tg_conf_free(c);
}

/* tg_conf_write() output loads back into the same configuration (this is
 * the module's last-good snapshot manifest). */
static void test_write_round_trip(void **state)
{
	const char *path = tg_write(
	    "rt.conf", "protected: p.list\nallow-zone: a.zone allow.tg.\n"
		       "clients: 10.1.2.0/24 ::1\naction: sinkhole\n"
		       "sinkhole-a: 192.0.2.1\nsinkhole-mx: sink.example\n"
		       "qtypes: MX TXT\nede-text: \"no # mail\"\n"
		       "tld-pair: uk ul\nevent-log: ev.jsonl\n"
		       "reload-interval: 9\nblock-threshold: 77\n"
		       "infrastructure: i.list\nanswer-check: log\n"
		       "infrastructure-builtin: no\n");
	const char *paths[3] = {"/snap/0.list", NULL, "/snap/2.list"};
	char out[512];
	tg_conf *a = NULL, *b = NULL;
	tg_error err;

	(void)state;
	assert_int_equal(tg_conf_load(path, &a, &err), TG_OK);
	snprintf(out, sizeof(out), "%s/written.conf", tg_unit_dir);
	assert_int_equal(tg_conf_write(a, out, paths, &err), TG_OK);
	if (tg_conf_load(out, &b, &err) != TG_OK)
		fail_msg("written file does not load: %s:%lu: %s", err.file,
			 err.line, err.reason);
	assert_string_equal(b->lists[0].path, "/snap/0.list");
	assert_string_equal(b->lists[1].path, a->lists[1].path);
	assert_string_equal(b->lists[1].origin, "allow.tg.");
	assert_int_equal(b->lists[1].kind, TG_LIST_ALLOW);
	assert_int_equal(b->n_clients, 2);
	assert_memory_equal(b->clients, a->clients, sizeof(a->clients[0]) * 2);
	assert_int_equal(b->action, TG_ACTION_SINKHOLE);
	assert_memory_equal(b->sinkhole_a, a->sinkhole_a, 4);
	assert_string_equal(b->sinkhole_mx, "sink.example");
	assert_int_equal(b->n_qtypes, 2);
	assert_int_equal(b->qtypes[1], a->qtypes[1]);
	assert_string_equal(b->ede_text, "no # mail");
	assert_string_equal(b->event_log, a->event_log);
	assert_int_equal(b->reload_interval, 9);
	assert_int_equal(b->block_threshold, 77);
	assert_string_equal(b->tld_pairs[0][0], "uk");
	assert_int_equal(b->n_lists, 3);
	assert_int_equal(b->lists[2].kind, TG_LIST_INFRA);
	assert_string_equal(b->lists[2].path, "/snap/2.list");
	assert_int_equal(a->answer_check, TG_ANSWER_LOG);
	assert_int_equal(b->answer_check, TG_ANSWER_LOG);
	assert_int_equal(b->builtin_infrastructure, 0);
	tg_conf_free(a);
	tg_conf_free(b);
}

/* Every key of the table, from tg_conf_key(): its example value loads; a
 * key that may appear once is a file:line error the second time, a
 * repeatable one is not; and the snapshot writer writes it so that the
 * written file loads into the same configuration. */
static void test_every_key(void **state)
{
	size_t n = tg_conf_key_count();
	char text[1024], out[512];

	(void)state;
	assert_true(n >= 28);
	snprintf(out, sizeof(out), "%s/every-written.conf", tg_unit_dir);
	for (size_t i = 0; i < n; i++) {
		const char *key, *def, *ex;
		int rep;
		tg_conf *a = NULL, *b = NULL;
		tg_error err;

		assert_int_equal(tg_conf_key(i, &key, &rep, &def, &ex), TG_OK);
		/* once: valid alone */
		snprintf(text, sizeof(text), "protected: p.list\n%s: %s\n", key,
			 ex);
		if (tg_conf_load(tg_write("key.conf", text), &a, &err) != TG_OK)
			fail_msg("%s: example '%s' rejected: %s", key, ex,
				 err.reason);
		/* the snapshot writer keeps it */
		if (tg_conf_write(a, out, NULL, &err) != TG_OK ||
		    tg_conf_load(out, &b, &err) != TG_OK)
			fail_msg("%s: written file does not load: %s", key,
				 err.reason);
		/* the file and the lines that name the lists differ */
		memset(a->path, 0, sizeof(a->path));
		memset(b->path, 0, sizeof(b->path));
		for (size_t k = 0; k < TG_CONF_MAX_LISTS; k++)
			a->lists[k].line = b->lists[k].line = 0;
		if (memcmp(a, b, sizeof(*a)) != 0)
			fail_msg("%s: written and read back differs", key);
		tg_conf_free(a);
		tg_conf_free(b);
		/* twice */
		snprintf(text, sizeof(text),
			 "protected: p.list\n%s: %s\n%s: %s\n", key, ex, key,
			 ex);
		if (rep) {
			a = NULL;
			if (tg_conf_load(tg_write("key.conf", text), &a,
					 &err) != TG_OK)
				fail_msg(
				    "%s: repeatable, but twice is rejected: "
				    "%s",
				    key, err.reason);
			tg_conf_free(a);
		} else {
			tg_expect_error(text, 3, "given twice");
		}
	}
	assert_int_equal(tg_conf_key(n, &(const char *){NULL}, &(int){0},
				     &(const char *){NULL},
				     &(const char *){NULL}),
			 TG_EINVAL);
}

static void test_errors(void **state)
{
	(void)state;
	tg_expect_error("protected: p\nfrobnicate: yes\n", 2,
			"unknown key 'frobnicate'");
	tg_expect_error("protected: p\nblock-threshold: 101\n", 2, "1..100");
	tg_expect_error("protected: p\nblock-threshold: -3\n", 2, "1..100");
	tg_expect_error("protected: p\nlog-threshold: ten\n", 2, "1..100");
	tg_expect_error(
	    "protected: p\nblock-threshold: 80\nblock-threshold: 70\n", 3,
	    "given twice");
	tg_expect_error("protected: p\nqtypes: MX BOGUS\n", 2,
			"unknown query type 'BOGUS'");
	tg_expect_error("protected: p\nclients: 10.0.0.0/33\n", 2,
			"bad client prefix");
	tg_expect_error("protected: p\nclients: mailhost\n", 2,
			"bad client prefix");
	tg_expect_error("protected: p\naction: drop\n", 2,
			"unknown action 'drop'");
	tg_expect_error("protected: p\nsinkhole-a: 300.1.1.1\n", 2, "IPv4");
	tg_expect_error("protected: p\nsinkhole-aaaa: 192.0.2.1\n", 2, "IPv6");
	tg_expect_error("protected: p\nsinkhole-mx: bad..name\n", 2,
			"not a host name");
	tg_expect_error("protected: p\nanswer-ttl: 999999\n", 2, "answer-ttl");
	tg_expect_error("protected: p\nevent-format: xml\n", 2, "json or kv");
	tg_expect_error("protected: p\nstats-interval: 0\n", 2, "1..86400");
	tg_expect_error("protected: p\ntld-pair: mil\n", 2, "two TLDs");
	tg_expect_error("protected: p\nreload-interval: soon\n", 2,
			"reload-interval");
	tg_expect_error("protected: p\nprotected-zone: only.zone\n", 2,
			"zone file and its origin");
	tg_expect_error("protected: p\nallow:\n", 2, "needs a value");
	tg_expect_error("protected: p\ninfrastructure:\n", 2, "needs a value");
	tg_expect_error("protected: p\ninfrastructure-zone: i.zone\n", 2,
			"zone file and its origin");
	tg_expect_error("protected: p\ninfrastructure-builtin: maybe\n", 2,
			"expected yes or no");
	tg_expect_error("protected: p\nanswer-check: drop\n", 2,
			"expected block, log or off");
	tg_expect_error("protected: p\nanswer-check: log\nanswer-check: off\n",
			3, "given twice");
	tg_expect_error("protected: p\njust words\n", 2, "key: value");
	tg_expect_error("protected: p\nede-text: \"open\n", 2,
			"unterminated quote");
	/* whole-file checks report line 0 */
	tg_expect_error("allow: a\n", 0, "no 'protected:' list");
	tg_expect_error(
	    "protected: p\nblock-threshold: 60\nlog-threshold: 70\n", 0,
	    "above block-threshold");
	tg_expect_error("protected: p\naction: sinkhole\n", 0,
			"needs sinkhole-a");
}

static void test_long_line(void **state)
{
	char *text = malloc(TG_MAX_LINE + 64);

	(void)state;
	assert_non_null(text);
	strcpy(text, "protected: p\nede-text: ");
	memset(text + strlen(text), 'x', TG_MAX_LINE);
	strcpy(text + strlen("protected: p\nede-text: ") + TG_MAX_LINE, "\n");
	tg_expect_error(text, 2, "longer than");
	free(text);
}

static void test_missing_file(void **state)
{
	tg_conf *c = NULL;
	tg_error err;
	char path[300];

	(void)state;
	snprintf(path, sizeof(path), "%s/nope.conf", tg_unit_dir);
	assert_int_equal(tg_conf_load(path, &c, &err), TG_EIO);
	assert_null(c);
	assert_string_equal(err.file, path);
	assert_non_null(strstr(err.reason, "cannot open"));
}

static void test_lists_all_or_nothing(void **state)
{
	const char *conf;
	tg_conf *c = NULL;
	tg_list *l = NULL;
	tg_error err;
	char want[300];

	(void)state;
	tg_write("good.list", "army.mil\nnavy.mil\n");
	tg_write("bad.list", "ok.example\nbad..name\n");
	conf = tg_write("lists.conf",
			"protected: good.list\nprotected: bad.list\n");
	assert_int_equal(tg_conf_load(conf, &c, &err), TG_OK);
	assert_int_not_equal(tg_conf_load_lists(c, &l, &err), TG_OK);
	assert_null(l);
	snprintf(want, sizeof(want), "%s/bad.list", tg_unit_dir);
	assert_string_equal(err.file, want);
	assert_int_equal(err.line, 2);
	tg_conf_free(c);

	conf = tg_write("lists2.conf", "protected: good.list\n");
	assert_int_equal(tg_conf_load(conf, &c, &err), TG_OK);
	assert_int_equal(tg_conf_load_lists(c, &l, &err), TG_OK);
	assert_int_equal(tg_list_count(l, TG_LIST_PROTECTED), 2);
	tg_list_free(l);
	tg_conf_free(c);
}

/* `protected: FILE profile=brand`: the list's names get the brand rules
 * (combos), other lists the default typo ones; the setting survives a
 * rewrite; a bad profile, or one on another kind of list, names the line. */
static void test_profile(void **state)
{
	const char *conf;
	char out[300];
	tg_conf *c = NULL, *c2 = NULL;
	tg_list *l = NULL;
	tg_index *ix = NULL;
	tg_error err;
	tg_result r;

	(void)state;
	tg_write("mil.list", "army.mil\n");
	tg_write("brand.list", "metamask.io\n");
	conf = tg_write("profile.conf", "protected: mil.list\n"
					"protected: \"brand.list\" "
					"profile=brand\n");
	assert_int_equal(tg_conf_load(conf, &c, &err), TG_OK);
	assert_int_equal(c->lists[0].profile, TG_PROFILE_TYPO);
	assert_int_equal(c->lists[1].profile, TG_PROFILE_BRAND);
	snprintf(out, sizeof(out), "%s/profile2.conf", tg_unit_dir);
	assert_int_equal(tg_conf_write(c, out, NULL, &err), TG_OK);
	assert_int_equal(tg_conf_load(out, &c2, &err), TG_OK);
	assert_int_equal(c2->lists[1].profile, TG_PROFILE_BRAND);
	assert_string_equal(c2->lists[1].path, c->lists[1].path);
	assert_int_equal(tg_conf_load_lists(c, &l, &err), TG_OK);
	assert_int_equal(tg_index_build(l, NULL, &ix, &err), TG_OK);
	assert_int_equal(tg_score_name(ix, "metamask-login.com", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_LOG);
	assert_true(r.classes & TG_C_COMBO);
	assert_int_equal(tg_score_name(ix, "armyxyz.com", &r), TG_OK);
	assert_int_equal(r.verdict, TG_VERDICT_PASS);
	tg_index_free(ix);
	tg_list_free(l);
	tg_conf_free(c);
	tg_conf_free(c2);
	tg_expect_error("protected: mil.list profile=fancy\n", 1,
			"unknown profile 'fancy'");
	tg_expect_error("\nallow: mil.list profile=brand\n", 2,
			"takes no profile");
}

/* the file the module and the tool read when none is named */
static void test_env_path(void **state)
{
	(void)state;
	assert_int_equal(setenv("TYPOGUARD_CONF", "/srv/tg/site.conf", 1), 0);
	assert_string_equal(tg_conf_env_path(), "/srv/tg/site.conf");
	assert_int_equal(setenv("TYPOGUARD_CONF", "", 1), 0);
	assert_string_equal(tg_conf_env_path(), tg_conf_default_path());
	assert_int_equal(unsetenv("TYPOGUARD_CONF"), 0);
	assert_string_equal(tg_conf_env_path(), tg_conf_default_path());
	assert_non_null(
	    strstr(tg_conf_default_path(), "/typoguard/typoguard.conf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_env_path),
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_all_keys),
	    cmocka_unit_test(test_write_round_trip),
	    cmocka_unit_test(test_every_key),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_lists_all_or_nothing),
	    cmocka_unit_test(test_profile),
	};
	return cmocka_run_group_tests_name("conf", tests, tg_unit_setup,
					   tg_unit_teardown);
}
