#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# build-unbound.sh — obtain Debian's Unbound source with `apt-get source`
# (Debian's patches applied), build it with --with-dynlibmodule and
# --with-libevent into a cache directory outside the typoguard tree, and print
# the configure arguments typoguard needs.
#
# Idempotent: a finished build whose stamp matches the Debian version and the
# configure flags is reused.  Safe to run on a fresh Debian bookworm as root.
#
# Usage: contrib/build-unbound.sh [--print-configure-args] [--quiet]
# Environment:
#   TYPOGUARD_CACHE   cache root (default /var/cache/typoguard)
#   UNBOUND_VERSION   Debian source version to build (default: the candidate
#                     of the `unbound` package, which must be 1.17.x)
set -euo pipefail

CACHE=${TYPOGUARD_CACHE:-/var/cache/typoguard}
PRINT_ARGS=0
QUIET=0
for a in "$@"; do
	case "$a" in
	--print-configure-args) PRINT_ARGS=1 ;;
	--quiet) QUIET=1 ;;
	-h | --help)
		sed -n '3,16p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build-unbound.sh: unknown argument '$a'" >&2
		exit 2
		;;
	esac
done

say() { [ "$QUIET" = 1 ] || echo "build-unbound: $*" >&2; }
die() {
	echo "build-unbound: error: $*" >&2
	exit 1
}

CONFIG_FLAGS="--with-dynlibmodule --with-libevent --disable-flto"
BUILD_DEPS="dpkg-dev build-essential libevent-dev libssl-dev libexpat1-dev
	libnghttp2-dev pkg-config bison flex"

need_apt_update=0
ensure_deb_src() {
	# apt-get source needs a deb-src entry; Debian's image ships `Types: deb` only.
	if grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		return
	fi
	local src=/etc/apt/sources.list.d/debian.sources
	[ -r "$src" ] || die "no deb-src entry and no $src to derive one from; add a deb-src line for Debian's main archive"
	say "adding a deb-src entry (/etc/apt/sources.list.d/typoguard-deb-src.sources)"
	sed 's/^Types:.*/Types: deb-src/' "$src" >/etc/apt/sources.list.d/typoguard-deb-src.sources
	need_apt_update=1
}

apt_update_once() {
	if [ "$need_apt_update" = 1 ] || [ ! -d /var/lib/apt/lists ] ||
		[ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -i sources || true)" ]; then
		say "apt-get update"
		apt-get update -qq >&2 || die "apt-get update failed"
		need_apt_update=0
	fi
}

missing_pkgs() {
	local p out=""
	for p in $BUILD_DEPS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out="$out $p"
	done
	echo "$out"
}

[ "$(id -u)" = 0 ] || say "not root: apt-get steps will fail if packages are missing"

ensure_deb_src
apt_update_once

VERSION=${UNBOUND_VERSION:-$(apt-cache policy unbound | awk '/Candidate:/ {print $2}')}
[ -n "$VERSION" ] && [ "$VERSION" != "(none)" ] || die "cannot determine Debian's unbound version (apt-cache policy unbound)"
case "$VERSION" in
1.17.*) ;;
*) die "expected Unbound 1.17.x, the candidate is $VERSION (set UNBOUND_VERSION)" ;;
esac

DIR="$CACHE/unbound-$VERSION"
PREFIX="$DIR/prefix"
STAMP="$DIR/.built"
WANT_STAMP="$VERSION $CONFIG_FLAGS"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT_STAMP" ] && [ -x "$PREFIX/sbin/unbound" ]; then
	say "reusing $DIR"
else
	m=$(missing_pkgs)
	if [ -n "$m" ]; then
		say "installing build dependencies:$m"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $m >&2 || die "apt-get install$m failed"
	fi
	rm -rf "$DIR"
	mkdir -p "$DIR/dl"
	say "apt-get source unbound=$VERSION"
	(cd "$DIR/dl" && apt-get source -qq "unbound=$VERSION" >&2) || die "apt-get source unbound=$VERSION failed"
	srcdir=$(find "$DIR/dl" -mindepth 1 -maxdepth 1 -type d -name 'unbound-*' | head -n1)
	[ -n "$srcdir" ] || die "apt-get source produced no unbound-* directory"
	[ -f "$srcdir/debian/patches/series" ] && say "Debian patches applied: $(grep -vc '^#' "$srcdir/debian/patches/series")"
	mv "$srcdir" "$DIR/src"
	say "configure $CONFIG_FLAGS --prefix=$PREFIX"
	(cd "$DIR/src" && ./configure --prefix="$PREFIX" $CONFIG_FLAGS >"$DIR/configure.log" 2>&1) ||
		die "unbound configure failed, see $DIR/configure.log"
	say "make (log: $DIR/build.log)"
	(cd "$DIR/src" && make -j"$(nproc)" >"$DIR/build.log" 2>&1 && make install >>"$DIR/build.log" 2>&1) ||
		die "unbound build failed, see $DIR/build.log"
	grep -q '^#define WITH_DYNLIBMODULE 1' "$DIR/src/config.h" || die "built tree lacks WITH_DYNLIBMODULE"
	echo "$WANT_STAMP" >"$STAMP"
	say "built $PREFIX/sbin/unbound"
fi

if [ "$PRINT_ARGS" = 1 ]; then
	echo "--with-unbound-src=$DIR/src --with-unbound=$PREFIX"
else
	say "configure typoguard with:"
	echo "  ./configure --with-unbound-src=$DIR/src --with-unbound=$PREFIX"
fi
