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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "typoguard.h"

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
	}
	return "unknown";
}

/** Fill \p err with a formatted reason at \p line of \p file. */
static int tg_conf_fail(tg_error *err, int code, const char *file,
			unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int tg_conf_fail(tg_error *err, int code, const char *file,
			unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		err->line = line;
		snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
		va_start(ap, fmt);
		vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
		va_end(ap);
	}
	return code;
}

/** Parse a decimal unsigned integer in [lo, hi]; 0 on success. */
static int tg_parse_uint(const char *s, unsigned long lo, unsigned long hi,
			 unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/** Parse "ADDR/BITS" or a bare address into \p p; 0 on success. */
static int tg_parse_prefix(const char *s, tg_prefix *p)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned long bits;
	unsigned maxbits, i;

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
	if (slash && tg_parse_uint(slash, 0, maxbits, &bits) != 0)
		return -1;
	p->bits = (unsigned)bits;
	/* Mask host bits so that matching is a plain compare. */
	for (i = 0; i < maxbits / 8; i++) {
		unsigned keep = bits >= (i + 1) * 8 ? 8
				: bits > i * 8	    ? bits - i * 8
						    : 0;
		p->addr[i] &= (uint8_t)(0xff00u >> keep);
	}
	return 0;
}

static int tg_prefix_match(const tg_prefix *p, int family, const uint8_t *addr)
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
		if (tg_prefix_match(&conf->clients[i], family, addr))
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

static void tg_conf_defaults(tg_conf *c)
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
static int tg_conf_path(const char *confpath, const char *val, char *out,
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
static size_t tg_words(char *val, char **words, size_t max)
{
	size_t n = 0;
	char *save = NULL, *w;

	for (w = strtok_r(val, " \t", &save); w && n < max;
	     w = strtok_r(NULL, " \t", &save))
		words[n++] = w;
	return w ? max + 1 : n;
}

/** A TLD for `tld-pair:`: 1..63 letters, digits or hyphens. */
static int tg_valid_tld(const char *s)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return 0;
	return 1;
}

/** Flags for keys that may appear only once. */
enum {
	TG_SEEN_BLOCK = 1u << 0,
	TG_SEEN_LOG = 1u << 1,
	TG_SEEN_QTYPES = 1u << 2,
	TG_SEEN_ACTION = 1u << 3,
	TG_SEEN_SA = 1u << 4,
	TG_SEEN_SAAAA = 1u << 5,
	TG_SEEN_SMX = 1u << 6,
	TG_SEEN_TTL = 1u << 7,
	TG_SEEN_EDE = 1u << 8,
	TG_SEEN_ELOG = 1u << 9,
	TG_SEEN_EFMT = 1u << 10,
	TG_SEEN_SFILE = 1u << 11,
	TG_SEEN_SINT = 1u << 12,
	TG_SEEN_EINT = 1u << 13,
	TG_SEEN_IDENT = 1u << 14,
	TG_SEEN_PSL = 1u << 15,
	TG_SEEN_RELOAD = 1u << 16,
	TG_SEEN_STATE = 1u << 17,
	TG_SEEN_ANSWER = 1u << 18,
	TG_SEEN_IBUILTIN = 1u << 19
};

