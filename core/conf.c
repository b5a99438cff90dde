/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * typoguard.conf parser.
 *
 * The format follows unbound.conf: one `key: value` per line, `#` starts a
 * comment (outside double quotes), values may be double-quoted.  Every key
 * and every value is checked here, so that the module's init() and
 * `typoguard check-conf` reject exactly the same files with exactly the
 * same "file:line: reason" messages.  Unknown keys are errors, never
 * ignored: a typo in a key must not silently weaken the policy.
 *
 * List paths that are not absolute are taken relative to the directory of
 * the configuration file.  Lists are opened by tg_conf_load_lists(), not
 * while parsing, so a configuration can be checked before its lists exist.
 */
#include "tg_config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "typoguard.h"
#include "util_internal.h"

#ifndef TG_SYSCONFDIR
#define TG_SYSCONFDIR "/etc"
#endif

/** Default TTL of synthesised answers, seconds. */
#define TG_DEFAULT_ANSWER_TTL	   60
#define TG_MAX_ANSWER_TTL	   86400
#define TG_DEFAULT_STATS_INTERVAL  60
#define TG_DEFAULT_EVENT_INTERVAL  60
#define TG_DEFAULT_RELOAD_INTERVAL 5

const char *tg_conf_default_path(void)
{
	return TG_SYSCONFDIR "/typoguard/typoguard.conf";
}

const char *tg_conf_env_path(void)
{
	const char *env = getenv("TYPOGUARD_CONF");

	return env != NULL && env[0] != '\0' ? env : tg_conf_default_path();
}

const char *tg_action_name(tg_action a)
{
	switch (a) {
	case TG_ACTION_NXDOMAIN:
		return "nxdomain";
	case TG_ACTION_NODATA:
		return "nodata";
	case TG_ACTION_REFUSE:
		return "refuse";
	case TG_ACTION_SINKHOLE:
		return "sinkhole";
	case TG_ACTION_LOG_ONLY:
		return "log-only";
	case TG_ACTION_COUNT:
		break;
	}
	return "unknown";
}

