/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: the event, and its line format: the contract with
 * alerting.
 *
 * JSON Lines, one object per decision, described by the JSON Schema beside
 * this file (module/event.schema.json; README "Events"), or the same
 * fields as key=value.  A line that would not fit the caller's buffer is
 * written with every string cut to 32 bytes and "truncated": true, so a
 * line is always complete and valid.
 */
#ifndef TG_EVENT_FORMAT_H
#define TG_EVENT_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "typoguard.h"

/** Version of the event schema; bump on incompatible change. */
#define TG_EVENT_SCHEMA_VERSION 1

/** What the module decided. */
typedef enum tg_decision {
	TG_DECISION_BLOCK = 0, /**< the action was applied */
	TG_DECISION_LOG	       /**< logged only (log verdict or log-only) */
} tg_decision;

/** One decision, as submitted by a resolver thread (copied). */
typedef struct tg_event {
	struct timespec when; /**< CLOCK_REALTIME of the decision */
	char client[46];      /**< client address, text */
	uint16_t client_port;
	/** The query name as alerting groups it: presentation format,
	 *  lowercase, no final dot, every byte kept (\DDD, \.).  "" when
	 *  qwire is given instead. */
	char qname[TG_NAME_BUF];
	/** The query name in wire form, \p qwire_len bytes (0: none): the
	 *  events' writer thread formats it into qname, so that the resolver
	 *  thread that submits the event does not. */
	uint8_t qwire[256];
	uint16_t qwire_len;
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

/**
 * Format \p e as one line (JSON or key=value, no newline) with \p count
 * occurrences and \p identity as the resolver into \p buf of \p len
 * bytes; returns the length (truncated output is still a valid line).
 */
size_t tg_event_line(const tg_event *e, unsigned long count,
		     tg_event_format fmt, const char *identity, char *buf,
		     size_t len);

#endif /* TG_EVENT_FORMAT_H */
