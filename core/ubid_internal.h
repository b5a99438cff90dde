/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The identity of an Unbound build, as far as typoguard.so's binary
 * contract goes: the version, the configure options that change the layout
 * of the structs the module reads (subnet, cachedb, ...), and marker
 * functions that tell patch levels of one version apart (Debian's 1.17.1
 * carries backports that add dns_msg_deepcopy_region and move fields of
 * struct config_file).
 *
 * typoguard.so embeds the identity of the tree it was compiled against as
 * one string, TG_UBID_TAG followed by
 *   "version=1.17.1 options=subnet,cachedb markers=+name,-name
 *    configure=<Unbound's configure line>"
 * (module/tg_guard.c builds it from the tree's config.h and the markers
 * configure found in the tree's headers).  The module's init() compares it
 * with the running daemon (tg_guard.c); `typoguard check-install` reads it
 * from the file and compares it with an unbound executable
 * (core/cli/install.c).
 *
 * What each side can see:
 *   - version: the daemon holds it only as the string literal
 *     PACKAGE_STRING "unbound X.Y.Z" (tg_ubid_find_version scans memory or
 *     a file for it); `unbound -V` prints it too.
 *   - options: a function that exists only with the option
 *     (tg_ubid_options); the daemon is linked -export-dynamic, so dlsym()
 *     sees it, and its name is in the executable's dynamic string table.
 *   - markers: functions, found the same way.
 * Anything else (a patch that moves a field but adds no function, different
 * compiler flags) is invisible to both: one typoguard binary still belongs
 * to one Unbound tree.
 */
#ifndef TG_UBID_INTERNAL_H
#define TG_UBID_INTERNAL_H

#include <stddef.h>

/** What precedes the identity in typoguard.so. */
#define TG_UBID_TAG "typoguard-unbound-build: "
/** Longest identity string after the tag. */
#define TG_UBID_MAX 1024
/** Most marker functions in one identity, and longest name. */
#define TG_UBID_MAX_MARKERS 16
#define TG_UBID_MARKER_LEN  64

/** A layout-affecting configure option and the function that exists only
 *  when Unbound was built with it. */
typedef struct tg_ubid_option {
	const char *name;   /**< as in the identity: "subnet" */
	const char *symbol; /**< e.g. "subnetmod_get_funcblock" */
	const char *macro;  /**< config.h macro, for messages */
} tg_ubid_option;

/** The options typoguard checks, in message order. */
extern const tg_ubid_option tg_ubid_options[];
extern const size_t tg_ubid_n_options;

/** One side's identity (plain data, no allocation). */
typedef struct tg_ubid {
	char version[32]; /**< "1.17.1"; "" when not found */
	unsigned options; /**< bit i: tg_ubid_options[i] */
	size_t n_markers;
	char marker[TG_UBID_MAX_MARKERS][TG_UBID_MARKER_LEN];
	unsigned marker_present; /**< bit i: marker[i] exists */
	char configure[512];	 /**< Unbound's configure line, or "" */
} tg_ubid;

/**
 * Parse an identity string (the text after TG_UBID_TAG) into \p id.
 * Unknown option names and keys are ignored.  Returns 0, or -1 when it
 * names no version or is longer than TG_UBID_MAX.
 */
int tg_ubid_parse(const char *text, tg_ubid *id);

/**
 * Find the first "unbound X.Y.Z" string literal (NUL-terminated, the
 * version starting with a digit, "unbound" not the tail of a longer word)
 * in the \p n bytes at \p p and copy X.Y.Z
 * to \p out.  Returns 1 if found, 0 if not (\p out is then "").
 */
int tg_ubid_find_version(const void *p, size_t n, char *out, size_t outlen);

/**
 * Fill the options and markers of \p run (the running side) by asking
 * \p has for each option's function and each of \p built's markers.
 * run->version and run->configure are left alone.
 */
void tg_ubid_observe(const tg_ubid *built, tg_ubid *run,
		     int (*has)(const char *symbol, void *arg), void *arg);

/** 1 when version, options and marker presence agree, else 0. */
int tg_ubid_match(const tg_ubid *built, const tg_ubid *run);

/**
 * Write "built for unbound A (opts[; with m]), running in B (opts[; without
 * m])" to \p buf: markers are named only where the sides differ.
 * Returns \p buf.
 */
char *tg_ubid_mismatch(const tg_ubid *built, const tg_ubid *run, char *buf,
		       size_t len);

/** Write one side's "1.17.1 (subnet, cachedb)" to \p buf; returns buf. */
char *tg_ubid_describe(const tg_ubid *id, char *buf, size_t len);

#endif /* TG_UBID_INTERNAL_H */
