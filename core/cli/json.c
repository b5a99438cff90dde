/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * \file
 * The tool's JSON strings (cli.h): the library's escaper,
 * tg_json_string(), written to a stream, for the output written by hand
 * (score --json, audit --format json); report builds its document with
 * json-c and has json-c write its strings through tg_json_string() too.
 */
#include "tg_config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_json_string(FILE *out, const char *s)
{
	char small[1024], *buf = small;
	size_t n = strlen(s), cap = sizeof(small), len = 0;

	/* the escaped string is at most 6 bytes per input byte, plus the
	 * quotes and the NUL: the tool's strings (names, file names,
	 * reasons) fit the stack buffer; a longer one gets its own */
	if (n > (sizeof(small) - 3) / 6) {
		cap = n <= (SIZE_MAX - 3) / 6 ? n * 6 + 3 : 0;
		buf = cap ? malloc(cap) : NULL;
		if (!buf) {
			cli_warn("out of memory: a JSON string was cut");
			buf = small;
			cap = sizeof(small);
		}
	}
	(void)tg_json_string(s, buf, cap, &len);
	fwrite(buf, 1, len, out);
	if (buf != small)
		free(buf);
}
