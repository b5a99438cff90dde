/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The guard that keeps typoguard.so out of an Unbound it was not compiled
 * for (module/tg_guard.c, core/ubid_internal.h).
 *
 * A dynlib module reads Unbound's structs directly, and their layout
 * changes with the version, the layout-affecting configure options and
 * patch levels; dynlib checks nothing.  tg_guard_check() is the first
 * thing init() does: it touches no field of the env (even env->modinfo
 * moved in 1.23) and looks only at the daemon's executable image (its
 * "unbound X.Y.Z" literal) and its exported functions (dlsym).
 */
#ifndef TG_GUARD_H
#define TG_GUARD_H

/**
 * Compare the running daemon with the Unbound tree this module was built
 * against.  On a match returns 1; otherwise logs one line through
 * log_err naming both sides and the fix, and returns 0 (init() then
 * returns 0 and Unbound refuses to start or to reload).
 */
int tg_guard_check(void);

/** 1 after tg_guard_check() returned 1 in this load of the module: only
 *  then may deinit() and get_mem() look into the env. */
int tg_guard_passed(void);

/** The identity string embedded in the module (after TG_UBID_TAG). */
const char *tg_guard_identity(void);

#endif /* TG_GUARD_H */
