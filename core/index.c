/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Building the immutable index from a list (layout in index_internal.h).
 *
 * The build makes three passes over the entries: the name set (every
 * protected and allowlist name, for subtree checks), the targets (distinct
 * registrable domains of the protected names, through the Public Suffix
 * List) and the key table (symmetric-delete keys over the targets' folded
 * labels).  Tables are sized once from exact counts (the key table about
 * 92 % full, grown by an eighth only if a cuckoo walk fails; the name set
 * at load 0.5), and no per-entry allocation happens.  Hash seeds are
 * drawn per build, so table collisions cannot be precomputed by an
 * attacker.
 */
#include "tg_config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "index_internal.h"
#include "list_internal.h"
#include "name_internal.h"
#include "rules_internal.h"

void tg_index_options_init(tg_index_options *opts)
{
	if (!opts)
		return;
	opts->block_threshold = TG_DEFAULT_BLOCK_THRESHOLD;
	opts->log_threshold = TG_DEFAULT_LOG_THRESHOLD;
	opts->psl_file = NULL;
	opts->builtin_infrastructure = 1;
}

extern const char *const tg_infra_builtin[];

const char *const *tg_infrastructure_builtin(size_t *count)
{
	if (count) {
		size_t n = 0;
		while (tg_infra_builtin[n])
			n++;
		*count = n;
	}
	return tg_infra_builtin;
}

static void *alloc_table(size_t bytes);
static void advise_huge(void *p, size_t bytes);

/* Bytes of the key filter (0 before build_kfilter()). */
static size_t kfilter_bytes(const tg_index *ix)
{
	return ix->kfilter ? ((size_t)1 << (64 - ix->kf_shift)) / 8 : 0;
}

/* Bytes of the deletion gate (0 before build_dgate()). */
static size_t dgate_bytes(const tg_index *ix)
{
	return ix->dgate ? ((size_t)1 << (64 - ix->dg_shift)) / 8 : 0;
}

/* Bytes of the glyph filter (0 before build_gfilter()). */
static size_t gfilter_bytes(const tg_index *ix)
{
	return ix->gfilter ? ((size_t)1 << (64 - ix->gf_shift)) / 8 : 0;
}

void tg_index_free(tg_index *ix)
{
	if (!ix)
		return;
	if (ix->slab) {
		free(ix->slab); /* everything below lives in it */
	} else {
		tg_psl_free(&ix->psl);
		tg_arena_free(&ix->arena);
		free(ix->t);
		free(ix->kfp);
		free(ix->kval);
		free(ix->post);
		free(ix->spill);
		free(ix->kfilter);
		free(ix->gfilter);
		free(ix->dgate);
		free(ix->nset);
		free(ix->rec);
	}
	tg_strtab_free(&ix->sources);
	free(ix->pairs);
	free(ix->shift_tlds);
	free(ix);
}

size_t tg_index_memory(const tg_index *ix)
{
	if (!ix)
		return 0;
	size_t m = sizeof(*ix) + ix->npairs * sizeof(*ix->pairs) +
		   ix->sources.alloc * sizeof(char *);
	for (size_t i = 0; i < ix->sources.n; i++)
		m += strlen(ix->sources.s[i]) + 1;
	if (ix->slab)
		return m + ix->slab_len;
	return m + tg_psl_memory(&ix->psl) + ix->arena.cap +
	       ix->nt * sizeof(*ix->t) +
	       ix->nbuckets * TG_BUCKET *
		   (sizeof(*ix->kfp) + sizeof(*ix->kval)) +
	       (ix->post ? (ix->npost + 1) * sizeof(*ix->post) : 0) +
	       (ix->spill ? (ix->nbuckets / 64 + 1) * sizeof(*ix->spill) : 0) +
	       kfilter_bytes(ix) + gfilter_bytes(ix) + dgate_bytes(ix) +
	       ix->nnset * sizeof(*ix->nset) + ix->nrec * sizeof(*ix->rec);
}

/* Move the read-only tables into one allocation, 2 MiB aligned and
 * advised for huge pages: a query touches a dozen places spread over
 * megabytes, and with 4 KiB pages each would also miss the TLB.  On
 * failure the separate arrays simply stay. */
static void index_compact(tg_index *ix)
{
	struct {
		void **p;
		size_t len;
	} part[] = {
	    {(void **)&ix->kfp, ix->nbuckets * TG_BUCKET * sizeof(*ix->kfp)},
	    {(void **)&ix->kval, ix->nbuckets * TG_BUCKET * sizeof(*ix->kval)},
	    {(void **)&ix->post,
	     ix->post ? (ix->npost + 1) * sizeof(*ix->post) : 0},
	    {(void **)&ix->spill,
	     ix->spill ? (ix->nbuckets / 64 + 1) * sizeof(*ix->spill) : 0},
	    {(void **)&ix->kfilter, kfilter_bytes(ix)},
	    {(void **)&ix->gfilter, gfilter_bytes(ix)},
	    {(void **)&ix->dgate, dgate_bytes(ix)},
	    {(void **)&ix->t, ix->nt * sizeof(*ix->t)},
	    {(void **)&ix->arena.data, ix->arena.len},
	    {(void **)&ix->nset, ix->nnset * sizeof(*ix->nset)},
	    {(void **)&ix->rec, ix->nrec * sizeof(*ix->rec)},
	    {(void **)&ix->psl.keys,
	     ix->psl.keys ? (ix->psl.mask + 1) * sizeof(uint64_t) : 0},
	    {(void **)&ix->psl.flags, ix->psl.keys ? ix->psl.mask + 1 : 0},
	};
	size_t n = sizeof(part) / sizeof(part[0]), total = 0;
	for (size_t i = 0; i < n; i++)
		total += (part[i].len + 63) & ~(size_t)63;
	uint8_t *slab = alloc_table(total ? total : 64);
	if (!slab)
		return;
	advise_huge(slab, total);
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		if (*part[i].p && part[i].len)
			memcpy(slab + off, *part[i].p, part[i].len);
		free(*part[i].p);
		*part[i].p = slab + off;
		off += (part[i].len + 63) & ~(size_t)63;
	}
	ix->arena.cap = ix->arena.len;
	ix->slab = slab;
	ix->slab_len = total;
}

size_t tg_index_protected_count(const tg_index *ix)
{
	return ix ? ix->nprotected : 0;
}

/* Look wire name \p w (suffix hash \p h) up in the name set: its record
 * index, or UINT32_MAX with \p *slot the empty slot where it would go. */
