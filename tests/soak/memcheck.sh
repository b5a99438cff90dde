#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# memcheck.sh — the integration suite with every Unbound under valgrind.
#
#   make memcheck                 (from the build directory)
#   tests/soak/memcheck.sh [TEST...]   (default: every integration test)
#
# Runs `make check` on the integration tests with TG_VALGRIND=1: tglab.py
# then starts each unbound (with typoguard.so) under valgrind memcheck
# (--leak-check=full --errors-for-leak-kinds=definite, suppressions in
# tests/valgrind.supp for Unbound's own reports), one log per process in
# tests/memcheck/.  Prints a summary: processes, errors, definite/possible
# leaks, and every error or leak whose stack passes through typoguard
# (typoguard.so, module/, core/).  Exits non-zero when the tests fail or
# any error or definite leak is reported.  Run it on a build without
# --enable-sanitizers.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(pwd)
[ -f "$build/Makefile" ] || { echo "memcheck.sh: run it from a configured build directory" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "memcheck.sh: apt-get install valgrind" >&2; exit 2; }
if grep -q '^TG_SANITIZER_PRELOAD = .' "$build/Makefile"; then
	echo "memcheck.sh: this build has --enable-sanitizers; use a plain build" >&2
	exit 2
fi
tests=${*:-$(cd "$src" && ls tests/integration/test_*.py | tr '\n' ' ')}
out="$build/tests/memcheck"
rm -rf "$out"
mkdir -p "$out"
TG_VALGRIND=1 TG_VALGRIND_DIR="$out" TG_TEST_TIMEOUT=1800 \
	make -C "$build" check TESTS="$tests" >"$out/make-check.txt" 2>&1
rc=$?
grep -E '^(PASS|FAIL|ERROR|SKIP|XFAIL|XPASS):' "$out/make-check.txt"

python3 - "$out" <<'PY'
import glob, os, re, sys
out = sys.argv[1]
logs = sorted(glob.glob(os.path.join(out, "*.vg")))
procs = errors = defl = defb = possl = possb = complete = 0
ours = []
for p in logs:
    text = open(p, errors="replace").read()
    procs += 1
    m = re.findall(r"ERROR SUMMARY: (\d+) errors", text)
    if m:
        complete += 1
        errors += int(m[-1])
    for kind, var in (("definitely lost", "d"), ("possibly lost", "p")):
        m = re.search(r"%s: ([\d,]+) bytes in ([\d,]+) blocks" % kind, text)
        if m:
            b, n = (int(x.replace(",", "")) for x in m.groups())
            if var == "d":
                defb += b; defl += n
            else:
                possb += b; possl += n
    # each error/leak record: a block of "==pid== " lines after a blank one
    body = re.sub(r"^==\d+== ?", "", text, flags=re.M)
    for block in body.split("\n\n"):
        if re.search(r"typoguard\.so|/module/|/core/|\btg_", block) and \
           re.search(r"Invalid|uninitialised|lost in loss record|Mismatched|overlap|free\(\)", block):
            ours.append((os.path.basename(p), block.strip()))
print("memcheck: %d unbound processes (%d ran to completion), %d errors, "
      "definitely lost %d bytes in %d blocks, possibly lost %d bytes in %d blocks"
      % (procs, complete, errors, defb, defl, possb, possl))
print("memcheck: records through typoguard: %d" % len(ours))
for name, block in ours[:20]:
    print("---- %s\n%s" % (name, block))
sys.exit(1 if (errors or defl or ours or complete < procs) else 0)
PY
sum=$?
echo "memcheck: logs in $out"
[ "$rc" = 0 ] && [ "$sum" = 0 ]