/** The list keys, by tg_list_kind: plain and zone form. */
static const char *const tg_list_keys[TG_LIST_KINDS][2] = {
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

/** Parse one `key: value` pair; \p val is unquoted and trimmed. */
static int tg_conf_pair(tg_conf *c, const char *key, char *val,
			unsigned long ln, unsigned *seen, tg_error *err)
{
	const char *f = c->path;
	unsigned long u;
	static const struct {
		const char *key;
		unsigned flag;
	} once[] = {
	    {"block-threshold", TG_SEEN_BLOCK},
	    {"log-threshold", TG_SEEN_LOG},
	    {"qtypes", TG_SEEN_QTYPES},
	    {"action", TG_SEEN_ACTION},
	    {"sinkhole-a", TG_SEEN_SA},
	    {"sinkhole-aaaa", TG_SEEN_SAAAA},
	    {"sinkhole-mx", TG_SEEN_SMX},
	    {"answer-ttl", TG_SEEN_TTL},
	    {"ede-text", TG_SEEN_EDE},
	    {"event-log", TG_SEEN_ELOG},
	    {"event-format", TG_SEEN_EFMT},
	    {"stats-file", TG_SEEN_SFILE},
	    {"stats-interval", TG_SEEN_SINT},
	    {"event-interval", TG_SEEN_EINT},
	    {"identity", TG_SEEN_IDENT},
	    {"psl-file", TG_SEEN_PSL},
	    {"answer-check", TG_SEEN_ANSWER},
	    {"infrastructure-builtin", TG_SEEN_IBUILTIN},
	};
	size_t i;

	for (i = 0; i < sizeof(once) / sizeof(once[0]); i++) {
		if (strcmp(key, once[i].key) != 0)
			continue;
		if (*seen & once[i].flag)
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "'%s' given twice", key);
		*seen |= once[i].flag;
	}
	if (*val == '\0')
		return tg_conf_fail(err, TG_EPARSE, f, ln, "'%s' needs a value",
				    key);

	for (i = TG_LIST_PROTECTED; i < TG_LIST_KINDS; i++) {
		tg_conf_list *l;
		char *w[3];
		int zone = !strcmp(key, tg_list_keys[i][1]);
		size_t n = 1;

		if (!zone && strcmp(key, tg_list_keys[i][0]) != 0)
			continue;

		/* A plain list is one path (it may hold spaces when
		 * quoted); a zone list is "FILE ORIGIN". */
		if (zone)
			n = tg_words(val, w, 2);
		else
			w[0] = val;

		if (c->n_lists >= TG_CONF_MAX_LISTS)
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "too many lists (at most %d)",
					    TG_CONF_MAX_LISTS);
		if (n != (zone ? 2u : 1u))
			return tg_conf_fail(
			    err, TG_EPARSE, f, ln, "'%s' takes %s", key,
			    zone ? "a zone file and its origin" : "one file");
		l = &c->lists[c->n_lists];
		memset(l, 0, sizeof(*l));
		l->kind = (tg_list_kind)i;
		l->line = ln;
		if (tg_conf_path(c->path, w[0], l->path, sizeof(l->path)))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "path too long");
		if (zone) {
			ldns_rdf *o = NULL;

			if (ldns_str2rdf_dname(&o, w[1]) != LDNS_STATUS_OK)
				return tg_conf_fail(err, TG_ENAME, f, ln,
						    "bad zone origin '%s'",
						    w[1]);
			ldns_rdf_deep_free(o);
			snprintf(l->origin, sizeof(l->origin), "%s", w[1]);
		}
		c->n_lists++;
		return TG_OK;
	}
	if (!strcmp(key, "block-threshold") || !strcmp(key, "log-threshold")) {
		if (tg_parse_uint(val, 1, 100, &u))
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "%s must be 1..100, not '%s'", key,
					    val);
		if (key[0] == 'b')
			c->block_threshold = (int)u;
		else
			c->log_threshold = (int)u;
		return TG_OK;
	}
	if (!strcmp(key, "qtypes")) {
		char *w[17];
		size_t n = tg_words(val, w, 16), k;

		if (n > 16)
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "at most 16 qtypes");
		c->n_qtypes = 0;
		for (k = 0; k < n; k++) {
			ldns_rr_type t = ldns_get_rr_type_by_name(w[k]);

			if (t == 0)
				return tg_conf_fail(err, TG_EPARSE, f, ln,
						    "unknown query type '%s'",
						    w[k]);
			c->qtypes[c->n_qtypes++] = (uint16_t)t;
		}
		return TG_OK;
	}
	if (!strcmp(key, "clients")) {
		char *w[TG_CONF_MAX_CLIENTS + 1];
		size_t n = tg_words(val, w, TG_CONF_MAX_CLIENTS), k;

		for (k = 0; k < n; k++) {
			if (c->n_clients >= TG_CONF_MAX_CLIENTS ||
			    n > TG_CONF_MAX_CLIENTS)
				return tg_conf_fail(
				    err, TG_ELIMIT, f, ln,
				    "too many client prefixes (at most %d)",
				    TG_CONF_MAX_CLIENTS);
			if (tg_parse_prefix(w[k], &c->clients[c->n_clients]))
				return tg_conf_fail(
				    err, TG_EPARSE, f, ln,
				    "bad client prefix '%s' (want ADDR/BITS)",
				    w[k]);
			c->n_clients++;
		}
		return TG_OK;
	}
	if (!strcmp(key, "infrastructure-builtin")) {
		if (strcmp(val, "yes") != 0 && strcmp(val, "no") != 0)
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "infrastructure-builtin '%s': "
					    "expected yes or no",
					    val);
		c->builtin_infrastructure = val[0] == 'y';
		return TG_OK;
	}
	if (!strcmp(key, "answer-check")) {
		for (i = TG_ANSWER_BLOCK; i <= TG_ANSWER_OFF; i++) {
			if (!strcmp(val,
				    tg_answer_check_name((tg_answer_check)i))) {
				c->answer_check = (tg_answer_check)i;
				return TG_OK;
			}
		}
		return tg_conf_fail(err, TG_EPARSE, f, ln,
				    "answer-check '%s': expected block, log "
				    "or off",
				    val);
	}
	if (!strcmp(key, "action")) {
		static const tg_action all[] = {
		    TG_ACTION_NXDOMAIN, TG_ACTION_NODATA, TG_ACTION_REFUSE,
		    TG_ACTION_SINKHOLE, TG_ACTION_LOG_ONLY};
		for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			if (!strcmp(val, tg_action_name(all[i]))) {
				c->action = all[i];
				return TG_OK;
			}
		}
		return tg_conf_fail(err, TG_EPARSE, f, ln,
				    "unknown action '%s' (nxdomain, nodata, "
				    "refuse, sinkhole, log-only)",
				    val);
	}
	if (!strcmp(key, "sinkhole-a")) {
		if (inet_pton(AF_INET, val, c->sinkhole_a) != 1)
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "sinkhole-a '%s' is not an IPv4 "
					    "address",
					    val);
		c->has_sinkhole_a = 1;
		return TG_OK;
	}
	if (!strcmp(key, "sinkhole-aaaa")) {
		if (inet_pton(AF_INET6, val, c->sinkhole_aaaa) != 1)
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "sinkhole-aaaa '%s' is not an IPv6 "
					    "address",
					    val);
		c->has_sinkhole_aaaa = 1;
		return TG_OK;
	}
	if (!strcmp(key, "sinkhole-mx")) {
		ldns_rdf *d = NULL;

		if (ldns_str2rdf_dname(&d, val) != LDNS_STATUS_OK)
			return tg_conf_fail(err, TG_ENAME, f, ln,
					    "sinkhole-mx '%s' is not a host "
					    "name",
					    val);
		ldns_rdf_deep_free(d);
		snprintf(c->sinkhole_mx, sizeof(c->sinkhole_mx), "%s", val);
		return TG_OK;
	}
	if (!strcmp(key, "answer-ttl")) {
		if (tg_parse_uint(val, 0, TG_MAX_ANSWER_TTL, &u))
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "answer-ttl must be 0..%d seconds",
					    TG_MAX_ANSWER_TTL);
		c->answer_ttl = (uint32_t)u;
		return TG_OK;
	}
	if (!strcmp(key, "ede-text")) {
		if (strlen(val) >= sizeof(c->ede_text))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "ede-text longer than %zu bytes",
					    sizeof(c->ede_text) - 1);
		strcpy(c->ede_text, val);
		return TG_OK;
	}
	if (!strcmp(key, "event-log")) {
		if (!strcmp(val, "syslog"))
			strcpy(c->event_log, "syslog");
		else if (tg_conf_path(c->path, val, c->event_log,
				      sizeof(c->event_log)))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "path too long");
		return TG_OK;
	}
	if (!strcmp(key, "event-format")) {
		if (!strcmp(val, "json"))
			c->event_format = TG_EVENT_JSON;
		else if (!strcmp(val, "kv"))
			c->event_format = TG_EVENT_KV;
		else
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "event-format must be json or kv, "
					    "not '%s'",
					    val);
		return TG_OK;
	}
	if (!strcmp(key, "stats-file") || !strcmp(key, "psl-file")) {
		char *dst = key[0] == 's' ? c->stats_file : c->psl_file;

		if (tg_conf_path(c->path, val, dst, TG_NAME_BUF))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "path too long");
		return TG_OK;
	}
	if (!strcmp(key, "stats-interval") || !strcmp(key, "event-interval")) {
		if (tg_parse_uint(val, 1, 86400, &u))
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "%s must be 1..86400 seconds", key);
		if (key[0] == 's')
			c->stats_interval = (unsigned)u;
		else
			c->event_interval = (unsigned)u;
		return TG_OK;
	}
	if (!strcmp(key, "reload-interval")) {
		if (tg_parse_uint(val, 0, 86400, &u))
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "reload-interval must be 0..86400 "
					    "seconds (0: off)");
		c->reload_interval = (unsigned)u;
		return TG_OK;
	}
	if (!strcmp(key, "state-dir")) {
		if (tg_conf_path(c->path, val, c->state_dir,
				 sizeof(c->state_dir)))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "path too long");
		return TG_OK;
	}
	if (!strcmp(key, "identity")) {
		if (strlen(val) >= sizeof(c->identity))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "identity too long");
		strcpy(c->identity, val);
		return TG_OK;
	}
	if (!strcmp(key, "tld-pair")) {
		char *w[3];

		if (tg_words(val, w, 2) != 2 || !tg_valid_tld(w[0]) ||
		    !tg_valid_tld(w[1]))
			return tg_conf_fail(err, TG_EPARSE, f, ln,
					    "tld-pair takes two TLDs, e.g. "
					    "'tld-pair: mil ml'");
		if (c->n_tld_pairs >=
		    sizeof(c->tld_pairs) / sizeof(c->tld_pairs[0]))
			return tg_conf_fail(err, TG_ELIMIT, f, ln,
					    "too many tld-pair lines");
		snprintf(c->tld_pairs[c->n_tld_pairs][0], 64, "%s", w[0]);
		snprintf(c->tld_pairs[c->n_tld_pairs][1], 64, "%s", w[1]);
		c->n_tld_pairs++;
		return TG_OK;
	}
	return tg_conf_fail(err, TG_EPARSE, f, ln, "unknown key '%s'", key);
}

