/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * One event as a line: JSON (schema version TG_EVENT_SCHEMA_VERSION,
 * described by module/event.schema.json) or key=value (tg_event_format.h).
 */
#include "tg_config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tg_buf.h"
#include "tg_event_format.h"

/** Bytes each string keeps in a line that did not fit whole. */
#define EVENT_CUT 32

/** Mnemonic of a query type, or NULL. */
static const char *qtype_name(uint16_t t)
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

/**
 * \p s as a JSON string (tg_json_string()): whole, or with \p cap != SIZE_MAX
 * at most \p cap bytes between the quotes, cut at a whole character or
 * escape.  A string that does not fit sets b->full.
 */
static void put_json(tg_buf *b, const char *s, size_t cap)
{
	char cut[EVENT_CUT + 3];
	size_t n = 0;

	if (b->full)
		return;
	if (cap != SIZE_MAX) {
		(void)tg_json_string(
		    s, cut, cap + 3 < sizeof(cut) ? cap + 3 : sizeof(cut), &n);
		tg_put(b, cut, n);
	} else if (tg_json_string(s, b->p + b->pos, b->len - b->pos, &n) ==
		   TG_OK) {
		b->pos += n;
	} else {
		b->p[b->pos] = '\0';
		b->full = 1;
	}
}

/** Does a key=value value need quotes? */
static int kv_needs_quotes(const char *s, size_t cap)
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
static void put_kv(tg_buf *b, const char *s, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (!kv_needs_quotes(s, cap)) {
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
static void format_time(const struct timespec *ts, char *out, size_t len)
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

static void format_qtype(uint16_t t, char *out, size_t len)
{
	const char *n = qtype_name(t);

	if (n)
		snprintf(out, len, "%s", n);
	else
		snprintf(out, len, "TYPE%u", (unsigned)t);
}

static const char *event_action(const tg_event *e)
{
	const char *a;

	if (e->decision != TG_DECISION_BLOCK)
		return "log-only";
	a = tg_action_name(e->action);
	return a ? a : "unknown";
}

static void format_json(tg_buf *b, const tg_event *e, unsigned long count,
			const char *identity, size_t cap)
{
	char t[40], qt[16];
	unsigned i;
	int first = 1;

	format_time(&e->when, t, sizeof(t));
	format_qtype(e->qtype, qt, sizeof(qt));
	tg_putf(b, "{\"schema\":%d,\"time\":\"%s\",\"client\":",
		TG_EVENT_SCHEMA_VERSION, t);
	put_json(b, e->client, cap);
	tg_putf(b, ",\"client_port\":%u,\"qname\":", (unsigned)e->client_port);
	put_json(b, e->qname, cap);
	tg_putf(b, ",\"qtype\":\"%s\",\"decision\":\"%s\",\"action\":", qt,
		e->decision == TG_DECISION_BLOCK ? "block" : "log");
	put_json(b, event_action(e), cap);
	tg_putf(b, ",\"score\":%d,\"protected\":", e->score);
	put_json(b, e->protected_name, cap);
	tg_puts(b, ",\"reasons\":[");
	for (i = 0; i < TG_C_COUNT; i++) {
		const char *n;

		if (!(e->classes & (1u << i)))
			continue;
		n = tg_class_name(1u << i);
		if (!first)
			tg_put(b, ",", 1);
		first = 0;
		put_json(b, n ? n : "unknown", cap);
	}
	tg_puts(b, "],\"source\":");
	put_json(b, e->source, cap);
	tg_putf(b, ",\"source_line\":%lu,\"via\":", e->source_line);
	if (e->via[0])
		put_json(b, e->via, cap);
	else
		tg_puts(b, "null");
	tg_puts(b, ",\"resolver\":");
	put_json(b, identity, cap);
	tg_putf(b, ",\"count\":%lu", count);
	if (cap != SIZE_MAX)
		tg_puts(b, ",\"truncated\":true");
	tg_puts(b, "}");
}

static void format_kv(tg_buf *b, const tg_event *e, unsigned long count,
		      const char *identity, size_t cap)
{
	char t[40], qt[16], reasons[TG_C_COUNT * 24];

	tg_classes_format(e->classes, ",", reasons, sizeof(reasons));
	format_time(&e->when, t, sizeof(t));
	format_qtype(e->qtype, qt, sizeof(qt));
	tg_putf(b, "time=%s client=", t);
	put_kv(b, e->client, cap);
	tg_putf(b, " port=%u qname=", (unsigned)e->client_port);
	put_kv(b, e->qname, cap);
	tg_putf(b, " qtype=%s decision=%s action=", qt,
		e->decision == TG_DECISION_BLOCK ? "block" : "log");
	put_kv(b, event_action(e), cap);
	tg_putf(b, " score=%d protected=", e->score);
	put_kv(b, e->protected_name, cap);
	tg_puts(b, " reasons=");
	put_kv(b, reasons, cap);
	tg_puts(b, " source=");
	put_kv(b, e->source, cap);
	tg_putf(b, " line=%lu", e->source_line);
	if (e->via[0]) {
		tg_puts(b, " via=");
		put_kv(b, e->via, cap);
	}
	tg_puts(b, " resolver=");
	put_kv(b, identity, cap);
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
	static const size_t caps[] = {SIZE_MAX, EVENT_CUT};
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
		tg_buf_init(&b, buf, len);
		if (fmt == TG_EVENT_KV)
			format_kv(&b, e, count, identity, caps[i]);
		else
			format_json(&b, e, count, identity, caps[i]);
		if (!b.full)
			return b.pos;
	}
	tg_buf_init(&b, buf, len);
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
