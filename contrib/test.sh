#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test.sh — README command 2, and what CI runs.
#
# Sets everything up (Debian packages, Unbound with dynlib, typoguard) and
# runs `make check`: the cmocka unit tests, the evaluation against real data
# and the integration tests against a real Unbound.  Prints every test's
# summary and a closing "N passed, N failed" line; exits non-zero when any
# test fails.  Extra arguments go to typoguard's configure.
#
#   contrib/test.sh --sanitizers BUILDDIR [CONFIGURE-ARGS...]
# builds a second, separate copy with --enable-sanitizers (ASan + UBSan) in
# BUILDDIR (e.g. _asan; the source tree is left alone: BUILDDIR/src is a
# copy of the checked-out sources, BUILDDIR/build the VPATH build) and runs
# the same `make check` there, Unbound included (tglab.py preloads the ASan
# runtime into it).  CI runs both.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

# Print every test log under $1 and the tally; return non-zero on failure.
tally() {
	local dir=$1 rc=$2 log trs pass fail skip
	for log in $(cd "$dir" && find tests -name '*.log' ! -name test-suite.log | sort); do
		echo "---- ${log%.log}"
		cat "$dir/$log"
	done
	trs=$(find "$dir/tests" -name '*.trs')
	pass=$(cat $trs /dev/null 2>/dev/null | grep -c '^:test-result: PASS')
	fail=$(cat $trs /dev/null 2>/dev/null | grep -cE '^:test-result: (FAIL|XPASS|ERROR)')
	skip=$(cat $trs /dev/null 2>/dev/null | grep -c '^:test-result: SKIP')
	[ "$rc" = 0 ] || [ "$fail" -gt 0 ] || fail=1
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$rc" = 0 ] && [ "$fail" = 0 ]
}

if [ "${1:-}" = "--sanitizers" ]; then
	bdir=${2:?usage: contrib/test.sh --sanitizers BUILDDIR [CONFIGURE-ARGS...]}
	shift 2
	bash contrib/install-deps.sh --tests || { echo "test.sh: install-deps failed" >&2; exit 1; }
	ub_args=$(bash contrib/build-unbound.sh --print-configure-args) ||
		{ echo "test.sh: Unbound build failed" >&2; exit 1; }
	mkdir -p "$bdir/src" "$bdir/build"
	bdir=$(cd "$bdir" && pwd)
	# A copy of the sources (tracked and new files, not ignored ones): an
	# in-tree configured source dir refuses VPATH builds.  tar keeps the
	# mtimes, so a rerun rebuilds only what changed.
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
		tar --null -T - -cf - | (cd "$bdir/src" && tar -xf -) ||
		{ echo "test.sh: copying the sources failed" >&2; exit 1; }
	if [ ! -x "$bdir/src/configure" ] || [ "$bdir/src/configure.ac" -nt "$bdir/src/configure" ] ||
		[ -n "$(find "$bdir/src" -name '*.mk' -newer "$bdir/src/Makefile.in")" ] ||
		[ "$bdir/src/Makefile.am" -nt "$bdir/src/configure" ]; then
		(cd "$bdir/src" && autoreconf -fi >/dev/null 2>&1) ||
			{ echo "test.sh: autoreconf failed" >&2; exit 1; }
	fi
	want="--enable-sanitizers --enable-werror $ub_args $*"
	cd "$bdir/build"
	if [ ! -f config.status ] || [ "$(cat .tg-configured 2>/dev/null)" != "$want" ]; then
		../src/configure -q $want || { echo "test.sh: configure failed" >&2; exit 1; }
		echo "$want" > .tg-configured
	fi
	make -j"$(nproc)" -s || { echo "test.sh: sanitizer build failed" >&2; exit 1; }
	# The evaluation data lives beside the real source tree, not the copy.
	TG_DATA_DIR=${TG_DATA_DIR:-$top/../shared/data} make -j"$(nproc)" check
	tally . $?
	exit
fi

bash contrib/install-deps.sh --tests || { echo "test.sh: install-deps failed" >&2; exit 1; }
bash contrib/build.sh "$@" || { echo "test.sh: build failed" >&2; exit 1; }
make -j"$(nproc)" check
tally . $?
