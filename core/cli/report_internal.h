/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard report`: the one entry point core/cli/tool.c calls (report.c).
 *
 * The report reads event logs (schema version 1, JSON Lines, plain or
 * gzip) and summarises them as text, JSON or one self-contained HTML page.
 * It lives in the tool, not in libtgcore: only the tool links json-c and
 * zlib, the resolver module never does.
 */
#ifndef TG_REPORT_INTERNAL_H
#define TG_REPORT_INTERNAL_H

#include <stdio.h>

/**
 * Run `typoguard report`.  \p argv[0] is "report", the options and event
 * log files follow; \p config (the global -c FILE) is not used: the report
 * reads event logs only.  Returns the tool's exit status: 0 report written (bad
 * input lines are counted and listed in it), 1 a file could not be opened
 * or the output not written, 2 usage error.
 */
int cmd_report(int argc, char **argv, const char *config);

/** The report's lines of `typoguard help`, written to \p out. */
void report_usage(FILE *out);

#endif /* TG_REPORT_INTERNAL_H */
