/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard core: the configuration (typoguard.conf), read by the module
 * and by `typoguard check-conf`.  Part of the public API of typoguard.h,
 * which includes this header; include typoguard.h.
 *
 * Ownership: tg_conf_load() returns a configuration the caller frees with
 * tg_conf_free(); every other function only reads it.  Strings returned
 * are static.
 */
#ifndef TYPOGUARD_CONF_H
#define TYPOGUARD_CONF_H

#include "typoguard.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What the module does with a name at or above the block threshold. */
typedef enum tg_action {
	TG_ACTION_NXDOMAIN = 0,
	TG_ACTION_NODATA,
	TG_ACTION_REFUSE,
	TG_ACTION_SINKHOLE,
	TG_ACTION_LOG_ONLY,
	TG_ACTION_COUNT /**< number of actions (not an action) */
} tg_action;

/** What the module does when an answer (a CNAME/DNAME chain, an MX
 *  target) leads into a lookalike; `answer-check:`. */
typedef enum tg_answer_check {
	/** the action, except for a target that is only an embedding (a
	 *  CDN name carrying its customer's host name), which is logged */
	TG_ANSWER_BLOCK = 0,
	TG_ANSWER_LOG,	      /**< logged, answered as it is */
	TG_ANSWER_OFF,	      /**< not looked at (still never cached) */
	TG_ANSWER_CHECK_COUNT /**< number of settings */
} tg_answer_check;

/** Event log line format. */
typedef enum tg_event_format {
	TG_EVENT_JSON = 0,
	TG_EVENT_KV
} tg_event_format;

/** A client prefix from `clients:`. */
typedef struct tg_prefix {
	int family;	  /**< AF_INET or AF_INET6 */
	uint8_t addr[16]; /**< network address, masked */
	unsigned bits;	  /**< prefix length */
} tg_prefix;

/** Caps on configuration sizes. */
#define TG_CONF_MAX_LISTS     64
#define TG_CONF_MAX_CLIENTS   256
#define TG_CONF_MAX_QTYPES    16
#define TG_CONF_MAX_TLD_PAIRS 64

/** One list source named in the configuration. */
typedef struct tg_conf_list {
	tg_list_kind kind;
	char path[TG_NAME_BUF];
	/** Zone origin for `protected-zone:`, `allow-zone:` and
	 *  `infrastructure-zone:`, "" for plain lists. */
	char origin[TG_NAME_BUF];
	unsigned long line; /**< line of the configuration that names it */
	/** `protected: FILE profile=brand`: the rules its names get
	 *  (TG_PROFILE_TYPO, the default, for other lists too) */
	tg_list_profile profile;
} tg_conf_list;

/**
 * The parsed typoguard.conf.  All values are validated by tg_conf_load();
 * the fields are read-only for everyone else.
 *
 * Why a plain struct and not an opaque handle like tg_list and tg_index:
 * it is immutable after tg_conf_load() and shared read-only by all
 * resolver threads, which read several fields (scope, action, answer
 * settings) for every query; an accessor per field would add calls to the
 * hot path and a function per key to the API without hiding anything that
 * changes.  What does change when a key is added is kept in one place: the
 * key table in conf.c (tg_conf_key() lists it).
 */
