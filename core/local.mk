# core/: the scoring library (static, PIC convenience library) and the tool.
noinst_LTLIBRARIES += core/libtgcore.la
core_libtgcore_la_SOURCES = \
	core/typoguard.h \
	core/conf.c \
	core/util_internal.h \
	core/error.c \
	core/name_internal.h \
	core/name.c \
	core/fold_internal.h \
	core/fold.c \
	core/confusables_table.c \
	core/psl_internal.h \
	core/psl.c \
	core/list_internal.h \
	core/list.c \
	core/index_internal.h \
	core/index.c \
	core/score.c \
	core/enumerate.c \
	core/rules_internal.h \
	core/rules.c
core_libtgcore_la_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS) $(IDN2_CFLAGS) \
	-DTG_SYSCONFDIR='"$(sysconfdir)"'
core_libtgcore_la_LIBADD = $(LDNS_LIBS) $(IDN2_LIBS)
# generator of core/confusables_table.c (needs ICU; not built by default)
EXTRA_DIST += core/gen/gen_confusables.c

bin_PROGRAMS += core/typoguard
core_typoguard_SOURCES = core/tool.c core/audit_internal.h core/audit.c
core_typoguard_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS) $(LIBUNBOUND_CFLAGS)
core_typoguard_LDADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS) \
	$(LIBUNBOUND_LIBS)

# the tool's manual page
dist_man_MANS += core/typoguard.1
