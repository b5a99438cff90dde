#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# typoguard.so exports exactly the six dynlib entry points, and is linked
# with BIND_NOW so an unresolved symbol fails at load, not at a query.
so="${TG_BUILDDIR:-.}/module/.libs/typoguard.so"
[ -f "$so" ] || { echo "FAIL: $so not built"; exit 1; }
got=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | grep -v '^_' | sort | tr '\n' ' ')
want="clear deinit get_mem inform_super init operate "
echo "exported: $got"
[ "$got" = "$want" ] || { echo "FAIL: expected exactly: $want"; exit 1; }
if ! readelf -d "$so" | grep -Eq 'BIND_NOW|FLAGS_1.*NOW'; then
	echo "FAIL: $so not linked with -z now"; exit 1
fi
echo "PASS: six entry points, BIND_NOW"
