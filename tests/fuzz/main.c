/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Plain driver for the fuzz targets, as in Knot's tests-fuzz/main.c: runs
 * LLVMFuzzerTestOneInput() once on every file given on the command line
 * (a directory: every regular file in it, sorted).  Without arguments it
 * runs the committed seed corpus $TG_SRCDIR/tests/fuzz/corpus/TARGET, so
 * `make check` exercises every target under the normal (or sanitizer)
 * build.  A crash or abort fails the test; so does an empty corpus.
 */
#include "tg_config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef TG_FUZZ_TARGET
#error "TG_FUZZ_TARGET must name the corpus folder"
#endif

/* Targets without LLVMFuzzerInitialize() get this weak default. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* Largest input the driver reads; libFuzzer's default -max_len is 4096. */
#define TG_FUZZ_MAX_INPUT (1024 * 1024)

static int tg_fuzz_run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	uint8_t *buf = malloc(TG_FUZZ_MAX_INPUT);
	if (!buf) {
		fclose(f);
		return -1;
	}
	size_t n = fread(buf, 1, TG_FUZZ_MAX_INPUT, f);
	fclose(f);
	/* Copy to an exact-size buffer so ASan sees reads past the input. */
	uint8_t *in = malloc(n ? n : 1);
	if (!in) {
		free(buf);
		return -1;
	}
	memcpy(in, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(in, n);
	free(in);
	return 0;
}

static int tg_fuzz_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of \p dir; returns the number run, -1 on error. */
static long tg_fuzz_run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				abort();
			names = nn;
		}
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n])
			abort();
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), tg_fuzz_cmp);
	long run = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (tg_fuzz_run_file(names[i]) != 0)
				run = -1;
			else if (run >= 0)
				run++;
		}
		free(names[i]);
	}
	free(names);
	return run;
}

int main(int argc, char **argv)
{
	LLVMFuzzerInitialize(&argc, &argv);
	char def[4096];
	const char *deflt[1] = {def};
	const char *const *paths = (const char *const *)argv + 1;
	int npaths = argc - 1;
	if (npaths == 0) {
		const char *src = getenv("TG_SRCDIR");
		snprintf(def, sizeof(def), "%s/tests/fuzz/corpus/%s",
			 src ? src : ".", TG_FUZZ_TARGET);
		paths = deflt;
		npaths = 1;
	}
	long total = 0;
	int failed = 0;
	for (int i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			perror(paths[i]);
			failed = 1;
		} else if (S_ISDIR(st.st_mode)) {
			long n = tg_fuzz_run_dir(paths[i]);
			if (n < 0)
				failed = 1;
			else
				total += n;
		} else if (tg_fuzz_run_file(paths[i]) != 0) {
			failed = 1;
		} else {
			total++;
		}
	}
	if (total == 0)
		failed = 1;
	printf("fuzz-%s: %ld inputs run without a crash\n", TG_FUZZ_TARGET,
	       total);
	return failed ? 1 : 0;
}
