/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The Prometheus textfile of the counters (tg_counters.h).
 */
#include "tg_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tg_buf.h"
#include "tg_counters.h"

static void metric(tg_buf *b, const char *name, const char *type,
		   const char *help)
{
	tg_putf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void counter(tg_buf *b, const char *name, const char *help,
		    const atomic_ulong *v)
{
	metric(b, name, "counter", help);
	tg_putf(b, "%s %lu\n", name, tg_stat_get(v));
}

int tg_stats_write(const tg_stats *s, const char *path)
{
	char *text;
	size_t len = 16 * 1024;
	tg_buf b;
	tg_outfile *of;
	unsigned i;
	int rc;

	if (!s || !path || !*path)
		return TG_EINVAL;
	text = malloc(len);
	if (!text)
		return TG_ENOMEM;
	tg_buf_init(&b, text, len);
	counter(&b, "typoguard_queries_total", "Queries the module saw.",
		&s->queries);
	counter(&b, "typoguard_scored_total", "Names scored.", &s->scored);
	counter(&b, "typoguard_passed_total", "Scored names that were passed.",
		&s->passed);
	counter(&b, "typoguard_out_of_scope_total",
		"Lookalikes passed for an out-of-scope client or type.",
		&s->out_of_scope);
	counter(&b, "typoguard_allowlisted_total", "Names on an allowlist.",
		&s->allowlisted);
	metric(&b, "typoguard_blocked_total", "counter",
	       "Blocked queries by configured action.");
	for (i = 0; i < TG_ACTION_COUNT; i++)
		tg_putf(&b, "typoguard_blocked_total{action=\"%s\"} %lu\n",
			tg_action_name((tg_action)i),
			tg_stat_get(&s->blocked[i]));
	counter(&b, "typoguard_logged_total", "Log decisions.", &s->logged);
	metric(&b, "typoguard_decisions_by_class_total", "counter",
	       "Block and log decisions by typo class.");
	for (i = 0; i < TG_C_COUNT; i++) {
		const char *n = tg_class_name(1u << i);

		tg_putf(&b,
			"typoguard_decisions_by_class_total{class=\"%s\"} "
			"%lu\n",
			n ? n : "unknown", tg_stat_get(&s->by_class[i]));
	}
	counter(&b, "typoguard_response_side_total",
		"Decisions on a CNAME or MX target.", &s->response_side);
	counter(&b, "typoguard_events_written_total", "Event lines written.",
		&s->events_written);
	counter(&b, "typoguard_events_dropped_total",
		"Event lines dropped (queue full or destination failing).",
		&s->events_dropped);
	counter(&b, "typoguard_events_aggregated_total",
		"Events folded into another event's count.",
		&s->events_aggregated);
	metric(&b, "typoguard_list_entries", "gauge",
	       "Protected entries in force.");
	tg_putf(&b, "typoguard_list_entries %lu\n",
		tg_stat_get(&s->list_entries));
	metric(&b, "typoguard_reloads_total", "counter",
	       "Configuration loads by result.");
	tg_putf(&b, "typoguard_reloads_total{result=\"ok\"} %lu\n",
		tg_stat_get(&s->reloads_ok));
	tg_putf(&b, "typoguard_reloads_total{result=\"failed\"} %lu\n",
		tg_stat_get(&s->reloads_failed));
	if (b.full) {
		free(text);
		return TG_ELIMIT;
	}
	if (tg_outfile_open(path, 0644, &of, NULL) != TG_OK) {
		free(text);
		return TG_EIO;
	}
	if (fwrite(text, 1, b.pos, tg_outfile_stream(of)) != b.pos) {
		tg_outfile_abort(of);
		free(text);
		return TG_EIO;
	}
	rc = tg_outfile_commit(of, NULL) == TG_OK ? TG_OK : TG_EIO;
	free(text);
	return rc;
}