/** Parse "ADDR/BITS" or a bare address into \p p; 0 on success. */
static int parse_prefix(const char *s, tg_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	uint64_t bits;
	unsigned maxbits, i, nbits;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, buf, p->addr) == 1) {
		p->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr) == 1) {
		p->family = AF_INET6;
		maxbits = 128;
	} else {
		return -1;
	}
	bits = maxbits;
	if (slash && tg_parse_uint(slash, 0, maxbits, &bits) != TG_OK)
		return -1;
	p->bits = nbits = (unsigned)bits;
	/* Mask host bits so that matching is a plain compare. */
	for (i = 0; i < maxbits / 8; i++) {
		unsigned keep = nbits >= (i + 1) * 8 ? 8
				: nbits > i * 8	     ? nbits - i * 8
						     : 0;
		p->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

static int prefix_match(const tg_prefix *p, int family, const uint8_t *addr)
{
	unsigned full = p->bits / 8, rest = p->bits % 8;

	if (p->family != family)
		return 0;
	if (memcmp(p->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return (addr[full] & (uint8_t)(0xff00u >> rest)) == p->addr[full];
}

int tg_conf_client_in_scope(const tg_conf *conf, int family,
			    const uint8_t *addr)
{
	size_t i;

	if (conf->n_clients == 0)
		return 1;
	for (i = 0; i < conf->n_clients; i++)
		if (prefix_match(&conf->clients[i], family, addr))
			return 1;
	return 0;
}

int tg_conf_qtype_in_scope(const tg_conf *conf, uint16_t qtype)
{
	size_t i;

	for (i = 0; i < conf->n_qtypes; i++)
		if (conf->qtypes[i] == qtype)
			return 1;
	return 0;
}

void tg_conf_free(tg_conf *conf)
{
	free(conf);
}

static void conf_defaults(tg_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->block_threshold = TG_DEFAULT_BLOCK_THRESHOLD;
	c->log_threshold = TG_DEFAULT_LOG_THRESHOLD;
	c->action = TG_ACTION_NXDOMAIN;
	c->answer_check = TG_ANSWER_BLOCK;
	c->builtin_infrastructure = 1;
	c->answer_ttl = TG_DEFAULT_ANSWER_TTL;
	c->event_format = TG_EVENT_JSON;
	c->stats_interval = TG_DEFAULT_STATS_INTERVAL;
	c->event_interval = TG_DEFAULT_EVENT_INTERVAL;
	c->reload_interval = TG_DEFAULT_RELOAD_INTERVAL;
}

/** Resolve \p val relative to the directory of \p confpath into \p out. */
static int conf_path(const char *confpath, const char *val, char *out,
		     size_t outlen)
{
	const char *slash;
	int n;

	if (val[0] == '/' || !(slash = strrchr(confpath, '/')))
		n = snprintf(out, outlen, "%s", val);
	else
		n = snprintf(out, outlen, "%.*s/%s", (int)(slash - confpath),
			     confpath, val);
	return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/** Split \p val into whitespace-separated words (in place). */
static size_t split_words(char *val, char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(val, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return w ? max + 1 : n;
}

/** A TLD for `tld-pair:`: 1..63 letters, digits or hyphens. */
static int valid_tld(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/** The list keys, by tg_list_kind: plain and zone form. */
static const char *const list_keys[TG_LIST_KINDS][2] = {
    [TG_LIST_PROTECTED] = {"protected", "protected-zone"},
    [TG_LIST_ALLOW] = {"allow", "allow-zone"},
    [TG_LIST_INFRA] = {"infrastructure", "infrastructure-zone"},
};

const char *tg_answer_check_name(tg_answer_check a)
{
	switch (a) {
	case TG_ANSWER_LOG:
		return "log";
	case TG_ANSWER_OFF:
		return "off";
	default:
		return "block";
	}
}

/*
 * The key table.  Every key of typoguard.conf is one row: its name, whether
 * it may be repeated, the parser of its value, the writer of its lines (for
 * tg_conf_write(): the snapshot configuration) and, for the documentation
 * and the tests, its default and a valid example value.  Adding a key is
 * adding a row (and its field in tg_conf).
 */
struct conf_item;

/** What a parser gets besides the value. */
struct conf_at {
	tg_conf *c;
	const struct conf_item *it;
	const char *key; /**< as written (for the list keys' zone form) */
	unsigned long ln;
	tg_error *err;
};

typedef int (*tg_conf_parse_fn)(struct conf_at *at, char *val);
typedef void (*tg_conf_write_fn)(FILE *fp, const tg_conf *c,
				 const struct conf_item *it,
				 const char *const *list_paths);

struct conf_item {
	const char *name;
	int repeat;		/**< 1: may appear more than once */
	tg_conf_parse_fn parse; /**< checks and stores the value */
	tg_conf_write_fn write; /**< NULL: written by another row */
	size_t off;		/**< the field in tg_conf, for generic rows */
	unsigned long lo, hi;	/**< range of a number */
	const char *msg;	/**< error text of a generic row ("%s": key) */
	const char *def;	/**< documented default, "" none */
	const char *example;	/**< a valid value (tests, docs) */
};

#define TG_AT_FAIL(at, code, ...)                                              \
	tg_error_set((at)->err, code, (at)->c->path, (at)->ln, __VA_ARGS__)
#define TG_FIELD(c, it, type) ((type *)(void *)((char *)(c) + (it)->off))
#define TG_CFIELD(c, it, type)                                                 \
	((const type *)(const void *)((const char *)(c) + (it)->off))

/* Numbers: int, unsigned and uint32_t fields alike (all 32 bits). */
_Static_assert(sizeof(int) == 4 && sizeof(unsigned) == 4,
	       "tg_conf number fields are 32 bits");

static int cp_uint(struct conf_at *at, char *val)
{
	uint64_t u;

	if (tg_parse_uint(val, at->it->lo, at->it->hi, &u) != TG_OK)
		return TG_AT_FAIL(at, TG_EPARSE, at->it->msg, at->key, val);
	*TG_FIELD(at->c, at->it, uint32_t) = (uint32_t)u;
	return TG_OK;
}

static void cw_uint(FILE *fp, const tg_conf *c, const struct conf_item *it,
		    const char *const *lp)
{
	(void)lp;
	fprintf(fp, "%s: %u\n", it->name,
		(unsigned)*TG_CFIELD(c, it, uint32_t));
}

/** Write \p s double-quoted (the parser strips the quotes). */
static void conf_put(FILE *fp, const char *key, const char *s)
{
	fprintf(fp, "%s: \"%s\"\n", key, s);
}

/* Paths, relative to the configuration's directory. */
static int cp_path(struct conf_at *at, char *val)
{
	if (conf_path(at->c->path, val, TG_FIELD(at->c, at->it, char),
		      TG_NAME_BUF))
		return TG_AT_FAIL(at, TG_ELIMIT, "path too long");
	return TG_OK;
}

/* Strings and paths: written when set. */
static void cw_str(FILE *fp, const tg_conf *c, const struct conf_item *it,
		   const char *const *lp)
{
	const char *s = TG_CFIELD(c, it, char);

	(void)lp;
	if (s[0])
		conf_put(fp, it->name, s);
}

static int cp_str(struct conf_at *at, char *val)
{
	if (strlen(val) >= TG_NAME_BUF)
		return TG_AT_FAIL(at, TG_ELIMIT, at->it->msg, at->key,
				  (size_t)TG_NAME_BUF - 1);
	strcpy(TG_FIELD(at->c, at->it, char), val);
	return TG_OK;
}

static int cp_event_log(struct conf_at *at, char *val)
{
	if (!strcmp(val, "syslog")) {
		strcpy(at->c->event_log, "syslog");
		return TG_OK;
	}
	return cp_path(at, val);
}

/* protected, allow, infrastructure and their -zone forms. */
static int cp_list(struct conf_at *at, char *val)
{
	tg_conf *c = at->c;
	tg_conf_list *l;
	char *w[3];
	int zone = strstr(at->key, "-zone") != NULL;
	size_t n = 1, k;
	tg_list_profile prof = TG_PROFILE_TYPO;
	char *sp = strrchr(val, ' '), *tab = strrchr(val, '\t');

	/* a last word "profile=NAME": the rules of a protected list */
	if (!sp || (tab && tab > sp))
		sp = tab;
	if (sp && !strncmp(sp + 1, "profile=", 8)) {
		if (strncmp(at->key, "protected", 9) != 0)
			return TG_AT_FAIL(at, TG_EPARSE,
					  "'%s' takes no profile (only "
					  "protected lists have one)",
					  at->key);
		if (tg_profile_parse(sp + 9, &prof) != 0)
			return TG_AT_FAIL(
			    at, TG_EPARSE,
			    "unknown profile '%s' (typo or brand)", sp + 9);
		while (sp > val && (sp[-1] == ' ' || sp[-1] == '\t'))
			sp--;
		*sp = '\0';
		if (sp - val >= 2 && val[0] == '"' && sp[-1] == '"') {
			sp[-1] = '\0';
			val++;
		}
	}
	/* A plain list is one path (it may hold spaces when quoted); a
	 * zone list is "FILE ORIGIN". */
	if (zone)
		n = split_words(val, w, 2);
	else
		w[0] = val;
	if (c->n_lists >= TG_CONF_MAX_LISTS)
		return TG_AT_FAIL(at, TG_ELIMIT, "too many lists (at most %d)",
				  TG_CONF_MAX_LISTS);
	if (n != (zone ? 2u : 1u))
		return TG_AT_FAIL(at, TG_EPARSE, "'%s' takes %s", at->key,
				  zone ? "a zone file and its origin"
				       : "one file");
	l = &c->lists[c->n_lists];
	memset(l, 0, sizeof(*l));
	for (k = TG_LIST_PROTECTED; k < TG_LIST_KINDS; k++)
		if (!strcmp(at->key, list_keys[k][zone]))
			l->kind = (tg_list_kind)k;
	l->line = at->ln;
	l->profile = prof;
	if (conf_path(c->path, w[0], l->path, sizeof(l->path)))
		return TG_AT_FAIL(at, TG_ELIMIT, "path too long");
	if (zone) {
		ldns_rdf *o = NULL;

		if (ldns_str2rdf_dname(&o, w[1]) != LDNS_STATUS_OK)
			return TG_AT_FAIL(at, TG_ENAME, "bad zone origin '%s'",
					  w[1]);
		ldns_rdf_deep_free(o);
		snprintf(l->origin, sizeof(l->origin), "%s", w[1]);
	}
	c->n_lists++;
	return TG_OK;
}

/* Every list, in the configuration's order (one row writes them all). */
static void cw_lists(FILE *fp, const tg_conf *c, const struct conf_item *it,
		     const char *const *list_paths)
{
	size_t i;

	(void)it;
	for (i = 0; i < c->n_lists; i++) {
		const tg_conf_list *l = &c->lists[i];
		const char *lp =
		    list_paths && list_paths[i] ? list_paths[i] : l->path;
		const char *k = list_keys[l->kind][l->origin[0] != 0];

		if (l->origin[0])
			fprintf(fp, "%s: %s %s%s\n", k, lp, l->origin,
				l->profile == TG_PROFILE_BRAND
				    ? " profile=brand"
				    : "");
		else if (l->profile == TG_PROFILE_BRAND)
			fprintf(fp, "%s: %s profile=brand\n", k, lp);
		else
			conf_put(fp, k, lp);
	}
}

static int cp_tld_pair(struct conf_at *at, char *val)
{
	tg_conf *c = at->c;
	char *w[3];

	if (split_words(val, w, 2) != 2 || !valid_tld(w[0]) || !valid_tld(w[1]))
		return TG_AT_FAIL(at, TG_EPARSE,
				  "tld-pair takes two TLDs, e.g. "
				  "'tld-pair: mil ml'");
	if (c->n_tld_pairs >= TG_CONF_MAX_TLD_PAIRS)
		return TG_AT_FAIL(at, TG_ELIMIT, "too many tld-pair lines");
	snprintf(c->tld_pairs[c->n_tld_pairs][0], 64, "%s", w[0]);
	snprintf(c->tld_pairs[c->n_tld_pairs][1], 64, "%s", w[1]);
	c->n_tld_pairs++;
	return TG_OK;
}

static void cw_tld_pairs(FILE *fp, const tg_conf *c, const struct conf_item *it,
			 const char *const *lp)
{
	size_t i;

	(void)it;
	(void)lp;
	for (i = 0; i < c->n_tld_pairs; i++)
		fprintf(fp, "tld-pair: %s %s\n", c->tld_pairs[i][0],
			c->tld_pairs[i][1]);
}

static int cp_qtypes(struct conf_at *at, char *val)
{
	tg_conf *c = at->c;
	char *w[TG_CONF_MAX_QTYPES + 1];
	size_t n = split_words(val, w, TG_CONF_MAX_QTYPES), k;

	if (n > TG_CONF_MAX_QTYPES)
		return TG_AT_FAIL(at, TG_ELIMIT, "at most %d qtypes",
				  TG_CONF_MAX_QTYPES);
	c->n_qtypes = 0;
	for (k = 0; k < n; k++) {
		ldns_rr_type t = ldns_get_rr_type_by_name(w[k]);

		if (t == 0)
			return TG_AT_FAIL(at, TG_EPARSE,
					  "unknown query type '%s'", w[k]);
		c->qtypes[c->n_qtypes++] = (uint16_t)t;
	}
	return TG_OK;
}

static void cw_qtypes(FILE *fp, const tg_conf *c, const struct conf_item *it,
		      const char *const *lp)
{
	size_t i;

	(void)lp;
	fprintf(fp, "%s:", it->name);
	for (i = 0; i < c->n_qtypes; i++) {
		char *t = ldns_rr_type2str((ldns_rr_type)c->qtypes[i]);

		fprintf(fp, " %s", t ? t : "A");
		free(t);
	}
	fputc('\n', fp);
}

static int cp_clients(struct conf_at *at, char *val)
{
	tg_conf *c = at->c;
	char *w[TG_CONF_MAX_CLIENTS + 1];
	size_t n = split_words(val, w, TG_CONF_MAX_CLIENTS), k;

	for (k = 0; k < n; k++) {
		if (c->n_clients >= TG_CONF_MAX_CLIENTS ||
		    n > TG_CONF_MAX_CLIENTS)
			return TG_AT_FAIL(
			    at, TG_ELIMIT,
			    "too many client prefixes (at most %d)",
			    TG_CONF_MAX_CLIENTS);
		if (parse_prefix(w[k], &c->clients[c->n_clients]))
			return TG_AT_FAIL(
			    at, TG_EPARSE,
			    "bad client prefix '%s' (want ADDR/BITS)", w[k]);
		c->n_clients++;
	}
	return TG_OK;
}

static void cw_clients(FILE *fp, const tg_conf *c, const struct conf_item *it,
		       const char *const *lp)
{
	size_t i;

	(void)lp;
	for (i = 0; i < c->n_clients; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(c->clients[i].family, c->clients[i].addr, a,
			  sizeof(a));
		fprintf(fp, "%s: %s/%u\n", it->name, a, c->clients[i].bits);
	}
}

static int cp_action(struct conf_at *at, char *val)
{
	int i;

	for (i = 0; i < TG_ACTION_COUNT; i++) {
		if (!strcmp(val, tg_action_name((tg_action)i))) {
			at->c->action = (tg_action)i;
			return TG_OK;
		}
	}
	return TG_AT_FAIL(at, TG_EPARSE,
			  "unknown action '%s' (nxdomain, nodata, refuse, "
			  "sinkhole, log-only)",
			  val);
}

static void cw_action(FILE *fp, const tg_conf *c, const struct conf_item *it,
		      const char *const *lp)
{
	(void)lp;
	fprintf(fp, "%s: %s\n", it->name, tg_action_name(c->action));
}

static int cp_answer_check(struct conf_at *at, char *val)
{
	int i;

	for (i = 0; i < TG_ANSWER_CHECK_COUNT; i++) {
		if (!strcmp(val, tg_answer_check_name((tg_answer_check)i))) {
			at->c->answer_check = (tg_answer_check)i;
			return TG_OK;
		}
	}
	return TG_AT_FAIL(at, TG_EPARSE,
			  "answer-check '%s': expected block, log or off", val);
}

static void cw_answer_check(FILE *fp, const tg_conf *c,
			    const struct conf_item *it, const char *const *lp)
{
	(void)lp;
	fprintf(fp, "%s: %s\n", it->name,
		tg_answer_check_name(c->answer_check));
}

static int cp_event_format(struct conf_at *at, char *val)
{
	if (!strcmp(val, "json"))
		at->c->event_format = TG_EVENT_JSON;
	else if (!strcmp(val, "kv"))
		at->c->event_format = TG_EVENT_KV;
	else
		return TG_AT_FAIL(at, TG_EPARSE,
				  "event-format must be json or kv, not '%s'",
				  val);
	return TG_OK;
}

static void cw_event_format(FILE *fp, const tg_conf *c,
			    const struct conf_item *it, const char *const *lp)
{
	(void)lp;
	fprintf(fp, "%s: %s\n", it->name,
		c->event_format == TG_EVENT_KV ? "kv" : "json");
}

static int cp_bool(struct conf_at *at, char *val)
{
	if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
		return TG_AT_FAIL(at, TG_EPARSE, "%s '%s': expected yes or no",
				  at->key, val);
	*TG_FIELD(at->c, at->it, int) = val[0] == 'y';
	return TG_OK;
}

static void cw_bool(FILE *fp, const tg_conf *c, const struct conf_item *it,
		    const char *const *lp)
{
	(void)lp;
	fprintf(fp, "%s: %s\n", it->name,
		*TG_CFIELD(c, it, int) ? "yes" : "no");
}

static int cp_sinkhole_a(struct conf_at *at, char *val)
{
	if (inet_pton(AF_INET, val, at->c->sinkhole_a) != 1)
		return TG_AT_FAIL(at, TG_EPARSE,
				  "sinkhole-a '%s' is not an IPv4 address",
				  val);
	at->c->has_sinkhole_a = 1;
	return TG_OK;
}

static int cp_sinkhole_aaaa(struct conf_at *at, char *val)
{
	if (inet_pton(AF_INET6, val, at->c->sinkhole_aaaa) != 1)
		return TG_AT_FAIL(at, TG_EPARSE,
				  "sinkhole-aaaa '%s' is not an IPv6 address",
				  val);
	at->c->has_sinkhole_aaaa = 1;
	return TG_OK;
}

static void cw_sinkholes(FILE *fp, const tg_conf *c, const struct conf_item *it,
			 const char *const *lp)
{
	char a[INET6_ADDRSTRLEN];

	(void)it;
	(void)lp;
	if (c->has_sinkhole_a) {
		inet_ntop(AF_INET, c->sinkhole_a, a, sizeof(a));
		fprintf(fp, "sinkhole-a: %s\n", a);
	}
	if (c->has_sinkhole_aaaa) {
		inet_ntop(AF_INET6, c->sinkhole_aaaa, a, sizeof(a));
		fprintf(fp, "sinkhole-aaaa: %s\n", a);
	}
	if (c->sinkhole_mx[0])
		fprintf(fp, "sinkhole-mx: %s\n", c->sinkhole_mx);
}

static int cp_sinkhole_mx(struct conf_at *at, char *val)
{
	ldns_rdf *d = NULL;

	if (ldns_str2rdf_dname(&d, val) != LDNS_STATUS_OK ||
	    strlen(val) >= sizeof(at->c->sinkhole_mx)) {
		ldns_rdf_deep_free(d);
		return TG_AT_FAIL(at, TG_ENAME,
				  "sinkhole-mx '%s' is not a host name", val);
	}
	ldns_rdf_deep_free(d);
	strcpy(at->c->sinkhole_mx, val);
	return TG_OK;
}

#define TG_OFF(f) offsetof(tg_conf, f)
static const struct conf_item conf_items[] = {
    {"protected", 1, cp_list, cw_lists, 0, 0, 0, NULL, "", "protected.list"},
    {"protected-zone", 1, cp_list, NULL, 0, 0, 0, NULL, "",
     "p.zone protected.typoguard."},
    {"allow", 1, cp_list, NULL, 0, 0, 0, NULL, "", "allow.list"},
    {"allow-zone", 1, cp_list, NULL, 0, 0, 0, NULL, "",
     "a.zone allow.typoguard."},
    {"infrastructure", 1, cp_list, NULL, 0, 0, 0, NULL, "", "my-cdns.list"},
    {"infrastructure-zone", 1, cp_list, NULL, 0, 0, 0, NULL, "",
     "i.zone infrastructure.typoguard."},
    {"infrastructure-builtin", 0, cp_bool, cw_bool,
     TG_OFF(builtin_infrastructure), 0, 0, NULL, "yes", "no"},
    {"tld-pair", 1, cp_tld_pair, cw_tld_pairs, 0, 0, 0, NULL, "", "mil ml"},
    {"block-threshold", 0, cp_uint, cw_uint, TG_OFF(block_threshold), 1, 100,
     "%s must be 1..100, not '%s'", "80", "85"},
    {"log-threshold", 0, cp_uint, cw_uint, TG_OFF(log_threshold), 1, 100,
     "%s must be 1..100, not '%s'", "50", "60"},
    {"qtypes", 0, cp_qtypes, cw_qtypes, 0, 0, 0, NULL, "MX A AAAA", "MX"},
    {"clients", 1, cp_clients, cw_clients, 0, 0, 0, NULL, "all", "10.1.2.0/24"},
    {"action", 0, cp_action, cw_action, 0, 0, 0, NULL, "nxdomain", "nodata"},
    {"sinkhole-a", 0, cp_sinkhole_a, cw_sinkholes, 0, 0, 0, NULL, "",
     "192.0.2.1"},
    {"sinkhole-aaaa", 0, cp_sinkhole_aaaa, NULL, 0, 0, 0, NULL, "",
     "2001:db8::1"},
    {"sinkhole-mx", 0, cp_sinkhole_mx, NULL, 0, 0, 0, NULL, "",
     "sinkhole.example.net"},
    {"answer-ttl", 0, cp_uint, cw_uint, TG_OFF(answer_ttl), 0,
     TG_MAX_ANSWER_TTL, "%s must be 0..86400 seconds, not '%s'", "60", "30"},
    {"answer-check", 0, cp_answer_check, cw_answer_check, 0, 0, 0, NULL,
     "block", "log"},
    {"ede-text", 0, cp_str, cw_str, TG_OFF(ede_text), 0, 0,
     "%s longer than %zu bytes", "", "blocked by policy"},
    {"event-log", 0, cp_event_log, cw_str, TG_OFF(event_log), 0, 0, NULL, "",
     "syslog"},
    {"event-format", 0, cp_event_format, cw_event_format, 0, 0, 0, NULL, "json",
     "kv"},
    {"event-interval", 0, cp_uint, cw_uint, TG_OFF(event_interval), 1, 86400,
     "%s must be 1..86400 seconds, not '%s'", "60", "10"},
    {"stats-file", 0, cp_path, cw_str, TG_OFF(stats_file), 0, 0, NULL, "",
     "typoguard.prom"},
    {"stats-interval", 0, cp_uint, cw_uint, TG_OFF(stats_interval), 1, 86400,
     "%s must be 1..86400 seconds, not '%s'", "60", "10"},
    {"identity", 0, cp_str, cw_str, TG_OFF(identity), 0, 0,
     "%s too long (at most %zu bytes)", "", "resolver-1"},
    {"psl-file", 0, cp_path, cw_str, TG_OFF(psl_file), 0, 0, NULL, "",
     "public_suffix_list.dat"},
    {"reload-interval", 0, cp_uint, cw_uint, TG_OFF(reload_interval), 0, 86400,
     "%s must be 0..86400 seconds (0: off), not '%s'", "5", "0"},
    {"state-dir", 0, cp_path, cw_str, TG_OFF(state_dir), 0, 0, NULL, "",
     "state"},
};
#undef TG_OFF
#define TG_CONF_NITEMS (sizeof(conf_items) / sizeof(conf_items[0]))
_Static_assert(TG_CONF_NITEMS <= 32, "the seen-mask has 32 bits");

size_t tg_conf_key_count(void)
{
	return TG_CONF_NITEMS;
}

int tg_conf_key(size_t i, const char **name, int *repeatable, const char **def,
		const char **example)
{
	if (i >= TG_CONF_NITEMS)
		return TG_EINVAL;
	*name = conf_items[i].name;
	*repeatable = conf_items[i].repeat;
	*def = conf_items[i].def;
	*example = conf_items[i].example;
	return TG_OK;
}

/** Parse one `key: value` pair; \p val is unquoted and trimmed.  \p seen
 *  has a bit per row given so far. */
static int conf_pair(tg_conf *c, const char *key, char *val, unsigned long ln,
		     uint32_t *seen, tg_error *err)
{
	struct conf_at at = {c, NULL, key, ln, err};
	size_t i;

	for (i = 0; i < TG_CONF_NITEMS; i++)
		if (!strcmp(key, conf_items[i].name))
			break;
	if (i == TG_CONF_NITEMS)
		return TG_AT_FAIL(&at, TG_EPARSE, "unknown key '%s'", key);
	at.it = &conf_items[i];
	if (!at.it->repeat && (*seen >> i & 1))
		return TG_AT_FAIL(&at, TG_EPARSE, "'%s' given twice", key);
	*seen |= (uint32_t)1 << i;
	if (*val == '\0')
		return TG_AT_FAIL(&at, TG_EPARSE, "'%s' needs a value", key);
	return at.it->parse(&at, val);
}

/** Checks that involve several keys, after the whole file is read. */
static int conf_finish(tg_conf *c, tg_error *err)
{
	size_t i, np = 0;

	for (i = 0; i < c->n_lists; i++)
		np += c->lists[i].kind == TG_LIST_PROTECTED;
	if (np == 0)
		return tg_error_set(err, TG_ENOTFOUND, c->path, 0,
				    "no 'protected:' list: nothing to protect");
	if (c->log_threshold > c->block_threshold)
		return tg_error_set(err, TG_EPARSE, c->path, 0,
				    "log-threshold (%d) is above "
				    "block-threshold (%d)",
				    c->log_threshold, c->block_threshold);
	if (c->action == TG_ACTION_SINKHOLE && !c->has_sinkhole_a &&
	    !c->has_sinkhole_aaaa && !c->sinkhole_mx[0])
		return tg_error_set(err, TG_EPARSE, c->path, 0,
				    "action sinkhole needs sinkhole-a, "
				    "sinkhole-aaaa or sinkhole-mx");
	if (c->n_qtypes == 0) {
		c->qtypes[0] = LDNS_RR_TYPE_MX;
		c->qtypes[1] = LDNS_RR_TYPE_A;
		c->qtypes[2] = LDNS_RR_TYPE_AAAA;
		c->n_qtypes = 3;
	}
	return TG_OK;
}

int tg_conf_load(const char *path, tg_conf **out, tg_error *err)
{
	char line[TG_MAX_LINE + 2];
	unsigned long ln = 0;
	uint32_t seen = 0;
	tg_conf *c;
	FILE *fp;
	int rc = TG_OK;

	if (!path || !out)
		return tg_error_set(err, TG_EINVAL, path, 0, "no file given");
	c = malloc(sizeof(*c));
	if (!c)
		return tg_error_set(err, TG_ENOMEM, path, 0, "out of memory");
	conf_defaults(c);
	if (snprintf(c->path, sizeof(c->path), "%s", path) >=
	    (int)sizeof(c->path)) {
		free(c);
		return tg_error_set(err, TG_ELIMIT, "", 0,
				    "configuration path too long");
	}
	fp = fopen(path, "r");
	if (!fp) {
		rc = tg_error_set(err, TG_EIO, path, 0, "cannot open: %s",
				  strerror(errno));
		free(c);
		return rc;
	}
	while (rc == TG_OK && fgets(line, sizeof(line), fp)) {
		char *p = line, *key, *val, *e;
		size_t len = strlen(line);
		int inq = 0;

		ln++;
		if (len > TG_MAX_LINE || (len == TG_MAX_LINE &&
					  line[len - 1] != '\n' && !feof(fp))) {
			rc = tg_error_set(err, TG_ELIMIT, path, ln,
					  "line longer than %d bytes",
					  TG_MAX_LINE);
			break;
		}
		if (ln == 1 && !memcmp(p, "\xef\xbb\xbf", 3))
			p += 3;
		/* Strip comments outside quotes, then trailing space. */
		for (e = p; *e; e++) {
			if (*e == '"')
				inq = !inq;
			else if (*e == '#' && !inq) {
				*e = '\0';
				break;
			}
		}
		if (inq) {
			rc = tg_error_set(err, TG_EPARSE, path, ln,
					  "unterminated quote");
			break;
		}
		while (*p == ' ' || *p == '\t')
			p++;
		e = p + strlen(p);
		while (e > p && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*p == '\0')
			continue;
		key = p;
		val = strchr(p, ':');
		if (!val) {
			rc = tg_error_set(err, TG_EPARSE, path, ln,
					  "expected 'key: value'");
			break;
		}
		*val++ = '\0';
		for (e = key; *e; e++) {
			if (isspace((unsigned char)*e)) {
				*e = '\0';
				break;
			}
		}
		while (*val == ' ' || *val == '\t')
			val++;
		len = strlen(val);
		if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
			val[len - 1] = '\0';
			val++;
		}
		rc = conf_pair(c, key, val, ln, &seen, err);
	}
	if (rc == TG_OK && ferror(fp))
		rc = tg_error_set(err, TG_EIO, path, ln, "read error");
	fclose(fp);
	if (rc == TG_OK)
		rc = conf_finish(c, err);
	if (rc != TG_OK) {
		free(c);
		return rc;
	}
	*out = c;
	return TG_OK;
}

int tg_conf_load_lists(const tg_conf *conf, tg_list **out, tg_error *err)
{
	tg_list *l;
	size_t i;
	int rc = TG_OK;

	l = tg_list_create();
	if (!l)
		return tg_error_set(err, TG_ENOMEM, conf->path, 0,
				    "out of memory");
	for (i = 0; rc == TG_OK && i < conf->n_tld_pairs; i++)
		rc = tg_list_add_tld_pair(l, conf->tld_pairs[i][0],
					  conf->tld_pairs[i][1], err);
	for (i = 0; rc == TG_OK && i < conf->n_lists; i++) {
		const tg_conf_list *cl = &conf->lists[i];

		(void)tg_list_set_profile(l, cl->profile);
		if (cl->origin[0])
			rc = tg_list_load_zone(l, cl->kind, cl->path,
					       cl->origin, err);
		else
			rc = tg_list_load_file(l, cl->kind, cl->path, err);
	}
	(void)tg_list_set_profile(l, TG_PROFILE_TYPO);
	if (rc != TG_OK) {
		tg_list_free(l);
		return rc;
	}
	*out = l;
	return TG_OK;
}

void tg_conf_index_options(const tg_conf *conf, tg_index_options *opts)
{
	tg_index_options_init(opts);
	opts->block_threshold = conf->block_threshold;
	opts->log_threshold = conf->log_threshold;
	if (conf->psl_file[0])
		opts->psl_file = conf->psl_file;
	opts->builtin_infrastructure = conf->builtin_infrastructure;
}

int tg_conf_write(const tg_conf *c, const char *path,
		  const char *const *list_paths, tg_error *err)
{
	tg_outfile *of;
	FILE *fp;
	size_t i;
	int rc = tg_outfile_open(path, 0640, &of, err);

	if (rc != TG_OK)
		return rc;
	fp = tg_outfile_stream(of);
	fprintf(fp, "# written by typoguard from %s\n", c->path);
	for (i = 0; i < TG_CONF_NITEMS; i++)
		if (conf_items[i].write)
			conf_items[i].write(fp, c, &conf_items[i], list_paths);
	return tg_outfile_commit(of, err);
}
