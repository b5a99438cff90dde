/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * tg_list: the mutable builder of protected and allowlist names.
 *
 * Names come from the API, from plain list files (one name per line) or
 * from the owner names of a zone file read through ldns, so a list can be
 * distributed by zone transfer.  Everything is capped: line length
 * (TG_MAX_LINE), name length (253), entries (TG_MAX_ENTRIES), TLD pairs
 * (TG_MAX_TLD_PAIRS).  Parse errors are reported as "file:line: reason".
 */
#include "tg_config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "list_internal.h"
#include "name_internal.h"
#include "util_internal.h"

tg_list *tg_list_create(void)
{
	tg_list *list = calloc(1, sizeof(tg_list));

	if (list)
		tg_strtab_init(&list->sources, TG_MAX_SOURCES);
	return list;
}

void tg_list_free(tg_list *list)
{
	if (!list)
		return;
	tg_arena_free(&list->names);
	free(list->e);
	free(list->set);
	tg_strtab_free(&list->sources);
	free(list);
}

int tg_list_set_profile(tg_list *list, tg_list_profile profile)
{
	if (!list ||
	    (profile != TG_PROFILE_TYPO && profile != TG_PROFILE_BRAND))
		return TG_EINVAL;
	list->profile = (uint8_t)profile;
	return TG_OK;
}

const char *tg_profile_name(tg_list_profile profile)
{
	switch (profile) {
	case TG_PROFILE_TYPO:
		return "typo";
	case TG_PROFILE_BRAND:
		return "brand";
	}
	return NULL;
}

int tg_profile_parse(const char *name, tg_list_profile *out)
{
	if (name && !strcmp(name, "typo")) {
		*out = TG_PROFILE_TYPO;
		return 0;
	}
	if (name && !strcmp(name, "brand")) {
		*out = TG_PROFILE_BRAND;
		return 0;
	}
	return -1;
}

static int kind_ok(tg_list_kind kind)
{
	return kind == TG_LIST_PROTECTED || kind == TG_LIST_ALLOW ||
	       kind == TG_LIST_INFRA;
}

size_t tg_list_count(const tg_list *list, tg_list_kind kind)
{
	if (!list || !kind_ok(kind))
		return 0;
	return list->count[kind];
}

/* Index of \p source in the source table, adding it if new. */
static int list_source(tg_list *list, const char *source, uint32_t *out)
{
	size_t i;
	int rc = tg_strtab_intern(&list->sources, source ? source : "api", &i);
	if (rc == TG_OK)
		*out = (uint32_t)i;
	return rc;
}

static uint64_t list_hash(uint8_t kind, const uint8_t *wire, size_t len)
{
	return tg_hash_bytes(kind, wire, len);
}

static int list_grow_set(tg_list *list)
{
	size_t size = list->set ? (list->set_mask + 1) * 2 : 1024;
	uint32_t *ns = calloc(size, sizeof(*ns));
	if (!ns)
		return TG_ENOMEM;
	for (size_t i = 0; i < list->n; i++) {
		const struct tg_list_entry *en = &list->e[i];
		uint64_t h = list_hash(
		    en->kind, list->names.data + en->wire_off, en->wire_len);
		size_t s = (size_t)h & (size - 1);
		while (ns[s])
			s = (s + 1) & (size - 1);
		ns[s] = (uint32_t)i + 1;
	}
	free(list->set);
	list->set = ns;
	list->set_mask = size - 1;
	return TG_OK;
}

