/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Module-internal: the last-good snapshot of the lists.
 *
 * With `state-dir:`, every list set that loaded is copied there
 * (list-GEN-I.snap) with a manifest, last-good.conf: the configuration as
 * tg_conf_write() writes it, naming the copies.  The copies of a new
 * generation are written first, the manifest is renamed into place last,
 * and the previous generation's copies are removed after it, so a crash at
 * any point leaves one complete snapshot.  When the current lists are
 * invalid at start, the policy loads the manifest instead (tg_policy.h).
 */
#ifndef TG_SNAPSHOT_H
#define TG_SNAPSHOT_H

#include <stddef.h>

#include "typoguard.h"

/**
 * Save the lists of \p c as the snapshot generation after *\p gen (0: a
 * new start, the time is used), and set *\p gen to it.  Without
 * `state-dir:` nothing is done.  On failure returns TG_EIO with a reason
 * for the operator in \p why (the previous snapshot stays usable).
 */
int tg_snapshot_save(const tg_conf *c, unsigned long *gen, char *why,
		     size_t whylen);

/**
 * The snapshot's configuration (naming the list copies) into *\p out, to
 * be freed with tg_conf_free().  TG_ENOTFOUND without `state-dir:` or
 * without a snapshot; a TG_E* code and \p err when it does not load.
 */
int tg_snapshot_load(const tg_conf *c, tg_conf **out, tg_error *err);

#endif /* TG_SNAPSHOT_H */
