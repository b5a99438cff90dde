# Integration tests: a real Unbound with typoguard.so on loopback (tglab.py).
check_PROGRAMS += tests/tgdig
tests_tgdig_SOURCES = tests/tgdig.c
tests_tgdig_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS)
tests_tgdig_LDADD = $(LDNS_LIBS)

TG_INTEGRATION_TESTS = \
	tests/integration/test_exports.sh \
	tests/integration/test_skeleton.py \
	tests/integration/test_actions.py \
	tests/integration/test_scope.py \
	tests/integration/test_events.py \
	tests/integration/test_reload.py
TESTS += $(TG_INTEGRATION_TESTS)
EXTRA_DIST += $(TG_INTEGRATION_TESTS) tests/integration/tglab.py \
	tests/lab/root.zone
