/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard export`: the lookalikes of the protected names as an RPZ zone
 * or as Unbound local-zone lines.
 */
#include "tg_config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "cli.h"
#include "util_internal.h"

/* ------------------------------------------------------------- export */

/** Caps on one export: lookalike names and bytes of names in all. */
#define TG_EXPORT_MAX_NAMES 20000000UL
#define TG_EXPORT_MAX_BYTES (1UL << 30)
/** Most distinct list sources named in the header. */
#define TG_EXPORT_MAX_SOURCES (2 * TG_TOOL_MAX_FILES + TG_CONF_MAX_LISTS + 2)
/** TTL of every RPZ record, and the SOA timers. */
#define TG_EXPORT_TTL		 300
#define TG_EXPORT_DEFAULT_ORIGIN "rpz.typoguard."

/** The options of export: the list options, then its own. */
typedef struct export_opts {
	cli_opts l;	    /**< the list options */
	const char *format; /**< "rpz" or "local-zone" */
	size_t limit;	    /**< lookalikes per protected name, 0: all */
	const char *origin; /**< RPZ origin */
	int min_verdict;    /**< tg_verdict, default TG_VERDICT_BLOCK */
	int serial_given;   /**< --serial N */
	uint32_t serial;    /**< its value */
	int date;	    /**< --date: stamp with the current time */
	const char *output; /**< -o FILE, NULL: stdout */
} export_opts;

enum {
	OPT_FORMAT = CLI_OPT_EXTRA,
	OPT_LIMIT,
	OPT_ORIGIN,
	OPT_MIN_VERDICT,
	OPT_SERIAL,
	OPT_DATE
};

static const struct option export_longopts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {"min-verdict", required_argument, NULL, OPT_MIN_VERDICT},
    {"serial", required_argument, NULL, OPT_SERIAL},
    {"date", no_argument, NULL, OPT_DATE},
    {"output", required_argument, NULL, 'o'},
    {NULL, 0, NULL, 0}};

/** cli_extra handler of export's own options; TG_EXIT_OK or
 *  TG_EXIT_USAGE (reported). */
static int export_opt(int c, const char *arg, void *ctx)
{
	export_opts *o = ctx;
	uint64_t v;

	switch (c) {
	case OPT_FORMAT:
		if (strcmp(arg, "rpz") != 0 && strcmp(arg, "local-zone") != 0) {
			cli_warn("--format '%s': expected rpz or local-zone",
				 arg);
			return TG_EXIT_USAGE;
		}
		o->format = arg;
		break;
	case OPT_LIMIT:
		if (tg_parse_uint(arg, 0, 1000000, &v) != TG_OK) {
			cli_warn("--limit '%s': expected an integer 0..1000000 "
				 "(0: no limit)",
				 arg);
			return TG_EXIT_USAGE;
		}
		o->limit = (size_t)v;
		break;
	case OPT_ORIGIN:
		o->origin = arg;
		break;
	case OPT_MIN_VERDICT:
		if (strcmp(arg, "block") == 0) {
			o->min_verdict = TG_VERDICT_BLOCK;
		} else if (strcmp(arg, "log") == 0) {
			o->min_verdict = TG_VERDICT_LOG;
		} else {
			cli_warn("--min-verdict '%s': expected block or log",
				 arg);
			return TG_EXIT_USAGE;
		}
		break;
	case OPT_SERIAL:
		if (tg_parse_uint(arg, 0, UINT32_MAX, &v) != TG_OK) {
			cli_warn("--serial '%s': expected an integer "
				 "0..4294967295",
				 arg);
			return TG_EXIT_USAGE;
		}
		o->serial = (uint32_t)v;
		o->serial_given = 1;
		break;
	case OPT_DATE:
		o->date = 1;
		break;
	case 'o':
		o->output = arg;
		break;
	}
	return TG_EXIT_OK;
}

/** The lookalikes collected for an export. */
typedef struct export
{
	const tg_index *idx;
	tg_verdict min_verdict;
	size_t limit; /**< per protected name, 0: all */
	char *buf;    /**< NUL-terminated names, owned */
	size_t len, cap;
	size_t *off; /**< offset of each name in buf, owned */
	size_t n, ncap;
	size_t n_protected; /**< protected entries enumerated */
	size_t n_hit;	    /**< ... of which had lookalikes */
	size_t before;	    /**< n before the current entry */
	int rc;		    /**< first error (TG_OK, TG_ENOMEM, TG_ELIMIT) */
	char failed[TG_NAME_BUF]; /**< the entry being enumerated then */
}
export;

/** Entries per list source, for the header. */
typedef struct export_src {
	const char *src; /**< lives as long as the list */
	size_t n;
} export_src;

typedef struct export_srcs {
	export_src s[TG_EXPORT_MAX_SOURCES];
	size_t n;
	size_t other; /**< entries of sources beyond the cap */
} export_srcs;

/** tg_enumerate() callback: keep one lookalike. */
static int export_keep(const char *name, const tg_result *res, void *arg)
{
	export *ex = arg;
	size_t need = strlen(name) + 1;

	(void)res;
	if (ex->n >= TG_EXPORT_MAX_NAMES ||
	    ex->len + need > TG_EXPORT_MAX_BYTES) {
		ex->rc = TG_ELIMIT;
		return 1;
	}
	if (ex->len + need > ex->cap) {
		size_t nc = ex->cap ? ex->cap * 2 : (1u << 16);
		char *nb;

		while (nc < ex->len + need)
			nc *= 2;
		nb = realloc(ex->buf, nc);
		if (nb == NULL) {
			ex->rc = TG_ENOMEM;
			return 1;
		}
		ex->buf = nb;
		ex->cap = nc;
	}
	if (ex->n == ex->ncap) {
		size_t nc = ex->ncap ? ex->ncap * 2 : 4096;
		size_t *no = realloc(ex->off, nc * sizeof(*no));

		if (no == NULL) {
			ex->rc = TG_ENOMEM;
			return 1;
		}
		ex->off = no;
		ex->ncap = nc;
	}
	memcpy(ex->buf + ex->len, name, need);
	ex->off[ex->n++] = ex->len;
	ex->len += need;
	return 0;
}

/** tg_list_foreach() callback: enumerate one protected entry. */
static int export_entry(const char *name, const char *source,
			unsigned long line, void *arg)
{
	export *ex = arg;
	int rc;

	(void)source;
	(void)line;
	ex->n_protected++;
	ex->before = ex->n;
	rc = tg_enumerate(ex->idx, name, ex->min_verdict, ex->limit,
			  export_keep, ex);
	if (rc == TG_OK && ex->rc != TG_OK)
		rc = ex->rc;
	if (rc != TG_OK) {
		ex->rc = rc;
		snprintf(ex->failed, sizeof(ex->failed), "%s", name);
		return 1;
	}
	if (ex->n > ex->before)
		ex->n_hit++;
	return 0;
}

/** tg_list_foreach() callback: count entries per source. */
static int export_count(const char *name, const char *source,
			unsigned long line, void *arg)
{
	export_srcs *ss = arg;
	size_t i;

	(void)name;
	(void)line;
	if (source == NULL)
		source = "api";
	for (i = 0; i < ss->n; i++) {
		if (strcmp(ss->s[i].src, source) == 0) {
			ss->s[i].n++;
			return 0;
		}
	}
	if (ss->n >= TG_EXPORT_MAX_SOURCES) {
		ss->other++;
		return 0;
	}
	ss->s[ss->n].src = source;
	ss->s[ss->n].n = 1;
	ss->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/** 32-bit FNV-1a, for the derived SOA serial. */
static uint32_t fnv32(uint32_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/** Print an RR through ldns; returns 0 or -1 (reported). */
static int export_rr(FILE *out, ldns_rr *rr)
{
	char *text = ldns_rr2str(rr);

	if (text == NULL) {
		cli_warn("export: %s", tg_strerror(TG_ENOMEM));
		return -1;
	}
	fputs(text, out);
	free(text);
	return 0;
}

/**
 * Build "prefix name origin" as an ldns dname: \p wild adds "*.", \p origin
 * may be NULL.  Returns NULL if the result is not a valid name (too long).
 */
static ldns_rdf *export_owner(const char *name, int wild,
			      const ldns_rdf *origin)
{
	ldns_rdf *d = ldns_dname_new_frm_str(name);

	if (d == NULL)
		return NULL;
	if (wild) {
		ldns_rdf *w = ldns_dname_new_frm_str("*");

		if (w == NULL || ldns_dname_cat(w, d) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(w);
			ldns_rdf_deep_free(d);
			return NULL;
		}
		ldns_rdf_deep_free(d);
		d = w;
	}
	if (origin != NULL && ldns_dname_cat(d, origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}

/** An RR with owner, type and TTL; the caller pushes its rdata. */
static ldns_rr *export_new_rr(ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr *rr = ldns_rr_new();

	if (rr == NULL) {
		ldns_rdf_deep_free(owner);
		return NULL;
	}
	ldns_rr_set_owner(rr, owner);
	ldns_rr_set_type(rr, type);
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_set_ttl(rr, TG_EXPORT_TTL);
	return rr;
}

/** The RPZ apex: SOA and NS at \p origin. */
static int export_apex(FILE *out, const ldns_rdf *origin, uint32_t serial)
{
	static const uint32_t timers[4] = {3600, 600, 864000, TG_EXPORT_TTL};
	ldns_rr *soa, *ns;
	int rc, i;

	soa = export_new_rr(ldns_rdf_clone(origin), LDNS_RR_TYPE_SOA);
	ns = export_new_rr(ldns_rdf_clone(origin), LDNS_RR_TYPE_NS);
	if (soa == NULL || ns == NULL) {
		ldns_rr_free(soa);
		ldns_rr_free(ns);
		cli_warn("export: %s", tg_strerror(TG_ENOMEM));
		return -1;
	}
	ldns_rr_push_rdf(soa, ldns_dname_new_frm_str("localhost."));
	ldns_rr_push_rdf(soa, ldns_dname_new_frm_str("hostmaster.localhost."));
	ldns_rr_push_rdf(soa,
			 ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial));
	for (i = 0; i < 4; i++)
		ldns_rr_push_rdf(soa, ldns_native2rdf_int32(
					  LDNS_RDF_TYPE_PERIOD, timers[i]));
	ldns_rr_push_rdf(ns, ldns_dname_new_frm_str("localhost."));
	rc = export_rr(out, soa) == 0 && export_rr(out, ns) == 0 ? 0 : -1;
	ldns_rr_free(soa);
	ldns_rr_free(ns);
	return rc;
}

/**
 * One lookalike: "name.ORIGIN CNAME ." and "*.name.ORIGIN CNAME ." (RPZ:
 * NXDOMAIN for the name and everything below it), or a local-zone line.
 * Returns 1 written, 0 skipped (name too long under the origin), -1 error.
 */
static int export_name(FILE *out, const char *name, int rpz,
		       const ldns_rdf *origin)
{
	int wild, rc = 1;

	if (!rpz) {
		ldns_rdf *d = export_owner(name, 0, NULL);
		char *text;

		if (d == NULL)
			return 0;
		text = ldns_rdf2str(d);
		ldns_rdf_deep_free(d);
		if (text == NULL) {
			cli_warn("export: %s", tg_strerror(TG_ENOMEM));
			return -1;
		}
		fprintf(out, "local-zone: \"%s\" always_nxdomain\n", text);
		free(text);
		return 1;
	}
	for (wild = 0; wild < 2 && rc == 1; wild++) {
		ldns_rdf *owner = export_owner(name, wild, origin);
		ldns_rr *rr;

		if (owner == NULL)
			return 0; /* does not fit under the origin */
		rr = export_new_rr(owner, LDNS_RR_TYPE_CNAME);
		if (rr == NULL) {
			cli_warn("export: %s", tg_strerror(TG_ENOMEM));
			return -1;
		}
		ldns_rr_push_rdf(rr, ldns_dname_new_frm_str("."));
		if (export_rr(out, rr) != 0)
			rc = -1;
		ldns_rr_free(rr);
	}
	return rc;
}

/** Write the export to \p out; 0 or -1 (reported). */
static int export_write(FILE *out, const export_opts *o,
			const tg_index_options *iopts, const tg_list *list,
			const char *conf_used, char **names, size_t n,
			const export *ex, const ldns_rdf *origin,
			uint32_t serial, const char *stamp)
{
	int rpz = strcmp(o->format, "rpz") == 0;
	const char *c = rpz ? ";" : "#";
	export_srcs *ss;
	size_t i, skipped = 0;
	int k;

	ss = calloc(1, sizeof(*ss));
	if (ss == NULL) {
		cli_warn("export: %s", tg_strerror(TG_ENOMEM));
		return -1;
	}
	fprintf(out, "%s typoguard %s export --format %s\n", c, PACKAGE_VERSION,
		o->format);
	fprintf(out,
		"%s Lookalikes of the protected names below, enumerated "
		"with typoguard's own\n"
		"%s model (tld-swap, dot-shift, embedding under com/net/org "
		"and confusable TLDs,\n"
		"%s missing-dot, hyphen-dot, prefixes, one-edit typos, ASCII "
		"homoglyphs) and\n"
		"%s confirmed by its scorer; protected and allowlisted names "
		"are never listed.\n",
		c, c, c, c);
	if (conf_used != NULL)
		fprintf(out, "%s configuration: %s\n", c, conf_used);
	for (k = 0; k < 2; k++) {
		tg_list_kind kind = k == 0 ? TG_LIST_PROTECTED : TG_LIST_ALLOW;

		memset(ss, 0, sizeof(*ss));
		if (tg_list_foreach(list, kind, export_count, ss) != TG_OK)
			continue;
		for (i = 0; i < ss->n; i++)
			fprintf(out, "%s %s: %s (%zu entr%s)\n", c,
				k == 0 ? "protected" : "allow", ss->s[i].src,
				ss->s[i].n, ss->s[i].n == 1 ? "y" : "ies");
		if (ss->other > 0)
			fprintf(out, "%s %s: other sources (%zu entries)\n", c,
				k == 0 ? "protected" : "allow", ss->other);
		if (ss->n == 0)
			fprintf(out, "%s %s: none\n", c,
				k == 0 ? "protected" : "allow");
	}
	free(ss);
	for (i = 0; i < o->l.n_pairs; i++)
		fprintf(out, "%s tld-pair: %s %s\n", c, o->l.pairs[i][0],
			o->l.pairs[i][1]);
	if (o->l.psl_file != NULL)
		fprintf(out, "%s public suffix list: %s\n", c, o->l.psl_file);
	fprintf(out,
		"%s thresholds: block %d, log %d; minimum verdict: %s; limit "
		"per protected name: ",
		c, iopts->block_threshold, iopts->log_threshold,
		tg_verdict_name((tg_verdict)o->min_verdict));
	if (o->limit)
		fprintf(out, "%zu\n", o->limit);
	else
		fprintf(out, "none\n");
	fprintf(out,
		"%s result: %zu lookalike%s of %zu protected name%s (%zu with "
		"lookalikes)\n",
		c, n, n == 1 ? "" : "s", ex->n_protected,
		ex->n_protected == 1 ? "" : "s", ex->n_hit);
	if (stamp != NULL)
		fprintf(out, "%s generated: %s\n", c, stamp);
	if (rpz) {
		char *otext = ldns_rdf2str(origin);

		fprintf(out, "%s origin: %s; serial %u (%s)\n", c,
			otext ? otext : "?", (unsigned)serial,
			o->serial_given ? "--serial"
			: stamp		? "--date: seconds since 1970"
					: "derived from the content; use "
					  "--serial or --date for zone "
					  "transfers");
		free(otext);
		if (export_apex(out, origin, serial) != 0)
			return -1;
	} else {
		fprintf(out, "server:\n");
	}
	for (i = 0; i < n; i++) {
		int rc = export_name(out, names[i], rpz, origin);

		if (rc < 0)
			return -1;
		if (rc == 0)
			skipped++;
	}
	if (skipped > 0)
		cli_warn("export: %zu name%s too long for the origin, skipped",
			 skipped, skipped == 1 ? "" : "s");
	return 0;
}

/**
 * typoguard export: the lookalikes of every protected entry, as an RPZ
 * zone or as Unbound local-zone lines.  Output is a pure function of the
 * lists, the options and the tool version (no timestamp unless --date),
 * so two runs give identical bytes.  With -o the file is replaced
 * atomically (written next to it, then renamed).
 */
int cmd_export(int argc, char **argv, const char *config)
{
	static char outbuf[TG_TOOL_OUTBUF];
	export_opts o;
	const cli_extra x = {"o:", export_longopts, export_opt, &o, NULL};
	tg_index *idx = NULL;
	tg_list *list = NULL;
	const char *conf_used = NULL;
	tg_index_options iopts;
	export ex;
	ldns_rdf *origin = NULL;
	char **names = NULL;
	char stamp[64];
	const char *stamp_p = NULL;
	size_t i, u = 0;
	uint32_t serial;
	FILE *out = NULL;
	tg_outfile *of = NULL;
	tg_error err;
	int rc, status = TG_EXIT_ERROR;

	memset(&o, 0, sizeof(o));
	memset(&ex, 0, sizeof(ex));
	cli_opts_init(&o.l, config);
	o.min_verdict = TG_VERDICT_BLOCK;
	o.origin = TG_EXPORT_DEFAULT_ORIGIN;
	rc = cli_parse_opts(argc, argv, &o.l, &x);
	if (rc < 0)
		return TG_EXIT_OK;
	if (rc != TG_EXIT_OK)
		return rc;
	if (optind < argc) {
		cli_warn("export: unexpected argument '%s'", argv[optind]);
		cli_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (o.format == NULL) {
		cli_warn("export: --format rpz or --format local-zone is "
			 "required");
		cli_usage(stderr);
		return TG_EXIT_USAGE;
	}
	origin = ldns_dname_new_frm_str(o.origin);
	if (origin == NULL || ldns_dname_label_count(origin) == 0) {
		cli_warn("export: --origin '%s': not a valid zone name",
			 o.origin);
		ldns_rdf_deep_free(origin);
		return TG_EXIT_USAGE;
	}
	rc = cli_build_index_list(&o.l, &idx, &list, &conf_used, &iopts);
	if (rc != TG_EXIT_OK)
		goto done_origin;
	ex.idx = idx;
	ex.min_verdict = (tg_verdict)o.min_verdict;
	ex.limit = o.limit;
	ex.rc = TG_OK;
	rc = tg_list_foreach(list, TG_LIST_PROTECTED, export_entry, &ex);
	if (ex.rc != TG_OK || (rc != TG_OK && rc != 1)) {
		int code = ex.rc != TG_OK ? ex.rc : rc;

		if (code == TG_ELIMIT)
			cli_warn("export: more than %lu lookalikes or %lu "
				 "bytes of names (at %s); use --limit",
				 (unsigned long)TG_EXPORT_MAX_NAMES,
				 (unsigned long)TG_EXPORT_MAX_BYTES, ex.failed);
		else
			cli_warn("export: enumerating %s: %s", ex.failed,
				 tg_strerror(code));
		goto done;
	}
	/* sort and merge: two protected names may share lookalikes */
	names = malloc((ex.n ? ex.n : 1) * sizeof(*names));
	if (names == NULL) {
		cli_warn("export: %s", tg_strerror(TG_ENOMEM));
		goto done;
	}
	for (i = 0; i < ex.n; i++)
		names[i] = ex.buf + ex.off[i];
	qsort(names, ex.n, sizeof(*names), cmp_str);
	for (i = 0; i < ex.n; i++)
		if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
			names[u++] = names[i];
	/* the serial: given, the time (--date), or derived from content */
	if (o.date) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		uint64_t t = (uint64_t)time(NULL);
		time_t tt;
		struct tm tm;

		if (sde != NULL &&
		    tg_parse_uint(sde, 0, UINT32_MAX, &t) != TG_OK) {
			cli_warn("export: SOURCE_DATE_EPOCH '%s' is not a "
				 "time",
				 sde);
			goto done;
		}
		tt = (time_t)t;
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) ==
			0)
			snprintf(stamp, sizeof(stamp), "%llu",
				 (unsigned long long)t);
		stamp_p = stamp;
		serial = (uint32_t)t;
	} else {
		serial = 2166136261u;
		serial = fnv32(serial, o.format, strlen(o.format));
		serial = fnv32(serial, o.origin, strlen(o.origin));
		for (i = 0; i < u; i++)
			serial = fnv32(serial, names[i], strlen(names[i]) + 1);
		serial &= 0x7fffffffu;
		if (serial == 0)
			serial = 1;
	}
	if (o.serial_given)
		serial = o.serial;
	if (o.output != NULL) {
		if (tg_outfile_open(o.output, 0644, &of, &err) != TG_OK) {
			cli_report(&err);
			goto done;
		}
		out = tg_outfile_stream(of);
	} else {
		out = stdout;
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	}
	if (export_write(out, &o, &iopts, list, conf_used, names, u, &ex,
			 origin, serial, stamp_p) != 0) {
		tg_outfile_abort(of);
		goto done;
	}
	if (of == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			cli_warn("write error: %s", strerror(errno));
			goto done;
		}
	} else {
		if (tg_outfile_commit(of, &err) != TG_OK) {
			cli_report(&err);
			goto done;
		}
		printf("%s: %zu lookalikes of %zu protected names (%s)\n",
		       o.output, u, ex.n_protected, o.format);
	}
	status = TG_EXIT_OK;
done:
	free(names);
	free(ex.buf);
	free(ex.off);
	tg_index_free(idx);
	tg_list_free(list);
done_origin:
	ldns_rdf_deep_free(origin);
	return status;
}
