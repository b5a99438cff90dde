#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# install-deps.sh — the Debian packages typoguard builds, runs and tests with.
# Installs only what is missing; run as root on Debian bookworm.
#
#   install-deps.sh            build, run and the quick start
#   install-deps.sh --tests    also what `make check` needs (NSD, dnstwist,
#                              Postfix, rsyslog, promtool, stock unbound,
#                              headless Chromium for the report page ...)
#   install-deps.sh --bench    also what `make bench-resolver` needs
set -euo pipefail
PKGS="build-essential autoconf automake libtool pkg-config
	libldns-dev libunbound-dev libcmocka-dev libidn2-dev publicsuffix
	libjson-c-dev zlib1g-dev ldnsutils jq binutils"
for arg in "$@"; do
	case "$arg" in
	--tests)
		PKGS="$PKGS python3 dnstwist nsd iproute2
			python3-jsonschema prometheus rsyslog postfix
			unbound bind9-utils chromium python3-yaml"
		;;
	--bench)
		PKGS="$PKGS python3 dnstwist unbound dnsperf gnuplot-nox
			python3-unbound"
		;;
	*)
		echo "install-deps: unknown argument '$arg' (--tests, --bench)" >&2
		exit 2
		;;
	esac
done
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
	# postfix: no debconf question, no system mail configuration (the
	# tests run their own instance with a private config directory)
	echo "postfix postfix/main_mailer_type select No configuration" |
		debconf-set-selections
	# unbound (stock, for the export tests; also nsd) would start a system
	# resolver on port 53 at install: forbid service starts while apt runs
	# (invoke-rc.d and deb-systemd-invoke honour a policy-rc.d exiting
	# 101) and remove that policy again, unless it was there before (as
	# in Docker images).
	policy=/usr/sbin/policy-rc.d
	own_policy=""
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\n# contrib/install-deps.sh: no service starts during apt\nexit 101\n' >"$policy"
		chmod 755 "$policy"
		own_policy=1
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get update -qq >&2 || { echo "install-deps: apt-get update failed" >&2; exit 1; }
	apt-get install -y -qq --no-install-recommends $missing >&2
	if [ -n "$own_policy" ]; then
		rm -f "$policy"
		trap - EXIT
	fi
	# the tests run their own unbound on free loopback ports: keep the
	# packaged service from starting at the next boot, too
	case " $missing " in
	*" unbound "*)
		if [ -d /run/systemd/system ]; then
			systemctl disable --now unbound.service >/dev/null 2>&1 || true
		fi
		;;
	esac
	# prometheus is here for its promtool (alert rule tests): a server that
	# the package just started under systemd is not wanted on a test box.
	case " $missing " in
	*" prometheus "*)
		if [ -d /run/systemd/system ]; then
			systemctl disable --now prometheus.service >/dev/null 2>&1 || true
		fi
		;;
	esac
fi
# Debian's nsd package starts a system nsd on port 53: the tests run their
# own on free loopback ports and do not need it.