/** Checks that involve several keys, after the whole file is read. */
static int tg_conf_finish(tg_conf *c, tg_error *err)
{
	size_t i, np = 0;

	for (i = 0; i < c->n_lists; i++)
		np += c->lists[i].kind == TG_LIST_PROTECTED;
	if (np == 0)
		return tg_conf_fail(err, TG_ENOTFOUND, c->path, 0,
				    "no 'protected:' list: nothing to protect");
	if (c->log_threshold > c->block_threshold)
		return tg_conf_fail(err, TG_EPARSE, c->path, 0,
				    "log-threshold (%d) is above "
				    "block-threshold (%d)",
				    c->log_threshold, c->block_threshold);
	if (c->action == TG_ACTION_SINKHOLE && !c->has_sinkhole_a &&
	    !c->has_sinkhole_aaaa && !c->sinkhole_mx[0])
		return tg_conf_fail(err, TG_EPARSE, c->path, 0,
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
	unsigned seen = 0;
	tg_conf *c;
	FILE *fp;
	int rc = TG_OK;

	if (!path || !out)
		return tg_conf_fail(err, TG_EINVAL, path, 0, "no file given");
	c = malloc(sizeof(*c));
	if (!c)
		return tg_conf_fail(err, TG_ENOMEM, path, 0, "out of memory");
	tg_conf_defaults(c);
	if (snprintf(c->path, sizeof(c->path), "%s", path) >=
	    (int)sizeof(c->path)) {
		free(c);
		return tg_conf_fail(err, TG_ELIMIT, "", 0,
				    "configuration path too long");
	}
	fp = fopen(path, "r");
	if (!fp) {
		rc = tg_conf_fail(err, TG_EIO, path, 0, "cannot open: %s",
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
			rc = tg_conf_fail(err, TG_ELIMIT, path, ln,
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
			rc = tg_conf_fail(err, TG_EPARSE, path, ln,
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
			rc = tg_conf_fail(err, TG_EPARSE, path, ln,
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
		rc = tg_conf_pair(c, key, val, ln, &seen, err);
	}
	if (rc == TG_OK && ferror(fp))
		rc = tg_conf_fail(err, TG_EIO, path, ln, "read error");
	fclose(fp);
	if (rc == TG_OK)
		rc = tg_conf_finish(c, err);
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
		return tg_conf_fail(err, TG_ENOMEM, conf->path, 0,
				    "out of memory");
	for (i = 0; rc == TG_OK && i < conf->n_tld_pairs; i++)
		rc = tg_list_add_tld_pair(l, conf->tld_pairs[i][0],
					  conf->tld_pairs[i][1], err);
	for (i = 0; rc == TG_OK && i < conf->n_lists; i++) {
		const tg_conf_list *cl = &conf->lists[i];

		if (cl->origin[0])
			rc = tg_list_load_zone(l, cl->kind, cl->path,
					       cl->origin, err);
		else
			rc = tg_list_load_file(l, cl->kind, cl->path, err);
	}
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

/** Write \p s double-quoted (the parser strips the quotes). */
static void tg_conf_put(FILE *fp, const char *key, const char *s)
{
	fprintf(fp, "%s: \"%s\"\n", key, s);
}

int tg_conf_write(const tg_conf *c, const char *path,
		  const char *const *list_paths, tg_error *err)
{
	char tmp[TG_NAME_BUF + 8];
	FILE *fp;
	size_t i;
	int ok;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return tg_conf_fail(err, TG_ELIMIT, path, 0, "path too long");
	fp = fopen(tmp, "w");
	if (!fp)
		return tg_conf_fail(err, TG_EIO, tmp, 0, "cannot write: %s",
				    strerror(errno));
	fprintf(fp, "# written by typoguard from %s\n", c->path);
	for (i = 0; i < c->n_lists; i++) {
		const tg_conf_list *l = &c->lists[i];
		const char *lp =
		    list_paths && list_paths[i] ? list_paths[i] : l->path;
		const char *k = tg_list_keys[l->kind][l->origin[0] != 0];

		if (l->origin[0])
			fprintf(fp, "%s: %s %s\n", k, lp, l->origin);
		else
			tg_conf_put(fp, k, lp);
	}
	for (i = 0; i < c->n_tld_pairs; i++)
		fprintf(fp, "tld-pair: %s %s\n", c->tld_pairs[i][0],
			c->tld_pairs[i][1]);
	fprintf(fp, "block-threshold: %d\nlog-threshold: %d\nqtypes:",
		c->block_threshold, c->log_threshold);
	for (i = 0; i < c->n_qtypes; i++) {
		char *t = ldns_rr_type2str((ldns_rr_type)c->qtypes[i]);

		fprintf(fp, " %s", t ? t : "A");
		free(t);
	}
	fputc('\n', fp);
	for (i = 0; i < c->n_clients; i++) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(c->clients[i].family, c->clients[i].addr, a,
			  sizeof(a));
		fprintf(fp, "clients: %s/%u\n", a, c->clients[i].bits);
	}
	fprintf(fp, "action: %s\n", tg_action_name(c->action));
	if (c->has_sinkhole_a) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, c->sinkhole_a, a, sizeof(a));
		fprintf(fp, "sinkhole-a: %s\n", a);
	}
	if (c->has_sinkhole_aaaa) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, c->sinkhole_aaaa, a, sizeof(a));
		fprintf(fp, "sinkhole-aaaa: %s\n", a);
	}
	if (c->sinkhole_mx[0])
		fprintf(fp, "sinkhole-mx: %s\n", c->sinkhole_mx);
	fprintf(fp, "answer-ttl: %u\n", (unsigned)c->answer_ttl);
	fprintf(fp, "answer-check: %s\n",
		tg_answer_check_name(c->answer_check));
	fprintf(fp, "infrastructure-builtin: %s\n",
		c->builtin_infrastructure ? "yes" : "no");
	if (c->ede_text[0])
		tg_conf_put(fp, "ede-text", c->ede_text);
	if (c->event_log[0])
		tg_conf_put(fp, "event-log", c->event_log);
	fprintf(fp, "event-format: %s\n",
		c->event_format == TG_EVENT_KV ? "kv" : "json");
	fprintf(fp, "event-interval: %u\n", c->event_interval);
	if (c->stats_file[0])
		tg_conf_put(fp, "stats-file", c->stats_file);
	fprintf(fp, "stats-interval: %u\n", c->stats_interval);
	if (c->identity[0])
		tg_conf_put(fp, "identity", c->identity);
	if (c->psl_file[0])
		tg_conf_put(fp, "psl-file", c->psl_file);
	fprintf(fp, "reload-interval: %u\n", c->reload_interval);
	if (c->state_dir[0])
		tg_conf_put(fp, "state-dir", c->state_dir);
	ok = !ferror(fp);
	ok = (fclose(fp) == 0) && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return tg_conf_fail(err, TG_EIO, path, 0, "cannot write: %s",
				    strerror(errno));
	}
	return TG_OK;
}
