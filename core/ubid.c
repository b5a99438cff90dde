/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Unbound build identities: parse, observe, compare (ubid_internal.h).
 */
#include "tg_config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ubid_internal.h"

/* Checked in Unbound's source at release-1.17.1 and release-1.26.0: each
 * function is defined only under its macro, and each macro changes a
 * struct typoguard.so reads (module_qstate, module_env, comm_reply,
 * config_file). */
const tg_ubid_option tg_ubid_options[] = {
    {"subnet", "subnetmod_get_funcblock", "CLIENT_SUBNET"},
    {"cachedb", "cachedb_get_funcblock", "USE_CACHEDB"},
    {"dnscrypt", "dnsc_create", "USE_DNSCRYPT"},
    {"ipsecmod", "ipsecmod_get_funcblock", "USE_IPSECMOD"},
    {"ipset", "ipset_get_funcblock", "USE_IPSET"},
    {"doq", "doq_table_create", "HAVE_NGTCP2"},
};
const size_t tg_ubid_n_options =
    sizeof(tg_ubid_options) / sizeof(tg_ubid_options[0]);

/** Copy the word [s, e) to \p out of \p len bytes; 0 if it does not fit. */
static int ubid_word(const char *s, const char *e, char *out, size_t len)
{
	if ((size_t)(e - s) >= len)
		return 0;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return 1;
}

static void ubid_parse_options(const char *s, const char *e, tg_ubid *id)
{
	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));
		size_t i, n;

		if (!c)
			c = e;
		n = (size_t)(c - s);
		for (i = 0; i < tg_ubid_n_options; i++)
			if (n && strlen(tg_ubid_options[i].name) == n &&
			    memcmp(tg_ubid_options[i].name, s, n) == 0)
				id->options |= 1u << i;
		s = c + 1;
	}
}

static int ubid_parse_markers(const char *s, const char *e, tg_ubid *id)
{
	while (s < e) {
		const char *c = memchr(s, ',', (size_t)(e - s));

		if (!c)
			c = e;
		if (c - s > 1 && (*s == '+' || *s == '-')) {
			if (id->n_markers == TG_UBID_MAX_MARKERS ||
			    !ubid_word(s + 1, c, id->marker[id->n_markers],
				       TG_UBID_MARKER_LEN))
				return -1;
			if (*s == '+')
				id->marker_present |= 1u << id->n_markers;
			id->n_markers++;
		}
		s = c + 1;
	}
	return 0;
}

int tg_ubid_parse(const char *text, tg_ubid *id)
{
	const char *s = text;

	memset(id, 0, sizeof(*id));
	if (strnlen(text, TG_UBID_MAX + 1) > TG_UBID_MAX)
		return -1;
	while (*s) {
		const char *e;

		while (*s == ' ')
			s++;
		if (strncmp(s, "configure=", 10) == 0) {
			/* the rest of the line, spaces included */
			e = s + 10 + strcspn(s + 10, "\n");
			if (!ubid_word(s + 10, e, id->configure,
				       sizeof(id->configure)))
				return -1;
			break;
		}
		e = s + strcspn(s, " \n");
		if (strncmp(s, "version=", 8) == 0) {
			if (!ubid_word(s + 8, e, id->version,
				       sizeof(id->version)))
				return -1;
		} else if (strncmp(s, "options=", 8) == 0) {
			ubid_parse_options(s + 8, e, id);
		} else if (strncmp(s, "markers=", 8) == 0) {
			if (ubid_parse_markers(s + 8, e, id) != 0)
				return -1;
		}
		if (*e == '\n' || !*e)
			break;
		s = e;
	}
	return id->version[0] ? 0 : -1;
}

/** A character of a version string after its first digit ("1.17.1",
 *  "1.19.0rc1"). */
static int ubid_vchar(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-' || c == '+' || c == '~' ||
	       c == '_';
}

