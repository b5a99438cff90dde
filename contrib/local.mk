EXTRA_DIST += contrib/build-unbound.sh contrib/README
