/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * bench_score: microbenchmark of the scorer against its targets (issue 3).
 *
 * Protected sets of 1 k, 10 k and 100 k names come from real lists in
 * ../shared/data: every .gov domain, the .mil hostnames, the UK public
 * sector domains, the US federal non-.gov names and the webmail providers,
 * then the even-ranked Tranco names, and finally, to reach 100 k, names
 * synthesised deterministically from even-ranked Tranco labels under other
 * TLDs.  The 100 k pool is shuffled with a fixed seed; the 1 k and 10 k sets
 * are its prefixes, so every set contains the names the lookalikes imitate.
 *
 * One query stream (default 2^20 names) is built once: 20 % lookalikes of
 * the 1 k prefix (omission, addition, transposition, replacement, TLD swap,
 * hyphen for dot, embedding), 10 % protected names or their subdomains,
 * 70 % odd-ranked (never protected) Tranco names, some with a www./mail.
 * prefix.  Each round scores the whole stream once per size, sizes
 * interleaved (1k 10k 100k 1k 10k 100k ...) because the machine is noisy;
 * the median over rounds (default 9) is reported.  A naive linear scan
 * (normalise, then an edit-distance-1 test against every protected name) is
 * timed in the same rounds over a small sample of the stream and extrapolated;
 * it is labelled as such.
 *
 * Targets: <= 500 ns/name at 100 k, <= 1.3x between 1 k and 100 k,
 * <= 200 bytes of index per protected name, 100 k names loaded and indexed
 * in <= 1 s.  Each is printed as PASS or MISS; the exit status is 0 unless
 * the benchmark itself fails (77 without data).  `make bench` runs it; it is
 * not a test.
 */
#include "tg_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "typoguard.h"

#define BENCH_SIZES	 3
#define BENCH_MAX_NAME	 253
#define BENCH_BUILD_REPS 3

static const size_t bench_sizes[BENCH_SIZES] = {1000, 10000, 100000};
static const char *const bench_size_names[BENCH_SIZES] = {"1k", "10k", "100k"};
/** Queries of the naive scan per round, per size (time-boxed sample). */
static const size_t bench_naive_sample[BENCH_SIZES] = {2048, 256, 32};

/* ----------------------------------------------------------- helpers */

static void *bench_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "bench_score: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

