#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# run.sh — run one fuzz target under libFuzzer for a given time.
#
#   tests/fuzz/run.sh TARGET [SECONDS] [-- LIBFUZZER-OPTIONS...]
#   tests/fuzz/run.sh all SECONDS        every target, one after the other
#   tests/fuzz/run.sh build              only build the libFuzzer binaries
#
# TARGET is list, conf, zone, wire or name (tests/fuzz/fuzz_TARGET.c).
# Builds the core library's sources (as core/local.mk lists them) and the
# target with clang -fsanitize=fuzzer,address,undefined into $TG_FUZZ_DIR
# (default: _fuzz/ in the source tree, ignored by git), apart from the
# autotools build, then runs libFuzzer on a working
# corpus _fuzz/corpus-TARGET seeded from tests/fuzz/corpus/TARGET (the
# committed seeds are never written).  Crashes land in _fuzz/artifacts/;
# the first crash ends the run (and `all`) with a non-zero status.
# After the run, new inputs can be minimised into the seeds with
#   tests/fuzz/run.sh merge TARGET
# (libFuzzer -merge=1 into a fresh folder; review before committing).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${TG_FUZZ_DIR:-$top/_fuzz}
CLANG=${CLANG:-clang}
targets="list conf zone wire name"

if ! command -v "$CLANG" >/dev/null ||
	! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){return 0;}' |
	"$CLANG" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "run.sh: need clang with libFuzzer: apt-get install -y clang-14 libclang-rt-14-dev" >&2
	exit 1
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -D_GNU_SOURCE $san"
cflags="$cflags $(pkg-config --cflags ldns libidn2)"
libs="$(pkg-config --libs ldns libidn2)"

build() {
	mkdir -p "$out/obj" "$out/artifacts"
	# A minimal tg_config.h: core needs only these.
	cat > "$out/obj/tg_config.h.new" <<EOH
#define PACKAGE_VERSION "fuzz"
#define TG_PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dat"
#define TG_SYSCONFDIR "/etc"
EOH
	cmp -s "$out/obj/tg_config.h.new" "$out/obj/tg_config.h" ||
		mv "$out/obj/tg_config.h.new" "$out/obj/tg_config.h"
	local objs="" src o srcs
	# the scoring library's sources, as core/local.mk lists them
	srcs=$(awk '/^core_libtgcore_la_SOURCES/ {on = 1}
		on { for (i = 1; i <= NF; i++) if ($i ~ /\.c$/) print $i
		     if ($NF != "\\") on = 0 }' "$top/core/local.mk")
	[ -n "$srcs" ] || { echo "run.sh: no core sources in core/local.mk" >&2; exit 1; }
	# the built-in infrastructure list, generated as the build does
	sh "$top/core/gen/gen_infra_builtin.sh" "$top/conf/infrastructure.list" \
		>"$out/obj/infra_builtin.c.new" || exit 1
	cmp -s "$out/obj/infra_builtin.c.new" "$out/obj/infra_builtin.c" ||
		mv "$out/obj/infra_builtin.c.new" "$out/obj/infra_builtin.c"
	for src in $srcs tests/fuzz/fuzz_util.c "$out/obj/infra_builtin.c"; do
		case $src in /*) ;; *) src="$top/$src" ;; esac
		o="$out/obj/$(basename "$src" .c).o"
		if [ ! -f "$o" ] || [ "$src" -nt "$o" ] ||
			[ -n "$(find "$top/core" "$top/tests/fuzz" -name '*.h' -newer "$o")" ]; then
			"$CLANG" $cflags -fsanitize=fuzzer-no-link -I"$out/obj" \
				-I"$top/core" -c "$src" -o "$o"
		fi
		objs="$objs $o"
	done
	for t in $targets; do
		"$CLANG" $cflags -fsanitize=fuzzer -I"$out/obj" -I"$top/core" \
			"$top/tests/fuzz/fuzz_$t.c" $objs $libs -o "$out/fuzz_$t"
	done
}

run() {
	local t=$1 secs=$2
	shift 2
	[ -f "$top/tests/fuzz/fuzz_$t.c" ] || { echo "run.sh: no target $t" >&2; exit 2; }
	mkdir -p "$out/corpus-$t"
	cp -n "$top/tests/fuzz/corpus/$t"/* "$out/corpus-$t/" 2>/dev/null || true
	local dict=()
	[ -f "$top/tests/fuzz/$t.dict" ] && dict=(-dict="$top/tests/fuzz/$t.dict")
	echo "== fuzz_$t for ${secs}s"
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
		"$out/fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" "${dict[@]}" "$@" \
		"$out/corpus-$t"
}

cmd=${1:-}
case $cmd in
build) build ;;
merge)
	t=${2:?target}
	rm -rf "$out/merged-$t"
	mkdir -p "$out/merged-$t"
	"$out/fuzz_$t" -merge=1 "$out/merged-$t" "$top/tests/fuzz/corpus/$t" \
		"$out/corpus-$t"
	echo "minimised corpus in $out/merged-$t ($(ls "$out/merged-$t" | wc -l) files)"
	;;
all)
	secs=${2:-600}
	build
	for t in $targets; do run "$t" "$secs"; done
	;;
"" | -h | --help) sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
*)
	secs=${2:-600}
	shift $(($# >= 2 ? 2 : 1))
	[ "${1:-}" = "--" ] && shift
	build
	run "$cmd" "$secs" "$@"
	;;
esac
