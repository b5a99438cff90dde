#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# quickstart.sh — README command 1.
#
# Sets everything up (Debian packages, Unbound with dynlib, typoguard), then
# runs typoguard's main job: an Unbound with typoguard on 127.0.0.1, on the
# offline lab zones (tests/lab/root.zone), configured from the conf/ samples.
# It shows `army.ml MX` blocked and `army.mil MX` resolved, and leaves the
# resolver running so you can query it yourself.
#
# Environment: TG_DEMO_DIR (default /tmp/typoguard-demo), TG_DEMO_PORT
# (default 5300).  Stop it with: contrib/quickstart.sh stop
# For tests/integration/test_quickstart.py: TG_QUICKSTART_NO_BUILD=1 uses
# the build in TG_BUILDDIR (default: this tree) and the Unbound in UNBOUND
# as they are; TG_SANITIZER_PRELOAD is preloaded into Unbound (an ASan
# build of the module).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${TG_BUILDDIR:-$top}
demo=${TG_DEMO_DIR:-/tmp/typoguard-demo}
port=${TG_DEMO_PORT:-5300}
# a word of a printed command, quoted for the shell only when it must be
q() { printf '%q' "$1"; }
stop_cmd="bash $(q "$top/contrib/quickstart.sh") stop"
if [ "$demo" != /tmp/typoguard-demo ]; then
	stop_cmd="TG_DEMO_DIR=$(q "$demo") $stop_cmd"
fi

stop() {
	if [ -f "$demo/unbound.pid" ] && kill "$(cat "$demo/unbound.pid")" 2>/dev/null; then
		echo "quickstart: stopped the demo Unbound"
	fi
	rm -f "$demo/unbound.pid"
}
if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi

if [ "${TG_QUICKSTART_NO_BUILD:-}" = 1 ] && [ -n "${UNBOUND:-}" ]; then
	unbound=$UNBOUND
else
	bash "$top/contrib/build.sh"
	ub_prefix=$(bash "$top/contrib/build-unbound.sh" --print-configure-args --quiet | sed 's/.*--with-unbound=//')
	unbound="$ub_prefix/sbin/unbound"
fi
tg="$build/core/cli/typoguard"
stop
mkdir -p "$demo"
# The samples as shipped, with lists next to the configuration.
cp "$top/conf/typoguard.conf" "$top/conf/protected.list" "$top/conf/allow.list" "$demo/"
# ... and an event log, for `typoguard report`
printf '\n# quickstart.sh: events for `typoguard report`\nevent-log: %s\n' \
	"$demo/events.jsonl" >>"$demo/typoguard.conf"
cat >"$demo/unbound.conf" <<CONF
# Demo resolver: typoguard on loopback, lab zones, no network needed.
server:
    interface: 127.0.0.1@$port
    port: $port
    do-daemonize: yes
    chroot: ""
    username: ""
    directory: "$demo"
    pidfile: "$demo/unbound.pid"
    logfile: "$demo/unbound.log"
    use-syslog: no
    verbosity: 1
    log-time-ascii: yes
    access-control: 127.0.0.0/8 allow
    do-not-query-localhost: no
    qname-minimisation: no
$(sed -n '/^server:/,/^dynlib:/{/^server:/d;/^dynlib:/d;p}' "$top/conf/unbound-typoguard.conf")
dynlib:
    dynlib-file: "$build/module/.libs/typoguard.so"
auth-zone:
    name: "."
    zonefile: "$top/tests/lab/root.zone"
    for-upstream: yes
    for-downstream: no
    fallback-enabled: no
CONF
: >"$demo/unbound.log"
preload=()
if [ -n "${TG_SANITIZER_PRELOAD:-}" ]; then
	preload=(env "LD_PRELOAD=$TG_SANITIZER_PRELOAD" ASAN_OPTIONS=detect_leaks=0)
fi
TYPOGUARD_CONF="$demo/typoguard.conf" "${preload[@]}" "$unbound" -c "$demo/unbound.conf" || {
	echo "quickstart: unbound failed to start; its log:" >&2
	cat "$demo/unbound.log" >&2
	exit 1
}
for _ in $(seq 50); do grep -q "start of service" "$demo/unbound.log" && break; sleep 0.1; done

ask() {
	# One query per name, shown like dig/drill, with its Extended DNS Error.
	echo
	echo "query $1 $2   (the same as: drill -p $port @127.0.0.1 $1 $2)"
	"$build/tests/tgdig" -p "$port" "$1" "$2" | jq -r '
		"  rcode: \(.rcode)   flags: \(.flags | join(" "))",
		(.answer[] | "  answer:    \(.)"),
		(.authority[] | "  authority: \(.)"),
		(.ede[] | "  EDE \(.code) (\(if .code == 15 then "Blocked" elif .code == 4 then "Forged Answer" else "" end)): \(.text)")'
}
echo "== typoguard demo: Unbound $("$unbound" -V | head -1 | cut -d' ' -f2) with typoguard on 127.0.0.1 port $port =="
echo "== protected list: conf/protected.list ($(grep -cvE '^#|^$' "$demo/protected.list") names); lab zones: tests/lab/root.zone"
ask army.ml MX
ask army.mil MX
echo
echo "== Unbound's log (typoguard lines):"
grep typoguard "$demo/unbound.log" | sed 's/^/  /'
cat <<MSG

The lookalike army.ml was answered NXDOMAIN by typoguard (EDE 15 Blocked);
army.mil resolved from the lab zones through Unbound's iterator.

The resolver keeps running.  Try it yourself:
  drill -p $port @127.0.0.1 navy.ml MX      # blocked: lookalike of navy.mil
  drill -p $port @127.0.0.1 google.ml A     # unrelated .ml: resolves
  $(q "$tg") -c $(q "$demo/typoguard.conf") explain armym.il      # why a name scores as it does
  $(q "$tg") report $(q "$demo/events.jsonl")      # what was blocked, for whom (--format html -o FILE)
Configuration: $demo/typoguard.conf (lists beside it); Unbound: $demo/unbound.conf
Log: $demo/unbound.log        Stop: $stop_cmd
MSG
