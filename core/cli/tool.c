/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard: the command-line face of the scoring core.
 *
 * The tool is a thin shell around core/typoguard.h (and ldns, to write
 * zone data): every subcommand builds a tg_list (from --protected/--allow/
 * --tld-pair, or from the lists a typoguard.conf names), builds one
 * tg_index from it, and then scores, explains, summarises or exports.
 * Subcommands (the table in main(); one file each, see cli.h):
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
#include "tg_config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "audit_internal.h"
#include "cli.h"
#include "install_internal.h"
#include "report_internal.h"

const char *cli_progname = "typoguard";

void cli_usage(FILE *out)
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
	    cli_progname, cli_default_conf());
	audit_usage(out);
	report_usage(out);
	install_usage(out);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_report(const tg_error *err)
{
	char buf[3 * TG_NAME_BUF];

	tg_error_format(err, buf, sizeof(buf));
	fprintf(stderr, "%s: %s\n", cli_progname, buf);
}

/* ---------------------------------------------------------- commands */

static int cmd_help(int argc, char **argv, const char *config)
{
	(void)argc, (void)argv, (void)config;
	cli_usage(stdout);
	return TG_EXIT_OK;
}

static int cmd_version(int argc, char **argv, const char *config)
{
	(void)argc, (void)argv, (void)config;
	printf("typoguard %s\n", PACKAGE_VERSION);
	return TG_EXIT_OK;
}

/** One subcommand: its name and the function that runs it. */
typedef struct cli_command {
	const char *name;
	int (*run)(int argc, char **argv, const char *config);
} cli_command;

/** The subcommands.  A new one: a cmd_*.c file, its entry here, its lines
 *  in cli_usage() and in typoguard.1. */
static const cli_command commands[] = {
    {"score", cmd_score},
    {"explain", cmd_explain},
    {"check-conf", cmd_check_conf},
    {"audit", cmd_audit},
    {"check-install", cmd_check_install},
    {"export", cmd_export},
    {"report", cmd_report},
    {"help", cmd_help},
    {"version", cmd_version},
};

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
			cli_usage(stdout);
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
			cli_warn("unknown option '%s'", a);
			cli_usage(stderr);
			return TG_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		cli_usage(stderr);
		return TG_EXIT_USAGE;
	}
	cmd = argv[i];
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(cmd, commands[k].name) == 0)
			return commands[k].run(argc - i, argv + i, config);
	cli_warn("unknown command '%s'", cmd);
	cli_usage(stderr);
	return TG_EXIT_USAGE;
}