typedef struct tg_conf {
	char path[TG_NAME_BUF]; /**< the file this was read from */
	size_t n_lists;
	tg_conf_list lists[TG_CONF_MAX_LISTS];
	int block_threshold;
	int log_threshold;
	uint16_t qtypes[TG_CONF_MAX_QTYPES]; /**< query types in scope */
	size_t n_qtypes;
	size_t n_clients; /**< 0: every client is in scope */
	tg_prefix clients[TG_CONF_MAX_CLIENTS];
	tg_action action;
	int has_sinkhole_a, has_sinkhole_aaaa;
	uint8_t sinkhole_a[4];
	uint8_t sinkhole_aaaa[16];
	char sinkhole_mx[TG_NAME_BUF]; /**< "" if unset */
	uint32_t answer_ttl;	       /**< TTL of synthesised answers */
	char ede_text[TG_NAME_BUF];    /**< "" : a default naming the entry */
	char event_log[TG_NAME_BUF];   /**< "" none, "syslog", or a file path */
	tg_event_format event_format;
	char stats_file[TG_NAME_BUF]; /**< "" none */
	unsigned stats_interval;      /**< seconds */
	unsigned event_interval;      /**< aggregation interval, seconds */
	char identity[TG_NAME_BUF];   /**< resolver identity in events */
	char psl_file[TG_NAME_BUF];   /**< "" : system Public Suffix List */
	size_t n_tld_pairs;
	char tld_pairs[TG_CONF_MAX_TLD_PAIRS][2][64]; /**< `tld-pair: mil ml` */
	unsigned reload_interval;     /**< seconds between list checks, 0 off */
	char state_dir[TG_NAME_BUF];  /**< last-good snapshot, "" none */
	tg_answer_check answer_check; /**< `answer-check:` */
	int builtin_infrastructure;   /**< `infrastructure-builtin:` */
} tg_conf;

/**
 * The key table of typoguard.conf, for documentation and tests: key \p i
 * (0 .. tg_conf_key_count()-1), whether it may be repeated, its documented
 * default ("" none) and a valid example value.  Static strings.  Returns
 * TG_OK, or TG_EINVAL past the end.
 */
int tg_conf_key(size_t i, const char **name, int *repeatable, const char **def,
		const char **example);

/** Number of keys of typoguard.conf. */
size_t tg_conf_key_count(void);

/** Compiled-in default configuration path (under sysconfdir). */
const char *tg_conf_default_path(void);

/**
 * The configuration to use when none is named: $TYPOGUARD_CONF if set and
 * not empty, else tg_conf_default_path().  The string is the environment's
 * or a constant: not a copy, not to be freed.  The resolver module and
 * the tool read the same file through it.
 */
const char *tg_conf_env_path(void);

/**
 * Parse \p path into a new configuration.  Every key and value is checked;
 * the first problem fails the call with "file:line: reason" in \p err.
 * List files are NOT opened here (see tg_conf_load_lists()).
 */
int tg_conf_load(const char *path, tg_conf **out, tg_error *err) TG_WARN_UNUSED;

/** Free a configuration.  NULL is a no-op. */
void tg_conf_free(tg_conf *conf);

/**
 * Load every list the configuration names (and its tld-pairs) into a new
 * list.  All or nothing: on error *\p out is untouched and \p err names the
 * list file and line.
 */
int tg_conf_load_lists(const tg_conf *conf, tg_list **out,
		       tg_error *err) TG_WARN_UNUSED;

/**
 * Write \p conf as a typoguard.conf that loads the same policy, with list
 * paths replaced by \p list_paths[i] (NULL: keep conf->lists[i].path).
 * Used for the module's last-good snapshot.  Returns TG_OK or TG_EIO.
 */
int tg_conf_write(const tg_conf *conf, const char *path,
		  const char *const *list_paths, tg_error *err);

/** Index options as the configuration sets them. */
void tg_conf_index_options(const tg_conf *conf, tg_index_options *opts);

/** "block", "log", "off". */
const char *tg_answer_check_name(tg_answer_check a);

/** "nxdomain", "nodata", "refuse", "sinkhole", "log-only". */
const char *tg_action_name(tg_action a);

/**
 * Is the client address in scope?  \p family is AF_INET/AF_INET6, \p addr
 * 4 or 16 bytes.  True for every client when no `clients:` are set.
 */
int tg_conf_client_in_scope(const tg_conf *conf, int family,
			    const uint8_t *addr);

/** Is the query type in scope? */
int tg_conf_qtype_in_scope(const tg_conf *conf, uint16_t qtype);

#ifdef __cplusplus
}
#endif
#endif /* TYPOGUARD_CONF_H */
