/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The policy in force and its reload in place; see tg_policy.h for the
 * design (two slots chosen by a swap counter, striped reader counts, a reload
 * thread, a last-good snapshot in tg_snapshot.c).
 */
#include "tg_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tg_policy.h"
#include "tg_snapshot.h"
#include "tg_thread.h"

/** Reader stripes per slot; threads map onto them round-robin. */
#define TG_STRIPES 64

/** One reader count, alone on its cache line. */
struct stripe {
	_Alignas(64) atomic_uint n;
};

/** What a list file looked like when it was last read. */
struct tg_stamp {
	int exists;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct tg_policy {
	const tg_conf *conf; /**< borrowed */
	tg_stats *stats;     /**< borrowed */
	tg_policy_log_fn log;
	tg_policy_swapped_fn swapped;
	void *arg;

	/* --- read side --- */
	atomic_uint swaps; /**< index swaps so far; slot in force: swaps & 1 */
	tg_index *_Atomic slot[2]; /**< owned */
	struct stripe readers[2][TG_STRIPES];

	/* --- reload side (reload thread, or the caller of check) --- */
	pthread_mutex_t reload_lock; /**< one reload at a time */
	struct tg_stamp stamps[TG_CONF_MAX_LISTS];
	int from_snapshot;
	unsigned long snap_gen;

	/* --- thread control --- */
	pthread_t thread;
	int thread_started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
};

static atomic_uint next_stripe;
static _Thread_local unsigned my_stripe = UINT_MAX;

static unsigned stripe(void)
{
	if (my_stripe == UINT_MAX)
		my_stripe = atomic_fetch_add(&next_stripe, 1) % TG_STRIPES;
	return my_stripe;
}

static void plog(const tg_policy *p, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void plog(const tg_policy *p, int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!p->log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->log(level, line, p->arg);
}

/* ------------------------------------------------------------ read side */

const tg_index *tg_policy_acquire(tg_policy *p, unsigned *token)
{
	unsigned s = stripe();

	for (;;) {
		unsigned g = atomic_load(&p->swaps);
		unsigned slot = g & 1;

		atomic_fetch_add(&p->readers[slot][s].n, 1);
		if (atomic_load(&p->swaps) == g) {
			*token = slot * TG_STRIPES + s;
			return atomic_load(&p->slot[slot]);
		}
		/* A swap happened in between: that slot may be retiring. */
		atomic_fetch_sub(&p->readers[slot][s].n, 1);
	}
}

void tg_policy_release(tg_policy *p, unsigned token)
{
	atomic_fetch_sub(&p->readers[token / TG_STRIPES][token % TG_STRIPES].n,
			 1);
}

/** Put \p idx in force; return once the old index is unused and freed. */
static void policy_swap(tg_policy *p, tg_index *idx)
{
	unsigned g = atomic_load(&p->swaps);
	unsigned old = g & 1, s;
	tg_index *prev;

	atomic_store(&p->slot[old ^ 1], idx);
	atomic_store(&p->swaps, g + 1);
	for (s = 0; s < TG_STRIPES; s++)
		while (atomic_load(&p->readers[old][s].n) != 0)
			sched_yield();
	prev = atomic_exchange(&p->slot[old], NULL);
	tg_index_free(prev);
}

size_t tg_policy_memory(tg_policy *p)
{
	unsigned tok;
	size_t n = tg_index_memory(tg_policy_acquire(p, &tok));

	tg_policy_release(p, tok);
	return n + sizeof(*p);
}

int tg_policy_from_snapshot(const tg_policy *p)
{
	return p->from_snapshot;
}

/* -------------------------------------------------------------- loading */

static void stamp_take(const char *path, struct tg_stamp *st)
{
	struct stat sb;

	memset(st, 0, sizeof(*st));
	if (stat(path, &sb) != 0)
		return;
	st->exists = 1;
	st->dev = sb.st_dev;
	st->ino = sb.st_ino;
	st->size = sb.st_size;
	st->mtime = sb.st_mtim;
}

static int stamp_same(const struct tg_stamp *a, const struct tg_stamp *b)
{
	return a->exists == b->exists && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/** Build an index from the lists of \p conf. */
static int policy_build(const tg_conf *conf, const tg_conf *opts_conf,
			tg_index **out, tg_error *err)
{
	tg_list *list = NULL;
	tg_index_options opts;
	int rc;

	rc = tg_conf_load_lists(conf, &list, err);
	if (rc == TG_OK) {
		tg_conf_index_options(opts_conf, &opts);
		rc = tg_index_build(list, &opts, out, err);
	}
	tg_list_free(list);
	return rc;
}

/** Save the lists now in force as the last-good snapshot. */
static void policy_snapshot(tg_policy *p)
{
	char why[2 * TG_NAME_BUF + 64];

	if (tg_snapshot_save(p->conf, &p->snap_gen, why, sizeof(why)) != TG_OK)
		plog(p, TG_LOG_WARN, "typoguard: %s", why);
}

/** Load the last-good snapshot; TG_OK and *out on success. */
static int policy_from_last_good(tg_policy *p, tg_index **out, tg_error *err)
{
	tg_conf *snap = NULL;
	int rc = tg_snapshot_load(p->conf, &snap, err);

	if (rc == TG_OK)
		rc = policy_build(snap, p->conf, out, err);
	tg_conf_free(snap);
	return rc;
}

int tg_policy_check(tg_policy *p, int force)
{
	const tg_conf *c = p->conf;
	struct tg_stamp now[TG_CONF_MAX_LISTS], after;
	tg_index *idx = NULL;
	tg_error err;
	char msg[2 * TG_NAME_BUF + 32];
	int changed = force, rc;
	size_t i;

	pthread_mutex_lock(&p->reload_lock);
	for (i = 0; i < c->n_lists; i++) {
		stamp_take(c->lists[i].path, &now[i]);
		changed |= !stamp_same(&now[i], &p->stamps[i]);
	}
	if (!changed) {
		pthread_mutex_unlock(&p->reload_lock);
		return TG_OK;
	}
	memset(&err, 0, sizeof(err));
	rc = policy_build(c, c, &idx, &err);
	/* A file that changed while we read it is read again next time. */
	for (i = 0; rc == TG_OK && i < c->n_lists; i++) {
		stamp_take(c->lists[i].path, &after);
		if (!stamp_same(&after, &now[i])) {
			tg_index_free(idx);
			pthread_mutex_unlock(&p->reload_lock);
			return TG_OK;
		}
	}
	memcpy(p->stamps, now, sizeof(now[0]) * c->n_lists);
	if (rc != TG_OK) {
		atomic_fetch_add(&p->stats->reloads_failed, 1);
		plog(p, TG_LOG_ERR,
		     "typoguard: list change rejected, the previous policy "
		     "stays in force: %s",
		     tg_error_format(&err, msg, sizeof(msg)));
		pthread_mutex_unlock(&p->reload_lock);
		return rc;
	}
	policy_swap(p, idx);
	p->from_snapshot = 0;
	atomic_store(&p->stats->list_entries, tg_index_protected_count(idx));
	atomic_fetch_add(&p->stats->reloads_ok, 1);
	plog(p, TG_LOG_INFO,
	     "typoguard: lists reloaded: %zu protected names in force",
	     tg_index_protected_count(idx));
	if (p->swapped)
		p->swapped(idx, p->arg);
	policy_snapshot(p);
	pthread_mutex_unlock(&p->reload_lock);
	return TG_OK;
}

static void *policy_thread(void *arg)
{
	tg_policy *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += p->conf->reload_interval;
		while (!p->stopping &&
		       pthread_cond_timedwait(&p->cond, &p->lock, &until) !=
			   ETIMEDOUT)
			;
		if (p->stopping)
			break;
		pthread_mutex_unlock(&p->lock);
		(void)tg_policy_check(p, 0);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

int tg_policy_create(const tg_conf *conf, tg_stats *stats, tg_policy_log_fn log,
		     tg_policy_swapped_fn swapped, void *arg, tg_policy **out,
		     char *errbuf, size_t errlen)
{
	tg_policy *p;
	tg_index *idx = NULL;
	tg_error err, serr;
	pthread_condattr_t ca;
	char msg[2 * TG_NAME_BUF + 32];
	size_t i;
	int rc;

	p = aligned_alloc(64, (sizeof(*p) + 63) / 64 * 64);
	if (!p) {
		snprintf(errbuf, errlen, "out of memory");
		return TG_ENOMEM;
	}
	memset(p, 0, sizeof(*p));
	p->conf = conf;
	p->stats = stats;
	p->log = log;
	p->swapped = swapped;
	p->arg = arg;
	pthread_mutex_init(&p->reload_lock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cond, &ca);
	pthread_condattr_destroy(&ca);

	for (i = 0; i < conf->n_lists; i++)
		stamp_take(conf->lists[i].path, &p->stamps[i]);
	memset(&err, 0, sizeof(err));
	rc = policy_build(conf, conf, &idx, &err);
	if (rc != TG_OK) {
		tg_error_format(&err, msg, sizeof(msg));
		memset(&serr, 0, sizeof(serr));
		if (policy_from_last_good(p, &idx, &serr) == TG_OK) {
			plog(p, TG_LOG_ERR,
			     "typoguard: CURRENT LISTS ARE INVALID (%s); "
			     "RUNNING ON THE LAST GOOD SNAPSHOT in %s until "
			     "they are fixed",
			     msg, conf->state_dir);
			p->from_snapshot = 1;
			atomic_fetch_add(&stats->reloads_failed, 1);
		} else {
			snprintf(errbuf, errlen, "%s%s", msg,
				 conf->state_dir[0] ? " (and no usable "
						      "last-good snapshot)"
						    : "");
			tg_policy_free(p);
			return rc;
		}
	}
	atomic_store(&p->slot[0], idx);
	atomic_store(&stats->list_entries, tg_index_protected_count(idx));
	if (!p->from_snapshot)
		policy_snapshot(p);
	if (conf->reload_interval > 0) {
		if (tg_thread_start(&p->thread, policy_thread, p) != 0) {
			snprintf(errbuf, errlen,
				 "cannot start the reload thread");
			tg_policy_free(p);
			return TG_ENOMEM;
		}
		p->thread_started = 1;
	}
	*out = p;
	return TG_OK;
}

void tg_policy_free(tg_policy *p)
{
	if (!p)
		return;
	if (p->thread_started) {
		pthread_mutex_lock(&p->lock);
		p->stopping = 1;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
		pthread_join(p->thread, NULL);
	}
	tg_index_free(atomic_load(&p->slot[0]));
	tg_index_free(atomic_load(&p->slot[1]));
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->reload_lock);
	free(p);
}