/* Add a parsed name; duplicates are merged (the first source stays). */
static int list_add_wire(tg_list *list, tg_list_kind kind, const tg_name *nm,
			 const char *source, unsigned long line, tg_error *err)
{
	if (list->n >= TG_MAX_ENTRIES)
		return tg_error_set(err, TG_ELIMIT, source, line,
				    "too many entries (> %lu)",
				    (unsigned long)TG_MAX_ENTRIES);
	if (!list->set || (list->n + 1) * 2 > list->set_mask + 1) {
		if (list_grow_set(list) != TG_OK)
			return tg_error_set(err, TG_ENOMEM, source, line,
					    "out of memory");
	}
	uint64_t h = list_hash((uint8_t)kind, nm->wire, nm->wire_len);
	size_t s = (size_t)h & list->set_mask;
	while (list->set[s]) {
		const struct tg_list_entry *en = &list->e[list->set[s] - 1];
		if (en->kind == kind && en->wire_len == nm->wire_len &&
		    memcmp(list->names.data + en->wire_off, nm->wire,
			   nm->wire_len) == 0) {
			/* a duplicate: each profile adds its rules */
			list->e[list->set[s] - 1].profiles |=
			    (uint8_t)(1u << list->profile);
			return TG_OK;
		}
		s = (s + 1) & list->set_mask;
	}
	if (list->n == list->cap) {
		size_t nc = list->cap ? list->cap * 2 : 256;
		struct tg_list_entry *ne = realloc(list->e, nc * sizeof(*ne));
		if (!ne)
			return tg_error_set(err, TG_ENOMEM, source, line,
					    "out of memory");
		list->e = ne;
		list->cap = nc;
	}
	uint32_t src;
	size_t off = tg_arena_add(&list->names, nm->wire, nm->wire_len);
	if (off == (size_t)-1)
		return tg_error_set(err, TG_ENOMEM, source, line,
				    "out of memory");
	int rc = list_source(list, source, &src);
	if (rc == TG_ELIMIT)
		return tg_error_set(err, TG_ELIMIT, source, line,
				    "more than %d list sources",
				    TG_MAX_SOURCES);
	if (rc != TG_OK)
		return tg_error_set(err, TG_ENOMEM, source, line,
				    "out of memory");
	struct tg_list_entry *en = &list->e[list->n];
	en->wire_off = (uint32_t)off;
	en->wire_len = (uint16_t)nm->wire_len;
	en->kind = (uint8_t)kind;
	en->profiles = (uint8_t)(1u << list->profile);
	en->src = src;
	en->line = line;
	list->set[s] = (uint32_t)list->n + 1;
	list->n++;
	list->count[kind]++;
	return TG_OK;
}

/* Parse one presentation name of a list; reason "name: why". */
static int list_parse(const char *text, size_t len, tg_name *nm,
		      const char *file, unsigned long line, tg_error *err)
{
	char why[128];
	size_t plain = len;
	if (plain && text[plain - 1] == '.')
		plain--;
	if (plain > 253 && !memchr(text, '\\', len))
		return tg_error_set(err, TG_ENAME, file, line,
				    "name too long (%zu > 253)", plain);
	/* "*.example.com" means the subtree, which every entry covers */
	if (len > 2 && text[0] == '*' && text[1] == '.') {
		text += 2;
		len -= 2;
	}
	if (tg_name_from_text(nm, text, len, why, sizeof(why)) != TG_OK)
		return tg_error_set(err, TG_ENAME, file, line, "%.*s: %s",
				    (int)(len > 100 ? 100 : len), text, why);
	if (nm->n == 0)
		return tg_error_set(err, TG_ENAME, file, line,
				    "the root cannot be listed");
	return TG_OK;
}

int tg_list_add(tg_list *list, tg_list_kind kind, const char *name,
		const char *source, unsigned long line, tg_error *err)
{
	if (!list || !name || !kind_ok(kind))
		return tg_error_set(err, TG_EINVAL, source, line,
				    "invalid argument");
	tg_name nm;
	int rc = list_parse(name, strlen(name), &nm, source, line, err);
	if (rc != TG_OK)
		return rc;
	return list_add_wire(list, kind, &nm, source ? source : "api", line,
			     err);
}

