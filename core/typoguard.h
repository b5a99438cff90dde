/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard core: the one public API of the lookalike-domain scorer.
 *
 * The resolver module (module/) uses nothing but this header; the
 * command-line tool (core/cli/) also reads the rule table
 * (rules_internal.h, for `explain --classes`) and the Unbound build
 * identity (ubid_internal.h, for `check-install`).  The life cycle is:
 *
 *   tg_list   a mutable builder: protected names, allowlist entries and TLD
 *             confusion pairs are added from files, zones or strings.
 *   tg_index  built once from a list; immutable afterwards, so one index is
 *             shared by all resolver threads without locks.  Scoring answers
 *             in O(labels) hash probes, independent of the list size.
 *   tg_conf   the parsed typoguard.conf (module and `typoguard check-conf`),
 *             declared in typoguard_conf.h (included below).
 *
 * Conventions:
 *  - Every handle is opaque and has a create/free pair; free(NULL) is a no-op.
 *  - Functions that can fail return an int: TG_OK (0) or a negative TG_E*
 *    code; tg_strerror() names it.  Where a tg_error is passed, it receives
 *    the file, line and a reason for the operator ("file:line: reason").
 *  - Strings passed in are copied unless stated otherwise; pointers returned
 *    point into the owning handle and live exactly as long as it.
 *  - Names are DNS names in presentation format ("army.mil", trailing dot
 *    optional, \DDD and \X escapes allowed) or in wire format where the
 *    function says so.  Case never matters.
 */
#ifndef TYPOGUARD_H
#define TYPOGUARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define TG_WARN_UNUSED __attribute__((warn_unused_result))
#else
#define TG_WARN_UNUSED
#endif

/* ------------------------------------------------------------------ errors */

/** Error codes.  TG_OK is 0, errors are negative. */
enum tg_errcode {
	TG_OK = 0,
	TG_ENOMEM = -1,	  /**< out of memory */
	TG_EINVAL = -2,	  /**< invalid argument (API misuse) */
	TG_EIO = -3,	  /**< a file could not be opened or read */
	TG_EPARSE = -4,	  /**< malformed input (list line, config line) */
	TG_ENAME = -5,	  /**< not a valid DNS name */
	TG_ELIMIT = -6,	  /**< a cap was exceeded (line, name, entry count) */
	TG_ENOTFOUND = -7 /**< a required item is missing */
};

/** Name of an error code; never NULL, static storage. */
const char *tg_strerror(int code);

/** Maximum length of a presentation name we produce, with NUL. */
#define TG_NAME_BUF 256
/** Caps applied to every list: longest line, most entries per list. */
#define TG_MAX_LINE    1024
#define TG_MAX_ENTRIES 10000000UL

/**
 * Details of a failure, for the operator.  Filled by functions taking one
 * (may be NULL).  \c file is "" when no file is involved, \c line 0 when no
 * line applies.
 */
typedef struct tg_error {
	int code;		  /**< the TG_E* code also returned */
	unsigned long line;	  /**< 1-based line, 0 if none */
	char file[TG_NAME_BUF];	  /**< file the error is in, "" if none */
	char reason[TG_NAME_BUF]; /**< human-readable reason */
} tg_error;

/**
 * Format \p err as "file:line: reason" (or "file: reason", or "reason")
 * into \p buf of \p len bytes, always NUL-terminated.  Returns \p buf.
 */
char *tg_error_format(const tg_error *err, char *buf, size_t len);

/* --------------------------------------------------------------- classes */

