/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: the policy in force, reloaded in place.
 *
 * The policy is the immutable index built from the configured lists.  A
 * module-owned thread checks the list files every `reload-interval` seconds
 * (device, inode, size, mtime); when one changed it builds a new index off
 * the resolver's threads and swaps it in.  A list that fails to load or
 * build is rejected whole: the previous index stays in force, and the error
 * ("file:line: reason") is logged and counted.
 *
 * Swap without locks on the read side.  Two index slots, a swap
 * counter and per-slot reader counts, striped per thread on separate cache
 * lines.  A reader increments its stripe of the current slot and re-checks
 * the swap counter (retrying if it changed), uses the index, and decrements.
 * The writer fills the idle slot, bumps the swap counter, then waits until
 * the old slot's reader counts are all zero before freeing it: an index is
 * freed only when no thread can still use it.
 *
 * Last-good snapshot.  With `state-dir:`, every list set that loaded is
 * copied there with a manifest (last-good.conf).  When init() finds the
 * current lists invalid (for instance after `unbound-control reload`), it
 * falls back to that snapshot with a loud log line instead of failing, so
 * only a first start with no valid policy at all refuses to start.
 *
 * No Unbound dependency: the module passes a log function and a callback
 * run after each swap (it purges cached answers that the new index blocks).
 */
#ifndef TG_POLICY_H
#define TG_POLICY_H

#include <stddef.h>

#include "tg_counters.h"
#include "typoguard.h"

typedef struct tg_policy tg_policy;

/** Log levels passed to tg_policy_log_fn. */
enum {
	TG_LOG_INFO = 0,
	TG_LOG_WARN,
	TG_LOG_ERR
};

/** How the policy reports: one complete line, no trailing newline. */
typedef void (*tg_policy_log_fn)(int level, const char *line, void *arg);

/** Called on the reload thread after a new index is in force. */
typedef void (*tg_policy_swapped_fn)(const tg_index *index, void *arg);

/**
 * Load the lists of \p conf (borrowed; must outlive the policy), or the
 * last-good snapshot when they are invalid, and start the reload thread
 * when conf->reload_interval > 0.  \p stats (borrowed) gets list_entries,
 * reloads_ok and reloads_failed.  \p log, \p swapped and \p arg may be
 * NULL.  Fails (TG_E*, reason in \p errbuf) only when no valid policy can
 * be had at all.
 */
int tg_policy_create(const tg_conf *conf, tg_stats *stats, tg_policy_log_fn log,
		     tg_policy_swapped_fn swapped, void *arg, tg_policy **out,
		     char *errbuf, size_t errlen);

/**
 * Take the index in force for the duration of one piece of work; pass the
 * token to tg_policy_release().  Never blocks; safe from any thread.
 */
const tg_index *tg_policy_acquire(tg_policy *p, unsigned *token);

/** Give back an index taken with tg_policy_acquire(). */
void tg_policy_release(tg_policy *p, unsigned token);

/**
 * Check the list files now and reload if one changed (\p force: reload
 * even if none did).  Returns TG_OK (reloaded or unchanged) or the error of
 * a rejected reload.  Used by the reload thread and by the tests.
 */
int tg_policy_check(tg_policy *p, int force);

/** Whether the policy in force came from the last-good snapshot. */
int tg_policy_from_snapshot(const tg_policy *p);

/** Bytes held by the index in force. */
size_t tg_policy_memory(tg_policy *p);

/** Stop the reload thread and free everything.  NULL is a no-op. */
void tg_policy_free(tg_policy *p);

#endif /* TG_POLICY_H */
