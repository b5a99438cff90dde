/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard: the command-line face of the scoring core.
 *
 * The tool is a thin shell around core/typoguard.h (and ldns, to write
 * zone data): every subcommand builds a tg_list (from --protected/--allow/
 * --tld-pair, or from the lists a typoguard.conf names), builds one
 * tg_index from it, and then scores, explains, summarises or exports.
 * Subcommands:
 *
 *   score       names from the command line, or one per line from stdin
 *               ("-"); plain text or one JSON object per line (--json).
 *   explain     the same scoring, followed by tg_result_explain() prose.
 *   check-conf  tg_conf_load + tg_conf_load_lists + tg_index_build, then a
 *               one-line summary, or "file:line: reason" and exit 1.
 *   export      tg_list_foreach over the protected entries, tg_enumerate
 *               for each, merged and sorted, written through ldns as an
 *               RPZ zone or as Unbound local-zone lines.  Deterministic:
 *               no timestamp unless --date, a content-derived serial
 *               unless --serial; capped at TG_EXPORT_MAX_NAMES.
 *
 * Input is read through one fixed line buffer of TG_MAX_LINE bytes and
 * output goes through a large stdio buffer, so scoring a 100 k-line stream
 * allocates nothing per name.  Over-long lines and invalid names are
 * reported on stderr as "<stdin>:LINE: reason" (an invalid name is also
 * printed, with verdict "invalid" or a JSON "error" member), and turn the
 * exit status into TG_EXIT_INPUT once the stream is done.
 *
 * Exit status (documented in typoguard.1): 0 success, 1 configuration, list
 * or I/O error, 2 usage error, 3 some input names were rejected.
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

#include "audit_internal.h"
#include "report_internal.h"
#include "install_internal.h"
#include "rules_internal.h"
#include "typoguard.h"

/** Exit statuses. */
enum tg_exit {
	TG_EXIT_OK = 0,	   /**< everything done */
	TG_EXIT_ERROR = 1, /**< configuration, list or I/O error */
	TG_EXIT_USAGE = 2, /**< bad command line */
	TG_EXIT_INPUT = 3  /**< some input names rejected, others scored */
};

/** Caps on the command line: list files and extra TLD pairs. */
#define TG_TOOL_MAX_FILES 256
#define TG_TOOL_MAX_PAIRS 64
/** Size of the stdout buffer. */
#define TG_TOOL_OUTBUF (1u << 16)

static const char *tg_progname = "typoguard";

/** The configuration used when -c is not given: $TYPOGUARD_CONF (as for
 *  the module), else the compiled-in default. */
static const char *tg_default_conf(void)
{
	const char *env = getenv("TYPOGUARD_CONF");

	return env != NULL && env[0] != '\0' ? env : tg_conf_default_path();
}

/** Everything the command line can set for score/explain. */
typedef struct tg_tool_opts {
	const char *config; /**< -c FILE, NULL: default (if needed) */
	int config_given;   /**< -c was given explicitly */
	const char *protected_files[TG_TOOL_MAX_FILES];
	size_t n_protected;
	uint8_t protected_brand[TG_TOOL_MAX_FILES]; /**< --brand FILE */
	const char *allow_files[TG_TOOL_MAX_FILES];
	size_t n_allow;
	const char *infra_files[TG_TOOL_MAX_FILES];
	size_t n_infra;
	char pairs[TG_TOOL_MAX_PAIRS][2][64];
	size_t n_pairs;
	int block_threshold; /**< -1: from config or default */
	int log_threshold;   /**< -1: from config or default */
	const char *psl_file;
	int json;
	int no_builtin_infra; /**< --no-builtin-infrastructure */
	/* export only (see tg_cmd_export) */
	int export_mode;    /**< parse the export options, not --json */
	const char *format; /**< "rpz" or "local-zone" */
	size_t limit;	    /**< lookalikes per protected name, 0: all */
	const char *origin; /**< RPZ origin */
	int min_verdict;    /**< tg_verdict, default TG_VERDICT_BLOCK */
	int serial_given;   /**< --serial N */
	uint32_t serial;    /**< its value */
	int date;	    /**< --date: stamp with the current time */
	const char *output; /**< -o FILE, NULL: stdout */
} tg_tool_opts;

