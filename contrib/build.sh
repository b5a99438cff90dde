#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# build.sh — install dependencies, build Unbound with dynlib (cached), then
# configure and build typoguard in this tree.  Used by quickstart.sh and
# test.sh; extra arguments go to typoguard's configure.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash contrib/install-deps.sh
ub_args=$(bash contrib/build-unbound.sh --print-configure-args)
if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt configure ]; then
	autoreconf -fi >/dev/null
fi
want="--enable-werror $ub_args $*"
if [ ! -f config.status ] || [ "$(cat .tg-configured 2>/dev/null)" != "$want" ]; then
	# (autoconf's exit trap tries "rm -f core"; core/ is our source folder)
	./configure -q $want 2> >(grep -v "cannot remove 'core'" >&2)
	echo "$want" > .tg-configured
fi
make -j"$(nproc)" -s