/** Typo classes; a match carries a bitmask of these. */
enum tg_class {
	TG_C_TLD_SWAP = 1u << 0,    /**< army.ml for army.mil (curated pairs) */
	TG_C_DOT_SHIFT = 1u << 1,   /**< armym.il, gmailc.om */
	TG_C_EMBEDDING = 1u << 2,   /**< army.mil.ml, army.mil.example.com */
	TG_C_MISSING_DOT = 1u << 3, /**< armymil.com, wwwarmy.mil */
	TG_C_HYPHEN_DOT = 1u << 4,  /**< army-mil.com */
	TG_C_ADDITION = 1u << 5,    /**< character appended */
	TG_C_OMISSION = 1u << 6,    /**< character dropped */
	TG_C_INSERTION = 1u << 7,   /**< keyboard neighbour inserted */
	TG_C_REPETITION = 1u << 8,  /**< character doubled */
	TG_C_REPLACEMENT = 1u << 9, /**< one character replaced */
	TG_C_TRANSPOSITION = 1u << 10, /**< adjacent characters swapped */
	TG_C_VOWEL_SWAP = 1u << 11,    /**< one vowel replaced by another */
	TG_C_BITFLIP = 1u << 12,       /**< one bit flipped */
	TG_C_HOMOGLYPH = 1u << 13,     /**< ASCII look-alikes: rn/m, 0/o, 1/l */
	TG_C_IDN_HOMOGLYPH =
	    1u << 14,		  /**< Unicode confusable (UTS #39 skeleton) */
	TG_C_CYRILLIC = 1u << 15, /**< whole label in Cyrillic look-alikes */
	TG_C_HYPHENATION = 1u << 16, /**< hyphen inserted in a label */
	TG_C_PREFIX = 1u << 17,	     /**< doppelganger prefix: mailarmy.mil */
	TG_C_OTHER_SUFFIX =
	    1u << 18, /**< one edit under another public suffix: dicsord.uk */
	TG_C_TWO_EDITS = 1u << 19, /**< two edits of a long label */
	TG_C_COMBO = 1u << 20,	   /**< brand + word: discord-gift.com */
	TG_C_PLURAL = 1u << 21	   /**< a final 's' more or less */
};
#define TG_C_COUNT 22

/** Short, stable name of one class bit ("tld-swap", "omission", ...). */
const char *tg_class_name(unsigned class_bit);

/**
 * Write the names of all bits in \p mask, separated by \p sep, into \p buf
 * (always NUL-terminated).  Returns the length that would have been written.
 */
size_t tg_classes_format(unsigned mask, const char *sep, char *buf, size_t len);

/* ------------------------------------------------------------------ lists */

/** What a list entry means. */
typedef enum tg_list_kind {
	TG_LIST_PROTECTED = 1, /**< a name to protect; lookalikes are flagged */
	TG_LIST_ALLOW = 2,     /**< never flagged: the name and its subtree */
	/** CDN, cloud or proxy infrastructure (akadns.net, edgekey.net,
	 *  mcas.ms): names under it carry their customers' host names
	 *  (www.army.mil.edgekey.net), so a protected name inside one is
	 *  not an embedding.  Every other class still applies. */
	TG_LIST_INFRA = 3
} tg_list_kind;
/** Number of list kinds + 1 (kinds are 1-based). */
#define TG_LIST_KINDS 4

typedef struct tg_list tg_list;

/** Create an empty list.  Returns NULL when out of memory. */
tg_list *tg_list_create(void) TG_WARN_UNUSED;

/** Free a list and everything it holds.  NULL is a no-op. */
void tg_list_free(tg_list *list);

/**
 * Add one name.  \p source and \p line say where it came from and are
 * reported with matches (source is copied; may be NULL).  A protected entry
 * that is a bare TLD ("mil") protects that TLD: names under a confusable TLD
 * whose label is known under it (army.ml, with army.mil listed) match.
 */
int tg_list_add(tg_list *list, tg_list_kind kind, const char *name,
		const char *source, unsigned long line, tg_error *err);

/**
 * Load a plain list file: one name per line, '#' starts a comment, blank
 * lines ignored, CRLF and a UTF-8 BOM accepted, duplicates merged.  A
 * malformed line fails the whole call with file:line in \p err; entries
 * added before the failure stay in \p list, so callers that need
 * all-or-nothing build into a fresh list.
 */
