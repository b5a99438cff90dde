/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: decision events and counters.
 *
 * Resolver threads never wait on I/O here.  A decision is copied into a
 * bounded ring (tg_events_submit(): a short critical section, no syscalls);
 * a module-owned writer thread drains it, aggregates identical repeats
 * (same client address -- not port --, qname, qtype and decision) per
 * `event-interval`, and writes JSON Lines or key=value lines to a file
 * (reopened when it was rotated away) or to syslog.  When the ring is full
 * or the destination fails, events are dropped and counted, never queued
 * without bound.
 *
 * Aggregation: the first event of a key is written at once with count 1
 * and opens a window of `event-interval` seconds; repeats inside it are
 * only counted, and when it ends one line (the latest repeat's fields) is
 * written with "count": repeats and a new window opens; a window without
 * repeats forgets the key.  Five identical events within one interval thus
 * give two lines: count 1, then count 4 (at the window's end, or at
 * tg_events_free()).  Counters: events_written = lines written,
 * events_dropped = lines lost, events_aggregated = events folded into
 * another line's count (4 lines' worth minus the one written: 3), so that
 * submitted = written + dropped + aggregated.
 *
 * The same thread writes the counters to `stats-file` in the Prometheus
 * textfile-collector format every `stats-interval` (write to a temporary
 * file, then rename).
 *
 * This file has no Unbound dependency, so it is unit-tested on its own
 * (tests/unit/test_events.c).
 */
#ifndef TG_EVENTS_H
#define TG_EVENTS_H

#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "typoguard.h"

/** Version of the event schema; bump on incompatible change. */
#define TG_EVENT_SCHEMA_VERSION 1
/** Ring capacity (events); beyond it submissions are dropped and counted. */
#define TG_EVENT_RING 4096
/** Distinct (client, qname, qtype) keys aggregated per interval at most;
 *  beyond it an event is written at once instead of aggregated. */
#define TG_EVENT_AGG_MAX 65536

/** What the module decided. */
typedef enum tg_decision {
	TG_DECISION_BLOCK = 0, /**< the action was applied */
	TG_DECISION_LOG	       /**< logged only (log verdict or log-only) */
} tg_decision;

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

/** One decision, as submitted by a resolver thread (copied). */
typedef struct tg_event {
	struct timespec when; /**< CLOCK_REALTIME of the decision */
	char client[46];      /**< client address, text */
	uint16_t client_port;
	char qname[TG_NAME_BUF]; /**< as scored (normalised) */
	uint16_t qtype;
	tg_decision decision;
	tg_action action; /**< configured action (for blocks) */
	int score;
	unsigned classes; /**< TG_C_* */
	char protected_name[TG_NAME_BUF];
	char source[TG_NAME_BUF]; /**< list file of the protected entry */
	unsigned long source_line;
	/** "" for the query name itself, else the CNAME/MX target that was
	 *  the lookalike (response-side decision). */
	char via[TG_NAME_BUF];
} tg_event;

typedef struct tg_events tg_events;

/**
 * Start the event writer for \p conf (event-log, event-format,
 * event-interval, stats-file, stats-interval, identity).  \p stats is
 * borrowed and must outlive the handle.  With neither an event log nor a
 * stats file configured, no thread is started; without an event log,
 * submissions are ignored.  On error returns a TG_E* code and a reason in
 * \p errbuf.  On TG_OK \p errbuf is "" or a warning for the operator (the
 * event log cannot be opened yet: events are dropped and counted, and the
 * file is retried every second; or the stats file cannot be written; this
 * is not fatal).
 */
int tg_events_create(const tg_conf *conf, tg_stats *stats, tg_events **out,
		     char *errbuf, size_t errlen);

/** Hash of an event's aggregation key: client address, qname, qtype and
 *  decision (the module's log-line filter uses the same key). */
uint64_t tg_event_key_hash(const tg_event *e);

/** Queue one event; never blocks on I/O, drops (and counts) when full. */
void tg_events_submit(tg_events *ev, const tg_event *e);

/**
 * Stop the writer: flush aggregated events and the ring, write the stats
 * file a last time, join the thread and free.  NULL is a no-op.
 */
void tg_events_free(tg_events *ev);

/**
 * Format \p e as one line (JSON or key=value, no newline) with \p count
 * occurrences into \p buf; returns the length (truncated output is still a
 * valid line).  Exposed for the tests and the log line.
 */
size_t tg_event_line(const tg_event *e, unsigned long count,
		     tg_event_format fmt, const char *identity, char *buf,
		     size_t len);

/**
 * Write \p stats to \p path in the Prometheus textfile format (temp file +
 * rename).  Returns TG_OK or TG_EIO.
 */
int tg_stats_write(const tg_stats *stats, const char *path);

#endif /* TG_EVENTS_H */
