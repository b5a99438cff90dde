#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# soak.sh — sustained dnsperf load on Unbound + typoguard, with list changes.
#
#   make soak SOAK_SECONDS=600           (from the build directory)
#   tests/soak/soak.sh SECONDS [QPS]     (default 600 s, 2000 queries/s)
#
# Starts a test Unbound with the module (tglab.py) on the lab zones
# (tests/lab/root.zone) plus tests/soak/soak.zone, drives it with dnsperf
# (Debian package dnsperf) on a mix of cached, uncached (unique names under
# a wildcard), blocked, logged and allowlisted names, and rewrites the
# protected list and the allowlist every 3 s.  Checks and prints: no
# SERVFAIL; the resolver's RSS flat after warm-up (least-squares slope);
# the counters consistent (blocked + logged + passed = scored, from the
# stats file).  Exits non-zero if a check fails.  Not part of make check.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)
[ -f "$build/Makefile" ] || { echo "soak.sh: run it from a configured build directory" >&2; exit 2; }
command -v dnsperf >/dev/null || { echo "soak.sh: needs dnsperf: bash contrib/install-deps.sh --bench" >&2; exit 2; }
secs=${1:-600}
qps=${2:-2000}
ub=$(sed -n 's/^UNBOUND_BIN = //p' "$build/Makefile")
TG_BUILDDIR=$build TG_SRCDIR=$src UNBOUND=$ub PYTHONPATH=$src/tests/integration \
	TG_TEST_TIMEOUT=$((secs + 600)) \
	exec python3 "$src/tests/soak/soak.py" "$secs" "$qps"