int tg_list_load_file(tg_list *list, tg_list_kind kind, const char *path,
		      tg_error *err);

/**
 * Load the owner names of an RFC 1035 zone file (read through ldns).  Owner
 * names are taken relative to \p origin (e.g. "protected.typoguard."): the
 * origin itself and records of type SOA/NS at the apex are skipped, and the
 * remaining owner names, with the origin stripped, are the entries.
 */
int tg_list_load_zone(tg_list *list, tg_list_kind kind, const char *path,
		      const char *origin, tg_error *err);

/**
 * Add a TLD confusion pair to the curated table (e.g. "mil", "ml").  The
 * built-in table is always present; this extends it.
 */
int tg_list_add_tld_pair(tg_list *list, const char *protected_tld,
			 const char *confusable_tld, tg_error *err);

/** Number of entries of \p kind in the list. */
size_t tg_list_count(const tg_list *list, tg_list_kind kind);

/**
 * What protected entries guard against (the rules differ per list):
 *  - TG_PROFILE_TYPO (the default): mistyped destinations, mail above all
 *    (.mil, .gov, webmail providers): one-edit typos, TLD confusions, dot
 *    errors, look-alikes; one edit under another public suffix and two
 *    edits of long labels are logged;
 *  - TG_PROFILE_BRAND: impersonation of a brand: the typo profile's
 *    rules, plus combos, the brand's label joined with other words
 *    (discord-gift.com, metamaskapp.io), and any two edits of a long label
 *    beside its intact head or tail, logged, and a slip of the hand in a
 *    label of 10 or more characters under another suffix
 *    (myetherwalet.net), blocked; but a lookalike of a label of
 *    fewer than 10 characters, or an embedding (brand.com.cdn.example),
 *    is logged, not blocked, unless a Unicode character made it (a
 *    legitimate domain one edit from a short brand is common: googl.com,
 *    twiter.com), and one edit of a longer label under its own suffix
 *    scores higher (a name that close to a distinctive brand is rarely
 *    someone else's).
 */
typedef enum tg_list_profile {
	TG_PROFILE_TYPO = 0,
	TG_PROFILE_BRAND = 1
} tg_list_profile;

/**
 * Set the profile of the protected entries added to \p list from now on
 * (tg_list_add, tg_list_load_file, tg_list_load_zone).  A name listed
 * under both profiles gets the rules of both: combos, the brand profile's
 * higher score for one edit of a label of 10 or more characters and its
 * slips under another suffix, and blocks of its short label and
 * embeddings as under the typo profile; the brand profile's caps on its
 * own names elsewhere (a digit appended, a TLD swap outside the
 * restricted registries, a two-letter ccTLD's missing dot) still apply.
 */
int tg_list_set_profile(tg_list *list, tg_list_profile profile);

/** Name of a profile ("typo", "brand"); NULL for an invalid one. */
const char *tg_profile_name(tg_list_profile profile);

/** Parse a profile name; 0 on success, -1 if unknown. */
int tg_profile_parse(const char *name, tg_list_profile *out);

/* ------------------------------------------------------------------ index */

/** Default verdict thresholds (scores are 0..100). */
#define TG_DEFAULT_BLOCK_THRESHOLD 80
#define TG_DEFAULT_LOG_THRESHOLD   50

/** Options for building an index; tg_index_options_init() sets defaults. */
typedef struct tg_index_options {
	int block_threshold; /**< score >= this: TG_VERDICT_BLOCK */
	int log_threshold;   /**< score >= this: TG_VERDICT_LOG */
	/** Public Suffix List file; NULL: the system copy
	 *  (/usr/share/publicsuffix/public_suffix_list.dat). */
	const char *psl_file;
	/** 1 (default): the built-in infrastructure list (CDN, cloud and
	 *  proxy domains, tg_infrastructure_builtin()) is added to the
	 *  list's TG_LIST_INFRA entries; 0: only the list's own. */
	int builtin_infrastructure;
} tg_index_options;

