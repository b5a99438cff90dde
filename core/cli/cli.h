/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The command-line tool's own header (core/cli/): what the subcommand files
 * share.  tool.c holds main() and the table of subcommands; opts.c the
 * option parser for lists, thresholds and TLD pairs and the index built from
 * them; cmd_score.c (score, explain), cmd_export.c, cmd_check_conf.c,
 * audit.c, report.c and install.c one subcommand each.  Nothing here is
 * part of the library's API (core/typoguard.h).
 */
#ifndef TG_CLI_H
#define TG_CLI_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "typoguard.h"

/** Exit statuses of every subcommand (typoguard(1), EXIT STATUS): audit,
 *  report and check-install use 0, 1 and 2 with these meanings; only score
 *  and explain give 3. */
enum cli_exit {
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

/** The program name in messages: "typoguard". */
extern const char *cli_progname;

/** The list options: lists, thresholds and TLD pairs (cli_parse_opts). */
typedef struct cli_opts {
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
	int no_builtin_infra; /**< --no-builtin-infrastructure */
} cli_opts;

/** getopt values of long options without a short form (above 255). */
enum {
	CLI_OPT_PSL = 256,
	CLI_OPT_NO_BUILTIN_INFRA,
	CLI_OPT_EXTRA /**< the first value free for a subcommand's own */
};

/** A subcommand's own options, parsed beside the list options. */
typedef struct cli_extra {
	const char *shortopts;	       /**< getopt letters, e.g. "jo:" */
	const struct option *longopts; /**< NULL-terminated, or NULL */
	/** Handle one of them; TG_EXIT_OK, or TG_EXIT_USAGE (reported). */
	int (*handle)(int c, const char *arg, void *ctx);
	void *ctx;		  /**< for handle */
	void (*usage)(FILE *out); /**< for --help and errors; NULL: all */
} cli_extra;

/** Print "typoguard: message" to stderr. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Print a library error as "typoguard: file:line: reason" to stderr. */
void cli_report(const tg_error *err);
/** Print the usage of every subcommand to \p out. */
void cli_usage(FILE *out);

/** The configuration used when -c is not given: $TYPOGUARD_CONF (as for
 *  the module), else the compiled-in default.  Not a copy. */
const char *cli_default_conf(void);
/** Set \p o to no options; \p config is the global -c FILE (or NULL). */
void cli_opts_init(cli_opts *o, const char *config);
/**
 * Parse the options of a subcommand that builds an index: -c -p -B -a -i
 * -t -b -l --psl --no-builtin-infrastructure into \p o, and the
 * subcommand's own options \p x (NULL: none) through x->handle.  The
 * first operand is left at argv[optind].  Returns TG_EXIT_OK, -1 after
 * --help (usage printed to stdout), or the exit status to leave with
 * (error and usage already printed to stderr).
 */
int cli_parse_opts(int argc, char **argv, cli_opts *o, const cli_extra *x);
/**
 * Build the index the options describe.  Lists of the configuration are
 * used when -c was given or when no --protected file was; command-line
 * lists and pairs are added on top.  Returns TG_EXIT_OK or TG_EXIT_ERROR
 * (reported).  The caller frees *\p out.
 */
int cli_build_index(const cli_opts *o, tg_index **out);
/**
 * As cli_build_index(); when \p keep is not NULL the list the index was
 * built from is handed over in *\p keep (the caller frees it), and
 * *\p conf_used names the configuration whose lists were read (NULL if
 * none; the string is an option or environment value, not a copy), and
 * *\p used (if not NULL) receives the index options in effect.
 */
int cli_build_index_list(const cli_opts *o, tg_index **out, tg_list **keep,
			 const char **conf_used, tg_index_options *used);

/**
 * Write \p s to \p out as a JSON string, quotes included, escaped by the
 * library's tg_json_string() (the same escaping as the event log).  Names
 * are given in DNS presentation format (\DDD, \.), so they keep every
 * byte.
 */
void cli_json_string(FILE *out, const char *s);

/**
 * Load the configuration at \p path, its lists and the index, exactly as
 * the module does (check-conf, check-install).  On TG_OK the caller owns
 * *\p conf, *\p list and *\p idx; on error the "file:line: reason" is on
 * stderr and nothing is left to free.
 */
int cli_check_conf_load(const char *path, tg_conf **conf, tg_list **list,
			tg_index **idx, tg_index_options *iopts);

/* The subcommands: argv[0] is the subcommand's name, \p config the global
 * -c FILE (NULL if none); each returns the tool's exit status. */
int cmd_score(int argc, char **argv, const char *config);
int cmd_explain(int argc, char **argv, const char *config);
int cmd_export(int argc, char **argv, const char *config);
int cmd_check_conf(int argc, char **argv, const char *config);

#endif /* TG_CLI_H */
