# unit tests: add programs to TG_UNIT_TESTS

TG_UNIT_TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c tests/unit/tg_unit.h
tests_unit_test_conf_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_conf_LDADD = $(TG_TESTS_LIBS)

TG_UNIT_TESTS += tests/unit/test_events
tests_unit_test_events_SOURCES = tests/unit/test_events.c $(TG_MODULE_CORE)
tests_unit_test_events_CPPFLAGS = $(TG_TESTS_CPP) -I$(top_srcdir)/module
tests_unit_test_events_LDADD = $(TG_TESTS_LIBS) $(PTHREAD_LIBS)

TG_UNIT_TESTS += tests/unit/test_policy
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c tests/unit/tg_unit.h \
	$(TG_MODULE_CORE)
tests_unit_test_policy_CPPFLAGS = $(TG_TESTS_CPP) -I$(top_srcdir)/module
tests_unit_test_policy_LDADD = $(TG_TESTS_LIBS) $(PTHREAD_LIBS)

# core (issue 3): names, PSL, lists, scoring.  TG_SRCDIR and TG_DATA_DIR
# come from AM_TESTS_ENVIRONMENT; tg_unit.h holds the shared helpers.
TG_UNIT_TESTS += tests/unit/test_name
tests_unit_test_name_SOURCES = tests/unit/test_name.c tests/unit/tg_unit.h
tests_unit_test_name_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_name_LDADD = $(TG_TESTS_LIBS)

TG_UNIT_TESTS += tests/unit/test_psl
tests_unit_test_psl_SOURCES = tests/unit/test_psl.c tests/unit/tg_unit.h
tests_unit_test_psl_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_psl_LDADD = $(TG_TESTS_LIBS)

TG_UNIT_TESTS += tests/unit/test_list
tests_unit_test_list_SOURCES = tests/unit/test_list.c tests/unit/tg_unit.h
tests_unit_test_list_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_list_LDADD = $(TG_TESTS_LIBS)

TG_UNIT_TESTS += tests/unit/test_score
tests_unit_test_score_SOURCES = tests/unit/test_score.c tests/unit/tg_unit.h
tests_unit_test_score_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_score_LDADD = $(TG_TESTS_LIBS) $(PTHREAD_LIBS)

# issue 7: input limits (README "Limits"); reads core/list_internal.h to
# reach the entry cap without loading ten million names.
TG_UNIT_TESTS += tests/unit/test_limits
tests_unit_test_limits_SOURCES = tests/unit/test_limits.c tests/unit/tg_unit.h
tests_unit_test_limits_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_limits_LDADD = $(TG_TESTS_LIBS)

# issues 8/9: enumeration of lookalikes (tg_enumerate, tg_list_foreach),
# the engine of `typoguard export` and `typoguard audit`.
TG_UNIT_TESTS += tests/unit/test_enumerate
tests_unit_test_enumerate_SOURCES = tests/unit/test_enumerate.c \
	tests/unit/tg_unit.h
tests_unit_test_enumerate_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_enumerate_LDADD = $(TG_TESTS_LIBS)

# label folding (core/fold.c): skeletons, IDN flags, RFC 3492 decoding
TG_UNIT_TESTS += tests/unit/test_fold
tests_unit_test_fold_SOURCES = tests/unit/test_fold.c tests/unit/tg_unit.h
tests_unit_test_fold_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_fold_LDADD = $(TG_TESTS_LIBS)

# the index (core/index.c): errors, counts, the key table at 50,000 names
TG_UNIT_TESTS += tests/unit/test_index
tests_unit_test_index_SOURCES = tests/unit/test_index.c tests/unit/tg_unit.h
tests_unit_test_index_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_index_LDADD = $(TG_TESTS_LIBS)

# Unbound build identities of the version guard (issue 15)
TG_UNIT_TESTS += tests/unit/test_ubid
tests_unit_test_ubid_SOURCES = tests/unit/test_ubid.c
tests_unit_test_ubid_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_ubid_LDADD = $(TG_TESTS_LIBS)

# output files written whole or not at all (core/outfile.c)
TG_UNIT_TESTS += tests/unit/test_outfile
tests_unit_test_outfile_SOURCES = tests/unit/test_outfile.c tests/unit/tg_unit.h
tests_unit_test_outfile_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_outfile_LDADD = $(TG_TESTS_LIBS)

# the JSON string escaper of events and the tool (core/json.c)
TG_UNIT_TESTS += tests/unit/test_json
tests_unit_test_json_SOURCES = tests/unit/test_json.c
tests_unit_test_json_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_json_LDADD = $(TG_TESTS_LIBS)

# the library-internal utilities the tool shares (core/util_internal.h):
# the number parser and the string table
TG_UNIT_TESTS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_util_LDADD = $(TG_TESTS_LIBS)