static uint32_t nset_probe(const struct tg_index *ix, uint64_t h,
			   const uint8_t *w, size_t len, size_t *slot)
{
	size_t s = tg_slot(h, ix->nnset);
	uint32_t fp = tg_nset_fp(h);
	for (;;) {
		uint32_t v = ix->nset[s];
		if (!v) {
			*slot = s;
			return UINT32_MAX;
		}
		if ((v & ~TG_NSET_IDX) == fp) {
			const struct tg_nrec *r = &ix->rec[v & TG_NSET_IDX];
			if (r->wire_len == len &&
			    memcmp(ix->arena.data + r->wire_off, w, len) == 0)
				return v & TG_NSET_IDX;
		}
		if (++s == ix->nnset)
			s = 0;
	}
}

const struct tg_nrec *tg_nset_find(const struct tg_index *ix, uint64_t h,
				   const uint8_t *w, size_t len)
{
	size_t s;
	if (!ix->nnset)
		return NULL;
	uint32_t i = nset_probe(ix, h, w, len, &s);
	return i == UINT32_MAX ? NULL : &ix->rec[i];
}

/* Add one name of \p kind (TG_N_*) to the name set; a name already in it
 * gains the kind (a protected entry keeps the first protected source). */
static int nset_add(tg_index *ix, const tg_name *nm, uint8_t kind, uint32_t src,
		    unsigned long line, tg_error *err)
{
	uint64_t sh[TG_MAX_LABELS + 1];
	uint32_t ln = line > UINT32_MAX ? UINT32_MAX : (uint32_t)line;
	tg_suffix_hashes(ix, nm, sh);
	if (nm->n > ix->max_labels)
		ix->max_labels = nm->n;
	ix->nset_depth[nm->n] = 1;
	size_t s;
	uint32_t at = nset_probe(ix, sh[0], nm->wire, nm->wire_len, &s);
	struct tg_nrec *found = at == UINT32_MAX ? NULL : &ix->rec[at];
	if (found) {
		if (kind == TG_N_PROT && !(found->kind & TG_N_PROT)) {
			found->src = src;
			found->line = ln;
		}
		found->kind |= kind;
		return TG_OK;
	}
	size_t off = tg_arena_add(&ix->arena, nm->wire, nm->wire_len);
	if (off == (size_t)-1)
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	struct tg_nrec *r = &ix->rec[ix->nrec];
	r->wire_off = (uint32_t)off;
	r->wire_len = (uint8_t)nm->wire_len;
	r->kind = kind;
	r->src = src;
	r->line = ln;
	ix->nset[s] = tg_nset_fp(sh[0]) | (uint32_t)ix->nrec;
	ix->nrec++;
	return TG_OK;
}

/* The name set: the list's entries, then (\p builtin) the built-in
 * infrastructure list, sourced as the last entry of ix->sources. */
static int build_nset(tg_index *ix, const tg_list *list, int builtin,
		      tg_error *err)
{
	size_t nb = 0;
	if (builtin)
		tg_infrastructure_builtin(&nb);
	size_t total = list->n + nb;
	if (total > TG_NSET_IDX)
		return tg_error_set(err, TG_ELIMIT, NULL, 0,
				    "more than %lu names in one index",
				    (unsigned long)TG_NSET_IDX);
	ix->nnset = total * 2 + 16; /* load 0.5: short probe runs */
	ix->nset = calloc(ix->nnset, sizeof(*ix->nset));
	ix->rec = malloc((total + 1) * sizeof(*ix->rec));
	if (!ix->nset || !ix->rec)
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < list->n; i++) {
		const struct tg_list_entry *en = &list->e[i];
		tg_name nm;
		if (tg_name_from_wire(&nm, list->names.data + en->wire_off,
				      en->wire_len, NULL, 0) != TG_OK)
			continue;
		uint8_t kind = en->kind == TG_LIST_PROTECTED ? TG_N_PROT
			       : en->kind == TG_LIST_ALLOW   ? TG_N_ALLOW
							     : TG_N_INFRA;
		int rc = nset_add(ix, &nm, kind, en->src, en->line, err);
		if (rc != TG_OK)
			return rc;
	}
	if (!nb)
		return TG_OK;
	size_t si;
	if (tg_strtab_add(&ix->sources, "built-in infrastructure list", &si) !=
	    TG_OK)
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	uint32_t src = (uint32_t)si;
	const char *const *b = tg_infrastructure_builtin(NULL);
	for (size_t i = 0; i < nb; i++) {
		tg_name nm;
		if (tg_name_from_text(&nm, b[i], strlen(b[i]), NULL, 0) !=
		    TG_OK)
			return tg_error_set(err, TG_ENAME, NULL, 0,
					    "built-in infrastructure entry "
					    "'%s' is not a name",
					    b[i]);
		int rc = nset_add(ix, &nm, TG_N_INFRA, src, i + 1, err);
		if (rc != TG_OK)
			return rc;
	}
	return TG_OK;
}

struct tg_dedup {
	uint32_t *slot; /* target index + 1 */
	size_t n;
};

/* Add a target unless its wire name is known; returns 1 if added, 0 if a
 * duplicate, -1 on ENOMEM. */
static int add_target(tg_index *ix, struct tg_dedup *dd, uint64_t h,
		      const uint8_t *w, size_t wlen, const char *skel,
		      size_t sl, uint8_t flags, unsigned ps,
		      const struct tg_list_entry *en)
{
	size_t s = (size_t)(h >> 20) % dd->n;
	while (dd->slot[s]) {
		struct tg_target *t = &ix->t[dd->slot[s] - 1];
		if (t->wire_len == wlen &&
		    memcmp(ix->arena.data + t->wire_off, w, wlen) == 0) {
			t->flags |= flags & (TG_T_BRAND | TG_T_TYPO);
			return 0;
		}
		if (++s == dd->n)
			s = 0;
	}
	struct tg_target *t = &ix->t[ix->nt];
	memset(t, 0, sizeof(*t));
	int plain =
	    !(flags & TG_T_SUB) && sl == w[0] && memcmp(skel, w + 1, sl) == 0;
	const struct tg_nrec *rec = plain ? tg_nset_find(ix, h, w, wlen) : NULL;
	size_t off;
	if (rec) {
		off = rec->wire_off; /* share the entry's bytes */
	} else {
		/* the wire name, followed by the skeleton if it differs */
		off = tg_arena_add(&ix->arena, w, wlen);
		if (off == (size_t)-1 ||
		    (!plain &&
		     tg_arena_add(&ix->arena, skel, sl) == (size_t)-1))
			return -1;
		if (!plain && !(flags & TG_T_SUB))
			flags |= TG_T_IDN;
	}
	t->wire_off = (uint32_t)off;
	t->wire_len = (uint8_t)wlen;
	t->skel_len = (uint8_t)sl;
	t->suf_labels = (uint8_t)ps;
	if (ps > ix->max_suf)
		ix->max_suf = ps;
	t->flags = flags;
	t->src = en->src;
	t->line = en->line > UINT32_MAX ? UINT32_MAX : (uint32_t)en->line;
	dd->slot[s] = (uint32_t)ix->nt + 1;
	ix->nt++;
	return 1;
}

