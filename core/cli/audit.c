/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard audit`: which lookalikes of the protected names exist today,
 * and which of them would receive mail.
 *
 * Design.  The index is built as for `typoguard score` (a typoguard.conf's
 * lists, or --protected/--allow files).  For every protected entry,
 * tg_enumerate() yields the lookalikes the scorer itself flags (verdict log
 * or block); they are stored in one array, in enumeration order, before any
 * query is sent, so the total for the progress line is known.
 *
 * Each candidate then runs a small state machine over libunbound's
 * asynchronous API (ub_resolve_async; ub_fd polled, ub_process delivers the
 * callbacks in this thread, so nothing here is shared between threads):
 *
 *   1. NS of the candidate: NXDOMAIN means the name does not exist (its
 *      registrable domain is not registered, or it is and has no such
 *      name): done, not reported.  NOERROR means it exists (an NS answer
 *      means it is a delegated zone).  SERVFAIL, REFUSED or a timeout are
 *      recorded and reported for that name; nothing else happens to it.
 *   2. MX, A and AAAA of an existing candidate.
 *   3. A and AAAA of each MX target (at most TG_AUDIT_MAX_MX), which is
 *      also scored: an MX target that is itself a lookalike is flagged.
 *
 * Queries wait in a FIFO (follow-ups of started candidates first, then the
 * next candidate) and leave it only while fewer than --concurrency are
 * outstanding and the token bucket (--qps, burst of a tenth of a second)
 * has a token.  A new candidate starts only while fewer than --concurrency
 * candidates are active, which bounds the FIFO.  Every query has a deadline
 * (--timeout); an expired one is cancelled (ub_cancel) and counts as a
 * timeout for its name.  Before the first candidate, one probe (". NS")
 * must be answered, so a dead resolver is one clear error, not thousands of
 * per-name timeouts.
 *
 * Output: json, csv and list stream in enumeration order (a candidate is
 * printed once it and every earlier one are done); text is an aligned
 * table printed at the end.  On a terminal, a progress line (done/total,
 * rate, ETA) is redrawn on stderr about four times a second and erased
 * before anything else is written there; stdout never sees it.
 *
 * Mail: RFC 7505 null MX (a single MX "0 .") accepts no mail; a name with
 * MX records receives mail at their targets; a name without MX but with an
 * address receives mail there too (RFC 5321 section 5.1, implicit MX).
 */
#include "tg_config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <unbound.h>

#include "audit_internal.h"
#include "cli.h"
#include "typoguard.h"
#include "util_internal.h"

/* ------------------------------------------------------------------ caps */

/** Most candidates in one audit, over all protected names. */
#define TG_AUDIT_MAX_NAMES 1000000u
/** Most protected names audited in one run. */
#define TG_AUDIT_MAX_PROTECTED 100000u
/** Most MX targets followed per name (more are counted, not resolved). */
#define TG_AUDIT_MAX_MX 8
/** Most addresses kept per A or AAAA set, and NS hosts per name. */
#define TG_AUDIT_MAX_ADDRS 16
#define TG_AUDIT_MAX_NS	   8
/** Limits of the numeric options. */
#define TG_AUDIT_MAX_CONCURRENCY 1024
#define TG_AUDIT_MAX_QPS	 100000
#define TG_AUDIT_MIN_TIMEOUT	 100
#define TG_AUDIT_MAX_TIMEOUT	 600000
/** Defaults. */
#define TG_AUDIT_DEF_CONCURRENCY 32
#define TG_AUDIT_DEF_QPS	 200
#define TG_AUDIT_DEF_TIMEOUT	 5000
/** The probe waits at most this long (or --timeout, if shorter). */
#define TG_AUDIT_PROBE_MS 3000
/** A query whose cancel failed must be delivered within this grace. */
#define TG_AUDIT_GRACE_MS 10000
/** Progress refresh period and the deadline scan period. */
#define TG_AUDIT_PROGRESS_MS 250
#define TG_AUDIT_SCAN_MS     50

/** DNS types and rcodes used here. */
enum {
	TG_T_A = 1,
	TG_T_NS = 2,
	TG_T_MX = 15,
	TG_T_AAAA = 28
};

/** Outcome of a name (its worst query). */
typedef enum astatus {
	TG_AS_PENDING = 0,
	TG_AS_OK,	/**< every query answered NOERROR/NODATA */
	TG_AS_NXDOMAIN, /**< the candidate does not exist */
	TG_AS_SERVFAIL,
	TG_AS_REFUSED,
	TG_AS_TIMEOUT, /**< no answer within --timeout */
	TG_AS_ERROR    /**< another rcode, or a libunbound error */
} astatus;

static const char *const astatus_names[] = {
    "pending", "ok", "nxdomain", "servfail", "refused", "timeout", "error"};

/** Output formats. */
typedef enum afmt {
	TG_AF_TEXT = 0,
	TG_AF_JSON,
	TG_AF_CSV,
	TG_AF_LIST
} afmt;

/** One address: family 4 or 6 and its bytes. */
typedef struct audit_addr {
	uint8_t fam;
	uint8_t b[16];
} audit_addr;

/** A set of addresses (A or AAAA of one owner). */
typedef struct addrs {
	size_t n;
	audit_addr a[TG_AUDIT_MAX_ADDRS];
} addrs;

/** One MX record of a candidate. */
typedef struct audit_mx {
	uint16_t pref;
	char host[TG_NAME_BUF]; /**< presentation, lowercase; "." for null */
	addrs addr;		/**< A then AAAA of host */
	int lookalike;		/**< host scores log or block */
	int score;		/**< its score */
	char imitates[TG_NAME_BUF]; /**< protected name it imitates */
} audit_mx;

/** What an existing candidate has in the DNS. */
typedef struct audit_facts {
	int delegated; /**< NS answer at the name itself */
	size_t nns;
	char ns[TG_AUDIT_MAX_NS][TG_NAME_BUF];
	char cname[TG_NAME_BUF]; /**< final CNAME target, "" if none */
	size_t nmx;		 /**< kept MX records */
	size_t mx_total;	 /**< MX records in the answer */
	int null_mx;		 /**< RFC 7505 */
	audit_mx mx[TG_AUDIT_MAX_MX];
	addrs a, aaaa;
} audit_facts;

/** One lookalike candidate. */
typedef struct audit_cand {
	char *name;	    /**< owned, lowercase, no trailing dot */
	uint32_t prot;	    /**< index into audit.prot */
	unsigned classes;   /**< TG_C_* */
	uint8_t score;	    /**< 0..100 */
	uint8_t verdict;    /**< tg_verdict */
	uint8_t status;	    /**< astatus */
	uint8_t exists;	    /**< NS query answered NOERROR */
	uint8_t done;	    /**< no query queued or outstanding */
	uint16_t fail_type; /**< qtype of the first failed query */
	int8_t fail_mx;	    /**< -1: the name itself, else MX index */
	uint16_t pending;   /**< queries queued or outstanding */
	audit_facts *facts; /**< owned; only for existing names */
} audit_cand;

/** A query waiting to be sent. */
typedef struct work {
	uint32_t cand;
	int16_t mx; /**< -1: the candidate's own name */
	uint16_t qtype;
} work;

struct audit;

/** One outstanding query (a slot of --concurrency). */
typedef struct audit_slot {
	struct audit *au;
	work w;
	int busy;
	int async_id;
	int cancel_failed; /**< expired, but ub_cancel said it is delivered */
	uint64_t deadline; /**< monotonic ms */
} audit_slot;

/** The whole run. */
typedef struct audit {
	/* options */
	cli_opts lists; /**< lists, thresholds, TLD pairs (cli_parse_opts) */
	const char *resolver; /**< NULL: /etc/resolv.conf */
	unsigned concurrency, qps, timeout_ms;
	afmt fmt;
	/* model */
	tg_list *list;
	tg_index *idx;
	tg_strtab prot;	   /**< protected names (TG_AUDIT_MAX_PROTECTED) */
	uint32_t cur_prot; /**< protected name being enumerated */
	audit_cand *c;	   /**< candidates, owned */
	size_t n, cap;
	int too_many;
	int nomem; /**< an allocation failed while enumerating */
	/* resolver */
	struct ub_ctx *ub;
	audit_slot *slots; /**< concurrency of them */
	size_t outstanding;
	work *fifo; /**< ring of queued follow-ups */
	size_t fcap, fhead, flen;
	size_t next_start; /**< next candidate to start */
	size_t active;	   /**< started, not done */
	size_t done;
	size_t next_print;
	double tokens, burst;
	uint64_t refill_at;
	int fatal; /**< a libunbound call failed: stop */
	/* accounting */
	uint64_t t0;
	unsigned long queries;
	size_t n_exist, n_failed;
	/* progress */
	int tty;
	uint64_t progress_at;
} audit;

/* ---------------------------------------------------------------- helpers */

/** A progress line is on the terminal (stderr) and must be erased before
 *  anything else goes there. */
static int progress_shown;

/** Print "typoguard: message" to stderr (after erasing progress). */
static void aerr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void aerr(const char *fmt, ...)
{
	va_list ap;

	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
	fputs("typoguard: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/** Monotonic milliseconds. */
static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/** tg_parse_uint() into an unsigned; 0 on success. */
static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	uint64_t v;

	if (tg_parse_uint(s, lo, hi, &v) != TG_OK)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static const char *qtype_name(unsigned t)
{
	switch (t) {
	case TG_T_A:
		return "A";
	case TG_T_NS:
		return "NS";
	case TG_T_MX:
		return "MX";
	case TG_T_AAAA:
		return "AAAA";
	default:
		return "?";
	}
}

/**
 * An uncompressed wire name of \p len bytes (NS and MX targets) in
 * presentation format as typoguard writes names everywhere
 * (tg_name_format(): lowercase, no trailing dot, "." for the root, \DDD and
 * \. for special bytes).  Returns 0, or -1 for a malformed name or one
 * that does not fit \p cap bytes whole.
 */
static int wire_name(const uint8_t *w, size_t len, char *out, size_t cap)
{
	char full[TG_NAME_BUF * 4];

	if (cap == 0 || tg_name_format(w, len, full, sizeof(full)) != TG_OK ||
	    strlen(full) >= cap)
		return -1;
	memcpy(out, full, strlen(full) + 1);
	return 0;
}

/** Add the addresses of an A or AAAA answer to \p set (capped). */
static void take_addrs(const struct ub_result *res, addrs *set)
{
	size_t want = res->qtype == TG_T_A ? 4 : 16;
	int i;

	for (i = 0; res->havedata && res->data[i] != NULL; i++) {
		if ((size_t)res->len[i] != want || set->n >= TG_AUDIT_MAX_ADDRS)
			continue;
		set->a[set->n].fam = want == 4 ? 4 : 6;
		memcpy(set->a[set->n].b, res->data[i], want);
		set->n++;
	}
}

static void addr_text(const audit_addr *a, char *buf, size_t len)
{
	if (inet_ntop(a->fam == 4 ? AF_INET : AF_INET6, a->b, buf,
		      (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* --------------------------------------------------------------- progress */

static void progress_clear(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		progress_shown = 0;
	}
}

static void progress(audit *au, uint64_t now, int force)
{
	double secs, rate;
	size_t left;

	if (!au->tty || (!force && now < au->progress_at))
		return;
	au->progress_at = now + TG_AUDIT_PROGRESS_MS;
	secs = (double)(now - au->t0) / 1000.0;
	rate = secs > 0.05 ? (double)au->done / secs : 0.0;
	left = au->n - au->done;
	fprintf(stderr,
		"\r\033[Kaudit: %zu/%zu names (%zu%%), %.0f names/s, "
		"%lu queries, %zu exist",
		au->done, au->n, au->n ? au->done * 100 / au->n : 100, rate,
		au->queries, au->n_exist);
	if (rate > 0.0 && left > 0) {
		unsigned long eta = (unsigned long)((double)left / rate + 0.5);

		fprintf(stderr, ", ETA %lu:%02lu", eta / 60, eta % 60);
	}
	fflush(stderr);
	progress_shown = 1;
}

/* ----------------------------------------------------------------- output */

/** One CSV field, quoted when it holds a comma, quote, CR or LF. */
static void acsv_field(FILE *out, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n") != NULL) {
		putc('"', out);
		for (; *s != '\0'; s++) {
			if (*s == '"')
				putc('"', out);
			putc(*s, out);
		}
		putc('"', out);
	} else {
		fputs(s, out);
	}
	putc(last ? '\n' : ',', out);
}

/** How the name would take mail. */
static const char *audit_mail(const audit_cand *c)
{
	const audit_facts *f = c->facts;
	size_t i;

	if (f == NULL)
		return "unknown";
	if (f->null_mx)
		return "null-mx";
	if (f->mx_total > 0) {
		for (i = 0; i < f->nmx; i++)
			if (f->mx[i].addr.n > 0)
				return "mx";
		return "mx-unresolved";
	}
	if (f->a.n + f->aaaa.n > 0)
		return "implicit";
	return "no";
}

/** "servfail" or "servfail (MX mx.army.ml)" into buf. */
static void status_text(const audit_cand *c, char *buf, size_t len, int detail)
{
	const char *st = astatus_names[c->status];

	if (!detail || c->status == TG_AS_OK || c->fail_type == 0)
		snprintf(buf, len, "%s", st);
	else if (c->fail_mx >= 0 && c->facts != NULL)
		snprintf(buf, len, "%s(%s %s)", st, qtype_name(c->fail_type),
			 c->facts->mx[c->fail_mx].host);
	else
		snprintf(buf, len, "%s(%s)", st, qtype_name(c->fail_type));
}

/** The query that failed: "NS", or "A mx.army.ml" for an MX target. */
static const char *failed_query(const audit_cand *c, char *buf, size_t len)
{
	if (c->fail_mx >= 0 && c->facts != NULL)
		snprintf(buf, len, "%s %s", qtype_name(c->fail_type),
			 c->facts->mx[c->fail_mx].host);
	else
		snprintf(buf, len, "%s", qtype_name(c->fail_type));
	return buf;
}

/** Space-separated addresses of a set into buf (appending). */
static void addrs_cat(const addrs *s, char *buf, size_t len)
{
	size_t i, o = strlen(buf);
	char t[INET6_ADDRSTRLEN];

	for (i = 0; i < s->n && o + 1 < len; i++) {
		addr_text(&s->a[i], t, sizeof(t));
		o +=
		    (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "", t);
	}
}

static void json_addrs(FILE *out, const addrs *s, int fam)
{
	size_t i;
	int first = 1;
	char t[INET6_ADDRSTRLEN];

	putc('[', out);
	for (i = 0; i < s->n; i++) {
		if (fam != 0 && s->a[i].fam != fam)
			continue;
		addr_text(&s->a[i], t, sizeof(t));
		fprintf(out, "%s\"%s\"", first ? "" : ",", t);
		first = 0;
	}
	putc(']', out);
}

static void print_json(const audit *au, const audit_cand *c, FILE *out)
{
	const audit_facts *f = c->facts;
	unsigned b;
	size_t i;
	int first = 1;

	fputs("{\"name\":", out);
	cli_json_string(out, c->name);
	fputs(",\"protected\":", out);
	cli_json_string(out, au->prot.s[c->prot]);
	fprintf(out, ",\"score\":%u,\"verdict\":\"%s\",\"classes\":[", c->score,
		tg_verdict_name((tg_verdict)c->verdict));
	for (b = 0; b < TG_C_COUNT; b++) {
		if ((c->classes & (1u << b)) == 0)
			continue;
		fprintf(out, "%s\"%s\"", first ? "" : ",",
			tg_class_name(1u << b));
		first = 0;
	}
	fprintf(out, "],\"status\":\"%s\",\"failed_query\":",
		astatus_names[c->status]);
	if (c->status != TG_AS_OK && c->fail_type != 0) {
		char q[TG_NAME_BUF + 8];

		cli_json_string(out, failed_query(c, q, sizeof(q)));
	} else {
		fputs("null", out);
	}
	if (f == NULL) {
		fputs(",\"exists\":null,\"mail\":null}\n", out);
		return;
	}
	fprintf(out, ",\"exists\":true,\"delegated\":%s,\"ns\":[",
		f->delegated ? "true" : "false");
	for (i = 0; i < f->nns; i++) {
		if (i)
			putc(',', out);
		cli_json_string(out, f->ns[i]);
	}
	fputs("],\"cname\":", out);
	if (f->cname[0] != '\0')
		cli_json_string(out, f->cname);
	else
		fputs("null", out);
	fprintf(out,
		",\"mail\":\"%s\",\"null_mx\":%s,\"mx_count\":%zu,\"mx\":[",
		audit_mail(c), f->null_mx ? "true" : "false", f->mx_total);
	for (i = 0; i < f->nmx; i++) {
		const audit_mx *m = &f->mx[i];

		fprintf(out, "%s{\"preference\":%u,\"host\":", i ? "," : "",
			m->pref);
		cli_json_string(out, m->host);
		fputs(",\"a\":", out);
		json_addrs(out, &m->addr, 4);
		fputs(",\"aaaa\":", out);
		json_addrs(out, &m->addr, 6);
		fprintf(out, ",\"lookalike\":%s,\"imitates\":",
			m->lookalike ? "true" : "false");
		if (m->lookalike)
			cli_json_string(out, m->imitates);
		else
			fputs("null", out);
		fprintf(out, ",\"score\":%d}", m->score);
	}
	fputs("],\"a\":", out);
	json_addrs(out, &f->a, 0);
	fputs(",\"aaaa\":", out);
	json_addrs(out, &f->aaaa, 0);
	fputs("}\n", out);
}

static const char csv_header[] =
    "name,protected,score,verdict,classes,status,failed_query,exists,mail,"
    "null_mx,mx,mx_addresses,mx_lookalikes,a,aaaa,ns,cname\n";

static void print_csv(const audit *au, const audit_cand *c, FILE *out)
{
	const audit_facts *f = c->facts;
	char buf[4096], st[TG_NAME_BUF + 32];
	size_t i, o;

	acsv_field(out, c->name, 0);
	acsv_field(out, au->prot.s[c->prot], 0);
	fprintf(out, "%u,%s,", c->score,
		tg_verdict_name((tg_verdict)c->verdict));
	tg_classes_format(c->classes, " ", buf, sizeof(buf));
	acsv_field(out, buf, 0);
	fprintf(out, "%s,", astatus_names[c->status]);
	acsv_field(out,
		   c->status == TG_AS_OK ? "" : failed_query(c, st, sizeof(st)),
		   0);
	if (f == NULL) {
		fputs("unknown,,,,,,,,,\n", out);
		return;
	}
	fprintf(out, "yes,%s,%s,", audit_mail(c), f->null_mx ? "yes" : "no");
	for (i = 0, o = 0, buf[0] = '\0'; i < f->nmx && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%u:%s",
				      i ? " " : "", f->mx[i].pref,
				      f->mx[i].host);
	acsv_field(out, buf, 0);
	for (i = 0, buf[0] = '\0'; i < f->nmx; i++)
		addrs_cat(&f->mx[i].addr, buf, sizeof(buf));
	acsv_field(out, buf, 0);
	for (i = 0, o = 0, buf[0] = '\0'; i < f->nmx && o < sizeof(buf); i++)
		if (f->mx[i].lookalike)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
					      o ? " " : "", f->mx[i].host);
	acsv_field(out, buf, 0);
	buf[0] = '\0';
	addrs_cat(&f->a, buf, sizeof(buf));
	acsv_field(out, buf, 0);
	buf[0] = '\0';
	addrs_cat(&f->aaaa, buf, sizeof(buf));
	acsv_field(out, buf, 0);
	for (i = 0, o = 0, buf[0] = '\0'; i < f->nns && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
				      i ? " " : "", f->ns[i]);
	acsv_field(out, buf, 0);
	acsv_field(out, f->cname, 1);
}

/** Is candidate \p c a row of the report? */
static int reported(const audit_cand *c)
{
	return c->exists ||
	       (c->status != TG_AS_OK && c->status != TG_AS_NXDOMAIN &&
		c->status != TG_AS_PENDING);
}

/** Stream finished candidates, in order (json, csv, list). */
static void flush_ready(audit *au)
{
	FILE *out = stdout;

	if (au->fmt == TG_AF_TEXT)
		return;
	for (; au->next_print < au->n && au->c[au->next_print].done;
	     au->next_print++) {
		const audit_cand *c = &au->c[au->next_print];

		if (!reported(c))
			continue;
		if (au->fmt == TG_AF_JSON)
			print_json(au, c, out);
		else if (au->fmt == TG_AF_CSV)
			print_csv(au, c, out);
		else if (c->exists)
			fprintf(out, "%s\n", c->name);
	}
}

/** The aligned table of `--format text`, after the run. */
static void print_text(const audit *au, FILE *out)
{
	size_t wn = 4, wp = 8, wc = 7, ws = 6, i, j, mail = 0;
	char buf[1024], st[TG_NAME_BUF + 32];

	for (i = 0; i < au->n; i++) {
		const audit_cand *c = &au->c[i];
		size_t l;

		if (!reported(c))
			continue;
		if ((l = strlen(c->name)) > wn)
			wn = l;
		if ((l = strlen(au->prot.s[c->prot])) > wp)
			wp = l;
		if ((l = tg_classes_format(c->classes, ",", buf, sizeof(buf))) >
		    wc)
			wc = l;
		status_text(c, st, sizeof(st), 1);
		if ((l = strlen(st)) > ws)
			ws = l;
	}
	fprintf(out, "%-*s  %-*s  %5s  %-*s  %-*s  %-13s  %s\n", (int)wn,
		"NAME", (int)wp, "IMITATES", "SCORE", (int)wc, "CLASSES",
		(int)ws, "STATUS", "MAIL", "ADDRESSES");
	for (i = 0; i < au->n; i++) {
		const audit_cand *c = &au->c[i];
		const audit_facts *f = c->facts;

		if (!reported(c))
			continue;
		tg_classes_format(c->classes, ",", buf, sizeof(buf));
		status_text(c, st, sizeof(st), 1);
		fprintf(out, "%-*s  %-*s  %5u  %-*s  %-*s  %-13s  ", (int)wn,
			c->name, (int)wp, au->prot.s[c->prot], c->score,
			(int)wc, buf, (int)ws, st, f ? audit_mail(c) : "-");
		buf[0] = '\0';
		if (f != NULL) {
			addrs_cat(&f->a, buf, sizeof(buf));
			addrs_cat(&f->aaaa, buf, sizeof(buf));
		}
		fprintf(out, "%s\n", buf[0] ? buf : "-");
		if (f == NULL)
			continue;
		if (strcmp(audit_mail(c), "mx") == 0 ||
		    strcmp(audit_mail(c), "implicit") == 0)
			mail++;
		if (f->cname[0] != '\0')
			fprintf(out, "    CNAME %s\n", f->cname);
		for (j = 0; j < f->nmx; j++) {
			const audit_mx *m = &f->mx[j];

			if (f->null_mx) {
				fprintf(out, "    MX 0 .  null MX (RFC 7505): "
					     "accepts no mail\n");
				continue;
			}
			buf[0] = '\0';
			addrs_cat(&m->addr, buf, sizeof(buf));
			fprintf(out, "    MX %u %s  %s", m->pref, m->host,
				buf[0] ? buf : "(no address)");
			if (m->lookalike)
				fprintf(out, "  lookalike of %s (score %d)",
					m->imitates, m->score);
			putc('\n', out);
		}
		if (f->mx_total > f->nmx)
			fprintf(out, "    (%zu more MX records not followed)\n",
				f->mx_total - f->nmx);
	}
	fprintf(out,
		"%zu candidate%s of %zu protected name%s checked with %lu "
		"queries: %zu exist, %zu would receive mail, %zu could not "
		"be resolved\n",
		au->n, au->n == 1 ? "" : "s", au->prot.n,
		au->prot.n == 1 ? "" : "s", au->queries, au->n_exist, mail,
		au->n_failed);
}

/* ---------------------------------------------------------------- engine */

/** Queue a query for candidate \p ci (mx -1: the name itself). */
static void enqueue(audit *au, size_t ci, int mx, uint16_t qtype)
{
	work *w;

	/* the FIFO holds at most 3 + 2 * TG_AUDIT_MAX_MX follow-ups per
	 * active candidate, and at most concurrency candidates are active */
	if (au->flen >= au->fcap) {
		au->fatal = 1; /* cannot happen: sized for the worst case */
		return;
	}
	w = &au->fifo[(au->fhead + au->flen) % au->fcap];
	w->cand = (uint32_t)ci;
	w->mx = (int16_t)mx;
	w->qtype = qtype;
	au->flen++;
	au->c[ci].pending++;
}

/** Record a failure for a candidate (the first one is kept). */
static void fail(audit_cand *c, astatus st, const work *w)
{
	if (c->status == TG_AS_OK || c->status == TG_AS_PENDING) {
		c->status = (uint8_t)st;
		c->fail_type = w->qtype;
		c->fail_mx = (int8_t)w->mx;
	}
}

static void finish_query(audit *au, const work *w)
{
	audit_cand *c = &au->c[w->cand];

	if (--c->pending > 0)
		return;
	c->done = 1;
	if (c->status == TG_AS_PENDING)
		c->status = TG_AS_OK;
	if (c->exists)
		au->n_exist++;
	if (c->status != TG_AS_OK && c->status != TG_AS_NXDOMAIN)
		au->n_failed++;
	au->active--;
	au->done++;
}

/** The answer to the NS query of a candidate. */
static void on_ns(audit *au, audit_cand *c, const work *w,
		  const struct ub_result *res)
{
	audit_facts *f;
	size_t ci = w->cand;
	int i;

	if (res->rcode == 3 /* NXDOMAIN */) {
		c->status = TG_AS_NXDOMAIN;
		return;
	}
	f = calloc(1, sizeof(*f));
	if (f == NULL) {
		au->fatal = 1;
		return;
	}
	c->facts = f;
	c->exists = 1;
	if (res->canonname != NULL && res->qname != NULL &&
	    strcasecmp(res->canonname, res->qname) != 0) {
		ldns_rdf *rdf = NULL;
		size_t l;

		/* libunbound gives the target in presentation format: read
		 * it back to wire so that it is written as every name is;
		 * else (never seen) keep its text, lowercase, without the
		 * final dot */
		if (ldns_str2rdf_dname(&rdf, res->canonname) !=
			LDNS_STATUS_OK ||
		    wire_name(ldns_rdf_data(rdf), ldns_rdf_size(rdf), f->cname,
			      sizeof(f->cname)) != 0) {
			snprintf(f->cname, sizeof(f->cname), "%s",
				 res->canonname);
			l = strlen(f->cname);
			if (l > 1 && f->cname[l - 1] == '.')
				f->cname[l - 1] = '\0';
			for (l = 0; f->cname[l] != '\0'; l++)
				if (f->cname[l] >= 'A' && f->cname[l] <= 'Z')
					f->cname[l] = (char)(f->cname[l] + 32);
		}
		ldns_rdf_deep_free(rdf);
	}
	for (i = 0; res->havedata && res->data[i] != NULL; i++) {
		if (f->cname[0] == '\0')
			f->delegated = 1;
		if (f->nns < TG_AUDIT_MAX_NS &&
		    wire_name((const uint8_t *)res->data[i],
			      (size_t)res->len[i], f->ns[f->nns],
			      TG_NAME_BUF) == 0)
			f->nns++;
	}
	enqueue(au, ci, -1, TG_T_MX);
	enqueue(au, ci, -1, TG_T_A);
	enqueue(au, ci, -1, TG_T_AAAA);
}

/** The MX answer of a candidate: keep, score and follow the targets. */
static void on_mx(audit *au, audit_cand *c, const work *w,
		  const struct ub_result *res)
{
	audit_facts *f = c->facts;
	int i;

	for (i = 0; res->havedata && res->data[i] != NULL; i++) {
		const uint8_t *d = (const uint8_t *)res->data[i];
		size_t len = (size_t)res->len[i];
		audit_mx *m;
		size_t k;
		int dup = 0;

		if (len < 3)
			continue;
		f->mx_total++;
		if (f->nmx >= TG_AUDIT_MAX_MX)
			continue;
		m = &f->mx[f->nmx];
		m->pref = (uint16_t)(d[0] << 8 | d[1]);
		if (wire_name(d + 2, len - 2, m->host, sizeof(m->host)) != 0) {
			f->mx_total--;
			continue;
		}
		for (k = 0; k < f->nmx; k++)
			dup |= strcmp(f->mx[k].host, m->host) == 0;
		if (dup)
			continue;
		f->nmx++;
	}
	f->null_mx = f->mx_total == 1 && f->nmx == 1 && f->mx[0].pref == 0 &&
		     strcmp(f->mx[0].host, ".") == 0;
	for (i = 0; (size_t)i < f->nmx; i++) {
		audit_mx *m = &f->mx[i];
		tg_result r;

		if (strcmp(m->host, ".") == 0)
			continue;
		if (tg_score_name(au->idx, m->host, &r) == TG_OK) {
			m->score = r.score;
			m->lookalike = r.verdict >= TG_VERDICT_LOG &&
				       !r.allowlisted && !r.is_protected;
			if (m->lookalike)
				snprintf(m->imitates, sizeof(m->imitates), "%s",
					 r.protected_name);
		}
		enqueue(au, w->cand, i, TG_T_A);
		enqueue(au, w->cand, i, TG_T_AAAA);
	}
}

/** Map an answer's rcode to a status; TG_AS_OK for NOERROR. */
static astatus rcode_status(int rcode)
{
	switch (rcode) {
	case 0:
		return TG_AS_OK;
	case 2:
		return TG_AS_SERVFAIL;
	case 3:
		return TG_AS_NXDOMAIN;
	case 5:
		return TG_AS_REFUSED;
	default:
		return TG_AS_ERROR;
	}
}

/** Handle one finished query (res NULL: timeout or libunbound error). */
static void on_answer(audit *au, const work *w, astatus failed,
		      const struct ub_result *res)
{
	audit_cand *c = &au->c[w->cand];
	astatus st = res != NULL ? rcode_status(res->rcode) : failed;

	if (w->qtype == TG_T_NS && w->mx < 0) {
		if (st == TG_AS_OK || st == TG_AS_NXDOMAIN)
			on_ns(au, c, w, res);
		else
			fail(c, st, w);
	} else if (st != TG_AS_OK && st != TG_AS_NXDOMAIN) {
		fail(c, st, w);
	} else if (res != NULL && w->qtype == TG_T_MX && w->mx < 0) {
		on_mx(au, c, w, res);
	} else if (res != NULL && w->mx < 0) {
		take_addrs(res,
			   w->qtype == TG_T_A ? &c->facts->a : &c->facts->aaaa);
	} else if (res != NULL) {
		take_addrs(res, &c->facts->mx[w->mx].addr);
	}
	finish_query(au, w);
}

static void ub_callback(void *mydata, int err, struct ub_result *res)
{
	audit_slot *s = mydata;
	audit *au = s->au;
	work w = s->w;

	s->busy = 0;
	au->outstanding--;
	if (err != 0 || res == NULL)
		on_answer(au, &w, TG_AS_ERROR, NULL);
	else
		on_answer(au, &w, TG_AS_OK, res);
	ub_resolve_free(res);
}

/** The name a work item asks for. */
static const char *work_name(const audit *au, const work *w)
{
	const audit_cand *c = &au->c[w->cand];

	return w->mx < 0 ? c->name : c->facts->mx[w->mx].host;
}

/** Send queued queries while slots and tokens allow. */
static void audit_send(audit *au, uint64_t now)
{
	size_t si = 0;

	if (au->qps > 0) {
		au->tokens += (double)(now - au->refill_at) * au->qps / 1000.0;
		if (au->tokens > au->burst)
			au->tokens = au->burst;
		au->refill_at = now;
	}
	while (!au->fatal && au->outstanding < au->concurrency &&
	       (au->qps == 0 || au->tokens >= 1.0)) {
		work w;
		audit_slot *s;
		int rc;

		if (au->flen > 0) {
			w = au->fifo[au->fhead];
			au->fhead = (au->fhead + 1) % au->fcap;
			au->flen--;
		} else if (au->next_start < au->n &&
			   au->active < au->concurrency) {
			size_t ci = au->next_start++;

			au->active++;
			au->c[ci].fail_mx = -1;
			enqueue(au, ci, -1, TG_T_NS);
			continue;
		} else {
			break;
		}
		while (au->slots[si].busy)
			si++; /* outstanding < concurrency: one is free */
		s = &au->slots[si];
		s->w = w;
		s->busy = 1;
		s->cancel_failed = 0;
		s->deadline = now + au->timeout_ms;
		rc = ub_resolve_async(au->ub, work_name(au, &w), w.qtype, 1, s,
				      ub_callback, &s->async_id);
		au->queries++;
		if (au->qps > 0)
			au->tokens -= 1.0;
		if (rc != 0) {
			s->busy = 0;
			on_answer(au, &w, TG_AS_ERROR, NULL);
			continue;
		}
		au->outstanding++;
	}
}

/** Cancel queries past their deadline: a timeout for their names. */
static void expire(audit *au, uint64_t now)
{
	size_t i;

	for (i = 0; i < au->concurrency; i++) {
		audit_slot *s = &au->slots[i];
		work w;

		if (!s->busy || now < s->deadline)
			continue;
		if (s->cancel_failed) {
			/* delivered but never handed to us: give up */
			aerr("resolver library lost a query for %s",
			     work_name(au, &s->w));
			au->fatal = 1;
			return;
		}
		if (ub_cancel(au->ub, s->async_id) != 0) {
			/* already delivered: ub_process hands it over */
			s->cancel_failed = 1;
			s->deadline = now + TG_AUDIT_GRACE_MS;
			continue;
		}
		w = s->w;
		s->busy = 0;
		au->outstanding--;
		on_answer(au, &w, TG_AS_TIMEOUT, NULL);
	}
}

/** Wait for the next event: an answer, a token, a deadline, progress. */
static int audit_wait(audit *au, uint64_t now)
{
	struct pollfd pfd;
	int ms = TG_AUDIT_SCAN_MS;

	if (au->qps > 0 && au->tokens < 1.0 &&
	    (au->flen > 0 || au->next_start < au->n)) {
		int need = (int)((1.0 - au->tokens) * 1000.0 / au->qps) + 1;

		if (need < ms)
			ms = need;
	}
	(void)now;
	pfd.fd = ub_fd(au->ub);
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, ms) < 0 && errno != EINTR) {
		aerr("poll: %s", strerror(errno));
		return -1;
	}
	if (pfd.revents != 0) {
		int rc = ub_process(au->ub);

		if (rc != 0) {
			aerr("resolver library: %s", ub_strerror(rc));
			return -1;
		}
	}
	return 0;
}

/* ----------------------------------------------------------------- probe */

struct probe {
	int done;
	int err;
	int rcode;
};

static void probe_cb(void *mydata, int err, struct ub_result *res)
{
	struct probe *p = mydata;

	p->done = 1;
	p->err = err;
	p->rcode = res != NULL ? res->rcode : -1;
	ub_resolve_free(res);
}

/**
 * One ". NS" query with a short deadline.  Returns 0 if the resolver
 * answered NOERROR, else reports and returns -1.
 */
static int probe_resolver(audit *au, const char *label)
{
	struct probe p = {0, 0, 0};
	unsigned wait = au->timeout_ms < TG_AUDIT_PROBE_MS ? au->timeout_ms
							   : TG_AUDIT_PROBE_MS;
	uint64_t end = now_ms() + wait;
	int id, rc, cancel_failed = 0;

	rc = ub_resolve_async(au->ub, ".", TG_T_NS, 1, &p, probe_cb, &id);
	if (rc != 0) {
		aerr("resolver %s: %s", label, ub_strerror(rc));
		return -1;
	}
	au->queries++;
	while (!p.done) {
		uint64_t now = now_ms();
		struct pollfd pfd;

		if (now >= end) {
			if (cancel_failed || ub_cancel(au->ub, id) == 0) {
				aerr("resolver %s does not answer (no reply "
				     "to '. NS' within %u ms)",
				     label, wait);
				return -1;
			}
			/* already answered: ub_process delivers it */
			cancel_failed = 1;
			end = now + TG_AUDIT_GRACE_MS;
			continue;
		}
		pfd.fd = ub_fd(au->ub);
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)(end - now)) < 0 && errno != EINTR) {
			aerr("poll: %s", strerror(errno));
			return -1;
		}
		if (pfd.revents != 0 && (rc = ub_process(au->ub)) != 0) {
			aerr("resolver library: %s", ub_strerror(rc));
			return -1;
		}
	}
	if (p.err != 0) {
		aerr("resolver %s does not answer (%s)", label,
		     ub_strerror(p.err));
		return -1;
	}
	if (p.rcode != 0) {
		aerr("resolver %s does not answer ('. NS' failed: %s)", label,
		     p.rcode == 2   ? "SERVFAIL"
		     : p.rcode == 5 ? "REFUSED"
				    : "unexpected rcode");
		return -1;
	}
	return 0;
}

/**
 * Create the libunbound context: forward to --resolver, or to the
 * nameservers of /etc/resolv.conf.  Returns 0 or -1 (reported).
 */
static int ub_setup(audit *au, char *label, size_t label_len)
{
	char num[32];
	int rc;

	au->ub = ub_ctx_create();
	if (au->ub == NULL) {
		aerr("cannot create a libunbound context");
		return -1;
	}
	/* results are delivered by ub_process() in this thread; the
	 * resolver runs in a thread of its own */
	if ((rc = ub_ctx_async(au->ub, 1)) != 0 ||
	    (rc = ub_ctx_set_option(au->ub, "do-not-query-localhost:", "no")) !=
		0 ||
	    (rc = ub_ctx_set_option(au->ub, "infra-keep-probing:", "yes")) !=
		0) {
		aerr("libunbound: %s", ub_strerror(rc));
		return -1;
	}
	snprintf(num, sizeof(num), "%u", au->concurrency * 2 + 16);
	if ((rc = ub_ctx_set_option(au->ub, "num-queries-per-thread:", num)) !=
		0 ||
	    (rc = ub_ctx_set_option(au->ub, "outgoing-range:", num)) != 0) {
		aerr("libunbound: %s", ub_strerror(rc));
		return -1;
	}
	if (au->resolver != NULL) {
		const char *at = strchr(au->resolver, '@');
		unsigned port;

		if (at != NULL && parse_uint(at + 1, 1, 65535, &port) != 0) {
			aerr("--resolver %s: bad port (expected "
			     "ADDR[@PORT], e.g. 127.0.0.1@5353)",
			     au->resolver);
			return -2;
		}
		rc = ub_ctx_set_fwd(au->ub, au->resolver);
		if (rc != 0) {
			aerr("--resolver %s: %s (expected an IPv4 or IPv6 "
			     "address, optionally @PORT)",
			     au->resolver, ub_strerror(rc));
			return -2;
		}
		snprintf(label, label_len, "%s", au->resolver);
	} else {
		rc = ub_ctx_resolvconf(au->ub, NULL);
		if (rc != 0) {
			aerr("cannot use /etc/resolv.conf: %s%s%s",
			     ub_strerror(rc), rc == UB_READFILE ? ": " : "",
			     rc == UB_READFILE ? strerror(errno) : "");
			return -1;
		}
		snprintf(label, label_len, "of /etc/resolv.conf");
	}
	return 0;
}

/* ------------------------------------------------------------ enumeration */

static int collect_cand(const char *name, const tg_result *res, void *arg)
{
	audit *au = arg;
	audit_cand *c;

	if (au->n >= TG_AUDIT_MAX_NAMES) {
		au->too_many = 1;
		return 1;
	}
	if (au->n == au->cap) {
		size_t ncap = au->cap ? au->cap * 2 : 1024;
		audit_cand *nc = realloc(au->c, ncap * sizeof(*nc));

		if (nc == NULL) {
			au->nomem = 1;
			return 1;
		}
		au->c = nc;
		au->cap = ncap;
	}
	c = &au->c[au->n];
	memset(c, 0, sizeof(*c));
	c->name = strdup(name);
	if (c->name == NULL) {
		au->nomem = 1;
		return 1;
	}
	c->prot = au->cur_prot;
	c->classes = res->classes;
	c->score = (uint8_t)res->score;
	c->verdict = (uint8_t)res->verdict;
	c->fail_mx = -1;
	au->n++;
	return 0;
}

static int collect_prot(const char *name, const char *source,
			unsigned long line, void *arg)
{
	audit *au = arg;

	(void)source;
	(void)line;
	switch (tg_strtab_add(&au->prot, name, NULL)) {
	case TG_OK:
		return 0;
	case TG_ELIMIT:
		au->too_many = 1;
		return 1;
	default:
		au->nomem = 1;
		return 1;
	}
}

/** Build the list and index as `typoguard score` does.  0 or -1. */
static int audit_index(audit *au)
{
	return cli_build_index_list(&au->lists, &au->idx, &au->list, NULL,
				    NULL) == TG_EXIT_OK
		   ? 0
		   : -1;
}

/** Enumerate the candidates of every protected name.  0 or -1. */
static int audit_enumerate(audit *au)
{
	size_t i;
	int rc;

	rc = tg_list_foreach(au->list, TG_LIST_PROTECTED, collect_prot, au);
	if (rc != TG_OK || au->nomem) {
		aerr("listing the protected names: %s",
		     tg_strerror(rc != TG_OK ? rc : TG_ENOMEM));
		return -1;
	}
	if (au->too_many) {
		aerr("more than %u protected names: audit them in parts",
		     TG_AUDIT_MAX_PROTECTED);
		return -1;
	}
	if (au->prot.n == 0) {
		aerr("no protected names to audit");
		return -1;
	}
	for (i = 0; i < au->prot.n; i++) {
		au->cur_prot = (uint32_t)i;
		rc = tg_enumerate(au->idx, au->prot.s[i], TG_VERDICT_LOG, 0,
				  collect_cand, au);
		if (au->too_many) {
			aerr("more than %u lookalike candidates: audit "
			     "fewer protected names at a time",
			     TG_AUDIT_MAX_NAMES);
			return -1;
		}
		if (rc == TG_ENAME) {
			aerr("%s: not a name lookalikes can be enumerated "
			     "for, skipped",
			     au->prot.s[i]);
			continue;
		}
		if (rc != TG_OK || au->nomem) {
			aerr("enumerating %s: %s", au->prot.s[i],
			     tg_strerror(rc != TG_OK ? rc : TG_ENOMEM));
			return -1;
		}
	}
	return 0;
}

/* -------------------------------------------------------------- command */

void audit_usage(FILE *out)
{
	fprintf(out,
		"\noptions of audit:\n"
		"  -c -p -B -a -i -t -b -l --psl --no-builtin-infrastructure\n"
		"                           the lists and thresholds, as for "
		"score\n"
		"  -r, --resolver ADDR[@PORT]  recursive resolver (default: "
		"/etc/resolv.conf)\n"
		"  -n, --concurrency N      outstanding queries, 1..%d "
		"(default %d)\n"
		"  -q, --qps N              queries per second, 0: no limit "
		"(default %d)\n"
		"  -f, --format F           text, json, csv or list "
		"(default text)\n"
		"  -T, --timeout MS         per query, %d..%d (default %d)\n",
		TG_AUDIT_MAX_CONCURRENCY, TG_AUDIT_DEF_CONCURRENCY,
		TG_AUDIT_DEF_QPS, TG_AUDIT_MIN_TIMEOUT, TG_AUDIT_MAX_TIMEOUT,
		TG_AUDIT_DEF_TIMEOUT);
}

static const struct option audit_longopts[] = {
    {"resolver", required_argument, NULL, 'r'},
    {"concurrency", required_argument, NULL, 'n'},
    {"qps", required_argument, NULL, 'q'},
    {"format", required_argument, NULL, 'f'},
    {"timeout", required_argument, NULL, 'T'},
    {NULL, 0, NULL, 0}};

/** The usage of audit alone, for --help and errors. */
static void audit_help(FILE *out)
{
	fprintf(out, "usage: typoguard audit [OPTIONS]\n");
	audit_usage(out);
}

/** cli_extra handler of audit's own options; TG_EXIT_OK or TG_EXIT_USAGE. */
static int audit_opt(int c, const char *arg, void *ctx)
{
	audit *au = ctx;

	switch (c) {
	case 'r':
		au->resolver = arg;
		break;
	case 'n':
		if (parse_uint(arg, 1, TG_AUDIT_MAX_CONCURRENCY,
			       &au->concurrency) != 0) {
			aerr("audit: --concurrency '%s': expected 1..%d", arg,
			     TG_AUDIT_MAX_CONCURRENCY);
			return TG_EXIT_USAGE;
		}
		break;
	case 'q':
		if (parse_uint(arg, 0, TG_AUDIT_MAX_QPS, &au->qps) != 0) {
			aerr("audit: --qps '%s': expected 0..%d (0: no "
			     "limit)",
			     arg, TG_AUDIT_MAX_QPS);
			return TG_EXIT_USAGE;
		}
		break;
	case 'T':
		if (parse_uint(arg, TG_AUDIT_MIN_TIMEOUT, TG_AUDIT_MAX_TIMEOUT,
			       &au->timeout_ms) != 0) {
			aerr("audit: --timeout '%s': expected %d..%d "
			     "milliseconds",
			     arg, TG_AUDIT_MIN_TIMEOUT, TG_AUDIT_MAX_TIMEOUT);
			return TG_EXIT_USAGE;
		}
		break;
	case 'f':
		if (strcmp(arg, "text") == 0)
			au->fmt = TG_AF_TEXT;
		else if (strcmp(arg, "json") == 0)
			au->fmt = TG_AF_JSON;
		else if (strcmp(arg, "csv") == 0)
			au->fmt = TG_AF_CSV;
		else if (strcmp(arg, "list") == 0)
			au->fmt = TG_AF_LIST;
		else {
			aerr("audit: --format '%s': expected text, json, "
			     "csv or list",
			     arg);
			return TG_EXIT_USAGE;
		}
		break;
	}
	return TG_EXIT_OK;
}

/** Parse the options; TG_EXIT_OK, -1 (help printed) or an exit status. */
static int audit_opts(audit *au, int argc, char **argv)
{
	const cli_extra x = {"r:n:q:f:T:", audit_longopts, audit_opt, au,
			     audit_help};
	int rc = cli_parse_opts(argc, argv, &au->lists, &x);

	if (rc != TG_EXIT_OK)
		return rc;
	if (optind < argc) {
		aerr("audit: unexpected argument '%s' (names come from "
		     "--protected or the configuration)",
		     argv[optind]);
		return TG_EXIT_USAGE;
	}
	return TG_EXIT_OK;
}

static void audit_free(audit *au)
{
	size_t i;

	if (au->ub != NULL)
		ub_ctx_delete(au->ub);
	for (i = 0; i < au->n; i++) {
		free(au->c[i].name);
		free(au->c[i].facts);
	}
	free(au->c);
	tg_strtab_free(&au->prot);
	free(au->slots);
	free(au->fifo);
	tg_index_free(au->idx);
	tg_list_free(au->list);
}

/** Resolve every candidate; 0, or -1 on a fatal error (reported). */
static int audit_run(audit *au)
{
	uint64_t now, scan_at = 0;
	size_t i;

	au->slots = calloc(au->concurrency, sizeof(*au->slots));
	au->fcap = (size_t)au->concurrency * (3 + 2 * TG_AUDIT_MAX_MX + 1);
	au->fifo = calloc(au->fcap, sizeof(*au->fifo));
	if (au->slots == NULL || au->fifo == NULL) {
		aerr("%s", tg_strerror(TG_ENOMEM));
		return -1;
	}
	for (i = 0; i < au->concurrency; i++)
		au->slots[i].au = au;
	/* a burst of a tenth of a second; the probe took the first token */
	au->burst = au->qps >= 10 ? au->qps / 10.0 : 1.0;
	au->tokens = au->burst - 1.0;
	au->refill_at = now_ms();
	/* every pass sends, waits at most TG_AUDIT_SCAN_MS, and expires
	 * queries past --timeout, so each name ends within its queries'
	 * deadlines and the loop ends with the last one */
	while (au->done < au->n) {
		now = now_ms();
		audit_send(au, now);
		if (au->fatal)
			break;
		if (audit_wait(au, now) != 0) {
			au->fatal = 1;
			break;
		}
		now = now_ms();
		if (now >= scan_at) {
			expire(au, now);
			scan_at = now + TG_AUDIT_SCAN_MS;
		}
		if (au->fatal)
			break;
		flush_ready(au);
		progress(au, now, 0);
	}
	progress_clear();
	if (au->fatal) {
		aerr("audit stopped after %zu of %zu names", au->done, au->n);
		return -1;
	}
	return 0;
}

int cmd_audit(int argc, char **argv, const char *config)
{
	static char outbuf[1u << 16];
	audit au;
	char label[TG_NAME_BUF + 32];
	double secs;
	int rc;

	memset(&au, 0, sizeof(au));
	au.concurrency = TG_AUDIT_DEF_CONCURRENCY;
	au.qps = TG_AUDIT_DEF_QPS;
	au.timeout_ms = TG_AUDIT_DEF_TIMEOUT;
	tg_strtab_init(&au.prot, TG_AUDIT_MAX_PROTECTED);
	cli_opts_init(&au.lists, config);
	rc = audit_opts(&au, argc, argv);
	if (rc != TG_EXIT_OK)
		return rc < 0 ? TG_EXIT_OK : rc;
	au.tty = isatty(STDERR_FILENO);
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (audit_index(&au) != 0 || audit_enumerate(&au) != 0) {
		audit_free(&au);
		return TG_EXIT_ERROR;
	}
	rc = ub_setup(&au, label, sizeof(label));
	if (rc == 0)
		rc = probe_resolver(&au, label);
	if (rc != 0) {
		audit_free(&au);
		return rc == -2 ? TG_EXIT_USAGE : TG_EXIT_ERROR;
	}
	au.t0 = now_ms();
	if (au.fmt == TG_AF_CSV)
		fputs(csv_header, stdout);
	rc = audit_run(&au);
	secs = (double)(now_ms() - au.t0) / 1000.0;
	if (rc == 0) {
		flush_ready(&au);
		if (au.fmt == TG_AF_TEXT)
			print_text(&au, stdout);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		aerr("write error: %s", strerror(errno));
		rc = -1;
	}
	if (rc == 0 && au.n_failed > 0)
		aerr("audit: %zu name%s could not be fully resolved (see "
		     "the status column)",
		     au.n_failed, au.n_failed == 1 ? "" : "s");
	if (rc == 0 && au.tty)
		fprintf(stderr,
			"audit: %zu names, %lu queries in %.1f s (%.0f "
			"names/s), %zu exist\n",
			au.n, au.queries, secs, secs > 0 ? au.n / secs : 0.0,
			au.n_exist);
	audit_free(&au);
	return rc == 0 ? TG_EXIT_OK : TG_EXIT_ERROR;
}
