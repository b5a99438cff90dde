/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unit tests of the module's policy (module/tg_policy.c): reload on a list
 * change, rejection of a bad list with the old index kept, the last-good
 * snapshot, and index swaps while reader threads score continuously (run
 * it under ASan or valgrind to see a use-after-free if the protocol broke).
 */
#include "tg_config.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tg_policy.h"
#include "tg_unit.h"

static char tg_lastlog[1024];

static void tg_log(int level, const char *line, void *arg)
{
	(void)level;
	(void)arg;
	snprintf(tg_lastlog, sizeof(tg_lastlog), "%s", line);
}

/** Replace DIR/name atomically with \p text. */
static void tg_put(const char *name, const char *text)
{
	char path[512], tmp[520];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tg_unit_dir, name);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(rename(tmp, path), 0);
}

static tg_conf *tg_conf_with(const char *text)
{
	char path[512];
	tg_conf *c = NULL;
	tg_error err;

	tg_put("t.conf", text);
	snprintf(path, sizeof(path), "%s/t.conf", tg_unit_dir);
	if (tg_conf_load(path, &c, &err) != TG_OK)
		fail_msg("conf: %s", err.reason);
	return c;
}

static tg_verdict tg_verdict_now(tg_policy *p, const char *name)
{
	unsigned tok;
	tg_result r;
	const tg_index *ix = tg_policy_acquire(p, &tok);

	assert_int_equal(tg_score_name(ix, name, &r), TG_OK);
	tg_policy_release(p, tok);
	return r.verdict;
}

static void test_reload_on_change(void **state)
{
	tg_stats stats;
	tg_policy *p = NULL;
	tg_conf *c;
	char err[256];

	(void)state;
	memset(&stats, 0, sizeof(stats));
	tg_put("p.list", "army.mil\n");
	c = tg_conf_with("protected: p.list\nreload-interval: 0\n");
	assert_int_equal(tg_policy_create(c, &stats, tg_log, NULL, NULL, &p,
					  err, sizeof(err)),
			 TG_OK);
	assert_int_equal(tg_verdict_now(p, "army.ml"), TG_VERDICT_BLOCK);
	assert_int_equal(tg_verdict_now(p, "navy.ml"), TG_VERDICT_PASS);
	assert_int_equal(atomic_load(&stats.list_entries), 1);

	/* unchanged files: nothing happens */
	assert_int_equal(tg_policy_check(p, 0), TG_OK);
	assert_int_equal(atomic_load(&stats.reloads_ok), 0);

	tg_put("p.list", "army.mil\nnavy.mil\n");
	assert_int_equal(tg_policy_check(p, 0), TG_OK);
	assert_int_equal(atomic_load(&stats.reloads_ok), 1);
	assert_int_equal(atomic_load(&stats.list_entries), 2);
	assert_int_equal(tg_verdict_now(p, "navy.ml"), TG_VERDICT_BLOCK);

	/* a bad list is rejected whole: the old index stays */
	tg_put("p.list", "navy.mil\nbad..name\n");
	assert_int_not_equal(tg_policy_check(p, 0), TG_OK);
	assert_int_equal(atomic_load(&stats.reloads_failed), 1);
	assert_non_null(strstr(tg_lastlog, "p.list:2:"));
	assert_non_null(strstr(tg_lastlog, "previous policy stays"));
	assert_int_equal(tg_verdict_now(p, "army.ml"), TG_VERDICT_BLOCK);
	assert_int_equal(atomic_load(&stats.list_entries), 2);
	tg_policy_free(p);
	tg_conf_free(c);
}

