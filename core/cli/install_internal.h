/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * `typoguard check-install`: the one entry point core/cli/tool.c calls
 * (install.c).
 *
 * Before Unbound (re)starts, tells whether typoguard.so fits the unbound
 * executable that will load it (the build identity embedded in the module,
 * ubid_internal.h, against `unbound -V` and the executable's own strings
 * and exported functions) and whether the configuration and its lists
 * load, as check-conf does.  Reads files and runs `unbound -V`; never
 * loads the module.
 */
#ifndef TG_INSTALL_INTERNAL_H
#define TG_INSTALL_INTERNAL_H

#include <stdio.h>

/**
 * Run `typoguard check-install`.  \p argv[0] is "check-install", the
 * options follow.  \p config is the global -c FILE (NULL if none).
 * Returns 0 when the module matches the daemon and the configuration
 * loads, 1 otherwise, 2 on a usage error.
 */
int cmd_check_install(int argc, char **argv, const char *config);

/** The check-install lines of `typoguard help`, written to \p out. */
void install_usage(FILE *out);

#endif /* TG_INSTALL_INTERNAL_H */