/**
 * The built-in infrastructure list: a NULL-terminated array of domains
 * (static storage), generated from the source tree's
 * conf/infrastructure.list.  \p count, if not NULL, receives its length.
 */
const char *const *tg_infrastructure_builtin(size_t *count);

/** Fill \p opts with the defaults. */
void tg_index_options_init(tg_index_options *opts);

typedef struct tg_index tg_index;

/**
 * Build an immutable index from \p list (not modified, may be freed after).
 * \p opts may be NULL for defaults.  On success *\p out owns the index.
 */
int tg_index_build(const tg_list *list, const tg_index_options *opts,
		   tg_index **out, tg_error *err) TG_WARN_UNUSED;

/** Free an index.  NULL is a no-op.  No thread may use it any more. */
void tg_index_free(tg_index *index);

/** Bytes of memory the index holds (for get_mem and benchmarks). */
size_t tg_index_memory(const tg_index *index);

/** Number of protected entries in the index. */
size_t tg_index_protected_count(const tg_index *index);

/* ---------------------------------------------------------------- scoring */

typedef enum tg_verdict {
	TG_VERDICT_PASS = 0,
	TG_VERDICT_LOG = 1,
	TG_VERDICT_BLOCK = 2
} tg_verdict;

/** "pass", "log" or "block". */
const char *tg_verdict_name(tg_verdict v);

/**
 * Rules that kept a match whose class would block below the block
 * threshold (tg_result.held): the brand profile's limits, the rules for
 * names a protected name's owner or a neighbour often holds, and short
 * labels.  Every rule that applies is named: each alone keeps the match
 * below block, and without all of them it would block.  A logged match
 * without any scored below block by its class alone.
 */
enum tg_held {
	/** a brand-profile label shorter than 10 characters */
	TG_HELD_SHORT_BRAND = 1u << 0,
	/** a brand embedded in another name (how CDNs name hosts) */
	TG_HELD_BRAND_EMBEDDING = 1u << 1,
	/** one edit under another suffix that is not a slip of the hand */
	TG_HELD_OTHER_SUFFIX = 1u << 2,
	/** the name's own label is a protected label (its namesake) */
	TG_HELD_NAMESAKE = 1u << 3,
	/** a brand's TLD swap or the missing dot of its two-letter ccTLD
	 *  (brands own such names: apple.co, bitly.com) */
	TG_HELD_BRAND_OWN = 1u << 4,
	/** a final s, or a digit, added or dropped (stripe/stripes,
	 *  xvideos2: a sibling name more often than a typo) */
	TG_HELD_SIBLING = 1u << 5,
	/** a label of four characters or fewer */
	TG_HELD_SHORT_LABEL = 1u << 6,
};
#define TG_HELD_COUNT 7

/** Name of a single TG_HELD_* bit ("short-brand", "brand-embedding",
 *  "other-suffix-edit", "namesake", "brand-own", "sibling",
 *  "short-label"); "unknown" otherwise. */
const char *tg_held_name(unsigned held_bit);

/** One line of prose for a single TG_HELD_* bit; "unknown" otherwise. */
const char *tg_held_prose(unsigned held_bit);

/** As tg_classes_format() for the TG_HELD_* bits of \p held. */
size_t tg_held_format(unsigned held, const char *sep, char *buf, size_t len);

/** The outcome of scoring one name. */
typedef struct tg_result {
	tg_verdict verdict; /**< from the index's thresholds */
	int score;	    /**< 0..100 of the best match, 0 if none */
	unsigned classes;   /**< TG_C_* bits that apply to the best match */
	unsigned held;	    /**< TG_HELD_* bits: why a match that would
				 block did not (0 for a block or none) */
	int allowlisted;    /**< 1: name is on (or under) an allowlist entry */
	int is_protected;   /**< 1: name is a protected entry or under one */
	/** 1: name is under an infrastructure entry (TG_LIST_INFRA), so a
	 *  protected name embedded in it did not count */
	int infrastructure;
	/** Normalised query name (lowercase, no trailing dot). */
	char name[TG_NAME_BUF];
	/** The protected entry imitated, "" if none. */
	char protected_name[TG_NAME_BUF];
	/** File (or "api") the protected entry came from, and its line; the
	 *  pointer lives as long as the index.  NULL if no match. */
	const char *source;
	unsigned long source_line;
} tg_result;

