# core/cli/: the `typoguard` command-line tool, built on core/libtgcore.la.
bin_PROGRAMS += core/cli/typoguard
core_cli_typoguard_SOURCES = core/cli/cli.h core/cli/tool.c \
	core/cli/opts.c core/cli/json.c \
	core/cli/cmd_score.c core/cli/cmd_export.c core/cli/cmd_check_conf.c \
	core/cli/audit_internal.h core/cli/audit.c \
	core/cli/report_internal.h core/cli/report.c \
	core/cli/install_internal.h core/cli/install.c
core_cli_typoguard_CPPFLAGS = $(AM_CPPFLAGS) $(LDNS_CFLAGS) \
	$(LIBUNBOUND_CFLAGS) $(JSONC_CFLAGS) $(ZLIB_CFLAGS) \
	-DTG_PKGLIBDIR='"$(pkglibdir)"'
core_cli_typoguard_LDADD = core/libtgcore.la $(LDNS_LIBS) $(IDN2_LIBS) \
	$(LIBUNBOUND_LIBS) $(JSONC_LIBS) $(ZLIB_LIBS)

# the tool's manual page
dist_man_MANS += core/cli/typoguard.1
