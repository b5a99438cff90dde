#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `typoguard check-conf` as operators run it before deploying: exit 0 and a
# summary for a good configuration; for every class of error, exit 1 and
# "file:line: reason" (or "file: reason") on stderr naming the right file.
set -u
TG="${TG_BUILDDIR:-.}/core/cli/typoguard"
[ -x "$TG" ] || { echo "FAIL: $TG not built"; exit 1; }
T=$(mktemp -d /tmp/tgcc.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0 n=0

# check NAME WANT_RC WANT_STDERR_SUBSTRING CONF_TEXT [LIST_TEXT]
check() {
	name=$1 want=$2 needle=$3
	printf '%s' "$4" > "$T/t.conf"
	printf '%s' "${5:-army.mil
navy.mil
}" > "$T/p.list"
	"$TG" check-conf "$T/t.conf" > "$T/out" 2> "$T/err"
	rc=$?
	n=$((n + 1))
	if [ "$rc" != "$want" ] || ! grep -qF -- "$needle" "$T/err" "$T/out"; then
		echo "not ok $n - $name (rc $rc, want $want; stderr: $(cat "$T/err"))"
		fails=$((fails + 1))
	else
		echo "ok $n - $name"
	fi
}

check "good configuration" 0 "ok" "protected: p.list
"
check "unknown key" 1 "$T/t.conf:2: unknown key 'protect'" "protected: p.list
protect: p.list
"
check "bad value" 1 "$T/t.conf:2: block-threshold must be 1..100" "protected: p.list
block-threshold: 120
"
check "key given twice" 1 "$T/t.conf:3: 'action' given twice" "protected: p.list
action: nxdomain
action: refuse
"
check "bad client prefix" 1 "$T/t.conf:2: bad client prefix" "protected: p.list
clients: 10.0.0.0/40
"
check "no protected list" 1 "$T/t.conf: no 'protected:' list" "allow: p.list
"
check "thresholds crossed" 1 "log-threshold (90) is above block-threshold (80)" "protected: p.list
log-threshold: 90
"
check "sinkhole without target" 1 "action sinkhole needs" "protected: p.list
action: sinkhole
"
check "missing list file" 1 "$T/nope.list" "protected: nope.list
"
check "list is a directory" 1 "$T/dir.list" "$(mkdir -p "$T/dir.list"; echo "protected: dir.list")
"
check "bad name in list" 1 "$T/p.list:2:" "protected: p.list
" "army.mil
army..mil
"
check "over-long list line" 1 "$T/p.list:1:" "protected: p.list
" "$(head -c 300 /dev/zero | tr '\0' a).mil
"
printf '$ORIGIN z.tg.\n@ IN SOA ns h 1 2 3 4 5\narmy.mil IN TXT "x"\nbroken line here IN\n' > "$T/p.zone"
check "bad zone file" 1 "$T/p.zone" "protected-zone: p.zone z.tg.
"
printf '$ORIGIN z.tg.\n@ IN SOA ns h 1 2 3 4 5\narmy.mil IN TXT "x"\n' > "$T/p.zone"
check "good zone list" 0 "ok" "protected-zone: p.zone z.tg.
"
"$TG" check-conf "$T/missing.conf" > /dev/null 2> "$T/err"
rc=$?; n=$((n + 1))
if [ "$rc" = 1 ] && grep -qF "$T/missing.conf: cannot open" "$T/err"; then
	echo "ok $n - missing configuration file"
else
	echo "not ok $n - missing configuration file (rc $rc: $(cat "$T/err"))"
	fails=$((fails + 1))
fi
echo "$((n - fails)) passed, $fails failed"
[ "$fails" = 0 ]