/* Registrable domains of the protected entries (and, for entries below
 * one, the sub.label.suffix doppelganger targets), deduplicated. */
static int build_targets(tg_index *ix, const tg_list *list, tg_error *err)
{
	size_t cap = 2 * list->count[TG_LIST_PROTECTED] + 1;
	struct tg_dedup dd;
	dd.n = cap * 2 + 16;
	dd.slot = calloc(dd.n, sizeof(*dd.slot));
	ix->t = malloc(cap * sizeof(*ix->t));
	if (!dd.slot || !ix->t) {
		free(dd.slot);
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < list->n; i++) {
		const struct tg_list_entry *en = &list->e[i];
		if (en->kind != TG_LIST_PROTECTED)
			continue;
		tg_name nm;
		if (tg_name_from_wire(&nm, list->names.data + en->wire_off,
				      en->wire_len, NULL, 0) != TG_OK)
			continue;
		uint64_t sh[TG_MAX_LABELS + 1];
		tg_suffix_hashes(ix, &nm, sh);
		unsigned ps = tg_psl_suffix_labels(&ix->psl, sh, nm.n);
		if (ps >= nm.n)
			continue; /* a TLD / public suffix entry */
		unsigned r = nm.n - 1 - ps;
		size_t l;
		const uint8_t *lab = tg_name_label(&nm, r, &l);
		char skel[TG_FOLD_MAX];
		unsigned fl;
		int sl = tg_fold_label(lab, l, skel, &fl);
		if (sl <= 0)
			continue; /* cannot match hostname rules */
		uint8_t flags =
		    (uint8_t)((en->profiles & 1u << TG_PROFILE_BRAND
				   ? TG_T_BRAND
				   : 0) |
			      (en->profiles & 1u << TG_PROFILE_TYPO ? TG_T_TYPO
								    : 0));
		const struct tg_nrec *sr =
		    tg_nset_find(ix, sh[r + 1], nm.wire + nm.off[r + 1],
				 nm.wire_len - nm.off[r + 1]);
		if (sr && (sr->kind & TG_N_PROT))
			flags |= TG_T_TLDPROT;
		if (add_target(ix, &dd, sh[r], nm.wire + nm.off[r],
			       nm.wire_len - nm.off[r], skel, (size_t)sl, flags,
			       ps, en) < 0)
			goto nomem;
		if (r == 0)
			continue;
		/* the label left of the registrable one: wwwarmy.mil */
		size_t l2;
		const uint8_t *lab2 = tg_name_label(&nm, r - 1, &l2);
		char sub[TG_FOLD_MAX];
		int sl2 = tg_fold_label(lab2, l2, sub, &fl);
		if (sl2 <= 0 || sl2 + sl >= TG_FOLD_MAX)
			continue;
		memcpy(sub + sl2, skel, (size_t)sl);
		if (add_target(ix, &dd, sh[r - 1], nm.wire + nm.off[r - 1],
			       nm.wire_len - nm.off[r - 1], sub,
			       (size_t)(sl2 + sl), flags | TG_T_SUB, ps,
			       en) < 0)
			goto nomem;
	}
	free(dd.slot);
	return TG_OK;
nomem:
	free(dd.slot);
	return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
}

/* Single-character look-alike folds of the strong skeleton (rules.c); 0
 * means "itself". */
static inline char glyph_strong(char c)
{
	unsigned char u = (unsigned char)c;
	if (u >= 128)
		return c;
	char r = tg_rule_fold_strong[u];
	return r ? r : c;
}

/* The characters the weak skeleton's second pass treats specially (l, b,
 * m, u); every other byte is copied as it is. */
static const uint8_t glyph_step[256] = {
    ['b'] = 1, ['l'] = 1, ['m'] = 1, ['u'] = 1};

/* The characters the weak skeleton's steps after the single folds
 * remove, merge or make (TG_LT_SIG): every other one is kept, in order. */
static const uint8_t glyph_nonsig[256] = {
    ['l'] = 1, ['b'] = 1, ['m'] = 1, ['u'] = 1,
    ['c'] = 1, ['k'] = 1, ['h'] = 1, ['w'] = 1};

static size_t glyph_weak_rest(char *a, size_t na);

size_t tg_glyph_canon(const char *s, size_t m, char *out, int strong_only)
{
	if (m > TG_FOLD_MAX)
		m = TG_FOLD_MAX;
	size_t n = 0;
	if (strong_only) {
		/* 0/o, 1/i/l, then rn->m, vv->w, cl->d left to right */
		for (size_t i = 0; i < m; i++) {
			char c = glyph_strong(s[i]);
			char d = i + 1 < m ? glyph_strong(s[i + 1]) : 0;
			if ((c == 'r' && d == 'n') || (c == 'v' && d == 'v') ||
			    (c == 'c' && d == 'l')) {
				out[n++] = c == 'r'   ? 'm'
					   : c == 'v' ? 'w'
						      : 'd';
				i++;
			} else {
				out[n++] = c;
			}
		}
		return n;
	}
	/*
	 * Weak: single folds (e->c, d->b, n/r->m, ...), then
	 *  - "cl" -> b (so d, cl and el meet), and every l touching a b is
	 *    absorbed into it (dl, lb);
	 *  - runs of m collapse (m, rn, rr, nn, mm);
	 *  - "uu" -> w (vv), "lc"/"lk" -> k, "lh" -> h.
	 * Each step is one left-to-right pass; the function is only ever
	 * compared with itself, so it needs to be deterministic, not exact.
	 * The first pass writes to out; the second works in place, as it
	 * never writes past what it has read (each step writes at most as
	 * many characters as it reads), and is skipped when the first left
	 * none of l, b, m, u.
	 */
	size_t na = 0;
	unsigned st = 0;
	for (size_t i = 0; i < m; i++) {
		unsigned char c = tg_rule_fold_weak[(unsigned char)s[i]];
		if (glyph_step[c]) { /* l among them */
			st = 1;
			if (c == 'l' && na > 0 && out[na - 1] == 'c') {
				out[na - 1] = 'b';
				continue;
			}
		}
		out[na++] = (char)c;
	}
	return st ? glyph_weak_rest(out, na) : na;
}