static double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/** xorshift64*: deterministic across runs and machines. */
static uint64_t bench_rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t bench_rand(void)
{
	uint64_t x = bench_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	bench_rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double bench_median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* ------------------------------------------------------- name arrays */

/** A growable array of strings in one arena. */
typedef struct bench_names {
	char *arena;
	size_t used, cap;
	size_t *off;
	size_t n, ncap;
} bench_names;

static void bench_names_add(bench_names *a, const char *s, size_t len)
{
	if (a->used + len + 1 > a->cap) {
		a->cap = (a->cap + len + 1) * 2;
		a->arena = realloc(a->arena, a->cap);
		if (a->arena == NULL) {
			fprintf(stderr, "bench_score: out of memory\n");
			exit(1);
		}
	}
	if (a->n == a->ncap) {
		a->ncap = a->ncap ? a->ncap * 2 : 1024;
		a->off = realloc(a->off, a->ncap * sizeof(*a->off));
		if (a->off == NULL) {
			fprintf(stderr, "bench_score: out of memory\n");
			exit(1);
		}
	}
	memcpy(a->arena + a->used, s, len);
	a->arena[a->used + len] = '\0';
	a->off[a->n++] = a->used;
	a->used += len + 1;
}

static const char *bench_name(const bench_names *a, size_t i)
{
	return a->arena + a->off[i];
}

static void bench_names_free(bench_names *a)
{
	free(a->arena);
	free(a->off);
	memset(a, 0, sizeof(*a));
}

/**
 * Open-addressing set over the names of one bench_names (slots hold an
 * index + 1, 0 is empty), for deduplication while pooling.
 */
typedef struct bench_set {
	size_t *slot;
	size_t cap, n;
} bench_set;

static uint64_t bench_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static size_t *bench_set_find(const bench_set *set, const bench_names *a,
			      const char *s)
{
	size_t i;

	for (i = bench_hash(s) & (set->cap - 1); set->slot[i] != 0;
	     i = (i + 1) & (set->cap - 1))
		if (strcmp(bench_name(a, set->slot[i] - 1), s) == 0)
			break;
	return &set->slot[i];
}

/** Append \p s to \p a unless already there; returns 1 if added. */
static int bench_pool_add(bench_names *a, bench_set *set, const char *s)
{
	size_t *slot;

	if ((set->n + 1) * 2 > set->cap) {
		size_t j;

		free(set->slot);
		set->cap = set->cap ? set->cap * 2 : (size_t)1 << 16;
		set->slot = calloc(set->cap, sizeof(*set->slot));
		if (set->slot == NULL) {
			fprintf(stderr, "bench_score: out of memory\n");
			exit(1);
		}
		for (j = 0; j < a->n; j++)
			*bench_set_find(set, a, bench_name(a, j)) = j + 1;
	}
	slot = bench_set_find(set, a, s);
	if (*slot != 0)
		return 0;
	bench_names_add(a, s, strlen(s));
	*slot = a->n;
	set->n++;
	return 1;
}

/* ---------------------------------------------------------- data files */

/**
 * Read column \p col (0-based, separator \p sep) of a data file (gzip if
 * it ends in .gz), skipping the header line; names are lowercased and
 * wildcard prefixes ("*.") dropped.  Exits 77 if the file is missing.
 */
static void bench_read_column(const char *dir, const char *file, int col,
			      char sep, bench_names *out)
{
	char path[4096], cmd[4200], line[4096];
	size_t plen;
	FILE *fp;
	int gz, lineno = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fp = fopen(path, "r");
	if (fp == NULL) {
		printf("SKIP: %s: %s\n", path, strerror(errno));
		exit(77);
	}
	plen = strlen(path);
	gz = plen > 3 && strcmp(path + plen - 3, ".gz") == 0;
	if (gz) {
		fclose(fp);
		if (strchr(path, '\'') != NULL) {
			fprintf(stderr, "bench_score: %s: quote in path\n",
				path);
			exit(1);
		}
		snprintf(cmd, sizeof(cmd), "gzip -dc '%s'", path);
		fp = popen(cmd, "r");
		if (fp == NULL) {
			fprintf(stderr, "bench_score: %s: cannot run gzip\n",
				path);
			exit(1);
		}
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *s = line, *e;
		int c;

		if (lineno++ == 0)
			continue; /* header */
		for (c = 0; c < col && s != NULL; c++) {
			s = strchr(s, sep);
			if (s != NULL)
				s++;
		}
		if (s == NULL)
			continue;
		for (e = s; *e && *e != sep && *e != '\n' && *e != '\r'; e++)
			*e = (char)tolower((unsigned char)*e);
		if (s[0] == '*' && s[1] == '.')
			s += 2;
		if (e > s && e - s <= BENCH_MAX_NAME && !memchr(s, '*', e - s))
			bench_names_add(out, s, (size_t)(e - s));
	}
	if (gz) {
		if (pclose(fp) != 0) {
			fprintf(stderr, "bench_score: %s: gzip failed\n", path);
			exit(1);
		}
	} else {
		fclose(fp);
	}
}

/* --------------------------------------------------- the naive scanner */

/** Optimal-string-alignment distance of a and b is at most 1. */
static int bench_dist_le1(const char *a, size_t la, const char *b, size_t lb)
{
	size_t i = 0;

	if (la > lb + 1 || lb > la + 1)
		return 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (i == la && i == lb)
		return 1;
	if (la == lb) {
		if (strcmp(a + i + 1, b + i + 1) == 0)
			return 1; /* substitution */
		return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		       strcmp(a + i + 2, b + i + 2) == 0; /* transposition */
	}
	if (la > lb)
		return strcmp(a + i + 1, b + i) == 0;
	return strcmp(a + i, b + i + 1) == 0;
}

/**
 * The baseline a list-size-dependent implementation would be: normalise,
 * then compare against every protected name (exact/subdomain, or edit
 * distance 1 of the whole name).  Returns 2 match, 1 protected, 0 none.
 */
static int bench_naive(const char *const *prot, const size_t *plen, size_t n,
		       const char *query)
{
	char q[BENCH_MAX_NAME + 2];
	size_t ql = 0, i;

	while (query[ql] && ql <= BENCH_MAX_NAME) {
		q[ql] = (char)tolower((unsigned char)query[ql]);
		ql++;
	}
	if (ql > 0 && q[ql - 1] == '.')
		ql--;
	q[ql] = '\0';
	for (i = 0; i < n; i++) {
		size_t pl = plen[i];

		if (ql >= pl && memcmp(q + ql - pl, prot[i], pl) == 0 &&
		    (ql == pl || q[ql - pl - 1] == '.'))
			return 1;
	}
	for (i = 0; i < n; i++)
		if (bench_dist_le1(q, ql, prot[i], plen[i]))
			return 2;
	return 0;
}

/* ------------------------------------------------------- stream making */

static const char *bench_alpha = "abcdefghijklmnopqrstuvwxyz";

/** Write a lookalike of \p p into \p out (one of seven typo classes). */
static void bench_lookalike(const char *p, char *out, size_t cap)
{
	size_t len = strlen(p);
	const char *dot = strchr(p, '.');
	const char *tld = strrchr(p, '.');
	size_t l1 = dot ? (size_t)(dot - p) : len; /* first label */
	size_t k = l1 > 1 ? bench_rand() % (l1 - 1) : 0;

	switch (bench_rand() % 7) {
	case 0: /* omission */
		snprintf(out, cap, "%.*s%s", (int)k, p, p + k + 1);
		break;
	case 1: /* addition */
		snprintf(out, cap, "%.*s%c%s", (int)l1, p,
			 bench_alpha[bench_rand() % 26], p + l1);
		break;
	case 2: /* transposition */
		snprintf(out, cap, "%s", p);
		if (l1 >= 2) {
			char t = out[k];

			out[k] = out[k + 1];
			out[k + 1] = t;
		}
		break;
	case 3: /* replacement */
		snprintf(out, cap, "%s", p);
		out[k] = bench_alpha[bench_rand() % 26];
		break;
	case 4: /* TLD swap: drop the TLD's second letter */
		if (tld != NULL && strlen(tld) >= 3)
			snprintf(out, cap, "%.*s%c%s", (int)(tld - p + 2), p,
				 tld[1], tld + 3);
		else
			snprintf(out, cap, "%s.co", p);
		break;
	case 5: /* hyphen for dot */
		snprintf(out, cap, "%s", p);
		if (tld != NULL)
			out[tld - p] = '-';
		strncat(out, ".com", cap - strlen(out) - 1);
		break;
	default: /* embedding */
		snprintf(out, cap, "%s.ml", p);
		break;
	}
}

/* ---------------------------------------------------------------- main */

typedef struct bench_size {
	tg_index *idx;
	size_t count;  /**< tg_index_protected_count */
	size_t memory; /**< tg_index_memory */
	double build[BENCH_BUILD_REPS];
	double *ns;    /**< per round, indexed */
	double *naive; /**< per round, naive sample */
	unsigned long verdicts[3];
} bench_size;

static tg_index *bench_build(const bench_names *pool, size_t n, double *seconds,
			     size_t *rejected)
{
	tg_list *list;
	tg_index *idx = NULL;
	tg_error err;
	double t0 = bench_now();
	size_t i;

	*rejected = 0;
	list = tg_list_create();
	if (list == NULL) {
		fprintf(stderr, "bench_score: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++)
		if (tg_list_add(list, TG_LIST_PROTECTED, bench_name(pool, i),
				"bench", i + 1, &err) != TG_OK)
			(*rejected)++;
	if (tg_index_build(list, NULL, &idx, &err) != TG_OK) {
		char buf[1024];

		fprintf(stderr, "bench_score: index build failed: %s\n",
			tg_error_format(&err, buf, sizeof(buf)));
		exit(1);
	}
	*seconds = bench_now() - t0;
	tg_list_free(list);
	return idx;
}

/**
 * Time loading the first \p n names of \p pool from a list file (written to
 * a temporary file first) and building the index: what a resolver does at
 * start and reload.  Returns seconds, or -1 if the file cannot be written.
 */
static double bench_build_from_file(const bench_names *pool, size_t n)
{
	char path[] = "/tmp/tg-bench-XXXXXX";
	tg_list *list;
	tg_index *idx = NULL;
	tg_error err;
	double t0, t;
	size_t i;
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (fp == NULL)
		return -1;
	fputs("# bench_score protected names\n", fp);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", bench_name(pool, i));
	if (fclose(fp) != 0) {
		unlink(path);
		return -1;
	}
	t0 = bench_now();
	list = tg_list_create();
	if (list == NULL ||
	    tg_list_load_file(list, TG_LIST_PROTECTED, path, &err) != TG_OK ||
	    tg_index_build(list, NULL, &idx, &err) != TG_OK) {
		char buf[1024];

		fprintf(stderr, "bench_score: loading %s: %s\n", path,
			tg_error_format(&err, buf, sizeof(buf)));
		unlink(path);
		exit(1);
	}
	t = bench_now() - t0;
	tg_index_free(idx);
	tg_list_free(list);
	unlink(path);
	return t;
}

static void bench_usage(void)
{
	fprintf(stderr, "usage: bench_score [--data-dir DIR] [--rounds N] "
			"[--stream N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = getenv("TG_DATA_DIR");
	size_t rounds = 9, nstream = (size_t)1 << 20;
	bench_names pool = {0}, tranco = {0}, stream = {0}, tmp = {0};
	bench_set seen = {0};
	bench_size sz[BENCH_SIZES];
	const char **prot;
	size_t *plen;
	size_t i, r, s, n_real, rejected = 0;
	unsigned long mix[3] = {0, 0, 0};
	unsigned char *kinds;
	int misses = 0;

	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < (size_t)argc)
			dir = argv[++i];
		else if (strcmp(argv[i], "--rounds") == 0 &&
			 i + 1 < (size_t)argc)
			rounds = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--stream") == 0 &&
			 i + 1 < (size_t)argc)
			nstream = strtoul(argv[++i], NULL, 10);
		else
			bench_usage();
	}
	if (dir == NULL)
		dir = "../shared/data";
	if (rounds < 1 || rounds > 1000 || nstream < 1000 ||
	    nstream > ((size_t)1 << 26))
		bench_usage();

	/* --- the protected pool: real names first */
	bench_read_column(dir, "us_gov_domains.csv.gz", 0, ',', &tmp);
	bench_read_column(dir, "us_mil_hostnames.csv.gz", 0, ',', &tmp);
	bench_read_column(dir, "uk_gov_domains.tsv.gz", 0, '\t', &tmp);
	bench_read_column(dir, "us_federal_non_gov_domains.csv", 0, ',', &tmp);
	bench_read_column(dir, "email_provider_domains.tsv", 0, '\t', &tmp);
	bench_read_column(dir, "tranco_top100k.csv.gz", 1, ',', &tranco);
	for (i = 0; i < tranco.n; i += 2)
		bench_names_add(&tmp, bench_name(&tranco, i),
				strlen(bench_name(&tranco, i)));
	for (i = 0; i < tmp.n && pool.n < bench_sizes[BENCH_SIZES - 1]; i++)
		bench_pool_add(&pool, &seen, bench_name(&tmp, i));
	n_real = pool.n;
	/* --- synthesise the rest: even Tranco labels under other TLDs */
	{
		static const char *const tlds[] = {"net",   "org", "de",  "io",
						   "co.uk", "fr",  "info"};
		size_t t;

		for (t = 0; t < sizeof(tlds) / sizeof(tlds[0]); t++) {
			for (i = 0; i < tranco.n &&
				    pool.n < bench_sizes[BENCH_SIZES - 1];
			     i += 2) {
				const char *nm = bench_name(&tranco, i);
				const char *d = strchr(nm, '.');
				char buf[300];

				if (d == NULL)
					continue;
				snprintf(buf, sizeof(buf), "%.*s.%s",
					 (int)(d - nm), nm, tlds[t]);
				bench_pool_add(&pool, &seen, buf);
			}
		}
	}
	free(seen.slot);
	if (pool.n < bench_sizes[BENCH_SIZES - 1]) {
		fprintf(stderr, "bench_score: only %zu names in the pool\n",
			pool.n);
		return 1;
	}
	/* --- deterministic shuffle (Fisher-Yates over the offsets) */
	for (i = pool.n - 1; i > 0; i--) {
		size_t j = bench_rand() % (i + 1), t = pool.off[i];

		pool.off[i] = pool.off[j];
		pool.off[j] = t;
	}

	/* --- the query stream */
	kinds = bench_xmalloc(nstream);
	for (i = 0; i < nstream; i++) {
		uint64_t kind = bench_rand() % 10;
		char buf[600];

		if (kind < 2) {
			bench_lookalike(bench_name(&pool, bench_rand() % 1000),
					buf, sizeof(buf));
			mix[0]++;
			kinds[i] = 0;
		} else if (kind < 3) {
			const char *p = bench_name(&pool, bench_rand() % 1000);

			snprintf(buf, sizeof(buf), "%s%s",
				 bench_rand() % 2 ? "www." : "", p);
			mix[1]++;
			kinds[i] = 1;
		} else {
			uint64_t x = bench_rand();
			const char *t =
			    bench_name(&tranco, (x % (tranco.n / 2)) * 2 + 1);

			snprintf(buf, sizeof(buf), "%s%s",
				 (x >> 32) % 4 == 0   ? "www."
				 : (x >> 32) % 4 == 1 ? "mail."
						      : "",
				 t);
			mix[2]++;
			kinds[i] = 2;
		}
		bench_names_add(&stream, buf, strlen(buf));
	}

	printf("typoguard scorer benchmark (%s)\n", PACKAGE_STRING);
	printf("protected pool: %zu names (%zu real from %s, %zu synthesised "
	       "from Tranco labels)\n",
	       pool.n, n_real, dir, pool.n - n_real);
	printf("stream: %zu names: %lu lookalikes, %lu protected/subdomain, "
	       "%lu unrelated Tranco; %zu rounds, sizes interleaved\n\n",
	       stream.n, mix[0], mix[1], mix[2], rounds);

	/* --- build: interleaved repetitions, keep the last index */
	memset(sz, 0, sizeof(sz));
	for (r = 0; r < BENCH_BUILD_REPS; r++) {
		for (s = 0; s < BENCH_SIZES; s++) {
			tg_index_free(sz[s].idx);
			sz[s].idx = bench_build(&pool, bench_sizes[s],
						&sz[s].build[r], &rejected);
		}
	}
	if (rejected != 0)
		printf("note: tg_list_add rejected %zu of the 100k names\n",
		       rejected);
	prot = bench_xmalloc(pool.n * sizeof(*prot));
	plen = bench_xmalloc(pool.n * sizeof(*plen));
	for (i = 0; i < pool.n; i++) {
		prot[i] = bench_name(&pool, i);
		plen[i] = strlen(prot[i]);
	}
	for (s = 0; s < BENCH_SIZES; s++) {
		sz[s].count = tg_index_protected_count(sz[s].idx);
		sz[s].memory = tg_index_memory(sz[s].idx);
		sz[s].ns = bench_xmalloc(rounds * sizeof(double));
		sz[s].naive = bench_xmalloc(rounds * sizeof(double));
	}

	/* --- rounds: A B C A B C ... */
	for (r = 0; r < rounds; r++) {
		for (s = 0; s < BENCH_SIZES; s++) {
			unsigned long v[3] = {0, 0, 0};
			volatile int sink = 0;
			double t0, t1;
			size_t k;

			t0 = bench_now();
			for (i = 0; i < stream.n; i++) {
				tg_result res;

				if (tg_score_name(sz[s].idx,
						  bench_name(&stream, i),
						  &res) == TG_OK)
					v[res.verdict]++;
			}
			t1 = bench_now();
			sz[s].ns[r] = (t1 - t0) * 1e9 / (double)stream.n;
			memcpy(sz[s].verdicts, v, sizeof(v));

			k = bench_naive_sample[s] < stream.n
				? bench_naive_sample[s]
				: stream.n;
			t0 = bench_now();
			for (i = 0; i < k; i++)
				sink += bench_naive(prot, plen, bench_sizes[s],
						    bench_name(&stream, i));
			t1 = bench_now();
			sz[s].naive[r] = (t1 - t0) * 1e9 / (double)k;
			(void)sink;
		}
		fprintf(stderr, "round %zu/%zu done\n", r + 1, rounds);
	}

	/* --- report */
	printf("%-5s %9s %10s %9s %12s %13s %10s %9s | %16s %9s\n", "size",
	       "protected", "build ms", "B/name", "ns/name med", "min..max",
	       "block", "log", "naive ns/name*", "speed-up");
	{
		double med[BENCH_SIZES], naive_med[BENCH_SIZES];
		double build100k, ratio, bpn;

		for (s = 0; s < BENCH_SIZES; s++) {
			double lo = 1e300, hi = 0, b;

			for (r = 0; r < rounds; r++) {
				lo = sz[s].ns[r] < lo ? sz[s].ns[r] : lo;
				hi = sz[s].ns[r] > hi ? sz[s].ns[r] : hi;
			}
			med[s] = bench_median(sz[s].ns, rounds);
			naive_med[s] = bench_median(sz[s].naive, rounds);
			b = bench_median(sz[s].build, BENCH_BUILD_REPS);
			printf("%-5s %9zu %10.1f %9.1f %12.0f %6.0f..%-6.0f "
			       "%10lu %9lu | %16.0f %8.1fx\n",
			       bench_size_names[s], sz[s].count, b * 1e3,
			       sz[s].count
				   ? (double)sz[s].memory / (double)sz[s].count
				   : 0.0,
			       med[s], lo, hi, sz[s].verdicts[2],
			       sz[s].verdicts[1], naive_med[s],
			       naive_med[s] / med[s]);
		}
		printf("* naive linear scan (normalise, then suffix and "
		       "edit-distance-1 test against every\n  protected name), "
		       "timed on the first %zu/%zu/%zu stream names per "
		       "round and\n  extrapolated: the full stream would take "
		       "%.1f s / %.1f s / %.1f s (indexed: %.2f s).\n\n",
		       bench_naive_sample[0], bench_naive_sample[1],
		       bench_naive_sample[2], naive_med[0] * stream.n * 1e-9,
		       naive_med[1] * stream.n * 1e-9,
		       naive_med[2] * stream.n * 1e-9,
		       med[2] * stream.n * 1e-9);
		build100k = bench_median(sz[2].build, BENCH_BUILD_REPS);
		ratio = med[2] / med[0];
		bpn = sz[2].count ? (double)sz[2].memory / (double)sz[2].count
				  : 0.0;
		misses += med[2] > 500;
		printf("%-4s median %.0f ns/name at 100k (target <= 500)\n",
		       med[2] <= 500 ? "PASS" : "MISS", med[2]);
		misses += ratio > 1.3;
		printf("%-4s 100k/1k ratio %.2f (target <= 1.30)\n",
		       ratio <= 1.3 ? "PASS" : "MISS", ratio);
		misses += bpn > 200;
		printf("%-4s %.1f bytes of index per protected name at 100k "
		       "(%zu bytes; target <= 200)\n",
		       bpn <= 200 ? "PASS" : "MISS", bpn, sz[2].memory);
		{
			double f[BENCH_BUILD_REPS], file100k;

			for (r = 0; r < BENCH_BUILD_REPS; r++)
				f[r] = bench_build_from_file(&pool, pool.n);
			file100k = bench_median(f, BENCH_BUILD_REPS);
			if (file100k > build100k)
				build100k = file100k;
			printf("     100k: tg_list_add + build %.3f s, list "
			       "file + build %.3f s\n",
			       bench_median(sz[2].build, BENCH_BUILD_REPS),
			       file100k);
		}
		misses += build100k > 1.0;
		printf("%-4s 100k names loaded and indexed in %.3f s, median "
		       "of %d, slower of the two (target <= 1 s)\n",
		       build100k <= 1.0 ? "PASS" : "MISS", build100k,
		       BENCH_BUILD_REPS);
	}
	printf("%d of 4 targets missed\n", misses);

	/* --- where the time goes: one extra pass per size and kind */
	printf("\nns/name by kind of query (one extra pass, for diagnosis):\n"
	       "%-5s %12s %12s %12s\n",
	       "size", "lookalike", "protected", "unrelated");
	for (s = 0; s < BENCH_SIZES; s++) {
		double t[3] = {0, 0, 0};
		unsigned kind;

		for (kind = 0; kind < 3; kind++) {
			double t0 = bench_now();

			for (i = 0; i < stream.n; i++) {
				tg_result res;

				if (kinds[i] == kind)
					(void)tg_score_name(
					    sz[s].idx, bench_name(&stream, i),
					    &res);
			}
			t[kind] = (bench_now() - t0) * 1e9 /
				  (double)(mix[kind] ? mix[kind] : 1);
		}
		printf("%-5s %12.0f %12.0f %12.0f\n", bench_size_names[s], t[0],
		       t[1], t[2]);
	}
	free(kinds);

	for (s = 0; s < BENCH_SIZES; s++) {
		tg_index_free(sz[s].idx);
		free(sz[s].ns);
		free(sz[s].naive);
	}
	free(prot);
	free(plen);
	bench_names_free(&pool);
	bench_names_free(&tranco);
	bench_names_free(&stream);
	bench_names_free(&tmp);
	return 0;
}
