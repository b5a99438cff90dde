#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# gen_infra_builtin.sh LIST: the C source of the built-in infrastructure
# list (tg_infra_builtin[]) from conf/infrastructure.list, on stdout.  Used
# by core/local.mk and tests/fuzz/run.sh.  A line that is not a plain
# lowercase name fails with LIST:LINE.
set -eu
LC_ALL=C awk '
BEGIN { print "/* generated from conf/infrastructure.list: do not edit */";
	print "#include <stddef.h>";
	print "const char *const tg_infra_builtin[] = {"; }
{ sub(/#.*/, ""); gsub(/[ \t\r]/, ""); if ($0 == "") next;
  if ($0 !~ /^[a-z0-9.-]+$/) {
	printf "%s:%d: not a plain lowercase name\n", FILENAME, FNR > "/dev/stderr";
	bad = 1; exit 1 }
  printf "\t\"%s\",\n", $0; }
END { if (bad) exit 1; print "\tNULL};"; }' "$1"