static void tg_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: %s [-c FILE] COMMAND [OPTIONS] [ARGS]\n"
	    "\n"
	    "commands:\n"
	    "  score [OPTIONS] [NAME... | -]   score names (\"-\": one per "
	    "line on stdin)\n"
	    "  explain --classes               the lookalike classes, with "
	    "examples\n"
	    "  explain [OPTIONS] NAME...       score and explain in plain "
	    "words\n"
	    "  check-conf [FILE]               validate a configuration and "
	    "its lists\n"
	    "  check-install [OPTIONS]         does typoguard.so fit the "
	    "unbound that loads it\n"
	    "  export --format rpz|local-zone [OPTIONS]\n"
	    "                                  write the lookalikes of the "
	    "protected names\n"
	    "  audit [OPTIONS]                 resolve the lookalikes of the "
	    "protected names:\n"
	    "                                  which exist, which take mail\n"
	    "  report [OPTIONS] EVENTLOG...    summarise event logs: text, "
	    "JSON or HTML\n"
	    "  help                            this text\n"
	    "\n"
	    "options of score and explain:\n"
	    "  -c, --config FILE        configuration (default %s)\n"
	    "  -p, --protected FILE     protected names, one per line "
	    "(repeatable)\n"
	    "  -B, --brand FILE         protected names with the brand profile "
	    "(combos too)\n"
	    "  -a, --allow FILE         allowlist, one per line "
	    "(repeatable)\n"
	    "  -i, --infrastructure FILE  CDN/cloud/proxy domains, one per "
	    "line: a\n"
	    "                           protected name inside their names "
	    "is no\n"
	    "                           embedding (repeatable)\n"
	    "  -t, --tld-pair P:C       extra TLD confusion pair, e.g. "
	    "mil:ml\n"
	    "  -b, --block-threshold N  block at score >= N (0..100)\n"
	    "  -l, --log-threshold N    log at score >= N (0..100)\n"
	    "      --psl FILE           Public Suffix List file\n"
	    "      --no-builtin-infrastructure  without the built-in "
	    "infrastructure list\n"
	    "  -j, --json               one JSON object per name\n"
	    "\n"
	    "options of export (and the list options above):\n"
	    "      --format rpz|local-zone  RPZ zone or Unbound local-zone "
	    "lines\n"
	    "      --origin NAME        RPZ zone name (default "
	    "rpz.typoguard.)\n"
	    "      --limit N            at most N lookalikes per protected "
	    "name (0: all)\n"
	    "      --min-verdict block|log  names the module would block "
	    "(default) or log\n"
	    "      --serial N           SOA serial (default: derived from "
	    "the content)\n"
	    "      --date               stamp with the time "
	    "(SOURCE_DATE_EPOCH); serial = it\n"
	    "  -o, --output FILE        write FILE atomically instead of "
	    "stdout\n"
	    "\n"
	    "  -V, --version            print the version\n"
	    "Without --protected the lists of the configuration are used.\n",
	    tg_progname, tg_default_conf());
	tg_audit_usage(out);
	tg_report_usage(out);
	tg_install_usage(out);
}

/** Print "typoguard: message" to stderr. */
static void tg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void tg_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tg_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void tg_report(const tg_error *err)
{
	char buf[3 * TG_NAME_BUF];

	tg_error_format(err, buf, sizeof(buf));
	fprintf(stderr, "%s: %s\n", tg_progname, buf);
}

/** Parse a threshold 0..100; -1 on error. */
static int tg_parse_threshold(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 100)
		return -1;
	return (int)v;
}

/** Split "P:C" into pairs[n]; 0 on success. */
static int tg_parse_pair(const char *s, char pair[2][64])
{
	const char *colon = strchr(s, ':');
	size_t a, b;

	if (colon == NULL)
		return -1;
	a = (size_t)(colon - s);
	b = strlen(colon + 1);
	if (a == 0 || b == 0 || a >= 64 || b >= 64 ||
	    strchr(colon + 1, ':') != NULL)
		return -1;
	memcpy(pair[0], s, a);
	pair[0][a] = '\0';
	memcpy(pair[1], colon + 1, b + 1);
	return 0;
}

enum {
	TG_OPT_PSL = 256,
	TG_OPT_NO_BUILTIN_INFRA,
	TG_OPT_FORMAT,
	TG_OPT_LIMIT,
	TG_OPT_ORIGIN,
	TG_OPT_MIN_VERDICT,
	TG_OPT_SERIAL,
	TG_OPT_DATE
};

