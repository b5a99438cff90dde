#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# install-deps.sh — the Debian packages typoguard builds, runs and tests with.
# Installs only what is missing; run as root on Debian bookworm.
set -euo pipefail
PKGS="build-essential autoconf automake libtool pkg-config
	libldns-dev ldnsutils libcmocka-dev libidn2-dev publicsuffix
	python3 dnstwist nsd jq binutils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing$missing" >&2
	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: error: need root to apt-get install$missing" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2 || { echo "install-deps: apt-get update failed" >&2; exit 1; }
	apt-get install -y -qq --no-install-recommends $missing >&2
fi
# Debian's nsd package starts a system nsd on port 53: the tests run their
# own on free loopback ports and do not need it.