/* The weak skeleton's second pass over the \p na characters its first
 * pass left in \p a, in place; returns the skeleton's length. */
static size_t glyph_weak_rest(char *a, size_t na)
{
	/* the steps of tg_glyph_canon()'s second pass; writes never pass
	 * what was read (each step writes at most as many characters as it
	 * reads), so the pass works in place */
	size_t n = 0, i = 0;
	while (i < na) {
		unsigned char x = (unsigned char)a[i];
		/* most characters are none of l, b, m, u: copied as they
		 * are */
		if (!glyph_step[x]) {
			a[n++] = (char)x;
			i++;
			continue;
		}
		if (x == 'm') { /* a run of m: one m */
			do
				i++;
			while (i < na && a[i] == 'm');
			a[n++] = 'm';
			continue;
		}
		if (x == 'u') { /* uu -> w */
			if (i + 1 < na && a[i + 1] == 'u') {
				a[n++] = 'w';
				i += 2;
			} else {
				a[n++] = 'u';
				i++;
			}
			continue;
		}
		/* a run of l and b: as many b as it holds, if any (each
		 * written when read: the output never passes the input) */
		size_t j = i, nb = 0;
		do {
			unsigned char y = (unsigned char)a[j];
			if (y == 'b')
				a[n + nb++] = 'b';
			else if (y != 'l')
				break;
		} while (++j < na);
		if (nb) {
			n += nb;
			i = j;
			continue;
		}
		/* only l: all but the last stay; the last with a following
		 * c or k is k, with h is h */
		while (i + 1 < j) {
			a[n++] = 'l';
			i++;
		}
		char d = j < na ? a[j] : 0;
		if (d == 'c' || d == 'k' || d == 'h') {
			a[n++] = d == 'h' ? 'h' : 'k';
			i = j + 1;
		} else {
			a[n++] = 'l';
			i = j;
		}
	}
	return n;
}

/* The tag of a target's TLD (see tg_suffix_tag()). */
static uint8_t target_tld_tag(const tg_index *ix, const struct tg_target *t)
{
	size_t len;
	const uint8_t *w = tg_target_suffix(ix, t, &len);
	tg_name nm;
	if (tg_name_from_wire(&nm, w, len, NULL, 0) != TG_OK || nm.n == 0)
		return 0;
	size_t l;
	const uint8_t *lab = tg_name_label(&nm, nm.n - 1, &l);
	return tg_suffix_tag(tg_tld_hash(ix, lab, l));
}

/* The (key, target) pairs while building, in two arrays (12 bytes a
 * pair: they are the largest thing the build holds): the key, and the
 * target id << 2 | kind. */
struct tg_kb {
	uint64_t *key;
	uint32_t *tk;
	size_t n;
};

#define TG_TK_TID(tk)  ((tk) >> 2)
#define TG_TK_KIND(tk) ((tk)&3u)

static void key_insert(struct tg_kb *kb, uint64_t key, unsigned kind,
		       size_t tid)
{
	kb->key[kb->n] = key;
	kb->tk[kb->n] = (uint32_t)tid << 2 | kind;
	kb->n++;
}

/* Tables of 2 MiB or more go on 2 MiB boundaries so that the kernel can
 * back them with huge pages (one TLB entry for many probes). */
#define TG_HUGE (2u << 20)

static void *alloc_table(size_t bytes)
{
	void *p = NULL;
	size_t align = bytes >= TG_HUGE ? TG_HUGE : 64;
	if (posix_memalign(&p, align, bytes) != 0)
		return NULL;
	return p;
}

static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	if (bytes >= TG_HUGE)
		(void)madvise(p, bytes & ~(size_t)(TG_HUGE - 1), MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

/* --- the key table: a bucketed cuckoo hash (index_internal.h) -------- */

#define TG_CU_NONE  UINT32_MAX
#define TG_CU_KICKS 500

/* Build-time state: per slot the full key and the first of its refs
 * (chained through next[]), TG_CU_NONE when empty. */
struct tg_cu {
	const uint64_t *rkey; /* per ref */
	const uint32_t *rtk;  /* per ref */
	uint32_t *next;	      /* per ref: the next ref of the same slot */
	uint64_t *key;	      /* per slot */
	uint32_t *head;	      /* per slot */
	size_t nb;
	uint64_t rng;
};

static uint64_t cu_rand(struct tg_cu *cu)
{
	cu->rng ^= cu->rng << 13;
	cu->rng ^= cu->rng >> 7;
	cu->rng ^= cu->rng << 17;
	return cu->rng;
}

/* The slot of (key, kind) if it is in the table, else TG_CU_NONE. */
static uint32_t cu_find(const struct tg_cu *cu, uint64_t key, unsigned kind)
{
	size_t b[2] = {tg_bucket1(key, cu->nb), tg_bucket2(key, cu->nb)};
	for (int j = 0; j < 2; j++)
		for (size_t s = b[j] * TG_BUCKET; s < (b[j] + 1) * TG_BUCKET;
		     s++)
			if (cu->key[s] == key && cu->head[s] != TG_CU_NONE &&
			    TG_TK_KIND(cu->rtk[cu->head[s]]) == kind)
				return (uint32_t)s;
	return TG_CU_NONE;
}

static int cu_free_slot(const struct tg_cu *cu, size_t b, size_t *slot)
{
	for (size_t s = b * TG_BUCKET; s < (b + 1) * TG_BUCKET; s++)
		if (cu->head[s] == TG_CU_NONE) {
			*slot = s;
			return 1;
		}
	return 0;
}

/* Insert a new slot content (key, head), moving others to their other
 * bucket as needed; 0 when the walk gives up (the caller grows the
 * table and starts again). */
static int cu_insert(struct tg_cu *cu, uint64_t key, uint32_t head)
{
	size_t from = SIZE_MAX;
	for (int kick = 0; kick < TG_CU_KICKS; kick++) {
		size_t b1 = tg_bucket1(key, cu->nb),
		       b2 = tg_bucket2(key, cu->nb);
		size_t s;
		if (cu_free_slot(cu, b1, &s) || cu_free_slot(cu, b2, &s)) {
			cu->key[s] = key;
			cu->head[s] = head;
			return 1;
		}
		size_t b = from == b1	       ? b2
			   : from == b2	       ? b1
			   : (cu_rand(cu) & 1) ? b2
					       : b1;
		s = b * TG_BUCKET + (size_t)(cu_rand(cu) % TG_BUCKET);
		uint64_t vk = cu->key[s];
		uint32_t vh = cu->head[s];
		cu->key[s] = key;
		cu->head[s] = head;
		key = vk;
		head = vh;
		from = b;
	}
	return 0;
}

/* Place every ref, merging refs of the same (key, kind) into one slot;
 * TG_OK, TG_ENOMEM, or TG_ELIMIT if no table size works. */
static int cu_fill(struct tg_cu *cu, size_t n, size_t *used)
{
	*used = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t key = cu->rkey[i];
		uint32_t s = cu_find(cu, key, TG_TK_KIND(cu->rtk[i]));
		if (s != TG_CU_NONE) {
			cu->next[i] = cu->head[s];
			cu->head[s] = (uint32_t)i;
			continue;
		}
		cu->next[i] = TG_CU_NONE;
		if (!cu_insert(cu, key, (uint32_t)i))
			return TG_ELIMIT;
		(*used)++;
	}
	return TG_OK;
}

