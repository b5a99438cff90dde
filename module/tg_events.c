/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Decision events and the stats file (see tg_events.h for the contract).
 *
 * Threads and locking: resolver threads call tg_events_submit(), which
 * takes ev->lock only to memcpy one tg_event into the ring (and, when the
 * writer sleeps, to signal it); it never makes a syscall for I/O.  The
 * writer takes the lock only to read and advance the ring indices: it reads
 * up to TG_BATCH slots in place, and they stay counted as occupied (so no
 * submitter reuses them) until it has handled them.  All other state
 * (aggregation table, output buffer, file descriptors) belongs to the single
 * writer thread and is touched by nobody else until tg_events_free() has joined
 * it.
 *
 * Aggregation: a key is (client address, qname, qtype, decision); the port
 * is not part of it, so a resolver retrying from new ports is one key.
 * The first event of a key is written at once with "count": 1 and opens a
 * window of `event-interval` seconds (writer's monotonic clock).  Repeats
 * inside the window are only counted.  When the window ends, if there were
 * repeats, one line is written: the fields of the latest repeat with
 * "count": repeats, and a new window opens; if there were none, the key is
 * forgotten and its next event is written at once again.  So five identical
 * events within one interval give two lines: count 1, then count 4.  A
 * steady flood gives one line per key and interval.  At shutdown every
 * pending count is written.  With `event-interval` 0 nothing is aggregated.
 * Counters: events_written counts lines written, events_dropped lines lost
 * (ring full, destination failing), events_aggregated the submissions
 * folded into another line's count, so that, once flushed, submissions =
 * written + dropped + aggregated.
 *
 * Caps: the ring (TG_EVENT_RING), keys (TG_EVENT_AGG_MAX) and bytes held by
 * aggregation (TG_AGG_BYTES); beyond the key/byte caps an event is written
 * directly.  Output goes through a fixed buffer flushed per batch.
 *
 * Destinations: a file, opened O_APPEND; before each write batch the path
 * is stat()ed and the file reopened when it was renamed or removed, so
 * logrotate needs no signal.  A file that cannot be opened or written is
 * retried once a second; meanwhile lines are dropped and counted, and one
 * warning goes to syslog per failure episode.  `syslog` sends RFC 3164
 * datagrams tagged "typoguard" to /dev/log on our own socket (openlog()
 * would change Unbound's own ident and, in a chroot without /dev/log, break
 * Unbound's syslog connection); when /dev/log cannot be reached (chroot),
 * syslog(3) is used instead, i.e. Unbound's connection, lines prefixed
 * "typoguard: ".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "tg_events.h"

/** Ring slots the writer handles per pass (in place, lock not held). */
#define TG_BATCH 256
/** Output buffer of the file destination. */
#define TG_OUTBUF (64 * 1024)
/** Longest line we format (the longest JSON event is about 9 KB). */
#define TG_LINEBUF (16 * 1024)
/** Hash buckets of the aggregation table (power of two). */
#define TG_AGG_BUCKETS 16384
/** Bytes the aggregation table may hold at most. */
#define TG_AGG_BYTES (16UL * 1024 * 1024)
/** Retry period of a failing destination, and writer tick, ms. */
#define TG_RETRY_MS 1000

/** One aggregation key and its current window.  Writer thread only. */
typedef struct tg_agg {
	struct tg_agg *hnext;	    /**< hash chain */
	struct tg_agg *prev, *next; /**< FIFO by window end */
	uint32_t hash;
	uint16_t qtype;
	tg_decision decision;
	uint64_t window_end;   /**< monotonic ms */
	unsigned long repeats; /**< counted in this window */
	tg_event *last;	       /**< latest repeat, NULL if none yet */
	size_t bytes;	       /**< accounted against TG_AGG_BYTES */
	char *qname;	       /**< points into key[] */
	char key[];	       /**< client NUL qname NUL */
} tg_agg;

/** The handle.  Fields below `writer state` belong to the writer. */
struct tg_events {
	tg_stats *stats;
	tg_event_format fmt;
	int has_log;   /**< an event log is configured */
	int to_syslog; /**< ... and it is syslog */
	char log_path[TG_NAME_BUF];
	char stats_path[TG_NAME_BUF];
	char identity[TG_NAME_BUF];
	unsigned event_interval, stats_interval;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	int sync_ok; /**< lock and cond initialised */
	int running; /**< thread started */
	pthread_t thread;
	/* protected by lock */
	tg_event *ring; /**< TG_EVENT_RING slots, NULL without event log */
	size_t head, count;
	int stop;
	int sleeping;

	/* writer state */
	int fd;			 /**< event file, -1 closed */
	dev_t dev;		 /**< of fd */
	ino_t ino;		 /**< of fd */
	uint64_t next_open;	 /**< monotonic ms of the next open attempt */
	int failing;		 /**< warned about the current failure */
	int torn;		 /**< a partial line was left in the file */
	int open_errno;		 /**< errno of the last failed open */
	int sock;		 /**< /dev/log socket, -1 none */
	int no_devlog;		 /**< /dev/log absent: use syslog(3) */
	uint64_t next_sock;	 /**< next connect attempt */
	char *out;		 /**< TG_OUTBUF */
	size_t out_len;		 /**< bytes in out */
	unsigned long out_lines; /**< lines in out */
	char *line;		 /**< TG_LINEBUF */
	tg_agg **buckets;	 /**< TG_AGG_BUCKETS, NULL without log */
	tg_agg *fifo_head, *fifo_tail;
	size_t agg_n, agg_bytes;
	uint64_t next_stats;
};

/* ------------------------------------------------------------- helpers */

static uint64_t tg_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void tg_inc(atomic_ulong *c, unsigned long n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static unsigned long tg_get(const atomic_ulong *c)
{
	return atomic_load_explicit((atomic_ulong *)c, memory_order_relaxed);
}

/** Copy \p src into \p dst of \p len bytes, truncating, NUL-terminated. */
static void tg_copy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/** Mnemonic of a query type, or NULL. */
static const char *tg_qtype_name(uint16_t t)
{
	static const struct {
		uint16_t type;
		const char *name;
	} names[] = {
	    {1, "A"},	    {2, "NS"},	     {5, "CNAME"},
	    {6, "SOA"},	    {12, "PTR"},     {13, "HINFO"},
	    {15, "MX"},	    {16, "TXT"},     {17, "RP"},
	    {18, "AFSDB"},  {24, "SIG"},     {25, "KEY"},
	    {28, "AAAA"},   {29, "LOC"},     {33, "SRV"},
	    {35, "NAPTR"},  {36, "KX"},	     {37, "CERT"},
	    {39, "DNAME"},  {41, "OPT"},     {42, "APL"},
	    {43, "DS"},	    {44, "SSHFP"},   {45, "IPSECKEY"},
	    {46, "RRSIG"},  {47, "NSEC"},    {48, "DNSKEY"},
	    {49, "DHCID"},  {50, "NSEC3"},   {51, "NSEC3PARAM"},
	    {52, "TLSA"},   {53, "SMIMEA"},  {55, "HIP"},
	    {59, "CDS"},    {60, "CDNSKEY"}, {61, "OPENPGPKEY"},
	    {62, "CSYNC"},  {63, "ZONEMD"},  {64, "SVCB"},
	    {65, "HTTPS"},  {99, "SPF"},     {108, "EUI48"},
	    {109, "EUI64"}, {249, "TKEY"},   {250, "TSIG"},
	    {251, "IXFR"},  {252, "AXFR"},   {255, "ANY"},
	    {256, "URI"},   {257, "CAA"},
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].type == t)
			return names[i].name;
	return NULL;
}

/* ------------------------------------------------------------ formatting */

/** A bounded output buffer; \c full is set at the first overflow. */
typedef struct tg_buf {
	char *p;
	size_t len; /**< capacity, with the NUL */
	size_t pos;
	int full;
} tg_buf;

static void tg_put(tg_buf *b, const char *s, size_t n)
{
	if (b->full)
		return;
	if (n >= b->len - b->pos) {
		b->full = 1;
		return;
	}
	memcpy(b->p + b->pos, s, n);
	b->pos += n;
	b->p[b->pos] = '\0';
}

static void tg_puts(tg_buf *b, const char *s)
{
	tg_put(b, s, strlen(s));
}

static void tg_putf(tg_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void tg_putf(tg_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		b->full = 1;
	else
		tg_put(b, tmp, (size_t)n);
}

/** A JSON string of at most \p cap bytes of \p s, escaped. */
static void tg_put_json(tg_buf *b, const char *s, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	tg_put(b, "\"", 1);
	for (i = 0; s[i] && i < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[7];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			tg_put(b, esc, 2);
		} else if (c == '\n') {
			tg_put(b, "\\n", 2);
		} else if (c == '\r') {
			tg_put(b, "\\r", 2);
		} else if (c == '\t') {
			tg_put(b, "\\t", 2);
		} else if (c < 0x20 || c >= 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			tg_put(b, esc, 6);
		} else {
			tg_put(b, (const char *)&c, 1);
		}
	}
	tg_put(b, "\"", 1);
}

/** Does a key=value value need quotes? */
static int tg_kv_needs_quotes(const char *s, size_t cap)
{
	size_t i;

	if (!*s)
		return 1;
	for (i = 0; s[i] && i < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c >= 0x7f || c == '"' || c == '=' || c == '\\')
			return 1;
	}
	return 0;
}

/** A key=value value: bare, or quoted with \" \\ and \xHH escapes. */
static void tg_put_kv(tg_buf *b, const char *s, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (!tg_kv_needs_quotes(s, cap)) {
		tg_put(b, s, strnlen(s, cap));
		return;
	}
	tg_put(b, "\"", 1);
	for (i = 0; s[i] && i < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[4];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			tg_put(b, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			tg_put(b, esc, 4);
		} else {
			tg_put(b, (const char *)&c, 1);
		}
	}
	tg_put(b, "\"", 1);
}

/** RFC 3339 UTC with milliseconds: 2026-11-28T14:30:01.123Z */
static void tg_format_time(const struct timespec *ts, char *out, size_t len)
{
	struct tm tm;
	long ms = ts->tv_nsec / 1000000;
	char base[32];

	if (ms < 0 || ms > 999)
		ms = 0;
	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm))
		snprintf(base, sizeof(base), "1970-01-01T00:00:00");
	snprintf(out, len, "%s.%03ldZ", base, ms);
}

