# tests/bench: the scorer microbenchmark.  `make bench` builds and runs it
# against ../shared/data (TG_DATA_DIR overrides); it is not part of
# `make check` and not a timed test: it prints figures and PASS/MISS against
# the targets of issue 3.  Options: make bench BENCH_FLAGS="--rounds 9
# --stream 2097152".
EXTRA_PROGRAMS += tests/bench/bench_score
tests_bench_bench_score_SOURCES = tests/bench/bench_score.c
tests_bench_bench_score_LDADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS)
CLEANFILES += tests/bench/bench_score$(EXEEXT)

bench: tests/bench/bench_score$(EXEEXT)
	./tests/bench/bench_score$(EXEEXT) \
		--data-dir "$${TG_DATA_DIR:-$(abs_top_srcdir)/../shared/data}" \
		$(BENCH_FLAGS)
.PHONY: bench
