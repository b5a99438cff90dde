#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Command-line tests of core/cli/typoguard: subcommands, exit codes, error
# messages naming file and line, JSON output (parsed by python3), stdin
# handling (comments, CRLF, over-long lines) and a 100 k-line stream.
# Needs no shared data.  `make check` runs it with TG_BUILDDIR and PYTHON3
# set (tests/local.mk); TYPOGUARD may name another build of the tool.
set -u
TG=${TYPOGUARD:-${TG_BUILDDIR:-.}/core/cli/typoguard}
if ! test -x "$TG"; then
	echo "FAIL: $TG is not an executable (build it first)"
	exit 99
fi
PY=${PYTHON3:-python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/tg-tool.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT INT TERM
fails=0
n=0

ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
fail() {
	n=$((n + 1))
	fails=$((fails + 1))
	echo "not ok $n - $1"
	for f in "$T/out" "$T/err"; do
		test -s "$f" && sed 's/^/#   /' "$f" | head -20
	done
}
# run EXPECTED-STATUS DESCRIPTION CMD...: stdout in $T/out, stderr in $T/err
run() {
	want=$1
	what=$2
	shift 2
	"$@" >"$T/out" 2>"$T/err" </dev/null
	rc=$?
	if test "$rc" = "$want"; then ok "$what (exit $rc)"; else
		fail "$what: exit $rc, expected $want"
	fi
}
# expect FILE PATTERN DESCRIPTION: grep -e PATTERN in $T/FILE
expect() {
	if grep -q -e "$2" "$T/$1"; then ok "$3"; else
		fail "$3: no '$2' in $1"
	fi
}

cat >"$T/protected.list" <<'EOF'
# test list
army.mil
navy.mil
gmail.com
EOF
printf 'mail.army.mil\n' >"$T/allow.list"
printf 'army.mil\nnot a name\n' >"$T/broken.list"

# --- version, help, usage errors
run 0 "--version" "$TG" --version
expect out '^typoguard [0-9]' "--version prints the version"
run 0 "help" "$TG" help
expect out 'usage:' "help prints usage to stdout"
run 2 "unknown global option" "$TG" --bogus
expect err 'usage:' "usage on stderr for an unknown option"
run 2 "unknown command" "$TG" frobnicate
run 2 "unknown score option" "$TG" score --bogus -p "$T/protected.list" x
run 2 "score without names" "$TG" score -p "$T/protected.list"
run 2 "bad threshold" "$TG" score -b 101 -p "$T/protected.list" x.com
run 2 "bad tld pair" "$TG" score -t mil -p "$T/protected.list" x.com

# --- list errors name the file and line
run 1 "missing list file" "$TG" score -p "$T/nonexistent.list" x.com
expect err "nonexistent.list" "missing list is named"
run 1 "malformed list line" "$TG" score -p "$T/broken.list" x.com
expect err "broken.list:2:" "malformed list reported as file:line"

# --- scoring
run 0 "score army.ml" "$TG" score -p "$T/protected.list" army.ml
expect out '^army\.ml block [0-9]* army\.mil ' "army.ml blocks as army.mil"
run 0 "score army.mil" "$TG" score -p "$T/protected.list" ARMY.MIL.
expect out '^army\.mil pass 0 ' "a protected name passes, normalised"
run 0 "allowlist" "$TG" score -p "$T/protected.list" -a "$T/allow.list" \
	mail.army.mil
expect out '^mail\.army\.mil pass ' "allowlisted name passes"
run 0 "json" "$TG" score --json -p "$T/protected.list" army.ml gmial.com \
	example.org
if "$PY" - "$T/out" <<'EOF'; then ok "json fields"; else fail "json fields"; fi
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3, rows
for r in rows:
    for k in ("name", "verdict", "score", "protected", "reasons", "held",
              "source", "line", "allowlisted"):
        assert k in r, (k, r)
    assert r["verdict"] in ("block", "log", "pass"), r
    assert isinstance(r["reasons"], list), r
a = rows[0]
assert a["name"] == "army.ml" and a["verdict"] == "block", a
assert a["protected"] == "army.mil" and "tld-swap" in a["reasons"], a
assert a["source"].endswith("protected.list") and a["line"] == 2, a
assert rows[1]["protected"] == "gmail.com", rows[1]
assert rows[2]["verdict"] == "pass" and rows[2]["protected"] is None
EOF

# --- stdin: comments, blank lines, CRLF, invalid names, escaping
printf '# comment\n\narmy.ml\r\n  navy.ml  \nbad name"\\\n' >"$T/in"
"$TG" score --json -p "$T/protected.list" - <"$T/in" >"$T/out" 2>"$T/err"
rc=$?
if test $rc = 3; then ok "invalid input name: exit 3"; else
	fail "invalid input name: exit $rc, expected 3"
fi
expect err '<stdin>:5:' "invalid name reported as <stdin>:line"
if "$PY" - "$T/out" <<'EOF'; then ok "stdin json"; else fail "stdin json"; fi
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["name"] for r in rows] == ["army.ml", "navy.ml", 'bad name"\\'], rows
assert rows[1]["verdict"] == "block", rows[1]
assert rows[2]["verdict"] == "pass" and "error" in rows[2], rows[2]
EOF
printf 'a\001b.com\n\377x.com\n' >"$T/in"
"$TG" score --json -p "$T/protected.list" - <"$T/in" >"$T/out" 2>"$T/err"
if "$PY" - "$T/out" <<'EOF'; then ok "json escapes"; else fail "json escapes"; fi
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert rows[0]["name"] == "a\x01b.com", rows[0]
assert rows[1]["name"] == "\ufffdx.com", rows[1]
EOF
expect err "<stdin>:1: 'a.001b\.com'" "control characters escaped on stderr"
"$PY" -c 'print("a" * 2000); print("army.ml")' >"$T/in"
"$TG" score -p "$T/protected.list" - <"$T/in" >"$T/out" 2>"$T/err"
rc=$?
if test $rc = 3 && test "$(wc -l <"$T/out")" = 1; then
	ok "over-long line skipped (exit 3)"