static void tg_format_qtype(uint16_t t, char *out, size_t len)
{
	const char *n = tg_qtype_name(t);

	if (n)
		snprintf(out, len, "%s", n);
	else
		snprintf(out, len, "TYPE%u", (unsigned)t);
}

static const char *tg_event_action(const tg_event *e)
{
	const char *a;

	if (e->decision != TG_DECISION_BLOCK)
		return "log-only";
	a = tg_action_name(e->action);
	return a ? a : "unknown";
}

static void tg_format_json(tg_buf *b, const tg_event *e, unsigned long count,
			   const char *identity, size_t cap)
{
	char t[40], qt[16];
	unsigned i;
	int first = 1;

	tg_format_time(&e->when, t, sizeof(t));
	tg_format_qtype(e->qtype, qt, sizeof(qt));
	tg_putf(b, "{\"schema\":%d,\"time\":\"%s\",\"client\":",
		TG_EVENT_SCHEMA_VERSION, t);
	tg_put_json(b, e->client, cap);
	tg_putf(b, ",\"client_port\":%u,\"qname\":", (unsigned)e->client_port);
	tg_put_json(b, e->qname, cap);
	tg_putf(b, ",\"qtype\":\"%s\",\"decision\":\"%s\",\"action\":", qt,
		e->decision == TG_DECISION_BLOCK ? "block" : "log");
	tg_put_json(b, tg_event_action(e), cap);
	tg_putf(b, ",\"score\":%d,\"protected\":", e->score);
	tg_put_json(b, e->protected_name, cap);
	tg_puts(b, ",\"reasons\":[");
	for (i = 0; i < TG_C_COUNT; i++) {
		const char *n;

		if (!(e->classes & (1u << i)))
			continue;
		n = tg_class_name(1u << i);
		if (!first)
			tg_put(b, ",", 1);
		first = 0;
		tg_put_json(b, n ? n : "unknown", cap);
	}
	tg_puts(b, "],\"source\":");
	tg_put_json(b, e->source, cap);
	tg_putf(b, ",\"source_line\":%lu,\"via\":", e->source_line);
	if (e->via[0])
		tg_put_json(b, e->via, cap);
	else
		tg_puts(b, "null");
	tg_puts(b, ",\"resolver\":");
	tg_put_json(b, identity, cap);
	tg_putf(b, ",\"count\":%lu", count);
	if (cap != SIZE_MAX)
		tg_puts(b, ",\"truncated\":true");
	tg_puts(b, "}");
}