static const struct option tg_score_longopts[] = {
    {"config", required_argument, NULL, 'c'},
    {"protected", required_argument, NULL, 'p'},
    {"brand", required_argument, NULL, 'B'},
    {"allow", required_argument, NULL, 'a'},
    {"infrastructure", required_argument, NULL, 'i'},
    {"tld-pair", required_argument, NULL, 't'},
    {"block-threshold", required_argument, NULL, 'b'},
    {"log-threshold", required_argument, NULL, 'l'},
    {"psl", required_argument, NULL, TG_OPT_PSL},
    {"no-builtin-infrastructure", no_argument, NULL, TG_OPT_NO_BUILTIN_INFRA},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/** The options of export: the list options of score, then its own. */
static const struct option tg_export_longopts[] = {
    {"config", required_argument, NULL, 'c'},
    {"protected", required_argument, NULL, 'p'},
    {"brand", required_argument, NULL, 'B'},
    {"allow", required_argument, NULL, 'a'},
    {"infrastructure", required_argument, NULL, 'i'},
    {"tld-pair", required_argument, NULL, 't'},
    {"block-threshold", required_argument, NULL, 'b'},
    {"log-threshold", required_argument, NULL, 'l'},
    {"psl", required_argument, NULL, TG_OPT_PSL},
    {"no-builtin-infrastructure", no_argument, NULL, TG_OPT_NO_BUILTIN_INFRA},
    {"format", required_argument, NULL, TG_OPT_FORMAT},
    {"limit", required_argument, NULL, TG_OPT_LIMIT},
    {"origin", required_argument, NULL, TG_OPT_ORIGIN},
    {"min-verdict", required_argument, NULL, TG_OPT_MIN_VERDICT},
    {"serial", required_argument, NULL, TG_OPT_SERIAL},
    {"date", no_argument, NULL, TG_OPT_DATE},
    {"output", required_argument, NULL, 'o'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/** Parse an unsigned decimal up to \p max; 0 on success. */
static int tg_parse_uint(const char *s, unsigned long long max,
			 unsigned long long *out)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

/** Handle one export-only option; TG_EXIT_OK or TG_EXIT_USAGE. */
static int tg_export_opt(int c, const char *arg, tg_tool_opts *o)
{
	unsigned long long v;

	switch (c) {
	case TG_OPT_FORMAT:
		if (strcmp(arg, "rpz") != 0 && strcmp(arg, "local-zone") != 0) {
			tg_warn("--format '%s': expected rpz or local-zone",
				arg);
			return TG_EXIT_USAGE;
		}
		o->format = arg;
		break;
	case TG_OPT_LIMIT:
		if (tg_parse_uint(arg, 1000000, &v) != 0) {
			tg_warn("--limit '%s': expected an integer 0..1000000 "
				"(0: no limit)",
				arg);
			return TG_EXIT_USAGE;
		}
		o->limit = (size_t)v;
		break;
	case TG_OPT_ORIGIN:
		o->origin = arg;
		break;
	case TG_OPT_MIN_VERDICT:
		if (strcmp(arg, "block") == 0) {
			o->min_verdict = TG_VERDICT_BLOCK;
		} else if (strcmp(arg, "log") == 0) {
			o->min_verdict = TG_VERDICT_LOG;
		} else {
			tg_warn("--min-verdict '%s': expected block or log",
				arg);
			return TG_EXIT_USAGE;
		}
		break;
	case TG_OPT_SERIAL:
		if (tg_parse_uint(arg, UINT32_MAX, &v) != 0) {
			tg_warn("--serial '%s': expected an integer "
				"0..4294967295",
				arg);
			return TG_EXIT_USAGE;
		}
		o->serial = (uint32_t)v;
		o->serial_given = 1;
		break;
	case TG_OPT_DATE:
		o->date = 1;
		break;
	case 'o':
		o->output = arg;
		break;
	}
	return TG_EXIT_OK;
}

/**
 * Parse the options of score/explain.  Returns TG_EXIT_OK, or the exit
 * status to leave with (usage already printed).
 */
static int tg_parse_score_opts(int argc, char **argv, tg_tool_opts *o)
{
	int c;

	optind = 1;
	opterr = 0;
	while (
	    (c = getopt_long(
		 argc, argv,
		 o->export_mode ? "c:p:B:a:i:t:b:l:o:h" : "c:p:B:a:i:t:b:l:jh",
		 o->export_mode ? tg_export_longopts : tg_score_longopts,
		 NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			o->config_given = 1;
			break;
		case 'p':
		case 'B':
		case 'a':
		case 'i': {
			const char **files = c == 'a'	? o->allow_files
					     : c == 'i' ? o->infra_files
							: o->protected_files;
			size_t *n = c == 'a'   ? &o->n_allow
				    : c == 'i' ? &o->n_infra
					       : &o->n_protected;

			if (*n >= TG_TOOL_MAX_FILES) {
				tg_warn("too many list files (at most %d)",
					TG_TOOL_MAX_FILES);
				return TG_EXIT_USAGE;
			}
			if (files == o->protected_files)
				o->protected_brand[*n] = c == 'B';
			files[(*n)++] = optarg;
			break;
		}
		case 't':
			if (o->n_pairs >= TG_TOOL_MAX_PAIRS) {
				tg_warn("too many --tld-pair (at most %d)",
					TG_TOOL_MAX_PAIRS);
				return TG_EXIT_USAGE;
			}
			if (tg_parse_pair(optarg, o->pairs[o->n_pairs]) != 0) {
				tg_warn("--tld-pair '%s': expected "
					"PROTECTED:CONFUSABLE, e.g. mil:ml",
					optarg);
				return TG_EXIT_USAGE;
			}
			o->n_pairs++;
			break;
		case 'b':
		case 'l': {
			int v = tg_parse_threshold(optarg);

			if (v < 0) {
				tg_warn("threshold '%s': expected an integer "
					"0..100",
					optarg);
				return TG_EXIT_USAGE;
			}
			if (c == 'b')
				o->block_threshold = v;
			else
				o->log_threshold = v;
			break;
		}
		case TG_OPT_NO_BUILTIN_INFRA:
			o->no_builtin_infra = 1;
			break;
		case TG_OPT_PSL:
			o->psl_file = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'o':
		case TG_OPT_FORMAT:
		case TG_OPT_LIMIT:
		case TG_OPT_ORIGIN:
		case TG_OPT_MIN_VERDICT:
		case TG_OPT_SERIAL:
		case TG_OPT_DATE:
			if (tg_export_opt(c, optarg, o) != TG_EXIT_OK)
				return TG_EXIT_USAGE;
			break;
		case 'h':
			tg_usage(stdout);
			return -1;
		default:
			if (optopt != 0 && optopt < 256 && c == '?' &&
			    strchr(o->export_mode ? "cpatblo" : "cpatbl",
				   optopt) != NULL)
				tg_warn("%s: option -%c needs an argument",
					argv[0], optopt);
			else
				tg_warn("%s: unknown option or missing "
					"argument: '%s'",
					argv[0], argv[optind - 1]);
			tg_usage(stderr);
			return TG_EXIT_USAGE;
		}
	}
	return TG_EXIT_OK;
}

/**
 * Build the index the options describe.  Lists of the configuration are
 * used when -c was given or when no --protected file was; command-line
 * lists and pairs are added on top.  Returns TG_EXIT_OK or TG_EXIT_ERROR
 * (reported).
 */
static int tg_build_index_list(const tg_tool_opts *o, tg_index **out,
			       tg_list **keep, const char **conf_used,
			       tg_index_options *used);

static int tg_build_index(const tg_tool_opts *o, tg_index **out)
{
	return tg_build_index_list(o, out, NULL, NULL, NULL);
}

/**
 * As tg_build_index(); when \p keep is not NULL the list the index was
 * built from is handed over in *\p keep (the caller frees it), and
 * *\p conf_used names the configuration whose lists were read (NULL if
 * none; the string is an option or environment value, not a copy), and
 * *\p used (if not NULL) receives the index options in effect.
 */
static int tg_build_index_list(const tg_tool_opts *o, tg_index **out,
			       tg_list **keep, const char **conf_used,
			       tg_index_options *used)
{
	tg_conf *conf = NULL;
	tg_list *list = NULL;
	tg_index_options iopts;
	tg_error err;
	size_t i;
	int rc;

	memset(&err, 0, sizeof(err));
	tg_index_options_init(&iopts);
	if (conf_used != NULL)
		*conf_used = NULL;
	if (o->config_given || o->n_protected == 0) {
		const char *path = o->config ? o->config : tg_default_conf();

		if (conf_used != NULL)
			*conf_used = path;

		rc = tg_conf_load(path, &conf, &err);
		if (rc != TG_OK) {
			tg_report(&err);
			if (!o->config_given && err.code == TG_EIO)
				tg_warn("no list named and no configuration "
					"at %s%s: name the protected list "
					"with -p FILE (one domain per line, "
					"e.g. typoguard explain -p "
					"conf/protected.list armym.il), or a "
					"configuration with -c FILE or "
					"TYPOGUARD_CONF=FILE",
					path,
					getenv("TYPOGUARD_CONF") != NULL &&
						getenv("TYPOGUARD_CONF")[0]
					    ? " (TYPOGUARD_CONF)"
					    : "");
			return TG_EXIT_ERROR;
		}
		rc = tg_conf_load_lists(conf, &list, &err);
		if (rc != TG_OK) {
			tg_report(&err);
			tg_conf_free(conf);
			return TG_EXIT_ERROR;
		}
		tg_conf_index_options(conf, &iopts);
	} else {
		list = tg_list_create();
		if (list == NULL) {
			tg_warn("%s", tg_strerror(TG_ENOMEM));
			return TG_EXIT_ERROR;
		}
	}
	rc = TG_OK;
	for (i = 0; rc == TG_OK && i < o->n_protected; i++) {
		(void)tg_list_set_profile(list, o->protected_brand[i]
						    ? TG_PROFILE_BRAND
						    : TG_PROFILE_TYPO);
		rc = tg_list_load_file(list, TG_LIST_PROTECTED,
				       o->protected_files[i], &err);
	}
	(void)tg_list_set_profile(list, TG_PROFILE_TYPO);
	for (i = 0; rc == TG_OK && i < o->n_allow; i++)
		rc = tg_list_load_file(list, TG_LIST_ALLOW, o->allow_files[i],
				       &err);
	for (i = 0; rc == TG_OK && i < o->n_infra; i++)
		rc = tg_list_load_file(list, TG_LIST_INFRA, o->infra_files[i],
				       &err);
	for (i = 0; rc == TG_OK && i < o->n_pairs; i++)
		rc = tg_list_add_tld_pair(list, o->pairs[i][0], o->pairs[i][1],
					  &err);
	if (rc != TG_OK) {
		tg_report(&err);
		goto fail;
	}
	if (o->block_threshold >= 0)
		iopts.block_threshold = o->block_threshold;
	if (o->log_threshold >= 0)
		iopts.log_threshold = o->log_threshold;
	else if (iopts.log_threshold > iopts.block_threshold)
		iopts.log_threshold = iopts.block_threshold; /* only -b given */
	if (o->psl_file != NULL)
		iopts.psl_file = o->psl_file;
	if (o->no_builtin_infra)
		iopts.builtin_infrastructure = 0;
	if (iopts.log_threshold > iopts.block_threshold) {
		tg_warn("log threshold %d is above block threshold %d",
			iopts.log_threshold, iopts.block_threshold);
		goto fail;
	}
	rc = tg_index_build(list, &iopts, out, &err);
	if (rc != TG_OK) {
		tg_report(&err);
		goto fail;
	}
	if (used != NULL)
		*used = iopts;
	if (keep != NULL)
		*keep = list;
	else
		tg_list_free(list);
	tg_conf_free(conf);
	return TG_EXIT_OK;
fail:
	tg_list_free(list);
	tg_conf_free(conf);
	return TG_EXIT_ERROR;
}

/* ------------------------------------------------------------- output */

/**
 * Copy \p in to \p out for a terminal or a whitespace-separated column:
 * bytes outside printable ASCII, and blanks, become \DDD as in DNS
 * presentation format.  Always NUL-terminated; truncated if \p cap is small.
 */
static void tg_escape(const char *in, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t o = 0;

	for (; *p != '\0' && o + 5 < cap; p++) {
		if (*p > 0x20 && *p < 0x7f)
			out[o++] = (char)*p;
		else
			o += (size_t)snprintf(out + o, cap - o, "\\%03u", *p);
	}
	out[o] = '\0';
}

/**
 * Write \p s as a JSON string: quotes, backslash and control characters
 * escaped; valid UTF-8 passed through, invalid bytes as U+FFFD.
 */
static void tg_json_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putc('"', out);
	while (*p != '\0') {
		unsigned char c = *p;

		if (c == '"' || c == '\\') {
			putc('\\', out);
			putc(c, out);
			p++;
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n':
				fputs("\\n", out);
				break;
			case '\r':
				fputs("\\r", out);
				break;
			case '\t':
				fputs("\\t", out);
				break;
			default:
				fprintf(out, "\\u%04x", c);
			}
			p++;
		} else if (c < 0x80) {
			putc(c, out);
			p++;
		} else {
			/* validate one UTF-8 sequence (no overlongs or
			 * surrogates) */
			size_t n = 0, i;
			unsigned long cp = 0;

			if (c >= 0xc2 && c <= 0xdf) {
				n = 2;
				cp = c & 0x1f;
			} else if (c >= 0xe0 && c <= 0xef) {
				n = 3;
				cp = c & 0x0f;
			} else if (c >= 0xf0 && c <= 0xf4) {
				n = 4;
				cp = c & 0x07;
			}
			for (i = 1; i < n; i++) {
				if ((p[i] & 0xc0) != 0x80)
					break;
				cp = (cp << 6) | (p[i] & 0x3f);
			}
			if (n == 0 || i < n || (n == 3 && cp < 0x800) ||
			    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
			    (cp >= 0xd800 && cp <= 0xdfff)) {
				fputs("\\ufffd", out);
				p++;
			} else {
				fwrite(p, 1, n, out);
				p += n;
			}
		}
	}
	putc('"', out);
}

/** Print one result, plain or JSON.  \p input is the name as given. */
static void tg_print_result(FILE *out, const tg_result *r, const char *input,
			    int valid, int json)
{
	unsigned i;
	int first = 1;

	if (!json) {
		char reasons[512];

		if (r->classes != 0)
			tg_classes_format(r->classes, ",", reasons,
					  sizeof(reasons));
		else
			strcpy(reasons, "-");
		char shown[4 * TG_MAX_LINE + 1];

		if (!valid)
			tg_escape(input, shown, sizeof(shown));
		fprintf(out, "%s %s %d %s %s\n", valid ? r->name : shown,
			valid ? tg_verdict_name(r->verdict) : "invalid",
			r->score,
			r->protected_name[0] != '\0' ? r->protected_name : "-",
			reasons);
		return;
	}
	fputs("{\"name\":", out);
	tg_json_string(out, valid ? r->name : input);
	fputs(",\"verdict\":", out);
	tg_json_string(out, tg_verdict_name(r->verdict));
	fprintf(out, ",\"score\":%d,\"protected\":", r->score);
	if (r->protected_name[0] != '\0')
		tg_json_string(out, r->protected_name);
	else
		fputs("null", out);
	fputs(",\"reasons\":[", out);
	for (i = 0; i < TG_C_COUNT; i++) {
		if ((r->classes & (1u << i)) == 0)
			continue;
		if (!first)
			putc(',', out);
		tg_json_string(out, tg_class_name(1u << i));
		first = 0;
	}
	fputs("],\"source\":", out);
	if (r->source != NULL && r->protected_name[0] != '\0') {
		tg_json_string(out, r->source);
		fprintf(out, ",\"line\":%lu", r->source_line);
	} else {
		fputs("null,\"line\":null", out);
	}
	fprintf(out,
		",\"allowlisted\":%s,\"is_protected\":%s,"
		"\"infrastructure\":%s",
		r->allowlisted ? "true" : "false",
		r->is_protected ? "true" : "false",
		r->infrastructure ? "true" : "false");
	if (!valid) {
		fputs(",\"error\":", out);
		tg_json_string(out, "not a valid DNS name");
	}
	fputs("}\n", out);
}

/* ------------------------------------------------------------ scoring */

/** How results are printed. */
typedef enum tg_out_mode {
	TG_OUT_PLAIN = 0, /**< name verdict score protected reasons */
	TG_OUT_JSON,	  /**< one JSON object per line */
	TG_OUT_EXPLAIN	  /**< verdict line and tg_result_explain() prose */
} tg_out_mode;

/** Score one name and print it; returns 0, or 1 if the name was invalid. */
static int tg_score_one(const tg_index *idx, const char *name,
			const char *where, unsigned long line, tg_out_mode mode)
{
	tg_result r;
	int rc = tg_score_name(idx, name, &r);

	if (rc != TG_OK) {
		char shown[4 * TG_MAX_LINE + 1];

		tg_escape(name, shown, sizeof(shown));
		if (line != 0)
			fprintf(stderr, "%s: %s:%lu: '%s': %s\n", tg_progname,
				where, line, shown,
				rc == TG_ENAME ? "not a valid DNS name"
					       : tg_strerror(rc));
		else
			fprintf(stderr, "%s: '%s': %s\n", tg_progname, shown,
				rc == TG_ENAME ? "not a valid DNS name"
					       : tg_strerror(rc));
		if (mode != TG_OUT_EXPLAIN) {
			memset(&r, 0, sizeof(r));
			r.verdict = TG_VERDICT_PASS;
			tg_print_result(stdout, &r, name, 0,
					mode == TG_OUT_JSON);
		}
		return 1;
	}
	if (mode == TG_OUT_EXPLAIN) {
		char text[2048];

		tg_result_explain(&r, text, sizeof(text));
		printf("%s: %s, score %d\n  %s\n", r.name,
		       tg_verdict_name(r.verdict), r.score, text);
	} else {
		tg_print_result(stdout, &r, name, 1, mode == TG_OUT_JSON);
	}
	return 0;
}

/**
 * Score names from \p in, one per line: surrounding blanks and a CR are
 * stripped, empty lines and '#' comments skipped, lines longer than
 * TG_MAX_LINE rejected.  Returns the number of rejected lines, or -1 on a
 * read error.
 */
static long tg_score_stream(const tg_index *idx, FILE *in, const char *where,
			    tg_out_mode mode)
{
	char buf[TG_MAX_LINE + 2];
	unsigned long line = 0;
	long bad = 0;

	while (fgets(buf, sizeof(buf), in) != NULL) {
		size_t len = strlen(buf);
		char *s = buf, *e;

		line++;
		if (len > 0 && buf[len - 1] != '\n' && !feof(in)) {
			int ch;

			fprintf(stderr,
				"%s: %s:%lu: line longer than %d bytes, "
				"skipped\n",
				tg_progname, where, line, TG_MAX_LINE);
			while ((ch = getc(in)) != EOF && ch != '\n')
				;
			bad++;
			continue;
		}
		e = buf + len;
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' ||
				 e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		bad += tg_score_one(idx, s, where, line, mode);
	}
	if (ferror(in)) {
		fprintf(stderr, "%s: %s: read error: %s\n", tg_progname, where,
			strerror(errno));
		return -1;
	}
	return bad;
}

static int tg_cmd_score(int argc, char **argv, int explain, const char *config)
{
	static char outbuf[TG_TOOL_OUTBUF];
	tg_tool_opts o;
	tg_index *idx = NULL;
	tg_out_mode mode;
	long bad = 0;
	int rc, i;

	if (explain && argc == 2 && strcmp(argv[1], "--classes") == 0) {
		/* the model's classes, from its rule table */
		for (i = 0; i < TG_C_COUNT; i++)
			printf("%-14s %-18s %s\n", tg_rule_classes[i].name,
			       tg_rule_classes[i].example,
			       tg_rule_classes[i].prose);
		return TG_EXIT_OK;
	}
	memset(&o, 0, sizeof(o));
	o.block_threshold = -1;
	o.log_threshold = -1;
	if (config != NULL) {
		o.config = config;
		o.config_given = 1;
	}
	rc = tg_parse_score_opts(argc, argv, &o);
	if (rc < 0)
		return TG_EXIT_OK;
	if (rc != TG_EXIT_OK)
		return rc;
	if (optind >= argc) {
		tg_warn("%s: no names given (use - to read stdin)",
			explain ? "explain" : "score");
		tg_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (explain && o.json) {
		tg_warn("explain: --json is not supported");
		return TG_EXIT_USAGE;
	}
	rc = tg_build_index(&o, &idx);
	if (rc != TG_EXIT_OK)
		return rc;
	mode = explain ? TG_OUT_EXPLAIN : o.json ? TG_OUT_JSON : TG_OUT_PLAIN;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			long n = tg_score_stream(idx, stdin, "<stdin>", mode);

			if (n < 0) {
				tg_index_free(idx);
				return TG_EXIT_ERROR;
			}
			bad += n;
		} else {
			bad += tg_score_one(idx, argv[i], NULL, 0, mode);
		}
	}
	tg_index_free(idx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", tg_progname,
			strerror(errno));
		return TG_EXIT_ERROR;
	}
	return bad > 0 ? TG_EXIT_INPUT : TG_EXIT_OK;
}