else
	fail "over-long line: exit $rc"
fi
expect err '<stdin>:1: line longer' "over-long line reported"

# --- a 100 k-line stream
awk 'BEGIN { for (i = 0; i < 100000; i++)
	printf "host%d.example%d.com\n", i, i % 97 }' >"$T/big"
"$TG" score -p "$T/protected.list" - <"$T/big" >"$T/out" 2>"$T/err"
rc=$?
if test $rc = 0 && test "$(wc -l <"$T/out")" = 100000; then
	ok "100k names from stdin"
else
	fail "100k names from stdin: exit $rc, $(wc -l <"$T/out") lines"
fi

# --- explain
run 0 "explain" "$TG" explain -p "$T/protected.list" army.ml
expect out 'army\.mil' "explanation names the protected entry"

# --- check-conf and the configuration's lists
cat >"$T/good.conf" <<EOF
# test configuration
protected: protected.list
allow: allow.list
block-threshold: 80
log-threshold: 50
EOF
run 0 "check-conf good" "$TG" check-conf "$T/good.conf"
expect out 'ok' "check-conf summary"
printf 'protected: protected.list\nno-such-key: 1\n' >"$T/bad.conf"
run 1 "check-conf unknown key" "$TG" check-conf "$T/bad.conf"
expect err "bad.conf:2:" "check-conf error as file:line"
printf 'protected: broken.list\n' >"$T/badlist.conf"
run 1 "check-conf broken list" "$TG" check-conf "$T/badlist.conf"
expect err "broken.list:2:" "check-conf names the list file and line"
run 0 "score with -c" "$TG" -c "$T/good.conf" score army.ml
expect out '^army\.ml block ' "score uses the configuration's lists"
TYPOGUARD_CONF="$T/good.conf" run 0 "TYPOGUARD_CONF as default" "$TG" \
	score army.ml
expect out '^army\.ml block ' "TYPOGUARD_CONF names the configuration"
# no list and no configuration: say how to name one (the quick start's
# hint once failed this way)
TYPOGUARD_CONF="$T/none.conf" run 1 "explain without any list" "$TG" \
	explain armym.il
expect err "none.conf: cannot open" "the missing configuration is named"
expect err "name the protected list with -p FILE" \
	"explain says how to name a list"
expect err "or a configuration with -c FILE or TYPOGUARD_CONF=FILE" \
	"... or a configuration"
TYPOGUARD_CONF="$T/bad.conf" run 1 "score with a broken configuration" \
	"$TG" score army.ml
