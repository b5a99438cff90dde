# tests/bench: the scorer microbenchmark.  `make bench` builds and runs it
# against ../shared/data (TG_DATA_DIR overrides); it is not part of
# `make check` and not a timed test: it prints figures and PASS/MISS against
# the targets of issue 3.  Options: make bench BENCH_FLAGS="--rounds 15
# --stream 2097152" (default: 9 rounds of 2^20 names).
EXTRA_PROGRAMS += tests/bench/bench_score
tests_bench_bench_score_SOURCES = tests/bench/bench_score.c
tests_bench_bench_score_LDADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS)
CLEANFILES += tests/bench/bench_score$(EXEEXT)

bench: tests/bench/bench_score$(EXEEXT)
	./tests/bench/bench_score$(EXEEXT) \
		--data-dir "$${TG_DATA_DIR:-$(abs_top_srcdir)/../shared/data}" \
		$(BENCH_FLAGS)
.PHONY: bench

# tests/bench/resolver_bench.py (issue 6): typoguard against the
# alternatives, in real Unbound processes on loopback: cache-hit, cache-miss
# (vs no module and vs Debian's unbound with a python pass-through module),
# blocked path (vs local-zone), dnstwist "enumerate and block" as RPZ and
# local-zones vs typoguard, and `make bench`.  Needs root, dnsperf,
# dnstwist, gnuplot-nox, python3-unbound (contrib/install-deps.sh --bench),
# about 20 minutes and, for the largest lists, ~16 GB of free memory (it keeps
# --min-free-gb free and skips what would not fit).  Not part of
# `make check`.  Figures: results.md/results.json in a /var/tmp directory it
# prints; plots: tests/bench/plots/*.png.  Options:
# make bench-resolver RESOLVER_BENCH_FLAGS="--parts hit,miss --seconds 5"
EXTRA_DIST += tests/bench/resolver_bench.py
bench-resolver: core/cli/typoguard$(EXEEXT) module/typoguard.la
	$(PYTHON3) $(srcdir)/tests/bench/resolver_bench.py \
		--builddir "$(abs_top_builddir)" --srcdir "$(abs_top_srcdir)" \
		--unbound "$(UNBOUND_BIN)" \
		--data "$${TG_DATA_DIR:-$(abs_top_srcdir)/../shared/data}" \
		$(RESOLVER_BENCH_FLAGS)
.PHONY: bench-resolver

# tests/bench/bench_instr.py (issue 18): instructions per cache miss with and
# without typoguard, counted by callgrind in one Unbound (num-threads: 1,
# "validator iterator", lab zones by auth-zone), 20,000 misses, start-up
# and shutdown subtracted; two streams (q<random>.bench.com, d<random>.com)
# x two lists (the 17 k .gov/.mil/mail list, the Tranco top 100k).  The
# criterion for the resolver cost: qps swings on a shared host, instruction
# counts do not.  Installs valgrind if missing (contrib/install-deps.sh
# --instr); about 5 minutes; no root needed once valgrind is there.
# Options: make bench-instr BENCH_INSTR_FLAGS="--lists tranco1k,tranco100k"
EXTRA_DIST += tests/bench/bench_instr.py
bench-instr: core/cli/typoguard$(EXEEXT) module/typoguard.la
	@command -v valgrind >/dev/null || bash $(srcdir)/contrib/install-deps.sh --instr
	$(PYTHON3) $(srcdir)/tests/bench/bench_instr.py \
		--builddir "$(abs_top_builddir)" --srcdir "$(abs_top_srcdir)" \
		--unbound "$(UNBOUND_BIN)" \
		--data "$${TG_DATA_DIR:-$(abs_top_srcdir)/../shared/data}" \
		$(BENCH_INSTR_FLAGS)
.PHONY: bench-instr