static void test_snapshot_fallback(void **state)
{
	tg_stats stats;
	tg_policy *p = NULL;
	tg_conf *c;
	char err[256], manifest[400];

	(void)state;
	memset(&stats, 0, sizeof(stats));
	tg_put("s.list", "army.mil\n");
	c = tg_conf_with("protected: s.list\nreload-interval: 0\n"
			 "state-dir: state\n");
	assert_int_equal(tg_policy_create(c, &stats, tg_log, NULL, NULL, &p,
					  err, sizeof(err)),
			 TG_OK);
	assert_false(tg_policy_from_snapshot(p));
	tg_policy_free(p);
	snprintf(manifest, sizeof(manifest), "%s/state/last-good.conf",
		 tg_unit_dir);
	assert_int_equal(access(manifest, R_OK), 0);

	/* the lists break; a restart runs on the snapshot, loudly */
	tg_put("s.list", "army..mil\n");
	p = NULL;
	assert_int_equal(tg_policy_create(c, &stats, tg_log, NULL, NULL, &p,
					  err, sizeof(err)),
			 TG_OK);
	assert_true(tg_policy_from_snapshot(p));
	assert_non_null(strstr(tg_lastlog, "LAST GOOD SNAPSHOT"));
	assert_int_equal(tg_verdict_now(p, "army.ml"), TG_VERDICT_BLOCK);
	/* and a fixed list is taken up by the next check */
	tg_put("s.list", "navy.mil\n");
	assert_int_equal(tg_policy_check(p, 0), TG_OK);
	assert_false(tg_policy_from_snapshot(p));
	assert_int_equal(tg_verdict_now(p, "navy.ml"), TG_VERDICT_BLOCK);
	assert_int_equal(tg_verdict_now(p, "army.ml"), TG_VERDICT_PASS);
	tg_policy_free(p);
	tg_conf_free(c);
}

static void test_no_policy_at_all(void **state)
{
	tg_stats stats;
	tg_policy *p = NULL;
	tg_conf *c;
	char err[256];

	(void)state;
	memset(&stats, 0, sizeof(stats));
	tg_put("n.list", "army..mil\n");
	c = tg_conf_with("protected: n.list\nreload-interval: 0\n");
	assert_int_not_equal(tg_policy_create(c, &stats, tg_log, NULL, NULL, &p,
					      err, sizeof(err)),
			     TG_OK);
	assert_null(p);
	assert_non_null(strstr(err, "n.list:1:"));
	tg_conf_free(c);
}

struct tg_reader_arg {
	tg_policy *p;
	atomic_int *stop;
	unsigned long scored, bad;
};

static void *tg_reader(void *arg)
{
	struct tg_reader_arg *a = arg;
	static const char *names[] = {"army.ml", "navy.ml", "example.com",
				      "mail.army.ml"};
	unsigned long i = 0;

	while (!atomic_load(a->stop)) {
		unsigned tok;
		tg_result r;
		const tg_index *ix = tg_policy_acquire(a->p, &tok);

		if (tg_score_name(ix, names[i++ % 4], &r) != TG_OK)
			a->bad++;
		/* army.mil is in every list version */
		if (i % 4 == 1 && r.verdict != TG_VERDICT_BLOCK)
			a->bad++;
		tg_policy_release(a->p, tok);
		a->scored++;
	}
	return NULL;
}

static void test_swap_under_readers(void **state)
{
	tg_stats stats;
	tg_policy *p = NULL;
	tg_conf *c;
	char err[256];
	pthread_t th[4];
	struct tg_reader_arg args[4];
	atomic_int stop = 0;
	int i, swaps;

	(void)state;
	memset(&stats, 0, sizeof(stats));
	tg_put("w.list", "army.mil\n");
	c = tg_conf_with("protected: w.list\nreload-interval: 0\n");
	assert_int_equal(
	    tg_policy_create(c, &stats, NULL, NULL, NULL, &p, err, sizeof(err)),
	    TG_OK);
	for (i = 0; i < 4; i++) {
		args[i] = (struct tg_reader_arg){p, &stop, 0, 0};
		assert_int_equal(
		    pthread_create(&th[i], NULL, tg_reader, &args[i]), 0);
	}
	for (swaps = 0; swaps < 200; swaps++)
		assert_int_equal(tg_policy_check(p, 1), TG_OK);
	atomic_store(&stop, 1);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(args[i].bad, 0);
		assert_true(args[i].scored > 0);
	}
	assert_int_equal(atomic_load(&stats.reloads_ok), 200);
	tg_policy_free(p);
	tg_conf_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reload_on_change),
	    cmocka_unit_test(test_snapshot_fallback),
	    cmocka_unit_test(test_no_policy_at_all),
	    cmocka_unit_test(test_swap_under_readers),
	};
	return cmocka_run_group_tests_name("policy", tests, tg_unit_setup,
					   tg_unit_teardown);
}
