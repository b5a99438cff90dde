/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Public Suffix List loader and lookup (see psl_internal.h for the design).
 *
 * The notes measured libpsl at about 1 us per call on this class of
 * machine, twice the whole per-name budget; this walk over precomputed
 * suffix hashes costs a few probes into a 150 KB table.
 */
#include "tg_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "name_internal.h"
#include "psl_internal.h"
#include "util_internal.h"

/** Cap on rules: the real list has about 9,500. */
#define TG_PSL_MAX_RULES 200000

struct psl_item {
	uint64_t h;
	uint8_t f;
};

struct psl_vec {
	struct psl_item *v;
	size_t n, cap;
};

static int psl_push(struct psl_vec *vec, uint64_t h, uint8_t f)
{
	if (vec->n == vec->cap) {
		size_t nc = vec->cap ? vec->cap * 2 : 16384;
		struct psl_item *nv = realloc(vec->v, nc * sizeof(*nv));
		if (!nv)
			return TG_ENOMEM;
		vec->v = nv;
		vec->cap = nc;
	}
	vec->v[vec->n].h = h | 1;
	vec->v[vec->n].f = f;
	vec->n++;
	return TG_OK;
}

/* Add one rule (already ASCII, without '!' / '*.' prefixes). */
static int psl_add_rule(struct psl_vec *vec, uint64_t seed, const char *rule,
			uint8_t kind)
{
	tg_name nm;
	if (tg_name_from_text(&nm, rule, strlen(rule), NULL, 0) != TG_OK ||
	    nm.n == 0)
		return TG_OK; /* skip what we cannot parse */
	uint64_t h = seed;
	for (unsigned i = nm.n; i-- > 0;) {
		size_t l;
		const uint8_t *lab = tg_name_label(&nm, i, &l);
		h = tg_hash_label_step(seed, h, lab, l);
		uint8_t f = TG_PSL_NODE;
		if (i == 0)
			f |= kind;
		int rc = psl_push(vec, h, f);
		if (rc != TG_OK)
			return rc;
	}
	return TG_OK;
}

int tg_psl_load(tg_psl *psl, const char *path, uint64_t seed, tg_error *err)
{
	memset(psl, 0, sizeof(*psl));
	psl->seed = seed;
	if (!path)
		path = TG_PSL_FILE;
	FILE *fp = fopen(path, "r");
	if (!fp)
		return tg_error_set(err, TG_EIO, path, 0,
				    "cannot open Public Suffix List");
	struct psl_vec vec = {0};
	char line[TG_MAX_LINE + 2];
	int rc = TG_OK;
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (p[0] == '/' && p[1] == '/')
			continue;
		char *e = p;
		while (*e && *e != ' ' && *e != '\t' && *e != '\r' &&
		       *e != '\n')
			e++;
		*e = 0;
		if (!*p)
			continue;
		if (psl->rules >= TG_PSL_MAX_RULES) {
			rc = tg_error_set(err, TG_ELIMIT, path, lineno,
					  "too many rules (> %d)",
					  TG_PSL_MAX_RULES);
			break;
		}
		uint8_t kind = TG_PSL_RULE;
		if (*p == '!') {
			kind = TG_PSL_EXCEPT;
			p++;
		} else if (p[0] == '*' && p[1] == '.') {
			kind = TG_PSL_WILD;
			p += 2;
		} else if (p[0] == '*' && p[1] == 0) {
			continue;
		}
		int ascii = 1;
		for (char *q = p; *q; q++)
			if ((unsigned char)*q >= 0x80)
				ascii = 0;
		char *ace = NULL;
		const char *rule = p;
		if (!ascii) {
			if (idn2_to_ascii_8z(p, &ace, IDN2_NONTRANSITIONAL) !=
			    IDN2_OK) {
				idn2_free(ace);
				continue;
			}
			rule = ace;
		}
		rc = psl_add_rule(&vec, seed, rule, kind);
		idn2_free(ace);
		if (rc != TG_OK) {
			tg_error_set(err, rc, path, lineno, "out of memory");
			break;
		}
		psl->rules++;
	}
	if (rc == TG_OK && ferror(fp))
		rc = tg_error_set(err, TG_EIO, path, lineno, "read error");
	fclose(fp);
	if (rc == TG_OK && psl->rules == 0)
		rc = tg_error_set(err, TG_EPARSE, path, 0,
				  "no rules in Public Suffix List");
	if (rc != TG_OK) {
		free(vec.v);
		return rc;
	}
	size_t size = 1024; /* at most 3/4 full */
	while (size * 3 < vec.n * 4)
		size *= 2;
	psl->keys = calloc(size, sizeof(*psl->keys));
	psl->flags = calloc(size, 1);
	if (!psl->keys || !psl->flags) {
		free(vec.v);
		tg_psl_free(psl);
		return tg_error_set(err, TG_ENOMEM, path, 0, "out of memory");
	}
	psl->mask = size - 1;
	for (size_t i = 0; i < vec.n; i++) {
		size_t s = (size_t)vec.v[i].h & psl->mask;
		while (psl->keys[s] && psl->keys[s] != vec.v[i].h)
			s = (s + 1) & psl->mask;
		psl->keys[s] = vec.v[i].h;
		psl->flags[s] |= vec.v[i].f;
	}
	free(vec.v);
	return TG_OK;
}

void tg_psl_free(tg_psl *psl)
{
	if (!psl)
		return;
	free(psl->keys);
	free(psl->flags);
	psl->keys = NULL;
	psl->flags = NULL;
}

size_t tg_psl_memory(const tg_psl *psl)
{
	return psl->keys ? (psl->mask + 1) * (sizeof(uint64_t) + 1) : 0;
}

static uint8_t psl_get(const tg_psl *psl, uint64_t h)
{
	h |= 1;
	size_t s = (size_t)h & psl->mask;
	while (psl->keys[s]) {
		if (psl->keys[s] == h)
			return psl->flags[s];
		s = (s + 1) & psl->mask;
	}
	return 0;
}

unsigned tg_psl_suffix_labels(const tg_psl *psl, const uint64_t *sh, unsigned n)
{
	if (n == 0)
		return 0;
	unsigned ps = 1;
	uint8_t parent = 0;
	for (unsigned k = 1; k <= n; k++) {
		uint8_t f = psl_get(psl, sh[n - k]);
		if (f & TG_PSL_EXCEPT) {
			ps = k - 1;
			break;
		}
		if ((f & TG_PSL_RULE) || (k >= 2 && (parent & TG_PSL_WILD)))
			ps = k;
		if (!(f & (TG_PSL_NODE | TG_PSL_WILD)))
			break;
		parent = f;
	}
	return ps;
}
