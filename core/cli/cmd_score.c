/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard score` and `typoguard explain`: names from the command line or
 * stdin, scored against the index the options build; plain text, one JSON
 * object per line (--json), or tg_result_explain() prose.
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
#include "rules_internal.h"

/* ------------------------------------------------------------- output */

/**
 * Copy \p in to \p out for a terminal or a whitespace-separated column:
 * bytes outside printable ASCII, and blanks, become \DDD as in DNS
 * presentation format.  Always NUL-terminated; truncated if \p cap is small.
 */
static void escape(const char *in, char *out, size_t cap)
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

/** Longest reasons column: every class name, comma-separated. */
#define TG_REASONS_MAX 512

/** Append the string \p s at \p o; returns the end. */
static char *put(char *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o, s, n);
	return o + n;
}

/** Append a score (0..100, or any int) in decimal at \p o. */
static char *put_score(char *o, int v)
{
	char d[12];
	size_t n = 0;
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;

	if (v < 0)
		*o++ = '-';
	do {
		d[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	while (n > 0)
		*o++ = d[--n];
	return o;
}

/* A JSON array of the names of the bits set in \p bits (the first \p n). */
static void json_bits(FILE *out, unsigned bits, unsigned n,
		      const char *(*name)(unsigned))
{
	const char *sep = "";
	putc('[', out);
	for (unsigned i = 0; i < n; i++) {
		if (!(bits & (1u << i)))
			continue;
		fputs(sep, out);
		cli_json_string(out, name(1u << i));
		sep = ",";
	}
	putc(']', out);
}

/** Print one result, plain or JSON.  \p input is the name as given. */
static void print_result(FILE *out, const tg_result *r, const char *input,
			 int valid, int json)
{
	if (!json) {
		/* one line, built here and written once: printf's format
		 * parsing was a fifth of the tool's instructions per name */
		char line[4 * TG_MAX_LINE + 1 + sizeof(r->protected_name) +
			  TG_REASONS_MAX + 32];
		char *o = line;

		if (valid) {
			o = put(o, r->name);
		} else {
			escape(input, o, 4 * TG_MAX_LINE + 1);
			o += strlen(o);
		}
		*o++ = ' ';
		o = put(o, valid ? tg_verdict_name(r->verdict) : "invalid");
		*o++ = ' ';
		o = put_score(o, r->score);
		*o++ = ' ';
		o = put(o,
			r->protected_name[0] != '\0' ? r->protected_name : "-");
		*o++ = ' ';
		if (r->classes != 0) {
			tg_classes_format(r->classes, ",", o, TG_REASONS_MAX);
			o += strlen(o);
		} else {
			*o++ = '-';
		}
		*o++ = '\n';
		fwrite(line, 1, (size_t)(o - line), out);
		return;
	}
	fputs("{\"name\":", out);
	cli_json_string(out, valid ? r->name : input);
	fputs(",\"verdict\":", out);
	cli_json_string(out, tg_verdict_name(r->verdict));
	fprintf(out, ",\"score\":%d,\"protected\":", r->score);
	if (r->protected_name[0] != '\0')
		cli_json_string(out, r->protected_name);
	else
		fputs("null", out);
	fputs(",\"reasons\":", out);
	json_bits(out, r->classes, TG_C_COUNT, tg_class_name);
	fputs(",\"held\":", out);
	json_bits(out, r->held, TG_HELD_COUNT, tg_held_name);
	fputs(",\"source\":", out);
	if (r->source != NULL && r->protected_name[0] != '\0') {
		cli_json_string(out, r->source);
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
		cli_json_string(out, "not a valid DNS name");
	}
	fputs("}\n", out);
}

/* ------------------------------------------------------------ scoring */

/** How results are printed. */
typedef enum out_mode {
	TG_OUT_PLAIN = 0, /**< name verdict score protected reasons */
	TG_OUT_JSON,	  /**< one JSON object per line */
	TG_OUT_EXPLAIN	  /**< verdict line and tg_result_explain() prose */
} out_mode;

/** Score one name and print it; returns 0, or 1 if the name was invalid. */
static int score_one(const tg_index *idx, const char *name, const char *where,
		     unsigned long line, out_mode mode)
{
	tg_result r;
	int rc = tg_score_name(idx, name, &r);

	if (rc != TG_OK) {
		char shown[4 * TG_MAX_LINE + 1];

		escape(name, shown, sizeof(shown));
		if (line != 0)
			fprintf(stderr, "%s: %s:%lu: '%s': %s\n", cli_progname,
				where, line, shown,
				rc == TG_ENAME ? "not a valid DNS name"
					       : tg_strerror(rc));
		else
			fprintf(stderr, "%s: '%s': %s\n", cli_progname, shown,
				rc == TG_ENAME ? "not a valid DNS name"
					       : tg_strerror(rc));
		if (mode != TG_OUT_EXPLAIN) {
			memset(&r, 0, sizeof(r));
			r.verdict = TG_VERDICT_PASS;
			print_result(stdout, &r, name, 0, mode == TG_OUT_JSON);
		}
		return 1;
	}
	if (mode == TG_OUT_EXPLAIN) {
		char text[2048];

		tg_result_explain(&r, text, sizeof(text));
		printf("%s: %s, score %d\n  %s\n", r.name,
		       tg_verdict_name(r.verdict), r.score, text);
	} else {
		print_result(stdout, &r, name, 1, mode == TG_OUT_JSON);
	}
	return 0;
}

/**
 * Score names from \p in, one per line: surrounding blanks and a CR are
 * stripped, empty lines and '#' comments skipped, lines longer than
 * TG_MAX_LINE rejected.  Returns the number of rejected lines, or -1 on a
 * read error.
 */
static long score_stream(const tg_index *idx, FILE *in, const char *where,
			 out_mode mode)
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
				cli_progname, where, line, TG_MAX_LINE);
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
		bad += score_one(idx, s, where, line, mode);
	}
	if (ferror(in)) {
		fprintf(stderr, "%s: %s: read error: %s\n", cli_progname, where,
			strerror(errno));
		return -1;
	}
	return bad;
}

static const struct option score_longopts[] = {{"json", no_argument, NULL, 'j'},
					       {NULL, 0, NULL, 0}};

/** cli_extra handler of score's own option: --json. */
static int score_opt(int c, const char *arg, void *ctx)
{
	(void)arg;
	if (c == 'j')
		*(int *)ctx = 1;
	return TG_EXIT_OK;
}

static int score_main(int argc, char **argv, int explain, const char *config)
{
	static char outbuf[TG_TOOL_OUTBUF];
	cli_opts o;
	int json = 0;
	const cli_extra x = {"j", score_longopts, score_opt, &json, NULL};
	tg_index *idx = NULL;
	out_mode mode;
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
	cli_opts_init(&o, config);
	rc = cli_parse_opts(argc, argv, &o, &x);
	if (rc < 0)
		return TG_EXIT_OK;
	if (rc != TG_EXIT_OK)
		return rc;
	if (optind >= argc) {
		cli_warn("%s: no names given (use - to read stdin)",
			 explain ? "explain" : "score");
		cli_usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (explain && json) {
		cli_warn("explain: --json is not supported");
		return TG_EXIT_USAGE;
	}
	rc = cli_build_index(&o, &idx);
	if (rc != TG_EXIT_OK)
		return rc;
	mode = explain ? TG_OUT_EXPLAIN : json ? TG_OUT_JSON : TG_OUT_PLAIN;
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			long n = score_stream(idx, stdin, "<stdin>", mode);

			if (n < 0) {
				tg_index_free(idx);
				return TG_EXIT_ERROR;
			}
			bad += n;
		} else {
			bad += score_one(idx, argv[i], NULL, 0, mode);
		}
	}
	tg_index_free(idx);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", cli_progname,
			strerror(errno));
		return TG_EXIT_ERROR;
	}
	return bad > 0 ? TG_EXIT_INPUT : TG_EXIT_OK;
}

int cmd_score(int argc, char **argv, const char *config)
{
	return score_main(argc, argv, 0, config);
}

int cmd_explain(int argc, char **argv, const char *config)
{
	return score_main(argc, argv, 1, config);
}
