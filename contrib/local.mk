EXTRA_DIST += contrib/README contrib/build-unbound.sh contrib/install-deps.sh \
	contrib/build.sh contrib/quickstart.sh contrib/test.sh \
	contrib/policy-zone.md