static void tg_format_kv(tg_buf *b, const tg_event *e, unsigned long count,
			 const char *identity, size_t cap)
{
	char t[40], qt[16], reasons[TG_C_COUNT * 24];
	unsigned i;

	reasons[0] = '\0';
	for (i = 0; i < TG_C_COUNT; i++) {
		const char *n;
		size_t l = strlen(reasons);

		if (!(e->classes & (1u << i)))
			continue;
		n = tg_class_name(1u << i);
		snprintf(reasons + l, sizeof(reasons) - l, "%s%s", l ? "," : "",
			 n ? n : "unknown");
	}
	tg_format_time(&e->when, t, sizeof(t));
	tg_format_qtype(e->qtype, qt, sizeof(qt));
	tg_putf(b, "time=%s client=", t);
	tg_put_kv(b, e->client, cap);
	tg_putf(b, " port=%u qname=", (unsigned)e->client_port);
	tg_put_kv(b, e->qname, cap);
	tg_putf(b, " qtype=%s decision=%s action=", qt,
		e->decision == TG_DECISION_BLOCK ? "block" : "log");
	tg_put_kv(b, tg_event_action(e), cap);
	tg_putf(b, " score=%d protected=", e->score);
	tg_put_kv(b, e->protected_name, cap);
	tg_puts(b, " reasons=");
	tg_put_kv(b, reasons, cap);
	tg_puts(b, " source=");
	tg_put_kv(b, e->source, cap);
	tg_putf(b, " line=%lu", e->source_line);
	if (e->via[0]) {
		tg_puts(b, " via=");
		tg_put_kv(b, e->via, cap);
	}
	tg_puts(b, " resolver=");
	tg_put_kv(b, identity, cap);
	tg_putf(b, " count=%lu", count);
	if (cap != SIZE_MAX)
		tg_puts(b, " truncated=1");
}