static int cuckoo_build(tg_index *ix, const struct tg_kb *kb)
{
	struct tg_cu cu = {.rkey = kb->key, .rtk = kb->tk};
	size_t n = kb->n;
	size_t used = 0;
	int rc = TG_ELIMIT;
	cu.next = malloc((n + 1) * sizeof(*cu.next));
	if (!cu.next)
		return TG_ENOMEM;
	/* about 92 % full if no key is shared; once the number of distinct
	 * keys is known, once more at that size if it is much smaller; grow
	 * by 1/8 whenever a walk fails */
	size_t nb = n * 100 / (TG_BUCKET * 92) + 1;
	int resized = 0;
	for (int attempt = 0; attempt < 10; attempt++) {
		cu.nb = nb;
		free(cu.key);
		free(cu.head);
		cu.key = malloc(nb * TG_BUCKET * sizeof(*cu.key));
		cu.head = malloc(nb * TG_BUCKET * sizeof(*cu.head));
		if (!cu.key || !cu.head) {
			rc = TG_ENOMEM;
			break;
		}
		memset(cu.head, 0xFF, nb * TG_BUCKET * sizeof(*cu.head));
		memset(cu.key, 0, nb * TG_BUCKET * sizeof(*cu.key));
		cu.rng = (ix->seed ^ (uint64_t)attempt) | 1;
		rc = cu_fill(&cu, n, &used);
		if (rc == TG_OK && !resized &&
		    used * 100 < nb * TG_BUCKET * 80) {
			resized = 1;
			nb = used * 100 / (TG_BUCKET * 92) + 1;
			continue;
		}
		if (rc != TG_ELIMIT)
			break;
		nb += nb / 8 + 1;
	}
	size_t nslots = cu.nb * TG_BUCKET, npost = 0;
	if (rc == TG_OK) {
		/* keys in their second bucket whose first has room move back,
		 * then each first bucket that still has a key elsewhere is
		 * marked: only a probe of a marked bucket reads its second */
		for (size_t s = 0; s < nslots; s++) {
			if (cu.head[s] == TG_CU_NONE)
				continue;
			size_t b1 = tg_bucket1(cu.key[s], cu.nb), t;
			if (s / TG_BUCKET != b1 && cu_free_slot(&cu, b1, &t)) {
				cu.key[t] = cu.key[s];
				cu.head[t] = cu.head[s];
				cu.head[s] = TG_CU_NONE;
			}
		}
		ix->spill = calloc(cu.nb / 64 + 1, sizeof(*ix->spill));
		if (!ix->spill)
			rc = TG_ENOMEM;
	}
	if (rc == TG_OK) {
		for (size_t s = 0; s < nslots; s++) {
			if (cu.head[s] == TG_CU_NONE)
				continue;
			size_t b1 = tg_bucket1(cu.key[s], cu.nb);
			if (s / TG_BUCKET != b1)
				ix->spill[b1 / 64] |= 1ull << (b1 % 64);
		}
		/* not needed any more: free it before the tables are made */
		free(cu.key);
		cu.key = NULL;
		for (size_t s = 0; s < nslots; s++) {
			uint32_t h = cu.head[s];
			if (h == TG_CU_NONE || cu.next[h] == TG_CU_NONE)
				continue;
			npost++;
			for (; h != TG_CU_NONE; h = cu.next[h])
				npost++;
		}
		ix->kfp = alloc_table(nslots * sizeof(*ix->kfp));
		ix->kval = malloc(nslots * sizeof(*ix->kval));
		ix->post = malloc((npost + 1) * sizeof(*ix->post));
		if (!ix->kfp || !ix->kval || !ix->post)
			rc = TG_ENOMEM;
	}
	if (rc == TG_OK) {
		size_t off = 0;
		for (size_t s = 0; s < nslots; s++) {
			uint32_t h = cu.head[s];
			if (h == TG_CU_NONE) {
				ix->kfp[s] = 0;
				ix->kval[s] = 0;
				continue;
			}
			uint64_t key = kb->key[h];
			unsigned kind = TG_TK_KIND(kb->tk[h]);
			if (cu.next[h] == TG_CU_NONE) {
				ix->kfp[s] = tg_kfp_word(key, kind);
				ix->kval[s] = TG_TK_TID(kb->tk[h]);
				continue;
			}
			/* shared: the refs in build (target) order; the chain
			 * runs newest first */
			size_t cnt = 0;
			for (uint32_t j = h; j != TG_CU_NONE; j = cu.next[j])
				cnt++;
			ix->kfp[s] =
			    (uint16_t)(tg_kfp_word(key, kind) | TG_KF_MULTI);
			ix->kval[s] = (uint32_t)off;
			ix->post[off] = (uint32_t)cnt;
			size_t p = off + cnt;
			for (uint32_t j = h; j != TG_CU_NONE; j = cu.next[j])
				ix->post[p--] = TG_TK_TID(kb->tk[j]);
			off += cnt + 1;
		}
		ix->nbuckets = cu.nb;
		ix->nkeys = used;
		ix->nrefs = n;
		ix->npost = npost;
	}
	free(cu.next);
	free(cu.key);
	free(cu.head);
	return rc;
}

/* The inverse of an odd number mod 2^64 (Newton's iteration). */
static uint64_t inv_odd(uint64_t a)
{
	uint64_t x = a; /* correct to 3 bits; each step doubles them */
	for (int i = 0; i < 5; i++)
		x *= 2 - a * x;
	return x;
}

