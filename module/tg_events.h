/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: the queue of decision events, their aggregation, and
 * the writer thread that writes them (and the stats file).  The event and
 * its line format are in tg_event_format.h, the counters in
 * tg_counters.h.
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

#include <stddef.h>
#include <stdint.h>

#include "tg_counters.h"
#include "tg_event_format.h"
#include "typoguard.h"

/** Ring capacity (events); beyond it submissions are dropped and counted. */
#define TG_EVENT_RING 4096
/** Distinct (client, qname, qtype) keys aggregated per interval at most;
 *  beyond it an event is written at once instead of aggregated. */
#define TG_EVENT_AGG_MAX 65536

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

/** Queue one event (copied); never blocks on I/O, drops (and counts)
 *  when full.  An event with qwire_len > 0 and qname "" has its name
 *  formatted by the writer thread. */
void tg_events_submit(tg_events *ev, const tg_event *e);

/**
 * Stop the writer: flush aggregated events and the ring, write the stats
 * file a last time, join the thread and free.  NULL is a no-op.
 */
void tg_events_free(tg_events *ev);

#endif /* TG_EVENTS_H */