size_t tg_event_line(const tg_event *e, unsigned long count,
		     tg_event_format fmt, const char *identity, char *buf,
		     size_t len)
{
	/* Full line; else every string cut to 32 bytes and marked
	 * truncated; else a minimal line; else an empty string. */
	static const size_t caps[] = {SIZE_MAX, 32};
	tg_buf b;
	size_t i;

	if (!buf || !len)
		return 0;
	buf[0] = '\0';
	if (!e)
		return 0;
	if (!identity)
		identity = "";
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		b.p = buf;
		b.len = len;
		b.pos = 0;
		b.full = 0;
		buf[0] = '\0';
		if (fmt == TG_EVENT_KV)
			tg_format_kv(&b, e, count, identity, caps[i]);
		else
			tg_format_json(&b, e, count, identity, caps[i]);
		if (!b.full)
			return b.pos;
	}
	b.p = buf;
	b.len = len;
	b.pos = 0;
	b.full = 0;
	buf[0] = '\0';
	if (fmt == TG_EVENT_KV)
		tg_putf(&b, "truncated=1 count=%lu", count);
	else
		tg_putf(&b, "{\"schema\":%d,\"truncated\":true,\"count\":%lu}",
			TG_EVENT_SCHEMA_VERSION, count);
	if (b.full) {
		buf[0] = '\0';
		return 0;
	}
	return b.pos;
}

/* ------------------------------------------------------------ stats file */