/* Set the deletion-gate bits of a key of \p len (>= 3) characters under
 * \p tag whose first len/2 characters hash to \p p0 and the rest to
 * \p p1 (tg_dgate_maybe()). */
static void dgate_set(tg_index *ix, uint64_t p0, uint64_t p1, size_t len,
		      unsigned tag)
{
	for (unsigned side = 0; side < 2; side++) {
		uint64_t b = ((tg_label_pre(ix, side ? p1 : p0, len, tag) +
			       side * 0x94D049BB133111EBULL) *
			      0xBF58476D1CE4E5B9ULL) >>
			     ix->dg_shift;
		ix->dgate[b >> 6] |= 1ULL << (b & 63);
	}
}

/* The deletion gate (tg_index.dgate) over the EXACT and DEL keys made
 * by build_keys() (\p tags: each target's TLD tag): sized in a first
 * pass, filled in a second, the halves of each key hashed from the
 * prefix hashes of its target's skeleton. */
static int build_dgate(tg_index *ix, const uint8_t *tags)
{
	size_t n = 0;
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		size_t sl = t->skel_len;
		if (t->flags & TG_T_SUB || sl < 3)
			continue;
		n += 2;
		const char *sk = tg_target_skel(ix, t);
		for (size_t d = 0; sl >= 5 && d < sl; d++)
			n += 2 * (d == 0 || sk[d] != sk[d - 1]);
	}
	unsigned lg = 9; /* at least 512 bits */
	while (lg < 40 && ((size_t)1 << lg) < n * 4)
		lg++;
	ix->dg_shift = 64 - lg;
	ix->dgate = calloc(((size_t)1 << lg) / 64, sizeof(uint64_t));
	if (!ix->dgate)
		return TG_ENOMEM;
	const uint64_t *pw = ix->pw;
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		size_t sl = t->skel_len;
		if (t->flags & TG_T_SUB || sl < 3)
			continue;
		const char *sk = tg_target_skel(ix, t);
		uint64_t P[TG_FOLD_MAX + 1];
		P[0] = 0;
		for (size_t k = 0; k < sl; k++)
			P[k + 1] = tg_addmod(tg_mulmod(P[k], ix->base),
					     (uint8_t)sk[k] + 1u);
/* hash of sk[a..b) */
#define TG_SUB(a, b) tg_submod(P[b], tg_mulmod(P[a], pw[(b) - (a)]))
		size_t hh = sl / 2;
		dgate_set(ix, P[hh], TG_SUB(hh, sl), sl,
			  tg_edit_tag(sl, tags[i]));
		if (sl < 5)
			continue;
		/* as the DEL keys: runs of equal characters once; the key
		 * without sk[d] has L = sl - 1 characters */
		size_t L = sl - 1;
		unsigned tag = tg_edit_tag(L, tags[i]);
		hh = L / 2;
		for (size_t d = 0; d < sl; d++) {
			if (d > 0 && sk[d] == sk[d - 1])
				continue;
			uint64_t p0, p1;
			if (d >= hh) {
				p0 = P[hh];
				p1 = tg_addmod(
				    tg_mulmod(TG_SUB(hh, d), pw[sl - d - 1]),
				    TG_SUB(d + 1, sl));
			} else {
				p0 = tg_addmod(tg_mulmod(P[d], pw[hh - d]),
					       TG_SUB(d + 1, hh + 1));
				p1 = TG_SUB(hh + 1, sl);
			}
			dgate_set(ix, p0, p1, L, tag);
		}
#undef TG_SUB
	}
	return TG_OK;
}

/* A zeroed bit filter of the smallest power of two of at least \p bits
 * (and 512) bits, at most 2^40; *\p shift is 64 - log2 of its size (a
 * bit index is a 64-bit hash >> shift).  NULL when out of memory. */
static uint64_t *alloc_filter(size_t bits, unsigned *shift)
{
	unsigned lg = 9;
	while (lg < 40 && ((size_t)1 << lg) < bits)
		lg++;
	*shift = 64 - lg;
	return calloc(((size_t)1 << lg) / 64, sizeof(uint64_t));
}

/* The glyph filter (tg_index.gfilter): the signature of the weak
 * skeleton of every target that has a GLYPH key, under that key's tag
 * (\p tags: each target's TLD tag). */
static int build_gfilter(tg_index *ix, const uint8_t *tags)
{
	if (!(ix->gfilter = alloc_filter(ix->nt * 16, &ix->gf_shift)))
		return TG_ENOMEM;
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		if (t->flags & TG_T_SUB)
			continue;
		char canon[TG_FOLD_MAX];
		size_t cl = tg_glyph_canon(tg_target_skel(ix, t), t->skel_len,
					   canon, 0);
		uint64_t sig = 0;
		size_t sl = 0;
		for (size_t k = 0; k < cl; k++) {
			unsigned char f = (unsigned char)canon[k];
			if (!glyph_nonsig[f]) {
				sig =
				    tg_addmod(tg_mulmod(sig, ix->base), f + 1u);
				sl++;
			}
		}
		uint64_t b = (tg_label_pre(ix, sig, sl, tags[i]) *
			      0x9FB21C651E98DF25ULL) >>
			     ix->gf_shift;
		ix->gfilter[b >> 6] |= 1ULL << (b & 63);
	}
	return TG_OK;
}

/* The key filter (tg_index.kfilter): the table holds mixed keys, the
 * filter is indexed by the value before tg_mix64(), which is undone. */
static int build_kfilter(tg_index *ix, const struct tg_kb *kb)
{
	const uint64_t i1 = inv_odd(0xff51afd7ed558ccdULL);
	const uint64_t i2 = inv_odd(0xc4ceb93fe53a87b5ULL);
	if (!(ix->kfilter = alloc_filter(kb->n * 8, &ix->kf_shift)))
		return TG_ENOMEM;
	for (size_t i = 0; i < kb->n; i++) {
		uint64_t h = kb->key[i];
		h ^= h >> 33;
		h *= i2;
		h ^= h >> 33;
		h *= i1;
		h ^= h >> 33;
		uint64_t b = (h * TG_KF_MUL) >> ix->kf_shift;
		ix->kfilter[b >> 6] |= 1ULL << (b & 63);
	}
	return TG_OK;
}

