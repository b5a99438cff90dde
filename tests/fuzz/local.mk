# Fuzz targets (tests/fuzz/fuzz_<target>.c), built here as plain programs
# with main.c that run the committed seed corpus tests/fuzz/corpus/<target>/
# under `make check`.  libFuzzer runs: `make fuzz FUZZ_SECONDS=600` (every
# target) or tests/fuzz/run.sh TARGET SECONDS; see tests/fuzz/README.md.
TG_FUZZ_TESTS = tests/fuzz/fuzz_list tests/fuzz/fuzz_conf \
	tests/fuzz/fuzz_zone tests/fuzz/fuzz_wire tests/fuzz/fuzz_name
check_PROGRAMS += $(TG_FUZZ_TESTS)
TESTS += $(TG_FUZZ_TESTS)
TG_FUZZ_COMMON = tests/fuzz/main.c tests/fuzz/fuzz_util.c tests/fuzz/fuzz.h

tests_fuzz_fuzz_list_SOURCES = tests/fuzz/fuzz_list.c $(TG_FUZZ_COMMON)
tests_fuzz_fuzz_list_CPPFLAGS = $(AM_CPPFLAGS) -DTG_FUZZ_TARGET='"list"'
tests_fuzz_fuzz_list_LDADD = $(TG_TESTS_LIBS)
tests_fuzz_fuzz_conf_SOURCES = tests/fuzz/fuzz_conf.c $(TG_FUZZ_COMMON)
tests_fuzz_fuzz_conf_CPPFLAGS = $(AM_CPPFLAGS) -DTG_FUZZ_TARGET='"conf"'
tests_fuzz_fuzz_conf_LDADD = $(TG_TESTS_LIBS)
tests_fuzz_fuzz_zone_SOURCES = tests/fuzz/fuzz_zone.c $(TG_FUZZ_COMMON)
tests_fuzz_fuzz_zone_CPPFLAGS = $(AM_CPPFLAGS) -DTG_FUZZ_TARGET='"zone"'
tests_fuzz_fuzz_zone_LDADD = $(TG_TESTS_LIBS)
tests_fuzz_fuzz_wire_SOURCES = tests/fuzz/fuzz_wire.c $(TG_FUZZ_COMMON)
tests_fuzz_fuzz_wire_CPPFLAGS = $(AM_CPPFLAGS) -DTG_FUZZ_TARGET='"wire"'
tests_fuzz_fuzz_wire_LDADD = $(TG_TESTS_LIBS)
tests_fuzz_fuzz_name_SOURCES = tests/fuzz/fuzz_name.c $(TG_FUZZ_COMMON)
tests_fuzz_fuzz_name_CPPFLAGS = $(AM_CPPFLAGS) -DTG_FUZZ_TARGET='"name"'
tests_fuzz_fuzz_name_LDADD = $(TG_TESTS_LIBS)

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/run.sh tests/fuzz/README.md

FUZZ_SECONDS = 600
fuzz:
	$(SHELL) $(srcdir)/tests/fuzz/run.sh all $(FUZZ_SECONDS)
.PHONY: fuzz

# Reliability runs that are not part of `make check` (tests/soak/):
# valgrind memcheck of Unbound with the module over the integration suite,
# and the dnsperf soak (SOAK_SECONDS, default 600).
EXTRA_DIST += tests/soak/memcheck.sh tests/soak/soak.sh tests/valgrind.supp
memcheck: all tests/tgdig$(EXEEXT)
	$(SHELL) $(srcdir)/tests/soak/memcheck.sh
SOAK_SECONDS = 600
soak: all tests/tgdig$(EXEEXT)
	$(SHELL) $(srcdir)/tests/soak/soak.sh $(SOAK_SECONDS)
.PHONY: memcheck soak