/**
 * Score a presentation-format name against \p index.  Thread-safe: any
 * number of threads may score against one index concurrently.  Returns
 * TG_OK, or TG_ENAME for a name that is not a valid DNS name (\p out is
 * then a PASS with score 0).
 */
int tg_score_name(const tg_index *index, const char *name, tg_result *out);

/** As tg_score_name() for a wire-format name of \p len bytes. */
int tg_score_wire(const tg_index *index, const uint8_t *wire, size_t len,
		  tg_result *out);

/**
 * A scorer's memo for one thread: up to 512 registrable domains (wire of
 * at most 48 bytes) whose own label matched nothing in a given index.
 * A name under one of them skips the probes of that label; the result is
 * the same as without the memo (the label's probes depend on nothing
 * outside the registrable domain).  Filled and read by
 * tg_score_wire_memo(); reset by itself when used with another index.
 * Not thread-safe: one memo per thread.  About 32 KB.
 */
typedef struct tg_memo tg_memo;

/** Create an empty memo; NULL when out of memory.  Free with
 *  tg_memo_free(). */
tg_memo *tg_memo_create(void);

/** Free a memo.  NULL is a no-op. */
void tg_memo_free(tg_memo *memo);

/** Bytes a memo holds (0 for NULL). */
size_t tg_memo_memory(const tg_memo *memo);

/**
 * tg_score_wire() for a resolver's query path: with \p memo (the calling
 * thread's, or NULL), and out->name left "" for a name that passes and is
 * neither protected nor allowlisted (no presentation form is made for
 * the common case; the caller has the wire name).  All other fields are
 * as tg_score_wire() sets them.
 */
int tg_score_wire_memo(const tg_index *index, tg_memo *memo,
		       const uint8_t *wire, size_t len, tg_result *out);

/**
 * Explain a result in plain words ("army.ml looks like army.mil: the TLD
 * .ml is one letter from .mil ..."), into \p buf, always NUL-terminated.
 */
size_t tg_result_explain(const tg_result *res, char *buf, size_t len);

/* ------------------------------------------------------------ enumeration */

/**
 * Called by tg_list_foreach() for each entry of one kind, in list order
 * (duplicates merged).  Return non-zero to stop.
 */
typedef int (*tg_entry_fn)(const char *name, const char *source,
			   unsigned long line, void *arg);

/**
 * Call \p fn for every entry of \p kind in \p list.  Returns TG_OK after
 * all entries, TG_EINVAL for a bad argument, or the non-zero value with
 * which \p fn stopped the walk.
 */
int tg_list_foreach(const tg_list *list, tg_list_kind kind, tg_entry_fn fn,
		    void *arg);

/**
 * Called by tg_enumerate() once per lookalike: \p name is the candidate
 * (lowercase, no trailing dot), \p res its score against the index.
 * Return non-zero to stop.
 */
typedef int (*tg_enum_fn)(const char *name, const tg_result *res, void *arg);

/**
 * Enumerate lookalikes of \p protected_name with the core's own model, for
 * `typoguard export` and `typoguard audit`: candidates of every class the
 * scorer knows (TLD swaps from the curated table, dot shifts, embedding
 * under confusable TLDs, missing dot, prefixes, hyphen for dot, one-edit
 * typos, vowel swaps, bit flips, ASCII homoglyphs) are generated, scored
 * against \p index, and those whose verdict is at least \p min_verdict,
 * whose best match is \p protected_name, and that are neither allowlisted
 * nor protected, are passed to \p fn: each once, in a deterministic order,
 * at most \p limit of them (0: no limit).  Returns TG_OK, TG_ENAME, or
 * TG_ENOMEM.
 */
