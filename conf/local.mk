# conf/: samples installed under $(sysconfdir)/typoguard
typoguardconfdir = $(sysconfdir)/typoguard
dist_typoguardconf_DATA = conf/typoguard.conf conf/protected.list conf/allow.list
EXTRA_DIST += conf/unbound-typoguard.conf conf/README.md
