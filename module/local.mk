# module/: typoguard.so, loaded by Unbound's dynlib module.
# Unbound's headers come from its configured tree (-isystem: their warnings
# are not ours).  Only the six dynlib entry points are exported; -z now makes
# an unresolved symbol fail when Unbound loads the module, not at the first
# query.
pkglib_LTLIBRARIES += module/typoguard.la
# the Unbound glue (typoguard_mod.c); events: queue and aggregation
# (tg_events), line format (tg_event_format, schema event.schema.json),
# counters (tg_counters); policy and reload (tg_policy) and its last-good
# snapshot (tg_snapshot); the module's threads (tg_thread); tg_buf;
# the version guard (tg_guard, below)
module_typoguard_la_SOURCES = \
	module/typoguard_mod.c \
	$(TG_MODULE_CORE)
TG_MODULE_CORE = \
	module/tg_buf.c module/tg_buf.h \
	module/tg_counters.c module/tg_counters.h \
	module/tg_event_format.c module/tg_event_format.h \
	module/tg_events.c module/tg_events.h \
	module/tg_policy.c module/tg_policy.h \
	module/tg_snapshot.c module/tg_snapshot.h \
	module/tg_thread.c module/tg_thread.h
module_typoguard_la_CPPFLAGS = -isystem $(UNBOUND_SRC) -I$(top_srcdir)/core \
	-I$(top_builddir)/core \
	$(LDNS_CFLAGS)
module_typoguard_la_CFLAGS = $(TG_CFLAGS) -std=gnu11
module_typoguard_la_LDFLAGS = -module -avoid-version -shared \
	-export-symbols-regex '^(init|deinit|operate|inform_super|clear|get_mem)$$' \
	-Wl,-z,now -Wl,-z,relro
module_typoguard_la_LIBADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS) $(PTHREAD_LIBS)
dist_man_MANS += module/typoguard.conf.5
EXTRA_DIST += module/event.schema.json
# The guard (issue 15): the identity of the Unbound tree, checked at init.
module_typoguard_la_SOURCES += module/tg_guard.c module/tg_guard.h
module_typoguard_la_CPPFLAGS += -DTG_UB_MARKERS='"$(TG_UB_MARKERS)"'
