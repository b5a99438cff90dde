#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `make install DESTDIR=...` puts each part where an operator looks for it
# (the module under $(pkglibdir), the tool under $(bindir), both manual
# pages, the sample configuration under $(sysconfdir)/typoguard), the
# installed tool reads the installed sample configuration, and a real
# Unbound loads the installed module with that configuration and blocks
# army.ml while army.mil resolves.
set -euo pipefail

builddir=${TG_BUILDDIR:-$(pwd)}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tginstall-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

# Sub-makes of this build, not of the `make check` running this test (its
# MAKEFLAGS would add directory messages and jobserver warnings).
submake() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -s --no-print-directory -C "$builddir" "$@"
}
# the directories as this build's Makefile has them: passed in by
# AM_TESTS_ENVIRONMENT under `make check`, else asked from the Makefile
if [ -n "${TG_PKGLIBDIR:-}" ] && [ -n "${TG_SYSCONFDIR:-}" ]; then
	out="TGDIRS|$TG_PKGLIBDIR|$TG_BINDIR|$TG_MANDIR|$TG_SYSCONFDIR"
else
	out=$(printf 'tg-print-dirs:\n\t@echo "TGDIRS|$(pkglibdir)|$(bindir)|$(mandir)|$(sysconfdir)"\n' |
	submake -f Makefile -f - tg-print-dirs 2>&1 || true)
fi
vars=$(printf '%s\n' "$out" | sed -n 's/^TGDIRS|//p')
IFS='|' read -r pkglibdir bindir mandir sysconfdir <<<"$vars"
[ -n "$pkglibdir" ] && [ -n "$sysconfdir" ] ||
	fail "cannot read the install directories from $builddir/Makefile: $out"
echo "pkglibdir=$pkglibdir bindir=$bindir mandir=$mandir sysconfdir=$sysconfdir"

root="$tmp/root"
submake install DESTDIR="$root" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install DESTDIR=$root failed"; }

so="$root$pkglibdir/typoguard.so"
tool="$root$bindir/typoguard"
conf="$root$sysconfdir/typoguard/typoguard.conf"
for f in "$so" "$tool" "$root$mandir/man1/typoguard.1" \
	"$root$mandir/man5/typoguard.conf.5" "$conf" \
	"$root$sysconfdir/typoguard/protected.list" \
	"$root$sysconfdir/typoguard/allow.list"; do
	[ -f "$f" ] || fail "not installed: ${f#"$root"}"
	echo "installed: ${f#"$root"}"
done
[ -x "$tool" ] || fail "${tool#"$root"} is not executable"
# the installed unbound.conf snippet names the installed module
snippet="$root$sysconfdir/typoguard/unbound-typoguard.conf"
grep -q "dynlib-file: \"$pkglibdir/typoguard.so\"" "$snippet" ||
	fail "${snippet#"$root"} does not name $pkglibdir/typoguard.so"
# nothing outside the usual places (a stray file would land in /)
stray=$(cd "$root" && find . -type f | grep -vE "^\.(${pkglibdir}|${bindir}|${mandir}/man[15]|${sysconfdir}/typoguard)/" || true)
[ -z "$stray" ] || fail "installed outside the expected directories: $stray"

# the manual pages render without warnings
if command -v man >/dev/null 2>&1; then
	for page in "$root$mandir/man1/typoguard.1" "$root$mandir/man5/typoguard.conf.5"; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null || true)
		[ -z "$out" ] || fail "${page#"$root"}: $out"
		LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q '^NAME' ||
			fail "${page#"$root"} does not render"
	done
fi

# the installed tool accepts the installed sample and scores with its list
"$tool" check-conf "$conf" || fail "installed typoguard check-conf rejects the installed sample"
got=$("$tool" score -p "$root$sysconfdir/typoguard/protected.list" army.ml army.mil)
echo "$got"
echo "$got" | grep -q '^army.ml block .* army.mil tld-swap' || fail "installed tool does not block army.ml"

# the systemd drop-in (contrib/systemd/typoguard.conf) parses and sets
# TYPOGUARD_CONF for unbound.service (a stand-in unit: Debian's is not here)
srcdir=${TG_SRCDIR:-$builddir}
if command -v systemd-analyze >/dev/null 2>&1; then
	sd="$tmp/sd"
	mkdir -p "$sd/etc/systemd/system/unbound.service.d"
	printf '[Unit]\nDescription=Unbound\n[Service]\nType=notify\nExecStart=/bin/true\n' \
		>"$sd/etc/systemd/system/unbound.service"
	cp "$srcdir/contrib/systemd/typoguard.conf" "$sd/etc/systemd/system/unbound.service.d/"
	SYSTEMD_LOG_LEVEL=debug systemd-analyze verify --root="$sd" unbound.service >"$tmp/sd.out" 2>&1 || true
	! grep 'typoguard.conf:' "$tmp/sd.out" || fail "systemd rejects lines of contrib/systemd/typoguard.conf"
	grep -q 'Environment: TYPOGUARD_CONF=/etc/typoguard/typoguard.conf' "$tmp/sd.out" ||
		fail "the drop-in does not set TYPOGUARD_CONF: $(grep -i -m3 -e environment -e error "$tmp/sd.out")"
	echo "systemd drop-in: parsed, TYPOGUARD_CONF set"
fi

# a real Unbound loads the installed module with the installed sample
if [ -z "${UNBOUND:-}" ] || [ ! -x "$UNBOUND" ]; then
	echo "SKIP: no dynlib Unbound configured: module load not checked"
	exit 77
fi
"${PYTHON3:-python3}" - "$so" "$conf" <<'EOF'
import sys
import tglab

so, conf = sys.argv[1], sys.argv[2]
tglab.MODULE = so  # the dynlib-file: line names the installed module
ub = tglab.Unbound(env={"TYPOGUARD_CONF": conf})
try:
    ub.start()
    assert "dynlib-file: \"%s\"" % so in open(ub.conf).read()
    log = ub.log()
    assert "typoguard: %s loaded" % conf in log, log
    r = ub.q("army.ml", "MX")
    assert r["rcode"] == "NXDOMAIN", r
    assert any(e.get("code") == 15 for e in r.get("ede", [])), r
    r = ub.q("army.mil", "MX")
    assert tglab.rdata(r["answer"], "MX") == ["10 mail.army.mil."], r
finally:
    ub.stop()
print("PASS: Unbound runs the installed module with the installed sample")
EOF
