# tests/: cmocka unit tests (tests/unit), integration tests against a real
# (Per-test flags: use $(TG_TESTS_CPP) and $(TG_TESTS_LIBS); names ending in _CPPFLAGS/_LDADD upset automake.)
# Unbound (tests/integration), evaluation and benchmarks (tests/eval, tests/bench).
TG_TESTS_CPP = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS)
TG_TESTS_LIBS = core/libtgcore.la $(CMOCKA_LIBS) $(LDNS_LIBS) $(IDN2_LIBS)

if HAVE_CMOCKA
# Unit tests: one program per core unit, tests/unit/test_<unit>.c
TG_UNIT_TESTS =
include tests/unit/local.mk
check_PROGRAMS += $(TG_UNIT_TESTS)
TESTS += $(TG_UNIT_TESTS)
endif

include tests/integration/local.mk
include tests/eval/local.mk
include tests/bench/local.mk
include tests/fuzz/local.mk

# How scripts run, and what they are told about the build.
TEST_EXTENSIONS = .py .sh
PY_LOG_COMPILER = $(PYTHON3)
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	TG_BUILDDIR='$(abs_top_builddir)'; TG_SRCDIR='$(abs_top_srcdir)'; \
	UNBOUND='$(UNBOUND_BIN)'; NSD='$(NSD)'; PYTHON3='$(PYTHON3)'; \
	TG_DATA_DIR="$${TG_DATA_DIR:-$(abs_top_srcdir)/../shared/data}"; \
	PYTHONPATH='$(abs_top_srcdir)/tests/integration'; \
	TG_PKGLIBDIR='$(pkglibdir)'; TG_BINDIR='$(bindir)'; \
	TG_MANDIR='$(mandir)'; TG_SYSCONFDIR='$(sysconfdir)'; \
	export TG_PKGLIBDIR TG_BINDIR TG_MANDIR TG_SYSCONFDIR; \
	TG_SANITIZER_PRELOAD='$(TG_SANITIZER_PRELOAD)'; \
	export TG_BUILDDIR TG_SRCDIR UNBOUND NSD PYTHON3 TG_DATA_DIR PYTHONPATH \
		TG_SANITIZER_PRELOAD;
