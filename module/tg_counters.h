/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: the counters, and the Prometheus textfile they are
 * written to (`stats-file:`).
 *
 * Resolver threads update them with relaxed atomics (no ordering is
 * needed: each is read on its own); the event writer thread writes the
 * file every `stats-interval` (tg_events.h).  The metric names are a
 * contract with the alert rules and the dashboard in contrib/alerting/.
 */
#ifndef TG_COUNTERS_H
#define TG_COUNTERS_H

#include <stdatomic.h>

#include "typoguard.h"

/** Counters, updated by resolver threads with relaxed atomics. */
typedef struct tg_stats {
	atomic_ulong queries; /**< queries the module saw */
	atomic_ulong scored;  /**< names scored */
	atomic_ulong
	    passed; /**< scored and passed (below log, or out of scope) */
	atomic_ulong
	    out_of_scope; /**< lookalikes for an out-of-scope client/qtype */
	atomic_ulong allowlisted; /**< names on an allowlist */
	atomic_ulong
	    blocked[TG_ACTION_COUNT];	   /**< blocks, indexed by tg_action */
	atomic_ulong logged;		   /**< log decisions */
	atomic_ulong by_class[TG_C_COUNT]; /**< blocks+logs per class bit */
	atomic_ulong response_side; /**< decisions on a CNAME/MX target */
	atomic_ulong events_written;
	atomic_ulong events_dropped;
	atomic_ulong events_aggregated; /**< repeats folded into a count */
	atomic_ulong list_entries;	/**< protected entries in force */
	atomic_ulong reloads_ok;
	atomic_ulong reloads_failed;
} tg_stats;

/** Add \p n to a counter (relaxed). */
static inline void tg_stat_add(atomic_ulong *c, unsigned long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/** Read a counter (relaxed). */
static inline unsigned long tg_stat_get(const atomic_ulong *c)
{
	return atomic_load_explicit((atomic_ulong *)c, memory_order_relaxed);
}

/**
 * Write \p stats to \p path in the Prometheus textfile format (temp file +
 * rename).  Returns TG_OK or TG_EIO.
 */
int tg_stats_write(const tg_stats *stats, const char *path);

#endif /* TG_COUNTERS_H */
