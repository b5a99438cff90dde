# tests/eval: evaluation of the scorer on the real data in ../shared/data
# (recall against dnstwist, false positives on the Tranco top 100k) and the
# command-line tests of core/cli/typoguard (tests/tool).  They run the built
# tool, found through TG_BUILDDIR; TG_DATA_DIR names the data (both set by
# AM_TESTS_ENVIRONMENT in tests/local.mk); without the data they exit 77.
TG_EVAL_TESTS = tests/tool/tool_cli.sh tests/tool/check_conf.sh \
	tests/eval/recall_dnstwist.py \
	tests/eval/false_positives.py \
	tests/eval/lookalikes.py
TESTS += $(TG_EVAL_TESTS)
EXTRA_DIST += $(TG_EVAL_TESTS) tests/eval/tgeval.py