/* ------------------------------------------------------------- export */

/** Caps on one export: lookalike names and bytes of names in all. */
#define TG_EXPORT_MAX_NAMES 20000000UL
#define TG_EXPORT_MAX_BYTES (1UL << 30)
/** Most distinct list sources named in the header. */
#define TG_EXPORT_MAX_SOURCES (2 * TG_TOOL_MAX_FILES + TG_CONF_MAX_LISTS + 2)
/** TTL of every RPZ record, and the SOA timers. */
#define TG_EXPORT_TTL		 300
#define TG_EXPORT_DEFAULT_ORIGIN "rpz.typoguard."

/** The lookalikes collected for an export. */
typedef struct tg_export {
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
} tg_export;

/** Entries per list source, for the header. */
typedef struct tg_export_src {
	const char *src; /**< lives as long as the list */
	size_t n;
} tg_export_src;

typedef struct tg_export_srcs {
	tg_export_src s[TG_EXPORT_MAX_SOURCES];
	size_t n;
	size_t other; /**< entries of sources beyond the cap */
} tg_export_srcs;

/** tg_enumerate() callback: keep one lookalike. */
static int tg_export_keep(const char *name, const tg_result *res, void *arg)
{
	tg_export *ex = arg;
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
static int tg_export_entry(const char *name, const char *source,
			   unsigned long line, void *arg)
{
	tg_export *ex = arg;
	int rc;

	(void)source;
	(void)line;
	ex->n_protected++;
	ex->before = ex->n;
	rc = tg_enumerate(ex->idx, name, ex->min_verdict, ex->limit,
			  tg_export_keep, ex);
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
static int tg_export_count(const char *name, const char *source,
			   unsigned long line, void *arg)
{
	tg_export_srcs *ss = arg;
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

static int tg_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/** 32-bit FNV-1a, for the derived SOA serial. */
static uint32_t tg_fnv32(uint32_t h, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/** Print an RR through ldns; returns 0 or -1 (reported). */
static int tg_export_rr(FILE *out, ldns_rr *rr)
{
	char *text = ldns_rr2str(rr);

	if (text == NULL) {
		tg_warn("export: %s", tg_strerror(TG_ENOMEM));
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
static ldns_rdf *tg_export_owner(const char *name, int wild,
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
static ldns_rr *tg_export_new_rr(ldns_rdf *owner, ldns_rr_type type)
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
static int tg_export_apex(FILE *out, const ldns_rdf *origin, uint32_t serial)
{
	static const uint32_t timers[4] = {3600, 600, 864000, TG_EXPORT_TTL};
	ldns_rr *soa, *ns;
	int rc, i;

	soa = tg_export_new_rr(ldns_rdf_clone(origin), LDNS_RR_TYPE_SOA);
	ns = tg_export_new_rr(ldns_rdf_clone(origin), LDNS_RR_TYPE_NS);
	if (soa == NULL || ns == NULL) {
		ldns_rr_free(soa);
		ldns_rr_free(ns);
		tg_warn("export: %s", tg_strerror(TG_ENOMEM));
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
	rc = tg_export_rr(out, soa) == 0 && tg_export_rr(out, ns) == 0 ? 0 : -1;
	ldns_rr_free(soa);
	ldns_rr_free(ns);
	return rc;
}

/**
 * One lookalike: "name.ORIGIN CNAME ." and "*.name.ORIGIN CNAME ." (RPZ:
 * NXDOMAIN for the name and everything below it), or a local-zone line.
 * Returns 1 written, 0 skipped (name too long under the origin), -1 error.
 */
static int tg_export_name(FILE *out, const char *name, int rpz,
			  const ldns_rdf *origin)
{
	int wild, rc = 1;

	if (!rpz) {
		ldns_rdf *d = tg_export_owner(name, 0, NULL);
		char *text;

		if (d == NULL)
			return 0;
		text = ldns_rdf2str(d);
		ldns_rdf_deep_free(d);
		if (text == NULL) {
			tg_warn("export: %s", tg_strerror(TG_ENOMEM));
			return -1;
		}
		fprintf(out, "local-zone: \"%s\" always_nxdomain\n", text);
		free(text);
		return 1;
	}
	for (wild = 0; wild < 2 && rc == 1; wild++) {
		ldns_rdf *owner = tg_export_owner(name, wild, origin);
		ldns_rr *rr;

		if (owner == NULL)
			return 0; /* does not fit under the origin */
		rr = tg_export_new_rr(owner, LDNS_RR_TYPE_CNAME);
		if (rr == NULL) {
			tg_warn("export: %s", tg_strerror(TG_ENOMEM));
			return -1;
		}
		ldns_rr_push_rdf(rr, ldns_dname_new_frm_str("."));
		if (tg_export_rr(out, rr) != 0)
			rc = -1;
		ldns_rr_free(rr);
	}
	return rc;
}

/** Write the export to \p out; 0 or -1 (reported). */
static int tg_export_write(FILE *out, const tg_tool_opts *o,
			   const tg_index_options *iopts, const tg_list *list,
			   const char *conf_used, char **names, size_t n,
			   const tg_export *ex, const ldns_rdf *origin,
			   uint32_t serial, const char *stamp)
{
	int rpz = strcmp(o->format, "rpz") == 0;
	const char *c = rpz ? ";" : "#";
	tg_export_srcs *ss;
	size_t i, skipped = 0;
	int k;

	ss = calloc(1, sizeof(*ss));
	if (ss == NULL) {
		tg_warn("export: %s", tg_strerror(TG_ENOMEM));
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
		if (tg_list_foreach(list, kind, tg_export_count, ss) != TG_OK)
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
	for (i = 0; i < o->n_pairs; i++)
		fprintf(out, "%s tld-pair: %s %s\n", c, o->pairs[i][0],
			o->pairs[i][1]);
	if (o->psl_file != NULL)
		fprintf(out, "%s public suffix list: %s\n", c, o->psl_file);
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
		if (tg_export_apex(out, origin, serial) != 0)
			return -1;
	} else {
		fprintf(out, "server:\n");
	}
	for (i = 0; i < n; i++) {
		int rc = tg_export_name(out, names[i], rpz, origin);

		if (rc < 0)
			return -1;
		if (rc == 0)
			skipped++;
	}
	if (skipped > 0)
		tg_warn("export: %zu name%s too long for the origin, skipped",
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
static int tg_cmd_export(int argc, char **argv, const char *config)
{
	static char outbuf[TG_TOOL_OUTBUF];
	tg_tool_opts o;
	tg_index *idx = NULL;
	tg_list *list = NULL;
	const char *conf_used = NULL;
	tg_index_options iopts;
	tg_export ex;
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
	o.block_threshold = -1;
	o.log_threshold = -1;
	o.export_mode = 1;
	o.min_verdict = TG_VERDICT_BLOCK;
	o.origin = TG_EXPORT_DEFAULT_ORIGIN;
	if (config != NULL) {
		o.config = config;
		o.config_given = 1;
	}
	rc = tg_parse_score_opts(argc, argv, &o);
	if (rc < 0)
		return TG_EXIT_OK;
	if (rc != TG_EXIT_OK)
		return rc;
	if (optind < argc) {
		tg_warn("export: unexpected argument '%s'", argv[optind]);
		tg_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (o.format == NULL) {
		tg_warn("export: --format rpz or --format local-zone is "
			"required");
		tg_usage(stderr);
		return TG_EXIT_USAGE;
	}
	origin = ldns_dname_new_frm_str(o.origin);
	if (origin == NULL || ldns_dname_label_count(origin) == 0) {
		tg_warn("export: --origin '%s': not a valid zone name",
			o.origin);
		ldns_rdf_deep_free(origin);
		return TG_EXIT_USAGE;
	}
	rc = tg_build_index_list(&o, &idx, &list, &conf_used, &iopts);
	if (rc != TG_EXIT_OK)
		goto done_origin;
	ex.idx = idx;
	ex.min_verdict = (tg_verdict)o.min_verdict;
	ex.limit = o.limit;
	ex.rc = TG_OK;
	rc = tg_list_foreach(list, TG_LIST_PROTECTED, tg_export_entry, &ex);
	if (ex.rc != TG_OK || (rc != TG_OK && rc != 1)) {
		int code = ex.rc != TG_OK ? ex.rc : rc;

		if (code == TG_ELIMIT)
			tg_warn("export: more than %lu lookalikes or %lu "
				"bytes of names (at %s); use --limit",
				(unsigned long)TG_EXPORT_MAX_NAMES,
				(unsigned long)TG_EXPORT_MAX_BYTES, ex.failed);
		else
			tg_warn("export: enumerating %s: %s", ex.failed,
				tg_strerror(code));
		goto done;
	}
	/* sort and merge: two protected names may share lookalikes */
	names = malloc((ex.n ? ex.n : 1) * sizeof(*names));
	if (names == NULL) {
		tg_warn("export: %s", tg_strerror(TG_ENOMEM));
		goto done;
	}
	for (i = 0; i < ex.n; i++)
		names[i] = ex.buf + ex.off[i];
	qsort(names, ex.n, sizeof(*names), tg_cmp_str);
	for (i = 0; i < ex.n; i++)
		if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
			names[u++] = names[i];
	/* the serial: given, the time (--date), or derived from content */
	if (o.date) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		unsigned long long t = (unsigned long long)time(NULL);
		time_t tt;
		struct tm tm;

		if (sde != NULL && tg_parse_uint(sde, UINT32_MAX, &t) != 0) {
			tg_warn("export: SOURCE_DATE_EPOCH '%s' is not a "
				"time",
				sde);
			goto done;
		}
		tt = (time_t)t;
		if (gmtime_r(&tt, &tm) == NULL ||
		    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) ==
			0)
			snprintf(stamp, sizeof(stamp), "%llu", t);
		stamp_p = stamp;
		serial = (uint32_t)t;
	} else {
		serial = 2166136261u;
		serial = tg_fnv32(serial, o.format, strlen(o.format));
		serial = tg_fnv32(serial, o.origin, strlen(o.origin));
		for (i = 0; i < u; i++)
			serial =
			    tg_fnv32(serial, names[i], strlen(names[i]) + 1);
		serial &= 0x7fffffffu;
		if (serial == 0)
			serial = 1;
	}
	if (o.serial_given)
		serial = o.serial;
	if (o.output != NULL) {
		if (tg_outfile_open(o.output, 0644, &of, &err) != TG_OK) {
			tg_report(&err);
			goto done;
		}
		out = tg_outfile_stream(of);
	} else {
		out = stdout;
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	}
	if (tg_export_write(out, &o, &iopts, list, conf_used, names, u, &ex,
			    origin, serial, stamp_p) != 0) {
		tg_outfile_abort(of);
		goto done;
	}
	if (of == NULL) {
		if (fflush(stdout) != 0 || ferror(stdout)) {
			tg_warn("write error: %s", strerror(errno));
			goto done;
		}
	} else {
		if (tg_outfile_commit(of, &err) != TG_OK) {
			tg_report(&err);
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

/* --------------------------------------------------------- check-conf */

static int tg_cmd_check_conf(int argc, char **argv, const char *config)
{
	const char *path = config ? config : tg_default_conf();
	tg_conf *conf = NULL;
	tg_list *list = NULL;
	tg_index *idx = NULL;
	tg_index_options iopts;
	tg_error err;
	size_t prot, allow, infra, mem;
	int rc;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1])) {
		tg_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (argc == 2)
		path = argv[1];
	memset(&err, 0, sizeof(err));
	rc = tg_conf_load(path, &conf, &err);
	if (rc == TG_OK)
		rc = tg_conf_load_lists(conf, &list, &err);
	if (rc == TG_OK) {
		tg_conf_index_options(conf, &iopts);
		rc = tg_index_build(list, &iopts, &idx, &err);
	}
	if (rc != TG_OK) {
		char buf[3 * TG_NAME_BUF];

		/* the operator's format: file:line: reason, nothing else */
		fprintf(stderr, "%s\n",
			tg_error_format(&err, buf, sizeof(buf)));
		tg_list_free(list);
		tg_conf_free(conf);
		return TG_EXIT_ERROR;
	}
	prot = tg_list_count(list, TG_LIST_PROTECTED);
	allow = tg_list_count(list, TG_LIST_ALLOW);
	infra = tg_list_count(list, TG_LIST_INFRA);
	if (iopts.builtin_infrastructure) {
		size_t nb;
		tg_infrastructure_builtin(&nb);
		infra += nb;
	}
	mem = tg_index_memory(idx);
	printf("%s: ok: %zu list%s, %zu protected, %zu allowed, %zu "
	       "infrastructure, %zu tld "
	       "pair%s, block %d, log %d, action %s, index %zu bytes "
	       "(%zu B/name)\n",
	       path, conf->n_lists, conf->n_lists == 1 ? "" : "s", prot, allow,
	       infra, conf->n_tld_pairs, conf->n_tld_pairs == 1 ? "" : "s",
	       iopts.block_threshold, iopts.log_threshold,
	       tg_action_name(conf->action), mem, prot ? mem / prot : mem);
	tg_index_free(idx);
	tg_list_free(list);
	tg_conf_free(conf);
	return TG_EXIT_OK;
}

/* --------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	const char *config = NULL;
	const char *cmd;
	int i = 1;

	/* global options before the command: -c FILE, --version, --help */
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		const char *a = argv[i];

		if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("typoguard %s\n", PACKAGE_VERSION);
			return TG_EXIT_OK;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			tg_usage(stdout);
			return TG_EXIT_OK;
		} else if ((strcmp(a, "-c") == 0 ||
			    strcmp(a, "--config") == 0) &&
			   i + 1 < argc) {
			config = argv[i + 1];
			i += 2;
		} else if (strncmp(a, "--config=", 9) == 0) {
			config = a + 9;
			i++;
		} else {
			tg_warn("unknown option '%s'", a);
			tg_usage(stderr);
			return TG_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		tg_usage(stderr);
		return TG_EXIT_USAGE;
	}
	cmd = argv[i];
	if (strcmp(cmd, "score") == 0)
		return tg_cmd_score(argc - i, argv + i, 0, config);
	if (strcmp(cmd, "explain") == 0)
		return tg_cmd_score(argc - i, argv + i, 1, config);
	if (strcmp(cmd, "check-conf") == 0)
		return tg_cmd_check_conf(argc - i, argv + i, config);
	if (strcmp(cmd, "audit") == 0)
		return tg_audit_main(argc - i, argv + i, config);
	if (strcmp(cmd, "check-install") == 0)
		return tg_install_main(argc - i, argv + i, config);
	if (strcmp(cmd, "export") == 0)
		return tg_cmd_export(argc - i, argv + i, config);
	if (strcmp(cmd, "report") == 0)
		return tg_report_main(argc - i, argv + i);
	if (strcmp(cmd, "help") == 0) {
		tg_usage(stdout);
		return TG_EXIT_OK;
	}
	if (strcmp(cmd, "version") == 0) {
		printf("typoguard %s\n", PACKAGE_VERSION);
		return TG_EXIT_OK;
	}
	tg_warn("unknown command '%s'", cmd);
	tg_usage(stderr);
	return TG_EXIT_USAGE;
}