static int build_keys(tg_index *ix, tg_error *err)
{
	size_t count = 0;
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		if (t->flags & TG_T_SUB) {
			count++;
			continue;
		}
		count += 5;
		const char *sk = tg_target_skel(ix, t);
		for (size_t d = 0; t->skel_len >= 5 && d < t->skel_len; d++)
			count += d == 0 || sk[d] != sk[d - 1];
	}
	if (count >= UINT32_MAX / 2 || ix->nt >= (1u << 30))
		return tg_error_set(err, TG_ELIMIT, NULL, 0, "index too large");
	struct tg_kb kb = {0};
	kb.key = malloc((count + 1) * sizeof(*kb.key));
	kb.tk = malloc((count + 1) * sizeof(*kb.tk));
	/* combo keys once per distinct label: a combo is about the label,
	 * not the suffix, so one of its targets stands for all (a brand
	 * under 30 TLDs is one evaluation, not 30); by 64-bit hash: a
	 * collision would drop one label's combo keys, odds ~1e-10 at 100 k */
	size_t nseen = ix->nt * 2 + 16;
	uint64_t *seen = calloc(nseen, sizeof(*seen));
	/* each target's TLD tag, for the filters built after the keys */
	uint8_t *tags = malloc(ix->nt + 1);
	if (!kb.key || !kb.tk || !seen || !tags) {
		free(kb.key);
		free(kb.tk);
		free(seen);
		free(tags);
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	}
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		uint8_t ttag = target_tld_tag(ix, t);
		tags[i] = ttag;
		const char *sk = tg_target_skel(ix, t);
		size_t n = t->skel_len;
		uint64_t h = tg_poly_extend(ix, 0, sk, n);
		if (t->flags & TG_T_SUB) {
			key_insert(&kb, tg_label_key(ix, h, n, TG_UNTAGGED),
				   TG_K_CONCAT, i);
			continue;
		}
		key_insert(&kb, tg_label_key(ix, h, n, tg_edit_tag(n, ttag)),
			   TG_K_EXACT, i);
		ix->nbrand += (t->flags & TG_T_BRAND) != 0;
		int first = 0;
		if (n >= TG_RULE_COMBO_AFFIX_MIN && (t->flags & TG_T_BRAND)) {
			uint64_t lk = tg_label_key(ix, h, n, TG_HEAD) | 1;
			size_t s = tg_slot(lk, nseen);
			while (seen[s] && seen[s] != lk)
				s = s + 1 == nseen ? 0 : s + 1;
			first = !seen[s];
			seen[s] = lk;
		}
		if (first) {
			/* combos (brand profile): the label's head and tail */
			size_t k = TG_RULE_COMBO_AFFIX_MIN;
			key_insert(&kb,
				   tg_label_key(ix,
						tg_poly_extend(ix, 0, sk, k), k,
						TG_HEAD),
				   TG_K_CONCAT, i);
			key_insert(&kb,
				   tg_label_key(
				       ix, tg_poly_extend(ix, 0, sk + n - k, k),
				       k, TG_TAIL),
				   TG_K_CONCAT, i);
		}
		char canon[TG_FOLD_MAX];
		size_t cl = tg_glyph_canon(sk, n, canon, 0);
		key_insert(&kb,
			   tg_label_key(ix, tg_poly_extend(ix, 0, canon, cl),
					cl, ttag),
			   TG_K_GLYPH, i);
		/* CONCAT: label + first suffix label */
		const uint8_t *w = tg_target_wire(ix, t);
		const uint8_t *s1 = w + 1 + w[0];
		if (s1[0] && n + s1[0] < TG_FOLD_MAX) {
			uint64_t hc =
			    tg_poly_extend(ix, h, (const char *)s1 + 1, s1[0]);
			key_insert(&kb,
				   tg_label_key(ix, hc, n + s1[0], TG_UNTAGGED),
				   TG_K_CONCAT, i);
		}
		if (n < 5)
			continue;
		/* DEL: one deletion each, runs of equal characters once */
		uint64_t pre = 0;
		for (size_t d = 0; d < n; d++) {
			if (d == 0 || sk[d] != sk[d - 1]) {
				uint64_t hd = tg_poly_extend(
				    ix, pre, sk + d + 1, n - d - 1);
				key_insert(
				    &kb,
				    tg_label_key(ix, hd, n - 1,
						 tg_edit_tag(n - 1, ttag)),
				    TG_K_DEL, i);
			}
			pre = tg_poly_extend(ix, pre, sk + d, 1);
		}
	}
	free(seen);
	int rc = cuckoo_build(ix, &kb);
	if (rc == TG_OK)
		rc = build_kfilter(ix, &kb);
	if (rc == TG_OK)
		rc = build_gfilter(ix, tags);
	if (rc == TG_OK)
		rc = build_dgate(ix, tags);
	free(tags);
	free(kb.key);
	free(kb.tk);
	if (rc != TG_OK)
		return tg_error_set(err, rc, NULL, 0,
				    rc == TG_ENOMEM ? "out of memory"
						    : "index too large");
	return TG_OK;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The TLDs left behind when the first one or two letters of a protected
 * single-label suffix move before the dot (see tg_index.shift_tlds).
 * Nearly all of the 2 per target are repeats (most targets share a few
 * TLDs): they are dropped through a hash set as they come, and only the
 * distinct ones sorted (sorting all of them took a tenth of a 100 k
 * build). */
static int build_shift_tlds(tg_index *ix, tg_error *err)
{
	size_t cap = 2 * ix->nt + 1, nset = 64;
	while (nset < 2 * cap)
		nset *= 2;
	ix->shift_tlds = malloc(cap * sizeof(uint64_t));
	uint64_t *set = calloc(nset, sizeof(uint64_t)); /* 0: empty */
	if (!ix->shift_tlds || !set) {
		free(set);
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	}
	size_t n = 0;
	int zero = 0; /* the hash 0, which the set cannot hold, was seen */
	for (size_t i = 0; i < ix->nt; i++) {
		const struct tg_target *t = &ix->t[i];
		if (t->suf_labels != 1 || (t->flags & TG_T_SUB))
			continue;
		size_t len;
		const uint8_t *s = tg_target_suffix(ix, t, &len);
		for (size_t j = 1; j <= 2 && j < s[0]; j++) {
			uint64_t h = tg_tld_hash(ix, s + 1 + j, s[0] - j);
			if (h == 0) {
				if (!zero)
					ix->shift_tlds[n++] = h;
				zero = 1;
				continue;
			}
			size_t k = (size_t)(tg_mix64(h) & (nset - 1));
			while (set[k] != 0 && set[k] != h)
				k = (k + 1) & (nset - 1);
			if (set[k] == 0) {
				set[k] = h;
				ix->shift_tlds[n++] = h;
			}
		}
	}
	free(set);
	qsort(ix->shift_tlds, n, sizeof(uint64_t), cmp_u64);
	ix->nshift_tlds = n;
	for (size_t i = 0; i < n; i++)
		ix->shift_bits[(ix->shift_tlds[i] >> 6) &
			       (TG_SHIFT_WORDS - 1)] |=
		    1ULL << (ix->shift_tlds[i] & 63);
	return TG_OK;
}

