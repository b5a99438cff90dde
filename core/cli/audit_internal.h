/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard audit`: the one entry point core/cli/tool.c calls (audit.c).
 *
 * The audit lives in the tool, not in libtgcore: it is the only part of
 * typoguard that resolves names, so only the tool links libunbound and the
 * resolver module never does.
 */
#ifndef TG_AUDIT_INTERNAL_H
#define TG_AUDIT_INTERNAL_H

#include <stdio.h>

/**
 * Run `typoguard audit`.  \p argv[0] is "audit", the options follow.
 * \p config is the global -c FILE (NULL if none).  Returns the tool's exit
 * status: 0 done (per-name failures are in the status column), 1
 * configuration, list, resolver or I/O error, 2 usage error.
 */
int cmd_audit(int argc, char **argv, const char *config);

/** The audit's lines of `typoguard help`, written to \p out. */
void audit_usage(FILE *out);

#endif /* TG_AUDIT_INTERNAL_H */
