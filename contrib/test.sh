#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test.sh — README command 2, and what CI runs.
#
# Sets everything up (Debian packages, Unbound with dynlib, typoguard) and
# runs `make check`: the cmocka unit tests, the evaluation against real data
# and the integration tests against a real Unbound.  Prints every test's
# summary and a closing "N passed, N failed" line; exits non-zero when any
# test fails.  Extra arguments go to typoguard's configure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash contrib/build.sh "$@" || { echo "test.sh: build failed" >&2; exit 1; }
make -j"$(nproc)" check
rc=$?
# Every test's own output (cmocka and unittest summaries), then the tally.
for log in $(find tests -name '*.log' ! -name test-suite.log | sort); do
	echo "---- ${log%.log}"
	cat "$log"
done
pass=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -c '^:test-result: PASS')
fail=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -cE '^:test-result: (FAIL|XPASS|ERROR)')
skip=$(cat $(find tests -name '*.trs') 2>/dev/null | grep -c '^:test-result: SKIP')
[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "$pass passed, $fail failed, $skip skipped"
[ "$rc" = 0 ] && [ "$fail" = 0 ]