static void tg_metric(tg_buf *b, const char *name, const char *type,
		      const char *help)
{
	tg_putf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void tg_counter(tg_buf *b, const char *name, const char *help,
		       const atomic_ulong *v)
{
	tg_metric(b, name, "counter", help);
	tg_putf(b, "%s %lu\n", name, tg_get(v));
}

int tg_stats_write(const tg_stats *s, const char *path)
{
	char tmp[PATH_MAX], *text;
	size_t len = 16 * 1024, off = 0;
	tg_buf b;
	unsigned i;
	int fd, rc = TG_OK;

	if (!s || !path || !*path)
		return TG_EINVAL;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return TG_EIO;
	text = malloc(len);
	if (!text)
		return TG_ENOMEM;
	b.p = text;
	b.len = len;
	b.pos = 0;
	b.full = 0;
	tg_counter(&b, "typoguard_queries_total", "Queries the module saw.",
		   &s->queries);
	tg_counter(&b, "typoguard_scored_total", "Names scored.", &s->scored);
	tg_counter(&b, "typoguard_passed_total",
		   "Scored names that were passed.", &s->passed);
	tg_counter(&b, "typoguard_out_of_scope_total",
		   "Lookalikes passed for an out-of-scope client or type.",
		   &s->out_of_scope);
	tg_counter(&b, "typoguard_allowlisted_total", "Names on an allowlist.",
		   &s->allowlisted);
	tg_metric(&b, "typoguard_blocked_total", "counter",
		  "Blocked queries by configured action.");
	for (i = 0; i < TG_ACTION_COUNT; i++)
		tg_putf(&b, "typoguard_blocked_total{action=\"%s\"} %lu\n",
			tg_action_name((tg_action)i), tg_get(&s->blocked[i]));
	tg_counter(&b, "typoguard_logged_total", "Log decisions.", &s->logged);
	tg_metric(&b, "typoguard_decisions_by_class_total", "counter",
		  "Block and log decisions by typo class.");
	for (i = 0; i < TG_C_COUNT; i++) {
		const char *n = tg_class_name(1u << i);

		tg_putf(&b,
			"typoguard_decisions_by_class_total{class=\"%s\"} "
			"%lu\n",
			n ? n : "unknown", tg_get(&s->by_class[i]));
	}
	tg_counter(&b, "typoguard_response_side_total",
		   "Decisions on a CNAME or MX target.", &s->response_side);
	tg_counter(&b, "typoguard_events_written_total", "Event lines written.",
		   &s->events_written);
	tg_counter(&b, "typoguard_events_dropped_total",
		   "Event lines dropped (queue full or destination failing).",
		   &s->events_dropped);
	tg_counter(&b, "typoguard_events_aggregated_total",
		   "Events folded into another event's count.",
		   &s->events_aggregated);
	tg_metric(&b, "typoguard_list_entries", "gauge",
		  "Protected entries in force.");
	tg_putf(&b, "typoguard_list_entries %lu\n", tg_get(&s->list_entries));
	tg_metric(&b, "typoguard_reloads_total", "counter",
		  "Configuration loads by result.");
	tg_putf(&b, "typoguard_reloads_total{result=\"ok\"} %lu\n",
		tg_get(&s->reloads_ok));
	tg_putf(&b, "typoguard_reloads_total{result=\"failed\"} %lu\n",
		tg_get(&s->reloads_failed));
	if (b.full) {
		free(text);
		return TG_ELIMIT;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		free(text);
		return TG_EIO;
	}
	while (off < b.pos) {
		ssize_t n = write(fd, text + off, b.pos - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = TG_EIO;
			break;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0)
		rc = TG_EIO;
	if (rc == TG_OK && rename(tmp, path) != 0)
		rc = TG_EIO;
	if (rc != TG_OK)
		unlink(tmp);
	free(text);
	return rc;
}

/* ----------------------------------------------------------- destinations */

/** One warning per failure episode, through syslog(3). */
static void tg_warn(tg_events *ev, const char *what, int err)
{
	if (ev->failing)
		return;
	ev->failing = 1;
	syslog(LOG_DAEMON | LOG_WARNING,
	       "typoguard: event log %s: %s: %s (events are dropped and "
	       "counted until it works again)",
	       ev->log_path, what, strerror(err));
}

static void tg_file_close(tg_events *ev)
{
	if (ev->fd >= 0)
		close(ev->fd);
	ev->fd = -1;
}

/** Make sure the event file is open and is the file at its path. */
static void tg_file_check(tg_events *ev, uint64_t now)
{
	struct stat st;

	if (ev->fd >= 0) {
		if (stat(ev->log_path, &st) == 0 && st.st_dev == ev->dev &&
		    st.st_ino == ev->ino)
			return;
		tg_file_close(ev); /* rotated away or removed */
		ev->next_open = 0;
	}
	if (now < ev->next_open)
		return;
	/* O_NONBLOCK: a FIFO without a reader must not block us */
	ev->fd = open(ev->log_path,
		      O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY |
			  O_NONBLOCK,
		      0640);
	if (ev->fd < 0) {
		ev->open_errno = errno;
		tg_warn(ev, "cannot open", errno);
		ev->next_open = now + TG_RETRY_MS;
		return;
	}
	if (fstat(ev->fd, &st) != 0) {
		ev->open_errno = errno;
		tg_warn(ev, "cannot stat", errno);
		tg_file_close(ev);
		ev->next_open = now + TG_RETRY_MS;
		return;
	}
	ev->dev = st.st_dev;
	ev->ino = st.st_ino;
	if (ev->torn && write(ev->fd, "\n", 1) == 1)
		ev->torn = 0;
}

/** Write the output buffer to the event file; count written or dropped. */
static void tg_file_flush(tg_events *ev)
{
	size_t off = 0;
	uint64_t now;

	if (!ev->out_len)
		return;
	now = tg_mono_ms();
	tg_file_check(ev, now);
	if (ev->fd < 0) {
		tg_inc(&ev->stats->events_dropped, ev->out_lines);
		ev->out_len = 0;
		ev->out_lines = 0;
		return;
	}
	while (off < ev->out_len) {
		ssize_t n = write(ev->fd, ev->out + off, ev->out_len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : ENOSPC;
			unsigned long done = 0;
			size_t i;

			for (i = 0; i < off; i++)
				done += ev->out[i] == '\n';
			if (off && ev->out[off - 1] != '\n')
				ev->torn = 1;
			tg_inc(&ev->stats->events_written, done);
			tg_inc(&ev->stats->events_dropped,
			       ev->out_lines - done);
			tg_warn(ev, "write failed", err);
			tg_file_close(ev);
			ev->next_open = now + TG_RETRY_MS;
			ev->out_len = 0;
			ev->out_lines = 0;
			return;
		}
		off += (size_t)n;
	}
	ev->failing = 0;
	tg_inc(&ev->stats->events_written, ev->out_lines);
	ev->out_len = 0;
	ev->out_lines = 0;
}

/**
 * Connect our own /dev/log socket (at most once a second).  Sets
 * ev->no_devlog when there is no /dev/log to connect to (a chroot).
 */
static void tg_sock_open(tg_events *ev, uint64_t now)
{
	struct sockaddr_un sa;
	struct timeval tv = {0, 200000};

	if (ev->sock >= 0 || now < ev->next_sock)
		return;
	ev->next_sock = now + TG_RETRY_MS;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, "/dev/log", sizeof("/dev/log"));
	ev->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ev->sock < 0)
		return;
	/* bounded wait when syslogd is stuck; the ring absorbs bursts */
	setsockopt(ev->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(ev->sock, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		ev->no_devlog =
		    errno == ENOENT || errno == EACCES || errno == ENOTDIR;
		close(ev->sock);
		ev->sock = -1;
		return;
	}
	ev->no_devlog = 0;
}

/** Send one datagram; 0 on success. */
static int tg_sock_send(tg_events *ev, const char *line, size_t len)
{
	char hdr[64];
	struct tm tm;
	time_t t = time(NULL);
	struct iovec iov[2];
	struct msghdr mh;
	int hl;

	localtime_r(&t, &tm);
	hl = (int)strftime(hdr, sizeof(hdr), "<30>%b %e %H:%M:%S ", &tm);
	hl += snprintf(hdr + hl, sizeof(hdr) - (size_t)hl,
		       "typoguard[%ld]: ", (long)getpid());
	iov[0].iov_base = hdr;
	iov[0].iov_len = (size_t)hl;
	iov[1].iov_base = (void *)line;
	iov[1].iov_len = len;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	return sendmsg(ev->sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

static void tg_syslog_line(tg_events *ev, const char *line, size_t len)
{
	tg_sock_open(ev, tg_mono_ms());
	if (ev->sock < 0 && ev->no_devlog) {
		/* chroot: Unbound's own syslog connection */
		syslog(LOG_DAEMON | LOG_INFO, "typoguard: %s", line);
		tg_inc(&ev->stats->events_written, 1);
		return;
	}
	if (ev->sock >= 0 && tg_sock_send(ev, line, len) != 0) {
		int err = errno;

		close(ev->sock);
		ev->sock = -1;
		/* syslogd restarted: reconnect and resend once at once;
		 * stuck or gone: drop and retry in a second */
		if (err == ECONNREFUSED || err == ENOTCONN) {
			ev->next_sock = 0;
			tg_sock_open(ev, tg_mono_ms());
			if (ev->sock >= 0 && tg_sock_send(ev, line, len) != 0) {
				close(ev->sock);
				ev->sock = -1;
			}
		}
		if (ev->sock < 0)
			ev->next_sock = tg_mono_ms() + TG_RETRY_MS;
		else {
			tg_inc(&ev->stats->events_written, 1);
			return;
		}
	}
	if (ev->sock < 0) {
		tg_inc(&ev->stats->events_dropped, 1);
		return;
	}
	tg_inc(&ev->stats->events_written, 1);
}

/** Format and queue one line for the destination. */
static void tg_emit(tg_events *ev, const tg_event *e, unsigned long count)
{
	size_t n = tg_event_line(e, count, ev->fmt, ev->identity, ev->line,
				 TG_LINEBUF - 1);

	if (ev->to_syslog) {
		tg_syslog_line(ev, ev->line, n);
		return;
	}
	if (ev->out_len + n + 1 > TG_OUTBUF)
		tg_file_flush(ev);
	memcpy(ev->out + ev->out_len, ev->line, n);
	ev->out[ev->out_len + n] = '\n';
	ev->out_len += n + 1;
	ev->out_lines++;
}

/* ------------------------------------------------------------ aggregation */

uint64_t tg_event_key_hash(const tg_event *e)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)e->client; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ 0xff) * 0x100000001b3ULL;
	for (p = (const unsigned char *)e->qname; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	h = (h ^ (e->qtype & 0xff)) * 0x100000001b3ULL;
	h = (h ^ (e->qtype >> 8)) * 0x100000001b3ULL;
	h = (h ^ (unsigned)e->decision) * 0x100000001b3ULL;
	return h ^ h >> 32;
}

static void tg_fifo_unlink(tg_events *ev, tg_agg *a)
{
	if (a->prev)
		a->prev->next = a->next;
	else
		ev->fifo_head = a->next;
	if (a->next)
		a->next->prev = a->prev;
	else
		ev->fifo_tail = a->prev;
	a->prev = a->next = NULL;
}

static void tg_fifo_append(tg_events *ev, tg_agg *a)
{
	a->prev = ev->fifo_tail;
	a->next = NULL;
	if (ev->fifo_tail)
		ev->fifo_tail->next = a;
	else
		ev->fifo_head = a;
	ev->fifo_tail = a;
}

static void tg_agg_remove(tg_events *ev, tg_agg *a)
{
	tg_agg **pp = &ev->buckets[a->hash & (TG_AGG_BUCKETS - 1)];

	while (*pp && *pp != a)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = a->hnext;
	tg_fifo_unlink(ev, a);
	ev->agg_n--;
	ev->agg_bytes -= a->bytes;
	free(a->last);
	free(a);
}

/** Write a window's repeats, if any. */
static void tg_agg_emit(tg_events *ev, tg_agg *a)
{
	if (!a->repeats || !a->last)
		return;
	tg_emit(ev, a->last, a->repeats);
	tg_inc(&ev->stats->events_aggregated, a->repeats - 1);
	a->repeats = 0;
}

/** End the windows due at \p now (all of them if \p all). */
static void tg_agg_expire(tg_events *ev, uint64_t now, int all)
{
	while (ev->fifo_head && (all || ev->fifo_head->window_end <= now)) {
		tg_agg *a = ev->fifo_head;

		if (a->repeats && !all) {
			tg_agg_emit(ev, a);
			a->window_end =
			    now + (uint64_t)ev->event_interval * 1000;
			tg_fifo_unlink(ev, a);
			tg_fifo_append(ev, a);
			continue;
		}
		tg_agg_emit(ev, a);
		tg_agg_remove(ev, a);
	}
}

/** Handle one event from the ring. */
static void tg_handle(tg_events *ev, const tg_event *e, uint64_t now)
{
	size_t lc, lq, bytes;
	uint32_t h;
	tg_agg *a;

	if (!ev->event_interval || !ev->buckets) {
		tg_emit(ev, e, 1);
		return;
	}
	h = (uint32_t)tg_event_key_hash(e);
	for (a = ev->buckets[h & (TG_AGG_BUCKETS - 1)]; a; a = a->hnext)
		if (a->hash == h && a->qtype == e->qtype &&
		    a->decision == e->decision && !strcmp(a->key, e->client) &&
		    !strcmp(a->qname, e->qname))
			break;
	if (a) {
		if (!a->last) {
			if (ev->agg_bytes + sizeof(tg_event) > TG_AGG_BYTES) {
				tg_emit(ev, e, 1);
				return;
			}
			a->last = malloc(sizeof(tg_event));
			if (!a->last) {
				tg_emit(ev, e, 1);
				return;
			}
			a->bytes += sizeof(tg_event);
			ev->agg_bytes += sizeof(tg_event);
		}
		memcpy(a->last, e, sizeof(*e));
		a->repeats++;
		return;
	}
	/* a first occurrence: written now, remembered if there is room */
	tg_emit(ev, e, 1);
	lc = strnlen(e->client, sizeof(e->client) - 1);
	lq = strnlen(e->qname, sizeof(e->qname) - 1);
	bytes = sizeof(tg_agg) + lc + lq + 2;
	if (ev->agg_n >= TG_EVENT_AGG_MAX ||
	    ev->agg_bytes + bytes > TG_AGG_BYTES)
		return;
	a = calloc(1, bytes);
	if (!a)
		return;
	memcpy(a->key, e->client, lc);
	a->qname = a->key + lc + 1;
	memcpy(a->qname, e->qname, lq);
	a->hash = h;
	a->qtype = e->qtype;
	a->decision = e->decision;
	a->window_end = now + (uint64_t)ev->event_interval * 1000;
	a->bytes = bytes;
	a->hnext = ev->buckets[h & (TG_AGG_BUCKETS - 1)];
	ev->buckets[h & (TG_AGG_BUCKETS - 1)] = a;
	tg_fifo_append(ev, a);
	ev->agg_n++;
	ev->agg_bytes += bytes;
}

/* ----------------------------------------------------------------- thread */

static void tg_write_stats(tg_events *ev)
{
	if (ev->stats_path[0])
		(void)tg_stats_write(ev->stats, ev->stats_path);
}

static void *tg_writer(void *arg)
{
	tg_events *ev = arg;
	uint64_t now;

	ev->next_stats = tg_mono_ms() + (uint64_t)ev->stats_interval * 1000;
	for (;;) {
		size_t n, i, head;
		int stopping;

		pthread_mutex_lock(&ev->lock);
		if (!ev->count && !ev->stop) {
			struct timespec ts;
			uint64_t wake = tg_mono_ms() + TG_RETRY_MS;

			if (ev->fifo_head && ev->fifo_head->window_end < wake)
				wake = ev->fifo_head->window_end;
			if (ev->next_stats < wake)
				wake = ev->next_stats;
			ts.tv_sec = (time_t)(wake / 1000);
			ts.tv_nsec = (long)(wake % 1000) * 1000000;
			ev->sleeping = 1;
			while (!ev->count && !ev->stop)
				if (pthread_cond_timedwait(&ev->cond, &ev->lock,
							   &ts) == ETIMEDOUT)
					break;
			ev->sleeping = 0;
		}
		/* The n slots from head stay counted while we read them in
		 * place, so no submitter writes them: no copy under the lock.
		 */
		head = ev->head;
		n = ev->count < TG_BATCH ? ev->count : TG_BATCH;
		stopping = ev->stop;
		pthread_mutex_unlock(&ev->lock);

		now = tg_mono_ms();
		for (i = 0; i < n; i++)
			tg_handle(ev, &ev->ring[(head + i) % TG_EVENT_RING],
				  now);
		if (n) {
			pthread_mutex_lock(&ev->lock);
			ev->head = (head + n) % TG_EVENT_RING;
			ev->count -= n;
			pthread_mutex_unlock(&ev->lock);
		}
		tg_agg_expire(ev, now, 0);
		if (!ev->to_syslog)
			tg_file_flush(ev);
		if (now >= ev->next_stats) {
			tg_write_stats(ev);
			ev->next_stats =
			    now + (uint64_t)ev->stats_interval * 1000;
		}
		if (stopping && !n)
			break;
	}
	tg_agg_expire(ev, tg_mono_ms(), 1);
	if (!ev->to_syslog)
		tg_file_flush(ev);
	tg_write_stats(ev);
	return NULL;
}

/* -------------------------------------------------------------- life cycle */

int tg_events_create(const tg_conf *conf, tg_stats *stats, tg_events **out,
		     char *errbuf, size_t errlen)
{
	tg_events *ev;
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	if (errbuf && errlen)
		errbuf[0] = '\0';
	if (!out)
		return TG_EINVAL;
	*out = NULL;
	if (!conf || !stats) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen, "events: invalid argument");
		return TG_EINVAL;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev)
		goto nomem;
	ev->fd = -1;
	ev->sock = -1;
	ev->stats = stats;
	ev->fmt =
	    conf->event_format == TG_EVENT_KV ? TG_EVENT_KV : TG_EVENT_JSON;
	ev->event_interval = conf->event_interval;
	ev->stats_interval = conf->stats_interval ? conf->stats_interval : 60;
	ev->has_log = conf->event_log[0] != '\0';
	ev->to_syslog = !strcmp(conf->event_log, "syslog");
	tg_copy(ev->log_path, sizeof(ev->log_path), conf->event_log);
	tg_copy(ev->stats_path, sizeof(ev->stats_path), conf->stats_file);
	if (conf->identity[0])
		tg_copy(ev->identity, sizeof(ev->identity), conf->identity);
	else if (gethostname(ev->identity, sizeof(ev->identity) - 1) != 0)
		ev->identity[0] = '\0';
	ev->identity[sizeof(ev->identity) - 1] = '\0';

	if (!ev->has_log && !ev->stats_path[0]) {
		*out = ev; /* nothing to write: no thread */
		return TG_OK;
	}
	if (ev->has_log) {
		ev->ring = calloc(TG_EVENT_RING, sizeof(tg_event));
		ev->line = malloc(TG_LINEBUF);
		ev->buckets = calloc(TG_AGG_BUCKETS, sizeof(tg_agg *));
		if (!ev->to_syslog)
			ev->out = malloc(TG_OUTBUF);
		if (!ev->ring || !ev->line || !ev->buckets ||
		    (!ev->to_syslog && !ev->out))
			goto nomem;
	}
	if (pthread_mutex_init(&ev->lock, NULL) != 0)
		goto nomem;
	if (pthread_condattr_init(&ca) != 0) {
		pthread_mutex_destroy(&ev->lock);
		goto nomem;
	}
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	rc = pthread_cond_init(&ev->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (rc != 0) {
		pthread_mutex_destroy(&ev->lock);
		goto nomem;
	}
	ev->sync_ok = 1;

	/* Open the file now, on the caller's thread, to report a problem
	 * early; it is not fatal (retried by the writer). */
	if (ev->has_log && !ev->to_syslog) {
		tg_file_check(ev, tg_mono_ms());
		if (ev->fd < 0 && errbuf && errlen)
			snprintf(errbuf, errlen,
				 "event log %s cannot be opened (%s); "
				 "retrying every second",
				 ev->log_path, strerror(ev->open_errno));
	}
	/* same for the stats file (written again every stats-interval) */
	if (ev->stats_path[0] &&
	    tg_stats_write(stats, ev->stats_path) != TG_OK && errbuf &&
	    errlen && !errbuf[0])
		snprintf(errbuf, errlen,
			 "stats file %s cannot be written; retrying every "
			 "stats-interval",
			 ev->stats_path);

	/* the writer takes no signals: Unbound's threads handle them */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&ev->thread, NULL, tg_writer, ev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		if (errbuf && errlen)
			snprintf(errbuf, errlen,
				 "events: cannot start writer thread: %s",
				 strerror(rc));
		tg_events_free(ev);
		return TG_ENOMEM;
	}
	ev->running = 1;
	*out = ev;
	return TG_OK;

