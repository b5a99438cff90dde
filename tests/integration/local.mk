# Integration tests: a real Unbound with typoguard.so on loopback (tglab.py).
# the lab query client: built with everything, used by the tests and by
# contrib/quickstart.sh
noinst_PROGRAMS += tests/tgdig
tests_tgdig_SOURCES = tests/tgdig.c
tests_tgdig_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS)
tests_tgdig_LDADD = $(LDNS_LIBS)

TG_INTEGRATION_TESTS = \
	tests/integration/test_exports.sh \
	tests/integration/test_skeleton.py \
	tests/integration/test_actions.py \
	tests/integration/test_scope.py \
	tests/integration/test_cdn.py \
	tests/integration/test_events.py \
	tests/integration/test_reload.py \
	tests/integration/test_install.sh \
	tests/integration/test_alerting.py \
	tests/integration/test_postfix.py
TESTS += $(TG_INTEGRATION_TESTS)
EXTRA_DIST += $(TG_INTEGRATION_TESTS) tests/integration/tglab.py \
	tests/lab/root.zone tests/lab/mail.zone
# typoguard audit (issue 9): libunbound against the lab Unbound
TG_INTEGRATION_TESTS += tests/integration/test_audit.py
EXTRA_DIST += tests/lab/audit.zone tests/bench/audit_bench.sh
# typoguard export (issue 8): RPZ and local-zone output loaded into Debian's
# stock unbound, and named-checkzone (bind9-utils)
TG_INTEGRATION_TESTS += tests/integration/test_export.py
# input and fault limits of the running resolver (issue 7, README "Limits")
TG_INTEGRATION_TESTS += tests/integration/test_limits.py
# typoguard report (issue 16): text, JSON and the HTML page in headless
# Chromium; the page and its screenshot are kept in tests/report/
TG_INTEGRATION_TESTS += tests/integration/test_report.py
clean-local: clean-report
clean-report:
	rm -rf tests/report
.PHONY: clean-report
# the quick start's printed hints run as printed (issue 16)
TG_INTEGRATION_TESTS += tests/integration/test_quickstart.py
