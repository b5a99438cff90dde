/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard report`: what was blocked, for whom, and how it trends.
 *
 * Reading.  Each EVENTLOG (plain, rotated, gzip-compressed; "-" is stdin)
 * is read through zlib's gzgets(), which passes plain files through
 * unchanged, one line of at most TG_REPORT_MAX_LINE bytes at a time.  Each
 * line is parsed by json-c (one reused tokener); fields the report does not
 * use are ignored.  A line that is not JSON, too long, or not an event of
 * schema version 1 is counted, and the first TG_REPORT_MAX_BAD of them are
 * listed as "file:line: reason" on stderr and in the report; reading goes
 * on.  An event stands for `count` occurrences (the module aggregates
 * identical repeats): every figure called "occurrences" sums `count`,
 * "lines" counts event lines.
 *
 * Memory.  Nothing grows with the size of the input, only with the number
 * of distinct keys, and every table has a cap (the TG_REPORT_MAX_*
 * constants below, printed in the report).  An event whose key does not fit
 * any more still counts in the totals, the time series and the classes,
 * and the report says how many occurrences were not attributed.  Each
 * lookalike remembers up to TG_REPORT_SET distinct clients and days.  With
 * every table full the report holds about 60 MB.
 *
 * Tables are json-c's linkhash (the library is linked for the parser
 * anyway).  Names are printed in DNS presentation format, as the library
 * writes them everywhere (tg_name_format()), inside JSON or HTML escaping;
 * the JSON document is json-c's, its strings written by tg_json_string()
 * (jstring()), as the event log's.
 */
#include "tg_config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <ldns/ldns.h>
#include <zlib.h>

#include "cli.h"
#include "report_internal.h"
#include "typoguard.h"
#include "util_internal.h"

/** Longest event line read (longer ones are counted as bad). */
#define TG_REPORT_MAX_LINE (64u * 1024u)
/** Distinct lookalike names, protected names, clients tracked. */
#define TG_REPORT_MAX_NAMES	65536
#define TG_REPORT_MAX_PROTECTED 16384
#define TG_REPORT_MAX_CLIENTS	65536
/** Distinct hours of the time series (about 11 years). */
#define TG_REPORT_MAX_HOURS 100000
/** Distinct classes and actions (strings from the events). */
#define TG_REPORT_MAX_KINDS 64
/** Distinct clients and days remembered per lookalike. */
#define TG_REPORT_SET 16
/** Protected names remembered per client. */
#define TG_REPORT_CLIENT_PROT 8
/** Bad lines listed (all are counted). */
#define TG_REPORT_MAX_BAD 20
/** Input files. */
#define TG_REPORT_MAX_FILES 4096
/** Entries of a --popular list. */
#define TG_REPORT_MAX_POPULAR 1000000
/** Points of the time series at most (the bucket grows to fit). */
#define TG_REPORT_MAX_POINTS 400
/** Largest `count` of one event line. */
#define TG_REPORT_MAX_COUNT (1LL << 32)
/** Progress line interval on a terminal, milliseconds. */
#define TG_REPORT_PROGRESS_MS 250

/** Block and log occurrences (sums of `count`) and lines. */
typedef struct rcount {
	uint64_t block; /**< occurrences decided block */
	uint64_t log;	/**< occurrences decided log */
	uint64_t lines; /**< event lines */
} rcount;

/** One lookalike name (the query name, or `via` when the answer led
 *  into the lookalike). */
typedef struct rname {
	char *name;	   /**< key, as in the log; owned */
	char *protected;   /**< first protected name seen for it; owned */
	uint64_t classes;  /**< bit i: kinds[i] of the class table */
	int score;	   /**< highest score */
	int64_t first_all; /**< first seen in all input, ms */
	int64_t first;	   /**< first seen in the period, ms (-1: not) */
	int64_t last;	   /**< last seen in the period, ms */
	rcount n;	   /**< in the period */
	uint64_t via;	   /**< occurrences decided on the answer */
	const void *clients[TG_REPORT_SET]; /**< client entries (keys) */
	int32_t days[TG_REPORT_SET];	    /**< days since the epoch */
	uint8_t n_clients, n_days;
	uint8_t more_clients, more_days; /**< a set overflowed */
	uint8_t seen;			 /**< first_all is set */
} rname;

/** One protected name. */
typedef struct rprot {
	char *name; /**< owned */
	rcount n;
	size_t lookalikes; /**< distinct names, counted at output */
	int64_t first, last;
} rprot;

/** One client address. */
typedef struct rclient {
	char *addr; /**< owned */
	rcount n;
	int64_t first, last;
	const rprot *prot[TG_REPORT_CLIENT_PROT]; /**< protected names */
	uint64_t prot_n[TG_REPORT_CLIENT_PROT];	  /**< their occurrences */
	uint8_t n_prot, more_prot;
} rclient;

/** One hour of the time series. */
typedef struct rhour {
	char *key;    /**< the hour as decimal text; owned */
	int64_t hour; /**< hours since the epoch */
	uint64_t block, log;
} rhour;

/** A small table of strings seen in the events (classes, actions). */
typedef struct rkinds {
	tg_strtab names; /**< at most TG_REPORT_MAX_KINDS */
	rcount n[TG_REPORT_MAX_KINDS];
	uint64_t dropped; /**< occurrences of kinds beyond the cap */
} rkinds;

/** One bad input line remembered for the report. */
typedef struct rbad {
	const char *file; /**< argv string */
	uint64_t line;
	char reason[96];
} rbad;

/** Everything the report knows. */
typedef struct report {
	/* options */
	int64_t since, until; /**< ms; INT64_MIN / INT64_MAX: open */
	int since_given;
	const char *format; /**< text, json, html */
	const char *output; /**< NULL: stdout */
	size_t top;	    /**< rows per table, 0: all */
	unsigned fp_clients, fp_days;
	const char *popular_file;
	struct lh_table *popular; /**< registrable domains, NULL: none */
	size_t n_popular;
	/* input */
	const char *files[TG_REPORT_MAX_FILES];
	size_t n_files;
	uint64_t lines, events, not_json, not_event, too_long, outside;
	uint64_t truncated_min; /**< minimal "truncated" lines (no names) */
	rbad bad[TG_REPORT_MAX_BAD];
	size_t n_bad;
	/* tables */
	struct lh_table *names, *prots, *clients, *hours;
	rkinds classes, actions;
	rcount total;
	int64_t first, last; /**< period events, ms; -1: none */
	uint64_t unattributed_names, unattributed_prots;
	uint64_t unattributed_clients, unattributed_hours;
	/* progress */
	int tty;
	struct timespec progress_at;
	int progress_shown;
	char *line; /**< TG_REPORT_MAX_LINE buffer */
	json_tokener *tok;
} report;

static void r_warn(report *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void r_warn(report *r, const char *fmt, ...)
{
	va_list ap;

	if (r != NULL && r->progress_shown) {
		fputs("\r\033[K", stderr);
		r->progress_shown = 0;
	}
	fputs("typoguard: report: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void report_usage(FILE *out)
{
	fputs("\n"
	      "options of report (EVENTLOG: a file, plain or gzip; \"-\": "
	      "stdin):\n"
	      "      --since T            only events at or after T\n"
	      "      --until T            only events before T\n"
	      "                           T: 2026-11-28, 2026-11-28T14:00Z, "
	      "or 7d, 24h, 30m ago\n"
	      "      --format text|json|html  (default text)\n"
	      "  -o, --output FILE        write FILE instead of stdout\n"
	      "      --top N              rows per table (default 50, 0: "
	      "all)\n"
	      "      --fp-clients N       false-positive candidate: seen from "
	      ">= N clients\n"
	      "      --fp-days N          ... on >= N distinct days (default "
	      "5, 2)\n"
	      "      --popular FILE       ... or under a domain of this list "
	      "(Tranco CSV or\n"
	      "                           one domain per line)\n",
	      out);
}

/* ------------------------------------------------------------ time */

/** Days from the civil date (proleptic Gregorian) to 1970-01-01. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/** Parse \p n decimal digits at \p s; -1 if not digits. */
static int digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/**
 * Parse an RFC 3339 time ("2026-11-28T14:29:40.508Z", offsets, a space
 * for the T, and, if \p date_ok, a date alone or without seconds) into
 * milliseconds since the epoch.  Returns 0 on success.
 */
static int parse_time(const char *s, int date_ok, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0, ms = 0, off = 0;
	const char *p;

	if (strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	p = s + 10;
	if (*p == '\0') {
		if (!date_ok)
			return -1;
		goto done;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	h = digits(p, 2);
	if (h < 0 || h > 23 || p[2] != ':')
		return -1;
	mi = digits(p + 3, 2);
	if (mi < 0 || mi > 59)
		return -1;
	p += 5;
	if (*p == ':') {
		se = digits(p + 1, 2);
		if (se < 0 || se > 60)
			return -1;
		p += 3;
		if (*p == '.') {
			int scale = 100;

			p++;
			if (*p < '0' || *p > '9')
				return -1;
			for (; *p >= '0' && *p <= '9'; p++) {
				ms += (*p - '0') * scale;
				scale /= 10;
			}
		}
	} else if (!date_ok) {
		return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh = digits(p + 1, 2), om;

		if (oh < 0 || p[3] != ':')
			return -1;
		om = digits(p + 4, 2);
		if (om < 0 || oh > 23 || om > 59)
			return -1;
		off = (oh * 60 + om) * (*p == '+' ? 1 : -1);
		p += 6;
	} else if (!(date_ok && *p == '\0')) {
		return -1;
	}
	if (*p != '\0')
		return -1;
done:
	*out = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
		 h * 3600 + mi * 60 + se - (int64_t)off * 60) *
		1000) +
	       ms;
	return 0;
}

/** --since/--until: a time (see parse_time) or "N[mhdw]" ago. */
static int parse_when(const char *s, int64_t *out)
{
	char *end;
	long long n;
	int64_t unit;

	if (parse_time(s, 1, out) == 0)
		return 0;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || n < 0 || n > 100000 || end[0] == '\0' ||
	    end[1] != '\0')
		return -1;
	switch (end[0]) {
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return -1;
	}
	*out = ((int64_t)time(NULL) - n * unit) * 1000;
	return 0;
}

/** Format ms since the epoch as "2026-11-28T14:29:40Z" (no ms). */
static const char *fmt_time(int64_t ms, char buf[32])
{
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "%" PRId64 "ms", ms);
	return buf;
}

/* ------------------------------------------------------------ names */

/**
 * \p name (as the module writes it: DNS presentation format, no trailing
 * dot; older logs had the bytes themselves) as typoguard writes names
 * everywhere (tg_name_format()): "\DDD" for bytes that are not printable, a
 * backslash before other special characters, lowercase, no trailing dot.
 * The presentation form is read by ldns, so "a\.b" stays one label.  A
 * name that is not a valid DNS name (empty label, label > 63, name > 255
 * octets, a bad escape) is escaped byte by byte the same way.  \p buf holds
 * at least 4 * 255 + 8 bytes.
 */
static const char *present(const char *name, char *buf, size_t len)
{
	ldns_rdf *rdf = NULL;
	size_t i, w;

	if (name[0] != '\0' &&
	    ldns_str2rdf_dname(&rdf, name) == LDNS_STATUS_OK) {
		int rc = tg_name_format(ldns_rdf_data(rdf), ldns_rdf_size(rdf),
					buf, len);

		ldns_rdf_deep_free(rdf);
		if (rc == TG_OK)
			return buf;
	}
	/* not a DNS name: escape each byte as tg_name_format() would */
	for (i = 0, w = 0; name[i] != '\0' && w + 5 < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '.' || c == '-' || c == '_' || c == '*' ||
		    (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')) {
			buf[w++] = (char)c;
		} else if (c > 0x20 && c < 0x7f) {
			buf[w++] = '\\';
			buf[w++] = (char)c;
		} else {
			w += (size_t)snprintf(buf + w, len - w, "\\%03u", c);
		}
	}
	buf[w < len ? w : len - 1] = '\0';
	return buf;
}

/** A client address for printing: bytes outside printable ASCII as
 *  "\DDD" (an address never has them; the log might). */
static const char *present_text(const char *s, char *buf, size_t len)
{
	size_t w = 0;

	for (; *s != '\0' && w + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (c > 0x20 && c < 0x7f && c != '\\')
			buf[w++] = (char)c;
		else
			w += (size_t)snprintf(buf + w, len - w, "\\%03u", c);
	}
	buf[w] = '\0';
	return buf;
}

#define TG_PRES 1100 /**< buffer for present() */

/* ------------------------------------------------------------ tables */

static void free_hour(struct lh_entry *e)
{
	rhour *h = lh_entry_v(e);

	free(h->key);
	free(h);
}

static void free_name(struct lh_entry *e)
{
	rname *n = lh_entry_v(e);

	free(n->protected);
	free(n->name);
	free(n);
}

static void free_prot(struct lh_entry *e)
{
	rprot *p = lh_entry_v(e);

	free(p->name);
	free(p);
}

static void free_client(struct lh_entry *e)
{
	rclient *c = lh_entry_v(e);

	free(c->addr);
	free(c);
}

static void free_popular(struct lh_entry *e)
{
	free(lh_entry_k(e));
}

/** Find or add \p name in \p kinds; -1 when full (counted) or out of
 *  memory. */
static int kind(rkinds *k, const char *name)
{
	size_t i;

	if (tg_strtab_intern(&k->names, name, &i) != TG_OK)
		return -1;
	return (int)i;
}

static void count_add(rcount *c, int block, uint64_t count)
{
	if (block)
		c->block += count;
	else
		c->log += count;
	c->lines++;
}

/** Find \p key in \p t, or add a new zeroed entry of \p size bytes whose
 *  first member (a char *) is a copy of the key, if fewer than \p cap are
 *  there.  NULL when full or out of memory. */
static void *lookup_add(struct lh_table *t, const char *key, size_t size,
			int cap)
{
	void *v;
	char *k;

	if (lh_table_lookup_ex(t, key, &v))
		return v;
	if (lh_table_length(t) >= cap)
		return NULL;
	v = calloc(1, size);
	k = strdup(key);
	if (v == NULL || k == NULL || lh_table_insert(t, k, v) != 0) {
		free(v);
		free(k);
		return NULL;
	}
	*(char **)v = k;
	return v;
}

static void report_bad(report *r, const char *file, uint64_t line,
		       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Remember and print one bad line (the first TG_REPORT_MAX_BAD). */
static void report_bad(report *r, const char *file, uint64_t line,
		       const char *fmt, ...)
{
	rbad *b;
	va_list ap;

	if (r->n_bad >= TG_REPORT_MAX_BAD)
		return;
	b = &r->bad[r->n_bad++];
	b->file = file;
	b->line = line;
	va_start(ap, fmt);
	vsnprintf(b->reason, sizeof(b->reason), fmt, ap);
	va_end(ap);
	r_warn(r, "%s:%" PRIu64 ": %s", file, line, b->reason);
}

/** A string member of \p o, or NULL. */
static const char *jstr(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/** An integer member of \p o, or \p dflt if missing; -1 if not an int. */
static int64_t jint(json_object *o, const char *key, int64_t dflt)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return dflt;
	if (!json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int64(v);
}

/** Record one event of the period. */
static void take_event(report *r, json_object *ev, int64_t t, int block,
		       uint64_t count, const char *lname, const char *prot,
		       const char *client, int via)
{
	int64_t day = (t >= 0 ? t : t - 86399999) / 86400000;
	int64_t hour = (t >= 0 ? t : t - 3599999) / 3600000;
	const char *action = jstr(ev, "action");
	uint64_t classes = 0;
	json_object *reasons;
	rname *n;
	rprot *p = NULL;
	rclient *c = NULL;
	rhour *h;
	int k;
	size_t i;

	count_add(&r->total, block, count);
	if (r->first < 0 || t < r->first)
		r->first = t;
	if (t > r->last)
		r->last = t;
	k = kind(&r->actions, action != NULL ? action : "-");
	if (k >= 0)
		count_add(&r->actions.n[k], block, count);
	else
		r->actions.dropped += count;
	if (json_object_object_get_ex(ev, "reasons", &reasons) &&
	    json_object_is_type(reasons, json_type_array)) {
		size_t nr = json_object_array_length(reasons);

		for (i = 0; i < nr; i++) {
			json_object *v = json_object_array_get_idx(reasons, i);

			if (!json_object_is_type(v, json_type_string))
				continue;
			k = kind(&r->classes, json_object_get_string(v));
			if (k < 0) {
				r->classes.dropped += count;
				continue;
			}
			count_add(&r->classes.n[k], block, count);
			classes |= (uint64_t)1 << k;
		}
	}
	/* the time series, by hour */
	{
		char key[24];

		snprintf(key, sizeof(key), "%" PRId64, hour);
		h = lookup_add(r->hours, key, sizeof(*h), TG_REPORT_MAX_HOURS);
	}
	if (h != NULL) {
		h->hour = hour;
		if (block)
			h->block += count;
		else
			h->log += count;
	} else {
		r->unattributed_hours += count;
	}
	if (prot != NULL) {
		p = lookup_add(r->prots, prot, sizeof(*p),
			       TG_REPORT_MAX_PROTECTED);
		if (p != NULL) {
			if (p->n.lines == 0 || t < p->first)
				p->first = t;
			if (t > p->last)
				p->last = t;
			count_add(&p->n, block, count);
		}
	}
	if (p == NULL)
		r->unattributed_prots += count;
	if (client != NULL)
		c = lookup_add(r->clients, client, sizeof(*c),
			       TG_REPORT_MAX_CLIENTS);
	if (c != NULL) {
		if (c->n.lines == 0 || t < c->first)
			c->first = t;
		if (t > c->last)
			c->last = t;
		count_add(&c->n, block, count);
		if (p != NULL) {
			for (i = 0; i < c->n_prot && c->prot[i] != p; i++)
				;
			if (i < c->n_prot) {
				c->prot_n[i] += count;
			} else if (c->n_prot < TG_REPORT_CLIENT_PROT) {
				c->prot[c->n_prot] = p;
				c->prot_n[c->n_prot++] = count;
			} else {
				c->more_prot = 1;
			}
		}
	} else {
		r->unattributed_clients += count;
	}
	n = lname != NULL
		? lookup_add(r->names, lname, sizeof(*n), TG_REPORT_MAX_NAMES)
		: NULL;
	if (n == NULL) {
		r->unattributed_names += count;
		return;
	}
	if (!n->seen || t < n->first_all)
		n->first_all = t;
	if (n->protected == NULL && prot != NULL)
		n->protected = strdup(prot);
	if (n->n.lines == 0 || t < n->first)
		n->first = t;
	if (t > n->last)
		n->last = t;
	count_add(&n->n, block, count);
	if (via)
		n->via += count;
	n->seen = 1;
	n->classes |= classes;
	{
		int64_t sc = jint(ev, "score", 0);

		if (sc > n->score && sc <= 100)
			n->score = (int)sc;
	}
	if (c != NULL) {
		for (i = 0; i < n->n_clients && n->clients[i] != c; i++)
			;
		if (i == n->n_clients) {
			if (n->n_clients < TG_REPORT_SET)
				n->clients[n->n_clients++] = c;
			else
				n->more_clients = 1;
		}
	}
	for (i = 0; i < n->n_days && n->days[i] != (int32_t)day; i++)
		;
	if (i == n->n_days) {
		if (n->n_days < TG_REPORT_SET)
			n->days[n->n_days++] = (int32_t)day;
		else
			n->more_days = 1;
	}
}

/** An event outside the period: only "first seen" of its name. */
static void take_outside(report *r, int64_t t, const char *lname)
{
	rname *n;

	r->outside++;
	if (lname == NULL)
		return;
	n = lookup_add(r->names, lname, sizeof(*n), TG_REPORT_MAX_NAMES);
	if (n == NULL)
		return;
	if (!n->seen || t < n->first_all)
		n->first_all = t;
	n->seen = 1;
}

/** Parse and record one input line (without its newline). */
static void take_line(report *r, const char *file, uint64_t lineno, char *s,
		      size_t len)
{
	json_object *ev;
	enum json_tokener_error jerr;
	const char *qname, *via, *decision, *tstr, *lname;
	int64_t count, t, schema;
	size_t used;
	int block;

	while (len > 0 &&
	       (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len == 0)
		return; /* blank lines are no events and no errors */
	/* the terminating NUL is passed too: it ends a bare number */
	s[len] = '\0';
	json_tokener_reset(r->tok);
	ev = json_tokener_parse_ex(r->tok, s, (int)len + 1);
	jerr = json_tokener_get_error(r->tok);
	used = json_tokener_get_parse_end(r->tok);
	if (ev == NULL || jerr != json_tokener_success || used < len) {
		r->not_json++;
		report_bad(r, file, lineno, "not JSON (%s)",
			   ev == NULL || jerr != json_tokener_success
			       ? json_tokener_error_desc(
				     jerr == json_tokener_continue
					 ? json_tokener_error_parse_eof
					 : jerr)
			       : "text after the object");
		json_object_put(ev);
		return;
	}
	if (!json_object_is_type(ev, json_type_object)) {
		r->not_event++;
		report_bad(r, file, lineno, "not an event (not a JSON object)");
		goto out;
	}
	schema = jint(ev, "schema", -1);
	if (schema != 1) {
		r->not_event++;
		report_bad(r, file, lineno, "not an event of schema version 1");
		goto out;
	}
	count = jint(ev, "count", 1);
	if (count < 1 || count > TG_REPORT_MAX_COUNT) {
		r->not_event++;
		report_bad(r, file, lineno,
			   "\"count\" is not an integer 1..%lld",
			   (long long)TG_REPORT_MAX_COUNT);
		goto out;
	}
	qname = jstr(ev, "qname");
	decision = jstr(ev, "decision");
	tstr = jstr(ev, "time");
	if (qname == NULL && decision == NULL && tstr == NULL) {
		/* the module's last-resort line: {"schema":1,"truncated":true,
		 * "count":N}; it names nothing */
		r->events++;
		r->truncated_min += (uint64_t)count;
		goto out;
	}
	if (tstr == NULL || parse_time(tstr, 0, &t) != 0) {
		r->not_event++;
		report_bad(r, file, lineno, "no valid \"time\"");
		goto out;
	}
	if (decision == NULL ||
	    (strcmp(decision, "block") != 0 && strcmp(decision, "log") != 0)) {
		r->not_event++;
		report_bad(r, file, lineno, "\"decision\" is not block or log");
		goto out;
	}
	block = decision[0] == 'b';
	via = jstr(ev, "via");
	lname = via != NULL && via[0] != '\0' ? via : qname;
	r->events++;
	if (t < r->since || t >= r->until) {
		take_outside(r, t, lname);
		goto out;
	}
	take_event(r, ev, t, block, (uint64_t)count, lname,
		   jstr(ev, "protected"), jstr(ev, "client"), lname == via);
out:
	json_object_put(ev);
}

/* ------------------------------------------------------------ reading */

static void progress(report *r, const char *file, gzFile gz, off_t size,
		     int force)
{
	struct timespec now;
	long long done;

	if (!r->tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && (now.tv_sec < r->progress_at.tv_sec ||
		       (now.tv_sec == r->progress_at.tv_sec &&
			now.tv_nsec < r->progress_at.tv_nsec)))
		return;
	r->progress_at = now;
	r->progress_at.tv_nsec += TG_REPORT_PROGRESS_MS * 1000000L;
	if (r->progress_at.tv_nsec >= 1000000000L) {
		r->progress_at.tv_sec++;
		r->progress_at.tv_nsec -= 1000000000L;
	}
	done = (long long)gzoffset(gz);
	if (size > 0)
		fprintf(stderr,
			"\r\033[K%s: %lld of %lld MB (%d%%), %" PRIu64
			" lines, %" PRIu64 " events",
			file, done >> 20, (long long)size >> 20,
			(int)(done * 100 / size), r->lines, r->events);
	else
		fprintf(stderr, "\r\033[K%s: %lld MB, %" PRIu64 " lines", file,
			done >> 20, r->lines);
	r->progress_shown = 1;
}

/** Read one event log; TG_EXIT_ERROR if it cannot be opened. */
static int read_file(report *r, const char *file)
{
	struct stat st;
	off_t size = 0;
	uint64_t lineno = 0;
	int fd, skipping = 0, errnum;
	gzFile gz;

	if (strcmp(file, "-") == 0) {
		fd = dup(STDIN_FILENO);
	} else {
		fd = open(file, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				close(fd);
				r_warn(r, "%s: is a directory", file);
				return TG_EXIT_ERROR;
			}
			size = S_ISREG(st.st_mode) ? st.st_size : 0;
		}
	}
	if (fd < 0) {
		r_warn(r, "%s: cannot open: %s", file, strerror(errno));
		return TG_EXIT_ERROR;
	}
	gz = gzdopen(fd, "rb");
	if (gz == NULL) {
		close(fd);
		r_warn(r, "%s: cannot read: out of memory", file);
		return TG_EXIT_ERROR;
	}
	gzbuffer(gz, 256u * 1024u);
	for (;;) {
		size_t len;

		if (gzgets(gz, r->line, (int)TG_REPORT_MAX_LINE) == NULL)
			break;
		len = strlen(r->line);
		if (!skipping)
			lineno++;
		if (len > 0 && r->line[len - 1] == '\n') {
			if (skipping) {
				skipping = 0;
				continue;
			}
			r->lines++;
			take_line(r, file, lineno, r->line, len - 1);
		} else if (len + 1 >= TG_REPORT_MAX_LINE) {
			if (!skipping) {
				r->lines++;
				r->too_long++;
				report_bad(r, file, lineno,
					   "line longer than %u bytes",
					   TG_REPORT_MAX_LINE - 1);
			}
			skipping = 1;
		} else if (!skipping) {
			/* the last line, without a newline */
			r->lines++;
			take_line(r, file, lineno, r->line, len);
		}
		if ((lineno & 4095) == 0)
			progress(r, file, gz, size, 0);
	}
	gzerror(gz, &errnum);
	if (errnum != Z_OK && errnum != Z_BUF_ERROR) {
		const char *msg = gzerror(gz, &errnum);

		r->not_json++;
		report_bad(r, file, lineno + 1, "read error: %s",
			   errnum == Z_ERRNO ? strerror(errno) : msg);
	} else if (errnum == Z_BUF_ERROR) {
		r->not_json++;
		report_bad(
		    r, file, lineno + 1,
		    "compressed data ends early (a truncated gzip file)");
	}
	progress(r, file, gz, size, 1);
	gzclose(gz);
	return TG_EXIT_OK;
}

/** --popular FILE: "rank,domain" (Tranco) or one domain per line. */
static int read_popular(report *r)
{
	gzFile gz = gzopen(r->popular_file, "rb");
	char line[1024];
	uint64_t lineno = 0;

	if (gz == NULL) {
		r_warn(r, "%s: cannot open: %s", r->popular_file,
		       strerror(errno));
		return TG_EXIT_ERROR;
	}
	r->popular = lh_kchar_table_new(1024, free_popular);
	if (r->popular == NULL) {
		gzclose(gz);
		return TG_EXIT_ERROR;
	}
	while (gzgets(gz, line, sizeof(line)) != NULL) {
		char *s = line, *comma, *e;

		lineno++;
		s[strcspn(s, "\r\n#")] = '\0';
		comma = strchr(s, ',');
		if (comma != NULL)
			s = comma + 1;
		s[strcspn(s, ",")] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e != '\0'; e++)
			if (*e >= 'A' && *e <= 'Z')
				*e = (char)(*e - 'A' + 'a');
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '.'))
			*--e = '\0';
		if (*s == '\0' || strchr(s, '.') == NULL)
			continue; /* a header, a comment, a TLD alone */
		if (lh_table_lookup_ex(r->popular, s, NULL))
			continue;
		if (r->n_popular >= TG_REPORT_MAX_POPULAR) {
			r_warn(r,
			       "%s:%" PRIu64 ": more than %d names; the "
			       "rest is not read",
			       r->popular_file, lineno, TG_REPORT_MAX_POPULAR);
			break;
		}
		e = strdup(s);
		if (e == NULL || lh_table_insert(r->popular, e, e) != 0) {
			free(e);
			gzclose(gz);
			r_warn(r, "%s: out of memory", r->popular_file);
			return TG_EXIT_ERROR;
		}
		r->n_popular++;
	}
	gzclose(gz);
	return TG_EXIT_OK;
}

/* ------------------------------------------------------------ results */

/** A false-positive candidate. */
typedef struct rfp {
	const rname *n;
	const char *allow; /**< the allowlist line (a name) */
	int popular;	   /**< rule: under a popular domain */
	int widely;	   /**< rule: many clients on several days */
} rfp;

/** Everything sorted for output. */
typedef struct rout {
	rname **names;
	size_t n_names;
	rprot **prots;
	size_t n_prots;
	rclient **clients;
	size_t n_clients;
	rname **fresh; /**< names first seen since fresh_since */
	size_t n_fresh;
	int64_t fresh_since;
	rfp *fps;
	size_t n_fps;
	size_t kind_order[TG_REPORT_MAX_KINDS]; /**< classes by count */
	/* time series */
	int64_t bucket_ms;
	const char *bucket_name;
	int64_t series_start; /**< ms of the first bucket */
	size_t n_points;
	uint64_t *series_block, *series_log;
} rout;

static uint64_t occ(const rcount *c)
{
	return c->block + c->log;
}

static int cmp_count(const rcount *a, const rcount *b, const char *ka,
		     const char *kb)
{
	if (occ(a) != occ(b))
		return occ(a) > occ(b) ? -1 : 1;
	return strcmp(ka, kb);
}

static int cmp_name(const void *a, const void *b)
{
	const rname *x = *(rname *const *)a, *y = *(rname *const *)b;

	return cmp_count(&x->n, &y->n, x->name, y->name);
}

static int cmp_fresh(const void *a, const void *b)
{
	const rname *x = *(rname *const *)a, *y = *(rname *const *)b;

	if (x->first_all != y->first_all)
		return x->first_all > y->first_all ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_prot(const void *a, const void *b)
{
	const rprot *x = *(rprot *const *)a, *y = *(rprot *const *)b;

	return cmp_count(&x->n, &y->n, x->name, y->name);
}

static int cmp_client(const void *a, const void *b)
{
	const rclient *x = *(rclient *const *)a;
	const rclient *y = *(rclient *const *)b;

	return cmp_count(&x->n, &y->n, x->addr, y->addr);
}

static int cmp_fp(const void *a, const void *b)
{
	const rname *x = ((const rfp *)a)->n, *y = ((const rfp *)b)->n;

	return cmp_count(&x->n, &y->n, x->name, y->name);
}

static const rkinds *sort_kinds;

static int cmp_kind(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return cmp_count(&sort_kinds->n[x], &sort_kinds->n[y],
			 sort_kinds->names.s[x], sort_kinds->names.s[y]);
}

/** The popular domain \p name is at or under (not a TLD alone). */
static const char *popular_parent(const report *r, const char *name)
{
	const char *s = name;
	void *v;

	if (r->popular == NULL)
		return NULL;
	while (s != NULL && strchr(s, '.') != NULL) {
		if (lh_table_lookup_ex(r->popular, s, &v))
			return v;
		s = strchr(s, '.');
		s = s != NULL ? s + 1 : NULL;
	}
	return NULL;
}

static void out_free(rout *o)
{
	free(o->names);
	free(o->prots);
	free(o->clients);
	free(o->fresh);
	free(o->fps);
	free(o->series_block);
	free(o->series_log);
}

/** Sort the tables and compute the derived figures. */
static int finish(report *r, rout *o)
{
	struct lh_entry *e;
	size_t i;
	/* per hour up to three days, then per day, week, 30 days */
	static const struct {
		int64_t ms;
		const char *name;
		int64_t points;
	} buckets[] = {{3600000, "hour", 72},
		       {86400000, "day", TG_REPORT_MAX_POINTS},
		       {7 * 86400000LL, "week", TG_REPORT_MAX_POINTS},
		       {30 * 86400000LL, "30 days", TG_REPORT_MAX_POINTS}};
	int64_t span;

	memset(o, 0, sizeof(*o));
	o->names =
	    calloc((size_t)lh_table_length(r->names) + 1, sizeof(*o->names));
	o->fresh =
	    calloc((size_t)lh_table_length(r->names) + 1, sizeof(*o->fresh));
	o->fps = calloc((size_t)lh_table_length(r->names) + 1, sizeof(*o->fps));
	o->prots =
	    calloc((size_t)lh_table_length(r->prots) + 1, sizeof(*o->prots));
	o->clients = calloc((size_t)lh_table_length(r->clients) + 1,
			    sizeof(*o->clients));
	if (o->names == NULL || o->fresh == NULL || o->fps == NULL ||
	    o->prots == NULL || o->clients == NULL)
		return TG_EXIT_ERROR;
	/* names first seen since --since, or in the last 7 days of data */
	o->fresh_since = r->since_given ? r->since : r->last - 7 * 86400000LL;
	lh_foreach(r->prots, e) o->prots[o->n_prots++] = lh_entry_v(e);
	lh_foreach(r->clients, e)
	{
		rclient *c = lh_entry_v(e);
		size_t j, k;

		/* its protected names, the most imitated first */
		for (j = 1; j < c->n_prot; j++)
			for (k = j; k > 0 && c->prot_n[k] > c->prot_n[k - 1];
			     k--) {
				const rprot *tp = c->prot[k];
				uint64_t tn = c->prot_n[k];

				c->prot[k] = c->prot[k - 1];
				c->prot_n[k] = c->prot_n[k - 1];
				c->prot[k - 1] = tp;
				c->prot_n[k - 1] = tn;
			}
		o->clients[o->n_clients++] = c;
	}
	lh_foreach(r->names, e)
	{
		rname *n = lh_entry_v(e);
		void *pv;
		const char *pop;

		if (n->n.lines == 0)
			continue; /* seen only outside the period */
		o->names[o->n_names++] = n;
		if (n->first_all >= o->fresh_since)
			o->fresh[o->n_fresh++] = n;
		if (n->protected != NULL &&
		    lh_table_lookup_ex(r->prots, n->protected, &pv))
			((rprot *)pv)->lookalikes++;
		if (n->n.block == 0)
			continue;
		pop = popular_parent(r, n->name);
		if (pop != NULL ||
		    ((n->n_clients >= r->fp_clients || n->more_clients) &&
		     (n->n_days >= r->fp_days || n->more_days))) {
			rfp *f = &o->fps[o->n_fps++];

			f->n = n;
			f->popular = pop != NULL;
			f->widely = n->n_clients >= r->fp_clients &&
				    n->n_days >= r->fp_days;
			f->allow = pop != NULL ? pop : n->name;
		}
	}
	qsort(o->names, o->n_names, sizeof(*o->names), cmp_name);
	qsort(o->fresh, o->n_fresh, sizeof(*o->fresh), cmp_fresh);
	qsort(o->prots, o->n_prots, sizeof(*o->prots), cmp_prot);
	qsort(o->clients, o->n_clients, sizeof(*o->clients), cmp_client);
	for (i = 0; i < r->classes.names.n; i++)
		o->kind_order[i] = i;
	sort_kinds = &r->classes;
	qsort(o->kind_order, r->classes.names.n, sizeof(size_t), cmp_kind);
	/* false-positive candidates in the lookalike order (occurrences) */
	qsort(o->fps, o->n_fps, sizeof(*o->fps), cmp_fp);
	/* the time series: the smallest bucket that fits the span */
	if (r->first < 0)
		return TG_EXIT_OK;
	span = r->last - r->first;
	for (i = 0; i < sizeof(buckets) / sizeof(buckets[0]) - 1; i++)
		if (span / buckets[i].ms + 2 <= buckets[i].points)
			break;
	/* a span beyond 30-day buckets is cut to the newest points */
	o->bucket_ms = buckets[i].ms;
	o->bucket_name = buckets[i].name;
	{
		int64_t last_b = r->last - r->last % o->bucket_ms;
		int64_t first_b = r->first - r->first % o->bucket_ms;

		if (first_b < 0 && r->first % o->bucket_ms != 0)
			first_b -= o->bucket_ms;
		if ((last_b - first_b) / o->bucket_ms + 1 >
		    TG_REPORT_MAX_POINTS)
			first_b =
			    last_b - (TG_REPORT_MAX_POINTS - 1) * o->bucket_ms;
		o->series_start = first_b;
		o->n_points = (size_t)((last_b - first_b) / o->bucket_ms + 1);
	}
	o->series_block = calloc(o->n_points, sizeof(uint64_t));
	o->series_log = calloc(o->n_points, sizeof(uint64_t));
	if (o->series_block == NULL || o->series_log == NULL)
		return TG_EXIT_ERROR;
	lh_foreach(r->hours, e)
	{
		const rhour *h = lh_entry_v(e);
		int64_t ms = h->hour * 3600000;
		int64_t b;

		if (ms < o->series_start)
			continue;
		b = (ms - o->series_start) / o->bucket_ms;
		if (b >= 0 && (size_t)b < o->n_points) {
			o->series_block[b] += h->block;
			o->series_log[b] += h->log;
		}
	}
	return TG_EXIT_OK;
}

static size_t rows(const report *r, size_t n)
{
	return r->top == 0 || n < r->top ? n : r->top;
}

/** Classes of a name, comma-separated. */
static const char *report_classes(const report *r, uint64_t mask, char *buf,
				  size_t len)
{
	size_t i, w = 0;

	buf[0] = '\0';
	for (i = 0; i < r->classes.names.n && w < len; i++)
		if (mask & ((uint64_t)1 << i))
			w += (size_t)snprintf(buf + w, len - w, "%s%s",
					      w ? "," : "",
					      r->classes.names.s[i]);
	if (buf[0] == '\0')
		snprintf(buf, len, "-");
	return buf;
}

/** Why a false-positive candidate is one, in words. */
static const char *fp_rule(const report *r, const rfp *f, char *buf, size_t len)
{
	char pres[TG_PRES];
	int w = 0;

	if (f->widely)
		w = snprintf(buf, len, "resolved by %s%u clients on %s%u day%s",
			     f->n->more_clients ? ">" : "", f->n->n_clients,
			     f->n->more_days ? ">" : "", f->n->n_days,
			     f->n->n_days == 1 && !f->n->more_days ? "" : "s");
	if (f->popular)
		snprintf(buf + w, len - (size_t)w,
			 "%sunder %s, a popular domain", w ? "; " : "",
			 present(f->allow, pres, sizeof(pres)));
	return buf;
}

/* ------------------------------------------------------------ text */

static void text_count_row(FILE *out, const char *label, const rcount *c)
{
	fprintf(out, "  %-16s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
		label, c->block, c->log, c->lines);
}

static void write_text(const report *r, const rout *o, FILE *out)
{
	char a[32], b[32], pres[TG_PRES], pres2[TG_PRES], cls[512], rule[512];
	size_t i, j, n;

	fprintf(out, "typoguard report\n");
	if (r->first >= 0)
		fprintf(out, "events from %s to %s", fmt_time(r->first, a),
			fmt_time(r->last, b));
	else
		fprintf(out, "no events");
	if (r->since != INT64_MIN || r->until != INT64_MAX) {
		fprintf(out, " (period:");
		if (r->since != INT64_MIN)
			fprintf(out, " since %s", fmt_time(r->since, a));
		if (r->until != INT64_MAX)
			fprintf(out, " until %s", fmt_time(r->until, a));
		fprintf(out, ")");
	}
	fprintf(out,
		"\ninput: %zu file%s, %" PRIu64 " lines, %" PRIu64
		" events (%" PRIu64 " outside the period), %" PRIu64
		" not JSON, %" PRIu64 " not events, %" PRIu64 " too long\n",
		r->n_files, r->n_files == 1 ? "" : "s", r->lines, r->events,
		r->outside, r->not_json, r->not_event, r->too_long);

	fprintf(out, "\nTotals (occurrences: the events' counts summed)\n");
	fprintf(out, "  %-16s %12s %12s %12s\n", "", "block", "log", "lines");
	text_count_row(out, "all", &r->total);
	for (i = 0; i < r->actions.names.n; i++) {
		snprintf(cls, sizeof(cls), "action %s", r->actions.names.s[i]);
		text_count_row(out, cls, &r->actions.n[i]);
	}
	fprintf(out,
		"  distinct: %zu lookalike names, %zu protected names, %zu "
		"clients\n",
		o->n_names, o->n_prots, o->n_clients);
	if (r->truncated_min > 0)
		fprintf(out,
			"  %" PRIu64 " occurrences in truncated lines that "
			"name nothing\n",
			r->truncated_min);

	fprintf(out,
		"\nTop lookalikes\n  %-28s %-20s %-18s %5s %-20s "
		"%-20s %9s %9s %9s %7s\n",
		"NAME", "PROTECTED", "CLASS", "SCORE", "FIRST", "LAST", "COUNT",
		"BLOCK", "LOG", "CLIENTS");
	for (i = 0, n = rows(r, o->n_names); i < n; i++) {
		const rname *x = o->names[i];

		fprintf(out,
			"  %-28s %-20s %-18s %5d %-20s %-20s %9" PRIu64
			" %9" PRIu64 " %9" PRIu64 " %6s%u\n",
			present(x->name, pres, sizeof(pres)),
			x->protected
			    ? present(x->protected, pres2, sizeof(pres2))
			    : "-",
			report_classes(r, x->classes, cls, sizeof(cls)),
			x->score, fmt_time(x->first, a), fmt_time(x->last, b),
			occ(&x->n), x->n.block, x->n.log,
			x->more_clients ? ">" : "", x->n_clients);
	}
	if (n < o->n_names)
		fprintf(out, "  ... %zu more (--top)\n", o->n_names - n);

	fprintf(out,
		"\nPer protected domain\n  %-28s %9s %9s %9s %10s "
		"%-20s %-20s\n",
		"PROTECTED", "COUNT", "BLOCK", "LOG", "LOOKALIKES", "FIRST",
		"LAST");
	for (i = 0, n = rows(r, o->n_prots); i < n; i++) {
		const rprot *p = o->prots[i];

		fprintf(out,
			"  %-28s %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			" %10zu %-20s %-20s\n",
			present(p->name, pres, sizeof(pres)), occ(&p->n),
			p->n.block, p->n.log, p->lookalikes,
			fmt_time(p->first, a), fmt_time(p->last, b));
	}

	fprintf(out, "\nPer client\n  %-40s %9s %9s %9s %-20s %-20s %s\n",
		"CLIENT", "COUNT", "BLOCK", "LOG", "FIRST", "LAST",
		"PROTECTED NAMES IMITATED");
	for (i = 0, n = rows(r, o->n_clients); i < n; i++) {
		const rclient *c = o->clients[i];

		fprintf(out,
			"  %-40s %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			" %-20s %-20s ",
			present_text(c->addr, pres, sizeof(pres)), occ(&c->n),
			c->n.block, c->n.log, fmt_time(c->first, a),
			fmt_time(c->last, b));
		for (j = 0; j < c->n_prot; j++)
			fprintf(out, "%s%s (%" PRIu64 ")", j ? ", " : "",
				present(c->prot[j]->name, pres, sizeof(pres)),
				c->prot_n[j]);
		fprintf(out, "%s\n", c->more_prot ? ", ..." : "");
	}

	fprintf(out,
		"\nPer class (an event with two classes counts in both)\n"
		"  %-16s %12s %12s %12s\n",
		"CLASS", "block", "log", "lines");
	for (i = 0; i < r->classes.names.n; i++)
		text_count_row(out, r->classes.names.s[o->kind_order[i]],
			       &r->classes.n[o->kind_order[i]]);

	fprintf(out, "\nNew names (first seen at or after %s%s)\n",
		fmt_time(o->fresh_since, a),
		r->since_given ? ", the start of the period"
			       : ": the last 7 days of the input");
	for (i = 0, n = rows(r, o->n_fresh); i < n; i++)
		fprintf(out, "  %-28s %-20s %s %9" PRIu64 "\n",
			present(o->fresh[i]->name, pres, sizeof(pres)),
			o->fresh[i]->protected ? present(o->fresh[i]->protected,
							 pres2, sizeof(pres2))
					       : "-",
			fmt_time(o->fresh[i]->first_all, a),
			occ(&o->fresh[i]->n));
	if (o->n_fresh == 0)
		fprintf(out, "  none\n");

	fprintf(out, "\nTime series (per %s; block, log)\n",
		o->bucket_name ? o->bucket_name : "hour");
	for (i = 0; i < o->n_points; i++)
		fprintf(
		    out, "  %s %9" PRIu64 " %9" PRIu64 "\n",
		    fmt_time(o->series_start + (int64_t)i * o->bucket_ms, a),
		    o->series_block[i], o->series_log[i]);

	fprintf(out,
		"\nCandidate false positives (blocked names seen from >= %u "
		"clients on >= %u day(s)%s)\n",
		r->fp_clients, r->fp_days,
		r->popular != NULL ? ", or under a --popular domain" : "");
	for (i = 0, n = rows(r, o->n_fps); i < n; i++) {
		const rfp *f = &o->fps[i];

		fprintf(out, "  %-28s %s\n    allowlist line: %s\n",
			present(f->n->name, pres, sizeof(pres)),
			fp_rule(r, f, rule, sizeof(rule)),
			present(f->allow, pres2, sizeof(pres2)));
	}
	if (o->n_fps == 0)
		fprintf(out, "  none\n");

	if (r->n_bad > 0) {
		fprintf(out, "\nInput problems (%" PRIu64 " lines)\n",
			r->not_json + r->not_event + r->too_long);
		for (i = 0; i < r->n_bad; i++)
			fprintf(
			    out, "  %s:%" PRIu64 ": %s\n",
			    present_text(r->bad[i].file, pres, sizeof(pres)),
			    r->bad[i].line, r->bad[i].reason);
	}
	if (r->unattributed_names + r->unattributed_clients +
		r->unattributed_prots + r->unattributed_hours >
	    0)
		fprintf(out,
			"\nCaps reached: occurrences not attributed to a name "
			"%" PRIu64 ", a client %" PRIu64
			", a protected name %" PRIu64 ", an hour %" PRIu64
			" (caps: %d names, %d clients, %d protected, %d "
			"hours)\n",
			r->unattributed_names, r->unattributed_clients,
			r->unattributed_prots, r->unattributed_hours,
			TG_REPORT_MAX_NAMES, TG_REPORT_MAX_CLIENTS,
			TG_REPORT_MAX_PROTECTED, TG_REPORT_MAX_HOURS);
}

/* ------------------------------------------------------------ JSON */

/** json-c serializer of a string: written by tg_json_string(), the one
 *  escaper, as in the event log and the rest of the tool (json-c would
 *  pass invalid UTF-8 through, e.g. from a file name). */
static int jstr_write(json_object *jso, struct printbuf *pb, int level,
		      int flags)
{
	const char *s = json_object_get_string(jso);
	size_t n = strlen(s), len = 0;
	char small[1024], *buf = small;
	size_t cap = sizeof(small);
	int rc;

	(void)level;
	(void)flags;
	if (n > (sizeof(small) - 3) / 6) {
		cap = n * 6 + 3; /* report strings are capped lines */
		buf = malloc(cap);
		if (buf == NULL)
			return -1;
	}
	(void)tg_json_string(s, buf, cap, &len);
	rc = printbuf_memappend(pb, buf, (int)len) < 0 ? -1 : 0;
	if (buf != small)
		free(buf);
	return rc;
}

/** A JSON string of \p s (copied), escaped by tg_json_string(). */
static json_object *jstring(const char *s)
{
	json_object *o = json_object_new_string(s);

	if (o != NULL)
		json_object_set_serializer(o, jstr_write, NULL, NULL);
	return o;
}

static json_object *jname(const char *name)
{
	char pres[TG_PRES];

	if (name == NULL)
		return NULL;
	return jstring(present(name, pres, sizeof(pres)));
}

static json_object *jtime(int64_t ms)
{
	char buf[32];

	return jstring(fmt_time(ms, buf));
}

static void jcounts(json_object *o, const rcount *c)
{
	json_object_object_add(o, "count", json_object_new_uint64(occ(c)));
	json_object_object_add(o, "block", json_object_new_uint64(c->block));
	json_object_object_add(o, "log", json_object_new_uint64(c->log));
	json_object_object_add(o, "lines", json_object_new_uint64(c->lines));
}

static json_object *jkinds(const rkinds *k, const size_t *order)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < k->names.n; i++) {
		size_t x = order ? order[i] : i;
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", jstring(k->names.s[x]));
		jcounts(o, &k->n[x]);
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *jclasses(const report *r, uint64_t mask)
{
	json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < r->classes.names.n; i++)
		if (mask & ((uint64_t)1 << i))
			json_object_array_add(a,
					      jstring(r->classes.names.s[i]));
	return a;
}

static json_object *jlookalike(const report *r, const rname *x)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", jname(x->name));
	json_object_object_add(o, "protected", jname(x->protected));
	json_object_object_add(o, "classes", jclasses(r, x->classes));
	json_object_object_add(o, "score", json_object_new_int(x->score));
	json_object_object_add(o, "first", jtime(x->first));
	json_object_object_add(o, "last", jtime(x->last));
	json_object_object_add(o, "first_in_input", jtime(x->first_all));
	jcounts(o, &x->n);
	json_object_object_add(o, "via", json_object_new_uint64(x->via));
	json_object_object_add(o, "clients", json_object_new_int(x->n_clients));
	json_object_object_add(o, "clients_more",
			       json_object_new_boolean(x->more_clients));
	json_object_object_add(o, "days", json_object_new_int(x->n_days));
	json_object_object_add(o, "days_more",
			       json_object_new_boolean(x->more_days));
	return o;
}

static json_object *report_json(const report *r, const rout *o)
{
	json_object *root = json_object_new_object(), *x, *a;
	char rule[512];
	size_t i, j, n;

	json_object_object_add(root, "report", jstring("typoguard report"));
	json_object_object_add(root, "version", json_object_new_int(1));
	x = json_object_new_object();
	json_object_object_add(x, "since",
			       r->since != INT64_MIN ? jtime(r->since) : NULL);
	json_object_object_add(x, "until",
			       r->until != INT64_MAX ? jtime(r->until) : NULL);
	json_object_object_add(x, "first",
			       r->first >= 0 ? jtime(r->first) : NULL);
	json_object_object_add(x, "last",
			       r->first >= 0 ? jtime(r->last) : NULL);
	json_object_object_add(root, "period", x);

	x = json_object_new_object();
	a = json_object_new_array();
	for (i = 0; i < r->n_files; i++)
		json_object_array_add(a, jstring(r->files[i]));
	json_object_object_add(x, "files", a);
	json_object_object_add(x, "lines", json_object_new_uint64(r->lines));
	json_object_object_add(x, "events", json_object_new_uint64(r->events));
	json_object_object_add(x, "outside_period",
			       json_object_new_uint64(r->outside));
	json_object_object_add(x, "not_json",
			       json_object_new_uint64(r->not_json));
	json_object_object_add(x, "not_event",
			       json_object_new_uint64(r->not_event));
	json_object_object_add(x, "too_long",
			       json_object_new_uint64(r->too_long));
	json_object_object_add(x, "truncated_occurrences",
			       json_object_new_uint64(r->truncated_min));
	a = json_object_new_array();
	for (i = 0; i < r->n_bad; i++) {
		json_object *b = json_object_new_object();

		json_object_object_add(b, "file", jstring(r->bad[i].file));
		json_object_object_add(b, "line",
				       json_object_new_uint64(r->bad[i].line));
		json_object_object_add(b, "reason", jstring(r->bad[i].reason));
		json_object_array_add(a, b);
	}
	json_object_object_add(x, "problems", a);
	json_object_object_add(root, "input", x);

	x = json_object_new_object();
	jcounts(x, &r->total);
	json_object_object_add(x, "actions", jkinds(&r->actions, NULL));
	json_object_object_add(x, "lookalike_names",
			       json_object_new_uint64(o->n_names));
	json_object_object_add(x, "protected_names",
			       json_object_new_uint64(o->n_prots));
	json_object_object_add(x, "clients",
			       json_object_new_uint64(o->n_clients));
	json_object_object_add(root, "totals", x);

	a = json_object_new_array();
	for (i = 0, n = rows(r, o->n_names); i < n; i++)
		json_object_array_add(a, jlookalike(r, o->names[i]));
	json_object_object_add(root, "lookalikes", a);

	a = json_object_new_array();
	for (i = 0, n = rows(r, o->n_prots); i < n; i++) {
		const rprot *p = o->prots[i];

		x = json_object_new_object();
		json_object_object_add(x, "name", jname(p->name));
		jcounts(x, &p->n);
		json_object_object_add(x, "lookalikes",
				       json_object_new_uint64(p->lookalikes));
		json_object_object_add(x, "first", jtime(p->first));
		json_object_object_add(x, "last", jtime(p->last));
		json_object_array_add(a, x);
	}
	json_object_object_add(root, "protected", a);

	a = json_object_new_array();
	for (i = 0, n = rows(r, o->n_clients); i < n; i++) {
		const rclient *c = o->clients[i];
		json_object *pa = json_object_new_array();

		x = json_object_new_object();
		json_object_object_add(x, "client", jstring(c->addr));
		jcounts(x, &c->n);
		json_object_object_add(x, "first", jtime(c->first));
		json_object_object_add(x, "last", jtime(c->last));
		for (j = 0; j < c->n_prot; j++) {
			json_object *pp = json_object_new_object();

			json_object_object_add(pp, "name",
					       jname(c->prot[j]->name));
			json_object_object_add(
			    pp, "count", json_object_new_uint64(c->prot_n[j]));
			json_object_array_add(pa, pp);
		}
		json_object_object_add(x, "protected", pa);
		json_object_object_add(x, "protected_more",
				       json_object_new_boolean(c->more_prot));
		json_object_array_add(a, x);
	}
	json_object_object_add(root, "clients", a);

	json_object_object_add(root, "classes",
			       jkinds(&r->classes, o->kind_order));

	x = json_object_new_object();
	json_object_object_add(x, "since", jtime(o->fresh_since));
	json_object_object_add(x, "rule",
			       jstring(r->since_given
					   ? "first seen at or after --since"
					   : "first seen in the last 7 days of "
					     "the input"));
	a = json_object_new_array();
	for (i = 0, n = rows(r, o->n_fresh); i < n; i++)
		json_object_array_add(a, jlookalike(r, o->fresh[i]));
	json_object_object_add(x, "names", a);
	json_object_object_add(root, "new_names", x);

	x = json_object_new_object();
	json_object_object_add(
	    x, "bucket", jstring(o->bucket_name ? o->bucket_name : "hour"));
	a = json_object_new_array();
	for (i = 0; i < o->n_points; i++) {
		json_object *p = json_object_new_object();

		json_object_object_add(
		    p, "start",
		    jtime(o->series_start + (int64_t)i * o->bucket_ms));
		json_object_object_add(
		    p, "block", json_object_new_uint64(o->series_block[i]));
		json_object_object_add(
		    p, "log", json_object_new_uint64(o->series_log[i]));
		json_object_array_add(a, p);
	}
	json_object_object_add(x, "points", a);
	json_object_object_add(root, "series", x);

	x = json_object_new_object();
	json_object_object_add(x, "min_clients",
			       json_object_new_int((int)r->fp_clients));
	json_object_object_add(x, "min_days",
			       json_object_new_int((int)r->fp_days));
	json_object_object_add(x, "popular_list",
			       r->popular_file ? jstring(r->popular_file)
					       : NULL);
	a = json_object_new_array();
	for (i = 0, n = rows(r, o->n_fps); i < n; i++) {
		json_object *f = jlookalike(r, o->fps[i].n);

		json_object_object_add(
		    f, "rule",
		    jstring(fp_rule(r, &o->fps[i], rule, sizeof(rule))));
		json_object_object_add(f, "allowlist_line",
				       jname(o->fps[i].allow));
		json_object_array_add(a, f);
	}
	json_object_object_add(x, "candidates", a);
	json_object_object_add(root, "false_positive_candidates", x);

	x = json_object_new_object();
	json_object_object_add(x, "names",
			       json_object_new_int(TG_REPORT_MAX_NAMES));
	json_object_object_add(x, "clients",
			       json_object_new_int(TG_REPORT_MAX_CLIENTS));
	json_object_object_add(x, "protected",
			       json_object_new_int(TG_REPORT_MAX_PROTECTED));
	json_object_object_add(x, "hours",
			       json_object_new_int(TG_REPORT_MAX_HOURS));
	json_object_object_add(x, "unattributed",
			       json_object_new_uint64(r->unattributed_names +
						      r->unattributed_clients +
						      r->unattributed_prots +
						      r->unattributed_hours));
	json_object_object_add(root, "caps", x);
	return root;
}

/* ------------------------------------------------------------ HTML */

/** Write \p s HTML-escaped. */
static void html(FILE *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

static void html_name(FILE *out, const char *name)
{
	char pres[TG_PRES];

	html(out, name ? present(name, pres, sizeof(pres)) : "-");
}

static void html_time(FILE *out, int64_t ms)
{
	char buf[32];

	fprintf(out, "<td data-v=\"%" PRId64 "\">%s</td>", ms,
		fmt_time(ms, buf));
}

static const char css[] =
    "body{font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',sans-serif;margin:24px;color:#1d2330;background:#fff}\n"
    "h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
    "border-bottom:1px solid #d5d9e0;padding-bottom:4px}\n"
    ".meta{color:#5b6475}.cards{display:flex;flex-wrap:wrap;gap:12px;"
    "margin:16px 0}\n"
    ".card{border:1px solid #d5d9e0;border-radius:6px;padding:8px 14px;"
    "min-width:120px}.card b{display:block;font-size:22px}\n"
    ".card.block b{color:#b42318}.card.log b{color:#b54708}\n"
    "table{border-collapse:collapse;margin:4px 0 12px;font-size:13px}\n"
    "th,td{padding:3px 10px;border-bottom:1px solid #e6e8ec;text-align:"
    "left;white-space:nowrap}\n"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
    "th{background:#f3f5f8;cursor:pointer;user-select:none}\n"
    "th.sorted-asc::after{content:' \\25B2'}th.sorted-desc::after{content:"
    "' \\25BC'}\n"
    "code,.name{font-family:'DejaVu Sans Mono',monospace}\n"
    "svg{display:block;max-width:100%;height:auto}svg text{font:11px "
    "sans-serif;fill:#3b4252}\n"
    ".bar-block{fill:#d92d20}.bar-log{fill:#f79009}.bar{fill:#2e6fdb}\n"
    ".legend span{display:inline-block;width:10px;height:10px;margin:0 4px "
    "0 12px}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:24px}.charts>div{flex:1 1 "
    "420px}\n"
    ".fp td.allow{font-weight:bold}.problem{color:#b42318}\n"
    "@media print{body{margin:0;font-size:10pt}th{cursor:auto}"
    "th::after{content:none!important}h2{break-after:avoid}"
    "tr,svg,.card{break-inside:avoid}"
    ".bar-block,.bar-log,.bar,.legend span{print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}}\n";

/* Sort a table by the clicked column: numbers (data-v or the text) or
 * text; a second click reverses. */
static const char js[] =
    "document.querySelectorAll('table.sortable').forEach(function(t){\n"
    " t.querySelectorAll('th').forEach(function(th,i){\n"
    "  th.addEventListener('click',function(){\n"
    "   var asc=!th.classList.contains('sorted-asc');\n"
    "   t.querySelectorAll('th').forEach(function(h){h.classList.remove("
    "'sorted-asc','sorted-desc')});\n"
    "   th.classList.add(asc?'sorted-asc':'sorted-desc');\n"
    "   var b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);\n"
    "   function v(r){var c=r.cells[i],d=c.getAttribute('data-v');"
    "var s=d!==null?d:c.textContent;var n=parseFloat(s);"
    "return isNaN(n)||!/^-?[0-9.]+$/.test(s)?s:n}\n"
    "   rows.sort(function(a,c){var x=v(a),y=v(c);var r=(typeof x==="
    "'number'&&typeof y==='number')?x-y:String(x).localeCompare(String(y"
    "));return asc?r:-r});\n"
    "   rows.forEach(function(r){b.appendChild(r)});\n"
    "  });\n"
    " });\n"
    "});\n";

/** The time series: stacked bars, block below log. */
static void html_series(FILE *out, const rout *o)
{
	const int W = 960, H = 240, L = 56, B = 36, T = 10;
	double bw, scale;
	uint64_t max = 0;
	size_t i, step;
	char buf[32];

	for (i = 0; i < o->n_points; i++)
		if (o->series_block[i] + o->series_log[i] > max)
			max = o->series_block[i] + o->series_log[i];
	/* the axis ends at 2, 4, 6, 10 or 20 times a power of ten, so that
	 * its middle line is a round number too */
	{
		uint64_t p = 1;

		while (max > 20 * p)
			p *= 10;
		max = max <= 2 * p    ? 2 * p
		      : max <= 4 * p  ? 4 * p
		      : max <= 6 * p  ? 6 * p
		      : max <= 10 * p ? 10 * p
				      : 20 * p;
	}
	bw = o->n_points ? (double)(W - L - 8) / (double)o->n_points : 1;
	scale = (double)(H - B - T) / (double)max;
	fprintf(out,
		"<svg id=\"series\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-label=\"blocks and logs per "
		"%s\">\n",
		W, H, W, H, o->bucket_name ? o->bucket_name : "hour");
	/* axis and grid: 0, max/2, max */
	for (i = 0; i <= 2; i++) {
		double y = H - B - (double)(max * i / 2) * scale;

		fprintf(out,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#e6e8ec\"/><text x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">%" PRIu64 "</text>\n",
			L, y, W - 8, y, L - 6, y + 4, max * i / 2);
	}
	for (i = 0; i < o->n_points; i++) {
		double w = bw > 3 ? bw - 1 : bw;
		double x;

		if (w > 48) /* few buckets: narrow bars, centred in each */
			w = 48;
		x = L + (double)i * bw + (bw - w) / 2;
		double hb = (double)o->series_block[i] * scale;
		double hl = (double)o->series_log[i] * scale;
		const char *t =
		    fmt_time(o->series_start + (int64_t)i * o->bucket_ms, buf);

		if (o->series_block[i] > 0)
			fprintf(out,
				"<rect class=\"bar-block\" x=\"%.1f\" "
				"y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
				"<title>%s: %" PRIu64
				" blocked</title></rect>\n",
				x, H - B - hb, w, hb, t, o->series_block[i]);
		if (o->series_log[i] > 0)
			fprintf(out,
				"<rect class=\"bar-log\" x=\"%.1f\" y=\"%.1f\" "
				"width=\"%.1f\" height=\"%.1f\"><title>%s: "
				"%" PRIu64 " logged</title></rect>\n",
				x, H - B - hb - hl, w, hl, t, o->series_log[i]);
	}
	/* about six time labels */
	step = o->n_points / 6 + 1;
	for (i = 0; i < o->n_points && L + (double)i * bw < W - 110;
	     i += step) {
		fmt_time(o->series_start + (int64_t)i * o->bucket_ms, buf);
		buf[o->bucket_ms >= 86400000 ? 10 : 16] = '\0';
		fprintf(out,
			"<text x=\"%.1f\" y=\"%d\" text-anchor=\"start\">%s"
			"</text>\n",
			L + (double)i * bw, H - B + 16, buf);
	}
	fprintf(out,
		"</svg>\n<div class=\"legend\"><span "
		"class=\"bar-block\" style=\"background:#d92d20\"></span>"
		"blocked<span class=\"bar-log\" "
		"style=\"background:#f79009\"></span>logged (occurrences "
		"per %s)</div>\n",
		o->bucket_name ? o->bucket_name : "hour");
}

/** Horizontal bars: \p labels[i] with \p values[i]. */
static void html_bars(FILE *out, const char *id, const char **labels,
		      const uint64_t *blocks, const uint64_t *logs, size_t n)
{
	const int W = 460, row = 22, L = 170;
	uint64_t max = 1;
	size_t i;

	for (i = 0; i < n; i++)
		if (blocks[i] + logs[i] > max)
			max = blocks[i] + logs[i];
	fprintf(out,
		"<svg id=\"%s\" viewBox=\"0 0 %d %zu\" width=\"%d\" "
		"height=\"%zu\" role=\"img\">\n",
		id, W, n * row + 4, W, n * row + 4);
	for (i = 0; i < n; i++) {
		double wb = (double)blocks[i] * (W - L - 60) / (double)max;
		double wl = (double)logs[i] * (W - L - 60) / (double)max;
		double y = (double)(i * row) + 2;

		fputs("<g class=\"row\"><text x=\"0\" y=\"", out);
		fprintf(out, "%.1f\">", y + 14);
		html(out, labels[i]);
		fprintf(out,
			"</text><rect class=\"bar-block\" x=\"%d\" y=\"%.1f\" "
			"width=\"%.1f\" height=\"16\"/><rect class=\"bar-log\" "
			"x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\"/>"
			"<text x=\"%.1f\" y=\"%.1f\">%" PRIu64 "</text></g>\n",
			L, y, wb, L + wb, y, wl, L + wb + wl + 4, y + 14,
			blocks[i] + logs[i]);
	}
	fputs("</svg>\n", out);
}

static void html_th(FILE *out, const char *const *cols, const char *num)
{
	size_t i;

	fputs("<thead><tr>", out);
	for (i = 0; cols[i] != NULL; i++)
		fprintf(out, "<th%s>%s</th>",
			num[i] == 'n' ? " class=\"n\"" : "", cols[i]);
	fputs("</tr></thead><tbody>\n", out);
}

static void html_num(FILE *out, uint64_t v)
{
	fprintf(out, "<td class=\"n\">%" PRIu64 "</td>", v);
}

static void html_lookalikes(FILE *out, const report *r, rname *const *names,
			    size_t n, const char *id)
{
	static const char *const cols[] = {
	    "Name",  "Protected", "Class", "Score",   "First", "Last",
	    "Count", "Block",	  "Log",   "Clients", "Days",  NULL};
	char cls[512];
	size_t i;

	fprintf(out, "<table class=\"sortable\" id=\"%s\">", id);
	html_th(out, cols, "tttnttnnnnn");
	for (i = 0; i < n; i++) {
		const rname *x = names[i];

		fputs("<tr><td class=\"name\">", out);
		html_name(out, x->name);
		fputs("</td><td class=\"name\">", out);
		html_name(out, x->protected);
		fputs("</td><td>", out);
		html(out, report_classes(r, x->classes, cls, sizeof(cls)));
		fputs("</td>", out);
		html_num(out, (uint64_t)x->score);
		html_time(out, x->first);
		html_time(out, x->last);
		html_num(out, occ(&x->n));
		html_num(out, x->n.block);
		html_num(out, x->n.log);
		html_num(out, x->n_clients);
		html_num(out, x->n_days);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
}

static void write_html(const report *r, const rout *o, FILE *out)
{
	char a[32], b[32], pres[TG_PRES], rule[512];
	size_t i, j, n;

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width\">\n<title>typoguard report"
	      "</title>\n<style>\n",
	      out);
	fputs(css, out);
	fputs("</style></head><body>\n<h1>typoguard report</h1>\n<p "
	      "class=\"meta\">",
	      out);
	if (r->first >= 0)
		fprintf(out, "Events from %s to %s", fmt_time(r->first, a),
			fmt_time(r->last, b));
	else
		fputs("No events", out);
	if (r->since != INT64_MIN)
		fprintf(out, "; period since %s", fmt_time(r->since, a));
	if (r->until != INT64_MAX)
		fprintf(out, "; until %s", fmt_time(r->until, a));
	fprintf(out,
		". Input: %zu file%s, %" PRIu64 " lines, %" PRIu64
		" events.</p>\n",
		r->n_files, r->n_files == 1 ? "" : "s", r->lines, r->events);

	fputs("<div class=\"cards\" id=\"totals\">", out);
	fprintf(out,
		"<div class=\"card block\"><b id=\"total-block\">%" PRIu64
		"</b>blocked</div>",
		r->total.block);
	fprintf(out,
		"<div class=\"card log\"><b id=\"total-log\">%" PRIu64
		"</b>logged</div>",
		r->total.log);
	fprintf(out,
		"<div class=\"card\"><b>%zu</b>lookalike names</div>"
		"<div class=\"card\"><b>%zu</b>protected names "
		"imitated</div><div class=\"card\"><b>%zu</b>clients</div>",
		o->n_names, o->n_prots, o->n_clients);
	for (i = 0; i < r->actions.names.n; i++) {
		fputs("<div class=\"card\"><b>", out);
		fprintf(out, "%" PRIu64 "</b>action ", occ(&r->actions.n[i]));
		html(out, r->actions.names.s[i]);
		fputs("</div>", out);
	}
	fputs("</div>\n", out);
	fprintf(out,
		"<p class=\"meta\">Counts are occurrences: an event line "
		"that stands for repeats (count &gt; 1) counts each.</p>\n");

	fprintf(out, "<h2>Blocks and logs per %s</h2>\n",
		o->bucket_name ? o->bucket_name : "hour");
	html_series(out, o);

	fputs("<div class=\"charts\"><div><h2>Top protected domains</h2>\n",
	      out);
	{
		size_t m = o->n_prots < 15 ? o->n_prots : 15;
		size_t mc = o->n_clients < 15 ? o->n_clients : 15;
		size_t mm = m > mc ? m : mc;
		const char **labels = calloc(mm + 1, sizeof(char *));
		char(*lab)[TG_PRES] = calloc(mm + 1, TG_PRES);
		uint64_t *vb = calloc(mm + 1, sizeof(uint64_t));
		uint64_t *vl = calloc(mm + 1, sizeof(uint64_t));

		if (labels != NULL && lab != NULL && vb != NULL && vl != NULL) {
			for (i = 0; i < m; i++) {
				labels[i] =
				    present(o->prots[i]->name, lab[i], TG_PRES);
				vb[i] = o->prots[i]->n.block;
				vl[i] = o->prots[i]->n.log;
			}
			html_bars(out, "bars-protected", labels, vb, vl, m);
			fputs("</div><div><h2>Top clients</h2>\n", out);
			for (i = 0; i < mc; i++) {
				labels[i] = present_text(o->clients[i]->addr,
							 lab[i], TG_PRES);
				vb[i] = o->clients[i]->n.block;
				vl[i] = o->clients[i]->n.log;
			}
			html_bars(out, "bars-clients", labels, vb, vl, mc);
		}
		free(labels);
		free(lab);
		free(vb);
		free(vl);
	}
	fputs("</div></div>\n", out);

	n = rows(r, o->n_names);
	fprintf(out, "<h2>Top lookalikes (%zu of %zu)</h2>\n", n, o->n_names);
	html_lookalikes(out, r, o->names, n, "lookalikes");

	fputs("<h2>Candidate false positives</h2>\n<p class=\"meta\">", out);
	fprintf(out,
		"Blocked names seen from at least %u clients on at least %u "
		"day%s (a typo is usually one sender repeating itself; a name "
		"many clients use day after day is more likely a real one)",
		r->fp_clients, r->fp_days, r->fp_days == 1 ? "" : "s");
	if (r->popular != NULL)
		fprintf(out, ", or under a domain of the popular list %s",
			"(--popular)");
	fputs(". Add the allowlist line to a file named by <code>allow:"
	      "</code>.</p>\n",
	      out);
	if (o->n_fps == 0)
		fputs("<p>None.</p>\n", out);
	else
		fputs("<table class=\"sortable fp\" id=\"fp\">", out);
	{
		static const char *const cols[] = {
		    "Name", "Protected",      "Count",
		    "Why",  "Allowlist line", NULL};

		if (o->n_fps > 0)
			html_th(out, cols, "ttntt");
	}
	for (i = 0, n = rows(r, o->n_fps); i < n; i++) {
		const rfp *f = &o->fps[i];

		fputs("<tr><td class=\"name\">", out);
		html_name(out, f->n->name);
		fputs("</td><td class=\"name\">", out);
		html_name(out, f->n->protected);
		fputs("</td>", out);
		html_num(out, occ(&f->n->n));
		fputs("<td>", out);
		html(out, fp_rule(r, f, rule, sizeof(rule)));
		fputs("</td><td class=\"allow\"><code>", out);
		html_name(out, f->allow);
		fputs("</code></td></tr>\n", out);
	}
	if (o->n_fps > 0)
		fputs("</tbody></table>\n", out);

	fputs("<h2>Per protected domain</h2>\n<table class=\"sortable\" "
	      "id=\"protected\">",
	      out);
	{
		static const char *const cols[] = {
		    "Protected",  "Count", "Block", "Log",
		    "Lookalikes", "First", "Last",  NULL};

		html_th(out, cols, "tnnnntt");
	}
	for (i = 0, n = rows(r, o->n_prots); i < n; i++) {
		const rprot *p = o->prots[i];

		fputs("<tr><td class=\"name\">", out);
		html_name(out, p->name);
		fputs("</td>", out);
		html_num(out, occ(&p->n));
		html_num(out, p->n.block);
		html_num(out, p->n.log);
		html_num(out, p->lookalikes);
		html_time(out, p->first);
		html_time(out, p->last);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);

	fputs("<h2>Per client</h2>\n<table class=\"sortable\" "
	      "id=\"clients\">",
	      out);
	{
		static const char *const cols[] = {"Client",
						   "Count",
						   "Block",
						   "Log",
						   "First",
						   "Last",
						   "Protected names imitated",
						   NULL};

		html_th(out, cols, "tnnnttt");
	}
	for (i = 0, n = rows(r, o->n_clients); i < n; i++) {
		const rclient *c = o->clients[i];

		fputs("<tr><td>", out);
		html(out, present_text(c->addr, pres, sizeof(pres)));
		fputs("</td>", out);
		html_num(out, occ(&c->n));
		html_num(out, c->n.block);
		html_num(out, c->n.log);
		html_time(out, c->first);
		html_time(out, c->last);
		fputs("<td>", out);
		for (j = 0; j < c->n_prot; j++) {
			fputs(j ? ", " : "", out);
			html_name(out, c->prot[j]->name);
			fprintf(out, " (%" PRIu64 ")", c->prot_n[j]);
		}
		fputs(c->more_prot ? ", &hellip;</td></tr>\n" : "</td></tr>\n",
		      out);
	}
	fputs("</tbody></table>\n", out);

	fputs("<h2>Per class</h2>\n<p class=\"meta\">An event with two "
	      "classes counts in both.</p><table class=\"sortable\" "
	      "id=\"classes\">",
	      out);
	{
		static const char *const cols[] = {"Class", "Count", "Block",
						   "Log", NULL};

		html_th(out, cols, "tnnn");
	}
	for (i = 0; i < r->classes.names.n; i++) {
		const rcount *c = &r->classes.n[o->kind_order[i]];

		fputs("<tr><td>", out);
		html(out, r->classes.names.s[o->kind_order[i]]);
		fputs("</td>", out);
		html_num(out, occ(c));
		html_num(out, c->block);
		html_num(out, c->log);
		fputs("</tr>\n", out);
	}
	fputs("</tbody></table>\n", out);

	fprintf(out,
		"<h2>New names</h2>\n<p class=\"meta\">First seen at or "
		"after %s (%s).</p>\n",
		fmt_time(o->fresh_since, a),
		r->since_given ? "the start of the period"
			       : "the last 7 days of the input");
	html_lookalikes(out, r, o->fresh, rows(r, o->n_fresh), "new");

	if (r->n_bad > 0) {
		fprintf(out,
			"<h2>Input problems</h2>\n<p class=\"meta\">%" PRIu64
			" lines could not be used (the first %zu are "
			"listed).</p><ul id=\"problems\">\n",
			r->not_json + r->not_event + r->too_long, r->n_bad);
		for (i = 0; i < r->n_bad; i++) {
			fputs("<li class=\"problem\"><code>", out);
			html(out,
			     present_text(r->bad[i].file, pres, sizeof(pres)));
			fprintf(out, ":%" PRIu64 "</code>: ", r->bad[i].line);
			html(out, r->bad[i].reason);
			fputs("</li>\n", out);
		}
		fputs("</ul>\n", out);
	}
	fprintf(out,
		"<p class=\"meta\">Tables list at most %zu rows (--top). "
		"Caps: %d lookalike names, %d clients, %d protected names, "
		"%d hours; occurrences beyond them: %" PRIu64
		".</p>\n<script>\n",
		r->top, TG_REPORT_MAX_NAMES, TG_REPORT_MAX_CLIENTS,
		TG_REPORT_MAX_PROTECTED, TG_REPORT_MAX_HOURS,
		r->unattributed_names + r->unattributed_clients +
		    r->unattributed_prots + r->unattributed_hours);
	fputs(js, out);
	fputs("</script>\n</body></html>\n", out);
}

/* ------------------------------------------------------------ main */

enum {
	TG_RO_SINCE = 256,
	TG_RO_UNTIL,
	TG_RO_FORMAT,
	TG_RO_TOP,
	TG_RO_FP_CLIENTS,
	TG_RO_FP_DAYS,
	TG_RO_POPULAR
};

static const struct option report_longopts[] = {
    {"since", required_argument, NULL, TG_RO_SINCE},
    {"until", required_argument, NULL, TG_RO_UNTIL},
    {"format", required_argument, NULL, TG_RO_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"top", required_argument, NULL, TG_RO_TOP},
    {"fp-clients", required_argument, NULL, TG_RO_FP_CLIENTS},
    {"fp-days", required_argument, NULL, TG_RO_FP_DAYS},
    {"popular", required_argument, NULL, TG_RO_POPULAR},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/** A number in [lo, hi] (tg_parse_uint()); -1 on error. */
static long parse_num(const char *s, long lo, long hi)
{
	uint64_t v;

	if (tg_parse_uint(s, (uint64_t)lo, (uint64_t)hi, &v) != TG_OK)
		return -1;
	return (long)v;
}

/** Parse the command line into \p r; TG_EXIT_OK or a status to exit with. */
static int report_args(report *r, int argc, char **argv)
{
	int c;
	long v;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", report_longopts, NULL)) !=
	       -1) {
		switch (c) {
		case TG_RO_SINCE:
		case TG_RO_UNTIL:
			if (parse_when(optarg, c == TG_RO_SINCE
						   ? &r->since
						   : &r->until) != 0) {
				r_warn(NULL,
				       "--%s '%s': not a time (2026-11-28, "
				       "2026-11-28T14:00Z, or 7d, 24h, 30m "
				       "ago)",
				       c == TG_RO_SINCE ? "since" : "until",
				       optarg);
				return TG_EXIT_USAGE;
			}
			if (c == TG_RO_SINCE)
				r->since_given = 1;
			break;
		case TG_RO_FORMAT:
			if (strcmp(optarg, "text") != 0 &&
			    strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "html") != 0) {
				r_warn(NULL,
				       "--format '%s': text, json or html",
				       optarg);
				return TG_EXIT_USAGE;
			}
			r->format = optarg;
			break;
		case 'o':
			r->output = optarg;
			break;
		case TG_RO_TOP:
		case TG_RO_FP_CLIENTS:
		case TG_RO_FP_DAYS:
			v = parse_num(optarg, c == TG_RO_TOP ? 0 : 1,
				      c == TG_RO_TOP ? TG_REPORT_MAX_NAMES
						     : TG_REPORT_SET);
			if (v < 0) {
				r_warn(NULL,
				       "'%s': --top takes 0..%d, "
				       "--fp-clients and --fp-days 1..%d",
				       optarg, TG_REPORT_MAX_NAMES,
				       TG_REPORT_SET);
				return TG_EXIT_USAGE;
			}
			if (c == TG_RO_TOP)
				r->top = (size_t)v;
			else if (c == TG_RO_FP_CLIENTS)
				r->fp_clients = (unsigned)v;
			else
				r->fp_days = (unsigned)v;
			break;
		case TG_RO_POPULAR:
			r->popular_file = optarg;
			break;
		case 'h':
			fputs("usage: typoguard report [OPTIONS] EVENTLOG...\n",
			      stdout);
			report_usage(stdout);
			return -1;
		case ':':
			r_warn(NULL, "option '%s' needs a value",
			       argv[optind - 1]);
			return TG_EXIT_USAGE;
		default:
			r_warn(NULL, "unknown option '%s'", argv[optind - 1]);
			return TG_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		r_warn(NULL, "no event log named (a file, or - for stdin)");
		return TG_EXIT_USAGE;
	}
	if (argc - optind > TG_REPORT_MAX_FILES) {
		r_warn(NULL, "more than %d event logs", TG_REPORT_MAX_FILES);
		return TG_EXIT_USAGE;
	}
	if (r->since >= r->until) {
		r_warn(NULL, "--since is not before --until");
		return TG_EXIT_USAGE;
	}
	for (; optind < argc; optind++)
		r->files[r->n_files++] = argv[optind];
	return TG_EXIT_OK;
}

/** Write the report to r->output (whole or not at all, a FIFO or device
 *  in place: tg_outfile) or stdout. */
static int report_write(report *r, const rout *o)
{
	FILE *out = stdout;
	tg_outfile *of = NULL;
	tg_error err;
	int rc = TG_EXIT_OK;

	if (r->output != NULL) {
		if (tg_outfile_open(r->output, 0644, &of, &err) != TG_OK) {
			r_warn(r, "%s: %s", r->output, err.reason);
			return TG_EXIT_ERROR;
		}
		out = tg_outfile_stream(of);
	}
	if (strcmp(r->format, "json") == 0) {
		json_object *j = report_json(r, o);
		const char *s = j ? json_object_to_json_string_ext(
					j, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_SPACED |
					       JSON_C_TO_STRING_NOSLASHESCAPE)
				  : NULL;

		if (s == NULL)
			rc = TG_EXIT_ERROR;
		else
			fprintf(out, "%s\n", s);
		json_object_put(j);
	} else if (strcmp(r->format, "html") == 0) {
		write_html(r, o, out);
	} else {
		write_text(r, o, out);
	}
	if (of != NULL) {
		if (rc != TG_EXIT_OK) {
			tg_outfile_abort(of);
		} else if (tg_outfile_commit(of, &err) != TG_OK) {
			r_warn(r, "%s: %s", r->output, err.reason);
			return TG_EXIT_ERROR;
		}
	} else if (fflush(out) != 0 || ferror(out)) {
		rc = TG_EXIT_ERROR;
	}
	if (rc != TG_EXIT_OK)
		r_warn(r, "%s: cannot write: %s",
		       r->output ? r->output : "<stdout>", strerror(errno));
	return rc;
}

int cmd_report(int argc, char **argv, const char *config)
{
	report *r = calloc(1, sizeof(*r));
	rout o;
	size_t i;
	int rc;

	(void)config; /* the report reads event logs, not the configuration */
	memset(&o, 0, sizeof(o));
	if (r == NULL) {
		r_warn(NULL, "out of memory");
		return TG_EXIT_ERROR;
	}
	tg_strtab_init(&r->classes.names, TG_REPORT_MAX_KINDS);
	tg_strtab_init(&r->actions.names, TG_REPORT_MAX_KINDS);
	r->since = INT64_MIN;
	r->until = INT64_MAX;
	r->format = "text";
	r->top = 50;
	r->fp_clients = 5;
	r->fp_days = 2;
	r->first = -1;
	r->last = -1;
	rc = report_args(r, argc, argv);
	if (rc != TG_EXIT_OK) {
		free(r);
		return rc < 0 ? TG_EXIT_OK : rc;
	}
	r->tty = isatty(STDERR_FILENO);
	r->line = malloc(TG_REPORT_MAX_LINE);
	r->tok = json_tokener_new();
	r->names = lh_kchar_table_new(1024, free_name);
	r->prots = lh_kchar_table_new(256, free_prot);
	r->clients = lh_kchar_table_new(256, free_client);
	r->hours = lh_kchar_table_new(256, free_hour);
	if (r->line == NULL || r->tok == NULL || r->names == NULL ||
	    r->prots == NULL || r->clients == NULL || r->hours == NULL) {
		r_warn(r, "out of memory");
		rc = TG_EXIT_ERROR;
		goto out;
	}
	if (r->popular_file != NULL && (rc = read_popular(r)) != TG_EXIT_OK)
		goto out;
	for (i = 0; i < r->n_files && rc == TG_EXIT_OK; i++)
		rc = read_file(r, r->files[i]);
	if (r->progress_shown) {
		fputs("\r\033[K", stderr);
		r->progress_shown = 0;
	}
	if (rc != TG_EXIT_OK)
		goto out;
	if (r->n_bad > 0 && r->not_json + r->not_event + r->too_long > r->n_bad)
		r_warn(r, "%" PRIu64 " more lines could not be used",
		       r->not_json + r->not_event + r->too_long - r->n_bad);
	rc = finish(r, &o);
	if (rc != TG_EXIT_OK) {
		r_warn(r, "out of memory");
		goto out;
	}
	rc = report_write(r, &o);
out:
	out_free(&o);
	if (r->names)
		lh_table_free(r->names);
	if (r->prots)
		lh_table_free(r->prots);
	if (r->clients)
		lh_table_free(r->clients);
	if (r->hours)
		lh_table_free(r->hours);
	if (r->popular)
		lh_table_free(r->popular);
	tg_strtab_free(&r->classes.names);
	tg_strtab_free(&r->actions.names);
	if (r->tok)
		json_tokener_free(r->tok);
	free(r->line);
	free(r);
	return rc;
}
