#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# audit_bench.sh: names checked per second by `typoguard audit`, side by
# side with dnstwist's own registered-domain scan of the same protected
# names, both against the same local test Unbound (the lab root zone,
# tests/lab/root.zone, through tests/integration/tglab.py).
#
# dnstwist (Debian 20221213) cannot send to a port other than 53, so the
# whole benchmark runs in a private network namespace (unshare -n, needs
# root) where the test Unbound listens on 127.0.0.1@53; nothing leaves
# loopback.  The Unbound cache is flushed before every run (cold cache),
# each configuration runs RUNS times, and the median is reported.
#
# Usage: tests/bench/audit_bench.sh [BUILDDIR]     (default: .)
# Environment: UNBOUND (default: UNBOUND_BIN of BUILDDIR/Makefile),
#   RUNS (default 3), BENCH_NAMES (protected names, space-separated).
set -euo pipefail

BUILDDIR=$(cd "${1:-.}" && pwd)
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-3}
BENCH_NAMES=${BENCH_NAMES:-"army.mil navy.mil af.mil gmail.com google.com paypal.com outlook.com example.com"}
if [ -z "${UNBOUND:-}" ]; then
	UNBOUND=$(sed -n 's/^UNBOUND_BIN = //p' "$BUILDDIR/Makefile" 2>/dev/null || true)
fi
die() {
	echo "audit_bench: $*" >&2
	exit 1
}
[ -x "$BUILDDIR/core/cli/typoguard" ] || die "$BUILDDIR/core/cli/typoguard not built"
[ -n "$UNBOUND" ] && [ -x "$UNBOUND" ] ||
	die "no test Unbound (configure --with-unbound, or set UNBOUND)"
command -v dnstwist >/dev/null || die "dnstwist not installed (apt-get install dnstwist)"
[ "$(id -u)" = 0 ] || die "needs root for unshare -n (a private network namespace)"

if [ "${TG_BENCH_INNER:-}" != 1 ]; then
	exec env TG_BENCH_INNER=1 UNBOUND="$UNBOUND" unshare -n -- "$0" "$BUILDDIR"
fi
ip link set lo up

# dnstwist is a Debian script for /usr/bin/python3 (dnspython is there)
export TG_BUILDDIR="$BUILDDIR" TG_SRCDIR="$SRCDIR" UNBOUND RUNS BENCH_NAMES
export TG_TEST_TIMEOUT=${TG_TEST_TIMEOUT:-3600}
export PYTHONPATH="$SRCDIR/tests/integration"
exec /usr/bin/python3 - <<'EOF'
import json, os, statistics, subprocess, sys, time
import tglab

tglab.require_unbound()
names = os.environ["BENCH_NAMES"].split()
runs = int(os.environ["RUNS"])
tool = os.path.join(tglab.BUILDDIR, "core", "cli", "typoguard")

# typoguard in the test Unbound is scoped to a client that never asks, so
# both tools see the zone data (not blocked answers)
ub = tglab.Unbound(tg_conf="protected: protected.list\nclients: 127.0.0.99/32\n",
                   lists={"protected.list": "\n".join(names) + "\n"})
ub.port = 53  # private namespace: dnstwist can only use port 53
with ub:
    prot = ub.path("protected.list")

    def flush():
        r = ub.control("flush_zone", ".")
        if r.returncode != 0:
            sys.exit("unbound-control flush_zone: " + r.stdout + r.stderr)

    def permutations(name):
        import dnstwist
        f = dnstwist.Fuzzer(name)
        f.generate()
        return len(f.domains)

    def run_audit(conc, qps):
        flush()
        t = time.monotonic()
        r = subprocess.run([tool, "audit", "--protected", prot, "--resolver",
                            "127.0.0.1@53", "--format", "text",
                            "--concurrency", str(conc), "--qps", str(qps)],
                           capture_output=True, text=True, timeout=900)
        secs = time.monotonic() - t
        if r.returncode != 0:
            sys.exit("audit failed: " + r.stderr)
        summary = r.stdout.splitlines()[-1].split()
        n, queries = int(summary[0]), int(summary[summary.index("with") + 1])
        found = int(summary[summary.index("exist,") - 1])
        return n, queries, found, secs

    def run_dnstwist(threads):
        flush()
        t = time.monotonic()
        found = 0
        for name in names:
            r = subprocess.run(["dnstwist", "--registered", "--format", "json",
                                "--nameservers", "127.0.0.1", "--threads",
                                str(threads), name],
                               capture_output=True, text=True, timeout=900)
            if r.returncode != 0:
                sys.exit("dnstwist failed: " + r.stderr)
            # the original domain is listed too: count lookalikes only
            # (--format list would print every permutation)
            found += sum(1 for d in json.loads(r.stdout or "[]")
                         if d.get("fuzzer") != "*original")
        return time.monotonic() - t, found

    perms = sum(permutations(n) for n in names)
    print("protected names (%d): %s" % (len(names), " ".join(names)))
    print("%-44s %8s %8s %6s %8s %10s" % ("configuration", "names", "queries",
                                          "found", "seconds", "names/s"))
    for conc, qps in ((32, 0), (32, 200)):
        res = [run_audit(conc, qps) for _ in range(runs)]
        secs = statistics.median(r[3] for r in res)
        n, q, found, _ = res[0]
        print("%-44s %8d %8d %6d %8.2f %10.0f" % (
            "typoguard audit --concurrency %d --qps %d" % (conc, qps),
            n, q, found, secs, n / secs))
    for threads in (6, 32):
        res = [run_dnstwist(threads) for _ in range(runs)]
        secs = statistics.median(r[0] for r in res)
        print("%-44s %8d %8s %6d %8.2f %10.0f" % (
            "dnstwist --registered --threads %d" % threads, perms, "-",
            res[0][1], secs, perms / secs))
EOF
