# unit tests: add programs to TG_UNIT_TESTS

TG_UNIT_TESTS += tests/unit/test_conf
tests_unit_test_conf_SOURCES = tests/unit/test_conf.c
tests_unit_test_conf_CPPFLAGS = $(TG_TESTS_CPP)
tests_unit_test_conf_LDADD = $(TG_TESTS_LIBS)

TG_UNIT_TESTS += tests/unit/test_events
tests_unit_test_events_SOURCES = tests/unit/test_events.c module/tg_events.c
tests_unit_test_events_CPPFLAGS = $(TG_TESTS_CPP) -I$(top_srcdir)/module
tests_unit_test_events_LDADD = $(TG_TESTS_LIBS) -lpthread