int tg_enumerate(const tg_index *index, const char *protected_name,
		 tg_verdict min_verdict, size_t limit, tg_enum_fn fn,
		 void *arg);

/**
 * A wire-format name of \p len bytes in DNS presentation format, as
 * typoguard writes names everywhere (events, score --json, audit,
 * report): lowercase, no final dot, every byte kept (\DDD for bytes
 * outside printable ASCII, \. \" \\ and friends escaped), "." for the
 * root.  \p buf (\p cap bytes; TG_NAME_BUF * 4 hold any name, a smaller
 * one gets the name cut at a label boundary or escape) is always
 * NUL-terminated.  Returns TG_OK, or TG_ENAME (\p buf "") for bytes that
 * are not a DNS name.
 */
int tg_name_format(const uint8_t *wire, size_t len, char *buf, size_t cap);

/* ------------------------------------------------------------ JSON strings */

/**
 * \p s as a JSON string, quotes included, in \p buf of \p cap bytes: the
 * one escaper of every JSON string typoguard writes (events, score --json,
 * audit --format json, report --format json).  '"' and '\\' get a backslash;
 * newline, CR and tab are \n \r \t; other bytes below 0x20 and DEL are \u00XX;
 * valid UTF-8 is copied as is; each byte of an invalid sequence (overlong,
 * surrogate, above U+10FFFF, cut) is \ufffd.  Names should be given in
 * presentation format (tg_name_format()), which keeps every byte.
 *
 * The output grows at most 6 times the input, plus the quotes and the NUL.
 * If it does not fit, the longest prefix of whole characters and escapes
 * that fits is written and closed with '"', so \p buf always holds a valid
 * JSON string, never a cut escape or UTF-8 sequence.  \p buf (caller's,
 * \p cap >= 3 for "" and the NUL) is always NUL-terminated when \p cap > 0;
 * *\p out_len (if not NULL) receives the length written.
 *
 * Returns TG_OK when all of \p s was written, TG_ELIMIT when it was cut,
 * TG_EINVAL (\p buf "" and length 0) for a NULL \p s or \p buf or
 * \p cap < 3.
 */
int tg_json_string(const char *s, char *buf, size_t cap, size_t *out_len);

/* ------------------------------------------------------------ output files */

/**
 * An output file that appears whole or not at all.  A regular file (or a
 * new name) is written to a temporary file beside it and renamed over it
 * by tg_outfile_commit(), after fsync(); a name that exists and is not a
 * regular file (FIFO, /dev/null) is written in place, never replaced.
 */
typedef struct tg_outfile tg_outfile;

/**
 * Start writing \p path (a new file gets permission bits \p mode, e.g.
 * 0644).  On TG_OK *\p out owns the handle: finish it with exactly one of
 * tg_outfile_commit() or tg_outfile_abort().
 */
int tg_outfile_open(const char *path, unsigned mode, tg_outfile **out,
		    tg_error *err) TG_WARN_UNUSED;

/** The stream to write to (owned by the handle). */
FILE *tg_outfile_stream(tg_outfile *f);

/**
 * Flush, fsync, close and put the file in place; frees \p f.  TG_OK, or
 * TG_EIO with "file: cannot write: reason" (the old file is untouched).
 */
int tg_outfile_commit(tg_outfile *f, tg_error *err);

/** Drop what was written (the old file is untouched); frees \p f.  NULL
 *  is a no-op. */
void tg_outfile_abort(tg_outfile *f);

/* ----------------------------------------------------------- configuration */

/* typoguard.conf: core/typoguard_conf.h, part of this API. */

#ifdef __cplusplus
}
#endif

#include "typoguard_conf.h"

#endif /* TYPOGUARD_H */
