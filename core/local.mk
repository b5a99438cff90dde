# core/: the scoring library (static, PIC convenience library) and the tool.
noinst_LTLIBRARIES += core/libtgcore.la
core_libtgcore_la_SOURCES = \
	core/typoguard.h \
	core/conf.c
core_libtgcore_la_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS) $(IDN2_CFLAGS) \
	-DTG_SYSCONFDIR='"$(sysconfdir)"'
core_libtgcore_la_LIBADD = $(LDNS_LIBS) $(IDN2_LIBS)

bin_PROGRAMS += core/typoguard
core_typoguard_SOURCES = core/tool.c
core_typoguard_LDADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS)