static int build_pairs(tg_index *ix, const tg_list *list, tg_error *err)
{
	size_t nb = tg_rule_npairs;
	ix->pairs = calloc(nb + list->npairs, sizeof(*ix->pairs));
	if (!ix->pairs)
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < nb; i++) {
		struct tg_index_pair *p = &ix->pairs[ix->npairs++];
		snprintf(p->prot, sizeof(p->prot), "%s", tg_rule_pairs[i].prot);
		snprintf(p->conf, sizeof(p->conf), "%s", tg_rule_pairs[i].conf);
		p->plen = (uint8_t)strlen(p->prot);
		p->clen = (uint8_t)strlen(p->conf);
		p->strong = tg_rule_pairs[i].strong;
	}
	for (size_t i = 0; i < list->npairs; i++) {
		/* an operator pair overrides a weak built-in one */
		struct tg_index_pair *p = NULL;
		for (size_t k = 0; k < ix->npairs; k++)
			if (!strcmp(ix->pairs[k].prot, list->pairs[i].prot) &&
			    !strcmp(ix->pairs[k].conf, list->pairs[i].conf))
				p = &ix->pairs[k];
		if (!p) {
			p = &ix->pairs[ix->npairs++];
			memcpy(p->prot, list->pairs[i].prot, sizeof(p->prot));
			memcpy(p->conf, list->pairs[i].conf, sizeof(p->conf));
			p->plen = (uint8_t)strlen(p->prot);
			p->clen = (uint8_t)strlen(p->conf);
		}
		p->strong = 1;
	}
	return TG_OK;
}

/** Serial of the last index built (tg_index.serial). */
static _Atomic uint64_t index_serials;

/* The scorer's per-byte tables (label_tab, restricted3). */
static void label_tables(tg_index *ix)
{
	for (unsigned u = 0; u < 256; u++) {
		unsigned char f = tg_rule_fold_weak[u];
		if (tg_fold_ldh((uint8_t)u))
			ix->label_tab[u] =
			    (uint16_t)(f | TG_LT_LDH |
				       (glyph_nonsig[f] ? 0u : TG_LT_SIG) |
				       (u == '-' ? TG_LT_HYPHEN : 0u));
	}
	for (size_t i = 0; i < 4; i++)
		ix->restricted3[i] = UINT32_MAX;
	for (size_t i = 0; i < tg_rule_nrestricted &&
			   i < sizeof(ix->restricted3) / sizeof(uint32_t);
	     i++) {
		/* the three bytes the scorer's memcmp() compared */
		const unsigned char *r =
		    (const unsigned char *)tg_rule_restricted[i];
		if (strlen(tg_rule_restricted[i]) >= 2)
			ix->restricted3[ix->nrestricted3++] =
			    (uint32_t)r[0] | (uint32_t)r[1] << 8 |
			    (uint32_t)r[2] << 16;
	}
}

static uint64_t random_seed(void)
{
	uint64_t s = 0;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^
		    (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&s;
	}
	return s;
}

int tg_index_build(const tg_list *list, const tg_index_options *opts,
		   tg_index **out, tg_error *err)
{
	if (!list || !out)
		return tg_error_set(err, TG_EINVAL, NULL, 0,
				    "invalid argument");
	tg_index_options def;
	if (!opts) {
		tg_index_options_init(&def);
		opts = &def;
	}
	if (opts->block_threshold < 0 || opts->block_threshold > 100 ||
	    opts->log_threshold < 0 || opts->log_threshold > 100 ||
	    opts->log_threshold > opts->block_threshold)
		return tg_error_set(err, TG_EINVAL, NULL, 0,
				    "thresholds must satisfy 0 <= log (%d) <= "
				    "block (%d) <= 100",
				    opts->log_threshold, opts->block_threshold);
	tg_rules_init();
	tg_index *ix = calloc(1, sizeof(*ix));
	if (!ix)
		return tg_error_set(err, TG_ENOMEM, NULL, 0, "out of memory");
	label_tables(ix);
	ix->block_threshold = opts->block_threshold;
	ix->log_threshold = opts->log_threshold;
	ix->seed = random_seed();
	ix->serial = atomic_fetch_add(&index_serials, 1) + 1;
	ix->base = tg_mix64(ix->seed ^ 0x5bd1e995) | 0x101; /* odd, > 256 */
	ix->pw[0] = 1;
	for (size_t i = 1; i < sizeof(ix->pw) / sizeof(ix->pw[0]); i++)
		ix->pw[i] = tg_mulmod(ix->pw[i - 1], ix->base);
	int rc = tg_psl_load(&ix->psl, opts->psl_file, ix->seed, err);
	if (rc != TG_OK)
		goto fail;
	/* the list's sources at the same indices, and one more */
	tg_strtab_init(&ix->sources, list->sources.n + 1);
	for (size_t i = 0; i < list->sources.n; i++) {
		if (tg_strtab_add(&ix->sources, list->sources.s[i], NULL) !=
		    TG_OK) {
			rc = tg_error_set(err, TG_ENOMEM, NULL, 0,
					  "out of memory");
			goto fail;
		}
	}
	ix->nprotected = list->count[TG_LIST_PROTECTED];
	if ((rc = build_pairs(ix, list, err)) == TG_OK) {
		for (size_t i = 0; i < ix->npairs; i++) {
			struct tg_index_pair *p = &ix->pairs[i];
			p->prot_tag = tg_suffix_tag(
			    tg_tld_hash(ix, (const uint8_t *)p->prot, p->plen));
			p->conf_hash =
			    tg_tld_hash(ix, (const uint8_t *)p->conf, p->clen);
			ix->pair_conf_bits[(p->conf_hash >> 6) & 15] |=
			    1ULL << (p->conf_hash & 63);
		}
	}
	if (rc != TG_OK ||
	    (rc = build_nset(ix, list, opts->builtin_infrastructure, err)) !=
		TG_OK ||
	    (rc = build_targets(ix, list, err)) != TG_OK ||
	    (rc = build_keys(ix, err)) != TG_OK ||
	    (rc = build_shift_tlds(ix, err)) != TG_OK)
		goto fail;
	index_compact(ix);
	*out = ix;
	return TG_OK;
fail:
	tg_index_free(ix);
	return rc;
}
