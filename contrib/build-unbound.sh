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
# With --unbound-src DIR (or UNBOUND_SRC=DIR) it uses the operator's own
# Unbound source tree instead, any release from 1.17.0 on: the tree of the
# Unbound that will load the module.  A tree not yet configured is
# configured with --with-dynlibmodule --with-libevent $UNBOUND_CONFIGURE_FLAGS
# (give the flags of the unbound you run: `unbound -V`, "Configure line");
# a configured one must have --with-dynlibmodule.  It is built if needed and
# installed under the cache (DESTDIR), and the arguments printed name it.
#
# Usage: contrib/build-unbound.sh [--unbound-src DIR] [--print-configure-args]
#                                 [--quiet]
# Environment:
#   TYPOGUARD_CACHE   cache root (default /var/cache/typoguard)
#   UNBOUND_VERSION   Debian source version to build (default: the candidate
#                     of the `unbound` package, which must be 1.17.x)
#   UNBOUND_SRC       as --unbound-src
#   UNBOUND_CONFIGURE_FLAGS  extra configure flags for an unconfigured tree
set -euo pipefail

CACHE=${TYPOGUARD_CACHE:-/var/cache/typoguard}
PRINT_ARGS=0
QUIET=0
SRC=${UNBOUND_SRC:-}
while [ $# -gt 0 ]; do
	case "$1" in
	--print-configure-args) PRINT_ARGS=1 ;;
	--quiet) QUIET=1 ;;
	--unbound-src)
		[ $# -ge 2 ] || {
			echo "build-unbound.sh: --unbound-src needs a directory" >&2
			exit 2
		}
		SRC=$2
		shift
		;;
	--unbound-src=*) SRC=${1#--unbound-src=} ;;
	-h | --help)
		sed -n '3,27p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "build-unbound.sh: unknown argument '$1'" >&2
		exit 2
		;;
	esac
	shift
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

# --------------------------------------------- the operator's own tree
if [ -n "$SRC" ]; then
	[ -d "$SRC" ] || die "--unbound-src $SRC: no such directory"
	SRC=$(cd "$SRC" && pwd)
	[ -f "$SRC/util/module.h" ] && [ -f "$SRC/dynlibmod/dynlibmod.h" ] ||
		die "$SRC is not an Unbound source tree (no util/module.h, dynlibmod/dynlibmod.h)"
	DIR="$CACHE/src-$(printf '%s' "$SRC" | sha256sum | cut -c1-12)"
	mkdir -p "$DIR"
	m=$(missing_pkgs)
	if [ -n "$m" ] && [ "$(id -u)" = 0 ]; then
		say "installing build dependencies:$m"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $m >&2 || die "apt-get install$m failed"
	fi
	if [ ! -f "$SRC/config.h" ]; then
		[ -x "$SRC/configure" ] || die "$SRC has neither config.h nor configure"
		say "configure $SRC with --with-dynlibmodule --with-libevent ${UNBOUND_CONFIGURE_FLAGS:-}"
		# shellcheck disable=SC2086 # the flags are words
		(cd "$SRC" && ./configure --with-dynlibmodule --with-libevent \
			${UNBOUND_CONFIGURE_FLAGS:-} >"$DIR/configure.log" 2>&1) ||
			die "unbound configure failed, see $DIR/configure.log"
	fi
	grep -q '^#define WITH_DYNLIBMODULE 1' "$SRC/config.h" ||
		die "$SRC was configured without --with-dynlibmodule: reconfigure it with that flag added to the flags of the unbound you run (\`unbound -V\`, Configure line)"
	VERSION=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"/\1/p' "$SRC/config.h")
	WANT_STAMP="$VERSION $(sed -n 's/^#define CONFCMDLINE //p' "$SRC/config.h") $(stat -c %Y "$SRC/config.h")"
	PREFIX=$(sed -n 's/^prefix *= *//p' "$SRC/Makefile")
	ROOT="$DIR/root"
	if [ -f "$DIR/.built" ] && [ "$(cat "$DIR/.built")" = "$WANT_STAMP" ] &&
		[ -x "$ROOT$PREFIX/sbin/unbound" ] && [ "$SRC/unbound" -ot "$DIR/.built" ]; then
		say "reusing $SRC (unbound $VERSION), installed in $ROOT$PREFIX"
	else
		say "make in $SRC (unbound $VERSION; log: $DIR/build.log)"
		(cd "$SRC" && make -j"$(nproc)" >"$DIR/build.log" 2>&1 &&
			rm -rf "$ROOT" && make install DESTDIR="$ROOT" >>"$DIR/build.log" 2>&1) ||
			die "unbound build failed, see $DIR/build.log"
		[ -x "$ROOT$PREFIX/sbin/unbound" ] || die "make install put no $PREFIX/sbin/unbound under $ROOT"
		echo "$WANT_STAMP" >"$DIR/.built"
		say "built $ROOT$PREFIX/sbin/unbound"
	fi
	if [ "$PRINT_ARGS" = 1 ]; then
		echo "--with-unbound-src=$SRC --with-unbound=$ROOT$PREFIX"
	else
		say "configure typoguard with:"
		echo "  ./configure --with-unbound-src=$SRC --with-unbound=$ROOT$PREFIX"
	fi
	exit 0
fi

# ------------------------------------------ Debian's source (the default)
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