if grep -q "name the protected list" "$T/err"; then
	fail "a configuration that exists but is broken is not called missing"
else
	ok "a broken configuration is reported as such, not as missing"
fi
run 0 "score with --config after the command" "$TG" score \
	--config "$T/good.conf" mail.army.mil
expect out '^mail\.army\.mil pass ' "configuration allowlist applies"

# --- export (issue 8): formats, determinism, config fallback, errors
run 0 "export rpz" "$TG" export --format rpz -p "$T/protected.list" \
	-a "$T/allow.list"
expect out '^army\.ml\.rpz\.typoguard\.[[:space:]].*CNAME[[:space:]]*\.$' \
	"export rpz: army.ml CNAME ."
expect out '^\*\.army\.ml\.rpz\.typoguard\.[[:space:]].*CNAME' \
	"export rpz: wildcard for subdomains"
expect out '^rpz\.typoguard\.[[:space:]].*SOA' "export rpz: SOA at the apex"
expect out "^; protected: $T/protected.list (3 entries)" \
	"export header names the list and its entries"
if grep -q '^army\.mil\.rpz' "$T/out"; then
	fail "export rpz lists the protected name itself"
else
	ok "export rpz never lists a protected name"
fi
cp "$T/out" "$T/rpz1"
"$TG" export --format rpz -p "$T/protected.list" -a "$T/allow.list" \
	>"$T/rpz2" 2>/dev/null
if cmp -s "$T/rpz1" "$T/rpz2"; then ok "export is deterministic"; else
	fail "export: two runs differ"
fi
run 0 "export local-zone" "$TG" export --format local-zone \
	-p "$T/protected.list"
expect out '^local-zone: "army\.ml\." always_nxdomain$' \
	"export local-zone line"
expect out '^server:$' "export local-zone: server: clause"
run 0 "export with the configuration's lists" "$TG" -c "$T/good.conf" \
	export --format local-zone
expect out '^local-zone: "armymil\.com\." always_nxdomain$' \
	"export -c uses the configuration's lists"
run 0 "export -o FILE" "$TG" export --format rpz -p "$T/protected.list" \
	-a "$T/allow.list" -o "$T/rpz3"
if cmp -s "$T/rpz1" "$T/rpz3"; then ok "export -o writes the same bytes"
else fail "export -o differs from stdout"; fi
run 0 "export --limit 1" "$TG" export --format local-zone --limit 1 \
	-p "$T/protected.list"
if test "$(grep -c '^local-zone:' "$T/out")" = 3; then
	ok "export --limit 1: one name per protected entry"
else
	fail "export --limit 1: $(grep -c '^local-zone:' "$T/out") names"
fi
run 2 "export without --format" "$TG" export -p "$T/protected.list"
expect err 'format' "export names the missing --format"
run 2 "export bad --format" "$TG" export --format bind \
	-p "$T/protected.list"
run 2 "export bad --origin" "$TG" export --format rpz --origin 'a..b' \
	-p "$T/protected.list"
run 1 "export broken list" "$TG" export --format rpz \
	-p "$T/broken.list"
expect err "broken.list:2:" "export names the list file and line"
run 1 "export unwritable -o" "$TG" export --format rpz \
	-p "$T/protected.list" -o "$T/no/such/dir/x.rpz"

# --- audit takes the list options of score through the same parser (these
# fail before any query is sent, so no resolver is needed)
run 2 "audit bad threshold" "$TG" audit -b 101 -p "$T/protected.list"
expect err "threshold '101'" "audit rejects a threshold as score does"
run 2 "audit bad tld pair" "$TG" audit -t mil -p "$T/protected.list"
expect err "tld-pair 'mil'" "audit rejects a TLD pair as score does"
run 1 "audit broken brand list" "$TG" audit -B "$T/broken.list"
expect err "broken.list:2:" "audit names the list file and line"
run 1 "audit broken infrastructure list" "$TG" audit \
	-p "$T/protected.list" -i "$T/broken.list"
expect err "broken.list:2:" "audit reads --infrastructure lists"
run 0 "audit --help" "$TG" audit --help
expect out "no-builtin-infrastructure" "audit --help lists the list options"

echo "1..$n"
if test $fails -ne 0; then
	echo "FAIL: $fails of $n checks failed"
	exit 1
fi
echo "PASS: $n checks"
exit 0
