#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# build-debs.sh — rebuild Debian's own unbound source package with
# --with-dynlibmodule added to debian/rules, then build typoguard against that
# very tree with Debian's paths and package it.  The result is a set of
# installable .debs in OUT (default /var/cache/typoguard/debian/out):
#
#   unbound_VERSION+typoguard1_ARCH.deb (and libunbound8, unbound-host, ...)
#   typoguard_TGVERSION-1_ARCH.deb  (Depends: unbound (= VERSION+typoguard1))
#
# Nothing is installed on this machine except build dependencies
# (apt-get build-dep unbound, dpkg-dev).  See contrib/debian/README.
#
# Usage: contrib/debian/build-debs.sh [--check] [--skip-unbound]
#   --check          also run typoguard's `make check` against the packaged
#                    unbound daemon (extracted, not installed)
#   --skip-unbound   reuse the unbound .debs of an earlier run
# Environment:
#   TYPOGUARD_DEB_WORK  work directory (default /var/cache/typoguard/debian)
#   UNBOUND_VERSION     Debian source version (default: candidate of `unbound`)
#   DEB_SUFFIX          version suffix of the rebuild (default +typoguard1)
#   DEB_BUILD_OPTIONS   default "nocheck parallel=2"
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${TYPOGUARD_DEB_WORK:-/var/cache/typoguard/debian}
SUFFIX=${DEB_SUFFIX:-+typoguard1}
export DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-nocheck parallel=2}
CHECK=0
SKIP_UNBOUND=0
for a in "$@"; do
	case "$a" in
	--check) CHECK=1 ;;
	--skip-unbound) SKIP_UNBOUND=1 ;;
	-h | --help)
		sed -n '4,23p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build-debs.sh: unknown argument '$a'" >&2
		exit 2
		;;
	esac
done

