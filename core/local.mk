# core/: the scoring library (static, PIC convenience library); the tool is
# in core/cli/ (core/cli/local.mk).
noinst_LTLIBRARIES += core/libtgcore.la
core_libtgcore_la_SOURCES = \
	core/typoguard.h \
	core/typoguard_conf.h \
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
	core/outfile.c \
	core/json.c \
	core/ubid_internal.h \
	core/ubid.c \
	core/rules_internal.h \
	core/rules.c
# the built-in infrastructure list, generated from conf/infrastructure.list
nodist_core_libtgcore_la_SOURCES = core/infra_builtin.c
BUILT_SOURCES = core/infra_builtin.c
CLEANFILES += core/infra_builtin.c
EXTRA_DIST += conf/infrastructure.list core/gen/gen_infra_builtin.sh
core/infra_builtin.c: $(srcdir)/conf/infrastructure.list \
		$(srcdir)/core/gen/gen_infra_builtin.sh
	$(AM_V_GEN)$(MKDIR_P) core && $(SHELL) \
	$(srcdir)/core/gen/gen_infra_builtin.sh \
	$(srcdir)/conf/infrastructure.list >$@-t && mv -f $@-t $@
core_libtgcore_la_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS) $(IDN2_CFLAGS) \
	-DTG_SYSCONFDIR='"$(sysconfdir)"'
core_libtgcore_la_LIBADD = $(LDNS_LIBS) $(IDN2_LIBS)
# generator of core/confusables_table.c (needs ICU; not built by default)
EXTRA_DIST += core/gen/gen_confusables.c