nomem:
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "events: out of memory");
	tg_events_free(ev);
	return TG_ENOMEM;
}

void tg_events_submit(tg_events *ev, const tg_event *e)
{
	int wake;

	if (!ev || !e || !ev->ring)
		return;
	pthread_mutex_lock(&ev->lock);
	if (ev->count >= TG_EVENT_RING || ev->stop) {
		pthread_mutex_unlock(&ev->lock);
		tg_inc(&ev->stats->events_dropped, 1);
		return;
	}
	memcpy(&ev->ring[(ev->head + ev->count) % TG_EVENT_RING], e,
	       sizeof(*e));
	ev->count++;
	wake = ev->sleeping;
	ev->sleeping = 0; /* one signal per sleep is enough */
	pthread_mutex_unlock(&ev->lock);
	if (wake)
		pthread_cond_signal(&ev->cond);
}

void tg_events_free(tg_events *ev)
{
	size_t i;

	if (!ev)
		return;
	if (ev->running) {
		pthread_mutex_lock(&ev->lock);
		ev->stop = 1;
		pthread_mutex_unlock(&ev->lock);
		pthread_cond_signal(&ev->cond);
		pthread_join(ev->thread, NULL);
	}
	if (ev->sync_ok) {
		pthread_cond_destroy(&ev->cond);
		pthread_mutex_destroy(&ev->lock);
	}
	if (ev->buckets) {
		for (i = 0; i < TG_AGG_BUCKETS; i++)
			while (ev->buckets[i]) {
				tg_agg *a = ev->buckets[i];

				ev->buckets[i] = a->hnext;
				free(a->last);
				free(a);
			}
	}
	tg_file_close(ev);
	if (ev->sock >= 0)
		close(ev->sock);
	free(ev->buckets);
	free(ev->ring);
	free(ev->line);
	free(ev->out);
	free(ev);
}
