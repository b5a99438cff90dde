/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard: the command-line face of the scoring core.
 *
 * The tool is a thin shell around core/typoguard.h and uses nothing else:
 * every subcommand builds a tg_list (from --protected/--allow/--tld-pair, or
 * from the lists a typoguard.conf names), builds one tg_index from it, and
 * then scores, explains or summarises.  Subcommands:
 *
 *   score       names from the command line, or one per line from stdin
 *               ("-"); plain text or one JSON object per line (--json).
 *   explain     the same scoring, followed by tg_result_explain() prose.
 *   check-conf  tg_conf_load + tg_conf_load_lists + tg_index_build, then a
 *               one-line summary, or "file:line: reason" and exit 1.
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
	const char *allow_files[TG_TOOL_MAX_FILES];
	size_t n_allow;
	char pairs[TG_TOOL_MAX_PAIRS][2][64];
	size_t n_pairs;
	int block_threshold; /**< -1: from config or default */
	int log_threshold;   /**< -1: from config or default */
	const char *psl_file;
	int json;
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
	    "  explain [OPTIONS] NAME...       score and explain in plain "
	    "words\n"
	    "  check-conf [FILE]               validate a configuration and "
	    "its lists\n"
	    "  help                            this text\n"
	    "\n"
	    "options of score and explain:\n"
	    "  -c, --config FILE        configuration (default %s)\n"
	    "  -p, --protected FILE     protected names, one per line "
	    "(repeatable)\n"
	    "  -a, --allow FILE         allowlist, one per line "
	    "(repeatable)\n"
	    "  -t, --tld-pair P:C       extra TLD confusion pair, e.g. "
	    "mil:ml\n"
	    "  -b, --block-threshold N  block at score >= N (0..100)\n"
	    "  -l, --log-threshold N    log at score >= N (0..100)\n"
	    "      --psl FILE           Public Suffix List file\n"
	    "  -j, --json               one JSON object per name\n"
	    "\n"
	    "  -V, --version            print the version\n"
	    "Without --protected the lists of the configuration are used.\n",
	    tg_progname, tg_default_conf());
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
	TG_OPT_PSL = 256
};

static const struct option tg_score_longopts[] = {
    {"config", required_argument, NULL, 'c'},
    {"protected", required_argument, NULL, 'p'},
    {"allow", required_argument, NULL, 'a'},
    {"tld-pair", required_argument, NULL, 't'},
    {"block-threshold", required_argument, NULL, 'b'},
    {"log-threshold", required_argument, NULL, 'l'},
    {"psl", required_argument, NULL, TG_OPT_PSL},
    {"json", no_argument, NULL, 'j'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

/**
 * Parse the options of score/explain.  Returns TG_EXIT_OK, or the exit
 * status to leave with (usage already printed).
 */
static int tg_parse_score_opts(int argc, char **argv, tg_tool_opts *o)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:p:a:t:b:l:jh", tg_score_longopts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			o->config_given = 1;
			break;
		case 'p':
		case 'a':
			if ((c == 'p' ? o->n_protected : o->n_allow) >=
			    TG_TOOL_MAX_FILES) {
				tg_warn("too many list files (at most %d)",
					TG_TOOL_MAX_FILES);
				return TG_EXIT_USAGE;
			}
			if (c == 'p')
				o->protected_files[o->n_protected++] = optarg;
			else
				o->allow_files[o->n_allow++] = optarg;
			break;
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
		case TG_OPT_PSL:
			o->psl_file = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'h':
			tg_usage(stdout);
			return -1;
		default:
			if (optopt != 0 && optopt < 256 && c == '?' &&
			    strchr("cpatbl", optopt) != NULL)
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
static int tg_build_index(const tg_tool_opts *o, tg_index **out)
{
	tg_conf *conf = NULL;
	tg_list *list = NULL;
	tg_index_options iopts;
	tg_error err;
	size_t i;
	int rc;

	memset(&err, 0, sizeof(err));
	tg_index_options_init(&iopts);
	if (o->config_given || o->n_protected == 0) {
		const char *path = o->config ? o->config : tg_default_conf();

		rc = tg_conf_load(path, &conf, &err);
		if (rc != TG_OK) {
			tg_report(&err);
			if (!o->config_given)
				tg_warn("no --protected list given, so the "
					"default configuration %s is "
					"needed",
					path);
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
	for (i = 0; rc == TG_OK && i < o->n_protected; i++)
		rc = tg_list_load_file(list, TG_LIST_PROTECTED,
				       o->protected_files[i], &err);
	for (i = 0; rc == TG_OK && i < o->n_allow; i++)
		rc = tg_list_load_file(list, TG_LIST_ALLOW, o->allow_files[i],
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
	fprintf(out, ",\"allowlisted\":%s,\"is_protected\":%s",
		r->allowlisted ? "true" : "false",
		r->is_protected ? "true" : "false");
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

/* --------------------------------------------------------- check-conf */

static int tg_cmd_check_conf(int argc, char **argv, const char *config)
{
	const char *path = config ? config : tg_default_conf();
	tg_conf *conf = NULL;
	tg_list *list = NULL;
	tg_index *idx = NULL;
	tg_index_options iopts;
	tg_error err;
	size_t prot, allow, mem;
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
	mem = tg_index_memory(idx);
	printf("%s: ok: %zu list%s, %zu protected, %zu allowed, %zu tld "
	       "pair%s, block %d, log %d, action %s, index %zu bytes "
	       "(%zu B/name)\n",
	       path, conf->n_lists, conf->n_lists == 1 ? "" : "s", prot, allow,
	       conf->n_tld_pairs, conf->n_tld_pairs == 1 ? "" : "s",
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