int tg_ubid_find_version(const void *p, size_t n, char *out, size_t outlen)
{
	static const char pre[] = "unbound ";
	const char *s = p, *end = s + n;

	if (outlen)
		out[0] = '\0';
	while (s < end) {
		const char *hit =
		    memmem(s, (size_t)(end - s), pre, sizeof(pre) - 1);
		const char *v, *q;

		if (!hit)
			return 0;
		v = hit + sizeof(pre) - 1;
		q = v;
		/* a whole word: not the tail of "libunbound 2" */
		if ((hit == (const char *)p ||
		     !ubid_vchar((unsigned char)hit[-1])) &&
		    q < end && isdigit((unsigned char)*q)) {
			while (q < end && q - v < 32 &&
			       ubid_vchar((unsigned char)*q))
				q++;
			if (q < end && *q == '\0' &&
			    ubid_word(v, q, out, outlen))
				return 1;
		}
		s = hit + 1;
	}
	return 0;
}

void tg_ubid_observe(const tg_ubid *built, tg_ubid *run,
		     int (*has)(const char *symbol, void *arg), void *arg)
{
	size_t i;

	run->options = 0;
	for (i = 0; i < tg_ubid_n_options; i++)
		if (has(tg_ubid_options[i].symbol, arg))
			run->options |= 1u << i;
	run->n_markers = built->n_markers;
	run->marker_present = 0;
	for (i = 0; i < built->n_markers; i++) {
		memcpy(run->marker[i], built->marker[i], TG_UBID_MARKER_LEN);
		if (has(built->marker[i], arg))
			run->marker_present |= 1u << i;
	}
}

int tg_ubid_match(const tg_ubid *built, const tg_ubid *run)
{
	return built->version[0] && strcmp(built->version, run->version) == 0 &&
	       built->options == run->options &&
	       built->n_markers == run->n_markers &&
	       built->marker_present == run->marker_present;
}

/** Append to buf (len bytes, NUL-terminated), truncating. */
static void ubid_cat(char *buf, size_t len, const char *s)
{
	size_t used = strnlen(buf, len);

	if (used + 1 < len)
		snprintf(buf + used, len - used, "%s", s);
}

/** "(subnet, cachedb; with m)" of \p id; markers only where they differ
 *  from \p other (NULL: none). */
static void ubid_paren(const tg_ubid *id, const tg_ubid *other, char *buf,
		       size_t len)
{
	size_t i;
	int first = 1;

	ubid_cat(buf, len, "(");
	for (i = 0; i < tg_ubid_n_options; i++) {
		if (!(id->options & (1u << i)))
			continue;
		ubid_cat(buf, len, first ? "" : ", ");
		ubid_cat(buf, len, tg_ubid_options[i].name);
		first = 0;
	}
	if (first)
		ubid_cat(buf, len, "no layout options");
	for (i = 0; other && i < id->n_markers && i < other->n_markers; i++) {
		unsigned bit = 1u << i;

		if ((id->marker_present & bit) == (other->marker_present & bit))
			continue;
		ubid_cat(buf, len,
			 id->marker_present & bit ? "; with " : "; without ");
		ubid_cat(buf, len, id->marker[i]);
	}
	ubid_cat(buf, len, ")");
}

char *tg_ubid_describe(const tg_ubid *id, char *buf, size_t len)
{
	if (!len)
		return buf;
	snprintf(buf, len, "%s ", id->version[0] ? id->version : "unknown");
	ubid_paren(id, NULL, buf, len);
	return buf;
}

char *tg_ubid_mismatch(const tg_ubid *built, const tg_ubid *run, char *buf,
		       size_t len)
{
	if (!len)
		return buf;
	snprintf(buf, len, "built for unbound %s ", built->version);
	ubid_paren(built, run, buf, len);
	ubid_cat(buf, len, ", running in ");
	ubid_cat(buf, len,
		 run->version[0] ? run->version : "an unknown version");
	ubid_cat(buf, len, " ");
	ubid_paren(run, built, buf, len);
	return buf;
}