say() { echo "build-debs: $*" >&2; }
die() {
	echo "build-debs: error: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (apt-get build-dep, apt-get source)"
command -v apt-get >/dev/null || die "not a Debian system (no apt-get)"
export DEBIAN_FRONTEND=noninteractive
# Debian's tools only: a python3 or compiler from /usr/local, pyenv or the
# like would leak into the packages (debian/rules asks `python3` for paths).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME VIRTUAL_ENV
start=$(date +%s)

# --- apt: a deb-src entry (same logic as contrib/build-unbound.sh)
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	src=/etc/apt/sources.list.d/debian.sources
	[ -r "$src" ] || die "no deb-src entry and no $src to derive one from; add a deb-src line for Debian's main archive"
	say "adding a deb-src entry (/etc/apt/sources.list.d/typoguard-deb-src.sources)"
	sed 's/^Types:.*/Types: deb-src/' "$src" >/etc/apt/sources.list.d/typoguard-deb-src.sources
	apt-get update -qq || die "apt-get update failed"
elif ! compgen -G "/var/lib/apt/lists/*_Sources*" >/dev/null; then
	apt-get update -qq || die "apt-get update failed"
fi

VERSION=${UNBOUND_VERSION:-$(apt-cache policy unbound | awk '/Candidate:/ {print $2}')}
[ -n "$VERSION" ] && [ "$VERSION" != "(none)" ] || die "cannot determine Debian's unbound version (apt-cache policy unbound)"
DEBVERSION="$VERSION$SUFFIX"
ARCH=$(dpkg --print-architecture)
say "unbound $VERSION -> $DEBVERSION ($ARCH), work directory $WORK"

OUT="$WORK/out"
UB="$WORK/unbound"
mkdir -p "$OUT"

# --- 1. the unbound packages
if [ "$SKIP_UNBOUND" = 1 ] && [ -f "$OUT/unbound_${DEBVERSION}_$ARCH.deb" ] && [ -f "$UB/.built" ]; then
	say "reusing $OUT/unbound_${DEBVERSION}_$ARCH.deb"
else
	say "installing build dependencies (dpkg-dev, apt-get build-dep unbound=$VERSION)"
	apt-get install -y -qq --no-install-recommends dpkg-dev build-essential >/dev/null ||
		die "apt-get install dpkg-dev build-essential failed"
	apt-get build-dep -y -qq "unbound=$VERSION" >/dev/null || die "apt-get build-dep unbound=$VERSION failed"
	rm -rf "$UB"
	rm -f "$OUT"/*unbound*.deb
	mkdir -p "$UB"
	say "apt-get source unbound=$VERSION"
	(cd "$UB" && apt-get source -qq "unbound=$VERSION" >/dev/null) || die "apt-get source unbound=$VERSION failed"
	srcdir=$(find "$UB" -mindepth 1 -maxdepth 1 -type d -name 'unbound-*' | head -n1)
	[ -n "$srcdir" ] || die "apt-get source produced no unbound-* directory"

	# --with-dynlibmodule in the daemon's configure call (the first of the
	# two builds in debian/rules; the second one is libunbound only)
	rules="$srcdir/debian/rules"
	grep -q -- '--with-dynlibmodule' "$rules" && die "$rules already names --with-dynlibmodule"
	sed -i 's/^\(\t\t--with-libnghttp2 \\\)$/\1\n\t\t--with-dynlibmodule \\/' "$rules"
	[ "$(grep -c -- '--with-dynlibmodule' "$rules")" = 1 ] ||
		die "could not add --with-dynlibmodule to $rules (its layout changed: add it to the unbound-config rule by hand)"

	# a version of its own, so that apt never mistakes it for Debian's
	{
		printf 'unbound (%s) UNRELEASED; urgency=medium\n\n' "$DEBVERSION"
		printf '  * Local rebuild with --with-dynlibmodule, for the typoguard module.\n\n'
		printf ' -- typoguard build-debs.sh <root@localhost>  %s\n\n' "$(date -R)"
		cat "$srcdir/debian/changelog"
	} >"$srcdir/debian/changelog.new"
	mv "$srcdir/debian/changelog.new" "$srcdir/debian/changelog"

	say "dpkg-buildpackage -b -uc -us (DEB_BUILD_OPTIONS=$DEB_BUILD_OPTIONS; log: $UB/build.log)"
	t0=$(date +%s)
	(cd "$srcdir" && dpkg-buildpackage -b -uc -us >"$UB/build.log" 2>&1) ||
		die "dpkg-buildpackage failed, see the end of $UB/build.log"
	say "unbound packages built in $(($(date +%s) - t0)) s"
	grep -q '^#define WITH_DYNLIBMODULE 1' "$srcdir/b/unbound/config.h" ||
		die "the package build's config.h lacks WITH_DYNLIBMODULE"
	mv "$UB"/*.deb "$OUT"/
	echo "$srcdir" >"$UB/.built"
fi
srcdir=$(cat "$UB/.built")

# the daemon from the package, extracted (not installed), must list dynlib
ROOT_UB="$WORK/unbound-root"
rm -rf "$ROOT_UB"
dpkg-deb -x "$OUT/unbound_${DEBVERSION}_$ARCH.deb" "$ROOT_UB"
"$ROOT_UB/usr/sbin/unbound" -V | grep -q 'dynlib' ||
	die "$OUT/unbound_${DEBVERSION}_$ARCH.deb: unbound -V lists no dynlib module"
say "packaged unbound -V: $("$ROOT_UB/usr/sbin/unbound" -V | grep -i 'modules')"

# --- 2. typoguard against that tree, with Debian's paths
# Debian builds unbound out of tree (b/unbound); typoguard wants headers and
# config.h in one directory: a copy of the source with that config.h.
UBSRC="$WORK/unbound-src"
rm -rf "$UBSRC"
cp -a "$srcdir" "$UBSRC"
rm -rf "$UBSRC/b" "$UBSRC/debian"
# config.h and the other headers configure generated (dnscrypt_config.h,
# dnstap's protobuf header ...)
(cd "$srcdir/b/unbound" && find . -name '*.h' -print0 | tar --null -T - -cf -) |
	tar -C "$UBSRC" -xf -
[ -f "$UBSRC/config.h" ] || die "no config.h in $srcdir/b/unbound"

TG="$WORK/typoguard"
rm -rf "$TG"
mkdir -p "$TG/src"
# a clean copy of this source tree (tracked and new files, no build products)
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$TG/src" -xf -
else
	(cd "$top" && tar --exclude=.git -cf - .) | tar -C "$TG/src" -xf -
fi
MULTIARCH=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
say "typoguard: configure --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib/$MULTIARCH (log: $TG/build.log)"
(
	cd "$TG/src"
	[ -x configure ] && [ -f Makefile.in ] || autoreconf -fi
	./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var \
		--libdir="/usr/lib/$MULTIARCH" --mandir=/usr/share/man \
		--with-unbound-src="$UBSRC" --with-unbound="$ROOT_UB/usr"
	make -j2
	if [ "$CHECK" = 1 ]; then
		make -j2 check
	fi
	make install DESTDIR="$TG/root"
) >"$TG/build.log" 2>&1 || die "typoguard build failed, see the end of $TG/build.log"

# --- 3. the typoguard package
TGVERSION=$(sed -n 's/^PACKAGE_VERSION=.\(.*\).$/\1/p' "$TG/src/configure" | head -n1)
[ -n "$TGVERSION" ] || die "cannot read typoguard's version from configure"
pkg="$TG/root"
so="$pkg/usr/lib/$MULTIARCH/typoguard/typoguard.so"
[ -f "$so" ] || die "make install put no module at ${so#"$pkg"}"
rm -f "$pkg/usr/lib/$MULTIARCH/typoguard/typoguard.la"
find "$pkg/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
install -d "$pkg/usr/share/doc/typoguard" "$pkg/DEBIAN"
cp "$top/README.md" "$top/conf/unbound-typoguard.conf" "$pkg/usr/share/doc/typoguard/"
[ -d "$top/contrib/systemd" ] && cp -r "$top/contrib/systemd" "$pkg/usr/share/doc/typoguard/"
[ -d "$top/contrib/alerting" ] && cp -r "$top/contrib/alerting" "$pkg/usr/share/doc/typoguard/"
sed -i "s|/usr/local/lib/typoguard/typoguard.so|/usr/lib/$MULTIARCH/typoguard/typoguard.so|" \
	"$pkg/usr/share/doc/typoguard/unbound-typoguard.conf"
# `typoguard check-install` before every start and reload of unbound (a
# package-owned drop-in), and once at installation
dropin="$pkg/lib/systemd/system/unbound.service.d/typoguard-check-install.conf"
install -D -m 0644 "$top/contrib/systemd/typoguard-check-install.conf" "$dropin"
sed -i -e "s|/usr/local/bin/typoguard|/usr/bin/typoguard|" \
	-e "s|/usr/local/lib/typoguard/typoguard.so|/usr/lib/$MULTIARCH/typoguard/typoguard.so|" \
	-e "s|^# /etc/systemd/system/|# /lib/systemd/system/|" "$dropin"
cat >"$pkg/DEBIAN/postinst" <<EOF
#!/bin/sh
# typoguard postinst: does the module fit the installed unbound, and do the
# configuration and lists load?  A mismatch is reported, not fatal to the
# installation: unbound refuses the module at start with the same reason.
set -e
if [ "\$1" = configure ]; then
	if [ -d /run/systemd/system ]; then
		systemctl daemon-reload >/dev/null 2>&1 || true
	fi
	if ! TYPOGUARD_CONF=\${TYPOGUARD_CONF:-/etc/typoguard/typoguard.conf} \\
		/usr/bin/typoguard check-install --unbound /usr/sbin/unbound \\
		--module /usr/lib/$MULTIARCH/typoguard/typoguard.so; then
		echo "typoguard: WARNING: check-install failed (above); unbound will refuse this module until it passes" >&2
	fi
fi
exit 0
EOF
chmod 0755 "$pkg/DEBIAN/postinst"
# shared-library dependencies as dpkg-shlibdeps computes them
mkdir -p "$TG/shlibs/debian"
printf 'Source: typoguard\n\nPackage: typoguard\nArchitecture: any\n' >"$TG/shlibs/debian/control"
shdeps=$(cd "$TG/shlibs" && dpkg-shlibdeps -O "$so" "$pkg/usr/bin/typoguard" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p')
(cd "$pkg" && find etc -type f -printf '/%p\n') >"$pkg/DEBIAN/conffiles"
cat >"$pkg/DEBIAN/control" <<EOF
Package: typoguard
Version: $TGVERSION-1
Architecture: $ARCH
Maintainer: typoguard build-debs.sh <root@localhost>
Depends: unbound (= $DEBVERSION)${shdeps:+, $shdeps}, publicsuffix
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$pkg" | cut -f1)
Description: Unbound module that blocks lookalike domains
 typoguard is loaded by Unbound's dynlib module and answers lookups of
 lookalikes of protected domains (army.ml for army.mil) with NXDOMAIN or a
 sinkhole.  Built for unbound $DEBVERSION exactly: Unbound has no stable
 module ABI, rebuild it with every unbound update.
EOF
rm -f "$OUT"/typoguard_*.deb
dpkg-deb --root-owner-group --build "$pkg" "$OUT/typoguard_${TGVERSION}-1_$ARCH.deb" >/dev/null

say "done in $(($(date +%s) - start)) s; packages in $OUT:"
ls -1 "$OUT"/*.deb
