/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * Shared helpers of the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Every target defines LLVMFuzzerTestOneInput() and is built twice: with
 * libFuzzer (tests/fuzz/run.sh, clang -fsanitize=fuzzer) and as a plain
 * check program linked with main.c, which `make check` runs over the seed
 * corpus tests/fuzz/corpus/<target>/.  The parsers under test take a path,
 * so tg_fuzz_file() puts the input into an anonymous memory file (memfd)
 * and hands out its /proc/self/fd path; nothing touches the disk.
 */
#ifndef TG_FUZZ_H
#define TG_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "typoguard.h"

/** libFuzzer's entry points. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/** A memory file holding one input. */
typedef struct tg_fuzz_file {
	int fd;	       /**< memfd, -1 if none */
	char path[64]; /**< "/proc/self/fd/N" */
} tg_fuzz_file;

/**
 * Create a memory file named \p name holding \p size bytes of \p data;
 * aborts on failure (a broken harness must not pass silently).
 */
void tg_fuzz_file_open(tg_fuzz_file *f, const char *name, const uint8_t *data,
		       size_t size);

/** Close the memory file (its memory is released). */
void tg_fuzz_file_close(tg_fuzz_file *f);

/**
 * A small fixed index for the scoring targets: a few protected names
 * (army.mil, gmail.com, the bare TLD mil, an IDN entry), an allowlist entry
 * and a tiny Public Suffix List; built once, never freed.
 */
const tg_index *tg_fuzz_index(void);

/**
 * Check the invariants of a scoring result and abort on a violation:
 * score in 0..100, verdict consistent with the default thresholds, strings
 * NUL-terminated, explanation NUL-terminated.
 */
void tg_fuzz_check_result(int rc, const tg_result *res);

#endif /* TG_FUZZ_H */