int tg_list_load_file(tg_list *list, tg_list_kind kind, const char *path,
		      tg_error *err)
{
	if (!list || !path || !kind_ok(kind))
		return tg_error_set(err, TG_EINVAL, path, 0,
				    "invalid argument");
	FILE *fp = fopen(path, "r");
	if (!fp)
		return tg_error_set(err, TG_EIO, path, 0, "cannot open: %s",
				    strerror(errno));
	char buf[TG_MAX_LINE + 2];
	unsigned long lineno = 0;
	int rc = TG_OK;
	while (fgets(buf, sizeof(buf), fp)) {
		lineno++;
		size_t len = strlen(buf);
		if (len > 0 && buf[len - 1] != '\n' && !feof(fp)) {
			/* overlong: measure the rest for the message */
			size_t total = len;
			int c;
			while ((c = fgetc(fp)) != EOF && c != '\n')
				total++;
			rc = tg_error_set(err, TG_ELIMIT, path, lineno,
					  "line too long (%zu > %d)", total,
					  TG_MAX_LINE);
			break;
		}
		while (len > 0 &&
		       (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
			buf[--len] = 0;
		if (len > TG_MAX_LINE) {
			rc = tg_error_set(err, TG_ELIMIT, path, lineno,
					  "line too long (%zu > %d)", len,
					  TG_MAX_LINE);
			break;
		}
		char *p = buf;
		if (lineno == 1 && (unsigned char)p[0] == 0xEF &&
		    (unsigned char)p[1] == 0xBB && (unsigned char)p[2] == 0xBF)
			p += 3;
		char *hash = strchr(p, '#');
		if (hash)
			*hash = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		char *e = p + strlen(p);
		while (e > p &&
		       (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (!*p)
			continue;
		if (strpbrk(p, " \t")) {
			rc = tg_error_set(err, TG_EPARSE, path, lineno,
					  "one name per line expected: %.100s",
					  p);
			break;
		}
		tg_name nm;
		rc = list_parse(p, strlen(p), &nm, path, lineno, err);
		if (rc != TG_OK)
			break;
		rc = list_add_wire(list, kind, &nm, path, lineno, err);
		if (rc != TG_OK)
			break;
	}
	if (rc == TG_OK && ferror(fp))
		rc = tg_error_set(err, TG_EIO, path, lineno, "read error");
	fclose(fp);
	return rc;
}

/* Is the text of \p fp from \p start on only blanks and comments? */
static int zone_tail_empty(FILE *fp, long start)
{
	if (start < 0 || fseek(fp, start, SEEK_SET) != 0)
		return 0;
	int c, comment = 0;
	while ((c = fgetc(fp)) != EOF) {
		if (c == '\n')
			comment = 0;
		else if (c == ';')
			comment = 1;
		else if (!comment && c != ' ' && c != '\t' && c != '\r' &&
			 c != '(' && c != ')')
			return 0;
	}
	return 1;
}

int tg_list_load_zone(tg_list *list, tg_list_kind kind, const char *path,
		      const char *origin, tg_error *err)
{
	if (!list || !path || !origin || !kind_ok(kind))
		return tg_error_set(err, TG_EINVAL, path, 0,
				    "invalid argument");
	tg_name on;
	char why[128];
	if (tg_name_from_text(&on, origin, strlen(origin), why, sizeof(why)) !=
	    TG_OK)
		return tg_error_set(err, TG_ENAME, path, 0, "origin %s: %s",
				    origin, why);
	char oabs[TG_NAME_BUF + 2];
	snprintf(oabs, sizeof(oabs), "%s%s", origin,
		 origin[strlen(origin) - 1] == '.' ? "" : ".");
	ldns_rdf *zorigin = ldns_dname_new_frm_str(oabs);
	if (!zorigin)
		return tg_error_set(err, TG_ENAME, path, 0, "bad origin %s",
				    origin);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		ldns_rdf_deep_free(zorigin);
		return tg_error_set(err, TG_EIO, path, 0, "cannot open: %s",
				    strerror(errno));
	}
	ldns_rdf *cur_origin = ldns_rdf_clone(zorigin);
	ldns_rdf *prev = NULL;
	uint32_t ttl = 3600;
	int line_nr = 0, rc = TG_OK;
	size_t olen = on.wire_len; /* origin wire length with root */
	/* stop on EOF and on read errors alike (a directory gives EISDIR,
	 * a failing disk EIO: neither ever sets EOF) */
	while (!feof(fp) && !ferror(fp)) {
		ldns_rr *rr = NULL;
		long start = ftell(fp);
		ldns_status st = ldns_rr_new_frm_fp_l(
		    &rr, fp, &ttl, &cur_origin, &prev, &line_nr);
		if (st == LDNS_STATUS_SYNTAX_EMPTY ||
		    st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN) {
			ldns_rr_free(rr);
			continue;
		}
		if (st == LDNS_STATUS_SYNTAX_INCLUDE) {
			rc = tg_error_set(err, TG_EPARSE, path,
					  (unsigned long)line_nr,
					  "$INCLUDE is not supported");
			break;
		}
		if (st != LDNS_STATUS_OK) {
			int had_rr = rr != NULL;
			ldns_rr_free(rr);
			if (ferror(fp))
				break; /* reported below */
			/* ldns reports trailing blank or comment-only text at
			 * the end of a file (as Unbound writes transferred
			 * zones) as a syntax error: look at what was left */
			if (feof(fp) && !had_rr &&
			    st == LDNS_STATUS_SYNTAX_ERR &&
			    zone_tail_empty(fp, start))
				break;
			rc = tg_error_set(err, TG_EPARSE, path,
					  (unsigned long)line_nr, "%s",
					  ldns_get_errorstr_by_id(st));
			break;
		}
		if (list->n >= TG_MAX_ENTRIES) {
			ldns_rr_free(rr);
			rc = tg_error_set(err, TG_ELIMIT, path,
					  (unsigned long)line_nr,
					  "too many entries (> %lu)",
					  (unsigned long)TG_MAX_ENTRIES);
			break;
		}
		ldns_rdf *owner = ldns_rr_owner(rr);
		tg_name nm;
		if (tg_name_from_wire(&nm, ldns_rdf_data(owner),
				      ldns_rdf_size(owner), why,
				      sizeof(why)) != TG_OK) {
			ldns_rr_free(rr);
			rc = tg_error_set(err, TG_ENAME, path,
					  (unsigned long)line_nr, "owner: %s",
					  why);
			break;
		}
		/* owner must be the origin or below it */
		if (nm.wire_len < olen ||
		    memcmp(nm.wire + nm.wire_len - olen, on.wire, olen) != 0 ||
		    (nm.wire_len > olen &&
		     tg_wire_labels(nm.wire, nm.wire_len - olen) + on.n !=
			 nm.n)) {
			char owner_s[TG_NAME_BUF];
			tg_name_to_text(&nm, 0, owner_s, sizeof(owner_s));
			ldns_rr_free(rr);
			rc = tg_error_set(
			    err, TG_EPARSE, path, (unsigned long)line_nr,
			    "%s is outside the origin %s", owner_s, origin);
			break;
		}
		ldns_rr_free(rr);
		if (nm.wire_len == olen)
			continue; /* apex: SOA, NS and anything else */
		/* strip the origin: keep the first n - on.n labels */
		tg_name entry;
		size_t keep = nm.wire_len - olen;
		memcpy(entry.wire, nm.wire, keep);
		entry.wire[keep] = 0;
		if (tg_name_from_wire(&entry, entry.wire, keep + 1, why,
				      sizeof(why)) != TG_OK) {
			rc = tg_error_set(err, TG_ENAME, path,
					  (unsigned long)line_nr, "%s", why);
			break;
		}
		rc = list_add_wire(list, kind, &entry, path,
				   (unsigned long)line_nr, err);
		if (rc != TG_OK)
			break;
	}
	if (rc == TG_OK && ferror(fp))
		rc = tg_error_set(err, TG_EIO, path, (unsigned long)line_nr,
				  "read error: %s", strerror(errno));
	ldns_rdf_deep_free(cur_origin);
	ldns_rdf_deep_free(prev);
	ldns_rdf_deep_free(zorigin);
	fclose(fp);
	return rc;
}

int tg_list_add_tld_pair(tg_list *list, const char *protected_tld,
			 const char *confusable_tld, tg_error *err)
{
	if (!list || !protected_tld || !confusable_tld)
		return tg_error_set(err, TG_EINVAL, NULL, 0,
				    "invalid argument");
	const char *t[2] = {protected_tld, confusable_tld};
	char norm[2][TG_TLD_MAX];
	for (int k = 0; k < 2; k++) {
		const char *s = t[k];
		if (*s == '.')
			s++;
		size_t len = strlen(s);
		if (len && s[len - 1] == '.')
			len--;
		if (len == 0 || len >= TG_TLD_MAX)
			return tg_error_set(err, TG_ENAME, NULL, 0,
					    "bad TLD \"%s\"", t[k]);
		for (size_t i = 0; i < len; i++) {
			char c = s[i];
			if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
			if (!((c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '-'))
				return tg_error_set(err, TG_ENAME, NULL, 0,
						    "bad TLD \"%s\"", t[k]);
			norm[k][i] = c;
		}
		norm[k][len] = 0;
	}
	if (strcmp(norm[0], norm[1]) == 0)
		return tg_error_set(err, TG_EINVAL, NULL, 0,
				    "TLD pair %s %s: the same TLD", norm[0],
				    norm[1]);
	for (size_t i = 0; i < list->npairs; i++)
		if (!strcmp(list->pairs[i].prot, norm[0]) &&
		    !strcmp(list->pairs[i].conf, norm[1]))
			return TG_OK;
	if (list->npairs >= TG_MAX_TLD_PAIRS)
		return tg_error_set(err, TG_ELIMIT, NULL, 0,
				    "too many TLD pairs (> %d)",
				    TG_MAX_TLD_PAIRS);
	memcpy(list->pairs[list->npairs].prot, norm[0], TG_TLD_MAX);
	memcpy(list->pairs[list->npairs].conf, norm[1], TG_TLD_MAX);
	list->npairs++;
	return TG_OK;
}

int tg_list_foreach(const tg_list *list, tg_list_kind kind, tg_entry_fn fn,
		    void *arg)
{
	if (!list || !fn || !kind_ok(kind))
		return TG_EINVAL;
	/* entries are kept in insertion order and are already unique per
	 * kind; the callback sees the first source that named each one */
	for (size_t i = 0; i < list->n; i++) {
		const struct tg_list_entry *en = &list->e[i];
		if (en->kind != (uint8_t)kind)
			continue;
		char name[TG_NAME_BUF * 4];
		tg_wire_to_text(list->names.data + en->wire_off, en->wire_len,
				name, sizeof(name));
		int rc = fn(name, list->sources.s[en->src], en->line, arg);
		if (rc != 0)
			return rc;
	}
	return TG_OK;
}
