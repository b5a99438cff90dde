# conf/: samples installed under $(sysconfdir)/typoguard
typoguardconfdir = $(sysconfdir)/typoguard
dist_typoguardconf_DATA = conf/typoguard.conf conf/protected.list conf/allow.list
EXTRA_DIST += conf/unbound-typoguard.conf conf/README.md

# The unbound.conf snippet is installed beside the samples with the real
# module path of this build filled in.
install-data-local: install-unbound-snippet
install-unbound-snippet:
	$(MKDIR_P) '$(DESTDIR)$(typoguardconfdir)'
	sed 's|/usr/local/lib/typoguard/typoguard.so|$(pkglibdir)/typoguard.so|' \
		'$(srcdir)/conf/unbound-typoguard.conf' \
		> '$(DESTDIR)$(typoguardconfdir)/unbound-typoguard.conf'
uninstall-local: uninstall-unbound-snippet
uninstall-unbound-snippet:
	rm -f '$(DESTDIR)$(typoguardconfdir)/unbound-typoguard.conf'
.PHONY: install-unbound-snippet uninstall-unbound-snippet
