/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The tool's option parser for lists, thresholds and TLD pairs, and the
 * index built from the options (see cli.h).
 */
#include "tg_config.h"

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

/** The configuration used when -c is not given: $TYPOGUARD_CONF (as for
 *  the module), else the compiled-in default. */
const char *cli_default_conf(void)
{
	return tg_conf_env_path();
}

/** Parse a threshold 0..100 (tg_parse_uint()); -1 on error. */
static int parse_threshold(const char *s)
{
	uint64_t v;

	if (tg_parse_uint(s, 0, 100, &v) != TG_OK)
		return -1;
	return (int)v;
}

/** Split "P:C" into pairs[n]; 0 on success. */
static int parse_pair(const char *s, char pair[2][64])
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

/** The list options every subcommand that builds an index takes. */
static const char list_shortopts[] = "c:p:B:a:i:t:b:l:";
static const struct option list_longopts[] = {
    {"config", required_argument, NULL, 'c'},
    {"protected", required_argument, NULL, 'p'},
    {"brand", required_argument, NULL, 'B'},
    {"allow", required_argument, NULL, 'a'},
    {"infrastructure", required_argument, NULL, 'i'},
    {"tld-pair", required_argument, NULL, 't'},
    {"block-threshold", required_argument, NULL, 'b'},
    {"log-threshold", required_argument, NULL, 'l'},
    {"psl", required_argument, NULL, CLI_OPT_PSL},
    {"no-builtin-infrastructure", no_argument, NULL, CLI_OPT_NO_BUILTIN_INFRA},
    {"help", no_argument, NULL, 'h'}};
#define LIST_NLONG (sizeof(list_longopts) / sizeof(list_longopts[0]))
/** Caps on a subcommand's own options. */
#define EXTRA_MAX_LONG	32
#define EXTRA_MAX_SHORT 32

void cli_opts_init(cli_opts *o, const char *config)
{
	memset(o, 0, sizeof(*o));
	o->block_threshold = -1;
	o->log_threshold = -1;
	if (config != NULL) {
		o->config = config;
		o->config_given = 1;
	}
}

/** Handle one list option \p c; TG_EXIT_OK or TG_EXIT_USAGE (reported). */
static int list_opt(int c, const char *arg, cli_opts *o)
{
	switch (c) {
	case 'c':
		o->config = arg;
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
			cli_warn("too many list files (at most %d)",
				 TG_TOOL_MAX_FILES);
			return TG_EXIT_USAGE;
		}
		if (files == o->protected_files)
			o->protected_brand[*n] = c == 'B';
		files[(*n)++] = arg;
		break;
	}
	case 't':
		if (o->n_pairs >= TG_TOOL_MAX_PAIRS) {
			cli_warn("too many --tld-pair (at most %d)",
				 TG_TOOL_MAX_PAIRS);
			return TG_EXIT_USAGE;
		}
		if (parse_pair(arg, o->pairs[o->n_pairs]) != 0) {
			cli_warn("--tld-pair '%s': expected "
				 "PROTECTED:CONFUSABLE, e.g. mil:ml",
				 arg);
			return TG_EXIT_USAGE;
		}
		o->n_pairs++;
		break;
	case 'b':
	case 'l': {
		int v = parse_threshold(arg);

		if (v < 0) {
			cli_warn("threshold '%s': expected an integer 0..100",
				 arg);
			return TG_EXIT_USAGE;
		}
		if (c == 'b')
			o->block_threshold = v;
		else
			o->log_threshold = v;
		break;
	}
	case CLI_OPT_NO_BUILTIN_INFRA:
		o->no_builtin_infra = 1;
		break;
	case CLI_OPT_PSL:
		o->psl_file = arg;
		break;
	}
	return TG_EXIT_OK;
}

int cli_parse_opts(int argc, char **argv, cli_opts *o, const cli_extra *x)
{
	static const cli_extra none;
	struct option longopts[LIST_NLONG + EXTRA_MAX_LONG + 1];
	char shortopts[sizeof(list_shortopts) + EXTRA_MAX_SHORT + 1];
	void (*usage)(FILE *) = cli_usage;
	size_t n = LIST_NLONG, k;
	const char *spec;
	int c;

	if (x == NULL)
		x = &none;
	if (x->usage != NULL)
		usage = x->usage;
	memcpy(longopts, list_longopts, sizeof(list_longopts));
	for (k = 0; x->longopts != NULL && x->longopts[k].name != NULL; k++) {
		if (n >= LIST_NLONG + EXTRA_MAX_LONG)
			abort(); /* a programming error: raise the cap */
		longopts[n++] = x->longopts[k];
	}
	memset(&longopts[n], 0, sizeof(longopts[n]));
	if (x->shortopts != NULL && strlen(x->shortopts) > EXTRA_MAX_SHORT)
		abort(); /* a programming error: raise the cap */
	snprintf(shortopts, sizeof(shortopts), "%s%sh", list_shortopts,
		 x->shortopts != NULL ? x->shortopts : "");

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return -1;
		}
		if (c != '?' &&
		    ((c < 256 && strchr(list_shortopts, c) != NULL) ||
		     c == CLI_OPT_PSL || c == CLI_OPT_NO_BUILTIN_INFRA)) {
			if (list_opt(c, optarg, o) != TG_EXIT_OK)
				return TG_EXIT_USAGE;
			continue;
		}
		if (c != '?' && x->handle != NULL) {
			if (x->handle(c, optarg, x->ctx) != TG_EXIT_OK)
				return TG_EXIT_USAGE;
			continue;
		}
		if (optopt != 0 && optopt < 256 && c == '?' &&
		    (spec = strchr(shortopts, optopt)) != NULL &&
		    spec[1] == ':')
			cli_warn("%s: option -%c needs an argument", argv[0],
				 optopt);
		else
			cli_warn("%s: unknown option or missing argument: "
				 "'%s'",
				 argv[0], argv[optind - 1]);
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	return TG_EXIT_OK;
}

int cli_build_index_list(const cli_opts *o, tg_index **out, tg_list **keep,
			 const char **conf_used, tg_index_options *used)
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
		const char *path = o->config ? o->config : cli_default_conf();

		if (conf_used != NULL)
			*conf_used = path;

		rc = tg_conf_load(path, &conf, &err);
		if (rc != TG_OK) {
			cli_report(&err);
			if (!o->config_given && err.code == TG_EIO)
				cli_warn("no list named and no configuration "
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
			cli_report(&err);
			tg_conf_free(conf);
			return TG_EXIT_ERROR;
		}
		tg_conf_index_options(conf, &iopts);
	} else {
		list = tg_list_create();
		if (list == NULL) {
			cli_warn("%s", tg_strerror(TG_ENOMEM));
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
		cli_report(&err);
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
		cli_warn("log threshold %d is above block threshold %d",
			 iopts.log_threshold, iopts.block_threshold);
		goto fail;
	}
	rc = tg_index_build(list, &iopts, out, &err);
	if (rc != TG_OK) {
		cli_report(&err);
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

int cli_build_index(const cli_opts *o, tg_index **out)
{
	return cli_build_index_list(o, out, NULL, NULL, NULL);
}
